//! Snapshots of every screen and popup on the demo data for a fixed day (SQLite), at 80x24 and
//! 120x40; small terminals; `NO_COLOR`.

use crossterm::event::KeyCode;
use orderdesk::tui::theme::Theme;
use ratatui::style::Modifier;

use crate::backend::{Backend, setup};
use crate::{Harness, render};

async fn demo(width: u16, height: u16) -> Harness {
    let t = setup(Backend::Sqlite).await.unwrap();
    Harness::demo(t, width, height).await
}

#[tokio::test]
async fn every_screen_at_80x24_and_120x40() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = demo(w, h).await;
        for (key, name) in [
            ('1', "users"),
            ('2', "products"),
            ('3', "orders"),
            ('4', "dashboard"),
            ('5', "sql_log"),
        ] {
            app.key(KeyCode::Char(key)).await;
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), app.screen());
        }
    }
}

#[tokio::test]
async fn popups_at_80x24() {
    let mut app = demo(80, 24).await;
    app.key(KeyCode::Char('?')).await;
    insta::assert_snapshot!("help_users", app.screen());
    app.key(KeyCode::Esc).await;

    app.key(KeyCode::Char('3')).await;
    app.key(KeyCode::Down).await;
    app.key(KeyCode::Down).await;
    app.key(KeyCode::Enter).await;
    insta::assert_snapshot!("order_detail", app.screen());
    app.key(KeyCode::Char('s')).await;
    insta::assert_snapshot!("confirm_next_status", app.screen());
    app.key(KeyCode::Esc).await;
    app.key(KeyCode::Esc).await;

    app.key(KeyCode::Char('n')).await;
    app.type_text("gra").await;
    insta::assert_snapshot!("order_entry_customer_pick", app.screen());
    app.key(KeyCode::Enter).await;
    app.type_text("ke").await;
    insta::assert_snapshot!("order_entry_product_pick", app.screen());
    app.key(KeyCode::Enter).await;
    app.type_text("2").await;
    app.key(KeyCode::Enter).await;
    app.type_text("knock").await;
    app.key(KeyCode::Enter).await;
    app.type_text("3").await;
    app.key(KeyCode::Enter).await;
    insta::assert_snapshot!("order_entry_two_lines", app.screen());
    app.key(KeyCode::Esc).await;
    insta::assert_snapshot!("order_entry_discard", app.screen());
    app.key(KeyCode::Char('y')).await;

    app.key(KeyCode::Char('1')).await;
    app.key(KeyCode::Char('n')).await;
    app.type_text("not-an-email").await;
    app.key(KeyCode::Tab).await;
    app.ctrl('s').await;
    insta::assert_snapshot!("user_form_refused", app.screen());
}

#[tokio::test]
async fn small_terminals_get_a_message_and_q_still_quits() {
    let mut app = demo(80, 24).await;
    for (w, h) in [(10, 3), (79, 24), (80, 23), (1, 1)] {
        app.app.set_size(w, h);
        let text = render(&app.app, w, h, Theme::new(true));
        assert!(text.starts_with("orderdesk") || w < 12, "{w}x{h}: {text}");
    }
    app.app.update(orderdesk::tui::app::Event::Resize(10, 3));
    app.key(KeyCode::Char('n')).await;
    assert!(
        app.app.overlays.is_empty(),
        "keys other than q do nothing while too small"
    );
    app.key(KeyCode::Char('q')).await;
    assert!(app.app.quitting());
}

#[tokio::test]
async fn without_colour_the_selection_is_reverse_and_bold() {
    let app = demo(80, 24).await;
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|f| orderdesk::tui::view::draw(&app.app, Theme::new(false), f))
        .unwrap();
    let buffer = terminal.backend().buffer();
    // Row 3 is the first (selected) user; no cell anywhere has a colour.
    let cell = &buffer[(10, 3)];
    assert!(cell.modifier.contains(Modifier::REVERSED | Modifier::BOLD));
    for y in 0..24 {
        for x in 0..80 {
            let c = &buffer[(x, y)];
            assert_eq!(c.fg, ratatui::style::Color::Reset, "colour at {x},{y}");
        }
    }
}

#[tokio::test]
async fn the_sql_log_shows_bands_n_plus_one_and_plans() {
    let mut app = demo(100, 30).await;
    app.key(KeyCode::Char('5')).await;
    app.key(KeyCode::Char('x')).await;
    app.key(KeyCode::Char('3')).await;
    app.key(KeyCode::Char('n')).await;
    app.type_text("ad").await;
    app.key(KeyCode::Enter).await;
    app.type_text("knock").await;
    app.key(KeyCode::Enter).await;
    app.type_text("9").await;
    app.key(KeyCode::Enter).await;
    app.ctrl('s').await; // refused: 5 left
    app.key(KeyCode::Up).await;
    app.key(KeyCode::Enter).await;
    app.key(KeyCode::Backspace).await;
    app.type_text("2").await;
    app.key(KeyCode::Enter).await;
    app.ctrl('s').await; // placed
    app.key(KeyCode::Char('5')).await;
    insta::assert_snapshot!("sql_log", app.screen());
    let screen = app.screen();
    assert!(screen.contains("ROLLBACK ✗"), "{screen}");
    assert!(screen.contains("COMMIT ✓"), "{screen}");
    assert!(!screen.contains("likely N+1"), "{screen}");

    app.key(KeyCode::Char('3')).await;
    app.key(KeyCode::Char('z')).await; // lazy orders list
    app.key(KeyCode::Char('L')).await;
    insta::assert_snapshot!("orders_with_log_panel", app.screen());
    let screen = app.screen();
    assert!(
        screen.contains("list orders (lazy)  25 statement(s)"),
        "{screen}"
    );
    assert!(
        screen.contains("likely N+1: the same SELECT 24 times"),
        "{screen}"
    );
    app.key(KeyCode::Char('L')).await;
    app.key(KeyCode::Char('5')).await;

    // Enter on the newest statement (a SELECT of the lazy list) shows it inlined with its plan.
    app.key(KeyCode::Enter).await;
    let screen = app.screen();
    assert!(screen.contains("Statement and plan"), "{screen}");
    assert!(screen.contains("order_items"), "{screen}");
    assert!(!screen.contains("asking the database"), "{screen}");
    app.key(KeyCode::Esc).await;
    app.key(KeyCode::Char('x')).await;
    assert!(app.screen().contains("Nothing yet"));
}

