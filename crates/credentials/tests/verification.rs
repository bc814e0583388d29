//! Verification reports: each way a credential can fail gives its own verdict, with the check
//! that failed saying why; an untrusted issuer is told apart from a broken signature.

use serde_json::{Value, json};

use microcred_credentials::data_integrity::{Cryptosuite, ProofOptions, add_proof, proof_as_array};
use microcred_credentials::datetime::DateTime;
use microcred_credentials::did::{DidResolver, did_web_document};
use microcred_credentials::keys::SigningKey;
use microcred_credentials::status_list::{
    Bitstring, StatusPurpose, status_entry, status_list_credential,
};
use microcred_credentials::trust::{TrustList, TrustedIssuer};
use microcred_credentials::verify::{Context, Report, Status, Verdict, verify_credential};

const LIST: &str = "https://alliance.example/status/1";

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn credential(issuer: &str) -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:5b0e3a4e-0a4f-4d65-8a5a-6e2b9d0c1f11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": issuer, "type": ["Profile"], "name": "Politechnika Warszawska" },
        "validFrom": "2026-06-26T00:00:00Z",
        "name": "Certificate in Data Literacy",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{ "type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": "Zoë" }],
            "achievement": {
                "id": "urn:uuid:0f6b1a7e-0000-4000-8000-000000000001",
                "type": ["Achievement"],
                "name": "Data Literacy",
                "description": "A badge of achievement.",
                "criteria": { "narrative": "Pass the course." }
            }
        }
    })
}

fn sign(document: &Value, key: &SigningKey, method: &str) -> Value {
    let options =
        ProofOptions::assertion(Cryptosuite::EddsaRdfc2022, method, "2026-06-26T10:00:00Z");
    let mut signed = add_proof(document, key, &options).unwrap();
    proof_as_array(&mut signed);
    signed
}

fn signed_by(seed: u8) -> (SigningKey, Value) {
    let key = key(seed);
    let did = key.public_key().did_key();
    let signed = sign(
        &credential(&did),
        &key,
        &key.public_key().did_key_verification_method(),
    );
    (key, signed)
}

fn trust(ids: &[&str]) -> TrustList {
    TrustList {
        name: "ENHANCE".into(),
        issuers: ids
            .iter()
            .map(|id| TrustedIssuer {
                id: (*id).to_owned(),
                name: "Warsaw University of Technology".into(),
                did_document: None,
                status_lists: Vec::new(),
            })
            .collect(),
        seal_authorities: Vec::new(),
    }
}

fn verify_at(credential: &Value, trust: Option<&TrustList>, lists: &[Value], now: &str) -> Report {
    let resolver = match trust {
        Some(t) => t.resolver().unwrap(),
        None => DidResolver::new(),
    };
    verify_credential(
        credential,
        &Context {
            trust,
            status_lists: lists,
            resolver: &resolver,
            now: DateTime::parse(now).unwrap(),
        },
    )
}

fn status(report: &Report, name: &str) -> Status {
    report.check(name).unwrap().status
}

#[test]
fn a_good_credential_from_a_trusted_issuer_is_valid() {
    let (key, signed) = signed_by(1);
    let did = key.public_key().did_key();
    let report = verify_at(&signed, Some(&trust(&[&did])), &[], "2026-07-01T00:00:00Z");
    assert_eq!(report.verdict, Verdict::Valid, "{report:?}");
    assert!(report.verified);
    let names: Vec<&str> = report.checks.iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        ["format", "proof", "issuer", "validity", "status", "schema"]
    );
    assert!(
        report.checks.iter().all(|c| c.status == Status::Ok),
        "{report:?}"
    );
    assert!(
        report
            .check("issuer")
            .unwrap()
            .detail
            .contains("listed by ENHANCE")
    );
}

