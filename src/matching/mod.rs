//! Matching: does this message ask for one of the reviewed answers, and which one?
//!
//! The pipeline, each step cheap enough to run on every message of a busy server:
//!
//! 1. [`normalize()`](normalize::normalize) the text into word tokens (Unicode, Discord markup, chat spellings, plurals).
//! 2. Find the catalog's *terms* (topic names and their spellings, from the response files) in the
//!    tokens, tolerating typos in long words and words split or joined by a hyphen. A message
//!    that names no topic is done here, which is the fate of almost every message.
//! 3. Resolve overlaps: a therapy named inside a question about immunotherapy wins over its
//!    parent topic; two unrelated topics in one message are ambiguous.
//! 4. Read the words around the term with a small [`lexicon`]: is this a request for what the
//!    topic *is* (answer), a question about an aspect the reviewed text does not cover such as
//!    side effects or cost (no answer), a statement that only mentions the topic (silence)?
//! 5. Score = how well the term matched x how clearly the message asks for it. The caller
//!    answers at [`ANSWER_THRESHOLD`] and may offer suggestions from [`SUGGEST_THRESHOLD`].
//!
//! Matching cannot fail and never allocates more than a bounded amount per message.

#[rustfmt::skip]
pub mod lexicon;
pub mod normalize;

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::catalog::Topic;
use lexicon::contains;
use normalize::{normalize, normalize_into, Normalized};

/// A score at or above this answers.
pub const ANSWER_THRESHOLD: f32 = 0.75;
/// A score at or above this (and below [`ANSWER_THRESHOLD`]) may offer "Did you mean" buttons
/// when the member addressed the bot directly.
pub const SUGGEST_THRESHOLD: f32 = 0.45;

/// Known-question similarity at which a message counts as asking that question.
const KNOWN_QUESTION_SIMILARITY: f64 = 0.85;

/// How a message reached the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressing {
    /// A message in a channel, not addressed to the bot: answer only when sure.
    Passive,
    /// A mention, a DM, `/ask` or the console: the member is talking to the bot.
    Direct,
}

/// What the matcher concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Answer with the topic.
    Answer,
    /// Close, but not sure: offer the candidates (only when addressed directly).
    Suggest,
    /// A topic was named, but the message asks something the reviewed text does not cover.
    NotCovered,
    /// Nothing to answer.
    Nothing,
}

/// Why the matcher decided as it did; shown by `immunobot eval` and `match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    NoTopic,
    Ambiguous,
    Aspect,
    Statement,
    NoRequest,
    WeakTerm,
    Request,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NoTopic => "no-topic",
            Reason::Ambiguous => "ambiguous",
            Reason::Aspect => "aspect-not-covered",
            Reason::Statement => "statement",
            Reason::NoRequest => "no-request",
            Reason::WeakTerm => "weak-term",
            Reason::Request => "request",
        }
    }
}

/// The matcher's view of one message.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub verdict: Verdict,
    /// 0..1: how sure the matcher is that the message asks for `topic`.
    pub score: f32,
    /// The best topic (catalog index), also when not answered.
    pub topic: Option<usize>,
    /// Topics worth suggesting, best first (at most three).
    pub candidates: Vec<usize>,
    pub reason: Reason,
}

impl Assessment {
    fn nothing() -> Assessment {
        Assessment {
            verdict: Verdict::Nothing,
            score: 0.0,
            topic: None,
            candidates: Vec::new(),
            reason: Reason::NoTopic,
        }
    }

    /// The topic to answer with, if the verdict is to answer.
    pub fn answer(&self) -> Option<usize> {
        match self.verdict {
            Verdict::Answer => self.topic,
            _ => None,
        }
    }
}

/// One distinct word of the catalog's terms.
#[derive(Debug)]
struct VocabWord {
    text: String,
    len: usize,
    first: char,
    letters: u32,
    max_edits: usize,
}

/// One spelling of one term, as vocabulary ids.
#[derive(Debug)]
struct Term {
    topic: usize,
    words: Vec<u32>,
}

#[derive(Debug)]
struct TopicEntry {
    ancestors: Vec<usize>,
    question_keys: Vec<String>,
}

