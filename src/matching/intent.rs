//! Reading what a message asks about a subject it names.
//!
//! A message is cut into clauses (see [`normalize`](super::normalize)). The clauses that
//! belong to the question about the subject are the ones that name it, and the later ones that
//! point back to it ("... CAR-T. what is that?") or ask with no object of their own ("...
//! immunotherapy - explain pls"). Everything else is context: a greeting, an aside, a story
//! around the question. Its words are never read, so "so tired after the drive. anyway, what is
//! immunotherapy?" is a plain request, while "what is immunotherapy and is it safe?" asks about
//! safety too.
//!
//! Inside the question's clauses the [`Language`] tells: a request for an explanation, a
//! kind of question (side effects, cost, ...), a report of something said ("we covered what
//! checkpoint inhibitors are"), or nothing. Quoted words are named, not said. This module only
//! reads; [`super::Matcher`] decides what to answer.

use super::ids::{KindId, SubjectIndex, TopicIndex};
use super::index::TermMatch;
use super::language::{Element, Language, List, Membership, Phrases};
use super::normalize::Normalized;
use super::Addressing;

/// What stands at one place of a clause.
#[derive(Debug, Clone, Copy)]
enum Slot<'a> {
    Word {
        word: &'a str,
        stem: &'a str,
        /// The language's one-word lists the word is in, looked up once.
        lists: Membership,
    },
    /// The name of the subject being read about.
    Subject,
    /// The name of another subject: a noun like any other for this reading.
    Other,
    /// A word inside quotes.
    Quote,
}

impl Slot<'_> {
    fn is_in(&self, list: List) -> bool {
        match *self {
            Slot::Word { lists, .. } => lists.contains(list),
            _ => false,
        }
    }

    fn matches(&self, element: &Element) -> bool {
        match (self, element) {
            (Slot::Word { word, stem, .. }, Element::Word(expected)) => {
                word == expected || stem == expected
            }
            (Slot::Subject, Element::Subject) => true,
            _ => false,
        }
    }
}

#[derive(Debug)]
struct Clause<'a> {
    slots: Vec<Slot<'a>>,
    sentence: u16,
    /// Whether the clause is asked with a question mark: the last clause of a sentence that
    /// ends with one, or any clause of it that opens like a question ("what is X, in plain
    /// words?"); not "heard the word X at the clinic, what does it mean?"'s first clause.
    question: bool,
    /// Where the subject's name ends in this clause, if it stands here.
    subject_end: Option<usize>,
    has_other: bool,
    /// The clause's number in the message.
    number: u16,
    /// The position of its last word in the message.
    last_token: usize,
}

/// What the clauses about one subject ask.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Reading {
    /// Kinds of question other than a plain request that the question's clauses name.
    pub kinds: Vec<KindId>,
    /// A clause asks for an explanation.
    pub request: bool,
    /// A clause asks something (a question, a request, or the member addressed the bot).
    pub asks: bool,
    /// A clause about the subject reports rather than asks.
    pub statement: bool,
    /// The message names the subject with nothing else but filler: "CAR-T??".
    pub bare: bool,
    /// Words that show the subject's name is used for something else ("bee venom").
    pub other_sense: bool,
}

/// The words a subject brings to the reading of a question about it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SubjectWords<'a> {
    /// Words that show its name means something else.
    pub other_senses: &'a Phrases,
    /// The words of its own names.
    pub name_words: &'a Phrases,
    /// Its reviewed answers, by the kind of question each answers.
    pub answers: &'a [(KindId, TopicIndex)],
}

