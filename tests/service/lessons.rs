//! The seven lessons run step by step on a sandbox of each backend: every question's answer is
//! what the step's log shows, and the figures each lesson teaches come out for real.

use orderdesk::db::Sandbox;
use orderdesk::lessons::Value::Int;
use orderdesk::lessons::{self, Expected, Lesson, StepRun, run_action, run_setup};
use orderdesk::sql_log::SqlLog;

use crate::backend::TestDb;

/// Runs a lesson as a student would: setup, then each step's action; returns each step's run
/// (None for a step without an action) and the sandbox's name.
async fn take(t: &TestDb, lesson: &Lesson) -> Vec<Option<StepRun>> {
    let sandbox = Sandbox::create(&t.url, "orderdesk_test_lesson_")
        .await
        .expect("a sandbox");
    let db = sandbox.db().clone();
    let log = SqlLog::attach(&db, 100_000);
    run_setup(&db, &lesson.setup).await.expect("the setup");
    let mut runs = Vec::new();
    for step in &lesson.steps {
        let Some(action) = &step.action else {
            runs.push(None);
            continue;
        };
        let run = run_action(&db, &log, action).await;
        if let Some(q) = &step.question {
            let answer = run.answer(&q.answer);
            assert!(
                answer.is_ok(),
                "{}: {}: {answer:?}",
                lesson.title,
                step.title
            );
            let filled = run.fill(&q.explain);
            assert!(
                !filled.contains('{'),
                "{}: every figure is filled: {filled}",
                step.title
            );
        }
        runs.push(Some(run));
    }
    drop(db);
    sandbox.remove().await.expect("the sandbox is removed");
    runs
}

fn answer(run: Option<&StepRun>, lesson: &Lesson, step: usize) -> Expected {
    let q = lesson.steps[step].question.as_ref().expect("a question");
    run.unwrap().answer(&q.answer).unwrap()
}

fn lesson(n: usize) -> Lesson {
    lessons::built_in().remove(n - 1)
}

pub async fn rows_and_keys(t: TestDb) {
    let l = lesson(1);
    let runs = take(&t, &l).await;
    let mysql = t.backend == crate::backend::Backend::Mysql;
    // One INSERT with RETURNING; SeaORM's MySQL driver reads the row back instead.
    assert_eq!(
        answer(runs[1].as_ref(), &l, 1),
        Expected::Number(if mysql { 2 } else { 1 })
    );
    assert_eq!(
        answer(runs[2].as_ref(), &l, 2),
        Expected::Number(0),
        "bad input sends nothing"
    );
    assert!(runs[2].as_ref().unwrap().outcome.is_err());
    assert_eq!(
        answer(runs[3].as_ref(), &l, 3),
        Expected::YesNo(!mysql),
        "RETURNING"
    );
    assert_eq!(
        answer(runs[4].as_ref(), &l, 4),
        Expected::YesNo(true),
        "the unique key refuses"
    );
    let refused = runs[4]
        .as_ref()
        .unwrap()
        .outcome
        .as_ref()
        .unwrap_err()
        .to_string();
    assert!(refused.contains("email"), "{refused}");
}

pub async fn a_transaction(t: TestDb) {
    let l = lesson(2);
    let runs = take(&t, &l).await;
    let first = runs[0].as_ref().unwrap();
    let c = lessons::LogCounts::of(&first.entries);
    assert_eq!((c.begins, c.commits, c.rollbacks), (1, 1, 0));
    assert_eq!(answer(runs[1].as_ref(), &l, 1), Expected::Number(1));
    assert_eq!(
        answer(runs[2].as_ref(), &l, 2),
        Expected::YesNo(true),
        "out of stock: ROLLBACK"
    );
    let c = lessons::LogCounts::of(&runs[2].as_ref().unwrap().entries);
    assert_eq!((c.commits, c.rollbacks), (0, 1));
    assert_eq!(
        answer(runs[3].as_ref(), &l, 3),
        Expected::Number(1),
        "nothing was written"
    );
}

pub async fn n_plus_one(t: TestDb) {
    let l = lesson(3);
    let runs = take(&t, &l).await;
    assert_eq!(answer(runs[0].as_ref(), &l, 0), Expected::Number(21));
    assert_eq!(answer(runs[1].as_ref(), &l, 1), Expected::Number(1));
    let added = runs[2]
        .as_ref()
        .unwrap()
        .outcome
        .as_ref()
        .expect("1,980 orders added");
    assert_eq!(added["orders"], Int(1980));
    assert_eq!(answer(runs[3].as_ref(), &l, 3), Expected::Number(2001));
    assert_eq!(answer(runs[4].as_ref(), &l, 4), Expected::Number(1));
}

