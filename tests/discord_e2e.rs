//! End-to-end tests of the Discord adapter: our bot (`immunobot::discord::DiscordBot`), running
//! in-process against the fake Discord of `tests/support`, with the shipped `responses/`.
//!
//! Every test starts its own fake and bot, asserts on the JSON the bot sent, checks that the bot
//! never called a route the fake does not serve, and stops the bot before the fake is dropped.
//! Silence is asserted with a sentinel (an event the bot does answer), never by a blind sleep.

mod support;

use std::time::Duration;

use immunobot::catalog::{Catalog, Topic};
use serde_json::{json, Value};

use support::*;

// The reviewed text is compared with the loaded catalog AND with these hard-coded sentences, so
// that the bot serving (or the test loading) the wrong file is caught.
const IMMUNOTHERAPY_TITLE: &str = r#"What does the term "immunotherapy" refer to?"#;
const IMMUNOTHERAPY_FIRST: &str = "Immunotherapy is a type of medical treatment that harnesses the body's own immune system to combat diseases, particularly cancer and certain autoimmune disorders.";
const IMMUNOTHERAPY_LAST: &str = "It is important to consult with a healthcare provider to determine if immunotherapy is an appropriate treatment option for a specific condition.";
const CAR_T_TITLE: &str = "CAR-T Cell Therapy";
const CAR_T_BODY: &str = "This therapy involves genetically modifying a patient's own T cells to express chimeric antigen receptors (CARs) that can specifically target cancer cells when infused back into the patient's body.";
const PROVENANCE: &str = "Medically reviewed by SecondMedic medical review team";
const DISCLAIMER_HEADING: &str = "Please note";
const NO_ANSWER: &str = "I don't have a medically reviewed answer for that";
const UNKNOWN_THERAPY: &str = "I don't have a reviewed answer for that therapy";
const STALE_BUTTON: &str = "That button no longer leads to a reviewed answer";

const TOPIC_IDS: [&str; 5] = [
    "immunotherapy",
    "checkpoint-inhibitors",
    "car-t",
    "monoclonal-antibodies",
    "cancer-vaccines",
];
/// The buttons under the immunotherapy answer, in order: (custom_id, label).
const IMMUNOTHERAPY_BUTTONS: [(&str, &str); 4] = [
    ("ib1:topic:checkpoint-inhibitors", "Checkpoint Inhibitors"),
    ("ib1:topic:car-t", "CAR-T Cell Therapy"),
    ("ib1:topic:monoclonal-antibodies", "Monoclonal Antibodies"),
    ("ib1:topic:cancer-vaccines", "Cancer Vaccines"),
];
/// The buttons under the CAR-T answer: the other therapies and the way back to the whole answer.
const CAR_T_BUTTONS: [(&str, &str); 4] = [
    ("ib1:topic:checkpoint-inhibitors", "Checkpoint Inhibitors"),
    ("ib1:topic:monoclonal-antibodies", "Monoclonal Antibodies"),
    ("ib1:topic:cancer-vaccines", "Cancer Vaccines"),
    ("ib1:topic:immunotherapy", "What is immunotherapy?"),
];

const GUILD_MESSAGES: u64 = 1 << 9;
const DIRECT_MESSAGES: u64 = 1 << 12;
const MESSAGE_CONTENT: u64 = 1 << 15;

// =============================================================================================
// Helpers
// =============================================================================================

fn in_dm(text: &str) -> FakeMessage {
    FakeMessage::dm(FakeUser::fresh("member"), text)
}

