//! What the bot says: every answer carries the reviewed text verbatim, its provenance and the
//! disclaimer, through every entry point; buttons round-trip through their ids.

mod common;

use common::*;
use immunobot::action::Action;
use immunobot::bot;
use immunobot::catalog::{Catalog, ResponseSource};
use immunobot::discord::CONTENT_LIMITS;
use immunobot::matching::Addressing;
use immunobot::reply::{Reply, ReplyKind, Visibility};

fn catalog() -> Catalog {
    Catalog::load(&ResponseSource::Dir(responses_dir()), &CONTENT_LIMITS).unwrap()
}

fn assert_is_answer(reply: &Reply, catalog: &Catalog, id: &str) {
    let topic = catalog.find(id).unwrap();
    assert_eq!(reply.kind, ReplyKind::Answer { topic: id.into() });
    assert_eq!(
        reply.body, topic.body,
        "the body must be the reviewed text verbatim"
    );
    assert_eq!(reply.title.as_deref(), Some(topic.title.as_str()));
    assert_eq!(
        reply.provenance.as_deref(),
        Some("Medically reviewed by SecondMedic medical review team")
    );
    let disclaimer = reply
        .disclaimer
        .as_deref()
        .expect("every answer has the disclaimer");
    assert!(disclaimer.contains("healthcare provider"));
    assert!(disclaimer.contains("not medical advice"));
}

fn button_ids(reply: &Reply) -> Vec<String> {
    reply
        .buttons
        .iter()
        .map(|b| b.action.to_custom_id())
        .collect()
}

#[test]
fn a_channel_question_gets_the_reviewed_answer_with_four_therapy_buttons() {
    let catalog = catalog();
    let reply =
        bot::reply_to_message(&catalog, "what is immunotherapy?", Addressing::Passive).unwrap();
    assert_is_answer(&reply, &catalog, "immunotherapy");
    assert_eq!(reply.body, IMMUNOTHERAPY_ANSWER);
    assert_eq!(reply.visibility, Visibility::Public);
    let labels: Vec<&str> = reply.buttons.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, THERAPY_LABELS);
    assert_eq!(
        button_ids(&reply),
        [
            "ib1:topic:checkpoint-inhibitors",
            "ib1:topic:car-t",
            "ib1:topic:monoclonal-antibodies",
            "ib1:topic:cancer-vaccines"
        ]
    );
}

#[test]
fn a_channel_message_the_bot_is_unsure_about_gets_silence() {
    let catalog = catalog();
    for message in ["what is chemotherapy?", "hi all", "my CAR-T starts monday"] {
        assert!(bot::reply_to_message(&catalog, message, Addressing::Passive).is_none());
    }
}

#[test]
fn a_direct_question_without_an_answer_says_so_and_lists_the_topics() {
    let catalog = catalog();
    let reply =
        bot::reply_to_message(&catalog, "what is chemotherapy?", Addressing::Direct).unwrap();
    assert_eq!(reply.kind, ReplyKind::NoAnswer);
    assert!(reply
        .body
        .contains("don't have a medically reviewed answer"));
    assert_eq!(reply.buttons.len(), TOPIC_IDS.len());
    assert!(
        reply.provenance.is_none(),
        "no reviewed text, so no provenance"
    );
}

#[test]
fn every_therapy_button_answers_privately_with_a_way_back() {
    let catalog = catalog();
    let start = bot::reply_to_therapy(&catalog, "immunotherapy");
    for button in &start.buttons {
        let reply = bot::reply_to_button(&catalog, &button.action.to_custom_id());
        let Action::ShowTopic(id) = &button.action else {
            panic!("a short answer has no page buttons: {:?}", button.action);
        };
        assert_is_answer(&reply, &catalog, id);
        assert_eq!(reply.visibility, Visibility::Private);
        let ids = button_ids(&reply);
        assert!(
            ids.contains(&"ib1:topic:immunotherapy".to_string()),
            "{ids:?}"
        );
        assert!(
            !ids.contains(&format!("ib1:topic:{id}")),
            "no button to itself"
        );
        assert_eq!(
            ids.len(),
            4,
            "three other therapies and the way back: {ids:?}"
        );
    }
}

#[test]
fn the_therapy_command_answers_by_id_and_alias() {
    let catalog = catalog();
    let reply = bot::reply_to_therapy(&catalog, "car-t");
    assert_is_answer(&reply, &catalog, "car-t");
    assert_eq!(reply.body, CAR_T_SENTENCE);
    assert_eq!(reply.visibility, Visibility::Public);

    let alias = bot::reply_to_therapy(&catalog, "immune-checkpoint-inhibitors");
    assert_is_answer(&alias, &catalog, "checkpoint-inhibitors");
    assert_eq!(alias.body, CHECKPOINT_SENTENCES.join("\n\n"));

    let unknown = bot::reply_to_therapy(&catalog, "homeopathy");
    assert_eq!(unknown.kind, ReplyKind::NoAnswer);
    assert_eq!(unknown.visibility, Visibility::Private);
}

#[test]
fn ask_answers_or_privately_says_there_is_no_reviewed_answer() {
    let catalog = catalog();
    let answer = bot::reply_to_ask(&catalog, "how do monoclonal antibodies work?");
    assert_is_answer(&answer, &catalog, "monoclonal-antibodies");
    assert_eq!(answer.visibility, Visibility::Public);

    let none = bot::reply_to_ask(&catalog, "what is the capital of France?");
    assert_eq!(none.kind, ReplyKind::NoAnswer);
    assert_eq!(none.visibility, Visibility::Private);
    let labels: Vec<&str> = none.buttons.iter().map(|b| b.label.as_str()).collect();
    assert!(labels.contains(&"What is immunotherapy?"));
    for label in THERAPY_LABELS {
        assert!(labels.contains(&label));
    }
}

#[test]
fn a_forged_or_stale_button_gets_a_polite_private_notice() {
    let catalog = catalog();
    for custom_id in [
        "ib1:topic:no-such-topic",
        "ib1:topic:../../etc/passwd",
        "ib1:topic:",
        "ib1:erase:car-t",
        "ib2:topic:car-t",
        "",
        "garbage",
        &"ib1:topic:".repeat(100),
    ] {
        let reply = bot::reply_to_button(&catalog, custom_id);
        assert_eq!(reply.kind, ReplyKind::Notice, "{custom_id:?}");
        assert_eq!(reply.visibility, Visibility::Private);
        assert!(reply.body.contains("no longer leads to a reviewed answer"));
    }
}

#[test]
fn button_ids_survive_a_restart_because_they_carry_everything() {
    let first = catalog();
    let id = bot::reply_to_therapy(&first, "immunotherapy").buttons[1]
        .action
        .to_custom_id();
    drop(first);
    let second = catalog();
    assert_is_answer(&bot::reply_to_button(&second, &id), &second, "car-t");
}

#[test]
fn the_therapy_choices_come_from_the_catalog() {
    let catalog = catalog();
    let choices = bot::therapy_choices(&catalog, "");
    let ids: Vec<&str> = choices.iter().map(|(_, id)| *id).collect();
    assert_eq!(ids.len(), TOPIC_IDS.len());
    for id in TOPIC_IDS {
        assert!(ids.contains(&id));
    }
    let typed = bot::therapy_choices(&catalog, "vacc");
    assert_eq!(typed, vec![("Cancer Vaccines", "cancer-vaccines")]);
}
