//! The learner (EU element 1; ENHANCE §7.1) and a micro-credential awarded to them.

use serde::{Deserialize, Serialize};

use crate::catalogue::AwardingBody;
use crate::codes::CountryCode;
use crate::date::Date;
use crate::ids::{SpecificationId, UniversityId};
use crate::quantity::EctsCredits;

/// Identification of the learner: names, date of birth, nationality, student ids (§7.1 a–d).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Learner {
    /// First name(s), in any script (`Zoë`, `Παπαδοπούλου`).
    pub given_names: String,
    /// Last name(s).
    pub family_names: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Date of birth (§7.1 b), where recorded.
    pub date_of_birth: Option<Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Nationalities (§7.1 c).
    pub nationality: Vec<CountryCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Student ids at the universities that know the learner (§7.1 d).
    pub student_ids: Vec<StudentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// E-mail address, where recorded.
    pub email: Option<String>,
    /// The university the learner is enrolled at, where a registrar recorded it: it awards
    /// micro-credentials whose policy is `home-university` (ENHANCE §7.4 a).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_university: Option<UniversityId>,
}

impl Learner {
    /// Given and family names, as a person is addressed (an account's name).
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_names, self.family_names)
    }
}

/// A student identification number at one university (§7.1 d).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StudentId {
    /// The university that gave it.
    pub university: UniversityId,
    /// The id itself.
    pub value: String,
}

/// A micro-credential awarded to a learner: the per-learner elements (1, 3, 4, 5, 14) that
/// complete the specification's description. [`crate::AwardRule`] decides it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Award {
    /// The specification awarded.
    pub specification: SpecificationId,
    /// Element 1: who it is awarded to.
    pub learner: Learner,
    /// Element 5: the day the last requirement was met (ENHANCE §7.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_issuing: Option<Date>,
    /// Element 4 as decided for this learner, in the order they sign.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awarding_bodies: Vec<AwardingBody>,
    /// Element 14, in the awarding university's scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// Element 6 as earned: the specification's ECTS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_earned: Option<EctsCredits>,
}
