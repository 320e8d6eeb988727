//! The safety router: the first look at every message the bot reads, before any topic matching.
//!
//! A message that signals a crisis (suicidal thoughts or self-harm, symptoms that need emergency
//! care now) or asks for a personal medical decision or dose gets the moderators' fixed notice
//! (`responses/safety.toml`), never generated advice. The words and patterns that recognise
//! them live in `responses/safety-language.toml`, validated like the topics and loaded and
//! reloaded with them. See docs/SAFETY.md for what the router does and does not do.
//!
//! This module owns the router, the notices and their validation. It is platform-neutral (it
//! never names serenity), it never stores, logs or echoes a message, and it cannot fail: every
//! message gets an answer in bounded, linear time.

mod language;
mod notices;
mod pattern;
mod screen;
mod text;

pub use language::{Finding, Router, MAX_CLASSES, MAX_PATTERNS};
pub use notices::{Notice, Notices};
pub use text::MAX_SCANNED_BYTES;

use crate::catalog::{ContentLimits, Problem};

/// The notices file inside a responses folder.
pub const NOTICES_FILE: &str = "safety.toml";
/// The router's language file inside a responses folder.
pub const LANGUAGE_FILE: &str = "safety-language.toml";

/// What a message signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Safety {
    /// Suicidal thoughts, self-harm, or symptoms that need emergency care now.
    Crisis,
    /// A request for a personal medical decision or a dose.
    Advice,
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Crisis => "crisis",
            Safety::Advice => "advice",
        }
    }
}

/// Where the bot shows the notices: always when addressed directly (a mention, a DM, `/ask`,
/// the console); in a channel it only overhears, as configured (`[safety]` in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Show the crisis notice to a message the bot only overhears (default: yes).
    pub passive_crisis: bool,
    /// Show the advice notice to a message the bot only overhears (default: no, silence).
    pub passive_advice: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            passive_crisis: true,
            passive_advice: false,
        }
    }
}

/// The validated safety data of a catalog: the router and the notices, always loaded together.
#[derive(Debug)]
pub struct SafetyData {
    pub router: Router,
    pub notices: Notices,
    /// A hash of both files' text, so that a reload can say whether they changed.
    fingerprint: u64,
}

impl SafetyData {
    /// Whether `other` was loaded from the same text (same notices, same language).
    pub fn same_files_as(&self, other: &SafetyData) -> bool {
        self.fingerprint == other.fingerprint
    }

    pub fn notice(&self, kind: Safety) -> &Notice {
        match kind {
            Safety::Crisis => &self.notices.crisis,
            Safety::Advice => &self.notices.advice,
        }
    }
}

/// One safety file as `(shown path, text)`.
pub type File<'a> = (&'a str, &'a str);

/// Validates both safety files. Errors and warnings go to `problems`; the data is returned only
/// when neither file has an error.
pub fn load(
    notices: File<'_>,
    language: File<'_>,
    limits: &ContentLimits,
    problems: &mut Vec<Problem>,
) -> Option<SafetyData> {
    let notices_text = notices;
    let notices = notices::build(notices.0, notices.1, limits, problems);
    let router = match language::build(language.0, language.1) {
        Ok(router) => Some(router),
        Err(found) => {
            problems.extend(found);
            None
        }
    };
    let fingerprint = {
        use std::hash::{Hash, Hasher};
        // Fixed keys: the same text always gives the same value.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (notices_text.1, language.1).hash(&mut hasher);
        hasher.finish()
    };
    Some(SafetyData {
        router: router?,
        notices: notices?,
        fingerprint,
    })
}
