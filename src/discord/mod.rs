//! The Discord adapter (serenity): the only module that knows Discord's types and limits.
//!
//! [`DiscordBot::connect`] builds a serenity client for a config and a live catalog;
//! [`DiscordBot::run`] runs it until [`Shutdown::shutdown`] or a gateway error. [`run`] wires the
//! process signals: Ctrl-C and SIGTERM stop the bot cleanly, SIGHUP reloads the responses.

mod commands;
mod handler;
pub mod limits;
mod render;

use std::sync::Arc;

use anyhow::Context as _;
use serenity::all::{GatewayIntents, HttpBuilder, ShardManager};
use serenity::Client;
use tracing::{error, info, warn};

pub use commands::{ASK, THERAPY};
pub use limits::CONTENT_LIMITS;

use crate::catalog::{CatalogHandle, ResponseSource};
use crate::config::DiscordConfig;

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
}

/// Stops a running bot from anywhere.
#[derive(Clone)]
pub struct Shutdown {
    shard_manager: Arc<ShardManager>,
}

impl Shutdown {
    /// Closes every shard; [`DiscordBot::run`] then returns.
    pub async fn shutdown(&self) {
        self.shard_manager.shutdown_all().await;
    }
}

impl DiscordBot {
    pub async fn connect(config: &DiscordConfig, catalog: CatalogHandle) -> anyhow::Result<Self> {
        let mut http = HttpBuilder::new(config.token.expose());
        if !config.uses_default_api() {
            // serenity's rate limiter talks to discord.com directly whatever the proxy says, so
            // behind a proxy (or a test double) the proxy must do the rate limiting.
            http = http
                .proxy(config.api_url.clone())
                .ratelimiter_disabled(true);
        }
        let handler = handler::Handler::new(config, catalog);
        let client = serenity::all::ClientBuilder::new_with_http(http.build(), intents(config))
            .event_handler(handler)
            .await
            .context("cannot create the Discord client")?;
        Ok(DiscordBot { client })
    }

    pub fn shutdown_handle(&self) -> Shutdown {
        Shutdown {
            shard_manager: self.client.shard_manager.clone(),
        }
    }

    /// Runs until shut down. An error here (a rejected token, say) ends the bot.
    pub async fn run(mut self) -> anyhow::Result<()> {
        self.client
            .start()
            .await
            .context("the Discord connection ended with an error")
    }
}

/// Runs the bot until Ctrl-C or SIGTERM; reloads the responses on SIGHUP.
pub async fn run(
    config: &DiscordConfig,
    catalog: CatalogHandle,
    source: ResponseSource,
) -> anyhow::Result<()> {
    let bot = DiscordBot::connect(config, catalog.clone()).await?;
    let shutdown = bot.shutdown_handle();
    tokio::spawn(async move {
        wait_for_stop_signal().await;
        info!("stopping: closing the Discord connection");
        shutdown.shutdown().await;
    });
    spawn_reload_on_hangup(catalog, source);
    bot.run().await
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
fn spawn_reload_on_hangup(catalog: CatalogHandle, source: ResponseSource) {
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
            match catalog.reload(&source, &CONTENT_LIMITS) {
                Ok(summary) => info!(trigger = "SIGHUP", %summary, "reloaded the responses"),
                Err(err) => error!(
                    trigger = "SIGHUP",
                    "reload refused; the previous responses are still live: {err}"
                ),
            }
        }
    });
}

#[cfg(not(unix))]
fn spawn_reload_on_hangup(_catalog: CatalogHandle, _source: ResponseSource) {}
