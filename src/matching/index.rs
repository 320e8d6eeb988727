//! The term index: finds the catalog's subject terms in a message's words, tolerating typos in
//! long words and words split or joined ("check point", "checkpointinhibitor").
//!
//! Almost every message names no term, so this is the hot path. A word first goes through the
//! sieve (`sieve.rs`: its first character, length and letters against the vocabulary's), which
//! rules out nearly every chat word without hashing; the rest cost one table look-up and, for
//! long words, a scan of the vocabulary words of their first letter and a near length whose
//! letters are close, compared by a bit-parallel edit distance (`distance.rs`). It never
//! allocates per message beyond the reused buffers.

use super::distance::Pattern;
use super::fnv::FnvMap;
use super::ids::{SubjectIndex, VocabId};
use super::language::Language;
use super::normalize::{normalize, Normalized};
use super::sieve::{letter_mask, FirstTests, Key, LengthsByFirst, Letters};
use crate::word_table::WordTable;

/// One distinct word of the catalog's terms.
#[derive(Debug)]
struct VocabWord {
    text: String,
    ascii: bool,
    len: usize,
    first: char,
    max_edits: usize,
}

/// One spelling of one term, as vocabulary ids.
#[derive(Debug)]
struct Term {
    subject: SubjectIndex,
    words: Vec<VocabId>,
}

/// Where a vocabulary word was found in a message: at `position`, spanning `width` words
/// (2 when two written words form it together).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    position: usize,
    width: usize,
    vocab: VocabId,
    quality: f32,
}

/// A vocabulary word that accepts typos, as its bucket keeps it: the letters it uses beside
/// its id, so that most words of a bucket are passed over without reading them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fuzzy {
    letters: u32,
    id: VocabId,
}

/// The vocabulary words of one first character and length that accept typos.
#[derive(Debug, Clone, Default)]
struct Bucket {
    words: Vec<Fuzzy>,
    letters: Letters,
}

impl Bucket {
    fn push(&mut self, word: Fuzzy) {
        self.letters.add(word.letters);
        self.words.push(word);
    }

    /// Calls `visit` with the words that may differ from a word using `letters` in at most
    /// `limit` letters. The limit is the same for the whole bucket, and a large catalog's
    /// buckets hold dozens of words: each takes a test with no branch on the limit.
    fn near(&self, letters: u32, limit: u32, mut visit: impl FnMut(&Fuzzy)) {
        match limit {
            2 => self.within::<2>(letters, &mut visit),
            4 => self.within::<4>(letters, &mut visit),
            _ => self
                .words
                .iter()
                .filter(|entry| (letters ^ entry.letters).count_ones() <= limit)
                .for_each(visit),
        }
    }

    fn within<const LIMIT: u32>(&self, letters: u32, visit: &mut impl FnMut(&Fuzzy)) {
        for entry in &self.words {
            // Clearing the lowest set bit `LIMIT` times leaves nothing when at most `LIMIT`
            // were set: cheaper than counting on processors without a population count.
            let mut differences = letters ^ entry.letters;
            for _ in 0..LIMIT {
                differences &= differences.wrapping_sub(1);
            }
            if differences == 0 {
                visit(entry);
            }
        }
    }

    fn remove(&mut self, id: VocabId) {
        let words = std::mem::take(&mut self.words);
        *self = Bucket::default();
        words
            .into_iter()
            .filter(|word| word.id != id)
            .for_each(|word| self.push(word));
    }
}

/// Words by (first character, length). ASCII letters, the common case, index a flat table
/// directly; anything else goes through a map.
#[derive(Debug, Default)]
struct FuzzyBuckets {
    ascii: Vec<Bucket>,
    other: FnvMap<(char, usize), Bucket>,
}

/// Longest word length the flat table holds (longer words use the map).
pub(crate) const TABLE_LEN: usize = 48;

impl FuzzyBuckets {
    fn slot(first: char, len: usize) -> Option<usize> {
        (first.is_ascii_lowercase() && len < TABLE_LEN)
            .then(|| (first as usize - 'a' as usize) * TABLE_LEN + len)
    }

    fn get(&self, first: char, len: usize) -> Option<&Bucket> {
        match Self::slot(first, len) {
            Some(slot) => self.ascii.get(slot),
            None => self.other.get(&(first, len)),
        }
    }

