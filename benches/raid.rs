//! Memory under a raid: the real `immunobot run` binary against the fake Discord, five raids of
//! 20,000 questions from 20,000 members in 5,000 channels each, and the bot's resident memory
//! (VmRSS, Linux) after each.
//!
//! `cargo bench --bench raid` prints the bot's RSS at rest and after each raid, and the growth
//! against the first raid (the baseline measured in this run). Targets: every raid answered in
//! full; growth after the first raid under 32 MiB; no growth from raid to raid after that
//! beyond noise.
//!
//! Each raid uses new channels and new members, so the answer cooldown never silences it.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use support::{BotProcess, FakeDiscord, FakeMessage, FakeUser, APPLICATION_ID};

const RAIDS: usize = 5;
const MESSAGES: usize = 20_000;

/// `RAID_MESSAGES` overrides the raid size, for a quick look.
fn messages() -> usize {
    std::env::var("RAID_MESSAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(MESSAGES)
}
const CHANNELS: u64 = 5_000;
const FIRST_CHANNEL: u64 = 900_000_000_000_000_000;
/// Questions on four topics: one answer per (channel, topic) per raid.
const QUESTIONS: [&str; 4] = [
    "what is immunotherapy?",
    "what is CAR-T?",
    "what are monoclonal antibodies?",
    "what is a cancer vaccine?",
];

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(soak());
}

async fn soak() {
    let fake = FakeDiscord::start().await;
    fake.forget_bodies();
    let mut bot = BotProcess::start(&fake.base_url(), "");
    fake.wait_for_identify(Duration::from_secs(30)).await;
    let registration = format!("/applications/{APPLICATION_ID}/commands");
    fake.wait_for_request(
        |r| r.is_exactly("PUT", &registration),
        Duration::from_secs(30),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rest = bot.rss_kib().expect("the bot's RSS (Linux only)");
    println!("bot pid {}: RSS at rest {:.1} MiB", bot.id(), mib(rest));
    let mut after_first = None;
    let mut previous = rest;
    for raid in 0..RAIDS {
        let started = Instant::now();
        let before = fake.all_messages_created();
        let messages = messages();
        for i in 0..messages {
            let channel = FIRST_CHANNEL + raid as u64 * CHANNELS + i as u64 % CHANNELS;
            let question = QUESTIONS[(i / CHANNELS as usize) % QUESTIONS.len()];
            fake.send_event(&FakeMessage::guild(
                channel,
                FakeUser::fresh("raider"),
                question,
            ));
        }
        // Over when every question is answered, or no answer came for two seconds (the bot
        // stays silent when too many replies are pending).
        let mut last = (before, Instant::now());
        loop {
            let created = fake.all_messages_created();
            if created >= before + messages {
                break;
            }
            if created != last.0 {
                last = (created, Instant::now());
            } else if last.1.elapsed() > Duration::from_secs(2) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let took = last.1.duration_since(started);
        let answered = fake.all_messages_created() - before;
        // Let the last handlers and connections wind down, and the bot hand free memory back.
        tokio::time::sleep(Duration::from_secs(7)).await;
        let rss = bot.rss_kib().expect("the bot's RSS");
        let first = *after_first.get_or_insert(rss);
        println!(
            "raid {}: {answered} of {messages} answered in {:.1} s; RSS {:.1} MiB ({:+.1} MiB on the previous raid, {:+.1} MiB on the first)",
            raid + 1,
            took.as_secs_f64(),
            mib(rss),
            mib(rss) - mib(previous),
            mib(rss) - mib(first),
        );
        previous = rss;
    }
    bot.signal("TERM");
    let (status, _) = bot.exit(Duration::from_secs(10)).await;
    assert!(status.success(), "the bot stopped with {status}");
    let first = after_first.unwrap_or(rest);
    println!(
        "growth: first raid {:+.1} MiB over rest (target < 32 MiB); raids 2-{RAIDS} {:+.1} MiB over the first (target ~0)",
        mib(first) - mib(rest),
        mib(previous) - mib(first),
    );
}
