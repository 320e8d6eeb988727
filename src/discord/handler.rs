//! Gateway events -> core functions -> Discord responses.
//!
//! The handler only parses and sends: what to say comes from [`crate::bot`] (the safety router
//! first, on every message and `/ask`), who may reload or remove an answer (the Dismiss button)
//! from [`super::moderation`], and whether to hold back (the answer cooldown, the per-user limit,
//! where passive answering happens) from [`crate::guard`]. Discord errors are logged with
//! context and never stop the bot; a panic in an event's handler is caught and logged
//! ([`caught`]), and the bot goes on. Message text is logged at debug level only, and never
//! echoed back to a channel.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use futures_util::FutureExt as _;
use serenity::all::{
    CommandDataOptionValue, CommandInteraction, ComponentInteraction, Context,
    CreateAutocompleteResponse, CreateInteractionResponse, EventHandler, Interaction, Message,
    MessageReference, Ready,
};
use serenity::async_trait;
use tracing::{debug, error, info, warn};

use super::delivery::Delivery;
use super::reload::Reloader;
use super::{commands, limits, moderation, render, words};
use crate::action::Action;
use crate::bot;
use crate::catalog::CatalogHandle;
use crate::config::{DiscordConfig, ModerationConfig, SafetyConfig};
use crate::guard::{Claim, Cooldown, Earlier, PassiveScope, Ticket, UserLimit};
use crate::matching::Addressing;
use crate::metrics::{Interaction as Kind, Silence, METRICS};
use crate::reply::{Button, Reply, ReplyKind, Visibility};
use crate::safety::Safety;

pub struct Handler {
    catalog: CatalogHandle,
    reloader: Reloader,
    moderator_roles: Vec<u64>,
    message_content: bool,
    max_passive_length: usize,
    passive: PassiveScope,
    /// `None` when `[discord] cooldown_seconds = 0`.
    cooldown: Option<Cooldown>,
    /// `None` when `[discord] user_limit = 0`.
    user_limit: Option<UserLimit>,
    safety: SafetyConfig,
    /// One crisis notice per member per window; `None` when `[safety] crisis_repeat_seconds = 0`.
    crisis_repeat: Option<UserLimit>,
    /// The bot's own user id, known from READY.
    me: AtomicU64,
    /// Sends replies to messages: retried, never twice, within deadlines.
    delivery: Delivery,
    /// Replies not sent because too many were pending, since the start.
    held_back: AtomicU64,
}

/// Runs one event's handler to its end, or catches its panic and logs it at error level, so
/// that one bad event never takes the bot (or the shard's other events) down with it. Returns
/// whether the handler finished. Never logs the panic's payload: it can quote a message (a
/// string slicing panic does); the process's panic hook decides what is shown of it.
pub(crate) async fn caught(event: &'static str, handler: impl Future<Output = ()>) -> bool {
    // Unwind safety: the handler's shared state is a catalog snapshot, atomics and the guards,
    // whose locks tolerate poisoning and whose tickets release themselves while unwinding.
    match AssertUnwindSafe(handler).catch_unwind().await {
        Ok(()) => true,
        Err(_payload) => {
            error!(event, "an event handler panicked; the bot goes on");
            false
        }
    }
}

/// The short pointer a direct question gets when its answer was given in this channel within
/// the cooldown: the bot's fixed words and a link (ids only) to that answer.
fn pointer(guild: u64, channel: u64, earlier: Earlier) -> Reply {
    let url = render::jump_url(guild, channel, earlier.message());
    Reply::notice(&format!("{} {url}", words::ANSWERED_HERE))
}

/// Answers a command or a button with one of the adapter's fixed words, privately.
async fn say_privately(
    ctx: &Context,
    interaction: &Interaction,
    text: &str,
) -> serenity::Result<()> {
    let response =
        CreateInteractionResponse::Message(render::interaction_message(&Reply::notice(text)));
    match interaction {
        Interaction::Command(command) => command.create_response(&ctx.http, response).await,
        Interaction::Component(component) => component.create_response(&ctx.http, response).await,
        // Autocomplete and the rest cannot carry a message.
        _ => Ok(()),
    }
}

