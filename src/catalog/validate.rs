//! Stage two of loading: raw structs -> a validated [`Catalog`], or every problem found.
//!
//! The checks here are what make the live bot safe to edit: required reviewed fields, unique ids,
//! follow-ups that exist, excerpts that really are verbatim, terms and questions that no two topics
//! share, and sizes a chat platform will accept (the limits come from the adapter).

use std::collections::{HashMap, HashSet};

use super::problem::{line_of, LoadError, Problem};
use super::raw::{self, RawCatalog, RawTopic};
use super::source::{SourceFile, CATALOG_FILE, EXAMPLES_FILE};
use super::{Catalog, Example, Topic, MAX_TOPIC_ID_LEN};
use crate::matching::normalize::normalized_key;

/// Size limits that content must respect so every reply can be delivered. The adapter that knows
/// the platform supplies the numbers (`discord::CONTENT_LIMITS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentLimits {
    pub title: usize,
    pub body: usize,
    pub provenance: usize,
    pub disclaimer: usize,
    /// Everything one reply shows together: title, body, provenance and disclaimer.
    pub reply_total: usize,
    pub button_label: usize,
    /// Buttons under one reply, including the way back to the topic the excerpt came from.
    pub buttons: usize,
    /// Longest label usable as a slash-command choice.
    pub choice_label: usize,
}

/// Similar questions in two topics above this similarity are reported as a warning.
const SIMILAR_QUESTION: f64 = 0.92;

/// Most terms, and most known questions, one topic may list. Real topics have a handful; the
/// cap keeps a careless or hostile file from making every reload slow.
pub const MAX_PHRASES_PER_TOPIC: usize = 200;

/// Above this many questions in the whole catalog the similarity warning is skipped (it compares
/// pairs), with a warning that says so.
const MAX_COMPARED_QUESTIONS: usize = 5_000;

/// `warnings` are what reading the files already found (files that are there but not read).
pub(crate) fn build(
    files: Vec<SourceFile>,
    warnings: Vec<Problem>,
    limits: &ContentLimits,
) -> Result<Catalog, LoadError> {
    let mut problems = warnings;
    let mut disclaimer = None;
    let mut located_topics = Vec::new();
    let mut examples_file = None;

    let safety = load_safety(&files, limits, &mut problems);
    for file in &files {
        if is_safety_file(&file.relative) {
            continue;
        } else if file.relative == CATALOG_FILE {
            disclaimer = check_catalog_file(file, limits, &mut problems);
        } else if file.relative == EXAMPLES_FILE {
            examples_file = Some(file);
        } else {
            match raw::parse::<RawTopic>(file) {
                Ok(raw) => {
                    if let Some(topic) = check_topic(file, raw, limits, &mut problems) {
                        located_topics.push(topic);
                    }
                }
                Err(problem) => problems.push(problem),
            }
        }
    }
    if !files.iter().any(|file| file.relative == CATALOG_FILE) {
        problems.push(Problem::error(
            CATALOG_FILE,
            None,
            "missing: the catalog needs a catalog.toml with the disclaimer",
        ));
    }
    if located_topics.is_empty() && !problems.iter().any(Problem::is_error) {
        problems.push(Problem::error(
            "topics/",
            None,
            "no topics: add at least one topics/<id>.toml",
        ));
    }

    check_cross_references(&located_topics, &mut problems);
    let examples = examples_file
        .map(|file| parse_examples(file, &located_topics, &mut problems))
        .unwrap_or_default();

    let safety = match safety {
        Some(safety) if !problems.iter().any(Problem::is_error) => safety,
        _ => return Err(LoadError::new(problems)),
    };
    let topics = reading_order(
        located_topics
            .into_iter()
            .map(|located| located.topic)
            .collect(),
    );
    Ok(Catalog::from_parts(
        topics,
        disclaimer.unwrap_or_default(),
        examples,
        problems,
        safety,
    ))
}

fn is_safety_file(relative: &str) -> bool {
    relative == crate::safety::NOTICES_FILE || relative == crate::safety::LANGUAGE_FILE
}

