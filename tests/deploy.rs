//! The deployment files (Dockerfile, the container config, the systemd unit) against the binary
//! they ship: what can be checked without building an image or booting a service manager.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");
/// The distroless `nonroot` user the container runs as.
const NONROOT: &str = "65532";

fn repo(path: &str) -> PathBuf {
    Path::new(MANIFEST).join(path)
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Read-only for everyone: files 0444, folders 0555, as a `:ro` volume looks to the bot.
fn make_read_only(path: &Path) {
    if path.is_dir() {
        for entry in fs::read_dir(path).unwrap() {
            make_read_only(&entry.unwrap().path());
        }
        fs::set_permissions(path, fs::Permissions::from_mode(0o555)).unwrap();
    } else {
        fs::set_permissions(path, fs::Permissions::from_mode(0o444)).unwrap();
    }
}

/// The container's layout in a temporary folder: `etc/immunobot/config.toml` from
/// `deploy/container.toml`, the shipped responses beside it, all read-only, and a copy of the
/// binary any user may run.
struct Image {
    root: tempfile::TempDir,
}

impl Image {
    fn new() -> Image {
        let root = tempfile::tempdir().unwrap();
        let etc = root.path().join("etc/immunobot");
        fs::create_dir_all(&etc).unwrap();
        fs::copy(repo("deploy/container.toml"), etc.join("config.toml")).unwrap();
        copy_tree(&repo("responses"), &etc.join("responses"));
        make_read_only(&etc);
        let bin = root.path().join("immunobot");
        fs::copy(env!("CARGO_BIN_EXE_immunobot"), &bin).unwrap();
        fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
        for dir in [root.path().to_path_buf(), root.path().join("etc")] {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
        }
        Image { root }
    }

    fn config(&self) -> PathBuf {
        self.root.path().join("etc/immunobot/config.toml")
    }

    fn dry_run(&self, command: &mut Command) -> Output {
        command
            .current_dir(self.root.path())
            .env_remove("DISCORD_TOKEN")
            .env("RUST_LOG", "off")
            .arg("run")
            .arg("--dry-run")
            .arg("--config")
            .arg(self.config())
            .output()
            .unwrap()
    }
}

fn assert_valid_with_its_responses(output: &Output, image: &Image) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    let responses = image.root.path().join("etc/immunobot/responses");
    assert!(
        stdout.contains(&format!("responses: {} (5 topics", responses.display())),
        "the responses next to the container config are the ones in force: {stdout}"
    );
}

#[test]
fn the_container_config_validates_against_a_read_only_responses_volume() {
    let image = Image::new();
    let output = image.dry_run(&mut Command::new(image.root.path().join("immunobot")));
    assert_valid_with_its_responses(&output, &image);
}

