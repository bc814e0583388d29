//! Uploaded files held between two requests: a registrar's results file, read for its preview
//! and stored once they confirm it. In the database, not a server's memory, so that the
//! confirmation may reach any of several servers.

use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// A file to hold.
pub struct HeldFile<'a> {
    /// Its id, which the confirmation names.
    pub id: &'a str,
    /// The account that uploaded it.
    pub owner: &'a str,
    /// Its file name.
    pub name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// When it was held (seconds since 1970).
    pub held_at: i64,
}

/// Holds a file; drops what was held before `expired_before`, and the owner's oldest beyond
/// `kept_per_owner`, so that abandoned uploads do not pile up.
pub async fn hold(
    c: &mut AnyConnection,
    file: &HeldFile<'_>,
    expired_before: i64,
    kept_per_owner: i64,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM held_files WHERE held_at < $1")
        .bind(expired_before)
        .execute(&mut *c)
        .await?;
    sqlx::query(
        "DELETE FROM held_files WHERE owner = $1 AND id NOT IN (SELECT id FROM held_files WHERE owner = $2 ORDER BY held_at DESC, id DESC LIMIT $3)",
    )
    .bind(file.owner)
    .bind(file.owner)
    .bind(kept_per_owner - 1)
    .execute(&mut *c)
    .await?;
    sqlx::query(
        "INSERT INTO held_files (id, owner, name, bytes, held_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(file.id)
    .bind(file.owner)
    .bind(file.name)
    .bind(file.bytes)
    .bind(file.held_at)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Takes a held file back (its name and bytes), once: it is no longer held afterwards. None
/// if it is not the owner's, was taken already, or was held before `expired_before`.
pub async fn take(
    c: &mut AnyConnection,
    id: &str,
    owner: &str,
    expired_before: i64,
) -> Result<Option<(String, Vec<u8>)>, StoreError> {
    let row = sqlx::query(
        "DELETE FROM held_files WHERE id = $1 AND owner = $2 AND held_at >= $3 RETURNING name, bytes",
    )
    .bind(id)
    .bind(owner)
    .bind(expired_before)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| Ok((r.try_get("name")?, r.try_get("bytes")?)))
        .transpose()
}
