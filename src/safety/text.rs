//! Chat text -> word ids, for the safety router.
//!
//! Owns how a message is read before safety patterns look at it: case, apostrophes, Discord
//! markup (mentions, custom emoji), sentence ends, numbers (a temperature is its own kind of
//! number), emoji as words, and the chat spellings of the language file (`can't` -> `can not`).
//! It never allocates per word and reads at most [`MAX_SCANNED_BYTES`] of a message, so its cost
//! is linear in a bounded input. It never decides anything.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Only this many bytes of a message are read. Discord messages are at most 2,000 characters,
/// so a real message is read whole; a paste of anything larger is cut, not refused.
pub const MAX_SCANNED_BYTES: usize = 8 * 1024;

/// Longest word (in bytes) that can be in the vocabulary; longer words are unknown words.
pub const MAX_WORD_BYTES: usize = 48;

/// A word id. The first few are fixed kinds of token; the rest are the vocabulary's words.
pub type WordId = u16;

/// A word the language file never mentions.
pub const UNKNOWN: WordId = 0;
/// The end of a sentence (`.`, `!`, `?`, `;`, a line break): patterns never span one.
pub const BREAK: WordId = 1;
/// A number that is not a body temperature.
pub const NUMBER: WordId = 2;
/// A number that reads as a fever-range temperature (38–43 °C or 100.4–109 °F).
pub const TEMPERATURE: WordId = 3;
/// A number that reads as a year (1900–2099), so "that was 2019" can say an event is over.
pub const YEAR: WordId = 4;
/// The first id given to a vocabulary word.
pub const FIRST_WORD: WordId = 5;

/// Most words one vocabulary may hold (ids are 16 bits).
pub const MAX_VOCABULARY: usize = 60_000;

/// A cheap, fixed hash for short words (FxHash's mixing step); the default SipHash would cost
/// more than the rest of reading a message.
#[derive(Default)]
pub struct WordHasher(u64);

impl WordHasher {
    fn mix(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Eight bytes at a time: most words take one or two steps.
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_usize(&mut self, value: usize) {
        self.mix(value as u64);
    }
}

type WordMap<V> = HashMap<Box<[u8]>, V, BuildHasherDefault<WordHasher>>;

/// What a written word stands for: one id, or the words of a chat spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    ids: [WordId; 4],
    len: u8,
}

impl Entry {
    fn one(id: WordId) -> Entry {
        Entry {
            ids: [id, 0, 0, 0],
            len: 1,
        }
    }

    pub(crate) fn ids(&self) -> &[WordId] {
        &self.ids[..usize::from(self.len)]
    }
}

/// The words the language file knows, and its chat spellings.
#[derive(Debug, Default)]
pub struct Vocabulary {
    entries: WordMap<Entry>,
    words: Vec<Box<str>>,
}

impl Vocabulary {
    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }

    /// The written form of an id.
    #[cfg(test)]
    pub(crate) fn word(&self, id: WordId) -> &str {
        match id {
            UNKNOWN => "<unknown>",
            BREAK => ".",
            NUMBER => "<num>",
            TEMPERATURE => "<temp>",
            YEAR => "<year>",
            _ => self
                .words
                .get(usize::from(id - FIRST_WORD))
                .map_or("<unknown>", |word| word),
        }
    }

    /// The id of `word` (already lowercase), adding it when new. `None` when the vocabulary is
    /// full or the word too long to ever be read from a message.
    pub(crate) fn intern(&mut self, word: &str) -> Option<WordId> {
        if word.len() > MAX_WORD_BYTES {
            return None;
        }
        if let Some(entry) = self.entries.get(word.as_bytes()) {
            if entry.len == 1 {
                return Some(entry.ids[0]);
            }
        }
        if self.words.len() >= MAX_VOCABULARY {
            return None;
        }
        let id = WordId::try_from(self.words.len()).ok()? + FIRST_WORD;
        self.words.push(word.into());
        self.entries.insert(word.as_bytes().into(), Entry::one(id));
        Some(id)
    }

    /// Makes `written` read as the words `ids` (a chat spelling).
    pub(crate) fn respell(&mut self, written: &str, ids: &[WordId]) -> bool {
        if ids.is_empty() || ids.len() > 4 || written.len() > MAX_WORD_BYTES {
            return false;
        }
        let mut entry = Entry {
            ids: [0; 4],
            len: ids.len() as u8,
        };
        entry.ids[..ids.len()].copy_from_slice(ids);
        self.entries.insert(written.as_bytes().into(), entry);
        true
    }

    pub(crate) fn lookup(&self, word: &[u8]) -> Option<Entry> {
        self.entries.get(word).copied()
    }
}

