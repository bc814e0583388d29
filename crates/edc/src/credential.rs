//! The EDC projection of an awarded micro-credential: a `EuropeanDigitalCredential` (a W3C VC
//! 1.1 envelope under the `edc-ap` context, generic profile) whose learner, a `Person`, claims
//! a `LearningAchievement` specified by a `Qualification` carrying the 16 elements of the EU
//! standard where the European Learning Model 3.2 places them (`../shared/reference/
//! eu-standard.md` §4). Every text is a language map with every language the specification
//! has; controlled values are EU Vocabularies [`concepts`](crate::concepts).
//!
//! What sealing adds — `issued` and the issuer's eIDAS identifier, both taken at sealing time
//! from the clock and the seal's certificate — is left out here, as in the EU's own pre-seal
//! documents: [`crate::seal`] adds them and seals the bytes.
//!
//! Node ids: the credential, the issuer (its DID) and the qualification (the specification
//! version's URL) have their global ids; the other nodes are local to the document, named
//! `urn:epass:<kind>:<n>` as the EU's issuer names them.

use serde_json::{Map, Value, json};

use microcred_credentials::open_badges::{AwardedMicroCredential, IssuerProfile};
use microcred_model::grading::GradingScheme;
use microcred_model::{
    AwardingBody, Catalogue, CourseElement, LanguageCode, LocalizedText, Specification, University,
    format_hundredths,
};

use crate::concepts::{self, Concept};

/// The W3C VC 1.1 context an EDC is enveloped in.
pub const CREDENTIALS_V1: &str = "https://www.w3.org/2018/credentials/v1";
/// The ELM 3.2 EDC application profile's context.
pub const EDC_AP: &str = "http://data.europa.eu/snb/model/context/edc-ap";
/// The SHACL shapes an EDC of the generic profile is validated against.
pub const GENERIC_SHAPES: &str = "http://data.europa.eu/snb/model/ap/edc-generic-full";
/// The concept scheme of the ENHANCE typology: the EU lists have none (eu-standard.md §4), so
/// the alliance states it as its own scheme.
pub const TYPOLOGY_SCHEME: &str = "https://w3id.org/microcred/typology";
/// The Bitstring Status List vocabulary, under which an EDC's status entry names its list
/// (the `edc-ap` context has no terms for them).
const STATUS_VOCABULARY: &str = "https://www.w3.org/ns/credentials/status#";

/// One printed page of the certificate, shown by EDC viewers in its language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayPage {
    /// The language the page is worded in.
    pub language: LanguageCode,
    /// Its image.
    pub image: PageImage,
}

/// A page image's bytes and kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageImage {
    /// `PNG` or `JPEG`: the Publications Office's file-type code.
    pub file_type: &'static str,
    /// The encoded image.
    pub bytes: Vec<u8>,
}

/// Why an award cannot be stated as an EDC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EdcError {
    /// The specification has no title (element 2): every ELM specification needs one.
    #[error("the specification has no title (element 2)")]
    NoTitle,
    /// The award has no date of issuing (element 5).
    #[error("the award has no date of issuing (element 5): the day the last requirement was met")]
    NoDateOfIssuing,
    /// An EDC must show its learner a rendering of itself (`displayParameter`).
    #[error("an EDC needs at least one rendered page of the certificate to display")]
    NoDisplayPage,
}

/// Numbers the document-local nodes of one kind: `urn:epass:note:1`, `…:2`.
#[derive(Default)]
struct LocalIds {
    counters: Vec<(&'static str, usize)>,
}

impl LocalIds {
    fn next(&mut self, kind: &'static str) -> String {
        let n = match self.counters.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.counters.push((kind, 1));
                1
            }
        };
        format!("urn:epass:{kind}:{n}")
    }
}

/// A language map: `{"en": "…", "de": "…"}`, every language the text has.
fn language_map(text: &LocalizedText) -> Value {
    Value::Object(
        text.iter()
            .map(|(language, t)| (language.as_str().to_owned(), Value::String(t.to_owned())))
            .collect(),
    )
}

fn english(text: impl Into<String>) -> Value {
    json!({ "en": text.into() })
}

fn insert(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.into(), value);
    }
}

