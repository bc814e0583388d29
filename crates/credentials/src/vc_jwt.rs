//! Credentials secured as JSON Web Tokens: the VC 1.1 JWT encoding (a `vc` claim beside the
//! registered claims, the `jwt_vc_json` form Open Badges 3.0 and Edubadges use) and VC 2.0
//! JOSE (`application/vc+jwt`: the payload is the credential). Compact JWS only, signed with
//! `EdDSA`, `ES256` or `RS256`; the key is found from `kid` (a DID URL or an https
//! verification method, or a fragment of the issuer's DID) or a did:key `iss`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::datetime::DateTime;
use crate::signer::{KeyAlgorithm, Signer};
use crate::verify::{
    Context, Report, Verdict, failed, issuer_id, ok, proof_verdict, raise, secured_checks,
};

/// Largest JOSE header read, in bytes.
const MAX_HEADER_BYTES: usize = 16 * 1024;

/// The two JWT encodings of a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JwtForm {
    /// VC Data Model 1.1 §6.3: `{"iss", "nbf", "jti", "sub", "vc": {…}}`.
    Vc11,
    /// VC JOSE-COSE (VC 2.0): the payload is the credential; `typ` is `vc+jwt`.
    Vc20,
}

/// A compact JWS read into its parts (nothing checked yet).
#[derive(Clone, Debug)]
pub struct CompactJws {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The payload, as JSON.
    pub payload: Value,
    /// `base64url(header) . base64url(payload)`: the signed bytes.
    pub signing_input: String,
    /// The signature's bytes.
    pub signature: Vec<u8>,
}

/// Why a compact JWS cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[allow(missing_docs)]
pub enum JwsError {
    #[error("a compact JWS has three parts separated by dots; this has {0}")]
    Parts(usize),
    #[error("the JWS {0} is not base64url")]
    Encoding(&'static str),
    #[error("the JWS {0} is not a JSON object")]
    NotJson(&'static str),
    #[error("the JWS header is larger than {MAX_HEADER_BYTES} bytes")]
    HeaderTooLarge,
}

/// Reads a compact JWS (`header.payload.signature`), without checking it.
pub fn read_compact(token: &str) -> Result<CompactJws, JwsError> {
    let token = token.trim();
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err(JwsError::Parts(parts.len()));
    }
    if parts[0].len() > MAX_HEADER_BYTES * 4 / 3 + 4 {
        return Err(JwsError::HeaderTooLarge);
    }
    let decode = |part: &str, what| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| JwsError::Encoding(what))
    };
    let header: Map<String, Value> = serde_json::from_slice(&decode(parts[0], "header")?)
        .map_err(|_| JwsError::NotJson("header"))?;
    let payload: Value = serde_json::from_slice(&decode(parts[1], "payload")?)
        .ok()
        .filter(Value::is_object)
        .ok_or(JwsError::NotJson("payload"))?;
    Ok(CompactJws {
        header,
        payload,
        signing_input: format!("{}.{}", parts[0], parts[1]),
        signature: decode(parts[2], "signature")?,
    })
}

/// Whether `token` looks like a VC-JWT (three base64url parts whose header is JSON).
pub fn is_vc_jwt(token: &str) -> bool {
    read_compact(token).is_ok()
}

