//! Source text, byte spans and position conversions.
//!
//! Every parser in camguard reports byte ranges into the original text. This
//! module turns those into 1-based lines and columns (in characters and in
//! UTF-16 code units, the unit SARIF consumers expect).

use std::ops::Range;
use std::sync::Arc;

/// A half-open byte range `[start, end)` into a source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub(crate) const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub(crate) const fn empty(at: usize) -> Self {
        Span { start: at, end: at }
    }

    pub(crate) const fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub(crate) const fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    pub(crate) fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Shift a span found in an embedded document back into its container.
    pub(crate) const fn offset(&self, by: usize) -> Self {
        Span {
            start: self.start + by,
            end: self.end + by,
        }
    }
}

/// A 1-based position: line, column in Unicode scalar values, column in UTF-16 code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub column_utf16: usize,
}

/// The text of one file plus a line index.
///
/// A text can be cut down to some of its lines ([`SourceText::keep_lines`]) once a file is
/// checked: offsets, lines and columns inside the kept lines are those of the whole text,
/// so that a report holds the lines it shows, not the files.
#[derive(Debug)]
pub struct SourceText {
    /// The whole text, or the kept lines one after the other.
    text: Arc<str>,
    /// File offsets of the starts of lines: of every line, or of the kept ones. Made on
    /// first use: most files of a scan have no finding, and nothing asks for a line of
    /// theirs (a cut text has its own from the start).
    line_starts: std::sync::OnceLock<Vec<usize>>,
    cut: Option<Box<Cut>>,
}

/// What a cut text knows of the whole one.
#[derive(Debug)]
struct Cut {
    /// Length and line count of the whole text.
    len: usize,
    lines: usize,
    /// The 0-based line of each entry of `line_starts`.
    line_numbers: Vec<usize>,
    /// Runs of consecutive kept lines (with their line breaks), sorted.
    runs: Vec<Run>,
}

#[derive(Clone, Copy, Debug)]
struct Run {
    /// Offset of the run in the file and in the kept text; its length.
    file: usize,
    at: usize,
    len: usize,
}

impl Cut {
    /// The run that holds file offset `o` (its end included) and where `o` is in the
    /// kept text.
    fn find(&self, o: usize) -> Option<(Run, usize)> {
        let i = self.runs.partition_point(|r| r.file <= o);
        let r = *self.runs.get(i.checked_sub(1)?)?;
        (o <= r.file + r.len).then_some((r, r.at + (o - r.file)))
    }
}

impl SourceText {
    pub fn new(text: impl Into<Arc<str>>) -> Self {
        SourceText {
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
            cut: None,
        }
    }

