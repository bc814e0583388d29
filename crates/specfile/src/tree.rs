//! Reads TOML or JSON text into one value tree and a [`SpanIndex`] of where each field is.
//!
//! Both formats then deserialize the same way, so a field has the same path, the same
//! checks and the same error messages whichever format a person writes.

use std::ops::Range;

use serde_json::{Map, Number, Value};
use toml::de::{DeTable, DeValue};

use crate::error::ParseError;
use crate::source::{Format, SourceFile, SpanIndex, join_index, join_key};

/// Deepest nesting accepted; specifications need about five levels.
pub const MAX_DEPTH: usize = 32;

pub(crate) fn read_tree(source: &SourceFile) -> Result<(Value, SpanIndex), ParseError> {
    match source.format() {
        Format::Toml => read_toml(source),
        Format::Json => read_json(source),
    }
}

fn syntax_error(source: &SourceFile, offset: usize, message: String) -> ParseError {
    let (line, column) = source.position(offset);
    ParseError {
        file: source.name().to_owned(),
        line,
        column,
        field: None,
        message,
        help: None,
    }
}

fn read_toml(source: &SourceFile) -> Result<(Value, SpanIndex), ParseError> {
    let table = DeTable::parse(source.text()).map_err(|error| {
        let offset = error.span().map_or(0, |span| span.start);
        syntax_error(
            source,
            offset,
            format!("TOML syntax: {}", first_line(error.message())),
        )
    })?;
    let mut index = SpanIndex::default();
    let span = table.span();
    let value = toml_table(source, table.get_ref(), "", &mut index, 0)?;
    index.insert(String::new(), None, span);
    Ok((value, index))
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message).trim()
}

fn toml_table(
    source: &SourceFile,
    table: &DeTable<'_>,
    path: &str,
    index: &mut SpanIndex,
    depth: usize,
) -> Result<Value, ParseError> {
    let mut map = Map::new();
    for (key, value) in table.iter() {
        let child = join_key(path, key.get_ref());
        let converted = toml_value(
            source,
            value.get_ref(),
            value.span(),
            &child,
            index,
            depth + 1,
        )?;
        index.insert(child, Some(key.span()), value.span());
        map.insert(key.get_ref().to_string(), converted);
    }
    Ok(Value::Object(map))
}

fn toml_value(
    source: &SourceFile,
    value: &DeValue<'_>,
    span: Range<usize>,
    path: &str,
    index: &mut SpanIndex,
    depth: usize,
) -> Result<Value, ParseError> {
    if depth > MAX_DEPTH {
        return Err(syntax_error(
            source,
            span.start,
            format!("nested more than {MAX_DEPTH} levels deep"),
        ));
    }
    Ok(match value {
        DeValue::String(text) => Value::String(text.to_string()),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(datetime) => Value::String(datetime.to_string()),
        DeValue::Integer(integer) => {
            let digits = integer.as_str().replace('_', "");
            match i64::from_str_radix(&digits, integer.radix()) {
                Ok(n) => Value::Number(n.into()),
                Err(_) => {
                    return Err(syntax_error(
                        source,
                        span.start,
                        format!("the number {digits} is too large"),
                    ));
                }
            }
        }
        DeValue::Float(float) => {
            let text = float.as_str().replace('_', "");
            // inf and nan have no JSON number; as text they reach the field's own check.
            match text.parse::<f64>().ok().and_then(Number::from_f64) {
                Some(n) => Value::Number(n),
                None => Value::String(text),
            }
        }
        DeValue::Array(array) => {
            let mut items = Vec::with_capacity(array.len());
            for (i, item) in array.iter().enumerate() {
                let child = join_index(path, i);
                items.push(toml_value(
                    source,
                    item.get_ref(),
                    item.span(),
                    &child,
                    index,
                    depth + 1,
                )?);
                index.insert(child, None, item.span());
            }
            Value::Array(items)
        }
        DeValue::Table(table) => toml_table(source, table, path, index, depth)?,
    })
}

fn read_json(source: &SourceFile) -> Result<(Value, SpanIndex), ParseError> {
    let value: Value = serde_json::from_str(source.text()).map_err(|error| {
        let message = error.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        let message = if message.contains("recursion limit") {
            "nested more than 128 levels deep"
        } else {
            message
        };
        // serde_json counts columns in bytes; people count characters.
        let offset = source.offset_of_byte_column(error.line().max(1), error.column().max(1));
        syntax_error(source, offset, format!("JSON syntax: {message}"))
    })?;
    let mut index = SpanIndex::default();
    let mut scanner = JsonScanner {
        text: source.text().as_bytes(),
        at: 0,
        index: &mut index,
    };
    scanner.skip_space();
    let start = scanner.at;
    scanner.value("", 0).map_err(|offset| {
        syntax_error(
            source,
            offset,
            format!("nested more than {MAX_DEPTH} levels deep"),
        )
    })?;
    index.insert(String::new(), None, start..source.text().len());
    Ok((value, index))
}

