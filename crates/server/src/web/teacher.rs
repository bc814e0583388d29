//! Teachers' pages: their specifications, and the editor, which shows the rules' findings
//! beside the form (on each check, and as one types where JavaScript runs).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use microcred_app::platform::authz::{self, Action};
use serde::Deserialize;
use serde_json::Value;

use microcred_app::platform::Account;
use microcred_app::platform::catalogue::DraftCheck;
use microcred_app::platform::views::SpecificationVersionView;
use microcred_app::platform::{PlatformError, Problem};
use microcred_model::vocabulary::{
    AssessmentMethod, AwardingRule, LearningDimension, Mode, Organisation, QfEheaCycle,
    QualityAssuranceType, StackabilityOption, Supervision, Timeframe, Typology,
};
use microcred_model::{CourseElement, Specification};

use super::filters;
use super::forms::FormData;
use super::messages::{msg, optional_msg, prefixed_msg};
use super::spec_form::{
    EXTERNAL_FIELDS, POOL_FIELDS, PoolSlot, form_value, input_for, pool_slots,
    specification_from_form,
};
use super::{Chrome, PageResult, Viewer, page, see_other};
use crate::AppState;

#[derive(Template)]
#[template(path = "specifications.html")]
struct ListPage {
    chrome: Chrome,
    specifications: Vec<SpecificationVersionView>,
}

#[derive(Deserialize)]
pub struct Done {
    pub done: Option<String>,
}

/// The specifications an account may see, newest version of each.
pub async fn list(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Query(done): Query<Done>,
) -> PageResult {
    let specifications = state.platform.specifications(&account).await?;
    page(&ListPage {
        chrome: Chrome::new(Some(account), msg("specifications.title"))
            .notice(done.done.as_deref()),
        specifications,
    })
}

/// One note shown beside an input: a finding or a mistake in the form.
pub struct Note {
    /// `error`, `warning`, `note`.
    pub severity: &'static str,
    /// `profile/rule` of a finding (empty for a mistake in the form).
    pub rule: String,
    pub message: String,
    /// Where it comes from (`ENHANCE template §7.6`), for findings.
    pub source: String,
    pub field: String,
    /// The editor's input it is shown beside ([`input_for`]); empty where none fits.
    pub input: String,
    /// `6 · Notional workload …`, for findings.
    pub element: String,
}

/// One checklist question answered: `yes`, `no` or `recommended` (met only in part), and why.
pub struct ChecklistLine {
    pub question: String,
    pub answer: &'static str,
    pub why: String,
}

/// The findings panel and the notes beside each input.
pub struct Findings {
    pub notes: Vec<Note>,
    /// (profile's name, its questions answered).
    pub checklists: Vec<(String, Vec<ChecklistLine>)>,
    pub profiles: Vec<String>,
    pub checked: bool,
}

impl Findings {
    fn of(problems: &[Problem], check: Option<&DraftCheck>) -> Findings {
        let mut notes: Vec<Note> = problems
            .iter()
            .map(|p| Note {
                severity: "error",
                rule: String::new(),
                message: p.message.clone(),
                source: String::new(),
                field: p.path.clone(),
                input: input_for(&p.path).unwrap_or_default(),
                element: String::new(),
            })
            .collect();
        if let Some(check) = check {
            notes.extend(check.findings.iter().map(|f| Note {
                severity: f.severity.word(),
                rule: f.rule.clone(),
                message: f.message.clone(),
                source: f.source.clone(),
                field: f.field.clone(),
                input: input_for(&f.field).unwrap_or_default(),
                element: format!("{} · {}", f.element.number(), f.element.name()),
            }));
        }
        let rank = |s: &str| match s {
            "error" => 0,
            "warning" => 1,
            _ => 2,
        };
        notes.sort_by_key(|n| rank(n.severity));
        Findings {
            notes,
            checklists: check.map_or_else(Vec::new, |c| {
                c.checklists
                    .iter()
                    .map(|(name, answers)| {
                        (
                            name.clone(),
                            answers
                                .iter()
                                .map(|a| {
                                    let answer = match a.answer {
                                        microcred_rules::Answer::Yes => "yes",
                                        microcred_rules::Answer::No => "no",
                                        microcred_rules::Answer::RecommendedButNotMet => {
                                            "recommended"
                                        }
                                    };
                                    ChecklistLine {
                                        question: a.question.clone(),
                                        answer,
                                        why: a.why.join(" "),
                                    }
                                })
                                .collect(),
                        )
                    })
                    .collect()
            }),
            profiles: check.map_or_else(Vec::new, |c| c.profiles.clone()),
            checked: check.is_some(),
        }
    }

    pub fn count(&self, severity: &str) -> usize {
        self.notes.iter().filter(|n| n.severity == severity).count()
    }

    /// The notes shown beside one input.
    pub fn at(&self, input: &str) -> Vec<&Note> {
        self.notes.iter().filter(|n| n.input == input).collect()
    }
}

