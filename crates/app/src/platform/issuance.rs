//! Issuing micro-credentials, and revoking, suspending and correcting them.
//!
//! A learner is eligible when every course element of the published specification has a passed
//! result; the date of issuing is the day the last requirement was met (ENHANCE §7.5); the
//! awarding bodies follow the specification's policy (§7.4), each signing. Issuing is
//! idempotent: learners already holding a current credential are skipped, and issuing for one
//! specification is serialized, so two requests at once never make two credentials. Each
//! credential gets a revocation and a suspension entry, chosen at random in its issuer's lists.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde_json::Value;

use microcred_credentials::data_integrity::{Cryptosuite, ProofOptions, add_proof};
use microcred_credentials::datetime::DateTime;
use microcred_credentials::key_file::IssuerKey;
use microcred_credentials::open_badges::{
    AwardedMicroCredential, IssuerProfile, open_badge_credential,
};
use microcred_credentials::status_list::{
    Bitstring, MIN_ENTRIES, StatusPurpose, random_free_index, status_entry, status_list_credential,
};
use microcred_model::{Award, AwardingBody, Catalogue, Date, awarding_bodies};
use microcred_store::accounts::Account;
use microcred_store::credentials::{self, CredentialRecord, CredentialState, Filter};
use microcred_store::issuing_runs::{self, IssuingRun};
use microcred_store::results::{self, ResultRecord};
use microcred_store::specifications::{self, VersionRecord};
use microcred_store::status::{self, StatusListRecord};
use microcred_store::{Connection, Tx, audit, catalogue, learners, new_id, now, universities};

use super::alliance::ALLIANCE;
use super::authz::{self, Action, CredentialScope};
use super::learners::ANALYZE_AFTER;
use super::{Platform, PlatformError, Problem, Result};
use crate::issue::sign;

/// Learners issued to per transaction.
pub const ISSUE_BATCH: usize = 500;

