//! Measures the TUI's latency on a database, as the user sees it but without a terminal: from
//! process start to the first frame that shows rows, and from a key to the frame that shows the
//! rows it asked for (not a loading frame). Drawing goes to a TestBackend of 80x24.
//!
//! `cargo run --release --example tui_latency -- sqlite://big.db`

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent};
use orderdesk::db;
use orderdesk::tui::app::{App, Event, Ticket};
use orderdesk::tui::request::{Env, execute};
use orderdesk::tui::theme::Theme;
use orderdesk::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

async fn settle(app: &mut App, env: &Env, tickets: Vec<Ticket>) {
    let mut queue: std::collections::VecDeque<Ticket> = tickets.into();
    while let Some(t) = queue.pop_front() {
        // The dashboard's aggregates run in the background in the app; they do not hold a frame.
        if matches!(t.request, orderdesk::tui::request::Request::IsEmpty) {
            continue;
        }
        let r = execute(env, t.request).await;
        queue.extend(app.update(Event::Response(t.seq, r)));
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let started = Instant::now();
    let url = std::env::args().nth(1).expect("a database URL");
    let db = db::connect(&url).await.expect("connect");
    db::migrate(&db).await.expect("migrate");
    let env = Env::new(db.clone());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let theme = Theme::new(true);
    let mut app = App::new(db.now().date_naive(), 24);
    app.set_size(80, 24);
    let start = app.start();
    settle(&mut app, &env, start).await;
    terminal.draw(|f| view::draw(&app, theme, f)).unwrap();
    let first_frame = started.elapsed();
    assert!(!app.users.rows.is_empty(), "the first frame shows users");
    println!(
        "start to first frame with rows: {:.1} ms",
        first_frame.as_secs_f64() * 1e3
    );

    for (screen, label) in [('1', "users"), ('2', "products"), ('3', "orders")] {
        let t = app.update(Event::Key(KeyEvent::from(KeyCode::Char(screen))));
        settle(&mut app, &env, t).await;
        let mut times = Vec::new();
        for key in std::iter::repeat_n(KeyCode::PageDown, 20)
            .chain(std::iter::repeat_n(KeyCode::PageUp, 20))
        {
            let t0 = Instant::now();
            let t = app.update(Event::Key(KeyEvent::from(key)));
            settle(&mut app, &env, t).await;
            terminal.draw(|f| view::draw(&app, theme, f)).unwrap();
            times.push(t0.elapsed());
        }
        let max = times.iter().max().copied().unwrap_or_default();
        println!(
            "{label}: PgDn/PgUp to the frame with the new rows: median {:.2} ms, max {:.2} ms",
            median(times).as_secs_f64() * 1e3,
            max.as_secs_f64() * 1e3
        );
    }
}
