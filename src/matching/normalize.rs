//! Text normalisation: chat text -> comparable word tokens.
//!
//! Owns everything about how a message is cleaned before matching: Unicode (compatibility forms,
//! diacritics, zero-width and other invisible characters), Discord markup (mentions, custom emoji,
//! timestamps, URLs, markdown punctuation), case, chat spellings and contractions (`whats`,
//! `r`, `doesn't`), and plural folding. It never decides anything about topics.

use unicode_normalization::char::decompose_compatible;
use unicode_normalization::char::is_combining_mark;

/// Only this many bytes of a message are read: a question for the bot is short, and the cost of
/// matching must stay bounded whatever a member pastes.
pub const MAX_SCANNED_BYTES: usize = 1024;

/// Most tokens kept from one message.
pub const MAX_TOKENS: usize = 96;

/// One word of a message: ranges into [`Normalized`]'s text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    word: (u32, u32),
    stem: (u32, u32),
    /// Which sentence of the message the word is in (sentences end at `.`, `!`, `?`, `;` and
    /// line breaks), so that word pairs are never read across two sentences.
    pub sentence: u16,
    /// Which clause of the message the word is in: sentences are further cut at commas, colons,
    /// dashes between spaces, arrows and brackets, so that an aside ("dad's a candidate
    /// apparently") is read apart from the question next to it. Numbered over the whole
    /// message; the words after a bracketed aside continue the clause it interrupted ("what
    /// research (or trials) is being done" is one clause with an aside).
    pub clause: u16,
    /// Whether the word stands inside double quotes: quoted words are named, not said
    /// ("someone asked \"what is CAR-T\"").
    pub quoted: bool,
    /// Whether the word stands as written (not produced by expanding a chat spelling or a
    /// contraction), so that it may be read together with its neighbour ("check point").
    pub as_written: bool,
    /// Whether the word was written in capitals (two letters or more, none in lower case):
    /// how members write an initialism that spells a word ("ALL", "GIST").
    pub capitals: bool,
}

/// A normalised message. All words live in one buffer, so normalising allocates a bounded,
/// small number of times however many words there are, and the buffers can be reused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    text: String,
    pub tokens: Vec<Token>,
    /// Whether the message asks something with a question mark (outside quotes and code).
    pub has_question_mark: bool,
    /// The sentences that end with a question mark.
    question_sentences: Vec<u16>,
    /// Scratch space for markup removal and the word being read.
    scratch: String,
    word: String,
}

impl Normalized {
    /// The word as normalised: lowercase, ASCII-folded, chat spellings expanded (`whats` ->
    /// `what is`).
    pub fn word(&self, token: &Token) -> &str {
        &self.text[token.word.0 as usize..token.word.1 as usize]
    }

    /// The word with plurals folded (`antibodies` -> `antibody`), used to find topic terms.
    pub fn stem(&self, token: &Token) -> &str {
        &self.text[token.stem.0 as usize..token.stem.1 as usize]
    }

    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.tokens.iter().map(|token| self.word(token))
    }

    pub fn stems(&self) -> impl Iterator<Item = &str> {
        self.tokens.iter().map(|token| self.stem(token))
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Whether the sentence ends with a question mark.
    pub fn is_question(&self, sentence: u16) -> bool {
        self.question_sentences.contains(&sentence)
    }

    fn clear(&mut self) {
        self.text.clear();
        self.tokens.clear();
        self.has_question_mark = false;
        self.question_sentences.clear();
    }

    /// Adds one word (and its folded stem) to the message.
    fn push(&mut self, word: &str, at: Place, as_written: bool, capitals: bool) {
        if self.tokens.len() >= MAX_TOKENS {
            return;
        }
        let start = self.text.len() as u32;
        self.text.push_str(word);
        let end = self.text.len() as u32;
        let stem = match stem_change(word) {
            Stem::Same => (start, end),
            Stem::Drop(n) => (start, end - n as u32),
            Stem::IesToY => {
                let stem_start = self.text.len() as u32;
                self.text.push_str(&word[..word.len() - 3]);
                self.text.push('y');
                (stem_start, self.text.len() as u32)
            }
        };
        self.tokens.push(Token {
            word: (start, end),
            stem,
            sentence: at.sentence,
            clause: at.clause,
            quoted: at.quoted,
            as_written,
            capitals: capitals && as_written,
        });
    }
}

