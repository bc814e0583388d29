//! Verifying what others issue: keys over https (controller documents with Multikeys and JSON
//! Web Keys), ECDSA P-256 Data Integrity, VC-JWTs (VC 1.1 and VC 2.0 JOSE; EdDSA, ES256,
//! RS256), baked badges. Every verdict is honest: *tampered* only when a signature was computed
//! and did not match; a key that cannot be had or a way of signing not checked says so.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use microcred_credentials::baked::{bake_png, bake_svg, unbake};
use microcred_credentials::data_integrity::{Cryptosuite, ProofOptions, add_proof};
use microcred_credentials::datetime::DateTime;
use microcred_credentials::did::DidResolver;
use microcred_credentials::keys::SigningKey;
use microcred_credentials::signer::{P256Key, RsaKey, Signer};
use microcred_credentials::vc_jwt::{JwtForm, sign_vc_jwt};
use microcred_credentials::verify::{Context, Report, Status, Verdict, verify_document};
use microcred_credentials::verifying_key::VerifyingKey;

const CONTROLLER: &str = "https://badges.example.edu/issuers/1";

fn credential(issuer: &str, v1: bool) -> Value {
    let (context, dates) = if v1 {
        (
            json!([
                "https://www.w3.org/2018/credentials/v1",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ]),
            json!({"issuanceDate": "2026-01-10T00:00:00Z"}),
        )
    } else {
        (
            json!([
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ]),
            json!({"validFrom": "2026-01-10T00:00:00Z"}),
        )
    };
    let mut credential = json!({
        "@context": context,
        "id": "urn:uuid:7a4e0a1c-3b55-4bde-9b1a-2f0f4a8b9c01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": issuer, "type": ["Profile"], "name": "Example University" },
        "name": "Data Literacy",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://badges.example.edu/achievements/1",
                "type": ["Achievement"],
                "name": "Data Literacy",
                "description": "Reads data critically.",
                "criteria": { "narrative": "Pass the course." }
            }
        }
    });
    for (k, v) in dates.as_object().unwrap() {
        credential[k] = v.clone();
    }
    credential
}

fn verify(document: &Value, resolver: &DidResolver) -> Report {
    verify_document(
        document,
        &Context {
            trust: None,
            status_lists: &[],
            resolver,
            now: DateTime::parse("2026-07-01T00:00:00Z").unwrap(),
        },
    )
}

fn ed_key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fn p256_key() -> P256Key {
    P256Key::from_bytes(&[9; 32]).unwrap()
}

fn p256_public(key: &P256Key) -> VerifyingKey {
    VerifyingKey::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.public_key_sec1()).unwrap())
}

/// An https issuer's controller document (W3C Controlled Identifiers 1.0) listing an Ed25519
/// Multikey and a P-256 JsonWebKey for assertions.
fn controller_document() -> Value {
    let sec1 = p256_key().public_key_sec1();
    json!({
        "@context": "https://www.w3.org/ns/cid/v1",
        "id": CONTROLLER,
        "verificationMethod": [
            { "id": format!("{CONTROLLER}#ed"), "type": "Multikey", "controller": CONTROLLER,
              "publicKeyMultibase": ed_key().public_key().to_multibase() },
            { "id": format!("{CONTROLLER}#p256"), "type": "JsonWebKey", "controller": CONTROLLER,
              "publicKeyJwk": { "kty": "EC", "crv": "P-256",
                  "x": URL_SAFE_NO_PAD.encode(&sec1[1..33]),
                  "y": URL_SAFE_NO_PAD.encode(&sec1[33..]) } }
        ],
        "assertionMethod": [format!("{CONTROLLER}#ed"), format!("{CONTROLLER}#p256")]
    })
}

fn with_controller() -> DidResolver {
    let mut resolver = DidResolver::new();
    resolver.add_document(controller_document()).unwrap();
    resolver
}

fn sign_di(document: &Value, key: &dyn Signer, suite: Cryptosuite, method: &str) -> Value {
    add_proof(
        document,
        key,
        &ProofOptions::assertion(suite, method, "2026-01-10T10:00:00Z"),
    )
    .unwrap()
}

#[test]
fn a_key_over_https_that_cannot_be_had_is_never_called_tampering() {
    let signed = sign_di(
        &credential(CONTROLLER, false),
        &ed_key(),
        Cryptosuite::EddsaRdfc2022,
        &format!("{CONTROLLER}#ed"),
    );
    let report = verify(&signed, &DidResolver::new());
    assert_eq!(report.verdict, Verdict::KeyUnavailable, "{report:#?}");
    assert!(report.verdict.sentence().starts_with("Cannot be checked"));
    let proof = report.check("proof").unwrap();
    assert_eq!(proof.status, Status::Failed);
    assert!(proof.detail.contains("is not at hand"), "{}", proof.detail);

    // With the controller document at hand, the same credential verifies.
    let report = verify(&signed, &with_controller());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert!(report.check("issuer").unwrap().detail.contains(CONTROLLER));

    // A key the controller does not list for assertions is not the issuer's.
    let mut other = controller_document();
    other["assertionMethod"] = json!([]);
    let mut resolver = DidResolver::new();
    resolver.add_document(other).unwrap();
    assert_eq!(verify(&signed, &resolver).verdict, Verdict::UnknownIssuer);

    // A changed credential is tampered: its signature was checked with the issuer's key.
    let mut changed = signed.clone();
    changed["name"] = "Advanced Data Literacy".into();
    assert_eq!(
        verify(&changed, &with_controller()).verdict,
        Verdict::Tampered
    );
}

