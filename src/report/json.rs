//! `--format json`: a documented, versioned document (see docs/json-output.md).

use serde_json::{Value, json};

use super::pretty::Pretty;

use crate::model::finding::{Finding, fingerprints};
use crate::model::report::Report;
use crate::source::Span;

pub(crate) const VERSION: u32 = 1;

/// One finding as the document writes it, rendered at `indent`: the fields in the
/// documented order, written straight into text ([`super::pretty`]: serialising records
/// with serde_json escaped every field name again for each finding).
pub(crate) fn finding_json(f: &Finding, fingerprint: &str, indent: usize) -> String {
    let mut w = Pretty::at(indent);
    w.object(|w| {
        w.key("code").str(&f.rule.code);
        w.key("name").str(&f.rule.name);
        w.key("severity").str(f.severity.as_str());
        w.key("message").str(&f.message);
        w.key("path").str(&f.path());
        w.key("location").object(|w| location(w, f, f.span));
        w.key("key").str(&f.key);
        match f.product {
            Some(p) => w.key("product").str(p.id()),
            None => w.key("product").null(),
        }
        match f.component.as_deref() {
            Some(c) => w.key("component").str(c),
            None => w.key("component").null(),
        }
        w.key("docs").str(&f.rule.docs);
        w.key("fingerprint").str(fingerprint);
        w.key("related").array(|w| {
            for r in &f.related {
                let s = r.file.text.position(r.span.start);
                w.element().object(|w| {
                    w.key("path").str(&r.file.display_path());
                    w.key("byte_start").uint(r.span.start);
                    w.key("byte_end").uint(r.span.end);
                    w.key("start_line").uint(s.line);
                    w.key("start_column").uint(s.column);
                    w.key("label").str(&r.label);
                });
            }
        });
    });
    w.finish()
}

/// Where a finding is, as the document writes it.
fn location(w: &mut Pretty, f: &Finding, span: Span) {
    let text = &f.file.text;
    let s = text.position(span.start);
    let e = text.position(span.end);
    w.key("byte_start").uint(span.start);
    w.key("byte_end").uint(span.end);
    w.key("start_line").uint(s.line);
    w.key("start_column").uint(s.column);
    w.key("end_line").uint(e.line);
    w.key("end_column").uint(e.column);
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
    use super::stream::{Nested, in_order};
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
        |(f, fp)| finding_json(f, fp, indent),
        |r| list.element(out, &r),
    )?;
    list.end(out)?;
    doc.entry(out, "problems", &problems)?;
    doc.end(out)?;
    out.write_all(b"\n")
}
