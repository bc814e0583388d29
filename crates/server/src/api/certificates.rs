//! Printed certificates (PDF, PNG pages), signature images and the alliance's template.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use microcred_app::certificate::{BadgeFormat, PrintFormat};
use microcred_app::platform::logos::SignatureInfo;
use microcred_app::platform::{PlatformError, Problem};

use crate::AppState;
use crate::auth::Actor;
use crate::problem::{ApiError, declared_media_type};

#[derive(Deserialize, Default)]
pub struct PrintQuery {
    /// PNG only: the page, from 1.
    page: Option<String>,
    /// The wording's language (`en`, `de`, …).
    language: Option<String>,
}

fn query_problem(field: &str, message: String) -> ApiError {
    PlatformError::invalid(
        "the query is not understood",
        vec![Problem::new(field, message)],
    )
    .into()
}

fn language(query: &PrintQuery) -> Result<String, ApiError> {
    let language = query.language.clone().unwrap_or_else(|| "en".into());
    let valid =
        (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_lowercase());
    if valid {
        Ok(language)
    } else {
        Err(query_problem(
            "language",
            format!("`{language}` is not an ISO 639 language code such as `en` or `de`"),
        ))
    }
}

async fn print(
    state: &AppState,
    actor: &microcred_app::platform::Account,
    id: &str,
    format: PrintFormat,
    query: &PrintQuery,
) -> Result<Response, ApiError> {
    let page = match (&query.page, format) {
        (None, _) => 1,
        (Some(_), PrintFormat::Pdf) => {
            return Err(query_problem(
                "page",
                "a PDF has every page: ask certificate.png for one page".into(),
            ));
        }
        (Some(page), PrintFormat::Png) => page
            .parse::<usize>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| {
                query_problem("page", format!("`{page}` is not a page number (1, 2, …)"))
            })?,
    };
    let printed = state
        .platform
        .certificate(actor, id, format, page, &language(query)?)
        .await?;
    let name = id.trim_start_matches("urn:uuid:");
    let file = match format {
        PrintFormat::Pdf => format!("attachment; filename=\"certificate-{name}.pdf\""),
        PrintFormat::Png => format!("inline; filename=\"certificate-{name}-{page}.png\""),
    };
    let mut response = personal_file(printed.bytes, format.media_type(), &file);
    response
        .headers_mut()
        .insert("x-page-count", HeaderValue::from(printed.page_count as u64));
    Ok(response)
}

/// A file about a person (a certificate, a badge with the credential inside): its type, how to
/// save it, and never in a shared cache.
fn personal_file(bytes: Vec<u8>, media_type: &'static str, disposition: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    if let Ok(value) = HeaderValue::from_str(disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

pub async fn certificate_pdf(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    Query(query): Query<PrintQuery>,
) -> Result<Response, ApiError> {
    print(&state, &actor, &id, PrintFormat::Pdf, &query).await
}

pub async fn certificate_png(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    Query(query): Query<PrintQuery>,
) -> Result<Response, ApiError> {
    print(&state, &actor, &id, PrintFormat::Png, &query).await
}

/// `GET /api/v1/credentials/{id}/badge.png` and `badge.svg`: the badge image with the signed
/// credential baked in.
async fn badge(
    state: &AppState,
    actor: &microcred_app::platform::Account,
    id: &str,
    format: BadgeFormat,
    query: &PrintQuery,
) -> Result<Response, ApiError> {
    if query.page.is_some() {
        return Err(query_problem("page", "a badge is one image".into()));
    }
    let bytes = state
        .platform
        .badge(actor, id, format, &language(query)?)
        .await?;
    let name = id.trim_start_matches("urn:uuid:");
    let file = format!(
        "attachment; filename=\"badge-{name}.{}\"",
        format.extension()
    );
    Ok(personal_file(bytes, format.media_type(), &file))
}

pub async fn badge_png(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    Query(query): Query<PrintQuery>,
) -> Result<Response, ApiError> {
    badge(&state, &actor, &id, BadgeFormat::Png, &query).await
}

pub async fn badge_svg(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    Query(query): Query<PrintQuery>,
) -> Result<Response, ApiError> {
    badge(&state, &actor, &id, BadgeFormat::Svg, &query).await
}

pub async fn set_signature(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path((university, signatory)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<SignatureInfo>, ApiError> {
    Ok(Json(
        state
            .platform
            .set_signature(
                &actor,
                &university,
                &signatory,
                declared_media_type(&headers).as_deref(),
                &body,
            )
            .await?,
    ))
}

pub async fn template(
    State(state): State<AppState>,
    Actor(_actor): Actor,
) -> Result<Response, ApiError> {
    let text = state.platform.certificate_template().await?;
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Ok(response)
}

pub async fn set_template(
    State(state): State<AppState>,
    Actor(actor): Actor,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let text = String::from_utf8(body.to_vec()).map_err(|e| {
        ApiError::from(PlatformError::invalid(
            "the certificate template is not accepted",
            vec![Problem::new(
                "body",
                format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
            )],
        ))
    })?;
    state
        .platform
        .set_certificate_template(&actor, Some(text))
        .await?;
    Ok(Json(json!({ "template": "set" })))
}

pub async fn reset_template(
    State(state): State<AppState>,
    Actor(actor): Actor,
) -> Result<StatusCode, ApiError> {
    state
        .platform
        .set_certificate_template(&actor, None)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
