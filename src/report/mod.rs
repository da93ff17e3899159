//! Output formats. None of them knows a parser: they read the report (findings,
//! problems, the source text to quote) and rule metadata.

pub mod deployments;
pub mod escape;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub(crate) mod pretty;
pub mod rules;
pub mod sarif;
pub mod source_error;
pub(crate) mod stream;

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The formats `check` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
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
pub(crate) struct RenderOptions {
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
pub(crate) fn render(format: Format, report: &Report, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = render_to(format, report, opts, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Render the report in one format, writing as it goes: findings are rendered on the
/// worker threads a chunk at a time ([`stream::in_order`]), and no format builds its
/// document in memory.
pub(crate) fn render_to(
    format: Format,
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
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
            out,
        ),
        Format::Concise => human::concise(report, opts.summary, out),
        Format::Json => json::render(report, &opts.root, out),
        Format::Sarif => sarif::render(
            report,
            &sarif::SarifOptions {
                category: opts.sarif_category.as_deref(),
                root: opts.root.clone(),
                include_suppressed: opts.include_suppressed,
            },
            out,
        ),
        Format::Github => github::render(report, &opts.root, opts.summary, out),
        Format::Gitlab => gitlab::render(report, &opts.root, out),
        Format::Junit => junit::render(report, out),
    }
}

/// `--statistics`: how many findings each rule has (JSON for `--format json`, a table
/// otherwise), most frequent first.
pub(crate) fn statistics(format: Format, report: &Report) -> String {
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

use miette::{MietteSpanContents, SourceCode, SpanContents};

use crate::model::keys;
use crate::model::report::Report;
use crate::model::rule::Severity;
use crate::source::{SourceText, Span};

/// Counts per severity, most severe first.
pub(crate) fn counts(report: &Report) -> Vec<(Severity, usize)> {
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

/// Replace the bytes of every range with `*`, widened to whole characters so the text
/// stays UTF-8 and keeps its byte length.
fn star(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = text.as_bytes().to_vec();
    for r in ranges {
        let mut s = r.start.min(text.len());
        let mut e = r.end.min(text.len());
        while s > 0 && !text.is_char_boundary(s) {
            s -= 1;
        }
        while e < text.len() && !text.is_char_boundary(e) {
            e += 1;
        }
        for b in out.iter_mut().take(e).skip(s) {
            *b = b'*';
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Masks for a file, by display path.
pub(crate) fn masks_for<'a>(masks: &'a BTreeMap<String, Vec<Span>>, path: &str) -> &'a [Span] {
    masks.get(path).map(Vec::as_slice).unwrap_or(&[])
}

/// One line of plain text: the problem's or finding's message may contain newlines.
pub(crate) fn one_line(s: &str) -> String {
    escape::line(s).into_owned()
}

/// The masks (sorted, not overlapping, as the scan keeps them) that touch a byte range.
fn masks_in(masks: &[Span], range: std::ops::Range<usize>) -> impl Iterator<Item = &Span> {
    let first = masks.partition_point(|m| m.end <= range.start);
    masks[first..]
        .iter()
        .take_while(move |m| m.start < range.end)
}

/// Lines at least this long have their key-name masks computed once per render.
const LONG_LINE: usize = 4096;

type LineRanges = std::sync::Arc<Vec<std::ops::Range<usize>>>;

thread_local! {
    /// Masks of long lines (a minified file's one line), by text and line: every excerpt
    /// of such a line costs its window, not the line. Each entry keeps its text alive,
    /// so a key can never come to stand for another text.
    static LONG_LINE_MASKS: std::cell::RefCell<Vec<(std::sync::Arc<str>, usize, LineRanges)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// [`keys::secret_ranges_in_line`] of a line, cached for long lines.
fn line_ranges(text: &SourceText, line: usize, raw: &str) -> LineRanges {
    if raw.len() < LONG_LINE {
        return std::sync::Arc::new(keys::secret_ranges_in_line(raw));
    }
    let shared = text.shared();
    LONG_LINE_MASKS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((_, _, r)) = cache
            .iter()
            .find(|(t, l, _)| std::sync::Arc::ptr_eq(t, &shared) && *l == line)
        {
            return r.clone();
        }
        let r: LineRanges = std::sync::Arc::new(keys::secret_ranges_in_line(raw));
        if cache.len() >= 16 {
            cache.remove(0);
        }
        cache.push((shared, line, r.clone()));
        r
    })
}

/// Bytes `s..e` of a line (0-based), masked like [`masked_line`].
fn masked_part(text: &SourceText, line: usize, masks: &[Span], s: usize, e: usize) -> String {
    let span = text.line_span(line);
    let raw = text.slice(span);
    let (from, to) = (span.start + s, span.start + e);
    let mut ranges: Vec<std::ops::Range<usize>> = masks_in(masks, from..to)
        .map(|m| m.start.max(from) - from..m.end.min(to) - from)
        .collect();
    ranges.extend(
        line_ranges(text, line, raw)
            .iter()
            .filter(|r| r.start < e && r.end > s)
            .map(|r| r.start.max(s) - s..r.end.min(e) - s),
    );
    star(&raw[s..e], &ranges)
}

/// Lines longer than this are cut around the point of interest in every excerpt.
pub(crate) const MAX_LINE: usize = 240;

/// A window of at most [`MAX_LINE`] bytes of `line` around byte `col`, on character
/// boundaries: (start, end).
fn window(line: &str, col: usize) -> (usize, usize) {
    if line.len() <= MAX_LINE {
        return (0, line.len());
    }
    let mut s = col.min(line.len()).saturating_sub(MAX_LINE / 2);
    while s > 0 && !line.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = (s + MAX_LINE).min(line.len());
    while e < line.len() && !line.is_char_boundary(e) {
        e += 1;
    }
    (s, e)
}

/// The single source line a problem points at, masked ([`masked_line`]): the file may
/// not have parsed far enough to know its settings. Returns (1-based line, masked text,
/// byte column of the span start in the text); long lines are cut around the span.
pub(crate) fn problem_line(
    file: &crate::source::SourceFile,
    span: Span,
    masks: &[Span],
) -> (usize, String, usize) {
    let text = &file.text;
    let pos = text.position(span.start);
    let line_span = text.line_span(pos.line - 1);
    let raw = text.slice(line_span);
    let col = span.start.saturating_sub(line_span.start).min(raw.len());
    let (s, e) = window(raw, col);
    (
        pos.line,
        masked_part(text, pos.line - 1, masks, s, e),
        col - s,
    )
}

/// The line of `span`'s start as a snippet: masked, cut to [`MAX_LINE`] bytes around the
/// span on long lines, and whether masking changed it.
pub(crate) fn snippet_line(
    file: &crate::source::SourceFile,
    span: Span,
    masks: &[Span],
) -> (String, bool) {
    let text = &file.text;
    let line = text.line_index(span.start);
    let line_span = text.line_span(line);
    let raw = text.slice(line_span);
    let col = text
        .clamp(span.start)
        .saturating_sub(line_span.start)
        .min(raw.len());
    let (s, e) = window(raw, col);
    let masked = masked_part(text, line, masks, s, e);
    let changed = masked != raw[s..e];
    (masked, changed)
}

/// A few lines of a file, masked and escaped, that miette renders as if they were the
/// whole file (with the right line numbers): rendering a finding costs what its lines
/// cost, never what the file costs, and no snippet shows a secret or a raw control
/// character.
#[derive(Debug)]
pub(crate) struct Excerpt {
    name: String,
    text: String,
    /// 0-based line of the file the excerpt starts at.
    first_line: usize,
    /// (offset in the file, offset in `text`), sorted: where runs of the file that are
    /// copied one to one start (lines, windows, around escaped characters).
    map: Vec<(usize, usize)>,
}

pub(crate) use crate::model::shown::MAX_RELATED_DISTANCE;

impl Excerpt {
    /// The lines of `text` that `spans` touch (the first is the primary one: at most
    /// `model::shown::MAX_EXCERPT_LINES` of it; the others should be within
    /// [`MAX_RELATED_DISTANCE`] lines of it), with `context` lines around them.
    pub fn new(
        name: &str,
        text: &SourceText,
        masks: &[Span],
        spans: &[Span],
        context: usize,
    ) -> Self {
        // (the lines that `model::shown` keeps of a checked file's text)
        let (first, last) = crate::model::shown::excerpt_lines(text, spans, context);
        let mut out = String::new();
        let mut map = Vec::new();
        for line in first..=last {
            if line > first {
                out.push('\n');
            }
            let span = text.line_span(line);
            let col = spans
                .iter()
                .find(|s| s.start >= span.start && s.start <= span.end)
                .map_or(0, |s| s.start - span.start);
            let (s, e) = window(text.slice(span), col);
            // Only the window is masked: a long line costs its window per excerpt.
            let masked = masked_part(text, line, masks, s, e);
            if s > 0 {
                out.push('…');
            }
            map.push((span.start + s, out.len()));
            let mut run = 0;
            for (i, c) in masked.char_indices() {
                // The second `#` of `##[`: the legacy workflow command form, which a CI
                // runner obeys anywhere in a log line (`source::defuse_commands`).
                let command =
                    c == '#' && masked[..i].ends_with('#') && masked[i + 1..].starts_with('[');
                if (crate::source::is_unsafe_char(c) && c != '\t') || command {
                    out.push_str(&masked[run..i]);
                    if command {
                        out.push_str("\\u{23}");
                    } else {
                        out.push_str(&escape::line(&masked[i..i + c.len_utf8()]));
                    }
                    run = i + c.len_utf8();
                    map.push((span.start + s + run, out.len()));
                }
            }
            out.push_str(&masked[run..]);
            map.push((span.start + e, out.len()));
            if e < span.len() {
                out.push('…');
            }
        }
        Excerpt {
            name: escape::line(name).into_owned(),
            text: out,
            first_line: first,
            map,
        }
    }

    /// Where an offset of the file lands in the excerpt.
    fn offset(&self, o: usize) -> usize {
        let i = self.map.partition_point(|(raw, _)| *raw <= o);
        if i == 0 {
            return 0;
        }
        let (raw, at) = self.map[i - 1];
        let limit = self.map.get(i).map_or(self.text.len(), |(_, next)| *next);
        (at + (o - raw)).min(limit).min(self.text.len())
    }

    /// A span of the file as (offset, length) in the excerpt, for a miette label.
    pub(crate) fn span(&self, s: Span) -> (usize, usize) {
        let start = self.offset(s.start);
        let end = self.offset(s.end.max(s.start)).max(start);
        (start, end - start)
    }

    #[cfg(test)]
    /// The excerpt's text (for tests and plain renderers).
    pub(crate) fn text(&self) -> &str {
        &self.text
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        // Columns in characters (miette counts bytes), as the other formats count them.
        let at = inner.span().offset().min(self.text.len());
        let mut start = self.text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        while start < at && !self.text.is_char_boundary(start) {
            start += 1;
        }
        let column = self.text.get(start..at).map_or(0, |p| p.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count() + self.first_line,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_mask_escape_and_map_spans() {
        let src =
            "a: 1\n# password: hunter2\nkey: \"x\u{1b}]52;c;Zm9v\u{7}y\"\nsecret: s3cr3t\nz: 2\n";
        let text = SourceText::new(src);
        let at = src.find('y').unwrap();
        let secret = src.find("s3cr3t").unwrap();
        let masks = [Span::new(secret, secret + 6)];
        let e = Excerpt::new("f\u{1b}.yaml", &text, &masks, &[Span::new(at, at + 1)], 1);
        assert!(
            !e.text().contains("hunter2") && !e.text().contains("s3cr3t"),
            "{}",
            e.text()
        );
        assert!(
            !e.text()
                .chars()
                .any(|c| crate::source::is_unsafe_char(c) && c != '\n')
        );
        assert!(
            e.text().contains("x\\u{1b}]52;c;Zm9v\\u{7}y"),
            "{}",
            e.text()
        );
        let (o, l) = e.span(Span::new(at, at + 1));
        assert_eq!(&e.text()[o..o + l], "y");
        assert_eq!(e.name, "f\\u{1b}.yaml");
        assert_eq!(e.first_line, 1);
    }

    #[test]
    fn long_lines_are_cut_around_the_focus() {
        let mut src = "k: ".to_string();
        src.push_str(&"x".repeat(10_000));
        src.push_str("TARGET");
        src.push_str(&"y".repeat(10_000));
        let text = SourceText::new(src.as_str());
        let at = src.find("TARGET").unwrap();
        let e = Excerpt::new("f", &text, &[], &[Span::new(at, at + 6)], 1);
        assert!(e.text().len() < 2 * MAX_LINE, "{}", e.text().len());
        let (o, l) = e.span(Span::new(at, at + 6));
        assert_eq!(&e.text()[o..o + l], "TARGET");
    }

    /// Every format renders a report the same after its texts are cut down to the lines
    /// it shows (`model::shown`): a multi-line primary span, related spans near and far in
    /// the same file and in another file, a zero-width anchor, a long line, a masked
    /// secret and a problem.
    #[test]
    fn cut_texts_render_the_same() {
        use crate::model::finding::Finding;
        use crate::model::problem::{Problem, ProblemKind};
        use crate::model::rule::{Applies, RuleInfo, Severity};
        use crate::source::SourceFile;
        use std::sync::Arc;
        let rule = Arc::new(RuleInfo {
            code: "T001".into(),
            name: "t".into(),
            severity: Severity::High,
            applies: vec![Applies::Any],
            excludes: Vec::new(),
            summary: "s".into(),
            docs: "https://example.com".into(),
            cwe: Vec::new(),
            tags: Vec::new(),
            explanation: "## How to fix\n\nFix it.\n".into(),
            generic: false,
            versions: None,
        });
        let mut text: String = (0..3000).map(|i| format!("key{i}: välue {i}\n")).collect();
        text.push_str(&format!(
            "long: {}TARGET{}\n",
            "x".repeat(3000),
            "y".repeat(3000)
        ));
        text.push_str("password: s3cr3t\n");
        let other_text: String = (0..300).map(|i| format!("o{i}: v\n")).collect();
        let file = SourceFile::new("big.yaml", text.as_str());
        let other = SourceFile::new("other.yaml", other_text.as_str());
        let at = |t: &str, s: &str| t.find(s).unwrap();
        let multi = Span::new(at(&text, "key100:"), at(&text, "key130:") + 3);
        let near = Span::new(at(&text, "key250:"), at(&text, "key250:") + 6);
        let far = Span::new(at(&text, "key500:"), at(&text, "key500:") + 6);
        let o1 = Span::new(at(&other_text, "o10:"), at(&other_text, "o10:") + 3);
        let o2 = Span::new(at(&other_text, "o40:"), at(&other_text, "o40:") + 3);
        let target = at(&text, "TARGET");
        let secret = at(&text, "s3cr3t");
        let findings = vec![
            Finding::builder(&rule, &file, multi)
                .key("k")
                .message("m")
                .label("l")
                .related(&file, near, "near")
                .related(&file, far, "far")
                .related(&other, o1, "o1")
                .related(&other, o2, "o2")
                .build(),
            Finding::builder(
                &rule,
                &file,
                Span::new(at(&text, "key1000:"), at(&text, "key1030:") + 2),
            )
            .key("y")
            .build(),
            Finding::builder(&rule, &file, Span::empty(at(&text, "key7:")))
                .key("z")
                .build(),
            Finding::builder(&rule, &file, Span::new(target, target + 6))
                .key("long")
                .build(),
            Finding::builder(&rule, &file, Span::new(secret - 10, secret + 6))
                .key("password")
                .build(),
        ];
        let problems = vec![Problem::at(
            ProblemKind::Limit,
            &file,
            Span::empty(at(&text, "key333:")),
            "p",
        )];
        let report = |findings: Vec<Finding>, problems: Vec<Problem>| {
            let mut r = Report {
                rules: vec![rule.clone()],
                findings,
                problems,
                ..Report::default()
            };
            r.secret_spans
                .insert("big.yaml".into(), vec![Span::new(secret, secret + 6)]);
            r
        };
        let whole = report(findings.clone(), problems.clone());
        let (mut findings, mut problems) = (findings, problems);
        crate::model::shown::keep_shown_lines(&mut findings, &mut [], &mut problems);
        assert!(findings.iter().all(|f| f.file.text.held() < text.len() / 4));
        assert!(findings[0].related[2].file.text.held() < other_text.len() / 4);
        let cut = report(findings, problems);
        let opts = RenderOptions {
            root: "/".into(),
            ..RenderOptions::default()
        };
        for format in [
            Format::Human,
            Format::Concise,
            Format::Json,
            Format::Sarif,
            Format::Github,
            Format::Gitlab,
            Format::Junit,
        ] {
            let a = render(format, &whole, &opts);
            assert_eq!(a, render(format, &cut, &opts), "{format:?}");
            if format == Format::Human {
                assert!(
                    a.contains("near") && a.contains("o2") && a.contains("TARGET"),
                    "{a}"
                );
                assert!(!a.contains("s3cr3t"), "{a}");
            }
        }
    }
}
