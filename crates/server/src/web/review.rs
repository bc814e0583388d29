//! The review: the queue of the jury, the task group and the board; a specification's page
//! with its findings, advice and decision forms, history and versions; the changes between
//! two versions.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use serde_json::Value;

use microcred_app::platform::catalogue::{Decision, Recommendation};
use microcred_app::platform::views::{ReviewEventView, SpecificationVersionView};
use microcred_model::{CourseElement, StandardElement};

use super::filters;
use super::forms::FormData;
use super::messages::msg;
use super::teacher::Done;
use super::{Chrome, PageError, PageResult, Viewer, page, see_other};
use crate::AppState;

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    chrome: Chrome,
    waiting: Vec<SpecificationVersionView>,
}

pub async fn queue(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Query(done): Query<Done>,
) -> PageResult {
    let waiting = state.platform.review_queue(&account).await?;
    page(&QueuePage {
        chrome: Chrome::new(Some(account), msg("queue.title")).notice(done.done.as_deref()),
        waiting,
    })
}

/// A stored finding, as the page shows it.
pub struct StoredFinding {
    pub severity: String,
    pub message: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    chrome: Chrome,
    record: SpecificationVersionView,
    elements: Vec<(StandardElement, String)>,
    course_elements: Vec<(CourseElement, String)>,
    findings: Vec<StoredFinding>,
    history: Vec<ReviewEventView>,
    versions: Vec<SpecificationVersionView>,
    may_edit: bool,
    may_advise: bool,
    may_decide: bool,
}

pub async fn specification(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> PageResult {
    use microcred_app::platform::authz::{Action, allows};
    use microcred_model::ReviewState as Stage;
    let record = state.platform.specification(&account, &id).await?;
    let plain = state
        .platform
        .plain_specification(&record.specification)
        .await?;
    let findings = match &record.findings {
        Value::Array(items) => items
            .iter()
            .map(|f| StoredFinding {
                severity: f["severity"].as_str().unwrap_or("note").to_owned(),
                message: f["message"].as_str().unwrap_or("").to_owned(),
                source: f["source"].as_str().unwrap_or("").to_owned(),
            })
            .collect(),
        _ => Vec::new(),
    };
    let history = state.platform.history(&account, &id).await?;
    let versions = state.platform.versions(&account, &id).await?;
    let submitted = record.state == Stage::Submitted;
    let page_data = ReviewPage {
        may_edit: record.state.editable()
            && state
                .platform
                .may_edit_specification(&account, &record)
                .await
                .is_ok(),
        may_advise: submitted && allows(&account, Action::Advise),
        may_decide: submitted && allows(&account, Action::Decide),
        chrome: Chrome::new(
            Some(account),
            record
                .specification
                .title
                .as_ref()
                .map_or_else(|| id.clone(), |t| t.en().to_owned()),
        )
        .notice(done.done.as_deref()),
        record,
        elements: plain.elements,
        course_elements: plain.course_elements,
        findings,
        history,
        versions,
    };
    page(&page_data)
}

pub async fn submit(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    state
        .platform
        .submit(&account, &id, form.text("comment"))
        .await?;
    see_other(&format!("/specifications/{id}"), "submitted")
}

pub async fn advise(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let recommendation: Recommendation = serde_json::from_value(form.text("recommendation").into())
        .map_err(|_| {
            PageError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                msg("review.choose"),
            )
        })?;
    state
        .platform
        .advise(&account, &id, recommendation, form.text("comment"))
        .await?;
    see_other(&format!("/specifications/{id}"), "advised")
}

pub async fn decide(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let decision: Decision =
        serde_json::from_value(form.text("decision").into()).map_err(|_| {
            PageError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                msg("review.choose"),
            )
        })?;
    state
        .platform
        .decide(&account, &id, decision, form.text("reason"))
        .await?;
    see_other(&format!("/specifications/{id}"), "decided")
}

/// One changed field between two versions.
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "changes.html")]
struct ChangesPage {
    chrome: Chrome,
    id: String,
    from: i64,
    to: i64,
    changes: Vec<Change>,
}

#[derive(Deserialize)]
pub struct Between {
    from: i64,
    to: i64,
}

/// What changed between two versions, field by field.
pub async fn changes(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
    Query(between): Query<Between>,
) -> PageResult {
    let before = state
        .platform
        .specification_version(Some(&account), &id, between.from)
        .await?;
    let after = state
        .platform
        .specification_version(Some(&account), &id, between.to)
        .await?;
    let changes = field_changes(
        &serde_json::to_value(&before.specification).unwrap_or_default(),
        &serde_json::to_value(&after.specification).unwrap_or_default(),
    );
    page(&ChangesPage {
        chrome: Chrome::new(Some(account), msg("changes.title")),
        id,
        from: between.from,
        to: between.to,
        changes,
    })
}

/// Every leaf of a document by its field path (`learning_outcomes[1].text.en`).
fn leaves(value: &Value, path: String, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let next = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                leaves(inner, next, out);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                leaves(inner, format!("{path}[{i}]"), out);
            }
        }
        Value::String(s) => {
            out.insert(path, s.clone());
        }
        other => {
            out.insert(path, other.to_string());
        }
    }
}

pub fn field_changes(before: &Value, after: &Value) -> Vec<Change> {
    let (mut old, mut new) = (BTreeMap::new(), BTreeMap::new());
    leaves(before, String::new(), &mut old);
    leaves(after, String::new(), &mut new);
    let mut fields: Vec<&String> = old.keys().chain(new.keys()).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter(|f| old.get(*f) != new.get(*f))
        .map(|f| Change {
            field: f.clone(),
            before: old.get(f).cloned().unwrap_or_default(),
            after: new.get(f).cloned().unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn changes_are_listed_by_field() {
        let before =
            serde_json::json!({ "title": "A", "workload": { "ects": 5 }, "elements": ["x"] });
        let after =
            serde_json::json!({ "title": "A", "workload": { "ects": 6 }, "elements": ["x", "y"] });
        let changes = super::field_changes(&before, &after);
        let described: Vec<(String, String, String)> = changes
            .into_iter()
            .map(|c| (c.field, c.before, c.after))
            .collect();
        assert_eq!(
            described,
            [
                ("elements[1]".to_owned(), String::new(), "y".to_owned()),
                ("workload.ects".to_owned(), "5".to_owned(), "6".to_owned()),
            ]
        );
    }
}
