//! What the platform answers with: its own types, serialized as the API's JSON and read by the
//! pages. Store rows stay behind the use cases (they are not even `Serialize`), so a renamed
//! column or a new table never changes what a client receives.

use serde::Serialize;
use serde_json::Value;

use microcred_model::{CredentialState, Grant, Learner, ReviewState, Specification, University};
use microcred_store::accounts::Account;
use microcred_store::audit::AuditEntry;
use microcred_store::credentials::CredentialRecord;
use microcred_store::issuing_runs::IssuingRun;
use microcred_store::keys::KeyRecord;
use microcred_store::learners::LearnerRecord;
use microcred_store::results::ResultRecord;
use microcred_store::specifications::{ReviewEvent, VersionRecord};
use microcred_store::universities::{Signatory, UniversityRecord};

/// An account as its holder and administrators see it (never its password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountView {
    /// Its id.
    pub id: String,
    /// Its e-mail address, the name it signs in with.
    pub email: String,
    /// The person's name.
    pub name: String,
    /// For a learner's account: the learner it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learner_id: Option<String>,
    /// Whether it may no longer sign in.
    pub disabled: bool,
    /// Its roles, each for a university where the role is scoped.
    pub grants: Vec<Grant>,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        AccountView {
            id: a.id.clone(),
            email: a.email.clone(),
            name: a.name.clone(),
            learner_id: a.learner_id.clone(),
            disabled: a.disabled,
            grants: a.grants.clone(),
        }
    }
}

/// One signed document of a credential in another format than its leading one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentView {
    /// The format's name (`microcred_credentials::formats`).
    pub format: String,
    /// The signed document.
    #[serde(rename = "credential")]
    pub document: Value,
}

/// An issued credential: its state on the platform, and the signed documents.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialView {
    /// `urn:uuid:…`, as in the credential.
    pub id: String,
    /// The specification it awards.
    #[serde(rename = "specification")]
    pub specification_id: String,
    /// The specification's version.
    pub version: i64,
    /// The learner it was awarded to.
    #[serde(rename = "learner")]
    pub learner_id: String,
    /// The issuing university's id, or `alliance`.
    pub issuer: String,
    /// Active, suspended or revoked.
    pub state: CredentialState,
    /// False once a correction replaced it.
    pub current: bool,
    /// The day the last requirement was met.
    pub date_of_issuing: String,
    /// When it was issued (seconds since 1970).
    pub issued_at: i64,
    /// The credential this one corrects.
    pub replaces: Option<String>,
    /// Why it was revoked, suspended or replaced.
    pub reason: String,
    /// When its state last changed (seconds since 1970).
    #[serde(skip)]
    pub changed_at: i64,
    /// Where anyone verifies it.
    pub verification: String,
    /// The format of `document`.
    pub format: String,
    /// The signed credential (left out of lists).
    #[serde(rename = "credential", skip_serializing_if = "Value::is_null")]
    pub document: Value,
    /// The same credential in the other formats it was issued in.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<DocumentView>,
}

impl CredentialView {
    /// The view of a stored credential, verified at `verification`.
    pub fn new(record: CredentialRecord, verification: String) -> CredentialView {
        CredentialView {
            id: record.id,
            specification_id: record.specification_id,
            version: record.version,
            learner_id: record.learner_id,
            issuer: record.issuer,
            state: record.state,
            current: record.current,
            date_of_issuing: record.date_of_issuing,
            issued_at: record.issued_at,
            replaces: record.replaces,
            reason: record.reason,
            changed_at: record.changed_at,
            verification,
            format: record.format,
            document: record.document,
            alternatives: record
                .alternatives
                .into_iter()
                .map(|d| DocumentView {
                    format: d.format,
                    document: d.document,
                })
                .collect(),
        }
    }

    /// The same without its signed documents, as lists give it.
    pub fn summary(mut self) -> CredentialView {
        self.document = Value::Null;
        self.alternatives.clear();
        self
    }
}

