//! The W3C VC API's issuer and verifier endpoints, as independent test suites call them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use microcred_credentials::verify::{NOT_LISTED, Report, Status, Verdict};

use microcred_app::platform::verification::StatusRequest;

use crate::AppState;
use crate::auth::Actor;
use crate::problem::{ApiError, JsonBody};

pub async fn issue(
    State(state): State<AppState>,
    Actor(actor): Actor,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Some(object) = body.as_object() else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "send {\"credential\": {…}, \"options\": {…}}",
        ));
    };
    let credential = match object.get("credential") {
        Some(c @ Value::Object(_)) => c.clone(),
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "`credential` must be an object",
            ));
        }
        None => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "the body has no `credential`",
            ));
        }
    };
    let options = object.get("options").cloned().unwrap_or(Value::Null);
    if !options.is_null() && !options.is_object() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "`options` must be an object",
        ));
    }
    let cryptosuite = options.get("cryptosuite").and_then(Value::as_str);
    // `options.credentialStatus` (VC API): a revocation entry is always added; a suspension
    // entry when asked for.
    let status = StatusRequest {
        suspension: options
            .get("credentialStatus")
            .and_then(|s| s.get("statusPurpose"))
            .is_some_and(|p| match p {
                Value::String(p) => p == "suspension",
                Value::Array(list) => list.iter().any(|p| p == "suspension"),
                _ => false,
            }),
    };
    let signed = state
        .platform
        .issue_any(&actor, credential, cryptosuite, status)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "verifiableCredential": signed })),
    ))
}

/// The VC API's verification response: which checks ran, and the errors of the failed ones.
/// Whether the issuer is one the alliance trusts is *validation*, not verification (VC Data
/// Model 2.0 §7.1): it is reported apart, as `trust`, and does not make `verified` false; the
/// platform's own pages and `/api/v1/verify` stay strict.
fn outcome(report: &Report) -> (StatusCode, Json<Value>) {
    let untrusted_only = report.verdict == Verdict::UnknownIssuer
        && report.checks.iter().all(|c| {
            c.status != Status::Failed || (c.name == "issuer" && c.detail.contains(NOT_LISTED))
        });
    let verified = report.verified || untrusted_only;
    let trust = report.check("issuer").map(|c| {
        json!({
            "trusted": c.status == Status::Ok,
            "message": c.detail,
        })
    });
    let checks: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Ok)
        .map(|c| c.name)
        .collect();
    let errors: Vec<Value> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Failed && !(untrusted_only && c.name == "issuer"))
        .map(|c| json!({ "name": c.name, "message": c.detail }))
        .collect();
    let warnings: Vec<Value> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Skipped)
        .map(|c| json!({ "name": c.name, "message": c.detail }))
        .collect();
    let status = if verified {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    (
        status,
        Json(json!({
            "verified": verified,
            "verdict": report.verdict,
            "checks": checks,
            "warnings": warnings,
            "errors": errors,
            "trust": trust,
        })),
    )
}

pub async fn verify_credential(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let credential = body
        .get("verifiableCredential")
        .filter(|c| c.is_object())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "the body has no `verifiableCredential` object",
            )
        })?;
    let (report, _) = state.platform.verify(credential).await?;
    Ok(outcome(&report))
}

pub async fn verify_presentation(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let presentation = body
        .get("verifiablePresentation")
        .filter(|p| p.is_object())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "the body has no `verifiablePresentation` object",
            )
        })?;
    let options = body.get("options");
    let text = |name: &str| options.and_then(|o| o.get(name)).and_then(Value::as_str);
    let (report, credentials) = state
        .platform
        .verify_presentation(presentation, text("challenge"), text("domain"))
        .await?;
    let (status, Json(mut response)) = outcome(&report);
    let results: Vec<Value> = credentials.iter().map(|c| outcome(c).1.0).collect();
    let verified = response["verified"] == true && results.iter().all(|r| r["verified"] == true);
    response["verified"] = verified.into();
    response["credentialResults"] = results.into();
    let status = if verified {
        status
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, Json(response)))
}
