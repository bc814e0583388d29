//! Decentralized identifiers and controller documents: `did:key` (resolved offline), `did:web`
//! and https identifiers (from documents the caller has: served by our own platform, listed in
//! the alliance's trust list, given as files, or fetched by the edge from an allowed host).
//! Resolution answers: which public key does this verification method name, and may it be used
//! for this purpose?

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::jsonld::bundled::{DID_V1, MULTIKEY_V1};
use crate::keys::{KeyError, PublicKey};
use crate::verifying_key::{PublicKeyError, VerifyingKey};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
/// Why a DID or verification method cannot be used.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum DidError {
    #[error(transparent)]
    Key(#[from] PublicKeyError),
    #[error("`{0}` is not a DID URL naming a key (did:…#fragment)")]
    NotAVerificationMethod(String),
    #[error(
        "the controller document of `{0}` is not at hand (it comes from the trust list, is given with --did-document, or is fetched from an allowed host)"
    )]
    UnknownDid(String),
    #[error("the controller document of `{did}` has no verification method `{method}`")]
    UnknownMethod { did: String, method: String },
    #[error("the key `{method}` is not authorised for {purpose} in its controller document")]
    NotAuthorised { method: String, purpose: String },
    #[error("the controller document is not valid: {0}")]
    InvalidDocument(String),
    #[error("`{0}` is not a did:web identifier (did:web:host[:path…])")]
    NotDidWeb(String),
    #[error("the DID method of `{0}` is not supported (did:key, did:web and https URLs are)")]
    UnsupportedMethod(String),
}

impl From<KeyError> for DidError {
    fn from(error: KeyError) -> DidError {
        DidError::Key(PublicKeyError::Multikey(error))
    }
}

impl DidError {
    /// Whether the key could not be had at all (its document is not at hand, or it does not
    /// list the key): nothing is known about the signature, which was not checked.
    pub fn key_unavailable(&self) -> bool {
        matches!(
            self,
            DidError::UnknownDid(_) | DidError::UnknownMethod { .. }
        )
    }
}

/// Largest controller document kept, in bytes of JSON (the fetcher's limit too).
pub const MAX_CONTROLLER_DOCUMENT_BYTES: usize = 256 * 1024;

/// Resolves verification methods to keys. `did:key` needs nothing; the controller documents of
/// `did:web` DIDs and https identifiers (W3C Controlled Identifiers 1.0) are added to it, from
/// the trust list, files, or the edge's bounded fetches: resolution itself never does I/O.
#[derive(Clone, Debug, Default)]
pub struct DidResolver {
    documents: HashMap<String, Value>,
}

/// How an identifier's controller document is had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Key,
    Web,
    Https,
}

fn method_of(id: &str) -> Option<Method> {
    if id.starts_with("did:key:") {
        Some(Method::Key)
    } else if id.starts_with("did:web:") {
        Some(Method::Web)
    } else if id.starts_with("https://") {
        Some(Method::Https)
    } else {
        None
    }
}

impl DidResolver {
    /// A resolver knowing did:key only; add controller documents to it.
    pub fn new() -> DidResolver {
        DidResolver::default()
    }