/// How the letters of the word being read were written.
#[derive(Debug, Clone, Copy, Default)]
struct Case {
    capitals: usize,
    lower: usize,
    /// Whether the last letter was a small `s` ("GISTs").
    ends_with_small_s: bool,
}

impl Case {
    fn read(&mut self, run: &str) {
        for byte in run.bytes() {
            self.capitals += usize::from(byte.is_ascii_uppercase());
            self.lower += usize::from(byte.is_ascii_lowercase());
            self.ends_with_small_s = byte == b's';
        }
    }

    fn read_other_letter(&mut self) {
        self.lower += 1;
        self.ends_with_small_s = false;
    }

    /// Capitals, perhaps with a plural `s`.
    fn capitals(self) -> bool {
        self.capitals >= 2 && (self.lower == 0 || (self.lower == 1 && self.ends_with_small_s))
    }
}

/// Where the word being read stands.
#[derive(Debug, Clone, Copy, Default)]
struct Place {
    sentence: u16,
    clause: u16,
    /// The highest clause number given so far.
    last_clause: u16,
    /// The clause an open bracket interrupted.
    interrupted: Option<u16>,
    quoted: bool,
}

impl Place {
    fn next_clause(&mut self) {
        self.last_clause = self.last_clause.saturating_add(1);
        self.clause = self.last_clause;
    }
}

/// Normalises a message for matching.
pub fn normalize(text: &str) -> Normalized {
    let mut normalized = Normalized::default();
    normalize_into(text, &mut normalized);
    normalized
}

/// Normalises a message into `out`, reusing its buffers.
pub fn normalize_into(text: &str, out: &mut Normalized) {
    let mut scratch = std::mem::take(&mut out.scratch);
    normalize_readable(readable(text, &mut scratch), out);
    out.scratch = scratch;
}

/// The part of a message that is read: at most [`MAX_SCANNED_BYTES`], without the markup that
/// carries no words (removed into `scratch` when there is any).
pub(crate) fn readable<'a>(text: &'a str, scratch: &'a mut String) -> &'a str {
    let text = truncated(text);
    if has_markup(text) {
        strip_markup(text, scratch);
        scratch.as_str()
    } else {
        text
    }
}

/// Normalises the [`readable`] part of a message into `out`, reusing its buffers.
pub(crate) fn normalize_readable(cleaned: &str, out: &mut Normalized) {
    out.clear();
    let mut word = std::mem::take(&mut out.word);
    word.clear();
    let mut reader = WordReader {
        word: &mut word,
        pending_apostrophe: false,
        has_apostrophe: false,
        case: Case::default(),
        after_space: true,
        place: Place::default(),
    };
    // ASCII needs no Unicode decomposition: the common case stays cheap, and letters and
    // digits are taken a run at a time.
    let bytes = cleaned.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii_alphanumeric() {
            let run = bytes[at..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .unwrap_or(bytes.len() - at);
            reader.feed_letters(&cleaned[at..at + run]);
            at += run;
            continue;
        }
        if byte.is_ascii() {
            reader.feed(char::from(byte), out);
            at += 1;
        } else {
            let Some(c) = cleaned[at..].chars().next() else {
                break;
            };
            at += c.len_utf8();
            match plain_kind(c) {
                Some(Plain::Symbol) => reader.feed_symbol(out),
                Some(Plain::Invisible) => {}
                // Decomposing one character at a time equals NFKD here: NFKD only adds a
                // reordering of combining marks, and every combining mark is dropped.
                None => decompose_compatible(c, |part| {
                    if is_combining_mark(part) || is_invisible(part) {
                        return;
                    }
                    if part.is_alphanumeric() {
                        for lower in part.to_lowercase() {
                            reader.feed(lower, out);
                        }
                    } else {
                        reader.feed(part, out);
                    }
                }),
            }
        }
        if out.tokens.len() >= MAX_TOKENS {
            break;
        }
    }
    reader.finish(out);
    out.word = word;
}

