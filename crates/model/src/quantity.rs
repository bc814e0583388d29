//! Exact quantities of the standard: ECTS credits, EQF levels, QF-EHEA cycles.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A number of ECTS credits, kept exactly to the hundredth (2.5 stays 2.5, never 2.4999…).
///
/// Zero is refused (a micro-credential without credits leaves the field out) and so is
/// anything above [`EctsCredits::MAX`], which no degree reaches: such a number is a mistake.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct EctsCredits {
    hundredths: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
/// A number that is not a plausible ECTS amount or EQF level.
pub enum QuantityError {
    #[error("ECTS credits must be a positive number like 5 or 2.5, found `{0}`")]
    /// Not a number.
    NotCredits(String),
    #[error(
        "ECTS credits must be greater than 0, found {0}: leave the field out when no credits are assigned"
    )]
    /// Zero or negative.
    NonPositiveCredits(String),
    #[error("{0} ECTS is not plausible: no degree exceeds {max} ECTS", max = EctsCredits::MAX)]
    /// More than any degree has.
    AbsurdCredits(String),
    #[error("ECTS credits have at most two decimals, found {0}")]
    /// Finer than hundredths.
    TooPrecise(String),
    #[error("EQF levels run from 1 to 8, found {0}")]
    /// Not 1 to 8.
    EqfOutOfRange(i64),
}

impl EctsCredits {
    /// The largest number of credits taken as plausible (a six-year degree).
    pub const MAX: u32 = 360;

    /// The credits from hundredths of ECTS (`750` is 7.5 ECTS).
    pub fn from_hundredths(hundredths: u32) -> Result<Self, QuantityError> {
        let shown = format_hundredths(hundredths);
        if hundredths == 0 {
            Err(QuantityError::NonPositiveCredits(shown))
        } else if hundredths > Self::MAX * 100 {
            Err(QuantityError::AbsurdCredits(shown))
        } else {
            Ok(EctsCredits { hundredths })
        }
    }

    /// The credits in hundredths of ECTS, exact.
    pub fn hundredths(self) -> u32 {
        self.hundredths
    }

    /// For display and ratios only; comparisons and sums stay exact.
    pub fn as_f64(self) -> f64 {
        f64::from(self.hundredths) / 100.0
    }

    /// Sum of several amounts (exact). `None` for an empty list.
    pub fn sum(amounts: impl IntoIterator<Item = EctsCredits>) -> Option<u64> {
        let mut total = None;
        for amount in amounts {
            *total.get_or_insert(0u64) += u64::from(amount.hundredths);
        }
        total
    }
}

/// Formats hundredths as a decimal without trailing zeros: 250 → "2.5", 500 → "5".
pub fn format_hundredths(hundredths: impl Into<u64>) -> String {
    let hundredths = hundredths.into();
    let (whole, fraction) = (hundredths / 100, hundredths % 100);
    match fraction {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

impl FromStr for EctsCredits {
    type Err = QuantityError;

    /// Parses a decimal written by a person: `5`, `2.5`, `7,5` (a decimal comma is accepted).
    fn from_str(text: &str) -> Result<Self, QuantityError> {
        let text = text.trim();
        let not_credits = || QuantityError::NotCredits(text.to_owned());
        if text.starts_with('-') {
            return Err(QuantityError::NonPositiveCredits(text.to_owned()));
        }
        let normalised = text.replace(',', ".");
        let (whole, fraction) = normalised.split_once('.').unwrap_or((&normalised, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !(fraction.is_empty() || digits(fraction)) {
            return Err(not_credits());
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > 2 {
            return Err(QuantityError::TooPrecise(text.to_owned()));
        }
        let whole: u64 = whole
            .trim_start_matches('0')
            .parse()
            .or_else(|_| {
                if whole.bytes().all(|b| b == b'0') {
                    Ok(0)
                } else {
                    Err(())
                }
            })
            .map_err(|_| QuantityError::AbsurdCredits(text.to_owned()))?;
        let fraction: u64 = format!("{fraction:0<2}")
            .parse()
            .map_err(|_| not_credits())?;
        let hundredths = whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(fraction))
            .and_then(|h| u32::try_from(h).ok())
            .ok_or_else(|| QuantityError::AbsurdCredits(text.to_owned()))?;
        EctsCredits::from_hundredths(hundredths)
    }
}

impl fmt::Display for EctsCredits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_hundredths(self.hundredths))
    }
}

impl fmt::Debug for EctsCredits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self} ECTS")
    }
}