fn concept_list(concepts: impl IntoIterator<Item = Concept>) -> Option<Value> {
    let list: Vec<Value> = concepts.into_iter().map(|c| c.to_json()).collect();
    (!list.is_empty()).then(|| Value::Array(list))
}

/// The builder of one document: its local ids and the notes gathered on the way.
struct Projection<'a> {
    awarded: &'a AwardedMicroCredential<'a>,
    ids: LocalIds,
    /// Organisations stated so far, by id: an organisation named again is the same node.
    organisations: Vec<(String, Value)>,
}

impl<'a> Projection<'a> {
    fn note(&mut self, text: Value) -> Value {
        json!({ "id": self.ids.next("note"), "type": "Note", "noteLiteral": text })
    }

    /// A note whose text has a fixed English heading and, where given, the specification's own
    /// words in each of its languages.
    fn labelled_note(&mut self, heading: &str, text: &LocalizedText) -> Value {
        let literal: Map<String, Value> = text
            .iter()
            .map(|(language, t)| {
                let t = if language.as_str() == "en" {
                    format!("{heading}: {t}")
                } else {
                    t.to_owned()
                };
                (language.as_str().to_owned(), Value::String(t))
            })
            .collect();
        self.note(Value::Object(literal))
    }

    fn location(&mut self, country: Option<microcred_model::CountryCode>) -> Option<Value> {
        let concept = concepts::country(country?)?;
        Some(json!([{
            "id": self.ids.next("location"),
            "type": "Location",
            "address": {
                "id": self.ids.next("address"),
                "type": "Address",
                "countryCode": concept.to_json(),
            },
        }]))
    }

    fn web_resource(&mut self, url: &str) -> Value {
        json!({ "id": self.ids.next("webResource"), "type": "WebResource", "contentURL": url })
    }

    /// An awarding body as an ELM `Organisation`: its legal name in every language the
    /// catalogue has, its country, its web site and register identifiers; the alliance as the
    /// group it is a member of.
    fn organisation(&mut self, profile: &IssuerProfile, body: Option<&AwardingBody>) -> Value {
        if let Some((_, known)) = self.organisations.iter().find(|(id, _)| *id == profile.id) {
            return known.clone();
        }
        let catalogue = self.awarded.catalogue;
        let university: Option<&University> = match body {
            Some(AwardingBody::University(id)) => catalogue.university(id),
            _ => None,
        };
        let mut org = Map::new();
        org.insert("id".into(), profile.id.clone().into());
        org.insert("type".into(), "Organisation".into());
        match (university, body, self.awarded.alliance) {
            (Some(u), _, _) => {
                org.insert("legalName".into(), language_map(&u.legal_name));
                insert(&mut org, "altLabel", u.name.as_ref().map(language_map));
            }
            (None, Some(AwardingBody::Alliance), Some(alliance)) => {
                org.insert("legalName".into(), language_map(&alliance.name));
            }
            _ => {
                org.insert("legalName".into(), english(profile.name.clone()));
            }
        }
        let country = university.map(|u| u.country).or(profile.country);
        insert(&mut org, "location", self.location(country));
        let homepage = university
            .and_then(|u| u.homepage.clone())
            .or_else(|| profile.url.clone());
        if let Some(url) = homepage {
            let resource = self.web_resource(&url);
            org.insert("homepage".into(), resource);
        }
        if let Some(u) = university
            && !u.identifiers.is_empty()
        {
            let ids: Vec<Value> = u
                .identifiers
                .iter()
                .map(|i| {
                    json!({
                        "id": self.ids.next("identifier"),
                        "type": "Identifier",
                        "schemeName": i.scheme.name(),
                        "notation": i.value,
                    })
                })
                .collect();
            org.insert("identifier".into(), ids.into());
        }
        if let (Some(alliance), false) = (
            self.awarded.alliance,
            matches!(body, Some(AwardingBody::Alliance)),
        ) {
            org.insert(
                "groupMemberOf".into(),
                json!({ "id": "urn:epass:group:1", "type": "Group", "prefLabel": language_map(&alliance.name) }),
            );
        }
        let org = Value::Object(org);
        self.organisations.push((profile.id.clone(), org.clone()));
        org
    }

