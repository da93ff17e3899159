//! Errors that point into a TOML file camguard reads (configuration, rule files),
//! rendered with the offending line, like a compiler error.

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};

use crate::model::problem::SourceError;
use crate::source::display;

pub fn render(e: &SourceError) -> String {
    let diag = MietteDiagnostic::new(e.message.clone())
        .with_severity(miette::Severity::Error)
        .with_label(LabeledSpan::new_primary_with_span(
            Some("here".into()),
            (e.span.start, e.span.len()),
        ));
    let report = miette::Report::new(diag)
        .with_source_code(NamedSource::new(display(&e.path), e.source.to_string()));
    let mut out = String::new();
    let _ = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_links(false)
        .render_report(&mut out, report.as_ref());
    out
}

/// Every error, one after the other.
pub fn render_all(errors: &[SourceError]) -> String {
    errors.iter().map(render).collect::<Vec<_>>().join("\n")
}
