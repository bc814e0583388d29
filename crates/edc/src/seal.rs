//! JAdES seals (ETSI TS 119 182-1) as the EU's EDC issuer makes them: a JWS JSON serialization
//! enveloping the credential's bytes unencoded (`b64: false`), the protected header naming the
//! signing time (`sigT`), the certificate chain (`x5c`), its digest (`x5t#S256`) and issuer and
//! serial (`kid`). Signing input: ASCII(BASE64URL(protected)) ‖ '.' ‖ the payload's bytes —
//! which are never re-serialised after sealing.
//!
//! Sealing makes baseline B-B. Reading recognises the higher levels the EU's tools add — B-T
//! (a signature time-stamp, `sigTst`), B-LT (certificate and revocation values, `xVals`,
//! `rVals`), B-LTA (archive time-stamps, `arcTst`/`adoTst`): a time-stamp's message imprint
//! is checked against the signature; the time-stamp authority's own signature is not yet.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use microcred_credentials::datetime::DateTime;
use microcred_credentials::signer::{KeyAlgorithm, Signer};

use crate::x509::{CertificateError, SealCertificate};

/// A seal key: the private key and its certificate chain, the seal's own first. Made only by
/// [`SealKey::new`], so the chain is never empty and certifies the key.
#[derive(Clone, Debug)]
pub struct SealKey {
    signer: Arc<dyn Signer>,
    /// The seal's certificate, then the certification authorities' up to (not needing) a root.
    chain: Vec<SealCertificate>,
}

/// Why a seal cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// No certificate came with the key.
    #[error("the seal key has no certificate")]
    NoCertificate,
    /// JAdES seals with RSA or ECDSA P-256; this key is another algorithm.
    #[error("a {0} key cannot make a JAdES seal (RSA and P-256 can)")]
    Algorithm(KeyAlgorithm),
    /// The key is not the one its certificate certifies.
    #[error("the key does not match its certificate ({0})")]
    KeyMismatch(String),
    /// The certificate could not be used.
    #[error(transparent)]
    Certificate(#[from] CertificateError),
}

impl SealKey {
    /// A seal key, checked: its certificate's public key verifies what the key signs.
    pub fn new(signer: Arc<dyn Signer>, chain: Vec<SealCertificate>) -> Result<SealKey, SealError> {
        let certificate = chain.first().ok_or(SealError::NoCertificate)?;
        let alg = jose_algorithm(signer.algorithm())?;
        let probe = b"microcred seal key check";
        let signature = signer.sign(probe);
        match certificate
            .public_key()?
            .verify_jose(alg, probe, &signature)
        {
            Some(true) => Ok(SealKey { signer, chain }),
            _ => Err(SealError::KeyMismatch(certificate.subject())),
        }
    }

    /// The seal's certificate.
    pub fn certificate(&self) -> &SealCertificate {
        // `new` refuses an empty chain.
        &self.chain[0]
    }

    /// The certificate chain, the seal's own first.
    pub fn chain(&self) -> &[SealCertificate] {
        &self.chain
    }

    /// The private key.
    pub fn signer(&self) -> &Arc<dyn Signer> {
        &self.signer
    }
}

fn jose_algorithm(algorithm: KeyAlgorithm) -> Result<&'static str, SealError> {
    match algorithm {
        KeyAlgorithm::Rsa => Ok("RS256"),
        KeyAlgorithm::P256 => Ok("ES256"),
        other => Err(SealError::Algorithm(other)),
    }
}

