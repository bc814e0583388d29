//! The audit log: every change of state, who made it and when. Appended in the same
//! transaction as the change it records, so one is never without the other.

use sqlx::{AnyConnection, Row};

use crate::{StoreError, composed, from_json, now, rows_per_statement, to_json, value_rows};

#[derive(Clone, Debug, PartialEq)]
/// An entry of the audit log.
pub struct AuditEntry {
    /// Its place in the log.
    pub seq: i64,
    /// When (seconds since 1970).
    pub at: i64,
    /// The account that acted (or `system`).
    pub actor: String,
    /// e.g. `credential.revoked`, `specification.submitted`.
    pub action: String,
    /// What was acted on, e.g. `credential:urn:uuid:…`.
    pub subject: String,
    /// What else it records.
    pub details: serde_json::Value,
}

/// Appends an entry (in the caller's transaction, with the change it records).
pub async fn append(
    c: &mut AnyConnection,
    actor: &str,
    action: &str,
    subject: &str,
    details: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(now())
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(to_json(details))
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Appends many entries (one action by one actor) in as few statements as fit.
pub async fn append_many(
    c: &mut AnyConnection,
    actor: &str,
    action: &str,
    entries: &[(String, serde_json::Value)],
) -> Result<(), StoreError> {
    let at = now();
    for chunk in entries.chunks(rows_per_statement(2)) {
        let sql = format!(
            "INSERT INTO audit_log (at, actor, action, subject, details) VALUES {}",
            value_rows(chunk.len(), 2, 4, "$1, $2, $3, ")
        );
        let mut query = sqlx::query(composed(sql)).bind(at).bind(actor).bind(action);
        for (subject, details) in chunk {
            query = query.bind(subject).bind(to_json(details));
        }
        query.execute(&mut *c).await?;
    }
    Ok(())
}

/// The newest entries first, optionally about one subject.
pub async fn list(
    c: &mut AnyConnection,
    subject: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = match subject {
        Some(s) => {
            sqlx::query("SELECT seq, at, actor, action, subject, details FROM audit_log WHERE subject = $1 ORDER BY seq DESC LIMIT $2")
                .bind(s)
                .bind(limit)
                .fetch_all(&mut *c)
                .await?
        }
        None => {
            sqlx::query("SELECT seq, at, actor, action, subject, details FROM audit_log ORDER BY seq DESC LIMIT $1")
                .bind(limit)
                .fetch_all(&mut *c)
                .await?
        }
    };
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                seq: r.try_get("seq")?,
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                subject: r.try_get("subject")?,
                details: from_json("audit details", &r.try_get::<String, _>("details")?)?,
            })
        })
        .collect()
}