#[derive(Template)]
#[template(path = "editor.html")]
struct EditorPage {
    chrome: Chrome,
    /// None for a new specification.
    id: Option<String>,
    state: String,
    document: Value,
    findings: Findings,
    catalogue: Vec<(String, Vec<CourseElement>)>,
    profiles: Vec<(String, String)>,
    universities: Vec<(String, String)>,
    /// The stacked rule's pools, and one empty slot.
    pools: Vec<PoolSlot>,
    /// The published specifications a pool may count (id, title).
    components: Vec<(String, String)>,
}

impl EditorPage {
    /// A pool input's path.
    fn pool_path(&self, index: &usize, name: &str) -> String {
        format!("stacking.pools[{index}].{name}")
    }

    /// The pool inputs and how each is shown: (name, whether a number).
    fn pool_fields(&self) -> Vec<(&'static str, bool)> {
        POOL_FIELDS
            .iter()
            .map(|(name, kind)| {
                (
                    *name,
                    !matches!(
                        kind,
                        super::spec_form::Kind::Text | super::spec_form::Kind::English
                    ),
                )
            })
            .collect()
    }

    fn external_fields(&self) -> &'static [&'static str] {
        EXTERNAL_FIELDS
    }

    fn value(&self, path: &str) -> String {
        form_value(&self.document, path)
    }

    fn chosen(&self, path: &str, word: &str) -> bool {
        self.value(path).lines().any(|l| l.trim() == word)
    }

    fn words(&self, vocabulary: &str) -> &'static [&'static str] {
        match vocabulary {
            "typology" => Typology::names(),
            "mode" => Mode::names(),
            "organisation" => Organisation::names(),
            "timeframe" => Timeframe::names(),
            "cycle" => QfEheaCycle::names(),
            "method" => AssessmentMethod::names(),
            "supervision" => Supervision::names(),
            "qa" => QualityAssuranceType::names(),
            "stackability" => StackabilityOption::names(),
            "awarding" => AwardingRule::names(),
            "dimension" => LearningDimension::names(),
            "policy" => &["lowest", "highest", "largest-overlap"],
            _ => &[],
        }
    }

    fn label(&self, path: &str) -> String {
        prefixed_msg("field.", path)
    }

    fn hint(&self, path: &str) -> String {
        optional_msg("hint.", path)
    }
}

