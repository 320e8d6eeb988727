//! The matcher's first look at a message: could its words name a subject?
//!
//! Nearly every message names none, and most of them show it at once. This module reads the
//! words of a message as normalisation would (the same markup removal before it, the same
//! apostrophes, the same plural stems, through the same functions) but without sentences,
//! clauses or quotes, and asks the term index about each word and each pair of neighbouring
//! words, as finding terms would. A term is only found where every one of its words is, so
//! when no term has all of its words among those found (nearly always, none even has its
//! first), the message names no subject, and normalising it in full is skipped. Words that
//! normalisation writes itself (`normalize::stock_words`) count as found in every message.
//!
//! Contractions and chat spellings are read out into a few stock words
//! (`normalize::stock_words`). When no term starts with one of those (the usual case), they
//! need not be looked at: a word is asked about as it stands before any apostrophe (and
//! without the `n` of `n't`), and pairs are asked about even where the reading would separate
//! them. That asks more than finding terms would, never less. When a term does start with a
//! stock word, the look reads every word out exactly as normalisation does.
//!
//! It owns only that reading. It errs one way: "no" is certain, "maybe" goes on to the full
//! path. A character it has no cheap reading for (a letter outside ASCII, a symbol it does not
//! know) is a "maybe". It never decides anything about topics.

use super::ids::VocabId;
use super::index::{joinable_pair, TermIndex};
use super::language::Language;
use super::normalize::{
    may_start_markup, plain_kind, readable, split_word, stem, stem_of, stock_words, truncated,
    Plain,
};
use super::sieve::{Key, LETTER_BITS};

/// How a matcher's first look reads messages, decided once per term index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Screen {
    /// A term starts with a stock word: read every word out exactly.
    exact: bool,
}

impl Screen {
    pub(crate) fn new(index: &TermIndex) -> Screen {
        Screen {
            exact: stock_words().any(|word| index.finds_a_start(&stem(word))),
        }
    }
}

/// Buffers reused from message to message.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    word: String,
    previous: String,
    stem: String,
    pair: String,
    /// The vocabulary words found so far.
    found: Vec<VocabId>,
}

/// Whether the words of `text` (as normalisation reads them), and any two neighbouring words
/// written together, may hold every word of some subject's term. `false` is certain: finding
/// terms in the normalised message would find none. `markup` is scratch space for removing
/// markup.
pub(crate) fn may_name_terms(
    screen: Screen,
    index: &TermIndex,
    language: &Language,
    text: &str,
    markup: &mut String,
    scratch: &mut Scratch,
) -> bool {
    let Scratch {
        word,
        previous,
        stem,
        pair,
        found,
    } = scratch;
    let text = truncated(text);
    found.clear();
    if !screen.exact {
        if let Some(named) = quick_look(index, language, text, word, previous, stem, pair, found) {
            return named;
        }
        found.clear();
    }
    let readable = readable(text, markup);
    word.clear();
    previous.clear();
    let mut look = Look {
        exact: screen.exact,
        index,
        language,
        previous,
        previous_key: None,
        previous_as_written: false,
        stem,
        pair,
        found,
    };
    // As `normalize::WordReader`: an apostrophe joins a word only between letters, invisible
    // characters are skipped, anything else ends the word.
    let mut pending_apostrophe = false;
    let mut has_apostrophe = false;
    let bytes = readable.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii_alphanumeric() {
            if pending_apostrophe {
                word.push('\'');
                pending_apostrophe = false;
                has_apostrophe = true;
            }
            while let Some(&byte) = bytes.get(at).filter(|b| b.is_ascii_alphanumeric()) {
                word.push(char::from(byte.to_ascii_lowercase()));
                at += 1;
            }
            continue;
        }
        let apostrophe = if byte.is_ascii() {
            at += 1;
            matches!(byte, b'\'' | b'`')
        } else {
            let Some(c) = readable[at..].chars().next() else {
                return true;
            };
            at += c.len_utf8();
            match plain_kind(c) {
                Some(Plain::Invisible) => continue,
                Some(Plain::Symbol) => false,
                // Curly quotes are apostrophes to normalisation too ('ʼ' is a letter there).
                None if matches!(c, '\u{2019}' | '\u{2018}') => true,
                None => return true,
            }
        };
        if apostrophe && !word.is_empty() && !pending_apostrophe {
            pending_apostrophe = true;
            continue;
        }
        pending_apostrophe = false;
        look.word(word, has_apostrophe);
        word.clear();
        has_apostrophe = false;
    }
    look.word(word, has_apostrophe);
    completes_a_term(index, look.found)
}