#[test]
fn ways_of_signing_microcred_does_not_check_are_unsupported_not_tampered() {
    let mut signed = sign_di(
        &credential("did:example:issuer", false),
        &ed_key(),
        Cryptosuite::EddsaRdfc2022,
        "did:example:issuer#key-1",
    );
    assert_eq!(
        verify(&signed, &DidResolver::new()).verdict,
        Verdict::Unsupported
    );
    signed["proof"]["cryptosuite"] = "bbs-2023".into();
    let report = verify(&signed, &DidResolver::new());
    assert_eq!(report.verdict, Verdict::Unsupported, "{report:#?}");
    assert!(report.check("proof").unwrap().detail.contains("bbs-2023"));
}

#[test]
fn ecdsa_p256_data_integrity_proofs_sign_and_verify() {
    let key = p256_key();
    let multikey = p256_public(&key).to_multikey().unwrap();
    let did = format!("did:key:{multikey}");
    for suite in [Cryptosuite::EcdsaRdfc2019, Cryptosuite::EcdsaJcs2019] {
        let signed = sign_di(
            &credential(&did, false),
            &key,
            suite,
            &format!("{did}#{multikey}"),
        );
        let report = verify(&signed, &DidResolver::new());
        assert_eq!(report.verdict, Verdict::Valid, "{suite:?} {report:#?}");
        let mut changed = signed.clone();
        changed["credentialSubject"]["id"] = "did:example:someone-else".into();
        assert_eq!(
            verify(&changed, &DidResolver::new()).verdict,
            Verdict::Tampered,
            "{suite:?}"
        );
    }
    // An https issuer's P-256 JsonWebKey verifies an ecdsa-rdfc-2019 proof.
    let signed = sign_di(
        &credential(CONTROLLER, false),
        &key,
        Cryptosuite::EcdsaRdfc2019,
        &format!("{CONTROLLER}#p256"),
    );
    assert_eq!(verify(&signed, &with_controller()).verdict, Verdict::Valid);
    // An Ed25519 key named by an ECDSA proof does not fit: malformed, not tampered.
    let mut mismatched = signed.clone();
    mismatched["proof"]["verificationMethod"] = format!("{CONTROLLER}#ed").into();
    let report = verify(&mismatched, &with_controller());
    assert_eq!(report.verdict, Verdict::Malformed, "{report:#?}");
}

#[test]
fn vc_jwts_of_both_forms_and_three_algorithms_verify() {
    let rsa = {
        use rsa::pkcs8::EncodePrivateKey;
        let private = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).unwrap();
        RsaKey::from_pkcs8_der(private.to_pkcs8_der().unwrap().as_bytes()).unwrap()
    };
    let rsa_public = {
        use rsa::pkcs8::DecodePublicKey;
        rsa::RsaPublicKey::from_public_key_der(&rsa.public_key_spki_der().unwrap()).unwrap()
    };
    let rsa_jwk = {
        use rsa::traits::PublicKeyParts;
        json!({"kty": "RSA", "n": URL_SAFE_NO_PAD.encode(rsa_public.n().to_bytes_be()),
               "e": URL_SAFE_NO_PAD.encode(rsa_public.e().to_bytes_be())})
    };
    let mut document = controller_document();
    document["verificationMethod"].as_array_mut().unwrap().push(
        json!({"id": format!("{CONTROLLER}#rsa"), "type": "JsonWebKey",
                     "controller": CONTROLLER, "publicKeyJwk": rsa_jwk}),
    );
    document["assertionMethod"]
        .as_array_mut()
        .unwrap()
        .push(format!("{CONTROLLER}#rsa").into());
    let mut resolver = DidResolver::new();
    resolver.add_document(document).unwrap();

    let ed = ed_key();
    let p256 = p256_key();
    let signers: [(&dyn Signer, &str); 3] = [(&ed, "ed"), (&p256, "p256"), (&rsa, "rsa")];
    for (signer, fragment) in signers {
        for (form, v1) in [(JwtForm::Vc11, true), (JwtForm::Vc20, false)] {
            let kid = format!("{CONTROLLER}#{fragment}");
            let token = sign_vc_jwt(&credential(CONTROLLER, v1), signer, &kid, form);
            let report = verify(&Value::String(token.clone()), &resolver);
            assert_eq!(
                report.verdict,
                Verdict::Valid,
                "{fragment} {form:?}: {report:#?}"
            );
            assert!(report.check("format").unwrap().detail.contains("VC-JWT"));

            // One changed character of the payload: the signature was checked and failed.
            let parts: Vec<&str> = token.split('.').collect();
            let mut payload: Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
            let name = if v1 { "/vc/name" } else { "/name" };
            *payload.pointer_mut(name).unwrap() = "Forged".into();
            let forged = format!(
                "{}.{}.{}",
                parts[0],
                URL_SAFE_NO_PAD.encode(payload.to_string()),
                parts[2]
            );
            let report = verify(&Value::String(forged), &resolver);
            assert_eq!(report.verdict, Verdict::Tampered, "{fragment} {form:?}");

            // Without the issuer's controller document: cannot be checked.
            let report = verify(&Value::String(token), &DidResolver::new());
            assert_eq!(
                report.verdict,
                Verdict::KeyUnavailable,
                "{fragment} {form:?}"
            );
        }
    }

    // A did:key issuer needs no kid; an algorithm microcred does not check is unsupported.
    let did = ed.public_key().did_key();
    let token = sign_vc_jwt(&credential(&did, true), &ed, &did, JwtForm::Vc11);
    assert_eq!(
        verify(&Value::String(token.clone()), &DidResolver::new()).verdict,
        Verdict::Valid
    );
    let parts: Vec<&str> = token.split('.').collect();
    let hs256 = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
        parts[1],
        parts[2]
    );
    assert_eq!(
        verify(&Value::String(hs256), &DidResolver::new()).verdict,
        Verdict::Unsupported
    );
    // Enveloped in a VC 2.0 EnvelopedVerifiableCredential, the same token verifies.
    let enveloped = json!({
        "@context": "https://www.w3.org/ns/credentials/v2",
        "type": "EnvelopedVerifiableCredential",
        "id": format!("data:application/vc+jwt,{token}"),
    });
    assert_eq!(
        verify(&enveloped, &DidResolver::new()).verdict,
        Verdict::Valid
    );
    // Not a JWT at all: malformed, never a panic.
    for junk in ["a.b.c", "e30.e30.", "....", "eyJ.eyJ.eyJ"] {
        let verdict = verify(&Value::String(junk.into()), &DidResolver::new()).verdict;
        assert!(
            matches!(verdict, Verdict::Malformed | Verdict::Unsupported),
            "{junk}: {verdict:?}"
        );
    }
}

