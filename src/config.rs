//! Configuration: `config.toml` plus the environment, validated once and passed down.
//!
//! The token is held in [`Secret`], whose `Debug` and `Display` never show it, so it cannot reach
//! a log line or an error message by accident.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use serde::Deserialize;
use toml::Spanned;

use crate::guard::PassiveScope;
use crate::logging::LogFormat;
use crate::safety::Policy;
use crate::sharding::{ShardRange, ShardTotal, Sharding};

/// The environment variable that holds the bot token.
pub const TOKEN_VAR: &str = "DISCORD_TOKEN";
/// Discord's API, when the config does not name another.
pub const DEFAULT_API_URL: &str = "https://discord.com";
/// The responses folder, relative to the working directory, when nothing else is said.
pub const DEFAULT_RESPONSES_DIR: &str = "responses";
/// The config file read from the working directory when no `--config` is given.
pub const DEFAULT_CONFIG_FILE: &str = "config.toml";
/// `[discord] cooldown_seconds` when not set: the same answer at most once per channel per 5 min.
pub const DEFAULT_COOLDOWN_SECONDS: u64 = 300;
/// `[discord] user_limit` when not set: bot responses per member per window.
pub const DEFAULT_USER_LIMIT: usize = 5;
/// `[discord] user_limit_seconds` when not set.
pub const DEFAULT_USER_LIMIT_SECONDS: u64 = 30;
/// `[discord] request_timeout_seconds` when not set: how long one request to Discord may take.
pub const DEFAULT_REQUEST_TIMEOUT_SECONDS: u64 = 10;
/// The longest `request_timeout_seconds` accepted: a longer wait only keeps a member waiting.
const MAX_REQUEST_TIMEOUT_SECONDS: u64 = 120;
/// The longest window either setting accepts (a day); longer is surely a typo.
const MAX_WINDOW_SECONDS: u64 = 86_400;
/// `[safety] crisis_repeat_seconds` when not set: one crisis notice per member per 10 minutes.
pub const DEFAULT_CRISIS_REPEAT_SECONDS: u64 = 600;
/// The highest `user_limit`: each member's recent responses are kept, so this bounds memory.
const MAX_USER_LIMIT: usize = 100;

