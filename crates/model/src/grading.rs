//! A university's grading scheme, typed: which grades exist, which is better, which pass.
//! ENHANCE §7.14: "If grades are given, the grading system of the university that awards the
//! micro-credential is adopted" — so a grade is only meaningful with its scheme, and a platform
//! that stores grades as bare text cannot say whether `4.0` is good (Poland: yes; Germany: the
//! last pass) or compare two grades.
//!
//! Three shapes cover Europe's systems: **listed** grades best first with the lowest pass (Poland
//! 5.0–2.0, Germany 1.0–5.0, Italy 30 e lode–18, A–F), a **range** of numbers with the lowest
//! pass and the decimals allowed (France 0–20, the Netherlands 1–10, Spain 0–10), and
//! **pass/fail**. [`GradingScheme::presets`] holds the common national schemes.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

/// Most grades a listed scheme has.
pub const MAX_LISTED_GRADES: usize = 200;
/// Most decimals a range scheme allows.
pub const MAX_DECIMALS: u8 = 3;
/// Longest grade or scheme name, in bytes.
pub const MAX_GRADE_BYTES: usize = 100;

/// A grading scheme: its name and its grades.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, try_from = "SchemeFields")]
pub struct GradingScheme {
    /// Its name, as the university says it, e.g. "Polish 2.0–5.0 scale".
    pub name: String,
    /// The grades.
    pub grades: Grades,
}

/// The grades of a scheme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Grades {
    /// Named grades, best first; every grade down to `lowest_pass` passes.
    Listed {
        /// The grades, best first, e.g. `["5.0", "4.5", "4.0", "3.5", "3.0", "2.0"]`.
        grades: Vec<String>,
        /// The last passing grade, one of `grades`.
        lowest_pass: String,
    },
    /// Any number from `worst` to `best` with at most `decimals` decimals (the scale may run
    /// either way: `best` is below `worst` where 1 is the best grade).
    Range {
        /// The best grade.
        best: f64,
        /// The worst grade.
        worst: f64,
        /// The last passing grade, between the two.
        lowest_pass: f64,
        /// Decimals a grade may have.
        #[serde(default)]
        decimals: u8,
    },
    /// Pass or fail, nothing finer.
    PassFail,
}

/// A grading scheme as written, before it is checked.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct SchemeFields {
    /// Its name, as the university says it, e.g. "Polish 2.0–5.0 scale".
    name: String,
    /// The grades.
    grades: Grades,
}

impl TryFrom<SchemeFields> for GradingScheme {
    type Error = GradingSchemeError;
    fn try_from(fields: SchemeFields) -> Result<GradingScheme, GradingSchemeError> {
        GradingScheme::new(fields.name, fields.grades)
    }
}

/// Why a scheme cannot be used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum GradingSchemeError {
    #[error("a grading scheme needs a name")]
    Unnamed,
    #[error("the name is longer than {MAX_GRADE_BYTES} bytes")]
    LongName,
    #[error("a listed scheme needs at least two grades")]
    TooFewGrades,
    #[error("a listed scheme has at most {MAX_LISTED_GRADES} grades")]
    TooManyGrades,
    #[error("grade {0} is empty or longer than {MAX_GRADE_BYTES} bytes")]
    BadGrade(usize),
    #[error("grade `{0}` is listed twice")]
    Duplicate(String),
    #[error("the lowest pass `{0}` is not one of the grades")]
    PassNotListed(String),
    #[error("`best`, `worst` and `lowest_pass` must be numbers")]
    NotFinite,
    #[error("the best and the worst grade are the same")]
    EmptyRange,
    #[error("the lowest pass {0} is not between the worst and the best grade")]
    PassOutOfRange(String),
    #[error("at most {MAX_DECIMALS} decimals")]
    TooManyDecimals,
}

/// Why a grade is not one of a scheme's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{grade}` is not a grade of {scheme}: {expected}")]
pub struct NotAGrade {
    /// The grade as given.
    pub grade: String,
    /// The scheme's name.
    pub scheme: String,
    /// What the scheme's grades are.
    pub expected: String,
}

