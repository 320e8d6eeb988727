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
    fn push(&mut self, word: &str, at: Place, as_written: bool) {
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
        });
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
    out.clear();
    let text = truncate(text, MAX_SCANNED_BYTES);
    let mut scratch = std::mem::take(&mut out.scratch);
    let cleaned = if has_markup(text) {
        strip_markup(text, &mut scratch);
        scratch.as_str()
    } else {
        text
    };
    let mut word = std::mem::take(&mut out.word);
    word.clear();
    let mut reader = WordReader {
        word: &mut word,
        pending_apostrophe: false,
        has_apostrophe: false,
        after_space: true,
        place: Place::default(),
    };
    if cleaned.is_ascii() {
        // ASCII needs no Unicode decomposition: the common case stays cheap.
        for byte in cleaned.bytes() {
            reader.feed((byte as char).to_ascii_lowercase(), out);
            if out.tokens.len() >= MAX_TOKENS {
                break;
            }
        }
    } else {
        // Decomposing one character at a time equals NFKD here: NFKD only adds a reordering
        // of combining marks, and every combining mark is dropped.
        for c in cleaned.chars() {
            if c.is_ascii() {
                reader.feed(c.to_ascii_lowercase(), out);
            } else {
                decompose_compatible(c, |part| {
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
                });
            }
            if out.tokens.len() >= MAX_TOKENS {
                break;
            }
        }
    }
    reader.finish(out);
    out.scratch = scratch;
    out.word = word;
}

/// Splits characters into words, handling apostrophes inside words, and numbers sentences and
/// clauses.
struct WordReader<'a> {
    word: &'a mut String,
    pending_apostrophe: bool,
    /// Whether the word being read holds an apostrophe (most words do not, and need no search).
    has_apostrophe: bool,
    /// Whether the previous character was white space: a dash between spaces cuts a clause, a
    /// dash inside a word (`CAR-T`) does not.
    after_space: bool,
    place: Place,
}

impl WordReader<'_> {
    fn feed(&mut self, c: char, out: &mut Normalized) {
        if c.is_alphanumeric() {
            if self.pending_apostrophe {
                self.word.push('\'');
                self.pending_apostrophe = false;
                self.has_apostrophe = true;
            }
            self.word.push(c);
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
        flush(self.word, self.place, self.has_apostrophe, out);
    }
}

/// The normalised words of a phrase joined by spaces, plurals folded: the identity of a term or
/// question for duplicate checks.
pub fn normalized_key(text: &str) -> String {
    normalize(text).stems().collect::<Vec<_>>().join(" ")
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

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`')
}

/// Zero-width and directional marks, variation selectors and other characters that show nothing.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Whether `text` may hold markup that [`strip_markup`] removes.
fn has_markup(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| match b | 0x20 {
        b'<' => true,
        b'h' => bytes[i..].len() >= 4 && bytes[i..i + 4].eq_ignore_ascii_case(b"http"),
        b'w' => bytes[i..].len() >= 4 && bytes[i..i + 4].eq_ignore_ascii_case(b"www."),
        b'`' => bytes[i..].starts_with(b"```"),
        _ => false,
    })
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
    let lower_prefix: String = text.chars().take(8).flat_map(char::to_lowercase).collect();
    if lower_prefix.starts_with("http://")
        || lower_prefix.starts_with("https://")
        || lower_prefix.starts_with("www.")
    {
        return Some(text.find(char::is_whitespace).unwrap_or(text.len()));
    }
    None
}

fn flush(word: &mut String, at: Place, has_apostrophe: bool, out: &mut Normalized) {
    if word.is_empty() {
        return;
    }
    let split = if has_apostrophe {
        word.split_once('\'')
    } else {
        None
    };
    let (base, clitic) = match split {
        Some((base, clitic)) => (base, Some(clitic)),
        None => (word.as_str(), None),
    };
    match clitic {
        // `doesn't`, `can't`, `won't`: the negation matters ("what if it doesn't work").
        Some("t") => {
            let base = match base {
                "can" | "ca" => "can",
                "won" | "wo" => "will",
                other => other.strip_suffix('n').unwrap_or(other),
            };
            push_expanded(base, at, false, out);
            out.push("not", at, false);
        }
        Some(clitic) => {
            push_expanded(base, at, true, out);
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
                out.push(expansion, at, false);
            }
        }
        None => push_expanded(base, at, true, out),
    }
    word.clear();
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
fn push_expanded(word: &str, at: Place, as_written: bool, out: &mut Normalized) {
    let expansion: &[&str] = match word {
        "whats" | "wats" | "wuts" | "whatis" | "whts" | "wts" => &["what", "is"],
        "wat" | "wut" | "wht" | "whta" | "waht" | "wot" | "wha" => &["what"],
        "hw" => &["how"],
        "r" => &["are"],
        "iz" => &["is"],
        "u" | "ya" => &["you"],
        "ur" => &["your"],
        "pls" | "plz" | "plox" | "plse" | "pleas" => &["please"],
        "ppl" => &["people"],
        "sum1" | "some1" | "smb" => &["someone"],
        "any1" => &["anyone"],
        "abt" => &["about"],
        "im" => &["i", "am"],
        "ive" => &["i", "have"],
        "dont" => &["do", "not"],
        "doesnt" => &["does", "not"],
        "isnt" => &["is", "not"],
        "cant" => &["can", "not"],
        "wont" => &["will", "not"],
        "didnt" => &["did", "not"],
        "thx" | "tnx" | "ty" | "tysm" => &["thanks"],
        other => {
            out.push(other, at, as_written);
            return;
        }
    };
    for word in expansion {
        out.push(word, at, false);
    }
}

enum Stem {
    Same,
    Drop(usize),
    IesToY,
}

fn stem_change(word: &str) -> Stem {
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

    #[test]
    fn bounds_the_work_on_huge_input() {
        let huge = "immunotherapy ".repeat(100_000);
        assert!(normalize(&huge).tokens.len() <= MAX_TOKENS);
    }
}
