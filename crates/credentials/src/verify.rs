//! Verifying a credential as a whole: its shape, every proof, who issued it (against the
//! alliance's trust list), its validity dates, its status (revoked? suspended?) and its schema,
//! as a report with one verdict a person understands and checks a machine can read.

use serde::Serialize;
use serde_json::Value;

use crate::data_integrity::{
    Expectations, MAX_PROOFS, ProofError, verify_proofs, verify_secured_proofs,
};
use crate::datetime::DateTime;
use crate::did::{DidError, DidResolver};
use crate::jsonld::SecuredRdf;
use crate::open_badges::open_badge_problems;
use crate::status_list::{StatusEntry, StatusPurpose};
use crate::trust::TrustList;
use crate::vc::{Strictness, Version, validate_presentation, validate_secured_credential, version};

/// Largest credential accepted for verification, in bytes of JSON.
pub const MAX_CREDENTIAL_BYTES: usize = 2 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
/// How one check came out.
pub enum Status {
    /// Passed.
    Ok,
    /// Failed: the detail says why.
    Failed,
    /// Not made: the detail says why not.
    Skipped,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
/// One check of a verification.
pub struct Check {
    /// `format`, `proof`, `issuer`, `validity`, `status`, `schema`.
    pub name: &'static str,
    /// How it came out.
    pub status: Status,
    /// What was seen.
    pub detail: String,
}

/// The one-word answer a person reads first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Authentic, unchanged and in force.
    Valid,
    /// Withdrawn for good by its issuer.
    Revoked,
    /// Withdrawn for now by its issuer.
    Suspended,
    /// Its validity period has ended.
    Expired,
    /// Its validity period has not begun.
    NotYetValid,
    /// A proof does not match: the credential was changed after signing, or is forged.
    Tampered,
    /// The signatures hold, but the issuer is not one the trust list names.
    UnknownIssuer,
    /// A seal's signature holds, but its certificate could not be relied on when it sealed:
    /// expired, not yet valid, or not for signing.
    CertificateInvalid,
    /// Not a well-formed credential.
    Malformed,
    /// A credential of a format microcred does not check (yet): nothing is said either way.
    Unsupported,
    /// The key that signed it could not be had (its controller document is not at hand, could
    /// not be fetched, or no longer lists it): the signature was not checked, so nothing is
    /// said either way.
    KeyUnavailable,
}

impl Verdict {
    /// Which verdict wins when several apply: a broken signature says most, then a malformed
    /// credential, then who issued it, then its status, then its dates.
    fn precedence(self) -> u8 {
        match self {
            Verdict::Tampered => 0,
            Verdict::Malformed => 1,
            Verdict::Unsupported | Verdict::KeyUnavailable => 1,
            Verdict::UnknownIssuer | Verdict::CertificateInvalid => 2,
            Verdict::Revoked => 3,
            Verdict::Suspended => 4,
            Verdict::Expired => 5,
            Verdict::NotYetValid => 6,
            Verdict::Valid => 7,
        }
    }

    /// Whether what the credential says may be shown as its issuer's words: its signatures
    /// hold and its issuer is in the trust list (it may still be revoked, suspended or outside
    /// its dates, which its verdict says beside it). A tampered, malformed or unknown issuer's
    /// credential says nothing anyone signed for.
    pub fn statement_is_authentic(self) -> bool {
        !matches!(
            self,
            Verdict::Tampered
                | Verdict::Malformed
                | Verdict::UnknownIssuer
                | Verdict::CertificateInvalid
                | Verdict::Unsupported
                | Verdict::KeyUnavailable
        )
    }

