//! The fake Discord server: REST (`/api/v10/...`) + gateway websocket (`/ws`) on 127.0.0.1.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::fixtures::{
    next_id, now_timestamp, user_json, FakeMessage, GatewayFixture, APPLICATION_ID, BOT_USERNAME,
    BOT_USER_ID, DEFAULT_CHANNEL_ID, GUILD_ID,
};

const API_PREFIX: &str = "/api/v10";

// =============================================================================================
// Public records
// =============================================================================================

/// One HTTP request the bot made.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// 0-based position in the request log.
    pub index: usize,
    /// Time since the fake started.
    pub at: Duration,
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path as received, e.g. `/api/v10/channels/1/messages`.
    pub full_path: String,
    /// Path without the `/api/v10` prefix, e.g. `/channels/1/messages` (same as `full_path`
    /// when the prefix is missing, which also makes the request "unexpected").
    pub path: String,
    /// Raw query string without `?` (serenity sends `&k=v&...`), empty when none.
    pub query: String,
    pub content_type: Option<String>,
    /// The `Authorization` header (`Bot <token>`): which bot process sent the request when
    /// each runs with its own token.
    pub authorization: Option<String>,
    pub raw_body: Vec<u8>,
    /// The JSON body; for multipart requests the `payload_json` part.
    pub json: Option<Value>,
    /// Parts of a multipart body (empty otherwise).
    pub multipart: Vec<MultipartPart>,
    /// False when the route is not one the fake knows (answered 404 unless a stub matched).
    pub known_route: bool,
    /// Status the fake answered with.
    pub status: u16,
    /// Description of the injected fault/stub that answered, if any.
    pub fault: Option<String>,
}

/// One part of a multipart/form-data body.
#[derive(Clone, Debug)]
pub struct MultipartPart {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

impl RecordedRequest {
    /// `method` matches (case-insensitive; `"*"` matches any) and `path` starts with
    /// `path_prefix` (the path without `/api/v10`).
    pub fn is(&self, method: &str, path_prefix: &str) -> bool {
        (method == "*" || self.method.eq_ignore_ascii_case(method))
            && self.path.starts_with(path_prefix)
    }

    /// `method` matches and the path (without `/api/v10`) equals `path` exactly.
    pub fn is_exactly(&self, method: &str, path: &str) -> bool {
        (method == "*" || self.method.eq_ignore_ascii_case(method)) && self.path == path
    }

    /// The JSON body (or multipart `payload_json`); panics when there is none.
    pub fn body(&self) -> &Value {
        self.json.as_ref().unwrap_or_else(|| {
            panic!(
                "request {} {} has no JSON body (raw: {:?})",
                self.method,
                self.full_path,
                self.body_str()
            )
        })
    }

    /// Part of the JSON body by JSON pointer (`"/message_reference/message_id"`), if present.
    /// Safe to use inside wait predicates (never panics).
    pub fn json_at(&self, pointer: &str) -> Option<&Value> {
        self.json.as_ref()?.pointer(pointer)
    }

    /// `body()["content"]` as a str, if present.
    pub fn content(&self) -> Option<&str> {
        self.json.as_ref()?.get("content")?.as_str()
    }

    /// Raw body as (lossy) UTF-8.
    pub fn body_str(&self) -> String {
        String::from_utf8_lossy(&self.raw_body).into_owned()
    }

    /// Decoded `k=v` pairs of the query (empty segments from serenity's `?&` are skipped).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (percent_decode(k), percent_decode(v)),
                None => (percent_decode(kv), String::new()),
            })
            .collect()
    }

    pub fn query_param(&self, key: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Path segments without the `/api/v10` prefix.
    pub fn segments(&self) -> Vec<&str> {
        self.path.split('/').filter(|s| !s.is_empty()).collect()
    }

    fn summary(&self) -> String {
        let mut s = format!(
            "#{} +{:?} {} {}{}{} -> {}",
            self.index,
            self.at,
            self.method,
            self.full_path,
            if self.query.is_empty() { "" } else { "?" },
            self.query,
            self.status
        );
        if !self.known_route {
            s.push_str(" [UNEXPECTED ROUTE]");
        }
        if let Some(f) = &self.fault {
            let _ = write!(s, " [{f}]");
        }
        let body = match &self.json {
            Some(v) => v.to_string(),
            None => self.body_str(),
        };
        if !body.is_empty() {
            let _ = write!(s, "\n      body: {}", truncate(&body, 600));
        }
        s
    }
}

/// Predicate: `POST /channels/{channel_id}/messages` (a message sent to that channel).
pub fn is_message_to(channel_id: u64) -> impl Fn(&RecordedRequest) -> bool {
    let path = format!("/channels/{channel_id}/messages");
    move |r| r.is_exactly("POST", &path)
}

/// Predicate: a message sent to `msg`'s channel whose `message_reference` points at `msg`
/// (a reply to it).
pub fn is_reply_to(msg: &FakeMessage) -> impl Fn(&RecordedRequest) -> bool {
    let to_channel = is_message_to(msg.channel_id);
    let id = msg.id.to_string();
    move |r| {
        to_channel(r)
            && r.json_at("/message_reference/message_id")
                .and_then(Value::as_str)
                == Some(id.as_str())
    }
}

/// Predicate: the initial-response callback of interaction `interaction_id`
/// (`POST /interactions/{id}/{token}/callback`).
pub fn is_callback_for(interaction_id: u64) -> impl Fn(&RecordedRequest) -> bool {
    let prefix = format!("/interactions/{interaction_id}/");
    move |r| r.is("POST", &prefix) && r.path.ends_with("/callback")
}

/// Direction of a gateway log entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GatewayDirection {
    /// Fake -> bot.
    Sent,
    /// Bot -> fake.
    Received,
    /// Connection lifecycle notes (connect, disconnect, queued dispatch...).
    Note,
}

/// One gateway log entry.
#[derive(Clone, Debug)]
pub struct GatewayRecord {
    pub at: Duration,
    /// Connection number (1 = first websocket connection).
    pub conn: u64,
    pub direction: GatewayDirection,
    pub op: Option<u64>,
    /// Dispatch name (`t`) for op 0.
    pub event: Option<String>,
    pub seq: Option<u64>,
    /// The full frame (or a note text as a JSON string).
    pub payload: Value,
}

impl GatewayRecord {
    fn summary(&self) -> String {
        let dir = match self.direction {
            GatewayDirection::Sent => "fake->bot",
            GatewayDirection::Received => "bot->fake",
            GatewayDirection::Note => "note     ",
        };
        let mut s = format!("+{:?} conn#{} {dir}", self.at, self.conn);
        if let Some(op) = self.op {
            let _ = write!(s, " op={op}");
        }
        if let Some(t) = &self.event {
            let _ = write!(s, " t={t}");
        }
        if let Some(seq) = self.seq {
            let _ = write!(s, " s={seq}");
        }
        let payload = match &self.payload {
            Value::String(note) => note.clone(),
            other => other.to_string(),
        };
        let _ = write!(s, " {}", truncate(&payload, 400));
        s
    }
}

