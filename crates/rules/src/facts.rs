//! Facts: what rules can test, derived from a specification (and, for credential-scope rules,
//! from an award). Each fact has a name a profile uses (`workload.ects`), a value or the
//! reason it has none, and the field path it is located at in the specification file.
//!
//! The names are the specification file's own field names, plus derived facts such as
//! `elements.ects_sum` and `workload.hours_per_ects`. [`FACT_NAMES`] lists them all.

use std::collections::BTreeMap;
use std::fmt;

use microcred_model::stacking::Component;
use microcred_model::{
    Alliance, Award, AwardingBody, Catalogue, EctsCredits, LocalizedText, Specification,
    awarding_bodies, contributing_universities, format_hundredths,
};

#[derive(Clone, Debug, PartialEq)]
/// A fact's value.
pub enum FactValue {
    /// A number (ECTS, an EQF level, a count).
    Number(f64),
    /// A text or a vocabulary value.
    Text(String),
    /// Yes or no.
    Bool(bool),
    /// A list of texts.
    List(Vec<String>),
}

impl FactValue {
    /// Whether the value says something: non-blank text, a non-empty list.
    pub fn is_present(&self) -> bool {
        match self {
            FactValue::Text(t) => !t.trim().is_empty(),
            FactValue::List(items) => !items.is_empty(),
            FactValue::Number(_) | FactValue::Bool(_) => true,
        }
    }
}

impl fmt::Display for FactValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactValue::Number(n) => f.write_str(&format_number(*n)),
            FactValue::Text(t) => f.write_str(t),
            FactValue::Bool(b) => write!(f, "{}", if *b { "yes" } else { "no" }),
            FactValue::List(items) if items.is_empty() => f.write_str("none"),
            FactValue::List(items) => f.write_str(&items.join(", ")),
        }
    }
}

/// The words of a title that name a degree: "bachelor", "master" ("master's", "masters"),
/// "doctorate", "doctor", "PhD", "degree", "diploma", unless joined to "micro" ("Micro-Bachelor",
/// "MicroMasters", as ENHANCE Annex 1 names stacked credentials that are not degrees).
fn degree_words(title: &str) -> Vec<String> {
    const DEGREES: [&str; 7] = [
        "bachelor",
        "master",
        "doctorate",
        "doctor",
        "phd",
        "degree",
        "diploma",
    ];
    let mut found = Vec::new();
    let words: Vec<&str> = title
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    for (i, word) in words.iter().enumerate() {
        let lower = word.to_lowercase();
        let after_micro = i > 0 && words[i - 1].eq_ignore_ascii_case("micro");
        for part in lower.split('-') {
            let stem = part.trim_end_matches("'s").trim_end_matches('\'');
            let Some(degree) = DEGREES.iter().find(|d| {
                stem == **d
                    || stem == format!("{d}s")
                    || stem == format!("micro{d}")
                    || stem == format!("micro{d}s")
            }) else {
                continue;
            };
            // "Micro-Bachelor", "MicroMasters", "micro master": not a degree. "Micro-Master's
            // degree" still names one.
            let micro = stem.starts_with("micro") || lower.starts_with("micro-") || after_micro;
            if !micro && !found.iter().any(|f: &String| f == *degree) {
                found.push((*degree).to_owned());
            }
        }
    }
    found
}

/// Numbers as people write them: 2.5, 5, 27.78 (two decimals at most).
pub fn format_number(n: f64) -> String {
    if (0.0..1e15).contains(&n) {
        format_hundredths((n * 100.0).round() as u64)
    } else {
        format!("{n}")
    }
}

/// One fact about one thing.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// Its value, if the specification states it.
    pub value: Option<FactValue>,
    /// The field path in the specification file this fact is about.
    pub field: String,
    /// Why there is no value, when that is worth telling (e.g. an element without ECTS).
    pub reason: Option<String>,
    /// For facts about one item of a list (`elements[*].eqf`): which item, for messages.
    pub label: Option<String>,
}

/// Every fact of one specification (and award), by name. Names with `[*]` have one fact per item.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    facts: BTreeMap<&'static str, Vec<Fact>>,
}

/// The kind of value a fact holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactKind {
    /// A number.
    Number,
    /// A text.
    Text,
    /// Yes or no.
    Bool,
    /// A list.
    List,
}

/// Which rules a fact serves: `specification` facts are known when a specification is written;
/// `credential` facts only once it is awarded to a learner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// About what a specification says.
    Specification,
    /// About a credential awarded to a learner.
    Credential,
}

