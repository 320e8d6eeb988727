//! Reaching Discord's gateway, and what the operator is told when that fails.
//!
//! Owns the gateway lookup ([`gateway`], `GET /gateway/bot`: the address, how many shards
//! Discord recommends and how many may identify at once; retried with a growing backoff and one
//! plain log line per failure, only ever at `api_url`, because serenity's own lookup silently
//! falls back to the real `wss://gateway.discord.gg` when it fails) and the fatal gateway errors that need
//! the operator ([`Fatal`]: a rejected token, a refused intent), worded as what to do.
//!
//! It never decides when the bot stops: that is [`super::run`]'s.

use std::time::Duration;

use serenity::all::{GatewayError, Http};
use serenity::http::HttpError;
use tracing::{info, warn};

/// Gateway failures that no retry can fix: the operator has to act. Their text is what the
/// operator reads last, so it says what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Fatal {
    /// Close code 4004, or a 401 from the REST API.
    #[error(
        "Discord rejected the bot token: reset it in the developer portal and set DISCORD_TOKEN"
    )]
    TokenRejected,
    /// Close code 4014.
    #[error("Discord refused the Message Content intent: enable it under Bot -> Privileged Gateway Intents, or set `[discord] message_content = false`")]
    IntentRefused,
}

/// What the gateway connection ended with, for the operator: the [`Fatal`] wording when there
/// is one, else serenity's error with context.
pub fn explain(err: serenity::Error) -> anyhow::Error {
    match err {
        serenity::Error::Gateway(GatewayError::InvalidAuthentication) => {
            Fatal::TokenRejected.into()
        }
        serenity::Error::Gateway(GatewayError::DisallowedGatewayIntents) => {
            Fatal::IntentRefused.into()
        }
        other => anyhow::Error::new(other).context("the Discord connection ended with an error"),
    }
}

/// The waits between gateway lookups: quick at first (a proxy restarting), then every minute.
const BACKOFF: [u64; 6] = [1, 2, 5, 10, 30, 60];

/// The wait after the `failures`-th failed lookup in a row (1-based).
pub fn backoff(failures: usize) -> Duration {
    let index = failures.saturating_sub(1).min(BACKOFF.len() - 1);
    Duration::from_secs(BACKOFF[index])
}

/// What Discord says about connecting this bot (`GET /gateway/bot`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    /// The websocket address every shard connects to.
    pub url: String,
    /// How many shards Discord recommends for the bot, for `total_shards = "auto"`.
    pub shards: u32,
    /// How many shards may identify within the same 5 seconds
    /// (`session_start_limit.max_concurrency`).
    pub max_concurrency: u64,
}

/// Asks `api_url` (through `http`) for the gateway until it answers; logs one plain line per
/// failed attempt and waits [`backoff`] between them. Only a rejected token ends it. Runs until
/// it succeeds: the caller decides when to stop waiting (a stop signal).
pub async fn gateway(http: &Http, api_url: &str) -> Result<Gateway, Fatal> {
    let mut failures = 0;
    loop {
        let failure = match http.get_bot_gateway().await {
            Ok(gateway) => {
                if failures > 0 {
                    info!(api_url, "reached Discord again");
                }
                return Ok(Gateway {
                    url: gateway.url,
                    shards: gateway.shards,
                    max_concurrency: gateway.session_start_limit.max_concurrency,
                });
            }
            Err(err) => match Failure::of(&err) {
                Failure::Unauthorized => return Err(Fatal::TokenRejected),
                failure => failure,
            },
        };
        failures += 1;
        let wait = backoff(failures);
        let seconds = wait.as_secs();
        match failure {
            Failure::Unreachable(why) => {
                warn!("cannot reach Discord at {api_url}: retrying in {seconds} s ({why})");
            }
            Failure::Status(status) => {
                warn!("Discord at {api_url} answered the gateway lookup with {status}: retrying in {seconds} s");
            }
            Failure::Unreadable(why) => {
                warn!("cannot read the gateway address from {api_url}: retrying in {seconds} s ({why})");
            }
            Failure::Unauthorized => {}
        }
        tokio::time::sleep(wait).await;
    }
}

/// The kinds of failed lookups, each with its own log line.
enum Failure {
    Unreachable(String),
    Status(u16),
    Unauthorized,
    Unreadable(String),
}

impl Failure {
    fn of(err: &serenity::Error) -> Failure {
        match err {
            serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
                match response.status_code.as_u16() {
                    401 => Failure::Unauthorized,
                    status => Failure::Status(status),
                }
            }
            serenity::Error::Http(HttpError::Request(err)) => {
                let kind = if err.is_timeout() {
                    "timed out"
                } else if err.is_connect() {
                    "connection failed"
                } else {
                    "request failed"
                };
                Failure::Unreachable(kind.to_string())
            }
            other => Failure::Unreadable(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operator_reads_what_to_do() {
        let token = explain(serenity::Error::Gateway(
            GatewayError::InvalidAuthentication,
        ));
        assert_eq!(
            format!("{token:#}"),
            "Discord rejected the bot token: reset it in the developer portal and set DISCORD_TOKEN"
        );
        let intent = explain(serenity::Error::Gateway(
            GatewayError::DisallowedGatewayIntents,
        ));
        assert_eq!(
            format!("{intent:#}"),
            "Discord refused the Message Content intent: enable it under Bot -> Privileged Gateway Intents, or set `[discord] message_content = false`"
        );
        let other = explain(serenity::Error::Gateway(GatewayError::InvalidShardData));
        assert!(format!("{other:#}").starts_with("the Discord connection ended with an error: "));
    }

    #[test]
    fn lookups_back_off_to_a_minute() {
        let waits: Vec<u64> = (1..=8).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 5, 10, 30, 60, 60, 60]);
    }
}