/// The safety notices and language, validated with the rest of the catalog. A folder without
/// them gets the built-in copies, with a warning, so that no catalog ever lacks a crisis notice.
fn load_safety(
    files: &[SourceFile],
    limits: &ContentLimits,
    problems: &mut Vec<Problem>,
) -> Option<crate::safety::SafetyData> {
    let mut find = |name: &'static str| -> (String, &str) {
        match files.iter().find(|file| file.relative == name) {
            Some(file) => (file.display.clone(), file.text.as_str()),
            None => {
                problems.push(Problem::warning(
                    name,
                    None,
                    "missing: using the built-in copy (copy it from the shipped responses to edit it)",
                ));
                (
                    format!("(built-in) {name}"),
                    super::embedded::text_of(name).unwrap_or_default(),
                )
            }
        }
    };
    let notices = find(crate::safety::NOTICES_FILE);
    let language = find(crate::safety::LANGUAGE_FILE);
    crate::safety::load(
        (&notices.0, notices.1),
        (&language.0, language.1),
        limits,
        problems,
    )
}

/// Orders topics the way a member reads them: each topic that is not an excerpt, followed by
/// its follow-ups in the order it lists them, then anything left in file order. Menus and
/// command choices use this order ("What is immunotherapy?" before the therapies).
fn reading_order(topics: Vec<Topic>) -> Vec<Topic> {
    let position: HashMap<&str, usize> = topics
        .iter()
        .enumerate()
        .map(|(index, topic)| (topic.id.as_str(), index))
        .collect();
    let mut placed = vec![false; topics.len()];
    let mut order: Vec<usize> = Vec::with_capacity(topics.len());
    let mut place = |index: usize, order: &mut Vec<usize>| {
        if !std::mem::replace(&mut placed[index], true) {
            order.push(index);
        }
    };
    for (index, topic) in topics.iter().enumerate() {
        if topic.excerpt_of.is_some() {
            continue;
        }
        place(index, &mut order);
        for follow_up in topic
            .follow_ups
            .iter()
            .filter_map(|id| position.get(id.as_str()))
        {
            place(*follow_up, &mut order);
        }
    }
    for index in 0..topics.len() {
        place(index, &mut order);
    }
    let mut slots: Vec<Option<Topic>> = topics.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|index| slots[index].take())
        .collect()
}

/// A topic plus where its parts stood, for cross-file problems.
struct LocatedTopic {
    topic: Topic,
    display: String,
    id_line: usize,
    alias_lines: Vec<usize>,
    excerpt_line: usize,
    follow_up_lines: Vec<usize>,
    term_lines: Vec<usize>,
    question_lines: Vec<usize>,
}

fn check_catalog_file(
    file: &SourceFile,
    limits: &ContentLimits,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let raw: RawCatalog = match raw::parse(file) {
        Ok(raw) => raw,
        Err(problem) => {
            problems.push(problem);
            return None;
        }
    };
    let Some(disclaimer) = raw.disclaimer else {
        problems.push(Problem::error(
            &file.display,
            None,
            "missing `disclaimer`: every answer must carry it",
        ));
        return None;
    };
    let line = line_of(&file.text, disclaimer.span().start);
    let text = disclaimer.into_inner();
    if text.trim().is_empty() {
        problems.push(Problem::error(
            &file.display,
            Some(line),
            "`disclaimer` is empty",
        ));
        return None;
    }
    if text.chars().count() > limits.disclaimer {
        problems.push(Problem::error(
            &file.display,
            Some(line),
            format!(
                "`disclaimer` has {} characters; at most {} fit",
                text.chars().count(),
                limits.disclaimer
            ),
        ));
    }
    Some(text)
}

/// Reads a required text field, reporting its absence or emptiness.
fn required(
    file: &SourceFile,
    field: Option<toml::Spanned<String>>,
    name: &str,
    problems: &mut Vec<Problem>,
) -> Option<(String, usize)> {
    match field {
        None => {
            problems.push(Problem::error(
                &file.display,
                None,
                format!("missing required field `{name}`"),
            ));
            None
        }
        Some(value) => {
            let line = line_of(&file.text, value.span().start);
            let text = value.into_inner();
            if text.trim().is_empty() {
                problems.push(Problem::error(
                    &file.display,
                    Some(line),
                    format!("`{name}` is empty"),
                ));
                None
            } else {
                Some((text, line))
            }
        }
    }
}

fn check_length(
    file: &SourceFile,
    line: usize,
    name: &str,
    text: &str,
    max: usize,
    problems: &mut Vec<Problem>,
) {
    let count = text.chars().count();
    if count > max {
        problems.push(Problem::error(
            &file.display,
            Some(line),
            format!("`{name}` has {count} characters; at most {max} can be shown"),
        ));
    }
}

