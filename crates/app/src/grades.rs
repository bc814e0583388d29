//! Grade distribution table files and grade conversion (`microcred grades convert`): a CSV file
//! with the header `grade,count`, one row per passing grade from the lowest pass to the best,
//! read with limits, every fault named with its file and line.

use std::path::Path;

use serde_json::{Value, json};

use crate::json_file::read_bytes;
use microcred_model::IscedF;
pub use microcred_model::grade_conversion::{Band, ConversionPolicy};
use microcred_model::grade_conversion::{
    Conversion, ConvertedGrade, GradeConversionError, GradeDistribution, MAX_GRADES,
    ReferenceTable, TableScope, convert,
};
use microcred_model::grading::GradingScheme;
use microcred_model::vocabulary::QfEheaCycle;

/// Largest table file read: a table has at most a few hundred short rows.
pub const MAX_GRADE_TABLE_BYTES: usize = 64 * 1024;

/// Why a table file cannot be used: what, and where.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", if *.line > 0 { format!(":{}", .line) } else { String::new() })]
pub struct GradeTableError {
    /// The file, as named.
    pub file: String,
    /// The line (1-based), 0 for the whole file.
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

/// Reads a grade distribution table file.
pub fn read_grade_table(path: &Path) -> Result<GradeDistribution, GradeTableError> {
    let file = path.display().to_string();
    let bytes = read_bytes(path, MAX_GRADE_TABLE_BYTES).map_err(|e| GradeTableError {
        file: file.clone(),
        line: 0,
        message: e
            .to_string()
            .trim_start_matches(&format!("{file}: "))
            .to_owned(),
    })?;
    parse_grade_table(&file, &bytes)
}

/// The records of a small CSV file under a required header (compared without case), each with
/// its line as an editor counts it.
fn csv_records(
    file: &str,
    bytes: &[u8],
    header: &[&str],
    max_rows: usize,
) -> Result<Vec<(u64, Vec<String>)>, GradeTableError> {
    let at = |line: u64, message: String| GradeTableError {
        file: file.to_owned(),
        line,
        message,
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // One line ending, so that lines are counted as an editor counts them (the csv reader
    // numbers records after a CRLF one line short; browsers send typed text with CRLF).
    let mut unified = Vec::with_capacity(bytes.len());
    let mut previous = 0u8;
    for &byte in bytes {
        match byte {
            b'\r' => unified.push(b'\n'),
            b'\n' if previous == b'\r' => {}
            other => unified.push(other),
        }
        previous = byte;
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(unified.as_slice());
    let found: Vec<String> = reader
        .headers()
        .map_err(|e| at(1, e.to_string()))?
        .iter()
        .map(str::to_ascii_lowercase)
        .collect();
    if found != header {
        return Err(at(
            1,
            format!(
                "the header must be `{}` (found `{}`)",
                header.join(","),
                found.join(",")
            ),
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            at(line, e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if rows.len() == max_rows {
            return Err(at(line, format!("more than {max_rows} rows")));
        }
        rows.push((line, record.iter().map(str::to_owned).collect()));
    }
    Ok(rows)
}

/// A count of graduates as a table writes it.
fn count_of(grade: &str, count: &str) -> Result<u64, String> {
    count.parse().map_err(|_| {
        format!("count `{count}` of grade `{grade}` is not a whole number of graduates")
    })
}

/// Reads a grade distribution table from its bytes (`file` names it in errors).
pub fn parse_grade_table(file: &str, bytes: &[u8]) -> Result<GradeDistribution, GradeTableError> {
    let at = |line: u64, message: String| GradeTableError {
        file: file.to_owned(),
        line,
        message,
    };
    let mut rows = Vec::new();
    for (line, record) in csv_records(file, bytes, &["grade", "count"], MAX_GRADES)? {
        let grade = record[0].clone();
        let count = count_of(&grade, &record[1]).map_err(|m| at(line, m))?;
        rows.push((line, grade, count));
    }
    GradeDistribution::new(rows.iter().map(|(_, g, c)| (g.clone(), *c)))
        .map_err(|e| at(line_of(&e, &rows), e.to_string()))
}

/// The row a table's fault is about, when it is about one (0 otherwise).
fn line_of(error: &GradeConversionError, rows: &[(u64, String, u64)]) -> u64 {
    match error {
        GradeConversionError::Duplicate(grade)
        | GradeConversionError::NoBand(grade)
        | GradeConversionError::FailingGrade(grade) => rows
            .iter()
            .filter(|(_, g, _)| g.trim() == grade)
            .map(|(l, _, _)| *l)
            .next_back()
            .unwrap_or(0),
        GradeConversionError::NotInScheme(not) => rows
            .iter()
            .find(|(_, g, _)| g.trim() == not.grade)
            .map_or(0, |(l, _, _)| *l),
        GradeConversionError::Unnamed => rows
            .iter()
            .find(|(_, g, _)| g.trim().is_empty())
            .map_or(0, |(l, _, _)| *l),
        _ => 0,
    }
}

/// Most tables a university's file holds (fields × cycles).
pub const MAX_REFERENCE_TABLES: usize = 500;

/// Reads a university's grade distribution tables: a CSV file with the header
/// `field,cycle,grade,count`, a table per field (an ISCED-F code, or empty for the whole
/// university) and cycle (`short-cycle`, `first`, `second`, `third`, or empty for every cycle),
/// each grade one of the scheme's passing grades, in any order.
pub fn parse_reference_tables(
    file: &str,
    bytes: &[u8],
    scheme: &GradingScheme,
    period: Option<&str>,
) -> Result<Vec<ReferenceTable>, GradeTableError> {
    let at = |line: u64, message: String| GradeTableError {
        file: file.to_owned(),
        line,
        message,
    };
    let records = csv_records(
        file,
        bytes,
        &["field", "cycle", "grade", "count"],
        MAX_GRADES * 20,
    )?;
    // Each table's rows: (line, grade, count).
    type Rows = Vec<(u64, String, u64)>;
    let mut groups: Vec<(TableScope, Rows)> = Vec::new();
    for (line, record) in records {
        let field = match record[0].as_str() {
            "" => None,
            code => Some(IscedF::try_from(code.to_owned()).map_err(|m| at(line, m))?),
        };
        let cycle = match record[1].as_str() {
            "" => None,
            name => Some(QfEheaCycle::parse(name).ok_or_else(|| {
                at(
                    line,
                    format!(
                        "`{name}` is not a cycle: write {} or leave it empty for every cycle",
                        QfEheaCycle::names().join(", ")
                    ),
                )
            })?),
        };
        let grade = record[2].clone();
        let count = count_of(&grade, &record[3]).map_err(|m| at(line, m))?;
        let scope = TableScope { field, cycle };
        match groups.iter_mut().find(|(s, _)| *s == scope) {
            Some((_, rows)) => rows.push((line, grade, count)),
            None => {
                if groups.len() == MAX_REFERENCE_TABLES {
                    return Err(at(line, format!("more than {MAX_REFERENCE_TABLES} tables")));
                }
                groups.push((scope, vec![(line, grade, count)]));
            }
        }
    }
    if groups.is_empty() {
        return Err(at(0, "the file has no tables".into()));
    }
    groups
        .into_iter()
        .map(|(scope, rows)| {
            let distribution =
                GradeDistribution::in_scheme(scheme, rows.iter().map(|(_, g, c)| (g.clone(), *c)))
                    .map_err(|e| at(line_of(&e, &rows), format!("the table of {scope}: {e}")))?;
            Ok(ReferenceTable {
                scope,
                period: period.map(str::to_owned),
                distribution,
            })
        })
        .collect()
}

/// Reads a table typed or pasted (the page's form): as a table file, its `grade,count` header
/// optional; lines are counted as typed.
pub fn parse_typed_grade_table(
    name: &str,
    text: &str,
) -> Result<GradeDistribution, GradeTableError> {
    let headed = text
        .trim_start()
        .get(..5)
        .is_some_and(|start| start.eq_ignore_ascii_case("grade"));
    if headed {
        return parse_grade_table(name, text.as_bytes());
    }
    parse_grade_table(name, format!("grade,count\n{text}").as_bytes()).map_err(|mut e| {
        e.line = e.line.saturating_sub(1);
        e
    })
}

/// Why a grade cannot be converted: a table file, or the conversion itself.
#[derive(Debug, thiserror::Error)]
pub enum GradeError {
    /// A table file cannot be used.
    #[error(transparent)]
    Table(#[from] GradeTableError),
    /// The grade cannot be converted with these tables.
    #[error(transparent)]
    Conversion(#[from] GradeConversionError),
}

/// A converted grade, with the tables it rests on (as named).
#[derive(Clone, Debug)]
pub struct GradeConversion {
    /// The conversion.
    pub conversion: Conversion,
    /// The source table: its name and contents.
    pub source: (String, GradeDistribution),
    /// The target table: its name and contents.
    pub target: (String, GradeDistribution),
}

/// Converts `grade` from the table in file `from` to one of the table in file `to`.
pub fn convert_grade_files(
    grade: &str,
    from: &Path,
    to: &Path,
    policy: ConversionPolicy,
) -> Result<GradeConversion, GradeError> {
    Ok(GradeConversion::new(
        grade,
        (from.display().to_string(), read_grade_table(from)?),
        (to.display().to_string(), read_grade_table(to)?),
        policy,
    )?)
}

/// Converts `grade` between two tables given as rows (the API's form), lowest pass first; an
/// error names what it is about: `grade`, `from` or `to`.
pub fn convert_grade_rows(
    grade: &str,
    from: Vec<(String, u64)>,
    to: Vec<(String, u64)>,
    policy: ConversionPolicy,
) -> Result<GradeConversion, (&'static str, GradeConversionError)> {
    let source = GradeDistribution::new(from).map_err(|e| ("from", e))?;
    let target = GradeDistribution::new(to).map_err(|e| ("to", e))?;
    GradeConversion::new(
        grade,
        ("from".to_owned(), source),
        ("to".to_owned(), target),
        policy,
    )
    .map_err(|e| ("grade", e))
}

/// Converts `grade` between two tables typed or pasted (the page's form), each given with the
/// name its faults are reported under.
pub fn convert_typed_grade(
    grade: &str,
    from: (&str, &str),
    to: (&str, &str),
    policy: ConversionPolicy,
) -> Result<GradeConversion, GradeError> {
    Ok(GradeConversion::new(
        grade,
        (from.0.to_owned(), parse_typed_grade_table(from.0, from.1)?),
        (to.0.to_owned(), parse_typed_grade_table(to.0, to.1)?),
        policy,
    )?)
}

/// A grade converted between two universities' schemes, as JSON: `{"grade", "scheme",
/// "original", "originalScheme", "policy", "candidates", "sourceBand", "tables"}` (no
/// candidates where pass/fail was kept or the scheme is the same).
pub fn converted_json(converted: &ConvertedGrade, policy: ConversionPolicy) -> Value {
    let mut json = json!({
        "grade": converted.grade,
        "scheme": converted.scheme,
        "original": converted.original,
        "originalScheme": converted.original_scheme,
        "policy": policy.name(),
        "tables": converted.tables,
    });
    if let Some(c) = &converted.conversion {
        json["sourceBand"] = band_json(c.source_band);
        json["candidates"] = c
            .candidates
            .iter()
            .map(|candidate| {
                json!({
                    "grade": candidate.grade,
                    "band": band_json(candidate.band),
                    "overlap": round(candidate.overlap),
                })
            })
            .collect();
    }
    json
}

/// A band as people read it: `51.49–88.08 %`.
pub fn band_text(band: Band) -> String {
    format!("{:.2}–{:.2} %", band.from, band.to)
}

fn band_json(band: Band) -> Value {
    json!([round(band.from), round(band.to)])
}

/// Percentage points to two decimals, as grade tables print them.
fn round(percent: f64) -> f64 {
    (percent * 100.0).round() / 100.0
}

impl GradeConversion {
    /// Converts `grade` from the `source` table to the `target` one (each with its name).
    fn new(
        grade: &str,
        source: (String, GradeDistribution),
        target: (String, GradeDistribution),
        policy: ConversionPolicy,
    ) -> Result<GradeConversion, GradeConversionError> {
        Ok(GradeConversion {
            conversion: convert(grade, &source.1, &target.1, policy)?,
            source,
            target,
        })
    }

    /// As JSON: `{"grade", "policy", "candidates": [{"grade", "band", "overlap"}], "source":
    /// {"table", "grade", "band", "total"}, "target": {"table", "total"}}`, bands and overlaps
    /// in percentage points to two decimals.
    pub fn to_json(&self) -> Value {
        let c = &self.conversion;
        json!({
            "grade": c.grade,
            "policy": c.policy.name(),
            "candidates": c.candidates.iter().map(|candidate| json!({
                "grade": candidate.grade,
                "band": band_json(candidate.band),
                "overlap": round(candidate.overlap),
            })).collect::<Vec<_>>(),
            "source": {
                "table": self.source.0,
                "grade": c.source_grade,
                "band": band_json(c.source_band),
                "total": self.source.1.total(),
            },
            "target": { "table": self.target.0, "total": self.target.1.total() },
        })
    }

    /// In a few lines, for people.
    pub fn to_text(&self) -> String {
        let c = &self.conversion;
        let mut text = format!(
            "{} → {} ({} policy)\n  {} in {} (N = {}): {}\n  overlapping grades in {} (N = {}):\n",
            c.source_grade,
            c.grade,
            c.policy,
            c.source_grade,
            self.source.0,
            self.source.1.total(),
            band_text(c.source_band),
            self.target.0,
            self.target.1.total(),
        );
        for candidate in &c.candidates {
            let suggested = if candidate.grade == c.grade {
                "  ← suggested"
            } else {
                ""
            };
            text.push_str(&format!(
                "    {:<8} {}  overlap {:.2} points{suggested}\n",
                candidate.grade,
                band_text(candidate.band),
                candidate.overlap,
            ));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_named_with_their_line() {
        let error = parse_grade_table("t.csv", b"grade;count\nA;1\n").unwrap_err();
        assert_eq!(error.line, 1);
        assert!(
            error.to_string().starts_with("t.csv:1: the header must be"),
            "{error}"
        );
        let error = parse_grade_table("t.csv", b"grade,count\nE,10\nD,ten\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "t.csv:3: count `ten` of grade `D` is not a whole number of graduates"
        );
        let error = parse_grade_table("t.csv", b"grade,count\nE,10\nD,1\nE,3\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "t.csv:4: grade `E` appears twice in the table"
        );
        let error = parse_grade_table("t.csv", b"grade,count\nE,10,3\n").unwrap_err();
        assert_eq!(error.line, 2, "{error}");
        let table =
            parse_grade_table("t.csv", b"\xEF\xBB\xBFGrade,Count\r\n3.0, 12\r\n3.5,4\r\n").unwrap();
        assert_eq!(table.total(), 16);
        let typed = parse_typed_grade_table("typed", "3.0,12\n3.5,4").unwrap();
        assert_eq!(typed, table);
        let error = parse_typed_grade_table("typed", "3.0,12\r\n3.5,four").unwrap_err();
        assert_eq!(error.line, 2, "{error}");
        let error = parse_typed_grade_table("typed", "3.0,12\n3.5,four").unwrap_err();
        assert_eq!(
            error.to_string(),
            "typed:2: count `four` of grade `3.5` is not a whole number of graduates"
        );
    }

    #[test]
    fn a_universitys_tables_are_read_per_field_and_cycle_in_its_scheme() {
        let pl = GradingScheme::preset("pl").unwrap();
        let file = "field,cycle,grade,count\n0613,first,5.0,7\n0613,first,3,92\n,,4.0,500\n0613,first,4.0,135\n";
        let tables =
            parse_reference_tables("wut.csv", file.as_bytes(), &pl, Some("2023–2025")).unwrap();
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[0].scope.to_string(), "ISCED-F 0613, first cycle");
        let grades: Vec<&str> = tables[0].distribution.grades().map(|(g, _)| g).collect();
        assert_eq!(grades, ["3.0", "4.0", "5.0"]);
        assert_eq!(tables[1].scope, TableScope::default());
        let fault = |text: &str| {
            parse_reference_tables("wut.csv", text.as_bytes(), &pl, None)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            fault("field,cycle,grade,count\n0613,first,3.0,5\n0613,first,2.0,4\n"),
            "wut.csv:3: the table of ISCED-F 0613, first cycle: `2.0` does not pass: a grade distribution table counts passing grades only"
        );
        assert!(
            fault("field,cycle,grade,count\n0613,fourth,3.0,5\n")
                .starts_with("wut.csv:2: `fourth` is not a cycle")
        );
        assert!(
            fault("field,cycle,grade,count\nmaths,,3.0,5\n")
                .starts_with("wut.csv:2: `maths` is not an ISCED-F code")
        );
        assert!(fault("field,cycle,grade,count\n,,2.5,5\n").starts_with("wut.csv:2: the table of the whole university, every cycle: `2.5` is not a grade of Polish"));
        assert_eq!(
            fault("field,cycle,grade,count\n"),
            "wut.csv: the file has no tables"
        );
    }
}
