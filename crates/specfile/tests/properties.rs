//! Properties of the parser: no input makes it panic, every error is located inside the file,
//! and what is written reads back the same in both formats.

use proptest::prelude::*;

use microcred_model::{
    AwardingPolicy, Catalogue, CourseElement, CourseElementId, EctsCredits, EqfLevel, LanguageCode,
    LearningOutcome, Level, LocalizedText, Participation, Specification, SpecificationId,
    University, UniversityId, Workload, vocabulary::*,
};
use microcred_rules::{Facts, Profiles, Scope, evaluate};
use microcred_specfile::{ParseError, SourceFile, parse_catalogue, parse_specification, resolve};

const EXAMPLE: &str =
    include_str!("../../../examples/enhance-certificate-sustainable-entrepreneurship.toml");

fn check_located(error: &ParseError, text: &str) {
    let lines = text.split('\n').count();
    assert!(
        error.line >= 1 && error.line <= lines.max(1),
        "line {} of {lines}: {error}",
        error.line
    );
    let line_chars = text
        .split('\n')
        .nth(error.line - 1)
        .map_or(0, |l| l.chars().count());
    assert!(
        error.column >= 1 && error.column <= line_chars + 1,
        "column {} of {line_chars}: {error}",
        error.column
    );
    assert!(!error.message.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}", json in any::<bool>()) {
        let name = if json { "s.json" } else { "s.toml" };
        if let Err(error) = parse_specification(SourceFile::new(name, text.clone())) {
            check_located(&error, &text);
        }
        let _ = parse_catalogue(SourceFile::new(name, text));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        match SourceFile::from_bytes("s.toml", bytes) {
            Ok(source) => { let _ = parse_specification(source); }
            Err(error) => prop_assert!(error.line >= 1 && error.column >= 1),
        }
    }

    /// Damaged copies of a real specification: a stretch replaced by other text.
    #[test]
    fn damaged_examples_fail_cleanly(start in 0usize..EXAMPLE.len(), length in 0usize..40, insert in "[\\[\\]{}=\"',.#a-z0-9 \\n-]{0,12}") {
        let mut start = start;
        while !EXAMPLE.is_char_boundary(start) { start -= 1; }
        let mut end = (start + length).min(EXAMPLE.len());
        while !EXAMPLE.is_char_boundary(end) { end -= 1; }
        let text = format!("{}{}{}", &EXAMPLE[..start], insert, &EXAMPLE[end..]);
        if let Err(error) = parse_specification(SourceFile::new("s.toml", text.clone())) {
            check_located(&error, &text);
        }
    }
}

fn text() -> impl Strategy<Value = LocalizedText> {
    (
        "[A-Za-z][A-Za-zÀ-ž ,.'-]{0,40}",
        proptest::option::of("[a-zα-ω][a-zα-ω ]{0,20}"),
    )
        .prop_map(|(en, el)| {
            let text = LocalizedText::english(en).expect("non-blank by construction");
            match el {
                Some(greek) if !greek.trim().is_empty() => text
                    .with(LanguageCode::parse("el").unwrap(), greek)
                    .unwrap(),
                _ => text,
            }
        })
}

fn ects() -> impl Strategy<Value = EctsCredits> {
    (1u32..=36_000).prop_map(|h| EctsCredits::from_hundredths(h).unwrap())
}

fn pick<T: Copy + std::fmt::Debug + 'static>(values: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(values)
}

fn element(i: usize) -> impl Strategy<Value = CourseElement> {
    (
        text(),
        proptest::option::of(ects()),
        proptest::option::of(1u32..2000),
        proptest::option::of(1i64..=8),
        pick(&[Mode::Online, Mode::Onsite, Mode::Blended, Mode::Hybrid]),
    )
        .prop_map(move |(title, ects, hours, eqf, mode)| CourseElement {
            id: CourseElementId::new(format!("u{}:e{i}", i % 2)).unwrap(),
            university: UniversityId::new(format!("u{}", i % 2)).unwrap(),
            code: None,
            title,
            ects,
            hours,
            eqf: eqf.map(|l| EqfLevel::new(l).unwrap()),
            languages: vec![LanguageCode::ENGLISH],
            mode: Some(mode),
            organisation: None,
            timeframe: None,
            learning_outcomes: vec![],
            assessment: None,
        })
}