    /// The awarding process: every awarding body (the issuer first) and the date of issuing.
    fn awarding_process(&mut self, awarding_date: &str) -> Value {
        let awarded = self.awarded;
        let bodies: Vec<Value> = awarded
            .awarding_bodies
            .iter()
            .enumerate()
            .map(|(i, profile)| self.organisation(profile, awarded.award.awarding_bodies.get(i)))
            .collect();
        json!({
            "id": self.ids.next("awardingProcess"),
            "type": "AwardingProcess",
            "awardingBody": bodies,
            "awardingDate": awarding_date,
        })
    }

    fn credit_point(&mut self, ects: microcred_model::EctsCredits) -> Value {
        json!({
            "id": self.ids.next("creditPoint"),
            "type": "CreditPoint",
            "framework": concepts::ects().to_json(),
            "point": format_hundredths(ects.hundredths()),
        })
    }

    fn learning_outcomes(&mut self, spec: &Specification) -> Option<Value> {
        let outcomes: Vec<Value> = spec
            .learning_outcomes
            .iter()
            .map(|outcome| {
                let mut node = Map::new();
                node.insert("id".into(), self.ids.next("learningOutcome").into());
                node.insert("type".into(), "LearningOutcome".into());
                node.insert("title".into(), language_map(&outcome.text));
                let skills: Vec<Value> = outcome
                    .esco_skills
                    .iter()
                    .map(|skill| {
                        json!({
                            "id": skill.as_str(),
                            "type": "Concept",
                            "inScheme": { "id": "http://data.europa.eu/esco/concept-scheme/skills", "type": "ConceptScheme" },
                        })
                    })
                    .collect();
                if !skills.is_empty() {
                    node.insert("relatedESCOSkill".into(), skills.into());
                }
                Value::Object(node)
            })
            .collect();
        (!outcomes.is_empty()).then(|| outcomes.into())
    }

    /// Element 11 (assessment) and the grading scheme of element 14, as the specification
    /// states them.
    fn assessment_specification(
        &mut self,
        spec: &Specification,
        title: &LocalizedText,
        typed: Option<&GradingScheme>,
    ) -> Value {
        let mut node = Map::new();
        node.insert("id".into(), "urn:epass:learningAssessmentSpec:1".into());
        node.insert("type".into(), "LearningAssessmentSpecification".into());
        node.insert(
            "title".into(),
            english(format!("Assessment of {}", title.en())),
        );
        if let Some(assessment) = &spec.assessment {
            insert(
                &mut node,
                "dcType",
                concept_list(
                    assessment
                        .methods
                        .iter()
                        .filter_map(|m| concepts::assessment(*m)),
                ),
            );
            insert(
                &mut node,
                "description",
                assessment.description.as_ref().map(language_map),
            );
            if !assessment.methods.is_empty() {
                let methods: Vec<String> = assessment
                    .methods
                    .iter()
                    .map(|m| m.name().replace('-', " "))
                    .collect();
                let note = self.note(english(format!("Assessed by: {}.", methods.join(", "))));
                node.insert("additionalNote".into(), json!([note]));
            }
        }
        insert(
            &mut node,
            "mode",
            concept_list(spec.participation.mode.and_then(concepts::mode)),
        );
        insert(
            &mut node,
            "language",
            concept_list(
                spec.further_information
                    .languages
                    .iter()
                    .map(|l| concepts::language(*l)),
            ),
        );
        if let Some(grading) = &spec.grading {
            let mut scheme = Map::new();
            scheme.insert("id".into(), "urn:epass:gradingScheme:1".into());
            scheme.insert("type".into(), "GradingScheme".into());
            scheme.insert("title".into(), english(grading.scheme.clone()));
            // The university's typed scheme says what its grades are where the specification
            // does not.
            let description = match (&grading.description, typed) {
                (Some(description), _) => Some(language_map(description)),
                (None, Some(typed)) => {
                    Some(english(format!("{}: {}", typed.name, typed.expected())))
                }
                (None, None) => None,
            };
            insert(&mut scheme, "description", description);
            node.insert("gradingScheme".into(), Value::Object(scheme));
        }
        Value::Object(node)
    }

