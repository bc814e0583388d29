//! What anyone may ask: the API's index and document, verification, status lists, DID
//! documents, published specification versions, our JSON-LD context.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use microcred_app::grades::ConversionPolicy;
use microcred_app::platform::alliance::ALLIANCE;
use microcred_app::platform::grading::BetweenUniversities;
use microcred_app::platform::{PlatformError, Problem};
use microcred_credentials::jsonld::bundled::{self, MICROCRED_V1};
use microcred_model::IscedF;
use microcred_model::vocabulary::QfEheaCycle;

use crate::AppState;
use crate::problem::{ApiError, JsonBody};

/// A JSON response with its own media type.
fn typed(body: &Value, media_type: &'static str) -> Response {
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    response
}

pub async fn index(State(state): State<AppState>) -> Json<Value> {
    let base = state.platform.config().base().to_owned();
    Json(json!({
        "name": "microcred",
        "description": "Micro-credentials for European university alliances",
        "openapi": format!("{base}/api/v1/openapi.json"),
        "catalogue": format!("{base}/api/v1/catalogue"),
        "verify": format!("{base}/api/v1/verify"),
        "trustList": format!("{base}/api/v1/trust-list"),
        "vcApi": {
            "issue": format!("{base}/credentials/issue"),
            "verifyCredential": format!("{base}/credentials/verify"),
            "verifyPresentation": format!("{base}/presentations/verify"),
        },
    }))
}

pub async fn openapi(State(state): State<AppState>) -> Json<Value> {
    Json(crate::openapi::document(state.platform.config().base()))
}

pub async fn health(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.platform.alliance().await?;
    Ok(Json(json!({ "status": "ok" })))
}

/// The report of a verification, for people and programs.
pub fn report_json(
    report: &microcred_credentials::verify::Report,
    statements: &[microcred_credentials::open_badges::Statement],
) -> Value {
    json!({
        "verified": report.verified,
        "verdict": report.verdict,
        "summary": report.verdict.sentence(),
        "checks": report.checks,
        "statements": statements,
    })
}

/// A credential sent to be verified: JSON (a JSON-LD credential, a sealed EDC, or a VC-JWT as
/// a JSON string), a VC-JWT as `application/jwt` or `application/vc+jwt`, or a baked badge as
/// `image/png` or `image/svg+xml`.
pub struct CredentialDocument(pub Value);

impl<S: Send + Sync> axum::extract::FromRequest<S> for CredentialDocument {
    type Rejection = ApiError;

    async fn from_request(
        request: axum::extract::Request,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let media = crate::problem::declared_media_type(request.headers()).unwrap_or_default();
        let raw = matches!(
            media.as_str(),
            "application/jwt" | "application/vc+jwt" | "image/png" | "image/svg+xml"
        );
        if !raw {
            let JsonBody(value) = JsonBody::<Value>::from_request(request, state).await?;
            return Ok(CredentialDocument(value));
        }
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the body is over {} bytes", crate::problem::MAX_JSON_BYTES),
                )
            })?;
        microcred_app::certificate::credential_from_bytes(&format!("the {media} body"), &bytes)
            .map(CredentialDocument)
            .map_err(|why| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, why))
    }
}

pub async fn verify(
    State(state): State<AppState>,
    CredentialDocument(credential): CredentialDocument,
) -> Result<Json<Value>, ApiError> {
    let (report, statements) = state.platform.verify(&credential).await?;
    Ok(Json(report_json(&report, &statements)))
}

/// One row of a grade distribution table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeCount {
    grade: String,
    count: u64,
}

/// `POST /api/v1/grades/convert`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeConversionRequest {
    grade: String,
    from: Vec<GradeCount>,
    to: Vec<GradeCount>,
    #[serde(default)]
    policy: Option<String>,
}

