//! A fresh database per test on SQLite (a temporary file), PostgreSQL or MariaDB (a uniquely
//! named database under `ORDERDESK_TEST_POSTGRES` or `ORDERDESK_TEST_MYSQL`, dropped when the
//! test ends, even by a panic).

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use orderdesk::db::{self, ConnectConfig, Db};
use sea_orm::{ConnectionTrait, Database};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    Mysql,
}

/// A migrated, empty database for one test.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    server: Option<ServerDb>,
}

/// A server database to drop at the end: the server's base URL and the database's name.
type ServerDb = (String, String);

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The base URL of a server backend's tests, from `ORDERDESK_TEST_{POSTGRES,MYSQL}`; `None`
/// (the test is skipped) when it is not set, a failure when `ORDERDESK_REQUIRE_...=1`.
fn server_base(backend: Backend) -> Option<String> {
    let (name, example, server) = match backend {
        Backend::Postgres => (
            "POSTGRES",
            "postgres://postgres@127.0.0.1:5432",
            "PostgreSQL",
        ),
        Backend::Mysql => ("MYSQL", "mysql://root@127.0.0.1:3306", "MariaDB"),
        Backend::Sqlite => return None,
    };
    match std::env::var(format!("ORDERDESK_TEST_{name}")) {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().trim_end_matches('/').to_owned()),
        _ => {
            assert!(
                std::env::var(format!("ORDERDESK_REQUIRE_{name}")).as_deref() != Ok("1"),
                "ORDERDESK_REQUIRE_{name}=1 but ORDERDESK_TEST_{name} is not set: \
                 the {server} tests cannot run"
            );
            eprintln!("skipped on {server}: set ORDERDESK_TEST_{name}={example} to run it");
            None
        }
    }
}

/// A unique name for a test database.
fn unique_name() -> String {
    format!(
        "orderdesk_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    )
}

/// The server's administrative URL: the `postgres` database, or MariaDB without one.
fn admin_url(base: &str) -> String {
    if base.starts_with("mysql:") || base.starts_with("mariadb:") {
        base.replacen("mariadb:", "mysql:", 1)
    } else {
        format!("{base}/postgres")
    }
}

/// A URL for a fresh database, without connecting the app to it; `None` when PostgreSQL tests
/// are skipped.
pub async fn fresh_url(
    backend: Backend,
) -> Option<(String, Option<tempfile::TempDir>, Option<ServerDb>)> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            Some((url, Some(dir), None))
        }
        Backend::Postgres | Backend::Mysql => {
            let base = server_base(backend)?;
            let name = unique_name();
            let admin = Database::connect(admin_url(&base))
                .await
                .expect("connect to the test server");
            let create = if backend == Backend::Mysql {
                format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
            } else {
                format!("CREATE DATABASE \"{name}\"")
            };
            admin
                .execute_unprepared(&create)
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
    let (url, dir, server) = fresh_url(backend).await?;
    let guard = TestDb {
        db: db::connect_with(&url, config).await.expect("connect"),
        url,
        backend,
        _dir: dir,
        server,
    };
    db::migrate(&guard.db).await.expect("migrate");
    Some(guard)
}

/// A guard that drops a server test database that was made without a [`TestDb`].
pub struct DbDrop(pub Option<ServerDb>);

impl Drop for DbDrop {
    fn drop(&mut self) {
        if let Some((base, name)) = self.0.take() {
            drop_server_db(base, name);
        }
    }
}

fn drop_server_db(base: String, name: String) {
    // Drop runs in async tests too: use a thread with its own runtime.
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            if let Ok(admin) = Database::connect(admin_url(&base)).await {
                let drop = if base.starts_with("postgres") {
                    format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")
                } else {
                    format!("DROP DATABASE IF EXISTS `{name}`")
                };
                let _ = admin.execute_unprepared(&drop).await;
                let _ = admin.close().await;
            }
        });
    })
    .join();
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = self.server.take() {
            drop_server_db(base, name);
        }
    }
}

/// Generates, for each named `async fn name(t: TestDb)`, a test on SQLite, one on PostgreSQL
/// and one on MariaDB (`mysql`).
#[macro_export]
macro_rules! on_every_backend {
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
        mod mysql {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(t) = $crate::backend::setup($crate::backend::Backend::Mysql).await {
                        super::$name(t).await;
                    }
                }
            )*
        }
    };
}
