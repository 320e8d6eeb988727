//! The shipped responses load, say exactly what was reviewed, and every broken file is refused
//! with `FILE:LINE: message`.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use immunobot::catalog::{Catalog, CatalogHandle, LoadError, ResponseSource, MAX_FILE_BYTES};
use immunobot::discord::CONTENT_LIMITS;

fn shipped() -> Catalog {
    Catalog::load(&ResponseSource::Dir(responses_dir()), &CONTENT_LIMITS)
        .unwrap_or_else(|err| panic!("the shipped responses must load:\n{err}"))
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the shipped responses with one edit applied.
fn edited(edit: impl FnOnce(&Path)) -> (tempfile::TempDir, Result<Catalog, LoadError>) {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&responses_dir(), dir.path());
    edit(dir.path());
    let result = Catalog::load(
        &ResponseSource::Dir(dir.path().to_path_buf()),
        &CONTENT_LIMITS,
    );
    (dir, result)
}

/// The problems of a broken copy, as printed.
fn problems(edit: impl FnOnce(&Path)) -> Vec<String> {
    let (_dir, result) = edited(edit);
    match result {
        Ok(_) => panic!("the edited responses were accepted"),
        Err(err) => err.errors().map(ToString::to_string).collect(),
    }
}

fn replace_in(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn assert_reported(problems: &[String], file: &str, line: usize, needle: &str) {
    let prefix = format!("{file}:{line}: ");
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&prefix) && p.contains(needle)),
        "expected a problem `{prefix}...{needle}...`, got:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_shipped_responses_load_without_warnings() {
    let catalog = shipped();
    let ids: Vec<&str> = catalog.topics().iter().map(|t| t.id.as_str()).collect();
    for id in TOPIC_IDS {
        assert!(ids.contains(&id), "missing topic {id}");
    }
    assert_eq!(ids.len(), TOPIC_IDS.len());
    // The shipped safety notices are defaults waiting for a community's own review, and say so.
    let warnings: Vec<String> = catalog.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings
            .iter()
            .all(|w| w.contains("safety.toml") && w.contains("not reviewed yet")),
        "{warnings:#?}"
    );
    assert!(catalog.disclaimer().contains("healthcare provider"));
}

#[test]
fn the_immunotherapy_answer_is_the_reviewed_text_verbatim() {
    let catalog = shipped();
    let topic = catalog.find("immunotherapy").unwrap();
    assert_eq!(topic.body, IMMUNOTHERAPY_ANSWER);
    assert_eq!(topic.body.chars().count(), 2039);
    assert_eq!(topic.title, IMMUNOTHERAPY_TITLE);
    assert_eq!(topic.reviewer, REVIEWER);
    assert_eq!(
        immunobot::reply::provenance(topic),
        "Medically reviewed by SecondMedic medical review team"
    );
}

#[test]
fn each_therapy_says_only_its_reviewed_sentences() {
    let catalog = shipped();
    let body = |id: &str| catalog.find(id).unwrap().body.clone();
    assert_eq!(
        body("checkpoint-inhibitors"),
        CHECKPOINT_SENTENCES.join("\n\n")
    );
    assert_eq!(body("car-t"), CAR_T_SENTENCE);
    assert_eq!(body("monoclonal-antibodies"), MONOCLONAL_SENTENCE);
    assert_eq!(body("cancer-vaccines"), VACCINE_SENTENCE);
    for topic in catalog.topics() {
        assert_eq!(topic.reviewer, REVIEWER, "{}", topic.id);
        for paragraph in topic.body.split("\n\n") {
            assert!(
                IMMUNOTHERAPY_ANSWER.contains(paragraph),
                "{}: not reviewed: {paragraph}",
                topic.id
            );
        }
    }
}

#[test]
fn topics_come_in_reading_order_for_menus_and_choices() {
    let catalog = shipped();
    let ids: Vec<&str> = catalog.topics().iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids, TOPIC_IDS,
        "immunotherapy first, then its follow-ups in order"
    );
}

