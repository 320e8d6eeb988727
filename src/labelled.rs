//! Tables of labelled messages, `label<TAB>message` per line: the one reader shared by a
//! catalog's `examples.tsv` and `immunobot eval`. It knows the format, not what labels mean.
//!
//! Blank lines and lines starting with `#` are skipped, and so is a first line
//! `label<TAB>message` (a header). Every malformed line is reported, not only the first.

/// One labelled message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledLine<'a> {
    /// 1-based line number in the file.
    pub line: usize,
    pub label: &'a str,
    pub message: &'a str,
}

/// A line that is not `label<TAB>message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedLine {
    pub line: usize,
}

impl std::fmt::Display for MalformedLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}: expected `label<TAB>message` (a tab between the label and the message)",
            self.line
        )
    }
}

/// The header line some tables start with.
pub const HEADER: &str = "label\tmessage";

/// Reads every line: the labelled messages, and the lines that are not.
pub fn parse(text: &str) -> (Vec<LabelledLine<'_>>, Vec<MalformedLine>) {
    let mut lines = Vec::new();
    let mut malformed = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') || (index == 0 && line == HEADER) {
            continue;
        }
        match line.split_once('\t') {
            Some((label, message)) => lines.push(LabelledLine {
                line: number,
                label: label.trim(),
                message,
            }),
            None => malformed.push(MalformedLine { line: number }),
        }
    }
    (lines, malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_labels_and_reports_every_malformed_line() {
        let text = "label\tmessage\n# comment\ncar-t\twhat is CAR-T?\r\n\nno tab here\nnone\thi\nalso bad\n";
        let (lines, malformed) = parse(text);
        assert_eq!(
            lines,
            [
                LabelledLine {
                    line: 3,
                    label: "car-t",
                    message: "what is CAR-T?"
                },
                LabelledLine {
                    line: 6,
                    label: "none",
                    message: "hi"
                },
            ]
        );
        assert_eq!(
            malformed,
            [MalformedLine { line: 5 }, MalformedLine { line: 7 }]
        );
    }
}
