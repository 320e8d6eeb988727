//! Stage one of loading: TOML text -> serde structs that remember where each value stood.
//!
//! Nothing here judges content; [`super::validate`] does. Unknown keys are refused so that a typo
//! (`titel = ...`) can never silently drop reviewed text.

use serde::Deserialize;
use toml::Spanned;

use super::problem::Problem;
use super::source::SourceFile;

/// `responses/catalog.toml`: settings shared by every topic.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCatalog {
    pub disclaimer: Option<Spanned<String>>,
}

/// `responses/topics/<id>.toml`: one reviewed topic.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTopic {
    pub id: Option<Spanned<String>>,
    #[serde(default)]
    pub id_aliases: Vec<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub label: Option<Spanned<String>>,
    pub reviewer: Option<Spanned<String>>,
    pub reviewed_on: Option<Spanned<String>>,
    /// Where the reviewed text was published (an address), shown with the provenance.
    pub source: Option<Spanned<String>>,
    /// The licence terms the text is shared under, shown with the provenance.
    pub licence: Option<Spanned<String>>,
    pub excerpt_of: Option<Spanned<String>>,
    /// The kind of question the body answers (`definition` when absent).
    pub kind: Option<Spanned<String>>,
    /// Another topic whose subject this one answers about (its terms are that topic's).
    pub subject: Option<Spanned<String>>,
    /// Who the subject is about, when it shares names with subjects about others.
    pub audience: Option<Spanned<String>>,
    #[serde(default)]
    pub follow_ups: Vec<Spanned<String>>,
    pub body: Option<Spanned<String>>,
    pub matching: Option<Spanned<RawMatching>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMatching {
    #[serde(default)]
    pub terms: Vec<Spanned<String>>,
    #[serde(default)]
    pub questions: Vec<Spanned<String>>,
    #[serde(default)]
    pub other_senses: Vec<Spanned<String>>,
}

/// `responses/language.toml`: how members ask, in one language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLanguage {
    pub request: RawRequest,
    pub context: RawContext,
    pub report: RawReport,
    #[serde(default)]
    pub kinds: Vec<Spanned<RawKind>>,
    #[serde(default)]
    pub audiences: Vec<Spanned<RawAudience>>,
    #[serde(default)]
    pub everyday_names: Vec<Spanned<RawEverydayName>>,
}

/// A publisher's word for a part of the body and the words members use for it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEverydayName {
    pub formal: Spanned<String>,
    pub everyday: Phrases,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAudience {
    pub id: Spanned<String>,
    /// The youngest and oldest age, in years, that belong to the audience.
    pub ages: Spanned<[u32; 2]>,
    #[serde(default)]
    pub cues: Phrases,
}

type Phrases = Vec<Spanned<String>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRequest {
    pub kind: Spanned<String>,
    #[serde(default)]
    pub what: Phrases,
    #[serde(default)]
    pub after_what: Phrases,
    #[serde(default)]
    pub after_what_name: Phrases,
    #[serde(default)]
    pub how: Phrases,
    #[serde(default)]
    pub how_mechanism: Phrases,
    #[serde(default)]
    pub how_personal: Phrases,
    #[serde(default)]
    pub relation: Phrases,
    #[serde(default)]
    pub frame: Phrases,
    #[serde(default)]
    pub generic_heads: Phrases,
    #[serde(default)]
    pub phrases: Phrases,
    #[serde(default)]
    pub nouns: Phrases,
    #[serde(default)]
    pub question_starts: Phrases,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawContext {
    #[serde(default)]
    pub filler: Phrases,
    #[serde(default)]
    pub pronouns: Phrases,
    #[serde(default)]
    pub possessives: Phrases,
    #[serde(default)]
    pub neutral: Phrases,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReport {
    #[serde(default)]
    pub phrases: Phrases,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawKind {
    pub id: Spanned<String>,
    #[serde(default)]
    pub framing: bool,
    #[serde(default)]
    pub cues: Phrases,
    #[serde(default)]
    pub answered_by: Vec<Spanned<String>>,
}

/// Parses one file, turning a TOML or shape error into a located problem in plain words.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(file: &SourceFile) -> Result<T, Problem> {
    toml::from_str(&file.text).map_err(|err| {
        let (line, message) = crate::toml_words::describe(&err, &file.text);
        Problem::error(&file.display, line, message)
    })
}
