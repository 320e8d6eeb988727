//! Property tests: what must hold for *every* input, not just the ones we thought of.
//!
//! Members type anything, moderators save anything, and anyone can forge a button id. These
//! properties generate such inputs (arbitrary Unicode, Discord markup, huge and broken files,
//! forged ids) and check that the core never panics and keeps its promises: scores stay in
//! 0..=1, answers carry provenance and the disclaimer, known questions route the same however
//! they are capitalised or spaced, every load problem is located as `FILE:LINE: message`.
//!
//! Case counts are kept low so the file runs in seconds in a debug build on a small CI machine;
//! the cargo-fuzz targets in `fuzz/` explore the same ground for hours when wanted.

mod common;

use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use common::responses_dir;
use immunobot::action::{Action, MAX_ID_LEN};
use immunobot::bot;
use immunobot::catalog::{is_valid_topic_id, Catalog, LoadError, Problem, ResponseSource};
use immunobot::discord::CONTENT_LIMITS;
use immunobot::matching::normalize::{normalize, normalize_into, Normalized, MAX_TOKENS};
use immunobot::matching::{Addressing, Assessment, Reason, Verdict, ANSWER_THRESHOLD};
use immunobot::reply::ReplyKind;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// `cases` generated inputs per property, or `PROPTEST_CASES` when set, for a longer run than CI
/// affords: `PROPTEST_CASES=20000 cargo test --release --test properties`.
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        ..Config::default()
    }
}

/// The shipped catalog, loaded once: properties about messages must not pay for a load per case.
fn shipped() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        Catalog::load(&ResponseSource::Dir(responses_dir()), &CONTENT_LIMITS)
            .unwrap_or_else(|err| panic!("the shipped responses must load:\n{err}"))
    })
}

/// The shipped response files as `(relative path, text)`, for loading edited copies in memory.
fn shipped_files() -> &'static [(String, String)] {
    static FILES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = responses_dir();
        let mut files = vec![
            read_relative(&dir, "catalog.toml"),
            read_relative(&dir, "examples.tsv"),
            read_relative(&dir, "safety.toml"),
            read_relative(&dir, "safety-language.toml"),
        ];
        let mut topics: Vec<_> = fs::read_dir(dir.join("topics"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".toml"))
            .collect();
        topics.sort();
        files.extend(
            topics
                .iter()
                .map(|name| read_relative(&dir, &format!("topics/{name}"))),
        );
        files
    })
}

fn read_relative(dir: &Path, relative: &str) -> (String, String) {
    let text = fs::read_to_string(dir.join(relative)).unwrap();
    (relative.to_string(), text)
}

// ---------------------------------------------------------------------------------------------
// Messages

/// Pieces of chat that have broken text handling elsewhere: Discord markup (whole and cut off),
/// URLs, code fences, invisible and direction-changing characters, combining marks (zalgo),
/// compatibility forms that grow under normalisation, emoji sequences, and the catalog's own
/// words so that generated messages also reach the term matching and intent reading.
#[rustfmt::skip]
const FRAGMENTS: &[&str] = &[
    "what", "is", "are", "a", "the", "how", "does", "work", "explain", "tell me about",
    "immunotherapy", "imunotherapy", "immune", "therapy", "car-t", "CAR T", "cart cell",
    "checkpoint", "check point", "inhibitors", "monoclonal", "antibodies", "mAbs", "mab",
    "cancer", "vaccine", "vaccines", "side effects", "cost", "thanks", "i know", "whats", "wat",
    "r", "u", "doesn't", "can't", "it's", "immunotherapy's", "'", "’", "`", "?", "？", "!", "...",
    ".", ";", ",", " ", "  ", "\t", "\n", "\r\n", "-", "--", "_", "*", "**", "~~", "||", "> ",
    "<@123>", "<@!2240000000000000007>", "<@&5>", "<#1>", "<a:x:1>", "<:wave:99>",
    "<t:1700000000:R>", "</ask:1>", "<", ">", "<@", "<a:", "<http://x.example>",
    "https://x.example/a?b=c", "http://", "HTTPS://WWW.", "www.", "www.x.example", "hxxp",
    "```", "```rust\nfn main() {}\n```", "`what is immunotherapy`", "@everyone", "@here",
    "\u{200B}", "\u{200C}", "\u{200D}", "\u{200E}", "\u{200F}", "\u{202E}", "\u{2066}",
    "\u{2069}", "\u{061C}", "\u{FEFF}", "\u{00AD}", "\u{FE0F}", "\u{E0001}", "\u{E007F}",
    "\u{0301}", "\u{0336}", "\u{0489}", "Z\u{0351}\u{0352}\u{0353}\u{0354}\u{0355}\u{0356}",
    "مرحبا", "ما هو العلاج المناعي", "שלום", "免疫療法とは", "免疫疗法是什么？", "ｗｈａｔ ｉｓ",
    "ﬁ", "ß", "İ", "ǅ", "Σ", "ﷺ", "㍿", "ﾟ", "😀", "👨‍👩‍👧", "🇫🇷", "🏳️‍🌈", "\u{0}", "\u{7F}",
    "\u{FFFD}", "\u{10FFFF}", "\u{1D400}",
];

