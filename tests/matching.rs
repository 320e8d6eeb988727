//! Routing tables: message -> expected topic (or silence), one table per failure class that
//! well-known approaches get wrong. These are the project's own examples; tuning data lives
//! elsewhere and is never read by the tests.

mod common;

use common::responses_dir;
use immunobot::catalog::{Catalog, ResponseSource};
use immunobot::discord::CONTENT_LIMITS;
use immunobot::matching::{Addressing, Verdict};

fn catalog() -> Catalog {
    Catalog::load(&ResponseSource::Dir(responses_dir()), &CONTENT_LIMITS).unwrap()
}

fn check_table(rows: &[(&str, Option<&str>)]) {
    common::check_routing(&catalog(), rows);
}

const IMMUNO: Option<&str> = Some("immunotherapy");
const CHECKPOINT: Option<&str> = Some("checkpoint-inhibitors");
const CAR_T: Option<&str> = Some("car-t");
const MAB: Option<&str> = Some("monoclonal-antibodies");
const VACCINE: Option<&str> = Some("cancer-vaccines");
const SILENT: Option<&str> = None;

#[test]
fn plain_questions_route_to_their_topic() {
    check_table(&[
        ("what is immunotherapy?", IMMUNO),
        ("Could you explain immunotherapy?", IMMUNO),
        ("how does immunotherapy work", IMMUNO),
        ("what are checkpoint inhibitors?", CHECKPOINT),
        ("what is an immune checkpoint inhibitor", CHECKPOINT),
        ("what is CAR-T cell therapy?", CAR_T),
        ("what are chimeric antigen receptor T cells", CAR_T),
        ("what are monoclonal antibodies?", MAB),
        ("what's a monoclonal antibody", MAB),
        ("what is a cancer vaccine?", VACCINE),
        ("tell me about cancer vaccines", VACCINE),
        ("need info on checkpoint inhibitors", CHECKPOINT),
        // "treatment" after a name with no reviewed answer about treatment is part of the name.
        ("what is a monoclonal antibody treatment?", MAB),
        ("what is CAR-T therapy?", CAR_T),
        ("can someone break down what CAR-T therapy involves?", CAR_T),
        (
            "curious about monoclonal antibodies, how do they work?",
            MAB,
        ),
        ("CAR T therapy explained?", CAR_T),
        ("what do monoclonal antibodies target?", MAB),
        ("mabs??", MAB),
        ("can someone explian immunotherapy", IMMUNO),
        ("so what's this immunotherapy thing?", IMMUNO),
        (
            "what is the mechanism of action of monoclonal antibodies?",
            MAB,
        ),
        ("what's the science behind car-t", CAR_T),
        ("what is the role of immunotherapy in cancer?", IMMUNO),
    ]);
}

#[test]
fn typos_and_chat_spellings_are_tolerated() {
    check_table(&[
        ("whats immunoterapy", IMMUNO),
        ("wat is imunotherapy??", IMMUNO),
        ("what iz immunotherapie?", IMMUNO),
        ("what r chekpoint inhibitors", CHECKPOINT),
        ("what are checkpoint inhibiters?", CHECKPOINT),
        ("wats car t", CAR_T),
        ("what are monoclonial antibodys?", MAB),
        ("what is a cancer vacine", VACCINE),
        ("what are canser vaccines?", VACCINE),
    ]);
}

#[test]
fn split_joined_and_hyphenated_names_are_one_name() {
    check_table(&[
        ("what is immuno therapy?", IMMUNO),
        ("what is Immuno-Therapy", IMMUNO),
        ("what are check point inhibitors?", CHECKPOINT),
        ("what is a mono-clonal antibody?", MAB),
        ("what is CART therapy?", CAR_T),
        ("what is car-t?", CAR_T),
    ]);
}

#[test]
fn abbreviations_and_aliases_from_the_response_files_work() {
    check_table(&[
        ("what is a mAb?", MAB),
        ("what are mabs", MAB),
        ("what is checkpoint blockade?", CHECKPOINT),
        ("what is a tumour vaccine?", VACCINE),
        ("what are vaccines for cancer?", VACCINE),
    ]);
}

