//! What an Open Badges micro-credential states, read from the signed credential itself (so only
//! what was signed), as the 16 elements of the EU standard. Verification pages and printed
//! certificates show this reading, never the platform's own records.

use microcred_model::StandardElement;
use microcred_model::vocabulary::Typology;
use serde_json::Value;

/// One course element, as the credential names it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatedCourseElement {
    /// Its title.
    pub title: String,
    /// The university delivering it.
    pub delivered_by: String,
    /// Its code there.
    pub code: String,
    /// Its ECTS.
    pub ects: String,
    /// Its hours.
    pub hours: String,
    /// The EQF level's number.
    pub eqf: String,
}

/// A signed micro-credential's statements. Absent parts are empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MicroCredentialStatement {
    /// The credential's id.
    pub id: String,
    /// Element 2: the title.
    pub title: String,
    /// Its ENHANCE typology entry.
    pub typology: Option<Typology>,
    /// What it certifies.
    pub description: String,
    /// Element 1: the learner's name.
    pub learner_name: String,
    /// The learner's date of birth.
    pub birth_date: String,
    /// ISO 3166 codes.
    pub nationality: Vec<String>,
    /// (identifier, university).
    pub student_ids: Vec<(String, String)>,
    /// The issuer's DID.
    pub issuer_id: String,
    /// The issuer's name.
    pub issuer_name: String,
    /// In English, e.g. `Germany` (else the code).
    pub issuer_country: String,
    /// Every awarding body's id, the issuer first.
    pub awarding_bodies: Vec<String>,
    /// `YYYY-MM-DD`.
    pub date_of_issuing: String,
    /// When it expires, if it does.
    pub valid_until: String,
    /// Element 6: ECTS.
    pub ects: String,
    /// Element 6: hours.
    pub workload_hours: Option<u64>,
    /// Element 7: the EQF level.
    pub eqf_level: String,
    /// Element 7: the QF-EHEA cycle.
    pub qf_ehea_cycle: String,
    /// Element 7: the national framework level.
    pub nqf_level: String,
    /// Element 7: why no level applies.
    pub level_not_applicable: String,
    /// Element 8: learning outcomes.
    pub learning_outcomes: Vec<String>,
    /// Element 9: form of participation.
    pub participation: Vec<String>,
    /// Element 10: prerequisites.
    pub prerequisites: String,
    /// Element 11: assessment methods.
    pub assessment_methods: Vec<String>,
    /// Element 11: the assessment in words.
    pub assessment_description: String,
    /// Element 12: supervision and identity verification.
    pub supervision: String,
    /// Element 13: quality assurance.
    pub quality_assurance: String,
    /// Element 14: the grade.
    pub grade: String,
    /// Element 14: the grading scheme.
    pub grading_scheme: String,
    /// Element 14: what the grades mean.
    pub grading_description: String,
    /// Element 15: stackability.
    pub stackability: String,
    /// Element 15: what it stacks towards.
    pub stackable_towards: String,
    /// The course elements.
    pub course_elements: Vec<StatedCourseElement>,
    /// The languages of instruction.
    pub languages: Vec<String>,
    /// Element 16's other parts, as `label: text`.
    pub further_information: Vec<String>,
}

fn list(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    }
}

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The English text of a language map, else any language's text; a plain string as it is.
fn localized(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(map)) => match map.get("en").or_else(|| map.values().next()) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; "),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

fn words(name: &str) -> String {
    name.replace('-', " ")
}

/// The last segment of a concept URI (`…/eqf/7` → `7`).
fn concept_code(uri: &str) -> String {
    uri.rsplit('/').next().unwrap_or(uri).to_owned()
}

