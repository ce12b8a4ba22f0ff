//! The terminal UI: one channel of events (keys, resizes, results of database work), a
//! TEA-style `update`, a draw after each event. Database work is spawned on tokio and comes
//! back as an event, so keys never wait for the database.

pub mod action;
pub mod app;
pub mod keymap;
pub mod list;
pub mod popups;
pub mod request;
pub mod screens;
pub mod theme;
pub mod view;
pub mod widgets;

use crossterm::event::{
    DisableBracketedPaste, EnableBracketedPaste, Event as TermEvent, EventStream, KeyEventKind,
};
use futures::StreamExt;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::db::Db;
use app::{App, Event, Ticket};
use request::Env;
use theme::Theme;

/// Runs the TUI on `db` until the user quits; the terminal is restored on every exit, panics
/// included.
///
/// # Errors
/// When the terminal cannot be set up or drawn to.
pub async fn run(db: Db) -> std::io::Result<()> {
    run_with(db, Start::default()).await
}

/// Where the TUI opens: `orderdesk learn` opens it on the Lessons screen.
#[derive(Debug, Default)]
pub struct Start {
    /// Open the Lessons screen.
    pub lessons: bool,
    /// Lessons beside the built-in ones (an instructor's file).
    pub extra: Vec<crate::lessons::Lesson>,
    /// The lesson to open at once (0-based, over the built-in ones then `extra`).
    pub open: Option<usize>,
    /// `--theme`, if given (else the one remembered).
    pub theme: Option<theme::Palette>,
}

/// Where lesson progress is kept: `lessons.json` in orderdesk's data directory.
#[must_use]
pub fn progress_file() -> Option<std::path::PathBuf> {
    directories::ProjectDirs::from("", "", "orderdesk").map(|d| d.data_dir().join("lessons.json"))
}

/// Runs the TUI on `db`, opening where `start` says.
///
/// # Errors
/// When the terminal cannot be set up or drawn to.
pub async fn run_with(db: Db, start: Start) -> std::io::Result<()> {
    let mut terminal = ratatui::try_init()?;
    // Bracketed paste: a paste arrives as one event, not as keys (its newlines would be Enter).
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
        hook(info);
    }));
    let result = match crossterm::execute!(std::io::stdout(), EnableBracketedPaste) {
        Ok(()) => event_loop(&mut terminal, db, start).await,
        Err(e) => Err(e),
    };
    let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    result
}

fn spawn(env: &Env, events: &UnboundedSender<Event>, ticket: Ticket) {
    let env = env.clone();
    let events = events.clone();
    tokio::spawn(async move {
        let response = request::execute(&env, ticket.request).await;
        let _ = events.send(Event::Response(ticket.seq, response));
    });
}

async fn event_loop(terminal: &mut DefaultTerminal, db: Db, start: Start) -> std::io::Result<()> {
    let (sender, mut events) = unbounded_channel();
    let keys = sender.clone();
    tokio::spawn(async move {
        let mut stream = EventStream::new();
        while let Some(Ok(event)) = stream.next().await {
            let event = match event {
                TermEvent::Key(key) if key.kind != KeyEventKind::Release => Event::Key(key),
                TermEvent::Resize(w, h) => Event::Resize(w, h),
                TermEvent::Paste(text) => Event::Paste(text),
                _ => continue,
            };
            if keys.send(event).is_err() {
                break;
            }
        }
    });
    let size = terminal.size()?;
    let theme = Theme::with_palette(theme::Palette::chosen(
        start.theme,
        theme::theme_file().as_deref(),
    ));
    let mut app = App::for_db(&db, size.width, size.height);
    app.lessons = screens::lessons::Lessons::new(start.extra, progress_file());
    let env = Env::new(db);
    // `learn` skips the first-run offer of demo data: lessons never touch the database.
    let tickets = if start.lessons {
        app.open_lessons(start.open)
    } else {
        app.start()
    };
    for ticket in tickets {
        spawn(&env, &sender, ticket);
    }
    // SIGTERM or SIGHUP (the terminal window closed) ends the TUI as `q` does, so that a
    // lesson's sandbox is removed on the way out.
    #[cfg(unix)]
    {
        let quit = sender.clone();
        tokio::spawn(async move {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut term), Ok(mut hup)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::hangup()),
            ) else {
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
            let ctrl_c = crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('c'),
                crossterm::event::KeyModifiers::CONTROL,
            );
            let _ = quit.send(Event::Key(ctrl_c));
        });
    }
    let ticks = sender.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            every.tick().await;
            if ticks.send(Event::Tick(std::time::Instant::now())).is_err() {
                break;
            }
        }
    });
    loop {
        terminal.draw(|frame| view::draw(&app, theme, frame))?;
        let Some(event) = events.recv().await else {
            break;
        };
        for ticket in app.update(event) {
            spawn(&env, &sender, ticket);
        }
        if app.quitting() {
            break;
        }
    }
    env.close().await;
    Ok(())
}