/// Reads the message's question about `subject`, whose name stands at the `found` matches of it;
/// the other found matches are other subjects' names.
pub(crate) fn read(
    normalized: &Normalized,
    found: &[TermMatch],
    subject: SubjectIndex,
    words: SubjectWords,
    language: &Language,
    addressing: Addressing,
) -> Reading {
    let SubjectWords {
        other_senses,
        name_words,
        answers,
    } = words;
    let clauses = clauses(normalized, found, subject, language);
    let direct = addressing == Addressing::Direct;
    let linked = linked_clauses(&clauses, language);

    let mut reading = Reading::default();
    let mut flags = Vec::with_capacity(linked.len());
    for &index in &linked {
        let clause = &clauses[index];
        // A report frames the request after it: "we covered what checkpoint inhibitors are",
        // "I googled what CAR-T is". A report after the request is only context: "what is
        // CAR-T, everyone's talking about it". A question mark makes it a question either way.
        let report_at = first_phrase(&clause.slots, language.list(List::Report));
        let request_at = request_position(clause, language, name_words, direct);
        let opens_question = starts_question(clause);
        let narrative = !clause.question
            && !opens_question
            && report_at.is_some_and(|report| request_at.is_none_or(|request| report <= request));
        let request = !narrative && request_at.is_some();
        let asks = !narrative
            && (clause.question
                || request
                || direct
                || opens_question
                || is_kind_query(&clause.slots, language));
        reading.request |= request;
        reading.asks |= asks;
        reading.statement |= narrative;
        reading.other_sense |= has_phrase(&clause.slots, other_senses);
        flags.push(asks);
    }
    if reading.request {
        reading.statement = false;
    }
    if reading.asks {
        for (&index, &asks) in linked.iter().zip(&flags) {
            let clause = &clauses[index];
            // A clause that only names the subject before a question that points back at it
            // counts with what directly follows the name: "the nurse mentioned CAR-T side
            // effects. what are they?" asks about side effects; "... a candidate for CAR-T.
            // what is that?" does not ask about candidates, nor "heard the word immunotherapy
            // at the hospital. what does it mean?" about hospitals.
            let (from, until) = match (asks, clause.subject_end) {
                (true, _) => (0, clause.slots.len()),
                (false, Some(end)) => {
                    let at = clause.slots[end..]
                        .iter()
                        .position(|slot| !slot.is_in(List::GenericHeads))
                        .map_or(clause.slots.len(), |offset| end + offset);
                    (at, at + 1)
                }
                (false, None) => continue,
            };
            add_kinds(
                &clause.slots,
                from..until,
                language,
                answers,
                &mut reading.kinds,
            );
        }
    }
    reading.bare = clauses.iter().all(|clause| {
        clause.slots.iter().all(|slot| match slot {
            Slot::Word { .. } => slot.is_in(List::Filler) || slot.is_in(List::Pronouns),
            Slot::Subject => true,
            Slot::Other | Slot::Quote => false,
        })
    });
    reading
}

