//! Accounts, passwords (Argon2id), sessions for people and API tokens for programs. Tokens
//! are random, shown once, and stored only as SHA-256 hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};

use microcred_model::{Grant, Role};
use microcred_store::accounts::{self, Account, TokenKind};
use microcred_store::{audit, new_id, now, sign_in};

use super::authz::{self, Action};
use super::views::AccountView;
use super::{Platform, PlatformError, Problem, Result};

/// How long a session lasts without signing in again.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// How repeated failed sign-ins are slowed down and then refused, per e-mail (whether or not
/// an account has it, so the answer never tells) and per source address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignInLimits {
    /// Failures for an e-mail after which each attempt waits a second more (at most five).
    pub slow_after: i64,
    /// Failures for an e-mail after which it is locked for `lock_seconds`.
    pub lock_after: i64,
    /// Failures from one source address after which it is locked for `lock_seconds`.
    pub address_lock_after: i64,
    /// How long a lock lasts.
    pub lock_seconds: i64,
    /// Failures are forgotten after this long without another.
    pub window_seconds: i64,
}

impl Default for SignInLimits {
    fn default() -> SignInLimits {
        SignInLimits {
            slow_after: 3,
            lock_after: 10,
            address_lock_after: 50,
            lock_seconds: 15 * 60,
            window_seconds: 60 * 60,
        }
    }
}

/// Shortest accepted password.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A hash checked when no account has the e-mail, so that both cases take the same time.
static UNKNOWN_ACCOUNT_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("no account has this e-mail").unwrap_or_default());

pub(super) fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|_| PlatformError::Internal("no random bytes for a token".into()))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// A password for a new account, to be shown once (20 characters of base64url).
pub fn random_password() -> Result<String> {
    let mut bytes = [0u8; 15];
    getrandom::fill(&mut bytes)
        .map_err(|_| PlatformError::Internal("no random bytes for a password".into()))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// What a token is stored as.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// An Argon2id hash of a password, to store.
pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|_| PlatformError::Internal("no random bytes for a salt".into()))?;
    let salt =
        SaltString::encode_b64(&salt).map_err(|e| PlatformError::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PlatformError::Internal(format!("password hashing: {e}")))
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A new account as an administrator creates it.
#[derive(Clone, Debug)]
pub struct NewAccount {
    /// The e-mail address it signs in with.
    pub email: String,
    /// The person's name.
    pub name: String,
    /// A password, if it signs in with one.
    pub password: Option<String>,
    /// Its roles.
    pub grants: Vec<Grant>,
    /// The learner it belongs to, for a learner's account.
    pub learner_id: Option<String>,
}

/// A signed-in session: its token (shown once), when it ends, and whose it is.
#[derive(Clone, Debug, Serialize)]
pub struct Session {
    /// The token (shown once; stored as a hash).
    pub token: String,
    /// When it expires (seconds since 1970).
    pub expires_at: i64,
    /// Whose session it is.
    pub account: AccountView,
}

impl Platform {
    /// Creates an account. Only an alliance administrator may, except for the very first
    /// account, which the set-up creates.
    pub async fn create_account(
        &self,
        actor: Option<&Account>,
        new: NewAccount,
    ) -> Result<Account> {
        match actor {
            Some(actor) => authz::may(actor, Action::AdministerAlliance)?,
            None => {
                let mut c = self.store.connection().await?;
                if !accounts::list(&mut c).await?.is_empty() {
                    return Err(PlatformError::Unauthenticated);
                }
            }
        }
        self.insert_account(actor.map_or("setup", |a| a.id.as_str()), new)
            .await
    }

    /// A new installation: the alliance and its first administrator (refused once any account
    /// exists).
    pub async fn setup(
        &self,
        alliance: &str,
        admin_email: &str,
        password: &str,
    ) -> Result<microcred_store::universities::AllianceRecord> {
        let alliance: microcred_model::Alliance = super::from_json(
            "alliance",
            serde_json::json!({ "name": { "en": alliance } }),
        )?;
        let admin = self
            .create_account(
                None,
                NewAccount {
                    email: admin_email.to_owned(),
                    name: "Alliance administrator".into(),
                    password: Some(password.to_owned()),
                    grants: vec![Grant {
                        role: Role::AllianceAdmin,
                        university: None,
                    }],
                    learner_id: None,
                },
            )
            .await
            .map_err(|e| match e {
                PlatformError::Unauthenticated => PlatformError::Conflict(
                    "this platform is already set up: its administrators add accounts".into(),
                ),
                other => other,
            })?;
        self.set_alliance(Some(&admin), alliance).await
    }

