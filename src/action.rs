//! Typed button actions and the only owner of their wire format (a Discord `custom_id`).
//!
//! A button id carries everything needed to act on it, so buttons keep working after a restart
//! or a reload: `ib1:topic:<topic-id>`, `ib1:page:<topic-id>:<page>` for the pages of a long
//! answer, `ib1:dismiss:<user-id>` to remove an answer (the id of the member who asked, who may
//! remove it), and `ib1:alert:moderators` under a crisis notice. `ib1` is the format's version.
//! Ids arrive from outside and are untrusted: parsing is strict, bounded, and never touches the
//! filesystem; a user id in a button proves nothing about who pressed it (the adapter compares
//! it with the presser the platform reports).

use std::fmt;

use crate::catalog::MAX_TOPIC_ID_LEN;

const PREFIX: &str = "ib1";

/// Longest id this module ever produces or accepts (Discord allows 100).
pub const MAX_ID_LEN: usize =
    PREFIX.len() + ":page:".len() + MAX_TOPIC_ID_LEN + ":".len() + MAX_PAGE_DIGITS;

/// Most digits of a page number in a button id.
const MAX_PAGE_DIGITS: usize = 4;

/// What pressing a button does.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Action {
    /// Show the reviewed answer of a topic (by id or id alias).
    ShowTopic(String),
    /// Remove the message this button is under; allowed to `asker` (the platform's user id of
    /// the member who asked) and to moderators.
    Dismiss { asker: u64 },
    /// Alert the moderators that a member who got the crisis notice wants to talk
    /// (`ib1:alert:moderators`).
    AlertModerators,
    /// Show one page (counted from 1) of a long reviewed answer.
    ShowPage(String, usize),
}

/// Why a button id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("button id is longer than {MAX_ID_LEN} bytes")]
    TooLong,
    #[error("button id is not one of ours")]
    Foreign,
    #[error("button id has an unknown action")]
    UnknownAction,
    #[error("button id names an invalid topic id")]
    InvalidTopic,
    #[error("button id names an invalid user id")]
    InvalidUser,
    #[error("button id names an invalid page")]
    InvalidPage,
}

impl Action {
    pub fn to_custom_id(&self) -> String {
        self.to_string()
    }

    pub fn parse(custom_id: &str) -> Result<Action, ParseError> {
        if custom_id.len() > MAX_ID_LEN {
            return Err(ParseError::TooLong);
        }
        let rest = custom_id
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.strip_prefix(':'))
            .ok_or(ParseError::Foreign)?;
        let (verb, argument) = rest.split_once(':').ok_or(ParseError::UnknownAction)?;
        match verb {
            "topic" if crate::catalog::is_valid_topic_id(argument) => {
                Ok(Action::ShowTopic(argument.to_string()))
            }
            "topic" => Err(ParseError::InvalidTopic),
            "dismiss" => parse_user_id(argument)
                .map(|asker| Action::Dismiss { asker })
                .ok_or(ParseError::InvalidUser),
            "alert" if argument == "moderators" => Ok(Action::AlertModerators),
            "page" => {
                let (topic, page) = argument.rsplit_once(':').ok_or(ParseError::InvalidPage)?;
                if !crate::catalog::is_valid_topic_id(topic) {
                    return Err(ParseError::InvalidTopic);
                }
                let valid = !page.is_empty()
                    && page.len() <= MAX_PAGE_DIGITS
                    && page.bytes().all(|b| b.is_ascii_digit())
                    && !page.starts_with('0');
                match page.parse::<usize>() {
                    Ok(number) if valid => Ok(Action::ShowPage(topic.to_string(), number)),
                    _ => Err(ParseError::InvalidPage),
                }
            }
            _ => Err(ParseError::UnknownAction),
        }
    }
}

