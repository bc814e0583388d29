//! The controlled vocabularies of the standard and the two frameworks.
//!
//! Each value is written in files in kebab-case (`service-based-badge`); `name()` gives that
//! same word, so rules and projections never spell a value differently from the files.

use serde::{Deserialize, Serialize};

/// Derives shared by every vocabulary enum. Kept as a list in one place so that serde and
/// strum always agree on the kebab-case spelling.
macro_rules! vocabulary {
    ($(#[$doc:meta])* pub enum $name:ident { $($(#[$vdoc:meta])* $variant:ident,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
                 schemars::JsonSchema, strum::IntoStaticStr, strum::VariantNames, strum::EnumString)]
        #[serde(rename_all = "kebab-case")]
        #[strum(serialize_all = "kebab-case")]
        // A value's name is its definition (the enum's comment says whose vocabulary it is);
        // values that need more say it.
        #[allow(missing_docs)]
        pub enum $name { $($(#[$vdoc])* $variant,)+ }

        impl $name {
            /// The value as written in files, e.g. `self-paced`.
            pub fn name(self) -> &'static str {
                self.into()
            }
            /// Every value as written in files.
            pub fn names() -> &'static [&'static str] {
                <Self as strum::VariantNames>::VARIANTS
            }
            /// The value a name gives, as written in files.
            pub fn parse(name: &str) -> Option<Self> {
                name.parse().ok()
            }
        }
    };
}

vocabulary! {
    /// ENHANCE typology (template §5, §7.2, Annex 2): two types, each with two sub-types.
    pub enum Typology {
        /// Certificate of academic achievement: ECTS and EQF 5–8, formal summative assessment.
        AcademicCertificate,
        /// Certificate of specialisation / professional achievement, mostly for life-long learners.
        SpecialisationCertificate,
        /// Badge of achievement: no ECTS, EQF optional (5–7), may be awarded on participation.
        AchievementBadge,
        /// Badge for service-based learning and volunteering: no ECTS, no EQF, task completion.
        ServiceBasedBadge,
        /// A larger certificate awarded for stacked micro-credentials (§7.15; the proposal's
        /// "ENHANCE Label in data literacy", RWTH's Micro-Bachelor): its requirements are other
        /// micro-credentials, never a degree.
        StackedCertificate,
    }
}

impl Typology {
    /// `certificate` or `badge`, the formal name of the type (template §5).
    pub fn kind(self) -> &'static str {
        match self {
            Typology::AcademicCertificate
            | Typology::SpecialisationCertificate
            | Typology::StackedCertificate => "certificate",
            Typology::AchievementBadge | Typology::ServiceBasedBadge => "badge",
        }
    }

    /// The informational sub-type: `academic`, `specialisation`, `achievement`, `service-based`.
    pub fn subtype(self) -> &'static str {
        match self {
            Typology::AcademicCertificate => "academic",
            Typology::SpecialisationCertificate => "specialisation",
            Typology::AchievementBadge => "achievement",
            Typology::ServiceBasedBadge => "service-based",
            Typology::StackedCertificate => "stacked",
        }
    }
}

vocabulary! {
    /// EQF descriptor categories used to classify learning outcomes (ENHANCE §7.8).
    pub enum OutcomeCategory {
        Knowledge,
        Skills,
        ResponsibilityAndAutonomy,
    }
}

vocabulary! {
    /// Mode of delivery (ENHANCE §7.9 a). `hybrid`: the learner chooses on-site/blended or online.
    pub enum Mode {
        Onsite,
        Online,
        Blended,
        Hybrid,
    }
}

vocabulary! {
    /// Organisation of the learning activity (ENHANCE §7.9 b).
    pub enum Organisation {
        Course,
        Mooc,
        GroupOfCourses,
        ShortLearningProgramme,
        Training,
        Workshop,
        Bootcamp,
        SummerSchool,
        ServiceBasedLearning,
        Volunteering,
        WorkExperience,
        Project,
        Other,
    }
}

vocabulary! {
    /// Timeframe of the learning activity (ENHANCE §7.9 c).
    pub enum Timeframe {
        Fixed,
        SelfPaced,
    }
}

