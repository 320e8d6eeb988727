//! Shared test data: the reviewed text as the medical reviewers approved it.
//!
//! These are independent copies, kept here on purpose: if a response file is edited so that its
//! text drifts from what was reviewed, the tests that compare against these fail.

#![allow(dead_code)]

/// The reviewed answer to "What does the term \"immunotherapy\" refer to?", verbatim.
pub const IMMUNOTHERAPY_ANSWER: &str = r#"Immunotherapy is a type of medical treatment that harnesses the body's own immune system to combat diseases, particularly cancer and certain autoimmune disorders. It works by either stimulating the immune system to target and destroy harmful cells or by suppressing the immune system to reduce its activity in cases of autoimmune diseases.
In the context of cancer treatment, immunotherapy aims to enhance the body's natural defense mechanisms to recognize and attack cancer cells. This is achieved through various approaches, including:
1. Checkpoint Inhibitors: These drugs block certain proteins (checkpoint proteins) that cancer cells use to evade the immune system's detection, allowing the immune system to recognize and attack the cancer.
2. CAR-T Cell Therapy: This therapy involves genetically modifying a patient's own T cells to express chimeric antigen receptors (CARs) that can specifically target cancer cells when infused back into the patient's body.
3. Monoclonal Antibodies: These antibodies can be designed to target specific proteins on the surface of cancer cells, helping the immune system locate and destroy them.
4. Cancer Vaccines: These vaccines stimulate the immune system to recognize and attack cancer cells, similar to how vaccines prevent infectious diseases.
5. Immune Checkpoint Inhibitors: These drugs can boost the immune system's response against cancer by blocking the inhibitory signals that prevent immune cells from attacking cancer cells.
Immunotherapy has shown significant promise in cancer treatment and has led to durable responses and, in some cases, complete remissions. It is considered a valuable addition to the arsenal of cancer therapies and has transformed the landscape of cancer treatment, offering new hope to many patients. However, its effectiveness can vary depending on the type of cancer and the individual patient's immune response. It is important to consult with a healthcare provider to determine if immunotherapy is an appropriate treatment option for a specific condition."#;

pub const IMMUNOTHERAPY_TITLE: &str = r#"What does the term "immunotherapy" refer to?"#;

pub const REVIEWER: &str = "SecondMedic medical review team";

/// The reviewed sentences of each therapy type, verbatim (checkpoint inhibitors appear twice in
/// the reviewed answer, as items 1 and 5; both sentences belong to the one topic).
pub const CHECKPOINT_SENTENCES: [&str; 2] = [
    r#"These drugs block certain proteins (checkpoint proteins) that cancer cells use to evade the immune system's detection, allowing the immune system to recognize and attack the cancer."#,
    r#"These drugs can boost the immune system's response against cancer by blocking the inhibitory signals that prevent immune cells from attacking cancer cells."#,
];
pub const CAR_T_SENTENCE: &str = r#"This therapy involves genetically modifying a patient's own T cells to express chimeric antigen receptors (CARs) that can specifically target cancer cells when infused back into the patient's body."#;
pub const MONOCLONAL_SENTENCE: &str = r#"These antibodies can be designed to target specific proteins on the surface of cancer cells, helping the immune system locate and destroy them."#;
pub const VACCINE_SENTENCE: &str = r#"These vaccines stimulate the immune system to recognize and attack cancer cells, similar to how vaccines prevent infectious diseases."#;

/// The fixed topic ids.
pub const TOPIC_IDS: [&str; 5] = [
    "immunotherapy",
    "checkpoint-inhibitors",
    "car-t",
    "monoclonal-antibodies",
    "cancer-vaccines",
];

/// The labels of the four therapy buttons under the immunotherapy answer, in order.
pub const THERAPY_LABELS: [&str; 4] = [
    "Checkpoint Inhibitors",
    "CAR-T Cell Therapy",
    "Monoclonal Antibodies",
    "Cancer Vaccines",
];

/// The shipped responses folder.
pub fn responses_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("responses")
}

/// Checks every `(message, expected answer id or silence)` row against `catalog` in a channel,
/// then reports all wrong rows at once.
pub fn check_routing(catalog: &immunobot::catalog::Catalog, rows: &[(&str, Option<&str>)]) {
    use immunobot::matching::Addressing;
    let wrong: Vec<String> = rows
        .iter()
        .filter_map(|(message, expected)| {
            let assessment = catalog.matcher().assess(message, Addressing::Passive);
            let got = assessment.answer().map(|i| catalog.topic(i).id.as_str());
            (got != *expected).then(|| {
                format!(
                    "{message:?}: expected {expected:?}, got {got:?} (score {:.2}, {})",
                    assessment.score,
                    assessment.reason.as_str()
                )
            })
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