#[test]
fn immune_checkpoint_inhibitors_is_an_alias_not_a_second_topic() {
    let catalog = shipped();
    let alias = catalog.find("immune-checkpoint-inhibitors").unwrap();
    assert_eq!(alias.id, "checkpoint-inhibitors");
    let follow_ups = &catalog.find("immunotherapy").unwrap().follow_ups;
    assert_eq!(
        follow_ups,
        &[
            "checkpoint-inhibitors",
            "car-t",
            "monoclonal-antibodies",
            "cancer-vaccines"
        ]
    );
}

#[test]
fn the_embedded_copy_equals_the_responses_folder() {
    let from_dir = shipped();
    let embedded = Catalog::load(&ResponseSource::Embedded, &CONTENT_LIMITS).unwrap();
    assert_eq!(from_dir.topics().len(), embedded.topics().len());
    for (a, b) in from_dir.topics().iter().zip(embedded.topics()) {
        assert_eq!(a, b);
    }
    assert_eq!(from_dir.disclaimer(), embedded.disclaimer());
    assert_eq!(from_dir.examples().len(), embedded.examples().len());

    // Every file of the folder is embedded (a new topic file must be added to the list).
    let mut files = vec![
        "catalog.toml".to_string(),
        "examples.tsv".to_string(),
        "safety.toml".to_string(),
        "safety-language.toml".to_string(),
    ];
    for entry in fs::read_dir(responses_dir().join("topics")).unwrap() {
        files.push(format!(
            "topics/{}",
            entry.unwrap().file_name().to_string_lossy()
        ));
    }
    let source = include_str!("../src/catalog/embedded.rs");
    for file in files {
        assert!(
            source.contains(&format!("\"{file}\"")),
            "{file} is not embedded"
        );
    }
}