/// What an injected fault does with a matching request.
#[derive(Clone, Debug)]
pub enum FaultAction {
    /// Answer with this status and raw body (content-type application/json).
    Respond { status: u16, body: String },
    /// Answer 200 with a body that is not valid JSON.
    Garbage,
    /// Wait, then answer normally.
    Delay(Duration),
    /// Answer with this status, JSON body and extra headers (a 429's `Retry-After`, say).
    RespondWithHeaders {
        status: u16,
        body: String,
        headers: Vec<(String, String)>,
    },
    /// Handle the request normally (a message is created), then answer with this status, as a
    /// proxy does when Discord's answer is lost on the way back.
    AfterHandling { status: u16 },
}

impl FaultAction {
    /// `status` with a Discord-style JSON error body.
    pub fn status(status: u16) -> Self {
        Self::Respond {
            status,
            body: json!({ "message": format!("{status}: injected by FakeDiscord"), "code": 0 })
                .to_string(),
        }
    }
    /// Discord's own 429: `retry_after` seconds in the body (with a fraction) and in the
    /// `Retry-After` header (rounded up).
    pub fn rate_limited(retry_after: f64) -> Self {
        Self::RespondWithHeaders {
            status: 429,
            body: json!({
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": false,
            })
            .to_string(),
            headers: vec![
                ("retry-after".to_owned(), retry_after.ceil().to_string()),
                ("x-ratelimit-scope".to_owned(), "user".to_owned()),
            ],
        }
    }

    /// The 429 a rate-limit proxy (nirn-proxy) generates itself: marked `generated-by-proxy`,
    /// the wait in the `Retry-After` header only, and no `retry_after` in the body.
    pub fn proxy_rate_limited(retry_after_seconds: u64) -> Self {
        Self::RespondWithHeaders {
            status: 429,
            body: json!({ "message": "You are being rate limited.", "global": false }).to_string(),
            headers: vec![
                ("generated-by-proxy".to_owned(), "true".to_owned()),
                ("retry-after".to_owned(), retry_after_seconds.to_string()),
            ],
        }
    }

    /// `status` with a JSON body.
    pub fn json(status: u16, body: &Value) -> Self {
        Self::Respond {
            status,
            body: body.to_string(),
        }
    }
}

/// Options for [`FakeDiscord::start_with`].
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// HELLO `heartbeat_interval` (serenity heartbeats after each full interval).
    pub heartbeat_interval: Duration,
    /// Guild ids listed (as unavailable) in READY, each to the shard it belongs to.
    pub guilds: Vec<u64>,
    /// The shard count `GET /gateway/bot` recommends; also how events are routed until a
    /// session IDENTIFYs with a count of its own.
    pub shards: u32,
    /// `session_start_limit.max_concurrency` in `GET /gateway/bot`.
    pub max_concurrency: u32,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            heartbeat_interval: Duration::from_millis(41_250),
            guilds: vec![GUILD_ID],
            shards: 1,
            max_concurrency: 1,
        }
    }
}

/// A `GET /gateway` and `GET /gateway/bot` answer naming `url`, one shard, for stubs that send
/// the bot to another gateway.
pub fn gateway_answer(url: &str) -> Value {
    json!({
        "url": url,
        "shards": 1,
        "session_start_limit": { "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1 },
    })
}

/// The shard that receives `guild`'s events in a bot of `total` shards, by Discord's rule.
/// Written out here rather than taken from the bot, so that a mistake there shows.
pub fn shard_of_guild(guild: u64, total: u32) -> u32 {
    ((guild >> 22) % u64::from(total.max(1))) as u32
}

/// The shard a dispatch goes to: its guild's (`guild_id`, or `id` for the guild's own events),
/// shard 0 for everything without a guild (direct messages).
fn shard_of_event(event: &str, data: &Value, total: u32) -> u32 {
    let id = |value: Option<&Value>| match value? {
        Value::String(id) => id.parse::<u64>().ok(),
        Value::Number(id) => id.as_u64(),
        _ => None,
    };
    let guild = id(data.get("guild_id")).or_else(|| {
        matches!(event, "GUILD_CREATE" | "GUILD_UPDATE" | "GUILD_DELETE")
            .then(|| id(data.get("id")))
            .flatten()
    });
    guild.map_or(0, |guild| shard_of_guild(guild, total))
}

/// Position in the logs, for "since" queries (see [`FakeDiscord::mark`]).
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    pub requests: usize,
    pub gateway: usize,
}

// =============================================================================================
// Internal state
// =============================================================================================

enum Outgoing {
    Text(String),
    Close(u16, String),
    Drop,
}

struct Conn {
    tx: mpsc::UnboundedSender<Outgoing>,
    /// The shard this connection IDENTIFYed or RESUMEd as; `None` before that.
    shard: Option<u32>,
    /// READY/RESUMED sent on this connection and no reconnect requested since.
    live: bool,
}

/// One shard's gateway session, as Discord keeps it whatever connection carries it.
#[derive(Default)]
struct ShardState {
    /// The connection that carries the session now.
    conn: Option<u64>,
    session_id: Option<String>,
    seq: u64,
    /// Dispatches for this shard while it has no live connection.
    queue: VecDeque<(String, Value)>,
}

struct FaultRule {
    method: String,
    path_prefix: String,
    remaining: usize,
    action: FaultAction,
}

struct Inner {
    started: Instant,
    ws_url: String,
    config: FakeConfig,
    requests: Vec<RecordedRequest>,
    consumed: Vec<bool>,
    gateway: Vec<GatewayRecord>,
    faults: Vec<FaultRule>,
    conn_counter: u64,
    /// Open websocket connections by number.
    conns: BTreeMap<u64, Conn>,
    /// Sessions by shard id.
    shards: BTreeMap<u32, ShardState>,
    /// The shard count dispatches are routed by: the latest IDENTIFY's, else `config.shards`.
    routing_total: u32,
    session_counter: u64,
    identifies: Vec<Value>,
    resumes: Vec<Value>,
    heartbeats: usize,
    /// Interaction token -> channel id, from dispatched INTERACTION_CREATE events.
    interaction_channels: HashMap<String, u64>,
    /// Registered commands per scope ("global" or guild id).
    commands: HashMap<String, Vec<Value>>,
    /// Messages created per (channel, nonce) for `enforce_nonce`: Discord answers a repeated
    /// nonce with the message it already created.
    nonces: HashMap<(u64, String), Value>,
    /// Messages created per channel (a repeated nonce creates none).
    created: HashMap<u64, usize>,
    /// See [`FakeDiscord::forget_bodies`].
    forget_bodies: bool,
    /// The connection whose heartbeats go unanswered (see [`FakeDiscord::stop_acking`]).
    zombie: Option<u64>,
}

impl Inner {
    fn note(&mut self, conn: u64, text: String) {
        let at = self.started.elapsed();
        self.gateway.push(GatewayRecord {
            at,
            conn,
            direction: GatewayDirection::Note,
            op: None,
            event: None,
            seq: None,
            payload: Value::String(text),
        });
    }