/// Seals `payload` (the credential's bytes, kept as they are) at `signing_time`: a JAdES
/// baseline B-B JWS JSON serialization.
pub fn seal(payload: &str, key: &SealKey, signing_time: DateTime) -> Result<Value, SealError> {
    let certificate = key.certificate();
    let alg = jose_algorithm(key.signer.algorithm())?;
    let x5c: Vec<Value> = key.chain.iter().map(|c| c.to_base64().into()).collect();
    let header = json!({
        "alg": alg,
        "cty": "octet-stream",
        "kid": certificate.issuer_serial_base64()?,
        "x5t#S256": URL_SAFE_NO_PAD.encode(certificate.sha256()),
        "x5c": x5c,
        "typ": "jose+json",
        "b64": false,
        "sigT": signing_time.to_string(),
        "crit": ["b64", "sigT"],
    });
    let protected = URL_SAFE_NO_PAD.encode(header.to_string());
    let mut input = protected.clone().into_bytes();
    input.push(b'.');
    input.extend_from_slice(payload.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(key.signer.sign(&input));
    Ok(json!({
        "payload": payload,
        "signatures": [{ "protected": protected, "signature": signature }],
    }))
}

/// The baseline level a seal reaches (ETSI TS 119 182-1 §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Level {
    /// Basic: the signature and the signing certificate.
    #[serde(rename = "B-B")]
    BB,
    /// With a signature time-stamp.
    #[serde(rename = "B-T")]
    BT,
    /// With the certificates and revocation data needed to validate it later.
    #[serde(rename = "B-LT")]
    BLT,
    /// With archive time-stamps.
    #[serde(rename = "B-LTA")]
    BLTA,
}

impl Level {
    /// As ETSI names it.
    pub fn name(self) -> &'static str {
        match self {
            Level::BB => "B-B",
            Level::BT => "B-T",
            Level::BLT => "B-LT",
            Level::BLTA => "B-LTA",
        }
    }
}

/// What reading a seal found. The caller decides trust (see [`crate::verify`]).
#[derive(Clone, Debug)]
pub struct OpenedSeal {
    /// The sealed bytes.
    pub payload: String,
    /// `RS256` or `ES256`.
    pub algorithm: String,
    /// The signing time the seal states.
    pub signing_time: Option<DateTime>,
    /// The seal's certificate.
    pub certificate: SealCertificate,
    /// Other certificates it carries (`x5c` after the first, `xVals`): candidates for its chain.
    pub other_certificates: Vec<SealCertificate>,
    /// Its baseline level.
    pub level: Level,
    /// What was found of its time-stamps, one line each.
    pub timestamps: Vec<String>,
}

/// Why a seal fails. Only [`SealFailure::Mismatch`] and [`SealFailure::CertificateDigest`] say
/// the sealed bytes or the certificate were changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealFailure {
    /// Not a JWS JSON serialization.
    #[error("not a JAdES seal: {0}")]
    Malformed(String),
    /// A critical header parameter or an algorithm microcred does not check.
    #[error("the seal cannot be checked: {0}")]
    Unsupported(String),
    /// The seal's certificate is not the one the header's digest names.
    #[error("the seal's certificate is not the one its header names (x5t#S256 differs)")]
    CertificateDigest,
    /// The signature does not match the payload with the certificate's key.
    #[error("the seal's signature does not match the sealed bytes with the key of {0}")]
    Mismatch(String),
}

fn b64url(text: &str) -> Result<Vec<u8>, SealFailure> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|e| SealFailure::Malformed(format!("not base64url: {e}")))
}

/// Parameters of the protected header microcred understands when listed as critical.
const UNDERSTOOD: &[&str] = &["b64", "sigT", "adoTst", "sigX5ts", "srCms", "srAts"];