#[test]
fn the_shipped_examples_and_known_questions_route_as_promised() {
    let catalog = shipped();
    assert!(catalog.examples().len() >= 20);
    let failures = immunobot::catalog::check_examples(&catalog);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_toml_syntax_error_is_reported_with_its_line() {
    let problems = problems(|dir| {
        replace_in(
            dir,
            "topics/car-t.toml",
            "title = \"CAR-T",
            "title = CAR-T\"",
        )
    });
    assert!(
        problems.iter().any(|p| p.contains("topics/car-t.toml:2: ")),
        "{problems:?}"
    );
}

#[test]
fn invalid_utf8_is_reported() {
    let problems = problems(|dir| {
        let path = dir.join("topics/car-t.toml");
        let mut bytes = fs::read(&path).unwrap();
        bytes.extend_from_slice(b"\n# \xff\xfe\n");
        fs::write(path, bytes).unwrap();
    });
    assert!(problems
        .iter()
        .any(|p| p.contains("car-t.toml:") && p.contains("UTF-8")));
}

#[test]
fn an_unknown_key_is_refused_not_ignored() {
    let problems = problems(|dir| replace_in(dir, "topics/car-t.toml", "reviewer =", "reviwer ="));
    assert_reported(&problems, "topics/car-t.toml", 4, "reviwer");
}

#[test]
fn missing_required_fields_are_reported() {
    let problems = problems(|dir| {
        replace_in(
            dir,
            "topics/monoclonal-antibodies.toml",
            "reviewer = \"SecondMedic medical review team\"\n",
            "",
        )
    });
    assert!(problems
        .iter()
        .any(|p| p.contains("monoclonal-antibodies.toml:") && p.contains("`reviewer`")));
}

#[test]
fn an_empty_body_is_refused() {
    let problems = problems(|dir| {
        let path = dir.join("topics/car-t.toml");
        let text = fs::read_to_string(&path).unwrap();
        let start = text.find("body = '''").unwrap();
        let end = text[start..].find("'''\n").unwrap() + start;
        let end = end + text[end + 3..].find("'''").unwrap() + 6;
        fs::write(
            &path,
            format!("{}body = \"  \"\n{}", &text[..start], &text[end..]),
        )
        .unwrap();
    });
    assert!(
        problems.iter().any(|p| p.contains("`body` is empty")),
        "{problems:?}"
    );
}

#[test]
fn duplicate_topic_ids_are_refused() {
    let problems = problems(|dir| {
        replace_in(
            dir,
            "topics/cancer-vaccines.toml",
            "id = \"cancer-vaccines\"",
            "id = \"car-t\"",
        )
    });
    // Files are read in name order: the second file to claim the id is the one reported.
    assert_reported(
        &problems,
        "topics/car-t.toml",
        1,
        "`car-t` is already used by",
    );
}

#[test]
fn a_term_claimed_by_two_topics_is_refused() {
    let problems = problems(|dir| {
        replace_in(
            dir,
            "topics/cancer-vaccines.toml",
            "\"tumor vaccine\"",
            "\"Monoclonal Antibodies\"",
        )
    });
    // Files are read in name order: the second file to claim the term is the one reported.
    assert!(
        problems
            .iter()
            .any(|p| p.contains("monoclonal-antibodies.toml:")
                && p.contains("also claimed by topic `cancer-vaccines`")),
        "{problems:?}"
    );
}

#[test]
fn a_follow_up_to_a_missing_topic_is_refused() {
    let problems = problems(|dir| {
        replace_in(
            dir,
            "topics/immunotherapy.toml",
            "\"car-t\",",
            "\"car-tee\",",
        )
    });
    assert_reported(
        &problems,
        "immunotherapy.toml",
        6,
        "follow-up `car-tee` is not a topic",
    );
}

#[test]
fn a_missing_disclaimer_is_refused() {
    let problems = problems(|dir| {
        let path = dir.join("catalog.toml");
        fs::write(path, "# no disclaimer\n").unwrap();
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("catalog.toml: missing `disclaimer`")),
        "{problems:?}"
    );
}

#[test]
fn an_excerpt_that_is_not_verbatim_is_refused() {
    let problems = problems(|dir| {
        replace_in(
            dir,
            "topics/car-t.toml",
            "genetically modifying",
            "genetically improving",
        )
    });
    assert!(problems
        .iter()
        .any(|p| p.contains("car-t.toml:") && p.contains("does not stand verbatim")));
}

#[test]
fn content_over_discord_limits_is_refused() {
    let problems = problems(|dir| {
        replace_in(
            dir,
            "topics/car-t.toml",
            "label = \"CAR-T Cell Therapy\"",
            &format!("label = \"{}\"", "L".repeat(81)),
        );
        replace_in(
            dir,
            "topics/cancer-vaccines.toml",
            "title = \"Cancer Vaccines\"",
            &format!("title = \"{}\"", "T".repeat(257)),
        );
    });
    assert_reported(&problems, "car-t.toml", 3, "at most 80");
    assert_reported(&problems, "cancer-vaccines.toml", 2, "at most 256");
}

#[test]
fn a_huge_file_is_refused_without_reading_it_whole() {
    let problems = problems(|dir| {
        let file = fs::File::create(dir.join("topics/huge.toml")).unwrap();
        file.set_len(50 * 1024 * 1024).unwrap();
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("huge.toml:")
                && p.contains(&format!("{} KiB", MAX_FILE_BYTES / 1024)))
    );
}

#[test]
fn deeply_nested_toml_is_refused_cleanly() {
    let problems = problems(|dir| {
        let nested = format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        fs::write(dir.join("topics/nested.toml"), nested).unwrap();
    });
    assert!(problems.iter().any(|p| p.contains("nested.toml:")));
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let problems = problems(|dir| {
        replace_in(dir, "topics/car-t.toml", "reviewer =", "reviwer =");
        replace_in(
            dir,
            "topics/immunotherapy.toml",
            "\"car-t\",",
            "\"car-tee\",",
        );
        fs::write(dir.join("catalog.toml"), "").unwrap();
    });
    assert!(problems.len() >= 3, "{problems:?}");
}

#[test]
fn an_example_naming_an_unknown_topic_is_refused() {
    let problems = problems(|dir| {
        let path = dir.join("examples.tsv");
        let mut text = fs::read_to_string(&path).unwrap();
        text.push_str("car-tee\twhat is car-t?\n");
        let line = text.lines().count();
        fs::write(&path, text).unwrap();
        assert!(line > 1);
    });
    assert!(problems
        .iter()
        .any(|p| p.contains("examples.tsv:") && p.contains("`car-tee` is not a topic")));
}

#[test]
fn a_failed_reload_keeps_the_live_catalog() {
    let handle = CatalogHandle::new(shipped());
    let (dir, _) = edited(|_| {});
    replace_in(dir.path(), "topics/car-t.toml", "reviewer =", "reviwer =");
    let source = ResponseSource::Dir(dir.path().to_path_buf());
    assert!(handle.reload(&source, &CONTENT_LIMITS).is_err());
    assert_eq!(handle.current().find("car-t").unwrap().body, CAR_T_SENTENCE);

    replace_in(dir.path(), "topics/car-t.toml", "reviwer =", "reviewer =");
    replace_in(
        dir.path(),
        "topics/car-t.toml",
        "label = \"CAR-T Cell Therapy\"",
        "label = \"CAR-T\"",
    );
    let summary = handle.reload(&source, &CONTENT_LIMITS).unwrap();
    assert_eq!(summary.edited, vec!["car-t".to_string()]);
    assert_eq!(handle.current().find("car-t").unwrap().label, "CAR-T");
}

#[test]
fn topic_files_that_would_not_be_read_are_reported_not_ignored() {
    let (dir, result) = edited(|dir| {
        fs::create_dir(dir.join("topics/drafts")).unwrap();
        fs::copy(
            dir.join("topics/car-t.toml"),
            dir.join("topics/drafts/car-t.toml"),
        )
        .unwrap();
        fs::write(dir.join("topics/new-topic.tml"), "id = \"new-topic\"\n").unwrap();
        // What editors leave next to an open file is nobody's concern.
        fs::write(dir.join("topics/.car-t.toml.swp"), "x").unwrap();
        fs::write(dir.join("topics/car-t.toml~"), "x").unwrap();
    });
    let catalog = result.unwrap_or_else(|err| panic!("a warning does not stop loading: {err}"));
    let warnings: Vec<String> = catalog
        .warnings()
        .iter()
        .map(ToString::to_string)
        .filter(|w| !w.contains("safety.toml"))
        .collect();
    let shown = |name: &str| dir.path().join("topics").join(name).display().to_string();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings[0].starts_with(&format!("{}: warning: is a folder", shown("drafts"))),
        "{warnings:#?}"
    );
    assert!(
        warnings[1].starts_with(&format!(
            "{}: warning: is not read: topic files end in `.toml`",
            shown("new-topic.tml")
        )),
        "{warnings:#?}"
    );
}

