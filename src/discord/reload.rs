//! Reloading the responses while the bot runs, whoever asks: `/reload`, SIGHUP or the file
//! watcher all go through [`Reloader::reload`], so each is validated, logged and followed by the
//! same command re-registration.
//!
//! This module owns the one reload path and the slash commands Discord currently has. It never
//! decides who may reload ([`super::moderation`] does) and never touches the live catalog except
//! through [`CatalogHandle::reload`], which swaps in a complete catalog or nothing.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use serenity::all::{Command, GuildId, Http};
use tracing::{info, warn};

use super::commands;
use super::limits::CONTENT_LIMITS;
use crate::catalog::{CatalogHandle, LoadError, Problem, ReloadSummary, ResponseSource};

/// Who asked for a reload; goes into the log line of every reload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// `/reload` from this user in this guild.
    Command { user: u64, guild: u64 },
    /// The process got SIGHUP.
    Hangup,
    /// A response file changed (`[responses] watch = true`).
    FileWatcher,
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trigger::Command { user, guild } => {
                write!(f, "/reload by user {user} in guild {guild}")
            }
            Trigger::Hangup => f.write_str("SIGHUP"),
            Trigger::FileWatcher => f.write_str("file watcher"),
        }
    }
}

/// The live responses, where they come from, and the commands registered for them.
#[derive(Clone)]
pub(crate) struct Reloader {
    inner: Arc<Inner>,
}

struct Inner {
    catalog: CatalogHandle,
    source: ResponseSource,
    guild_id: Option<u64>,
    /// Whether this process registers the slash commands (it runs shard 0); the other
    /// processes of a sharded bot leave that to it.
    registers: bool,
    /// The command list Discord last accepted from us; `None` until a registration succeeded.
    /// Locked only to read or write it, never across a request to Discord: a registration that
    /// hangs must not hold up the next reload (each request has the client's deadline).
    registered: Mutex<Option<serde_json::Value>>,
}

/// Registrations in a row for one reload when the catalog keeps changing under them.
const MAX_REGISTRATIONS: usize = 3;

impl Reloader {
    pub(crate) fn new(
        catalog: CatalogHandle,
        source: ResponseSource,
        guild_id: Option<u64>,
        registers: bool,
    ) -> Reloader {
        Reloader {
            inner: Arc::new(Inner {
                catalog,
                source,
                guild_id,
                registers,
                registered: Mutex::new(None),
            }),
        }
    }

    pub(crate) fn catalog(&self) -> &CatalogHandle {
        &self.inner.catalog
    }

    pub(crate) fn source(&self) -> &ResponseSource {
        &self.inner.source
    }

    /// Registers the slash commands for the live catalog, whatever Discord had before (a new
    /// gateway session may follow an edit made elsewhere), when this process registers them.
    pub(crate) async fn register_commands(&self, http: &Http) {
        if self.inner.registers && self.put_commands(http).await {
            // The catalog may have been reloaded while that was on its way.
            self.sync_commands(http).await;
        }
    }

    /// Re-registers the slash commands only when the live catalog calls for other ones than
    /// Discord has (a changed /therapy choice, say): registration is rate limited. Two reloads
    /// close together may register in either order; each checks afterwards that what it
    /// registered is still what the live catalog wants, and registers again if not.
    async fn sync_commands(&self, http: &Http) {
        if !self.inner.registers {
            return;
        }
        for _ in 0..MAX_REGISTRATIONS {
            let wanted = as_json(&commands::all(&self.inner.catalog.current()));
            if self.registered().as_ref() == Some(&wanted) {
                return;
            }
            if !self.put_commands(http).await {
                return;
            }
        }
    }

    fn registered(&self) -> Option<serde_json::Value> {
        self.inner
            .registered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Registers the commands of the live catalog; returns whether Discord accepted them.
    async fn put_commands(&self, http: &Http) -> bool {
        let commands = commands::all(&self.inner.catalog.current());
        let wanted = as_json(&commands);
        let result = match self.inner.guild_id {
            Some(guild) => GuildId::new(guild)
                .set_commands(http, commands)
                .await
                .map(|set| set.len()),
            None => Command::set_global_commands(http, commands)
                .await
                .map(|set| set.len()),
        };
        let accepted = result.is_ok();
        match result {
            Ok(count) => {
                info!(count, guild = ?self.inner.guild_id, "registered slash commands");
            }
            Err(err) => warn!(error = %err, "could not register slash commands"),
        }
        *self
            .inner
            .registered
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = accepted.then_some(wanted);
        accepted
    }

    /// Reads and validates every response file, swaps the new catalog in only if it is valid,
    /// logs the outcome, and re-registers the commands if their choices changed. On error the
    /// previous catalog keeps answering.
    pub(crate) async fn reload(
        &self,
        http: &Http,
        trigger: Trigger,
    ) -> Result<ReloadSummary, LoadError> {
        let catalog = self.inner.catalog.clone();
        let source = self.inner.source.clone();
        // File I/O: keep it off the threads that answer members.
        let result =
            tokio::task::spawn_blocking(move || catalog.reload(&source, &CONTENT_LIMITS)).await;
        let result = result.unwrap_or_else(|join| {
            Err(LoadError::new(vec![Problem::error(
                self.inner.source.describe(),
                None,
                format!("the reload stopped unexpectedly: {join}"),
            )]))
        });
        match &result {
            Ok(summary) => {
                crate::metrics::METRICS.reloaded(crate::metrics::Outcome::ok);
                info!(%trigger, responses = %self.inner.source.describe(), %summary, "reloaded the responses");
                for warning in &summary.warnings {
                    warn!(%trigger, "{warning}");
                }
                self.sync_commands(http).await;
            }
            Err(err) => {
                crate::metrics::METRICS.reloaded(crate::metrics::Outcome::refused);
                warn!(
                    %trigger,
                    responses = %self.inner.source.describe(),
                    "reload refused; the previous responses are still live: {err}"
                );
            }
        }
        result
    }
}

/// The command list as Discord receives it, for comparing two lists.
fn as_json(commands: &[serenity::all::CreateCommand]) -> serde_json::Value {
    // The builders are plain data; serialising them cannot fail.
    serde_json::to_value(commands).unwrap_or_default()
}
