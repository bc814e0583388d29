//! JAdES seals: the EU's official sealed samples verify as of their signing time, ours verify
//! with ES256 and RS256, and every kind of damage fails with its own reason.

use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use microcred_credentials::datetime::DateTime;
use microcred_credentials::did::DidResolver;
use microcred_credentials::signer::{P256Key, RsaKey, Signer};
use microcred_credentials::verify::{Context, Report, Status, Verdict};
use microcred_edc::seal::{Level, SealFailure, SealKey, open, seal};
use microcred_edc::verify::{describe_edc, verify_edc};
use microcred_edc::x509::{SealCertificate, SealSubject, p256_spki_der, self_signed};

fn samples() -> Option<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/elm-3.2/samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        assert!(
            std::env::var("CI").is_err(),
            "the ELM 3.2 samples are missing from ../shared/fixtures (CI must have them)"
        );
        eprintln!("skipped: ../shared/fixtures/elm-3.2/samples is absent");
        None
    }
}

fn read(dir: &std::path::Path, name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
}

fn context(resolver: &DidResolver) -> Context<'_> {
    Context {
        trust: None,
        status_lists: &[],
        resolver,
        now: DateTime::now(),
    }
}

fn check<'r>(report: &'r Report, name: &str) -> &'r microcred_credentials::verify::Check {
    report
        .check(name)
        .unwrap_or_else(|| panic!("no {name} check in {report:#?}"))
}

/// The certification authority that issued the samples' seal certificate, as the seal's
/// B-LT certificate values carry it.
fn sample_authority(document: &Value) -> SealCertificate {
    let opened = open(document).unwrap();
    opened
        .other_certificates
        .iter()
        .find(|c| {
            c.subject()
                .contains("ANF AC Qualified Certificates for eSeal")
                && c.is_ca()
        })
        .cloned()
        .expect("the samples carry their eSeal CA")
}

#[test]
fn the_official_sealed_samples_verify_as_of_their_signing_time() {
    let Some(dir) = samples() else { return };
    let resolver = DidResolver::new();
    for name in [
        "Sample-MC-Annex1-signed.jsonld",
        "Sample-CertOfPart-signed.jsonld",
    ] {
        let document = read(&dir, name);
        let opened = open(&document).unwrap();
        assert_eq!(opened.algorithm, "RS256");
        assert_eq!(opened.level, Level::BLTA, "{name}");
        assert!(
            opened.timestamps[0].contains("imprint matches"),
            "{:?}",
            opened.timestamps
        );
        let anchors = [sample_authority(&document)];
        let report = verify_edc(&document, &context(&resolver), &anchors);
        assert_eq!(report.verdict, Verdict::Valid, "{name}: {report:#?}");
        assert!(
            check(&report, "proof")
                .detail
                .contains("JAdES B-LTA seal (RS256)")
        );
        assert!(check(&report, "certificate").detail.contains("2023-09-27"));
        assert!(check(&report, "issuer").detail.contains("ANF AC Qualified"));

        // Without the authority in the trust list, the seal holds but the sealer is unknown.
        let report = verify_edc(
            &document,
            &context(&resolver),
            &[own_seal_key().certificate().clone()],
        );
        assert_eq!(report.verdict, Verdict::UnknownIssuer, "{report:#?}");
        assert_eq!(check(&report, "proof").status, Status::Ok);
        assert!(
            check(&report, "issuer")
                .detail
                .contains("not a certification authority")
        );
    }
    let statements = describe_edc(&read(&dir, "Sample-MC-Annex1-signed.jsonld"));
    let said = |label: &str| {
        statements
            .iter()
            .find(|s| s.label == label)
            .map(|s| s.value.clone())
            .unwrap_or_default()
    };
    assert_eq!(said("Title"), "Digital micro-credential creation");
    assert_eq!(said("Awarded to"), "Ana Andromeda");
    assert!(said("Awarded by").contains("University of Zed (Ireland)"));
    assert_eq!(said("Level"), "EQF level 6");
    assert!(
        said("Workload").starts_with("2 ECTS"),
        "{}",
        said("Workload")
    );
}