    fn log_frame(&mut self, conn: u64, direction: GatewayDirection, frame: &Value) {
        let at = self.started.elapsed();
        self.gateway.push(GatewayRecord {
            at,
            conn,
            direction,
            op: frame.get("op").and_then(Value::as_u64),
            event: frame.get("t").and_then(Value::as_str).map(str::to_owned),
            seq: frame.get("s").and_then(Value::as_u64),
            payload: frame.clone(),
        });
    }

    /// Send a frame on the connection `conn` if it is still open.
    fn send_frame(&mut self, conn: u64, frame: Value) -> bool {
        let Some(c) = self.conns.get(&conn) else {
            self.note(conn, format!("dropped frame for stale connection: {frame}"));
            return false;
        };
        let ok = c.tx.send(Outgoing::Text(frame.to_string())).is_ok();
        self.log_frame(conn, GatewayDirection::Sent, &frame);
        ok
    }

    /// Sends a dispatch on `conn` with the next sequence number of its shard's session.
    fn send_dispatch_now(&mut self, conn: u64, event: &str, data: Value) -> u64 {
        let shard = self.conns.get(&conn).and_then(|c| c.shard).unwrap_or(0);
        let state = self.shards.entry(shard).or_default();
        state.seq += 1;
        let seq = state.seq;
        self.send_frame(conn, json!({ "op": 0, "t": event, "s": seq, "d": data }));
        seq
    }

    /// The newest open connection: what the fault helpers act on.
    fn newest_conn(&self) -> Option<u64> {
        self.conns.keys().next_back().copied()
    }

    /// The newest connection, when a session is live on it.
    fn live_conn(&self) -> Option<u64> {
        self.newest_conn()
            .filter(|conn| self.conns.get(conn).is_some_and(|c| c.live))
    }

    /// The connection carrying `shard`'s session, when it is live.
    fn live_conn_of(&self, shard: u32) -> Option<u64> {
        let conn = self.shards.get(&shard)?.conn?;
        self.conns.get(&conn).filter(|c| c.live).map(|_| conn)
    }

    /// Makes `conn` carry `shard`'s session; a connection that carried it before is closed
    /// (Discord keeps one connection per session).
    fn bind(&mut self, conn: u64, shard: u32) {
        let previous = self.shards.entry(shard).or_default().conn.replace(conn);
        if let Some(old) = previous.filter(|&old| old != conn) {
            if self.conns.remove(&old).is_some() {
                self.note(
                    old,
                    format!("replaced by connection #{conn} for shard {shard}"),
                );
            }
        }
        if let Some(c) = self.conns.get_mut(&conn) {
            c.shard = Some(shard);
        }
    }

    /// Forgets `conn`; its shard has no connection until the next IDENTIFY or RESUME.
    fn unbind(&mut self, conn: u64) -> Option<Conn> {
        let c = self.conns.remove(&conn)?;
        if let Some(state) = c.shard.and_then(|shard| self.shards.get_mut(&shard)) {
            if state.conn == Some(conn) {
                state.conn = None;
            }
        }
        Some(c)
    }

    fn go_live(&mut self, conn: u64) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        c.live = true;
        let shard = c.shard.unwrap_or(0);
        while let Some((event, data)) = self
            .shards
            .get_mut(&shard)
            .and_then(|state| state.queue.pop_front())
        {
            self.send_dispatch_now(conn, &event, data);
        }
    }

    fn queued(&self) -> usize {
        self.shards.values().map(|state| state.queue.len()).sum()
    }

    fn dump(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "===== FakeDiscord traffic: {} HTTP request(s), {} gateway record(s); identifies={} resumes={} heartbeats={} live={} queued={} =====",
            self.requests.len(),
            self.gateway.len(),
            self.identifies.len(),
            self.resumes.len(),
            self.heartbeats,
            self.live_conn().is_some(),
            self.queued(),
        );
        let _ = writeln!(s, "--- HTTP ---");
        for (r, consumed) in self.requests.iter().zip(&self.consumed) {
            let _ = writeln!(
                s,
                "  {}{}",
                r.summary(),
                if *consumed { "  (consumed)" } else { "" }
            );
        }
        let _ = writeln!(s, "--- gateway ---");
        for g in &self.gateway {
            let _ = writeln!(s, "  {}", g.summary());
        }
        let _ = writeln!(s, "===== end of FakeDiscord traffic =====");
        s
    }
}

struct Shared {
    inner: Mutex<Inner>,
    changed: watch::Sender<u64>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking test thread must not hide the traffic dump behind a PoisonError.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn bump(&self) {
        self.changed.send_modify(|v| *v += 1);
    }
}

// =============================================================================================
// FakeDiscord
// =============================================================================================

/// A fake Discord (REST + gateway) listening on 127.0.0.1. See the module docs of `support`.
pub struct FakeDiscord {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: JoinHandle<()>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for c in std::mem::take(&mut self.shared.lock().conns).into_values() {
            let _ = c.tx.send(Outgoing::Drop);
        }
        self.server.abort();
    }
}

impl FakeDiscord {
    /// Binds 127.0.0.1:0 with the default [`FakeConfig`].
    pub async fn start() -> Self {
        Self::start_with(FakeConfig::default()).await
    }