#[test]
fn discord_noise_does_not_sink_a_question() {
    check_table(&[
        ("<@123456789012345678> what is immunotherapy", IMMUNO),
        ("<@!123456789012345678> what is car-t?", CAR_T),
        ("**what is immunotherapy?**", IMMUNO),
        (
            "> what are checkpoint inhibitors?\nsame question",
            CHECKPOINT,
        ),
        ("||what is a cancer vaccine?||", VACCINE),
        ("what is immunotherapy?? 🤔🤔🤔", IMMUNO),
        ("WHAT IS IMMUNOTHERAPY", IMMUNO),
        ("what\u{200B} is immuno\u{200D}therapy?", IMMUNO),
        ("what is ímmunothérapy?", IMMUNO),
        ("ｗｈａｔ ｉｓ ｉｍｍｕｎｏｔｈｅｒａｐｙ", IMMUNO),
        ("what is immunotherapy? <:thinking:1234567890>", IMMUNO),
    ]);
}

#[test]
fn the_more_specific_therapy_wins_over_immunotherapy() {
    check_table(&[
        ("what is CAR-T immunotherapy?", CAR_T),
        (
            "what are checkpoint inhibitors, a type of immunotherapy?",
            CHECKPOINT,
        ),
        ("is a cancer vaccine immunotherapy? what is it", VACCINE),
    ]);
}

#[test]
fn other_therapies_and_lookalike_words_stay_silent() {
    check_table(&[
        ("what is chemotherapy?", SILENT),
        ("what is radiotherapy?", SILENT),
        ("what is hormone therapy?", SILENT),
        ("what is physical therapy?", SILENT),
        ("what is art therapy?", SILENT),
        ("what is radioimmunotherapy?", SILENT),
        ("what is an immunologist?", SILENT),
        ("what is an immunotherapist?", SILENT),
        ("what is immunosuppression?", SILENT),
        ("what is a car?", SILENT),
        ("what is a cart?", SILENT),
        ("what is a go-kart?", SILENT),
        ("what are carbohydrates?", SILENT),
        ("what is carte blanche?", SILENT),
        ("what is a checkpoint?", SILENT),
        ("what is a security checkpoint?", SILENT),
        ("what are kinase inhibitors?", SILENT),
        ("what is the flu vaccine?", SILENT),
        ("what is a vaccine?", SILENT),
        ("what are antibodies?", SILENT),
        ("what is a monogram?", SILENT),
        ("what is cancer?", SILENT),
        ("what is a T cell?", SILENT),
    ]);
}

#[test]
fn questions_about_aspects_the_text_does_not_cover_stay_silent() {
    check_table(&[
        ("what are the side effects of immunotherapy?", SILENT),
        ("how much does CAR-T cost?", SILENT),
        ("is immunotherapy covered by insurance?", SILENT),
        ("what's the success rate of checkpoint inhibitors?", SILENT),
        (
            "what is immunotherapy's survival rate for lung cancer?",
            SILENT,
        ),
        ("how long does a cancer vaccine take to work?", SILENT),
        ("where can I get CAR-T?", SILENT),
        ("should I try immunotherapy?", SILENT),
        ("can I drink alcohol on checkpoint inhibitors?", SILENT),
        ("is car-t better than a stem cell transplant?", SILENT),
        ("what's the difference between mabs and car-t?", SILENT),
        ("what happens if immunotherapy stops working?", SILENT),
        ("are monoclonal antibodies safe in pregnancy?", SILENT),
        ("what is the best immunotherapy for melanoma?", SILENT),
        ("what are examples of monoclonal antibodies?", SILENT),
        ("what is immunotherapy like?", SILENT),
        ("how do I know if CAR-T worked for me?", SILENT),
        ("what cancers does immunotherapy treat?", SILENT),
        ("what immunotherapy did you have?", SILENT),
        ("how is immunotherapy given?", SILENT),
        ("what is the checkpoint inhibitor drug called?", SILENT),
        (
            "read a piece on cancer vaccines, what do you all think?",
            SILENT,
        ),
        ("what's new with car-t?", SILENT),
        ("what is pseudoprogression on immunotherapy?", SILENT),
        ("what is colitis from checkpoint inhibitors", SILENT),
        ("what is allergy immunotherapy?", SILENT),
        ("what is a monoclonal antibody test?", SILENT),
    ]);
}

