//! Verifying a European Digital Credential — ours, the EU's samples, anyone's — in the same
//! verdict model and checks as Open Badges: `format` (the generic profile's required
//! properties), `proof` (the JAdES seal over the sealed bytes), `certificate` (valid at the
//! signing time, for signing), `issuer` (the seal's chain to a certification authority the
//! alliance trusts, and the seal naming the credential's issuer), `validity`, `status`.

use serde_json::Value;

use microcred_credentials::datetime::DateTime;
use microcred_credentials::open_badges::Statement;
use microcred_credentials::verify::{Check, Context, Report, Status, Verdict, raise, status};

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
    let finish = |checks: Vec<Check>, verdict: Option<Verdict>| {
        let verdict = verdict.unwrap_or(Verdict::Valid);
        Report {
            verified: verdict == Verdict::Valid,
            verdict,
            checks,
        }
    };

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
                    return finish(checks, Some(Verdict::Malformed));
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
                return finish(checks, Some(found));
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
        return finish(checks, verdict);
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
    finish(checks, verdict)
}

/// An EDC is valid from `validFrom` until `expirationDate` (VC 1.1 names).
fn validity(credential: &Value, now: DateTime, verdict: &mut Option<Verdict>) -> Check {
    let read = |key: &str| {
        credential
            .get(key)
            .and_then(Value::as_str)
            .and_then(DateTime::parse)
    };
    let (from, until) = (read("validFrom"), read("expirationDate"));
    if let Some(from) = from
        && now < from
    {
        raise(verdict, Verdict::NotYetValid);
        return check(
            "validity",
            Status::Failed,
            format!("not valid before {from}"),
        );
    }
    if let Some(until) = until
        && now > until
    {
        raise(verdict, Verdict::Expired);
        return check("validity", Status::Failed, format!("expired on {until}"));
    }
    let detail = match (from, until) {
        (Some(from), Some(until)) => format!("valid from {from} until {until}"),
        (Some(from), None) => format!("valid from {from}, with no end"),
        (None, Some(until)) => format!("valid until {until}"),
        (None, None) => "no validity period is stated".into(),
    };
    check("validity", Status::Ok, detail)
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

/// What an EDC states, in plain language, in the order of the EU standard's elements: read
/// from the credential (the sealed bytes), the first claim's achievement and its specification.
pub fn describe_edc(document: &Value) -> Vec<Statement> {
    let Some(credential) = credential_of(document) else {
        return Vec::new();
    };
    let subject = credential.get("credentialSubject");
    let claim = subject
        .map(|s| one_or_many(s.get("hasClaim")))
        .and_then(|c| c.into_iter().next());
    let spec = claim.and_then(|c| c.get("specifiedBy"));
    let awarding = claim.and_then(|c| one_or_many(c.get("awardedBy")).into_iter().next());
    let bodies: Vec<String> = one_or_many(get(awarding, "awardingBody"))
        .into_iter()
        .map(|body| {
            let name = body
                .get("legalName")
                .and_then(first_text)
                .unwrap_or_default();
            let country = one_or_many(body.get("location")).into_iter().find_map(|l| {
                l.pointer("/address/countryCode/prefLabel")
                    .and_then(first_text)
            });
            match country {
                Some(country) => format!("{name} ({country})"),
                None => name,
            }
        })
        .collect();
    let credits: Vec<String> = one_or_many(get(spec, "creditPoint"))
        .into_iter()
        .filter_map(|c| {
            let point = c.get("point").and_then(Value::as_str)?;
            let framework = c.pointer("/framework/prefLabel").and_then(first_text);
            Some(match framework {
                Some(f) if f.contains("European Credit") => format!("{point} ECTS"),
                Some(f) => format!("{point} ({f})"),
                None => point.to_owned(),
            })
        })
        .collect();
    let mut workload = credits.join(", ");
    if let Some(hours) = get(spec, "volumeOfLearning").and_then(Value::as_str) {
        let hours = hours
            .strip_prefix("PT")
            .and_then(|h| h.strip_suffix('H'))
            .map(|h| format!("{h} hours"))
            .unwrap_or_else(|| hours.to_owned());
        workload = if workload.is_empty() {
            hours
        } else {
            format!("{workload} ({hours})")
        };
    }
    let outcomes: Vec<String> = one_or_many(get(spec, "learningOutcome"))
        .into_iter()
        .filter_map(|o| o.get("title").and_then(first_text))
        .collect();
    let assessment = claim.and_then(|c| one_or_many(c.get("provenBy")).into_iter().next());
    let assessment_spec = get(assessment, "specifiedBy");
    let grade = get(assessment, "grade")
        .and_then(|g| g.get("noteLiteral"))
        .and_then(first_text)
        .map(|grade| {
            match get(assessment_spec, "gradingScheme")
                .and_then(|s| s.get("title"))
                .and_then(first_text)
            {
                Some(scheme) => format!("{grade} ({scheme})"),
                None => grade,
            }
        })
        .unwrap_or_default();
    let parts: Vec<String> = one_or_many(claim.and_then(|c| c.get("hasPart")))
        .into_iter()
        .filter_map(|part| {
            let title = part.get("title").and_then(first_text)?;
            let by = one_or_many(part.pointer("/awardedBy/awardingBody"))
                .into_iter()
                .find_map(|b| b.get("legalName").and_then(first_text));
            Some(match by {
                Some(by) => format!("{title} ({by})"),
                None => title,
            })
        })
        .collect();
    let stackability = match get(spec, "isPartialQualification").and_then(Value::as_bool) {
        Some(true) => {
            let towards: Vec<String> = one_or_many(get(spec, "isPartOf"))
                .into_iter()
                .filter_map(|q| q.get("title").and_then(first_text))
                .collect();
            if towards.is_empty() {
                "part of a larger qualification".to_owned()
            } else {
                format!("part of {}", towards.join("; "))
            }
        }
        Some(false) => "stand-alone".to_owned(),
        None => String::new(),
    };
    let text = |v: Option<&Value>| v.and_then(first_text).unwrap_or_default();
    let lines = [
        ("Title", text(claim.and_then(|c| c.get("title")))),
        ("Description", text(get(spec, "description"))),
        ("Awarded to", text(subject.and_then(|s| s.get("fullName")))),
        ("Awarded by", bodies.join("; ")),
        (
            "Date of issuing",
            get(awarding, "awardingDate")
                .or_else(|| credential.get("issued"))
                .and_then(Value::as_str)
                .map(|d| d.get(..10).unwrap_or(d).to_owned())
                .unwrap_or_default(),
        ),
        ("Workload", workload),
        ("Level", labels(get(spec, "eqfLevel")).join(", ")),
        ("Learning outcomes", outcomes.join(" ")),
        (
            "Form of participation",
            labels(get(spec, "mode")).join(", "),
        ),
        (
            "Learning setting",
            labels(get(spec, "learningSetting")).join(", "),
        ),
        (
            "Prerequisites",
            text(get(spec, "entryRequirement").and_then(|n| n.get("noteLiteral"))),
        ),
        (
            "Assessment",
            labels(get(assessment_spec, "dcType")).join(", "),
        ),
        (
            "Supervision and identity verification",
            labels(get(assessment, "idVerification")).join(", "),
        ),
        ("Grade", grade),
        ("Stackability", stackability),
        ("Course elements", parts.join("; ")),
        (
            "Field (ISCED-F)",
            labels(get(spec, "thematicArea")).join(", "),
        ),
        ("Languages", labels(get(spec, "language")).join(", ")),
        ("Valid until", text(credential.get("expirationDate"))),
        ("Credential id", text(credential.get("id"))),
    ];
    lines
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(label, value)| Statement { label, value })
        .collect()
}
