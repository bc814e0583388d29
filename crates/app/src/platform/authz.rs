//! Who may do what to which record: the one place the platform decides it. Every use case (and
//! through them every endpoint and page) asks [`may`] with the action and the facts of the
//! record it acts on, read from the store, never from the request: a course element's owner is
//! the university stored with it, not the one a request names.
//!
//! The rule is ownership. A record belongs to a university (its course elements, the
//! specifications it delivers, results for its elements, the credentials it issued, its keys,
//! signatories, logos and grading schemes) or to a learner (their credentials and personal
//! data). A university's records are acted on by its own roles or the alliance administrator;
//! a learner's by the learner, by registrars of universities the learner is known at, or the
//! administrator.

use microcred_model::ReviewState;
use microcred_model::Role;
use microcred_store::accounts::Account;

use super::{PlatformError, Result};

/// Something an actor wants to do, with the facts of the record it is done to.
#[derive(Clone, Copy, Debug)]
// The fields are the record's stored facts (its university, learner, author, state…), as
// each variant's comment names them.
#[allow(missing_docs)]
pub enum Action<'a> {
    /// Describe the alliance, add universities, manage accounts, read the audit log, set the
    /// certificate template, sign as the alliance.
    AdministerAlliance,
    /// Rotate a university's key, add or retire its signatories: the alliance administrator
    /// (keys and who signs in a university's name are the alliance's trust anchor).
    AdministerUniversity { university: &'a str },
    /// Set a university's logo, signature images and grading schemes: its registrars.
    DescribeUniversity { university: &'a str },
    /// Add or change a course element. `owner` is the university stored with the element
    /// (`None` for a new one); `claimed` the one the request names. Both must be the actor's.
    WriteCourseElement {
        owner: Option<&'a str>,
        claimed: &'a str,
    },
    /// Create a specification (a draft).
    CreateSpecification,
    /// Change or submit a specification: its author, a teacher of a university delivering one
    /// of its course elements, or the administrator.
    EditSpecification {
        author: Option<&'a str>,
        delivering: &'a [String],
    },
    /// Read a specification version: published ones anyone signed in; drafts and versions
    /// under review only the alliance's staff (teachers, registrars, reviewers).
    ReadSpecification { state: ReviewState },
    /// List every specification's newest version (drafts included).
    ListSpecifications,
    /// Give the jury's or the task group's preliminary advice.
    Advise,
    /// The board's decision, and retiring a published specification.
    Decide,
    /// The review queue.
    ReadReviewQueue,
    /// Record results for a course element of `university`.
    RecordResults { university: &'a str },
    /// Upload results files at all (each row is then checked with `RecordResults`).
    ImportResults,
    /// Issue a specification awarded by these bodies (university ids, or `alliance`).
    Issue { awarding: &'a [String] },
    /// Revoke, suspend, reinstate or correct a credential `issuer` issued.
    ChangeCredential { issuer: &'a str },
    /// Read a credential: its learner, a registrar of its issuer, the administrator.
    ReadCredential { issuer: &'a str, learner: &'a str },
    /// Read a learner's personal data and results: the learner, registrars of universities
    /// the learner is known at (`universities`), the administrator.
    ReadLearner {
        learner: &'a str,
        universities: &'a [String],
    },
    /// Record an external credential for a learner (towards a stacked credential): the
    /// learner, registrars of universities the learner is known at, the administrator.
    RecordExternalCredential {
        learner: &'a str,
        universities: &'a [String],
    },
    /// Look learners up (each found one is then filtered with `ReadLearner`).
    FindLearners,
    /// Bind an account to a learner: the administrator (a learner binds their own by
    /// accepting an invitation, which is not this action).
    BindLearnerAccount,
    /// Invite a learner to make (or bind) their own account: a registrar of a university the
    /// learner is known at, or the administrator. The invitation is the learner's to accept.
    InviteLearner { universities: &'a [String] },
    /// Merge two learner records: a registrar of every university either is known at, or the
    /// administrator.
    MergeLearners { universities: &'a [String] },
    /// Sign a credential through the VC API as university `issuer`.
    SignAs { issuer: &'a str },
}

fn is_admin(actor: &Account) -> bool {
    actor.has(Role::AllianceAdmin)
}

fn registrar_of(actor: &Account, university: &str) -> bool {
    actor.has_for(Role::Registrar, university)
}

fn staff(actor: &Account) -> bool {
    [
        Role::AllianceAdmin,
        Role::Teacher,
        Role::Registrar,
        Role::Jury,
        Role::TaskGroup,
        Role::Board,
    ]
    .into_iter()
    .any(|r| actor.has(r))
}

fn refused(why: impl Into<String>) -> PlatformError {
    PlatformError::Forbidden(why.into())
}

/// Whether `actor` may do `action`; refused with the reason (who may) otherwise.
pub fn may(actor: &Account, action: Action<'_>) -> Result<()> {
    if actor.disabled {
        return Err(refused("this account is disabled"));
    }
    // Review is the bodies' own: the administrator configures, and neither advises nor decides.
    let reviewing = matches!(action, Action::Advise | Action::Decide);
    if is_admin(actor) && !reviewing {
        return Ok(());
    }
    let allowed = match action {
        Action::AdministerAlliance => false,
        Action::AdministerUniversity { .. } => false,
        Action::DescribeUniversity { university } => registrar_of(actor, university),
        Action::WriteCourseElement { owner, claimed } => {
            let writes_for =
                |u: &str| actor.has_for(Role::Teacher, u) || actor.has_for(Role::Registrar, u);
            owner.is_none_or(writes_for) && writes_for(claimed)
        }
        Action::CreateSpecification => actor.has(Role::Teacher),
        Action::EditSpecification { author, delivering } => {
            actor.has(Role::Teacher)
                && (author == Some(actor.id.as_str())
                    || delivering.iter().any(|u| actor.has_for(Role::Teacher, u)))
        }
        Action::ReadSpecification { state } => public_version(state) || staff(actor),
        Action::ListSpecifications => staff(actor),
        Action::Advise => actor.has(Role::Jury) || actor.has(Role::TaskGroup),
        Action::Decide => actor.has(Role::Board),
        Action::ReadReviewQueue => {
            actor.has(Role::Jury) || actor.has(Role::TaskGroup) || actor.has(Role::Board)
        }
        Action::RecordResults { university } => registrar_of(actor, university),
        Action::ImportResults | Action::FindLearners => actor.has(Role::Registrar),
        Action::Issue { awarding } => awarding.iter().any(|u| registrar_of(actor, u)),
        Action::ChangeCredential { issuer } => registrar_of(actor, issuer),
        Action::ReadCredential { issuer, learner } => {
            own_learner(actor, learner) || registrar_of(actor, issuer)
        }
        Action::ReadLearner {
            learner,
            universities,
        }
        | Action::RecordExternalCredential {
            learner,
            universities,
        } => own_learner(actor, learner) || universities.iter().any(|u| registrar_of(actor, u)),
        Action::BindLearnerAccount => false,
        Action::InviteLearner { universities } => {
            universities.iter().any(|u| registrar_of(actor, u))
        }
        Action::MergeLearners { universities } => {
            !universities.is_empty() && universities.iter().all(|u| registrar_of(actor, u))
        }
        Action::SignAs { issuer } => registrar_of(actor, issuer),
    };
    if allowed {
        return Ok(());
    }
    Err(refused(match action {
        Action::AdministerAlliance => "only the alliance administrator may do this".to_owned(),
        Action::AdministerUniversity { university } => format!(
            "only the alliance administrator manages the keys and signatories of `{university}`"
        ),
        Action::DescribeUniversity { university } => {
            format!("only a registrar of `{university}` may change what it shows")
        }
        Action::WriteCourseElement { owner, claimed } => match owner {
            Some(owner) if owner != claimed => format!(
                "this course element belongs to `{owner}`: only its teachers or registrars change it, and it cannot be moved to `{claimed}`"
            ),
            Some(owner) => format!(
                "this course element belongs to `{owner}`: only its teachers or registrars change it"
            ),
            None => format!("only a teacher or registrar of `{claimed}` adds its course elements"),
        },
        Action::CreateSpecification => "only a teacher writes specifications".to_owned(),
        Action::EditSpecification { .. } => "only its author or a teacher of a university delivering its elements may change it".to_owned(),
        Action::ReadSpecification { .. } | Action::ListSpecifications => {
            "specifications not yet published are for the alliance's teachers, registrars and reviewers".to_owned()
        }
        Action::Advise => "only the jury or the task group give advice".to_owned(),
        Action::Decide => "only the management board decides".to_owned(),
        Action::ReadReviewQueue => "the review queue is for the jury, the task group and the board".to_owned(),
        Action::RecordResults { university } => {
            format!("only a registrar of `{university}` records its results")
        }
        Action::ImportResults | Action::FindLearners => "this is for registrars".to_owned(),
        Action::Issue { awarding } => format!(
            "only a registrar of an awarding body ({}) may issue it",
            awarding.join(", ")
        ),
        Action::ChangeCredential { issuer } => {
            format!("only a registrar of `{issuer}`, which issued it, may change it")
        }
        Action::ReadCredential { .. } => "this credential is not yours to see".to_owned(),
        Action::ReadLearner { .. } => {
            "a registrar sees the learners of their own university only".to_owned()
        }
        Action::RecordExternalCredential { .. } => {
            "a learner records their own credentials; a registrar those of their university's learners".to_owned()
        }
        Action::BindLearnerAccount => "only the alliance administrator binds an account to a learner; learners make their own account from an invitation".to_owned(),
        Action::InviteLearner { .. } => {
            "a registrar invites the learners of their own university only".to_owned()
        }
        Action::MergeLearners { universities } => format!(
            "merging needs a registrar of every university the learners are known at ({}), or the administrator",
            universities.join(", ")
        ),
        Action::SignAs { issuer } => format!("only a registrar of `{issuer}` may sign as it"),
    }))
}

/// Which credentials an actor may list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialScope {
    /// Every credential (the administrator).
    All,
    /// A learner's own.
    Learner(String),
    /// Those these universities issued (a registrar's).
    Issuers(Vec<String>),
    /// None.
    Nothing,
}

/// Which credentials `actor` may list.
pub fn credential_scope(actor: &Account) -> CredentialScope {
    if actor.disabled {
        return CredentialScope::Nothing;
    }
    if is_admin(actor) {
        return CredentialScope::All;
    }
    if let Some(learner) = actor
        .learner_id
        .clone()
        .filter(|_| actor.has(Role::Learner))
    {
        return CredentialScope::Learner(learner);
    }
    let universities: Vec<String> = actor
        .grants
        .iter()
        .filter(|g| g.role == Role::Registrar)
        .filter_map(|g| g.university.clone())
        .collect();
    if universities.is_empty() {
        CredentialScope::Nothing
    } else {
        CredentialScope::Issuers(universities)
    }
}

/// Whether anyone may read a specification version in this state: it was published (a retired
/// version was, and its credentials still name it).
pub fn public_version(state: ReviewState) -> bool {
    matches!(state, ReviewState::Published | ReviewState::Retired)
}

/// [`may`] as a yes or no, for pages deciding which buttons to show.
pub fn allows(actor: &Account, action: Action<'_>) -> bool {
    may(actor, action).is_ok()
}

fn own_learner(actor: &Account, learner: &str) -> bool {
    actor.has(Role::Learner) && actor.learner_id.as_deref() == Some(learner)
}

#[cfg(test)]
mod tests {
    use microcred_model::{Grant, Role};
    use microcred_store::accounts::Account;

    use super::{Action, allows};

    fn account(grants: &[(Role, Option<&str>)]) -> Account {
        Account {
            id: "a1".into(),
            email: "a@x.eu".into(),
            name: "A".into(),
            password_hash: None,
            learner_id: None,
            disabled: false,
            grants: grants
                .iter()
                .map(|(role, u)| Grant {
                    role: *role,
                    university: u.map(str::to_owned),
                })
                .collect(),
        }
    }

    #[test]
    fn a_course_element_stays_with_its_university() {
        let tub = account(&[(Role::Teacher, Some("tub"))]);
        let write = |owner, claimed| Action::WriteCourseElement { owner, claimed };
        assert!(allows(&tub, write(None, "tub")));
        assert!(allows(&tub, write(Some("tub"), "tub")));
        // The take-over: naming its own university in the body does not make WUT's element TU Berlin's.
        assert!(!allows(&tub, write(Some("wut"), "tub")));
        assert!(!allows(&tub, write(Some("wut"), "wut")));
        assert!(!allows(&tub, write(None, "wut")));
        let wut = account(&[(Role::Registrar, Some("wut"))]);
        assert!(!allows(&wut, write(Some("wut"), "tub")));
        let admin = account(&[(Role::AllianceAdmin, None)]);
        assert!(allows(&admin, write(Some("wut"), "tub")));
        assert!(!allows(&admin, Action::Decide));
    }

    #[test]
    fn learners_are_seen_where_they_are_known() {
        let wut = account(&[(Role::Registrar, Some("wut"))]);
        let known = ["wut".to_owned()];
        let elsewhere = ["tub".to_owned()];
        let read = |universities| Action::ReadLearner {
            learner: "l1",
            universities,
        };
        assert!(allows(&wut, read(&known)));
        assert!(!allows(&wut, read(&elsewhere)));
        assert!(!allows(&wut, read(&[])));
        let mut zoe = account(&[(Role::Learner, None)]);
        zoe.learner_id = Some("l1".into());
        assert!(allows(&zoe, read(&[])));
        assert!(!allows(
            &zoe,
            Action::ReadLearner {
                learner: "l2",
                universities: &known
            }
        ));
        // Binding an account and merging are not a single registrar's to decide; inviting
        // their own university's learner to bind one is.
        assert!(!allows(&wut, Action::BindLearnerAccount));
        assert!(allows(
            &wut,
            Action::InviteLearner {
                universities: &known
            }
        ));
        assert!(!allows(
            &wut,
            Action::InviteLearner {
                universities: &elsewhere
            }
        ));
        let both = ["wut".to_owned(), "tub".to_owned()];
        assert!(!allows(
            &wut,
            Action::MergeLearners {
                universities: &both
            }
        ));
        assert!(allows(
            &wut,
            Action::MergeLearners {
                universities: &known
            }
        ));
        let two = account(&[
            (Role::Registrar, Some("wut")),
            (Role::Registrar, Some("tub")),
        ]);
        assert!(allows(
            &two,
            Action::MergeLearners {
                universities: &both
            }
        ));
    }

    #[test]
    fn drafts_are_for_staff() {
        use microcred_model::ReviewState;
        let learner = account(&[(Role::Learner, None)]);
        let nobody = account(&[]);
        let jury = account(&[(Role::Jury, None)]);
        for who in [&learner, &nobody] {
            assert!(!allows(
                who,
                Action::ReadSpecification {
                    state: ReviewState::Draft
                }
            ));
            assert!(allows(
                who,
                Action::ReadSpecification {
                    state: ReviewState::Published
                }
            ));
        }
        assert!(allows(
            &jury,
            Action::ReadSpecification {
                state: ReviewState::Submitted
            }
        ));
    }

    #[test]
    fn a_disabled_account_may_nothing() {
        let mut admin = account(&[(Role::AllianceAdmin, None)]);
        admin.disabled = true;
        assert!(!allows(&admin, Action::AdministerAlliance));
    }
}
