//! microcred's HTTP server: the JSON API under `/api/v1` (with its OpenAPI document), the W3C
//! VC API, DID documents, status lists, the public verification endpoint. Handlers are thin:
//! they read the request, call one use case of `microcred_app::platform`, and answer; errors
//! are RFC 9457 problem documents.

pub mod api;
pub mod auth;
pub mod openapi;
pub mod problem;
pub mod web;

use std::net::SocketAddr;

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
pub struct AppState {
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
        match routes.iter_mut().find(|(path, _)| *path == endpoint.path) {
            Some((_, existing)) => {
                let merged = std::mem::take(existing).merge(route);
                *existing = merged;
            }
            None => routes.push((endpoint.path, route)),
        }
    }
    let mut app = Router::new();
    for (path, route) in routes {
        app = app.route(path, route);
    }
    let pages = web::routes().route_layer(DefaultBodyLimit::max(api::learners_import_limit()));
    app.merge(pages)
        .fallback(not_found)
        .layer(middleware::from_fn(read_declared_body))
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

async fn not_found(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("nothing at {} {}", request.method(), request.uri().path()),
    )
    .detail("the endpoints are listed at /api/v1/openapi.json")
}

/// Serves until interrupted (Ctrl-C), finishing requests under way.
pub async fn serve(listener: tokio::net::TcpListener, platform: Platform) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(platform).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