impl Handler {
    pub fn new(
        config: &DiscordConfig,
        moderation: &ModerationConfig,
        reloader: Reloader,
        delivery: Delivery,
    ) -> Handler {
        Handler {
            catalog: reloader.catalog().clone(),
            reloader,
            moderator_roles: moderation.role_ids.clone(),
            message_content: config.message_content,
            max_passive_length: config.max_passive_length,
            passive: config.passive.clone(),
            cooldown: (!config.cooldown.is_zero()).then(|| Cooldown::new(config.cooldown)),
            user_limit: (config.user_limit > 0)
                .then(|| UserLimit::new(config.user_limit, config.user_limit_window)),
            safety: config.safety.clone(),
            crisis_repeat: (!config.safety.crisis_repeat.is_zero())
                .then(|| UserLimit::new(1, config.safety.crisis_repeat)),
            me: AtomicU64::new(0),
            delivery,
            held_back: AtomicU64::new(0),
        }
    }

    /// How a message reached the bot, or `None` when the bot cannot read it at all. A plain
    /// channel message is `Passive` wherever the bot reads it; whether it may get a topic
    /// answer there is [`Handler::answers_passively`].
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
        self.message_content.then_some(Addressing::Passive)
    }

    /// Whether a plain channel message may get a topic answer: short enough to be a question,
    /// in a channel where passive answering is allowed. (A crisis is answered wherever the bot
    /// reads, as `[safety] passive_crisis` says.)
    fn answers_passively(&self, msg: &Message) -> bool {
        msg.content.chars().count() <= self.max_passive_length
            && msg
                .guild_id
                .is_some_and(|guild| self.passive.allows(guild.get(), msg.channel_id.get()))
    }

    /// Whether the bot may respond to `user` now; counts the response when it may.
    fn user_may(&self, user: u64) -> bool {
        self.user_limit
            .as_ref()
            .is_none_or(|limit| limit.allow(user, Instant::now()))
    }

    async fn on_ready(&self, ctx: Context, ready: Ready) {
        self.me.store(ready.user.id.get(), Ordering::Release);
        let shard = ready.shard.map_or(0, |shard| shard.id.0);
        info!(
            user = %ready.user.name,
            shard,
            guilds = ready.guilds.len(),
            "connected to Discord"
        );
        // Once per session of shard 0, not once per shard: the commands are the bot's.
        if shard == 0 {
            self.reloader.register_commands(&ctx.http).await;
        }
    }

    async fn on_message(&self, ctx: &Context, msg: Message) {
        let Some(addressing) = self.addressing(&msg) else {
            return;
        };
        let catalog = self.catalog.current();
        // The safety router reads every message first; a flagged message never gets a topic.
        if let Some((kind, reply)) =
            bot::safety_reply(&catalog, &msg.content, addressing, &self.safety.policy)
        {
            return self.on_safety(ctx, &msg, kind, reply).await;
        }
        if addressing == Addressing::Passive && !self.answers_passively(&msg) {
            return;
        }
        let assessment = catalog.matcher().assess(&msg.content, addressing);
        debug!(content = %msg.content, ?assessment, "assessed a message");
        let Some(mut reply) = bot::reply_for(&catalog, &assessment, addressing) else {
            METRICS.silent(Silence::unsure);
            return;
        };
        let channel = msg.channel_id.get();
        let user = msg.author.id.get();
        // The cooldown keeps shared channels quiet; a DM is seen by the asker alone.
        let cooled = match (&self.cooldown, msg.guild_id, reply.topic()) {
            (Some(cooldown), Some(guild), Some(topic)) => {
                Some((cooldown, guild.get(), topic.to_string()))
            }
            _ => None,
        };
        let now = Instant::now();
        let mut earlier = cooled
            .as_ref()
            .and_then(|(cooldown, _, topic)| cooldown.earlier(channel, topic, now));
        // A silence costs the member nothing, so it is decided before the per-user limit.
        if earlier.is_some() && addressing == Addressing::Passive {
            debug!(channel, "answered here a moment ago; staying silent");
            METRICS.silent(Silence::cooldown);
            return;
        }
        // Far behind (a raid): a reply that would wait behind a thousand others is no help to
        // anyone, and holding it costs memory.
        let Some(_admission) = self.delivery.admit() else {
            self.held_back(channel);
            return;
        };
        if !self.user_may(user) {
            debug!(user, channel, "over the per-user limit; message ignored");
            METRICS.silent(Silence::user_limit);
            return;
        }
        // Claimed only now, so that a member over the limit never holds the slot.
        let mut ticket: Option<Ticket<'_>> = None;
        if let (None, Some((cooldown, _, topic))) = (earlier, &cooled) {
            match cooldown.claim(channel, topic, msg.id.get(), now) {
                Claim::Granted(granted) => ticket = Some(granted),
                Claim::Cooling(raced) => earlier = Some(raced),
            }
        }
        if let (Some(earlier), Some((_, guild, _))) = (earlier, &cooled) {
            if addressing == Addressing::Passive {
                debug!(channel, "answered here a moment ago; staying silent");
                return;
            }
            // Asked directly: not silence, but no second copy of the answer either.
            reply = pointer(*guild, channel, earlier);
        }
        // Shown to the whole channel: the asker (or a moderator) can take it down again. A
        // one-line pointer is left as it is.
        if reply.kind != ReplyKind::Notice {
            reply = reply.with_dismiss(user);
        }
        let mut reference = MessageReference::from(&msg);
        // The question may be deleted before the answer arrives; answer anyway.
        reference.fail_if_not_exists = Some(false);
        let message = render::message(&reply).reference_message(reference);
        // Under a raid, thousands of replies wait for a free connection at once: what they
        // wait with must be small, so the member's message (text, author, mentions) goes now.
        let (channel_id, question) = (msg.channel_id, msg.id.get());
        drop(msg);
        // The question's id is the nonce: one question, at most one reply, however many
        // attempts it takes.
        let sent = self
            .delivery
            .send_message(&ctx.http, channel_id, message, question)
            .await;
        match sent {
            Ok(sent) => {
                // The window starts once the answer is out; a failed send (below) drops the
                // ticket instead, releasing the slot for the next asker.
                if let Some(ticket) = ticket {
                    ticket.answered(sent.id.get(), Instant::now());
                }
                match (reply.topic(), &cooled) {
                    (None, Some((_, _, topic))) => info!(
                        channel,
                        topic = topic.as_str(),
                        "pointed a direct question at the answer given here a moment ago"
                    ),
                    _ => {
                        if let Some(topic) = reply.topic() {
                            METRICS.answered(topic);
                        }
                        info!(
                            channel,
                            topic = reply.topic().unwrap_or("-"),
                            score = assessment.score,
                            ?addressing,
                            "answered a message"
                        )
                    }
                }
            }
            Err(err) => {
                // Released before anything else happens: the next asker is answered.
                drop(ticket);
                warn!(error = %err, channel, "could not send a reply");
            }
        }
    }

    /// Logs a reply held back because too many are pending: every one at debug level, and a
    /// warning for the first and every thousandth after it, so a raid shows in the log without
    /// flooding it.
    fn held_back(&self, channel: u64) {
        let count = self.held_back.fetch_add(1, Ordering::Relaxed) + 1;
        debug!(channel, "too many replies pending; staying silent");
        METRICS.silent(Silence::backlog);
        if count % 1000 == 1 {
            warn!(
                held_back = count,
                "too many replies pending (a raid?); staying silent until the backlog clears"
            );
        }
    }

    /// Shows a safety notice (or keeps the silence it calls for) and, for a crisis, alerts the
    /// moderators. Never logs or copies the member's words above debug.
    async fn on_safety(&self, ctx: &Context, msg: &Message, kind: Safety, reply: Option<Reply>) {
        METRICS.safety_route(match kind {
            Safety::Crisis => crate::metrics::SafetyRoute::crisis,
            Safety::Advice => crate::metrics::SafetyRoute::advice,
        });
        let channel = msg.channel_id.get();
        let user = msg.author.id.get();
        let Some(mut reply) = reply else {
            debug!(
                channel,
                kind = kind.as_str(),
                "overheard; the notice is not shown here"
            );
            return;
        };
        let allowed = match kind {
            // A crisis is never held back by the topic cooldown or the per-user limit, only
            // not repeated to the same member within a short window.
            Safety::Crisis => self
                .crisis_repeat
                .as_ref()
                .is_none_or(|repeat| repeat.allow(user, Instant::now())),
            Safety::Advice => self.user_may(user),
        };
        if !allowed {
            debug!(
                channel,
                kind = kind.as_str(),
                "notice given to this member a moment ago"
            );
            return;
        }
        if kind == Safety::Crisis && self.safety.moderator_button {
            reply.buttons.push(Button {
                label: crate::reply::words::TALK_TO_MODERATOR.to_string(),
                action: Action::AlertModerators,
            });
        }
        let mut reference = MessageReference::from(msg);
        reference.fail_if_not_exists = Some(false);
        let message = render::message(&reply).reference_message(reference);
        match msg.channel_id.send_message(&ctx.http, message).await {
            Ok(_) => info!(channel, "{} notice in channel {channel}", kind.as_str()),
            Err(err) => {
                warn!(error = %err, channel, kind = kind.as_str(), "could not send a notice")
            }
        }
        if kind == Safety::Crisis {
            let place = match msg.guild_id {
                Some(guild) => render::jump_url(guild.get(), channel, msg.id.get()),
                None => format!("a direct message with <@{user}>"),
            };
            self.alert(ctx, &format!("{} {place}", words::ALERT_CRISIS))
                .await;
        }
    }

    /// Posts `text` (the bot's fixed words and ids only) in the alert channel, pinging the alert
    /// role; does nothing when no alert channel is set. Returns whether the alert went out.
    async fn alert(&self, ctx: &Context, text: &str) -> bool {
        let Some(channel) = self.safety.alert_channel_id else {
            return false;
        };
        let message = render::alert(text, self.safety.alert_role_id);
        match serenity::all::ChannelId::new(channel)
            .send_message(&ctx.http, message)
            .await
        {
            Ok(_) => {
                info!(alert_channel = channel, "alerted the moderators");
                true
            }
            Err(err) => {
                warn!(error = %err, alert_channel = channel, "could not alert the moderators");
                false
            }
        }
    }

    async fn on_interaction(&self, ctx: &Context, interaction: &Interaction) {
        let user = match interaction {
            Interaction::Command(command) => command.user.id.get(),
            Interaction::Component(component) => component.user.id.get(),
            // Autocomplete runs on every keystroke and shows nothing to anyone else.
            Interaction::Autocomplete(command) => return self.on_autocomplete(ctx, command).await,
            _ => {
                debug!(kind = ?interaction.kind(), "ignored an interaction");
                return;
            }
        };
        if !self.user_may(user) {
            debug!(user, "over the per-user limit; asked to slow down");
            if let Err(err) = say_privately(ctx, interaction, words::TOO_FAST).await {
                warn!(error = %err, "could not ask a member to slow down");
            }
            return;
        }
        match interaction {
            Interaction::Command(command) => self.on_command(ctx, command).await,
            Interaction::Component(component) => self.on_button(ctx, component).await,
            _ => {}
        }
    }

    async fn on_command(&self, ctx: &Context, command: &CommandInteraction) {
        METRICS.interaction(Kind::command);
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
                let mut reply = bot::reply_to_ask(&catalog, question);
                if let Some(kind) = reply.safety_kind() {
                    let channel = command.channel_id.get();
                    info!(channel, "{} notice in channel {channel}", kind.as_str());
                    if kind == Safety::Crisis {
                        if self.safety.moderator_button {
                            reply.buttons.push(Button {
                                label: crate::reply::words::TALK_TO_MODERATOR.to_string(),
                                action: Action::AlertModerators,
                            });
                        }
                        let user = command.user.id.get();
                        let text =
                            format!("{} /ask by <@{user}> in <#{channel}>", words::ALERT_CRISIS);
                        self.alert(ctx, &text).await;
                    }
                }
                reply
            }
            other => {
                debug!(command = other, "unknown command");
                Reply::notice(crate::reply::words::UNKNOWN_COMMAND)
            }
        };
        let reply = match reply.visibility {
            Visibility::Public => reply.with_dismiss(command.user.id.get()),
            Visibility::Private => reply,
        };
        if let Some(topic) = reply.topic() {
            METRICS.answered(topic);
        }
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
        METRICS.interaction(Kind::autocomplete);
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
        if let Ok(Action::Dismiss { asker }) = Action::parse(&component.data.custom_id) {
            METRICS.interaction(Kind::dismiss);
            return self.on_dismiss(ctx, component, asker).await;
        }
        METRICS.interaction(Kind::button);
        if let Ok(Action::AlertModerators) = Action::parse(&component.data.custom_id) {
            return self.on_talk_to_moderator(ctx, component).await;
        }
        let catalog = self.catalog.current();
        let reply = bot::reply_to_button(&catalog, &component.data.custom_id);
        if let Some(topic) = reply.topic() {
            METRICS.answered(topic);
        }
        info!(topic = reply.topic().unwrap_or("-"), "answered a button");
        let response = CreateInteractionResponse::Message(render::interaction_message(&reply));
        if let Err(err) = component.create_response(&ctx.http, response).await {
            warn!(error = %err, "could not answer a button");
        }
    }
}