#[test]
fn statements_that_mention_a_topic_stay_silent() {
    check_table(&[
        ("my dad's CAR-T went well today", SILENT),
        ("started immunotherapy this week", SILENT),
        ("checkpoint inhibitors gave me a rash", SILENT),
        ("thanks, that cancer vaccine answer helped", SILENT),
        ("I already know what immunotherapy is", SILENT),
        (
            "we talked about what monoclonal antibodies are yesterday",
            SILENT,
        ),
        ("immunotherapy", SILENT),
        ("CAR-T!!!", SILENT),
        ("CAR T therapy explained", SILENT),
        (
            "link about immunotherapy: https://example.org/what-is-immunotherapy",
            SILENT,
        ),
    ]);
}

#[test]
fn chit_chat_stays_silent() {
    check_table(&[
        ("hello everyone", SILENT),
        ("what is up", SILENT),
        ("what time is the meeting?", SILENT),
        ("lol", SILENT),
        ("", SILENT),
        ("   ", SILENT),
        ("???", SILENT),
        ("<@123456789012345678>", SILENT),
        ("🎉🎉🎉", SILENT),
    ]);
}

#[test]
fn a_direct_question_that_is_close_but_unsure_offers_suggestions() {
    let catalog = catalog();
    let bare = catalog
        .matcher()
        .assess("immunotherapy", Addressing::Direct);
    assert_eq!(
        bare.verdict,
        Verdict::Answer,
        "a bare topic name to the bot is a request"
    );

    let both = catalog
        .matcher()
        .assess("what are car-t and cancer vaccines?", Addressing::Direct);
    assert_eq!(both.verdict, Verdict::Suggest);
    let ids: Vec<&str> = both
        .candidates
        .iter()
        .map(|&i| catalog.topic(i).id.as_str())
        .collect();
    assert!(
        ids.contains(&"car-t") && ids.contains(&"cancer-vaccines"),
        "{ids:?}"
    );
    assert!(ids.len() <= 3);

    // In a channel the same unsure message gets silence, never suggestions.
    let passive = catalog
        .matcher()
        .assess("what are car-t and cancer vaccines?", Addressing::Passive);
    assert_eq!(passive.verdict, Verdict::Nothing);
}

#[test]
fn an_aspect_question_to_the_bot_is_not_covered() {
    let catalog = catalog();
    let assessment = catalog
        .matcher()
        .assess("what are the side effects of car-t?", Addressing::Direct);
    assert_eq!(assessment.verdict, Verdict::NotCovered);
}

#[test]
fn scores_are_in_range_and_answers_score_above_silence() {
    let catalog = catalog();
    let answer = catalog
        .matcher()
        .assess("what is immunotherapy?", Addressing::Passive);
    let typo = catalog
        .matcher()
        .assess("what is imunotherapy?", Addressing::Passive);
    let aspect = catalog.matcher().assess(
        "what are the side effects of immunotherapy?",
        Addressing::Passive,
    );
    let nothing = catalog.matcher().assess("hello", Addressing::Passive);
    assert!(answer.score <= 1.0 && nothing.score >= 0.0);
    assert!(answer.score > typo.score);
    assert!(typo.score > aspect.score);
    assert!(aspect.score > nothing.score);
}