impl Serialize for EctsCredits {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.hundredths.is_multiple_of(100) {
            s.serialize_u32(self.hundredths / 100)
        } else {
            // Exact for display: the shortest f64 for n/100 prints as the decimal n/100.
            s.serialize_f64(self.as_f64())
        }
    }
}

impl<'de> Deserialize<'de> for EctsCredits {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CreditsVisitor;
        impl Visitor<'_> for CreditsVisitor {
            type Value = EctsCredits;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of ECTS credits like 5 or 2.5")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<EctsCredits, E> {
                v.to_string().parse().map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<EctsCredits, E> {
                v.to_string().parse().map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<EctsCredits, E> {
                if !v.is_finite() {
                    return Err(E::custom(QuantityError::NotCredits(v.to_string())));
                }
                // Rust prints the shortest decimal that reads back as `v`, i.e. what was written.
                v.to_string().parse().map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EctsCredits, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(CreditsVisitor)
    }
}

impl schemars::JsonSchema for EctsCredits {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EctsCredits".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "ECTS credits, exact to two decimals (e.g. 5 or 2.5)",
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": EctsCredits::MAX,
            "multipleOf": 0.01
        })
    }
}

/// A level of the European Qualifications Framework, 1 to 8.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct EqfLevel(u8);

impl EqfLevel {
    /// The level, if it is 1 to 8.
    pub fn new(level: i64) -> Result<Self, QuantityError> {
        match u8::try_from(level) {
            Ok(level @ 1..=8) => Ok(EqfLevel(level)),
            _ => Err(QuantityError::EqfOutOfRange(level)),
        }
    }

    /// The level, 1 to 8.
    pub fn get(self) -> u8 {
        self.0
    }

    /// The EU concept URI, e.g. `http://data.europa.eu/snb/eqf/6`.
    pub fn concept_uri(self) -> String {
        format!("http://data.europa.eu/snb/eqf/{}", self.0)
    }
}

impl TryFrom<i64> for EqfLevel {
    type Error = QuantityError;
    fn try_from(level: i64) -> Result<Self, QuantityError> {
        EqfLevel::new(level)
    }
}

impl From<EqfLevel> for u8 {
    fn from(level: EqfLevel) -> u8 {
        level.0
    }
}

impl fmt::Display for EqfLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl schemars::JsonSchema for EqfLevel {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EqfLevel".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "European Qualifications Framework level",
            "type": "integer", "minimum": 1, "maximum": 8
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_stay_exact() {
        let credits: EctsCredits = "2.5".parse().unwrap();
        assert_eq!(credits.hundredths(), 250);
        assert_eq!(credits.to_string(), "2.5");
        assert_eq!("7,5".parse::<EctsCredits>().unwrap().to_string(), "7.5");
        assert_eq!("10.00".parse::<EctsCredits>().unwrap().to_string(), "10");
        assert_eq!("0.25".parse::<EctsCredits>().unwrap().to_string(), "0.25");
        let from_json: EctsCredits = serde_json::from_str("2.5").unwrap();
        assert_eq!(from_json.hundredths(), 250);
        assert_eq!(serde_json::to_string(&from_json).unwrap(), "2.5");
        assert_eq!(
            EctsCredits::sum(["2.5".parse().unwrap(), "0.1".parse().unwrap()]),
            Some(260)
        );
    }

    #[test]
    fn implausible_credits_are_refused() {
        for bad in [
            "-1",
            "0",
            "0.0",
            "361",
            "1e3",
            "abc",
            "",
            "2.555",
            "99999999999999999999",
        ] {
            assert!(bad.parse::<EctsCredits>().is_err(), "{bad} was accepted");
        }
        assert!(serde_json::from_str::<EctsCredits>("-3").is_err());
        assert!(serde_json::from_str::<EctsCredits>("1e300").is_err());
    }

    #[test]
    fn eqf_runs_from_one_to_eight() {
        assert!(EqfLevel::new(0).is_err());
        assert!(EqfLevel::new(9).is_err());
        assert_eq!(
            EqfLevel::new(6).unwrap().concept_uri(),
            "http://data.europa.eu/snb/eqf/6"
        );
        assert!(
            serde_json::from_str::<EqfLevel>("9")
                .unwrap_err()
                .to_string()
                .contains("1 to 8")
        );
    }
}
