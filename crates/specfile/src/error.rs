//! Errors that stop a file from being read: each names the file, line, column and field.

use std::fmt;

/// A file that cannot be read as a specification or catalogue.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ParseError {
    /// The file's name.
    pub file: String,
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
    /// The field path concerned, e.g. `course_elements[1].eqf`, when there is one.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// A suggestion, e.g. "did you mean `title`?".
    pub help: Option<String>,
}

impl ParseError {
    /// An error about the whole file (no place in it).
    pub fn whole_file(file: &str, message: impl Into<String>) -> ParseError {
        ParseError {
            file: file.to_owned(),
            line: 1,
            column: 1,
            field: None,
            message: message.into(),
            help: None,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// Reads serde's "unknown field `x`, expected one of `a`, `b`" (or "unknown variant …") and
/// returns the offending word with the nearest expected one, if any is close.
pub(crate) fn nearest_expected(message: &str) -> Option<(String, Option<String>)> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (word, expected) = rest.split_once('`')?;
    let candidates = expected.split('`').skip(1).step_by(2);
    let best = microcred_model::suggest::nearest(word, candidates).map(str::to_owned);
    Some((word.to_owned(), best))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_field() {
        let (word, best) =
            nearest_expected("unknown field `titel`, expected one of `id`, `title`, `typology`")
                .unwrap();
        assert_eq!((word.as_str(), best.as_deref()), ("titel", Some("title")));
        let (_, best) =
            nearest_expected("unknown variant `onlin`, expected one of `onsite`, `online`")
                .unwrap();
        assert_eq!(best.as_deref(), Some("online"));
        let (_, best) = nearest_expected("unknown field `zzz`, expected `id`").unwrap();
        assert_eq!(best, None);
        assert!(nearest_expected("invalid type: string").is_none());
    }
}
