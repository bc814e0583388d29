//! Learners' pages: their credentials, each with its download, printed certificate, share
//! link, QR code and "Add to LinkedIn profile" link.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;

use microcred_app::platform::PlatformError;
use microcred_app::platform::issuance::CredentialQuery;
use microcred_app::platform::stacking::{
    ExternalCredentialView, StackingProgressView, shortfall_text,
};
use microcred_app::platform::views::CredentialView;
use microcred_credentials::statement::{MicroCredentialStatement, read_statement};
use microcred_model::StandardElement;
use microcred_model::stacking::ComponentStatus;

use super::forms::Upload;
use super::messages::msg;
use super::{Chrome, PageError, PageResult, Viewer, form_page, page, refusal, see_other};
use crate::AppState;

#[derive(Template)]
#[template(path = "my_credentials.html")]
struct MyCredentialsPage {
    chrome: Chrome,
    credentials: Vec<(CredentialView, MicroCredentialStatement)>,
}

pub async fn credentials(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let query = super::forms::FormData::parse(raw.unwrap_or_default().as_bytes());
    let records = state
        .platform
        .credentials(
            &account,
            CredentialQuery {
                limit: 1000,
                ..CredentialQuery::default()
            },
        )
        .await?;
    let credentials = records
        .into_iter()
        .map(|r| {
            let statement = read_statement(&r.document);
            (r, statement)
        })
        .collect();
    page(&MyCredentialsPage {
        chrome: Chrome::new(Some(account), msg("my.title")).notice(Some(query.text("done"))),
        credentials,
    })
}

#[derive(Template)]
#[template(path = "my_credential.html")]
struct MyCredentialPage {
    chrome: Chrome,
    record: CredentialView,
    statement: MicroCredentialStatement,
    elements: Vec<(StandardElement, String)>,
    share: String,
    linkedin: String,
    qr_svg: String,
    download: String,
    /// Whether the credential was also issued as a Europass EDC.
    europass: bool,
    /// Whether it is an Open Badge, so that a badge image can carry it.
    open_badge: bool,
    /// A stacked credential's components, as its evidence names them: (name, by whom, when).
    components: Vec<(String, String)>,
}

