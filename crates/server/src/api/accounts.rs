//! Signing in and out, API tokens, accounts, the audit log.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use microcred_app::platform::auth::{NewAccount, Session};
use microcred_app::platform::invitations::{Acceptance, InvitationView};
use microcred_app::platform::views::{AccountView, AuditEntryView};
use microcred_model::Grant;

use crate::AppState;
use crate::auth::{Actor, MaybeActor, SourceAddress, session_cookie};
use crate::problem::{ApiError, JsonBody};

#[derive(Deserialize)]
pub struct SignIn {
    email: String,
    password: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    SourceAddress(source): SourceAddress,
    JsonBody(body): JsonBody<SignIn>,
) -> Result<Response, ApiError> {
    let session = state
        .platform
        .sign_in(&body.email, &body.password, source.as_deref())
        .await?;
    Ok(session_response(&state, &session))
}

/// A new session: 201 with the token, also set as the session cookie.
pub fn session_response(state: &AppState, session: &Session) -> Response {
    let mut response = (StatusCode::CREATED, Json(session)).into_response();
    if let Some(value) = session_cookie(state.platform.config(), session) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

pub async fn sign_out(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let (parts, _) = request.into_parts();
    if let Some(token) = crate::auth::token(&parts) {
        state.platform.sign_out(&token).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("microcred_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(response)
}

pub async fn me(Actor(actor): Actor) -> Json<AccountView> {
    Json(AccountView::from(&actor))
}

#[derive(Deserialize)]
pub struct TokenRequest {
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    Actor(actor): Actor,
    JsonBody(body): JsonBody<TokenRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let token = state.platform.create_api_token(&actor, &body.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": token, "name": body.name })),
    ))
}

pub async fn list(
    State(state): State<AppState>,
    Actor(actor): Actor,
) -> Result<Json<Vec<AccountView>>, ApiError> {
    let accounts = state.platform.accounts(&actor).await?;
    Ok(Json(accounts.iter().map(AccountView::from).collect()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRequest {
    email: String,
    name: String,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    grants: Vec<Grant>,
}

pub async fn create(
    State(state): State<AppState>,
    Actor(actor): Actor,
    JsonBody(body): JsonBody<AccountRequest>,
) -> Result<(StatusCode, Json<AccountView>), ApiError> {
    let account = state
        .platform
        .create_account(
            Some(&actor),
            NewAccount {
                email: body.email,
                name: body.name,
                password: body.password,
                grants: body.grants,
                learner_id: None,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(AccountView::from(&account))))
}

#[derive(Deserialize)]
pub struct AuditQuery {
    subject: Option<String>,
    limit: Option<i64>,
}

pub async fn audit(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(query): Query<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let entries = state
        .platform
        .audit_log(&actor, query.subject.as_deref(), query.limit.unwrap_or(100))
        .await?;
    let entries: Vec<AuditEntryView> = entries.into_iter().map(Into::into).collect();
    Ok(Json(json!({ "entries": entries })))
}

/// What the holder of an invitation's link is shown.
pub async fn invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<InvitationView>, ApiError> {
    Ok(Json(state.platform.invitation(&token).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accept {
    email: String,
    password: String,
}

/// Accepts an invitation: with a bearer token or session, the signed-in account takes the
/// learner's credentials (no body); without, a new account is made from the body.
pub async fn accept_invitation(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(token): Path<String>,
    body: Option<JsonBody<Accept>>,
) -> Result<Response, ApiError> {
    let acceptance = match (&actor, &body) {
        (Some(account), None) => Acceptance::SignedIn(account),
        (_, Some(JsonBody(body))) => Acceptance::NewAccount {
            email: &body.email,
            password: &body.password,
        },
        (None, None) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "send the new account's `email` and `password`, or sign in to take the credentials into your account",
            ));
        }
    };
    let session = state.platform.accept_invitation(&token, acceptance).await?;
    Ok(session_response(&state, &session))
}