/// A string that must never be printed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    discord: RawDiscord,
    #[serde(default)]
    responses: RawResponses,
    #[serde(default)]
    moderation: RawModeration,
    #[serde(default)]
    passive: RawPassive,
    #[serde(default)]
    safety: RawSafety,
    #[serde(default)]
    metrics: RawMetrics,
    #[serde(default)]
    log: RawLog,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLog {
    format: Option<LogFormat>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSafety {
    passive_crisis: Option<bool>,
    passive_advice: Option<bool>,
    alert_channel_id: Option<u64>,
    alert_role_id: Option<u64>,
    crisis_repeat_seconds: Option<u64>,
    moderator_button: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetrics {
    listen: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDiscord {
    token: Option<Secret>,
    // Values checked after parsing keep where they stood, so a refusal names the line.
    api_url: Option<Spanned<String>>,
    message_content: Option<bool>,
    guild_id: Option<u64>,
    max_passive_length: Option<Spanned<usize>>,
    cooldown_seconds: Option<Spanned<u64>>,
    user_limit: Option<Spanned<usize>>,
    user_limit_seconds: Option<Spanned<u64>>,
    request_timeout_seconds: Option<Spanned<u64>>,
    // Text or a number, each with its own refusal: `shards = 4` is a common slip for
    // `total_shards = 4`.
    shards: Option<Spanned<toml::Value>>,
    total_shards: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResponses {
    dir: Option<PathBuf>,
    watch: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModeration {
    role_ids: Option<Spanned<Vec<u64>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPassive {
    allow_guilds: Option<Spanned<Vec<u64>>>,
    deny_guilds: Option<Spanned<Vec<u64>>>,
    allow_channels: Option<Spanned<Vec<u64>>>,
    deny_channels: Option<Spanned<Vec<u64>>>,
}

/// Validated settings for the Discord adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscordConfig {
    /// `None` until a token is given: a config is valid without one (CI validates configs with
    /// `run --dry-run` and holds no secret); only connecting needs it ([`DiscordConfig::token`]).
    pub token: Option<Secret>,
    /// Base URL of the REST API, without `/api`.
    pub api_url: String,
    /// Request the Message Content intent and answer plain channel messages.
    pub message_content: bool,
    /// Register commands in this guild only (instant) instead of globally.
    pub guild_id: Option<u64>,
    /// Channel messages longer than this are not questions for the bot.
    pub max_passive_length: usize,
    /// The same answer is not repeated in the same channel within this window; zero = off.
    pub cooldown: Duration,
    /// At most this many bot responses per member within [`DiscordConfig::user_limit_window`];
    /// zero = no limit.
    pub user_limit: usize,
    pub user_limit_window: Duration,
    /// Where plain channel messages are answered (`[passive]`).
    pub passive: PassiveScope,
    /// How long one request to Discord may take before it is abandoned (and, for a reply,
    /// retried); a reply is given up after three of these.
    pub request_timeout: Duration,
    /// What the bot does with crisis and advice messages (`[safety]`).
    pub safety: SafetyConfig,
    /// `shards` and `total_shards`: which of the bot's gateway shards this process runs.
    pub sharding: Sharding,
}

/// `[safety]`: where the moderators' notices are shown and how moderators are alerted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyConfig {
    pub policy: Policy,
    /// Where a crisis raises an alert: a jump link to the message, never its text.
    pub alert_channel_id: Option<u64>,
    /// The role pinged in the alert: the only mention the bot ever makes.
    pub alert_role_id: Option<u64>,
    /// The crisis notice is not repeated to the same member within this window; zero = off.
    pub crisis_repeat: Duration,
    /// A "Talk to a moderator" button under the crisis notice raises an alert (needs
    /// `alert_channel_id`).
    pub moderator_button: bool,
}

impl Default for SafetyConfig {
    fn default() -> Self {
        SafetyConfig {
            policy: Policy::default(),
            alert_channel_id: None,
            alert_role_id: None,
            crisis_repeat: Duration::from_secs(DEFAULT_CRISIS_REPEAT_SECONDS),
            moderator_button: false,
        }
    }
}

impl DiscordConfig {
    /// The token, or the error that says where to put one.
    pub fn token(&self) -> anyhow::Result<&Secret> {
        match &self.token {
            Some(token) => Ok(token),
            None => bail!("{}", NO_TOKEN),
        }
    }

    /// Whether the API is Discord itself (not a proxy or a test double).
    pub fn uses_default_api(&self) -> bool {
        self.api_url == DEFAULT_API_URL
    }
}

/// Who may change what the live bot serves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModerationConfig {
    /// Members with any of these roles may use `/reload` even without Manage Server.
    pub role_ids: Vec<u64>,
}

/// What to say when there is no token.
pub const NO_TOKEN: &str =
    "no bot token: set the DISCORD_TOKEN environment variable (or `[discord] token` in the config file)";

/// Which config file is in force, and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigFile {
    /// Named with `--config`.
    Named(PathBuf),
    /// `config.toml` in the working directory, read without being named.
    Found(PathBuf),
    /// No file: every setting has its default.
    Defaults,
}

impl ConfigFile {
    /// `explicit` if given, else `config.toml` in the working directory when there is one.
    pub fn locate(explicit: Option<&Path>) -> ConfigFile {
        match explicit {
            Some(path) => ConfigFile::Named(path.to_path_buf()),
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => {
                ConfigFile::Found(PathBuf::from(DEFAULT_CONFIG_FILE))
            }
            None => ConfigFile::Defaults,
        }
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            ConfigFile::Named(path) | ConfigFile::Found(path) => Some(path),
            ConfigFile::Defaults => None,
        }
    }

    /// Reads and validates this file (or the defaults) with the environment's token.
    pub fn load(&self, env_token: Option<String>) -> anyhow::Result<Config> {
        Config::load(self.path(), env_token)
    }
}

impl fmt::Display for ConfigFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigFile::Named(path) => write!(f, "{}", path.display()),
            ConfigFile::Found(path) => {
                write!(f, "{} (found in the working directory)", path.display())
            }
            ConfigFile::Defaults => write!(f, "none (no {DEFAULT_CONFIG_FILE} here; defaults)"),
        }
    }
}

