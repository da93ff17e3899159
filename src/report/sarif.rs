//! SARIF 2.1.0 for GitHub code scanning and other consumers.
//!
//! One run per invocation, the full rule table, one location per result with all four
//! region fields in UTF-16 code units, repository-relative URIs under `%SRCROOT%`, and
//! line-independent `partialFingerprints`. Secrets are masked in messages and snippets.
//!
//! GitHub code scanning reads `security-severity` from the rule descriptor only (its
//! "SARIF support" page lists it under `reportingDescriptor`, not `result`), so a finding
//! whose severity differs from its rule's (a per-check severity, a `[severity]` override)
//! points at a descriptor of that severity: `DC001/critical` beside `DC001`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};

use super::masks_for;
use super::pretty::Pretty;
use crate::model::MASK;
use crate::model::finding::{Finding, fingerprints};
use crate::model::hashing::FastMap;
use crate::model::report::{Report, SuppressionKind};
use crate::model::rule::{RuleInfo, Severity};
use crate::source::{Span, relative_to_base};

/// GitHub code scanning accepts at most this many results per run.
pub(crate) const MAX_RESULTS: usize = 25_000;
/// GitHub reads at most this many tags per rule.
const MAX_TAGS: usize = 10;

pub(crate) struct SarifOptions<'a> {
    /// `automationDetails.id` (`--sarif-category`).
    pub category: Option<&'a str>,
    /// The directory URIs are relative to (`%SRCROOT%`), normally the working directory.
    pub root: PathBuf,
    /// Emit suppressed findings with SARIF `suppressions`.
    pub include_suppressed: bool,
}

pub(crate) fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub's `security-severity`: critical 9.0+, high 7.0-8.9, medium 4.0-6.9, low <4.
pub(crate) fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

fn tags(rule: &RuleInfo) -> Vec<String> {
    let mut t = vec!["security".to_string()];
    for c in &rule.cwe {
        t.push(format!("external/cwe/cwe-{c}"));
    }
    for p in rule.product_ids() {
        t.push(p.to_string());
    }
    t.extend(rule.tags.iter().cloned());
    t.dedup();
    t.truncate(MAX_TAGS);
    t
}

fn first_paragraph(md: &str) -> String {
    md.lines()
        .skip_while(|l| l.trim().is_empty() || l.starts_with('#'))
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The descriptor id for a rule at a severity: the rule's code at its own severity,
/// `CODE/severity` otherwise.
pub(crate) fn descriptor_id(rule: &RuleInfo, severity: Severity) -> String {
    if severity == rule.severity {
        rule.code.clone()
    } else {
        format!("{}/{}", rule.code, severity)
    }
}

fn rule_json(rule: &RuleInfo, severity: Severity) -> Value {
    let full = first_paragraph(&rule.explanation);
    let cwe: Vec<String> = rule.cwe.iter().map(|c| format!("CWE-{c}")).collect();
    let help_text = format!(
        "{}\n\n{}\n\nDocumentation: {}",
        rule.summary,
        super::human::fix_text(&rule.explanation).unwrap_or_default(),
        rule.docs
    );
    let help_md = format!(
        "{}\n\n{}\n\n[Documentation]({})",
        rule.summary,
        rule.explanation.trim(),
        rule.docs
    );
    json!({
        "id": descriptor_id(rule, severity),
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": if full.is_empty() { rule.summary.clone() } else { full }},
        "help": {"text": help_text, "markdown": help_md},
        "helpUri": rule.docs,
        "defaultConfiguration": {"level": level(severity)},
        "properties": {
            "tags": tags(rule),
            "precision": "high",
            "problem.severity": level(severity),
            "security-severity": security_severity(severity),
            "cwe": cwe,
        },
    })
}

/// Percent-encode a relative path for a URI reference (keeping `/`).
pub(crate) fn encode_uri_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '/') {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path of a file (as found: relative to the working directory, or absolute)
/// relative to the root, with `/` separators, percent-encoded.
pub(crate) fn relative_uri(root: &Path, display: &str) -> String {
    encode_uri_path(&relative_to_base(root, Path::new(display)))
}

/// What every location in one file shares: its URI and its masks.
struct Place<'a> {
    uri: String,
    masks: &'a [Span],
}

