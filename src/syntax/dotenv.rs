//! `.env` parser in the style of docker compose (and the dotenv libraries),
//! keeping byte spans into the original text.
//!
//! The process environment is never read: `${VAR}` stays verbatim in values, and a
//! bare `KEY` line (which compose takes from the host) is reported and ignored.

use super::flat::{Comment, Entry, FlatFile, ParseIssue};
use super::properties::line_bounds;
use crate::source::Span;

/// Whitespace inside a line: space, tab, vertical tab, form feed.
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0b' | '\x0c')
}

fn skip_blank(src: &str, pos: usize, end: usize) -> usize {
    end - src[pos..end].trim_start_matches(is_blank).len()
}

fn trim_end_blank(src: &str, start: usize, end: usize) -> usize {
    start + src[start..end].trim_end_matches(is_blank).len()
}

/// Parse a `.env` text. Never fails: problems become [`ParseIssue`]s.
pub fn parse_dotenv(src: &str) -> FlatFile {
    let mut out = FlatFile::default();
    // Skip a UTF-8 BOM; spans stay offsets into `src`.
    let mut pos = if src.starts_with('\u{feff}') { 3 } else { 0 };
    while pos < src.len() {
        pos = statement(src, pos, &mut out);
    }
    out
}

fn issue(out: &mut FlatFile, span: Span, message: impl Into<String>) {
    out.issues.push(ParseIssue {
        message: message.into(),
        span,
    });
}

/// Record the comment starting at the `#` at `hash` and running to `end`.
fn comment(src: &str, hash: usize, end: usize, out: &mut FlatFile) {
    out.comments.push(Comment {
        text: src[hash + 1..end].trim().to_string(),
        span: Span::new(hash, end),
    });
}

/// Parse the statement starting on the line at `pos`; returns where the next
/// statement may start (a quoted value can span several lines).
fn statement(src: &str, pos: usize, out: &mut FlatFile) -> usize {
    let (end, next) = line_bounds(src, pos);
    let start = skip_blank(src, pos, end);
    let line = &src[start..end];
    if line.is_empty() {
        return next;
    }
    if line.starts_with('#') {
        comment(src, start, end, out);
        return next;
    }
    let key_start = match line.strip_prefix("export") {
        Some(rest) if rest.starts_with(is_blank) => skip_blank(src, start + 6, end),
        _ => start,
    };
    // Compose's parser also takes the YAML-style `KEY: value`: the first `=` or `:` ends
    // the name (compose-spec/compose-go dotenv/parser.go, `locateKeyName`).
    let Some(eq) = src[key_start..end].find(['=', ':']).map(|i| key_start + i) else {
        issue(out, Span::new(start, end), "line has no `=`; ignored");
        return next;
    };
    let key_span = Span::new(key_start, trim_end_blank(src, key_start, eq));
    let key = &src[key_span.range()];
    if key.is_empty() {
        issue(
            out,
            Span::new(start, end),
            "variable name is empty; line ignored",
        );
        return next;
    }
    let valid = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']');
    if let Some(bad) = key.chars().find(|&c| !valid(c)) {
        issue(
            out,
            key_span,
            format!("unexpected character {bad:?} in variable name"),
        );
    }
    let value_start = skip_blank(src, eq + 1, end);
    let mut entry = Entry {
        key: key.to_string(),
        key_span,
        value: String::new(),
        value_span: Span::empty(eq + 1),
        quoted: false,
    };
    if let Some(q @ ('"' | '\'')) = src[value_start..end].chars().next() {
        return quoted(src, entry, q, value_start, out);
    }
    // Unquoted: up to a `#` that follows whitespace, trimmed.
    let bytes = &src.as_bytes()[value_start..end];
    let hash = bytes
        .windows(2)
        .position(|w| is_blank(char::from(w[0])) && w[1] == b'#')
        .map(|i| value_start + i + 1);
    let value_end = trim_end_blank(src, value_start, hash.unwrap_or(end));
    if value_end > value_start {
        entry.value = src[value_start..value_end].to_string();
        entry.value_span = Span::new(value_start, value_end);
    }
    out.entries.push(entry);
    if let Some(hash) = hash {
        comment(src, hash, end, out);
    }
    next
}