/// Walks JSON text that serde_json has already accepted, recording where each field is.
struct JsonScanner<'a> {
    text: &'a [u8],
    at: usize,
    index: &'a mut SpanIndex,
}

impl JsonScanner<'_> {
    fn peek(&self) -> u8 {
        self.text.get(self.at).copied().unwrap_or(0)
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), b' ' | b'\t' | b'\n' | b'\r') {
            self.at += 1;
        }
    }

    /// Scans one value; on excessive depth returns the offset where it happened.
    fn value(&mut self, path: &str, depth: usize) -> Result<Range<usize>, usize> {
        if depth > MAX_DEPTH {
            return Err(self.at);
        }
        let start = self.at;
        match self.peek() {
            b'{' => {
                self.at += 1;
                loop {
                    self.skip_space();
                    match self.peek() {
                        b'}' => break,
                        b',' => self.at += 1,
                        b'"' => {
                            let key_span = self.string();
                            let key: String = serde_json::from_slice(&self.text[key_span.clone()])
                                .unwrap_or_default();
                            self.skip_space();
                            self.at += 1; // ':'
                            self.skip_space();
                            let child = join_key(path, &key);
                            let span = self.value(&child, depth + 1)?;
                            self.index.insert(child, Some(key_span), span);
                        }
                        _ => return Ok(start..self.at), // unreachable for valid JSON
                    }
                }
                self.at += 1;
            }
            b'[' => {
                self.at += 1;
                let mut i = 0;
                loop {
                    self.skip_space();
                    match self.peek() {
                        b']' | 0 => break,
                        b',' => self.at += 1,
                        _ => {
                            let child = join_index(path, i);
                            let span = self.value(&child, depth + 1)?;
                            self.index.insert(child, None, span);
                            i += 1;
                        }
                    }
                }
                self.at += 1;
            }
            b'"' => {
                self.string();
            }
            _ => {
                while !matches!(
                    self.peek(),
                    b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r' | 0
                ) {
                    self.at += 1;
                }
            }
        }
        Ok(start..self.at.min(self.text.len()))
    }

    fn string(&mut self) -> Range<usize> {
        let start = self.at;
        self.at += 1;
        while self.at < self.text.len() {
            match self.text[self.at] {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    break;
                }
                _ => self.at += 1,
            }
        }
        start..self.at.min(self.text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(name: &str, text: &str, field: &str) -> (usize, usize) {
        let source = SourceFile::new(name, text.to_owned());
        let (_, index) = read_tree(&source).unwrap();
        let location = index.locate(&source, field);
        (location.line, location.column)
    }

    #[test]
    fn toml_and_json_fields_are_located() {
        let toml = "id = \"x\"\n[workload]\nects = 2.5\n[[learning_outcomes]]\ntext = \"a\"\n";
        assert_eq!(spans("a.toml", toml, "workload.ects"), (3, 8));
        assert_eq!(spans("a.toml", toml, "learning_outcomes[0].text"), (5, 8));
        assert_eq!(spans("a.toml", toml, "workload"), (2, 2));
        let json = "{\n  \"id\": \"x\",\n  \"workload\": {\"ects\": 2.5},\n  \"list\": [1, {\"a\": \"\\\"q\"}]\n}";
        assert_eq!(spans("a.json", json, "workload.ects"), (3, 24));
        assert_eq!(spans("a.json", json, "list[1].a"), (4, 21));
    }

    #[test]
    fn toml_numbers_keep_their_value() {
        let source = SourceFile::new(
            "a.toml",
            "a = 2.5\nb = 1_000\nc = 0x1F\nd = nan\ne = 2026-03-01\n".to_owned(),
        );
        let (value, _) = read_tree(&source).unwrap();
        assert_eq!(value["a"], serde_json::json!(2.5));
        assert_eq!(value["b"], serde_json::json!(1000));
        assert_eq!(value["c"], serde_json::json!(31));
        assert_eq!(value["d"], serde_json::json!("nan"));
        assert_eq!(value["e"], serde_json::json!("2026-03-01"));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = format!("a = {}{}", "[".repeat(200), "]".repeat(200));
        let error = read_tree(&SourceFile::new("a.toml", deep)).unwrap_err();
        assert!(
            error.message.contains("nested") || error.message.contains("TOML"),
            "{error}"
        );
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(read_tree(&SourceFile::new("a.json", deep)).is_err());
    }
}
