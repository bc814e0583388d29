//! The shape the W3C Verifiable Credentials Data Model (2.0, and 1.1 for verification) requires
//! of credentials and presentations, beyond what JSON-LD itself checks: required properties,
//! identifiers that are URLs, typed entries, dates in order.

use base64::Engine;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::datetime::DateTime;
use crate::jsonld::bundled::{self, CREDENTIALS_V1, CREDENTIALS_V2};
use crate::jsonld::{self, JsonLdError};

/// One thing wrong with a credential or presentation, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where, as a path: `credentialSubject[1]`, `issuer.id`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "`{}`: {}", self.path, self.message)
        }
    }
}

/// How strict to be: issuance accepts only VC 2.0 with arrays where the model says "set";
/// verification also reads VC 1.1 credentials others issued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strictness {
    /// Issuing: contexts as an array, `type` as given by the spec's strict forms.
    Issue,
    /// Verifying: what others issue, read leniently where the model allows.
    Verify,
}

/// Which version of the data model a document follows, from its first context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// VC Data Model 1.1.
    V1,
    /// VC Data Model 2.0.
    V2,
}

struct Checker {
    problems: Vec<Problem>,
    strictness: Strictness,
}

impl Checker {
    fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.to_owned(),
            message: message.into(),
        });
    }

    fn finish(self) -> Result<(), Vec<Problem>> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(self.problems)
        }
    }
}

