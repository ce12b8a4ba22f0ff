//! Why a connection failed, in words a person can act on: a refused connection said at once,
//! a missing database with the command that creates it, a user the server refuses, a server
//! orderdesk cannot work with.

use std::str::FromStr;

use sea_orm::{ConnectionTrait as _, DatabaseConnection, DbErr};

use super::{ACQUIRE_TIMEOUT, is_mysql_url, is_postgres_url};

/// The host, port, user and database a PostgreSQL or MySQL URL names (sqlx's reading of it).
pub(super) fn server_parts(url: &str) -> Option<(String, u16, String, String)> {
    if is_postgres_url(url) {
        let options = sea_orm::sqlx::postgres::PgConnectOptions::from_str(url).ok()?;
        Some((
            options.get_host().to_owned(),
            options.get_port(),
            options.get_username().to_owned(),
            options
                .get_database()
                .unwrap_or(options.get_username())
                .to_owned(),
        ))
    } else if is_mysql_url(url) {
        let url = url.replacen("mariadb://", "mysql://", 1);
        let options = sea_orm::sqlx::mysql::MySqlConnectOptions::from_str(&url).ok()?;
        Some((
            options.get_host().to_owned(),
            options.get_port(),
            options.get_username().to_owned(),
            options.get_database().unwrap_or_default().to_owned(),
        ))
    } else {
        None
    }
}

fn server_kind(url: &str) -> &'static str {
    if is_mysql_url(url) {
        "MariaDB"
    } else {
        "PostgreSQL"
    }
}

/// Tries a TCP connection to the server first: a refused one is said as such at once, where the
/// pool would retry until its deadline and then say only "pool timed out".
pub(super) async fn probe_server(url: &str) -> Result<(), DbErr> {
    let Some((host, port, ..)) = server_parts(url) else {
        return Ok(());
    };
    let kind = server_kind(url);
    if host.starts_with('/') {
        return Ok(()); // a Unix socket: the pool says what is wrong with it
    }
    match tokio::time::timeout(
        ACQUIRE_TIMEOUT,
        tokio::net::TcpStream::connect((host.as_str(), port)),
    )
    .await
    {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => Err(DbErr::Custom(
            format!("connection refused at {host}:{port} (is the {kind} server running there?)"),
        )),
        Ok(Err(e)) => Err(DbErr::Custom(format!("cannot reach {host}:{port}: {e}"))),
        Err(_) => Err(DbErr::Custom(format!(
            "{host}:{port} did not answer within {} s",
            ACQUIRE_TIMEOUT.as_secs()
        ))),
    }
}

/// A failed connection in words a person can act on: a missing database with the command that
/// creates it, a user the server does not accept.
pub(super) fn explain_connect(url: &str, err: DbErr) -> DbErr {
    let (DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e))
    | DbErr::Query(sea_orm::RuntimeErr::SqlxError(e))
    | DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e))) = &err
    else {
        return err;
    };
    let sea_orm::sqlx::Error::Database(server) = e.as_ref() else {
        return err;
    };
    let Some((host, port, user, database)) = server_parts(url) else {
        return err;
    };
    if let Some(mysql) = server.try_downcast_ref::<sea_orm::sqlx::mysql::MySqlDatabaseError>() {
        return match mysql.number() {
            // ER_BAD_DB_ERROR
            1049 => DbErr::Custom(format!(
                "there is no database \"{database}\" on {host}:{port}; create it with \
                 `mariadb -h {host} -P {port} -u {user} -e 'CREATE DATABASE `{database}` \
                 CHARACTER SET utf8mb4'` and run orderdesk again"
            )),
            // ER_ACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR
            1045 | 1044 => DbErr::Custom(format!(
                "the server at {host}:{port} does not let user \"{user}\" in ({}); check the \
                 user and password in the URL",
                mysql.message()
            )),
            _ => err,
        };
    }
    match server.code().as_deref() {
        Some("3D000") => DbErr::Custom(format!(
            "there is no database \"{database}\" on {host}:{port}; create it with \
             `createdb -h {host} -p {port} -U {user} {database}` (or `CREATE DATABASE \
             \"{database}\";` in psql) and run orderdesk again"
        )),
        Some("28000" | "28P01") => DbErr::Custom(format!(
            "the server at {host}:{port} does not let user \"{user}\" in ({}); check the user \
             and password in the URL",
            server.message()
        )),
        _ => err,
    }
}

/// The oldest MariaDB orderdesk works with: 10.5 brought `INSERT ... RETURNING`.
pub const MARIADB_MIN: (u32, u32) = (10, 5);

/// Refuses a server orderdesk cannot work with: MySQL (no `RETURNING` at all) and MariaDB
/// before [`MARIADB_MIN`], naming the version found. Runs before the pool is given a recorder,
/// so the question is not in the SQL log.
pub(super) async fn check_mysql_server(conn: &DatabaseConnection, url: &str) -> Result<(), DbErr> {
    let row = conn
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::MySql,
            "SELECT VERSION()",
        ))
        .await?;
    let version: String = match row {
        Some(row) => row.try_get_by_index(0)?,
        None => String::new(),
    };
    let (host, port) =
        server_parts(url).map_or_else(|| (String::from("?"), 0), |(host, port, ..)| (host, port));
    match refusal(&version) {
        Some(why) => Err(DbErr::Custom(format!("the server at {host}:{port} {why}"))),
        None => Ok(()),
    }
}

/// Why a server of this `VERSION()` will not do, or `None` when it will.
fn refusal(version: &str) -> Option<String> {
    let needs = format!(
        "orderdesk needs MariaDB {}.{} or later (it writes with INSERT ... RETURNING, which \
         MySQL does not have)",
        MARIADB_MIN.0, MARIADB_MIN.1
    );
    if !version.contains("MariaDB") {
        return Some(format!("is MySQL {version}; {needs}"));
    }
    let mut numbers = version
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse::<u32>().ok());
    let found = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    (found < MARIADB_MIN).then(|| format!("is MariaDB {version}, too old; {needs}"))
}

/// What to tell a person whose database could not be opened: the reason alone for the
/// failures explained here, the driver's words (after "database error") otherwise.
#[must_use]
pub fn connect_reason(err: &DbErr) -> String {
    match err {
        DbErr::Custom(reason) => reason.clone(),
        other => format!("database error: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::refusal;

    #[test]
    fn mysql_and_old_mariadb_are_refused_naming_the_version() {
        for (version, refused) in [
            ("10.11.19-MariaDB-0+deb12u1", None),
            ("10.5.0-MariaDB", None),
            ("11.4.2-MariaDB-ubu2404", None),
            (
                "8.0.36",
                Some("is MySQL 8.0.36; orderdesk needs MariaDB 10.5 or later"),
            ),
            (
                "8.4.0-0ubuntu0.24.04.1",
                Some("is MySQL 8.4.0-0ubuntu0.24.04.1; "),
            ),
            (
                "10.4.32-MariaDB",
                Some("is MariaDB 10.4.32-MariaDB, too old; "),
            ),
        ] {
            let got = refusal(version);
            match refused {
                None => assert_eq!(got, None, "{version}"),
                Some(start) => {
                    assert!(
                        got.as_deref().is_some_and(
                            |g| g.starts_with(start) && g.contains("INSERT ... RETURNING")
                        ),
                        "{version}: {got:?}"
                    );
                }
            }
        }
    }
}
