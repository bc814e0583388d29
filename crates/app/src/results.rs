//! Learners' results in a CSV file: one row per learner and course element, read as a stream.
//! A bad row is reported with its row number and reason and the others are still read.
//!
//! | column | | |
//! |---|---|---|
//! | `learner` | required | the registrar's key for the learner: a student id or an e-mail |
//! | `given_names`, `family_names` | required | in any script |
//! | `date_of_birth` | optional | `YYYY-MM-DD` |
//! | `nationality` | optional | ISO 3166-1 alpha-2 codes, several separated by `;` |
//! | `student_id` | optional | the learner's id at the university delivering `element`; else `learner` if it has no `@` |
//! | `email` | optional | else `learner` if it has an `@` |
//! | `element` | required | a course element id of the specification |
//! | `completed_on` | required | `YYYY-MM-DD`, the day the result was obtained |
//! | `result` | optional | `passed` (default) or `failed` |
//! | `grade` | optional | the grade in the element, in its university's scheme |
//! | `overall_grade` | optional | the micro-credential's grade, in the awarding university's scheme |

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use microcred_model::{CountryCode, CourseElementId, Date, suggest};

/// The columns a results file may have.
pub const COLUMNS: [&str; 11] = [
    "learner",
    "given_names",
    "family_names",
    "date_of_birth",
    "nationality",
    "student_id",
    "email",
    "element",
    "completed_on",
    "result",
    "grade",
];
const OVERALL_GRADE: &str = "overall_grade";
const REQUIRED: [&str; 5] = [
    "learner",
    "given_names",
    "family_names",
    "element",
    "completed_on",
];
/// Longest accepted field, in bytes (a name, a grade): longer is a mistake or an attack.
const MAX_FIELD_BYTES: usize = 1_000;

/// One learner's result in one course element.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultRow {
    /// The row's number in the file (the line where it starts), the header being row 1.
    pub row: u64,
    pub learner: String,
    pub given_names: String,
    pub family_names: String,
    pub date_of_birth: Option<Date>,
    pub nationality: Vec<CountryCode>,
    pub student_id: Option<String>,
    pub email: Option<String>,
    pub element: CourseElementId,
    pub completed_on: Date,
    pub passed: bool,
    pub grade: Option<String>,
    pub overall_grade: Option<String>,
}

/// Why a row was not read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    pub row: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(column) => write!(f, "row {}, column `{column}`: {}", self.row, self.message),
            None => write!(f, "row {}: {}", self.row, self.message),
        }
    }
}

/// The whole file is unusable (no header, unknown columns).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ResultsFileError {
    pub file: String,
    pub message: String,
}

/// Reads rows one at a time from a CSV results file.
pub struct ResultsReader<R: Read> {
    reader: csv::Reader<LineTracker<R>>,
    lines: Arc<Mutex<Lines>>,
    record: csv::StringRecord,
    columns: Columns,
    row: u64,
}

/// Where each column is in a file's rows (from its header), and how a row reads.
#[derive(Clone, Debug)]
pub struct Columns {
    positions: Vec<Option<usize>>,
    overall: Option<usize>,
}

/// The lines read so far but not yet passed by the CSV parser: where each starts, and whether
/// it is blank. The CSV parser skips blank lines and counts CRLF its own way, so a record's
/// row is found here from the byte where the parser says it begins.
#[derive(Default)]
struct Lines {
    /// (byte where the line starts, line number, blank) for lines whose end was seen.
    ended: VecDeque<(u64, u64, bool)>,
    /// The line being read: where it starts, its number, whether it has content so far.
    current: (u64, u64, bool),
    offset: u64,
}

impl Lines {
    /// The row of a record whose region starts at `byte`: the first non-blank line there.
    fn row_at(&mut self, byte: u64) -> u64 {
        while self
            .ended
            .front()
            .is_some_and(|(start, _, _)| *start < byte)
        {
            self.ended.pop_front();
        }
        for (_, line, blank) in &self.ended {
            if !blank {
                return *line;
            }
        }
        self.current.1
    }
}

/// Passes bytes through to the CSV parser, noting where lines start.
struct LineTracker<R> {
    inner: R,
    lines: Arc<Mutex<Lines>>,
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let Ok(mut lines) = self.lines.lock() else {
            return Ok(n);
        };
        for &byte in &buf[..n] {
            lines.offset += 1;
            match byte {
                b'\n' => {
                    let (start, number, content) = lines.current;
                    lines.ended.push_back((start, number, !content));
                    lines.current = (lines.offset, number + 1, false);
                }
                b'\r' => {}
                _ => lines.current.2 = true,
            }
        }
        Ok(n)
    }
}