    fn get_mut(&mut self, first: char, len: usize) -> &mut Bucket {
        match Self::slot(first, len) {
            Some(slot) => {
                if self.ascii.is_empty() {
                    self.ascii = vec![Bucket::default(); 26 * TABLE_LEN];
                }
                &mut self.ascii[slot]
            }
            None => self.other.entry((first, len)).or_default(),
        }
    }
}

/// The terms of every subject, indexed for lookup.
#[derive(Debug, Default)]
pub(crate) struct TermIndex {
    vocab: Vec<VocabWord>,
    exact: WordTable<VocabId>,
    /// Vocabulary ids that accept typos, by first character and length: a word is compared
    /// only with words it could be within the typo budget of.
    fuzzy: FuzzyBuckets,
    lengths: LengthsByFirst,
    /// The lengths of the words in `fuzzy`, by first character.
    fuzzy_lengths: LengthsByFirst,
    first_tests: FirstTests,
    terms: Vec<Term>,
    terms_by_first_word: FnvMap<VocabId, Vec<usize>>,
    /// By vocabulary id: whether the word is the first of some term. A message none of whose
    /// words is the first of a term names no term.
    starts_term: Vec<bool>,
}

/// Words shorter than this must be spelled exactly: too many short words are one edit apart.
pub(crate) const MIN_FUZZY_LEN: usize = 5;
/// Words at least this long accept two edits.
const TWO_EDIT_LEN: usize = 8;

/// What [`TermIndex::plan`] decides for a word: whether it may be spelled like a vocabulary
/// word, and the lengths of vocabulary words it may be a typo of (a bit each, and `long` for
/// those from 63 up).
#[derive(Debug, Clone, Copy)]
struct Plan {
    exact: bool,
    near: u64,
    long: bool,
}

/// Typos tolerated between a message word of `len` characters and a vocabulary word of
/// `other_len` that accepts typos: the shorter word sets the budget (a short word is not a
/// long one with typos), and the lengths must be within it.
fn max_edits(len: usize, other_len: usize) -> usize {
    let max_edits = edit_budget(other_len).min(edit_budget(len));
    if len.abs_diff(other_len) > max_edits {
        0
    } else {
        max_edits
    }
}

/// Typos tolerated in a word of `len` characters.
pub(crate) fn edit_budget(len: usize) -> usize {
    match len {
        0..MIN_FUZZY_LEN => 0,
        MIN_FUZZY_LEN..TWO_EDIT_LEN => 1,
        _ => 2,
    }
}

impl TermIndex {
    /// Adds every spelling of `term` for `subject`.
    /// A name that reads as nothing but function words of `language` ("THES" folds to "the",
    /// "WTS" reads "what is") is left out: it would name the subject in nearly every message.
    pub(crate) fn add(&mut self, subject: SubjectIndex, term: &str, language: &Language) {
        let stems: Vec<String> = normalize(term).stems().map(str::to_string).collect();
        if language.never_a_name(&stems) {
            return;
        }
        // A short name on its own (an abbreviation such as "ICI", a clipping such as "immuno")
        // is one typo away from too many ordinary words ("immune"): it must be spelled.
        if let [word] = stems.as_slice() {
            if word.chars().count() < TWO_EDIT_LEN {
                self.add_term(subject, &stems);
                let id = self.vocab_id(word);
                self.exact_only(id);
                return;
            }
        }
        for spelling in spellings(&stems) {
            self.add_term(subject, &spelling);
        }
    }

    fn exact_only(&mut self, id: VocabId) {
        let vocab = &mut self.vocab[id.get()];
        if vocab.max_edits == 0 {
            return;
        }
        vocab.max_edits = 0;
        self.fuzzy.get_mut(vocab.first, vocab.len).remove(id);
    }