    pub async fn start_with(config: FakeConfig) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local_addr");
        let (changed, _) = watch::channel(0);
        let routing_total = config.shards.max(1);
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                started: Instant::now(),
                ws_url: format!("ws://{addr}/ws"),
                config,
                requests: Vec::new(),
                consumed: Vec::new(),
                gateway: Vec::new(),
                faults: Vec::new(),
                conn_counter: 0,
                conns: BTreeMap::new(),
                shards: BTreeMap::new(),
                routing_total,
                session_counter: 0,
                identifies: Vec::new(),
                resumes: Vec::new(),
                heartbeats: 0,
                interaction_channels: HashMap::new(),
                commands: HashMap::new(),
                nonces: HashMap::new(),
                created: HashMap::new(),
                forget_bodies: false,
                zombie: None,
            }),
            changed,
        });
        let app = Router::new()
            .route("/ws", get(ws_handler))
            .fallback(http_handler)
            .layer(DefaultBodyLimit::disable())
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!("FakeDiscord server error: {e}");
            }
        });
        Self {
            addr,
            shared,
            server,
        }
    }

    /// `http://127.0.0.1:PORT` — for `HttpBuilder::proxy` / the bot's `api_url` setting.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `ws://127.0.0.1:PORT/ws` — what `GET /gateway` returns.
    pub fn gateway_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Human-readable dump of all HTTP and gateway traffic so far.
    pub fn dump(&self) -> String {
        self.shared.lock().dump()
    }

    /// Current end of both logs.
    pub fn mark(&self) -> Mark {
        let g = self.shared.lock();
        Mark {
            requests: g.requests.len(),
            gateway: g.gateway.len(),
        }
    }

    // ---------------------------------------------------------------- HTTP: inspection --------

    /// All HTTP requests so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Requests recorded after `mark`.
    pub fn requests_since(&self, mark: Mark) -> Vec<RecordedRequest> {
        self.shared.lock().requests[mark.requests..].to_vec()
    }

    /// All requests (consumed or not) matching `pred`.
    pub fn requests_matching(
        &self,
        pred: impl Fn(&RecordedRequest) -> bool,
    ) -> Vec<RecordedRequest> {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| pred(r))
            .cloned()
            .collect()
    }

    /// Requests to routes the fake does not know (answered 404 unless a stub matched).
    pub fn unexpected_requests(&self) -> Vec<RecordedRequest> {
        self.requests_matching(|r| !r.known_route)
    }

    /// Panics (with the traffic dump) if the bot called any route the fake does not know.
    pub fn assert_no_unexpected_requests(&self) {
        let g = self.shared.lock();
        if g.requests.iter().any(|r| !r.known_route) {
            panic!("the bot called unexpected route(s)\n{}", g.dump());
        }
    }

    /// Marks every request recorded so far as consumed (a baseline for
    /// [`FakeDiscord::assert_no_request`] / [`FakeDiscord::expect_silence`]).
    pub fn consume_all(&self) {
        let mut g = self.shared.lock();
        g.consumed.iter_mut().for_each(|c| *c = true);
    }

    /// Waits for the first not-yet-consumed request matching `pred` (including ones that
    /// arrived before the call), marks it consumed and returns it. Panics with the traffic
    /// dump after `timeout`.
    pub async fn wait_for_request(
        &self,
        pred: impl Fn(&RecordedRequest) -> bool,
        timeout: Duration,
    ) -> RecordedRequest {
        self.wait_until("a matching HTTP request", timeout, |g| {
            let i = (0..g.requests.len()).find(|&i| !g.consumed[i] && pred(&g.requests[i]))?;
            g.consumed[i] = true;
            Some(g.requests[i].clone())
        })
        .await
    }

    /// Like [`FakeDiscord::wait_for_request`] for `method` + path prefix.
    pub async fn wait_for(
        &self,
        method: &str,
        path_prefix: &str,
        timeout: Duration,
    ) -> RecordedRequest {
        self.wait_for_request(|r| r.is(method, path_prefix), timeout)
            .await
    }

    /// Waits for `n` unconsumed matching requests (consumes and returns them in order).
    pub async fn wait_for_requests(
        &self,
        n: usize,
        pred: impl Fn(&RecordedRequest) -> bool,
        timeout: Duration,
    ) -> Vec<RecordedRequest> {
        self.wait_until(&format!("{n} matching HTTP requests"), timeout, |g| {
            let idx: Vec<usize> = (0..g.requests.len())
                .filter(|&i| !g.consumed[i] && pred(&g.requests[i]))
                .take(n)
                .collect();
            if idx.len() < n {
                return None;
            }
            Some(
                idx.into_iter()
                    .map(|i| {
                        g.consumed[i] = true;
                        g.requests[i].clone()
                    })
                    .collect(),
            )
        })
        .await
    }

    /// Waits `window`, then panics (with the dump) if any unconsumed request matches `pred`
    /// (whenever it arrived). Fails fast as soon as one shows up.
    pub async fn assert_no_request(
        &self,
        pred: impl Fn(&RecordedRequest) -> bool,
        window: Duration,
    ) {
        let found = self
            .wait_until_opt(window, |g| {
                (0..g.requests.len()).find(|&i| !g.consumed[i] && pred(&g.requests[i]))
            })
            .await;
        if let Some(i) = found {
            let g = self.shared.lock();
            panic!(
                "unexpected HTTP request #{i}: {}\n{}",
                g.requests[i].summary(),
                g.dump()
            );
        }
    }

    /// `assert_no_request` for any request: the bot made no HTTP call that was not consumed.
    pub async fn expect_silence(&self, window: Duration) {
        self.assert_no_request(|_| true, window).await;
    }

    /// Silence check without a blind sleep: after you dispatched the event(s) the bot must
    /// ignore, this dispatches `sentinel` (an event the bot DOES answer), waits for the answer
    /// matching `sentinel_reply` (consumed), waits a short `grace` (serenity runs every event
    /// handler in its own task, so ordering is likely but not guaranteed), then panics if any
    /// unconsumed request matches `forbidden`.
    pub async fn assert_silent_until_sentinel(
        &self,
        forbidden: impl Fn(&RecordedRequest) -> bool,
        sentinel: &impl GatewayFixture,
        sentinel_reply: impl Fn(&RecordedRequest) -> bool,
        timeout: Duration,
    ) {
        self.send_event(sentinel);
        self.wait_for_request(sentinel_reply, timeout).await;
        self.assert_no_request(forbidden, Duration::from_millis(150))
            .await;
    }

    // ---------------------------------------------------------------- HTTP: faults ------------

    /// The next `times` requests with `method` (`"*"` = any) whose path (without /api/v10)
    /// starts with `path_prefix` get `action` instead of the normal answer. Rules are checked
    /// in insertion order; use `usize::MAX` for a permanent stub.
    pub fn inject_fault(&self, method: &str, path_prefix: &str, times: usize, action: FaultAction) {
        self.shared.lock().faults.push(FaultRule {
            method: method.to_owned(),
            path_prefix: path_prefix.to_owned(),
            remaining: times,
            action,
        });
    }

    /// The next `times` matching requests fail with `status` and a Discord-style JSON error.
    pub fn fail_next(&self, method: &str, path_prefix: &str, times: usize, status: u16) {
        self.inject_fault(method, path_prefix, times, FaultAction::status(status));
    }

    /// Permanently answer matching requests with `status` + `body` (also works for routes the
    /// fake does not know; such requests then count as known).
    pub fn stub(&self, method: &str, path_prefix: &str, status: u16, body: Value) {
        self.inject_fault(
            method,
            path_prefix,
            usize::MAX,
            FaultAction::json(status, &body),
        );
    }

    /// Removes all fault rules and stubs.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    // ---------------------------------------------------------------- gateway ----------------

    /// Sends a dispatch (op 0) with the next sequence number to the live session of the shard
    /// it belongs to (its guild's, `(guild_id >> 22) % total`; shard 0 without a guild) and
    /// returns the sequence number; while that shard has no live session (before READY, or
    /// between a disconnect/op 7/op 9 and the following RESUMED/READY) it is queued (returns
    /// `None`) and flushed in order right after the shard's next READY or RESUMED.
    pub fn dispatch(&self, event: &str, data: Value) -> Option<u64> {
        let mut g = self.shared.lock();
        if event == "INTERACTION_CREATE" {
            if let (Some(token), Some(ch)) = (
                data.get("token").and_then(Value::as_str),
                data.get("channel_id")
                    .and_then(Value::as_str)
                    .and_then(|s| s.parse().ok()),
            ) {
                g.interaction_channels.insert(token.to_owned(), ch);
            }
        }
        let shard = shard_of_event(event, &data, g.routing_total);
        let res = match g.live_conn_of(shard) {
            Some(conn) => Some(g.send_dispatch_now(conn, event, data)),
            None => {
                let conn = g
                    .shards
                    .get(&shard)
                    .and_then(|state| state.conn)
                    .unwrap_or(0);
                g.note(
                    conn,
                    format!("queued dispatch {event} for shard {shard} (no live session)"),
                );
                g.shards
                    .entry(shard)
                    .or_default()
                    .queue
                    .push_back((event.to_owned(), data));
                None
            }
        };
        drop(g);
        self.shared.bump();
        res
    }

    /// [`FakeDiscord::dispatch`] of a fixture.
    pub fn send_event(&self, fixture: &impl GatewayFixture) -> Option<u64> {
        self.dispatch(fixture.event_name(), fixture.to_json())
    }

    /// Sends any frame as-is on the newest connection (no sequence handling).
    pub fn send_raw(&self, frame: Value) {
        let mut g = self.shared.lock();
        if let Some(conn) = g.newest_conn() {
            g.send_frame(conn, frame);
        } else {
            g.note(0, format!("send_raw without connection: {frame}"));
        }
        drop(g);
        self.shared.bump();
    }

    /// Closes the newest websocket with a close frame `code` (4000 = resumable, 4004 =
    /// authentication failed -> `start()` returns an error, ...).
    pub fn close(&self, code: u16) {
        self.end_connection(Outgoing::Close(
            code,
            format!("closed by FakeDiscord ({code})"),
        ));
    }

    /// Drops the newest TCP connection without a close frame.
    pub fn drop_tcp(&self) {
        self.end_connection(Outgoing::Drop);
    }

    /// Sends op 7 RECONNECT; serenity then reconnects and RESUMEs.
    pub fn send_reconnect(&self) {
        self.send_control(json!({ "op": 7, "d": null, "s": null, "t": null }));
    }

    /// Sends op 9 INVALID_SESSION. `false` makes serenity re-IDENTIFY (after ~5 s).
    pub fn send_invalid_session(&self, resumable: bool) {
        self.send_control(json!({ "op": 9, "d": resumable, "s": null, "t": null }));
    }

    fn send_control(&self, frame: Value) {
        let mut g = self.shared.lock();
        if let Some(id) = g.newest_conn() {
            if let Some(conn) = g.conns.get_mut(&id) {
                conn.live = false;
            }
            g.send_frame(id, frame);
        } else {
            g.note(0, format!("no connection for control frame {frame}"));
        }
        drop(g);
        self.shared.bump();
    }

    fn end_connection(&self, how: Outgoing) {
        let mut g = self.shared.lock();
        if let Some((id, c)) = g.newest_conn().and_then(|id| Some((id, g.unbind(id)?))) {
            let what = match &how {
                Outgoing::Close(code, _) => format!("closing with code {code}"),
                _ => "dropping TCP".to_owned(),
            };
            g.note(id, what);
            let _ = c.tx.send(how);
        } else {
            g.note(0, "close/drop requested but no connection".to_owned());
        }
        drop(g);
        self.shared.bump();
    }

    /// Whether a session is live on the newest connection (READY/RESUMED sent on it).
    pub fn is_live(&self) -> bool {
        self.shared.lock().live_conn().is_some()
    }
    pub fn identify_count(&self) -> usize {
        self.shared.lock().identifies.len()
    }
    pub fn resume_count(&self) -> usize {
        self.shared.lock().resumes.len()
    }
    pub fn heartbeat_count(&self) -> usize {
        self.shared.lock().heartbeats
    }
    /// Number of websocket connections accepted so far.
    pub fn connection_count(&self) -> u64 {
        self.shared.lock().conn_counter
    }
    /// IDENTIFY payloads (`d`) received so far.
    pub fn identifies(&self) -> Vec<Value> {
        self.shared.lock().identifies.clone()
    }
    /// The gateway log.
    pub fn gateway_log(&self) -> Vec<GatewayRecord> {
        self.shared.lock().gateway.clone()
    }
    /// How many messages were created in `channel` (a POST that repeated an enforced nonce
    /// created none: it got the earlier message back).
    pub fn messages_created(&self, channel: u64) -> usize {
        self.shared
            .lock()
            .created
            .get(&channel)
            .copied()
            .unwrap_or(0)
    }

    /// Turns the newest connection into a zombie: it stays open, but its heartbeats are no
    /// longer acknowledged (a new connection is answered normally).
    pub fn stop_acking(&self) {
        let mut g = self.shared.lock();
        let conn = g.newest_conn();
        g.zombie = conn;
        g.note(
            conn.unwrap_or(0),
            "heartbeats no longer acknowledged".to_owned(),
        );
    }

    /// How many messages were created in all channels.
    pub fn all_messages_created(&self) -> usize {
        self.shared.lock().created.values().sum()
    }

    /// Stops recording request bodies (a soak run sends tens of thousands of messages); the
    /// requests themselves are still recorded.
    pub fn forget_bodies(&self) {
        self.shared.lock().forget_bodies = true;
    }

    /// Commands registered for `scope` (`None` = global, `Some(guild_id)`), as answered.
    pub fn registered_commands(&self, guild: Option<u64>) -> Vec<Value> {
        let key = guild.map_or_else(|| "global".to_owned(), |g| g.to_string());
        self.shared
            .lock()
            .commands
            .get(&key)
            .cloned()
            .unwrap_or_default()
    }

    /// Waits until at least one IDENTIFY arrived and the session is live (READY sent); returns
    /// the latest IDENTIFY payload.
    pub async fn wait_for_identify(&self, timeout: Duration) -> Value {
        self.wait_for_identify_count(1, timeout).await
    }

    /// Waits until `n` IDENTIFYs in total arrived and the session is live again.
    pub async fn wait_for_identify_count(&self, n: usize, timeout: Duration) -> Value {
        self.wait_until(&format!("IDENTIFY #{n} + READY"), timeout, |g| {
            (g.identifies.len() >= n && g.live_conn().is_some())
                .then(|| g.identifies.last().cloned().unwrap_or_default())
        })
        .await
    }

    /// Waits until `n` RESUMEs in total arrived and the session is live again.
    pub async fn wait_for_resume_count(&self, n: usize, timeout: Duration) -> Value {
        self.wait_until(&format!("RESUME #{n} + RESUMED"), timeout, |g| {
            (g.resumes.len() >= n && g.live_conn().is_some())
                .then(|| g.resumes.last().cloned().unwrap_or_default())
        })
        .await
    }

    /// Waits until a session is live (after READY or RESUMED).
    pub async fn wait_for_live(&self, timeout: Duration) {
        self.wait_until("a live gateway session", timeout, |g| {
            g.live_conn().map(|_| ())
        })
        .await;
    }

    /// Waits until `heartbeat_count() >= n`.
    pub async fn wait_for_heartbeats(&self, n: usize, timeout: Duration) {
        self.wait_until(&format!("{n} heartbeats"), timeout, |g| {
            (g.heartbeats >= n).then_some(())
        })
        .await;
    }

    /// Waits until the bot closed/lost its websockets (no connection open).
    pub async fn wait_for_disconnect(&self, timeout: Duration) {
        self.wait_until("the websocket to be disconnected", timeout, |g| {
            g.conns.is_empty().then_some(())
        })
        .await;
    }

    /// Waits until each of `shards` has a live session (READY or RESUMED on its connection).
    pub async fn wait_for_shards_live(&self, shards: &[u32], timeout: Duration) {
        self.wait_until(
            &format!("live sessions of shards {shards:?}"),
            timeout,
            |g| {
                shards
                    .iter()
                    .all(|&shard| g.live_conn_of(shard).is_some())
                    .then_some(())
            },
        )
        .await;
    }

    /// The shards with a live session now.
    pub fn live_shards(&self) -> Vec<u32> {
        let g = self.shared.lock();
        g.shards
            .keys()
            .copied()
            .filter(|&shard| g.live_conn_of(shard).is_some())
            .collect()
    }

    /// Generic wait on the gateway log: returns the first record after `since` matching `pred`.
    pub async fn wait_for_gateway(
        &self,
        since: Mark,
        pred: impl Fn(&GatewayRecord) -> bool,
        timeout: Duration,
    ) -> GatewayRecord {
        self.wait_until("a matching gateway record", timeout, |g| {
            g.gateway
                .iter()
                .skip(since.gateway)
                .find(|r| pred(r))
                .cloned()
        })
        .await
    }

    // ---------------------------------------------------------------- waiting core -----------

    async fn wait_until<T>(
        &self,
        what: &str,
        timeout: Duration,
        f: impl FnMut(&mut Inner) -> Option<T>,
    ) -> T {
        match self.wait_until_opt(timeout, f).await {
            Some(v) => v,
            None => panic!(
                "timed out after {timeout:?} waiting for {what}\n{}",
                self.dump()
            ),
        }
    }

    async fn wait_until_opt<T>(
        &self,
        timeout: Duration,
        mut f: impl FnMut(&mut Inner) -> Option<T>,
    ) -> Option<T> {
        let mut rx = self.shared.changed.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(v) = f(&mut self.shared.lock()) {
                return Some(v);
            }
            if tokio::time::timeout_at(deadline, rx.changed())
                .await
                .is_err()
            {
                return f(&mut self.shared.lock());
            }
        }
    }
}