    /// Stores a new account once the caller has checked who may create it.
    pub(super) async fn insert_account(&self, by: &str, new: NewAccount) -> Result<Account> {
        let account = checked_account(new)?;
        let mut tx = self.store.begin().await?;
        write_account(&mut tx, by, &account).await?;
        microcred_store::commit(tx).await?;
        Ok(account)
    }

    /// Signs in with e-mail and password; a wrong e-mail and a wrong password look the same.
    /// Repeated failures for one e-mail (whether or not it has an account) or from one source
    /// address are slowed down, then refused for a while (see [`SignInLimits`]).
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        source: Option<&str>,
    ) -> Result<Session> {
        let limits = self.config.sign_in;
        let email_key = format!("email:{}", email.trim().to_lowercase());
        let address_key = source.map(|a| format!("address:{a}"));
        let at = now();
        let forgotten_before = at - limits.window_seconds;
        let mut c = self.store.connection().await?;
        let by_email = sign_in::failures(&mut c, &email_key, forgotten_before).await?;
        let by_address = match &address_key {
            Some(key) => sign_in::failures(&mut c, key, forgotten_before).await?,
            None => sign_in::Failures::default(),
        };
        let locked_until = by_email.locked_until.max(by_address.locked_until);
        if locked_until > at {
            return Err(PlatformError::TooManyAttempts {
                message: format!(
                    "too many failed sign-ins: try again in {} minutes, or ask an administrator to reset the password",
                    (locked_until - at + 59) / 60
                ),
                retry_after: (locked_until - at) as u64,
            });
        }
        let account = accounts::by_email(&mut c, email).await?;
        drop(c);
        // Past a few failures every attempt waits longer (a second more each, at most five).
        let over = by_email.failures - limits.slow_after + 1;
        if over > 0 {
            tokio::time::sleep(std::time::Duration::from_secs(over.min(5) as u64)).await;
        }
        let hash = account
            .as_ref()
            .and_then(|a| a.password_hash.clone())
            // Spend the same time as a real check, so that timing does not tell who has an account.
            .unwrap_or_else(|| UNKNOWN_ACCOUNT_HASH.clone());
        let typed = password.to_owned();
        let matches = self
            .heavy("sign-in", move || password_matches(&typed, &hash))
            .await?
            && account.is_some();
        let account = match account {
            Some(account) if matches && !account.disabled => account,
            _ => {
                self.count_failed_sign_in(&email_key, address_key.as_deref(), at)
                    .await?;
                return Err(PlatformError::Forbidden(
                    "the e-mail or the password is wrong".into(),
                ));
            }
        };
        let mut c = self.store.connection().await?;
        sign_in::clear(&mut c, &email_key).await?;
        open_session(&mut c, account).await
    }

    /// Counts a failed sign-in for the e-mail and the source address, locking either when it
    /// reaches its limit (written to the audit log).
    async fn count_failed_sign_in(
        &self,
        email_key: &str,
        address_key: Option<&str>,
        at: i64,
    ) -> Result<()> {
        let limits = self.config.sign_in;
        let forgotten_before = at - limits.window_seconds;
        let mut tx = self.store.begin().await?;
        let keys = [
            (Some(email_key), limits.lock_after),
            (address_key, limits.address_lock_after),
        ];
        for (key, lock_after) in keys {
            let Some(key) = key else { continue };
            let failures = sign_in::record_failure(&mut tx, key, at, forgotten_before).await?;
            if failures >= lock_after {
                sign_in::lock(&mut tx, key, at + limits.lock_seconds).await?;
                audit::append(
                    &mut tx,
                    "sign-in",
                    "sign-in.locked",
                    &format!("sign-in:{key}"),
                    &serde_json::json!({ "failures": failures, "seconds": limits.lock_seconds }),
                )
                .await?;
            }
        }
        microcred_store::commit(tx).await?;
        Ok(())
    }

    /// Ends a session.
    pub async fn sign_out(&self, token: &str) -> Result<()> {
        let mut c = self.store.connection().await?;
        accounts::revoke_token(&mut c, &token_hash(token)).await?;
        Ok(())
    }

    /// The account a session or API token acts for.
    pub async fn authenticate(&self, token: &str) -> Result<Account> {
        let mut c = self.store.connection().await?;
        accounts::account_for_token(&mut c, &token_hash(token))
            .await?
            .ok_or(PlatformError::Unauthenticated)
    }

    /// A new API token for the actor's programs; the token is shown only now.
    pub async fn create_api_token(&self, actor: &Account, name: &str) -> Result<String> {
        let token = random_token()?;
        let mut tx = self.store.begin().await?;
        accounts::insert_token(
            &mut tx,
            &token_hash(&token),
            &actor.id,
            TokenKind::Api,
            name,
            None,
        )
        .await?;
        audit::append(
            &mut tx,
            &actor.id,
            "token.created",
            &format!("account:{}", actor.id),
            &serde_json::json!({ "name": name }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(token)
    }

    /// An account by e-mail, for an operator on the server itself (who holds the data and
    /// its key, so signing in would prove nothing more): `microcred import results --as`.
    pub async fn account_by_email(&self, email: &str) -> Result<Account> {
        let mut c = self.store.connection().await?;
        accounts::by_email(&mut c, email)
            .await?
            .filter(|a| !a.disabled)
            .ok_or_else(|| PlatformError::NotFound(format!("an account for {email}")))
    }

    /// The audit log, newest first, optionally about one subject (an administrator).
    pub async fn audit_log(
        &self,
        actor: &Account,
        subject: Option<&str>,
        limit: i64,
    ) -> Result<Vec<audit::AuditEntry>> {
        authz::may(actor, Action::AdministerAlliance)?;
        let mut c = self.store.connection().await?;
        Ok(audit::list(&mut c, subject, limit.clamp(1, 1000)).await?)
    }

    /// Every account (the administrator).
    pub async fn accounts(&self, actor: &Account) -> Result<Vec<Account>> {
        authz::may(actor, Action::AdministerAlliance)?;
        let mut c = self.store.connection().await?;
        Ok(accounts::list(&mut c).await?)
    }
}

/// A new session for an account whose owner has just proven who they are.
pub(super) async fn open_session(
    c: &mut microcred_store::Connection,
    account: Account,
) -> Result<Session> {
    let token = random_token()?;
    let expires_at = now() + SESSION_SECONDS;
    accounts::insert_token(
        c,
        &token_hash(&token),
        &account.id,
        TokenKind::Session,
        "",
        Some(expires_at),
    )
    .await?;
    Ok(Session {
        token,
        expires_at,
        account: AccountView::from(&account),
    })
}

/// A new account's fields checked (e-mail, name, password length, grants naming their
/// university) and its password hashed.
pub(super) fn checked_account(new: NewAccount) -> Result<Account> {
    let mut problems = Vec::new();
    let email = new.email.trim().to_lowercase();
    if !email.contains('@') || email.len() > 254 || email.contains(char::is_whitespace) {
        problems.push(Problem::new("email", "is not an e-mail address"));
    }
    if new.name.trim().is_empty() {
        problems.push(Problem::new("name", "is empty"));
    }
    if let Some(p) = &new.password
        && p.chars().count() < MIN_PASSWORD_CHARS
    {
        problems.push(Problem::new(
            "password",
            format!("has fewer than {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    for (i, grant) in new.grants.iter().enumerate() {
        if grant.role.per_university() && grant.university.is_none() {
            problems.push(Problem::new(
                format!("grants[{i}].university"),
                format!("a {} acts for one university: name it", grant.role.name()),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(PlatformError::invalid(
            "the account cannot be created",
            problems,
        ));
    }
    Ok(Account {
        id: new_id(),
        email,
        name: new.name.trim().to_owned(),
        password_hash: new.password.as_deref().map(hash_password).transpose()?,
        learner_id: new.learner_id,
        disabled: false,
        grants: new.grants,
    })
}

/// Writes a checked account inside `tx` (its grants' universities must be members), audited
/// as made by `by`.
pub(super) async fn write_account(
    tx: &mut microcred_store::Connection,
    by: &str,
    account: &Account,
) -> Result<()> {
    for grant in &account.grants {
        if let Some(u) = &grant.university
            && microcred_store::universities::get(tx, u).await?.is_none()
        {
            return Err(PlatformError::invalid(
                "the account cannot be created",
                vec![Problem::new(
                    "grants",
                    format!("university `{u}` is not a member"),
                )],
            ));
        }
    }
    accounts::insert(tx, account).await.map_err(|e| {
        if e.is_conflict() {
            PlatformError::Conflict(format!("an account for {} already exists", account.email))
        } else {
            e.into()
        }
    })?;
    audit::append(
        tx,
        by,
        "account.created",
        &format!("account:{}", account.id),
        &serde_json::json!({ "email": account.email, "grants": account.grants }),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_hash_and_check() {
        let hash = super::hash_password("correct horse battery").unwrap();
        assert!(super::password_matches("correct horse battery", &hash));
        assert!(!super::password_matches("wrong", &hash));
        assert!(!super::password_matches("x", "not a hash"));
        assert_ne!(super::token_hash("a"), super::token_hash("b"));
    }
}
