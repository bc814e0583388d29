//! Use case: key files of issuers, written readable by their owner only.

use std::io::Write;
use std::path::Path;

use microcred_credentials::key_file::{IssuerKey, KeyFile, KeyFileError};
use microcred_credentials::keys::SigningKey;

use crate::json_file::{JsonFileError, read_json};

#[derive(Debug, thiserror::Error)]
/// Why a key file cannot be made or used.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum KeyFileUseError {
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("{path} exists: remove it first, microcred never overwrites a key")]
    Exists { path: String },
    #[error(transparent)]
    Json(#[from] JsonFileError),
    #[error("{path}: {error}")]
    Key { path: String, error: KeyFileError },
}

/// Generates a key and writes its key file (mode 0600), sealed under `passphrase` if given.
/// `did_web`: the issuer's did:web and the key's fragment; else the key's own did:key.
pub fn generate_key_file(
    path: &Path,
    did_web: Option<(&str, &str)>,
    passphrase: Option<&str>,
) -> Result<KeyFile, KeyFileUseError> {
    let shown = path.display().to_string();
    let key_error = |error| KeyFileUseError::Key {
        path: shown.clone(),
        error,
    };
    let key = SigningKey::generate().map_err(|e| key_error(KeyFileError::Key(e)))?;
    let file = KeyFile::new(&key, did_web, passphrase).map_err(key_error)?;
    let text = serde_json::to_string_pretty(&file).unwrap_or_default();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::AlreadyExists {
            KeyFileUseError::Exists {
                path: shown.clone(),
            }
        } else {
            KeyFileUseError::Io {
                path: shown.clone(),
                error,
            }
        }
    })?;
    out.write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .map_err(|error| KeyFileUseError::Io {
            path: shown.clone(),
            error,
        })?;
    Ok(file)
}

/// Reads a key file and opens its key (with `passphrase` if it is sealed).
pub fn read_key_file(path: &Path, passphrase: Option<&str>) -> Result<IssuerKey, KeyFileUseError> {
    let file: KeyFile = read_json(path, 64 * 1024)?;
    file.issuer_key(passphrase)
        .map_err(|error| KeyFileUseError::Key {
            path: path.display().to_string(),
            error,
        })
}
