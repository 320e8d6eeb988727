//! Splitting a long reviewed answer into pages that each fit one reply.
//!
//! This module owns where a page ends: at a paragraph break if one is near enough, else a line
//! break, else the end of a sentence, else a space. Pages are consecutive slices of the answer,
//! so joining them gives back the answer exactly; no word is ever cut, added or changed (a
//! single "word" longer than a page, which reviewed prose never has, is cut at a character
//! boundary rather than refused). It never decides how big a page is: the platform's limits do.

use std::ops::Range;

/// A break is only taken if the page it ends is at least this fraction of a full page; otherwise
/// the next weaker kind of break is tried, so that no page is a stub.
const MIN_FILL: usize = 2;

/// Splits `text` into consecutive byte ranges of at most `max_chars` characters each.
/// `max_chars` of zero is treated as one.
pub fn split(text: &str, max_chars: usize) -> Vec<Range<usize>> {
    let max_chars = max_chars.max(1);
    let mut pages = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let rest = &text[start..];
        let window_end = match rest.char_indices().nth(max_chars) {
            None => {
                pages.push(start..text.len());
                break;
            }
            Some((offset, _)) => offset,
        };
        let window = &rest[..window_end];
        let end = best_break(window, window_end / MIN_FILL).unwrap_or(window_end);
        pages.push(start..start + end);
        start += end;
    }
    pages
}

/// The byte offset just after the strongest break in `window` that lies beyond `min`.
fn best_break(window: &str, min: usize) -> Option<usize> {
    let after = |found: Option<usize>, len: usize| found.map(|at| at + len).filter(|&at| at > min);
    after(window.rfind("\n\n"), 2)
        .or_else(|| after(window.rfind('\n'), 1))
        .or_else(|| {
            [". ", "? ", "! ", ".\" ", ".) "]
                .iter()
                .filter_map(|end| after(window.rfind(end), end.len()))
                .max()
        })
        .or_else(|| after(window.rfind(' '), 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(text: &str, max: usize) -> Vec<&str> {
        split(text, max).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn short_text_is_one_page() {
        assert_eq!(pages("Short.", 100), vec!["Short."]);
        assert!(split("", 10).is_empty());
    }

    #[test]
    fn prefers_paragraphs_then_sentences_and_joins_back_exactly() {
        let text = "First paragraph, one sentence.\n\nSecond paragraph. It has two sentences.";
        let got = pages(text, 40);
        assert_eq!(got[0], "First paragraph, one sentence.\n\n");
        assert_eq!(got.concat(), text);
        for page in &got {
            assert!(page.chars().count() <= 40, "{page:?}");
        }
        let sentences = pages("One two three. Four five six. Seven eight nine.", 32);
        assert_eq!(sentences[0], "One two three. Four five six. ");
    }

    #[test]
    fn never_cuts_inside_a_word_or_a_character() {
        let text = "ééé ".repeat(100);
        for max in [5, 7, 13, 50] {
            let got = pages(&text, max);
            assert_eq!(got.concat(), text);
            for page in &got {
                assert!(page.chars().count() <= max);
                assert!(page.ends_with(' ') || page.len() == text.len() % 100);
            }
        }
        // A "word" longer than a page is cut rather than lost.
        assert_eq!(pages("abcdefgh", 3).concat(), "abcdefgh");
    }
}
