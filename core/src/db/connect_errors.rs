//! Why a connection failed, in words a person can act on: a refused connection said at once,
//! a missing PostgreSQL database with the command that creates it, a user the server refuses.

use std::str::FromStr;

use sea_orm::DbErr;

use super::ACQUIRE_TIMEOUT;

/// The host, port, user and database a PostgreSQL URL names (sqlx's reading of it).
pub(super) fn postgres_parts(url: &str) -> Option<(String, u16, String, String)> {
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
}

/// Tries a TCP connection to the server first: a refused one is said as such at once, where the
/// pool would retry until its deadline and then say only "pool timed out".
pub(super) async fn probe_postgres(url: &str) -> Result<(), DbErr> {
    let Some((host, port, ..)) = postgres_parts(url) else {
        return Ok(());
    };
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
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            Err(DbErr::Custom(format!(
                "connection refused at {host}:{port} (is the PostgreSQL server running there?)"
            )))
        }
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
    let Some((host, port, user, database)) = postgres_parts(url) else {
        return err;
    };
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

/// What to tell a person whose database could not be opened: the reason alone for the
/// failures explained here, the driver's words (after "database error") otherwise.
#[must_use]
pub fn connect_reason(err: &DbErr) -> String {
    match err {
        DbErr::Custom(reason) => reason.clone(),
        other => format!("database error: {other}"),
    }
}
