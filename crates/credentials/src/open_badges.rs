//! The Open Badges 3.0 projection of an awarded micro-credential: an `OpenBadgeCredential`
//! (W3C VC 2.0) carrying all 16 elements of the EU standard. What OB 3.0 has a place for goes
//! there (issuer and its country, validFrom/awardedDate, creditsAvailable, alignments to EQF
//! and ESCO, results); the rest goes into the `EUMicroCredential` node of our extension context
//! (`https://w3id.org/microcred/v1`), whose terms map to the European Learning Model where it
//! has them.

use microcred_model::grade_conversion::GradeDistribution;
use microcred_model::grading::{Grades, GradingScheme};
use microcred_model::stacking::ComponentGrade;
use microcred_model::{
    Alliance, Award, Catalogue, CountryCode, CourseElement, LocalizedText, Specification,
    format_hundredths,
};
use serde_json::{Map, Value, json};

use crate::datetime::DateTime;
use crate::jsonld::bundled::{CREDENTIALS_V2, MICROCRED_V1, OPEN_BADGES_V3};
use crate::statement::read_statement;

/// An awarding body as a credential names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuerProfile {
    /// Its DID (`did:web:…` or `did:key:…`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its country (EU element 3).
    pub country: Option<CountryCode>,
    /// Its web site.
    pub url: Option<String>,
    /// Where its logo is (PNG or JPEG), named as the profile's `image`.
    pub image: Option<String>,
}

/// Everything the credential states, gathered by the issuing use case.
#[derive(Clone, Debug)]
pub struct AwardedMicroCredential<'a> {
    /// The specification awarded.
    pub specification: &'a Specification,
    /// Where the specification's course elements and universities are.
    pub catalogue: &'a Catalogue,
    /// The award decided for the learner.
    pub award: &'a Award,
    /// The issuer: the first awarding body.
    pub issuer: &'a IssuerProfile,
    /// Every awarding body, the issuer first (more than one for a joint award).
    pub awarding_bodies: &'a [IssuerProfile],
    /// The alliance, named beside the awarding body.
    pub alliance: Option<&'a Alliance>,
    /// `urn:uuid:…` or the credential's URL.
    pub credential_id: &'a str,
    /// The specification version's URL (or URN): the achievement's id.
    pub achievement_id: &'a str,
    /// The specification's version number.
    pub specification_version: Option<&'a str>,
    /// `credentialStatus` entries (Bitstring Status List), if any.
    pub status: &'a [Value],
    /// When it expires, if it does.
    pub valid_until: Option<DateTime>,
    /// For a stacked credential, the components it was awarded for (else empty).
    pub components: &'a [ComponentEvidence],
    /// The grading university's scheme, where it registered one: the grade's possible values
    /// and its pass mark are stated with the grade.
    pub grading_scheme: Option<&'a GradingScheme>,
    /// The grading university's grade distribution table for the specification's field and
    /// cycle, where one is large enough: where the grade stands among its peers (EDC).
    pub grade_distribution: Option<&'a GradeDistribution>,
}

/// A component a stacked credential was awarded for, as the credential references it: an
/// `evidence` entry (what, by whom, when) and a `relatedResource` with the digest of the
/// component's document, so that the set is tamper-evident without being embedded.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentEvidence {
    /// The component credential's id (`urn:uuid:…` or its URL).
    pub id: String,
    /// What it awards.
    pub name: String,
    /// Who issued it (its name).
    pub issuer: String,
    /// The issuer's id (DID or URL), as the component names it.
    pub issuer_id: String,
    /// The member university that issued it, when one did.
    pub university: Option<microcred_model::UniversityId>,
    /// Another issuer's country, where the stacking rule names it.
    pub country: Option<microcred_model::CountryCode>,
    /// The day it was awarded.
    pub awarded_on: microcred_model::Date,
    /// `digestMultibase` of the component document ([`crate::vc::component_digest`]).
    pub digest_multibase: String,
    /// Its grade as the stacked rule's minimum grade read it: as awarded with its scheme, and
    /// converted (none where the rule asks no minimum grade).
    pub grade: Option<ComponentGrade>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
/// Why an award cannot be stated as a credential.
// Each variant is described by its `#[error]` message.
#[allow(missing_docs)]
pub enum ProjectionError {
    #[error("the award has no date of issuing (element 5): the day the last requirement was met")]
    NoDateOfIssuing,
    #[error("the specification has no title (element 2)")]
    NoTitle,
}