/// Reads a JAdES seal and checks its signature over the sealed bytes with its certificate.
pub fn open(document: &Value) -> Result<OpenedSeal, SealFailure> {
    let object = document
        .as_object()
        .ok_or_else(|| SealFailure::Malformed("not a JSON object".into()))?;
    let signature = match object.get("signatures") {
        Some(Value::Array(list)) if list.len() == 1 => &list[0],
        Some(Value::Array(list)) if list.is_empty() => {
            return Err(SealFailure::Malformed("`signatures` is empty".into()));
        }
        Some(Value::Array(list)) => {
            return Err(SealFailure::Unsupported(format!(
                "{} signatures: microcred checks seals with one",
                list.len()
            )));
        }
        _ if object.contains_key("signature") => document,
        _ => return Err(SealFailure::Malformed("no `signatures`".into())),
    };
    let protected = signature
        .get("protected")
        .and_then(Value::as_str)
        .ok_or_else(|| SealFailure::Malformed("no protected header".into()))?;
    let header: Map<String, Value> = serde_json::from_slice(&b64url(protected)?)
        .map_err(|e| SealFailure::Malformed(format!("the protected header is not JSON: {e}")))?;
    let signature_text = signature
        .get("signature")
        .and_then(Value::as_str)
        .ok_or_else(|| SealFailure::Malformed("no `signature`".into()))?;
    let signature_bytes = b64url(signature_text)?;
    let payload_text = object
        .get("payload")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            SealFailure::Malformed("no `payload` (a detached payload is not read)".into())
        })?;

    if let Some(crit) = header.get("crit") {
        let list = crit
            .as_array()
            .filter(|l| !l.is_empty())
            .ok_or_else(|| SealFailure::Malformed("`crit` is not a list of names".into()))?;
        for name in list {
            let name = name
                .as_str()
                .ok_or_else(|| SealFailure::Malformed("`crit` lists a non-string".into()))?;
            if !UNDERSTOOD.contains(&name) {
                return Err(SealFailure::Unsupported(format!(
                    "the critical header parameter `{name}` is not one microcred understands"
                )));
            }
            if !header.contains_key(name) {
                return Err(SealFailure::Malformed(format!(
                    "`crit` names `{name}`, which the header lacks"
                )));
            }
        }
    }
    let unencoded = match header.get("b64") {
        None | Some(Value::Bool(true)) => false,
        Some(Value::Bool(false)) => true,
        Some(_) => return Err(SealFailure::Malformed("`b64` is not true or false".into())),
    };
    if unencoded
        && !header
            .get("crit")
            .and_then(Value::as_array)
            .is_some_and(|c| c.iter().any(|n| n == "b64"))
    {
        return Err(SealFailure::Malformed(
            "`b64: false` must be listed in `crit` (RFC 7797)".into(),
        ));
    }
    let payload = if unencoded {
        payload_text.to_owned()
    } else {
        String::from_utf8(b64url(payload_text)?)
            .map_err(|_| SealFailure::Malformed("the payload is not UTF-8 text".into()))?
    };
    let algorithm = header
        .get("alg")
        .and_then(Value::as_str)
        .ok_or_else(|| SealFailure::Malformed("no `alg`".into()))?
        .to_owned();
    let chain: Vec<SealCertificate> = header
        .get("x5c")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            SealFailure::Unsupported("no `x5c`: the seal's certificate is not included".into())
        })?
        .iter()
        .map(|c| {
            c.as_str()
                .ok_or_else(|| SealFailure::Malformed("`x5c` holds a non-string".into()))
                .and_then(|c| {
                    SealCertificate::from_base64(c)
                        .map_err(|e| SealFailure::Malformed(format!("`x5c`: {e}")))
                })
        })
        .collect::<Result<_, _>>()?;
    let Some(certificate) = chain.first().cloned() else {
        return Err(SealFailure::Malformed("`x5c` is empty".into()));
    };
    if let Some(digest) = header.get("x5t#S256") {
        let digest = digest
            .as_str()
            .ok_or_else(|| SealFailure::Malformed("`x5t#S256` is not a string".into()))?;
        if b64url(digest)? != certificate.sha256() {
            return Err(SealFailure::CertificateDigest);
        }
    }
    let key = certificate
        .public_key()
        .map_err(|e| SealFailure::Unsupported(format!("the seal's certificate: {e}")))?;
    let mut input = protected.as_bytes().to_vec();
    input.push(b'.');
    input.extend_from_slice(payload_text.as_bytes());
    match key.verify_jose(&algorithm, &input, &signature_bytes) {
        Some(true) => {}
        Some(false) => return Err(SealFailure::Mismatch(certificate.subject())),
        None => {
            return Err(SealFailure::Unsupported(format!(
                "the algorithm `{algorithm}` with the certificate's {} key",
                key.jose_algorithm()
            )));
        }
    }
    let signing_time = match header.get("sigT") {
        Some(t) => Some(
            t.as_str()
                .and_then(DateTime::parse)
                .ok_or_else(|| SealFailure::Malformed("`sigT` is not a date and time".into()))?,
        ),
        None => None,
    };

    let unprotected = unprotected_properties(signature);
    let mut other_certificates: Vec<SealCertificate> = chain[1..].to_vec();
    let mut timestamps = Vec::new();
    let mut level = Level::BB;
    for (name, value) in &unprotected {
        match name.as_str() {
            "sigTst" => {
                level = level.max(Level::BT);
                let expected: [u8; 32] = Sha256::digest(signature_text.as_bytes()).into();
                timestamps.push(timestamp_line("signature time-stamp", value, &expected));
            }
            "xVals" => {
                for entry in value.as_array().into_iter().flatten() {
                    if let Some(c) = entry
                        .pointer("/x509Cert/val")
                        .and_then(Value::as_str)
                        .and_then(|c| SealCertificate::from_base64(c).ok())
                    {
                        other_certificates.push(c);
                    }
                }
            }
            "arcTst" => {
                timestamps.push("archive time-stamp present (its imprint is not checked)".into());
            }
            _ => {}
        }
    }
    let has = |name: &str| unprotected.iter().any(|(n, _)| n == name);
    if level == Level::BT && has("xVals") && (has("rVals") || has("axVals") || has("arVals")) {
        level = Level::BLT;
        if has("arcTst") || header.contains_key("adoTst") {
            level = Level::BLTA;
        }
    }
    Ok(OpenedSeal {
        payload,
        algorithm,
        signing_time,
        certificate,
        other_certificates,
        level,
        timestamps,
    })
}