/// Splits characters into words, handling apostrophes inside words, and numbers sentences and
/// clauses.
struct WordReader<'a> {
    word: &'a mut String,
    pending_apostrophe: bool,
    /// Whether the word being read holds an apostrophe (most words do not, and need no search).
    has_apostrophe: bool,
    /// How the word being read was written.
    case: Case,
    /// Whether the previous character was white space: a dash between spaces cuts a clause, a
    /// dash inside a word (`CAR-T`) does not.
    after_space: bool,
    place: Place,
}

impl WordReader<'_> {
    /// ASCII letters and digits: as [`WordReader::feed`] of each, lowercased.
    fn feed_letters(&mut self, run: &str) {
        if self.pending_apostrophe {
            self.word.push('\'');
            self.pending_apostrophe = false;
            self.has_apostrophe = true;
        }
        let start = self.word.len();
        self.word.push_str(run);
        self.case.read(run);
        self.word[start..].make_ascii_lowercase();
        self.after_space = false;
    }

    /// A character of [`Plain::Symbol`]: as [`WordReader::feed`] of it, which only ends the
    /// word.
    fn feed_symbol(&mut self, out: &mut Normalized) {
        self.pending_apostrophe = false;
        flush(
            self.word,
            self.place,
            std::mem::take(&mut self.has_apostrophe),
            std::mem::take(&mut self.case).capitals(),
            out,
        );
        self.after_space = false;
    }

    fn feed(&mut self, c: char, out: &mut Normalized) {
        if c.is_alphanumeric() {
            if self.pending_apostrophe {
                self.word.push('\'');
                self.pending_apostrophe = false;
                self.has_apostrophe = true;
            }
            self.word.push(c);
            self.case.read_other_letter();
            self.after_space = false;
            return;
        }
        if is_apostrophe(c) && !self.word.is_empty() && !self.pending_apostrophe {
            self.pending_apostrophe = true;
            self.after_space = false;
            return;
        }
        self.pending_apostrophe = false;
        flush(
            self.word,
            self.place,
            std::mem::take(&mut self.has_apostrophe),
            std::mem::take(&mut self.case).capitals(),
            out,
        );
        let place = &mut self.place;
        if matches!(c, '"' | '“' | '”' | '«' | '»' | '„') {
            // Straight quotes toggle; curly ones say which side they are.
            place.quoted = match c {
                '“' | '«' | '„' => true,
                '”' | '»' => false,
                _ => !place.quoted,
            };
        } else if place.quoted {
            // A quote is one piece of its sentence, whatever punctuation it holds.
        } else if matches!(c, '.' | '!' | '?' | ';' | '\n' | '？' | '。' | '！') {
            if matches!(c, '?' | '？') {
                out.has_question_mark = true;
                if out
                    .tokens
                    .last()
                    .is_some_and(|t| t.sentence == place.sentence)
                    && !out.is_question(place.sentence)
                {
                    out.question_sentences.push(place.sentence);
                }
            }
            place.sentence = place.sentence.saturating_add(1);
            place.interrupted = None;
            place.next_clause();
        } else if c == '(' {
            if place.interrupted.is_none() {
                place.interrupted = Some(place.clause);
            }
            place.next_clause();
        } else if c == ')' {
            match place.interrupted.take() {
                Some(clause) => place.clause = clause,
                None => place.next_clause(),
            }
        } else if matches!(c, ',' | ':' | '—' | '–' | '←' | '→' | '|' | '•' | '…')
            || (c == '-' && self.after_space)
        {
            place.next_clause();
        }
        self.after_space = c.is_whitespace();
    }

    fn finish(&mut self, out: &mut Normalized) {
        flush(
            self.word,
            self.place,
            self.has_apostrophe,
            self.case.capitals(),
            out,
        );
    }
}

/// The normalised words of a phrase joined by spaces, plurals folded: the identity of a term or
/// question for duplicate checks.
pub fn normalized_key(text: &str) -> String {
    normalize(text).stems().collect::<Vec<_>>().join(" ")
}

