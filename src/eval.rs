//! `immunobot eval`: how well matching routes a labelled set of messages (`label<TAB>message`,
//! `none` for silence). Content authors use it to see what an edit did to matching.

use std::fmt::Write as _;

use crate::catalog::Catalog;
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

    pub fn accuracy(&self) -> f64 {
        ratio(
            self.outcomes.iter().filter(|o| o.is_correct()).count(),
            self.total(),
        )
    }

    /// Of the answers given, how many were right.
    pub fn precision(&self) -> f64 {
        let answered = self.outcomes.iter().filter(|o| o.got.is_some());
        let (right, all) = answered.fold((0, 0), |(right, all), o| {
            (right + usize::from(o.is_correct()), all + 1)
        });
        ratio(right, all)
    }

    /// Of the messages that should be answered, how many were answered right.
    pub fn recall(&self) -> f64 {
        let wanted = self.outcomes.iter().filter(|o| o.expected.is_some());
        let (right, all) = wanted.fold((0, 0), |(right, all), o| {
            (right + usize::from(o.is_correct()), all + 1)
        });
        ratio(right, all)
    }

    /// Of the messages that should get silence, how many got an answer.
    pub fn false_answer_rate(&self) -> f64 {
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
        let _ = writeln!(out, "accuracy:          {:.3}", self.accuracy());
        let _ = writeln!(out, "precision:         {:.3}", self.precision());
        let _ = writeln!(out, "recall:            {:.3}", self.recall());
        let _ = writeln!(
            out,
            "false answers:     {:.3} (of messages labelled none)",
            self.false_answer_rate()
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

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// Evaluates a TSV text. A first line `label<TAB>message` is taken as a header.
pub fn evaluate(catalog: &Catalog, tsv: &str) -> Result<Report, String> {
    let mut report = Report::default();
    for (index, line) in tsv.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty()
            || line.starts_with('#')
            || (index == 0 && line == "label\tmessage")
        {
            continue;
        }
        let (label, message) = line
            .split_once('\t')
            .ok_or_else(|| format!("line {}: expected `label<TAB>message`", index + 1))?;
        let expected = match label.trim() {
            "none" => None,
            id => Some(
                catalog
                    .find(id)
                    .ok_or_else(|| format!("line {}: `{id}` is not a topic", index + 1))?
                    .id
                    .clone(),
            ),
        };
        let assessment = catalog.matcher().assess(message, Addressing::Passive);
        report.outcomes.push(Outcome {
            line: index + 1,
            message: message.to_string(),
            expected,
            got: assessment.answer().map(|i| catalog.topic(i).id.clone()),
            score: assessment.score,
            reason: assessment.reason,
        });
    }
    Ok(report)
}
