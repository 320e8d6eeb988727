//! Edit distances between a message word and the vocabulary words it may be a typo of.
//!
//! Owns the one distance the matcher uses (insertions, deletions, substitutions and swaps of
//! neighbours, as `strsim::osa_distance` counts them), computed a few operations per letter
//! with bit vectors, and the index that names the few vocabulary words a word may be within
//! that distance of (`Neighbourhoods`), whatever the size of the vocabulary. It never decides
//! what counts as a typo (`index.rs` does).

use super::ids::VocabId;

/// A message word prepared for measuring its edit distance (insertions, deletions,
/// substitutions and swaps of neighbours) to many vocabulary words: where each of its bytes
/// occurs in it, as bits. One comparison then costs a few operations per letter of the other
/// word (Hyyrö's bit-parallel algorithm) instead of a table of cells: this runs for every long
/// word that resembles a term.
pub(crate) struct Pattern<'a> {
    word: &'a str,
    ascii: bool,
    /// By byte slot ([`SLOTS`]), the positions of the word holding that byte; only for a word
    /// of ASCII letters, digits and apostrophes (all a normalised ASCII word holds) shorter
    /// than [`Pattern::WIDTH`].
    positions: Option<[u64; SLOT_COUNT]>,
}

/// Bytes a [`Pattern`] keeps positions for.
const SLOT_COUNT: usize = 37;
/// No slot: a byte a [`Pattern`] keeps no positions for.
const NO_SLOT: u8 = u8::MAX;

/// Each byte's slot in a [`Pattern`]: ASCII lowercase letters, digits, the apostrophe.
static SLOTS: [u8; 256] = {
    let mut slots = [NO_SLOT; 256];
    let mut byte = 0;
    while byte < 256 {
        slots[byte] = match byte as u8 {
            letter @ b'a'..=b'z' => letter - b'a',
            digit @ b'0'..=b'9' => 26 + digit - b'0',
            b'\'' => 36,
            _ => NO_SLOT,
        };
        byte += 1;
    }
    slots
};

impl<'a> Pattern<'a> {
    /// Words this long or longer are never within a typo budget of anything.
    const WIDTH: usize = 64;

