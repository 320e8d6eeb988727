//! `immunobot import medquad`: MedQuAD-format XML in, a responses folder the bot serves out.
//!
//! The documents here are test data written for these tests in MedQuAD's XML format. Their answer
//! text is placeholder wording, not MedQuAD's and not medical advice.

use std::fs;
use std::path::Path;

use immunobot::catalog::{check_examples, Catalog, ResponseSource};
use immunobot::discord::CONTENT_LIMITS;
use immunobot::import::medquad::{import, ImportError, Support, ATTRIBUTION};
use immunobot::matching::Addressing;

fn support() -> Support<'static> {
    Support {
        catalog_toml: immunobot::catalog::built_in_file("catalog.toml").unwrap(),
        language_toml: immunobot::catalog::built_in_file("language.toml").unwrap(),
    }
}

/// A MedQuAD document; `pairs` are `(qid, qtype, question, answer)`.
pub fn document(
    id: &str,
    source: &str,
    url: &str,
    focus: &str,
    synonyms: &[&str],
    pairs: &[(&str, &str, &str, &str)],
) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document id=\"{id}\" source=\"{source}\" url=\"{url}\">\n<Focus>{focus}</Focus>\n<FocusAnnotations>\n"
    );
    if !synonyms.is_empty() {
        xml.push_str("\t<Synonyms>\n");
        for synonym in synonyms {
            xml.push_str(&format!("\t\t<Synonym>{synonym}</Synonym>\n"));
        }
        xml.push_str("\t</Synonyms>\n");
    }
    xml.push_str("</FocusAnnotations>\n<QAPairs>\n");
    for (index, (qid, qtype, question, answer)) in pairs.iter().enumerate() {
        xml.push_str(&format!(
            "\t<QAPair pid=\"{}\">\n\t\t\t<Question qid=\"{qid}\" qtype=\"{qtype}\">{question}</Question>\n\t\t\t<Answer>{answer}</Answer>\n\t</QAPair>\n",
            index + 1
        ));
    }
    xml.push_str("</QAPairs>\n</Document>\n");
    xml
}

const LONG_PLACEHOLDER: &str = "Key Points\n                    - Test leukemia (TL) is placeholder test data.    - It is not medical text.\n                \n                \n                    Test leukemia (TL) is a made-up condition used in tests &amp; nothing else.\n                    Second line of the same paragraph.";