/// Where a word's letters are collected while reading, so that reading allocates nothing.
struct WordBuffer {
    bytes: [u8; MAX_WORD_BYTES],
    len: usize,
    /// Longer than the buffer: an unknown word whatever it says.
    overflow: bool,
    /// Only digits and at most one inner `.` so far.
    numeric: bool,
}

impl WordBuffer {
    fn new() -> WordBuffer {
        WordBuffer {
            bytes: [0; MAX_WORD_BYTES],
            len: 0,
            overflow: false,
            numeric: true,
        }
    }

    /// The common case: one ASCII byte, already lowercase.
    fn push_ascii(&mut self, byte: u8) {
        if self.len >= MAX_WORD_BYTES {
            self.overflow = true;
            return;
        }
        self.bytes[self.len] = byte;
        self.len += 1;
        if !(byte.is_ascii_digit() || byte == b'.') {
            self.numeric = false;
        }
    }

    fn push(&mut self, c: char) {
        let mut utf8 = [0; 4];
        let encoded = c.encode_utf8(&mut utf8).as_bytes();
        if self.len + encoded.len() > MAX_WORD_BYTES {
            self.overflow = true;
            return;
        }
        self.bytes[self.len..self.len + encoded.len()].copy_from_slice(encoded);
        self.len += encoded.len();
        if !(c.is_ascii_digit() || c == '.') {
            self.numeric = false;
        }
    }

    fn is_empty(&self) -> bool {
        self.len == 0 && !self.overflow
    }

    fn clear(&mut self) {
        self.len = 0;
        self.overflow = false;
        self.numeric = true;
    }
}

/// How a word that the vocabulary does not know yet is handled.
pub(crate) enum Mode<'a> {
    /// Reading a message: unknown words are [`UNKNOWN`].
    Read(&'a Vocabulary),
    /// Reading the language file: unknown words are added.
    Learn(&'a mut Vocabulary),
}

impl Mode<'_> {
    fn resolve(&mut self, word: &[u8], emit: &mut impl FnMut(WordId)) {
        let vocabulary: &Vocabulary = match self {
            Mode::Read(vocabulary) => vocabulary,
            Mode::Learn(vocabulary) => vocabulary,
        };
        if let Some(entry) = vocabulary.lookup(word) {
            entry.ids().iter().for_each(|&id| emit(id));
            return;
        }
        // A possessive reads as its owner: "husband's" -> "husband".
        if let Some(owner) = word.strip_suffix(b"'s") {
            if let Some(entry) = vocabulary.lookup(owner) {
                entry.ids().iter().for_each(|&id| emit(id));
                return;
            }
            return self.unknown(owner, emit);
        }
        self.unknown(word, emit);
    }

    fn unknown(&mut self, word: &[u8], emit: &mut impl FnMut(WordId)) {
        match self {
            Mode::Read(_) => emit(UNKNOWN),
            Mode::Learn(vocabulary) => {
                let id = std::str::from_utf8(word)
                    .ok()
                    .and_then(|word| vocabulary.intern(word))
                    .unwrap_or(UNKNOWN);
                emit(id);
            }
        }
    }
}

fn number_kind(digits: &[u8]) -> WordId {
    let value = std::str::from_utf8(digits)
        .ok()
        .and_then(|text| text.parse::<f32>().ok());
    match value {
        Some(v) if digits.len() == 4 && (1900.0..=2099.0).contains(&v) => YEAR,
        Some(v) if (38.0..=43.0).contains(&v) || (100.4..=109.0).contains(&v) => TEMPERATURE,
        _ => NUMBER,
    }
}

/// Characters that only shape another character (emoji joiners, variation selectors, skin
/// tones, combining marks for diacritics) and are skipped.
fn is_modifier(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{2060}'..='\u{2064}' | '\u{0300}'..='\u{036F}')
}

/// Emits word ids, folding consecutive sentence ends into one.
struct Out<F: FnMut(WordId)> {
    emit: F,
    last_was_break: bool,
}

impl<F: FnMut(WordId)> Out<F> {
    fn id(&mut self, id: WordId) {
        let is_break = id == BREAK;
        if is_break && self.last_was_break {
            return;
        }
        self.last_was_break = is_break;
        (self.emit)(id);
    }

    fn flush(&mut self, word: &mut WordBuffer, mode: &mut Mode<'_>) {
        if word.is_empty() {
            return;
        }
        // Apostrophes that open or close a word are quotes.
        let mut slice = &word.bytes[..word.len];
        while let [b'\'', rest @ ..] = slice {
            slice = rest;
        }
        while let [rest @ .., b'\''] = slice {
            slice = rest;
        }
        if word.overflow {
            self.id(UNKNOWN);
        } else if word.numeric && !slice.is_empty() {
            self.id(number_kind(slice));
        } else if !slice.is_empty() {
            mode.resolve(slice, &mut |id| self.id(id));
        }
        word.clear();
    }
}

