//! Configuration: `config.toml` plus the environment, validated once and passed down.
//!
//! The token is held in [`Secret`], whose `Debug` and `Display` never show it, so it cannot reach
//! a log line or an error message by accident.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use serde::Deserialize;

use crate::guard::PassiveScope;
use crate::safety::Policy;

/// The environment variable that holds the bot token.
pub const TOKEN_VAR: &str = "DISCORD_TOKEN";
/// Discord's API, when the config does not name another.
pub const DEFAULT_API_URL: &str = "https://discord.com";
/// The responses folder, relative to the working directory, when nothing else is said.
pub const DEFAULT_RESPONSES_DIR: &str = "responses";
/// `[discord] cooldown_seconds` when not set: the same answer at most once per channel per 5 min.
pub const DEFAULT_COOLDOWN_SECONDS: u64 = 300;
/// `[discord] user_limit` when not set: bot responses per member per window.
pub const DEFAULT_USER_LIMIT: usize = 5;
/// `[discord] user_limit_seconds` when not set.
pub const DEFAULT_USER_LIMIT_SECONDS: u64 = 30;
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
struct RawDiscord {
    token: Option<Secret>,
    api_url: Option<String>,
    message_content: Option<bool>,
    guild_id: Option<u64>,
    max_passive_length: Option<usize>,
    cooldown_seconds: Option<u64>,
    user_limit: Option<usize>,
    user_limit_seconds: Option<u64>,
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
    role_ids: Option<Vec<u64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPassive {
    allow_guilds: Option<Vec<u64>>,
    deny_guilds: Option<Vec<u64>>,
    allow_channels: Option<Vec<u64>>,
    deny_channels: Option<Vec<u64>>,
}

/// Validated settings for the Discord adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscordConfig {
    pub token: Secret,
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
    /// What the bot does with crisis and advice messages (`[safety]`).
    pub safety: SafetyConfig,
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

/// The whole validated configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub discord: DiscordConfig,
    pub moderation: ModerationConfig,
    pub responses_dir: PathBuf,
    /// Reload the responses whenever a file in the responses folder changes.
    pub watch_responses: bool,
}