/// The components a stacked credential states as evidence (none for another credential).
fn components_of(document: &serde_json::Value) -> Vec<(String, String)> {
    document["evidence"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["name"].as_str().unwrap_or_default().to_owned(),
                e["description"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// LinkedIn's "Add to profile" link for a certification.
fn linkedin_link(statement: &MicroCredentialStatement, share: &str) -> String {
    let (year, month) = statement
        .date_of_issuing
        .split_once('-')
        .map(|(y, rest)| {
            (
                y.to_owned(),
                rest.get(..2)
                    .unwrap_or("")
                    .trim_start_matches('0')
                    .to_owned(),
            )
        })
        .unwrap_or_default();
    format!(
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name={}&organizationName={}&issueYear={year}&issueMonth={month}&certUrl={}&certId={}",
        encoded(&statement.title),
        encoded(&statement.issuer_name),
        encoded(share),
        encoded(&statement.id),
    )
}

pub async fn credential(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let record = state.platform.credential(&account, &id).await?;
    let statement = read_statement(&record.document);
    let share = state.platform.config().verification_url(&record.id);
    let qr_svg = microcred_app::certificate::qr_code_svg(&share).map_err(|e| {
        PageError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    })?;
    page(&MyCredentialPage {
        chrome: Chrome::new(Some(account), statement.title.clone()),
        elements: statement
            .elements()
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .collect(),
        linkedin: linkedin_link(&statement, &share),
        download: encoded(&record.id),
        europass: record
            .alternatives
            .iter()
            .any(|d| d.format == microcred_app::edc::EDC_FORMAT),
        open_badge: microcred_credentials::open_badges::is_open_badge(&record.document),
        components: components_of(&record.document),
        record,
        statement,
        share,
        qr_svg,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_linkedin_link_names_the_certification() {
        let statement = microcred_credentials::statement::MicroCredentialStatement {
            id: "urn:uuid:1".into(),
            title: "ENHANCE Certificate".into(),
            issuer_name: "TU Berlin".into(),
            date_of_issuing: "2026-06-20".into(),
            ..Default::default()
        };
        let link =
            super::linkedin_link(&statement, "https://x.example/verify?credential=urn:uuid:1");
        assert!(
            link.contains(
                "name=ENHANCE+Certificate&organizationName=TU+Berlin&issueYear=2026&issueMonth=6"
            ),
            "{link}"
        );
        assert!(
            link.contains("certUrl=https%3A%2F%2Fx.example%2Fverify%3Fcredential%3Durn%3Auuid%3A1"),
            "{link}"
        );
    }
}

/// One stacked credential on the progress page, worded.
struct StackCard {
    specification: String,
    title: String,
    credential: Option<String>,
    due: String,
    done: usize,
    asked: usize,
    done_text: String,
    pools: Vec<PoolCard>,
    shortfalls: Vec<String>,
}

struct PoolCard {
    title: String,
    needs: String,
    components: Vec<ComponentCard>,
}

struct ComponentCard {
    name: String,
    /// `ok`, `failed` or `missing`: the style of a check.
    class: &'static str,
    status: &'static str,
    detail: String,
}

impl StackCard {
    fn new(view: StackingProgressView) -> StackCard {
        let progress = &view.progress;
        let (done, asked) = progress.components_done();
        let pools = progress
            .pools
            .iter()
            .map(|pool| PoolCard {
                title: view
                    .pool_titles
                    .get(&pool.pool)
                    .cloned()
                    .unwrap_or_else(|| pool.pool.clone()),
                needs: msg("progress.pool_needs")
                    .replace("{counted}", &pool.counted.to_string())
                    .replace("{required}", &pool.required.to_string()),
                components: pool
                    .components
                    .iter()
                    .map(|c| {
                        let name = view
                            .names
                            .get(&c.component)
                            .cloned()
                            .unwrap_or_else(|| c.component.clone());
                        let (class, status, detail) = match &c.status {
                            ComponentStatus::Counted { awarded_on, .. } => (
                                "ok",
                                msg("progress.counted"),
                                msg("progress.awarded_on")
                                    .replace("{day}", &awarded_on.to_string()),
                            ),
                            ComponentStatus::NotCounted {
                                awarded_on, reason, ..
                            } => (
                                "failed",
                                msg("progress.not_counted"),
                                format!(
                                    "{} — {reason}",
                                    msg("progress.awarded_on")
                                        .replace("{day}", &awarded_on.to_string())
                                ),
                            ),
                            ComponentStatus::Missing => {
                                ("missing", msg("progress.missing"), String::new())
                            }
                        };
                        ComponentCard {
                            name,
                            class,
                            status,
                            detail,
                        }
                    })
                    .collect(),
            })
            .collect();
        StackCard {
            due: match (&view.credential, progress.satisfied_on) {
                (None, Some(day)) => msg("progress.due").replace("{day}", &day.to_string()),
                _ => String::new(),
            },
            done_text: msg("progress.done")
                .replace("{done}", &done.to_string())
                .replace("{asked}", &asked.to_string()),
            done,
            asked,
            // The model names pools by id; people read their titles.
            shortfalls: progress
                .shortfalls
                .iter()
                .map(|s| shortfall_text(s, &view.pool_titles))
                .collect(),
            pools,
            specification: view.specification,
            title: view.title,
            credential: view.credential,
        }
    }
}

#[derive(Template)]
#[template(path = "my_progress.html")]
struct MyProgressPage {
    chrome: Chrome,
    stacks: Vec<StackCard>,
    externals: Vec<ExternalCredentialView>,
    problem: String,
}

async fn progress_page(
    state: &AppState,
    account: microcred_app::platform::Account,
    notice: Option<&str>,
    problem: String,
) -> PageResult {
    let learner = account
        .learner_id
        .clone()
        .ok_or_else(|| PageError::new(StatusCode::FORBIDDEN, msg("progress.learners_only")))?;
    let stacks = state
        .platform
        .stacking_progress(&account, &learner)
        .await?
        .into_iter()
        .map(StackCard::new)
        .collect();
    let externals = state
        .platform
        .external_credentials(&account, &learner)
        .await?;
    let usable = problem.is_empty();
    form_page(
        &MyProgressPage {
            chrome: Chrome::new(Some(account), msg("progress.title")).notice(notice),
            stacks,
            externals,
            problem,
        },
        usable,
    )
}

/// The learner's progress towards each larger (stacked) credential, and their credentials of
/// other institutions, with a form to add one.
pub async fn progress(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let query = super::forms::FormData::parse(raw.unwrap_or_default().as_bytes());
    let done = query.text("done").to_owned();
    progress_page(&state, account, Some(&done), String::new()).await
}

/// A credential of another institution, uploaded or pasted by its learner: read as the
/// verification page reads it, then recorded and verified by the platform.
pub async fn add_external(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    upload: Upload,
) -> PageResult {
    let (read, _) = upload.credential(msg("progress.nothing"));
    let credential = match read {
        Ok(credential) => credential,
        Err(why) => {
            let why = format!("{} ({why})", msg("progress.unreadable"));
            return progress_page(&state, account, None, why).await;
        }
    };
    let text = match credential {
        serde_json::Value::String(jwt) => jwt,
        other => other.to_string(),
    };
    let Some(learner) = account.learner_id.clone() else {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            msg("progress.learners_only"),
        ));
    };
    match state
        .platform
        .record_external_credential(&account, &learner, &text)
        .await
    {
        Ok(_) => see_other("/my/progress", "external_added"),
        Err(PlatformError::Invalid { title, problems }) => {
            progress_page(&state, account, None, refusal(&title, &problems)).await
        }
        Err(other) => Err(other.into()),
    }
}
