//! The command-line forms, run as a user would run them.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;

fn immunobot() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_immunobot"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DISCORD_TOKEN")
        .env_remove("RUST_LOG");
    command
}

fn run(command: &mut Command) -> (Output, String, String) {
    let output = command.output().expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stdout, stderr)
}

fn run_with_input(command: &mut Command, input: &str) -> (Output, String) {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output, stdout)
}

#[test]
fn ask_prints_the_reviewed_answer_provenance_disclaimer_and_buttons() {
    let (output, stdout, _) = run(immunobot().args(["ask", "what is immunotherapy?"]));
    assert!(output.status.success());
    assert!(stdout.contains(IMMUNOTHERAPY_TITLE));
    assert!(stdout.contains(IMMUNOTHERAPY_ANSWER), "{stdout}");
    assert!(stdout.contains("Medically reviewed by SecondMedic medical review team"));
    assert!(stdout.contains("healthcare provider"));
    for label in THERAPY_LABELS {
        assert!(stdout.contains(&format!("[{label}]")), "missing [{label}]");
    }
}

#[test]
fn ask_stays_silent_on_a_hard_negative() {
    let (output, stdout, _) = run(immunobot().args(["ask", "what is chemotherapy?"]));
    assert!(output.status.success());
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("stays silent"));
}

#[test]
fn ask_direct_says_there_is_no_reviewed_answer() {
    let (_, stdout, _) = run(immunobot().args(["ask", "--direct", "what is chemotherapy?"]));
    assert!(stdout.contains("don't have a medically reviewed answer"));
    assert!(stdout.contains("[What is immunotherapy?]"));
}

#[test]
fn without_a_responses_folder_the_built_in_responses_are_used() {
    let empty = tempfile::tempdir().unwrap();
    let (output, stdout, stderr) = run(immunobot()
        .current_dir(empty.path())
        .args(["ask", "what is CAR-T?"]));
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains(CAR_T_SENTENCE));
}

#[test]
fn an_explicit_responses_folder_that_does_not_exist_is_an_error() {
    let (output, _, stderr) = run(immunobot().args([
        "ask",
        "--responses",
        "/nonexistent/responses",
        "what is immunotherapy?",
    ]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("/nonexistent/responses"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn check_accepts_the_shipped_responses_with_a_one_line_summary() {
    let (output, stdout, _) = run(immunobot().args(["check", "responses"]));
    assert!(output.status.success(), "{stdout}");
    // The summary, after one warning per shipped safety notice that still awaits review.
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    for line in &lines[..2] {
        assert!(
            line.contains("safety.toml") && line.contains("not reviewed yet"),
            "{stdout}"
        );
    }
    assert!(lines[2].contains("5 topics"), "{stdout}");
}

fn broken_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("topics")).unwrap();
    // Every file at the top (catalog, language, examples, ...), then the topics.
    for entry in fs::read_dir(responses_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    for entry in fs::read_dir(responses_dir().join("topics")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(
            entry.path(),
            dir.path().join("topics").join(entry.file_name()),
        )
        .unwrap();
    }
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from));
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn check_reports_every_problem_as_file_line_message() {
    let dir = broken_copy();
    edit(
        &dir.path().join("topics/car-t.toml"),
        "reviewer =",
        "reviwer =",
    );
    edit(
        &dir.path().join("topics/immunotherapy.toml"),
        "\"car-t\",",
        "\"car-tee\",",
    );
    let (output, stdout, _) = run(immunobot().arg("check").arg(dir.path()));
    assert_eq!(output.status.code(), Some(1));
    let car_t = format!("{}:4: ", dir.path().join("topics/car-t.toml").display());
    let immuno = format!(
        "{}:6: ",
        dir.path().join("topics/immunotherapy.toml").display()
    );
    assert!(stdout.lines().any(|l| l.starts_with(&car_t)), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with(&immuno)), "{stdout}");
}

#[test]
fn check_fails_when_an_example_no_longer_routes() {
    let dir = broken_copy();
    // A careless new term that steals the immunotherapy question for another topic.
    edit(
        &dir.path().join("topics/car-t.toml"),
        "terms = [",
        "terms = [\"what is immunotherapy\",",
    );
    let (output, stdout, _) = run(immunobot().arg("check").arg(dir.path()));
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout.contains("examples.tsv:"), "{stdout}");
    assert!(
        stdout.contains("expected immunotherapy but got none"),
        "{stdout}"
    );
}

