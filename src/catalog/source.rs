//! Where response files come from: a folder on disk, or the copy embedded in the binary.
//!
//! This module owns reading bytes safely: size caps, UTF-8, and which files belong to a catalog.
//! It never interprets their content.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::embedded;
use super::problem::{LoadError, Problem};

/// Largest response file accepted. A reviewed answer is a few KiB; anything near this is a mistake
/// (or an attack) and is refused before it is read into memory whole.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Most files one catalog may have. An imported corpus has one file per answer (MedQuAD's
/// answered part is about 16,400); this leaves room for that and a moderator's own topics.
pub const MAX_FILES: usize = 40_000;

/// The settings file at the top of a responses folder.
pub const CATALOG_FILE: &str = "catalog.toml";
/// The words and phrasings the matcher reads messages with (optional: the built-in English is
/// used when a folder has none).
pub const LANGUAGE_FILE: &str = "language.toml";
/// The folder of topic files inside a responses folder.
pub const TOPICS_DIR: &str = "topics";
/// The optional table of routing examples inside a responses folder.
pub const EXAMPLES_FILE: &str = "examples.tsv";
/// The `.toml` files a responses folder may hold at its top, beside `topics/`. Any other is
/// most likely a topic saved one folder too high, and is reported rather than ignored.
pub const ROOT_TOML_FILES: [&str; 4] = [
    CATALOG_FILE,
    "language.toml",
    "safety.toml",
    "safety-language.toml",
];

/// Where to read response files from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseSource {
    Dir(PathBuf),
    /// The `responses/` folder as it was when the binary was built.
    Embedded,
}

impl ResponseSource {
    /// Human-readable description for logs and summaries.
    pub fn describe(&self) -> String {
        match self {
            ResponseSource::Dir(dir) => dir.display().to_string(),
            ResponseSource::Embedded => "the built-in responses".to_string(),
        }
    }

    /// The files of the catalog, and warnings about files that are there but not read.
    pub(crate) fn read_files(&self) -> Result<(Vec<SourceFile>, Vec<Problem>), LoadError> {
        match self {
            ResponseSource::Dir(dir) => read_dir(dir),
            ResponseSource::Embedded => Ok((
                embedded::FILES
                    .iter()
                    .map(|(name, text)| SourceFile {
                        display: format!("responses/{name}"),
                        relative: (*name).to_string(),
                        text: (*text).to_string(),
                    })
                    .collect(),
                Vec::new(),
            )),
        }
    }
}

/// One response file, read and known to be UTF-8.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    /// The path shown in problems.
    pub display: String,
    /// The path relative to the responses folder, with `/` separators.
    pub relative: String,
    pub text: String,
}

fn read_dir(dir: &Path) -> Result<(Vec<SourceFile>, Vec<Problem>), LoadError> {
    let shown = dir.display().to_string();
    let metadata = fs::metadata(dir).map_err(|err| {
        LoadError::new(vec![Problem::error(
            &shown,
            None,
            format!("cannot read the responses folder: {err}"),
        )])
    })?;
    if !metadata.is_dir() {
        return Err(LoadError::new(vec![Problem::error(
            &shown,
            None,
            "is not a folder of response files",
        )]));
    }

    let mut paths = vec![dir.join(CATALOG_FILE)];
    if dir.join(LANGUAGE_FILE).exists() {
        paths.push(dir.join(LANGUAGE_FILE));
    }
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let topics_dir = dir.join(TOPICS_DIR);
    match fs::read_dir(&topics_dir) {
        Ok(entries) => {
            let mut topic_paths = Vec::new();
            for path in entries.filter_map(|entry| entry.ok().map(|entry| entry.path())) {
                match topic_file_kind(&path) {
                    TopicFileKind::Topic => topic_paths.push(path),
                    TopicFileKind::EditorFile => {}
                    TopicFileKind::Unread(why) => {
                        warnings.push(Problem::warning(path.display().to_string(), None, why));
                    }
                }
            }
            topic_paths.sort();
            warnings.sort_by(|a, b| a.file.cmp(&b.file));
            paths.extend(topic_paths);
        }
        Err(err) => problems.push(Problem::error(
            topics_dir.display().to_string(),
            None,
            format!("cannot read the topics folder: {err}"),
        )),
    }
    let examples = dir.join(EXAMPLES_FILE);
    if examples.exists() {
        paths.push(examples);
    }
    warnings.extend(unknown_root_files(dir));
    // A folder without its own safety files is served the built-in ones (validate says so).
    for name in [crate::safety::NOTICES_FILE, crate::safety::LANGUAGE_FILE] {
        let path = dir.join(name);
        if path.exists() {
            paths.push(path);
        }
    }
    if paths.len() > MAX_FILES {
        problems.push(Problem::error(
            &shown,
            None,
            format!("has {} files; at most {MAX_FILES} are read", paths.len()),
        ));
        return Err(LoadError::new(problems));
    }

    let mut files = Vec::new();
    for path in paths {
        let display = path.display().to_string();
        let relative = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .components()
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        match read_capped(&path) {
            Ok(text) => files.push(SourceFile {
                display,
                relative,
                text,
            }),
            Err((line, message)) => problems.push(Problem::error(display, line, message)),
        }
    }
    if problems.is_empty() {
        Ok((files, warnings))
    } else {
        problems.extend(warnings);
        Err(LoadError::new(problems))
    }
}

/// `.toml` files at the top of the responses folder that nothing reads.
fn unknown_root_files(dir: &Path) -> Vec<Problem> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut unknown: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml") && path.is_file())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_none_or(|name| !ROOT_TOML_FILES.contains(&name))
        })
        .collect();
    unknown.sort();
    unknown
        .into_iter()
        .map(|path| {
            Problem::warning(
                path.display().to_string(),
                None,
                format!(
                    "is not read: topic files go in {TOPICS_DIR}/ (move it there); only {} are read here",
                    ROOT_TOML_FILES.map(|name| format!("`{name}`")).join(", ")
                ),
            )
        })
        .collect()
}

enum TopicFileKind {
    Topic,
    /// Swap, lock and backup files that come and go while a file is open in an editor.
    EditorFile,
    /// Something a moderator may expect to be read, and is not: say so rather than ignore it.
    Unread(&'static str),
}

fn topic_file_kind(path: &Path) -> TopicFileKind {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    if name.starts_with('.') || name.ends_with('~') {
        TopicFileKind::EditorFile
    } else if path.is_dir() {
        TopicFileKind::Unread(
            "is a folder; folders inside topics/ are not read (put topic files directly in topics/)",
        )
    } else if path.extension().is_some_and(|ext| ext == "toml") {
        TopicFileKind::Topic
    } else {
        TopicFileKind::Unread("is not read: topic files end in `.toml`")
    }
}

/// Reads a file of at most [`MAX_FILE_BYTES`] as UTF-8, without ever holding more than that.
fn read_capped(path: &Path) -> Result<String, (Option<usize>, String)> {
    let file = fs::File::open(path).map_err(|err| (None, format!("cannot read: {err}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| (None, format!("cannot read: {err}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err((
            None,
            format!(
                "is larger than {} KiB; response files are refused above that size",
                MAX_FILE_BYTES / 1024
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|err| {
        let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        (
            Some(line),
            "is not valid UTF-8 (save the file as UTF-8)".to_string(),
        )
    })
}
