//! `immunobot eval`: how well matching routes a labelled set of messages (`label<TAB>message`,
//! `none` for silence, `crisis` / `advice` for the safety router). Content authors use it to see
//! what an edit did to matching and to the safety router.

use std::fmt::Write as _;

use crate::catalog::Catalog;
use crate::labelled;
use crate::matching::{Addressing, Reason};
use crate::safety::Safety;

/// One labelled message and what the matcher made of it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub line: usize,
    pub message: String,
    pub expected: Option<String>,
    pub got: Option<String>,
    pub score: f32,
    pub reason: Reason,
}

impl Outcome {
    pub fn is_correct(&self) -> bool {
        self.expected == self.got
    }
}

/// The figures of one run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    /// The safety router's figures over the same lines (see [`SafetyReport`]).
    pub safety: SafetyReport,
}

impl Report {
    pub fn total(&self) -> usize {
        self.outcomes.len()
    }

    pub fn accuracy(&self) -> Option<f64> {
        ratio(
            self.outcomes.iter().filter(|o| o.is_correct()).count(),
            self.total(),
        )
    }

    /// Of the answers given, how many were right.
    pub fn precision(&self) -> Option<f64> {
        let answered = self.outcomes.iter().filter(|o| o.got.is_some());
        let (right, all) = answered.fold((0, 0), |(right, all), o| {
            (right + usize::from(o.is_correct()), all + 1)
        });
        ratio(right, all)
    }

    /// Of the messages that should be answered, how many were answered right.
    pub fn recall(&self) -> Option<f64> {
        let wanted = self.outcomes.iter().filter(|o| o.expected.is_some());
        let (right, all) = wanted.fold((0, 0), |(right, all), o| {
            (right + usize::from(o.is_correct()), all + 1)
        });
        ratio(right, all)
    }

    /// Of the messages that should get silence, how many got an answer.
    pub fn false_answer_rate(&self) -> Option<f64> {
        let silent = self.outcomes.iter().filter(|o| o.expected.is_none());
        let (answered, all) = silent.fold((0, 0), |(answered, all), o| {
            (answered + usize::from(o.got.is_some()), all + 1)
        });
        ratio(answered, all)
    }

    /// Answers for a different topic than expected: the worst mistake there is.
    pub fn wrong_topic(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.expected.is_some() && o.got.is_some() && !o.is_correct())
            .count()
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "messages:          {}", self.total());
        let _ = writeln!(out, "accuracy:          {}", rate(self.accuracy()));
        let _ = writeln!(out, "precision:         {}", rate(self.precision()));
        let _ = writeln!(out, "recall:            {}", rate(self.recall()));
        let _ = writeln!(
            out,
            "false answers:     {} (of messages labelled none)",
            rate(self.false_answer_rate())
        );
        let _ = writeln!(out, "wrong-topic:       {}", self.wrong_topic());
        let mistakes: Vec<&Outcome> = self.outcomes.iter().filter(|o| !o.is_correct()).collect();
        let _ = writeln!(out, "mistakes:          {}", mistakes.len());
        for o in mistakes {
            let _ = writeln!(
                out,
                "  line {}: expected {} -> got {} (score {:.2}, {}): {}",
                o.line,
                o.expected.as_deref().unwrap_or("none"),
                o.got.as_deref().unwrap_or("none"),
                o.score,
                o.reason.as_str(),
                o.message
            );
        }
        out.push_str(&self.safety.render());
        out
    }
}

/// A rate with nothing behind it is not a perfect score: it is not available.
fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn rate(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_string(), |v| format!("{v:.3}"))
}

/// Evaluates a TSV text (see [`crate::labelled`]). Every malformed line and unknown label is
/// reported, one message each.
pub fn evaluate(catalog: &Catalog, tsv: &str) -> Result<Report, Vec<String>> {
    let (lines, malformed) = labelled::parse(tsv);
    let mut problems: Vec<String> = malformed.iter().map(ToString::to_string).collect();
    let mut report = Report::default();
    for line in lines {
        let safety_label = safety_label(line.label);
        let expected = match line.label {
            "none" => None,
            _ if safety_label.is_some() => None,
            id => match catalog.find(id) {
                Some(topic) => Some(topic.id.clone()),
                None => {
                    problems.push(format!(
                        "line {}: `{id}` is not a topic (or `none`, `crisis`, `advice`)",
                        line.line
                    ));
                    continue;
                }
            },
        };
        let flagged =
            report
                .safety
                .record(catalog, line.line, line.message, safety_label.flatten());
        let assessment = catalog.matcher().assess(line.message, Addressing::Passive);
        report.outcomes.push(Outcome {
            line: line.line,
            message: line.message.to_string(),
            expected,
            // The safety router runs first: a flagged message never gets a topic answer.
            got: assessment
                .answer()
                .filter(|_| flagged.is_none())
                .map(|i| catalog.topic(i).id.clone()),
            score: assessment.score,
            reason: assessment.reason,
        });
    }
    if problems.is_empty() {
        Ok(report)
    } else {
        problems.sort_by_key(|p| {
            p.trim_start_matches("line ")
                .split(':')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
        });
        Err(problems)
    }
}

