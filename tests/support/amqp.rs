//! A RabbitMQ of the tests: the broker under `ORDERDESK_TEST_AMQP`, and an exchange and queue
//! names of a test's own (`orderdesk_test_*`), deleted when the test ends, even by a panic.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use lapin::options::{ExchangeDeleteOptions, QueueDeleteOptions};
use lapin::{Connection, ConnectionProperties};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The broker's URL; `None` (skipped) when `ORDERDESK_TEST_AMQP` is not set, a failure when
/// `ORDERDESK_REQUIRE_AMQP=1`.
pub fn broker() -> Option<String> {
    match std::env::var("ORDERDESK_TEST_AMQP") {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().to_owned()),
        _ => {
            assert!(
                std::env::var("ORDERDESK_REQUIRE_AMQP").as_deref() != Ok("1"),
                "ORDERDESK_REQUIRE_AMQP=1 but ORDERDESK_TEST_AMQP is not set: the broker tests \
                 cannot run"
            );
            eprintln!(
                "skipped: set ORDERDESK_TEST_AMQP=amqp://guest:guest@127.0.0.1:5672/%2f to run it"
            );
            None
        }
    }
}

/// An exchange and a queue name of the test's own on the broker.
pub struct Names {
    pub broker: String,
    pub exchange: String,
    pub queue: String,
}

impl Names {
    pub fn new() -> Option<Names> {
        let broker = broker()?;
        let name = format!(
            "orderdesk_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        Some(Names {
            broker,
            exchange: format!("{name}_x"),
            queue: format!("{name}_q"),
        })
    }
}

impl Drop for Names {
    fn drop(&mut self) {
        let (broker, exchange, queue) = (
            self.broker.clone(),
            self.exchange.clone(),
            self.queue.clone(),
        );
        // Drop runs in async tests too: a thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let Ok(conn) = Connection::connect(&broker, ConnectionProperties::default()).await
                else {
                    return;
                };
                if let Ok(channel) = conn.create_channel().await {
                    let _ = channel
                        .queue_delete(queue.as_str().into(), QueueDeleteOptions::default())
                        .await;
                    let _ = channel
                        .exchange_delete(exchange.as_str().into(), ExchangeDeleteOptions::default())
                        .await;
                }
                let _ = conn.close(200, "test over".into()).await;
            });
        })
        .join();
    }
}

/// `orderdesk consume`'s loop in the test, its queue bound before this returns.
pub struct Consumer {
    /// The lines it printed.
    pub lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    /// Raised to stop it (and whatever else watches it); the consumer raises it itself once it
    /// has printed the lines it was asked for.
    pub stop: tokio::sync::watch::Sender<bool>,
    pub task: tokio::task::JoinHandle<Result<orderdesk::relay::consume::Consumed, String>>,
}

impl Consumer {
    /// A consumer of `names`' exchange bound with `binds`; it stops after `want` lines.
    pub async fn start(names: &Names, binds: &[&str], want: usize) -> Consumer {
        use orderdesk::relay::consume::{self, ConsumeOptions};
        let (stop, watching) = tokio::sync::watch::channel(false);
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let bound = std::sync::Arc::new(tokio::sync::Notify::new());
        let options = ConsumeOptions {
            amqp: names.broker.clone(),
            exchange: names.exchange.clone(),
            queue: None,
            binds: binds.iter().map(|b| (*b).to_owned()).collect(),
        };
        let mut out = Lines {
            printed: lines.clone(),
            want,
            stop: stop.clone(),
            partial: Vec::new(),
        };
        let told = bound.clone();
        let task = tokio::spawn(async move {
            let say = move |line: &str| {
                if line.starts_with("consume: queue") {
                    told.notify_one();
                }
            };
            consume::run(&options, watching, &mut out, &say).await
        });
        tokio::time::timeout(std::time::Duration::from_secs(10), bound.notified())
            .await
            .expect("the consumer binds its queue");
        Consumer { lines, stop, task }
    }

    /// The lines so far, each a JSON event.
    pub fn events(&self) -> Vec<serde_json::Value> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Waits, with a deadline, until it has printed `n` lines.
    pub async fn wait_for(&self, n: usize) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_mins(1);
        while self.lines.lock().unwrap().len() < n {
            assert!(
                tokio::time::Instant::now() < deadline,
                "only {} of {n} messages arrived",
                self.lines.lock().unwrap().len()
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
}

/// The consumer's output, a line each; raises `stop` once `want` lines are in.
struct Lines {
    printed: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    want: usize,
    stop: tokio::sync::watch::Sender<bool>,
    partial: Vec<u8>,
}

impl std::io::Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.partial.extend_from_slice(buf);
        while let Some(end) = self.partial.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=end).collect();
            let mut lines = self.printed.lock().unwrap();
            lines.push(String::from_utf8_lossy(&line[..end]).into_owned());
            if lines.len() >= self.want {
                let _ = self.stop.send(true);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