    /// The line index, made the first time it is asked for.
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut line_starts = vec![0];
            let bytes = self.text.as_bytes();
            if memchr::memchr(b'\r', bytes).is_none() {
                // (most texts: one needle searches faster than two, and a text without CR
                // takes one more pass to tell)
                line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
            } else {
                for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                    // A lone CR is a line break too (old Mac files); CRLF counts once.
                    if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                        line_starts.push(i + 1);
                    }
                }
            }
            // Held for every file a deployment waits for: not up to twice its size.
            line_starts.shrink_to_fit();
            line_starts
        })
    }

    /// The whole text (never of a cut text: only analysis, which runs before the cut,
    /// reads it whole).
    pub(crate) fn text(&self) -> &str {
        debug_assert!(self.cut.is_none(), "the whole text of a cut text");
        &self.text
    }

    pub(crate) fn shared(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    pub(crate) fn line_count(&self) -> usize {
        self.cut
            .as_ref()
            .map_or(self.line_starts().len(), |c| c.lines)
    }

    /// Bytes held for the text.
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.text.len()
    }

    /// Clamp an offset into the text and onto a character boundary.
    pub(crate) fn clamp(&self, offset: usize) -> usize {
        let Some(cut) = &self.cut else {
            let mut o = offset.min(self.text.len());
            while o > 0 && !self.text.is_char_boundary(o) {
                o -= 1;
            }
            return o;
        };
        let o = offset.min(cut.len);
        match cut.find(o) {
            Some((r, mut t)) => {
                while t > r.at && !self.text.is_char_boundary(t) {
                    t -= 1;
                }
                r.file + (t - r.at)
            }
            None => o,
        }
    }

    /// The entry of `line_starts` of the line that holds a clamped offset.
    fn entry(&self, offset: usize) -> usize {
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// 0-based line index containing `offset`.
    pub(crate) fn line_index(&self, offset: usize) -> usize {
        let i = self.entry(self.clamp(offset));
        match &self.cut {
            None => i,
            Some(c) => c.line_numbers.get(i).copied().unwrap_or(0),
        }
    }

    /// Byte span of a 0-based line, without its line terminator.
    pub(crate) fn line_span(&self, line: usize) -> Span {
        let (start, bytes) = match &self.cut {
            None => {
                let len = self.text.len();
                let start = self.line_starts().get(line).copied().unwrap_or(len);
                let end = self.line_starts().get(line + 1).copied().unwrap_or(len);
                (start, &self.text.as_bytes()[start..end])
            }
            Some(c) => {
                let Ok(i) = c.line_numbers.binary_search(&line) else {
                    return Span::empty(c.len);
                };
                let start = self.line_starts()[i];
                let Some((run, at)) = c.find(start) else {
                    return Span::empty(start);
                };
                let end = match c.line_numbers.get(i + 1) {
                    Some(&next) if next == line + 1 => self.line_starts()[i + 1],
                    _ => run.file + run.len,
                };
                (start, &self.text.as_bytes()[at..at + (end - start)])
            }
        };
        let mut n = bytes.len();
        while n > 0 && (bytes[n - 1] == b'\n' || bytes[n - 1] == b'\r') {
            n -= 1;
        }
        Span::new(start, start + n)
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = self.clamp(offset);
        let i = self.entry(offset);
        let line = match &self.cut {
            None => i,
            Some(c) => c.line_numbers.get(i).copied().unwrap_or(0),
        };
        let prefix = self.slice(Span::new(self.line_starts()[i], offset));
        // (ASCII, as almost every configuration line is, counts one column a byte in both
        // units; counting UTF-16 units char by char was most of a SARIF region's cost)
        let (column, column_utf16) = if prefix.is_ascii() {
            (prefix.len(), prefix.len())
        } else {
            (prefix.chars().count(), prefix.encode_utf16().count())
        };
        Position {
            line: line + 1,
            column: column + 1,
            column_utf16: column_utf16 + 1,
        }
    }

    pub fn slice(&self, span: Span) -> &str {
        let s = self.clamp(span.start);
        let e = self.clamp(span.end.max(span.start));
        let Some(cut) = &self.cut else {
            return &self.text[s..e];
        };
        match cut.find(s) {
            // (a span that runs past its run is cut at the run's end)
            Some((r, at)) => &self.text[at..at + (e.min(r.file + r.len) - s)],
            None => "",
        }
    }

    /// A copy that holds only some lines (0-based, inclusive ranges, in any order, past
    /// the end ignored); `None` when they are most of the text or it is cut already.
    pub(crate) fn keep_lines(&self, mut ranges: Vec<(usize, usize)>) -> Option<SourceText> {
        if self.cut.is_some() {
            return None;
        }
        let lines = self.line_starts().len();
        let len = self.text.len();
        ranges.retain(|&(a, b)| a <= b && a < lines);
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
        for (a, b) in ranges {
            let b = b.min(lines - 1);
            match merged.last_mut() {
                Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let bytes_of = |&(a, b): &(usize, usize)| {
            self.line_starts().get(b + 1).copied().unwrap_or(len) - self.line_starts()[a]
        };
        let kept: usize = merged.iter().map(bytes_of).sum();
        // Not worth a copy when it saves less than a quarter.
        if kept.saturating_mul(4) >= len.saturating_mul(3) {
            return None;
        }
        let mut text = String::with_capacity(kept);
        let mut line_starts = Vec::new();
        let mut line_numbers = Vec::new();
        let mut runs = Vec::with_capacity(merged.len());
        for &(a, b) in &merged {
            let file = self.line_starts()[a];
            let end = self.line_starts().get(b + 1).copied().unwrap_or(len);
            runs.push(Run {
                file,
                at: text.len(),
                len: end - file,
            });
            text.push_str(&self.text[file..end]);
            line_starts.extend_from_slice(&self.line_starts()[a..=b]);
            line_numbers.extend(a..=b);
        }
        Some(SourceText {
            text: text.into(),
            line_starts: std::sync::OnceLock::from(line_starts),
            cut: Some(Box::new(Cut {
                len,
                lines,
                line_numbers,
                runs,
            })),
        })
    }
}

/// A file that was read, with a display path (relative to where the scan started).
#[derive(Debug)]
pub struct SourceFile {
    pub path: std::path::PathBuf,
    pub text: SourceText,
    /// [`display`] of the path, made once: reports ask for it for every finding and
    /// location, and escaping a path costs about 2,000 instructions.
    shown: std::sync::OnceLock<String>,
}

impl SourceFile {
    pub fn new(path: impl Into<std::path::PathBuf>, text: impl Into<Arc<str>>) -> Arc<Self> {
        Arc::new(SourceFile {
            path: path.into(),
            text: SourceText::new(text),
            shown: std::sync::OnceLock::new(),
        })
    }

    /// A file read from `path`: the path as found is its identity (never its escaped
    /// display form, which would be escaped again when shown and name another file), less
    /// a leading `./`, so that `./dir` and `dir` name the same files.
    pub fn read_at(path: &std::path::Path, text: impl Into<Arc<str>>) -> Arc<Self> {
        let path = match path.strip_prefix(".") {
            Ok(rest) if !rest.as_os_str().is_empty() => rest.to_path_buf(),
            _ => path.to_path_buf(),
        };
        SourceFile::new(path, text)
    }

    /// The path with forward slashes, for reports.
    pub fn display_path(&self) -> String {
        self.shown.get_or_init(|| display(&self.path)).clone()
    }

    /// The file with only some lines of its text ([`SourceText::keep_lines`]).
    pub(crate) fn keep_lines(&self, ranges: Vec<(usize, usize)>) -> Option<Arc<Self>> {
        Some(Arc::new(SourceFile {
            path: self.path.clone(),
            text: self.text.keep_lines(ranges)?,
            shown: self.shown.clone(),
        }))
    }
}

pub(crate) type FileRef = Arc<SourceFile>;

/// How spans of a document embedded in another file (a block scalar holding an
/// application.yaml) map back to the container file.
#[derive(Clone, Debug, Default)]
pub(crate) enum SpanMap {
    #[default]
    Identity,
    /// One entry per line of the embedded text, sorted by `text`, possibly followed by
    /// one for the end of the text (see [`LineMap`]).
    Lines(Vec<LineMap>),
    /// Nothing maps precisely: every span becomes this one.
    Fixed(Span),
}

/// Where one line of an embedded text sits in the container file. Within the line,
/// offsets map one to one. The position at the start of the line is two places in the
/// file: a span starting there starts at the line's content (after the indentation the
/// embedding removed), one ending there ends right after the file's line break before
/// the line (`\n` or `\r\n`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineMap {
    /// Offset of the line in the embedded text.
    pub text: usize,
    /// Offset of the line's content in the file.
    pub content: usize,
    /// Offset in the file right after the line break that precedes the line.
    pub after_break: usize,
}

impl SpanMap {
    /// The file offset of a position in the embedded text (where a span starts, or a
    /// point).
    pub(crate) fn offset(&self, o: usize) -> usize {
        match self {
            SpanMap::Identity => o,
            SpanMap::Fixed(s) => s.start,
            SpanMap::Lines(lines) => Self::line(lines, o).map_or(o, |l| l.content + (o - l.text)),
        }
    }

    /// The file offset where a span ending at `o` in the embedded text ends.
    fn end_offset(&self, o: usize) -> usize {
        match self {
            SpanMap::Lines(lines) => match Self::line(lines, o) {
                Some(l) if l.text == o => l.after_break,
                _ => self.offset(o),
            },
            _ => self.offset(o),
        }
    }

    /// The last line starting at or before `o`.
    fn line(lines: &[LineMap], o: usize) -> Option<&LineMap> {
        let i = match lines.binary_search_by(|l| l.text.cmp(&o)) {
            Ok(i) => i,
            Err(0) => return None,
            Err(i) => i - 1,
        };
        lines.get(i)
    }

    pub(crate) fn span(&self, s: Span) -> Span {
        match self {
            SpanMap::Fixed(f) => *f,
            _ => {
                let start = self.offset(s.start);
                let end = if s.is_empty() {
                    start
                } else {
                    self.end_offset(s.end).max(start)
                };
                Span::new(start, end)
            }
        }
    }
}

/// Characters that must never reach a log line or a terminal raw: C0 controls (CR, LF,
/// ESC among them), DEL, C1 controls (U+0085 NEL and U+009B CSI among them), the Unicode
/// line and paragraph separators, and the bidirectional controls that reorder what a
/// reader sees (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069). Every output
/// shows them escaped (`crate::report::escape`); path display uses the same set.
pub(crate) fn is_unsafe_char(c: char) -> bool {
    matches!(c,
        '\0'..='\x1f'
        | '\x7f'..='\u{9f}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{61c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// The lines of a text exactly as [`str::lines`] gives them (split at `\n`, a `\r` before
/// it dropped), found with the `memchr` crate's vectorised search: `str::lines` looks for
/// each `\n` with core's word-at-a-time search, which cost more than the work done on the
/// short lines of a configuration file in the content checks that read every line.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(i) = memchr::memchr(b'\n', rest.as_bytes()) else {
            return Some(std::mem::take(&mut rest));
        };
        let line = &rest[..i];
        rest = &rest[i + 1..];
        Some(line.strip_suffix('\r').unwrap_or(line))
    })
}