fn clauses<'a>(
    normalized: &'a Normalized,
    found: &[TermMatch],
    subject: SubjectIndex,
    language: &Language,
) -> Vec<Clause<'a>> {
    let mut clauses: Vec<Clause> = Vec::new();
    let mut current = 0;
    for (position, token) in normalized.tokens.iter().enumerate() {
        if clauses
            .get(current)
            .is_none_or(|c| c.number != token.clause)
        {
            // The words after a bracketed aside continue the clause before it.
            match clauses.iter().rposition(|c| c.number == token.clause) {
                Some(index) => current = index,
                None => {
                    clauses.push(Clause {
                        slots: Vec::new(),
                        sentence: token.sentence,
                        question: normalized.is_question(token.sentence),
                        subject_end: None,
                        has_other: false,
                        number: token.clause,
                        last_token: position,
                    });
                    current = clauses.len() - 1;
                }
            }
        }
        let Some(clause) = clauses.get_mut(current) else {
            continue;
        };
        clause.last_token = position;
        let covers = |m: &&TermMatch| m.start <= position && position < m.end;
        // Where two subjects share the name, it is this subject's name too.
        let named = found
            .iter()
            .filter(covers)
            .find(|m| m.subject == subject)
            .or_else(|| found.iter().find(covers));
        let slot = match named {
            Some(m) if m.subject == subject => Slot::Subject,
            Some(_) => Slot::Other,
            None if token.quoted => Slot::Quote,
            None => {
                let (word, stem) = (normalized.word(token), normalized.stem(token));
                Slot::Word {
                    word,
                    stem,
                    lists: language.membership(word, stem),
                }
            }
        };
        // A name of several words is one slot, so that a cue such as "how is {subject}
        // treated" reads "how is primary CNS lymphoma treated".
        let continues_name = named.is_some_and(|m| position > m.start)
            && matches!(
                (clause.slots.last(), &slot),
                (Some(Slot::Subject), Slot::Subject) | (Some(Slot::Other), Slot::Other)
            );
        if continues_name {
            continue;
        }
        match slot {
            Slot::Subject => clause.subject_end = Some(clause.slots.len() + 1),
            Slot::Other => clause.has_other = true,
            _ => {}
        }
        clause.slots.push(slot);
    }
    for index in 0..clauses.len() {
        let clause = &clauses[index];
        let last_of_sentence = !clauses
            .iter()
            .any(|other| other.sentence == clause.sentence && other.last_token > clause.last_token);
        if clause.question && !last_of_sentence {
            clauses[index].question = starts_question(clause);
        }
    }
    clauses
}

/// The clauses that make up the question about the subject: those that name it, and later
/// ones that point back to it or ask without naming anything.
fn linked_clauses(clauses: &[Clause], language: &Language) -> Vec<usize> {
    let mut linked = Vec::new();
    let mut following = false;
    for (index, clause) in clauses.iter().enumerate() {
        if clause.subject_end.is_some() {
            linked.push(index);
            following = true;
        } else if clause.has_other {
            following = false;
        } else if following
            && (points_back(clause) || has_no_object(clause) || asks_kind_alone(clause, language))
        {
            linked.push(index);
        }
    }
    linked
}

fn points_back(clause: &Clause) -> bool {
    clause.slots.iter().any(|slot| slot.is_in(List::Pronouns))
}

/// "explain pls", "meaning?", "can someone explain?": a request whose object is elsewhere.
fn has_no_object(clause: &Clause) -> bool {
    const FRAME_LISTS: [List; 10] = [
        List::Filler,
        List::Frame,
        List::AfterWhatName,
        List::AskPhrases,
        List::AskNouns,
        List::What,
        List::AfterWhat,
        List::QuestionStarts,
        List::How,
        List::HowMechanism,
    ];
    !clause.slots.is_empty()
        && clause
            .slots
            .iter()
            .all(|slot| FRAME_LISTS.iter().any(|&list| slot.is_in(list)))
        && clause.slots.iter().any(|slot| {
            slot.is_in(List::AskPhrases) || slot.is_in(List::AskNouns) || slot.is_in(List::What)
        })
}

/// A query typed like a search: the subject's name, a kind of question and nothing but filler
/// ("wilms tumor prognosis", "treatment for merkel cell cancer", "RCC stages pls").
fn is_kind_query(slots: &[Slot], language: &Language) -> bool {
    let (has_subject, has_cue) = cues_among(
        slots,
        language,
        &[
            List::Filler,
            List::Relation,
            List::GenericHeads,
            List::AskPhrases,
            List::AskNouns,
        ],
    );
    has_subject == Some(true) && has_cue
}

/// A question of a kind with no object of its own, asked after the subject was named: "my dad
/// has AML, what's the outlook?", "... what are the symptoms".
fn asks_kind_alone(clause: &Clause, language: &Language) -> bool {
    const FRAME: [List; 9] = [
        List::Filler,
        List::Relation,
        List::What,
        List::AfterWhat,
        List::QuestionStarts,
        List::Frame,
        List::How,
        List::AskPhrases,
        List::AskNouns,
    ];
    let (has_subject, has_cue) = cues_among(&clause.slots, language, &FRAME);
    let asks = clause.question
        || starts_question(clause)
        || clause.slots.iter().any(|slot| slot.is_in(List::AskPhrases));
    has_subject == Some(false) && has_cue && asks
}

