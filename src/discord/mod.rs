//! The Discord adapter (serenity): the only module that knows Discord's types and limits.
//!
//! [`DiscordBot::connect`] builds a serenity client for a config, a live catalog and where that
//! catalog comes from, and settles which shards this process runs ([`crate::sharding`]) once
//! Discord has said how many the bot has; [`DiscordBot::run`] runs those shards until
//! [`Shutdown::shutdown`] or a gateway error. [`run`] wires the process around it: Ctrl-C and SIGTERM stop the bot cleanly, SIGHUP
//! and (with `[responses] watch`) file changes reload the responses, through the same path as
//! `/reload` ([`ReloadHandle`]). A panic in an event's handler is caught and logged without
//! its payload, and the bot goes on; the cooldown, the per-user limit and the passive scope
//! ([`crate::guard`]) keep it quiet under load and abuse.
//!
//! It never decides what to say (that is [`crate::bot`]) and never swaps the catalog except
//! through a validated reload.

mod commands;
pub mod connection;
pub mod delivery;
mod handler;
pub mod limits;
mod memory;
pub mod moderation;
mod reload;
mod render;
pub mod service;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use serenity::all::{ConnectionStage, GatewayIntents, Http, HttpBuilder, ShardId, ShardManager};
use serenity::Client;
use tracing::{info, warn};

pub use commands::{ASK, RELOAD, THERAPY};
pub use limits::CONTENT_LIMITS;
pub use reload::Trigger;

use crate::catalog::{CatalogHandle, LoadError, ReloadSummary, ResponseSource};
use crate::config::{Config, DiscordConfig, ModerationConfig};
use crate::metrics::METRICS;
use crate::sharding::ShardPlan;
use crate::watch::{self, FolderWatch};

/// What the Discord adapter itself says to members when it holds back. Fixed and kind; never
/// medical, and never quoting what the member wrote.
pub mod words {
    /// A direct question whose answer was given in this channel within the cooldown; followed
    /// by a link to that answer.
    pub const ANSWERED_HERE: &str = "I answered this in this channel a moment ago:";
    /// A member over the per-user limit, to an interaction (messages get no reply at all).
    pub const TOO_FAST: &str = "You're going a bit fast — please wait a few seconds.";
    /// An interaction whose handler failed unexpectedly.
    pub const SOMETHING_WENT_WRONG: &str = "Something went wrong on my side; please try again.";
    /// Someone other than the asker or a moderator pressed Dismiss.
    pub const NOT_YOURS_TO_DISMISS: &str =
        "Only the person who asked or a moderator can remove this.";
    /// The start of a moderators' alert after a crisis notice; a link (ids only) follows.
    pub const ALERT_CRISIS: &str =
        "A member was shown the crisis notice. Please check in with them:";
    /// The start of the alert raised by the "Talk to a moderator" button; who and where follow.
    pub const ALERT_ASKED: &str = "A member asked to talk to a moderator after a crisis notice:";
}