vocabulary! {
    /// Type of assessment (EU element 11; ENHANCE §7.11 and Annex 2).
    pub enum AssessmentMethod {
        WrittenExam,
        OralExam,
        OnlineTest,
        Project,
        Portfolio,
        Presentation,
        /// Application of a skill in a practical task.
        PracticalAssignment,
        PeerAssessment,
        SelfAssessment,
        RecognitionOfPriorLearning,
        /// Awarded on participation in the learning activity (badges only).
        Participation,
        /// Awarded on completion of a task (badges).
        TaskCompletion,
        /// Automated verification of completion of task requirements.
        AutomatedTaskVerification,
        Other,
    }
}

impl AssessmentMethod {
    /// Whether the method is a test or examination, for which ENHANCE §7.12 asks that the
    /// supervision and identity verification be described.
    pub fn is_examination(self) -> bool {
        matches!(
            self,
            AssessmentMethod::WrittenExam
                | AssessmentMethod::OralExam
                | AssessmentMethod::OnlineTest
        )
    }
}

vocabulary! {
    /// Supervision and identity verification during assessment (EU element 12: its three values).
    pub enum Supervision {
        UnsupervisedNoIdVerification,
        SupervisedNoIdVerification,
        /// Supervised online or on-site, with identity verification.
        SupervisedWithIdVerification,
    }
}

vocabulary! {
    /// Type of quality assurance underpinning the micro-credential (EU element 13; ENHANCE §7.13).
    pub enum QualityAssuranceType {
        /// The awarding university's internal procedures, as for its degree programmes.
        Internal,
        /// A national quality assurance mechanism or agency.
        National,
        /// An international agency or label (e.g. ASIIN, ENAEE/EUR-ACE).
        International,
        Other,
    }
}

vocabulary! {
    /// Integration / stackability options (EU element 15).
    pub enum StackabilityOption {
        /// A stand-alone, independent micro-credential.
        StandAlone,
        /// Integrated: stackable towards another credential.
        Stackable,
    }
}

vocabulary! {
    /// Cycle of the Overarching Framework of Qualifications of the EHEA.
    pub enum QfEheaCycle {
        ShortCycle,
        First,
        Second,
        Third,
    }
}

vocabulary! {
    /// General orientation / profile (ENHANCE §7.16).
    pub enum Orientation {
        Academic,
        Research,
        Professional,
        TransversalSkills,
        GeneralInterest,
    }
}

vocabulary! {
    /// Who awards the micro-credential (ENHANCE §7.4; EU element 4).
    pub enum AwardingRule {
        /// The university that led the development (ENHANCE §7.4 b).
        LeadUniversity,
        /// The university delivering most of the workload, in ECTS (ENHANCE §7.4 c).
        MostWorkload,
        /// The alliance itself, where it is a legal entity that can award.
        Alliance,
        /// Every contributing university, jointly (one proof per university).
        Joint,
        /// The learner's home university, among those delivering its course elements
        /// (ENHANCE §7.4 a; ENHANCE itself does not adopt it, other alliances may).
        HomeUniversity,
    }
}

vocabulary! {
    /// How `most-workload` decides between universities that deliver the same ECTS.
    pub enum TieBreak {
        /// The lead university among the tied ones; else the first tied one listed.
        LeadUniversity,
        /// The tied university whose element comes first in the specification.
        FirstListed,
    }
}

vocabulary! {
    /// Kinds of identifiers of a university.
    pub enum IdentifierScheme {
        /// Erasmus code, e.g. `PL WARSZAW02`.
        Erasmus,
        /// EU Participant Identification Code.
        Pic,
        Ror,
        Schac,
        /// A national register number.
        National,
        /// The eIDAS legal-person identifier used for e-seals.
        Eidas,
        Other,
    }
}

vocabulary! {
    /// Learning dimensions EuroTeQ recommends a micro-credential to entail (D2.7, definition).
    pub enum LearningDimension {
        Intercultural,
        Interdisciplinary,
        Entrepreneurial,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_spelling_and_name_agree() {
        for (value, word) in [
            (
                Typology::ServiceBasedBadge.name(),
                "\"service-based-badge\"",
            ),
            (Timeframe::SelfPaced.name(), "\"self-paced\""),
        ] {
            assert_eq!(format!("\"{value}\""), word);
        }
        assert_eq!(
            serde_json::to_string(&Supervision::SupervisedWithIdVerification).unwrap(),
            format!("\"{}\"", Supervision::SupervisedWithIdVerification.name())
        );
        assert!(Mode::names().contains(&"hybrid"));
        assert_eq!(Typology::SpecialisationCertificate.kind(), "certificate");
    }
}