use FactKind::{Bool, List, Number, Text};
use Scope::{Credential, Specification as Spec};

/// Every fact name, its kind, its scope and what it is.
pub const FACT_NAMES: &[(&str, FactKind, Scope, &str)] = &[
    ("id", Text, Spec, "the specification's identifier"),
    ("title", Text, Spec, "the title in English"),
    (
        "title.languages",
        List,
        Spec,
        "languages the title is given in",
    ),
    (
        "typology",
        Text,
        Spec,
        "ENHANCE typology, e.g. academic-certificate",
    ),
    ("typology.type", Text, Spec, "certificate or badge"),
    (
        "typology.subtype",
        Text,
        Spec,
        "academic, specialisation, achievement or service-based",
    ),
    (
        "description",
        Text,
        Spec,
        "what the micro-credential is about",
    ),
    (
        "profiles",
        List,
        Spec,
        "rule profiles the specification names",
    ),
    (
        "elements",
        List,
        Spec,
        "ids of the course elements combined",
    ),
    (
        "elements.universities",
        List,
        Spec,
        "universities delivering the elements",
    ),
    (
        "elements.ects_sum",
        Number,
        Spec,
        "ECTS of all elements added up (none if an element has no ECTS)",
    ),
    (
        "elements.hours_sum",
        Number,
        Spec,
        "hours of all elements added up (none if an element has no hours)",
    ),
    (
        "elements.eqf_max",
        Number,
        Spec,
        "highest EQF level among the elements",
    ),
    ("elements[*].title", Text, Spec, "each element's title"),
    (
        "elements[*].university",
        Text,
        Spec,
        "each element's university",
    ),
    ("elements[*].ects", Number, Spec, "each element's ECTS"),
    ("elements[*].hours", Number, Spec, "each element's hours"),
    ("elements[*].eqf", Number, Spec, "each element's EQF level"),
    (
        "elements[*].languages",
        List,
        Spec,
        "each element's languages of instruction",
    ),
    (
        "elements[*].mode",
        Text,
        Spec,
        "each element's mode of delivery",
    ),
    (
        "combination_rationale",
        Text,
        Spec,
        "why the elements form a meaningful combination",
    ),
    (
        "learning_outcomes",
        List,
        Spec,
        "the learning outcomes (English text)",
    ),
    (
        "learning_outcomes.categories",
        List,
        Spec,
        "EQF categories the outcomes are classified in",
    ),
    (
        "learning_outcomes[*].category",
        Text,
        Spec,
        "each outcome's category",
    ),
    ("workload.ects", Number, Spec, "declared ECTS"),
    ("workload.hours", Number, Spec, "declared notional hours"),
    (
        "workload.hours_per_ects",
        Number,
        Spec,
        "declared hours divided by declared ECTS",
    ),
    ("level.eqf", Number, Spec, "EQF level"),
    ("level.qf_ehea_cycle", Text, Spec, "QF-EHEA cycle"),
    (
        "level.nqf",
        Text,
        Spec,
        "national qualifications framework level",
    ),
    ("level.not_applicable", Text, Spec, "why no level applies"),
    ("participation.mode", Text, Spec, "mode of delivery"),
    (
        "participation.organisation",
        Text,
        Spec,
        "organisation of the learning activity",
    ),
    ("participation.timeframe", Text, Spec, "fixed or self-paced"),
    ("prerequisites", Text, Spec, "prerequisites to enrol"),
    ("assessment.methods", List, Spec, "types of assessment"),
    ("assessment.description", Text, Spec, "how assessment works"),
    (
        "assessment.supervision",
        Text,
        Spec,
        "supervision and identity verification",
    ),
    (
        "assessment.involves_examination",
        Bool,
        Spec,
        "whether a method is a test or examination",
    ),
    (
        "quality_assurance.type",
        Text,
        Spec,
        "type of quality assurance",
    ),
    (
        "quality_assurance.body",
        Text,
        Spec,
        "body or procedure assuring quality",
    ),
    (
        "quality_assurance.reference",
        Text,
        Spec,
        "reference to the procedure",
    ),
    ("grading.scheme", Text, Spec, "grading scheme"),
    (
        "stackability.option",
        Text,
        Spec,
        "stand-alone or stackable",
    ),
    (
        "stackability.towards",
        List,
        Spec,
        "credentials it stacks towards",
    ),
    (
        "further_information.orientation",
        Text,
        Spec,
        "general orientation / profile",
    ),
    (
        "further_information.target_group",
        Text,
        Spec,
        "primary target group",
    ),
    (
        "further_information.languages",
        List,
        Spec,
        "languages of instruction",
    ),
    (
        "further_information.availability",
        Text,
        Spec,
        "who may enrol",
    ),
    (
        "further_information.duration",
        Text,
        Spec,
        "time to complete",
    ),
    ("further_information.fees", Text, Spec, "fees"),
    (
        "further_information.isced_f",
        Text,
        Spec,
        "ISCED-F field code",
    ),
    ("awarding.rule", Text, Spec, "awarding policy"),
    ("awarding.lead", Text, Spec, "lead university"),
    (
        "awarding.bodies",
        List,
        Spec,
        "awarding bodies the policy designates",
    ),
    (
        "awarding.countries",
        List,
        Spec,
        "countries of the awarding bodies",
    ),
    (
        "learning_dimensions",
        List,
        Spec,
        "intercultural, interdisciplinary, entrepreneurial",
    ),
    (
        "title.degree_words",
        List,
        Spec,
        "words of the English title that name a degree (bachelor, master, doctorate, degree, diploma), except as micro-bachelor or micro-master",
    ),
    (
        "stacking.pools",
        List,
        Spec,
        "ids of a stacked credential's pools of components",
    ),
    (
        "stacking.components",
        List,
        Spec,
        "every component a stacked credential is awarded for",
    ),
    (
        "stacking.external",
        List,
        Spec,
        "recognised external components (issuer and achievement)",
    ),
    (
        "stacking.min_total_ects",
        Number,
        Spec,
        "least ECTS the counted components add up to",
    ),
    (
        "stacking.valid_for",
        Text,
        Spec,
        "how long after its award a component counts",
    ),
    (
        "learner.given_names",
        Text,
        Credential,
        "learner's first name(s)",
    ),
    (
        "learner.family_names",
        Text,
        Credential,
        "learner's last name(s)",
    ),
    (
        "learner.date_of_birth",
        Text,
        Credential,
        "learner's date of birth",
    ),
    (
        "learner.nationality",
        List,
        Credential,
        "learner's nationality",
    ),
    (
        "learner.student_ids",
        List,
        Credential,
        "learner's student ids",
    ),
    ("date_of_issuing", Text, Credential, "date of issuing"),
    ("grade", Text, Credential, "grade achieved"),
];