/// The scheme's values in a `ResultDescription` (Open Badges 3.0): the values a grade may take,
/// lowest first as the standard asks (`allowedValue`), or the range (`valueMin`, `valueMax`),
/// and the lowest pass as `requiredValue`.
fn describe_scheme(description: &mut Value, scheme: &GradingScheme) {
    let Some(object) = description.as_object_mut() else {
        return;
    };
    object.insert("name".into(), format!("Grade ({})", scheme.name).into());
    match &scheme.grades {
        Grades::Listed { grades, .. } => {
            let lowest_first: Vec<&String> = grades.iter().rev().collect();
            object.insert("allowedValue".into(), json!(lowest_first));
        }
        Grades::Range { best, worst, .. } => {
            let (min, max) = if best < worst {
                (scheme.best(), scheme.worst())
            } else {
                (scheme.worst(), scheme.best())
            };
            object.insert("valueMin".into(), min.into());
            object.insert("valueMax".into(), max.into());
        }
        Grades::PassFail => {
            object.insert("allowedValue".into(), json!(["fail", "pass"]));
        }
    }
    object.insert("requiredValue".into(), scheme.lowest_pass().into());
}

fn language_map(text: &LocalizedText) -> Value {
    let map: Map<String, Value> = text
        .iter()
        .map(|(language, t)| (language.as_str().to_owned(), Value::String(t.to_owned())))
        .collect();
    Value::Object(map)
}

fn insert_text(map: &mut Map<String, Value>, key: &str, text: Option<&LocalizedText>) {
    if let Some(text) = text {
        map.insert(key.into(), language_map(text));
    }
}

fn insert(map: &mut Map<String, Value>, key: &str, value: Option<impl Into<Value>>) {
    if let Some(value) = value {
        map.insert(key.into(), value.into());
    }
}

fn issuer_profile(profile: &IssuerProfile) -> Value {
    let mut issuer = Map::new();
    issuer.insert("id".into(), profile.id.clone().into());
    issuer.insert("type".into(), json!(["Profile"]));
    issuer.insert("name".into(), profile.name.clone().into());
    insert(&mut issuer, "url", profile.url.clone());
    if let Some(image) = &profile.image {
        issuer.insert(
            "image".into(),
            json!({ "id": image, "type": "Image", "caption": format!("Logo of {}", profile.name) }),
        );
    }
    if let Some(country) = profile.country {
        issuer.insert(
            "address".into(),
            json!({
                "type": ["Address"],
                "addressCountry": country.english_name(),
                "addressCountryCode": country.as_str(),
            }),
        );
    }
    Value::Object(issuer)
}

fn university_name(catalogue: &Catalogue, element: &CourseElement) -> String {
    catalogue
        .university(&element.university)
        .map(|u| u.display_name().to_owned())
        .unwrap_or_else(|| element.university.to_string())
}

fn course_element(catalogue: &Catalogue, element: &CourseElement) -> Value {
    let mut node = Map::new();
    node.insert("type".into(), "CourseElement".into());
    node.insert("title".into(), language_map(&element.title));
    node.insert(
        "deliveredBy".into(),
        university_name(catalogue, element).into(),
    );
    insert(&mut node, "courseCode", element.code.clone());
    insert(
        &mut node,
        "ectsCredits",
        element.ects.map(|e| format_hundredths(e.hundredths())),
    );
    insert(&mut node, "workloadHours", element.hours);
    insert(&mut node, "eqfLevel", element.eqf.map(|l| l.concept_uri()));
    Value::Object(node)
}

/// The natural-language criteria: what the learner did to earn it.
fn criteria(spec: &Specification, elements: &[&CourseElement], catalogue: &Catalogue) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !elements.is_empty() {
        let list: Vec<String> = elements
            .iter()
            .map(|e| {
                let ects = e
                    .ects
                    .map(|c| format!(", {} ECTS", format_hundredths(c.hundredths())))
                    .unwrap_or_default();
                format!("{} ({}{ects})", e.title.en(), university_name(catalogue, e))
            })
            .collect();
        parts.push(format!("Successful completion of: {}.", list.join("; ")));
    }
    if let Some(assessment) = &spec.assessment
        && !assessment.methods.is_empty()
    {
        let methods: Vec<String> = assessment
            .methods
            .iter()
            .map(|m| m.name().replace('-', " "))
            .collect();
        parts.push(format!("Assessed by: {}.", methods.join(", ")));
    }
    if !spec.learning_outcomes.is_empty() {
        let outcomes: Vec<&str> = spec.learning_outcomes.iter().map(|o| o.text.en()).collect();
        parts.push(format!(
            "Learning outcomes achieved: {}",
            outcomes.join(" ")
        ));
    }
    if parts.is_empty() {
        "Completion of the requirements of this micro-credential.".into()
    } else {
        parts.join(" ")
    }
}

