//! Use case: check specification files against rule profiles.

use std::path::{Path, PathBuf};

use serde::Serialize;

use microcred_model::{Catalogue, Specification};
use microcred_rules::{
    Evaluation, Facts, Finding, Profile, ProfileError, Profiles, Scope, UnknownProfile, evaluate,
};
use microcred_specfile::{
    Location, ParseError, ResolvedSpecification, parse_catalogue, parse_specification, resolve,
};

use crate::files::read_source;
use crate::settings::{AllianceSettings, SettingsError};

/// Profiles applied when neither the command, the specification nor the alliance names any.
pub const DEFAULT_PROFILES: [&str; 1] = ["eu-2022"];

/// Checks specifications with the built-in profiles and the alliance's own.
pub struct Checker {
    profiles: Profiles,
    settings: Option<AllianceSettings>,
}

#[derive(Debug, thiserror::Error)]
/// Why checking could not start.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum CheckError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    File(#[from] ParseError),
}

/// A finding with its place in the files.
#[derive(Clone, Debug, Serialize)]
pub struct LocatedFinding {
    #[serde(flatten)]
    /// The finding.
    pub finding: Finding,
    /// Where in which file.
    pub location: Location,
}

/// The outcome of checking one specification.
#[derive(Clone, Debug)]
pub struct SpecificationReport {
    /// The specification and its catalogues.
    pub specification: ResolvedSpecification,
    /// The profiles applied, in order.
    pub profiles: Vec<String>,
    /// What the rules found.
    pub evaluation: Evaluation,
    /// The evaluation's findings, located.
    pub findings: Vec<LocatedFinding>,
}

impl Checker {
    /// A checker with the built-in profiles and the alliance's own.
    pub fn new(settings: Option<AllianceSettings>) -> Result<Checker, CheckError> {
        let mut checker = Checker {
            profiles: Profiles::builtin(),
            settings: None,
        };
        if let Some(settings) = &settings {
            for file in settings.profile_files()? {
                checker.add_profile_file(&file)?;
            }
        }
        checker.settings = settings;
        Ok(checker)
    }

    /// Adds a profile file (an alliance's own rules); returns its id.
    pub fn add_profile_file(&mut self, path: &Path) -> Result<String, CheckError> {
        let source = read_source(path)?;
        Ok(self.profiles.add(source.name(), source.text())?.id.clone())
    }

    /// The profiles known.
    pub fn profiles(&self) -> &Profiles {
        &self.profiles
    }

    /// The alliance, as its settings describe it.
    pub fn alliance(&self) -> Option<&microcred_model::Alliance> {
        self.settings.as_ref().and_then(|s| s.alliance.as_ref())
    }

    /// Reads a specification with the catalogue files it names and the alliance's catalogues.
    pub fn load(&self, path: &Path) -> Result<ResolvedSpecification, ParseError> {
        let parsed = parse_specification(read_source(path)?)?;
        let here = path.parent().unwrap_or(Path::new(""));
        let mut catalogue_paths: Vec<PathBuf> = parsed
            .content
            .catalogue_files
            .iter()
            .map(|f| tidy(&here.join(f)))
            .collect();
        if let Some(settings) = &self.settings {
            catalogue_paths.extend(
                settings
                    .catalogues
                    .iter()
                    .map(|c| tidy(&settings.base.join(c))),
            );
        }
        // A catalogue named both by the specification and by the alliance is read once.
        let mut seen = Vec::new();
        catalogue_paths.retain(|p| {
            let key = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
            let new = !seen.contains(&key);
            seen.push(key);
            new
        });
        let mut catalogues = Vec::new();
        for (i, catalogue_path) in catalogue_paths.iter().enumerate() {
            let source = read_source(catalogue_path).map_err(|mut error| {
                // Point at the `catalogue` entry that names the missing file.
                if i < parsed.content.catalogue_files.len()
                    && error.line == 1
                    && error.field.is_none()
                {
                    let at = parsed.locate("catalogue");
                    error = ParseError {
                        file: at.file,
                        line: at.line,
                        column: at.column,
                        field: Some("catalogue".into()),
                        ..error
                    };
                }
                error
            })?;
            catalogues.push(parse_catalogue(source)?);
        }
        resolve(parsed, catalogues)
    }

