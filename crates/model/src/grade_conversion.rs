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

use crate::grading::{GradingScheme, NotAGrade};
use crate::specification::IscedF;
use crate::vocabulary::QfEheaCycle;

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
    #[error("{0}")]
    NotInScheme(NotAGrade),
    #[error("`{0}` does not pass: a grade distribution table counts passing grades only")]
    FailingGrade(String),
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

    /// Where a grade stands among those the table counts (EDC's shortened grading): the whole
    /// percentages of passing grades below it, equal to it and above it; none for a grade the
    /// table does not count.
    pub fn standing(&self, grade: &str) -> Option<(u64, u64, u64)> {
        let (_, band) = self.bands().into_iter().find(|(g, _)| *g == grade)?;
        let lower = band.from.round() as u64;
        let higher = (100.0 - band.to).round() as u64;
        Some((lower, 100u64.saturating_sub(lower + higher), higher))
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
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
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

impl GradeDistribution {
    /// A table of a university whose scheme is known: each grade as the scheme writes it, a
    /// passing one, put in the scheme's order (lowest pass first) whatever the rows' order.
    pub fn in_scheme(
        scheme: &GradingScheme,
        rows: impl IntoIterator<Item = (String, u64)>,
    ) -> Result<GradeDistribution, GradeConversionError> {
        let mut read: Vec<(String, u64)> = Vec::new();
        for (grade, count) in rows {
            let grade = scheme
                .grade(&grade)
                .map_err(GradeConversionError::NotInScheme)?;
            if !scheme.passes(&grade) {
                return Err(GradeConversionError::FailingGrade(grade));
            }
            read.push((grade, count));
        }
        read.sort_by(|(a, _), (b, _)| scheme.compare(a, b).unwrap_or(std::cmp::Ordering::Equal));
        GradeDistribution::new(read)
    }
}

/// The least number of grades a reference table must count to be used, unless a rule says
/// otherwise: below it a broader table is taken (a table of a few dozen grades says little
/// about where a grade stands).
pub const DEFAULT_MIN_TABLE_SIZE: u64 = 100;

/// Which grades a reference table counts: one ISCED-F field (or every field) and one cycle (or
/// every cycle) of a university.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TableScope {
    /// The field; the whole university when absent.
    pub field: Option<IscedF>,
    /// The cycle; every cycle when absent.
    pub cycle: Option<QfEheaCycle>,
}

impl fmt::Display for TableScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "ISCED-F {}", field.as_str())?,
            None => f.write_str("the whole university")?,
        }
        match self.cycle {
            Some(QfEheaCycle::ShortCycle) => f.write_str(", short cycle"),
            Some(cycle) => write!(f, ", {} cycle", cycle.name()),
            None => f.write_str(", every cycle"),
        }
    }
}

/// A university's grade distribution table for one scope, as the ECTS Users' Guide (2015)
/// asks: the passing grades given over a period (e.g. the last three years).
#[derive(Clone, Debug, PartialEq)]
pub struct ReferenceTable {
    /// Whose grades it counts.
    pub scope: TableScope,
    /// The period it covers, as the university writes it, e.g. `2022/23–2024/25`.
    pub period: Option<String>,
    /// The counts.
    pub distribution: GradeDistribution,
}

/// The reference table chosen for a conversion, and the more detailed ones passed over.
#[derive(Clone, Debug, PartialEq)]
pub struct TableChoice<'a> {
    /// The table used.
    pub table: &'a ReferenceTable,
    /// Tables tried first and too small (scope, grades counted).
    pub too_small: Vec<(TableScope, u64)>,
}

/// No table of a university is large enough (or none exists).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "no grade distribution table of {university} counts {min_size} grades or more (tried: {tried})"
)]
pub struct NoReferenceTable {
    /// The university.
    pub university: String,
    /// The least number of grades a table must count.
    pub min_size: u64,
    /// What was tried, in words.
    pub tried: String,
}

/// The scopes to try for a field and cycle, most detailed first: the field with the cycle,
/// then the field across cycles, then the broader fields likewise, then the whole university.
pub fn fall_back_scopes(field: Option<&IscedF>, cycle: Option<QfEheaCycle>) -> Vec<TableScope> {
    let mut fields: Vec<Option<IscedF>> = Vec::new();
    let mut next = field.cloned();
    while let Some(f) = next {
        next = f.broader();
        fields.push(Some(f));
    }
    fields.push(None);
    let mut scopes = Vec::new();
    for field in fields {
        if cycle.is_some() {
            scopes.push(TableScope {
                field: field.clone(),
                cycle,
            });
        }
        scopes.push(TableScope { field, cycle: None });
    }
    scopes
}