/// Places by file (`Arc` address), made once per file on the worker threads: a file has
/// three results on average on a finding-dense tree, and its URI (a relative path,
/// percent-encoded) was a fifth of the cost of a result.
type Places<'a> = FastMap<usize, Place<'a>>;

fn place<'a>(report: &'a Report, root: &Path, file: &crate::source::SourceFile) -> Place<'a> {
    let path = file.display_path();
    Place {
        uri: relative_uri(root, &path),
        masks: masks_for(&report.secret_spans, &path),
    }
}

fn places<'a>(report: &'a Report, root: &Path, entries: &[Entry<'_>]) -> Places<'a> {
    use rayon::prelude::*;
    let mut files: FastMap<usize, &crate::source::SourceFile> = FastMap::default();
    for (f, ..) in entries {
        for file in std::iter::once(&f.file).chain(f.related.iter().map(|r| &r.file)) {
            files.entry(Arc::as_ptr(file) as usize).or_insert(file);
        }
    }
    files
        .into_par_iter()
        .map(|(at, file)| (at, place(report, root, file)))
        .collect()
}

/// Rendering one result (on a worker thread): whether a mask shows in it.
struct Ctx<'a> {
    report: &'a Report,
    root: &'a Path,
    places: &'a Places<'a>,
    redacted: bool,
}

impl Ctx<'_> {
    /// The file's place, made here for a file [`places`] did not see.
    fn with_place<R>(
        &self,
        file: &Arc<crate::source::SourceFile>,
        then: impl FnOnce(&Place<'_>) -> R,
    ) -> R {
        match self.places.get(&(Arc::as_ptr(file) as usize)) {
            Some(p) => then(p),
            None => then(&place(self.report, self.root, file)),
        }
    }

    fn region(&mut self, w: &mut Pretty, file: &Arc<crate::source::SourceFile>, span: Span) {
        let text = &file.text;
        let s = text.position(span.start);
        let mut e = text.position(span.end);
        if span.is_empty() {
            // A zero-width anchor: extend to the end of its line so viewers show something.
            let line = text.line_span(s.line - 1);
            e = text.position(line.end.max(span.start));
        }
        let (snippet, masked) = self.with_place(file, |p| super::snippet_line(file, span, p.masks));
        if masked {
            self.redacted = true;
        }
        w.object(|w| {
            w.key("startLine").uint(s.line);
            w.key("startColumn").uint(s.column_utf16);
            w.key("endLine").uint(e.line);
            w.key("endColumn")
                .uint(
                    e.column_utf16
                        .max(if e.line == s.line { s.column_utf16 } else { 1 }),
                );
            w.key("snippet").text(&snippet);
        });
    }

    fn location(
        &mut self,
        w: &mut Pretty,
        file: &Arc<crate::source::SourceFile>,
        span: Span,
        message: Option<&str>,
        id: Option<usize>,
    ) {
        w.object(|w| {
            w.key("physicalLocation").object(|w| {
                w.key("artifactLocation").object(|w| {
                    self.with_place(file, |p| w.key("uri").str(&p.uri));
                    w.key("uriBaseId").str("%SRCROOT%");
                });
                self.region(w.key("region"), file, span);
            });
            if let Some(m) = message {
                w.key("message").text(m);
            }
            if let Some(id) = id {
                w.key("id").uint(id);
            }
        });
    }

    /// A result, in the key order of the document.
    fn result(
        &mut self,
        w: &mut Pretty,
        f: &Finding,
        rule_index: usize,
        fingerprint: &str,
        suppression: Option<&crate::model::report::Suppressed>,
    ) {
        if crate::model::shows_mask(&f.message) {
            self.redacted = true;
        }
        w.object(|w| {
            w.key("ruleId").str(&descriptor_id(&f.rule, f.severity));
            w.key("ruleIndex").uint(rule_index);
            w.key("level").str(level(f.severity));
            match &f.component {
                Some(c) if !quotes(&f.message, c) => {
                    w.key("message").text(&format!("{} [{c}]", f.message));
                }
                _ => w.key("message").text(&f.message),
            }
            w.key("locations").array(|w| {
                self.location(w.element(), &f.file, f.span, None, None);
            });
            w.key("partialFingerprints").object(|w| {
                w.key("camguard/v1").str(fingerprint);
            });
            w.key("properties").object(|w| {
                w.key("severity").str(f.severity.as_str());
                w.key("security-severity")
                    .str(security_severity(f.severity));
                w.key("key").str(&f.key);
            });
            if !f.related.is_empty() {
                w.key("relatedLocations").array(|w| {
                    for (i, r) in f.related.iter().enumerate() {
                        self.location(w.element(), &r.file, r.span, Some(&r.label), Some(i + 1));
                    }
                });
            }
            if let Some(sup) = suppression {
                let kind = match sup.kind {
                    SuppressionKind::InSource => "inSource",
                    _ => "external",
                };
                w.key("suppressions").array(|w| {
                    w.element().object(|w| {
                        w.key("kind").str(kind);
                        w.key("justification").str(&sup.justification);
                    });
                });
            }
        });
    }
}