/// A version of a specification, with where it is in its review.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpecificationVersionView {
    /// The specification's id.
    pub specification_id: String,
    /// The version number, from 1.
    pub version: i64,
    /// Where it is in the review.
    pub state: ReviewState,
    /// What it says.
    pub specification: Specification,
    /// The rules' findings when it was last checked (on submission).
    pub findings: Value,
    /// Who changed it last.
    pub updated_by: String,
    /// When (seconds since 1970).
    pub updated_at: i64,
}

impl From<VersionRecord> for SpecificationVersionView {
    fn from(v: VersionRecord) -> Self {
        SpecificationVersionView {
            specification_id: v.specification_id,
            version: v.version,
            state: v.state,
            specification: v.specification,
            findings: v.findings,
            updated_by: v.updated_by,
            updated_at: v.updated_at,
        }
    }
}

/// One step of a version's review: who did what, when and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReviewEventView {
    /// The specification.
    pub specification_id: String,
    /// Its version.
    pub version: i64,
    /// `created`, `submitted`, `advice`, `decision`, `retired`, …
    pub kind: String,
    /// The advice or decision, where there is one.
    pub outcome: String,
    /// Why, in the person's words.
    pub comment: String,
    /// The account that acted.
    pub by_account: String,
    /// The role in which it acted.
    pub by_role: String,
    /// When (seconds since 1970).
    pub at: i64,
}

impl From<ReviewEvent> for ReviewEventView {
    fn from(e: ReviewEvent) -> Self {
        ReviewEventView {
            specification_id: e.specification_id,
            version: e.version,
            kind: e.kind,
            outcome: e.outcome,
            comment: e.comment,
            by_account: e.by_account,
            by_role: e.by_role,
            at: e.at,
        }
    }
}

/// A person who signs a university's printed certificates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignatoryView {
    /// Its id.
    pub id: String,
    /// The university it signs for.
    pub university_id: String,
    /// The person's name.
    pub name: String,
    /// e.g. "Vice-Rector for Education".
    pub role: String,
    /// False once retired.
    pub active: bool,
    /// In office from (seconds since 1970) …
    pub since: i64,
    /// … until, once retired.
    pub until: Option<i64>,
}

impl From<Signatory> for SignatoryView {
    fn from(s: Signatory) -> Self {
        SignatoryView {
            id: s.id,
            university_id: s.university_id,
            name: s.name,
            role: s.role,
            active: s.active,
            since: s.since,
            until: s.until,
        }
    }
}

/// A learner as registrars (of universities the learner is known at) and the learner see them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LearnerView {
    /// The learner's id on the platform.
    pub id: String,
    /// Who the learner is.
    pub learner: Learner,
}

impl From<LearnerRecord> for LearnerView {
    fn from(l: LearnerRecord) -> Self {
        LearnerView {
            id: l.id,
            learner: l.learner,
        }
    }
}

/// A member university, its DID and where its logo is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UniversityView {
    /// What the catalogue says of it.
    pub university: University,
    /// Its DID: the issuer of its credentials.
    pub did: String,
    /// Its logo's URL, if it has one.
    pub logo: Option<String>,
}

impl UniversityView {
    /// The view of a university, with its logo's URL if it has one.
    pub fn new(record: UniversityRecord, logo: Option<String>) -> UniversityView {
        UniversityView {
            university: record.university,
            did: record.did,
            logo,
        }
    }
}

/// The public part of a signing key, as its DID document publishes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyView {
    /// The verification method, `did:web:…#key-…`.
    pub id: String,
    /// Its owner's DID.
    pub did: String,
    /// The public key.
    pub public_key_multibase: String,
    /// Its signature algorithm (`Ed25519`).
    pub algorithm: String,
    /// When it was made (seconds since 1970).
    pub created_at: i64,
    /// When it stopped signing, if it did (it still verifies what it signed).
    pub retired_at: Option<i64>,
    /// For an e-seal: its certificate's subject, and whether it is self-signed (a trial seal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<SealCertificateView>,
}

