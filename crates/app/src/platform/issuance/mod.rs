//! Issuing micro-credentials, and revoking, suspending and correcting them.
//!
//! Who is awarded, on which day, by whom and with which grade is the model's [`AwardRule`]
//! (ENHANCE §7.4, §7.5, §7.14), as in offline issuing; each awarding body signs. Issuing is
//! idempotent: learners already holding a current credential are skipped, and issuing for one
//! specification is serialized, so two requests at once never make two credentials. Each
//! credential gets a revocation and a suspension entry, chosen at random in its issuer's lists.

mod lifecycle;
mod runs;
mod status_lists;

pub use lifecycle::{CredentialQuery, Transition, TransitionRule};

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use microcred_credentials::datetime::DateTime;
use microcred_credentials::formats::CredentialFormat;
use microcred_credentials::key_file::IssuerKey;
use microcred_credentials::open_badges::{
    AwardedMicroCredential, ComponentEvidence, IssuerProfile,
};
use microcred_credentials::status_list::StatusPurpose;
use microcred_model::CredentialState;
use microcred_model::UniversityId;
use microcred_model::grade_conversion::{
    DEFAULT_MIN_TABLE_SIZE, GradeDistribution, reference_table,
};
use microcred_model::grading::GradingScheme;
use microcred_model::stacking::{StackProgress, Stacking};
use microcred_model::{Award, AwardRule, AwardingBody, Catalogue, RecordedResult};
use microcred_store::accounts::Account;
use microcred_store::credentials::{self, CredentialDocument, CredentialRecord};
use microcred_store::results::{self, ResultRecord};
use microcred_store::specifications::{self, VersionRecord};
use microcred_store::{Connection, Tx, audit, catalogue, learners, new_id, now, universities};

use super::alliance::ALLIANCE;
use super::authz::{self, Action};
use super::grading::university_grading;
use super::learners::ANALYZE_AFTER;
use super::stacking::{self, VersionCredits, held_components};
use super::{Platform, PlatformError, Result};
use crate::awarding::{ProfileExtras, issuer_profile};

/// Learners issued to per transaction.
pub const ISSUE_BATCH: usize = 500;

#[derive(Clone, Debug, Serialize)]
/// A credential issued.
pub struct Issued {
    /// The learner.
    pub learner: String,
    /// The credential's id.
    pub credential: String,
}

#[derive(Clone, Debug, Serialize)]
/// A learner not awarded, and why.
pub struct NotEligible {
    /// The learner.
    pub learner: String,
    /// Course elements without a passed result.
    pub missing: Vec<String>,
    /// Why, in a sentence.
    pub reason: String,
}

/// Learners listed per kind in an outcome: the counts are exact, the lists stop here, so that
/// issuing to 100,000 learners keeps its memory flat (list the credentials page by page).
pub const LISTED_AT_MOST: usize = 1_000;

/// What an issuance did, learner by learner (the first `LISTED_AT_MOST` of each kind).
#[derive(Clone, Debug, Default, Serialize)]
pub struct IssueOutcome {
    /// The specification issued.
    pub specification: String,
    /// Its published version.
    pub version: i64,
    /// Credentials issued.
    pub issued_count: u64,
    /// Learners who already held one.
    pub already_held_count: u64,
    /// Learners not awarded.
    pub not_eligible_count: u64,
    /// The credentials issued (the first ones).
    pub issued: Vec<Issued>,
    /// Learners who already hold a current credential for it (issuing twice issues once).
    pub already_held: Vec<String>,
    /// The learners not awarded (the first ones).
    pub not_eligible: Vec<NotEligible>,
    /// Stacked credentials awarded as a consequence: a learner's new credential completed
    /// the rule of a stacked specification (the first ones).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stacked: Vec<StackedIssued>,
    /// False when a list was cut at `LISTED_AT_MOST`.
    pub complete: bool,
    /// Every learner issued to (not only the listed ones): whose stacked progress changed.
    #[serde(skip)]
    pub(crate) awarded: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
/// A stacked credential awarded because a component completed its rule.
pub struct StackedIssued {
    /// The stacked specification.
    pub specification: String,
    /// The learner.
    pub learner: String,
    /// The credential.
    pub credential: String,
}

impl IssueOutcome {
    fn new(specification: &str, version: i64) -> IssueOutcome {
        IssueOutcome {
            specification: specification.to_owned(),
            version,
            complete: true,
            ..IssueOutcome::default()
        }
    }

