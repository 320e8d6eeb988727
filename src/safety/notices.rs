//! `responses/safety.toml`: the moderators' crisis and advice notices.
//!
//! Owns their shape and validation. A notice is shown verbatim, like a reviewed answer; one
//! without a reviewer loads (the shipped defaults say only what is safe without review) but is
//! reported as a warning until someone reviews it. It never writes a notice of its own.

use crate::lines::line_of;
use serde::Deserialize;
use toml::Spanned;

use crate::catalog::{ContentLimits, Problem};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotices {
    crisis: Option<Spanned<RawNotice>>,
    advice: Option<Spanned<RawNotice>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotice {
    title: Option<Spanned<String>>,
    body: Option<Spanned<String>>,
    reviewer: Option<Spanned<String>>,
    reviewed_on: Option<Spanned<String>>,
}

/// One notice, as the moderators wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
    /// Who reviewed the notice; `None` while it is unreviewed.
    pub reviewer: Option<String>,
    pub reviewed_on: Option<String>,
}

impl Notice {
    /// "Reviewed by ..." once someone has reviewed the notice.
    pub fn provenance(&self) -> Option<String> {
        let reviewer = self.reviewer.as_deref()?;
        Some(match &self.reviewed_on {
            Some(date) => format!("Reviewed by {reviewer} ({date})"),
            None => format!("Reviewed by {reviewer}"),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notices {
    pub crisis: Notice,
    pub advice: Notice,
}

pub(super) fn build(
    display: &str,
    text: &str,
    limits: &ContentLimits,
    problems: &mut Vec<Problem>,
) -> Option<Notices> {
    let raw: RawNotices = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(err) => {
            let line = err.span().map(|span| line_of(text, span.start));
            let message = match err.message().trim() {
                "" => "is not valid TOML here".to_string(),
                message => message.to_string(),
            };
            problems.push(Problem::error(display, line, message));
            return None;
        }
    };
    let errors_before = problems.iter().filter(|p| p.is_error()).count();
    let mut notice = |name: &str, raw: Option<Spanned<RawNotice>>| -> Option<Notice> {
        let Some(raw) = raw else {
            problems.push(Problem::error(
                display,
                None,
                format!("missing [{name}]: the {name} notice is required"),
            ));
            return None;
        };
        let line = Some(line_of(text, raw.span().start));
        let raw = raw.into_inner();
        let field = |value: Option<Spanned<String>>| {
            value.and_then(|v| {
                let line = line_of(text, v.span().start);
                let v = v.into_inner().trim().to_string();
                (!v.is_empty()).then_some((v, line))
            })
        };
        let title = field(raw.title);
        let body = field(raw.body);
        let reviewer = field(raw.reviewer);
        let reviewed_on = field(raw.reviewed_on);
        let Some((body, body_line)) = body else {
            problems.push(Problem::error(
                display,
                line,
                format!("[{name}] needs a `body`: the notice members read"),
            ));
            return None;
        };
        let (title, title_line) = title.unwrap_or_default();
        for (what, value, at, limit) in [
            ("title", &title, title_line, limits.title),
            ("body", &body, body_line, limits.body),
        ] {
            if value.chars().count() > limit {
                problems.push(Problem::error(
                    display,
                    Some(at),
                    format!(
                        "[{name}] `{what}` has {} characters; at most {limit} fit",
                        value.chars().count()
                    ),
                ));
            }
        }
        if reviewer.is_none() {
            problems.push(Problem::warning(
                display,
                line,
                format!(
                    "the {name} notice is not reviewed yet: the shipped default is shown until \
                     a moderator reviews it (set `reviewer` and `reviewed_on`)"
                ),
            ));
        }
        Some(Notice {
            title,
            body,
            reviewer: reviewer.map(|(v, _)| v),
            reviewed_on: reviewed_on.map(|(v, _)| v),
        })
    };
    let crisis = notice("crisis", raw.crisis);
    let advice = notice("advice", raw.advice);
    let errors_after = problems.iter().filter(|p| p.is_error()).count();
    if errors_after > errors_before {
        return None;
    }
    Some(Notices {
        crisis: crisis?,
        advice: advice?,
    })
}
