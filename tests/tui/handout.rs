//! `w` on the SQL log writes the session so far as an annotated SQL file, for a handout.

use crossterm::event::KeyCode;

use crate::Harness;
use crate::backend::TestDb;

crate::on_every_backend!(w_on_the_sql_log_writes_the_session_as_annotated_sql);

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
    h.key(KeyCode::Char('3')).await;
    h.key(KeyCode::Char('n')).await;
    h.type_text("ad").await;
    h.key(KeyCode::Enter).await;
    h.type_text("mug").await;
    h.key(KeyCode::Enter).await;
    h.type_text("1").await;
    h.key(KeyCode::Enter).await;
    h.ctrl('s').await;
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
