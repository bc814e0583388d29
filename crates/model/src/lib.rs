//! The micro-credential domain of microcred: pure data and invariants, no I/O.
//!
//! A value of these types is valid by construction: codes are real ISO codes, ECTS credits
//! are exact and plausible, EQF levels run from 1 to 8, texts have English. What a framework
//! *requires* of a specification (which elements, which ranges) is not here but in the rule
//! profiles of `microcred-rules`, so that an alliance can change it without recompiling.

mod award;
mod catalogue;
mod codes;
#[rustfmt::skip]
mod codes_tables;
mod course;
mod date;
mod element;
pub mod grade_conversion;
pub mod grading;
mod ids;
mod learner;
mod platform;
mod quantity;
mod specification;
pub mod stacking;
pub mod suggest;
mod text;
mod university;
pub mod vocabulary;

pub use award::{AwardRule, NotAwarded, RecordedResult};
pub use catalogue::{
    Alliance, AwardingBody, AwardingProblem, Catalogue, awarding_bodies, contributing_universities,
    workload_by_university,
};
pub use codes::{CodeError, CountryCode, LanguageCode};
pub use course::{Assessment, CourseElement, EscoSkill, LearningOutcome};
pub use date::{Date, DateError, Period, PeriodError};
pub use element::StandardElement;
pub use ids::{CourseElementId, IdError, SpecificationId, UniversityId};
pub use learner::{Award, Learner, StudentId};
pub use platform::{CredentialState, Grant, ReviewState, Role};
pub use quantity::{EctsCredits, EqfLevel, QuantityError, format_hundredths};
pub use specification::{
    AwardingPolicy, FurtherInformation, Grading, IscedF, Level, Participation, QualityAssurance,
    Specification, Stackability, Workload,
};
pub use text::{LocalizedText, MAX_TEXT_BYTES, TextError};
pub use university::{Identifier, University};
