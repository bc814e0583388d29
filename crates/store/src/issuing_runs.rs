//! Issuing runs: issuance to every eligible learner started from a web page, and its progress,
//! which the page reads back (from any server).

use sqlx::{AnyConnection, Row};

use crate::StoreError;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
/// Issuing started from a page, and its progress.
pub struct IssuingRun {
    /// Its id.
    pub id: String,
    /// The account that started it; only they see it.
    pub owner: String,
    /// The specification issued.
    pub specification_id: String,
    /// Learners looked at so far.
    pub done: i64,
    /// 0 while unknown (issuing to every eligible learner).
    pub total: i64,
    /// Whether it ended.
    pub finished: bool,
    /// Credentials issued.
    pub issued: i64,
    /// Learners who already held it.
    pub already_held: i64,
    /// Learners not (yet) eligible.
    pub not_eligible: i64,
    /// Why it stopped, if it failed.
    pub error: String,
    /// When it started.
    pub started_at: i64,
    /// When it last wrote its progress (its heartbeat).
    pub updated_at: i64,
}

/// The outcome of a finished run.
#[derive(Clone, Debug, Default)]
pub struct Finished {
    /// Credentials issued.
    pub issued: i64,
    /// Learners who already held it.
    pub already_held: i64,
    /// Learners not (yet) eligible.
    pub not_eligible: i64,
    /// Why it stopped, if it failed.
    pub error: String,
}

/// Records a new run; drops runs last changed before `forget_before` (finished, or long
/// interrupted).
pub async fn start(
    c: &mut AnyConnection,
    id: &str,
    owner: &str,
    specification_id: &str,
    at: i64,
    forget_before: i64,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM issuing_runs WHERE updated_at < $1")
        .bind(forget_before)
        .execute(&mut *c)
        .await?;
    sqlx::query(
        "INSERT INTO issuing_runs (id, owner, specification_id, started_at, updated_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(owner)
    .bind(specification_id)
    .bind(at)
    .bind(at)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Writes a run's progress (and its heartbeat).
pub async fn progress(
    c: &mut AnyConnection,
    id: &str,
    done: i64,
    total: i64,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE issuing_runs SET done = $1, total = $2, updated_at = $3 WHERE id = $4 AND finished = 0",
    )
    .bind(done)
    .bind(total)
    .bind(at)
    .bind(id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Writes how a run ended.
pub async fn finish(
    c: &mut AnyConnection,
    id: &str,
    outcome: &Finished,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE issuing_runs SET finished = 1, issued = $1, already_held = $2, not_eligible = $3, error = $4, updated_at = $5 WHERE id = $6 AND finished = 0",
    )
    .bind(outcome.issued)
    .bind(outcome.already_held)
    .bind(outcome.not_eligible)
    .bind(&outcome.error)
    .bind(at)
    .bind(id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// A run, for its owner only.
pub async fn get(
    c: &mut AnyConnection,
    id: &str,
    owner: &str,
) -> Result<Option<IssuingRun>, StoreError> {
    let row = sqlx::query(
        "SELECT id, owner, specification_id, done, total, finished, issued, already_held, not_eligible, error, started_at, updated_at FROM issuing_runs WHERE id = $1 AND owner = $2",
    )
    .bind(id)
    .bind(owner)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| {
        Ok(IssuingRun {
            id: r.try_get("id")?,
            owner: r.try_get("owner")?,
            specification_id: r.try_get("specification_id")?,
            done: r.try_get("done")?,
            total: r.try_get("total")?,
            finished: r.try_get::<i64, _>("finished")? != 0,
            issued: r.try_get("issued")?,
            already_held: r.try_get("already_held")?,
            not_eligible: r.try_get("not_eligible")?,
            error: r.try_get("error")?,
            started_at: r.try_get("started_at")?,
            updated_at: r.try_get("updated_at")?,
        })
    })
    .transpose()
}
