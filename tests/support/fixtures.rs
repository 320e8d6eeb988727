//! Typed builders for gateway event payloads (`d` of an op 0 dispatch) that serenity 0.12.5
//! accepts. Every builder gets fresh snowflakes from [`next_id`].
//!
//! A payload serenity cannot parse becomes `Event::Unknown` (logged at DEBUG only) and the
//! handler never runs, so build every event through ONE of these helpers instead of writing
//! JSON by hand.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

/// User id of the bot account (what READY and `GET /users/@me` report).
pub const BOT_USER_ID: u64 = 900_000_000_000_000_001;
/// Username of the bot account.
pub const BOT_USERNAME: &str = "FakeBot";
/// Application id (READY `application.id`, `/oauth2/applications/@me`, interactions).
pub const APPLICATION_ID: u64 = 900_000_000_000_000_002;
/// The one guild the bot is in (listed as unavailable in READY); default for guild fixtures.
pub const GUILD_ID: u64 = 900_000_000_000_000_003;
/// Default text channel used by fixtures when no channel is given.
pub const DEFAULT_CHANNEL_ID: u64 = 900_000_000_000_000_004;
/// Permission string with every bit Discord defines today set (includes ADMINISTRATOR).
pub const ALL_PERMISSIONS: &str = "2251799813685247";
/// Permission string of a plain member (view channel, send messages, read history, ...).
pub const MEMBER_PERMISSIONS: &str = "104324673";

static NEXT_ID: AtomicU64 = AtomicU64::new(1_000_000_000_000_000_000);

/// A fresh, process-wide unique snowflake.
pub fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// Current time as an ISO-8601 timestamp Discord-style (`2024-01-31T12:34:56.123456+00:00`).
pub fn now_timestamp() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs();
    let (y, m, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:06}+00:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_micros()
    )
}

// Howard Hinnant's days -> civil date algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `<@id>` mention text.
pub fn mention(user_id: u64) -> String {
    format!("<@{user_id}>")
}

/// Something that can be sent as a gateway dispatch (see `FakeDiscord::send_event`).
pub trait GatewayFixture {
    /// The dispatch name (`t`), e.g. `MESSAGE_CREATE`.
    fn event_name(&self) -> &'static str;
    /// The dispatch payload (`d`).
    fn to_json(&self) -> Value;
}

// ---------------------------------------------------------------------------------------------
// Users / members
// ---------------------------------------------------------------------------------------------

/// A Discord user as seen in payloads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeUser {
    pub id: u64,
    pub name: String,
    pub bot: bool,
}

impl FakeUser {
    /// A human user with the given id and username.
    pub fn new(id: u64, name: &str) -> Self {
        Self {
            id,
            name: name.to_owned(),
            bot: false,
        }
    }

    /// A human user with a fresh id.
    pub fn fresh(name: &str) -> Self {
        Self::new(next_id(), name)
    }

    /// Another bot account.
    pub fn bot(id: u64, name: &str) -> Self {
        Self {
            id,
            name: name.to_owned(),
            bot: true,
        }
    }

    /// The bot under test itself (BOT_USER_ID).
    pub fn the_bot() -> Self {
        Self::bot(BOT_USER_ID, BOT_USERNAME)
    }

    /// User object JSON.
    pub fn to_json(&self) -> Value {
        user_json(self.id, &self.name, self.bot)
    }
}

/// User object JSON.
pub fn user_json(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "discriminator": "0",
        "global_name": null,
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
    })
}

