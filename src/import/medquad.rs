//! `immunobot import medquad`: MedQuAD's XML (Ben Abacha & Demner-Fushman, 2019, CC BY 4.0) to a
//! responses folder.
//!
//! MedQuAD holds question-answer pairs written and reviewed by NIH institutes and other trusted
//! bodies, one XML document per subject (`Focus`, optional `Synonyms`, `QAPair`s of a `Question`
//! with a `qtype` and an `Answer`). Each answered pair becomes one topic file: the answer verbatim
//! (whitespace tidied, no word changed), the publishing body as reviewer, the document's address
//! and the licence's attribution as provenance, and the corpus's own matching data (focus,
//! synonyms and defined abbreviations as the subject's terms, the qtype as the kind of question,
//! the question as a known question).
//!
//! This module owns reading the XML and writing topic files. It never judges the result as a
//! catalog (`immunobot check` does, with the same validation as any edit), never writes a
//! half-finished folder, and never fetches anything.

use crate::lines::line_of as line_at;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use quick_xml::Reader;
use serde::Serialize;

use crate::catalog::{is_valid_topic_id, MAX_TOPIC_ID_LEN};
use crate::matching::language::EverydayName;
use crate::matching::language::{check_question, check_term};
use crate::matching::normalize::normalized_key;
use crate::matching::only_in_capitals;

use super::names;

/// Largest XML document read. MedQuAD's largest is well under 1 MiB; anything near this is not a
/// MedQuAD document and is skipped before it is read whole.
pub const MAX_XML_BYTES: u64 = 4 * 1024 * 1024;

/// What CC BY 4.0 asks of whoever shares MedQuAD's text: name the work, its authors and the
/// licence. Shown with every imported answer, next to who reviewed it.
pub const ATTRIBUTION: &str =
    "CC BY 4.0: MedQuAD, Ben Abacha & Demner-Fushman, BMC Bioinformatics 2019";

/// Longest title and label written; the catalog's limits are the platform's, and these stay
/// inside Discord's (a title of 256, a button label of 80).
const MAX_TITLE: usize = 250;
const MAX_LABEL: usize = 80;
/// Terms longer than this many words are lists, not names ("Cataracts, retinitis pigmentosa,
/// sensorineural hearing loss, deafness, ...") and would never be typed by a member.
const MAX_TERM_WORDS: usize = 12;
/// Most terms written for one subject (the catalog refuses more than 200).
const MAX_TERMS: usize = 60;

/// Abbreviations that are also everyday English words. A member writing "all of them" is not
/// asking about acute lymphoblastic leukemia, and the matcher cannot see capital letters, so these
/// are never used as terms; the subject's full name still finds the answer.
const WORD_ABBREVIATIONS: &[&str] = &[
    "all", "aids", "am", "an", "as", "at", "be", "by", "can", "cat", "do", "go", "he", "if", "in",
    "is", "it", "me", "no", "of", "on", "or", "pet", "so", "to", "up", "us", "we", "cold", "flu",
    "men", "mad", "sad", "tic", "ms",
];

/// The body that reviewed each MedQuAD collection, by the document's `source` attribute.
fn reviewer_of(source: &str) -> Option<&'static str> {
    Some(match source {
        "CancerGov" => "National Cancer Institute",
        "GARD" => "Genetic and Rare Diseases Information Center (NIH)",
        "GHR" => "Genetics Home Reference (U.S. National Library of Medicine)",
        "MPlusHealthTopics" => "MedlinePlus (U.S. National Library of Medicine)",
        "NIDDK" => "National Institute of Diabetes and Digestive and Kidney Diseases",
        "NINDS" => "National Institute of Neurological Disorders and Stroke",
        "NIHSeniorHealth" => "NIHSeniorHealth (National Institute on Aging)",
        "NHLBI" => "National Heart, Lung, and Blood Institute",
        "CDC" => "Centers for Disease Control and Prevention",
        "ADAM" => "A.D.A.M. Medical Encyclopedia (MedlinePlus)",
        "MPlusDrugs" => "MedlinePlus Drug Information (U.S. National Library of Medicine)",
        "MPlusHerbsSupplements" => {
            "MedlinePlus Herbs and Supplements (U.S. National Library of Medicine)"
        }
        _ => return None,
    })
}

/// MedQuAD's question types as the kinds of question declared in `responses/language.toml`.
pub fn kind_of(qtype: &str) -> Option<&'static str> {
    Some(match qtype.trim().to_ascii_lowercase().as_str() {
        "information" => "definition",
        "symptoms" => "symptoms",
        "treatment" => "treatment",
        "causes" => "causes",
        "outlook" => "outlook",
        "exams and tests" => "diagnosis",
        "inheritance" => "inheritance",
        "genetic changes" => "genetics",
        "frequency" => "frequency",
        "complications" => "complications",
        "prevention" => "prevention",
        "susceptibility" => "risk",
        "research" => "research",
        "stages" => "stages",
        // NIDDK's "What to do for <X>": eating, diet and nutrition.
        "considerations" => "lifestyle",
        "support groups" | "how can i learn more" => "support",
        "side effects" => "side-effects",
        _ => return None,
    })
}

