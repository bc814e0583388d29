//! A specification's 16 EU elements in plain language, for the public catalogue page: what a
//! learner who earns the micro-credential will be awarded. The elements only a credential can
//! state (the learner, the date of issuing, the grade) say so.

use microcred_model::vocabulary::AwardingRule;
use microcred_model::{AwardingBody, awarding_bodies};
use microcred_model::{Catalogue, CourseElement, Specification, StandardElement};

fn words(name: &str) -> String {
    name.replace('-', " ")
}

fn join(parts: Vec<String>, separator: &str) -> String {
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(separator)
}

/// The name of a member university, or its id when the catalogue lacks it.
fn university_name(catalogue: &Catalogue, id: &microcred_model::UniversityId) -> String {
    catalogue
        .university(id)
        .map_or_else(|| id.to_string(), |u| u.display_name().to_owned())
}

/// A specification's course elements in its order, each with its university's name.
pub fn course_elements(
    spec: &Specification,
    catalogue: &Catalogue,
) -> Vec<(CourseElement, String)> {
    spec.elements
        .iter()
        .filter_map(|id| catalogue.element(id))
        .map(|e| (e.clone(), university_name(catalogue, &e.university)))
        .collect()
}

/// Each of the 16 elements with what the specification says of it (empty: nothing yet).
pub fn specification_elements(
    spec: &Specification,
    catalogue: &Catalogue,
    alliance_name: &str,
) -> Vec<(StandardElement, String)> {
    let bodies = awarding_bodies(spec, catalogue).unwrap_or_default();
    let body_names: Vec<String> = bodies
        .iter()
        .map(|b| match b {
            AwardingBody::University(id) => university_name(catalogue, id),
            AwardingBody::Alliance => alliance_name.to_owned(),
        })
        .collect();
    let home_university = spec
        .awarding
        .as_ref()
        .is_some_and(|a| a.rule == AwardingRule::HomeUniversity);
    let countries: Vec<String> = bodies
        .iter()
        .filter_map(|b| match b {
            AwardingBody::University(id) => catalogue.university(id),
            AwardingBody::Alliance => None,
        })
        .map(|u| u.country.english_name().to_owned())
        .collect();
    StandardElement::all()
        .map(|element| {
            use StandardElement::*;
            let value = match element {
                Learner => "Named on each learner's credential".to_owned(),
                Title => spec
                    .title
                    .as_ref()
                    .map(|t| t.en().to_owned())
                    .unwrap_or_default(),
                Country => countries.join(", "),
                AwardingBody if home_university => {
                    format!("The learner's home university: {}", body_names.join(" or "))
                }
                AwardingBody => body_names.join(", "),
                DateOfIssuing => "The day the learner met the last requirement".to_owned(),
                Workload => match (spec.workload.ects, spec.workload.hours) {
                    (Some(e), Some(h)) => format!("{e} ECTS ({h} hours)"),
                    (Some(e), None) => format!("{e} ECTS"),
                    (None, Some(h)) => format!("{h} hours"),
                    (None, None) => String::new(),
                },
                Level => {
                    let level = &spec.level;
                    let parts = join(
                        vec![
                            level
                                .eqf
                                .map(|l| format!("EQF level {}", l.get()))
                                .unwrap_or_default(),
                            level
                                .qf_ehea_cycle
                                .map(|c| format!("QF-EHEA {} cycle", words(c.name())))
                                .unwrap_or_default(),
                            level
                                .nqf
                                .as_ref()
                                .map(|n| format!("NQF {n}"))
                                .unwrap_or_default(),
                        ],
                        ", ",
                    );
                    if parts.is_empty() {
                        level
                            .not_applicable
                            .as_ref()
                            .map(|t| t.en().to_owned())
                            .unwrap_or_default()
                    } else {
                        parts
                    }
                }
                LearningOutcomes => spec
                    .learning_outcomes
                    .iter()
                    .map(|o| o.text.en().to_owned())
                    .collect::<Vec<_>>()
                    .join(" "),
                FormOfParticipation => {
                    let p = &spec.participation;
                    join(
                        vec![
                            p.mode.map(|m| words(m.name())).unwrap_or_default(),
                            p.organisation.map(|o| words(o.name())).unwrap_or_default(),
                            p.timeframe.map(|t| words(t.name())).unwrap_or_default(),
                            match (p.start, p.end) {
                                (Some(s), Some(e)) => format!("from {s} to {e}"),
                                _ => String::new(),
                            },
                        ],
                        ", ",
                    )
                }
                Prerequisites => spec
                    .prerequisites
                    .as_ref()
                    .map(|t| t.en().to_owned())
                    .unwrap_or_default(),
                Assessment => spec.assessment.as_ref().map_or_else(String::new, |a| {
                    let methods = a
                        .methods
                        .iter()
                        .map(|m| words(m.name()))
                        .collect::<Vec<_>>();
                    let description = a
                        .description
                        .as_ref()
                        .map(|d| d.en().to_owned())
                        .unwrap_or_default();
                    match (methods.is_empty(), description.is_empty()) {
                        (false, false) => format!("{}: {description}", methods.join(", ")),
                        (false, true) => methods.join(", "),
                        (true, _) => description,
                    }
                }),
                Supervision => spec
                    .assessment
                    .as_ref()
                    .and_then(|a| a.supervision)
                    .map(|s| words(s.name()))
                    .unwrap_or_default(),
                QualityAssurance => spec
                    .quality_assurance
                    .as_ref()
                    .map_or_else(String::new, |q| match &q.body {
                        Some(body) => format!("{} ({body})", words(q.kind.name())),
                        None => words(q.kind.name()),
                    }),
                Grade => spec.grading.as_ref().map_or_else(String::new, |g| {
                    format!("On each learner's credential, in the {} scheme", g.scheme)
                }),
                Stackability => spec.stackability.as_ref().map_or_else(String::new, |s| {
                    let towards = s
                        .towards
                        .iter()
                        .map(|t| t.en().to_owned())
                        .collect::<Vec<_>>();
                    if towards.is_empty() {
                        words(s.option.name())
                    } else {
                        format!("{}, towards {}", words(s.option.name()), towards.join("; "))
                    }
                }),
                FurtherInformation => {
                    let f = &spec.further_information;
                    join(
                        vec![
                            if f.languages.is_empty() {
                                String::new()
                            } else {
                                format!(
                                    "Languages: {}",
                                    f.languages
                                        .iter()
                                        .map(|l| l.english_name())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )
                            },
                            f.orientation
                                .map(|o| format!("Orientation: {}", words(o.name())))
                                .unwrap_or_default(),
                            f.target_group
                                .as_ref()
                                .map(|t| format!("Target group: {}", t.en()))
                                .unwrap_or_default(),
                            f.duration
                                .as_ref()
                                .map(|t| format!("Duration: {}", t.en()))
                                .unwrap_or_default(),
                            f.fees
                                .as_ref()
                                .map(|t| format!("Fees: {}", t.en()))
                                .unwrap_or_default(),
                        ],
                        "; ",
                    )
                }
            };
            (element, value)
        })
        .collect()
}