#[test]
fn match_writes_one_json_object_per_line_for_100k_lines() {
    let lines = [
        "what is immunotherapy?",
        "what is chemotherapy?",
        "hello there",
        "what are mabs",
        "",
    ];
    let input: String = (0..100_000)
        .map(|i| lines[i % lines.len()])
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let (output, stdout) = run_with_input(immunobot().arg("match"), &input);
    assert!(output.status.success());
    let objects: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(objects.len(), 100_000);
    for (i, object) in objects.iter().enumerate() {
        let score = object["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score));
        let expected = match i % lines.len() {
            0 => serde_json::json!("immunotherapy"),
            3 => serde_json::json!("monoclonal-antibodies"),
            _ => serde_json::Value::Null,
        };
        assert_eq!(object["topic"], expected, "line {}", i + 1);
    }
}

#[test]
fn match_streams_line_by_line() {
    let mut child = immunobot()
        .arg("match")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    for (message, topic) in [("what is car-t?", "\"car-t\""), ("nope", "null")] {
        writeln!(stdin, "{message}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert!(line.contains(&format!("\"topic\":{topic}")), "{line}");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn console_answers_and_presses_numbered_buttons() {
    let (output, stdout) = run_with_input(
        immunobot().arg("console"),
        "what is immunotherapy?\n2\n9\nwhat is chemotherapy?\n/quit\n",
    );
    assert!(output.status.success());
    assert!(stdout.contains(IMMUNOTHERAPY_ANSWER));
    assert!(stdout.contains("[2] CAR-T Cell Therapy"));
    // Pressing 2 shows the CAR-T answer with its provenance and the disclaimer.
    let after_press = &stdout[stdout.find("[2] CAR-T Cell Therapy").unwrap()..];
    assert!(after_press.contains(CAR_T_SENTENCE));
    assert!(after_press.contains("healthcare provider"));
    assert!(stdout.contains("There is no button 9."));
    assert!(stdout.contains("don't have a medically reviewed answer"));
}

#[test]
fn eval_prints_the_figures_and_every_mistake() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("set.tsv");
    fs::write(
        &file,
        "label\tmessage\nimmunotherapy\twhat is immunotherapy?\ncar-t\twhat is chemotherapy?\nnone\thello\n",
    )
    .unwrap();
    let (output, stdout, _) = run(immunobot().arg("eval").arg(&file));
    assert!(output.status.success());
    assert!(stdout.contains("accuracy:          0.667"), "{stdout}");
    assert!(stdout.contains("false answers:     0.000"), "{stdout}");
    assert!(stdout.contains("expected car-t -> got none"), "{stdout}");
}

#[test]
fn run_without_a_token_fails_with_one_clear_message() {
    let (output, _, stderr) = run(immunobot().arg("run"));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("DISCORD_TOKEN"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn run_with_a_bad_config_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    fs::write(&config, "[discord]\nmesage_content = true\n").unwrap();
    let (output, _, stderr) = run(immunobot()
        .env("DISCORD_TOKEN", "not-a-real-token")
        .arg("run")
        .arg("--config")
        .arg(&config));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("config.toml:2:"), "{stderr}");
    assert!(!stderr.contains("not-a-real-token"));
}

