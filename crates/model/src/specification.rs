//! A micro-credential specification: what a learner must achieve to be awarded it, described
//! by the 16 elements of the EU standard as the alliance's frameworks interpret them.
//!
//! Most elements are optional here on purpose: a draft is incomplete while a teacher writes
//! it, and the rules (not the model) say which elements a framework requires.

use serde::{Deserialize, Serialize};

use crate::codes::LanguageCode;
use crate::course::{Assessment, LearningOutcome};
use crate::date::Date;
use crate::ids::{CourseElementId, SpecificationId, UniversityId};
use crate::quantity::{EctsCredits, EqfLevel};
use crate::stacking::Stacking;
use crate::text::LocalizedText;
use crate::vocabulary::{
    AwardingRule, LearningDimension, Mode, Organisation, Orientation, QfEheaCycle,
    QualityAssuranceType, StackabilityOption, TieBreak, Timeframe, Typology,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
/// A micro-credential specification: the 16 elements as the alliance defines them, from its course elements.
pub struct Specification {
    /// Its id, e.g. `enhance-certificate-digital-transformation`.
    pub id: SpecificationId,
    /// Element 2. The formal name says "certificate" or "badge" (ENHANCE §7.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<LocalizedText>,
    /// ENHANCE typology (§5, Annex 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typology: Option<Typology>,
    /// What the micro-credential is about: the distinct, targeted learning experience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LocalizedText>,
    /// Rule profiles this specification is checked against, e.g. `["eu-2022", "enhance-2021"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<String>,
    /// The course elements combined, by id, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<CourseElementId>,
    /// For a stacked credential, instead of course elements: the rule over the
    /// micro-credentials it is awarded for (ENHANCE §7.15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stacking: Option<Stacking>,
    /// Why the elements form a meaningful combination (EuroTeQ D2.7, "Concept").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combination_rationale: Option<LocalizedText>,
    /// Element 8.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub learning_outcomes: Vec<LearningOutcome>,
    /// Element 6.
    #[serde(default, skip_serializing_if = "Workload::is_empty")]
    pub workload: Workload,
    /// Element 7.
    #[serde(default, skip_serializing_if = "Level::is_empty")]
    pub level: Level,
    /// Element 9.
    #[serde(default, skip_serializing_if = "Participation::is_empty")]
    pub participation: Participation,
    /// Element 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prerequisites: Option<LocalizedText>,
    /// Elements 11 and 12.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
    /// Element 13.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_assurance: Option<QualityAssurance>,
    /// Element 14: how the grade achieved is expressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grading: Option<Grading>,
    /// Element 15.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stackability: Option<Stackability>,
    /// Element 16.
    #[serde(default, skip_serializing_if = "FurtherInformation::is_empty")]
    pub further_information: FurtherInformation,
    /// Elements 3 and 4: who awards the micro-credential, hence the issuer's country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awarding: Option<AwardingPolicy>,
    /// Intercultural, interdisciplinary, entrepreneurial learning (EuroTeQ D2.7).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub learning_dimensions: Vec<LearningDimension>,
}

/// Notional workload (element 6): ECTS wherever possible, and hours.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The workload in ECTS.
    pub ects: Option<EctsCredits>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The workload in hours.
    pub hours: Option<u32>,
}

impl Specification {
    /// A stacked specification's faults: its rule's ([`crate::stacking::Stacking::problems`])
    /// and course elements beside a rule (a stacked credential is awarded for
    /// micro-credentials). What a specification file is refused for and the platform's draft
    /// check reports.
    pub fn stacking_problems(&self) -> Vec<crate::stacking::RuleProblem> {
        let Some(stacking) = &self.stacking else {
            return Vec::new();
        };
        let mut problems = Vec::new();
        if !self.elements.is_empty() {
            problems.push(crate::stacking::RuleProblem {
                field: "elements".into(),
                message: "a stacked credential is awarded for micro-credentials (`[stacking]`), not for course elements: make the courses micro-credentials and stack them, or remove `stacking`".into(),
            });
        }
        problems.extend(stacking.problems());
        problems
    }
}

impl Workload {
    /// Whether no workload is given.
    pub fn is_empty(&self) -> bool {
        self.ects.is_none() && self.hours.is_none()
    }
}

/// Level and cycle (element 7): EQF, QF-EHEA cycle, national framework, or not applicable.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Level {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The EQF level.
    pub eqf: Option<EqfLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The QF-EHEA cycle, where one applies.
    pub qf_ehea_cycle: Option<QfEheaCycle>,
    /// Level in a national qualifications framework, as that framework writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nqf: Option<String>,
    /// Why no level applies (e.g. a service-based badge), when none is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<LocalizedText>,
}