    fn add_issued(&mut self, issued: Issued) {
        self.issued_count += 1;
        self.awarded.push(issued.learner.clone());
        listed(&mut self.issued, issued, &mut self.complete);
    }

    fn add_already_held(&mut self, learner: String) {
        self.already_held_count += 1;
        listed(&mut self.already_held, learner, &mut self.complete);
    }

    fn add_not_eligible(&mut self, learner: NotEligible) {
        self.not_eligible_count += 1;
        listed(&mut self.not_eligible, learner, &mut self.complete);
    }
}

fn listed<T>(list: &mut Vec<T>, item: T, complete: &mut bool) {
    if list.len() < LISTED_AT_MOST {
        list.push(item);
    } else {
        *complete = false;
    }
}

/// Everything the credentials of one specification version need, gathered once.
struct Issuing {
    version: VersionRecord,
    catalogue: Catalogue,
    rule: AwardRule,
    /// Each body this actor issues for: its owner name (university id or `alliance`), profile
    /// and key. Every awarding body, or, where the learner's home university awards, those of
    /// the actor's universities.
    bodies: Vec<IssuingBody>,
    alliance: Option<microcred_model::Alliance>,
    elements: Vec<String>,
    /// A stacked specification's rule (then it has no course elements).
    stacking: Option<Stacking>,
    /// The grading scheme (and distribution table for the specification's field and cycle) of
    /// each university that may grade its awards, where it registered one.
    grading: HashMap<UniversityId, CredentialGrading>,
}

/// What a credential states with its grade: the scheme, and the table it stands in.
struct CredentialGrading {
    scheme: GradingScheme,
    distribution: Option<GradeDistribution>,
}

/// The schemes of the universities that may grade `spec`'s awards: its possible awarding
/// universities and its lead (who grades for the alliance).
async fn graders(
    c: &mut Connection,
    spec: &microcred_model::Specification,
    rule: &AwardRule,
) -> Result<HashMap<UniversityId, CredentialGrading>> {
    let mut universities: Vec<UniversityId> = rule
        .possible_awarding_bodies()
        .iter()
        .filter_map(|b| match b {
            AwardingBody::University(id) => Some(id.clone()),
            AwardingBody::Alliance => None,
        })
        .collect();
    universities.extend(spec.awarding.as_ref().and_then(|a| a.lead.clone()));
    let named = spec.grading.as_ref().map(|g| g.scheme.as_str());
    let mut graders = HashMap::new();
    for university in universities {
        if graders.contains_key(&university) {
            continue;
        }
        let Some(grading) = university_grading(c, university.as_str(), named).await? else {
            continue;
        };
        let distribution = reference_table(
            university.as_str(),
            &grading.tables,
            spec.further_information.isced_f.as_ref(),
            spec.level.qf_ehea_cycle,
            DEFAULT_MIN_TABLE_SIZE,
        )
        .ok()
        .map(|choice| choice.table.distribution.clone());
        graders.insert(
            university,
            CredentialGrading {
                scheme: grading.scheme,
                distribution,
            },
        );
    }
    Ok(graders)
}

/// A learner's id and the award decided for them, with a stacked award's evaluation and the
/// evidence of its components.
type LearnerAward = (String, Award, Option<StackedOutcome>);

struct StackedOutcome {
    progress: StackProgress,
    evidence: Vec<ComponentEvidence>,
}

struct IssuingBody {
    body: AwardingBody,
    owner: String,
    profile: IssuerProfile,
    key: IssuerKey,
}

impl Issuing {
    fn body(&self, body: &AwardingBody) -> Option<&IssuingBody> {
        self.bodies.iter().find(|b| &b.body == body)
    }
}

fn subject(credential: &str) -> String {
    format!("credential:{credential}")
}

/// How a published version is awarded (ENHANCE §7.4, §7.5, §7.14).
pub(super) fn award_rule_of(version: &VersionRecord, catalogue: &Catalogue) -> Result<AwardRule> {
    AwardRule::new(&version.specification, catalogue).map_err(|e| {
        PlatformError::Conflict(format!(
            "the awarding bodies of `{}` cannot be determined: {e}",
            version.specification_id
        ))
    })
}

/// Who owns an awarding body's key: its university's id, or `alliance`.
fn key_owner(body: &AwardingBody) -> String {
    match body {
        AwardingBody::University(id) => id.to_string(),
        AwardingBody::Alliance => ALLIANCE.to_owned(),
    }
}

/// Whether `actor` may issue for these awarding bodies (see [`Action::Issue`]).
pub(super) fn may_issue(actor: &Account, bodies: &[AwardingBody]) -> Result<()> {
    let owners: Vec<String> = bodies.iter().map(key_owner).collect();
    authz::may(actor, Action::Issue { awarding: &owners })
}

impl Platform {
    /// The published specifications `actor` may issue (see [`Platform::issue`]).
    pub async fn issuable_specifications(
        &self,
        actor: &Account,
    ) -> Result<Vec<crate::platform::views::SpecificationVersionView>> {
        authz::may(actor, Action::ImportResults)?;
        let mut c = self.store.connection().await?;
        let published = specifications::catalogue(&mut c).await?;
        let catalogue = catalogue::catalogue(&mut c).await?;
        Ok(published
            .into_iter()
            .filter(|v| {
                award_rule_of(v, &catalogue)
                    .is_ok_and(|r| may_issue(actor, r.possible_awarding_bodies()).is_ok())
            })
            .map(Into::into)
            .collect())
    }

