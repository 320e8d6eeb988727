//! Abuse and noise (issue 6), end to end: the answer cooldown per (channel, topic), the
//! per-member limit, where plain channel questions are answered, odd interactions, and a flood
//! of a thousand messages. Our bot runs in-process against the fake Discord of `tests/support`.
//!
//! Silence is asserted with a sentinel (an event the bot does answer), never by a blind sleep;
//! the one sleep waits out a two-second cooldown window.

mod support;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use immunobot::bot;
use immunobot::catalog::Catalog;
use immunobot::discord::words;
use immunobot::guard::PassiveScope;
use immunobot::matching::Addressing;
use serde_json::{json, Value};

use support::*;

/// The config's default cooldown.
const FIVE_MINUTES: Duration = Duration::from_secs(300);
const C1: u64 = DEFAULT_CHANNEL_ID;
const C2: u64 = DEFAULT_CHANNEL_ID + 1_000;

/// Questions the bot answers in a channel, with their topic (from `responses/examples.tsv`).
const QUESTIONS: [(&str, &str); 12] = [
    ("immunotherapy", "what is immunotherapy?"),
    (
        "immunotherapy",
        "hi, could someone explain immunotherapy to me",
    ),
    ("immunotherapy", "how does immunotherapy work?"),
    ("checkpoint-inhibitors", "what are checkpoint inhibitors?"),
    (
        "checkpoint-inhibitors",
        "explain check point inhibitors please",
    ),
    ("car-t", "what is CAR-T?"),
    ("car-t", "what is car t cell therapy"),
    ("monoclonal-antibodies", "what are monoclonal antibodies?"),
    ("monoclonal-antibodies", "what is a mab"),
    ("cancer-vaccines", "what is a cancer vaccine?"),
    ("cancer-vaccines", "how do cancer vaccines work?"),
    ("car-t", "what are chimeric antigen receptors?"),
];
/// Channel talk the bot lets pass.
const CHATTER: [&str; 6] = [
    "good morning everyone",
    "anyone up for lunch later?",
    "thanks, that really helped",
    "see you all tomorrow",
    "how was your weekend?",
    "lol same",
];
/// Near misses the bot must let pass too.
const HARD_NEGATIVES: [&str; 7] = [
    "what is chemotherapy?",
    "what is radiotherapy?",
    "what is a shopping cart?",
    "what are the side effects of immunotherapy?",
    "how much does CAR-T cost?",
    "my dad's CAR-T went well today",
    "is immunotherapy safe during pregnancy?",
];

// =============================================================================================
// Helpers
// =============================================================================================

fn mention_in(channel: u64, text: &str) -> FakeMessage {
    ask_in(channel, &format!("{} {text}", mention(BOT_USER_ID))).mentioning_bot()
}

/// The title of a message's (or interaction response data's) first embed: the reviewed
/// question of the topic it answers.
fn title(message: &Value) -> Option<&str> {
    message["embeds"][0]["title"].as_str()
}

fn title_of(catalog: &Catalog, id: &str) -> String {
    topic(catalog, id).title.clone()
}

/// The topic the bot answers `text` with, as the core decides it (the oracle for the flood).
fn answer_topic(catalog: &Catalog, text: &str, addressing: Addressing) -> Option<String> {
    bot::reply_to_message(catalog, text, addressing)
        .and_then(|reply| reply.topic().map(String::from))
}

/// The pointer a direct question gets while `message` (in `channel`) holds the cooldown.
fn pointer_to(channel: u64, message: u64) -> String {
    format!(
        "{} https://discord.com/channels/{GUILD_ID}/{channel}/{message}",
        words::ANSWERED_HERE
    )
}

/// A message Discord would return for a message the bot sent to `channel`, with id `id`.
fn sent_message(channel: u64, id: u64) -> Value {
    let mut message = bot_message_json(channel, Some(GUILD_ID), "", None);
    message["id"] = json!(id.to_string());
    message
}

