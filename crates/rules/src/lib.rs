//! Framework rules as data.
//!
//! A [`Profile`] is a versioned set of [`Rule`]s read from a TOML file: each rule tests one
//! [fact](facts) of a specification with one of a few [`Test`]s and, when it fails, yields a
//! [`Finding`] with a severity, the EU element concerned, a message saying what to do, and the
//! paragraph it comes from. The engine knows no framework; the profiles in `profiles/` do.

pub mod checklist;
pub mod engine;
pub mod facts;
pub mod profile;
mod registry;

pub use checklist::{Answer, ChecklistAnswer, answer_checklist};
pub use engine::{Evaluation, Finding, RuleOutcome, evaluate};
pub use facts::{FACT_NAMES, Fact, FactKind, FactValue, Facts, Scope};
pub use profile::{BUILTIN, Profile, ProfileError, Rule, Severity, Test};
pub use registry::{Profiles, UnknownProfile};