/// The replacement for `\` + `next` inside quotes `q`, if it is an escape.
/// `\$` becomes `$$`, compose's own spelling of a literal dollar, so that later
/// interpolation still sees it as literal.
fn escape(q: char, next: char) -> Option<&'static str> {
    match (q, next) {
        ('"', '"') => Some("\""),
        ('\'', '\'') => Some("'"),
        ('\'', '\\') => Some("\\\\"),
        ('"', 'n') => Some("\n"),
        ('"', 't') => Some("\t"),
        ('"', 'r') => Some("\r"),
        ('"', '\\') => Some("\\"),
        ('"', '$') => Some("$$"),
        _ => None,
    }
}

/// A value in quotes `q` opening at `open`; may span lines. Returns where the next
/// statement may start.
fn quoted(src: &str, mut entry: Entry, q: char, open: usize, out: &mut FlatFile) -> usize {
    let body = open + 1;
    let mut chars = src[body..].char_indices().map(|(i, c)| (body + i, c));
    let mut close = None;
    let mut value = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            _ if c == q => {
                close = Some(i);
                break;
            }
            '\\' => {
                let mut peek = chars.clone();
                match peek.next().and_then(|(_, n)| escape(q, n)) {
                    Some(s) => {
                        value.push_str(s);
                        chars = peek;
                    }
                    None => value.push('\\'),
                }
            }
            // Line breaks inside quotes are normalised to `\n`.
            '\r' => {
                let mut peek = chars.clone();
                if matches!(peek.next(), Some((_, '\n'))) {
                    chars = peek;
                }
                value.push('\n');
            }
            c => value.push(c),
        }
    }
    entry.value = value;
    entry.quoted = true;
    let Some(close) = close else {
        entry.value_span = Span::new(body, src.len());
        out.entries.push(entry);
        issue(
            out,
            Span::new(open, body),
            "unterminated quoted value; it runs to the end of the file",
        );
        return src.len();
    };
    entry.value_span = Span::new(body, close);
    out.entries.push(entry);
    let (end, next) = line_bounds(src, close + 1);
    let rest = skip_blank(src, close + 1, end);
    if src[rest..end].starts_with('#') {
        comment(src, rest, end, out);
    } else if rest < end {
        issue(
            out,
            Span::new(rest, end),
            "unexpected text after the closing quote; ignored",
        );
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn one(src: &str) -> Entry {
        let f = parse_dotenv(src);
        assert_eq!(f.entries.len(), 1, "{src:?}: {f:?}");
        f.entries.into_iter().next().unwrap()
    }

    fn check(src: &str, key: &str, value: &str, raw_key: &str, raw_value: &str, quoted: bool) {
        let e = one(src);
        assert_eq!(e.key, key, "key of {src:?}");
        assert_eq!(e.value, value, "value of {src:?}");
        assert_eq!(&src[e.key_span.range()], raw_key, "raw key of {src:?}");
        assert_eq!(
            &src[e.value_span.range()],
            raw_value,
            "raw value of {src:?}"
        );
        assert_eq!(e.quoted, quoted, "quoted of {src:?}");
    }

    /// (text, raw span) of every comment.
    fn comments(src: &str) -> Vec<(String, String)> {
        parse_dotenv(src)
            .comments
            .into_iter()
            .map(|c| (c.text, src[c.span.range()].to_string()))
            .collect()
    }

    #[test]
    fn plain_assignments() {
        check("A=b", "A", "b", "A", "b", false);
        check("  A = b  ", "A", "b", "A", "b", false);
        check("\tA\t=\tb c\t", "A", "b c", "A", "b c", false);
        check("A=b=c", "A", "b=c", "A", "b=c", false);
        check(
            "camunda.bpm.x=1",
            "camunda.bpm.x",
            "1",
            "camunda.bpm.x",
            "1",
            false,
        );
        check("A=${B:-x} $C", "A", "${B:-x} $C", "A", "${B:-x} $C", false);
        check("A=a\"b'c", "A", "a\"b'c", "A", "a\"b'c", false);
    }

    #[test]
    fn export_prefix() {
        check("export A=b", "A", "b", "A", "b", false);
        check("  export \t A = b", "A", "b", "A", "b", false);
        check("export=1", "export", "1", "export", "1", false);
        check("exportA=1", "exportA", "1", "exportA", "1", false);
        let f = parse_dotenv("export A");
        assert!(f.entries.is_empty());
        assert_eq!(f.issues.len(), 1);
    }

    #[test]
    fn empty_values_have_an_empty_span_after_the_equals_sign() {
        for src in ["A=", "A=   ", "A=\n", "A= \t\r\n"] {
            let e = one(src);
            assert_eq!((e.value.as_str(), e.quoted), ("", false));
            assert_eq!(e.value_span, Span::empty(2), "{src:?}");
        }
        check("A=\"\"", "A", "", "A", "", true);
        check("A=''", "A", "", "A", "", true);
        assert_eq!(one("A=\"\"").value_span, Span::empty(3));
    }

    #[test]
    fn comment_lines_and_inline_comments() {
        let src = "# top\n  #indented\nA=b # why\nB=c\t#tab\nC=d#not\nD=#not\n#\n";
        let f = parse_dotenv(src);
        let values: Vec<_> = f.entries.iter().map(|e| e.value.as_str()).collect();
        assert_eq!(values, ["b", "c", "d#not", "#not"]);
        assert_eq!(&src[f.entries[0].value_span.range()], "b");
        assert_eq!(
            comments(src),
            [
                ("top", "# top"),
                ("indented", "#indented"),
                ("why", "# why"),
                ("tab", "#tab"),
                ("", "#"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert!(f.issues.is_empty());
    }

    #[test]
    fn hash_right_after_the_equals_sign_is_value_text() {
        // As compose does: leading whitespace is trimmed before looking for ` #`.
        check("A= # x", "A", "# x", "A", "# x", false);
        check("A= v # x # y", "A", "v", "A", "v", false);
        assert_eq!(comments("A= v # x # y")[0].0, "x # y");
    }

    #[test]
    fn single_quotes_are_literal() {
        check(
            r"A='x\n $B ${C} # d'",
            "A",
            r"x\n $B ${C} # d",
            "A",
            r"x\n $B ${C} # d",
            true,
        );
        check(r"A='it\'s'", "A", "it's", "A", r"it\'s", true);
        check(r"A='a\\'", "A", r"a\\", "A", r"a\\", true);
        check("A=' sp '", "A", " sp ", "A", " sp ", true);
    }

    #[test]
    fn double_quote_escapes() {
        check(
            r#"A="a\nb\tc\r\\d\"e\$f""#,
            "A",
            "a\nb\tc\r\\d\"e$$f",
            "A",
            r#"a\nb\tc\r\\d\"e\$f"#,
            true,
        );
        check(r#"A="\q\'\é""#, "A", r"\q\'\é", "A", r"\q\'\é", true);
        check(r#"A="${B} # c""#, "A", "${B} # c", "A", "${B} # c", true);
        check(r#"A="\\""#, "A", "\\", "A", r"\\", true);
    }

    #[test]
    fn multi_line_double_quoted_values() {
        let src = "A=\"line1\n  line2\\n\"\nB=2\n";
        let f = parse_dotenv(src);
        assert_eq!(f.entries.len(), 2);
        assert_eq!(f.entries[0].value, "line1\n  line2\n");
        assert_eq!(&src[f.entries[0].value_span.range()], "line1\n  line2\\n");
        assert_eq!(f.entries[1].key, "B");
        assert_eq!(&src[f.entries[1].value_span.range()], "2");
        // CRLF and lone CR inside quotes become \n; the span stays raw.
        let src = "A=\"l1\r\nl2\rl3\"\r\nB=2";
        let f = parse_dotenv(src);
        assert_eq!(f.entries[0].value, "l1\nl2\nl3");
        assert_eq!(&src[f.entries[0].value_span.range()], "l1\r\nl2\rl3");
        assert_eq!(f.entries[1].value, "2");
        assert!(f.issues.is_empty());
    }

    #[test]
    fn text_after_the_closing_quote() {
        let src = "A=\"x\" # c\nB='y'#d\nC=\"z\" junk\nD=1";
        let f = parse_dotenv(src);
        let values: Vec<_> = f.entries.iter().map(|e| e.value.as_str()).collect();
        assert_eq!(values, ["x", "y", "z", "1"]);
        assert_eq!(comments(src)[0], ("c".to_string(), "# c".to_string()));
        assert_eq!(comments(src)[1], ("d".to_string(), "#d".to_string()));
        assert_eq!(f.issues.len(), 1);
        assert_eq!(&src[f.issues[0].span.range()], "junk");
    }

    #[test]
    fn unterminated_quotes_run_to_the_end() {
        let src = "A=\"abc\nB=2\n";
        let f = parse_dotenv(src);
        assert_eq!(f.entries.len(), 1);
        assert_eq!(f.entries[0].value, "abc\nB=2\n");
        assert_eq!(&src[f.entries[0].value_span.range()], "abc\nB=2\n");
        assert_eq!(f.issues.len(), 1);
        assert_eq!(&src[f.issues[0].span.range()], "\"");
        let f = parse_dotenv("A='x\\");
        assert_eq!(f.entries[0].value, "x\\");
        assert_eq!(f.issues.len(), 1);
        let f = parse_dotenv("A=\"");
        assert_eq!(f.entries[0].value_span, Span::empty(3));
    }

    #[test]
    fn lines_without_equals_or_key_are_reported() {
        let src = "KEY\nA=1\n=2\n  OTHER  \nB: 3\n";
        let f = parse_dotenv(src);
        let keys: Vec<_> = f.entries.iter().map(|e| e.key.as_str()).collect();
        // `B: 3` is compose's YAML-style form (issue 12): an entry, not an issue.
        assert_eq!(keys, ["A", "B"]);
        assert_eq!(f.entries[1].value, "3");
        assert_eq!(&src[f.entries[1].value_span.range()], "3");
        let spans: Vec<_> = f.issues.iter().map(|i| &src[i.span.range()]).collect();
        assert_eq!(spans, ["KEY", "=2", "OTHER  "]);
        assert!(f.issues[0].message.contains("no `=`"));
    }

    #[test]
    fn odd_variable_names_are_reported_but_kept() {
        let src = "A B=1\nC$=2\nD.e-f[0]=3";
        let f = parse_dotenv(src);
        assert_eq!(f.entries.len(), 3);
        assert_eq!(f.entries[0].key, "A B");
        let spans: Vec<_> = f.issues.iter().map(|i| &src[i.span.range()]).collect();
        assert_eq!(spans, ["A B", "C$"]);
    }

    #[test]
    fn crlf_and_lone_cr() {
        let src = "A=1\r\nB=2\rC = 3 \r\n# c\r\nD='4'\r";
        let f = parse_dotenv(src);
        let got: Vec<_> = f
            .entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), &src[e.value_span.range()]))
            .collect();
        assert_eq!(
            got,
            [
                ("A", "1", "1"),
                ("B", "2", "2"),
                ("C", "3", "3"),
                ("D", "4", "4")
            ]
        );
        assert_eq!(comments(src)[0].1, "# c");
        assert!(f.issues.is_empty());
    }

    #[test]
    fn bom_is_skipped_and_offsets_are_bytes() {
        let src = "\u{feff}A=1";
        let e = one(src);
        assert_eq!(e.key, "A");
        assert_eq!(e.key_span, Span::new(3, 4));
        assert_eq!(e.value_span, Span::new(5, 6));
    }

    #[test]
    fn unicode_before_the_key() {
        let src = "# ünïcödé 😀\nKÉY=välue 😀 # kommentär\nB=\"ä\\\"ö\"";
        let f = parse_dotenv(src);
        assert_eq!(&src[f.entries[0].key_span.range()], "KÉY");
        assert_eq!(&src[f.entries[0].value_span.range()], "välue 😀");
        assert_eq!(f.entries[1].value, "ä\"ö");
        assert_eq!(&src[f.entries[1].value_span.range()], "ä\\\"ö");
        assert_eq!(comments(src)[1].0, "kommentär");
    }

    #[test]
    fn nul_bytes_and_garbage() {
        let f = parse_dotenv("A=\0b\0\n\0\0\nB\0=1\n\u{feff}C=2");
        assert_eq!(f.entries.len(), 3);
        assert_eq!(f.entries[0].value, "\0b\0");
        assert_eq!(f.issues.len(), 3); // `\0\0` has no `=`; `B\0`, `\u{feff}C` are odd names
    }

    #[test]
    fn the_environment_is_never_consulted() {
        let f = parse_dotenv("PATH\nHOME=${HOME}\n");
        assert_eq!(f.entries.len(), 1);
        assert_eq!(f.entries[0].value, "${HOME}");
    }

    fn assert_spans_ok(src: &str, f: &FlatFile) {
        let spans = f
            .entries
            .iter()
            .flat_map(|e| [e.key_span, e.value_span])
            .chain(f.comments.iter().map(|c| c.span))
            .chain(f.issues.iter().map(|i| i.span));
        for s in spans {
            assert!(s.start <= s.end && s.end <= src.len(), "{s:?} in {src:?}");
            assert!(src.is_char_boundary(s.start) && src.is_char_boundary(s.end));
        }
        for e in &f.entries {
            assert!(e.key_span.end < e.value_span.start, "{e:?} in {src:?}");
            if e.quoted {
                let before = &src[..e.value_span.start];
                assert!(before.ends_with(['"', '\'']), "{e:?} in {src:?}");
            }
        }
    }

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::sample::select(vec![
                "export ", "A", "b", "=", "\"", "'", "\\", "#", " ", "\t", "\r", "\n", "\r\n",
                "${X}", "$", "é", "😀", "\0", "\u{feff}", "\x0b",
            ])
            .prop_map(String::from),
            1 => any::<char>().prop_map(String::from),
        ]
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_are_in_bounds(
            parts in prop::collection::vec(fragment(), 0..60)
        ) {
            let src = parts.concat();
            assert_spans_ok(&src, &parse_dotenv(&src));
        }

        #[test]
        fn arbitrary_strings_never_panic(src in any::<String>()) {
            assert_spans_ok(&src, &parse_dotenv(&src));
        }

        #[test]
        fn simple_lines_round_trip(
            lines in prop::collection::vec(
                (
                    "[A-Za-z_][A-Za-z0-9_]{0,10}",
                    "[A-Za-z0-9]{0,10}",
                    prop::sample::select(vec!["", "\"", "'"]),
                    prop::sample::select(vec!["\n", "\r\n", "\r"]),
                    prop::sample::select(vec!["", "export ", "  "]),
                ),
                0..12,
            )
        ) {
            let mut src = String::new();
            for (k, v, q, nl, prefix) in &lines {
                src.push_str(&format!("{prefix}{k}={q}{v}{q}{nl}"));
            }
            let f = parse_dotenv(&src);
            prop_assert!(f.issues.is_empty());
            prop_assert_eq!(f.entries.len(), lines.len());
            for (e, (k, v, q, ..)) in f.entries.iter().zip(&lines) {
                prop_assert_eq!(&e.key, k);
                prop_assert_eq!(&e.value, v);
                prop_assert_eq!(e.quoted, !q.is_empty());
                prop_assert_eq!(&src[e.key_span.range()], k.as_str());
                prop_assert_eq!(&src[e.value_span.range()], v.as_str());
            }
        }
    }
}