    pub(crate) fn new(word: &'a str) -> Pattern<'a> {
        let mut positions = [0; SLOT_COUNT];
        let mut kept = word.len() < Self::WIDTH;
        for (at, byte) in word.bytes().enumerate().take(Self::WIDTH) {
            match SLOTS[usize::from(byte)] {
                NO_SLOT => kept = false,
                slot => positions[usize::from(slot)] |= 1 << at,
            }
        }
        Pattern {
            word,
            ascii: word.is_ascii(),
            positions: kept.then_some(positions),
        }
    }

    /// The edit distance to `other` (`other_ascii` says whether it is ASCII), if it is at most
    /// `max`.
    pub(crate) fn distance_to(&self, other: &str, other_ascii: bool, max: usize) -> Option<usize> {
        if !(self.ascii && other_ascii) {
            let distance = strsim::osa_distance(self.word, other);
            return (distance <= max).then_some(distance);
        }
        let len = self.word.len();
        if len >= Self::WIDTH || other.len() >= Self::WIDTH || len.abs_diff(other.len()) > max {
            return None;
        }
        let Some(positions) = &self.positions else {
            // An ASCII word with other bytes than a normalised one holds: counted in full.
            let distance = strsim::osa_distance(self.word, other);
            return (distance <= max).then_some(distance);
        };
        if len == 0 {
            return (other.len() <= max).then_some(other.len());
        }
        // One column of the distance table per byte of `other`, as bit vectors of the vertical
        // differences (VP: +1, VN: -1); `distance` follows the table's last row. A byte the
        // word has no slot for occurs nowhere in it.
        let last = 1u64 << (len - 1);
        let (mut vp, mut vn, mut d0, mut previous) = (u64::MAX, 0u64, 0u64, 0u64);
        let mut distance = len;
        for byte in other.bytes() {
            let here = positions
                .get(usize::from(SLOTS[usize::from(byte)]))
                .copied()
                .unwrap_or(0);
            let swap = ((!d0 & here) << 1) & previous;
            d0 = (((here & vp).wrapping_add(vp)) ^ vp) | here | vn | swap;
            let hp = vn | !(d0 | vp);
            let hn = d0 & vp;
            if hp & last != 0 {
                distance += 1;
            } else if hn & last != 0 {
                distance -= 1;
            }
            let hp = (hp << 1) | 1;
            vp = (hn << 1) | !(d0 | hp);
            vn = hp & d0;
            previous = here;
        }
        (distance <= max).then_some(distance)
    }
}

/// The ASCII vocabulary words that accept typos, by their deletion neighbourhoods: each word
/// and every word made by deleting up to as many of its letters as it accepts typos, never its
/// first letter.
///
/// Two words within `d` edits of this distance that start with the same letter become the same
/// word when at most `d` letters after the first are deleted from each: a substitution deletes
/// the letter on both sides, an insertion on one, a swap of neighbours one of the two on each
/// side, and the edits of this distance never overlap. So the words a message word may be a
/// typo of are among those sharing a neighbour with it, found with a few look-ups whether the
/// vocabulary holds a hundred words or a hundred thousand. (Scanning every word of a near
/// length costs in proportion to the vocabulary, and a corpus-sized one holds dozens of words
/// for every first letter and length.)
///
/// Neighbours are kept as 32-bit hashes, never as text: two different neighbours that share a
/// hash only name a word more, and every word named is measured before it counts.
#[derive(Debug, Default)]
pub(crate) struct Neighbourhoods {
    /// Open addressing, at most half full: a neighbour's hash in the high half, its word's
    /// id plus one in the low half (0: an empty slot). A neighbour shared by several words
    /// takes a slot for each.
    slots: Vec<u64>,
    count: usize,
    /// A Bloom filter of the hashes, two bits of one word each, four to eight bits an entry
    /// (a thirty-second of the table's size). A large vocabulary's table is far larger than
    /// the processor's caches, and nearly every neighbour of a chat word is in no vocabulary
    /// word's neighbourhood: the filter answers most look-ups from the cache. (A filter twice
    /// as large answers wrongly less often but no longer stays in the cache.)
    filter: Vec<u64>,
}

/// Words of at least this many bytes are never indexed (a [`Pattern`] measures none of them).
pub(crate) const NEIGHBOURHOOD_WIDTH: usize = Pattern::WIDTH;

impl Neighbourhoods {
    /// Adds `word` (ASCII, shorter than [`NEIGHBOURHOOD_WIDTH`]) with the neighbours up to
    /// `deletions` away.
    pub(crate) fn add(&mut self, word: &str, deletions: usize, id: VocabId) {
        let Some(value) = u32::try_from(id.get())
            .ok()
            .and_then(|id| id.checked_add(1))
        else {
            return;
        };
        if !word.is_ascii() || word.len() >= NEIGHBOURHOOD_WIDTH {
            return;
        }
        neighbour_hashes(word.as_bytes(), deletions, |hash| {
            self.insert(u64::from(hash) << 32 | u64::from(value))
        });
    }