/// The first [`MAX_SCANNED_BYTES`] of a message, the part that is read.
pub(crate) fn truncated(text: &str) -> &str {
    truncate(text, MAX_SCANNED_BYTES)
}

fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Non-ASCII characters that chat is full of and that need no Unicode tables: emoji and other
/// pictographs, which only separate words, and the invisible joiners and variation selectors
/// inside emoji, which are skipped. A test checks each against the general path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plain {
    Symbol,
    Invisible,
}

pub(crate) fn plain_kind(c: char) -> Option<Plain> {
    match c {
        '\u{1F300}'..='\u{1FAFF}' | '\u{2600}'..='\u{2775}' | '\u{2794}'..='\u{27BF}' => {
            Some(Plain::Symbol)
        }
        '\u{FE00}'..='\u{FE0F}' | '\u{200B}'..='\u{200F}' => Some(Plain::Invisible),
        _ => None,
    }
}

pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`')
}

/// Zero-width and directional marks, variation selectors and other characters that show nothing.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Whether `text` may hold markup that [`strip_markup`] removes. Most chat holds none, and is
/// read as it is.
fn has_markup(text: &str) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len()).any(|at| may_start_markup(bytes, at))
}

/// Whether markup may be at or around byte `at`: a tag needs `<`, a code block "```", a URL
/// `://` or `www.`. The matcher's first look asks this of the bytes it reads between words.
pub(crate) fn may_start_markup(bytes: &[u8], at: usize) -> bool {
    match bytes.get(at) {
        Some(b'<') => true,
        Some(b'`') => bytes[at..].starts_with(b"```"),
        Some(b':') => bytes[at + 1..].starts_with(b"//"),
        Some(b'.') => at >= 3 && bytes[at - 3..at].eq_ignore_ascii_case(b"www"),
        _ => false,
    }
}

/// Removes Discord markup that carries no words: `<@123>`, `<#123>`, `<:emoji:123>`, `<t:123:R>`,
/// URLs, and code blocks (code is pasted, not asked: its strings are no questions). Everything
/// else is left for the tokenizer, which treats punctuation as a separator.
fn strip_markup(text: &str, out: &mut String) {
    out.clear();
    let mut rest = text;
    while let Some(position) = rest.find(['<', 'h', 'H', 'w', 'W', '`']) {
        let (before, from) = rest.split_at(position);
        out.push_str(before);
        if let Some(len) = markup_len(from) {
            out.push(' ');
            rest = &from[len..];
        } else {
            let first = from.chars().next().map_or(1, char::len_utf8);
            out.push_str(&from[..first]);
            rest = &from[first..];
        }
    }
    out.push_str(rest);
}

