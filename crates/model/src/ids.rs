//! Identifiers people write in files: `wut`, `wut:se-101`, `enhance-cert-digital-transformation`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a valid identifier: use 1 to 100 lower-case letters, digits and `-` `_` `.` `:`, starting with a letter or digit"
)]
/// Text that is not a valid identifier (lower-case letters, digits, `.`, `_`, `:`, `-`; at most 100).
pub struct IdError(String);

fn check_id(text: &str) -> Result<(), IdError> {
    let mut bytes = text.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let rest_ok =
        bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.:".contains(&b));
    if first_ok && rest_ok && text.len() <= 100 {
        Ok(())
    } else {
        Err(IdError(text.to_owned()))
    }
}

/// Declares a validated identifier type. A function cannot declare types, hence the macro.
macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
        #[serde(transparent)]
        pub struct $name(#[schemars(regex(pattern = r"^[a-z0-9][a-z0-9._:\-]{0,99}$"))] String);

        impl $name {
            /// The identifier, if the text is a valid one.
            pub fn new(text: impl Into<String>) -> Result<Self, IdError> {
                let text = text.into();
                check_id(&text)?;
                Ok($name(text))
            }
            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(text: &str) -> Result<Self, IdError> {
                $name::new(text)
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $name::new(String::deserialize(d)?).map_err(serde::de::Error::custom)
            }
        }
    };
}

identifier!(
    /// A member university of the alliance, e.g. `wut`.
    UniversityId
);
identifier!(
    /// A course element in a university's catalogue, e.g. `wut:se-101`.
    CourseElementId
);
identifier!(
    /// A micro-credential specification, e.g. `enhance-certificate-digital-transformation`.
    SpecificationId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_checked() {
        assert!(UniversityId::new("wut").is_ok());
        assert!(CourseElementId::new("tum:bio-thermo_1.2").is_ok());
        for bad in ["", "WUT", "-x", "a b", "é", &"a".repeat(101)] {
            assert!(UniversityId::new(bad).is_err(), "{bad}");
        }
    }
}