impl GradingScheme {
    /// A scheme, checked.
    pub fn new(name: String, grades: Grades) -> Result<GradingScheme, GradingSchemeError> {
        let name = name.trim().to_owned();
        if name.is_empty() {
            return Err(GradingSchemeError::Unnamed);
        }
        if name.len() > MAX_GRADE_BYTES {
            return Err(GradingSchemeError::LongName);
        }
        let grades = match grades {
            Grades::Listed {
                grades,
                lowest_pass,
            } => {
                if grades.len() < 2 {
                    return Err(GradingSchemeError::TooFewGrades);
                }
                if grades.len() > MAX_LISTED_GRADES {
                    return Err(GradingSchemeError::TooManyGrades);
                }
                let mut checked: Vec<String> = Vec::with_capacity(grades.len());
                for (i, grade) in grades.into_iter().enumerate() {
                    let grade = grade.trim().to_owned();
                    if grade.is_empty() || grade.len() > MAX_GRADE_BYTES {
                        return Err(GradingSchemeError::BadGrade(i + 1));
                    }
                    if checked.iter().any(|g| same_grade(g, &grade)) {
                        return Err(GradingSchemeError::Duplicate(grade));
                    }
                    checked.push(grade);
                }
                let lowest_pass = checked
                    .iter()
                    .find(|g| same_grade(g, &lowest_pass))
                    .cloned()
                    .ok_or(GradingSchemeError::PassNotListed(lowest_pass))?;
                Grades::Listed {
                    grades: checked,
                    lowest_pass,
                }
            }
            Grades::Range {
                best,
                worst,
                lowest_pass,
                decimals,
            } => {
                if !(best.is_finite() && worst.is_finite() && lowest_pass.is_finite()) {
                    return Err(GradingSchemeError::NotFinite);
                }
                if best == worst {
                    return Err(GradingSchemeError::EmptyRange);
                }
                if lowest_pass < best.min(worst) || lowest_pass > best.max(worst) {
                    return Err(GradingSchemeError::PassOutOfRange(number_text(lowest_pass)));
                }
                if decimals > MAX_DECIMALS {
                    return Err(GradingSchemeError::TooManyDecimals);
                }
                Grades::Range {
                    best,
                    worst,
                    lowest_pass,
                    decimals,
                }
            }
            Grades::PassFail => Grades::PassFail,
        };
        Ok(GradingScheme { name, grades })
    }

    /// The grade as the scheme writes it (`4,5` → `4.5`; `a` → `A`; `Pass` → `pass`), or why
    /// it is none of its grades.
    pub fn grade(&self, grade: &str) -> Result<String, NotAGrade> {
        let given = grade.trim();
        let found = match &self.grades {
            Grades::Listed { grades, .. } => grades.iter().find(|g| same_grade(g, given)).cloned(),
            Grades::Range {
                best,
                worst,
                decimals,
                ..
            } => number(given)
                .filter(|(_, places)| *places <= *decimals as usize)
                .filter(|(n, _)| *n >= best.min(*worst) && *n <= best.max(*worst))
                .map(|(n, _)| number_text(n)),
            Grades::PassFail => ["pass", "fail"]
                .into_iter()
                .find(|g| g.eq_ignore_ascii_case(given))
                .map(str::to_owned),
        };
        found.ok_or_else(|| NotAGrade {
            grade: given.to_owned(),
            scheme: self.name.clone(),
            expected: self.expected(),
        })
    }

    /// What its grades are, in words.
    pub fn expected(&self) -> String {
        match &self.grades {
            Grades::Listed {
                grades,
                lowest_pass,
            } => format!(
                "one of {} (best first; {lowest_pass} is the lowest pass)",
                grades.join(", ")
            ),
            Grades::Range {
                best,
                worst,
                lowest_pass,
                decimals,
            } => format!(
                "a number from {} to {} (best) with at most {decimals} decimals; {} is the lowest pass",
                number_text(*worst),
                number_text(*best),
                number_text(*lowest_pass)
            ),
            Grades::PassFail => "pass or fail".into(),
        }
    }

    /// Whether a grade of the scheme (as [`GradingScheme::grade`] writes it) passes.
    pub fn passes(&self, grade: &str) -> bool {
        match (self.rank(grade), self.pass_rank()) {
            (Some(rank), Some(pass)) => rank >= pass,
            _ => false,
        }
    }

    /// Compares two grades of the scheme: `Greater` when `a` is the better one; `None` when
    /// either is not a grade of it.
    pub fn compare(&self, a: &str, b: &str) -> Option<Ordering> {
        self.rank(a)?.partial_cmp(&self.rank(b)?)
    }