/// Messages of every shape: arbitrary Unicode, sequences of tricky fragments, and long ones
/// (far past the bytes the normaliser reads, and past its token limit).
fn message() -> impl Strategy<Value = String> {
    let fragment = select(FRAGMENTS).prop_map(str::to_string);
    let piece = prop_oneof![3 => fragment, 1 => any::<char>().prop_map(String::from)];
    prop_oneof![
        any::<String>(),
        prop::collection::vec(piece.clone(), 0..40).prop_map(|pieces| pieces.concat()),
        prop::collection::vec(piece, 0..400).prop_map(|pieces| pieces.join(" ")),
        (select(FRAGMENTS), 1..3000usize).prop_map(|(fragment, times)| fragment.repeat(times)),
        ("[a-z ]{0,50}", "\\PC{0,50}", 0..200usize).prop_map(|(head, tail, times)| {
            format!("{head}{}{tail}", "\u{0301}\u{0336}".repeat(times))
        }),
    ]
}

/// The safety router never panics on any message, its answer agrees with the reply the bot
/// builds (a flagged message never gets a topic), and it reads at most
/// `safety::MAX_SCANNED_BYTES` of a message: anything after them changes nothing. With patterns
/// capped at 128 positions each (checked when the language file loads), that bounds its work
/// linearly, whatever a member pastes.
#[test]
fn the_safety_router_takes_any_message_and_reads_a_bounded_prefix() {
    use immunobot::safety::MAX_SCANNED_BYTES;
    let catalog = shipped();
    let router = &catalog.safety().router;
    let mut runner = TestRunner::new(config(256));
    runner
        .run(&(message(), message()), |(text, tail)| {
            let found = router.classify(&text);
            prop_assert_eq!(found, router.assess(&text).map(|f| f.kind));
            if found.is_some() {
                let reply = bot::reply_to_message(catalog, &text, Addressing::Direct);
                prop_assert!(reply.is_some_and(|r| r.topic().is_none() && r.safety_kind() == found));
            }
            let mut long = text.clone();
            while long.len() < MAX_SCANNED_BYTES {
                long.push_str(" filler words ");
            }
            let prefix = long.clone();
            long.push_str(&tail);
            long.push_str(" i want to kill myself");
            prop_assert_eq!(router.classify(&prefix), router.classify(&long));
            Ok(())
        })
        .unwrap();
}

/// What must hold for the assessment of any message.
fn check_assessment(
    catalog: &Catalog,
    assessment: &Assessment,
    addressing: Addressing,
) -> Result<(), TestCaseError> {
    let topics = catalog.topics().len();
    prop_assert!(
        (0.0..=1.0).contains(&assessment.score),
        "score {} out of 0..=1",
        assessment.score
    );
    prop_assert!(assessment.topic.is_none_or(|t| t.get() < topics));
    prop_assert!(assessment.candidates.len() <= 3);
    prop_assert!(assessment.candidates.iter().all(|&t| t.get() < topics));
    if assessment.verdict == Verdict::Answer {
        prop_assert!(assessment.topic.is_some());
        prop_assert!(assessment.score >= ANSWER_THRESHOLD);
    }
    if addressing == Addressing::Passive {
        prop_assert_ne!(assessment.verdict, Verdict::Suggest);
    }
    Ok(())
}

/// What must hold for any reply to a chat message: an answer is the reviewed text verbatim
/// with its provenance and the disclaimer; in a channel the bot only ever answers.
fn check_reply(catalog: &Catalog, text: &str, addressing: Addressing) -> Result<(), TestCaseError> {
    let reply = bot::reply_to_message(catalog, text, addressing);
    if addressing == Addressing::Direct {
        prop_assert!(reply.is_some(), "a direct message always gets a reply");
    }
    let Some(reply) = reply else {
        return Ok(());
    };
    if addressing == Addressing::Passive {
        let answered = matches!(reply.kind, ReplyKind::Answer { .. });
        prop_assert!(answered, "in a channel the bot only answers");
    }
    if let Some(id) = reply.topic() {
        let topic = catalog.find(id).expect("answers name a catalog topic");
        prop_assert_eq!(&reply.body, &topic.body);
        prop_assert_eq!(
            reply.provenance.as_ref(),
            Some(&immunobot::reply::provenance(topic))
        );
        prop_assert_eq!(reply.disclaimer.as_deref(), Some(catalog.disclaimer()));
    }
    for button in &reply.buttons {
        let id = button.action.to_custom_id();
        prop_assert_eq!(Action::parse(&id), Ok(button.action.clone()));
    }
    Ok(())
}

/// The words, stems and sentences of a normalised message (its buffers aside).
fn shape(normalized: &Normalized) -> (Vec<String>, Vec<String>, Vec<u16>, bool) {
    (
        normalized.words().map(str::to_string).collect(),
        normalized.stems().map(str::to_string).collect(),
        normalized.tokens.iter().map(|t| t.sentence).collect(),
        normalized.has_question_mark,
    )
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn matching_any_message_never_panics_and_scores_within_0_and_1(text in message()) {
        let catalog = shipped();
        for addressing in [Addressing::Passive, Addressing::Direct] {
            let assessment = catalog.matcher().assess(&text, addressing);
            check_assessment(catalog, &assessment, addressing)?;
            check_reply(catalog, &text, addressing)?;
        }
    }

    /// The matcher reuses per-thread buffers; nothing of one message may leak into the next.
    #[test]
    fn assessing_a_message_does_not_depend_on_the_message_before(
        first in message(),
        second in message(),
    ) {
        let matcher = shipped().matcher();
        for addressing in [Addressing::Passive, Addressing::Direct] {
            let alone = matcher.assess(&second, addressing);
            matcher.assess(&first, addressing);
            prop_assert_eq!(matcher.assess(&second, addressing), alone);
        }
    }

    #[test]
    fn normalising_is_bounded_and_reuses_buffers_cleanly(first in message(), second in message()) {
        let fresh = normalize(&second);
        prop_assert!(fresh.tokens.len() <= MAX_TOKENS);
        for (word, stem) in fresh.words().zip(fresh.stems()) {
            prop_assert!(!word.is_empty() && !stem.is_empty());
            prop_assert!(!word.contains(char::is_whitespace), "word {:?}", word);
        }
        let mut reused = normalize(&first);
        normalize_into(&second, &mut reused);
        prop_assert_eq!(shape(&reused), shape(&fresh));
    }
}

