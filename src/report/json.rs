//! `--format json`: a documented, versioned document (see docs/json-output.md).

use serde::Serialize;
use serde_json::{Value, json};

use crate::model::finding::{Finding, fingerprints};
use crate::model::report::Report;
use crate::source::Span;

pub(crate) const VERSION: u32 = 1;

/// Where a finding or a related location is, as the document writes it.
#[derive(Serialize)]
struct Location {
    byte_start: usize,
    byte_end: usize,
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn position(f: &Finding, span: Span) -> Location {
    let text = &f.file.text;
    let s = text.position(span.start);
    let e = text.position(span.end);
    Location {
        byte_start: span.start,
        byte_end: span.end,
        start_line: s.line,
        start_column: s.column,
        end_line: e.line,
        end_column: e.column,
    }
}

#[derive(Serialize)]
struct RelatedJson<'a> {
    path: String,
    byte_start: usize,
    byte_end: usize,
    start_line: usize,
    start_column: usize,
    label: &'a str,
}

/// One finding as the document writes it: the fields in the documented order (serialised
/// straight from the finding; a `serde_json::Value` made a map, and copied every key and
/// string, for each finding).
#[derive(Serialize)]
pub(crate) struct FindingJson<'a> {
    code: &'a str,
    name: &'a str,
    severity: crate::model::rule::Severity,
    message: &'a str,
    path: String,
    location: Location,
    key: &'a str,
    product: Option<crate::model::settings::Product>,
    component: Option<&'a str>,
    docs: &'a str,
    fingerprint: &'a str,
    related: Vec<RelatedJson<'a>>,
}

pub(crate) fn finding_json<'a>(f: &'a Finding, fingerprint: &'a str) -> FindingJson<'a> {
    let related = f
        .related
        .iter()
        .map(|r| {
            let s = r.file.text.position(r.span.start);
            RelatedJson {
                path: r.file.display_path(),
                byte_start: r.span.start,
                byte_end: r.span.end,
                start_line: s.line,
                start_column: s.column,
                label: &r.label,
            }
        })
        .collect();
    FindingJson {
        code: &f.rule.code,
        name: &f.rule.name,
        severity: f.severity,
        message: &f.message,
        path: f.path(),
        location: position(f, f.span),
        key: &f.key,
        product: f.product,
        component: f.component.as_deref(),
        docs: &f.rule.docs,
        fingerprint,
        related,
    }
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
