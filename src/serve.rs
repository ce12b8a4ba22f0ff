//! `orderdesk serve`: the HTTP API (axum) over the core's service functions, as thin as the
//! command line. JSON in and out in the `--json` shapes; one error shape (`serve/error.rs`);
//! every request body, query and path id refused with its own 4xx before a service is called
//! (`serve/extract.rs`). It imports nothing from the TUI (a test checks).

mod answers;
pub mod auth;
pub mod error;
pub mod extract;
mod health;
pub mod idempotency;
pub mod openapi;
pub mod ops;
mod orders;
mod products;
mod users;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler as _;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::db::Db;
use error::ApiError;

/// Where `serve` listens unless told: the learning version's port, on loopback.
pub const DEFAULT_BIND: &str = "127.0.0.1:8021";

/// `serve`'s pool on PostgreSQL and MariaDB unless told: many clients share it (the desk's is 2).
pub const POOL_SERVER: u32 = 16;

/// `serve`'s read connections on SQLite unless told, beside its one writer.
pub const POOL_SQLITE: u32 = 4;

/// How `serve` runs, besides where it listens.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long a request may take (then 503).
    pub timeout: std::time::Duration,
    /// The origins browsers may call the API from (CORS); none: no CORS headers at all.
    pub cors: Vec<HeaderValue>,
    /// JWTs accepted beside the API tokens, if a key is configured.
    pub jwt: Option<Arc<auth::Jwt>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: ops::REQUEST_TIMEOUT,
            cors: Vec::new(),
            jwt: None,
        }
    }
}

/// The API's routes over `db`, counted and timed by `ops`, behind `auth`, callable from
/// browsers at `cors`.
pub fn router_with(db: Db, ops: &ops::Ops, auth: Arc<auth::Auth>, cors: &[HeaderValue]) -> Router {
    let observe = || axum::middleware::from_fn_with_state(ops.clone(), ops::observe);
    // The router and the OpenAPI document come from the same lists (serve/openapi.rs).
    let (guarded, _) = openapi::guarded()
        // Idempotency-Key on the routes that create or replace an order (it passes the others).
        .route_layer(axum::middleware::from_fn_with_state(
            db.clone(),
            idempotency::layer,
        ))
        .route_layer(axum::middleware::from_fn_with_state(auth, auth::guard))
        .split_for_parts();
    let (open, _) = openapi::open().split_for_parts();
    let (metrics, _) = openapi::metrics().split_for_parts();
    let api = guarded
        .merge(open)
        .route_layer(observe())
        .fallback(no_route.layer(observe()))
        .method_not_allowed_fallback(wrong_method.layer(observe()))
        .layer(DefaultBodyLimit::max(extract::MAX_BODY))
        .with_state(db)
        .merge(metrics.with_state(ops.clone()));
    if cors.is_empty() {
        return api;
    }
    api.layer(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(cors.iter().cloned()))
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::CONTENT_TYPE,
                header::AUTHORIZATION,
                HeaderName::from_static(idempotency::HEADER),
            ])
            .expose_headers([
                HeaderName::from_static("x-request-id"),
                HeaderName::from_static(idempotency::REPLAYED),
            ]),
    )
}

async fn no_route(method: Method, uri: Uri) -> ApiError {
    let message = format!("no route {method} {}", uri.path());
    ApiError::new(StatusCode::NOT_FOUND, "not_found", None, message)
}

async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    let message = format!("{} does not take {method}", uri.path());
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        None,
        message,
    )
}

/// Why `serve` will not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Without authentication the API listens on loopback only.
    #[error(
        "refusing to listen on {0} without authentication: with no API token and no JWT key \
         serve runs open, so only on a loopback address (127.0.0.1, ::1 or localhost); create a \
         token with `orderdesk token create --name NAME` or configure --jwt-key or --jwks"
    )]
    NotLoopback(SocketAddr),
    /// Whether auth is on could not be read.
    #[error("reading the API tokens: {0}")]
    Tokens(#[from] crate::service::Error),
    /// The address is taken or cannot be used.
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    /// The server stopped with an error.
    #[error("serving: {0}")]
    Io(#[from] std::io::Error),
}

/// Listens on `bind` and serves `db` until `shutdown` completes, then finishes the requests in
/// flight. `listening` is told the address (the port, when `bind` asked for port 0).
///
/// # Errors
/// A non-loopback address while the API has no auth, an address that cannot be bound, or a
/// failure while serving.
pub async fn serve(
    db: Db,
    bind: SocketAddr,
    listening: impl FnOnce(SocketAddr, &auth::Auth),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    serve_with(db, bind, &Options::default(), listening, shutdown).await
}

/// [`serve`] with `options` (the request timeout, CORS, JWTs).
///
/// # Errors
/// As [`serve`].
pub async fn serve_with(
    db: Db,
    bind: SocketAddr,
    options: &Options,
    listening: impl FnOnce(SocketAddr, &auth::Auth),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let auth = Arc::new(auth::Auth::new(db.clone(), options.jwt.clone()).await?);
    if !bind.ip().is_loopback() && !auth.is_on() {
        return Err(ServeError::NotLoopback(bind));
    }
    let listener = TcpListener::bind(bind)
        .await
        .map_err(|e| ServeError::Bind(bind, e))?;
    listening(listener.local_addr()?, &auth);
    let ops = ops::Ops::new(options.timeout);
    axum::serve(listener, router_with(db, &ops, auth, &options.cors))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// Ctrl-C or SIGTERM.
pub async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
