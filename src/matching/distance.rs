//! Edit distances between a message word and the vocabulary words it may be a typo of.
//!
//! Owns the one distance the matcher uses (insertions, deletions, substitutions and swaps of
//! neighbours, as `strsim::osa_distance` counts them), computed a few operations per letter
//! with bit vectors. It never decides what counts as a typo (`index.rs` does).

/// A message word prepared for measuring its edit distance (insertions, deletions,
/// substitutions and swaps of neighbours) to many vocabulary words: where each ASCII byte
/// occurs in it, as bits. One comparison then costs a few operations per letter of the other
/// word (Hyyrö's bit-parallel algorithm) instead of a table of cells: this runs for every long
/// word that resembles a term.
pub(crate) struct Pattern<'a> {
    word: &'a str,
    /// By ASCII byte, the positions of the word holding it; only for an ASCII word shorter than
    /// [`Pattern::WIDTH`].
    positions: Option<[u64; 128]>,
}

impl<'a> Pattern<'a> {
    /// Words this long or longer are never within a typo budget of anything.
    const WIDTH: usize = 64;

    pub(crate) fn new(word: &'a str) -> Pattern<'a> {
        let positions = (word.is_ascii() && word.len() < Self::WIDTH).then(|| {
            let mut positions = [0; 128];
            for (at, byte) in word.bytes().enumerate() {
                positions[usize::from(byte & 0x7f)] |= 1 << at;
            }
            positions
        });
        Pattern { word, positions }
    }

    /// The edit distance to `other`, if it is at most `max`.
    pub(crate) fn distance_to(&self, other: &str, max: usize) -> Option<usize> {
        if !(self.word.is_ascii() && other.is_ascii()) {
            let distance = strsim::osa_distance(self.word, other);
            return (distance <= max).then_some(distance);
        }
        let Some(positions) = &self.positions else {
            return None;
        };
        if other.len() >= Self::WIDTH || self.word.len().abs_diff(other.len()) > max {
            return None;
        }
        let len = self.word.len();
        if len == 0 {
            return (other.len() <= max).then_some(other.len());
        }
        // One column of the distance table per byte of `other`, as bit vectors of the vertical
        // differences (VP: +1, VN: -1); `distance` follows the table's last row.
        let last = 1u64 << (len - 1);
        let (mut vp, mut vn, mut d0, mut previous) = (u64::MAX, 0u64, 0u64, 0u64);
        let mut distance = len;
        for byte in other.bytes() {
            let here = positions[usize::from(byte & 0x7f)];
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
    Pattern::new(a).distance_to(b, max)
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
