//! The 16 elements of the EU standard (Council Recommendation 2022/C 243/02, Annex I), with
//! where ENHANCE interprets each one and where each one lives in ELM 3.2 and Open Badges 3.0.
//!
//! Elements are stored by meaning, not by position: the 2020 draft the ENHANCE template quotes
//! orders them differently from the 2022 Recommendation.

use serde::{Deserialize, Serialize};

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::VariantNames,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
/// The 16 elements describing a micro-credential (Council Recommendation 2022/C 243/02, Annex I; ENHANCE §7.1–7.16), in their order.
pub enum StandardElement {
    /// 1: identification of the learner.
    Learner,
    /// 2: title of the micro-credential.
    Title,
    /// 3: country or region of the issuer.
    Country,
    /// 4: awarding body.
    AwardingBody,
    /// 5: date of issuing.
    DateOfIssuing,
    /// 6: notional workload (ECTS wherever possible).
    Workload,
    /// 7: level (and cycle) of the learning experience.
    Level,
    /// 8: learning outcomes.
    LearningOutcomes,
    /// 9: form of participation.
    FormOfParticipation,
    /// 10: prerequisites needed to enrol.
    Prerequisites,
    /// 11: type of assessment.
    Assessment,
    /// 12: supervision and identity verification during assessment.
    Supervision,
    /// 13: quality assurance.
    QualityAssurance,
    /// 14: grade achieved.
    Grade,
    /// 15: integration / stackability options.
    Stackability,
    /// 16: further information.
    FurtherInformation,
}

impl StandardElement {
    /// The 16 elements, in order.
    pub fn all() -> impl Iterator<Item = StandardElement> {
        <StandardElement as strum::IntoEnumIterator>::iter()
    }

    /// The kebab-case key used in rule profiles and findings, e.g. `awarding-body`.
    pub fn key(self) -> &'static str {
        self.into()
    }

    /// The element a key (`awarding-body`) names.
    pub fn parse(key: &str) -> Option<StandardElement> {
        StandardElement::all().find(|e| e.key() == key)
    }

    /// The number of the element in the ENHANCE template (§7.1 to §7.16).
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// Mandatory in the final 2022 Recommendation (11 are; supervision became optional).
    pub fn mandatory(self) -> bool {
        use StandardElement::*;
        !matches!(
            self,
            Prerequisites | Supervision | Grade | Stackability | FurtherInformation
        )
    }

    /// Its key, as profiles name it: `awarding-body`.
    pub fn name(self) -> &'static str {
        use StandardElement::*;
        match self {
            Learner => "Identification of the learner",
            Title => "Title of the micro-credential",
            Country => "Country(ies)/Region(s) of the issuer",
            AwardingBody => "Awarding body(ies)",
            DateOfIssuing => "Date of issuing",
            Workload => "Notional workload needed to achieve the learning outcomes",
            Level => "Level (and cycle) of the learning experience",
            LearningOutcomes => "Learning outcomes",
            FormOfParticipation => "Form of participation in the learning activity",
            Prerequisites => "Prerequisites needed to enrol in the learning activity",
            Assessment => "Type of assessment",
            Supervision => "Supervision and identity verification during assessment",
            QualityAssurance => "Type of quality assurance",
            Grade => "Grade achieved",
            Stackability => "Integration/stackability options",
            FurtherInformation => "Further information",
        }
    }

    /// Where the element lives in ELM 3.2 (Europass EDC), from `credentialSubject`.
    pub fn elm_path(self) -> &'static str {
        use StandardElement::*;
        match self {
            Learner => "Person: givenName, familyName, dateOfBirth, citizenshipCountry, identifier",
            Title => "hasClaim.title; hasClaim.specifiedBy.title",
            Country => "hasClaim.awardedBy.awardingBody.location.address.countryCode",
            AwardingBody => "hasClaim.awardedBy.awardingBody",
            DateOfIssuing => "issued; hasClaim.awardedBy.awardingDate",
            Workload => {
                "specifiedBy.creditPoint {framework ECTS, point}; specifiedBy.volumeOfLearning"
            }
            Level => "specifiedBy.eqfLevel; specifiedBy.nqfLevel",
            LearningOutcomes => "specifiedBy.learningOutcome[] (title, relatedESCOSkill, dcType)",
            FormOfParticipation => "specifiedBy.mode; specifiedBy.learningSetting",
            Prerequisites => "specifiedBy.entryRequirement",
            Assessment => "provenBy.specifiedBy.dcType",
            Supervision => "provenBy.idVerification",
            QualityAssurance => "Accreditation, else additionalNote",
            Grade => "provenBy.grade; gradingScheme",
            Stackability => "isPartOf / hasPart; isPartialQualification; additionalNote",
            FurtherInformation => "additionalNote; supplementaryDocument; homepage",
        }
    }

    /// Where the element lives in an Open Badges 3.0 `OpenBadgeCredential`.
    pub fn open_badges_path(self) -> &'static str {
        use StandardElement::*;
        match self {
            Learner => "credentialSubject.identifier[] (IdentityObject); extension: learner",
            Title => "credentialSubject.achievement.name",
            Country => "issuer.address.addressCountryCode",
            AwardingBody => "issuer (Profile); proof per awarding body",
            DateOfIssuing => "validFrom; credentialSubject.activityEndDate",
            Workload => "achievement.creditsAvailable; extension: ects, hours",
            Level => "achievement.alignment[] (EQF concept); extension: eqfLevel",
            LearningOutcomes => {
                "achievement.resultDescription / alignment[]; extension: learningOutcomes"
            }
            FormOfParticipation => "extension: mode, organisation, timeframe",
            Prerequisites => "extension: prerequisites",
            Assessment => "achievement.criteria.narrative; extension: assessment",
            Supervision => "extension: supervision",
            QualityAssurance => "extension: qualityAssurance",
            Grade => "credentialSubject.result[]; achievement.resultDescription[]",
            Stackability => "extension: stackability",
            FurtherInformation => "achievement.inLanguage, humanCode, fieldOfStudy; extension",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleven_elements_are_mandatory_in_2022() {
        assert_eq!(StandardElement::all().count(), 16);
        assert_eq!(StandardElement::all().filter(|e| e.mandatory()).count(), 11);
        assert_eq!(StandardElement::QualityAssurance.number(), 13);
        assert_eq!(
            StandardElement::parse("awarding-body"),
            Some(StandardElement::AwardingBody)
        );
    }
}
