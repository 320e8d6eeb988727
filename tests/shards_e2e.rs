//! Shards across processes (issue 13), end to end with the real binary: two processes of one bot
//! with disjoint `[discord] shards` each answer only the guilds of their own shard;
//! `total_shards = "auto"` runs as many shards as Discord recommends; a range outside the bot's
//! shards is refused with the config line of `shards`, before connecting or once Discord has
//! said how many shards there are.
//!
//! Each process runs with its own token, so that the fake can tell which process IDENTIFYed as
//! which shard and which one sent a reply (a real bot shares one token across its processes).

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};

use support::*;

/// A guild whose events arrive on shard 0 of 2, and one whose arrive on shard 1.
const GUILD_ON_0: u64 = 900_000_000_004_194_307;
const GUILD_ON_1: u64 = 900_000_000_000_000_003;
const CHANNEL_ON_0: u64 = 900_000_000_004_194_400;
const CHANNEL_ON_1: u64 = 900_000_000_000_000_400;

const TOKEN_0: &str = "fake-token-of-shard-0";
const TOKEN_1: &str = "fake-token-of-shard-1";

/// serenity starts a process's shards 5 s apart; two of them need a little more than that.
const TWO_SHARDS: Duration = Duration::from_secs(15);

fn bearer(token: &str) -> Option<String> {
    Some(format!("Bot {token}"))
}

async fn fake_with_two_shards() -> FakeDiscord {
    assert_eq!(shard_of_guild(GUILD_ON_0, 2), 0);
    assert_eq!(shard_of_guild(GUILD_ON_1, 2), 1);
    FakeDiscord::start_with(FakeConfig {
        guilds: vec![GUILD_ON_0, GUILD_ON_1],
        shards: 2,
        ..FakeConfig::default()
    })
    .await
}

fn question_in(guild: u64, channel: u64) -> FakeMessage {
    ask_in(channel, "what is immunotherapy?").in_guild(guild)
}

/// The `shard` of each IDENTIFY sent with `token`.
fn identified_shards(fake: &FakeDiscord, token: &str) -> Vec<Value> {
    fake.identifies()
        .into_iter()
        .filter(|identify| identify["token"] == format!("Bot {token}"))
        .map(|identify| identify["shard"].clone())
        .collect()
}

