//! Telling the service manager (systemd, `Type=notify-reload`) what state the bot is in:
//! ready once every shard of this process has connected, with the responses loaded, reloading around a
//! SIGHUP reload, stopping when asked to stop.
//!
//! It owns nothing but those notifications; outside systemd (no `NOTIFY_SOCKET`) every call is a
//! no-op. It never decides when to reload or stop, and a notification that cannot be sent is
//! logged at debug level and never stops the bot.

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

use sd_notify::NotifyState;
use serenity::all::{Context, EventHandler, Ready};
use serenity::async_trait;
use tracing::debug;

fn notify(states: &[NotifyState<'_>]) {
    // `false`: keep NOTIFY_SOCKET, later notifications (reload, stop) need it too.
    if let Err(err) = sd_notify::notify(false, states) {
        debug!(error = %err, "cannot notify the service manager");
    }
}

/// A reload is starting; systemd holds `systemctl reload` until [`reloaded`].
pub fn reloading() {
    // systemd 253+ requires the monotonic time with RELOADING=1, or it fails the reload.
    match NotifyState::monotonic_usec_now() {
        Ok(now) => notify(&[NotifyState::Reloading, now]),
        Err(err) => {
            debug!(error = %err, "cannot read the monotonic clock");
            notify(&[NotifyState::Reloading]);
        }
    }
}

/// The reload ended, taken or refused: the bot serves either way (a refused reload keeps the
/// old responses).
pub fn reloaded() {
    notify(&[NotifyState::Ready]);
}

/// The bot is stopping.
pub fn stopping() {
    notify(&[NotifyState::Stopping]);
}

/// Sends READY=1 once Discord has sent READY to every shard of this process: the responses
/// were loaded before connecting, so connected means able to answer in every guild it serves.
pub struct ReadyNotifier {
    /// The shards that have not had a READY yet; `None` once READY=1 was sent.
    waiting: Mutex<Option<BTreeSet<u32>>>,
}

impl ReadyNotifier {
    pub fn new(shards: impl IntoIterator<Item = u32>) -> ReadyNotifier {
        ReadyNotifier {
            waiting: Mutex::new(Some(shards.into_iter().collect())),
        }
    }

    /// Notes a READY on `shard`; true exactly once, when it was the last one waited for.
    fn connected(&self, shard: u32) -> bool {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(shards) = waiting.as_mut() else {
            return false;
        };
        shards.remove(&shard);
        if shards.is_empty() {
            *waiting = None;
            return true;
        }
        false
    }
}

#[async_trait]
impl EventHandler for ReadyNotifier {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        if self.connected(ready.shard.map_or(0, |shard| shard.id.0)) {
            notify(&[NotifyState::Ready, NotifyState::Status("connected")]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_once_every_shard_connected_and_only_once() {
        let notifier = ReadyNotifier::new(2..=3);
        assert!(!notifier.connected(2));
        assert!(!notifier.connected(2), "the same shard again");
        assert!(notifier.connected(3));
        assert!(!notifier.connected(3), "a reconnect is no news");
        assert!(!notifier.connected(2));
    }
}
