//! Delivery you can trust (issue 12), end to end: with `api_url` set, serenity's rate limiter
//! is off, so the bot itself retries a reply after a 429 (Discord's or a proxy's), a 5xx or no
//! answer at all, never posts it twice (message nonce + `enforce_nonce`), gives up with a log
//! line after a bound, and frees the answer's cooldown slot when it gives up.

mod support;

use std::time::Duration;

use serde_json::Value;

use support::*;

const C1: u64 = DEFAULT_CHANNEL_ID;
const FIVE_MINUTES: Duration = Duration::from_secs(300);

fn messages_path() -> String {
    format!("/channels/{C1}/messages")
}

fn nonce(request: &RecordedRequest) -> (Option<Value>, Option<Value>) {
    (
        request.json_at("/nonce").cloned(),
        request.json_at("/enforce_nonce").cloned(),
    )
}

/// Every attempt at one reply carries the question's id as its nonce, enforced.
fn assert_same_enforced_nonce(attempts: &[RecordedRequest], question: &FakeMessage) {
    for attempt in attempts {
        assert_eq!(
            nonce(attempt),
            (
                Some(Value::String(question.id.to_string())),
                Some(Value::Bool(true))
            ),
            "attempt #{}",
            attempt.index
        );
    }
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after_and_answered_exactly_once() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        fake.inject_fault("POST", &messages_path(), 1, FaultAction::rate_limited(0.5));
        let question = in_channel("what is immunotherapy?");
        fake.send_event(&question);
        let attempts = fake.wait_for_requests(2, is_reply_to(&question), T).await;
        assert_eq!(attempts[0].status, 429);
        assert_eq!(attempts[1].status, 200);
        let waited = attempts[1].at - attempts[0].at;
        assert!(
            waited >= Duration::from_millis(500),
            "retried after {waited:?}, before the 0.5 s Discord asked for"
        );
        assert!(waited < Duration::from_secs(2), "retried after {waited:?}");
        assert_same_enforced_nonce(&attempts, &question);
        // One reply, and no third attempt.
        assert_silent_until(&fake, &in_channel("what is CAR-T?")).await;
        assert_eq!(fake.messages_created(C1), 2, "{}", fake.dump());
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn a_proxy_generated_429_is_waited_out_by_its_retry_after_header() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        fake.inject_fault(
            "POST",
            &messages_path(),
            1,
            FaultAction::proxy_rate_limited(1),
        );
        let question = in_channel("what is immunotherapy?");
        fake.send_event(&question);
        let attempts = fake.wait_for_requests(2, is_reply_to(&question), T).await;
        assert_eq!(
            (attempts[0].status, attempts[1].status),
            (429, 200),
            "{}",
            fake.dump()
        );
        let waited = attempts[1].at - attempts[0].at;
        assert!(waited >= Duration::from_secs(1), "retried after {waited:?}");
        assert_same_enforced_nonce(&attempts, &question);
        assert_silent_until(&fake, &in_channel("what is CAR-T?")).await;
        assert_eq!(fake.messages_created(C1), 2);
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn server_errors_are_retried_with_a_growing_backoff() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        fake.fail_next("POST", &messages_path(), 1, 502);
        fake.fail_next("POST", &messages_path(), 1, 500);
        let question = in_channel("what is immunotherapy?");
        fake.send_event(&question);
        let attempts = fake.wait_for_requests(3, is_reply_to(&question), T).await;
        let statuses: Vec<u16> = attempts.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [502, 500, 200]);
        let first_wait = attempts[1].at - attempts[0].at;
        let second_wait = attempts[2].at - attempts[1].at;
        assert!(first_wait >= Duration::from_millis(500), "{first_wait:?}");
        assert!(second_wait >= Duration::from_secs(1), "{second_wait:?}");
        assert_same_enforced_nonce(&attempts, &question);
        assert_silent_until(&fake, &in_channel("what is CAR-T?")).await;
        assert_eq!(fake.messages_created(C1), 2);
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn a_reply_created_but_answered_with_a_502_is_not_posted_twice() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default().with_cooldown(FIVE_MINUTES)).await;
        // The proxy loses Discord's answer: the message exists, the bot sees a 502.
        fake.inject_fault(
            "POST",
            &messages_path(),
            1,
            FaultAction::AfterHandling { status: 502 },
        );
        let question = in_channel("what is immunotherapy?");
        fake.send_event(&question);
        let attempts = fake.wait_for_requests(2, is_reply_to(&question), T).await;
        assert_eq!((attempts[0].status, attempts[1].status), (502, 200));
        assert_same_enforced_nonce(&attempts, &question);
        assert_eq!(fake.messages_created(C1), 1, "{}", fake.dump());
        // The retry got the message Discord had created, so the cooldown points at it.
        fake.send_event(&in_channel("what is immunotherapy?"));
        assert_silent_until(&fake, &in_channel("what is CAR-T?")).await;
        assert_eq!(fake.messages_created(C1), 2);
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn a_reply_that_keeps_failing_is_given_up_with_a_log_line_and_frees_its_slot() {
    capped(Duration::from_secs(30), async {
        let (_guard, logs) = capture_logs();
        let options = BotOptions::default()
            .with_cooldown(FIVE_MINUTES)
            .with_request_timeout(Duration::from_secs(1));
        let (fake, bot) = setup(options).await;
        fake.fail_next("POST", &messages_path(), 100, 503);
        let question = in_channel("what is immunotherapy?");
        fake.send_event(&question);
        let text = wait_for_log(&logs, "could not send a reply", &fake).await;
        assert!(text.contains("gave up after 3 attempt(s)"), "{text}");
        assert!(text.contains("503"), "{text}");
        let attempts = fake.requests_matching(is_reply_to(&question));
        assert_eq!(attempts.len(), 3, "{}", fake.dump());
        // Within the bound: three request timeouts from the first attempt.
        let spent = attempts[2].at - attempts[0].at;
        assert!(spent <= Duration::from_secs(3), "{spent:?}");

        // The slot was released: the next asker is answered.
        fake.clear_faults();
        fake.consume_all();
        let next = in_channel("how does immunotherapy work?");
        fake.send_event(&next);
        let reply = fake.wait_for_request(is_reply_to(&next), T).await;
        assert_eq!(reply.status, 200);
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn a_send_that_hangs_times_out_and_frees_its_slot() {
    capped(Duration::from_secs(30), async {
        let (_guard, logs) = capture_logs();
        let options = BotOptions::default()
            .with_cooldown(FIVE_MINUTES)
            .with_request_timeout(Duration::from_secs(1));
        let (fake, bot) = setup(options).await;
        fake.inject_fault(
            "POST",
            &messages_path(),
            100,
            FaultAction::Delay(Duration::from_secs(60)),
        );
        let question = in_channel("what is immunotherapy?");
        fake.send_event(&question);
        let text = wait_for_log(&logs, "could not send a reply", &fake).await;
        assert!(text.contains("no answer"), "{text}");
        // Every attempt repeated the nonce, so the hung ones created one message between them.
        let attempts = fake.requests_matching(is_reply_to(&question));
        assert!(attempts.len() >= 2, "{}", fake.dump());
        assert_same_enforced_nonce(&attempts, &question);
        assert_eq!(fake.messages_created(C1), 1);

        fake.clear_faults();
        fake.consume_all();
        let next = in_channel("how does immunotherapy work?");
        fake.send_event(&next);
        let reply = fake.wait_for_request(is_reply_to(&next), T).await;
        assert_eq!(reply.status, 200);
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// Deadlines on every other wait
// =============================================================================================

#[tokio::test]
async fn a_hung_registration_does_not_hold_up_the_next_reload() {
    capped(Duration::from_secs(30), async {
        let responses = copy_responses();
        let dir = responses.path();
        let options = BotOptions::default()
            .with_responses(dir)
            .with_request_timeout(Duration::from_secs(2));
        let path = options.registration_path();
        let (fake, bot) = setup(options).await;
        // Discord takes a minute to answer the next registration.
        fake.inject_fault("PUT", &path, 1, FaultAction::Delay(Duration::from_secs(60)));
        let label = "label = \"CAR-T Cell Therapy\"";
        edit_response(dir, "topics/car-t.toml", label, "label = \"CAR-T (first)\"");
        let started = tokio::time::Instant::now();
        let first = tokio::spawn({
            let reloads = bot.reloads.clone();
            async move { reloads.reload(immunobot::discord::Trigger::Hangup).await }
        });
        let hung = fake
            .wait_for_request(|r| r.is_exactly("PUT", &path), T)
            .await;

        // A second reload while the first registration hangs registers at once.
        edit_response(
            dir,
            "topics/car-t.toml",
            "label = \"CAR-T (first)\"",
            "label = \"CAR-T (second)\"",
        );
        let second = bot
            .reloads
            .reload(immunobot::discord::Trigger::Hangup)
            .await;
        assert!(second.is_ok());
        let next = fake
            .wait_for_request(|r| r.is_exactly("PUT", &path), T)
            .await;
        assert_eq!(next.status, 200);
        let waited = next.at - hung.at;
        assert!(
            waited < Duration::from_secs(1),
            "the second registration waited {waited:?} for the first"
        );
        // The hung one ends at the request timeout, not after Discord's minute.
        let first = tokio::time::timeout(T, first)
            .await
            .expect("the first reload ends at the request deadline")
            .expect("the reload task");
        assert!(first.is_ok());
        assert!(started.elapsed() < Duration::from_secs(4));
        let labels: Vec<String> = fake
            .registered_commands(None)
            .iter()
            .flat_map(|command| command["options"][0]["choices"].as_array().cloned())
            .flatten()
            .filter_map(|choice| choice["name"].as_str().map(str::to_string))
            .collect();
        assert!(labels.contains(&"CAR-T (second)".to_string()), "{labels:?}");
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn a_hung_interaction_response_ends_at_the_request_timeout() {
    capped(Duration::from_secs(30), async {
        let (_guard, logs) = capture_logs();
        let options = BotOptions::default().with_request_timeout(Duration::from_secs(1));
        let (fake, bot) = setup(options).await;
        fake.inject_fault(
            "POST",
            "/interactions/",
            1,
            FaultAction::Delay(Duration::from_secs(60)),
        );
        let command = FakeCommand::slash("therapy", member()).str_opt("type", "car-t");
        let sent = tokio::time::Instant::now();
        fake.send_event(&command);
        fake.wait_for_request(is_callback_for(command.id), T).await;
        // Discord would answer in a minute; the bot gives up at its one-second deadline.
        wait_for_log(&logs, "could not answer a command", &fake).await;
        assert!(
            sent.elapsed() < Duration::from_secs(3),
            "{:?}",
            sent.elapsed()
        );
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// Bounded under a raid
// =============================================================================================

#[tokio::test]
async fn under_a_raid_few_replies_are_in_flight_and_the_rest_wait_or_are_held_back() {
    use immunobot::discord::delivery::{MAX_IN_FLIGHT, MAX_PENDING};
    capped(Duration::from_secs(60), async {
        let (_guard, logs) = capture_logs();
        let (fake, bot) = setup(BotOptions::default()).await;
        // Discord answers every message only after a while: replies pile up.
        fake.inject_fault(
            "POST",
            "/channels/",
            usize::MAX,
            FaultAction::Delay(Duration::from_secs(20)),
        );
        let raid = MAX_PENDING + 200;
        for i in 0..raid {
            fake.send_event(&ask_in(C1 + 1 + i as u64, "what is immunotherapy?"));
        }
        let text = wait_for_log(&logs, "too many replies pending", &fake).await;
        assert!(
            text.lines()
                .any(|line| line.contains("too many replies pending")
                    && line.ends_with("held_back=1")),
            "{text}"
        );
        // A moment for any reply that was not held back to go out.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let sent = fake.requests_matching(|r| r.is("POST", "/channels/")).len();
        assert!(
            sent <= MAX_IN_FLIGHT,
            "{sent} replies in flight at once (at most {MAX_IN_FLIGHT})"
        );
        assert!(sent > 0);
        fake.clear_faults();
        finish(fake, bot).await;
    })
    .await;
}
