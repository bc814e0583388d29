//! XML Schema dateTime values as credentials write them (`2023-02-24T23:36:38Z`), compared as
//! instants. Small on purpose: credentials need parsing, comparison and "now", nothing more.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// An instant, in whole seconds since 1970-01-01T00:00:00Z (fractions of a second dropped).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(i64);

impl DateTime {
    /// The current time, to the second.
    pub fn now() -> DateTime {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        DateTime(seconds)
    }

    /// The instant `seconds` after 1970-01-01T00:00:00Z.
    pub fn from_unix(seconds: i64) -> DateTime {
        DateTime(seconds)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix(self) -> i64 {
        self.0
    }

    /// Parses an XML Schema dateTime. Without a time zone, UTC is assumed (as VC verifiers do).
    pub fn parse(value: &str) -> Option<DateTime> {
        let bytes = value.as_bytes();
        let number = |from: usize, to: usize| -> Option<i64> {
            let part = bytes.get(from..to)?;
            if part.iter().all(u8::is_ascii_digit) {
                std::str::from_utf8(part).ok()?.parse().ok()
            } else {
                None
            }
        };
        let separators = bytes.get(4) == Some(&b'-')
            && bytes.get(7) == Some(&b'-')
            && matches!(bytes.get(10), Some(b'T' | b't'))
            && bytes.get(13) == Some(&b':')
            && bytes.get(16) == Some(&b':');
        if !separators {
            return None;
        }
        let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
        let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 24
            || minute > 59
            || second > 60
            || (hour == 24 && (minute, second) != (0, 0))
        {
            return None;
        }
        let mut rest = &value[19..];
        if let Some(fraction) = rest.strip_prefix('.') {
            let n = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return None;
            }
            rest = &fraction[n..];
        }
        let offset = match rest.as_bytes() {
            [] | [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), ..] if rest.len() == 6 && rest.as_bytes()[3] == b':' => {
                let hours: i64 = rest.get(1..3)?.parse().ok()?;
                let minutes: i64 = rest.get(4..6)?.parse().ok()?;
                if hours > 14 || minutes > 59 {
                    return None;
                }
                let total = hours * 3600 + minutes * 60;
                if *sign == b'+' { total } else { -total }
            }
            _ => return None,
        };
        let days = days_from_civil(year, month, day);
        Some(DateTime(
            days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset,
        ))
    }
}

impl fmt::Display for DateTime {
    /// `2023-02-24T23:36:38Z`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(86_400);
        let seconds = self.0.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            seconds / 3600,
            seconds % 3600 / 60,
            seconds % 60
        )
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::DateTime;

    #[test]
    fn parses_and_prints_instants() {
        let t = DateTime::parse("2023-02-24T23:36:38Z").unwrap();
        assert_eq!(t.unix(), 1_677_281_798);
        assert_eq!(t.to_string(), "2023-02-24T23:36:38Z");
        assert_eq!(DateTime::parse("2023-02-25T00:36:38+01:00"), Some(t));
        assert_eq!(DateTime::parse("2023-02-24T23:36:38.999Z"), Some(t));
        assert_eq!(DateTime::parse("2023-02-24T23:36:38"), Some(t));
        assert_eq!(DateTime::from_unix(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(
            DateTime::parse("1969-12-31T23:59:59Z").map(DateTime::unix),
            Some(-1)
        );
    }

    #[test]
    fn refuses_what_is_not_a_date_time() {
        for bad in [
            "2023-02-24",
            "2023-13-24T23:36:38Z",
            "2023-02-30T23:36:38Z",
            "2023-02-24T23:36:38.Z",
            "2023-02-24T23:36:38 Z",
            "2023-02-24T25:00:00Z",
            "ａ023-02-24T23:36:38Z",
            "2023-02-24T23:36:38+1:00",
            "",
        ] {
            assert_eq!(DateTime::parse(bad), None, "{bad}");
        }
        assert!(DateTime::parse("2024-02-29T00:00:00Z").is_some());
        assert!(DateTime::parse("2023-02-29T00:00:00Z").is_none());
    }
}