#[test]
fn an_untrusted_issuer_is_not_a_broken_signature() {
    let (_, signed) = signed_by(1);
    let report = verify_at(
        &signed,
        Some(&trust(&["did:web:other.example"])),
        &[],
        "2026-07-01T00:00:00Z",
    );
    assert_eq!(report.verdict, Verdict::UnknownIssuer);
    assert_eq!(status(&report, "proof"), Status::Ok);
    assert_eq!(status(&report, "issuer"), Status::Failed);
    assert!(
        report
            .check("issuer")
            .unwrap()
            .detail
            .contains("is not in the trust list of ENHANCE")
    );
}

#[test]
fn a_signature_by_someone_else_than_the_issuer_is_refused() {
    let issuer = key(1).public_key().did_key();
    let other = key(2);
    let signed = sign(
        &credential(&issuer),
        &other,
        &other.public_key().did_key_verification_method(),
    );
    let report = verify_at(&signed, None, &[], "2026-07-01T00:00:00Z");
    assert_eq!(report.verdict, Verdict::UnknownIssuer);
    assert_eq!(status(&report, "proof"), Status::Ok);
    assert!(
        report
            .check("issuer")
            .unwrap()
            .detail
            .contains("no valid signature is by the issuer")
    );
}

#[test]
fn dates_outside_the_validity_period_are_named() {
    let key = key(1);
    let did = key.public_key().did_key();
    let mut with_end = credential(&did);
    with_end["validUntil"] = "2027-06-30T00:00:00Z".into();
    let signed = sign(
        &with_end,
        &key,
        &key.public_key().did_key_verification_method(),
    );
    let before = verify_at(&signed, None, &[], "2026-01-01T00:00:00Z");
    assert_eq!(before.verdict, Verdict::NotYetValid);
    assert_eq!(
        before.check("validity").unwrap().detail,
        "not valid before 2026-06-26T00:00:00Z"
    );
    let after = verify_at(&signed, None, &[], "2027-07-01T00:00:00Z");
    assert_eq!(after.verdict, Verdict::Expired);
    assert_eq!(
        after.check("validity").unwrap().detail,
        "expired on 2027-06-30T00:00:00Z"
    );
}

fn with_status(key: &SigningKey, index: usize, purpose: StatusPurpose) -> Value {
    let did = key.public_key().did_key();
    let mut document = credential(&did);
    document["credentialStatus"] = status_entry(LIST, index, purpose);
    sign(
        &document,
        key,
        &key.public_key().did_key_verification_method(),
    )
}

fn list(signer: &SigningKey, issuer: &str, purpose: StatusPurpose, set: &[usize]) -> Value {
    let mut bits = Bitstring::new(0);
    for i in set {
        bits.set(*i, true).unwrap();
    }
    let list = status_list_credential(LIST, issuer, purpose, &bits, DateTime::from_unix(0));
    sign(
        &list,
        signer,
        &signer.public_key().did_key_verification_method(),
    )
}

#[test]
fn revocation_and_suspension_are_read_from_the_issuers_list() {
    let key = key(1);
    let did = key.public_key().did_key();
    let now = "2026-07-01T00:00:00Z";
    let revocable = with_status(&key, 7, StatusPurpose::Revocation);
    let clear = list(&key, &did, StatusPurpose::Revocation, &[8]);
    let report = verify_at(&revocable, None, std::slice::from_ref(&clear), now);
    assert_eq!(report.verdict, Verdict::Valid, "{report:?}");
    assert!(
        report
            .check("status")
            .unwrap()
            .detail
            .contains("revocation: not set")
    );
    let revoked = list(&key, &did, StatusPurpose::Revocation, &[7]);
    assert_eq!(
        verify_at(&revocable, None, &[revoked], now).verdict,
        Verdict::Revoked
    );

    let suspendable = with_status(&key, 3, StatusPurpose::Suspension);
    let suspended = list(&key, &did, StatusPurpose::Suspension, &[3]);
    assert_eq!(
        verify_at(&suspendable, None, &[suspended], now).verdict,
        Verdict::Suspended
    );

    // No list at hand: the status is unknown, said so, and the credential otherwise holds.
    let unknown = verify_at(&revocable, None, &[], now);
    assert_eq!(status(&unknown, "status"), Status::Skipped);
    assert!(
        unknown
            .check("status")
            .unwrap()
            .detail
            .contains("was not available")
    );
}