/// Whether the words found in a message may complete some term. A term is only found where
/// its first word is, and most messages show none; a message that holds a common first word
/// ("high", "back") seldom holds the rest of a term.
fn completes_a_term(index: &TermIndex, found: &mut Vec<VocabId>) -> bool {
    if !found.iter().any(|&vocab| index.starts_term(vocab)) {
        return false;
    }
    found.sort_unstable();
    found.dedup();
    index.may_complete_a_term(found)
}

/// What [`ASCII_CLASS`] says of a byte.
const LETTER: u8 = 1;
const UPPER: u8 = 2;
const APOSTROPHE: u8 = 4;

/// ASCII letters and digits, capitals, and the ASCII apostrophes of `normalize::is_apostrophe`.
static ASCII_CLASS: [u8; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 128 {
        let b = byte as u8;
        table[byte] = if b.is_ascii_uppercase() {
            LETTER | UPPER
        } else if b.is_ascii_alphanumeric() {
            LETTER
        } else if b == b'\'' || b == b'`' {
            APOSTROPHE
        } else {
            0
        };
        byte += 1;
    }
    table
};

/// The first look in the common case (no term starts with a stock word): words of ASCII letters
/// between separators, each asked about as it stands before any apostrophe, read a byte at a
/// time without copying unless it has capitals. `None` when the message needs the general
/// reading: markup that normalisation would remove first, or an invisible character where it
/// could join a word. The vocabulary words found go to `found`.
#[allow(clippy::too_many_arguments)]
fn quick_look(
    index: &TermIndex,
    language: &Language,
    text: &str,
    lower: &mut String,
    previous: &mut String,
    stem_buffer: &mut String,
    pair: &mut String,
    found: &mut Vec<VocabId>,
) -> Option<bool> {
    let bytes = text.as_bytes();
    let class = |at: usize| bytes.get(at).map_or(0, |&b| ASCII_CLASS[usize::from(b)]);
    // The word before, if it may pair with the next: where its text is (the message, or
    // `previous` when it had to be lowercased), and its key.
    let mut before: Option<(Option<(usize, usize)>, Key)> = None;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if ASCII_CLASS[usize::from(byte)] & LETTER == 0 {
            if byte.is_ascii() {
                if may_start_markup(bytes, at) {
                    return None;
                }
                at += 1;
                continue;
            }
            let c = text[at..].chars().next()?;
            at += c.len_utf8();
            match plain_kind(c) {
                // Between words, a symbol or an invisible character only separates.
                Some(_) => continue,
                None if matches!(c, '\u{2019}' | '\u{2018}') => continue,
                None => return Some(true),
            }
        }
        // A word: its part before any apostrophe, with its key.
        let start = at;
        let (mut letters, mut classes) = (0u32, 0u8);
        for &byte in &bytes[start..] {
            let class = ASCII_CLASS[usize::from(byte)];
            if class & LETTER == 0 {
                break;
            }
            letters |= LETTER_BITS[usize::from(byte | 0x20)];
            classes |= class;
            at += 1;
        }
        let upper = classes & UPPER != 0;
        let end = at;
        // What follows: an apostrophe that joins more letters (`n't` or a clitic), or the end.
        let mut negated = false;
        let mut clitics = 0;
        loop {
            let apostrophe = match bytes.get(at) {
                Some(&b) if ASCII_CLASS[usize::from(b)] & APOSTROPHE != 0 => 1,
                Some(0xE2) if matches!(bytes.get(at + 1..at + 3), Some([0x80, 0x98 | 0x99])) => 3,
                Some(b) if !b.is_ascii() => match text[at..].chars().next() {
                    Some(c) if plain_kind(c) == Some(Plain::Invisible) => return None,
                    _ => 0,
                },
                _ => 0,
            };
            if apostrophe == 0 {
                break;
            }
            let after = at + apostrophe;
            match bytes.get(after) {
                Some(b) if ASCII_CLASS[usize::from(*b)] & LETTER != 0 => {}
                Some(b) if !b.is_ascii() => return None,
                _ => break,
            }
            at = after;
            let clitic = at;
            while class(at) & LETTER != 0 {
                at += 1;
            }
            clitics += 1;
            negated = clitics == 1 && bytes[clitic..at].eq_ignore_ascii_case(b"t");
        }
        negated &= clitics == 1;
        let token = if upper {
            lower.clear();
            lower.push_str(&text[start..end]);
            lower.make_ascii_lowercase();
            lower.as_str()
        } else {
            &text[start..end]
        };
        let first = char::from(bytes[start] | 0x20);
        let key = Key::new(first, end - start, letters);
        let stem = stem_of(token, stem_buffer);
        let stem_key = if stem.len() == token.len() {
            Some(key)
        } else {
            Key::of(stem)
        };
        if let Some(stem_key) = stem_key {
            if index.may_find(stem_key) {
                index.lookup_keyed(stem, stem_key, |vocab, _| found.push(vocab));
            }
            if let Some((place, before_key)) = before {
                if index.may_find(before_key.joined(stem_key)) {
                    let word = match place {
                        Some((from, to)) => &text[from..to],
                        None => previous.as_str(),
                    };
                    index.lookup_pair(
                        (word, before_key),
                        (stem, stem_key),
                        pair,
                        || joinable_pair(language, word, token),
                        |vocab, _| found.push(vocab),
                    );
                }
            }
        }
        if negated {
            // `n't` reads the word without its `n`, not as written: it pairs with nothing.
            let reading = token.strip_suffix('n').unwrap_or(token);
            let stem = stem_of(reading, stem_buffer);
            if let Some(key) = Key::of(stem).filter(|&key| index.may_find(key)) {
                index.lookup_keyed(stem, key, |vocab, _| found.push(vocab));
            }
            before = None;
        } else if upper {
            std::mem::swap(lower, previous);
            before = Some((None, key));
        } else {
            before = Some((Some((start, end)), key));
        }
    }
    Some(completes_a_term(index, found))
}

