//! Locating the shared fixtures (`../shared/fixtures` beside the project): tests that need them
//! skip with a message where they are absent, and fail under `CI=true`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;

use microcred_credentials::jsonld::{self, JsonLdError};
use microcred_credentials::rdfc::{HashAlgorithm, WorkBudget, canonicalize};

/// `../shared/fixtures/<relative>`, or `None` (after saying so) outside this workplace.
pub fn fixtures(relative: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(relative);
    if dir.exists() {
        Some(dir)
    } else if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "the fixtures are missing: {} (CI needs ../shared)",
            dir.display()
        );
    } else {
        eprintln!(
            "skipped: {} is absent (outside this workplace)",
            dir.display()
        );
        None
    }
}

pub fn json(dir: &Path, file: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

pub fn text(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// A JSON-LD document's canonical N-Quads (our JSON-LD, then RDFC-1.0 with SHA-256).
pub fn canonical_nquads(document: &Value) -> Result<String, JsonLdError> {
    let quads = jsonld::to_rdf(document)?;
    Ok(canonicalize(
        quads.iter().map(|q| q.as_ref()),
        HashAlgorithm::Sha256,
        WorkBudget::default(),
    )
    .expect("a credential canonicalizes within the budget")
    .nquads)
}
