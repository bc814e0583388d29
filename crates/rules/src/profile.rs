//! Rule profiles: versioned sets of rules kept in TOML files, not code.
//!
//! The built-in profiles (`eu-2022`, `enhance-2021`, `euroteq-2022`) live in the repository's
//! `profiles/` folder and are compiled in; an alliance adds its own files at run time.

use serde::{Deserialize, Serialize};

use microcred_model::StandardElement;

use crate::facts::{FACT_NAMES, FactKind, Scope, fact_kind};

/// The built-in profiles, as (file name, text).
pub const BUILTIN: [(&str, &str); 3] = [
    (
        "profiles/eu-2022.toml",
        include_str!("../../../profiles/eu-2022.toml"),
    ),
    (
        "profiles/enhance-2021.toml",
        include_str!("../../../profiles/enhance-2021.toml"),
    ),
    (
        "profiles/euroteq-2022.toml",
        include_str!("../../../profiles/euroteq-2022.toml"),
    ),
];

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A framework's rules as data: a versioned profile file (`profiles/*.toml`).
pub struct Profile {
    /// e.g. `enhance-2021`: the framework and the year of its text.
    pub id: String,
    /// Its name, for people.
    pub name: String,
    /// Revision of this rule set (the framework's text does not change; our reading may).
    pub version: String,
    /// The document the rules come from.
    pub document: String,
    #[serde(default)]
    /// What it is, in a paragraph.
    pub description: String,
    #[serde(default)]
    /// Its rules.
    pub rules: Vec<Rule>,
    /// Questions a teacher answers before submitting (EuroTeQ's checklist), each answered by rules.
    #[serde(default)]
    pub checklist: Vec<ChecklistQuestion>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
/// How serious a finding is.
pub enum Severity {
    /// Something the framework requires (an obligation).
    Error,
    /// Something the framework recommends.
    Warning,
    /// Worth knowing; requires nothing.
    Note,
}

impl Severity {
    /// The severity as a word.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// One rule: where it comes from, when it applies, what it checks and what it says.
pub struct Rule {
    /// Unique within the profile; findings name it `profile/rule`.
    pub id: String,
    /// Error (required), warning (recommended) or note.
    pub severity: Severity,
    /// The EU standard element concerned.
    pub element: StandardElement,
    #[serde(default = "specification_scope")]
    /// Whether it is about a specification or an awarded credential.
    pub scope: Scope,
    /// Where the rule comes from, e.g. "ENHANCE template §7.6".
    pub source: String,
    /// The source's own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// What is wrong and what to do; may use {value}, {min}, {max}, {values}, {label}, {reason}, …
    pub message: String,
    /// Said when the rule holds, e.g. in checklist answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfied: Option<String>,
    /// The rule applies only where all of these hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<Test>,
    /// What must hold.
    pub check: Test,
    /// Another passage of the source that says otherwise; both are reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contradiction: Option<Contradiction>,
}

fn specification_scope() -> Scope {
    Scope::Specification
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// Another reading of the source, checked beside a rule.
pub struct Contradiction {
    /// Where it comes from.
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The source's own words.
    pub quote: Option<String>,
    /// What that reading requires.
    pub check: Test,
    /// Said when one reading holds and the other does not.
    pub message: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A question of a framework's checklist.
pub struct ChecklistQuestion {
    /// The question, as the framework asks it.
    pub question: String,
    /// A recommendation ("recommended, but no obligation"), not a requirement.
    #[serde(default)]
    pub recommended: bool,
    /// The rules (ids in this profile) that answer it.
    pub rules: Vec<String>,
}

/// What a rule tests about a fact. Values absent from the specification make `range`,
/// `one-of`, `none-of`, `equals` and `compare` not applicable (a `present` rule says what is
/// missing); `count` and `contains` take an absent list as empty.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "test", rename_all = "kebab-case", deny_unknown_fields)]
// The fields are the profile file's keys, which each test's comment explains.
#[allow(missing_docs)]
pub enum Test {
    /// The field (or any of `any_of`) has a value.
    Present {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        field: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        any_of: Vec<String>,
    },
    /// The field has no value.
    Absent { field: String },
    /// A number within `min` ≤ x ≤ `max`, and x < `below`.
    Range {
        field: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        below: Option<f64>,
    },
    /// A list has between `min` and `max` items.
    Count {
        field: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<usize>,
    },
    /// The value (every item of a list) is one of `values`.
    OneOf { field: String, values: Vec<String> },
    /// The value (no item of a list) is one of `values`.
    NoneOf { field: String, values: Vec<String> },
    /// A list holds at least one of `values`.
    Contains { field: String, values: Vec<String> },
    /// The value is `value`.
    Equals { field: String, value: String },
    /// Compares two numbers: `field` `op` `other`.
    Compare {
        field: String,
        op: Comparison,
        other: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
/// How `compare` relates two numbers.
pub enum Comparison {
    /// Equal.
    Eq,
    /// Different.
    Ne,
    /// Less than.
    Lt,
    /// At most.
    Le,
    /// Greater than.
    Gt,
    /// At least.
    Ge,
}

impl Comparison {
    /// Whether `a` relates so to `b`, to the hundredth.
    pub fn holds(self, a: f64, b: f64) -> bool {
        // Exact quantities (ECTS to the hundredth) compare at that precision.
        let (a, b) = ((a * 100.0).round(), (b * 100.0).round());
        match self {
            Comparison::Eq => a == b,
            Comparison::Ne => a != b,
            Comparison::Lt => a < b,
            Comparison::Le => a <= b,
            Comparison::Gt => a > b,
            Comparison::Ge => a >= b,
        }
    }

    /// The relation in words, for messages.
    pub fn words(self) -> &'static str {
        match self {
            Comparison::Eq => "equal to",
            Comparison::Ne => "different from",
            Comparison::Lt => "less than",
            Comparison::Le => "at most",
            Comparison::Gt => "more than",
            Comparison::Ge => "at least",
        }
    }
}

impl Test {
    /// The fact names the test reads.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Test::Present { field, any_of } => field
                .iter()
                .map(String::as_str)
                .chain(any_of.iter().map(String::as_str))
                .collect(),
            Test::Absent { field }
            | Test::Range { field, .. }
            | Test::Count { field, .. }
            | Test::OneOf { field, .. }
            | Test::NoneOf { field, .. }
            | Test::Contains { field, .. }
            | Test::Equals { field, .. } => vec![field],
            Test::Compare { field, other, .. } => vec![field, other],
        }
    }

    /// The field a finding of this test is located at.
    pub fn primary_field(&self) -> &str {
        self.fields().first().copied().unwrap_or("")
    }
}

/// A profile file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ProfileError {
    /// The profile file.
    pub file: String,
    /// What is wrong with it.
    pub message: String,
}

impl Profile {
    /// Reads and checks a profile file: known fields, kinds that fit the tests, unique ids.
    pub fn parse(file: &str, text: &str) -> Result<Profile, ProfileError> {
        let error = |message: String| ProfileError {
            file: file.to_owned(),
            message,
        };
        let profile: Profile =
            toml::from_str(text).map_err(|e| error(e.to_string().trim_end().to_owned()))?;
        let valid_id = |id: &str| {
            !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        if !valid_id(&profile.id) {
            return Err(error(format!(
                "profile id `{}` must be lower-case letters, digits and `-`",
                profile.id
            )));
        }
        for (i, rule) in profile.rules.iter().enumerate() {
            let at = |message: String| error(format!("rule `{}`: {message}", rule.id));
            if !valid_id(&rule.id) {
                return Err(at(
                    "a rule id must be lower-case letters, digits and `-`".into()
                ));
            }
            if profile.rules[..i].iter().any(|r| r.id == rule.id) {
                return Err(at("this id is used twice".into()));
            }
            for test in rule.when.iter() {
                check_test(test, rule.scope, false).map_err(&at)?;
            }
            check_test(&rule.check, rule.scope, true).map_err(&at)?;
            if let Some(contradiction) = &rule.contradiction {
                check_test(&contradiction.check, rule.scope, true).map_err(&at)?;
            }
        }
        for question in &profile.checklist {
            for id in &question.rules {
                if !profile.rules.iter().any(|r| &r.id == id) {
                    return Err(error(format!(
                        "checklist question \"{}\" names rule `{id}`, which this profile lacks",
                        question.question
                    )));
                }
            }
        }
        Ok(profile)
    }

    /// The rule with this id, if the profile has it.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

fn check_test(test: &Test, scope: Scope, is_check: bool) -> Result<(), String> {
    if let Test::Present { field, any_of } = test
        && field.is_some() != any_of.is_empty()
    {
        return Err("a `present` test takes either `field` or `any_of`".into());
    }
    for (position, name) in test.fields().into_iter().enumerate() {
        let Some((kind, fact_scope)) = fact_kind(name) else {
            let help = microcred_model::suggest::nearest(name, FACT_NAMES.iter().map(|(n, ..)| *n))
                .map(|n| format!(": did you mean `{n}`?"))
                .unwrap_or_default();
            return Err(format!(
                "unknown field `{name}`{help} (`microcred profiles fields` lists them)"
            ));
        };
        if fact_scope == Scope::Credential && scope == Scope::Specification {
            return Err(format!(
                "field `{name}` is only known for an awarded credential: add `scope = \"credential\"`"
            ));
        }
        if name.contains("[*]") && (!is_check || position > 0) {
            return Err(format!(
                "field `{name}` (one per item) can only be the checked field"
            ));
        }
        let fits = match test {
            Test::Range { .. } | Test::Compare { .. } => kind == FactKind::Number,
            Test::Count { .. } | Test::Contains { .. } => kind == FactKind::List,
            Test::OneOf { .. } | Test::NoneOf { .. } => {
                matches!(kind, FactKind::Text | FactKind::List)
            }
            Test::Equals { .. } => kind != FactKind::List,
            Test::Present { .. } | Test::Absent { .. } => true,
        };
        if !fits {
            return Err(format!(
                "field `{name}` holds a {kind:?} value, which this test cannot read"
            )
            .to_lowercase());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_load() {
        for (file, text) in BUILTIN {
            let profile = Profile::parse(file, text).unwrap_or_else(|e| panic!("{e}"));
            assert!(file.contains(&profile.id), "{file} holds {}", profile.id);
            assert!(!profile.rules.is_empty());
        }
    }

    #[test]
    fn profile_mistakes_are_named() {
        let base = "id = \"x\"\nname = \"X\"\nversion = \"1\"\ndocument = \"D\"\n";
        let rule = |check: &str| {
            format!(
                "{base}[[rules]]\nid = \"r\"\nseverity = \"error\"\nelement = \"workload\"\nsource = \"S\"\nmessage = \"M\"\ncheck = {check}\n"
            )
        };
        let error = Profile::parse(
            "p.toml",
            &rule(r#"{ test = "range", field = "workload.etcs", min = 3 }"#),
        )
        .unwrap_err();
        assert!(
            error.message.contains("did you mean `workload.ects`"),
            "{error}"
        );
        let error = Profile::parse(
            "p.toml",
            &rule(r#"{ test = "count", field = "workload.ects", min = 3 }"#),
        )
        .unwrap_err();
        assert!(error.message.contains("cannot read"), "{error}");
        let error = Profile::parse(
            "p.toml",
            &rule(r#"{ test = "present", field = "date_of_issuing" }"#),
        )
        .unwrap_err();
        assert!(error.message.contains("scope"), "{error}");
        let error = Profile::parse(
            "p.toml",
            &rule(r#"{ test = "between", field = "workload.ects" }"#),
        )
        .unwrap_err();
        assert!(error.message.contains("between"), "{error}");
        assert!(
            Profile::parse(
                "p.toml",
                &rule(r#"{ test = "range", field = "workload.ects", min = 3, max = 30 }"#)
            )
            .is_ok()
        );
    }
}
