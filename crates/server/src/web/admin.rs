//! The alliance administrator's pages: member universities (added here) with their DIDs,
//! signing keys (made when a university is added, rotated here), signatories with their
//! signature images, logos, and the rule profiles specifications are checked against, each
//! with its rules.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use microcred_app::platform::authz::{self, Action};

use microcred_app::platform::from_json;
use microcred_app::platform::views::{KeyView, SignatoryView, UniversityView};
use microcred_model::University;
use microcred_rules::Profile;

use super::forms::{FormData, Upload};
use super::messages::msg;
use super::teacher::Done;
use super::{Chrome, PageError, PageResult, Viewer, page, see_other};
use crate::AppState;

/// A member university's panel: the university, its keys and signatories.
pub struct MemberPanel {
    pub record: UniversityView,
    /// Where its logo is served, if it has one.
    pub logo: Option<String>,
    pub keys: Vec<KeyView>,
    pub signatories: Vec<SignatoryView>,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    chrome: Chrome,
    universities: Vec<MemberPanel>,
    /// (id, name, rules, checklist questions).
    profiles: Vec<(String, String, usize, usize)>,
}

pub async fn overview(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Query(done): Query<Done>,
) -> PageResult {
    authz::may(&account, Action::AdministerAlliance)?;
    let mut universities = Vec::new();
    for record in state.platform.universities().await? {
        let id = record.university.id.to_string();
        universities.push(MemberPanel {
            logo: record.logo.clone(),
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
    upload: Upload,
) -> PageResult {
    let (kind, bytes) = image_field(&upload, "logo")?;
    state.platform.set_logo(&account, &id, kind, bytes).await?;
    see_other("/admin", "logo_set")
}

/// The uploaded image of a form's `name` field, with its declared media type (the platform
/// checks the bytes).
fn image_field<'a>(
    upload: &'a Upload,
    name: &str,
) -> Result<(Option<&'a str>, &'a [u8]), PageError> {
    upload
        .field(name)
        .map(|f| (f.content_type.as_deref(), f.bytes.as_ref()))
        .ok_or_else(|| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, msg("admin.no_image")))
}

/// A new member university, from the page's form (its signing key is made with it).
pub async fn add_university(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    form: FormData,
) -> PageResult {
    let mut university = serde_json::json!({
        "id": form.text("id"),
        "legal_name": form.text("legal_name"),
        "country": form.text("country").to_uppercase(),
    });
    if !form.text("name").is_empty() {
        university["name"] = form.text("name").into();
    }
    if !form.text("homepage").is_empty() {
        university["homepage"] = form.text("homepage").into();
    }
    let university: University = from_json("university", university)?;
    state.platform.add_university(&account, university).await?;
    see_other("/admin", "university_added")
}

/// A signatory leaves office.
pub async fn retire_signatory(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path((university, signatory)): Path<(String, String)>,
    _form: FormData,
) -> PageResult {
    state
        .platform
        .retire_signatory(&account, &university, &signatory)
        .await?;
    see_other("/admin", "signatory_retired")
}

/// A signatory's signature image, printed on certificates (PNG or JPEG; never served).
pub async fn upload_signature(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path((university, signatory)): Path<(String, String)>,
    upload: Upload,
) -> PageResult {
    let (kind, bytes) = image_field(&upload, "signature")?;
    state
        .platform
        .set_signature(&account, &university, &signatory, kind, bytes)
        .await?;
    see_other("/admin", "signature_set")
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    chrome: Chrome,
    profile: Profile,
}

/// A rule profile: its rules (severity, element, source and message) and checklist.
pub async fn profile(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
) -> PageResult {
    authz::may(&account, Action::AdministerAlliance)?;
    let profile = state
        .platform
        .profiles()
        .iter()
        .find(|p| p.id == id)
        .cloned()
        .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, msg("admin.no_profile")))?;
    page(&ProfilePage {
        chrome: Chrome::new(Some(account), profile.name.clone()),
        profile,
    })
}