/// FNV-1a: the vocabulary's keys are short words hashed once per message word, where std's
/// DoS-resistant SipHash costs more than the lookup itself. The keys come from the catalog, not
/// from members, so there is nothing to flood.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// The index built from a catalog's terms and questions. Immutable; rebuilt with the catalog.
#[derive(Debug)]
pub struct Matcher {
    vocab: Vec<VocabWord>,
    exact: FnvMap<String, u32>,
    /// Vocabulary ids that accept typos, by first character.
    fuzzy_by_first: FnvMap<char, Vec<u32>>,
    terms: Vec<Term>,
    terms_by_first_word: FnvMap<u32, Vec<u32>>,
    topics: Vec<TopicEntry>,
}

/// Where a vocabulary word was found in a message: at `position`, spanning `width` words
/// (2 when two written words form it together).
#[derive(Debug, Clone, Copy)]
struct Hit {
    position: usize,
    width: usize,
    vocab: u32,
    quality: f32,
}

/// Buffers reused from message to message on each thread, so the common case allocates nothing.
#[derive(Default)]
struct Scratch {
    normalized: Normalized,
    pair: String,
    hits: Vec<Hit>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Words shorter than this must be spelled exactly: too many short words are one edit apart.
const MIN_FUZZY_LEN: usize = 5;
/// Words at least this long accept two edits.
const TWO_EDIT_LEN: usize = 8;

fn letter_mask(word: &str) -> u32 {
    word.chars().fold(0, |mask, c| {
        mask | match c {
            'a'..='z' => 1 << (c as u32 - 'a' as u32),
            '0'..='9' => 1 << 26,
            _ => 1 << 27,
        }
    })
}

/// Typos tolerated in a word of `len` characters.
fn edit_budget(len: usize) -> usize {
    match len {
        0..MIN_FUZZY_LEN => 0,
        MIN_FUZZY_LEN..TWO_EDIT_LEN => 1,
        _ => 2,
    }
}

impl Matcher {
    /// Builds the index. `resolve` maps a topic id to its catalog index.
    pub fn build(topics: &[Topic], resolve: impl Fn(&str) -> Option<usize>) -> Matcher {
        let mut matcher = Matcher {
            vocab: Vec::new(),
            exact: FnvMap::default(),
            fuzzy_by_first: FnvMap::default(),
            terms: Vec::new(),
            terms_by_first_word: FnvMap::default(),
            topics: Vec::new(),
        };
        for (index, topic) in topics.iter().enumerate() {
            for term in &topic.terms {
                let stems: Vec<String> = normalize(term).stems().map(str::to_string).collect();
                for spelling in spellings(&stems) {
                    matcher.add_term(index, &spelling);
                }
            }
            matcher.topics.push(TopicEntry {
                ancestors: ancestors(topics, index, &resolve),
                question_keys: topic
                    .questions
                    .iter()
                    .map(|q| word_key(&normalize(q)))
                    .collect(),
            });
        }
        matcher
    }

    fn add_term(&mut self, topic: usize, words: &[String]) {
        if words.is_empty() {
            return;
        }
        let ids: Vec<u32> = words.iter().map(|word| self.vocab_id(word)).collect();
        // Only terms with the same first word can be the same term: a short list, so building
        // stays linear in the number of terms.
        let same_start = self.terms_by_first_word.entry(ids[0]).or_default();
        let terms = &self.terms;
        if same_start.iter().any(|&id| {
            let term = &terms[id as usize];
            term.topic == topic && term.words == ids
        }) {
            return;
        }
        same_start.push(self.terms.len() as u32);
        self.terms.push(Term { topic, words: ids });
    }

    fn vocab_id(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.exact.get(word) {
            return id;
        }
        let id = self.vocab.len() as u32;
        let len = word.chars().count();
        let max_edits = edit_budget(len);
        let first = word.chars().next().unwrap_or(' ');
        if max_edits > 0 {
            self.fuzzy_by_first.entry(first).or_default().push(id);
        }
        self.vocab.push(VocabWord {
            text: word.to_string(),
            len,
            first,
            letters: letter_mask(word),
            max_edits,
        });
        self.exact.insert(word.to_string(), id);
        id
    }

