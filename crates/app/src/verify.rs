//! Use case: verify credential files against the alliance's trust list and status lists.

use std::path::{Path, PathBuf};

use serde_json::Value;

use microcred_credentials::datetime::DateTime;
use microcred_credentials::did::{DidError, DidResolver};
use microcred_credentials::open_badges::{Statement, describe_statement};
use microcred_credentials::statement::{MicroCredentialStatement, read_statement};
use microcred_credentials::trust::TrustList;
use microcred_credentials::vc_jwt;
use microcred_credentials::verify::{
    Check, Context, MAX_CREDENTIAL_BYTES, Report, Status, enveloped_jwt, verify_document,
};
use microcred_edc::verify::{credential_of, is_edc, read_edc_statement, verify_edc};
use microcred_edc::x509::SealCertificate;

use crate::fetch::{KeyDocuments, KeyHosts, fetch_json};
use crate::json_file::{JsonFileError, read_json};

#[derive(Debug, thiserror::Error)]
/// Why a verifier cannot be set up.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum VerifierError {
    #[error(transparent)]
    File(#[from] JsonFileError),
    #[error("{path}: {error}")]
    Did { path: String, error: DidError },
    #[error("{0}: not a status list credential (it has no id)")]
    NotAStatusList(String),
    #[error("the trust list's seal authority `{name}`: {error}")]
    SealAuthority { name: String, error: String },
}

/// The seal authorities of a trust list, read.
pub fn seal_anchors(trust: &TrustList) -> Result<Vec<SealCertificate>, VerifierError> {
    trust
        .seal_authorities
        .iter()
        .map(|authority| {
            seal_certificate(&authority.certificate).map_err(|error| VerifierError::SealAuthority {
                name: authority.name.clone(),
                error,
            })
        })
        .collect()
}

/// A seal authority's certificate as a trust list (or a stacked rule) gives it: PEM (its first
/// certificate), or base64 DER.
pub fn seal_certificate(text: &str) -> Result<SealCertificate, String> {
    let text = text.trim();
    let read = if text.starts_with("-----BEGIN") {
        SealCertificate::all_from_pem(text).and_then(|mut all| {
            all.drain(..)
                .next()
                .ok_or(microcred_edc::x509::CertificateError::NoCertificate)
        })
    } else {
        SealCertificate::from_base64(text)
    };
    read.map_err(|e| e.to_string())
}

/// Verifies any credential microcred reads — Open Badges and other Data Integrity credentials,
/// Europass EDCs sealed with JAdES — against `context` and the trusted seal `anchors`.
pub fn verify_any(document: &Value, context: &Context<'_>, anchors: &[SealCertificate]) -> Report {
    let mut report = if is_edc(document) {
        verify_edc(document, context, anchors)
    } else {
        verify_document(document, context)
    };
    if let Some(check) = components_check(&credential_inside(document)) {
        report.checks.push(check);
    }
    report
}

