//! Matching benchmarks: nanoseconds per message, reported as ratios against baselines measured
//! in the same run, the catalogs compared in turns (machines are noisy; ratios are what we compare).
//!
//! `cargo bench --bench matching` prints:
//! - ours on irrelevant chat, on relevant questions, and on a 100,000-message stream
//!   (about 99% irrelevant), with the shipped catalog;
//! - the same stream through `immunobot match`'s streaming writer (JSON out), in messages/s;
//! - the same stream with a synthetic 16,000-answer catalog (4,000 subjects, some named by
//!   ordinary words such as "pain" or "fever", four kinds of answer each): the cost must grow
//!   sub-linearly with the catalog (target: within 5x of the shipped catalog);
//! - the same stream with a catalog whose vocabulary is as large as a whole-MedQuAD import's
//!   (12,000 subjects named by tens of thousands of distinct, medical-looking generated words,
//!   some names starting with ordinary words such as "high" or "back"): the typo look-up and
//!   the first look must not grow with the vocabulary (target: within 5x of the shipped
//!   catalog);
//! - a naive baseline: Jaro-Winkler of the whole message against every known question, as a
//!   simple strsim bot would do (target: ours at least 40x faster on the stream).

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use immunobot::catalog::{Catalog, ResponseSource};
use immunobot::discord::CONTENT_LIMITS;
use immunobot::matching::Addressing;

const RELEVANT: &[&str] = &[
    "what is immunotherapy?",
    "hey, can someone explain what immunotherapy is",
    "whats imunotherapy??",
    "what are checkpoint inhibitors",
    "what is CAR-T cell therapy?",
    "what r mabs",
    "how do cancer vaccines work?",
    "<@2240000000000000007> what is a monoclonal antibody",
    "what are the side effects of immunotherapy?",
    "my dad's CAR-T went well today",
];

const CHAT: &[&str] = &[
    "lol same",
    "anyone around?",
    "good morning everyone!",
    "how was your weekend",
    "did you see the game last night",
    "I'm heading to my appointment now, wish me luck",
    "thanks for the support everyone ❤️",
    "<@123456789012345678> check your DMs",
    "the meetup is at 6pm on friday",
    "can someone pin the rules?",
    "my scan results came back clear!! 🎉",
    "how are you all feeling today",
    "just got home from the hospital, exhausted",
    "haha yes exactly",
    "that's so good to hear",
    "sending hugs",
    "does anyone know a good recipe for soup",
    "the weather is awful here",
    "welcome to the server!",
    "ok",
    "what time is it there?",
    "I'll ask my oncologist tomorrow",
    "feeling a bit nauseous today",
    "my back pain is killing me today",
    "had a fever all night, staying in",
    "is it flu season already?",
    "has anyone tried acupuncture?",
    "here's the link: https://example.org/support-group",
    "**Reminder:** support call tonight",
    "my cat says hi",
    "what is chemotherapy?",
    "ty!!",
    "Ça va? Très bien merci",
];

/// A small deterministic generator, so every run measures the same stream.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() as usize % items.len()]
    }
}

fn stream(len: usize) -> Vec<String> {
    let mut rng = Lcg(7);
    (0..len)
        .map(|_| {
            if rng.next().is_multiple_of(100) {
                rng.pick(RELEVANT).to_string()
            } else {
                rng.pick(CHAT).to_string()
            }
        })
        .collect()
}

/// A made-up word that is no English word, so synthetic topics never match real chat by design.
fn pseudo_word(rng: &mut Lcg) -> String {
    const SYLLABLES: &[&str] = &[
        "zor", "bix", "qua", "vel", "tro", "nym", "phe", "dax", "lum", "kri", "gon", "sva", "mip",
        "yth", "oru", "fen",
    ];
    let count = 2 + rng.next() as usize % 3;
    (0..count).map(|_| rng.pick(SYLLABLES)).collect()
}

