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
//! | `home_university` | optional | the university id the learner is enrolled at (for `home-university` awards) |
//! | `element` | required | a course element id of the specification |
//! | `completed_on` | required | `YYYY-MM-DD`, the day the result was obtained |
//! | `result` | optional | `passed` (default) or `failed` |
//! | `grade` | optional | the grade in the element, in its university's scheme |
//! | `overall_grade` | optional | the micro-credential's grade, in the awarding university's scheme |

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use microcred_model::{CountryCode, CourseElementId, Date, UniversityId, suggest};

/// The columns a results file may have.
pub const COLUMNS: [&str; 12] = [
    "learner",
    "given_names",
    "family_names",
    "date_of_birth",
    "nationality",
    "student_id",
    "email",
    "home_university",
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
    /// The registrar's key for the learner: a student id or an e-mail.
    pub learner: String,
    /// Given names.
    pub given_names: String,
    /// Family names.
    pub family_names: String,
    /// Date of birth.
    pub date_of_birth: Option<Date>,
    /// Nationalities.
    pub nationality: Vec<CountryCode>,
    /// The student id at the university delivering the element.
    pub student_id: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// The university the learner is enrolled at, where the file says.
    pub home_university: Option<UniversityId>,
    /// The course element.
    pub element: CourseElementId,
    /// The day the result was obtained.
    pub completed_on: Date,
    /// Whether passed.
    pub passed: bool,
    /// The element's grade, in its university's scheme.
    pub grade: Option<String>,
    /// The micro-credential's grade, in the awarding university's scheme.
    pub overall_grade: Option<String>,
}

/// Why a row was not read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The row's number.
    pub row: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The column, if one is at fault.
    pub column: Option<String>,
    /// What is wrong.
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
    /// The file's name.
    pub file: String,
    /// What is wrong.
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
        let home_university = field("home_university")?
            .map(|u| UniversityId::new(u).map_err(|e| problem("home_university", e.to_string())))
            .transpose()?;
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
            home_university,
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
/// Parts (files inside the ZIP archive) a workbook may have: a results workbook has about ten.
pub const MAX_XLSX_PARTS: u64 = 1_000;
/// Largest part once decompressed (the sheet's XML, its shared strings). The ZIP reader never
/// inflates a part past the size its directory declares, so checking the declared sizes first
/// refuses a ZIP bomb before any of it is inflated.
pub const MAX_XLSX_PART_BYTES: u64 = 128 * 1024 * 1024;
/// All parts together, decompressed.
pub const MAX_XLSX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// Shared strings a workbook may declare (the reader reserves room for as many as declared).
pub const MAX_XLSX_SHARED_STRINGS: u64 = 2_000_000;
/// Rows of a results sheet (beyond: CSV, which streams).
pub const MAX_XLSX_ROWS: u64 = 200_000;
/// Columns of a results sheet: its columns are [`COLUMNS`]; anything far to their right is a
/// stray cell (or a sheet made to be huge).
pub const MAX_XLSX_COLUMNS: u32 = 64;

