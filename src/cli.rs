//! The command line: parsing (clap) and one function per subcommand.
//!
//! These forms are stable; scripts and tests rely on them:
//! `run [--config FILE]`, `console [--responses DIR]`, `ask [--responses DIR] MESSAGE`,
//! `match [--responses DIR]`, `check [DIR]`, `eval [--responses DIR] FILE`,
//! `import medquad SRC --out DIR`.

use std::io::{self, BufRead as _, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing::info;

use crate::catalog::{Catalog, CatalogHandle, ResponseSource};
use crate::config::{self, Config};
use crate::discord::{self, CONTENT_LIMITS};
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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Discord bot (token from DISCORD_TOKEN).
    Run {
        /// Config file (see config.toml.example).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Validate the config and the responses, then exit without connecting.
        #[arg(long)]
        dry_run: bool,
    },
    /// Talk to the bot in this terminal: no token, no network.
    Console {
        #[arg(long, value_name = "DIR")]
        responses: Option<PathBuf>,
        /// Behave as in a channel the bot only overhears: answer when sure, else stay silent.
        #[arg(long)]
        passive: bool,
    },
    /// Print the reply the bot would send to MESSAGE in a channel.
    Ask {
        #[arg(long, value_name = "DIR")]
        responses: Option<PathBuf>,
        /// Reply as if the message mentioned the bot (suggestions, "no reviewed answer").
        #[arg(long)]
        direct: bool,
        message: String,
    },
    /// Read messages from stdin, one per line; write one JSON object per line.
    Match {
        #[arg(long, value_name = "DIR")]
        responses: Option<PathBuf>,
    },
    /// Validate response files and run their examples.
    Check {
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Measure matching on a labelled file (`label<TAB>message`, `none` for silence).
    Eval {
        #[arg(long, value_name = "DIR")]
        responses: Option<PathBuf>,
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
        Command::Run { config, dry_run } => run(config.as_deref(), dry_run),
        Command::Console { responses, passive } => {
            let catalog = CatalogHandle::new(load(&response_source(responses.as_deref()))?);
            let addressing = if passive {
                Addressing::Passive
            } else {
                Addressing::Direct
            };
            let stdin = io::stdin();
            let prompt = stdin.is_terminal();
            console::run(
                &catalog,
                addressing,
                stdin.lock(),
                io::stdout().lock(),
                prompt,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ask {
            responses,
            direct,
            message,
        } => {
            let catalog = load(&response_source(responses.as_deref()))?;
            let addressing = if direct {
                Addressing::Direct
            } else {
                Addressing::Passive
            };
            match bot::reply_to_message(&catalog, &message, addressing) {
                Some(reply) => print!("{}", console::render_text(&reply, false)),
                None => println!("(no reply: the bot stays silent)"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Match { responses } => {
            let catalog = load(&response_source(responses.as_deref()))?;
            stream_matches(&catalog, io::stdin().lock(), io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { dir } => Ok(check(dir.as_deref())),
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
            print!("{}", report.render());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn run(config_path: Option<&Path>, dry_run: bool) -> anyhow::Result<ExitCode> {
    let config = Config::load(config_path, std::env::var(config::TOKEN_VAR).ok())?;
    let source = if config_path.is_some() {
        ResponseSource::Dir(config.responses_dir.clone())
    } else {
        response_source(None)
    };
    let catalog = load(&source)?;
    info!(
        responses = %source.describe(),
        topics = catalog.topics().len(),
        questions = catalog.question_count(),
        "loaded the responses"
    );
    if dry_run {
        println!(
            "config and responses are valid ({} topics); not connecting (--dry-run)",
            catalog.topics().len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(discord::run(&config, CatalogHandle::new(catalog), source))?;
    info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Writes `{"topic": id|null, "score": n, "reason": "..."}` per input line, flushing whenever
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
        if assessment.reason == crate::matching::Reason::NoTopic {
            // The overwhelmingly common line, written without formatting.
            output.write_all(b"{\"topic\":null,\"score\":0.000,\"reason\":\"no-topic\"}\n")?;
        } else {
            match assessment.answer() {
                Some(index) => write!(output, "{{\"topic\":\"{}\"", catalog.topic(index).id)?,
                None => output.write_all(b"{\"topic\":null")?,
            }
            writeln!(
                output,
                ",\"score\":{:.3},\"reason\":\"{}\"}}",
                assessment.score,
                assessment.reason.as_str()
            )?;
        }
        // Nothing more read ahead: the next read may block, so let what we have go out first.
        if input.buffer().is_empty() {
            output.flush()?;
        }
    }
    output.flush()
}

fn check(dir: Option<&Path>) -> ExitCode {
    let dir = dir.unwrap_or(Path::new(config::DEFAULT_RESPONSES_DIR));
    let source = ResponseSource::Dir(dir.to_path_buf());
    let catalog = match Catalog::load(&source, &CONTENT_LIMITS) {
        Ok(catalog) => catalog,
        Err(err) => {
            for problem in &err.problems {
                println!("{problem}");
            }
            eprintln!(
                "{}: invalid ({} errors)",
                dir.display(),
                err.errors().count()
            );
            return ExitCode::FAILURE;
        }
    };
    for warning in catalog.warnings() {
        println!("{warning}");
    }
    let (failures, rate) = crate::catalog::check_routing(&catalog);
    for failure in &failures {
        println!("{failure}");
    }
    // Every question answered by its own answer is the usual case and says nothing new.
    if rate.own < rate.questions {
        println!("{rate}");
    }
    if !failures.is_empty() {
        eprintln!(
            "{}: {} example(s) no longer route as expected",
            dir.display(),
            failures.len()
        );
        return ExitCode::FAILURE;
    }
    println!(
        "{}: ok: {} topics, {} questions, {} examples",
        dir.display(),
        catalog.topics().len(),
        catalog.question_count(),
        catalog.examples().len()
    );
    ExitCode::SUCCESS
}
