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
pub struct CourseElement {
    pub id: CourseElementId,
    /// The member university that owns and delivers this element.
    pub university: UniversityId,
    /// The university's own course code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub title: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ects: Option<EctsCredits>,
    /// Notional learning hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eqf: Option<EqfLevel>,
    /// Languages of instruction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<LanguageCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<Organisation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeframe: Option<Timeframe>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub learning_outcomes: Vec<LearningOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
}

/// A learning outcome (EU element 8), classified by EQF descriptor category (ENHANCE §7.8).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LearningOutcome {
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
    pub const PREFIX: &'static str = "http://data.europa.eu/esco/skill/";

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
    pub methods: Vec<AssessmentMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LocalizedText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervision: Option<Supervision>,
}

impl Assessment {
    /// Whether any method is a test or examination (ENHANCE §7.12).
    pub fn involves_examination(&self) -> bool {
        self.methods.iter().any(|m| m.is_examination())
    }
}
