//! GitLab Code Quality report (JSON array of issues).

use std::path::Path;

use serde_json::{Value, json};

use crate::model::finding::{fingerprints, stable_hash};
use crate::model::report::Report;
use crate::model::rule::Severity;
use crate::source::relative_to_base;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "major",
        Severity::Medium => "minor",
        Severity::Low => "info",
    }
}

/// Paths are relative to `root`, the repository root (GitLab resolves them against the
/// project directory). The findings' issues are rendered on the worker threads and
/// written as they come.
pub(crate) fn render(
    report: &Report,
    root: &Path,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use super::stream::{Nested, in_order, pretty_at};
    let rel = |p: &str| relative_to_base(root, Path::new(p));
    let mut list = Nested::array(out, 0)?;
    let indent = list.inner();
    let entries: Vec<(&crate::model::finding::Finding, String)> = report
        .findings
        .iter()
        .zip(fingerprints(&report.findings, root))
        .collect();
    in_order(
        &entries,
        |(f, fp)| {
            let s = f.file.text.position(f.span.start);
            let e = f.file.text.position(f.span.end);
            let issue = json!({
                "type": "issue",
                "description": format!("{}: {}", f.rule.code, f.message),
                "check_name": format!("{} {}", f.rule.code, f.rule.name),
                "categories": ["Security"],
                "fingerprint": fp,
                "severity": severity(f.severity),
                "location": {
                    "path": rel(&f.path()),
                    "positions": {
                        "begin": {"line": s.line, "column": s.column},
                        "end": {"line": e.line, "column": e.column},
                    },
                },
            });
            pretty_at(&issue, indent)
        },
        |r| list.element(out, &r),
    )?;
    let mut issues: Vec<Value> = Vec::new();
    if report.switched_off.any() {
        let text = report.switched_off.describe();
        let path = report
            .switched_off
            .config
            .as_deref()
            .map_or(".".to_string(), |c| {
                let cwd = std::env::current_dir().unwrap_or_default();
                crate::source::relative_to_base(&cwd, std::path::Path::new(c))
            });
        issues.push(json!({
            "type": "issue",
            "description": text,
            "check_name": "camguard configuration",
            "categories": ["Security"],
            "fingerprint": stable_hash(&format!("switched-off|{text}")),
            "severity": "info",
            "location": {"path": path, "lines": {"begin": 1}},
        }));
    }
    for p in report.problems.iter().filter(|p| p.kind.is_error()) {
        let line = match (&p.file, p.span) {
            (Some(f), Some(s)) => f.text.position(s.start).line,
            _ => 1,
        };
        issues.push(json!({
            "type": "issue",
            "description": format!("camguard could not check this file: {}", p.message),
            "check_name": format!("camguard {}", p.kind.as_str()),
            "categories": ["Bug Risk"],
            "fingerprint": stable_hash(&format!("problem|{}|{}", rel(&p.path), p.message)),
            "severity": "major",
            "location": {"path": rel(&p.path), "lines": {"begin": line}},
        }));
    }
    for issue in &issues {
        list.element(out, &pretty_at(issue, indent))?;
    }
    list.end(out)?;
    out.write_all(b"\n")
}
