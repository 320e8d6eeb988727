//! A reviewed FAQ grows past definitions: one subject with answers of several kinds, and the
//! language that routes to them lives in data. The fixture (`tests/fixtures/faq/`) has
//! placeholder bodies, clearly marked as test data.

mod common;

use std::path::{Path, PathBuf};

use immunobot::catalog::{Catalog, ResponseSource, LANGUAGE_FILE};
use immunobot::discord::CONTENT_LIMITS;
use immunobot::matching::{Addressing, Verdict};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/faq")
}

fn faq() -> Catalog {
    Catalog::load(&ResponseSource::Dir(fixture_dir()), &CONTENT_LIMITS)
        .unwrap_or_else(|err| panic!("{err}"))
}

fn check_table(catalog: &Catalog, rows: &[(&str, Option<&str>)]) {
    common::check_routing(catalog, rows);
}

const DEFINITION: Option<&str> = Some("immunotherapy");
const SIDE_EFFECTS: Option<&str> = Some("immunotherapy-side-effects");
const GIVEN: Option<&str> = Some("immunotherapy-given");
const COST: Option<&str> = Some("immunotherapy-cost");
const OUTLOOK: Option<&str> = Some("immunotherapy-outlook");
const ELIGIBILITY: Option<&str> = Some("immunotherapy-eligibility");
const SILENT: Option<&str> = None;

#[test]
fn the_fixture_has_one_subject_with_six_kinds_of_answer() {
    let catalog = faq();
    assert_eq!(catalog.topics().len(), 6);
    let mut kinds: Vec<&str> = catalog.topics().iter().map(|t| t.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds.len(), 6, "{kinds:?}");
    // No language file in the fixture: the built-in English is used, and the moderator is told.
    assert!(catalog
        .warnings()
        .iter()
        .any(|w| w.to_string().contains(LANGUAGE_FILE)));
}

