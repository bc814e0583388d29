//! How a learner comes to their own account. An account bound to a learner reads every
//! credential they hold, from every university, so no registrar binds one: a registrar of a
//! university the learner is known at (or the administrator) makes an invitation, a link with
//! a secret, handed to the learner; the learner accepts it, making a new account or binding the
//! one they are signed in with. An invitation is accepted once, within
//! [`INVITATION_DAYS`].

use serde::Serialize;

use microcred_model::{Grant, Role};
use microcred_store::accounts::{self, Account};
use microcred_store::invitations::{self, Invitation};
use microcred_store::{audit, learners, now, universities};

use super::auth::{self, NewAccount, Session, open_session, random_token, token_hash};
use super::authz::{self, Action};
use super::learners::readable_learner;
use super::{Platform, PlatformError, Result};

/// How long an invitation may wait to be accepted.
pub const INVITATION_DAYS: i64 = 30;

/// A new invitation: the link to hand to the learner (shown once; only its hash is kept).
#[derive(Clone, Debug, Serialize)]
pub struct IssuedInvitation {
    /// The link to hand to the learner.
    pub link: String,
    /// The learner invited.
    pub learner_id: String,
    /// The learner's names, as the registrar knows them.
    pub learner_name: String,
    /// When it stops working (seconds since 1970).
    pub expires_at: i64,
}

/// What the holder of an invitation's link is shown: enough to recognise it is for them.
#[derive(Clone, Debug, Serialize)]
pub struct InvitationView {
    /// The learner's given names.
    pub given_names: String,
    /// Who invites: the university (or the alliance).
    pub invited_by: String,
    /// When it stops working (seconds since 1970).
    pub expires_at: i64,
    /// Why it can no longer be accepted, if it cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
}

/// How a learner accepts: with a new account, or with the one they are signed in with.
pub enum Acceptance<'a> {
    /// Make a new account with this e-mail and password.
    NewAccount {
        /// Its e-mail address.
        email: &'a str,
        /// Its password.
        password: &'a str,
    },
    /// Add the learner to the account signed in.
    SignedIn(&'a Account),
}

/// What accepting does to accounts.
enum Binding<'a> {
    Create(Account),
    Bind(&'a Account),
}

fn not_found() -> PlatformError {
    PlatformError::NotFound("invitation (the link may be mistyped)".into())
}

/// Why an invitation cannot be accepted at `at`, if it cannot.
fn closed(invitation: &Invitation, at: i64) -> Option<String> {
    if invitation.accepted_at.is_some() {
        Some("this invitation was already accepted: sign in with the account made from it".into())
    } else if invitation.expires_at <= at {
        Some("this invitation has expired: ask your registrar for a new one".into())
    } else {
        None
    }
}

