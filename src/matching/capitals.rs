//! Initialisms that spell an everyday word: "ALL" (acute lymphoblastic leukemia), "GIST"
//! (gastrointestinal stromal tumor). Written in lower case they are the word, and the term
//! index leaves them out (a name made of a word of asking would be found in every question).
//! Written in capitals, in a message that is not all capitals, they are the name.
//!
//! It owns only those names and the reading of capitals. It never finds a name written in
//! lower case, and a message written all in capitals (shouting) names none of them.

use super::fnv::FnvMap;
use super::ids::SubjectIndex;
use super::index::TermMatch;
use super::language::Language;
use super::normalize::{normalize, Normalized};

/// Initialisms are this long: shorter is a letter, longer is a shouted word.
const LENGTHS: std::ops::RangeInclusive<usize> = 2..=6;

/// Names that are names only when written in capitals, by their lower-case spelling.
#[derive(Debug, Default)]
pub(crate) struct CapitalNames {
    subjects: FnvMap<String, Vec<SubjectIndex>>,
}

impl CapitalNames {
    /// Keeps `term` of `subject` when the term index cannot: see [`only_in_capitals`].
    pub(crate) fn add(&mut self, subject: SubjectIndex, term: &str, language: &Language) {
        let Some(word) = only_in_capitals(term, language) else {
            return;
        };
        let subjects = self.subjects.entry(word).or_default();
        if !subjects.contains(&subject) {
            subjects.push(subject);
        }
    }

    /// Whether `text` as written may hold one of the names: a cheap look at the raw text for
    /// a word in capitals that is one, before anything is normalised.
    pub(crate) fn may_be_in(&self, text: &str) -> bool {
        if self.subjects.is_empty() {
            return false;
        }
        let mut lower = String::new();
        text.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| is_written_in_capitals(word))
            .any(|word| {
                lower.clear();
                lower.push_str(word.strip_suffix('s').unwrap_or(word));
                lower.make_ascii_lowercase();
                self.subjects.contains_key(&lower)
            })
    }

    /// Where the message names one of them, each subject of a shared initialism apart (the
    /// audience decides between "adult" and "childhood" ALL later).
    pub(crate) fn found_in(&self, normalized: &Normalized) -> Vec<TermMatch> {
        if self.subjects.is_empty() || shouts(normalized) {
            return Vec::new();
        }
        let mut found = Vec::new();
        for (position, token) in normalized.tokens.iter().enumerate() {
            if !token.capitals || token.quoted {
                continue;
            }
            // "GISTs" is GIST; "THE" is not "THES".
            let subjects = self
                .subjects
                .get(normalized.word(token))
                .or_else(|| self.subjects.get(normalized.stem(token)));
            if let Some(subjects) = subjects {
                found.extend(subjects.iter().map(|&subject| TermMatch {
                    subject,
                    start: position,
                    end: position + 1,
                    quality: 1.0,
                }));
            }
        }
        found
    }
}

/// The word a term reads as when it names its subject only where a message writes it in
/// capitals: one word in capitals ("ALL") that the language gives a role of its own ("all"),
/// as the term index would read it. `None` for any other term.
pub fn only_in_capitals(term: &str, language: &Language) -> Option<String> {
    if !is_written_in_capitals(term.trim()) {
        return None;
    }
    let normalized = normalize(term);
    match normalized.tokens.as_slice() {
        [token] if language.never_a_name(&[normalized.stem(token)]) => {
            Some(normalized.word(token).to_string())
        }
        _ => None,
    }
}

/// Capitals (digits allowed), perhaps with a plural `s`: "ALL", "GISTs".
fn is_written_in_capitals(word: &str) -> bool {
    let word = word.strip_suffix('s').unwrap_or(word);
    LENGTHS.contains(&word.len())
        && word
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && word.bytes().filter(u8::is_ascii_uppercase).count() >= 2
}

/// Whether every word of two letters or more is in capitals: then capitals mean nothing.
fn shouts(normalized: &Normalized) -> bool {
    normalized
        .tokens
        .iter()
        .filter(|token| {
            token.as_written
                && normalized
                    .word(token)
                    .bytes()
                    .filter(u8::is_ascii_alphabetic)
                    .count()
                    >= 2
        })
        .all(|token| token.capitals)
}
