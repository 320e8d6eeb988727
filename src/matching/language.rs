//! The language around a subject's name: how members ask, what kinds of question there are,
//! what reports rather than asks, and what carries no meaning. All of it is data from the
//! responses folder (`language.toml`), so a moderator can teach the bot "rundown" or a new kind
//! of question without a release; this module only holds the validated lists and answers "is
//! this word or phrase in list X" quickly.
//!
//! Phrases are matched on normalised words (the same normalisation as messages), never
//! fuzzily: a typo may weaken a request but must never make one.

use std::ops::RangeInclusive;

use super::fnv::FnvMap;
use super::ids::{AudienceId, KindId};
use super::normalize::normalize;

/// The named lists of the language file. Each list's meaning is documented in the shipped
/// `responses/language.toml` and in docs/MATCHING.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum List {
    /// Words that open a "what is" question (`what`).
    What,
    /// After `what`: words that make it a "what is it" question (`is`, `are`, `exactly`).
    AfterWhat,
    /// After "what `<name>`": words that still ask what it is (`is`, `does`, `mean`).
    AfterWhatName,
    /// Words that open a "how does it work" question (`how`).
    How,
    /// After `how`: words that make it a question about the mechanism (`does`, `do`).
    HowMechanism,
    /// After "how does": words that make it personal instead (`i`, `my`).
    HowPersonal,
    /// Prepositions that tie another thing to the subject ("a flare *after* CAR-T").
    Relation,
    /// Words between "what is" and a preposition that still ask about the subject itself
    /// ("the *role* of").
    Frame,
    /// Words that follow a name as part of it ("CAR-T *therapy*").
    GenericHeads,
    /// Words and phrases that ask for an explanation wherever they stand (`explain`,
    /// `tell me about`, `rundown`).
    AskPhrases,
    /// Nouns that ask in a question, unless someone's (`meaning?`, but not "the bot's
    /// explanation").
    AskNouns,
    /// Words that own the noun after them (`my`, `'s`).
    Possessives,
    /// Words that open a question even without a question mark (`what`, `is`, `can`).
    QuestionStarts,
    /// Words that carry no request and no content (greetings, politeness, the bot).
    Filler,
    /// Words that point back to a subject named before (`it`, `that`, `they`).
    Pronouns,
    /// Phrases that look like a kind of question but are only a frame ("when it comes to",
    /// "in general"): masked before kinds are read.
    Neutral,
    /// Words and phrases that report rather than ask ("explained", "I know", "not asking").
    Report,
}

impl List {
    /// This list's bit in a word's membership mask.
    fn bit(self) -> u32 {
        1 << (self as u32)
    }

    pub const ALL: [List; 17] = [
        List::What,
        List::AfterWhat,
        List::AfterWhatName,
        List::How,
        List::HowMechanism,
        List::HowPersonal,
        List::Relation,
        List::Frame,
        List::GenericHeads,
        List::AskPhrases,
        List::AskNouns,
        List::Possessives,
        List::QuestionStarts,
        List::Filler,
        List::Pronouns,
        List::Neutral,
        List::Report,
    ];
}

/// One element of a phrase: a word, or the place where the subject's name stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    Word(String),
    Subject,
}

/// Written in a phrase where the subject's name stands: `what was {subject} like`.
pub const SUBJECT_PLACEHOLDER: &str = "{subject}";

/// Why a phrase was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhraseError {
    #[error("\"{0}\" has no words to match")]
    Empty(String),
    #[error("\"{0}\": `{{subject}}` belongs only in the cues of a kind")]
    SubjectNotAllowed(String),
    #[error("\"{0}\" is longer than {MAX_PHRASE_WORDS} words")]
    TooLong(String),
    #[error("\"{0}\" is longer than {MAX_QUESTION_WORDS} words")]
    QuestionTooLong(String),
    #[error("\"{0}\" is longer than {MAX_TERM_WORDS} words")]
    TermTooLong(String),
}

/// Longest phrase, in words: phrases are short frames, and matching tries each at every word.
pub const MAX_PHRASE_WORDS: usize = 8;