/// A topic id is lowercase ASCII letters, digits and single inner dashes.
pub fn is_valid_topic_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_TOPIC_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

fn check_id(file: &SourceFile, id: &str, line: usize, problems: &mut Vec<Problem>) {
    if !is_valid_topic_id(id) {
        problems.push(Problem::error(
            &file.display,
            Some(line),
            format!(
                "`{id}` is not a valid topic id: use lowercase letters, digits and dashes, at most {MAX_TOPIC_ID_LEN} characters"
            ),
        ));
    }
}

fn check_topic(
    file: &SourceFile,
    raw: RawTopic,
    limits: &ContentLimits,
    problems: &mut Vec<Problem>,
) -> Option<LocatedTopic> {
    let before = problems.len();
    let line_at = |span: std::ops::Range<usize>| line_of(&file.text, span.start);

    let id = required(file, raw.id, "id", problems);
    let title = required(file, raw.title, "title", problems);
    let label = required(file, raw.label, "label", problems);
    let reviewer = required(file, raw.reviewer, "reviewer", problems);
    let body = required(file, raw.body, "body", problems);

    if let Some((id, line)) = &id {
        check_id(file, id, *line, problems);
    }
    if let Some((title, line)) = &title {
        check_length(file, *line, "title", title, limits.title, problems);
    }
    if let Some((label, line)) = &label {
        check_length(file, *line, "label", label, limits.button_label, problems);
        check_length(file, *line, "label", label, limits.choice_label, problems);
    }
    if let Some((body, line)) = &body {
        check_length(file, *line, "body", body, limits.body, problems);
    }

    let mut alias_lines = Vec::new();
    let mut id_aliases = Vec::new();
    for alias in raw.id_aliases {
        let line = line_at(alias.span());
        let alias = alias.into_inner();
        check_id(file, &alias, line, problems);
        alias_lines.push(line);
        id_aliases.push(alias);
    }

    let mut follow_up_lines = Vec::new();
    let mut follow_ups = Vec::new();
    for follow_up in raw.follow_ups {
        let line = line_at(follow_up.span());
        let follow_up = follow_up.into_inner();
        if follow_ups.contains(&follow_up) {
            problems.push(Problem::error(
                &file.display,
                Some(line),
                format!("follow-up `{follow_up}` is listed twice"),
            ));
        }
        follow_up_lines.push(line);
        follow_ups.push(follow_up);
    }
    if follow_ups.len() > limits.buttons {
        problems.push(Problem::error(
            &file.display,
            follow_up_lines.get(limits.buttons).copied(),
            format!(
                "{} follow-ups; at most {} buttons fit under one reply",
                follow_ups.len(),
                limits.buttons
            ),
        ));
    }

    let (excerpt_of, excerpt_line) = match raw.excerpt_of {
        Some(value) => (Some(value.get_ref().clone()), line_at(value.span())),
        None => (None, 0),
    };
    let reviewed_on = raw.reviewed_on.map(|value| value.into_inner());

    let (mut terms, mut term_lines, mut questions, mut question_lines) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    match raw.matching {
        None => problems.push(Problem::error(
            &file.display,
            None,
            "missing `[matching]` with `terms` and `questions`: the topic could never be found",
        )),
        Some(matching) => {
            let table_line = line_at(matching.span());
            let matching = matching.into_inner();
            for (values, out, lines, name) in [
                (matching.terms, &mut terms, &mut term_lines, "terms"),
                (
                    matching.questions,
                    &mut questions,
                    &mut question_lines,
                    "questions",
                ),
            ] {
                if values.is_empty() {
                    problems.push(Problem::error(
                        &file.display,
                        Some(table_line),
                        format!("`[matching] {name}` is empty: list at least one"),
                    ));
                }
                if values.len() > MAX_PHRASES_PER_TOPIC {
                    problems.push(Problem::error(
                        &file.display,
                        Some(table_line),
                        format!(
                            "`[matching] {name}` has {} entries; at most {MAX_PHRASES_PER_TOPIC} per topic",
                            values.len()
                        ),
                    ));
                    continue;
                }
                for value in values {
                    let line = line_at(value.span());
                    let text = value.into_inner();
                    if normalized_key(&text).is_empty() {
                        problems.push(Problem::error(
                            &file.display,
                            Some(line),
                            format!("`{text}` in `{name}` has no words to match"),
                        ));
                    }
                    out.push(text);
                    lines.push(line);
                }
            }
        }
    }

    if problems.len() > before {
        return None;
    }
    let (id, id_line) = id?;
    let (title, _) = title?;
    let (label, _) = label?;
    let (reviewer, reviewer_line) = reviewer?;
    let (body, body_line) = body?;
    let topic = Topic {
        id,
        id_aliases,
        title,
        label,
        body,
        reviewer,
        reviewed_on,
        excerpt_of,
        follow_ups,
        terms,
        questions,
        file: file.relative.clone(),
    };
    check_length(
        file,
        reviewer_line,
        "reviewer",
        &topic.provenance(),
        limits.provenance,
        problems,
    );
    let total = topic.title.chars().count()
        + topic.body.chars().count()
        + topic.provenance().chars().count()
        + limits.disclaimer;
    if total > limits.reply_total {
        problems.push(Problem::error(
            &file.display,
            Some(body_line),
            format!(
                "title, body, provenance and the longest allowed disclaimer come to {total} characters; one reply holds at most {}",
                limits.reply_total
            ),
        ));
    }
    if problems.len() > before {
        return None;
    }
    Some(LocatedTopic {
        topic,
        display: file.display.clone(),
        id_line,
        alias_lines,
        excerpt_line,
        follow_up_lines,
        term_lines,
        question_lines,
    })
}

