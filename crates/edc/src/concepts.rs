//! EU Vocabularies concepts as an EDC states them:
//! `{"id", "type": "Concept", "inScheme": {"id", "type": "ConceptScheme"}, "prefLabel": {"en"},
//! "notation"?}`. The URIs and labels come from the ELM 3.2 shapes, the official samples and the
//! Publications Office's authority tables (`../shared/reference/elm-concepts.md` says which
//! source gives which); the EDC SHACL shapes check each concept's `inScheme` as stated.
//! A value the EU lists have no concept for gives `None`: the EDC then states it in words only,
//! never under a concept that means something else.

use serde_json::{Value, json};

use microcred_model::vocabulary::{AssessmentMethod, Mode, Organisation, Supervision};
use microcred_model::{CountryCode, EqfLevel, IscedF, LanguageCode};

use crate::eu_countries::EU_COUNTRIES;

const AUTHORITY: &str = "http://publications.europa.eu/resource/authority";
const SNB: &str = "http://data.europa.eu/snb";
/// The suffix of every `data.europa.eu/snb` concept scheme's URI.
const SCHEME: &str = "25831c2";

/// A concept of an EU controlled vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concept {
    /// Its URI.
    pub id: String,
    /// Its concept scheme's URI.
    pub scheme: String,
    /// Its English label.
    pub label: String,
    /// The `notation` the Publications Office's authority tables carry (`country`, `language`).
    pub notation: Option<&'static str>,
}

impl Concept {
    fn snb(list: &str, code: &str, label: impl Into<String>) -> Concept {
        Concept {
            id: format!("{SNB}/{list}/{code}"),
            scheme: format!("{SNB}/{list}/{SCHEME}"),
            label: label.into(),
            notation: None,
        }
    }

    fn authority(table: &'static str, code: &str, label: impl Into<String>) -> Concept {
        Concept {
            id: format!("{AUTHORITY}/{table}/{code}"),
            scheme: format!("{AUTHORITY}/{table}"),
            label: label.into(),
            notation: Some(table),
        }
    }

    /// The concept as JSON-LD in an EDC.
    pub fn to_json(&self) -> Value {
        let mut concept = json!({
            "id": self.id,
            "type": "Concept",
            "inScheme": { "id": self.scheme, "type": "ConceptScheme" },
            "prefLabel": { "en": self.label },
        });
        if let (Some(notation), Some(object)) = (self.notation, concept.as_object_mut()) {
            object.insert("notation".into(), notation.into());
        }
        concept
    }
}

/// A country, as the Publications Office's country table names it (`…/country/POL`,
/// "Poland"); `None` for a code that table has no concept in use for.
pub fn country(code: CountryCode) -> Option<Concept> {
    let alpha3 = code.alpha3().to_ascii_uppercase();
    EU_COUNTRIES
        .binary_search_by(|(c, _)| (*c).cmp(alpha3.as_str()))
        .ok()
        .map(|i| Concept::authority("country", EU_COUNTRIES[i].0, EU_COUNTRIES[i].1))
}

/// A language, as the Publications Office's language table names it (`…/language/ENG`): its
/// authority code is the ISO 639-2/T code in capitals for the languages of the EU.
pub fn language(code: LanguageCode) -> Concept {
    Concept::authority(
        "language",
        &code.alpha3().to_ascii_uppercase(),
        code.english_name(),
    )
}

/// An EQF level (`…/snb/eqf/6`, "Level 6").
pub fn eqf(level: EqfLevel) -> Concept {
    Concept::snb(
        "eqf",
        &level.get().to_string(),
        format!("Level {}", level.get()),
    )
}

/// An ISCED-F 2013 field (`…/snb/isced-f/0413`), labelled by its code: the field names are not
/// compiled in yet.
pub fn isced_f(field: &IscedF) -> Concept {
    Concept::snb(
        "isced-f",
        field.as_str(),
        format!("ISCED-F {}", field.as_str()),
    )
}

/// The learning setting: formal learning (a university's credit-bearing offer) or non-formal.
pub fn learning_setting(formal: bool) -> Concept {
    if formal {
        Concept::snb("learning-setting", "6fd4685715", "formal learning")
    } else {
        Concept::snb("learning-setting", "e207a81fc7", "non-formal learning")
    }
}

/// The mode of learning and assessment (EU element 9). Hybrid — the learner chooses on site or
/// online — has no concept of its own.
pub fn mode(mode: Mode) -> Option<Concept> {
    let (code, label) = match mode {
        Mode::Onsite => ("9191af2ed9", "Presential"),
        Mode::Online => ("920fbb3cbe", "Online"),
        Mode::Blended => ("e92d221e4d", "Blended"),
        Mode::Hybrid => return None,
    };
    Some(Concept::snb("learning-assessment", code, label))
}

/// Supervision and identity verification during assessment (EU element 12). The EU list's
/// concept for "supervised without identity verification" is not known offline.
pub fn supervision(supervision: Supervision) -> Option<Concept> {
    let (code, label) = match supervision {
        Supervision::UnsupervisedNoIdVerification => {
            ("c598449d64", "Unsupervised without ID Verification")
        }
        Supervision::SupervisedWithIdVerification => {
            ("70be69aaf9", "Supervised with ID Verification")
        }
        Supervision::SupervisedNoIdVerification => return None,
    };
    Some(Concept::snb("supervision-verification", code, label))
}

/// The type of assessment (EU element 11), where the EU list has it.
pub fn assessment(method: AssessmentMethod) -> Option<Concept> {
    let (code, label) = match method {
        AssessmentMethod::WrittenExam => ("6e6cb2cc78", "written examination"),
        AssessmentMethod::Portfolio => ("4f03b91c0e", "portfolio"),
        AssessmentMethod::PeerAssessment => ("19a2e5e671", "peer assessment"),
        _ => return None,
    };
    Some(Concept::snb("assessment", code, label))
}

/// The kind of learning opportunity, where the EU list has it.
pub fn learning_opportunity(organisation: Organisation) -> Option<Concept> {
    let (code, label) = match organisation {
        Organisation::Course | Organisation::Mooc => ("05053c1cbe", "Course"),
        Organisation::GroupOfCourses => ("79343569f3", "Educational programme"),
        Organisation::ShortLearningProgramme => ("74a4a268e8", "Short learning programme"),
        _ => return None,
    };
    Some(Concept::snb("learning-opportunity", code, label))
}

/// The European Credit Transfer and Accumulation System, the framework of credit points.
pub fn ects() -> Concept {
    Concept::snb(
        "education-credit",
        "6fcec5c5af",
        "European Credit Transfer System",
    )
}

/// The EDC's generic credential profile.
pub fn generic_profile() -> Concept {
    Concept::snb("credential", "e34929035b", "Generic")
}

/// Base64, the encoding of an EDC's embedded images.
pub fn base64_encoding() -> Concept {
    Concept::snb("encoding", "6146cde7dd", "base64")
}

/// A file type of the Publications Office's table (`PNG`, `JPEG`, `PDF`).
pub fn file_type(code: &str) -> Concept {
    Concept::authority("file-type", code, code.to_owned())
}