/// The gateway intents the bot needs, and no more.
pub fn intents(config: &DiscordConfig) -> GatewayIntents {
    let mut intents = GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if config.message_content {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    intents
}

/// A connected (not yet running) bot.
pub struct DiscordBot {
    client: Client,
    reloader: reload::Reloader,
    shards: ShardPlan,
}

/// Reloads the running bot's responses from outside an interaction (a signal, a file watcher,
/// a test), exactly as `/reload` does.
#[derive(Clone)]
pub struct ReloadHandle {
    reloader: reload::Reloader,
    http: Arc<Http>,
}

impl ReloadHandle {
    /// Validates every response file and swaps them in only if all are valid; logs who asked and
    /// what changed, and re-registers the slash commands if their choices changed.
    pub async fn reload(&self, trigger: Trigger) -> Result<ReloadSummary, LoadError> {
        self.reloader.reload(&self.http, trigger).await
    }
}

/// Stops a running bot from anywhere.
#[derive(Clone)]
pub struct Shutdown {
    shard_manager: Arc<ShardManager>,
}

impl Shutdown {
    /// Closes every shard; [`DiscordBot::run`] then returns.
    pub async fn shutdown(&self) {
        // Each shard is asked to close its connection itself first (close code 1000, so Discord
        // shows the bot offline at once): `shutdown_all` may otherwise take the acknowledgement
        // queued by `DiscordBot::connect` for its own and return before the close went out.
        let shards: Vec<_> = self
            .shard_manager
            .runners
            .lock()
            .await
            .values()
            .map(|runner| runner.runner_tx.clone())
            .collect();
        if !shards.is_empty() {
            for shard in &shards {
                shard.shutdown_clean();
            }
            tokio::time::sleep(CLEAN_CLOSE).await;
        }
        self.shard_manager.shutdown_all().await;
    }
}

impl DiscordBot {
    /// `source` is where `catalog` was loaded from; reloads read it again. Fails when the
    /// config's `shards` lie outside the bot's shards, as Discord counts them for
    /// `total_shards = "auto"`.
    pub async fn connect(
        config: &DiscordConfig,
        moderation: &ModerationConfig,
        catalog: CatalogHandle,
        source: ResponseSource,
    ) -> anyhow::Result<Self> {
        // serenity's default client has no timeout; every request gets one.
        let client = delivery::http_client(config.request_timeout)
            .context("cannot create the HTTP client")?;
        let delivery = delivery::Delivery::new(
            client.clone(),
            delivery::Policy::for_timeout(config.request_timeout),
        );
        let mut http = HttpBuilder::new(config.token()?.expose()).client(client);
        if !config.uses_default_api() {
            // serenity's rate limiter talks to discord.com directly whatever the proxy says, so
            // behind a proxy (or a test double) the proxy must do the rate limiting.
            http = http
                .proxy(config.api_url.clone())
                .ratelimiter_disabled(true);
        }
        let http = http.build();
        // Our own lookup, retried with a backoff and only ever at api_url: serenity's, in the
        // builder below, falls back to the real wss://gateway.discord.gg when it fails.
        let gateway = connection::gateway(&http, &config.api_url).await?;
        let shards = config.sharding.plan(gateway.shards)?;
        // serenity 0.12 starts a process's shards one at a time, 5 s apart, whatever
        // max_concurrency allows: never faster than Discord permits, slower for large bots.
        info!(
            shards = %shards.range,
            total = shards.total,
            max_concurrency = gateway.max_concurrency,
            "running shards {shards}"
        );
        // The slash commands are the bot's, not a shard's: one process registers them, the one
        // running shard 0, so that processes never overwrite each other's registrations.
        let reloader =
            reload::Reloader::new(catalog, source, config.guild_id, shards.runs_shard_zero());
        let handler = handler::Handler::new(config, moderation, reloader.clone(), delivery);
        let client = serenity::all::ClientBuilder::new_with_http(http, intents(config))
            .event_handler(handler)
            .event_handler(service::ReadyNotifier::new(shards.range.ids()))
            .await
            .context("cannot create the Discord client")?;
        *client.ws_url.lock().await = gateway.url;
        // A shard that finds its connection dead (heartbeats unacknowledged) or its session
        // invalid (op 9) asks serenity's ShardManager to restart it, and `restart` then waits up
        // to 5 s for an acknowledgement of that very shard's shutdown, which it cannot give: it
        // is the one waiting. The bot is deaf all that time. serenity queues one acknowledgement
        // after every such restart, so only the first one pays; queueing one per shard here
        // makes every restart immediate, even when several shards restart at once.
        for shard in shards.range.ids() {
            client.shard_manager.shutdown_finished(ShardId(shard));
        }
        Ok(DiscordBot {
            client,
            reloader,
            shards,
        })
    }

    /// The shards this process runs.
    pub fn shards(&self) -> ShardPlan {
        self.shards
    }

    pub fn reload_handle(&self) -> ReloadHandle {
        ReloadHandle {
            reloader: self.reloader.clone(),
            http: self.client.http.clone(),
        }
    }

    /// Reloads the responses after each burst of edits to their folder, until the returned
    /// watch is dropped. `None` for the built-in responses, which cannot change.
    pub fn watch_responses(&self) -> anyhow::Result<Option<FolderWatch>> {
        let ResponseSource::Dir(dir) = self.reloader.source() else {
            return Ok(None);
        };
        let handle = self.reload_handle();
        let watch = watch::watch(dir, move || {
            let handle = handle.clone();
            async move {
                // The outcome is logged by the reload itself.
                let _ = handle.reload(Trigger::FileWatcher).await;
            }
        })?;
        info!(responses = %dir.display(), "reloading the responses when they change");
        Ok(Some(watch))
    }

    pub fn shutdown_handle(&self) -> Shutdown {
        Shutdown {
            shard_manager: self.client.shard_manager.clone(),
        }
    }

    /// Runs this process's shards until shut down. An error here (a rejected token, say) ends
    /// the bot; a [`connection::Fatal`] says what the operator has to do.
    pub async fn run(mut self) -> anyhow::Result<()> {
        let ShardPlan { range, total } = self.shards;
        // serenity 0.12 reads this range's end as included: `first..last` starts first to last.
        self.client
            .start_shard_range(range.first()..range.last(), total)
            .await
            .map_err(connection::explain)
    }
}

/// Runs the bot until Ctrl-C or SIGTERM; reloads the responses on SIGHUP and, when
/// `[responses] watch` is on, whenever their files change.
pub async fn run(
    config: &Config,
    catalog: CatalogHandle,
    source: ResponseSource,
) -> anyhow::Result<()> {
    log_panics();
    // Served from the start, so that an orchestrator sees the process alive but not ready
    // while Discord cannot be reached.
    if let Some(listen) = config.metrics_listen {
        crate::metrics::serve(listen).await?;
    }
    // A stop signal wins in every state: while Discord cannot be reached, while connecting,
    // while connected.
    let stop = wait_for_stop_signal();
    tokio::pin!(stop);
    let bot = tokio::select! {
        bot = DiscordBot::connect(&config.discord, &config.moderation, catalog, source) => bot?,
        () = &mut stop => {
            info!("stopping before the bot connected");
            service::stopping();
            return Ok(());
        }
    };
    let shutdown = bot.shutdown_handle();
    // The responses were loaded and validated before the bot connected; ready once every shard
    // of this process is connected too.
    let shards: Vec<u32> = bot.shards().range.ids().collect();
    METRICS.loaded(shards.iter().copied());
    spawn_shard_watch(shutdown.shard_manager.clone(), shards);
    spawn_reload_on_hangup(bot.reload_handle());
    memory::spawn_trimmer();
    // Held until the bot stops. A watch that cannot start (too many watches on this machine,
    // say) must not keep the bot from answering: SIGHUP and /reload still work.
    let _watch = if config.watch_responses {
        bot.watch_responses().unwrap_or_else(|err| {
            warn!("cannot watch the responses; reload with /reload or SIGHUP: {err:#}");
            None
        })
    } else {
        None
    };
    let run = bot.run();
    tokio::pin!(run);
    tokio::select! {
        result = &mut run => return result,
        () = &mut stop => {}
    }
    info!("stopping: closing the Discord connection");
    service::stopping();
    // serenity's shutdown waits up to 5 s per shard, and while no shard is connected (Discord
    // unreachable) it returns without ending `run`: both are bounded here.
    if tokio::time::timeout(CLOSE_WITHIN, shutdown.shutdown())
        .await
        .is_err()
    {
        warn!("the Discord connection did not close in time; stopping anyway");
        return Ok(());
    }
    // Asked to stop: how the connection ended is no longer news.
    if let Ok(Err(err)) = tokio::time::timeout(Duration::from_secs(1), &mut run).await {
        info!("the Discord connection ended while stopping: {err:#}");
    }
    Ok(())
}

/// How long a connected shard gets to close its connection before the rest of a stop: a shard
/// reads its orders between two gateway reads, which wait up to 500 ms.
const CLEAN_CLOSE: Duration = Duration::from_millis(750);

/// How long a stop may spend closing the gateway connection cleanly; with the rest, a stop
/// takes under 5 s in every state.
const CLOSE_WITHIN: Duration = Duration::from_secs(3);

/// Routes panics to the log instead of the default hook's stderr dump: where it happened, at
/// error level, and the payload at debug level only, because a payload can quote a member's
/// message (a string slicing panic shows the string). The event handlers catch their own panics
/// (`handler::caught`), so the bot goes on; this hook only decides what is written.
fn log_panics() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map_or_else(|| "an unknown place".to_string(), ToString::to_string);
        tracing::error!(%location, "panicked; the payload is logged at debug level");
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(not text)");
        tracing::debug!(%location, payload, "panic payload");
    }));
}

