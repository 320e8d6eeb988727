//! Moderators reloading the responses (issue 5), end to end: `/reload` through the fake Discord
//! with the bot in-process, and SIGHUP, the file watcher and SIGTERM on the real binary.
//!
//! Every test serves a temporary copy of the shipped responses and edits that copy. Edits keep
//! medical text reviewed: they change labels, titles' case, the disclaimer's wording, or move
//! one reviewed sentence to another topic; they never invent one.

mod support;

use std::path::Path;
use std::time::Duration;

use immunobot::catalog::Catalog;
use immunobot::discord::moderation::words;
use serde_json::Value;

use support::*;

const MANAGE_GUILD: &str = "32";
/// A role the tests configure as `[moderation] role_ids`.
const MODERATOR_ROLE: u64 = 777_000_000_000_000_001;

const CAR_T_SENTENCE: &str = "This therapy involves genetically modifying a patient's own T cells to express chimeric antigen receptors (CARs) that can specifically target cancer cells when infused back into the patient's body.";
const MONOCLONAL_SENTENCE: &str = "These antibodies can be designed to target specific proteins on the surface of cancer cells, helping the immune system locate and destroy them.";
const OLD_DISCLAIMER_START: &str = "This is general information, not medical advice.";
const NEW_DISCLAIMER_START: &str = "This is general information and not medical advice.";

// =============================================================================================
// Helpers
// =============================================================================================

/// A fake, and our bot serving a fresh copy of the responses (returned; edit it freely). The
/// shared [`support::setup`] with the bot's responses folder swapped for the copy.
async fn setup(options: BotOptions) -> (FakeDiscord, RunningBot, tempfile::TempDir) {
    let responses = copy_responses();
    let (fake, bot) = support::setup(options.with_responses(responses.path())).await;
    (fake, bot, responses)
}

fn admin() -> Invoker {
    Invoker::member(FakeUser::fresh("admin"), MANAGE_GUILD, &[])
}

fn ask_car_t() -> FakeMessage {
    in_channel("what is car-t?")
}

/// The embed of a channel reply.
fn embed(reply: &RecordedRequest) -> &Value {
    the_embed(reply.body())
}

