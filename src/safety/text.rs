//! Chat text -> word ids, for the safety router.
//!
//! Owns how a message is read before safety patterns look at it: case, apostrophes, Discord
//! markup (mentions, custom emoji), sentence ends, numbers (a temperature is its own kind of
//! number), emoji as words, and the chat spellings of the language file (`can't` -> `can not`).
//! It never allocates per word and reads at most [`MAX_SCANNED_BYTES`] of a message, so its cost
//! is linear in a bounded input. It never decides anything.

use crate::word_table::WordTable;

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

/// What a written word stands for: one id, or the words of a chat spelling.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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
    entries: WordTable<Entry>,
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
        self.entries.insert(word.as_bytes(), Entry::one(id));
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
        self.entries.insert(written.as_bytes(), entry);
        true
    }

    pub(crate) fn lookup(&self, word: &[u8]) -> Option<&Entry> {
        self.entries.get(word)
    }

    /// Emits the ids `word` reads as: its own entry, else its owner's when it is a possessive
    /// ("husband's" -> "husband"), else [`UNKNOWN`].
    #[inline]
    fn read(&self, word: &[u8], emit: &mut impl FnMut(WordId)) {
        let entry = self.lookup(word).or_else(|| {
            word.strip_suffix(b"'s")
                .and_then(|owner| self.lookup(owner))
        });
        match entry {
            Some(entry) => entry.ids().iter().for_each(|&id| emit(id)),
            None => emit(UNKNOWN),
        }
    }
}

/// What an ASCII byte is, for reading runs of letters and digits a byte at a time.
const ALNUM: u8 = 1;
const DIGIT: u8 = 2;
const UPPER: u8 = 4;
static ASCII_CLASS: [u8; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = if b.is_ascii_digit() {
            ALNUM | DIGIT
        } else if b.is_ascii_uppercase() {
            ALNUM | UPPER
        } else if b.is_ascii_lowercase() {
            ALNUM
        } else {
            0
        };
        byte += 1;
    }
    table
};

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

    /// ASCII letters and digits, lowercased on the way in: as [`WordBuffer::push_ascii`] for
    /// each, at once.
    fn push_ascii_run(&mut self, run: &[u8]) {
        let room = MAX_WORD_BYTES - self.len;
        let fits = &run[..run.len().min(room)];
        for (slot, byte) in self.bytes[self.len..].iter_mut().zip(fits) {
            *slot = byte.to_ascii_lowercase();
        }
        self.len += fits.len();
        if self.numeric && !fits.iter().all(u8::is_ascii_digit) {
            self.numeric = false;
        }
        if run.len() > room {
            self.overflow = true;
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

/// Non-ASCII characters that chat is full of, read without Unicode tables: pictographs, each a
/// word of its own, and the joiners, variation selectors and skin tones inside emoji, which are
/// skipped. A test checks each against the general path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plain {
    Symbol,
    Modifier,
}

fn plain_kind(c: char) -> Option<Plain> {
    match c {
        '\u{1F300}'..='\u{1F3FA}'
        | '\u{1F400}'..='\u{1FAFF}'
        | '\u{2600}'..='\u{2775}'
        | '\u{2794}'..='\u{27BF}' => Some(Plain::Symbol),
        '\u{FE00}'..='\u{FE0F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{1F3FB}'..='\u{1F3FF}'
        | '\u{2060}'..='\u{2064}' => Some(Plain::Modifier),
        _ => None,
    }
}

/// What reading a message hands on: each word as read, and the tokens that have fixed ids.
/// Resolving words to ids ([`scan`]) and the router's first look (`screen.rs`) read a message
/// the same way because both go through [`read`].
pub(crate) trait Words {
    /// A word: lowercase, apostrophes only inside it, not a number; or one emoji or symbol.
    fn word(&mut self, word: &[u8]);
    /// A token with a fixed id: a sentence end, a kind of number, an over-long word.
    fn fixed(&mut self, id: WordId);
}

/// Resolves words to ids and emits them, folding consecutive sentence ends into one.
struct Out<'a, F: FnMut(WordId)> {
    mode: Mode<'a>,
    emit: F,
    last_was_break: bool,
}

impl<F: FnMut(WordId)> Words for Out<'_, F> {
    fn word(&mut self, word: &[u8]) {
        // A word reads as at least one id, and never as a sentence end.
        self.last_was_break = false;
        match &mut self.mode {
            Mode::Read(vocabulary) => vocabulary.read(word, &mut self.emit),
            mode => mode.resolve(word, &mut self.emit),
        }
    }

    fn fixed(&mut self, id: WordId) {
        let is_break = id == BREAK;
        if !(is_break && self.last_was_break) {
            self.last_was_break = is_break;
            (self.emit)(id);
        }
    }
}

