//! The process's counters for Prometheus, and the small HTTP endpoint that serves them with the
//! health checks: `/metrics` (Prometheus text), `/healthz` (the process is alive) and `/readyz`
//! (connected to the chat platform with the responses loaded).
//!
//! The counters are process-wide, like the log: every part of the bot counts into [`METRICS`]
//! without it being passed around, and the endpoint reads it. Labels are fixed words (reasons,
//! kinds, outcomes), HTTP status codes, shard numbers and the catalog's own topic ids; this
//! module must never be given a user id, a channel id or message text for a label, which is why
//! every label is an enum or a number except the topic id. It never decides anything the bot
//! does.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tracing::{debug, info, warn};

/// The process's counters.
pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

/// Why the bot said nothing to a message it considered.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)] // the label values, as Prometheus shows them
pub enum Silence {
    /// No reviewed answer scored high enough (or the message was no question).
    unsure,
    /// The same answer was given in the channel within the cooldown.
    cooldown,
    /// The member was over the per-user limit.
    user_limit,
    /// Too many replies were pending (a raid).
    backlog,
}

/// What kind of interaction a member started.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum Interaction {
    command,
    button,
    dismiss,
    autocomplete,
}

/// How a reload ended.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum Outcome {
    ok,
    refused,
}

/// Which safety notice a message was routed to.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum SafetyRoute {
    crisis,
    advice,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SafetyLabel {
    route: SafetyRoute,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TopicLabel {
    /// A topic id from the catalog: chosen by the reviewers, bounded by the catalog.
    topic: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: Silence,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: Interaction,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: Outcome,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    /// An HTTP status code, or 0 when no answer came (a timeout, a refused connection).
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ShardLabel {
    shard: u32,
}

/// Every counter the bot keeps, and whether it is ready.
pub struct Metrics {
    registry: Registry,
    answers: Family<TopicLabel, Counter>,
    silences: Family<ReasonLabel, Counter>,
    safety_routes: Family<SafetyLabel, Counter>,
    interactions: Family<KindLabel, Counter>,
    reloads: Family<OutcomeLabel, Counter>,
    rest_errors: Family<StatusLabel, Counter>,
    retries: Counter,
    latency: Family<ShardLabel, Gauge<f64, std::sync::atomic::AtomicU64>>,
    ready: Gauge,
    health: Health,
}

/// Readiness: the responses are loaded and every shard this process runs is connected.
#[derive(Default)]
struct Health {
    loaded: AtomicBool,
    expected_shards: Mutex<BTreeSet<u32>>,
    connected_shards: Mutex<BTreeSet<u32>>,
}

impl Metrics {
    fn new() -> Metrics {
        let mut registry = Registry::with_prefix("immunobot");
        let metrics = Metrics {
            answers: Family::default(),
            silences: Family::default(),
            safety_routes: Family::default(),
            interactions: Family::default(),
            reloads: Family::default(),
            rest_errors: Family::default(),
            retries: Counter::default(),
            latency: Family::default(),
            ready: Gauge::default(),
            health: Health::default(),
            registry: Registry::default(),
        };
        registry.register(
            "answers",
            "Reviewed answers sent, by topic",
            metrics.answers.clone(),
        );
        registry.register(
            "silences",
            "Messages considered and not answered, by reason",
            metrics.silences.clone(),
        );
        registry.register(
            "safety_routes",
            "Messages the safety router sent to a notice, by notice (shown or not)",
            metrics.safety_routes.clone(),
        );
        registry.register(
            "interactions",
            "Interactions handled, by kind",
            metrics.interactions.clone(),
        );
        registry.register(
            "reloads",
            "Reloads of the responses, by outcome",
            metrics.reloads.clone(),
        );
        registry.register(
            "rest_errors",
            "Failed requests to send a reply, by HTTP status (0: no answer)",
            metrics.rest_errors.clone(),
        );
        registry.register(
            "retries",
            "Replies sent again after a failed attempt",
            metrics.retries.clone(),
        );
        registry.register(
            "gateway_latency_seconds",
            "Heartbeat round trip of each connected shard",
            metrics.latency.clone(),
        );
        registry.register(
            "ready",
            "1 when connected with the responses loaded, else 0",
            metrics.ready.clone(),
        );
        Metrics {
            registry,
            ..metrics
        }
    }

    pub fn answered(&self, topic: &str) {
        self.answers
            .get_or_create(&TopicLabel {
                topic: topic.to_string(),
            })
            .inc();
    }

    pub fn silent(&self, reason: Silence) {
        self.silences.get_or_create(&ReasonLabel { reason }).inc();
    }

    pub fn safety_route(&self, route: SafetyRoute) {
        self.safety_routes
            .get_or_create(&SafetyLabel { route })
            .inc();
    }

    pub fn interaction(&self, kind: Interaction) {
        self.interactions.get_or_create(&KindLabel { kind }).inc();
    }

    pub fn reloaded(&self, outcome: Outcome) {
        self.reloads.get_or_create(&OutcomeLabel { outcome }).inc();
    }

    /// A request that failed: its HTTP status, or `None` when no answer came.
    pub fn rest_error(&self, status: Option<u16>) {
        self.rest_errors
            .get_or_create(&StatusLabel {
                status: status.unwrap_or(0),
            })
            .inc();
    }

    pub fn retried(&self) {
        self.retries.inc();
    }

    pub fn shard_latency(&self, shard: u32, latency: Option<Duration>) {
        let label = ShardLabel { shard };
        match latency {
            Some(latency) => {
                self.latency
                    .get_or_create(&label)
                    .set(latency.as_secs_f64());
            }
            None => {
                self.latency.remove(&label);
            }
        }
    }

    /// The responses are loaded and these shards are the ones this process runs.
    pub fn loaded(&self, shards: impl IntoIterator<Item = u32>) {
        *lock(&self.health.expected_shards) = shards.into_iter().collect();
        self.health.loaded.store(true, Ordering::SeqCst);
        self.update_ready();
    }

    pub fn shard_connected(&self, shard: u32, connected: bool) {
        {
            let mut shards = lock(&self.health.connected_shards);
            if connected {
                shards.insert(shard);
            } else {
                shards.remove(&shard);
            }
        }
        self.update_ready();
    }

    pub fn is_ready(&self) -> bool {
        let expected = lock(&self.health.expected_shards);
        self.health.loaded.load(Ordering::SeqCst)
            && !expected.is_empty()
            && expected.is_subset(&lock(&self.health.connected_shards))
    }

    fn update_ready(&self) {
        self.ready.set(i64::from(self.is_ready()));
    }

    /// The Prometheus text exposition of every counter.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Scrapes at once; more wait for the listener's backlog. A scraper is one or two processes.
const MAX_CONNECTIONS: usize = 16;
/// How long one connection may stay open: a scrape takes milliseconds.
const CONNECTION_TIME: Duration = Duration::from_secs(10);

/// Binds `addr` now (so a taken port is an error at start), and serves the endpoints on it in
/// the background for as long as the runtime runs.
pub async fn serve(addr: SocketAddr) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|err| anyhow::anyhow!("cannot listen for metrics on {addr}: {err}"))?;
    let local = listener.local_addr()?;
    info!(%local, "serving /metrics, /healthz and /readyz");
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    tokio::spawn(async move {
        loop {
            let Ok(permit) = permits.clone().acquire_owned().await else {
                return;
            };
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // Out of file descriptors, say: wait a moment instead of spinning.
                    warn!(error = %err, "cannot accept a metrics connection");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            };
            tokio::spawn(async move {
                let connection = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service_fn(respond));
                match tokio::time::timeout(CONNECTION_TIME, connection).await {
                    Ok(Ok(())) => {}
                    Ok(Err(err)) => debug!(error = %err, "a metrics connection failed"),
                    Err(_) => debug!("closed a metrics connection that stayed open too long"),
                }
                drop(permit);
            });
        }
    });
    Ok(local)
}

