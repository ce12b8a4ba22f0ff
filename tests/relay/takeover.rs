//! Two `orderdesk relay` processes on one database: only the one holding the relay lock
//! publishes; when it is killed (SIGKILL), the other takes over within seconds, and every event
//! arrives, the ones written meanwhile included; SIGTERM stops a relay cleanly.

use std::io::BufRead as _;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::amqp::{Consumer, Names};
use crate::backend::TestDb;

crate::on_every_backend!(a_killed_relay_is_replaced_and_no_event_is_lost);

/// A relay process and the lines of its stderr.
pub struct Relay {
    pub child: Child,
    said: Arc<Mutex<Vec<String>>>,
}

impl Relay {
    fn start(url: &str, names: &Names) -> Relay {
        Relay::start_with(url, names, &[])
    }

    /// A relay with more options.
    pub fn start_with(url: &str, names: &Names, more: &[&str]) -> Relay {
        let mut child = Command::new(env!("CARGO_BIN_EXE_orderdesk"))
            .env_remove("DATABASE_URL")
            .env_remove("ORDERDESK_DATABASE_URL")
            .args(["--database-url", url, "relay", "--poll-ms", "20"])
            .args(["--amqp", &names.broker, "--exchange", &names.exchange])
            .args(more)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let said = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let lines = said.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                lines.lock().unwrap().push(line);
            }
        });
        Relay { child, said }
    }

    /// Waits, with a deadline, until the relay has said something containing `what`.
    pub fn wait_for(&self, what: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while !self.said.lock().unwrap().iter().any(|l| l.contains(what)) {
            assert!(
                Instant::now() < deadline,
                "the relay never said {what:?}: {:?}",
                self.said.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn said(&self, what: &str) -> bool {
        self.said.lock().unwrap().iter().any(|l| l.contains(what))
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn a_killed_relay_is_replaced_and_no_event_is_lost(t: TestDb) {
    let Some(names) = Names::new() else {
        return;
    };
    let db = &t.db;
    let (user, mug) = crate::shop(db, None).await;
    let consumer = Consumer::start(&names, &["#"], usize::MAX).await;
    crate::place(db, user, mug, 3).await;
    let relay = doctor(&t.url);
    assert_eq!(
        (&relay["unpublished"], &relay["running"]),
        (&serde_json::json!(3), &serde_json::json!(false)),
        "{relay}"
    );

    let mut first = Relay::start(&t.url, &names);
    first.wait_for("holds the relay lock", Duration::from_secs(20));
    let second = Relay::start(&t.url, &names);
    second.wait_for("waiting to take over", Duration::from_secs(20));
    assert_eq!(doctor(&t.url)["running"], true);

    crate::place(db, user, mug, 97).await;
    consumer.wait_for(100).await;
    assert!(
        !second.said("holds the relay lock"),
        "only one relay publishes"
    );

    // The first dies; orders go on meanwhile; the second takes over.
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    crate::place(db, user, mug, 100).await;
    second.wait_for("holds the relay lock", Duration::from_secs(10));
    consumer.wait_for(200).await;

    // Every event, each once (the consumer drops a repeat), in id order per order.
    let events = consumer.events();
    let _ = consumer.stop.send(true);
    let consumed = consumer.task.await.unwrap().unwrap();
    let mut seen: Vec<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(consumed.printed, 200);
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 200, "no event lost, none printed twice");
    // The consumer can have a message before the relay has marked it: wait for the marks.
    assert_eq!(crate::wait_for_empty_outbox(db).await, 0);

    // SIGTERM stops the relay that took over, cleanly.
    let mut second = second;
    let status = Command::new("kill")
        .args(["-TERM", &second.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let code = second.child.wait().unwrap();
    assert!(code.success(), "{code:?}");
    second.wait_for("relay: stopped", Duration::from_secs(5));
    let relay = doctor(&t.url);
    assert_eq!(
        (&relay["unpublished"], &relay["running"]),
        (&serde_json::json!(0), &serde_json::json!(false)),
        "{relay}"
    );
    let said = second.said.lock().unwrap().join("\n");
    assert!(
        !said.contains("guest:guest"),
        "no password on stderr: {said}"
    );
}

/// `doctor --json`'s view of the relay.
fn doctor(url: &str) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .env_remove("DATABASE_URL")
        .env_remove("ORDERDESK_DATABASE_URL")
        .args(["--database-url", url, "--json", "doctor"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["relay"].clone()
}
