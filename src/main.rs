//! `immunobot`: wiring only. Parse the command line, start logging, run, and print the whole
//! error chain in one place.

use std::process::ExitCode;

use clap::Parser;
use immunobot::cli::{execute, Cli, Command};
use immunobot::logging::{self, LogFormat};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `run` starts logging itself, in the format its config or `--log-format` asks for.
    if !matches!(cli.command, Command::Run { .. }) {
        logging::init(LogFormat::Text, cli.command.default_log_level());
    }
    match execute(cli.command) {
        Ok(code) => code,
        // A reader that stopped reading (`immunobot match < big.txt | head`) is not a failure:
        // the output went exactly where it was wanted, as far as it was wanted.
        Err(err) if is_closed_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // A JSON log stays all JSON: the last word is one more object in it.
            if logging::started() == Some(LogFormat::Json)
                && tracing::enabled!(tracing::Level::ERROR)
            {
                tracing::error!("{err:#}");
            } else {
                eprintln!("error: {err:#}");
            }
            ExitCode::FAILURE
        }
    }
}

fn is_closed_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
