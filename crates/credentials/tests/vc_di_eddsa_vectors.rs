//! The W3C vc-di-eddsa test vectors (`../shared/fixtures/w3c/vc-di-eddsa/TestVectors`):
//! signing the spec's unsigned credential with the spec's keys reproduces every published
//! intermediate value and proofValue byte for byte (rdfc, jcs, proof sets, proof chains); the
//! published signed credentials verify (also the legacy Ed25519Signature2020 one); tampered
//! copies fail with the reason named.
//!
//! Needs `../shared`: skipped where it is absent, failing under `CI=true` if it is absent.

mod common;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use common::{canonical_nquads, fixtures, json, text};
use microcred_credentials::data_integrity::{
    Cryptosuite, Expectations, ProofError, ProofOptions, add_proof, verify_proofs,
};
use microcred_credentials::did::DidResolver;
use microcred_credentials::jsonld::JsonLdError;
use microcred_credentials::keys::SigningKey;

fn vectors() -> Option<PathBuf> {
    fixtures("w3c/vc-di-eddsa/TestVectors")
}

fn spec_key(dir: &Path) -> SigningKey {
    let pair = json(dir, "keyPair.json");
    SigningKey::from_multibase(pair["privateKeyMultibase"].as_str().unwrap()).unwrap()
}

fn pair_key(dir: &Path, name: &str) -> SigningKey {
    let pairs = json(dir, "proof-set-chain/multiKeyPairs.json");
    let key =
        SigningKey::from_multibase(pairs[name]["privateKeyMultibase"].as_str().unwrap()).unwrap();
    assert_eq!(
        key.public_key().to_multibase(),
        pairs[name]["publicKeyMultibase"]
    );
    key
}

/// Proof options exactly as a published proof configuration states them.
fn options_from(config: &Value) -> ProofOptions {
    let field = |name: &str| config[name].as_str().map(str::to_owned);
    ProofOptions {
        cryptosuite: Cryptosuite::parse(config["cryptosuite"].as_str().unwrap()).unwrap(),
        verification_method: field("verificationMethod").unwrap(),
        created: field("created").unwrap(),
        proof_purpose: field("proofPurpose").unwrap(),
        id: field("id"),
        previous_proof: match &config["previousProof"] {
            Value::String(id) => vec![id.clone()],
            Value::Array(ids) => ids.iter().map(|v| v.as_str().unwrap().to_owned()).collect(),
            _ => Vec::new(),
        },
        challenge: None,
        domain: None,
    }
}

fn verify(document: &Value) -> Vec<Result<(), ProofError>> {
    verify_proofs(document, &DidResolver::new(), &Expectations::assertion())
        .unwrap()
        .into_iter()
        .map(|check| check.result)
        .collect()
}

fn canonical(document: &Value) -> String {
    canonical_nquads(document).unwrap()
}

#[test]
fn eddsa_rdfc_2022_reproduces_every_intermediate_value() {
    let Some(dir) = vectors() else { return };
    let unsigned = json(&dir, "unsigned.json");
    assert_eq!(
        canonical(&unsigned),
        text(&dir, "eddsa-rdfc-2022/canonDocDataInt.txt")
    );
    let mut config = json(&dir, "eddsa-rdfc-2022/proofConfigDataInt.json");
    assert_eq!(
        canonical(&config),
        text(&dir, "eddsa-rdfc-2022/proofCanonDataInt.txt")
    );
    config.as_object_mut().unwrap().remove("@context");
    let signed = add_proof(&unsigned, &spec_key(&dir), &options_from(&config)).unwrap();
    assert_eq!(
        signed["proof"]["proofValue"].as_str().unwrap(),
        text(&dir, "eddsa-rdfc-2022/sigBTC58DataInt.txt").trim()
    );
    assert_eq!(signed, json(&dir, "eddsa-rdfc-2022/signedDataInt.json"));
    assert_eq!(verify(&signed), [Ok(())]);
}

