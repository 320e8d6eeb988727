//! Gateway events -> core functions -> Discord responses.
//!
//! The handler only parses and sends: what to say comes from [`crate::bot`], who may reload from
//! [`super::moderation`]. Discord errors are logged with context and never stop the bot. Message
//! text is logged at debug level only.

use std::sync::atomic::{AtomicU64, Ordering};

use serenity::all::{
    CommandDataOptionValue, CommandInteraction, ComponentInteraction, Context,
    CreateAutocompleteResponse, CreateInteractionResponse, EventHandler, Interaction, Message,
    MessageReference, Ready,
};
use serenity::async_trait;
use tracing::{debug, info, warn};

use super::reload::Reloader;
use super::{commands, limits, moderation, render};
use crate::bot;
use crate::catalog::CatalogHandle;
use crate::config::{DiscordConfig, ModerationConfig};
use crate::matching::Addressing;
use crate::reply::Reply;

pub struct Handler {
    catalog: CatalogHandle,
    reloader: Reloader,
    moderator_roles: Vec<u64>,
    message_content: bool,
    max_passive_length: usize,
    /// The bot's own user id, known from READY.
    me: AtomicU64,
}

impl Handler {
    pub fn new(
        config: &DiscordConfig,
        moderation: &ModerationConfig,
        reloader: Reloader,
    ) -> Handler {
        Handler {
            catalog: reloader.catalog().clone(),
            reloader,
            moderator_roles: moderation.role_ids.clone(),
            message_content: config.message_content,
            max_passive_length: config.max_passive_length,
            me: AtomicU64::new(0),
        }
    }

    /// How a message reached the bot, or `None` when it is not for the bot at all.
    fn addressing(&self, msg: &Message) -> Option<Addressing> {
        let me = self.me.load(Ordering::Acquire);
        if msg.author.bot
            || msg.webhook_id.is_some()
            || msg.author.id.get() == me
            || me == 0
            || msg.content.trim().is_empty()
        {
            return None;
        }
        let mentions_me = msg.mentions.iter().any(|user| user.id.get() == me)
            || msg.content.contains(&format!("<@{me}>"))
            || msg.content.contains(&format!("<@!{me}>"));
        if msg.guild_id.is_none() || mentions_me {
            return Some(Addressing::Direct);
        }
        if !self.message_content || msg.content.chars().count() > self.max_passive_length {
            return None;
        }
        Some(Addressing::Passive)
    }

    async fn on_command(&self, ctx: &Context, command: &CommandInteraction) {
        if command.data.name == commands::RELOAD {
            moderation::on_reload(ctx, command, &self.reloader, &self.moderator_roles).await;
            return;
        }
        let catalog = self.catalog.current();
        let text_option = |name: &str| {
            command
                .data
                .options
                .iter()
                .find_map(|option| match &option.value {
                    CommandDataOptionValue::String(value) if option.name == name => {
                        Some(value.as_str())
                    }
                    _ => None,
                })
        };
        let reply = match command.data.name.as_str() {
            commands::THERAPY => bot::reply_to_therapy(
                &catalog,
                text_option(commands::THERAPY_OPTION).unwrap_or(""),
            ),
            commands::ASK => {
                let question = text_option(commands::ASK_OPTION).unwrap_or("");
                debug!(question, "ask");
                bot::reply_to_ask(&catalog, question)
            }
            other => {
                debug!(command = other, "unknown command");
                Reply::notice(crate::reply::words::UNKNOWN_COMMAND)
            }
        };
        info!(
            command = %command.data.name,
            topic = reply.topic().unwrap_or("-"),
            "answered a command"
        );
        let response = CreateInteractionResponse::Message(render::interaction_message(&reply));
        if let Err(err) = command.create_response(&ctx.http, response).await {
            warn!(error = %err, command = %command.data.name, "could not answer a command");
        }
    }

    async fn on_autocomplete(&self, ctx: &Context, command: &CommandInteraction) {
        let catalog = self.catalog.current();
        let typed = command
            .data
            .autocomplete()
            .map_or("", |option| option.value);
        let choices = bot::therapy_choices(&catalog, typed)
            .into_iter()
            .take(limits::CHOICES)
            .fold(
                CreateAutocompleteResponse::new(),
                |response, (label, id)| response.add_string_choice(label, id),
            );
        let response = CreateInteractionResponse::Autocomplete(choices);
        if let Err(err) = command.create_response(&ctx.http, response).await {
            warn!(error = %err, "could not answer an autocomplete request");
        }
    }

    async fn on_button(&self, ctx: &Context, component: &ComponentInteraction) {
        let catalog = self.catalog.current();
        let reply = bot::reply_to_button(&catalog, &component.data.custom_id);
        info!(topic = reply.topic().unwrap_or("-"), "answered a button");
        let response = CreateInteractionResponse::Message(render::interaction_message(&reply));
        if let Err(err) = component.create_response(&ctx.http, response).await {
            warn!(error = %err, "could not answer a button");
        }
    }
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        self.me.store(ready.user.id.get(), Ordering::Release);
        info!(
            user = %ready.user.name,
            guilds = ready.guilds.len(),
            "connected to Discord"
        );
        self.reloader.register_commands(&ctx.http).await;
    }

    async fn message(&self, ctx: Context, msg: Message) {
        let Some(addressing) = self.addressing(&msg) else {
            return;
        };
        let catalog = self.catalog.current();
        let assessment = catalog.matcher().assess(&msg.content, addressing);
        debug!(content = %msg.content, ?assessment, "assessed a message");
        let Some(reply) = bot::reply_for(&catalog, &assessment, addressing) else {
            return;
        };
        let mut reference = MessageReference::from(&msg);
        // The question may be deleted before the answer arrives; answer anyway.
        reference.fail_if_not_exists = Some(false);
        let message = render::message(&reply).reference_message(reference);
        match msg.channel_id.send_message(&ctx.http, message).await {
            Ok(_) => info!(
                channel = %msg.channel_id,
                topic = reply.topic().unwrap_or("-"),
                score = assessment.score,
                ?addressing,
                "answered a message"
            ),
            Err(err) => warn!(error = %err, channel = %msg.channel_id, "could not send a reply"),
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        match &interaction {
            Interaction::Command(command) => self.on_command(&ctx, command).await,
            Interaction::Autocomplete(command) => self.on_autocomplete(&ctx, command).await,
            Interaction::Component(component) => self.on_button(&ctx, component).await,
            _ => debug!(kind = ?interaction.kind(), "ignored an interaction"),
        }
    }
}
