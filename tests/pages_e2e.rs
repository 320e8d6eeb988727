//! Long reviewed answers in pages, as a member receives them from the real serenity client
//! against the fake Discord; and autocomplete that never offers more than Discord takes.
//!
//! The long answer here is placeholder test data, not medical text.

mod support;

use std::fs;
use std::path::Path;
use std::time::Duration;

use immunobot::catalog::{built_in_file, Catalog, ResponseSource};
use immunobot::discord::CONTENT_LIMITS;
use serde_json::Value;

use support::*;

const LONG_ID: &str = "medquad-0000001-1-1";

/// A placeholder answer of about 13,000 characters in paragraphs of several sentences.
fn long_body() -> String {
    (1..=40)
        .map(|p| {
            (1..=6)
                .map(|s| format!("Placeholder sentence {s} of test paragraph {p}, written only to fill pages in tests."))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn topic_file(id: &str, label: &str, body: &str, term: &str) -> String {
    format!(
        "id = \"{id}\"\ntitle = \"What is {label}?\"\nlabel = \"{label}\"\nreviewer = \"Test Review Board\"\nsource = \"https://example.test/{id}\"\nlicence = \"CC BY 4.0: test attribution\"\nbody = '''\n{body}'''\n\n[matching]\nterms = [\"{term}\"]\nquestions = [\"what is {term}\"]\n"
    )
}

fn responses(dir: &Path, extra_topics: usize) {
    fs::create_dir_all(dir.join("topics")).unwrap();
    fs::write(
        dir.join("catalog.toml"),
        built_in_file("catalog.toml").unwrap(),
    )
    .unwrap();
    fs::write(
        dir.join("language.toml"),
        built_in_file("language.toml").unwrap(),
    )
    .unwrap();
    fs::write(
        dir.join(format!("topics/{LONG_ID}.toml")),
        topic_file(
            LONG_ID,
            "Placeholder leukemia",
            &long_body(),
            "placeholder leukemia",
        ),
    )
    .unwrap();
    for n in 0..extra_topics {
        let letters: String = format!("{n:03}")
            .chars()
            .map(|d| (b'a' + d.to_digit(10).unwrap() as u8) as char)
            .collect();
        fs::write(
            dir.join(format!("topics/test-{n}.toml")),
            topic_file(
                &format!("test-{n}"),
                &format!("Testcondition {letters}"),
                "Short placeholder answer.",
                &format!("testcondition {letters}"),
            ),
        )
        .unwrap();
    }
}

fn buttons(message: &Value) -> Vec<(String, String)> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().unwrap().iter())
        .map(|b| {
            (
                b["custom_id"].as_str().unwrap().to_string(),
                b["label"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn embed_len(embed: &Value) -> usize {
    let text = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    text(&embed["title"])
        + text(&embed["description"])
        + text(&embed["footer"]["text"])
        + embed["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| text(&f["name"]) + text(&f["value"]))
            .sum::<usize>()
}

#[tokio::test]
async fn a_long_answer_is_sent_in_pages_that_join_back_to_the_reviewed_text() {
    capped(Duration::from_secs(60), async {
        let dir = tempfile::tempdir().unwrap();
        responses(dir.path(), 0);
        let catalog = Catalog::load(&ResponseSource::Dir(dir.path().into()), &CONTENT_LIMITS)
            .expect("a long body loads: it is shown in pages");
        let topic = catalog.find(LONG_ID).unwrap().clone();
        let pages = topic.page_count();
        assert!(pages >= 4, "{pages} pages");

        let options = BotOptions {
            responses: Some(dir.path().to_path_buf()),
            ..BotOptions::default()
        };
        let (fake, bot) = setup(options).await;
        let question = in_channel("what is placeholder leukemia?");
        fake.send_event(&question);
        let reply = fake.wait_for_request(is_reply_to(&question), T).await;
        let mut message = reply.body().clone();
        let mut joined = String::new();
        for number in 1..=pages {
            let embed = the_embed(&message).clone();
            assert_eq!(embed["title"], topic.title.as_str());
            let description = embed["description"].as_str().unwrap();
            assert!(description.chars().count() <= 4096);
            assert!(
                embed_len(&embed) <= 6000,
                "page {number}: {}",
                embed_len(&embed)
            );
            joined.push_str(description);
            let footer = embed["footer"]["text"].as_str().unwrap();
            assert!(
                footer.starts_with(&format!("Page {number} of {pages}\n")),
                "{footer}"
            );
            assert!(footer.contains("Medically reviewed by Test Review Board"));
            assert!(footer.contains("https://example.test/"));
            assert!(footer.contains("CC BY 4.0"));
            assert_eq!(embed["fields"][0]["value"], catalog.disclaimer());
            assert_eq!(message["allowed_mentions"], no_mentions());

            let ids: Vec<String> = buttons(&message).into_iter().map(|(id, _)| id).collect();
            let previous = format!("ib1:page:{LONG_ID}:{}", number.saturating_sub(1));
            let next = format!("ib1:page:{LONG_ID}:{}", number + 1);
            assert_eq!(ids.contains(&previous), number > 1, "{ids:?}");
            assert_eq!(ids.contains(&next), number < pages, "{ids:?}");
            if number < pages {
                let press = FakeComponent::button(&next, member());
                fake.send_event(&press);
                let callback = fake.wait_for_request(is_callback_for(press.id), T).await;
                message = callback_data(&callback, 4).clone();
                assert!(is_ephemeral(&message), "pages open privately");
            }
        }
        assert_eq!(
            joined, topic.body,
            "the pages are the reviewed text, exactly"
        );

        // Buttons are stateless: a page button works with no earlier message, and a page past
        // the end (the answer got shorter) shows the last page.
        let press = FakeComponent::button(&format!("ib1:page:{LONG_ID}:99"), member());
        fake.send_event(&press);
        let callback = fake.wait_for_request(is_callback_for(press.id), T).await;
        let data = callback_data(&callback, 4);
        let footer = the_embed(data)["footer"]["text"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            footer.starts_with(&format!("Page {pages} of {pages}")),
            "{footer}"
        );
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn autocomplete_never_offers_more_than_25_choices() {
    capped(Duration::from_secs(60), async {
        let dir = tempfile::tempdir().unwrap();
        responses(dir.path(), 40);
        let options = BotOptions {
            responses: Some(dir.path().to_path_buf()),
            ..BotOptions::default()
        };
        let (fake, bot) = setup(options).await;
        for typed in ["", "test", "testcondition"] {
            let request = FakeCommand::autocomplete("therapy", member()).focused("type", typed);
            fake.send_event(&request);
            let callback = fake.wait_for_request(is_callback_for(request.id), T).await;
            let data = callback_data(&callback, 8);
            let choices = data["choices"].as_array().unwrap();
            assert_eq!(choices.len(), 25, "typed {typed:?}: {data:#}");
            for choice in choices {
                assert!(choice["name"].as_str().unwrap().chars().count() <= 100);
            }
        }
        let request =
            FakeCommand::autocomplete("therapy", member()).focused("type", "testcondition aab");
        fake.send_event(&request);
        let callback = fake.wait_for_request(is_callback_for(request.id), T).await;
        let data = callback_data(&callback, 8);
        assert_eq!(data["choices"].as_array().unwrap().len(), 1, "{data:#}");
        finish(fake, bot).await;
    })
    .await;
}