/// Length of the markup at the start of `text`, if any starts there.
fn markup_len(text: &str) -> Option<usize> {
    if let Some(code) = text.strip_prefix("```") {
        // An unclosed block runs to the end, as Discord shows it.
        return Some(code.find("```").map_or(text.len(), |end| end + 6));
    }
    if let Some(after) = text.strip_prefix('<') {
        let end = after.find('>')? + 2;
        let inner = &after[..end - 2];
        let is_markup = inner.len() <= 100
            && !inner.contains(char::is_whitespace)
            && (inner.starts_with('@')
                || inner.starts_with('#')
                || inner.starts_with(':')
                || inner.starts_with("a:")
                || inner.starts_with("t:")
                || inner.starts_with("http"));
        return is_markup.then_some(end);
    }
    // Compared byte by byte: no character outside ASCII lowercases to one of these.
    let starts = |prefix: &[u8]| {
        text.as_bytes()
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    if starts(b"http://") || starts(b"https://") || starts(b"www.") {
        return Some(text.find(char::is_whitespace).unwrap_or(text.len()));
    }
    None
}

fn flush(word: &mut String, at: Place, has_apostrophe: bool, capitals: bool, out: &mut Normalized) {
    if !word.is_empty() {
        split_word(word, has_apostrophe, |token, as_written| {
            out.push(token, at, as_written, capitals);
        });
    }
    word.clear();
}

/// The words a written word reads as, in order, each with whether it stands as written:
/// contractions split (`doesn't` -> `does not`), clitics expanded (`what's` -> `what is`), chat
/// spellings expanded (`wat` -> `what`). `has_apostrophe` says whether the word holds one. The
/// one definition shared by normalisation and the matcher's first look (`screen.rs`).
pub(crate) fn split_word(word: &str, has_apostrophe: bool, mut emit: impl FnMut(&str, bool)) {
    let split = if has_apostrophe {
        word.split_once('\'')
    } else {
        None
    };
    let (base, clitic) = match split {
        Some((base, clitic)) => (base, Some(clitic)),
        None => (word, None),
    };
    match clitic {
        // `doesn't`, `can't`, `won't`: the negation matters ("what if it doesn't work").
        Some("t") => {
            let base = match base {
                "can" | "ca" => "can",
                "won" | "wo" => "will",
                other => other.strip_suffix('n').unwrap_or(other),
            };
            push_expanded(base, false, &mut emit);
            emit("not", false);
        }
        Some(clitic) => {
            push_expanded(base, true, &mut emit);
            let expansion = match clitic {
                "s" if is_copula_host(base) => "is",
                // A possessive stays visible: "immunotherapy's success rate" is about an aspect.
                "s" => "'s",
                "re" => "are",
                "m" => "am",
                "ve" => "have",
                "ll" => "will",
                "d" => "would",
                _ => "",
            };
            if !expansion.is_empty() {
                emit(expansion, false);
            }
        }
        None => push_expanded(base, true, &mut emit),
    }
}

/// The words [`split_word`] writes that need not be in the text: the negation, the readings
/// of `can't` and `won't` and of clitics, and the readings of chat spellings. The same for
/// every message, so the matcher's first look asks the term index about them once.
pub(crate) fn stock_words() -> impl Iterator<Item = &'static str> {
    const STOCK: [&str; 9] = [
        "not", "can", "will", "is", "'s", "are", "am", "have", "would",
    ];
    STOCK.into_iter().chain(
        CHAT_SPELLINGS
            .iter()
            .flat_map(|(_, words)| words.iter().copied()),
    )
}

fn is_copula_host(word: &str) -> bool {
    matches!(
        word,
        "what"
            | "that"
            | "it"
            | "who"
            | "where"
            | "how"
            | "there"
            | "here"
            | "he"
            | "she"
            | "this"
            | "wat"
            | "wut"
            | "whats"
    )
}

/// Expands chat spellings into the words they stand for.
fn push_expanded(word: &str, as_written: bool, emit: &mut impl FnMut(&str, bool)) {
    match chat_spelling(word) {
        Some(expansion) => expansion.iter().for_each(|word| emit(word, false)),
        None => emit(word, as_written),
    }
}

/// Chat spellings and the words they stand for.
const CHAT_SPELLINGS: [(&str, &[&str]); 42] = [
    ("whats", &["what", "is"]),
    ("wats", &["what", "is"]),
    ("wuts", &["what", "is"]),
    ("whatis", &["what", "is"]),
    ("whts", &["what", "is"]),
    ("wts", &["what", "is"]),
    ("wat", &["what"]),
    ("wut", &["what"]),
    ("wht", &["what"]),
    ("whta", &["what"]),
    ("waht", &["what"]),
    ("wot", &["what"]),
    ("wha", &["what"]),
    ("hw", &["how"]),
    ("r", &["are"]),
    ("iz", &["is"]),
    ("u", &["you"]),
    ("ya", &["you"]),
    ("ur", &["your"]),
    ("pls", &["please"]),
    ("plz", &["please"]),
    ("plox", &["please"]),
    ("plse", &["please"]),
    ("pleas", &["please"]),
    ("ppl", &["people"]),
    ("sum1", &["someone"]),
    ("some1", &["someone"]),
    ("smb", &["someone"]),
    ("any1", &["anyone"]),
    ("abt", &["about"]),
    ("im", &["i", "am"]),
    ("ive", &["i", "have"]),
    ("dont", &["do", "not"]),
    ("doesnt", &["does", "not"]),
    ("isnt", &["is", "not"]),
    ("cant", &["can", "not"]),
    ("wont", &["will", "not"]),
    ("didnt", &["did", "not"]),
    ("thx", &["thanks"]),
    ("tnx", &["thanks"]),
    ("ty", &["thanks"]),
    ("tysm", &["thanks"]),
];

