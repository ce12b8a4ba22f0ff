//! `orderdesk bench --tui`: the TUI's latency on a database, as a user sees it but without a
//! terminal. The app runs as `orderdesk` runs it (the same connect, migrate, SQL log, `App` and
//! request executor), drawing to an 80x24 `TestBackend`, and a fixed script of keys is pressed on
//! every list. Each key is timed from the keypress to the frame that shows the rows it asked
//! for: a loading frame does not count, so the time includes the database round trip.
//!
//! One JSON line per measurement on stdout: the first frame with rows (from process start),
//! each screen's keys (median, p95, max, and how many took 16 ms or more), and peak RSS.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use crate::db::{self, Db};
use crate::tui::app::{App, Event, Ticket};
use crate::tui::request::{Env, Request, execute};
use crate::tui::screens::Screen;
use crate::tui::theme::Theme;
use crate::tui::view;

/// A frame is due every 16 ms at 60 Hz: the budget for a key.
const FRAME_BUDGET: Duration = Duration::from_millis(16);

/// Runs the requests `tickets` start, and those their answers start, until none is left; the
/// dashboard's emptiness check runs in the background in the app and holds no frame.
async fn settle(app: &mut App, env: &Env, tickets: Vec<Ticket>) {
    let mut queue: VecDeque<Ticket> = tickets.into();
    while let Some(t) = queue.pop_front() {
        if matches!(t.request, Request::IsEmpty) {
            continue;
        }
        let response = execute(env, t.request).await;
        queue.extend(app.update(Event::Response(t.seq, response)));
    }
}

struct Harness {
    app: App,
    env: Env,
    terminal: Terminal<TestBackend>,
    theme: Theme,
}

impl Harness {
    fn draw(&mut self) -> Result<(), String> {
        let (app, theme) = (&self.app, self.theme);
        self.terminal
            .draw(|f| view::draw(app, theme, f))
            .map(|_| ())
            .map_err(|e| format!("drawing: {e}"))
    }

    /// Presses `key` and returns the time to the frame with its rows.
    async fn press(&mut self, key: KeyCode) -> Result<Duration, String> {
        let t0 = Instant::now();
        let tickets = self.app.update(Event::Key(KeyEvent::from(key)));
        settle(&mut self.app, &self.env, tickets).await;
        self.draw()?;
        Ok(t0.elapsed())
    }

    fn rows(&self) -> usize {
        match self.app.screen {
            Screen::Users => self.app.users.page.rows.len(),
            Screen::Products => self.app.products.page.rows.len(),
            Screen::Orders => self.app.orders.page.rows.len(),
            _ => 0,
        }
    }
}

/// The keys pressed on each list, after the key that opens it.
fn script(screen: Screen) -> Vec<KeyCode> {
    let page = std::iter::repeat_n(KeyCode::PageDown, 20)
        .chain(std::iter::repeat_n(KeyCode::PageUp, 20))
        .chain(std::iter::repeat_n(KeyCode::Down, 10));
    // A filter typed a letter at a time (each letter asks the database again), then cleared.
    let filter = |text: &str| {
        std::iter::once(KeyCode::Char('/'))
            .chain(text.chars().map(KeyCode::Char))
            .chain(std::iter::once(KeyCode::Esc))
            .collect::<Vec<_>>()
    };
    let mut keys: Vec<KeyCode> = page.collect();
    match screen {
        Screen::Users => keys.extend(filter("smith")),
        Screen::Products => keys.extend(filter("tea")),
        Screen::Orders => {
            // Every status filter in turn and back to none, then a customer filter that
            // matches every customer (s .. seed), many (seed4), a few (seed42), then none;
            // then the same with the status filter on confirmed.
            keys.extend(std::iter::repeat_n(KeyCode::Char('f'), 6));
            keys.extend(filter("seed42x"));
            keys.extend(std::iter::repeat_n(KeyCode::Char('f'), 2));
            keys.extend(filter("seed42"));
            keys.push(KeyCode::Esc);
        }
        _ => {}
    }
    keys
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e5).round() / 100.0
}