/// The most detailed of a university's tables that counts at least `min_size` grades for a
/// field and cycle (ECTS Users' Guide: where a reference group is too small, a broader one).
pub fn reference_table<'a>(
    university: &str,
    tables: &'a [ReferenceTable],
    field: Option<&IscedF>,
    cycle: Option<QfEheaCycle>,
    min_size: u64,
) -> Result<TableChoice<'a>, NoReferenceTable> {
    let mut too_small = Vec::new();
    for scope in fall_back_scopes(field, cycle) {
        if let Some(table) = tables.iter().find(|t| t.scope == scope) {
            let size = table.distribution.total();
            if size >= min_size {
                return Ok(TableChoice { table, too_small });
            }
            too_small.push((scope, size));
        }
    }
    let tried = if too_small.is_empty() {
        "it has no table".to_owned()
    } else {
        too_small
            .iter()
            .map(|(scope, size)| format!("{scope}: {size}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    Err(NoReferenceTable {
        university: university.to_owned(),
        min_size,
        tried,
    })
}

/// One side of a conversion between universities: the scheme, the tables, the field and
/// cycle of what was graded (or of what the grade is for).
#[derive(Clone, Copy, Debug)]
pub struct GradingContext<'a> {
    /// The university's id.
    pub university: &'a str,
    /// Its scheme.
    pub scheme: &'a GradingScheme,
    /// Its reference tables.
    pub tables: &'a [ReferenceTable],
    /// The ISCED-F field.
    pub field: Option<&'a IscedF>,
    /// The cycle.
    pub cycle: Option<QfEheaCycle>,
}

/// A grade converted from one university's scheme to another's, with what it rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvertedGrade {
    /// The grade as awarded, in its scheme's writing.
    pub original: String,
    /// The awarding scheme's name.
    pub original_scheme: String,
    /// The grade in the target scheme (`pass` stays `pass`).
    pub grade: String,
    /// The target scheme's name.
    pub scheme: String,
    /// The conversion, where tables were used (none for pass/fail, or the same scheme).
    pub conversion: Option<Conversion>,
    /// The tables used (source, target), in words, with those passed over as too small.
    pub tables: Vec<String>,
}