impl<R: Read> ResultsReader<R> {
    /// Reads the header and checks the columns.
    pub fn new(name: &str, input: R) -> Result<ResultsReader<R>, ResultsFileError> {
        let error = |message: String| ResultsFileError {
            file: name.to_owned(),
            message,
        };
        let lines = Arc::new(Mutex::new(Lines {
            current: (0, 1, false),
            ..Lines::default()
        }));
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(LineTracker {
                inner: input,
                lines: Arc::clone(&lines),
            });
        let header = reader
            .headers()
            .map_err(|e| error(format!("cannot read the header row: {e}")))?
            .clone();
        let names: Vec<&str> = header.iter().collect();
        Ok(ResultsReader {
            columns: Columns::from_header(name, &names)?,
            reader,
            lines,
            record: csv::StringRecord::new(),
            row: 1,
        })
    }
}

impl Columns {
    /// Checks a header row: known columns, none twice, the required ones present.
    pub fn from_header(file: &str, header: &[&str]) -> Result<Columns, ResultsFileError> {
        let error = |message: String| ResultsFileError {
            file: file.to_owned(),
            message,
        };
        let names: Vec<String> = header
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        for (i, name) in names.iter().enumerate() {
            if !COLUMNS.contains(&name.as_str()) && name != OVERALL_GRADE {
                let hint = suggest::nearest(name, COLUMNS.iter().copied().chain([OVERALL_GRADE]))
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                return Err(error(format!(
                    "column {} is `{name}`, which is not a results column{hint}; the columns are {}, {OVERALL_GRADE}",
                    i + 1,
                    COLUMNS.join(", ")
                )));
            }
            if names[..i].contains(name) {
                return Err(error(format!("column `{name}` appears twice")));
            }
        }
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|r| !names.iter().any(|n| n == r))
            .collect();
        if !missing.is_empty() {
            return Err(error(format!(
                "the header lacks the required column{} {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            )));
        }
        let position = |column: &str| names.iter().position(|n| n == column);
        Ok(Columns {
            positions: COLUMNS.iter().map(|c| position(c)).collect(),
            overall: position(OVERALL_GRADE),
        })
    }

    /// Reads one row (its cells, trimmed), numbered `row` for messages.
    pub fn parse(&self, row: u64, record: &[&str]) -> Result<ResultRow, RowProblem> {
        let problem = |column: &str, message: String| RowProblem {
            row,
            column: Some(column.to_owned()),
            message,
        };
        let field = |column: &str| -> Result<Option<&str>, RowProblem> {
            let index = COLUMNS
                .iter()
                .position(|c| *c == column)
                .and_then(|i| self.positions[i])
                .or(if column == OVERALL_GRADE {
                    self.overall
                } else {
                    None
                });
            let value = index
                .and_then(|i| record.get(i))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty());
            if let Some(v) = value
                && v.len() > MAX_FIELD_BYTES
            {
                return Err(problem(
                    column,
                    format!(
                        "is {} bytes long; at most {MAX_FIELD_BYTES} are accepted",
                        v.len()
                    ),
                ));
            }
            Ok(value)
        };
        let required = |column: &str| -> Result<&str, RowProblem> {
            field(column)?.ok_or_else(|| problem(column, "is empty".into()))
        };
        let date = |column: &str, text: &str| -> Result<Date, RowProblem> {
            text.parse::<Date>()
                .map_err(|e| problem(column, e.to_string()))
        };
        let learner = required("learner")?.to_owned();
        let given_names = required("given_names")?.to_owned();
        let family_names = required("family_names")?.to_owned();
        let date_of_birth = field("date_of_birth")?
            .map(|d| date("date_of_birth", d))
            .transpose()?;
        let nationality = field("nationality")?
            .map(|text| {
                text.split([';', ',', ' '])
                    .filter(|c| !c.is_empty())
                    .map(|code| {
                        CountryCode::parse(code).map_err(|e| problem("nationality", e.to_string()))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        let element = CourseElementId::new(required("element")?)
            .map_err(|e| problem("element", e.to_string()))?;
        let completed_on = date("completed_on", required("completed_on")?)?;
        let passed = match field("result")?.map(str::to_ascii_lowercase).as_deref() {
            None | Some("passed" | "pass") => true,
            Some("failed" | "fail") => false,
            Some(other) => {
                return Err(problem(
                    "result",
                    format!("`{other}` is neither `passed` nor `failed`"),
                ));
            }
        };
        // Without the columns, the key is what the header says it is: an e-mail when it has an
        // `@`, else the student id; so importing the file again finds its learners.
        let key_is_email = learner.contains('@');
        let student_id = field("student_id")?
            .map(str::to_owned)
            .or_else(|| (!key_is_email).then(|| learner.clone()));
        let email = field("email")?
            .map(str::to_owned)
            .or_else(|| key_is_email.then(|| learner.clone()));
        Ok(ResultRow {
            row,
            learner,
            given_names,
            family_names,
            date_of_birth,
            nationality,
            student_id,
            email,
            element,
            completed_on,
            passed,
            grade: field("grade")?.map(str::to_owned),
            overall_grade: field(OVERALL_GRADE)?.map(str::to_owned),
        })
    }
}

impl<R: Read> Iterator for ResultsReader<R> {
    type Item = Result<ResultRow, RowProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut record = std::mem::take(&mut self.record);
        let read = self.reader.read_record(&mut record);
        let start = match &read {
            Ok(_) => record.position().map(csv::Position::byte),
            Err(e) => e.position().map(csv::Position::byte),
        };
        self.row = match start {
            Some(byte) => match self.lines.lock() {
                Ok(mut lines) => lines.row_at(byte),
                Err(_) => self.row + 1,
            },
            None => self.row + 1,
        };
        let item = match read {
            Ok(false) => return None,
            Ok(true) if record.iter().all(str::is_empty) => {
                self.record = record;
                return self.next(); // a row of empty cells
            }
            Ok(true) => {
                let cells: Vec<&str> = record.iter().collect();
                self.columns.parse(self.row, &cells)
            }
            Err(e) => Err(RowProblem {
                row: self.row,
                column: None,
                message: match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8".into(),
                    _ => format!("cannot be read as CSV: {e}"),
                },
            }),
        };
        self.record = record;
        Some(item)
    }
}

/// Largest XLSX file read, in bytes (a spreadsheet is read whole; CSV streams).
pub const MAX_XLSX_BYTES: usize = 64 * 1024 * 1024;

/// The rows of the first sheet of an XLSX workbook, read as a results file: the first row is
/// the header. Dates may be date cells or `YYYY-MM-DD` text; numbers (student ids) lose no
/// digits.
pub fn read_xlsx(
    name: &str,
    bytes: &[u8],
) -> Result<Vec<Result<ResultRow, RowProblem>>, ResultsFileError> {
    use calamine::{Data, Reader, Xlsx};
    let error = |message: String| ResultsFileError {
        file: name.to_owned(),
        message,
    };
    if bytes.len() > MAX_XLSX_BYTES {
        return Err(error(format!(
            "the workbook is over {MAX_XLSX_BYTES} bytes: split it, or save it as CSV"
        )));
    }
    let mut workbook = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| error(format!("not an XLSX workbook: {e}")))?;
    let sheet = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| error("the workbook has no sheet".into()))?
        .map_err(|e| error(format!("the first sheet cannot be read: {e}")))?;
    let text = |cell: &Data| -> String {
        match cell {
            Data::Empty => String::new(),
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Int(i) => i.to_string(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            Data::Float(f) => f.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(d) => {
                let (y, m, day, ..) = d.to_ymd_hms_milli();
                format!("{y:04}-{m:02}-{day:02}")
            }
            Data::Error(e) => format!("#{e:?}"),
        }
    };
    let (first_row, _) = sheet.start().unwrap_or((0, 0));
    let mut rows = sheet.rows();
    let header: Vec<String> = rows
        .next()
        .ok_or_else(|| error("the first sheet is empty".into()))?
        .iter()
        .map(text)
        .collect();
    // Trailing empty header cells are only formatting.
    let width = header
        .iter()
        .rposition(|h| !h.trim().is_empty())
        .map_or(0, |i| i + 1);
    let names: Vec<&str> = header[..width].iter().map(String::as_str).collect();
    let columns = Columns::from_header(name, &names)?;
    let mut out = Vec::new();
    for (i, cells) in rows.enumerate() {
        let cells: Vec<String> = cells.iter().map(text).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        // Spreadsheet rows count from 1, the header being the sheet's first used row.
        out.push(columns.parse(u64::from(first_row) + i as u64 + 2, &refs));
    }
    Ok(out)
}

/// The rows of a results file given whole (an upload): XLSX when it is a ZIP archive (every
/// workbook is), CSV otherwise.
pub fn read_results_file<'a>(
    name: &str,
    bytes: &'a [u8],
) -> Result<ResultRows<'a>, ResultsFileError> {
    if bytes.starts_with(b"PK\x03\x04") {
        Ok(ResultRows::Xlsx(read_xlsx(name, bytes)?.into_iter()))
    } else {
        Ok(ResultRows::Csv(ResultsReader::new(name, bytes)?))
    }
}