#[test]
fn the_example_config_is_valid_without_a_token() {
    // CI validates a config with no secret at hand: a missing token is a note, not an error.
    let (output, stdout, stderr) = run(immunobot().env("RUST_LOG", "off").args([
        "run",
        "--dry-run",
        "--config",
        "config.toml.example",
    ]));
    // The example points at the real Discord; a dry run stops after validating everything.
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("config: config.toml.example\n"), "{stdout}");
    assert!(
        stdout.contains("responses: responses (5 topics, "),
        "{stdout}"
    );
    assert!(stdout.contains("note: no bot token"), "{stdout}");
    assert!(stdout.contains("DISCORD_TOKEN"), "{stdout}");

    let (output, stdout, _) = run(immunobot().env("DISCORD_TOKEN", "not-a-real-token").args([
        "run",
        "--dry-run",
        "--config",
        "config.toml.example",
    ]));
    assert!(output.status.success());
    assert!(!stdout.contains("note: no bot token"), "{stdout}");
    assert!(!stdout.contains("not-a-real-token"), "{stdout}");
}

#[test]
fn a_config_toml_in_the_working_directory_is_read_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let (output, stdout, stderr) = run(immunobot()
        .current_dir(dir.path())
        .args(["run", "--dry-run"]));
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("config: none (no config.toml here; defaults)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("responses: the built-in responses (5 topics"),
        "{stdout}"
    );

    // The file is found without --config: its responses folder is the one in force ...
    let copy = broken_copy();
    fs::write(
        dir.path().join("config.toml"),
        format!(
            "[responses]\ndir = {:?}\n",
            copy.path().display().to_string()
        ),
    )
    .unwrap();
    let (output, stdout, stderr) = run(immunobot()
        .current_dir(dir.path())
        .args(["run", "--dry-run"]));
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("config: config.toml (found in the working directory)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("responses: {} (5 topics", copy.path().display())),
        "{stdout}"
    );
    // ... the console says so in its banner ...
    let (output, stdout) = run_with_input(
        immunobot().current_dir(dir.path()).arg("console"),
        "/quit\n",
    );
    assert!(output.status.success());
    let banner: String = stdout.lines().take(3).collect::<Vec<_>>().join("\n");
    assert!(
        banner.contains("config: config.toml (found in the working directory)"),
        "{banner}"
    );
    assert!(
        banner.contains(&copy.path().display().to_string()),
        "{banner}"
    );

    // ... and a mistake in it is reported, not skipped.
    fs::write(
        dir.path().join("config.toml"),
        "[discord]\nmesage_content = true\n",
    )
    .unwrap();
    let (output, _, stderr) = run(immunobot()
        .current_dir(dir.path())
        .args(["run", "--dry-run"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("config.toml:2:"), "{stderr}");
}

#[test]
fn match_into_a_reader_that_stops_early_exits_zero() {
    // `immunobot match < big.txt | head -1`: the reader leaves after one line.
    let mut child = immunobot()
        .arg("match")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Write errors are expected once the bot has left.
    let writer = std::thread::spawn(move || {
        for _ in 0..200_000 {
            if stdin.write_all(b"what is car-t?\n").is_err() {
                break;
            }
        }
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("\"car-t\""), "{first}");
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

/// Every argument of every subcommand has a description in `--help`.
#[test]
fn help_describes_every_argument_and_default() {
    for sub in ["run", "console", "ask", "match", "check", "eval"] {
        let (output, stdout, _) = run(immunobot().args([sub, "--help"]));
        assert!(output.status.success());
        let lines: Vec<&str> = stdout.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let entry = line.trim_start();
            let indent = line.len() - entry.len();
            if indent != 2 || !(entry.starts_with('-') || entry.starts_with('<')) {
                continue;
            }
            // Clap writes the description after the flag, or on the next, deeper line.
            let described = entry
                .split_once("  ")
                .is_some_and(|(_, text)| !text.trim().is_empty())
                || lines
                    .get(i + 1)
                    .is_some_and(|next| next.len() - next.trim_start().len() > 2);
            assert!(
                described,
                "`{sub} --help`: `{entry}` has no description\n{stdout}"
            );
        }
    }
    let help = |sub: &str| run(immunobot().args([sub, "--help"])).1;
    let run_help = help("run");
    for needle in ["RUST_LOG", "./config.toml", "DISCORD_TOKEN", "SIGHUP"] {
        assert!(
            run_help.contains(needle),
            "run --help lacks {needle}\n{run_help}"
        );
    }
    assert!(help("check").contains("[default: responses]"));
    let ask = help("ask");
    assert!(ask.contains("--responses <DIR>"), "{ask}");
    assert!(ask.contains("built into the binary"), "{ask}");
    assert!(help("eval").contains("<FILE>"));
}

#[test]
fn check_leads_with_the_root_cause_and_sums_up_what_follows_from_it() {
    let dir = broken_copy();
    // One unclosed string: car-t.toml cannot be read, so every reference to `car-t` fails too.
    edit(
        &dir.path().join("topics/car-t.toml"),
        "title = \"CAR-T Cell Therapy\"",
        "title = \"CAR-T Cell Therapy",
    );
    let (output, stdout, stderr) = run(immunobot().arg("check").arg(dir.path()));
    assert_eq!(output.status.code(), Some(1));
    let car_t = format!("{}:2: ", dir.path().join("topics/car-t.toml").display());
    // The shipped safety notices' "not reviewed yet" warnings are beside the point here.
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.contains("not reviewed yet"))
        .collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].starts_with(&car_t), "{stdout}");
    // Four follow-ups in other topics and four examples.
    assert_eq!(lines[1], "  8 more problems follow from it", "{stdout}");
    assert!(stderr.contains("invalid (1 problem)"), "{stderr}");

    let (output, stdout, _) = run(immunobot().args(["check", "--verbose"]).arg(dir.path()));
    assert_eq!(output.status.code(), Some(1));
    // The shipped safety notices' "not reviewed yet" warnings are beside the point here.
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.contains("not reviewed yet"))
        .collect();
    assert_eq!(lines.len(), 9, "{stdout}");
    assert!(lines[0].starts_with(&car_t), "{stdout}");
    let immuno = format!(
        "  {}:6: follow-up `car-t` is not a topic",
        dir.path().join("topics/immunotherapy.toml").display()
    );
    assert!(lines.contains(&immuno.as_str()), "{stdout}");
    assert_eq!(
        lines.iter().filter(|l| l.contains("examples.tsv:")).count(),
        4,
        "{stdout}"
    );

    // A follow-up that names no topic at all is still a problem of its own.
    edit(
        &dir.path().join("topics/immunotherapy.toml"),
        "\"cancer-vaccines\"",
        "\"cancer-vacines\"",
    );
    let (_, stdout, stderr) = run(immunobot().arg("check").arg(dir.path()));
    assert!(
        stdout.contains("follow-up `cancer-vacines` is not a topic"),
        "{stdout}"
    );
    assert!(stderr.contains("invalid (2 problems)"), "{stderr}");
}