/// Does the text hold `##[`, the legacy workflow command (see [`defuse_commands`])? With one
/// searcher of the `memchr` crate made for the whole run: `str::contains` and
/// `memmem::find` build one per call, and this runs on every string of every finding.
pub(crate) fn holds_legacy_command(s: &str) -> bool {
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"##["));
    FINDER.find(s.as_bytes()).is_some()
}

/// Text that a CI runner would read as a workflow command, made inert: GitHub Actions runs a
/// log line as a command when it starts with `::` after leading blanks, and runs the legacy
/// `##[command]` form anywhere in a line (actions/runner `ActionCommand.TryParseV2` /
/// `TryParse`, tried in turn by `ActionCommandManager.TryProcessCommand`). Each `##[`
/// becomes `#\u{23}[`, and a `::` that starts a line (after blanks) `\u{3a}:`; nothing
/// else changes, and a backslash in the input is already escaped, so the text stays
/// injective. `multiline`: every line of the text, not only its start, may begin a log line.
pub(crate) fn defuse_commands(s: &str, multiline: bool) -> std::borrow::Cow<'_, str> {
    let starts_command = |l: &str| l.trim_start().starts_with("::");
    let risky = holds_legacy_command(s)
        || if multiline {
            s.split('\n').any(starts_command)
        } else {
            starts_command(s)
        };
    if !risky {
        return std::borrow::Cow::Borrowed(s);
    }
    let defuse_line = |l: &str, out: &mut String| {
        let l = l.replace("##[", "#\\u{23}[");
        if starts_command(&l) {
            let blanks = l.len() - l.trim_start().len();
            out.push_str(&l[..blanks]);
            out.push_str("\\u{3a}");
            out.push_str(&l[blanks + 1..]);
        } else {
            out.push_str(&l);
        }
    };
    let mut out = String::with_capacity(s.len() + 8);
    if multiline {
        for (i, l) in s.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            defuse_line(l, &mut out);
        }
    } else {
        // One field: its start is what may begin a log line.
        defuse_line(s, &mut out);
    }
    std::borrow::Cow::Owned(out)
}