/// Asks the index about the words of a message, one written word at a time.
struct Look<'a> {
    exact: bool,
    index: &'a TermIndex,
    language: &'a Language,
    /// The last word read, its key, and whether it stands as written.
    previous: &'a mut String,
    previous_key: Option<Key>,
    previous_as_written: bool,
    stem: &'a mut String,
    pair: &'a mut String,
    /// The vocabulary words found so far.
    found: &'a mut Vec<VocabId>,
}

impl Look<'_> {
    /// Finds the vocabulary words a written word (lowercase, holding an apostrophe or not) or
    /// its pairing with the word before may be. Leaves `word` for reuse.
    fn word(&mut self, word: &mut String, has_apostrophe: bool) {
        if word.is_empty() {
            return;
        }
        if self.exact {
            split_word(word, has_apostrophe, |token, as_written| {
                self.token(token, as_written)
            });
            return;
        }
        let base = match has_apostrophe {
            true => word.find('\'').unwrap_or(word.len()),
            false => word.len(),
        };
        let negated = word[base..] == *"'t";
        word.truncate(base);
        self.token(word, true);
        if negated {
            let reading = word.strip_suffix('n').unwrap_or(word);
            self.token(reading, false);
        } else {
            // The word is the one a next word may pair with: keep it without copying.
            std::mem::swap(word, self.previous);
        }
    }

    /// As finding terms reads one normalised word: its stem, then the word before written
    /// together with this stem when both stand as written. Remembers the word as the one
    /// before the next, except that a word [`Look::word`] keeps itself is not copied.
    fn token(&mut self, token: &str, as_written: bool) {
        let stem = stem_of(token, self.stem);
        let Some(stem_key) = Key::of(stem) else {
            return;
        };
        // The index's first test is asked here, before anything is built or called.
        if self.index.may_find(stem_key) {
            let found = &mut *self.found;
            self.index
                .lookup_keyed(stem, stem_key, |vocab, _| found.push(vocab));
        }
        let pairs = as_written && self.previous_as_written;
        if let Some(previous_key) = self
            .previous_key
            .filter(|key| pairs && self.index.may_find(key.joined(stem_key)))
        {
            let found = &mut *self.found;
            let (language, previous) = (self.language, &*self.previous);
            self.index.lookup_pair(
                (previous, previous_key),
                (stem, stem_key),
                self.pair,
                || joinable_pair(language, previous, token),
                |vocab, _| found.push(vocab),
            );
        }
        if self.exact {
            self.previous.clear();
            self.previous.push_str(token);
        }
        // The pair reads the word before as written, not its stem.
        self.previous_key = Key::of(token);
        self.previous_as_written = as_written;
    }
}