    async fn prepare_issuing(
        &self,
        c: &mut Connection,
        actor: &Account,
        specification: &str,
    ) -> Result<Issuing> {
        if specifications::latest(c, specification).await?.is_none() {
            return Err(PlatformError::NotFound(format!(
                "specification `{specification}`"
            )));
        }
        let version = specifications::published(c, specification)
            .await?
            .ok_or_else(|| {
                PlatformError::Conflict(format!(
                    "`{specification}` has no published version: the board must approve it first"
                ))
            })?;
        let catalogue = catalogue::catalogue(c).await?;
        let rule = award_rule_of(&version, &catalogue)?;
        may_issue(actor, rule.possible_awarding_bodies())?;
        // Every awarding body signs; where the home university awards, each of the actor's
        // universities issues to its own students.
        let bodies: Vec<&AwardingBody> = rule
            .possible_awarding_bodies()
            .iter()
            .filter(|b| {
                !rule.awarded_by_home_university() || may_issue(actor, &[(*b).clone()]).is_ok()
            })
            .collect();
        let alliance = universities::alliance(c).await?;
        let logos = universities::owners_with_logos(c).await?;
        let mut prepared = Vec::new();
        for body in bodies {
            let owner = key_owner(body);
            let key = self.signing_key(c, &owner).await?;
            if let AwardingBody::University(id) = body
                && catalogue.university(id).is_none()
            {
                return Err(PlatformError::NotFound(format!("university `{owner}`")));
            }
            let extras = ProfileExtras {
                id: key.controller.clone(),
                image: logos.contains(&owner).then(|| self.config.logo_url(&owner)),
                alliance_url: Some(self.config.base().to_owned()),
            };
            let profile = issuer_profile(
                body,
                &catalogue,
                alliance.as_ref().map(|a| &a.alliance),
                extras,
            )
            .map_err(|_| {
                PlatformError::Conflict(
                    "the alliance awards this specification, but is not set up".into(),
                )
            })?;
            prepared.push(IssuingBody {
                body: body.clone(),
                owner,
                profile,
                key,
            });
        }
        let elements = rule.elements().iter().map(ToString::to_string).collect();
        let stacking = version.specification.stacking.clone();
        let grading = graders(c, &version.specification, &rule).await?;
        Ok(Issuing {
            grading,
            version,
            catalogue,
            rule,
            bodies: prepared,
            alliance: alliance.map(|a| a.alliance),
            elements,
            stacking,
        })
    }