/// The whole validated configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub discord: DiscordConfig,
    pub moderation: ModerationConfig,
    /// `[responses] dir`; `None` when the file does not say (then `responses/` in the working
    /// directory if there is one, else the built-in responses).
    pub responses_dir: Option<PathBuf>,
    /// Reload the responses whenever a file in the responses folder changes.
    pub watch_responses: bool,
    /// `[metrics] listen`: where `/metrics`, `/healthz` and `/readyz` are served; off when
    /// `None`.
    pub metrics_listen: Option<SocketAddr>,
    /// `[log] format`: text lines (the default) or JSON objects on stderr.
    pub log_format: LogFormat,
}

impl Config {
    /// Reads `path` (if given) and the environment. `env_token` is `DISCORD_TOKEN`'s value; a
    /// missing token is not an error here (see [`DiscordConfig::token`]).
    pub fn load(path: Option<&Path>, env_token: Option<String>) -> anyhow::Result<Config> {
        let Some(path) = path else {
            return Config::from_raw(RawConfig::default(), env_token, &Place::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the config file {}", path.display()))?;
        let raw = toml::from_str::<RawConfig>(&text).map_err(|err| {
            let (line, message) = crate::toml_words::describe(&err, &text);
            let place = Place {
                path: Some(path),
                text: &text,
            };
            anyhow::anyhow!("{}{message}", place.line(line))
        })?;
        Config::from_raw(
            raw,
            env_token,
            &Place {
                path: Some(path),
                text: &text,
            },
        )
    }

    fn from_raw(
        raw: RawConfig,
        env_token: Option<String>,
        place: &Place,
    ) -> anyhow::Result<Config> {
        let path = place.path;
        let token = env_token
            .filter(|token| !token.trim().is_empty())
            .map(Secret::new)
            .or(raw.discord.token)
            .filter(|token| !token.expose().trim().is_empty());
        let (api_url, at) = place.value(raw.discord.api_url, || DEFAULT_API_URL.to_string());
        let api_url = api_url.trim_end_matches('/').to_string();
        if !(api_url.starts_with("http://") || api_url.starts_with("https://")) {
            bail!("{at}`[discord] api_url` must start with http:// or https://, got `{api_url}`");
        }
        let (max_passive_length, at) = place.value(raw.discord.max_passive_length, || 500);
        if max_passive_length == 0 {
            bail!("{at}`[discord] max_passive_length` must be at least 1");
        }
        let (cooldown_seconds, at) =
            place.value(raw.discord.cooldown_seconds, || DEFAULT_COOLDOWN_SECONDS);
        if cooldown_seconds > MAX_WINDOW_SECONDS {
            bail!("{at}`[discord] cooldown_seconds` must be at most {MAX_WINDOW_SECONDS} (a day), or 0 to turn the cooldown off");
        }
        let (user_limit, at) = place.value(raw.discord.user_limit, || DEFAULT_USER_LIMIT);
        if user_limit > MAX_USER_LIMIT {
            bail!("{at}`[discord] user_limit` must be at most {MAX_USER_LIMIT}, or 0 to turn the limit off");
        }
        let (user_limit_seconds, at) = place.value(raw.discord.user_limit_seconds, || {
            DEFAULT_USER_LIMIT_SECONDS
        });
        if !(1..=MAX_WINDOW_SECONDS).contains(&user_limit_seconds) {
            bail!("{at}`[discord] user_limit_seconds` must be between 1 and {MAX_WINDOW_SECONDS}");
        }
        let (request_timeout_seconds, at) = place
            .value(raw.discord.request_timeout_seconds, || {
                DEFAULT_REQUEST_TIMEOUT_SECONDS
            });
        if !(1..=MAX_REQUEST_TIMEOUT_SECONDS).contains(&request_timeout_seconds) {
            bail!("{at}`[discord] request_timeout_seconds` must be between 1 and {MAX_REQUEST_TIMEOUT_SECONDS}");
        }
        let passive = passive_scope(raw.passive, place)?;
        let safety = safety_config(raw.safety)?;
        let sharding = sharding(raw.discord.shards, raw.discord.total_shards, place)?;
        let (role_ids, at) = place.value(raw.moderation.role_ids, Vec::new);
        // Discord snowflakes are never 0; a 0 is a placeholder left in by mistake, and it would
        // silently grant nobody the role the operator meant.
        if role_ids.contains(&0) {
            bail!("{at}`[moderation] role_ids` must hold role ids (right-click a role, Copy Role ID), not 0");
        }
        let metrics_listen = match raw.metrics.listen {
            None => None,
            listen => {
                let (listen, at) = place.value(listen, String::new);
                Some(listen.trim().parse::<SocketAddr>().map_err(|_| {
                    anyhow::anyhow!(
                        "{at}`[metrics] listen` must be an address and a port, like \"127.0.0.1:9185\", got `{listen}`"
                    )
                })?)
            }
        };
        // A relative responses folder in a config file means: next to that file, when it is
        // there; otherwise relative to the working directory.
        let responses_dir = match (raw.responses.dir, path.and_then(Path::parent)) {
            (Some(dir), Some(base)) if dir.is_relative() && base.join(&dir).is_dir() => {
                Some(base.join(dir))
            }
            (dir, _) => dir,
        };
        Ok(Config {
            discord: DiscordConfig {
                token,
                api_url,
                message_content: raw.discord.message_content.unwrap_or(true),
                guild_id: raw.discord.guild_id,
                max_passive_length,
                cooldown: Duration::from_secs(cooldown_seconds),
                user_limit,
                user_limit_window: Duration::from_secs(user_limit_seconds),
                passive,
                request_timeout: Duration::from_secs(request_timeout_seconds),
                safety,
                sharding,
            },
            moderation: ModerationConfig { role_ids },
            responses_dir,
            watch_responses: raw.responses.watch.unwrap_or(false),
            metrics_listen,
            log_format: raw.log.format.unwrap_or_default(),
        })
    }
}

/// The config file's text, for saying where a refused value stands.
#[derive(Default)]
struct Place<'a> {
    path: Option<&'a Path>,
    text: &'a str,
}

impl Place<'_> {
    /// `FILE:LINE: ` (or `FILE: ` without a line, or nothing without a file).
    fn line(&self, line: Option<usize>) -> String {
        match (self.path, line) {
            (Some(path), Some(line)) => format!("{}:{line}: ", path.display()),
            (Some(path), None) => format!("{}: ", path.display()),
            (None, _) => String::new(),
        }
    }