// ---------------------------------------------------------------------------------------------
// Known questions under harmless changes

/// A known question as a member might type it: other capitals, extra spaces (also non-breaking
/// ones and tabs) between and around the words, and trailing punctuation.
#[derive(Debug, Clone)]
struct Variation {
    question: String,
    topic: String,
    case: Vec<bool>,
    case_mode: u8,
    separators: Vec<&'static str>,
    leading: &'static str,
    trailing: &'static str,
    punctuation: &'static str,
}

impl Variation {
    fn text(&self) -> String {
        let cased: String = match self.case_mode {
            0 => self.question.to_uppercase(),
            1 => self.question.to_lowercase(),
            _ => self
                .question
                .chars()
                .zip(self.case.iter().cycle())
                .map(|(c, &upper)| {
                    if upper {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect(),
        };
        let mut text = self.leading.to_string();
        for (i, word) in cased.split_whitespace().enumerate() {
            if i > 0 {
                text.push_str(self.separators[i % self.separators.len()]);
            }
            text.push_str(word);
        }
        text.push_str(self.punctuation);
        text.push_str(self.trailing);
        text
    }
}

fn known_questions() -> Vec<(String, String)> {
    shipped()
        .topics()
        .iter()
        .flat_map(|topic| {
            topic
                .questions
                .iter()
                .map(|question| (question.clone(), topic.id.clone()))
        })
        .collect()
}

fn variation() -> impl Strategy<Value = Variation> {
    const WHITESPACE: &[&str] = &[" ", "  ", "   ", "\t", " \t ", "\u{A0}", " \u{A0} "];
    const AROUND: &[&str] = &["", " ", "   ", "\t", "\n", " \n ", "\u{A0}"];
    const PUNCTUATION: &[&str] = &["", "?", "!", "...", "??", "?!", "!!!", "?...", " ?"];
    (
        select(known_questions()),
        prop::collection::vec(any::<bool>(), 1..16),
        0..3u8,
        prop::collection::vec(select(WHITESPACE), 1..4),
        select(AROUND),
        select(AROUND),
        select(PUNCTUATION),
    )
        .prop_map(
            |((question, topic), case, case_mode, separators, leading, trailing, punctuation)| {
                Variation {
                    question,
                    topic,
                    case,
                    case_mode,
                    separators,
                    leading,
                    trailing,
                    punctuation,
                }
            },
        )
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn known_questions_route_the_same_whatever_their_case_spacing_and_punctuation(
        variation in variation(),
    ) {
        let catalog = shipped();
        let text = variation.text();
        for addressing in [Addressing::Passive, Addressing::Direct] {
            let route = |message: &str| {
                catalog
                    .matcher()
                    .assess(message, addressing)
                    .answer()
                    .map(|index| catalog.topic(index).id.clone())
            };
            let plain = route(&variation.question);
            prop_assert_eq!(plain.as_deref(), Some(variation.topic.as_str()));
            prop_assert_eq!(route(&text), plain, "{:?}", text);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Response files

/// Each problem must point somewhere a moderator can look: `FILE:LINE: message`, with the line
/// inside the file when the file is the one that was edited, or `FILE: message` for a problem
/// of the whole file (never a made-up line).
fn check_problems(
    problems: &[Problem],
    edited: &str,
    text_lines: usize,
) -> Result<(), TestCaseError> {
    for problem in problems {
        let shown = problem.to_string();
        let rest = shown.strip_prefix(&problem.file);
        prop_assert!(rest.is_some(), "{:?} does not start with its file", shown);
        let rest = rest.unwrap_or_default();
        if problem.line.is_none() {
            let message = rest.strip_prefix(": ").unwrap_or_default();
            prop_assert!(!message.trim().is_empty(), "{:?} has no message", shown);
            continue;
        }
        let rest = rest.strip_prefix(':').unwrap_or_default();
        let (line, message) = rest.split_once(": ").unwrap_or(("", ""));
        let line: usize = line.parse().map_err(|_| {
            TestCaseError::fail(format!("{shown:?} has no line number after the file"))
        })?;
        prop_assert!(line >= 1, "{:?}", shown);
        prop_assert!(!message.trim().is_empty(), "{:?} has no message", shown);
        if problem.file.ends_with(edited) {
            prop_assert!(
                line <= text_lines + 1,
                "{:?} points past the end of a {}-line file",
                shown,
                text_lines
            );
        }
    }
    Ok(())
}

/// What a catalog that loaded must guarantee, and that using it cannot panic.
fn check_loaded(catalog: &Catalog) -> Result<(), TestCaseError> {
    for topic in catalog.topics() {
        prop_assert!(is_valid_topic_id(&topic.id));
        prop_assert!(!topic.body.trim().is_empty());
        prop_assert!(topic.title.chars().count() <= CONTENT_LIMITS.title);
        // A long body is shown in pages: each fits, and together they are the body exactly.
        let pages: Vec<&str> = (1..=topic.page_count()).map(|n| topic.page(n)).collect();
        prop_assert_eq!(pages.concat(), topic.body.clone());
        prop_assert!(pages
            .iter()
            .all(|page| page.chars().count() <= CONTENT_LIMITS.body));
        prop_assert!(topic.follow_ups.iter().all(|id| catalog.find(id).is_some()));
        if let Some(source) = &topic.excerpt_of {
            let source = catalog.find(source);
            prop_assert!(source.is_some());
            let source = &source.unwrap().body;
            for paragraph in topic.body.split("\n\n").map(str::trim) {
                prop_assert!(source.contains(paragraph), "excerpt not verbatim");
            }
        }
        let reply =
            bot::reply_to_button(catalog, &Action::ShowTopic(topic.id.clone()).to_custom_id());
        prop_assert_eq!(reply.topic(), Some(topic.id.as_str()));
        for text in topic.questions.iter().chain(&topic.terms) {
            for addressing in [Addressing::Passive, Addressing::Direct] {
                let assessment = catalog.matcher().assess(text, addressing);
                check_assessment(catalog, &assessment, addressing)?;
            }
        }
    }
    immunobot::catalog::check_examples(catalog);
    Ok(())
}

fn check_load_result(
    result: Result<Catalog, LoadError>,
    edited: &str,
    text: &[u8],
) -> Result<(), TestCaseError> {
    let lines = text.iter().filter(|&&b| b == b'\n').count() + 1;
    match result {
        Ok(catalog) => {
            check_problems(catalog.warnings(), edited, lines)?;
            check_loaded(&catalog)
        }
        Err(err) => {
            prop_assert!(err.errors().count() > 0, "refused without an error");
            check_problems(&err.problems, edited, lines)
        }
    }
}

/// Where a generated file goes: a new topic, in place of a shipped topic, or in place of the
/// catalog settings or the examples.
const TARGETS: [&str; 6] = [
    "topics/generated.toml",
    "topics/car-t.toml",
    "catalog.toml",
    "examples.tsv",
    "safety.toml",
    "safety-language.toml",
];

/// File contents: arbitrary bytes (including invalid UTF-8), arbitrary text, and a shipped file
/// with a few bytes changed, which gets much further into validation than noise does.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    let edited_shipped = (
        select(shipped_files().to_vec()),
        prop::collection::vec((any::<prop::sample::Index>(), 0..3u8, edit_byte()), 1..8),
    )
        .prop_map(|((_, text), edits)| {
            let mut bytes = text.into_bytes();
            for (at, kind, byte) in edits {
                let at = at.index(bytes.len() + 1);
                match kind {
                    0 if at < bytes.len() => bytes[at] = byte,
                    1 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at, byte),
                }
            }
            bytes
        });
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2000),
        any::<String>().prop_map(String::into_bytes),
        edited_shipped,
    ]
}

/// A byte to put into a shipped file: mostly printable ASCII and line breaks, which keep the
/// file readable enough to get past the UTF-8 check and into the TOML parser and validation.
fn edit_byte() -> impl Strategy<Value = u8> {
    prop_oneof![16 => 0x20..0x7fu8, 2 => Just(b'\n'), 1 => any::<u8>()]
}

/// Arbitrary bytes saved as a response file in a copy of the shipped folder: the load is
/// refused or accepted, never a panic, and every problem is located.
#[test]
fn any_bytes_saved_as_a_response_file_load_or_are_refused_with_located_problems() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("topics")).unwrap();
    let source = ResponseSource::Dir(dir.path().to_path_buf());
    let mut runner = TestRunner::new(config(96));
    runner
        .run(&(select(&TARGETS[..]), file_bytes()), |(target, bytes)| {
            // Start every case from the shipped files, so one case's edit never leaks into
            // the next.
            let _ = fs::remove_file(dir.path().join("topics/generated.toml"));
            for (relative, text) in shipped_files() {
                fs::write(dir.path().join(relative), text).unwrap();
            }
            fs::write(dir.path().join(target), &bytes).unwrap();
            check_load_result(Catalog::load(&source, &CONTENT_LIMITS), target, &bytes)
        })
        .unwrap();
}

