//! Errors that point into a TOML file camguard reads (configuration, rule files),
//! rendered with the offending line, like a compiler error.
//!
//! A configuration can name files that are not camguard's (a pull request's `rules-dir`
//! pointing at a runner's credentials is refused, but a broken rule file may still hold
//! secrets): only the first line of the error's span is shown, masked and escaped, and
//! at most [`MAX_ERRORS`] errors are printed.

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic};

use super::{Excerpt, escape};
use crate::model::keys;
use crate::model::problem::SourceError;
use crate::source::{SourceText, Span, display};

/// Errors printed at most; the rest are counted.
pub(crate) const MAX_ERRORS: usize = 20;

fn render_in(e: &SourceError, text: &SourceText) -> String {
    let start = text.clamp(e.span.start);
    let line = text.line_span(text.line_index(start));
    // The first line of the span only.
    let end = text.clamp(e.span.end.max(start)).min(line.end.max(start));
    let excerpt = Excerpt::new(&display(&e.path), text, &[], &[Span::new(start, end)], 0);
    let (offset, len) = excerpt.span(Span::new(start, end));
    let message = escape::line(&keys::mask_secrets(&e.message)).into_owned();
    let diag = MietteDiagnostic::new(message)
        .with_severity(miette::Severity::Error)
        .with_label(LabeledSpan::new_primary_with_span(
            Some("here".into()),
            (offset, len),
        ));
    let report = miette::Report::new(diag).with_source_code(excerpt);
    let mut out = String::new();
    let _ = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_links(false)
        .with_context_lines(0)
        .render_report(&mut out, report.as_ref());
    out
}

/// Every error, one after the other (at most [`MAX_ERRORS`]).
pub(crate) fn render_all(errors: &[SourceError]) -> String {
    let mut texts: Vec<(std::sync::Arc<str>, SourceText)> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    for e in errors.iter().take(MAX_ERRORS) {
        // One line index per file, however many errors point into it.
        let i = match texts
            .iter()
            .position(|(s, _)| std::sync::Arc::ptr_eq(s, &e.source))
        {
            Some(i) => i,
            None => {
                texts.push((e.source.clone(), SourceText::new(e.source.clone())));
                texts.len() - 1
            }
        };
        out.push(render_in(e, &texts[i].1));
    }
    if errors.len() > MAX_ERRORS {
        out.push(format!(
            "... and {} more error(s) not shown\n",
            errors.len() - MAX_ERRORS
        ));
    }
    out.join("\n")
}
