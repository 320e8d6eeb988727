//! Who a message is about: children or adults (or any audience the language file declares),
//! from its words ("my son", "in adults") and the ages it states ("my 6 year old", "I'm 38",
//! "34M"). Subjects that share a name but not an audience ("acute lymphoblastic leukemia" in
//! children and in adults) are told apart by it.
//!
//! It never guesses: a message that says nothing, or points at two audiences, has none, and the
//! matcher then stays silent rather than answer about the wrong people.

use super::ids::AudienceId;
use super::language::{Element, Language};
use super::normalize::Normalized;

/// Words after a number that make it an age: "6 yo", "6 year old", "58 years old".
const YEAR_UNITS: &[&str] = &["yo", "yr", "yrs", "year", "years", "y"];
/// Words after a number of months or weeks that make it a baby's age ("8 months old").
const SHORT_UNITS: &[&str] = &["month", "months", "mo", "week", "weeks", "wk", "wks"];
/// Words before a number that make it someone's age: "I'm 38", "aged 70", "my aunt is 58".
const AGE_FRAMES: &[&str] = &["am", "aged", "age", "is", "turned", "turning"];
/// Ages beyond this are not ages.
const MAX_AGE: u32 = 120;

/// The audience the message is about, if it says one and only one.
pub(crate) fn audience_of(normalized: &Normalized, language: &Language) -> Option<AudienceId> {
    let audiences = language.audiences();
    if audiences.is_empty() {
        return None;
    }
    let mut by_age: Option<AudienceId> = None;
    let mut ages_disagree = false;
    for age in ages(normalized) {
        let Some(index) = audiences
            .iter()
            .position(|audience| audience.ages.contains(&age))
        else {
            continue;
        };
        let audience = AudienceId::new(index);
        match by_age {
            Some(seen) if seen != audience => ages_disagree = true,
            _ => by_age = Some(audience),
        }
    }
    // An age says more than a word: "my son is 40" is about an adult.
    if ages_disagree {
        return None;
    }
    if by_age.is_some() {
        return by_age;
    }
    let mut by_word: Option<AudienceId> = None;
    for (index, audience) in audiences.iter().enumerate() {
        if audience.cues.is_empty() {
            continue;
        }
        let said = (0..normalized.tokens.len()).any(|position| {
            let token = &normalized.tokens[position];
            let first = (normalized.word(token), normalized.stem(token));
            audience
                .cues
                .longest_at(position, Some(first), |at, element| {
                    normalized
                        .tokens
                        .get(at)
                        .is_some_and(|token| match element {
                            Element::Word(word) => {
                                normalized.word(token) == word || normalized.stem(token) == word
                            }
                            Element::Subject => false,
                        })
                })
                .is_some()
        });
        if said {
            if by_word.is_some() {
                return None;
            }
            by_word = Some(AudienceId::new(index));
        }
    }
    by_word
}

/// The ages a message states, in years.
fn ages(normalized: &Normalized) -> Vec<u32> {
    let words: Vec<&str> = normalized.words().collect();
    let mut ages = Vec::new();
    for (index, word) in words.iter().enumerate() {
        // "6yo", "34m", "39f", "3y".
        if let Some(age) = glued_age(word) {
            ages.push(age);
            continue;
        }
        let Some(number) = number(word) else {
            continue;
        };
        let next = words.get(index + 1).copied().unwrap_or("");
        let before = index
            .checked_sub(1)
            .and_then(|i| words.get(i))
            .copied()
            .unwrap_or("");
        if SHORT_UNITS.contains(&next) && words.get(index + 2) == Some(&"old") {
            ages.push(0);
        } else if (YEAR_UNITS.contains(&next) || AGE_FRAMES.contains(&before)) && number <= MAX_AGE
        {
            ages.push(number);
        }
    }
    ages
}

fn number(word: &str) -> Option<u32> {
    if word.is_empty() || word.len() > 3 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse().ok()
}

/// An age written as one word: digits then `yo`, `y`, `yr`, `yrs`, or `m`/`f` (sex and age, as
/// in "34M"); a number below 13 with `m` could be months and is left out.
fn glued_age(word: &str) -> Option<u32> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let (number, unit) = word.split_at(digits);
    let number: u32 = number.parse().ok()?;
    let age = match unit {
        "yo" | "y" | "yr" | "yrs" => number,
        "m" | "f" if number >= 13 => number,
        _ => return None,
    };
    (age <= MAX_AGE).then_some(age)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::normalize::normalize;

    fn language() -> Language {
        let mut language = Language::new("definition");
        let children = language.add_audience("children", 0..=17);
        for cue in ["child", "kid", "son", "pediatric", "in children"] {
            language.add_audience_cue(children, cue).unwrap();
        }
        let adults = language.add_audience("adults", 18..=120);
        for cue in ["adult", "husband", "grown up"] {
            language.add_audience_cue(adults, cue).unwrap();
        }
        language
    }

    fn said(message: &str) -> Option<String> {
        let language = language();
        audience_of(&normalize(message), &language)
            .map(|id| language.audiences()[id.get()].id.clone())
    }

    #[test]
    fn words_and_ages_say_who() {
        assert_eq!(said("my son has ALL").as_deref(), Some("children"));
        assert_eq!(said("what is AML in kids").as_deref(), Some("children"));
        assert_eq!(said("pediatric AML prognosis").as_deref(), Some("children"));
        assert_eq!(said("my 6 year old has ALL").as_deref(), Some("children"));
        assert_eq!(said("our 3yo was diagnosed").as_deref(), Some("children"));
        assert_eq!(said("8 months old and sick").as_deref(), Some("children"));
        assert_eq!(said("I'm 38 and have ALL").as_deref(), Some("adults"));
        assert_eq!(said("34M, just diagnosed").as_deref(), Some("adults"));
        assert_eq!(said("my aunt is 58 and has AML").as_deref(), Some("adults"));
        assert_eq!(said("ALL in adults?").as_deref(), Some("adults"));
        // An age says more than a word.
        assert_eq!(said("my son is 40 and has AML").as_deref(), Some("adults"));
    }

    #[test]
    fn silence_or_both_is_no_audience() {
        assert_eq!(said("what is ALL?"), None);
        assert_eq!(said("my husband and my son both asked"), None);
        assert_eq!(said("stage 2 of 4"), None);
        assert_eq!(said("I'm 8 and my dad is 40"), None);
    }
}