/// Mostly `valid`, sometimes `odd`: a file with every field broken stops at the first check, so
/// the interesting files are the ones with one or two things wrong.
fn mostly<T: std::fmt::Debug>(
    valid: impl Strategy<Value = T> + 'static,
    odd: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<T> {
    prop_oneof![12 => valid, 1 => odd].boxed()
}

/// Topic ids as a careless or hostile editor writes them.
#[rustfmt::skip]
fn odd_id() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "", " ", "-", "a--b", "-a", "a-", "CAR-T", "car_t", "car t", "../../etc/passwd",
            "topics/car-t", "ïd", "car-t\n", "ib1:topic:car-t", "\u{0}",
        ])
        .prop_map(str::to_string),
        (40..45usize).prop_map(|n| "a".repeat(n)),
        any::<String>(),
    ]
}

/// A valid id: a new one, or one the shipped topics already use (a clash, or a real follow-up).
fn some_id() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}",
        1 => select(TOPIC_IDS.to_vec()).prop_map(str::to_string),
    ]
}

const TOPIC_IDS: [&str; 6] = [
    "immunotherapy",
    "car-t",
    "checkpoint-inhibitors",
    "monoclonal-antibodies",
    "cancer-vaccines",
    "generated",
];

/// Field text: short and odd, blank, or huge (around and far past every limit).
#[rustfmt::skip]
fn odd_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "\\PC{0,40}",
        1 => select(vec!["", " ", "\n\n", "'''", "\"", "\\", "\u{202E}", "what is"])
            .prop_map(str::to_string),
        1 => (select(vec!["x", "é", "😀", "\u{0301}", "ab\n\n"]), 0..7000usize)
            .prop_map(|(piece, n)| piece.repeat(n)),
        1 => any::<String>(),
    ]
}

