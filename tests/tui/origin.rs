//! Enter on a statement of the SQL log names the service function and the SeaORM call that sent
//! it: the query builder, or a hand-written fast path through SeaORM's connection.

use crossterm::event::KeyCode;
use orderdesk::tui::popups::Overlay;

use crate::Harness;
use crate::backend::TestDb;

crate::on_every_backend!(enter_on_a_statement_names_the_service_function_and_the_seaorm_call);

/// Opens the statement `back` entries before the newest and returns what the popup says: who
/// sent it, the statement, and the query-builder form beside a fast path's.
async fn popup_of(h: &mut Harness, back: usize) -> (String, String, Option<&'static str>) {
    h.key(KeyCode::Char('5')).await;
    h.key(KeyCode::End).await;
    for _ in 0..back {
        h.key(KeyCode::Up).await;
    }
    h.key(KeyCode::Enter).await;
    let Some(Overlay::Explain(e)) = h.app.overlays.last() else {
        panic!("the statement popup: {}", h.screen());
    };
    let said = (e.origin.clone(), e.sql.clone(), e.builder);
    let screen = h.screen();
    if let Some(builder) = e.builder {
        assert!(
            screen.contains("The query-builder form beside it"),
            "{screen}"
        );
        let head = builder.split(':').next().unwrap();
        assert!(screen.contains(head), "{head}:\n{screen}");
    } else {
        assert!(!screen.contains("query-builder form"), "{screen}");
    }
    h.key(KeyCode::Esc).await;
    said
}

async fn origin_of(h: &mut Harness, back: usize) -> (String, String) {
    let (origin, sql, _) = popup_of(h, back).await;
    (origin, sql)
}

async fn enter_on_a_statement_names_the_service_function_and_the_seaorm_call(t: TestDb) {
    let mut h = Harness::demo(t, 100, 30).await;
    // The users list: the query builder.
    h.key(KeyCode::Char('1')).await;
    let (origin, sql) = origin_of(&mut h, 0).await;
    assert!(
        origin.starts_with("service::list_users · the query builder"),
        "{origin} for {sql}"
    );

    // An order: its products' SELECT is the hand-written fast path; COMMIT is the transaction's.
    h.place_order("ad", "mug", "1").await;
    let entries = h.app.sql_log().unwrap().entries();
    let commit = entries
        .iter()
        .rposition(|e| e.kind == orderdesk::sql_log::Kind::Commit)
        .unwrap();
    let select = entries[..commit]
        .iter()
        .rposition(|e| {
            e.sql
                .starts_with("SELECT id, name, price_cents, stock FROM products")
        })
        .unwrap();
    // COMMIT and the write first: opening a SELECT asks for its plan, a statement more in the
    // log.
    let (origin, sql, builder) = popup_of(&mut h, entries.len() - 1 - commit).await;
    assert_eq!(sql, "COMMIT");
    assert!(
        origin.starts_with("service::create_order · DatabaseTransaction::commit"),
        "{origin}"
    );
    assert_eq!(builder, None, "a COMMIT has no query-builder form");
    // The write (one statement on PostgreSQL, one text on SQLite, the order's INSERT the first
    // of five on MariaDB): beside it, the ActiveModel and builder inserts.
    let write = entries[..commit]
        .iter()
        .rposition(|e| e.sql.contains("INSERT INTO orders (user_id"))
        .unwrap();
    let (_, _, builder) = popup_of(&mut h, entries.len() - 1 - write).await;
    assert!(
        builder.is_some_and(|b| b.starts_with("insert_order_builder: order::ActiveModel::insert")),
        "{builder:?}"
    );
    let (origin, sql, builder) = popup_of(&mut h, entries.len() - 1 - select).await;
    assert!(
        sql.starts_with("SELECT id, name, price_cents, stock FROM products"),
        "{sql}"
    );
    assert!(
        origin.starts_with("service::create_order · hand-written SQL (SqlText)"),
        "{origin}"
    );
    assert!(
        builder.is_some_and(|b| b.starts_with("insert_order_builder: product::Entity::find()")),
        "{builder:?}"
    );
}

/// A statement longer than the popup (SQLite's write of an order, five statements in one text)
/// scrolls with ↓ and Page Down to its plan line, stops there, and scrolls back with ↑ and Page Up.
#[tokio::test]
async fn a_long_statement_s_popup_scrolls_to_its_end_and_back() {
    let t = crate::backend::setup(crate::backend::Backend::Sqlite)
        .await
        .unwrap();
    let mut h = Harness::demo(t, 80, 24).await;
    h.place_order("ad", "mug", "1").await;
    let entries = h.app.sql_log().unwrap().entries();
    let write = entries
        .iter()
        .rposition(|e| e.sql.contains("INSERT INTO orders (user_id"))
        .unwrap();
    h.key(KeyCode::Char('5')).await;
    h.key(KeyCode::End).await;
    for _ in 0..entries.len() - 1 - write {
        h.key(KeyCode::Up).await;
    }
    h.key(KeyCode::Enter).await;
    let top = h.screen();
    assert!(top.contains("Sent by:"), "{top}");
    assert!(!top.contains("Plan:"), "the plan is below the view:\n{top}");
    h.key(KeyCode::Down).await;
    assert!(!h.screen().contains("Sent by:"), "one line down");
    for _ in 0..10 {
        h.key(KeyCode::PageDown).await;
    }
    let end = h.screen();
    assert!(end.contains("only a SELECT has a plan to show"), "{end}");
    h.key(KeyCode::Down).await;
    assert_eq!(h.screen(), end, "it stops at the end");
    h.key(KeyCode::Up).await;
    assert_ne!(h.screen(), end, "and goes back at once");
    for _ in 0..10 {
        h.key(KeyCode::PageUp).await;
    }
    assert_eq!(h.screen(), top, "back at the top");
}
