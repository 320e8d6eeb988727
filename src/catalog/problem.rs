//! Problems found in response files, reported as `FILE:LINE: message`.
//!
//! A problem can be a *consequence* of another file's problem: when `topics/car-t.toml` cannot
//! be read, every "`car-t` is not a topic" elsewhere follows from it. Those are kept (a
//! verbose report lists them) but a report leads with the root cause and sums the rest up in
//! one line, so a moderator fixes the one thing that is wrong first.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The catalog is refused.
    Error,
    /// Reported, but the catalog still loads.
    Warning,
}

/// One problem in one place of one file (or of a whole file or folder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// Path of the file as the user named it (responses folder joined with the file name).
    pub file: String,
    /// 1-based line, when the problem has a place in the file.
    pub line: Option<usize>,
    pub message: String,
    /// The file whose own problem this one follows from, if any (shown as it is in `file`).
    pub follows_from: Option<String>,
}

impl Problem {
    pub fn error(file: impl Into<String>, line: Option<usize>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Error,
            file: file.into(),
            line,
            message: message.into(),
            follows_from: None,
        }
    }

    pub fn warning(
        file: impl Into<String>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(file, line, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Marks this problem as a consequence of `file` being refused.
    pub fn following_from(mut self, file: impl Into<String>) -> Self {
        self.follows_from = Some(file.into());
        self
    }

    /// Whether this problem is a cause of its own rather than a consequence of another.
    pub fn is_root(&self) -> bool {
        self.follows_from.is_none()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A problem of a whole file or folder has no line, and shows none.
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        match self.severity {
            Severity::Error => write!(f, ": {}", self.message),
            Severity::Warning => write!(f, ": warning: {}", self.message),
        }
    }
}

/// Why a catalog could not be loaded: every problem found, errors first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub problems: Vec<Problem>,
}

impl LoadError {
    pub fn new(mut problems: Vec<Problem>) -> Self {
        problems.sort_by_key(|problem| !problem.is_error());
        LoadError { problems }
    }

    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|problem| problem.is_error())
    }

    /// The errors that are causes of their own: what the moderator has to fix.
    pub fn root_errors(&self) -> impl Iterator<Item = &Problem> {
        self.errors().filter(|problem| problem.is_root())
    }

    /// The report, one entry per line: each root problem, and after the last one of each file,
    /// either "N more problems follow from it" or (`verbose`) those problems, indented.
    pub fn report(&self, verbose: bool) -> Vec<String> {
        let mut lines = Vec::new();
        let roots: Vec<&Problem> = self.problems.iter().filter(|p| p.is_root()).collect();
        for (index, problem) in roots.iter().enumerate() {
            lines.push(problem.to_string());
            let last_of_its_file = roots[index + 1..].iter().all(|p| p.file != problem.file);
            if !last_of_its_file {
                continue;
            }
            let following: Vec<&Problem> = self
                .problems
                .iter()
                .filter(|p| p.follows_from.as_deref() == Some(problem.file.as_str()))
                .collect();
            if verbose {
                lines.extend(following.iter().map(|p| format!("  {p}")));
            } else if !following.is_empty() {
                lines.push(format!(
                    "  {} more {} from it",
                    following.len(),
                    plural(following.len(), "problem follows", "problems follow")
                ));
            }
        }
        // A consequence of a file that has no problem of its own would otherwise vanish.
        let orphans = self.problems.iter().filter(|p| {
            p.follows_from
                .as_deref()
                .is_some_and(|file| roots.iter().all(|root| root.file != file))
        });
        lines.extend(orphans.map(ToString::to_string));
        lines
    }
}

/// `n problem` or `n problems`, and the like.
pub fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.root_errors().count();
        write!(
            f,
            "the responses have {count} {}",
            plural(count, "problem", "problems")
        )?;
        for line in self.report(false) {
            write!(f, "\n{line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

pub(crate) use crate::lines::line_of;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_leads_with_causes_and_sums_up_their_consequences() {
        let err = LoadError::new(vec![
            Problem::error("a.toml", Some(3), "follow-up `b` is not a topic")
                .following_from("b.toml"),
            Problem::error("b.toml", Some(1), "first"),
            Problem::error("b.toml", Some(2), "second"),
            Problem::error("c.toml", Some(4), "`b` again").following_from("b.toml"),
            Problem::error("d.toml", Some(5), "of its own"),
            Problem::error("e.toml", Some(6), "orphan").following_from("gone.toml"),
        ]);
        assert_eq!(
            err.report(false),
            [
                "b.toml:1: first",
                "b.toml:2: second",
                "  2 more problems follow from it",
                "d.toml:5: of its own",
                "e.toml:6: orphan",
            ]
        );
        assert_eq!(err.report(true)[3], "  c.toml:4: `b` again");
        assert_eq!(err.root_errors().count(), 3);
        assert!(err
            .to_string()
            .starts_with("the responses have 3 problems\n"));
    }
}
