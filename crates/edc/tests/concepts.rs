//! The concepts microcred states in an EDC are the EU's: the same JSON as the official ELM 3.2
//! samples where they use the same concept, and every member country's concept is in use in the
//! Publications Office's country table. Skips without `../shared` (fails under `CI=true`).

use std::path::{Path, PathBuf};

use serde_json::Value;

use microcred_edc::concepts::{self, Concept};
use microcred_model::vocabulary::{Mode, Organisation, Supervision};
use microcred_model::{CountryCode, EqfLevel, LanguageCode};

fn fixtures(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(relative);
    if path.exists() {
        Some(path)
    } else if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "the fixtures are missing: {} (CI needs ../shared)",
            path.display()
        );
    } else {
        eprintln!("skipped: {} is absent", path.display());
        None
    }
}

/// Every concept a sample states, by its id.
fn sample_concepts(value: &Value, out: &mut Vec<Value>) {
    match value {
        Value::Object(o) if o.get("type").and_then(Value::as_str) == Some("Concept") => {
            out.push(value.clone())
        }
        Value::Object(o) => o.values().for_each(|v| sample_concepts(v, out)),
        Value::Array(a) => a.iter().for_each(|v| sample_concepts(v, out)),
        _ => {}
    }
}

#[test]
fn the_concepts_are_stated_as_the_official_samples_state_them() {
    let Some(dir) = fixtures("elm-3.2/samples") else {
        return;
    };
    let mut stated = Vec::new();
    for file in [
        "Sample-MC-Annex1-unsigned.jsonld",
        "Sample-CertOfPart-unsigned.jsonld",
    ] {
        let text = std::fs::read_to_string(dir.join(file)).expect("a sample");
        sample_concepts(&serde_json::from_str(&text).expect("JSON"), &mut stated);
    }
    let country = |c: &str| concepts::country(CountryCode::parse(c).unwrap()).unwrap();
    let ours: Vec<Concept> = vec![
        concepts::generic_profile(),
        concepts::ects(),
        concepts::eqf(EqfLevel::new(6).unwrap()),
        concepts::learning_setting(false),
        concepts::mode(Mode::Blended).unwrap(),
        concepts::mode(Mode::Online).unwrap(),
        concepts::supervision(Supervision::UnsupervisedNoIdVerification).unwrap(),
        concepts::learning_opportunity(Organisation::ShortLearningProgramme).unwrap(),
        concepts::language(LanguageCode::ENGLISH),
        country("IE"),
        country("BE"),
        country("IT"),
    ];
    for concept in ours {
        let official = stated
            .iter()
            .find(|s| s["id"] == concept.id.as_str())
            .unwrap_or_else(|| panic!("{} is not in the samples", concept.id));
        assert_eq!(&concept.to_json(), official, "{}", concept.id);
    }
}

#[test]
fn every_member_state_has_its_country_concept() {
    let Some(rdf) = fixtures("eu-vocabularies/authority/country/countries-skos.rdf") else {
        return;
    };
    let table = std::fs::read_to_string(rdf).expect("the country table");
    for code in [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
        "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "NO", "IS", "LI",
        "CH", "UA", "GB", "TR", "RS",
    ] {
        let concept = concepts::country(CountryCode::parse(code).unwrap())
            .unwrap_or_else(|| panic!("{code} has no concept"));
        let about = format!("rdf:about=\"{}\" at:deprecated=\"false\"", concept.id);
        assert!(table.contains(&about), "{code}: {} not in use", concept.id);
        let label = format!(
            "<skos:prefLabel xml:lang=\"en\">{}</skos:prefLabel>",
            concept.label
        );
        assert!(table.contains(&label), "{code}: label {}", concept.label);
    }
    // Czechia, as the EU names it.
    assert_eq!(
        concepts::country(CountryCode::parse("CZ").unwrap())
            .unwrap()
            .label,
        "Czechia"
    );
}

#[test]
fn values_without_an_eu_concept_are_left_to_words() {
    assert!(concepts::mode(Mode::Hybrid).is_none());
    assert!(concepts::supervision(Supervision::SupervisedNoIdVerification).is_none());
    let polish = concepts::language(LanguageCode::parse("pl").unwrap());
    assert_eq!(
        polish.id,
        "http://publications.europa.eu/resource/authority/language/POL"
    );
}
