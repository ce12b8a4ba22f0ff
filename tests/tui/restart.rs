//! A PostgreSQL or MariaDB server restarted under the running app: a server of the test's own
//! (in a temporary folder, on a free port; never the shared server). The operation that
//! meets the dead server fails with a clear message, the TUI stays up, the next one succeeds.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orderdesk::db;

use crate::cluster::OwnServer;
use orderdesk::sql_log::SqlLog;
use orderdesk::tui::app::{App, Event};
use orderdesk::tui::request::{Env, execute};
use orderdesk::tui::theme::Theme;

const PASSWORD: &str = "restart-s3cret";

fn cli(url: &str, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("orderdesk")
        .unwrap()
        .env_remove("DATABASE_URL")
        .arg("--database-url")
        .arg(url)
        .args(args)
        .output()
        .unwrap()
}

fn cli_json(url: &str, args: &[&str]) -> serde_json::Value {
    let out = cli(url, &[&["--json"], args].concat());
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A refusal a user can act on when the server is away: the CLI cannot connect at start, or a
/// statement meets the dead connection or the pool's deadline.
fn is_clear_outage(stderr: &str) -> bool {
    (stderr.starts_with("error: cannot open the database ") && stderr.contains(":***@127.0.0.1:"))
        || stderr.contains("the database did not answer")
        || stderr.contains("lost the connection to the database")
}

async fn press(app: &mut App, env: &Env, key: KeyEvent) {
    let mut queue: std::collections::VecDeque<_> = app.update(Event::Key(key)).into();
    while let Some(t) = queue.pop_front() {
        let r = execute(env, t.request).await;
        queue.extend(app.update(Event::Response(t.seq, r)));
    }
}

async fn key(app: &mut App, env: &Env, code: KeyCode) {
    press(app, env, KeyEvent::new(code, KeyModifiers::NONE)).await;
}

async fn type_text(app: &mut App, env: &Env, text: &str) {
    for c in text.chars() {
        key(app, env, KeyCode::Char(c)).await;
    }
}

/// On the orders screen: a new order for Ada of `quantity` mugs, placed with Ctrl-S.
async fn place_mugs(app: &mut App, env: &Env, quantity: &str) {
    key(app, env, KeyCode::Char('3')).await;
    key(app, env, KeyCode::Char('n')).await;
    type_text(app, env, "ada").await;
    key(app, env, KeyCode::Enter).await;
    type_text(app, env, "mug").await;
    key(app, env, KeyCode::Enter).await;
    type_text(app, env, quantity).await;
    key(app, env, KeyCode::Enter).await;
    press(
        app,
        env,
        KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
    )
    .await;
}

/// What a CLI loop of `order add` saw while the server went away and came back.
#[derive(Default)]
struct Outcomes {
    placed: usize,
    refused: Vec<String>,
    /// Orders placed after the first refusal.
    placed_after_outage: usize,
}

/// Runs `order add` in a loop on its own thread until `stop` is set.
fn clerk_loop(
    url: String,
    user: String,
    item: String,
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Outcomes>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            let out = cli(&url, &["order", "add", "--user", &user, "--item", &item]);
            let mut seen = seen.lock().unwrap();
            match out.status.code() {
                Some(0) => {
                    seen.placed += 1;
                    if !seen.refused.is_empty() {
                        seen.placed_after_outage += 1;
                    }
                }
                _ => seen
                    .refused
                    .push(String::from_utf8_lossy(&out.stderr).into_owned()),
            }
        }
    })
}

