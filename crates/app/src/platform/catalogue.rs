//! The catalogue and the review of specifications (EuroTeQ D2.7's decision path): a teacher
//! writes a specification and submits it; the rules run and their findings are kept with the
//! version; the jury and the task group give preliminary advice; the management board decides
//! (approve, reject, request changes). Approved versions are published and never change.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use microcred_model::ReviewState;
use microcred_model::Role;
use microcred_model::vocabulary::Typology;
use microcred_model::{CourseElement, Specification};
use microcred_rules::Severity;
use microcred_store::accounts::Account;
use microcred_store::specifications::{self, ReviewEvent, VersionRecord};
use microcred_store::{Connection, audit, catalogue, now};

use super::authz::{self, Action};
use super::views::{ReviewEventView, SpecificationVersionView};
use super::{Platform, PlatformError, Problem, Result};

/// The preliminary advice of a body, as it recommends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recommendation {
    /// Approve the version.
    Approve,
    /// Reject it.
    Reject,
    /// Ask for changes.
    Changes,
}

/// The board's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Publish the version.
    Approve,
    /// Reject it.
    Reject,
    /// Send it back for changes.
    RequestChanges,
}

/// What the catalogue can be searched by.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CatalogueQuery {
    /// Words in the title or description.
    pub q: Option<String>,
    /// One typology entry.
    pub typology: Option<Typology>,
    /// At least this many ECTS.
    pub min_ects: Option<f64>,
    /// At most this many ECTS.
    pub max_ects: Option<f64>,
    /// This EQF level.
    pub eqf: Option<u8>,
    /// This mode of delivery.
    pub mode: Option<String>,
    /// An ISO 639-1 language of instruction.
    pub language: Option<String>,
    /// A university delivering one of its course elements.
    pub university: Option<String>,
    /// An ISCED-F code or its start (`04` finds `0413`).
    pub subject: Option<String>,
}

/// What the editor shows beside a specification.
#[derive(Clone, Debug)]
pub struct DraftCheck {
    /// The profiles applied.
    pub profiles: Vec<String>,
    /// What they found.
    pub findings: Vec<microcred_rules::Finding>,
    /// (profile's name, its checklist answered).
    pub checklists: Vec<(String, Vec<microcred_rules::ChecklistAnswer>)>,
}

/// A specification as people read it (catalogue and review pages).
#[derive(Clone, Debug)]
pub struct PlainSpecification {
    /// The 16 elements, each with what the specification says (empty: nothing yet).
    pub elements: Vec<(microcred_model::StandardElement, String)>,
    /// Its course elements in its order, each with its university's name.
    pub course_elements: Vec<(microcred_model::CourseElement, String)>,
}

fn subject(id: &str) -> String {
    format!("specification:{id}")
}

/// The rules' findings as stored and reported.
fn findings_json(findings: &[microcred_rules::Finding]) -> Value {
    serde_json::to_value(findings).unwrap_or(Value::Array(Vec::new()))
}