    /// The verdict in a sentence, for people.
    pub fn sentence(self) -> &'static str {
        match self {
            Verdict::Valid => "Valid: the credential is authentic, unchanged and in force.",
            Verdict::Revoked => "Revoked: the issuer has withdrawn this credential.",
            Verdict::Suspended => "Suspended: the issuer has suspended this credential for now.",
            Verdict::Expired => "Expired: the credential's validity period has ended.",
            Verdict::NotYetValid => {
                "Not yet valid: the credential's validity period has not begun."
            }
            Verdict::Tampered => {
                "Not authentic: a signature does not match, so the credential was changed after it was signed or was not signed by the key it names."
            }
            Verdict::UnknownIssuer => {
                "Unknown issuer: the signatures hold, but the issuer is not in the trust list, or the key that signed is not one the issuer authorised for it."
            }
            Verdict::CertificateInvalid => {
                "Seal certificate not valid: the seal's signature holds, but the certificate that made it was not valid for sealing at the signing time."
            }
            Verdict::Malformed => "Not a valid credential: it is malformed.",
            Verdict::Unsupported => {
                "Cannot be checked: it is written or signed in a way microcred does not verify yet, so nothing is said about whether it is authentic."
            }
            Verdict::KeyUnavailable => {
                "Cannot be checked: the key that signed it could not be found or fetched, so its signature was not checked and nothing is said about whether it is authentic."
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
/// A verification: the verdict and every check behind it.
pub struct Report {
    /// Whether it verified (valid).
    pub verified: bool,
    /// The one-word answer.
    pub verdict: Verdict,
    /// The checks, in order.
    pub checks: Vec<Check>,
}

impl Report {
    /// The report of `checks`, whose verdict is the one raised (valid when none was).
    pub fn new(checks: Vec<Check>, verdict: Option<Verdict>) -> Report {
        let verdict = verdict.unwrap_or(Verdict::Valid);
        Report {
            verified: verdict == Verdict::Valid,
            verdict,
            checks,
        }
    }

    /// The check with this name, if made.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

/// What a verification may rely on besides the credential.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    /// The issuers trusted, if a list is given.
    pub trust: Option<&'a TrustList>,
    /// Status list credentials at hand (given as files, or fetched by the caller).
    pub status_lists: &'a [Value],
    /// Resolves verification methods.
    pub resolver: &'a DidResolver,
    /// The time to verify at.
    pub now: DateTime,
}

/// What the `issuer` check says of an issuer whose signature holds but whom the trust list does
/// not name (callers that treat trust as validation apart from verification look for it).
pub const NOT_LISTED: &str = "is not in the trust list of";

/// Keeps the verdict that says most (see [`Verdict::precedence`]).
pub fn raise(verdict: &mut Option<Verdict>, found: Verdict) {
    if verdict.is_none_or(|v| found.precedence() < v.precedence()) {
        *verdict = Some(found);
    }
}

pub(crate) fn ok(name: &'static str, detail: impl Into<String>) -> Check {
    Check {
        name,
        status: Status::Ok,
        detail: detail.into(),
    }
}

pub(crate) fn failed(name: &'static str, detail: impl Into<String>) -> Check {
    Check {
        name,
        status: Status::Failed,
        detail: detail.into(),
    }
}

pub(crate) fn skipped(name: &'static str, detail: impl Into<String>) -> Check {
    Check {
        name,
        status: Status::Skipped,
        detail: detail.into(),
    }
}

/// The id of a credential's issuer (`issuer` as a string, or its `id`).
pub fn issuer_id(credential: &Value) -> Option<&str> {
    match credential.get("issuer")? {
        Value::String(id) => Some(id),
        Value::Object(issuer) => issuer.get("id")?.as_str(),
        _ => None,
    }
}

/// Verifies a credential; never panics, whatever the input.
/// Credentials a presentation may hold (each is verified in full).
pub const MAX_PRESENTED_CREDENTIALS: usize = 32;

/// The verdict a failed proof earns: *tampered* only when a signature was computed and did
/// not match (see [`ProofError::shows_tampering`]); a key that cannot be had, a DID method or
/// suite microcred does not check, each says so instead.
pub fn proof_verdict(error: &ProofError) -> Verdict {
    match error {
        e if e.shows_tampering() => Verdict::Tampered,
        ProofError::VerificationMethod(e) if e.key_unavailable() => Verdict::KeyUnavailable,
        ProofError::VerificationMethod(DidError::UnsupportedMethod(_))
        | ProofError::UnsupportedType(_)
        | ProofError::UnsupportedCryptosuite(_) => Verdict::Unsupported,
        ProofError::VerificationMethod(DidError::NotAuthorised { .. }) => Verdict::UnknownIssuer,
        _ => Verdict::Malformed,
    }
}

/// The verification methods a document's proofs name (and those of the credentials a
/// presentation holds, and of status lists at hand): what a verifier may need to look up.
pub fn named_keys(document: &Value) -> Vec<String> {
    let mut methods = Vec::new();
    let mut add_proofs = |value: &Value| {
        let proofs: Vec<&Value> = match value.get("proof") {
            Some(Value::Array(list)) => list.iter().take(MAX_PROOFS).collect(),
            Some(one) => vec![one],
            None => Vec::new(),
        };
        for proof in proofs {
            if let Some(method) = proof.get("verificationMethod").and_then(Value::as_str)
                && !methods.iter().any(|m| m == method)
            {
                methods.push(method.to_owned());
            }
        }
    };
    add_proofs(document);
    match document.get("verifiableCredential") {
        Some(Value::Array(list)) => list
            .iter()
            .take(MAX_PRESENTED_CREDENTIALS)
            .for_each(&mut add_proofs),
        Some(one) => add_proofs(one),
        None => {}
    }
    methods
}

/// What a document to verify is, by its shape: verification dispatches on it, so a new
/// format's verification is a new kind and a new module, not a branch inside another's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    /// A JSON-LD verifiable credential (VC 1.1 or 2.0), secured by embedded Data Integrity
    /// proofs: Open Badges 3.0 and microcred's own.
    JsonLdCredential,
    /// A compact JWS or JWT: a VC-JWT (VC 1.1 JWT or VC 2.0 JOSE) is checked; an SD-JWT VC
    /// is not yet.
    CompactJws,
    /// A JWS JSON serialization (`payload` and `signatures`: a JAdES-sealed EDC): not checked
    /// yet.
    JwsJson,
    /// None of these.
    Unknown,
}

impl DocumentKind {
    /// The kind of `document`.
    pub fn of(document: &Value) -> DocumentKind {
        match document {
            Value::Object(o) if o.contains_key("@context") => DocumentKind::JsonLdCredential,
            Value::Object(o) if o.contains_key("signatures") || o.contains_key("signature") => {
                DocumentKind::JwsJson
            }
            Value::String(s) if s.split('.').count() >= 3 && !s.contains(char::is_whitespace) => {
                DocumentKind::CompactJws
            }
            _ => DocumentKind::Unknown,
        }
    }
}

/// Verifies any document microcred is given: dispatches on its [`DocumentKind`]. Formats it
/// does not check get [`Verdict::Unsupported`], never a verdict about their authenticity.
pub fn verify_document(document: &Value, context: &Context<'_>) -> Report {
    let unsupported = |what: &str| {
        Report::new(
            vec![skipped(
                "format",
                format!("{what}: microcred does not verify this format yet"),
            )],
            Some(Verdict::Unsupported),
        )
    };
    match DocumentKind::of(document) {
        DocumentKind::JsonLdCredential => match enveloped_jwt(document) {
            Some(token) => crate::vc_jwt::verify_vc_jwt(token, context),
            None => verify_credential(document, context),
        },
        DocumentKind::CompactJws => match document.as_str() {
            Some(token) if crate::vc_jwt::is_vc_jwt(token) => {
                crate::vc_jwt::verify_vc_jwt(token, context)
            }
            _ => unsupported("a compact JWS that is not a VC-JWT (an SD-JWT?)"),
        },
        DocumentKind::JwsJson => unsupported("a JWS JSON serialization (e.g. a JAdES seal)"),
        // Not a credential at all (no @context): the JSON-LD checks say what is missing.
        DocumentKind::Unknown => verify_credential(document, context),
    }
}

/// The VC-JWT an `EnvelopedVerifiableCredential` carries as a `data:application/vc+jwt,…` id
/// (VC 2.0 §4.13), if `document` is one.
pub fn enveloped_jwt(document: &Value) -> Option<&str> {
    let enveloped = match document.get("type")? {
        Value::String(t) => t == "EnvelopedVerifiableCredential",
        Value::Array(types) => types
            .iter()
            .any(|t| t.as_str() == Some("EnvelopedVerifiableCredential")),
        _ => false,
    };
    if !enveloped {
        return None;
    }
    let id = document.get("id")?.as_str()?;
    id.strip_prefix("data:application/vc+jwt,")
        .or_else(|| id.strip_prefix("data:application/jwt,"))
}

/// Verifies a JSON-LD verifiable credential and its Data Integrity proofs.
pub fn verify_credential(credential: &Value, context: &Context<'_>) -> Report {
    // Thousands of copies of a proof would make every check below read thousands of objects:
    // such a credential is refused before any of them.
    if let Some(count) = credential
        .get("proof")
        .and_then(Value::as_array)
        .map(Vec::len)
        .filter(|&n| n > MAX_PROOFS)
    {
        return Report::new(
            vec![failed(
                "proof",
                ProofError::TooManyProofs(count).to_string(),
            )],
            Some(Verdict::Malformed),
        );
    }
    let mut checks = Vec::new();
    let mut verdict = None;
    // Expanded and turned into RDF once, for the data-model check and every proof.
    let rdf = SecuredRdf::new(credential);

    match validate_secured_credential(credential, Strictness::Verify, &rdf) {
        Ok(()) => {
            let kind = if is_open_badge(credential) {
                "an Open Badges 3.0 credential"
            } else {
                "a verifiable credential"
            };
            let version = match version(credential) {
                Some(Version::V1) => "VC 1.1",
                _ => "VC 2.0",
            };
            checks.push(ok("format", format!("{kind} ({version})")));
        }
        Err(problems) => {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            checks.push(failed("format", list.join("; ")));
            raise(&mut verdict, Verdict::Malformed);
        }
    }

    // Proofs, even on a malformed credential: the report then says whether the bytes were signed.
    let mut signers: Vec<String> = Vec::new();
    match verify_secured_proofs(
        credential,
        context.resolver,
        &Expectations::assertion(),
        Some(&rdf),
    ) {
        Ok(results) => {
            let mut lines = Vec::new();
            let mut all = true;
            // What failed decides the verdict: tampered only when a check shows the signed
            // bytes were changed; a key not found is an issuer not known; the rest malformed.
            let mut worst = None;
            for result in &results {
                let suite = result.suite.as_deref().unwrap_or("an unknown suite");
                let by = result
                    .verification_method
                    .as_deref()
                    .unwrap_or("an unnamed key");
                match &result.result {
                    Ok(()) => {
                        signers.push(context.resolver.controller_of(by).to_owned());
                        lines.push(format!("{suite} signature by {by} verified"));
                    }
                    Err(e) => {
                        all = false;
                        lines.push(format!("{suite} signature by {by}: {e}"));
                        raise(&mut worst, proof_verdict(e));
                    }
                }
            }
            if all {
                checks.push(ok("proof", lines.join("; ")));
            } else {
                checks.push(failed("proof", lines.join("; ")));
                raise(&mut verdict, worst.unwrap_or(Verdict::Malformed));
            }
        }
        Err(e) => {
            checks.push(failed("proof", e.to_string()));
            raise(&mut verdict, proof_verdict(&e));
        }
    }

    checks.extend(secured_checks(credential, &signers, context, &mut verdict));
    Report::new(checks, verdict)
}

/// The checks every format makes once it knows who signed (`signers`: the controllers whose
/// signatures held): issuer (the credential's own, and in the trust list), validity, status,
/// schema. Each securing mechanism (Data Integrity, VC-JWT, …) checks its signatures, then
/// calls this, so what a verdict means is decided here once.
pub fn secured_checks(
    credential: &Value,
    signers: &[String],
    context: &Context<'_>,
    verdict: &mut Option<Verdict>,
) -> Vec<Check> {
    let mut checks = Vec::new();
    let issuer = issuer_id(credential).unwrap_or("");
    let signed_by_issuer = signers.iter().any(|s| s == issuer);
    let issuer_name = credential
        .get("issuer")
        .and_then(|i| i.get("name"))
        .and_then(Value::as_str)
        .map(|n| format!("{n} ({issuer})"))
        .unwrap_or_else(|| issuer.to_owned());
    match context.trust {
        _ if !signers.is_empty() && !signed_by_issuer => {
            checks.push(failed(
                "issuer",
                format!(
                    "no valid signature is by the issuer {issuer}; signed by {}",
                    signers.join(", ")
                ),
            ));
            raise(verdict, Verdict::UnknownIssuer);
        }
        Some(trust) => match trust.issuer(issuer) {
            Some(member) => checks.push(ok(
                "issuer",
                format!(
                    "issued by {} ({issuer}), listed by {}",
                    member.name, trust.name
                ),
            )),
            None => {
                checks.push(failed(
                    "issuer",
                    format!("{issuer_name} {NOT_LISTED} {}", trust.name),
                ));
                raise(verdict, Verdict::UnknownIssuer);
            }
        },
        None => checks.push(skipped(
            "issuer",
            format!("no trust list given: {issuer_name} is not checked against one"),
        )),
    }

    checks.push(validity(credential, context.now, verdict));
    checks.push(status(credential, issuer, context, verdict));
    checks.push(schema(credential, verdict));
    checks
}

fn is_open_badge(credential: &Value) -> bool {
    credential.get("type").is_some_and(|t| {
        let t = t.to_string();
        t.contains("OpenBadgeCredential") || t.contains("AchievementCredential")
    })
}

fn validity(credential: &Value, now: DateTime, verdict: &mut Option<Verdict>) -> Check {
    let v1 = version(credential) == Some(Version::V1);
    let (from_key, until_key) = if v1 {
        ("issuanceDate", "expirationDate")
    } else {
        ("validFrom", "validUntil")
    };
    let read = |key| {
        credential
            .get(key)
            .and_then(Value::as_str)
            .and_then(DateTime::parse)
    };
    validity_between(read(from_key), read(until_key), now, verdict)
}

/// The `validity` check of a credential valid from `from` until `until` (each where stated),
/// at `now`: every format's, whatever its properties are named.
pub fn validity_between(
    from: Option<DateTime>,
    until: Option<DateTime>,
    now: DateTime,
    verdict: &mut Option<Verdict>,
) -> Check {
    if let Some(from) = from
        && now < from
    {
        raise(verdict, Verdict::NotYetValid);
        return failed("validity", format!("not valid before {from}"));
    }
    if let Some(until) = until
        && now > until
    {
        raise(verdict, Verdict::Expired);
        return failed("validity", format!("expired on {until}"));
    }
    match (from, until) {
        (Some(from), Some(until)) => ok("validity", format!("valid from {from} until {until}")),
        (Some(from), None) => ok("validity", format!("valid from {from}, with no end")),
        (None, Some(until)) => ok("validity", format!("valid until {until}")),
        (None, None) => ok("validity", "no validity period is stated"),
    }
}

/// The `status` check of a credential's Bitstring Status List entries (every format's).
pub fn status(
    credential: &Value,
    issuer: &str,
    context: &Context<'_>,
    verdict: &mut Option<Verdict>,
) -> Check {
    let Some(entries) = credential.get("credentialStatus") else {
        return ok(
            "status",
            "the credential has no status entry: it cannot be revoked",
        );
    };
    let entries: Vec<&Value> = match entries {
        Value::Array(list) => list.iter().collect(),
        one => vec![one],
    };
    let mut lines = Vec::new();
    let mut outcome = Status::Ok;
    for entry in entries {
        let entry = match StatusEntry::read(entry) {
            Ok(Some(entry)) => entry,
            Ok(None) => {
                lines.push("a status entry of a kind microcred does not read".to_owned());
                if outcome == Status::Ok {
                    outcome = Status::Skipped;
                }
                continue;
            }
            Err(e) => {
                lines.push(e.to_string());
                outcome = Status::Failed;
                raise(verdict, Verdict::Malformed);
                continue;
            }
        };
        let purpose = entry.purpose.name();
        let Some(list) = context
            .status_lists
            .iter()
            .find(|l| l.get("id").and_then(Value::as_str) == Some(entry.list.as_str()))
        else {
            lines.push(format!(
                "{purpose}: cannot be checked: the status list {} was not available",
                entry.list
            ));
            if outcome == Status::Ok {
                outcome = Status::Skipped;
            }
            continue;
        };
        // The list must itself be authentic and from the credential's issuer. A list whose
        // key cannot be had says nothing about the credential: its status is not known.
        match status_list_signature(list, issuer, context) {
            ListSignature::ByIssuer => {}
            ListSignature::Unchecked(why) => {
                lines.push(format!(
                    "{purpose}: cannot be checked: the status list {} {why}",
                    entry.list
                ));
                if outcome == Status::Ok {
                    outcome = Status::Skipped;
                }
                continue;
            }
            ListSignature::NotByIssuer(why) => {
                lines.push(format!(
                    "{purpose}: the status list {} is not signed by the issuer: {why}",
                    entry.list
                ));
                outcome = Status::Failed;
                raise(verdict, Verdict::Tampered);
                continue;
            }
        }
        match entry.is_set(list) {
            Ok(false) => lines.push(format!("{purpose}: not set (entry {})", entry.index)),
            Ok(true) => {
                outcome = Status::Failed;
                let (word, v) = match entry.purpose {
                    StatusPurpose::Revocation => ("revoked", Verdict::Revoked),
                    StatusPurpose::Suspension => ("suspended", Verdict::Suspended),
                };
                lines.push(format!("{word} (entry {} of {})", entry.index, entry.list));
                raise(verdict, v);
            }
            Err(e) => {
                lines.push(format!("{purpose}: {e}"));
                outcome = Status::Failed;
                raise(verdict, Verdict::Malformed);
            }
        }
    }
    Check {
        name: "status",
        status: outcome,
        detail: lines.join("; "),
    }
}

/// What a status list's own proofs show.
enum ListSignature {
    /// A proof by the credential's issuer holds.
    ByIssuer,
    /// No proof could be checked (its key is not at hand, its suite unknown): why.
    Unchecked(String),
    /// A proof was checked and failed, or holds but is another's: why.
    NotByIssuer(String),
}

fn status_list_signature(list: &Value, issuer: &str, context: &Context<'_>) -> ListSignature {
    let checks = match verify_proofs(list, context.resolver, &Expectations::assertion()) {
        Ok(checks) => checks,
        Err(e) if proof_verdict(&e) == Verdict::Tampered => {
            return ListSignature::NotByIssuer(e.to_string());
        }
        Err(e) => return ListSignature::Unchecked(e.to_string()),
    };
    // A did:key issuer is its key: a list signed with that key (published under the same
    // holder's did:web, say) is the issuer's.
    let issuer_key = issuer
        .starts_with("did:key:")
        .then(|| crate::verifying_key::VerifyingKey::from_did_key(issuer).ok())
        .flatten();
    if issuer_key.is_none() && issuer_id(list) != Some(issuer) {
        return ListSignature::NotByIssuer(format!(
            "it names {} as its issuer",
            issuer_id(list).unwrap_or("no one")
        ));
    }
    let mut unchecked = None;
    for check in &checks {
        match &check.result {
            Ok(()) => {
                let by = check.verification_method.as_deref().unwrap_or_default();
                let same_key = issuer_key.as_ref().is_some_and(|key| {
                    context
                        .resolver
                        .resolve(by, "assertionMethod")
                        .ok()
                        .as_ref()
                        == Some(key)
                });
                if context.resolver.controller_of(by) == issuer || same_key {
                    return ListSignature::ByIssuer;
                }
            }
            Err(e) if proof_verdict(e) == Verdict::Tampered => {
                return ListSignature::NotByIssuer(e.to_string());
            }
            Err(e) => unchecked = Some(e.to_string()),
        }
    }
    match unchecked {
        Some(why) => ListSignature::Unchecked(why),
        None => ListSignature::NotByIssuer("no proof by the issuer's key".into()),
    }
}

fn schema(credential: &Value, verdict: &mut Option<Verdict>) -> Check {
    if !is_open_badge(credential) {
        return skipped("schema", "no schema is known for this kind of credential");
    }
    let problems = open_badge_problems(credential);
    if problems.is_empty() {
        let note = if credential.get("proof").is_some_and(Value::is_object) {
            " (its proof is an object where the OB 3.0 JSON Schema asks for an array)"
        } else {
            ""
        };
        ok(
            "schema",
            format!("meets the Open Badges 3.0 requirements{note}"),
        )
    } else {
        raise(verdict, Verdict::Malformed);
        failed("schema", problems.join("; "))
    }
}

/// Verifies a presentation: its shape, the holder's proof (with the verifier's challenge and
/// domain), and every credential it holds.
pub fn verify_presentation(
    presentation: &Value,
    challenge: Option<&str>,
    domain: Option<&str>,
    context: &Context<'_>,
) -> (Report, Vec<Report>) {
    let mut checks = Vec::new();
    let mut verdict = None;
    match validate_presentation(presentation, Strictness::Verify) {
        Ok(()) => checks.push(ok("format", "a verifiable presentation")),
        Err(problems) => {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            checks.push(failed("format", list.join("; ")));
            raise(&mut verdict, Verdict::Malformed);
        }
    }
    let expectations = Expectations {
        proof_purpose: "authentication".into(),
        challenge: challenge.map(str::to_owned),
        domain: domain.map(str::to_owned),
    };
    match verify_proofs(presentation, context.resolver, &expectations) {
        Ok(results) if results.iter().all(|r| r.result.is_ok()) => {
            checks.push(ok("proof", "the holder's signature verified"));
        }
        Ok(results) => {
            let errors: Vec<String> = results
                .iter()
                .filter_map(|r| r.result.as_ref().err().map(ToString::to_string))
                .collect();
            checks.push(failed("proof", errors.join("; ")));
            for error in results.iter().filter_map(|r| r.result.as_ref().err()) {
                raise(&mut verdict, proof_verdict(error));
            }
        }
        Err(e) => {
            checks.push(failed("proof", e.to_string()));
            raise(&mut verdict, proof_verdict(&e));
        }
    }
    let presented: Vec<&Value> = match presentation.get("verifiableCredential") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    if presented.len() > MAX_PRESENTED_CREDENTIALS {
        checks.push(failed(
            "credentials",
            format!(
                "the presentation holds {} credentials; at most {MAX_PRESENTED_CREDENTIALS} are verified",
                presented.len()
            ),
        ));
        raise(&mut verdict, Verdict::Malformed);
    }
    let credentials: Vec<Report> = presented
        .into_iter()
        .take(MAX_PRESENTED_CREDENTIALS)
        .map(|c| verify_credential(c, context))
        .collect();
    if let Some(bad) = credentials.iter().find(|r| !r.verified) {
        raise(&mut verdict, bad.verdict);
    }
    (Report::new(checks, verdict), credentials)
}
