//! The alliance's trust list: the member universities (and the alliance) whose credentials a
//! verifier accepts as issued by the alliance, with their DID documents for offline use.
//!
//! ```json
//! { "name": "ENHANCE alliance",
//!   "issuers": [ { "id": "did:web:enhance.eu:u:wut", "name": "Warsaw University of Technology",
//!                  "didDocument": { … }, "statusLists": ["https://enhance.eu/status/"] } ] }
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::did::{DidError, DidResolver};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
/// The issuers an alliance trusts: its members, with their DID documents and status list URLs.
pub struct TrustList {
    /// Whose list this is, e.g. "ENHANCE alliance".
    pub name: String,
    #[serde(default)]
    /// The issuers.
    pub issuers: Vec<TrustedIssuer>,
    /// Certification authorities whose e-seal certificates the alliance trusts on Europass
    /// credentials (a seal's chain must lead to one of them); a self-signed seal certificate
    /// may be listed itself, for trials.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seal_authorities: Vec<SealAuthority>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
/// A certification authority trusted for e-seals.
pub struct SealAuthority {
    /// Its name, as reports show it.
    pub name: String,
    /// Its X.509 certificate: PEM, or base64 DER.
    pub certificate: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
/// One trusted issuer.
pub struct TrustedIssuer {
    /// The issuer's DID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// For did:web issuers: their DID document, so that verification needs no network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub did_document: Option<Value>,
    /// URL prefixes where this issuer publishes its status lists (they may be fetched).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_lists: Vec<String>,
}

impl TrustList {
    /// The trusted issuer with this DID, if any.
    pub fn issuer(&self, id: &str) -> Option<&TrustedIssuer> {
        self.issuers.iter().find(|i| i.id == id)
    }

    /// A resolver knowing the DID documents the list carries.
    pub fn resolver(&self) -> Result<DidResolver, DidError> {
        let mut resolver = DidResolver::new();
        for issuer in &self.issuers {
            if let Some(document) = &issuer.did_document {
                resolver.add_document(document.clone())?;
            }
        }
        Ok(resolver)
    }

    /// Whether a controller document at `url` may be fetched: it is on the host of a listed
    /// issuer (a did:web DID's host, an https issuer's host) or where one publishes status
    /// lists. Nothing else is fetched unless the caller explicitly allows any host.
    pub fn allows_key_url(&self, url: &str) -> bool {
        let Some(host) = https_host(url) else {
            return false;
        };
        self.issuers.iter().any(|issuer| {
            let issuer_host = if issuer.id.starts_with("did:web:") {
                crate::did::did_web_url(&issuer.id)
                    .ok()
                    .and_then(|u| https_host(&u).map(str::to_owned))
            } else {
                https_host(&issuer.id).map(str::to_owned)
            };
            issuer_host.as_deref() == Some(host)
                || issuer
                    .status_lists
                    .iter()
                    .any(|prefix| https_host(prefix) == Some(host))
        })
    }

    /// Whether `url` is where a listed issuer publishes status lists.
    pub fn allows_status_url(&self, url: &str) -> bool {
        self.issuers
            .iter()
            .flat_map(|i| &i.status_lists)
            .any(|prefix| url.starts_with(prefix.as_str()))
    }
}

/// The host (with its port) of an https URL.
fn https_host(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty() && !host.contains('@')).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_fetched_only_from_listed_issuers_hosts() {
        let list: TrustList = serde_json::from_value(serde_json::json!({
            "name": "ENHANCE",
            "issuers": [
                {"id": "did:web:enhance.eu:u:wut", "name": "WUT"},
                {"id": "https://badges.example.org/issuers/1", "name": "B",
                 "statusLists": ["https://status.example.net/lists/"]}
            ]
        }))
        .unwrap();
        assert!(list.allows_key_url("https://enhance.eu/u/wut/did.json"));
        assert!(list.allows_key_url("https://badges.example.org/keys/1"));
        assert!(list.allows_key_url("https://status.example.net/other"));
        assert!(!list.allows_key_url("http://enhance.eu/u/wut/did.json"));
        assert!(!list.allows_key_url("https://enhance.eu.evil.example/x"));
        assert!(!list.allows_key_url("https://user@enhance.eu/x"));
        assert!(!list.allows_key_url("https://elsewhere.example/keys/1"));
    }
}