impl Platform {
    /// Adds or changes a course element (a teacher or registrar of its university).
    pub async fn put_course_element(&self, actor: &Account, element: CourseElement) -> Result<()> {
        let university = element.university.as_str().to_owned();
        let mut tx = self.store.begin().await?;
        // The owner is the university stored with the element, never the one the request names.
        let owner = catalogue::element(&mut tx, element.id.as_str())
            .await?
            .map(|e| e.university.to_string());
        authz::may(
            actor,
            Action::WriteCourseElement {
                owner: owner.as_deref(),
                claimed: &university,
            },
        )?;
        if microcred_store::universities::get(&mut tx, &university)
            .await?
            .is_none()
        {
            return Err(PlatformError::invalid(
                "the course element cannot be stored",
                vec![Problem::new(
                    "university",
                    format!("`{university}` is not a member university"),
                )],
            ));
        }
        catalogue::upsert_element(&mut tx, &element).await?;
        audit::append(
            &mut tx,
            &actor.id,
            "course-element.stored",
            &format!("course-element:{}", element.id),
            &Value::Null,
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(())
    }

    /// Course elements, of one university or all.
    pub async fn course_elements(&self, university: Option<&str>) -> Result<Vec<CourseElement>> {
        let mut c = self.store.connection().await?;
        Ok(catalogue::elements(&mut c, university).await?)
    }

    /// A specification in plain language (see [`crate::plain`]): its 16 elements, and its
    /// course elements with their universities' names, from one reading of the catalogue.
    pub async fn plain_specification(
        &self,
        specification: &Specification,
    ) -> Result<PlainSpecification> {
        let mut c = self.store.connection().await?;
        let catalogue = catalogue::catalogue(&mut c).await?;
        drop(c);
        let alliance = self
            .alliance()
            .await?
            .map(|a| a.alliance.name.en().to_owned())
            .unwrap_or_else(|| "the alliance".to_owned());
        Ok(PlainSpecification {
            elements: crate::plain::specification_elements(specification, &catalogue, &alliance),
            course_elements: crate::plain::course_elements(specification, &catalogue),
        })
    }

    /// The newest published version of a specification, as the catalogue shows it.
    pub async fn published(&self, id: &str) -> Result<SpecificationVersionView> {
        let mut c = self.store.connection().await?;
        specifications::published(&mut c, id)
            .await?
            .ok_or_else(|| PlatformError::NotFound(format!("published specification `{id}`")))
            .map(Into::into)
    }

    /// The profiles a new specification starts with: the alliance's defaults, or `eu-2022`.
    pub fn default_profiles(&self) -> Vec<String> {
        self.checker.default_profile_names()
    }

    /// The rule profiles a specification may name: the built-in ones and the alliance's.
    pub fn profiles(&self) -> &[microcred_rules::Profile] {
        self.checker.profiles().all()
    }

    /// Checks a specification against its rule profiles, with the stored catalogue.
    pub async fn check(
        &self,
        specification: &Specification,
    ) -> Result<(Vec<String>, Vec<microcred_rules::Finding>)> {
        let checked = self.check_draft(specification).await?;
        Ok((checked.profiles, checked.findings))
    }

    /// Checks a specification as its editor shows it: the findings, and the answers to the
    /// checklists of its profiles that have one (EuroTeQ's).
    pub async fn check_draft(&self, specification: &Specification) -> Result<DraftCheck> {
        let mut c = self.store.connection().await?;
        let catalogue = catalogue::catalogue(&mut c).await?;
        drop(c);
        let (profiles, evaluation) =
            self.checker
                .evaluate(specification, &catalogue)
                .map_err(|unknown| {
                    PlatformError::invalid(
                        "the specification cannot be checked",
                        vec![Problem::new("profiles", unknown.to_string())],
                    )
                })?;
        let checklists = profiles
            .iter()
            .filter_map(|name| self.checker.profiles().get(name))
            .filter(|profile| !profile.checklist.is_empty())
            .map(|profile| {
                (
                    profile.name.clone(),
                    microcred_rules::answer_checklist(profile, &evaluation),
                )
            })
            .collect();
        let mut findings = stacking_findings(specification);
        findings.extend(evaluation.findings);
        Ok(DraftCheck {
            profiles,
            findings,
            checklists,
        })
    }

    /// Whether `actor` may write `version`'s specification (see [`Action::EditSpecification`]):
    /// its author and the universities delivering its elements, as stored.
    async fn may_edit(
        &self,
        c: &mut Connection,
        actor: &Account,
        specification: &Specification,
    ) -> Result<()> {
        let mut delivering = Vec::new();
        for element in &specification.elements {
            if let Some(e) = catalogue::element(c, element.as_str()).await? {
                delivering.push(e.university.to_string());
            }
        }
        let author = specifications::author(c, specification.id.as_str()).await?;
        authz::may(
            actor,
            Action::EditSpecification {
                author: author.as_deref(),
                delivering: &delivering,
            },
        )
    }

    /// Whether `actor` may edit this version's specification (the editor, its buttons).
    pub async fn may_edit_specification(
        &self,
        actor: &Account,
        version: &SpecificationVersionView,
    ) -> Result<()> {
        let mut c = self.store.connection().await?;
        self.may_edit(&mut c, actor, &version.specification).await
    }

    /// Creates a specification as a draft (a teacher).
    pub async fn create_specification(
        &self,
        actor: &Account,
        specification: Specification,
    ) -> Result<SpecificationVersionView> {
        authz::may(actor, Action::CreateSpecification)?;
        let mut tx = self.store.begin().await?;
        let record = specifications::create(&mut tx, &specification, &actor.id)
            .await
            .map_err(|e| {
                if e.is_conflict() {
                    PlatformError::Conflict(format!(
                        "a specification `{}` already exists",
                        specification.id
                    ))
                } else {
                    e.into()
                }
            })?;
        specifications::add_event(
            &mut tx,
            &event(
                &record.specification_id,
                1,
                "created",
                "",
                "",
                actor,
                "teacher",
            ),
        )
        .await?;
        audit::append(
            &mut tx,
            &actor.id,
            "specification.created",
            &subject(&record.specification_id),
            &Value::Null,
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(record.into())
    }

    /// Changes a specification: the editable version in place, or, after publication or a
    /// decision, a new version (published versions never change).
    pub async fn update_specification(
        &self,
        actor: &Account,
        specification: Specification,
    ) -> Result<SpecificationVersionView> {
        let id = specification.id.as_str().to_owned();
        let mut tx = self.store.begin().await?;
        let latest = specifications::latest(&mut tx, &id)
            .await?
            .ok_or_else(|| PlatformError::NotFound(format!("specification `{id}`")))?;
        self.may_edit(&mut tx, actor, &latest.specification).await?;
        let record = match latest.state {
            ReviewState::Draft | ReviewState::ChangesRequested => {
                specifications::update_draft(
                    &mut tx,
                    &id,
                    latest.version,
                    &specification,
                    &actor.id,
                )
                .await?;
                VersionRecord {
                    specification,
                    updated_by: actor.id.clone(),
                    updated_at: now(),
                    ..latest
                }
            }
            ReviewState::Submitted => {
                return Err(PlatformError::Conflict(format!(
                    "version {} of `{id}` is under review: wait for the board's decision",
                    latest.version
                )));
            }
            ReviewState::Published | ReviewState::Rejected | ReviewState::Retired => {
                let record =
                    specifications::new_version(&mut tx, &specification, &actor.id).await?;
                specifications::add_event(
                    &mut tx,
                    &event(
                        &id,
                        record.version,
                        "created",
                        "",
                        &format!("new version after version {}", latest.version),
                        actor,
                        "teacher",
                    ),
                )
                .await?;
                record
            }
        };
        audit::append(
            &mut tx,
            &actor.id,
            "specification.changed",
            &subject(&id),
            &serde_json::json!({ "version": record.version }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(record.into())
    }

    /// Submits the editable version for review. The rules run; with an error among their
    /// findings (an obligation not met) the submission is refused, and the findings say why.
    pub async fn submit(
        &self,
        actor: &Account,
        id: &str,
        comment: &str,
    ) -> Result<SpecificationVersionView> {
        let latest = self.latest(id).await?;
        {
            let mut c = self.store.connection().await?;
            self.may_edit(&mut c, actor, &latest.specification).await?;
        }
        if !latest.state.editable() {
            return Err(PlatformError::Conflict(format!(
                "version {} of `{id}` is {}: only a draft can be submitted",
                latest.version,
                latest.state.name()
            )));
        }
        let (_, findings) = self.check(&latest.specification).await?;
        let errors: Vec<Problem> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| {
                Problem::new(
                    f.field.clone(),
                    format!("{} [{}; {}]", f.message, f.rule, f.source),
                )
            })
            .collect();
        if !errors.is_empty() {
            return Err(PlatformError::invalid(
                format!(
                    "`{id}` does not meet its rules: {} obligation{} not met",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" }
                ),
                errors,
            ));
        }
        let mut tx = self.store.begin().await?;
        specifications::transition(
            &mut tx,
            id,
            latest.version,
            &[ReviewState::Draft, ReviewState::ChangesRequested],
            ReviewState::Submitted,
            Some(&findings_json(&findings)),
            &actor.id,
        )
        .await?;
        specifications::add_event(
            &mut tx,
            &event(
                id,
                latest.version,
                "submitted",
                "",
                comment,
                actor,
                "teacher",
            ),
        )
        .await?;
        audit::append(
            &mut tx,
            &actor.id,
            "specification.submitted",
            &subject(id),
            &serde_json::json!({ "version": latest.version }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        self.latest(id).await.map(Into::into)
    }

    /// Preliminary advice on a submitted version, by the jury or the task group.
    pub async fn advise(
        &self,
        actor: &Account,
        id: &str,
        recommendation: Recommendation,
        comment: &str,
    ) -> Result<()> {
        authz::may(actor, Action::Advise)?;
        let role = if actor.has(Role::Jury) {
            Role::Jury
        } else if actor.has(Role::TaskGroup) {
            Role::TaskGroup
        } else {
            Role::AllianceAdmin
        };
        let latest = self.latest(id).await?;
        if latest.state != ReviewState::Submitted {
            return Err(PlatformError::Conflict(format!(
                "`{id}` is not under review (it is {})",
                latest.state.name()
            )));
        }
        let outcome = serde_json::to_value(recommendation)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut tx = self.store.begin().await?;
        specifications::add_event(
            &mut tx,
            &event(
                id,
                latest.version,
                "advice",
                &outcome,
                comment,
                actor,
                role.name(),
            ),
        )
        .await?;
        audit::append(&mut tx, &actor.id, "specification.advised", &subject(id), &serde_json::json!({ "version": latest.version, "body": role.name(), "recommendation": outcome })).await?;
        microcred_store::commit(tx).await?;
        Ok(())
    }

    /// The management board's decision on a submitted version. Approval publishes it (an
    /// earlier published version is then retired); the reason is required for anything else.
    pub async fn decide(
        &self,
        actor: &Account,
        id: &str,
        decision: Decision,
        reason: &str,
    ) -> Result<SpecificationVersionView> {
        authz::may(actor, Action::Decide)?;
        if decision != Decision::Approve && reason.trim().is_empty() {
            return Err(PlatformError::invalid(
                "a reason is needed",
                vec![Problem::new(
                    "reason",
                    "say why, so the teachers know what to change",
                )],
            ));
        }
        let latest = self.latest(id).await?;
        let to = match decision {
            Decision::Approve => ReviewState::Published,
            Decision::Reject => ReviewState::Rejected,
            Decision::RequestChanges => ReviewState::ChangesRequested,
        };
        let mut tx = self.store.begin().await?;
        specifications::transition(
            &mut tx,
            id,
            latest.version,
            &[ReviewState::Submitted],
            to,
            None,
            &actor.id,
        )
        .await?;
        let outcome = serde_json::to_value(decision)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        specifications::add_event(
            &mut tx,
            &event(
                id,
                latest.version,
                "decision",
                &outcome,
                reason,
                actor,
                "board",
            ),
        )
        .await?;
        if to == ReviewState::Published {
            for older in specifications::versions(&mut tx, id).await? {
                if older.version < latest.version && older.state == ReviewState::Published {
                    specifications::transition(
                        &mut tx,
                        id,
                        older.version,
                        &[ReviewState::Published],
                        ReviewState::Retired,
                        None,
                        &actor.id,
                    )
                    .await?;
                    specifications::add_event(
                        &mut tx,
                        &event(
                            id,
                            older.version,
                            "retired",
                            "",
                            &format!("superseded by version {}", latest.version),
                            actor,
                            "board",
                        ),
                    )
                    .await?;
                }
            }
        }
        audit::append(
            &mut tx,
            &actor.id,
            "specification.decided",
            &subject(id),
            &serde_json::json!({ "version": latest.version, "decision": outcome }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        self.latest(id).await.map(Into::into)
    }

    /// Retires a published specification: no more credentials; those issued stay valid.
    pub async fn retire(
        &self,
        actor: &Account,
        id: &str,
        reason: &str,
    ) -> Result<SpecificationVersionView> {
        authz::may(actor, Action::Decide)?;
        let mut tx = self.store.begin().await?;
        if specifications::latest(&mut tx, id).await?.is_none() {
            return Err(PlatformError::NotFound(format!("specification `{id}`")));
        }
        let published = specifications::published(&mut tx, id)
            .await?
            .ok_or_else(|| {
                PlatformError::Conflict(format!("`{id}` has no published version to retire"))
            })?;
        specifications::transition(
            &mut tx,
            id,
            published.version,
            &[ReviewState::Published],
            ReviewState::Retired,
            None,
            &actor.id,
        )
        .await?;
        specifications::add_event(
            &mut tx,
            &event(id, published.version, "retired", "", reason, actor, "board"),
        )
        .await?;
        audit::append(
            &mut tx,
            &actor.id,
            "specification.retired",
            &subject(id),
            &serde_json::json!({ "version": published.version }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        self.latest(id).await.map(Into::into)
    }

    /// The newest version of a specification, whoever asks (the use cases' own reading).
    async fn latest(&self, id: &str) -> Result<VersionRecord> {
        let mut c = self.store.connection().await?;
        specifications::latest(&mut c, id)
            .await?
            .ok_or_else(|| PlatformError::NotFound(format!("specification `{id}`")))
    }

    /// The newest version of a specification, if `actor` may read it (drafts are for staff).
    pub async fn specification(
        &self,
        actor: &Account,
        id: &str,
    ) -> Result<SpecificationVersionView> {
        let latest = self.latest(id).await?;
        authz::may(
            actor,
            Action::ReadSpecification {
                state: latest.state,
            },
        )?;
        Ok(latest.into())
    }

    /// One version: anyone reads versions that were published (credentials name them); drafts
    /// and versions under review only staff.
    pub async fn specification_version(
        &self,
        actor: Option<&Account>,
        id: &str,
        version: i64,
    ) -> Result<SpecificationVersionView> {
        let mut c = self.store.connection().await?;
        let record = specifications::version(&mut c, id, version)
            .await?
            .ok_or_else(|| PlatformError::NotFound(format!("version {version} of `{id}`")))?;
        if !authz::public_version(record.state) {
            match actor {
                Some(actor) => authz::may(
                    actor,
                    Action::ReadSpecification {
                        state: record.state,
                    },
                )?,
                None => return Err(PlatformError::Unauthenticated),
            }
        }
        Ok(record.into())
    }

    /// A version that was published, for anyone (the achievement credentials name).
    pub async fn published_version(
        &self,
        id: &str,
        version: i64,
    ) -> Result<SpecificationVersionView> {
        let mut c = self.store.connection().await?;
        specifications::version(&mut c, id, version)
            .await?
            .filter(|v| authz::public_version(v.state))
            .ok_or_else(|| {
                PlatformError::NotFound(format!("published version {version} of `{id}`"))
            })
            .map(Into::into)
    }

    /// Every version `actor` may read.
    pub async fn versions(
        &self,
        actor: &Account,
        id: &str,
    ) -> Result<Vec<SpecificationVersionView>> {
        let mut c = self.store.connection().await?;
        let versions = specifications::versions(&mut c, id).await?;
        if versions.is_empty() {
            return Err(PlatformError::NotFound(format!("specification `{id}`")));
        }
        let readable: Vec<VersionRecord> = versions
            .into_iter()
            .filter(|v| authz::allows(actor, Action::ReadSpecification { state: v.state }))
            .collect();
        if readable.is_empty() {
            authz::may(actor, Action::ListSpecifications)?;
        }
        Ok(readable.into_iter().map(Into::into).collect())
    }

    /// Who did what to a specification, and when and why (the alliance's staff).
    pub async fn history(&self, actor: &Account, id: &str) -> Result<Vec<ReviewEventView>> {
        authz::may(actor, Action::ListSpecifications)?;
        let mut c = self.store.connection().await?;
        let events = specifications::events(&mut c, id).await?;
        if events.is_empty() && specifications::latest(&mut c, id).await?.is_none() {
            return Err(PlatformError::NotFound(format!("specification `{id}`")));
        }
        Ok(events.into_iter().map(Into::into).collect())
    }

    /// The reviewers' queue: versions waiting for advice or a decision.
    pub async fn review_queue(&self, actor: &Account) -> Result<Vec<SpecificationVersionView>> {
        authz::may(actor, Action::ReadReviewQueue)?;
        let mut c = self.store.connection().await?;
        Ok(
            specifications::list_latest(&mut c, Some(ReviewState::Submitted))
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    /// Every specification's newest version, for the people who write and review them.
    pub async fn specifications(&self, actor: &Account) -> Result<Vec<SpecificationVersionView>> {
        authz::may(actor, Action::ListSpecifications)?;
        let mut c = self.store.connection().await?;
        Ok(specifications::list_latest(&mut c, None)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The public catalogue: published specifications matching the query.
    pub async fn catalogue(&self, query: &CatalogueQuery) -> Result<Vec<SpecificationVersionView>> {
        let mut c = self.store.connection().await?;
        let published = specifications::catalogue(&mut c).await?;
        let elements = catalogue::elements(&mut c, None).await?;
        let words: Vec<String> = query
            .q
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        Ok(published
            .into_iter()
            .filter(|v| {
                let s = &v.specification;
                let text = format!(
                    "{} {} {}",
                    s.title
                        .as_ref()
                        .map(|t| t.iter().map(|(_, t)| t).collect::<Vec<_>>().join(" "))
                        .unwrap_or_default(),
                    s.description.as_ref().map(|t| t.en()).unwrap_or_default(),
                    s.id
                )
                .to_lowercase();
                let ects = s.workload.ects.map(|e| e.as_f64());
                let universities: Vec<&str> = s
                    .elements
                    .iter()
                    .filter_map(|id| elements.iter().find(|e| &e.id == id))
                    .map(|e| e.university.as_str())
                    .collect();
                words.iter().all(|w| text.contains(w))
                    && query.typology.is_none_or(|t| s.typology == Some(t))
                    && query.min_ects.is_none_or(|m| ects.is_some_and(|e| e >= m))
                    && query.max_ects.is_none_or(|m| ects.is_some_and(|e| e <= m))
                    && query
                        .eqf
                        .is_none_or(|l| s.level.eqf.map(|e| e.get()) == Some(l))
                    && query
                        .mode
                        .as_deref()
                        .is_none_or(|m| s.participation.mode.map(|x| x.name()) == Some(m))
                    && query.language.as_deref().is_none_or(|l| {
                        s.further_information
                            .languages
                            .iter()
                            .any(|x| x.as_str() == l)
                    })
                    && query
                        .university
                        .as_deref()
                        .is_none_or(|u| universities.contains(&u))
                    && query.subject.as_deref().is_none_or(|p| {
                        s.further_information
                            .isced_f
                            .as_ref()
                            .is_some_and(|c| c.as_str().starts_with(p))
                    })
            })
            .map(Into::into)
            .collect())
    }
}

fn event(
    id: &str,
    version: i64,
    kind: &str,
    outcome: &str,
    comment: &str,
    actor: &Account,
    role: &str,
) -> ReviewEvent {
    ReviewEvent {
        specification_id: id.to_owned(),
        version,
        kind: kind.to_owned(),
        outcome: outcome.to_owned(),
        comment: comment.to_owned(),
        by_account: actor.id.clone(),
        by_role: role.to_owned(),
        at: now(),
    }
}

/// A stacked rule's faults (a component in two pools, a pool asking for more than it lists, a
/// stacked specification with course elements) as errors of the draft check: the same faults a
/// specification file is refused for (`microcred_specfile`), found while the editor is typed in
/// and blocking submission.
fn stacking_findings(specification: &Specification) -> Vec<microcred_rules::Finding> {
    let finding = |field: String, message: String| microcred_rules::Finding {
        severity: Severity::Error,
        rule: "microcred/stacking-rule".into(),
        element: microcred_model::StandardElement::Stackability,
        message,
        source: "ENHANCE §7.15: stackable micro-credentials and the rule of a larger credential"
            .into(),
        field,
    };
    let mut findings: Vec<_> = specification
        .stacking_problems()
        .into_iter()
        .map(|p| finding(p.field, p.message))
        .collect();
    let Some(stacking) = &specification.stacking else {
        return findings;
    };
    for (p, pool) in stacking.pools.iter().enumerate() {
        for (c, component) in pool.components.iter().enumerate() {
            if let microcred_model::stacking::Component::External(e) = component
                && let Some(certificate) = &e.seal_authority
                && let Err(why) = crate::verify::seal_certificate(certificate)
            {
                findings.push(finding(
                    format!("stacking.pools[{p}].components[{c}].external.seal_authority"),
                    format!(
                        "the seal authority of {} is no certificate: {why}",
                        e.issuer
                    ),
                ));
            }
        }
    }
    findings
}
