//! Runs immunobot's own Discord adapter ([`immunobot::discord::DiscordBot`]) in-process against
//! a [`FakeDiscord`], with the shipped `responses/` folder.
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
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use immunobot::catalog::{Catalog, CatalogHandle, ResponseSource};
use immunobot::config::{DiscordConfig, Secret};
use immunobot::discord::{DiscordBot, Shutdown, CONTENT_LIMITS};
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
    Catalog::load(&ResponseSource::Dir(responses_dir()), &CONTENT_LIMITS)
        .unwrap_or_else(|err| panic!("the shipped responses do not load: {err}"))
}

/// The `[discord]` settings a test can vary.
#[derive(Clone, Debug)]
pub struct BotOptions {
    pub message_content: bool,
    pub guild_id: Option<u64>,
    pub max_passive_length: usize,
}

impl Default for BotOptions {
    /// What `config.toml` defaults to: Message Content on, global commands, 500 chars.
    fn default() -> Self {
        BotOptions {
            message_content: true,
            guild_id: None,
            max_passive_length: 500,
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
            token: Secret::new(BOT_TOKEN),
            api_url: fake.base_url(),
            message_content: self.message_content,
            guild_id: self.guild_id,
            max_passive_length: self.max_passive_length,
        }
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
    /// The catalog the bot serves (the same snapshot, shared through its `CatalogHandle`).
    pub catalog: Arc<Catalog>,
    pub options: BotOptions,
    shutdown: Shutdown,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl RunningBot {
    /// Connects the bot to `fake` and starts it (returns before the gateway session is up).
    pub async fn start(fake: &FakeDiscord, options: BotOptions) -> RunningBot {
        let handle = CatalogHandle::new(load_catalog());
        let catalog = handle.current();
        let bot = DiscordBot::connect(&options.config(fake), handle)
            .await
            .expect("the bot builds its Discord client");
        let shutdown = bot.shutdown_handle();
        let task = tokio::spawn(bot.run());
        RunningBot {
            catalog,
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
