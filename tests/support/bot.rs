//! Runs immunobot's own Discord adapter ([`immunobot::discord::DiscordBot`]) in-process against
//! a [`FakeDiscord`], with the shipped `responses/` folder or (for reload tests) a copy of it
//! that the test edits ([`copy_responses`], [`BotOptions::responses`]).
//!
//! ```ignore
//! let fake = FakeDiscord::start().await;
//! let bot = RunningBot::start(&fake, BotOptions::default()).await;
//! bot.wait_until_ready(&fake).await; // IDENTIFY + READY + command registration
//! // ...
//! fake.assert_no_unexpected_requests();
//! bot.stop().await; // before `fake` is dropped
//! ```

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use immunobot::catalog::{Catalog, CatalogHandle, ResponseSource};
use immunobot::config::{Config, DiscordConfig, ModerationConfig, SafetyConfig, Secret};
use immunobot::discord::{DiscordBot, ReloadHandle, Shutdown, CONTENT_LIMITS};
use immunobot::guard::PassiveScope;
use immunobot::sharding::Sharding;
use tokio::task::JoinHandle;

use super::fake_discord::{FakeDiscord, RecordedRequest};
use super::fixtures::{APPLICATION_ID, GUILD_ID};

/// The token the bot under test presents (IDENTIFY carries `Bot fake-token`).
pub const BOT_TOKEN: &str = "fake-token";

/// How long starting, stopping and waiting for READY may take before a test fails.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// The shipped responses folder (`<crate>/responses`).
pub fn responses_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("responses")
}

/// The shipped catalog, loaded exactly as the bot loads it.
pub fn load_catalog() -> Catalog {
    load_catalog_from(&responses_dir())
}

/// The catalog of a responses folder, loaded exactly as the bot loads it.
pub fn load_catalog_from(dir: &Path) -> Catalog {
    Catalog::load(&ResponseSource::Dir(dir.to_path_buf()), &CONTENT_LIMITS)
        .unwrap_or_else(|err| panic!("the responses in {} do not load: {err}", dir.display()))
}

/// A fresh copy of the shipped responses in a temporary folder (removed when dropped), for
/// tests that edit responses under a running bot.
pub fn copy_responses() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&responses_dir(), dir.path());
    dir
}