/// Whether `slots` hold only kind cues, the subject and words of `allowed`: `None` when
/// anything else stands there, else whether the subject and a cue were among them.
fn cues_among(slots: &[Slot], language: &Language, allowed: &[List]) -> (Option<bool>, bool) {
    let mut has_subject = false;
    let mut has_cue = false;
    let mut position = 0;
    let cue_at = |at: usize| {
        language
            .kinds()
            .iter()
            .filter_map(|kind| phrase_at(slots, at, &kind.cues))
            .max()
    };
    while position < slots.len() {
        let cue = cue_at(position);
        // A cue that opens with the name ("melanoma treatment") gives way to one that starts
        // after it and reaches further ("... treatment options").
        if matches!(slots[position], Slot::Subject)
            && cue_at(position + 1)
                .is_some_and(|next| position + 1 + next > position + cue.unwrap_or(0))
        {
            has_subject = true;
            position += 1;
            continue;
        }
        if let Some(len) = cue {
            has_cue = true;
            has_subject |= slots[position..position + len]
                .iter()
                .any(|slot| matches!(slot, Slot::Subject));
            position += len;
            continue;
        }
        // Who it is about is context, not another object: "symptoms of X in adults".
        let audience = language
            .audiences()
            .iter()
            .filter_map(|audience| phrase_at(slots, position, &audience.cues))
            .max();
        if let Some(len) = audience {
            position += len;
            continue;
        }
        // Filler of several words: "going on", "right now".
        let allowed_phrase = allowed
            .iter()
            .filter_map(|&list| phrase_at(slots, position, language.list(list)))
            .max();
        if let Some(len) = allowed_phrase.filter(|&len| len > 1) {
            position += len;
            continue;
        }
        let slot = &slots[position];
        match slot {
            Slot::Subject => has_subject = true,
            Slot::Word { .. } if allowed.iter().any(|&list| slot.is_in(list)) => {}
            _ => return (None, has_cue),
        }
        position += 1;
    }
    (Some(has_subject), has_cue)
}

/// Whether the clause opens like a question: its first word past filler asks ("so is it
/// ...", "what"). A pronoun before the verb makes a statement: "it's stage 2 melanoma".
fn starts_question(clause: &Clause) -> bool {
    let Some(first) = clause
        .slots
        .iter()
        .position(|slot| slot.is_in(List::QuestionStarts) || !slot.is_in(List::Filler))
    else {
        return false;
    };
    clause.slots[first].is_in(List::QuestionStarts)
        && !clause.slots[..first]
            .iter()
            .any(|slot| slot.is_in(List::Pronouns))
}

/// The length of the longest phrase of `phrases` starting at `position`.
fn phrase_at(slots: &[Slot], position: usize, phrases: &Phrases) -> Option<usize> {
    let first = match slots.get(position)? {
        Slot::Word { word, stem, .. } => Some((*word, *stem)),
        Slot::Subject => None,
        _ => return None,
    };
    phrases.longest_at(position, first, |at, element| {
        slots.get(at).is_some_and(|slot| slot.matches(element))
    })
}

fn has_phrase(slots: &[Slot], phrases: &Phrases) -> bool {
    first_phrase(slots, phrases).is_some()
}

/// Where the first phrase of `phrases` in `slots` starts.
fn first_phrase(slots: &[Slot], phrases: &Phrases) -> Option<usize> {
    if phrases.is_empty() {
        return None;
    }
    (0..slots.len()).find(|&i| phrase_at(slots, i, phrases).is_some())
}

