//! Watching the responses folder: turns the burst of file-system events an editor makes when it
//! saves (write a temp file, rename it over, touch the folder) into one "the files changed" call.
//!
//! This module owns only the watching and the debouncing. It never reads or judges a response
//! file and never reloads anything itself: the caller decides what a change means (the Discord
//! adapter reloads through the same path as `/reload` and SIGHUP, so a watched save is validated
//! like any other reload).

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use notify::event::{MetadataKind, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tracing::warn;

/// A burst ends once the folder has been quiet this long. Editors finish a save within a few
/// milliseconds; a person saving twice takes longer than this.
pub const QUIET: Duration = Duration::from_millis(300);

/// Files that keep changing (a script writing in a loop) still get reloaded this soon after the
/// first change, instead of never.
pub const MAX_DELAY: Duration = Duration::from_millis(1500);

/// Watches a folder while it lives; dropping it stops the watching.
pub struct FolderWatch {
    // Held for its Drop: the OS watch ends with it.
    _watcher: RecommendedWatcher,
    debouncer: JoinHandle<()>,
}

impl Drop for FolderWatch {
    fn drop(&mut self) {
        self.debouncer.abort();
    }
}

/// Watches `dir` and everything below it, and calls `on_change` once per burst of edits to
/// response files. Calls never overlap: changes made while `on_change` runs lead to one more
/// call after it. Must be called inside a tokio runtime.
pub fn watch<F, Fut>(dir: &Path, on_change: F) -> anyhow::Result<FolderWatch>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (edits, bursts) = mpsc::unbounded_channel();
    let mut watcher =
        notify::recommended_watcher(move |event: notify::Result<Event>| match event {
            Ok(event) if is_edit(&event) => {
                // Only fails once the debouncer is gone, i.e. while the watch is being dropped.
                let _ = edits.send(());
            }
            Ok(_) => {}
            Err(err) => warn!(error = %err, "the responses watcher reported an error"),
        })
        .context("cannot start watching files")?;
    watcher
        .watch(dir, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch {}", dir.display()))?;
    let debouncer = tokio::spawn(debounce(bursts, on_change));
    Ok(FolderWatch {
        _watcher: watcher,
        debouncer,
    })
}

async fn debounce<F, Fut>(mut edits: mpsc::UnboundedReceiver<()>, on_change: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    while edits.recv().await.is_some() {
        let deadline = Instant::now() + MAX_DELAY;
        loop {
            let quiet_until = (Instant::now() + QUIET).min(deadline);
            match tokio::time::timeout_at(quiet_until, edits.recv()).await {
                Ok(Some(())) if Instant::now() < deadline => continue,
                Ok(Some(())) | Err(_) => break,
                Ok(None) => return,
            }
        }
        on_change().await;
    }
}

/// Whether an event may have changed what a reload would read. Reading the files (as a reload
/// does) must not count, or every reload would cause the next one.
fn is_edit(event: &Event) -> bool {
    let changes_content = !matches!(
        event.kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    );
    changes_content && (event.paths.is_empty() || event.paths.iter().any(|p| is_response_path(p)))
}

/// Response files, and folders (a renamed or removed `topics/`); not editor swap, lock or
/// backup files, which come and go while a moderator merely has a file open.
fn is_response_path(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    if name.starts_with('.') || name.ends_with('~') {
        return false;
    }
    match path.extension().and_then(|ext| ext.to_str()) {
        None => true,
        Some(ext) => ext == "toml" || ext == "tsv",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// A watch on a fresh folder that counts its calls.
    fn counting_watch() -> (tempfile::TempDir, FolderWatch, Arc<AtomicUsize>) {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("topics")).unwrap();
        fs::write(dir.path().join("topics/a.toml"), "id = \"a\"\n").unwrap();
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let watch = watch(dir.path(), move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        })
        .unwrap();
        (dir, watch, calls)
    }

    async fn wait_for_calls(calls: &AtomicUsize, at_least: usize, within: Duration) {
        let deadline = Instant::now() + within;
        while calls.load(Ordering::SeqCst) < at_least && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    #[tokio::test]
    async fn an_editors_save_in_several_writes_is_one_change() {
        let (dir, _watch, calls) = counting_watch();
        let file = dir.path().join("topics/a.toml");
        let started = Instant::now();
        // What editors do: write a temp file, move it over the original, touch it again.
        fs::write(dir.path().join("topics/.a.toml.swp"), "x").unwrap();
        fs::write(dir.path().join("topics/a.toml.tmp"), "id = \"b\"\n").unwrap();
        fs::rename(dir.path().join("topics/a.toml.tmp"), &file).unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        fs::write(&file, "id = \"c\"\n").unwrap();
        wait_for_calls(&calls, 1, Duration::from_secs(2)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 1, "the save was not seen");
        assert!(started.elapsed() < Duration::from_secs(2));
        // Fixed waits, not multiples of QUIET: a shorter QUIET must fail this test.
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 1, "one save, one call");

        // A later, separate save is a change of its own.
        fs::write(dir.path().join("catalog.toml"), "disclaimer = \"x\"\n").unwrap();
        wait_for_calls(&calls, 2, Duration::from_secs(2)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn reading_the_files_or_touching_swap_files_is_no_change() {
        let (dir, _watch, calls) = counting_watch();
        assert_eq!(
            fs::read_to_string(dir.path().join("topics/a.toml")).unwrap(),
            "id = \"a\"\n"
        );
        fs::write(dir.path().join("topics/.a.toml.swp"), "x").unwrap();
        fs::write(dir.path().join("topics/a.toml~"), "x").unwrap();
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_steady_stream_of_writes_still_ends_in_a_call() {
        let (dir, _watch, calls) = counting_watch();
        let file = dir.path().join("topics/a.toml");
        let started = Instant::now();
        while calls.load(Ordering::SeqCst) == 0 && started.elapsed() < Duration::from_secs(4) {
            fs::write(&file, format!("# {:?}\n", started.elapsed())).unwrap();
            tokio::time::sleep(QUIET / 3).await;
        }
        assert!(calls.load(Ordering::SeqCst) >= 1);
        assert!(
            started.elapsed() < MAX_DELAY + QUIET * 2,
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn only_response_files_and_folders_count() {
        for (path, counts) in [
            ("responses/topics/car-t.toml", true),
            ("responses/examples.tsv", true),
            ("responses/topics", true),
            ("responses/topics/.car-t.toml.swp", false),
            ("responses/topics/car-t.toml~", false),
            ("responses/topics/.#car-t.toml", false),
            ("responses/notes.md", false),
        ] {
            assert_eq!(is_response_path(Path::new(path)), counts, "{path}");
        }
    }
}