    fn insert(&mut self, entry: u64) {
        if (self.count + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let (word, bits) = filter_bits(entry, self.filter.len());
        self.filter[word] |= bits;
        let mask = self.slots.len() - 1;
        let mut at = start(entry, self.slots.len());
        loop {
            match self.slots[at] {
                0 => break,
                // The same word through another neighbour spelled the same ("committee").
                same if same == entry => return,
                _ => at = (at + 1) & mask,
            }
        }
        self.slots[at] = entry;
        self.count += 1;
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        self.filter = vec![0; size / 32];
        for entry in old.into_iter().filter(|&entry| entry != 0) {
            let mut at = start(entry, size);
            while self.slots[at] != 0 {
                at = (at + 1) & (size - 1);
            }
            self.slots[at] = entry;
            let (word, bits) = filter_bits(entry, self.filter.len());
            self.filter[word] |= bits;
        }
    }

    /// Calls `visit` with every word sharing a neighbour up to `deletions` away with `word`
    /// (ASCII, shorter than [`NEIGHBOURHOOD_WIDTH`]), and perhaps with others; a word may be
    /// named more than once.
    pub(crate) fn candidates(&self, word: &str, deletions: usize, mut visit: impl FnMut(VocabId)) {
        if self.slots.is_empty() || !word.is_ascii() || word.len() >= NEIGHBOURHOOD_WIDTH {
            return;
        }
        let mask = self.slots.len() - 1;
        neighbour_hashes(word.as_bytes(), deletions, |hash| {
            let high = u64::from(hash) << 32;
            let (word, bits) = filter_bits(high, self.filter.len());
            if self.filter[word] & bits != bits {
                return;
            }
            let mut at = start(high, self.slots.len());
            loop {
                let entry = self.slots[at];
                if entry == 0 {
                    break;
                }
                if entry & !0xFFFF_FFFF == high {
                    visit(VocabId::new((entry & 0xFFFF_FFFF) as usize - 1));
                }
                at = (at + 1) & mask;
            }
        });
    }
}

/// Where an entry's probe starts in a table of `size` slots (a power of two): the high bits
/// of its hash.
fn start(entry: u64, size: usize) -> usize {
    (entry >> (64 - size.trailing_zeros())) as usize
}

/// The word of a filter of `words` words (a power of two, at least 2) and the two bits of it
/// that stand for an entry's hash: the high bits of the hash pick the word, the low twelve
/// the bits.
fn filter_bits(entry: u64, words: usize) -> (usize, u64) {
    let hash = entry >> 32;
    let word = (hash >> (32 - words.trailing_zeros())) as usize;
    (word, 1 << (hash & 63) | 1 << ((hash >> 6) & 63))
}

/// The multiplier of the neighbours' polynomial hash (odd, so no byte is lost).
const BASE: u64 = 0x100_0000_01B3;

/// `BASE` to the powers 0 to 63.
static POWERS: [u64; NEIGHBOURHOOD_WIDTH] = {
    let mut powers = [1u64; NEIGHBOURHOOD_WIDTH];
    let mut at = 1;
    while at < NEIGHBOURHOOD_WIDTH {
        powers[at] = powers[at - 1].wrapping_mul(BASE);
        at += 1;
    }
    powers
};

/// Calls `visit` with the hash of `word` (shorter than [`NEIGHBOURHOOD_WIDTH`]) and of every
/// word made from it by deleting one, or up to `deletions` (at most two), of its bytes after
/// the first; a word spelled the same by two deletions is hashed twice. Each hash costs a few
/// operations: the polynomial hash of a word with bytes deleted is put together from the
/// hashes of its prefixes, never from a copy.
fn neighbour_hashes(word: &[u8], deletions: usize, mut visit: impl FnMut(u32)) {
    let len = word.len();
    if len >= NEIGHBOURHOOD_WIDTH {
        return;
    }
    // `prefix[k]`: the polynomial hash of the first `k` bytes.
    let mut prefix = [0u64; NEIGHBOURHOOD_WIDTH + 1];
    for (at, &byte) in word.iter().enumerate() {
        prefix[at + 1] = prefix[at].wrapping_mul(BASE).wrapping_add(u64::from(byte));
    }
    let power = |n: usize| POWERS[n];
    // The hash of `word[from..to]`.
    let part = |from: usize, to: usize| {
        prefix[to].wrapping_sub(prefix[from].wrapping_mul(power(to - from)))
    };
    visit(finish(prefix[len], len));
    if deletions == 0 || len < 2 {
        return;
    }
    for (i, &before) in prefix.iter().enumerate().take(len).skip(1) {
        let hash = before
            .wrapping_mul(power(len - 1 - i))
            .wrapping_add(part(i + 1, len));
        visit(finish(hash, len - 1));
    }
    if deletions < 2 {
        return;
    }
    for (i, &before) in prefix.iter().enumerate().take(len - 1).skip(1) {
        let head = before.wrapping_mul(power(len - 2 - i));
        for j in i + 1..len {
            let hash = head
                .wrapping_add(part(i + 1, j).wrapping_mul(power(len - 1 - j)))
                .wrapping_add(part(j + 1, len));
            visit(finish(hash, len - 2));
        }
    }
}

/// A polynomial hash and its word's length, mixed into 32 bits (the high bits place an entry
/// in the table and the filter). One multiplication: the high half of a product depends on
/// every bit of the polynomial hash, and this runs for every neighbour of every long word.
fn finish(hash: u64, len: usize) -> u32 {
    (hash
        .wrapping_add(len as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        >> 32) as u32
}

/// The edit distance between `a` and `b`, if it is at most `max` (see [`Pattern`]).
#[cfg(test)]
fn bounded_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    Pattern::new(a).distance_to(b, b.is_ascii(), max)
}

#[cfg(test)]
mod tests {
    use super::{bounded_distance, finish, neighbour_hashes, Neighbourhoods, BASE};
    use crate::matching::ids::VocabId;
    use proptest::prelude::*;

