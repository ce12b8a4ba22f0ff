//! The HTTP API, served for real on a free loopback port and driven by a real HTTP client;
//! every body runs on SQLite and on PostgreSQL.

#[path = "../support/backend.rs"]
mod backend;
#[path = "../support/cluster.rs"]
mod cluster;

mod auth;
mod collections;
mod contract;
mod errors;
mod idempotency;
mod openapi;
mod ops;
mod pgbouncer;
mod race;
mod restart;
mod routes;

use std::net::SocketAddr;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::sync::oneshot;

use backend::TestDb;

/// A server on the test database, and a client for it; the server stops (gracefully) when
/// this is dropped.
pub struct Api {
    pub base: String,
    pub client: reqwest::Client,
    pub t: TestDb,
    _server: Server,
}

/// A `serve` of its own on a database: its address, and what stops it (gracefully, when
/// dropped or by [`Server::stop`]).
pub struct Server {
    pub base: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    /// Serves `db` on 127.0.0.1, on a port the system picks.
    pub async fn start(db: orderdesk::db::Db) -> Server {
        Server::start_with(db, orderdesk::serve::Options::default()).await
    }

    /// Serves `db` with `options` on 127.0.0.1, on a port the system picks.
    pub async fn start_with(db: orderdesk::db::Db, options: orderdesk::serve::Options) -> Server {
        let (stop, stopped) = oneshot::channel::<()>();
        let (tell, told) = oneshot::channel::<SocketAddr>();
        let task = tokio::spawn(async move {
            let listening = move |at, _: &orderdesk::serve::auth::Auth| {
                let _ = tell.send(at);
            };
            let shutdown = async {
                let _ = stopped.await;
            };
            let at = "127.0.0.1:0".parse().unwrap();
            orderdesk::serve::serve_with(db, at, &options, listening, shutdown)
                .await
                .unwrap();
        });
        let at = told.await.expect("the server listens");
        Server {
            base: format!("http://{at}"),
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Tells the server to stop and waits until it has (the requests in flight answered).
    pub async fn stop(mut self) {
        let _ = self.stop.take().expect("running").send(());
        self.task.take().expect("running").await.unwrap();
    }
}

impl Api {
    /// Serves `t` on 127.0.0.1, on a port the system picks.
    pub async fn start(t: TestDb) -> Api {
        Api::start_with(t, orderdesk::serve::Options::default()).await
    }

    /// Serves `t` with `options` on 127.0.0.1, on a port the system picks.
    pub async fn start_with(t: TestDb, options: orderdesk::serve::Options) -> Api {
        let server = Server::start_with(t.db.clone(), options).await;
        Api {
            base: server.base.clone(),
            client: reqwest::Client::new(),
            t,
            _server: server,
        }
    }

    /// Sends `body` as JSON to `base` (this server or another) with extra `headers`; returns
    /// the status, the JSON answer and the answer's headers.
    pub async fn request(
        &self,
        base: &str,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> (StatusCode, Value, reqwest::header::HeaderMap) {
        let mut request = self
            .client
            .request(method.clone(), format!("{base}{path}"))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).unwrap());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("an answer");
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = response.bytes().await.expect("a body");
        let answer = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        contract::check(&method, path, status, &answer);
        (status, answer, headers)
    }

    /// Sends `body` (raw bytes, with `content_type` if given) and returns the status and the
    /// JSON answer (`Value::Null` when the answer is not JSON).
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let response = request.body(body).send().await.expect("an answer");
        let status = response.status();
        let bytes = response.bytes().await.expect("a body");
        let answer = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        contract::check(&method, path, status, &answer);
        (status, answer)
    }

    /// Sends `body` as JSON.
    pub async fn send(&self, method: Method, path: &str, body: &Value) -> (StatusCode, Value) {
        let bytes = serde_json::to_vec(body).unwrap();
        self.raw(method, path, Some("application/json"), bytes)
            .await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.raw(Method::GET, path, None, Vec::new()).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, body).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(Method::PATCH, path, body).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.raw(Method::DELETE, path, None, Vec::new()).await
    }

    /// A pool of its own on the test database, as another `serve` process would open.
    pub async fn another_pool(&self) -> orderdesk::db::Db {
        orderdesk::db::connect(&self.t.url)
            .await
            .expect("a second pool")
    }

    /// The row count of every table.
    pub async fn counts(&self) -> std::collections::BTreeMap<&'static str, i64> {
        orderdesk::db::row_counts(&self.t.db)
            .await
            .unwrap()
            .into_iter()
            .collect()
    }

    /// A user, a tracked product (`stock` units at 2.50) and an untracked one (4.00): their ids.
    pub async fn shop(&self, stock: i64) -> (i64, i64, i64) {
        let (s, user) = self
            .post(
                "/users",
                &serde_json::json!({"email": "ada@example.com", "full_name": "Ada Lovelace"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{user}");
        let (s, tracked) = self
            .post(
                "/products",
                &serde_json::json!({"name": "Mug", "price_cents": 250, "stock": stock}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{tracked}");
        let (s, untracked) = self
            .post(
                "/products",
                &serde_json::json!({"name": "Gift wrap", "price_cents": 400}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{untracked}");
        let id = |v: &Value| v["id"].as_i64().unwrap();
        (id(&user), id(&tracked), id(&untracked))
    }
}

/// The serve module is a face over the core: it imports nothing from the TUI, nor any
/// terminal crate.
#[test]
fn the_serve_module_imports_nothing_from_the_tui() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![root.join("serve.rs")];
    let mut folders = vec![root.join("serve")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 3, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for banned in [
            "tui::",
            "ratatui",
            "crossterm",
            "comfy_table",
            "indicatif",
            "commands::",
        ] {
            assert!(
                !text.contains(banned),
                "{} mentions {banned}",
                file.display()
            );
        }
    }
}
