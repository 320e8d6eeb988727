//! The slash commands, built from the live catalog.
//!
//! This module only describes the commands; it never decides who may run them (Discord's
//! `default_member_permissions` is a hint an admin can override: [`super::moderation`] checks
//! again when a command arrives).

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption, Permissions};

use super::limits::CHOICES;
use crate::bot;
use crate::catalog::Catalog;

pub const THERAPY: &str = "therapy";
pub const THERAPY_OPTION: &str = "type";
pub const ASK: &str = "ask";
pub const ASK_OPTION: &str = "question";
pub const RELOAD: &str = "reload";
/// Longest `/ask` question accepted; a question for the bot is short.
pub const ASK_MAX_LENGTH: u16 = 500;

/// Whether `/therapy` lists its choices (few topics) or completes them as the member types.
pub fn therapy_uses_autocomplete(catalog: &Catalog) -> bool {
    catalog.topics().len() > CHOICES
}

pub fn all(catalog: &Catalog) -> Vec<CreateCommand> {
    let mut therapy_option = CreateCommandOption::new(
        CommandOptionType::String,
        THERAPY_OPTION,
        "Which therapy to explain",
    )
    .required(true);
    if therapy_uses_autocomplete(catalog) {
        therapy_option = therapy_option.set_autocomplete(true);
    } else {
        for (label, id) in bot::therapy_choices(catalog, "") {
            therapy_option = therapy_option.add_string_choice(label, id);
        }
    }
    vec![
        CreateCommand::new(THERAPY)
            .description("Show the medically reviewed explanation of a therapy")
            .dm_permission(true)
            .add_option(therapy_option),
        CreateCommand::new(ASK)
            .description("Ask a question; get a medically reviewed answer if there is one")
            .dm_permission(true)
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, ASK_OPTION, "Your question")
                    .required(true)
                    .max_length(ASK_MAX_LENGTH),
            ),
        // Hidden from members by default; a guild admin may show it to others, so the server
        // side checks the caller again (see `moderation::may_reload`).
        CreateCommand::new(RELOAD)
            .description("Reload the response files (moderators only)")
            .default_member_permissions(Permissions::MANAGE_GUILD)
            .dm_permission(false),
    ]
}