#[test]
fn a_changed_payload_byte_or_certificate_is_tampering_and_a_bare_payload_is_not_sealed() {
    let Some(dir) = samples() else { return };
    let resolver = DidResolver::new();
    let document = read(&dir, "Sample-MC-Annex1-signed.jsonld");
    let anchors = [sample_authority(&document)];

    let mut changed = document.clone();
    let payload = changed["payload"]
        .as_str()
        .unwrap()
        .replacen("Ana", "Anna", 1);
    changed["payload"] = payload.into();
    let report = verify_edc(&changed, &context(&resolver), &anchors);
    assert_eq!(report.verdict, Verdict::Tampered, "{report:#?}");
    assert!(check(&report, "proof").detail.contains("does not match"));

    // Another certificate in x5c: its digest is not the one the protected header names.
    let mut swapped = document.clone();
    let protected = swapped["signatures"][0]["protected"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(protected).unwrap()).unwrap();
    header["x5c"] = json!([anchors[0].to_base64()]);
    swapped["signatures"][0]["protected"] = URL_SAFE_NO_PAD.encode(header.to_string()).into();
    let report = verify_edc(&swapped, &context(&resolver), &anchors);
    assert_eq!(report.verdict, Verdict::Tampered, "{report:#?}");
    assert!(check(&report, "proof").detail.contains("x5t#S256"));

    // The payload alone: an EDC, but nothing vouches for it.
    let bare: Value = serde_json::from_str(document["payload"].as_str().unwrap()).unwrap();
    let report = verify_edc(&bare, &context(&resolver), &anchors);
    assert_eq!(report.verdict, Verdict::Malformed);
    assert!(check(&report, "proof").detail.contains("not sealed"));
    assert_eq!(check(&report, "format").status, Status::Ok);

    // An unknown critical header: cannot be checked, never "tampered".
    let mut strange = document.clone();
    header = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(document["signatures"][0]["protected"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    header["crit"] = json!(["b64", "sigT", "exotic"]);
    header["exotic"] = json!(1);
    strange["signatures"][0]["protected"] = URL_SAFE_NO_PAD.encode(header.to_string()).into();
    let report = verify_edc(&strange, &context(&resolver), &anchors);
    assert_eq!(report.verdict, Verdict::Unsupported, "{report:#?}");
}

fn own_seal_key() -> SealKey {
    let key = P256Key::generate().unwrap();
    let spki = p256_spki_der(&key.public_key_sec1()).unwrap();
    let subject = SealSubject {
        organization: "Warsaw University of Technology, Poland".into(),
        country: "PL".into(),
        organization_identifier: Some("VATPL-5250005834".into()),
    };
    let certificate = self_signed(&key, &spki, &subject, 30).unwrap();
    SealKey::new(Arc::new(key), vec![certificate]).unwrap()
}

fn minimal_edc() -> String {
    json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialProfiles": [{ "id": "http://data.europa.eu/snb/credential/e34929035b", "type": "Concept" }],
        "credentialSchema": [{ "id": "http://data.europa.eu/snb/model/ap/edc-generic-full", "type": "ShaclValidator2017" }],
        "displayParameter": { "id": "urn:epass:displayParameter:1", "type": "DisplayParameter" },
        "issued": "2026-12-05T10:00:00Z",
        "validFrom": "2026-12-01T00:00:00Z",
        "issuer": {
            "id": "did:web:example.edu", "type": "Organisation",
            "legalName": { "pl": "Politechnika Warszawska" },
            "location": [{ "id": "urn:epass:location:1", "type": "Location" }],
            "eIDASIdentifier": { "id": "urn:epass:legalIdentifier:1", "type": "LegalIdentifier", "notation": "VATPL-5250005834" },
        },
        "credentialSubject": { "id": "urn:epass:person:1", "type": "Person", "hasClaim": [{ "id": "urn:epass:learningAchievement:1", "type": "LearningAchievement", "title": { "en": "T" } }] },
    })
    .to_string()
}