    /// A value or its default, and where it stood as a `FILE:LINE: ` prefix for a refusal.
    fn value<T>(&self, value: Option<Spanned<T>>, default: impl FnOnce() -> T) -> (T, String) {
        match value {
            Some(value) => self.at(value),
            None => (default(), self.line(None)),
        }
    }

    /// A value, and where it stood as a `FILE:LINE: ` prefix for a refusal.
    fn at<T>(&self, value: Spanned<T>) -> (T, String) {
        let line = crate::catalog::line_of(self.text, value.span().start);
        (value.into_inner(), self.line(Some(line)))
    }
}

/// `[discord] shards` and `total_shards`. A range outside a fixed total is refused here, with
/// the line of `shards`; with `total_shards = "auto"` that check waits for Discord's count.
fn sharding(
    range: Option<Spanned<toml::Value>>,
    total: Option<Spanned<toml::Value>>,
    place: &Place,
) -> anyhow::Result<Sharding> {
    let total = match total.map(|total| place.at(total)) {
        None => ShardTotal::Auto,
        Some((toml::Value::String(text), _)) if text.trim() == "auto" => ShardTotal::Auto,
        Some((toml::Value::Integer(count), at)) => match u32::try_from(count) {
            Ok(count) if count >= 1 => ShardTotal::Fixed(count),
            _ => bail!("{at}`[discord] total_shards` must be at least 1, got {count}"),
        },
        Some((other, at)) => bail!(
            "{at}`[discord] total_shards` must be how many shards the whole bot has, like 4, or \"auto\" for as many as Discord recommends, got {other}"
        ),
    };
    let (range, range_at) = match range.map(|range| place.at(range)) {
        None => (None, String::new()),
        Some((range, at)) => {
            let range = match range {
                toml::Value::String(text) => text
                    .parse::<ShardRange>()
                    .map_err(|err| anyhow::anyhow!("{at}`[discord] shards`: {err}"))?,
                toml::Value::Integer(count) => bail!(
                    "{at}`[discord] shards` is this process's shard ids in quotes, like \"0-{last}\" or \"{count}\", got {count}; the number of shards of the whole bot is `total_shards`",
                    last = count.max(1) - 1
                ),
                other => bail!(
                    "{at}`[discord] shards` is this process's shard ids in quotes, like \"0-3\" or \"2\", got {other}"
                ),
            };
            (Some(range), at)
        }
    };
    let sharding = Sharding {
        range,
        total,
        range_at,
    };
    sharding.check()?;
    Ok(sharding)
}