/// A set of phrases, indexed by their first element.
#[derive(Debug, Clone, Default)]
pub struct Phrases {
    by_first: FnvMap<String, Vec<Vec<Element>>>,
    subject_first: Vec<Vec<Element>>,
    len: usize,
}

impl Phrases {
    fn insert(&mut self, phrase: Vec<Element>) {
        self.len += 1;
        match phrase.first() {
            Some(Element::Word(first)) => {
                self.by_first.entry(first.clone()).or_default().push(phrase)
            }
            _ => self.subject_first.push(phrase),
        }
    }

    /// Phrases from texts already validated (see [`check_phrase`]); any that fails is left out.
    pub fn lenient<'a>(texts: impl IntoIterator<Item = &'a str>) -> Phrases {
        let mut phrases = Phrases::default();
        for text in texts {
            if let Ok(parsed) = parse_phrase(text) {
                phrases.insert(parsed);
            }
        }
        phrases
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether some phrase starts with `word`.
    pub fn starts_with_word(&self, word: &str) -> bool {
        self.by_first.contains_key(word)
    }

    /// Whether a one-word phrase is this word (as written or singular).
    pub fn has_word(&self, word: &str, stem: &str) -> bool {
        let single = |key: &str| {
            self.by_first
                .get(key)
                .is_some_and(|phrases| phrases.iter().any(|p| p.len() == 1))
        };
        single(word) || (stem != word && single(stem))
    }

    /// The length of the longest phrase that starts at `position`, matching with `element_at`
    /// (which tells whether the slot at a position holds that element).
    pub fn longest_at(
        &self,
        position: usize,
        first_word: Option<(&str, &str)>,
        matches: impl Fn(usize, &Element) -> bool,
    ) -> Option<usize> {
        let mut best: Option<usize> = None;
        let mut try_list = |list: &[Vec<Element>]| {
            for phrase in list {
                if best.is_some_and(|b| b >= phrase.len()) {
                    continue;
                }
                if phrase
                    .iter()
                    .enumerate()
                    .all(|(offset, element)| matches(position + offset, element))
                {
                    best = Some(phrase.len());
                }
            }
        };
        match first_word {
            Some((word, stem)) => {
                if let Some(list) = self.by_first.get(word) {
                    try_list(list);
                }
                if stem != word {
                    if let Some(list) = self.by_first.get(stem) {
                        try_list(list);
                    }
                }
            }
            None => try_list(&self.subject_first),
        }
        best
    }
}

/// A kind of question and the cues that ask it.
#[derive(Debug, Clone)]
pub struct Kind {
    pub id: String,
    pub cues: Phrases,
    /// Whether the cues only frame another question ("am I ...", "which ..."): beside a kind
    /// that is not framing, they do not count.
    pub framing: bool,
    /// Kinds whose answer answers this one where a subject has none of this kind, in order:
    /// "is retinoblastoma genetic?" is answered by "Is retinoblastoma inherited?".
    pub answered_by: Vec<KindId>,
}

/// Who a subject is about, when several subjects share a name: acute lymphoblastic leukemia
/// in children and in adults. A message says which by its words ("my son", "in adults") or by
/// an age ("my 6 year old", "I'm 38").
#[derive(Debug, Clone)]
pub struct Audience {
    pub id: String,
    pub cues: Phrases,
    /// The ages, in years, that belong to this audience (inclusive).
    pub ages: RangeInclusive<u32>,
}

/// The lists a word belongs to (as a one-word entry), one bit per [`List`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Membership(u32);

impl Membership {
    pub fn contains(self, list: List) -> bool {
        self.0 & list.bit() != 0
    }
}

/// The validated language of one catalog.
#[derive(Debug, Clone)]
pub struct Language {
    lists: Vec<Phrases>,
    /// Every one-word entry with the lists it is in: a clause's words are looked up once, then
    /// every "is this word in list X" is a bit test.
    memberships: FnvMap<String, Membership>,
    kinds: Vec<Kind>,
    definition: KindId,
    audiences: Vec<Audience>,
    everyday_names: Vec<EverydayName>,
}

