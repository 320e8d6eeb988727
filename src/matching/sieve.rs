//! The term index's first tests of a word: what its first character, its length and the
//! letters it uses rule out, before anything is hashed or compared.
//!
//! Almost every chat word is no term word, and most show it here: no vocabulary word of a near
//! length starts with its letter, or every such word differs from it in more letters than its
//! typo budget allows. This module owns those tables and the key they read (`Key`). Its "no"
//! is certain; a "maybe" goes on to the vocabulary (`index.rs`). It never decides what a word
//! is.

use super::index::{edit_budget, MIN_FUZZY_LEN, TABLE_LEN};

/// Which word lengths the vocabulary has, per first ASCII letter or digit (lengths from 63 up
/// share the top bit).
#[derive(Debug)]
pub(crate) struct LengthsByFirst {
    ascii: [u64; 36],
}

impl Default for LengthsByFirst {
    fn default() -> Self {
        LengthsByFirst { ascii: [0; 36] }
    }
}

impl LengthsByFirst {
    pub(crate) fn slot(first: char) -> Option<usize> {
        match first {
            'a'..='z' => Some(first as usize - 'a' as usize),
            '0'..='9' => Some(26 + first as usize - '0' as usize),
            _ => None,
        }
    }

    pub(crate) fn add(&mut self, first: char, len: usize) {
        if let Some(slot) = Self::slot(first) {
            self.ascii[slot] |= 1 << len.min(63);
        }
    }

    /// Whether a vocabulary word starting with `first` may be `len` long, give or take
    /// `budget`. Characters other than ASCII letters and digits always may.
    pub(crate) fn may_hold(&self, first: char, len: usize, budget: usize) -> bool {
        self.window(first, len, budget) != 0
    }

    /// The lengths from `len - budget` to `len + budget` that a vocabulary word starting with
    /// `first` may have, one bit each (all of them for characters other than ASCII letters and
    /// digits).
    pub(crate) fn window(&self, first: char, len: usize, budget: usize) -> u64 {
        let low = len.saturating_sub(budget).min(63);
        let high = (len + budget).min(63);
        let wanted = (u64::MAX >> (63 - (high - low))) << low;
        match Self::slot(first) {
            Some(slot) => self.ascii[slot] & wanted,
            None => wanted,
        }
    }
}

/// The letters of a group of words: those any of them uses and those all of them use. A
/// message word's letters outside the first, and the second's missing from the word, differ
/// from every word of the group, so a group can be passed over whole.
/// Eight bytes, so that the sieve's table stays small.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Letters {
    any: u32,
    /// [`Letters::NONE`] while the group is empty (no letter mask has every bit).
    all: u32,
}

impl Default for Letters {
    fn default() -> Self {
        Letters {
            any: 0,
            all: Self::NONE,
        }
    }
}

impl Letters {
    const NONE: u32 = u32::MAX;

    pub(crate) fn add(&mut self, letters: u32) {
        self.all &= letters;
        self.any |= letters;
    }

    /// Whether a word using `letters` may differ from some word of the group in at most
    /// `limit` letters.
    pub(crate) fn may_be_near(&self, letters: u32, limit: u32) -> bool {
        let surely_different =
            u64::from(letters & !self.any) | u64::from(self.all & !letters) << 32;
        self.all != Self::NONE && at_most(surely_different, limit)
    }
}

/// The index's first tests of a message word, by its first ASCII letter or digit and its
/// length: the letters of the vocabulary words of exactly that length (a word spelled like one
/// uses the same letters), and of the words that accept typos and that a word of that length
/// may be a typo of, together and by length. Most chat words use letters none of them do, and
/// are done with one look at this table; for the rest, it says which lengths of words to read.
#[derive(Debug, Default)]
pub(crate) struct FirstTests {
    /// The first test: sixteen bytes a slot, so that the table stays in the fastest cache.
    table: Vec<Tests>,
    /// The second, for the few words that pass the first: the words of each length they may
    /// be a typo of.
    lengths: Vec<NearLengths>,
}

/// The most lengths a word may be a typo of: its own, give or take two.
const NEAR_LENGTHS: usize = 5;

#[derive(Debug, Clone, Copy, Default)]
struct Tests {
    exact: Letters,
    near: Letters,
}

#[derive(Debug, Clone, Copy, Default)]
struct NearLengths {
    near: [Near; NEAR_LENGTHS],
    count: u8,
}

/// The vocabulary words of one length that a message word may be a typo of, and in how many
/// letters it may differ from them (twice its typos: each changes at most two).
#[derive(Debug, Clone, Copy, Default)]
struct Near {
    len: u8,
    limit: u8,
    letters: Letters,
}

/// What the first tests say of a word in detail: whether it may be spelled like a vocabulary
/// word, and the lengths of vocabulary words it may be a typo of (a bit each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sifted {
    pub exact: bool,
    pub near: u64,
}

impl FirstTests {
    fn slot(first: char, len: usize) -> Option<usize> {
        let first = LengthsByFirst::slot(first)?;
        (len < TABLE_LEN).then_some(first * TABLE_LEN + len)
    }

    fn get_mut(&mut self, slot: usize) -> (&mut Tests, &mut NearLengths) {
        if self.table.is_empty() {
            self.table = vec![Tests::default(); 36 * TABLE_LEN];
            self.lengths = vec![NearLengths::default(); 36 * TABLE_LEN];
        }
        (&mut self.table[slot], &mut self.lengths[slot])
    }

