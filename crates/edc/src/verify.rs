//! Verifying a European Digital Credential — ours, the EU's samples, anyone's — in the same
//! verdict model and checks as Open Badges: `format` (the generic profile's required
//! properties), `proof` (the JAdES seal over the sealed bytes), `certificate` (valid at the
//! signing time, for signing), `issuer` (the seal's chain to a certification authority the
//! alliance trusts, and the seal naming the credential's issuer), `validity`, `status`.

use serde_json::Value;

use microcred_credentials::datetime::DateTime;
use microcred_credentials::open_badges::{Statement, describe_statement};
use microcred_credentials::statement::{MicroCredentialStatement, StatedCourseElement};
use microcred_credentials::verify::{
    Check, Context, Report, Status, Verdict, raise, status, validity_between,
};

use crate::credential::{CREDENTIALS_V1, EDC_AP};
use crate::seal::{OpenedSeal, SealFailure, open};
use crate::x509::SealCertificate;

/// Certificates a chain may pass through before it must reach a trusted one.
const MAX_CHAIN: usize = 8;

fn check(name: &'static str, status: Status, detail: impl Into<String>) -> Check {
    Check {
        name,
        status,
        detail: detail.into(),
    }
}

/// Whether `document` is an EDC: sealed (a JWS JSON serialization whose payload is one), or
/// its JSON-LD credential.
pub fn is_edc(document: &Value) -> bool {
    let is_edc_credential = |v: &Value| {
        v.get("type")
            .is_some_and(|t| t.to_string().contains("\"EuropeanDigitalCredential\""))
    };
    if is_edc_credential(document) {
        return true;
    }
    document
        .get("payload")
        .and_then(Value::as_str)
        .is_some_and(|p| p.contains("\"EuropeanDigitalCredential\""))
}

/// What the generic profile requires of an EDC that is missing, by path: an empty list means
/// the structure SHACL checks first is there.
pub fn missing_required(credential: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    let contexts = credential
        .get("@context")
        .map(Value::to_string)
        .unwrap_or_default();
    for context in [CREDENTIALS_V1, EDC_AP] {
        if !contexts.contains(context) {
            missing.push(format!("@context: {context}"));
        }
    }
    for path in [
        "/id",
        "/credentialProfiles",
        "/displayParameter",
        "/credentialSchema",
        "/issued",
        "/validFrom",
        "/issuer/id",
        "/issuer/legalName",
        "/issuer/location",
        "/issuer/eIDASIdentifier",
        "/credentialSubject",
        "/credentialSubject/hasClaim",
    ] {
        if credential.pointer(path).is_none_or(Value::is_null) {
            missing.push(path.trim_start_matches('/').replace('/', "."));
        }
    }
    missing
}

/// Follows the seal's certificate to a trusted one: each certificate signed by the next, found
/// among those the seal carries; the chain ends at a trust anchor (by identity, or as the
/// issuer that signed the last certificate). Returns the subjects passed, or why it fails.
fn chain_to_anchor(seal: &OpenedSeal, anchors: &[SealCertificate]) -> Result<Vec<String>, String> {
    let mut current = seal.certificate.clone();
    let mut path = vec![current.subject()];
    for _ in 0..MAX_CHAIN {
        if anchors.contains(&current) {
            return Ok(path);
        }
        if let Some(anchor) = anchors
            .iter()
            .find(|a| current.is_issued_by_name(a) && current.is_signed_by(a).unwrap_or(false))
        {
            path.push(anchor.subject());
            return Ok(path);
        }
        if current.is_self_issued() {
            return Err(format!(
                "{} is self-signed and not in the trust list",
                current.subject()
            ));
        }
        let Some(next) = seal
            .other_certificates
            .iter()
            .find(|c| current.is_issued_by_name(c) && current.is_signed_by(c).unwrap_or(false))
        else {
            return Err(format!(
                "the issuer of {} ({}) is not a certification authority the trust list names",
                current.subject(),
                current.issuer()
            ));
        };
        current = next.clone();
        path.push(current.subject());
    }
    Err("the certificate chain is longer than microcred follows".into())
}

