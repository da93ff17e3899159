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

/// Fingerprints take paths relative to `root` (the repository root), so they equal the
/// SARIF and GitLab ones wherever camguard runs; `path` is as found (relative to the
/// working directory). The findings are rendered on the worker threads and written as
/// they come, in the layout `serde_json::to_string_pretty` gives.
pub(crate) fn render(
    report: &Report,
    root: &std::path::Path,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use super::stream::{Nested, in_order, pretty_at};
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
    let mut doc = Nested::object(out, 0)?;
    doc.entry(out, "version", &VERSION)?;
    doc.entry(
        out,
        "tool",
        &json!({"name": "camguard", "version": env!("CARGO_PKG_VERSION")}),
    )?;
    doc.entry(
        out,
        "summary",
        &json!({
            "files_scanned": report.files.len(),
            "findings": report.findings.len(),
            "by_severity": by_sev,
            "problems": report.problems.len(),
            "ignored_files": report.ignored_files,
            "switched_off": report.switched_off,
        }),
    )?;
    doc.key(out, "findings")?;
    let mut list = Nested::array(out, doc.inner())?;
    let indent = list.inner();
    let fs = &report.findings;
    let entries: Vec<(&Finding, String)> = fs.iter().zip(fingerprints(fs, root)).collect();
    in_order(
        &entries,
        |(f, fp)| pretty_at(&finding_json(f, fp), indent),
        |r| list.element(out, &r),
    )?;
    list.end(out)?;
    doc.entry(out, "problems", &problems)?;
    doc.end(out)?;
    out.write_all(b"\n")
}
