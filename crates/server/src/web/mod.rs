//! The web pages: server-rendered HTML (askama templates in `templates/`, texts in
//! `messages/en.toml`), one module per kind of user. Like the API's handlers, a page handler
//! reads the request, calls use cases of `microcred_app::platform`, and renders; a form posts
//! back to the page that shows it, and a change answers with a redirect (303), so reloading
//! never repeats it. Pages work without JavaScript; `assets/app.js` only adds the editor's
//! findings as one types. Pages keep nothing in a server's memory between requests (a held
//! upload, an issuing run are in the database), so any of several servers can answer.

mod admin;
mod forms;
mod invitation;
mod learner;
mod messages;
mod public;
mod registrar;
mod review;
mod spec_form;
mod teacher;

use axum::Router;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::Method;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};

use microcred_app::platform::Account;
use microcred_app::platform::{PlatformError, Problem};
use microcred_model::Role;

use crate::AppState;
use crate::problem::ApiError;

pub use messages::{MESSAGES, Messages, message_keys_used};

/// One page route: a method on a path, its handler, and the largest body it reads.
pub struct Page {
    /// Its HTTP method.
    pub method: Method,
    /// Its path.
    pub path: &'static str,
    /// The handler.
    pub router: MethodRouter<AppState>,
    /// The largest request body it reads, in bytes.
    pub body_limit: usize,
}

/// The verification page's upload: a credential, or a certificate PDF (ours are well under
/// 1 MiB), with the form around it. Anyone may send it, so it stays small.
const VERIFY_UPLOAD_BYTES: usize = 8 * 1024 * 1024;
/// A form's body limit: forms are small.
const FORM_BYTES: usize = crate::problem::MAX_JSON_BYTES;
/// An image upload (a logo, a signature): the image's own limit, and the form around it.
const IMAGE_BYTES: usize = 1024 * 1024;
/// A university's grade distribution tables file (hundreds of short rows), with the form.
const GRADE_TABLES_BYTES: usize = 1024 * 1024 + 64 * 1024;

fn page_get(path: &'static str, router: MethodRouter<AppState>) -> Page {
    Page {
        method: Method::GET,
        path,
        router,
        body_limit: 0,
    }
}

fn page_post(path: &'static str, router: MethodRouter<AppState>, body_limit: usize) -> Page {
    Page {
        method: Method::POST,
        path,
        router,
        body_limit,
    }
}