/// Peak resident memory of this process so far, in KiB (Linux), if known.
#[must_use]
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Opens `db` as the TUI does and measures it; `started` is when the process started.
///
/// # Errors
/// A message when the database cannot be used or the script cannot run on it (an empty one).
pub async fn run(db: Db, started: Instant) -> Result<(), String> {
    db::migrate_on_start(&db)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let (width, height) = (80, 24);
    let app = App::for_db(&db, width, height);
    let terminal = Terminal::new(TestBackend::new(width, height))
        .map_err(|e| format!("a test terminal: {e}"))?;
    let mut h = Harness {
        app,
        env: Env::new(db),
        terminal,
        theme: Theme::new(true),
    };
    let start = h.app.start();
    settle(&mut h.app, &h.env, start).await;
    h.draw()?;
    let first = started.elapsed();
    if h.rows() == 0 {
        return Err("the database has no users: seed it first (orderdesk seed --users N --products N --orders N)".to_owned());
    }
    println!(
        "{}",
        json!({"impl": "orderdesk", "bench": "tui", "phase": "first_frame", "ms": ms(first), "rows": h.rows()})
    );

    let mut all = Vec::new();
    for (open, screen, label) in [
        ('1', Screen::Users, "users"),
        ('2', Screen::Products, "products"),
        ('3', Screen::Orders, "orders"),
    ] {
        let mut times = vec![h.press(KeyCode::Char(open)).await?];
        if h.rows() == 0 {
            return Err(format!(
                "the {label} list is empty: seed the database first"
            ));
        }
        for key in script(screen) {
            times.push(h.press(key).await?);
        }
        all.extend_from_slice(&times);
        emit_keys(label, &mut times);
        eprintln!("bench --tui: {label} done");
    }
    emit_keys("all", &mut all);
    sql_log_frames(&mut h).await?;
    println!(
        "{}",
        json!({"impl": "orderdesk", "bench": "tui", "phase": "rss", "peak_mib": peak_rss_kib().map(|k| (k as f64 / 1024.0 * 10.0).round() / 10.0)})
    );
    Ok(())
}

/// The SQL log screen with a full log: the log is filled to its capacity (the orders list
/// reloaded, lazily every other time), then the screen is drawn 200 times, and moved up a
/// line 200 times (each key timed to its frame).
async fn sql_log_frames(h: &mut Harness) -> Result<(), String> {
    let log = h.app.sql_log().ok_or("the SQL log is not attached")?;
    h.press(KeyCode::Char('3')).await?;
    // Each z reloads the page, lazily (1 + N statements) every other time.
    while log.with_entries(std::collections::VecDeque::len) < crate::sql_log::CAPACITY {
        let before = log.version();
        h.press(KeyCode::Char('z')).await?;
        if log.version() == before {
            return Err("the orders list sends no statements: seed the database first".into());
        }
    }
    h.press(KeyCode::Char('5')).await?;
    let mut frames = Vec::new();
    let mut keys = Vec::new();
    for _ in 0..200 {
        let t0 = Instant::now();
        h.draw()?;
        frames.push(t0.elapsed());
        keys.push(h.press(KeyCode::Up).await?);
    }
    for (phase, times) in [("sql_log_frame", &mut frames), ("sql_log_key", &mut keys)] {
        times.sort();
        println!(
            "{}",
            json!({
                "impl": "orderdesk", "bench": "tui", "phase": phase,
                "entries": log.with_entries(std::collections::VecDeque::len),
                "frames": times.len(),
                "median_ms": ms(percentile(times, 0.5)),
                "p95_ms": ms(percentile(times, 0.95)),
            })
        );
    }
    Ok(())
}

fn emit_keys(label: &str, times: &mut [Duration]) {
    times.sort();
    let over = times.iter().filter(|t| **t >= FRAME_BUDGET).count();
    println!(
        "{}",
        json!({
            "impl": "orderdesk", "bench": "tui", "phase": "keys", "screen": label,
            "keys": times.len(),
            "median_ms": ms(percentile(times, 0.5)),
            "p95_ms": ms(percentile(times, 0.95)),
            "max_ms": ms(*times.last().expect("at least one key")),
            "over_16ms": over,
        })
    );
}
