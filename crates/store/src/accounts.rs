//! Accounts of people (and the programs they authorise), their roles, sessions and API tokens.
//! Passwords arrive hashed and tokens as hashes: neither is ever stored in the clear.

use sqlx::{AnyConnection, Row};

use microcred_model::{Grant, Role};

use crate::{StoreError, composed, now};

#[derive(Clone, Debug, PartialEq, Eq)]
/// An account as stored: the principal every use case is given.
pub struct Account {
    /// Its id.
    pub id: String,
    /// Its e-mail address, stored in lower case.
    pub email: String,
    /// The person's name.
    pub name: String,
    /// Its Argon2id password hash; none for an account that signs in otherwise.
    pub password_hash: Option<String>,
    /// For a learner's account: the learner it belongs to.
    pub learner_id: Option<String>,
    /// Whether it may no longer sign in.
    pub disabled: bool,
    /// Its roles.
    pub grants: Vec<Grant>,
}

impl Account {
    /// Whether the account holds `role` (for any university).
    pub fn has(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// Whether the account holds `role` for `university` (university-scoped roles) or at all.
    pub fn has_for(&self, role: Role, university: &str) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == role && g.university.as_deref().is_none_or(|u| u == university))
    }
}

async fn grants(c: &mut AnyConnection, account_id: &str) -> Result<Vec<Grant>, StoreError> {
    let rows = sqlx::query(
        "SELECT role, university_id FROM account_roles WHERE account_id = $1 ORDER BY role, university_id",
    )
    .bind(account_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            let university: String = r.try_get("university_id")?;
            Ok(Grant {
                role: Role::parse(&role)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown role `{role}`")))?,
                university: (!university.is_empty()).then_some(university),
            })
        })
        .collect()
}

async fn read(c: &mut AnyConnection, row: &sqlx::any::AnyRow) -> Result<Account, StoreError> {
    let id: String = row.try_get("id")?;
    let grants = grants(c, &id).await?;
    Ok(Account {
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        password_hash: row.try_get("password_hash")?,
        learner_id: row.try_get("learner_id")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        grants,
        id,
    })
}

const COLUMNS: &str = "id, email, name, password_hash, learner_id, disabled";

/// Creates an account with its grants; `Conflict` if the e-mail is taken.
pub async fn insert(c: &mut AnyConnection, account: &Account) -> Result<(), StoreError> {
    let inserted = sqlx::query(composed(format!(
        "INSERT INTO accounts ({COLUMNS}, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )))
    .bind(&account.id)
    .bind(account.email.to_lowercase())
    .bind(&account.name)
    .bind(&account.password_hash)
    .bind(&account.learner_id)
    .bind(i64::from(account.disabled))
    .bind(now())
    .execute(&mut *c)
    .await;
    if let Err(e) = inserted {
        let error = StoreError::from(e);
        return Err(if error.is_conflict() {
            StoreError::Conflict(format!("an account for {}", account.email))
        } else {
            error
        });
    }
    for grant in &account.grants {
        add_grant(c, &account.id, grant).await?;
    }
    Ok(())
}

/// Binds an account that belongs to no learner yet to `learner_id`, as a learner; whether it
/// was bound (an account already someone's stays theirs).
pub async fn bind_learner(
    c: &mut AnyConnection,
    account_id: &str,
    learner_id: &str,
) -> Result<bool, StoreError> {
    let bound =
        sqlx::query("UPDATE accounts SET learner_id = $1 WHERE id = $2 AND learner_id IS NULL")
            .bind(learner_id)
            .bind(account_id)
            .execute(&mut *c)
            .await?;
    if bound.rows_affected() != 1 {
        return Ok(false);
    }
    add_grant(
        c,
        account_id,
        &Grant {
            role: Role::Learner,
            university: None,
        },
    )
    .await?;
    Ok(true)
}

/// Grants a role (for a university where the role is scoped).
pub async fn add_grant(
    c: &mut AnyConnection,
    account_id: &str,
    grant: &Grant,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO account_roles (account_id, role, university_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(account_id)
    .bind(grant.role.name())
    .bind(grant.university.clone().unwrap_or_default())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The account with this e-mail address (any case).
pub async fn by_email(c: &mut AnyConnection, email: &str) -> Result<Option<Account>, StoreError> {
    let row = sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM accounts WHERE email = $1"
    )))
    .bind(email.to_lowercase())
    .fetch_optional(&mut *c)
    .await?;
    match row {
        Some(row) => Ok(Some(read(c, &row).await?)),
        None => Ok(None),
    }
}

/// The account with this id.
pub async fn by_id(c: &mut AnyConnection, id: &str) -> Result<Option<Account>, StoreError> {
    let row = sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM accounts WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    match row {
        Some(row) => Ok(Some(read(c, &row).await?)),
        None => Ok(None),
    }
}

/// Every account, by e-mail address.
pub async fn list(c: &mut AnyConnection) -> Result<Vec<Account>, StoreError> {
    let rows = sqlx::query(composed(format!(
        "SELECT {COLUMNS} FROM accounts ORDER BY email"
    )))
    .fetch_all(&mut *c)
    .await?;
    let mut accounts = Vec::with_capacity(rows.len());
    for row in &rows {
        accounts.push(read(c, row).await?);
    }
    Ok(accounts)
}

/// A session (a person logged in) or an API token (a program acting for them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A person signed in.
    Session,
    /// A program acting for a person.
    Api,
}

impl TokenKind {
    fn name(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::Api => "api",
        }
    }
}

/// Stores a token, by its hash (the token itself is never stored).
pub async fn insert_token(
    c: &mut AnyConnection,
    token_hash: &str,
    account_id: &str,
    kind: TokenKind,
    name: &str,
    expires_at: Option<i64>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO access_tokens (token_hash, account_id, kind, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(kind.name())
    .bind(name)
    .bind(now())
    .bind(expires_at)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The account a token (by its hash) acts for, if the token is live.
pub async fn account_for_token(
    c: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<Account>, StoreError> {
    let row = sqlx::query(
        "SELECT account_id FROM access_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
    )
    .bind(token_hash)
    .bind(now())
    .fetch_optional(&mut *c)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let account_id: String = row.try_get(0)?;
    Ok(by_id(c, &account_id).await?.filter(|a| !a.disabled))
}

/// Ends a session or API token.
pub async fn revoke_token(c: &mut AnyConnection, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE access_tokens SET revoked_at = $1 WHERE token_hash = $2")
        .bind(now())
        .bind(token_hash)
        .execute(&mut *c)
        .await?;
    Ok(())
}
