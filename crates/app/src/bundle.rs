//! A stacked credential's bundle: the stacked credential with its components, as one W3C
//! Verifiable Presentation a learner downloads and hands over. Each credential keeps its own
//! proof; the stacked credential names each component by the digest of its document
//! (`relatedResource[].digestMultibase`), so the bundle needs no signature of its own: a
//! component swapped or changed no longer matches. A VC-JWT component rides as an
//! `EnvelopedVerifiableCredential` (a `data:` URL), as VC 2.0 carries JWTs in presentations.

use serde::Serialize;
use serde_json::{Value, json};

use microcred_credentials::jsonld::bundled::CREDENTIALS_V2;
use microcred_credentials::vc::{ComponentDocument, component_digest};
use microcred_credentials::verify::{Report, Status};

/// Credentials at most in a bundle (the stacked one and its components).
pub const MAX_BUNDLED: usize = 64;

/// The presentation of `stacked` and its `components` (JSON credentials, or VC-JWTs as
/// strings).
pub fn bundle(stacked: &Value, components: &[Value]) -> Value {
    let mut credentials = vec![stacked.clone()];
    credentials.extend(components.iter().map(|c| match c {
        Value::String(jwt) => json!({
            "@context": [CREDENTIALS_V2],
            "id": format!("data:application/vc+jwt,{jwt}"),
            "type": "EnvelopedVerifiableCredential",
        }),
        other => other.clone(),
    }));
    json!({
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": credentials,
    })
}

/// Whether a document is a presentation (a bundle).
pub fn is_presentation(document: &Value) -> bool {
    match document.get("type") {
        Some(Value::String(t)) => t == "VerifiablePresentation",
        Some(Value::Array(types)) => types.iter().any(|t| t == "VerifiablePresentation"),
        _ => false,
    }
}

/// A component a stacked credential references, as found (or not) in its bundle.
#[derive(Clone, Debug, Serialize)]
pub struct BundledComponent {
    /// The id the stacked credential gives it.
    pub id: String,
    /// Its name, from the stacked credential's evidence.
    pub name: String,
    /// Whether the bundle holds a document with its digest.
    pub present: bool,
    /// That document's own verification, when present.
    pub report: Option<Report>,
}

/// A bundle's verification: the stacked credential's, and each component's.
#[derive(Clone, Debug, Serialize)]
pub struct BundleReport {
    /// Whether the stacked credential verified, and every component it references is in the
    /// bundle unchanged and verified.
    pub verified: bool,
    /// The stacked credential's own verification.
    pub stacked: Report,
    /// Its components, in its order.
    pub components: Vec<BundledComponent>,
    /// Credentials in the bundle the stacked credential does not reference.
    pub unreferenced: usize,
}

/// Why a document is not a bundle microcred can check.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("the presentation holds no credential")]
    /// No `verifiableCredential`.
    Empty,
    #[error("the presentation holds {0} credentials; at most {MAX_BUNDLED} are read")]
    /// Too many credentials.
    TooMany(usize),
}

/// The credential a bundle entry is: a VC-JWT for an enveloped one (as the digest reads it),
/// else the JSON credential.
fn entry_document(entry: &Value) -> Value {
    let enveloped = entry
        .get("id")
        .and_then(Value::as_str)
        .and_then(|id| id.strip_prefix("data:application/vc+jwt,"))
        .filter(|_| {
            entry
                .get("type")
                .is_some_and(|t| t.to_string().contains("EnvelopedVerifiableCredential"))
        });
    match enveloped {
        Some(jwt) => Value::String(jwt.to_owned()),
        None => entry.clone(),
    }
}