async fn respond(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let (status, content_type, body) = route(request.method(), request.uri().path());
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    if let Ok(value) = content_type.parse() {
        response.headers_mut().insert("content-type", value);
    }
    Ok(response)
}

const TEXT: &str = "text/plain; charset=utf-8";
/// The Prometheus text format the encoder writes (OpenMetrics).
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

fn route(method: &Method, path: &str) -> (StatusCode, &'static str, String) {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, TEXT, "GET only\n".into());
    }
    match path {
        "/metrics" => (StatusCode::OK, OPENMETRICS, METRICS.encode()),
        "/healthz" => (StatusCode::OK, TEXT, "alive\n".into()),
        "/readyz" if METRICS.is_ready() => (StatusCode::OK, TEXT, "ready\n".into()),
        "/readyz" => (
            StatusCode::SERVICE_UNAVAILABLE,
            TEXT,
            "not ready: not connected, or the responses are not loaded\n".into(),
        ),
        _ => (
            StatusCode::NOT_FOUND,
            TEXT,
            "not found: /metrics, /healthz, /readyz\n".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_words_numbers_and_topic_ids() {
        let metrics = Metrics::new();
        metrics.answered("car-t");
        metrics.silent(Silence::cooldown);
        metrics.safety_route(SafetyRoute::crisis);
        metrics.interaction(Interaction::button);
        metrics.reloaded(Outcome::refused);
        metrics.rest_error(Some(429));
        metrics.rest_error(None);
        metrics.retried();
        metrics.shard_latency(0, Some(Duration::from_millis(250)));
        let text = metrics.encode();
        for line in [
            r#"immunobot_answers_total{topic="car-t"} 1"#,
            r#"immunobot_silences_total{reason="cooldown"} 1"#,
            r#"immunobot_safety_routes_total{route="crisis"} 1"#,
            r#"immunobot_interactions_total{kind="button"} 1"#,
            r#"immunobot_reloads_total{outcome="refused"} 1"#,
            r#"immunobot_rest_errors_total{status="429"} 1"#,
            r#"immunobot_rest_errors_total{status="0"} 1"#,
            "immunobot_retries_total 1",
            r#"immunobot_gateway_latency_seconds{shard="0"} 0.25"#,
            "immunobot_ready 0",
        ] {
            assert!(text.contains(line), "missing {line} in\n{text}");
        }
    }

    #[test]
    fn ready_needs_the_responses_and_every_shard_connected() {
        let metrics = Metrics::new();
        assert!(!metrics.is_ready());
        metrics.shard_connected(0, true);
        assert!(!metrics.is_ready(), "connected without responses");
        metrics.loaded([0, 1]);
        assert!(!metrics.is_ready(), "shard 1 is not connected");
        metrics.shard_connected(1, true);
        assert!(metrics.is_ready());
        assert!(metrics.encode().contains("immunobot_ready 1"));
        metrics.shard_connected(0, false);
        assert!(!metrics.is_ready(), "a shard dropped");
    }

    #[test]
    fn unknown_paths_and_methods_are_refused() {
        assert_eq!(route(&Method::GET, "/").0, StatusCode::NOT_FOUND);
        assert_eq!(
            route(&Method::POST, "/metrics").0,
            StatusCode::METHOD_NOT_ALLOWED
        );
        assert_eq!(route(&Method::GET, "/healthz").0, StatusCode::OK);
    }
}