fn description(
    spec: &Specification,
    issuer: &IssuerProfile,
    alliance: Option<&Alliance>,
) -> String {
    if let Some(description) = &spec.description {
        return description.en().to_owned();
    }
    let kind = spec
        .typology
        .map(|t| format!("{} ({}) micro-credential", t.kind(), t.subtype()))
        .unwrap_or_else(|| "micro-credential".into());
    let size = spec
        .workload
        .ects
        .map(|e| format!(" of {} ECTS", format_hundredths(e.hundredths())))
        .unwrap_or_default();
    let level = spec
        .level
        .eqf
        .map(|l| format!(" at EQF level {}", l.get()))
        .unwrap_or_default();
    let on_behalf = alliance
        .map(|a| format!(" on behalf of {}", a.name.en()))
        .unwrap_or_default();
    format!(
        "A {kind}{size}{level}, awarded by {}{on_behalf}.",
        issuer.name
    )
}

/// The EU elements OB 3.0 has no place for, as an `EUMicroCredential` node.
fn eu_elements(
    spec: &Specification,
    elements: &[&CourseElement],
    awarded: &AwardedMicroCredential<'_>,
) -> Value {
    let mut eu = Map::new();
    eu.insert("type".into(), "EUMicroCredential".into());
    insert(&mut eu, "typology", spec.typology.map(|t| t.name()));
    insert_text(&mut eu, "title", spec.title.as_ref());
    insert_text(&mut eu, "summary", spec.description.as_ref());
    insert_text(
        &mut eu,
        "combinationRationale",
        spec.combination_rationale.as_ref(),
    );
    if !spec.learning_outcomes.is_empty() {
        let outcomes: Vec<Value> = spec
            .learning_outcomes
            .iter()
            .map(|outcome| {
                let mut node = Map::new();
                node.insert("type".into(), "LearningOutcome".into());
                node.insert("text".into(), language_map(&outcome.text));
                insert(
                    &mut node,
                    "outcomeCategory",
                    outcome.category.map(|c| c.name()),
                );
                if !outcome.esco_skills.is_empty() {
                    let skills: Vec<Value> = outcome
                        .esco_skills
                        .iter()
                        .map(|s| s.as_str().into())
                        .collect();
                    node.insert("relatedESCOSkill".into(), skills.into());
                }
                Value::Object(node)
            })
            .collect();
        eu.insert("learningOutcome".into(), outcomes.into());
    }
    insert(
        &mut eu,
        "ectsCredits",
        spec.workload
            .ects
            .map(|e| format_hundredths(e.hundredths())),
    );
    insert(&mut eu, "workloadHours", spec.workload.hours);
    insert(&mut eu, "eqfLevel", spec.level.eqf.map(|l| l.concept_uri()));
    insert(
        &mut eu,
        "qfEheaCycle",
        spec.level.qf_ehea_cycle.map(|c| c.name()),
    );
    insert(&mut eu, "nqfLevel", spec.level.nqf.clone());
    insert_text(
        &mut eu,
        "levelNotApplicable",
        spec.level.not_applicable.as_ref(),
    );
    let participation = &spec.participation;
    insert(
        &mut eu,
        "participationMode",
        participation.mode.map(|m| m.name()),
    );
    insert(
        &mut eu,
        "participationOrganisation",
        participation.organisation.map(|o| o.name()),
    );
    insert(
        &mut eu,
        "participationTimeframe",
        participation.timeframe.map(|t| t.name()),
    );
    insert(
        &mut eu,
        "startDate",
        participation.start.map(|d| d.to_string()),
    );
    insert(&mut eu, "endDate", participation.end.map(|d| d.to_string()));
    insert_text(&mut eu, "prerequisites", spec.prerequisites.as_ref());
    if let Some(assessment) = &spec.assessment {
        if !assessment.methods.is_empty() {
            let methods: Vec<Value> = assessment.methods.iter().map(|m| m.name().into()).collect();
            eu.insert("assessmentMethod".into(), methods.into());
        }
        insert_text(
            &mut eu,
            "assessmentDescription",
            assessment.description.as_ref(),
        );
        insert(
            &mut eu,
            "supervision",
            assessment.supervision.map(|s| s.name()),
        );
    }
    if let Some(qa) = &spec.quality_assurance {
        let mut node = Map::new();
        node.insert("type".into(), "QualityAssurance".into());
        node.insert("qualityAssuranceType".into(), qa.kind.name().into());
        insert(&mut node, "responsibleBody", qa.body.clone());
        insert(&mut node, "reference", qa.reference.clone());
        insert_text(&mut node, "details", qa.description.as_ref());
        eu.insert("qualityAssurance".into(), Value::Object(node));
    }
    if let Some(grading) = &spec.grading {
        eu.insert("gradingScheme".into(), grading.scheme.clone().into());
        insert_text(&mut eu, "gradingDescription", grading.description.as_ref());
    }
    if let Some(stackability) = &spec.stackability {
        eu.insert("stackability".into(), stackability.option.name().into());
        if !stackability.towards.is_empty() {
            // A language map whose values are lists: every target in every language given.
            let mut by_language: Map<String, Value> = Map::new();
            for target in &stackability.towards {
                for (language, text) in target.iter() {
                    let entry = by_language
                        .entry(language.as_str())
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(list) = entry {
                        list.push(text.into());
                    }
                }
            }
            eu.insert("stackableTowards".into(), Value::Object(by_language));
        }
    }
    let info = &spec.further_information;
    insert(&mut eu, "orientation", info.orientation.map(|o| o.name()));
    insert_text(&mut eu, "targetGroup", info.target_group.as_ref());
    if !info.languages.is_empty() {
        let languages: Vec<Value> = info.languages.iter().map(|l| l.as_str().into()).collect();
        eu.insert("instructionLanguage".into(), languages.into());
    }
    insert_text(&mut eu, "availability", info.availability.as_ref());
    insert_text(&mut eu, "duration", info.duration.as_ref());
    insert_text(&mut eu, "fees", info.fees.as_ref());
    insert_text(&mut eu, "documentForm", info.document_form.as_ref());
    insert_text(&mut eu, "partnerships", info.partnerships.as_ref());
    insert_text(&mut eu, "appreciation", info.appreciation.as_ref());
    insert(
        &mut eu,
        "iscedF",
        info.isced_f.as_ref().map(|c| c.concept_uri()),
    );
    insert(&mut eu, "homepage", info.homepage.clone());
    if let Some(policy) = &spec.awarding {
        eu.insert("awardingPolicy".into(), policy.rule.name().into());
    }
    let bodies: Vec<Value> = awarded
        .awarding_bodies
        .iter()
        .map(|b| b.id.clone().into())
        .collect();
    eu.insert("awardingBody".into(), bodies.into());
    if !spec.learning_dimensions.is_empty() {
        let dimensions: Vec<Value> = spec
            .learning_dimensions
            .iter()
            .map(|d| d.name().into())
            .collect();
        eu.insert("learningDimension".into(), dimensions.into());
    }
    if !elements.is_empty() {
        let nodes: Vec<Value> = elements
            .iter()
            .map(|e| course_element(awarded.catalogue, e))
            .collect();
        eu.insert("courseElement".into(), nodes.into());
    }
    Value::Object(eu)
}