/// Checks an XLSX archive's directory against the limits before anything is inflated: the
/// number of parts from its end record (the directory is not even parsed when there are too
/// many), then each part's declared size.
fn check_xlsx_archive(bytes: &[u8]) -> Result<(), String> {
    // The end-of-central-directory record: signature, then the number of entries at offset 10.
    let tail = &bytes[bytes.len().saturating_sub(22 + 65_535)..];
    let end = tail
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .ok_or("not an XLSX workbook: no ZIP directory")?;
    let record = &tail[end..];
    if record.len() < 22 {
        return Err("not an XLSX workbook: its ZIP directory is cut short".into());
    }
    let parts = u64::from(u16::from_le_bytes([record[10], record[11]]));
    if parts == 0xFFFF || parts > MAX_XLSX_PARTS {
        return Err(format!(
            "the workbook has more than {MAX_XLSX_PARTS} parts; a results workbook has about ten"
        ));
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not an XLSX workbook: {e}"))?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let part = archive
            .by_index_raw(i)
            .map_err(|e| format!("not an XLSX workbook: {e}"))?;
        let size = part.size();
        if size > MAX_XLSX_PART_BYTES {
            return Err(format!(
                "part `{}` of the workbook inflates to {size} bytes, over the limit of {MAX_XLSX_PART_BYTES}: split the workbook, or save it as CSV",
                part.name().unwrap_or_default()
            ));
        }
        total += size;
    }
    if total > MAX_XLSX_TOTAL_BYTES {
        return Err(format!(
            "the workbook inflates to {total} bytes, over the limit of {MAX_XLSX_TOTAL_BYTES}: split it, or save it as CSV"
        ));
    }
    // The reader reserves room for the shared strings the workbook declares.
    let declared = archive
        .by_name("xl/sharedStrings.xml")
        .ok()
        .map(|part| {
            let mut head = Vec::with_capacity(4096);
            let _ = part.take(4096).read_to_end(&mut head);
            head
        })
        .and_then(|head| declared_count(&head, b"uniqueCount=\""));
    if let Some(count) = declared
        && count > MAX_XLSX_SHARED_STRINGS
    {
        return Err(format!(
            "the workbook declares {count} shared strings, over the limit of {MAX_XLSX_SHARED_STRINGS}"
        ));
    }
    Ok(())
}

/// The number after `attribute` (e.g. `uniqueCount="`) in `xml`, if any (saturating).
fn declared_count(xml: &[u8], attribute: &[u8]) -> Option<u64> {
    let at = xml.windows(attribute.len()).position(|w| w == attribute)? + attribute.len();
    let digits = xml[at..].iter().take_while(|b| b.is_ascii_digit());
    Some(digits.fold(0u64, |n, d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

/// A column's letters (0 is `A`).
fn column_name(mut column: u32) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// The rows of the first sheet of an XLSX workbook, read as a results file: the first row is
/// the header. Dates may be date cells or `YYYY-MM-DD` text; numbers (student ids) lose no
/// digits. Cells are streamed, never laid out as a grid, so a far-away cell costs nothing; the
/// archive is checked against the `MAX_XLSX_*` limits before anything is inflated.
pub fn read_xlsx(
    name: &str,
    bytes: &[u8],
) -> Result<Vec<Result<ResultRow, RowProblem>>, ResultsFileError> {
    // The spreadsheet reader overflows on some malformed cell references (found by fuzzing
    // `read_results_xlsx`: `attempt to multiply with overflow` in calamine's reference parser).
    // A workbook it cannot read is a bad file, never a crash of whoever reads it.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_xlsx_unguarded(name, bytes)
    }))
    .unwrap_or_else(|_| {
        Err(ResultsFileError {
            file: name.to_owned(),
            message: "not a readable XLSX workbook: its sheet is malformed".into(),
        })
    })
}

