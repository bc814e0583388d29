//! The platform's use cases: what people do through the server (and what `microcred demo`
//! sets up), over the store. Every use case asks [`authz::may`] who may do it: a registrar of one
//! university cannot act for another, a learner sees only their own.

pub mod alliance;
pub mod auth;
pub mod authz;
pub mod catalogue;
pub mod demo;
pub mod grading;
pub mod invitations;
pub mod issuance;
pub mod learners;
pub mod logos;
pub mod printing;
pub mod setup;
pub mod stacking;
pub mod verification;
pub mod views;
pub mod workers;

/// The account acting: the principal every use case is given, as signed in (its roles are
/// the model's `Grant`s). The server knows the platform through this crate only.
pub use microcred_store::accounts::Account;

use std::sync::Arc;

use microcred_credentials::formats::{CredentialFormat, OpenBadgesDataIntegrity};

use serde::Serialize;

use microcred_store::{Store, StoreError};

use crate::Checker;

/// How this platform instance is reached and keeps its secrets.
#[derive(Clone)]
pub struct Config {
    /// Where the platform is served, e.g. `https://enhance.eu` or `http://127.0.0.1:8080`: DIDs,
    /// status list URLs and verification links are made from it.
    pub public_url: String,
    /// Encrypts signing keys at rest (from configuration or the environment, never stored
    /// beside them).
    pub key_encryption_key: [u8; 32],
    /// Whether credentials carry a suspension entry beside their revocation entry. Two entries
    /// make `credentialStatus` a list, which VC 2.0 and both independent verifiers accept but
    /// the Open Badges 3.0 JSON Schema (at most one status) does not: an alliance that needs
    /// strict Open Badges conformance turns suspension off (`suspension = false`).
    pub suspension: bool,
    /// How failed sign-ins are slowed down and locked.
    pub sign_in: auth::SignInLimits,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("public_url", &self.public_url)
            .field("key_encryption_key", &"<redacted>")
            .finish()
    }
}

impl Config {
    /// The public URL without a trailing slash.
    pub fn base(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }

    /// The did:web method-specific part for the public URL: host (port as `%3A`) and path.
    fn did_web_base(&self) -> String {
        let rest = self
            .base()
            .split_once("://")
            .map_or(self.base(), |(_, rest)| rest);
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let mut did = format!("did:web:{}", host.replace(':', "%3A"));
        for segment in path.split('/').filter(|s| !s.is_empty()) {
            did.push(':');
            did.push_str(segment);
        }
        did
    }

    /// The alliance's DID.
    pub fn alliance_did(&self) -> String {
        self.did_web_base()
    }

    /// A member university's DID: `did:web:host:u:{id}`, its document at `/u/{id}/did.json`.
    pub fn university_did(&self, university: &str) -> String {
        format!("{}:u:{university}", self.did_web_base())
    }

    /// The URL of a status list credential.
    pub fn status_list_url(&self, list: &str) -> String {
        format!("{}/status/{list}", self.base())
    }

    /// The public page verifying a credential (what a QR code opens).
    pub fn verification_url(&self, credential: &str) -> String {
        format!("{}/verify?credential={}", self.base(), credential)
    }

    /// Where the logo of a university (or of the alliance, `alliance`) is served.
    pub fn logo_url(&self, owner: &str) -> String {
        if owner == alliance::ALLIANCE {
            format!("{}/alliance/logo", self.base())
        } else {
            format!("{}/u/{owner}/logo", self.base())
        }
    }

    /// A published specification version, the achievement of its credentials.
    pub fn achievement_url(&self, specification: &str, version: i64) -> String {
        format!("{}/catalogue/{specification}/v{version}", self.base())
    }
}

/// One thing wrong with what was sent, and where (a JSON path or a row).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The field, as a path (`workload.ects`).
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

