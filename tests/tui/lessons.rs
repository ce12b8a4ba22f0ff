//! The Lessons screen taken by keys, as a student does in an 80x24 terminal, on every backend:
//! the lesson's sandbox is made beside the database, each step shows its code, asks, runs, and
//! shows the statements it sent and whether the answer was right; the database itself is never
//! touched.

use crossterm::event::KeyCode;
use orderdesk::service::{self, ListQuery};
use orderdesk::tui::screens::Screen;

use crate::Harness;
use crate::backend::TestDb;

crate::on_every_backend!(
    the_lost_update_taken_by_keys_oversells_then_never_does,
    every_lesson_runs_to_the_end_by_keys,
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