fn read_xlsx_unguarded(
    name: &str,
    bytes: &[u8],
) -> Result<Vec<Result<ResultRow, RowProblem>>, ResultsFileError> {
    use calamine::{DataRef, Reader, Xlsx};
    let error = |message: String| ResultsFileError {
        file: name.to_owned(),
        message,
    };
    if bytes.len() > MAX_XLSX_BYTES {
        return Err(error(format!(
            "the workbook is over {MAX_XLSX_BYTES} bytes: split it, or save it as CSV"
        )));
    }
    check_xlsx_archive(bytes).map_err(error)?;
    let mut workbook = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| error(format!("not an XLSX workbook: {e}")))?;
    let sheet = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| error("the workbook has no sheet".into()))?;
    let mut cells = workbook
        .worksheet_cells_reader(&sheet)
        .map_err(|e| error(format!("the first sheet cannot be read: {e}")))?;
    let text = |cell: &DataRef<'_>| -> String {
        match cell {
            DataRef::Empty => String::new(),
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::SharedString(s) => (*s).to_owned(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            DataRef::Float(f) => f.to_string(),
            DataRef::Bool(b) => b.to_string(),
            DataRef::DateTime(d) => {
                let (y, m, day, ..) = d.to_ymd_hms_milli();
                format!("{y:04}-{m:02}-{day:02}")
            }
            DataRef::Error(e) => format!("#{e:?}"),
        }
    };
    // Cells arrive row by row, left to right; a row is complete when the next one starts.
    let mut header: Option<(Columns, usize)> = None;
    let mut out = Vec::new();
    let mut row: Option<(u32, Vec<String>)> = None;
    let mut rows = 0u64;
    let mut finish = |number: u32,
                      cells: Vec<String>,
                      header: &mut Option<(Columns, usize)>|
     -> Result<(), ResultsFileError> {
        match header {
            None => {
                // Trailing empty header cells are only formatting.
                let width = cells
                    .iter()
                    .rposition(|h| !h.trim().is_empty())
                    .map_or(0, |i| i + 1);
                let names: Vec<&str> = cells[..width].iter().map(String::as_str).collect();
                *header = Some((Columns::from_header(name, &names)?, width));
            }
            Some((columns, _)) => {
                if cells.iter().all(|c| c.trim().is_empty()) {
                    return Ok(());
                }
                rows += 1;
                if rows > MAX_XLSX_ROWS {
                    return Err(error(format!(
                        "the sheet has more than {MAX_XLSX_ROWS} rows: split it, or save it as CSV"
                    )));
                }
                let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
                // Spreadsheet rows count from 1.
                out.push(columns.parse(u64::from(number) + 1, &refs));
            }
        }
        Ok(())
    };
    loop {
        let cell = cells
            .next_cell()
            .map_err(|e| error(format!("the first sheet cannot be read: {e}")))?;
        let Some(cell) = cell else { break };
        let (number, column) = cell.get_position();
        if column >= MAX_XLSX_COLUMNS {
            if matches!(cell.get_value(), DataRef::Empty) {
                continue;
            }
            return Err(error(format!(
                "cell {}{} is beyond column {}: a results sheet has at most {MAX_XLSX_COLUMNS} columns",
                column_name(column),
                u64::from(number) + 1,
                column_name(MAX_XLSX_COLUMNS - 1)
            )));
        }
        if row.as_ref().is_some_and(|(n, _)| *n != number)
            && let Some((n, done)) = row.take()
        {
            finish(n, done, &mut header)?;
        }
        let (_, values) = row.get_or_insert_with(|| (number, Vec::new()));
        let column = column as usize;
        if values.len() <= column {
            values.resize(column + 1, String::new());
        }
        values[column] = text(cell.get_value());
    }
    if let Some((n, done)) = row.take() {
        finish(n, done, &mut header)?;
    }
    if header.is_none() {
        return Err(error("the first sheet is empty".into()));
    }
    Ok(out)
}

/// The media type of a CSV results file.
pub const CSV_MEDIA_TYPE: &str = "text/csv";
/// The media type of an XLSX workbook.
pub const XLSX_MEDIA_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What a results file is. Every entry point (the command line, the API, the upload page)
/// recognises it here, by its content, checked against what the sender declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultsFormat {
    /// Comma-separated text, streamed row by row.
    Csv,
    /// An Office Open XML workbook (a ZIP archive), read whole within its limits.
    Xlsx,
}

/// Why a file is not read as results at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct Unrecognised {
    /// The file's name.
    pub file: String,
    /// What is wrong with it.
    pub reason: Unrecognition,
}