#[derive(Clone, Debug, Serialize)]
pub struct Issued {
    pub learner: String,
    pub credential: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct NotEligible {
    pub learner: String,
    /// Course elements without a passed result.
    pub missing: Vec<String>,
}

/// Learners listed per kind in an outcome: the counts are exact, the lists stop here, so that
/// issuing to 100,000 learners keeps its memory flat (list the credentials page by page).
pub const LISTED_AT_MOST: usize = 1_000;

/// What an issuance did, learner by learner (the first `LISTED_AT_MOST` of each kind).
#[derive(Clone, Debug, Default, Serialize)]
pub struct IssueOutcome {
    pub specification: String,
    pub version: i64,
    pub issued_count: u64,
    pub already_held_count: u64,
    pub not_eligible_count: u64,
    pub issued: Vec<Issued>,
    /// Learners who already hold a current credential for it (issuing twice issues once).
    pub already_held: Vec<String>,
    pub not_eligible: Vec<NotEligible>,
    /// False when a list was cut at `LISTED_AT_MOST`.
    pub complete: bool,
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
    /// Each awarding body: its owner name (university id or `alliance`), profile and key.
    bodies: Vec<(String, IssuerProfile, IssuerKey)>,
    alliance: Option<microcred_model::Alliance>,
    elements: Vec<String>,
    /// The university whose grading scheme the grade is in (ENHANCE §7.14: the awarding
    /// university's), and the course elements it delivers: only their rows' overall grades count.
    grading_elements: HashSet<String>,
}

fn subject(credential: &str) -> String {
    format!("credential:{credential}")
}

/// A published version's awarding bodies, by its policy (ENHANCE §7.4).
fn awarding_bodies_of(version: &VersionRecord, catalogue: &Catalogue) -> Result<Vec<AwardingBody>> {
    awarding_bodies(&version.specification, catalogue).map_err(|e| {
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
fn may_issue(actor: &Account, bodies: &[AwardingBody]) -> Result<()> {
    let owners: Vec<String> = bodies.iter().map(key_owner).collect();
    authz::may(actor, Action::Issue { awarding: &owners })
}

/// How long an unfinished run may go without its heartbeat (written twice a second while it
/// runs, progress or not) before it counts as interrupted: its server stopped. Issuing again is
/// safe: learners already holding the credential are skipped.
const RUN_SILENCE_SECONDS: i64 = 30;
/// How long finished runs are kept.
const RUN_KEPT_SECONDS: i64 = 24 * 60 * 60;
/// How often a run's progress is written.
const RUN_PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

impl Platform {
    /// Starts issuing a specification to every eligible learner in the background (a web page
    /// follows it with [`Platform::issuing_run`]); the run's id. Who may issue is checked
    /// before it starts.
    pub async fn issue_in_background(
        &self,
        actor: &Account,
        specification: &str,
    ) -> Result<String> {
        {
            let mut c = self.store.connection().await?;
            self.prepare_issuing(&mut c, actor, specification).await?;
        }
        let id = new_id();
        let at = now();
        {
            let mut c = self.store.connection().await?;
            issuing_runs::start(
                &mut c,
                &id,
                &actor.id,
                specification,
                at,
                at - RUN_KEPT_SECONDS,
            )
            .await?;
        }
        let platform = self.clone();
        let (actor, specification, run) = (actor.clone(), specification.to_owned(), id.clone());
        tokio::spawn(async move {
            let counts = std::sync::Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
            let seen = counts.clone();
            let writer_platform = platform.clone();
            let writer_run = run.clone();
            // The counts are written from here, not from inside the issuing loop.
            let writer = tokio::spawn(async move {
                loop {
                    tokio::time::sleep(RUN_PROGRESS_EVERY).await;
                    let Ok(mut c) = writer_platform.store.connection().await else {
                        continue;
                    };
                    let done = seen.0.load(Ordering::Relaxed) as i64;
                    let total = seen.1.load(Ordering::Relaxed) as i64;
                    let _ = issuing_runs::progress(&mut c, &writer_run, done, total, now()).await;
                }
            });
            let outcome = platform
                .issue(&actor, &specification, None, &mut |done, total| {
                    counts.0.store(done, Ordering::Relaxed);
                    counts.1.store(total, Ordering::Relaxed);
                })
                .await;
            writer.abort();
            let finished = match outcome {
                Ok(o) => issuing_runs::Finished {
                    issued: o.issued_count as i64,
                    already_held: o.already_held_count as i64,
                    not_eligible: o.not_eligible_count as i64,
                    error: String::new(),
                },
                Err(e) => issuing_runs::Finished {
                    error: e.to_string(),
                    ..issuing_runs::Finished::default()
                },
            };
            match platform.store.connection().await {
                Ok(mut c) => {
                    if let Err(e) = issuing_runs::finish(&mut c, &run, &finished, now()).await {
                        tracing::error!("issuing run {run}: its end could not be recorded: {e}");
                    }
                }
                Err(e) => tracing::error!("issuing run {run}: its end could not be recorded: {e}"),
            }
        });
        Ok(id)
    }

    /// A run this account started. One that stopped making progress without finishing (its
    /// server went away) says so.
    pub async fn issuing_run(&self, actor: &Account, id: &str) -> Result<IssuingRun> {
        let mut c = self.store.connection().await?;
        let mut run = issuing_runs::get(&mut c, id, &actor.id)
            .await?
            .ok_or_else(|| PlatformError::NotFound(format!("issuing run {id}")))?;
        if !run.finished && now() - run.updated_at > RUN_SILENCE_SECONDS {
            run.finished = true;
            run.error = "interrupted: the server issuing it stopped. Issue again: learners who already hold the credential are skipped.".into();
        }
        Ok(run)
    }

    /// The published specifications `actor` may issue (see [`Platform::issue`]).
    pub async fn issuable_specifications(&self, actor: &Account) -> Result<Vec<VersionRecord>> {
        authz::may(actor, Action::ImportResults)?;
        let mut c = self.store.connection().await?;
        let published = specifications::catalogue(&mut c).await?;
        let catalogue = catalogue::catalogue(&mut c).await?;
        Ok(published
            .into_iter()
            .filter(|v| {
                awarding_bodies_of(v, &catalogue).is_ok_and(|b| may_issue(actor, &b).is_ok())
            })
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
        let bodies = awarding_bodies_of(&version, &catalogue)?;
        let owners: Vec<String> = bodies.iter().map(key_owner).collect();
        may_issue(actor, &bodies)?;
        let alliance = universities::alliance(c).await?;
        let logos = universities::owners_with_logos(c).await?;
        let mut prepared = Vec::new();
        for owner in owners {
            let key = self.signing_key(c, &owner).await?;
            let profile = if owner == ALLIANCE {
                let record = alliance.as_ref().ok_or_else(|| {
                    PlatformError::Conflict(
                        "the alliance awards this specification, but is not set up".into(),
                    )
                })?;
                IssuerProfile {
                    id: record.did.clone(),
                    name: record.alliance.name.en().to_owned(),
                    country: record.alliance.country,
                    url: Some(self.config.base().to_owned()),
                    image: logos.contains(&owner).then(|| self.config.logo_url(&owner)),
                }
            } else {
                let record = universities::get(c, &owner)
                    .await?
                    .ok_or_else(|| PlatformError::NotFound(format!("university `{owner}`")))?;
                IssuerProfile {
                    id: record.did.clone(),
                    name: record.university.display_name().to_owned(),
                    country: Some(record.university.country),
                    url: record.university.homepage.clone(),
                    image: logos.contains(&owner).then(|| self.config.logo_url(&owner)),
                }
            };
            prepared.push((owner, profile, key));
        }
        let elements = version
            .specification
            .elements
            .iter()
            .map(ToString::to_string)
            .collect();
        // The awarding university; for the alliance, the university that led the development.
        let grading_university = match bodies.first() {
            Some(AwardingBody::University(id)) => Some(id.clone()),
            _ => version
                .specification
                .awarding
                .as_ref()
                .and_then(|a| a.lead.clone()),
        };
        let grading_elements = version
            .specification
            .elements
            .iter()
            .filter(|e| {
                catalogue
                    .element(e)
                    .is_some_and(|e| Some(&e.university) == grading_university.as_ref())
            })
            .map(ToString::to_string)
            .collect();
        Ok(Issuing {
            version,
            catalogue,
            bodies: prepared,
            alliance: alliance.map(|a| a.alliance),
            elements,
            grading_elements,
        })
    }

    /// Issues the specification's credential to `learners`, or to every eligible learner.
    /// `progress(done, total)` follows the work (total is unknown, 0, when issuing to all).
    pub async fn issue(
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
                        results::learners_who_passed_all(
                            &mut c,
                            &issuing.elements,
                            &after,
                            ISSUE_BATCH as i64,
                        )
                        .await?
                    };
                    let Some(last) = page.last().cloned() else {
                        break;
                    };
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
                }),
            }
        }
        let rows = results::of_learners(tx, &ids, &issuing.elements).await?;
        let mut by_learner: HashMap<&str, Vec<&ResultRecord>> = HashMap::new();
        for row in &rows {
            by_learner
                .entry(row.learner_id.as_str())
                .or_default()
                .push(row);
        }
        let held: HashSet<String> = credentials::holders(tx, specification_id, &ids)
            .await?
            .into_iter()
            .collect();
        let mut eligible: Vec<(String, Date, Option<String>)> = Vec::new();
        for id in &ids {
            if held.contains(id) {
                outcome.add_already_held(id.clone());
                continue;
            }
            let learner_rows = by_learner.get(id.as_str()).cloned().unwrap_or_default();
            let mut passed: HashMap<&str, Date> = HashMap::new();
            for row in &learner_rows {
                if row.passed
                    && let Ok(day) = row.completed_on.parse::<Date>()
                {
                    let entry = passed.entry(row.element_id.as_str()).or_insert(day);
                    if day < *entry {
                        *entry = day;
                    }
                }
            }
            let missing: Vec<String> = issuing
                .elements
                .iter()
                .filter(|e| !passed.contains_key(e.as_str()))
                .cloned()
                .collect();
            if !missing.is_empty() {
                outcome.add_not_eligible(NotEligible {
                    learner: id.clone(),
                    missing,
                });
                continue;
            }
            let Some(date) = passed.values().max().copied() else {
                continue;
            };
            // The overall grade is in the awarding university's scheme: the latest one its
            // registrars recorded with its course elements.
            let grade = learner_rows
                .iter()
                .filter(|r| {
                    r.overall_grade.is_some() && issuing.grading_elements.contains(&r.element_id)
                })
                .max_by(|a, b| a.completed_on.cmp(&b.completed_on))
                .and_then(|r| r.overall_grade.clone());
            eligible.push((id.clone(), date, grade));
        }
        if eligible.is_empty() {
            return Ok(());
        }
        let learner_records: HashMap<String, microcred_model::Learner> = learners::get_many(
            tx,
            &eligible.iter().map(|e| e.0.clone()).collect::<Vec<_>>(),
        )
        .await?
        .into_iter()
        .map(|r| (r.id, r.learner))
        .collect();
        let credential_ids: Vec<String> = eligible
            .iter()
            .map(|_| format!("urn:uuid:{}", new_id()))
            .collect();
        let (issuer_owner, _, _) = &issuing.bodies[0];
        let revocation = self
            .allocate(tx, issuer_owner, StatusPurpose::Revocation, &credential_ids)
            .await?;
        let suspension = if self.config.suspension {
            self.allocate(tx, issuer_owner, StatusPurpose::Suspension, &credential_ids)
                .await?
        } else {
            Vec::new()
        };
        let profiles: Vec<IssuerProfile> =
            issuing.bodies.iter().map(|(_, p, _)| p.clone()).collect();
        let achievement = self
            .config
            .achievement_url(specification_id, issuing.version.version);
        let version_text = issuing.version.version.to_string();
        let mut unsigned = Vec::with_capacity(eligible.len());
        for (i, (learner_id, date, grade)) in eligible.iter().enumerate() {
            let learner = learner_records
                .get(learner_id)
                .cloned()
                .ok_or_else(|| PlatformError::Internal(format!("learner {learner_id} vanished")))?;
            let award = Award {
                specification: issuing.version.specification.id.clone(),
                learner,
                date_of_issuing: Some(*date),
                awarding_bodies: Vec::new(),
                grade: grade.clone(),
            };
            let mut status = vec![revocation[i].clone()];
            status.extend(suspension.get(i).cloned());
            let credential = open_badge_credential(&AwardedMicroCredential {
                specification: &issuing.version.specification,
                catalogue: &issuing.catalogue,
                award: &award,
                issuer: &profiles[0],
                awarding_bodies: &profiles,
                alliance: issuing.alliance.as_ref(),
                credential_id: &credential_ids[i],
                achievement_id: &achievement,
                specification_version: Some(&version_text),
                status: &status,
                valid_until: None,
            })
            .map_err(|e| PlatformError::Conflict(e.to_string()))?;
            unsigned.push(credential);
        }
        let keys: Vec<IssuerKey> = issuing.bodies.iter().map(|(_, _, k)| k.clone()).collect();
        let signed = sign_in_parallel(unsigned, keys).await?;
        let at = now();
        let records: Vec<CredentialRecord> = signed
            .into_iter()
            .zip(&eligible)
            .zip(&credential_ids)
            .map(|((document, (learner_id, date, _)), id)| CredentialRecord {
                id: id.clone(),
                specification_id: specification_id.to_owned(),
                version: issuing.version.version,
                learner_id: learner_id.clone(),
                issuer: issuer_owner.clone(),
                state: CredentialState::Active,
                current: true,
                document,
                date_of_issuing: date.to_string(),
                issued_at: at,
                replaces: replaces.map(str::to_owned),
                reason: String::new(),
                changed_at: at,
            })
            .collect();
        credentials::insert_many(tx, &records).await?;
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

    /// Allocates one entry per credential in `owner`'s lists for `purpose`, at random, making
    /// a new list when the current ones are full; returns the credentials' status entries.
    /// The owner's lists are locked until `tx` ends: issuing for two specifications at once
    /// must not pick the same entries.
    async fn allocate(
        &self,
        tx: &mut Tx,
        owner: &str,
        purpose: StatusPurpose,
        credentials: &[String],
    ) -> Result<Vec<Value>> {
        self.store
            .lock(tx, &format!("status:{owner}:{}", purpose.name()))
            .await?;
        let capacity = MIN_ENTRIES as i64;
        let mut entries = Vec::with_capacity(credentials.len());
        let mut remaining = credentials;
        while !remaining.is_empty() {
            let list = match status::with_room(tx, owner, purpose.name(), capacity).await? {
                Some(list) => list,
                None => self.new_status_list(tx, owner, purpose).await?,
            };
            let room = (capacity - list.used).max(0) as usize;
            let (now_part, rest) = remaining.split_at(room.min(remaining.len()));
            let mut allocated = Bitstring::decode(&list.allocated).map_err(|e| {
                PlatformError::Internal(format!("status list {} allocation: {e}", list.id))
            })?;
            let mut chosen = Vec::with_capacity(now_part.len());
            for credential in now_part {
                let index =
                    random_free_index(allocated.len(), |i| allocated.get(i).unwrap_or(true))
                        .map_err(|e| PlatformError::Internal(e.to_string()))?;
                allocated
                    .set(index, true)
                    .map_err(|e| PlatformError::Internal(e.to_string()))?;
                chosen.push((index as i64, credential.clone()));
                entries.push(status_entry(&list.url, index, purpose));
            }
            status::allocate(tx, &list.id, &chosen, &allocated.encode()).await?;
            remaining = rest;
        }
        Ok(entries)
    }

    /// A new, empty status list of `owner`, signed at once so that it can be served.
    async fn new_status_list(
        &self,
        tx: &mut Tx,
        owner: &str,
        purpose: StatusPurpose,
    ) -> Result<StatusListRecord> {
        // The random tail of an id: its head is the time, the same for lists made together.
        let id = format!("{owner}-{}-{}", purpose.name(), &new_id()[28..]);
        let url = self.config.status_list_url(&id);
        let bits = Bitstring::new(MIN_ENTRIES);
        let key = self.signing_key(tx, owner).await?;
        let signed = sign_status_list(&url, &key, purpose, &bits)?;
        let record = StatusListRecord {
            id,
            owner: owner.to_owned(),
            purpose: purpose.name().to_owned(),
            url,
            bits: bits.encode(),
            used: 0,
            allocated: bits.encode(),
            signed: Some(signed),
        };
        status::insert(tx, &record).await?;
        Ok(record)
    }

    /// Sets or clears a credential's bit in its list for `purpose`, and re-signs the list.
    /// A credential issued without an entry for `purpose` cannot change in that way.
    async fn set_status(
        &self,
        tx: &mut Tx,
        credential: &str,
        purpose: StatusPurpose,
        value: bool,
    ) -> Result<()> {
        let entries: Vec<_> = status::entries_of(tx, credential)
            .await?
            .into_iter()
            .filter(|(list, _)| list.purpose == purpose.name())
            .collect();
        if entries.is_empty() {
            return Err(PlatformError::Conflict(format!(
                "credential {credential} was issued without a {} entry, so verifiers could not \
                 see the change{}",
                purpose.name(),
                if purpose == StatusPurpose::Suspension {
                    ": revoke it instead (the alliance issues without suspension)"
                } else {
                    ""
                }
            )));
        }
        for (list, entry) in entries {
            let mut bits = Bitstring::decode(&list.bits)
                .map_err(|e| PlatformError::Internal(format!("status list {}: {e}", list.id)))?;
            bits.set(entry as usize, value)
                .map_err(|e| PlatformError::Internal(e.to_string()))?;
            let key = self.signing_key(tx, &list.owner).await?;
            let signed = sign_status_list(&list.url, &key, purpose, &bits)?;
            status::update(tx, &list.id, &bits.encode(), &signed).await?;
        }
        Ok(())
    }

    /// A credential `actor` may see (see [`Action::ReadCredential`]); someone else's is "not
    /// found": whether it exists is not for this actor to learn.
    async fn readable_credential(
        c: &mut Connection,
        actor: &Account,
        id: &str,
    ) -> Result<CredentialRecord> {
        let missing = || PlatformError::NotFound(format!("credential {id}"));
        let record = credentials::get(c, id).await?.ok_or_else(missing)?;
        let read = Action::ReadCredential {
            issuer: &record.issuer,
            learner: &record.learner_id,
        };
        if !authz::allows(actor, read) {
            return Err(missing());
        }
        Ok(record)
    }

    async fn credential_for_registrar(
        &self,
        c: &mut Connection,
        actor: &Account,
        id: &str,
    ) -> Result<CredentialRecord> {
        let record = Self::readable_credential(c, actor, id).await?;
        authz::may(
            actor,
            Action::ChangeCredential {
                issuer: &record.issuer,
            },
        )?;
        Ok(record)
    }

    fn reason(reason: &str) -> Result<&str> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(PlatformError::invalid(
                "a reason is needed",
                vec![Problem::new(
                    "reason",
                    "say why: the learner and the audit log read it",
                )],
            ));
        }
        Ok(reason)
    }

    /// Revokes a credential for good; its status list says so from now on.
    pub async fn revoke(
        &self,
        actor: &Account,
        id: &str,
        reason: &str,
    ) -> Result<CredentialRecord> {
        let reason = Self::reason(reason)?;
        let mut tx = self.store.begin().await?;
        self.credential_for_registrar(&mut tx, actor, id).await?;
        credentials::set_state(
            &mut tx,
            id,
            &[CredentialState::Active, CredentialState::Suspended],
            CredentialState::Revoked,
            reason,
        )
        .await?;
        self.set_status(&mut tx, id, StatusPurpose::Revocation, true)
            .await?;
        audit::append(
            &mut tx,
            &actor.id,
            "credential.revoked",
            &subject(id),
            &serde_json::json!({ "reason": reason }),
        )
        .await?;
        let record = credentials::get(&mut tx, id)
            .await?
            .ok_or_else(|| PlatformError::NotFound(format!("credential {id}")))?;
        microcred_store::commit(tx).await?;
        Ok(record)
    }

    /// Suspends a credential until it is reinstated.
    pub async fn suspend(
        &self,
        actor: &Account,
        id: &str,
        reason: &str,
    ) -> Result<CredentialRecord> {
        let reason = Self::reason(reason)?;
        let mut tx = self.store.begin().await?;
        self.credential_for_registrar(&mut tx, actor, id).await?;
        credentials::set_state(
            &mut tx,
            id,
            &[CredentialState::Active],
            CredentialState::Suspended,
            reason,
        )
        .await?;
        self.set_status(&mut tx, id, StatusPurpose::Suspension, true)
            .await?;
        audit::append(
            &mut tx,
            &actor.id,
            "credential.suspended",
            &subject(id),
            &serde_json::json!({ "reason": reason }),
        )
        .await?;
        let record = credentials::get(&mut tx, id)
            .await?
            .ok_or_else(|| PlatformError::NotFound(format!("credential {id}")))?;
        microcred_store::commit(tx).await?;
        Ok(record)
    }

    /// Lifts a suspension.
    pub async fn reinstate(
        &self,
        actor: &Account,
        id: &str,
        reason: &str,
    ) -> Result<CredentialRecord> {
        let reason = Self::reason(reason)?;
        let mut tx = self.store.begin().await?;
        self.credential_for_registrar(&mut tx, actor, id).await?;
        credentials::set_state(
            &mut tx,
            id,
            &[CredentialState::Suspended],
            CredentialState::Active,
            reason,
        )
        .await?;
        self.set_status(&mut tx, id, StatusPurpose::Suspension, false)
            .await?;
        audit::append(
            &mut tx,
            &actor.id,
            "credential.reinstated",
            &subject(id),
            &serde_json::json!({ "reason": reason }),
        )
        .await?;
        let record = credentials::get(&mut tx, id)
            .await?
            .ok_or_else(|| PlatformError::NotFound(format!("credential {id}")))?;
        microcred_store::commit(tx).await?;
        Ok(record)
    }

    /// Corrects a credential: issues it again from the learner's current record and results
    /// (the newest published version), and revokes the old one with the reason, in one step.
    pub async fn correct(&self, actor: &Account, id: &str, reason: &str) -> Result<IssueOutcome> {
        let reason = Self::reason(reason)?;
        let mut c = self.store.connection().await?;
        let old = self.credential_for_registrar(&mut c, actor, id).await?;
        if !old.current {
            return Err(PlatformError::Conflict(format!(
                "credential {id} was already replaced"
            )));
        }
        // A revoked credential stays revoked: correcting it would hand out an active one.
        if !matches!(
            old.state,
            CredentialState::Active | CredentialState::Suspended
        ) {
            return Err(PlatformError::Conflict(format!(
                "credential {id} is {}: only an active or suspended credential is corrected",
                old.state.name()
            )));
        }
        let issuing = self
            .prepare_issuing(&mut c, actor, &old.specification_id)
            .await?;
        drop(c);
        let mut tx = self.store.begin().await?;
        self.store
            .lock(&mut tx, &format!("issue:{}", old.specification_id))
            .await?;
        credentials::retire_for_correction(&mut tx, id, &format!("corrected: {reason}")).await?;
        self.set_status(&mut tx, id, StatusPurpose::Revocation, true)
            .await?;
        audit::append(
            &mut tx,
            &actor.id,
            "credential.revoked",
            &subject(id),
            &serde_json::json!({ "reason": format!("corrected: {reason}") }),
        )
        .await?;
        let mut outcome = IssueOutcome::new(&old.specification_id, issuing.version.version);
        self.issue_batch(
            &mut tx,
            actor,
            &issuing,
            std::slice::from_ref(&old.learner_id),
            false,
            Some(id),
            &mut outcome,
        )
        .await?;
        if outcome.issued.is_empty() {
            // Nothing to issue (no longer eligible): keep the old credential as it was.
            let why = outcome
                .not_eligible
                .first()
                .map(|n| {
                    format!(
                        "the learner is no longer eligible (missing {})",
                        n.missing.join(", ")
                    )
                })
                .unwrap_or_else(|| "nothing could be issued".into());
            return Err(PlatformError::Conflict(format!(
                "credential {id} cannot be corrected: {why}"
            )));
        }
        microcred_store::commit(tx).await?;
        Ok(outcome)
    }

    /// A credential, for its learner, a registrar of its issuer, or an administrator.
    pub async fn credential(&self, actor: &Account, id: &str) -> Result<CredentialRecord> {
        let mut c = self.store.connection().await?;
        Self::readable_credential(&mut c, actor, id).await
    }

    /// Credentials the actor may see: a learner's own; a registrar's university's; all for an
    /// administrator.
    pub async fn credentials(
        &self,
        actor: &Account,
        mut filter: Filter,
    ) -> Result<Vec<CredentialRecord>> {
        if filter.limit == 0 {
            filter.limit = 100;
        }
        filter.limit = filter.limit.min(1000);
        match authz::credential_scope(actor) {
            CredentialScope::All => {}
            CredentialScope::Learner(learner) => filter.learner = Some(learner),
            CredentialScope::Issuers(universities) => {
                match (&filter.issuer, universities.as_slice()) {
                    (Some(issuer), _) if universities.contains(issuer) => {}
                    (None, [only]) => filter.issuer = Some(only.clone()),
                    (None, [_, ..]) => {
                        return Err(PlatformError::invalid(
                            "say which university",
                            vec![Problem::new(
                                "issuer",
                                "you are registrar of several universities",
                            )],
                        ));
                    }
                    _ => {
                        return Err(PlatformError::Forbidden(
                            "a registrar sees the credentials of their own university".into(),
                        ));
                    }
                }
            }
            CredentialScope::Nothing => {
                return Err(PlatformError::Forbidden(
                    "credentials are seen by their learners and their issuers' registrars".into(),
                ));
            }
        }
        let mut c = self.store.connection().await?;
        Ok(credentials::list(&mut c, &filter).await?)
    }

    /// A signed status list credential, as served to verifiers.
    pub async fn status_list(&self, id: &str) -> Result<Value> {
        let mut c = self.store.connection().await?;
        status::get(&mut c, id)
            .await?
            .and_then(|l| l.signed)
            .ok_or_else(|| PlatformError::NotFound(format!("status list {id}")))
    }
}

fn sign_status_list(
    url: &str,
    key: &IssuerKey,
    purpose: StatusPurpose,
    bits: &Bitstring,
) -> Result<Value> {
    let list = status_list_credential(url, &key.controller, purpose, bits, DateTime::now());
    let options = ProofOptions::assertion(
        Cryptosuite::EddsaRdfc2022,
        key.verification_method.clone(),
        DateTime::now().to_string(),
    );
    add_proof(&list, &key.key, &options)
        .map_err(|e| PlatformError::Internal(format!("signing status list {url}: {e}")))
}

/// Signs credentials on every core, off the async workers.
async fn sign_in_parallel(unsigned: Vec<Value>, keys: Vec<IssuerKey>) -> Result<Vec<Value>> {
    tokio::task::spawn_blocking(move || {
        let now = DateTime::now();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(unsigned.len().max(1));
        let chunk = unsigned.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let handles: Vec<_> = unsigned
                .chunks(chunk)
                .map(|part| {
                    let keys = &keys;
                    scope.spawn(move || {
                        part.iter()
                            .map(|c| sign(c, keys, Cryptosuite::EddsaRdfc2022, now))
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