fn plain_text() -> impl Strategy<Value = String> {
    "[A-Z][A-Za-z0-9 ,.?'()-]{0,60}"
}

/// A body: reviewed paragraphs (so excerpts can be valid), altered ones, or anything.
fn body_text() -> impl Strategy<Value = String> {
    let reviewed = shipped()
        .find("immunotherapy")
        .map(|topic| topic.body.clone())
        .unwrap_or_default();
    let lines: Vec<String> = reviewed.lines().map(str::to_string).collect();
    prop_oneof![
        3 => prop::collection::vec(select(lines.clone()), 1..4).prop_map(|p| p.join("\n\n")),
        1 => (select(lines), "\\PC{1,3}").prop_map(|(line, extra)| format!("{line}{extra}")),
        1 => odd_text(),
    ]
}

/// A term or question: a new one, a shipped one (claimed by another topic), one with no words.
#[rustfmt::skip]
fn phrase() -> impl Strategy<Value = String> {
    let shipped_phrases: Vec<String> = shipped()
        .topics()
        .iter()
        .flat_map(|t| t.terms.iter().chain(&t.questions).cloned())
        .collect();
    prop_oneof![
        4 => "(what is |explain )?[a-z]{5,12}( [a-z]{2,12}){0,2}",
        1 => select(shipped_phrases),
        1 => select(vec!["", "?!", "<@123>", "https://x.example", "a", "what is it"])
            .prop_map(str::to_string),
        1 => odd_text(),
    ]
}

/// A topic file that looks right (TOML, the right keys) with random values: most of them
/// valid, some odd, huge or clashing with the shipped topics, now and then a wrong type or a
/// misspelt key.
fn topic_file() -> impl Strategy<Value = String> {
    let strings =
        |s: Vec<String>| toml::Value::Array(s.into_iter().map(toml::Value::String).collect());
    let reviewer = shipped().topics()[0].reviewer.clone();
    (
        (
            prop::option::weighted(0.95, mostly(some_id(), odd_id())),
            prop::collection::vec(mostly(some_id(), odd_id()), 0..3),
            prop::option::weighted(0.95, mostly(plain_text(), odd_text())),
            prop::option::weighted(0.95, mostly(plain_text(), odd_text())),
            prop::option::weighted(0.95, mostly(Just(reviewer), odd_text())),
            prop::option::of(mostly("20[0-9]{2}-[01][0-9]-[0-3][0-9]", odd_text())),
        ),
        (
            prop::option::of(mostly(Just("immunotherapy".to_string()), odd_id())),
            mostly(
                prop::sample::subsequence(TOPIC_IDS[..5].to_vec(), 0..5)
                    .prop_map(|ids| ids.into_iter().map(str::to_string).collect()),
                prop::collection::vec(mostly(some_id(), odd_id()), 0..30),
            ),
            prop::option::weighted(0.95, body_text()),
            prop::option::weighted(
                0.95,
                (
                    prop::collection::vec(phrase(), 1..4),
                    prop::collection::vec(phrase(), 1..4),
                ),
            ),
            0..40u8,
        ),
    )
        .prop_map(
            move |(
                (id, aliases, title, label, reviewer, reviewed_on),
                (excerpt_of, follow_ups, body, matching, oddity),
            )| {
                let mut table = toml::Table::new();
                let mut put = |key: &str, value: Option<String>| {
                    if let Some(value) = value {
                        table.insert(key.to_string(), toml::Value::String(value));
                    }
                };
                put("id", id);
                put("title", title);
                put("label", label);
                put("reviewer", reviewer);
                put("reviewed_on", reviewed_on);
                put("excerpt_of", excerpt_of);
                put("body", body);
                table.insert("id_aliases".into(), strings(aliases));
                table.insert("follow_ups".into(), strings(follow_ups));
                if let Some((terms, questions)) = matching {
                    let mut matching = toml::Table::new();
                    matching.insert("terms".into(), strings(terms));
                    matching.insert("questions".into(), strings(questions));
                    table.insert("matching".into(), toml::Value::Table(matching));
                }
                match oddity {
                    0 => {
                        table.insert("titel".into(), toml::Value::String("typo".into()));
                    }
                    1 => {
                        table.insert("id".into(), toml::Value::Integer(42));
                    }
                    2 => {
                        table.insert("follow_ups".into(), toml::Value::String("car-t".into()));
                    }
                    _ => {}
                }
                toml::to_string(&table).unwrap_or_default()
            },
        )
}

proptest! {
    #![proptest_config(config(128))]

    /// Valid-looking topic files with random values, loaded next to the shipped ones.
    #[test]
    fn generated_topic_files_load_or_are_refused_with_located_problems(text in topic_file()) {
        let target = TARGETS[0];
        let mut files: Vec<(&str, &str)> = shipped_files()
            .iter()
            .map(|(relative, text)| (relative.as_str(), text.as_str()))
            .collect();
        files.push((target, &text));
        let result = Catalog::load_from_memory(&files, &CONTENT_LIMITS);
        check_load_result(result, target, text.as_bytes())?;
    }
}

