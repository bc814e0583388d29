//! Specifications, their versions and the review of each version. A published version is never
//! changed: an edit after publication starts a new version.

use microcred_model::{ReviewState, Specification};
use sqlx::{AnyConnection, Row};

use crate::{StoreError, composed, from_json, now, to_json};

#[derive(Clone, Debug, PartialEq)]
/// A version of a specification, as stored.
pub struct VersionRecord {
    /// The specification's id.
    pub specification_id: String,
    /// The version number, from 1.
    pub version: i64,
    /// Where it is in its review.
    pub state: ReviewState,
    /// What it says.
    pub specification: Specification,
    /// The rules' findings when it was last checked (on submission), as the API reports them.
    pub findings: serde_json::Value,
    /// Who changed it last.
    pub updated_by: String,
    /// When.
    pub updated_at: i64,
}

const COLUMNS: &str =
    "specification_id, version, state, document, findings, updated_by, updated_at";

fn read(row: &sqlx::any::AnyRow) -> Result<VersionRecord, StoreError> {
    let state: String = row.try_get("state")?;
    Ok(VersionRecord {
        specification_id: row.try_get("specification_id")?,
        version: row.try_get("version")?,
        state: ReviewState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown state `{state}`")))?,
        specification: from_json("specification", &row.try_get::<String, _>("document")?)?,
        findings: from_json("findings", &row.try_get::<String, _>("findings")?)?,
        updated_by: row.try_get("updated_by")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Creates a specification with its first version as a draft; `Conflict` if the id is taken.
pub async fn create(
    c: &mut AnyConnection,
    specification: &Specification,
    by: &str,
) -> Result<VersionRecord, StoreError> {
    let id = specification.id.as_str();
    let created =
        sqlx::query("INSERT INTO specifications (id, created_by, created_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(by)
            .bind(now())
            .execute(&mut *c)
            .await;
    if let Err(e) = created {
        let error = StoreError::from(e);
        return Err(if error.is_conflict() {
            StoreError::Conflict(format!("specification `{id}`"))
        } else {
            error
        });
    }
    insert_version(c, id, 1, specification, by).await
}

async fn insert_version(
    c: &mut AnyConnection,
    id: &str,
    version: i64,
    specification: &Specification,
    by: &str,
) -> Result<VersionRecord, StoreError> {
    let record = VersionRecord {
        specification_id: id.to_owned(),
        version,
        state: ReviewState::Draft,
        specification: specification.clone(),
        findings: serde_json::Value::Array(Vec::new()),
        updated_by: by.to_owned(),
        updated_at: now(),
    };
    sqlx::query(composed(format!(
        "INSERT INTO specification_versions ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )))
    .bind(id)
    .bind(version)
    .bind(record.state.name())
    .bind(to_json(specification))
    .bind("[]")
    .bind(by)
    .bind(record.updated_at)
    .execute(&mut *c)
    .await?;
    Ok(record)
}

/// Starts the next version of a specification as a draft.
pub async fn new_version(
    c: &mut AnyConnection,
    specification: &Specification,
    by: &str,
) -> Result<VersionRecord, StoreError> {
    let id = specification.id.as_str();
    let latest = latest(c, id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("specification `{id}`")))?;
    insert_version(c, id, latest.version + 1, specification, by).await
}

/// Who created a specification.
pub async fn author(c: &mut AnyConnection, id: &str) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT created_by FROM specifications WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| Ok(r.try_get(0)?)).transpose()
}

/// The newest version of a specification.
pub async fn latest(c: &mut AnyConnection, id: &str) -> Result<Option<VersionRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM specification_versions WHERE specification_id = $1 ORDER BY version DESC LIMIT 1"
    )))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    .map(|r| read(&r))
    .transpose()
}

/// One version of a specification.
pub async fn version(
    c: &mut AnyConnection,
    id: &str,
    version: i64,
) -> Result<Option<VersionRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM specification_versions WHERE specification_id = $1 AND version = $2"
    )))
    .bind(id)
    .bind(version)
    .fetch_optional(&mut *c)
    .await?
    .map(|r| read(&r))
    .transpose()
}

/// Every version of a specification, oldest first.
pub async fn versions(c: &mut AnyConnection, id: &str) -> Result<Vec<VersionRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM specification_versions WHERE specification_id = $1 ORDER BY version"
    )))
    .bind(id)
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(read)
    .collect()
}

