//! Delivering the bot's messages so that members can trust them: a reply arrives once, or the
//! log says plainly why it did not.
//!
//! Behind a rate-limit proxy (any `api_url` but Discord's own) serenity's rate limiter is off,
//! and serenity then retries nothing: a 429 or a 502 loses the answer. [`Delivery`] sends a
//! channel message itself and retries it: a 429 after the `retry_after` Discord (or a proxy,
//! marking its own answers `generated-by-proxy`) asks for, a 5xx, a 408 or a lost connection
//! with a doubling backoff, within [`Policy`]'s bounds. Every attempt carries the same message
//! `nonce` with `enforce_nonce`, so Discord creates the message at most once even when an
//! attempt that timed out or got a 502 had in fact gone through. Every attempt has a deadline
//! ([`http_client`] builds the client that every serenity request uses too), so a hung send
//! ends, and whatever the caller held for it (a cooldown slot) is released.
//!
//! This module never decides what to say and never retries what retrying cannot fix (a 403 for
//! missing permissions, a 400 for a bad body): those fail at once.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serenity::all::{ChannelId, CreateMessage, Http, LightMethod, Message, Nonce, Request, Route};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tracing::{debug, info};

use crate::metrics::METRICS;

/// Bounds on one delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Each attempt ends after this long, answered or not.
    pub attempt_timeout: Duration,
    /// No attempt starts after this long from the first one.
    pub deadline: Duration,
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The wait after the first failure that is not a 429; doubled after each further one.
    pub first_backoff: Duration,
    /// The longest wait between two attempts that are not a 429's.
    pub max_backoff: Duration,
}

impl Policy {
    /// The bounds for a request timeout of `timeout` (`[discord] request_timeout_seconds`): a
    /// reply is given up three timeouts after it was first sent.
    pub fn for_timeout(timeout: Duration) -> Policy {
        Policy {
            attempt_timeout: timeout,
            deadline: timeout.saturating_mul(3),
            max_attempts: 5,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(4),
        }
    }

    /// The wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed in a way
    /// that is not a 429.
    fn backoff(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(16);
        self.first_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff)
    }
}

/// The HTTP client every request of the bot goes through: serenity's (command registration,
/// interaction responses, the gateway lookup) and [`Delivery`]'s. serenity builds one without
/// any timeout, so a Discord (or proxy) that accepts a connection and never answers would hold
/// a request, and what it holds, forever.
pub fn http_client(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .timeout(timeout)
        .build()
}

/// Why a message was not delivered.
#[derive(Debug, thiserror::Error)]
pub enum Undelivered {
    /// Discord refused the message for a reason retrying cannot fix.
    #[error("Discord refused the message: {status} {message}")]
    Refused { status: u16, message: String },
    /// The bounds ran out; `last` is the last attempt's failure.
    #[error("gave up after {attempts} attempt(s) in {:.1} s; the last one: {last}", elapsed.as_secs_f64())]
    GaveUp {
        attempts: u32,
        elapsed: Duration,
        last: String,
    },
    /// The message could not be built or Discord's answer could not be read.
    #[error("{0}")]
    Other(String),
}

/// What one attempt came to.
#[derive(Debug)]
enum Attempt {
    Delivered(Box<Message>),
    /// Worth another attempt, after at least this long (`None`: the policy's backoff).
    Retry {
        after: Option<Duration>,
        why: String,
    },
    Fatal(Undelivered),
}

/// Messages on their way at once, at most. Under a raid every reply would otherwise open its
/// own connection and hold its request in memory at the same moment (tens of thousands); the
/// rest wait their turn, within the same deadline.
pub const MAX_IN_FLIGHT: usize = 32;

/// Replies admitted at once, at most: on their way or waiting for a turn. serenity runs every
/// event in its own task as soon as it arrives, so under a raid (20,000 questions in a few
/// seconds) every reply the bot owes would otherwise sit in memory at once, long after it could
/// be useful; beyond this many, the bot stays silent ([`Delivery::admit`]).
pub const MAX_PENDING: usize = 1_000;

/// Sends channel messages with retries (see the module docs).
#[derive(Clone)]
pub struct Delivery {
    client: reqwest::Client,
    policy: Policy,
    in_flight: Arc<Semaphore>,
    pending: Arc<Semaphore>,
}

/// A reply's place among the [`MAX_PENDING`]; hold it until the send is over.
pub struct Admission {
    _permit: OwnedSemaphorePermit,
}