/// Writes a small corpus: a CancerGov-style collection and a GHR-style one.
fn corpus(root: &Path) {
    let cancer = root.join("1_CancerGov_QA");
    fs::create_dir_all(&cancer).unwrap();
    fs::write(
        cancer.join("0000001_1.xml"),
        document(
            "0000001_1",
            "CancerGov",
            "https://www.cancer.gov/test/test-leukemia",
            "Test Leukemia",
            &[],
            &[
                (
                    "0000001_1-1",
                    "information",
                    "What is (are) Test Leukemia ?",
                    LONG_PLACEHOLDER,
                ),
                (
                    "0000001_1-2",
                    "symptoms",
                    "What are the symptoms of Test Leukemia ?",
                    "Placeholder symptoms answer for tests.",
                ),
                (
                    "0000001_1-3",
                    "treatment",
                    "What are the treatments for Test Leukemia ?",
                    "Placeholder treatment answer for tests.",
                ),
                (
                    "0000001_1-4",
                    "outlook",
                    "What is the outlook for Test Leukemia ?",
                    "   ",
                ),
            ],
        ),
    )
    .unwrap();
    // The same qid again, in another document (CancerGov repeats a few).
    fs::write(
        cancer.join("0000001_2.xml"),
        document(
            "0000001_2",
            "CancerGov",
            "https://www.cancer.gov/test/test-lymphoma",
            "Test Lymphoma",
            &[],
            &[
                (
                    "0000001_1-1",
                    "information",
                    "What is (are) Test Lymphoma ?",
                    "Placeholder lymphoma answer for tests.",
                ),
                (
                    "0000001_2-2",
                    "exams and tests",
                    "How to diagnose Test Lymphoma ?",
                    "Placeholder diagnosis answer for tests.",
                ),
            ],
        ),
    )
    .unwrap();
    // Another publisher answers the same question about the same subject: an equivalent answer.
    let gard = root.join("2_GARD_QA");
    fs::create_dir_all(&gard).unwrap();
    fs::write(
        gard.join("0000002.xml"),
        document(
            "0000002",
            "GARD",
            "https://gard.test/placeholder-syndrome",
            "Placeholder syndrome",
            &[],
            &[(
                "0000002-1",
                "information",
                "What is (are) Placeholder syndrome ?",
                "Placeholder answer by a second publisher, for tests.",
            )],
        ),
    )
    .unwrap();
    let ghr = root.join("3_GHR_QA");
    fs::create_dir_all(&ghr).unwrap();
    fs::write(
        ghr.join("0000002.xml"),
        document(
            "0000002",
            "GHR",
            "https://ghr.test/condition/placeholder-syndrome",
            "Placeholder syndrome",
            &["Test-Example disease"],
            &[
                (
                    "0000002-1",
                    "information",
                    "What is (are) Placeholder syndrome ?",
                    "Placeholder syndrome answer for tests.",
                ),
                (
                    "0000002-2",
                    "inheritance",
                    "Is Placeholder syndrome inherited ?",
                    "Placeholder inheritance answer for tests.",
                ),
                (
                    "0000002-3",
                    "genetic changes",
                    "What are the genetic changes related to Placeholder syndrome ?",
                    "Placeholder genetics answer for tests.",
                ),
                (
                    "0000002-4",
                    "when to contact a medical professional",
                    "When to call about Placeholder syndrome ?",
                    "Placeholder answer of an unknown type.",
                ),
            ],
        ),
    )
    .unwrap();
}

fn load(dir: &Path) -> Catalog {
    Catalog::load(&ResponseSource::Dir(dir.to_path_buf()), &CONTENT_LIMITS)
        .unwrap_or_else(|err| panic!("the imported folder must load: {err}"))
}

fn route(catalog: &Catalog, message: &str) -> Option<String> {
    catalog
        .matcher()
        .assess(message, Addressing::Passive)
        .answer()
        .map(|index| catalog.topic(index).id.clone())
}

