//! Fuzzes loading response files: any text saved as one file of an otherwise shipped catalog
//! must load or be refused with every problem located as `FILE:LINE: message` (or `FILE: message`
//! for the whole file), never panic;
//! and a catalog that loads must be usable.
//!
//! The first byte may choose which file the rest replaces: `0x00` a new topic file, `0x01`
//! `catalog.toml`, `0x02` `examples.tsv`. Without such a byte the whole input replaces
//! `topics/car-t.toml`, so the shipped topic files work as seeds as they are.

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use immunobot::catalog::{check_examples, Catalog, Problem};
use immunobot::discord::CONTENT_LIMITS;
use immunobot::matching::Addressing;
use libfuzzer_sys::fuzz_target;

/// The shipped response files as `(relative path, text)`, read once.
fn shipped() -> &'static [(String, String)] {
    static FILES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../responses");
        let read = |relative: String| {
            let text = std::fs::read_to_string(dir.join(&relative)).expect("shipped file");
            (relative, text)
        };
        let mut topics: Vec<String> = std::fs::read_dir(dir.join("topics"))
            .expect("shipped topics")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".toml"))
            .collect();
        topics.sort();
        let mut files = vec![read("catalog.toml".into()), read("examples.tsv".into())];
        files.extend(
            topics
                .into_iter()
                .map(|name| read(format!("topics/{name}"))),
        );
        files
    })
}

fn check_located(problem: &Problem, edited: &str, text: &str) {
    let shown = problem.to_string();
    let rest = shown
        .strip_prefix(&problem.file)
        .unwrap_or_else(|| panic!("{shown:?} does not start with its file"));
    // A problem of the whole file is `FILE: message`, with no made-up line.
    if problem.line.is_none() {
        let message = rest.strip_prefix(": ").unwrap_or_default();
        assert!(!message.trim().is_empty(), "{shown:?}");
        return;
    }
    let rest = rest
        .strip_prefix(':')
        .unwrap_or_else(|| panic!("{shown:?} does not start with its file"));
    let (line, message) = rest
        .split_once(": ")
        .unwrap_or_else(|| panic!("{shown:?} is not FILE:LINE: message"));
    let line: usize = line
        .parse()
        .unwrap_or_else(|_| panic!("{shown:?} has no line number"));
    assert!(line >= 1 && !message.trim().is_empty(), "{shown:?}");
    if problem.file == edited {
        let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
        assert!(line <= lines, "{shown:?} points past the end of the file");
    }
}

fuzz_target!(|data: &[u8]| {
    let (edited, data) = match data.first() {
        Some(0) => ("topics/fuzz.toml", &data[1..]),
        Some(1) => ("catalog.toml", &data[1..]),
        Some(2) => ("examples.tsv", &data[1..]),
        _ => ("topics/car-t.toml", data),
    };
    let text = String::from_utf8_lossy(data);
    let mut files: Vec<(&str, &str)> = shipped()
        .iter()
        .filter(|(relative, _)| relative != edited)
        .map(|(relative, text)| (relative.as_str(), text.as_str()))
        .collect();
    files.push((edited, &text));

    match Catalog::load_from_memory(&files, &CONTENT_LIMITS) {
        Err(err) => {
            assert!(err.errors().count() > 0, "refused without an error");
            for problem in &err.problems {
                check_located(problem, edited, &text);
            }
        }
        Ok(catalog) => {
            for problem in catalog.warnings() {
                check_located(problem, edited, &text);
            }
            for topic in catalog.topics() {
                assert!(topic.follow_ups.iter().all(|id| catalog.find(id).is_some()));
                for phrase in topic.questions.iter().chain(&topic.terms) {
                    for addressing in [Addressing::Passive, Addressing::Direct] {
                        let score = catalog.matcher().assess(phrase, addressing).score;
                        assert!((0.0..=1.0).contains(&score));
                    }
                }
            }
            check_examples(&catalog);
        }
    }
});