/// Digits only (no sign, no spaces), at most a u64, never 0: exactly what [`Action::Dismiss`]
/// writes, so one user id has one button id.
fn parse_user_id(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if text.starts_with('0') {
        return None;
    }
    text.parse().ok()
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::ShowTopic(id) => write!(f, "{PREFIX}:topic:{id}"),
            Action::Dismiss { asker } => write!(f, "{PREFIX}:dismiss:{asker}"),
            Action::AlertModerators => write!(f, "{PREFIX}:alert:moderators"),
            Action::ShowPage(id, page) => write!(f, "{PREFIX}:page:{id}:{page}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let action = Action::ShowTopic("car-t".into());
        assert_eq!(action.to_custom_id(), "ib1:topic:car-t");
        assert_eq!(Action::parse(&action.to_custom_id()), Ok(action));
        let alert = Action::AlertModerators;
        assert_eq!(alert.to_custom_id(), "ib1:alert:moderators");
        assert_eq!(Action::parse(&alert.to_custom_id()), Ok(alert));
        assert_eq!(
            Action::parse("ib1:alert:everyone"),
            Err(ParseError::UnknownAction)
        );
    }

    #[test]
    fn a_dismiss_button_carries_who_asked() {
        let action = Action::Dismiss {
            asker: 900_000_000_000_000_123,
        };
        assert_eq!(action.to_custom_id(), "ib1:dismiss:900000000000000123");
        assert_eq!(Action::parse(&action.to_custom_id()), Ok(action));
        let max = Action::Dismiss { asker: u64::MAX }.to_custom_id();
        assert!(max.len() <= MAX_ID_LEN);
        assert_eq!(Action::parse(&max), Ok(Action::Dismiss { asker: u64::MAX }));
        for forged in [
            "ib1:dismiss:",
            "ib1:dismiss:0",
            "ib1:dismiss:0123",
            "ib1:dismiss:+123",
            "ib1:dismiss:-1",
            "ib1:dismiss:12 3",
            "ib1:dismiss:18446744073709551616",
            "ib1:dismiss:car-t",
        ] {
            assert_eq!(
                Action::parse(forged),
                Err(ParseError::InvalidUser),
                "{forged}"
            );
        }
    }

    #[test]
    fn page_ids_round_trip_and_refuse_forgeries() {
        let action = Action::ShowPage("medquad-0000001-1-1".into(), 7);
        assert_eq!(action.to_custom_id(), "ib1:page:medquad-0000001-1-1:7");
        assert_eq!(Action::parse(&action.to_custom_id()), Ok(action));
        let longest = Action::ShowPage("a".repeat(MAX_TOPIC_ID_LEN), 9999).to_custom_id();
        assert_eq!(longest.len(), MAX_ID_LEN);
        assert!(Action::parse(&longest).is_ok());
        for bad in [
            "ib1:page:car-t",
            "ib1:page:car-t:",
            "ib1:page:car-t:0",
            "ib1:page:car-t:01",
            "ib1:page:car-t:-1",
            "ib1:page:car-t:10000",
        ] {
            assert_eq!(Action::parse(bad), Err(ParseError::InvalidPage), "{bad}");
        }
        assert_eq!(
            Action::parse("ib1:page:car-t:2:3"),
            Err(ParseError::InvalidTopic)
        );
        assert_eq!(
            Action::parse("ib1:page:CAR-T:2"),
            Err(ParseError::InvalidTopic)
        );
    }

    #[test]
    fn refuses_forged_ids() {
        assert_eq!(
            Action::parse("ib1:topic:../etc/passwd"),
            Err(ParseError::InvalidTopic)
        );
        assert_eq!(Action::parse("ib1:topic:"), Err(ParseError::InvalidTopic));
        assert_eq!(
            Action::parse("ib1:delete:car-t"),
            Err(ParseError::UnknownAction)
        );
        assert_eq!(Action::parse("other:topic:car-t"), Err(ParseError::Foreign));
        assert_eq!(Action::parse(""), Err(ParseError::Foreign));
        assert_eq!(Action::parse(&"x".repeat(1000)), Err(ParseError::TooLong));
        assert_eq!(
            Action::parse("ib1:topic:CAR-T"),
            Err(ParseError::InvalidTopic)
        );
    }
}
