//! `w` on the SQL log writes the session so far as an annotated SQL file, for a handout.

use crossterm::event::KeyCode;

use crate::backend::{DbDrop, TestDb, fresh_url};
use crate::replay::replay;
use crate::{Harness, day};

crate::on_every_backend!(
    w_on_the_sql_log_writes_the_session_as_annotated_sql,
    the_handout_replayed_on_the_starting_state_gives_the_same_rows,
);

async fn w_on_the_sql_log_writes_the_session_as_annotated_sql(t: TestDb) {
    let mut h = Harness::demo(t, 80, 24).await;
    let dir = tempfile::tempdir().unwrap();
    h.app.export_dir = dir.path().to_owned();
    h.key(KeyCode::Char('5')).await;
    h.key(KeyCode::Char('x')).await;
    h.key(KeyCode::Char('w')).await;
    let said = h.app.message.clone().unwrap();
    assert!(said.error && said.text.contains("empty"), "{said:?}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );

    // Place an order (the order entry, as a clerk does), then write the log.
    h.place_order("ad", "mug", "1").await;
    h.key(KeyCode::Char('5')).await;
    h.key(KeyCode::Char('w')).await;
    let said = h.app.message.clone().unwrap();
    assert!(!said.error && said.text.starts_with("Wrote "), "{said:?}");
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1);
    let path = files[0].as_ref().unwrap().path();
    assert!(said.text.contains(&path.display().to_string()), "{said:?}");
    let sql = std::fs::read_to_string(&path).unwrap();
    assert!(
        sql.contains("-- create order for ada@"),
        "the action is a comment:\n{sql}"
    );
    assert!(sql.contains("INSERT INTO orders"), "{sql}");
    assert!(sql.contains("COMMIT;"), "{sql}");
}

/// The handout of a session (an order placed, then one confirmed and one cancelled, by keys),
/// replayed with the database's own shell on another database with the same starting state
/// (the demo data), leaves the same rows there.
async fn the_handout_replayed_on_the_starting_state_gives_the_same_rows(t: TestDb) {
    let backend = t.backend;
    let (copy_url, _dir, server) = fresh_url(backend).await.unwrap();
    let _drop = DbDrop(server);
    let copy = orderdesk::db::connect(&copy_url).await.unwrap();
    orderdesk::db::migrate(&copy).await.unwrap();
    orderdesk::service::seed::seed_demo(&copy, day())
        .await
        .unwrap();

    let mut h = Harness::demo(t, 80, 24).await;
    assert_eq!(
        orderdesk::db::row_counts(&h.db).await.unwrap(),
        orderdesk::db::row_counts(&copy).await.unwrap(),
        "the same starting state"
    );
    let dir = tempfile::tempdir().unwrap();
    h.app.export_dir = dir.path().to_owned();
    h.key(KeyCode::Char('5')).await;
    h.key(KeyCode::Char('x')).await;
    // An order, then the newest order confirmed (`s`) and the next one cancelled (`c`, `y`).
    h.place_order("ad", "mug", "2").await;
    h.key(KeyCode::Char('s')).await;
    h.key(KeyCode::Char('y')).await;
    h.key(KeyCode::Down).await;
    h.key(KeyCode::Char('c')).await;
    h.key(KeyCode::Char('y')).await;
    h.key(KeyCode::Char('5')).await;
    h.key(KeyCode::Char('w')).await;
    let path = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .expect("the handout")
        .unwrap()
        .path();
    let sql = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        sql.matches("COMMIT;").count(),
        3,
        "three transactions:\n{sql}"
    );

    replay(backend, &copy_url, &path);
    let stock = |products: Vec<orderdesk::service::Product>| {
        products
            .into_iter()
            .map(|p| (p.id, p.stock))
            .collect::<Vec<_>>()
    };
    let all = orderdesk::service::ListQuery {
        limit: Some(100),
        ..Default::default()
    };
    assert_eq!(
        orderdesk::db::row_counts(&h.db).await.unwrap(),
        orderdesk::db::row_counts(&copy).await.unwrap(),
        "the same rows after the replay"
    );
    assert_eq!(
        stock(
            orderdesk::service::list_products(&h.db, &all)
                .await
                .unwrap()
        ),
        stock(
            orderdesk::service::list_products(&copy, &all)
                .await
                .unwrap()
        ),
        "the same stock"
    );
    copy.close().await.ok();
}
