//! Registrars' pages: importing results (upload, preview with each refused row, confirm; the
//! file is held in the database in between), issuing with its progress (a run any server can
//! report on), and the credentials of their university with revocation and suspension.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use microcred_app::platform::authz::{self, Action};

use microcred_app::platform::PlatformError;
use microcred_app::platform::invitations::IssuedInvitation;
use microcred_app::platform::issuance::CredentialQuery;
use microcred_app::platform::learners::{ImportReport, ResultsPreview};
use microcred_app::platform::stacking::{StackedAwardView, StackingOverview};
use microcred_app::platform::views::SpecificationVersionView;
use microcred_app::platform::views::{CredentialView, IssuingRunView};
use microcred_app::results::ResultsFormat;
use microcred_model::grading::GradingScheme;

use super::forms::{FormData, Upload};
use super::messages::msg;
use super::{Chrome, PageError, PageResult, Viewer, form_page, page, refusal, see_other};
use crate::AppState;

/// Rows the preview shows.
const PREVIEW_ROWS: usize = 20;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    problem: String,
    file_name: String,
    upload: String,
    preview: Option<ResultsPreview>,
    report: Option<ImportReport>,
}

pub async fn import_form(Viewer(account): Viewer) -> PageResult {
    authz::may(&account, Action::ImportResults)?;
    page(&ImportPage {
        chrome: Chrome::new(Some(account), msg("import.title")),
        problem: String::new(),
        file_name: String::new(),
        upload: String::new(),
        preview: None,
        report: None,
    })
}

/// An uploaded results file, read and checked but not stored: the preview.
pub async fn preview(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    upload: Upload,
) -> PageResult {
    authz::may(&account, Action::ImportResults)?;
    let mut shown = ImportPage {
        chrome: Chrome::new(Some(account.clone()), msg("import.title")),
        problem: String::new(),
        file_name: String::new(),
        upload: String::new(),
        preview: None,
        report: None,
    };
    let Some(file) = upload.field("file") else {
        shown.problem = msg("import.no_file").to_owned();
        return unprocessable(&shown);
    };
    let name = if file.file_name.is_empty() {
        "upload"
    } else {
        file.file_name.as_str()
    };
    shown.file_name = name.to_owned();
    // The file's name declares what it is; the browser's media type is a guess, not used.
    let format = match ResultsFormat::recognise(name, Some(name), false, &file.bytes) {
        Ok(format) => format,
        Err(e) => {
            shown.problem = e.to_string();
            return unprocessable(&shown);
        }
    };
    let rows = match state.platform.results_file(name, format, &file.bytes).await {
        Ok(rows) => rows,
        Err(PlatformError::Invalid { title, .. }) => {
            shown.problem = title;
            return unprocessable(&shown);
        }
        Err(other) => return Err(other.into()),
    };
    let preview = state
        .platform
        .preview_results(&account, rows, PREVIEW_ROWS)
        .await?;
    shown.upload = state
        .platform
        .hold_results_file(&account, name, &file.bytes)
        .await?;
    shown.preview = Some(preview);
    page(&shown)
}

fn unprocessable(shown: &ImportPage) -> PageResult {
    form_page(shown, false)
}

/// The previewed file, stored.
pub async fn import(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(upload): Path<String>,
    _form: FormData,
) -> PageResult {
    let (name, bytes) = match state.platform.take_results_file(&account, &upload).await {
        Ok(held) => held,
        Err(PlatformError::NotFound(_)) => {
            return Err(PageError::new(StatusCode::GONE, msg("import.expired")));
        }
        Err(other) => return Err(other.into()),
    };
    // Recognised again as when it was previewed (the same bytes and name).
    let format = ResultsFormat::recognise(&name, Some(&name), false, &bytes)
        .map_err(|e| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    let rows = state.platform.results_file(&name, format, &bytes).await?;
    let report = state
        .platform
        .import_results(&account, &name, rows, &mut |_| {})
        .await?;
    page(&ImportPage {
        chrome: Chrome::new(Some(account), msg("import.title")),
        problem: String::new(),
        file_name: name,
        upload: String::new(),
        preview: None,
        report: Some(report),
    })
}

#[derive(Template)]
#[template(path = "issue.html")]
struct IssuePage {
    chrome: Chrome,
    published: Vec<SpecificationVersionView>,
}

pub async fn issue_form(State(state): State<AppState>, Viewer(account): Viewer) -> PageResult {
    let published = state.platform.issuable_specifications(&account).await?;
    page(&IssuePage {
        chrome: Chrome::new(Some(account), msg("issue.title")),
        published,
    })
}

/// Starts issuing a specification to every eligible learner; its page shows the progress.
pub async fn issue(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    form: FormData,
) -> PageResult {
    let specification = form.text("specification");
    if specification.is_empty() {
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("issue.choose"),
        ));
    }
    let run = state
        .platform
        .issue_in_background(&account, specification)
        .await?;
    see_other(&format!("/registrar/runs/{run}"), "started")
}