#[test]
fn problems_are_said_in_plain_words_with_a_real_place() {
    let dir = broken_copy();
    edit(
        &dir.path().join("topics/car-t.toml"),
        "title = \"CAR-T Cell Therapy\"",
        "title = \"CAR-T Cell Therapy",
    );
    let (_, stdout, _) = run(immunobot().arg("check").arg(dir.path()));
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.ends_with(":2: this string is not closed: add a `\"` at the end of the line"),
        "{stdout}"
    );

    // A problem of a whole folder has no line, rather than a made-up `:1:`.
    fs::remove_dir_all(dir.path().join("topics")).unwrap();
    let (output, stdout, stderr) = run(immunobot().arg("check").arg(dir.path()));
    assert_eq!(output.status.code(), Some(1));
    let topics = dir.path().join("topics").display().to_string();
    assert!(
        stdout.starts_with(&format!("{topics}: cannot read the topics folder")),
        "{stdout}"
    );
    assert!(stderr.contains("invalid (1 problem)"), "{stderr}");

    // The config: a type mistake and an out-of-range value, each with its line.
    let config = dir.path().join("config.toml");
    for (text, expected) in [
        (
            "[discord]\ncooldown_seconds = \"5m\"\n",
            ":2: `cooldown_seconds`: expected a whole number of seconds, like 300, not \"5m\"",
        ),
        (
            "[discord]\nmessage_content = true\nuser_limit = 1000\n",
            ":3: `[discord] user_limit` must be at most 100",
        ),
    ] {
        fs::write(&config, text).unwrap();
        let (output, _, stderr) = run(immunobot()
            .args(["run", "--dry-run", "--config"])
            .arg(&config));
        assert_eq!(output.status.code(), Some(1));
        assert!(
            stderr.contains(&format!("{}{expected}", config.display())),
            "{stderr}"
        );
    }
}