/// A path as reports show it: forward slashes, no leading `./`, and every byte visible.
///
/// The text is injective: two different paths never show alike, so findings of two files
/// whose names differ only in bytes that are not UTF-8 stay apart. Unsafe characters
/// ([`is_unsafe_char`]) show as `\u{1b}`, bytes that are not UTF-8 as `\x{ff}`, and a
/// backslash in a Unix file name as `\\` (on Windows it is the separator and shows as `/`).
pub fn display(p: &std::path::Path) -> String {
    let s = escaped_path(p);
    let s = s.strip_prefix("./").map(str::to_string).unwrap_or(s);
    // A path often starts a line (`path:line:col: ...`): a directory named `::error::x`
    // must not become a workflow command.
    match defuse_commands(&s, false) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(d) => d,
    }
}

#[cfg(unix)]
fn path_bytes(p: &std::path::Path) -> std::borrow::Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    std::borrow::Cow::Borrowed(p.as_os_str().as_bytes())
}

#[cfg(not(unix))]
fn path_bytes(p: &std::path::Path) -> std::borrow::Cow<'_, [u8]> {
    match p.to_string_lossy() {
        std::borrow::Cow::Borrowed(s) => std::borrow::Cow::Borrowed(s.as_bytes()),
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s.into_bytes()),
    }
}

