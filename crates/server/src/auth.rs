//! Who is asking: a session cookie (people, from the web pages) or a bearer token (a session
//! token, or an API token for programs).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use microcred_app::platform::Account;

use crate::AppState;
use crate::problem::ApiError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "microcred_session";

/// The `Set-Cookie` value that carries a new session to a browser: HttpOnly, SameSite=Lax,
/// Secure where the platform is served over https.
pub fn session_cookie(
    config: &microcred_app::platform::Config,
    session: &microcred_app::platform::auth::Session,
) -> Option<axum::http::HeaderValue> {
    let secure = if config.base().starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        session.token,
        microcred_app::platform::auth::SESSION_SECONDS
    );
    axum::http::HeaderValue::from_str(&cookie).ok()
}

/// The token a request carries, if any.
pub fn token(parts: &Parts) -> Option<String> {
    carried_token(parts).map(|(token, _)| token)
}

/// The token a request carries and whether it came as the session cookie (which a browser
/// sends by itself, even on a request another site makes it send).
fn carried_token(parts: &Parts) -> Option<(String, bool)> {
    if let Some(value) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        && let Some(token) = value.strip_prefix("Bearer ")
    {
        return Some((token.trim().to_owned(), false));
    }
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| (value.to_owned(), true))
}

/// Whether a browser says another site made it send this request (`Sec-Fetch-Site`, or else
/// an `Origin` that is not this host). Requests without either are not a browser's.
pub fn cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
        return origin_host != host;
    }
    false
}

/// An authenticated account (401 without a valid token).
pub struct Actor(pub Account);

impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (token, cookie) = carried_token(parts).ok_or_else(|| {
            ApiError::from(microcred_app::platform::PlatformError::Unauthenticated)
        })?;
        // A cookie is sent by the browser whoever made it send the request: a change it
        // authenticates must come from this site's own pages. Bearer tokens are sent on purpose.
        if cookie && !parts.method.is_safe() && cross_site(&parts.headers) {
            return Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "this request came from another site, so the session cookie does not count",
            )
            .detail("programs send an API token (Authorization: Bearer …); pages on this site send the cookie"));
        }
        Ok(Actor(state.platform.authenticate(&token).await?))
    }
}

/// An account if the request carries a valid token, else nobody (public pages). A session
/// cookie on a change another site made the browser send counts as nobody.
pub struct MaybeActor(pub Option<Account>);

impl FromRequestParts<AppState> for MaybeActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match carried_token(parts) {
            Some((_, true)) if !parts.method.is_safe() && cross_site(&parts.headers) => {
                Ok(MaybeActor(None))
            }
            Some((token, _)) => Ok(MaybeActor(state.platform.authenticate(&token).await.ok())),
            None => Ok(MaybeActor(None)),
        }
    }
}

/// The address a request comes from, as the connection shows it (a proxy in front is one
/// address for all: set the limits accordingly), if known.
pub struct SourceAddress(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for SourceAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(SourceAddress(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|info| info.0.ip().to_string()),
        ))
    }
}
