//! Stacking: a learner's progress towards stacked credentials, their external credentials, a
//! stacked credential's evaluation, and stacked credentials up for review.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use microcred_app::platform::stacking::ExternalCredentialView;

use super::catalogue::Reason;
use crate::AppState;
use crate::auth::Actor;
use crate::problem::{ApiError, JsonBody};

pub async fn progress(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let stacked = state.platform.stacking_progress(&actor, &id).await?;
    Ok(Json(json!({ "learner": id, "stacked": stacked })))
}

pub async fn external_credentials(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let recorded = state.platform.external_credentials(&actor, &id).await?;
    Ok(Json(json!({ "external_credentials": recorded })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalUpload {
    /// The credential: its JSON, or a VC-JWT as a string.
    credential: Value,
}

pub async fn record_external(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ExternalUpload>,
) -> Result<(StatusCode, Json<ExternalCredentialView>), ApiError> {
    let text = match body.credential {
        Value::String(jwt) => jwt,
        other => other.to_string(),
    };
    let recorded = state
        .platform
        .record_external_credential(&actor, &id, &text)
        .await?;
    Ok((StatusCode::CREATED, Json(recorded)))
}

pub async fn stacked_award(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    // Whether the credential may be seen is asked first: a stranger learns nothing.
    state.platform.credential(&actor, &id).await?;
    let stacked = match state.platform.stacked_award(&actor, &id).await {
        Ok(award) => Some(award),
        Err(microcred_app::platform::PlatformError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(Json(json!({ "credential": id, "stacked": stacked })))
}

pub async fn in_review(
    State(state): State<AppState>,
    Actor(actor): Actor,
) -> Result<Json<Value>, ApiError> {
    let awards = state.platform.stacked_in_review(&actor).await?;
    Ok(Json(json!({ "in_review": awards })))
}

pub async fn keep(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Reason>,
) -> Result<StatusCode, ApiError> {
    state
        .platform
        .keep_stacked(&actor, &id, &body.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn bundle(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(state.platform.bundle(&actor, &id).await?))
}