/// Reads what a signed `OpenBadgeCredential` micro-credential states.
pub fn read_statement(credential: &Value) -> MicroCredentialStatement {
    let subject = credential
        .get("credentialSubject")
        .and_then(|s| list(Some(s)).into_iter().next());
    let achievement = subject.and_then(|s| s.get("achievement"));
    let eu = achievement.and_then(|a| a.get("euMicroCredential"));
    let eu_field = |name: &str| eu.and_then(|e| e.get(name));
    let learner = subject.and_then(|s| s.get("learner"));
    let issuer = credential.get("issuer");
    let address = issuer.and_then(|i| i.get("address"));
    let qa = eu_field("qualityAssurance");

    let mut title = text(achievement.and_then(|a| a.get("name")));
    if title.is_empty() {
        title = text(credential.get("name"));
    }
    let mut issuer_country = text(address.and_then(|a| a.get("addressCountry")));
    if issuer_country.is_empty() {
        issuer_country = text(address.and_then(|a| a.get("addressCountryCode")));
    }
    let mut date_of_issuing = text(credential.get("awardedDate"));
    if date_of_issuing.is_empty() {
        date_of_issuing = text(credential.get("validFrom"));
    }
    date_of_issuing.truncate(10);
    let mut ects = text(eu_field("ectsCredits"));
    if ects.is_empty() {
        ects = text(achievement.and_then(|a| a.get("creditsAvailable")));
    }
    let quality_assurance = {
        let kind = text(qa.and_then(|q| q.get("qualityAssuranceType")));
        let body = text(qa.and_then(|q| q.get("responsibleBody")));
        match (kind.is_empty(), body.is_empty()) {
            (false, false) => format!("{} ({body})", words(&kind)),
            (false, true) => words(&kind),
            _ => String::new(),
        }
    };
    let further_information = [
        (
            "Orientation",
            text(eu_field("orientation")).replace('-', " "),
        ),
        ("Target group", localized(eu_field("targetGroup"))),
        ("Availability", localized(eu_field("availability"))),
        ("Duration", localized(eu_field("duration"))),
        ("Fees", localized(eu_field("fees"))),
        ("Partnerships", localized(eu_field("partnerships"))),
        ("Recognition", localized(eu_field("appreciation"))),
        ("Field of education (ISCED-F)", {
            let uri = text(eu_field("iscedF"));
            if uri.is_empty() {
                uri
            } else {
                concept_code(&uri)
            }
        }),
        ("More", text(eu_field("homepage"))),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(label, v)| format!("{label}: {v}"))
    .collect();

    MicroCredentialStatement {
        id: text(credential.get("id")),
        title,
        typology: eu_field("typology")
            .and_then(|t| serde_json::from_value::<Typology>(t.clone()).ok()),
        description: text(achievement.and_then(|a| a.get("description"))),
        learner_name: text(subject.and_then(|s| s.get("name"))),
        birth_date: text(learner.and_then(|l| l.get("birthDate"))),
        nationality: list(learner.and_then(|l| l.get("nationality")))
            .into_iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        student_ids: list(learner.and_then(|l| l.get("studentId")))
            .into_iter()
            .filter_map(|id| {
                Some((
                    id.get("identifier")?.as_str()?.to_owned(),
                    id.get("university")?.as_str()?.to_owned(),
                ))
            })
            .collect(),
        issuer_id: match issuer {
            Some(Value::String(id)) => id.clone(),
            other => text(other.and_then(|i| i.get("id"))),
        },
        issuer_name: text(issuer.and_then(|i| i.get("name"))),
        issuer_country,
        awarding_bodies: list(eu_field("awardingBody"))
            .into_iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        date_of_issuing,
        valid_until: text(credential.get("validUntil")),
        ects,
        workload_hours: eu_field("workloadHours").and_then(Value::as_u64),
        eqf_level: {
            let uri = text(eu_field("eqfLevel"));
            if uri.is_empty() {
                uri
            } else {
                concept_code(&uri)
            }
        },
        qf_ehea_cycle: words(&text(eu_field("qfEheaCycle"))),
        nqf_level: text(eu_field("nqfLevel")),
        level_not_applicable: localized(eu_field("levelNotApplicable")),
        learning_outcomes: list(eu_field("learningOutcome"))
            .into_iter()
            .map(|o| localized(o.get("text")))
            .filter(|o| !o.is_empty())
            .collect(),
        participation: [
            "participationMode",
            "participationOrganisation",
            "participationTimeframe",
        ]
        .iter()
        .map(|f| words(&text(eu_field(f))))
        .filter(|v| !v.is_empty())
        .collect(),
        prerequisites: localized(eu_field("prerequisites")),
        assessment_methods: list(eu_field("assessmentMethod"))
            .into_iter()
            .filter_map(Value::as_str)
            .map(words)
            .collect(),
        assessment_description: localized(eu_field("assessmentDescription")),
        supervision: words(&text(eu_field("supervision"))),
        quality_assurance,
        grade: list(subject.and_then(|s| s.get("result")))
            .into_iter()
            .map(|r| text(r.get("value")))
            .find(|g| !g.is_empty())
            .unwrap_or_default(),
        grading_scheme: text(eu_field("gradingScheme")),
        grading_description: localized(eu_field("gradingDescription")),
        stackability: words(&text(eu_field("stackability"))),
        stackable_towards: localized(eu_field("stackableTowards")),
        course_elements: list(eu_field("courseElement"))
            .into_iter()
            .map(|e| StatedCourseElement {
                title: localized(e.get("title")),
                delivered_by: text(e.get("deliveredBy")),
                code: text(e.get("courseCode")),
                ects: text(e.get("ectsCredits")),
                hours: text(e.get("workloadHours")),
                eqf: {
                    let uri = text(e.get("eqfLevel"));
                    if uri.is_empty() {
                        uri
                    } else {
                        concept_code(&uri)
                    }
                },
            })
            .filter(|e| !e.title.is_empty())
            .collect(),
        languages: list(eu_field("instructionLanguage"))
            .into_iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        further_information,
    }
}