// =============================================================================================
// Gateway
// =============================================================================================

async fn ws_handler(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>) -> Response {
    ws.on_upgrade(move |socket| handle_socket(socket, shared))
}

async fn handle_socket(socket: WebSocket, shared: Arc<Shared>) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let conn = {
        let mut g = shared.lock();
        g.conn_counter += 1;
        let id = g.conn_counter;
        // Which shard it is for is known at its IDENTIFY or RESUME; until then it carries
        // nothing, and the shards' sessions stay where they are.
        g.conns.insert(
            id,
            Conn {
                tx,
                shard: None,
                live: false,
            },
        );
        g.note(id, "connected".to_owned());
        let interval = g.config.heartbeat_interval.as_millis() as u64;
        g.send_frame(
            id,
            json!({ "op": 10, "s": null, "t": null, "d": { "heartbeat_interval": interval } }),
        );
        id
    };
    shared.bump();

    let reason = loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outgoing::Text(text)) => {
                    if sink.send(WsMessage::Text(text)).await.is_err() {
                        break "send failed".to_owned();
                    }
                }
                Some(Outgoing::Close(code, reason)) => {
                    let _ = sink
                        .send(WsMessage::Close(Some(CloseFrame { code, reason: reason.into() })))
                        .await;
                    break format!("closed by fake with {code}");
                }
                Some(Outgoing::Drop) => break "TCP dropped by fake".to_owned(),
                None => break "connection replaced".to_owned(),
            },
            inc = stream.next() => match inc {
                Some(Ok(WsMessage::Text(text))) => handle_incoming(&shared, conn, &text),
                Some(Ok(WsMessage::Binary(b))) => {
                    let text = String::from_utf8_lossy(&b).into_owned();
                    handle_incoming(&shared, conn, &text);
                }
                Some(Ok(WsMessage::Close(frame))) => {
                    break format!("closed by bot: {frame:?}");
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => break format!("read error: {e}"),
                None => break "bot disconnected".to_owned(),
            },
        }
    };

    {
        let mut g = shared.lock();
        g.unbind(conn);
        g.note(conn, format!("disconnected ({reason})"));
    }
    shared.bump();
    // Dropping sink + stream closes the TCP connection.
}

