//! Use case: issue signed micro-credentials from a specification and learners' results.
//!
//! Who is awarded, on which day, by whom and with which grade is the model's [`AwardRule`]
//! (ENHANCE §7.4, §7.5, §7.14), as on the platform; each awarding body signs (a proof set for a
//! joint award). Credential ids are derived from the specification, the learner and the issuer,
//! so issuing twice writes the same credential again instead of a second one.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use microcred_credentials::data_integrity::Cryptosuite;
use microcred_credentials::datetime::DateTime;
use microcred_credentials::formats::{CredentialFormat, FormatError, OpenBadgesDataIntegrity};
use microcred_credentials::key_file::IssuerKey;
use microcred_credentials::open_badges::{AwardedMicroCredential, IssuerProfile};
use microcred_model::{Alliance, AwardRule, AwardingBody, Learner, RecordedResult, StudentId};
use microcred_specfile::ResolvedSpecification;

use crate::awarding::{AllianceUndescribed, ProfileExtras, issuer_profile};
use crate::results::{ResultRow, RowProblem};

#[derive(Debug, thiserror::Error)]
/// Why offline issuing stopped.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum IssueError {
    #[error("the awarding bodies cannot be determined: {0}")]
    Awarding(#[from] microcred_model::AwardingProblem),
    #[error(
        "the specification is awarded by {bodies} ({policy}), so give {expected} signing key{s} in that order; {given} given",
        s = if *.expected == 1 { "" } else { "s" }
    )]
    KeyCount {
        bodies: String,
        policy: String,
        expected: usize,
        given: usize,
    },
    #[error(
        "the alliance awards this specification, but the alliance settings give no [alliance] name"
    )]
    NoAlliance(#[from] AllianceUndescribed),
    #[error("{0}")]
    Format(#[from] FormatError),
    #[error("{path}: {error}")]
    Write { path: String, error: std::io::Error },
}

/// How to issue.
#[derive(Clone, Debug)]
pub struct IssueOptions {
    /// The cryptosuite of the Open Badges proofs.
    pub suite: Cryptosuite,
    /// The formats to write each credential in: `<id>.json` (Open Badges 3.0) and/or
    /// `<id>.edc.json` (a Europass EDC sealed with JAdES; its pages laid out by `edc_pages`).
    pub formats: IssueFormats,
    /// The proofs' `created`.
    pub now: DateTime,
    /// Where the alliance publishes specifications (for achievement ids); else URNs.
    pub base_url: Option<String>,
    /// The certificate template an EDC's display pages are laid out with.
    pub template: microcred_render::Template,
}

/// Which formats offline issuing writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueFormats {
    /// Open Badges 3.0 only.
    OpenBadges,
    /// The Europass EDC only.
    Edc,
    /// Both, from the same award.
    Both,
}

impl IssueFormats {
    fn open_badges(self) -> bool {
        self != IssueFormats::Edc
    }

    fn edc(self) -> bool {
        self != IssueFormats::OpenBadges
    }
}

#[derive(Clone, Debug, Serialize)]
/// A credential written.
pub struct IssuedCredential {
    /// The learner's key in the results file.
    pub learner: String,
    /// The credential's id.
    pub credential_id: String,
    /// The day the last requirement was met.
    pub date_of_issuing: String,
    /// Where it was written (its Open Badges 3.0 file, else its EDC).
    pub file: PathBuf,
    /// Where its Europass EDC was written, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edc_file: Option<PathBuf>,
}

#[derive(Clone, Debug, Serialize)]
/// A learner who was not awarded, and why.
pub struct NotEligible {
    /// The learner's key in the results file.
    pub learner: String,
    /// Elements with no passed result.
    pub missing: Vec<String>,
    /// Why, in a sentence.
    pub reason: String,
}

/// What an issuance did, learner by learner and row by row.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IssueReport {
    /// The specification issued.
    pub specification: String,
    /// The credentials written.
    pub issued: Vec<IssuedCredential>,
    /// The learners not awarded.
    pub not_eligible: Vec<NotEligible>,
    /// The rows that could not be used.
    pub bad_rows: Vec<RowProblem>,
}

/// One learner's rows, merged.
#[derive(Debug)]
struct LearnerRecord {
    first_row: u64,
    learner: Learner,
    results: Vec<RecordedResult>,
}