fn description(reply: &RecordedRequest) -> String {
    embed(reply)["description"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn disclaimer(reply: &RecordedRequest) -> String {
    embed(reply)["fields"][0]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Asks "what is car-t?" in the channel and returns the reply.
async fn ask(fake: &FakeDiscord) -> RecordedRequest {
    let question = ask_car_t();
    fake.send_event(&question);
    fake.wait_for_request(is_reply_to(&question), T).await
}

fn original_response_path(command: &FakeCommand) -> String {
    format!("{}/messages/@original", command.webhook_path())
}

/// Sends `/reload` as `invoker`; expects the deferred ephemeral acknowledgement and returns the
/// text the deferred response was then edited to.
async fn reload_as(fake: &FakeDiscord, invoker: Invoker) -> String {
    let command = FakeCommand::slash("reload", invoker);
    fake.send_event(&command);
    let callback = fake.wait_for_request(is_callback_for(command.id), T).await;
    assert!(
        is_ephemeral(callback_data(&callback, 5)),
        "deferred, and only the moderator sees it: {:#}",
        callback.body()
    );
    let path = original_response_path(&command);
    let edit = fake
        .wait_for_request(|r| r.is_exactly("PATCH", &path), T)
        .await;
    let body = edit.body();
    assert_eq!(body["allowed_mentions"], no_mentions(), "{body:#}");
    let text = body["content"].as_str().expect("a text summary").to_owned();
    assert!(text.chars().count() <= 2000, "{}", text.len());
    text
}

/// Sends `/reload` as `invoker` and expects a refusal: ephemeral, the fixed words, nothing else.
async fn expect_refusal(fake: &FakeDiscord, invoker: Invoker, expected: &str) {
    let command = FakeCommand::slash("reload", invoker);
    fake.send_event(&command);
    let callback = fake.wait_for_request(is_callback_for(command.id), T).await;
    let body = callback.body();
    let data = callback_data(&callback, 4); // an immediate message
    assert!(is_ephemeral(data), "{body:#}");
    assert_eq!(data["content"], expected, "{body:#}");
    assert!(
        data["embeds"].as_array().is_none_or(Vec::is_empty),
        "{body:#}"
    );
    let path = original_response_path(&command);
    assert!(
        fake.requests_matching(|r| r.is("PATCH", &path)).is_empty(),
        "a refusal has no follow-up"
    );
}

/// The shared [`support::wait_for_log`], for tests that do not pass the fake along.
async fn wait_for_log(logs: &CapturedLogs, needle: &str) -> String {
    wait_for_log_or(logs, needle, String::new).await
}

/// The command registrations the bot made since `mark`.
fn registrations(fake: &FakeDiscord, options: &BotOptions, mark: Mark) -> Vec<RecordedRequest> {
    let path = options.registration_path();
    fake.requests_since(mark)
        .into_iter()
        .filter(|r| r.is_exactly("PUT", &path))
        .collect()
}

fn live_car_t_label(bot: &RunningBot) -> String {
    topic(&bot.live.current(), "car-t").label.clone()
}

// =============================================================================================
// 1. Registration
// =============================================================================================

#[tokio::test]
async fn reload_is_registered_for_manage_server_and_not_for_dms() {
    capped(Duration::from_secs(30), async {
        let fake = FakeDiscord::start().await;
        let bot = RunningBot::start(&fake, BotOptions::default()).await;
        let registration = bot.wait_until_ready(&fake).await;
        let commands = registration.body().as_array().expect("commands").clone();
        let reload = commands
            .iter()
            .find(|c| c["name"] == "reload")
            .unwrap_or_else(|| panic!("no /reload in {commands:#?}"));
        assert_eq!(
            reload["default_member_permissions"], MANAGE_GUILD,
            "{reload}"
        );
        assert_eq!(reload["dm_permission"], false, "{reload}");
        assert!(
            reload["options"].as_array().is_none_or(Vec::is_empty),
            "{reload}"
        );
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 2. A moderator's reload
// =============================================================================================

#[tokio::test]
async fn a_moderators_reload_serves_the_new_text_and_says_what_changed() {
    capped(Duration::from_secs(30), async {
        let (_guard, logs) = capture_logs();
        let (fake, bot, responses) = setup(BotOptions::default()).await;
        let dir = responses.path();
        assert_eq!(description(&ask(&fake).await), CAR_T_SENTENCE);

        // A reviewed sentence moved to another topic (this is a test fixture), and a new label.
        edit_response(
            dir,
            "topics/car-t.toml",
            CAR_T_SENTENCE,
            MONOCLONAL_SENTENCE,
        );
        edit_response(
            dir,
            "topics/car-t.toml",
            "label = \"CAR-T Cell Therapy\"",
            "label = \"CAR-T\"",
        );
        // Saved, but not reloaded: the bot still serves what it loaded.
        assert_eq!(description(&ask(&fake).await), CAR_T_SENTENCE);

        let user = FakeUser::fresh("admin");
        let user_id = user.id;
        let mark = fake.mark();
        let text = reload_as(&fake, Invoker::member(user, MANAGE_GUILD, &[])).await;
        let catalog = bot.live.current();
        let expected = format!(
            "Reloaded the responses: 5 topics, {} questions.\nEdited: car-t",
            catalog.question_count()
        );
        // The shipped safety notices still await a review, and every reload says so.
        let rest = text
            .strip_prefix(&expected)
            .unwrap_or_else(|| panic!("{text}"));
        assert!(rest.starts_with("\n2 warnings"), "{text}");
        assert!(rest.contains("safety.toml"), "{text}");
        assert_eq!(description(&ask(&fake).await), MONOCLONAL_SENTENCE);

        // The new label is a new /therapy choice: the commands were registered again, before
        // the moderator was told.
        let again = registrations(&fake, &bot.options, mark);
        assert_eq!(again.len(), 1, "{}", fake.dump());
        let choices = &again[0].body()[0]["options"][0]["choices"];
        assert!(
            choices
                .as_array()
                .unwrap()
                .contains(&serde_json::json!({ "name": "CAR-T", "value": "car-t" })),
            "{choices:#}"
        );

        let log = wait_for_log(&logs, "reloaded the responses").await;
        assert!(
            log.contains(&format!("/reload by user {user_id} in guild {GUILD_ID}")),
            "{log}"
        );
        assert!(log.contains("edited: car-t"), "{log}");
        assert!(
            !log.contains("what is car-t"),
            "no message text at info:\n{log}"
        );

        // Nothing changed since: the summary says so and Discord is not asked again.
        let mark = fake.mark();
        let text = reload_as(&fake, admin()).await;
        assert!(text.contains("\nNothing changed."), "{text}");
        assert!(
            registrations(&fake, &bot.options, mark).is_empty(),
            "{}",
            fake.dump()
        );

        // Only the disclaimer changed: every answer changes, the summary says so, the commands
        // stay as they are.
        edit_response(
            dir,
            "catalog.toml",
            OLD_DISCLAIMER_START,
            NEW_DISCLAIMER_START,
        );
        let mark = fake.mark();
        let text = reload_as(&fake, admin()).await;
        assert!(text.contains("\nThe disclaimer changed."), "{text}");
        assert!(disclaimer(&ask(&fake).await).starts_with(NEW_DISCLAIMER_START));
        assert!(
            registrations(&fake, &bot.options, mark).is_empty(),
            "{}",
            fake.dump()
        );
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn a_removed_topic_is_reported_and_its_old_buttons_stay_polite() {
    capped(Duration::from_secs(30), async {
        let (fake, bot, responses) = setup(BotOptions::default()).await;
        let dir = responses.path();
        // Remove cancer-vaccines and every reference to it (follow-ups, examples).
        std::fs::remove_file(dir.join("topics/cancer-vaccines.toml")).unwrap();
        for file in [
            "topics/immunotherapy.toml",
            "topics/car-t.toml",
            "topics/checkpoint-inhibitors.toml",
            "topics/monoclonal-antibodies.toml",
        ] {
            let path = dir.join(file);
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text
                .replace(", \"cancer-vaccines\"", "")
                .replace("\"cancer-vaccines\", ", "");
            std::fs::write(path, text).unwrap();
        }
        let examples = dir.join("examples.tsv");
        let text = std::fs::read_to_string(&examples).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .filter(|line| !line.starts_with("cancer-vaccines\t"))
            .collect();
        std::fs::write(&examples, kept.join("\n") + "\n").unwrap();

        let text = reload_as(&fake, admin()).await;
        assert!(
            text.starts_with("Reloaded the responses: 4 topics,"),
            "{text}"
        );
        assert!(text.contains("\nRemoved: cancer-vaccines"), "{text}");
        assert!(bot.live.current().find("cancer-vaccines").is_none());

        // A button sent before the reload now leads nowhere: a polite private notice.
        let press = FakeComponent::button("ib1:topic:cancer-vaccines", member());
        fake.send_event(&press);
        let callback = fake.wait_for_request(is_callback_for(press.id), T).await;
        let data = &callback.body()["data"];
        assert_ne!(data["flags"].as_u64().unwrap_or(0) & EPHEMERAL, 0);
        assert!(
            data["content"]
                .as_str()
                .unwrap_or_default()
                .starts_with("That button no longer leads to a reviewed answer"),
            "{data:#}"
        );
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 3. Who may reload
// =============================================================================================

#[tokio::test]
async fn only_manage_server_or_a_moderator_role_may_reload() {
    capped(Duration::from_secs(30), async {
        let (_guard, logs) = capture_logs();
        let options = BotOptions::default().with_moderator_roles(&[MODERATOR_ROLE]);
        let (fake, bot, responses) = setup(options).await;
        let mark = fake.mark();
        edit_response(
            responses.path(),
            "topics/car-t.toml",
            "label = \"CAR-T Cell Therapy\"",
            "label = \"CAR-T\"",
        );

        // Discord hides /reload from these members, but an admin may have granted it to
        // everyone: the interaction arrives anyway and must be refused.
        let other_role = MODERATOR_ROLE + 1;
        for invoker in [
            member(),
            Invoker::member(FakeUser::fresh("helper"), MEMBER_PERMISSIONS, &[other_role]),
            // Manage Messages and Manage Roles are not Manage Server.
            Invoker::member(
                FakeUser::fresh("mod-ish"),
                &((1u64 << 13) | (1 << 28)).to_string(),
                &[],
            ),
        ] {
            expect_refusal(&fake, invoker, words::NOT_A_MODERATOR).await;
        }
        // In a DM nobody is a server's moderator.
        expect_refusal(
            &fake,
            Invoker::dm(FakeUser::fresh("dm")),
            words::NOT_IN_A_SERVER,
        )
        .await;
        assert_eq!(
            live_car_t_label(&bot),
            "CAR-T Cell Therapy",
            "nothing reloaded"
        );
        assert!(registrations(&fake, &bot.options, mark).is_empty());
        let log = wait_for_log(&logs, "refused /reload").await;
        assert!(!log.contains("reloaded the responses"), "{log}");

        // A member with a moderator role and no Manage Server may.
        let moderator = Invoker::member(
            FakeUser::fresh("moderator"),
            MEMBER_PERMISSIONS,
            &[other_role, MODERATOR_ROLE],
        );
        let text = reload_as(&fake, moderator).await;
        assert!(text.contains("\nEdited: car-t"), "{text}");
        assert_eq!(live_car_t_label(&bot), "CAR-T");
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 4. A broken file
// =============================================================================================

#[tokio::test]
async fn a_broken_reload_lists_every_problem_and_the_old_catalog_keeps_answering() {
    capped(Duration::from_secs(30), async {
        let (_guard, logs) = capture_logs();
        let (fake, bot, responses) = setup(BotOptions::default()).await;
        let mark = fake.mark();
        let dir = responses.path();
        // Valid edits that must not go live, next to broken ones.
        edit_response(
            dir,
            "topics/car-t.toml",
            CAR_T_SENTENCE,
            MONOCLONAL_SENTENCE,
        );
        edit_response(dir, "topics/car-t.toml", "reviewer =", "reviwer =");
        edit_response(
            dir,
            "topics/immunotherapy.toml",
            "\"car-t\",",
            "\"car-tee\",",
        );
        edit_response(dir, "catalog.toml", "disclaimer =", "# disclaimer =");

        let text = reload_as(&fake, admin()).await;
        assert!(
            text.starts_with("Nothing was reloaded: the response files have "),
            "{text}"
        );
        assert!(
            text.lines().next().unwrap().ends_with(words::STILL_LIVE),
            "{text}"
        );
        for expected in [
            "\ntopics/car-t.toml:4: unknown field `reviwer`",
            "\ntopics/immunotherapy.toml:6: follow-up `car-tee` is not a topic",
            "\ncatalog.toml: missing `disclaimer`",
        ] {
            assert!(
                text.contains(expected),
                "{expected:?} missing from:\n{text}"
            );
        }
        assert!(!text.contains(&dir.display().to_string()), "{text}");

        // The previous catalog still answers, and its buttons still work.
        let reply = ask(&fake).await;
        assert_eq!(description(&reply), CAR_T_SENTENCE);
        assert!(disclaimer(&reply).starts_with(OLD_DISCLAIMER_START));
        let press = FakeComponent::button("ib1:topic:car-t", member());
        fake.send_event(&press);
        let callback = fake.wait_for_request(is_callback_for(press.id), T).await;
        let embeds = &callback.body()["data"]["embeds"];
        assert_eq!(embeds[0]["description"], CAR_T_SENTENCE, "{embeds:#}");
        assert!(registrations(&fake, &bot.options, mark).is_empty());

        let log = wait_for_log(&logs, "reload refused").await;
        assert!(log.contains("WARN"), "{log}");
        assert!(
            log.contains("car-t.toml:4: unknown field `reviwer`"),
            "{log}"
        );

        // Fixed: the next reload goes through.
        edit_response(dir, "topics/car-t.toml", "reviwer =", "reviewer =");
        edit_response(
            dir,
            "topics/immunotherapy.toml",
            "\"car-tee\",",
            "\"car-t\",",
        );
        edit_response(dir, "catalog.toml", "# disclaimer =", "disclaimer =");
        let text = reload_as(&fake, admin()).await;
        assert!(text.contains("\nEdited: car-t"), "{text}");
        assert_eq!(description(&ask(&fake).await), MONOCLONAL_SENTENCE);
        finish(fake, bot).await;
    })
    .await;
}

#[tokio::test]
async fn hundreds_of_problems_fit_in_one_message() {
    capped(Duration::from_secs(30), async {
        let (fake, bot, responses) = setup(BotOptions::default()).await;
        let examples = responses.path().join("examples.tsv");
        let mut text = std::fs::read_to_string(&examples).unwrap();
        for n in 0..300 {
            text.push_str(&format!("no-such-topic-{n}\twhat is car-t?\n"));
        }
        std::fs::write(&examples, text).unwrap();
        let text = reload_as(&fake, admin()).await;
        assert!(
            text.contains("the response files have 300 problems"),
            "{text}"
        );
        assert!(text.contains(words::STILL_LIVE), "{text}");
        assert!(text.contains("examples.tsv:"), "{text}");
        let tail = text.lines().last().unwrap();
        assert!(
            tail.starts_with("… and ") && tail.ends_with(" more"),
            "{text}"
        );
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 5. Atomic swap
// =============================================================================================

#[tokio::test]
async fn every_reply_in_a_burst_around_a_reload_is_entirely_old_or_new() {
    capped(Duration::from_secs(40), async {
        let (fake, bot, responses) = setup(BotOptions::default()).await;
        let dir = responses.path();
        edit_response(
            dir,
            "topics/car-t.toml",
            "title = \"CAR-T Cell Therapy\"",
            "title = \"CAR-T cell therapy\"",
        );
        edit_response(
            dir,
            "catalog.toml",
            OLD_DISCLAIMER_START,
            NEW_DISCLAIMER_START,
        );
        let new_disclaimer = load_catalog_from(dir).disclaimer().to_owned();
        let old: Catalog = load_catalog();

        // Questions keep coming, a few at a time, from before /reload until well after the
        // moderator was told it is done: the reload happens in the middle of the burst.
        let reload = FakeCommand::slash("reload", admin());
        let done = original_response_path(&reload);
        let mut sent = 0;
        let mut after_done = 0;
        while after_done < 100 {
            // Checked before sending: these ten are sent after the moderator was told.
            let reload_done = !fake
                .requests_matching(|r| r.is_exactly("PATCH", &done))
                .is_empty();
            for _ in 0..10 {
                fake.send_event(&ask_car_t());
            }
            sent += 10;
            if sent == 100 {
                fake.send_event(&reload);
            }
            if reload_done {
                after_done += 10;
            }
            assert!(sent < 3000, "the reload never finished\n{}", fake.dump());
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
        let replies = fake
            .wait_for_requests(
                sent,
                is_message_to(DEFAULT_CHANNEL_ID),
                Duration::from_secs(30),
            )
            .await;
        let (mut olds, mut news) = (0, 0);
        for reply in &replies {
            let pair = (
                embed(reply)["title"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                disclaimer(reply),
            );
            if pair == ("CAR-T Cell Therapy".to_owned(), old.disclaimer().to_owned()) {
                olds += 1;
            } else if pair == ("CAR-T cell therapy".to_owned(), new_disclaimer.clone()) {
                news += 1;
            } else {
                panic!("a reply mixes two catalogs: {pair:?}");
            }
        }
        assert_eq!(olds + news, sent);
        // The first questions came before /reload, the last ones after it was done.
        assert!(olds >= 100 && news >= 100, "old {olds}, new {news}");

        let edit = fake
            .wait_for_request(|r| r.is_exactly("PATCH", &done), T)
            .await;
        let text = edit.body()["content"].as_str().unwrap_or_default();
        assert!(
            text.contains("\nEdited: car-t\nThe disclaimer changed."),
            "{text}"
        );
        let reply = ask(&fake).await;
        assert_eq!(embed(&reply)["title"], "CAR-T cell therapy");
        finish(fake, bot).await;
    })
    .await;
}

// =============================================================================================
// 6. The real binary: SIGHUP, the file watcher, SIGTERM
// =============================================================================================

#[cfg(unix)]
mod process {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};
    use std::sync::{Arc, Mutex};

    /// `immunobot run` against the fake; killed if a test fails before stopping it.
    struct BotProcess {
        child: Child,
        stderr: Arc<Mutex<String>>,
        _config: tempfile::TempDir,
    }

    impl BotProcess {
        fn start(fake: &FakeDiscord, responses: &Path, watch: bool) -> BotProcess {
            let config = tempfile::tempdir().unwrap();
            let path = config.path().join("config.toml");
            // The cooldown is off: these tests ask the same question in one channel again and
            // again to see what is live (the cooldown has its own tests, tests/abuse_e2e.rs).
            std::fs::write(
                &path,
                format!(
                    "[discord]\napi_url = \"{}\"\ncooldown_seconds = 0\n\n[responses]\ndir = {:?}\nwatch = {watch}\n",
                    fake.base_url(),
                    responses.display().to_string(),
                ),
            )
            .unwrap();
            let mut child = Command::new(env!("CARGO_BIN_EXE_immunobot"))
                .args(["run", "--config"])
                .arg(&path)
                .env("DISCORD_TOKEN", BOT_TOKEN)
                .env("RUST_LOG", "immunobot=info")
                .env("NO_COLOR", "1")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the binary starts");
            let stderr = Arc::new(Mutex::new(String::new()));
            let sink = stderr.clone();
            let pipe = child.stderr.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut text = sink.lock().unwrap();
                    text.push_str(&line);
                    text.push('\n');
                }
            });
            BotProcess {
                child,
                stderr,
                _config: config,
            }
        }

        fn logs(&self) -> String {
            self.stderr.lock().unwrap().clone()
        }

        /// Waits until the `n`th log line containing `needle` shows up; returns all logs.
        async fn wait_for_log(&self, needle: &str, n: usize, within: Duration) -> String {
            let deadline = tokio::time::Instant::now() + within;
            loop {
                let text = self.logs();
                if text.matches(needle).count() >= n {
                    return text;
                }
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "no {n}th log line containing {needle:?} within {within:?}; logs:\n{text}"
                );
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }

        fn signal(&self, name: &str) {
            let status = Command::new("kill")
                .args([&format!("-{name}"), &self.child.id().to_string()])
                .status()
                .expect("kill runs");
            assert!(status.success(), "kill -{name} failed");
        }

        /// SIGTERM, then the exit status within `within`.
        async fn terminate(mut self, within: Duration) -> (std::process::ExitStatus, String) {
            self.signal("TERM");
            let deadline = tokio::time::Instant::now() + within;
            loop {
                if let Some(status) = self.child.try_wait().unwrap() {
                    // Let the reader thread drain the last lines.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    return (status, self.logs());
                }
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "no exit within {within:?} of SIGTERM; logs:\n{}",
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

    async fn ready(fake: &FakeDiscord) {
        fake.wait_for_identify(T).await;
        let path = BotOptions::default().registration_path();
        fake.wait_for_request(|r| r.is_exactly("PUT", &path), T)
            .await;
        fake.consume_all();
    }

    #[tokio::test]
    async fn sighup_reloads_the_binary_and_sigterm_stops_it_cleanly() {
        capped(Duration::from_secs(30), async {
            let responses = copy_responses();
            let fake = FakeDiscord::start().await;
            let bot = BotProcess::start(&fake, responses.path(), false);
            ready(&fake).await;
            assert_eq!(description(&ask(&fake).await), CAR_T_SENTENCE);

            edit_response(
                responses.path(),
                "topics/car-t.toml",
                CAR_T_SENTENCE,
                MONOCLONAL_SENTENCE,
            );
            // No watcher: the save alone changes nothing.
            tokio::time::sleep(Duration::from_millis(600)).await;
            assert_eq!(description(&ask(&fake).await), CAR_T_SENTENCE);

            bot.signal("HUP");
            let logs = bot.wait_for_log("reloaded the responses", 1, T).await;
            assert!(logs.contains("trigger=SIGHUP"), "{logs}");
            assert!(logs.contains("edited: car-t"), "{logs}");
            assert_eq!(description(&ask(&fake).await), MONOCLONAL_SENTENCE);

            // A broken file on SIGHUP: refused, logged with its problem, old text still live.
            edit_response(
                responses.path(),
                "topics/car-t.toml",
                "reviewer =",
                "reviwer =",
            );
            bot.signal("HUP");
            let logs = bot.wait_for_log("reload refused", 1, T).await;
            assert!(
                logs.contains("car-t.toml:4: unknown field `reviwer`"),
                "{logs}"
            );
            assert_eq!(description(&ask(&fake).await), MONOCLONAL_SENTENCE);

            let started = tokio::time::Instant::now();
            let (status, logs) = bot.terminate(T).await;
            assert!(status.success(), "{status:?}\n{logs}");
            assert!(
                started.elapsed() < Duration::from_secs(3),
                "{:?}",
                started.elapsed()
            );
            assert!(logs.contains("stopping"), "{logs}");
            assert!(
                !logs.contains(BOT_TOKEN),
                "the token is never logged:\n{logs}"
            );
            assert!(
                !logs.contains("what is car-t"),
                "no message text at info:\n{logs}"
            );
            fake.assert_no_unexpected_requests();
        })
        .await;
    }

    #[tokio::test]
    async fn the_watcher_reloads_a_save_within_two_seconds() {
        capped(Duration::from_secs(30), async {
            let responses = copy_responses();
            let fake = FakeDiscord::start().await;
            let bot = BotProcess::start(&fake, responses.path(), true);
            ready(&fake).await;
            bot.wait_for_log("reloading the responses when they change", 1, T)
                .await;
            assert_eq!(description(&ask(&fake).await), CAR_T_SENTENCE);

            // An editor's save: a temporary file renamed over the original, then written again.
            let file = responses.path().join("topics/car-t.toml");
            let text = std::fs::read_to_string(&file)
                .unwrap()
                .replace(CAR_T_SENTENCE, MONOCLONAL_SENTENCE);
            let saved = tokio::time::Instant::now();
            let temp = responses.path().join("topics/car-t.toml.tmp");
            std::fs::write(&temp, &text).unwrap();
            std::fs::rename(&temp, &file).unwrap();
            tokio::time::sleep(Duration::from_millis(50)).await;
            std::fs::write(&file, &text).unwrap();
            let logs = bot
                .wait_for_log("reloaded the responses", 1, Duration::from_secs(2))
                .await;
            assert!(saved.elapsed() < Duration::from_secs(2));
            assert!(logs.contains("trigger=file watcher"), "{logs}");
            assert_eq!(description(&ask(&fake).await), MONOCLONAL_SENTENCE);
            // One save, one reload.
            tokio::time::sleep(Duration::from_millis(700)).await;
            assert_eq!(bot.logs().matches("reloaded the responses").count(), 1);

            // A broken save is refused; the previous responses keep answering.
            edit_response(
                responses.path(),
                "topics/car-t.toml",
                "reviewer =",
                "reviwer =",
            );
            let logs = bot
                .wait_for_log("reload refused", 1, Duration::from_secs(2))
                .await;
            assert!(
                logs.contains("car-t.toml:4: unknown field `reviwer`"),
                "{logs}"
            );
            assert_eq!(description(&ask(&fake).await), MONOCLONAL_SENTENCE);

            let (status, logs) = bot.terminate(T).await;
            assert!(status.success(), "{status:?}\n{logs}");
            fake.assert_no_unexpected_requests();
        })
        .await;
    }
}