#[test]
fn check_warns_about_a_topic_file_saved_beside_catalog_toml() {
    let dir = broken_copy();
    fs::write(dir.path().join("new-topic.toml"), "id = \"new-topic\"\n").unwrap();
    let (output, stdout, _) = run(immunobot().arg("check").arg(dir.path()));
    assert!(
        output.status.success(),
        "a warning is not a failure: {stdout}"
    );
    let warning = format!(
        "{}: warning: is not read: topic files go in topics/",
        dir.path().join("new-topic.toml").display()
    );
    assert!(stdout.starts_with(&warning), "{stdout}");
    assert!(
        stdout
            .lines()
            .last()
            .unwrap_or_default()
            .contains(": ok: 5 topics"),
        "{stdout}"
    );
}

#[test]
fn console_commands_are_commands_whatever_their_case() {
    let (output, stdout) = run_with_input(
        immunobot().arg("console"),
        "/foo\n/TOPICS\n/ask\n/therapy\n/Therapy CAR-T\n/reload\n/quit\n",
    );
    assert!(output.status.success());
    assert!(
        stdout.contains("Unknown command /foo. Try /help."),
        "{stdout}"
    );
    assert!(
        stdout.contains("car-t                    CAR-T Cell Therapy"),
        "{stdout}"
    );
    assert!(stdout.contains("Usage: /ask <question>"), "{stdout}");
    assert!(stdout.contains("Usage: /therapy <id>"), "{stdout}");
    assert!(stdout.contains(CAR_T_SENTENCE), "{stdout}");
    assert!(stdout.contains("Reloaded: 5 topics"), "{stdout}");
    // None of them was taken for a question.
    assert!(!stdout.contains("stays silent"), "{stdout}");
    assert!(
        !stdout.contains("don't have a medically reviewed answer"),
        "{stdout}"
    );
}

