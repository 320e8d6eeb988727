//! The safety router: the shipped language recognises crisis and advice messages of every kind
//! it documents and leaves ordinary chat, figures of speech, past events and general questions
//! alone; its files are validated like the topics (`FILE:LINE`, refused whole).
//!
//! The tables are this file's own: they describe classes of messages, one or two of each, so
//! that a change to the language that breaks a class fails here.

mod common;

use std::fs;
use std::path::Path;

use common::responses_dir;
use immunobot::catalog::{Catalog, LoadError, ResponseSource};
use immunobot::discord::CONTENT_LIMITS;
use immunobot::safety::Safety;

fn shipped() -> Catalog {
    Catalog::load(&ResponseSource::Dir(responses_dir()), &CONTENT_LIMITS)
        .unwrap_or_else(|err| panic!("the shipped responses must load:\n{err}"))
}

const CRISIS: &[&str] = &[
    // First-person intent, plain and implied.
    "I want to kill myself",
    "honestly i dont want to be alive anymore",
    "thinking about ending my life tonight",
    "i'm going to end it all this weekend",
    "everyone would be better off without me",
    "i keep wishing i was dead",
    "i've been giving all my things away, won't need any of it soon",
    "i wrote everything down for my wife. this will be my last message here",
    "planning to overdose on my pain meds",
    "i took a handful of my sleeping pills on purpose",
    "what's the point of going on",
    // Self-harm.
    "i've been cutting myself again to cope",
    "i hurt myself on purpose last night",
    // Someone else, now.
    "my brother says he wants to die and he isn't answering his phone",
    "my mom texted goodbye to all of us and now she's not picking up",
    // Symptoms that need emergency care now.
    "i can't breathe, started after my infusion",
    "my husband is gasping and his lips are turning blue",
    "crushing chest pain and sweating, on opdivo",
    "dad just collapsed in the kitchen",
    "my daughter is having a seizure right now",
    "coughing up blood since this morning",
    "my throat is closing up, i'm on keytruda",
    "temp 39.7 and shaking, day 4 after car-t",
    "fever of 102 with chills, second cycle of yervoy",
    "my wife doesn't recognize me, she had car-t a week ago",
    "he is confused and slurring his words 6 days after car-t",
    // An exception in one sentence never silences a crisis in another.
    "temp 39.5 and shaking after car-t. is this a side effect?",
    "she was laughing at the tv and then she collapsed",
    "he's unconscious and breathing funny",
    "He died last year and I don't want to live without him",
];

const ADVICE: &[&str] = &[
    "should i stop my keytruda because of the rash?",
    "should my dad do car-t or another round of chemo?",
    "can i take ibuprofen while on opdivo?",
    "is it safe for me to get the flu shot during immunotherapy?",
    "how much tylenol can my husband take in a day after his infusion?",
    "what dose of vitamin d should i take on pembrolizumab?",
    "is it ok if i skip my next infusion for a wedding?",
    "would you do the trial if you were me? on keytruda now",
    "do i need to stop my blood thinner before the port goes in?",
];

const NONE: &[&str] = &[
    // Figures of speech.
    "this exam is killing me",
    "i'm dying to try that bakery",
    "i almost died laughing at the nurse's joke 😂",
    "i can't breathe i'm laughing so hard lol",
    "i want to die of embarrassment, i called my doctor mom",
    "my laptop died again",
    "i nearly had a heart attack when i saw my bill",
    "i can't breathe from laughing so hard",
    // Resolved, past events.
    "had a seizure back in 2019, none since",
    "my chest pain turned out to be reflux, all checked out",
    "i used to self harm as a teenager, years clean now",
    "last year i passed out at the clinic because i skipped breakfast",
    // Third parties, news, prevention.
    "my grandpa died of lymphoma in the 90s",
    "september is suicide prevention month, the crisis line is 988",
    "interesting study on suicide risk after diagnosis",
    // General questions: never routed to safety.
    "what is immunotherapy?",
    "what are the side effects of keytruda?",
    "is shortness of breath a side effect of opdivo?",
    "how common is fever after car-t?",
    "can immunotherapy cause seizures?",
    "how much does car-t cost?",
    // Ordinary chat.
    "good morning everyone, scan day today",
    "should i bring snacks to my infusion?",
    "where can i find the support group schedule?",
    "my oncologist said i can stop keytruda after two years",
    "",
];