/// Full guild member JSON (as in interactions). `user` is embedded when given.
pub fn member_json(user: Option<&FakeUser>, roles: &[u64], permissions: Option<&str>) -> Value {
    let mut m = json!({
        "roles": roles.iter().map(u64::to_string).collect::<Vec<_>>(),
        "joined_at": "2020-01-01T00:00:00.000000+00:00",
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "nick": null,
        "avatar": null,
        "premium_since": null,
        "communication_disabled_until": null,
    });
    if let Some(u) = user {
        m["user"] = u.to_json();
    }
    if let Some(p) = permissions {
        m["permissions"] = json!(p);
    }
    m
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/// Attachment object JSON.
pub fn attachment_json(filename: &str, size: u64, content_type: Option<&str>) -> Value {
    let id = next_id();
    let url = format!("https://cdn.discordapp.com/attachments/1/{id}/{filename}");
    let mut a = json!({
        "id": id.to_string(),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
    });
    if let Some(ct) = content_type {
        a["content_type"] = json!(ct);
    }
    a
}

/// A MESSAGE_CREATE payload. Start with [`FakeMessage::guild`] or [`FakeMessage::dm`].
#[derive(Clone, Debug)]
pub struct FakeMessage {
    pub id: u64,
    pub channel_id: u64,
    /// `None` for a DM.
    pub guild_id: Option<u64>,
    pub author: FakeUser,
    pub content: String,
    pub mentions: Vec<FakeUser>,
    pub mention_roles: Vec<u64>,
    pub mention_everyone: bool,
    pub webhook_id: Option<u64>,
    /// Roles of the author's (partial) `member` object; only used for guild messages.
    pub member_roles: Vec<u64>,
    /// `message_reference` to this message id (a reply).
    pub reply_to: Option<u64>,
    pub attachments: Vec<Value>,
    pub timestamp: String,
}

impl FakeMessage {
    /// A message in a guild text channel (guild [`GUILD_ID`]).
    pub fn guild(channel_id: u64, author: FakeUser, content: &str) -> Self {
        Self {
            id: next_id(),
            channel_id,
            guild_id: Some(GUILD_ID),
            author,
            content: content.to_owned(),
            mentions: Vec::new(),
            mention_roles: Vec::new(),
            mention_everyone: false,
            webhook_id: None,
            member_roles: Vec::new(),
            reply_to: None,
            attachments: Vec::new(),
            timestamp: now_timestamp(),
        }
    }

    /// A direct message (no guild_id, no member). The DM channel id is fresh; override it with
    /// [`FakeMessage::in_channel`] to keep one DM channel per user.
    pub fn dm(author: FakeUser, content: &str) -> Self {
        let mut m = Self::guild(next_id(), author, content);
        m.guild_id = None;
        m
    }

    pub fn in_channel(mut self, channel_id: u64) -> Self {
        self.channel_id = channel_id;
        self
    }
    pub fn in_guild(mut self, guild_id: u64) -> Self {
        self.guild_id = Some(guild_id);
        self
    }
    pub fn with_id(mut self, id: u64) -> Self {
        self.id = id;
        self
    }
    /// Adds a user to `mentions` (does not touch the content; use [`mention`] for that).
    pub fn mentioning(mut self, user: FakeUser) -> Self {
        self.mentions.push(user);
        self
    }
    /// Adds the bot itself to `mentions`.
    pub fn mentioning_bot(self) -> Self {
        self.mentioning(FakeUser::the_bot())
    }
    pub fn mentioning_role(mut self, role_id: u64) -> Self {
        self.mention_roles.push(role_id);
        self
    }
    pub fn mention_everyone(mut self, yes: bool) -> Self {
        self.mention_everyone = yes;
        self
    }
    /// Marks the message as sent through a webhook (the author should then usually be a bot).
    pub fn via_webhook(mut self, webhook_id: u64) -> Self {
        self.webhook_id = Some(webhook_id);
        self.author.bot = true;
        self
    }
    pub fn member_roles(mut self, roles: &[u64]) -> Self {
        self.member_roles = roles.to_vec();
        self
    }
    pub fn replying_to(mut self, message_id: u64) -> Self {
        self.reply_to = Some(message_id);
        self
    }
    pub fn with_attachment(
        mut self,
        filename: &str,
        size: u64,
        content_type: Option<&str>,
    ) -> Self {
        self.attachments
            .push(attachment_json(filename, size, content_type));
        self
    }
}

impl GatewayFixture for FakeMessage {
    fn event_name(&self) -> &'static str {
        "MESSAGE_CREATE"
    }

    fn to_json(&self) -> Value {
        let mut m = json!({
            "id": self.id.to_string(),
            "channel_id": self.channel_id.to_string(),
            "author": self.author.to_json(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": null,
            "tts": false,
            "mention_everyone": self.mention_everyone,
            "mentions": self.mentions.iter().map(FakeUser::to_json).collect::<Vec<_>>(),
            "mention_roles": self.mention_roles.iter().map(u64::to_string).collect::<Vec<_>>(),
            "attachments": self.attachments,
            "embeds": [],
            "components": [],
            "pinned": false,
            "type": if self.reply_to.is_some() { 19 } else { 0 },
            "flags": 0,
        });
        if let Some(g) = self.guild_id {
            m["guild_id"] = json!(g.to_string());
            if self.webhook_id.is_none() {
                m["member"] = member_json(None, &self.member_roles, None);
            }
        }
        if let Some(w) = self.webhook_id {
            m["webhook_id"] = json!(w.to_string());
        }
        if let Some(r) = self.reply_to {
            let mut reference = json!({
                "message_id": r.to_string(),
                "channel_id": self.channel_id.to_string(),
            });
            if let Some(g) = self.guild_id {
                reference["guild_id"] = json!(g.to_string());
            }
            m["message_reference"] = reference;
        }
        m
    }
}

/// A message authored by the bot (e.g. the `message` of a component interaction), with one
/// action row holding a primary button `custom_id` (when given).
pub fn bot_message_json(
    channel_id: u64,
    guild_id: Option<u64>,
    content: &str,
    button: Option<&str>,
) -> Value {
    let components = match button {
        Some(cid) => json!([{
            "type": 1,
            "components": [{ "type": 2, "style": 1, "label": "button", "custom_id": cid }],
        }]),
        None => json!([]),
    };
    let mut m = json!({
        "id": next_id().to_string(),
        "channel_id": channel_id.to_string(),
        "author": FakeUser::the_bot().to_json(),
        "content": content,
        "timestamp": now_timestamp(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": components,
        "pinned": false,
        "type": 0,
        "flags": 0,
    });
    if let Some(g) = guild_id {
        m["guild_id"] = json!(g.to_string());
    }
    m
}

// ---------------------------------------------------------------------------------------------
// Interactions
// ---------------------------------------------------------------------------------------------

/// Who triggered an interaction.
#[derive(Clone, Debug)]
pub enum Invoker {
    /// A guild member: `guild_id` + `member{user, roles, permissions}` are sent.
    Member {
        user: FakeUser,
        guild_id: u64,
        roles: Vec<u64>,
        permissions: String,
    },
    /// A DM: only `user` is sent.
    Dm { user: FakeUser },
}

impl Invoker {
    /// Member of [`GUILD_ID`] with a permission string (e.g. [`MEMBER_PERMISSIONS`]) and role ids.
    pub fn member(user: FakeUser, permissions: &str, roles: &[u64]) -> Self {
        Self::Member {
            user,
            guild_id: GUILD_ID,
            roles: roles.to_vec(),
            permissions: permissions.to_owned(),
        }
    }
    /// Member of [`GUILD_ID`] with [`ALL_PERMISSIONS`].
    pub fn admin(user: FakeUser) -> Self {
        Self::member(user, ALL_PERMISSIONS, &[])
    }
    pub fn dm(user: FakeUser) -> Self {
        Self::Dm { user }
    }
    pub fn user(&self) -> &FakeUser {
        match self {
            Self::Member { user, .. } | Self::Dm { user } => user,
        }
    }
    pub fn guild_id(&self) -> Option<u64> {
        match self {
            Self::Member { guild_id, .. } => Some(*guild_id),
            Self::Dm { .. } => None,
        }
    }

    fn apply(&self, i: &mut Value) {
        match self {
            Self::Member {
                user,
                guild_id,
                roles,
                permissions,
            } => {
                i["guild_id"] = json!(guild_id.to_string());
                i["guild_locale"] = json!("en-US");
                i["member"] = member_json(Some(user), roles, Some(permissions));
                i["context"] = json!(0);
            }
            Self::Dm { user } => {
                i["user"] = user.to_json();
                i["context"] = json!(1);
            }
        }
    }
}

/// Application command option JSON: string (type 3).
pub fn opt_str(name: &str, value: &str) -> Value {
    json!({ "name": name, "type": 3, "value": value })
}
/// Integer option (type 4).
pub fn opt_int(name: &str, value: i64) -> Value {
    json!({ "name": name, "type": 4, "value": value })
}
/// Boolean option (type 5).
pub fn opt_bool(name: &str, value: bool) -> Value {
    json!({ "name": name, "type": 5, "value": value })
}
/// User option (type 6); the value is the user id (no `resolved` data is sent).
pub fn opt_user(name: &str, user_id: u64) -> Value {
    json!({ "name": name, "type": 6, "value": user_id.to_string() })
}
/// Channel option (type 7).
pub fn opt_channel(name: &str, channel_id: u64) -> Value {
    json!({ "name": name, "type": 7, "value": channel_id.to_string() })
}
/// Role option (type 8).
pub fn opt_role(name: &str, role_id: u64) -> Value {
    json!({ "name": name, "type": 8, "value": role_id.to_string() })
}
/// Number option (type 10).
pub fn opt_number(name: &str, value: f64) -> Value {
    json!({ "name": name, "type": 10, "value": value })
}
/// Sub-command (type 1) with nested options.
pub fn opt_subcommand(name: &str, options: Vec<Value>) -> Value {
    json!({ "name": name, "type": 1, "options": options })
}
/// Sub-command group (type 2) with nested sub-commands.
pub fn opt_group(name: &str, subcommands: Vec<Value>) -> Value {
    json!({ "name": name, "type": 2, "options": subcommands })
}
/// The focused string option of an autocomplete interaction.
pub fn opt_focused(name: &str, partial: &str) -> Value {
    json!({ "name": name, "type": 3, "value": partial, "focused": true })
}

/// An application command interaction: slash command (type 2) or autocomplete (type 4).
#[derive(Clone, Debug)]
pub struct FakeCommand {
    pub id: u64,
    pub token: String,
    pub command_id: u64,
    pub name: String,
    pub options: Vec<Value>,
    pub invoker: Invoker,
    pub channel_id: u64,
    /// 2 = application command, 4 = autocomplete.
    pub interaction_type: u8,
    pub locale: String,
}

impl FakeCommand {
    /// `/name` invoked by `invoker` in [`DEFAULT_CHANNEL_ID`] (or a fresh DM channel).
    pub fn slash(name: &str, invoker: Invoker) -> Self {
        let id = next_id();
        let channel_id = if invoker.guild_id().is_some() {
            DEFAULT_CHANNEL_ID
        } else {
            next_id()
        };
        Self {
            id,
            token: format!("itoken-{id}"),
            command_id: next_id(),
            name: name.to_owned(),
            options: Vec::new(),
            invoker,
            channel_id,
            interaction_type: 2,
            locale: "en-US".to_owned(),
        }
    }

    /// Autocomplete for `/name`; add the typed-so-far option with [`opt_focused`] /
    /// [`FakeCommand::focused`].
    pub fn autocomplete(name: &str, invoker: Invoker) -> Self {
        let mut s = Self::slash(name, invoker);
        s.interaction_type = 4;
        s
    }

    pub fn in_channel(mut self, channel_id: u64) -> Self {
        self.channel_id = channel_id;
        self
    }
    /// Adds a raw option (see the `opt_*` helpers).
    pub fn option(mut self, option: Value) -> Self {
        self.options.push(option);
        self
    }
    /// Adds a string option.
    pub fn str_opt(self, name: &str, value: &str) -> Self {
        self.option(opt_str(name, value))
    }
    /// Adds the focused option (autocomplete).
    pub fn focused(self, name: &str, partial: &str) -> Self {
        self.option(opt_focused(name, partial))
    }
    pub fn locale(mut self, locale: &str) -> Self {
        self.locale = locale.to_owned();
        self
    }

    /// Path (without /api/v10) of the initial-response callback for this interaction.
    pub fn callback_path(&self) -> String {
        format!("/interactions/{}/{}/callback", self.id, self.token)
    }
    /// Path of the interaction webhook (follow-ups: POST; original: + `/messages/@original`).
    pub fn webhook_path(&self) -> String {
        format!("/webhooks/{APPLICATION_ID}/{}", self.token)
    }
}

fn interaction_base(id: u64, token: &str, kind: u8, channel_id: u64, locale: &str) -> Value {
    json!({
        "id": id.to_string(),
        "application_id": APPLICATION_ID.to_string(),
        "type": kind,
        "token": token,
        "version": 1,
        "channel_id": channel_id.to_string(),
        "app_permissions": ALL_PERMISSIONS,
        "locale": locale,
        "entitlements": [],
        "authorizing_integration_owners": {},
        "attachment_size_limit": 26_214_400,
    })
}

impl GatewayFixture for FakeCommand {
    fn event_name(&self) -> &'static str {
        "INTERACTION_CREATE"
    }

    fn to_json(&self) -> Value {
        let mut i = interaction_base(
            self.id,
            &self.token,
            self.interaction_type,
            self.channel_id,
            &self.locale,
        );
        let mut data = json!({
            "id": self.command_id.to_string(),
            "name": self.name,
            "type": 1,
            "options": self.options,
        });
        if let Some(g) = self.invoker.guild_id() {
            data["guild_id"] = json!(g.to_string());
        }
        i["data"] = data;
        self.invoker.apply(&mut i);
        i
    }
}

/// A message component interaction (type 3): button or string select.
#[derive(Clone, Debug)]
pub struct FakeComponent {
    pub id: u64,
    pub token: String,
    pub custom_id: String,
    /// 2 = button, 3 = string select.
    pub component_type: u8,
    pub values: Vec<String>,
    pub invoker: Invoker,
    pub channel_id: u64,
    /// The message the component is attached to (defaults to a bot message with one button).
    pub message: Value,
    pub locale: String,
}

impl FakeComponent {
    /// A click on the button `custom_id` of a bot message in [`DEFAULT_CHANNEL_ID`] (or a
    /// fresh DM channel).
    pub fn button(custom_id: &str, invoker: Invoker) -> Self {
        let id = next_id();
        let channel_id = if invoker.guild_id().is_some() {
            DEFAULT_CHANNEL_ID
        } else {
            next_id()
        };
        let message = bot_message_json(channel_id, invoker.guild_id(), "", Some(custom_id));
        Self {
            id,
            token: format!("itoken-{id}"),
            custom_id: custom_id.to_owned(),
            component_type: 2,
            values: Vec::new(),
            invoker,
            channel_id,
            message,
            locale: "en-US".to_owned(),
        }
    }

    /// A string-select choice.
    pub fn string_select(custom_id: &str, values: &[&str], invoker: Invoker) -> Self {
        let mut s = Self::button(custom_id, invoker);
        s.component_type = 3;
        s.values = values.iter().map(|v| (*v).to_owned()).collect();
        s.message = bot_message_json(s.channel_id, s.invoker.guild_id(), "", None);
        s
    }

    /// Moves the interaction (and its message) to another channel.
    pub fn in_channel(mut self, channel_id: u64) -> Self {
        self.channel_id = channel_id;
        self.message["channel_id"] = json!(channel_id.to_string());
        self
    }
    /// Replaces the attached message (build it with [`bot_message_json`] or a
    /// [`FakeMessage`]`::to_json()`).
    pub fn with_message(mut self, message: Value) -> Self {
        self.message = message;
        self
    }
    /// Id of the attached message.
    pub fn message_id(&self) -> u64 {
        self.message["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }
    pub fn callback_path(&self) -> String {
        format!("/interactions/{}/{}/callback", self.id, self.token)
    }
    pub fn webhook_path(&self) -> String {
        format!("/webhooks/{APPLICATION_ID}/{}", self.token)
    }
}

impl GatewayFixture for FakeComponent {
    fn event_name(&self) -> &'static str {
        "INTERACTION_CREATE"
    }

    fn to_json(&self) -> Value {
        let mut i = interaction_base(self.id, &self.token, 3, self.channel_id, &self.locale);
        let mut data = json!({
            "custom_id": self.custom_id,
            "component_type": self.component_type,
        });
        if self.component_type != 2 {
            data["values"] = json!(self.values);
        }
        i["data"] = data;
        i["message"] = self.message.clone();
        self.invoker.apply(&mut i);
        i
    }
}

/// Any other dispatch: raw name + payload (you are on your own for the shape).
#[derive(Clone, Debug)]
pub struct RawEvent {
    pub name: &'static str,
    pub data: Value,
}

impl GatewayFixture for RawEvent {
    fn event_name(&self) -> &'static str {
        self.name
    }
    fn to_json(&self) -> Value {
        self.data.clone()
    }
}
