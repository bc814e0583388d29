//! Specification and catalogue files, parsed into the model.
//!
//! A specification file holds one specification; it may also define universities and course
//! elements inline (`[[universities]]`, `[[course_elements]]`) and name catalogue files
//! (`catalogue = "catalogue.toml"`) that define more. A catalogue file holds only those two.

use serde::de::DeserializeOwned;
use serde_json::Value;

use microcred_model::{Catalogue, Specification};

use crate::error::{ParseError, nearest_expected};
use crate::source::{Location, SourceFile, SpanIndex, join_key};
use crate::tree::read_tree;

/// Keys of a specification file that belong to its inline catalogue, not to the specification.
const CATALOGUE_KEYS: [&str; 2] = ["universities", "course_elements"];
/// The key naming catalogue files to draw course elements from.
const CATALOGUE_FILES_KEY: &str = "catalogue";

/// A parsed file: its text, where its fields are, and what it says.
#[derive(Clone, Debug)]
pub struct Parsed<T> {
    /// The file.
    pub source: SourceFile,
    /// Where each field is in it.
    pub index: SpanIndex,
    /// What it says.
    pub content: T,
}

impl<T> Parsed<T> {
    /// Where `field` (a path such as `workload.ects`) is, or would be added.
    pub fn locate(&self, field: &str) -> Location {
        self.index.locate(&self.source, field)
    }
}

/// What a specification file says.
#[derive(Clone, Debug)]
pub struct SpecificationFile {
    /// The specification.
    pub specification: Specification,
    /// Universities and course elements defined in the file itself.
    pub inline: Catalogue,
    /// Catalogue files named by the file, as written (relative to the file).
    pub catalogue_files: Vec<String>,
}

/// Reads a specification file (TOML or JSON), with located errors.
pub fn parse_specification(source: SourceFile) -> Result<Parsed<SpecificationFile>, ParseError> {
    let (tree, index) = read_tree(&source)?;
    let Value::Object(mut fields) = tree else {
        return Err(ParseError::whole_file(
            source.name(),
            "a specification file must be a table of fields",
        ));
    };
    let catalogue_files = match fields.remove(CATALOGUE_FILES_KEY) {
        None => Vec::new(),
        Some(Value::String(file)) => vec![file],
        Some(Value::Array(files)) if files.iter().all(Value::is_string) => files
            .into_iter()
            .filter_map(|f| f.as_str().map(str::to_owned))
            .collect(),
        Some(_) => {
            let at = index.locate(&source, CATALOGUE_FILES_KEY);
            return Err(error_at(
                &at,
                "`catalogue` must be a file name or a list of file names".into(),
                None,
            ));
        }
    };
    let mut inline = serde_json::Map::new();
    for key in CATALOGUE_KEYS {
        if let Some(value) = fields.remove(key) {
            inline.insert(key.to_owned(), value);
        }
    }
    let specification = deserialize(Value::Object(fields), &source, &index)?;
    let inline = deserialize(Value::Object(inline), &source, &index)?;
    Ok(Parsed {
        source,
        index,
        content: SpecificationFile {
            specification,
            inline,
            catalogue_files,
        },
    })
}

/// Reads a catalogue file (universities and course elements), with located errors.
pub fn parse_catalogue(source: SourceFile) -> Result<Parsed<Catalogue>, ParseError> {
    let (tree, index) = read_tree(&source)?;
    let catalogue = deserialize(tree, &source, &index)?;
    Ok(Parsed {
        source,
        index,
        content: catalogue,
    })
}

