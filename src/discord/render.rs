//! Reply -> Discord message builders. Every message built here pings nobody (except the
//! configured alert role, in a moderators' alert), and none quotes a member's words: the text comes from the reply (reviewed text or the bot's fixed words) and
//! links carry ids only.

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInteractionResponseMessage, CreateMessage,
};

use super::limits::{BUTTONS_PER_ROW, DISCLAIMER_HEADING, ROWS};
use crate::action::Action;
use crate::reply::{Button, Reply, ReplyKind, Visibility};

/// Teal, calm, and readable in both light and dark themes.
const ANSWER_COLOUR: u32 = 0x1F7A8C;

/// No `@everyone`, no roles, no users, not even the member being replied to.
pub fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new().replied_user(false)
}

pub fn embed(reply: &Reply) -> Option<CreateEmbed> {
    if reply.kind == ReplyKind::Notice {
        return None;
    }
    let mut embed = CreateEmbed::new().description(&reply.body);
    if let Some(title) = &reply.title {
        embed = embed.title(title).colour(ANSWER_COLOUR);
    }
    match (&reply.provenance, reply.page) {
        (Some(provenance), Some(page)) => {
            embed = embed.footer(CreateEmbedFooter::new(format!("{page}\n{provenance}")));
        }
        (Some(provenance), None) => embed = embed.footer(CreateEmbedFooter::new(provenance)),
        _ => {}
    }
    if let Some(disclaimer) = &reply.disclaimer {
        embed = embed.field(DISCLAIMER_HEADING, disclaimer, false);
    }
    Some(embed)
}

pub fn components(reply: &Reply) -> Vec<CreateActionRow> {
    // When a long menu fills every place, Dismiss keeps one: it is the way out of the message.
    let (dismiss, others): (Vec<&Button>, Vec<&Button>) = reply
        .buttons
        .iter()
        .partition(|button| matches!(button.action, Action::Dismiss { .. }));
    let room = (BUTTONS_PER_ROW * ROWS).saturating_sub(dismiss.len());
    let buttons: Vec<CreateButton> = others
        .into_iter()
        .take(room)
        .chain(dismiss)
        .map(|button| {
            CreateButton::new(button.action.to_custom_id())
                .label(&button.label)
                .style(ButtonStyle::Secondary)
        })
        .collect();
    buttons
        .chunks(BUTTONS_PER_ROW)
        .map(|row| CreateActionRow::Buttons(row.to_vec()))
        .collect()
}

/// A channel message (the caller adds the reference to the message it answers).
pub fn message(reply: &Reply) -> CreateMessage {
    let mut message = CreateMessage::new()
        .allowed_mentions(no_mentions())
        .components(components(reply));
    match embed(reply) {
        Some(embed) => message = message.embed(embed),
        None => message = message.content(&reply.body),
    }
    message
}

/// An interaction response message; private replies are ephemeral.
pub fn interaction_message(reply: &Reply) -> CreateInteractionResponseMessage {
    let mut message = CreateInteractionResponseMessage::new()
        .allowed_mentions(no_mentions())
        .components(components(reply))
        .ephemeral(reply.visibility == Visibility::Private);
    match embed(reply) {
        Some(embed) => message = message.embed(embed),
        None => message = message.content(&reply.body),
    }
    message
}

/// A moderators' alert: the bot's fixed words and ids, pinging `role` and nobody else (the only
/// mention the bot ever allows).
pub fn alert(text: &str, role: Option<u64>) -> CreateMessage {
    let (content, mentions) = match role {
        Some(role) => (
            format!("<@&{role}> {text}"),
            no_mentions().roles(vec![serenity::all::RoleId::new(role)]),
        ),
        None => (text.to_string(), no_mentions()),
    };
    CreateMessage::new()
        .content(content)
        .allowed_mentions(mentions)
}

/// The link that opens a message in Discord (ids only; same form for every client).
pub fn jump_url(guild: u64, channel: u64, message: u64) -> String {
    format!("https://discord.com/channels/{guild}/{channel}/{message}")
}
