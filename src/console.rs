//! The same bot in a terminal: type a message, read the reply, type a button's number to press
//! it. Goes through exactly the core functions the Discord adapter uses.

use std::io::{self, BufRead, Write};

use crate::bot;
use crate::catalog::{CatalogHandle, ResponseSource};
use crate::discord::CONTENT_LIMITS;
use crate::matching::Addressing;
use crate::reply::Reply;

const HELP: &str = "Type a question, or a button's number to press it.
Commands: /therapy <id>, /ask <question>, /topics, /reload, /help, /quit";

const THERAPY_USAGE: &str =
    "Usage: /therapy <id>, with an id from /topics (for example /therapy car-t).";
const ASK_USAGE: &str = "Usage: /ask <question> (for example /ask what is immunotherapy?).";

/// What a line typed into the console asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input<'a> {
    Nothing,
    Quit,
    Help,
    Topics,
    /// Read the response files again, as `/reload` does on Discord.
    Reload,
    Therapy(&'a str),
    Ask(&'a str),
    /// A known command without what it needs: show how it is used.
    Usage(&'static str),
    /// A slash command the console does not know (never taken for a question).
    Unknown(&'a str),
    /// A button's number, 1-based.
    Button(usize),
    Message(&'a str),
}

/// Reads one line. Command names are case-insensitive; whatever follows them is kept as typed.
pub fn parse(line: &str) -> Input<'_> {
    let text = line.trim();
    if text.is_empty() {
        return Input::Nothing;
    }
    if let Ok(number) = text.parse::<usize>() {
        return Input::Button(number);
    }
    let Some(command) = text.strip_prefix('/') else {
        return Input::Message(text);
    };
    let (name, argument) = command
        .split_once(char::is_whitespace)
        .map_or((command, ""), |(name, rest)| (name, rest.trim()));
    match (name.to_ascii_lowercase().as_str(), argument) {
        ("quit" | "exit", _) => Input::Quit,
        ("help", _) => Input::Help,
        ("topics", _) => Input::Topics,
        ("reload", _) => Input::Reload,
        ("therapy", "") => Input::Usage(THERAPY_USAGE),
        ("therapy", id) => Input::Therapy(id),
        ("ask", "") => Input::Usage(ASK_USAGE),
        ("ask", question) => Input::Ask(question),
        _ => Input::Unknown(text),
    }
}

/// Renders a reply as plain text. Buttons are shown as `[Label]`, or `[1] Label` when numbered.
pub fn render_text(reply: &Reply, numbered: bool) -> String {
    let mut out = String::new();
    if let Some(title) = &reply.title {
        out.push_str(&format!("== {title} ==\n"));
    }
    out.push_str(&reply.body);
    out.push('\n');
    if let Some(provenance) = &reply.provenance {
        out.push_str(&format!("\n— {provenance}\n"));
    }
    if let Some(disclaimer) = &reply.disclaimer {
        if reply.provenance.is_none() {
            out.push('\n');
        }
        out.push_str(&format!("Please note: {disclaimer}\n"));
    }
    if !reply.buttons.is_empty() {
        let buttons: Vec<String> = reply
            .buttons
            .iter()
            .enumerate()
            .map(|(i, button)| {
                if numbered {
                    format!("[{}] {}", i + 1, button.label)
                } else {
                    format!("[{}]", button.label)
                }
            })
            .collect();
        out.push_str(&format!("\n{}\n", buttons.join("  ")));
    }
    out
}

/// How this console session treats messages, and what its banner says.
#[derive(Debug, Clone)]
pub struct Setup {
    pub addressing: Addressing,
    /// Where the responses come from, for `/reload`.
    pub source: ResponseSource,
    /// Which config and which responses are in force, shown in the banner.
    pub sources: String,
}

/// Runs the console until end of input or `/quit`.
pub fn run(
    catalog: &CatalogHandle,
    setup: &Setup,
    input: impl BufRead,
    mut output: impl Write,
    prompt: bool,
) -> io::Result<()> {
    let mut last_buttons: Vec<String> = Vec::new();
    writeln!(output, "immunobot console\n{}\n{HELP}", setup.sources)?;
    if prompt {
        write!(output, "> ")?;
        output.flush()?;
    }
    for line in input.lines() {
        let line = line?;
        let snapshot = catalog.current();
        let reply = match parse(&line) {
            Input::Nothing => None,
            Input::Quit => break,
            Input::Help => {
                writeln!(output, "{HELP}")?;
                None
            }
            Input::Topics => {
                for topic in snapshot.topics() {
                    writeln!(output, "{:<24} {}", topic.id, topic.label)?;
                }
                None
            }
            Input::Reload => {
                match catalog.reload(&setup.source, &CONTENT_LIMITS) {
                    Ok(summary) => writeln!(output, "Reloaded: {summary}")?,
                    Err(err) => {
                        writeln!(
                            output,
                            "Nothing was reloaded; the previous responses are still live."
                        )?;
                        for line in err.report(false) {
                            writeln!(output, "{line}")?;
                        }
                    }
                }
                None
            }
            Input::Usage(usage) => {
                writeln!(output, "{usage}")?;
                None
            }
            Input::Unknown(command) => {
                writeln!(output, "Unknown command {command}. Try /help.")?;
                None
            }
            Input::Button(number) => match last_buttons.get(number.wrapping_sub(1)) {
                Some(custom_id) => Some(bot::reply_to_button(&snapshot, custom_id)),
                None => {
                    writeln!(output, "There is no button {number}.")?;
                    None
                }
            },
            Input::Therapy(id) => Some(bot::reply_to_therapy(&snapshot, id)),
            Input::Ask(question) => Some(bot::reply_to_ask(&snapshot, question)),
            Input::Message(text) => {
                let reply = bot::reply_to_message(&snapshot, text, setup.addressing);
                if reply.is_none() {
                    writeln!(output, "(the bot stays silent)")?;
                }
                reply
            }
        };
        if let Some(reply) = reply {
            writeln!(output, "{}", render_text(&reply, true))?;
            last_buttons = reply
                .buttons
                .iter()
                .map(|button| button.action.to_custom_id())
                .collect();
        }
        if prompt {
            write!(output, "> ")?;
            output.flush()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_case_insensitive_and_never_taken_for_questions() {
        for (line, expected) in [
            ("", Input::Nothing),
            ("  /QUIT ", Input::Quit),
            ("/Help", Input::Help),
            ("/TOPICS", Input::Topics),
            ("/reload", Input::Reload),
            ("/therapy", Input::Usage(THERAPY_USAGE)),
            ("/therapy   ", Input::Usage(THERAPY_USAGE)),
            ("/Therapy CAR-T", Input::Therapy("CAR-T")),
            ("/ask", Input::Usage(ASK_USAGE)),
            ("/ASK what is car-t?", Input::Ask("what is car-t?")),
            ("/foo", Input::Unknown("/foo")),
            ("/therapycar-t", Input::Unknown("/therapycar-t")),
            ("2", Input::Button(2)),
            ("what is car-t?", Input::Message("what is car-t?")),
        ] {
            assert_eq!(parse(line), expected, "{line:?}");
        }
    }
}
