//! `[log] format = "json"` and `run --log-format json` (issue 13), with the real binary: every
//! line it writes to stderr is one JSON object a log pipeline can read, from the first line to
//! the error that ends it, and what members write stays out of it as it does in text.

mod support;

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use support::*;

/// Every line of `logs` as a JSON object; panics on the first line that is not one.
fn json_lines(logs: &str) -> Vec<Value> {
    logs.lines()
        .map(|line| match serde_json::from_str::<Value>(line) {
            Ok(object @ Value::Object(_)) => object,
            _ => panic!("not a JSON object: {line:?}\nin:\n{logs}"),
        })
        .collect()
}

#[tokio::test]
async fn a_bot_with_json_logs_writes_one_json_object_per_line() {
    capped(Duration::from_secs(30), async {
        let fake = FakeDiscord::start().await;
        let mut bot = BotProcess::start(&fake.base_url(), "\n[log]\nformat = \"json\"");
        fake.wait_for_identify(Duration::from_secs(10)).await;
        bot.wait_for_log("connected to Discord", T).await;
        let question = in_channel("what is immunotherapy? my secret words");
        fake.send_event(&question);
        fake.wait_for_request(is_reply_to(&question), T).await;
        bot.signal("TERM");
        let (status, _) = bot.exit(Duration::from_secs(5)).await;
        assert_eq!(status.code(), Some(0), "{}", bot.logs());

        let logs = bot.logs();
        let lines = json_lines(&logs);
        assert!(lines.len() >= 4, "{logs}");
        for line in &lines {
            for key in ["timestamp", "level", "target", "message"] {
                assert!(line[key].is_string(), "no {key} in {line}");
            }
        }
        // The event's fields sit beside the message.
        let connected = lines
            .iter()
            .find(|line| line["message"] == "connected to Discord")
            .unwrap_or_else(|| panic!("{logs}"));
        assert_eq!(connected["level"], "INFO");
        assert_eq!(connected["shard"], 0);
        assert_eq!(connected["target"], "immunobot::discord::handler");
        assert!(
            lines.iter().any(|line| line["message"] == "stopped"),
            "{logs}"
        );
        assert!(!logs.contains("secret words"), "{logs}");
        assert!(!logs.contains(BOT_TOKEN), "{logs}");
    })
    .await;
}

#[test]
fn the_flag_wins_over_the_config_and_a_refused_config_is_a_json_line_too() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[log]\nformat = \"text\"\n\n[discord]\nshards = \"3-1\"\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_immunobot"))
        .args(["run", "--dry-run", "--log-format", "json", "--config"])
        .arg(&config)
        .env_remove("DISCORD_TOKEN")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines = json_lines(&stderr);
    let [error] = lines.as_slice() else {
        panic!("one line expected:\n{stderr}");
    };
    assert_eq!(error["level"], "ERROR");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(&format!("{}:5: `[discord] shards`", config.display())),
        "{message}"
    );

    // Without the flag the config's own format is used: text, and the plain last word.
    let output = Command::new(env!("CARGO_BIN_EXE_immunobot"))
        .args(["run", "--dry-run", "--config"])
        .arg(&config)
        .env_remove("DISCORD_TOKEN")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
}

#[test]
fn a_dry_run_with_json_logs_keeps_stdout_for_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[log]\nformat = \"json\"\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_immunobot"))
        .args(["run", "--dry-run", "--config"])
        .arg(&config)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DISCORD_TOKEN")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let lines = json_lines(&stderr);
    assert!(
        lines
            .iter()
            .any(|line| line["message"] == "loaded the responses" && line["topics"].is_u64()),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("config and responses are valid"),
        "{stdout}"
    );
}