fn specification() -> impl Strategy<Value = (Specification, Catalogue)> {
    (
        proptest::option::of(text()),
        proptest::option::of(pick(&[
            Typology::AcademicCertificate,
            Typology::SpecialisationCertificate,
            Typology::AchievementBadge,
            Typology::ServiceBasedBadge,
        ])),
        proptest::collection::vec(
            (
                text(),
                proptest::option::of(pick(&[
                    OutcomeCategory::Knowledge,
                    OutcomeCategory::Skills,
                    OutcomeCategory::ResponsibilityAndAutonomy,
                ])),
            ),
            0..4,
        ),
        proptest::option::of(ects()),
        proptest::option::of(1u32..5000),
        proptest::option::of(1i64..=8),
        (0usize..4).prop_flat_map(|n| (0..n).map(element).collect::<Vec<_>>()),
        proptest::option::of(pick(&[
            AwardingRule::LeadUniversity,
            AwardingRule::MostWorkload,
            AwardingRule::Alliance,
            AwardingRule::Joint,
        ])),
    )
        .prop_map(
            |(title, typology, outcomes, ects, hours, eqf, elements, rule)| {
                let universities = (0..2)
                    .map(|u| University {
                        id: UniversityId::new(format!("u{u}")).unwrap(),
                        legal_name: LocalizedText::english(format!("University {u}")).unwrap(),
                        name: None,
                        country: microcred_model::CountryCode::parse(if u == 0 {
                            "PL"
                        } else {
                            "GR"
                        })
                        .unwrap(),
                        identifiers: vec![],
                        homepage: None,
                    })
                    .collect();
                let spec = Specification {
                    id: SpecificationId::new("generated").unwrap(),
                    title,
                    typology,
                    description: None,
                    profiles: vec![],
                    elements: elements.iter().map(|e| e.id.clone()).collect(),
                    stacking: None,
                    combination_rationale: None,
                    learning_outcomes: outcomes
                        .into_iter()
                        .map(|(text, category)| LearningOutcome {
                            text,
                            category,
                            esco_skills: vec![],
                        })
                        .collect(),
                    workload: Workload { ects, hours },
                    level: Level {
                        eqf: eqf.map(|l| EqfLevel::new(l).unwrap()),
                        ..Level::default()
                    },
                    participation: Participation::default(),
                    prerequisites: None,
                    assessment: None,
                    quality_assurance: None,
                    grading: None,
                    stackability: None,
                    further_information: Default::default(),
                    awarding: rule.map(|rule| AwardingPolicy {
                        rule,
                        lead: Some(UniversityId::new("u0").unwrap()),
                        tie_break: None,
                    }),
                    learning_dimensions: vec![],
                };
                (
                    spec,
                    Catalogue {
                        universities,
                        course_elements: elements,
                    },
                )
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A specification written as TOML or JSON reads back equal, and every profile evaluates it.
    #[test]
    fn specifications_round_trip_and_evaluate((spec, catalogue) in specification()) {
        let mut file = serde_json::to_value(&spec).unwrap();
        let inline = serde_json::to_value(&catalogue).unwrap();
        for key in ["universities", "course_elements"] {
            if let Some(value) = inline.get(key) {
                file[key] = value.clone();
            }
        }
        let texts = [("s.json", serde_json::to_string_pretty(&file).unwrap()), ("s.toml", toml::to_string(&file).unwrap())];
        for (name, text) in texts {
            let parsed = parse_specification(SourceFile::new(name, text.clone()))
                .unwrap_or_else(|e| panic!("{e}\n{text}"));
            prop_assert_eq!(&parsed.content.specification, &spec);
            let resolved = resolve(parsed, vec![]).unwrap_or_else(|e| panic!("{e}\n{text}"));
            let profiles = Profiles::builtin();
            let all: Vec<_> = profiles.all().iter().collect();
            let facts = Facts::of_specification(&resolved.specification, &resolved.catalogue, None);
            let evaluation = evaluate(&all, &facts, Scope::Specification);
            for finding in &evaluation.findings {
                let at = resolved.locate(&finding.field);
                prop_assert!(at.line >= 1 && at.column >= 1);
            }
        }
    }
}