/// Adds the kinds whose cues start in `slots[within]`, past any neutral frame ("when it
/// comes to" names no time). A cue that is only the name and a word that may be part of it
/// ("melanoma treatment", "CAR-T therapy") names a kind only where the subject has an answer
/// of that kind; elsewhere the word is read as part of the name.
fn add_kinds(
    slots: &[Slot],
    within: std::ops::Range<usize>,
    language: &Language,
    answers: &[(KindId, TopicIndex)],
    kinds: &mut Vec<KindId>,
) {
    let neutral = language.list(List::Neutral);
    let mut position = 0;
    let mut masked_until = 0;
    while position < slots.len() {
        if let Some(len) = phrase_at(slots, position, neutral) {
            masked_until = masked_until.max(position + len);
        }
        if within.contains(&position) && position >= masked_until {
            // The longest cue starting here wins and covers its words: "how many people" asks
            // how common, not how many sessions; "reduce the risk" asks about prevention.
            let mut longest = 0;
            let mut here: Vec<KindId> = Vec::new();
            for (index, kind) in language.kinds().iter().enumerate() {
                let Some(len) = phrase_at(slots, position, &kind.cues) else {
                    continue;
                };
                if len > longest {
                    longest = len;
                    here.clear();
                }
                if len == longest {
                    here.push(KindId::new(index));
                }
            }
            let name_and_head = longest == 2
                && matches!(slots[position], Slot::Subject)
                && slots[position + 1].is_in(List::GenericHeads);
            if name_and_head {
                here.retain(|kind| answers.iter().any(|(answered, _)| answered == kind));
                if here.is_empty() {
                    longest = 0;
                }
            }
            // "my CML diagnosis", "her treatment": someone's own, not a question about it.
            let owned = match position.checked_sub(1).map(|before| &slots[before]) {
                Some(Slot::Subject) => position
                    .checked_sub(2)
                    .is_some_and(|before| slots[before].is_in(List::Possessives)),
                // The subject's own ("hodgkin's outlook") is what the question is about.
                Some(before) => {
                    before.is_in(List::Possessives)
                        && !(matches!(before, Slot::Word { word: "'s", .. })
                            && position >= 2
                            && matches!(slots[position - 2], Slot::Subject))
                }
                None => false,
            };
            if !owned {
                for kind in here {
                    if !kinds.contains(&kind) {
                        kinds.push(kind);
                    }
                }
            }
            if longest > 1 {
                masked_until = masked_until.max(position + longest);
            }
        }
        position += 1;
    }
}

/// Where a clause first asks what something is or how it works, if it does.
fn request_position(
    clause: &Clause,
    language: &Language,
    name_words: &Phrases,
    direct: bool,
) -> Option<usize> {
    let slots = &clause.slots;
    let asks_what = slots.iter().enumerate().position(|(i, slot)| {
        if !slot.is_in(List::What) {
            return false;
        }
        match slots.get(i + 1) {
            // "... immunotherapy: what?"
            None => true,
            // "what is", "what exactly is", "what kind of treatment is"; not "what time",
            // "what cancers", "what happens".
            Some(next @ Slot::Word { .. }) => {
                next.is_in(List::AfterWhat)
                    && !defines_something_else(&slots[i + 2..], name_words)
                    && !names_something_of_it(&slots[i + 2..])
            }
            // "what CAR-T is", "what checkpoint inhibitors do"; not "what CAR-T did you get".
            Some(Slot::Subject) => {
                let after_name = slots[i + 1..].iter().find(|slot| match slot {
                    Slot::Subject => false,
                    Slot::Word { .. } => !slot.is_in(List::GenericHeads),
                    _ => true,
                });
                after_name.is_none_or(|slot| slot.is_in(List::AfterWhatName))
            }
            Some(_) => false,
        }
    });
    let asks_how = slots.iter().enumerate().position(|(i, slot)| {
        slot.is_in(List::How)
            && slots
                .get(i + 1)
                .is_some_and(|next| next.is_in(List::HowMechanism))
            && slots
                .get(i + 2)
                .is_none_or(|after| !after.is_in(List::HowPersonal))
    });
    // A noun asks in a question ("meaning?", "definition of X?"), but not when it is someone's:
    // "the bot's explanation of mAbs was short".
    // Without a question mark, only a clause that is nothing but the subject, the noun and
    // filler asks: "immunotherapy definition pls", not "the definition of X is broad".
    let noun_phrase_only = || {
        slots.iter().all(|slot| match slot {
            Slot::Word { .. } => [List::AskNouns, List::Filler, List::Relation]
                .iter()
                .any(|&list| slot.is_in(list)),
            Slot::Subject => true,
            _ => false,
        })
    };
    let asks_by_noun = if clause.question || direct || noun_phrase_only() {
        slots.iter().enumerate().position(|(i, slot)| {
            slot.is_in(List::AskNouns)
                && !i
                    .checked_sub(1)
                    .and_then(|before| slots.get(before))
                    .is_some_and(|before| before.is_in(List::Possessives))
        })
    } else {
        None
    };
    let by_phrase = first_phrase(slots, language.list(List::AskPhrases));
    [asks_what, asks_how, asks_by_noun, by_phrase]
        .into_iter()
        .flatten()
        .min()
}

