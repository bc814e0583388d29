//! A credential after it is issued: who may read and change it, and its changes of state.

use serde_json::Value;

use microcred_credentials::status_list::StatusPurpose;
use microcred_model::CredentialState;
use microcred_store::accounts::Account;
use microcred_store::credentials::{self, CredentialRecord, Filter};
use microcred_store::{Connection, audit};

use super::{IssueOutcome, subject};
use crate::platform::authz::{self, Action, CredentialScope};
use crate::platform::stacking;
use crate::platform::views::CredentialView;
use crate::platform::{Platform, PlatformError, Problem, Result};

/// Which credentials to list (each narrowed further by who asks).
#[derive(Clone, Debug, Default)]
pub struct CredentialQuery {
    /// One learner's.
    pub learner: Option<String>,
    /// One specification's.
    pub specification: Option<String>,
    /// One issuer's (a university id or `alliance`).
    pub issuer: Option<String>,
    /// At most this many (100 when 0; never more than 1,000).
    pub limit: i64,
    /// After skipping this many, newest first.
    pub offset: i64,
}

/// A registrar's change of an issued credential's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// For good: no way back.
    Revoke,
    /// Until reinstated.
    Suspend,
    /// Lifts a suspension.
    Reinstate,
}

/// What a transition does: from which states, to which, and the status list bit it sets.
#[derive(Clone, Copy, Debug)]
pub struct TransitionRule {
    /// The states it may start from.
    pub from: &'static [CredentialState],
    /// The state it leaves the credential in.
    pub to: CredentialState,
    /// The status list verifiers read it in, and the bit's new value.
    pub purpose: StatusPurpose,
    /// The new value of the credential's bit in that list.
    pub bit: bool,
    /// The audit log's name for it.
    pub audit: &'static str,
}

impl Transition {
    /// The lifecycle as one table.
    pub fn rule(self) -> TransitionRule {
        use CredentialState::{Active, Revoked, Suspended};
        match self {
            Transition::Revoke => TransitionRule {
                from: &[Active, Suspended],
                to: Revoked,
                purpose: StatusPurpose::Revocation,
                bit: true,
                audit: "credential.revoked",
            },
            Transition::Suspend => TransitionRule {
                from: &[Active],
                to: Suspended,
                purpose: StatusPurpose::Suspension,
                bit: true,
                audit: "credential.suspended",
            },
            Transition::Reinstate => TransitionRule {
                from: &[Suspended],
                to: Active,
                purpose: StatusPurpose::Suspension,
                bit: false,
                audit: "credential.reinstated",
            },
        }
    }
}

impl Platform {
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
    pub async fn revoke(&self, actor: &Account, id: &str, reason: &str) -> Result<CredentialView> {
        self.change_state(actor, id, Transition::Revoke, reason)
            .await
    }

    /// Suspends a credential until it is reinstated.
    pub async fn suspend(&self, actor: &Account, id: &str, reason: &str) -> Result<CredentialView> {
        self.change_state(actor, id, Transition::Suspend, reason)
            .await
    }

    /// Lifts a suspension.
    pub async fn reinstate(
        &self,
        actor: &Account,
        id: &str,
        reason: &str,
    ) -> Result<CredentialView> {
        self.change_state(actor, id, Transition::Reinstate, reason)
            .await
    }

    /// Makes one change of a credential's state, as [`Transition::rule`] says, in one
    /// transaction: the stored state, the status list bit (signed again) and the audit entry.
    pub async fn change_state(
        &self,
        actor: &Account,
        id: &str,
        transition: Transition,
        reason: &str,
    ) -> Result<CredentialView> {
        let rule = transition.rule();
        let reason = Self::reason(reason)?;
        let mut tx = self.store.begin().await?;
        self.credential_for_registrar(&mut tx, actor, id).await?;
        credentials::set_state(&mut tx, id, rule.from, rule.to, reason).await?;
        self.set_status(&mut tx, id, rule.purpose, rule.bit).await?;
        if matches!(
            rule.to,
            CredentialState::Revoked | CredentialState::Suspended
        ) {
            stacking::review_stacked_on(&mut tx, actor, id, rule.to.name()).await?;
        }
        if rule.to == CredentialState::Revoked {
            // Revoking a stacked credential up for review is the review's decision.
            microcred_store::stacking::end_review(&mut tx, id).await?;
        }
        audit::append(
            &mut tx,
            &actor.id,
            rule.audit,
            &subject(id),
            &serde_json::json!({ "reason": reason }),
        )
        .await?;
        let record = credentials::get(&mut tx, id)
            .await?
            .ok_or_else(|| PlatformError::NotFound(format!("credential {id}")))?;
        microcred_store::commit(tx).await?;
        Ok(self.credential_view(record))
    }

