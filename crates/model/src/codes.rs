//! ISO language and country codes, checked against the ISO tables in `codes_tables.rs`.
//!
//! Both are stored as an index into their table, so they are `Copy` and always valid.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::codes_tables::{COUNTRIES, LANGUAGES};

/// A language, written as its ISO 639-1 two-letter code (`en`, `de`, `pl`, `el`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LanguageCode(u16);

impl LanguageCode {
    /// English, the language every text has.
    pub const ENGLISH: LanguageCode = LanguageCode(english_index());

    /// Looks up a two-letter code, case-insensitively.
    pub fn parse(code: &str) -> Result<Self, CodeError> {
        let lower = code.trim().to_ascii_lowercase();
        LANGUAGES
            .binary_search_by(|(alpha2, _, _)| (*alpha2).cmp(lower.as_str()))
            .map(|i| LanguageCode(i as u16))
            .map_err(|_| CodeError::UnknownLanguage(code.to_owned()))
    }

    /// The ISO 639-1 code, e.g. `en`.
    pub fn as_str(self) -> &'static str {
        LANGUAGES[self.0 as usize].0
    }

    /// The ISO 639-2/T code, e.g. `eng`, as the EU language authority table uses (upper-cased).
    pub fn alpha3(self) -> &'static str {
        LANGUAGES[self.0 as usize].1
    }

    /// The language's English name, e.g. `Polish`.
    pub fn english_name(self) -> &'static str {
        LANGUAGES[self.0 as usize].2
    }
}

const fn english_index() -> u16 {
    let mut i = 0;
    while i < LANGUAGES.len() {
        let code = LANGUAGES[i].0.as_bytes();
        if code.len() == 2 && code[0] == b'e' && code[1] == b'n' {
            return i as u16;
        }
        i += 1;
    }
    panic!("the language table lacks English");
}

/// A country, written as its ISO 3166-1 alpha-2 code (`PL`, `DE`, `IE`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryCode(u16);

impl CountryCode {
    /// Looks up an alpha-2 code, case-insensitively.
    pub fn parse(code: &str) -> Result<Self, CodeError> {
        let upper = code.trim().to_ascii_uppercase();
        COUNTRIES
            .binary_search_by(|(alpha2, _, _)| (*alpha2).cmp(upper.as_str()))
            .map(|i| CountryCode(i as u16))
            .map_err(|_| CodeError::UnknownCountry(code.to_owned()))
    }

    /// The two-letter code, e.g. `PL`.
    pub fn as_str(self) -> &'static str {
        COUNTRIES[self.0 as usize].0
    }

    /// The alpha-3 code, e.g. `IRL`, as the EU country authority table uses.
    pub fn alpha3(self) -> &'static str {
        COUNTRIES[self.0 as usize].1
    }

    /// The country's English short name, e.g. `Poland`.
    pub fn english_name(self) -> &'static str {
        COUNTRIES[self.0 as usize].2
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
/// A code that is not in the ISO tables.
pub enum CodeError {
    #[error(
        "unknown language code `{0}`: use an ISO 639-1 two-letter code such as `en`, `de`, `pl` or `el`"
    )]
    /// Not an ISO 639-1 language code.
    UnknownLanguage(String),
    #[error(
        "unknown country code `{0}`: use an ISO 3166-1 alpha-2 code such as `PL`, `DE` or `IE`"
    )]
    /// Not an ISO 3166-1 alpha-2 country code.
    UnknownCountry(String),
}

macro_rules! code_traits {
    ($ty:ident, $what:literal, $pattern:literal) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($ty), self.as_str())
            }
        }
        impl std::str::FromStr for $ty {
            type Err = CodeError;
            fn from_str(s: &str) -> Result<Self, CodeError> {
                $ty::parse(s)
            }
        }
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                $ty::parse(&text).map_err(serde::de::Error::custom)
            }
        }
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "description": $what,
                    "pattern": $pattern
                })
            }
        }
    };
}

code_traits!(
    LanguageCode,
    "ISO 639-1 two-letter language code, e.g. `en`",
    "^[A-Za-z]{2}$"
);
code_traits!(
    CountryCode,
    "ISO 3166-1 alpha-2 country code, e.g. `PL`",
    "^[A-Za-z]{2}$"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_looked_up_case_insensitively() {
        let greek = LanguageCode::parse("EL").unwrap();
        assert_eq!(greek.as_str(), "el");
        assert_eq!(greek.alpha3(), "ell");
        assert_eq!(LanguageCode::ENGLISH.as_str(), "en");
        assert!(LanguageCode::parse("xx").is_err());
        assert!(LanguageCode::parse("").is_err());
        assert!(LanguageCode::parse("eng").is_err());
    }

    #[test]
    fn countries_carry_their_alpha3_code() {
        let ireland = CountryCode::parse("ie").unwrap();
        assert_eq!(ireland.as_str(), "IE");
        assert_eq!(ireland.alpha3(), "IRL");
        assert!(CountryCode::parse("XX").is_err());
        assert!(CountryCode::parse("Ü").is_err());
    }

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(LANGUAGES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
