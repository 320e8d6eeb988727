//! The platform-neutral reply: what the bot says, before any adapter decides how to draw it.
//!
//! Every reply that shows reviewed text carries its provenance and the catalog's disclaimer;
//! [`Reply::answer`] is the only way to build one, so no adapter can forget them.

use crate::action::Action;
use crate::catalog::{Catalog, Topic};
use crate::matching::TopicIndex;
use crate::safety::{Notice, Safety};

/// Who sees a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Everyone in the channel.
    Public,
    /// Only the member who asked (an ephemeral message on Discord).
    Private,
}

/// What kind of reply it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyKind {
    /// A reviewed answer for the topic with this id.
    Answer { topic: String },
    /// "Did you mean ...?": buttons to close candidates, no medical text.
    Suggestions,
    /// The bot has no reviewed answer for what was asked.
    NoAnswer,
    /// A short notice (a stale button, a refusal); no medical text.
    Notice,
    /// The moderators' crisis or advice notice, verbatim: never a topic, never topic buttons.
    Safety(Safety),
}

/// A button under a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub kind: ReplyKind,
    pub title: Option<String>,
    /// Reviewed text (for answers) or the bot's own fixed words.
    pub body: String,
    /// "Medically reviewed by ...", present on every answer.
    pub provenance: Option<String>,
    pub disclaimer: Option<String>,
    pub buttons: Vec<Button>,
    pub visibility: Visibility,
    /// Which page of a long answer the body is; `None` when the answer is one page.
    pub page: Option<Page>,
}

/// Where a page stands in a long answer: `number` of `of`, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: usize,
    pub of: usize,
}

impl std::fmt::Display for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Page {} of {}", self.number, self.of)
    }
}

/// The most characters "Page N of M" and its separator take (up to 99 pages).
pub const PAGE_WORDING_LEN: usize = "Page 99 of 99\n".len();

/// The bot's own words. Fixed and kind; never medical.
pub mod words {
    pub const NO_ANSWER: &str =
        "I don't have a medically reviewed answer for that. These are the questions I can answer:";
    pub const SUGGEST: &str = "I'm not sure which of these you mean. Did you mean:";
    /// [`SUGGEST`] when there is only one thing to suggest.
    pub const SUGGEST_ONE: &str = "I'm not sure that's what you're asking. Did you mean this?";
    pub const STALE_BUTTON: &str =
        "That button no longer leads to a reviewed answer. Please ask again or use /therapy.";
    pub const UNKNOWN_COMMAND: &str =
        "I don't know that command any more. Please use /therapy or /ask.";
    pub const PREVIOUS_PAGE: &str = "◀ Previous";
    pub const NEXT_PAGE: &str = "Next ▶";
    pub const UNKNOWN_THERAPY: &str =
        "I don't have a reviewed answer for that therapy. These are the ones I can answer:";
    /// The button under a crisis notice that alerts the moderators.
    pub const TALK_TO_MODERATOR: &str = "Talk to a moderator";
    pub const MODERATORS_ALERTED: &str =
        "I've let the moderators know. If you are in danger, please call your local emergency number now.";
    pub const NO_MODERATOR_CHANNEL: &str =
        "I can't reach the moderators from here. Please message a moderator directly, and if you are in danger, call your local emergency number now.";
    /// The button that removes a reply.
    pub const DISMISS: &str = "Dismiss";
}

/// The words that introduce who reviewed an answer.
const REVIEWED_BY: &str = "Medically reviewed by ";

/// The words that introduce where a published answer comes from.
const SOURCE: &str = "\nSource: ";
/// Between the source and its licence.
const LICENCE_SEPARATOR: &str = "\n";

/// Characters the provenance wording adds around the reviewer, date, source and licence: the
/// catalog's limits check uses it, so that every provenance line fits where the adapter shows it.
pub const PROVENANCE_WORDING_LEN: usize =
    REVIEWED_BY.len() + " ()".len() + SOURCE.len() + LICENCE_SEPARATOR.len();

/// The provenance shown with every answer: who reviewed it, when if known, and for text taken
/// from a published corpus, where it was published and the licence's attribution.
pub fn provenance(topic: &Topic) -> String {
    let mut line = match &topic.reviewed_on {
        Some(date) => format!("{REVIEWED_BY}{} ({date})", topic.reviewer),
        None => format!("{REVIEWED_BY}{}", topic.reviewer),
    };
    if let Some(source) = &topic.source {
        line.push_str(SOURCE);
        line.push_str(source);
    }
    if let Some(licence) = &topic.licence {
        line.push_str(LICENCE_SEPARATOR);
        line.push_str(licence);
    }
    line
}

