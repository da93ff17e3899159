//! Human output: one miette diagnostic per finding, then a summary line.

use std::collections::HashMap;
use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, SourceCode,
    SourceSpan, SpanContents,
};

use super::{counts, masked_text, masks_for};
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
    source: Option<Named>,
    labels: Vec<LabeledSpan>,
    /// Related locations in other files (a deployment's other layers), one per file.
    related: Vec<Diag>,
}

/// A file's text for miette, whose header column counts characters (as every other
/// format and editors do), not bytes as miette's own sources do.
#[derive(Debug)]
struct Named {
    name: String,
    text: String,
}

impl Named {
    fn new(name: &str, text: String) -> Named {
        Named {
            name: name.to_string(),
            text,
        }
    }
}

struct CharColumns<'a> {
    inner: Box<dyn SpanContents<'a> + 'a>,
    name: &'a str,
    column: usize,
}

impl<'a> SpanContents<'a> for CharColumns<'a> {
    fn data(&self) -> &'a [u8] {
        self.inner.data()
    }
    fn span(&self) -> &SourceSpan {
        self.inner.span()
    }
    fn name(&self) -> Option<&str> {
        Some(self.name)
    }
    fn line(&self) -> usize {
        self.inner.line()
    }
    fn column(&self) -> usize {
        self.column
    }
    fn line_count(&self) -> usize {
        self.inner.line_count()
    }
}

impl SourceCode for Named {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        let at = inner.span().offset().min(self.text.len());
        let mut start = self.text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        while start < at && !self.text.is_char_boundary(start) {
            start += 1;
        }
        let column = self.text.get(start..at).map_or(0, |p| p.chars().count());
        Ok(Box::new(CharColumns {
            inner,
            name: &self.name,
            column,
        }))
    }
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
pub fn fix_text(explanation: &str) -> Option<String> {
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

fn label(span: crate::source::Span, text: &str) -> LabeledSpan {
    LabeledSpan::new_primary_with_span(Some(text.to_string()), (span.start, span.len()))
}

struct Sources<'a> {
    report: &'a Report,
    cache: HashMap<String, String>,
}

impl Sources<'_> {
    fn get(&mut self, path: &str, text: &str) -> Named {
        let masked = self
            .cache
            .entry(path.to_string())
            .or_insert_with(|| masked_text(text, masks_for(&self.report.secret_spans, path)));
        Named::new(path, masked.clone())
    }
}

fn finding_diag(f: &Finding, sources: &mut Sources<'_>) -> Diag {
    let path = f.path();
    let mut labels = vec![label(f.span, &f.label)];
    let mut source = sources.get(&path, f.file.text.text());
    let mut related: Vec<Diag> = Vec::new();
    for r in &f.related {
        let at = LabeledSpan::new_with_span(Some(r.label.clone()), (r.span.start, r.span.len()));
        let other = r.file.display_path();
        if other == path {
            labels.push(at);
        } else if let Some(d) = related.iter_mut().find(|d| d.code == other) {
            d.labels.push(at);
        } else {
            related.push(Diag {
                code: other.clone(),
                message: "related location".to_string(),
                severity: miette::Severity::Advice,
                help: None,
                url: None,
                source: Some(sources.get(&other, r.file.text.text())),
                labels: vec![at],
                related: Vec::new(),
            });
        }
    }
    if f.file.display_path() != path {
        source = sources.get(&f.file.display_path(), f.file.text.text());
    }
    let where_ = match &f.component {
        Some(c) if !f.message.contains(&format!("`{c}`")) => format!(" [{c}]"),
        _ => String::new(),
    };
    Diag {
        code: format!("{} {} ({})", f.rule.code, f.rule.name, f.severity),
        message: format!("{}{where_}", f.message),
        severity: miette_severity(f.severity),
        help: fix_text(&f.rule.explanation),
        url: Some(f.rule.docs.clone()),
        source: Some(source),
        labels,
        related,
    }
}

fn problem_diag(p: &Problem, sources: &mut Sources<'_>) -> Diag {
    // Only the offending line is shown, masked: a broken file's secrets are not known.
    let (source, labels) = match (&p.file, p.span) {
        (Some(file), Some(span)) => {
            let masks = masks_for(&sources.report.secret_spans, &p.path);
            let (line, text, col) = super::problem_line(file, span, masks);
            let mut src = "\n".repeat(line - 1);
            let start = src.len() + col;
            let len = text[col..].chars().next().map_or(0, char::len_utf8);
            src.push_str(&text);
            src.push('\n');
            (
                Some(Named::new(&p.path, src)),
                vec![LabeledSpan::new_primary_with_span(
                    Some("here".into()),
                    (start, len),
                )],
            )
        }
        _ => (None, Vec::new()),
    };
    let message = if source.is_some() {
        p.message.clone()
    } else {
        format!("{}: {}", p.path, p.message)
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
    // Long words (URLs) are never broken: a terminal can still open a URL it wraps.
    GraphicalReportHandler::new_themed(theme)
        .with_links(style.links)
        .with_link_display_text("")
        .with_width(style.width)
        .with_break_words(false)
        .with_context_lines(1)
}

/// The summary line.
pub fn summary(report: &Report, suppressed: usize) -> String {
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

pub fn render(report: &Report, style: Style, suppressed: usize) -> String {
    let h = handler(style);
    let mut sources = Sources {
        report,
        cache: HashMap::new(),
    };
    let mut out = String::new();
    let problem_handler = handler(style);
    for p in &report.problems {
        let d = problem_diag(p, &mut sources);
        let _ = problem_handler.render_report(&mut out, &d);
        out.push('\n');
    }
    for f in &report.findings {
        let d = finding_diag(f, &mut sources);
        let _ = h.render_report(&mut out, &d);
        out.push('\n');
    }
    if style.summary {
        out.push_str(&summary(report, suppressed));
        out.push('\n');
    }
    out
}

/// `--format concise`: one line per problem and finding, `path:line:col: CODE message
/// (severity)` (columns in characters), then the summary line.
pub fn concise(report: &Report, with_summary: bool) -> String {
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
            p.path,
            p.kind.as_str(),
            super::one_line(&p.message)
        ));
    }
    for f in &report.findings {
        let pos = f.file.text.position(f.span.start);
        let where_ = match &f.component {
            Some(c) if !f.message.contains(&format!("`{c}`")) => format!(" [{c}]"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "{}:{}:{}: {} {}{where_} ({})\n",
            f.path(),
            pos.line,
            pos.column,
            f.rule.code,
            super::one_line(&f.message),
            f.severity,
        ));
    }
    if with_summary {
        out.push_str(&summary(report, report.suppressed.len()));
        out.push('\n');
    }
    out
}
