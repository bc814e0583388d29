//! The alliance administrator's page: member universities with their DIDs, signing keys
//! (rotated here), signatories and logos, and the rule profiles specifications are checked
//! against.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};

use microcred_store::keys::KeyRecord;
use microcred_store::universities::{Signatory, UniversityRecord};

use super::forms::{FormData, same_origin};
use super::messages::msg;
use super::teacher::Done;
use super::{Chrome, PageError, PageResult, Viewer, page, see_other, when};
use crate::AppState;

pub struct UniversityView {
    pub record: UniversityRecord,
    pub keys: Vec<KeyRecord>,
    pub signatories: Vec<Signatory>,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    chrome: Chrome,
    universities: Vec<UniversityView>,
    /// (id, name, rules, checklist questions).
    profiles: Vec<(String, String, usize, usize)>,
}

impl AdminPage {
    fn when(&self, seconds: &i64) -> String {
        when(*seconds)
    }
}

pub async fn overview(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Query(done): Query<Done>,
) -> PageResult {
    microcred_app::platform::require(
        &account,
        microcred_store::accounts::Role::AllianceAdmin,
        None,
    )?;
    let mut universities = Vec::new();
    for record in state.platform.universities().await? {
        let id = record.university.id.to_string();
        universities.push(UniversityView {
            keys: state.platform.keys(&id).await?,
            signatories: state.platform.signatories(&id).await?,
            record,
        });
    }
    let profiles = state
        .platform
        .profiles()
        .iter()
        .map(|p| {
            (
                p.id.clone(),
                p.name.clone(),
                p.rules.len(),
                p.checklist.len(),
            )
        })
        .collect();
    page(&AdminPage {
        chrome: Chrome::new(Some(account), msg("admin.title")).notice(done.done.as_deref()),
        universities,
        profiles,
    })
}

pub async fn rotate_key(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
    _form: FormData,
) -> PageResult {
    state.platform.rotate_key(&account, &id).await?;
    see_other("/admin", "rotated")
}

pub async fn add_signatory(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    state
        .platform
        .add_signatory(&account, &id, form.text("name"), form.text("role"))
        .await?;
    see_other("/admin", "signatory_added")
}

/// A university's logo, uploaded (PNG or JPEG, checked by its bytes).
pub async fn upload_logo(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> PageResult {
    same_origin(&headers)?;
    let mut logo = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("logo") {
            let kind = field.content_type().map(str::to_owned);
            let bytes = field
                .bytes()
                .await
                .map_err(|e| PageError::new(StatusCode::PAYLOAD_TOO_LARGE, e.to_string()))?;
            logo = Some((kind, bytes));
        }
    }
    let Some((kind, bytes)) = logo.filter(|(_, b)| !b.is_empty()) else {
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("admin.no_logo"),
        ));
    };
    state
        .platform
        .set_logo(&account, &id, kind.as_deref(), &bytes)
        .await?;
    see_other("/admin", "logo_set")
}