fn learner(award: &Award, catalogue: &Catalogue) -> (String, Value, Vec<Value>) {
    let learner = &award.learner;
    let full_name = format!("{} {}", learner.given_names, learner.family_names);
    let mut node = Map::new();
    node.insert("type".into(), "LearnerIdentification".into());
    node.insert("givenNames".into(), learner.given_names.clone().into());
    node.insert("familyNames".into(), learner.family_names.clone().into());
    insert(
        &mut node,
        "birthDate",
        learner.date_of_birth.map(|d| d.to_string()),
    );
    if !learner.nationality.is_empty() {
        let codes: Vec<Value> = learner
            .nationality
            .iter()
            .map(|c| c.as_str().into())
            .collect();
        node.insert("nationality".into(), codes.into());
    }
    let mut identifiers = vec![json!({
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": false,
        "identityHash": full_name,
    })];
    if !learner.student_ids.is_empty() {
        let ids: Vec<Value> = learner
            .student_ids
            .iter()
            .map(|id| {
                let university = catalogue
                    .university(&id.university)
                    .map(|u| u.display_name().to_owned())
                    .unwrap_or_else(|| id.university.to_string());
                identifiers.push(json!({
                    "type": "IdentityObject",
                    "identityType": "sisSourcedId",
                    "hashed": false,
                    "identityHash": id.value,
                }));
                json!({ "type": "StudentIdentifier", "university": university, "identifier": id.value })
            })
            .collect();
        node.insert("studentId".into(), ids.into());
    }
    (full_name, Value::Object(node), identifiers)
}