// ---------------------------------------------------------------------------------------------
// The safety router's figures. Every line of an eval file is also a safety case: `crisis` and
// `advice` lines should be flagged as such, and every other line (topic or `none`) not at all.

/// `Some(Some(kind))` for a safety label, `None` for any other label.
fn safety_label(label: &str) -> Option<Option<Safety>> {
    match label {
        "crisis" => Some(Some(Safety::Crisis)),
        "advice" => Some(Some(Safety::Advice)),
        _ => None,
    }
}

/// One line as the safety router saw it.
#[derive(Debug, Clone)]
pub struct SafetyOutcome {
    pub line: usize,
    pub message: String,
    /// `None` for every line not labelled `crisis` or `advice`.
    pub expected: Option<Safety>,
    pub got: Option<Safety>,
    /// The rule that fired, if any.
    pub rule: Option<String>,
}

/// Precision and recall of `crisis` and `advice`, and how much else was flagged.
#[derive(Debug, Clone, Default)]
pub struct SafetyReport {
    pub outcomes: Vec<SafetyOutcome>,
}

impl SafetyReport {
    /// Runs the router on one line and keeps the outcome; returns what it found.
    fn record(
        &mut self,
        catalog: &Catalog,
        line: usize,
        message: &str,
        expected: Option<Safety>,
    ) -> Option<Safety> {
        let finding = catalog.safety().router.assess(message);
        let got = finding.map(|finding| finding.kind);
        self.outcomes.push(SafetyOutcome {
            line,
            message: message.to_string(),
            expected,
            got,
            rule: finding.map(|finding| finding.rule.to_string()),
        });
        got
    }

    /// Of the lines flagged `kind`, how many were labelled `kind`.
    pub fn precision(&self, kind: Safety) -> Option<f64> {
        let flagged = self.outcomes.iter().filter(|o| o.got == Some(kind));
        let (right, all) = flagged.fold((0, 0), |(right, all), o| {
            (right + usize::from(o.expected == Some(kind)), all + 1)
        });
        ratio(right, all)
    }

    /// Of the lines labelled `kind`, how many were flagged `kind`.
    pub fn recall(&self, kind: Safety) -> Option<f64> {
        let labelled = self.outcomes.iter().filter(|o| o.expected == Some(kind));
        let (right, all) = labelled.fold((0, 0), |(right, all), o| {
            (right + usize::from(o.got == Some(kind)), all + 1)
        });
        ratio(right, all)
    }

    pub fn labelled(&self, kind: Safety) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.expected == Some(kind))
            .count()
    }

    /// Of the lines with no safety label (topics and `none`), how many were flagged.
    pub fn flagged_other_rate(&self) -> Option<f64> {
        let other = self.outcomes.iter().filter(|o| o.expected.is_none());
        let (flagged, all) = other.fold((0, 0), |(flagged, all), o| {
            (flagged + usize::from(o.got.is_some()), all + 1)
        });
        ratio(flagged, all)
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "safety:");
        for kind in [Safety::Crisis, Safety::Advice] {
            let _ = writeln!(
                out,
                "  {:<8} precision {}  recall {}  ({} labelled)",
                kind.as_str(),
                rate(self.precision(kind)),
                rate(self.recall(kind)),
                self.labelled(kind)
            );
        }
        let others = self.outcomes.iter().filter(|o| o.expected.is_none());
        let _ = writeln!(
            out,
            "  flagged: {} of the {} other lines (topics and none)",
            rate(self.flagged_other_rate()),
            others.count()
        );
        let mistakes: Vec<&SafetyOutcome> = self
            .outcomes
            .iter()
            .filter(|o| o.expected != o.got)
            .collect();
        let _ = writeln!(out, "  mistakes: {}", mistakes.len());
        for o in mistakes {
            let _ = writeln!(
                out,
                "    line {}: expected {} -> got {}{}: {}",
                o.line,
                o.expected.map_or("none", Safety::as_str),
                o.got.map_or("none", Safety::as_str),
                o.rule
                    .as_deref()
                    .map(|rule| format!(" ({rule})"))
                    .unwrap_or_default(),
                o.message
            );
        }
        out
    }
}