/// Why an import could not be done at all. Problems with single documents or pairs are skips,
/// listed in the [`Summary`].
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}: no MedQuAD XML here (expected *.xml files, or collection folders holding them)")]
    NoXml(String),
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}: already exists and is not empty; name a new folder with --out")]
    OutExists(String),
    #[error("nothing to import: no question in {0} has an answer that could be imported")]
    Empty(String),
    #[error("{path}: cannot write: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// Something left out of the import, with where it stood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub file: String,
    pub line: Option<usize>,
    pub reason: String,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

/// A question id that stood in more than one pair, and the id its later answer got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    pub qid: String,
    pub file: String,
    pub line: usize,
    pub id: String,
}

/// What an import wrote and left out.
#[derive(Debug, Default)]
pub struct Summary {
    pub documents: usize,
    pub answers: usize,
    pub subjects: usize,
    pub kinds: BTreeMap<&'static str, usize>,
    /// Pairs whose answer is empty (three MedlinePlus collections ship without answers).
    pub empty_answers: usize,
    /// Pairs whose question, after normalisation, is already an imported answer's about another
    /// subject or of another kind: left out, since the question cannot tell them apart.
    pub duplicate_questions: usize,
    /// Answers whose question another publisher also answers about the same subject and kind:
    /// kept, and equivalent (the first one imported answers the question).
    pub equivalent_answers: usize,
    pub skipped: Vec<Skip>,
    /// Answers left out because their subject has no name a member could type.
    pub unnamed_answers: usize,
    pub collisions: Vec<Collision>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for skip in &self.skipped {
            writeln!(f, "skipped: {skip}")?;
        }
        for c in &self.collisions {
            writeln!(
                f,
                "{}:{}: question id {} is used again; this answer is `{}`",
                c.file, c.line, c.qid, c.id
            )?;
        }
        writeln!(
            f,
            "{} answers about {} subjects from {} documents",
            self.answers, self.subjects, self.documents
        )?;
        let kinds: Vec<String> = self
            .kinds
            .iter()
            .map(|(kind, count)| format!("{kind} {count}"))
            .collect();
        writeln!(f, "kinds: {}", kinds.join(", "))?;
        write!(
            f,
            "{} answers share their question with an equivalent one; left out: {} empty answers, {} duplicate questions, {} answers about unnamed subjects, {} skipped; {} repeated question ids",
            self.equivalent_answers,
            self.empty_answers,
            self.duplicate_questions,
            self.unnamed_answers,
            self.skipped.len(),
            self.collisions.len()
        )
    }
}

/// The files the import writes besides the topics: the catalog settings and the language file
/// that declares the kinds the topics use.
pub struct Support<'a> {
    pub catalog_toml: &'a str,
    pub language_toml: &'a str,
}

/// Reads MedQuAD from `src` (a collection folder, or a folder of collection folders) and writes
/// a complete responses folder at `out`, which must not exist yet (or be empty).
pub fn import(src: &Path, out: &Path, support: &Support) -> Result<Summary, ImportError> {
    if fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(ImportError::OutExists(out.display().to_string()));
    }
    let files = xml_files(src)?;
    let mut summary = Summary::default();
    let mut documents = Vec::new();
    for path in &files {
        let shown = path.display().to_string();
        match read_document(path, &shown) {
            Ok(doc) => documents.push(doc),
            Err(skip) => summary.skipped.push(skip),
        }
    }
    summary.documents = documents.len();
    // Initialisms that spell a word of asking ("ALL") are names only in capitals; the matcher
    // reads them so, by the language the folder is written with.
    let language = crate::catalog::parse_language(support.language_toml);
    let in_capitals = |name: &str| {
        language
            .as_ref()
            .is_some_and(|language| only_in_capitals(name, language).is_some())
    };
    let everyday_names = language
        .as_ref()
        .map_or(&[][..], |language| language.everyday_names());
    let topics = build_topics(&documents, &in_capitals, everyday_names, &mut summary);
    if topics.is_empty() {
        return Err(ImportError::Empty(src.display().to_string()));
    }
    write_folder(out, &topics, support)?;
    Ok(summary)
}

