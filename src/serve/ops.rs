//! Operations: every request gets an id, a deadline and a line in the request log (method,
//! route, status, time, id; never a header, a body or a query string, so never a token or a
//! password), and is counted for `/metrics` (Prometheus text).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::error::ApiError;

/// How long a request may take unless told: past it the answer is 503 and its work is dropped
/// (a transaction rolls back).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The labels of a request's count.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Answered {
    method: String,
    route: String,
    status: String,
}

/// The labels of a request's time.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    method: String,
    route: String,
}

/// The request counter, the latency histogram, the requests in flight, the request ids.
#[derive(Debug, Clone)]
pub struct Ops {
    registry: Arc<Registry>,
    answered: Family<Answered, Counter>,
    seconds: Family<Route, Histogram>,
    in_flight: Gauge,
    next_id: Arc<AtomicU64>,
    timeout: Duration,
}

impl Ops {
    /// Fresh metrics; requests time out after `timeout`.
    #[must_use]
    pub fn new(timeout: Duration) -> Self {
        let mut registry = Registry::default();
        let answered = Family::<Answered, Counter>::default();
        let seconds = Family::<Route, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.000_5, 2.0, 16))
        });
        let in_flight = Gauge::default();
        registry.register(
            "orderdesk_http_requests",
            "Requests answered, by method, route and status",
            answered.clone(),
        );
        registry.register(
            "orderdesk_http_request_duration_seconds",
            "Time to answer, by method and route",
            seconds.clone(),
        );
        registry.register(
            "orderdesk_http_requests_in_flight",
            "Requests being answered now",
            in_flight.clone(),
        );
        Ops {
            registry: Arc::new(registry),
            answered,
            seconds,
            in_flight,
            next_id: Arc::new(AtomicU64::new(1)),
            timeout,
        }
    }

    /// The metrics in Prometheus' text format.
    #[must_use]
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

#[utoipa::path(get, path = "/metrics", operation_id = "metrics", tag = "operations", security(()),
    responses((status = 200, description = "Requests by route and status, latency histograms, requests in flight", content_type = "application/openmetrics-text", body = String)))]
/// `GET /metrics`.
pub async fn metrics(State(ops): State<Ops>) -> Response {
    let mut response = ops.text().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}

/// The middleware: id, deadline, log line, counts.
pub async fn observe(State(ops): State<Ops>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = ops.next_id.fetch_add(1, Ordering::Relaxed);
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(no route)".to_owned(), |p| p.as_str().to_owned());
    ops.in_flight.inc();
    // The request is one action: the SQL log and `serve --echo` group its statements.
    let label = format!("{method} {route} (request {id})");
    let run = crate::db::in_action(label, next.run(request));
    let mut response = match tokio::time::timeout(ops.timeout, run).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            None,
            format!(
                "no answer within {} s (the database may be busy or out of reach); nothing \
                 was written, try again",
                ops.timeout.as_secs_f64()
            ),
        )
        .into_response(),
    };
    ops.in_flight.dec();
    let status = response.status();
    let elapsed = started.elapsed();
    if let Ok(value) = HeaderValue::from_str(&id.to_string()) {
        response.headers_mut().insert("x-request-id", value);
    }
    ops.answered
        .get_or_create(&Answered {
            method: method.clone(),
            route: route.clone(),
            status: status.as_u16().to_string(),
        })
        .inc();
    ops.seconds
        .get_or_create(&Route {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(elapsed.as_secs_f64());
    tracing::info!(
        request_id = id,
        method = %method,
        route = %route,
        status = status.as_u16(),
        ms = (elapsed.as_secs_f64() * 1e5).round() / 100.0,
        "request"
    );
    response
}