/// A publisher's word for a part of the body ("laryngeal") and the words members use for it
/// ("larynx", "voice box"); the publisher's word in lower case, the members' as written
/// ("GI"). Only the importer reads them, to name subjects as
/// members do; the matcher never does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EverydayName {
    pub formal: String,
    pub everyday: Vec<String>,
}

impl Language {
    /// An empty language whose plain requests ("what is X", "explain X") ask for the kind
    /// `definition_kind`, which is declared as the first kind.
    pub fn new(definition_kind: &str) -> Language {
        Language {
            lists: vec![Phrases::default(); List::ALL.len()],
            memberships: FnvMap::default(),
            kinds: vec![Kind {
                id: definition_kind.to_string(),
                cues: Phrases::default(),
                framing: false,
                answered_by: Vec::new(),
            }],
            definition: KindId::new(0),
            audiences: Vec::new(),
            everyday_names: Vec::new(),
        }
    }

    /// Adds the everyday words for a publisher's word (see [`EverydayName`]).
    pub fn add_everyday_name(&mut self, formal: &str, everyday: &[&str]) {
        self.everyday_names.push(EverydayName {
            formal: formal.trim().to_lowercase(),
            everyday: everyday
                .iter()
                .map(|word| word.trim().to_string())
                .collect(),
        });
    }

    pub fn everyday_names(&self) -> &[EverydayName] {
        &self.everyday_names
    }

    /// Declares an audience (or returns the one already declared under that id).
    pub fn add_audience(&mut self, id: &str, ages: RangeInclusive<u32>) -> AudienceId {
        if let Some(existing) = self.audience(id) {
            return existing;
        }
        self.audiences.push(Audience {
            id: id.to_string(),
            cues: Phrases::default(),
            ages,
        });
        AudienceId::new(self.audiences.len() - 1)
    }

    /// Adds a word or phrase that says a message is about this audience.
    pub fn add_audience_cue(
        &mut self,
        audience: AudienceId,
        phrase: &str,
    ) -> Result<(), PhraseError> {
        let parsed = parse_phrase(phrase)?;
        if parsed.contains(&Element::Subject) {
            return Err(PhraseError::SubjectNotAllowed(phrase.to_string()));
        }
        if let Some(audience) = self.audiences.get_mut(audience.get()) {
            audience.cues.insert(parsed);
        }
        Ok(())
    }

    pub fn audience(&self, id: &str) -> Option<AudienceId> {
        self.audiences
            .iter()
            .position(|audience| audience.id == id)
            .map(AudienceId::new)
    }

    pub fn audiences(&self) -> &[Audience] {
        &self.audiences
    }

    /// Adds a phrase to a list.
    pub fn add(&mut self, list: List, phrase: &str) -> Result<(), PhraseError> {
        let parsed = parse_phrase(phrase)?;
        if parsed.contains(&Element::Subject) {
            return Err(PhraseError::SubjectNotAllowed(phrase.to_string()));
        }
        if let [Element::Word(word)] = parsed.as_slice() {
            self.memberships.entry(word.clone()).or_default().0 |= list.bit();
        }
        self.lists[list as usize].insert(parsed);
        Ok(())
    }

    /// Declares a kind of question (or returns the one already declared under that id).
    pub fn add_kind(&mut self, id: &str, framing: bool) -> KindId {
        if let Some(existing) = self.kind(id) {
            if let Some(kind) = self.kinds.get_mut(existing.get()) {
                kind.framing |= framing;
            }
            return existing;
        }
        self.kinds.push(Kind {
            id: id.to_string(),
            cues: Phrases::default(),
            framing,
            answered_by: Vec::new(),
        });
        KindId::new(self.kinds.len() - 1)
    }

    /// Lets `by`'s answer answer `kind` where a subject has none of `kind`.
    pub fn add_answered_by(&mut self, kind: KindId, by: KindId) {
        if let Some(kind) = self.kinds.get_mut(kind.get()) {
            if !kind.answered_by.contains(&by) {
                kind.answered_by.push(by);
            }
        }
    }

    /// The kinds whose answer answers `kind` where a subject has none of it, in order.
    pub fn answered_by(&self, kind: KindId) -> &[KindId] {
        self.kinds
            .get(kind.get())
            .map_or(&[], |kind| kind.answered_by.as_slice())
    }

