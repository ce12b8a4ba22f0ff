//! Publish and consume: 1,000 orders, status changes and cancels; every event arrives, in the
//! order it was written per order, and the outbox is empty afterwards.

use std::collections::HashMap;
use std::time::Duration;

use orderdesk::relay::{self, RelayOptions};
use orderdesk::service::{self, Status, outbox};

use crate::amqp::{Consumer, Names};
use crate::backend::TestDb;

crate::on_every_backend!(every_event_arrives_once_in_order_per_order);

const ORDERS: usize = 1_000;

async fn every_event_arrives_once_in_order_per_order(t: TestDb) {
    let Some(names) = Names::new() else {
        return;
    };
    let db = &t.db;
    let (user, mug) = crate::shop(db, Some(1_000_000)).await;
    let mut ids = Vec::with_capacity(ORDERS);
    for i in 0..ORDERS {
        let order = service::create_order(db, crate::mugs(user, mug, 1 + (i as i64 % 3)))
            .await
            .unwrap();
        ids.push(order.id);
    }
    for (i, id) in ids.iter().enumerate() {
        match i % 10 {
            0 | 1 => {
                service::set_order_status(db, *id, Status::Confirmed)
                    .await
                    .unwrap();
                service::set_order_status(db, *id, Status::Shipped)
                    .await
                    .unwrap();
            }
            2 => {
                service::cancel_order(db, *id).await.unwrap();
            }
            _ => {}
        }
    }
    let events = outbox::relay_lag(db).await.unwrap().unpublished as usize;
    assert_eq!(events, ORDERS + 2 * ORDERS / 10 * 2 + ORDERS / 10);

    // The consumer first, so that its queue is bound before anything is published; it stops
    // itself, and the relay, once every event is in.
    let consumer = Consumer::start(&names, &["order.*"], events).await;
    let stop = consumer.stop.subscribe();
    let lines = consumer.lines.clone();
    let relay = {
        let options = RelayOptions {
            amqp: names.broker.clone(),
            exchange: names.exchange.clone(),
            batch: 200,
            poll: Duration::from_millis(20),
        };
        let db = db.clone();
        tokio::spawn(async move { relay::run(&db, &options, stop, &|_: &str| {}).await })
    };
    let consumed = tokio::time::timeout(Duration::from_mins(1), consumer.task)
        .await
        .expect("every event arrives within a minute")
        .unwrap()
        .unwrap();
    let report = relay.await.unwrap().unwrap();
    let consumer_events: Vec<serde_json::Value> = lines
        .lock()
        .unwrap()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(report.published as usize, events);
    assert_eq!(consumed.printed as usize, events);
    assert_eq!(consumed.duplicates, 0);

    // Every event once, and per order in the order it was written.
    let mut per_order: HashMap<i64, Vec<i64>> = HashMap::new();
    for event in consumer_events {
        per_order
            .entry(event["order_id"].as_i64().unwrap())
            .or_default()
            .push(event["id"].as_i64().unwrap());
    }
    assert_eq!(per_order.len(), ORDERS);
    for id in &ids {
        let got = &per_order[id];
        let written: Vec<i64> = service::list_order_events(db, Some(*id), None, None)
            .await
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(got, &written, "order {id}");
    }
    let lag = outbox::relay_lag(db).await.unwrap();
    assert_eq!((lag.unpublished, lag.oldest), (0, None));
}