/// The declared kind and scope of a fact name, if it is one.
pub fn fact_kind(name: &str) -> Option<(FactKind, Scope)> {
    FACT_NAMES
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, kind, scope, _)| (*kind, *scope))
}

impl Facts {
    /// Every fact about one thing named `name` (one, or one per item for `[*]` names).
    pub fn get(&self, name: &str) -> &[Fact] {
        self.facts.get(name).map_or(&[], Vec::as_slice)
    }

    fn set(&mut self, name: &'static str, field: &str, value: Option<FactValue>) {
        self.facts.entry(name).or_default().push(Fact {
            value,
            field: field.to_owned(),
            reason: None,
            label: None,
        });
    }

    fn set_with_reason(
        &mut self,
        name: &'static str,
        field: &str,
        value: Result<FactValue, String>,
    ) {
        let (value, reason) = match value {
            Ok(v) => (Some(v), None),
            Err(reason) => (None, Some(reason)),
        };
        self.facts.entry(name).or_default().push(Fact {
            value,
            field: field.to_owned(),
            reason,
            label: None,
        });
    }

    fn set_item(
        &mut self,
        name: &'static str,
        field: String,
        label: &str,
        value: Option<FactValue>,
    ) {
        let fact = Fact {
            value,
            field,
            reason: None,
            label: Some(label.to_owned()),
        };
        self.facts.entry(name).or_default().push(fact);
    }