#[test]
fn imports_every_answered_pair_as_a_servable_topic() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let out = dir.path().join("responses");
    let summary = import(dir.path(), &out, &support()).unwrap();

    assert_eq!(summary.answers, 9, "{summary}");
    assert_eq!(summary.subjects, 3);
    assert_eq!(summary.empty_answers, 1);
    assert_eq!(summary.skipped.len(), 1, "the unknown qtype: {summary}");
    assert!(summary.skipped[0].to_string().contains("0000002.xml:"));
    assert!(summary.skipped[0].reason.contains("unknown question type"));
    assert_eq!(summary.collisions.len(), 2, "{summary}");
    assert_eq!(summary.equivalent_answers, 1);
    assert_eq!(summary.collisions[0].id, "medquad-0000001-1-1-cancergov");
    assert_eq!(summary.kinds.get("diagnosis"), Some(&1));
    assert_eq!(summary.kinds.get("inheritance"), Some(&1));

    let catalog = load(&out);
    assert_eq!(catalog.topics().len(), 9);
    assert!(check_examples(&catalog).is_empty());

    let topic = catalog.find("medquad-0000001-1-1").unwrap();
    assert_eq!(topic.reviewer, "National Cancer Institute");
    assert_eq!(
        topic.source.as_deref(),
        Some("https://www.cancer.gov/test/test-leukemia")
    );
    assert_eq!(topic.licence.as_deref(), Some(ATTRIBUTION));
    assert_eq!(topic.title, "What is (are) Test Leukemia?");
    // Whitespace tidied, every word kept, entities decoded.
    let expected = LONG_PLACEHOLDER.replace("&amp;", "&");
    assert_eq!(
        topic.body.split_whitespace().collect::<Vec<_>>(),
        expected.split_whitespace().collect::<Vec<_>>()
    );
    assert!(topic.body.contains("\n\n"), "paragraphs are kept");
    // The focus and the abbreviation the text defines are the subject's terms.
    assert!(topic.terms.contains(&"Test Leukemia".to_string()));
    assert!(topic.terms.contains(&"TL".to_string()), "{:?}", topic.terms);

    let lymphoma = catalog.find("medquad-0000001-1-1-cancergov").unwrap();
    assert!(lymphoma.body.contains("lymphoma"));
    let diagnosis = catalog.find("medquad-0000001-2-2").unwrap();
    assert_eq!(diagnosis.kind, "diagnosis");
    assert_eq!(
        diagnosis.subject.as_deref(),
        Some("medquad-0000001-1-1-cancergov")
    );
    // GARD's document came first: its answer owns the subject, GHR's is an equivalent answer.
    let gard = catalog.find("medquad-0000002-1").unwrap();
    assert!(gard.reviewer.contains("Genetic and Rare Diseases"));
    assert!(gard.terms.contains(&"Test-Example disease".to_string()));
    let ghr = catalog.find("medquad-0000002-1-ghr").unwrap();
    assert!(ghr.reviewer.contains("Genetics Home Reference"));
    assert_eq!(ghr.subject.as_deref(), Some("medquad-0000002-1"));
    let (problems, rate) = immunobot::catalog::check_routing(&catalog);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!((rate.questions, rate.own, rate.equivalent), (9, 8, 1));

    // Each answer is found by its own question and by plain paraphrases of its kind.
    assert_eq!(
        route(&catalog, "what is TL?").as_deref(),
        Some("medquad-0000001-1-1")
    );
    assert_eq!(
        route(&catalog, "what are the symptoms of test leukemia?").as_deref(),
        Some("medquad-0000001-1-2")
    );
    assert_eq!(
        route(&catalog, "is placeholder syndrome hereditary?").as_deref(),
        Some("medquad-0000002-2")
    );
    assert_eq!(
        route(
            &catalog,
            "which genes are involved in placeholder syndrome?"
        )
        .as_deref(),
        Some("medquad-0000002-3")
    );
}

#[test]
fn every_answer_shows_where_it_comes_from_and_its_licence() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let out = dir.path().join("responses");
    import(dir.path(), &out, &support()).unwrap();
    let catalog = load(&out);
    for topic in catalog.topics() {
        let reply = immunobot::reply::Reply::answer(&catalog, topic);
        let provenance = reply.provenance.unwrap();
        assert!(provenance.contains(&topic.reviewer));
        assert!(provenance.contains(topic.source.as_deref().unwrap()));
        assert!(provenance.contains("CC BY 4.0"));
        assert!(provenance.contains("Ben Abacha & Demner-Fushman"));
        assert!(reply.disclaimer.is_some());
    }
}

#[test]
fn one_collection_folder_imports_alone() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let out = dir.path().join("ghr-only");
    let summary = import(&dir.path().join("3_GHR_QA"), &out, &support()).unwrap();
    assert_eq!(summary.answers, 3);
    assert_eq!(load(&out).topics().len(), 3);
}

#[test]
fn a_malformed_document_is_skipped_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let broken = dir.path().join("1_CancerGov_QA/0000009.xml");
    fs::write(
        &broken,
        "<?xml version=\"1.0\"?>\n<Document id=\"9\" source=\"CancerGov\" url=\"u\">\n<Focus>Broken</Focus>\n<QAPairs><QAPair>\n<Question qid=\"9-1\" qtype=\"information\">What?</Answer>\n</Document>\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("1_CancerGov_QA/0000010.xml"),
        [0xffu8, 0xfe, 0x00],
    )
    .unwrap();
    let big = fs::File::create(dir.path().join("1_CancerGov_QA/0000011.xml")).unwrap();
    big.set_len(50 * 1024 * 1024).unwrap();

    let out = dir.path().join("responses");
    let summary = import(dir.path(), &out, &support()).unwrap();
    let shown = summary.to_string();
    assert!(
        shown.contains("0000009.xml:5: malformed XML"),
        "file and line of the bad end tag: {shown}"
    );
    assert!(shown.contains("0000010.xml:1: not valid UTF-8"), "{shown}");
    assert!(shown.contains("0000011.xml: larger than"), "{shown}");
    assert_eq!(summary.answers, 9);
    assert_eq!(load(&out).topics().len(), 9);
}

