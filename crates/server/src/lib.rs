//! microcred's HTTP server: the JSON API under `/api/v1` (with its OpenAPI document), the W3C
//! VC API, DID documents, status lists, the public verification endpoint. Handlers are thin:
//! they read the request, call one use case of `microcred_app::platform`, and answer; errors
//! are RFC 9457 problem documents.

pub mod api;
pub mod auth;
pub mod openapi;
pub mod problem;
pub mod web;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use microcred_app::platform::Platform;

use crate::problem::{ApiError, MAX_JSON_BYTES};

#[derive(Clone)]
/// What every handler shares.
pub struct AppState {
    /// The platform's use cases.
    pub platform: Platform,
}

/// The whole application, routes made from [`api::endpoints`].
pub fn router(platform: Platform) -> Router {
    let mut routes: Vec<(&'static str, axum::routing::MethodRouter<AppState>)> = Vec::new();
    for endpoint in api::endpoints() {
        let route = if endpoint.path.ends_with("/results/import") {
            endpoint
                .router
                .layer(DefaultBodyLimit::max(api::learners_import_limit()))
        } else {
            endpoint.router
        };
        routes.push((endpoint.path, route));
    }
    routes_by_path(routes)
        .merge(web::routes())
        .fallback(not_found)
        .layer(middleware::from_fn(read_declared_body))
        .layer(middleware::from_fn(problem_bodies))
        .layer(DefaultBodyLimit::max(MAX_JSON_BYTES))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(AppState { platform })
}

/// A router from (path, method router) pairs, the methods of one path joined (axum refuses a
/// path routed twice).
pub(crate) fn routes_by_path(
    routes: impl IntoIterator<Item = (&'static str, axum::routing::MethodRouter<AppState>)>,
) -> Router<AppState> {
    let mut joined: Vec<(&'static str, axum::routing::MethodRouter<AppState>)> = Vec::new();
    for (path, route) in routes {
        match joined.iter_mut().find(|(p, _)| *p == path) {
            Some((_, existing)) => *existing = std::mem::take(existing).merge(route),
            None => joined.push((path, route)),
        }
    }
    joined
        .into_iter()
        .fold(Router::new(), |router, (path, route)| {
            router.route(path, route)
        })
}

/// Reads a body whose declared length is within the JSON limit before anything answers. A
/// request refused before its body is read (not signed in, say) would leave bytes unread; hyper
/// then closes the connection, and a client that reuses it sees its next request cut off.
async fn read_declared_body(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(length) if length > 0 && length <= MAX_JSON_BYTES => {
            let (parts, body) = request.into_parts();
            match axum::body::to_bytes(body, MAX_JSON_BYTES).await {
                Ok(bytes) => {
                    next.run(Request::from_parts(parts, Body::from(bytes)))
                        .await
                }
                Err(_) => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "the request's body could not be read",
                )
                .detail("it ended before its declared length")
                .into_response(),
            }
        }
        _ => next.run(request).await,
    }
}

/// Every error the API answers is a problem document: errors made below the handlers (a path
/// that does not decode, a query of the wrong shape, a body over its limit, a method the route
/// lacks) come as plain text, and are rewritten here with their status and message.
async fn problem_bodies(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    // A handler's own JSON answer (the VC API's 400 is a verification result) and pages' HTML
    // stay as they are.
    let essence = kind.split(';').next().unwrap_or("").trim();
    if essence == "application/json" || essence.ends_with("+json") || essence == "text/html" {
        return response;
    }
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let text = match axum::body::to_bytes(response.into_body(), 4096).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_owned(),
        Err(_) => String::new(),
    };
    let title = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_lowercase()
    } else {
        text
    };
    let mut problem = ApiError::new(status, title).into_response();
    if let Some(value) = retry_after {
        problem.headers_mut().insert(header::RETRY_AFTER, value);
    }
    problem
}

async fn not_found(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("nothing at {} {}", request.method(), request.uri().path()),
    )
    .detail("the endpoints are listed at /api/v1/openapi.json")
}

/// How long a client may take to send a request's head (line and headers).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request's body may go without sending anything.
pub const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves until interrupted (Ctrl-C), finishing requests under way. A client that is slow to
/// send a request's head, or stops sending its body, is dropped: half-sent requests do not hold
/// connections open.
pub async fn serve(listener: tokio::net::TcpListener, platform: Platform) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let app = router(platform).layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        BODY_IDLE_TIMEOUT,
    ));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut interrupted = std::pin::pin!(tokio::signal::ctrl_c());
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, keep serving.
                    tracing::warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut interrupted => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(remote));
                tower::ServiceExt::oneshot(app.clone(), request.map(Body::new))
            },
        );
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    graceful.shutdown().await;
    Ok(())
}
