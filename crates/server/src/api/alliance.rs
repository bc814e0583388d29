//! The alliance, its universities, their keys, logos, signatories and grading schemes.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use microcred_app::platform::alliance::ALLIANCE;
use microcred_app::platform::logos::LogoInfo;
use microcred_app::platform::views::{KeyView, SignatoryView, UniversityView};
use microcred_credentials::trust::TrustList;
use microcred_model::grade_conversion::ReferenceTable;
use microcred_model::grading::GradingScheme;
use microcred_model::{Alliance, University};

use crate::AppState;
use crate::auth::Actor;
use crate::problem::{ApiError, JsonBody, declared_media_type};

pub async fn set_alliance(
    State(state): State<AppState>,
    Actor(actor): Actor,
    JsonBody(alliance): JsonBody<Alliance>,
) -> Result<Json<Value>, ApiError> {
    let record = state.platform.set_alliance(Some(&actor), alliance).await?;
    Ok(Json(
        json!({ "alliance": record.alliance, "did": record.did }),
    ))
}

pub async fn trust_list(State(state): State<AppState>) -> Result<Json<TrustList>, ApiError> {
    Ok(Json(state.platform.trust_list().await?))
}

pub async fn universities(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let list = state.platform.universities().await?;
    Ok(Json(json!({ "universities": list })))
}

pub async fn university(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<UniversityView>, ApiError> {
    Ok(Json(state.platform.university(&id).await?))
}

pub async fn add_university(
    State(state): State<AppState>,
    Actor(actor): Actor,
    JsonBody(university): JsonBody<University>,
) -> Result<(StatusCode, Json<UniversityView>), ApiError> {
    let record = state.platform.add_university(&actor, university).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

pub async fn update_university(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(university): JsonBody<University>,
) -> Result<Json<UniversityView>, ApiError> {
    if university.id.as_str() != id {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the university's id cannot change",
        )
        .with_problems(vec![microcred_app::platform::Problem::new(
            "id",
            format!("is `{}`, the URL says `{id}`", university.id),
        )]));
    }
    state.platform.update_university(&actor, university).await?;
    Ok(Json(state.platform.university(&id).await?))
}

pub async fn set_university_logo(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<LogoInfo>, ApiError> {
    if id == ALLIANCE {
        return Err(ApiError::not_found(format!("university `{id}`")));
    }
    Ok(Json(
        state
            .platform
            .set_logo(&actor, &id, declared_media_type(&headers).as_deref(), &body)
            .await?,
    ))
}

pub async fn set_alliance_logo(
    State(state): State<AppState>,
    Actor(actor): Actor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<LogoInfo>, ApiError> {
    Ok(Json(
        state
            .platform
            .set_logo(
                &actor,
                ALLIANCE,
                declared_media_type(&headers).as_deref(),
                &body,
            )
            .await?,
    ))
}

pub async fn keys(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state.platform.university(&id).await?;
    let keys = state.platform.keys(&id).await?;
    Ok(Json(json!({ "keys": keys })))
}

pub async fn rotate_key(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<KeyView>), ApiError> {
    let key = state.platform.rotate_key(&actor, &id).await?;
    Ok((StatusCode::CREATED, Json(key)))
}

pub async fn signatories(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state.platform.university(&id).await?;
    Ok(Json(
        json!({ "signatories": state.platform.signatories(&id).await? }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSignatory {
    name: String,
    role: String,
}

pub async fn add_signatory(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<NewSignatory>,
) -> Result<(StatusCode, Json<SignatoryView>), ApiError> {
    let signatory = state
        .platform
        .add_signatory(&actor, &id, &body.name, &body.role)
        .await?;
    Ok((StatusCode::CREATED, Json(signatory)))
}

pub async fn retire_signatory(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path((id, signatory)): Path<(String, String)>,
) -> Result<Json<SignatoryView>, ApiError> {
    Ok(Json(
        state
            .platform
            .retire_signatory(&actor, &id, &signatory)
            .await?,
    ))
}

pub async fn grading_schemes(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state.platform.university(&id).await?;
    let schemes: Vec<Value> = state
        .platform
        .grading_schemes(&id)
        .await?
        .into_iter()
        .map(|registered| match registered.scheme {
            Ok(scheme) => json!({
                "id": registered.id,
                "scheme": scheme,
                "passingGrades": scheme.passing_grades().len(),
                "description": scheme.expected(),
            }),
            Err(why) => json!({
                "id": registered.id,
                "scheme": registered.document,
                "problem": format!("not a typed grading scheme ({why}): set it again"),
            }),
        })
        .collect();
    Ok(Json(json!({ "gradingSchemes": schemes })))
}

/// The common schemes a registrar can start from.
pub async fn grading_scheme_presets() -> Json<Value> {
    let presets: Vec<Value> = GradingScheme::presets()
        .into_iter()
        .map(|(id, scheme)| json!({ "id": id, "scheme": scheme, "description": scheme.expected() }))
        .collect();
    Json(json!({ "presets": presets }))
}

pub async fn set_grading_scheme(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path((id, scheme)): Path<(String, String)>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    let typed = state
        .platform
        .set_grading_scheme(&actor, &id, &scheme, &body)
        .await?;
    Ok(Json(
        json!({ "id": scheme, "scheme": typed, "description": typed.expected() }),
    ))
}

/// The largest grade tables file read.
const MAX_GRADE_TABLES_BYTES: usize = 1024 * 1024;

fn table_json(scheme: &str, table: &ReferenceTable) -> Value {
    json!({
        "scheme": scheme,
        "field": table.scope.field.as_ref().map(|f| f.as_str()),
        "cycle": table.scope.cycle.map(|c| c.name()),
        "scope": table.scope.to_string(),
        "period": table.period,
        "total": table.distribution.total(),
        "grades": table.distribution.grades().map(|(grade, count)| json!({ "grade": grade, "count": count })).collect::<Vec<_>>(),
    })
}

pub async fn grade_tables(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let tables: Vec<Value> = state
        .platform
        .grade_tables(&id)
        .await?
        .iter()
        .map(|(scheme, table)| table_json(scheme, table))
        .collect();
    Ok(Json(json!({ "gradeTables": tables })))
}

#[derive(Deserialize)]
pub struct TablesQuery {
    period: Option<String>,
}

pub async fn import_grade_tables(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path((id, scheme)): Path<(String, String)>,
    Query(query): Query<TablesQuery>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    if body.len() > MAX_GRADE_TABLES_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("a grade tables file is at most {MAX_GRADE_TABLES_BYTES} bytes"),
        ));
    }
    let tables = state
        .platform
        .import_grade_tables(&actor, &id, &scheme, query.period.as_deref(), "body", &body)
        .await?;
    let tables: Vec<Value> = tables.iter().map(|t| table_json(&scheme, t)).collect();
    Ok(Json(json!({ "gradeTables": tables })))
}