impl MicroCredentialStatement {
    /// Element 1: the learner's name, date of birth and student identifiers.
    pub fn learner_line(&self) -> String {
        let mut parts = vec![self.learner_name.clone()];
        if !self.birth_date.is_empty() {
            parts.push(format!("born {}", self.birth_date));
        }
        if !self.nationality.is_empty() {
            parts.push(format!("nationality {}", self.nationality.join(", ")));
        }
        for (id, university) in &self.student_ids {
            parts.push(format!("student {id} at {university}"));
        }
        parts.retain(|p| !p.is_empty());
        parts.join("; ")
    }

    /// Element 6 in a line.
    pub fn workload_line(&self) -> String {
        match (self.ects.is_empty(), self.workload_hours) {
            (false, Some(h)) => format!("{} ECTS ({h} hours)", self.ects),
            (false, None) => format!("{} ECTS", self.ects),
            (true, Some(h)) => format!("{h} hours"),
            (true, None) => String::new(),
        }
    }

    /// Element 7 in a line.
    pub fn level_line(&self) -> String {
        let mut parts = Vec::new();
        if !self.eqf_level.is_empty() {
            parts.push(format!("EQF level {}", self.eqf_level));
        }
        if !self.qf_ehea_cycle.is_empty() {
            parts.push(format!("QF-EHEA {} cycle", self.qf_ehea_cycle));
        }
        if !self.nqf_level.is_empty() {
            parts.push(format!("NQF {}", self.nqf_level));
        }
        if parts.is_empty() {
            self.level_not_applicable.clone()
        } else {
            parts.join(", ")
        }
    }

    /// Element 11 in a line.
    pub fn assessment_line(&self) -> String {
        let methods = self.assessment_methods.join(", ");
        match (methods.is_empty(), self.assessment_description.is_empty()) {
            (false, false) => format!("{methods}: {}", self.assessment_description),
            (false, true) => methods,
            (true, _) => self.assessment_description.clone(),
        }
    }

    /// Element 14 in a line.
    pub fn grade_line(&self) -> String {
        match (self.grade.is_empty(), self.grading_scheme.is_empty()) {
            (false, false) => format!("{} ({})", self.grade, self.grading_scheme),
            (false, true) => self.grade.clone(),
            (true, _) => String::new(),
        }
    }

    /// Element 15 in a line.
    pub fn stackability_line(&self) -> String {
        if self.stackable_towards.is_empty() {
            self.stackability.clone()
        } else {
            format!("{}, towards {}", self.stackability, self.stackable_towards)
        }
    }

