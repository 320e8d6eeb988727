//! Stage two of loading: raw structs -> a validated [`Catalog`], or every problem found.
//!
//! The checks here are what make the live bot safe to edit: required reviewed fields, unique ids,
//! follow-ups that exist, excerpts that really are verbatim, terms and questions that no two topics
//! share, and sizes a chat platform will accept (the limits come from the adapter).

use std::collections::{HashMap, HashSet};

use super::language::check_language_file;
use super::problem::{line_of, LoadError, Problem};
use super::raw::{self, RawCatalog, RawTopic};
use super::source::{SourceFile, CATALOG_FILE, EXAMPLES_FILE, LANGUAGE_FILE};
use super::{Catalog, Example, Topic, MAX_TOPIC_ID_LEN};
use crate::matching::language::{check_phrase, check_question, check_term};
use crate::matching::normalize::{normalize, normalized_key};
use crate::matching::Language;

/// Size limits that content must respect so every reply can be delivered. The adapter that knows
/// the platform supplies the numbers (`discord::CONTENT_LIMITS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentLimits {
    pub title: usize,
    pub body: usize,
    pub provenance: usize,
    /// Characters the reply's provenance wording adds around the reviewer and date.
    pub provenance_wording: usize,
    /// Characters the "page 2 of 7" wording adds to a page of a long answer.
    pub page_wording: usize,
    pub disclaimer: usize,
    /// Everything one reply shows together: title, body, provenance and disclaimer.
    pub reply_total: usize,
    pub button_label: usize,
    /// Buttons under one reply, including the way back to the topic the excerpt came from.
    pub buttons: usize,
    /// Longest label usable as a slash-command choice.
    pub choice_label: usize,
}

/// Fewest characters a page of a long answer may hold: below this, paging would be unreadable.
const MIN_PAGE: usize = 1_000;

