//! The catalog of reviewed responses: the only source of medical text the bot ever shows.
//!
//! Loading happens in two stages: `raw` parses each TOML file into serde structs that remember
//! where every value came from, then `validate` checks the whole set and builds a [`Catalog`].
//! Every problem in every file is reported (`FILE:LINE: message`), and a catalog with any error is
//! refused whole, so a live bot never serves half of a broken edit.
//!
//! A built catalog is immutable. Reloading builds a new one and swaps it in (see [`CatalogHandle`]).

mod embedded;
mod language;
mod problem;
mod raw;
mod source;
mod validate;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;

use crate::matching::{AnswerSpec, Language, Matcher, SubjectIndex, SubjectSpec, TopicIndex};
use crate::safety::SafetyData;

pub(crate) use problem::line_of;
pub use problem::{plural, LoadError, Problem, Severity};
pub use source::{ResponseSource, LANGUAGE_FILE, MAX_FILE_BYTES};
pub use validate::{is_valid_topic_id, ContentLimits};

/// The language of a `language.toml` text, or `None` when the file has an error (a tool that
/// only reads the language, like the importer, does without it).
pub(crate) fn parse_language(text: &str) -> Option<Language> {
    let file = source::SourceFile {
        display: LANGUAGE_FILE.to_string(),
        relative: LANGUAGE_FILE.to_string(),
        text: text.to_string(),
    };
    language::check_language_file(Some(&file), &mut Vec::new())
}

/// The text of one file of the built-in responses (`catalog.toml`, `language.toml`, ...), for
/// tools that write a new responses folder with the same settings and language.
pub fn built_in_file(relative: &str) -> Option<&'static str> {
    embedded::FILES
        .iter()
        .find(|(name, _)| *name == relative)
        .map(|(_, text)| *text)
}

/// A topic id such as `car-t`: lowercase ASCII letters, digits and single dashes.
pub type TopicId = String;

/// Longest topic id accepted; keeps button ids well inside every platform's limit.
pub const MAX_TOPIC_ID_LEN: usize = 40;

/// One reviewed answer and what the bot needs to find and present it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub id: TopicId,
    /// Other ids that resolve to this topic (old button ids, alternative slugs).
    pub id_aliases: Vec<String>,
    /// The reviewed question or heading shown above the answer.
    pub title: String,
    /// Short text for buttons and command choices that lead to this topic.
    pub label: String,
    /// The reviewed answer, shown verbatim.
    pub body: String,
    /// Who reviewed the body.
    pub reviewer: String,
    /// When it was reviewed, as written in the file (optional).
    pub reviewed_on: Option<String>,
    /// Where the reviewed text was published, when it comes from a published corpus.
    pub source: Option<String>,
    /// The licence (and the attribution it requires) the text is shared under, if any.
    pub licence: Option<String>,
    /// The topic whose reviewed body this one is an excerpt of, if any.
    pub excerpt_of: Option<TopicId>,
    /// The kind of question the body answers, as declared in the language file; empty for the
    /// plain request's kind ("what is it").
    pub kind: String,
    /// The topic whose subject this one answers about (its terms find this answer too); `None`
    /// when the topic names its own subject with `terms`.
    pub subject: Option<TopicId>,
    /// Topics offered as buttons under the answer, in order.
    pub follow_ups: Vec<TopicId>,
    /// Names and spellings that identify the topic in a message.
    pub terms: Vec<String>,
    /// Known phrasings of the question this topic answers.
    pub questions: Vec<String>,
    /// Words that show the subject's name means something else ("venom", "gammopathy").
    pub other_senses: Vec<String>,
    /// Who the subject is about (an audience of the language file), for subjects that share a
    /// name with subjects about others: "children" for childhood leukemia.
    pub audience: Option<String>,
    /// The file the topic came from, relative to the responses folder.
    pub file: String,
    /// The body's pages as consecutive byte ranges (one page when it fits one reply); joined,
    /// they are the body exactly.
    pub pages: Vec<std::ops::Range<usize>>,
}

impl Topic {
    /// How many pages the answer is shown in.
    pub fn page_count(&self) -> usize {
        self.pages.len().max(1)
    }