#[test]
fn refuses_a_folder_without_xml_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("src/empty")).unwrap();
    fs::write(dir.path().join("src/readme.txt"), "not xml").unwrap();
    let out = dir.path().join("responses");
    let err = import(&dir.path().join("src"), &out, &support()).unwrap_err();
    assert!(matches!(err, ImportError::NoXml(_)));
    assert!(err.to_string().contains("no MedQuAD XML"));
    assert!(!out.exists());
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no staging left"
    );
}

#[test]
fn refuses_to_write_into_a_folder_that_has_files() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let out = dir.path().join("responses");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("catalog.toml"), "disclaimer = \"mine\"").unwrap();
    let err = import(dir.path(), &out, &support()).unwrap_err();
    assert!(matches!(err, ImportError::OutExists(_)), "{err}");
    assert_eq!(
        fs::read_to_string(out.join("catalog.toml")).unwrap(),
        "disclaimer = \"mine\""
    );
    assert!(!out.join("topics").exists());

    // An empty folder is fine: it is replaced by the complete import.
    let empty = dir.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    import(dir.path(), &empty, &support()).unwrap();
    assert_eq!(load(&empty).topics().len(), 9);
}

#[test]
fn a_corpus_without_answers_is_an_error_not_an_empty_catalog() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("1.xml"),
        document(
            "1",
            "ADAM",
            "https://example.test/adam",
            "Test topic",
            &[],
            &[("1-1", "information", "What is Test topic ?", "")],
        ),
    )
    .unwrap();
    let out = dir.path().join("responses");
    let err = import(dir.path(), &out, &support()).unwrap_err();
    assert!(matches!(err, ImportError::Empty(_)), "{err}");
    assert!(!out.exists());
}

/// CancerGov-style subjects, each with the usual question types. Placeholder answers; the
/// focus names and the "(ABBR)" definitions are what the import reads.
fn cancer_corpus(root: &Path) {
    let subjects: [(&str, &str); 8] = [
        ("Chronic Lymphocytic Leukemia", "CLL"),
        ("Non-Small Cell Lung Cancer", "NSCLC"),
        ("Hairy Cell Leukemia", "HCL"),
        ("Melanoma", ""),
        ("Prostate Cancer", ""),
        ("Adult Hodgkin Lymphoma", ""),
        ("Chronic Myelogenous Leukemia", "CML"),
        ("Multiple Myeloma", ""),
    ];
    let dir = root.join("1_CancerGov_QA");
    fs::create_dir_all(&dir).unwrap();
    for (n, (focus, abbreviation)) in subjects.iter().enumerate() {
        let doc = format!("00000{:02}_1", n + 1);
        let defined = if abbreviation.is_empty() {
            String::new()
        } else {
            format!(
                " {} ({abbreviation}) is placeholder test text.",
                focus.to_lowercase()
            )
        };
        let pair = |k: usize, qtype: &'static str, question: String| {
            (
                format!("{doc}-{k}"),
                qtype,
                question,
                format!("Placeholder {qtype} answer.{defined}"),
            )
        };
        let pairs = [
            pair(1, "information", format!("What is (are) {focus} ?")),
            pair(2, "symptoms", format!("What are the symptoms of {focus} ?")),
            pair(3, "exams and tests", format!("How to diagnose {focus} ?")),
            pair(4, "outlook", format!("What is the outlook for {focus} ?")),
            pair(
                5,
                "treatment",
                format!("What are the treatments for {focus} ?"),
            ),
            pair(6, "stages", format!("What are the stages of {focus} ?")),
        ];
        let borrowed: Vec<(&str, &str, &str, &str)> = pairs
            .iter()
            .map(|(q, t, question, a)| (q.as_str(), *t, question.as_str(), a.as_str()))
            .collect();
        fs::write(
            dir.join(format!("{doc}.xml")),
            document(
                &doc,
                "CancerGov",
                "https://www.cancer.gov/test",
                focus,
                &[],
                &borrowed,
            ),
        )
        .unwrap();
    }
}