    fn add_term(&mut self, subject: SubjectIndex, words: &[String]) {
        if words.is_empty() {
            return;
        }
        let ids: Vec<VocabId> = words.iter().map(|word| self.vocab_id(word)).collect();
        // Only terms with the same first word can be the same term: a short list, so building
        // stays linear in the number of terms.
        let first = ids[0].get();
        if self.starts_term.len() <= first {
            self.starts_term.resize(first + 1, false);
        }
        self.starts_term[first] = true;
        let same_start = self.terms_by_first_word.entry(ids[0]).or_default();
        let terms = &self.terms;
        if same_start.iter().any(|&id| {
            let term = &terms[id];
            term.subject == subject && term.words == ids
        }) {
            return;
        }
        same_start.push(self.terms.len());
        self.terms.push(Term {
            subject,
            words: ids,
        });
    }

    fn vocab_id(&mut self, word: &str) -> VocabId {
        if let Some(&id) = self.exact.get(word.as_bytes()) {
            return id;
        }
        let id = VocabId::new(self.vocab.len());
        let len = word.chars().count();
        let max_edits = edit_budget(len);
        let first = word.chars().next().unwrap_or(' ');
        let letters = letter_mask(word);
        if max_edits > 0 {
            self.fuzzy.get_mut(first, len).push(Fuzzy { letters, id });
            self.fuzzy_lengths.add(first, len);
        }
        self.lengths.add(first, len);
        self.first_tests.add(first, len, letters, max_edits > 0);
        self.vocab.push(VocabWord {
            text: word.to_string(),
            ascii: word.is_ascii(),
            len,
            first,
            max_edits,
        });
        self.exact.insert(word.as_bytes(), id);
        id
    }

    /// Whether a word with this key may stand for a vocabulary word: most chat words are done
    /// here, without hashing or reading the vocabulary. [`TermIndex::lookup`] finds nothing
    /// when not.
    #[inline]
    pub(crate) fn may_find(&self, key: Key) -> bool {
        // Most chat words use letters no vocabulary word of their first letter and a near
        // length uses; the rest start with a character no such word starts with.
        self.first_tests.may_find(key).unwrap_or_else(|| {
            self.lengths
                .may_hold(key.first, key.len, edit_budget(key.len))
        })
    }

    /// For each subject, the words that make another subject's name out of one of its own:
    /// "epithelial" for ovarian cancer (ovarian epithelial cancer), "atypical" for chronic
    /// myelogenous leukemia. Next to the name in a message, such a word means the member asks
    /// about the other, more specific thing. Words with a role in `language` ("causes", "of")
    /// and words of one or two letters never qualify.
    pub(crate) fn qualifiers(&self, subjects: usize, language: &Language) -> Vec<Vec<VocabId>> {
        let mut qualifiers: Vec<Vec<VocabId>> = vec![Vec::new(); subjects];
        for longer in &self.terms {
            for (at, first) in longer.words.iter().enumerate() {
                let Some(candidates) = self.terms_by_first_word.get(first) else {
                    continue;
                };
                for &id in candidates {
                    let shorter = &self.terms[id];
                    if shorter.subject == longer.subject
                        || shorter.words.len() >= longer.words.len()
                    {
                        continue;
                    }
                    let Some(used) = ordered_within(&shorter.words, &longer.words[at..]) else {
                        continue;
                    };
                    let Some(own) = qualifiers.get_mut(shorter.subject.get()) else {
                        continue;
                    };
                    // The words between the shorter name's words and right next to them:
                    // "breast cancer related lymphedema" qualifies breast cancer by "related",
                    // not by "lymphedema".
                    let (first, last) = (at + used[0], at + used[used.len() - 1]);
                    let around = first.saturating_sub(1)..=(last + 1).min(longer.words.len() - 1);
                    for offset in around {
                        let word = longer.words[offset];
                        let text = &self.vocab[word.get()].text;
                        let part_of_shorter = offset >= at && used.contains(&(offset - at));
                        if !part_of_shorter
                            && !own.contains(&word)
                            && text.chars().count() >= 3
                            && !language.has_role(text)
                        {
                            own.push(word);
                        }
                    }
                }
            }
        }
        // A subject's own words never qualify it ("cancer" of "lung cancer").
        for term in &self.terms {
            if let Some(own) = qualifiers.get_mut(term.subject.get()) {
                own.retain(|word| !term.words.contains(word));
            }
        }
        for own in &mut qualifiers {
            own.sort_unstable();
        }
        qualifiers
    }