/// The newest published version of a specification (what credentials are issued from).
pub async fn published(
    c: &mut AnyConnection,
    id: &str,
) -> Result<Option<VersionRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM specification_versions WHERE specification_id = $1 AND state = 'published' ORDER BY version DESC LIMIT 1"
    )))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    .map(|r| read(&r))
    .transpose()
}

/// The newest version of every specification, optionally only those in `state`.
pub async fn list_latest(
    c: &mut AnyConnection,
    state: Option<ReviewState>,
) -> Result<Vec<VersionRecord>, StoreError> {
    let rows = sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM specification_versions v WHERE version = (SELECT MAX(version) FROM specification_versions w WHERE w.specification_id = v.specification_id) ORDER BY specification_id"
    )))
    .fetch_all(&mut *c)
    .await?;
    let all: Vec<VersionRecord> = rows.iter().map(read).collect::<Result<_, _>>()?;
    Ok(match state {
        Some(state) => all.into_iter().filter(|v| v.state == state).collect(),
        None => all,
    })
}

/// Every specification's newest published version: the public catalogue.
pub async fn catalogue(c: &mut AnyConnection) -> Result<Vec<VersionRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM specification_versions v WHERE state = 'published' AND version = (SELECT MAX(version) FROM specification_versions w WHERE w.specification_id = v.specification_id AND w.state = 'published') ORDER BY specification_id"
    )))
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(read)
    .collect()
}

/// Replaces the document of an editable version.
pub async fn update_draft(
    c: &mut AnyConnection,
    id: &str,
    version: i64,
    specification: &Specification,
    by: &str,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE specification_versions SET document = $1, updated_by = $2, updated_at = $3 WHERE specification_id = $4 AND version = $5 AND state IN ('draft', 'changes-requested')",
    )
    .bind(to_json(specification))
    .bind(by)
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut *c)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "version {version} of `{id}` is not editable"
        )));
    }
    Ok(())
}

/// Moves a version from `from` to `to` (with its findings, if given); `Conflict` if it is no
/// longer in `from` (someone else moved it first).
pub async fn transition(
    c: &mut AnyConnection,
    id: &str,
    version: i64,
    from: &[ReviewState],
    to: ReviewState,
    findings: Option<&serde_json::Value>,
    by: &str,
) -> Result<(), StoreError> {
    let allowed: Vec<String> = from.iter().map(|s| format!("'{}'", s.name())).collect();
    let sql = format!(
        "UPDATE specification_versions SET state = $1, findings = COALESCE($2, findings), updated_by = $3, updated_at = $4 WHERE specification_id = $5 AND version = $6 AND state IN ({})",
        allowed.join(", ")
    );
    let done = sqlx::query(composed(sql))
        .bind(to.name())
        .bind(findings.map(to_json))
        .bind(by)
        .bind(now())
        .bind(id)
        .bind(version)
        .execute(&mut *c)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "version {version} of `{id}` is not {}",
            from.iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(" or ")
        )));
    }
    Ok(())
}

/// One step of a version's review: who did what, when and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewEvent {
    /// The specification.
    pub specification_id: String,
    /// Its version.
    pub version: i64,
    /// `created`, `submitted`, `advice`, `decision`, `retired`, …
    pub kind: String,
    /// e.g. the advice (`approve`, `reject`, `changes`) or the decision.
    pub outcome: String,
    /// Why, in the person's words.
    pub comment: String,
    /// The account that acted.
    pub by_account: String,
    /// The role in which the person acted (`jury`, `board`, …).
    pub by_role: String,
    /// When.
    pub at: i64,
}

/// Records a step of a review.
pub async fn add_event(c: &mut AnyConnection, event: &ReviewEvent) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO review_events (specification_id, version, kind, outcome, comment, by_account, by_role, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&event.specification_id)
    .bind(event.version)
    .bind(&event.kind)
    .bind(&event.outcome)
    .bind(&event.comment)
    .bind(&event.by_account)
    .bind(&event.by_role)
    .bind(event.at)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// A specification's review history, in order.
pub async fn events(c: &mut AnyConnection, id: &str) -> Result<Vec<ReviewEvent>, StoreError> {
    let rows = sqlx::query(
        "SELECT specification_id, version, kind, outcome, comment, by_account, by_role, at FROM review_events WHERE specification_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ReviewEvent {
                specification_id: r.try_get("specification_id")?,
                version: r.try_get("version")?,
                kind: r.try_get("kind")?,
                outcome: r.try_get("outcome")?,
                comment: r.try_get("comment")?,
                by_account: r.try_get("by_account")?,
                by_role: r.try_get("by_role")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}