#[test]
fn eddsa_jcs_2022_reproduces_the_spec_proof() {
    let Some(dir) = vectors() else { return };
    let config = json(&dir, "eddsa-jcs-2022/proofConfigJCS.json");
    let signed = add_proof(
        &json(&dir, "unsigned.json"),
        &spec_key(&dir),
        &options_from(&config),
    )
    .unwrap();
    assert_eq!(
        signed["proof"]["proofValue"].as_str().unwrap(),
        text(&dir, "eddsa-jcs-2022/sigBTC58JCS.txt").trim()
    );
    assert_eq!(signed, json(&dir, "eddsa-jcs-2022/signedJCS.json"));
}

#[test]
fn the_legacy_ed25519_signature_2020_vector_verifies() {
    let Some(dir) = vectors() else { return };
    let signed = json(&dir, "Ed25519Signature2020/signedEdSig.json");
    assert_eq!(verify(&signed), [Ok(())]);
    assert_eq!(
        canonical(&json(&dir, "Ed25519Signature2020/proofConfigEdSig.json")),
        text(&dir, "Ed25519Signature2020/proofCanonEdSig.txt")
    );
    let mut changed = signed.clone();
    changed["credentialSubject"]["alumniOf"] = "The School of Forgery".into();
    assert_eq!(verify(&changed), [Err(ProofError::SignatureMismatch)]);
}

#[test]
fn signed_vectors_verify_and_every_tampering_fails_with_its_reason() {
    let Some(dir) = vectors() else { return };
    for file in [
        "eddsa-rdfc-2022/signedDataInt.json",
        "eddsa-jcs-2022/signedJCS.json",
    ] {
        let signed = json(&dir, file);
        assert_eq!(verify(&signed), [Ok(())], "{file}");

        let mut changed = signed.clone();
        changed["credentialSubject"]["alumniOf"] = "The School of Forgery".into();
        assert_eq!(
            verify(&changed),
            [Err(ProofError::SignatureMismatch)],
            "{file}"
        );

        let mut added = signed.clone();
        added["credentialSubject"]["degree"] = "PhD".into();
        assert_eq!(
            verify(&added),
            [Err(ProofError::SignatureMismatch)],
            "{file}"
        );

        let mut broken = signed.clone();
        broken["proof"]["proofValue"] = "z111".into();
        assert_eq!(verify(&broken), [Err(ProofError::BadProofValue)], "{file}");

        let mut not_object = signed.clone();
        not_object["proof"] = "a proof".into();
        assert_eq!(verify(&not_object), [Err(ProofError::ProofNotAnObject)]);

        let mut purpose = signed.clone();
        purpose["proof"]["proofPurpose"] = "authentication".into();
        assert!(matches!(
            verify(&purpose)[0],
            Err(ProofError::WrongPurpose { .. })
        ));
    }
    // RDFC: keys that look like keywords and unknown contexts are refused by name, not hashed.
    let signed = json(&dir, "eddsa-rdfc-2022/signedDataInt.json");
    let mut keyword = signed.clone();
    keyword["credentialSubject"]["@foo"] = "bar".into();
    assert!(matches!(
        &verify(&keyword)[0],
        Err(ProofError::JsonLd(JsonLdError::KeywordLikeKey { key, path }))
            if key == "@foo" && path == "`credentialSubject.@foo`"
    ));
    let mut unknown = signed.clone();
    unknown["@context"][1] = "https://example.org/unknown-context".into();
    assert_eq!(
        verify(&unknown),
        [Err(ProofError::JsonLd(JsonLdError::UnknownContext(
            "https://example.org/unknown-context".into()
        )))]
    );
    // JCS: the proof's contexts must open the document's.
    let mut context = json(&dir, "eddsa-jcs-2022/signedJCS.json");
    context["@context"] = json!(["https://www.w3.org/ns/credentials/v2"]);
    assert_eq!(verify(&context), [Err(ProofError::ContextMismatch)]);
}

