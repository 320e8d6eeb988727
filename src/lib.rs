//! immunobot: a Discord bot for health communities that answers only with medically reviewed text.
//!
//! The crate is a platform-neutral core with thin adapters on top:
//!
//! - [`catalog`] loads and validates the reviewed responses (`responses/*.toml`).
//! - [`matching`] decides whether a message asks for one of those responses.
//! - [`bot`] turns a message, slash command or button press into a [`reply::Reply`].
//! - [`discord`] (serenity) and [`console`] are the adapters that deliver replies.
//! - [`guard`] keeps the bot quiet under load and abuse: the answer cooldown, the per-user
//!   limit and where passive answering happens (plain data, no platform types).
//! - [`sharding`] says which of the bot's gateway shards a process runs, and checks it.
//! - [`toml_words`] says TOML errors in plain words, for response files and the config.
//! - [`logging`] writes the log to stderr, as text or JSON lines.
//! - [`metrics`] counts what the bot does and serves it, with health checks, over HTTP.
//! - [`watch`] tells the Discord adapter when the response files change, so it can reload them.
//!
//! The core never names serenity: only [`discord`] knows Discord's types and limits.

pub mod action;
pub mod bot;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod console;
pub mod discord;
pub mod eval;
pub mod guard;
pub mod import;
pub mod labelled;
pub mod lines;
pub mod logging;
pub mod matching;
pub mod metrics;
pub mod pages;
pub mod reply;
pub mod safety;
pub mod sharding;
pub mod toml_words;
pub mod watch;
mod word_table;
