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
pub enum Kind {
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
    ("stacking.min_total_ects", Kind::Number),
    ("stacking.valid_for", Kind::Text),
    ("stacking.min_grade.grade", Kind::Text),
    ("stacking.min_grade.policy", Kind::Choice),
];

/// The inputs of each pool of a stacked rule, under `stacking.pools[i]`.
pub const POOL_FIELDS: &[(&str, Kind)] = &[
    ("id", Kind::Text),
    ("title", Kind::English),
    ("min_count", Kind::Integer),
    ("min_ects", Kind::Number),
    ("max_ects", Kind::Number),
];

/// The inputs of a new external component of a pool, under `stacking.pools[i].external`.
pub const EXTERNAL_FIELDS: &[&str] = &[
    "issuer",
    "achievement",
    "title",
    "ects",
    "country",
    "seal_authority",
];

/// The input a finding or a mistake at `field` is shown beside: the input of that path, else
/// the first input inside it (`awarding` → `awarding.rule`), else the input it is part of
/// (`elements[1].eqf` → `elements`). None for what the form does not edit (then the findings
/// panel alone shows it).
pub fn input_for(field: &str) -> Option<String> {
    if let Some(input) = pool_input_for(field) {
        return Some(input);
    }
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
        .map(str::to_owned)
}