fn escaped_path(p: &std::path::Path) -> String {
    use std::fmt::Write;
    let bytes = path_bytes(p);
    // Nearly every path is printable ASCII without a backslash: nothing to escape.
    if bytes
        .iter()
        .all(|&b| (0x20..0x7f).contains(&b) && b != b'\\')
    {
        return String::from_utf8_lossy(&bytes).into_owned();
    }
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' if cfg!(windows) => out.push('/'),
                '\\' => out.push_str("\\\\"),
                c if is_unsafe_char(c) => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{{{b:02x}}}");
        }
    }
    out
}

/// A path as text for matching globs: forward slashes, nothing escaped.
fn plain(p: &std::path::Path) -> String {
    let s = p.to_string_lossy();
    if cfg!(windows) {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}

/// Whether a path is lexically normal already: no `.` or `..` part and no doubled or
/// trailing separator, so that taking it apart and joining the parts gives it back. (On
/// Unix, where a path is its bytes; elsewhere, never assumed.)
pub(crate) fn is_normal_path(p: &std::path::Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let b = p.as_os_str().as_bytes();
        // (the first part is empty for an absolute path: the root)
        !b.split(|&c| c == b'/')
            .enumerate()
            .any(|(i, part)| (part.is_empty() && i > 0) || part == b"." || part == b"..")
    }
    #[cfg(not(unix))]
    {
        let _ = p;
        false
    }
}

/// Remove `.` and resolve `..` lexically (no file system access).
pub(crate) fn normalize(p: &std::path::Path) -> std::path::PathBuf {
    // Most paths are normal already (the walk's, the working directory joined with them):
    // copied as they are rather than taken apart and joined again.
    if is_normal_path(p) {
        return p.to_path_buf();
    }
    normalize_parts(p)
}

fn normalize_parts(p: &std::path::Path) -> std::path::PathBuf {
    use std::path::{Component, PathBuf};
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A path made absolute against the working directory and lexically normalised (no file
/// system access beyond reading the working directory).
pub fn absolute(path: &std::path::Path) -> std::path::PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match working_dir() {
            Some(d) => d.join(path),
            None => path.to_path_buf(),
        }
    };
    normalize(&abs)
}

/// The working directory, read once: this runs for every finding (its identity and report
/// paths), and camguard never changes its working directory.
fn working_dir() -> Option<&'static std::path::Path> {
    static CWD: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    CWD.get_or_init(|| std::env::current_dir().ok()).as_deref()
}

/// A path as found (relative to the working directory, or absolute) relative to an
/// absolute base directory, with `/` separators: how globs of a configuration file,
/// which are relative to that file, are matched wherever camguard was started.
pub(crate) fn relative_to_base(base: &std::path::Path, path: &std::path::Path) -> String {
    clean_below(base, path).unwrap_or_else(|| any_relative_to_base(base, path))
}

/// [`relative_to_base`] for any path.
fn any_relative_to_base(base: &std::path::Path, path: &std::path::Path) -> String {
    let abs = absolute(path);
    let shown = plain(&abs);
    relative_path(base, shown.strip_prefix("./").unwrap_or(&shown))
}