#[test]
fn every_known_question_of_every_kind_routes_to_its_own_answer() {
    let catalog = faq();
    let broken = immunobot::catalog::check_examples(&catalog);
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn definition_paraphrases() {
    check_table(
        &faq(),
        &[
            ("what is immunotherapy?", DEFINITION),
            ("can someone explain what immuno is", DEFINITION),
            (
                "my oncologist mentioned immunotherapy today. what is it?",
                DEFINITION,
            ),
            (
                "tired after the drive. anyway, what is immunotherapy?",
                DEFINITION,
            ),
        ],
    );
}

#[test]
fn side_effect_paraphrases() {
    check_table(
        &faq(),
        &[
            ("does immunotherapy have side effects?", SIDE_EFFECTS),
            ("what side effects can immunotherapy cause?", SIDE_EFFECTS),
            ("can immunotherapy make you tired?", SIDE_EFFECTS),
            ("immunotherapy side effects?", SIDE_EFFECTS),
            ("any rash with immunotherapy?", SIDE_EFFECTS),
        ],
    );
}

#[test]
fn how_it_is_given_paraphrases() {
    check_table(
        &faq(),
        &[
            ("how is immunotherapy given?", GIVEN),
            ("how often do you get immunotherapy?", GIVEN),
            ("how long does an immunotherapy session last?", GIVEN),
            ("is immunotherapy given at home or in hospital?", GIVEN),
        ],
    );
}

#[test]
fn cost_paraphrases() {
    check_table(
        &faq(),
        &[
            ("how much does immunotherapy cost?", COST),
            ("is immunotherapy expensive?", COST),
            ("does insurance pay for immunotherapy?", COST),
            ("what's the price of immunotherapy", COST),
        ],
    );
}

#[test]
fn outlook_paraphrases() {
    check_table(
        &faq(),
        &[
            ("what's the success rate of immunotherapy?", OUTLOOK),
            ("how effective is immunotherapy?", OUTLOOK),
            ("what are the survival rates with immunotherapy?", OUTLOOK),
        ],
    );
}

#[test]
fn eligibility_paraphrases() {
    check_table(
        &faq(),
        &[
            ("who is eligible for immunotherapy?", ELIGIBILITY),
            ("how do you qualify for immunotherapy?", ELIGIBILITY),
            (
                "what makes someone a candidate for immunotherapy?",
                ELIGIBILITY,
            ),
        ],
    );
}

#[test]
fn kinds_without_an_answer_stay_silent() {
    check_table(
        &faq(),
        &[
            ("are there immunotherapy trials near me?", SILENT),
            ("is immunotherapy better than chemo?", SILENT),
            ("what foods should I avoid on immunotherapy?", SILENT),
            ("who invented immunotherapy?", SILENT),
        ],
    );
    let catalog = faq();
    let direct = catalog
        .matcher()
        .assess("is immunotherapy better than chemo?", Addressing::Direct);
    assert_eq!(direct.verdict, Verdict::NotCovered);
}

#[test]
fn statements_and_other_senses_stay_silent() {
    check_table(
        &faq(),
        &[
            ("immunotherapy side effects were rough this week", SILENT),
            ("we covered what immunotherapy costs last week", SILENT),
            ("what is venom immunotherapy?", SILENT),
            ("my allergy immunotherapy shots hurt", SILENT),
        ],
    );
}

/// Copies the fixture into a temporary folder, with a language file of its own.
fn fixture_with_language(language: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("topics")).unwrap();
    for entry in std::fs::read_dir(fixture_dir().join("topics")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            dir.path().join("topics").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    std::fs::copy(
        fixture_dir().join("catalog.toml"),
        dir.path().join("catalog.toml"),
    )
    .unwrap();
    std::fs::write(dir.path().join(LANGUAGE_FILE), language).unwrap();
    dir
}

/// The error the fixture with `language` as its language file is refused with; it names the
/// language file.
fn refused_language(language: &str) -> String {
    let dir = fixture_with_language(language);
    let err = Catalog::load(&ResponseSource::Dir(dir.path().into()), &CONTENT_LIMITS)
        .unwrap_err()
        .to_string();
    assert!(err.contains("language.toml:"), "{err}");
    err
}

fn shipped_language() -> String {
    std::fs::read_to_string(common::responses_dir().join(LANGUAGE_FILE)).unwrap()
}

#[test]
fn a_moderator_adds_a_kind_of_question_without_a_release() {
    let language = shipped_language()
        + "\n[[kinds]]\nid = \"coping\"\ncues = [\"cope\", \"coping\", \"get through\"]\n";
    let dir = fixture_with_language(&language);
    std::fs::write(
        dir.path().join("topics/immunotherapy-coping.toml"),
        "id = \"immunotherapy-coping\"\ntitle = \"Coping (test fixture)\"\nlabel = \"Coping\"\n\
         reviewer = \"Test fixture (not reviewed)\"\nsubject = \"immunotherapy\"\nkind = \"coping\"\n\
         body = \"PLACEHOLDER (test data): coping.\"\n[matching]\nquestions = [\"how do people cope with immunotherapy\"]\n",
    )
    .unwrap();
    let catalog = Catalog::load(&ResponseSource::Dir(dir.path().into()), &CONTENT_LIMITS).unwrap();
    check_table(
        &catalog,
        &[
            (
                "any tips to get through immunotherapy?",
                Some("immunotherapy-coping"),
            ),
            ("what is immunotherapy?", DEFINITION),
        ],
    );
}

#[test]
fn a_moderator_teaches_a_new_request_phrasing() {
    let message = "spill the tea on immunotherapy";
    check_table(&faq(), &[(message, SILENT)]);
    let language = shipped_language().replacen(
        "phrases = [\n    \"explain\",",
        "phrases = [\n    \"spill the tea\", \"explain\",",
        1,
    );
    assert_ne!(language, shipped_language(), "the request phrases moved");
    let dir = fixture_with_language(&language);
    let catalog = Catalog::load(&ResponseSource::Dir(dir.path().into()), &CONTENT_LIMITS).unwrap();
    check_table(&catalog, &[(message, DEFINITION)]);
}

#[test]
fn a_broken_language_file_is_refused_with_its_line() {
    let language = shipped_language().replacen("what = [\"what\"]", "what = [\"?!\"]", 1);
    let shown = refused_language(&language);
    assert!(shown.contains("no words"), "{shown}");

    let unknown_kind = fixture_with_language(&shipped_language());
    let cost = unknown_kind.path().join("topics/immunotherapy-cost.toml");
    let text = std::fs::read_to_string(&cost)
        .unwrap()
        .replace("kind = \"cost\"", "kind = \"prices\"");
    std::fs::write(&cost, text).unwrap();
    let err = Catalog::load(
        &ResponseSource::Dir(unknown_kind.path().into()),
        &CONTENT_LIMITS,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("kind `prices` is not declared"), "{err}");
}

#[test]
fn an_everyday_name_needs_a_formal_word_and_everyday_ones() {
    let language = shipped_language().replacen(
        "formal = \"laryngeal\"\neveryday = [\"larynx\", \"voice box\"]",
        "formal = \"laryngeal\"\neveryday = []",
        1,
    );
    assert!(!language.contains("\"voice box\""), "the edit must apply");
    let err = refused_language(&language);
    assert!(err.contains("`everyday_names`"), "{err}");
}

#[test]
fn a_kind_answered_by_another_must_name_a_declared_other_kind() {
    for (answered_by, expected) in [
        (
            "[\"inheritence\"]",
            "`answered_by`: kind `inheritence` is not declared",
        ),
        ("[\"genetics\"]", "`answered_by` names the kind itself"),
    ] {
        let language = shipped_language().replacen(
            "answered_by = [\"inheritance\"]",
            &format!("answered_by = {answered_by}"),
            1,
        );
        let err = refused_language(&language);
        assert!(err.contains(expected), "{err}");
    }
}

/// Writes a catalog of subjects, each `(id, title, terms, kinds)`: its own topic answers what
/// it is, and one topic `<id>-<kind>` per other kind.
fn catalog_of(subjects: &[(&str, &str, &[&str], &[&str])]) -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("topics")).unwrap();
    std::fs::copy(
        fixture_dir().join("catalog.toml"),
        dir.path().join("catalog.toml"),
    )
    .unwrap();
    std::fs::write(dir.path().join(LANGUAGE_FILE), shipped_language()).unwrap();
    for (id, title, terms, kinds) in subjects {
        let terms: Vec<String> = terms.iter().map(|term| format!("{term:?}")).collect();
        std::fs::write(
            dir.path().join(format!("topics/{id}.toml")),
            format!(
                "id = \"{id}\"\ntitle = \"What is {title}? (test fixture)\"\nlabel = \"{title}\"\n\
                 reviewer = \"Test fixture (not reviewed)\"\nkind = \"definition\"\n\
                 body = \"PLACEHOLDER (test data): {title}.\"\n[matching]\nterms = [{}]\n\
                 questions = [\"what is {title}\"]\n",
                terms.join(", ")
            ),
        )
        .unwrap();
        for kind in *kinds {
            std::fs::write(
                dir.path().join(format!("topics/{id}-{kind}.toml")),
                format!(
                    "id = \"{id}-{kind}\"\ntitle = \"{title}: {kind} (test fixture)\"\n\
                     label = \"{title}: {kind}\"\nreviewer = \"Test fixture (not reviewed)\"\n\
                     subject = \"{id}\"\nkind = \"{kind}\"\n\
                     body = \"PLACEHOLDER (test data): {title}, {kind}.\"\n\
                     [matching]\nquestions = [\"{kind} of {title}\"]\n",
                ),
            )
            .unwrap();
        }
    }
    let catalog = Catalog::load(&ResponseSource::Dir(dir.path().into()), &CONTENT_LIMITS)
        .unwrap_or_else(|err| panic!("{err}"));
    (dir, catalog)
}

