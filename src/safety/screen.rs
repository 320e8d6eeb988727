//! The router's first look at a message: which patterns could match it at all?
//!
//! Nearly every message signals nothing, and the words of most show it at once. A pattern can
//! only match a message that holds one of its anchor words (see `pattern.rs`) and every other
//! word it cannot do without. This module reads a message once into its word ids, noting which
//! words it holds in a small filter, and names the patterns that pass both tests: its
//! candidates. No pattern runs here; a rule with no candidate among its patterns cannot fire,
//! so most messages end with this look.
//!
//! It owns the reading of a message that the rules then reuse, and the tables that say which
//! patterns each word wakes. Its answer errs only one way: a pattern left out cannot match,
//! while a candidate may still not. It never decides what a message signals.

use super::pattern::{Need, Pattern, Present};
use super::text::{self, Mode, Vocabulary, WordId};
use super::MAX_PATTERNS;

/// Words of a message kept on the stack; the rare longer message is read again into the heap.
const STACK_WORDS: usize = 64;

/// A set of patterns, by index.
pub(crate) struct Bits {
    words: [u64; MAX_PATTERNS / 64],
}

impl Bits {
    pub(crate) fn new() -> Bits {
        Bits {
            words: [0; MAX_PATTERNS / 64],
        }
    }

