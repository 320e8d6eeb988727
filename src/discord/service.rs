//! Telling the service manager (systemd, `Type=notify-reload`) what state the bot is in:
//! ready once the first shard is connected with the responses loaded, reloading around a
//! SIGHUP reload, stopping when asked to stop.
//!
//! It owns nothing but those notifications; outside systemd (no `NOTIFY_SOCKET`) every call is a
//! no-op. It never decides when to reload or stop, and a notification that cannot be sent is
//! logged at debug level and never stops the bot.

use std::sync::atomic::{AtomicBool, Ordering};

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

/// Sends READY=1 on the first READY from Discord: the responses were loaded before connecting,
/// so connected means able to answer.
#[derive(Default)]
pub struct ReadyNotifier {
    sent: AtomicBool,
}

#[async_trait]
impl EventHandler for ReadyNotifier {
    async fn ready(&self, _ctx: Context, _ready: Ready) {
        if !self.sent.swap(true, Ordering::SeqCst) {
            notify(&[NotifyState::Ready, NotifyState::Status("connected")]);
        }
    }
}
