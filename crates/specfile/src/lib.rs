//! Specification and catalogue files: TOML (what people write) and JSON (what programs
//! exchange), read into the model with every error and every field located by file, line,
//! column and field path. Pure: the caller reads the files (see `microcred-app`).

mod document;
mod error;
mod resolve;
mod schema;
mod source;
mod tree;

pub use document::{Parsed, SpecificationFile, parse_catalogue, parse_specification};
pub use error::ParseError;
pub use resolve::{ResolvedSpecification, resolve};
pub use schema::{catalogue_file_schema, specification_file_schema};
pub use source::{Format, Location, MAX_FILE_BYTES, SourceFile, parent};
pub use tree::MAX_DEPTH;