/// The unsigned `OpenBadgeCredential` of an awarded micro-credential.
pub fn open_badge_credential(
    awarded: &AwardedMicroCredential<'_>,
) -> Result<Value, ProjectionError> {
    let spec = awarded.specification;
    let title = spec.title.as_ref().ok_or(ProjectionError::NoTitle)?;
    let issued = awarded
        .award
        .date_of_issuing
        .ok_or(ProjectionError::NoDateOfIssuing)?;
    let issued = format!("{issued}T00:00:00Z");
    let elements: Vec<&CourseElement> = spec
        .elements
        .iter()
        .filter_map(|id| awarded.catalogue.element(id))
        .collect();

    let mut achievement = Map::new();
    achievement.insert("id".into(), awarded.achievement_id.into());
    achievement.insert("type".into(), json!(["Achievement"]));
    achievement.insert("achievementType".into(), "MicroCredential".into());
    achievement.insert("name".into(), title.en().into());
    achievement.insert(
        "description".into(),
        description(spec, awarded.issuer, awarded.alliance).into(),
    );
    achievement.insert(
        "criteria".into(),
        json!({ "narrative": criteria(spec, &elements, awarded.catalogue) }),
    );
    if let Some(ects) = spec.workload.ects {
        achievement.insert("creditsAvailable".into(), json!(ects.as_f64()));
    }
    insert(
        &mut achievement,
        "fieldOfStudy",
        spec.further_information
            .isced_f
            .as_ref()
            .map(|c| c.as_str().to_owned()),
    );
    insert(
        &mut achievement,
        "inLanguage",
        spec.further_information
            .languages
            .first()
            .map(|l| l.as_str()),
    );
    insert(
        &mut achievement,
        "version",
        awarded.specification_version.map(str::to_owned),
    );
    let mut alignments = Vec::new();
    if let Some(eqf) = spec.level.eqf {
        alignments.push(json!({
            "type": ["Alignment"],
            "targetName": format!("EQF level {}", eqf.get()),
            "targetUrl": eqf.concept_uri(),
            "targetFramework": "European Qualifications Framework",
            "targetType": "ext:EQFLevel",
        }));
    }
    for outcome in &spec.learning_outcomes {
        for skill in &outcome.esco_skills {
            alignments.push(json!({
                "type": ["Alignment"],
                "targetName": outcome.text.en(),
                "targetUrl": skill.as_str(),
                "targetFramework": "ESCO",
                "targetType": "ext:ESCOSkill",
            }));
        }
    }
    if !alignments.is_empty() {
        achievement.insert("alignment".into(), alignments.into());
    }
    let grade_description = format!("{}#grade", awarded.achievement_id);
    if let Some(grading) = &spec.grading {
        let mut description = json!({
            "id": grade_description,
            "type": ["ResultDescription"],
            "name": format!("Grade ({})", grading.scheme),
            "resultType": "Result",
        });
        if let Some(scheme) = awarded.grading_scheme {
            describe_scheme(&mut description, scheme);
        }
        achievement.insert("resultDescription".into(), json!([description]));
    }
    achievement.insert(
        "euMicroCredential".into(),
        eu_elements(spec, &elements, awarded),
    );

    let (full_name, learner_node, identifiers) = learner(awarded.award, awarded.catalogue);
    let mut subject = Map::new();
    subject.insert("type".into(), json!(["AchievementSubject"]));
    subject.insert("name".into(), full_name.into());
    subject.insert("identifier".into(), identifiers.into());
    subject.insert("achievement".into(), Value::Object(achievement));
    if let Some(ects) = awarded.award.credits_earned {
        subject.insert("creditsEarned".into(), json!(ects.as_f64()));
    }
    if let (Some(grade), Some(_)) = (&awarded.award.grade, &spec.grading) {
        subject.insert(
            "result".into(),
            json!([{ "type": ["Result"], "resultDescription": grade_description, "value": grade }]),
        );
    }
    insert(
        &mut subject,
        "activityStartDate",
        spec.participation.start.map(|d| format!("{d}T00:00:00Z")),
    );
    insert(
        &mut subject,
        "activityEndDate",
        spec.participation.end.map(|d| format!("{d}T00:00:00Z")),
    );
    subject.insert("learner".into(), learner_node);

    let mut credential = Map::new();
    credential.insert(
        "@context".into(),
        json!([CREDENTIALS_V2, OPEN_BADGES_V3, MICROCRED_V1]),
    );
    credential.insert("id".into(), awarded.credential_id.into());
    credential.insert(
        "type".into(),
        json!(["VerifiableCredential", "OpenBadgeCredential"]),
    );
    credential.insert("name".into(), title.en().into());
    credential.insert("issuer".into(), issuer_profile(awarded.issuer));
    credential.insert("validFrom".into(), issued.clone().into());
    insert(
        &mut credential,
        "validUntil",
        awarded.valid_until.map(|t| t.to_string()),
    );
    credential.insert("awardedDate".into(), issued.into());
    credential.insert("credentialSubject".into(), Value::Object(subject));
    if !awarded.components.is_empty() {
        let evidence: Vec<Value> = awarded
            .components
            .iter()
            .map(|c| {
                let mut description = format!("Awarded by {} on {}", c.issuer, c.awarded_on);
                if let Some(grade) = &c.grade {
                    description.push_str(&format!(
                        "; grade {} ({}), converted to {} ({})",
                        grade.original, grade.original_scheme, grade.converted, grade.scheme
                    ));
                    if !grade.tables.is_empty() {
                        description.push_str(&format!(
                            " with the grade distribution tables of {}",
                            grade.tables.join(" and ")
                        ));
                    }
                }
                json!({
                    "id": c.id,
                    "type": ["Evidence"],
                    "name": c.name,
                    "description": description,
                    "genre": "Component micro-credential",
                })
            })
            .collect();
        let related: Vec<Value> = awarded
            .components
            .iter()
            .map(|c| json!({ "id": c.id, "digestMultibase": c.digest_multibase }))
            .collect();
        credential.insert("evidence".into(), evidence.into());
        credential.insert("relatedResource".into(), related.into());
    }
    match awarded.status {
        [] => {}
        [one] => {
            credential.insert("credentialStatus".into(), one.clone());
        }
        many => {
            credential.insert("credentialStatus".into(), many.to_vec().into());
        }
    }
    Ok(Value::Object(credential))
}