/// Problems with input files, as tool execution notifications.
fn notifications(report: &Report, root: &Path) -> Vec<Value> {
    let mut notifications: Vec<Value> = Vec::new();
    for p in &report.problems {
        let mut n = json!({
            "level": if p.kind.is_error() { "error" } else { "warning" },
            "message": {"text": format!("{}: {}", p.path, p.message)},
            "descriptor": {"id": format!("camguard/{}", p.kind.as_str())},
        });
        if let (Some(file), Some(span)) = (&p.file, p.span) {
            let masks = masks_for(&report.secret_spans, &p.path);
            let (line, text, _) = super::problem_line(file, span, masks);
            let col = file.text.position(span.start).column_utf16;
            n["locations"] = json!([{
                "physicalLocation": {
                    "artifactLocation": {"uri": relative_uri(root, &p.path), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": line, "startColumn": col, "snippet": {"text": text}},
                }
            }]);
        }
        notifications.push(n);
    }
    if report.findings.len() > MAX_RESULTS {
        notifications.push(json!({
            "level": "warning",
            "message": {"text": format!(
                "{} findings; only the first {MAX_RESULTS} are in this log (GitHub's limit)",
                report.findings.len()
            )},
        }));
    }
    notifications
}

/// `%SRCROOT%`: the root directory as a `file://` URI ending in `/`.
fn root_uri(root: &Path) -> String {
    let mut s = root.to_string_lossy().replace('\\', "/");
    if !s.ends_with('/') {
        s.push('/');
    }
    if !s.starts_with('/') {
        s.insert(0, '/');
    }
    format!("file://{}", encode_uri_path(&s))
}

/// Every enabled rule at its own severity, then the severity variants that results need
/// (sorted): GitHub reads a result's severity from its rule descriptor only.
fn rule_table(report: &Report) -> Vec<(Arc<RuleInfo>, Severity)> {
    let mut table: Vec<(Arc<RuleInfo>, Severity)> = report
        .rules
        .iter()
        .map(|r| (r.clone(), r.severity))
        .collect();
    let mut variants: Vec<(String, Arc<RuleInfo>, Severity)> = report
        .findings
        .iter()
        .chain(report.suppressed.iter().map(|s| &s.finding))
        .filter(|f| f.severity != f.rule.severity)
        .map(|f| {
            (
                descriptor_id(&f.rule, f.severity),
                f.rule.clone(),
                f.severity,
            )
        })
        .collect();
    variants.sort_by(|a, b| a.0.cmp(&b.0));
    variants.dedup_by(|a, b| a.0 == b.0);
    table.extend(variants.into_iter().map(|(_, r, s)| (r, s)));
    table
}

/// One result, with its rule index and fingerprint, and its suppression when suppressed
/// findings are included.
type Entry<'a> = (
    &'a Finding,
    &'a String,
    Option<&'a crate::model::report::Suppressed>,
    usize,
);

