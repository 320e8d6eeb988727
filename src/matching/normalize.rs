//! Text normalisation: chat text -> comparable word tokens.
//!
//! Owns everything about how a message is cleaned before matching: Unicode (compatibility forms,
//! diacritics, zero-width and other invisible characters), Discord markup (mentions, custom emoji,
//! timestamps, URLs, markdown punctuation), case, chat spellings and contractions (`whats`,
//! `r`, `doesn't`), and plural folding. It never decides anything about topics.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Only this many bytes of a message are read: a question for the bot is short, and the cost of
/// matching must stay bounded whatever a member pastes.
pub const MAX_SCANNED_BYTES: usize = 1024;

/// Most tokens kept from one message.
pub const MAX_TOKENS: usize = 96;

/// One word of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The word as normalised: lowercase ASCII-folded, chat spellings expanded (`whats` -> `what`).
    pub word: String,
    /// The word with plurals folded (`antibodies` -> `antibody`), used to find topic terms.
    pub stem: String,
    /// Which sentence of the message the word is in (sentences end at `.`, `!`, `?`, `;` and
    /// line breaks), so that word pairs are never read across two sentences.
    pub sentence: u16,
}

/// A normalised message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    pub tokens: Vec<Token>,
    /// Whether the message asks something with a question mark.
    pub has_question_mark: bool,
}

impl Normalized {
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.tokens.iter().map(|token| token.word.as_str())
    }
}

/// Normalises a message for matching.
pub fn normalize(text: &str) -> Normalized {
    let text = truncate(text, MAX_SCANNED_BYTES);
    let cleaned = strip_markup(text);
    let mut normalized = Normalized {
        tokens: Vec::new(),
        has_question_mark: cleaned.contains('?') || cleaned.contains('？'),
    };
    let mut word = String::new();
    let mut pending_apostrophe = false;
    let mut sentence = 0u16;
    for c in cleaned.nfkd() {
        if is_combining_mark(c) || is_invisible(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_apostrophe {
                word.push('\'');
                pending_apostrophe = false;
            }
            word.extend(c.to_lowercase());
        } else if is_apostrophe(c) && !word.is_empty() && !pending_apostrophe {
            pending_apostrophe = true;
        } else {
            pending_apostrophe = false;
            flush(&mut word, sentence, &mut normalized.tokens);
            if matches!(c, '.' | '!' | '?' | ';' | '\n' | '？' | '。' | '！') {
                sentence = sentence.saturating_add(1);
            }
        }
        if normalized.tokens.len() >= MAX_TOKENS {
            break;
        }
    }
    flush(&mut word, sentence, &mut normalized.tokens);
    normalized.tokens.truncate(MAX_TOKENS);
    normalized
}

/// The normalised words of a phrase joined by spaces, plurals folded: the identity of a term or
/// question for duplicate checks.
pub fn normalized_key(text: &str) -> String {
    normalize(text)
        .tokens
        .iter()
        .map(|token| token.stem.as_str())
        .collect::<Vec<_>>()
        .join(" ")
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

/// Removes Discord markup that carries no words: `<@123>`, `<#123>`, `<:emoji:123>`, `<t:123:R>`,
/// and URLs. Everything else is left for the tokenizer, which treats punctuation as a separator.
fn strip_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(position) = rest.find(['<', 'h', 'H', 'w', 'W']) {
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
    out
}

/// Length of the markup at the start of `text`, if any starts there.
fn markup_len(text: &str) -> Option<usize> {
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

fn flush(word: &mut String, sentence: u16, tokens: &mut Vec<Token>) {
    if word.is_empty() {
        return;
    }
    let raw = std::mem::take(word);
    let (base, clitic) = match raw.split_once('\'') {
        Some((base, clitic)) => (base.to_string(), Some(clitic.to_string())),
        None => (raw, None),
    };
    match clitic.as_deref() {
        // `doesn't`, `can't`, `won't`: the negation matters ("what if it doesn't work").
        Some("t") => {
            let base = match base.as_str() {
                "can" | "ca" => "can",
                "won" | "wo" => "will",
                other => other.strip_suffix('n').unwrap_or(other),
            };
            push_expanded(base, sentence, tokens);
            push_word("not", sentence, tokens);
        }
        Some(clitic) => {
            push_expanded(&base, sentence, tokens);
            let expansion = match clitic {
                "s" if is_copula_host(&base) => "is",
                // A possessive stays visible: "immunotherapy's success rate" is about an aspect.
                "s" => "'s",
                "re" => "are",
                "m" => "am",
                "ve" => "have",
                "ll" => "will",
                "d" => "would",
                _ => return,
            };
            push_word(expansion, sentence, tokens);
        }
        None => push_expanded(&base, sentence, tokens),
    }
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
fn push_expanded(word: &str, sentence: u16, tokens: &mut Vec<Token>) {
    let expansion: &[&str] = match word {
        "whats" | "wats" | "wuts" | "whatis" => &["what", "is"],
        "wat" | "wut" | "wht" | "whta" | "waht" | "wot" | "wha" => &["what"],
        "hw" => &["how"],
        "r" => &["are"],
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
            push_word(other, sentence, tokens);
            return;
        }
    };
    for word in expansion {
        push_word(word, sentence, tokens);
    }
}

fn push_word(word: &str, sentence: u16, tokens: &mut Vec<Token>) {
    tokens.push(Token {
        word: word.to_string(),
        stem: stem(word),
        sentence,
    });
}

/// Folds English plurals so that `vaccines`, `antibodies` and `mAbs` meet their singular terms.
/// Deliberately small: it only has to make a message and a term agree, not be linguistics.
pub fn stem(word: &str) -> String {
    let len = word.chars().count();
    if len > 4 {
        if let Some(base) = word.strip_suffix("ies") {
            return format!("{base}y");
        }
    }
    if len > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
        && word.is_ascii()
    {
        return word[..word.len() - 1].to_string();
    }
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        normalize(text).tokens.into_iter().map(|t| t.word).collect()
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