    /// Page `number` (1-based, clamped to the pages there are) of the body.
    pub fn page(&self, number: usize) -> &str {
        let index = number.clamp(1, self.page_count()) - 1;
        self.pages
            .get(index)
            .and_then(|range| self.body.get(range.clone()))
            .unwrap_or(&self.body)
    }
}

/// A message-to-topic example that the catalog promises to route correctly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub message: String,
    /// `None` means the bot must stay silent.
    pub expected: Option<TopicId>,
    pub file: String,
    pub line: usize,
}

/// A complete, validated set of reviewed responses plus the index used to match messages.
#[derive(Debug)]
pub struct Catalog {
    topics: Vec<Topic>,
    by_id: HashMap<String, TopicIndex>,
    disclaimer: String,
    examples: Vec<Example>,
    matcher: Matcher,
    warnings: Vec<Problem>,
    /// The safety router and notices, validated and swapped together with the topics.
    safety: SafetyData,
}

impl Catalog {
    /// Loads and validates every response file of `source`.
    pub fn load(source: &ResponseSource, limits: &ContentLimits) -> Result<Catalog, LoadError> {
        let (files, warnings) = source.read_files()?;
        validate::build(files, warnings, limits)
    }

    /// Validates response files given as `(path relative to the responses folder, text)`, through
    /// the same pipeline as [`Catalog::load`] minus the disk: no size cap and no UTF-8 check,
    /// since the text is already a `&str`. For fuzzing and property tests, which would otherwise
    /// write a temporary folder per input; the bot itself always loads from a
    /// [`ResponseSource`].
    #[doc(hidden)]
    pub fn load_from_memory(
        files: &[(&str, &str)],
        limits: &ContentLimits,
    ) -> Result<Catalog, LoadError> {
        let files = files
            .iter()
            .map(|(relative, text)| source::SourceFile {
                display: (*relative).to_string(),
                relative: (*relative).to_string(),
                text: (*text).to_string(),
            })
            .collect();
        validate::build(files, Vec::new(), limits)
    }

    pub(crate) fn from_parts(
        topics: Vec<Topic>,
        disclaimer: String,
        examples: Vec<Example>,
        warnings: Vec<Problem>,
        language: Language,
        safety: SafetyData,
    ) -> Catalog {
        let mut by_id = HashMap::new();
        for (index, topic) in topics.iter().enumerate() {
            by_id.insert(topic.id.clone(), TopicIndex::new(index));
            for alias in &topic.id_aliases {
                by_id.insert(alias.clone(), TopicIndex::new(index));
            }
        }
        let matcher = build_matcher(&topics, &by_id, language);
        Catalog {
            topics,
            by_id,
            disclaimer,
            examples,
            matcher,
            warnings,
            safety,
        }
    }

    /// The safety router and the moderators' notices.
    pub fn safety(&self) -> &SafetyData {
        &self.safety
    }

    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

    pub fn topic(&self, index: TopicIndex) -> &Topic {
        &self.topics[index.get()]
    }

    /// Finds a topic by id or id alias.
    pub fn find(&self, id: &str) -> Option<&Topic> {
        self.index_of(id).map(|index| self.topic(index))
    }

    pub fn index_of(&self, id: &str) -> Option<TopicIndex> {
        self.by_id.get(id).copied()
    }

    /// The disclaimer shown with every answer.
    pub fn disclaimer(&self) -> &str {
        &self.disclaimer
    }

    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    pub fn examples(&self) -> &[Example] {
        &self.examples
    }

    /// Problems that did not stop the catalog from loading.
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// Total number of known questions over all topics.
    pub fn question_count(&self) -> usize {
        self.topics.iter().map(|topic| topic.questions.len()).sum()
    }
}