impl Delivery {
    /// `client` must be the one [`http_client`] built (the same that serenity's `Http` uses, so
    /// both share connections and deadlines).
    pub fn new(client: reqwest::Client, policy: Policy) -> Delivery {
        Delivery {
            client,
            policy,
            in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
            pending: Arc::new(Semaphore::new(MAX_PENDING)),
        }
    }

    /// A place for one more reply, or `None` when [`MAX_PENDING`] are already pending (the bot
    /// is far behind: a raid, or Discord slowing it down) and this one should not be sent.
    pub fn admit(&self) -> Option<Admission> {
        let permit = self.pending.clone().try_acquire_owned().ok()?;
        Some(Admission { _permit: permit })
    }

    /// Sends `message` to `channel`, retrying within the policy's bounds. `nonce` must be unique
    /// to this message (the id of the message it answers serves): Discord returns the message
    /// it already created for a nonce instead of creating another.
    pub async fn send_message(
        &self,
        http: &Http,
        channel: ChannelId,
        message: CreateMessage,
        nonce: u64,
    ) -> Result<Message, Undelivered> {
        let message = message
            .nonce(Nonce::String(nonce.to_string()))
            .enforce_nonce(true);
        let body = serde_json::to_vec(&message)
            .map_err(|err| Undelivered::Other(format!("cannot build the message: {err}")))?;
        let started = Instant::now();
        let deadline = started + self.policy.deadline;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let request = Request::new(
                Route::ChannelMessages {
                    channel_id: channel,
                },
                LightMethod::Post,
            )
            .body(Some(body.clone()));
            let turn = tokio::time::timeout_at(deadline, self.in_flight.acquire()).await;
            let Ok(Ok(_permit)) = turn else {
                return Err(Undelivered::GaveUp {
                    attempts: attempt - 1,
                    elapsed: started.elapsed(),
                    last: "waited too long for a turn to send (too many replies at once)"
                        .to_string(),
                });
            };
            // Boxed: the request's state is large, and only the few in flight need it.
            let (after, why) = match Box::pin(self.attempt(http, request)).await {
                Attempt::Delivered(message) => {
                    if attempt > 1 {
                        info!(
                            channel = channel.get(),
                            attempts = attempt,
                            "delivered a message after retrying"
                        );
                    }
                    return Ok(*message);
                }
                Attempt::Fatal(err) => return Err(err),
                Attempt::Retry { after, why } => (after, why),
            };
            let wait = after.unwrap_or_else(|| self.policy.backoff(attempt));
            METRICS.retried();
            let gave_up = || Undelivered::GaveUp {
                attempts: attempt,
                elapsed: started.elapsed(),
                last: why.clone(),
            };
            if attempt >= self.policy.max_attempts || Instant::now() + wait > deadline {
                return Err(gave_up());
            }
            debug!(
                channel = channel.get(),
                attempt,
                wait_ms = wait.as_millis() as u64,
                why,
                "retrying a message"
            );
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(&self, http: &Http, request: Request<'_>) -> Attempt {
        let sent = async {
            match &http.ratelimiter {
                // Discord itself: serenity's limiter waits out 429s before returning.
                Some(ratelimiter) => ratelimiter.perform(request).await,
                None => {
                    let request = request
                        .build(&self.client, http.token(), http.proxy.as_deref())?
                        .build()?;
                    Ok(self.client.execute(request).await?)
                }
            }
        };
        let response = match tokio::time::timeout(self.policy.attempt_timeout, sent).await {
            Ok(Ok(response)) => response,
            // Refused before sending (a bad URL, say) or lost on the way: the nonce makes a
            // retry safe even if Discord did get it.
            Ok(Err(err)) => {
                METRICS.rest_error(None);
                return Attempt::Retry {
                    after: None,
                    why: format!("no answer: {err}"),
                };
            }
            Err(_) => {
                METRICS.rest_error(None);
                return Attempt::Retry {
                    after: None,
                    why: format!(
                        "no answer within {:.1} s",
                        self.policy.attempt_timeout.as_secs_f64()
                    ),
                };
            }
        };
        let status = response.status();
        if !status.is_success() {
            METRICS.rest_error(Some(status.as_u16()));
        }
        let headers = response.headers().clone();
        let body = tokio::time::timeout(self.policy.attempt_timeout, response.bytes()).await;
        let body = match body {
            Ok(Ok(body)) => body,
            Ok(Err(err)) => {
                return Attempt::Retry {
                    after: None,
                    why: format!("{status}, then the answer broke off: {err}"),
                }
            }
            Err(_) => {
                return Attempt::Retry {
                    after: None,
                    why: format!("{status}, then the answer stalled"),
                }
            }
        };
        judge(status, &headers, &body)
    }
}

/// What an answer from Discord (or a proxy in front of it) means for a message.
fn judge(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Attempt {
    if status.is_success() {
        return match serde_json::from_slice::<Message>(body) {
            Ok(message) => Attempt::Delivered(Box::new(message)),
            // It was created; sending again would only return it (or, without the nonce
            // remembered, post it twice). Report it as not delivered instead.
            Err(err) => Attempt::Fatal(Undelivered::Other(format!(
                "Discord accepted the message but its answer is unreadable: {err}"
            ))),
        };
    }
    let by_proxy = headers.contains_key("generated-by-proxy");
    let who = if by_proxy { " (from the proxy)" } else { "" };
    match status.as_u16() {
        429 => Attempt::Retry {
            after: Some(retry_after(headers, body).unwrap_or(Duration::from_secs(1))),
            why: format!("429 rate limited{who}"),
        },
        408 | 500..=599 => Attempt::Retry {
            after: None,
            why: format!("{status}{who}"),
        },
        code => Attempt::Fatal(Undelivered::Refused {
            status: code,
            message: error_message(body),
        }),
    }
}

/// The wait a 429 asks for: the body's `retry_after` (seconds, with a fraction), else the
/// `Retry-After` header (seconds; Discord rounds it up, a proxy may not send a body at all).
fn retry_after(headers: &HeaderMap, body: &[u8]) -> Option<Duration> {
    let from_body = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|value| value.get("retry_after")?.as_f64());
    let from_header = || {
        headers
            .get(reqwest::header::RETRY_AFTER)?
            .to_str()
            .ok()?
            .trim()
            .parse::<f64>()
            .ok()
    };
    let seconds = from_body.or_else(from_header)?;
    // A negative, infinite or absurd value is not a wait anyone meant.
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(86_400.0)))
}