    /// The notes for what ELM 3.2 has no slot for: quality assurance (element 13), the level
    /// outside EQF, the further information of element 16, the course elements' delivery.
    fn additional_notes(&mut self, spec: &Specification) -> Vec<Value> {
        let mut notes = Vec::new();
        if let Some(qa) = &spec.quality_assurance {
            let mut facts = vec![format!("Quality assurance: {}", qa.kind.name())];
            facts.extend(qa.body.clone());
            facts.extend(qa.reference.clone());
            let note = self.note(english(facts.join(" — ")));
            notes.push(note);
            if let Some(description) = &qa.description {
                let note = self.labelled_note("Quality assurance", description);
                notes.push(note);
            }
        }
        let level = &spec.level;
        let mut level_facts = Vec::new();
        if let Some(cycle) = level.qf_ehea_cycle {
            level_facts.push(format!("QF-EHEA cycle: {}", cycle.name().replace('-', " ")));
        }
        if let Some(nqf) = &level.nqf {
            level_facts.push(format!("National qualifications framework level: {nqf}"));
        }
        if !level_facts.is_empty() {
            let note = self.note(english(level_facts.join("; ")));
            notes.push(note);
        }
        if let Some(text) = &level.not_applicable {
            let note = self.labelled_note("Level not applicable", text);
            notes.push(note);
        }
        if let Some(typology) = spec.typology {
            let note = self.note(english(format!(
                "Type: {} ({}), per the alliance's typology",
                typology.kind(),
                typology.subtype()
            )));
            notes.push(note);
        }
        let p = &spec.participation;
        let mut participation = Vec::new();
        if let Some(mode) = p.mode {
            participation.push(format!("mode: {}", mode.name()));
        }
        if let Some(organisation) = p.organisation {
            participation.push(organisation.name().replace('-', " "));
        }
        if let Some(timeframe) = p.timeframe {
            participation.push(timeframe.name().replace('-', " "));
        }
        if !participation.is_empty() {
            let note = self.note(english(format!(
                "Form of participation: {}",
                participation.join(", ")
            )));
            notes.push(note);
        }
        if let Some(stackability) = &spec.stackability {
            let note = self.note(english(format!(
                "Stackability: {}",
                stackability.option.name().replace('-', " ")
            )));
            notes.push(note);
        }
        let info = &spec.further_information;
        if let Some(orientation) = info.orientation {
            let note = self.note(english(format!("Orientation: {}", orientation.name())));
            notes.push(note);
        }
        for (heading, text) in [
            ("Target group", &info.target_group),
            ("Availability", &info.availability),
            ("Duration", &info.duration),
            ("Fees", &info.fees),
            ("Form of the document", &info.document_form),
            ("Partnerships", &info.partnerships),
            ("Recognition", &info.appreciation),
        ] {
            if let Some(text) = text {
                let note = self.labelled_note(heading, text);
                notes.push(note);
            }
        }
        if let Some(rationale) = &spec.combination_rationale {
            let note = self.labelled_note("Why these course elements", rationale);
            notes.push(note);
        }
        notes
    }

    /// A course element as the specification of a part of the achievement.
    fn course_element(&mut self, element: &CourseElement) -> Value {
        let mut node = Map::new();
        node.insert("id".into(), self.ids.next("learningAchievementSpec").into());
        node.insert("type".into(), "LearningAchievementSpecification".into());
        node.insert("title".into(), language_map(&element.title));
        if let Some(code) = &element.code {
            let scheme = self
                .awarded
                .catalogue
                .university(&element.university)
                .map(|u| u.display_name().to_owned())
                .unwrap_or_else(|| element.university.to_string());
            node.insert(
                "identifier".into(),
                json!([{ "id": self.ids.next("identifier"), "type": "Identifier", "schemeName": format!("Course code at {scheme}"), "notation": code }]),
            );
        }
        if let Some(ects) = element.ects {
            let credit = self.credit_point(ects);
            node.insert("creditPoint".into(), json!([credit]));
        }
        insert(
            &mut node,
            "volumeOfLearning",
            element.hours.map(|h| format!("PT{h}H").into()),
        );
        insert(
            &mut node,
            "eqfLevel",
            element.eqf.map(|l| concepts::eqf(l).to_json()),
        );
        insert(
            &mut node,
            "language",
            concept_list(element.languages.iter().map(|l| concepts::language(*l))),
        );
        insert(
            &mut node,
            "mode",
            concept_list(element.mode.and_then(concepts::mode)),
        );
        Value::Object(node)
    }
}

fn catalogue_elements<'c>(
    spec: &Specification,
    catalogue: &'c Catalogue,
) -> Vec<&'c CourseElement> {
    spec.elements
        .iter()
        .filter_map(|id| catalogue.element(id))
        .collect()
}