    /// Adds a vocabulary word. Words are never taken out: a group that still counts a word
    /// that stopped accepting typos only passes more message words on.
    pub(crate) fn add(&mut self, first: char, len: usize, letters: u32, accepts_typos: bool) {
        if let Some(slot) = Self::slot(first, len) {
            self.get_mut(slot).0.exact.add(letters);
        }
        if !accepts_typos {
            return;
        }
        for message_len in MIN_FUZZY_LEN..TABLE_LEN {
            let max_edits = edit_budget(message_len).min(edit_budget(len));
            if message_len.abs_diff(len) > max_edits {
                continue;
            }
            let Some(slot) = Self::slot(first, message_len) else {
                continue;
            };
            let (tests, lengths) = self.get_mut(slot);
            tests.near.add(letters);
            let count = usize::from(lengths.count);
            let at = match lengths.near[..count]
                .iter()
                .position(|near| usize::from(near.len) == len)
            {
                Some(at) => at,
                None if count < NEAR_LENGTHS => {
                    lengths.near[count] = Near {
                        len: len as u8,
                        limit: 2 * max_edits as u8,
                        letters: Letters::default(),
                    };
                    lengths.count += 1;
                    count
                }
                // A window holds at most five lengths.
                None => continue,
            };
            lengths.near[at].letters.add(letters);
        }
    }

    /// Whether a word may be a vocabulary word, spelled exactly or with typos, by its letters;
    /// `None` when the table cannot say (characters other than ASCII letters and digits, very
    /// long words).
    #[inline]
    pub(crate) fn may_find(&self, key: Key) -> Option<bool> {
        let slot = Self::slot(key.first, key.len)?;
        let Some(tests) = self.table.get(slot) else {
            return Some(false);
        };
        Some(
            tests.exact.may_be_near(key.letters, 0)
                || (key.len >= MIN_FUZZY_LEN
                    && tests
                        .near
                        .may_be_near(key.letters, 2 * edit_budget(key.len) as u32)),
        )
    }

    /// What the table says of a word in detail; `None` when it cannot say.
    pub(crate) fn sift(&self, key: Key) -> Option<Sifted> {
        let slot = Self::slot(key.first, key.len)?;
        let (Some(tests), Some(lengths)) = (self.table.get(slot), self.lengths.get(slot)) else {
            return Some(Sifted {
                exact: false,
                near: 0,
            });
        };
        let mut near = 0;
        if key.len >= MIN_FUZZY_LEN {
            for group in &lengths.near[..usize::from(lengths.count)] {
                if group
                    .letters
                    .may_be_near(key.letters, u32::from(group.limit))
                {
                    near |= 1 << group.len;
                }
            }
        }
        Some(Sifted {
            exact: tests.exact.may_be_near(key.letters, 0),
            near,
        })
    }
}

/// The set of letters a word uses: a bit per ASCII letter, one for any digit, one for anything
/// else. Read by bytes: every byte of a non-ASCII character is "anything else", as the
/// character is.
pub(crate) fn letter_mask(word: &str) -> u32 {
    word.bytes()
        .fold(0, |mask, byte| mask | LETTER_BITS[usize::from(byte)])
}

/// [`letter_mask`]'s bit for each byte.
pub(crate) static LETTER_BITS: [u32; 256] = {
    let mut bits = [1 << 27; 256];
    let mut byte = 0;
    while byte < 256 {
        match byte as u8 {
            letter @ b'a'..=b'z' => bits[byte] = 1 << (letter - b'a'),
            b'0'..=b'9' => bits[byte] = 1 << 26,
            _ => {}
        }
        byte += 1;
    }
    bits
};

/// What the index's first tests read of a word: its first character, its length in
/// characters, and the letters it uses ([`letter_mask`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    pub first: char,
    pub len: usize,
    pub letters: u32,
}

impl Key {
    /// The key of a word already read: its first character, its length in characters and
    /// its [`letter_mask`].
    pub(crate) fn new(first: char, len: usize, letters: u32) -> Key {
        Key {
            first,
            len,
            letters,
        }
    }

    /// The key of a word, `None` for an empty one. One pass over its bytes.
    pub(crate) fn of(word: &str) -> Option<Key> {
        let bytes = word.as_bytes();
        let first = match *bytes.first()? {
            byte if byte.is_ascii() => char::from(byte),
            _ => word.chars().next()?,
        };
        let (mut len, mut letters) = (0, 0);
        for &byte in bytes {
            // Bytes that do not continue a character count one each.
            len += usize::from((byte as i8) >= -0x40);
            letters |= LETTER_BITS[usize::from(byte)];
        }
        Some(Key {
            first,
            len,
            letters,
        })
    }

    /// The key of this word with `next` written after it.
    pub(crate) fn joined(self, next: Key) -> Key {
        Key {
            first: self.first,
            len: self.len + next.len,
            letters: self.letters | next.letters,
        }
    }
}

/// Whether `bits` holds at most `n` set bits. For the limits typos allow (up to four), the
/// lowest set bit is cleared four times and the answer picked without a branch: `n` changes
/// from one call to the next, and processors without a population count count slowly.
pub(crate) fn at_most(bits: u64, n: u32) -> bool {
    let clear = |bits: u64| bits & bits.wrapping_sub(1);
    let one = clear(bits);
    let two = clear(one);
    let three = clear(two);
    let four = clear(three);
    match [bits, one, two, three, four].get(n as usize) {
        Some(&left) => left == 0,
        None => bits.count_ones() <= n,
    }
}
