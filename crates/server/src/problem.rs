//! Errors as RFC 9457 `application/problem+json`, with the field paths of what was wrong; and
//! the JSON body extractor that reports malformed JSON, wrong types and oversized bodies as
//! such (4xx, never 500).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use microcred_app::platform::{PlatformError, Problem};

/// Largest JSON body accepted, in bytes (a credential, a specification).
pub const MAX_JSON_BYTES: usize = 2 * 1024 * 1024;

/// An error as the API reports it.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, in a sentence.
    pub title: String,
    /// More about it, where there is more.
    pub detail: Option<String>,
    /// Each field that is wrong, and why.
    pub problems: Vec<Problem>,
    /// Seconds after which to try again (503 and 429: `Retry-After`).
    pub retry_after: Option<u64>,
}

#[derive(Serialize)]
struct ProblemBody<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "<[Problem]>::is_empty")]
    errors: &'a [Problem],
}

impl ApiError {
    /// A problem with this status and title.
    pub fn new(status: StatusCode, title: impl Into<String>) -> ApiError {
        ApiError {
            status,
            title: title.into(),
            detail: None,
            problems: Vec::new(),
            retry_after: None,
        }
    }

    /// Says when to try again (503, 429).
    pub fn retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(seconds);
        self
    }

    /// Adds the detail.
    pub fn detail(mut self, detail: impl Into<String>) -> ApiError {
        self.detail = Some(detail.into());
        self
    }

    /// Adds the fields that are wrong.
    pub fn with_problems(mut self, problems: Vec<Problem>) -> ApiError {
        self.problems = problems;
        self
    }

    /// 404: this was not found (or is not the caller's to see).
    pub fn not_found(what: impl std::fmt::Display) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, format!("{what} not found"))
    }
}

impl From<PlatformError> for ApiError {
    fn from(error: PlatformError) -> ApiError {
        match error {
            PlatformError::Unauthenticated => {
                ApiError::new(StatusCode::UNAUTHORIZED, error.to_string())
            }
            PlatformError::Forbidden(why) => ApiError::new(StatusCode::FORBIDDEN, why),
            PlatformError::NotFound(what) => ApiError::not_found(what),
            PlatformError::Conflict(why) => ApiError::new(StatusCode::CONFLICT, why),
            PlatformError::Invalid { title, problems } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, title).with_problems(problems)
            }
            PlatformError::Busy(why) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, why)
                .retry_after(microcred_app::platform::workers::RETRY_AFTER_SECONDS),
            PlatformError::TooManyAttempts {
                message,
                retry_after,
            } => ApiError::new(StatusCode::TOO_MANY_REQUESTS, message).retry_after(retry_after),
            PlatformError::Internal(why) => {
                tracing::error!("internal error: {why}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "something went wrong on the server; it has been logged",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let kind = match self.status.as_u16() {
            400 => "bad-request",
            401 => "unauthenticated",
            403 => "forbidden",
            404 => "not-found",
            409 => "conflict",
            413 => "too-large",
            415 => "unsupported-media-type",
            422 => "invalid",
            429 => "too-many-requests",
            503 => "busy",
            _ => "error",
        };
        let body = ProblemBody {
            kind: format!("https://w3id.org/microcred/problems#{kind}"),
            title: &self.title,
            status: self.status.as_u16(),
            detail: self.detail.as_deref(),
            errors: &self.problems,
        };
        let mut response =
            (self.status, serde_json::to_vec(&body).unwrap_or_default()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"microcred\""),
            );
        }
        response
    }
}

/// A JSON request body read into `T`: malformed JSON is 400 (with line and column), JSON of the
/// wrong shape 422 (with the field's path), a body over [`MAX_JSON_BYTES`] 413, another media
/// type 415.
pub struct JsonBody<T>(pub T);

/// The media type a request declares (`Content-Type` without parameters, lower case), if any.
pub fn declared_media_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|v| !v.is_empty())
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = declared_media_type(request.headers())
            .is_some_and(|t| t == "application/json" || t.ends_with("+json"));
        if !json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send JSON, with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body is over {MAX_JSON_BYTES} bytes"),
            )
        })?;
        parse(&bytes).map(JsonBody)
    }
}

/// An optional JSON body: none at all is `None`; one that is there must be right.
impl<S: Send + Sync, T: DeserializeOwned> axum::extract::OptionalFromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        let empty = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() == "0");
        if empty || !request.headers().contains_key(header::CONTENT_TYPE) {
            let bytes = Bytes::from_request(request, state).await.map_err(|_| {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the body is over {MAX_JSON_BYTES} bytes"),
                )
            })?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(None);
            }
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send JSON, with Content-Type: application/json",
            ));
        }
        <JsonBody<T> as FromRequest<S>>::from_request(request, state)
            .await
            .map(Some)
    }
}

/// Reads JSON bytes into `T`, reporting where they are wrong.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => match deserializer.end() {
            Ok(()) => Ok(value),
            Err(e) => Err(
                ApiError::new(StatusCode::BAD_REQUEST, "the body is not JSON").detail(format!(
                    "line {}, column {}: {e}",
                    e.line(),
                    e.column()
                )),
            ),
        },
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.into_inner();
            if inner.is_data() {
                let message = inner.to_string();
                let message = message
                    .split(" at line ")
                    .next()
                    .unwrap_or(&message)
                    .to_owned();
                Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "the body does not have the expected shape",
                )
                .with_problems(vec![Problem::new(
                    if path == "." { String::new() } else { path },
                    message,
                )]))
            } else {
                Err(
                    ApiError::new(StatusCode::BAD_REQUEST, "the body is not JSON").detail(format!(
                        "line {}, column {}: {}",
                        inner.line(),
                        inner.column(),
                        inner
                    )),
                )
            }
        }
    }
}
