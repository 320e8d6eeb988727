//! The term index: finds the catalog's subject terms in a message's words, tolerating typos in
//! long words and words split or joined ("check point", "checkpointinhibitor").
//!
//! Almost every message names no term, so this is the hot path. A word first goes through the
//! sieve (`sieve.rs`: its first character, length and letters against the vocabulary's), which
//! rules out nearly every chat word without hashing; the rest cost one table look-up and, for
//! long words, a look for typos: in a small vocabulary a scan of the words of their first
//! letter and a near length whose letters are close, in a corpus-sized one the few words that
//! share a deletion neighbour with them (`distance.rs`), either way compared by a bit-parallel
//! edit distance. It never allocates per message beyond the reused buffers.

use super::distance::{Neighbourhoods, Pattern, NEIGHBOURHOOD_WIDTH};
use super::fnv::FnvMap;
use super::ids::{SubjectIndex, VocabId};
use super::language::Language;
use super::normalize::{normalize, stem, stock_words, Normalized};
use super::recent;
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
    /// only with words it could be within the typo budget of. Words of other characters than
    /// ASCII are looked up here.
    fuzzy: FuzzyBuckets,
    /// The ASCII words of `fuzzy` by their deletion neighbourhoods: an ASCII word is compared
    /// only with the few that share a neighbour with it.
    neighbourhoods: Neighbourhoods,
    /// How many words `neighbourhoods` holds. Below [`CROWDED`], scanning a bucket costs
    /// less than looking up neighbours, and the neighbourhoods are never asked.
    neighbourhood_words: usize,
    /// The words of `fuzzy` with characters other than ASCII, which an ASCII word may be a
    /// typo of too ("sjogren" of "sjögren").
    fuzzy_beyond_ascii: FuzzyBuckets,
    lengths: LengthsByFirst,
    /// The lengths of the words in `fuzzy`, by first character.
    fuzzy_lengths: LengthsByFirst,
    first_tests: FirstTests,
    terms: Vec<Term>,
    terms_by_first_word: FnvMap<VocabId, Vec<usize>>,
    /// By term: a bit for each of its words that the first look must see ([`word_bit`]),
    /// so that a term missing a word is passed over without reading its words.
    term_needs: Vec<u64>,
    /// By vocabulary id: whether the word is the first of some term. A message none of whose
    /// words is the first of a term names no term.
    starts_term: Vec<bool>,
    /// By vocabulary id: whether normalisation may write the word itself ([`stock_words`]),
    /// or a typo of it. The first look counts such a word as present in every message. Kept
    /// apart from `vocab`, so that asking about the words of many terms stays in the cache.
    from_stock: Vec<bool>,
    /// Which vocabulary this is, for the typo look-ups each thread remembers
    /// ([`recent`](super::recent)); new with every change. 0 until the first term.
    generation: u64,
}

/// Vocabularies with fewer words that accept typos scan their buckets for typos: each holds a
/// handful of words, fewer than a word has neighbours. (The shipped catalog's hold one or two.)
const CROWDED: usize = 2_000;