    /// Vocabulary words that `word` may stand for, with how well it matches each (0..1].
    fn lookup(&self, word: &str, mut found: impl FnMut(u32, f32)) {
        if let Some(&id) = self.exact.get(word) {
            found(id, 1.0);
            return;
        }
        let Some(first) = word.chars().next() else {
            return;
        };
        let Some(candidates) = self.fuzzy_by_first.get(&first) else {
            return;
        };
        let len = if word.is_ascii() {
            word.len()
        } else {
            word.chars().count()
        };
        if len < MIN_FUZZY_LEN {
            return;
        }
        let letters = letter_mask(word);
        for &id in candidates {
            let vocab = &self.vocab[id as usize];
            debug_assert_eq!(vocab.first, first);
            // The shorter word sets the budget: a short word is not a long one with typos.
            let max_edits = vocab.max_edits.min(edit_budget(len));
            if max_edits == 0
                || len.abs_diff(vocab.len) > max_edits
                || (letters ^ vocab.letters).count_ones() as usize > 2 * max_edits
            {
                continue;
            }
            if let Some(distance) = bounded_distance(word, &vocab.text, max_edits) {
                found(id, 1.0 - distance as f32 / vocab.len as f32);
            }
        }
    }

    /// Assesses one message.
    pub fn assess(&self, text: &str, addressing: Addressing) -> Assessment {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.assess_with(text, addressing, &mut scratch),
            Err(_) => self.assess_with(text, addressing, &mut Scratch::default()),
        })
    }

    fn assess_with(&self, text: &str, addressing: Addressing, scratch: &mut Scratch) -> Assessment {
        normalize_into(text, &mut scratch.normalized);
        if scratch.normalized.is_empty() {
            return Assessment::nothing();
        }
        self.find_hits(scratch);
        if scratch.hits.is_empty() {
            return Assessment::nothing();
        }
        let normalized = &scratch.normalized;
        let found = self.find_terms(normalized.tokens.len(), &scratch.hits);
        if found.is_empty() {
            return Assessment::nothing();
        }
        let (chosen, ambiguous) = self.resolve(found);
        let covered = covered_positions(normalized.tokens.len(), &chosen);
        let best = chosen[0];
        let candidates: Vec<usize> = chosen.iter().take(3).map(|m| m.topic).collect();

        let intent = read_intent(normalized, &covered, addressing, || {
            self.known_question_similarity(best.topic, normalized)
        });
        let (factor, reason) = match intent {
            Intent::Aspect => (0.3, Reason::Aspect),
            Intent::Statement => (0.2, Reason::Statement),
            Intent::Unclear => (0.6, Reason::NoRequest),
            Intent::Request if ambiguous => (0.6, Reason::Ambiguous),
            Intent::Request if normalized.has_question_mark => (1.0, Reason::Request),
            Intent::Request => (0.95, Reason::Request),
        };
        let score = (best.quality * factor).clamp(0.0, 1.0);
        let verdict = if matches!(reason, Reason::Aspect | Reason::Statement) {
            Verdict::NotCovered
        } else if score >= ANSWER_THRESHOLD {
            Verdict::Answer
        } else if score >= SUGGEST_THRESHOLD && addressing == Addressing::Direct {
            Verdict::Suggest
        } else {
            Verdict::Nothing
        };
        let reason = if reason == Reason::Request && verdict != Verdict::Answer {
            Reason::WeakTerm
        } else {
            reason
        };
        Assessment {
            verdict,
            score,
            topic: Some(best.topic),
            candidates,
            reason,
        }
    }

    /// Finds every vocabulary word in the message: each word by its stem, and each two
    /// neighbouring words as written together ("check point" -> "checkpoint").
    fn find_hits(&self, scratch: &mut Scratch) {
        let Scratch {
            normalized,
            pair,
            hits,
        } = scratch;
        hits.clear();
        let tokens = &normalized.tokens;
        for (position, token) in tokens.iter().enumerate() {
            self.lookup(normalized.stem(token), |vocab, quality| {
                hits.push(Hit {
                    position,
                    width: 1,
                    vocab,
                    quality,
                })
            });
            let Some(next) = tokens.get(position + 1) else {
                continue;
            };
            if !(token.as_written && next.as_written) {
                continue;
            }
            pair.clear();
            pair.push_str(normalized.word(token));
            pair.push_str(normalized.stem(next));
            if pair.len() >= MIN_FUZZY_LEN {
                self.lookup(pair, |vocab, quality| {
                    hits.push(Hit {
                        position,
                        width: 2,
                        vocab,
                        quality,
                    })
                });
            }
        }
    }

    /// Every topic whose term occurs among the hits, with its best match.
    fn find_terms(&self, token_count: usize, hits: &[Hit]) -> Vec<TermMatch> {
        let mut best: Vec<TermMatch> = Vec::new();
        for hit in hits {
            let Some(term_ids) = self.terms_by_first_word.get(&hit.vocab) else {
                continue;
            };
            for &term_id in term_ids {
                let term = &self.terms[term_id as usize];
                let Some((end, quality)) = match_term(&term.words, hit.position, hits, &self.vocab)
                else {
                    continue;
                };
                let candidate = TermMatch {
                    topic: term.topic,
                    start: hit.position,
                    end: end.min(token_count),
                    quality,
                };
                match best.iter_mut().find(|m| m.topic == term.topic) {
                    Some(existing) if existing.better_than(&candidate) => {}
                    Some(existing) => *existing = candidate,
                    None => best.push(candidate),
                }
            }
        }
        best
    }

    /// Drops topics that are parents of another match; orders the rest best first. Returns
    /// whether more than one unrelated topic remains.
    fn resolve(&self, mut found: Vec<TermMatch>) -> (Vec<TermMatch>, bool) {
        let specific: Vec<TermMatch> = found
            .iter()
            .filter(|m| {
                !found
                    .iter()
                    .any(|other| self.topics[other.topic].ancestors.contains(&m.topic))
            })
            .copied()
            .collect();
        if !specific.is_empty() {
            found = specific;
        }
        // A term that lies inside a longer term of another topic is part of that name.
        let outer: Vec<TermMatch> = found
            .iter()
            .filter(|m| {
                !found.iter().any(|other| {
                    other.topic != m.topic
                        && other.start <= m.start
                        && m.end <= other.end
                        && other.end - other.start > m.end - m.start
                })
            })
            .copied()
            .collect();
        found = outer;
        found.sort_by(|a, b| b.quality.total_cmp(&a.quality).then(a.start.cmp(&b.start)));
        let ambiguous = found.len() > 1;
        (found, ambiguous)
    }

    fn known_question_similarity(&self, topic: usize, normalized: &Normalized) -> f64 {
        let key = word_key(normalized);
        self.topics[topic]
            .question_keys
            .iter()
            .map(|question| strsim::normalized_levenshtein(&key, question))
            .fold(0.0, f64::max)
    }
}

