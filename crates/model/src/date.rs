//! A calendar date (`2026-03-01`), as the standard's dates are: date of birth, date of issuing.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
/// A calendar day (no time, no zone), written `YYYY-MM-DD`.
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date: write it as YYYY-MM-DD, e.g. 2026-03-01")]
/// Text that is not a `YYYY-MM-DD` day.
pub struct DateError(String);

impl Date {
    /// The day, if it exists (2026-02-30 does not).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1000..=9999).contains(&year).then_some(())?;
        (1..=days_in_month)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Its year.
    pub fn year(self) -> u16 {
        self.year
    }
    /// Its month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }
    /// Its day of the month, from 1.
    pub fn day(self) -> u8 {
        self.day
    }

    /// The day `period` before this one: years and months first (the 31st becomes the last
    /// day of a shorter month), then days. `None` before the year 1000.
    pub fn minus(self, period: Period) -> Option<Date> {
        let months = i64::from(self.year) * 12 + i64::from(self.month)
            - 1
            - i64::from(period.years) * 12
            - i64::from(period.months);
        let (year, month) = (months.div_euclid(12), months.rem_euclid(12) + 1);
        let year = u16::try_from(year).ok()?;
        let day = (1..=self.day)
            .rev()
            .find_map(|d| Date::new(year, month as u8, d))?;
        Date::from_day_number(day.day_number() - i64::from(period.days))
    }

    /// Days since 1970-01-01 (the proleptic Gregorian calendar).
    fn day_number(self) -> i64 {
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let day_of_year = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    fn from_day_number(n: i64) -> Option<Date> {
        let z = n + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date::new(u16::try_from(year).ok()?, month as u8, day as u8)
    }
}

/// A length of time in whole years, months and days, written as ISO 8601 writes durations
/// (`P5Y`, `P18M`, `P1Y6M`, `P90D`): how long a component counts towards a larger credential.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Period {
    years: u16,
    months: u16,
    days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a period: write years, months and days as ISO 8601 durations do, e.g. P5Y, P18M, P1Y6M or P90D (no zero period, at most 100 years)"
)]
/// Text that is not a period of whole years, months and days.
pub struct PeriodError(String);

impl Period {
    /// Whole years.
    pub fn years(self) -> u16 {
        self.years
    }
    /// Whole months beyond the years.
    pub fn months(self) -> u16 {
        self.months
    }
    /// Days beyond the months.
    pub fn days(self) -> u32 {
        self.days
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(text: &str) -> Result<Period, PeriodError> {
        let error = || PeriodError(text.to_owned());
        let rest = text.strip_prefix('P').ok_or_else(error)?;
        let mut period = Period::default();
        let mut number = String::new();
        // Designators in order, each at most once: Y, M, D.
        let mut next = 0;
        for c in rest.chars() {
            if c.is_ascii_digit() {
                if number.len() >= 6 {
                    return Err(error());
                }
                number.push(c);
                continue;
            }
            let place = ['Y', 'M', 'D']
                .iter()
                .position(|d| *d == c)
                .ok_or_else(error)?;
            if place < next || number.is_empty() {
                return Err(error());
            }
            let value: u32 = number.parse().map_err(|_| error())?;
            match place {
                0 => period.years = u16::try_from(value).map_err(|_| error())?,
                1 => period.months = u16::try_from(value).map_err(|_| error())?,
                _ => period.days = value,
            }
            number.clear();
            next = place + 1;
        }
        let total_days =
            u64::from(period.years) * 366 + u64::from(period.months) * 31 + u64::from(period.days);
        if !number.is_empty() || next == 0 || total_days == 0 || total_days > 100 * 366 {
            return Err(error());
        }
        Ok(period)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("P")?;
        for (n, d) in [
            (u32::from(self.years), 'Y'),
            (u32::from(self.months), 'M'),
            (self.days, 'D'),
        ] {
            if n > 0 {
                write!(f, "{n}{d}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(de::Error::custom)
    }
}

impl schemars::JsonSchema for Period {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Period".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^P([0-9]+Y)?([0-9]+M)?([0-9]+D)?$",
            "description": "whole years, months and days as an ISO 8601 duration, e.g. P5Y"
        })
    }
}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(text: &str) -> Result<Date, DateError> {
        let error = || DateError(text.to_owned());
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(error());
        }
        let number = |range: std::ops::Range<usize>| {
            let part = &text[range];
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse::<u16>().ok())
                .flatten()
        };
        let (year, month, day) = (number(0..4), number(5..7), number(8..10));
        match (year, month, day) {
            (Some(y), Some(m), Some(d)) => Date::new(y, m as u8, d as u8).ok_or_else(error),
            _ => Err(error()),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date written as YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                v.parse().map_err(E::custom)
            }
            /// TOML dates (`born = 2001-05-17`, unquoted) arrive as a one-entry map.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let Some((_, text)) = map.next_entry::<String, String>()? else {
                    return Err(de::Error::custom("expected a date written as YYYY-MM-DD"));
                };
                text.parse().map_err(de::Error::custom)
            }
        }
        d.deserialize_any(DateVisitor)
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert_eq!(
            "2024-02-29".parse::<Date>().unwrap().to_string(),
            "2024-02-29"
        );
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-01-01",
            "2026-01-32",
            "+026-01-01",
            "2026-0a-01",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
    }

    #[test]
    fn periods_are_read_and_subtracted() {
        let day = |s: &str| s.parse::<Date>().unwrap();
        let period = |s: &str| s.parse::<Period>().unwrap();
        assert_eq!(
            day("2026-03-15").minus(period("P5Y")),
            Some(day("2021-03-15"))
        );
        assert_eq!(
            day("2024-02-29").minus(period("P1Y")),
            Some(day("2023-02-28"))
        );
        assert_eq!(
            day("2026-03-31").minus(period("P1M")),
            Some(day("2026-02-28"))
        );
        assert_eq!(
            day("2026-01-15").minus(period("P18M")),
            Some(day("2024-07-15"))
        );
        assert_eq!(
            day("2026-03-01").minus(period("P1D")),
            Some(day("2026-02-28"))
        );
        assert_eq!(
            day("2025-01-01").minus(period("P1Y1M1D")),
            Some(day("2023-11-30"))
        );
        assert_eq!(
            day("2000-03-01").minus(period("P366D")),
            Some(day("1999-03-01"))
        );
        assert_eq!(day("1000-06-01").minus(period("P1Y")), None);
        assert_eq!(period("P1Y6M").to_string(), "P1Y6M");
        for bad in [
            "5Y", "P", "P0Y", "PY", "P5M2Y", "P5Y5Y", "P1W", "P101Y", "P5", "PT5H", "P-1Y",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }
}
