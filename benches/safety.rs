//! Safety router benchmarks: what reading every message first costs, as ratios against the
//! matcher measured in the same run (machines are noisy; ratios are what we compare).
//!
//! `cargo bench --bench safety` prints nanoseconds per message for the router and the matcher
//! on ordinary chat (the ~99% of a server's messages that wake no pattern), on crisis and advice
//! messages, and on a 100,000-message stream; then `immunobot match` (which runs both) in
//! messages per second. Targets: the router costs at most half the matcher on the stream, and
//! `match` stays at or above 1M messages/s.

use std::hint::black_box;
use std::time::{Duration, Instant};

use immunobot::catalog::{Catalog, ResponseSource};
use immunobot::discord::CONTENT_LIMITS;
use immunobot::matching::Addressing;

const CHAT: &[&str] = &[
    "lol same",
    "anyone around?",
    "good morning everyone!",
    "how was your weekend",
    "did you see the game last night",
    "I'm heading to my appointment now, wish me luck",
    "thanks for the support everyone ❤️",
    "<@123456789012345678> check your DMs",
    "the meetup is at 6pm on friday",
    "can someone pin the rules?",
    "my scan results came back clear!! 🎉",
    "how are you all feeling today",
    "just got home from the hospital, exhausted",
    "haha yes exactly",
    "that's so good to hear",
    "sending hugs",
    "does anyone know a good recipe for soup",
    "the weather is awful here",
    "welcome to the server!",
    "ok",
    "I'll ask my oncologist tomorrow",
    "feeling a bit nauseous today",
    "has anyone tried acupuncture?",
    "this homework is killing me lol",
    "what is immunotherapy?",
    "my dad's CAR-T went well today",
];

const FLAGGED: &[&str] = &[
    "i don't want to be here anymore",
    "temp 40.3 and shaking, day 3 after CAR-T",
    "should I stop my Keytruda?",
    "how much tylenol can my dad take on opdivo",
    "can't breathe, on keytruda, what do i do",
];

/// A small deterministic generator, so every run measures the same stream.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn stream(len: usize) -> Vec<String> {
    let mut rng = Lcg(7);
    (0..len)
        .map(|_| {
            let n = rng.next() as usize;
            if n.is_multiple_of(100) {
                FLAGGED[n / 100 % FLAGGED.len()].to_string()
            } else {
                CHAT[n % CHAT.len()].to_string()
            }
        })
        .collect()
}

/// Median nanoseconds per message over several rounds of `messages`.
fn measure(messages: &[String], mut one: impl FnMut(&str)) -> f64 {
    let mut rounds = Vec::new();
    let started = Instant::now();
    while rounds.len() < 5 || (started.elapsed() < Duration::from_secs(2) && rounds.len() < 50) {
        let start = Instant::now();
        for message in messages {
            one(message);
        }
        rounds.push(start.elapsed().as_nanos() as f64 / messages.len() as f64);
    }
    rounds.sort_by(f64::total_cmp);
    rounds[rounds.len() / 2]
}

fn main() {
    let catalog = Catalog::load(&ResponseSource::Embedded, &CONTENT_LIMITS).unwrap();
    let router = &catalog.safety().router;
    let route = |message: &str| {
        black_box(router.classify(black_box(message)));
    };
    let assess = |message: &str| {
        black_box(
            catalog
                .matcher()
                .assess(black_box(message), Addressing::Passive),
        );
    };
    let chat: Vec<String> = CHAT.iter().map(|s| s.to_string()).collect();
    let flagged: Vec<String> = FLAGGED.iter().map(|s| s.to_string()).collect();
    let stream = stream(100_000);

    let router_chat = measure(&chat, route);
    let router_flagged = measure(&flagged, route);
    let router_stream = measure(&stream, route);
    let matcher_stream = measure(&stream, assess);

    let input = stream.join("\n") + "\n";
    let mut rounds = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        immunobot::cli::stream_matches(&catalog, input.as_bytes(), std::io::sink()).unwrap();
        rounds.push(start.elapsed().as_secs_f64());
    }
    rounds.sort_by(f64::total_cmp);
    let match_per_second = stream.len() as f64 / rounds[rounds.len() / 2];

    println!("safety router, ns per message (median of rounds)");
    println!("  ordinary chat                         {router_chat:>10.0}");
    println!("  crisis and advice messages            {router_flagged:>10.0}");
    println!("  100k stream (~1% flagged)             {router_stream:>10.0}");
    println!("  matcher on the same stream            {matcher_stream:>10.0}");
    println!();
    println!(
        "immunobot match (router + matcher, JSON out), 100k stream: {match_per_second:>12.0} messages/s, one core  (target >= 1,000,000)"
    );
    println!();
    println!("ratios");
    println!(
        "  router / matcher (stream)             {:>10.2}x  (target <= 0.5x)",
        router_stream / matcher_stream
    );
    println!(
        "  flagged / ordinary (router)           {:>10.1}x",
        router_flagged / router_chat
    );
}