impl Handler {
    /// The Dismiss button: the member who asked, or a moderator, removes the bot's message;
    /// anyone else is told privately that they cannot.
    async fn on_dismiss(&self, ctx: &Context, component: &ComponentInteraction, asker: u64) {
        let presser = component.user.id.get();
        let channel = component.channel_id;
        let message = component.message.id;
        if !moderation::may_dismiss(
            asker,
            presser,
            component.guild_id,
            component.member.as_ref(),
            &self.moderator_roles,
        ) {
            debug!(
                presser,
                channel = channel.get(),
                "refused to dismiss an answer"
            );
            let refusal = CreateInteractionResponse::Message(render::interaction_message(
                &Reply::notice(words::NOT_YOURS_TO_DISMISS),
            ));
            if let Err(err) = component.create_response(&ctx.http, refusal).await {
                warn!(error = %err, "could not refuse a dismissal");
            }
            return;
        }
        // Acknowledged first (Discord wants an answer within 3 seconds); the bot may always
        // delete its own messages, so no permission is needed for the delete.
        if let Err(err) = component
            .create_response(&ctx.http, CreateInteractionResponse::Acknowledge)
            .await
        {
            warn!(error = %err, "could not acknowledge a dismissal");
        }
        match channel.delete_message(&ctx.http, message).await {
            Ok(()) => {
                // The answer is gone, so the next asker here is answered rather than silenced.
                if let Some(cooldown) = &self.cooldown {
                    cooldown.withdraw(channel.get(), message.get());
                }
                info!(
                    presser,
                    by_asker = presser == asker,
                    channel = channel.get(),
                    "dismissed an answer"
                );
            }
            Err(err) => warn!(error = %err, channel = channel.get(), "could not dismiss an answer"),
        }
    }