#[test]
fn baked_badges_carry_credentials_that_verify() {
    let ed = ed_key();
    let did = ed.public_key().did_key();
    let signed = sign_di(
        &credential(&did, false),
        &ed,
        Cryptosuite::EddsaRdfc2022,
        &ed.public_key().did_key_verification_method(),
    );
    let token = Value::String(sign_vc_jwt(
        &credential(&did, true),
        &ed,
        &did,
        JwtForm::Vc11,
    ));
    // A real PNG (the demo alliance's logo).
    let png = include_bytes!("../../app/src/platform/demo-logos/alliance.png");
    for credential in [&signed, &token] {
        let baked = bake_png(png, credential).unwrap();
        let found = unbake(&baked).unwrap();
        assert_eq!(&found, credential);
        assert_eq!(verify(&found, &DidResolver::new()).verdict, Verdict::Valid);
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>"#;
        let baked = bake_svg(svg, credential).unwrap();
        let found = unbake(baked.as_bytes()).unwrap();
        assert_eq!(verify(&found, &DidResolver::new()).verdict, Verdict::Valid);
    }
}

/// The W3C Data Integrity suites' proof-chain inputs embed a context written as a whole context
/// document, `{"@context": {…}}`; jsonld.js reads the map inside it, and so does microcred (see
/// `jsonld::context::wrapped_context`): a credential signed with the plain map verifies written
/// either way. Anything beside the wrapped `@context` is still a keyword redefinition.
#[test]
fn a_context_wrapped_in_its_own_context_document_reads_as_the_map_inside() {
    let key = ed_key();
    let did = format!("did:key:{}", key.public_key().to_multibase());
    let terms = json!({
        "AlumniCredential": "https://www.example.org/AlumniCredential",
        "alumniOf": "https://www.example.org/alumniOf"
    });
    let plain = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", terms],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": { "id": "did:example:abcdefgh", "alumniOf": "The School of Examples" }
    });
    let method = format!("{did}#{}", key.public_key().to_multibase());
    let signed = sign_di(&plain, &key, Cryptosuite::EddsaRdfc2022, &method);
    assert_eq!(verify(&signed, &DidResolver::new()).verdict, Verdict::Valid);

    let mut wrapped = signed.clone();
    wrapped["@context"][1] = json!({ "@context": terms });
    let report = verify(&wrapped, &DidResolver::new());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    // The wrapped map still defines what is signed: a changed term is tampering.
    let mut changed = wrapped.clone();
    changed["@context"][1]["@context"]["alumniOf"] = "https://www.example.org/memberOf".into();
    assert_eq!(
        verify(&changed, &DidResolver::new()).verdict,
        Verdict::Tampered
    );

    let mut beside = wrapped.clone();
    beside["@context"][1]["name"] = "https://schema.org/name".into();
    let report = verify(&beside, &DidResolver::new());
    assert_eq!(report.verdict, Verdict::Malformed, "{report:#?}");
}