/// Replaces the first `from` in `file` (relative to `dir`) by `to`; panics if `from` is not
/// there, so a test never edits nothing by mistake.
pub fn edit_response(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The `[discord]`, `[passive]` and `[moderation]` settings a test can vary, and the responses
/// folder.
#[derive(Clone, Debug)]
pub struct BotOptions {
    pub message_content: bool,
    pub guild_id: Option<u64>,
    pub max_passive_length: usize,
    /// `[discord] cooldown_seconds`, to the millisecond. OFF by default here (unlike
    /// `config.toml`), because many tests ask the same question twice in one channel; turn it
    /// on with [`BotOptions::with_cooldown`].
    pub cooldown: Duration,
    /// `[discord] user_limit` (0 = off) and `user_limit_seconds`; the config's defaults.
    pub user_limit: usize,
    pub user_limit_window: Duration,
    /// `[passive]` allow and deny lists; everywhere by default.
    pub passive: PassiveScope,
    /// `[moderation] role_ids`.
    pub moderator_role_ids: Vec<u64>,
    /// The responses folder; `None` for the shipped one (never edit that one in a test).
    pub responses: Option<PathBuf>,
    /// `[discord] request_timeout_seconds`, to the millisecond; the config's default.
    pub request_timeout: Duration,
    /// `[safety]`; the config's defaults.
    pub safety: SafetyConfig,
    /// `[discord] shards` and `total_shards`; the config's defaults (every shard Discord
    /// recommends, which the fake says is one unless told otherwise).
    pub sharding: Sharding,
}

impl Default for BotOptions {
    /// What `config.toml` defaults to, taken from immunobot's own defaults (an empty config):
    /// Message Content on, global commands, 500 chars, 5 responses per member per 30 s, passive
    /// answers everywhere, no moderator roles; except the cooldown, off here.
    fn default() -> Self {
        let defaults = Config::load(None, Some(BOT_TOKEN.to_owned()))
            .expect("an empty config with a token is valid");
        let discord = defaults.discord;
        BotOptions {
            message_content: discord.message_content,
            guild_id: discord.guild_id,
            max_passive_length: discord.max_passive_length,
            cooldown: Duration::ZERO,
            user_limit: discord.user_limit,
            user_limit_window: discord.user_limit_window,
            passive: discord.passive,
            moderator_role_ids: defaults.moderation.role_ids,
            responses: None,
            request_timeout: discord.request_timeout,
            safety: discord.safety,
            sharding: discord.sharding,
        }
    }
}

impl BotOptions {
    pub fn without_message_content() -> Self {
        BotOptions {
            message_content: false,
            ..BotOptions::default()
        }
    }

    /// Commands registered in [`GUILD_ID`] instead of globally.
    pub fn in_guild() -> Self {
        BotOptions {
            guild_id: Some(GUILD_ID),
            ..BotOptions::default()
        }
    }

    /// The bot's config pointing at `fake`.
    pub fn config(&self, fake: &FakeDiscord) -> DiscordConfig {
        DiscordConfig {
            token: Some(Secret::new(BOT_TOKEN)),
            api_url: fake.base_url(),
            message_content: self.message_content,
            guild_id: self.guild_id,
            max_passive_length: self.max_passive_length,
            cooldown: self.cooldown,
            user_limit: self.user_limit,
            user_limit_window: self.user_limit_window,
            passive: self.passive.clone(),
            request_timeout: self.request_timeout,
            safety: self.safety.clone(),
            sharding: self.sharding.clone(),
        }
    }

    /// The same settings, with `[safety]` as given.
    pub fn with_safety(self, safety: SafetyConfig) -> Self {
        BotOptions { safety, ..self }
    }

    /// The same settings, with the answer cooldown on (`[discord] cooldown_seconds`).
    pub fn with_cooldown(self, cooldown: Duration) -> Self {
        BotOptions { cooldown, ..self }
    }

    /// The same settings, with `[discord] user_limit = limit` per `window` (0 = off).
    pub fn with_user_limit(self, limit: usize, window: Duration) -> Self {
        BotOptions {
            user_limit: limit,
            user_limit_window: window,
            ..self
        }
    }

    /// The same settings, answering plain channel messages only where `passive` allows.
    pub fn with_passive(self, passive: PassiveScope) -> Self {
        BotOptions { passive, ..self }
    }

    /// The same settings, serving (and reloading) the responses in `dir`.
    pub fn with_responses(self, dir: &Path) -> Self {
        BotOptions {
            responses: Some(dir.to_path_buf()),
            ..self
        }
    }

    /// The same settings, with `[discord] request_timeout_seconds` (to the millisecond).
    pub fn with_request_timeout(self, request_timeout: Duration) -> Self {
        BotOptions {
            request_timeout,
            ..self
        }
    }

    /// The same settings, with `[moderation] role_ids = roles`.
    pub fn with_moderator_roles(self, roles: &[u64]) -> Self {
        BotOptions {
            moderator_role_ids: roles.to_vec(),
            ..self
        }
    }

    pub fn responses_dir(&self) -> PathBuf {
        self.responses.clone().unwrap_or_else(responses_dir)
    }

    /// Path (without `/api/v10`) the bot registers its commands at.
    pub fn registration_path(&self) -> String {
        match self.guild_id {
            Some(guild) => format!("/applications/{APPLICATION_ID}/guilds/{guild}/commands"),
            None => format!("/applications/{APPLICATION_ID}/commands"),
        }
    }
}

/// Our bot, running in a task of the test's runtime.
pub struct RunningBot {
    /// The catalog the bot started with (a snapshot; reloads do not change it).
    pub catalog: Arc<Catalog>,
    /// The bot's live catalog: [`CatalogHandle::current`] shows what it serves now.
    pub live: CatalogHandle,
    /// Reloads the bot's responses as SIGHUP and the file watcher do.
    pub reloads: ReloadHandle,
    pub options: BotOptions,
    shutdown: Shutdown,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl RunningBot {
    /// Connects the bot to `fake` and starts it (returns before the gateway session is up).
    pub async fn start(fake: &FakeDiscord, options: BotOptions) -> RunningBot {
        let dir = options.responses_dir();
        let live = CatalogHandle::new(load_catalog_from(&dir));
        let catalog = live.current();
        let moderation = ModerationConfig {
            role_ids: options.moderator_role_ids.clone(),
        };
        let bot = DiscordBot::connect(
            &options.config(fake),
            &moderation,
            live.clone(),
            ResponseSource::Dir(dir),
        )
        .await
        .expect("the bot builds its Discord client");
        let shutdown = bot.shutdown_handle();
        let reloads = bot.reload_handle();
        let task = tokio::spawn(bot.run());
        RunningBot {
            catalog,
            live,
            reloads,
            options,
            shutdown,
            task: Some(task),
        }
    }

    /// Waits for IDENTIFY + READY and for the command registration that the bot does in its
    /// `ready` handler (after which it knows its own user id), and returns that registration.
    /// Everything recorded so far is then marked consumed.
    pub async fn wait_until_ready(&self, fake: &FakeDiscord) -> RecordedRequest {
        fake.wait_for_identify(STARTUP_TIMEOUT).await;
        let path = self.options.registration_path();
        let registration = fake
            .wait_for_request(|r| r.is_exactly("PUT", &path), STARTUP_TIMEOUT)
            .await;
        fake.consume_all();
        registration
    }

    /// Whether `run()` is still going (it has not returned or panicked).
    pub fn is_running(&self) -> bool {
        self.task.as_ref().is_some_and(|task| !task.is_finished())
    }

    /// Closes the gateway connection and waits for `run()` to return; panics when it does not
    /// return in time, panicked, or returned an error.
    pub async fn stop(mut self) {
        self.shutdown.shutdown().await;
        let task = self.task.take().expect("the bot task is there until stop");
        match tokio::time::timeout(STARTUP_TIMEOUT, task).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(err))) => panic!("the bot stopped with an error: {err:#}"),
            Ok(Err(join)) => panic!("the bot task failed: {join}"),
            Err(_) => panic!("the bot did not stop within {STARTUP_TIMEOUT:?}"),
        }
    }
}

impl RunningBot {
    /// Waits for `run()` to end by itself (a fatal gateway error, say) and returns how it ended;
    /// panics when it is still running after `within`.
    pub async fn exit(mut self, within: Duration) -> anyhow::Result<()> {
        let task = self
            .task
            .take()
            .expect("the bot task is there until it ends");
        match tokio::time::timeout(within, task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => panic!("the bot task failed: {join}"),
            Err(_) => panic!("the bot was still running after {within:?}"),
        }
    }
}

impl Drop for RunningBot {
    /// A test that panicked before `stop` must not leave the bot running.
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Log lines captured for the current thread (see [`capture_logs`]).
#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Captures `immunobot` log lines (INFO and up, no ANSI) emitted on this thread until the guard
/// is dropped. With `#[tokio::test]`'s default current-thread runtime every task of the bot runs
/// on the test's thread, so this sees the bot's handler logs without a global subscriber.
pub fn capture_logs() -> (tracing::subscriber::DefaultGuard, CapturedLogs) {
    let logs = CapturedLogs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("immunobot=info"))
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (tracing::subscriber::set_default(subscriber), logs)
}