/// Found by the `response_file` fuzz target: a carriage return at the start of a line made the
/// TOML parser report an error with no message, which `check` and `/reload` showed as a bare
/// `topics/car-t.toml:1: `.
#[test]
fn a_carriage_return_starting_a_line_is_reported_with_a_message() {
    for text in ["\r", "id = \"car-t\"\r\n\r", "# comment\n\r"] {
        let mut files: Vec<(&str, &str)> = shipped_files()
            .iter()
            .filter(|(relative, _)| relative != "topics/car-t.toml")
            .map(|(relative, text)| (relative.as_str(), text.as_str()))
            .collect();
        files.push(("topics/car-t.toml", text));
        let err = Catalog::load_from_memory(&files, &CONTENT_LIMITS)
            .err()
            .unwrap_or_else(|| panic!("{text:?} must be refused"));
        let problem = err
            .problems
            .iter()
            .find(|problem| problem.file == "topics/car-t.toml")
            .unwrap_or_else(|| panic!("{text:?}: no problem in the file: {err}"));
        assert!(
            problem.message.contains("carriage return"),
            "{text:?}: {problem}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Button ids

fn valid_topic_id() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}",
        "[a-z0-9]{40}",
        "[a-z]([a-z0-9-]{0,38}[a-z0-9])?".prop_filter("a valid id", |id| is_valid_topic_id(id)),
    ]
}

/// Strings near the button id format as well as anything at all.
fn custom_id() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,60}".prop_map(|rest| format!("ib1:topic:{rest}")),
        "[a-z0-9:-]{0,60}".prop_map(|rest| format!("ib1:{rest}")),
        "[a-zA-Z0-9:._/-]{0,120}",
        valid_topic_id().prop_map(|id| format!("ib1:topic:{id}")),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn every_valid_topic_id_round_trips_through_a_button_id(id in valid_topic_id()) {
        prop_assert!(is_valid_topic_id(&id));
        let action = Action::ShowTopic(id);
        let custom_id = action.to_custom_id();
        prop_assert!(custom_id.len() <= MAX_ID_LEN);
        prop_assert_eq!(Action::parse(&custom_id), Ok(action));
    }

    /// Whatever parses is exactly what we would have written: no two spellings of one action,
    /// so a forged id can never reach a topic by a path the bot did not print.
    #[test]
    fn any_button_id_that_parses_is_the_one_we_would_write(custom_id in custom_id()) {
        if let Ok(action) = Action::parse(&custom_id) {
            prop_assert_eq!(action.to_custom_id(), custom_id.clone());
            prop_assert!(custom_id.len() <= MAX_ID_LEN);
        }
        prop_assert_eq!(
            Action::parse(&format!("ib1:topic:{custom_id}")).is_ok(),
            is_valid_topic_id(&custom_id)
        );
        // A pressed button with any id gets a reply, never a panic.
        let reply = bot::reply_to_button(shipped(), &custom_id);
        prop_assert!(reply.topic().is_none_or(|id| shipped().find(id).is_some()));
    }
}

// ---------------------------------------------------------------------------------------------
// The first looks

/// Chat around the catalog's terms and the safety router's words: pieces split, joined,
/// capitalised, contracted, possessive, plural or misspelled, next to markup and emoji.
#[rustfmt::skip]
const NEAR_MISSES: &[&str] = &[
    "immunotherapy", "Immunotherapy", "IMMUNOTHERAPIES", "imunotherapy", "immunothearpy",
    "immuno", "immuno-therapy", "immuno therapy", "immune", "therapy", "therapies",
    "checkpoint", "check point", "checkpoints", "chekpoint", "inhibitor", "inhibitors",
    "checkpointinhibitor", "mono clonal", "anti body", "antibod ies", "check pointinhibitor",
    "vacc ine", "can cer", "monoclonal anti bodies", "car", "CAR-T", "car t", "cart", "carts", "cell", "cells",
    "monoclonal", "monoclonals", "antibody", "antibodies", "mab", "mabs", "mAbs", "ici", "icis",
    "cancer", "canser", "vaccine", "vaxx", "for", "against", "tumour", "tumor's", "doesn't",
    "don't", "can't", "won't", "it's", "what's", "immunotherapy's", "car't", "n't", "'s",
    "\u{2019}", "\u{2018}", "'", "`", "whats", "wat", "pls", "u", "r", "im", "dont", "cant",
    "i", "am", "have", "will", "would", "not", "is", "are", " ", "  ", "\n", ".", "?", ",", "-",
    "(", ")", "\"", "<@1>", "<#2>", "<:x:3>", "https://x.example", "www.x.example",
    "```code```", "😂", "❤️", "👍", "🏳️‍🌈", "\u{200B}", "\u{200D}", "\u{FE0F}", "é", "ｗｈａｔ",
    "İ", "ß", "ʼ", "1", "39.5", "104", "2019", "mg", "kill", "myself", "can't breathe",
    "chest pain", "chest", "pain", "overdose", "od", "suicidal", "die", "want to die", "fever",
    "temperature", "husband's", "mom's", "pills", "all my pills", "should i", "stop", "taking",
    "keytruda", "dose", "help", "right now", "lol", "💀", "haha", "years ago", "seizure",
    "bleeding", "not breathing",
];

/// Messages made mostly of [`NEAR_MISSES`], glued with spaces or without, and any message.
fn near_miss_message() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => select(NEAR_MISSES).prop_map(str::to_string),
        1 => select(FRAGMENTS).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
    ];
    prop_oneof![
        2 => prop::collection::vec(piece.clone(), 0..12).prop_map(|pieces| pieces.join(" ")),
        2 => prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat()),
        1 => message(),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    /// The matcher's first look ends a message only when reading it in full finds no subject,
    /// so the matcher assesses every message exactly as it would without it.
    #[test]
    fn the_matchers_first_look_never_hides_a_subject(text in near_miss_message()) {
        let matcher = shipped().matcher();
        for addressing in [Addressing::Passive, Addressing::Direct] {
            let full = matcher.assess_in_full(&text, addressing);
            if !matcher.may_name_a_subject(&text) {
                prop_assert_eq!(full.reason, Reason::NoTopic, "{:?}", text);
            }
            prop_assert_eq!(matcher.assess(&text, addressing), full, "{:?}", text);
        }
    }

    /// The safety router's first look ends a message only when running every rule on it
    /// finds nothing, so the router flags every message exactly as it would without it.
    #[test]
    fn the_routers_first_look_never_hides_a_signal(text in near_miss_message()) {
        let router = &shipped().safety().router;
        let full = router.assess_in_full(&text);
        if !router.may_signal(&text) {
            prop_assert_eq!(full, None, "{:?}", text);
        }
        prop_assert_eq!(router.assess(&text), full, "{:?}", text);
    }
}