/// [`relative_to_base`] for the usual case, without building paths: a UTF-8 path with no
/// `.`, `..` or empty segment and no backslash, below a base of the same kind (this runs for
/// every finding). `None`: take the general way.
fn clean_below(base: &std::path::Path, path: &std::path::Path) -> Option<String> {
    fn clean(s: &str) -> bool {
        // On bytes: `str::split` with a char costs more than the rest (this runs per finding).
        let b = s.as_bytes();
        !b.contains(&b'\\')
            && b.split(|&c| c == b'/')
                .all(|seg| !matches!(seg, b"" | b"." | b".."))
    }
    if !cfg!(unix) {
        return None;
    }
    let p = path.to_str()?;
    let b = base.to_str()?.strip_prefix('/')?;
    if !clean(b) || b.is_empty() {
        return None;
    }
    let rest = match p.strip_prefix('/') {
        Some(abs) => abs.strip_prefix(b)?,
        None => {
            let cwd = working_dir()?.to_str()?.strip_prefix('/')?;
            if !clean(cwd) || cwd.is_empty() {
                return None;
            }
            // `cwd/p` below `b`: `b` is `cwd` or a directory above it.
            let inner = if cwd == b {
                ""
            } else {
                cwd.strip_prefix(b)?.strip_prefix('/')?
            };
            return (clean(p) && !p.is_empty()).then(|| {
                if inner.is_empty() {
                    p.to_string()
                } else {
                    format!("{inner}/{p}")
                }
            });
        }
    };
    let rest = rest.strip_prefix('/')?;
    (clean(rest) && !rest.is_empty()).then(|| rest.to_string())
}

/// The path of a file relative to the root, with `/` separators.
pub(crate) fn relative_path(root: &std::path::Path, display: &str) -> String {
    use std::path::{Path, PathBuf};
    let path = Path::new(display);
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    let abs = normalize(&abs);
    let root = normalize(root);
    let rel = match abs.strip_prefix(&root) {
        Ok(r) => r.to_path_buf(),
        Err(_) => {
            // Outside the root: climb up from it (still a relative reference).
            let mut up = PathBuf::new();
            let mut base = root.clone();
            loop {
                if let Ok(r) = abs.strip_prefix(&base) {
                    up.push(r);
                    break;
                }
                if !base.pop() {
                    up = abs.clone();
                    break;
                }
                up.push("..");
            }
            up
        }
    };
    rel.to_string_lossy().replace('\\', "/")
}

