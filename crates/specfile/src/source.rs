//! A file's text with the positions of its fields.

use std::collections::HashMap;
use std::ops::Range;

use crate::error::ParseError;

/// Largest specification or catalogue file accepted, in bytes. Real ones are a few KiB.
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;

/// The formats a specification or catalogue may be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

impl Format {
    /// `.json` files are JSON; everything else is read as TOML, the format people write.
    pub fn from_name(name: &str) -> Format {
        if name.to_ascii_lowercase().ends_with(".json") {
            Format::Json
        } else {
            Format::Toml
        }
    }
}

/// The text of one file, as read, with what is needed to point into it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    name: String,
    text: String,
    format: Format,
    line_starts: Vec<usize>,
}

/// A place in a file, for people: 1-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// The file's name.
    pub file: String,
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
    /// The field path the location is about, e.g. `workload.ects`.
    pub field: String,
    /// Whether the field itself is in the file (false: the location is where it would go).
    #[serde(skip)]
    pub present: bool,
    /// The byte range in the file that is marked.
    #[serde(skip)]
    pub span: Range<usize>,
}

impl SourceFile {
    /// Accepts a file's bytes: refuses very large files and text that is not UTF-8.
    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Result<SourceFile, ParseError> {
        let name = name.into();
        if bytes.len() > MAX_FILE_BYTES {
            return Err(ParseError::whole_file(
                &name,
                format!(
                    "the file is {} bytes; at most {MAX_FILE_BYTES} bytes are accepted",
                    bytes.len()
                ),
            ));
        }
        match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceFile::new(name, text)),
            Err(error) => {
                let valid = error.utf8_error().valid_up_to();
                let prefix = String::from_utf8_lossy(&error.as_bytes()[..valid]).into_owned();
                let source = SourceFile::new(name, prefix);
                let (line, column) = source.position(valid);
                Err(ParseError {
                    file: source.name,
                    line,
                    column,
                    field: None,
                    message: format!(
                        "the file is not valid UTF-8 (byte {valid}): save it as UTF-8"
                    ),
                    help: None,
                })
            }
        }
    }

    /// A file's text under its name (no limits: see `app::read_source`).
    pub fn new(name: impl Into<String>, text: String) -> SourceFile {
        let name = name.into();
        let format = Format::from_name(&name);
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name,
            text,
            format,
            line_starts,
        }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// TOML or JSON, by its name (else by its first character).
    pub fn format(&self) -> Format {
        self.format
    }

    /// 1-based line and character column of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        (line, column)
    }

    /// The byte offset of a 1-based line and 1-based *byte* column (as serde_json counts),
    /// moved back to a character boundary.
    pub fn offset_of_byte_column(&self, line: usize, byte_column: usize) -> usize {
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let mut offset = (start + byte_column.saturating_sub(1)).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// Where a top-level field that is not written would be added: a JSON object's closing
    /// brace; in TOML, a section (`grading.scheme`) at the end of the file, a plain key
    /// (`description`) before the first `[section]`, since keys after it belong to that section.
    fn where_to_add(&self, field: &str) -> usize {
        let text = self.text.as_str();
        if text.trim_start().starts_with('{') {
            return text.rfind('}').unwrap_or(text.len());
        }
        if parent(field).is_some() {
            return text.len();
        }
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if line.trim_start().starts_with('[') {
                return offset;
            }
            offset += line.len();
        }
        text.len()
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self
            .line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

/// Where each field of a file is: its key and its value, by field path (`elements[1]`).
#[derive(Clone, Debug, Default)]
pub struct SpanIndex {
    spans: HashMap<String, FieldSpan>,
}

#[derive(Clone, Debug)]
pub struct FieldSpan {
    pub key: Option<Range<usize>>,
    pub value: Range<usize>,
}

impl SpanIndex {
    pub fn insert(&mut self, path: String, key: Option<Range<usize>>, value: Range<usize>) {
        self.spans.insert(path, FieldSpan { key, value });
    }

    /// The location of `field`, or of its nearest ancestor present in the file.
    pub fn locate(&self, source: &SourceFile, field: &str) -> Location {
        self.locate_marking(source, field, false)
    }

    /// Like [`SpanIndex::locate`], but marks the field's key (for "unknown field" errors).
    pub fn locate_key(&self, source: &SourceFile, field: &str) -> Location {
        self.locate_marking(source, field, true)
    }

    fn locate_marking(&self, source: &SourceFile, field: &str, prefer_key: bool) -> Location {
        let mut path = field;
        loop {
            if let Some(span) = self.spans.get(path) {
                let present = path == field;
                // A scalar is marked at its value; a table or list at its key, which is
                // where a person reads it (`[workload]`, `elements = [`).
                let scalar = !matches!(
                    source.text.as_bytes().get(span.value.start),
                    Some(b'{' | b'[')
                );
                let range = match (&span.key, scalar && present && !prefer_key) {
                    (_, true) => span.value.clone(),
                    (Some(key), false) => key.clone(),
                    (None, false) => span.value.start..span.value.start + 1,
                };
                let (line, column) = source.position(range.start);
                return Location {
                    file: source.name.clone(),
                    line,
                    column,
                    field: field.to_owned(),
                    present,
                    span: range,
                };
            }
            match parent(path) {
                Some(up) => path = up,
                None => {
                    // Not written at all: point where it would be added (not at line 1, which
                    // is often a comment).
                    let end = source.where_to_add(field);
                    let (line, column) = source.position(end);
                    return Location {
                        file: source.name.clone(),
                        line,
                        column,
                        field: field.to_owned(),
                        present: false,
                        span: end..end,
                    };
                }
            }
        }
    }
}

/// `a.b[2].c` → `a.b[2]` → `a.b` → `a` → none.
pub fn parent(path: &str) -> Option<&str> {
    let cut = path.rfind(['.', '['])?;
    Some(&path[..cut])
}

/// Appends a key to a path: `workload` + `ects` → `workload.ects`.
pub fn join_key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Appends an index to a path: `elements` + 2 → `elements[2]`.
pub fn join_index(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_not_written_is_located_where_it_would_be_added() {
        let toml = SourceFile::new(
            "a.toml",
            "# a comment\ntitle = \"T\"\n\n[workload]\nects = 5\n".to_owned(),
        );
        let index = SpanIndex::default();
        // A plain key goes before the first section; a section at the end.
        let key = index.locate(&toml, "description");
        assert_eq!((key.line, key.column, key.present), (4, 1, false));
        let section = index.locate(&toml, "grading.scheme");
        assert_eq!((section.line, section.column), (6, 1));
        let json = SourceFile::new("a.json", "{\n  \"title\": \"T\"\n}\n".to_owned());
        assert_eq!(index.locate(&json, "grading.scheme").line, 3);
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let source = SourceFile::new("a.toml", "title = \"Zoë\"\nects = 5\n".to_owned());
        assert_eq!(source.position(0), (1, 1));
        assert_eq!(source.position(15), (2, 1));
        assert_eq!(source.position(22), (2, 8));
        assert_eq!(source.line_text(2), "ects = 5");
        assert_eq!(source.line_text(9), "");
    }

    #[test]
    fn invalid_utf8_is_located() {
        let error = SourceFile::from_bytes("a.toml", b"id = \"x\"\ntitle = \"\xff\"\n".to_vec())
            .unwrap_err();
        assert_eq!((error.line, error.column), (2, 10));
        assert!(error.message.contains("UTF-8"));
    }

    #[test]
    fn paths_have_parents() {
        assert_eq!(parent("a.b[2].c"), Some("a.b[2]"));
        assert_eq!(parent("a.b[2]"), Some("a.b"));
        assert_eq!(parent("a"), None);
    }
}
