//! microcred's use cases, above the domain crates and below the CLI and server.
//!
//! Checking specification files against rule profiles; issuing signed micro-credentials from
//! learners' results; key files; verifying credentials against a trust list.

pub mod awarding;
pub mod bundle;
pub mod certificate;
pub mod edc;
pub mod fetch;
mod files;
pub mod grades;
pub mod issue;
mod json_file;
pub mod keys;
pub mod plain;
pub mod platform;
pub mod results;
mod settings;
mod spec_check;
pub mod verify;

pub use files::read_source;
pub use json_file::{JsonFileError, parse_json, read_bytes, read_json};
pub use settings::{AllianceSettings, SettingsError};
pub use spec_check::{CheckError, Checker, LocatedFinding, SpecificationReport};
