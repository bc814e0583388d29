//! Awarding a micro-credential: from a specification and a learner's recorded results to an
//! [`Award`], the one place where eligibility, the date of issuing, the awarding bodies, the
//! grade and the credits are decided. Offline issuing, the platform and stacking all call it.
//!
//! - **Eligibility**: every course element of the specification has a passed result.
//! - **Date of issuing** (ENHANCE §7.5: "should correspond to the date when all requirements
//!   associated with that micro-credential are satisfied by the learner"): the latest of the
//!   elements' earliest passes.
//! - **Awarding bodies** (§7.4): the specification's policy; where the learner's home university
//!   awards (solution a), the learner's recorded home university, if it delivers some of the
//!   course elements (a student id alone does not say it: guests get one too).
//! - **Grade** (§7.14: "If grades are given, the grading system of the university that awards
//!   the micro-credential is adopted"): the overall grade recorded with the latest passed result
//!   of a course element that the *grading university* delivers. The grading university is the
//!   awarding university; for a joint award the lead university if it is one of the awarding
//!   bodies, else the first; for an award by the alliance, the lead university. Grades recorded
//!   with other universities' elements are in their schemes and do not count. Two different
//!   grades recorded for the same latest day are a conflict the registrar resolves: the learner
//!   is not awarded until then, rather than given either one.
//! - **Credits**: the specification's ECTS, earned whole.

use std::collections::HashMap;
use std::fmt;

use crate::catalogue::{AwardingBody, AwardingProblem, Catalogue, awarding_bodies};
use crate::date::Date;
use crate::grading::{GradingScheme, NotAGrade};
use crate::ids::{CourseElementId, SpecificationId, UniversityId};
use crate::learner::{Award, Learner};
use crate::quantity::EctsCredits;
use crate::specification::Specification;
use crate::stacking::{Shortfall, StackProgress};
use crate::vocabulary::AwardingRule;

/// A learner's result on one course element, as a registrar recorded it.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedResult {
    /// The course element.
    pub element: CourseElementId,
    /// Whether the learner passed it.
    pub passed: bool,
    /// The day the result was obtained.
    pub completed_on: Date,
    /// The micro-credential's overall grade, where it was recorded with this result.
    pub overall_grade: Option<String>,
}

/// Why a learner is not (yet) awarded the micro-credential.
#[derive(Clone, Debug, PartialEq)]
pub enum NotAwarded {
    /// Course elements without a passed result.
    Missing(Vec<CourseElementId>),
    /// The learner's home university awards, and the learner's recorded home university (if
    /// any) is none of the universities delivering the course elements.
    NoHomeUniversity(Vec<UniversityId>),
    /// A stacked credential's rule is not met: what is still missing.
    Unmet(Vec<Shortfall>),
    /// Different overall grades recorded for the same day.
    ConflictingGrades {
        /// The day.
        on: Date,
        /// The grades recorded for it.
        grades: Vec<String>,
    },
    /// The grade recorded is none of the grading university's scheme's grades.
    GradeNotInScheme(NotAGrade),
    /// The grade recorded with a passed result does not pass in the grading university's
    /// scheme.
    FailingGrade {
        /// The grade.
        grade: String,
        /// The scheme's name.
        scheme: String,
    },
}