    /// The hash of a word spelled out, as `neighbour_hashes` must give it without spelling.
    fn spelled_hash(word: &[u8]) -> u32 {
        let hash = word.iter().fold(0u64, |hash, &byte| {
            hash.wrapping_mul(BASE).wrapping_add(u64::from(byte))
        });
        finish(hash, word.len())
    }

    /// The neighbours of a word up to `deletions` away, spelled out.
    fn spelled_neighbours(word: &[u8], deletions: usize) -> Vec<Vec<u8>> {
        let mut all = vec![word.to_vec()];
        let mut last = vec![word.to_vec()];
        for _ in 0..deletions {
            let mut next = Vec::new();
            for neighbour in &last {
                for at in 1..neighbour.len() {
                    let mut shorter = neighbour.clone();
                    shorter.remove(at);
                    next.push(shorter);
                }
            }
            all.extend(next.iter().cloned());
            last = next;
        }
        all
    }

    proptest! {
        #[test]
        fn neighbour_hashes_are_the_hashes_of_the_neighbours_spelled_out(
            word in "[abcd]{0,14}",
            deletions in 0usize..3,
        ) {
            let mut hashed = Vec::new();
            neighbour_hashes(word.as_bytes(), deletions, |hash| hashed.push(hash));
            let mut spelled: Vec<u32> = spelled_neighbours(word.as_bytes(), deletions)
                .iter()
                .map(|neighbour| spelled_hash(neighbour))
                .collect();
            hashed.sort_unstable();
            hashed.dedup();
            spelled.sort_unstable();
            spelled.dedup();
            prop_assert_eq!(hashed, spelled);
        }

        /// Every word within `d` edits of a message word, with the same first letter, shares a
        /// neighbour at most `d` deletions away with it.
        #[test]
        fn words_within_the_distance_share_a_neighbour(
            words in prop::collection::vec("a[abc]{0,9}", 1..40),
            probe in "a[abc]{0,10}",
            deletions in 1usize..3,
        ) {
            let mut index = Neighbourhoods::default();
            for (id, word) in words.iter().enumerate() {
                index.add(word, deletions, VocabId::new(id));
            }
            let mut named = Vec::new();
            index.candidates(&probe, deletions, |id| named.push(id));
            for (id, word) in words.iter().enumerate() {
                if strsim::osa_distance(word, &probe) <= deletions {
                    prop_assert!(named.contains(&VocabId::new(id)), "{} {}", word, probe);
                }
            }
        }
    }

    proptest! {
        #[test]
        fn bounded_distance_agrees_on_any_words(
            a in "[abcd]{0,14}",
            b in "[abcd]{0,14}",
            max in 0usize..4,
        ) {
            let full = strsim::osa_distance(&a, &b);
            prop_assert_eq!(bounded_distance(&a, &b, max), (full <= max).then_some(full));
        }

        #[test]
        fn bounded_distance_agrees_on_words_of_any_ascii(
            a in "[ab'9-]{0,10}",
            b in "[ab'9-]{0,10}",
            max in 0usize..4,
        ) {
            let full = strsim::osa_distance(&a, &b);
            prop_assert_eq!(bounded_distance(&a, &b, max), (full <= max).then_some(full));
        }

        #[test]
        fn bounded_distance_agrees_beyond_ascii(a in "[aé]{0,6}", b in "[ae]{0,6}", max in 0usize..4) {
            let full = strsim::osa_distance(&a, &b);
            prop_assert_eq!(bounded_distance(&a, &b, max), (full <= max).then_some(full));
        }
    }

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