#[test]
fn proof_set_vectors_reproduce_and_verify() {
    let Some(dir) = vectors() else { return };
    let unsigned = json(&dir, "proof-set-chain/unsigned.json");
    let first = add_proof(
        &unsigned,
        &pair_key(&dir, "keyPair1"),
        &options_from(&json(&dir, "proof-set-chain/proofSetConfig1.json")),
    )
    .unwrap();
    assert_eq!(first, json(&dir, "proof-set-chain/signedProofSet1.json"));
    let second = add_proof(
        &first,
        &pair_key(&dir, "keyPair2"),
        &options_from(&json(&dir, "proof-set-chain/proofSetConfig2.json")),
    )
    .unwrap();
    assert_eq!(second, json(&dir, "proof-set-chain/signedProofSet2.json"));
    assert_eq!(verify(&second), [Ok(()), Ok(())]);
    // Each proof covers the document: changing it breaks both.
    let mut changed = second.clone();
    changed["name"] = "Forged".into();
    assert_eq!(
        verify(&changed),
        [
            Err(ProofError::SignatureMismatch),
            Err(ProofError::SignatureMismatch)
        ]
    );
}

#[test]
fn proof_chain_vectors_reproduce_and_verify() {
    let Some(dir) = vectors() else { return };
    let set = json(&dir, "proof-set-chain/signedProofSet2.json");
    let first = add_proof(
        &set,
        &pair_key(&dir, "keyPair3"),
        &options_from(&json(&dir, "proof-set-chain/proofChainConfig1.json")),
    )
    .unwrap();
    assert_eq!(first, json(&dir, "proof-set-chain/signedProofChain1.json"));
    let second = add_proof(
        &first,
        &pair_key(&dir, "keyPair4"),
        &options_from(&json(&dir, "proof-set-chain/proofChainConfig2.json")),
    )
    .unwrap();
    assert_eq!(second, json(&dir, "proof-set-chain/signedProofChain2.json"));
    assert_eq!(verify(&second), [Ok(()), Ok(()), Ok(()), Ok(())]);

    // A chained proof whose predecessor is gone does not verify; the others still do.
    let mut cut = second.clone();
    cut["proof"].as_array_mut().unwrap().remove(2);
    let results = verify(&cut);
    assert_eq!(
        results[2],
        Err(ProofError::PreviousProofMissing(
            "urn:uuid:d94f792a-c546-4d06-b38a-da070ab56c23".into()
        ))
    );
    assert_eq!(results[..2], [Ok(()), Ok(())]);
    // Signing a chain to a proof that is not there is refused.
    let mut options = options_from(&json(&dir, "proof-set-chain/proofChainConfig2.json"));
    options.previous_proof = vec!["urn:uuid:not-there".into()];
    assert_eq!(
        add_proof(&set, &pair_key(&dir, "keyPair4"), &options),
        Err(ProofError::PreviousProofMissing(
            "urn:uuid:not-there".into()
        ))
    );
}

#[test]
fn a_vc_1_1_credential_gets_the_data_integrity_context_and_undefined_terms_are_refused() {
    let Some(dir) = vectors() else { return };
    let key = spec_key(&dir);
    let options = ProofOptions::assertion(
        Cryptosuite::EddsaRdfc2022,
        key.public_key().did_key_verification_method(),
        "2026-11-23T12:00:00Z",
    );
    let v1 = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": { "id": "did:example:subject" }
    });
    let signed = add_proof(&v1, &key, &options).unwrap();
    assert_eq!(
        signed["@context"],
        json!([
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/security/data-integrity/v2"
        ])
    );
    assert_eq!(verify(&signed), [Ok(())]);

    // VC 1.1 has no @vocab: a term no context defines would be dropped, so it is refused.
    let mut undefined = v1.clone();
    undefined["credentialSubject"]["undefinedThing"] = "hidden".into();
    let error = add_proof(&undefined, &key, &options).unwrap_err();
    assert_eq!(
        error,
        ProofError::JsonLd(JsonLdError::UndefinedTerm {
            term: "undefinedThing".into(),
            path: "`credentialSubject.undefinedThing`".into()
        })
    );
    let mut added_later = signed.clone();
    added_later["credentialSubject"]["undefinedThing"] = "hidden".into();
    assert!(matches!(
        &verify(&added_later)[0],
        Err(ProofError::JsonLd(JsonLdError::UndefinedTerm { term, .. })) if term == "undefinedThing"
    ));
}