#[test]
fn the_container_config_validates_as_the_nonroot_user() {
    // Only root can switch users; elsewhere the test above is what can be checked.
    let Some(setpriv) = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .find(|path| Path::new(path).exists())
    else {
        eprintln!("skipped: no setpriv to run the binary as uid {NONROOT}");
        return;
    };
    if !is_root() {
        eprintln!("skipped: switching to uid {NONROOT} needs root");
        return;
    }
    let image = Image::new();
    let mut command = Command::new(setpriv);
    command
        .args([
            "--reuid",
            NONROOT,
            "--regid",
            NONROOT,
            "--clear-groups",
            "--",
        ])
        .arg(image.root.path().join("immunobot"));
    let output = image.dry_run(&mut command);
    assert_valid_with_its_responses(&output, &image);
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

#[test]
fn every_file_the_dockerfile_copies_exists() {
    let dockerfile = fs::read_to_string(repo("Dockerfile")).unwrap();
    assert!(dockerfile.contains("FROM gcr.io/distroless/cc-debian12:nonroot"));
    assert!(dockerfile.contains(r#"CMD ["run", "--config", "/etc/immunobot/config.toml"]"#));
    let copies: Vec<&str> = dockerfile
        .lines()
        .filter(|line| line.starts_with("COPY ") && !line.contains("--from="))
        .map(|line| line.split_whitespace().nth(1).unwrap())
        .filter(|source| *source != ".")
        .collect();
    assert!(copies.contains(&"deploy/container.toml"), "{copies:?}");
    for source in copies {
        assert!(
            repo(source).exists(),
            "the Dockerfile copies {source}, which is missing"
        );
    }
}

#[test]
fn the_systemd_unit_passes_systemd_analyze_verify() {
    let Ok(version) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("skipped: no systemd-analyze on this machine");
        return;
    };
    let version: u32 = String::from_utf8_lossy(&version.stdout)
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    // verify insists that ExecStart names an existing executable: point it at the built binary.
    let unit = fs::read_to_string(repo("deploy/immunobot.service")).unwrap();
    assert!(unit.contains("ExecStart=/usr/local/bin/immunobot run --config "));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("immunobot.service");
    fs::write(
        &path,
        unit.replace("/usr/local/bin/immunobot", env!("CARGO_BIN_EXE_immunobot")),
    )
    .unwrap();
    let output = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // Type=notify-reload and ReloadSignal= came with systemd 253; an older one can only say it
    // does not know them. Anything else it says about the unit is a mistake in it.
    let complaints: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("immunobot.service"))
        .filter(|line| {
            version >= 253 || !(line.contains("notify-reload") || line.contains("ReloadSignal"))
        })
        .collect();
    assert!(complaints.is_empty(), "systemd {version}: {complaints:#?}");
}

/// The ```toml blocks of `docs/DEPLOY.md` that hold a `shards` range.
fn sharded_configs_in_deploy_md() -> Vec<String> {
    let doc = fs::read_to_string(repo("docs/DEPLOY.md")).unwrap();
    doc.split("```toml\n")
        .skip(1)
        .filter_map(|block| block.split_once("```").map(|(toml, _)| toml.to_string()))
        .filter(|toml| toml.contains("shards = "))
        .collect()
}

fn dry_run(config: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_immunobot"))
        .current_dir(config.parent().unwrap())
        .env_remove("DISCORD_TOKEN")
        .env("RUST_LOG", "off")
        .args(["run", "--dry-run", "--config"])
        .arg(config)
        .output()
        .unwrap()
}

#[test]
fn the_sharded_configs_in_deploy_md_are_valid_and_cover_every_shard_once() {
    let configs = sharded_configs_in_deploy_md();
    assert!(configs.len() >= 2, "{configs:?}");
    let dir = tempfile::tempdir().unwrap();
    let mut covered = Vec::new();
    for (n, text) in configs.iter().enumerate() {
        let path = dir.path().join(format!("host{n}.toml"));
        fs::write(&path, text).unwrap();
        let output = dry_run(&path);
        assert!(
            output.status.success(),
            "{text}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let value: toml::Table = text.parse().unwrap();
        let range = value["discord"]["shards"].as_str().unwrap();
        let (first, last) = range.split_once('-').unwrap();
        covered.extend(first.parse::<u32>().unwrap()..=last.parse::<u32>().unwrap());
        assert_eq!(value["discord"]["total_shards"].as_integer(), Some(8));
    }
    covered.sort_unstable();
    assert_eq!(covered, (0..8).collect::<Vec<_>>());
}

#[test]
fn the_refusal_deploy_md_shows_is_the_one_the_binary_gives() {
    let doc = fs::read_to_string(repo("docs/DEPLOY.md")).unwrap();
    let shown = doc
        .lines()
        .find(|line| line.starts_with("error: /etc/immunobot/config.toml:"))
        .expect("DEPLOY.md shows a refused range");
    // The first host's config with the range the example refuses.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let first = &sharded_configs_in_deploy_md()[0];
    fs::write(&path, first.replace("\"0-3\"", "\"8-11\"")).unwrap();
    let output = dry_run(&path);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim_end(),
        shown.replace("/etc/immunobot/config.toml", &path.display().to_string())
    );
}
