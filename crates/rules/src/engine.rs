//! Runs profiles' rules over the facts of a specification and reports findings.

use serde::Serialize;

use microcred_model::StandardElement;

use crate::facts::{Fact, FactValue, Facts, Scope, format_number};
use crate::profile::{Profile, Rule, Severity, Test};

/// One thing a rule found, located by field path (the caller turns it into line and column).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// How serious.
    pub severity: Severity,
    /// `profile/rule`, e.g. `enhance-2021/certificate-ects-minimum`.
    pub rule: String,
    /// The EU standard element concerned.
    pub element: StandardElement,
    /// What is wrong and what to do, filled in.
    pub message: String,
    /// Where the rule comes from.
    pub source: String,
    /// The field path concerned, e.g. `workload.ects`.
    pub field: String,
}

/// How one rule came out.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleOutcome {
    /// The rule held; the rule's `satisfied` text, filled in, when it has one.
    Held(Option<String>),
    /// The rule failed: a finding says why.
    Failed,
    /// Its `when` conditions did not hold, or it concerns an awarded credential.
    NotApplicable,
}

#[derive(Clone, Debug, Default)]
/// What evaluating the profiles found.
pub struct Evaluation {
    /// The findings, most serious first.
    pub findings: Vec<Finding>,
    /// Every rule's outcome, by `profile/rule`.
    pub outcomes: Vec<(String, RuleOutcome)>,
}

impl Evaluation {
    /// How the rule `profile/rule` came out.
    pub fn outcome(&self, rule: &str) -> Option<&RuleOutcome> {
        self.outcomes
            .iter()
            .find(|(id, _)| id == rule)
            .map(|(_, o)| o)
    }

    /// How many findings have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Evaluates every rule of `profiles`. Credential-scope rules run only when `scope` is
/// [`Scope::Credential`] (the facts then include an award).
pub fn evaluate(profiles: &[&Profile], facts: &Facts, scope: Scope) -> Evaluation {
    let mut evaluation = Evaluation::default();
    for profile in profiles {
        for rule in &profile.rules {
            let id = format!("{}/{}", profile.id, rule.id);
            let out_of_scope = rule.scope == Scope::Credential && scope == Scope::Specification;
            let outcome =
                if out_of_scope || !rule.when.iter().all(|test| condition_holds(test, facts)) {
                    RuleOutcome::NotApplicable
                } else {
                    let findings = run_rule(&id, rule, facts);
                    if findings.is_empty() {
                        let subject = facts.get(rule.check.primary_field()).first();
                        RuleOutcome::Held(
                            rule.satisfied
                                .as_ref()
                                .map(|text| fill(text, &rule.check, subject, facts)),
                        )
                    } else {
                        evaluation.findings.extend(findings);
                        RuleOutcome::Failed
                    }
                };
            evaluation.outcomes.push((id, outcome));
        }
    }
    evaluation.findings.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then_with(|| a.field.cmp(&b.field))
    });
    evaluation
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Pass,
    Fail,
    NotApplicable,
}

fn condition_holds(test: &Test, facts: &Facts) -> bool {
    facts
        .get(test.primary_field())
        .first()
        .is_some_and(|fact| outcome(test, fact, facts) == Outcome::Pass)
}

fn run_rule(id: &str, rule: &Rule, facts: &Facts) -> Vec<Finding> {
    let mut findings = Vec::new();
    for fact in subjects(&rule.check, facts) {
        let main_fails = outcome(&rule.check, &fact, facts) == Outcome::Fail;
        let (message, source) = match &rule.contradiction {
            None => (
                main_fails.then(|| fill(&rule.message, &rule.check, Some(&fact), facts)),
                rule.source.clone(),
            ),
            Some(other) => {
                let other_fails = outcome(&other.check, &fact, facts) == Outcome::Fail;
                let both_sources = format!("{}; contradicted by {}", rule.source, other.source);
                let message = match (main_fails, other_fails) {
                    (false, false) => None,
                    (true, true) => Some(fill(&rule.message, &rule.check, Some(&fact), facts)),
                    _ => Some(fill(&other.message, &other.check, Some(&fact), facts)),
                };
                (message, both_sources)
            }
        };
        if let Some(message) = message {
            findings.push(Finding {
                severity: rule.severity,
                rule: id.to_owned(),
                element: rule.element,
                message,
                source,
                field: fact.field.clone(),
            });
        }
    }
    findings
}

