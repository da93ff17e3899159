//! Output formats. None of them knows a parser: they read findings and problems.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use std::collections::BTreeMap;

use crate::check::Report;
use crate::rules::Severity;
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
