//! Grade conversion with grade distribution tables, as the ECTS Users' Guide (2015, §4.3 and
//! Annex 6) and the EGRACONS tool do it. ENHANCE §7.14: grades follow the awarding university's
//! system, and "some grade conversion tool available to all European universities, such as
//! EGRACONS, can be applied if the grade is to be interpreted in the context of a degree
//! programme offered at some other university".
//!
//! A grade distribution table counts, for one university (and field, and cycle) over a period,
//! how many passing grades of each kind were given. Each grade then holds a band of cumulative
//! percentages, counted from the lowest pass (0 %) to the best grade (100 %). A grade converts
//! to the target grades whose bands overlap its own; a declared policy picks one of them.

use std::fmt;

/// Bands closer than this (in percentage points) touch rather than overlap: percentages are
/// sums of divisions, and a shared boundary must not count as an overlap.
const TOUCHING: f64 = 1e-9;

/// Most grades a table may have: the finest scales (0–20 in halves, 1–10 in tenths) stay well
/// under it.
pub const MAX_GRADES: usize = 200;

/// How many passing grades of each kind a university gave, lowest pass first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradeDistribution {
    grades: Vec<(String, u64)>,
    total: u64,
}

/// Why a table cannot be used, or a grade cannot be converted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum GradeConversionError {
    #[error("the table has no grades")]
    Empty,
    #[error("the table has {0} grades; at most {MAX_GRADES} are read")]
    TooManyGrades(usize),
    #[error("grade `{0}` appears twice in the table")]
    Duplicate(String),
    #[error("a grade needs a name")]
    Unnamed,
    #[error("nobody received any grade in the table (every count is 0)")]
    NoGraduates,
    #[error("the counts add up to more than can be counted")]
    Overflow,
    #[error("`{grade}` is not a grade of the table (its grades: {known})")]
    UnknownGrade { grade: String, known: String },
    #[error(
        "nobody received `{0}` in the source table (count 0): the grade has no band of percentages to convert"
    )]
    NoBand(String),
}

/// A grade's band of cumulative percentages (0 = the lowest pass, 100 = the best grade).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    /// Where it starts, in percent.
    pub from: f64,
    /// Where it ends, in percent.
    pub to: f64,
}

impl Band {
    fn overlap(self, other: Band) -> f64 {
        (self.to.min(other.to) - self.from.max(other.from)).max(0.0)
    }
}

impl GradeDistribution {
    /// A table from its rows, lowest pass first (failing grades are not counted in a grade
    /// distribution table).
    pub fn new(
        rows: impl IntoIterator<Item = (String, u64)>,
    ) -> Result<GradeDistribution, GradeConversionError> {
        let mut grades: Vec<(String, u64)> = Vec::new();
        let mut total: u64 = 0;
        for (grade, count) in rows {
            let grade = grade.trim().to_owned();
            if grade.is_empty() {
                return Err(GradeConversionError::Unnamed);
            }
            if grades.iter().any(|(g, _)| *g == grade) {
                return Err(GradeConversionError::Duplicate(grade));
            }
            if grades.len() == MAX_GRADES {
                return Err(GradeConversionError::TooManyGrades(MAX_GRADES + 1));
            }
            total = total
                .checked_add(count)
                .ok_or(GradeConversionError::Overflow)?;
            grades.push((grade, count));
        }
        if grades.is_empty() {
            return Err(GradeConversionError::Empty);
        }
        if total == 0 {
            return Err(GradeConversionError::NoGraduates);
        }
        Ok(GradeDistribution { grades, total })
    }

    /// How many passing grades the table counts.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Its grades, lowest pass first, with their counts.
    pub fn grades(&self) -> impl Iterator<Item = (&str, u64)> {
        self.grades.iter().map(|(g, c)| (g.as_str(), *c))
    }

    /// Each grade's band, lowest pass first.
    pub fn bands(&self) -> Vec<(&str, Band)> {
        let mut below: u64 = 0;
        self.grades
            .iter()
            .map(|(grade, count)| {
                let from = percent(below, self.total);
                below += count;
                (
                    grade.as_str(),
                    Band {
                        from,
                        to: percent(below, self.total),
                    },
                )
            })
            .collect()
    }

    fn band_of(&self, grade: &str) -> Result<Band, GradeConversionError> {
        let bands = self.bands();
        let (_, band) = bands.iter().find(|(g, _)| *g == grade).ok_or_else(|| {
            GradeConversionError::UnknownGrade {
                grade: grade.to_owned(),
                known: self
                    .grades
                    .iter()
                    .map(|(g, _)| g.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        })?;
        if band.to - band.from <= TOUCHING {
            return Err(GradeConversionError::NoBand(grade.to_owned()));
        }
        Ok(*band)
    }
}

fn percent(part: u64, total: u64) -> f64 {
    // Counts stay far below 2^53: exact in f64.
    part as f64 * 100.0 / total as f64
}

/// Which of the overlapping target grades a conversion suggests, declared by whoever converts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConversionPolicy {
    /// The lowest overlapping grade (never favours the learner beyond the evidence).
    Lowest,
    /// The best overlapping grade.
    Highest,
    /// The grade whose band overlaps most; on a tie, the lower one.
    #[default]
    LargestOverlap,
}

impl ConversionPolicy {
    /// Every policy.
    pub const ALL: [ConversionPolicy; 3] = [
        ConversionPolicy::Lowest,
        ConversionPolicy::Highest,
        ConversionPolicy::LargestOverlap,
    ];

    /// Its name: `lowest`, `highest`, `largest-overlap`.
    pub fn name(self) -> &'static str {
        match self {
            ConversionPolicy::Lowest => "lowest",
            ConversionPolicy::Highest => "highest",
            ConversionPolicy::LargestOverlap => "largest-overlap",
        }
    }