/// Reads `text` (at most [`MAX_SCANNED_BYTES`] of it) and calls `emit` once per word id, in
/// order. Consecutive sentence ends are emitted once.
pub(crate) fn scan(text: &str, mut mode: Mode<'_>, emit: impl FnMut(WordId)) {
    let mut end = text.len().min(MAX_SCANNED_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let bytes = text.as_bytes();
    let mut word = WordBuffer::new();
    let mut out = Out {
        emit,
        last_was_break: true,
    };
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c.is_ascii_alphanumeric() {
            word.push_ascii(c.to_ascii_lowercase() as u8);
            continue;
        }
        if c.is_alphanumeric() {
            c.to_lowercase().for_each(|lower| word.push(lower));
            continue;
        }
        match c {
            '\'' | '\u{2019}' | '\u{2018}' | '`' if !word.is_empty() => word.push('\''),
            '.' | ','
                if word.numeric
                    && !word.is_empty()
                    && chars.peek().is_some_and(|(_, next)| next.is_ascii_digit()) =>
            {
                word.push('.');
            }
            '<' => {
                out.flush(&mut word, &mut mode);
                // Discord markup (<@id>, <#id>, <:name:id>, <t:stamp>): skipped whole.
                let rest = &bytes[at + 1..];
                let close = rest.iter().take(80).position(|&b| b == b'>');
                let markup = matches!(rest.first(), Some(b'@' | b'#' | b':' | b'a' | b't'));
                if let (Some(close), true) = (close, markup) {
                    let resume = at + 1 + close;
                    while chars.peek().is_some_and(|(next, _)| *next <= resume) {
                        chars.next();
                    }
                }
            }
            '.' | '!' | '?' | ';' | '\n' | '\r' => {
                out.flush(&mut word, &mut mode);
                out.id(BREAK);
            }
            c if is_modifier(c) => {}
            c if !c.is_ascii() && !c.is_whitespace() => {
                // An emoji or symbol is a word of its own ("😂" can say as much as "lol").
                out.flush(&mut word, &mut mode);
                let mut utf8 = [0; 4];
                mode.resolve(c.encode_utf8(&mut utf8).as_bytes(), &mut |id| out.id(id));
            }
            _ => out.flush(&mut word, &mut mode),
        }
    }
    out.flush(&mut word, &mut mode);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vocabulary: &Vocabulary, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        scan(text, Mode::Read(vocabulary), |id| {
            out.push(vocabulary.word(id).to_string())
        });
        out
    }

    fn learned(words: &[&str]) -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        for word in words {
            vocabulary.intern(word);
        }
        vocabulary
    }

    #[test]
    fn words_are_lowercased_and_markup_skipped() {
        let vocabulary = learned(&["i", "can", "breathe", "husband", "😂"]);
        assert_eq!(
            read(
                &vocabulary,
                "<@!123> I CAN breathe... <:wave:99> husband’s 😂"
            ),
            ["i", "can", "breathe", ".", "husband", "😂"]
        );
    }

    #[test]
    fn temperatures_are_their_own_kind_of_number() {
        let vocabulary = learned(&[]);
        assert_eq!(
            read(&vocabulary, "39.6 then 104.2, 37 and 2"),
            [
                "<temp>",
                "<unknown>",
                "<temp>",
                "<num>",
                "<unknown>",
                "<num>"
            ]
        );
    }

    #[test]
    fn chat_spellings_expand() {
        let mut vocabulary = learned(&["can", "not", "breathe"]);
        let ids = [vocabulary.intern("can"), vocabulary.intern("not")].map(Option::unwrap);
        assert!(vocabulary.respell("can't", &ids));
        assert_eq!(
            read(&vocabulary, "I can't breathe"),
            ["<unknown>", "can", "not", "breathe"]
        );
    }

    #[test]
    fn a_huge_word_is_unknown_and_input_is_cut() {
        let vocabulary = learned(&["a"]);
        let long = "a".repeat(MAX_WORD_BYTES + 1);
        assert_eq!(read(&vocabulary, &long), ["<unknown>"]);
        let mut count = 0;
        scan(
            &"a ".repeat(MAX_SCANNED_BYTES),
            Mode::Read(&vocabulary),
            |_| count += 1,
        );
        assert_eq!(count, MAX_SCANNED_BYTES / 2);
    }
}