/// The matcher's view of the topics: each topic without a `subject` names a subject by its
/// terms; each topic is one answer, of its kind, about its own subject or the one it names.
fn build_matcher(
    topics: &[Topic],
    by_id: &HashMap<String, TopicIndex>,
    language: Language,
) -> Matcher {
    let mut subject_of_topic: Vec<Option<SubjectIndex>> = vec![None; topics.len()];
    let mut owners = Vec::new();
    for (index, topic) in topics.iter().enumerate() {
        if topic.subject.is_none() {
            subject_of_topic[index] = Some(SubjectIndex::new(owners.len()));
            owners.push(index);
        }
    }
    let subject_named = |id: &str| {
        by_id
            .get(id)
            .and_then(|&index| subject_of_topic[index.get()])
    };
    let subjects: Vec<SubjectSpec> = owners
        .iter()
        .map(|&index| {
            let topic = &topics[index];
            SubjectSpec {
                terms: &topic.terms,
                other_senses: &topic.other_senses,
                parent: topic.excerpt_of.as_deref().and_then(subject_named),
                audience: topic
                    .audience
                    .as_deref()
                    .and_then(|id| language.audience(id)),
            }
        })
        .collect();
    let definition = language.definition();
    let answers: Vec<AnswerSpec> = topics
        .iter()
        .enumerate()
        .filter_map(|(index, topic)| {
            let subject = match &topic.subject {
                Some(id) => subject_named(id)?,
                None => subject_of_topic[index]?,
            };
            Some(AnswerSpec {
                subject,
                kind: language.kind(&topic.kind).unwrap_or(definition),
                questions: &topic.questions,
            })
        })
        .collect();
    Matcher::build(&subjects, &answers, language)
}

/// The live catalog, shared by every handler. Readers take a snapshot with [`CatalogHandle::current`]
/// and build their whole reply from it, so a reply is never a mix of two catalogs.
#[derive(Debug, Clone)]
pub struct CatalogHandle {
    inner: Arc<ArcSwap<Catalog>>,
    /// Held for a whole reload, so that two reloads at once (a command and SIGHUP, say) cannot
    /// swap in an older read after a newer one, and each summary compares against the catalog
    /// it actually replaced.
    reloading: Arc<Mutex<()>>,
}

impl CatalogHandle {
    pub fn new(catalog: Catalog) -> CatalogHandle {
        CatalogHandle {
            inner: Arc::new(ArcSwap::from_pointee(catalog)),
            reloading: Arc::new(Mutex::new(())),
        }
    }

    pub fn current(&self) -> Arc<Catalog> {
        self.inner.load_full()
    }

    /// Replaces the live catalog; returns the one it replaced.
    pub fn replace(&self, catalog: Catalog) -> Arc<Catalog> {
        self.inner.swap(Arc::new(catalog))
    }
}

/// What a reload changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReloadSummary {
    pub topics: usize,
    pub questions: usize,
    pub added: Vec<TopicId>,
    pub removed: Vec<TopicId>,
    pub edited: Vec<TopicId>,
    /// The disclaimer shown with every answer is not a topic, but changing it changes them all.
    pub disclaimer_changed: bool,
    /// The safety notices or the safety router's language changed.
    pub safety_changed: bool,
    /// Problems of the new catalog that did not stop it from loading.
    pub warnings: Vec<Problem>,
}

impl ReloadSummary {
    /// Whether the new catalog differs from the old one in anything a member can see.
    pub fn changed_anything(&self) -> bool {
        !(self.added.is_empty()
            && self.removed.is_empty()
            && self.edited.is_empty()
            && !self.disclaimer_changed
            && !self.safety_changed)
    }
}

impl std::fmt::Display for ReloadSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} topics, {} questions", self.topics, self.questions)?;
        for (name, ids) in [
            ("added", &self.added),
            ("removed", &self.removed),
            ("edited", &self.edited),
        ] {
            if !ids.is_empty() {
                write!(f, "; {name}: {}", ids.join(", "))?;
            }
        }
        if self.disclaimer_changed {
            write!(f, "; disclaimer changed")?;
        }
        if self.safety_changed {
            write!(f, "; safety notices or language changed")?;
        }
        if !self.changed_anything() {
            write!(f, "; nothing changed")?;
        }
        if !self.warnings.is_empty() {
            write!(f, "; {} warning(s)", self.warnings.len())?;
        }
        Ok(())
    }
}

