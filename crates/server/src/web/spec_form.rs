//! The specification editor's form. Each input is named by the field path of the
//! specification it edits (`workload.ects`), which is also the path the rules' findings and
//! the model's errors name: a finding is shown beside its input by that name alone.
//!
//! A posted form is applied onto the stored specification's JSON, so what the form does not
//! show (translations, ESCO skills of a learning outcome, further information) is kept.

use serde_json::{Map, Value};

use microcred_app::platform::{Problem, from_json};
use microcred_model::Specification;

use super::forms::FormData;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Plain text.
    Text,
    /// English text of a `LocalizedText` (other languages kept).
    English,
    /// A decimal number (ECTS).
    Number,
    /// A whole number.
    Integer,
    /// One word of a vocabulary.
    Choice,
    /// Several words (a checkbox group).
    Choices,
    /// Learning outcomes: one per line.
    Outcomes,
    /// Language codes separated by commas or spaces.
    Codes,
}

/// Every input of the editor, by field path.
const FIELDS: &[(&str, Kind)] = &[
    ("title", Kind::English),
    ("typology", Kind::Choice),
    ("description", Kind::English),
    ("profiles", Kind::Choices),
    ("elements", Kind::Choices),
    ("combination_rationale", Kind::English),
    ("learning_outcomes", Kind::Outcomes),
    ("workload.ects", Kind::Number),
    ("workload.hours", Kind::Integer),
    ("level.eqf", Kind::Integer),
    ("level.qf_ehea_cycle", Kind::Choice),
    ("participation.mode", Kind::Choice),
    ("participation.organisation", Kind::Choice),
    ("participation.timeframe", Kind::Choice),
    ("prerequisites", Kind::English),
    ("assessment.methods", Kind::Choices),
    ("assessment.supervision", Kind::Choice),
    ("assessment.description", Kind::English),
    ("quality_assurance.type", Kind::Choice),
    ("quality_assurance.body", Kind::Text),
    ("grading.scheme", Kind::Text),
    ("stackability.option", Kind::Choice),
    ("further_information.languages", Kind::Codes),
    ("further_information.target_group", Kind::English),
    ("awarding.rule", Kind::Choice),
    ("awarding.lead", Kind::Choice),
    ("learning_dimensions", Kind::Choices),
];

/// The input a finding or a mistake at `field` is shown beside: the input of that path, else
/// the first input inside it (`awarding` → `awarding.rule`), else the input it is part of
/// (`elements[1].eqf` → `elements`). None for what the form does not edit (then the findings
/// panel alone shows it).
pub fn input_for(field: &str) -> Option<&'static str> {
    let inputs = || FIELDS.iter().map(|(path, _)| *path).chain(["id"]);
    inputs()
        .find(|path| *path == field)
        .or_else(|| {
            inputs().find(|path| {
                path.strip_prefix(field)
                    .is_some_and(|rest| rest.starts_with('.'))
            })
        })
        .or_else(|| {
            inputs()
                .filter(|path| {
                    field
                        .strip_prefix(path)
                        .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
                })
                .max_by_key(|path| path.len())
        })
}

/// The specification a posted form describes, applied onto `base` (the stored one, or a new
/// one with the form's `id`), or the problems with their field paths.
pub fn specification_from_form(
    base: Option<&Specification>,
    form: &FormData,
) -> (Value, Result<Specification, Vec<Problem>>) {
    let mut document = match base {
        Some(spec) => serde_json::to_value(spec).unwrap_or_else(|_| Value::Object(Map::new())),
        None => {
            let mut map = Map::new();
            map.insert("id".into(), form.text("id").into());
            Value::Object(map)
        }
    };
    let mut problems = Vec::new();
    for &(path, kind) in FIELDS {
        let existing = lookup(&document, path).cloned();
        let value = match kind {
            Kind::Text | Kind::Choice => Some(form.text(path))
                .filter(|t| !t.is_empty())
                .map(Value::from),
            Kind::English => {
                let text = form.text(path);
                if text.is_empty() {
                    None
                } else if let Some(Value::Object(mut languages)) = existing {
                    languages.insert("en".into(), text.into());
                    Some(Value::Object(languages))
                } else {
                    Some(text.into())
                }
            }
            Kind::Number | Kind::Integer => {
                let text = form.text(path).replace(',', ".");
                if text.is_empty() {
                    None
                } else {
                    match (kind, text.parse::<f64>()) {
                        (Kind::Integer, Ok(n)) if n.fract() == 0.0 && n >= 0.0 => {
                            Some(Value::from(n as u64))
                        }
                        (Kind::Number, Ok(n)) if n.is_finite() => {
                            serde_json::Number::from_f64(n).map(Value::Number)
                        }
                        _ => {
                            let expected = if kind == Kind::Integer {
                                "a whole number"
                            } else {
                                "a number"
                            };
                            problems
                                .push(Problem::new(path, format!("`{text}` is not {expected}")));
                            existing
                        }
                    }
                }
            }
            Kind::Choices => {
                let values = form.all(path);
                (!values.is_empty()).then(|| values.into_iter().map(Value::from).collect())
            }
            Kind::Codes => {
                let codes: Vec<Value> = form
                    .text(path)
                    .split([',', ' ', ';'])
                    .filter(|c| !c.is_empty())
                    .map(|c| Value::from(c.to_lowercase()))
                    .collect();
                (!codes.is_empty()).then_some(Value::Array(codes))
            }
            Kind::Outcomes => {
                let old: Vec<Value> = match existing {
                    Some(Value::Array(items)) => items,
                    _ => Vec::new(),
                };
                let outcomes: Vec<Value> = form
                    .text(path)
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|line| {
                        // An unchanged outcome keeps its category, skills and translations.
                        old.iter()
                            .find(|o| english(o.get("text")) == Some(line))
                            .cloned()
                            .unwrap_or_else(|| serde_json::json!({ "text": line }))
                    })
                    .collect();
                (!outcomes.is_empty()).then_some(Value::Array(outcomes))
            }
        };
        set(&mut document, path, value);
    }
    prune_empty(&mut document);
    if !problems.is_empty() {
        return (document, Err(problems));
    }
    match from_json::<Specification>("specification", document.clone()) {
        Ok(spec) => (document, Ok(spec)),
        Err(microcred_app::platform::PlatformError::Invalid { problems, .. }) => {
            (document, Err(problems))
        }
        Err(other) => (document, Err(vec![Problem::new("", other.to_string())])),
    }
}