/// Deserializes a value tree, turning serde's error into one located in the file.
fn deserialize<T: DeserializeOwned>(
    tree: Value,
    source: &SourceFile,
    index: &SpanIndex,
) -> Result<T, ParseError> {
    serde_path_to_error::deserialize(tree).map_err(|error| {
        let mut path = error.path().to_string();
        if path == "." || path == "?" {
            path.clear();
        }
        let message = error.inner().to_string();
        let mut help = None;
        let mut unknown_field = false;
        if let Some((word, nearest)) = nearest_expected(&message) {
            unknown_field = message.starts_with("unknown field");
            if unknown_field && !path.ends_with(&word) {
                path = join_key(&path, &word);
            }
            help = nearest.map(|n| format!("did you mean `{n}`?"));
        }
        let at = if unknown_field {
            index.locate_key(source, &path)
        } else {
            index.locate(source, &path)
        };
        error_at(&at, friendlier(&message), help)
    })
}

fn error_at(at: &Location, message: String, help: Option<String>) -> ParseError {
    ParseError {
        file: at.file.clone(),
        line: at.line,
        column: at.column,
        field: (!at.field.is_empty()).then(|| at.field.clone()),
        message,
        help,
    }
}

/// serde's messages name Rust types; say what people write instead.
fn friendlier(message: &str) -> String {
    message
        .replace("invalid type: map", "invalid type: a table")
        .replace("invalid type: sequence", "invalid type: a list")
        .replace("a sequence", "a list")
        .replace("struct ", "")
        .replace("u32", "a whole number")
        .replace("i64", "a whole number")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Result<Parsed<SpecificationFile>, ParseError> {
        parse_specification(SourceFile::new("s.toml", text.to_owned()))
    }

    #[test]
    fn reads_a_minimal_specification() {
        let parsed = spec("id = \"x\"\ntitle = \"Badge in data literacy\"\ncatalogue = \"c.toml\"\n[workload]\nects = 2.5\n").unwrap();
        assert_eq!(
            parsed
                .content
                .specification
                .workload
                .ects
                .unwrap()
                .to_string(),
            "2.5"
        );
        assert_eq!(parsed.content.catalogue_files, ["c.toml"]);
    }

    #[test]
    fn unknown_fields_get_a_suggestion_and_a_location() {
        let error = spec("id = \"x\"\ntitel = \"A\"\n").unwrap_err();
        assert_eq!((error.line, error.column), (2, 1));
        assert_eq!(error.field.as_deref(), Some("titel"));
        assert_eq!(error.help.as_deref(), Some("did you mean `title`?"));
        let error = spec("id = \"x\"\n[workload]\netcs = 3\n").unwrap_err();
        assert_eq!(error.field.as_deref(), Some("workload.etcs"));
        assert_eq!(error.help.as_deref(), Some("did you mean `ects`?"));
    }

    #[test]
    fn bad_values_are_located_at_the_value() {
        let error = spec("id = \"x\"\n[level]\neqf = 9\n").unwrap_err();
        assert_eq!(
            (error.line, error.column, error.field.as_deref()),
            (3, 7, Some("level.eqf"))
        );
        assert!(error.message.contains("1 to 8"), "{error}");
        let error = spec("id = \"x\"\n[workload]\nects = -2\n").unwrap_err();
        assert!(error.message.contains("greater than 0"), "{error}");
        let error = spec("id = \"x\"\ntitle = \"\"\n").unwrap_err();
        assert!(error.message.contains("empty"), "{error}");
        let error =
            spec("id = \"x\"\n[further_information]\nlanguages = [\"en\", \"xx\"]\n").unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("further_information.languages[1]")
        );
        let error = spec("id = \"x\"\n[participation]\nmode = \"onlin\"\n").unwrap_err();
        assert_eq!(error.help.as_deref(), Some("did you mean `online`?"));
        let error = spec("id = \"x\"\n[workload]\nhours = \"many\"\n").unwrap_err();
        assert!(error.message.contains("whole number"), "{error}");
    }

    #[test]
    fn json_has_the_same_shape() {
        let source = SourceFile::new(
            "s.json",
            "{\"id\": \"x\", \"workload\": {\"ects\": 4}, \"level\": {\"eqf\": 10}}".to_owned(),
        );
        let error = parse_specification(source).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("level.eqf"));
        assert_eq!(error.column, 55);
    }
}