fn handle_incoming(shared: &Shared, conn: u64, text: &str) {
    let mut g = shared.lock();
    let frame: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            g.note(conn, format!("unparsable frame from bot ({e}): {text}"));
            drop(g);
            shared.bump();
            return;
        }
    };
    g.log_frame(conn, GatewayDirection::Received, &frame);
    let d = frame.get("d").cloned().unwrap_or(Value::Null);
    match frame.get("op").and_then(Value::as_u64) {
        Some(1) => {
            g.heartbeats += 1;
            if g.zombie != Some(conn) {
                g.send_frame(conn, json!({ "op": 11, "s": null, "t": null, "d": null }));
            }
        }
        Some(2) => {
            g.identifies.push(d.clone());
            // `shard: [id, total]`; a bot that sends none runs shard 0 of 1.
            let shard_of = |i: usize| {
                d.get("shard")
                    .and_then(|shard| shard.get(i))
                    .and_then(Value::as_u64)
                    .and_then(|n| u32::try_from(n).ok())
            };
            let (shard, total) = (shard_of(0).unwrap_or(0), shard_of(1).unwrap_or(1).max(1));
            if shard >= total {
                g.note(
                    conn,
                    format!("IDENTIFY as shard {shard} of {total}: no such shard"),
                );
            }
            g.routing_total = total;
            g.bind(conn, shard);
            g.session_counter += 1;
            let session_id = format!("fake-session-{}", g.session_counter);
            let state = g.shards.entry(shard).or_default();
            state.session_id = Some(session_id.clone());
            state.seq = 0;
            let guilds: Vec<Value> = g
                .config
                .guilds
                .iter()
                .filter(|&&id| shard_of_guild(id, total) == shard)
                .map(|id| json!({ "id": id.to_string(), "unavailable": true }))
                .collect();
            let mut ready = json!({
                "v": 10,
                "user": {
                    "id": BOT_USER_ID.to_string(),
                    "username": BOT_USERNAME,
                    "discriminator": "0",
                    "global_name": null,
                    "avatar": null,
                    "bot": true,
                    "verified": true,
                    "mfa_enabled": false,
                    "flags": 0,
                },
                "guilds": guilds,
                "session_id": session_id,
                "resume_gateway_url": g.ws_url,
                "application": { "id": APPLICATION_ID.to_string(), "flags": 0 },
                "private_channels": [],
                "presences": [],
                "relationships": [],
                "user_settings": {},
            });
            if let Some(shard) = d.get("shard") {
                ready["shard"] = shard.clone();
            }
            g.send_dispatch_now(conn, "READY", ready);
            g.go_live(conn);
        }
        Some(6) => {
            g.resumes.push(d.clone());
            let sid = d.get("session_id").and_then(Value::as_str);
            let shard = sid.and_then(|sid| {
                g.shards
                    .iter()
                    .find(|(_, state)| state.session_id.as_deref() == Some(sid))
                    .map(|(&shard, _)| shard)
            });
            if let Some(shard) = shard {
                g.bind(conn, shard);
                g.send_dispatch_now(conn, "RESUMED", json!({}));
                g.go_live(conn);
            } else {
                g.note(conn, format!("RESUME with unknown session {sid:?}"));
                g.send_frame(conn, json!({ "op": 9, "s": null, "t": null, "d": false }));
            }
        }
        _ => {}
    }
    drop(g);
    shared.bump();
}

