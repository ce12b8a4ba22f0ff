//! `--log-sql FILE`: a command's statements as an annotated SQL file, which, replayed with the
//! database's own shell (sqlite3, psql, mariadb) on a copy of the starting state, gives the same
//! rows; a refused command's file rolls back and changes nothing.

use crate::backend::{DbDrop, TestDb, fresh_url};
use crate::replay::replay;
use crate::{fails, json, ok};

crate::on_every_backend!(a_handout_replays_to_the_same_rows);

/// What a reader sees of the rows: every order with its items, every product, the figures
/// recounted from the rows.
fn rows(url: &str) -> Vec<serde_json::Value> {
    vec![
        json(url, &["order", "list", "--limit", "100"]),
        json(url, &["product", "list", "--limit", "100"]),
        json(url, &["stats", "--recount"]),
    ]
}

async fn a_handout_replays_to_the_same_rows(t: TestDb) {
    let url = &t.url;
    let seed = ["seed", "--demo", "--today", "2026-11-22"];
    ok(url, &seed);
    // The starting state again, in a database of its own.
    let (copy, _dir, server) = fresh_url(t.backend).await.unwrap();
    let _drop = DbDrop(server);
    ok(&copy, &seed);
    assert_eq!(rows(url), rows(&copy));

    let dir = tempfile::tempdir().unwrap();
    let file = |n: usize| dir.path().join(format!("step{n}.sql"));
    let steps: [(&[&str], i32); 4] = [
        (
            &[
                "order", "add", "--user", "1", "--item", "2:1", "--item", "4:2",
            ],
            0,
        ),
        (&["order", "status", "40", "confirmed"], 0),
        (&["order", "cancel", "39"], 0),
        // Refused: out of stock. Its file rolls back.
        (&["order", "add", "--user", "1", "--item", "15:6"], 1),
    ];
    for (n, (args, code)) in steps.iter().enumerate() {
        let path = file(n);
        let log = ["--log-sql", path.to_str().unwrap()];
        let args: Vec<&str> = log.iter().chain(args.iter()).copied().collect();
        if *code == 0 {
            ok(url, &args);
        } else {
            fails(url, &args, *code);
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("-- orderdesk's SQL log: "), "{text}");
        assert!(
            text.contains(&format!("\n-- --database-url {url} --log-sql ")),
            "{text}"
        );
        let last = if *code == 0 {
            "COMMIT; -- transaction"
        } else {
            "ROLLBACK; -- transaction"
        };
        assert!(text.contains(last), "{text}");
        replay(t.backend, &copy, &path);
    }
    assert_eq!(
        rows(url),
        rows(&copy),
        "the replayed copy has the same rows"
    );
}
