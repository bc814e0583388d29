//! microcred's storage: one repository layer over SQLite (the embedded default, one file) or
//! PostgreSQL (`postgres://…`, the scale-out path), through sqlx's `Any` driver with SQL both
//! understand. Domain documents (a specification, a learner, a signed credential) are stored
//! as JSON beside the columns queries need.
//!
//! Every repository function takes a connection (`&mut AnyConnection`): a pooled one, or a
//! transaction from [`Store::begin`], so a use case decides what is atomic.

mod migrations;

pub mod accounts;
pub mod audit;
pub mod catalogue;
pub mod credentials;
pub mod keys;
pub mod learners;
pub mod results;
pub mod specifications;
pub mod status;
#[cfg(feature = "testing")]
pub mod testing;
pub mod universities;

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use sqlx::AnyConnection as Connection;
pub use sqlx::Transaction;

/// A transaction over either database.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database URL `{0}` is neither sqlite:… nor postgres://…")]
    UnknownBackend(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0} already exists")]
    Conflict(String),
}

impl StoreError {
    /// Whether the error is a unique-constraint violation (someone stored it first).
    pub fn is_conflict(&self) -> bool {
        match self {
            StoreError::Conflict(_) => true,
            StoreError::Database(sqlx::Error::Database(e)) => {
                e.is_unique_violation()
                    || e.code()
                        .is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
            }
            _ => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database, pooled.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Connects to `url` (`sqlite://path/to/file.db` or `postgres://…`), creating the SQLite
    /// file if needed, and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnknownBackend(url.to_owned()));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_owned(),
        };
        let options: AnyConnectOptions = url.parse()?;
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(4)
                    .after_connect(|connection, _| {
                        Box::pin(async move {
                            // WAL: readers never wait for the writer; writers queue for 30 s.
                            connection.execute("PRAGMA journal_mode = WAL").await?;
                            connection.execute("PRAGMA synchronous = NORMAL").await?;
                            connection.execute("PRAGMA busy_timeout = 30000").await?;
                            connection.execute("PRAGMA foreign_keys = ON").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .connect_with(options)
                    .await?
            }
        };
        let store = Store { pool, backend };
        migrations::run(&store).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A pooled connection, for reads and single statements.
    pub async fn connection(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// two writers queue instead of one failing when it upgrades a read lock.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Serializes writers of one thing (e.g. issuing for one specification) across every
    /// server using the database, until `tx` ends. On SQLite the write transaction already is.
    pub async fn lock(&self, tx: &mut Tx, name: &str) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            // FNV-1a: the same number for the same name on every server and version.
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            for byte in name.bytes() {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(hash as i64)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Commits a transaction.
pub async fn commit(tx: Tx) -> Result<(), StoreError> {
    Ok(tx.commit().await?)
}

/// Seconds since 1970, the way every timestamp is stored.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A new random identifier (a version 4 UUID, as text).
pub fn new_id() -> String {
    let mut b = [0u8; 16];
    // The operating system's generator does not fail on the platforms microcred runs on; a
    // fixed id would then be refused by a unique key rather than silently reused.
    let _ = getrandom::fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// SQL built at run time from this crate's own fragments (column lists, numbered placeholders,
/// state names): never from input, which is always bound as a parameter.
pub(crate) fn composed(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

/// Reads a JSON column into a domain type.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    what: &str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}