    /// The passing grades, lowest pass first (a grade distribution table's order); for a
    /// range, every grade the decimals allow.
    pub fn passing_grades(&self) -> Vec<String> {
        match &self.grades {
            Grades::Listed {
                grades,
                lowest_pass,
            } => {
                let last = grades.iter().position(|g| g == lowest_pass).unwrap_or(0);
                grades[..=last].iter().rev().cloned().collect()
            }
            Grades::Range {
                best,
                lowest_pass,
                decimals,
                ..
            } => {
                let step = 10f64.powi(-(i32::from(*decimals)));
                let count = ((best - lowest_pass).abs() / step).round() as usize;
                let sign = if best > lowest_pass { 1.0 } else { -1.0 };
                (0..=count.min(MAX_LISTED_GRADES * 10))
                    .map(|i| number_text(lowest_pass + sign * step * i as f64))
                    .collect()
            }
            Grades::PassFail => vec!["pass".into()],
        }
    }

    /// Whether grades are only pass or fail (they are kept as such in conversion).
    pub fn is_pass_fail(&self) -> bool {
        matches!(self.grades, Grades::PassFail)
    }

    /// The best grade.
    pub fn best(&self) -> String {
        match &self.grades {
            Grades::Listed { grades, .. } => grades[0].clone(),
            Grades::Range { best, .. } => number_text(*best),
            Grades::PassFail => "pass".into(),
        }
    }

    /// The worst grade.
    pub fn worst(&self) -> String {
        match &self.grades {
            Grades::Listed { grades, .. } => grades[grades.len() - 1].clone(),
            Grades::Range { worst, .. } => number_text(*worst),
            Grades::PassFail => "fail".into(),
        }
    }

    /// The lowest passing grade.
    pub fn lowest_pass(&self) -> String {
        match &self.grades {
            Grades::Listed { lowest_pass, .. } => lowest_pass.clone(),
            Grades::Range { lowest_pass, .. } => number_text(*lowest_pass),
            Grades::PassFail => "pass".into(),
        }
    }

    /// Every grade, best first, where the scheme lists them.
    pub fn listed(&self) -> Option<&[String]> {
        match &self.grades {
            Grades::Listed { grades, .. } => Some(grades),
            _ => None,
        }
    }

    /// A number to order grades by: higher is better.
    fn rank(&self, grade: &str) -> Option<f64> {
        let grade = self.grade(grade).ok()?;
        match &self.grades {
            Grades::Listed { grades, .. } => {
                grades.iter().position(|g| *g == grade).map(|i| -(i as f64))
            }
            Grades::Range { best, worst, .. } => {
                let (n, _) = number(&grade)?;
                Some(if best > worst { n } else { -n })
            }
            Grades::PassFail => Some(if grade == "pass" { 1.0 } else { 0.0 }),
        }
    }

    fn pass_rank(&self) -> Option<f64> {
        self.rank(&self.lowest_pass())
    }

    /// The common schemes of Europe's universities, by a short id, for a registrar to start
    /// from.
    pub fn presets() -> Vec<(&'static str, GradingScheme)> {
        let listed = |name: &str, grades: &[&str], lowest_pass: &str| {
            GradingScheme::new(
                name.into(),
                Grades::Listed {
                    grades: grades.iter().map(|g| (*g).to_owned()).collect(),
                    lowest_pass: lowest_pass.into(),
                },
            )
        };
        let range = |name: &str, best: f64, worst: f64, lowest_pass: f64, decimals: u8| {
            GradingScheme::new(
                name.into(),
                Grades::Range {
                    best,
                    worst,
                    lowest_pass,
                    decimals,
                },
            )
        };
        let italian: Vec<String> = std::iter::once("30 e lode".to_owned())
            .chain((18..=30).rev().map(|g| g.to_string()))
            .chain(std::iter::once("insufficiente".to_owned()))
            .collect();
        let italian: Vec<&str> = italian.iter().map(String::as_str).collect();
        [
            (
                "pl",
                listed(
                    "Polish scale 2.0–5.0",
                    &["5.0", "4.5", "4.0", "3.5", "3.0", "2.0"],
                    "3.0",
                ),
            ),
            (
                "de",
                listed(
                    "German scale 1.0–5.0",
                    &[
                        "1.0", "1.3", "1.7", "2.0", "2.3", "2.7", "3.0", "3.3", "3.7", "4.0", "5.0",
                    ],
                    "4.0",
                ),
            ),
            ("fr", range("French scale 0–20", 20.0, 0.0, 10.0, 2)),
            ("it", listed("Italian scale 18–30 e lode", &italian, "18")),
            ("nl", range("Dutch scale 1–10", 10.0, 1.0, 5.5, 1)),
            ("es", range("Spanish scale 0–10", 10.0, 0.0, 5.0, 1)),
            (
                "a-f",
                listed("Letter grades A–F", &["A", "B", "C", "D", "E", "F"], "E"),
            ),
            (
                "pass-fail",
                GradingScheme::new("Pass/fail".into(), Grades::PassFail),
            ),
        ]
        .into_iter()
        // The presets are checked by a test: none is refused.
        .filter_map(|(id, scheme)| scheme.ok().map(|s| (id, s)))
        .collect()
    }

