//! The alliance's settings file: which profiles apply by default, where its own profiles and
//! catalogues are.
//!
//! ```toml
//! [alliance]
//! name = "ENHANCE"
//!
//! profiles = ["eu-2022", "enhance-2021"]   # when a specification names none
//! profile_dirs = ["profiles"]             # the alliance's own rule profiles (*.toml)
//! catalogues = ["catalogue.toml"]         # course elements every specification may use
//! suspension = true                       # credentials can be suspended (see below)
//! europass = true                         # the platform also issues Europass EDCs (sealed
//!                                         # with each issuer's e-seal, where it has one)
//!
//! [sign_in]                                # failed sign-ins (defaults shown)
//! slow_after = 3                           # per e-mail: then each attempt waits longer
//! lock_after = 10                          # per e-mail: then locked
//! address_lock_after = 50                  # per source address: then locked
//! lock_minutes = 15
//! ```
//!
//! `suspension = false` issues credentials with a revocation entry only: strictly conformant to
//! the Open Badges 3.0 JSON Schema, which allows one `credentialStatus`, but not suspendable.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use microcred_model::Alliance;

use crate::files::read_source;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
/// An alliance's settings file: its description and rule profiles.
pub struct AllianceSettings {
    /// The alliance.
    pub alliance: Option<Alliance>,
    /// Profiles applied to a specification that names none.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// Folders of the alliance's own profile files, relative to the settings file.
    #[serde(default)]
    pub profile_dirs: Vec<PathBuf>,
    /// Catalogue files every specification may draw course elements from.
    #[serde(default)]
    pub catalogues: Vec<PathBuf>,
    /// Whether credentials the platform issues can be suspended (default: yes).
    pub suspension: Option<bool>,
    /// Whether the platform also issues each credential as a Europass EDC, sealed with its
    /// issuer's e-seal where the issuer has one (default: yes).
    pub europass: Option<bool>,
    /// How failed sign-ins are slowed down and locked.
    #[serde(default)]
    pub sign_in: Option<SignInSettings>,
    /// The folder of the settings file, against which the paths above are read.
    #[serde(skip)]
    pub base: PathBuf,
}

/// `[sign_in]`: each missing value keeps its default.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInSettings {
    pub slow_after: Option<u32>,
    pub lock_after: Option<u32>,
    pub address_lock_after: Option<u32>,
    pub lock_minutes: Option<u32>,
}

impl SignInSettings {
    pub fn limits(&self) -> crate::platform::auth::SignInLimits {
        let default = crate::platform::auth::SignInLimits::default();
        crate::platform::auth::SignInLimits {
            slow_after: self.slow_after.map_or(default.slow_after, i64::from),
            lock_after: self
                .lock_after
                .map_or(default.lock_after, |n| i64::from(n.max(1))),
            address_lock_after: self
                .address_lock_after
                .map_or(default.address_lock_after, |n| i64::from(n.max(1))),
            lock_seconds: self
                .lock_minutes
                .map_or(default.lock_seconds, |m| i64::from(m) * 60),
            ..default
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
/// A settings file that cannot be used.
pub struct SettingsError {
    /// The file.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

impl AllianceSettings {
    /// Reads a settings file.
    pub fn load(path: &Path) -> Result<AllianceSettings, SettingsError> {
        let source = read_source(path).map_err(|e| SettingsError {
            file: e.file.clone(),
            message: e.message,
        })?;
        let mut settings: AllianceSettings =
            toml::from_str(source.text()).map_err(|e| SettingsError {
                file: source.name().to_owned(),
                message: e.to_string().trim_end().to_owned(),
            })?;
        settings.base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(settings)
    }

    /// Every profile file in the alliance's profile folders, sorted.
    pub fn profile_files(&self) -> Result<Vec<PathBuf>, SettingsError> {
        let mut files = Vec::new();
        for dir in &self.profile_dirs {
            let dir = self.base.join(dir);
            let entries = std::fs::read_dir(&dir).map_err(|e| SettingsError {
                file: dir.display().to_string(),
                message: format!("cannot read the profile folder: {e}"),
            })?;
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "toml") {
                    files.push(path);
                }
            }
        }
        files.sort();
        Ok(files)
    }
}
