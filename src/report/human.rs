//! Human output: one miette diagnostic per finding, then a summary line.

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use super::{Excerpt, counts, escape, masks_for};
use crate::model::finding::Finding;
use crate::model::problem::Problem;
use crate::model::report::Report;
use crate::model::rule::Severity;

#[derive(Debug)]
struct Diag {
    code: String,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    url: Option<String>,
    source: Option<Excerpt>,
    labels: Vec<LabeledSpan>,
    /// Related locations in other files (a deployment's other layers), one per file.
    related: Vec<Diag>,
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl Diag {
    /// A related location of another diagnostic (its code holds the file, for grouping).
    fn related_only(&self) -> bool {
        self.severity == miette::Severity::Advice
            && self.help.is_none()
            && self.url.is_none()
            && self.message == "related location"
    }
}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.related_only()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.clone().into_iter()))
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    pub width: usize,
    /// Rule codes as OSC 8 links to the rule's documentation (instead of the URL).
    pub links: bool,
    /// End with the summary line.
    pub summary: bool,
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Critical | Severity::High => miette::Severity::Error,
        Severity::Medium => miette::Severity::Warning,
        Severity::Low => miette::Severity::Advice,
    }
}

/// The fix, taken from the rule's explanation ("How to fix" section), one paragraph.
pub(crate) fn fix_text(explanation: &str) -> Option<String> {
    let mut lines = explanation
        .lines()
        .skip_while(|l| !l.trim().eq_ignore_ascii_case("## how to fix"));
    lines.next()?;
    let para: Vec<&str> = lines
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("##") && !l.starts_with("```"))
        .map(str::trim)
        .collect();
    (!para.is_empty()).then(|| para.join(" "))
}

fn label(span: (usize, usize), text: &str) -> LabeledSpan {
    LabeledSpan::new_primary_with_span(Some(text.to_string()), span)
}

struct Sources<'a> {
    report: &'a Report,
}

fn finding_diag(f: &Finding, sources: &mut Sources<'_>) -> Diag {
    let path = f.path();
    let text = &f.file.text;
    let near = |s: crate::source::Span| {
        text.line_index(s.start)
            .abs_diff(text.line_index(f.span.start))
            <= super::MAX_RELATED_DISTANCE
    };
    let related: Vec<_> = f
        .related
        .iter()
        .filter(|r| r.file.display_path() == path && near(r.span))
        .collect();
    let mut spans = vec![f.span];
    spans.extend(related.iter().map(|r| r.span));
    let masks = masks_for(&sources.report.secret_spans, &path);
    let source = Excerpt::new(
        &path,
        text,
        masks,
        &spans,
        crate::model::shown::CONTEXT_LINES,
    );
    let mut labels = vec![label(source.span(f.span), &escape::line(&f.label))];
    for r in related {
        labels.push(LabeledSpan::new_with_span(
            Some(escape::line(&r.label).into_owned()),
            source.span(r.span),
        ));
    }
    let related = other_files(f, &path, sources);
    let where_ = match &f.component {
        Some(c) if !f.message.contains(&format!("`{c}`")) => format!(" [{c}]"),
        _ => String::new(),
    };
    Diag {
        code: escape::line(&format!("{} {} ({})", f.rule.code, f.rule.name, f.severity))
            .into_owned(),
        message: escape::line(&format!("{}{where_}", f.message)).into_owned(),
        severity: miette_severity(f.severity),
        help: fix_text(&f.rule.explanation).map(|h| escape::line(&h).into_owned()),
        url: Some(escape::line(&f.rule.docs).into_owned()),
        source: Some(source),
        labels,
        related,
    }
}

/// The related locations of a finding in other files (the layers of a deployment that
/// fed or were overridden by the winning one), one diagnostic per file.
fn other_files(f: &Finding, path: &str, sources: &Sources<'_>) -> Vec<Diag> {
    let mut by_file: Vec<(
        String,
        &crate::source::FileRef,
        Vec<&crate::model::finding::Related>,
    )> = Vec::new();
    for r in &f.related {
        let other = r.file.display_path();
        if other == path {
            continue;
        }
        match by_file.iter_mut().find(|(p, _, _)| *p == other) {
            Some((_, _, rs)) => rs.push(r),
            None => by_file.push((other, &r.file, vec![r])),
        }
    }
    by_file
        .into_iter()
        .map(|(other, file, rs)| {
            let masks = masks_for(&sources.report.secret_spans, &other);
            let spans: Vec<crate::source::Span> = rs.iter().map(|r| r.span).collect();
            let source = Excerpt::new(&other, &file.text, masks, &spans, 0);
            let labels = rs
                .iter()
                .map(|r| {
                    LabeledSpan::new_with_span(
                        Some(escape::line(&r.label).into_owned()),
                        source.span(r.span),
                    )
                })
                .collect();
            Diag {
                code: escape::line(&other).into_owned(),
                message: "related location".to_string(),
                severity: miette::Severity::Advice,
                help: None,
                url: None,
                source: Some(source),
                labels,
                related: Vec::new(),
            }
        })
        .collect()
}