#[tokio::test]
async fn two_processes_answer_only_the_guilds_of_their_own_shards() {
    capped(Duration::from_secs(60), async {
        let fake = fake_with_two_shards().await;
        // No cooldown: the same question twice in a channel is answered twice.
        let first = BotProcess::start_as(
            &fake.base_url(),
            "shards = \"0-0\"\ntotal_shards = 2\ncooldown_seconds = 0",
            TOKEN_0,
        );
        let port = free_port();
        let second = BotProcess::start_as(
            &fake.base_url(),
            &format!(
                "shards = \"1-1\"\ntotal_shards = 2\ncooldown_seconds = 0\n\n[metrics]\nlisten = \"127.0.0.1:{port}\""
            ),
            TOKEN_1,
        );
        fake.wait_for_shards_live(&[0, 1], TWO_SHARDS).await;
        // Each process knows its own user once it has read its READY.
        for process in [&first, &second] {
            process.wait_for_log("connected to Discord", T).await;
        }
        assert_eq!(identified_shards(&fake, TOKEN_0), [json!([0, 2])]);
        assert_eq!(identified_shards(&fake, TOKEN_1), [json!([1, 2])]);
        // Ready with its own shard: the others are another process's business.
        wait_for_readyz(&second, port, 200).await;

        let on_0 = question_in(GUILD_ON_0, CHANNEL_ON_0);
        let on_1 = question_in(GUILD_ON_1, CHANNEL_ON_1);
        fake.send_event(&on_0);
        fake.send_event(&on_1);
        let reply_0 = fake.wait_for_request(is_reply_to(&on_0), T).await;
        let reply_1 = fake.wait_for_request(is_reply_to(&on_1), T).await;
        assert_eq!(reply_0.authorization, bearer(TOKEN_0), "{}", fake.dump());
        assert_eq!(reply_1.authorization, bearer(TOKEN_1), "{}", fake.dump());
        assert_eq!(
            the_embed(reply_0.body())["title"],
            the_embed(reply_1.body())["title"],
            "the same reviewed answer in both guilds"
        );

        // Both keep answering their own guild, and nothing more was sent for the first two.
        let later_0 = question_in(GUILD_ON_0, CHANNEL_ON_0);
        let later_1 = question_in(GUILD_ON_1, CHANNEL_ON_1);
        fake.send_event(&later_0);
        fake.send_event(&later_1);
        let reply = fake.wait_for_request(is_reply_to(&later_0), T).await;
        assert_eq!(reply.authorization, bearer(TOKEN_0));
        let reply = fake.wait_for_request(is_reply_to(&later_1), T).await;
        assert_eq!(reply.authorization, bearer(TOKEN_1));
        assert_eq!(fake.requests_matching(is_reply_to(&on_0)).len(), 1);
        assert_eq!(fake.requests_matching(is_reply_to(&on_1)).len(), 1);
        assert_eq!(fake.messages_created(CHANNEL_ON_0), 2);
        assert_eq!(fake.messages_created(CHANNEL_ON_1), 2);

        // Slash commands go where their guild's messages go; direct messages to shard 0.
        for (guild, token) in [(GUILD_ON_0, TOKEN_0), (GUILD_ON_1, TOKEN_1)] {
            let invoker = Invoker::Member {
                user: FakeUser::fresh("member"),
                guild_id: guild,
                roles: Vec::new(),
                permissions: MEMBER_PERMISSIONS.to_string(),
            };
            let command = FakeCommand::slash("therapy", invoker).str_opt("type", "car-t");
            fake.send_event(&command);
            let callback = fake.wait_for_request(is_callback_for(command.id), T).await;
            assert_eq!(callback.authorization, bearer(token), "{}", fake.dump());
        }
        let dm = FakeMessage::dm(FakeUser::fresh("member"), "what is immunotherapy?");
        fake.send_event(&dm);
        let reply = fake.wait_for_request(is_reply_to(&dm), T).await;
        assert_eq!(reply.authorization, bearer(TOKEN_0), "{}", fake.dump());

        // The commands are the bot's: only the process running shard 0 registers them.
        let path = BotOptions::default().registration_path();
        let registrations = fake.requests_matching(|r| r.is_exactly("PUT", &path));
        assert!(!registrations.is_empty(), "{}", fake.dump());
        assert!(
            registrations
                .iter()
                .all(|r| r.authorization == bearer(TOKEN_0)),
            "{}",
            fake.dump()
        );
        fake.assert_no_unexpected_requests();
    })
    .await;
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// The status and body of `GET path` on the metrics port.
async fn get(port: u16, path: &str) -> (u16, String) {
    let response = reqwest::get(format!("http://127.0.0.1:{port}{path}"))
        .await
        .expect("the metrics endpoint answers");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

/// Polls `/readyz` until it says `status`.
async fn wait_for_readyz(bot: &BotProcess, port: u16, status: u16) {
    let deadline = tokio::time::Instant::now() + T;
    loop {
        if get(port, "/readyz").await.0 == status {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/readyz never said {status}; logs:\n{}",
            bot.logs()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn total_shards_auto_runs_every_shard_discord_recommends_and_is_ready_with_all() {
    capped(Duration::from_secs(60), async {
        let fake = FakeDiscord::start_with(FakeConfig {
            guilds: vec![GUILD_ON_0, GUILD_ON_1],
            shards: 2,
            max_concurrency: 16,
            heartbeat_interval: Duration::from_millis(500),
        })
        .await;
        let port = free_port();
        let bot = BotProcess::start(
            &fake.base_url(),
            &format!("total_shards = \"auto\"\n\n[metrics]\nlisten = \"127.0.0.1:{port}\""),
        );
        bot.wait_for_log("running shards 0-1 of 2", T).await;
        assert!(bot.logs().contains("max_concurrency=16"), "{}", bot.logs());
        // serenity starts the second shard 5 s after the first: not ready in between.
        fake.wait_for_shards_live(&[0], T).await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(fake.live_shards(), [0], "{}", fake.dump());
        let (status, body) = get(port, "/readyz").await;
        assert_eq!(status, 503, "shard 1 is not connected yet: {body}");

        fake.wait_for_shards_live(&[0, 1], TWO_SHARDS).await;
        assert_eq!(
            identified_shards(&fake, BOT_TOKEN),
            [json!([0, 2]), json!([1, 2])]
        );
        wait_for_readyz(&bot, port, 200).await;
        for (guild, channel) in [(GUILD_ON_0, CHANNEL_ON_0), (GUILD_ON_1, CHANNEL_ON_1)] {
            let question = question_in(guild, channel);
            fake.send_event(&question);
            fake.wait_for_request(is_reply_to(&question), T).await;
        }
        // Each shard's heartbeat round trip, under its own label.
        let deadline = tokio::time::Instant::now() + T;
        loop {
            let (_, metrics) = get(port, "/metrics").await;
            let shards = ["0", "1"].map(|shard| {
                metrics.contains(&format!(
                    "immunobot_gateway_latency_seconds{{shard=\"{shard}\"}}"
                ))
            });
            if shards == [true, true] {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "{metrics}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // One process, one registration per session of shard 0.
        let path = BotOptions::default().registration_path();
        assert_eq!(
            fake.requests_matching(|r| r.is_exactly("PUT", &path)).len(),
            1,
            "{}",
            fake.dump()
        );
        fake.assert_no_unexpected_requests();
    })
    .await;
}

#[tokio::test]
async fn a_range_outside_the_shards_discord_recommends_ends_the_bot_with_its_line() {
    capped(Duration::from_secs(30), async {
        let fake = fake_with_two_shards().await;
        // `shards` is on line 3: `[discord]`, then `api_url`.
        let mut bot = BotProcess::start(&fake.base_url(), "shards = \"2-3\"");
        let (status, _) = bot.exit(Duration::from_secs(10)).await;
        assert_eq!(status.code(), Some(1), "{}", bot.logs());
        let logs = bot.logs();
        assert!(
            logs.contains("config.toml:3: `[discord] shards` is \"2-3\", but the bot has 2 shards (0-1) as Discord recommends for `total_shards = \"auto\"`"),
            "{logs}"
        );
        assert!(!logs.contains("panicked"), "{logs}");
        assert_eq!(fake.connection_count(), 0, "{}", fake.dump());
    })
    .await;
}

/// A config whose `shards` (line 3) lie outside its fixed `total_shards`.
fn outside_total(dir: &Path) -> std::path::PathBuf {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        "[discord]\ntotal_shards = 2\nshards = \"2-3\"\nrequest_timeout_seconds = 1\n",
    )
    .unwrap();
    config
}

#[test]
fn a_range_outside_a_fixed_total_is_refused_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let config = outside_total(dir.path());
    let expected = format!(
        "error: {}:3: `[discord] shards` is \"2-3\", but the bot has 2 shards (0-1) as `total_shards` says",
        config.display()
    );
    // Checked like every other key: by `run --dry-run` (no token), and by `run` itself before
    // it reaches for Discord (whose address here is Discord's own: never contacted).
    for dry_run in [true, false] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_immunobot"));
        command
            .arg("run")
            .arg("--config")
            .arg(&config)
            .env("RUST_LOG", "off")
            .env("DISCORD_TOKEN", BOT_TOKEN);
        if dry_run {
            command.arg("--dry-run").env_remove("DISCORD_TOKEN");
        }
        let output = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.starts_with(&expected), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}