/// A pool's input for a finding under `stacking.pools`: its field, or its components (for
/// what is wrong with a component), or the first pool's id (for the pools as a whole).
fn pool_input_for(field: &str) -> Option<String> {
    let rest = field.strip_prefix("stacking.pools")?;
    let Some(rest) = rest.strip_prefix('[') else {
        return Some("stacking.pools[0].id".into());
    };
    let (index, rest) = rest.split_once(']')?;
    let index: usize = index.parse().ok()?;
    let pool = format!("stacking.pools[{index}]");
    let name = rest.strip_prefix('.').unwrap_or("");
    let name = name.split(['.', '[']).next().unwrap_or("");
    Some(match POOL_FIELDS.iter().find(|(n, _)| *n == name) {
        Some((n, _)) => format!("{pool}.{n}"),
        None => format!("{pool}.components"),
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
    apply_pools(&mut document, form, &mut problems);
    // A minimum grade is its grade: a policy alone says nothing.
    if lookup(&document, "stacking.min_grade.grade").is_none()
        && let Some(Value::Object(stacking)) = document.get_mut("stacking")
    {
        stacking.remove("min_grade");
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

/// The stacked rule's pools as the form gives them (`stacking.pools[i].…`): each pool's id,
/// title, minimums and maximum, the alliance's specifications chosen as its components, its
/// external components kept (by their place in the stored pool) and one new external
/// component. Nothing changes when the form has no pool inputs (a form from elsewhere).
fn apply_pools(document: &mut Value, form: &FormData, problems: &mut Vec<Problem>) {
    if form.all("stacking.pools[0].id").is_empty() {
        return;
    }
    let stored: Vec<Value> = match lookup(document, "stacking.pools") {
        Some(Value::Array(pools)) => pools.clone(),
        _ => Vec::new(),
    };
    let mut pools = Vec::new();
    for i in 0..microcred_model::stacking::MAX_POOLS {
        let at = |name: &str| format!("stacking.pools[{i}].{name}");
        if form.all(&at("id")).is_empty() {
            break;
        }
        let old = stored.get(i);
        let mut pool = Map::new();
        for &(name, kind) in POOL_FIELDS {
            let path = at(name);
            let text = form.text(&path).replace(',', ".");
            if text.is_empty() {
                continue;
            }
            let value = match kind {
                Kind::English => match old.and_then(|p| p.get(name)) {
                    Some(Value::Object(languages)) => {
                        let mut languages = languages.clone();
                        languages.insert("en".into(), form.text(&path).into());
                        Value::Object(languages)
                    }
                    _ => form.text(&path).into(),
                },
                Kind::Integer => match text.parse::<u32>() {
                    Ok(n) => n.into(),
                    Err(_) => {
                        problems.push(Problem::new(
                            &path,
                            format!("`{text}` is not a whole number"),
                        ));
                        continue;
                    }
                },
                Kind::Number => match text
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                {
                    Some(n) => Value::Number(n),
                    None => {
                        problems.push(Problem::new(&path, format!("`{text}` is not a number")));
                        continue;
                    }
                },
                _ => text.into(),
            };
            pool.insert(name.into(), value);
        }
        let mut components: Vec<Value> = form
            .all(&at("components"))
            .into_iter()
            .map(|id| serde_json::json!({ "specification": id }))
            .collect();
        let old_components: Vec<Value> = match old.and_then(|p| p.get("components")) {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        for kept in form.all(&at("externals")) {
            if let Some(component) = kept
                .parse::<usize>()
                .ok()
                .and_then(|k| old_components.get(k))
                .filter(|c| c.get("external").is_some())
            {
                components.push(component.clone());
            }
        }
        let new = |name: &str| {
            form.text(&at(&format!("external.{name}")))
                .trim()
                .to_owned()
        };
        if !new("issuer").is_empty() || !new("achievement").is_empty() {
            let mut external = Map::new();
            external.insert("issuer".into(), new("issuer").into());
            external.insert("achievement".into(), new("achievement").into());
            external.insert("title".into(), new("title").into());
            let ects = new("ects").replace(',', ".");
            if !ects.is_empty() {
                match ects
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                {
                    Some(n) => {
                        external.insert("ects".into(), Value::Number(n));
                    }
                    None => problems.push(Problem::new(
                        at("external.ects"),
                        format!("`{ects}` is not a number"),
                    )),
                }
            }
            for optional in ["country", "seal_authority"] {
                if !new(optional).is_empty() {
                    external.insert(optional.into(), new(optional).into());
                }
            }
            components.push(serde_json::json!({ "external": external }));
        }
        if pool.is_empty() && components.is_empty() {
            continue;
        }
        pool.insert("components".into(), components.into());
        pools.push(Value::Object(pool));
    }
    if pools.is_empty() {
        if let Some(Value::Object(stacking)) = document.get_mut("stacking") {
            stacking.remove("pools");
        }
    } else {
        set(document, "stacking.pools", Some(Value::Array(pools)));
    }
}

/// A pool of the stacked rule as the editor shows it.
pub struct PoolSlot {
    /// Its place: its inputs are `stacking.pools[index].…`.
    pub index: usize,
    /// The specifications chosen as its components.
    pub chosen: Vec<String>,
    /// Its external components: their place in the pool, and how they read.
    pub externals: Vec<(usize, String)>,
}

/// The editor's pool slots: each pool of the rule, and one empty one to add a pool.
pub fn pool_slots(document: &Value) -> Vec<PoolSlot> {
    let pools: Vec<Value> = match lookup(document, "stacking.pools") {
        Some(Value::Array(pools)) => pools.clone(),
        _ => Vec::new(),
    };
    let mut slots: Vec<PoolSlot> = pools
        .iter()
        .enumerate()
        .map(|(index, pool)| {
            let components: Vec<Value> = match pool.get("components") {
                Some(Value::Array(items)) => items.clone(),
                _ => Vec::new(),
            };
            PoolSlot {
                index,
                chosen: components
                    .iter()
                    .filter_map(|c| c.get("specification").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect(),
                externals: components
                    .iter()
                    .enumerate()
                    .filter_map(|(k, c)| {
                        let e = c.get("external")?;
                        let title = english(e.get("title")).unwrap_or_default();
                        let issuer = e.get("issuer").and_then(Value::as_str).unwrap_or_default();
                        Some((k, format!("{title} ({issuer})")))
                    })
                    .collect(),
            }
        })
        .collect();
    if slots.len() < microcred_model::stacking::MAX_POOLS {
        slots.push(PoolSlot {
            index: slots.len(),
            chosen: Vec::new(),
            externals: Vec::new(),
        });
    }
    slots
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

/// The value at a field path; a segment may index a list (`pools[1]`).
fn lookup<'a>(document: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(document, |v, key| match key.split_once('[') {
            Some((name, index)) => {
                let index: usize = index.strip_suffix(']')?.parse().ok()?;
                v.get(name)?.get(index)
            }
            None => v.get(key),
        })
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
        let input = |field: &str| input_for(field);
        assert_eq!(input("workload.ects").as_deref(), Some("workload.ects"));
        assert_eq!(input("awarding").as_deref(), Some("awarding.rule"));
        assert_eq!(input("elements[1].eqf").as_deref(), Some("elements"));
        assert_eq!(
            input("learning_outcomes[0].text").as_deref(),
            Some("learning_outcomes")
        );
        assert_eq!(input("catalogue"), None);
        assert_eq!(
            input("stacking.pools[1].components[5].external.status_lists[0]").as_deref(),
            Some("stacking.pools[1].components")
        );
        assert_eq!(
            input("stacking.pools[0].min_count").as_deref(),
            Some("stacking.pools[0].min_count")
        );
        assert_eq!(
            input("stacking.pools").as_deref(),
            Some("stacking.pools[0].id")
        );
        assert_eq!(
            input("stacking").as_deref(),
            Some("stacking.min_total_ects")
        );
    }

    #[test]
    fn every_input_has_a_label() {
        let pool_inputs = POOL_FIELDS
            .iter()
            .map(|(name, _)| format!("stacking.pools.{name}"))
            .chain(
                EXTERNAL_FIELDS
                    .iter()
                    .map(|name| format!("stacking.external.{name}")),
            );
        for path in FIELDS
            .iter()
            .map(|(path, _)| (*path).to_owned())
            .chain(pool_inputs)
        {
            let key = format!("field.{path}");
            assert!(
                super::super::MESSAGES.has(&key),
                "no label `{key}` in messages/en.toml"
            );
        }
    }

    #[test]
    fn a_stacked_rule_is_edited_pool_by_pool_and_keeps_its_external_components() {
        let base: Specification = serde_json::from_value(serde_json::json!({
            "id": "label",
            "title": { "en": "Label" },
            "stacking": { "pools": [
                { "id": "core", "components": [{ "specification": "a" }] },
                { "id": "electives", "min_count": 1, "components": [
                    { "specification": "b" },
                    { "external": { "issuer": "did:web:x.example", "achievement": "https://x.example/ai",
                                    "title": { "en": "AI" }, "status_lists": ["https://x.example/status/"] } } ] }
            ] }
        }))
        .unwrap();
        let (_, spec) = specification_from_form(
            Some(&base),
            &form(&[
                ("stacking.min_total_ects", "12"),
                ("stacking.valid_for", "P5Y"),
                ("stacking.min_grade.grade", "3.7"),
                ("stacking.min_grade.policy", "lowest"),
                ("stacking.pools[0].id", "core"),
                ("stacking.pools[0].title", "Core"),
                ("stacking.pools[0].components", "a"),
                ("stacking.pools[0].components", "c"),
                ("stacking.pools[1].id", "electives"),
                ("stacking.pools[1].min_count", "1"),
                ("stacking.pools[1].max_ects", "6,5"),
                ("stacking.pools[1].externals", "1"),
                ("stacking.pools[1].external.issuer", "did:web:y.example"),
                (
                    "stacking.pools[1].external.achievement",
                    "https://y.example/stats",
                ),
                ("stacking.pools[1].external.title", "Statistics"),
                ("stacking.pools[1].external.ects", "3"),
                ("stacking.pools[2].id", ""),
            ]),
        );
        let json = serde_json::to_value(spec.unwrap()).unwrap();
        let stacking = &json["stacking"];
        assert_eq!(stacking["valid_for"], "P5Y");
        assert_eq!(stacking["min_grade"]["grade"], "3.7");
        assert_eq!(
            stacking["pools"].as_array().unwrap().len(),
            2,
            "{stacking:#}"
        );
        assert_eq!(
            stacking["pools"][0]["components"],
            serde_json::json!([{ "specification": "a" }, { "specification": "c" }])
        );
        let electives = &stacking["pools"][1];
        assert_eq!(electives["max_ects"], 6.5);
        // `b` was unticked; the stored external component is kept whole, the new one added.
        let components = electives["components"].as_array().unwrap();
        assert_eq!(components.len(), 2, "{electives:#}");
        assert_eq!(
            components[0]["external"]["status_lists"][0],
            "https://x.example/status/"
        );
        assert_eq!(components[1]["external"]["issuer"], "did:web:y.example");
        // A policy without a grade is no minimum; an untouched form keeps the rule as it was.
        let (_, spec) = specification_from_form(
            Some(&base),
            &form(&[("stacking.min_grade.policy", "highest")]),
        );
        let json = serde_json::to_value(spec.unwrap()).unwrap();
        assert!(json["stacking"].get("min_grade").is_none());
        assert_eq!(
            json["stacking"]["pools"][1]["components"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        let (_, spec) = specification_from_form(
            Some(&base),
            &form(&[
                ("stacking.pools[0].id", "core"),
                ("stacking.pools[0].min_count", "two"),
            ]),
        );
        assert_eq!(spec.unwrap_err()[0].path, "stacking.pools[0].min_count");
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
