//! Fresh databases for tests, on both backends: a SQLite file in a temporary folder, and, when
//! `MICROCRED_TEST_POSTGRES` names a PostgreSQL server (`postgres://user@host:port/db`), a new
//! database on it (`microcred_test_…`; `.ci/run` drops them). Under `CI=true` PostgreSQL is
//! required; elsewhere its absence is said and the tests run on SQLite alone.

use sqlx::Executor;

use crate::{Store, new_id};

/// The environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_VARIABLE: &str = "MICROCRED_TEST_POSTGRES";

/// The URL of a new SQLite database in a temporary folder.
fn sqlite_url() -> String {
    let dir = std::env::temp_dir().join(format!("microcred-test-{}", new_id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    format!("sqlite://{}", dir.join("microcred.db").display())
}

/// A new SQLite database in a temporary folder.
pub async fn sqlite() -> Store {
    Store::connect(&sqlite_url()).await.expect("SQLite opens")
}

/// The URL of a new, empty PostgreSQL database, if a server is configured.
pub async fn postgres_url() -> Option<String> {
    let Ok(server) = std::env::var(POSTGRES_VARIABLE) else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{POSTGRES_VARIABLE} is not set: CI runs the storage tests on PostgreSQL too");
        }
        eprintln!(
            "PostgreSQL not tested: set {POSTGRES_VARIABLE}=postgres://postgres@127.0.0.1:5432/postgres"
        );
        return None;
    };
    sqlx::any::install_default_drivers();
    let name = format!("microcred_test_{}", new_id().replace('-', ""));
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&server)
        .await
        .expect("the PostgreSQL server for tests is reachable");
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("a test database can be created");
    let base = match server.rfind('/') {
        Some(slash) if server[..slash].contains("://") && server[slash..].len() > 1 => {
            &server[..slash]
        }
        _ => server.trim_end_matches('/'),
    };
    Some(format!("{base}/{name}"))
}

/// A new PostgreSQL database, if a server is configured.
pub async fn postgres() -> Option<Store> {
    let url = postgres_url().await?;
    Some(Store::connect(&url).await.expect("PostgreSQL opens"))
}

/// Every backend available: SQLite always, PostgreSQL when configured.
pub async fn stores() -> Vec<(&'static str, Store)> {
    let mut stores = vec![("sqlite", sqlite().await)];
    if let Some(postgres) = postgres().await {
        stores.push(("postgres", postgres));
    }
    stores
}

/// Every backend available, its schema as it was after migration `version`: yesterday's
/// database, for tests of today's migrations.
pub async fn stores_at(version: i64) -> Vec<(&'static str, Store)> {
    let dir = std::env::temp_dir().join(format!("microcred-test-{}", new_id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let sqlite = format!("sqlite://{}", dir.join("microcred.db").display());
    let mut stores = vec![(
        "sqlite",
        Store::open(&sqlite, Some(version))
            .await
            .expect("SQLite opens"),
    )];
    if let Some(url) = postgres_url().await {
        stores.push((
            "postgres",
            Store::open(&url, Some(version))
                .await
                .expect("PostgreSQL opens"),
        ));
    }
    stores
}

/// Applies the migrations a store made by [`stores_at`] lacks.
pub async fn migrate(store: &Store) {
    crate::migrations::run(store, None)
        .await
        .expect("the migrations apply");
}
