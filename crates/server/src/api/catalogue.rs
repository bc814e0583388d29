//! Course elements, the public catalogue, and the review of specifications.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use microcred_app::platform::catalogue::{CatalogueQuery, Decision, Recommendation};
use microcred_app::platform::views::SpecificationVersionView;
use microcred_model::{CourseElement, Specification};

use crate::AppState;
use crate::auth::Actor;
use crate::problem::{ApiError, JsonBody};

#[derive(Deserialize)]
pub struct ByUniversity {
    university: Option<String>,
}

pub async fn course_elements(
    State(state): State<AppState>,
    Query(query): Query<ByUniversity>,
) -> Result<Json<Value>, ApiError> {
    let elements = state
        .platform
        .course_elements(query.university.as_deref())
        .await?;
    Ok(Json(json!({ "courseElements": elements })))
}

pub async fn put_course_element(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(element): JsonBody<CourseElement>,
) -> Result<Json<CourseElement>, ApiError> {
    if element.id.as_str() != id {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the course element's id must be the one in the URL",
        )
        .with_problems(vec![microcred_app::platform::Problem::new(
            "id",
            format!("is `{}`, the URL says `{id}`", element.id),
        )]));
    }
    state
        .platform
        .put_course_element(&actor, element.clone())
        .await?;
    Ok(Json(element))
}

fn summary(record: &SpecificationVersionView) -> Value {
    let s = &record.specification;
    json!({
        "id": record.specification_id,
        "version": record.version,
        "state": record.state,
        "title": s.title,
        "typology": s.typology,
        "ects": s.workload.ects,
        "eqf": s.level.eqf,
        "mode": s.participation.mode,
        "languages": s.further_information.languages,
        "updatedAt": record.updated_at,
    })
}

pub async fn catalogue(
    State(state): State<AppState>,
    Query(query): Query<CatalogueQuery>,
) -> Result<Json<Value>, ApiError> {
    let found: Vec<Value> = state
        .platform
        .catalogue(&query)
        .await?
        .iter()
        .map(summary)
        .collect();
    Ok(Json(json!({ "specifications": found })))
}

pub async fn published(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<SpecificationVersionView>, ApiError> {
    Ok(Json(state.platform.published(&id).await?))
}

pub async fn specifications(
    State(state): State<AppState>,
    Actor(actor): Actor,
) -> Result<Json<Value>, ApiError> {
    let list: Vec<Value> = state
        .platform
        .specifications(&actor)
        .await?
        .iter()
        .map(summary)
        .collect();
    Ok(Json(json!({ "specifications": list })))
}

pub async fn create_specification(
    State(state): State<AppState>,
    Actor(actor): Actor,
    JsonBody(specification): JsonBody<Specification>,
) -> Result<(StatusCode, Json<SpecificationVersionView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .platform
                .create_specification(&actor, specification)
                .await?,
        ),
    ))
}

pub async fn specification(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<SpecificationVersionView>, ApiError> {
    Ok(Json(state.platform.specification(&actor, &id).await?))
}

pub async fn update_specification(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(specification): JsonBody<Specification>,
) -> Result<Json<SpecificationVersionView>, ApiError> {
    if specification.id.as_str() != id {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the specification's id must be the one in the URL",
        )
        .with_problems(vec![microcred_app::platform::Problem::new(
            "id",
            format!("is `{}`, the URL says `{id}`", specification.id),
        )]));
    }
    Ok(Json(
        state
            .platform
            .update_specification(&actor, specification)
            .await?,
    ))
}

pub async fn versions(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "versions": state.platform.versions(&actor, &id).await? }),
    ))
}

pub async fn version(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path((id, version)): Path<(String, i64)>,
) -> Result<Json<SpecificationVersionView>, ApiError> {
    Ok(Json(
        state
            .platform
            .specification_version(Some(&actor), &id, version)
            .await?,
    ))
}

pub async fn history(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "events": state.platform.history(&actor, &id).await? }),
    ))
}

pub async fn check(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let latest = state.platform.specification(&actor, &id).await?;
    let (profiles, findings) = state.platform.check(&latest.specification).await?;
    Ok(Json(json!({ "profiles": profiles, "findings": findings })))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Comment {
    #[serde(default)]
    comment: String,
}

pub async fn submit(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    body: Option<JsonBody<Comment>>,
) -> Result<Json<SpecificationVersionView>, ApiError> {
    let comment = body.map(|b| b.0.comment).unwrap_or_default();
    Ok(Json(state.platform.submit(&actor, &id, &comment).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advice {
    recommendation: Recommendation,
    #[serde(default)]
    comment: String,
}

pub async fn advise(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Advice>,
) -> Result<StatusCode, ApiError> {
    state
        .platform
        .advise(&actor, &id, body.recommendation, &body.comment)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    decision: Decision,
    #[serde(default)]
    reason: String,
}

pub async fn decide(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<DecisionRequest>,
) -> Result<Json<SpecificationVersionView>, ApiError> {
    Ok(Json(
        state
            .platform
            .decide(&actor, &id, body.decision, &body.reason)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    pub reason: String,
}

pub async fn retire(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Reason>,
) -> Result<Json<SpecificationVersionView>, ApiError> {
    Ok(Json(
        state.platform.retire(&actor, &id, &body.reason).await?,
    ))
}

pub async fn queue(
    State(state): State<AppState>,
    Actor(actor): Actor,
) -> Result<Json<Value>, ApiError> {
    let list: Vec<Value> = state
        .platform
        .review_queue(&actor)
        .await?
        .iter()
        .map(summary)
        .collect();
    Ok(Json(json!({ "specifications": list })))
}
