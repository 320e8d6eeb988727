//! TOML errors in plain words, for the people who edit the bot's files (response files and
//! `config.toml`): "this string is not closed: add a `"` at the end of the line", not
//! "invalid basic string"; "expected a whole number of seconds, like 300", not "expected u64".
//!
//! Owns the wording and the line an error is reported on. It never reads files and never
//! decides what is an error: a message it does not know is passed on as the parser wrote it.

use crate::catalog::line_of;

/// The 1-based line and the plain-words message of a TOML error in `text`.
pub fn describe(err: &toml::de::Error, text: &str) -> (Option<usize>, String) {
    let span = err.span();
    let at = span.as_ref().map_or(0, |span| span.start.min(text.len()));
    let mut line = span.as_ref().map(|_| line_of(text, at));
    let message = err.message().trim();
    let (head, _) = message.split_once('\n').unwrap_or((message, ""));
    let plain = match head {
        "" => {
            // The parser gives some syntax errors no message at all (a carriage return that
            // starts a line, for one), which would leave a bare `FILE:LINE:`.
            if text.get(at..).is_some_and(|rest| rest.starts_with('\r')) {
                "a carriage return without a line feed after it: save the file with Unix (LF) or Windows (CRLF) line endings".to_string()
            } else {
                "is not valid TOML here".to_string()
            }
        }
        "invalid basic string" => {
            "this string is not closed: add a `\"` at the end of the line".to_string()
        }
        "invalid literal string" => {
            "this string is not closed: add a `'` at the end of the line".to_string()
        }
        "invalid multiline basic string" | "invalid multiline literal string" => {
            let fence = if head.contains("basic") { "\"\"\"" } else { "'''" };
            // The parser points at the end of the file; the moderator needs the opening line.
            if let Some(opening) = text[..at].rfind(fence) {
                line = Some(line_of(text, opening));
            }
            format!("this text is never closed: add `{fence}` after its last line")
        }
        "invalid escape sequence" => "a `\\` here starts an escape that TOML does not know: write `\\\\` for a backslash, or use a '''literal''' string, which keeps backslashes as they are".to_string(),
        "invalid string" => {
            "expected a value after `=`: put text in quotes, like \"...\"".to_string()
        }
        "invalid array" => "this list is not closed, or two of its items have no comma between them: separate items with `,` and end the list with `]`".to_string(),
        "invalid inline table" => {
            "this `{ ... }` is not closed: end it with `}` on the same line".to_string()
        }
        "invalid table header" => "this [section] header is not closed: add `]`".to_string(),
        "expected `.`, `=`" => "expected `=` after the key: write `key = value`".to_string(),
        "expected newline, `#`" => {
            "unexpected text after the value: write one `key = value` per line".to_string()
        }
        "invalid key" => "expected a key here, like `title = ...`".to_string(),
        "number too large to fit in target type" => "this number is too large".to_string(),
        _ => {
            if let Some(plain) = wrong_type(head, key_at(text, at)) {
                plain
            } else if let Some(plain) = unknown_key(head) {
                plain
            } else if let Some(key) = between(head, "duplicate key `", "`") {
                format!("`{key}` is set twice; set each key once")
            } else {
                // Anything else is said as the parser said it, on one line.
                message.replace('\n', "; ")
            }
        }
    };
    (line, plain)
}

/// The key whose value starts at `at`, when it stands on the same line (`key = value`).
fn key_at(text: &str, at: usize) -> Option<&str> {
    let start = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
    let (key, _) = text[start..at].split_once('=')?;
    let key = key.trim().rsplit('.').next()?.trim().trim_matches('"');
    (!key.is_empty()).then_some(key)
}

/// `invalid type: string "5m", expected u64` and `invalid value: integer `-1`, expected u64`.
fn wrong_type(head: &str, key: Option<&str>) -> Option<String> {
    let rest = head
        .strip_prefix("invalid type: ")
        .or_else(|| head.strip_prefix("invalid value: "))?;
    let (found, expected) = rest.rsplit_once(", expected ")?;
    let key_says =
        |suffixes: &[&str]| key.is_some_and(|key| suffixes.iter().any(|s| key.ends_with(s)));
    let wanted = match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
            if key_says(&["_seconds"]) {
                "a whole number of seconds, like 300"
            } else if key_says(&["id", "ids", "guilds", "channels"]) {
                "an id: a number without quotes, like 123456789012345678"
            } else {
                "a whole number (0 or more), like 5"
            }
        }
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number, like 5",
        "a boolean" => "true or false, without quotes",
        "a string" => "text in quotes, like \"...\"",
        "a sequence" => "a list in square brackets, like [\"a\", \"b\"]",
        _ => return None,
    };
    let found = shown_value(found);
    Some(match key {
        Some(key) => format!("`{key}`: expected {wanted}, not {found}"),
        None => format!("expected {wanted}, not {found}"),
    })
}