    /// The policy a name gives.
    pub fn parse(name: &str) -> Option<ConversionPolicy> {
        ConversionPolicy::ALL.into_iter().find(|p| p.name() == name)
    }
}

impl fmt::Display for ConversionPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A target grade whose band overlaps the source grade's.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The target grade.
    pub grade: String,
    /// Its band in the target table.
    pub band: Band,
    /// How many percentage points of it overlap the source grade's band.
    pub overlap: f64,
}

/// A converted grade: the suggestion, and what it rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct Conversion {
    /// The grade converted.
    pub source_grade: String,
    /// Its band in the source table.
    pub source_band: Band,
    /// The suggested target grade.
    pub grade: String,
    /// The policy that chose it.
    pub policy: ConversionPolicy,
    /// Every overlapping target grade, lowest first.
    pub candidates: Vec<Candidate>,
}

/// Converts `grade` of the `source` table to a grade of the `target` table.
pub fn convert(
    grade: &str,
    source: &GradeDistribution,
    target: &GradeDistribution,
    policy: ConversionPolicy,
) -> Result<Conversion, GradeConversionError> {
    let source_band = source.band_of(grade.trim())?;
    let candidates: Vec<Candidate> = target
        .bands()
        .into_iter()
        .filter_map(|(grade, band)| {
            let overlap = source_band.overlap(band);
            (overlap > TOUCHING).then(|| Candidate {
                grade: grade.to_owned(),
                band,
                overlap,
            })
        })
        .collect();
    // The target's bands cover 0–100 % and the source band is not empty: some band overlaps.
    let chosen = match policy {
        ConversionPolicy::Lowest => candidates.first(),
        ConversionPolicy::Highest => candidates.last(),
        ConversionPolicy::LargestOverlap => candidates.iter().reduce(|best, c| {
            if c.overlap > best.overlap + TOUCHING {
                c
            } else {
                best
            }
        }),
    };
    let grade_chosen = chosen.map(|c| c.grade.clone()).unwrap_or_default();
    Ok(Conversion {
        source_grade: grade.trim().to_owned(),
        source_band,
        grade: grade_chosen,
        policy,
        candidates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(&str, u64)]) -> GradeDistribution {
        GradeDistribution::new(rows.iter().map(|(g, c)| ((*g).to_owned(), *c))).unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.005
    }

    /// The worked example of the ECTS grading-table literature that issue 17 gives.
    #[test]
    fn the_worked_example_converts_c_to_c_or_b() {
        let source = table(&[("E", 92), ("D", 98), ("C", 135), ("B", 37), ("A", 7)]);
        assert_eq!(source.total(), 369);
        let expected = [
            ("E", 0.0, 24.93),
            ("D", 24.93, 51.49),
            ("C", 51.49, 88.08),
            ("B", 88.08, 98.10),
            ("A", 98.10, 100.0),
        ];
        for ((grade, band), (name, from, to)) in source.bands().into_iter().zip(expected) {
            assert_eq!(grade, name);
            assert!(
                close(band.from, from) && close(band.to, to),
                "{grade}: {band:?}"
            );
        }
        let target = table(&[("E", 10), ("D", 25), ("C", 30), ("B", 25), ("A", 10)]);
        let lowest = convert("C", &source, &target, ConversionPolicy::Lowest).unwrap();
        assert_eq!(lowest.grade, "C");
        let names: Vec<&str> = lowest.candidates.iter().map(|c| c.grade.as_str()).collect();
        assert_eq!(names, ["C", "B"]);
        assert!(close(lowest.candidates[0].overlap, 13.51));
        assert!(close(lowest.candidates[1].overlap, 23.08));
        let highest = convert("C", &source, &target, ConversionPolicy::Highest).unwrap();
        assert_eq!(highest.grade, "B");
        let largest = convert("C", &source, &target, ConversionPolicy::LargestOverlap).unwrap();
        assert_eq!(largest.grade, "B");
    }

    #[test]
    fn bad_tables_and_grades_are_refused_with_reasons() {
        let rows = |r: &[(&str, u64)]| {
            GradeDistribution::new(r.iter().map(|(g, c)| ((*g).to_owned(), *c)))
        };
        assert_eq!(rows(&[]), Err(GradeConversionError::Empty));
        assert_eq!(
            rows(&[("3.0", 1), ("3.0", 2)]),
            Err(GradeConversionError::Duplicate("3.0".into()))
        );
        assert_eq!(rows(&[("3.0", 0)]), Err(GradeConversionError::NoGraduates));
        assert_eq!(rows(&[(" ", 1)]), Err(GradeConversionError::Unnamed));
        assert_eq!(
            rows(&[("a", u64::MAX), ("b", 1)]),
            Err(GradeConversionError::Overflow)
        );
        let source = table(&[("3.0", 10), ("3.5", 0), ("4.0", 5)]);
        let target = table(&[("E", 1), ("A", 1)]);
        let unknown = convert("6.0", &source, &target, ConversionPolicy::Lowest).unwrap_err();
        assert_eq!(
            unknown.to_string(),
            "`6.0` is not a grade of the table (its grades: 3.0, 3.5, 4.0)"
        );
        assert_eq!(
            convert("3.5", &source, &target, ConversionPolicy::Lowest),
            Err(GradeConversionError::NoBand("3.5".into()))
        );
    }

    #[test]
    fn policies_have_names() {
        for policy in ConversionPolicy::ALL {
            assert_eq!(ConversionPolicy::parse(policy.name()), Some(policy));
        }
        assert_eq!(ConversionPolicy::parse("median"), None);
    }
}