/// The edit distance between `a` and `b` (insertions, deletions, substitutions and swaps of
/// neighbours), if it is at most `max`. Only a band of `2 * max + 1` cells per row is computed,
/// without allocating: this runs for every long word that resembles a term.
fn bounded_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    if !(a.is_ascii() && b.is_ascii()) {
        let distance = strsim::osa_distance(a, b);
        return (distance <= max).then_some(distance);
    }
    const WIDTH: usize = 64;
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > max || a.len() >= WIDTH || b.len() >= WIDTH {
        return None;
    }
    let big = usize::MAX / 2;
    // Three rows of the full matrix; cells outside the band stay "too far".
    let mut rows = [[big; WIDTH]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(b.len().min(max) + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (current, previous, before) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        let low = i.saturating_sub(max).max(1);
        let high = (i + max).min(b.len());
        rows[current] = [big; WIDTH];
        if i <= max {
            rows[current][0] = i;
        }
        let mut row_min = rows[current][0];
        for j in low..=high {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (rows[previous][j - 1] + cost)
                .min(rows[previous][j] + 1)
                .min(rows[current][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(rows[before][j - 2] + 1);
            }
            rows[current][j] = value;
            row_min = row_min.min(value);
        }
        if row_min > max {
            return None;
        }
    }
    let distance = rows[a.len() % 3][b.len()];
    (distance <= max).then_some(distance)
}

/// Where a topic's term was found.
#[derive(Debug, Clone, Copy, PartialEq)]
struct TermMatch {
    topic: usize,
    start: usize,
    end: usize,
    quality: f32,
}

impl TermMatch {
    fn better_than(&self, other: &TermMatch) -> bool {
        (self.quality, self.end - self.start) >= (other.quality, other.end - other.start)
    }
}

/// Matches a term's words from message position `start`; returns the end position and quality.
/// A term word may match one message word or two adjacent ones written together.
fn match_term(
    words: &[u32],
    start: usize,
    hits: &[Hit],
    vocab: &[VocabWord],
) -> Option<(usize, f32)> {
    fn walk(
        words: &[u32],
        position: usize,
        hits: &[Hit],
        vocab: &[VocabWord],
    ) -> Option<(usize, f32)> {
        let Some((&word, rest)) = words.split_first() else {
            return Some((position, 0.0));
        };
        let weight = vocab[word as usize].len as f32;
        let mut best: Option<(usize, f32)> = None;
        for hit in hits
            .iter()
            .filter(|h| h.position == position && h.vocab == word)
        {
            if let Some((end, weighted)) = walk(rest, position + hit.width, hits, vocab) {
                let total = weighted + hit.quality * weight;
                if best.is_none_or(|(_, b)| total > b) {
                    best = Some((end, total));
                }
            }
        }
        best
    }
    let total_weight: f32 = words.iter().map(|&w| vocab[w as usize].len as f32).sum();
    walk(words, start, hits, vocab).map(|(end, weighted)| (end, weighted / total_weight))
}

/// The spellings a term is matched in: as written, and with each pair of neighbouring words
/// written together ("checkpoint inhibitor" also as "checkpointinhibitor").
fn spellings(words: &[String]) -> Vec<Vec<String>> {
    let mut all = vec![words.to_vec()];
    for i in 0..words.len().saturating_sub(1) {
        let (a, b) = (&words[i], &words[i + 1]);
        if a.chars().count() >= 2 && b.chars().count() >= 2 && a.len() + b.len() >= 6 {
            let mut joined = words[..i].to_vec();
            joined.push(format!("{a}{b}"));
            joined.extend_from_slice(&words[i + 2..]);
            all.push(joined);
        }
    }
    all
}

fn ancestors(
    topics: &[Topic],
    index: usize,
    resolve: &impl Fn(&str) -> Option<usize>,
) -> Vec<usize> {
    let mut chain = Vec::new();
    let mut current = index;
    while let Some(parent) = topics[current].excerpt_of.as_deref().and_then(resolve) {
        if parent == index || chain.contains(&parent) {
            break;
        }
        chain.push(parent);
        current = parent;
    }
    chain
}

fn word_key(normalized: &Normalized) -> String {
    normalized.words().collect::<Vec<_>>().join(" ")
}

fn covered_positions(len: usize, matches: &[TermMatch]) -> Vec<bool> {
    let mut covered = vec![false; len];
    for m in matches {
        for slot in &mut covered[m.start..m.end.min(len)] {
            *slot = true;
        }
    }
    covered
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    Request,
    Aspect,
    Statement,
    Unclear,
}

/// One word of a sentence around the topic's name, as written and with plurals folded.
#[derive(Debug, Clone, Copy)]
struct Word<'a> {
    word: &'a str,
    stem: &'a str,
}

