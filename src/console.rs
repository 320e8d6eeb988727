//! The same bot in a terminal: type a message, read the reply, type a button's number to press
//! it. Goes through exactly the core functions the Discord adapter uses, and with `--passive`
//! applies the channel rules a real channel does (the config's `max_passive_length` and answer
//! cooldown, through [`crate::guard`]), so what it shows is what a channel would see.

use std::io::{self, BufRead, Write};
use std::time::{Duration, Instant};

use crate::bot;
use crate::catalog::{Catalog, CatalogHandle, ResponseSource};
use crate::config::DiscordConfig;
use crate::discord::CONTENT_LIMITS;
use crate::guard::{Claim, Cooldown};
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
    if let Some(page) = reply.page {
        out.push_str(&format!("\n({page})\n"));
    }
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

/// What a real channel applies to the messages the bot overhears (`[discord]` of the config),
/// so that `console --passive` and `ask` show what a channel would really see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelRules {
    /// Longer messages are not questions for the bot (`max_passive_length`).
    pub max_passive_length: usize,
    /// The same answer at most once per window in a channel (`cooldown_seconds`); zero = off.
    pub cooldown: Duration,
}

impl ChannelRules {
    pub fn from_config(config: &DiscordConfig) -> ChannelRules {
        ChannelRules {
            max_passive_length: config.max_passive_length,
            cooldown: config.cooldown,
        }
    }

    /// Why a channel would not even consider `text`, if it would not.
    pub fn ignores(&self, text: &str) -> Option<String> {
        (text.chars().count() > self.max_passive_length).then(|| {
            format!(
                "in a channel, messages over {} characters are not questions for the bot (max_passive_length)",
                self.max_passive_length
            )
        })
    }
}

/// How this console session treats messages, and what its banner says.
#[derive(Debug, Clone)]
pub struct Setup {
    pub addressing: Addressing,
    /// Applied when `addressing` is passive, as a channel applies them.
    pub rules: ChannelRules,
    /// Where the responses come from, for `/reload`.
    pub source: ResponseSource,
    /// Which config and which responses are in force, shown in the banner.
    pub sources: String,
    /// Wrap what is shown at this many columns (a terminal's width); `None` writes lines whole.
    pub width: Option<usize>,
}

/// The banner's line about how messages are treated.
fn mode_line(setup: &Setup) -> String {
    match setup.addressing {
        Addressing::Direct => "Mode: a direct message to the bot (it answers, suggests, or says it has no reviewed answer). Use --passive to see what a channel sees.".to_string(),
        Addressing::Passive => {
            let cooldown = match setup.rules.cooldown.as_secs() {
                0 => "no cooldown".to_string(),
                secs => format!("the same answer at most once per {secs} s"),
            };
            format!(
                "Mode: a channel the bot overhears (--passive), with the config's channel rules: it answers only when sure, ignores messages over {} characters, {cooldown}.",
                setup.rules.max_passive_length
            )
        }
    }
}

/// The reply to a message, or why there is none: the same decisions the Discord handler makes
/// for a message in one channel (length, match, cooldown).
fn channel_reply(
    catalog: &Catalog,
    text: &str,
    setup: &Setup,
    cooldown: Option<&Cooldown>,
    message_id: u64,
) -> Result<Reply, String> {
    const SILENT: &str = "(the bot stays silent";
    if setup.addressing == Addressing::Passive {
        if let Some(why) = setup.rules.ignores(text) {
            return Err(format!("{SILENT}: {why})"));
        }
    }
    let reply = bot::reply_to_message(catalog, text, setup.addressing)
        .ok_or_else(|| format!("{SILENT})"))?;
    if let (Some(cooldown), Some(topic)) = (cooldown, reply.topic()) {
        let now = Instant::now();
        match cooldown.claim(CHANNEL, topic, message_id, now) {
            Claim::Granted(ticket) => ticket.answered(message_id, now),
            Claim::Cooling(_) => {
                return Err(format!(
                "{SILENT}: it answered this in this channel less than {} s ago (cooldown_seconds))",
                cooldown.window().as_secs()
            ))
            }
        }
    }
    Ok(reply)
}

/// The one channel the console stands for.
const CHANNEL: u64 = 1;

/// Where the console's lines come from: a line editor at a terminal, or plain lines from a pipe.
pub trait LineSource {
    /// The next line without its line break, or `None` at the end of input.
    fn next_line(&mut self) -> io::Result<Option<String>>;
}

/// Lines from a pipe or a file, read as they are (scripts and tests drive the console this way).
pub struct Piped<R>(pub R);

impl<R: BufRead> LineSource for Piped<R> {
    fn next_line(&mut self) -> io::Result<Option<String>> {
        let mut line = String::new();
        if self.0.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let end = line.trim_end_matches(['\n', '\r']).len();
        line.truncate(end);
        Ok(Some(line))
    }
}

/// A line editor for a person at a terminal: arrow keys, editing and history of this session.
/// The history is never written to disk: what members type can be about their health.
pub struct Terminal(rustyline::DefaultEditor);

impl Terminal {
    pub fn new() -> io::Result<Terminal> {
        let config = rustyline::Config::builder()
            .auto_add_history(true)
            .max_history_size(500)
            .map_err(io::Error::other)?
            .build();
        rustyline::DefaultEditor::with_config(config)
            .map(Terminal)
            .map_err(io::Error::other)
    }
}

