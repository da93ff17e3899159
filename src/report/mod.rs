//! Output formats. None of them knows a parser: they read the report (findings,
//! problems, the source text to quote) and rule metadata.

pub mod deployments;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod rules;
pub mod sarif;
pub mod source_error;

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The formats `check` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    /// One line per finding: `path:line:col: CODE message`.
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
}

/// How to render, beyond the report itself.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// Human output: colours and the line width.
    pub color: bool,
    pub width: usize,
    /// Human output: rule codes as OSC 8 links to their documentation.
    pub links: bool,
    /// SARIF `automationDetails.id`.
    pub sarif_category: Option<String>,
    /// The directory SARIF, GitHub and GitLab paths (and every fingerprint) are
    /// relative to: the repository root.
    pub root: PathBuf,
    /// SARIF: emit suppressed findings with their suppression.
    pub include_suppressed: bool,
    /// Human, concise and GitHub output end with the summary line (not with `--quiet`).
    pub summary: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
            links: false,
            sarif_category: None,
            root: std::env::current_dir().unwrap_or_default(),
            include_suppressed: false,
            summary: true,
        }
    }
}

/// Render the report in one format.
pub fn render(format: Format, report: &Report, opts: &RenderOptions) -> String {
    match format {
        Format::Human => human::render(
            report,
            human::Style {
                color: opts.color,
                width: opts.width,
                links: opts.links,
                summary: opts.summary,
            },
            report.suppressed.len(),
        ),
        Format::Concise => human::concise(report, opts.summary),
        Format::Json => json::render(report, &opts.root),
        Format::Sarif => sarif::render(
            report,
            &sarif::SarifOptions {
                category: opts.sarif_category.as_deref(),
                root: opts.root.clone(),
                include_suppressed: opts.include_suppressed,
            },
        ),
        Format::Github => github::render(report, &opts.root, opts.summary),
        Format::Gitlab => gitlab::render(report, &opts.root),
        Format::Junit => junit::render(report),
    }
}

/// `--statistics`: how many findings each rule has (JSON for `--format json`, a table
/// otherwise), most frequent first.
pub fn statistics(format: Format, report: &Report) -> String {
    let mut per: BTreeMap<&str, (usize, &str, Vec<Severity>)> = BTreeMap::new();
    for f in &report.findings {
        let e = per
            .entry(f.rule.code.as_str())
            .or_insert((0, f.rule.name.as_str(), Vec::new()));
        e.0 += 1;
        if !e.2.contains(&f.severity) {
            e.2.push(f.severity);
        }
    }
    let mut rows: Vec<(&str, usize, &str, Vec<Severity>)> = per
        .into_iter()
        .map(|(code, (n, name, mut sevs))| {
            sevs.sort_by(|a, b| b.cmp(a));
            (code, n, name, sevs)
        })
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if format == Format::Json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|(code, n, name, sevs)| {
                serde_json::json!({"code": code, "name": name, "count": n, "severities": sevs})
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
        s.push('\n');
        return s;
    }
    let mut s = String::new();
    for (code, n, name, sevs) in &rows {
        let sevs: Vec<&str> = sevs.iter().map(|s| s.as_str()).collect();
        s.push_str(&format!("{n:>6}  {code:<8} {name} [{}]\n", sevs.join(", ")));
    }
    s.push_str(&format!(
        "{:>6}  findings in {} file{}\n",
        report.findings.len(),
        report.files.len(),
        if report.files.len() == 1 { "" } else { "s" }
    ));
    s
}

use crate::model::report::Report;
use crate::model::rule::Severity;
use crate::source::Span;

/// Counts per severity, most severe first.
pub fn counts(report: &Report) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .map(|s| {
            (
                *s,
                report.findings.iter().filter(|f| f.severity == *s).count(),
            )
        })
        .collect()
}

/// The file text with every secret value replaced by `*` of the same byte length,
/// so spans stay valid and no snippet can show a secret.
pub fn masked_text(text: &str, masks: &[Span]) -> String {
    let mut out = text.as_bytes().to_vec();
    for m in masks {
        let end = m.end.min(out.len());
        for b in out.iter_mut().take(end).skip(m.start) {
            *b = b'*';
        }
    }
    // Masking whole byte ranges of UTF-8 text keeps it valid only on char boundaries;
    // spans come from parsers and are on boundaries, but never trust that blindly.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Masks for a file, by display path.
pub fn masks_for<'a>(masks: &'a BTreeMap<String, Vec<Span>>, path: &str) -> &'a [Span] {
    masks.get(path).map(Vec::as_slice).unwrap_or(&[])
}

/// One line of plain text: the problem's or finding's message may contain newlines.
pub fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// The single source line a problem points at, with secrets masked: known secret
/// values, and anything after a secret-looking key on that line (the file may not have
/// parsed far enough to know its settings). Returns (1-based line, masked text, byte
/// column of the span start in the line).
pub fn problem_line(
    file: &crate::source::SourceFile,
    span: Span,
    masks: &[Span],
) -> (usize, String, usize) {
    let text = &file.text;
    let pos = text.position(span.start);
    let line_span = text.line_span(pos.line - 1);
    let own: Vec<Span> = masks
        .iter()
        .filter(|m| m.start < line_span.end && m.end > line_span.start)
        .map(|m| {
            Span::new(
                m.start.max(line_span.start) - line_span.start,
                m.end.min(line_span.end) - line_span.start,
            )
        })
        .collect();
    let mut line = masked_text(text.slice(line_span), &own);
    if let Some(start) = crate::model::keys::secret_value_start(&line) {
        let n = line.len() - start;
        line.replace_range(start.., &"*".repeat(n));
    }
    // Keep very long lines (minified files) short.
    const MAX: usize = 240;
    let col = span.start.saturating_sub(line_span.start).min(line.len());
    if line.len() > MAX {
        let start = col.saturating_sub(MAX / 2);
        let mut s = start;
        while s > 0 && !line.is_char_boundary(s) {
            s -= 1;
        }
        let mut e = (s + MAX).min(line.len());
        while e < line.len() && !line.is_char_boundary(e) {
            e += 1;
        }
        return (pos.line, line[s..e].to_string(), col - s);
    }
    (pos.line, line, col)
}