/// Discord's `message` from an error body, or a short note when there is none.
fn error_message(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|value| Some(value.get("message")?.as_str()?.to_string()))
        .unwrap_or_else(|| "(no message)".to_string())
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn wait_of(attempt: Attempt) -> Option<Duration> {
        match attempt {
            Attempt::Retry { after, .. } => after,
            other => panic!("expected a retry, got {other:?}"),
        }
    }

    #[test]
    fn a_429_waits_what_discord_asks_body_first_then_header() {
        let body =
            br#"{"message": "You are being rate limited.", "retry_after": 0.5, "global": false}"#;
        let judged = judge(
            StatusCode::TOO_MANY_REQUESTS,
            &headers(&[("retry-after", "1")]),
            body,
        );
        assert_eq!(wait_of(judged), Some(Duration::from_millis(500)));

        // A proxy's own 429 may carry only the header.
        let judged = judge(
            StatusCode::TOO_MANY_REQUESTS,
            &headers(&[("retry-after", "2"), ("generated-by-proxy", "true")]),
            b"",
        );
        assert_eq!(wait_of(judged), Some(Duration::from_secs(2)));

        // Neither: a second, not a hot loop.
        let judged = judge(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), b"<html>");
        assert_eq!(wait_of(judged), Some(Duration::from_secs(1)));

        let judged = judge(
            StatusCode::TOO_MANY_REQUESTS,
            &headers(&[("retry-after", "-3")]),
            b"",
        );
        assert_eq!(wait_of(judged), Some(Duration::from_secs(1)));
    }

    #[test]
    fn server_errors_and_timeouts_are_retried_with_the_backoff_others_are_not() {
        for status in [500, 502, 503, 504, 408] {
            let judged = judge(
                StatusCode::from_u16(status).unwrap(),
                &HeaderMap::new(),
                b"",
            );
            assert_eq!(wait_of(judged), None, "{status}");
        }
        for status in [400, 401, 403, 404] {
            let judged = judge(
                StatusCode::from_u16(status).unwrap(),
                &HeaderMap::new(),
                br#"{"message": "Missing Permissions", "code": 50013}"#,
            );
            match judged {
                Attempt::Fatal(Undelivered::Refused {
                    status: got,
                    message,
                }) => {
                    assert_eq!(got, status);
                    assert_eq!(message, "Missing Permissions");
                }
                other => panic!("{status}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_backoff_doubles_up_to_its_cap() {
        let policy = Policy::for_timeout(Duration::from_secs(10));
        let waits: Vec<u64> = (1..=6)
            .map(|attempt| policy.backoff(attempt).as_millis() as u64)
            .collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 4000, 4000]);
        assert_eq!(policy.deadline, Duration::from_secs(30));
    }
}