    /// Issues the specification's credential to `learners`, or to every eligible learner.
    /// `progress(done, total)` follows the work (total is unknown, 0, when issuing to all).
    /// The stacked credentials these new credentials complete are awarded too
    /// ([`Platform::award_stacked`]).
    pub async fn issue(
        &self,
        actor: &Account,
        specification: &str,
        learners: Option<Vec<String>>,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<IssueOutcome> {
        let mut outcome = self
            .issue_only(actor, specification, learners, progress)
            .await?;
        let awarded = std::mem::take(&mut outcome.awarded);
        let component = stacking::Completed::Specification(specification.to_owned());
        outcome.stacked = self.award_stacked(&component, &awarded).await;
        Ok(outcome)
    }

    /// [`Platform::issue`] without awarding the stacked credentials it completes.
    pub(super) async fn issue_only(
        &self,
        actor: &Account,
        specification: &str,
        learners: Option<Vec<String>>,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<IssueOutcome> {
        let issuing = {
            let mut c = self.store.connection().await?;
            self.prepare_issuing(&mut c, actor, specification).await?
        };
        let mut outcome = IssueOutcome::new(specification, issuing.version.version);
        match learners {
            Some(ids) => {
                let total = ids.len() as u64;
                for (n, chunk) in ids.chunks(ISSUE_BATCH).enumerate() {
                    self.reverify_before_issuing(&issuing, chunk).await?;
                    let mut tx = self.store.begin().await?;
                    self.store
                        .lock(&mut tx, &format!("issue:{specification}"))
                        .await?;
                    self.issue_batch(&mut tx, actor, &issuing, chunk, false, None, &mut outcome)
                        .await?;
                    microcred_store::commit(tx).await?;
                    progress(((n + 1) * ISSUE_BATCH).min(ids.len()) as u64, total);
                }
            }
            None => {
                let mut after = String::new();
                let mut done = 0u64;
                let mut next_analyze = ANALYZE_AFTER;
                loop {
                    let page = {
                        let mut c = self.store.connection().await?;
                        match &issuing.stacking {
                            Some(stacking) => {
                                let specs: Vec<String> =
                                    stacking.specifications().map(ToString::to_string).collect();
                                microcred_store::stacking::learners_with_components(
                                    &mut c,
                                    &specs,
                                    &after,
                                    ISSUE_BATCH as i64,
                                )
                                .await?
                            }
                            None => {
                                results::learners_who_passed_all(
                                    &mut c,
                                    &issuing.elements,
                                    &after,
                                    ISSUE_BATCH as i64,
                                )
                                .await?
                            }
                        }
                    };
                    let Some(last) = page.last().cloned() else {
                        break;
                    };
                    self.reverify_before_issuing(&issuing, &page).await?;
                    let mut tx = self.store.begin().await?;
                    self.store
                        .lock(&mut tx, &format!("issue:{specification}"))
                        .await?;
                    self.issue_batch(&mut tx, actor, &issuing, &page, true, None, &mut outcome)
                        .await?;
                    microcred_store::commit(tx).await?;
                    done += page.len() as u64;
                    if outcome.issued_count >= next_analyze {
                        self.store.analyze().await?;
                        next_analyze *= 2;
                    }
                    progress(done, 0);
                    after = last;
                }
            }
        }
        if outcome.issued_count >= ANALYZE_AFTER {
            self.store.analyze().await?;
        }
        Ok(outcome)
    }

    /// For a stacked specification: `learners`' external credentials verified again before
    /// they count, outside any transaction (a status list may be fetched over the network).
    async fn reverify_before_issuing(&self, issuing: &Issuing, learners: &[String]) -> Result<()> {
        if issuing.stacking.is_some() {
            let mut c = self.store.connection().await?;
            self.reverify_externals(&mut c, learners).await?;
        }
        Ok(())
    }

    /// Issues to one batch of learners inside `tx` (which holds the specification's lock).
    /// `canonical`: the ids come from stored results, so none is a merged record.
    /// `replaces`: the credential a correction replaces (then the batch is its one learner).
    #[allow(clippy::too_many_arguments)]
    async fn issue_batch(
        &self,
        tx: &mut Tx,
        actor: &Account,
        issuing: &Issuing,
        learner_ids: &[String],
        canonical: bool,
        replaces: Option<&str>,
        outcome: &mut IssueOutcome,
    ) -> Result<()> {
        let specification_id = issuing.version.specification_id.as_str();
        // Merged records lead to the learner they were merged into.
        let mut ids = Vec::with_capacity(learner_ids.len());
        if canonical {
            ids = learner_ids.to_vec();
        }
        for id in learner_ids.iter().filter(|_| !canonical) {
            match learners::get(tx, id).await? {
                Some(record) => {
                    if !ids.contains(&record.id) {
                        ids.push(record.id);
                    }
                }
                None => outcome.add_not_eligible(NotEligible {
                    learner: id.clone(),
                    missing: vec!["(no such learner)".into()],
                    reason: "no such learner".into(),
                }),
            }
        }
        let rows = match issuing.stacking {
            Some(_) => Vec::new(),
            None => results::of_learners(tx, &ids, &issuing.elements).await?,
        };
        let mut by_learner: HashMap<&str, Vec<RecordedResult>> = HashMap::new();
        for row in &rows {
            // Stored results were checked when recorded: a row that no longer reads is skipped.
            if let Some(result) = recorded(row) {
                by_learner
                    .entry(row.learner_id.as_str())
                    .or_default()
                    .push(result);
            }
        }
        let held: HashSet<String> = credentials::holders(tx, specification_id, &ids)
            .await?
            .into_iter()
            .collect();
        let candidates: Vec<String> = ids
            .iter()
            .filter(|id| !held.contains(*id))
            .cloned()
            .collect();
        let mut held_components = match &issuing.stacking {
            Some(_) => {
                // External credentials were verified again before the transaction began.
                held_components(
                    tx,
                    &candidates,
                    &issuing.version.specification,
                    &mut VersionCredits::default(),
                )
                .await?
            }
            None => HashMap::new(),
        };
        let today = stacking::today();
        let mut learner_records: HashMap<String, microcred_model::Learner> =
            learners::get_many(tx, &candidates)
                .await?
                .into_iter()
                .map(|r| (r.id, r.learner))
                .collect();
        // Awards by who awards them: each group shares its issuer's status lists and keys.
        let mut groups: Vec<(Vec<AwardingBody>, Vec<LearnerAward>)> = Vec::new();
        for id in &ids {
            if held.contains(id) {
                outcome.add_already_held(id.clone());
                continue;
            }
            let learner = learner_records
                .remove(id)
                .ok_or_else(|| PlatformError::Internal(format!("learner {id} vanished")))?;
            let results = by_learner.remove(id.as_str()).unwrap_or_default();
            let (decided, progress) = match &issuing.stacking {
                Some(stacking) => {
                    let held = held_components.remove(id.as_str()).unwrap_or_default();
                    let progress = stacking.evaluate(&held, today);
                    (
                        issuing.rule.decide_stacked(learner, &progress),
                        Some(progress),
                    )
                }
                None => (
                    issuing.rule.decide(learner, &results).and_then(|award| {
                        let scheme = issuing
                            .rule
                            .graded_by(&award)
                            .and_then(|u| issuing.grading.get(&u))
                            .map(|g| &g.scheme);
                        issuing.rule.grade_in_scheme(award, scheme)
                    }),
                    None,
                ),
            };
            let award = match decided {
                Ok(award) => award,
                Err(not) => {
                    outcome.add_not_eligible(NotEligible {
                        learner: id.clone(),
                        missing: not.missing(),
                        reason: not.to_string(),
                    });
                    continue;
                }
            };
            if let Some(other) = award
                .awarding_bodies
                .iter()
                .find(|b| issuing.body(b).is_none())
            {
                // The learner's home university is not one this actor issues for.
                outcome.add_not_eligible(NotEligible {
                    learner: id.clone(),
                    missing: Vec::new(),
                    reason: format!(
                        "awarded by the learner's home university `{}`: its registrar issues it",
                        key_owner(other)
                    ),
                });
                continue;
            }
            let stacked = match progress {
                Some(progress) => Some(StackedOutcome {
                    evidence: match &issuing.stacking {
                        Some(stacking) => self.component_evidence(tx, stacking, &progress).await?,
                        None => Vec::new(),
                    },
                    progress,
                }),
                None => None,
            };
            let entry = (id.clone(), award, stacked);
            match groups
                .iter_mut()
                .find(|(bodies, _)| *bodies == entry.1.awarding_bodies)
            {
                Some((_, awards)) => awards.push(entry),
                None => groups.push((entry.1.awarding_bodies.clone(), vec![entry])),
            }
        }
        for (bodies, awards) in groups {
            let signers: Vec<&IssuingBody> =
                bodies.iter().filter_map(|b| issuing.body(b)).collect();
            self.issue_group(tx, actor, issuing, &signers, awards, replaces, outcome)
                .await?;
        }
        Ok(())
    }

    /// Issues the awards of learners awarded by the same bodies (`signers`, issuer first).
    #[allow(clippy::too_many_arguments)]
    async fn issue_group(
        &self,
        tx: &mut Tx,
        actor: &Account,
        issuing: &Issuing,
        signers: &[&IssuingBody],
        awards: Vec<LearnerAward>,
        replaces: Option<&str>,
        outcome: &mut IssueOutcome,
    ) -> Result<()> {
        let specification_id = issuing.version.specification_id.as_str();
        let Some(issuer) = signers.first() else {
            return Err(PlatformError::Internal(format!(
                "`{specification_id}` has no awarding body to sign"
            )));
        };
        let issuer_owner = &issuer.owner;
        let credential_ids: Vec<String> = awards
            .iter()
            .map(|_| format!("urn:uuid:{}", new_id()))
            .collect();
        let revocation = self
            .allocate(tx, issuer_owner, StatusPurpose::Revocation, &credential_ids)
            .await?;
        let suspension = if self.config.suspension {
            self.allocate(tx, issuer_owner, StatusPurpose::Suspension, &credential_ids)
                .await?
        } else {
            Vec::new()
        };
        let profiles: Vec<IssuerProfile> = signers.iter().map(|b| b.profile.clone()).collect();
        let achievement = self
            .config
            .achievement_url(specification_id, issuing.version.version);
        let version_text = issuing.version.version.to_string();
        let keys: Vec<IssuerKey> = signers.iter().map(|b| b.key.clone()).collect();
        // One document per format for each award, built here, signed on worker threads; a
        // format these signers cannot sign in (a Europass EDC without an e-seal) is left out.
        let formats: Arc<Vec<Arc<dyn CredentialFormat>>> = Arc::new(
            self.formats
                .iter()
                .filter(|format| format.can_sign_with(&keys))
                .cloned()
                .collect(),
        );
        let mut unsigned = Vec::with_capacity(awards.len() * formats.len());
        for (i, (_, award, stacked)) in awards.iter().enumerate() {
            let grading = issuing
                .rule
                .graded_by(award)
                .and_then(|u| issuing.grading.get(&u));
            let mut status = vec![revocation[i].clone()];
            status.extend(suspension.get(i).cloned());
            let awarded = AwardedMicroCredential {
                specification: &issuing.version.specification,
                catalogue: &issuing.catalogue,
                award,
                issuer: &profiles[0],
                awarding_bodies: &profiles,
                alliance: issuing.alliance.as_ref(),
                credential_id: &credential_ids[i],
                achievement_id: &achievement,
                specification_version: Some(&version_text),
                status: &status,
                valid_until: None,
                components: stacked.as_ref().map_or(&[], |s| s.evidence.as_slice()),
                grading_scheme: grading.map(|g| &g.scheme),
                grade_distribution: grading.and_then(|g| g.distribution.as_ref()),
            };
            for format in formats.iter() {
                unsigned.push(
                    format
                        .unsigned(&awarded)
                        .map_err(|e| PlatformError::Conflict(e.to_string()))?,
                );
            }
        }
        let mut signed = sign_in_parallel(unsigned, formats.clone(), keys)
            .await?
            .into_iter();
        let at = now();
        let mut records = Vec::with_capacity(awards.len());
        for ((learner_id, award, _), id) in awards.iter().zip(&credential_ids) {
            let mut documents = formats.iter().map(|format| CredentialDocument {
                format: format.name().to_owned(),
                document: signed.next().unwrap_or_default(),
            });
            let Some(leading) = documents.next() else {
                return Err(PlatformError::Internal("no credential format".into()));
            };
            records.push(CredentialRecord {
                id: id.clone(),
                specification_id: specification_id.to_owned(),
                version: issuing.version.version,
                learner_id: learner_id.clone(),
                issuer: issuer_owner.clone(),
                state: CredentialState::Active,
                current: true,
                format: leading.format,
                document: leading.document,
                alternatives: documents.collect(),
                date_of_issuing: award
                    .date_of_issuing
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                issued_at: at,
                replaces: replaces.map(str::to_owned),
                reason: String::new(),
                changed_at: at,
                grade: award.grade.clone(),
            });
        }
        credentials::insert_many(tx, &records).await?;
        for ((learner_id, _, stacked), id) in awards.iter().zip(&credential_ids) {
            if let Some(stacked) = stacked {
                let trace = serde_json::to_string(&stacked.progress)
                    .map_err(|e| PlatformError::Internal(format!("a trace: {e}")))?;
                let counted: Vec<String> = stacked.progress.counted().map(str::to_owned).collect();
                microcred_store::stacking::insert_stacked(
                    tx,
                    id,
                    specification_id,
                    learner_id,
                    &trace,
                    &counted,
                )
                .await?;
            }
        }
        let entries: Vec<(String, Value)> = records
            .iter()
            .map(|r| {
                (
                    subject(&r.id),
                    serde_json::json!({ "specification": specification_id, "version": r.version, "learner": r.learner_id, "replaces": r.replaces }),
                )
            })
            .collect();
        audit::append_many(tx, &actor.id, "credential.issued", &entries).await?;
        for r in &records {
            outcome.add_issued(Issued {
                learner: r.learner_id.clone(),
                credential: r.id.clone(),
            });
        }
        Ok(())
    }
}

/// A stored result as the award rule reads it.
fn recorded(row: &ResultRecord) -> Option<RecordedResult> {
    Some(RecordedResult {
        element: row.element_id.parse().ok()?,
        passed: row.passed,
        completed_on: row.completed_on.parse().ok()?,
        overall_grade: row.overall_grade.clone(),
    })
}

/// Signs documents on every core, off the async workers: `unsigned` holds one document per
/// format for each credential, in the order of `formats`.
async fn sign_in_parallel(
    unsigned: Vec<Value>,
    formats: Arc<Vec<Arc<dyn CredentialFormat>>>,
    keys: Vec<IssuerKey>,
) -> Result<Vec<Value>> {
    tokio::task::spawn_blocking(move || {
        let now = DateTime::now();
        let per_credential = formats.len().max(1);
        let credentials = unsigned.len() / per_credential;
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(credentials.max(1));
        // Whole credentials per thread, so each document meets its format.
        let chunk = credentials.div_ceil(threads).max(1) * per_credential;
        std::thread::scope(|scope| {
            let handles: Vec<_> = unsigned
                .chunks(chunk)
                .map(|part| {
                    let (keys, formats) = (&keys, &formats);
                    scope.spawn(move || {
                        part.iter()
                            .zip(formats.iter().cycle())
                            .map(|(document, format)| format.sign(document, keys, now))
                            .collect::<std::result::Result<Vec<_>, _>>()
                    })
                })
                .collect();
            let mut out = Vec::new();
            for handle in handles {
                let part = handle
                    .join()
                    .map_err(|_| PlatformError::Internal("a signing thread failed".into()))?
                    .map_err(|e| PlatformError::Internal(format!("signing: {e}")))?;
                out.extend(part);
            }
            Ok(out)
        })
    })
    .await
    .map_err(|e| PlatformError::Internal(format!("signing: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outcome_counts_every_learner_and_lists_the_first_thousand() {
        let mut outcome = IssueOutcome::new("spec", 1);
        for i in 0..LISTED_AT_MOST + 5 {
            outcome.add_issued(Issued {
                learner: format!("l{i}"),
                credential: format!("c{i}"),
            });
        }
        outcome.add_already_held("h".into());
        assert_eq!(outcome.issued_count, LISTED_AT_MOST as u64 + 5);
        assert_eq!(outcome.issued.len(), LISTED_AT_MOST);
        assert_eq!(outcome.issued[0].learner, "l0");
        assert_eq!(
            (outcome.already_held_count, outcome.already_held.len()),
            (1, 1)
        );
        assert!(!outcome.complete);
        assert!(IssueOutcome::new("spec", 1).complete);
    }
}