impl Reply {
    /// The reviewed answer of `topic`, with provenance, disclaimer and follow-up buttons; a long
    /// answer starts at its first page.
    pub fn answer(catalog: &Catalog, topic: &Topic) -> Reply {
        Reply::answer_page(catalog, topic, 1)
    }

    /// Page `number` of the reviewed answer of `topic` (clamped to the pages there are): the same
    /// title, provenance, disclaimer and follow-ups on every page, with Previous and Next.
    pub fn answer_page(catalog: &Catalog, topic: &Topic, number: usize) -> Reply {
        let of = topic.page_count();
        let number = number.clamp(1, of);
        let mut buttons = Vec::new();
        if number > 1 {
            buttons.push(Button {
                label: words::PREVIOUS_PAGE.to_string(),
                action: Action::ShowPage(topic.id.clone(), number - 1),
            });
        }
        if number < of {
            buttons.push(Button {
                label: words::NEXT_PAGE.to_string(),
                action: Action::ShowPage(topic.id.clone(), number + 1),
            });
        }
        buttons.extend(
            topic
                .follow_ups
                .iter()
                .filter_map(|id| catalog.find(id))
                .map(topic_button),
        );
        // An excerpt always leads back to the whole answer it was taken from.
        if let Some(source) = topic.excerpt_of.as_deref().and_then(|id| catalog.find(id)) {
            if !buttons
                .iter()
                .any(|b| b.action == Action::ShowTopic(source.id.clone()))
            {
                buttons.push(topic_button(source));
            }
        }
        Reply {
            kind: ReplyKind::Answer {
                topic: topic.id.clone(),
            },
            title: Some(topic.title.clone()),
            body: topic.page(number).to_string(),
            provenance: Some(provenance(topic)),
            disclaimer: Some(catalog.disclaimer().to_string()),
            buttons,
            visibility: Visibility::Public,
            page: (of > 1).then_some(Page { number, of }),
        }
    }

    /// A reply listing `topics` as buttons under the bot's own words.
    pub fn menu(
        catalog: &Catalog,
        kind: ReplyKind,
        text: &str,
        topics: impl IntoIterator<Item = TopicIndex>,
    ) -> Reply {
        Reply {
            kind,
            title: None,
            body: text.to_string(),
            provenance: None,
            disclaimer: Some(catalog.disclaimer().to_string()),
            buttons: topics
                .into_iter()
                .map(|index| topic_button(catalog.topic(index)))
                .collect(),
            visibility: Visibility::Private,
            page: None,
        }
    }

    /// "No reviewed answer", listing every topic the bot can answer.
    pub fn no_answer(catalog: &Catalog, text: &str) -> Reply {
        Reply::menu(
            catalog,
            ReplyKind::NoAnswer,
            text,
            (0..catalog.topics().len()).map(TopicIndex::new),
        )
    }

    /// The moderators' notice for `kind`, verbatim, with its reviewer once reviewed.
    pub fn safety(kind: Safety, notice: &Notice) -> Reply {
        Reply {
            kind: ReplyKind::Safety(kind),
            title: (!notice.title.is_empty()).then(|| notice.title.clone()),
            body: notice.body.clone(),
            provenance: notice.provenance(),
            disclaimer: None,
            buttons: Vec::new(),
            visibility: Visibility::Public,
            page: None,
        }
    }

    /// Which safety notice this is, if it is one.
    pub fn safety_kind(&self) -> Option<Safety> {
        match self.kind {
            ReplyKind::Safety(kind) => Some(kind),
            _ => None,
        }
    }

    /// A short private notice.
    pub fn notice(text: &str) -> Reply {
        Reply {
            kind: ReplyKind::Notice,
            title: None,
            body: text.to_string(),
            provenance: None,
            disclaimer: None,
            buttons: Vec::new(),
            visibility: Visibility::Private,
            page: None,
        }
    }

    /// Adds the button that lets `asker` (or a moderator) remove this reply once it is shown to
    /// others. The adapter decides which replies get it.
    pub fn with_dismiss(mut self, asker: u64) -> Reply {
        self.buttons.push(Button {
            label: words::DISMISS.to_string(),
            action: Action::Dismiss { asker },
        });
        self
    }

    pub fn with_visibility(mut self, visibility: Visibility) -> Reply {
        self.visibility = visibility;
        self
    }

    /// The topic id, if this is an answer.
    pub fn topic(&self) -> Option<&str> {
        match &self.kind {
            ReplyKind::Answer { topic } => Some(topic),
            _ => None,
        }
    }
}

fn topic_button(topic: &Topic) -> Button {
    Button {
        label: topic.label.clone(),
        action: Action::ShowTopic(topic.id.clone()),
    }
}