/// The unsigned (pre-seal) EDC of an awarded micro-credential, with `pages` as what viewers
/// display (one rendered page per language, the primary language first).
pub fn european_digital_credential(
    awarded: &AwardedMicroCredential<'_>,
    pages: &[DisplayPage],
) -> Result<Value, EdcError> {
    let spec = awarded.specification;
    let title = spec.title.as_ref().ok_or(EdcError::NoTitle)?;
    let date_of_issuing = awarded
        .award
        .date_of_issuing
        .ok_or(EdcError::NoDateOfIssuing)?;
    let awarding_date = format!("{date_of_issuing}T00:00:00Z");
    let mut p = Projection {
        awarded,
        ids: LocalIds::default(),
        organisations: Vec::new(),
    };

    // The qualification: what was achieved, as the specification states it.
    let mut qualification = Map::new();
    qualification.insert("id".into(), awarded.achievement_id.into());
    qualification.insert("type".into(), "Qualification".into());
    qualification.insert("title".into(), language_map(title));
    insert(
        &mut qualification,
        "description",
        spec.description.as_ref().map(language_map),
    );
    // Its type: the kind of learning opportunity (EU list) and the ENHANCE typology (the
    // alliance's own scheme); the typology in words as its category.
    let mut types: Vec<Value> = spec
        .participation
        .organisation
        .and_then(concepts::learning_opportunity)
        .map(|c| c.to_json())
        .into_iter()
        .collect();
    if let Some(typology) = spec.typology {
        let words = format!("{} ({})", typology.kind(), typology.subtype());
        types.push(json!({
            "id": format!("{TYPOLOGY_SCHEME}/{}", typology.name()),
            "type": "Concept",
            "inScheme": { "id": TYPOLOGY_SCHEME, "type": "ConceptScheme" },
            "prefLabel": english(words.clone()),
        }));
        qualification.insert("category".into(), english(words));
    }
    if !types.is_empty() {
        qualification.insert("dcType".into(), types.into());
    }
    insert(
        &mut qualification,
        "language",
        concept_list(
            spec.further_information
                .languages
                .iter()
                .map(|l| concepts::language(*l)),
        ),
    );
    insert(
        &mut qualification,
        "volumeOfLearning",
        spec.workload.hours.map(|h| format!("PT{h}H").into()),
    );
    insert(
        &mut qualification,
        "mode",
        concept_list(spec.participation.mode.and_then(concepts::mode)),
    );
    insert(
        &mut qualification,
        "thematicArea",
        concept_list(
            spec.further_information
                .isced_f
                .as_ref()
                .map(concepts::isced_f),
        ),
    );
    if let Some(ects) = spec.workload.ects {
        let credit = p.credit_point(ects);
        qualification.insert("creditPoint".into(), json!([credit]));
    }
    // A university's credit-bearing offer (ECTS awarded) is formal learning; without credits
    // it is non-formal.
    qualification.insert(
        "learningSetting".into(),
        concepts::learning_setting(spec.workload.ects.is_some()).to_json(),
    );
    if let Some(prerequisites) = &spec.prerequisites {
        let note = p.note(language_map(prerequisites));
        qualification.insert("entryRequirement".into(), note);
    }
    insert(
        &mut qualification,
        "learningOutcome",
        p.learning_outcomes(spec),
    );
    insert(
        &mut qualification,
        "eqfLevel",
        spec.level.eqf.map(|l| concepts::eqf(l).to_json()),
    );
    if let Some(stackability) = &spec.stackability {
        let stackable = stackability.option.name() == "stackable";
        qualification.insert("isPartialQualification".into(), stackable.into());
        let larger: Vec<Value> = stackability
            .towards
            .iter()
            .map(|target| {
                json!({ "id": p.ids.next("qualification"), "type": "Qualification", "title": language_map(target) })
            })
            .collect();
        if !larger.is_empty() {
            qualification.insert("isPartOf".into(), larger.into());
        }
    }
    let assessment_spec = p.assessment_specification(spec, title, awarded.grading_scheme);
    qualification.insert("provenBy".into(), json!([assessment_spec.clone()]));
    if let Some(homepage) = &spec.further_information.homepage {
        let resource = p.web_resource(homepage);
        qualification.insert("homepage".into(), json!([resource]));
    }
    let notes = p.additional_notes(spec);
    if !notes.is_empty() {
        qualification.insert("additionalNote".into(), notes.into());
    }
    let elements = catalogue_elements(spec, awarded.catalogue);
    // The course elements are parts of the learner's achievement (below): ELM's
    // `Qualification.hasPart` takes qualifications only.
    let element_specs: Vec<Value> = elements.iter().map(|e| p.course_element(e)).collect();

    // The learner's achievement: awarded by the awarding bodies on the date of issuing,
    // proven by the assessment with its grade, made of the course elements each university
    // delivered.
    let awarding = p.awarding_process(&awarding_date);
    let mut achievement = Map::new();
    achievement.insert("id".into(), p.ids.next("learningAchievement").into());
    achievement.insert("type".into(), "LearningAchievement".into());
    achievement.insert("title".into(), language_map(title));
    achievement.insert("awardedBy".into(), awarding.clone());
    let mut assessment = Map::new();
    assessment.insert("id".into(), "urn:epass:learningAssessment:1".into());
    assessment.insert("type".into(), "LearningAssessment".into());
    assessment.insert(
        "title".into(),
        english(format!("Assessment of {}", title.en())),
    );
    assessment.insert("awardedBy".into(), awarding.clone());
    // Awarded only on passed results: without a grade in a scheme, the grade is the pass.
    let grade = awarded
        .award
        .grade
        .clone()
        .unwrap_or_else(|| "passed".into());
    // Where the grade stands among the grading university's passing grades for this field and
    // cycle (its grade distribution table, ECTS Users' Guide 2015).
    if let (Some(table), Some(given)) = (awarded.grade_distribution, &awarded.award.grade) {
        if let Some((lower, equal, higher)) = table.standing(given) {
            assessment.insert(
                "shortenedGrading".into(),
                json!({
                    "id": p.ids.next("shortenedGrading"),
                    "type": "ShortenedGrading",
                    "percentageLower": lower,
                    "percentageEqual": equal,
                    "percentageHigher": higher,
                }),
            );
        }
        let categories: Vec<Value> = table
            .grades()
            .filter(|(_, count)| *count > 0)
            .map(|(label, count)| {
                json!({
                    "id": p.ids.next("resultCategory"),
                    "type": "ResultCategory",
                    "label": label,
                    "count": count,
                })
            })
            .collect();
        assessment.insert(
            "resultDistribution".into(),
            json!({
                "id": p.ids.next("resultDistribution"),
                "type": "ResultDistribution",
                "description": english(format!(
                    "Passing grades given by the awarding university ({} in all), lowest pass first",
                    table.total()
                )),
                "resultCategory": categories,
            }),
        );
    }
    let grade = p.note(english(grade));
    assessment.insert("grade".into(), grade);
    assessment.insert("specifiedBy".into(), assessment_spec);
    insert(
        &mut assessment,
        "idVerification",
        spec.assessment
            .as_ref()
            .and_then(|a| a.supervision)
            .and_then(concepts::supervision)
            .map(|c| c.to_json()),
    );
    achievement.insert("provenBy".into(), json!([Value::Object(assessment)]));
    if let (Some(start), Some(end)) = (spec.participation.start, spec.participation.end) {
        achievement.insert(
            "influencedBy".into(),
            json!([{
                "id": "urn:epass:activity:1",
                "type": "LearningActivity",
                "title": language_map(title),
                "awardedBy": awarding.clone(),
                "temporal": {
                    "id": p.ids.next("period"),
                    "type": "PeriodOfTime",
                    "startDate": format!("{start}T00:00:00Z"),
                    "endDate": format!("{end}T00:00:00Z"),
                },
            }]),
        );
    }
    let parts: Vec<Value> = elements
        .iter()
        .zip(element_specs)
        .map(|(element, element_spec)| {
            let body = AwardingBody::University(element.university.clone());
            // A university that awards is named as in the awarding process; another by its
            // catalogue entry.
            let awarding = awarded
                .award
                .awarding_bodies
                .iter()
                .position(|b| *b == body)
                .and_then(|i| awarded.awarding_bodies.get(i).cloned());
            let university = awarded.catalogue.university(&element.university);
            let delivered_by = awarding.unwrap_or_else(|| IssuerProfile {
                id: format!("urn:epass:org:{}", element.university),
                name: university
                    .map(|u| u.display_name().to_owned())
                    .unwrap_or_else(|| element.university.to_string()),
                country: university.map(|u| u.country),
                url: None,
                image: None,
            });
            let organisation = p.organisation(&delivered_by, Some(&body));
            json!({
                "id": p.ids.next("learningAchievement"),
                "type": "LearningAchievement",
                "title": element_spec["title"].clone(),
                "awardedBy": {
                    "id": p.ids.next("awardingProcess"),
                    "type": "AwardingProcess",
                    "awardingBody": [organisation],
                },
                "specifiedBy": element_spec,
            })
        })
        .collect();
    // A stacked credential's components: each an achievement awarded by its own issuer on
    // its own day (the Open Badges form names them by digest as evidence).
    // ELM names every awarding body with its location: a component of an issuer whose country
    // is not known is stated as a note on the achievement instead.
    let mut parts = parts;
    let mut unplaced = Vec::new();
    for component in awarded.components {
        let body = component.university.clone().map(AwardingBody::University);
        let country = component.country.or_else(|| {
            component
                .university
                .as_ref()
                .and_then(|u| awarded.catalogue.university(u))
                .map(|u| u.country)
        });
        if country.is_none() {
            unplaced.push(format!(
                "Also awarded for: {} ({}, {}, {})",
                component.name, component.issuer, component.awarded_on, component.id
            ));
            continue;
        }
        let profile = IssuerProfile {
            id: component.issuer_id.clone(),
            name: component.issuer.clone(),
            country,
            url: None,
            image: None,
        };
        let organisation = p.organisation(&profile, body.as_ref());
        parts.push(json!({
            "id": p.ids.next("learningAchievement"),
            "type": "LearningAchievement",
            "title": english(component.name.clone()),
            "awardedBy": {
                "id": p.ids.next("awardingProcess"),
                "type": "AwardingProcess",
                "awardingBody": [organisation],
                "awardingDate": format!("{}T00:00:00Z", component.awarded_on),
            },
            "specifiedBy": {
                "id": p.ids.next("learningAchievementSpec"),
                "type": "LearningAchievementSpecification",
                "title": english(component.name.clone()),
            },
        }));
    }
    if !parts.is_empty() {
        achievement.insert("hasPart".into(), parts.into());
    }
    if !unplaced.is_empty() {
        let notes: Vec<Value> = unplaced.into_iter().map(|n| p.note(english(n))).collect();
        achievement.insert("additionalNote".into(), notes.into());
    }
    achievement.insert("specifiedBy".into(), Value::Object(qualification));

    let credential_subject = person(&mut p, achievement);
    let issuer_body = awarded.award.awarding_bodies.first();
    let issuer = p.organisation(awarded.issuer, issuer_body);
    let display = display_parameter_of(&language_map(title), pages)?;

    let mut credential = Map::new();
    let revocation = awarded
        .status
        .iter()
        .find(|entry| entry.get("statusPurpose").and_then(Value::as_str) == Some("revocation"));
    let mut contexts = vec![json!(CREDENTIALS_V1), json!(EDC_AP)];
    if revocation.is_some() {
        contexts.push(json!({
            "BitstringStatusListEntry": format!("{STATUS_VOCABULARY}BitstringStatusListEntry"),
            "statusPurpose": format!("{STATUS_VOCABULARY}statusPurpose"),
            "statusListIndex": format!("{STATUS_VOCABULARY}statusListIndex"),
            "statusListCredential": { "@id": format!("{STATUS_VOCABULARY}statusListCredential"), "@type": "@id" },
        }));
    }
    credential.insert("@context".into(), contexts.into());
    credential.insert("id".into(), awarded.credential_id.into());
    credential.insert(
        "type".into(),
        json!(["VerifiableCredential", "EuropeanDigitalCredential"]),
    );
    credential.insert(
        "credentialProfiles".into(),
        json!([concepts::generic_profile().to_json()]),
    );
    credential.insert(
        "credentialSchema".into(),
        json!([{ "id": GENERIC_SHAPES, "type": "ShaclValidator2017" }]),
    );
    credential.insert("displayParameter".into(), display);
    credential.insert("issuer".into(), issuer);
    credential.insert("validFrom".into(), awarding_date.into());
    insert(
        &mut credential,
        "expirationDate",
        awarded.valid_until.map(|t| t.to_string().into()),
    );
    credential.insert("credentialSubject".into(), credential_subject);
    // ELM allows one status: the award's revocation entry (a suspension, which Open Badges
    // carries as a second entry, cannot be stated in an EDC).
    if let Some(revocation) = revocation {
        credential.insert("credentialStatus".into(), status_entry(revocation));
    }
    Ok(Value::Object(credential))
}