/// A word of at most seven bytes as one number (its bytes and its length).
const fn pack(word: &[u8]) -> u64 {
    let mut key = (word.len() as u64) << 56;
    let mut at = 0;
    while at < word.len() && at < 7 {
        key |= (word[at] as u64) << (8 * at);
        at += 1;
    }
    key
}

/// [`CHAT_SPELLINGS`] as sorted numbers (see [`pack`]), each with its place in the list: a
/// word is found by a binary search instead of comparing it with every spelling.
static CHAT_KEYS: [(u64, usize); CHAT_SPELLINGS.len()] = {
    let mut keys = [(0, 0); CHAT_SPELLINGS.len()];
    let mut at = 0;
    while at < keys.len() {
        let spelling = CHAT_SPELLINGS[at].0.as_bytes();
        assert!(
            spelling.len() <= 7,
            "a chat spelling is at most seven bytes"
        );
        keys[at] = (pack(spelling), at);
        at += 1;
    }
    // Insertion sort: `sort` is not available at compile time.
    let mut next = 1;
    while next < keys.len() {
        let mut back = next;
        while back > 0 && keys[back - 1].0 > keys[back].0 {
            let swap = keys[back - 1];
            keys[back - 1] = keys[back];
            keys[back] = swap;
            back -= 1;
        }
        next += 1;
    }
    keys
};

/// The words a chat spelling stands for, if `word` is one.
fn chat_spelling(word: &str) -> Option<&'static [&'static str]> {
    if word.len() > 7 {
        return None;
    }
    let key = pack(word.as_bytes());
    let at = CHAT_KEYS.binary_search_by_key(&key, |&(key, _)| key).ok()?;
    Some(CHAT_SPELLINGS[CHAT_KEYS[at].1].1)
}

enum Stem {
    Same,
    Drop(usize),
    IesToY,
}

fn stem_change(word: &str) -> Stem {
    // Every plural below ends in `s`; most words do not.
    if !word.ends_with('s') {
        return Stem::Same;
    }
    let len = if word.is_ascii() {
        word.len()
    } else {
        word.chars().count()
    };
    if len > 4 && word.ends_with("ies") {
        return Stem::IesToY;
    }
    if len > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
        && word.is_ascii()
    {
        return Stem::Drop(1);
    }
    Stem::Same
}

/// [`stem`] without allocating: the word itself, a part of it, or the stem written into
/// `buffer`.
pub(crate) fn stem_of<'a>(word: &'a str, buffer: &'a mut String) -> &'a str {
    match stem_change(word) {
        Stem::Same => word,
        Stem::Drop(n) => &word[..word.len() - n],
        Stem::IesToY => {
            buffer.clear();
            buffer.push_str(&word[..word.len() - 3]);
            buffer.push('y');
            buffer
        }
    }
}