/// One result rendered at `indent` (on a worker thread), and whether it shows a mask.
fn render_result(
    report: &Report,
    root: &Path,
    places: &Places<'_>,
    e: &Entry<'_>,
    indent: usize,
) -> (String, bool) {
    let (f, fp, sup, idx) = *e;
    let mut ctx = Ctx {
        report,
        root,
        places,
        redacted: false,
    };
    let mut w = Pretty::at(indent);
    ctx.result(&mut w, f, idx, fp, sup);
    (w.finish(), ctx.redacted)
}

/// Render the SARIF log, writing as it goes: the results are rendered on the worker
/// threads, a chunk at a time, in the layout `serde_json::to_string_pretty` gives.
pub(crate) fn render(
    report: &Report,
    opts: &SarifOptions<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use super::stream::Nested;
    // The rule table: every enabled rule at its own severity, then the severity variants
    // results need (sorted), then rules of findings not in the set (should not happen).
    let mut table = rule_table(report);
    let mut index: std::collections::HashMap<String, usize> = table
        .iter()
        .enumerate()
        .map(|(i, (r, s))| (descriptor_id(r, *s), i))
        .collect();
    let fps = fingerprints(
        report
            .findings
            .iter()
            .chain(report.suppressed.iter().map(|s| &s.finding)),
        &opts.root,
    );
    let (fps, suppressed_fps) = fps.split_at(report.findings.len());
    // Findings and (on request) suppressed findings, in one order.
    let mut entries: Vec<(&Finding, &String, Option<&crate::model::report::Suppressed>)> = report
        .findings
        .iter()
        .zip(fps)
        .map(|(f, fp)| (f, fp, None))
        .collect();
    if opts.include_suppressed {
        entries.extend(
            report
                .suppressed
                .iter()
                .zip(suppressed_fps)
                .map(|(s, fp)| (&s.finding, fp, Some(s))),
        );
        entries.sort_by_cached_key(|(f, _, s)| (f.sort_key(), s.is_some()));
    }
    let entries: Vec<Entry<'_>> = entries
        .into_iter()
        .take(MAX_RESULTS)
        .map(|(f, fp, sup)| {
            let id = descriptor_id(&f.rule, f.severity);
            let idx = match index.get(&id) {
                Some(i) => *i,
                None => {
                    table.push((f.rule.clone(), f.severity));
                    index.insert(id, table.len() - 1);
                    table.len() - 1
                }
            };
            (f, fp, sup, idx)
        })
        .collect();
    let mut notifications = notifications(report, &opts.root);
    if report.switched_off.any() {
        notifications.push(json!({
            "level": "warning",
            "message": {"text": report.switched_off.describe()},
            "descriptor": {"id": "camguard/switched-off"},
        }));
    }
    let root_uri = root_uri(&opts.root);
    let mut log = Nested::object(out, 0)?;
    log.entry(
        out,
        "$schema",
        &"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
    )?;
    log.entry(out, "version", &"2.1.0")?;
    log.key(out, "runs")?;
    let mut runs = Nested::array(out, log.inner())?;
    runs.start_element(out)?;
    let mut run = Nested::object(out, runs.inner())?;
    run.key(out, "tool")?;
    let mut tool = Nested::object(out, run.inner())?;
    tool.key(out, "driver")?;
    let mut driver = Nested::object(out, tool.inner())?;
    driver.entry(out, "name", &"camguard")?;
    driver.entry(
        out,
        "fullName",
        &concat!("camguard ", env!("CARGO_PKG_VERSION")),
    )?;
    driver.entry(out, "semanticVersion", &env!("CARGO_PKG_VERSION"))?;
    driver.entry(out, "version", &env!("CARGO_PKG_VERSION"))?;
    driver.entry(out, "informationUri", &env!("CARGO_PKG_HOMEPAGE"))?;
    driver.key(out, "rules")?;
    // Each descriptor is rendered on the worker threads, like the results: with their
    // help texts they were a fifth of the main thread's work on a finding-dense tree.
    let mut rules = Nested::array(out, driver.inner())?;
    let indent = rules.inner();
    super::stream::in_order(
        &table,
        |(r, s)| super::stream::pretty_at(&rule_json(r, *s), indent),
        |r| rules.element(out, &r),
    )?;
    rules.end(out)?;
    driver.end(out)?;
    tool.end(out)?;
    run.entry(
        out,
        "originalUriBaseIds",
        &json!({"%SRCROOT%": {"uri": root_uri}}),
    )?;
    run.entry(out, "columnKind", &"utf16CodeUnits")?;
    run.entry(
        out,
        "properties",
        &json!({"camguard/switchedOff": report.switched_off}),
    )?;
    run.key(out, "results")?;
    let mut results = Nested::array(out, run.inner())?;
    let indent = results.inner();
    let mut redacted = false;
    let places = places(report, &opts.root, &entries);
    super::stream::in_order(
        &entries,
        |e| render_result(report, &opts.root, &places, e, indent),
        |(r, masked)| {
            redacted |= masked;
            results.element(out, &r)
        },
    )?;
    results.end(out)?;
    run.entry(
        out,
        "invocations",
        &json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }]),
    )?;
    if let Some(cat) = opts.category {
        let id = if cat.ends_with('/') {
            cat.to_string()
        } else {
            format!("{cat}/")
        };
        run.entry(out, "automationDetails", &json!({"id": id}))?;
    }
    if redacted {
        run.entry(out, "redactionTokens", &json!([MASK]))?;
    }
    run.end(out)?;
    runs.end(out)?;
    log.end(out)?;
    out.write_all(b"\n")
}

