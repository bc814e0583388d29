//! Who is asking: a session cookie (people, from the web pages) or a bearer token (a session
//! token, or an API token for programs).

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use microcred_store::accounts::Account;

use crate::AppState;
use crate::problem::ApiError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "microcred_session";

/// The token a request carries, if any.
pub fn token(parts: &Parts) -> Option<String> {
    if let Some(value) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        && let Some(token) = value.strip_prefix("Bearer ")
    {
        return Some(token.trim().to_owned());
    }
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// An authenticated account (401 without a valid token).
pub struct Actor(pub Account);

impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = token(parts).ok_or_else(|| {
            ApiError::from(microcred_app::platform::PlatformError::Unauthenticated)
        })?;
        Ok(Actor(state.platform.authenticate(&token).await?))
    }
}

/// An account if the request carries a valid token, else nobody (public pages).
pub struct MaybeActor(pub Option<Account>);

impl FromRequestParts<AppState> for MaybeActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match token(parts) {
            Some(token) => Ok(MaybeActor(state.platform.authenticate(&token).await.ok())),
            None => Ok(MaybeActor(None)),
        }
    }
}