/// Paths for the normal-path proptests: parts (normal, `.`, `..`, empty, dotted names)
/// joined with `/`, rooted or not, with a trailing separator or not.
#[cfg(test)]
pub(crate) fn path_texts() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    (
        prop::collection::vec("(a|bc|\\.|\\.\\.|\\.a|a\\.|)", 0..8),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(parts, rooted, trailing)| {
            let mut text = parts.join("/");
            if rooted {
                text.insert(0, '/');
            }
            if trailing {
                text.push('/');
            }
            text
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The fast way of `relative_to_base` gives what the general way gives, for
        /// relative and absolute paths, inside and outside the base and the working
        /// directory, with `.`/`..`/empty segments and backslashes.
        #[test]
        fn relative_to_base_fast_way_agrees(
            segs in proptest::collection::vec("(a|b|x\\\\y|\\.|\\.\\.|)", 0..5),
            base_segs in proptest::collection::vec("(a|b|\\.\\.)", 0..3),
            absolute_path in any::<bool>(),
            below_cwd in any::<bool>(),
        ) {
            let cwd = working_dir().unwrap().to_path_buf();
            let base = if below_cwd {
                normalize(&cwd.join(base_segs.join("/")))
            } else {
                normalize(&std::path::PathBuf::from("/").join(base_segs.join("/")))
            };
            let rel = segs.join("/");
            let path = if absolute_path {
                std::path::PathBuf::from(format!("{}/{rel}", base.display()))
            } else {
                std::path::PathBuf::from(rel)
            };
            prop_assert_eq!(
                relative_to_base(&base, &path),
                any_relative_to_base(&base, &path),
                "{:?} {:?}", base, path
            );
        }
    }

    proptest! {
        /// The shortcut for normal paths gives what taking the path apart gives.
        #[test]
        fn normal_paths_are_kept_as_they_are(text in path_texts()) {
            let p = std::path::Path::new(&text);
            // (as text: paths compare by their parts, so `a//b` equals `a/b` as a path)
            let (fast, slow) = (normalize(p), normalize_parts(p));
            prop_assert_eq!(fast.as_os_str(), slow.as_os_str(), "{}", text);
        }
    }

    #[cfg(unix)]
    #[test]
    fn only_normal_paths_are_called_normal() {
        for p in ["", "a", "a/b", "/a/b", "/a/.b/c."] {
            assert!(is_normal_path(std::path::Path::new(p)), "{p}");
        }
        for p in ["/", "a/", "a//b", "./a", "a/./b", "a/..", "../a", "//a"] {
            assert!(!is_normal_path(std::path::Path::new(p)), "{p}");
        }
    }

    proptest! {
        /// No workflow command survives, on any line when multiline; text without one
        /// is returned as it is.
        #[test]
        fn defused_text_holds_no_workflow_command(s in "[:#\\[ \\na]{0,24}", multiline in any::<bool>()) {
            let d = defuse_commands(&s, multiline);
            prop_assert!(!d.contains("##["), "{:?} -> {:?}", s, d);
            let lines: Vec<&str> = if multiline { d.split('\n').collect() } else { vec![&d] };
            for l in lines {
                prop_assert!(!l.trim_start().starts_with("::"), "{:?} -> {:?}", s, d);
            }
            let risky = s.contains("##[")
                || if multiline {
                    s.split('\n').any(|l| l.trim_start().starts_with("::"))
                } else {
                    s.trim_start().starts_with("::")
                };
            prop_assert_eq!(matches!(d, std::borrow::Cow::Borrowed(_)), !risky);
        }
    }

    #[test]
    fn relative_to_base_fast_way_is_taken_and_right() {
        let cwd = working_dir().unwrap().to_path_buf();
        let file = std::path::Path::new("dir/application.yaml");
        assert_eq!(
            clean_below(&cwd, file).as_deref(),
            Some("dir/application.yaml")
        );
        assert_eq!(clean_below(&cwd.join("dir"), file), None);
        let up = cwd.parent().unwrap();
        let name = cwd.file_name().unwrap().to_str().unwrap();
        assert_eq!(
            clean_below(up, file),
            Some(format!("{name}/dir/application.yaml"))
        );
        assert_eq!(
            clean_below(&cwd, &cwd.join("dir/application.yaml")).as_deref(),
            Some("dir/application.yaml")
        );
        assert_eq!(clean_below(&cwd, std::path::Path::new("dir/../x")), None);
    }

    #[test]
    fn positions_count_chars_and_utf16_units() {
        let src = SourceText::new("a: 1\nwéb: \"😀x\"\n");
        let x = src.text().find('x').unwrap();
        let p = src.position(x);
        assert_eq!(p.line, 2);
        assert_eq!(p.column, 8); // w é b : space " 😀 -> x is the 8th char
        assert_eq!(p.column_utf16, 9); // the emoji is two UTF-16 units
    }

    proptest::proptest! {
        #[test]
        fn lines_are_those_of_str_lines(text in "(a|b|\r|\n|\r\n| |\u{85}|é){0,40}") {
            let ours: Vec<&str> = lines(&text).collect();
            let std: Vec<&str> = text.lines().collect();
            proptest::prop_assert_eq!(ours, std);
        }
    }

    #[test]
    fn lines_match_str_lines_at_the_edges() {
        for t in [
            "",
            "\n",
            "\r",
            "\r\n",
            "a",
            "a\n",
            "a\r\n",
            "a\r",
            "\n\n",
            "a\r\rb\r\n\r",
        ] {
            assert_eq!(
                lines(t).collect::<Vec<_>>(),
                t.lines().collect::<Vec<_>>(),
                "{t:?}"
            );
        }
    }

    #[test]
    fn crlf_and_lone_cr_break_lines() {
        let src = SourceText::new("a\r\nb\rc\n");
        assert_eq!(src.line_count(), 4);
        assert_eq!(src.position(3).line, 2);
        assert_eq!(src.position(5).line, 3);
        assert_eq!(src.slice(src.line_span(0)), "a");
    }

    #[test]
    fn displayed_paths_are_escaped_and_distinct() {
        use std::path::Path;
        assert_eq!(display(Path::new("./a/b.yaml")), "a/b.yaml");
        assert_eq!(
            display(Path::new("a\nb\u{1b}[2J\u{202e}.yaml")),
            "a\\u{a}b\\u{1b}[2J\\u{202e}.yaml"
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let p = |b: &[u8]| display(Path::new(std::ffi::OsStr::from_bytes(b)));
            assert_eq!(p(b"x\xff.yaml"), "x\\x{ff}.yaml");
            assert_ne!(p(b"x\xff.yaml"), p(b"x\xfe.yaml"));
            // A literal backslash cannot pose as an escape.
            assert_ne!(p(b"x\\x{ff}.yaml"), p(b"x\xff.yaml"));
        }
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_char_are_clamped() {
        let src = SourceText::new("é");
        assert_eq!(src.clamp(1), 0);
        assert_eq!(src.position(99).column, 2);
    }

    proptest! {
        /// A cut text answers every question about its kept lines as the whole text does:
        /// clamping, lines, columns, line spans and slices, with LF, CRLF and lone CR
        /// breaks and multi-byte characters.
        #[test]
        fn cut_text_agrees_with_the_whole_on_kept_lines(
            pieces in proptest::collection::vec("(ab|é|x|\n|\r\n|\r|  |😀)", 0..60),
            ranges in proptest::collection::vec((0usize..40, 0usize..6), 0..5),
            probes in proptest::collection::vec((0usize..400, 0usize..40), 0..30),
        ) {
            let whole = SourceText::new(pieces.concat());
            let ranges: Vec<(usize, usize)> = ranges.iter().map(|&(a, n)| (a, a + n)).collect();
            let Some(cut) = whole.keep_lines(ranges.clone()) else {
                return Ok(());
            };
            prop_assert!(cut.held() < whole.held());
            prop_assert_eq!(cut.line_count(), whole.line_count());
            let kept = |line: usize| ranges.iter().any(|&(a, b)| a <= line && line <= b);
            let len = whole.text().len();
            for o in 0..=len + 2 {
                if !kept(whole.line_index(o)) {
                    continue;
                }
                prop_assert_eq!(cut.clamp(o), whole.clamp(o), "clamp {}", o);
                prop_assert_eq!(cut.line_index(o), whole.line_index(o), "line of {}", o);
                prop_assert_eq!(cut.position(o), whole.position(o), "position of {}", o);
            }
            for line in (0..whole.line_count()).filter(|&l| kept(l)) {
                prop_assert_eq!(cut.line_span(line), whole.line_span(line), "line {}", line);
                let span = whole.line_span(line);
                prop_assert_eq!(cut.slice(span), whole.slice(span));
            }
            // Spans within one run of kept lines slice the same.
            for (start, n) in probes {
                let s = Span::new(start, start + n);
                let a = whole.line_index(s.start);
                let b = whole.line_index(s.end);
                if (a..=b).all(kept) {
                    prop_assert_eq!(cut.slice(s), whole.slice(s), "slice {:?}", s);
                }
            }
        }
    }

    #[test]
    fn a_cut_text_keeps_only_its_lines() {
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let whole = SourceText::new(text.as_str());
        let cut = whole
            .keep_lines(vec![(50, 51), (10, 10), (11, 12)])
            .unwrap();
        assert_eq!(
            cut.held(),
            "line 10\nline 11\nline 12\nline 50\nline 51\n".len()
        );
        let at = text.find("line 50").unwrap();
        assert_eq!(cut.position(at + 5).line, 51);
        assert_eq!(cut.slice(cut.line_span(50)), "line 50");
        assert_eq!(cut.slice(cut.line_span(12)), "line 12");
        // Lines that were not kept are empty, never another line's text.
        assert_eq!(cut.slice(cut.line_span(30)), "");
        // Most of the text: not worth a copy; a cut text is not cut again.
        assert!(whole.keep_lines(vec![(0, 90)]).is_none());
        assert!(cut.keep_lines(vec![(10, 10)]).is_none());
    }
}