/// The XML files of one collection folder, or of every collection folder inside `src`.
fn xml_files(src: &Path) -> Result<Vec<PathBuf>, ImportError> {
    let read = |dir: &Path| -> Result<Vec<PathBuf>, ImportError> {
        let entries = fs::read_dir(dir).map_err(|source| ImportError::Read {
            path: dir.display().to_string(),
            source,
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .collect();
        paths.sort();
        Ok(paths)
    };
    let is_xml = |path: &Path| path.is_file() && path.extension().is_some_and(|ext| ext == "xml");
    let entries = read(src)?;
    let mut files: Vec<PathBuf> = entries.iter().filter(|p| is_xml(p)).cloned().collect();
    if files.is_empty() {
        for dir in entries.iter().filter(|path| path.is_dir()) {
            files.extend(read(dir)?.into_iter().filter(|p| is_xml(p)));
        }
    }
    if files.is_empty() {
        return Err(ImportError::NoXml(src.display().to_string()));
    }
    Ok(files)
}

/// One MedQuAD document.
#[derive(Debug, Default)]
struct Document {
    file: String,
    source: String,
    url: String,
    focus: String,
    synonyms: Vec<String>,
    pairs: Vec<Pair>,
}

#[derive(Debug, Default)]
struct Pair {
    qid: String,
    qtype: String,
    question: String,
    answer: String,
    line: usize,
}

fn read_document(path: &Path, shown: &str) -> Result<Document, Skip> {
    let skip = |line: Option<usize>, reason: String| Skip {
        file: shown.to_string(),
        line,
        reason,
    };
    let file = fs::File::open(path).map_err(|err| skip(None, format!("cannot read: {err}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_XML_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| skip(None, format!("cannot read: {err}")))?;
    if bytes.len() as u64 > MAX_XML_BYTES {
        return Err(skip(
            None,
            format!(
                "larger than {} MiB; not a MedQuAD document",
                MAX_XML_BYTES / 1024 / 1024
            ),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|err| {
        let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        skip(Some(line), "not valid UTF-8".to_string())
    })?;
    parse_document(&text, shown).map_err(|(line, reason)| skip(Some(line), reason))
}

/// Which text the parser is collecting.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    None,
    Focus,
    Synonym,
    Question,
    Answer,
}

/// Parses one document; an error is `(line, reason)`.
fn parse_document(text: &str, shown: &str) -> Result<Document, (usize, String)> {
    let mut reader = Reader::from_str(text);
    let mut doc = Document {
        file: shown.to_string(),
        ..Document::default()
    };
    let mut field = Field::None;
    let mut buffer = String::new();
    let mut pair: Option<Pair> = None;
    let mut seen_document = false;
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|err| {
            let position = usize::try_from(reader.error_position()).unwrap_or(at);
            (line_at(text, position), format!("malformed XML: {err}"))
        })?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(element) | Event::Empty(element) => {
                let name = element.name();
                let attribute = |key: &[u8]| -> Result<String, (usize, String)> {
                    for attr in element.attributes() {
                        let attr = attr.map_err(|err| {
                            (line_at(text, at), format!("malformed attribute: {err}"))
                        })?;
                        if attr.key.as_ref() == key {
                            let value = attr.unescape_value().map_err(|err| {
                                (line_at(text, at), format!("malformed attribute: {err}"))
                            })?;
                            return Ok(value.into_owned());
                        }
                    }
                    Ok(String::new())
                };
                match name.as_ref() {
                    b"Document" => {
                        seen_document = true;
                        doc.source = attribute(b"source")?;
                        doc.url = attribute(b"url")?;
                    }
                    b"QAPair" => pair = Some(Pair::default()),
                    b"Question" => {
                        let current = pair.get_or_insert_with(Pair::default);
                        current.qid = attribute(b"qid")?;
                        current.qtype = attribute(b"qtype")?;
                        current.line = line_at(text, at);
                        field = Field::Question;
                    }
                    b"Answer" => field = Field::Answer,
                    b"Focus" => field = Field::Focus,
                    b"Synonym" => field = Field::Synonym,
                    _ => {}
                }
                buffer.clear();
                if empty {
                    finish(field, &mut buffer, &mut doc, &mut pair);
                    field = Field::None;
                }
            }
            Event::Text(content) if field != Field::None => {
                let unescaped = content
                    .unescape()
                    .map_err(|err| (line_at(text, at), format!("malformed text: {err}")))?;
                buffer.push_str(&unescaped);
            }
            Event::CData(content) if field != Field::None => {
                buffer.push_str(&String::from_utf8_lossy(&content));
            }
            Event::End(element) => {
                match element.name().as_ref() {
                    b"Focus" | b"Synonym" | b"Question" | b"Answer" => {
                        finish(field, &mut buffer, &mut doc, &mut pair);
                        field = Field::None;
                    }
                    b"QAPair" => {
                        if let Some(done) = pair.take() {
                            doc.pairs.push(done);
                        }
                    }
                    _ => {}
                }
                buffer.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_document {
        return Err((
            1,
            "no <Document> element: not a MedQuAD document".to_string(),
        ));
    }
    Ok(doc)
}

fn finish(field: Field, buffer: &mut String, doc: &mut Document, pair: &mut Option<Pair>) {
    let value = std::mem::take(buffer);
    match field {
        Field::Focus => doc.focus = tidy_line(&value),
        Field::Synonym => {
            let synonym = tidy_line(&value);
            if !synonym.is_empty() {
                doc.synonyms.push(synonym);
            }
        }
        Field::Question => {
            if let Some(pair) = pair {
                pair.question = tidy_line(&value);
            }
        }
        Field::Answer => {
            if let Some(pair) = pair {
                pair.answer = tidy_body(&value);
            }
        }
        Field::None => {}
    }
}

/// One line of text with runs of whitespace made one space.
fn tidy_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The answer with whitespace tidied and nothing else changed: each line's spaces collapsed,
/// lines kept, and any run of blank lines made one paragraph break.
pub fn tidy_body(text: &str) -> String {
    let mut paragraphs: Vec<Vec<String>> = vec![Vec::new()];
    for line in text.lines() {
        let line = tidy_line(line);
        if line.is_empty() {
            if paragraphs.last().is_some_and(|p| !p.is_empty()) {
                paragraphs.push(Vec::new());
            }
        } else if let Some(last) = paragraphs.last_mut() {
            last.push(line);
        }
    }
    paragraphs
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.join("\n"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A question as a title: whitespace tidied, and MedQuAD's "X ?" written "X?".
fn tidy_question(question: &str) -> String {
    let line = tidy_line(question);
    match line.strip_suffix(" ?") {
        Some(head) => format!("{head}?"),
        None => line,
    }
}

/// Cuts `text` at a word boundary so that it has at most `max` characters, marking the cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 2 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = text.chars().take(max - 1).collect();
    }
    out.push('…');
    out
}

/// Longest single word that is checked against everyday words before it is used as a term.
const SHORT_TERM: usize = 5;

/// Whether a synonym or abbreviation is too likely to be something else: one short word that the
/// texts use as an everyday word, or only one- and two-letter pieces ("A-T", "SD/THE").
fn ambiguous_name(name: &str, everyday: &HashSet<&str>) -> bool {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    match words.as_slice() {
        [] => true,
        [word] => {
            word.chars().count() <= SHORT_TERM
                && (everyday.contains(word.as_str()) || WORD_ABBREVIATIONS.contains(&word.as_str()))
        }
        _ => words.iter().all(|word| word.chars().count() <= 2),
    }
}

/// Abbreviations the text defines for `name`: "Adult acute lymphoblastic leukemia (ALL)".
pub fn defined_abbreviations(name: &str, text: &str) -> Vec<String> {
    let name = name.to_ascii_lowercase();
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    if name.len() < 4 {
        return found;
    }
    let mut from = 0;
    while let Some(offset) = lower.get(from..).and_then(|rest| rest.find(&name)) {
        let after = from + offset + name.len();
        from = after;
        let Some(rest) = text.get(after..).and_then(|rest| rest.strip_prefix(" (")) else {
            continue;
        };
        let Some(abbreviation) = names::abbreviation_at(rest) else {
            continue;
        };
        if !WORD_ABBREVIATIONS.contains(&abbreviation.to_ascii_lowercase().as_str())
            && !found.contains(&abbreviation)
        {
            found.push(abbreviation);
        }
    }
    found
}

/// How strongly a subject claims a name: a spelling of its own title over an abbreviation a
/// publisher defines for it, over its initials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Claim {
    Initials,
    Defined,
    Title,
}

/// What the corpus and the language say of the words a name may be made of.
struct Words<'a> {
    /// Words the texts write in capitals.
    attested: &'a HashSet<&'a str>,
    /// Short words the texts write in lower case.
    everyday: &'a HashSet<&'a str>,
    /// Every word the texts write in lower case.
    lowercase: &'a HashSet<&'a str>,
    /// Whether a name is read only where a message writes it in capitals.
    in_capitals: &'a dyn Fn(&str) -> bool,
    /// The language's everyday words for publishers' words.
    everyday_names: &'a [EverydayName],
}

/// The names each group of documents (one subject) may use, best first. Every focus names its
/// own subject. Any other name goes to the one subject with the strongest claim to it; when
/// several claim it equally it names none of them ("Oral Cavity Cancer" derived from two
/// titles). Subjects about different audiences are weighed apart: adult and childhood leukemia
/// share "Acute Myeloid Leukemia", and a general subject may share a name with them too.
fn propose_names(
    groups: &[(String, Vec<&Document>)],
    group_of: &HashMap<String, usize>,
    audiences: &[Option<&'static str>],
    words: &Words<'_>,
) -> Vec<Vec<String>> {
    let Words {
        attested,
        everyday,
        lowercase,
        in_capitals,
        everyday_names,
    } = *words;
    let mut proposals: Vec<Vec<(String, Claim)>> = Vec::with_capacity(groups.len());
    for (_, docs) in groups {
        let mut titles: Vec<String> = Vec::new();
        let mut short: Vec<(String, Claim)> = Vec::new();
        for title in docs
            .iter()
            .map(|doc| &doc.focus)
            .chain(docs.iter().flat_map(|doc| &doc.synonyms))
        {
            // A synonym may be an everyday word ("AT" for ataxia-telangiectasia); the focus
            // is the publisher's own name for the subject and always stays.
            let is_focus = docs.iter().any(|doc| &doc.focus == title);
            if !is_focus && !in_capitals(title) && ambiguous_name(title, everyday) {
                continue;
            }
            titles.extend(names::variants(title));
            if let Some((_, rest)) = names::audience(title) {
                titles.extend(names::variants(rest));
            }
            short.extend(
                names::bracketed(title)
                    .into_iter()
                    .map(|name| (name, Claim::Defined)),
            );
        }
        short.extend(
            titles
                .iter()
                .filter_map(|title| names::eponym(title, |word| lowercase.contains(word)))
                .map(|name| (name, Claim::Defined)),
        );
        let lone: Vec<String> = titles
            .iter()
            .chain(short.iter().map(|(name, _)| name))
            .filter_map(|name| names::lone_disease(name))
            .collect();
        short.extend(
            titles
                .iter()
                .flat_map(|title| names::by_place(title))
                .chain(lone)
                .map(|name| (name, Claim::Defined)),
        );
        // "Laryngeal Cancer" as members say it: "voice box cancer", "cancer of the larynx".
        short.extend(
            titles
                .iter()
                .flat_map(|title| names::in_everyday_words(title, everyday_names))
                .flat_map(|name| names::variants(&name))
                .map(|name| (name, Claim::Defined)),
        );
        // Three-letter initials only where the corpus itself writes them: "GCT" would be germ
        // cell tumors as often as gastrointestinal carcinoid tumors. Longer ones ("NSCLC",
        // "PCNSL") rarely mean anything else.
        short.extend(
            titles
                .iter()
                .filter_map(|name| names::initialism(name))
                .filter(|initials| initials.len() > 3 || attested.contains(initials.as_str()))
                .map(|initials| (initials, Claim::Initials)),
        );
        let mut all: Vec<(String, Claim)> = titles
            .into_iter()
            .map(|name| (name, Claim::Title))
            .collect();
        all.extend(
            short
                .into_iter()
                .filter(|(name, _)| !ambiguous_name(name, everyday)),
        );
        proposals.push(all);
    }

    // An abbreviation one publisher defines for another subject's name ("myelodysplastic
    // syndromes (MDS)" in a page about leukemia) belongs to that subject.
    let mut title_owner: HashMap<String, Option<usize>> = HashMap::new();
    for (group, names) in proposals.iter().enumerate() {
        for (name, claim) in names {
            if *claim == Claim::Title {
                let owner = title_owner
                    .entry(normalized_key(name))
                    .or_insert(Some(group));
                if *owner != Some(group) {
                    *owner = None;
                }
            }
        }
    }
    for (_, docs) in groups {
        for pair in docs.iter().flat_map(|doc| &doc.pairs) {
            for (words, abbreviation) in names::abbreviation_definitions(&pair.answer) {
                if !in_capitals(&abbreviation)
                    && (ambiguous_name(&abbreviation, everyday)
                        || WORD_ABBREVIATIONS.contains(&abbreviation.to_ascii_lowercase().as_str()))
                {
                    continue;
                }
                // The name an abbreviation stands for is the one its letters begin
                // ("atypical chronic myelogenous leukemia (CML)" defines chronic myelogenous
                // leukemia); failing that, the longest name the words end with
                // ("myelodysplastic syndromes (MDS)").
                let owner_of = |n: usize| {
                    let key = normalized_key(&words[words.len() - n..].join(" "));
                    title_owner.get(&key).copied().flatten()
                };
                let owner = (1..=words.len())
                    .find(|&n| {
                        names::initialism_of_any_length(&words[words.len() - n..].join(" "))
                            .is_some_and(|initials| initials.eq_ignore_ascii_case(&abbreviation))
                    })
                    .and_then(owner_of)
                    .or_else(|| (1..=words.len()).rev().find_map(owner_of));
                if let Some(group) = owner {
                    proposals[group].push((abbreviation, Claim::Defined));
                }
            }
        }
    }

    let mut claims: HashMap<String, Vec<(usize, Claim)>> = HashMap::new();
    for (group, names) in proposals.iter().enumerate() {
        for (name, claim) in names {
            let entry = claims.entry(normalized_key(name)).or_default();
            match entry.iter_mut().find(|(g, _)| *g == group) {
                Some((_, best)) => *best = (*best).max(*claim),
                None => entry.push((group, *claim)),
            }
        }
    }
    let owns = |group: usize, key: &str| -> bool {
        if let Some(&owner) = group_of.get(key) {
            return owner == group;
        }
        let Some(claimants) = claims.get(key) else {
            return false;
        };
        // Claims are weighed among subjects about the same audience: the general subject,
        // the adult one and the childhood one may each keep "liver cancer", and the matcher
        // picks by the audience a message names. A general subject answers whenever no
        // audience is named, so it keeps a name only with a claim as strong as any.
        let audience = audiences[group];
        let strongest = claimants
            .iter()
            .filter(|(g, _)| audiences[*g] == audience)
            .map(|(_, claim)| *claim)
            .max();
        let strongest_of_all = claimants.iter().map(|(_, claim)| *claim).max();
        let shared = claimants.iter().any(|(g, _)| audiences[*g] != audience);
        // Initials are too weak a claim to share ("EGCT" for extragonadal and extracranial
        // germ cell tumors): a general subject leaves them to the audience's.
        if audience.is_none()
            && (strongest < strongest_of_all || (shared && strongest == Some(Claim::Initials)))
        {
            return false;
        }
        let top: Vec<usize> = claimants
            .iter()
            .filter(|(g, claim)| audiences[*g] == audience && Some(*claim) == strongest)
            .map(|(g, _)| *g)
            .collect();
        top == [group]
    };
    proposals
        .into_iter()
        .enumerate()
        .map(|(group, names)| {
            let mut names: Vec<(String, Claim)> = names
                .into_iter()
                .filter(|(name, _)| owns(group, &normalized_key(name)))
                .collect();
            // Stable: titles first, in the order written.
            names.sort_by_key(|(_, claim)| std::cmp::Reverse(*claim));
            names.into_iter().map(|(name, _)| name).collect()
        })
        .collect()
}

/// One topic file as written.
#[derive(Debug, Serialize)]
struct TopicFile {
    id: String,
    title: String,
    label: String,
    reviewer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    licence: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    audience: Option<&'static str>,
    body: String,
    matching: MatchingFile,
}

#[derive(Debug, Serialize)]
struct MatchingFile {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    terms: Vec<String>,
    questions: Vec<String>,
}

/// Words that make a focus a pamphlet's title ("What I need to know about Gas", "Am I at Risk
/// for ...?") rather than a name, or an abbreviation a chat spelling ("WTS" reads "what is"): a
/// term holding one would take the words of every question.
const NOT_IN_NAMES: &[&str] = &[
    "what", "how", "why", "who", "when", "where", "is", "are", "am", "you", "your", "my", "we",
    "can", "do", "does", "should",
];

/// A usable matching phrase: one the catalog accepts, of a sensible length.
fn usable_phrase(text: &str, max_words: usize) -> bool {
    let words = text.split_whitespace().count();
    let written: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    let questioning = written
        .iter()
        .any(|word| NOT_IN_NAMES.contains(&word.as_str()));
    // Read as the matcher reads it, chat spellings are expanded: "WTS" is "what is".
    let key = normalized_key(text);
    let only_chat = key.split(' ').all(|word| NOT_IN_NAMES.contains(&word));
    // A name with commas or a colon is still a name a member may type ("Agammaglobulinemia,
    // non-Bruton type"); brackets and sentence marks make it a description.
    let description_marks = text.contains(['(', ')', '[', ']', ';', '|', '?', '!', '"']);
    words > 0
        && !questioning
        && !only_chat
        && !description_marks
        && words <= max_words
        && !text.contains('{')
        && !text.contains('}')
        && check_term(text).is_ok()
        && !key.is_empty()
}

fn build_topics(
    documents: &[Document],
    in_capitals: &dyn Fn(&str) -> bool,
    everyday_names: &[EverydayName],
    summary: &mut Summary,
) -> Vec<TopicFile> {
    // Documents about the same focus (GARD and GHR often both have one) share one subject.
    let mut groups: Vec<(String, Vec<&Document>)> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    for doc in documents {
        if doc.focus.is_empty() {
            summary.skipped.push(Skip {
                file: doc.file.clone(),
                line: None,
                reason: "no <Focus>: the subject is unknown".to_string(),
            });
            continue;
        }
        if reviewer_of(&doc.source).is_none() {
            summary.skipped.push(Skip {
                file: doc.file.clone(),
                line: None,
                reason: format!(
                    "unknown source `{}`: no reviewing body is known for it",
                    doc.source
                ),
            });
            continue;
        }
        let key = normalized_key(&doc.focus);
        if key.is_empty() {
            summary.skipped.push(Skip {
                file: doc.file.clone(),
                line: None,
                reason: format!("focus \"{}\" has no words", doc.focus),
            });
            continue;
        }
        let index = *group_of.entry(key.clone()).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[index].1.push(doc);
    }

    // Short synonyms and abbreviations are often everyday words too ("IS", "ADD", "CAR", "COLD"),
    // and the matcher reads most names whatever their case, so one that the reviewed texts
    // themselves use as a lowercase word is left out. Read from the corpus, so no word list is
    // needed.
    let attested: HashSet<&str> = documents
        .iter()
        .flat_map(|doc| &doc.pairs)
        .flat_map(|pair| pair.answer.split(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|word| {
            (2..=8).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_uppercase())
        })
        .collect();
    let everyday: HashSet<&str> = documents
        .iter()
        .flat_map(|doc| &doc.pairs)
        .flat_map(|pair| pair.answer.split(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|word| {
            !word.is_empty()
                && word.len() <= SHORT_TERM
                && word.bytes().all(|b| b.is_ascii_lowercase())
        })
        .collect();
    // Every focus names its own subject. Other names (variants of the title, synonyms,
    // abbreviations, initialisms) go to a subject only when no other subject could claim them:
    // "Oral Cavity Cancer" derived from two titles names neither.
    let audiences: Vec<Option<&'static str>> = groups
        .iter()
        .map(|(_, docs)| names::audience(&docs[0].focus).map(|(audience, _)| audience))
        .collect();
    // Every word the texts write in lower case: an ordinary word, not a proper name.
    let lowercase: HashSet<&str> = documents
        .iter()
        .flat_map(|doc| &doc.pairs)
        .flat_map(|pair| pair.answer.split(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase()))
        .collect();
    let mut proposed = propose_names(
        &groups,
        &group_of,
        &audiences,
        &Words {
            attested: &attested,
            everyday: &everyday,
            lowercase: &lowercase,
            in_capitals,
            everyday_names,
        },
    );
    let mut topics = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut seen_qids: HashSet<String> = HashSet::new();
    let mut seen_questions: HashMap<String, (usize, &'static str)> = HashMap::new();
    for (group_index, (_, docs)) in groups.iter().enumerate() {
        let mut terms = Vec::new();
        let mut term_keys: HashSet<String> = HashSet::new();
        for candidate in std::mem::take(&mut proposed[group_index]) {
            if terms.len() >= MAX_TERMS || !usable_phrase(&candidate, MAX_TERM_WORDS) {
                continue;
            }
            let key = normalized_key(&candidate);
            if !term_keys.insert(key) {
                continue;
            }
            terms.push(candidate);
        }

        if terms.is_empty() {
            // A focus that is a pamphlet's title ("What I need to know about ...") names nothing
            // a member would type, and no synonym does either: nothing could find these answers.
            let pairs = docs.iter().flat_map(|doc| &doc.pairs);
            let answered = pairs.clone().filter(|pair| !pair.answer.is_empty()).count();
            summary.empty_answers += pairs.filter(|pair| pair.answer.is_empty()).count();
            summary.skipped.push(Skip {
                file: docs[0].file.clone(),
                line: None,
                reason: format!(
                    "focus \"{}\" is not usable as a name (at most {MAX_TERM_WORDS} words) and has no usable synonym: {answered} answer(s) left out",
                    docs[0].focus
                ),
            });
            summary.unnamed_answers += answered;
            continue;
        }
        let mut subject_id: Option<String> = None;
        for doc in docs {
            let Some(reviewer) = reviewer_of(&doc.source) else {
                continue;
            };
            for pair in &doc.pairs {
                if pair.answer.is_empty() {
                    summary.empty_answers += 1;
                    continue;
                }
                let skip = |reason: String| Skip {
                    file: doc.file.clone(),
                    line: Some(pair.line),
                    reason,
                };
                let Some(kind) = kind_of(&pair.qtype) else {
                    summary.skipped.push(skip(format!(
                        "unknown question type `{}` (qid {})",
                        pair.qtype, pair.qid
                    )));
                    continue;
                };
                let question = tidy_question(&pair.question);
                if check_question(&question).is_err() {
                    summary
                        .skipped
                        .push(skip(format!("question {} has no usable words", pair.qid)));
                    continue;
                }
                // The same question about the same subject and kind, from another publisher (or
                // another page of the same one), is an equivalent answer and is kept; the same
                // question about another subject would be ambiguous and is left out.
                match seen_questions.get(&normalized_key(&question)) {
                    Some(&(group, seen_kind)) if group == group_index && seen_kind == kind => {
                        summary.equivalent_answers += 1;
                    }
                    Some(_) => {
                        summary.duplicate_questions += 1;
                        continue;
                    }
                    None => {
                        seen_questions.insert(normalized_key(&question), (group_index, kind));
                    }
                }
                let Some(id) = topic_id(&pair.qid, &doc.source, &mut used_ids) else {
                    summary.skipped.push(skip(format!(
                        "question id `{}` cannot be made a topic id",
                        pair.qid
                    )));
                    continue;
                };
                if !seen_qids.insert(pair.qid.to_ascii_lowercase()) {
                    summary.collisions.push(Collision {
                        qid: pair.qid.clone(),
                        file: doc.file.clone(),
                        line: pair.line,
                        id: id.clone(),
                    });
                }
                *summary.kinds.entry(kind).or_default() += 1;
                summary.answers += 1;
                let owns_subject = subject_id.is_none();
                let label = if owns_subject {
                    shorten(&docs[0].focus, MAX_LABEL)
                } else {
                    shorten(&question, MAX_LABEL)
                };
                topics.push(TopicFile {
                    id: id.clone(),
                    title: shorten(&question, MAX_TITLE),
                    label,
                    reviewer: reviewer.to_string(),
                    source: (!doc.url.trim().is_empty()).then(|| doc.url.trim().to_string()),
                    licence: ATTRIBUTION.to_string(),
                    subject: subject_id.clone(),
                    kind: Some(kind.to_string()),
                    audience: audiences[group_index].filter(|_| owns_subject),
                    body: pair.answer.clone(),
                    matching: MatchingFile {
                        terms: if owns_subject {
                            std::mem::take(&mut terms)
                        } else {
                            Vec::new()
                        },
                        questions: vec![question],
                    },
                });
                if owns_subject {
                    subject_id = Some(id);
                    summary.subjects += 1;
                }
            }
        }
    }
    topics
}

/// `medquad-<qid>`, lowercased and made a valid topic id. Collections number their documents
/// independently, so a qid seen before gets its collection's name (`-gard`), which keeps the id
/// the same whatever else is imported; a qid repeated within one collection then gets `-r2`, `-r3`.
fn topic_id(qid: &str, source: &str, used: &mut HashSet<String>) -> Option<String> {
    let slug: String = qid
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug = slug
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let base = format!("medquad-{slug}");
    if slug.is_empty() || base.len() + 4 > MAX_TOPIC_ID_LEN {
        return None;
    }
    let mut id = base.clone();
    let source: String = source
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let with_source = format!("{base}-{source}");
    if used.contains(&id) && !source.is_empty() && with_source.len() + 4 <= MAX_TOPIC_ID_LEN {
        id = with_source.clone();
    }
    let stem = id.clone();
    let mut repeat = 1;
    while used.contains(&id) {
        repeat += 1;
        id = format!("{stem}-r{repeat}");
    }
    if !is_valid_topic_id(&id) {
        return None;
    }
    used.insert(id.clone());
    Some(id)
}

/// Writes the folder next to `out` under a temporary name, then renames it into place, so that
/// `out` is either absent or complete.
fn write_folder(out: &Path, topics: &[TopicFile], support: &Support) -> Result<(), ImportError> {
    let parent = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "responses".to_string());
    let staging = parent.join(format!(".{name}.importing-{}", std::process::id()));
    let result = write_staging(&staging, topics, support).and_then(|()| {
        if out.is_dir() {
            // Known to be empty: checked before anything was read.
            fs::remove_dir(out).map_err(|source| ImportError::Write {
                path: out.display().to_string(),
                source,
            })?;
        }
        fs::rename(&staging, out).map_err(|source| ImportError::Write {
            path: out.display().to_string(),
            source,
        })
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_staging(dir: &Path, topics: &[TopicFile], support: &Support) -> Result<(), ImportError> {
    let write = |path: PathBuf, text: &str| {
        fs::write(&path, text).map_err(|source| ImportError::Write {
            path: path.display().to_string(),
            source,
        })
    };
    let topics_dir = dir.join("topics");
    fs::create_dir_all(&topics_dir).map_err(|source| ImportError::Write {
        path: topics_dir.display().to_string(),
        source,
    })?;
    write(dir.join("catalog.toml"), support.catalog_toml)?;
    write(dir.join("language.toml"), support.language_toml)?;
    for topic in topics {
        let text = toml::to_string(topic).map_err(|err| ImportError::Write {
            path: topics_dir.join(&topic.id).display().to_string(),
            source: std::io::Error::other(err),
        })?;
        let header = "# Imported from MedQuAD (CC BY 4.0). The body is the publisher's reviewed text, verbatim.\n";
        write(
            topics_dir.join(format!("{}.toml", topic.id)),
            &format!("{header}{text}"),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidies_whitespace_only() {
        let raw = "Key Points\n      - One.    - Two.\n\n\n   Next   para.\n";
        let tidy = tidy_body(raw);
        assert_eq!(tidy, "Key Points\n- One. - Two.\n\nNext para.");
        assert_eq!(
            raw.split_whitespace().collect::<Vec<_>>(),
            tidy.split_whitespace().collect::<Vec<_>>()
        );
    }

    #[test]
    fn finds_defined_abbreviations_but_not_words() {
        let text = "Chronic lymphocytic leukemia (CLL) is ... Adult acute lymphoblastic leukemia (ALL; also ...)";
        assert_eq!(
            defined_abbreviations("Chronic Lymphocytic Leukemia", text),
            vec!["CLL".to_string()]
        );
        assert!(defined_abbreviations("Adult Acute Lymphoblastic Leukemia", text).is_empty());
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let mut used = HashSet::new();
        assert_eq!(
            topic_id("0000001_1-1", "CancerGov", &mut used).as_deref(),
            Some("medquad-0000001-1-1")
        );
        assert_eq!(
            topic_id("0000001_1-1", "GARD", &mut used).as_deref(),
            Some("medquad-0000001-1-1-gard")
        );
        assert_eq!(
            topic_id("0000001_1-1", "GARD", &mut used).as_deref(),
            Some("medquad-0000001-1-1-gard-r2")
        );
        assert_eq!(topic_id("___", "GARD", &mut used), None);
    }

    #[test]
    fn maps_every_answered_qtype() {
        for qtype in [
            "information",
            "exams and tests",
            "susceptibility",
            "considerations",
            "support groups",
        ] {
            assert!(kind_of(qtype).is_some(), "{qtype}");
        }
        assert_eq!(kind_of("exams and tests"), Some("diagnosis"));
        assert_eq!(kind_of("when to contact a medical professional"), None);
    }
}