    /// Adds a controller document: a did:web DID document (as served at the DID's `did.json`),
    /// an https controller document, or an https verification method document (a Multikey or
    /// JsonWebKey naming its `controller`).
    pub fn add_document(&mut self, document: Value) -> Result<(), DidError> {
        let id = document
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| DidError::InvalidDocument("it has no `id`".into()))?;
        match method_of(id) {
            Some(Method::Web) => {
                did_web_url(id)?;
            }
            Some(Method::Https) => {}
            _ => {
                return Err(DidError::InvalidDocument(format!(
                    "`{id}` is neither a did:web DID nor an https URL"
                )));
            }
        }
        self.documents.insert(id.to_owned(), document);
        Ok(())
    }

    /// The DIDs and URLs whose documents are known.
    pub fn known(&self) -> impl Iterator<Item = &str> {
        self.documents.keys().map(String::as_str)
    }

    /// The URL of the document resolving `method` needs next, if it is not at hand (so the
    /// edge can fetch it and try again): a did:web DID's `did.json`, an https controller
    /// document, or an https verification method's own document or its controller's.
    pub fn missing_document(&self, method: &str) -> Option<String> {
        let base = method.split_once('#').map_or(method, |(base, _)| base);
        match method_of(method)? {
            Method::Key => None,
            Method::Web => (!self.documents.contains_key(base))
                .then(|| did_web_url(base).ok())
                .flatten(),
            Method::Https => match self.standalone_method(method) {
                // A verification method document: its controller's document is needed too.
                Some(document) => {
                    let controller = document.get("controller").and_then(Value::as_str)?;
                    let controller = controller.split('#').next().unwrap_or(controller);
                    (controller != method
                        && controller.starts_with("https://")
                        && !self.documents.contains_key(controller))
                    .then(|| controller.to_owned())
                }
                None => (!self.documents.contains_key(base)).then(|| base.to_owned()),
            },
        }
    }

    /// The document of an https verification method published on its own (at a URL without a
    /// fragment: a key naming its `controller`, not a controller document), if at hand.
    fn standalone_method(&self, method: &str) -> Option<&Value> {
        if method.contains('#') || method_of(method) != Some(Method::Https) {
            return None;
        }
        self.documents.get(method).filter(|d| {
            d.get("verificationMethod").is_none()
                && (d.get("publicKeyMultibase").is_some() || d.get("publicKeyJwk").is_some())
        })
    }

    /// Who controls a verification method: the DID or URL before its fragment, or the
    /// `controller` an https verification method document published on its own names.
    pub fn controller_of<'a>(&'a self, method: &'a str) -> &'a str {
        self.standalone_method(method)
            .and_then(|d| d.get("controller"))
            .and_then(Value::as_str)
            .unwrap_or_else(|| method.split_once('#').map_or(method, |(base, _)| base))
    }

    /// The key a verification method names, if its controller document authorises it for
    /// `purpose` (`assertionMethod`, `authentication`, …).
    pub fn resolve(&self, method: &str, purpose: &str) -> Result<VerifyingKey, DidError> {
        match method_of(method) {
            // A did:key document lists its one key under every verification relationship.
            Some(Method::Key) => return Ok(VerifyingKey::from_did_key(method)?),
            Some(Method::Web | Method::Https) => {}
            None => return Err(DidError::UnsupportedMethod(method.to_owned())),
        }
        let base = method.split_once('#').map_or(method, |(base, _)| base);
        if method_of(method) == Some(Method::Web) && !method.contains('#') {
            return Err(DidError::NotAVerificationMethod(method.to_owned()));
        }
        let document = self
            .documents
            .get(base)
            .ok_or_else(|| DidError::UnknownDid(base.to_owned()))?;
        // An https verification method published on its own names its controller, whose
        // document must list it for the purpose (Controlled Identifiers §3.3).
        let standalone = self.standalone_method(method).is_some();
        let (controller_id, controller) = if standalone {
            let id = document
                .get("controller")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    DidError::InvalidDocument(format!("`{method}` names no controller"))
                })?;
            let controller = self
                .documents
                .get(id.split('#').next().unwrap_or(id))
                .ok_or_else(|| DidError::UnknownDid(id.to_owned()))?;
            (id.to_owned(), controller)
        } else {
            (base.to_owned(), document)
        };
        let absolute = |id: &str| {
            if id.starts_with('#') {
                format!("{controller_id}{id}")
            } else {
                id.to_owned()
            }
        };
        let authorised = controller
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
        let found = if standalone {
            document
        } else {
            controller
                .get("verificationMethod")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    controller
                        .get(purpose)
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter(|e| e.is_object()),
                )
                .find(|vm| {
                    vm.get("id")
                        .and_then(Value::as_str)
                        .map(absolute)
                        .as_deref()
                        == Some(method)
                })
                .ok_or_else(|| DidError::UnknownMethod {
                    did: controller_id.clone(),
                    method: method.to_owned(),
                })?
        };
        if let Some(multibase) = found.get("publicKeyMultibase").and_then(Value::as_str) {
            Ok(VerifyingKey::from_multikey(multibase)?)
        } else if let Some(jwk) = found.get("publicKeyJwk") {
            Ok(VerifyingKey::from_jwk(jwk)?)
        } else {
            Err(DidError::InvalidDocument(format!(
                "`{method}` has neither publicKeyMultibase nor publicKeyJwk"
            )))
        }
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
        assert_eq!(
            resolver.resolve(&method, "assertionMethod").unwrap(),
            key().into()
        );
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
            key().into()
        );
    }

    #[test]
    fn https_controller_documents_resolve_multikeys_and_json_web_keys() {
        let controller = "https://issuer.example/controller";
        let jwk_method = format!("{controller}#jwk-1");
        let document = json!({
            "@context": "https://www.w3.org/ns/cid/v1",
            "id": controller,
            "verificationMethod": [
                { "id": "#key-1", "type": "Multikey", "controller": controller,
                  "publicKeyMultibase": key().to_multibase() },
                { "id": jwk_method, "type": "JsonWebKey", "controller": controller,
                  "publicKeyJwk": {"kty":"OKP","crv":"Ed25519",
                                   "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"} }
            ],
            "assertionMethod": ["#key-1", jwk_method, "https://issuer.example/keys/2"],
        });
        let mut resolver = DidResolver::new();
        let method = format!("{controller}#key-1");
        assert_eq!(
            resolver.missing_document(&method).as_deref(),
            Some(controller)
        );
        assert!(matches!(
            resolver.resolve(&method, "assertionMethod"),
            Err(e @ DidError::UnknownDid(_)) if e.key_unavailable()
        ));
        resolver.add_document(document).unwrap();
        assert_eq!(resolver.missing_document(&method), None);
        assert_eq!(
            resolver.resolve(&method, "assertionMethod").unwrap(),
            key().into()
        );
        assert_eq!(
            resolver
                .resolve(&jwk_method, "assertionMethod")
                .unwrap()
                .algorithm(),
            crate::signer::KeyAlgorithm::Ed25519
        );
        // A verification method published at its own URL, naming its controller.
        let standalone = "https://issuer.example/keys/2";
        resolver
            .add_document(json!({"id": standalone, "type": "Multikey",
                "controller": controller, "publicKeyMultibase": key().to_multibase()}))
            .unwrap();
        assert_eq!(
            resolver.resolve(standalone, "assertionMethod").unwrap(),
            key().into()
        );
        assert!(matches!(
            resolver.resolve(standalone, "authentication"),
            Err(DidError::NotAuthorised { .. })
        ));
        // Another controller's key is not this controller's to authorise.
        let elsewhere = "https://elsewhere.example/keys/9";
        resolver
            .add_document(json!({"id": elsewhere, "type": "Multikey",
                "controller": "https://elsewhere.example/c", "publicKeyMultibase": key().to_multibase()}))
            .unwrap();
        assert_eq!(
            resolver.missing_document(elsewhere).as_deref(),
            Some("https://elsewhere.example/c")
        );
        assert!(resolver.resolve(elsewhere, "assertionMethod").is_err());
        assert!(matches!(
            resolver.resolve("ftp://x/y#k", "assertionMethod"),
            Err(DidError::UnsupportedMethod(_))
        ));
    }

    #[test]
    fn the_did_document_is_valid_json_ld() {
        let document = did_web_document("did:web:alliance.eu", &[("key-1".into(), key())]).unwrap();
        crate::jsonld::to_rdf(&document).unwrap();
    }
}