/// The credential a VC-JWT carries, with the JWT's registered claims moved into it as VC 1.1
/// §6.3.1 says (`iss` → `issuer`, `nbf` → `issuanceDate`, `exp` → `expirationDate`, `jti` →
/// `id`, `sub` → the subject's `id`), and which form it is. `None`: no credential inside.
pub fn credential_of(payload: &Value) -> Option<(Value, JwtForm)> {
    let Some(vc) = payload.get("vc") else {
        return payload
            .get("@context")
            .is_some()
            .then(|| (payload.clone(), JwtForm::Vc20));
    };
    let mut credential = vc.as_object()?.clone();
    let claim = |name: &str| payload.get(name);
    let date = |name: &str| {
        claim(name)
            .and_then(numeric_date)
            .map(|d| Value::String(d.to_string()))
    };
    if let Some(iss) = claim("iss").and_then(Value::as_str) {
        match credential.get_mut("issuer") {
            Some(Value::Object(issuer)) => {
                issuer.entry("id").or_insert_with(|| iss.into());
            }
            Some(_) => {}
            None => {
                credential.insert("issuer".into(), iss.into());
            }
        }
    }
    if let Some(nbf) = date("nbf") {
        credential.entry("issuanceDate").or_insert(nbf);
    }
    if let Some(exp) = date("exp") {
        credential.entry("expirationDate").or_insert(exp);
    }
    if let Some(jti) = claim("jti").filter(|j| j.is_string()) {
        credential.entry("id").or_insert_with(|| jti.clone());
    }
    if let (Some(sub), Some(Value::Object(subject))) = (
        claim("sub").filter(|s| s.is_string()),
        credential.get_mut("credentialSubject"),
    ) {
        subject.entry("id").or_insert_with(|| sub.clone());
    }
    Some((Value::Object(credential), JwtForm::Vc11))
}

/// A JWT NumericDate (seconds since 1970), within years 0001–9999.
fn numeric_date(value: &Value) -> Option<DateTime> {
    let seconds = value.as_f64()?;
    (-62_135_596_800.0..=253_402_300_799.0)
        .contains(&seconds)
        .then(|| DateTime::from_unix(seconds as i64))
}

/// Verifies a VC-JWT: its signature with the key `kid` names, then what every format checks
/// (issuer, validity, status, schema). *Tampered* only when the signature was computed and
/// does not match.
pub fn verify_vc_jwt(token: &str, context: &Context<'_>) -> Report {
    let mut checks = Vec::new();
    let mut verdict = None;
    let jws = match read_compact(token) {
        Ok(jws) => jws,
        Err(e) => {
            checks.push(failed("format", e.to_string()));
            return Report::new(checks, Some(Verdict::Malformed));
        }
    };
    let Some((credential, form)) = credential_of(&jws.payload) else {
        checks.push(failed(
            "format",
            "a JWT without a credential: its payload has neither a `vc` claim nor an `@context`",
        ));
        return Report::new(checks, Some(Verdict::Malformed));
    };
    let form_name = match form {
        JwtForm::Vc11 => "a VC-JWT (VC 1.1 JWT encoding)",
        JwtForm::Vc20 => "a VC-JWT (VC 2.0, secured with JOSE)",
    };
    match crate::vc::validate_credential(&credential, crate::vc::Strictness::Verify) {
        Ok(()) => checks.push(ok("format", form_name)),
        Err(problems) => {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            checks.push(failed(
                "format",
                format!("{form_name}: {}", list.join("; ")),
            ));
            raise(&mut verdict, Verdict::Malformed);
        }
    }

    let mut signers = Vec::new();
    match signature(&jws, &credential, context) {
        Ok((method, alg)) => {
            checks.push(ok(
                "proof",
                format!("{alg} JWS signature by {method} verified"),
            ));
            signers.push(context.resolver.controller_of(&method).to_owned());
        }
        Err((found, detail)) => {
            checks.push(failed("proof", detail));
            raise(&mut verdict, found);
        }
    }
    // The JWT's own time claims bound it too (VC JOSE-COSE: `exp`, `nbf` when present).
    if form == JwtForm::Vc20 {
        for (claim, expired) in [("exp", true), ("nbf", false)] {
            let Some(at) = jws.payload.get(claim).and_then(numeric_date) else {
                continue;
            };
            if expired && context.now > at {
                checks.push(failed("validity", format!("the JWT expired on {at}")));
                raise(&mut verdict, Verdict::Expired);
            } else if !expired && context.now < at {
                checks.push(failed(
                    "validity",
                    format!("the JWT is not valid before {at}"),
                ));
                raise(&mut verdict, Verdict::NotYetValid);
            }
        }
    }
    checks.extend(secured_checks(&credential, &signers, context, &mut verdict));
    Report::new(checks, verdict)
}