/// Most words one look-up through the neighbourhoods measures (a stack buffer).
const MAX_CANDIDATES: usize = 32;

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
        self.generation = recent::next_generation();
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
        if !vocab.ascii {
            self.fuzzy_beyond_ascii
                .get_mut(vocab.first, vocab.len)
                .remove(id);
        }
        // The word keeps its neighbours: a look-up passes over words that take no typos.
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
        let from_stock = &self.from_stock;
        self.term_needs.push(
            ids.iter()
                .filter(|id| !from_stock.get(id.get()).copied().unwrap_or(true))
                .fold(0, |needs, &id| needs | word_bit(id)),
        );
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
            if !word.is_ascii() {
                self.fuzzy_beyond_ascii
                    .get_mut(first, len)
                    .push(Fuzzy { letters, id });
            } else {
                // Longer words are never within a typo of an ASCII word (see `Pattern`).
                self.neighbourhoods.add(word, max_edits, id);
                self.neighbourhood_words += 1;
            }
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
        self.from_stock
            .push(may_be_read_from_stock(word, len, first, max_edits));
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
    /// and words of one or two letters never qualify. Where the word alone makes the other
    /// name, the other subject is [`Qualifiers::narrower`] by that word.
    pub(crate) fn qualifiers(&self, subjects: usize, language: &Language) -> Qualifiers {
        let mut qualifiers: Vec<Vec<VocabId>> = vec![Vec::new(); subjects];
        let mut narrower: Vec<Vec<(VocabId, SubjectIndex)>> = vec![Vec::new(); subjects];
        let mut narrower_titles: Vec<Vec<SubjectIndex>> = vec![Vec::new(); subjects];
        // A subject's first term is its own title.
        let mut title_of: Vec<Option<usize>> = vec![None; subjects];
        for (id, term) in self.terms.iter().enumerate() {
            if let Some(slot @ None) = title_of.get_mut(term.subject.get()) {
                *slot = Some(id);
            }
        }
        let is_title =
            |id: usize, subject: SubjectIndex| title_of.get(subject.get()) == Some(&Some(id));
        for (longer_id, longer) in self.terms.iter().enumerate() {
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
                    let mut extra = (0..longer.words.len())
                        .filter(|&offset| offset < at || !used.contains(&(offset - at)));
                    if let (Some(only), None) = (extra.next(), extra.next()) {
                        let word = longer.words[only];
                        let text = &self.vocab[word.get()].text;
                        let entry = (word, longer.subject);
                        let list = &mut narrower[shorter.subject.get()];
                        if text.chars().count() >= 3
                            && !language.has_role(text)
                            && !list.contains(&entry)
                        {
                            list.push(entry);
                            // "Non-small cell lung cancer" is the rest of lung cancer, not a
                            // kind of small cell lung cancer.
                            if is_title(id, shorter.subject)
                                && is_title(longer_id, longer.subject)
                                && !NEGATIONS.contains(&text.as_str())
                            {
                                let titles = &mut narrower_titles[shorter.subject.get()];
                                if !titles.contains(&longer.subject) {
                                    titles.push(longer.subject);
                                }
                            }
                        }
                    }
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
        for (subject, list) in narrower.iter_mut().enumerate() {
            // A subject's own words never narrow it either, nor a name it shares.
            list.retain(|&(word, other)| {
                other.get() != subject && qualifiers[subject].binary_search(&word).is_ok()
            });
        }
        for (subject, list) in narrower_titles.iter_mut().enumerate() {
            list.retain(|other| narrower[subject].iter().any(|&(_, kept)| kept == *other));
        }
        Qualifiers {
            words: qualifiers,
            narrower,
            narrower_titles,
        }
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
    pub(crate) fn lookup_keyed(&self, word: &str, key: Key, found: impl FnMut(VocabId, f32)) {
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
        recent::remembered(
            self.generation,
            word,
            |found| {
                if self.neighbourhood_words >= CROWDED
                    && word.is_ascii()
                    && word.len() < NEIGHBOURHOOD_WIDTH
                    && self.look_up_near(word, key, plan, found)
                {
                    return;
                }
                self.scan_buckets(word, key, plan, found);
            },
            &mut found,
        );
    }

    /// The typos an ASCII word may be of, through the neighbourhoods, as
    /// [`TermIndex::scan_buckets`] finds them and in the same order: by length, then by id.
    /// `false`, having found nothing yet, when scanning the buckets costs less (a small
    /// vocabulary's buckets hold a word or two), or when the word shares neighbours with more
    /// words than one look-up measures.
    // Kept out of line: the message's first look calls `look_up` on nearly every word, and
    // this path only matters to large vocabularies.
    #[inline(never)]
    fn look_up_near(
        &self,
        word: &str,
        key: Key,
        plan: Plan,
        found: &mut dyn FnMut(VocabId, f32),
    ) -> bool {
        let Key {
            first,
            len,
            letters,
        } = key;
        // The lengths the plan lets through; lengths from 63 up share the plan's `long`.
        let near = |other_len: usize| match other_len {
            0..63 => plan.near & (1 << other_len) != 0,
            _ => plan.long,
        };
        let window = len.saturating_sub(edit_budget(len))..=len + edit_budget(len);
        // The letters to delete from the word itself: a typo of a longer word has letters
        // missing from the word, and those are deleted from the longer word instead.
        let Some(deletions) = window
            .clone()
            .filter(|&other_len| near(other_len) && max_edits(len, other_len) > 0)
            .map(|other_len| max_edits(len, other_len) - other_len.saturating_sub(len))
            .max()
        else {
            return true;
        };
        // A neighbour costs about what reading a word of a bucket does.
        let neighbours = match deletions {
            0 => 1,
            1 => len,
            _ => len + len * len.saturating_sub(1) / 2,
        };
        let in_buckets: usize = window
            .clone()
            .filter(|&other_len| near(other_len))
            .filter_map(|other_len| self.fuzzy.get(first, other_len))
            .map(|bucket| bucket.words.len())
            .sum();
        if in_buckets <= neighbours {
            return false;
        }
        let mut candidates = [VocabId::new(0); MAX_CANDIDATES];
        let mut count = 0;
        let mut overflow = false;
        let mut keep = |id: VocabId| {
            let Some(vocab) = self.vocab.get(id.get()) else {
                return;
            };
            if vocab.max_edits == 0
                || vocab.first != first
                || !near(vocab.len)
                || max_edits(len, vocab.len) == 0
                || candidates[..count].contains(&id)
            {
                return;
            }
            match candidates.get_mut(count) {
                Some(slot) => {
                    *slot = id;
                    count += 1;
                }
                None => overflow = true,
            }
        };
        self.neighbourhoods.candidates(word, deletions, &mut keep);
        for other_len in window.filter(|&other_len| near(other_len)) {
            let limit = 2 * max_edits(len, other_len) as u32;
            if let Some(bucket) = self.fuzzy_beyond_ascii.get(first, other_len) {
                bucket.near(letters, limit, |entry| keep(entry.id));
            }
        }
        if overflow {
            return false;
        }
        let candidates = &mut candidates[..count];
        candidates.sort_unstable_by_key(|id| (self.vocab[id.get()].len, *id));
        let pattern = Pattern::new(word);
        for &mut id in candidates {
            let vocab = &self.vocab[id.get()];
            if let Some(distance) =
                pattern.distance_to(&vocab.text, vocab.ascii, max_edits(len, vocab.len))
            {
                found(id, 1.0 - distance as f32 / vocab.len as f32);
            }
        }
        true
    }

    /// The typos a word may be of, by reading the buckets of its first character and every
    /// length the plan lets through.
    fn scan_buckets(&self, word: &str, key: Key, plan: Plan, mut found: impl FnMut(VocabId, f32)) {
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
            let mut asks_with = None;
            self.lookup_pair(
                (word, word_key),
                (next_stem, stem_key),
                pair,
                || joinable_pair(language, normalized.word(token), normalized.word(next)),
                |vocab, quality| {
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
                    if !changes_an_asking_word {
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
    /// as written, the next one's `stem`), built in `pair`; see [`TermIndex::lookup`].
    /// `joinable` says whether the two may be read together ([`joinable_pair`]); asked only
    /// when the vocabulary may hold a word like the pair, and before the look-up, which
    /// costs more.
    pub(crate) fn lookup_pair(
        &self,
        (word, word_key): (&str, Key),
        (stem, stem_key): (&str, Key),
        pair: &mut String,
        joinable: impl FnOnce() -> bool,
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
        if !joinable() {
            return;
        }
        pair.clear();
        pair.push_str(word);
        pair.push_str(stem);
        self.look_up(pair, key, plan, found);
    }

    /// Whether some term may be found where the vocabulary words `found` (sorted, without
    /// repeats) are: every word of it is among them, or is one normalisation may write itself
    /// into any message. Finding terms needs a hit for every word of a term, so when none is
    /// complete here, none is found.
    pub(crate) fn may_complete_a_term(&self, found: &[VocabId]) -> bool {
        let present = |word: &VocabId| {
            found.binary_search(word).is_ok()
                || self.from_stock.get(word.get()).copied().unwrap_or(true)
        };
        // A common first word ("high", "back") starts hundreds of a corpus's terms; their
        // bits tell almost all of them apart from the message's words at once.
        let seen = found.iter().fold(0, |seen, &id| seen | word_bit(id));
        found.iter().any(|start| {
            self.terms_by_first_word.get(start).is_some_and(|terms| {
                terms.iter().any(|&term| {
                    self.term_needs[term] & !seen == 0 && self.terms[term].words.iter().all(present)
                })
            })
        })
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
        all.sort_by(TermMatch::best_first);
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

/// Whether a vocabulary word (of `len` characters, starting with `first`, accepting
/// `max_edits` typos) may be found when looking up the stem of a word normalisation writes
/// itself. Decided as the word is added: a word that later stops accepting typos is only found
/// less often.
fn may_be_read_from_stock(word: &str, len: usize, first: char, max_edits: usize) -> bool {
    stock_words().any(|stock| {
        let stock = stem(stock);
        if stock == word {
            return true;
        }
        let stock_len = stock.chars().count();
        let allowed = if max_edits == 0 {
            0
        } else {
            self::max_edits(stock_len, len)
        };
        allowed > 0 && stock.starts_with(first) && strsim::osa_distance(&stock, word) <= allowed
    })
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

/// What makes one subject's names another's: see [`TermIndex::qualifiers`].
#[derive(Debug, Default)]
pub(crate) struct Qualifiers {
    /// For each subject, the qualifying words (sorted).
    pub words: Vec<Vec<VocabId>>,
    /// For each subject, the subjects one qualifying word makes of its name: ovarian cancer
    /// and "epithelial" make ovarian epithelial cancer.
    pub narrower: Vec<Vec<(VocabId, SubjectIndex)>>,
    /// For each subject, those of `narrower` whose own title is the subject's own title and
    /// one word more: the same disease, titled more exactly ("Ovarian Epithelial, Fallopian
    /// Tube, and Primary Peritoneal Cancer" for "Ovarian, Fallopian Tube, and Primary
    /// Peritoneal Cancer"), where a name alone one word longer may be another organ ("small
    /// bowel cancer" is not bowel cancer).
    pub narrower_titles: Vec<Vec<SubjectIndex>>,
}

/// Words that make a name the complement of another, not a kind of it.
const NEGATIONS: &[&str] = &["non", "not", "no"];

/// A vocabulary word's bit in a word set of 64 bits: words that share one stand for each
/// other there, so a set tells only which words are surely absent.
fn word_bit(id: VocabId) -> u64 {
    1 << (id.get() % 64)
}

/// Where a subject's term was found: words `start..end`, matched with `quality` (0..1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TermMatch {
    pub subject: SubjectIndex,
    pub start: usize,
    pub end: usize,
    pub quality: f32,
}

impl TermMatch {
    /// The order matches are weighed in: the better match first, then the longer, then the
    /// earlier.
    pub(crate) fn best_first(a: &TermMatch, b: &TermMatch) -> std::cmp::Ordering {
        b.quality
            .total_cmp(&a.quality)
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What a look-up must find: the word spelled exactly, else every word of the vocabulary
    /// that accepts typos, starts with the same character and is within the typo budget of
    /// both, by length and then by id. A scan of the whole vocabulary, not of buckets.
    fn scanned(index: &TermIndex, word: &str) -> Vec<(VocabId, f32)> {
        if let Some(id) = index.exact(word) {
            return vec![(id, 1.0)];
        }
        let len = word.chars().count();
        let mut found: Vec<(usize, VocabId, f32)> = index
            .vocab
            .iter()
            .enumerate()
            .filter(|(_, vocab)| vocab.max_edits > 0 && word.starts_with(vocab.first))
            .filter_map(|(id, vocab)| {
                let allowed = max_edits(len, vocab.len);
                let distance = strsim::osa_distance(word, &vocab.text);
                (allowed > 0 && distance <= allowed).then(|| {
                    let quality = 1.0 - distance as f32 / vocab.len as f32;
                    (vocab.len, VocabId::new(id), quality)
                })
            })
            .collect();
        found.sort_by_key(|&(len, id, _)| (len, id));
        found.into_iter().map(|(_, id, q)| (id, q)).collect()
    }

    fn looked_up(index: &TermIndex, word: &str) -> Vec<(VocabId, f32)> {
        let mut found = Vec::new();
        index.lookup(word, |id, quality| found.push((id, quality)));
        found
    }

    /// A vocabulary crowded enough that typos are looked up through the neighbourhoods: few
    /// letters, so that every bucket holds many words and words have many neighbours in it.
    fn crowded_index(words: &[String]) -> TermIndex {
        let mut index = TermIndex::default();
        for word in words {
            index.vocab_id(word);
        }
        // A word that stopped accepting typos keeps its neighbours, and is passed over.
        let exact = index.vocab_id("abababab");
        index.exact_only(exact);
        // As a corpus-sized vocabulary would be, whatever the count of the generated one.
        index.neighbourhood_words = index.neighbourhood_words.max(CROWDED);
        index
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// The neighbourhoods find the words a scan of the whole vocabulary finds, with the
        /// same qualities and in the same order.
        #[test]
        fn typos_are_found_as_a_scan_of_the_whole_vocabulary_finds_them(
            words in prop::collection::vec("a[ab]{4,11}|b[abc]{4,9}|a[abé]{4,8}", 300..600),
            probes in prop::collection::vec("a[ab]{3,12}|b[abc]{3,10}|a[abé]{4,9}", 60),
        ) {
            let index = crowded_index(&words);
            for probe in words.iter().take(60).chain(&probes) {
                prop_assert_eq!(looked_up(&index, probe), scanned(&index, probe), "{}", probe);
                // And through the neighbourhoods alone, whenever they take the word.
                let Some(key) = Key::of(probe) else { continue };
                let Some(plan) = index.plan(key) else { continue };
                if index.exact(probe).is_some() || !probe.is_ascii() {
                    continue;
                }
                let mut near = Vec::new();
                if index.look_up_near(probe, key, plan, &mut |id, q| near.push((id, q))) {
                    prop_assert_eq!(near, scanned(&index, probe), "{}", probe);
                }
            }
        }
    }

    #[test]
    fn the_neighbourhoods_take_a_crowded_bucket() {
        // Words of nine letters after `a`, as a corpus has hundreds for a first letter.
        let mut state = 7u64;
        let mut letter = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            char::from(b'a' + (state >> 60) as u8)
        };
        let words: Vec<String> = (0..400)
            .map(|_| {
                std::iter::once('a')
                    .chain((0..9).map(|_| letter()))
                    .collect()
            })
            .collect();
        let index = crowded_index(&words);
        let mut probe = words[17].clone();
        probe.remove(4);
        let key = Key::of(&probe).unwrap();
        let plan = index.plan(key).unwrap();
        let mut near = Vec::new();
        let taken = index.look_up_near(&probe, key, plan, &mut |id, q| near.push((id, q)));
        assert!(taken);
        assert!(near
            .iter()
            .any(|&(id, _)| id == index.exact(&words[17]).unwrap()));
        assert_eq!(near, scanned(&index, &probe));
    }
}