#[test]
fn a_status_list_not_signed_by_the_issuer_counts_for_nothing() {
    let key = key(1);
    let did = key.public_key().did_key();
    let forger = self::key(9);
    let credential = with_status(&key, 7, StatusPurpose::Revocation);
    // The forger claims the credential is revoked, in a list naming the real issuer.
    let forged = list(&forger, &did, StatusPurpose::Revocation, &[7]);
    let report = verify_at(&credential, None, &[forged], "2026-07-01T00:00:00Z");
    assert_eq!(report.verdict, Verdict::Tampered);
    assert!(
        report
            .check("status")
            .unwrap()
            .detail
            .contains("not signed by the issuer")
    );
}

#[test]
fn did_web_issuers_resolve_through_the_trust_list() {
    let key = key(4);
    let did = "did:web:alliance.example:u:wut";
    let signed = sign(&credential(did), &key, &format!("{did}#key-1"));
    let mut list = trust(&[did]);
    let now = "2026-07-01T00:00:00Z";
    // Without the DID document the key cannot be found: not "tampered", no signature was checked.
    let report = verify_at(&signed, Some(&list), &[], now);
    assert_eq!(report.verdict, Verdict::KeyUnavailable);
    assert!(
        report
            .check("proof")
            .unwrap()
            .detail
            .contains("is not at hand")
    );
    list.issuers[0].did_document =
        Some(did_web_document(did, &[("key-1".into(), key.public_key())]).unwrap());
    assert_eq!(
        verify_at(&signed, Some(&list), &[], now).verdict,
        Verdict::Valid
    );
}

#[test]
fn garbage_gets_a_report_not_a_panic() {
    for input in [
        json!(null),
        json!("a string"),
        json!([1, 2, 3]),
        json!({}),
        json!({ "@context": 5, "proof": "x" }),
        json!({ "@context": ["https://www.w3.org/ns/credentials/v2"], "proof": { "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofValue": "z!!!", "verificationMethod": "did:key:zzz", "proofPurpose": "assertionMethod", "created": "x" } }),
    ] {
        let report = verify_at(&input, None, &[], "2026-07-01T00:00:00Z");
        assert!(!report.verified, "{input}");
        assert!(
            matches!(report.verdict, Verdict::Malformed | Verdict::Tampered),
            "{input}: {report:?}"
        );
    }
}

#[test]
fn formats_microcred_does_not_check_are_unsupported_never_tampered() {
    use microcred_credentials::verify::{DocumentKind, verify_document};
    let resolver = DidResolver::new();
    let context = Context {
        trust: None,
        status_lists: &[],
        resolver: &resolver,
        now: DateTime::parse("2026-07-01T00:00:00Z").unwrap(),
    };
    // An SD-JWT VC (disclosures after `~`): not a VC-JWT microcred checks.
    let jwt = json!("eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2lnbmF0dXJl~WyJhIiwiYiJd~");
    let jades =
        json!({ "payload": "e30", "signatures": [{ "protected": "e30", "signature": "AA" }] });
    assert_eq!(DocumentKind::of(&jwt), DocumentKind::CompactJws);
    assert_eq!(DocumentKind::of(&jades), DocumentKind::JwsJson);
    assert_eq!(
        DocumentKind::of(&credential("did:web:a.example")),
        DocumentKind::JsonLdCredential
    );
    for document in [jwt, jades] {
        let report = verify_document(&document, &context);
        assert_eq!(report.verdict, Verdict::Unsupported, "{report:?}");
        assert!(!report.verified);
        assert_eq!(status(&report, "format"), Status::Skipped);
        assert!(!report.verdict.statement_is_authentic());
    }
    // Anything else is read as a JSON-LD credential, whose checks say what is wrong.
    assert_eq!(
        verify_document(&json!({ "id": 1 }), &context).verdict,
        Verdict::Malformed
    );
}