/// Every page route. Only a registrar's results upload reads large bodies; the verification
/// page takes a credential or a certificate PDF, within the credential reader's limit.
pub fn pages() -> Vec<Page> {
    let results_bytes = crate::api::learners_import_limit() + 64 * 1024;
    vec![
        page_get("/", get(public::catalogue)),
        page_get("/catalogue/{id}", get(public::specification)),
        page_get("/verify", get(public::verify_form)),
        page_post("/verify", post(public::verify_upload), VERIFY_UPLOAD_BYTES),
        page_get("/grades", get(public::grades_form)),
        page_post("/grades", post(public::grades_convert), FORM_BYTES),
        page_post("/grades/between", post(public::grades_between), FORM_BYTES),
        page_get("/sign-in", get(public::sign_in_form)),
        page_post("/sign-in", post(public::sign_in), FORM_BYTES),
        page_post("/sign-out", post(public::sign_out), FORM_BYTES),
        page_get("/assets/{name}", get(assets)),
        page_get("/home", get(home)),
        page_get("/specifications", get(teacher::list)),
        page_get("/specifications/new", get(teacher::new_form)),
        page_post("/specifications/new", post(teacher::create), FORM_BYTES),
        page_post(
            "/specifications/check",
            post(teacher::check_live),
            FORM_BYTES,
        ),
        page_get("/specifications/{id}", get(review::specification)),
        page_get("/specifications/{id}/edit", get(teacher::edit_form)),
        page_post("/specifications/{id}/edit", post(teacher::save), FORM_BYTES),
        page_get("/specifications/{id}/changes", get(review::changes)),
        page_post(
            "/specifications/{id}/submit",
            post(review::submit),
            FORM_BYTES,
        ),
        page_post(
            "/specifications/{id}/advice",
            post(review::advise),
            FORM_BYTES,
        ),
        page_post(
            "/specifications/{id}/decision",
            post(review::decide),
            FORM_BYTES,
        ),
        page_get("/review", get(review::queue)),
        page_get("/registrar/import", get(registrar::import_form)),
        page_post("/registrar/import", post(registrar::preview), results_bytes),
        page_post(
            "/registrar/import/{upload}",
            post(registrar::import),
            FORM_BYTES,
        ),
        page_get("/registrar/issue", get(registrar::issue_form)),
        page_post("/registrar/issue", post(registrar::issue), FORM_BYTES),
        page_get("/registrar/runs/{run}", get(registrar::run)),
        page_get("/registrar/credentials", get(registrar::credentials)),
        page_get("/registrar/stacking", get(registrar::stacking)),
        page_post(
            "/registrar/stacking/external",
            post(registrar::record_external),
            VERIFY_UPLOAD_BYTES,
        ),
        page_get("/registrar/grading", get(registrar::grading)),
        page_post(
            "/registrar/grading/{university}/scheme",
            post(registrar::set_scheme),
            FORM_BYTES,
        ),
        page_post(
            "/registrar/grading/{university}/tables",
            post(registrar::import_tables),
            GRADE_TABLES_BYTES,
        ),
        page_post(
            "/registrar/stacking/{id}/keep",
            post(registrar::keep_stacked),
            FORM_BYTES,
        ),
        page_post(
            "/registrar/credentials/{id}/state",
            post(registrar::change_state),
            FORM_BYTES,
        ),
        page_get("/invitations/{token}", get(invitation::show)),
        page_post("/invitations/{token}", post(invitation::accept), FORM_BYTES),
        page_post(
            "/registrar/learners/{id}/invitation",
            post(registrar::invite),
            FORM_BYTES,
        ),
        page_get("/my/credentials", get(learner::credentials)),
        page_get("/my/credentials/{id}", get(learner::credential)),
        page_get("/my/progress", get(learner::progress)),
        page_post(
            "/my/progress/external",
            post(learner::add_external),
            VERIFY_UPLOAD_BYTES,
        ),
        page_get("/admin", get(admin::overview)),
        page_post(
            "/admin/universities",
            post(admin::add_university),
            FORM_BYTES,
        ),
        page_get("/admin/profiles/{id}", get(admin::profile)),
        page_post(
            "/admin/universities/{id}/keys",
            post(admin::rotate_key),
            FORM_BYTES,
        ),
        page_post(
            "/admin/universities/{id}/signatories",
            post(admin::add_signatory),
            FORM_BYTES,
        ),
        page_post(
            "/admin/universities/{id}/logo",
            post(admin::upload_logo),
            IMAGE_BYTES,
        ),
        page_post(
            "/admin/universities/{id}/signatories/{signatory}/signature",
            post(admin::upload_signature),
            IMAGE_BYTES,
        ),
        page_post(
            "/admin/universities/{id}/signatories/{signatory}/retire",
            post(admin::retire_signatory),
            FORM_BYTES,
        ),
    ]
}

/// Every page's route, each with its own body limit.
pub fn routes() -> Router<AppState> {
    crate::routes_by_path(pages().into_iter().map(|page| {
        let limit = axum::extract::DefaultBodyLimit::max(page.body_limit);
        (page.path, page.router.layer(limit))
    }))
}

/// What every page shows around its content: the texts, who is signed in, the title.
pub struct Chrome {
    /// The texts.
    pub t: &'static Messages,
    /// Who is signed in, if anyone.
    pub account: Option<Account>,
    /// The page's title.
    pub title: String,
    /// A one-line notice after a change ("Saved."), from `?done=`.
    pub notice: String,
    /// Error pages do not know who asks: they link to the asker's own pages instead.
    pub anyone: bool,
}

impl Chrome {
    /// The frame of a page titled `title` for `account`.
    pub fn new(account: Option<Account>, title: impl Into<String>) -> Chrome {
        Chrome {
            t: &MESSAGES,
            account,
            title: title.into(),
            notice: String::new(),
            anyone: false,
        }
    }

    /// Shows the notice a redirect named (`?done=key`), if its text exists.
    pub fn notice(mut self, key: Option<&str>) -> Chrome {
        if let Some(key) = key {
            self.notice = messages::optional_msg("done.", key);
        }
        self
    }

    /// Whether the signed-in account holds a role (by its name, e.g. `registrar`).
    pub fn has(&self, role: &str) -> bool {
        let Some(role) = Role::parse(role) else {
            return false;
        };
        self.account.as_ref().is_some_and(|a| a.has(role))
    }

    /// A timestamp as the pages show it (see [`when`]).
    pub fn when(&self, seconds: &i64) -> String {
        when(*seconds)
    }

    /// Whether someone is signed in.
    pub fn signed_in(&self) -> bool {
        self.account.is_some()
    }

    /// The signed-in person's name, or nothing.
    pub fn name(&self) -> &str {
        self.account.as_ref().map_or("", |a| a.name.as_str())
    }
}

/// A page that could not be shown, as the person reads it.
#[derive(Debug)]
pub struct PageError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, in a sentence.
    pub title: String,
    /// More about it.
    pub detail: String,
    /// Each field that is wrong, and why.
    pub problems: Vec<Problem>,
}

