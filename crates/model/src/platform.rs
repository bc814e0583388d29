//! The platform's own vocabulary: who people are to it (roles, granted per university where a
//! role is scoped), where a specification is in its review, and what state an issued credential
//! is in. The store persists these by their names; the app decides with them; the server
//! answers with them.

use serde::{Deserialize, Serialize};

/// What a person may do. University-scoped roles hold for one university only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Configures the alliance: universities, keys, accounts.
    AllianceAdmin,
    /// Records results, issues, revokes, for one university.
    Registrar,
    /// Writes specifications and course elements of one university.
    Teacher,
    /// The Teaching Fund jury: preliminary advice on submitted specifications.
    Jury,
    /// The task group: preliminary advice on submitted specifications.
    TaskGroup,
    /// The management board: decides on submitted specifications.
    Board,
    /// Owns credentials; sees only their own.
    Learner,
}

impl Role {
    /// Every value.
    pub const ALL: [Role; 7] = [
        Role::AllianceAdmin,
        Role::Registrar,
        Role::Teacher,
        Role::Jury,
        Role::TaskGroup,
        Role::Board,
        Role::Learner,
    ];

    /// The name stored and shown.
    pub fn name(self) -> &'static str {
        match self {
            Role::AllianceAdmin => "alliance-admin",
            Role::Registrar => "registrar",
            Role::Teacher => "teacher",
            Role::Jury => "jury",
            Role::TaskGroup => "task-group",
            Role::Board => "board",
            Role::Learner => "learner",
        }
    }

    /// The value a name stands for.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Whether the role is held for one university (and needs it named).
    pub fn per_university(self) -> bool {
        matches!(self, Role::Registrar | Role::Teacher)
    }
}

/// A role, and for university-scoped roles, the university.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    /// The role granted.
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The university, for a university-scoped role.
    pub university: Option<String>,
}

/// What state an issued credential is in; its status list bits say the same to verifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialState {
    /// In force.
    Active,
    /// Withdrawn for now; may be reinstated.
    Suspended,
    /// Withdrawn for good.
    Revoked,
}

impl CredentialState {
    /// The name stored and shown.
    pub fn name(self) -> &'static str {
        match self {
            CredentialState::Active => "active",
            CredentialState::Suspended => "suspended",
            CredentialState::Revoked => "revoked",
        }
    }

    /// The value a name stands for.
    pub fn parse(name: &str) -> Option<CredentialState> {
        [
            CredentialState::Active,
            CredentialState::Suspended,
            CredentialState::Revoked,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }
}

/// Where a version is in the review workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewState {
    /// Being written; editable.
    Draft,
    /// Submitted for review: the jury and task group advise, the board decides.
    Submitted,
    /// Sent back by the board; editable again.
    ChangesRequested,
    /// Refused by the board.
    Rejected,
    /// Approved by the board: in the catalogue, immutable, credentials may be issued.
    Published,
    /// No longer offered; its credentials stay valid.
    Retired,
}

impl ReviewState {
    /// Every value.
    pub const ALL: [ReviewState; 6] = [
        ReviewState::Draft,
        ReviewState::Submitted,
        ReviewState::ChangesRequested,
        ReviewState::Rejected,
        ReviewState::Published,
        ReviewState::Retired,
    ];

    /// The name stored and shown.
    pub fn name(self) -> &'static str {
        match self {
            ReviewState::Draft => "draft",
            ReviewState::Submitted => "submitted",
            ReviewState::ChangesRequested => "changes-requested",
            ReviewState::Rejected => "rejected",
            ReviewState::Published => "published",
            ReviewState::Retired => "retired",
        }
    }

    /// The value a name stands for.
    pub fn parse(name: &str) -> Option<ReviewState> {
        ReviewState::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether a version in this state may still be edited.
    pub fn editable(self) -> bool {
        matches!(self, ReviewState::Draft | ReviewState::ChangesRequested)
    }
}
