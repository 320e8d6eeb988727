//! Fast recovery (issue 12), end to end: a zombie connection (heartbeats no longer
//! acknowledged) or an invalid session (op 9) is replaced by a new session within two
//! heartbeat intervals, and the bot answers again.

mod support;

use std::time::Duration;

use support::*;

const HEARTBEAT: Duration = Duration::from_secs(1);
/// serenity spaces IDENTIFYs of a shard 5 s apart (Discord's limit); recovery is measured after.
const IDENTIFY_SPACING: Duration = Duration::from_secs(5);

async fn ready_with_fast_heartbeats() -> (FakeDiscord, RunningBot) {
    let fake = FakeDiscord::start_with(FakeConfig {
        heartbeat_interval: HEARTBEAT,
        ..FakeConfig::default()
    })
    .await;
    let bot = RunningBot::start(&fake, BotOptions::default()).await;
    bot.wait_until_ready(&fake).await;
    tokio::time::sleep(IDENTIFY_SPACING).await;
    (fake, bot)
}

/// Waits for the next IDENTIFY + READY and returns how long it took from `since`.
async fn replaced_after(fake: &FakeDiscord, since: tokio::time::Instant) -> Duration {
    fake.wait_for_identify_count(2, Duration::from_secs(15))
        .await;
    since.elapsed()
}

#[tokio::test]
async fn a_zombie_connection_is_replaced_within_two_heartbeat_intervals() {
    capped(Duration::from_secs(40), async {
        let (fake, bot) = ready_with_fast_heartbeats().await;
        let beats = fake.heartbeat_count();
        fake.stop_acking();
        // From the first heartbeat that goes unanswered.
        fake.wait_for_heartbeats(beats + 1, Duration::from_secs(3))
            .await;
        let unanswered = tokio::time::Instant::now();
        let took = replaced_after(&fake, unanswered).await;
        eprintln!("zombie replaced {took:?} after the first unanswered heartbeat");
        assert!(
            took <= 2 * HEARTBEAT,
            "replaced after {took:?}\n{}",
            fake.dump()
        );
        let question = in_channel("what is immunotherapy?");
        fake.send_event(&question);
        fake.wait_for_request(is_reply_to(&question), T).await;
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn an_invalid_session_is_replaced_within_two_heartbeat_intervals() {
    capped(Duration::from_secs(40), async {
        let (fake, bot) = ready_with_fast_heartbeats().await;
        let sent = tokio::time::Instant::now();
        fake.send_invalid_session(false);
        let took = replaced_after(&fake, sent).await;
        eprintln!("invalid session replaced {took:?} after op 9");
        assert!(
            took <= 2 * HEARTBEAT,
            "replaced after {took:?}\n{}",
            fake.dump()
        );
        let question = in_channel("what is immunotherapy?");
        fake.send_event(&question);
        fake.wait_for_request(is_reply_to(&question), T).await;
        finish(fake, bot).await;
    })
    .await;
}
