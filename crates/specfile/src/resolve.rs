//! Joins a specification with the course elements and universities it draws on.

use std::collections::HashMap;

use microcred_model::{Catalogue, CourseElementId, Specification, UniversityId};

use crate::document::{Parsed, SpecificationFile};
use crate::error::ParseError;
use crate::source::{Location, SourceFile, SpanIndex, join_index, join_key};

/// A specification with everything it refers to, and where in which file each part is.
#[derive(Clone, Debug)]
pub struct ResolvedSpecification {
    /// The specification.
    pub specification: Specification,
    /// The universities and course elements of the specification file and its catalogues.
    pub catalogue: Catalogue,
    /// The specification file first, then the catalogue files.
    files: Vec<(SourceFile, SpanIndex)>,
    /// Where each course element is defined: (file, field path).
    element_origins: HashMap<CourseElementId, (usize, String)>,
}

impl ResolvedSpecification {
    /// The specification file.
    pub fn source(&self) -> &SourceFile {
        &self.files[0].0
    }

    /// Any of the files involved, by name.
    pub fn file(&self, name: &str) -> Option<&SourceFile> {
        self.files
            .iter()
            .map(|(source, _)| source)
            .find(|s| s.name() == name)
    }

    /// Locates a field of the specification. Fields of its course elements
    /// (`elements[1].eqf`) are located where that element is defined, perhaps in a catalogue.
    pub fn locate(&self, field: &str) -> Location {
        if let Some((element, rest)) = split_element_field(field)
            && let Some(id) = self.specification.elements.get(element)
            && let Some((file, path)) = self.element_origins.get(id)
        {
            let (source, index) = &self.files[*file];
            let mut location = index.locate(source, &format!("{path}{rest}"));
            location.field = field.to_owned();
            return location;
        }
        let (source, index) = &self.files[0];
        index.locate(source, field)
    }
}

/// `elements[3].eqf` → (3, ".eqf"); `elements[3]` alone is the reference in the specification.
fn split_element_field(field: &str) -> Option<(usize, &str)> {
    let rest = field.strip_prefix("elements[")?;
    let (number, rest) = rest.split_once(']')?;
    (!rest.is_empty()).then_some(())?;
    Some((number.parse().ok()?, rest))
}

/// Builds the resolved specification, refusing duplicate ids and references to nothing.
pub fn resolve(
    specification: Parsed<SpecificationFile>,
    catalogues: Vec<Parsed<Catalogue>>,
) -> Result<ResolvedSpecification, ParseError> {
    let Parsed {
        source,
        index,
        content,
    } = specification;
    let SpecificationFile {
        specification,
        inline,
        ..
    } = content;
    let mut files = vec![(source, index)];
    let mut parts = vec![inline];
    for catalogue in catalogues {
        files.push((catalogue.source, catalogue.index));
        parts.push(catalogue.content);
    }

    let mut catalogue = Catalogue::default();
    let mut university_origins: HashMap<UniversityId, usize> = HashMap::new();
    let mut element_origins = HashMap::new();
    // Catalogues first, so a duplicate is reported in the specification file being checked.
    let mut parts: Vec<(usize, Catalogue)> = parts.into_iter().enumerate().collect();
    parts.rotate_left(1);
    for (file, part) in parts {
        let (source, index) = &files[file];
        for (i, university) in part.universities.into_iter().enumerate() {
            if let Some(first) = university_origins.insert(university.id.clone(), file) {
                let at = index.locate(source, &join_key(&join_index("universities", i), "id"));
                return Err(error(
                    &at,
                    format!(
                        "university `{}` is defined twice (also in {})",
                        university.id,
                        files[first].0.name()
                    ),
                ));
            }
            catalogue.universities.push(university);
        }
        for (i, element) in part.course_elements.into_iter().enumerate() {
            let path = join_index("course_elements", i);
            if let Some((first, _)) =
                element_origins.insert(element.id.clone(), (file, path.clone()))
            {
                let at = index.locate(source, &join_key(&path, "id"));
                return Err(error(
                    &at,
                    format!(
                        "course element `{}` is defined twice (also in {})",
                        element.id,
                        files[first].0.name()
                    ),
                ));
            }
            catalogue.course_elements.push(element);
        }
    }

    for element in &catalogue.course_elements {
        if catalogue.university(&element.university).is_none() {
            let (file, path) = &element_origins[&element.id];
            let at = files[*file]
                .1
                .locate(&files[*file].0, &join_key(path, "university"));
            let known: Vec<&str> = catalogue
                .universities
                .iter()
                .map(|u| u.id.as_str())
                .collect();
            return Err(with_help(
                error(
                    &at,
                    format!("university `{}` is not defined", element.university),
                ),
                &element.university.to_string(),
                &known,
            ));
        }
    }

    let (source, index) = &files[0];
    for (i, id) in specification.elements.iter().enumerate() {
        let at = || index.locate(source, &join_index("elements", i));
        if specification.elements[..i].contains(id) {
            return Err(error(
                &at(),
                format!("course element `{id}` is listed twice"),
            ));
        }
        if catalogue.element(id).is_none() {
            let known: Vec<&str> = catalogue
                .course_elements
                .iter()
                .map(|e| e.id.as_str())
                .collect();
            let message = format!(
                "course element `{id}` is not defined here or in the named catalogue files"
            );
            return Err(with_help(error(&at(), message), id.as_str(), &known));
        }
    }

    if let Some(problem) = specification.stacking_problems().into_iter().next() {
        return Err(error(
            &index.locate(source, &problem.field),
            problem.message,
        ));
    }

    Ok(ResolvedSpecification {
        specification,
        catalogue,
        files,
        element_origins,
    })
}