/// Whether a credential says it is an Open Badge: its type includes `OpenBadgeCredential` (or
/// `AchievementCredential`, the name OB 3.0 gives it as an alias).
pub fn is_open_badge(credential: &Value) -> bool {
    let named = |name: &str| match credential.get("type") {
        Some(Value::String(t)) => t == name,
        Some(Value::Array(list)) => list.iter().any(|t| t == name),
        _ => false,
    };
    named("OpenBadgeCredential") || named("AchievementCredential")
}

/// What the Open Badges 3.0 specification requires of an OpenBadgeCredential, beyond the VC
/// data model (OB 3.0 §8.1 and its JSON Schema): an empty list means it conforms. A single
/// proof object, where the JSON Schema asks for an array, is not held against it: the most
/// used signing library writes one, and it changes nothing a verifier relies on.
pub fn open_badge_problems(credential: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let text = |v: Option<&Value>| v.and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    let has_type = |v: Option<&Value>, name: &str| match v {
        Some(Value::String(t)) => t == name,
        Some(Value::Array(list)) => list.iter().any(|t| t == name),
        _ => false,
    };
    if !is_open_badge(credential) {
        problems.push("type must include OpenBadgeCredential".into());
    }
    let contexts = credential
        .get("@context")
        .map(|c| c.to_string())
        .unwrap_or_default();
    if !contexts.contains("https://purl.imsglobal.org/spec/ob/v3p0/context") {
        problems.push("@context must include an Open Badges 3.0 context".into());
    }
    if !text(credential.get("id")) {
        problems.push("id is required".into());
    }
    // Open Badges 3.0 was first published on VC 1.1, whose issuance date is `issuanceDate`.
    let v1 = contexts.contains(crate::jsonld::bundled::CREDENTIALS_V1);
    if v1 && !text(credential.get("issuanceDate")) {
        problems.push("issuanceDate is required (a VC 1.1 Open Badge)".into());
    } else if !v1 && !text(credential.get("validFrom")) {
        problems.push("validFrom is required".into());
    }
    match credential.get("issuer") {
        Some(Value::Object(issuer)) => {
            if !text(issuer.get("id")) {
                problems.push("issuer.id is required".into());
            }
            if !has_type(issuer.get("type"), "Profile") {
                problems.push("issuer.type must be Profile".into());
            }
        }
        Some(Value::String(_)) => {}
        _ => problems.push("issuer is required".into()),
    }
    let Some(subject) = credential.get("credentialSubject") else {
        problems.push("credentialSubject is required".into());
        return problems;
    };
    if !has_type(subject.get("type"), "AchievementSubject") {
        problems.push("credentialSubject.type must include AchievementSubject".into());
    }
    if subject.get("id").is_none() && subject.get("identifier").is_none() {
        problems.push("credentialSubject needs an id or an identifier".into());
    }
    let Some(achievement) = subject.get("achievement") else {
        problems.push("credentialSubject.achievement is required".into());
        return problems;
    };
    for field in ["id", "name", "description"] {
        if !text(achievement.get(field)) {
            problems.push(format!("credentialSubject.achievement.{field} is required"));
        }
    }
    if !has_type(achievement.get("type"), "Achievement") {
        problems.push("credentialSubject.achievement.type must include Achievement".into());
    }
    if !achievement.get("criteria").is_some_and(Value::is_object) {
        problems.push("credentialSubject.achievement.criteria is required".into());
    }
    problems
}

