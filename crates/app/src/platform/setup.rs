//! Opening the platform: which database (SQLite in the data folder unless `DATABASE_URL` names
//! PostgreSQL), and the key that encrypts signing keys at rest (from `MICROCRED_KEY_ENCRYPTION_KEY`,
//! else a key file made once in the data folder, readable by its owner only).

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;

use microcred_store::Store;

use super::{Config, Platform, PlatformError, Result};
use crate::{AllianceSettings, Checker};

/// The environment variable holding the key-encryption key (32 bytes, base64url).
pub const KEY_VARIABLE: &str = "MICROCRED_KEY_ENCRYPTION_KEY";
/// The file in the data folder that holds it when the variable is not set.
pub const KEY_FILE: &str = "key-encryption.key";

/// Where the platform's data is and how it is reached.
#[derive(Clone, Debug)]
pub struct Setup {
    /// The data folder (the SQLite database, the key file).
    pub data: PathBuf,
    /// `DATABASE_URL`: PostgreSQL for the scale-out path; SQLite in `data` if absent.
    pub database_url: Option<String>,
    /// Where the platform is served (DIDs and links are made from it).
    pub public_url: String,
    /// The alliance's settings file, if given.
    pub settings: Option<AllianceSettings>,
}

/// Where the key-encryption key came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// `MICROCRED_KEY_ENCRYPTION_KEY`.
    Environment,
    /// The key file in the data folder.
    ExistingFile,
    /// A key made now and written to the data folder.
    NewFile,
}

fn decode_key(text: &str, from: &str) -> Result<[u8; 32]> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim().trim_end_matches('='))
        .map_err(|_| PlatformError::Internal(format!("{from} is not base64url")))?;
    bytes
        .try_into()
        .map_err(|_| PlatformError::Internal(format!("{from} is not 32 bytes")))
}

/// The key-encryption key: from the environment, else from (or into) the data folder.
pub fn key_encryption_key(data: &Path) -> Result<([u8; 32], KeySource)> {
    if let Ok(text) = std::env::var(KEY_VARIABLE) {
        return Ok((decode_key(&text, KEY_VARIABLE)?, KeySource::Environment));
    }
    let path = data.join(KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok((
            decode_key(&text, &path.display().to_string())?,
            KeySource::ExistingFile,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = [0u8; 32];
            getrandom::fill(&mut key)
                .map_err(|_| PlatformError::Internal("no random bytes for the key".into()))?;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options
                .open(&path)
                .map_err(|e| PlatformError::Internal(format!("{}: {e}", path.display())))?;
            file.write_all(
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(key)
                    .as_bytes(),
            )
            .map_err(|e| PlatformError::Internal(format!("{}: {e}", path.display())))?;
            Ok((key, KeySource::NewFile))
        }
        Err(e) => Err(PlatformError::Internal(format!("{}: {e}", path.display()))),
    }
}

impl Setup {
    /// The database URL in use.
    pub fn database(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data.join("microcred.db").display()))
    }

    /// Opens the store (bringing its schema up to date) and the platform.
    pub async fn open(&self) -> Result<(Platform, KeySource)> {
        std::fs::create_dir_all(&self.data)
            .map_err(|e| PlatformError::Internal(format!("{}: {e}", self.data.display())))?;
        let (key, source) = key_encryption_key(&self.data)?;
        let store = Store::connect(&self.database())
            .await
            .map_err(|e| PlatformError::Internal(format!("{}: {e}", redact(&self.database()))))?;
        let checker = Checker::new(self.settings.clone())
            .map_err(|e| PlatformError::Internal(e.to_string()))?;
        let config = Config {
            public_url: self.public_url.trim_end_matches('/').to_owned(),
            key_encryption_key: key,
            suspension: self
                .settings
                .as_ref()
                .and_then(|s| s.suspension)
                .unwrap_or(true),
            sign_in: self
                .settings
                .as_ref()
                .and_then(|s| s.sign_in.as_ref())
                .map(|s| s.limits())
                .unwrap_or_default(),
        };
        let europass = self
            .settings
            .as_ref()
            .and_then(|s| s.europass)
            .unwrap_or(true);
        let verify_page = format!("{}/verify", config.base());
        let platform = Platform::new(store, config, checker)
            .with_formats(crate::edc::issuing_formats(europass, Some(verify_page)));
        Ok((platform, source))
    }
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            super::redact("postgres://app:s3cret@db.example:5432/microcred"),
            "postgres://app:***@db.example:5432/microcred"
        );
        assert_eq!(super::redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }

    #[test]
    fn the_key_file_is_made_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("microcred-kek-{}", microcred_store::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        // When the variable is set it takes precedence, and there is no file to check.
        if std::env::var(super::KEY_VARIABLE).is_ok() {
            return;
        }
        let (first, source) = super::key_encryption_key(&dir).unwrap();
        assert_eq!(source, super::KeySource::NewFile);
        let (again, source) = super::key_encryption_key(&dir).unwrap();
        assert_eq!((again, source), (first, super::KeySource::ExistingFile));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(super::KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
