//! Test support: a fake Discord (REST API + gateway websocket) on 127.0.0.1 for driving a
//! serenity 0.12.5 bot in integration tests.
//!
//! * [`FakeDiscord`] serves `/api/v10/...` and the gateway at `/ws`. Point the bot at
//!   [`FakeDiscord::base_url`] (`http://127.0.0.1:PORT`, what goes into
//!   `HttpBuilder::proxy(...)` / the bot's `[discord] api_url`) and disable serenity's
//!   ratelimiter. `GET /gateway` answers `ws://127.0.0.1:PORT/ws`; if it ever failed, serenity
//!   would silently fall back to the real gateway, so check [`FakeDiscord::unexpected_requests`].
//! * Every HTTP request is recorded ([`RecordedRequest`]: method, full path, path without
//!   `/api/v10`, raw query, `Authorization`, JSON body or multipart parts + `payload_json`). Unknown routes get a
//!   Discord-style 404 (`{"message":"404: Not Found","code":0}`) and are flagged
//!   (`known_route == false`).
//! * Waiting (predicates are `Fn(&RecordedRequest) -> bool`; see [`RecordedRequest::is`],
//!   [`RecordedRequest::json_at`], [`is_message_to`], [`is_reply_to`], [`is_callback_for`]):
//!   [`FakeDiscord::wait_for_request`] returns the first *unconsumed* matching request
//!   (also ones that arrived before the call) and marks it consumed; on timeout it panics with
//!   a dump of all HTTP + gateway traffic. [`FakeDiscord::assert_no_request`] /
//!   [`FakeDiscord::expect_silence`] wait a window and fail on any unconsumed match;
//!   [`FakeDiscord::consume_all`] sets a baseline; [`FakeDiscord::assert_silent_until_sentinel`]
//!   replaces blind sleeps by an event the bot does answer.
//! * Gateway: HELLO on connect, READY on IDENTIFY, ACK on heartbeat, RESUMED on RESUME (op 9
//!   if the session id is unknown). Sessions are per shard: IDENTIFY's `shard: [id, total]`
//!   (none: 0 of 1) binds a connection to a shard, and READY lists only that shard's guilds.
//!   [`FakeDiscord::dispatch`] / [`FakeDiscord::send_event`] send op 0 with the next sequence
//!   number to the live session of the event's shard (`(guild_id >> 22) % total`, shard 0
//!   without a guild; [`shard_of_guild`]), or queue it until that shard's next READY/RESUMED.
//!   `GET /gateway/bot` recommends [`FakeConfig::shards`] (1 by default) with
//!   [`FakeConfig::max_concurrency`]. Faults: [`FakeDiscord::close`] (close code),
//!   [`FakeDiscord::drop_tcp`], [`FakeDiscord::send_reconnect`] (op 7),
//!   [`FakeDiscord::send_invalid_session`] (op 9), [`FakeDiscord::stop_acking`] (a zombie
//!   connection), each on the newest connection. serenity reconnects to the same `/ws` URL; a
//!   new connection takes over its shard's session at its IDENTIFY or RESUME.
//! * REST faults: [`FakeDiscord::fail_next`], [`FakeDiscord::inject_fault`] ([`FaultAction`]:
//!   status + body, garbage body, delay) and permanent [`FakeDiscord::stub`]s.
//! * [`fixtures`]: one typed builder per event kind ([`FakeMessage`],
//!   [`FakeCommand`] (slash + autocomplete), [`FakeComponent`] (button, string
//!   select)) with fresh snowflakes, plus the ids of the fake world ([`BOT_USER_ID`],
//!   [`APPLICATION_ID`], [`GUILD_ID`], [`DEFAULT_CHANNEL_ID`]).
//! * [`bot`]: [`RunningBot`] starts immunobot's own Discord adapter in-process against the fake
//!   (with [`BotOptions`] for the `[discord]` settings) and stops it; [`capture_logs`] captures
//!   the bot's log lines on the test's thread.
//! * [`process`]: [`BotProcess`] runs the real `immunobot run` binary against an `api_url`, for
//!   exit codes, signals and stop times.
//! * [`scenario`]: the steps the end-to-end tests share: [`setup`] / [`finish`], the cap
//!   [`capped`] and timeout [`T`], senders ([`in_channel`], [`member`]), [`assert_silent_until`],
//!   [`wait_for_log`] and readers of what the bot sent ([`the_embed`], [`callback_data`], ...).
//!
//! Gotchas (serenity 0.12.5):
//! * Always stop the bot (`shard_manager.shutdown_all().await`, ~0.5 s) before dropping the fake.
//! * Startup traffic (`GET /gateway`, command registration in `ready`, ...) stays unconsumed
//!   until you wait for it; call [`FakeDiscord::consume_all`] before silence assertions.
//! * `RecordedRequest::is` is a path *prefix* match (`/channels/1/messages` also matches
//!   `/channels/1/messages/2`); use `is_exactly` / the `is_*` predicates when that matters.
//! * serenity runs each event handler in its own task: replies to two events dispatched
//!   back-to-back may arrive in either order.
//! * IDENTIFY carries `"token": "Bot <token>"`. serenity ignores `resume_gateway_url` and
//!   reconnects to the URL from `GET /gateway`; on op 7 it opens the new socket before
//!   dropping the old one (the fake simply switches to the newest connection).
//! * A bare `Http` (no `Client`) has no application id until you call `set_application_id`
//!   (a `Client` learns it from READY).
//!
//! ```ignore
//! mod support;
//! use std::time::Duration;
//! use support::*;
//!
//! #[tokio::test]
//! async fn answers_ping() {
//!     let fake = FakeDiscord::start().await;
//!     let bot = start_my_bot(&fake.base_url()).await; // HttpBuilder::new("t").proxy(url).ratelimiter_disabled(true)
//!     fake.wait_for_identify(Duration::from_secs(5)).await;
//!
//!     let ping = FakeMessage::guild(DEFAULT_CHANNEL_ID, FakeUser::fresh("alice"), "ping");
//!     fake.send_event(&ping);
//!     let reply = fake.wait_for_request(is_message_to(DEFAULT_CHANNEL_ID), Duration::from_secs(5)).await;
//!     assert_eq!(reply.content(), Some("pong"));
//!     assert_eq!(reply.body()["message_reference"]["message_id"], ping.id.to_string());
//!
//!     // The bot must ignore other bots; "ping" is the sentinel it does answer.
//!     fake.send_event(&FakeMessage::guild(DEFAULT_CHANNEL_ID, FakeUser::bot(7, "other"), "ping"));
//!     let sentinel = FakeMessage::guild(DEFAULT_CHANNEL_ID, FakeUser::fresh("bob"), "ping");
//!     fake.assert_silent_until_sentinel(
//!         |r| r.is("POST", "/channels/"),   // forbidden
//!         &sentinel,
//!         is_reply_to(&sentinel),           // the sentinel's answer
//!         Duration::from_secs(5),
//!     ).await;
//!
//!     let cmd = FakeCommand::slash("hello", Invoker::member(FakeUser::fresh("carol"), MEMBER_PERMISSIONS, &[42]))
//!         .str_opt("name", "bob");
//!     fake.send_event(&cmd);
//!     let cb = fake.wait_for_request(is_callback_for(cmd.id), Duration::from_secs(5)).await;
//!     assert_eq!(cb.body()["type"], 4);
//!
//!     fake.fail_next("POST", "/channels/", 1, 500); // next send gets a 500
//!     fake.close(4000);                               // bot RESUMEs on a new connection
//!     fake.wait_for_resume_count(1, Duration::from_secs(5)).await;
//!     fake.assert_no_unexpected_requests();
//!     bot.shutdown().await;                           // before `fake` is dropped
//! }
//! ```

#![allow(dead_code, unused_imports)]

pub mod bot;
pub mod fake_discord;
pub mod fixtures;
pub mod process;
pub mod scenario;

pub use bot::{
    capture_logs, copy_responses, edit_response, load_catalog, load_catalog_from, BotOptions,
    CapturedLogs, RunningBot, BOT_TOKEN,
};

pub use fake_discord::{
    gateway_answer, is_callback_for, is_message_to, is_reply_to, shard_of_guild, FakeConfig,
    FakeDiscord, FaultAction, GatewayDirection, GatewayRecord, Mark, MultipartPart,
    RecordedRequest,
};
pub use fixtures::*;
pub use process::BotProcess;
pub use scenario::{
    ask_in, assert_silent_until, callback_data, capped, finish, in_channel, is_ephemeral, member,
    no_mentions, setup, the_embed, topic, wait_for_log, wait_for_log_or, EPHEMERAL, T,
};
