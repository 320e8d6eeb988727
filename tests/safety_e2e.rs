//! Crisis and personal-advice messages (issue 11), end to end: the real serenity client against
//! the fake Discord of `tests/support`. What members and moderators receive is asserted: the
//! moderators' notice instead of any topic, nobody pinged, an alert with a link and never the
//! member's words, silence where the config asks for it.

mod support;

use std::time::Duration;

use immunobot::config::SafetyConfig;
use immunobot::safety::Safety;
use serde_json::{json, Value};

use support::*;

const ALERT_CHANNEL: u64 = 910_000_000_000_000_001;
const ALERT_ROLE: u64 = 910_000_000_000_000_002;
const CRISIS: &str = "i can't do this anymore, i'm going to end my life tonight";
const ADVICE: &str = "should i stop my keytruda because of the rash?";

fn with_alerts(moderator_button: bool) -> BotOptions {
    BotOptions::default().with_safety(SafetyConfig {
        alert_channel_id: Some(ALERT_CHANNEL),
        alert_role_id: Some(ALERT_ROLE),
        moderator_button,
        ..SafetyConfig::default()
    })
}

/// Checks that `message` is the shipped notice of `kind`, verbatim, with no buttons but `buttons`.
fn assert_notice(message: &Value, bot: &RunningBot, kind: Safety, buttons: &[&str]) {
    let notice = bot.catalog.safety().notice(kind);
    let embed = the_embed(message);
    assert_eq!(embed["title"], notice.title.as_str(), "{message:#}");
    assert_eq!(embed["description"], notice.body.as_str(), "{message:#}");
    let ids: Vec<&str> = message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten())
        .filter_map(|button| button["custom_id"].as_str())
        .collect();
    assert_eq!(ids, buttons, "{message:#}");
}

