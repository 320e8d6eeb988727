//! Matching: does this message ask for one of the reviewed answers, and which one?
//!
//! A reviewed answer answers one *kind* of question (what it is, its side effects, its cost,
//! ...) about one *subject* (immunotherapy, CAR-T, ...). The pipeline, each step cheap enough to
//! run on every message of a busy server:
//!
//! 1. [`normalize()`](normalize::normalize) the text into word tokens (Unicode, Discord markup,
//!    code blocks, chat spellings, plurals), numbered by sentence and clause. Most messages
//!    never get here: a first look (`screen.rs`) asks the term index about their words as they
//!    stand, and when none of them starts a term the message names no subject.
//! 2. Find the subjects' *terms* (names and spellings, from the response files) in the tokens,
//!    tolerating typos in long words and words split or joined (`index.rs`). A message that names
//!    no subject is done here, which is the fate of almost every message.
//! 3. Resolve overlaps: a therapy named inside a question about immunotherapy wins over its
//!    parent; two unrelated subjects that are both asked about are ambiguous.
//! 4. Read the clauses that belong to the question about the subject with the catalog's
//!    [`Language`] (`intent.rs`): a request for an explanation, a kind of question, a report of
//!    something said, or nothing.
//! 5. Pick the answer for that subject and kind. A kind no reviewed answer covers stays
//!    unanswered. Score = how well the term matched x how clearly the message asks. The caller
//!    answers at [`ANSWER_THRESHOLD`] and may offer suggestions from [`SUGGEST_THRESHOLD`].
//!
//! The matcher takes its own build input ([`SubjectSpec`], [`AnswerSpec`], a [`Language`]):
//! it knows nothing of files or the catalog. Matching cannot fail and allocates a bounded
//! amount per message.

mod abbreviation;
mod audience;
mod capitals;
mod distance;
mod fnv;
pub mod ids;
mod index;
mod intent;
pub mod language;
pub mod normalize;
mod recent;
mod screen;
mod sieve;

use std::cell::RefCell;

pub use capitals::only_in_capitals;
use ids::VocabId;
pub use ids::{AudienceId, KindId, SubjectIndex, TopicIndex};
pub use language::{Language, List, PhraseError, Phrases};

use index::{Hit, TermIndex, TermMatch};
use intent::Reading;
use normalize::{normalize, Normalized};

/// A score at or above this answers.
pub const ANSWER_THRESHOLD: f32 = 0.75;
/// A score at or above this (and below [`ANSWER_THRESHOLD`]) may offer "Did you mean" buttons
/// when the member addressed the bot directly.
pub const SUGGEST_THRESHOLD: f32 = 0.45;

/// Known-question similarity at which a message counts as asking that question.
const KNOWN_QUESTION_SIMILARITY: f64 = 0.85;

/// How much each reading of the intent keeps of the term's quality. A clear request keeps it
/// whole (a little less without a question mark); an unclear one, or one that could be about
/// two subjects, falls below the answer threshold even with a perfect term, so that a message
/// that only *mentions* a subject is never answered; a question of a kind no answer covers and
/// a statement fall lower still.
mod factor {
    pub const QUESTION: f32 = 1.0;
    pub const REQUEST: f32 = 0.95;
    pub const UNCLEAR: f32 = 0.6;
    pub const NOT_COVERED: f32 = 0.3;
    pub const STATEMENT: f32 = 0.2;
}

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
    /// A subject was named, but the message asks a kind of question no reviewed answer covers.
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
    /// The subject's name is used for something else ("bee venom immunotherapy").
    OtherSense,
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
            Reason::OtherSense => "other-sense",
        }
    }
}

/// The matcher's view of one message.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub verdict: Verdict,
    /// 0..1: how sure the matcher is that the message asks for `topic`.
    pub score: f32,
    /// The best answer, also when not answered.
    pub topic: Option<TopicIndex>,
    /// Answers worth suggesting, best first (at most three).
    pub candidates: Vec<TopicIndex>,
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
    pub fn answer(&self) -> Option<TopicIndex> {
        match self.verdict {
            Verdict::Answer => self.topic,
            _ => None,
        }
    }
}