/// Converts a grade by two grade distribution tables (anyone): the same answer as
/// `microcred grades convert --format json`.
pub async fn convert_grade(
    JsonBody(body): JsonBody<GradeConversionRequest>,
) -> Result<Json<Value>, ApiError> {
    let invalid = |field: &str, message: String| -> ApiError {
        PlatformError::invalid(
            "the grade cannot be converted",
            vec![Problem::new(field, message)],
        )
        .into()
    };
    let policy = match body.policy.as_deref() {
        None => ConversionPolicy::default(),
        Some(name) => ConversionPolicy::parse(name).ok_or_else(|| {
            invalid(
                "policy",
                format!("`{name}` is not a policy: lowest, highest or largest-overlap"),
            )
        })?,
    };
    let rows = |rows: Vec<GradeCount>| -> Vec<(String, u64)> {
        rows.into_iter().map(|r| (r.grade, r.count)).collect()
    };
    microcred_app::grades::convert_grade_rows(&body.grade, rows(body.from), rows(body.to), policy)
        .map(|conversion| Json(conversion.to_json()))
        .map_err(|(field, e)| invalid(field, e.to_string()))
}

/// `POST /api/v1/grades/convert-between`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BetweenRequest {
    grade: String,
    from: String,
    to: String,
    #[serde(default)]
    field: Option<IscedF>,
    #[serde(default)]
    cycle: Option<QfEheaCycle>,
    #[serde(default)]
    policy: Option<ConversionPolicy>,
    #[serde(default)]
    min_table_size: Option<u64>,
}

/// Converts a grade of one member university to another's scheme by their published grade
/// distribution tables for a field and cycle (anyone).
pub async fn convert_between(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<BetweenRequest>,
) -> Result<Json<Value>, ApiError> {
    let (converted, policy) = state
        .platform
        .convert_between_universities(&BetweenUniversities {
            grade: body.grade,
            from: body.from,
            to: body.to,
            field: body.field,
            cycle: body.cycle,
            policy: body.policy.unwrap_or_default(),
            min_table_size: body.min_table_size,
        })
        .await?;
    Ok(Json(microcred_app::grades::converted_json(
        &converted, policy,
    )))
}

pub async fn status_list(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let list = state.platform.status_list(&id).await?;
    let mut response = typed(&list, "application/vc+ld+json");
    // Verifiers may cache a list briefly; a revocation shows within a minute.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Ok(response)
}

pub async fn alliance_did(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(typed(
        &state.platform.did_document(ALLIANCE).await?,
        "application/did+ld+json",
    ))
}

pub async fn university_did(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if id == ALLIANCE {
        return Err(ApiError::not_found(format!("university `{id}`")));
    }
    Ok(typed(
        &state.platform.did_document(&id).await?,
        "application/did+ld+json",
    ))
}

pub async fn achievement(
    State(state): State<AppState>,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let number: i64 = version
        .strip_prefix('v')
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                format!("`{version}` is not a version (v1, v2, …)"),
            )
        })?;
    let record = state.platform.published_version(&id, number).await?;
    Ok(Json(json!({
        "id": state.platform.config().achievement_url(&id, number),
        "specification": record.specification,
        "version": record.version,
        "state": record.state,
    })))
}

pub async fn context() -> Response {
    let text = bundled::document(MICROCRED_V1).unwrap_or("{}");
    let mut response = text.to_owned().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/ld+json"),
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    response
}

/// A logo as uploaded (PNG or JPEG, checked when it was set).
fn logo_response(logo: microcred_app::platform::views::Image) -> Response {
    let mut response = logo.bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(media_type) = HeaderValue::from_str(&logo.media_type) {
        headers.insert(header::CONTENT_TYPE, media_type);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

pub async fn university_logo(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if id == ALLIANCE {
        return Err(ApiError::not_found(format!("a logo of university `{id}`")));
    }
    Ok(logo_response(state.platform.logo(&id).await?))
}

pub async fn alliance_logo(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(logo_response(state.platform.logo(ALLIANCE).await?))
}