/// Verifies a bundle: the first credential is the stacked one; each of its
/// `relatedResource` digests must match a credential of the bundle, which is verified in turn
/// with `verify`.
pub fn verify_bundle(
    presentation: &Value,
    verify: impl Fn(&Value) -> Report,
) -> Result<BundleReport, BundleError> {
    let entries: Vec<Value> = match presentation.get("verifiableCredential") {
        Some(Value::Array(list)) => list.iter().map(entry_document).collect(),
        Some(one) => vec![entry_document(one)],
        None => Vec::new(),
    };
    if entries.len() > MAX_BUNDLED {
        return Err(BundleError::TooMany(entries.len()));
    }
    let (stacked, rest) = entries.split_first().ok_or(BundleError::Empty)?;
    let mut stacked_report = verify(stacked);
    // Alone, a stacked credential's report says its components were not checked: here they are.
    stacked_report.checks.retain(|c| c.name != "components");
    let digests: Vec<String> = rest
        .iter()
        .map(|d| match d {
            Value::String(jwt) => component_digest(&ComponentDocument::Compact(jwt)),
            other => component_digest(&ComponentDocument::Json(other)),
        })
        .collect();
    let signed = signed_credential(stacked);
    let evidence = signed.get("evidence").cloned().unwrap_or(Value::Null);
    let name_of = |id: &str| -> String {
        let list = match &evidence {
            Value::Array(list) => list.clone(),
            Value::Null => Vec::new(),
            one => vec![one.clone()],
        };
        list.iter()
            .find(|e| e.get("id").and_then(Value::as_str) == Some(id))
            .and_then(|e| e.get("name").and_then(Value::as_str))
            .unwrap_or_default()
            .to_owned()
    };
    let related = match signed.get("relatedResource") {
        Some(Value::Array(list)) => list.clone(),
        Some(one) => vec![one.clone()],
        None => Vec::new(),
    };
    let mut used = vec![false; rest.len()];
    let mut components = Vec::new();
    for resource in &related {
        let Some(id) = resource.get("id").and_then(Value::as_str) else {
            continue;
        };
        let Some(digest) = resource.get("digestMultibase").and_then(Value::as_str) else {
            continue;
        };
        // Contexts and other resources are not components: only evidence entries are.
        if name_of(id).is_empty() && !evidence.is_null() {
            continue;
        }
        let found = digests.iter().position(|d| d == digest);
        if let Some(i) = found {
            used[i] = true;
        }
        components.push(BundledComponent {
            id: id.to_owned(),
            name: name_of(id),
            present: found.is_some(),
            report: found.map(|i| verify(&rest[i])),
        });
    }
    let verified = stacked_report.verified
        && components
            .iter()
            .all(|c| c.present && c.report.as_ref().is_some_and(|r| r.verified));
    Ok(BundleReport {
        verified,
        stacked: stacked_report,
        unreferenced: used.iter().filter(|u| !**u).count(),
        components,
    })
}

/// The stacked credential as signed (a VC-JWT's payload credential, or the JSON itself).
fn signed_credential(stacked: &Value) -> Value {
    crate::verify::credential_inside(stacked)
}

impl BundleReport {
    /// One line per component, for people: its name, whether it is there unchanged, and its
    /// own verdict.
    pub fn component_lines(&self) -> Vec<(Status, String)> {
        self.components
            .iter()
            .map(|c| {
                let name = if c.name.is_empty() { &c.id } else { &c.name };
                match &c.report {
                    None => (
                        Status::Failed,
                        format!(
                            "{name}: not in the bundle, or changed (no credential has its digest)"
                        ),
                    ),
                    Some(r) if r.verified => (
                        Status::Ok,
                        format!("{name}: present, unchanged, {}", r.verdict.sentence()),
                    ),
                    Some(r) => (
                        Status::Failed,
                        format!(
                            "{name}: present and unchanged, but {}",
                            r.verdict.sentence()
                        ),
                    ),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use microcred_credentials::verify::{Check, Verdict};

    fn valid(_: &Value) -> Report {
        Report::new(
            vec![Check {
                name: "proof",
                status: Status::Ok,
                detail: "fine".into(),
            }],
            None,
        )
    }

    #[test]
    fn a_bundle_holds_its_components_by_digest() {
        let component = json!({ "id": "urn:a", "name": "A" });
        let jwt = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln";
        let stacked = json!({
            "id": "urn:stacked",
            "evidence": [{ "id": "urn:a", "name": "A" }, { "id": "urn:b", "name": "B" }],
            "relatedResource": [
                { "id": "urn:a", "digestMultibase": component_digest(&ComponentDocument::Json(&component)) },
                { "id": "urn:b", "digestMultibase": component_digest(&ComponentDocument::Compact(jwt)) }
            ]
        });
        let whole = bundle(&stacked, &[component.clone(), Value::String(jwt.into())]);
        assert!(is_presentation(&whole));
        assert_eq!(
            whole["verifiableCredential"][2]["type"],
            "EnvelopedVerifiableCredential"
        );
        let report = verify_bundle(&whole, valid).unwrap();
        assert!(report.verified, "{report:?}");
        assert_eq!(report.components.len(), 2);
        assert_eq!(report.unreferenced, 0);
        // A component changed after the award no longer matches its digest.
        let mut changed = component.clone();
        changed["name"] = "A+".into();
        let report = verify_bundle(
            &bundle(&stacked, &[changed, Value::String(jwt.into())]),
            valid,
        )
        .unwrap();
        assert!(!report.verified);
        assert!(!report.components[0].present);
        assert_eq!(report.unreferenced, 1);
        assert!(report.component_lines()[0].1.contains("changed"));
        // A component whose own verification fails makes the bundle fail, and says why.
        let revoked = |_: &Value| Report::new(Vec::new(), Some(Verdict::Revoked));
        let report = verify_bundle(&whole, revoked).unwrap();
        assert!(!report.verified);
        assert_eq!(
            verify_bundle(&json!({ "type": "VerifiablePresentation" }), valid).err(),
            Some(BundleError::Empty)
        );
    }
}