#[tokio::test]
async fn the_stepper_panel_while_paused() {
    let mut app = demo(80, 24).await;
    app.key(KeyCode::Char('3')).await;
    app.key(KeyCode::Char('t')).await;
    app.key(KeyCode::Char('n')).await;
    app.type_text("grace").await;
    app.key(KeyCode::Enter).await;
    app.type_text("kettle").await;
    app.key(KeyCode::Enter).await;
    app.type_text("1").await;
    app.key(KeyCode::Enter).await;
    app.ctrl('s').await;
    insta::assert_snapshot!("stepper_paused", app.screen());
    app.key(KeyCode::Char('y')).await;
    insta::assert_snapshot!("stepper_committed", app.screen());
}

#[tokio::test]
async fn the_events_outbox_popup() {
    let mut app = demo(100, 30).await;
    app.key(KeyCode::Char('3')).await;
    app.key(KeyCode::Char('v')).await;
    app.key(KeyCode::Down).await;
    insta::assert_snapshot!("events_outbox", app.screen());
    let screen = app.screen();
    assert!(
        screen.contains("\"to\": \"delivered\"") || screen.contains("\"status\""),
        "{screen}"
    );
    app.key(KeyCode::Esc).await;
    assert!(app.app.overlays.is_empty());

    // What the relay published shows as sent, and the title says how many are left.
    let newest: Vec<i64> = orderdesk::service::recent_order_events(&app.db, None, Some(3))
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    orderdesk::service::outbox::mark_published(&app.db, &newest[1..])
        .await
        .unwrap();
    app.key(KeyCode::Char('v')).await;
    let screen = app.screen();
    let sent: Vec<&str> = screen
        .lines()
        .skip(3)
        .take(3)
        .map(|l| l.split('│').nth(1).unwrap().trim_end())
        .collect();
    assert!(
        sent[0].ends_with('·') && sent[1].ends_with('✓') && sent[2].ends_with('✓'),
        "{screen}"
    );
    assert!(screen.contains("· 97 not published (oldest "), "{screen}");
}

/// Trust issue, point 10: the header names the open database (backend and file, or host and
/// database; never a password), cut from the left when it does not fit beside the tabs.
#[tokio::test]
async fn point_10_the_header_names_the_open_database() {
    let mut app = demo(80, 24).await;
    let header = app.screen().lines().next().unwrap().to_owned();
    assert!(header.ends_with("sqlite · test.db"), "{header}");
    assert!(header.starts_with(" 1 Users 2 Products"), "{header}");
    app.app.database = "postgres · db.example.com:5432/orderdesk_shop_production".to_owned();
    let header = app.screen().lines().next().unwrap().to_owned();
    assert!(
        header.contains("5 SQL log"),
        "the tabs stay whole: {header}"
    );
    assert!(
        header.contains('…') && header.ends_with("shop_production"),
        "{header}"
    );
    assert!(header.chars().count() <= 80);
}

/// Trust issue, "also": the first-run prompt, its hint bar and the README name the same keys,
/// and those keys do what they say.
#[tokio::test]
async fn the_demo_prompt_its_hints_and_the_readme_agree() {
    let readme = include_str!("../../README.md");
    assert!(
        readme.contains("`d`, `y` or Enter loads it, any other key starts empty"),
        "the README"
    );
    for (key, loads) in [
        (KeyCode::Char('d'), true),
        (KeyCode::Char('y'), true),
        (KeyCode::Enter, true),
        (KeyCode::Char('x'), false),
        (KeyCode::Esc, false),
    ] {
        let t = setup(Backend::Sqlite).await.unwrap();
        let mut h = Harness::new(t, 80, 24).await;
        assert!(h.app.offering_demo());
        let screen = h.screen();
        assert!(
            screen.contains("Load the demo data?")
                && screen.contains("d / y / Enter load it   any other key starts empty"),
            "{screen}"
        );
        let hints = screen.lines().last().unwrap();
        assert!(
            hints.contains("d y Enter load the demo data")
                && hints.contains("other keys start empty"),
            "{hints}"
        );
        h.key(key).await;
        let orders =
            orderdesk::service::list_orders_page(&h.db, orderdesk::service::OrderQuery::default())
                .await
                .unwrap();
        assert_eq!(!orders.is_empty(), loads, "{key:?}");
    }
}
