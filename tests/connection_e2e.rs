//! Connecting and stopping (issue 12), end to end: a rejected token or a refused intent ends the
//! bot with what the operator has to do; a failed gateway lookup is retried at `api_url`, never
//! at Discord's own gateway; SIGTERM and Ctrl-C stop the real binary within 5 s with exit code
//! 0 whatever state it is in.

mod support;

use std::net::TcpListener;
use std::time::Duration;

use support::*;

const TOKEN_ADVICE: &str =
    "Discord rejected the bot token: reset it in the developer portal and set DISCORD_TOKEN";
const INTENT_ADVICE: &str = "Discord refused the Message Content intent: enable it under Bot -> Privileged Gateway Intents, or set `[discord] message_content = false`";

/// A stop must end the process within this long.
const STOP_WITHIN: Duration = Duration::from_secs(5);

/// An address on 127.0.0.1 where nothing listens.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    port
}

// =============================================================================================
// Close codes the operator has to act on
// =============================================================================================

#[tokio::test]
async fn close_4004_ends_the_bot_with_the_token_advice() {
    capped(Duration::from_secs(30), async {
        let fake = FakeDiscord::start().await;
        let bot = RunningBot::start(&fake, BotOptions::default()).await;
        bot.wait_until_ready(&fake).await;
        fake.close(4004);
        let err = bot
            .exit(T)
            .await
            .expect_err("a rejected token ends the bot");
        assert_eq!(format!("{err:#}"), TOKEN_ADVICE);
    })
    .await;
}

#[tokio::test]
async fn close_4014_ends_the_bot_with_the_intent_advice() {
    capped(Duration::from_secs(30), async {
        let fake = FakeDiscord::start().await;
        let bot = RunningBot::start(&fake, BotOptions::default()).await;
        bot.wait_until_ready(&fake).await;
        fake.close(4014);
        let err = bot
            .exit(T)
            .await
            .expect_err("a refused intent ends the bot");
        assert_eq!(format!("{err:#}"), INTENT_ADVICE);
    })
    .await;
}

#[tokio::test]
async fn the_binary_exits_non_zero_with_the_advice_for_4004_and_4014() {
    capped(Duration::from_secs(40), async {
        for (code, advice) in [(4004, TOKEN_ADVICE), (4014, INTENT_ADVICE)] {
            let fake = FakeDiscord::start().await;
            let mut bot = BotProcess::start(&fake.base_url(), "");
            fake.wait_for_identify(Duration::from_secs(10)).await;
            fake.close(code);
            let (status, _) = bot.exit(Duration::from_secs(10)).await;
            assert_eq!(status.code(), Some(1), "{code}: {}", bot.logs());
            let logs = bot.logs();
            assert!(
                logs.lines().any(|line| line == format!("error: {advice}")),
                "{code}: {logs}"
            );
        }
    })
    .await;
}

// =============================================================================================
// The gateway lookup
// =============================================================================================

#[tokio::test]
async fn a_failed_gateway_lookup_is_retried_at_api_url_and_never_elsewhere() {
    capped(Duration::from_secs(30), async {
        let (_guard, logs) = capture_logs();
        let fake = FakeDiscord::start().await;
        fake.fail_next("GET", "/gateway", 2, 503);
        let bot = RunningBot::start(&fake, BotOptions::default()).await;
        // Connected to the fake (serenity alone would have gone to wss://gateway.discord.gg).
        bot.wait_until_ready(&fake).await;
        let lookups = fake.requests_matching(|r| r.is_exactly("GET", "/gateway/bot"));
        let statuses: Vec<u16> = lookups.iter().map(|r| r.status).collect();
        assert_eq!(statuses[..3], [503, 503, 200], "{}", fake.dump());
        let waited = lookups[2].at - lookups[1].at;
        assert!(waited >= Duration::from_secs(2), "{waited:?}");
        let text = logs.text();
        let base = fake.base_url();
        assert!(
            text.contains(&format!(
                "Discord at {base} answered the gateway lookup with 503: retrying in 1 s"
            )),
            "{text}"
        );
        assert!(text.contains("retrying in 2 s"), "{text}");
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// Stops always stop
// =============================================================================================

#[tokio::test]
async fn sigterm_stops_the_bot_while_discord_is_unreachable() {
    capped(Duration::from_secs(30), async {
        let api_url = format!("http://127.0.0.1:{}", closed_port());
        let mut bot = BotProcess::start(&api_url, "");
        bot.wait_for_log(
            &format!("cannot reach Discord at {api_url}: retrying in 1 s"),
            Duration::from_secs(10),
        )
        .await;
        bot.wait_for_log("retrying in 2 s", Duration::from_secs(10))
            .await;
        bot.signal("TERM");
        let (status, took) = bot.exit(STOP_WITHIN).await;
        assert_eq!(status.code(), Some(0), "{}", bot.logs());
        assert!(took < STOP_WITHIN, "{took:?}");
    })
    .await;
}

#[tokio::test]
async fn ctrl_c_stops_the_bot_while_the_gateway_refuses_connections() {
    capped(Duration::from_secs(30), async {
        let fake = FakeDiscord::start().await;
        // The lookup works; the gateway it names does not.
        let gateway = format!("ws://127.0.0.1:{}/ws", closed_port());
        fake.stub("GET", "/gateway", 200, gateway_answer(&gateway));
        let mut bot = BotProcess::start(&fake.base_url(), "");
        // serenity re-queues the shard every 5 s; catch it between two tries.
        bot.wait_for_log("Err starting shard", Duration::from_secs(10))
            .await;
        bot.signal("INT");
        let (status, took) = bot.exit(STOP_WITHIN).await;
        assert_eq!(status.code(), Some(0), "{}", bot.logs());
        assert!(took < STOP_WITHIN, "{took:?}");
        assert_eq!(fake.connection_count(), 0);
    })
    .await;
}

#[tokio::test]
async fn sigterm_stops_a_connected_bot_cleanly() {
    capped(Duration::from_secs(30), async {
        let fake = FakeDiscord::start().await;
        let mut bot = BotProcess::start(&fake.base_url(), "");
        fake.wait_for_identify(Duration::from_secs(10)).await;
        bot.signal("TERM");
        let (status, took) = bot.exit(STOP_WITHIN).await;
        assert_eq!(status.code(), Some(0), "{}", bot.logs());
        assert!(took < STOP_WITHIN, "{took:?}");
        fake.wait_for_disconnect(T).await;
        // With a close frame, so Discord shows the bot offline at once.
        let closed = fake.gateway_log().iter().any(|record| {
            record.direction == GatewayDirection::Note
                && record
                    .payload
                    .as_str()
                    .is_some_and(|note| note.contains("closed by bot"))
        });
        assert!(closed, "{}", fake.dump());
    })
    .await;
}

#[tokio::test]
async fn sigterm_stops_the_bot_while_it_tries_to_resume() {
    capped(Duration::from_secs(30), async {
        let fake = FakeDiscord::start().await;
        let mut bot = BotProcess::start(&fake.base_url(), "");
        fake.wait_for_identify(Duration::from_secs(10)).await;
        // Discord goes away: the bot tries to resume, then to reconnect, and cannot.
        drop(fake);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        bot.signal("TERM");
        let (status, took) = bot.exit(STOP_WITHIN).await;
        assert_eq!(status.code(), Some(0), "{}", bot.logs());
        assert!(took < STOP_WITHIN, "{took:?}");
    })
    .await;
}
