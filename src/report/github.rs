//! GitHub Actions workflow commands: one annotation per finding; and the job's step
//! summary (markdown), since the pull request shows only some annotations.

use std::collections::BTreeMap;
use std::path::Path;

use crate::model::report::Report;
use crate::model::rule::Severity;
use crate::source::relative_to_base;

/// A display path relative to the repository root, which GitHub resolves `file=` against.
fn repo_path(root: &Path, display: &str) -> String {
    relative_to_base(root, Path::new(display))
}

/// Escape the message part of a workflow command (after [`super::escape::line`] made
/// every control character visible).
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (`file=`, `title=`) of a workflow command.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(&line(s))
        .replace(':', "%3A")
        .replace(',', "%2C")
}

use super::escape::line;

pub(crate) fn render(
    report: &Report,
    root: &Path,
    with_summary: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut out = String::new();
    for p in &report.problems {
        let level = if p.kind.is_error() {
            "error"
        } else {
            "warning"
        };
        let mut props = format!("file={}", escape_property(&repo_path(root, &p.path)));
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
    w.write_all(out.as_bytes())?;
    out.clear();
    super::stream::in_order(
        &report.findings,
        |f| {
            let level = match f.severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                Severity::Low => "notice",
            };
            let text = &f.file.text;
            let s = text.position(f.span.start);
            let e = text.position(f.span.end);
            let mut props = format!(
                "file={},line={}",
                escape_property(&repo_path(root, &f.path())),
                s.line
            );
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
            format!("::{level} {props}::{}\n", escape_data(&msg))
        },
        |l| w.write_all(l.as_bytes()),
    )?;
    if report.switched_off.any() {
        out.push_str(&format!(
            "::warning title=camguard configuration::{}\n",
            escape_data(&line(&report.switched_off.describe()))
        ));
    }
    if with_summary {
        out.push_str(&super::human::summary(report, report.suppressed.len()));
        out.push('\n');
    }
    w.write_all(out.as_bytes())
}

/// Markdown that cannot break a table cell or start a code span.
fn md(s: &str) -> String {
    super::one_line(s)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('`', "'")
        .replace('<', "&lt;")
}

/// How many rules and files the step summary lists.
const TOP: usize = 10;

/// The step summary (`$GITHUB_STEP_SUMMARY`): counts per severity, the rules with the most
/// findings, and the files, paths relative to the repository root.
pub(crate) fn step_summary(report: &Report, root: &Path) -> String {
    let mut s = String::from("## camguard\n\n");
    s.push_str(&md(&super::human::summary(report, report.suppressed.len())));
    s.push_str("\n\n");
    if !report.findings.is_empty() {
        s.push_str("| Severity | Findings |\n|---|---:|\n");
        for (sev, n) in super::counts(report).into_iter().filter(|(_, n)| *n > 0) {
            s.push_str(&format!("| {sev} | {n} |\n"));
        }
        let mut rules: BTreeMap<&str, (usize, Severity, &str, &str)> = BTreeMap::new();
        let mut files: BTreeMap<String, (usize, Severity)> = BTreeMap::new();
        for f in &report.findings {
            let e = rules.entry(f.rule.code.as_str()).or_insert((
                0,
                f.severity,
                f.rule.name.as_str(),
                f.rule.docs.as_str(),
            ));
            e.0 += 1;
            e.1 = e.1.max(f.severity);
            let e = files
                .entry(repo_path(root, &f.path()))
                .or_insert((0, f.severity));
            e.0 += 1;
            e.1 = e.1.max(f.severity);
        }
        let mut rules: Vec<_> = rules.into_iter().collect();
        rules.sort_by(|a, b| (b.1.0, b.1.1).cmp(&(a.1.0, a.1.1)).then(a.0.cmp(b.0)));
        s.push_str(
            "\n### Top rules\n\n| Rule | Name | Most severe | Findings |\n|---|---|---|---:|\n",
        );
        for (code, (n, sev, name, docs)) in rules.iter().take(TOP) {
            s.push_str(&format!(
                "| [{}]({}) | {} | {sev} | {n} |\n",
                md(code),
                docs.replace(' ', "%20").replace(')', "%29"),
                md(name)
            ));
        }
        if rules.len() > TOP {
            s.push_str(&format!("\n…and {} more rules.\n", rules.len() - TOP));
        }
        let mut files: Vec<_> = files.into_iter().collect();
        files.sort_by(|a, b| (b.1.1, b.1.0).cmp(&(a.1.1, a.1.0)).then(a.0.cmp(&b.0)));
        s.push_str("\n### Files\n\n| File | Most severe | Findings |\n|---|---|---:|\n");
        for (path, (n, sev)) in files.iter().take(TOP) {
            s.push_str(&format!("| {} | {sev} | {n} |\n", md(path)));
        }
        if files.len() > TOP {
            s.push_str(&format!("\n…and {} more files.\n", files.len() - TOP));
        }
    }
    let problems: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.kind.is_error())
        .collect();
    if !problems.is_empty() {
        s.push_str("\n### Files not fully checked\n\n| File | Problem |\n|---|---|\n");
        for p in problems.iter().take(TOP) {
            s.push_str(&format!(
                "| {} | {} |\n",
                md(&repo_path(root, &p.path)),
                md(&p.message)
            ));
        }
        if problems.len() > TOP {
            s.push_str(&format!("\n…and {} more.\n", problems.len() - TOP));
        }
    }
    s.push('\n');
    s
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
