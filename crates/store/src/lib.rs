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
pub mod held_files;
pub mod invitations;
pub mod issuing_runs;
pub mod keys;
pub mod learners;
pub mod results;
pub mod sign_in;
pub mod specifications;
pub mod stacking;
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
/// Why a store operation failed.
pub enum StoreError {
    #[error("the database URL `{0}` is neither sqlite:… nor postgres://…")]
    /// A database URL of neither kind.
    UnknownBackend(String),
    #[error("database: {0}")]
    /// The database refused or failed.
    Database(#[from] sqlx::Error),
    #[error("stored data is not readable: {0}")]
    /// Stored data that does not read (a bug or a hand edit).
    Corrupt(String),
    #[error("{0} not found")]
    /// What was asked for is not there.
    NotFound(String),
    #[error("{0} already exists")]
    /// It would break a rule the schema keeps (a unique id, one current credential).
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

    /// Whether the database could not take the work now but may shortly: locked or busy
    /// (SQLite), read-only for a while, refusing connections, or the pool had none free.
    /// Callers answer "try again" (503 with Retry-After) rather than a failure.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed) => true,
            StoreError::Database(sqlx::Error::Io(_)) => true,
            StoreError::Database(sqlx::Error::Database(e)) => e.code().is_some_and(|c| {
                // SQLite's primary code is the low byte of its extended codes.
                let sqlite = c.parse::<i32>().ok().map(|n| n & 0xff);
                matches!(sqlite, Some(5 | 6 | 8))
                    || matches!(
                        c.as_ref(),
                        "25006" | "57P01" | "57P03" | "53300" | "40001" | "40P01"
                    )
            }),
            _ => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// The kind of database.
pub enum Backend {
    /// SQLite, the embedded default.
    Sqlite,
    /// PostgreSQL, for scale.
    Postgres,
}

/// The database, pooled.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// How long a request waits for a pooled connection (or, on SQLite, for the write lock)
/// before it is answered "busy".
const BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Whether a released connection may go back to the pool: not if it is still inside a
/// transaction. A rollback that failed (a read-only or busy episode) would otherwise leave it
/// there, and every later `BEGIN` on it would fail until the server restarts. The ping first
/// flushes the rollback a dropped transaction queued.
fn out_of_transaction(
    connection: &mut sqlx::AnyConnection,
    _: sqlx::pool::PoolConnectionMetadata,
) -> std::pin::Pin<Box<dyn Future<Output = Result<bool, sqlx::Error>> + Send + '_>> {
    Box::pin(async move {
        use sqlx::Connection as _;
        connection.ping().await?;
        Ok(!connection.is_in_transaction())
    })
}

impl Store {
    /// Connects to `url` (`sqlite://path/to/file.db` or `postgres://…`), creating the SQLite
    /// file if needed, and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::open(url, None).await
    }

    /// Connects, bringing the schema up to migration `up_to` (all of them when `None`): tests
    /// make yesterday's database with it and check that today's reads what it holds.
    pub(crate) async fn open(url: &str, up_to: Option<i64>) -> Result<Store, StoreError> {
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
                    .acquire_timeout(BUSY_WAIT)
                    .after_release(out_of_transaction)
                    .after_connect(|connection, _| {
                        Box::pin(async move {
                            // WAL: readers never wait for the writer; writers queue for 10 s
                            // (a batch of issuing holds the lock for a second or two), then
                            // the request is answered "busy" (503 + Retry-After).
                            connection.execute("PRAGMA journal_mode = WAL").await?;
                            connection.execute("PRAGMA synchronous = NORMAL").await?;
                            connection.execute("PRAGMA busy_timeout = 10000").await?;
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
                    .acquire_timeout(BUSY_WAIT)
                    .after_release(out_of_transaction)
                    .after_connect(|connection, _| {
                        Box::pin(async move {
                            // Plan each execution with its values: a prepared statement's
                            // generic plan, made while a table was small, would keep scanning
                            // it whole as it grows (measured: 100,000 learners took 75 times
                            // as long as 10,000 to import).
                            connection
                                .execute("SET plan_cache_mode = force_custom_plan")
                                .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
        };
        let store = Store { pool, backend };
        migrations::run(&store, up_to).await?;
        Ok(store)
    }

    /// Which database it is.
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

    /// Refreshes the planner's statistics after a bulk change (an import, a large issuance).
    /// PostgreSQL would otherwise plan with the sizes of the tables before it, e.g. a bitmap
    /// scan and sort of every remaining row where an index walk of one page would do.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        let mut c = self.pool.acquire().await?;
        let sql = match self.backend {
            Backend::Sqlite => "PRAGMA optimize",
            Backend::Postgres => {
                "ANALYZE learners, learner_student_ids, results, credentials, status_entries"
            }
        };
        c.execute(sql).await?;
        Ok(())
    }

    /// Closes every connection (at shutdown).
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

/// A new identifier: a version 7 UUID (milliseconds since 1970, then 74 random bits), as text.
/// Ids made one after another sort together, so a batch of new learners or results lands on a
/// few index pages instead of one page per row (random ids made a 100,000-learner import write
/// several times as many pages).
pub fn new_id() -> String {
    let mut b = [0u8; 16];
    // The operating system's generator does not fail on the platforms microcred runs on; a
    // fixed id would then be refused by a unique key rather than silently reused.
    let _ = getrandom::fill(&mut b[6..]);
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    b[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    b[6] = (b[6] & 0x0f) | 0x70;
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

/// Rows per multi-row statement for rows of `parameters_per_row` bound values. Batching saves
/// round trips, but SQLite's driver looks each parameter up by name in a list, so a statement
/// costs the square of its parameter count: about 250 parameters balances the two.
pub(crate) fn rows_per_statement(parameters_per_row: usize) -> usize {
    (250 / parameters_per_row.max(1)).max(1)
}

/// `$first, …` for `count` values bound in order.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows of a multi-row `VALUES`: `rows` tuples, each the `shared` placeholders (bound once,
/// e.g. `"$1, "`) and then `per_row` of its own, numbered from `first`.
pub(crate) fn value_rows(rows: usize, per_row: usize, first: usize, shared: &str) -> String {
    (0..rows)
        .map(|row| format!("({shared}{})", placeholders(first + row * per_row, per_row)))
        .collect::<Vec<_>>()
        .join(", ")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order_of_binding() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
        assert_eq!(value_rows(2, 2, 2, "$1, "), "($1, $2, $3), ($1, $4, $5)");
        assert_eq!(value_rows(2, 3, 1, ""), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(rows_per_statement(9), 27);
    }

    #[test]
    fn ids_made_one_after_another_sort_in_that_order() {
        let first = new_id();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = new_id();
        assert!(first < second, "{first} {second}");
        assert_eq!(&first[14..15], "7", "version 7: {first}");
        assert_ne!(new_id()[19..], new_id()[19..], "the tail is random");
    }
}