    /// The profiles for a specification: those asked for, else the specification's own, else
    /// the alliance's defaults, else [`DEFAULT_PROFILES`].
    pub fn choose_profiles<'a>(
        &'a self,
        specification: &ResolvedSpecification,
        asked: &[String],
    ) -> Result<Vec<&'a Profile>, ParseError> {
        let (names, from_file) = self.profile_names(&specification.specification, asked);
        self.profiles.select(&names).map_err(|unknown| {
            let message = unknown.to_string();
            match names
                .iter()
                .position(|n| *n == unknown.id)
                .filter(|_| from_file)
            {
                Some(i) => {
                    let at = specification.locate(&format!("profiles[{i}]"));
                    ParseError {
                        file: at.file,
                        line: at.line,
                        column: at.column,
                        field: Some(at.field),
                        message,
                        help: None,
                    }
                }
                None => ParseError::whole_file(specification.source().name(), message),
            }
        })
    }

    /// The profiles a specification that names none is checked against: the alliance's, or
    /// [`DEFAULT_PROFILES`].
    pub fn default_profile_names(&self) -> Vec<String> {
        match self.settings.as_ref().filter(|s| !s.profiles.is_empty()) {
            Some(settings) => settings.profiles.clone(),
            None => DEFAULT_PROFILES.iter().map(|p| p.to_string()).collect(),
        }
    }

    /// The profile ids for a specification: those asked for, else its own, else the
    /// defaults ([`Checker::default_profile_names`]); and whether the specification named them.
    fn profile_names(
        &self,
        specification: &Specification,
        asked: &[String],
    ) -> (Vec<String>, bool) {
        let own = &specification.profiles;
        if !asked.is_empty() {
            (asked.to_vec(), false)
        } else if !own.is_empty() {
            (own.clone(), true)
        } else {
            (self.default_profile_names(), false)
        }
    }

    /// Checks a specification held in memory (as the platform stores it) against its profiles.
    pub fn evaluate(
        &self,
        specification: &Specification,
        catalogue: &Catalogue,
    ) -> Result<(Vec<String>, Evaluation), UnknownProfile> {
        let (names, _) = self.profile_names(specification, &[]);
        let profiles = self.profiles.select(&names)?;
        let alliance = self.settings.as_ref().and_then(|s| s.alliance.as_ref());
        let facts = Facts::of_specification(specification, catalogue, alliance);
        let evaluation = evaluate(&profiles, &facts, Scope::Specification);
        Ok((names, evaluation))
    }

    /// Reads and checks one specification file.
    pub fn check(&self, path: &Path, asked: &[String]) -> Result<SpecificationReport, ParseError> {
        let specification = self.load(path)?;
        let profiles = self.choose_profiles(&specification, asked)?;
        let alliance = self.settings.as_ref().and_then(|s| s.alliance.as_ref());
        let facts = Facts::of_specification(
            &specification.specification,
            &specification.catalogue,
            alliance,
        );
        let evaluation = evaluate(&profiles, &facts, Scope::Specification);
        let findings = evaluation
            .findings
            .iter()
            .map(|finding| LocatedFinding {
                location: specification.locate(&finding.field),
                finding: finding.clone(),
            })
            .collect();
        let profiles = profiles.iter().map(|p| p.id.clone()).collect();
        Ok(SpecificationReport {
            specification,
            profiles,
            evaluation,
            findings,
        })
    }
}

/// `examples/a/../catalogues/x.toml` → `examples/catalogues/x.toml`, for paths shown to people.
/// Lexical only: a `..` after a symbolic link may then name another file, which is acceptable
/// for files people name in their own specifications.
fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