#[test]
fn huge_and_odd_input_is_read_within_bounds_and_never_misanswered() {
    use immunobot::matching::normalize::{normalize, MAX_SCANNED_BYTES, MAX_TOKENS};
    let catalog = catalog();
    let garbage = [
        "a".repeat(100_000),
        "Z\u{0351}\u{0352}\u{0353}a\u{0354}\u{0355}l\u{0356}g\u{0357}o".repeat(5_000),
        "\u{202E}\u{200F}".repeat(10_000),
        "😀".repeat(20_000),
        "```\n".to_string() + &"print('what is immunotherapy')\n".repeat(5_000) + "```",
        "<@1> ".repeat(10_000),
        "\"what is CAR-T?\" ".repeat(5_000),
    ];
    let question = "what is immunotherapy? ".repeat(5_000);
    for input in garbage.iter().chain([&question]) {
        // Bounded work: at most so many words are read, and nothing past the scanned prefix
        // changes the outcome.
        assert!(normalize(input).tokens.len() <= MAX_TOKENS);
        let mut end = MAX_SCANNED_BYTES.min(input.len());
        while !input.is_char_boundary(end) {
            end -= 1;
        }
        let whole = catalog.matcher().assess(input, Addressing::Passive);
        let prefix = catalog.matcher().assess(&input[..end], Addressing::Passive);
        assert_eq!(whole, prefix, "{:?}", &input[..40.min(input.len())]);
    }
    for input in &garbage {
        let assessment = catalog.matcher().assess(input, Addressing::Passive);
        assert_ne!(
            assessment.verdict,
            Verdict::Answer,
            "{:?} was answered",
            &input[..40.min(input.len())]
        );
    }
    // A long message made of one clear question is still that question.
    let repeated = catalog.matcher().assess(&question, Addressing::Passive);
    assert_eq!(
        repeated.answer().map(|i| catalog.topic(i).id.as_str()),
        Some("immunotherapy")
    );
}

#[test]
fn context_around_a_clear_question_does_not_silence_it() {
    check_table(&[
        (
            "long week at the clinic lol. anyway, what is immunotherapy?",
            IMMUNO,
        ),
        (
            "what is CAR-T? my sister's doctor thinks she is a candidate",
            CAR_T,
        ),
        (
            "sorry for the wall of text earlier! what are monoclonal antibodies?",
            MAB,
        ),
        (
            "the trial nurse mentioned checkpoint inhibitors. what are they?",
            CHECKPOINT,
        ),
        (
            "cancer vaccines - what are they exactly? reading about them at 3am",
            VACCINE,
        ),
        (
            "heard about immunotherapy at the hospital today, what does it mean?",
            IMMUNO,
        ),
        (
            "my dad is on checkpoint inhibitors. what is CAR-T though?",
            CAR_T,
        ),
    ]);
}

#[test]
fn an_aspect_inside_the_question_still_silences_it() {
    check_table(&[
        ("what is immunotherapy, and is it safe?", SILENT),
        (
            "the doctor mentioned CAR-T side effects. what are they?",
            SILENT,
        ),
        ("what do immunotherapy nurses do?", SILENT),
        ("what are car-t side effects", SILENT),
        ("what was immunotherapy like for you?", SILENT),
    ]);
}

#[test]
fn ordinary_requests_abbreviations_and_slang_are_understood() {
    check_table(&[
        ("can someone break down how cancer vaccines work", VACCINE),
        ("give me a rundown of checkpoint inhibitors", CHECKPOINT),
        ("ICIs - what are they?", CHECKPOINT),
        ("what's immuno exactly?", IMMUNO),
        ("cancer vax?? what is that", VACCINE),
        ("what is a vaccine against tumours", VACCINE),
        ("what does CAR-T mean when it comes to leukaemia?", CAR_T),
        ("immunotherapy definition pls", IMMUNO),
    ]);
}

#[test]
fn reports_quotes_and_code_are_not_requests() {
    check_table(&[
        ("our group chat covered what CAR-T is yesterday", SILENT),
        ("the FAQ explains what checkpoint inhibitors are", SILENT),
        (
            "my nurse said \"what is immunotherapy\" is the top question she gets",
            SILENT,
        ),
        (
            "I already know what monoclonal antibodies are, thanks",
            SILENT,
        ),
        (
            "not asking what cancer vaccines are, I want trial names",
            SILENT,
        ),
        ("```grep \"what is CAR-T\" faq.md```", SILENT),
        (
            "the bot's explanation of checkpoint inhibitors was great",
            SILENT,
        ),
    ]);
}

#[test]
fn other_things_that_share_a_name_are_not_answered() {
    check_table(&[
        ("what is bee venom immunotherapy?", SILENT),
        ("what is immunotherapy for hay fever?", SILENT),
        ("what is a monoclonal gammopathy?", SILENT),
        ("what is a CART decision tree?", SILENT),
        ("what is a checkpoint in tensorflow?", SILENT),
        ("what is an immune response?", SILENT),
    ]);
}