/// All buttons of a message that lead to a topic, as (custom_id, label), row by row. The
/// Dismiss button under public answers is checked in `tests/dismiss_e2e.rs`.
fn buttons(message: &Value) -> Vec<(String, String)> {
    let rows = message["components"]
        .as_array()
        .unwrap_or_else(|| panic!("no components in {message:#}"));
    assert!(rows.len() <= 5, "too many action rows: {message:#}");
    let mut out = Vec::new();
    for row in rows {
        assert_eq!(row["type"], 1, "not an action row: {row}");
        let items = row["components"].as_array().expect("row components");
        assert!(!items.is_empty() && items.len() <= 5, "bad row size: {row}");
        for button in items {
            assert_eq!(button["type"], 2, "not a button: {button}");
            let custom_id = button["custom_id"].as_str().expect("custom_id").to_owned();
            assert!(custom_id.len() <= 100, "custom_id too long: {custom_id}");
            let label = button["label"].as_str().expect("label").to_owned();
            if !custom_id.starts_with("ib1:dismiss:") {
                out.push((custom_id, label));
            }
        }
    }
    out
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// One button per topic of the catalog, in catalog order.
fn all_topic_buttons(catalog: &Catalog) -> Vec<(String, String)> {
    let buttons: Vec<(String, String)> = catalog
        .topics()
        .iter()
        .map(|topic| (format!("ib1:topic:{}", topic.id), topic.label.clone()))
        .collect();
    let mut ids: Vec<&str> = catalog.topics().iter().map(|t| t.id.as_str()).collect();
    ids.sort_unstable();
    let mut expected = TOPIC_IDS.to_vec();
    expected.sort_unstable();
    assert_eq!(ids, expected, "the shipped catalog changed");
    buttons
}

/// `message` (a channel message body or an interaction response's `data`) is the reviewed
/// answer of `topic`: title, body verbatim, provenance, disclaimer, no text of its own.
fn assert_reviewed_answer(message: &Value, catalog: &Catalog, topic: &Topic) {
    assert!(
        message.get("content").is_none_or(Value::is_null),
        "an answer has no text outside its embed: {message:#}"
    );
    let embed = the_embed(message);
    assert_eq!(embed["title"], topic.title.as_str(), "{embed:#}");
    assert_eq!(
        embed["description"],
        topic.body.as_str(),
        "the body must be the reviewed text verbatim"
    );
    assert_eq!(embed["footer"]["text"], PROVENANCE, "{embed:#}");
    assert_eq!(
        embed["fields"],
        json!([{ "name": DISCLAIMER_HEADING, "value": catalog.disclaimer(), "inline": false }]),
        "{embed:#}"
    );
    assert!(catalog.disclaimer().contains("healthcare provider"));
    assert_eq!(message["allowed_mentions"], no_mentions(), "{message:#}");
}

fn assert_immunotherapy_answer(message: &Value, catalog: &Catalog) {
    let topic = topic(catalog, "immunotherapy");
    assert_reviewed_answer(message, catalog, topic);
    let embed = the_embed(message);
    assert_eq!(embed["title"], IMMUNOTHERAPY_TITLE);
    let description = embed["description"].as_str().unwrap();
    assert!(
        description.starts_with(IMMUNOTHERAPY_FIRST),
        "{description}"
    );
    assert!(description.ends_with(IMMUNOTHERAPY_LAST), "{description}");
    assert_eq!(buttons(message), owned(&IMMUNOTHERAPY_BUTTONS));
}

fn assert_car_t_answer(message: &Value, catalog: &Catalog) {
    assert_reviewed_answer(message, catalog, topic(catalog, "car-t"));
    let embed = the_embed(message);
    assert_eq!(embed["title"], CAR_T_TITLE);
    assert_eq!(embed["description"], CAR_T_BODY);
    assert_eq!(buttons(message), owned(&CAR_T_BUTTONS));
}

/// The "no reviewed answer" menu: the bot's own words, no medical text, every topic a button.
fn assert_no_answer_menu(message: &Value, catalog: &Catalog, words: &str) {
    let embed = the_embed(message);
    let description = embed["description"].as_str().unwrap_or_default();
    assert!(description.starts_with(words), "{message:#}");
    assert!(
        embed.get("title").is_none_or(Value::is_null),
        "a menu has no reviewed title: {embed:#}"
    );
    assert!(
        embed.get("footer").is_none_or(Value::is_null),
        "a menu claims no review: {embed:#}"
    );
    for topic in catalog.topics() {
        assert!(
            !description.contains(topic.body.as_str()),
            "a menu shows no medical text: {embed:#}"
        );
    }
    assert_eq!(buttons(message), all_topic_buttons(catalog));
    assert_eq!(message["allowed_mentions"], no_mentions(), "{message:#}");
}

fn message_reference_of(reply: &RecordedRequest, question: &FakeMessage) {
    let reference = &reply.body()["message_reference"];
    assert_eq!(
        reference["message_id"],
        question.id.to_string(),
        "{reference}"
    );
    assert_eq!(
        reference["channel_id"],
        question.channel_id.to_string(),
        "{reference}"
    );
    assert_eq!(reference["fail_if_not_exists"], false, "{reference}");
}

// =============================================================================================
// 1. Command registration
// =============================================================================================

#[tokio::test]
async fn registers_therapy_and_ask_globally_for_everyone() {
    capped(Duration::from_secs(30), async {
        let fake = FakeDiscord::start().await;
        let bot = RunningBot::start(&fake, BotOptions::default()).await;

        let identify = fake.wait_for_identify(T).await;
        assert_eq!(identify["token"], format!("Bot {BOT_TOKEN}"));
        assert_eq!(
            identify["intents"].as_u64(),
            Some(GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT),
            "intents with message_content = true: {identify}"
        );

        let registration = bot.wait_until_ready(&fake).await;
        let commands = registration
            .body()
            .as_array()
            .expect("an array of commands");
        let names: Vec<&str> = commands
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["therapy", "ask", "reload"], "{commands:#?}");

        let therapy = &commands[0];
        let ask = &commands[1];
        // /reload is for moderators (tests/moderation_e2e.rs); the other two for everyone.
        for command in [therapy, ask] {
            assert_eq!(command["type"].as_u64().unwrap_or(1), 1, "a slash command");
            assert!(
                !command["description"]
                    .as_str()
                    .unwrap_or_default()
                    .is_empty(),
                "{command}"
            );
            assert!(
                command
                    .get("default_member_permissions")
                    .is_none_or(Value::is_null),
                "the commands are for everyone: {command}"
            );
            assert_ne!(command["dm_permission"], false, "usable in DMs: {command}");
            assert_eq!(command["options"].as_array().unwrap().len(), 1);
        }
        assert_eq!(
            therapy["description"],
            "Show the medically reviewed explanation of a therapy"
        );
        assert_eq!(
            ask["description"],
            "Ask a question; get a medically reviewed answer if there is one"
        );

        let option = &therapy["options"][0];
        assert_eq!(option["type"], 3, "a string option: {option}");
        assert_eq!(option["name"], "type");
        assert_eq!(option["required"], true);
        assert_ne!(option["autocomplete"], true, "5 topics fit in choices");
        let expected: Vec<Value> = bot
            .catalog
            .topics()
            .iter()
            .map(|t| json!({ "name": t.label, "value": t.id }))
            .collect();
        assert_eq!(option["choices"], json!(expected), "{option:#}");
        let values: Vec<&str> = option["choices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["value"].as_str().unwrap())
            .collect();
        assert_eq!(values.len(), 5);
        for id in TOPIC_IDS {
            assert!(values.contains(&id), "{id} missing from {values:?}");
        }
        assert!(option["choices"]
            .as_array()
            .unwrap()
            .contains(&json!({ "name": "CAR-T Cell Therapy", "value": "car-t" })));

        let option = &ask["options"][0];
        assert_eq!(option["type"], 3, "a string option: {option}");
        assert_eq!(option["name"], "question");
        assert_eq!(option["required"], true);
        assert_eq!(option["max_length"], 500);

        assert_eq!(fake.registered_commands(None).len(), 3);
        assert!(
            fake.requests_matching(|r| r.path.contains("/guilds/"))
                .is_empty(),
            "no guild registration without guild_id"
        );
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn registers_in_the_configured_guild_only() {
    capped(Duration::from_secs(30), async {
        let fake = FakeDiscord::start().await;
        let bot = RunningBot::start(&fake, BotOptions::in_guild()).await;
        let registration = bot.wait_until_ready(&fake).await;
        assert_eq!(
            registration.path,
            format!("/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands")
        );
        let names: Vec<&str> = registration
            .body()
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["therapy", "ask", "reload"]);
        assert_eq!(fake.registered_commands(Some(GUILD_ID)).len(), 3);
        assert!(fake.registered_commands(None).is_empty());
        assert!(
            fake.requests_matching(
                |r| r.is_exactly("PUT", &format!("/applications/{APPLICATION_ID}/commands"))
            )
            .is_empty(),
            "no global registration with guild_id set"
        );
        // The bot works as usual.
        let question = in_channel("what is immunotherapy?");
        fake.send_event(&question);
        fake.wait_for_request(is_reply_to(&question), T).await;
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 2. A channel question
// =============================================================================================

#[tokio::test]
async fn a_channel_question_gets_exactly_one_reviewed_reply() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        let question = in_channel("what is immunotherapy?");
        fake.send_event(&question);

        let reply = fake.wait_for_request(is_reply_to(&question), T).await;
        assert_eq!(reply.status, 200);
        message_reference_of(&reply, &question);
        assert_immunotherapy_answer(reply.body(), &bot.catalog);
        assert_eq!(reply.body()["allowed_mentions"], no_mentions());

        // Exactly one: nothing else, whatever its route, until another question is answered.
        let sentinel = FakeMessage::guild(
            DEFAULT_CHANNEL_ID + 1,
            FakeUser::fresh("other"),
            "what is CAR-T?",
        );
        assert_silent_until(&fake, &sentinel).await;
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn a_direct_question_without_a_reviewed_answer_gets_the_menu() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        let question = in_channel(&format!(
            "{} how do I bake sourdough bread?",
            mention(BOT_USER_ID)
        ))
        .mentioning_bot();
        fake.send_event(&question);
        let reply = fake.wait_for_request(is_reply_to(&question), T).await;
        message_reference_of(&reply, &question);
        assert_no_answer_menu(reply.body(), &bot.catalog, NO_ANSWER);
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 3. Silence
// =============================================================================================

#[tokio::test]
async fn unrelated_messages_hard_negatives_and_non_human_authors_get_no_request() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        let question = "what is immunotherapy?";
        let mut events = vec![
            in_channel("good morning everyone"),
            in_channel("anyone up for lunch later?"),
            in_channel("what is chemotherapy?"),
            in_channel("my dad's CAR-T went well today"),
            in_channel("what are the side effects of immunotherapy?"),
            in_channel("how much does CAR-T cost?"),
            in_channel("is immunotherapy safe during pregnancy?"),
            in_channel("what is a shopping cart?"),
            // Other bots, even when they ask the bot directly or in a DM.
            FakeMessage::guild(
                DEFAULT_CHANNEL_ID,
                FakeUser::bot(next_id(), "otherbot"),
                question,
            ),
            FakeMessage::guild(
                DEFAULT_CHANNEL_ID,
                FakeUser::bot(next_id(), "otherbot"),
                &format!("{} {question}", mention(BOT_USER_ID)),
            )
            .mentioning_bot(),
            FakeMessage::dm(FakeUser::bot(next_id(), "otherbot"), question),
            // Webhooks.
            in_channel(question).via_webhook(next_id()),
            // The bot itself (flagged as a bot, and even if the flag were missing).
            FakeMessage::guild(DEFAULT_CHANNEL_ID, FakeUser::the_bot(), question),
            FakeMessage::guild(
                DEFAULT_CHANNEL_ID,
                FakeUser::new(BOT_USER_ID, BOT_USERNAME),
                question,
            ),
            FakeMessage::dm(FakeUser::new(BOT_USER_ID, BOT_USERNAME), question),
        ];
        // A webhook whose author object is not flagged as a bot.
        let mut webhook = in_channel(question).via_webhook(next_id());
        webhook.author.bot = false;
        events.push(webhook);

        for event in &events {
            fake.send_event(event);
        }
        assert_silent_until(&fake, &in_channel(question)).await;
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 4. message_content = false
// =============================================================================================

#[tokio::test]
async fn without_message_content_only_mentions_and_dms_are_answered() {
    capped(Duration::from_secs(30), async {
        let fake = FakeDiscord::start().await;
        let bot = RunningBot::start(&fake, BotOptions::without_message_content()).await;
        let identify = fake.wait_for_identify(T).await;
        let intents = identify["intents"].as_u64().unwrap();
        assert_eq!(
            intents,
            GUILD_MESSAGES | DIRECT_MESSAGES,
            "intents with message_content = false: {identify}"
        );
        assert_eq!(intents & MESSAGE_CONTENT, 0);
        bot.wait_until_ready(&fake).await;

        // A plain channel question is not for the bot.
        let plain = in_channel("what is immunotherapy?");
        fake.send_event(&plain);
        let by_mention_list = in_channel("what is immunotherapy?").mentioning_bot();
        assert_silent_until(&fake, &by_mention_list).await;

        // A mention in the text (also without the `mentions` list), and a DM, are answered.
        let by_text = in_channel(&format!("{} what is immunotherapy?", mention(BOT_USER_ID)));
        fake.send_event(&by_text);
        let reply = fake.wait_for_request(is_reply_to(&by_text), T).await;
        assert_immunotherapy_answer(reply.body(), &bot.catalog);

        let dm = in_dm("what is immunotherapy?");
        fake.send_event(&dm);
        let reply = fake.wait_for_request(is_reply_to(&dm), T).await;
        message_reference_of(&reply, &dm);
        assert_immunotherapy_answer(reply.body(), &bot.catalog);

        // And still nothing for the plain question.
        fake.expect_silence(Duration::from_millis(100)).await;
        assert!(fake.requests_matching(is_reply_to(&plain)).is_empty());
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 5. Slash commands
// =============================================================================================

#[tokio::test]
async fn therapy_command_answers_with_the_reviewed_text_in_public() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        let command = FakeCommand::slash("therapy", member()).str_opt("type", "car-t");
        fake.send_event(&command);
        let callback = fake.wait_for_request(is_callback_for(command.id), T).await;
        assert_eq!(callback.path, command.callback_path());
        let data = callback_data(&callback, 4);
        assert!(!is_ephemeral(data), "a /therapy answer is public: {data:#}");
        assert_car_t_answer(data, &bot.catalog);

        // In a DM too.
        let command = FakeCommand::slash("therapy", Invoker::dm(FakeUser::fresh("dm")))
            .str_opt("type", "immunotherapy");
        fake.send_event(&command);
        let callback = fake.wait_for_request(is_callback_for(command.id), T).await;
        let data = callback_data(&callback, 4);
        assert!(!is_ephemeral(data));
        assert_immunotherapy_answer(data, &bot.catalog);

        // An id that is not a topic (typed by hand instead of picked): a private list.
        let command = FakeCommand::slash("therapy", member()).str_opt("type", "chemo");
        fake.send_event(&command);
        let callback = fake.wait_for_request(is_callback_for(command.id), T).await;
        let data = callback_data(&callback, 4);
        assert!(is_ephemeral(data), "{data:#}");
        assert_no_answer_menu(data, &bot.catalog, UNKNOWN_THERAPY);

        fake.expect_silence(Duration::from_millis(100)).await;
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn ask_command_answers_in_public_or_says_privately_it_has_no_answer() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;

        let command =
            FakeCommand::slash("ask", member()).str_opt("question", "what is chemotherapy?");
        fake.send_event(&command);
        let callback = fake.wait_for_request(is_callback_for(command.id), T).await;
        let data = callback_data(&callback, 4);
        assert!(is_ephemeral(data), "no answer is private: {data:#}");
        assert_no_answer_menu(data, &bot.catalog, NO_ANSWER);

        let command =
            FakeCommand::slash("ask", member()).str_opt("question", "what is car t cell therapy");
        fake.send_event(&command);
        let callback = fake.wait_for_request(is_callback_for(command.id), T).await;
        let data = callback_data(&callback, 4);
        assert!(!is_ephemeral(data), "an answer is public: {data:#}");
        assert_car_t_answer(data, &bot.catalog);

        fake.expect_silence(Duration::from_millis(100)).await;
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn therapy_autocomplete_offers_matching_topics() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        let request = FakeCommand::autocomplete("therapy", member()).focused("type", "car");
        fake.send_event(&request);
        let callback = fake.wait_for_request(is_callback_for(request.id), T).await;
        let data = callback_data(&callback, 8);
        assert_eq!(
            data["choices"],
            json!([{ "name": "CAR-T Cell Therapy", "value": "car-t" }])
        );

        let request = FakeCommand::autocomplete("therapy", member()).focused("type", "");
        fake.send_event(&request);
        let callback = fake.wait_for_request(is_callback_for(request.id), T).await;
        let data = callback_data(&callback, 8);
        assert_eq!(data["choices"].as_array().unwrap().len(), 5, "{data:#}");
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 6. Buttons
// =============================================================================================

#[tokio::test]
async fn a_button_press_shows_the_therapy_privately() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        let press = FakeComponent::button("ib1:topic:car-t", member());
        fake.send_event(&press);
        let callback = fake.wait_for_request(is_callback_for(press.id), T).await;
        assert_eq!(callback.path, press.callback_path());
        let data = callback_data(&callback, 4);
        assert!(is_ephemeral(data), "button answers are private: {data:#}");
        assert_car_t_answer(data, &bot.catalog);

        // Every button under an answer leads somewhere.
        for (custom_id, _) in IMMUNOTHERAPY_BUTTONS.iter().chain(&CAR_T_BUTTONS) {
            let press = FakeComponent::button(custom_id, Invoker::dm(FakeUser::fresh("dm")));
            fake.send_event(&press);
            let callback = fake.wait_for_request(is_callback_for(press.id), T).await;
            let data = callback_data(&callback, 4);
            assert!(is_ephemeral(data));
            let id = custom_id.strip_prefix("ib1:topic:").unwrap();
            assert_reviewed_answer(data, &bot.catalog, topic(&bot.catalog, id));
        }
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn forged_or_stale_buttons_get_a_polite_private_notice() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        let long = "x".repeat(1000);
        let forged = [
            "ib1:topic:nope",
            "ib1:topic:../../etc",
            "ib1:topic:../../etc/passwd",
            "ib1:topic:CAR-T",
            "ib1:topic:",
            "ib1:delete:car-t",
            "ib2:topic:car-t",
            "garbage",
            "",
            long.as_str(),
        ];
        for custom_id in forged {
            let press = FakeComponent::button(custom_id, member());
            fake.send_event(&press);
            let callback = fake.wait_for_request(is_callback_for(press.id), T).await;
            let data = callback_data(&callback, 4);
            assert!(is_ephemeral(data), "{custom_id:.40}: {data:#}");
            let content = data["content"].as_str().unwrap_or_default();
            assert!(
                content.starts_with(STALE_BUTTON),
                "{custom_id:.40}: {data:#}"
            );
            assert!(
                data["embeds"].as_array().is_none_or(Vec::is_empty),
                "no embed for a stale button: {data:#}"
            );
            assert!(buttons(data).is_empty(), "{data:#}");
            assert_eq!(data["allowed_mentions"], no_mentions());
        }
        // Still alive and answering.
        assert!(bot.is_running());
        let question = in_channel("what is immunotherapy?");
        fake.send_event(&question);
        let reply = fake.wait_for_request(is_reply_to(&question), T).await;
        assert_immunotherapy_answer(reply.body(), &bot.catalog);
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 7. Gateway and REST faults
// =============================================================================================

#[tokio::test]
async fn after_close_4000_and_resume_a_new_message_is_answered_once() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        fake.close(4000);
        // Dispatched while no session is live: the fake delivers it right after RESUMED.
        let question = in_channel("what is immunotherapy?");
        assert_eq!(fake.send_event(&question), None, "queued until RESUMED");
        let resume = fake.wait_for_resume_count(1, T).await;
        assert_eq!(resume["token"], format!("Bot {BOT_TOKEN}"));

        let reply = fake.wait_for_request(is_reply_to(&question), T).await;
        assert_immunotherapy_answer(reply.body(), &bot.catalog);
        assert_silent_until(&fake, &in_channel("what is CAR-T?")).await;
        assert_eq!(
            fake.requests_matching(is_reply_to(&question)).len(),
            1,
            "answered exactly once"
        );
        assert_eq!(fake.identify_count(), 1, "resumed, not re-identified");
        assert_eq!(fake.connection_count(), 2);
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn after_invalid_session_the_bot_reidentifies_and_answers() {
    // serenity waits ~5 s before it re-IDENTIFYs.
    capped(Duration::from_secs(40), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        fake.send_invalid_session(false);
        let question = in_channel("what is immunotherapy?");
        assert_eq!(fake.send_event(&question), None, "queued until READY");

        let identify = fake
            .wait_for_identify_count(2, Duration::from_secs(15))
            .await;
        assert_eq!(
            identify["intents"].as_u64(),
            Some(GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT)
        );
        // A new READY: commands are registered again, to the same place.
        let path = BotOptions::default().registration_path();
        fake.wait_for_request(|r| r.is_exactly("PUT", &path), T)
            .await;

        let reply = fake.wait_for_request(is_reply_to(&question), T).await;
        assert_immunotherapy_answer(reply.body(), &bot.catalog);
        assert_silent_until(&fake, &in_channel("what is CAR-T?")).await;
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn a_refused_reply_is_logged_and_the_next_message_is_answered() {
    capped(Duration::from_secs(30), async {
        let (_guard, logs) = capture_logs();
        let (fake, bot) = setup(BotOptions::default()).await;
        // A refusal retrying cannot fix; 5xx and 429 are retried (delivery_e2e.rs).
        fake.fail_next(
            "POST",
            &format!("/channels/{DEFAULT_CHANNEL_ID}/messages"),
            1,
            403,
        );
        let first = in_channel("what is immunotherapy?");
        fake.send_event(&first);
        let failed = fake.wait_for_request(is_reply_to(&first), T).await;
        assert_eq!(failed.status, 403);
        let text = wait_for_log(&logs, "could not send a reply", &fake).await;
        assert!(text.contains("WARN"), "{text}");
        assert!(
            !text.contains("what is immunotherapy"),
            "message text is logged at debug level only:\n{text}"
        );
        assert!(!text.contains(BOT_TOKEN), "{text}");

        let second = in_channel("what are checkpoint inhibitors?");
        fake.send_event(&second);
        let reply = fake.wait_for_request(is_reply_to(&second), T).await;
        assert_eq!(reply.status, 200);
        assert_reviewed_answer(
            reply.body(),
            &bot.catalog,
            topic(&bot.catalog, "checkpoint-inhibitors"),
        );
        assert_eq!(
            fake.requests_matching(is_reply_to(&first)).len(),
            1,
            "a failed send is not retried"
        );
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 8. Mentions
// =============================================================================================

#[tokio::test]
async fn a_reply_to_a_message_full_of_mentions_pings_nobody() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        let role = next_id();
        let friend = FakeUser::fresh("friend");
        let text = format!(
            "@everyone <@&{role}> {} what is immunotherapy?",
            mention(friend.id)
        );
        let question = in_channel(&text)
            .mention_everyone(true)
            .mentioning_role(role)
            .mentioning(friend.clone())
            .member_roles(&[role]);
        fake.send_event(&question);

        let reply = fake.wait_for_request(is_reply_to(&question), T).await;
        let body = reply.body();
        assert_eq!(body["allowed_mentions"], no_mentions(), "{body:#}");
        assert_immunotherapy_answer(body, &bot.catalog);
        // What members see; a button's id is not shown (the Dismiss button's carries the
        // asker's id, for the bot to check who may remove the answer).
        let mut shown = body.clone();
        shown["components"] = Value::Null;
        let raw = shown.to_string();
        for echoed in [
            "@everyone",
            "<@&",
            "<@",
            &role.to_string(),
            &friend.id.to_string(),
        ] {
            assert!(!raw.contains(echoed), "the reply echoes {echoed:?}: {raw}");
        }
        assert!(
            !raw.contains(&question.author.id.to_string()),
            "the reply names no one: {raw}"
        );
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 9. Long and empty messages
// =============================================================================================

#[tokio::test]
async fn long_and_empty_channel_messages_are_ignored() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        let mut long = String::from("what is immunotherapy? ");
        while long.chars().count() <= 500 {
            long.push_str("I was reading about it on the train this morning. ");
        }
        fake.send_event(&in_channel(&long));
        fake.send_event(&in_channel(""));
        fake.send_event(&in_channel("").with_attachment("scan.png", 1024, Some("image/png")));
        fake.send_event(&in_channel("   \n\t "));
        assert_silent_until(&fake, &in_channel("what is immunotherapy?")).await;
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn the_passive_length_limit_is_inclusive() {
    capped(Duration::from_secs(30), async {
        let question = "what is immunotherapy?";
        let (fake, bot) = setup(BotOptions {
            max_passive_length: question.chars().count(),
            ..BotOptions::default()
        })
        .await;
        let at_limit = in_channel(question);
        fake.send_event(&at_limit);
        let reply = fake.wait_for_request(is_reply_to(&at_limit), T).await;
        assert_immunotherapy_answer(reply.body(), &bot.catalog);

        fake.send_event(&in_channel(&format!("{question}?")));
        // Addressed directly, the length does not matter.
        assert_silent_until(&fake, &in_dm(&format!("{question}?"))).await;
        finish(fake, bot).await;
    })
    .await;
}