    /// "Talk to a moderator" under a crisis notice: alerts the moderators with a link to the
    /// notice, and tells the member privately.
    async fn on_talk_to_moderator(&self, ctx: &Context, component: &ComponentInteraction) {
        let channel = component.channel_id.get();
        let user = component.user.id.get();
        let place = match component.guild_id {
            Some(guild) => format!(
                "<@{user}> in {}",
                render::jump_url(guild.get(), channel, component.message.id.get())
            ),
            None => format!("<@{user}> in a direct message"),
        };
        let alerted = self
            .alert(ctx, &format!("{} {place}", words::ALERT_ASKED))
            .await;
        let text = if alerted {
            crate::reply::words::MODERATORS_ALERTED
        } else {
            crate::reply::words::NO_MODERATOR_CHANNEL
        };
        let response =
            CreateInteractionResponse::Message(render::interaction_message(&Reply::notice(text)));
        if let Err(err) = component.create_response(&ctx.http, response).await {
            warn!(error = %err, "could not answer the moderator button");
        }
    }
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        caught("ready", self.on_ready(ctx, ready)).await;
    }

    async fn message(&self, ctx: Context, msg: Message) {
        caught("message", self.on_message(&ctx, msg)).await;
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        if !caught("interaction", self.on_interaction(&ctx, &interaction)).await {
            // Fails harmlessly when the handler had already answered before it panicked.
            if let Err(err) = say_privately(&ctx, &interaction, words::SOMETHING_WENT_WRONG).await {
                warn!(error = %err, "could not tell a member that something went wrong");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use super::*;

    #[tokio::test]
    async fn a_panicking_handler_is_caught_and_the_next_one_runs() {
        let ran = AtomicBool::new(false);
        let panicking = async {
            tokio::task::yield_now().await;
            let text = String::from("what is immunotherapy?");
            // A slicing panic quotes the string in its payload.
            let _ = &text[..usize::MAX];
        };
        assert!(!caught("message", panicking).await);
        assert!(
            caught("message", async {
                ran.store(true, Ordering::SeqCst);
            })
            .await
        );
        assert!(ran.load(Ordering::SeqCst));
    }

    #[test]
    fn a_pointer_links_to_the_earlier_answer_and_quotes_nobody() {
        let reply = pointer(1, 2, Earlier::Answered { answer: 3 });
        assert_eq!(
            reply.body,
            "I answered this in this channel a moment ago: https://discord.com/channels/1/2/3"
        );
        assert_eq!(reply.topic(), None);
        let reply = pointer(1, 2, Earlier::Sending { question: 4 });
        assert!(reply.body.ends_with("/channels/1/2/4"), "{}", reply.body);
    }
}
