//! GitHub Actions workflow commands: one annotation per finding.

use crate::model::report::Report;
use crate::model::rule::Severity;

/// Escape the message part of a workflow command (after [`super::escape::line`] made
/// every control character visible).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (`file=`, `title=`) of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(&line(s))
        .replace(':', "%3A")
        .replace(',', "%2C")
}

use super::escape::line;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for p in &report.problems {
        let level = if p.kind.is_error() {
            "error"
        } else {
            "warning"
        };
        let mut props = format!("file={}", escape_property(&p.path));
        if let (Some(f), Some(s)) = (&p.file, p.span) {
            props.push_str(&format!(",line={}", f.text.position(s.start).line));
        }
        props.push_str(&format!(
            ",title={}",
            escape_property(&format!("camguard {}", p.kind.as_str()))
        ));
        out.push_str(&format!(
            "::{level} {props}::{}\n",
            escape_data(&line(&p.message))
        ));
    }
    for f in &report.findings {
        let level = match f.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low => "notice",
        };
        let text = &f.file.text;
        let s = text.position(f.span.start);
        let e = text.position(f.span.end);
        let mut props = format!("file={},line={}", escape_property(&f.path()), s.line);
        if e.line != s.line {
            props.push_str(&format!(",endLine={}", e.line));
        } else {
            // Columns only make sense on one line.
            props.push_str(&format!(
                ",col={},endColumn={}",
                s.column,
                e.column.max(s.column)
            ));
        }
        let title = format!("{} {} ({})", f.rule.code, f.rule.name, f.severity);
        props.push_str(&format!(",title={}", escape_property(&title)));
        let msg = format!("{}\n{}", line(&f.message), line(&f.rule.docs));
        out.push_str(&format!("::{level} {props}::{}\n", escape_data(&msg)));
    }
    if report.switched_off.any() {
        out.push_str(&format!(
            "::warning title=camguard configuration::{}\n",
            escape_data(&line(&report.switched_off.describe()))
        ));
    }
    out.push_str(&super::human::summary(report, 0));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("a%b\nc\r"), "a%25b%0Ac%0D");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