impl Word<'_> {
    /// Whether the word (or its singular) is in a lexicon list.
    fn is_in(&self, list: &[&str]) -> bool {
        contains(list, self.word) || contains(list, self.stem)
    }
}

/// A sentence's words; `None` where the topic's name stood, so that pairs are read only between
/// words that really stand together.
type Sentence<'a> = Vec<Option<Word<'a>>>;

/// Reads what the words around the topic's name ask for.
fn read_intent(
    normalized: &Normalized,
    covered: &[bool],
    addressing: Addressing,
    known_similarity: impl FnOnce() -> f64,
) -> Intent {
    let mut sentences: Vec<Sentence> = Vec::new();
    let mut current_sentence = None;
    for (token, covered) in normalized.tokens.iter().zip(covered) {
        if current_sentence != Some(token.sentence) {
            sentences.push(Vec::new());
            current_sentence = Some(token.sentence);
        }
        if let Some(sentence) = sentences.last_mut() {
            sentence.push((!covered).then(|| Word {
                word: normalized.word(token),
                stem: normalized.stem(token),
            }));
        }
    }
    let words = || sentences.iter().flatten().flatten().copied();

    let ends_with_like = words()
        .rev()
        .find(|w| !matches!(w.word, "though" | "tho" | "then"))
        .is_some_and(|w| w.word == "like");
    if words().any(|w| w.is_in(lexicon::ASPECT_WORDS))
        || sentences.iter().any(|s| has_pair(s, lexicon::ASPECT_PAIRS))
        || ends_with_like
    {
        return Intent::Aspect;
    }

    let mut blocked_by_narrative = false;
    for sentence in &sentences {
        if !asks_for_explanation(sentence) {
            continue;
        }
        let narrative = sentence
            .iter()
            .flatten()
            .any(|w| w.is_in(lexicon::NARRATIVE_WORDS))
            || has_pair(sentence, lexicon::NARRATIVE_PAIRS);
        if normalized.has_question_mark || !narrative {
            return Intent::Request;
        }
        blocked_by_narrative = true;
    }
    if blocked_by_narrative {
        return Intent::Statement;
    }
    let bare = words().all(|w| w.is_in(lexicon::FILLER_WORDS));
    if bare && (normalized.has_question_mark || addressing == Addressing::Direct) {
        return Intent::Request;
    }
    if known_similarity() >= KNOWN_QUESTION_SIMILARITY {
        return Intent::Request;
    }
    Intent::Unclear
}