impl Problem {
    /// A problem with this field.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
/// Why a use case refused or failed; the server maps each to its HTTP status.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum PlatformError {
    #[error("sign in first: this needs an account")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{title}")]
    Invalid {
        title: String,
        problems: Vec<Problem>,
    },
    /// Too much work waiting, or the database busy: try again shortly (503, Retry-After).
    #[error("{0}")]
    Busy(String),
    /// Too many failed attempts: refused for `retry_after` seconds (429).
    #[error("{message}")]
    TooManyAttempts { message: String, retry_after: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

impl PlatformError {
    /// `Invalid`, with the fields that are wrong.
    pub fn invalid(title: impl Into<String>, problems: Vec<Problem>) -> PlatformError {
        PlatformError::Invalid {
            title: title.into(),
            problems,
        }
    }
}

impl From<StoreError> for PlatformError {
    fn from(error: StoreError) -> PlatformError {
        match error {
            StoreError::NotFound(what) => PlatformError::NotFound(what),
            StoreError::Conflict(what) => {
                PlatformError::Conflict(format!("{what} already exists or changed meanwhile"))
            }
            other if other.is_conflict() => PlatformError::Conflict(other.to_string()),
            other if other.is_busy() => PlatformError::Busy(format!(
                "the database is busy ({other}): try again in a few seconds"
            )),
            other => PlatformError::Internal(other.to_string()),
        }
    }
}

/// A use case's result.
pub type Result<T, E = PlatformError> = std::result::Result<T, E>;

/// Reads a domain value from JSON sent to the platform; a mistake is reported with its path
/// (`workload.ects`, `learning_outcomes[2].category`).
pub fn from_json<T: serde::de::DeserializeOwned>(
    what: &str,
    value: serde_json::Value,
) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." { String::new() } else { path };
        PlatformError::invalid(
            format!("the {what} is not valid"),
            vec![Problem::new(path, error.inner().to_string())],
        )
    })
}

/// The platform: the store, its configuration, the rule profiles.
#[derive(Clone)]
pub struct Platform {
    store: Store,
    config: Arc<Config>,
    checker: Arc<Checker>,
    verifier: Arc<verification::VerifierCache>,
    heavy: Arc<workers::HeavyWork>,
    /// The formats every credential is issued in, the first one's document leading (it is the
    /// one listed, printed and verified by default).
    formats: Arc<Vec<Arc<dyn CredentialFormat>>>,
}

impl Platform {
    /// The platform over `store`, issuing Open Badges 3.0 with Data Integrity proofs.
    pub fn new(store: Store, config: Config, checker: Checker) -> Platform {
        Platform {
            store,
            config: Arc::new(config),
            checker: Arc::new(checker),
            verifier: Arc::default(),
            heavy: Arc::default(),
            formats: Arc::new(vec![Arc::new(OpenBadgesDataIntegrity::default())]),
        }
    }

    /// The platform issuing every credential in `formats` (at least one; the first leads).
    pub fn with_formats(mut self, formats: Vec<Arc<dyn CredentialFormat>>) -> Platform {
        if !formats.is_empty() {
            self.formats = Arc::new(formats);
        }
        self
    }

    /// The store (for set-up and tests).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
}

#[cfg(test)]
mod tests {
    use super::Config;

    #[test]
    fn dids_follow_the_public_url() {
        let config = |url: &str| Config {
            public_url: url.into(),
            key_encryption_key: [0; 32],
            suspension: true,
            sign_in: Default::default(),
        };
        assert_eq!(
            config("https://enhance.eu").alliance_did(),
            "did:web:enhance.eu"
        );
        assert_eq!(
            config("http://127.0.0.1:8080/").university_did("wut"),
            "did:web:127.0.0.1%3A8080:u:wut"
        );
        assert_eq!(
            config("https://alliance.eu/credentials").university_did("tub"),
            "did:web:alliance.eu:credentials:u:tub"
        );
        assert_eq!(
            config("https://enhance.eu").status_list_url("wut-revocation-1"),
            "https://enhance.eu/status/wut-revocation-1"
        );
    }
}
