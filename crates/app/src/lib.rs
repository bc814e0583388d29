//! microcred's use cases, above the domain crates and below the CLI and server.
//!
//! So far: checking specification files against rule profiles chosen by the command line,
//! the specification, or the alliance's settings.

mod files;
mod settings;
mod spec_check;

pub use files::read_source;
pub use settings::{AllianceSettings, SettingsError};
pub use spec_check::{CheckError, Checker, LocatedFinding, SpecificationReport};
