//! `responses/language.toml` -> a validated [`Language`] for the matcher.
//!
//! Every phrase is checked (it must have words; `{subject}` only in a kind's cues) and every
//! problem is reported with its line. A folder without the file gets the built-in English, with
//! a warning, so a responses folder written before the file existed keeps working.

use crate::matching::language::{check_phrase, List};
use crate::matching::Language;

use super::problem::{line_of, Problem};
use super::raw::{self, RawLanguage};
use super::source::{SourceFile, LANGUAGE_FILE};

/// The shipped English, used when a responses folder has no language file of its own.
pub(crate) const BUILT_IN: &str = include_str!("../../responses/language.toml");

/// Validates the language file, or the built-in one when `file` is `None`.
pub(crate) fn check_language_file(
    file: Option<&SourceFile>,
    problems: &mut Vec<Problem>,
) -> Option<Language> {
    let built_in;
    let file = match file {
        Some(file) => file,
        None => {
            problems.push(Problem::warning(
                LANGUAGE_FILE,
                None,
                "missing: using the built-in English phrasings (copy responses/language.toml here to change them)",
            ));
            built_in = SourceFile {
                display: format!("(built-in) {LANGUAGE_FILE}"),
                relative: LANGUAGE_FILE.to_string(),
                text: BUILT_IN.to_string(),
            };
            &built_in
        }
    };
    let raw: RawLanguage = match raw::parse(file) {
        Ok(raw) => raw,
        Err(problem) => {
            problems.push(problem);
            return None;
        }
    };
    let before = problems.len();
    let line = |span: std::ops::Range<usize>| line_of(&file.text, span.start);
    let mut language = Language::new(raw.request.kind.get_ref().trim());
    if raw.request.kind.get_ref().trim().is_empty() {
        problems.push(Problem::error(
            &file.display,
            Some(line(raw.request.kind.span())),
            "`[request] kind` is empty: name the kind of question a plain request asks, like \"definition\"",
        ));
    }

    let request = &raw.request;
    let context = &raw.context;
    let lists = [
        (List::What, "request.what", &request.what),
        (List::AfterWhat, "request.after_what", &request.after_what),
        (
            List::AfterWhatName,
            "request.after_what_name",
            &request.after_what_name,
        ),
        (List::How, "request.how", &request.how),
        (
            List::HowMechanism,
            "request.how_mechanism",
            &request.how_mechanism,
        ),
        (
            List::HowPersonal,
            "request.how_personal",
            &request.how_personal,
        ),
        (List::Relation, "request.relation", &request.relation),
        (List::Frame, "request.frame", &request.frame),
        (
            List::GenericHeads,
            "request.generic_heads",
            &request.generic_heads,
        ),
        (List::AskPhrases, "request.phrases", &request.phrases),
        (List::AskNouns, "request.nouns", &request.nouns),
        (
            List::QuestionStarts,
            "request.question_starts",
            &request.question_starts,
        ),
        (List::Filler, "context.filler", &context.filler),
        (List::Pronouns, "context.pronouns", &context.pronouns),
        (
            List::Possessives,
            "context.possessives",
            &context.possessives,
        ),
        (List::Neutral, "context.neutral", &context.neutral),
        (List::Report, "report.phrases", &raw.report.phrases),
    ];
    for (list, name, phrases) in lists {
        for phrase in phrases {
            if let Err(err) = language.add(list, phrase.get_ref()) {
                problems.push(Problem::error(
                    &file.display,
                    Some(line(phrase.span())),
                    format!("`{name}`: {err}"),
                ));
            }
        }
    }

    let mut seen_kinds: Vec<String> = Vec::new();
    for kind in &raw.kinds {
        let kind_line = line(kind.span());
        let kind = kind.get_ref();
        let id = kind.id.get_ref().trim();
        if !super::is_valid_topic_id(id) {
            problems.push(Problem::error(
                &file.display,
                Some(line(kind.id.span())),
                format!("kind id `{id}`: use lowercase letters, digits and single dashes"),
            ));
            continue;
        }
        if seen_kinds.iter().any(|seen| seen == id) {
            problems.push(Problem::error(
                &file.display,
                Some(kind_line),
                format!("kind `{id}` is declared twice"),
            ));
            continue;
        }
        seen_kinds.push(id.to_string());
        let kind_id = language.add_kind(id, kind.framing);
        if kind.cues.is_empty() && kind_id != language.definition() {
            problems.push(Problem::error(
                &file.display,
                Some(kind_line),
                format!("kind `{id}` has no `cues`: nothing could ever ask it"),
            ));
        }
        for cue in &kind.cues {
            let added = check_phrase(cue.get_ref(), true)
                .and_then(|()| language.add_cue(kind_id, cue.get_ref()));
            if let Err(err) = added {
                problems.push(Problem::error(
                    &file.display,
                    Some(line(cue.span())),
                    format!("kind `{id}`: {err}"),
                ));
            }
        }
    }
    // Once every kind is declared: a kind may be answered by one declared after it.
    for kind in &raw.kinds {
        let kind = kind.get_ref();
        let Some(kind_id) = language.kind(kind.id.get_ref().trim()) else {
            continue;
        };
        for by in &kind.answered_by {
            let by_id = by.get_ref().trim();
            match language.kind(by_id) {
                Some(by_kind) if by_kind != kind_id => language.add_answered_by(kind_id, by_kind),
                Some(_) => problems.push(Problem::error(
                    &file.display,
                    Some(line(by.span())),
                    format!("kind `{by_id}`: `answered_by` names the kind itself"),
                )),
                None => problems.push(Problem::error(
                    &file.display,
                    Some(line(by.span())),
                    format!("`answered_by`: kind `{by_id}` is not declared"),
                )),
            }
        }
    }
    for entry in &raw.everyday_names {
        let entry_line = line(entry.span());
        let entry = entry.get_ref();
        let mut empty = entry.formal.get_ref().trim().is_empty();
        for word in &entry.everyday {
            empty |= word.get_ref().trim().is_empty();
            if let Err(err) = check_phrase(word.get_ref(), false) {
                problems.push(Problem::error(
                    &file.display,
                    Some(line(word.span())),
                    format!("`everyday_names`: {err}"),
                ));
            }
        }
        if empty || entry.everyday.is_empty() {
            problems.push(Problem::error(
                &file.display,
                Some(entry_line),
                "`everyday_names`: give `formal` and at least one `everyday` word, none empty",
            ));
            continue;
        }
        let everyday: Vec<&str> = entry
            .everyday
            .iter()
            .map(|w| w.get_ref().as_str())
            .collect();
        language.add_everyday_name(entry.formal.get_ref(), &everyday);
    }
    let mut seen_audiences: Vec<String> = Vec::new();
    for audience in &raw.audiences {
        let audience_line = line(audience.span());
        let audience = audience.get_ref();
        let id = audience.id.get_ref().trim();
        if !super::is_valid_topic_id(id) {
            problems.push(Problem::error(
                &file.display,
                Some(line(audience.id.span())),
                format!("audience id `{id}`: use lowercase letters, digits and single dashes"),
            ));
            continue;
        }
        if seen_audiences.iter().any(|seen| seen == id) {
            problems.push(Problem::error(
                &file.display,
                Some(audience_line),
                format!("audience `{id}` is declared twice"),
            ));
            continue;
        }
        let [youngest, oldest] = *audience.ages.get_ref();
        if youngest > oldest {
            problems.push(Problem::error(
                &file.display,
                Some(line(audience.ages.span())),
                format!("audience `{id}`: `ages = [{youngest}, {oldest}]` is empty: write the youngest age first"),
            ));
            continue;
        }
        if let Some(other) = language
            .audiences()
            .iter()
            .find(|other| youngest <= *other.ages.end() && *other.ages.start() <= oldest)
        {
            problems.push(Problem::error(
                &file.display,
                Some(line(audience.ages.span())),
                format!(
                    "audience `{id}`: ages {youngest}-{oldest} overlap audience `{}`'s: an age must say one audience",
                    other.id
                ),
            ));
            continue;
        }
        seen_audiences.push(id.to_string());
        let audience_id = language.add_audience(id, youngest..=oldest);
        for cue in &audience.cues {
            if let Err(err) = language.add_audience_cue(audience_id, cue.get_ref()) {
                problems.push(Problem::error(
                    &file.display,
                    Some(line(cue.span())),
                    format!("audience `{id}`: {err}"),
                ));
            }
        }
    }
    (problems.len() == before).then_some(language)
}