    /// The facts of a specification, with its course elements from `catalogue`.
    pub fn of_specification(
        spec: &Specification,
        catalogue: &Catalogue,
        alliance: Option<&Alliance>,
    ) -> Facts {
        let mut facts = Facts::default();
        let text =
            |t: &Option<LocalizedText>| t.as_ref().map(|t| FactValue::Text(t.en().to_owned()));
        let word = |w: Option<&'static str>| w.map(|w| FactValue::Text(w.to_owned()));
        let list = |items: Vec<String>| Some(FactValue::List(items));
        let ects = |e: Option<EctsCredits>| e.map(|e| FactValue::Number(e.as_f64()));
        let number = |n: Option<u32>| n.map(|n| FactValue::Number(f64::from(n)));

        facts.set("id", "id", Some(FactValue::Text(spec.id.to_string())));
        facts.set("title", "title", text(&spec.title));
        let title_languages = spec
            .title
            .iter()
            .flat_map(|t| t.languages())
            .map(|l| l.to_string())
            .collect();
        facts.set("title.languages", "title", list(title_languages));
        facts.set(
            "typology",
            "typology",
            word(spec.typology.map(|t| t.name())),
        );
        facts.set(
            "typology.type",
            "typology",
            word(spec.typology.map(|t| t.kind())),
        );
        facts.set(
            "typology.subtype",
            "typology",
            word(spec.typology.map(|t| t.subtype())),
        );
        facts.set("description", "description", text(&spec.description));
        facts.set("profiles", "profiles", list(spec.profiles.clone()));

        // Course elements. Resolution guarantees every id is in the catalogue.
        let elements: Vec<_> = spec
            .elements
            .iter()
            .filter_map(|id| catalogue.element(id))
            .collect();
        facts.set(
            "elements",
            "elements",
            list(spec.elements.iter().map(|e| e.to_string()).collect()),
        );
        let universities = contributing_universities(spec, catalogue).unwrap_or_default();
        facts.set(
            "elements.universities",
            "elements",
            list(universities.iter().map(|u| u.to_string()).collect()),
        );
        let ects_sum = match elements.iter().find(|e| e.ects.is_none()) {
            _ if elements.is_empty() => Err("no course elements are listed".to_owned()),
            Some(without) => Err(format!("course element `{}` has no ECTS", without.id)),
            None => Ok(FactValue::Number(
                EctsCredits::sum(elements.iter().filter_map(|e| e.ects)).unwrap_or(0) as f64
                    / 100.0,
            )),
        };
        facts.set_with_reason("elements.ects_sum", "elements", ects_sum);
        let hours_sum = match elements.iter().find(|e| e.hours.is_none()) {
            _ if elements.is_empty() => Err("no course elements are listed".to_owned()),
            Some(without) => Err(format!("course element `{}` has no hours", without.id)),
            None => Ok(FactValue::Number(
                elements.iter().filter_map(|e| e.hours).map(f64::from).sum(),
            )),
        };
        facts.set_with_reason("elements.hours_sum", "elements", hours_sum);
        let eqf_max = elements.iter().filter_map(|e| e.eqf).max();
        facts.set(
            "elements.eqf_max",
            "elements",
            eqf_max.map(|l| FactValue::Number(f64::from(l.get()))),
        );
        for (i, element) in elements.iter().enumerate() {
            let at = |field: &str| format!("elements[{i}].{field}");
            let label = element.id.as_str();
            facts.set_item(
                "elements[*].title",
                at("title"),
                label,
                Some(FactValue::Text(element.title.en().to_owned())),
            );
            facts.set_item(
                "elements[*].university",
                at("university"),
                label,
                Some(FactValue::Text(element.university.to_string())),
            );
            facts.set_item("elements[*].ects", at("ects"), label, ects(element.ects));
            facts.set_item(
                "elements[*].hours",
                at("hours"),
                label,
                number(element.hours),
            );
            facts.set_item(
                "elements[*].eqf",
                at("eqf"),
                label,
                element.eqf.map(|l| FactValue::Number(f64::from(l.get()))),
            );
            let languages = element.languages.iter().map(|l| l.to_string()).collect();
            facts.set_item(
                "elements[*].languages",
                at("languages"),
                label,
                list(languages),
            );
            facts.set_item(
                "elements[*].mode",
                at("mode"),
                label,
                word(element.mode.map(|m| m.name())),
            );
        }
        facts.set(
            "combination_rationale",
            "combination_rationale",
            text(&spec.combination_rationale),
        );

        let outcomes = &spec.learning_outcomes;
        facts.set(
            "learning_outcomes",
            "learning_outcomes",
            list(outcomes.iter().map(|o| o.text.en().to_owned()).collect()),
        );
        let mut categories: Vec<String> = outcomes
            .iter()
            .filter_map(|o| o.category)
            .map(|c| c.name().to_owned())
            .collect();
        categories.sort();
        categories.dedup();
        facts.set(
            "learning_outcomes.categories",
            "learning_outcomes",
            list(categories),
        );
        for (i, outcome) in outcomes.iter().enumerate() {
            let label = format!("learning outcome {}", i + 1);
            let value = word(outcome.category.map(|c| c.name()));
            facts.set_item(
                "learning_outcomes[*].category",
                format!("learning_outcomes[{i}].category"),
                &label,
                value,
            );
        }

        let workload = &spec.workload;
        facts.set("workload.ects", "workload.ects", ects(workload.ects));
        facts.set("workload.hours", "workload.hours", number(workload.hours));
        let per_credit = workload
            .ects
            .zip(workload.hours)
            .map(|(e, h)| FactValue::Number(f64::from(h) / e.as_f64()));
        facts.set("workload.hours_per_ects", "workload.hours", per_credit);

        let level = &spec.level;
        facts.set(
            "level.eqf",
            "level.eqf",
            level.eqf.map(|l| FactValue::Number(f64::from(l.get()))),
        );
        facts.set(
            "level.qf_ehea_cycle",
            "level.qf_ehea_cycle",
            word(level.qf_ehea_cycle.map(|c| c.name())),
        );
        facts.set(
            "level.nqf",
            "level.nqf",
            level.nqf.clone().map(FactValue::Text),
        );
        facts.set(
            "level.not_applicable",
            "level.not_applicable",
            text(&level.not_applicable),
        );

        let participation = &spec.participation;
        facts.set(
            "participation.mode",
            "participation.mode",
            word(participation.mode.map(|m| m.name())),
        );
        let organisation = participation.organisation.map(|o| o.name());
        facts.set(
            "participation.organisation",
            "participation.organisation",
            word(organisation),
        );
        facts.set(
            "participation.timeframe",
            "participation.timeframe",
            word(participation.timeframe.map(|t| t.name())),
        );
        facts.set("prerequisites", "prerequisites", text(&spec.prerequisites));

        let assessment = spec.assessment.as_ref();
        let methods = assessment
            .map(|a| a.methods.iter().map(|m| m.name().to_owned()).collect())
            .unwrap_or_default();
        facts.set("assessment.methods", "assessment.methods", list(methods));
        facts.set(
            "assessment.description",
            "assessment.description",
            text(&assessment.and_then(|a| a.description.clone())),
        );
        let supervision = assessment.and_then(|a| a.supervision).map(|s| s.name());
        facts.set(
            "assessment.supervision",
            "assessment.supervision",
            word(supervision),
        );
        let examination = assessment.map(|a| FactValue::Bool(a.involves_examination()));
        facts.set(
            "assessment.involves_examination",
            "assessment.methods",
            examination,
        );

        let qa = spec.quality_assurance.as_ref();
        facts.set(
            "quality_assurance.type",
            "quality_assurance.type",
            word(qa.map(|q| q.kind.name())),
        );
        facts.set(
            "quality_assurance.body",
            "quality_assurance.body",
            qa.and_then(|q| q.body.clone()).map(FactValue::Text),
        );
        let reference = qa.and_then(|q| q.reference.clone()).map(FactValue::Text);
        facts.set(
            "quality_assurance.reference",
            "quality_assurance.reference",
            reference,
        );
        facts.set(
            "grading.scheme",
            "grading.scheme",
            spec.grading
                .as_ref()
                .map(|g| FactValue::Text(g.scheme.clone())),
        );
        let stack = spec.stackability.as_ref();
        facts.set(
            "stackability.option",
            "stackability.option",
            word(stack.map(|s| s.option.name())),
        );
        let towards = stack
            .map(|s| s.towards.iter().map(|t| t.en().to_owned()).collect())
            .unwrap_or_default();
        facts.set(
            "stackability.towards",
            "stackability.towards",
            list(towards),
        );

        let further = &spec.further_information;
        let at = |field: &str| format!("further_information.{field}");
        facts.set(
            "further_information.orientation",
            &at("orientation"),
            word(further.orientation.map(|o| o.name())),
        );
        facts.set(
            "further_information.target_group",
            &at("target_group"),
            text(&further.target_group),
        );
        let languages = further.languages.iter().map(|l| l.to_string()).collect();
        facts.set(
            "further_information.languages",
            &at("languages"),
            list(languages),
        );
        facts.set(
            "further_information.availability",
            &at("availability"),
            text(&further.availability),
        );
        facts.set(
            "further_information.duration",
            &at("duration"),
            text(&further.duration),
        );
        facts.set("further_information.fees", &at("fees"), text(&further.fees));
        let isced = further
            .isced_f
            .as_ref()
            .map(|c| FactValue::Text(c.as_str().to_owned()));
        facts.set("further_information.isced_f", &at("isced_f"), isced);

        let awarding = spec.awarding.as_ref();
        facts.set(
            "awarding.rule",
            "awarding.rule",
            word(awarding.map(|a| a.rule.name())),
        );
        let lead = awarding
            .and_then(|a| a.lead.as_ref())
            .map(|l| FactValue::Text(l.to_string()));
        facts.set("awarding.lead", "awarding.lead", lead);
        let (bodies, countries) = match awarding_bodies(spec, catalogue) {
            Ok(bodies) => {
                let mut countries: Vec<String> = Vec::new();
                let mut names = Vec::new();
                for body in &bodies {
                    match body {
                        AwardingBody::University(id) => {
                            names.push(id.to_string());
                            if let Some(university) = catalogue.university(id) {
                                countries.push(university.country.to_string());
                            }
                        }
                        AwardingBody::Alliance => {
                            names.push("alliance".to_owned());
                            // An alliance without a legal seat issues from its members' countries.
                            match alliance.and_then(|a| a.country) {
                                Some(seat) => countries.push(seat.to_string()),
                                None => countries.extend(
                                    universities
                                        .iter()
                                        .filter_map(|u| catalogue.university(u))
                                        .map(|u| u.country.to_string()),
                                ),
                            }
                        }
                    }
                }
                countries.sort();
                countries.dedup();
                (
                    Ok(FactValue::List(names)),
                    if countries.is_empty() {
                        Err("no awarding body has a country".into())
                    } else {
                        Ok(FactValue::List(countries))
                    },
                )
            }
            Err(problem) => (Err(problem.to_string()), Err(problem.to_string())),
        };
        facts.set_with_reason("awarding.bodies", "awarding", bodies);
        facts.set_with_reason("awarding.countries", "awarding", countries);
        let dimensions = spec
            .learning_dimensions
            .iter()
            .map(|d| d.name().to_owned())
            .collect();
        facts.set(
            "learning_dimensions",
            "learning_dimensions",
            list(dimensions),
        );
        facts.set(
            "title.degree_words",
            "title",
            spec.title
                .as_ref()
                .map(|t| FactValue::List(degree_words(t.en()))),
        );
        // Set whether or not the specification stacks: an absent fact is one rules can test.
        let stacking = spec.stacking.as_ref();
        let pools = stacking.map(|s| s.pools.iter().map(|p| p.id.clone()).collect());
        facts.set("stacking.pools", "stacking.pools", pools.and_then(list));
        let all = stacking.map(|s| s.components().map(|(_, c)| c.label()).collect());
        facts.set("stacking.components", "stacking.pools", all.and_then(list));
        let external = stacking.map(|s| {
            s.components()
                .filter(|(_, c)| matches!(c, Component::External(_)))
                .map(|(_, c)| c.label())
                .collect()
        });
        facts.set(
            "stacking.external",
            "stacking.pools",
            external.and_then(list),
        );
        facts.set(
            "stacking.min_total_ects",
            "stacking.min_total_ects",
            ects(stacking.and_then(|s| s.min_total_ects)),
        );
        facts.set(
            "stacking.valid_for",
            "stacking.valid_for",
            stacking
                .and_then(|s| s.valid_for)
                .map(|p| FactValue::Text(p.to_string())),
        );
        facts
    }

