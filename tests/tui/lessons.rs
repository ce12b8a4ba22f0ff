//! The Lessons screen taken by keys, as a student does in an 80x24 terminal, on every backend:
//! the lesson's sandbox is made beside the database, each step shows its code, asks, runs, and
//! shows the statements it sent and whether the answer was right; the database itself is never
//! touched.

use crossterm::event::KeyCode;
use orderdesk::service::{self, ListQuery};
use orderdesk::tui::screens::Screen;

use crate::Harness;
use crate::backend::{DbDrop, TestDb, fresh_url};
use crate::replay::replay;

crate::on_every_backend!(
    the_lost_update_taken_by_keys_oversells_then_never_does,
    every_lesson_runs_to_the_end_by_keys,
    a_lesson_s_handout_replayed_on_a_fresh_database_leaves_the_sandbox_s_rows,
    an_instructor_s_lesson_file_is_taken_like_a_built_in_one,
);

/// The app on a fresh database, on the Lessons screen, its sandboxes named for tests.
async fn student(t: TestDb) -> Harness {
    let mut h = Harness::new(t, 80, 24).await;
    "orderdesk_test_lesson_".clone_into(&mut h.env.sandbox_prefix);
    if h.app.offering_demo() {
        h.key(KeyCode::Esc).await;
    }
    h.key(KeyCode::Char('6')).await;
    assert_eq!(h.app.screen, Screen::Lessons);
    h
}

/// Types `answer` to the step's question and runs the step.
async fn answer(h: &mut Harness, answer: &str) {
    h.key(KeyCode::Enter).await;
    h.type_text(answer).await;
    h.key(KeyCode::Enter).await;
}

async fn the_lost_update_taken_by_keys_oversells_then_never_does(t: TestDb) {
    let mut h = student(t).await;
    let list = h.screen();
    for title in [
        "Rows and keys",
        "A transaction",
        "N+1",
        "Isolation",
        "The lost update",
        "The outbox",
        "The fast path",
    ] {
        assert!(list.contains(title), "{title} is listed:\n{list}");
    }
    for _ in 0..4 {
        h.key(KeyCode::Down).await;
    }
    h.key(KeyCode::Enter).await;
    let sandbox = h.app.lessons.sandbox.clone().expect("a sandbox");
    assert!(sandbox.contains("orderdesk_test_lesson_"), "{sandbox}");
    let step = h.screen();
    assert!(
        step.contains("Lesson 5 · The lost update · step 1/2"),
        "{step}"
    );
    assert!(step.contains("── the code: sell_naive"), "{step}");
    assert!(step.contains("Q: How many orders get written?"), "{step}");
    // `?` lists the keys of a lesson, not those of the list.
    h.key(KeyCode::Char('?')).await;
    let help = h.screen();
    assert!(
        help.contains("code / statements") && help.contains("restart"),
        "{help}"
    );
    h.key(KeyCode::Esc).await;

    // A wrong guess: the log says otherwise, with the figures of this run.
    answer(&mut h, "3").await;
    let shown = h.screen();
    assert!(shown.contains("✗ You said 3; the log says 8."), "{shown}");
    assert!(
        shown.contains("8 orders for 3 lamps: 5 oversold"),
        "{shown}"
    );
    assert!(shown.contains("what it sent:"), "{shown}");
    // Each clerk saves the stock it read (MariaDB quotes with backticks).
    let unquoted = shown.replace(['`', '"'], "");
    assert!(
        unquoted.contains("UPDATE products SET stock = 2"),
        "{shown}"
    );

    h.key(KeyCode::Enter).await;
    assert!(h.screen().contains("step 2/2"));
    answer(&mut h, "3").await;
    let shown = h.screen();
    assert!(shown.contains("✓ 3: right."), "{shown}");
    assert!(
        shown.contains("5 clerks were told the lamp is out of stock"),
        "{shown}"
    );
    assert!(
        shown.contains("stock >="),
        "the conditional UPDATE is shown:\n{shown}"
    );

    h.key(KeyCode::Enter).await;
    assert!(h.app.lessons.open.is_none(), "the lesson is finished");
    assert_eq!(
        h.app.lessons.progress.get("05-the-lost-update.toml"),
        Some(&2)
    );
    assert!(h.screen().contains("The lost update"), "back on the list");

    // The database the app was opened on has nothing of the lesson.
    let products = service::list_products(&h.db, &ListQuery::default())
        .await
        .unwrap();
    assert!(products.is_empty(), "{products:?}");
    h.env.close().await;
}