#[test]
fn a_topic_with_too_many_phrases_is_refused() {
    let problems = problems(|dir| {
        let many: Vec<String> = (0..201).map(|i| format!("\"what is car t {i}\"")).collect();
        replace_in(
            dir,
            "topics/car-t.toml",
            "questions = [",
            &format!("questions = [{},", many.join(", ")),
        )
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("car-t.toml:") && p.contains("at most 200 per topic")),
        "{problems:?}"
    );
}

#[test]
fn near_duplicate_questions_in_two_topics_are_a_warning() {
    let (_dir, result) = edited(|dir| {
        replace_in(
            dir,
            "topics/car-t.toml",
            "questions = [",
            "questions = [\"what is an cancer vaccine\",",
        )
    });
    let catalog = result.expect("a near-duplicate is a warning, not an error");
    let warnings: Vec<String> = catalog.warnings().iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("warning: question") && w.contains("very similar")),
        "{warnings:?}"
    );
}

#[test]
fn a_toml_file_beside_catalog_toml_is_reported_with_where_it_belongs() {
    let (dir, result) = edited(|dir| {
        fs::copy(dir.join("topics/car-t.toml"), dir.join("car-t-v2.toml")).unwrap();
        // The files the responses folder may hold at its top (the copy has language.toml) are
        // not warned about, and neither is what is not a .toml file.
        assert!(dir.join("language.toml").is_file());
        fs::write(dir.join("README.md"), "notes").unwrap();
    });
    let catalog = result.unwrap_or_else(|err| panic!("a warning does not stop loading: {err}"));
    // The shipped safety notices are unreviewed defaults, which is a warning of its own.
    let warnings: Vec<String> = catalog
        .warnings()
        .iter()
        .map(ToString::to_string)
        .filter(|w| !w.contains("not reviewed yet"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let shown = dir.path().join("car-t-v2.toml").display().to_string();
    assert!(
        warnings[0].starts_with(&format!(
            "{shown}: warning: is not read: topic files go in topics/ (move it there)"
        )),
        "{warnings:#?}"
    );
}

#[test]
fn a_term_made_only_of_everyday_words_is_reported_and_never_matched() {
    // "THES" folds to "the" like a plural; "WTS" is the chat spelling of "what is".
    let (dir, result) = edited(|dir| {
        replace_in(
            dir,
            "topics/car-t.toml",
            "    \"car t\",\n",
            "    \"car t\",\n    \"THES\",\n    \"WTS\",\n    \"KID\",\n",
        )
    });
    let catalog = result.unwrap_or_else(|err| panic!("a warning does not stop loading: {err}"));
    let file = dir.path().join("topics/car-t.toml").display().to_string();
    let warnings: Vec<String> = catalog
        .warnings()
        .iter()
        .map(ToString::to_string)
        .filter(|w| w.starts_with(&file))
        .collect();
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    // One word with a role of its own ("kid" says who a message is about) names nothing.
    assert!(
        warnings[2].starts_with(&format!(
            "{file}:15: warning: term \"KID\" reads as \"kid\""
        )),
        "{warnings:#?}"
    );
    // In capitals, a one-word term is still read where a message writes it so.
    assert!(
        warnings[2].ends_with("only where a message writes it in capitals"),
        "{warnings:#?}"
    );
    assert!(
        warnings[1].ends_with("it is never used to find this subject"),
        "{warnings:#?}"
    );
    assert!(
        warnings[0].starts_with(&format!(
            "{file}:13: warning: term \"THES\" reads as \"the\""
        )),
        "{warnings:#?}"
    );
    assert!(
        warnings[1].starts_with(&format!(
            "{file}:14: warning: term \"WTS\" reads as \"what is\""
        )),
        "{warnings:#?}"
    );
    let matcher = catalog.matcher();
    for message in [
        "what are the side effects of it?",
        "wts a good movie tonight?",
        "what is a kid?",
        "what is THE best way to ask?",
    ] {
        let assessment = matcher.assess(message, immunobot::matching::Addressing::Passive);
        assert_eq!(assessment.answer(), None, "{message}");
    }
    let in_capitals = matcher.assess("so what is KID?", immunobot::matching::Addressing::Passive);
    assert_eq!(
        in_capitals
            .answer()
            .map(|topic| catalog.topic(topic).id.as_str()),
        Some("car-t")
    );
}

#[test]
fn a_long_name_is_a_term_but_a_list_of_names_is_refused() {
    let (_dir, result) = edited(|dir| {
        replace_in(
            dir,
            "topics/car-t.toml",
            "    \"car t\",\n",
            "    \"car t\",\n    \"adult onset chimeric antigen receptor t cell therapy with axonal spheroids and pigmented glia\",\n",
        )
    });
    let catalog = result.unwrap_or_else(|err| panic!("a 16-word name is a name: {err}"));
    let asked = "what is adult-onset chimeric antigen receptor T cell therapy with axonal spheroids and pigmented glia?";
    let answer = catalog
        .matcher()
        .assess(asked, immunobot::matching::Addressing::Passive)
        .answer()
        .map(|index| catalog.topic(index).id.clone());
    assert_eq!(answer.as_deref(), Some("car-t"));

    let seventeen = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen";
    let problems = problems(|dir| {
        replace_in(
            dir,
            "topics/car-t.toml",
            "    \"car t\",\n",
            &format!("    \"car t\",\n    \"{seventeen}\",\n"),
        )
    });
    assert_reported(
        &problems,
        "topics/car-t.toml",
        13,
        "is longer than 16 words",
    );
}

/// The shipped catalog with cancer vaccines about children and named "car t cell therapy" too,
/// and CAR-T about `car_t_audience` (or everyone).
fn car_t_shared_with_children(car_t_audience: Option<&str>) -> (tempfile::TempDir, Catalog) {
    let (dir, result) = edited(|dir| {
        if let Some(audience) = car_t_audience {
            replace_in(
                dir,
                "topics/car-t.toml",
                "excerpt_of = \"immunotherapy\"\n",
                &format!("excerpt_of = \"immunotherapy\"\naudience = \"{audience}\"\n"),
            );
        }
        replace_in(
            dir,
            "topics/cancer-vaccines.toml",
            "excerpt_of = \"immunotherapy\"\n",
            "excerpt_of = \"immunotherapy\"\naudience = \"children\"\n",
        );
        replace_in(
            dir,
            "topics/cancer-vaccines.toml",
            "\"tumor vaccine\"",
            "\"car t cell therapy\"",
        );
    });
    let catalog = result.unwrap_or_else(|err| panic!("these subjects may share a name: {err}"));
    (dir, catalog)
}

#[test]
fn subjects_about_different_audiences_may_share_a_name_and_the_message_decides() {
    let (_dir, catalog) = car_t_shared_with_children(Some("adults"));
    common::check_routing(
        &catalog,
        &[
            (
                "what is CAR T cell therapy for kids?",
                Some("cancer-vaccines"),
            ),
            (
                "my husband is 52, what is CAR T cell therapy?",
                Some("car-t"),
            ),
            (
                "I'm 8. what is CAR T cell therapy?",
                Some("cancer-vaccines"),
            ),
            // Nothing says who: silence rather than an answer about the wrong people.
            ("what is CAR T cell therapy?", None),
        ],
    );
}

#[test]
fn a_subject_about_everyone_shares_a_name_with_one_about_an_audience() {
    let (_dir, catalog) = car_t_shared_with_children(None);
    common::check_routing(
        &catalog,
        &[
            // Nobody named: the subject about everyone answers.
            ("what is CAR T cell therapy?", Some("car-t")),
            (
                "what is CAR T cell therapy for kids?",
                Some("cancer-vaccines"),
            ),
            (
                "my 7 year old starts CAR T cell therapy, what is it?",
                Some("cancer-vaccines"),
            ),
        ],
    );
}

/// A general subject gives way only to the audience's subject of the same name or a longer
/// one: "CAR T cell therapy in adults", a name of its own, is not CAR-T for adults because
/// "car t" stands inside it.
#[test]
fn a_general_subject_keeps_its_longer_name_beside_an_audience_subject_inside_it() {
    let (_dir, result) = edited(|dir| {
        replace_in(
            dir,
            "topics/car-t.toml",
            "excerpt_of = \"immunotherapy\"\n",
            "excerpt_of = \"immunotherapy\"\naudience = \"adults\"\n",
        );
        replace_in(
            dir,
            "topics/cancer-vaccines.toml",
            "\"tumor vaccine\"",
            "\"car t cell therapy in adults\"",
        );
    });
    let catalog = result.unwrap_or_else(|err| panic!("{err}"));
    common::check_routing(
        &catalog,
        &[
            (
                "what is car t cell therapy in adults?",
                Some("cancer-vaccines"),
            ),
            ("what is car t for adults?", Some("car-t")),
        ],
    );
}

#[test]
fn a_shared_name_needs_different_audiences_and_a_declared_audience() {
    let problems = problems(|dir| {
        for topic in ["car-t", "cancer-vaccines"] {
            replace_in(
                dir,
                &format!("topics/{topic}.toml"),
                "excerpt_of = \"immunotherapy\"\n",
                "excerpt_of = \"immunotherapy\"\naudience = \"children\"\n",
            );
        }
        replace_in(
            dir,
            "topics/cancer-vaccines.toml",
            "\"tumor vaccine\"",
            "\"car t cell therapy\"",
        );
        replace_in(
            dir,
            "topics/monoclonal-antibodies.toml",
            "excerpt_of = \"immunotherapy\"\n",
            "excerpt_of = \"immunotherapy\"\naudience = \"toddlers\"\n",
        );
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("car-t.toml:")
                && p.contains("also claimed by topic `cancer-vaccines`")),
        "{problems:?}"
    );
    assert_reported(
        &problems,
        "topics/monoclonal-antibodies.toml",
        6,
        "audience `toddlers` is not declared in language.toml (known: children, adults)",
    );
}