    /// Whether a kind only frames other questions.
    pub fn is_framing(&self, kind: KindId) -> bool {
        self.kinds.get(kind.get()).is_some_and(|k| k.framing)
    }

    /// Adds a cue that asks the kind; `{subject}` marks where the subject's name stands.
    pub fn add_cue(&mut self, kind: KindId, phrase: &str) -> Result<(), PhraseError> {
        let parsed = parse_phrase(phrase)?;
        if let Some(kind) = self.kinds.get_mut(kind.get()) {
            kind.cues.insert(parsed);
        }
        Ok(())
    }

    pub fn kind(&self, id: &str) -> Option<KindId> {
        self.kinds
            .iter()
            .position(|kind| kind.id == id)
            .map(KindId::new)
    }

    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    pub fn kind_id(&self, kind: KindId) -> &str {
        self.kinds.get(kind.get()).map_or("", |k| k.id.as_str())
    }

    /// The kind a plain request asks for.
    pub fn definition(&self) -> KindId {
        self.definition
    }

    pub fn list(&self, list: List) -> &Phrases {
        &self.lists[list as usize]
    }

    /// Whether a word only holds a sentence together ("the", "what", "of", "it"): a subject
    /// named by such a word alone would be found in nearly every message.
    pub fn is_function_word(&self, word: &str) -> bool {
        const FUNCTION_LISTS: [List; 11] = [
            List::What,
            List::AfterWhat,
            List::AfterWhatName,
            List::How,
            List::HowMechanism,
            List::HowPersonal,
            List::Relation,
            List::QuestionStarts,
            List::Filler,
            List::Pronouns,
            List::Possessives,
        ];
        let membership = self.membership(word, word);
        FUNCTION_LISTS.iter().any(|&list| membership.contains(list))
    }

    /// Whether a word has a role in how members ask: it is in a list, or it is a one-word cue
    /// of a kind of question ("causes", "treatment") or of an audience ("kid").
    pub fn has_role(&self, word: &str) -> bool {
        self.membership(word, word) != Membership::default()
            || self.kinds.iter().any(|kind| kind.cues.has_word(word, word))
            || self
                .audiences
                .iter()
                .any(|audience| audience.cues.has_word(word, word))
    }

    /// Whether members ask with `word`: it is, or starts, a phrase of a list, of a kind's cues
    /// or of an audience's ("treat" of "treat {subject}"); every word with a role
    /// ([`Language::has_role`]) is one. Such a word is never read as a typo of a name's word:
    /// "treat cancer" is not "breast cancer".
    pub fn asks_with(&self, word: &str) -> bool {
        self.lists.iter().any(|list| list.starts_with_word(word))
            || self
                .kinds
                .iter()
                .any(|kind| kind.cues.starts_with_word(word))
            || self
                .audiences
                .iter()
                .any(|audience| audience.cues.starts_with_word(word))
    }

    /// Whether a name read as `words` can never name anything: nothing but function words
    /// ("the", "what is"), or one word the language gives a role of its own ("gist",
    /// "overview", "kid"): such a name would be found in the messages that only ask.
    pub fn never_a_name<S: AsRef<str>>(&self, words: &[S]) -> bool {
        match words {
            [word] => {
                let word = word.as_ref();
                self.membership(word, word) != Membership::default()
                    || self
                        .audiences
                        .iter()
                        .any(|audience| audience.cues.has_word(word, word))
            }
            _ => words
                .iter()
                .all(|word| self.is_function_word(word.as_ref())),
        }
    }

    /// The lists a word (as written or singular) is a one-word entry of.
    pub fn membership(&self, word: &str, stem: &str) -> Membership {
        let of = |key: &str| self.memberships.get(key).copied().unwrap_or_default();
        if stem == word {
            of(word)
        } else {
            Membership(of(word).0 | of(stem).0)
        }
    }
}