/// A URL as the data model means it: an absolute IRI with no spaces (`did:…`, `urn:…`,
/// `https://…`).
pub fn is_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    !rest.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn items(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

fn types(object: &Map<String, Value>) -> Vec<&str> {
    object
        .get("type")
        .map(items)
        .unwrap_or_default()
        .into_iter()
        .filter_map(Value::as_str)
        .collect()
}

/// The data model version of a document, from its first `@context` entry.
pub fn version(document: &Value) -> Option<Version> {
    let first = match document.get("@context")? {
        Value::Array(items) => items.first()?,
        other => other,
    };
    match first.as_str()? {
        CREDENTIALS_V2 => Some(Version::V2),
        CREDENTIALS_V1 => Some(Version::V1),
        _ => None,
    }
}

fn check_context(c: &mut Checker, object: &Map<String, Value>) -> Option<Version> {
    let Some(context) = object.get("@context") else {
        c.problem(
            "@context",
            "is missing: it must start with the VC 2.0 context",
        );
        return None;
    };
    if c.strictness == Strictness::Issue && !context.is_array() {
        c.problem("@context", "must be an array of contexts");
    }
    let list = items(context);
    for (i, entry) in list.iter().enumerate() {
        match entry {
            Value::String(url) if is_url(url) => {}
            Value::String(url) => {
                c.problem(&format!("@context[{i}]"), format!("`{url}` is not a URL"))
            }
            Value::Object(map) if !map.is_empty() => {}
            _ => c.problem(
                &format!("@context[{i}]"),
                "must be a context URL or a context object",
            ),
        }
    }
    let version = version(&Value::Object(object.clone()));
    match version {
        // VC 1.1 is still what many wallets, the VC API suites and Europass EDCs use: signed
        // as given, with the Data Integrity context added (see `add_proof`).
        Some(Version::V2 | Version::V1) => {}
        None => c.problem(
            "@context[0]",
            format!("must be `{CREDENTIALS_V2}` (or, for VC 1.1, `{CREDENTIALS_V1}`)"),
        ),
    }
    version
}

fn check_type(c: &mut Checker, object: &Map<String, Value>, required: &str, path: &str) {
    let at = if path.is_empty() {
        "type".to_owned()
    } else {
        format!("{path}.type")
    };
    match object.get("type") {
        None => c.problem(&at, format!("is missing: it must include `{required}`")),
        Some(Value::String(t)) if c.strictness == Strictness::Verify && t == required => {}
        Some(Value::Array(list)) if list.iter().all(Value::is_string) => {
            if !list.iter().any(|t| t == required) {
                c.problem(&at, format!("must include `{required}`"));
            }
        }
        Some(_) => c.problem(
            &at,
            format!("must be an array of type names including `{required}`"),
        ),
    }
}

/// `id` of an object, if present, must be one URL.
fn check_id(c: &mut Checker, object: &Map<String, Value>, path: &str) {
    let at = if path.is_empty() {
        "id".to_owned()
    } else {
        format!("{path}.id")
    };
    match object.get("id") {
        None => {}
        Some(Value::String(id)) if is_url(id) => {}
        Some(Value::String(id)) => c.problem(&at, format!("`{id}` is not a URL")),
        Some(_) => c.problem(&at, "must be a single URL"),
    }
}

/// Entries (evidence, credentialStatus, …) that are objects with a `type`.
fn check_typed_entries(
    c: &mut Checker,
    object: &Map<String, Value>,
    property: &str,
    needs_id: bool,
) {
    let Some(value) = object.get(property) else {
        return;
    };
    let list = items(value);
    let many = list.len() > 1 || value.is_array();
    for (i, entry) in list.into_iter().enumerate() {
        let at = if many {
            format!("{property}[{i}]")
        } else {
            property.to_owned()
        };
        let Value::Object(entry) = entry else {
            c.problem(&at, "must be an object");
            continue;
        };
        match entry.get("type") {
            Some(Value::String(_)) => {}
            Some(Value::Array(types))
                if !types.is_empty() && types.iter().all(Value::is_string) => {}
            Some(_) => c.problem(&format!("{at}.type"), "must be a type name"),
            None => c.problem(&format!("{at}.type"), "is missing"),
        }
        if needs_id && !entry.contains_key("id") {
            c.problem(&format!("{at}.id"), "is missing");
        }
        check_id(c, entry, &at);
    }
}

fn check_date(c: &mut Checker, object: &Map<String, Value>, property: &str) -> Option<DateTime> {
    let value = object.get(property)?;
    match value.as_str().and_then(DateTime::parse) {
        Some(t) => Some(t),
        None => {
            c.problem(
                property,
                format!("{value} is not an XML Schema dateTime such as 2024-06-30T00:00:00Z"),
            );
            None
        }
    }
}

/// `name` and `description`: text, or language-tagged value objects.
fn check_text(c: &mut Checker, object: &Map<String, Value>, property: &str, path: &str) {
    let Some(value) = object.get(property) else {
        return;
    };
    let at = if path.is_empty() {
        property.to_owned()
    } else {
        format!("{path}.{property}")
    };
    for entry in items(value) {
        match entry {
            Value::String(_) => {}
            Value::Object(map)
                if map.get("@value").is_some_and(Value::is_string)
                    && map
                        .keys()
                        .all(|k| matches!(k.as_str(), "@value" | "@language" | "@direction")) => {}
            _ => c.problem(
                &at,
                "must be text, or objects with only @value, @language and @direction",
            ),
        }
    }
}

/// `relatedResource`: unique ids, each with a digest; digests of bundled contexts are checked.
fn check_related_resources(c: &mut Checker, object: &Map<String, Value>) {
    let Some(value) = object.get("relatedResource") else {
        return;
    };
    let mut seen: Vec<&str> = Vec::new();
    for (i, entry) in items(value).into_iter().enumerate() {
        let at = format!("relatedResource[{i}]");
        let Some(entry) = entry.as_object() else {
            c.problem(&at, "must be an object");
            continue;
        };
        let Some(id) = entry.get("id").and_then(Value::as_str) else {
            c.problem(&format!("{at}.id"), "is missing");
            continue;
        };
        if seen.contains(&id) {
            c.problem(&format!("{at}.id"), format!("`{id}` is listed twice"));
        }
        seen.push(id);
        let sri = entry.get("digestSRI").and_then(Value::as_str);
        let multibase = entry.get("digestMultibase").and_then(Value::as_str);
        if sri.is_none() && multibase.is_none() {
            c.problem(&at, "needs digestSRI or digestMultibase");
            continue;
        }
        if let Some(text) = bundled::document(id) {
            if let Some(sri) = sri
                && !sri_matches(sri, text.as_bytes())
            {
                c.problem(&format!("{at}.digestSRI"), format!("does not match `{id}`"));
            }
            if let Some(multibase) = multibase
                && !multibase_digest_matches(multibase, text.as_bytes())
            {
                c.problem(
                    &format!("{at}.digestMultibase"),
                    format!("does not match `{id}`"),
                );
            }
        }
    }
}

/// The `digestMultibase` by which a stacked credential references a component: SHA-256 as a
/// multihash, base58btc. Over the JCS form (RFC 8785) of a JSON credential — what a
/// presentation embedding it gives back whatever its spacing — and over the compact text of a
/// VC-JWT.
pub fn component_digest(document: &ComponentDocument<'_>) -> String {
    let bytes = match document {
        ComponentDocument::Json(value) => serde_json_canonicalizer::to_vec(*value)
            .unwrap_or_else(|_| value.to_string().into_bytes()),
        ComponentDocument::Compact(text) => text.trim().as_bytes().to_vec(),
    };
    let mut multihash = vec![0x12, 0x20];
    multihash.extend_from_slice(&Sha256::digest(&bytes));
    format!("z{}", bs58::encode(multihash).into_string())
}

/// Whether `digest` is a component's [`component_digest`].
pub fn component_digest_matches(digest: &str, document: &ComponentDocument<'_>) -> bool {
    component_digest(document) == digest
}

/// A component document as a stacked credential's digest reads it.
#[derive(Clone, Copy, Debug)]
pub enum ComponentDocument<'a> {
    /// A JSON credential (Open Badges, a Europass EDC).
    Json(&'a Value),
    /// A compact serialization (VC-JWT).
    Compact(&'a str),
}

fn sri_matches(sri: &str, bytes: &[u8]) -> bool {
    let Some((algorithm, encoded)) = sri.split_once('-') else {
        return false;
    };
    let digest = match algorithm {
        "sha256" => Sha256::digest(bytes).to_vec(),
        "sha384" => Sha384::digest(bytes).to_vec(),
        "sha512" => Sha512::digest(bytes).to_vec(),
        _ => return false,
    };
    base64::engine::general_purpose::STANDARD.encode(digest) == encoded
}

/// A multibase (`u` base64url or `z` base58btc) multihash of SHA-256 or SHA-384.
fn multibase_digest_matches(multibase: &str, bytes: &[u8]) -> bool {
    let decoded = match multibase.split_at_checked(1) {
        Some(("u", rest)) => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(rest)
            .ok(),
        Some(("z", rest)) => bs58::decode(rest).into_vec().ok(),
        _ => None,
    };
    match decoded.as_deref() {
        Some([0x12, 0x20, digest @ ..]) => digest == Sha256::digest(bytes).as_slice(),
        Some([0x20, 0x30, digest @ ..]) => digest == Sha384::digest(bytes).as_slice(),
        _ => false,
    }
}

fn check_issuer(c: &mut Checker, object: &Map<String, Value>) {
    match object.get("issuer") {
        None => c.problem("issuer", "is missing: say who issues the credential"),
        Some(Value::String(id)) if is_url(id) => {}
        Some(Value::String(id)) => c.problem("issuer", format!("`{id}` is not a URL")),
        Some(Value::Object(issuer)) => {
            match issuer.get("id") {
                Some(Value::String(id)) if is_url(id) => {}
                Some(Value::String(id)) => c.problem("issuer.id", format!("`{id}` is not a URL")),
                Some(_) => c.problem("issuer.id", "must be a URL"),
                None => c.problem("issuer.id", "is missing"),
            }
            check_text(c, issuer, "name", "issuer");
            check_text(c, issuer, "description", "issuer");
        }
        Some(_) => c.problem("issuer", "must be a URL or an object with an `id`"),
    }
}

fn check_subjects(c: &mut Checker, object: &Map<String, Value>) {
    let Some(value) = object.get("credentialSubject") else {
        c.problem(
            "credentialSubject",
            "is missing: say what the credential claims",
        );
        return;
    };
    let list = items(value);
    let many = value.is_array();
    if list.is_empty() {
        c.problem("credentialSubject", "must have at least one subject");
    }
    for (i, subject) in list.into_iter().enumerate() {
        let at = if many {
            format!("credentialSubject[{i}]")
        } else {
            "credentialSubject".into()
        };
        match subject {
            Value::Object(map) if map.is_empty() => {
                c.problem(&at, "is empty: a subject needs claims")
            }
            Value::Object(map) => check_id(c, map, &at),
            _ => c.problem(&at, "must be an object"),
        }
    }
}

fn check_credential_fields(c: &mut Checker, object: &Map<String, Value>, version: Option<Version>) {
    check_type(c, object, "VerifiableCredential", "");
    check_id(c, object, "");
    check_issuer(c, object);
    check_subjects(c, object);
    check_text(c, object, "name", "");
    check_text(c, object, "description", "");
    let (from, until) = if version == Some(Version::V1) {
        if !object.contains_key("issuanceDate") {
            c.problem("issuanceDate", "is missing (required by VC 1.1)");
        }
        (
            check_date(c, object, "issuanceDate"),
            check_date(c, object, "expirationDate"),
        )
    } else {
        (
            check_date(c, object, "validFrom"),
            check_date(c, object, "validUntil"),
        )
    };
    if let (Some(from), Some(until)) = (from, until)
        && until < from
    {
        c.problem("validUntil", format!("{until} is before validFrom {from}"));
    }
    check_typed_entries(c, object, "credentialStatus", false);
    check_typed_entries(c, object, "credentialSchema", true);
    check_typed_entries(c, object, "evidence", false);
    check_typed_entries(c, object, "refreshService", false);
    check_typed_entries(c, object, "termsOfUse", false);
    check_typed_entries(c, object, "proof", false);
    check_related_resources(c, object);
}

fn check_json_ld(c: &mut Checker, document: &Value, rdf: Option<&jsonld::SecuredRdf>) {
    let outcome = match rdf {
        Some(rdf) => rdf.whole.clone(),
        None => jsonld::to_rdf(document).map(|_| ()),
    };
    if let Err(error) = outcome {
        let path = match &error {
            JsonLdError::KeywordLikeKey { path, .. }
            | JsonLdError::UndefinedTerm { path, .. }
            | JsonLdError::RelativeIri { path, .. }
            | JsonLdError::ProtectedTermRedefinition { path, .. }
            | JsonLdError::Dropped { path, .. }
            | JsonLdError::InvalidLanguage { path, .. }
            | JsonLdError::TooDeep { path, .. }
            | JsonLdError::Invalid { path, .. } => path.trim_matches('`').to_owned(),
            JsonLdError::UnknownContext(_) => "@context".into(),
        };
        c.problem(
            if path == "the top level" { "" } else { &path },
            error.to_string(),
        );
    }
}

/// Checks a credential against the data model, including JSON-LD in safe mode.
pub fn validate_credential(document: &Value, strictness: Strictness) -> Result<(), Vec<Problem>> {
    validate(document, strictness, None)
}

/// [`validate_credential`] with the JSON-LD work already done for the whole verification.
pub fn validate_secured_credential(
    document: &Value,
    strictness: Strictness,
    rdf: &jsonld::SecuredRdf,
) -> Result<(), Vec<Problem>> {
    validate(document, strictness, Some(rdf))
}

fn validate(
    document: &Value,
    strictness: Strictness,
    rdf: Option<&jsonld::SecuredRdf>,
) -> Result<(), Vec<Problem>> {
    let mut c = Checker {
        problems: Vec::new(),
        strictness,
    };
    let Some(object) = document.as_object() else {
        c.problem("", "a credential must be a JSON object");
        return c.finish();
    };
    let version = check_context(&mut c, object);
    check_credential_fields(&mut c, object, version);
    if c.problems.is_empty() {
        check_json_ld(&mut c, document, rdf);
    }
    c.finish()
}

/// Checks a presentation and the credentials it holds against the data model.
pub fn validate_presentation(document: &Value, strictness: Strictness) -> Result<(), Vec<Problem>> {
    let mut c = Checker {
        problems: Vec::new(),
        strictness,
    };
    let Some(object) = document.as_object() else {
        c.problem("", "a presentation must be a JSON object");
        return c.finish();
    };
    check_context(&mut c, object);
    check_type(&mut c, object, "VerifiablePresentation", "");
    check_id(&mut c, object, "");
    match object.get("holder") {
        None => {}
        Some(Value::String(id)) if is_url(id) => {}
        Some(Value::Object(holder)) => match holder.get("id") {
            Some(Value::String(id)) if is_url(id) => {}
            _ => c.problem("holder.id", "must be the holder's URL"),
        },
        Some(_) => c.problem("holder", "must be a URL or an object with an `id`"),
    }
    check_typed_entries(&mut c, object, "proof", false);
    if let Some(credentials) = object.get("verifiableCredential") {
        for (i, credential) in items(credentials).into_iter().enumerate() {
            let at = format!("verifiableCredential[{i}]");
            let Some(inner) = credential.as_object() else {
                c.problem(&at, "must be a credential object (not a string)");
                continue;
            };
            if types(inner).contains(&"EnvelopedVerifiableCredential") {
                match inner.get("id").and_then(Value::as_str) {
                    Some(id) if id.starts_with("data:") => {}
                    _ => c.problem(
                        &format!("{at}.id"),
                        "must be a data: URL holding the credential",
                    ),
                }
                continue;
            }
            if inner
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| id.starts_with("data:"))
            {
                c.problem(
                    &format!("{at}.type"),
                    "an enveloped credential must have type EnvelopedVerifiableCredential",
                );
                continue;
            }
            if let Err(problems) = validate_credential(credential, Strictness::Verify) {
                for p in problems {
                    let path = if p.path.is_empty() {
                        at.clone()
                    } else {
                        format!("{at}.{}", p.path)
                    };
                    c.problem(&path, p.message);
                }
            }
        }
    }
    if c.problems.is_empty() {
        check_json_ld(&mut c, document, None);
    }
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn credential() -> Value {
        json!({
            "@context": [CREDENTIALS_V2],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": { "id": "did:example:subject", "name": "Zoë" }
        })
    }

    #[test]
    fn a_minimal_credential_is_valid() {
        assert_eq!(
            validate_credential(&credential(), Strictness::Issue),
            Ok(())
        );
    }

    #[test]
    fn problems_name_the_property() {
        let mut bad = credential();
        bad["issuer"] = json!({ "name": "No id" });
        bad["validUntil"] = "2023-01-01T00:00:00Z".into();
        bad["credentialSubject"] = json!([{}]);
        let problems = validate_credential(&bad, Strictness::Issue).unwrap_err();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["issuer.id", "credentialSubject[0]", "validUntil"]);
        assert!(
            problems[2].to_string().contains("before validFrom"),
            "{}",
            problems[2]
        );
    }

    #[test]
    fn urls() {
        assert!(is_url("did:example:1"));
        assert!(is_url("https://example.org/a"));
        assert!(!is_url("https ://example.org"));
        assert!(!is_url("fake-issuer"));
        assert!(!is_url("z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj"));
    }

    #[test]
    fn related_resource_digests_of_bundled_contexts_are_checked() {
        let text = bundled::document(CREDENTIALS_V2).unwrap();
        let good = format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(Sha384::digest(text.as_bytes()))
        );
        let mut with = credential();
        with["relatedResource"] = json!([{ "id": CREDENTIALS_V2, "digestSRI": good }]);
        assert_eq!(validate_credential(&with, Strictness::Issue), Ok(()));
        with["relatedResource"][0]["digestSRI"] = "sha384-AAAA".into();
        assert!(validate_credential(&with, Strictness::Issue).is_err());
    }
}