#[derive(Template)]
#[template(path = "run.html")]
struct RunPage {
    chrome: Chrome,
    run: IssuingRunView,
}

/// An issuing run's progress; the page reloads itself until it is finished.
pub async fn run(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(run): Path<String>,
) -> PageResult {
    let run = state.platform.issuing_run(&account, &run).await?;
    page(&RunPage {
        chrome: Chrome::new(Some(account), msg("issue.progress")),
        run,
    })
}

#[derive(Template)]
#[template(path = "credentials.html")]
struct CredentialsPage {
    chrome: Chrome,
    credentials: Vec<(CredentialView, String, String)>,
    query: FormData,
}

/// The credentials a registrar's university issued (?specification=, ?issuer=).
pub async fn credentials(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let query = FormData::parse(raw.unwrap_or_default().as_bytes());
    let filter = CredentialQuery {
        specification: Some(query.text("specification").to_owned()).filter(|s| !s.is_empty()),
        issuer: Some(query.text("issuer").to_owned()).filter(|s| !s.is_empty()),
        limit: 200,
        ..CredentialQuery::default()
    };
    let records = state.platform.credentials(&account, filter).await?;
    let credentials = records
        .into_iter()
        .map(|r| {
            let statement = microcred_credentials::statement::read_statement(&r.document);
            (r, statement.learner_name, statement.title)
        })
        .collect();
    page(&CredentialsPage {
        chrome: Chrome::new(Some(account), msg("credentials.title"))
            .notice(Some(query.text("done"))),
        credentials,
        query,
    })
}

/// The reason a change of a credential gives (the learner and the audit log read it).
fn reason_of(form: &FormData) -> Result<&str, PageError> {
    let reason = form.text("reason");
    if reason.is_empty() {
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("credentials.reason_needed"),
        ));
    }
    Ok(reason)
}

/// Revokes, suspends or reinstates a credential, with the reason.
pub async fn change_state(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let reason = reason_of(&form)?;
    let done = match form.text("action") {
        "revoke" => {
            state.platform.revoke(&account, &id, reason).await?;
            "revoked"
        }
        "suspend" => {
            state.platform.suspend(&account, &id, reason).await?;
            "suspended"
        }
        "reinstate" => {
            state.platform.reinstate(&account, &id, reason).await?;
            "reinstated"
        }
        _ => {
            return Err(PageError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                msg("credentials.unknown_action"),
            ));
        }
    };
    see_other("/registrar/credentials", done)
}

#[derive(Template)]
#[template(path = "invitation_issued.html")]
struct InvitationIssuedPage {
    chrome: Chrome,
    learner: String,
    invitation: IssuedInvitation,
}

/// Invites a learner of the registrar's university to their own account: the link to hand them.
pub async fn invite(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
    _form: FormData,
) -> PageResult {
    let invitation = state.platform.invite_learner(&account, &id).await?;
    page(&InvitationIssuedPage {
        chrome: Chrome::new(
            Some(account),
            msg("invitation.issued_title").replace("{name}", &invitation.learner_name),
        ),
        learner: invitation.learner_name.clone(),
        invitation,
    })
}

#[derive(Template)]
#[template(path = "stacking.html")]
struct StackingPage {
    chrome: Chrome,
    overviews: Vec<StackingOverview>,
    in_review: Vec<StackedAwardView>,
    /// What recording a learner's external credential gave.
    recorded: String,
    problem: String,
    /// The learner the form named, to show again.
    learner: String,
}

async fn stacking_page(
    state: &AppState,
    account: microcred_app::platform::Account,
    notice: Option<&str>,
    outcome: (String, String, String),
) -> PageResult {
    let overviews = state.platform.stacking_overview(&account).await?;
    let in_review = state.platform.stacked_in_review(&account).await?;
    let (recorded, problem, learner) = outcome;
    let usable = problem.is_empty();
    form_page(
        &StackingPage {
            chrome: Chrome::new(Some(account), msg("stacking.title")).notice(notice),
            overviews,
            in_review,
            recorded,
            problem,
            learner,
        },
        usable,
    )
}

