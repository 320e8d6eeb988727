//! What the bot says: plain functions from parsed input and a catalog to a [`Reply`].
//!
//! Adapters (Discord, console, CLI) parse their input, call one of these, and deliver the result.
//! Nothing here knows about a platform, and nothing here can fail: every input has a reply or a
//! deliberate silence.

use crate::action::Action;
use crate::catalog::Catalog;
use crate::matching::{Addressing, Assessment, Verdict};
use crate::reply::{words, Reply, ReplyKind, Visibility};
use crate::safety::{Policy, Safety};

/// The reply to a chat message, or `None` to stay silent.
///
/// The safety router reads the message first ([`safety_reply`], with the default [`Policy`]).
/// Otherwise, in a channel (`Passive`) the bot answers only when sure. Addressed directly (a
/// mention, a DM), it also offers suggestions when unsure, and says plainly when it has no
/// reviewed answer.
pub fn reply_to_message(catalog: &Catalog, text: &str, addressing: Addressing) -> Option<Reply> {
    if let Some((_, reply)) = safety_reply(catalog, text, addressing, &Policy::default()) {
        return reply;
    }
    let assessment = catalog.matcher().assess(text, addressing);
    reply_for(catalog, &assessment, addressing)
}

/// What the safety router decides, before any matching: `None` when the message signals
/// nothing; otherwise what it signals and the notice to show, or `None` for silence (advice
/// overheard in a channel, by default). A flagged message never gets a topic answer.
pub fn safety_reply(
    catalog: &Catalog,
    text: &str,
    addressing: Addressing,
    policy: &Policy,
) -> Option<(Safety, Option<Reply>)> {
    let kind = catalog.safety().router.classify(text)?;
    let shown = match (kind, addressing) {
        (_, Addressing::Direct) => true,
        (Safety::Crisis, Addressing::Passive) => policy.passive_crisis,
        (Safety::Advice, Addressing::Passive) => policy.passive_advice,
    };
    let reply = shown.then(|| Reply::safety(kind, catalog.safety().notice(kind)));
    Some((kind, reply))
}

/// The reply that an assessment calls for.
pub fn reply_for(
    catalog: &Catalog,
    assessment: &Assessment,
    addressing: Addressing,
) -> Option<Reply> {
    match (assessment.verdict, addressing) {
        (Verdict::Answer, _) => assessment
            .topic
            .map(|index| Reply::answer(catalog, catalog.topic(index))),
        (_, Addressing::Passive) => None,
        (Verdict::Suggest, Addressing::Direct) => Some(Reply::menu(
            catalog,
            ReplyKind::Suggestions,
            match assessment.candidates.len() {
                1 => words::SUGGEST_ONE,
                _ => words::SUGGEST,
            },
            assessment.candidates.iter().copied(),
        )),
        (Verdict::NotCovered | Verdict::Nothing, Addressing::Direct) => {
            Some(Reply::no_answer(catalog, words::NO_ANSWER))
        }
    }
}

/// `/ask question:<text>`: an answer in public, or a private "no reviewed answer". A safety
/// notice is private too: a member in crisis is not put on show in the channel.
pub fn reply_to_ask(catalog: &Catalog, question: &str) -> Reply {
    match reply_to_message(catalog, question, Addressing::Direct) {
        Some(reply) if reply.safety_kind().is_some() => reply.with_visibility(Visibility::Private),
        Some(reply) => reply,
        None => Reply::no_answer(catalog, words::NO_ANSWER),
    }
}

/// `/therapy type:<id>`: the topic's answer, or a private list when the id is unknown. Ids are
/// lowercase, so `CAR-T` is `car-t`.
pub fn reply_to_therapy(catalog: &Catalog, topic_id: &str) -> Reply {
    match catalog.find(&topic_id.trim().to_lowercase()) {
        Some(topic) => Reply::answer(catalog, topic),
        None => Reply::no_answer(catalog, words::UNKNOWN_THERAPY),
    }
}

/// A button press. Button answers are private, so that exploring never floods a channel.
pub fn reply_to_button(catalog: &Catalog, custom_id: &str) -> Reply {
    match Action::parse(custom_id) {
        Ok(Action::ShowTopic(id)) => match catalog.find(&id) {
            Some(topic) => Reply::answer(catalog, topic).with_visibility(Visibility::Private),
            None => Reply::notice(words::STALE_BUTTON),
        },
        // Adapters that offer it handle it before asking for a reply; anywhere else it is stray.
        Ok(Action::Dismiss { .. }) => Reply::notice(words::STALE_BUTTON),
        // Only an adapter that can reach moderators acts on this one; elsewhere, say so.
        Ok(Action::AlertModerators) => Reply::notice(words::NO_MODERATOR_CHANNEL),
        // A page past the end (the answer got shorter in a reload) shows the last page.
        Ok(Action::ShowPage(id, page)) => match catalog.find(&id) {
            Some(topic) => {
                Reply::answer_page(catalog, topic, page).with_visibility(Visibility::Private)
            }
            None => Reply::notice(words::STALE_BUTTON),
        },
        Err(err) => {
            tracing::debug!(error = %err, "refused a button id");
            Reply::notice(words::STALE_BUTTON)
        }
    }
}

/// Choices for the therapy command: every topic, as (label, id),
/// filtered by what the member typed so far (for autocomplete).
pub fn therapy_choices<'a>(catalog: &'a Catalog, typed: &str) -> Vec<(&'a str, &'a str)> {
    let typed = typed.trim().to_lowercase();
    catalog
        .topics()
        .iter()
        .filter(|topic| {
            typed.is_empty()
                || topic.label.to_lowercase().contains(&typed)
                || topic.id.contains(&typed)
        })
        .map(|topic| (topic.label.as_str(), topic.id.as_str()))
        .collect()
}