    /// The course elements in a line.
    pub fn course_elements_line(&self) -> String {
        self.course_elements
            .iter()
            .map(|e| {
                let ects = if e.ects.is_empty() {
                    String::new()
                } else {
                    format!(", {} ECTS", e.ects)
                };
                format!("{} ({}{ects})", e.title, e.delivered_by)
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Element 16: languages of instruction, the course elements, and the rest.
    pub fn further_information_line(&self) -> String {
        let mut parts = Vec::new();
        if !self.languages.is_empty() {
            parts.push(format!("Languages: {}", self.languages.join(", ")));
        }
        parts.extend(self.further_information.iter().cloned());
        parts.join("; ")
    }

    /// The 16 elements of the EU standard in their order, each with what the credential
    /// states about it in full (empty when it states nothing).
    pub fn elements(&self) -> Vec<(StandardElement, String)> {
        StandardElement::all()
            .map(|element| {
                use StandardElement::*;
                let value = match element {
                    Learner => self.learner_line(),
                    Title => self.title.clone(),
                    Country => self.issuer_country.clone(),
                    AwardingBody => self.issuer_name.clone(),
                    DateOfIssuing => self.date_of_issuing.clone(),
                    Workload => self.workload_line(),
                    Level => self.level_line(),
                    LearningOutcomes => self.learning_outcomes.join(" "),
                    FormOfParticipation => self.participation.join(", "),
                    Prerequisites => self.prerequisites.clone(),
                    Assessment => self.assessment_line(),
                    Supervision => self.supervision.clone(),
                    QualityAssurance => self.quality_assurance.clone(),
                    Grade => self.grade_line(),
                    Stackability => self.stackability_line(),
                    FurtherInformation => self.further_information_line(),
                };
                (element, value)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_element_is_read_from_what_was_signed() {
        let credential = json!({
            "id": "urn:uuid:1",
            "issuer": { "id": "did:web:x:u:tum", "name": "TUM", "address": { "addressCountry": "Germany" } },
            "validFrom": "2026-07-15T00:00:00Z",
            "credentialSubject": {
                "name": "Zoë Łukasiewicz",
                "learner": { "birthDate": "2001-02-03", "studentId": [{ "identifier": "ge1", "university": "TUM" }] },
                "result": [{ "value": "1.3" }],
                "achievement": {
                    "name": "Green Ventures",
                    "euMicroCredential": {
                        "typology": "academic-certificate",
                        "ectsCredits": "6", "workloadHours": 180,
                        "eqfLevel": "http://data.europa.eu/snb/eqf/7",
                        "learningOutcome": [{ "text": { "en": "Evaluate." } }, { "text": { "de": "Bewerten." } }],
                        "gradingScheme": "TUM 1.0-5.0",
                        "courseElement": [{ "title": { "en": "Design" }, "deliveredBy": "TUM", "ectsCredits": "3", "eqfLevel": "http://data.europa.eu/snb/eqf/7" }],
                        "instructionLanguage": ["en"],
                    }
                }
            }
        });
        let statement = read_statement(&credential);
        assert_eq!(statement.typology, Some(Typology::AcademicCertificate));
        assert_eq!(statement.learning_outcomes, ["Evaluate.", "Bewerten."]);
        assert_eq!(statement.course_elements[0].eqf, "7");
        let elements = statement.elements();
        assert_eq!(elements.len(), 16);
        let value = |e: StandardElement| {
            elements
                .iter()
                .find(|(x, _)| *x == e)
                .map(|(_, v)| v.as_str())
                .unwrap()
        };
        assert_eq!(
            value(StandardElement::Learner),
            "Zoë Łukasiewicz; born 2001-02-03; student ge1 at TUM"
        );
        assert_eq!(value(StandardElement::Workload), "6 ECTS (180 hours)");
        assert_eq!(value(StandardElement::Level), "EQF level 7");
        assert_eq!(value(StandardElement::DateOfIssuing), "2026-07-15");
        assert_eq!(value(StandardElement::Grade), "1.3 (TUM 1.0-5.0)");
        assert_eq!(value(StandardElement::Prerequisites), "");
        assert_eq!(value(StandardElement::FurtherInformation), "Languages: en");
    }
}