/// A stacked credential names its components as evidence, each with a digest: alone, it is
/// verified without them, and the report says so (its bundle checks them: `crate::bundle`).
fn components_check(credential: &Value) -> Option<Check> {
    let list = |v: &Value| match v {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    };
    let related = list(&credential["relatedResource"]);
    let names: Vec<String> = list(&credential["evidence"])
        .iter()
        .filter(|e| {
            let id = e.get("id");
            id.is_some() && related.iter().any(|r| r.get("id") == id)
        })
        .filter_map(|e| e.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect();
    (!names.is_empty()).then(|| Check {
        name: "components",
        status: Status::Skipped,
        detail: format!(
            "a stacked credential awarded for {} component(s) — {} — each named by the digest of its document; they are not part of this file: verify the learner's bundle to check them",
            names.len(),
            names.join(", ")
        ),
    })
}

/// What a credential states, as the 16 elements, whatever its format (read from what was
/// signed or sealed).
pub fn read_any_statement(document: &Value) -> MicroCredentialStatement {
    if is_edc(document) {
        read_edc_statement(document)
    } else {
        read_statement(&credential_inside(document))
    }
}

/// What a credential states, in plain language, whatever its format.
pub fn describe_any(document: &Value) -> Vec<Statement> {
    describe_statement(&read_any_statement(document))
}

/// The credential a document carries: a sealed EDC's payload, a VC-JWT's credential (bare or
/// enveloped), or the document itself.
pub fn credential_inside(document: &Value) -> Value {
    if is_edc(document) {
        return credential_of(document).unwrap_or_else(|| document.clone());
    }
    let token = match document {
        Value::String(token) => Some(token.as_str()),
        other => enveloped_jwt(other),
    };
    token
        .and_then(|t| vc_jwt::read_compact(t).ok())
        .and_then(|jws| vc_jwt::credential_of(&jws.payload))
        .map(|(credential, _)| credential)
        .unwrap_or_else(|| document.clone())
}

/// Fetches the status lists `document` points to that are not `at_hand`, from where `trust`
/// says an issuer publishes them (and nowhere else), each GET bounded (`fetch_json`): the
/// lists fetched, and a note for each one not fetched. Blocking: call it off the async workers.
pub fn fetch_status_lists(
    document: &Value,
    trust: &TrustList,
    at_hand: &[Value],
) -> (Vec<Value>, Vec<String>) {
    let credential = credential_inside(document);
    let entries: Vec<&Value> = match credential.get("credentialStatus") {
        Some(Value::Array(list)) => list.iter().take(8).collect(),
        Some(one) => vec![one],
        None => return (Vec::new(), Vec::new()),
    };
    let mut lists: Vec<Value> = Vec::new();
    let mut notes = Vec::new();
    for entry in entries {
        let Some(url) = entry.get("statusListCredential").and_then(Value::as_str) else {
            continue;
        };
        let known = at_hand
            .iter()
            .chain(lists.iter())
            .any(|l| l.get("id").and_then(Value::as_str) == Some(url));
        if known {
            continue;
        }
        if !trust.allows_status_url(url) {
            notes.push(format!(
                "{url} was not fetched: the trust list names no issuer publishing status lists there"
            ));
            continue;
        }
        match fetch_json(url, MAX_FETCHED_BYTES) {
            Ok(list) if list.get("id").and_then(Value::as_str) == Some(url) => lists.push(list),
            Ok(_) => notes.push(format!("{url} did not return the status list with that id")),
            Err(why) => notes.push(format!("{url} could not be fetched: {why}")),
        }
    }
    (lists, notes)
}

/// Largest status list credential fetched, in bytes.
const MAX_FETCHED_BYTES: usize = 2 * 1024 * 1024;

/// A verifier with what it was given: a trust list, status lists, DID documents.
pub struct Verifier {
    trust: Option<TrustList>,
    anchors: Vec<SealCertificate>,
    status_lists: Vec<Value>,
    resolver: DidResolver,
    keys: KeyDocuments,
}

impl Verifier {
    /// A verifier with a trust list and status lists from files.
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
        let anchors = match &trust {
            Some(list) => seal_anchors(list)?,
            None => Vec::new(),
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
            anchors,
            status_lists: lists,
            resolver,
            keys: KeyDocuments::default(),
        })
    }

    /// Adds a controller document: a did:web issuer's `did.json`, or an https issuer's
    /// controller document or verification method.
    pub fn add_did_document(&mut self, path: &Path) -> Result<(), VerifierError> {
        let document: Value = read_json(path, MAX_CREDENTIAL_BYTES)?;
        self.resolver
            .add_document(document)
            .map_err(|error| VerifierError::Did {
                path: path.display().to_string(),
                error,
            })
    }

    /// The trust list, if given.
    pub fn trust(&self) -> Option<&TrustList> {
        self.trust.as_ref()
    }

    /// Fetches the status lists `credential` points to that are not at hand, from URLs where
    /// the trust list says a trusted issuer publishes them (nothing else is ever fetched).
    /// Returns what could not be fetched and why.
    pub fn fetch_status_lists(&mut self, document: &Value) -> Vec<String> {
        let Some(trust) = &self.trust else {
            let nobody = TrustList {
                name: String::new(),
                issuers: Vec::new(),
                seal_authorities: Vec::new(),
            };
            return fetch_status_lists(document, &nobody, &self.status_lists).1;
        };
        let (lists, notes) = fetch_status_lists(document, trust, &self.status_lists);
        self.status_lists.extend(lists);
        notes
    }

    /// Fetches the controller documents of the keys `document` names that are not at hand,
    /// from the hosts `hosts` allows. Returns what could not be had and why.
    pub fn fetch_keys(&mut self, document: &Value, hosts: KeyHosts) -> Vec<String> {
        self.keys
            .provide(document, &mut self.resolver, self.trust.as_ref(), hosts)
    }

    /// Verifies a credential already read, whatever its format.
    pub fn verify(&self, credential: &Value, now: DateTime) -> Report {
        verify_any(
            credential,
            &Context {
                trust: self.trust.as_ref(),
                status_lists: &self.status_lists,
                resolver: &self.resolver,
                now,
            },
            &self.anchors,
        )
    }
}
