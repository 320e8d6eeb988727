//! `responses/safety-language.toml` -> a validated [`Router`].
//!
//! Owns the file's shape (common words, chat spellings, word classes, pattern sets, crisis and
//! advice rules), its validation (every problem as `FILE:LINE: message`; any error refuses the
//! file whole) and the router built from it. It never shows anything to anyone.

use crate::lines::line_of;
use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::pattern::{Classes, Pattern};
use super::screen::{Bits, Candidates, Reading, RuleShape, Screen};
use super::text::{self, Mode, Vocabulary, WordId, BREAK, FIRST_WORD, UNKNOWN};
use super::Safety;
use crate::catalog::Problem;

/// Most patterns one file may hold; the router keeps fixed bitsets of them per message.
pub const MAX_PATTERNS: usize = 2_048;
/// Most word classes (`[words]`); a word's classes are one 128-bit mask.
pub const MAX_CLASSES: usize = 128;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    #[serde(default)]
    common: Vec<Spanned<String>>,
    #[serde(default)]
    spellings: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    words: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    sets: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    crisis: Vec<Spanned<RawRule>>,
    #[serde(default)]
    advice: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Spanned<String>,
    #[serde(default)]
    patterns: Vec<Spanned<String>>,
    #[serde(default)]
    when: Vec<Spanned<String>>,
    #[serde(default)]
    with: Vec<Spanned<String>>,
    #[serde(default)]
    unless: Vec<Spanned<String>>,
    #[serde(default)]
    unless_in_sentence: Vec<Spanned<String>>,
}

#[derive(Debug)]
struct Rule {
    kind: Safety,
    name: String,
    /// The rule's own patterns and those of its `when` sets: any one of them.
    patterns: Vec<Range<usize>>,
    /// Sets that must each match somewhere in the message.
    with: Vec<usize>,
    /// Sets none of which may match anywhere in the message.
    unless: Vec<usize>,
    /// Sets that cancel a pattern's match in the sentence where they match too.
    unless_in_sentence: Vec<usize>,
}

/// What the router found, and which rule said so (for `eval`, `ask` and debug logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding<'a> {
    pub kind: Safety,
    pub rule: &'a str,
}

/// The crisis and advice rules, compiled. Built only from a valid language file.
#[derive(Debug)]
pub struct Router {
    vocabulary: Vocabulary,
    /// By word id: the classes the word belongs to.
    class_masks: Vec<u128>,
    patterns: Vec<Pattern>,
    /// The first look at a message: whether any rule may fire on it. Nearly every message
    /// stops there.
    screen: Screen,
    sets: Vec<Range<usize>>,
    /// Crisis rules first: a crisis outranks a request for advice.
    rules: Vec<Rule>,
}

impl Router {
    /// What the message signals, if anything. Cheap when no pattern can match its words (the
    /// common case): one read of the text, one look-up per word, no pattern run.
    pub fn assess(&self, message: &str) -> Option<Finding<'_>> {
        self.assess_with(message, true)
    }

    /// [`Router::assess`] the slow way: no first look, every pattern of every rule run. The
    /// reference that tests hold the fast way to.
    #[doc(hidden)]
    pub fn assess_in_full(&self, message: &str) -> Option<Finding<'_>> {
        self.assess_with(message, false)
    }

    /// Whether a rule may fire on the message, judged from its words alone (see `screen.rs`).
    /// When not, [`Router::assess`] finds nothing; it may say yes needlessly.
    pub fn may_signal(&self, message: &str) -> bool {
        let mut reading = Reading::new();
        self.screen
            .read(&self.vocabulary, &self.class_masks, message, &mut reading);
        let mut heap = Vec::new();
        let words = self.words(message, &reading, &mut heap);
        self.may_fire(&self.screen.candidates(words, &reading))
    }

    /// The word ids of `reading`, read again into `heap` when the message was too long to keep.
    fn words<'a>(
        &self,
        message: &str,
        reading: &'a Reading,
        heap: &'a mut Vec<WordId>,
    ) -> &'a [WordId] {
        match reading.words() {
            Some(words) => words,
            None => {
                text::scan(message, Mode::Read(&self.vocabulary), |id| heap.push(id));
                heap
            }
        }
    }

    /// Whether a rule may fire when only `candidates` can match.
    fn may_fire(&self, candidates: &Candidates) -> bool {
        (0..self.rules.len()).any(|rule| self.screen.armed(rule, candidates))
    }

    /// Runs the rules, crises first. With `screened`, only the candidates of the first look
    /// (`screen.rs`) are run, and rules none of whose patterns are candidates are passed over.
    fn assess_with(&self, message: &str, screened: bool) -> Option<Finding<'_>> {
        let mut reading = Reading::new();
        self.screen
            .read(&self.vocabulary, &self.class_masks, message, &mut reading);
        let mut heap = Vec::new();
        let words = self.words(message, &reading, &mut heap);
        let candidates = self.screen.candidates(words, &reading);
        if screened && !self.may_fire(&candidates) {
            return None;
        }
        let class_of = |id: WordId| self.class_of(id);
        let may_match = |index: usize| !screened || candidates.get(index);
        let mut done = Bits::new();
        let mut hit = Bits::new();
        let mut matches = |index: usize| {
            if !done.get(index) {
                done.set(index);
                if may_match(index) && self.patterns[index].matches(words, class_of) {
                    hit.set(index);
                }
            }
            hit.get(index)
        };
        let any_in = |ranges: &[Range<usize>], sentence: &[WordId]| {
            ranges.iter().any(|range| {
                range.clone().any(|index| {
                    may_match(index) && self.patterns[index].matches(sentence, class_of)
                })
            })
        };
        for (index, rule) in self.rules.iter().enumerate() {
            if screened && !self.screen.armed(index, &candidates) {
                continue;
            }
            let primary = if rule.unless_in_sentence.is_empty() {
                rule.patterns
                    .iter()
                    .any(|range| range.clone().any(&mut matches))
            } else {
                words.split(|&id| id == BREAK).any(|sentence| {
                    any_in(&rule.patterns, sentence)
                        && !rule
                            .unless_in_sentence
                            .iter()
                            .any(|&set| any_in(std::slice::from_ref(&self.sets[set]), sentence))
                })
            };
            let fired = primary
                && rule
                    .with
                    .iter()
                    .all(|&set| self.sets[set].clone().any(&mut matches))
                && !rule
                    .unless
                    .iter()
                    .any(|&set| self.sets[set].clone().any(&mut matches));
            if fired {
                return Some(Finding {
                    kind: rule.kind,
                    rule: &rule.name,
                });
            }
        }
        None
    }

    fn class_of(&self, id: WordId) -> u128 {
        self.class_masks.get(usize::from(id)).copied().unwrap_or(0)
    }

    pub fn classify(&self, message: &str) -> Option<Safety> {
        self.assess(message).map(|finding| finding.kind)
    }

    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }
}

