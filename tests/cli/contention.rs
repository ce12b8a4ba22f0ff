//! Many clerks at once, as separate OS processes: each runs `orderdesk order add` in a loop for
//! one unit of a product with 50 in stock. Exactly 50 are sold; every refusal is the clean
//! out-of-stock message; nobody sees "database is locked" or a pool timeout.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::backend::{Backend, setup};
use crate::json;

const ATTEMPTS: usize = 1_000;
const STOCK: i64 = 50;

async fn clerks_never_oversell(backend: Backend, processes: usize) {
    let Some(t) = setup(backend).await else {
        return;
    };
    let url = t.url.clone();
    let user = json(
        &url,
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
        &url,
        &[
            "product",
            "add",
            "--name",
            "Last units",
            "--price",
            "1.00",
            "--stock",
            &STOCK.to_string(),
        ],
    );
    let user = user["id"].to_string();
    let pid = product["id"].as_i64().unwrap();
    let item = format!("{pid}:1");
    let next = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..processes)
        .map(|_| {
            let (url, user, item, next) = (url.clone(), user.clone(), item.clone(), next.clone());
            std::thread::spawn(move || {
                let (mut sold, mut refused) = (0, 0);
                while next.fetch_add(1, Ordering::Relaxed) < ATTEMPTS {
                    let out = crate::od(&url)
                        .args(["order", "add", "--user", &user, "--item", &item])
                        .output()
                        .unwrap();
                    let err = String::from_utf8_lossy(&out.stderr).into_owned();
                    match out.status.code() {
                        Some(0) => sold += 1,
                        Some(1) => {
                            assert_eq!(
                                err,
                                format!("error: item 1: product {pid} (Last units) has 0 left, 1 requested\n"),
                                "a refusal that is not the clean out-of-stock"
                            );
                            refused += 1;
                        }
                        other => panic!("exit {other:?}: {err}"),
                    }
                }
                (sold, refused)
            })
        })
        .collect();
    let (mut sold, mut refused) = (0, 0);
    for w in workers {
        let (s, r) = w.join().unwrap();
        sold += s;
        refused += r;
    }
    eprintln!("{processes} processes: {sold} sold, {refused} refused as out of stock");
    assert_eq!((sold, refused), (STOCK as usize, ATTEMPTS - STOCK as usize));
    let left = json(&url, &["product", "show", &pid.to_string()]);
    assert_eq!(left["stock"], 0);
    assert_eq!(
        json(&url, &["order", "list", "--limit", "1000"])["total"],
        STOCK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_on_sqlite() {
    clerks_never_oversell(Backend::Sqlite, 4).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_processes_on_postgres() {
    clerks_never_oversell(Backend::Postgres, 16).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_processes_on_mysql() {
    clerks_never_oversell(Backend::Mysql, 16).await;
}