#[tokio::test]
async fn a_crisis_in_a_channel_gets_the_notice_and_the_moderators_a_link_only() {
    capped(Duration::from_secs(30), async {
        let (_guard, logs) = capture_logs();
        let (fake, bot) = setup(with_alerts(false)).await;
        let message = in_channel(CRISIS);
        fake.send_event(&message);

        let reply = fake.wait_for_request(is_reply_to(&message), T).await;
        assert_notice(reply.body(), &bot, Safety::Crisis, &[]);
        assert_eq!(reply.body()["allowed_mentions"], no_mentions());

        let alert = fake
            .wait_for_request(is_message_to(ALERT_CHANNEL), T)
            .await;
        let content = alert.body()["content"].as_str().unwrap_or_default();
        let link = format!(
            "https://discord.com/channels/{GUILD_ID}/{DEFAULT_CHANNEL_ID}/{}",
            message.id
        );
        assert!(content.contains(&link), "{content}");
        assert!(content.starts_with(&format!("<@&{ALERT_ROLE}> ")), "{content}");
        assert!(!content.contains("end my life"), "the alert quotes nobody: {content}");
        assert!(alert.body().get("embeds").is_none_or(|e| e.as_array().is_none_or(Vec::is_empty)));
        // The role is the only mention the bot ever allows.
        assert_eq!(
            alert.body()["allowed_mentions"],
            json!({ "parse": [], "users": [], "roles": [ALERT_ROLE.to_string()], "replied_user": false })
        );

        let log = wait_for_log(
            &logs,
            &format!("crisis notice in channel {DEFAULT_CHANNEL_ID}"),
            &fake,
        )
        .await;
        assert!(!log.contains("end my life"), "no message text at info:\n{log}");
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn the_crisis_notice_is_not_repeated_to_the_same_member_at_once() {
    capped(Duration::from_secs(30), async {
        // Every test here logs through a captured subscriber: tracing caches a log line's
        // interest per call site, and a test without one could leave it off for the others.
        let (_guard, _logs) = capture_logs();
        let (fake, bot) = setup(BotOptions::default()).await;
        let member = FakeUser::fresh("member");
        let first = FakeMessage::guild(DEFAULT_CHANNEL_ID, member.clone(), CRISIS);
        fake.send_event(&first);
        let reply = fake.wait_for_request(is_reply_to(&first), T).await;
        assert_notice(reply.body(), &bot, Safety::Crisis, &[]);

        // Within the window: the member has the notice right above; another member is answered.
        fake.send_event(&FakeMessage::guild(
            DEFAULT_CHANNEL_ID,
            member,
            "i really want to die",
        ));
        let other = in_channel(CRISIS);
        fake.send_event(&other);
        let reply = fake.wait_for_request(is_reply_to(&other), T).await;
        assert_notice(reply.body(), &bot, Safety::Crisis, &[]);
        assert_silent_until(&fake, &in_channel("what is immunotherapy?")).await;
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn advice_gets_the_notice_when_asked_directly_and_silence_in_a_channel() {
    capped(Duration::from_secs(30), async {
        // Every test here logs through a captured subscriber: tracing caches a log line's
        // interest per call site, and a test without one could leave it off for the others.
        let (_guard, _logs) = capture_logs();
        let (fake, bot) = setup(BotOptions::default()).await;
        let asked = in_channel(&format!("{} {ADVICE}", mention(BOT_USER_ID))).mentioning_bot();
        fake.send_event(&asked);
        let reply = fake.wait_for_request(is_reply_to(&asked), T).await;
        assert_notice(reply.body(), &bot, Safety::Advice, &[]);
        assert_eq!(reply.body()["allowed_mentions"], no_mentions());

        // Overheard in a channel: no notice, and no topic answer either.
        fake.send_event(&in_channel(ADVICE));
        fake.send_event(&in_channel(
            "should i keep taking car-t meds? what is car-t?",
        ));
        assert_silent_until(&fake, &in_channel("what is immunotherapy?")).await;
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn talk_to_a_moderator_raises_the_alert_and_tells_the_member() {
    capped(Duration::from_secs(30), async {
        // Every test here logs through a captured subscriber: tracing caches a log line's
        // interest per call site, and a test without one could leave it off for the others.
        let (_guard, _logs) = capture_logs();
        let (fake, bot) = setup(with_alerts(true)).await;
        let message = in_channel(CRISIS);
        fake.send_event(&message);
        let reply = fake.wait_for_request(is_reply_to(&message), T).await;
        assert_notice(
            reply.body(),
            &bot,
            Safety::Crisis,
            &["ib1:alert:moderators"],
        );
        fake.wait_for_request(is_message_to(ALERT_CHANNEL), T).await;

        let press = FakeComponent::button("ib1:alert:moderators", member());
        fake.send_event(&press);
        let alert = fake.wait_for_request(is_message_to(ALERT_CHANNEL), T).await;
        let content = alert.body()["content"].as_str().unwrap_or_default();
        assert!(
            content.contains("asked to talk to a moderator"),
            "{content}"
        );
        assert!(
            content.contains(&format!("https://discord.com/channels/{GUILD_ID}/")),
            "{content}"
        );
        let callback = fake.wait_for_request(is_callback_for(press.id), T).await;
        let data = callback_data(&callback, 4);
        assert!(is_ephemeral(data), "{data:#}");
        assert!(
            data["content"]
                .as_str()
                .is_some_and(|c| c.contains("let the moderators know")),
            "{data:#}"
        );
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn ask_with_a_crisis_answers_privately_and_alerts() {
    capped(Duration::from_secs(30), async {
        // Every test here logs through a captured subscriber: tracing caches a log line's
        // interest per call site, and a test without one could leave it off for the others.
        let (_guard, _logs) = capture_logs();
        let (fake, bot) = setup(with_alerts(false)).await;
        let ask = FakeCommand::slash("ask", member()).str_opt("question", CRISIS);
        fake.send_event(&ask);
        let callback = fake.wait_for_request(is_callback_for(ask.id), T).await;
        let data = callback_data(&callback, 4);
        assert!(is_ephemeral(data), "a crisis is not put on show: {data:#}");
        assert_notice(data, &bot, Safety::Crisis, &[]);
        let alert = fake.wait_for_request(is_message_to(ALERT_CHANNEL), T).await;
        let content = alert.body()["content"].as_str().unwrap_or_default();
        assert!(content.contains("/ask"), "{content}");
        assert!(!content.contains("end my life"), "{content}");
        finish(fake, bot).await;
    })
    .await;
}
