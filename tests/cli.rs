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
    for file in ["catalog.toml", "examples.tsv"] {
        fs::copy(responses_dir().join(file), dir.path().join(file)).unwrap();
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
fn the_example_config_is_valid() {
    let (output, _, stderr) = run(immunobot()
        .env("DISCORD_TOKEN", "x")
        .env("RUST_LOG", "off")
        .args(["run", "--dry-run", "--config", "config.toml.example"]));
    // The example points at the real Discord; a dry run stops after validating everything.
    assert!(output.status.success(), "{stderr}");
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
