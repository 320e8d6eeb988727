//! Abbreviations a message defines for a name it also writes: "treatment options for KS
//! (kaposi sarcoma)?", "what is HCC? hepatocellular carcinoma", "mm treatment options (multiple
//! myeloma)". Members often write both, and the short form stands where the question is; read
//! as a word like any other, it would leave the question without its subject.
//!
//! It owns only the test of whether a word abbreviates a name found in the same message. It
//! never adds a subject the message does not name in full, and never reads a word with a role
//! in the language ("my", "is", "stage") as an abbreviation.

use super::index::TermMatch;
use super::language::Language;
use super::normalize::Normalized;

/// Abbreviations are two to six letters: shorter is a letter, longer is a word.
const LENGTHS: std::ops::RangeInclusive<usize> = 2..=6;

/// How much less sure a subject named by its abbreviation is than by the name beside it.
const QUALITY: f32 = 0.95;

/// `found` with the places where the message abbreviates a name it writes in full.
pub(crate) fn with_defined(
    normalized: &Normalized,
    mut found: Vec<TermMatch>,
    language: &Language,
) -> Vec<TermMatch> {
    // Each name of two words or more, with its words past function words ("of", "the").
    let named: Vec<(TermMatch, Vec<&str>)> = found
        .iter()
        .filter(|m| m.end - m.start >= 2)
        .map(|m| {
            let words = normalized.tokens[m.start..m.end]
                .iter()
                .map(|token| normalized.word(token))
                .filter(|word| !language.is_function_word(word))
                .collect();
            (*m, words)
        })
        .collect();
    if named.is_empty() {
        return found;
    }
    for (position, token) in normalized.tokens.iter().enumerate() {
        if found
            .iter()
            .any(|m| m.start <= position && position < m.end)
        {
            continue;
        }
        let word = normalized.word(token);
        if !LENGTHS.contains(&word.len())
            || !word.bytes().all(|b| b.is_ascii_lowercase())
            || language.has_role(word)
        {
            continue;
        }
        for (name, name_words) in &named {
            if abbreviates(word.as_bytes(), name_words) {
                found.push(TermMatch {
                    subject: name.subject,
                    start: position,
                    end: position + 1,
                    quality: name.quality * QUALITY,
                });
                break;
            }
        }
    }
    found
}

/// Whether `short` is made of the first letter of every one of `words`, in order, with
/// perhaps more letters from inside a word after its first ("hcc": hepatocellular carcinoma).
/// A name of one word is never abbreviated here: too many short words are a word's start.
fn abbreviates(short: &[u8], words: &[&str]) -> bool {
    words.len() >= 2 && short.len() >= words.len() && fits(short, words)
}

/// Whether `short` fits `words`: the first letter starts the first word, and the rest fit
/// the rest of that word (skipping letters) followed by the other words.
fn fits(short: &[u8], words: &[&str]) -> bool {
    let (Some((&letter, rest)), Some((first, others))) = (short.split_first(), words.split_first())
    else {
        return short.is_empty() && words.is_empty();
    };
    let first = first.as_bytes();
    if first.first() != Some(&letter) {
        return false;
    }
    // Letters taken from inside the first word, then the rest from the next word on.
    let inside = &first[1..];
    (0..=rest.len())
        .any(|taken| letters_in_order(&rest[..taken], inside) && fits(&rest[taken..], others))
}

/// Whether `letters` appear in `word` in this order (not necessarily together).
fn letters_in_order(letters: &[u8], word: &[u8]) -> bool {
    let mut rest = word.iter();
    letters
        .iter()
        .all(|letter| rest.by_ref().any(|byte| byte == letter))
}

#[cfg(test)]
mod tests {
    use super::abbreviates;

    fn abbreviates_name(short: &str, name: &str) -> bool {
        let words: Vec<&str> = name.split(' ').collect();
        abbreviates(short.as_bytes(), &words)
    }

    #[test]
    fn initials_with_letters_from_inside_a_word_abbreviate_a_name() {
        assert!(abbreviates_name("ks", "kaposi sarcoma"));
        assert!(abbreviates_name("hcc", "hepatocellular carcinoma"));
        assert!(abbreviates_name("npc", "nasopharyngeal carcinoma"));
        assert!(abbreviates_name("mm", "multiple myeloma"));
        assert!(abbreviates_name("cll", "chronic lymphocytic leukemia"));
    }

    #[test]
    fn every_word_of_the_name_must_give_its_first_letter() {
        assert!(!abbreviates_name("my", "multiple myeloma"));
        assert!(!abbreviates_name("cl", "chronic lymphocytic leukemia"));
        assert!(!abbreviates_name("kp", "kaposi sarcoma"));
        assert!(!abbreviates_name("sk", "kaposi sarcoma"));
        assert!(!abbreviates_name("me", "melanoma"));
    }
}