impl Level {
    /// Whether nothing about the level is said.
    pub fn is_empty(&self) -> bool {
        self.eqf.is_none()
            && self.qf_ehea_cycle.is_none()
            && self.nqf.is_none()
            && self.not_applicable.is_none()
    }
}

/// Form of participation (element 9): mode, organisation, timeframe (ENHANCE §7.9).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Participation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Mode of delivery.
    pub mode: Option<Mode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// How the learning activity is organised.
    pub organisation: Option<Organisation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Set dates or self-paced.
    pub timeframe: Option<Timeframe>,
    /// First day, for a fixed timeframe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    /// Last day, for a fixed timeframe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
}

impl Participation {
    /// Whether nothing about participation is said.
    pub fn is_empty(&self) -> bool {
        *self == Participation::default()
    }
}

/// Quality assurance (element 13): its type, the body responsible, a reference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QualityAssurance {
    #[serde(rename = "type")]
    /// Internal, national or international quality assurance.
    pub kind: QualityAssuranceType,
    /// The body or procedure that assures quality, e.g. "WUT Senate Committee on Education Quality".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// A reference: the procedure's URL or a decision number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The quality assurance in its own words.
    pub description: Option<LocalizedText>,
}

/// How the grade achieved (element 14) is expressed: the awarding university's scheme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grading {
    /// The grading scheme's name, e.g. "Polish 2.0–5.0 scale" or "pass/fail".
    pub scheme: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// What the grades mean.
    pub description: Option<LocalizedText>,
}

/// Integration / stackability (element 15).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stackability {
    /// Stand-alone, or integrated / stackable.
    pub option: StackabilityOption,
    /// The larger credentials this one stacks towards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub towards: Vec<LocalizedText>,
}

/// Further information (element 16; ENHANCE §7.16).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FurtherInformation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The general orientation.
    pub orientation: Option<Orientation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Who it is for.
    pub target_group: Option<LocalizedText>,
    /// Languages of instruction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<LanguageCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// When and where it is offered.
    pub availability: Option<LocalizedText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// How long it takes.
    pub duration: Option<LocalizedText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// What it costs.
    pub fees: Option<LocalizedText>,
    /// Digital-only, paper, or both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_form: Option<LocalizedText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Partners in delivering it.
    pub partnerships: Option<LocalizedText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Recognition it has received.
    pub appreciation: Option<LocalizedText>,
    /// ISCED-F 2013 field code, e.g. `0413`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isced_f: Option<IscedF>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its web page.
    pub homepage: Option<String>,
}

impl FurtherInformation {
    /// Whether no further information is given.
    pub fn is_empty(&self) -> bool {
        *self == FurtherInformation::default()
    }
}

/// An ISCED-F 2013 field code: broad (2 digits), narrow (3) or detailed (4).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "String", into = "String")]
pub struct IscedF(#[schemars(regex(pattern = r"^[0-9]{2,4}$"))] String);

impl IscedF {
    /// The ISCED-F 2013 code, e.g. `0413`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The EU concept URI, e.g. `http://data.europa.eu/snb/isced-f/0413`.
    pub fn concept_uri(&self) -> String {
        format!("http://data.europa.eu/snb/isced-f/{}", self.0)
    }
    /// The field it belongs to: a detailed field's narrow one (`0413` → `041`), a narrow
    /// field's broad one (`041` → `04`); none for a broad field.
    pub fn broader(&self) -> Option<IscedF> {
        (self.0.len() > 2).then(|| IscedF(self.0[..self.0.len() - 1].to_owned()))
    }
}

impl TryFrom<String> for IscedF {
    type Error = String;
    fn try_from(code: String) -> Result<Self, String> {
        if (2..=4).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(IscedF(code))
        } else {
            Err(format!(
                "`{code}` is not an ISCED-F code: write 2 to 4 digits as a string, e.g. \"0413\""
            ))
        }
    }
}

impl From<IscedF> for String {
    fn from(code: IscedF) -> String {
        code.0
    }
}

/// Who awards the micro-credential (ENHANCE §7.4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardingPolicy {
    /// Which policy of ENHANCE §7.4 decides the awarding body.
    pub rule: AwardingRule,
    /// The university that led the development. Required for `lead-university`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<UniversityId>,
    /// For `most-workload`: how to choose between universities delivering equal ECTS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tie_break: Option<TieBreak>,
}