    /// The vocabulary word spelled exactly `word`, if any.
    pub(crate) fn exact(&self, word: &str) -> Option<VocabId> {
        self.exact.get(word.as_bytes()).copied()
    }

    /// Vocabulary words that `word` may stand for, with how well it matches each (0..1].
    fn lookup(&self, word: &str, found: impl FnMut(VocabId, f32)) {
        if let Some(key) = Key::of(word) {
            self.lookup_keyed(word, key, found);
        }
    }

    /// [`TermIndex::lookup`] of a word whose key is known.
    fn lookup_keyed(&self, word: &str, key: Key, found: impl FnMut(VocabId, f32)) {
        if let Some(plan) = self.plan(key) {
            self.look_up(word, key, plan, found);
        }
    }

    /// What a look-up of a word with this key may find, decided from the key alone; `None`
    /// when nothing.
    fn plan(&self, key: Key) -> Option<Plan> {
        if !self.may_find(key) {
            return None;
        }
        let plan = match self.first_tests.sift(key) {
            Some(sifted) => Plan {
                exact: sifted.exact,
                near: sifted.near,
                long: false,
            },
            None => self.plan_slowly(key)?,
        };
        (plan.exact || plan.near != 0 || plan.long).then_some(plan)
    }

    /// [`TermIndex::plan`] for a word the first tests say nothing of: its first character is
    /// no ASCII letter or digit, or it is very long.
    fn plan_slowly(&self, key: Key) -> Option<Plan> {
        let Key {
            first,
            len,
            letters,
        } = key;
        let budget = edit_budget(len);
        if !self.lengths.may_hold(first, len, budget) {
            return None;
        }
        let mut near = 0;
        let mut long = false;
        if len >= MIN_FUZZY_LEN {
            // Only the lengths some word that accepts typos has, and whose words use letters
            // close enough. Lengths from 63 up share the top bit: when it is set, they are
            // all tried.
            let window = self.fuzzy_lengths.window(first, len, budget);
            long = window >> 63 != 0;
            let mut lengths = window & !(1 << 63);
            while lengths != 0 {
                let other_len = lengths.trailing_zeros() as usize;
                lengths &= lengths - 1;
                let max_edits = max_edits(len, other_len);
                if max_edits > 0
                    && self.fuzzy.get(first, other_len).is_some_and(|bucket| {
                        bucket.letters.may_be_near(letters, 2 * max_edits as u32)
                    })
                {
                    near |= 1 << other_len;
                }
            }
        }
        Some(Plan {
            exact: true,
            near,
            long,
        })
    }

    /// [`TermIndex::lookup`] of a word as its `plan` says.
    fn look_up(&self, word: &str, key: Key, plan: Plan, mut found: impl FnMut(VocabId, f32)) {
        if plan.exact {
            if let Some(&id) = self.exact.get(word.as_bytes()) {
                found(id, 1.0);
                return;
            }
        }
        let Key {
            first,
            len,
            letters,
        } = key;
        let mut near = plan.near;
        let short = std::iter::from_fn(|| {
            let other_len = (near != 0).then(|| near.trailing_zeros() as usize);
            near &= near.wrapping_sub(1);
            other_len
        });
        let long = plan
            .long
            .then(|| 63.max(len.saturating_sub(edit_budget(len)))..=len + edit_budget(len))
            .into_iter()
            .flatten();
        let mut pattern = None;
        for other_len in short.chain(long) {
            let max_edits = max_edits(len, other_len);
            if max_edits == 0 {
                continue;
            }
            // Each typo changes at most two letters of the set a word uses.
            let limit = 2 * max_edits as u32;
            let Some(bucket) = self.fuzzy.get(first, other_len) else {
                continue;
            };
            bucket.near(letters, limit, |entry| {
                let vocab = &self.vocab[entry.id.get()];
                debug_assert_eq!((vocab.first, vocab.len), (first, other_len));
                let pattern = pattern.get_or_insert_with(|| Pattern::new(word));
                if let Some(distance) = pattern.distance_to(&vocab.text, vocab.ascii, max_edits) {
                    found(entry.id, 1.0 - distance as f32 / vocab.len as f32);
                }
            });
        }
    }