/// A Bitstring Status List entry of the award, restated as an ELM `CredentialStatus`: the same
/// list and index, so revoking the award revokes every document of it.
fn status_entry(entry: &Value) -> Value {
    let mut status = Map::new();
    for key in [
        "id",
        "statusPurpose",
        "statusListIndex",
        "statusListCredential",
    ] {
        if let Some(value) = entry.get(key) {
            status.insert(key.into(), value.clone());
        }
    }
    status.insert(
        "type".into(),
        json!(["CredentialStatus", "BitstringStatusListEntry"]),
    );
    Value::Object(status)
}

/// The learner (element 1) as an ELM `Person` claiming the achievement.
fn person(p: &mut Projection<'_>, achievement: Map<String, Value>) -> Value {
    let learner = &p.awarded.award.learner;
    let mut person = Map::new();
    person.insert("id".into(), "urn:epass:person:1".into());
    person.insert("type".into(), "Person".into());
    person.insert("givenName".into(), english(learner.given_names.clone()));
    person.insert("familyName".into(), english(learner.family_names.clone()));
    person.insert(
        "fullName".into(),
        english(format!("{} {}", learner.given_names, learner.family_names)),
    );
    insert(
        &mut person,
        "dateOfBirth",
        learner
            .date_of_birth
            .map(|d| format!("{d}T00:00:00Z").into()),
    );
    insert(
        &mut person,
        "citizenshipCountry",
        concept_list(
            learner
                .nationality
                .iter()
                .filter_map(|c| concepts::country(*c)),
        ),
    );
    if !learner.student_ids.is_empty() {
        let catalogue = p.awarded.catalogue;
        let ids: Vec<Value> = learner
            .student_ids
            .iter()
            .map(|id| {
                let university = catalogue
                    .university(&id.university)
                    .map(|u| u.display_name().to_owned())
                    .unwrap_or_else(|| id.university.to_string());
                json!({
                    "id": p.ids.next("identifier"),
                    "type": "Identifier",
                    "schemeName": format!("Student id at {university}"),
                    "notation": id.value,
                })
            })
            .collect();
        person.insert("identifier".into(), ids.into());
    }
    person.insert("hasClaim".into(), json!([Value::Object(achievement)]));
    Value::Object(person)
}

