//! The typo look-ups of words seen recently, per thread.
//!
//! Chat repeats its words ("really", "tomorrow", "honestly"), and with a corpus-sized vocabulary
//! looking a long word up for typos costs dozens of neighbour probes. What a look-up finds
//! depends on the word and the vocabulary alone, so the last answer for each word is kept in a
//! small table and replayed, in the same order, the next time the word comes by. The table is
//! bounded (each set of slots keeps the words it saw last), and an answer is only ever replayed
//! for the vocabulary that gave it: every change to a vocabulary gives it a new generation.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use super::ids::VocabId;

/// Slots in each thread's table (a power of two): about 1.2 MiB.
const SLOTS: usize = 16384;
/// Slots a word may stand in: two words that share a set and come by in turns ("that",
/// "what is") both stay.
const WAYS: usize = 2;
/// Longer words are looked up every time.
const MAX_WORD: usize = 24;
/// A look-up that finds more is not kept.
const MAX_FOUND: usize = 4;

static GENERATIONS: AtomicU64 = AtomicU64::new(1);

/// A generation no vocabulary had before; 0 is never given.
pub(super) fn next_generation() -> u64 {
    GENERATIONS.fetch_add(1, Ordering::Relaxed)
}

#[derive(Clone, Copy)]
struct Entry {
    generation: u64,
    len: u8,
    word: [u8; MAX_WORD],
    count: u8,
    found: [(VocabId, f32); MAX_FOUND],
}

fn empty() -> Entry {
    Entry {
        generation: 0,
        len: 0,
        word: [0; MAX_WORD],
        count: 0,
        found: [(VocabId::new(0), 0.0); MAX_FOUND],
    }
}

thread_local! {
    static TABLE: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// Calls `found` with what `look_up` finds for `word` in the vocabulary of `generation`:
/// replayed when the thread looked the word up last in its slot, else looked up and kept.
pub(super) fn remembered(
    generation: u64,
    word: &str,
    look_up: impl FnOnce(&mut dyn FnMut(VocabId, f32)),
    found: &mut impl FnMut(VocabId, f32),
) {
    let bytes = word.as_bytes();
    if generation == 0 || bytes.len() > MAX_WORD {
        look_up(found);
        return;
    }
    let set = set_of(bytes);
    // A thread that is ending has no table left: its look-ups are not kept.
    let kept = TABLE
        .try_with(|table| {
            let mut table = table.try_borrow_mut().ok()?;
            let ways = table.get_mut(set..set + WAYS)?;
            let way = ways.iter().position(|entry| {
                entry.generation == generation && &entry.word[..usize::from(entry.len)] == bytes
            })?;
            // The word used last stays first: the set keeps the two used most recently.
            ways[..=way].rotate_right(1);
            Some(ways[0])
        })
        .ok()
        .flatten();
    if let Some(entry) = kept {
        for &(id, quality) in &entry.found[..usize::from(entry.count)] {
            found(id, quality);
        }
        return;
    }
    let mut entry = Entry {
        generation,
        len: bytes.len() as u8,
        ..empty()
    };
    entry.word[..bytes.len()].copy_from_slice(bytes);
    let mut fits = true;
    look_up(&mut |id, quality| {
        match entry.found.get_mut(usize::from(entry.count)) {
            Some(free) => {
                *free = (id, quality);
                entry.count += 1;
            }
            None => fits = false,
        }
        found(id, quality);
    });
    if fits {
        let _ = TABLE.try_with(|table| {
            // Busy only if a look-up ran inside another's callback: that one is not kept.
            if let Ok(mut table) = table.try_borrow_mut() {
                if table.is_empty() {
                    table.resize(SLOTS, empty());
                }
                let ways = &mut table[set..set + WAYS];
                ways.rotate_right(1);
                ways[0] = entry;
            }
        });
    }
}

/// The first slot of the word's set of [`WAYS`] slots.
fn set_of(bytes: &[u8]) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    ((hash >> 32) as usize & (SLOTS / WAYS - 1)) * WAYS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look_up_counting(generation: u64, word: &str, calls: &mut usize) -> Vec<(VocabId, f32)> {
        let mut got = Vec::new();
        remembered(
            generation,
            word,
            |found| {
                *calls += 1;
                found(VocabId::new(7), 0.9);
                found(VocabId::new(3), 0.8);
            },
            &mut |id, quality| got.push((id, quality)),
        );
        got
    }

    #[test]
    fn a_word_is_looked_up_once_per_vocabulary_and_replayed_in_order() {
        let generation = next_generation();
        let mut calls = 0;
        let first = look_up_counting(generation, "tomorow", &mut calls);
        let again = look_up_counting(generation, "tomorow", &mut calls);
        assert_eq!(calls, 1);
        assert_eq!(first, again);
        assert_eq!(first, [(VocabId::new(7), 0.9), (VocabId::new(3), 0.8)]);
        // Another vocabulary looks it up again.
        look_up_counting(next_generation(), "tomorow", &mut calls);
        assert_eq!(calls, 2);
    }

    #[test]
    fn two_words_of_one_set_used_in_turns_both_stay() {
        let generation = next_generation();
        let first = "tomorrow";
        let other = (0..)
            .map(|n| format!("w{n}"))
            .find(|word| set_of(word.as_bytes()) == set_of(first.as_bytes()))
            .unwrap();
        let mut calls = 0;
        for _ in 0..3 {
            look_up_counting(generation, first, &mut calls);
            look_up_counting(generation, &other, &mut calls);
        }
        assert_eq!(calls, 2);
    }

    #[test]
    fn long_words_and_long_answers_are_not_kept() {
        let generation = next_generation();
        let mut calls = 0;
        let long = "a".repeat(MAX_WORD + 1);
        look_up_counting(generation, &long, &mut calls);
        look_up_counting(generation, &long, &mut calls);
        assert_eq!(calls, 2);

        let mut many = 0;
        for _ in 0..2 {
            remembered(
                generation,
                "crowded",
                |found| {
                    many += 1;
                    for id in 0..=MAX_FOUND {
                        found(VocabId::new(id), 1.0);
                    }
                },
                &mut |_, _| {},
            );
        }
        assert_eq!(many, 2);
    }
}
