//! A map from short words (as bytes) to small values, for the hot paths that look up every
//! word of every message: the matcher's vocabulary and the safety router's.
//!
//! Open addressing over one buffer of bytes, at most half full, with a cheap hash taken eight
//! bytes at a time: a probe compares a stored hash and length, and the bytes only when they
//! agree on a word longer than eight bytes. It owns nothing but that; it has no order and no
//! removal, and it never allocates on a look-up.

/// One word in a [`WordTable`]: sixteen bytes, so that the slots a look-up reads stay few
/// cache lines.
#[derive(Debug, Clone, Copy)]
struct Slot {
    hash: u64,
    /// The word's length, or [`EMPTY`].
    len: u32,
    /// Where the word's bytes start and its value is, in `entries`.
    entry: u32,
}

/// The length that marks an empty slot (no word is that long).
const EMPTY: u32 = u32::MAX;

const VACANT: Slot = Slot {
    hash: 0,
    len: EMPTY,
    entry: 0,
};

/// Short words to values. See the module docs.
#[derive(Debug, Clone)]
pub(crate) struct WordTable<V> {
    slots: Vec<Slot>,
    /// By entry: where its word starts in `bytes`, and its value.
    entries: Vec<(u32, V)>,
    bytes: Vec<u8>,
}

impl<V> Default for WordTable<V> {
    fn default() -> Self {
        WordTable {
            slots: Vec::new(),
            entries: Vec::new(),
            bytes: Vec::new(),
        }
    }
}

impl<V> WordTable<V> {
    #[inline]
    pub(crate) fn get(&self, word: &[u8]) -> Option<&V> {
        let mask = self.slots.len().checked_sub(1)?;
        let hash = hash(word);
        let mut at = start(hash, self.slots.len());
        loop {
            let slot = self.slots.get(at)?;
            if slot.len == EMPTY {
                return None;
            }
            if slot.hash == hash && slot.len as usize == word.len() {
                let (start, value) = self.entries.get(slot.entry as usize)?;
                let start = *start as usize;
                // Up to eight bytes, the hash and the length already say it (see `hash`).
                if word.len() <= 8 || same(&self.bytes[start..start + word.len()], word) {
                    return Some(value);
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// Adds `word`, or replaces its value. A word or a table too large to count in `u32` is
    /// not added.
    pub(crate) fn insert(&mut self, word: &[u8], value: V) {
        let (Ok(len), Ok(start), Ok(entry)) = (
            u32::try_from(word.len()),
            u32::try_from(self.bytes.len()),
            u32::try_from(self.entries.len()),
        ) else {
            return;
        };
        if len == EMPTY {
            return;
        }
        if (self.entries.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let hash = hash(word);
        let mask = self.slots.len() - 1;
        let mut at = self::start(hash, self.slots.len());
        while self.slots[at].len != EMPTY {
            let slot = self.slots[at];
            if slot.hash == hash && slot.len == len {
                if let Some((from, old)) = self.entries.get_mut(slot.entry as usize) {
                    let from = *from as usize;
                    if self.bytes[from..from + word.len()] == *word {
                        *old = value;
                        return;
                    }
                }
            }
            at = (at + 1) & mask;
        }
        self.bytes.extend_from_slice(word);
        self.entries.push((start, value));
        self.slots[at] = Slot { hash, len, entry };
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![VACANT; size]);
        for slot in old.into_iter().filter(|slot| slot.len != EMPTY) {
            let mut at = start(slot.hash, size);
            while self.slots[at].len != EMPTY {
                at = (at + 1) & (size - 1);
            }
            self.slots[at] = slot;
        }
    }
}

/// A word's hash: FxHash's step over eight bytes at a time, most words taking one (SipHash,
/// the default, would cost more than the rest of reading a message). Each step is one-to-one
/// (the multiplier is odd), so two words of at most eight bytes and the same length have the
/// same hash only when they are the same word.
#[inline]
fn hash(word: &[u8]) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let step = |hash: u64, bytes: u64| (hash.rotate_left(5) ^ bytes).wrapping_mul(K);
    let len = word.len() as u64;
    match word.len() {
        0..8 => step(len, tail(word)),
        8 => step(len, eight(word)),
        _ => {
            let mut chunks = word.chunks_exact(8);
            let mut hash = len;
            for chunk in &mut chunks {
                hash = step(hash, eight(chunk));
            }
            step(hash, tail(chunks.remainder()))
        }
    }
}

/// Where a hash's probe starts in a table of `size` slots (a power of two): its high bits,
/// the well-mixed ones.
#[inline]
fn start(hash: u64, size: usize) -> usize {
    (hash >> (64 - size.trailing_zeros())) as usize
}

/// Eight bytes as one number.
#[inline]
fn eight(chunk: &[u8]) -> u64 {
    let mut bytes = [0; 8];
    bytes.copy_from_slice(chunk);
    u64::from_le_bytes(bytes)
}

/// The last 0 to 7 bytes of a word as one number, read with whole loads that may overlap
/// (copying them into a zeroed buffer first makes the processor wait for the copy). For a
/// given length, different bytes give different numbers.
#[inline]
fn tail(rest: &[u8]) -> u64 {
    let len = rest.len();
    if len >= 4 {
        let low = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let high = u32::from_le_bytes([rest[len - 4], rest[len - 3], rest[len - 2], rest[len - 1]]);
        u64::from(low) | (u64::from(high) << 32)
    } else if len > 0 {
        u64::from(rest[0]) | (u64::from(rest[len / 2]) << 8) | (u64::from(rest[len - 1]) << 16)
    } else {
        0
    }
}

/// Whether two words of the same length are the same, eight bytes at a time.
fn same(a: &[u8], b: &[u8]) -> bool {
    let (mut a8, mut b8) = (a.chunks_exact(8), b.chunks_exact(8));
    (&mut a8).zip(&mut b8).all(|(x, y)| eight(x) == eight(y))
        && tail(a8.remainder()) == tail(b8.remainder())
}

#[cfg(test)]
mod tests {
    use super::WordTable;
    use proptest::prelude::*;

    proptest! {
        /// The table answers as a map does, for words short and long, alike or not.
        #[test]
        fn agrees_with_a_map(
            words in proptest::collection::vec("[ab']{0,12}", 0..200),
            probes in proptest::collection::vec("[ab']{0,12}", 0..50),
        ) {
            let mut table = WordTable::default();
            let mut map = std::collections::HashMap::new();
            for (value, word) in words.iter().enumerate() {
                table.insert(word.as_bytes(), value);
                map.insert(word.clone(), value);
            }
            for word in words.iter().chain(&probes) {
                prop_assert_eq!(table.get(word.as_bytes()), map.get(word));
            }
        }
    }
}