/// `string "5m"` -> `"5m"`, ``integer `-1` `` -> `-1`, `sequence` -> `a list`.
fn shown_value(found: &str) -> String {
    if let Some(value) = between(found, "`", "`") {
        return value.to_string();
    }
    if let Some(text) = found.strip_prefix("string ") {
        return text.to_string();
    }
    match found {
        "sequence" => "a list".to_string(),
        "map" => "a table".to_string(),
        other => other.to_string(),
    }
}

/// `unknown field `titel`, expected one of `title`, ...`: keeps the parser's first words (logs
/// and habits know them) and adds the closest known key.
fn unknown_key(head: &str) -> Option<String> {
    let rest = head.strip_prefix("unknown field `")?;
    let (name, rest) = rest.split_once('`')?;
    let known: Vec<&str> = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|key| !key.is_empty())
        .collect();
    let closest = known
        .iter()
        .map(|key| (strsim::jaro_winkler(name, key), *key))
        .filter(|(similarity, _)| *similarity >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, key)| key);
    let listed = known
        .iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(match closest {
        Some(key) => {
            format!("unknown field `{name}`: did you mean `{key}`? (the keys here are {listed})")
        }
        None if listed.is_empty() => format!("unknown field `{name}`: nothing is expected here"),
        None => format!("unknown field `{name}`: the keys here are {listed}"),
    })
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let (_, rest) = text.split_once(open)?;
    rest.split_once(close).map(|(inside, _)| inside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: Option<String>,
        body: Option<String>,
        cooldown_seconds: Option<u64>,
        user_limit: Option<usize>,
        role_ids: Option<Vec<u64>>,
        watch: Option<bool>,
        follow_ups: Option<Vec<String>>,
    }

    fn said(text: &str) -> (Option<usize>, String) {
        let err = toml::from_str::<Sample>(text).unwrap_err();
        describe(&err, text)
    }

    #[test]
    fn parser_errors_are_said_in_plain_words_on_the_right_line() {
        for (text, line, expected) in [
            ("title = \"a\"\nbody = \"unclosed\n", 2, "this string is not closed: add a `\"` at the end of the line"),
            ("body = 'unclosed\n", 1, "this string is not closed: add a `'` at the end of the line"),
            ("title = \"a\"\nbody = '''\nreviewed\n\nmore\n", 2, "this text is never closed: add `'''` after its last line"),
            ("cooldown_seconds = \"5m\"\n", 1, "`cooldown_seconds`: expected a whole number of seconds, like 300, not \"5m\""),
            ("user_limit = -1\n", 1, "`user_limit`: expected a whole number (0 or more), like 5, not -1"),
            ("role_ids = [\"123\"]\n", 1, "`role_ids`: expected an id: a number without quotes, like 123456789012345678, not \"123\""),
            ("watch = \"yes\"\n", 1, "`watch`: expected true or false, without quotes, not \"yes\""),
            ("follow_ups = \"car-t\"\n", 1, "`follow_ups`: expected a list in square brackets, like [\"a\", \"b\"], not \"car-t\""),
            ("follow_ups = [\"a\" \"b\"]\n", 1, "this list is not closed, or two of its items have no comma between them: separate items with `,` and end the list with `]`"),
            ("title = CAR-T\n", 1, "expected a value after `=`: put text in quotes, like \"...\""),
            ("\ntitle = \"a\"\ntitle = \"b\"\n", 3, "`title` is set twice; set each key once"),
            ("[matching\n", 1, "this [section] header is not closed: add `]`"),
            ("title\n", 1, "expected `=` after the key: write `key = value`"),
        ] {
            assert_eq!(said(text), (Some(line), expected.to_string()), "{text:?}");
        }
    }

    #[test]
    fn an_unknown_key_names_the_closest_known_one() {
        let (line, message) = said("title = \"a\"\ntitel = \"b\"\n");
        assert_eq!(line, Some(2));
        assert!(
            message.starts_with(
                "unknown field `titel`: did you mean `title`? (the keys here are `title`, `body`,"
            ),
            "{message}"
        );
        let (_, message) = said("zzz = 1\n");
        assert!(
            message.starts_with("unknown field `zzz`: the keys here are `title`"),
            "{message}"
        );
    }

    #[test]
    fn no_message_is_left_empty() {
        for text in [
            "\r",
            "id = \"car-t\"\r\n\r",
            "= 3\n",
            "title = \"a\" junk\n",
        ] {
            let err = toml::from_str::<toml::Table>(text).unwrap_err();
            let (line, message) = describe(&err, text);
            assert!(line.is_some(), "{text:?}");
            assert!(!message.trim().is_empty(), "{text:?}");
            assert!(!message.contains('\n'), "{text:?}: {message}");
        }
    }
}