impl Config {
    /// Reads `path` (if given) and the environment. `env_token` is `DISCORD_TOKEN`'s value.
    pub fn load(path: Option<&Path>, env_token: Option<String>) -> anyhow::Result<Config> {
        let raw = match path {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the config file {}", path.display()))?;
                toml::from_str::<RawConfig>(&text).map_err(|err| {
                    let line = err
                        .span()
                        .map(|span| text[..span.start].matches('\n').count() + 1)
                        .unwrap_or(1);
                    anyhow::anyhow!("{}:{}: {}", path.display(), line, err.message().trim())
                })?
            }
            None => RawConfig::default(),
        };
        Config::from_raw(raw, env_token, path)
    }

    fn from_raw(
        raw: RawConfig,
        env_token: Option<String>,
        path: Option<&Path>,
    ) -> anyhow::Result<Config> {
        let token = env_token
            .filter(|token| !token.trim().is_empty())
            .map(Secret::new)
            .or(raw.discord.token)
            .filter(|token| !token.expose().trim().is_empty());
        let Some(token) = token else {
            bail!(
                "no bot token: set the {TOKEN_VAR} environment variable (or `[discord] token` in the config file)"
            );
        };
        let api_url = raw
            .discord
            .api_url
            .unwrap_or_else(|| DEFAULT_API_URL.to_string())
            .trim_end_matches('/')
            .to_string();
        if !(api_url.starts_with("http://") || api_url.starts_with("https://")) {
            bail!("`[discord] api_url` must start with http:// or https://, got `{api_url}`");
        }
        let max_passive_length = raw.discord.max_passive_length.unwrap_or(500);
        if max_passive_length == 0 {
            bail!("`[discord] max_passive_length` must be at least 1");
        }
        let cooldown_seconds = raw
            .discord
            .cooldown_seconds
            .unwrap_or(DEFAULT_COOLDOWN_SECONDS);
        if cooldown_seconds > MAX_WINDOW_SECONDS {
            bail!("`[discord] cooldown_seconds` must be at most {MAX_WINDOW_SECONDS} (a day), or 0 to turn the cooldown off");
        }
        let user_limit = raw.discord.user_limit.unwrap_or(DEFAULT_USER_LIMIT);
        if user_limit > MAX_USER_LIMIT {
            bail!("`[discord] user_limit` must be at most {MAX_USER_LIMIT}, or 0 to turn the limit off");
        }
        let user_limit_seconds = raw
            .discord
            .user_limit_seconds
            .unwrap_or(DEFAULT_USER_LIMIT_SECONDS);
        if !(1..=MAX_WINDOW_SECONDS).contains(&user_limit_seconds) {
            bail!("`[discord] user_limit_seconds` must be between 1 and {MAX_WINDOW_SECONDS}");
        }
        let passive = passive_scope(raw.passive)?;
        let safety = safety_config(raw.safety)?;
        let role_ids = raw.moderation.role_ids.unwrap_or_default();
        // Discord snowflakes are never 0; a 0 is a placeholder left in by mistake, and it would
        // silently grant nobody the role the operator meant.
        if role_ids.contains(&0) {
            bail!("`[moderation] role_ids` must hold role ids (right-click a role, Copy Role ID), not 0");
        }
        // A relative responses folder in a config file means: next to that file, when it is
        // there; otherwise relative to the working directory.
        let responses_dir = match (raw.responses.dir, path.and_then(Path::parent)) {
            (Some(dir), Some(base)) if dir.is_relative() && base.join(&dir).is_dir() => {
                base.join(dir)
            }
            (Some(dir), _) => dir,
            (None, _) => PathBuf::from(DEFAULT_RESPONSES_DIR),
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
                safety,
            },
            moderation: ModerationConfig { role_ids },
            responses_dir,
            watch_responses: raw.responses.watch.unwrap_or(false),
        })
    }
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
fn passive_scope(raw: RawPassive) -> anyhow::Result<PassiveScope> {
    let lists = [
        ("allow_guilds", raw.allow_guilds.unwrap_or_default()),
        ("deny_guilds", raw.deny_guilds.unwrap_or_default()),
        ("allow_channels", raw.allow_channels.unwrap_or_default()),
        ("deny_channels", raw.deny_channels.unwrap_or_default()),
    ];
    for (name, ids) in &lists {
        if ids.contains(&0) {
            bail!(
                "`[passive] {name}` must hold server or channel ids (right-click, Copy ID), not 0"
            );
        }
    }
    let [allow_guilds, deny_guilds, allow_channels, deny_channels] = lists.map(|(_, ids)| ids);
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
        let config = Config::from_raw(RawConfig::default(), Some("sekrit-token".into()), None)
            .expect("valid");
        assert!(!format!("{config:?}").contains("sekrit-token"));
        assert_eq!(config.discord.token.expose(), "sekrit-token");
    }

    #[test]
    fn safety_defaults_and_settings_are_read_and_checked() {
        let config = Config::from_raw(RawConfig::default(), Some("t".into()), None).unwrap();
        assert_eq!(config.discord.safety, SafetyConfig::default());
        assert!(config.discord.safety.policy.passive_crisis);
        assert!(!config.discord.safety.policy.passive_advice);
        let raw: RawConfig = toml::from_str(
            "[safety]\npassive_crisis = false\npassive_advice = true\nalert_channel_id = 7\n\
             alert_role_id = 8\ncrisis_repeat_seconds = 0\nmoderator_button = true\n",
        )
        .unwrap();
        let safety = Config::from_raw(raw, Some("t".into()), None)
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
            let err = Config::from_raw(raw, Some("t".into()), None).unwrap_err();
            assert!(err.to_string().contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn a_missing_token_is_a_clear_error() {
        let err = Config::from_raw(RawConfig::default(), None, None).unwrap_err();
        assert!(err.to_string().contains(TOKEN_VAR));
    }

    #[test]
    fn defaults_are_discord_and_passive_answers() {
        let config = Config::from_raw(RawConfig::default(), Some("t".into()), None).unwrap();
        assert_eq!(config.discord.api_url, DEFAULT_API_URL);
        assert!(config.discord.uses_default_api());
        assert!(config.discord.message_content);
        assert_eq!(config.responses_dir, PathBuf::from("responses"));
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
        let defaults = Config::from_raw(RawConfig::default(), Some("t".into()), None).unwrap();
        assert_eq!(example.discord, defaults.discord);
        assert_eq!(example.moderation, defaults.moderation);
    }

    #[test]
    fn bad_abuse_limits_are_refused_with_a_reason() {
        for (text, needle) in [
            ("[discord]\ncooldown_seconds = 86401\n", "cooldown_seconds"),
            ("[discord]\ncooldown_seconds = -1\n", "config.toml:2:"),
            ("[discord]\nuser_limit = 101\n", "user_limit"),
            ("[discord]\nuser_limit_seconds = 0\n", "user_limit_seconds"),
            ("[passive]\nallow_channels = [0]\n", "allow_channels"),
            ("[passive]\ndeny_guilds = [0]\n", "deny_guilds"),
            ("[passive]\nallow_channel = [1]\n", "allow_channel"),
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
}