/// After "what is/do", whether the subject's name only qualifies another noun: "what do
/// immunotherapy nurses do", "what are CAR-T side effects". Generic heads belong to the name
/// ("CAR-T cells"); any word the language does not know as a frame or function word after them
/// is such a noun.
fn names_something_of_it(rest: &[Slot]) -> bool {
    const FUNCTION_LISTS: [List; 11] = [
        List::AfterWhatName,
        List::Relation,
        List::Filler,
        List::Pronouns,
        List::Possessives,
        List::Frame,
        List::QuestionStarts,
        List::AskPhrases,
        List::AskNouns,
        List::How,
        List::What,
    ];
    let Some(name_end) = rest.iter().rposition(|slot| matches!(slot, Slot::Subject)) else {
        return false;
    };
    let after_name = &rest[name_end + 1..];
    // "the CAR-T thing people keep talking about": after a head noun comes a relative clause.
    if after_name
        .first()
        .is_some_and(|slot| slot.is_in(List::GenericHeads))
    {
        return false;
    }
    match after_name.first() {
        // The last word of the clause after the name is its verb: "what do mAbs target".
        Some(Slot::Word { .. }) if after_name.len() == 1 => false,
        Some(slot @ Slot::Word { .. }) => !FUNCTION_LISTS.iter().any(|&list| slot.is_in(list)),
        Some(Slot::Other | Slot::Quote) => true,
        _ => false,
    }
}

/// After "what is", whether the thing asked about is another thing *in relation to* the
/// subject: "what is pseudoprogression on immunotherapy", "what is a flare after CAR-T". The
/// words before the preposition that leads to the subject's name decide; frame words ("the role
/// of", "the idea behind") still ask about the subject itself.
fn defines_something_else(rest: &[Slot], name_words: &Phrases) -> bool {
    let Some(name) = rest.iter().position(|slot| matches!(slot, Slot::Subject)) else {
        return false;
    };
    let Some(preposition) = name.checked_sub(1).map(|i| rest[i]) else {
        return false;
    };
    preposition.is_in(List::Relation)
        && rest[..name - 1].iter().any(|slot| match slot {
            // "what does 'checkpoint' mean in checkpoint inhibitors": a quoted word is a
            // piece of the name being asked about.
            Slot::Quote => false,
            // "what does the CAR part of CAR-T mean": a piece of the name is asked about.
            Slot::Word { word, stem, .. } if name_words.has_word(word, stem) => false,
            _ => !slot.is_in(List::Frame) && !slot.is_in(List::Relation),
        })
}
