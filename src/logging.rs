//! Where and how the process logs: one line per event on stderr, as text (coloured only for a
//! person at a terminal) or, with `[log] format = "json"` or `run --log-format json`, as one JSON
//! object per line for a log pipeline.
//!
//! It owns the subscriber and the two formats. It never decides what is logged and adds no
//! field of its own: what is kept from the info level (message text, the token) is kept from
//! both formats alike.

use std::io::IsTerminal;
use std::sync::OnceLock;

use serde::Deserialize;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One line of text per event, for people.
    #[default]
    Text,
    /// One JSON object per line (`timestamp`, `level`, `message`, the event's fields,
    /// `target`), for a log pipeline.
    Json,
}

/// The format logging started with, for the one line written after it ends (the error that
/// stops the process).
static STARTED: OnceLock<LogFormat> = OnceLock::new();

/// Starts logging to stderr in `format`. `RUST_LOG` sets the level or filter, else
/// `default_level`. Only the first call in a process takes effect.
pub fn init(format: LogFormat, default_level: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let started = match format {
        // Colour codes only for a person at a terminal, never in log files or journals.
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        // The event's fields beside `message` at the top level, where log pipelines look.
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    if started.is_ok() {
        let _ = STARTED.set(format);
    }
}

/// The format logging started with; `None` before [`init`].
pub fn started() -> Option<LogFormat> {
    STARTED.get().copied()
}
