//! `immunobot eval`: how well matching routes a labelled set of messages (`label<TAB>message`,
//! `none` for silence). Content authors use it to see what an edit did to matching.

use std::fmt::Write as _;

use crate::catalog::Catalog;
use crate::labelled;
use crate::matching::{Addressing, Reason};

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
        let expected = match line.label {
            "none" => None,
            id => match catalog.find(id) {
                Some(topic) => Some(topic.id.clone()),
                None => {
                    problems.push(format!(
                        "line {}: `{id}` is not a topic (or `none`)",
                        line.line
                    ));
                    continue;
                }
            },
        };
        let assessment = catalog.matcher().assess(line.message, Addressing::Passive);
        report.outcomes.push(Outcome {
            line: line.line,
            message: line.message.to_string(),
            expected,
            got: assessment.answer().map(|i| catalog.topic(i).id.clone()),
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
