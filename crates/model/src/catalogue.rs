//! The universities and course elements a specification draws on, and who awards it.

use serde::{Deserialize, Serialize};

use crate::codes::CountryCode;
use crate::course::CourseElement;
use crate::ids::{CourseElementId, UniversityId};
use crate::quantity::EctsCredits;
use crate::specification::Specification;
use crate::text::LocalizedText;
use crate::university::University;
use crate::vocabulary::{AwardingRule, TieBreak};

/// Universities and their course elements, as a catalogue file or the store holds them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// The universities: members of the alliance, or any a specification draws on.
    pub universities: Vec<University>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Their course elements.
    pub course_elements: Vec<CourseElement>,
}

impl Catalogue {
    /// The university with this id, if the catalogue has it.
    pub fn university(&self, id: &UniversityId) -> Option<&University> {
        self.universities.iter().find(|u| &u.id == id)
    }

    /// The course element with this id, if the catalogue has it.
    pub fn element(&self, id: &CourseElementId) -> Option<&CourseElement> {
        self.course_elements.iter().find(|e| &e.id == id)
    }
}

/// The alliance, as its settings describe it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alliance {
    /// Its name, in English and the members' languages.
    pub name: LocalizedText,
    /// Where the alliance is itself a legal entity (e.g. an EGTC), its seat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
}

/// Who awards a micro-credential (EU element 4): written `{ university = "wut" }` or
/// `"alliance"` in files.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AwardingBody {
    /// A member university.
    University(UniversityId),
    /// The alliance itself, where it is a legal entity.
    Alliance,
}

/// Why the awarding bodies of a specification cannot be determined.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AwardingProblem {
    #[error("no awarding policy is given: add [awarding] with a rule")]
    /// No `[awarding]` policy.
    NoPolicy,
    #[error("the rule lead-university needs `lead`, the university that led the development")]
    /// `lead-university` without its `lead`.
    NoLead,
    #[error("the lead university `{0}` is not in the catalogue")]
    /// The lead university is not in the catalogue.
    UnknownUniversity(UniversityId),
    #[error("no course elements are listed, so no university delivers any workload")]
    /// No course elements, so no university delivers any.
    NoElements,
    #[error("course element `{0}` is not in the catalogue")]
    /// A course element the catalogue lacks.
    UnknownElement(CourseElementId),
    #[error(
        "course element `{0}` has no ECTS, so the university delivering most workload cannot be determined"
    )]
    /// An element without ECTS, where workload decides.
    ElementWithoutCredits(CourseElementId),
    #[error("{} deliver the same ECTS: add `tie_break` to say which awards", list(.0))]
    /// Universities delivering the same ECTS, with no tie rule.
    Tie(Vec<UniversityId>),
}

fn list(ids: &[UniversityId]) -> String {
    ids.iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Applies the specification's awarding policy (ENHANCE §7.4) to its course elements. Where the
/// learner's home university awards, every contributing university may award (each to its own
/// students): [`crate::AwardRule`] decides for a learner.
pub fn awarding_bodies(
    spec: &Specification,
    catalogue: &Catalogue,
) -> Result<Vec<AwardingBody>, AwardingProblem> {
    let policy = spec.awarding.as_ref().ok_or(AwardingProblem::NoPolicy)?;
    let known = |id: &UniversityId| {
        catalogue
            .university(id)
            .map(|_| AwardingBody::University(id.clone()))
            .ok_or_else(|| AwardingProblem::UnknownUniversity(id.clone()))
    };
    match policy.rule {
        AwardingRule::Alliance => Ok(vec![AwardingBody::Alliance]),
        AwardingRule::LeadUniversity => Ok(vec![known(
            policy.lead.as_ref().ok_or(AwardingProblem::NoLead)?,
        )?]),
        AwardingRule::Joint | AwardingRule::HomeUniversity => {
            let universities = contributing_universities(spec, catalogue)?;
            universities.iter().map(known).collect()
        }
        AwardingRule::MostWorkload => {
            let workload = workload_by_university(spec, catalogue)?;
            let most = workload
                .iter()
                .map(|(_, ects)| *ects)
                .max()
                .ok_or(AwardingProblem::NoElements)?;
            let tied: Vec<UniversityId> = workload
                .iter()
                .filter(|(_, ects)| *ects == most)
                .map(|(u, _)| u.clone())
                .collect();
            let chosen = match (tied.as_slice(), policy.tie_break) {
                ([only], _) => only.clone(),
                (_, Some(TieBreak::FirstListed)) => tied[0].clone(),
                (_, Some(TieBreak::LeadUniversity)) => match &policy.lead {
                    Some(lead) if tied.contains(lead) => lead.clone(),
                    _ => tied[0].clone(),
                },
                (_, None) => return Err(AwardingProblem::Tie(tied)),
            };
            Ok(vec![known(&chosen)?])
        }
    }
}

/// The universities delivering the specification's elements, in order of first appearance.
pub fn contributing_universities(
    spec: &Specification,
    catalogue: &Catalogue,
) -> Result<Vec<UniversityId>, AwardingProblem> {
    if spec.elements.is_empty() {
        return Err(AwardingProblem::NoElements);
    }
    let mut universities: Vec<UniversityId> = Vec::new();
    for id in &spec.elements {
        let element = catalogue
            .element(id)
            .ok_or_else(|| AwardingProblem::UnknownElement(id.clone()))?;
        if !universities.contains(&element.university) {
            universities.push(element.university.clone());
        }
    }
    Ok(universities)
}

/// ECTS (in hundredths) delivered by each contributing university, in order of first appearance.
pub fn workload_by_university(
    spec: &Specification,
    catalogue: &Catalogue,
) -> Result<Vec<(UniversityId, u64)>, AwardingProblem> {
    let mut workload: Vec<(UniversityId, u64)> = Vec::new();
    for id in &spec.elements {
        let element = catalogue
            .element(id)
            .ok_or_else(|| AwardingProblem::UnknownElement(id.clone()))?;
        let ects: EctsCredits = element
            .ects
            .ok_or_else(|| AwardingProblem::ElementWithoutCredits(id.clone()))?;
        match workload.iter_mut().find(|(u, _)| *u == element.university) {
            Some((_, total)) => *total += u64::from(ects.hundredths()),
            None => workload.push((element.university.clone(), u64::from(ects.hundredths()))),
        }
    }
    if workload.is_empty() {
        return Err(AwardingProblem::NoElements);
    }
    Ok(workload)
}