impl LineSource for Terminal {
    fn next_line(&mut self) -> io::Result<Option<String>> {
        use rustyline::error::ReadlineError;
        match self.0.readline("> ") {
            Ok(line) => Ok(Some(line)),
            // Ctrl-D and Ctrl-C leave, as in a shell.
            Err(ReadlineError::Eof | ReadlineError::Interrupted) => Ok(None),
            Err(ReadlineError::Io(err)) => Err(err),
            Err(err) => Err(io::Error::other(err)),
        }
    }
}

/// `text` wrapped at word boundaries to `width` columns; as it is without a width. Words longer
/// than a line (a link) are kept whole rather than cut.
pub fn wrap(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else {
        return text.to_string();
    };
    let options = textwrap::Options::new(width.max(20)).break_words(false);
    let mut out = String::with_capacity(text.len() + text.len() / width.max(1));
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        out.push_str(&textwrap::fill(body, &options));
        out.push_str(newline);
    }
    out
}

/// Runs the console until end of input or `/quit`.
pub fn run(
    catalog: &CatalogHandle,
    setup: &Setup,
    input: &mut dyn LineSource,
    mut output: impl Write,
) -> io::Result<()> {
    let mut say = |text: &str| -> io::Result<()> {
        output.write_all(wrap(text, setup.width).as_bytes())?;
        output.flush()
    };
    let mut last_buttons: Vec<String> = Vec::new();
    say(&format!(
        "immunobot console\n{}\n{}\n{HELP}\n",
        setup.sources,
        mode_line(setup)
    ))?;
    // The console is one channel; each line is one message in it.
    let cooldown = (setup.addressing == Addressing::Passive && !setup.rules.cooldown.is_zero())
        .then(|| Cooldown::new(setup.rules.cooldown));
    let mut message_id: u64 = 0;
    while let Some(line) = input.next_line()? {
        let snapshot = catalog.current();
        let mut said = String::new();
        let reply = match parse(&line) {
            Input::Nothing => None,
            Input::Quit => break,
            Input::Help => {
                said = format!("{HELP}\n");
                None
            }
            Input::Topics => {
                for topic in snapshot.topics() {
                    said.push_str(&format!("{:<24} {}\n", topic.id, topic.label));
                }
                None
            }
            Input::Reload => {
                said = match catalog.reload(&setup.source, &CONTENT_LIMITS) {
                    Ok(summary) => format!("Reloaded: {summary}\n"),
                    Err(err) => {
                        let mut text =
                            "Nothing was reloaded; the previous responses are still live.\n"
                                .to_string();
                        for line in err.report(false) {
                            text.push_str(&line);
                            text.push('\n');
                        }
                        text
                    }
                };
                None
            }
            Input::Usage(usage) => {
                said = format!("{usage}\n");
                None
            }
            Input::Unknown(command) => {
                said = format!("Unknown command {command}. Try /help.\n");
                None
            }
            Input::Button(number) => match last_buttons.get(number.wrapping_sub(1)) {
                Some(custom_id) => Some(bot::reply_to_button(&snapshot, custom_id)),
                None => {
                    said = format!("There is no button {number}.\n");
                    None
                }
            },
            Input::Therapy(id) => Some(bot::reply_to_therapy(&snapshot, id)),
            Input::Ask(question) => Some(bot::reply_to_ask(&snapshot, question)),
            Input::Message(text) => {
                message_id += 1;
                match channel_reply(&snapshot, text, setup, cooldown.as_ref(), message_id) {
                    Ok(reply) => Some(reply),
                    Err(why) => {
                        said = format!("{why}\n");
                        None
                    }
                }
            }
        };
        if let Some(reply) = reply {
            said = format!("{}\n", render_text(&reply, true));
            last_buttons = reply
                .buttons
                .iter()
                .map(|button| button.action.to_custom_id())
                .collect();
        }
        say(&said)?;
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

    #[test]
    fn wrapping_breaks_lines_between_words_never_inside_one() {
        let text = "== What does the term \"immunotherapy\" refer to? ==\nImmunotherapy is a type of treatment that helps the immune system fight disease more effectively.\n\n— Medically reviewed by SecondMedic medical review team\nhttps://discord.com/channels/900000000000000003/900000000000000004/900000000000000005\n";
        let wrapped = wrap(text, Some(40));
        for line in wrapped.lines() {
            assert!(
                line.chars().count() <= 40 || !line.contains(' '),
                "{line:?} is longer than 40 columns"
            );
        }
        // The same words in the same order, none cut in two; blank lines kept.
        let words = |text: &str| {
            text.split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(words(&wrapped), words(text));
        assert!(wrapped.contains("\n\n— Medically"), "{wrapped}");
        assert!(wrapped.ends_with('\n'));
        // Without a terminal, lines are left whole.
        assert_eq!(wrap(text, None), text);
    }

    #[test]
    fn piped_lines_lose_their_line_breaks_only() {
        let mut input = Piped(&b"what is car-t?\r\n  /topics \nlast"[..]);
        assert_eq!(
            input.next_line().unwrap().as_deref(),
            Some("what is car-t?")
        );
        assert_eq!(input.next_line().unwrap().as_deref(), Some("  /topics "));
        assert_eq!(input.next_line().unwrap().as_deref(), Some("last"));
        assert_eq!(input.next_line().unwrap(), None);
    }
}
