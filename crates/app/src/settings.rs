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
pub struct AllianceSettings {
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
    /// The folder of the settings file, against which the paths above are read.
    #[serde(skip)]
    pub base: PathBuf,
}

#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct SettingsError {
    pub file: String,
    pub message: String,
}

impl AllianceSettings {
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