/// Members' own wording: lay phrasing, abbreviations, typos, chat spellings.
#[test]
fn cancergov_style_paraphrases_reach_their_answer() {
    let dir = tempfile::tempdir().unwrap();
    cancer_corpus(dir.path());
    let out = dir.path().join("responses");
    import(dir.path(), &out, &support()).unwrap();
    let catalog = load(&out);
    let table: &[(&str, Option<&str>)] = &[
        ("what is CLL?", Some("medquad-0000001-1-1")),
        (
            "whats chronic lymphocytic leukemia",
            Some("medquad-0000001-1-1"),
        ),
        ("what are the symptoms of CLL?", Some("medquad-0000001-1-2")),
        ("cll symptoms?", Some("medquad-0000001-1-2")),
        ("how is CLL diagnosed?", Some("medquad-0000001-1-3")),
        (
            "what is the prognosis for chronic lymphocytic leukaemia?",
            Some("medquad-0000001-1-4"),
        ),
        ("how is nsclc treated?", Some("medquad-0000002-1-5")),
        (
            "what is non small cell lung cancer?",
            Some("medquad-0000002-1-1"),
        ),
        ("what are the stages of NSCLC?", Some("medquad-0000002-1-6")),
        ("what is hairy cell leukemia?", Some("medquad-0000003-1-1")),
        ("HCL survival rate?", Some("medquad-0000003-1-4")),
        ("what is melanoma?", Some("medquad-0000004-1-1")),
        ("what is melanomma?", Some("medquad-0000004-1-1")),
        ("signs of melanoma?", Some("medquad-0000004-1-2")),
        (
            "how do they test for prostate cancer?",
            Some("medquad-0000005-1-3"),
        ),
        (
            "treatment options for prostate cancer?",
            Some("medquad-0000005-1-5"),
        ),
        (
            "what is adult hodgkin lymphoma?",
            Some("medquad-0000006-1-1"),
        ),
        ("what is CML?", Some("medquad-0000007-1-1")),
        (
            "can you explain multiple myeloma",
            Some("medquad-0000008-1-1"),
        ),
        ("multiple myeloma stages?", Some("medquad-0000008-1-6")),
        // Not questions, or not about these subjects: silence.
        ("my uncle had melanoma removed last year", None),
        ("all of them were at the clinic", None),
        ("what is chemotherapy?", None),
        ("is it safe to travel with CLL?", None),
    ];
    let misses = misrouted(&catalog, table);
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

/// Writes one document per subject into `root/<collection>`: document ids count from `first`
/// (`00001{n}` style, seven digits, then `suffix`), each with `questions` (`(qtype, template)`,
/// `{}` standing for the focus) and the subject's placeholder answer.
fn write_subjects(
    root: &Path,
    collection: &str,
    (source, url): (&str, &str),
    first: usize,
    suffix: &str,
    subjects: &[(&str, &str)],
    questions: &[(&str, &str)],
) {
    let dir = root.join(collection);
    fs::create_dir_all(&dir).unwrap();
    for (n, (focus, answer)) in subjects.iter().enumerate() {
        let doc = format!("{:07}{suffix}", first + n);
        let pairs: Vec<(String, &str, String, String)> = questions
            .iter()
            .enumerate()
            .map(|(k, (qtype, template))| {
                (
                    format!("{doc}-{}", k + 1),
                    *qtype,
                    template.replace("{}", focus),
                    answer.to_string(),
                )
            })
            .collect();
        let borrowed: Vec<(&str, &str, &str, &str)> = pairs
            .iter()
            .map(|(q, t, question, a)| (q.as_str(), *t, question.as_str(), a.as_str()))
            .collect();
        fs::write(
            dir.join(format!("{doc}.xml")),
            document(&doc, source, url, focus, &[], &borrowed),
        )
        .unwrap();
    }
}

/// The rows of `table` that do not route as expected, as readable lines.
fn misrouted(catalog: &Catalog, table: &[(&str, Option<&str>)]) -> Vec<String> {
    table
        .iter()
        .filter_map(|(message, expected)| {
            let got = route(catalog, message);
            (got.as_deref() != *expected)
                .then(|| format!("{message:?}: expected {expected:?}, got {got:?}"))
        })
        .collect()
}

/// Names as publishers write them: brackets, commas, colons, roman numerals, long names, and
/// abbreviations that read as everyday words.
#[test]
fn names_as_publishers_write_them_find_their_answers() {
    let dir = tempfile::tempdir().unwrap();
    let gard = dir.path().join("2_GARD_QA");
    fs::create_dir_all(&gard).unwrap();
    let subjects: [(&str, &[&str]); 7] = [
        ("Gum (Periodontal) Disease", &[]),
        ("Agammaglobulinemia, non-Bruton type", &[]),
        ("arginine:glycine amidinotransferase deficiency", &[]),
        ("Test storage disease type I", &[]),
        ("Test storage disease type II", &[]),
        (
            "adult-onset leukoencephalopathy with axonal spheroids and pigmented glia",
            &[],
        ),
        // A synonym that folds to "the" must not take every message.
        ("Trichohepatoenteric syndrome", &["THES"]),
    ];
    for (n, (focus, synonyms)) in subjects.iter().enumerate() {
        let doc = format!("00001{n:02}");
        let questions = [
            ("information", format!("What is (are) {focus} ?")),
            (
                "frequency",
                format!("How many people are affected by {focus} ?"),
            ),
            (
                "research",
                format!("what research (or clinical trials) is being done for {focus} ?"),
            ),
            ("symptoms", format!("What are the symptoms of {focus} ?")),
        ];
        let pairs: Vec<(String, &str, String, String)> = questions
            .iter()
            .enumerate()
            .map(|(k, (qtype, question))| {
                (
                    format!("{doc}-{}", k + 1),
                    *qtype,
                    question.clone(),
                    format!("Placeholder {qtype} answer."),
                )
            })
            .collect();
        let borrowed: Vec<(&str, &str, &str, &str)> = pairs
            .iter()
            .map(|(q, t, question, a)| (q.as_str(), *t, question.as_str(), a.as_str()))
            .collect();
        fs::write(
            gard.join(format!("{doc}.xml")),
            document(
                &doc,
                "GARD",
                "https://rarediseases.info.nih.gov/test",
                focus,
                synonyms,
                &borrowed,
            ),
        )
        .unwrap();
    }
    let out = dir.path().join("responses");
    import(dir.path(), &out, &support()).unwrap();
    let catalog = load(&out);

    // Every known question reaches its own answer.
    let mut misses = Vec::new();
    for topic in catalog.topics() {
        for question in &topic.questions {
            let got = route(&catalog, question);
            if got.as_deref() != Some(topic.id.as_str()) {
                misses.push(format!("{question:?}: expected {}, got {got:?}", topic.id));
            }
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));

    let table: &[(&str, Option<&str>)] = &[
        ("what is gum disease?", Some("medquad-0000100-1")),
        ("what is periodontal disease?", Some("medquad-0000100-1")),
        (
            "symptoms of agammaglobulinemia non-bruton type?",
            Some("medquad-0000101-4"),
        ),
        (
            "how many people have test storage disease type I?",
            Some("medquad-0000103-2"),
        ),
        (
            "what is test storage disease type II?",
            Some("medquad-0000104-1"),
        ),
        ("the symptoms are getting worse", None),
        ("what are the symptoms of the flu?", None),
    ];
    let misses = misrouted(&catalog, table);
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

/// CancerGov titles for one audience, coordinated titles and bracketed ones: the names members
/// type reach the right answer, and a name shared by the adult and the childhood title is
/// decided by who the message is about.
#[test]
fn cancergov_titles_give_the_names_members_type() {
    let dir = tempfile::tempdir().unwrap();
    // Placeholder text; it writes the abbreviations a publisher would (NSCLC, AML), but not GCT,
    // so that initialism is never made a name.
    let answer = "Placeholder answer text about NSCLC and AML, for tests only.";
    let subjects = [
        "Adult Acute Myeloid Leukemia",
        "Childhood Acute Myeloid Leukemia and Other Myeloid Malignancies",
        "Liver (Hepatocellular) Cancer",
        "Oral Cavity and Oropharyngeal Cancer",
        "Non-Small Cell Lung Cancer",
        "Gastrointestinal Carcinoid Tumors",
    ]
    .map(|focus| (focus, answer));
    write_subjects(
        dir.path(),
        "1_CancerGov_QA",
        ("CancerGov", "https://www.cancer.gov/test"),
        200,
        "_1",
        &subjects,
        &[
            ("information", "What is (are) {} ?"),
            ("treatment", "What are the treatments for {} ?"),
            ("outlook", "What is the outlook for {} ?"),
        ],
    );
    let out = dir.path().join("responses");
    import(dir.path(), &out, &support()).unwrap();
    let catalog = load(&out);
    let adult_aml = |k: usize| Some(format!("medquad-0000200-1-{k}"));
    let child_aml = |k: usize| Some(format!("medquad-0000201-1-{k}"));
    let table: Vec<(&str, Option<String>)> = vec![
        ("what is AML in adults?", adult_aml(1)),
        ("my dad is 67 and has AML, what's the outlook", adult_aml(3)),
        (
            "I'm 38 and just got told I have acute myeloid leukemia. how is it treated?",
            adult_aml(2),
        ),
        ("my 9yo niece has AML. what is it exactly?", child_aml(1)),
        ("prognosis for pediatric AML?", child_aml(3)),
        (
            "how is acute myeloid leukaemia treated in kids",
            child_aml(2),
        ),
        // Nothing says who: two answers could be meant, so none is given.
        ("AML prognosis?", None),
        (
            "what is hepatocellular cancer?",
            Some("medquad-0000202-1-1".into()),
        ),
        (
            "hepatocellular carcinoma treatment options?",
            Some("medquad-0000202-1-2".into()),
        ),
        ("what is liver cancer?", Some("medquad-0000202-1-1".into())),
        (
            "how is oropharyngeal cancer treated",
            Some("medquad-0000203-1-2".into()),
        ),
        ("what's NSCLC?", Some("medquad-0000204-1-1".into())),
        ("how is nsclc treated?", Some("medquad-0000204-1-2".into())),
        (
            "what is non small cell lung carcinoma",
            Some("medquad-0000204-1-1".into()),
        ),
        // Initials the corpus never writes are not names.
        ("what is GCT?", None),
    ];
    let table: Vec<(&str, Option<&str>)> = table
        .iter()
        .map(|(message, expected)| (*message, expected.as_deref()))
        .collect();
    let misses = misrouted(&catalog, &table);
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

/// A broader answer is never given for a more specific thing, nor one about children for a
/// question about adults: silence instead.
#[test]
fn more_specific_names_and_other_audiences_stay_silent() {
    let dir = tempfile::tempdir().unwrap();
    let subjects = [
        "Ovarian Cancer",
        "Ovarian Epithelial and Primary Peritoneal Cancer",
        "Childhood Brain Tumors",
        "Test Syndrome",
        "Tost Syndrome",
    ]
    .map(|focus| (focus, "Placeholder answer for tests."));
    write_subjects(
        dir.path(),
        "1_CancerGov_QA",
        ("CancerGov", "https://www.cancer.gov/test"),
        300,
        "_1",
        &subjects,
        &[
            ("information", "What is (are) {} ?"),
            ("symptoms", "What are the symptoms of {} ?"),
        ],
    );
    let out = dir.path().join("responses");
    import(dir.path(), &out, &support()).unwrap();
    let catalog = load(&out);
    let table: &[(&str, Option<&str>)] = &[
        ("what is ovarian cancer?", Some("medquad-0000300-1-1")),
        // "epithelial" makes it the other subject's name, in another order.
        (
            "what is epithelial ovarian cancer?",
            Some("medquad-0000301-1-1"),
        ),
        (
            "what is ovarian epithelial cancer?",
            Some("medquad-0000301-1-1"),
        ),
        (
            "symptoms of brain tumors in kids?",
            Some("medquad-0000302-1-2"),
        ),
        ("symptoms of brain tumors?", Some("medquad-0000302-1-2")),
        // The only brain tumour answer is about children.
        ("symptoms of brain tumors in adults?", None),
        (
            "my 40yo sister has headaches, what are the symptoms of brain tumors?",
            None,
        ),
        // An exact name is not read as a typo of another.
        ("what is test syndrome?", Some("medquad-0000303-1-1")),
        ("what is tost syndrome?", Some("medquad-0000304-1-1")),
        // A statement with the name in it is not a question.
        ("it's ovarian cancer. processing", None),
    ];
    let misses = misrouted(&catalog, table);
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

/// Abbreviations go to the name their letters begin, eponyms name their subject alone, and a
/// possessive may stand inside a name.
#[test]
fn abbreviations_eponyms_and_possessives() {
    let dir = tempfile::tempdir().unwrap();
    let subjects = [
        (
            "Chronic Myelogenous Leukemia",
            "Placeholder text: chronic myelogenous leukemia (CML) is test data.",
        ),
        (
            // A publisher's loose wording: the letters still begin "chronic myelogenous
            // leukemia", not "atypical ...".
            "Atypical Chronic Myelogenous Leukemia",
            "Placeholder text: atypical chronic myelogenous leukemia (CML) is test data.",
        ),
        (
            "Chronic Myelomonocytic Leukemia",
            "Placeholder text for tests.",
        ),
        ("Ewing Sarcoma", "Placeholder text for tests."),
    ];
    write_subjects(
        dir.path(),
        "1_CancerGov_QA",
        ("CancerGov", "https://www.cancer.gov/test"),
        400,
        "_1",
        &subjects,
        &[
            ("information", "What is (are) {} ?"),
            ("exams and tests", "How to diagnose {} ?"),
        ],
    );
    let out = dir.path().join("responses");
    import(dir.path(), &out, &support()).unwrap();
    let catalog = load(&out);
    let table: &[(&str, Option<&str>)] = &[
        ("what is CML?", Some("medquad-0000400-1-1")),
        ("how is CML diagnosed?", Some("medquad-0000400-1-2")),
        // Someone's own diagnosis is no question about diagnosis.
        ("should I tell my boss about my CML diagnosis?", None),
        // "atypical" makes it the other subject, by the abbreviation of the name it narrows.
        ("what is atypical CML?", Some("medquad-0000401-1-1")),
        // Who it is about is no qualifier.
        (
            "how is CML diagnosed in adults?",
            Some("medquad-0000400-1-2"),
        ),
        ("what is ewing's sarcoma?", Some("medquad-0000403-1-1")),
        (
            "how is ewing sarcoma diagnosed",
            Some("medquad-0000403-1-2"),
        ),
        (
            "whats ewing's? our 13 yo just got diagnosed",
            Some("medquad-0000403-1-1"),
        ),
    ];
    let misses = misrouted(&catalog, table);
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}