// =============================================================================================
// REST
// =============================================================================================

async fn http_handler(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let full_path = uri.path().to_owned();
    let query = uri.query().unwrap_or("").to_owned();
    let (path, prefixed) = match full_path.strip_prefix(API_PREFIX) {
        Some(p) => (p.to_owned(), true),
        None => (full_path.clone(), false),
    };
    let header_text = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header_text(header::CONTENT_TYPE);
    let authorization = header_text(header::AUTHORIZATION);
    let method_s = method.as_str().to_owned();
    let (status, resp_body, delay, extra_headers) = record_and_answer(
        &shared,
        method_s,
        full_path,
        path,
        prefixed,
        query,
        (content_type, authorization),
        body.to_vec(),
    );

    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match resp_body {
        Some(b) => (status, [(header::CONTENT_TYPE, "application/json")], b).into_response(),
        None => status.into_response(),
    };
    for (name, value) in extra_headers {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            header::HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// Status, JSON body, delay and extra headers of an answer.
type Answer = (u16, Option<String>, Option<Duration>, Vec<(String, String)>);

/// The synchronous part of [`http_handler`]: fault rules, routing, recording.
#[allow(clippy::too_many_arguments)]
fn record_and_answer(
    shared: &Shared,
    method_s: String,
    full_path: String,
    path: String,
    prefixed: bool,
    query: String,
    (content_type, authorization): (Option<String>, Option<String>),
    body: Vec<u8>,
) -> Answer {
    let (json_body, multipart) = parse_body(content_type.as_deref(), &body);
    let mut g = shared.lock();
    // Fault rules.
    let mut fault = None;
    if let Some(rule) = g.faults.iter_mut().find(|f| {
        f.remaining > 0
            && (f.method == "*" || f.method.eq_ignore_ascii_case(&method_s))
            && path.starts_with(&f.path_prefix)
    }) {
        if rule.remaining != usize::MAX {
            rule.remaining -= 1;
        }
        fault = Some(rule.action.clone());
    }
    g.faults.retain(|f| f.remaining > 0);

    let mut delay = None;
    let mut extra_headers = Vec::new();
    let (status, resp_body, known, fault_desc): (u16, Option<String>, bool, Option<String>) =
        match fault {
            Some(FaultAction::Respond { status, body }) => (
                status,
                Some(body),
                true,
                Some(format!("fault: status {status}")),
            ),
            Some(FaultAction::RespondWithHeaders {
                status,
                body,
                headers,
            }) => {
                extra_headers = headers;
                (
                    status,
                    Some(body),
                    true,
                    Some(format!("fault: status {status} with headers")),
                )
            }
            Some(FaultAction::AfterHandling { status }) => {
                let known = prefixed && route(&mut g, &method_s, &path, json_body.as_ref()).2;
                (
                    status,
                    Some(
                        json!({ "message": format!("{status}: injected by FakeDiscord"), "code": 0 })
                            .to_string(),
                    ),
                    known,
                    Some(format!("fault: handled, then status {status}")),
                )
            }
            Some(FaultAction::Garbage) => (
                200,
                Some("<<not json>>".to_owned()),
                true,
                Some("fault: garbage body".to_owned()),
            ),
            other => {
                if let Some(FaultAction::Delay(d)) = other {
                    delay = Some(d);
                }
                let (status, v, known) = if prefixed {
                    route(&mut g, &method_s, &path, json_body.as_ref())
                } else {
                    (404, None, false)
                };
                let (status, v) = if known {
                    (status, v)
                } else {
                    (404, Some(json!({ "message": "404: Not Found", "code": 0 })))
                };
                (
                    status,
                    v.map(|v| v.to_string()),
                    known,
                    delay.map(|d| format!("fault: delayed {d:?}")),
                )
            }
        };

    let index = g.requests.len();
    let at = g.started.elapsed();
    let (body, json_body, multipart) = if g.forget_bodies {
        (Vec::new(), None, Vec::new())
    } else {
        (body, json_body, multipart)
    };
    g.requests.push(RecordedRequest {
        index,
        at,
        method: method_s,
        full_path,
        path,
        query,
        content_type,
        authorization,
        raw_body: body,
        json: json_body,
        multipart,
        known_route: known,
        status,
        fault: fault_desc,
    });
    g.consumed.push(false);
    if !known {
        tracing::warn!(
            "FakeDiscord: unexpected route {}",
            g.requests[index].summary()
        );
    }
    drop(g);
    shared.bump();

    (status, resp_body, delay, extra_headers)
}

/// Returns (status, JSON body or None for an empty body, known route).
fn route(
    g: &mut Inner,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (u16, Option<Value>, bool) {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let empty = json!({});
    let body = body.unwrap_or(&empty);
    let ok = |v: Value| (200, Some(v), true);
    let no_content = (204, None, true);
    let id_of = |s: &str| s.parse::<u64>().unwrap_or(DEFAULT_CHANNEL_ID);

    match (method, segs.as_slice()) {
        ("GET", ["gateway"]) => ok(json!({ "url": g.ws_url })),
        ("GET", ["gateway", "bot"]) => ok(json!({
            "url": g.ws_url,
            "shards": g.config.shards,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 0,
                "max_concurrency": g.config.max_concurrency,
            },
        })),
        ("GET", ["users", "@me"]) => ok(json!({
            "id": BOT_USER_ID.to_string(),
            "username": BOT_USERNAME,
            "discriminator": "0",
            "global_name": null,
            "avatar": null,
            "bot": true,
            "verified": true,
            "mfa_enabled": false,
            "flags": 0,
        })),
        ("GET", ["users", id]) => ok(user_json(id_of(id), &format!("user{id}"), false)),
        ("POST", ["users", "@me", "channels"]) => {
            let recipient = body
                .get("recipient_id")
                .and_then(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .or_else(|| v.as_u64().map(|n| n.to_string()))
                })
                .unwrap_or_else(|| "1".to_owned());
            ok(json!({
                "id": next_id().to_string(),
                "type": 1,
                "last_message_id": null,
                "recipients": [user_json(id_of(&recipient), &format!("user{recipient}"), false)],
            }))
        }
        ("GET", ["oauth2", "applications", "@me"] | ["applications", "@me"]) => ok(json!({
            "id": APPLICATION_ID.to_string(),
            "name": BOT_USERNAME,
            "icon": null,
            "description": "",
            "rpc_origins": [],
            "bot_public": true,
            "bot_require_code_grant": false,
            "owner": user_json(1, "owner", false),
            "verify_key": "fake",
            "team": null,
            "flags": 0,
        })),
        // Messages.
        ("POST", ["channels", ch, "messages"]) => {
            let channel = id_of(ch);
            let nonce = body
                .get("enforce_nonce")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                .then(|| match body.get("nonce") {
                    Some(Value::String(nonce)) => Some(nonce.clone()),
                    Some(Value::Number(nonce)) => Some(nonce.to_string()),
                    _ => None,
                })
                .flatten();
            if let Some(earlier) = nonce
                .as_ref()
                .and_then(|nonce| g.nonces.get(&(channel, nonce.clone())))
            {
                return ok(earlier.clone());
            }
            let mut message = echo_message(next_id(), channel, body);
            if let Some(nonce) = nonce {
                message["nonce"] = json!(nonce);
                g.nonces.insert((channel, nonce), message.clone());
            }
            *g.created.entry(channel).or_default() += 1;
            ok(message)
        }
        ("GET", ["channels", _, "messages"]) => ok(json!([])),
        ("GET" | "PATCH", ["channels", ch, "messages", mid]) => {
            ok(echo_message(id_of(mid), id_of(ch), body))
        }
        ("DELETE", ["channels", _, "messages", _]) => no_content,
        ("POST", ["channels", _, "messages", "bulk-delete"]) => no_content,
        ("PUT" | "DELETE", ["channels", _, "messages", _, "reactions", ..]) => no_content,
        ("POST", ["channels", _, "typing"]) => no_content,
        // Application commands.
        ("PUT", ["applications", _, "commands"]) => ok(put_commands(g, "global", None, body)),
        ("PUT", ["applications", _, "guilds", gid, "commands"]) => {
            ok(put_commands(g, gid, Some(gid), body))
        }
        ("GET", ["applications", _, "commands"]) => {
            ok(json!(g.commands.get("global").cloned().unwrap_or_default()))
        }
        ("GET", ["applications", _, "guilds", gid, "commands"]) => {
            ok(json!(g.commands.get(*gid).cloned().unwrap_or_default()))
        }
        ("POST", ["applications", _, "commands"]) => ok(command_echo(body, None)),
        ("POST", ["applications", _, "guilds", gid, "commands"]) => {
            ok(command_echo(body, Some(gid)))
        }
        ("PATCH", ["applications", _, "commands", _]) => ok(command_echo(body, None)),
        ("PATCH", ["applications", _, "guilds", gid, "commands", _]) => {
            ok(command_echo(body, Some(gid)))
        }
        (
            "DELETE",
            ["applications", _, "commands", _] | ["applications", _, "guilds", _, "commands", _],
        ) => no_content,
        // Interactions.
        ("POST", ["interactions", _, _, "callback"]) => no_content,
        ("POST", ["webhooks", _, token]) => {
            let ch = g
                .interaction_channels
                .get(*token)
                .copied()
                .unwrap_or(DEFAULT_CHANNEL_ID);
            ok(echo_message(next_id(), ch, body))
        }
        ("GET" | "PATCH", ["webhooks", _, token, "messages", mid]) => {
            let ch = g
                .interaction_channels
                .get(*token)
                .copied()
                .unwrap_or(DEFAULT_CHANNEL_ID);
            let id = if *mid == "@original" {
                next_id()
            } else {
                id_of(mid)
            };
            ok(echo_message(id, ch, body))
        }
        ("DELETE", ["webhooks", _, _, "messages", _]) => no_content,
        _ => (404, None, false),
    }
}

fn command_echo(cmd: &Value, guild: Option<&str>) -> Value {
    let mut c = cmd.clone();
    if !c.is_object() {
        c = json!({});
    }
    c["id"] = json!(next_id().to_string());
    c["application_id"] = json!(APPLICATION_ID.to_string());
    c["version"] = json!(next_id().to_string());
    if c.get("type").is_none_or(Value::is_null) {
        c["type"] = json!(1);
    }
    if c.get("description").is_none_or(Value::is_null) {
        c["description"] = json!("");
    }
    if let Some(gid) = guild {
        c["guild_id"] = json!(gid);
    }
    c
}

fn put_commands(g: &mut Inner, key: &str, guild: Option<&str>, body: &Value) -> Value {
    let cmds: Vec<Value> = body
        .as_array()
        .map(|a| a.iter().map(|c| command_echo(c, guild)).collect())
        .unwrap_or_default();
    g.commands.insert(key.to_owned(), cmds.clone());
    json!(cmds)
}

/// A Message object serenity accepts, built from a create/edit request body.
fn echo_message(id: u64, channel_id: u64, body: &Value) -> Value {
    let mut m = json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": {
            "id": BOT_USER_ID.to_string(),
            "username": BOT_USERNAME,
            "discriminator": "0",
            "global_name": null,
            "avatar": null,
            "bot": true,
        },
        "content": body.get("content").and_then(Value::as_str).unwrap_or(""),
        "timestamp": now_timestamp(),
        "edited_timestamp": null,
        "tts": body.get("tts").and_then(Value::as_bool).unwrap_or(false),
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds").filter(|e| e.is_array()).cloned().unwrap_or_else(|| json!([])),
        "components": [],
        "pinned": false,
        "type": if body.get("message_reference").is_some_and(|r| !r.is_null()) { 19 } else { 0 },
        "flags": body.get("flags").and_then(Value::as_u64).unwrap_or(0),
    });
    if let Some(r) = body.get("message_reference").filter(|r| r.is_object()) {
        m["message_reference"] = r.clone();
    }
    m
}