/// Checks the JWS signature; on success, the verification method and algorithm.
fn signature(
    jws: &CompactJws,
    credential: &Value,
    context: &Context<'_>,
) -> Result<(String, String), (Verdict, String)> {
    let alg = jws
        .header
        .get("alg")
        .and_then(Value::as_str)
        .ok_or((Verdict::Malformed, "the JWS header has no `alg`".to_owned()))?;
    if !matches!(alg, "EdDSA" | "Ed25519" | "ES256" | "RS256") {
        return Err((
            Verdict::Unsupported,
            format!("the JWS algorithm `{alg}` is not one microcred checks (EdDSA, ES256, RS256)"),
        ));
    }
    if let Some(critical) = jws.header.get("crit") {
        return Err((
            Verdict::Unsupported,
            format!("the JWS names critical header parameters microcred does not read: {critical}"),
        ));
    }
    let issuer = jws
        .payload
        .get("iss")
        .and_then(Value::as_str)
        .or_else(|| issuer_id(credential));
    let kid = jws.header.get("kid").and_then(Value::as_str);
    let method = match (kid, issuer) {
        (Some(kid), Some(issuer)) if kid.starts_with('#') => format!("{issuer}{kid}"),
        (Some(kid), _) if kid.contains(':') => kid.to_owned(),
        (Some(kid), Some(issuer)) if issuer.starts_with("did:") => format!("{issuer}#{kid}"),
        (None, Some(issuer)) if issuer.starts_with("did:key:") => issuer.to_owned(),
        _ => {
            return Err((
                Verdict::KeyUnavailable,
                "the JWS names no key microcred can find (no `kid`, and the issuer is not a did:key)"
                    .to_owned(),
            ));
        }
    };
    let key = context
        .resolver
        .resolve(&method, "assertionMethod")
        .map_err(|e| {
            let error = crate::data_integrity::ProofError::VerificationMethod(e);
            (
                proof_verdict(&error),
                format!("{alg} JWS by {method}: {error}"),
            )
        })?;
    match key.verify_jose(alg, jws.signing_input.as_bytes(), &jws.signature) {
        Some(true) => Ok((method, alg.to_owned())),
        Some(false) => Err((
            Verdict::Tampered,
            format!("{alg} JWS by {method}: the signature does not match the token"),
        )),
        None => Err((
            Verdict::Malformed,
            format!(
                "{alg} JWS by {method}: the algorithm does not fit the key, which is {}",
                key.algorithm()
            ),
        )),
    }
}

/// Signs `credential` as a VC-JWT of `form` with `signer`, naming `kid` as its key. VC 1.1:
/// the registered claims are taken from the credential.
pub fn sign_vc_jwt(credential: &Value, signer: &dyn Signer, kid: &str, form: JwtForm) -> String {
    let alg = match signer.algorithm() {
        KeyAlgorithm::Ed25519 => "EdDSA",
        KeyAlgorithm::P256 => "ES256",
        KeyAlgorithm::Rsa => "RS256",
    };
    let (typ, payload) = match form {
        JwtForm::Vc20 => ("vc+jwt", credential.clone()),
        JwtForm::Vc11 => {
            let mut claims = Map::new();
            if let Some(iss) = issuer_id(credential) {
                claims.insert("iss".into(), iss.into());
            }
            let unix = |key: &str| {
                credential
                    .get(key)
                    .and_then(Value::as_str)
                    .and_then(DateTime::parse)
                    .map(|d| Value::from(d.unix()))
            };
            if let Some(nbf) = unix("issuanceDate").or_else(|| unix("validFrom")) {
                claims.insert("nbf".into(), nbf);
            }
            if let Some(exp) = unix("expirationDate").or_else(|| unix("validUntil")) {
                claims.insert("exp".into(), exp);
            }
            if let Some(id) = credential.get("id") {
                claims.insert("jti".into(), id.clone());
            }
            if let Some(sub) = credential.pointer("/credentialSubject/id") {
                claims.insert("sub".into(), sub.clone());
            }
            claims.insert("vc".into(), credential.clone());
            ("JWT", Value::Object(claims))
        }
    };
    let header = serde_json::json!({ "alg": alg, "kid": kid, "typ": typ });
    let encode = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap_or_default());
    let input = format!("{}.{}", encode(&header), encode(&payload));
    let signature = signer.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}
