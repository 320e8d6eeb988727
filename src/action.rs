//! Typed button actions and the only owner of their wire format (a Discord `custom_id`).
//!
//! A button id carries everything needed to act on it, so buttons keep working after a restart
//! or a reload: `ib1:topic:<topic-id>` or `ib1:alert:moderators`. `ib1` is the format's version. Ids arrive from outside and
//! are untrusted: parsing is strict, bounded, and never touches the filesystem.

use std::fmt;

use crate::catalog::MAX_TOPIC_ID_LEN;

const PREFIX: &str = "ib1";

/// Longest id this module ever produces or accepts (Discord allows 100).
pub const MAX_ID_LEN: usize = PREFIX.len() + ":topic:".len() + MAX_TOPIC_ID_LEN;

/// What pressing a button does.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Action {
    /// Show the reviewed answer of a topic (by id or id alias).
    ShowTopic(String),
    /// Alert the moderators that a member who got the crisis notice wants to talk
    /// (`ib1:alert:moderators`).
    AlertModerators,
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
            "alert" if argument == "moderators" => Ok(Action::AlertModerators),
            _ => Err(ParseError::UnknownAction),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::ShowTopic(id) => write!(f, "{PREFIX}:topic:{id}"),
            Action::AlertModerators => write!(f, "{PREFIX}:alert:moderators"),
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