/// An e-seal's certificate, as people check it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealCertificateView {
    /// Who it names.
    pub subject: String,
    /// Who issued it.
    pub issuer: String,
    /// Until when it is valid.
    pub not_after: String,
    /// Self-signed: for trying out, not an eIDAS e-seal.
    pub self_signed: bool,
}

impl From<&KeyRecord> for KeyView {
    fn from(k: &KeyRecord) -> Self {
        KeyView {
            id: k.id.clone(),
            did: k.did.clone(),
            public_key_multibase: k.public_key_multibase.clone(),
            algorithm: k.algorithm.clone(),
            created_at: k.created_at,
            retired_at: k.retired_at,
            certificate: k
                .certificate_chain
                .as_deref()
                .and_then(|pem| microcred_edc::x509::SealCertificate::all_from_pem(pem).ok())
                .and_then(|chain| chain.into_iter().next())
                .map(|c| SealCertificateView {
                    subject: c.subject(),
                    issuer: c.issuer(),
                    not_after: c.not_after().to_string(),
                    self_signed: c.is_self_issued(),
                }),
        }
    }
}

/// An entry of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditEntryView {
    /// Its place in the log.
    pub seq: i64,
    /// When (seconds since 1970).
    pub at: i64,
    /// The account that acted (or `system`).
    pub actor: String,
    /// e.g. `credential.revoked`.
    pub action: String,
    /// What was acted on, e.g. `credential:urn:uuid:…`.
    pub subject: String,
    /// What else the entry records.
    pub details: Value,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        AuditEntryView {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            subject: e.subject,
            details: e.details,
        }
    }
}

/// Issuing started from a page, and how far it got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IssuingRunView {
    /// Its id.
    pub id: String,
    /// The specification issued.
    pub specification_id: String,
    /// Learners looked at so far.
    pub done: i64,
    /// 0 while unknown (issuing to every eligible learner).
    pub total: i64,
    /// Whether it ended.
    pub finished: bool,
    /// Credentials issued.
    pub issued: i64,
    /// Learners who already held it.
    pub already_held: i64,
    /// Learners not (yet) eligible.
    pub not_eligible: i64,
    /// Why it stopped, if it failed.
    pub error: String,
}

impl From<IssuingRun> for IssuingRunView {
    fn from(r: IssuingRun) -> Self {
        IssuingRunView {
            id: r.id,
            specification_id: r.specification_id,
            done: r.done,
            total: r.total,
            finished: r.finished,
            issued: r.issued,
            already_held: r.already_held,
            not_eligible: r.not_eligible,
            error: r.error,
        }
    }
}

/// An image to serve (a logo), checked when it was uploaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// `image/png` or `image/jpeg`.
    pub media_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A learner's recorded result on one course element.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResultView {
    /// The learner.
    pub learner_id: String,
    /// The course element.
    pub element_id: String,
    /// `YYYY-MM-DD`.
    pub completed_on: String,
    /// Whether it was passed.
    pub passed: bool,
    /// The element's grade, in its university's scheme.
    pub grade: Option<String>,
    /// The micro-credential's overall grade, where it was recorded with this result.
    pub overall_grade: Option<String>,
    /// The import it came from, if any.
    pub import_id: Option<String>,
    /// The account that recorded it.
    pub recorded_by: String,
}

impl From<ResultRecord> for ResultView {
    fn from(r: ResultRecord) -> Self {
        ResultView {
            learner_id: r.learner_id,
            element_id: r.element_id,
            completed_on: r.completed_on,
            passed: r.passed,
            grade: r.grade,
            overall_grade: r.overall_grade,
            import_id: r.import_id,
            recorded_by: r.recorded_by,
        }
    }
}