fn error(at: &Location, message: String) -> ParseError {
    ParseError {
        file: at.file.clone(),
        line: at.line,
        column: at.column,
        field: Some(at.field.clone()),
        message,
        help: None,
    }
}

fn with_help(mut error: ParseError, word: &str, known: &[&str]) -> ParseError {
    error.help = microcred_model::suggest::nearest(word, known.iter().copied())
        .map(|k| format!("did you mean `{k}`?"));
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{parse_catalogue, parse_specification};

    const CATALOGUE: &str = r#"
[[universities]]
id = "wut"
legal_name = "Politechnika Warszawska"
country = "PL"

[[course_elements]]
id = "wut:a"
university = "wut"
title = "A"
ects = 3
eqf = 7
"#;

    fn resolve_texts(spec: &str, catalogue: &str) -> Result<ResolvedSpecification, ParseError> {
        let spec = parse_specification(SourceFile::new("s.toml", spec.to_owned()))?;
        let catalogue = parse_catalogue(SourceFile::new("c.toml", catalogue.to_owned()))?;
        resolve(spec, vec![catalogue])
    }

    #[test]
    fn element_fields_are_located_in_their_catalogue() {
        let resolved = resolve_texts("id = \"x\"\nelements = [\"wut:a\"]\n", CATALOGUE).unwrap();
        let at = resolved.locate("elements[0].eqf");
        assert_eq!(
            (at.file.as_str(), at.line, at.column, at.present),
            ("c.toml", 12, 7, true)
        );
        let at = resolved.locate("elements[0]");
        assert_eq!((at.file.as_str(), at.line), ("s.toml", 2));
    }

    #[test]
    fn references_and_duplicates_are_checked() {
        let error = resolve_texts("id = \"x\"\nelements = [\"wut:b\"]\n", CATALOGUE).unwrap_err();
        assert_eq!(
            (error.line, error.field.as_deref()),
            (2, Some("elements[0]"))
        );
        assert_eq!(error.help.as_deref(), Some("did you mean `wut:a`?"));
        let error = resolve_texts("id = \"x\"\nelements = [\"wut:a\", \"wut:a\"]\n", CATALOGUE)
            .unwrap_err();
        assert!(error.message.contains("listed twice"));
        let twice = format!(
            "id = \"x\"\n{}",
            CATALOGUE.split("[[course_elements]]").next().unwrap()
        );
        let error = resolve_texts(&twice, CATALOGUE).unwrap_err();
        assert!(error.message.contains("defined twice"), "{error}");
        let stray = CATALOGUE.replace("university = \"wut\"", "university = \"wutt\"");
        let error = resolve_texts("id = \"x\"\n", &stray).unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("course_elements[0].university")
        );
    }

    #[test]
    fn stacking_rules_are_checked_at_their_line() {
        let stacked = r#"id = "label"
typology = "stacked-certificate"

[stacking]
valid_for = "P5Y"

[[stacking.pools]]
id = "basic"
components = [{ specification = "a" }, { specification = "b" }]

[[stacking.pools]]
id = "electives"
min_count = 1
components = [
  { specification = "c" },
  { specification = "a" },
]
"#;
        let error = resolve_texts(stacked, CATALOGUE).unwrap_err();
        assert_eq!(
            (error.line, error.field.as_deref()),
            (16, Some("stacking.pools[1].components[1]"))
        );
        assert!(error.message.contains("counts in one pool only"), "{error}");
        let fine = stacked.replace("{ specification = \"a\" },\n]", "]");
        let resolved = resolve_texts(&fine, CATALOGUE).unwrap();
        let stacking = resolved.specification.stacking.as_ref().unwrap();
        assert_eq!(stacking.specifications().count(), 3);
        let error =
            resolve_texts(&format!("elements = [\"wut:a\"]\n{fine}"), CATALOGUE).unwrap_err();
        assert_eq!((error.line, error.field.as_deref()), (1, Some("elements")));
        let error = resolve_texts(&stacked.replace("P5Y", "5 years"), CATALOGUE).unwrap_err();
        assert_eq!(error.line, 5, "{error}");
        assert!(error.message.contains("P5Y"), "{error}");
    }
}