/// How often the shards' state is read for `/readyz` and the latency gauge.
const SHARD_WATCH_EVERY: Duration = Duration::from_secs(1);

/// Keeps readiness and each shard's gateway latency current by reading serenity's own view of
/// its shards: a shard counts as connected only while its runner exists and says Connected, so
/// a shard being restarted, or one that cannot reach Discord, is never counted.
fn spawn_shard_watch(manager: Arc<ShardManager>, shards: Vec<u32>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SHARD_WATCH_EVERY);
        loop {
            every.tick().await;
            let runners = manager.runners.lock().await;
            for &shard in &shards {
                let runner = runners.get(&ShardId(shard));
                let connected =
                    runner.is_some_and(|runner| runner.stage == ConnectionStage::Connected);
                METRICS.shard_connected(shard, connected);
                METRICS.shard_latency(
                    shard,
                    runner
                        .and_then(|runner| runner.latency)
                        .filter(|_| connected),
                );
            }
        }
    });
}

async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(err) => {
                warn!(error = %err, "cannot listen for SIGTERM; only Ctrl-C stops the bot");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(unix)]
fn spawn_reload_on_hangup(reloads: ReloadHandle) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hangup = match signal(SignalKind::hangup()) {
        Ok(hangup) => hangup,
        Err(err) => {
            warn!(error = %err, "cannot listen for SIGHUP; reload by restarting");
            return;
        }
    };
    tokio::spawn(async move {
        while hangup.recv().await.is_some() {
            // `systemctl reload` waits for the outcome; the outcome is logged by the reload.
            service::reloading();
            let _ = reloads.reload(Trigger::Hangup).await;
            service::reloaded();
        }
    });
}

#[cfg(not(unix))]
fn spawn_reload_on_hangup(_reloads: ReloadHandle) {}