/// Waits (with a deadline, never a fixed sleep) until the clerk loop has seen what `done` asks.
fn wait_for(seen: &Mutex<Outcomes>, what: &str, done: impl Fn(&Outcomes) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_mins(1);
    while !done(&seen.lock().unwrap()) {
        assert!(
            std::time::Instant::now() < deadline,
            "the clerk loop never saw {what}"
        );
        std::thread::yield_now();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_fails_one_operation_and_the_next_succeeds() {
    a_server_restart_fails_one_operation_and_the_next_succeeds(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mysql_restart_fails_one_operation_and_the_next_succeeds() {
    a_server_restart_fails_one_operation_and_the_next_succeeds(true).await;
}

async fn a_server_restart_fails_one_operation_and_the_next_succeeds(mysql: bool) {
    let Some(mut server) = OwnServer::start(mysql) else {
        eprintln!("skipped: the server's programs are not installed");
        return;
    };
    // The password must show nowhere (screen, SQL log, messages, CLI errors).
    let url = server.url_with_password(PASSWORD);
    let ada = cli_json(
        &url,
        &["user", "add", "--email", "ada@example.com", "--name", "Ada"],
    );
    let user = ada["id"].to_string();
    let mug = cli_json(
        &url,
        &[
            "product", "add", "--name", "Mug", "--price", "8.50", "--stock", "1000",
        ],
    );
    let item = format!("{}:1", mug["id"]);

    let db = db::connect(&url).await.unwrap();
    let log = SqlLog::attach(&db, orderdesk::sql_log::CAPACITY);
    let env = Env::new(db.clone());
    let mut app = App::new(db.now().date_naive(), 24).with_log(log);
    app.set_size(80, 24);
    let start = app.start();
    for t in start {
        let r = execute(&env, t.request).await;
        app.update(Event::Response(t.seq, r));
    }
    assert_eq!(app.users.page.rows.len(), 1);

    // A clerk at the command line keeps placing orders meanwhile.
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Outcomes::default()));
    let clerk = clerk_loop(url.clone(), user.clone(), item, stop.clone(), seen.clone());
    wait_for(&seen, "an order placed", |s| s.placed >= 2);

    // An operation in flight: the stepper holds an order's transaction open before COMMIT.
    key(&mut app, &env, KeyCode::Char('t')).await;
    place_mugs(&mut app, &env, "3").await;
    let paused = app.stepper.view.as_ref().expect("a stepped transaction");
    assert!(paused.paused(), "{:?}", app.message);
    let stepped_id = paused.info.what.order_id();

    // The server goes away under the running app.
    server.stop();
    key(&mut app, &env, KeyCode::Char('y')).await;
    let message = app.message.clone().expect("a message");
    assert!(message.error);
    assert!(
        message.text.contains("lost the connection to the database"),
        "{}",
        message.text
    );
    assert!(!app.quitting(), "the TUI stays up");
    key(&mut app, &env, KeyCode::Char('2')).await;
    let message = app.message.clone().expect("a message");
    assert!(message.error);
    assert!(
        message.text.contains("the database did not answer")
            || message.text.contains("lost the connection"),
        "{}",
        message.text
    );
    assert!(!app.quitting(), "the TUI stays up");
    wait_for(&seen, "a refusal", |s| !s.refused.is_empty());
    for screen in ['1', '2', '3', '4', '5'] {
        key(&mut app, &env, KeyCode::Char(screen)).await;
        let text = crate::render(&app, 80, 24, Theme::new(true));
        assert!(!text.contains(PASSWORD), "screen {screen}: {text}");
    }

    // It comes back: the next operation succeeds on a fresh connection.
    server.start_again();
    key(&mut app, &env, KeyCode::Char('1')).await;
    assert_eq!(app.users.page.rows.len(), 1, "{:?}", app.message);
    let message = app.message.clone().expect("a message");
    assert_eq!(
        (message.text.as_str(), message.error),
        ("The database answers again.", false)
    );
    key(&mut app, &env, KeyCode::Char('2')).await;
    assert_eq!(app.products.page.rows.len(), 1, "{:?}", app.message);
    wait_for(&seen, "an order placed after the restart", |s| {
        s.placed_after_outage >= 2
    });
    stop.store(true, Ordering::Relaxed);
    clerk.join().unwrap();

    // The stepped order (3 mugs; the clerk's are of 1) was never written; an order placed now
    // is. Its id may have been given again: InnoDB's crash recovery sets the counter back to
    // the largest id kept, where a PostgreSQL sequence never goes back.
    let stepped = cli(&url, &["--json", "order", "show", &stepped_id.to_string()]);
    if stepped.status.success() {
        let order: serde_json::Value = serde_json::from_slice(&stepped.stdout).unwrap();
        assert!(
            mysql,
            "the id of a rolled-back order was given again: {order}"
        );
        assert_eq!(order["total_quantity"], 1, "{order}");
    } else {
        assert_eq!(stepped.status.code(), Some(1));
    }
    key(&mut app, &env, KeyCode::Char('t')).await;
    assert!(!app.stepper.is_on());
    place_mugs(&mut app, &env, "2").await;
    assert_eq!(
        app.message.as_ref().map(|m| m.error),
        Some(false),
        "{:?}",
        app.message
    );

    let seen = std::mem::take(&mut *seen.lock().unwrap());
    eprintln!(
        "CLI loop: {} orders placed ({} after the restart), {} refused while the server was away",
        seen.placed,
        seen.placed_after_outage,
        seen.refused.len()
    );
    for err in &seen.refused {
        assert!(is_clear_outage(err), "not a clear refusal: {err}");
        assert!(!err.contains(PASSWORD), "{err}");
    }
    // Only the attempt in flight when the server stopped can have committed unseen by its
    // clerk (its COMMIT reached the server, the answer did not).
    let orders = cli_json(&url, &["order", "list", "--user", &user]);
    let total = orders["total"].as_u64().unwrap() as usize;
    assert!(
        (seen.placed + 1..=seen.placed + 2).contains(&total),
        "{total} orders for {} placed by the CLI loop and 1 by the TUI",
        seen.placed
    );
    let left = cli_json(&url, &["product", "show", &mug["id"].to_string()]);
    let units: i64 = orders["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["total_quantity"].as_i64().unwrap())
        .sum();
    assert_eq!(left["stock"].as_i64().unwrap() + units, 1000);
    let log = app.sql_log().unwrap().entries();
    assert!(!log.is_empty());
    assert!(
        log.iter().all(|e| !format!("{e:?}").contains(PASSWORD)),
        "the SQL log shows the password"
    );
    db.close().await.ok();
}
