//! The command line: parsing (clap) and one function per subcommand.
//!
//! These forms are stable; scripts and tests rely on them:
//! `run [--config FILE] [--dry-run] [--log-format text|json]`, `console [--config FILE] [--responses DIR]`,
//! `ask [--config FILE] [--responses DIR] MESSAGE`,
//! `match [--responses DIR]`, `check [DIR]`, `eval [--responses DIR] FILE`,
//! `import medquad SRC --out DIR`.

use std::io::{self, BufRead as _, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing::info;

use crate::catalog::{plural, Catalog, CatalogHandle, ResponseSource};
use crate::config::{self, ConfigFile};
use crate::discord::{self, CONTENT_LIMITS};
use crate::logging::{self, LogFormat};
use crate::matching::Addressing;
use crate::{bot, console, eval};

#[derive(Debug, Parser)]
#[command(
    name = "immunobot",
    version,
    about = "A Discord bot for health communities that answers only with medically reviewed text"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Help for every `--responses DIR`.
const RESPONSES_HELP: &str = "Folder of response files [default: the config's [responses] dir, else ./responses if present, else the responses built into the binary]";
/// Help for every `--config FILE`.
const CONFIG_HELP: &str =
    "Config file (see config.toml.example) [default: ./config.toml if present, else built-in defaults]";

/// Help for `run --log-format`.
const LOG_FORMAT_HELP: &str = "Write log lines to stderr as text or as JSON objects, one per line [default: the config's [log] format, else text]";

const RUN_AFTER_HELP: &str = "\
Config: --config FILE, else ./config.toml in the working directory when there is one, else the
defaults. Every key is documented in config.toml.example.

Environment:
  DISCORD_TOKEN  the bot token (wins over [discord] token); --dry-run does not need it
  RUST_LOG       log level or filter, e.g. debug or immunobot=debug [default: info]

Signals: Ctrl-C and SIGTERM stop the bot cleanly; SIGHUP reloads the responses.";

const TOOLS_AFTER_HELP: &str =
    "Environment:\n  RUST_LOG  log level or filter, e.g. info or debug [default: warn]";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Discord bot (token from DISCORD_TOKEN).
    #[command(after_help = RUN_AFTER_HELP)]
    Run {
        #[arg(long, value_name = "FILE", help = CONFIG_HELP)]
        config: Option<PathBuf>,
        /// Validate the config and the responses, print which are in force, then exit without
        /// connecting (no token needed).
        #[arg(long)]
        dry_run: bool,
        #[arg(long, value_name = "FORMAT", help = LOG_FORMAT_HELP)]
        log_format: Option<LogFormat>,
    },
    /// Talk to the bot in this terminal: no token, no network.
    #[command(after_help = TOOLS_AFTER_HELP)]
    Console {
        #[arg(long, value_name = "FILE", help = CONFIG_HELP)]
        config: Option<PathBuf>,
        #[arg(long, value_name = "DIR", help = RESPONSES_HELP)]
        responses: Option<PathBuf>,
        /// Behave as in a channel the bot only overhears: answer when sure, else stay silent.
        #[arg(long)]
        passive: bool,
    },
    /// Print the reply the bot would send to MESSAGE in a channel.
    #[command(after_help = TOOLS_AFTER_HELP)]
    Ask {
        #[arg(long, value_name = "FILE", help = CONFIG_HELP)]
        config: Option<PathBuf>,
        #[arg(long, value_name = "DIR", help = RESPONSES_HELP)]
        responses: Option<PathBuf>,
        /// Reply as if the message mentioned the bot (suggestions, "no reviewed answer").
        #[arg(long)]
        direct: bool,
        /// The message, as a member would write it (quote it in the shell).
        message: String,
    },
    /// Read messages from stdin, one per line; write one JSON object per line.
    #[command(after_help = TOOLS_AFTER_HELP)]
    Match {
        #[arg(long, value_name = "DIR", help = RESPONSES_HELP)]
        responses: Option<PathBuf>,
    },
    /// Validate response files and run their examples.
    #[command(after_help = TOOLS_AFTER_HELP)]
    Check {
        /// Folder of response files to check.
        #[arg(value_name = "DIR", default_value = config::DEFAULT_RESPONSES_DIR)]
        dir: PathBuf,
        /// Also list the problems that only follow from another (a topic file that cannot be
        /// read makes every reference to its topic a problem too).
        #[arg(long, short)]
        verbose: bool,
    },
    /// Measure matching on a labelled file (`label<TAB>message`, `none` for silence).
    #[command(after_help = TOOLS_AFTER_HELP)]
    Eval {
        #[arg(long, value_name = "DIR", help = RESPONSES_HELP)]
        responses: Option<PathBuf>,
        /// Tab-separated file: a topic id or `none`, a tab, a message; one per line.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Write a responses folder from a published corpus of reviewed answers.
    #[command(subcommand)]
    Import(Import),
}

#[derive(Debug, Subcommand)]
pub enum Import {
    /// MedQuAD (CC BY 4.0): SRC is one collection folder, or a folder of collection folders.
    Medquad {
        #[arg(value_name = "SRC")]
        src: PathBuf,
        /// The responses folder to create; it must not exist yet (or be empty).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

impl Command {
    /// The log level when RUST_LOG does not say: the bot logs its work, tools stay quiet.
    pub fn default_log_level(&self) -> &'static str {
        match self {
            Command::Run { .. } => "info",
            _ => "warn",
        }
    }
}

/// Where responses come from when the user names no folder: `responses/` in the working
/// directory if there is one, else the copy built into the binary.
pub fn response_source(explicit: Option<&Path>) -> ResponseSource {
    match explicit {
        Some(dir) => ResponseSource::Dir(dir.to_path_buf()),
        None if Path::new(config::DEFAULT_RESPONSES_DIR).is_dir() => {
            ResponseSource::Dir(PathBuf::from(config::DEFAULT_RESPONSES_DIR))
        }
        None => ResponseSource::Embedded,
    }
}

/// The responses the config and the command line call for: `--responses` wins, then the
/// config's `[responses] dir`, then `responses/` or the built-in copy.
fn configured_source(explicit: Option<&Path>, config: &config::Config) -> ResponseSource {
    response_source(explicit.or(config.responses_dir.as_deref()))
}

/// One line saying which config and which responses are in force, for banners and summaries.
fn sources_line(file: &ConfigFile, source: &ResponseSource, catalog: &Catalog) -> String {
    format!(
        "config: {file}\nresponses: {} ({} topics, {} questions)",
        source.describe(),
        catalog.topics().len(),
        catalog.question_count()
    )
}

fn load(source: &ResponseSource) -> anyhow::Result<Catalog> {
    let catalog = Catalog::load(source, &CONTENT_LIMITS)
        .with_context(|| format!("cannot load the responses from {}", source.describe()))?;
    for warning in catalog.warnings() {
        tracing::warn!("{warning}");
    }
    Ok(catalog)
}

pub fn execute(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Run {
            config,
            dry_run,
            log_format,
        } => run(config.as_deref(), dry_run, log_format),
        Command::Console {
            config,
            responses,
            passive,
        } => {
            let file = ConfigFile::locate(config.as_deref());
            let config = file.load(None)?;
            let source = configured_source(responses.as_deref(), &config);
            let catalog = load(&source)?;
            let sources = sources_line(&file, &source, &catalog);
            let catalog = CatalogHandle::new(catalog);
            let addressing = if passive {
                Addressing::Passive
            } else {
                Addressing::Direct
            };
            let setup = console::Setup {
                addressing,
                rules: console::ChannelRules::from_config(&config.discord),
                source,
                sources,
                // A person reads a terminal; a pipe gets whole lines for the program reading it.
                width: io::stdout().is_terminal().then(textwrap::termwidth),
            };
            // A person at a terminal gets line editing and history; a pipe is read as it is.
            let mut input: Box<dyn console::LineSource> = if io::stdin().is_terminal() {
                Box::new(console::Terminal::new().context("cannot start the line editor")?)
            } else {
                Box::new(console::Piped(io::stdin().lock()))
            };
            console::run(&catalog, &setup, input.as_mut(), io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ask {
            config,
            responses,
            direct,
            message,
        } => {
            let config = ConfigFile::locate(config.as_deref()).load(None)?;
            let catalog = load(&configured_source(responses.as_deref(), &config))?;
            let addressing = if direct {
                Addressing::Direct
            } else {
                Addressing::Passive
            };
            let mut out = io::stdout().lock();
            // As in a channel: a message too long to be a question is not even matched.
            let ignored = match addressing {
                Addressing::Passive => {
                    console::ChannelRules::from_config(&config.discord).ignores(&message)
                }
                Addressing::Direct => None,
            };
            match (
                ignored,
                bot::reply_to_message(&catalog, &message, addressing),
            ) {
                (Some(why), _) => writeln!(out, "(no reply: the bot stays silent: {why})")?,
                (None, Some(reply)) => write!(out, "{}", console::render_text(&reply, false))?,
                (None, None) => writeln!(out, "(no reply: the bot stays silent)")?,
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Match { responses } => {
            let catalog = load(&response_source(responses.as_deref()))?;
            stream_matches(&catalog, io::stdin().lock(), io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { dir, verbose } => Ok(check(&dir, verbose, &mut io::stdout().lock())?),
        Command::Import(Import::Medquad { src, out }) => {
            let support = crate::import::medquad::Support {
                catalog_toml: crate::catalog::built_in_file("catalog.toml").unwrap_or_default(),
                language_toml: crate::catalog::built_in_file(crate::catalog::LANGUAGE_FILE)
                    .unwrap_or_default(),
            };
            let summary = crate::import::medquad::import(&src, &out, &support)
                .with_context(|| format!("cannot import MedQuAD from {}", src.display()))?;
            println!("{summary}");
            println!(
                "wrote {}; run `immunobot check {}` before serving it",
                out.display(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval { responses, file } => {
            let catalog = load(&response_source(responses.as_deref()))?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let report = eval::evaluate(&catalog, &text).map_err(|problems| {
                let shown: Vec<String> = problems
                    .iter()
                    .map(|problem| format!("{}: {problem}", file.display()))
                    .collect();
                anyhow::anyhow!(
                    "{} problem(s) in the labelled file:\n{}",
                    shown.len(),
                    shown.join("\n")
                )
            })?;
            let mut out = io::stdout().lock();
            write!(out, "{}", report.render())?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn run(
    config_path: Option<&Path>,
    dry_run: bool,
    log_format: Option<LogFormat>,
) -> anyhow::Result<ExitCode> {
    // Named on the command line, the format applies before the config is read, so that even a
    // refused config is reported in it.
    if let Some(format) = log_format {
        logging::init(format, "info");
    }
    let file = ConfigFile::locate(config_path);
    let config = file.load(std::env::var(config::TOKEN_VAR).ok())?;
    logging::init(config.log_format, "info");
    if !dry_run {
        // Before reading any response file: without a token there is nothing to run.
        config.discord.token()?;
    }
    info!(config = %file, "read the config");
    let source = configured_source(None, &config);
    let catalog = load(&source)?;
    info!(
        responses = %source.describe(),
        topics = catalog.topics().len(),
        questions = catalog.question_count(),
        "loaded the responses"
    );
    if dry_run {
        let mut out = io::stdout().lock();
        writeln!(out, "{}", sources_line(&file, &source, &catalog))?;
        if config.discord.token.is_none() {
            writeln!(
                out,
                "note: {}; `immunobot run` needs it, --dry-run does not",
                config::NO_TOKEN
            )?;
        }
        writeln!(
            out,
            "config and responses are valid; not connecting (--dry-run)"
        )?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let result = runtime.block_on(discord::run(&config, CatalogHandle::new(catalog), source));
    // Dropping a runtime waits for its blocking tasks without end (a DNS lookup of an
    // unreachable host, say); a stop must not.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    result?;
    info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Writes `{"topic": id|null, "score": n, "reason": "...", "safety": "crisis"|"advice"|null}`
/// per input line (what the bot would do in a channel: a flagged message gets no topic), flushing whenever
/// the input has nothing more buffered, so it streams through pipes and stays fast in bulk.
pub fn stream_matches(catalog: &Catalog, input: impl Read, output: impl Write) -> io::Result<()> {
    let mut input = BufReader::with_capacity(64 * 1024, input);
    let mut output = BufWriter::with_capacity(64 * 1024, output);
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let lossy;
        let text = match std::str::from_utf8(&line) {
            Ok(text) => text,
            Err(_) => {
                lossy = String::from_utf8_lossy(&line);
                &lossy
            }
        };
        let text = text.trim_end_matches(['\n', '\r']);
        let assessment = catalog.matcher().assess(text, Addressing::Passive);
        // The safety router runs first in the bot: a flagged message gets no topic answer.
        let safety = catalog.safety().router.classify(text);
        if assessment.reason == crate::matching::Reason::NoTopic && safety.is_none() {
            // The overwhelmingly common line, written without formatting.
            output.write_all(
                b"{\"topic\":null,\"score\":0.000,\"reason\":\"no-topic\",\"safety\":null}\n",
            )?;
        } else {
            match assessment.answer().filter(|_| safety.is_none()) {
                Some(index) => write!(output, "{{\"topic\":\"{}\"", catalog.topic(index).id)?,
                None => output.write_all(b"{\"topic\":null")?,
            }
            write!(
                output,
                ",\"score\":{:.3},\"reason\":\"{}\"",
                assessment.score,
                assessment.reason.as_str()
            )?;
            match safety {
                Some(kind) => writeln!(output, ",\"safety\":\"{}\"}}", kind.as_str())?,
                None => output.write_all(b",\"safety\":null}\n")?,
            }
        }
        // Nothing more read ahead: the next read may block, so let what we have go out first.
        if input.buffer().is_empty() {
            output.flush()?;
        }
    }
    output.flush()
}

fn check(dir: &Path, verbose: bool, out: &mut impl Write) -> io::Result<ExitCode> {
    let source = ResponseSource::Dir(dir.to_path_buf());
    let catalog = match Catalog::load(&source, &CONTENT_LIMITS) {
        Ok(catalog) => catalog,
        Err(err) => {
            for line in err.report(verbose) {
                writeln!(out, "{line}")?;
            }
            let count = err.root_errors().count();
            eprintln!(
                "{}: invalid ({count} {})",
                dir.display(),
                plural(count, "problem", "problems")
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    for warning in catalog.warnings() {
        writeln!(out, "{warning}")?;
    }
    let (failures, rate) = crate::catalog::check_routing(&catalog);
    for failure in &failures {
        writeln!(out, "{failure}")?;
    }
    // Every question answered by its own answer is the usual case and says nothing new.
    if rate.own < rate.questions {
        println!("{rate}");
    }
    if !failures.is_empty() {
        eprintln!(
            "{}: {} {} no longer route as expected",
            dir.display(),
            failures.len(),
            plural(failures.len(), "example", "examples")
        );
        return Ok(ExitCode::FAILURE);
    }
    writeln!(
        out,
        "{}: ok: {} topics, {} questions, {} examples",
        dir.display(),
        catalog.topics().len(),
        catalog.question_count(),
        catalog.examples().len()
    )?;
    Ok(ExitCode::SUCCESS)
}
