//! Reading JSON files people give us (credentials, trust lists, key files): bounded in size,
//! errors naming the file, line and column.

use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
/// Why a JSON file cannot be read.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum JsonFileError {
    #[error("{path}: cannot read the file: {message}")]
    Unreadable { path: String, message: String },
    #[error("{path}: the file is over {limit} bytes")]
    TooLarge { path: String, limit: usize },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
}

/// Reads at most `limit` bytes of a file.
pub fn read_bytes(path: &Path, limit: usize) -> Result<Vec<u8>, JsonFileError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| JsonFileError::Unreadable {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| JsonFileError::Unreadable {
            path: shown.clone(),
            message: e.to_string(),
        })?;
    if bytes.len() > limit {
        return Err(JsonFileError::TooLarge { path: shown, limit });
    }
    Ok(bytes)
}

/// Parses JSON bytes read from `path`, naming the line and column of an error.
pub fn parse_json<T: DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<T, JsonFileError> {
    serde_json::from_slice(bytes).map_err(|e| JsonFileError::Invalid {
        path: path.display().to_string(),
        line: e.line(),
        column: e.column(),
        message: e
            .to_string()
            .split(" at line")
            .next()
            .unwrap_or_default()
            .to_owned(),
    })
}

/// Reads and parses a JSON file of at most `limit` bytes.
pub fn read_json<T: DeserializeOwned>(path: &Path, limit: usize) -> Result<T, JsonFileError> {
    parse_json(path, &read_bytes(path, limit)?)
}