/// Most pages one answer may be shown in (MedQuAD's longest answer, about 29,000 characters,
/// takes 9).
pub const MAX_PAGES: usize = 99;

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
    let mut language_file = None;
    let mut refused = Refused::default();

    let safety = load_safety(&files, limits, &mut problems);
    for file in &files {
        if is_safety_file(&file.relative) {
            continue;
        } else if file.relative == CATALOG_FILE {
            disclaimer = check_catalog_file(file, limits, &mut problems);
        } else if file.relative == LANGUAGE_FILE {
            language_file = Some(file);
        } else if file.relative == EXAMPLES_FILE {
            examples_file = Some(file);
        } else {
            match raw::parse::<RawTopic>(file) {
                Ok(raw) => {
                    let names: Vec<String> = raw
                        .id
                        .iter()
                        .chain(&raw.id_aliases)
                        .map(|name| name.get_ref().clone())
                        .collect();
                    match check_topic(file, raw, limits, &mut problems) {
                        Some(topic) => located_topics.push(topic),
                        None => refused.add(file, names),
                    }
                }
                Err(problem) => {
                    problems.push(problem);
                    refused.add(file, probable_id(file));
                }
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

    let language = check_language_file(language_file, &mut problems);
    if let Some(language) = &language {
        check_kinds(&located_topics, language, &mut problems);
        check_term_words(&located_topics, language, &mut problems);
    }
    check_cross_references(&located_topics, &refused, &mut problems);
    let examples = examples_file
        .map(|file| parse_examples(file, &located_topics, &refused, &mut problems))
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
    let Some(language) = language else {
        return Err(LoadError::new(problems));
    };
    Ok(Catalog::from_parts(
        topics,
        disclaimer.unwrap_or_default(),
        examples,
        problems,
        language,
        safety,
    ))
}

/// The ids that topic files refused for problems of their own would have defined, so that a
/// reference to one is reported as a consequence of that file, not as a problem of its own.
#[derive(Default)]
struct Refused {
    /// id -> the refused file's display path.
    ids: HashMap<String, String>,
}

impl Refused {
    fn add(&mut self, file: &SourceFile, names: impl IntoIterator<Item = String>) {
        for name in names {
            self.ids.entry(name).or_insert_with(|| file.display.clone());
        }
    }

    /// `problem`, marked as a consequence when `id` belongs to a refused file.
    fn about(&self, id: &str, problem: Problem) -> Problem {
        match self.ids.get(id) {
            Some(file) => problem.following_from(file.clone()),
            None => problem,
        }
    }
}

/// What a topic file that could not be parsed most likely defines: the id on an `id = "..."`
/// line if one can still be read, and the file's name (topics are named after their id).
fn probable_id(file: &SourceFile) -> Vec<String> {
    let stem = file
        .relative
        .rsplit('/')
        .next()
        .unwrap_or(&file.relative)
        .trim_end_matches(".toml");
    let written = file.text.lines().find_map(|line| {
        let value = line
            .trim()
            .strip_prefix("id")?
            .trim_start()
            .strip_prefix('=')?;
        let value = value.trim().strip_prefix('"')?;
        value.split_once('"').map(|(id, _)| id.to_string())
    });
    std::iter::once(stem.to_string())
        .chain(written)
        .filter(|id| is_valid_topic_id(id))
        .collect()
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
    kind_line: usize,
    subject_line: usize,
    audience_line: usize,
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
    let optional =
        |value: Option<toml::Spanned<String>>, name: &str, problems: &mut Vec<Problem>| {
            let value = value?;
            let line = line_at(value.span());
            let text = value.into_inner().trim().to_string();
            if text.is_empty() {
                problems.push(Problem::error(
                    &file.display,
                    Some(line),
                    format!("`{name}` is empty: remove it or fill it in"),
                ));
                return None;
            }
            Some(text)
        };
    let source = optional(raw.source, "source", problems);
    let licence = optional(raw.licence, "licence", problems);

    let (kind, kind_line) = match raw.kind {
        Some(value) => (value.get_ref().trim().to_string(), line_at(value.span())),
        None => (String::new(), 0),
    };
    let (audience, audience_line) = match raw.audience {
        Some(value) => (
            Some(value.get_ref().trim().to_string()),
            line_at(value.span()),
        ),
        None => (None, 0),
    };
    let (subject, subject_line) = match raw.subject {
        Some(value) => (
            Some(value.get_ref().trim().to_string()),
            line_at(value.span()),
        ),
        None => (None, 0),
    };

    let (mut terms, mut term_lines, mut questions, mut question_lines) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut other_senses = Vec::new();
    match raw.matching {
        None => problems.push(Problem::error(
            &file.display,
            None,
            if subject.is_some() {
                "missing `[matching]` with `questions`: list how members ask this question"
            } else {
                "missing `[matching]` with `terms` and `questions`: the topic could never be found"
            },
        )),
        Some(matching) => {
            let table_line = line_at(matching.span());
            let matching = matching.into_inner();
            // A topic about another topic's subject is found by that topic's terms.
            if subject.is_some() {
                for (values, name) in [
                    (&matching.terms, "terms"),
                    (&matching.other_senses, "other_senses"),
                ] {
                    if let Some(first) = values.first() {
                        problems.push(Problem::error(
                            &file.display,
                            Some(line_at(first.span())),
                            format!(
                                "`[matching] {name}` belongs in the subject's own topic file: this topic has `subject = ...`"
                            ),
                        ));
                    }
                }
            }
            let needs_terms = subject.is_none();
            for (values, out, lines, name, required) in [
                (
                    matching.terms,
                    &mut terms,
                    &mut term_lines,
                    "terms",
                    needs_terms,
                ),
                (
                    matching.questions,
                    &mut questions,
                    &mut question_lines,
                    "questions",
                    true,
                ),
                (
                    matching.other_senses,
                    &mut other_senses,
                    &mut Vec::new(),
                    "other_senses",
                    false,
                ),
            ] {
                if values.is_empty() && required {
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
                    let checked = match name {
                        "questions" => check_question(&text),
                        "terms" => check_term(&text),
                        _ => check_phrase(&text, false),
                    };
                    if let Err(err) = checked {
                        problems.push(Problem::error(
                            &file.display,
                            Some(line),
                            format!("`{name}`: {err}"),
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
        source,
        licence,
        excerpt_of,
        kind,
        subject,
        follow_ups,
        terms,
        questions,
        other_senses,
        audience,
        file: file.relative.clone(),
        pages: Vec::new(),
    };
    let provenance_len = [&topic.reviewed_on, &topic.source, &topic.licence]
        .into_iter()
        .flatten()
        .map(|part| part.chars().count())
        .sum::<usize>()
        + topic.reviewer.chars().count()
        + limits.provenance_wording;
    if provenance_len > limits.provenance {
        problems.push(Problem::error(
            &file.display,
            Some(reviewer_line),
            format!(
                "the provenance line (reviewer, date, source and licence) comes to {provenance_len} characters; at most {} fit",
                limits.provenance
            ),
        ));
    }
    // A body that does not fit one reply is shown in pages: each page is as long as what the
    // title, provenance, "page N of M" and the longest allowed disclaimer leave of one reply.
    let around = topic.title.chars().count() + provenance_len + limits.disclaimer;
    let single = limits.body.min(limits.reply_total.saturating_sub(around));
    let mut topic = topic;
    if topic.body.chars().count() <= single {
        topic.pages = std::iter::once(0..topic.body.len()).collect();
    } else {
        let page = limits.body.min(
            limits
                .reply_total
                .saturating_sub(around + limits.page_wording),
        );
        if page < MIN_PAGE {
            problems.push(Problem::error(
                &file.display,
                Some(body_line),
                format!(
                    "the title, provenance and the longest allowed disclaimer leave {page} characters for each page of the body; at least {MIN_PAGE} are needed"
                ),
            ));
        } else {
            topic.pages = crate::pages::split(&topic.body, page);
            let joined: usize = topic.pages.iter().map(|range| range.len()).sum();
            if joined != topic.body.len() || topic.pages.len() > MAX_PAGES {
                problems.push(Problem::error(
                    &file.display,
                    Some(body_line),
                    format!(
                        "the body needs {} pages of {page} characters; at most {MAX_PAGES} are shown",
                        topic.pages.len()
                    ),
                ));
            }
            // Previous and Next sit with the follow-ups under every page.
            if topic.follow_ups.len() + 2 > limits.buttons {
                problems.push(Problem::error(
                    &file.display,
                    follow_up_lines.get(limits.buttons - 2).copied(),
                    format!(
                        "a body shown in pages leaves room for {} follow-ups beside Previous and Next",
                        limits.buttons - 2
                    ),
                ));
            }
        }
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
        kind_line,
        subject_line,
        audience_line,
        follow_up_lines,
        term_lines,
        question_lines,
    })
}

fn check_cross_references(topics: &[LocatedTopic], refused: &Refused, problems: &mut Vec<Problem>) {
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
                problems.push(refused.about(
                    follow_up,
                    Problem::error(
                        &located.display,
                        Some(*line),
                        format!("follow-up `{follow_up}` is not a topic"),
                    ),
                ));
            }
        }
        if let Some(source_id) = &topic.excerpt_of {
            check_excerpt(located, source_id, &ids, refused, problems);
        }
        if let Some(subject) = &topic.subject {
            match ids.get(subject.as_str()) {
                None => problems.push(refused.about(
                    subject,
                    Problem::error(
                        &located.display,
                        Some(located.subject_line),
                        format!("`subject = \"{subject}\"` is not a topic"),
                    ),
                )),
                Some(owner) if owner.topic.subject.is_some() => problems.push(Problem::error(
                    &located.display,
                    Some(located.subject_line),
                    format!(
                        "`subject = \"{subject}\"` names a topic that is itself about another subject: name `{}` instead",
                        owner.topic.subject.as_deref().unwrap_or_default()
                    ),
                )),
                Some(_) => {}
            }
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

/// Every topic's kind of question must be one the language file declares; a topic without one
/// answers the plain request's kind. An audience must be declared too, and belongs to the topic
/// that names the subject.
fn check_kinds(topics: &[LocatedTopic], language: &Language, problems: &mut Vec<Problem>) {
    for located in topics {
        if let Some(audience) = &located.topic.audience {
            if located.topic.subject.is_some() {
                problems.push(Problem::error(
                    &located.display,
                    Some(located.audience_line),
                    "`audience` belongs in the subject's own topic file: this topic has `subject = ...`",
                ));
            } else if language.audience(audience).is_none() {
                let known: Vec<&str> = language.audiences().iter().map(|a| a.id.as_str()).collect();
                problems.push(Problem::error(
                    &located.display,
                    Some(located.audience_line),
                    format!(
                        "audience `{audience}` is not declared in {LANGUAGE_FILE} (known: {})",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            }
        }
        let kind = &located.topic.kind;
        if !kind.is_empty() && language.kind(kind).is_none() {
            let known: Vec<&str> = language.kinds().iter().map(|k| k.id.as_str()).collect();
            problems.push(Problem::error(
                &located.display,
                Some(located.kind_line),
                format!(
                    "kind `{kind}` is not declared in {LANGUAGE_FILE} (known: {})",
                    known.join(", ")
                ),
            ));
        }
    }
}

/// A term that reads as nothing but function words ("THES" folds to "the", "WTS" reads "what
/// is") would name its subject in nearly every message; the matcher leaves it out, or reads a
/// one-word term in capitals only where a message writes it so ("ALL"), and says so here so
/// the moderator can spell the name out.
fn check_term_words(topics: &[LocatedTopic], language: &Language, problems: &mut Vec<Problem>) {
    for located in topics {
        for (term, &line) in located.topic.terms.iter().zip(&located.term_lines) {
            let normalized = normalize(term);
            let words: Vec<&str> = normalized.stems().collect();
            if words.is_empty() || !language.never_a_name(&words) {
                continue;
            }
            let consequence = if crate::matching::only_in_capitals(term, language).is_some() {
                "it finds this subject only where a message writes it in capitals"
            } else {
                "it is never used to find this subject"
            };
            problems.push(Problem::warning(
                &located.display,
                Some(line),
                format!(
                    "term \"{term}\" reads as \"{}\", which {LANGUAGE_FILE} uses for asking, not naming: {consequence}",
                    words.join(" ")
                ),
            ));
        }
    }
}

/// An excerpt's paragraphs must each stand verbatim in the reviewed body it claims to come from:
/// this is what keeps a shortened answer from ever saying something a reviewer did not approve.
fn check_excerpt(
    located: &LocatedTopic,
    source_id: &str,
    ids: &HashMap<&str, &LocatedTopic>,
    refused: &Refused,
    problems: &mut Vec<Problem>,
) {
    let Some(source) = ids.get(source_id) else {
        problems.push(refused.about(
            source_id,
            Problem::error(
                &located.display,
                Some(located.excerpt_line),
                format!("`excerpt_of = \"{source_id}\"` is not a topic"),
            ),
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
    let mut seen: HashMap<String, Vec<&LocatedTopic>> = HashMap::new();
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
            let claimants = seen.entry(key).or_default();
            // Two answers of the same kind about the same subject may share a question (two
            // publishers answering "What is X?"): they are equivalent, and the first answers.
            // Subjects about different audiences may share a name: the message's audience
            // tells them apart, and a subject about everyone answers when it names none.
            let conflict = claimants.iter().find(|other| {
                let equivalent_question =
                    kind == "question" && equivalent(&other.topic, &located.topic);
                let other_audience = other.topic.audience != located.topic.audience;
                other.topic.id != located.topic.id && !equivalent_question && !other_audience
            });
            match conflict {
                Some(other) => problems.push(Problem::error(
                    &located.display,
                    Some(*line),
                    format!(
                        "{kind} \"{phrase}\" is also claimed by topic `{}` ({})",
                        other.topic.id, other.display
                    ),
                )),
                None => claimants.push(located),
            }
        }
    }
}

/// Whether two topics answer the same kind of question about the same subject.
pub(crate) fn equivalent(a: &Topic, b: &Topic) -> bool {
    let subject = |t: &Topic| t.subject.clone().unwrap_or_else(|| t.id.clone());
    a.kind == b.kind && subject(a) == subject(b)
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
    refused: &Refused,
    problems: &mut Vec<Problem>,
) -> Vec<Example> {
    let known: HashSet<&str> = topics
        .iter()
        .flat_map(|t| std::iter::once(&t.topic.id).chain(&t.topic.id_aliases))
        .map(String::as_str)
        .collect();
    let (lines, malformed) = crate::labelled::parse(&file.text);
    for bad in malformed {
        problems.push(Problem::error(
            &file.display,
            Some(bad.line),
            "expected `topic<TAB>message` (or `none<TAB>message`)",
        ));
    }
    let mut examples = Vec::new();
    for labelled in lines {
        let expected = if labelled.label == "none" {
            None
        } else if known.contains(labelled.label) {
            Some(labelled.label.to_string())
        } else {
            problems.push(refused.about(
                labelled.label,
                Problem::error(
                    &file.display,
                    Some(labelled.line),
                    format!("`{}` is not a topic (or `none`)", labelled.label),
                ),
            ));
            continue;
        };
        examples.push(Example {
            message: labelled.message.to_string(),
            expected,
            file: file.display.clone(),
            line: labelled.line,
        });
    }
    examples
}