/// What the form shows in an input: the field's value as text (for choice groups, the
/// chosen words joined by newlines; for outcomes, one per line).
pub fn form_value(document: &Value, path: &str) -> String {
    match lookup(document, path) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Object(languages)) => english(Some(&Value::Object(languages.clone())))
            .unwrap_or_default()
            .to_owned(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => s.clone(),
                other => english(other.get("text")).unwrap_or_default().to_owned(),
            })
            .collect::<Vec<_>>()
            .join(if path == "further_information.languages" {
                ", "
            } else {
                "\n"
            }),
        Some(other) => other.to_string(),
    }
}

/// The English text of a plain string or a language map.
fn english(value: Option<&Value>) -> Option<&str> {
    match value? {
        Value::String(s) => Some(s),
        Value::Object(map) => map.get("en").and_then(Value::as_str),
        _ => None,
    }
}

fn lookup<'a>(document: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(document, |v, key| v.get(key))
}

fn set(document: &mut Value, path: &str, value: Option<Value>) {
    let mut keys: Vec<&str> = path.split('.').collect();
    let last = keys.pop().unwrap_or(path);
    let mut node = document;
    for key in keys {
        let Value::Object(map) = node else { return };
        node = map
            .entry(key.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(map) = node {
        match value {
            Some(value) => {
                map.insert(last.to_owned(), value);
            }
            None => {
                map.remove(last);
            }
        }
    }
}

/// Removes objects left empty (a section whose inputs are all blank).
fn prune_empty(document: &mut Value) {
    if let Value::Object(map) = document {
        for value in map.values_mut() {
            prune_empty(value);
        }
        map.retain(|_, v| !matches!(v, Value::Object(inner) if inner.is_empty()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn a_form_becomes_a_specification_and_keeps_what_it_does_not_show() {
        let base: Specification = serde_json::from_value(serde_json::json!({
            "id": "s1",
            "title": { "en": "Old", "de": "Alt" },
            "learning_outcomes": [{ "text": "Explain X.", "category": "knowledge" }],
            "further_information": { "fees": "none" },
        }))
        .unwrap();
        let (_, spec) = specification_from_form(
            Some(&base),
            &form(&[
                ("title", "New certificate"),
                ("learning_outcomes", "Explain X.\nApply Y."),
                ("workload.ects", "5,5"),
                ("elements", "a"),
                ("elements", "b"),
                ("further_information.languages", "EN, de"),
            ]),
        );
        let spec = spec.unwrap();
        let json = serde_json::to_value(&spec).unwrap();
        assert_eq!(
            json["title"],
            serde_json::json!({ "en": "New certificate", "de": "Alt" })
        );
        assert_eq!(json["learning_outcomes"][0]["category"], "knowledge");
        assert_eq!(json["learning_outcomes"][1]["text"], "Apply Y.");
        assert_eq!(json["workload"]["ects"], 5.5);
        assert_eq!(json["elements"], serde_json::json!(["a", "b"]));
        assert_eq!(
            json["further_information"]["languages"],
            serde_json::json!(["en", "de"])
        );
        assert_eq!(json["further_information"]["fees"], "none");
    }

    #[test]
    fn findings_find_their_input() {
        assert_eq!(input_for("workload.ects"), Some("workload.ects"));
        assert_eq!(input_for("awarding"), Some("awarding.rule"));
        assert_eq!(input_for("elements[1].eqf"), Some("elements"));
        assert_eq!(
            input_for("learning_outcomes[0].text"),
            Some("learning_outcomes")
        );
        assert_eq!(input_for("catalogue"), None);
    }

    #[test]
    fn every_input_has_a_label() {
        for (path, _) in FIELDS {
            let key = format!("field.{path}");
            assert!(
                super::super::MESSAGES.has(&key),
                "no label `{key}` in messages/en.toml"
            );
        }
    }

    #[test]
    fn mistakes_are_named_by_their_field() {
        let (_, spec) =
            specification_from_form(None, &form(&[("id", "s1"), ("workload.hours", "ten")]));
        let problems = spec.unwrap_err();
        assert_eq!(problems[0].path, "workload.hours");
        assert!(problems[0].message.contains("whole number"), "{problems:?}");
        let (_, spec) = specification_from_form(None, &form(&[("id", "s1"), ("level.eqf", "9")]));
        assert_eq!(spec.unwrap_err()[0].path, "level.eqf");
        let (_, spec) = specification_from_form(
            None,
            &form(&[("id", "s1"), ("quality_assurance.body", "Senate")]),
        );
        assert_eq!(spec.unwrap_err()[0].path, "quality_assurance");
    }
}