impl PageError {
    /// An error page with this status and title.
    pub fn new(status: StatusCode, title: impl Into<String>) -> PageError {
        PageError {
            status,
            title: title.into(),
            detail: String::new(),
            problems: Vec::new(),
        }
    }
}

impl From<PlatformError> for PageError {
    fn from(error: PlatformError) -> PageError {
        let api = ApiError::from(error);
        PageError {
            status: api.status,
            title: api.title,
            detail: api.detail.unwrap_or_default(),
            problems: api.problems,
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> PageError {
        tracing::error!("a page could not be rendered: {error}");
        PageError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the page could not be shown; the error has been logged",
        )
    }
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    error: PageError,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.status;
        let mut chrome = Chrome::new(None, self.title.clone());
        chrome.anyone = true;
        let page = ErrorPage {
            chrome,
            status: status.as_u16(),
            error: self,
        };
        match askama::Template::render(&page) {
            Ok(html) => (status, html_headers(), Html(html)).into_response(),
            Err(_) => (status, "error").into_response(),
        }
    }
}

/// What a page handler answers: a page, a redirect, or an error page.
pub type PageResult = Result<Response, PageError>;

/// Headers of every page: no caching of what may be personal, a strict content policy (no
/// outside scripts, styles, fonts or frames: the pages work offline).
fn html_headers() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        ),
    ]
}

/// Renders a page.
pub fn page(template: &impl askama::Template) -> PageResult {
    let html = template.render()?;
    Ok((html_headers(), Html(html)).into_response())
}

/// Renders a page that answers a form: 200 when what was sent could be used, else 422 (the
/// page says why).
pub fn form_page(template: &impl askama::Template, usable: bool) -> PageResult {
    let mut response = page(template)?;
    if !usable {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// What a page says when the platform refused what was sent: the title and each problem.
pub fn refusal(title: &str, problems: &[microcred_app::platform::Problem]) -> String {
    let why: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    format!("{title}: {}", why.join("; "))
}

/// After a change: back to a page, with a notice key (`?done=saved`).
pub fn see_other(to: &str, done: &str) -> PageResult {
    let separator = if to.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{to}{separator}done={done}")).into_response())
}

/// The signed-in account, or a redirect to the sign-in page that comes back here.
pub struct Viewer(pub Account);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let here = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.to_string(), |u| u.0.to_string());
        let to_sign_in = || {
            let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
            Redirect::to(&format!("/sign-in?next={next}")).into_response()
        };
        let Some(token) = crate::auth::token(parts) else {
            return Err(to_sign_in());
        };
        match state.platform.authenticate(&token).await {
            Ok(account) => Ok(Viewer(account)),
            Err(PlatformError::Unauthenticated) => Err(to_sign_in()),
            Err(other) => Err(PageError::from(other).into_response()),
        }
    }
}

/// Where an account starts: the page of its main role.
async fn home(Viewer(account): Viewer) -> Redirect {
    let to = if account.has(Role::AllianceAdmin) {
        "/admin"
    } else if account.has(Role::Registrar) {
        "/registrar/credentials"
    } else if account.has(Role::Board) || account.has(Role::Jury) || account.has(Role::TaskGroup) {
        "/review"
    } else if account.has(Role::Teacher) {
        "/specifications"
    } else if account.has(Role::Learner) {
        "/my/credentials"
    } else {
        "/"
    };
    Redirect::to(to)
}

/// The style sheet and script, compiled in.
async fn assets(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "app.css" => (
            include_str!("../../assets/app.css"),
            "text/css; charset=utf-8",
        ),
        "app.js" => (
            include_str!("../../assets/app.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        body,
    )
        .into_response()
}

/// The templates' own filters (askama finds them as `filters::…` where a page is derived).
// `filter_fn` generates a public type per filter, which the filter's comment describes.
#[allow(missing_docs)]
pub mod filters {
    /// A vocabulary word as words: `changes-requested` → `changes requested`.
    #[askama::filter_fn]
    pub fn words(value: impl std::fmt::Display, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(value.to_string().replace('-', " "))
    }
}

/// A timestamp (seconds since 1970) as `YYYY-MM-DD HH:MM` UTC.
pub fn when(seconds: i64) -> String {
    let instant = microcred_credentials::datetime::DateTime::from_unix(seconds).to_string();
    // `2026-06-21T00:00:00Z` → `2026-06-21 00:00`
    instant
        .get(..16)
        .map_or(instant.clone(), |s| s.replace('T', " "))
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_read_as_utc_dates() {
        assert_eq!(super::when(0), "1970-01-01 00:00");
        assert_eq!(super::when(1_782_000_000), "2026-06-21 00:00");
    }
}