/// Validates the language file `text` (shown as `display` in problems) and builds its router.
pub fn build(display: &str, text: &str) -> Result<Router, Vec<Problem>> {
    let raw: RawLanguage = toml::from_str(text).map_err(|err| {
        let line = err.span().map(|span| line_of(text, span.start));
        let message = match err.message().trim() {
            "" => "is not valid TOML here".to_string(),
            message => message.to_string(),
        };
        vec![Problem::error(display, line, message)]
    })?;
    let mut problems = Vec::new();
    let at = |span: Range<usize>| Some(line_of(text, span.start));
    let mut vocabulary = Vocabulary::default();

    let mut common = Vec::new();
    for word in &raw.common {
        match single_word(word.get_ref(), &mut vocabulary) {
            Some(id) => common.push(id),
            None => problems.push(Problem::error(
                display,
                at(word.span()),
                format!("`common` entry \"{}\" must be one word", word.get_ref()),
            )),
        }
    }

    for (written, meaning) in &raw.spellings {
        let written_ok = !written.is_empty()
            && written.len() <= text::MAX_WORD_BYTES
            && written
                .chars()
                .all(|c| c.is_alphanumeric() || c == '\'' || c == '\u{2019}')
            && written.chars().next().is_some_and(char::is_alphanumeric);
        let mut ids = Vec::new();
        text::scan(meaning.get_ref(), Mode::Learn(&mut vocabulary), |id| {
            ids.push(id)
        });
        if !written_ok {
            problems.push(Problem::error(
                display,
                at(meaning.span()),
                format!("spelling \"{written}\" must be one written word (letters, digits, apostrophes)"),
            ));
        } else if ids.is_empty() || ids.len() > 4 || ids.iter().any(|&id| id < FIRST_WORD) {
            problems.push(Problem::error(
                display,
                at(meaning.span()),
                format!("spelling \"{written}\" must mean one to four plain words"),
            ));
        } else {
            let written = written.to_lowercase().replace('\u{2019}', "'");
            vocabulary.respell(&written, &ids);
        }
    }

    if raw.words.len() > MAX_CLASSES {
        problems.push(Problem::error(
            display,
            None,
            format!(
                "[words] has {} classes; at most {MAX_CLASSES}",
                raw.words.len()
            ),
        ));
        return Err(problems);
    }
    let names: Vec<String> = raw.words.keys().cloned().collect();
    let mut members: Vec<Vec<WordId>> = Vec::new();
    let mut phrases: Vec<Vec<Vec<WordId>>> = Vec::new();
    let mut class_common: Vec<bool> = Vec::new();
    for (name, list) in &raw.words {
        let mut singles = Vec::new();
        let mut multi = Vec::new();
        if list.get_ref().is_empty() {
            problems.push(Problem::error(
                display,
                at(list.span()),
                format!("class `{name}` is empty"),
            ));
        }
        for entry in list.get_ref() {
            let mut ids = Vec::new();
            text::scan(entry.get_ref(), Mode::Learn(&mut vocabulary), |id| {
                ids.push(id)
            });
            if ids.is_empty() || ids.contains(&UNKNOWN) || ids.contains(&text::BREAK) {
                problems.push(Problem::error(
                    display,
                    at(entry.span()),
                    format!(
                        "class `{name}`: \"{}\" is not a plain word or phrase",
                        entry.get_ref()
                    ),
                ));
            } else if ids.len() == 1 {
                singles.push(ids[0]);
            } else {
                multi.push(ids);
            }
        }
        class_common.push(singles.iter().any(|id| common.contains(id)));
        members.push(singles);
        phrases.push(multi);
    }
    let classes = Classes {
        names: &names,
        phrases: &phrases,
        common: &class_common,
    };

    let mut patterns: Vec<Pattern> = Vec::new();
    let mut compile_all = |list: &[Spanned<String>],
                           what: &str,
                           vocabulary: &mut Vocabulary,
                           problems: &mut Vec<Problem>|
     -> Range<usize> {
        let start = patterns.len();
        if list.is_empty() {
            problems.push(Problem::error(
                display,
                None,
                format!("{what} has no patterns"),
            ));
        }
        for source in list {
            match Pattern::compile(source.get_ref(), vocabulary, &classes, &common) {
                Ok(pattern) => patterns.push(pattern),
                Err(why) => problems.push(Problem::error(
                    display,
                    at(source.span()),
                    format!("{what}: pattern \"{}\": {why}", source.get_ref()),
                )),
            }
        }
        start..patterns.len()
    };

    let set_names: Vec<&String> = raw.sets.keys().collect();
    let mut sets = Vec::new();
    for (name, list) in &raw.sets {
        sets.push(compile_all(
            list.get_ref(),
            &format!("set `{name}`"),
            &mut vocabulary,
            &mut problems,
        ));
    }
    let mut rules = Vec::new();
    for (kind, list) in [(Safety::Crisis, &raw.crisis), (Safety::Advice, &raw.advice)] {
        for rule in list {
            let rule = rule.get_ref();
            let name = rule.name.get_ref().trim().to_string();
            if name.is_empty() {
                problems.push(Problem::error(
                    display,
                    at(rule.name.span()),
                    "a rule needs a `name` (it shows in eval and debug logs)",
                ));
            }
            let what = format!("{} rule \"{name}\"", kind.as_str());
            let mut ranges = Vec::new();
            if !rule.patterns.is_empty() || rule.when.is_empty() {
                ranges.push(compile_all(
                    &rule.patterns,
                    &what,
                    &mut vocabulary,
                    &mut problems,
                ));
            }
            let mut resolve = |list: &[Spanned<String>]| -> Vec<usize> {
                list.iter()
                    .filter_map(|set| {
                        let index = set_names.iter().position(|known| *known == set.get_ref());
                        if index.is_none() {
                            problems.push(Problem::error(
                                display,
                                at(set.span()),
                                format!("{what}: `{}` is not a set in [sets]", set.get_ref()),
                            ));
                        }
                        index
                    })
                    .collect()
            };
            ranges.extend(resolve(&rule.when).into_iter().map(|set| sets[set].clone()));
            let with = resolve(&rule.with);
            let unless = resolve(&rule.unless);
            let unless_in_sentence = resolve(&rule.unless_in_sentence);
            rules.push(Rule {
                kind,
                name,
                patterns: ranges,
                with,
                unless,
                unless_in_sentence,
            });
        }
    }
    if patterns.len() > MAX_PATTERNS {
        problems.push(Problem::error(
            display,
            None,
            format!("{} patterns; at most {MAX_PATTERNS}", patterns.len()),
        ));
    }
    if !raw.crisis.iter().any(|_| true) {
        problems.push(Problem::error(
            display,
            None,
            "no [[crisis]] rules: the bot would never recognise a crisis",
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let size = vocabulary.len() + usize::from(FIRST_WORD);
    let mut class_masks = vec![0u128; size];
    for (class, ids) in members.iter().enumerate() {
        for &id in ids {
            class_masks[usize::from(id)] |= 1u128 << class;
        }
    }
    let mut wakers: Vec<Vec<u16>> = vec![Vec::new(); size];
    for (index, pattern) in patterns.iter().enumerate() {
        let index = index as u16;
        for &id in &pattern.anchors {
            wakers[usize::from(id)].push(index);
        }
        for &class in &pattern.anchor_classes {
            for &id in &members[usize::from(class)] {
                wakers[usize::from(id)].push(index);
            }
        }
    }
    for list in &mut wakers {
        list.sort_unstable();
        list.dedup();
    }
    let shapes: Vec<RuleShape<'_>> = rules
        .iter()
        .map(|rule| RuleShape {
            patterns: &rule.patterns,
            requires: &rule.with,
        })
        .collect();
    let screen = Screen::new(&wakers, &patterns, &shapes, &sets);
    Ok(Router {
        vocabulary,
        class_masks,
        patterns,
        screen,
        sets,
        rules,
    })
}

fn single_word(word: &str, vocabulary: &mut Vocabulary) -> Option<WordId> {
    let mut ids = Vec::new();
    text::scan(word, Mode::Learn(vocabulary), |id| ids.push(id));
    match ids.as_slice() {
        [id] if *id >= FIRST_WORD => Some(*id),
        _ => None,
    }
}