    /// The view of a stored credential, with where anyone verifies it.
    fn credential_view(&self, record: CredentialRecord) -> CredentialView {
        let verification = self.config.verification_url(&record.id);
        CredentialView::new(record, verification)
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
        self.reverify_before_issuing(&issuing, std::slice::from_ref(&old.learner_id))
            .await?;
        let mut tx = self.store.begin().await?;
        self.store
            .lock(&mut tx, &format!("issue:{}", old.specification_id))
            .await?;
        credentials::retire_for_correction(&mut tx, id, &format!("corrected: {reason}")).await?;
        stacking::review_stacked_on(&mut tx, actor, id, "corrected").await?;
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
        outcome.awarded.clear();
        if outcome.issued.is_empty() {
            // Nothing to issue (no longer eligible): keep the old credential as it was.
            let why = outcome
                .not_eligible
                .first()
                .map(|n| format!("the learner is no longer eligible ({})", n.reason))
                .unwrap_or_else(|| "nothing could be issued".into());
            return Err(PlatformError::Conflict(format!(
                "credential {id} cannot be corrected: {why}"
            )));
        }
        microcred_store::commit(tx).await?;
        Ok(outcome)
    }

    /// Keeps a stacked credential that was up for review (its registrar decided that it
    /// stands, e.g. another component now counts instead), with the reason.
    pub async fn keep_stacked(&self, actor: &Account, id: &str, reason: &str) -> Result<()> {
        let reason = Self::reason(reason)?;
        let mut tx = self.store.begin().await?;
        self.credential_for_registrar(&mut tx, actor, id).await?;
        let in_review = microcred_store::stacking::stacked(&mut tx, id)
            .await?
            .is_some_and(|a| !a.review.is_empty());
        if !in_review {
            return Err(PlatformError::Conflict(format!(
                "credential {id} is not a stacked credential up for review"
            )));
        }
        microcred_store::stacking::end_review(&mut tx, id).await?;
        audit::append(
            &mut tx,
            &actor.id,
            "credential.kept",
            &subject(id),
            &serde_json::json!({ "reason": reason }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(())
    }

    /// A credential, for its learner, a registrar of its issuer, or an administrator.
    pub async fn credential(&self, actor: &Account, id: &str) -> Result<CredentialView> {
        let mut c = self.store.connection().await?;
        let record = Self::readable_credential(&mut c, actor, id).await?;
        Ok(self.credential_view(record))
    }

    /// A credential's signed document in one format (`ob3-di`, `edc-jades`), for whoever may
    /// see the credential.
    pub async fn credential_document(
        &self,
        actor: &Account,
        id: &str,
        format: &str,
    ) -> Result<Value> {
        let view = self.credential(actor, id).await?;
        if view.format == format {
            return Ok(view.document);
        }
        view.alternatives
            .into_iter()
            .find(|d| d.format == format)
            .map(|d| d.document)
            .ok_or_else(|| {
                PlatformError::NotFound(format!(
                    "a {format} document of credential {id} (it was issued without one: the issuer had no e-seal, or the alliance does not issue that format)"
                ))
            })
    }

    /// Credentials the actor may see: a learner's own; a registrar's university's; all for an
    /// administrator.
    pub async fn credentials(
        &self,
        actor: &Account,
        query: CredentialQuery,
    ) -> Result<Vec<CredentialView>> {
        let mut filter = Filter {
            learner: query.learner,
            specification: query.specification,
            issuer: query.issuer,
            limit: query.limit,
            offset: query.offset,
        };
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
        Ok(credentials::list(&mut c, &filter)
            .await?
            .into_iter()
            .map(|r| self.credential_view(r))
            .collect())
    }
}
