//! Decentralized identifiers: `did:key` (resolved offline) and `did:web` (from documents the
//! caller has: served by our own platform, listed in the alliance's trust list, or fetched by
//! the edge from an allowed URL). Resolution answers: which public key does this verification
//! method name, and may it be used for this purpose?

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::jsonld::bundled::{DID_V1, MULTIKEY_V1};
use crate::keys::{KeyError, PublicKey};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
/// Why a DID or verification method cannot be used.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum DidError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("`{0}` is not a DID URL naming a key (did:…#fragment)")]
    NotAVerificationMethod(String),
    #[error(
        "no DID document is known for `{0}` (did:web documents come from the trust list or the issuer's web site)"
    )]
    UnknownDid(String),
    #[error("the DID document of `{did}` has no verification method `{method}`")]
    UnknownMethod { did: String, method: String },
    #[error("the key `{method}` is not authorised for {purpose} in its DID document")]
    NotAuthorised { method: String, purpose: String },
    #[error("the DID document is not valid: {0}")]
    InvalidDocument(String),
    #[error("`{0}` is not a did:web identifier (did:web:host[:path…])")]
    NotDidWeb(String),
    #[error("DID method of `{0}` is not supported (did:key and did:web are)")]
    UnsupportedMethod(String),
}

/// Resolves verification methods to keys. did:key needs nothing; did:web documents are added.
#[derive(Clone, Debug, Default)]
pub struct DidResolver {
    documents: HashMap<String, Value>,
}

impl DidResolver {
    /// A resolver knowing did:key only; add did:web documents to it.
    pub fn new() -> DidResolver {
        DidResolver::default()
    }

    /// Adds a did:web DID document (as served at the DID's `did.json`).
    pub fn add_document(&mut self, document: Value) -> Result<(), DidError> {
        let id = document
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| DidError::InvalidDocument("it has no `id`".into()))?;
        did_web_url(id)?;
        self.documents.insert(id.to_owned(), document);
        Ok(())
    }

    /// The DIDs whose documents are known.
    pub fn known(&self) -> impl Iterator<Item = &str> {
        self.documents.keys().map(String::as_str)
    }

    /// The key a verification method names, if its DID document authorises it for `purpose`
    /// (`assertionMethod`, `authentication`, …).
    pub fn resolve(&self, method: &str, purpose: &str) -> Result<PublicKey, DidError> {
        if method.starts_with("did:key:") {
            // A did:key document lists its one key under every verification relationship.
            return Ok(PublicKey::from_did_key(method)?);
        }
        if !method.starts_with("did:web:") {
            return Err(DidError::UnsupportedMethod(method.to_owned()));
        }
        let (did, _) = method
            .split_once('#')
            .ok_or_else(|| DidError::NotAVerificationMethod(method.to_owned()))?;
        let document = self
            .documents
            .get(did)
            .ok_or_else(|| DidError::UnknownDid(did.to_owned()))?;
        let absolute = |id: &str| {
            if id.starts_with('#') {
                format!("{did}{id}")
            } else {
                id.to_owned()
            }
        };
        let authorised = document
            .get(purpose)
            .and_then(Value::as_array)
            .is_some_and(|list| {
                list.iter().any(|entry| match entry {
                    Value::String(id) => absolute(id) == method,
                    Value::Object(embedded) => {
                        embedded
                            .get("id")
                            .and_then(Value::as_str)
                            .map(absolute)
                            .as_deref()
                            == Some(method)
                    }
                    _ => false,
                })
            });
        if !authorised {
            return Err(DidError::NotAuthorised {
                method: method.to_owned(),
                purpose: purpose.to_owned(),
            });
        }
        let mut candidates = document
            .get("verificationMethod")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(
                document
                    .get(purpose)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|e| e.is_object()),
            );
        let found = candidates
            .find(|vm| {
                vm.get("id")
                    .and_then(Value::as_str)
                    .map(absolute)
                    .as_deref()
                    == Some(method)
            })
            .ok_or_else(|| DidError::UnknownMethod {
                did: did.to_owned(),
                method: method.to_owned(),
            })?;
        let multibase = found
            .get("publicKeyMultibase")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                DidError::InvalidDocument(format!("`{method}` has no publicKeyMultibase"))
            })?;
        Ok(PublicKey::from_multibase(multibase)?)
    }
}