/// Verifies an EDC: sealed, or (reported as not sealed) its bare JSON-LD credential.
/// `anchors` are the certification authorities (or seal certificates) the alliance trusts.
pub fn verify_edc(document: &Value, context: &Context<'_>, anchors: &[SealCertificate]) -> Report {
    let mut checks = Vec::new();
    let mut verdict = None;

    let (credential, seal) = if document.get("@context").is_some() {
        (document.clone(), None)
    } else {
        match open(document) {
            Ok(seal) => match serde_json::from_str::<Value>(&seal.payload) {
                Ok(credential) => (credential, Some(seal)),
                Err(e) => {
                    checks.push(check(
                        "format",
                        Status::Failed,
                        format!("the sealed payload is not JSON: {e}"),
                    ));
                    return Report::new(checks, Some(Verdict::Malformed));
                }
            },
            Err(failure) => {
                let (name, found) = match &failure {
                    SealFailure::Malformed(_) => ("format", Verdict::Malformed),
                    SealFailure::Unsupported(_) => ("proof", Verdict::Unsupported),
                    SealFailure::CertificateDigest | SealFailure::Mismatch(_) => {
                        ("proof", Verdict::Tampered)
                    }
                };
                checks.push(check(name, Status::Failed, failure.to_string()));
                return Report::new(checks, Some(found));
            }
        }
    };

    let missing = missing_required(&credential);
    if missing.is_empty() {
        checks.push(check(
            "format",
            Status::Ok,
            "a European Digital Credential (ELM 3.2, VC 1.1 envelope) with the generic profile's required properties",
        ));
    } else {
        checks.push(check(
            "format",
            Status::Failed,
            format!(
                "a European Digital Credential lacking what the generic profile requires: {}",
                missing.join(", ")
            ),
        ));
        raise(&mut verdict, Verdict::Malformed);
    }

    let Some(seal) = seal else {
        checks.push(check(
            "proof",
            Status::Failed,
            "not sealed: an EDC is authentic only with its issuer's JAdES seal",
        ));
        raise(&mut verdict, Verdict::Malformed);
        return Report::new(checks, verdict);
    };
    let certificate = &seal.certificate;
    let mut proof = format!(
        "JAdES {} seal ({}) by {}: the signature over the sealed bytes holds",
        seal.level.name(),
        seal.algorithm,
        certificate.subject()
    );
    for line in &seal.timestamps {
        proof.push_str("; ");
        proof.push_str(line);
    }
    checks.push(check("proof", Status::Ok, proof));

    // The certificate when it sealed: a seal made with an expired certificate is not one.
    let at = seal.signing_time.unwrap_or(context.now);
    let when = match seal.signing_time {
        Some(t) => format!("at the signing time {t}"),
        None => format!("now ({at}; the seal states no signing time)"),
    };
    let period = format!("{} → {}", certificate.not_before(), certificate.not_after());
    if !certificate.valid_at(at) {
        let word = if at < certificate.not_before() {
            "not yet valid"
        } else {
            "expired"
        };
        checks.push(check(
            "certificate",
            Status::Failed,
            format!("the seal's certificate was {word} {when} (valid {period})"),
        ));
        raise(&mut verdict, Verdict::CertificateInvalid);
    } else if certificate.allows_sealing() == Some(false) {
        checks.push(check(
            "certificate",
            Status::Failed,
            "the seal's certificate's key usage does not allow signing",
        ));
        raise(&mut verdict, Verdict::CertificateInvalid);
    } else {
        checks.push(check(
            "certificate",
            Status::Ok,
            format!("valid {when} (valid {period}), for signing"),
        ));
    }

    // Who sealed: the certificate must lead to a trusted authority, and name the issuer.
    let issuer_name = credential
        .pointer("/issuer/legalName")
        .and_then(first_text)
        .unwrap_or_default();
    let stated_id = credential
        .pointer("/issuer/eIDASIdentifier/notation")
        .and_then(Value::as_str);
    let sealed_id = certificate.organization_identifier();
    let self_signed = certificate.is_self_issued();
    if let (Some(stated), Some(sealed)) = (stated_id, sealed_id.as_deref())
        && stated != sealed
    {
        checks.push(check(
            "issuer",
            Status::Failed,
            format!(
                "the credential names its issuer {issuer_name} by {stated}, but the seal's certificate is of {sealed}"
            ),
        ));
        raise(&mut verdict, Verdict::UnknownIssuer);
    } else if anchors.is_empty() && context.trust.is_none() {
        checks.push(check(
            "issuer",
            Status::Skipped,
            format!(
                "no trust list given: the seal of {} is not checked against one",
                certificate.subject()
            ),
        ));
    } else {
        match chain_to_anchor(&seal, anchors) {
            Ok(path) => {
                let note = if self_signed {
                    " — a self-signed seal, not an eIDAS e-seal from a trust service provider"
                } else {
                    ""
                };
                checks.push(check(
                    "issuer",
                    Status::Ok,
                    format!(
                        "sealed by {issuer_name}: {} leads to a trusted authority{note}",
                        path.join(" → ")
                    ),
                ));
            }
            Err(why) => {
                checks.push(check("issuer", Status::Failed, why));
                raise(&mut verdict, Verdict::UnknownIssuer);
            }
        }
    }

    checks.push(validity(&credential, context.now, &mut verdict));
    let issuer_id = credential
        .pointer("/issuer/id")
        .and_then(Value::as_str)
        .unwrap_or("");
    checks.push(status(&credential, issuer_id, context, &mut verdict));
    Report::new(checks, verdict)
}