/// One subject of the catalog: what a group of reviewed answers is about.
#[derive(Debug, Clone, Copy)]
pub struct SubjectSpec<'a> {
    /// Names and spellings that identify the subject in a message.
    pub terms: &'a [String],
    /// Words that, in the question about the subject, show its name means something else.
    pub other_senses: &'a [String],
    /// A broader subject this one is part of (CAR-T of immunotherapy): when both are named,
    /// this one is the more specific answer.
    pub parent: Option<SubjectIndex>,
    /// Who the subject is about, when it shares names with subjects about others.
    pub audience: Option<AudienceId>,
}

/// One reviewed answer: which subject and which kind of question it answers. Answers are
/// numbered by their position in the build input; [`TopicIndex`] is that position.
#[derive(Debug, Clone, Copy)]
pub struct AnswerSpec<'a> {
    pub subject: SubjectIndex,
    pub kind: KindId,
    /// Known phrasings of the question the answer answers.
    pub questions: &'a [String],
}

#[derive(Debug)]
struct SubjectEntry {
    ancestors: Vec<SubjectIndex>,
    other_senses: Phrases,
    /// The words of the subject's own names: "the CAR part of CAR-T" asks about the name.
    name_words: Phrases,
    answers: Vec<(KindId, TopicIndex)>,
    audience: Option<AudienceId>,
    /// Words that, next to its name, make the name another subject's (sorted).
    qualifiers: Vec<VocabId>,
    /// Subjects one of those words makes of its name, with the word.
    narrower: Vec<(VocabId, SubjectIndex)>,
    /// The subjects about the same disease under a title one word more exact.
    narrower_titles: Vec<SubjectIndex>,
}

#[derive(Debug)]
struct AnswerEntry {
    kind: KindId,
    question_keys: Vec<String>,
}

/// The index built from a catalog's subjects, answers and language. Immutable; rebuilt with
/// the catalog.
#[derive(Debug)]
pub struct Matcher {
    terms: TermIndex,
    capital_names: capitals::CapitalNames,
    screen: screen::Screen,
    subjects: Vec<SubjectEntry>,
    answers: Vec<AnswerEntry>,
    language: Language,
}