/// The rows of a CSV (streamed) or XLSX (read whole) results file.
pub enum ResultRows<'a> {
    Csv(ResultsReader<&'a [u8]>),
    Xlsx(std::vec::IntoIter<Result<ResultRow, RowProblem>>),
}

impl Iterator for ResultRows<'_> {
    type Item = Result<ResultRow, RowProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            ResultRows::Csv(reader) => reader.next(),
            ResultRows::Xlsx(rows) => rows.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<Result<ResultRow, RowProblem>>, ResultsFileError> {
        Ok(ResultsReader::new("results.csv", text.as_bytes())?.collect())
    }

    #[test]
    fn good_and_bad_rows_are_told_apart_with_their_row_numbers() {
        let rows = read(
            "learner,given_names,family_names,date_of_birth,nationality,element,completed_on,result,grade\n\
             s1,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,wut:a,2026-06-20,passed,5.0\n\
             s2,Jan,Kowalski,2001-02-30,PL,wut:a,2026-06-20,,\n\
             s3,Ana,Silva,,XX,wut:a,2026-06-20,,\n\
             \n\
             s4,Eva,Berg,,,wut:a,2026-06-21,maybe,\n\
             s5,Ola,Nordmann,,,wut:a,,failed,\n",
        )
        .unwrap();
        let first = rows[0].as_ref().unwrap();
        assert_eq!(first.row, 2);
        assert_eq!(first.family_names, "Łukasiewicz-Παπαδοπούλου");
        assert_eq!(first.nationality.len(), 2);
        let problems: Vec<String> = rows[1..]
            .iter()
            .map(|r| r.as_ref().unwrap_err().to_string())
            .collect();
        assert_eq!(
            problems,
            [
                "row 3, column `date_of_birth`: `2001-02-30` is not a date: write it as YYYY-MM-DD, e.g. 2026-03-01",
                "row 4, column `nationality`: unknown country code `XX`: use an ISO 3166-1 alpha-2 code such as `PL`, `DE` or `IE`",
                "row 6, column `result`: `maybe` is neither `passed` nor `failed`",
                "row 7, column `completed_on`: is empty",
            ]
        );
    }

    #[test]
    fn row_numbers_survive_blank_lines_crlf_and_quoted_newlines() {
        let rows = |text: &str| -> Vec<u64> {
            read(text)
                .unwrap()
                .iter()
                .map(|r| match r {
                    Ok(row) => row.row,
                    Err(p) => p.row,
                })
                .collect()
        };
        let header = "learner,given_names,family_names,element,completed_on";
        let row = |l: &str| format!("{l},A,B,e:x,2026-01-01");
        let lf = format!(
            "{header}\n{}\n\n{}\n\n\n\"s3\",\"A\nA\",B,e:x,2026-01-01\n{}",
            row("s1"),
            row("s2"),
            row("s4")
        );
        assert_eq!(rows(&lf), [2, 4, 7, 9]);
        let crlf = lf.replace('\n', "\r\n");
        assert_eq!(rows(&crlf), [2, 4, 7, 9]);
    }

    #[test]
    fn a_wrong_header_is_refused_with_a_suggestion() {
        let error = read("learner,given_names,family_name,element,completed_on\n").unwrap_err();
        assert!(
            error.message.contains("`family_name`")
                && error.message.contains("did you mean `family_names`"),
            "{error}"
        );
        let error = read("learner,given_names,family_names\n").unwrap_err();
        assert!(
            error
                .message
                .contains("lacks the required columns element, completed_on"),
            "{error}"
        );
    }
}