impl NotAwarded {
    /// The course elements still missing (empty when something else stops the award).
    pub fn missing(&self) -> Vec<String> {
        match self {
            NotAwarded::Missing(elements) => elements.iter().map(ToString::to_string).collect(),
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for NotAwarded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotAwarded::Missing(elements) => write!(
                f,
                "no passed result for {}",
                elements
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            NotAwarded::NoHomeUniversity(universities) => write!(
                f,
                "the learner's home university awards it, and no home university among {} is recorded for the learner (the results' `home_university` column)",
                universities
                    .iter()
                    .map(|u| format!("`{u}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            NotAwarded::Unmet(shortfalls) => write!(
                f,
                "the stacking rule is not met: {}",
                shortfalls
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            NotAwarded::ConflictingGrades { on, grades } => write!(
                f,
                "overall grades {} were all recorded for {on}: correct the results so that one remains",
                grades.join(" and ")
            ),
            NotAwarded::GradeNotInScheme(not) => write!(
                f,
                "the overall grade recorded cannot be awarded: {not}; correct the results"
            ),
            NotAwarded::FailingGrade { grade, scheme } => write!(
                f,
                "the overall grade `{grade}` was recorded with a passed result but does not pass in {scheme}; correct the results"
            ),
        }
    }
}

/// How one specification is awarded, worked out once for all its learners.
#[derive(Clone, Debug)]
pub struct AwardRule {
    specification: SpecificationId,
    elements: Vec<CourseElementId>,
    /// The awarding bodies, or every university that may award when each learner's home
    /// university does.
    bodies: Vec<AwardingBody>,
    home_university: bool,
    /// The grading university where it does not depend on the learner.
    grading_university: Option<UniversityId>,
    /// Who delivers each course element.
    delivered_by: HashMap<CourseElementId, UniversityId>,
    credits: Option<EctsCredits>,
}

impl AwardRule {
    /// The rule of `spec` with the universities and course elements of `catalogue`.
    pub fn new(spec: &Specification, catalogue: &Catalogue) -> Result<AwardRule, AwardingProblem> {
        let bodies = awarding_bodies(spec, catalogue)?;
        let policy = spec.awarding.as_ref().ok_or(AwardingProblem::NoPolicy)?;
        let home_university = policy.rule == AwardingRule::HomeUniversity;
        let university = |body: &AwardingBody| match body {
            AwardingBody::University(id) => Some(id.clone()),
            AwardingBody::Alliance => None,
        };
        let grading_university = match policy.rule {
            AwardingRule::HomeUniversity => None,
            AwardingRule::Alliance => policy.lead.clone(),
            AwardingRule::Joint => match &policy.lead {
                Some(lead) if bodies.contains(&AwardingBody::University(lead.clone())) => {
                    Some(lead.clone())
                }
                _ => bodies.first().and_then(university),
            },
            AwardingRule::LeadUniversity | AwardingRule::MostWorkload => {
                bodies.first().and_then(university)
            }
        };
        let delivered_by = spec
            .elements
            .iter()
            .filter_map(|id| {
                catalogue
                    .element(id)
                    .map(|e| (id.clone(), e.university.clone()))
            })
            .collect();
        Ok(AwardRule {
            specification: spec.id.clone(),
            elements: spec.elements.clone(),
            bodies,
            home_university,
            grading_university,
            delivered_by,
            credits: spec.workload.ects,
        })
    }

    /// The course elements a learner must pass.
    pub fn elements(&self) -> &[CourseElementId] {
        &self.elements
    }

    /// Every body that may award: the awarding bodies, or each contributing university where
    /// the learner's home university awards.
    pub fn possible_awarding_bodies(&self) -> &[AwardingBody] {
        &self.bodies
    }

    /// Whether the awarding bodies depend on the learner (their home university awards).
    pub fn awarded_by_home_university(&self) -> bool {
        self.home_university
    }

    /// The awarding bodies for `learner`, in the order they sign.
    pub fn awarding_bodies_for(&self, learner: &Learner) -> Result<Vec<AwardingBody>, NotAwarded> {
        if !self.home_university {
            return Ok(self.bodies.clone());
        }
        self.bodies
            .iter()
            .find(|body| match body {
                AwardingBody::University(id) => learner.home_university.as_ref() == Some(id),
                AwardingBody::Alliance => false,
            })
            .map(|body| vec![body.clone()])
            .ok_or_else(|| {
                NotAwarded::NoHomeUniversity(
                    self.bodies
                        .iter()
                        .filter_map(|b| match b {
                            AwardingBody::University(id) => Some(id.clone()),
                            AwardingBody::Alliance => None,
                        })
                        .collect(),
                )
            })
    }

    /// Decides whether `learner` is awarded the micro-credential on `results` (rows of other
    /// specifications' elements are ignored), and with what.
    pub fn decide(
        &self,
        learner: Learner,
        results: &[RecordedResult],
    ) -> Result<Award, NotAwarded> {
        let mut first_pass: HashMap<&CourseElementId, Date> = HashMap::new();
        for result in results.iter().filter(|r| r.passed) {
            if !self.elements.contains(&result.element) {
                continue;
            }
            let day = first_pass
                .entry(&result.element)
                .or_insert(result.completed_on);
            if result.completed_on < *day {
                *day = result.completed_on;
            }
        }
        let missing: Vec<CourseElementId> = self
            .elements
            .iter()
            .filter(|e| !first_pass.contains_key(e))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(NotAwarded::Missing(missing));
        }
        let date_of_issuing = first_pass.values().max().copied();
        let bodies = self.awarding_bodies_for(&learner)?;
        let grade = match self.grading_university_of(&bodies) {
            Some(university) => self.grade(university, results)?,
            None => None,
        };
        Ok(Award {
            specification: self.specification.clone(),
            learner,
            date_of_issuing,
            awarding_bodies: bodies,
            grade,
            credits_earned: self.credits,
        })
    }

    /// Decides whether `learner` is awarded a stacked credential, on their `progress` (from
    /// [`crate::stacking::Stacking::evaluate`]): the date of issuing is the day the rule was
    /// first met; the credits are the specification's. A stacked credential states no grade
    /// of its own (its components keep theirs).
    pub fn decide_stacked(
        &self,
        learner: Learner,
        progress: &StackProgress,
    ) -> Result<Award, NotAwarded> {
        let Some(date_of_issuing) = progress.satisfied_on else {
            return Err(NotAwarded::Unmet(progress.shortfalls.clone()));
        };
        let bodies = self.awarding_bodies_for(&learner)?;
        Ok(Award {
            specification: self.specification.clone(),
            learner,
            date_of_issuing: Some(date_of_issuing),
            awarding_bodies: bodies,
            grade: None,
            credits_earned: self.credits,
        })
    }

    /// The university whose scheme grades an award by these bodies (§7.14): the awarding
    /// university's (the lead one's for a joint award or an award by the alliance).
    fn grading_university_of<'a>(&'a self, bodies: &'a [AwardingBody]) -> Option<&'a UniversityId> {
        match (&self.grading_university, bodies.first()) {
            (Some(university), _) => Some(university),
            (None, Some(AwardingBody::University(home))) if self.home_university => Some(home),
            _ => None,
        }
    }

    /// The university whose scheme an award's grade is in.
    pub fn graded_by(&self, award: &Award) -> Option<UniversityId> {
        self.grading_university_of(&award.awarding_bodies).cloned()
    }

    /// The award with its grade as the grading university's `scheme` writes it (`4,5` →
    /// `4.5`); not awarded when the grade is none of the scheme's or does not pass. Without a
    /// scheme (the university registered none) the grade stays as recorded.
    pub fn grade_in_scheme(
        &self,
        mut award: Award,
        scheme: Option<&GradingScheme>,
    ) -> Result<Award, NotAwarded> {
        if let (Some(grade), Some(scheme)) = (&award.grade, scheme) {
            let grade = scheme.grade(grade).map_err(NotAwarded::GradeNotInScheme)?;
            if !scheme.passes(&grade) {
                return Err(NotAwarded::FailingGrade {
                    grade,
                    scheme: scheme.name.clone(),
                });
            }
            award.grade = Some(grade);
        }
        Ok(award)
    }

    /// The overall grade recorded with the latest passed result of an element `university`
    /// delivers.
    fn grade(
        &self,
        university: &UniversityId,
        results: &[RecordedResult],
    ) -> Result<Option<String>, NotAwarded> {
        let graded: Vec<(&Date, &String)> = results
            .iter()
            .filter(|r| r.passed && self.delivered_by.get(&r.element) == Some(university))
            .filter_map(|r| r.overall_grade.as_ref().map(|g| (&r.completed_on, g)))
            .collect();
        let Some(latest) = graded.iter().map(|(day, _)| *day).max() else {
            return Ok(None);
        };
        let mut grades: Vec<String> = graded
            .iter()
            .filter(|(day, _)| *day == latest)
            .map(|(_, g)| (*g).clone())
            .collect();
        grades.sort();
        grades.dedup();
        match grades.len() {
            1 => Ok(grades.pop()),
            _ => Err(NotAwarded::ConflictingGrades {
                on: *latest,
                grades,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Catalogue;
    use crate::specification::AwardingPolicy;

    fn catalogue() -> Catalogue {
        serde_json::from_value(serde_json::json!({
            "universities": [
                { "id": "wut", "legal_name": { "en": "Warsaw University of Technology" }, "country": "PL" },
                { "id": "tub", "legal_name": { "en": "Technische Universität Berlin" }, "country": "DE" }
            ],
            "course_elements": [
                { "id": "wut:a", "university": "wut", "title": { "en": "A" }, "ects": 3 },
                { "id": "tub:b", "university": "tub", "title": { "en": "B" }, "ects": 3 }
            ]
        }))
        .expect("a catalogue")
    }

    fn spec(rule: AwardingRule, lead: Option<&str>) -> Specification {
        let mut spec: Specification = serde_json::from_value(serde_json::json!({
            "id": "data-literacy",
            "title": { "en": "Data literacy" },
            "elements": ["wut:a", "tub:b"],
            "workload": { "ects": 6 }
        }))
        .expect("a specification");
        spec.awarding = Some(AwardingPolicy {
            rule,
            lead: lead.map(|l| l.parse().expect("an id")),
            tie_break: None,
        });
        spec
    }

    fn learner(home: Option<&str>) -> Learner {
        serde_json::from_value(serde_json::json!({
            "given_names": "Zoë",
            "family_names": "Łukasiewicz",
            // A guest's student id at TU Berlin does not make it her home university.
            "student_ids": [{ "university": "tub", "value": "g-1" }],
            "home_university": home,
        }))
        .expect("a learner")
    }

    fn result(element: &str, passed: bool, day: &str, grade: Option<&str>) -> RecordedResult {
        RecordedResult {
            element: element.parse().expect("an id"),
            passed,
            completed_on: day.parse().expect("a date"),
            overall_grade: grade.map(str::to_owned),
        }
    }

    fn university(id: &str) -> AwardingBody {
        AwardingBody::University(id.parse().expect("an id"))
    }

    #[test]
    fn the_date_of_issuing_is_the_day_the_last_requirement_was_met() {
        let rule = AwardRule::new(
            &spec(AwardingRule::LeadUniversity, Some("wut")),
            &catalogue(),
        )
        .expect("a rule");
        let results = [
            result("wut:a", false, "2026-05-01", None),
            result("wut:a", true, "2026-06-12", Some("4.5")),
            result("wut:a", true, "2026-06-20", None),
            result("tub:b", true, "2026-06-26", None),
        ];
        let award = rule.decide(learner(None), &results).expect("awarded");
        assert_eq!(award.date_of_issuing, "2026-06-26".parse().ok());
        assert_eq!(award.awarding_bodies, [university("wut")]);
        assert_eq!(award.grade.as_deref(), Some("4.5"));
        assert_eq!(award.credits_earned, "6".parse().ok());
    }

    #[test]
    fn a_learner_missing_an_element_is_told_which() {
        let rule = AwardRule::new(
            &spec(AwardingRule::LeadUniversity, Some("wut")),
            &catalogue(),
        )
        .expect("a rule");
        let results = [
            result("wut:a", true, "2026-06-12", None),
            result("tub:b", false, "2026-06-26", None),
        ];
        let not = rule.decide(learner(None), &results).unwrap_err();
        assert_eq!(not.missing(), ["tub:b"]);
        assert_eq!(not.to_string(), "no passed result for `tub:b`");
    }

    #[test]
    fn the_grade_is_the_awarding_universitys_latest() {
        let rule = AwardRule::new(
            &spec(AwardingRule::LeadUniversity, Some("wut")),
            &catalogue(),
        )
        .expect("a rule");
        let results = [
            result("wut:a", true, "2026-06-01", Some("3.5")),
            result("wut:a", true, "2026-06-12", Some("4.5")),
            // A failed attempt's grade, and another university's scheme, do not count.
            result("wut:a", false, "2026-06-30", Some("2.0")),
            result("tub:b", true, "2026-07-01", Some("1.3")),
        ];
        let award = rule.decide(learner(None), &results).expect("awarded");
        assert_eq!(award.grade.as_deref(), Some("4.5"));
        // Awarded by TU Berlin (the lead of a joint award), TU Berlin's grade.
        let joint =
            AwardRule::new(&spec(AwardingRule::Joint, Some("tub")), &catalogue()).expect("a rule");
        let award = joint.decide(learner(None), &results).expect("awarded");
        assert_eq!(award.grade.as_deref(), Some("1.3"));
        assert_eq!(
            award.awarding_bodies,
            [university("wut"), university("tub")]
        );
        // The alliance has no grading system of its own: its lead university's, or none.
        let alliance =
            AwardRule::new(&spec(AwardingRule::Alliance, None), &catalogue()).expect("a rule");
        assert_eq!(
            alliance.decide(learner(None), &results).unwrap().grade,
            None
        );
    }

    #[test]
    fn the_grade_is_written_and_checked_in_the_grading_universitys_scheme() {
        let joint =
            AwardRule::new(&spec(AwardingRule::Joint, Some("tub")), &catalogue()).expect("a rule");
        let de = GradingScheme::preset("de").expect("a preset");
        let graded = |grade: &str| {
            let results = [
                result("wut:a", true, "2026-06-01", Some("4,5")),
                result("tub:b", true, "2026-07-01", Some(grade)),
            ];
            let award = joint.decide(learner(None), &results).expect("awarded");
            assert_eq!(joint.graded_by(&award), "tub".parse().ok());
            joint.grade_in_scheme(award, Some(&de))
        };
        assert_eq!(graded("1,3").unwrap().grade.as_deref(), Some("1.3"));
        assert_eq!(
            graded("1.4").unwrap_err().to_string(),
            "the overall grade recorded cannot be awarded: `1.4` is not a grade of German scale 1.0–5.0: one of 1.0, 1.3, 1.7, 2.0, 2.3, 2.7, 3.0, 3.3, 3.7, 4.0, 5.0 (best first; 4.0 is the lowest pass); correct the results"
        );
        assert!(matches!(
            graded("5.0"),
            Err(NotAwarded::FailingGrade { .. })
        ));
        // Without a registered scheme the grade stays as recorded.
        let results = [
            result("wut:a", true, "2026-06-01", None),
            result("tub:b", true, "2026-07-01", Some("1,3")),
        ];
        let award = joint.decide(learner(None), &results).expect("awarded");
        assert_eq!(
            joint.grade_in_scheme(award, None).unwrap().grade.as_deref(),
            Some("1,3")
        );
    }

    #[test]
    fn two_grades_for_the_same_day_stop_the_award() {
        let rule = AwardRule::new(
            &spec(AwardingRule::LeadUniversity, Some("wut")),
            &catalogue(),
        )
        .expect("a rule");
        let results = [
            result("wut:a", true, "2026-06-12", Some("4.5")),
            result("wut:a", true, "2026-06-12", Some("4.0")),
            result("tub:b", true, "2026-06-26", None),
        ];
        let not = rule.decide(learner(None), &results).unwrap_err();
        assert_eq!(
            not,
            NotAwarded::ConflictingGrades {
                on: "2026-06-12".parse().unwrap(),
                grades: vec!["4.0".into(), "4.5".into()]
            }
        );
    }

    #[test]
    fn the_home_university_awards_to_its_own_students_only() {
        let rule = AwardRule::new(&spec(AwardingRule::HomeUniversity, None), &catalogue())
            .expect("a rule");
        assert!(rule.awarded_by_home_university());
        assert_eq!(
            rule.possible_awarding_bodies(),
            [university("wut"), university("tub")]
        );
        let results = [
            result("wut:a", true, "2026-06-12", Some("4.5")),
            result("tub:b", true, "2026-06-26", Some("1.3")),
        ];
        let award = rule
            .decide(learner(Some("tub")), &results)
            .expect("awarded");
        assert_eq!(award.awarding_bodies, [university("tub")]);
        assert_eq!(award.grade.as_deref(), Some("1.3"));
        let not = rule.decide(learner(None), &results).unwrap_err();
        assert_eq!(
            not,
            NotAwarded::NoHomeUniversity(vec!["wut".parse().unwrap(), "tub".parse().unwrap()])
        );
    }

    #[test]
    fn a_stacked_credential_is_awarded_on_the_day_its_rule_was_met() {
        use crate::stacking::{HeldComponent, HeldKind, Stacking, Standing};
        let mut spec: Specification = serde_json::from_value(serde_json::json!({
            "id": "label",
            "typology": "stacked-certificate",
            "workload": { "ects": 6 },
            "awarding": { "rule": "lead-university", "lead": "tub" },
            "stacking": { "pools": [{ "id": "all", "components": [
                { "specification": "a" }, { "specification": "b" } ] }] }
        }))
        .expect("a specification");
        let rule = AwardRule::new(&spec, &catalogue()).expect("a rule");
        let stacking: Stacking = spec.stacking.take().expect("a rule");
        let held = |id: &str, day: &str| HeldComponent {
            credential: format!("urn:{id}"),
            kind: HeldKind::Specification(id.parse().unwrap()),
            awarded_on: day.parse().unwrap(),
            ects: None,
            standing: Standing::Valid { until: None },
            grade: None,
        };
        let today = "2026-09-01".parse().unwrap();
        let partial = stacking.evaluate(&[held("a", "2026-03-01")], today);
        let not = rule.decide_stacked(learner(None), &partial).unwrap_err();
        assert_eq!(
            not.to_string(),
            "the stacking rule is not met: `all`: 1 of the 2 components needed count"
        );
        let done = stacking.evaluate(&[held("a", "2026-03-01"), held("b", "2026-07-14")], today);
        let award = rule.decide_stacked(learner(None), &done).unwrap();
        assert_eq!(award.date_of_issuing, Some("2026-07-14".parse().unwrap()));
        assert_eq!(award.awarding_bodies, vec![university("tub")]);
        assert_eq!(
            (award.grade, award.credits_earned.map(|c| c.hundredths())),
            (None, Some(600))
        );
    }
}