/// The HTTPS URL of a did:web DID's document (did:web method §3.2): `did:web:example.org` →
/// `https://example.org/.well-known/did.json`; `did:web:example.org:u:wut` →
/// `https://example.org/u/wut/did.json`; `%3A` in the host is a port.
pub fn did_web_url(did: &str) -> Result<String, DidError> {
    let rest = did
        .strip_prefix("did:web:")
        .filter(|r| !r.is_empty() && !r.contains(['#', '?', '/']))
        .ok_or_else(|| DidError::NotDidWeb(did.to_owned()))?;
    let mut parts = rest.split(':');
    let host = parts.next().unwrap_or_default().replace("%3A", ":");
    let valid_host = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if !valid_host {
        return Err(DidError::NotDidWeb(did.to_owned()));
    }
    let path: Vec<&str> = parts.collect();
    if path.iter().any(|p| p.is_empty()) {
        return Err(DidError::NotDidWeb(did.to_owned()));
    }
    Ok(if path.is_empty() {
        format!("https://{host}/.well-known/did.json")
    } else {
        format!("https://{host}/{}/did.json", path.join("/"))
    })
}

/// A did:web DID document listing Ed25519 Multikeys, each usable for assertions and
/// authentication. Keep retired keys in the list: credentials they signed stay verifiable.
pub fn did_web_document(did: &str, keys: &[(String, PublicKey)]) -> Result<Value, DidError> {
    did_web_url(did)?;
    let methods: Vec<Value> = keys
        .iter()
        .map(|(fragment, key)| {
            json!({
                "id": format!("{did}#{fragment}"),
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.to_multibase(),
            })
        })
        .collect();
    let ids: Vec<Value> = keys
        .iter()
        .map(|(fragment, _)| Value::String(format!("{did}#{fragment}")))
        .collect();
    Ok(json!({
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SigningKey;

    fn key() -> PublicKey {
        SigningKey::from_multibase("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
            .unwrap()
            .public_key()
    }

    #[test]
    fn did_web_urls() {
        assert_eq!(
            did_web_url("did:web:example.org").unwrap(),
            "https://example.org/.well-known/did.json"
        );
        assert_eq!(
            did_web_url("did:web:alliance.eu:u:wut").unwrap(),
            "https://alliance.eu/u/wut/did.json"
        );
        assert_eq!(
            did_web_url("did:web:localhost%3A8080").unwrap(),
            "https://localhost:8080/.well-known/did.json"
        );
        assert!(did_web_url("did:web:").is_err());
        assert!(did_web_url("did:web:a/b").is_err());
        assert!(did_web_url("did:web:a::b").is_err());
        assert!(did_web_url("did:key:z6Mk").is_err());
    }

    #[test]
    fn a_did_web_document_resolves_its_keys_for_their_purposes() {
        let did = "did:web:alliance.eu:u:wut";
        let document = did_web_document(did, &[("key-1".into(), key())]).unwrap();
        let mut resolver = DidResolver::new();
        resolver.add_document(document.clone()).unwrap();
        let method = format!("{did}#key-1");
        assert_eq!(resolver.resolve(&method, "assertionMethod").unwrap(), key());
        assert!(matches!(
            resolver.resolve(&method, "capabilityDelegation"),
            Err(DidError::NotAuthorised { .. })
        ));
        assert!(matches!(
            resolver.resolve(&format!("{did}#key-2"), "assertionMethod"),
            Err(DidError::NotAuthorised { .. })
        ));
        assert!(matches!(
            resolver.resolve("did:web:other.eu#key-1", "assertionMethod"),
            Err(DidError::UnknownDid(_))
        ));
        assert!(matches!(
            resolver.resolve("did:example:1#k", "assertionMethod"),
            Err(DidError::UnsupportedMethod(_))
        ));
        let did_key = key().did_key_verification_method();
        assert_eq!(
            resolver.resolve(&did_key, "assertionMethod").unwrap(),
            key()
        );
    }

    #[test]
    fn the_did_document_is_valid_json_ld() {
        let document = did_web_document("did:web:alliance.eu", &[("key-1".into(), key())]).unwrap();
        crate::jsonld::to_rdf(&document).unwrap();
    }
}