/// Ends the word being read, if any, and hands it on.
fn flush(word: &mut WordBuffer, words: &mut impl Words) {
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
        words.fixed(UNKNOWN);
    } else if word.numeric && !slice.is_empty() {
        words.fixed(number_kind(slice));
    } else if !slice.is_empty() {
        words.word(slice);
    }
    word.clear();
}

/// Reads `text` (at most [`MAX_SCANNED_BYTES`] of it) and calls `emit` once per word id, in
/// order. Consecutive sentence ends are emitted once.
pub(crate) fn scan(text: &str, mode: Mode<'_>, emit: impl FnMut(WordId)) {
    read(
        text,
        &mut Out {
            mode,
            emit,
            last_was_break: true,
        },
    );
}

/// Reads `text` (at most [`MAX_SCANNED_BYTES`] of it) into `words`: the one definition of how
/// the router splits a message into words. ASCII, nearly every byte of chat, is read a byte at
/// a time without decoding.
pub(crate) fn read(text: &str, words: &mut impl Words) {
    let mut end = text.len().min(MAX_SCANNED_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let bytes = text.as_bytes();
    let mut word = WordBuffer::new();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii() {
            at += 1;
            let class = ASCII_CLASS[usize::from(byte)];
            if class & ALNUM != 0 {
                // A run of letters and digits at once: most of a message.
                let start = at - 1;
                let (mut all, mut any) = (class, class);
                while let Some(&next) = bytes.get(at) {
                    let class = ASCII_CLASS[usize::from(next)];
                    if class & ALNUM == 0 {
                        break;
                    }
                    all &= class;
                    any |= class;
                    at += 1;
                }
                let run = &bytes[start..at];
                // The common word: lowercase letters between plain separators, handed on as
                // written, without copying.
                let whole = word.is_empty()
                    && all & DIGIT == 0
                    && any & UPPER == 0
                    && run.len() <= MAX_WORD_BYTES
                    && bytes
                        .get(at)
                        .is_none_or(|&b| b.is_ascii() && b != b'\'' && b != b'`');
                if whole {
                    words.word(run);
                } else {
                    word.push_ascii_run(run);
                }
                continue;
            }
            match byte {
                b'\'' | b'`' if !word.is_empty() => word.push_ascii(b'\''),
                b'.' | b','
                    if word.numeric
                        && !word.is_empty()
                        && bytes.get(at).is_some_and(u8::is_ascii_digit) =>
                {
                    word.push_ascii(b'.');
                }
                b'<' => {
                    flush(&mut word, words);
                    // Discord markup (<@id>, <#id>, <:name:id>, <t:stamp>): skipped whole.
                    let rest = &bytes[at..];
                    let close = rest.iter().take(80).position(|&b| b == b'>');
                    let markup = matches!(rest.first(), Some(b'@' | b'#' | b':' | b'a' | b't'));
                    if let (Some(close), true) = (close, markup) {
                        at += close + 1;
                    }
                }
                b'.' | b'!' | b'?' | b';' | b'\n' | b'\r' => {
                    flush(&mut word, words);
                    words.fixed(BREAK);
                }
                _ => {
                    if !word.is_empty() {
                        flush(&mut word, words);
                    }
                }
            }
            continue;
        }
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        let encoded = &bytes[at..at + c.len_utf8()];
        at += c.len_utf8();
        // Emoji and their joiners, nearly all the non-ASCII of chat, need no Unicode tables.
        match plain_kind(c) {
            Some(Plain::Modifier) => continue,
            Some(Plain::Symbol) => {
                flush(&mut word, words);
                words.word(encoded);
                continue;
            }
            None => {}
        }
        if c.is_alphanumeric() {
            c.to_lowercase().for_each(|lower| word.push(lower));
            continue;
        }
        match c {
            '\u{2019}' | '\u{2018}' if !word.is_empty() => word.push('\''),
            c if is_modifier(c) => {}
            c if !c.is_whitespace() => {
                // An emoji or symbol is a word of its own ("😂" can say as much as "lol").
                flush(&mut word, words);
                words.word(encoded);
            }
            _ => flush(&mut word, words),
        }
    }
    flush(&mut word, words);
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

    /// The shortcut for emoji and joiners must read them as the general path would.
    #[test]
    fn plain_characters_read_as_the_general_path_reads_them() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            match plain_kind(c) {
                Some(Plain::Modifier) => {
                    assert!(!c.is_alphanumeric() && is_modifier(c), "{c:?}");
                }
                Some(Plain::Symbol) => {
                    assert!(!c.is_alphanumeric() && !is_modifier(c), "{c:?}");
                    assert!(!c.is_whitespace() && !matches!(c, '\u{2019}' | '\u{2018}'));
                }
                None => {}
            }
        }
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