#[test]
fn crisis_messages_are_recognised() {
    let catalog = shipped();
    let router = &catalog.safety().router;
    let missed: Vec<&str> = CRISIS
        .iter()
        .copied()
        .filter(|m| router.classify(m) != Some(Safety::Crisis))
        .collect();
    assert!(missed.is_empty(), "missed crises: {missed:#?}");
}

#[test]
fn requests_for_personal_advice_are_recognised() {
    let catalog = shipped();
    let router = &catalog.safety().router;
    let wrong: Vec<(&str, Option<Safety>)> = ADVICE
        .iter()
        .map(|m| (*m, router.classify(m)))
        .filter(|(_, got)| *got != Some(Safety::Advice))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn ordinary_messages_are_left_alone() {
    let catalog = shipped();
    let router = &catalog.safety().router;
    let flagged: Vec<(&str, &str)> = NONE
        .iter()
        .filter_map(|m| router.assess(m).map(|f| (*m, f.rule)))
        .collect();
    assert!(flagged.is_empty(), "flagged: {flagged:#?}");
}

#[test]
fn known_questions_are_never_routed_to_safety() {
    let catalog = shipped();
    for topic in catalog.topics() {
        for question in &topic.questions {
            assert_eq!(
                catalog.safety().router.classify(question),
                None,
                "{question}"
            );
        }
    }
}

#[test]
fn a_crisis_outranks_a_request_for_advice() {
    let catalog = shipped();
    assert_eq!(
        catalog
            .safety()
            .router
            .classify("should i go to the er? i can't breathe and i'm on keytruda"),
        Some(Safety::Crisis)
    );
}

#[test]
fn the_shipped_notices_say_only_what_is_safe_without_review() {
    let catalog = shipped();
    let crisis = catalog.safety().notice(Safety::Crisis);
    let advice = catalog.safety().notice(Safety::Advice);
    assert!(crisis.body.contains("emergency number"), "{}", crisis.body);
    assert!(crisis.body.contains("988"), "{}", crisis.body);
    assert!(advice.body.contains("care team"), "{}", advice.body);
    // Unreviewed defaults carry no reviewer line, and `check` warns about them.
    assert_eq!(crisis.provenance(), None);
    let warned: Vec<String> = catalog
        .warnings()
        .iter()
        .map(ToString::to_string)
        .filter(|w| w.contains("safety.toml") && w.contains("not reviewed"))
        .collect();
    assert_eq!(warned.len(), 2, "{warned:#?}");
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

fn load_edited(edit: impl FnOnce(&Path)) -> Result<Catalog, LoadError> {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&responses_dir(), dir.path());
    edit(dir.path());
    Catalog::load(
        &ResponseSource::Dir(dir.path().to_path_buf()),
        &CONTENT_LIMITS,
    )
}

fn append(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    let mut content = fs::read_to_string(&path).unwrap();
    content.push_str(text);
    fs::write(path, content).unwrap();
}

#[test]
fn a_broken_language_file_is_refused_whole_with_file_and_line() {
    let err = load_edited(|dir| {
        append(
            dir,
            "safety-language.toml",
            "\n[[crisis]]\nname = \"broken\"\npatterns = [\"(want to\", \"i to\", \"@nobody\"]\nunless = [\"nowhere\"]\n",
        )
    })
    .map(|_| ())
    .unwrap_err();
    let problems: Vec<String> = err.problems.iter().map(ToString::to_string).collect();
    let lines = fs::read_to_string(responses_dir().join("safety-language.toml"))
        .unwrap()
        .lines()
        .count();
    for (what, line) in [
        ("unbalanced `(`", lines + 4),
        ("no distinctive word", lines + 4),
        ("`@nobody` is not a class", lines + 4),
        ("`nowhere` is not a set", lines + 5),
    ] {
        assert!(
            problems.iter().any(|p| p.contains("safety-language.toml:")
                && p.contains(&format!(":{line}: "))
                && p.contains(what)),
            "{what} at line {line}: {problems:#?}"
        );
    }
}

#[test]
fn a_notice_without_a_body_is_refused() {
    let err = load_edited(|dir| {
        let path = dir.join("safety.toml");
        let text = fs::read_to_string(&path).unwrap();
        let cut = text.find("[advice]").unwrap();
        fs::write(&path, format!("{}[advice]\ntitle = \"x\"\n", &text[..cut])).unwrap();
    })
    .map(|_| ())
    .unwrap_err();
    assert!(
        err.problems
            .iter()
            .any(|p| p.is_error() && p.to_string().contains("[advice] needs a `body`")),
        "{err}"
    );
}

#[test]
fn a_reviewed_notice_shows_its_reviewer_and_is_not_warned_about() {
    let catalog = load_edited(|dir| {
        let path = dir.join("safety.toml");
        let text = fs::read_to_string(&path).unwrap().replace(
            "[crisis]\n",
            "[crisis]\nreviewer = \"Dr. Example\"\nreviewed_on = \"2026-01-15\"\n",
        );
        fs::write(&path, text).unwrap();
    })
    .unwrap();
    assert_eq!(
        catalog
            .safety()
            .notice(Safety::Crisis)
            .provenance()
            .as_deref(),
        Some("Reviewed by Dr. Example (2026-01-15)")
    );
    let warnings: Vec<String> = catalog.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("advice notice"), "{warnings:#?}");
}

