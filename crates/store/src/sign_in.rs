//! Failed sign-ins, counted per key (an e-mail as typed, or a source address), so that
//! guessing passwords slows down and then stops. In the database, so that every server of a
//! platform counts the same failures.

use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// What is known of a key's recent failures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Failures {
    /// Failures counted.
    pub failures: i64,
    /// When the last one was.
    pub last_at: i64,
    /// Until when it is locked (0: not locked).
    pub locked_until: i64,
}

/// The failures of `key`; those older than `forgotten_before` no longer count.
pub async fn failures(
    c: &mut AnyConnection,
    key: &str,
    forgotten_before: i64,
) -> Result<Failures, StoreError> {
    let row =
        sqlx::query("SELECT failures, last_at, locked_until FROM sign_in_failures WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *c)
            .await?;
    Ok(match row {
        Some(row) if row.try_get::<i64, _>("last_at")? >= forgotten_before => Failures {
            failures: row.try_get("failures")?,
            last_at: row.try_get("last_at")?,
            locked_until: row.try_get("locked_until")?,
        },
        Some(row) => Failures {
            locked_until: row.try_get("locked_until")?,
            ..Failures::default()
        },
        None => Failures::default(),
    })
}

/// Counts one more failure of `key` at `at` (failures before `forgotten_before` start over);
/// the count now.
pub async fn record_failure(
    c: &mut AnyConnection,
    key: &str,
    at: i64,
    forgotten_before: i64,
) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO sign_in_failures (key, failures, last_at) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET
             failures = CASE WHEN sign_in_failures.last_at < $3 THEN 1 ELSE sign_in_failures.failures + 1 END,
             last_at = excluded.last_at
         RETURNING failures",
    )
    .bind(key)
    .bind(at)
    .bind(forgotten_before)
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get(0)?)
}

/// Locks `key` until `until`.
pub async fn lock(c: &mut AnyConnection, key: &str, until: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE sign_in_failures SET locked_until = $1 WHERE key = $2")
        .bind(until)
        .bind(key)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Forgets `key`'s failures (after a successful sign-in).
pub async fn clear(c: &mut AnyConnection, key: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
        .bind(key)
        .execute(&mut *c)
        .await?;
    Ok(())
}