/// Buffers reused from message to message on each thread, so the common case allocates nothing.
#[derive(Default)]
struct Scratch {
    normalized: Normalized,
    markup: String,
    screen: screen::Scratch,
    pair: String,
    hits: Vec<Hit>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Matcher {
    /// Builds the index. Subjects and answers refer to each other by position; a reference out
    /// of range is ignored (the catalog validates them before building).
    pub fn build(subjects: &[SubjectSpec], answers: &[AnswerSpec], language: Language) -> Matcher {
        let mut terms = TermIndex::default();
        let mut capital_names = capitals::CapitalNames::default();
        let mut entries: Vec<SubjectEntry> = subjects
            .iter()
            .enumerate()
            .map(|(index, spec)| {
                let subject = SubjectIndex::new(index);
                for term in spec.terms {
                    terms.add(subject, term, &language);
                    capital_names.add(subject, term, &language);
                }
                SubjectEntry {
                    ancestors: ancestors(subjects, index),
                    other_senses: Phrases::lenient(spec.other_senses.iter().map(String::as_str)),
                    name_words: {
                        let words: Vec<String> = spec
                            .terms
                            .iter()
                            .flat_map(|term| {
                                normalize(term)
                                    .stems()
                                    .map(str::to_string)
                                    .collect::<Vec<_>>()
                            })
                            .collect();
                        Phrases::lenient(words.iter().map(String::as_str))
                    },
                    answers: Vec::new(),
                    audience: spec.audience,
                    qualifiers: Vec::new(),
                    narrower: Vec::new(),
                    narrower_titles: Vec::new(),
                }
            })
            .collect();
        let index::Qualifiers {
            words,
            narrower,
            narrower_titles,
        } = terms.qualifiers(subjects.len(), &language);
        for (((entry, qualifiers), narrower), titles) in entries
            .iter_mut()
            .zip(words)
            .zip(narrower)
            .zip(narrower_titles)
        {
            entry.qualifiers = qualifiers;
            entry.narrower = narrower;
            entry.narrower_titles = titles;
        }
        let answers = answers
            .iter()
            .enumerate()
            .map(|(index, spec)| {
                if let Some(subject) = entries.get_mut(spec.subject.get()) {
                    subject.answers.push((spec.kind, TopicIndex::new(index)));
                }
                AnswerEntry {
                    kind: spec.kind,
                    question_keys: spec
                        .questions
                        .iter()
                        .map(|q| word_key(&normalize(q)))
                        .collect(),
                }
            })
            .collect();
        Matcher {
            screen: screen::Screen::new(&terms),
            terms,
            capital_names,
            subjects: entries,
            answers,
            language,
        }
    }

    /// The language the matcher reads messages with.
    pub fn language(&self) -> &Language {
        &self.language
    }

    /// The kind of question an answer answers.
    pub fn kind_of(&self, answer: TopicIndex) -> Option<KindId> {
        self.answers.get(answer.get()).map(|a| a.kind)
    }

    /// Assesses one message.
    pub fn assess(&self, text: &str, addressing: Addressing) -> Assessment {
        self.with_scratch(|scratch| self.assess_with(text, addressing, true, scratch))
    }

    /// [`Matcher::assess`] without the first look (`screen.rs`): every message normalised in
    /// full. The reference that tests hold the fast way to.
    #[doc(hidden)]
    pub fn assess_in_full(&self, text: &str, addressing: Addressing) -> Assessment {
        self.with_scratch(|scratch| self.assess_with(text, addressing, false, scratch))
    }

    /// Whether the message may name a subject, judged from its words alone. When not,
    /// [`Matcher::assess`] finds no topic; it may say yes needlessly.
    pub fn may_name_a_subject(&self, text: &str) -> bool {
        self.with_scratch(|scratch| self.first_look(text, &mut scratch.markup, &mut scratch.screen))
    }

    /// The first look of [`Matcher::may_name_a_subject`], with the buffers it reads into.
    fn first_look(&self, text: &str, markup: &mut String, screen: &mut screen::Scratch) -> bool {
        screen::may_name_terms(
            self.screen,
            &self.terms,
            &self.language,
            text,
            markup,
            screen,
        ) || self.capital_names.may_be_in(text)
    }

    fn with_scratch<T>(&self, run: impl FnOnce(&mut Scratch) -> T) -> T {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => run(&mut scratch),
            Err(_) => run(&mut Scratch::default()),
        })
    }

    fn assess_with(
        &self,
        text: &str,
        addressing: Addressing,
        screened: bool,
        scratch: &mut Scratch,
    ) -> Assessment {
        let Scratch {
            normalized,
            markup,
            screen,
            pair,
            hits,
        } = scratch;
        // Nearly every message names no subject, and most show it without normalising.
        if screened && !self.first_look(text, markup, screen) {
            return Assessment::nothing();
        }
        let cleaned = normalize::readable(text, markup);
        normalize::normalize_readable(cleaned, normalized);
        if normalized.is_empty() {
            return Assessment::nothing();
        }
        self.terms.find_hits(normalized, &self.language, pair, hits);
        let in_capitals = self.capital_names.found_in(normalized);
        if hits.is_empty() && in_capitals.is_empty() {
            return Assessment::nothing();
        }
        let possessive = |position: usize| {
            normalized
                .tokens
                .get(position)
                .is_some_and(|token| normalized.word(token) == "'s")
        };
        let mut found = self
            .terms
            .find_terms(normalized.tokens.len(), hits, possessive);
        found.extend(in_capitals);
        if found.is_empty() {
            return Assessment::nothing();
        }
        let mut found = abbreviation::with_defined(normalized, found, &self.language);
        // Names found apart from the term index join its matches in the same order.
        found.sort_by(TermMatch::best_first);
        // Audience first: a name inside a longer one of the other audience's subject ("brain"
        // in "brain tumours" of adults) is still the name of the audience asked about.
        let chosen = self.resolve(self.for_audience(normalized, found));
        let chosen = self.unqualified(normalized, chosen);
        if chosen.is_empty() {
            return Assessment::nothing();
        }
        self.decide(normalized, &chosen, addressing)
    }

    /// Reads what the message asks of each subject it names and picks the answer.
    fn decide(
        &self,
        normalized: &Normalized,
        chosen: &[TermMatch],
        addressing: Addressing,
    ) -> Assessment {
        let mut subjects: Vec<TermMatch> = Vec::new();
        for m in chosen {
            if !subjects.iter().any(|s| s.subject == m.subject) {
                subjects.push(*m);
            }
        }
        if subjects.is_empty() {
            return Assessment::nothing();
        }
        let readings: Vec<(TermMatch, Reading)> = subjects
            .iter()
            .take(3)
            .map(|m| {
                let reading = intent::read(
                    normalized,
                    chosen,
                    m.subject,
                    intent::SubjectWords {
                        other_senses: &self.subjects[m.subject.get()].other_senses,
                        name_words: &self.subjects[m.subject.get()].name_words,
                        answers: &self.subjects[m.subject.get()].answers,
                    },
                    &self.language,
                    addressing,
                );
                (*m, reading)
            })
            .collect();
        let asks_about = |reading: &Reading| {
            !reading.other_sense && (reading.request || !reading.kinds.is_empty() || reading.bare)
        };
        let asked: Vec<&(TermMatch, Reading)> =
            readings.iter().filter(|(_, r)| asks_about(r)).collect();
        // Subjects named only around the question are context: "my dad is on checkpoint
        // inhibitors. what is CAR-T?" asks about one of them.
        let (best, reading, ambiguous) = match asked.as_slice() {
            [] => (readings[0].0, &readings[0].1, false),
            [(m, r)] => (*m, r, false),
            [(m, r), ..] => (*m, r, true),
        };
        let subject = &self.subjects[best.subject.get()];
        let direct = addressing == Addressing::Direct;
        let asked_factor = if normalized.has_question_mark {
            factor::QUESTION
        } else {
            factor::REQUEST
        };
        // Comparing with every known question costs more than the rest of the reading: done
        // once, and only when needed.
        let known_cell = std::cell::OnceCell::new();
        let known = || *known_cell.get_or_init(|| self.known_question(subject, normalized, 0.0));
        let fallback = self.plain_answer(subject);

        let (answer, intent_factor, reason) = if reading.other_sense {
            (fallback, factor::STATEMENT, Reason::OtherSense)
        } else if !reading.kinds.is_empty() {
            // "am I a candidate for X" asks about eligibility: a framing kind beside another
            // does not count. Two other kinds at once ("X trials near me") are two questions,
            // and one answer would answer half of it.
            let mut asked: Vec<KindId> = reading
                .kinds
                .iter()
                .copied()
                .filter(|&kind| !self.language.is_framing(kind))
                .collect();
            if asked.is_empty() {
                asked.clone_from(&reading.kinds);
            }
            let mut covered: Vec<TopicIndex> = Vec::new();
            for &kind in &asked {
                if let Some(answer) = self.answer_for(subject, kind, known) {
                    if !covered.contains(&answer) {
                        covered.push(answer);
                    }
                }
            }
            match (covered.as_slice(), asked.as_slice()) {
                ([only], [_]) => (Some(*only), asked_factor, Reason::Request),
                ([first, _, ..], _) => (Some(*first), factor::UNCLEAR, Reason::Ambiguous),
                ([], &[kind]) => match self
                    .stand_in_answer(subject, kind)
                    .or_else(|| self.narrower_answer(subject, kind))
                {
                    Some(answer) => (Some(answer), asked_factor, Reason::Request),
                    None => (fallback, factor::NOT_COVERED, Reason::Aspect),
                },
                _ => (fallback, factor::NOT_COVERED, Reason::Aspect),
            }
        } else if reading.request || (reading.bare && (normalized.has_question_mark || direct)) {
            match self.answer_for(subject, self.language.definition(), known) {
                Some(answer) => (Some(answer), asked_factor, Reason::Request),
                None => (fallback, factor::NOT_COVERED, Reason::Aspect),
            }
        } else if reading.statement {
            (fallback, factor::STATEMENT, Reason::Statement)
        } else if !reading.asks {
            // A statement is never a known question, whatever it shares with one: "my back
            // pain is killing me" need not be compared with "what is pain".
            (fallback, factor::UNCLEAR, Reason::NoRequest)
        } else {
            match self.known_question(subject, normalized, KNOWN_QUESTION_SIMILARITY) {
                Some((answer, similarity)) if similarity >= KNOWN_QUESTION_SIMILARITY => {
                    (Some(answer), factor::REQUEST, Reason::Request)
                }
                _ => (fallback, factor::UNCLEAR, Reason::NoRequest),
            }
        };
        let (intent_factor, reason) = if ambiguous && reason == Reason::Request {
            (factor::UNCLEAR, Reason::Ambiguous)
        } else {
            (intent_factor, reason)
        };
        let score = (best.quality * intent_factor).clamp(0.0, 1.0);
        let verdict = match reason {
            Reason::Aspect | Reason::Statement => Verdict::NotCovered,
            Reason::OtherSense => Verdict::Nothing,
            _ if answer.is_some() && score >= ANSWER_THRESHOLD => Verdict::Answer,
            _ if answer.is_some() && score >= SUGGEST_THRESHOLD && direct => Verdict::Suggest,
            _ => Verdict::Nothing,
        };
        let reason = if reason == Reason::Request && verdict != Verdict::Answer {
            Reason::WeakTerm
        } else {
            reason
        };
        let mut candidates: Vec<TopicIndex> = answer.into_iter().collect();
        for (m, _) in &readings {
            let other = &self.subjects[m.subject.get()];
            let suggestion = self.plain_answer(other);
            if let Some(suggestion) = suggestion {
                if !candidates.contains(&suggestion) {
                    candidates.push(suggestion);
                }
            }
        }
        candidates.truncate(3);
        Assessment {
            verdict,
            score,
            topic: answer,
            candidates,
            reason,
        }
    }

    /// What a subject is answered with when no particular kind is meant: its answer to a plain
    /// request, else its first answer. Used for suggestions and for the answer a message that
    /// is not answered would have been about.
    fn plain_answer(&self, subject: &SubjectEntry) -> Option<TopicIndex> {
        self.answer_for(subject, self.language.definition(), || None)
            .or_else(|| subject.answers.first().map(|&(_, answer)| answer))
    }

    /// Where a subject has no answer of `kind`, its answer of the first kind the language says
    /// answers it (`answered_by`): "is retinoblastoma genetic?" by "Is retinoblastoma
    /// inherited?".
    fn stand_in_answer(&self, subject: &SubjectEntry, kind: KindId) -> Option<TopicIndex> {
        self.language
            .answered_by(kind)
            .iter()
            .find_map(|&by| self.answer_for(subject, by, || None))
    }

    /// Where a subject has no answer of `kind` and exactly one subject titled a word more
    /// exactly has ("ovarian cancer" symptoms, answered only for ovarian epithelial cancer),
    /// that one's answer: the publisher wrote it for the same disease under a more exact
    /// title.
    fn narrower_answer(&self, subject: &SubjectEntry, kind: KindId) -> Option<TopicIndex> {
        let mut answers = subject
            .narrower_titles
            .iter()
            .filter_map(|&narrower| self.answer_for(&self.subjects[narrower.get()], kind, || None));
        let first = answers.next()?;
        answers.all(|other| other == first).then_some(first)
    }

    /// The subject's answer of `kind`; among several, the one whose known question the message
    /// resembles most.
    fn answer_for(
        &self,
        subject: &SubjectEntry,
        kind: KindId,
        known: impl Fn() -> Option<(TopicIndex, f64)>,
    ) -> Option<TopicIndex> {
        let mut of_kind = subject
            .answers
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|&(_, answer)| answer);
        let first = of_kind.next()?;
        if of_kind.next().is_none() {
            return Some(first);
        }
        match known() {
            Some((answer, _)) if self.kind_of(answer) == Some(kind) => Some(answer),
            _ => Some(first),
        }
    }

    /// Where subjects about different audiences share the name the message uses ("ALL" in
    /// children and in adults), keeps the one the message is about. A subject about one
    /// audience is never the answer to a message about another: "brain tumors in adults" is not
    /// about childhood brain tumors, whatever name they share. A subject about everyone that
    /// shares the name ("liver cancer") answers when the message names no audience and gives
    /// way when it does; without one, subjects about particular audiences all stay, and the
    /// question is ambiguous.
    fn for_audience(&self, normalized: &Normalized, chosen: Vec<TermMatch>) -> Vec<TermMatch> {
        let audience_of = |m: &TermMatch| self.subjects[m.subject.get()].audience;
        if !chosen.iter().any(|m| audience_of(m).is_some()) {
            return chosen;
        }
        let said = audience::audience_of(normalized, &self.language);
        // The same name, or a longer one around it.
        let covers = |outer: &TermMatch, inner: &TermMatch| {
            outer.start <= inner.start && inner.end <= outer.end
        };
        chosen
            .iter()
            .filter(|m| match (said, audience_of(m)) {
                (Some(said), Some(audience)) => audience == said,
                (Some(said), None) => !chosen
                    .iter()
                    .any(|other| audience_of(other) == Some(said) && covers(other, m)),
                (None, Some(_)) => !chosen
                    .iter()
                    .any(|other| audience_of(other).is_none() && covers(other, m)),
                (None, None) => true,
            })
            .copied()
            .collect()
    }

    /// A subject whose name stands next to a word that makes it another subject's name is
    /// read as that subject when the word alone makes it ("epithelial ovarian cancer" is
    /// ovarian epithelial cancer, "atypical CML" atypical chronic myelogenous leukemia), and
    /// dropped otherwise: the member asks about the more specific thing, in words the index
    /// does not have, and the broader answer would be the wrong one.
    fn unqualified(&self, normalized: &Normalized, chosen: Vec<TermMatch>) -> Vec<TermMatch> {
        let qualifier = |m: &TermMatch| {
            let qualifiers = &self.subjects[m.subject.get()].qualifiers;
            if qualifiers.is_empty() {
                return None;
            }
            [m.start.checked_sub(1), Some(m.end)]
                .into_iter()
                .flatten()
                .filter_map(|position| {
                    let token = normalized.tokens.get(position)?;
                    let word = self.terms.exact(normalized.stem(token))?;
                    Some((position, word))
                })
                .find(|(_, word)| qualifiers.binary_search(word).is_ok())
        };
        let qualified: Vec<Option<(usize, VocabId)>> = chosen.iter().map(qualifier).collect();
        if qualified.iter().all(Option::is_none) {
            return chosen;
        }
        chosen
            .iter()
            .zip(qualified)
            .filter_map(|(m, qualified)| {
                let Some((position, word)) = qualified else {
                    return Some(*m);
                };
                let narrower = &self.subjects[m.subject.get()].narrower;
                let mut by_word = narrower.iter().filter(|(w, _)| *w == word);
                match (by_word.next(), by_word.next()) {
                    (Some(&(_, subject)), None) => Some(TermMatch {
                        subject,
                        start: m.start.min(position),
                        end: m.end.max(position + 1),
                        ..*m
                    }),
                    _ => None,
                }
            })
            .collect()
    }

    /// Drops subjects that are parents of another match, names inside longer names of another
    /// subject, and typo readings where another subject's name is spelled exactly ("Arts
    /// syndrome" is not "Alts syndrome"); orders the rest best first.
    fn resolve(&self, found: Vec<TermMatch>) -> Vec<TermMatch> {
        let found: Vec<TermMatch> = found
            .iter()
            .filter(|m| {
                !found.iter().any(|other| {
                    other.subject != m.subject
                        && other.quality > m.quality
                        && other.start <= m.start
                        && m.end <= other.end
                })
            })
            .copied()
            .collect();
        let specific: Vec<TermMatch> = found
            .iter()
            .filter(|m| {
                !found.iter().any(|other| {
                    self.subjects[other.subject.get()]
                        .ancestors
                        .contains(&m.subject)
                })
            })
            .copied()
            .collect();
        // The parent's name inside the specific one's belongs to it: in "CAR-T cell
        // immunotherapy" every word names CAR-T.
        let absorbed: Vec<TermMatch> = found
            .iter()
            .filter_map(|m| {
                let child = specific.iter().find(|s| {
                    self.subjects[s.subject.get()]
                        .ancestors
                        .contains(&m.subject)
                })?;
                Some(TermMatch {
                    subject: child.subject,
                    quality: 0.0,
                    ..*m
                })
            })
            .collect();
        let found = if specific.is_empty() {
            found
        } else {
            specific.into_iter().chain(absorbed).collect()
        };
        // A term that lies inside a longer term of another subject is part of that name.
        let mut outer: Vec<TermMatch> = found
            .iter()
            .filter(|m| {
                !found.iter().any(|other| {
                    other.subject != m.subject
                        && other.start <= m.start
                        && m.end <= other.end
                        && other.end - other.start > m.end - m.start
                })
            })
            .copied()
            .collect();
        outer.sort_by(|a, b| b.quality.total_cmp(&a.quality).then(a.start.cmp(&b.start)));
        outer
    }

    /// The subject's known question the message is most like, with the similarity; questions
    /// whose length alone keeps them below `at_least` are not compared.
    fn known_question(
        &self,
        subject: &SubjectEntry,
        normalized: &Normalized,
        at_least: f64,
    ) -> Option<(TopicIndex, f64)> {
        let key = word_key(normalized);
        let len = key.chars().count();
        let mut best: Option<(TopicIndex, f64)> = None;
        for &(_, answer) in &subject.answers {
            for question in &self.answers[answer.get()].question_keys {
                // Similarity is at most shorter / longer.
                let other = question.chars().count();
                if (len.min(other) as f64) < at_least * len.max(other) as f64 {
                    continue;
                }
                let similarity = strsim::normalized_levenshtein(&key, question);
                if best.is_none_or(|(_, b)| similarity > b) {
                    best = Some((answer, similarity));
                }
            }
        }
        best
    }
}

fn ancestors(subjects: &[SubjectSpec], index: usize) -> Vec<SubjectIndex> {
    let mut chain = Vec::new();
    let mut current = index;
    while let Some(parent) = subjects.get(current).and_then(|s| s.parent) {
        if parent.get() == index || chain.contains(&parent) || parent.get() >= subjects.len() {
            break;
        }
        chain.push(parent);
        current = parent.get();
    }
    chain
}

fn word_key(normalized: &Normalized) -> String {
    normalized.words().collect::<Vec<_>>().join(" ")
}
