//! Use case: verify credential files against the alliance's trust list and status lists.

use std::path::{Path, PathBuf};

use serde_json::Value;

use microcred_credentials::datetime::DateTime;
use microcred_credentials::did::{DidError, DidResolver};
use microcred_credentials::trust::TrustList;
use microcred_credentials::verify::{Context, MAX_CREDENTIAL_BYTES, Report, verify_credential};

use crate::json_file::{JsonFileError, read_json};

#[derive(Debug, thiserror::Error)]
pub enum VerifierError {
    #[error(transparent)]
    File(#[from] JsonFileError),
    #[error("{path}: {error}")]
    Did { path: String, error: DidError },
    #[error("{0}: not a status list credential (it has no id)")]
    NotAStatusList(String),
}

/// A verifier with what it was given: a trust list, status lists, DID documents.
pub struct Verifier {
    trust: Option<TrustList>,
    status_lists: Vec<Value>,
    resolver: DidResolver,
}

impl Verifier {
    pub fn new(trust: Option<&Path>, status_lists: &[PathBuf]) -> Result<Verifier, VerifierError> {
        let trust: Option<TrustList> = trust
            .map(|path| read_json(path, MAX_CREDENTIAL_BYTES))
            .transpose()?;
        let resolver = match &trust {
            Some(list) => list.resolver().map_err(|error| VerifierError::Did {
                path: "the trust list".into(),
                error,
            })?,
            None => DidResolver::new(),
        };
        let mut lists = Vec::new();
        for path in status_lists {
            let list: Value = read_json(path, MAX_CREDENTIAL_BYTES)?;
            if list.get("id").and_then(Value::as_str).is_none() {
                return Err(VerifierError::NotAStatusList(path.display().to_string()));
            }
            lists.push(list);
        }
        Ok(Verifier {
            trust,
            status_lists: lists,
            resolver,
        })
    }

    /// Adds a DID document (a did:web issuer's `did.json`).
    pub fn add_did_document(&mut self, path: &Path) -> Result<(), VerifierError> {
        let document: Value = read_json(path, MAX_CREDENTIAL_BYTES)?;
        self.resolver
            .add_document(document)
            .map_err(|error| VerifierError::Did {
                path: path.display().to_string(),
                error,
            })
    }

    pub fn trust(&self) -> Option<&TrustList> {
        self.trust.as_ref()
    }

    /// Verifies a credential already read.
    pub fn verify(&self, credential: &Value, now: DateTime) -> Report {
        verify_credential(
            credential,
            &Context {
                trust: self.trust.as_ref(),
                status_lists: &self.status_lists,
                resolver: &self.resolver,
                now,
            },
        )
    }

    /// Reads a credential file (JSON) and verifies it; `Err` when it cannot be read as JSON.
    pub fn verify_file(
        &self,
        path: &Path,
        now: DateTime,
    ) -> Result<(Value, Report), VerifierError> {
        let credential: Value = read_json(path, MAX_CREDENTIAL_BYTES)?;
        let report = self.verify(&credential, now);
        Ok((credential, report))
    }
}
