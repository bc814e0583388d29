//! A learner's invitation: the page its link opens, where the learner makes their account (or
//! adds their credentials to the one they are signed in with).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use microcred_app::platform::PlatformError;
use microcred_app::platform::invitations::{Acceptance, InvitationView};

use super::forms::FormData;
use super::messages::msg;
use super::public::signed_in_to;
use super::{Chrome, PageResult, page};
use crate::AppState;
use crate::auth::MaybeActor;

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    chrome: Chrome,
    token: String,
    view: InvitationView,
    /// The signed-in account's name, where it can take the credentials (bound to no learner).
    bind_to: String,
    email: String,
    problem: String,
}

fn invitation_page(
    account: Option<microcred_app::platform::Account>,
    token: String,
    view: InvitationView,
    email: String,
    problem: String,
) -> InvitationPage {
    let bind_to = account
        .as_ref()
        .filter(|a| a.learner_id.is_none())
        .map(|a| a.name.clone())
        .unwrap_or_default();
    InvitationPage {
        chrome: Chrome::new(account, msg("invitation.title")),
        token,
        view,
        bind_to,
        email,
        problem,
    }
}

pub async fn show(
    State(state): State<AppState>,
    MaybeActor(account): MaybeActor,
    Path(token): Path<String>,
) -> PageResult {
    let view = state.platform.invitation(&token).await?;
    page(&invitation_page(
        account,
        token,
        view,
        String::new(),
        String::new(),
    ))
}

pub async fn accept(
    State(state): State<AppState>,
    MaybeActor(account): MaybeActor,
    Path(token): Path<String>,
    form: FormData,
) -> PageResult {
    let email = form.text("email").to_owned();
    let password = form.text("password");
    let acceptance = match &account {
        Some(signed_in) if form.is("bind", 1) => Acceptance::SignedIn(signed_in),
        _ if password != form.text("password_again") => {
            let problem = msg("invitation.passwords_differ").to_owned();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return form_again(&state, account, token, email, problem, status).await;
        }
        _ => Acceptance::NewAccount {
            email: &email,
            password,
        },
    };
    match state.platform.accept_invitation(&token, acceptance).await {
        Ok(session) => Ok(signed_in_to(
            &state,
            &session,
            "/my/credentials?done=invitation_accepted",
        )),
        // What the learner typed (or the invitation's state) says no: the form again, saying why.
        Err(PlatformError::Invalid { problems, .. }) => {
            let problem = problems
                .iter()
                .map(|p| format!("{}: {}", p.path, p.message))
                .collect::<Vec<_>>()
                .join("; ");
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            form_again(&state, account, token, email, problem, status).await
        }
        Err(PlatformError::Conflict(problem)) => {
            form_again(&state, account, token, email, problem, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The invitation's page again, with what was typed and why it was not accepted.
async fn form_again(
    state: &AppState,
    account: Option<microcred_app::platform::Account>,
    token: String,
    email: String,
    problem: String,
    status: StatusCode,
) -> PageResult {
    let view = state.platform.invitation(&token).await?;
    let mut response = page(&invitation_page(account, token, view, email, problem))?;
    *response.status_mut() = status;
    Ok(response)
}