/// Sends an interaction and returns its callback's `data` (type 4, a message).
async fn callback(fake: &FakeDiscord, event: &impl GatewayFixture, id: u64) -> Value {
    fake.send_event(event);
    let callback = fake.wait_for_request(is_callback_for(id), T).await;
    callback_data(&callback, 4).clone()
}

// =============================================================================================
// 1. The cooldown per (channel, topic)
// =============================================================================================

#[tokio::test]
async fn the_same_answer_is_not_repeated_in_a_channel_within_the_cooldown() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default().with_cooldown(FIVE_MINUTES)).await;
        let immunotherapy = title_of(&bot.catalog, "immunotherapy");

        let first = ask_in(C1, "what is immunotherapy?");
        fake.send_event(&first);
        let reply = fake.wait_for_request(is_reply_to(&first), T).await;
        assert_eq!(title(reply.body()), Some(immunotherapy.as_str()));

        // A second asker, another phrasing, the first asker again: the answer is just above.
        fake.send_event(&ask_in(C1, "how does immunotherapy work?"));
        fake.send_event(&FakeMessage::guild(
            C1,
            first.author.clone(),
            "what is immunotherapy?",
        ));
        // Another topic in the same channel is answered.
        assert_silent_until(&fake, &ask_in(C1, "what is CAR-T?")).await;

        // The same topic in another channel is answered.
        let elsewhere = ask_in(C2, "what is immunotherapy?");
        fake.send_event(&elsewhere);
        let reply = fake.wait_for_request(is_reply_to(&elsewhere), T).await;
        assert_eq!(title(reply.body()), Some(immunotherapy.as_str()));

        // Slash commands and buttons in the cooling channel answer as always...
        let therapy = FakeCommand::slash("therapy", member())
            .in_channel(C1)
            .str_opt("type", "immunotherapy");
        let data = callback(&fake, &therapy, therapy.id).await;
        assert_eq!(title(&data), Some(immunotherapy.as_str()));
        assert!(!is_ephemeral(&data));
        let ask = FakeCommand::slash("ask", member())
            .in_channel(C1)
            .str_opt("question", "what is immunotherapy?");
        let data = callback(&fake, &ask, ask.id).await;
        assert_eq!(title(&data), Some(immunotherapy.as_str()));
        let press = FakeComponent::button("ib1:topic:immunotherapy", member()).in_channel(C1);
        let data = callback(&fake, &press, press.id).await;
        assert_eq!(title(&data), Some(immunotherapy.as_str()));

        // ... and do not lift the cooldown.
        fake.send_event(&ask_in(C1, "what is immunotherapy?"));
        assert_silent_until(&fake, &ask_in(C1, "what are checkpoint inhibitors?")).await;

        // A DM is seen by the asker alone: no cooldown there.
        let user = FakeUser::fresh("dm");
        let dm_channel = next_id();
        for _ in 0..2 {
            let dm = FakeMessage::dm(user.clone(), "what is immunotherapy?").in_channel(dm_channel);
            fake.send_event(&dm);
            let reply = fake.wait_for_request(is_reply_to(&dm), T).await;
            assert_eq!(title(reply.body()), Some(immunotherapy.as_str()));
        }
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn after_the_window_the_same_answer_is_given_again() {
    capped(Duration::from_secs(30), async {
        let window = Duration::from_secs(2);
        let (fake, bot) = setup(BotOptions::default().with_cooldown(window)).await;
        let car_t = title_of(&bot.catalog, "car-t");

        let first = ask_in(C1, "what is CAR-T?");
        fake.send_event(&first);
        let reply = fake.wait_for_request(is_reply_to(&first), T).await;
        // The bot starts the window once Discord has answered; not earlier than this.
        let sent = Instant::now();
        assert_eq!(title(reply.body()), Some(car_t.as_str()));

        fake.send_event(&ask_in(C1, "what is car t cell therapy"));
        assert_silent_until(&fake, &ask_in(C1, "what are monoclonal antibodies?")).await;
        assert!(
            sent.elapsed() < window,
            "the silence was checked within the window"
        );

        tokio::time::sleep(window.saturating_sub(sent.elapsed()) + Duration::from_millis(300))
            .await;
        let later = ask_in(C1, "what is CAR-T?");
        fake.send_event(&later);
        let reply = fake.wait_for_request(is_reply_to(&later), T).await;
        assert_eq!(title(reply.body()), Some(car_t.as_str()));
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn a_direct_question_within_the_cooldown_gets_a_link_to_the_answer() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default().with_cooldown(FIVE_MINUTES)).await;
        // Discord gives every message an id; in this test, the messages sent to C1 get this one.
        let answer_id = next_id();
        fake.stub(
            "POST",
            &format!("/channels/{C1}/messages"),
            200,
            sent_message(C1, answer_id),
        );
        let first = ask_in(C1, "what is immunotherapy?");
        fake.send_event(&first);
        let reply = fake.wait_for_request(is_reply_to(&first), T).await;
        assert_eq!(
            title(reply.body()),
            Some(title_of(&bot.catalog, "immunotherapy").as_str())
        );

        // Asked directly, the member is not ignored: a short pointer to the answer, as a reply.
        let direct = mention_in(C1, "what is immunotherapy?");
        fake.send_event(&direct);
        let reply = fake.wait_for_request(is_reply_to(&direct), T).await;
        let body = reply.body();
        assert_eq!(reply.content(), Some(pointer_to(C1, answer_id).as_str()));
        assert!(
            body["embeds"].as_array().is_none_or(Vec::is_empty),
            "{body:#}"
        );
        assert!(
            body["components"].as_array().is_none_or(Vec::is_empty),
            "{body:#}"
        );
        assert_eq!(body["allowed_mentions"], no_mentions());
        assert_eq!(body["message_reference"]["fail_if_not_exists"], false);
        assert!(
            !reply.body_str().contains("what is"),
            "the pointer quotes nobody: {body:#}"
        );

        // A direct question on another topic is answered in full.
        let other = mention_in(C1, "what are monoclonal antibodies?");
        fake.send_event(&other);
        let reply = fake.wait_for_request(is_reply_to(&other), T).await;
        assert_eq!(
            title(reply.body()),
            Some(title_of(&bot.catalog, "monoclonal-antibodies").as_str())
        );
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn askers_at_the_same_moment_get_one_answer_between_them() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default().with_cooldown(FIVE_MINUTES)).await;
        // The first answer takes a second to reach Discord; everyone else asks meanwhile.
        fake.inject_fault(
            "POST",
            &format!("/channels/{C1}/messages"),
            1,
            FaultAction::Delay(Duration::from_secs(1)),
        );
        let alice = ask_in(C1, "what is immunotherapy?");
        let bob = ask_in(C1, "what is immunotherapy?");
        fake.send_event(&alice);
        fake.send_event(&bob);
        let answer = fake.wait_for_request(is_message_to(C1), T).await;
        assert_eq!(
            title(answer.body()),
            Some(title_of(&bot.catalog, "immunotherapy").as_str())
        );
        let answered = answer
            .json_at("/message_reference/message_id")
            .and_then(Value::as_str)
            .expect("a reply")
            .to_string();
        assert!(answered == alice.id.to_string() || answered == bob.id.to_string());

        // While it is on its way: a direct question gets a pointer to the question it answers,
        // a plain one nothing.
        let carol = mention_in(C1, "what is immunotherapy?");
        fake.send_event(&carol);
        let pointer = fake.wait_for_request(is_reply_to(&carol), T).await;
        assert_eq!(
            pointer.content(),
            Some(pointer_to(C1, answered.parse().unwrap()).as_str())
        );
        fake.send_event(&ask_in(C1, "what is immunotherapy?"));
        assert_silent_until(&fake, &ask_in(C1, "what is CAR-T?")).await;

        // Once it has arrived, still one answer, and the cooldown holds.
        fake.send_event(&ask_in(C1, "what is immunotherapy?"));
        assert_silent_until(&fake, &ask_in(C1, "what is a cancer vaccine?")).await;
        let answers = fake.requests_matching(is_reply_to(&alice)).len()
            + fake.requests_matching(is_reply_to(&bob)).len();
        assert_eq!(answers, 1, "{}", fake.dump());
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn a_failed_send_does_not_start_the_cooldown() {
    capped(Duration::from_secs(30), async {
        let (_guard, logs) = capture_logs();
        let (fake, bot) = setup(BotOptions::default().with_cooldown(FIVE_MINUTES)).await;
        // A refusal that retrying cannot fix (a 5xx is retried: see delivery_e2e.rs).
        fake.fail_next("POST", &format!("/channels/{C1}/messages"), 1, 403);
        let first = ask_in(C1, "what is immunotherapy?");
        fake.send_event(&first);
        let failed = fake.wait_for_request(is_reply_to(&first), T).await;
        assert_eq!(failed.status, 403);
        wait_for_log(&logs, "could not send a reply", &fake).await;

        // The member who asks next gets the answer the first one never saw.
        let second = ask_in(C1, "how does immunotherapy work?");
        fake.send_event(&second);
        let reply = fake.wait_for_request(is_reply_to(&second), T).await;
        assert_eq!(reply.status, 200);
        assert_eq!(
            title(reply.body()),
            Some(title_of(&bot.catalog, "immunotherapy").as_str())
        );
        // That one went out: now the cooldown holds.
        fake.send_event(&ask_in(C1, "what is immunotherapy?"));
        assert_silent_until(&fake, &ask_in(C1, "what is CAR-T?")).await;
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 2. The per-member limit
// =============================================================================================

#[tokio::test]
async fn a_member_over_the_limit_is_asked_privately_to_slow_down() {
    capped(Duration::from_secs(30), async {
        // The config's default: 5 responses per member per 30 s.
        let (fake, bot) = setup(BotOptions::default()).await;
        let user = FakeUser::fresh("eager");
        let as_user = || Invoker::member(user.clone(), MEMBER_PERMISSIONS, &[]);

        // Five responses, commands and buttons alike.
        for topic in ["car-t", "immunotherapy", "cancer-vaccines"] {
            let command = FakeCommand::slash("therapy", as_user()).str_opt("type", topic);
            let data = callback(&fake, &command, command.id).await;
            assert_eq!(title(&data), Some(title_of(&bot.catalog, topic).as_str()));
        }
        for topic in ["checkpoint-inhibitors", "monoclonal-antibodies"] {
            let press = FakeComponent::button(&format!("ib1:topic:{topic}"), as_user());
            let data = callback(&fake, &press, press.id).await;
            assert_eq!(title(&data), Some(title_of(&bot.catalog, topic).as_str()));
        }
        // Autocomplete is no response anyone else sees: never limited.
        let typing = FakeCommand::autocomplete("therapy", as_user()).focused("type", "car");
        fake.send_event(&typing);
        let reply = fake.wait_for_request(is_callback_for(typing.id), T).await;
        assert_eq!(reply.body()["type"], 8);

        // The sixth, a command or a button: a fixed private note, nothing else.
        let sixth = FakeCommand::slash("ask", as_user()).str_opt("question", "what is CAR-T?");
        let seventh = FakeComponent::button("ib1:topic:car-t", as_user());
        for data in [
            callback(&fake, &sixth, sixth.id).await,
            callback(&fake, &seventh, seventh.id).await,
        ] {
            assert_eq!(data["content"], words::TOO_FAST, "{data:#}");
            assert!(is_ephemeral(&data), "{data:#}");
            assert!(data["embeds"].as_array().is_none_or(Vec::is_empty));
            assert!(data["components"].as_array().is_none_or(Vec::is_empty));
            assert_eq!(data["allowed_mentions"], no_mentions());
        }
        // Their direct question is ignored too.
        let dm = FakeMessage::dm(user.clone(), "what is immunotherapy?");
        fake.send_event(&dm);

        // Everybody else is served as usual.
        let command = FakeCommand::slash("therapy", member()).str_opt("type", "car-t");
        let data = callback(&fake, &command, command.id).await;
        assert_eq!(title(&data), Some(title_of(&bot.catalog, "car-t").as_str()));
        assert_silent_until(
            &fake,
            &FakeMessage::dm(FakeUser::fresh("other"), "what is CAR-T?"),
        )
        .await;
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn direct_questions_beyond_the_limit_are_ignored_without_holding_the_cooldown() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default().with_cooldown(FIVE_MINUTES)).await;
        let user = FakeUser::fresh("eager");
        let dm_channel = next_id();
        for _ in 0..5 {
            let dm = FakeMessage::dm(user.clone(), "what is immunotherapy?").in_channel(dm_channel);
            fake.send_event(&dm);
            let reply = fake.wait_for_request(is_reply_to(&dm), T).await;
            assert_eq!(
                title(reply.body()),
                Some(title_of(&bot.catalog, "immunotherapy").as_str())
            );
        }
        // The sixth DM, a mention, a plain channel question: all ignored, silently.
        fake.send_event(&FakeMessage::dm(user.clone(), "what is CAR-T?").in_channel(dm_channel));
        fake.send_event(
            &FakeMessage::guild(
                C1,
                user.clone(),
                &format!("{} what is CAR-T?", mention(BOT_USER_ID)),
            )
            .mentioning_bot(),
        );
        fake.send_event(&FakeMessage::guild(
            C1,
            user.clone(),
            "what are monoclonal antibodies?",
        ));
        // The ignored channel question did not claim its topic: the next asker gets the answer.
        assert_silent_until(&fake, &ask_in(C1, "what are monoclonal antibodies?")).await;
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 3. Where plain channel questions are answered
// =============================================================================================

#[tokio::test]
async fn plain_questions_are_answered_only_where_the_passive_lists_allow() {
    capped(Duration::from_secs(30), async {
        let other_guild = next_id();
        let scope = PassiveScope::new([GUILD_ID], [], [], [C2]);
        let (fake, bot) = setup(BotOptions::default().with_passive(scope)).await;
        let question = "what is immunotherapy?";
        let immunotherapy = title_of(&bot.catalog, "immunotherapy");

        fake.send_event(&ask_in(C2, question));
        fake.send_event(&ask_in(C1, question).in_guild(other_guild));
        assert_silent_until(&fake, &ask_in(C1, question)).await;

        // Mentions, DMs and slash commands work everywhere the bot can see.
        for direct in [
            mention_in(C2, question),
            mention_in(C1, question).in_guild(other_guild),
            FakeMessage::dm(FakeUser::fresh("dm"), question),
        ] {
            fake.send_event(&direct);
            let reply = fake.wait_for_request(is_reply_to(&direct), T).await;
            assert_eq!(title(reply.body()), Some(immunotherapy.as_str()));
        }
        let command = FakeCommand::slash("therapy", member())
            .in_channel(C2)
            .str_opt("type", "immunotherapy");
        let data = callback(&fake, &command, command.id).await;
        assert_eq!(title(&data), Some(immunotherapy.as_str()));
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 4. Odd interactions
// =============================================================================================

#[tokio::test]
async fn odd_interactions_get_polite_answers_and_the_bot_goes_on() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        let odd_commands = [
            FakeCommand::slash("no-such-command", member()),
            FakeCommand::slash("therapy", member()),
            FakeCommand::slash("ask", member()),
            FakeCommand::slash("ask", member()).option(opt_int("question", 5)),
            FakeCommand::slash("therapy", member()).str_opt("type", &"\u{202e}".repeat(300)),
            FakeCommand::slash("reload", Invoker::dm(FakeUser::fresh("dm"))),
        ];
        for command in &odd_commands {
            let data = callback(&fake, command, command.id).await;
            assert!(is_ephemeral(&data), "{}: {data:#}", command.name);
            assert_eq!(data["allowed_mentions"], no_mentions());
        }
        let select = FakeComponent::string_select("ib1:topic:car-t", &["x", "y"], member());
        let data = callback(&fake, &select, select.id).await;
        assert!(is_ephemeral(&data));
        let autocomplete = FakeCommand::autocomplete("ask", member()).focused("question", "x");
        fake.send_event(&autocomplete);
        fake.wait_for_request(is_callback_for(autocomplete.id), T)
            .await;
        // A modal submit the bot never asked for: ignored.
        let modal_id = next_id();
        let mut modal = json!({
            "id": modal_id.to_string(),
            "application_id": APPLICATION_ID.to_string(),
            "type": 5,
            "token": format!("itoken-{modal_id}"),
            "version": 1,
            "channel_id": C1.to_string(),
            "app_permissions": ALL_PERMISSIONS,
            "locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {},
            "data": { "custom_id": "ib1:topic:car-t", "components": [] },
        });
        modal["user"] = FakeUser::fresh("modal").to_json();
        fake.send_event(&RawEvent {
            name: "INTERACTION_CREATE",
            data: modal,
        });
        // Still answering.
        assert_silent_until(&fake, &ask_in(C1, "what is immunotherapy?")).await;
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 5. A flood
// =============================================================================================

#[tokio::test]
async fn a_flood_of_a_thousand_messages_gets_one_right_answer_per_channel_and_topic() {
    capped(Duration::from_secs(60), async {
        let (_guard, logs) = capture_logs();
        let (fake, bot) = setup(BotOptions::default().with_cooldown(FIVE_MINUTES)).await;
        let catalog = bot.catalog.clone();
        for (topic, question) in QUESTIONS {
            for addressing in [Addressing::Passive, Addressing::Direct] {
                assert_eq!(
                    answer_topic(&catalog, question, addressing).as_deref(),
                    Some(topic),
                    "{question}"
                );
            }
        }
        for text in CHATTER.iter().chain(&HARD_NEGATIVES) {
            assert_eq!(
                answer_topic(&catalog, text, Addressing::Passive),
                None,
                "{text}"
            );
        }

        // Plain questions in three channels; direct questions in a fourth, whose messages get
        // one known id from Discord, so that pointers can be checked.
        let passive_channels = [C1 + 100, C1 + 101, C1 + 102];
        let direct_channel = C1 + 103;
        let answer_id = next_id();
        fake.stub(
            "POST",
            &format!("/channels/{direct_channel}/messages"),
            200,
            sent_message(direct_channel, answer_id),
        );
        // 200 members, 5 messages each (so none reaches the per-member limit), interleaved.
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut pick = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let users: Vec<FakeUser> = (0..200).map(|_| FakeUser::fresh("member")).collect();
        let mut messages = Vec::new();
        for round in 0..5 {
            for (n, user) in users.iter().enumerate() {
                let message = if round == 0 && n % 2 == 0 {
                    let (_, question) = QUESTIONS[pick(QUESTIONS.len())];
                    let text = format!("{} {question}", mention(BOT_USER_ID));
                    FakeMessage::guild(direct_channel, user.clone(), &text).mentioning_bot()
                } else {
                    let text = match pick(10) {
                        0..=5 => QUESTIONS[pick(QUESTIONS.len())].1,
                        6 | 7 => CHATTER[pick(CHATTER.len())],
                        _ => HARD_NEGATIVES[pick(HARD_NEGATIVES.len())],
                    };
                    FakeMessage::guild(passive_channels[pick(3)], user.clone(), text)
                };
                messages.push(message);
            }
        }
        assert_eq!(messages.len(), 1_000);

        // What must come back: one answer per (channel, topic) asked plainly, one reply per
        // direct question (the answer, or a pointer to it).
        let addressing = |message: &FakeMessage| {
            if message.channel_id == direct_channel {
                Addressing::Direct
            } else {
                Addressing::Passive
            }
        };
        let mut passive_keys = HashSet::new();
        let mut direct = 0;
        for message in &messages {
            match addressing(message) {
                Addressing::Direct => direct += 1,
                Addressing::Passive => {
                    if let Some(topic) =
                        answer_topic(&catalog, &message.content, Addressing::Passive)
                    {
                        passive_keys.insert((message.channel_id, topic));
                    }
                }
            }
        }
        assert_eq!(passive_keys.len(), 15, "every topic asked in every channel");

        let started = Instant::now();
        for message in &messages {
            fake.send_event(message);
        }
        let replies = fake
            .wait_for_requests(
                passive_keys.len() + direct,
                |r| r.is("POST", "/channels/"),
                Duration::from_secs(30),
            )
            .await;
        // Nothing more; and a fresh question is answered right away.
        assert_silent_until(&fake, &ask_in(C1 + 104, "what is immunotherapy?")).await;
        let took = started.elapsed();

        let by_id: HashMap<String, &FakeMessage> =
            messages.iter().map(|m| (m.id.to_string(), m)).collect();
        let mut replied_to = HashSet::new();
        let mut passive_answers = HashSet::new();
        let mut direct_answers: HashMap<String, u64> = HashMap::new();
        let mut pointers = Vec::new();
        for reply in &replies {
            let body = reply.body();
            assert_eq!(reply.status, 200);
            assert_eq!(body["allowed_mentions"], no_mentions(), "{body:#}");
            let id = body["message_reference"]["message_id"]
                .as_str()
                .unwrap_or_else(|| panic!("not a reply: {body:#}"));
            assert!(replied_to.insert(id.to_string()), "answered twice: {id}");
            let question = by_id[id];
            assert_eq!(
                reply.path,
                format!("/channels/{}/messages", question.channel_id)
            );
            let topic = answer_topic(&catalog, &question.content, addressing(question))
                .unwrap_or_else(|| panic!("replied to {:?}", question.content));
            match title(body) {
                Some(title) => {
                    let reviewed = catalog.find(&topic).unwrap();
                    assert_eq!(title, reviewed.title, "{:?}", question.content);
                    assert_eq!(body["embeds"][0]["description"], reviewed.body.as_str());
                    let first = match addressing(question) {
                        Addressing::Passive => {
                            passive_answers.insert((question.channel_id, topic.clone()))
                        }
                        Addressing::Direct => {
                            direct_answers.insert(topic.clone(), question.id).is_none()
                        }
                    };
                    assert!(first, "{topic} answered twice in {}", question.channel_id);
                }
                None => {
                    assert_eq!(
                        addressing(question),
                        Addressing::Direct,
                        "a plain question gets the answer or nothing: {body:#}"
                    );
                    pointers.push((topic, reply.content().unwrap_or_default().to_string()));
                }
            }
        }
        assert_eq!(passive_answers, passive_keys);
        assert!(!pointers.is_empty(), "100 direct questions on 5 topics");
        for (topic, content) in pointers {
            let earlier = direct_answers[&topic];
            assert!(
                content == pointer_to(direct_channel, answer_id)
                    || content == pointer_to(direct_channel, earlier),
                "{topic}: {content}"
            );
        }
        for message in &messages {
            let should = addressing(message) == Addressing::Direct
                || answer_topic(&catalog, &message.content, Addressing::Passive).is_some();
            if !should {
                assert!(
                    !replied_to.contains(&message.id.to_string()),
                    "answered {:?}",
                    message.content
                );
            }
        }
        // The log says what the bot did, never what was asked.
        let text = logs.text();
        assert!(text.contains("answered a message"), "{text}");
        for said in QUESTIONS
            .iter()
            .map(|(_, q)| q)
            .chain(&CHATTER)
            .chain(&HARD_NEGATIVES)
        {
            assert!(!text.contains(said), "{said:?} in the log");
        }
        assert!(took < Duration::from_secs(20), "the flood took {took:?}");
        finish(fake, bot).await;
    })
    .await;
}