/// An EDC is valid from `validFrom` until `expirationDate` (VC 1.1 names).
fn validity(credential: &Value, now: DateTime, verdict: &mut Option<Verdict>) -> Check {
    let read = |key: &str| {
        credential
            .get(key)
            .and_then(Value::as_str)
            .and_then(DateTime::parse)
    };
    validity_between(read("validFrom"), read("expirationDate"), now, verdict)
}

/// The English text of a language map (or its first language).
fn first_text(map: &Value) -> Option<String> {
    match map {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o
            .get("en")
            .or_else(|| o.values().next())
            .and_then(|v| match v {
                Value::Array(list) => list.first().and_then(Value::as_str),
                other => other.as_str(),
            })
            .map(str::to_owned),
        Value::Array(list) => list.first().and_then(first_text),
        _ => None,
    }
}

fn one_or_many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![one],
    }
}

fn labels(value: Option<&Value>) -> Vec<String> {
    one_or_many(value)
        .into_iter()
        .filter_map(|c| c.get("prefLabel").and_then(first_text))
        .collect()
}

fn get<'v>(value: Option<&'v Value>, key: &str) -> Option<&'v Value> {
    value.and_then(|v| v.get(key))
}

/// The credential inside a sealed EDC (or the document itself when it is the credential).
pub fn credential_of(document: &Value) -> Option<Value> {
    if document.get("@context").is_some() {
        return Some(document.clone());
    }
    document
        .get("payload")
        .and_then(Value::as_str)
        .and_then(|p| serde_json::from_str(p).ok())
}

