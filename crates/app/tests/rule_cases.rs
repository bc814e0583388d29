//! Every rule of the built-in profiles is triggered by one change to an example and holds under
//! another (`rule_cases.toml`). A rule without both cases fails `every_rule_has_both_cases`.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::{Table, Value};

use microcred_model::Award;
use microcred_rules::{
    BUILTIN, Evaluation, Facts, Profile, Profiles, RuleOutcome, Scope, evaluate,
};
use microcred_specfile::{SourceFile, parse_catalogue, parse_specification, resolve};

#[derive(Deserialize)]
struct CaseFile {
    award: Table,
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    rule: String,
    base: String,
    trigger: Change,
    pass: Change,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Change {
    base: Option<String>,
    #[serde(default)]
    set: Table,
    #[serde(default)]
    remove: Vec<String>,
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cases() -> CaseFile {
    toml::from_str(include_str!("rule_cases.toml")).expect("rule_cases.toml parses")
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// `learning_outcomes[1].category` → Key, Index, Key.
fn steps(path: &str) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, indexes) = part
            .split_once('[')
            .map_or((part, ""), |(k, rest)| (k, rest));
        steps.push(Step::Key(key));
        for index in indexes.split('[').filter(|s| !s.is_empty()) {
            steps.push(Step::Index(
                index.trim_end_matches(']').parse().expect("an index"),
            ));
        }
    }
    steps
}

fn edit(root: &mut Value, path: &str, new: Option<Value>) {
    let steps = steps(path);
    let (last, walk) = steps.split_last().expect("a non-empty path");
    let mut at = root;
    for step in walk {
        at = match step {
            Step::Key(key) => at
                .as_table_mut()
                .expect("a table")
                .entry(*key)
                .or_insert(Value::Table(Table::new())),
            Step::Index(i) => &mut at.as_array_mut().expect("a list")[*i],
        };
    }
    match (last, new) {
        (Step::Key(key), Some(value)) => {
            at.as_table_mut()
                .expect("a table")
                .insert((*key).to_owned(), value);
        }
        (Step::Key(key), None) => {
            assert!(
                at.as_table_mut().expect("a table").remove(*key).is_some(),
                "nothing to remove at {path}"
            );
        }
        (Step::Index(i), Some(value)) => at.as_array_mut().expect("a list")[*i] = value,
        (Step::Index(i), None) => {
            at.as_array_mut().expect("a list").remove(*i);
        }
    }
}

/// Applies a change to an example and to the award, and evaluates with the example's profiles
/// plus the rule's own.
fn evaluate_change(case: &Case, change: &Change, award: &Table) -> Evaluation {
    let base = change.base.as_deref().unwrap_or(&case.base);
    let path = repository().join("examples").join(format!("{base}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut spec = Value::Table(text.parse::<Table>().expect("the example parses"));
    let mut award = Value::Table(award.clone());
    for (path, value) in &change.set {
        match path.strip_prefix("award.") {
            Some(rest) => edit(&mut award, rest, Some(value.clone())),
            None => edit(&mut spec, path, Some(value.clone())),
        }
    }
    for path in &change.remove {
        match path.strip_prefix("award.") {
            Some(rest) => edit(&mut award, rest, None),
            None => edit(&mut spec, path, None),
        }
    }
    let spec_text = toml::to_string(&spec).expect("serializes");
    let parsed = parse_specification(SourceFile::new(format!("{base}.toml"), spec_text))
        .unwrap_or_else(|e| panic!("{}: {e}", case.rule));
    let catalogues = parsed
        .content
        .catalogue_files
        .iter()
        .map(|file| {
            let path = repository().join("examples").join(file);
            let text = std::fs::read_to_string(&path).expect("catalogue readable");
            parse_catalogue(SourceFile::new(file.clone(), text)).expect("catalogue parses")
        })
        .collect();
    let resolved = resolve(parsed, catalogues).unwrap_or_else(|e| panic!("{}: {e}", case.rule));
    let award: Award = award
        .try_into()
        .unwrap_or_else(|e| panic!("{}: award: {e}", case.rule));
    let facts = Facts::of_specification(&resolved.specification, &resolved.catalogue, None)
        .with_award(&award);
    let builtin = Profiles::builtin();
    let mut ids = resolved.specification.profiles.clone();
    let own = case
        .rule
        .split('/')
        .next()
        .expect("profile/rule")
        .to_owned();
    if !ids.contains(&own) {
        ids.push(own);
    }
    let profiles: Vec<&Profile> = builtin.select(&ids).expect("known profiles");
    evaluate(&profiles, &facts, Scope::Credential)
}

#[test]
fn every_rule_is_triggered_and_holds() {
    let file = cases();
    let mut failures = Vec::new();
    for case in &file.case {
        let triggered = evaluate_change(case, &case.trigger, &file.award);
        if triggered.outcome(&case.rule) != Some(&RuleOutcome::Failed) {
            failures.push(format!(
                "{}: not triggered ({:?})",
                case.rule,
                triggered.outcome(&case.rule)
            ));
        }
        let held = evaluate_change(case, &case.pass, &file.award);
        if !matches!(held.outcome(&case.rule), Some(RuleOutcome::Held(_))) {
            let messages: Vec<_> = held
                .findings
                .iter()
                .filter(|f| f.rule == case.rule)
                .map(|f| &f.message)
                .collect();
            failures.push(format!(
                "{}: does not hold ({:?} {messages:?})",
                case.rule,
                held.outcome(&case.rule)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_both_cases() {
    let file = cases();
    let mut missing = Vec::new();
    for (name, text) in BUILTIN {
        let profile = Profile::parse(name, text).expect("built-in profile");
        for rule in &profile.rules {
            let id = format!("{}/{}", profile.id, rule.id);
            if !file.case.iter().any(|c| c.rule == id) {
                missing.push(id);
            }
        }
    }
    assert!(missing.is_empty(), "rules without cases: {missing:?}");
}

#[test]
fn the_euroteq_size_contradiction_is_reported_with_both_sources() {
    let file = cases();
    let case = file
        .case
        .iter()
        .find(|c| c.rule == "euroteq-2022/size")
        .expect("a size case");
    let at = |ects: f64| {
        let change = Change {
            set: [("workload.ects".to_owned(), Value::Float(ects))]
                .into_iter()
                .collect(),
            ..Change::default()
        };
        evaluate_change(case, &change, &file.award)
            .findings
            .into_iter()
            .find(|f| f.rule == case.rule)
    };
    let eight = at(8.0).expect("8 ECTS meets one reading, not the other");
    assert!(
        eight.message.contains("contradicts itself"),
        "{}",
        eight.message
    );
    assert!(
        eight.source.contains("2–10") && eight.source.contains("2–6"),
        "{}",
        eight.source
    );
    let twelve = at(12.0).expect("12 ECTS meets neither reading");
    assert!(
        twelve.message.contains("outside the recommended 2–10"),
        "{}",
        twelve.message
    );
    assert!(at(4.0).is_none(), "4 ECTS meets both readings");
}