/// A catalog of a few topics whose terms are words of a few letters, so that generated chat
/// keeps running into them: exactly, with typos, split, joined, plural and contracted. Some
/// terms hold words that normalisation writes itself (`not`, `can`, `'s`), which makes the
/// matcher's first look read every word out as normalisation does.
fn few_letter_catalog() -> impl Strategy<Value = Vec<Vec<String>>> {
    let word = prop_oneof![
        6 => "[bdk]{1,10}",
        1 => select(&["not", "can", "will", "is", "'s", "you", "what"][..]).prop_map(str::to_string),
    ];
    let term = prop::collection::vec(word, 1..4).prop_map(|words| words.join(" "));
    prop::collection::vec(prop::collection::vec(term, 1..4), 1..5)
}

/// How a member might write a word of a term: as it is, cut in two, run into the next word,
/// with a typo, a plural or a clitic, in capitals.
#[derive(Debug, Clone)]
enum Writing {
    AsIs,
    Cut(usize),
    RunOn,
    Typo(usize, char),
    Dropped(usize),
    Ending(&'static str),
    Capitals,
}

fn writing() -> impl Strategy<Value = Writing> {
    prop_oneof![
        3 => Just(Writing::AsIs),
        2 => (1..10usize).prop_map(Writing::Cut),
        1 => Just(Writing::RunOn),
        1 => (0..10usize, select(&['b', 'd', 'k', 'x'][..])).prop_map(|(at, c)| Writing::Typo(at, c)),
        1 => (0..10usize).prop_map(Writing::Dropped),
        1 => select(&["s", "ies", "'s", "n't", "'t", "\u{2019}s", "'", "`s"][..]).prop_map(Writing::Ending),
        1 => Just(Writing::Capitals),
    ]
}

/// Chat made of the words of `terms`, each written some way, between separators.
fn chat_about(terms: &[Vec<String>]) -> impl Strategy<Value = String> {
    let words: Vec<String> = terms
        .iter()
        .flatten()
        .flat_map(|term| term.split(' ').map(str::to_string).collect::<Vec<_>>())
        .chain(["what", "is", "not", "can't", "you", "all", "gist"].map(str::to_string))
        .collect();
    let separator = select(
        &[
            " ", " ", " ", "-", ". ", "\u{200B}", " 😂 ", "❤️", "é", " <@1> ", "\u{2019}", "'",
        ][..],
    );
    prop::collection::vec((select(words), writing(), separator), 0..8).prop_map(|pieces| {
        let mut text = String::new();
        for (word, writing, separator) in pieces {
            let mut word: Vec<char> = word.chars().collect();
            match writing {
                Writing::AsIs => {}
                Writing::Cut(at) => word.insert(at.min(word.len()), ' '),
                Writing::RunOn => {
                    text.push_str(&word.iter().collect::<String>());
                    continue;
                }
                Writing::Typo(at, c) => {
                    if let Some(slot) = word.get_mut(at) {
                        *slot = c;
                    }
                }
                Writing::Dropped(at) => {
                    if at < word.len() {
                        word.remove(at);
                    }
                }
                Writing::Ending(ending) => word.extend(ending.chars()),
                Writing::Capitals => word.iter_mut().for_each(|c| *c = c.to_ascii_uppercase()),
            }
            text.extend(word);
            text.push_str(separator);
        }
        text
    })
}

#[test]
fn the_matchers_first_look_never_hides_a_subject_of_any_catalog() {
    let mut runner = TestRunner::new(config(64));
    runner
        .run(
            &few_letter_catalog().prop_flat_map(|topics| {
                let messages = prop::collection::vec(chat_about(&topics), 16);
                (Just(topics), messages)
            }),
            |(topics, messages)| {
                let mut files = vec![(
                    "catalog.toml".to_string(),
                    "disclaimer = \"Test catalog: not medical text.\"\n".to_string(),
                )];
                for (index, terms) in topics.iter().enumerate() {
                    let quoted: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
                    files.push((
                        format!("topics/t{index}.toml"),
                        format!(
                            "id = \"t{index}\"\ntitle = \"T{index}\"\nlabel = \"T{index}\"\n\
                             reviewer = \"test\"\nbody = \"Body {index}.\"\n[matching]\n\
                             terms = [{}]\nquestions = [\"what is {}\"]\n",
                            quoted.join(", "),
                            terms[0]
                        ),
                    ));
                }
                // Initialisms read only in capitals take their own first look.
                files.push((
                    "topics/capitals.toml".to_string(),
                    "id = \"capitals\"\ntitle = \"C\"\nlabel = \"C\"\nreviewer = \"test\"\n\
                     body = \"Body.\"\n[matching]\nterms = [\"ALL\", \"GIST\"]\n\
                     questions = [\"what is acute lymphoblastic leukemia\"]\n"
                        .to_string(),
                ));
                let borrowed: Vec<(&str, &str)> = files
                    .iter()
                    .map(|(path, text)| (path.as_str(), text.as_str()))
                    .collect();
                // Generated terms may clash (the same term twice): such a catalog is refused,
                // which is another property's business.
                let Ok(catalog) = Catalog::load_from_memory(&borrowed, &CONTENT_LIMITS) else {
                    return Ok(());
                };
                let matcher = catalog.matcher();
                for text in &messages {
                    for addressing in [Addressing::Passive, Addressing::Direct] {
                        let full = matcher.assess_in_full(text, addressing);
                        if !matcher.may_name_a_subject(text) {
                            prop_assert_eq!(
                                full.reason,
                                Reason::NoTopic,
                                "{:?} {:?}",
                                topics,
                                text
                            );
                        }
                        prop_assert_eq!(
                            matcher.assess(text, addressing),
                            full,
                            "{:?} {:?}",
                            topics,
                            text
                        );
                    }
                }
                Ok(())
            },
        )
        .unwrap();
}

/// Patterns, and word classes by name.
type PatternsAndClasses = (Vec<String>, std::collections::BTreeMap<String, Vec<String>>);

/// The safety language's patterns, and its word classes by name, as the shipped file has them.
fn safety_patterns() -> &'static PatternsAndClasses {
    static PATTERNS: OnceLock<PatternsAndClasses> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let text = fs::read_to_string(responses_dir().join("safety-language.toml")).unwrap();
        let file: toml::Value = toml::from_str(&text).unwrap();
        let strings = |value: &toml::Value| -> Vec<String> {
            value
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut patterns = Vec::new();
        for table in ["sets"] {
            for list in file[table].as_table().unwrap().values() {
                patterns.extend(strings(list));
            }
        }
        for kind in ["crisis", "advice"] {
            for rule in file[kind].as_array().unwrap() {
                patterns.extend(rule.get("patterns").map(strings).unwrap_or_default());
            }
        }
        let classes = file["words"]
            .as_table()
            .unwrap()
            .iter()
            .map(|(name, list)| (name.clone(), strings(list)))
            .collect();
        (patterns, classes)
    })
}