/// Conditions and symptoms whose names are ordinary chat words too ("pain", "fever"), so that
/// the large catalog is found in chat the way a real imported corpus would be.
const REAL_SUBJECTS: &[&str] = &[
    "anemia",
    "asthma",
    "diabetes",
    "arthritis",
    "migraine",
    "psoriasis",
    "eczema",
    "lupus",
    "gout",
    "glaucoma",
    "cataract",
    "hepatitis",
    "malaria",
    "measles",
    "mumps",
    "shingles",
    "stroke",
    "sepsis",
    "obesity",
    "insomnia",
    "epilepsy",
    "dementia",
    "leukemia",
    "lymphoma",
    "melanoma",
    "myeloma",
    "sarcoma",
    "glioma",
    "pneumonia",
    "bronchitis",
    "influenza",
    "tuberculosis",
    "dengue",
    "hives",
    "acne",
    "vertigo",
    "tinnitus",
    "scoliosis",
    "osteoporosis",
    "jaundice",
    "cirrhosis",
    "gastritis",
    "colitis",
    "hernia",
    "hypertension",
    "dehydration",
    "fatigue",
    "pain",
    "fever",
    "cough",
    "headache",
    "nausea",
    "rash",
    "cold",
    "flu",
    "covid",
    "allergy",
    "anxiety",
    "depression",
    "burnout",
];