async fn editor(
    state: &AppState,
    account: Account,
    id: Option<String>,
    record_state: String,
    document: Value,
    problems: Vec<Problem>,
    check: Option<DraftCheck>,
) -> Result<EditorPage, super::PageError> {
    let elements = state.platform.course_elements(None).await?;
    let universities = state.platform.universities().await?;
    let catalogue = universities
        .iter()
        .map(|u| {
            (
                u.university.display_name().to_owned(),
                elements
                    .iter()
                    .filter(|e| e.university == u.university.id)
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, e)| !e.is_empty())
        .collect();
    let title = match &id {
        Some(id) => {
            let title = form_value(&document, "title");
            let name = if title.is_empty() {
                id.as_str()
            } else {
                title.as_str()
            };
            format!("{} · {name}", msg("editor.title_edit"))
        }
        None => msg("editor.title_new").to_owned(),
    };
    let pools = pool_slots(&document);
    let components = state
        .platform
        .catalogue(&Default::default())
        .await?
        .into_iter()
        .filter(|v| Some(&v.specification_id) != id.as_ref())
        .map(|v| {
            let title = v
                .specification
                .title
                .as_ref()
                .map_or_else(|| v.specification_id.clone(), |t| t.en().to_owned());
            (v.specification_id, title)
        })
        .collect();
    Ok(EditorPage {
        chrome: Chrome::new(Some(account), title),
        id,
        state: record_state,
        findings: Findings::of(&problems, check.as_ref()),
        document,
        catalogue,
        profiles: state
            .platform
            .profiles()
            .iter()
            .map(|p| (p.id.clone(), p.name.clone()))
            .collect(),
        universities: universities
            .iter()
            .map(|u| {
                (
                    u.university.id.to_string(),
                    u.university.display_name().to_owned(),
                )
            })
            .collect(),
        pools,
        components,
    })
}

pub async fn new_form(State(state): State<AppState>, Viewer(account): Viewer) -> PageResult {
    authz::may(&account, Action::CreateSpecification)?;
    let document = serde_json::json!({ "profiles": state.platform.default_profiles() });
    page(
        &editor(
            &state,
            account,
            None,
            String::new(),
            document,
            Vec::new(),
            None,
        )
        .await?,
    )
}

pub async fn edit_form(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> PageResult {
    let record = state.platform.specification(&account, &id).await?;
    state
        .platform
        .may_edit_specification(&account, &record)
        .await?;
    let check = state.platform.check_draft(&record.specification).await?;
    let document = serde_json::to_value(&record.specification).unwrap_or_default();
    let mut editor = editor(
        &state,
        account,
        Some(id),
        record.state.name().to_owned(),
        document,
        Vec::new(),
        Some(check),
    )
    .await?;
    editor.chrome = editor.chrome.notice(done.done.as_deref());
    page(&editor)
}

/// Reads the form; checks it. The page again with the findings, or the specification.
async fn read_and_check(
    state: &AppState,
    base: Option<&Specification>,
    form: &FormData,
) -> Result<(Value, Result<(Specification, DraftCheck), Vec<Problem>>), super::PageError> {
    let (document, spec) = specification_from_form(base, form);
    match spec {
        Ok(spec) => {
            let check = state.platform.check_draft(&spec).await?;
            Ok((document, Ok((spec, check))))
        }
        Err(problems) => Ok((document, Err(problems))),
    }
}

/// Creates the draft (`action=save`), or shows the form checked (`action=check`).
pub async fn create(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    form: FormData,
) -> PageResult {
    authz::may(&account, Action::CreateSpecification)?;
    let (document, checked) = read_and_check(&state, None, &form).await?;
    match checked {
        Ok((spec, _)) if form.text("action") == "save" => {
            let id = spec.id.to_string();
            match state.platform.create_specification(&account, spec).await {
                Ok(_) => see_other(&format!("/specifications/{id}/edit"), "created"),
                Err(error) => {
                    let problems = invalid(error)?;
                    again(&state, account, None, "", document, problems, None).await
                }
            }
        }
        Ok((_, check)) => again(&state, account, None, "", document, Vec::new(), Some(check)).await,
        Err(problems) => again(&state, account, None, "", document, problems, None).await,
    }
}

/// Saves an edited draft, and submits it with a comment for the reviewers when asked. The
/// page to go to, or the problems to show beside the form.
async fn store_draft(
    state: &AppState,
    account: &Account,
    id: &str,
    spec: Specification,
    submit: Option<&str>,
) -> Result<Result<String, Vec<Problem>>, super::PageError> {
    if spec.id.as_str() != id {
        return Ok(Err(vec![Problem::new("id", msg("editor.id_fixed"))]));
    }
    if let Err(error) = state.platform.update_specification(account, spec).await {
        return invalid(error).map(Err);
    }
    let Some(comment) = submit else {
        return Ok(Ok(format!("/specifications/{id}/edit")));
    };
    match state.platform.submit(account, id, comment).await {
        Ok(_) => Ok(Ok(format!("/specifications/{id}"))),
        Err(error) => invalid(error).map(Err),
    }
}

/// The problems of a refused change, to show beside the form; any other failure as a page.
fn invalid(error: PlatformError) -> Result<Vec<Problem>, super::PageError> {
    match error {
        PlatformError::Invalid { problems, .. } => Ok(problems),
        other => Err(other.into()),
    }
}

/// The editor shown again with what was typed: 422 when the form has mistakes.
async fn again(
    state: &AppState,
    account: Account,
    id: Option<String>,
    record_state: &str,
    document: Value,
    problems: Vec<Problem>,
    check: Option<DraftCheck>,
) -> PageResult {
    let failed = !problems.is_empty();
    let mut response = page(
        &editor(
            state,
            account,
            id,
            record_state.to_owned(),
            document,
            problems,
            check,
        )
        .await?,
    )?;
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// Saves the draft (`action=save`), saves and submits it (`action=submit`), or shows it
/// checked (`action=check`).
pub async fn save(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let record = state.platform.specification(&account, &id).await?;
    state
        .platform
        .may_edit_specification(&account, &record)
        .await?;
    let record_state = record.state.name();
    let (document, checked) = read_and_check(&state, Some(&record.specification), &form).await?;
    let action = form.text("action");
    match checked {
        Ok((spec, check)) if action == "save" || action == "submit" => {
            let submit = (action == "submit").then(|| form.text("comment"));
            match store_draft(&state, &account, &id, spec, submit).await? {
                Ok(to) => see_other(
                    &to,
                    if submit.is_some() {
                        "submitted"
                    } else {
                        "saved"
                    },
                ),
                Err(problems) => {
                    again(
                        &state,
                        account,
                        Some(id),
                        record_state,
                        document,
                        problems,
                        Some(check),
                    )
                    .await
                }
            }
        }
        Ok((_, check)) => {
            again(
                &state,
                account,
                Some(id),
                record_state,
                document,
                Vec::new(),
                Some(check),
            )
            .await
        }
        Err(problems) => {
            again(
                &state,
                account,
                Some(id),
                record_state,
                document,
                problems,
                None,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "findings.html")]
struct FindingsPanel {
    t: &'static super::Messages,
    findings: Findings,
}

/// The findings panel for a form as it is now (the editor's script posts the form as one
/// types, and puts the answer in place of the panel).
pub async fn check_live(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    form: FormData,
) -> PageResult {
    authz::may(&account, Action::ListSpecifications)?;
    let id = form.text("id").to_owned();
    let base = if id.is_empty() {
        None
    } else {
        state.platform.specification(&account, &id).await.ok()
    };
    let (_, checked) =
        read_and_check(&state, base.as_ref().map(|r| &r.specification), &form).await?;
    let findings = match checked {
        Ok((_, check)) => Findings::of(&[], Some(&check)),
        Err(problems) => Findings::of(&problems, None),
    };
    let html = FindingsPanel {
        t: &super::MESSAGES,
        findings,
    }
    .render()?;
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        axum::response::Html(html),
    )
        .into_response())
}
