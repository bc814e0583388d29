//! Course elements: the units of a university's catalogue that specifications combine.

use serde::{Deserialize, Serialize};

use crate::codes::LanguageCode;
use crate::ids::{CourseElementId, UniversityId};
use crate::quantity::{EctsCredits, EqfLevel};
use crate::text::LocalizedText;
use crate::vocabulary::{
    AssessmentMethod, Mode, Organisation, OutcomeCategory, Supervision, Timeframe,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
/// A unit of learning a university delivers (a course, module, summer school): the building block of specifications.
pub struct CourseElement {
    /// Its id, prefixed by its university's: `wut:se-101`.
    pub id: CourseElementId,
    /// The member university that owns and delivers this element.
    pub university: UniversityId,
    /// The university's own course code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Its title.
    pub title: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its notional workload in ECTS.
    pub ects: Option<EctsCredits>,
    /// Notional learning hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its EQF level, where assigned.
    pub eqf: Option<EqfLevel>,
    /// Languages of instruction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<LanguageCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its mode of delivery.
    pub mode: Option<Mode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// How the learning activity is organised.
    pub organisation: Option<Organisation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Whether it runs at set dates or self-paced.
    pub timeframe: Option<Timeframe>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// What a learner who passes it knows and can do.
    pub learning_outcomes: Vec<LearningOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// How it is assessed.
    pub assessment: Option<Assessment>,
}

/// A learning outcome (EU element 8), classified by EQF descriptor category (ENHANCE §7.8).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LearningOutcome {
    /// The outcome, as a sentence.
    pub text: LocalizedText,
    /// knowledge, skills, or responsibility-and-autonomy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<OutcomeCategory>,
    /// ESCO skills or competences this outcome evidences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub esco_skills: Vec<EscoSkill>,
}

/// An ESCO skill concept URI, `http://data.europa.eu/esco/skill/…`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "String", into = "String")]
pub struct EscoSkill(
    #[schemars(regex(pattern = r"^http://data\.europa\.eu/esco/skill/[A-Za-z0-9-]+$"))]
    String,
);

impl EscoSkill {
    /// The ESCO skills URI prefix every skill starts with.
    pub const PREFIX: &'static str = "http://data.europa.eu/esco/skill/";

    /// The skill's URI.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EscoSkill {
    type Error = String;
    fn try_from(uri: String) -> Result<Self, String> {
        let rest = uri.strip_prefix(Self::PREFIX).unwrap_or("");
        if !rest.is_empty()
            && rest.len() <= 64
            && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            Ok(EscoSkill(uri))
        } else {
            Err(format!(
                "`{uri}` is not an ESCO skill URI: expected `{}` followed by the concept's id",
                Self::PREFIX
            ))
        }
    }
}

impl From<EscoSkill> for String {
    fn from(skill: EscoSkill) -> String {
        skill.0
    }
}

/// Type of assessment (element 11) with supervision and identity verification (element 12).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// How the learning outcomes are assessed (EU element 11).
    pub methods: Vec<AssessmentMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The assessment in the assessors' words.
    pub description: Option<LocalizedText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Supervision and identity verification during assessment (EU element 12).
    pub supervision: Option<Supervision>,
}

impl Assessment {
    /// Whether any method is a test or examination (ENHANCE §7.12).
    pub fn involves_examination(&self) -> bool {
        self.methods.iter().any(|m| m.is_examination())
    }
}