/// A catalog of `subjects` subjects with four answers each (what it is, symptoms, treatment,
/// outlook), built in memory the way an imported corpus would be.
fn synthetic_catalog(subjects: usize) -> Catalog {
    const SUFFIXES: &[&str] = &[
        "disease",
        "syndrome",
        "cancer",
        "deficiency",
        "disorder",
        "tumor",
        "infection",
    ];
    let mut rng = Lcg(42);
    let mut seen = std::collections::HashSet::new();
    let mut files: Vec<(String, String)> = vec![catalog_file()];
    let mut written = 0;
    while written < subjects {
        let (name, terms) = match REAL_SUBJECTS.get(written) {
            Some(real) => (real.to_string(), vec![real.to_string()]),
            None => {
                let word = pseudo_word(&mut rng);
                let suffix = rng.pick(SUFFIXES);
                (
                    format!("{word} {suffix}"),
                    vec![format!("{word} {suffix}"), word],
                )
            }
        };
        if !terms.iter().all(|term| seen.insert(term.clone())) {
            continue;
        }
        let terms: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
        let mut owner = String::new();
        let _ = writeln!(
            owner,
            "id = \"t{written}\"\ntitle = \"{name}\"\nlabel = \"{name}\"\nreviewer = \"bench\""
        );
        let _ = writeln!(owner, "body = \"Synthetic body {written}.\"");
        let _ = writeln!(owner, "[matching]\nterms = [{}]", terms.join(", "));
        let _ = writeln!(
            owner,
            "questions = [\"what is {name}\", \"what does {name} mean\", \"explain {name}\"]"
        );
        files.push((format!("topics/t{written}.toml"), owner));
        for (kind, question) in [
            ("symptoms", "what are the symptoms of"),
            ("treatment", "what are the treatments for"),
            ("outlook", "what is the outlook for"),
        ] {
            let mut answer = String::new();
            let _ = writeln!(
                answer,
                "id = \"t{written}-{kind}\"\ntitle = \"{name}: {kind}\"\nlabel = \"{kind}\"\nreviewer = \"bench\""
            );
            let _ = writeln!(
                answer,
                "subject = \"t{written}\"\nkind = \"{kind}\"\nbody = \"Synthetic {kind} {written}.\""
            );
            let _ = writeln!(answer, "[matching]\nquestions = [\"{question} {name}\"]");
            files.push((format!("topics/t{written}-{kind}.toml"), answer));
        }
        written += 1;
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    Catalog::load_from_memory(&borrowed, &CONTENT_LIMITS).unwrap_or_else(|err| panic!("{err}"))
}

/// Parts of medical words, so that a generated vocabulary looks like a corpus's: many long
/// words per first letter and length, sharing roots and endings.
const ROOTS: &[&str] = &[
    "cardi", "neur", "hepat", "myel", "lymph", "oste", "derm", "gastr", "nephr", "pulmon", "arthr",
    "encephal", "angi", "aden", "chondr", "cyst", "cyt", "erythr", "fibr", "gli", "hem", "leuk",
    "lip", "mening", "phleb", "rhin", "sarc", "thromb", "trache", "vas", "col", "dys", "hyper",
    "hypo", "retin", "spondyl", "thyr", "pancreat", "splen", "cholang", "esophag", "laryng",
    "pharyng", "ophthalm", "cerebr", "crani", "kerat", "melan", "nas", "pleur",
];
const LINKS: &[&str] = &["o", "a", "i", "", "e"];
const ENDINGS: &[&str] = &[
    "itis",
    "osis",
    "oma",
    "emia",
    "pathy",
    "plasia",
    "algia",
    "trophy",
    "genesis",
    "lysis",
    "megaly",
    "sclerosis",
    "stenosis",
    "ectasia",
    "cele",
    "rrhea",
    "uria",
    "ism",
    "ia",
    "ic",
    "al",
    "ous",
    "ar",
    "oid",
];
/// Words that start many of a corpus's names and are ordinary chat words too.
const QUALIFIERS: &[&str] = &[
    "high",
    "low",
    "back",
    "heart",
    "blood",
    "skin",
    "eye",
    "sleep",
    "chronic",
    "acute",
    "familial",
    "juvenile",
    "congenital",
    "adult",
    "childhood",
    "primary",
    "hereditary",
    "early",
];

fn medical_word(rng: &mut Lcg) -> String {
    let mut word = String::new();
    let roots = if rng.next().is_multiple_of(4) { 1 } else { 2 };
    for _ in 0..roots {
        word.push_str(rng.pick(ROOTS));
        word.push_str(rng.pick(LINKS));
    }
    word.push_str(rng.pick(ENDINGS));
    word
}

/// The catalog file of a synthetic catalog.
fn catalog_file() -> (String, String) {
    (
        "catalog.toml".to_string(),
        "disclaimer = \"Synthetic benchmark catalog: not medical text.\"\n".to_string(),
    )
}

/// A catalog of `subjects` subjects, each named by one to three words of a vocabulary of
/// generated medical words (and some by a short abbreviation), with two answers each (what it
/// is, treatment), built in memory the way an imported corpus would be. Returns the catalog
/// and how many distinct words its names use.
fn vocabulary_sized_catalog(subjects: usize) -> (Catalog, usize) {
    let mut rng = Lcg(1234);
    let mut names = std::collections::HashSet::new();
    let mut words = std::collections::HashSet::new();
    let mut files: Vec<(String, String)> = vec![catalog_file()];
    let mut written = 0;
    while written < subjects {
        let mut parts: Vec<String> = Vec::new();
        if rng.next().is_multiple_of(3) {
            parts.push(rng.pick(QUALIFIERS).to_string());
        }
        for _ in 0..1 + rng.next() % 3 {
            parts.push(medical_word(&mut rng));
        }
        let name = parts.join(" ");
        if !names.insert(name.clone()) {
            continue;
        }
        let mut terms = vec![format!("\"{name}\"")];
        if rng.next().is_multiple_of(4) {
            let abbreviation: String = parts
                .iter()
                .filter_map(|part| part.chars().next())
                // Never a final `s`: "BCES" reads as the plural of "BCE".
                .chain(std::iter::once(char::from(b"bcdfgkmnprtvxz"[written % 14])))
                .collect::<String>()
                .to_uppercase();
            if names.insert(abbreviation.to_lowercase()) {
                terms.push(format!("\"{abbreviation}\""));
            }
        }
        words.extend(parts.iter().cloned());
        let mut owner = String::new();
        let _ = writeln!(
            owner,
            "id = \"v{written}\"\ntitle = \"{name}\"\nlabel = \"{name}\"\nreviewer = \"bench\""
        );
        let _ = writeln!(owner, "body = \"Synthetic body {written}.\"");
        let _ = writeln!(owner, "[matching]\nterms = [{}]", terms.join(", "));
        let _ = writeln!(owner, "questions = [\"what is {name}\"]");
        files.push((format!("topics/v{written}.toml"), owner));
        let mut answer = String::new();
        let _ = writeln!(
            answer,
            "id = \"v{written}-treatment\"\ntitle = \"{name}: treatment\"\nlabel = \"treatment\"\nreviewer = \"bench\""
        );
        let _ = writeln!(
            answer,
            "subject = \"v{written}\"\nkind = \"treatment\"\nbody = \"Synthetic treatment {written}.\""
        );
        let _ = writeln!(
            answer,
            "[matching]\nquestions = [\"what are the treatments for {name}\"]"
        );
        files.push((format!("topics/v{written}-treatment.toml"), answer));
        written += 1;
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    let catalog =
        Catalog::load_from_memory(&borrowed, &CONTENT_LIMITS).unwrap_or_else(|err| panic!("{err}"));
    (catalog, words.len())
}

/// The naive approach: Jaro-Winkler of the whole lowercased message against every question.
fn naive(catalog: &Catalog, questions: &[(usize, String)], message: &str) -> Option<usize> {
    let message = message.to_lowercase();
    let best = questions
        .iter()
        .map(|(topic, question)| (*topic, strsim::jaro_winkler(&message, question)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let _ = catalog;
    best.filter(|(_, score)| *score >= 0.85)
        .map(|(topic, _)| topic)
}

/// Median nanoseconds per message over several rounds of `messages`.
fn measure(messages: &[String], mut one: impl FnMut(&str)) -> f64 {
    measure_in_turns(messages, &mut [&mut one])[0]
}

/// Median nanoseconds per message of each of `ways` over `messages`, measured in turns (one
/// round of each, then again), so that the machine's drift over a run weighs on all of them
/// alike and their ratios hold. At least 5 rounds, then more for up to 2 s a way (50 at most).
fn measure_in_turns(messages: &[String], ways: &mut [&mut dyn FnMut(&str)]) -> Vec<f64> {
    let mut rounds: Vec<Vec<f64>> = vec![Vec::new(); ways.len()];
    let budget = Duration::from_secs(2) * ways.len() as u32;
    let started = Instant::now();
    while rounds[0].len() < 5 || (started.elapsed() < budget && rounds[0].len() < 50) {
        for (way, times) in ways.iter_mut().zip(&mut rounds) {
            let start = Instant::now();
            for message in messages {
                way(message);
            }
            times.push(start.elapsed().as_nanos() as f64 / messages.len() as f64);
        }
    }
    rounds
        .into_iter()
        .map(|mut times| {
            times.sort_by(f64::total_cmp);
            times[times.len() / 2]
        })
        .collect()
}

fn assess(catalog: &Catalog) -> impl FnMut(&str) + '_ {
    move |message| {
        black_box(
            catalog
                .matcher()
                .assess(black_box(message), Addressing::Passive),
        );
    }
}

fn main() {
    let shipped = Catalog::load(&ResponseSource::Embedded, &CONTENT_LIMITS).unwrap();
    let big = synthetic_catalog(4_000);
    assert_eq!(big.topics().len(), 16_000);
    let (corpus, corpus_words) = vocabulary_sized_catalog(12_000);
    assert!(corpus_words >= 20_000, "{corpus_words} distinct words");
    let questions: Vec<(usize, String)> = shipped
        .topics()
        .iter()
        .enumerate()
        .flat_map(|(i, t)| t.questions.iter().map(move |q| (i, q.to_lowercase())))
        .collect();

    let chat: Vec<String> = CHAT.iter().map(|s| s.to_string()).collect();
    let relevant: Vec<String> = RELEVANT.iter().map(|s| s.to_string()).collect();
    let stream = stream(100_000);

    let irrelevant_ns = measure(&chat, assess(&shipped));
    let relevant_ns = measure(&relevant, assess(&shipped));
    let [stream_ns, big_ns, corpus_ns] = measure_in_turns(
        &stream,
        &mut [
            &mut assess(&shipped),
            &mut assess(&big),
            &mut assess(&corpus),
        ],
    )[..] else {
        unreachable!("three ways measured")
    };
    let naive_ns = measure(&stream, |message| {
        black_box(naive(&shipped, &questions, black_box(message)));
    });

    let input = stream.join("\n") + "\n";
    let mut rounds = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        immunobot::cli::stream_matches(&shipped, input.as_bytes(), std::io::sink()).unwrap();
        rounds.push(start.elapsed().as_secs_f64());
    }
    rounds.sort_by(f64::total_cmp);
    let match_per_second = stream.len() as f64 / rounds[rounds.len() / 2];

    println!("matching, ns per message (median of rounds)");
    println!("  irrelevant chat, shipped catalog      {irrelevant_ns:>10.0}");
    println!("  relevant questions, shipped catalog   {relevant_ns:>10.0}");
    println!("  100k stream, shipped catalog          {stream_ns:>10.0}");
    println!("  100k stream, 16,000-answer catalog    {big_ns:>10.0}");
    println!("  100k stream, {corpus_words} words' catalog     {corpus_ns:>10.0}");
    println!("  100k stream, naive strsim baseline    {naive_ns:>10.0}");
    println!();
    println!(
        "immunobot match (JSON out), 100k stream: {match_per_second:>12.0} messages/s, one core (target >= 1,000,000)"
    );
    println!();
    println!("ratios");
    println!(
        "  naive / ours (stream)                 {:>10.1}x  (target >= 40x)",
        naive_ns / stream_ns
    );
    println!(
        "  16,000 answers / shipped (stream)     {:>10.2}x  (target <= 5x)",
        big_ns / stream_ns
    );
    println!(
        "  corpus-sized vocabulary / shipped     {:>10.2}x  (target <= 5x)",
        corpus_ns / stream_ns
    );
    println!(
        "  relevant / irrelevant                 {:>10.1}x",
        relevant_ns / irrelevant_ns
    );
}
