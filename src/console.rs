//! The same bot in a terminal: type a message, read the reply, type a button's number to press
//! it. Goes through exactly the core functions the Discord adapter uses.

use std::io::{self, BufRead, Write};

use crate::bot;
use crate::catalog::CatalogHandle;
use crate::matching::Addressing;
use crate::reply::Reply;

const HELP: &str = "Type a question, or a button's number to press it.
Commands: /therapy <id>, /ask <question>, /topics, /help, /quit";

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

/// Runs the console until end of input or `/quit`.
pub fn run(
    catalog: &CatalogHandle,
    addressing: Addressing,
    input: impl BufRead,
    mut output: impl Write,
    prompt: bool,
) -> io::Result<()> {
    let mut last_buttons: Vec<String> = Vec::new();
    writeln!(
        output,
        "immunobot console: {} topics loaded. {HELP}",
        catalog.current().topics().len()
    )?;
    if prompt {
        write!(output, "> ")?;
        output.flush()?;
    }
    for line in input.lines() {
        let line = line?;
        let text = line.trim();
        let catalog = catalog.current();
        let reply = if text.is_empty() {
            None
        } else if text == "/quit" || text == "/exit" {
            break;
        } else if text == "/help" {
            writeln!(output, "{HELP}")?;
            None
        } else if text == "/topics" {
            for topic in catalog.topics() {
                writeln!(output, "{:<24} {}", topic.id, topic.label)?;
            }
            None
        } else if let Ok(number) = text.parse::<usize>() {
            match last_buttons.get(number.wrapping_sub(1)) {
                Some(custom_id) => Some(bot::reply_to_button(&catalog, custom_id)),
                None => {
                    writeln!(output, "There is no button {number}.")?;
                    None
                }
            }
        } else if let Some(id) = text.strip_prefix("/therapy") {
            Some(bot::reply_to_therapy(&catalog, id))
        } else if let Some(question) = text.strip_prefix("/ask") {
            Some(bot::reply_to_ask(&catalog, question))
        } else {
            let reply = bot::reply_to_message(&catalog, text, addressing);
            if reply.is_none() {
                writeln!(output, "(the bot stays silent)")?;
            }
            reply
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