async fn every_lesson_runs_to_the_end_by_keys(t: TestDb) {
    let mut h = student(t).await;
    assert_eq!(h.app.lessons.lessons.len(), 7, "the built-in lessons");
    for n in 0..h.app.lessons.lessons.len() {
        h.key(KeyCode::Char('r')).await; // open the lesson chosen (the next one after each)
        let lesson = h.app.lessons.lessons[n].clone();
        assert_eq!(h.app.lessons.open.as_ref().map(|o| o.lesson), Some(n));
        for (i, step) in lesson.steps.iter().enumerate() {
            let screen = h.screen();
            assert!(
                screen.contains(&format!("step {}/{}", i + 1, lesson.steps.len())),
                "{}: {}\n{screen}",
                lesson.title,
                step.title
            );
            match (&step.question, &step.action) {
                (Some(_), _) => {
                    answer(&mut h, "0").await;
                    let shown = h.screen();
                    assert!(shown.contains("what it sent:"), "{}:\n{shown}", step.title);
                    assert!(
                        shown.contains("✓ 0: right.") || shown.contains("the log says"),
                        "{}: a verdict:\n{shown}",
                        step.title
                    );
                    h.key(KeyCode::Enter).await;
                }
                (None, Some(_)) => {
                    h.key(KeyCode::Enter).await; // run it
                    assert!(h.screen().contains("what it sent:"), "{}", step.title);
                    h.key(KeyCode::Enter).await;
                }
                (None, None) => h.key(KeyCode::Enter).await,
            }
        }
        assert!(h.app.lessons.open.is_none(), "{} is finished", lesson.title);
        assert_eq!(
            h.app.lessons.progress.get(&lesson.source),
            Some(&lesson.steps.len())
        );
    }
    h.env.close().await;
}

/// `w` in a lesson writes the lesson's own statements, its setup's included, as annotated SQL;
/// replayed with the database's own shell on a fresh orderdesk database, they leave there the
/// rows and the stock the lesson left in its sandbox (its refused order's ROLLBACK included).
async fn a_lesson_s_handout_replayed_on_a_fresh_database_leaves_the_sandbox_s_rows(t: TestDb) {
    let backend = t.backend;
    let (copy_url, _dir, server) = fresh_url(backend).await.unwrap();
    let _drop = DbDrop(server);
    let copy = orderdesk::db::connect(&copy_url).await.unwrap();
    orderdesk::db::migrate(&copy).await.unwrap();

    let mut h = student(t).await;
    let dir = tempfile::tempdir().unwrap();
    h.app.export_dir = dir.path().to_owned();
    h.key(KeyCode::Down).await;
    h.key(KeyCode::Enter).await; // lesson 2, A transaction: four steps, each with a question
    for step in 0..4 {
        answer(&mut h, "1").await;
        if step < 3 {
            h.key(KeyCode::Enter).await;
        }
    }
    assert!(h.screen().contains("step 4/4"), "{}", h.screen());
    h.key(KeyCode::Char('w')).await;
    let said = h.app.message.clone().unwrap();
    assert!(
        !said.error && said.text.contains("the lesson's setup included"),
        "{said:?}"
    );
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1);
    let path = files[0].as_ref().unwrap().path();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("orderdesk-lesson-2-"), "{name}");
    let sql = std::fs::read_to_string(&path).unwrap();
    assert!(sql.contains("-- lesson: the shop"), "the setup:\n{sql}");
    assert!(sql.contains("-- create_order for user 2, 3 lines"), "{sql}");
    assert_eq!(sql.matches("ROLLBACK;").count(), 1, "{sql}");

    replay(backend, &copy_url, &path);
    let sandbox = h.env.lesson_db().await.expect("the lesson's sandbox");
    assert_eq!(
        orderdesk::db::row_counts(&copy).await.unwrap(),
        orderdesk::db::row_counts(&sandbox).await.unwrap(),
        "the same rows after the replay"
    );
    let all = ListQuery {
        limit: Some(100),
        ..Default::default()
    };
    let stock = |products: Vec<service::Product>| {
        products
            .into_iter()
            .map(|p| (p.id, p.name, p.stock))
            .collect::<Vec<_>>()
    };
    let replayed = stock(service::list_products(&copy, &all).await.unwrap());
    assert_eq!(
        replayed,
        stock(service::list_products(&sandbox, &all).await.unwrap()),
        "the same stock"
    );
    // The first order took 2 Mugs and a Teapot; the refused one took nothing.
    assert_eq!(replayed[0].2, Some(48));
    assert_eq!(replayed[1].2, Some(19));
    drop(sandbox);
    copy.close().await.ok();
    h.env.close().await;
}