fn check_cross_references(topics: &[LocatedTopic], problems: &mut Vec<Problem>) {
    // Ids and id aliases share one namespace.
    let mut ids: HashMap<&str, &LocatedTopic> = HashMap::new();
    for located in topics {
        let names = std::iter::once((&located.topic.id, located.id_line)).chain(
            located
                .topic
                .id_aliases
                .iter()
                .zip(located.alias_lines.iter().copied()),
        );
        for (name, line) in names {
            if let Some(first) = ids.insert(name, located) {
                problems.push(Problem::error(
                    &located.display,
                    Some(line),
                    format!("topic id `{name}` is already used by {}", first.display),
                ));
            }
        }
    }

    for located in topics {
        let topic = &located.topic;
        for (follow_up, line) in topic.follow_ups.iter().zip(&located.follow_up_lines) {
            if follow_up == &topic.id {
                problems.push(Problem::error(
                    &located.display,
                    Some(*line),
                    "a topic cannot be its own follow-up",
                ));
            } else if !ids.contains_key(follow_up.as_str()) {
                problems.push(Problem::error(
                    &located.display,
                    Some(*line),
                    format!("follow-up `{follow_up}` is not a topic"),
                ));
            }
        }
        if let Some(source_id) = &topic.excerpt_of {
            check_excerpt(located, source_id, &ids, problems);
        }
    }

    check_shared_phrases(
        topics,
        problems,
        |t| &t.topic.terms,
        |t| &t.term_lines,
        "term",
    );
    check_shared_phrases(
        topics,
        problems,
        |t| &t.topic.questions,
        |t| &t.question_lines,
        "question",
    );
    check_similar_questions(topics, problems);
}

/// An excerpt's paragraphs must each stand verbatim in the reviewed body it claims to come from:
/// this is what keeps a shortened answer from ever saying something a reviewer did not approve.
fn check_excerpt(
    located: &LocatedTopic,
    source_id: &str,
    ids: &HashMap<&str, &LocatedTopic>,
    problems: &mut Vec<Problem>,
) {
    let Some(source) = ids.get(source_id) else {
        problems.push(Problem::error(
            &located.display,
            Some(located.excerpt_line),
            format!("`excerpt_of = \"{source_id}\"` is not a topic"),
        ));
        return;
    };
    if source.topic.reviewer != located.topic.reviewer {
        problems.push(Problem::error(
            &located.display,
            Some(located.excerpt_line),
            format!(
                "an excerpt keeps its source's reviewer: `{}` was reviewed by {}",
                source_id, source.topic.reviewer
            ),
        ));
    }
    for paragraph in located.topic.body.split("\n\n") {
        let paragraph = paragraph.trim();
        if !paragraph.is_empty() && !source.topic.body.contains(paragraph) {
            let shown: String = paragraph.chars().take(60).collect();
            problems.push(Problem::error(
                &located.display,
                Some(located.excerpt_line),
                format!("body paragraph \"{shown}…\" does not stand verbatim in `{source_id}`"),
            ));
        }
    }
}

