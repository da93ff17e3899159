//! `--format json`: a documented, versioned document (see docs/json-output.md).

use serde_json::{Value, json};

use crate::model::finding::{Finding, fingerprints};
use crate::model::report::Report;
use crate::source::Span;

pub(crate) const VERSION: u32 = 1;

fn position(f: &Finding, span: Span) -> Value {
    let text = &f.file.text;
    let s = text.position(span.start);
    let e = text.position(span.end);
    json!({
        "byte_start": span.start,
        "byte_end": span.end,
        "start_line": s.line,
        "start_column": s.column,
        "end_line": e.line,
        "end_column": e.column,
    })
}

pub(crate) fn finding_json(f: &Finding, fingerprint: &str) -> Value {
    let related: Vec<Value> = f
        .related
        .iter()
        .map(|r| {
            let s = r.file.text.position(r.span.start);
            json!({
                "path": r.file.display_path(),
                "byte_start": r.span.start,
                "byte_end": r.span.end,
                "start_line": s.line,
                "start_column": s.column,
                "label": r.label,
            })
        })
        .collect();
    json!({
        "code": f.rule.code,
        "name": f.rule.name,
        "severity": f.severity,
        "message": f.message,
        "path": f.path(),
        "location": position(f, f.span),
        "key": f.key,
        "product": f.product,
        "component": f.component,
        "docs": f.rule.docs,
        "fingerprint": fingerprint,
        "related": related,
    })
}

/// The document, with findings serialised one at a time: memory follows the output,
/// not a tree of it.
#[derive(serde::Serialize)]
struct Document<'a> {
    version: u32,
    tool: Value,
    summary: Value,
    findings: Findings<'a>,
    problems: Vec<Value>,
}

struct Findings<'a>(&'a Report, &'a std::path::Path);

impl serde::Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let fs = &self.0.findings;
        let mut seq = s.serialize_seq(Some(fs.len()))?;
        for (f, fp) in fs.iter().zip(fingerprints(fs, self.1)) {
            seq.serialize_element(&finding_json(f, &fp))?;
        }
        seq.end()
    }
}

/// Fingerprints take paths relative to `root` (the repository root), so they equal the
/// SARIF and GitLab ones wherever camguard runs; `path` is as found (relative to the
/// working directory).
pub(crate) fn render(report: &Report, root: &std::path::Path) -> String {
    let by_sev: serde_json::Map<String, Value> = super::counts(report)
        .into_iter()
        .map(|(s, n)| (s.as_str().to_string(), json!(n)))
        .collect();
    let problems: Vec<Value> = report
        .problems
        .iter()
        .map(|p| {
            let pos = match (&p.file, p.span) {
                (Some(f), Some(s)) => {
                    let at = f.text.position(s.start);
                    json!({"line": at.line, "column": at.column})
                }
                _ => Value::Null,
            };
            json!({
                "kind": p.kind.as_str(),
                "error": p.kind.is_error(),
                "path": p.path,
                "message": p.message,
                "location": pos,
            })
        })
        .collect();
    let doc = Document {
        version: VERSION,
        tool: json!({"name": "camguard", "version": env!("CARGO_PKG_VERSION")}),
        summary: json!({
            "files_scanned": report.files.len(),
            "findings": report.findings.len(),
            "by_severity": by_sev,
            "problems": report.problems.len(),
            "ignored_files": report.ignored_files,
            "switched_off": report.switched_off,
        }),
        findings: Findings(report, root),
        problems,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    super::escape::json_document(s)
}
