//! Faults: the relay killed (SIGKILL) 20 times while 8 writers place 2,000 orders, and the broker
//! cut off by a TCP proxy between relay and broker, then restored. Nothing is lost; repeats after
//! a kill are counted and never more than the batches in flight.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use orderdesk::relay::{self, RelayOptions};
use orderdesk::service::{self, outbox};
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::amqp::{Consumer, Names};
use crate::backend::TestDb;
use crate::takeover::Relay;

crate::on_every_backend!(
    a_relay_killed_20_times_loses_nothing,
    a_broker_outage_loses_nothing,
);

const ORDERS: usize = 2_000;
const WRITERS: usize = 8;
const KILLS: usize = 20;
const BATCH: u64 = 50;

async fn a_relay_killed_20_times_loses_nothing(t: TestDb) {
    let Some(names) = Names::new() else {
        return;
    };
    let (user, mug) = crate::shop(&t.db, None).await;
    let consumer = Consumer::start(&names, &["#"], usize::MAX).await;
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            let db = t.db.clone();
            tokio::spawn(async move {
                for _ in 0..ORDERS / WRITERS {
                    service::create_order(&db, crate::mugs(user, mug, 1))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    let mut rng = fastrand::Rng::with_seed(20);
    for _ in 0..KILLS {
        let mut relay = Relay::start_with(&t.url, &names, &["--batch", &BATCH.to_string()]);
        relay.wait_for("connected to", Duration::from_secs(20));
        // Somewhere in its work: a batch read, on its way to the broker, or being marked.
        tokio::time::sleep(Duration::from_millis(rng.u64(0..60))).await;
        relay.child.kill().unwrap();
        relay.child.wait().unwrap();
    }
    for w in writers {
        w.await.unwrap();
    }
    let last = Relay::start_with(&t.url, &names, &["--batch", &BATCH.to_string()]);
    consumer.wait_for(ORDERS).await;
    let lag = crate::wait_for_empty_outbox(&t.db).await;
    assert_eq!(lag, 0);
    drop(last);
    let events = consumer.events();
    let _ = consumer.stop.send(true);
    let consumed = consumer.task.await.unwrap().unwrap();
    let mut ids: Vec<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        ids.len(),
        ORDERS,
        "every event, once each after the repeats were dropped"
    );
    eprintln!(
        "{KILLS} kills: {} events, {} repeats dropped by the consumer",
        consumed.printed, consumed.duplicates
    );
    assert!(
        consumed.duplicates <= KILLS as u64 * BATCH,
        "{} repeats for {KILLS} kills of batches of {BATCH}",
        consumed.duplicates
    );
}

/// A TCP proxy to the broker that the test cuts (every connection closed, new ones refused)
/// and restores.
struct Proxy {
    port: u16,
    up: watch::Sender<bool>,
}

impl Proxy {
    async fn start(broker: &str) -> Proxy {
        let target = broker_address(broker);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (up, watching) = watch::channel(true);
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                if !*watching.borrow() {
                    continue; // down: the connection is dropped at once
                }
                let mut cut = watching.clone();
                let target = target.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Proxy { port, up }
    }

    /// The broker's URL through the proxy.
    fn url(&self, broker: &str) -> String {
        broker.replacen(
            &broker_address(broker),
            &format!("127.0.0.1:{}", self.port),
            1,
        )
    }
}

/// `host:port` of an `amqp://user:pass@host:port/vhost` URL.
fn broker_address(broker: &str) -> String {
    let rest = broker.split_once("://").map_or(broker, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest).to_owned()
}

async fn a_broker_outage_loses_nothing(t: TestDb) {
    let Some(names) = Names::new() else {
        return;
    };
    let (user, mug) = crate::shop(&t.db, None).await;
    let consumer = Consumer::start(&names, &["#"], usize::MAX).await;
    let proxy = Proxy::start(&names.broker).await;
    let said = Arc::new(Mutex::new(Vec::<String>::new()));
    let (stop_relay, stop) = watch::channel(false);
    let relay = {
        let options = RelayOptions {
            amqp: proxy.url(&names.broker),
            exchange: names.exchange.clone(),
            batch: 100,
            poll: Duration::from_millis(20),
        };
        let (db, said) = (t.db.clone(), said.clone());
        tokio::spawn(async move {
            let say = move |line: &str| said.lock().unwrap().push(line.to_owned());
            relay::run(&db, &options, stop, &say).await
        })
    };
    for _ in 0..200 {
        service::create_order(&t.db, crate::mugs(user, mug, 1))
            .await
            .unwrap();
    }
    consumer.wait_for(200).await;

    // The broker goes away for the relay; orders go on.
    let _ = proxy.up.send(false);
    for _ in 0..300 {
        service::create_order(&t.db, crate::mugs(user, mug, 1))
            .await
            .unwrap();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !said
        .lock()
        .unwrap()
        .iter()
        .any(|l| l.contains("cannot reach the broker"))
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the relay never said the broker was away: {:?}",
            said.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(outbox::relay_lag(&t.db).await.unwrap().unpublished > 0);

    // It comes back: the relay catches up.
    let _ = proxy.up.send(true);
    consumer.wait_for(500).await;
    assert_eq!(crate::wait_for_empty_outbox(&t.db).await, 0);
    let _ = stop_relay.send(true);
    let report = relay.await.unwrap().unwrap();
    assert!(report.connections >= 2, "{report:?}");
    let events = consumer.events();
    let _ = consumer.stop.send(true);
    consumer.task.await.unwrap().unwrap();
    let mut ids: Vec<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 500, "every event, once each");
    let said = said.lock().unwrap().join("\n");
    assert!(!said.contains("guest:guest"), "no password: {said}");
}
