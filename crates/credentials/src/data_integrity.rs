//! W3C Data Integrity proofs with the EdDSA cryptosuites (vc-di-eddsa): creating and
//! verifying `DataIntegrityProof`s. So far `eddsa-jcs-2022`; `eddsa-rdfc-2022` needs the
//! JSON-LD stage still to come.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::keys::{KeyError, PublicKey, SigningKey};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cryptosuite {
    /// JSON Canonicalization Scheme (RFC 8785), then SHA-256 and Ed25519.
    EddsaJcs2022,
}

impl Cryptosuite {
    pub fn name(self) -> &'static str {
        match self {
            Cryptosuite::EddsaJcs2022 => "eddsa-jcs-2022",
        }
    }

    pub fn parse(name: &str) -> Option<Cryptosuite> {
        (name == "eddsa-jcs-2022").then_some(Cryptosuite::EddsaJcs2022)
    }
}

/// What a new proof says besides its value.
#[derive(Clone, Debug)]
pub struct ProofOptions {
    pub cryptosuite: Cryptosuite,
    pub verification_method: String,
    /// An XML Schema dateTime, e.g. `2023-02-24T23:36:38Z`.
    pub created: String,
    pub proof_purpose: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("the document is not a JSON object")]
    NotAnObject,
    #[error("the document has no proof")]
    NoProof,
    #[error("a proof is not a JSON object")]
    ProofNotAnObject,
    #[error("the proof lacks `{0}` or it is not a string")]
    MissingField(&'static str),
    #[error("the proof type is `{0}`, not DataIntegrityProof")]
    UnsupportedType(String),
    #[error("the cryptosuite `{0}` is not supported")]
    UnsupportedCryptosuite(String),
    #[error("the proof's @context is not the start of the document's @context")]
    ContextMismatch,
    #[error("the proofValue is not a base58btc multibase signature of 64 bytes")]
    BadProofValue,
    #[error("the verification method cannot be used: {0}")]
    VerificationMethod(#[from] KeyError),
    #[error("the signature does not match the document")]
    SignatureMismatch,
    #[error("the document cannot be canonicalized: {0}")]
    Canonicalization(String),
}

/// Signs `document` and returns it with the new proof added (a second proof makes a proof set).
pub fn add_proof(
    document: &Value,
    key: &SigningKey,
    options: &ProofOptions,
) -> Result<Value, ProofError> {
    let mut unsecured = document.as_object().ok_or(ProofError::NotAnObject)?.clone();
    let existing = unsecured.remove("proof");
    let mut proof = Map::new();
    proof.insert("type".into(), "DataIntegrityProof".into());
    proof.insert("cryptosuite".into(), options.cryptosuite.name().into());
    proof.insert("created".into(), options.created.clone().into());
    proof.insert(
        "verificationMethod".into(),
        options.verification_method.clone().into(),
    );
    proof.insert("proofPurpose".into(), options.proof_purpose.clone().into());
    if let Some(context) = unsecured.get("@context") {
        proof.insert("@context".into(), context.clone());
    }
    let hash = hash_data(options.cryptosuite, &unsecured, &proof)?;
    let signature = key.sign(&hash);
    proof.insert(
        "proofValue".into(),
        format!("z{}", bs58::encode(signature).into_string()).into(),
    );
    let proof = Value::Object(proof);
    let proofs = match existing {
        None => proof,
        Some(Value::Array(mut list)) => {
            list.push(proof);
            Value::Array(list)
        }
        Some(other) => Value::Array(vec![other, proof]),
    };
    unsecured.insert("proof".into(), proofs);
    Ok(Value::Object(unsecured))
}

/// The outcome of checking one proof of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofCheck {
    pub verification_method: Option<String>,
    pub result: Result<(), ProofError>,
}

/// Verifies every proof of `document` (a proof set: each against the document without proofs).
pub fn verify_proofs(document: &Value) -> Result<Vec<ProofCheck>, ProofError> {
    let mut unsecured = document.as_object().ok_or(ProofError::NotAnObject)?.clone();
    let proofs = match unsecured.remove("proof").ok_or(ProofError::NoProof)? {
        Value::Array(list) => list,
        single => vec![single],
    };
    Ok(proofs
        .iter()
        .map(|proof| ProofCheck {
            verification_method: proof
                .get("verificationMethod")
                .and_then(Value::as_str)
                .map(str::to_owned),
            result: verify_one(&unsecured, proof),
        })
        .collect())
}

fn verify_one(unsecured: &Map<String, Value>, proof: &Value) -> Result<(), ProofError> {
    let mut options = proof
        .as_object()
        .ok_or(ProofError::ProofNotAnObject)?
        .clone();
    let text = |options: &Map<String, Value>, field: &'static str| {
        options
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or(ProofError::MissingField(field))
    };
    let kind = text(&options, "type")?;
    if kind != "DataIntegrityProof" {
        return Err(ProofError::UnsupportedType(kind));
    }
    let name = text(&options, "cryptosuite")?;
    let suite = Cryptosuite::parse(&name).ok_or(ProofError::UnsupportedCryptosuite(name))?;
    let value = text(&options, "proofValue")?;
    options.remove("proofValue");
    text(&options, "proofPurpose")?;
    let method = text(&options, "verificationMethod")?;
    let mut unsecured = unsecured.clone();
    if let Some(context) = options.get("@context") {
        // The proof's contexts must open the document's, in order (vc-di-eddsa §3.3.2).
        if !context_starts(unsecured.get("@context"), context) {
            return Err(ProofError::ContextMismatch);
        }
        unsecured.insert("@context".into(), context.clone());
    }
    let signature = value
        .strip_prefix('z')
        .and_then(|b58| bs58::decode(b58).into_vec().ok())
        .filter(|bytes| bytes.len() == 64)
        .ok_or(ProofError::BadProofValue)?;
    let key = PublicKey::from_did_key(&method)?;
    let hash = hash_data(suite, &unsecured, &options)?;
    if key.verify(&hash, &signature) {
        Ok(())
    } else {
        Err(ProofError::SignatureMismatch)
    }
}

fn context_starts(document: Option<&Value>, proof: &Value) -> bool {
    let as_list = |v: &Value| match v {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let Some(document) = document else {
        return false;
    };
    let (document, proof) = (as_list(document), as_list(proof));
    document.len() >= proof.len() && document[..proof.len()] == proof[..]
}

/// hash(canonical proof configuration) ‖ hash(canonical document), the signed bytes.
fn hash_data(
    suite: Cryptosuite,
    document: &Map<String, Value>,
    proof_config: &Map<String, Value>,
) -> Result<Vec<u8>, ProofError> {
    let canonical = |value: &Map<String, Value>| match suite {
        Cryptosuite::EddsaJcs2022 => serde_json_canonicalizer::to_vec(value)
            .map_err(|e| ProofError::Canonicalization(e.to_string())),
    };
    let mut hash = Sha256::digest(canonical(proof_config)?).to_vec();
    hash.extend_from_slice(&Sha256::digest(canonical(document)?));
    Ok(hash)
}