fn round_trip(key: SealKey, alg: &str) {
    let resolver = DidResolver::new();
    let payload = minimal_edc();
    let sealed = seal(&payload, &key, DateTime::now()).unwrap();
    let opened = open(&sealed).unwrap();
    assert_eq!(opened.algorithm, alg);
    assert_eq!(opened.level, Level::BB);
    assert_eq!(
        opened.payload, payload,
        "the sealed bytes are the payload, unchanged"
    );
    let report = verify_edc(&sealed, &context(&resolver), key.chain());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert!(check(&report, "issuer").detail.contains("self-signed seal"));

    // Sealed after the certificate expired: the signature holds, the certificate does not.
    let late = DateTime::from_unix(key.chain()[0].not_after().unix() + 86_400);
    let report = verify_edc(
        &seal(&payload, &key, late).unwrap(),
        &context(&resolver),
        key.chain(),
    );
    assert_eq!(report.verdict, Verdict::CertificateInvalid, "{report:#?}");
    assert!(check(&report, "certificate").detail.contains("expired"));

    // The credential naming another organisation than the seal's certificate.
    let other = payload.replace("VATPL-5250005834", "VATDE-1");
    let report = verify_edc(
        &seal(&other, &key, DateTime::now()).unwrap(),
        &context(&resolver),
        key.chain(),
    );
    assert_eq!(report.verdict, Verdict::UnknownIssuer, "{report:#?}");
}

#[test]
fn our_es256_seals_verify_and_fail_for_the_right_reasons() {
    round_trip(own_seal_key(), "ES256");
}

/// A 2048-bit RSA key made once by the test (RSA key generation is slow).
fn rsa_key() -> RsaKey {
    use rsa::pkcs8::EncodePrivateKey;
    let mut rng = rand_core::OsRng;
    let private = rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap();
    RsaKey::from_pkcs8_der(private.to_pkcs8_der().unwrap().as_bytes()).unwrap()
}

#[test]
fn our_rs256_seals_verify() {
    let key = rsa_key();
    let spki = key.public_key_spki_der().unwrap();
    let subject = SealSubject {
        organization: "Technische Universität Berlin".into(),
        country: "DE".into(),
        organization_identifier: Some("VATPL-5250005834".into()),
    };
    let certificate = self_signed(&key, &spki, &subject, 30).unwrap();
    assert!(certificate.is_self_issued());
    assert_eq!(certificate.allows_sealing(), Some(true));
    assert_eq!(
        certificate.organization_identifier().as_deref(),
        Some("VATPL-5250005834")
    );
    round_trip(
        SealKey::new(Arc::new(key), vec![certificate]).unwrap(),
        "RS256",
    );
}

#[test]
fn a_key_that_is_not_its_certificates_is_refused() {
    let mine = own_seal_key();
    let stranger = P256Key::generate().unwrap();
    assert_eq!(stranger.algorithm().name(), "P-256");
    assert!(SealKey::new(Arc::new(stranger), mine.chain().to_vec()).is_err());
}

#[test]
fn garbage_is_malformed_never_a_panic() {
    for document in [
        json!({}),
        json!({ "payload": "x", "signatures": [] }),
        json!({ "payload": "x", "signatures": [{ "protected": "!!", "signature": "" }] }),
        json!({ "payload": "x", "signatures": [{ "protected": URL_SAFE_NO_PAD.encode("{\"alg\":\"RS256\",\"x5c\":[\"AAAA\"]}"), "signature": "AA" }] }),
        json!([1, 2]),
    ] {
        let failure = open(&document).unwrap_err();
        assert!(
            matches!(failure, SealFailure::Malformed(_)),
            "{document}: {failure:?}"
        );
    }
}

#[test]
fn a_sealed_edc_missing_what_the_profile_requires_is_malformed_and_says_where() {
    let resolver = DidResolver::new();
    let key = own_seal_key();
    let mut credential: Value = serde_json::from_str(&minimal_edc()).unwrap();
    credential.as_object_mut().unwrap().remove("issued");
    credential["@context"] = json!([
        "https://www.w3.org/2018/credentials/v1",
        "https://example.org/other"
    ]);
    let sealed = seal(&credential.to_string(), &key, DateTime::now()).unwrap();
    let report = verify_edc(&sealed, &context(&resolver), key.chain());
    assert_eq!(report.verdict, Verdict::Malformed, "{report:#?}");
    let format = &check(&report, "format").detail;
    assert!(format.contains("issued"), "{format}");
    assert!(
        format.contains("http://data.europa.eu/snb/model/context/edc-ap"),
        "{format}"
    );
    // The seal itself held: the report says so, and that the content is what is wrong.
    assert_eq!(check(&report, "proof").status, Status::Ok);
}