/// The facts a check is about: one, or one per item for `[*]` fields. A `present` test with
/// `any_of` is about the first of its fields.
fn subjects(test: &Test, facts: &Facts) -> Vec<Fact> {
    facts.get(test.primary_field()).to_vec()
}

fn outcome(test: &Test, fact: &Fact, facts: &Facts) -> Outcome {
    use Outcome::*;
    let pass = |holds: bool| if holds { Pass } else { Fail };
    let value = fact.value.as_ref().filter(|v| v.is_present());
    let items = || match value {
        Some(FactValue::List(items)) => items.clone(),
        Some(other) => vec![other.to_string()],
        None => Vec::new(),
    };
    match test {
        Test::Present { any_of, .. } if !any_of.is_empty() => pass(any_of.iter().any(|name| {
            facts
                .get(name)
                .first()
                .and_then(|f| f.value.as_ref())
                .is_some_and(FactValue::is_present)
        })),
        Test::Present { .. } => pass(value.is_some()),
        Test::Absent { .. } => pass(value.is_none()),
        Test::Count { min, max, .. } => {
            let n = items().len();
            pass(min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m))
        }
        Test::Contains { values, .. } => pass(items().iter().any(|i| values.contains(i))),
        _ if value.is_none() => NotApplicable,
        Test::Range {
            min, max, below, ..
        } => match value {
            Some(FactValue::Number(n)) => {
                let n = *n;
                pass(
                    min.is_none_or(|m| n >= m)
                        && max.is_none_or(|m| n <= m)
                        && below.is_none_or(|b| n < b),
                )
            }
            _ => NotApplicable,
        },
        Test::OneOf { values, .. } => pass(items().iter().all(|i| values.contains(i))),
        Test::NoneOf { values, .. } => pass(!items().iter().any(|i| values.contains(i))),
        Test::Equals {
            value: expected, ..
        } => pass(value.is_some_and(|v| v.to_string() == *expected)),
        Test::Compare { op, other, .. } => {
            let other = facts.get(other).first().and_then(|f| f.value.as_ref());
            match (value, other) {
                (Some(FactValue::Number(a)), Some(FactValue::Number(b))) => pass(op.holds(*a, *b)),
                _ => NotApplicable,
            }
        }
    }
}

/// Fills a message's placeholders from the test and the fact it is about.
fn fill(template: &str, test: &Test, fact: Option<&Fact>, facts: &Facts) -> String {
    let value = fact.and_then(|f| f.value.as_ref());
    let number = |n: &Option<f64>| n.map(format_number).unwrap_or_default();
    let mut vars: Vec<(&str, String)> = vec![
        (
            "value",
            value.map_or_else(|| "nothing".to_owned(), |v| v.to_string()),
        ),
        (
            "label",
            fact.and_then(|f| f.label.clone()).unwrap_or_default(),
        ),
        (
            "reason",
            fact.and_then(|f| f.reason.clone()).unwrap_or_default(),
        ),
        ("field", fact.map(|f| f.field.clone()).unwrap_or_default()),
        (
            "count",
            match value {
                Some(FactValue::List(items)) => items.len().to_string(),
                Some(_) => "1".to_owned(),
                None => "0".to_owned(),
            },
        ),
    ];
    match test {
        Test::Range {
            min, max, below, ..
        } => {
            vars.extend([
                ("min", number(min)),
                ("max", number(max)),
                ("below", number(below)),
            ]);
        }
        Test::Count { min, max, .. } => {
            vars.extend([
                ("min", min.map(|m| m.to_string()).unwrap_or_default()),
                ("max", max.map(|m| m.to_string()).unwrap_or_default()),
            ]);
        }
        Test::OneOf { values, .. }
        | Test::NoneOf { values, .. }
        | Test::Contains { values, .. } => {
            vars.push(("values", values.join(", ")));
        }
        Test::Equals { value, .. } => vars.push(("expected", value.clone())),
        Test::Compare { op, other, .. } => {
            let other_value = facts
                .get(other)
                .first()
                .and_then(|f| f.value.as_ref())
                .map(|v| v.to_string());
            vars.extend([
                ("op", op.words().to_owned()),
                ("other", other.clone()),
                ("other_value", other_value.unwrap_or_default()),
            ]);
        }
        Test::Present { .. } | Test::Absent { .. } => {}
    }
    let mut text = template.to_owned();
    for (name, value) in vars {
        text = text.replace(&format!("{{{name}}}"), &value);
    }
    text
}