/// A subject without an answer of the kind asked borrows it only from a subject whose own title
/// is its title and one word more: the same disease, titled more exactly. A name one word longer
/// may be another organ ("small bowel cancer"), and "non-" makes the rest of a disease, not a
/// kind of it.
#[test]
fn a_missing_kind_comes_only_from_the_same_disease_titled_more_exactly() {
    let (_dir, catalog) = catalog_of(&[
        (
            "ovarian",
            "Ovarian Cancer",
            &["Ovarian Cancer"],
            &["prevention"],
        ),
        (
            "ovarian-epithelial",
            "Ovarian Epithelial Cancer",
            &["Ovarian Epithelial Cancer"],
            &["symptoms", "treatment"],
        ),
        (
            "bowel",
            "Colorectal Cancer",
            &["Colorectal Cancer", "Bowel Cancer"],
            &[],
        ),
        (
            "small-bowel",
            "Small Bowel Cancer",
            &["Small Bowel Cancer"],
            &["diagnosis"],
        ),
        (
            "sclc",
            "Small Cell Lung Cancer",
            &["Small Cell Lung Cancer"],
            &[],
        ),
        (
            "nsclc",
            "Non-Small Cell Lung Cancer",
            &["Non-Small Cell Lung Cancer"],
            &["stages"],
        ),
    ]);
    check_table(
        &catalog,
        &[
            ("what is ovarian cancer?", Some("ovarian")),
            (
                "how can I prevent ovarian cancer?",
                Some("ovarian-prevention"),
            ),
            (
                "symptoms of ovarian cancer?",
                Some("ovarian-epithelial-symptoms"),
            ),
            (
                "how is ovarian cancer treated?",
                Some("ovarian-epithelial-treatment"),
            ),
            (
                "what is epithelial ovarian cancer?",
                Some("ovarian-epithelial"),
            ),
            ("how is bowel cancer diagnosed?", SILENT),
            (
                "how is small bowel cancer diagnosed?",
                Some("small-bowel-diagnosis"),
            ),
            ("what are the stages of small cell lung cancer?", SILENT),
            (
                "stages of non small cell lung cancer?",
                Some("nsclc-stages"),
            ),
        ],
    );
}