/// The unsigned properties (`etsiU`): each a base64url JSON object `{name: value}` (or, in
/// JAdES's clear form, the object itself).
fn unprotected_properties(signature: &Value) -> Vec<(String, Value)> {
    let mut properties = Vec::new();
    let Some(list) = signature.pointer("/header/etsiU").and_then(Value::as_array) else {
        return properties;
    };
    for entry in list.iter().take(64) {
        let object = match entry {
            Value::String(text) => URL_SAFE_NO_PAD
                .decode(text.trim_end_matches('='))
                .ok()
                .and_then(|bytes| serde_json::from_slice::<Map<String, Value>>(&bytes).ok()),
            Value::Object(o) => Some(o.clone()),
            _ => None,
        };
        for (name, value) in object.into_iter().flatten() {
            properties.push((name, value));
        }
    }
    properties
}

/// Whether a time-stamp token's message imprint (SHA-256) is the expected digest.
fn timestamp_line(what: &str, value: &Value, expected: &[u8; 32]) -> String {
    let token = value
        .pointer("/tstTokens/0/val")
        .and_then(Value::as_str)
        .and_then(|t| STANDARD.decode(t).ok());
    let Some(token) = token else {
        return format!("{what}: no token could be read");
    };
    match message_imprint(&token) {
        Some(imprint) if imprint == *expected => {
            format!(
                "{what}: its imprint matches the signature (the authority's own signature is not checked)"
            )
        }
        Some(_) => format!("{what}: its imprint does not match the signature"),
        None => format!("{what}: the token's imprint could not be read"),
    }
}

/// The SHA-256 message imprint of an RFC 3161 time-stamp token: the TSTInfo is the eContent of
/// the token's SignedData; its imprint is `SEQUENCE { AlgorithmIdentifier sha256, OCTET STRING }`.
fn message_imprint(token: &[u8]) -> Option<[u8; 32]> {
    // SHA-256's AlgorithmIdentifier, then the 32-byte OCTET STRING, as TSTInfo encodes them.
    const SHA256_IMPRINT: &[u8] = &[
        0x30, 0x2f, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x04, 0x20,
    ];
    const SHA256_IMPRINT_NULL: &[u8] = &[
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    for prefix in [SHA256_IMPRINT, SHA256_IMPRINT_NULL] {
        if let Some(at) = token.windows(prefix.len()).position(|w| w == prefix) {
            let start = at + prefix.len();
            return token.get(start..start + 32)?.try_into().ok();
        }
    }
    None
}
