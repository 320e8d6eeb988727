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
    pub excerpt_of: Option<Spanned<String>>,
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
}

/// Parses one file, turning a TOML or shape error into a located problem in plain words.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(file: &SourceFile) -> Result<T, Problem> {
    toml::from_str(&file.text).map_err(|err| {
        let (line, message) = crate::toml_words::describe(&err, &file.text);
        Problem::error(&file.display, line, message)
    })
}