    /// Finds every vocabulary word in the message: each word by its stem, and each two
    /// neighbouring words as written together ("check point" -> "checkpoint"), unless one of
    /// them is a function word of `language` ("are amyloidosis" is not "AA amyloidosis").
    pub(crate) fn find_hits(
        &self,
        normalized: &Normalized,
        language: &Language,
        pair: &mut String,
        hits: &mut Vec<Hit>,
    ) {
        hits.clear();
        let tokens = &normalized.tokens;
        for (position, token) in tokens.iter().enumerate() {
            let mut asks_with_word = None;
            self.lookup(normalized.stem(token), |vocab, quality| {
                // A word members ask with ("treat") is never a typo of a name's ("throat").
                if quality < 1.0
                    && *asks_with_word
                        .get_or_insert_with(|| language.asks_with(normalized.word(token)))
                {
                    return;
                }
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
            let (word, next_stem) = (normalized.word(token), normalized.stem(next));
            let (Some(word_key), Some(stem_key)) = (Key::of(word), Key::of(next_stem)) else {
                continue;
            };
            let mut joinable = None;
            let mut asks_with = None;
            self.lookup_pair(
                (word, word_key),
                (next_stem, stem_key),
                pair,
                |vocab, quality| {
                    // Asked only when the pair resembles a term, which is rare.
                    let joinable = *joinable.get_or_insert_with(|| {
                        joinable_pair(language, normalized.word(token), normalized.word(next))
                    });
                    // A word members ask with keeps its spelling when read together with its
                    // neighbour: "imuno therapy" is "immunotherapy", but "treat cancer" is
                    // not "breastcancer".
                    let changes_an_asking_word = quality < 1.0 && {
                        let (asks_first, asks_second) = *asks_with.get_or_insert_with(|| {
                            (language.asks_with(word), language.asks_with(next_stem))
                        });
                        let joined = &self.vocab[vocab.get()].text;
                        (asks_first && !joined.starts_with(word))
                            || (asks_second && !joined.ends_with(next_stem))
                    };
                    if joinable && !changes_an_asking_word {
                        hits.push(Hit {
                            position,
                            width: 2,
                            vocab,
                            quality,
                        })
                    }
                },
            );
        }
    }

    /// Vocabulary words that two neighbouring words written together may stand for (`word`
    /// as written, the next one's `stem`), built in `pair`; see [`TermIndex::lookup`]. The
    /// caller decides whether the two may be read together ([`joinable_pair`]).
    pub(crate) fn lookup_pair(
        &self,
        (word, word_key): (&str, Key),
        (stem, stem_key): (&str, Key),
        pair: &mut String,
        found: impl FnMut(VocabId, f32),
    ) {
        // The pair is built only if the vocabulary may hold a word like it.
        let key = word_key.joined(stem_key);
        if word.len() + stem.len() < MIN_FUZZY_LEN {
            return;
        }
        let Some(plan) = self.plan(key) else {
            return;
        };
        pair.clear();
        pair.push_str(word);
        pair.push_str(stem);
        self.look_up(pair, key, plan, found);
    }

    /// Whether `vocab` is the first word of some term.
    pub(crate) fn starts_term(&self, vocab: VocabId) -> bool {
        self.starts_term.get(vocab.get()).copied().unwrap_or(false)
    }

    /// Whether the vocabulary holds a word that `stem` may stand for and that is the first of
    /// some term: finding terms begins only at such words.
    pub(crate) fn finds_a_start(&self, stem: &str) -> bool {
        let mut found = false;
        self.lookup(stem, |vocab, _| found |= self.starts_term(vocab));
        found
    }

    /// [`TermIndex::finds_a_start`] of a word whose key is known.
    pub(crate) fn finds_a_start_keyed(&self, stem: &str, key: Key) -> bool {
        let mut found = false;
        self.lookup_keyed(stem, key, |vocab, _| found |= self.starts_term(vocab));
        found
    }

    /// Every place a subject's term occurs among the hits (the best of overlapping ones), best
    /// first: the first match of each subject is its best.
    /// `possessive(position)` says whether the word there is a possessive `'s`, which may stand
    /// inside a name: "Ewing's sarcoma" is Ewing sarcoma.
    pub(crate) fn find_terms(
        &self,
        token_count: usize,
        hits: &[Hit],
        possessive: impl Fn(usize) -> bool + Copy,
    ) -> Vec<TermMatch> {
        let mut all: Vec<TermMatch> = Vec::new();
        for hit in hits {
            let Some(term_ids) = self.terms_by_first_word.get(&hit.vocab) else {
                continue;
            };
            for &term_id in term_ids {
                let term = &self.terms[term_id];
                let Some((end, quality)) =
                    match_term(&term.words, hit.position, hits, &self.vocab, possessive)
                else {
                    continue;
                };
                let candidate = TermMatch {
                    subject: term.subject,
                    start: hit.position,
                    end: end.min(token_count),
                    quality,
                };
                all.push(candidate);
            }
        }
        all.sort_by(|a, b| {
            b.quality
                .total_cmp(&a.quality)
                .then((b.end - b.start).cmp(&(a.end - a.start)))
                .then(a.start.cmp(&b.start))
        });
        let mut kept: Vec<TermMatch> = Vec::with_capacity(all.len());
        for candidate in all {
            if !kept.iter().any(|k| {
                k.subject == candidate.subject && k.start < candidate.end && candidate.start < k.end
            }) {
                kept.push(candidate);
            }
        }
        kept
    }
}

/// Whether two neighbouring words may be read as one written together: not when either is a
/// function word of `language` ("are amyloidosis" is not "AA amyloidosis").
pub(crate) fn joinable_pair(language: &Language, word: &str, next: &str) -> bool {
    !language.is_function_word(word) && !language.is_function_word(next)
}

/// Where the words of `short` stand in `long`, in order and starting at its first word, if
/// they all do.
fn ordered_within(short: &[VocabId], long: &[VocabId]) -> Option<Vec<usize>> {
    let mut used = Vec::with_capacity(short.len());
    let mut from = 0;
    for (index, word) in short.iter().enumerate() {
        let found = if index == 0 {
            (long.first() == Some(word)).then_some(0)
        } else {
            long[from..]
                .iter()
                .position(|w| w == word)
                .map(|offset| from + offset)
        }?;
        used.push(found);
        from = found + 1;
    }
    Some(used)
}

/// Where a subject's term was found: words `start..end`, matched with `quality` (0..1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TermMatch {
    pub subject: SubjectIndex,
    pub start: usize,
    pub end: usize,
    pub quality: f32,
}

/// Matches a term's words from message position `start`; returns the end position and quality.
/// A term word may match one message word or two adjacent ones written together.
fn match_term(
    words: &[VocabId],
    start: usize,
    hits: &[Hit],
    vocab: &[VocabWord],
    possessive: impl Fn(usize) -> bool + Copy,
) -> Option<(usize, f32)> {
    fn walk(
        words: &[VocabId],
        position: usize,
        hits: &[Hit],
        vocab: &[VocabWord],
        possessive: impl Fn(usize) -> bool + Copy,
    ) -> Option<(usize, f32)> {
        let Some((&word, rest)) = words.split_first() else {
            return Some((position, 0.0));
        };
        let weight = vocab[word.get()].len as f32;
        let mut best: Option<(usize, f32)> = None;
        for hit in hits
            .iter()
            .filter(|h| h.position == position && h.vocab == word)
        {
            let next = position + hit.width;
            // The name as written, or with a possessive skipped ("Ewing's sarcoma"); a name
            // that holds the possessive itself ("Cushing's syndrome") takes the first way.
            let skip = (!rest.is_empty() && possessive(next)).then_some(next + 1);
            for next in std::iter::once(next).chain(skip) {
                if let Some((end, weighted)) = walk(rest, next, hits, vocab, possessive) {
                    // A name as written beats one read past a possessive: "Alzheimer's
                    // disease" is that subject before it is "Alzheimer disease".
                    let as_written = if Some(next) == skip { 0.98 } else { 1.0 };
                    let total = weighted + hit.quality * weight * as_written;
                    if best.is_none_or(|(_, b)| total > b) {
                        best = Some((end, total));
                    }
                }
            }
        }
        best
    }
    let total_weight: f32 = words.iter().map(|&w| vocab[w.get()].len as f32).sum();
    walk(words, start, hits, vocab, possessive)
        .map(|(end, weighted)| (end, weighted / total_weight))
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