impl CatalogHandle {
    /// Builds a new catalog from `source` and, only if it is valid, swaps it in. On error the
    /// live catalog is untouched. Reads files: call it off the async runtime's worker threads.
    pub fn reload(
        &self,
        source: &ResponseSource,
        limits: &ContentLimits,
    ) -> Result<ReloadSummary, LoadError> {
        // A panic in another reload leaves nothing half-done behind this lock (the swap is the
        // last step), so its poison carries no meaning.
        let _one_at_a_time = self.reloading.lock().unwrap_or_else(|e| e.into_inner());
        let fresh = Catalog::load(source, limits)?;
        let old = self.current();
        let summary = ReloadSummary {
            topics: fresh.topics().len(),
            questions: fresh.question_count(),
            added: fresh
                .topics()
                .iter()
                .filter(|t| old.find(&t.id).is_none_or(|o| o.id != t.id))
                .map(|t| t.id.clone())
                .collect(),
            removed: old
                .topics()
                .iter()
                .filter(|t| fresh.find(&t.id).is_none_or(|n| n.id != t.id))
                .map(|t| t.id.clone())
                .collect(),
            edited: fresh
                .topics()
                .iter()
                .filter(|t| old.find(&t.id).is_some_and(|o| o.id == t.id && *o != **t))
                .map(|t| t.id.clone())
                .collect(),
            disclaimer_changed: fresh.disclaimer() != old.disclaimer(),
            safety_changed: !fresh.safety().same_files_as(old.safety()),
            warnings: fresh.warnings().to_vec(),
        };
        self.replace(fresh);
        Ok(summary)
    }
}

/// How the known questions route: to their own answer, to an equivalent answer (the same
/// question, kind and subject in another topic), or elsewhere.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoutingRate {
    pub questions: usize,
    pub own: usize,
    pub equivalent: usize,
}

impl RoutingRate {
    /// The share of known questions answered by their own or an equivalent answer.
    pub fn rate(&self) -> f64 {
        if self.questions == 0 {
            1.0
        } else {
            (self.own + self.equivalent) as f64 / self.questions as f64
        }
    }
}

impl std::fmt::Display for RoutingRate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} known questions route to their answer ({} to an equivalent duplicate): {:.2}%",
            self.own + self.equivalent,
            self.questions,
            self.equivalent,
            self.rate() * 100.0
        )
    }
}

/// Runs the catalog's own promises through its matcher: every known question must route to its
/// topic (or an equivalent one that lists the same question), and every example as labelled.
/// Returns one problem per broken promise.
pub fn check_examples(catalog: &Catalog) -> Vec<Problem> {
    check_routing(catalog).0
}

/// [`check_examples`], with the routing rate of the known questions.
pub fn check_routing(catalog: &Catalog) -> (Vec<Problem>, RoutingRate) {
    use crate::matching::Addressing;
    let route = |message: &str| {
        catalog
            .matcher()
            .assess(message, Addressing::Passive)
            .answer()
            .map(|index| catalog.topic(index).id.as_str())
    };
    let mut problems = Vec::new();
    let mut rate = RoutingRate::default();
    for topic in catalog.topics() {
        for question in &topic.questions {
            rate.questions += 1;
            let got = route(question);
            if got == Some(topic.id.as_str()) {
                rate.own += 1;
                continue;
            }
            let key = crate::matching::normalize::normalized_key(question);
            let equivalent = got.and_then(|id| catalog.find(id)).is_some_and(|other| {
                validate::equivalent(other, topic)
                    && other
                        .questions
                        .iter()
                        .any(|q| crate::matching::normalize::normalized_key(q) == key)
            });
            if equivalent {
                rate.equivalent += 1;
            } else {
                problems.push(Problem::error(
                    format!("topics/{}", topic.file.trim_start_matches("topics/")),
                    None,
                    format!(
                        "known question \"{question}\" routes to {} instead of `{}`",
                        got.unwrap_or("silence"),
                        topic.id
                    ),
                ));
            }
        }
    }
    for example in catalog.examples() {
        let expected = example
            .expected
            .as_deref()
            .and_then(|id| catalog.find(id))
            .map(|topic| topic.id.as_str());
        let got = route(&example.message);
        if got != expected {
            problems.push(Problem::error(
                &example.file,
                Some(example.line),
                format!(
                    "example \"{}\" expected {} but got {}",
                    example.message,
                    expected.unwrap_or("none"),
                    got.unwrap_or("none")
                ),
            ));
        }
    }
    (problems, rate)
}