    /// The preset with this id.
    pub fn preset(id: &str) -> Option<GradingScheme> {
        GradingScheme::presets()
            .into_iter()
            .find(|(preset, _)| *preset == id)
            .map(|(_, scheme)| scheme)
    }
}

/// Whether two listed grades are the same: ignoring case, and as numbers where both are
/// (`4,0` = `4.0` = `4`).
fn same_grade(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    a.eq_ignore_ascii_case(b)
        || matches!((number(a), number(b)), (Some((x, _)), Some((y, _))) if x == y)
}

/// A grade read as a number (a decimal comma allowed), with its count of decimals.
fn number(text: &str) -> Option<(f64, usize)> {
    let text = text.trim().replace(',', ".");
    if text.is_empty()
        || text.len() > 20
        || !text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return None;
    }
    let places = text.split_once('.').map_or(0, |(_, d)| d.len());
    let n: f64 = text.parse().ok()?;
    n.is_finite().then_some((n, places))
}

/// A number as a grade is written: no trailing zeros beyond what it needs (`10`, `7.5`).
fn number_text(n: f64) -> String {
    let rounded = (n * 1000.0).round() / 1000.0;
    let text = format!("{rounded:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preset(id: &str) -> GradingScheme {
        GradingScheme::preset(id).unwrap()
    }

    #[test]
    fn every_preset_is_a_valid_scheme() {
        let ids: Vec<&str> = GradingScheme::presets().iter().map(|(id, _)| *id).collect();
        assert_eq!(
            ids,
            ["pl", "de", "fr", "it", "nl", "es", "a-f", "pass-fail"]
        );
    }

    #[test]
    fn polish_grades_pass_from_three() {
        let pl = preset("pl");
        assert_eq!(pl.grade("4,5").unwrap(), "4.5");
        assert_eq!(pl.grade("4").unwrap(), "4.0");
        assert!(pl.passes("3.0") && !pl.passes("2.0"));
        assert_eq!(pl.compare("5.0", "4.0"), Some(Ordering::Greater));
        assert_eq!(
            pl.grade("2.5").unwrap_err().to_string(),
            "`2.5` is not a grade of Polish scale 2.0–5.0: one of 5.0, 4.5, 4.0, 3.5, 3.0, 2.0 (best first; 3.0 is the lowest pass)"
        );
        assert_eq!(pl.passing_grades(), ["3.0", "3.5", "4.0", "4.5", "5.0"]);
    }

    #[test]
    fn german_grades_are_inverted_with_four_the_last_pass() {
        let de = preset("de");
        assert!(de.passes("4.0") && !de.passes("5.0"));
        assert_eq!(de.compare("1.0", "1.3"), Some(Ordering::Greater));
        assert_eq!(de.best(), "1.0");
        assert_eq!(de.passing_grades().first().map(String::as_str), Some("4.0"));
        assert_eq!(de.passing_grades().last().map(String::as_str), Some("1.0"));
    }

    #[test]
    fn ranges_take_any_number_with_the_decimals_allowed() {
        let fr = preset("fr");
        assert_eq!(fr.grade("12,5").unwrap(), "12.5");
        assert!(fr.passes("10") && !fr.passes("9.99"));
        assert!(fr.grade("21").is_err() && fr.grade("12.125").is_err() && fr.grade("abc").is_err());
        assert_eq!(fr.passing_grades().len(), 1001);
        let nl = preset("nl");
        assert!(nl.passes("5.5") && !nl.passes("5.4"));
        assert_eq!(nl.passing_grades()[..3], ["5.5", "5.6", "5.7"]);
        let inverted = GradingScheme::new(
            "inverted".into(),
            Grades::Range {
                best: 1.0,
                worst: 6.0,
                lowest_pass: 4.0,
                decimals: 1,
            },
        )
        .unwrap();
        assert!(inverted.passes("3.9") && !inverted.passes("4.1"));
        assert_eq!(inverted.compare("1.5", "2"), Some(Ordering::Greater));
        assert_eq!(
            inverted.passing_grades().first().map(String::as_str),
            Some("4")
        );
    }

    #[test]
    fn italian_lode_is_above_thirty_and_pass_fail_stays_pass() {
        let it = preset("it");
        assert_eq!(it.grade("30 E LODE").unwrap(), "30 e lode");
        assert_eq!(it.compare("30 e lode", "30"), Some(Ordering::Greater));
        assert!(it.passes("18") && !it.passes("insufficiente"));
        let pf = preset("pass-fail");
        assert_eq!(pf.grade("Pass").unwrap(), "pass");
        assert!(pf.passes("pass") && !pf.passes("fail") && pf.is_pass_fail());
        assert_eq!(pf.passing_grades(), ["pass"]);
    }

    #[test]
    fn bad_schemes_are_refused_with_reasons() {
        let listed = |grades: &[&str], pass: &str| {
            GradingScheme::new(
                "x".into(),
                Grades::Listed {
                    grades: grades.iter().map(|g| (*g).to_owned()).collect(),
                    lowest_pass: pass.into(),
                },
            )
        };
        assert_eq!(listed(&["A"], "A"), Err(GradingSchemeError::TooFewGrades));
        assert_eq!(
            listed(&["A", "a"], "A"),
            Err(GradingSchemeError::Duplicate("a".into()))
        );
        assert_eq!(
            listed(&["4.0", "4"], "4"),
            Err(GradingSchemeError::Duplicate("4".into()))
        );
        assert_eq!(
            listed(&["A", "B"], "C"),
            Err(GradingSchemeError::PassNotListed("C".into()))
        );
        let range = |best, worst, pass, decimals| {
            GradingScheme::new(
                "x".into(),
                Grades::Range {
                    best,
                    worst,
                    lowest_pass: pass,
                    decimals,
                },
            )
        };
        assert_eq!(
            range(10.0, 10.0, 10.0, 0),
            Err(GradingSchemeError::EmptyRange)
        );
        assert_eq!(
            range(10.0, 0.0, 11.0, 0),
            Err(GradingSchemeError::PassOutOfRange("11".into()))
        );
        assert_eq!(
            range(10.0, 0.0, 5.0, 4),
            Err(GradingSchemeError::TooManyDecimals)
        );
        assert_eq!(
            range(f64::NAN, 0.0, 5.0, 0),
            Err(GradingSchemeError::NotFinite)
        );
        assert_eq!(
            GradingScheme::new(" ".into(), Grades::PassFail),
            Err(GradingSchemeError::Unnamed)
        );
    }

    #[test]
    fn a_scheme_is_read_from_json_and_checked() {
        let scheme: GradingScheme = serde_json::from_str(
            r#"{"name": "Polish", "grades": {"kind": "listed", "grades": ["5", "4", "3", "2"], "lowest_pass": "3"}}"#,
        )
        .unwrap();
        assert!(scheme.passes("4"));
        let bad = serde_json::from_str::<GradingScheme>(
            r#"{"name": "x", "grades": {"kind": "listed", "grades": ["A", "B"], "lowest_pass": "C"}}"#,
        )
        .unwrap_err();
        assert!(
            bad.to_string()
                .contains("the lowest pass `C` is not one of the grades"),
            "{bad}"
        );
        let json = serde_json::to_value(preset("fr")).unwrap();
        assert_eq!(json["grades"]["kind"], "range");
        assert_eq!(
            serde_json::from_value::<GradingScheme>(json).unwrap(),
            preset("fr")
        );
    }
}