/// The same term or question (after normalisation) in two topics makes routing ambiguous.
fn check_shared_phrases(
    topics: &[LocatedTopic],
    problems: &mut Vec<Problem>,
    phrases: impl Fn(&LocatedTopic) -> &Vec<String>,
    lines: impl Fn(&LocatedTopic) -> &Vec<usize>,
    kind: &str,
) {
    let mut seen: HashMap<String, &LocatedTopic> = HashMap::new();
    for located in topics {
        let mut own = HashSet::new();
        for (phrase, line) in phrases(located).iter().zip(lines(located)) {
            let key = normalized_key(phrase);
            if !own.insert(key.clone()) {
                problems.push(Problem::warning(
                    &located.display,
                    Some(*line),
                    format!("{kind} \"{phrase}\" is listed twice"),
                ));
                continue;
            }
            match seen.get(&key) {
                Some(other) if other.topic.id != located.topic.id => {
                    problems.push(Problem::error(
                        &located.display,
                        Some(*line),
                        format!(
                            "{kind} \"{phrase}\" is also claimed by topic `{}` ({})",
                            other.topic.id, other.display
                        ),
                    ));
                }
                _ => {
                    seen.insert(key, located);
                }
            }
        }
    }
}

fn check_similar_questions(topics: &[LocatedTopic], problems: &mut Vec<Problem>) {
    let mut keyed: Vec<(usize, usize, String, usize)> = topics
        .iter()
        .enumerate()
        .flat_map(|(topic_index, located)| {
            located
                .topic
                .questions
                .iter()
                .enumerate()
                .map(move |(question_index, question)| {
                    let key = normalized_key(question);
                    let len = key.chars().count();
                    (topic_index, question_index, key, len)
                })
        })
        .collect();
    if keyed.len() > MAX_COMPARED_QUESTIONS {
        problems.push(Problem::warning(
            "topics/",
            None,
            format!(
                "{} known questions: too many to compare for near-duplicates (at most {MAX_COMPARED_QUESTIONS})",
                keyed.len()
            ),
        ));
        return;
    }
    // Similarity 1 - d / longer >= SIMILAR_QUESTION needs lengths within that ratio, so after
    // sorting by length each question is compared only with its near neighbours.
    keyed.sort_by_key(|(_, _, _, len)| *len);
    for (i, (topic_a, question_a, key_a, len_a)) in keyed.iter().enumerate() {
        let longest = (*len_a as f64 / SIMILAR_QUESTION).floor() as usize;
        for (topic_b, _, key_b, _) in keyed[i + 1..]
            .iter()
            .take_while(|(_, _, _, len_b)| *len_b <= longest)
        {
            if topic_a == topic_b || key_a == key_b {
                continue;
            }
            let similarity = strsim::normalized_damerau_levenshtein(key_a, key_b);
            if similarity >= SIMILAR_QUESTION {
                let located = &topics[*topic_a];
                problems.push(Problem::warning(
                    &located.display,
                    Some(located.question_lines[*question_a]),
                    format!(
                        "question \"{}\" is very similar to one of topic `{}`",
                        located.topic.questions[*question_a], topics[*topic_b].topic.id
                    ),
                ));
            }
        }
    }
}

/// `examples.tsv`: `expected<TAB>message` per line, `none` for silence, `#` for comments.
fn parse_examples(
    file: &SourceFile,
    topics: &[LocatedTopic],
    problems: &mut Vec<Problem>,
) -> Vec<Example> {
    let known: HashSet<&str> = topics
        .iter()
        .flat_map(|t| std::iter::once(&t.topic.id).chain(&t.topic.id_aliases))
        .map(String::as_str)
        .collect();
    let mut examples = Vec::new();
    for (index, line) in file.text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((expected, message)) = line.split_once('\t') else {
            problems.push(Problem::error(
                &file.display,
                Some(number),
                "expected `topic<TAB>message` (or `none<TAB>message`)",
            ));
            continue;
        };
        let expected = expected.trim();
        let expected = if expected == "none" {
            None
        } else if known.contains(expected) {
            Some(expected.to_string())
        } else {
            problems.push(Problem::error(
                &file.display,
                Some(number),
                format!("`{expected}` is not a topic (or `none`)"),
            ));
            continue;
        };
        examples.push(Example {
            message: message.to_string(),
            expected,
            file: file.display.clone(),
            line: number,
        });
    }
    examples
}
