//! The profiles known to a run: the built-in ones and an alliance's own.

use crate::profile::{BUILTIN, Profile, ProfileError};

/// A profile name that no known profile has.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule profile `{id}`; known profiles: {known}")]
pub struct UnknownProfile {
    /// The id asked for.
    pub id: String,
    known: String,
}

#[derive(Clone, Debug)]
/// The rule profiles known: the built-in ones and the alliance's own.
pub struct Profiles {
    profiles: Vec<Profile>,
}

impl Profiles {
    /// The built-in profiles (`eu-2022`, `enhance-2021`, `euroteq-2022`).
    pub fn builtin() -> Profiles {
        let profiles = BUILTIN
            .iter()
            .map(|(file, text)| {
                Profile::parse(file, text)
                    .unwrap_or_else(|e| panic!("built-in profile is broken: {e}"))
            })
            .collect();
        Profiles { profiles }
    }

    /// Adds a profile file; one with an id already known replaces it (an alliance may refine a
    /// built-in reading).
    pub fn add(&mut self, file: &str, text: &str) -> Result<&Profile, ProfileError> {
        let profile = Profile::parse(file, text)?;
        self.profiles.retain(|p| p.id != profile.id);
        self.profiles.push(profile);
        Ok(self.profiles.last().expect("just pushed"))
    }

    /// The profile with this id, if known.
    pub fn get(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// Every profile known.
    pub fn all(&self) -> &[Profile] {
        &self.profiles
    }

    /// The profiles named, in order, or the first unknown one.
    pub fn select<'a>(&'a self, ids: &[String]) -> Result<Vec<&'a Profile>, UnknownProfile> {
        ids.iter().map(|id| self.require(id)).collect()
    }

    /// The profile `id`, or an error that lists the known ones.
    pub fn require(&self, id: &str) -> Result<&Profile, UnknownProfile> {
        self.get(id).ok_or_else(|| UnknownProfile {
            id: id.to_owned(),
            known: self
                .profiles
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}
