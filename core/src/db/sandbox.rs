//! A lesson's database of its own: a temporary SQLite file, or a fresh database on the server
//! the user is connected to, migrated and removed when the lesson is done. A class never
//! touches real orders.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

use super::{Db, backend_of_url, connect, migrate};

/// The prefix of a sandbox database's name on a server (tests use `orderdesk_test_lesson_`, so
/// that CI's clean-up finds what a failed run left).
pub const SANDBOX_PREFIX: &str = "orderdesk_lesson_";

/// A sandbox: its pool, and what to remove when it is done.
pub struct Sandbox {
    db: Db,
    removal: Removal,
}

enum Removal {
    /// The SQLite file (and its `-wal` and `-shm`).
    File(PathBuf),
    /// The database `name`, dropped through a connection to `admin_url`.
    Database { admin_url: String, name: String },
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("where", &self.describe())
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Creates and migrates a sandbox beside the database at `url`: a SQLite file in the
    /// temporary directory for a SQLite URL, else a database named `prefix` + a unique suffix on
    /// the same server (the user needs the right to create databases).
    ///
    /// # Errors
    /// The server refusing to create the database, or the migrations failing.
    pub async fn create(url: &str, prefix: &str) -> Result<Sandbox, DbErr> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "{prefix}{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            fastrand::u32(..)
        );
        let backend = backend_of_url(url)
            .ok_or_else(|| DbErr::Custom(format!("not a database URL orderdesk knows: {url}")))?;
        let (sandbox_url, removal) = if backend == DbBackend::Sqlite {
            remove_stale_files(prefix);
            let path = std::env::temp_dir().join(format!("{name}.db"));
            (
                format!("sqlite://{}?mode=rwc", path.display()),
                Removal::File(path),
            )
        } else {
            let mut parsed = url::Url::parse(url)
                .map_err(|e| DbErr::Custom(format!("the database URL: {e}")))?;
            let admin = connect(url).await?;
            let create = if backend == DbBackend::MySql {
                format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
            } else {
                format!("CREATE DATABASE \"{name}\"")
            };
            admin.conn.execute_unprepared(&create).await?;
            admin.close().await.ok();
            parsed.set_path(&format!("/{name}"));
            (
                parsed.to_string(),
                Removal::Database {
                    admin_url: url.to_owned(),
                    name,
                },
            )
        };
        let db = match connect(&sandbox_url).await {
            Ok(db) => db,
            Err(e) => {
                Sandbox::remove_only(&removal).await.ok();
                return Err(e);
            }
        };
        let sandbox = Sandbox { db, removal };
        if let Err(e) = migrate(&sandbox.db).await {
            sandbox.remove().await.ok();
            return Err(e);
        }
        Ok(sandbox)
    }

    /// A sandbox beside `db`'s database (see [`Sandbox::create`]), on `db`'s clock.
    ///
    /// # Errors
    /// As [`Sandbox::create`].
    pub async fn beside(db: &Db, prefix: &str) -> Result<Sandbox, DbErr> {
        let mut sandbox = Sandbox::create(&db.url, prefix).await?;
        // The app's clock (a test pins it), so that the lesson's rows are dated as the app's.
        sandbox.db = sandbox.db.with_clock(db.clock.clone());
        Ok(sandbox)
    }

    /// The sandbox's pool.
    #[must_use]
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Where it is, for the screen: the file, or the database's name.
    #[must_use]
    pub fn describe(&self) -> String {
        match &self.removal {
            Removal::File(path) => path.display().to_string(),
            Removal::Database { name, .. } => name.clone(),
        }
    }

    /// Closes the pool and removes the file or drops the database.
    ///
    /// # Errors
    /// The server refusing the DROP, or the file not being removable.
    pub async fn remove(self) -> Result<(), DbErr> {
        self.db.close().await.ok();
        Sandbox::remove_only(&self.removal).await
    }

    async fn remove_only(removal: &Removal) -> Result<(), DbErr> {
        match removal {
            Removal::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(PathBuf::from(file));
                }
                Ok(())
            }
            Removal::Database { admin_url, name } => {
                let admin = connect(admin_url).await?;
                let drop = if admin.backend() == DbBackend::MySql {
                    format!("DROP DATABASE IF EXISTS `{name}`")
                } else {
                    format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")
                };
                let result = admin.conn.execute_unprepared(&drop).await.map(|_| ());
                admin.close().await.ok();
                result
            }
        }
    }
}

/// Removes the SQLite sandboxes in the temporary directory whose process is gone (killed
/// before it could remove them). Linux only: it asks `/proc` whether the process lives.
fn remove_stale_files(prefix: &str) {
    if !cfg!(target_os = "linux") {
        return;
    }
    let Ok(dir) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('_').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