#[test]
fn the_passive_console_and_ask_apply_a_channels_length_limit_and_cooldown() {
    let long = format!("what is car-t? {}", "and more words ".repeat(40));
    assert!(long.chars().count() > 500);
    let (output, stdout) = run_with_input(
        immunobot().args(["console", "--passive"]),
        &format!("what is immunotherapy?\nwhat is immunotherapy?\n{long}\nwhat is car-t?\n/quit\n"),
    );
    assert!(output.status.success());
    let banner = stdout.lines().nth(3).unwrap_or_default();
    assert!(
        banner.contains(
            "ignores messages over 500 characters, the same answer at most once per 300 s"
        ),
        "{stdout}"
    );
    assert_eq!(stdout.matches(IMMUNOTHERAPY_ANSWER).count(), 1, "{stdout}");
    assert!(
        stdout.contains(
            "(the bot stays silent: it answered this in this channel less than 300 s ago"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("messages over 500 characters are not questions"),
        "{stdout}"
    );
    // Another topic is not held back.
    assert!(stdout.contains(CAR_T_SENTENCE), "{stdout}");

    // The config's rules are the ones applied.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    fs::write(
        &config,
        "[discord]\ncooldown_seconds = 0\nmax_passive_length = 15\n",
    )
    .unwrap();
    let (_, stdout) = run_with_input(
        immunobot()
            .args(["console", "--passive", "--config"])
            .arg(&config),
        "immunotherapy?\nimmunotherapy?\nwhat is immunotherapy?\n/quit\n",
    );
    assert_eq!(stdout.matches(IMMUNOTHERAPY_ANSWER).count(), 2, "{stdout}");
    assert!(stdout.contains("over 15 characters"), "{stdout}");

    // `ask` shows the channel view: too long to be read there; asked directly it is answered.
    let (_, stdout, _) = run(immunobot().args(["ask", &long]));
    assert!(
        stdout.starts_with("(no reply: the bot stays silent: in a channel, messages over 500"),
        "{stdout}"
    );
    let (_, stdout, _) = run(immunobot().args(["ask", "--direct", &long]));
    assert!(stdout.contains(CAR_T_SENTENCE), "{stdout}");
}

/// docs/MODERATING.md promises what `check` prints and names the commands; keep it true.
#[test]
fn the_moderating_guide_matches_the_tools() {
    let guide =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/MODERATING.md"))
            .unwrap();
    let shape = |text: &str| {
        text.chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect::<String>()
    };
    let promised = guide
        .lines()
        .find_map(|line| {
            line.strip_prefix("- `")?
                .split_once('`')
                .map(|(shown, _)| shown)
        })
        .expect("the guide shows check's summary");
    let (output, stdout, _) = run(immunobot().args(["check", "responses"]));
    assert!(output.status.success());
    // Warnings (the shipped safety notices are unreviewed) come before the summary line.
    let summary = stdout.trim_end().lines().last().unwrap_or_default();
    assert_eq!(shape(summary), shape(promised), "{stdout}");
    // Sentences may be wrapped anywhere in the Markdown.
    let flat = guide.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "Never write medical text yourself",
        "immunobot check --verbose responses",
        "/reload",
        "Nothing was reloaded",
        immunobot::discord::moderation::words::STILL_LIVE,
        "Dismiss",
    ] {
        assert!(flat.contains(needle), "the guide lacks {needle:?}");
    }
}

#[test]
fn match_says_what_the_safety_router_found() {
    let input = "what is car-t?\ni want to end my life\nshould i stop my keytruda?\ngood morning\n";
    let (output, stdout) = run_with_input(immunobot().arg("match"), input);
    assert!(output.status.success());
    let objects: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    let got: Vec<(serde_json::Value, serde_json::Value)> = objects
        .iter()
        .map(|o| (o["topic"].clone(), o["safety"].clone()))
        .collect();
    use serde_json::{json, Value::Null};
    assert_eq!(
        got,
        [
            (json!("car-t"), Null),
            (Null, json!("crisis")),
            (Null, json!("advice")),
            (Null, Null),
        ]
    );
}

#[test]
fn eval_reports_safety_precision_and_recall() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("set.tsv");
    fs::write(
        &file,
        "label\tmessage\ncrisis\ti want to end my life\nadvice\tshould i stop my keytruda?\n\
         none\tgood morning\nimmunotherapy\twhat is immunotherapy?\ncrisis\tlovely weather\n",
    )
    .unwrap();
    let (output, stdout, _) = run(immunobot().arg("eval").arg(&file));
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("accuracy:"), "{stdout}");
    assert!(
        stdout.contains("crisis   precision 1.000  recall 0.500  (2 labelled)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("advice   precision 1.000  recall 1.000  (1 labelled)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 6: expected crisis -> got none: lovely weather"),
        "{stdout}"
    );
}
