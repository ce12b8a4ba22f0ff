//! The relay and the consumer on a real RabbitMQ (`ORDERDESK_TEST_AMQP`), on every backend:
//! every event arrives, in order per order, once; only one relay publishes a database's events,
//! and another takes over when it is killed, losing nothing.

#[path = "../support/backend.rs"]
mod backend;

#[path = "../support/amqp.rs"]
mod amqp;

mod delivery;
mod faults;
mod takeover;
