//! Use case: key files of issuers, written readable by their owner only.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use microcred_credentials::key_file::{IssuerKey, KeyFile, KeyFileError};
use microcred_credentials::keys::SigningKey;
use microcred_edc::key_file::{
    MAX_PKCS12_BYTES, SEAL_KEY_TYPE, SealKeyFile, SealKeyFileError, Signing, from_pkcs12,
    private_key_from_pem,
};
use microcred_edc::x509::{SealCertificate, SealSubject};

use crate::json_file::JsonFileError;

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
    #[error("{path}: {error}")]
    Seal {
        path: String,
        error: SealKeyFileError,
    },
    #[error("{path}: not a key file (its type is neither Multikey nor JAdESSealKey)")]
    UnknownKind { path: String },
}

/// Writes a new file readable by its owner only (mode 0600); never overwrites.
fn write_private_file(path: &Path, text: &str) -> Result<(), KeyFileUseError> {
    let shown = path.display().to_string();
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
        .map_err(|error| KeyFileUseError::Io { path: shown, error })
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
    write_private_file(path, &text)?;
    Ok(file)
}

/// Generates a P-256 seal key with a self-signed certificate naming `subject` (valid `days`
/// days) and writes its seal key file (mode 0600), sealed under `passphrase` if given. For
/// trying Europass credentials out: a real e-seal comes from a trust service provider.
pub fn generate_seal_file(
    path: &Path,
    subject: &SealSubject,
    controller: &str,
    days: u32,
    passphrase: Option<&str>,
) -> Result<SealKeyFile, KeyFileUseError> {
    let file = SealKeyFile::generate_self_signed(subject, controller, days, passphrase).map_err(
        |error| KeyFileUseError::Seal {
            path: path.display().to_string(),
            error,
        },
    )?;
    write_private_file(
        path,
        &serde_json::to_string_pretty(&file).unwrap_or_default(),
    )?;
    Ok(file)
}

/// Largest PEM file read for a seal's key or certificates.
const MAX_PEM_BYTES: usize = 256 * 1024;

/// Where an imported e-seal comes from.
#[derive(Clone, Debug)]
pub enum SealSource<'a> {
    /// PEM files: the private key, and the certificate chain (the seal's own first).
    Pem {
        /// The private key.
        private_key: &'a Path,
        /// The certificates.
        certificates: &'a Path,
    },
    /// A PKCS#12 file (`.p12`, `.pfx`) and its password.
    Pkcs12 {
        /// The file.
        file: &'a Path,
        /// Its password.
        password: &'a str,
    },
}

/// Reads an e-seal — its private key and certificate chain — from where `source` says.
pub fn read_seal(
    source: &SealSource<'_>,
) -> Result<(Signing, Vec<SealCertificate>, PathBuf), KeyFileUseError> {
    let seal_error = |at: &Path, error| KeyFileUseError::Seal {
        path: at.display().to_string(),
        error,
    };
    let read_text = |at: &Path| -> Result<String, KeyFileUseError> {
        let bytes = crate::read_bytes(at, MAX_PEM_BYTES)?;
        String::from_utf8(bytes).map_err(|_| {
            seal_error(
                at,
                SealKeyFileError::PrivateKey("not a PEM text file".into()),
            )
        })
    };
    match source {
        SealSource::Pem {
            private_key,
            certificates,
        } => {
            let chain = SealCertificate::all_from_pem(&read_text(certificates)?)
                .map_err(|e| seal_error(certificates, e.into()))?;
            let key = private_key_from_pem(&read_text(private_key)?)
                .map_err(|e| seal_error(private_key, e))?;
            Ok((key, chain, certificates.to_path_buf()))
        }
        SealSource::Pkcs12 { file, password } => {
            let bytes = crate::read_bytes(file, MAX_PKCS12_BYTES)?;
            let (key, chain) = from_pkcs12(&bytes, password).map_err(|e| seal_error(file, e))?;
            Ok((key, chain, file.to_path_buf()))
        }
    }
}

/// Imports an e-seal into a seal key file at `path` (mode 0600), sealed under `passphrase` if
/// given; the key and the certificate are checked to belong together.
pub fn import_seal_file(
    path: &Path,
    source: &SealSource<'_>,
    controller: &str,
    passphrase: Option<&str>,
) -> Result<SealKeyFile, KeyFileUseError> {
    let (key, chain, read_from) = read_seal(source)?;
    let file = SealKeyFile::new(&key, &chain, controller, passphrase).map_err(|error| {
        KeyFileUseError::Seal {
            path: read_from.display().to_string(),
            error,
        }
    })?;
    write_private_file(
        path,
        &serde_json::to_string_pretty(&file).unwrap_or_default(),
    )?;
    Ok(file)
}

/// Reads a key file — a Multikey (Data Integrity proofs) or a seal key (JAdES seals) — and
/// opens its key (with `passphrase` if it is sealed).
pub fn read_key_file(path: &Path, passphrase: Option<&str>) -> Result<IssuerKey, KeyFileUseError> {
    let bytes = crate::read_bytes(path, 64 * 1024)?;
    let value: Value = crate::parse_json(path, &bytes)?;
    let shown = path.display().to_string();
    match value.get("type").and_then(Value::as_str) {
        Some(SEAL_KEY_TYPE) => {
            let file: SealKeyFile = crate::parse_json(path, &bytes)?;
            file.issuer_key(passphrase)
                .map_err(|error| KeyFileUseError::Seal { path: shown, error })
        }
        Some("Multikey") => {
            let file: KeyFile = crate::parse_json(path, &bytes)?;
            file.issuer_key(passphrase)
                .map_err(|error| KeyFileUseError::Key { path: shown, error })
        }
        _ => Err(KeyFileUseError::UnknownKind { path: shown }),
    }
}

/// Reads a seal key file and gives `key` its e-seal (for issuing both formats).
pub fn add_seal(
    key: &mut IssuerKey,
    path: &Path,
    passphrase: Option<&str>,
) -> Result<(), KeyFileUseError> {
    let sealed = read_key_file(path, passphrase)?;
    if sealed.e_seal.is_none() {
        return Err(KeyFileUseError::Seal {
            path: path.display().to_string(),
            error: SealKeyFileError::NotASealKey("Multikey".into()),
        });
    }
    key.e_seal = sealed.e_seal;
    Ok(())
}