/// Stacked credentials a registrar issues: learners due one and learners one component short,
/// and stacked credentials up for review because a component was revoked.
pub async fn stacking(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let query = FormData::parse(raw.unwrap_or_default().as_bytes());
    stacking_page(
        &state,
        account,
        Some(query.text("done")),
        Default::default(),
    )
    .await
}

/// Records a learner's credential from another institution (found by e-mail, or by student id
/// at one of the registrar's universities), verified now; the page says the verdict, what it
/// counts for and what it completed.
pub async fn record_external(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    upload: Upload,
) -> PageResult {
    authz::may(&account, Action::FindLearners)?;
    let key = upload
        .field("learner")
        .map(|f| String::from_utf8_lossy(&f.bytes).trim().to_owned())
        .unwrap_or_default();
    let refuse = |why: String| (String::new(), why, key.clone());
    let (read, _) = upload.credential(msg("stacking.external_nothing"));
    let credential = match read {
        Ok(credential) => credential,
        Err(why) => return stacking_page(&state, account, None, refuse(why)).await,
    };
    let mut found = if key.contains('@') {
        state
            .platform
            .find_learners(&account, None, None, Some(&key))
            .await?
    } else {
        let mut found = Vec::new();
        for university in account
            .grants
            .iter()
            .filter(|g| g.role == microcred_model::Role::Registrar)
            .filter_map(|g| g.university.as_ref())
        {
            found.extend(
                state
                    .platform
                    .find_learners(&account, Some(university.as_str()), Some(&key), None)
                    .await?,
            );
        }
        found
    };
    let learner = match found.len() {
        0 => {
            let why = msg("stacking.external_no_learner").to_owned();
            return stacking_page(&state, account, None, refuse(why)).await;
        }
        1 => found.remove(0),
        _ => {
            let why = msg("stacking.external_many").to_owned();
            return stacking_page(&state, account, None, refuse(why)).await;
        }
    };
    let text = match credential {
        serde_json::Value::String(jwt) => jwt,
        other => other.to_string(),
    };
    match state
        .platform
        .record_external_credential(&account, &learner.id, &text)
        .await
    {
        Ok(view) => {
            let name = format!(
                "{} {}",
                learner.learner.given_names, learner.learner.family_names
            );
            let mut said = msg("stacking.external_recorded")
                .replace("{name}", &name)
                .replace("{title}", &view.title)
                .replace("{issuer}", &view.issuer)
                .replace("{verdict}", &view.verdict.replace('-', " "));
            if !view.recognised_for.is_empty() {
                said.push(' ');
                said.push_str(
                    &msg("stacking.external_counts")
                        .replace("{list}", &view.recognised_for.join(", ")),
                );
            }
            if !view.awarded.is_empty() {
                let list: Vec<String> = view
                    .awarded
                    .iter()
                    .map(|a| a.specification.clone())
                    .collect();
                said.push(' ');
                said.push_str(
                    &msg("stacking.external_awarded").replace("{list}", &list.join(", ")),
                );
            }
            stacking_page(&state, account, None, (said, String::new(), String::new())).await
        }
        Err(PlatformError::Invalid { title, problems }) => {
            stacking_page(&state, account, None, refuse(refusal(&title, &problems))).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Keeps a stacked credential up for review, with the reason.
pub async fn keep_stacked(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let reason = reason_of(&form)?;
    state.platform.keep_stacked(&account, &id, reason).await?;
    see_other("/registrar/stacking", "kept")
}

/// A university's grading, as the registrars' grading page shows it.
struct UniversityGradingView {
    id: String,
    name: String,
    /// Id, name, what its grades are.
    schemes: Vec<(String, String, String)>,
    /// The scheme tables are imported in: the university's only typed one.
    scheme_for_tables: Option<String>,
    /// Scope, period, grades counted.
    tables: Vec<(String, String, u64)>,
}

#[derive(Template)]
#[template(path = "grading.html")]
struct GradingPage {
    chrome: Chrome,
    universities: Vec<UniversityGradingView>,
    /// Id, name.
    presets: Vec<(&'static str, String)>,
    problem: String,
}

/// The universities whose grading the account sets: a registrar's own, or every member for the
/// alliance administrator.
async fn graded_universities(
    state: &AppState,
    account: &microcred_app::platform::Account,
) -> Result<Vec<UniversityGradingView>, PageError> {
    let mut out = Vec::new();
    for university in state.platform.universities().await? {
        let id = university.university.id.to_string();
        if !authz::allows(account, Action::DescribeUniversity { university: &id }) {
            continue;
        }
        let schemes: Vec<(String, String, String)> = state
            .platform
            .grading_schemes(&id)
            .await?
            .into_iter()
            .filter_map(|s| {
                let scheme = s.scheme.ok()?;
                Some((s.id, scheme.name.clone(), scheme.expected()))
            })
            .collect();
        let tables = state
            .platform
            .grade_tables(&id)
            .await?
            .into_iter()
            .map(|(_, t)| {
                (
                    t.scope.to_string(),
                    t.period.unwrap_or_default(),
                    t.distribution.total(),
                )
            })
            .collect();
        out.push(UniversityGradingView {
            scheme_for_tables: (schemes.len() == 1).then(|| schemes[0].0.clone()),
            name: university.university.legal_name.en().to_owned(),
            id,
            schemes,
            tables,
        });
    }
    Ok(out)
}

async fn grading_page(
    state: &AppState,
    account: microcred_app::platform::Account,
    notice: Option<&str>,
    problem: String,
) -> PageResult {
    let universities = graded_universities(state, &account).await?;
    let usable = problem.is_empty();
    form_page(
        &GradingPage {
            chrome: Chrome::new(Some(account), msg("grading.title")).notice(notice),
            universities,
            presets: GradingScheme::presets()
                .into_iter()
                .map(|(id, scheme)| (id, scheme.name))
                .collect(),
            problem,
        },
        usable,
    )
}

/// Registrars' grading page: their university's scheme (a common one chosen) and its grade
/// distribution tables (imported from CSV).
pub async fn grading(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    RawQuery(raw): RawQuery,
) -> PageResult {
    authz::may(&account, Action::ImportResults)?;
    let query = FormData::parse(raw.unwrap_or_default().as_bytes());
    grading_page(&state, account, Some(query.text("done")), String::new()).await
}

/// Sets a university's scheme to a common one (its id: `{university}-grades`).
pub async fn set_scheme(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(university): Path<String>,
    form: FormData,
) -> PageResult {
    authz::may(
        &account,
        Action::DescribeUniversity {
            university: &university,
        },
    )?;
    let Some(scheme) = GradingScheme::preset(form.text("preset")) else {
        return grading_page(
            &state,
            account,
            None,
            format!("`{}` is not a common scheme", form.text("preset")),
        )
        .await;
    };
    let document =
        serde_json::to_value(&scheme).map_err(|e| PlatformError::Internal(e.to_string()))?;
    // The university's scheme keeps its id when it has one, so its tables stay with it.
    let id = state
        .platform
        .grading_schemes(&university)
        .await?
        .into_iter()
        .next()
        .map_or_else(|| format!("{university}-grades"), |s| s.id);
    state
        .platform
        .set_grading_scheme(&account, &university, &id, &document)
        .await?;
    see_other("/registrar/grading", "scheme_set")
}

/// Imports a university's grade distribution tables (a file, or pasted lines).
pub async fn import_tables(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(university): Path<String>,
    upload: Upload,
) -> PageResult {
    let text = |name: &str| {
        upload
            .field(name)
            .map(|f| String::from_utf8_lossy(&f.bytes).trim().to_owned())
            .unwrap_or_default()
    };
    let (name, bytes) = match upload.field("file") {
        Some(file) => (file.file_name.clone(), file.bytes.to_vec()),
        None if !text("tables").is_empty() => {
            (msg("grading.paste").to_owned(), text("tables").into_bytes())
        }
        None => {
            return grading_page(&state, account, None, msg("grading.nothing").to_owned()).await;
        }
    };
    let period = text("period");
    match state
        .platform
        .import_grade_tables(
            &account,
            &university,
            &text("scheme"),
            Some(period.as_str()),
            &name,
            &bytes,
        )
        .await
    {
        Ok(_) => see_other("/registrar/grading", "tables_imported"),
        Err(PlatformError::Invalid { title, problems }) => {
            let problem = match problems.first() {
                Some(p) => format!("{title}: {}: {}", p.path, p.message),
                None => title,
            };
            grading_page(&state, account, None, problem).await
        }
        Err(e) => Err(e.into()),
    }
}
