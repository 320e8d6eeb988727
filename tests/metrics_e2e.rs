//! `[metrics] listen`, end to end: the real binary serves `/metrics`, `/healthz` and `/readyz`
//! while it talks to the fake Discord; the counters move when it answers, and `/readyz` says 503
//! until it is connected and again when Discord goes away.

mod support;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use support::*;

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    port
}

fn with_metrics(port: u16) -> String {
    format!("\n[metrics]\nlisten = \"127.0.0.1:{port}\"\n")
}

/// The status and body of `GET path`, or `None` while nothing listens.
async fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let response = reqwest::get(format!("http://127.0.0.1:{port}{path}"))
        .await
        .ok()?;
    let status = response.status().as_u16();
    Some((status, response.text().await.ok()?))
}

/// Polls `path` until it answers `status`; panics with the bot's logs after `within`.
async fn wait_for_status(bot: &BotProcess, port: u16, path: &str, status: u16, within: Duration) {
    let deadline = Instant::now() + within;
    let mut last = None;
    while Instant::now() < deadline {
        last = get(port, path).await;
        if last.as_ref().is_some_and(|(got, _)| *got == status) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{path} never answered {status} (last: {last:?}); logs:\n{}",
        bot.logs()
    );
}

/// The value of the sample `line` starts with (`name{labels}`), or 0 when there is none.
fn sample(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |value| value.trim().parse().expect("a number"))
}

/// Scrapes `/metrics` until `series` reaches `value`; returns that scrape.
async fn wait_for_sample(bot: &BotProcess, port: u16, series: &str, value: f64) -> String {
    let deadline = Instant::now() + T;
    loop {
        let (status, metrics) = get(port, "/metrics").await.expect("metrics answer");
        assert_eq!(status, 200);
        if sample(&metrics, series) >= value {
            return metrics;
        }
        assert!(
            Instant::now() < deadline,
            "{series} never reached {value}:\n{metrics}\nlogs:\n{}",
            bot.logs()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn counters_move_when_the_bot_answers_and_readyz_follows_the_connection() {
    capped(Duration::from_secs(60), async {
        let fake = FakeDiscord::start().await;
        let port = free_port();
        // Discord's gateway cannot be reached at first: alive, not ready.
        let closed = free_port();
        fake.stub(
            "GET",
            "/gateway",
            200,
            gateway_answer(&format!("ws://127.0.0.1:{closed}/ws")),
        );
        let bot = BotProcess::start(&fake.base_url(), &with_metrics(port));
        wait_for_status(&bot, port, "/healthz", 200, Duration::from_secs(10)).await;
        bot.wait_for_log("Err starting shard", Duration::from_secs(10))
            .await;
        let (status, body) = get(port, "/readyz").await.expect("readyz answers");
        assert_eq!(status, 503, "not connected yet: {body}");
        let (_, metrics) = get(port, "/metrics").await.expect("metrics answer");
        assert_eq!(sample(&metrics, "immunobot_ready"), 0.0, "{metrics}");
        drop(bot);

        // A reachable Discord: ready once connected.
        let fake = FakeDiscord::start().await;
        let port = free_port();
        let bot = BotProcess::start(&fake.base_url(), &with_metrics(port));
        wait_for_status(&bot, port, "/healthz", 200, Duration::from_secs(10)).await;
        fake.wait_for_identify(Duration::from_secs(10)).await;
        wait_for_status(&bot, port, "/readyz", 200, Duration::from_secs(10)).await;

        let question = in_channel("what is immunotherapy?");
        fake.send_event(&question);
        fake.wait_for_request(is_reply_to(&question), T).await;
        // A message the bot has no reviewed answer for: silence, counted by its reason.
        let sentinel = in_channel("what is immunotherapy?");
        fake.send_event(&in_channel("what time does the meeting start?"));
        fake.send_event(&sentinel);
        // Counted once Discord confirmed the reply, which is a moment after the fake saw it.
        let answered = r#"immunobot_answers_total{topic="immunotherapy"}"#;
        wait_for_sample(&bot, port, answered, 1.0).await;
        let metrics = wait_for_sample(
            &bot,
            port,
            r#"immunobot_silences_total{reason="cooldown"}"#,
            1.0,
        )
        .await;
        assert_eq!(sample(&metrics, answered), 1.0, "{metrics}");
        assert_eq!(
            sample(&metrics, r#"immunobot_silences_total{reason="cooldown"}"#),
            1.0,
            "the same answer again in the same channel is held back: {metrics}"
        );
        assert!(
            sample(&metrics, r#"immunobot_silences_total{reason="unsure"}"#) >= 1.0,
            "{metrics}"
        );
        assert_eq!(sample(&metrics, "immunobot_ready"), 1.0, "{metrics}");
        // No ids and no text in any label.
        for id in [GUILD_ID, DEFAULT_CHANNEL_ID, question.author.id] {
            assert!(!metrics.contains(&id.to_string()), "{id} in\n{metrics}");
        }
        assert!(!metrics.contains("meeting"), "{metrics}");

        // Discord goes away: not ready, still alive.
        drop(fake);
        wait_for_status(&bot, port, "/readyz", 503, Duration::from_secs(15)).await;
        let (status, _) = get(port, "/healthz").await.expect("healthz answers");
        assert_eq!(status, 200);
    })
    .await;
}

#[tokio::test]
async fn a_port_already_taken_stops_the_bot_with_the_address() {
    capped(Duration::from_secs(30), async {
        let fake = FakeDiscord::start().await;
        let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = taken.local_addr().expect("addr").port();
        let mut bot = BotProcess::start(&fake.base_url(), &with_metrics(port));
        let (status, _) = bot.exit(Duration::from_secs(10)).await;
        assert_eq!(status.code(), Some(1), "{}", bot.logs());
        assert!(
            bot.logs()
                .contains(&format!("cannot listen for metrics on 127.0.0.1:{port}")),
            "{}",
            bot.logs()
        );
    })
    .await;
}