/// Whether `text` can be a phrase of a list (`{subject}` allowed only where `with_subject`).
pub fn check_phrase(text: &str, with_subject: bool) -> Result<(), PhraseError> {
    let parsed = parse_phrase(text)?;
    if !with_subject && parsed.contains(&Element::Subject) {
        return Err(PhraseError::SubjectNotAllowed(text.to_string()));
    }
    Ok(())
}

/// Most words of a subject's name. Names of rare conditions run long ("adult-onset
/// leukoencephalopathy with axonal spheroids and pigmented glia"); a name is looked up by its
/// first word only, so its length costs nothing per message.
pub const MAX_TERM_WORDS: usize = 16;

/// Whether `text` can name a subject: it has words, at most [`MAX_TERM_WORDS`], and no
/// `{subject}`.
pub fn check_term(text: &str) -> Result<(), PhraseError> {
    check_words(text, MAX_TERM_WORDS, PhraseError::TermTooLong)
}

/// Whether `text` has words, at most `max`, and no `{subject}`.
fn check_words(
    text: &str,
    max: usize,
    too_long: fn(String) -> PhraseError,
) -> Result<(), PhraseError> {
    if text.contains(SUBJECT_PLACEHOLDER) {
        return Err(PhraseError::SubjectNotAllowed(text.to_string()));
    }
    let words = normalize(text).words().count();
    if words == 0 {
        return Err(PhraseError::Empty(text.to_string()));
    }
    if words > max {
        return Err(too_long(text.to_string()));
    }
    Ok(())
}

/// Most words of a known question: all that normalisation reads of a message. Questions are
/// compared whole with messages, not searched for inside them, so they may be longer than a
/// phrase ("What are the genetic changes related to ...?").
pub const MAX_QUESTION_WORDS: usize = 96;

/// Whether `text` can be a known question: it has words, at most [`MAX_QUESTION_WORDS`], and no
/// `{subject}`.
pub fn check_question(text: &str) -> Result<(), PhraseError> {
    check_words(text, MAX_QUESTION_WORDS, PhraseError::QuestionTooLong)
}

/// Splits a phrase into elements, normalising each run of words like a message.
fn parse_phrase(phrase: &str) -> Result<Vec<Element>, PhraseError> {
    let mut elements = Vec::new();
    for (index, part) in phrase.split(SUBJECT_PLACEHOLDER).enumerate() {
        if index > 0 {
            elements.push(Element::Subject);
        }
        for piece in part.split_whitespace() {
            // A clitic kept by normalisation ("'s", the possessive) is written as it appears.
            if piece.starts_with('\'') && piece.len() > 1 {
                elements.push(Element::Word(piece.to_string()));
            } else {
                elements.extend(
                    normalize(piece)
                        .words()
                        .map(|w| Element::Word(w.to_string())),
                );
            }
        }
    }
    if !elements.iter().any(|e| matches!(e, Element::Word(_))) {
        return Err(PhraseError::Empty(phrase.to_string()));
    }
    if elements.len() > MAX_PHRASE_WORDS {
        return Err(PhraseError::TooLong(phrase.to_string()));
    }
    Ok(elements)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_normalised_like_messages() {
        let mut language = Language::new("definition");
        language.add(List::AskPhrases, "What's the gist").unwrap();
        let phrases = language.list(List::AskPhrases);
        let words = ["what", "is", "the", "gist"];
        let found = phrases.longest_at(0, Some(("what", "what")), |i, e| match e {
            Element::Word(w) => words.get(i) == Some(&w.as_str()),
            Element::Subject => false,
        });
        assert_eq!(found, Some(4));
    }

    #[test]
    fn refuses_empty_and_misplaced_subjects() {
        let mut language = Language::new("definition");
        assert!(matches!(
            language.add(List::Filler, "?!"),
            Err(PhraseError::Empty(_))
        ));
        assert!(matches!(
            language.add(List::AskPhrases, "what is {subject}"),
            Err(PhraseError::SubjectNotAllowed(_))
        ));
        let kind = language.add_kind("experience", false);
        assert!(language.add_cue(kind, "what was {subject} like").is_ok());
        assert_eq!(language.kind("experience"), Some(kind));
        assert_eq!(language.kind_id(language.definition()), "definition");
    }
}