pub async fn isolation(t: TestDb) {
    let l = lesson(4);
    let runs = take(&t, &l).await;
    let reads = |i: usize| {
        let f = runs[i].as_ref().unwrap().outcome.as_ref().unwrap();
        (f["before"].clone(), f["during"].clone(), f["after"].clone())
    };
    // No dirty read anywhere.
    assert_eq!(answer(runs[1].as_ref(), &l, 1), Expected::YesNo(false));
    assert_eq!(
        reads(1),
        (Int(50), Int(50), Int(if sqlite(&t) { 50 } else { 49 }))
    );
    // READ COMMITTED sees B's commit on the servers; SQLite keeps its snapshot.
    assert_eq!(
        answer(runs[2].as_ref(), &l, 2),
        Expected::YesNo(!sqlite(&t))
    );
    // A's three reads are all in A's transaction, though B's began and ended between them.
    let entries = &runs[2].as_ref().unwrap().entries;
    let of = |who: &str| -> Vec<&orderdesk::sql_log::Entry> {
        entries
            .iter()
            .filter(|e| e.action.as_ref().is_some_and(|a| &*a.label == who))
            .collect()
    };
    let (a, b) = (of("A"), of("B"));
    assert_eq!(
        (a.len(), b.len()),
        (5, 3),
        "A: BEGIN, 3 SELECTs, COMMIT; B: BEGIN, UPDATE, COMMIT"
    );
    let a_tx = a[0].tx;
    assert!(a_tx.is_some() && a.iter().all(|e| e.tx == a_tx), "{a:?}");
    assert!(b.iter().all(|e| e.tx.is_some() && e.tx != a_tx), "{b:?}");
    // REPEATABLE READ never does.
    assert_eq!(answer(runs[3].as_ref(), &l, 3), Expected::YesNo(false));
    assert_eq!(reads(3), (Int(48), Int(48), Int(48)));
}

fn sqlite(t: &TestDb) -> bool {
    t.backend == crate::backend::Backend::Sqlite
}

pub async fn the_lost_update(t: TestDb) {
    let l = lesson(5);
    let runs = take(&t, &l).await;
    let figure =
        |i: usize, name: &str| runs[i].as_ref().unwrap().outcome.as_ref().unwrap()[name].clone();
    // The naive run oversells, every time: the barrier makes every clerk read 3.
    assert_eq!(answer(runs[0].as_ref(), &l, 0), Expected::Number(8));
    assert_eq!(figure(0, "oversold"), Int(5));
    assert_eq!(figure(0, "stock_after"), Int(2));
    // The conditional UPDATE never does.
    assert_eq!(answer(runs[1].as_ref(), &l, 1), Expected::Number(3));
    assert_eq!(figure(1, "refused_orders"), Int(5));
    assert_eq!(figure(1, "stock_after"), Int(0));
}

pub async fn the_outbox(t: TestDb) {
    let l = lesson(6);
    let runs = take(&t, &l).await;
    assert_eq!(answer(runs[0].as_ref(), &l, 0), Expected::YesNo(true));
    assert_eq!(answer(runs[1].as_ref(), &l, 1), Expected::Number(0));
    assert_eq!(answer(runs[2].as_ref(), &l, 2), Expected::Number(1));
    assert_eq!(answer(runs[3].as_ref(), &l, 3), Expected::Number(1));
}

pub async fn the_fast_path(t: TestDb) {
    let l = lesson(7);
    let runs = take(&t, &l).await;
    let mysql = t.backend == crate::backend::Backend::Mysql;
    // Two tracked products and an untracked one: see tests/service/fast_paths.rs.
    let (fast, builder) = if mysql { (8, 10) } else { (3, 7) };
    assert_eq!(answer(runs[0].as_ref(), &l, 0), Expected::Number(fast));
    assert_eq!(answer(runs[1].as_ref(), &l, 1), Expected::Number(builder));
    assert_eq!(answer(runs[2].as_ref(), &l, 2), Expected::Number(1));
    assert_eq!(answer(runs[3].as_ref(), &l, 3), Expected::Number(3));
    let figure = |step: usize, name: &str| {
        runs[step].as_ref().unwrap().outcome.as_ref().unwrap()[name].clone()
    };
    // Untracked products: 30 orders each way.
    assert_eq!(figure(4, "fast_statements"), Int(if mysql { 6 } else { 2 }));
    assert_eq!(
        figure(4, "builder_statements"),
        Int(if mysql { 8 } else { 6 })
    );
    assert_eq!(figure(5, "fast_statements"), Int(1));
    assert_eq!(figure(5, "builder_statements"), Int(3));
    for step in [4, 5] {
        let fastest = match answer(runs[step].as_ref(), &l, step) {
            Expected::Text(t) => t,
            other => panic!("{other:?}"),
        };
        let us = |name| match figure(step, name) {
            Int(n) => n,
            other => panic!("{other:?}"),
        };
        assert!(us("fast_us") > 0 && us("builder_us") > 0);
        assert_eq!(fastest == "fast", us("fast_us") <= us("builder_us"));
    }
}

crate::on_every_backend!(
    rows_and_keys,
    a_transaction,
    n_plus_one,
    isolation,
    the_lost_update,
    the_outbox,
    the_fast_path
);

/// A SQLite sandbox left by a process that was killed is removed when the next one is made; a
/// living process's is left alone.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_dead_process_s_sqlite_sandbox_is_removed() {
    let prefix = "orderdesk_test_lesson_stale_";
    let tmp = std::env::temp_dir();
    // No process has id 999999999 (above Linux's pid_max); process 1 always lives.
    let dead = tmp.join(format!("{prefix}999999999_0_1.db"));
    let alive = tmp.join(format!("{prefix}1_0_1.db"));
    std::fs::write(&dead, "").unwrap();
    std::fs::write(&alive, "").unwrap();
    let sandbox = Sandbox::create("sqlite://ignored.db", prefix)
        .await
        .unwrap();
    assert!(!dead.exists(), "the dead process's sandbox is gone");
    assert!(alive.exists(), "a living process's sandbox stays");
    std::fs::remove_file(&alive).unwrap();
    let place = sandbox.describe();
    sandbox.remove().await.unwrap();
    assert!(!std::path::Path::new(&place).exists(), "{place} is removed");
}