/// One message a pattern of the safety language describes: an alternative taken in each group,
/// each optional part kept or left out, gaps filled, classes replaced by one of their words
/// (the choices drawn from `seed`).
fn pattern_instance(pattern: &str, seed: u64) -> String {
    struct Draw(u64);
    impl Draw {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) as usize % n.max(1)
        }
    }
    /// Writes the alternatives starting at `at` (up to a `)` or the end); returns where they end.
    fn alternatives(chars: &[char], mut at: usize, draw: &mut Draw, out: &mut String) -> usize {
        let mut options: Vec<String> = Vec::new();
        let mut current = String::new();
        while at < chars.len() {
            match chars[at] {
                ')' => break,
                '|' => options.push(std::mem::take(&mut current)),
                '(' => {
                    let mut inner = String::new();
                    at = alternatives(chars, at + 1, draw, &mut inner);
                    if chars.get(at + 1) == Some(&'?') && draw.below(2) == 0 {
                        inner.clear();
                    }
                    current.push(' ');
                    current.push_str(&inner);
                    current.push(' ');
                }
                '?' => {
                    // After a word: drop the word before it, now and then.
                    if draw.below(2) == 0 {
                        let kept = current
                            .trim_end()
                            .rsplit_once(' ')
                            .map_or("", |(head, _)| head);
                        current = format!("{kept} ");
                    }
                }
                '*' => {
                    let mut width = 0;
                    while let Some(digit) = chars.get(at + 1).and_then(|c| c.to_digit(10)) {
                        width = width * 10 + digit as usize;
                        at += 1;
                    }
                    for _ in 0..draw.below(width.max(3) + 1) {
                        current.push_str(" so ");
                    }
                }
                '@' => {
                    let mut name = String::new();
                    while let Some(&c) = chars
                        .get(at + 1)
                        .filter(|c| c.is_alphanumeric() || **c == '_' || **c == '-')
                    {
                        name.push(c);
                        at += 1;
                    }
                    let words = &safety_patterns().1[&name];
                    current.push(' ');
                    current.push_str(&words[draw.below(words.len())]);
                    current.push(' ');
                }
                '<' => {
                    let end = chars[at..]
                        .iter()
                        .position(|&c| c == '>')
                        .map_or(chars.len(), |e| at + e);
                    let name: String = chars[at + 1..end].iter().collect();
                    current.push_str(match name.as_str() {
                        "temp" => " 39.6 ",
                        "year" => " 2019 ",
                        _ => [" 3 ", " 40 ", " 1999 "][draw.below(3)],
                    });
                    at = end;
                }
                '$' => current.push_str(". "),
                c => current.push(c),
            }
            at += 1;
        }
        options.push(current);
        out.push_str(&options[draw.below(options.len())]);
        at
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    alternatives(&chars, 0, &mut Draw(seed), &mut out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

proptest! {
    #![proptest_config(config(1024))]

    /// Messages that the safety language's own patterns describe, alone or next to chat, are
    /// flagged the same with the router's first look as without it.
    #[test]
    fn the_routers_first_look_never_hides_what_its_patterns_describe(
        pattern in select(safety_patterns().0.clone()),
        seed in any::<u64>(),
        before in near_miss_message(),
        after in select(&["", ".", " lol", " right now", " on keytruda", " years ago", "?"][..]),
    ) {
        let router = &shipped().safety().router;
        let instance = pattern_instance(&pattern, seed);
        for text in [instance.clone(), format!("{before} {instance}{after}"), instance.to_uppercase()] {
            let full = router.assess_in_full(&text);
            if !router.may_signal(&text) {
                prop_assert_eq!(full, None, "{:?}", text);
            }
            prop_assert_eq!(router.assess(&text), full, "{:?}", text);
        }
    }
}