fn has_pair(sentence: &[Option<Word>], list: &[(&str, &str)]) -> bool {
    sentence.windows(2).any(|w| match (w[0], w[1]) {
        (Some(a), Some(b)) => list.iter().any(|(x, y)| a.word == *x && b.word == *y),
        _ => false,
    })
}

/// After "what is", whether the thing asked about is another thing *in relation to* the topic:
/// "what is pseudoprogression on immunotherapy", "what is a flare after CAR-T". The words before
/// the preposition that leads to the topic's name decide; frame words ("the role of", "the
/// idea behind") still ask about the topic itself.
fn defines_something_else(rest: &[Option<Word>]) -> bool {
    let Some(name) = rest.iter().position(Option::is_none) else {
        return false;
    };
    let Some(Some(preposition)) = name.checked_sub(1).map(|i| rest[i]) else {
        return false;
    };
    preposition.is_in(lexicon::RELATION_WORDS)
        && rest[..name - 1]
            .iter()
            .flatten()
            .any(|w| !w.is_in(lexicon::DEFINITION_FRAME) && !w.is_in(lexicon::RELATION_WORDS))
}

/// Whether a sentence asks what something is or how it works.
fn asks_for_explanation(sentence: &[Option<Word>]) -> bool {
    let word_at = |i: usize| sentence.get(i).copied().flatten();
    let asks_what = sentence.iter().enumerate().any(|(i, slot)| {
        if !slot.is_some_and(|w| w.word == "what") {
            return false;
        }
        match sentence.get(i + 1) {
            // "... immunotherapy: what?"
            None => true,
            // "what is", "what exactly is", "what kind of treatment is"; not "what time",
            // "what cancers", "what happens".
            Some(Some(next)) => {
                next.is_in(lexicon::AFTER_WHAT) && !defines_something_else(&sentence[i + 2..])
            }
            // "what CAR-T is", "what checkpoint inhibitors are"; not "what CAR-T did you get".
            Some(None) => {
                // Generic words after a name belong to it: "what CAR-T therapy involves".
                let after_name = (i + 1..sentence.len())
                    .find(|&j| sentence[j].is_some_and(|w| !w.is_in(lexicon::GENERIC_HEADS)));
                after_name
                    .is_none_or(|j| word_at(j).is_some_and(|w| w.is_in(lexicon::AFTER_WHAT_NAME)))
            }
        }
    });
    let asks_how = sentence.iter().enumerate().any(|(i, slot)| {
        slot.is_some_and(|w| w.word == "how")
            && word_at(i + 1).is_some_and(|next| next.is_in(lexicon::HOW_MECHANISM))
            && word_at(i + 2).is_none_or(|after| !after.is_in(lexicon::HOW_PERSONAL))
    });
    asks_what
        || asks_how
        || sentence
            .iter()
            .flatten()
            .any(|w| w.is_in(lexicon::DEFINITION_WORDS))
        || has_pair(sentence, lexicon::DEFINITION_PAIRS)
}

#[cfg(test)]
mod tests {
    use super::bounded_distance;

    #[test]
    fn bounded_distance_agrees_with_the_full_computation() {
        let words = [
            "immunotherapy",
            "imunotherapy",
            "immunothearpy",
            "immunotharapy",
            "chemotherapy",
            "checkpoint",
            "chekpoint",
            "checkpiont",
            "vaccine",
            "vacine",
            "vaccinne",
            "cancer",
            "canser",
            "cartel",
            "cartcell",
            "monoclonal",
            "monoclonial",
            "ab",
            "",
            "a",
        ];
        for a in words {
            for b in words {
                let full = strsim::osa_distance(a, b);
                for max in 0..=3 {
                    let expected = (full <= max).then_some(full);
                    assert_eq!(bounded_distance(a, b, max), expected, "{a} {b} {max}");
                }
            }
        }
    }
}