fn parse_body(content_type: Option<&str>, body: &[u8]) -> (Option<Value>, Vec<MultipartPart>) {
    if body.is_empty() {
        return (None, Vec::new());
    }
    if let Some(boundary) = content_type
        .filter(|ct| ct.starts_with("multipart/"))
        .and_then(|ct| {
            ct.split(';')
                .find_map(|p| p.trim().strip_prefix("boundary="))
        })
    {
        let parts = parse_multipart(body, boundary.trim_matches('"'));
        let json = parts
            .iter()
            .find(|p| p.name == "payload_json")
            .and_then(|p| serde_json::from_slice(&p.data).ok());
        return (json, parts);
    }
    (serde_json::from_slice(body).ok(), Vec::new())
}

fn parse_multipart(body: &[u8], boundary: &str) -> Vec<MultipartPart> {
    let delim = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut chunks = split_bytes(body, delim.as_bytes()).into_iter().skip(1);
    for chunk in chunks.by_ref() {
        if chunk.starts_with(b"--") {
            break; // closing delimiter
        }
        let chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
        let Some(split) = find(chunk, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&chunk[..split]).into_owned();
        let mut data = &chunk[split + 4..];
        data = data.strip_suffix(b"\r\n").unwrap_or(data);
        let mut part = MultipartPart {
            name: String::new(),
            filename: None,
            content_type: None,
            data: data.to_vec(),
        };
        for line in head.lines() {
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("content-disposition:") {
                part.name = header_param(line, "name").unwrap_or_default();
                part.filename = header_param(line, "filename");
            } else if lower.starts_with("content-type:") {
                part.content_type = Some(line["content-type:".len()..].trim().to_owned());
            }
        }
        parts.push(part);
    }
    parts
}

fn header_param(line: &str, key: &str) -> Option<String> {
    line.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k == key).then(|| v.trim_matches('"').to_owned())
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn split_bytes<'a>(mut hay: &'a [u8], delim: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(i) = find(hay, delim) {
        out.push(&hay[..i]);
        hay = &hay[i + delim.len()..];
    }
    out.push(hay);
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &s[..end], s.len())
}
