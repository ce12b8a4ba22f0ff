//! A fresh database per test on SQLite (a temporary file) or PostgreSQL (a uniquely named
//! database under `ORDERDESK_TEST_POSTGRES`, dropped when the test ends, even by a panic).

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use orderdesk::db::{self, ConnectConfig, Db};
use sea_orm::{ConnectionTrait, Database};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A migrated, empty database for one test.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn postgres_base() -> Option<String> {
    match std::env::var("ORDERDESK_TEST_POSTGRES") {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().trim_end_matches('/').to_owned()),
        _ => {
            assert!(
                std::env::var("ORDERDESK_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "ORDERDESK_REQUIRE_POSTGRES=1 but ORDERDESK_TEST_POSTGRES is not set: \
                 the PostgreSQL tests cannot run"
            );
            eprintln!(
                "skipped on PostgreSQL: set ORDERDESK_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432 \
                 to run it"
            );
            None
        }
    }
}

/// A URL for a fresh database, without connecting the app to it; `None` when PostgreSQL tests
/// are skipped.
pub async fn fresh_url(
    backend: Backend,
) -> Option<(String, Option<tempfile::TempDir>, Option<(String, String)>)> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            Some((url, Some(dir), None))
        }
        Backend::Postgres => {
            let base = postgres_base()?;
            let name = format!(
                "orderdesk_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .subsec_nanos()
            );
            let admin = Database::connect(format!("{base}/postgres"))
                .await
                .expect("connect to ORDERDESK_TEST_POSTGRES");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create the test database");
            admin.close().await.ok();
            Some((format!("{base}/{name}"), None, Some((base, name))))
        }
    }
}

impl TestDb {
    /// A connection of its own to the test's database, as another program (the learning
    /// version) would have: for writing rows around orderdesk's service layer.
    pub async fn other_program(&self) -> sea_orm::DatabaseConnection {
        Database::connect(&self.url)
            .await
            .expect("a second connection to the test database")
    }
}

/// A fresh, migrated database with the default pool.
pub async fn setup(backend: Backend) -> Option<TestDb> {
    setup_with(backend, ConnectConfig::default()).await
}

/// A fresh, migrated database with a given pool.
pub async fn setup_with(backend: Backend, config: ConnectConfig) -> Option<TestDb> {
    let (url, dir, pg) = fresh_url(backend).await?;
    let guard = TestDb {
        db: db::connect_with(&url, config).await.expect("connect"),
        url,
        backend,
        _dir: dir,
        pg,
    };
    db::migrate(&guard.db).await.expect("migrate");
    Some(guard)
}

/// A guard that drops a PostgreSQL test database that was made without a [`TestDb`].
pub struct PgDrop(pub Option<(String, String)>);

impl Drop for PgDrop {
    fn drop(&mut self) {
        if let Some((base, name)) = self.0.take() {
            drop_pg(base, name);
        }
    }
}

fn drop_pg(base: String, name: String) {
    // Drop runs in async tests too: use a thread with its own runtime.
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            if let Ok(admin) = Database::connect(format!("{base}/postgres")).await {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
                let _ = admin.close().await;
            }
        });
    })
    .join();
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = self.pg.take() {
            drop_pg(base, name);
        }
    }
}

/// Generates, for each named `async fn name(t: TestDb)`, a test on SQLite and one on
/// PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(t) = $crate::backend::setup($crate::backend::Backend::Sqlite).await {
                        super::$name(t).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(t) = $crate::backend::setup($crate::backend::Backend::Postgres).await {
                        super::$name(t).await;
                    }
                }
            )*
        }
    };
}
