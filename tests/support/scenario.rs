//! The steps every end-to-end scenario shares (`tests/discord_e2e.rs`, `tests/moderation_e2e.rs`,
//! `tests/abuse_e2e.rs`): the per-wait timeout [`T`] and the hard cap [`capped`], [`setup`] (a fake
//! and our bot, ready) and [`finish`] (no unexpected request, the bot still running, stopped
//! before the fake), the usual senders ([`in_channel`], [`ask_in`], [`member`]), the silence check
//! [`assert_silent_until`], log polling ([`wait_for_log`]), and readers of what the bot sent
//! ([`the_embed`], [`callback_data`], [`is_ephemeral`], [`no_mentions`], [`topic`]).
//!
//! ```ignore
//! capped(Duration::from_secs(30), async {
//!     let (fake, bot) = setup(BotOptions::default()).await;
//!     let question = in_channel("what is immunotherapy?");
//!     fake.send_event(&question);
//!     let reply = fake.wait_for_request(is_reply_to(&question), T).await;
//!     assert_eq!(reply.body()["allowed_mentions"], no_mentions());
//!     finish(fake, bot).await;
//! })
//! .await;
//! ```

use std::future::Future;
use std::time::Duration;

use immunobot::catalog::{Catalog, Topic};
use serde_json::{json, Value};

use super::bot::{BotOptions, CapturedLogs, RunningBot};
use super::fake_discord::{is_reply_to, FakeDiscord, RecordedRequest};
use super::fixtures::{FakeMessage, FakeUser, Invoker, DEFAULT_CHANNEL_ID, MEMBER_PERMISSIONS};

/// Timeout for every single wait.
pub const T: Duration = Duration::from_secs(5);

/// The `flags` bit of a message only its invoker sees.
pub const EPHEMERAL: u64 = 1 << 6;

/// Hard cap so that no test can hang.
pub async fn capped(limit: Duration, fut: impl Future<Output = ()>) {
    tokio::time::timeout(limit, fut)
        .await
        .unwrap_or_else(|_| panic!("test exceeded its {limit:?} cap"));
}

/// A fake, and our bot connected to it, ready (READY handled, commands registered, all startup
/// traffic consumed).
pub async fn setup(options: BotOptions) -> (FakeDiscord, RunningBot) {
    let fake = FakeDiscord::start().await;
    let bot = RunningBot::start(&fake, options).await;
    bot.wait_until_ready(&fake).await;
    (fake, bot)
}

/// The end of every test: nothing unexpected was asked for, the bot is still running, and it
/// stops cleanly before the fake goes away.
pub async fn finish(fake: FakeDiscord, bot: RunningBot) {
    fake.assert_no_unexpected_requests();
    assert!(
        bot.is_running(),
        "the bot stopped by itself\n{}",
        fake.dump()
    );
    bot.stop().await;
    drop(fake);
}

/// A fresh member saying `text` in `channel` of the fake guild.
pub fn ask_in(channel: u64, text: &str) -> FakeMessage {
    FakeMessage::guild(channel, FakeUser::fresh("member"), text)
}

/// A fresh member saying `text` in the default channel.
pub fn in_channel(text: &str) -> FakeMessage {
    ask_in(DEFAULT_CHANNEL_ID, text)
}

/// A fresh member with a member's permissions and no roles, to invoke commands and buttons.
pub fn member() -> Invoker {
    Invoker::member(FakeUser::fresh("member"), MEMBER_PERMISSIONS, &[])
}

/// The `allowed_mentions` of everything the bot sends: nobody is pinged.
pub fn no_mentions() -> Value {
    json!({ "parse": [], "users": [], "roles": [], "replied_user": false })
}

/// Sends `sentinel` (a question the bot answers), waits for its answer, and fails if the bot
/// made any other HTTP request that was not consumed before.
pub async fn assert_silent_until(fake: &FakeDiscord, sentinel: &FakeMessage) {
    fake.assert_silent_until_sentinel(|_| true, sentinel, is_reply_to(sentinel), T)
        .await;
}

/// The one embed of a message (or of an interaction response's `data`).
pub fn the_embed(message: &Value) -> &Value {
    let embeds = message["embeds"]
        .as_array()
        .unwrap_or_else(|| panic!("no embeds in {message:#}"));
    assert_eq!(embeds.len(), 1, "exactly one embed expected: {message:#}");
    &embeds[0]
}

/// An interaction callback's `data`, after checking its type (4: a message, 5: deferred).
pub fn callback_data(callback: &RecordedRequest, kind: u64) -> &Value {
    let body = callback.body();
    assert_eq!(body["type"], kind, "callback type: {body:#}");
    &body["data"]
}

/// Whether a message (or an interaction response's `data`) is shown to its invoker only.
pub fn is_ephemeral(data: &Value) -> bool {
    data["flags"].as_u64().unwrap_or(0) & EPHEMERAL != 0
}

/// The topic `id` of `catalog`; panics when there is none.
pub fn topic<'a>(catalog: &'a Catalog, id: &str) -> &'a Topic {
    catalog
        .find(id)
        .unwrap_or_else(|| panic!("topic {id} not in the catalog"))
}

/// Polls the captured logs (the handler logs after the HTTP response) until `needle` shows up;
/// on timeout fails with the logs and the fake's traffic.
pub async fn wait_for_log(logs: &CapturedLogs, needle: &str, fake: &FakeDiscord) -> String {
    wait_for_log_or(logs, needle, || fake.dump()).await
}

/// [`wait_for_log`], failing with the logs and `context()` (for tests without the fake at hand).
pub async fn wait_for_log_or(
    logs: &CapturedLogs,
    needle: &str,
    context: impl Fn() -> String,
) -> String {
    let deadline = tokio::time::Instant::now() + T;
    loop {
        let text = logs.text();
        if text.contains(needle) {
            return text;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no log line containing {needle:?}; logs:\n{text}\n{}",
            context()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
