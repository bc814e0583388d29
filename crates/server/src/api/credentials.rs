//! Issuing, reading, revoking, suspending, reinstating and correcting credentials.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use microcred_app::platform::issuance::CredentialQuery;
use microcred_app::platform::issuance::IssueOutcome;
use microcred_app::platform::views::CredentialView;

use super::catalogue::Reason;
use crate::AppState;
use crate::auth::Actor;
use crate::problem::{ApiError, JsonBody};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    #[serde(default)]
    learners: Option<Vec<String>>,
}

pub async fn issue(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    body: Option<JsonBody<IssueRequest>>,
) -> Result<Json<IssueOutcome>, ApiError> {
    let learners = body.and_then(|b| b.0.learners);
    Ok(Json(
        state
            .platform
            .issue(&actor, &id, learners, &mut |_, _| {})
            .await?,
    ))
}

#[derive(Deserialize)]
pub struct ListQuery {
    specification: Option<String>,
    learner: Option<String>,
    issuer: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let filter = CredentialQuery {
        specification: query.specification,
        learner: query.learner,
        issuer: query.issuer,
        limit: query.limit.unwrap_or(100),
        offset: query.offset.unwrap_or(0),
    };
    let list: Vec<CredentialView> = state
        .platform
        .credentials(&actor, filter)
        .await?
        .into_iter()
        .map(CredentialView::summary)
        .collect();
    Ok(Json(json!({ "credentials": list })))
}

pub async fn credential(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<CredentialView>, ApiError> {
    let record = state.platform.credential(&actor, &id).await?;
    Ok(Json(record))
}

pub async fn download(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let record = state.platform.credential(&actor, &id).await?;
    let mut response = Json(&record.document).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vc+ld+json"),
    );
    let file = format!(
        "attachment; filename=\"{}.json\"",
        id.trim_start_matches("urn:uuid:")
    );
    if let Ok(value) = HeaderValue::from_str(&file) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// The credential as a Europass EDC sealed with JAdES, where it was issued as one.
pub async fn download_edc(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let document = state
        .platform
        .credential_document(&actor, &id, microcred_app::edc::EDC_FORMAT)
        .await?;
    // The seal covers the payload string's bytes; JSON re-serialisation keeps the string.
    let mut response = Json(&document).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/jose+json"),
    );
    let file = format!(
        "attachment; filename=\"{}.edc.json\"",
        id.trim_start_matches("urn:uuid:")
    );
    if let Ok(value) = HeaderValue::from_str(&file) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

pub async fn revoke(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Reason>,
) -> Result<Json<CredentialView>, ApiError> {
    let record = state.platform.revoke(&actor, &id, &body.reason).await?;
    Ok(Json(record))
}

pub async fn suspend(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Reason>,
) -> Result<Json<CredentialView>, ApiError> {
    let record = state.platform.suspend(&actor, &id, &body.reason).await?;
    Ok(Json(record))
}

pub async fn reinstate(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Reason>,
) -> Result<Json<CredentialView>, ApiError> {
    let record = state.platform.reinstate(&actor, &id, &body.reason).await?;
    Ok(Json(record))
}

pub async fn correct(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Reason>,
) -> Result<Json<IssueOutcome>, ApiError> {
    Ok(Json(
        state.platform.correct(&actor, &id, &body.reason).await?,
    ))
}