    pub(crate) fn get(&self, index: usize) -> bool {
        self.words
            .get(index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    pub(crate) fn set(&mut self, index: usize) {
        if let Some(word) = self.words.get_mut(index / 64) {
            *word |= 1 << (index % 64);
        }
    }
}

/// A message read once: its word ids and which words it holds.
pub(crate) struct Reading {
    ids: [WordId; STACK_WORDS],
    count: usize,
    present: Present,
}

impl Reading {
    pub(crate) fn new() -> Reading {
        Reading {
            ids: [0; STACK_WORDS],
            count: 0,
            present: Present::default(),
        }
    }

    /// The message's word ids, unless there were more than the stack holds.
    pub(crate) fn words(&self) -> Option<&[WordId]> {
        self.ids.get(..self.count)
    }
}

/// What a rule or a set is to the first look: one bit. Rules and sets past the 63rd share the
/// last bit, which only makes the look more willing to pass a message on.
pub(crate) fn bit(index: usize) -> u64 {
    1 << index.min(63)
}

/// The patterns that may match a message, and the rules and sets they belong to (a bit each,
/// see [`bit`]).
pub(crate) struct Candidates {
    patterns: Bits,
    /// Rules one of whose own patterns is a candidate.
    rules: u64,
    /// Sets one of whose patterns is a candidate.
    sets: u64,
}

impl Candidates {
    pub(crate) fn get(&self, pattern: usize) -> bool {
        self.patterns.get(pattern)
    }
}

/// Which patterns each word wakes, what each pattern needs, and which rules can fire on which
/// candidates.
#[derive(Debug)]
pub(crate) struct Screen {
    /// By word id `i`: `woken_by[wake_start[i]..wake_start[i + 1]]` are the patterns it anchors.
    wake_start: Vec<u32>,
    woken_by: Vec<u16>,
    /// By pattern `p`: `needs[need_start[p]..need_start[p + 1]]`, rarest first.
    need_start: Vec<u32>,
    needs: Vec<Need>,
    /// By pattern: the rules it is one of the own patterns of, and the sets it is in.
    pattern_rules: Vec<u64>,
    pattern_sets: Vec<u64>,
    /// By rule: the sets it requires (`with`).
    requires: Vec<u64>,
}

/// What the first look needs to know of a rule: its own patterns (and those of its `when`
/// sets), and the sets it requires.
pub(crate) struct RuleShape<'a> {
    pub patterns: &'a [std::ops::Range<usize>],
    pub requires: &'a [usize],
}

impl Screen {
    /// The tables for `patterns`, given the patterns each word id anchors, the rules and the
    /// sets (as ranges of patterns).
    pub(crate) fn new(
        wakers: &[Vec<u16>],
        patterns: &[Pattern],
        rules: &[RuleShape<'_>],
        sets: &[std::ops::Range<usize>],
    ) -> Screen {
        let mut screen = Screen {
            wake_start: vec![0],
            woken_by: Vec::new(),
            need_start: vec![0],
            needs: Vec::new(),
            pattern_rules: vec![0; patterns.len()],
            pattern_sets: vec![0; patterns.len()],
            requires: rules
                .iter()
                .map(|rule| rule.requires.iter().fold(0, |all, &set| all | bit(set)))
                .collect(),
        };
        for (index, rule) in rules.iter().enumerate() {
            for range in rule.patterns {
                if let Some(owned) = screen.pattern_rules.get_mut(range.clone()) {
                    owned.iter_mut().for_each(|mask| *mask |= bit(index));
                }
            }
        }
        for (index, set) in sets.iter().enumerate() {
            if let Some(owned) = screen.pattern_sets.get_mut(set.clone()) {
                owned.iter_mut().for_each(|mask| *mask |= bit(index));
            }
        }
        for list in wakers {
            screen.woken_by.extend_from_slice(list);
            screen.wake_start.push(index(screen.woken_by.len()));
        }
        for pattern in patterns {
            screen.needs.extend_from_slice(pattern.needs());
            screen.need_start.push(index(screen.needs.len()));
        }
        screen
    }

    /// Reads `message` into `reading`.
    pub(crate) fn read(
        &self,
        vocabulary: &Vocabulary,
        class_masks: &[u128],
        message: &str,
        reading: &mut Reading,
    ) {
        text::scan(message, Mode::Read(vocabulary), |id| {
            let classes = class_masks.get(usize::from(id)).copied().unwrap_or(0);
            reading.present.add(id, classes);
            if let Some(slot) = reading.ids.get_mut(reading.count) {
                *slot = id;
            }
            reading.count += 1;
        });
    }

    /// The patterns that may match the message of `reading`, whose ids are `words`: each is
    /// woken by one of the words and has every need met. Empty for nearly every message.
    pub(crate) fn candidates(&self, words: &[WordId], reading: &Reading) -> Candidates {
        let mut candidates = Candidates {
            patterns: Bits::new(),
            rules: 0,
            sets: 0,
        };
        for &id in words {
            let id = usize::from(id);
            let (Some(&start), Some(&end)) = (self.wake_start.get(id), self.wake_start.get(id + 1))
            else {
                continue;
            };
            for &pattern in &self.woken_by[start as usize..end as usize] {
                let pattern = usize::from(pattern);
                if !candidates.get(pattern) && self.needs_met(pattern, &reading.present) {
                    candidates.patterns.set(pattern);
                    candidates.rules |= self.pattern_rules.get(pattern).copied().unwrap_or(!0);
                    candidates.sets |= self.pattern_sets.get(pattern).copied().unwrap_or(!0);
                }
            }
        }
        candidates
    }

    /// Whether rule number `rule` may fire when only `candidates` can match: one of its own
    /// patterns and one of each set it requires are candidates.
    pub(crate) fn armed(&self, rule: usize, candidates: &Candidates) -> bool {
        candidates.rules & bit(rule) != 0
            && self
                .requires
                .get(rule)
                .is_none_or(|&sets| sets & !candidates.sets == 0)
    }

    fn needs_met(&self, pattern: usize, present: &Present) -> bool {
        match (
            self.need_start.get(pattern),
            self.need_start.get(pattern + 1),
        ) {
            (Some(&start), Some(&end)) => self.needs[start as usize..end as usize]
                .iter()
                .all(|need| need.met_by(present)),
            _ => true,
        }
    }
}

/// A table position as stored (the tables are bounded far below `u32::MAX`).
fn index(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}