/// What is wrong with a file that is not read as results.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
// The fields are named in each variant's message.
#[allow(missing_docs)]
pub enum Unrecognition {
    /// The declared media type is neither CSV nor XLSX.
    #[error(
        "`{declared}` is not a results file's type: send a CSV file ({CSV_MEDIA_TYPE}) or an XLSX workbook ({XLSX_MEDIA_TYPE})"
    )]
    MediaType { declared: String },
    /// The content is not what was declared.
    #[error("declared as {declared}, but the content is {found}")]
    Mismatch {
        declared: &'static str,
        found: &'static str,
    },
}

impl From<Unrecognised> for ResultsFileError {
    fn from(e: Unrecognised) -> Self {
        ResultsFileError {
            file: e.file,
            message: e.reason.to_string(),
        }
    }
}

impl ResultsFormat {
    fn describe(self) -> &'static str {
        match self {
            ResultsFormat::Csv => "CSV text (a ZIP archive would be an XLSX workbook)",
            ResultsFormat::Xlsx => "an XLSX workbook (a ZIP archive)",
        }
    }

    /// The format a media type (`text/csv`; parameters ignored) or a file name's extension
    /// (`.csv`, `.xlsx`) declares; `None` when it declares neither.
    pub fn declared_by(declared: &str) -> Option<ResultsFormat> {
        let declared = declared.split(';').next().unwrap_or("").trim();
        let lower = declared.to_ascii_lowercase();
        match lower.as_str() {
            CSV_MEDIA_TYPE | "application/csv" | "text/comma-separated-values" => {
                Some(ResultsFormat::Csv)
            }
            XLSX_MEDIA_TYPE => Some(ResultsFormat::Xlsx),
            _ if lower.ends_with(".csv") => Some(ResultsFormat::Csv),
            _ if lower.ends_with(".xlsx") => Some(ResultsFormat::Xlsx),
            _ => None,
        }
    }

    /// Recognises a results file by its first bytes (every workbook is a ZIP archive), and
    /// checks it against `declared` — a media type or a file name — when one is given.
    /// `strict`: an unknown declaration is refused (the API's `Content-Type`); otherwise it is
    /// ignored (a file name without an extension, a browser's guess).
    pub fn recognise(
        file: &str,
        declared: Option<&str>,
        strict: bool,
        head: &[u8],
    ) -> Result<ResultsFormat, Unrecognised> {
        let found = if head.starts_with(b"PK\x03\x04") {
            ResultsFormat::Xlsx
        } else {
            ResultsFormat::Csv
        };
        let Some(declared) = declared else {
            return Ok(found);
        };
        let reason = match ResultsFormat::declared_by(declared) {
            Some(format) if format == found => return Ok(found),
            Some(format) => Unrecognition::Mismatch {
                declared: format.describe(),
                found: found.describe(),
            },
            None if strict => Unrecognition::MediaType {
                declared: declared.to_owned(),
            },
            None => return Ok(found),
        };
        Err(Unrecognised {
            file: file.to_owned(),
            reason,
        })
    }
}

/// Rows given as JSON objects keyed by a results file's column names (the API's JSON rows),
/// numbered from 1 as in a file whose header is row 0. Values that are not strings are read
/// as their JSON text; `null` is an empty cell.
pub fn read_json_rows(
    name: &str,
    rows: &[serde_json::Map<String, serde_json::Value>],
) -> Result<Vec<Result<ResultRow, RowProblem>>, ResultsFileError> {
    let mut names: Vec<&str> = Vec::new();
    for row in rows {
        for key in row.keys() {
            if !names.contains(&key.as_str()) {
                names.push(key);
            }
        }
    }
    let columns = Columns::from_header(name, &names)?;
    Ok(rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let cells: Vec<String> = names
                .iter()
                .map(|n| match row.get(*n) {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(serde_json::Value::Null) | None => String::new(),
                    Some(other) => other.to_string(),
                })
                .collect();
            let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
            columns.parse(i as u64 + 1, &refs)
        })
        .collect())
}

