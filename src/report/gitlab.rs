//! GitLab Code Quality report (JSON array of issues).

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::check::Report;
use crate::finding::stable_hash;
use crate::rules::Severity;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "major",
        Severity::Medium => "minor",
        Severity::Low => "info",
    }
}

pub fn render(report: &Report) -> String {
    let mut seen = HashSet::new();
    let mut issues: Vec<Value> = Vec::new();
    for f in &report.findings {
        let s = f.file.text.position(f.span.start);
        let e = f.file.text.position(f.span.end);
        // Unique per finding; stable when lines move (no line numbers in the base).
        let base = format!("{}|{}|{}|{}", f.rule.code, f.path(), f.key, f.value_hash);
        let mut fp = stable_hash(&base);
        let mut n = 1;
        while !seen.insert(fp.clone()) {
            n += 1;
            fp = stable_hash(&format!("{base}|{n}"));
        }
        issues.push(json!({
            "type": "issue",
            "description": format!("{}: {}", f.rule.code, f.message),
            "check_name": format!("{} {}", f.rule.code, f.rule.name),
            "categories": ["Security"],
            "fingerprint": fp,
            "severity": severity(f.severity),
            "location": {
                "path": f.path(),
                "positions": {
                    "begin": {"line": s.line, "column": s.column},
                    "end": {"line": e.line, "column": e.column},
                },
            },
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
            "fingerprint": stable_hash(&format!("problem|{}|{}", p.path, p.message)),
            "severity": "major",
            "location": {"path": p.path, "lines": {"begin": line}},
        }));
    }
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}
