//! The real `immunobot run` binary as a child process, for what only a process shows: exit
//! codes, signals, how long a stop takes, and several processes of one bot side by side.
//! [`BotProcess::start`] writes a config pointing at `api_url`, starts the binary with the token
//! in `DISCORD_TOKEN`, and collects its log lines; dropping it kills the process.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::bot::{responses_dir, BOT_TOKEN};

/// A running `immunobot run`.
pub struct BotProcess {
    child: Child,
    logs: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl BotProcess {
    /// Starts `immunobot run --config <a config with api_url and extra>`.
    pub fn start(api_url: &str, extra_discord: &str) -> BotProcess {
        BotProcess::start_as(api_url, extra_discord, BOT_TOKEN)
    }

    /// [`BotProcess::start`] with its own token, so that the fake can tell which process made a
    /// request ([`super::RecordedRequest::authorization`]) or IDENTIFYed (`d.token`).
    pub fn start_as(api_url: &str, extra_discord: &str, token: &str) -> BotProcess {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let config: PathBuf = dir.path().join("config.toml");
        let responses = responses_dir();
        std::fs::write(
            &config,
            format!(
                "[discord]\napi_url = \"{api_url}\"\n{extra_discord}\n\n[responses]\ndir = {:?}\n",
                responses.display().to_string()
            ),
        )
        .expect("write the config");
        let mut child = Command::new(env!("CARGO_BIN_EXE_immunobot"))
            .arg("run")
            .arg("--config")
            .arg(&config)
            .env("DISCORD_TOKEN", token)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let logs = Arc::new(Mutex::new(String::new()));
        for stream in [
            Box::new(child.stderr.take().expect("stderr")) as Box<dyn std::io::Read + Send>,
            Box::new(child.stdout.take().expect("stdout")),
        ] {
            let logs = logs.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let mut logs = logs.lock().unwrap_or_else(|e| e.into_inner());
                    logs.push_str(&line);
                    logs.push('\n');
                }
            });
        }
        BotProcess {
            child,
            logs,
            _dir: dir,
        }
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// The process's resident memory in KiB (Linux: `VmRSS` in `/proc/PID/status`).
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    }

    pub fn logs(&self) -> String {
        self.logs.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits (without blocking the test's runtime) until the logs contain `needle`.
    pub async fn wait_for_log(&self, needle: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let logs = self.logs();
            if logs.contains(needle) {
                return logs;
            }
            assert!(
                Instant::now() < deadline,
                "no log line containing {needle:?} within {within:?}; logs:\n{logs}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends `signal` (`"TERM"`, `"INT"`, ...) to the process.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Waits for the process to end; returns its status and how long that took, or panics
    /// with its logs after `within`.
    pub async fn exit(&mut self, within: Duration) -> (ExitStatus, Duration) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // Let the reader threads take the last lines.
                tokio::time::sleep(Duration::from_millis(50)).await;
                return (status, started.elapsed());
            }
            assert!(
                started.elapsed() < within,
                "the bot was still running {within:?} later; logs:\n{}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