/// The homework of docs/teaching.md: an instructor's own lesson, a file given to `learn FILE`,
/// comes after the built-in ones and is taken by keys, its answer worked out from the log of
/// the student's backend.
async fn an_instructor_s_lesson_file_is_taken_like_a_built_in_one(t: TestDb) {
    let mysql = t.backend == crate::backend::Backend::Mysql;
    let mut h = student(t).await;
    let text = r#"
title = "Over the stock"
summary = "An order with a line over the stock: how many UPDATEs ran?"

[[setup]]
action = "shop"

[[step]]
title = "Two tracked products, one short"
text = "A Mug, a Teapot and 3 Kettles: only 2 Kettles are left."
action = "create_order"
args = { user = 1, items = [[1, 1], [2, 1], [3, 3]] }
question = "How many UPDATEs ran?"
answer = "updates"
explain = "{updates}, then a ROLLBACK: {rollbacks}."
"#;
    let lesson = orderdesk::lessons::Lesson::parse("eighth.toml", text).unwrap();
    h.app.lessons = orderdesk::tui::screens::lessons::Lessons::new(vec![lesson], None);
    let list = h.screen();
    assert!(list.contains("Over the stock"), "{list}");
    for _ in 0..7 {
        h.key(KeyCode::Down).await;
    }
    h.key(KeyCode::Enter).await;
    assert!(
        h.screen().contains("Lesson 8 · Over the stock · step 1/1"),
        "{}",
        h.screen()
    );
    // One conditional UPDATE for the three products; on MariaDB one per product, in id order,
    // until the Kettle's finds too few.
    let right = if mysql { "3" } else { "1" };
    answer(&mut h, right).await;
    let shown = h.screen();
    assert!(
        shown.contains(&format!("✓ {right}: right. {right}, then a ROLLBACK: 1.")),
        "{shown}"
    );
    h.key(KeyCode::Enter).await;
    assert_eq!(h.app.lessons.progress.get("eighth.toml"), Some(&1));
    h.env.close().await;
}

/// The Lessons screen at 80x24 (SQLite, the app's pinned clock, times masked): the list, a
/// step before it runs (its code and question), and after (its statements, the verdict, why).
#[tokio::test]
async fn the_lessons_screen_at_80x24() {
    let t = crate::backend::setup(crate::backend::Backend::Sqlite)
        .await
        .unwrap();
    let mut h = student(t).await;
    insta::assert_snapshot!("lessons_list", h.screen());
    h.key(KeyCode::Down).await;
    h.key(KeyCode::Enter).await;
    insta::assert_snapshot!("lesson_2_step_1", h.screen());
    answer(&mut h, "4").await;
    insta::assert_snapshot!("lesson_2_step_1_run", h.screen());
    h.env.close().await;
}
