//! The Dismiss button, through the real serenity client against the fake Discord: the member who
//! asked, or a moderator, removes the bot's answer; anyone else is told privately that they
//! cannot, and nothing is deleted.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::*;

/// The default channel; `ask_in` and the fake's stubs speak of channels by id.
const C1: u64 = DEFAULT_CHANNEL_ID;
const MODERATOR_ROLE: u64 = 4_242;
const FIVE_MINUTES: Duration = Duration::from_secs(300);
/// `DEFERRED_UPDATE_MESSAGE`: acknowledged, nothing shown.
const ACKNOWLEDGE: u64 = 6;

/// The custom ids of every button of a message body or interaction `data`.
fn custom_ids(message: &Value) -> Vec<String> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten())
        .filter_map(|button| button["custom_id"].as_str().map(str::to_string))
        .collect()
}

/// The bot's answer to `question` in C1 as Discord stored it: the id the fake gives it.
fn stored_answer(fake: &FakeDiscord) -> u64 {
    let id = next_id();
    let mut message = bot_message_json(C1, Some(GUILD_ID), "", None);
    message["id"] = json!(id.to_string());
    fake.stub("POST", &format!("/channels/{C1}/messages"), 200, message);
    id
}

/// A press of `custom_id` on the bot's message `message_id` in C1.
fn press_on(custom_id: &str, message_id: u64, invoker: Invoker) -> FakeComponent {
    let mut message = bot_message_json(C1, Some(GUILD_ID), "", Some(custom_id));
    message["id"] = json!(message_id.to_string());
    FakeComponent::button(custom_id, invoker).with_message(message)
}

fn is_delete_of(message_id: u64) -> impl Fn(&RecordedRequest) -> bool {
    move |r| r.is_exactly("DELETE", &format!("/channels/{C1}/messages/{message_id}"))
}

#[tokio::test]
async fn the_asker_can_dismiss_the_answer_and_others_cannot() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        let answer_id = stored_answer(&fake);
        let asker = FakeUser::fresh("asker");
        let question = FakeMessage::guild(C1, asker.clone(), "what is immunotherapy?");
        fake.send_event(&question);
        let reply = fake.wait_for_request(is_reply_to(&question), T).await;
        let dismiss = format!("ib1:dismiss:{}", asker.id);
        let ids = custom_ids(reply.body());
        assert_eq!(ids.last(), Some(&dismiss), "{ids:?}");
        assert_eq!(
            ids.iter()
                .filter(|id| id.starts_with("ib1:dismiss:"))
                .count(),
            1
        );

        // Someone else: a private refusal, and the answer stays.
        let other = press_on(&dismiss, answer_id, member());
        fake.send_event(&other);
        let callback = fake.wait_for_request(is_callback_for(other.id), T).await;
        let data = callback_data(&callback, 4);
        assert!(is_ephemeral(data), "{data:#}");
        assert_eq!(
            data["content"],
            "Only the person who asked or a moderator can remove this."
        );
        assert_eq!(data["allowed_mentions"], no_mentions());

        // The asker: acknowledged, and the answer is deleted.
        let own = press_on(
            &dismiss,
            answer_id,
            Invoker::member(asker, MEMBER_PERMISSIONS, &[]),
        );
        fake.send_event(&own);
        let callback = fake.wait_for_request(is_callback_for(own.id), T).await;
        assert_eq!(
            callback.body()["type"],
            ACKNOWLEDGE,
            "{:#}",
            callback.body()
        );
        fake.wait_for_request(is_delete_of(answer_id), T).await;
        assert_eq!(
            fake.requests_matching(|r| r.method == "DELETE").len(),
            1,
            "only the asker's press deleted anything\n{}",
            fake.dump()
        );
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn a_moderator_can_dismiss_any_answer() {
    capped(Duration::from_secs(30), async {
        let options = BotOptions {
            moderator_role_ids: vec![MODERATOR_ROLE],
            ..BotOptions::default()
        };
        let (fake, bot) = setup(options).await;
        let dismiss = "ib1:dismiss:123456789";
        for (n, moderator) in [
            Invoker::admin(FakeUser::fresh("admin")),
            Invoker::member(
                FakeUser::fresh("mod"),
                MEMBER_PERMISSIONS,
                &[MODERATOR_ROLE],
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let answer_id = next_id();
            let press = press_on(dismiss, answer_id, moderator);
            fake.send_event(&press);
            let callback = fake.wait_for_request(is_callback_for(press.id), T).await;
            assert_eq!(callback.body()["type"], ACKNOWLEDGE, "moderator {n}");
            fake.wait_for_request(is_delete_of(answer_id), T).await;
        }
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn a_dismissed_answer_no_longer_holds_the_cooldown() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default().with_cooldown(FIVE_MINUTES)).await;
        let answer_id = stored_answer(&fake);
        let asker = FakeUser::fresh("asker");
        let question = FakeMessage::guild(C1, asker.clone(), "what is immunotherapy?");
        fake.send_event(&question);
        fake.wait_for_request(is_reply_to(&question), T).await;
        let own = press_on(
            &format!("ib1:dismiss:{}", asker.id),
            answer_id,
            Invoker::member(asker, MEMBER_PERMISSIONS, &[]),
        );
        fake.send_event(&own);
        fake.wait_for_request(is_delete_of(answer_id), T).await;

        // The answer is gone: the next member who asks gets it, not silence.
        let again = ask_in(C1, "what is immunotherapy?");
        fake.send_event(&again);
        let reply = fake.wait_for_request(is_reply_to(&again), T).await;
        assert!(
            the_embed(reply.body())["title"].is_string(),
            "{:#}",
            reply.body()
        );
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn public_command_answers_are_dismissible_private_ones_are_not() {
    capped(Duration::from_secs(30), async {
        let (fake, bot) = setup(BotOptions::default()).await;
        let invoker = member();
        let asker = invoker.user().id;
        let therapy = FakeCommand::slash("therapy", invoker).str_opt("type", "car-t");
        fake.send_event(&therapy);
        let callback = fake.wait_for_request(is_callback_for(therapy.id), T).await;
        let ids = custom_ids(callback_data(&callback, 4));
        assert_eq!(ids.last(), Some(&format!("ib1:dismiss:{asker}")), "{ids:?}");

        // A button's answer is private (ephemeral): Discord lets the member close it already.
        let press = FakeComponent::button("ib1:topic:car-t", member());
        fake.send_event(&press);
        let callback = fake.wait_for_request(is_callback_for(press.id), T).await;
        let ids = custom_ids(callback_data(&callback, 4));
        assert!(
            !ids.iter().any(|id| id.starts_with("ib1:dismiss:")),
            "{ids:?}"
        );
        finish(fake, bot).await;
    })
    .await;
}
