//! The W3C VC API's issuer and verifier endpoints, as independent test suites call them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use microcred_credentials::verify::{Report, Status};

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
    let signed = state
        .platform
        .issue_any(&actor, credential, cryptosuite)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "verifiableCredential": signed })),
    ))
}

/// The VC API's verification response: which checks ran, and the errors of the failed ones.
fn outcome(report: &Report) -> (StatusCode, Json<Value>) {
    let checks: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Ok)
        .map(|c| c.name)
        .collect();
    let errors: Vec<Value> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Failed)
        .map(|c| json!({ "name": c.name, "message": c.detail }))
        .collect();
    let warnings: Vec<Value> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Skipped)
        .map(|c| json!({ "name": c.name, "message": c.detail }))
        .collect();
    let status = if report.verified {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    (
        status,
        Json(json!({
            "verified": report.verified,
            "verdict": report.verdict,
            "checks": checks,
            "warnings": warnings,
            "errors": errors,
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
    let verified = report.verified && credentials.iter().all(|c| c.verified);
    response["verified"] = verified.into();
    response["credentialResults"] = credentials
        .iter()
        .map(|c| outcome(c).1.0)
        .collect::<Vec<_>>()
        .into();
    let status = if verified {
        status
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, Json(response)))
}