#[test]
fn a_folder_without_safety_files_gets_the_built_in_ones() {
    let catalog = load_edited(|dir| {
        fs::remove_file(dir.join("safety.toml")).unwrap();
        fs::remove_file(dir.join("safety-language.toml")).unwrap();
    })
    .unwrap();
    assert_eq!(
        catalog.safety().router.classify("i want to end my life"),
        Some(Safety::Crisis)
    );
    let warnings: Vec<String> = catalog.warnings().iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("safety-language.toml") && w.contains("built-in copy")),
        "{warnings:#?}"
    );
}

#[test]
fn a_reload_swaps_the_safety_language_with_the_topics() {
    use immunobot::catalog::CatalogHandle;
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&responses_dir(), dir.path());
    let source = ResponseSource::Dir(dir.path().to_path_buf());
    let handle = CatalogHandle::new(Catalog::load(&source, &CONTENT_LIMITS).unwrap());
    assert!(
        !handle
            .reload(&source, &CONTENT_LIMITS)
            .unwrap()
            .safety_changed
    );
    let message = "my zorblax is acting up again";
    assert_eq!(handle.current().safety().router.classify(message), None);
    append(
        dir.path(),
        "safety-language.toml",
        "\n[[crisis]]\nname = \"test\"\npatterns = [\"zorblax\"]\n",
    );
    let summary = handle.reload(&source, &CONTENT_LIMITS).unwrap();
    assert!(
        summary.safety_changed && summary.changed_anything(),
        "{summary}"
    );
    assert!(summary
        .to_string()
        .contains("safety notices or language changed"));
    assert_eq!(
        handle.current().safety().router.classify(message),
        Some(Safety::Crisis)
    );
    // A broken edit leaves the live language serving.
    append(
        dir.path(),
        "safety-language.toml",
        "\n[[crisis]]\nname = 3\n",
    );
    assert!(handle.reload(&source, &CONTENT_LIMITS).is_err());
    assert_eq!(
        handle.current().safety().router.classify(message),
        Some(Safety::Crisis)
    );
}