/// One line of what a credential says, in plain language.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Statement {
    /// What the line is about.
    pub label: &'static str,
    /// What the credential says of it.
    pub value: String,
}

/// What an Open Badges micro-credential states, read from the credential itself (so only what
/// was signed), in the order of the EU standard's elements. Unknown or absent parts are left out.
pub fn describe(credential: &Value) -> Vec<Statement> {
    describe_statement(&read_statement(credential))
}

/// What a micro-credential's statement says, in plain language, line by line in the order of
/// the EU standard's elements: the one wording for every credential format.
pub fn describe_statement(s: &crate::statement::MicroCredentialStatement) -> Vec<Statement> {
    let awarded_by = if s.issuer_country.is_empty() {
        s.issuer_name.clone()
    } else {
        format!("{} ({})", s.issuer_name, s.issuer_country)
    };
    let student_ids = s
        .student_ids
        .iter()
        .map(|(id, university)| format!("{id} at {university}"))
        .collect::<Vec<_>>()
        .join("; ");
    let lines = [
        ("Title", s.title.clone()),
        (
            "Type",
            s.typology
                .map(|t| format!("micro-credential: {}", t.name().replace('-', " ")))
                .unwrap_or_default(),
        ),
        ("Description", s.description.clone()),
        ("Awarded to", s.learner_name.clone()),
        ("Date of birth", s.birth_date.clone()),
        ("Nationality", s.nationality.join(", ")),
        ("Student ids", student_ids),
        ("Awarded by", awarded_by),
        ("Date of issuing", s.date_of_issuing.clone()),
        ("Workload", s.workload_line()),
        ("Level", s.level_line()),
        ("Learning outcomes", s.learning_outcomes.join(" ")),
        ("Form of participation", s.participation.join(", ")),
        ("Prerequisites", s.prerequisites.clone()),
        ("Assessment", s.assessment_line()),
        (
            "Supervision and identity verification",
            s.supervision.clone(),
        ),
        ("Quality assurance", s.quality_assurance.clone()),
        ("Grade", s.grade_line()),
        ("Stackability", s.stackability_line()),
        ("Course elements", s.course_elements_line()),
        ("Languages", s.languages.join(", ")),
        ("Valid until", s.valid_until.clone()),
        ("Credential id", s.id.clone()),
    ];
    lines
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(label, value)| Statement { label, value })
        .collect()
}