    /// Adds the facts of a micro-credential awarded to a learner, for credential-scope rules.
    pub fn with_award(mut self, award: &Award) -> Facts {
        let learner = &award.learner;
        let text = |t: &str| Some(FactValue::Text(t.to_owned()));
        self.set(
            "learner.given_names",
            "learner.given_names",
            text(&learner.given_names),
        );
        self.set(
            "learner.family_names",
            "learner.family_names",
            text(&learner.family_names),
        );
        let born = learner
            .date_of_birth
            .map(|d| FactValue::Text(d.to_string()));
        self.set("learner.date_of_birth", "learner.date_of_birth", born);
        let nationality = learner.nationality.iter().map(|c| c.to_string()).collect();
        self.set(
            "learner.nationality",
            "learner.nationality",
            Some(FactValue::List(nationality)),
        );
        let ids = learner
            .student_ids
            .iter()
            .map(|s| format!("{}:{}", s.university, s.value))
            .collect();
        self.set(
            "learner.student_ids",
            "learner.student_ids",
            Some(FactValue::List(ids)),
        );
        self.set(
            "date_of_issuing",
            "date_of_issuing",
            award
                .date_of_issuing
                .map(|d| FactValue::Text(d.to_string())),
        );
        self.set("grade", "grade", award.grade.clone().map(FactValue::Text));
        self
    }
}