/// What viewers show (`displayParameter`): a rendered page per language, the first page's
/// language primary; `title` is the credential's title as a language map.
pub fn display_parameter_of(title: &Value, pages: &[DisplayPage]) -> Result<Value, EdcError> {
    use base64::Engine as _;
    let primary = pages.first().ok_or(EdcError::NoDisplayPage)?;
    let displays: Vec<Value> = pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let n = i + 1;
            json!({
                "id": format!("urn:epass:individualDisplay:{n}"),
                "type": "IndividualDisplay",
                "language": concepts::language(page.language).to_json(),
                "displayDetail": [{
                    "id": format!("urn:epass:displayDetail:{n}"),
                    "type": "DisplayDetail",
                    "page": 1,
                    "image": {
                        "id": format!("urn:epass:displayImage:{n}"),
                        "type": "MediaObject",
                        "content": base64::engine::general_purpose::STANDARD.encode(&page.image.bytes),
                        "contentEncoding": concepts::base64_encoding().to_json(),
                        "contentType": concepts::file_type(page.image.file_type).to_json(),
                    },
                }],
            })
        })
        .collect();
    let languages: Vec<Value> = pages
        .iter()
        .map(|page| concepts::language(page.language).to_json())
        .collect();
    Ok(json!({
        "id": "urn:epass:displayParameter:1",
        "type": "DisplayParameter",
        "title": title,
        "language": languages,
        "primaryLanguage": concepts::language(primary.language).to_json(),
        "individualDisplay": displays,
    }))
}
