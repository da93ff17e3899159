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
    /// SARIF `automationDetails.id`.
    pub sarif_category: Option<String>,
    /// The directory SARIF URIs are relative to.
    pub root: PathBuf,
    /// SARIF: emit suppressed findings with their suppression.
    pub include_suppressed: bool,
}

/// Render the report in one format.
pub fn render(format: Format, report: &Report, opts: &RenderOptions) -> String {
    match format {
        Format::Human => human::render(
            report,
            human::Style {
                color: opts.color,
                width: opts.width,
            },
            report.suppressed.len(),
        ),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(
            report,
            &sarif::SarifOptions {
                category: opts.sarif_category.as_deref(),
                root: opts.root.clone(),
                include_suppressed: opts.include_suppressed,
            },
        ),
        Format::Github => github::render(report),
        Format::Gitlab => gitlab::render(report),
        Format::Junit => junit::render(report),
    }
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
