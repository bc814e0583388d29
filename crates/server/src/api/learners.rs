//! Learners and their results: found, merged, given accounts; results recorded as JSON rows or
//! imported as CSV or XLSX files.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use microcred_app::platform::invitations::IssuedInvitation;
use microcred_app::platform::learners::ImportReport;
use microcred_app::platform::views::{AccountView, LearnerView};
use microcred_app::results::{ResultsFormat, Unrecognition, read_json_rows};

use crate::AppState;
use crate::auth::Actor;
use crate::problem::{ApiError, JsonBody, declared_media_type};

/// Largest results file accepted, in bytes.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

#[derive(Deserialize)]
pub struct FindQuery {
    university: Option<String>,
    student_id: Option<String>,
    email: Option<String>,
}

pub async fn find(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(query): Query<FindQuery>,
) -> Result<Json<Value>, ApiError> {
    let found = state
        .platform
        .find_learners(
            &actor,
            query.university.as_deref(),
            query.student_id.as_deref(),
            query.email.as_deref(),
        )
        .await?;
    Ok(Json(json!({ "learners": found })))
}

pub async fn learner(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<LearnerView>, ApiError> {
    Ok(Json(state.platform.learner(&actor, &id).await?))
}

pub async fn results(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "results": state.platform.learner_results(&actor, &id).await? }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Merge {
    other: String,
}

pub async fn merge(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Merge>,
) -> Result<Json<LearnerView>, ApiError> {
    Ok(Json(
        state
            .platform
            .merge_learners(&actor, &id, &body.other)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRequest {
    email: String,
    #[serde(default)]
    password: Option<String>,
}

pub async fn account(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AccountRequest>,
) -> Result<(StatusCode, Json<AccountView>), ApiError> {
    let account = state
        .platform
        .learner_account(&actor, &id, &body.email, body.password)
        .await?;
    Ok((StatusCode::CREATED, Json(AccountView::from(&account))))
}

/// An invitation for the learner to make (or bind) their own account: the link to hand them.
pub async fn invite(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<IssuedInvitation>), ApiError> {
    let invitation = state.platform.invite_learner(&actor, &id).await?;
    Ok((StatusCode::CREATED, Json(invitation)))
}

/// Rows as JSON objects with the columns of a results file as their keys.
pub async fn record(
    State(state): State<AppState>,
    Actor(actor): Actor,
    JsonBody(rows): JsonBody<Vec<serde_json::Map<String, Value>>>,
) -> Result<(StatusCode, Json<ImportReport>), ApiError> {
    let parsed = read_json_rows("the request", &rows)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.message))?;
    let report = state
        .platform
        .import_results(&actor, "api", parsed, &mut |_| {})
        .await?;
    Ok((StatusCode::CREATED, Json(report)))
}

#[derive(Deserialize)]
pub struct ImportQuery {
    name: Option<String>,
}

pub async fn import(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(query): Query<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<ImportReport>), ApiError> {
    let name = query.name.unwrap_or_else(|| "upload".into());
    // The API asks for the type to be declared: an undeclared body is not guessed at.
    let declared = declared_media_type(&headers).unwrap_or_else(|| "(none)".into());
    let format = ResultsFormat::recognise(&name, Some(&declared), true, &body).map_err(|e| {
        let status = match e.reason {
            Unrecognition::MediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Unrecognition::Mismatch { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, e.to_string())
    })?;
    let rows = state.platform.results_file(&name, format, &body).await?;
    let report = state
        .platform
        .import_results(&actor, &name, rows, &mut |_| {})
        .await?;
    Ok((StatusCode::CREATED, Json(report)))
}
