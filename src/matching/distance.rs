//! Edit distances between a message word and the vocabulary words it may be a typo of.
//!
//! Owns the one distance the matcher uses (insertions, deletions, substitutions and swaps of
//! neighbours, as `strsim::osa_distance` counts them), computed a few operations per letter
//! with bit vectors. It never decides what counts as a typo (`index.rs` does).

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

/// The edit distance between `a` and `b`, if it is at most `max` (see [`Pattern`]).
#[cfg(test)]
fn bounded_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    Pattern::new(a).distance_to(b, b.is_ascii(), max)
}

#[cfg(test)]
mod tests {
    use super::bounded_distance;
    use proptest::prelude::*;

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