/// The rows of a results file on disk (the command line), recognised by its first bytes and
/// its name's extension: CSV streamed from the file, XLSX read whole within its limits.
pub fn open_results_file(path: &std::path::Path) -> Result<FileRows, ResultsFileError> {
    use std::io::{BufRead, Read};
    let name = path.display().to_string();
    let unreadable = |e: std::io::Error| ResultsFileError {
        file: name.clone(),
        message: format!("cannot read the file: {e}"),
    };
    let mut file = std::io::BufReader::new(std::fs::File::open(path).map_err(unreadable)?);
    let head = file.fill_buf().map_err(unreadable)?;
    let head = head.get(..4).unwrap_or(head).to_vec();
    let format = ResultsFormat::recognise(&name, Some(&name), false, &head)?;
    match format {
        ResultsFormat::Csv => Ok(FileRows::Csv(Box::new(ResultsReader::new(&name, file)?))),
        ResultsFormat::Xlsx => {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).map_err(unreadable)?;
            Ok(FileRows::Xlsx(read_xlsx(&name, &bytes)?.into_iter()))
        }
    }
}

/// The rows of a results file on disk.
pub enum FileRows {
    /// Streamed from the file.
    Csv(Box<ResultsReader<std::io::BufReader<std::fs::File>>>),
    /// Read whole.
    Xlsx(std::vec::IntoIter<Result<ResultRow, RowProblem>>),
}

impl Iterator for FileRows {
    type Item = Result<ResultRow, RowProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            FileRows::Csv(reader) => reader.next(),
            FileRows::Xlsx(rows) => rows.next(),
        }
    }
}

/// The rows of a CSV (streamed) or XLSX (read whole) results file.
pub enum ResultRows<'a> {
    /// Streamed from the bytes.
    Csv(ResultsReader<&'a [u8]>),
    /// Read whole.
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

    #[test]
    fn a_results_file_is_recognised_by_its_content_and_checked_against_its_declaration() {
        let zip = b"PK\x03\x04rest";
        let csv = b"learner,element\n";
        let recognise = ResultsFormat::recognise;
        assert_eq!(recognise("f", None, false, zip), Ok(ResultsFormat::Xlsx));
        assert_eq!(recognise("f", None, false, csv), Ok(ResultsFormat::Csv));
        assert_eq!(
            recognise("f", Some("text/csv; charset=utf-8"), true, csv),
            Ok(ResultsFormat::Csv)
        );
        assert_eq!(
            recognise("r.XLSX", Some("r.XLSX"), false, zip),
            Ok(ResultsFormat::Xlsx)
        );
        assert!(matches!(
            recognise("r.csv", Some("r.csv"), false, zip),
            Err(Unrecognised {
                reason: Unrecognition::Mismatch { .. },
                ..
            })
        ));
        assert!(matches!(
            recognise("f", Some("application/pdf"), true, csv),
            Err(Unrecognised {
                reason: Unrecognition::MediaType { .. },
                ..
            })
        ));
        // A browser's guess (Windows calls CSV `application/vnd.ms-excel`) is not a refusal.
        assert_eq!(
            recognise("f", Some("application/vnd.ms-excel"), false, csv),
            Ok(ResultsFormat::Csv)
        );
    }

    #[test]
    fn json_rows_read_as_a_file_would() {
        let rows: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_str(
            r#"[{"learner": "s1", "given_names": "Zoë", "family_names": "K", "element": "wut:a", "completed_on": "2026-06-20", "overall_grade": 4.5},
                {"learner": "s2", "given_names": "Jan", "family_names": "K", "element": "wut:a", "completed_on": null}]"#,
        )
        .unwrap();
        let read = read_json_rows("the request", &rows).unwrap();
        let first = read[0].as_ref().unwrap();
        assert_eq!(
            (first.row, first.overall_grade.as_deref()),
            (1, Some("4.5"))
        );
        assert_eq!(
            read[1].as_ref().unwrap_err().to_string(),
            "row 2, column `completed_on`: is empty"
        );
    }

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
