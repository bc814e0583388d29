//! Invitations to learners: a registrar hands one to a learner, who accepts it to make (or
//! bind) an account that reads their own credentials. Stored as the hash of the secret in the
//! link, accepted once, before it expires.

use sqlx::{AnyConnection, Row};

use crate::StoreError;

#[derive(Clone, Debug, PartialEq, Eq)]
/// An invitation for a learner to bind an account to themself.
pub struct Invitation {
    /// The SHA-256 hash of the link's secret (the secret is never stored).
    pub token_hash: String,
    /// The learner invited.
    pub learner_id: String,
    /// The account that made it.
    pub invited_by: String,
    /// The university it was made for ("" when the administrator made it).
    pub university_id: String,
    /// When it was made.
    pub created_at: i64,
    /// When it stops working.
    pub expires_at: i64,
    /// The account that accepted it, once accepted.
    pub accepted_by: Option<String>,
    /// When it was accepted.
    pub accepted_at: Option<i64>,
}

/// Stores a new invitation.
pub async fn insert(c: &mut AnyConnection, invitation: &Invitation) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO learner_invitations (token_hash, learner_id, invited_by, university_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&invitation.token_hash)
    .bind(&invitation.learner_id)
    .bind(&invitation.invited_by)
    .bind(&invitation.university_id)
    .bind(invitation.created_at)
    .bind(invitation.expires_at)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The invitation with this hash.
pub async fn get(
    c: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<Invitation>, StoreError> {
    let row = sqlx::query(
        "SELECT token_hash, learner_id, invited_by, university_id, created_at, expires_at, accepted_by, accepted_at
         FROM learner_invitations WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|row| {
        Ok(Invitation {
            token_hash: row.try_get("token_hash")?,
            learner_id: row.try_get("learner_id")?,
            invited_by: row.try_get("invited_by")?,
            university_id: row.try_get("university_id")?,
            created_at: row.try_get("created_at")?,
            expires_at: row.try_get("expires_at")?,
            accepted_by: row.try_get("accepted_by")?,
            accepted_at: row.try_get("accepted_at")?,
        })
    })
    .transpose()
}

/// Marks the invitation accepted by `account_id` at `at`, if it is still open (not accepted,
/// not expired); whether it was. Two acceptances at once: one wins.
pub async fn accept(
    c: &mut AnyConnection,
    token_hash: &str,
    account_id: &str,
    at: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE learner_invitations SET accepted_by = $1, accepted_at = $2
         WHERE token_hash = $3 AND accepted_at IS NULL AND expires_at > $4",
    )
    .bind(account_id)
    .bind(at)
    .bind(token_hash)
    .bind(at)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() == 1)
}