fn safety_config(raw: RawSafety) -> anyhow::Result<SafetyConfig> {
    for (name, id) in [
        ("alert_channel_id", raw.alert_channel_id),
        ("alert_role_id", raw.alert_role_id),
    ] {
        if id == Some(0) {
            bail!("`[safety] {name}` must be an id (right-click, Copy ID), not 0; leave it out to turn it off");
        }
    }
    if raw.alert_role_id.is_some() && raw.alert_channel_id.is_none() {
        bail!(
            "`[safety] alert_role_id` needs `alert_channel_id`: the role is pinged in that channel"
        );
    }
    let moderator_button = raw.moderator_button.unwrap_or(false);
    if moderator_button && raw.alert_channel_id.is_none() {
        bail!(
            "`[safety] moderator_button` needs `alert_channel_id`: the button alerts that channel"
        );
    }
    let repeat = raw
        .crisis_repeat_seconds
        .unwrap_or(DEFAULT_CRISIS_REPEAT_SECONDS);
    if repeat > MAX_WINDOW_SECONDS {
        bail!("`[safety] crisis_repeat_seconds` must be at most {MAX_WINDOW_SECONDS} (a day), or 0 to repeat the notice every time");
    }
    let defaults = Policy::default();
    Ok(SafetyConfig {
        policy: Policy {
            passive_crisis: raw.passive_crisis.unwrap_or(defaults.passive_crisis),
            passive_advice: raw.passive_advice.unwrap_or(defaults.passive_advice),
        },
        alert_channel_id: raw.alert_channel_id,
        alert_role_id: raw.alert_role_id,
        crisis_repeat: Duration::from_secs(repeat),
        moderator_button,
    })
}

