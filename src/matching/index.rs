//! The term index: finds the catalog's subject terms in a message's words, tolerating typos in
//! long words and words split or joined ("check point", "checkpointinhibitor").
//!
//! Almost every message names no term, so this is the hot path: a message whose words are not
//! in the vocabulary costs one hash lookup per word plus a filtered scan of the few long
//! vocabulary words that share a word's first letter and length. It never allocates per
//! message beyond the reused buffers.

use super::fnv::FnvMap;
use super::ids::{SubjectIndex, VocabId};
use super::language::Language;
use super::normalize::{normalize, Normalized};

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

/// Which word lengths the vocabulary has, per first ASCII letter (lengths from 63 up share
/// the top bit).
#[derive(Debug, Default)]
struct LengthsByFirst {
    ascii: [u64; 26],
}

impl LengthsByFirst {
    fn add(&mut self, first: char, len: usize) {
        if first.is_ascii_lowercase() {
            self.ascii[first as usize - 'a' as usize] |= 1 << len.min(63);
        }
    }

    /// Whether a vocabulary word starting with `first` may be `len` long, give or take
    /// `budget`. Characters other than ASCII letters always may.
    fn may_hold(&self, first: char, len: usize, budget: usize) -> bool {
        if !first.is_ascii_lowercase() {
            return true;
        }
        let low = len.saturating_sub(budget).min(63);
        let high = (len + budget).min(63);
        let wanted = (u64::MAX >> (63 - (high - low))) << low;
        self.ascii[first as usize - 'a' as usize] & wanted != 0
    }
}

/// Words by (first character, length). ASCII letters, the common case, index a flat table
/// directly; anything else goes through a map.
#[derive(Debug, Default)]
struct FuzzyBuckets {
    ascii: Vec<Vec<VocabId>>,
    other: FnvMap<(char, usize), Vec<VocabId>>,
}

/// Longest word length the flat table holds (longer words use the map).
const TABLE_LEN: usize = 48;

impl FuzzyBuckets {
    fn slot(first: char, len: usize) -> Option<usize> {
        (first.is_ascii_lowercase() && len < TABLE_LEN)
            .then(|| (first as usize - 'a' as usize) * TABLE_LEN + len)
    }

    fn get(&self, first: char, len: usize) -> Option<&Vec<VocabId>> {
        match Self::slot(first, len) {
            Some(slot) => self.ascii.get(slot),
            None => self.other.get(&(first, len)),
        }
    }

    fn get_mut(&mut self, first: char, len: usize) -> &mut Vec<VocabId> {
        match Self::slot(first, len) {
            Some(slot) => {
                if self.ascii.is_empty() {
                    self.ascii = vec![Vec::new(); 26 * TABLE_LEN];
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
    exact: FnvMap<String, VocabId>,
    /// Vocabulary ids that accept typos, by first character and length: a word is compared
    /// only with words it could be within the typo budget of.
    fuzzy: FuzzyBuckets,
    lengths: LengthsByFirst,
    terms: Vec<Term>,
    terms_by_first_word: FnvMap<VocabId, Vec<usize>>,
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
        self.fuzzy
            .get_mut(vocab.first, vocab.len)
            .retain(|&other| other != id);
    }

    fn add_term(&mut self, subject: SubjectIndex, words: &[String]) {
        if words.is_empty() {
            return;
        }
        let ids: Vec<VocabId> = words.iter().map(|word| self.vocab_id(word)).collect();
        // Only terms with the same first word can be the same term: a short list, so building
        // stays linear in the number of terms.
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
        if let Some(&id) = self.exact.get(word) {
            return id;
        }
        let id = VocabId::new(self.vocab.len());
        let len = word.chars().count();
        let max_edits = edit_budget(len);
        let first = word.chars().next().unwrap_or(' ');
        if max_edits > 0 {
            self.fuzzy.get_mut(first, len).push(id);
        }
        self.lengths.add(first, len);
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
        self.exact.get(word).copied()
    }

    /// Vocabulary words that `word` may stand for, with how well it matches each (0..1].
    fn lookup(&self, word: &str, mut found: impl FnMut(VocabId, f32)) {
        let Some(first) = word.chars().next() else {
            return;
        };
        let len = if word.is_ascii() {
            word.len()
        } else {
            word.chars().count()
        };
        let budget = edit_budget(len);
        // Most chat words start with a letter no vocabulary word of a near length starts
        // with: they are done here, without hashing.
        if !self.lengths.may_hold(first, len, budget) {
            return;
        }
        if let Some(&id) = self.exact.get(word) {
            found(id, 1.0);
            return;
        }
        if len < MIN_FUZZY_LEN {
            return;
        }
        let letters = letter_mask(word);
        let candidates = (len.saturating_sub(budget)..=len + budget)
            .filter_map(|other_len| self.fuzzy.get(first, other_len))
            .flatten();
        for &id in candidates {
            let vocab = &self.vocab[id.get()];
            debug_assert_eq!(vocab.first, first);
            // The shorter word sets the budget: a short word is not a long one with typos.
            let max_edits = vocab.max_edits.min(budget);
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
                let mut joinable = None;
                self.lookup(pair, |vocab, quality| {
                    // Asked only when the pair resembles a term, which is rare.
                    let joinable = *joinable.get_or_insert_with(|| {
                        !language.is_function_word(normalized.word(token))
                            && !language.is_function_word(normalized.word(next))
                    });
                    if joinable {
                        hits.push(Hit {
                            position,
                            width: 2,
                            vocab,
                            quality,
                        })
                    }
                });
            }
        }
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