fn problem_diag(p: &Problem, sources: &mut Sources<'_>) -> Diag {
    // Only the offending line is shown, masked: a broken file's secrets are not known.
    let (source, labels) = match (&p.file, p.span) {
        (Some(file), Some(span)) => {
            let masks = masks_for(&sources.report.secret_spans, &p.path);
            let start = file.text.clamp(span.start);
            let len = file
                .text
                .slice(crate::source::Span::new(start, start + 4))
                .chars()
                .next()
                .map_or(0, char::len_utf8);
            let at = crate::source::Span::new(start, start + len);
            let src = Excerpt::new(&p.path, &file.text, masks, &[at], 0);
            let here = src.span(at);
            (
                Some(src),
                vec![LabeledSpan::new_primary_with_span(
                    Some("here".into()),
                    here,
                )],
            )
        }
        _ => (None, Vec::new()),
    };
    let message = if source.is_some() {
        escape::line(&p.message).into_owned()
    } else {
        escape::line(&format!("{}: {}", p.path, p.message)).into_owned()
    };
    Diag {
        code: format!("camguard::{}", p.kind.as_str()),
        message,
        severity: if p.kind.is_error() {
            miette::Severity::Error
        } else {
            miette::Severity::Warning
        },
        help: p.kind.is_error().then(|| {
            "this file was not fully checked, so the run fails; fix or exclude it".to_string()
        }),
        url: None,
        source,
        labels,
        related: Vec::new(),
    }
}

fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Long words (URLs) are never broken: a terminal can still open a URL it wraps. Lines
    // break at spaces only, never inside a word at a hyphen or slash: keys, paths and URLs
    // stay whole, to be copied or searched (and UAX #14 line breaking was most of the
    // time of this report on a tree with many findings: BENCHMARKS.md).
    GraphicalReportHandler::new_themed(theme)
        .with_links(style.links)
        .with_link_display_text("")
        .with_width(style.width)
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_context_lines(1)
}

/// The summary line.
pub(crate) fn summary(report: &Report, suppressed: usize) -> String {
    let n = report.findings.len();
    let per: Vec<String> = counts(report)
        .into_iter()
        .filter(|(_, c)| *c > 0)
        .map(|(s, c)| format!("{c} {s}"))
        .collect();
    let mut line = format!(
        "Scanned {} file{}: {} finding{}",
        report.files.len(),
        if report.files.len() == 1 { "" } else { "s" },
        n,
        if n == 1 { "" } else { "s" },
    );
    if !per.is_empty() {
        line.push_str(&format!(" ({})", per.join(", ")));
    }
    if suppressed > 0 {
        line.push_str(&format!(", {suppressed} suppressed"));
    }
    if report.ignored_files > 0 {
        line.push_str(&format!(
            ", {} configuration file{} set aside by ignore rules (untracked; --no-ignore checks them)",
            report.ignored_files,
            if report.ignored_files == 1 { "" } else { "s" }
        ));
    }
    let errors = report.problems.iter().filter(|p| p.kind.is_error()).count();
    if errors > 0 {
        line.push_str(&format!(
            "; {errors} file problem{} (not fully checked)",
            if errors == 1 { "" } else { "s" }
        ));
    }
    line.push('.');
    line
}

/// The diagnostics, then the summary, written as they are rendered (findings on the
/// worker threads, a chunk at a time).
pub(crate) fn render(
    report: &Report,
    style: Style,
    suppressed: usize,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let h = handler(style);
    let mut sources = Sources { report };
    let mut text = String::new();
    for p in &report.problems {
        text.clear();
        let d = problem_diag(p, &mut sources);
        let _ = h.render_report(&mut text, &d);
        text.push('\n');
        out.write_all(text.as_bytes())?;
    }
    super::stream::in_order(
        &report.findings,
        |f| {
            let mut sources = Sources { report };
            let d = finding_diag(f, &mut sources);
            let mut text = String::new();
            let _ = h.render_report(&mut text, &d);
            text.push('\n');
            text
        },
        |text| out.write_all(text.as_bytes()),
    )?;
    if style.summary {
        let mut end = summary(report, suppressed);
        end.push('\n');
        if report.switched_off.any() {
            end.push_str(&escape::line(&report.switched_off.describe()));
            end.push('\n');
        }
        out.write_all(end.as_bytes())?;
    }
    Ok(())
}

/// `--format concise`: one line per problem and finding, `path:line:col: CODE message
/// (severity)` (columns in characters), then the summary line.
pub(crate) fn concise(
    report: &Report,
    with_summary: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut out = String::new();
    for p in &report.problems {
        let at = match (&p.file, p.span) {
            (Some(f), Some(s)) => {
                let pos = f.text.position(s.start);
                format!(":{}:{}", pos.line, pos.column)
            }
            _ => String::new(),
        };
        out.push_str(&format!(
            "{}{at}: camguard::{} {}\n",
            escape::line(&p.path),
            p.kind.as_str(),
            escape::line(&p.message)
        ));
    }
    w.write_all(out.as_bytes())?;
    super::stream::in_order(
        &report.findings,
        |f| {
            let pos = f.file.text.position(f.span.start);
            let where_ = match &f.component {
                Some(c) if !f.message.contains(&format!("`{c}`")) => format!(" [{c}]"),
                _ => String::new(),
            };
            format!(
                "{}:{}:{}: {} {}{where_} ({})\n",
                escape::line(&f.path()),
                pos.line,
                pos.column,
                f.rule.code,
                escape::line(&f.message),
                f.severity,
            )
        },
        |l| w.write_all(l.as_bytes()),
    )?;
    if with_summary {
        let mut end = summary(report, report.suppressed.len());
        end.push('\n');
        w.write_all(end.as_bytes())?;
    }
    Ok(())
}