/// What an EDC states, read from the credential (the sealed bytes) as the 16 elements: the
/// first claim's achievement, its awarding process and its specification. The same statement
/// Open Badges credentials are read into, so pages and reports show both formats alike.
pub fn read_edc_statement(document: &Value) -> MicroCredentialStatement {
    let Some(credential) = credential_of(document) else {
        return MicroCredentialStatement::default();
    };
    let subject = credential.get("credentialSubject");
    let claim = subject
        .map(|s| one_or_many(s.get("hasClaim")))
        .and_then(|c| c.into_iter().next());
    let spec = get(claim, "specifiedBy");
    let text = |v: Option<&Value>| v.and_then(first_text).unwrap_or_default();
    let awarding = claim.and_then(|c| one_or_many(c.get("awardedBy")).into_iter().next());
    let bodies = one_or_many(get(awarding, "awardingBody"));
    let issuer = credential.get("issuer");
    let country_of = |org: Option<&Value>| {
        one_or_many(org.and_then(|o| o.get("location")))
            .into_iter()
            .find_map(|l| {
                l.pointer("/address/countryCode/prefLabel")
                    .and_then(first_text)
            })
            .unwrap_or_default()
    };
    let mut s = MicroCredentialStatement {
        id: text(credential.get("id")),
        title: text(claim.and_then(|c| c.get("title"))),
        description: text(get(spec, "description")),
        learner_name: text(subject.and_then(|s| s.get("fullName"))),
        birth_date: text(subject.and_then(|s| s.get("dateOfBirth")))
            .chars()
            .take(10)
            .collect(),
        nationality: labels(subject.and_then(|s| s.get("citizenshipCountry"))),
        issuer_id: text(issuer.and_then(|i| i.get("id"))),
        // Element 4 is the awarding bodies, which may differ from the issuer that sealed (the
        // EU's issuer seals for awarding bodies by mandate).
        issuer_name: if bodies.is_empty() {
            text(issuer.and_then(|i| i.get("legalName")))
        } else {
            bodies
                .iter()
                .map(|b| text(b.get("legalName")))
                .collect::<Vec<_>>()
                .join("; ")
        },
        issuer_country: country_of(bodies.first().copied().or(issuer)),
        awarding_bodies: bodies
            .iter()
            .filter_map(|b| b.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect(),
        date_of_issuing: get(awarding, "awardingDate")
            .or_else(|| credential.get("issued"))
            .and_then(Value::as_str)
            .map(|d| d.chars().take(10).collect())
            .unwrap_or_default(),
        valid_until: text(credential.get("expirationDate")),
        ..MicroCredentialStatement::default()
    };
    s.student_ids = one_or_many(subject.and_then(|p| p.get("identifier")))
        .into_iter()
        .filter_map(|id| {
            let value = id.get("notation").and_then(Value::as_str)?;
            let scheme = id.get("schemeName").and_then(Value::as_str).unwrap_or("");
            Some((
                value.to_owned(),
                scheme
                    .strip_prefix("Student id at ")
                    .unwrap_or(scheme)
                    .to_owned(),
            ))
        })
        .collect();
    for credit in one_or_many(get(spec, "creditPoint")) {
        let ects = credit
            .pointer("/framework/id")
            .and_then(Value::as_str)
            .is_some_and(|f| f.ends_with("/education-credit/6fcec5c5af"));
        if ects {
            s.ects = text(credit.get("point"));
        }
    }
    s.workload_hours = get(spec, "volumeOfLearning")
        .and_then(Value::as_str)
        .and_then(|d| d.strip_prefix("PT")?.strip_suffix('H')?.parse().ok());
    s.eqf_level = get(spec, "eqfLevel")
        .and_then(|l| l.get("id"))
        .and_then(Value::as_str)
        .and_then(|id| id.strip_prefix("http://data.europa.eu/snb/eqf/"))
        .unwrap_or("")
        .to_owned();
    s.learning_outcomes = one_or_many(get(spec, "learningOutcome"))
        .into_iter()
        .filter_map(|o| o.get("title").and_then(first_text))
        .collect();
    s.participation = labels(get(spec, "mode"));
    s.participation.extend(labels(get(spec, "learningSetting")));
    s.prerequisites = text(get(spec, "entryRequirement").and_then(|n| n.get("noteLiteral")));
    let assessment = claim.and_then(|c| one_or_many(c.get("provenBy")).into_iter().next());
    let assessment_spec = get(assessment, "specifiedBy");
    s.assessment_methods = labels(get(assessment_spec, "dcType"));
    s.assessment_description = text(get(assessment_spec, "description"));
    s.supervision = labels(get(assessment, "idVerification")).join(", ");
    s.grade = text(get(assessment, "grade").and_then(|g| g.get("noteLiteral")));
    s.grading_scheme = text(get(get(assessment_spec, "gradingScheme"), "title"));
    s.grading_description = text(get(get(assessment_spec, "gradingScheme"), "description"));
    match get(spec, "isPartialQualification").and_then(Value::as_bool) {
        Some(true) => s.stackability = "stackable".into(),
        Some(false) => s.stackability = "stand-alone".into(),
        None => {}
    }
    s.stackable_towards = one_or_many(get(spec, "isPartOf"))
        .into_iter()
        .filter_map(|q| q.get("title").and_then(first_text))
        .collect::<Vec<_>>()
        .join("; ");
    s.course_elements = one_or_many(claim.and_then(|c| c.get("hasPart")))
        .into_iter()
        .filter_map(|part| {
            let title = part.get("title").and_then(first_text)?;
            let part_spec = part.get("specifiedBy");
            let delivered_by = one_or_many(part.pointer("/awardedBy/awardingBody"))
                .into_iter()
                .find_map(|b| b.get("legalName").and_then(first_text))
                .unwrap_or_default();
            let ects = one_or_many(get(part_spec, "creditPoint"))
                .into_iter()
                .find_map(|c| c.get("point").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_default();
            Some(StatedCourseElement {
                title,
                delivered_by,
                code: one_or_many(get(part_spec, "identifier"))
                    .into_iter()
                    .find_map(|i| i.get("notation").and_then(Value::as_str).map(str::to_owned))
                    .unwrap_or_default(),
                ects,
                hours: get(part_spec, "volumeOfLearning")
                    .and_then(Value::as_str)
                    .and_then(|d| d.strip_prefix("PT")?.strip_suffix('H'))
                    .unwrap_or("")
                    .to_owned(),
                eqf: get(part_spec, "eqfLevel")
                    .and_then(|l| l.get("id"))
                    .and_then(Value::as_str)
                    .and_then(|id| id.rsplit('/').next())
                    .unwrap_or("")
                    .to_owned(),
            })
        })
        .collect();
    s.languages = labels(get(spec, "language"));
    for note in one_or_many(get(spec, "additionalNote")) {
        let line = text(note.get("noteLiteral"));
        if let Some(qa) = line.strip_prefix("Quality assurance: ") {
            if s.quality_assurance.is_empty() {
                s.quality_assurance = qa.to_owned();
            }
        } else if !line.is_empty() {
            s.further_information.push(line);
        }
    }
    for field in labels(get(spec, "thematicArea")) {
        s.further_information.push(format!("Field: {field}"));
    }
    s
}

/// What an EDC states, in plain language, in the order of the EU standard's elements.
pub fn describe_edc(document: &Value) -> Vec<Statement> {
    describe_statement(&read_edc_statement(document))
}
