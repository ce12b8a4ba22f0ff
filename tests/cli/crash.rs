//! Crashes: a process that streams orders and status changes is killed with SIGKILL at
//! seeded-random moments, 50 times. Afterwards every order has all its items and events, and
//! stock + units sold in orders that are not cancelled = the starting stock. On both backends.

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::time::Duration;

use orderdesk::service::{self, ListQuery, OrderQuery, Status};

use crate::backend::TestDb;
use crate::json;

crate::on_every_backend!(kill_9_never_leaves_half_an_order);

const KILLS: usize = 50;
const START: i64 = 1_000_000;

async fn kill_9_never_leaves_half_an_order(t: TestDb) {
    let url = &t.url;
    let user = json(
        url,
        &[
            "user",
            "add",
            "--email",
            "clerk@example.com",
            "--name",
            "Clerk",
        ],
    );
    let product = json(
        url,
        &[
            "product",
            "add",
            "--name",
            "Bulk",
            "--price",
            "1.00",
            "--stock",
            &START.to_string(),
        ],
    );
    let (user, product) = (user["id"].to_string(), product["id"].to_string());
    let mut rng = fastrand::Rng::with_seed(0x0d_de5c);
    let mut inside = 0;
    for kill in 0..KILLS {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("orderdesk"))
            .env_remove("DATABASE_URL")
            .args([
                "--database-url",
                url,
                "stress",
                "--user",
                &user,
                "--product",
                &product,
            ])
            .args(["--seed", &kill.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        assert_eq!(first, "ready\n");
        // Let it write for a random moment, then kill it without warning.
        std::thread::sleep(Duration::from_micros(rng.u64(2_000..40_000)));
        child.kill().unwrap();
        child.wait().unwrap();
        let mut rest = String::new();
        out.read_to_string(&mut rest).unwrap();
        if rest.lines().last() == Some("B") {
            inside += 1;
        }
    }
    assert!(
        inside > KILLS / 2,
        "only {inside} of {KILLS} kills landed inside a transaction"
    );
    eprintln!(
        "{:?}: {inside} of {KILLS} kills landed inside a transaction",
        t.backend
    );

    let db = &t.db;
    let mut orders = Vec::new();
    let mut before = None;
    loop {
        let page = service::list_orders_page(
            db,
            OrderQuery {
                limit: Some(1000),
                before,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let Some(last) = page.last() else { break };
        before = Some(last.order.id);
        orders.extend(page);
    }
    // Kills mostly land inside transactions, so orders were being written; how many got
    // committed depends on the machine's load.
    assert!(!orders.is_empty(), "the process committed nothing");
    let mut sold = 0;
    for o in &orders {
        let detail = service::get_order(db, o.order.id).await.unwrap();
        let created = &detail.events[0];
        assert_eq!(created.event_type, "order_created");
        let lines = created.payload["items"].as_array().unwrap().len();
        assert_eq!(
            detail.order.items.len(),
            lines,
            "order {} has all its items",
            o.order.id
        );
        // created; confirmed adds one; a cancel adds one (from pending or from confirmed).
        let confirmed = detail.events.iter().any(|e| e.payload["to"] == "confirmed");
        let expected_events = match detail.order.status {
            Status::Pending => 1,
            Status::Confirmed => 2,
            Status::Cancelled => 2 + usize::from(confirmed),
            other => panic!("the stress never moves an order to {other}"),
        };
        assert_eq!(detail.events.len(), expected_events, "order {}", o.order.id);
        if detail.order.status == Status::Cancelled {
            assert_eq!(detail.events.last().unwrap().event_type, "order_cancelled");
        } else {
            sold += detail.order.total_quantity;
        }
    }
    let stock = service::list_products(db, &ListQuery::default())
        .await
        .unwrap()[0]
        .stock
        .unwrap();
    eprintln!(
        "{:?}: {} orders after the kills, each whole; {sold} units sold + {stock} in stock",
        t.backend,
        orders.len()
    );
    assert_eq!(stock + sold, START);
}