/// Does the message quote `name` (as `` `name` ``)? Without building the quoted text and a
/// searcher for it per finding.
fn quotes(message: &str, name: &str) -> bool {
    let m = message.as_bytes();
    memchr::memmem::find_iter(m, name.as_bytes())
        .any(|at| m[..at].ends_with(b"`") && m[at + name.len()..].starts_with(b"`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_names_quoted_in_messages() {
        assert!(quotes("`zeebe` runs", "zeebe"));
        assert!(quotes("a `zeebe-gateway` and `zeebe`", "zeebe"));
        assert!(!quotes("`zeebe-gateway` runs", "zeebe"));
        assert!(!quotes("zeebe runs", "zeebe"));
        assert!(quotes("empty ``", ""));
        assert!(!quotes("é`", ""));
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        let root = Path::new("/repo");
        assert_eq!(relative_uri(root, "/repo/a/b c.yaml"), "a/b%20c.yaml");
        assert_eq!(relative_uri(root, "/repo/./a/../x.yml"), "x.yml");
        assert_eq!(relative_uri(root, "/repo/deploy/.env"), "deploy/.env");
        assert_eq!(relative_uri(root, "/shared/x.yml"), "../shared/x.yml");
        // Relative paths are relative to the working directory, not to the root.
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(relative_uri(&cwd, "a/b.yaml"), "a/b.yaml");
        if let Some(parent) = cwd.parent() {
            let name = cwd.file_name().unwrap().to_string_lossy();
            assert_eq!(relative_uri(parent, "a.yaml"), format!("{name}/a.yaml"));
        }
    }
}