/// Merges a row into its learner's record, or says why it cannot be.
fn merge(
    records: &mut BTreeMap<String, LearnerRecord>,
    row: ResultRow,
    spec: &ResolvedSpecification,
) -> Result<(), RowProblem> {
    let problem = |column: &str, message: String| RowProblem {
        row: row.row,
        column: Some(column.to_owned()),
        message,
    };
    if !spec.specification.elements.contains(&row.element) {
        return Err(problem(
            "element",
            format!(
                "`{}` is not a course element of `{}` (its elements: {})",
                row.element,
                spec.specification.id,
                spec.specification
                    .elements
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let university = spec
        .catalogue
        .element(&row.element)
        .map(|e| e.university.clone());
    let record = records
        .entry(row.learner.clone())
        .or_insert_with(|| LearnerRecord {
            first_row: row.row,
            learner: Learner {
                given_names: row.given_names.clone(),
                family_names: row.family_names.clone(),
                date_of_birth: row.date_of_birth,
                nationality: row.nationality.clone(),
                student_ids: Vec::new(),
                email: row.email.clone(),
                home_university: None,
            },
            results: Vec::new(),
        });
    let first = record.first_row;
    let learner = &mut record.learner;
    if learner.given_names != row.given_names || learner.family_names != row.family_names {
        return Err(problem(
            "given_names",
            format!(
                "the learner `{}` is named {} {} on row {first}, {} {} here",
                row.learner,
                learner.given_names,
                learner.family_names,
                row.given_names,
                row.family_names
            ),
        ));
    }
    match (learner.date_of_birth, row.date_of_birth) {
        (Some(a), Some(b)) if a != b => {
            return Err(problem(
                "date_of_birth",
                format!("{b} here, {a} on row {first} for the same learner"),
            ));
        }
        (None, Some(b)) => learner.date_of_birth = Some(b),
        _ => {}
    }
    for code in row.nationality {
        if !learner.nationality.contains(&code) {
            learner.nationality.push(code);
        }
    }
    if let (Some(value), Some(university)) = (row.student_id, university) {
        let id = StudentId { university, value };
        if !learner.student_ids.contains(&id) {
            learner.student_ids.push(id);
        }
    }
    if learner.email.is_none() {
        learner.email = row.email;
    }
    match (&learner.home_university, row.home_university) {
        (Some(a), Some(b)) if *a != b => {
            return Err(problem(
                "home_university",
                format!("`{b}` here, `{a}` on an earlier row for the same learner"),
            ));
        }
        (None, Some(b)) => learner.home_university = Some(b),
        _ => {}
    }
    record.results.push(RecordedResult {
        element: row.element,
        passed: row.passed,
        completed_on: row.completed_on,
        overall_grade: row.overall_grade,
    });
    Ok(())
}

/// A UUID (version 8, name-based with SHA-256) as a URN: the same names give the same id.
pub fn stable_urn(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let mut b: [u8; 16] = hash.finalize()[..16].try_into().unwrap_or([0; 16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The issuer profiles of every body that may award, each with its key (given in that order).
fn issuers(
    spec: &ResolvedSpecification,
    rule: &AwardRule,
    alliance: Option<&Alliance>,
    keys: &[IssuerKey],
) -> Result<Vec<(AwardingBody, IssuerProfile)>, IssueError> {
    let bodies = rule.possible_awarding_bodies();
    if bodies.len() != keys.len() {
        let names: Vec<String> = bodies
            .iter()
            .map(|b| match b {
                AwardingBody::University(id) => id.to_string(),
                AwardingBody::Alliance => "the alliance".into(),
            })
            .collect();
        return Err(IssueError::KeyCount {
            bodies: names.join(", "),
            policy: spec
                .specification
                .awarding
                .as_ref()
                .map(|a| a.rule.name().to_owned())
                .unwrap_or_default(),
            expected: bodies.len(),
            given: keys.len(),
        });
    }
    bodies
        .iter()
        .zip(keys)
        .map(|(body, key)| {
            let extras = ProfileExtras {
                id: key.controller.clone(),
                image: None,
                alliance_url: None,
            };
            Ok((
                body.clone(),
                issuer_profile(body, &spec.catalogue, alliance, extras)?,
            ))
        })
        .collect()
}

/// Writes a file whole or not at all: to a temporary name, then renamed into place.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), IssueError> {
    let failed = |error| IssueError::Write {
        path: path.display().to_string(),
        error,
    };
    let temporary = path.with_extension("partial");
    let mut file = std::fs::File::create(&temporary).map_err(failed)?;
    file.write_all(bytes).map_err(failed)?;
    file.sync_all().map_err(failed)?;
    std::fs::rename(&temporary, path).map_err(failed)
}

/// Issues a signed Open Badges 3.0 credential to every eligible learner in `results`, writing
/// one file per credential and `report.json` into `out`. `progress(done, total)` is called as
/// learners are processed.
pub fn issue_from_results(
    spec: &ResolvedSpecification,
    alliance: Option<&Alliance>,
    results: impl Iterator<Item = Result<ResultRow, RowProblem>>,
    keys: &[IssuerKey],
    options: &IssueOptions,
    out: &Path,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<IssueReport, IssueError> {
    let rule = AwardRule::new(&spec.specification, &spec.catalogue)?;
    let issuers = issuers(spec, &rule, alliance, keys)?;
    let specification = &spec.specification;
    let mut report = IssueReport {
        specification: specification.id.to_string(),
        ..IssueReport::default()
    };
    let mut records: BTreeMap<String, LearnerRecord> = BTreeMap::new();
    for row in results {
        match row {
            Ok(row) => {
                if let Err(problem) = merge(&mut records, row, spec) {
                    report.bad_rows.push(problem);
                }
            }
            Err(problem) => report.bad_rows.push(problem),
        }
    }
    std::fs::create_dir_all(out).map_err(|error| IssueError::Write {
        path: out.display().to_string(),
        error,
    })?;
    let achievement_id = match &options.base_url {
        Some(base) => format!(
            "{}/specifications/{}",
            base.trim_end_matches('/'),
            specification.id
        ),
        None => stable_urn(&["specification", specification.id.as_str()]),
    };
    let total = records.len();
    let edc = options
        .formats
        .edc()
        .then(|| crate::edc::edc_format(options.template.clone(), None));
    for (done, (learner_key, record)) in records.into_iter().enumerate() {
        progress(done, total);
        let award = match rule.decide(record.learner, &record.results) {
            Ok(award) => award,
            Err(not) => {
                report.not_eligible.push(NotEligible {
                    learner: learner_key,
                    missing: not.missing(),
                    reason: not.to_string(),
                });
                continue;
            }
        };
        // The awarding bodies' profiles and keys, in the order they sign.
        let (profiles, signing): (Vec<IssuerProfile>, Vec<IssuerKey>) = award
            .awarding_bodies
            .iter()
            .filter_map(|body| {
                let at = issuers.iter().position(|(b, _)| b == body)?;
                Some((issuers[at].1.clone(), keys[at].clone()))
            })
            .unzip();
        if profiles.is_empty() {
            continue;
        }
        let credential_id = stable_urn(&[
            "credential",
            specification.id.as_str(),
            &learner_key,
            &profiles[0].id,
        ]);
        // Offline issuing makes its documents through the same formats as the platform.
        let awarded = AwardedMicroCredential {
            specification,
            catalogue: &spec.catalogue,
            award: &award,
            issuer: &profiles[0],
            awarding_bodies: &profiles,
            alliance,
            credential_id: &credential_id,
            achievement_id: &achievement_id,
            specification_version: None,
            status: &[],
            valid_until: None,
            components: &[],
            grading_scheme: None,
            grade_distribution: None,
        };
        let stem = credential_id.trim_start_matches("urn:uuid:").to_owned();
        let mut files = Vec::new();
        if options.formats.open_badges() {
            let format = OpenBadgesDataIntegrity {
                cryptosuite: options.suite,
            };
            let signed = format.sign(&format.unsigned(&awarded)?, &signing, options.now)?;
            let file = out.join(format!("{stem}.json"));
            write_atomically(
                &file,
                &serde_json::to_vec_pretty(&signed).unwrap_or_default(),
            )?;
            files.push(file);
        }
        let mut edc_file = None;
        if let Some(format) = &edc {
            let sealed = format.sign(&format.unsigned(&awarded)?, &signing, options.now)?;
            let file = out.join(format!("{stem}.edc.json"));
            // The seal covers the payload's bytes: written as they are, never re-indented.
            write_atomically(&file, &serde_json::to_vec(&sealed).unwrap_or_default())?;
            files.push(file.clone());
            edc_file = Some(file);
        }
        let file = files.into_iter().next().unwrap_or_default();
        report.issued.push(IssuedCredential {
            learner: learner_key,
            credential_id,
            date_of_issuing: award
                .date_of_issuing
                .map(|d| d.to_string())
                .unwrap_or_default(),
            file,
            edc_file,
        });
    }
    progress(total, total);
    let text = serde_json::to_vec_pretty(&report).unwrap_or_default();
    write_atomically(&out.join("report.json"), &text)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::stable_urn;

    #[test]
    fn stable_urns_are_version_8_uuids_and_repeat() {
        let a = stable_urn(&["credential", "spec", "s1", "did:key:z6Mk"]);
        assert_eq!(a, stable_urn(&["credential", "spec", "s1", "did:key:z6Mk"]));
        assert_ne!(a, stable_urn(&["credential", "spec", "s2", "did:key:z6Mk"]));
        // Parts are separated, so ("ab", "c") and ("a", "bc") differ.
        assert_ne!(stable_urn(&["ab", "c"]), stable_urn(&["a", "bc"]));
        let uuid = a.trim_start_matches("urn:uuid:");
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "8");
    }
}