/// Why a grade was not converted.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum ConvertError {
    #[error(transparent)]
    Grade(#[from] GradeConversionError),
    #[error(transparent)]
    NoTable(#[from] NoReferenceTable),
}

/// Converts a passing grade between two universities' schemes by their reference tables for
/// the fields and cycles given. A pass/fail grade stays `pass`; within one scheme of one
/// university the grade is kept.
pub fn convert_between(
    grade: &str,
    from: GradingContext<'_>,
    to: GradingContext<'_>,
    policy: ConversionPolicy,
    min_size: u64,
) -> Result<ConvertedGrade, ConvertError> {
    let original = from
        .scheme
        .grade(grade)
        .map_err(GradeConversionError::NotInScheme)?;
    if !from.scheme.passes(&original) {
        return Err(GradeConversionError::FailingGrade(original).into());
    }
    let kept = |grade: String| ConvertedGrade {
        original: original.clone(),
        original_scheme: from.scheme.name.clone(),
        grade,
        scheme: to.scheme.name.clone(),
        conversion: None,
        tables: Vec::new(),
    };
    if from.scheme.is_pass_fail() || to.scheme.is_pass_fail() {
        return Ok(kept("pass".into()));
    }
    if from.university == to.university && from.scheme == to.scheme {
        return Ok(kept(original.clone()));
    }
    let source = reference_table(
        from.university,
        from.tables,
        from.field,
        from.cycle,
        min_size,
    )?;
    let target = reference_table(to.university, to.tables, to.field, to.cycle, min_size)?;
    let conversion = convert(
        &original,
        &source.table.distribution,
        &target.table.distribution,
        policy,
    )?;
    let describe = |university: &str, choice: &TableChoice<'_>| {
        let mut text = format!(
            "{university}: {} ({} grades{})",
            choice.table.scope,
            choice.table.distribution.total(),
            choice
                .table
                .period
                .as_ref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default()
        );
        for (scope, size) in &choice.too_small {
            text.push_str(&format!(
                "; {scope} passed over: {size} grades, fewer than {min_size}"
            ));
        }
        text
    };
    Ok(ConvertedGrade {
        grade: conversion.grade.clone(),
        tables: vec![
            describe(from.university, &source),
            describe(to.university, &target),
        ],
        conversion: Some(conversion),
        ..kept(String::new())
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
    fn a_grade_stands_among_the_grades_counted() {
        let source = table(&[("E", 92), ("D", 98), ("C", 135), ("B", 37), ("A", 7)]);
        assert_eq!(source.standing("C"), Some((51, 37, 12)));
        assert_eq!(source.standing("A"), Some((98, 2, 0)));
        assert_eq!(source.standing("F"), None);
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

    fn reference(
        field: Option<&str>,
        cycle: Option<QfEheaCycle>,
        rows: &[(&str, u64)],
    ) -> ReferenceTable {
        ReferenceTable {
            scope: TableScope {
                field: field.map(|f| IscedF::try_from(f.to_owned()).unwrap()),
                cycle,
            },
            period: None,
            distribution: table(rows),
        }
    }

    #[test]
    fn a_table_in_a_scheme_is_put_in_its_order_and_holds_passing_grades_only() {
        let de = GradingScheme::preset("de").unwrap();
        let rows = |r: &[(&str, u64)]| {
            GradeDistribution::in_scheme(&de, r.iter().map(|(g, c)| ((*g).to_owned(), *c)))
        };
        let read = rows(&[("1,0", 5), ("4.0", 10), ("2.0", 7)]).unwrap();
        let order: Vec<&str> = read.grades().map(|(g, _)| g).collect();
        assert_eq!(order, ["4.0", "2.0", "1.0"]);
        assert_eq!(
            rows(&[("5.0", 3)]),
            Err(GradeConversionError::FailingGrade("5.0".into()))
        );
        assert!(matches!(
            rows(&[("0.7", 3)]),
            Err(GradeConversionError::NotInScheme(_))
        ));
    }

    #[test]
    fn a_small_table_falls_back_to_a_broader_field_then_the_university() {
        use QfEheaCycle::First;
        let field = IscedF::try_from("0613".to_owned()).unwrap();
        let scopes: Vec<String> = fall_back_scopes(Some(&field), Some(First))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(scopes.len(), 8);
        assert_eq!(scopes[0], "ISCED-F 0613, first cycle");
        assert_eq!(scopes[7], "the whole university, every cycle");
        let tables = [
            reference(Some("0613"), Some(First), &[("E", 10), ("A", 5)]),
            reference(Some("061"), None, &[("E", 40), ("A", 80)]),
            reference(None, None, &[("E", 500), ("A", 500)]),
        ];
        let choice = reference_table("wut", &tables, Some(&field), Some(First), 100).unwrap();
        assert_eq!(choice.table.scope.to_string(), "ISCED-F 061, every cycle");
        assert_eq!(choice.too_small.len(), 1);
        let whole = reference_table("wut", &tables, Some(&field), Some(First), 200).unwrap();
        assert_eq!(whole.table.scope, TableScope::default());
        let none = reference_table("wut", &tables, Some(&field), Some(First), 2000).unwrap_err();
        assert_eq!(
            none.to_string(),
            "no grade distribution table of wut counts 2000 grades or more (tried: ISCED-F 0613, first cycle: 15; ISCED-F 061, every cycle: 120; the whole university, every cycle: 1000)"
        );
    }

    #[test]
    fn grades_convert_between_schemes_with_the_tables_chosen() {
        let pl = GradingScheme::preset("pl").unwrap();
        let de = GradingScheme::preset("de").unwrap();
        let pass_fail = GradingScheme::preset("pass-fail").unwrap();
        let wut = [ReferenceTable {
            scope: TableScope::default(),
            period: Some("2022–2025".into()),
            distribution: GradeDistribution::in_scheme(
                &pl,
                [
                    ("3.0", 92),
                    ("3.5", 98),
                    ("4.0", 135),
                    ("4.5", 37),
                    ("5.0", 7),
                ]
                .map(|(g, c)| (g.to_owned(), c)),
            )
            .unwrap(),
        }];
        let tub = [ReferenceTable {
            scope: TableScope::default(),
            period: None,
            distribution: GradeDistribution::in_scheme(
                &de,
                [
                    ("4.0", 10),
                    ("3.0", 25),
                    ("2.0", 30),
                    ("1.3", 25),
                    ("1.0", 10),
                ]
                .map(|(g, c)| (g.to_owned(), c)),
            )
            .unwrap(),
        }];
        let side = |university, scheme, tables| GradingContext {
            university,
            scheme,
            tables,
            field: None,
            cycle: None,
        };
        let converted = convert_between(
            "4,0",
            side("wut", &pl, &wut),
            side("tub", &de, &tub),
            ConversionPolicy::LargestOverlap,
            100,
        )
        .unwrap();
        assert_eq!(
            (converted.original.as_str(), converted.grade.as_str()),
            ("4.0", "1.3")
        );
        assert_eq!(
            converted.tables[0],
            "wut: the whole university, every cycle (369 grades, 2022–2025)"
        );
        let failing = convert_between(
            "2.0",
            side("wut", &pl, &wut),
            side("tub", &de, &tub),
            ConversionPolicy::Lowest,
            100,
        );
        assert_eq!(
            failing,
            Err(ConvertError::Grade(GradeConversionError::FailingGrade(
                "2.0".into()
            )))
        );
        let pass = convert_between(
            "pass",
            side("x", &pass_fail, &[]),
            side("tub", &de, &tub),
            ConversionPolicy::Lowest,
            100,
        )
        .unwrap();
        assert_eq!((pass.grade.as_str(), pass.conversion), ("pass", None));
        let no_table = convert_between(
            "4.0",
            side("wut", &pl, &[]),
            side("tub", &de, &tub),
            ConversionPolicy::Lowest,
            100,
        );
        assert!(matches!(no_table, Err(ConvertError::NoTable(_))));
    }
}
