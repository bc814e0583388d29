//! Signing keys of universities and the alliance. The secret is stored sealed (its JSON from
//! `microcred_credentials::sealed`); this module never sees it in the clear.

use sqlx::{AnyConnection, Row};

use crate::{StoreError, composed, now};

#[derive(Clone, Debug, PartialEq, Eq)]
/// A signing key as stored: its public part and its sealed secret.
pub struct KeyRecord {
    /// The verification method, `did:web:…#key-…`.
    pub id: String,
    /// A university id, or `alliance`.
    pub owner: String,
    /// Its owner's DID.
    pub did: String,
    /// The public key.
    pub public_key_multibase: String,
    /// The signature algorithm (`Ed25519`), as `microcred_credentials::signer` names it.
    pub algorithm: String,
    /// The key's X.509 certificate chain (PEM, leaf first), where it has one.
    pub certificate_chain: Option<String>,
    /// The sealed secret, as JSON.
    pub sealed_secret: String,
    /// When it was made.
    pub created_at: i64,
    /// When it stopped signing (it still verifies what it signed).
    pub retired_at: Option<i64>,
}

const COLUMNS: &str = "id, owner, did, public_key, algorithm, certificate_chain, sealed_secret, created_at, retired_at";

fn read(row: &sqlx::any::AnyRow) -> Result<KeyRecord, StoreError> {
    Ok(KeyRecord {
        id: row.try_get("id")?,
        owner: row.try_get("owner")?,
        did: row.try_get("did")?,
        public_key_multibase: row.try_get("public_key")?,
        algorithm: row.try_get("algorithm")?,
        certificate_chain: row.try_get("certificate_chain")?,
        sealed_secret: row.try_get("sealed_secret")?,
        created_at: row.try_get("created_at")?,
        retired_at: row.try_get("retired_at")?,
    })
}

/// Stores a new key.
pub async fn insert(c: &mut AnyConnection, key: &KeyRecord) -> Result<(), StoreError> {
    sqlx::query(composed(format!(
        "INSERT INTO signing_keys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )))
    .bind(&key.id)
    .bind(&key.owner)
    .bind(&key.did)
    .bind(&key.public_key_multibase)
    .bind(&key.algorithm)
    .bind(&key.certificate_chain)
    .bind(&key.sealed_secret)
    .bind(key.created_at)
    .bind(key.retired_at)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Every key of an owner, oldest first (retired ones too: they still verify old credentials).
pub async fn of_owner(c: &mut AnyConnection, owner: &str) -> Result<Vec<KeyRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM signing_keys WHERE owner = $1 ORDER BY created_at, id"
    )))
    .bind(owner)
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(read)
    .collect()
}

/// The key an owner signs Data Integrity proofs with now: its newest key not retired that
/// is not an e-seal (a key with a certificate chain).
pub async fn active(c: &mut AnyConnection, owner: &str) -> Result<Option<KeyRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM signing_keys WHERE owner = $1 AND retired_at IS NULL AND certificate_chain IS NULL ORDER BY created_at DESC, id DESC LIMIT 1"
    )))
    .bind(owner)
    .fetch_optional(&mut *c)
    .await?
    .map(|r| read(&r))
    .transpose()
}

/// The e-seal an owner seals Europass credentials with now: its newest key with a
/// certificate chain, not retired.
pub async fn active_seal(
    c: &mut AnyConnection,
    owner: &str,
) -> Result<Option<KeyRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM signing_keys WHERE owner = $1 AND retired_at IS NULL AND certificate_chain IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1"
    )))
    .bind(owner)
    .fetch_optional(&mut *c)
    .await?
    .map(|r| read(&r))
    .transpose()
}

/// Retires every key of an owner of the same kind as `keep` (Data Integrity keys, or e-seals)
/// but `keep`: they no longer sign, but stay published.
pub async fn retire_others(
    c: &mut AnyConnection,
    owner: &str,
    keep: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE signing_keys SET retired_at = $1 WHERE owner = $2 AND id <> $3 AND retired_at IS NULL AND ((certificate_chain IS NULL) = ((SELECT k.certificate_chain FROM signing_keys k WHERE k.id = $3) IS NULL))")
        .bind(now())
        .bind(owner)
        .bind(keep)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Every key, for DID documents and the verifier.
pub async fn all(c: &mut AnyConnection) -> Result<Vec<KeyRecord>, StoreError> {
    sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM signing_keys ORDER BY owner, created_at, id"
    )))
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(read)
    .collect()
}
