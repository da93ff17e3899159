//! The lines of a file that a report shows. Once a file is checked, the texts its
//! findings, suppressed findings and problems point into are cut down to those lines
//! ([`keep_shown_lines`]), so that what a scan holds until it renders follows the
//! findings, not the size of the files that have them (issue 16: a Helm values file of
//! 230 KB with one finding kept all of it).
//!
//! Every renderer asks a text only for the positions and lines listed here: the lines of
//! the human excerpt ([`excerpt_lines`], which the excerpt itself uses), the line of each
//! end of every span (for line and column), and the same for related locations, in
//! their own file and, when they share the finding's path, in the finding's.

use crate::model::hashing::FastMap;
use std::sync::Arc;

use super::finding::Finding;
use super::problem::Problem;
use super::report::Suppressed;
use crate::source::{FileRef, SourceText, Span};

/// A primary span that touches more lines than this is cut in an excerpt.
pub const MAX_EXCERPT_LINES: usize = 12;
/// Secondary spans further than this many lines from the primary one are not drawn in
/// the primary's excerpt.
pub const MAX_RELATED_DISTANCE: usize = 200;
/// Lines of context around a finding's excerpt (the human format).
pub const CONTEXT_LINES: usize = 1;

/// The first and last line (0-based) of an excerpt of `spans` with `context` lines
/// around: the first span is the primary one (at most [`MAX_EXCERPT_LINES`] of it), the
/// others are drawn where they start.
pub fn excerpt_lines(text: &SourceText, spans: &[Span], context: usize) -> (usize, usize) {
    let primary = spans.first().copied().unwrap_or_default();
    let first_primary = text.line_index(primary.start);
    let last_primary = text
        .line_index(primary.end.max(primary.start))
        .min(first_primary + MAX_EXCERPT_LINES - 1);
    let mut lo = first_primary;
    let mut hi = last_primary;
    for s in spans.iter().skip(1) {
        lo = lo.min(text.line_index(s.start));
        hi = hi.max(text.line_index(s.start));
    }
    (
        lo.saturating_sub(context),
        (hi + context).min(text.line_count() - 1),
    )
}

/// The lines wanted of each text, by the address of its file.
#[derive(Default)]
struct Wanted {
    by_file: FastMap<usize, (FileRef, Vec<(usize, usize)>)>,
}

impl Wanted {
    fn lines(&mut self, file: &FileRef, first: usize, last: usize) {
        self.by_file
            .entry(Arc::as_ptr(file) as usize)
            .or_insert_with(|| (file.clone(), Vec::new()))
            .1
            .push((first, last));
    }

    /// The lines of both ends of a span.
    fn span(&mut self, file: &FileRef, s: Span) {
        let a = file.text.line_index(s.start);
        let b = file.text.line_index(s.end.max(s.start));
        self.lines(file, a, a);
        if b != a {
            self.lines(file, b, b);
        }
    }

    fn finding(&mut self, f: &Finding) {
        let text = &f.file.text;
        let path = f.path();
        let same_path = |file: &FileRef| Arc::ptr_eq(file, &f.file) || file.display_path() == path;
        let at = text.line_index(f.span.start);
        let mut spans = vec![f.span];
        let mut others: Vec<(String, &FileRef, Vec<Span>)> = Vec::new();
        for r in &f.related {
            // Every format gives the line and column of a related location in its own file.
            self.span(&r.file, r.span);
            if same_path(&r.file) {
                // The human format draws it in the finding's text when it is near.
                self.span(&f.file, r.span);
                if text.line_index(r.span.start).abs_diff(at) <= MAX_RELATED_DISTANCE {
                    spans.push(r.span);
                }
                continue;
            }
            // ... and the others in one excerpt per file, in the text of the first.
            let other = r.file.display_path();
            match others.iter_mut().find(|(p, _, _)| *p == other) {
                Some((_, _, s)) => s.push(r.span),
                None => others.push((other, &r.file, vec![r.span])),
            }
        }
        let (first, last) = excerpt_lines(text, &spans, CONTEXT_LINES);
        self.lines(&f.file, first, last);
        self.span(&f.file, f.span);
        for (_, file, spans) in others {
            let (first, last) = excerpt_lines(&file.text, &spans, 0);
            self.lines(file, first, last);
        }
    }
}

/// Cut the texts that `findings`, `suppressed` and `problems` point into down to the
/// lines the reports show of them (the texts stay whole where that is most of them).
pub fn keep_shown_lines(
    findings: &mut [Finding],
    suppressed: &mut [Suppressed],
    problems: &mut [Problem],
) {
    let mut wanted = Wanted::default();
    for f in findings.iter().chain(suppressed.iter().map(|s| &s.finding)) {
        wanted.finding(f);
    }
    for p in problems.iter() {
        if let (Some(file), Some(span)) = (&p.file, p.span) {
            wanted.span(file, Span::empty(span.start));
        }
    }
    let cut: FastMap<usize, FileRef> = wanted
        .by_file
        .into_iter()
        .filter_map(|(ptr, (file, lines))| Some((ptr, file.keep_lines(lines)?)))
        .collect();
    if cut.is_empty() {
        return;
    }
    let swap = |file: &mut FileRef| {
        if let Some(c) = cut.get(&(Arc::as_ptr(file) as usize)) {
            *file = c.clone();
        }
    };
    for f in findings
        .iter_mut()
        .chain(suppressed.iter_mut().map(|s| &mut s.finding))
    {
        swap(&mut f.file);
        for r in &mut f.related {
            swap(&mut r.file);
        }
    }
    for p in problems.iter_mut() {
        if let Some(file) = &mut p.file {
            swap(file);
        }
    }
}
