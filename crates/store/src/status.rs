//! Bitstring status lists of each issuer, the entries allocated in them, and the signed list
//! credentials served to verifiers.

use sqlx::{AnyConnection, Row};

use crate::{StoreError, composed, from_json, now, rows_per_statement, to_json, value_rows};

#[derive(Clone, Debug, PartialEq)]
/// A Bitstring Status List as stored: its bits, which entries are taken, and its signed credential.
pub struct StatusListRecord {
    /// Its id.
    pub id: String,
    /// The issuing university's id, or `alliance`.
    pub owner: String,
    /// `revocation` or `suspension`.
    pub purpose: String,
    /// Where it is served.
    pub url: String,
    /// The `encodedList` (GZIP, base64url multibase).
    pub bits: String,
    /// Entries allocated so far.
    pub used: i64,
    /// Which entries are allocated, encoded like `bits`: allocating reads this one value
    /// instead of every entry of the list.
    pub allocated: String,
    /// The signed status list credential, re-signed whenever a bit changes.
    pub signed: Option<serde_json::Value>,
}

const COLUMNS: &str = "id, owner, purpose, url, bits, used, allocated, signed";

fn read(row: &sqlx::any::AnyRow) -> Result<StatusListRecord, StoreError> {
    let signed: Option<String> = row.try_get("signed")?;
    Ok(StatusListRecord {
        id: row.try_get("id")?,
        owner: row.try_get("owner")?,
        purpose: row.try_get("purpose")?,
        url: row.try_get("url")?,
        bits: row.try_get("bits")?,
        used: row.try_get("used")?,
        allocated: row.try_get("allocated")?,
        signed: signed.map(|s| from_json("status list", &s)).transpose()?,
    })
}

/// Stores a new status list.
pub async fn insert(c: &mut AnyConnection, list: &StatusListRecord) -> Result<(), StoreError> {
    sqlx::query(composed(format!(
        "INSERT INTO status_lists ({COLUMNS}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )))
    .bind(&list.id)
    .bind(&list.owner)
    .bind(&list.purpose)
    .bind(&list.url)
    .bind(&list.bits)
    .bind(list.used)
    .bind(&list.allocated)
    .bind(list.signed.as_ref().map(to_json))
    .bind(now())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// A status list.
pub async fn get(c: &mut AnyConnection, id: &str) -> Result<Option<StatusListRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM status_lists WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    .map(|r| read(&r))
    .transpose()
}

/// A list by the URL it is published at.
pub async fn by_url(
    c: &mut AnyConnection,
    url: &str,
) -> Result<Option<StatusListRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM status_lists WHERE url = $1"
    )))
    .bind(url)
    .fetch_optional(&mut *c)
    .await?
    .map(|r| read(&r))
    .transpose()
}

/// A list of `owner` for `purpose` with fewer than `capacity` entries used, if any.
pub async fn with_room(
    c: &mut AnyConnection,
    owner: &str,
    purpose: &str,
    capacity: i64,
) -> Result<Option<StatusListRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM status_lists WHERE owner = $1 AND purpose = $2 AND used < $3 ORDER BY id LIMIT 1"
    )))
    .bind(owner)
    .bind(purpose)
    .bind(capacity)
    .fetch_optional(&mut *c)
    .await?
    .map(|r| read(&r))
    .transpose()
}

/// Every status list.
pub async fn all(c: &mut AnyConnection) -> Result<Vec<StatusListRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM status_lists ORDER BY id"
    )))
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(read)
    .collect()
}

/// Allocates entries to credentials, and stores the list's `allocated` value that now
/// includes them; `Conflict` if an entry is taken. The caller holds the list's lock.
pub async fn allocate(
    c: &mut AnyConnection,
    list_id: &str,
    entries: &[(i64, String)],
    allocated: &str,
) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    for chunk in entries.chunks(rows_per_statement(2)) {
        let sql = format!(
            "INSERT INTO status_entries (list_id, entry, credential_id) VALUES {}",
            value_rows(chunk.len(), 2, 2, "$1, ")
        );
        let mut query = sqlx::query(composed(sql)).bind(list_id);
        for (entry, credential) in chunk {
            query = query.bind(*entry).bind(credential);
        }
        if let Err(e) = query.execute(&mut *c).await {
            let error = StoreError::from(e);
            return Err(if error.is_conflict() {
                StoreError::Conflict(format!("an entry of status list {list_id}"))
            } else {
                error
            });
        }
    }
    sqlx::query(
        "UPDATE status_lists SET used = used + $1, allocated = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(entries.len() as i64)
    .bind(allocated)
    .bind(now())
    .bind(list_id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The (list, entry) pairs of a credential.
pub async fn entries_of(
    c: &mut AnyConnection,
    credential_id: &str,
) -> Result<Vec<(StatusListRecord, i64)>, StoreError> {
    let rows = sqlx::query("SELECT list_id, entry FROM status_entries WHERE credential_id = $1")
        .bind(credential_id)
        .fetch_all(&mut *c)
        .await?;
    let mut out = Vec::new();
    for row in rows {
        let list_id: String = row.try_get(0)?;
        let entry: i64 = row.try_get(1)?;
        let list = get(c, &list_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("status list {list_id} is gone")))?;
        out.push((list, entry));
    }
    Ok(out)
}

/// Stores a list's new bits and its re-signed credential.
pub async fn update(
    c: &mut AnyConnection,
    id: &str,
    bits: &str,
    signed: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE status_lists SET bits = $1, signed = $2, updated_at = $3 WHERE id = $4")
        .bind(bits)
        .bind(to_json(signed))
        .bind(now())
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}