/// Folds English plurals so that `vaccines`, `antibodies` and `mAbs` meet their singular terms.
/// Deliberately small: it only has to make a message and a term agree, not be linguistics.
pub fn stem(word: &str) -> String {
    match stem_change(word) {
        Stem::Same => word.to_string(),
        Stem::Drop(n) => word[..word.len() - n].to_string(),
        Stem::IesToY => format!("{}y", &word[..word.len() - 3]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        normalize(text).words().map(str::to_string).collect()
    }

    #[test]
    fn strips_discord_markup_and_urls() {
        assert_eq!(
            words("<@2240000000000000007> what is <#12> https://x.example/a?b <:wave:99>"),
            ["what", "is"]
        );
    }

    #[test]
    fn folds_case_diacritics_and_invisible_characters() {
        assert_eq!(
            words("WHAT is Ímmüno\u{200B}thérapy"),
            ["what", "is", "immunotherapy"]
        );
        assert_eq!(words("ｗｈａｔ"), ["what"]);
    }

    #[test]
    fn expands_contractions_and_chat_spellings() {
        assert_eq!(words("what's CAR-T"), ["what", "is", "car", "t"]);
        assert_eq!(words("wats it"), ["what", "is", "it"]);
        assert_eq!(words("it doesn't work"), ["it", "does", "not", "work"]);
        assert_eq!(
            words("immunotherapy's rate"),
            ["immunotherapy", "'s", "rate"]
        );
        assert_eq!(words("wat r mabs"), ["what", "are", "mabs"]);
    }

    #[test]
    fn every_chat_spelling_is_found_and_nothing_else() {
        for (spelling, words) in CHAT_SPELLINGS {
            assert_eq!(chat_spelling(spelling), Some(words), "{spelling}");
        }
        for word in [
            "what",
            "is",
            "",
            "whatsup",
            "immunotherapy",
            "w",
            "ur\u{e9}",
        ] {
            assert_eq!(chat_spelling(word), None, "{word}");
        }
    }

    proptest::proptest! {
        /// What the matcher's first look assumes of [`split_word`]: a word reads as its part
        /// before any apostrophe (as written, or after `n't` without the `n`) and stock words.
        #[test]
        fn a_word_reads_as_its_base_and_stock_words(word in "[a-z]{1,4}('[a-z]{1,3}){0,2}|[a-z]{0,2}(whats|wat|im|dont|ur)") {
            let has_apostrophe = word.contains('\'');
            let base = word.split('\'').next().unwrap_or_default();
            let negated = base.strip_suffix('n').unwrap_or(base);
            let stock: Vec<&str> = stock_words().collect();
            split_word(&word, has_apostrophe, |token, as_written| {
                if as_written {
                    assert_eq!(token, base, "{word}");
                } else {
                    assert!(stock.contains(&token) || token == negated, "{word}: {token}");
                }
            });
        }
    }

    #[test]
    fn folds_plurals() {
        assert_eq!(stem("antibodies"), "antibody");
        assert_eq!(stem("vaccines"), "vaccine");
        assert_eq!(stem("mabs"), "mab");
        assert_eq!(stem("this"), "this");
        assert_eq!(stem("virus"), "virus");
    }

    #[test]
    fn detects_question_marks() {
        assert!(normalize("what?").has_question_mark);
        assert!(!normalize("what").has_question_mark);
    }

    /// The matcher's first look reads curly single quotes as apostrophes without Unicode
    /// tables: so must the general path.
    #[test]
    fn curly_quotes_are_apostrophes_on_the_general_path() {
        for c in ['\u{2019}', '\u{2018}'] {
            let mut parts = Vec::new();
            decompose_compatible(c, |part| parts.push(part));
            assert_eq!(parts, [c]);
            assert!(!is_combining_mark(c) && !is_invisible(c) && !c.is_alphanumeric());
            assert!(is_apostrophe(c));
        }
        assert_eq!(words("doesn\u{2019}t it"), ["does", "not", "it"]);
    }

    /// The shortcut for emoji and joiners must do exactly what decomposing them would.
    #[test]
    fn plain_characters_read_as_the_general_path_reads_them() {
        let special = "\"“”«»„.!?;？。！(),:—–←→|•…-'’‘ʼ`";
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let Some(kind) = plain_kind(c) else {
                continue;
            };
            let mut parts = Vec::new();
            decompose_compatible(c, |part| parts.push(part));
            assert_eq!(parts, [c], "{c:?} decomposes");
            let skipped = is_combining_mark(c) || is_invisible(c);
            match kind {
                Plain::Invisible => assert!(skipped, "{c:?} is skipped"),
                Plain::Symbol => {
                    assert!(!skipped, "{c:?} is read");
                    assert!(!c.is_alphanumeric(), "{c:?} is no letter");
                    assert!(!c.is_whitespace(), "{c:?} is no space");
                    assert!(!special.contains(c), "{c:?} is plain");
                }
            }
        }
    }

    #[test]
    fn bounds_the_work_on_huge_input() {
        let huge = "immunotherapy ".repeat(100_000);
        assert!(normalize(&huge).tokens.len() <= MAX_TOKENS);
    }
}