impl Platform {
    /// Invites learner `learner_id` to their own account (see the module's documentation).
    pub async fn invite_learner(
        &self,
        actor: &Account,
        learner_id: &str,
    ) -> Result<IssuedInvitation> {
        // Someone else's learner is not found, as for reading one.
        let (learner, known_at) = {
            let mut c = self.store.connection().await?;
            readable_learner(&mut c, actor, learner_id).await?
        };
        authz::may(
            actor,
            Action::InviteLearner {
                universities: &known_at,
            },
        )?;
        // Made for the registrar's university; the administrator's for the alliance ("").
        let university = if actor.has(Role::AllianceAdmin) {
            String::new()
        } else {
            known_at
                .iter()
                .find(|u| actor.has_for(Role::Registrar, u))
                .cloned()
                .unwrap_or_default()
        };
        let token = random_token()?;
        let at = now();
        let invitation = Invitation {
            token_hash: token_hash(&token),
            learner_id: learner.id.clone(),
            invited_by: actor.id.clone(),
            university_id: university,
            created_at: at,
            expires_at: at + INVITATION_DAYS * 24 * 60 * 60,
            accepted_by: None,
            accepted_at: None,
        };
        let mut tx = self.store.begin().await?;
        invitations::insert(&mut tx, &invitation).await?;
        audit::append(
            &mut tx,
            &actor.id,
            "learner.invited",
            &format!("learner:{}", learner.id),
            &serde_json::json!({ "expires_at": invitation.expires_at }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(IssuedInvitation {
            link: format!("{}/invitations/{token}", self.config.base()),
            learner_name: learner.learner.full_name(),
            learner_id: learner.id,
            expires_at: invitation.expires_at,
        })
    }

    /// The invitation whose link holds `token`, as its holder sees it (anyone with the link).
    pub async fn invitation(&self, token: &str) -> Result<InvitationView> {
        let mut c = self.store.connection().await?;
        let invitation = invitations::get(&mut c, &token_hash(token))
            .await?
            .ok_or_else(not_found)?;
        let learner = learners::get(&mut c, &invitation.learner_id)
            .await?
            .ok_or_else(not_found)?;
        let invited_by = match universities::get(&mut c, &invitation.university_id).await? {
            Some(u) => u.university.display_name().to_owned(),
            None => universities::alliance(&mut c)
                .await?
                .map(|a| a.alliance.name.en().to_owned())
                .unwrap_or_else(|| "the alliance".into()),
        };
        Ok(InvitationView {
            given_names: learner.learner.given_names,
            invited_by,
            expires_at: invitation.expires_at,
            closed: closed(&invitation, now()),
        })
    }

    /// Accepts the invitation whose link holds `token`: the new (or signed-in) account is bound
    /// to the invited learner, and a session opened for it. Accepted once: the invitation and
    /// the binding are written together.
    pub async fn accept_invitation(
        &self,
        token: &str,
        acceptance: Acceptance<'_>,
    ) -> Result<Session> {
        let hash = token_hash(token);
        let at = now();
        let (invitation, learner) = {
            let mut c = self.store.connection().await?;
            let invitation = invitations::get(&mut c, &hash)
                .await?
                .ok_or_else(not_found)?;
            if let Some(why) = closed(&invitation, at) {
                return Err(PlatformError::Conflict(why));
            }
            let learner = learners::get(&mut c, &invitation.learner_id)
                .await?
                .ok_or_else(not_found)?;
            (invitation, learner)
        };
        // A new account is checked (and its password hashed) before the write transaction.
        let binding = match acceptance {
            Acceptance::NewAccount { email, password } => {
                Binding::Create(auth::checked_account(NewAccount {
                    email: email.to_owned(),
                    name: learner.learner.full_name(),
                    password: Some(password.to_owned()),
                    grants: vec![Grant {
                        role: Role::Learner,
                        university: None,
                    }],
                    learner_id: Some(learner.id.clone()),
                })?)
            }
            Acceptance::SignedIn(account) => Binding::Bind(account),
        };
        let mut tx = self.store.begin().await?;
        let account_id = match binding {
            Binding::Create(account) => {
                auth::write_account(&mut tx, &invitation.invited_by, &account).await?;
                account.id
            }
            Binding::Bind(account) => {
                if !accounts::bind_learner(&mut tx, &account.id, &learner.id).await? {
                    return Err(PlatformError::Conflict(
                        "the account you are signed in with already belongs to a learner: sign out to make a new one".into(),
                    ));
                }
                account.id.clone()
            }
        };
        if !invitations::accept(&mut tx, &hash, &account_id, at).await? {
            return Err(PlatformError::Conflict(
                "this invitation was accepted a moment ago".into(),
            ));
        }
        audit::append(
            &mut tx,
            &account_id,
            "learner.account_bound",
            &format!("learner:{}", learner.id),
            &serde_json::json!({ "account": account_id, "invited_by": invitation.invited_by }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        let mut c = self.store.connection().await?;
        let account = accounts::by_id(&mut c, &account_id)
            .await?
            .ok_or_else(|| PlatformError::Internal(format!("account {account_id} vanished")))?;
        open_session(&mut c, account).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invitation(accepted_at: Option<i64>, expires_at: i64) -> Invitation {
        Invitation {
            token_hash: "h".into(),
            learner_id: "l".into(),
            invited_by: "a".into(),
            university_id: "wut".into(),
            created_at: 0,
            expires_at,
            accepted_by: accepted_at.map(|_| "b".into()),
            accepted_at,
        }
    }

    #[test]
    fn an_invitation_is_open_once_and_until_it_expires() {
        assert_eq!(closed(&invitation(None, 100), 99), None);
        assert!(
            closed(&invitation(None, 100), 100)
                .unwrap()
                .contains("expired")
        );
        assert!(
            closed(&invitation(Some(50), 100), 60)
                .unwrap()
                .contains("already accepted")
        );
    }
}