/// The `[passive]` lists, refusing the placeholder 0: an allow list holding only a 0 would
/// silently turn passive answering off everywhere.
fn passive_scope(raw: RawPassive, place: &Place) -> anyhow::Result<PassiveScope> {
    let lists = [
        ("allow_guilds", place.value(raw.allow_guilds, Vec::new)),
        ("deny_guilds", place.value(raw.deny_guilds, Vec::new)),
        ("allow_channels", place.value(raw.allow_channels, Vec::new)),
        ("deny_channels", place.value(raw.deny_channels, Vec::new)),
    ];
    for (name, (ids, at)) in &lists {
        if ids.contains(&0) {
            bail!(
                "{at}`[passive] {name}` must hold server or channel ids (right-click, Copy ID), not 0"
            );
        }
    }
    let [allow_guilds, deny_guilds, allow_channels, deny_channels] = lists.map(|(_, (ids, _))| ids);
    Ok(PassiveScope::new(
        allow_guilds,
        deny_guilds,
        allow_channels,
        deny_channels,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let config = Config::from_raw(
            RawConfig::default(),
            Some("sekrit-token".into()),
            &Place::default(),
        )
        .expect("valid");
        assert!(!format!("{config:?}").contains("sekrit-token"));
        assert_eq!(config.discord.token().unwrap().expose(), "sekrit-token");
    }

    #[test]
    fn safety_defaults_and_settings_are_read_and_checked() {
        let config =
            Config::from_raw(RawConfig::default(), Some("t".into()), &Place::default()).unwrap();
        assert_eq!(config.discord.safety, SafetyConfig::default());
        assert!(config.discord.safety.policy.passive_crisis);
        assert!(!config.discord.safety.policy.passive_advice);
        let raw: RawConfig = toml::from_str(
            "[safety]\npassive_crisis = false\npassive_advice = true\nalert_channel_id = 7\n\
             alert_role_id = 8\ncrisis_repeat_seconds = 0\nmoderator_button = true\n",
        )
        .unwrap();
        let safety = Config::from_raw(raw, Some("t".into()), &Place::default())
            .unwrap()
            .discord
            .safety;
        assert_eq!(
            safety,
            SafetyConfig {
                policy: Policy {
                    passive_crisis: false,
                    passive_advice: true
                },
                alert_channel_id: Some(7),
                alert_role_id: Some(8),
                crisis_repeat: Duration::ZERO,
                moderator_button: true,
            }
        );
        for (bad, why) in [
            ("[safety]\nalert_channel_id = 0\n", "not 0"),
            ("[safety]\nalert_role_id = 8\n", "needs `alert_channel_id`"),
            (
                "[safety]\nmoderator_button = true\n",
                "needs `alert_channel_id`",
            ),
            ("[safety]\ncrisis_repeat_seconds = 100000\n", "at most"),
        ] {
            let raw: RawConfig = toml::from_str(bad).unwrap();
            let err = Config::from_raw(raw, Some("t".into()), &Place::default()).unwrap_err();
            assert!(err.to_string().contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn a_missing_token_is_valid_config_but_a_clear_error_to_connect_with() {
        let config = Config::from_raw(RawConfig::default(), None, &Place::default()).unwrap();
        assert_eq!(config.discord.token, None);
        let err = config.discord.token().unwrap_err();
        assert!(err.to_string().contains(TOKEN_VAR));
        let config =
            Config::from_raw(RawConfig::default(), Some("  ".into()), &Place::default()).unwrap();
        assert_eq!(config.discord.token, None, "a blank token is no token");
    }

    #[test]
    fn defaults_are_discord_and_passive_answers() {
        let config =
            Config::from_raw(RawConfig::default(), Some("t".into()), &Place::default()).unwrap();
        assert_eq!(config.discord.api_url, DEFAULT_API_URL);
        assert!(config.discord.uses_default_api());
        assert!(config.discord.message_content);
        assert_eq!(config.responses_dir, None);
        assert!(
            !config.watch_responses,
            "reloads on file changes are opt-in"
        );
        assert!(
            config.moderation.role_ids.is_empty(),
            "only Manage Server may reload by default"
        );
        assert_eq!(config.discord.cooldown, Duration::from_secs(300));
        assert_eq!(config.discord.user_limit, 5);
        assert_eq!(config.discord.user_limit_window, Duration::from_secs(30));
        assert!(config.discord.passive.is_everywhere());
        assert_eq!(config.discord.request_timeout, Duration::from_secs(10));
    }

    #[test]
    fn abuse_limits_and_passive_lists_are_read() {
        let config = load_text(
            "[discord]\ncooldown_seconds = 0\nuser_limit = 3\nuser_limit_seconds = 10\n\n\
             [passive]\nallow_guilds = [1]\ndeny_guilds = [2]\nallow_channels = [10, 11]\ndeny_channels = [11]\n",
        )
        .unwrap();
        assert_eq!(config.discord.cooldown, Duration::ZERO);
        assert_eq!(config.discord.user_limit, 3);
        assert_eq!(config.discord.user_limit_window, Duration::from_secs(10));
        assert_eq!(
            config.discord.passive,
            PassiveScope::new([1], [2], [10, 11], [11])
        );
        assert!(config.discord.passive.allows(1, 10));
        assert!(!config.discord.passive.allows(1, 11));
        assert!(!config.discord.passive.allows(2, 10));

        // The example config holds the defaults, so loading it changes nothing.
        let example = concat!(env!("CARGO_MANIFEST_DIR"), "/config.toml.example");
        let example = Config::load(Some(Path::new(example)), Some("t".into())).unwrap();
        let defaults =
            Config::from_raw(RawConfig::default(), Some("t".into()), &Place::default()).unwrap();
        assert_eq!(example.discord, defaults.discord);
        assert_eq!(example.moderation, defaults.moderation);
        assert_eq!(example.log_format, defaults.log_format);
    }

    #[test]
    fn bad_abuse_limits_are_refused_with_a_reason() {
        for (text, needle) in [
            // Out-of-range values name the file and the line, like parse errors do.
            (
                "[discord]\n\ncooldown_seconds = 86401\n",
                "config.toml:3: `[discord] cooldown_seconds` must be at most 86400",
            ),
            (
                "[discord]\ncooldown_seconds = -1\n",
                "config.toml:2: `cooldown_seconds`: expected a whole number of seconds, like 300, not -1",
            ),
            (
                "[discord]\ncooldown_seconds = \"5m\"\n",
                "config.toml:2: `cooldown_seconds`: expected a whole number of seconds, like 300, not \"5m\"",
            ),
            (
                "[discord]\nuser_limit = 1000\n",
                "config.toml:2: `[discord] user_limit` must be at most 100",
            ),
            (
                "[discord]\nuser_limit_seconds = 0\n",
                "config.toml:2: `[discord] user_limit_seconds`",
            ),
            (
                "[discord]\napi_url = \"discord.com\"\n",
                "config.toml:2: `[discord] api_url`",
            ),
            ("[passive]\nallow_channels = [0]\n", "config.toml:2: `[passive] allow_channels`"),
            ("[passive]\n\ndeny_guilds = [0]\n", "config.toml:3: `[passive] deny_guilds`"),
            ("[moderation]\nrole_ids = [1, 0]\n", "config.toml:2: `[moderation] role_ids`"),
            ("[passive]\nallow_channel = [1]\n", "config.toml:2: unknown field `allow_channel`: did you mean `allow_channels`?"),
            (
                "[discord]\nrequest_timeout_seconds = 0\n",
                "config.toml:2: `[discord] request_timeout_seconds`",
            ),
            (
                "[discord]\nrequest_timeout_seconds = 121\n",
                "config.toml:2: `[discord] request_timeout_seconds`",
            ),
        ] {
            let err = load_text(text).unwrap_err();
            assert!(err.to_string().contains(needle), "{text}: {err}");
        }
    }

    fn load_text(text: &str) -> anyhow::Result<Config> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        Config::load(Some(&path), Some("t".into()))
    }

    #[test]
    fn moderator_roles_and_watch_are_read() {
        let config = load_text(
            "[responses]\nwatch = true\n\n[moderation]\nrole_ids = [123456789012345678, 42]\n",
        )
        .unwrap();
        assert!(config.watch_responses);
        assert_eq!(config.moderation.role_ids, [123456789012345678, 42]);
    }

    #[test]
    fn bad_moderation_settings_are_refused_with_a_reason() {
        let err = load_text("[moderation]\nrole_ids = [0]\n").unwrap_err();
        assert!(err.to_string().contains("role_ids"), "{err}");

        // A role id written as a string (as Discord shows it in JSON) is a type error with a line.
        let err = load_text("[moderation]\nrole_ids = [\"123\"]\n").unwrap_err();
        assert!(err.to_string().contains("config.toml:2:"), "{err}");

        let err = load_text("[moderation]\nroles = [1]\n").unwrap_err();
        assert!(err.to_string().contains("roles"), "{err}");

        let err = load_text("[responses]\nwatch = \"yes\"\n").unwrap_err();
        assert!(err.to_string().contains("config.toml:2:"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused_with_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[discord]\napi_url = \"http://x\"\nmesage_content = true\n",
        )
        .unwrap();
        let err = Config::load(Some(&path), Some("t".into()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("config.toml:3:"), "{err}");
        assert!(err.contains("mesage_content"), "{err}");
    }

    #[test]
    fn the_log_is_text_unless_json_is_asked_for() {
        assert_eq!(load_text("").unwrap().log_format, LogFormat::Text);
        let config = load_text("[log]\nformat = \"json\"\n").unwrap();
        assert_eq!(config.log_format, LogFormat::Json);
        let err = load_text("[log]\nformat = \"yaml\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("config.toml:2:"), "{err}");
        assert!(err.contains("`text` or `json`"), "{err}");
    }

    #[test]
    fn shards_and_their_total_are_read() {
        let config = load_text("").unwrap();
        assert_eq!(config.discord.sharding, Sharding::default());
        let config = load_text("[discord]\nshards = \"0-3\"\ntotal_shards = 8\n").unwrap();
        let sharding = &config.discord.sharding;
        assert_eq!(sharding.range, ShardRange::new(0, 3));
        assert_eq!(sharding.total, ShardTotal::Fixed(8));
        assert!(
            sharding.range_at.ends_with("config.toml:2: "),
            "{sharding:?}"
        );
        let config = load_text("[discord]\nshards = \"5\"\ntotal_shards = \"auto\"\n").unwrap();
        assert_eq!(config.discord.sharding.range, ShardRange::new(5, 5));
        assert_eq!(config.discord.sharding.total, ShardTotal::Auto);
    }

    #[test]
    fn bad_shards_are_refused_with_their_line() {
        for (text, needle) in [
            (
                "[discord]\n\nshards = \"2-3\"\ntotal_shards = 2\n",
                "config.toml:3: `[discord] shards` is \"2-3\", but the bot has 2 shards (0-1) as `total_shards` says",
            ),
            (
                "[discord]\nshards = \"3-1\"\n",
                "config.toml:2: `[discord] shards`: \"3-1\" is backwards: write the lower shard id first, like \"1-3\"",
            ),
            (
                "[discord]\nshards = \"first\"\n",
                "config.toml:2: `[discord] shards`: expected shard ids like \"0-3\" or \"2\", got \"first\"",
            ),
            (
                "[discord]\nshards = 4\n",
                "config.toml:2: `[discord] shards` is this process's shard ids in quotes, like \"0-3\" or \"4\", got 4; the number of shards of the whole bot is `total_shards`",
            ),
            ("[discord]\nshards = [0, 1]\n", "config.toml:2: `[discord] shards`"),
            (
                "[discord]\ntotal_shards = 0\n",
                "config.toml:2: `[discord] total_shards` must be at least 1, got 0",
            ),
            (
                "[discord]\ntotal_shards = \"many\"\n",
                "config.toml:2: `[discord] total_shards` must be how many shards the whole bot has",
            ),
        ] {
            let err = load_text(text).unwrap_err();
            assert!(err.to_string().contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn metrics_are_off_unless_an_address_is_given_and_a_bad_one_names_its_line() {
        assert_eq!(load_text("").unwrap().metrics_listen, None);
        let config = load_text("[metrics]\nlisten = \"127.0.0.1:9185\"\n").unwrap();
        assert_eq!(
            config.metrics_listen,
            Some("127.0.0.1:9185".parse().unwrap())
        );
        for bad in ["localhost:9185", "127.0.0.1", ":9185"] {
            let err = load_text(&format!("[discord]\n\n[metrics]\nlisten = \"{bad}\"\n"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("config.toml:4:"), "{err}");
            assert!(err.contains("[metrics] listen"), "{err}");
        }
    }
}
