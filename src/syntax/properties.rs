//! Java `.properties` parser with the semantics of `java.util.Properties.load`,
//! keeping byte spans into the original text.
//!
//! A *natural* line ends at `\n`, `\r\n` or a lone `\r`. A *logical* line is a
//! natural line plus the lines it continues onto: a line ending in an odd number
//! of backslashes continues on the next one, whose leading whitespace is dropped.
//! The logical line is collected as `(byte offset, char)` pairs so key and value
//! spans can be taken straight from the raw text even across continuations.

use super::flat::{Comment, Entry, FlatFile, ParseIssue};
use crate::source::Span;

/// Whitespace in the sense of `Properties.load`: space, tab and form feed.
fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c')
}

/// The end of the line starting at `pos` (before its terminator) and the start of
/// the next line. `\n`, `\r\n` and a lone `\r` all end a line.
pub(super) fn line_bounds(src: &str, pos: usize) -> (usize, usize) {
    let b = src.as_bytes();
    let end = b[pos.min(b.len())..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(b.len(), |i| pos + i);
    let next = match b.get(end) {
        Some(b'\r') if b.get(end + 1) == Some(&b'\n') => end + 2,
        Some(_) => end + 1,
        None => end,
    };
    (end, next)
}

/// Skip `Properties` whitespace in `src[pos..end]`.
fn skip_ws(src: &str, pos: usize, end: usize) -> usize {
    let rest = &src[pos..end];
    end - rest.trim_start_matches(is_ws).len()
}

/// Byte offset just after a collected char.
fn end_of(&(off, c): &(usize, char)) -> usize {
    off + c.len_utf8()
}

/// Parse a `.properties` text. Never fails: problems become [`ParseIssue`]s.
pub fn parse_properties(src: &str) -> FlatFile {
    let mut out = FlatFile::default();
    // A UTF-8 BOM is not part of the first key (spans stay offsets into `src`).
    let mut pos = if src.starts_with('\u{feff}') { 3 } else { 0 };
    while pos < src.len() {
        let (end, next) = line_bounds(src, pos);
        let start = skip_ws(src, pos, end);
        pos = next;
        if start == end {
            continue; // blank line
        }
        if src[start..].starts_with(['#', '!']) {
            // Comment lines never continue, even when they end in a backslash.
            out.comments.push(Comment {
                text: src[start + 1..end].trim().to_string(),
                span: Span::new(start, end),
            });
            continue;
        }
        let mut chars: Vec<(usize, char)> = Vec::new();
        let (mut seg_start, mut seg_end) = (start, end);
        loop {
            let seg = &src[seg_start..seg_end];
            let backslashes = seg.bytes().rev().take_while(|&b| b == b'\\').count();
            let continued = backslashes % 2 == 1;
            let keep = if continued { seg_end - 1 } else { seg_end };
            chars.extend(
                src[seg_start..keep]
                    .char_indices()
                    .map(|(i, c)| (seg_start + i, c)),
            );
            if !continued || pos >= src.len() {
                break;
            }
            let (end, next) = line_bounds(src, pos);
            let start = skip_ws(src, pos, end);
            pos = next;
            if start == end {
                break; // an empty continuation line ends the logical line
            }
            (seg_start, seg_end) = (start, end);
        }
        entry(&chars, &mut out);
    }
    out
}

/// Split one logical line into key and value (`Properties.load0`).
fn entry(chars: &[(usize, char)], out: &mut FlatFile) {
    let Some(&(first, _)) = chars.first() else {
        return;
    };
    // The key ends at the first unescaped `=`, `:` or whitespace.
    let mut key_len = 0;
    let mut escaped = false;
    while let Some(&(_, c)) = chars.get(key_len) {
        if !escaped && (c == '=' || c == ':' || is_ws(c)) {
            break;
        }
        escaped = c == '\\' && !escaped;
        key_len += 1;
    }
    let key_span = match key_len.checked_sub(1) {
        Some(last) => Span::new(first, end_of(&chars[last])),
        None => Span::empty(first),
    };
    // The separator: whitespace around at most one `=` or `:`.
    let mut value_start = key_len;
    let mut sep_end = None;
    while let Some(&(off, c)) = chars.get(value_start) {
        if (c == '=' || c == ':') && sep_end.is_none() {
            sep_end = Some(off + 1);
        } else if !is_ws(c) {
            break;
        }
        value_start += 1;
    }
    let value_span = match (chars.get(value_start), chars.last()) {
        (Some(&(start, _)), Some(last)) => Span::new(start, end_of(last)),
        _ => Span::empty(sep_end.unwrap_or(key_span.end)),
    };
    let key = unescape(&chars[..key_len], &mut out.issues);
    let value = unescape(&chars[value_start..], &mut out.issues);
    out.entries.push(Entry {
        key,
        key_span,
        value,
        value_span,
        quoted: false,
    });
}

/// Four hex digits at `chars[i..i + 4]` as a UTF-16 code unit.
fn hex4(chars: &[(usize, char)], i: usize) -> Option<u32> {
    chars
        .get(i..i + 4)?
        .iter()
        .try_fold(0, |acc, &(_, c)| Some(acc * 16 + c.to_digit(16)?))
}

/// Resolve `Properties` escapes: `\t \n \r \f \uXXXX`, and `\` + any other char is
/// that char. Malformed `\u` escapes and unpaired surrogates are reported; the
/// former are kept as written, the latter become U+FFFD.
fn unescape(chars: &[(usize, char)], issues: &mut Vec<ParseIssue>) -> String {
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while let Some(&(off, c)) = chars.get(i) {
        i += 1;
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(&(_, e)) = chars.get(i) else {
            break; // a trailing backslash is dropped, as Java does
        };
        i += 1;
        match e {
            't' => out.push('\t'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            'f' => out.push('\x0c'),
            'u' => {
                let Some(unit) = hex4(chars, i) else {
                    let last = (i + 4).min(chars.len()) - 1;
                    issues.push(ParseIssue {
                        message: "malformed \\uXXXX escape; kept as written".to_string(),
                        span: Span::new(off, end_of(&chars[last])),
                    });
                    out.push_str("\\u");
                    continue;
                };
                i += 4;
                let mut code = unit;
                if (0xD800..0xDC00).contains(&unit)
                    && chars.get(i).map(|p| p.1) == Some('\\')
                    && chars.get(i + 1).map(|p| p.1) == Some('u')
                    && let Some(low @ 0xDC00..0xE000) = hex4(chars, i + 2)
                {
                    code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                }
                match char::from_u32(code) {
                    Some(ch) => out.push(ch),
                    None => {
                        issues.push(ParseIssue {
                            message: "unpaired UTF-16 surrogate in \\u escape; replaced by U+FFFD"
                                .to_string(),
                            span: Span::new(off, end_of(&chars[i - 1])),
                        });
                        out.push(char::REPLACEMENT_CHARACTER);
                    }
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (key, value, raw key, raw value) of every entry.
    fn kv(src: &str) -> Vec<(String, String, String, String)> {
        parse_properties(src)
            .entries
            .into_iter()
            .map(|e| {
                (
                    e.key,
                    e.value,
                    src[e.key_span.range()].to_string(),
                    src[e.value_span.range()].to_string(),
                )
            })
            .collect()
    }

    fn one(src: &str) -> Entry {
        let f = parse_properties(src);
        assert_eq!(f.entries.len(), 1, "{src:?}: {f:?}");
        f.entries.into_iter().next().unwrap()
    }

    fn check(src: &str, key: &str, value: &str, raw_key: &str, raw_value: &str) {
        let e = one(src);
        assert_eq!(e.key, key, "key of {src:?}");
        assert_eq!(e.value, value, "value of {src:?}");
        assert_eq!(&src[e.key_span.range()], raw_key, "raw key of {src:?}");
        assert_eq!(
            &src[e.value_span.range()],
            raw_value,
            "raw value of {src:?}"
        );
        assert!(!e.quoted);
    }

    #[test]
    fn every_separator_form() {
        for src in [
            "key=value",
            "key:value",
            "key value",
            "key = value",
            "key : value",
            "key\tvalue",
            "key\x0c=\x0cvalue",
            "   key  =  value",
            "\t key:\tvalue",
        ] {
            check(src, "key", "value", "key", "value");
        }
    }

    #[test]
    fn only_the_first_separator_counts() {
        check("a==b", "a", "=b", "a", "=b");
        check("a = = b", "a", "= b", "a", "= b");
        check("a : b=c:d", "a", "b=c:d", "a", "b=c:d");
        check("a b c", "a", "b c", "a", "b c");
        check("a  =:b", "a", ":b", "a", ":b");
    }

    #[test]
    fn trailing_whitespace_and_hash_belong_to_the_value() {
        check("a=b  ", "a", "b  ", "a", "b  ");
        check(
            "a=b # not a comment",
            "a",
            "b # not a comment",
            "a",
            "b # not a comment",
        );
        check("a=#b", "a", "#b", "a", "#b");
        assert!(parse_properties("a=b # x").comments.is_empty());
    }

    #[test]
    fn empty_values_have_an_empty_span_after_the_separator() {
        let src = "a=\nb = \nc\nd   \ne:";
        let f = parse_properties(src);
        let got: Vec<_> = f
            .entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.value_span))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a", "", Span::empty(2)),
                ("b", "", Span::empty(6)),
                ("c", "", Span::empty(9)),
                ("d", "", Span::empty(11)),
                ("e", "", Span::empty(17)),
            ]
        );
        assert_eq!(&src[..2], "a=");
        assert_eq!(&src[3..6], "b =");
        assert_eq!(&src[8..9], "c");
        assert_eq!(&src[10..11], "d");
        assert_eq!(&src[15..17], "e:");
        assert_eq!(src.len(), 17);
    }

    #[test]
    fn empty_key() {
        check("=v", "", "v", "", "v");
        let e = one(":v");
        assert_eq!(e.key_span, Span::empty(0));
    }

    #[test]
    fn escapes_in_values() {
        check(r"a=\t\n\r\f\\", "a", "\t\n\r\x0c\\", "a", r"\t\n\r\f\\");
        check(r"a=\q\=\:\#\ x", "a", "q=:# x", "a", r"\q\=\:\#\ x");
        check(
            r"a=\u0041\u00e9\u20AC",
            "a",
            "Aé€",
            "a",
            r"\u0041\u00e9\u20AC",
        );
        check(r"a=\uD83D\uDE00", "a", "😀", "a", r"\uD83D\uDE00");
    }

    #[test]
    fn escapes_in_keys() {
        check(r"a\:b=c", "a:b", "c", r"a\:b", "c");
        check(r"a\=b=c", "a=b", "c", r"a\=b", "c");
        check(r"a\ b c", "a b", "c", r"a\ b", "c");
        check(r"a\\=c", "a\\", "c", r"a\\", "c");
        check(r"\#a=c", "#a", "c", r"\#a", "c");
        check(r"\u0041=c", "A", "c", r"\u0041", "c");
    }

    #[test]
    fn malformed_unicode_escapes_are_reported_and_kept() {
        let src = r"path=C:\users\x";
        let f = parse_properties(src);
        assert_eq!(f.entries[0].value, r"C:\usersx");
        assert_eq!(f.issues.len(), 1);
        assert_eq!(&src[f.issues[0].span.range()], r"\users");
        let src = r"a=\u12";
        let f = parse_properties(src);
        assert_eq!(f.entries[0].value, r"\u12");
        assert_eq!(&src[f.issues[0].span.range()], r"\u12");
        let src = r"a=\u";
        let f = parse_properties(src);
        assert_eq!(f.entries[0].value, r"\u");
        assert_eq!(&src[f.issues[0].span.range()], r"\u");
        let f = parse_properties(r"a=\uD800x");
        assert_eq!(f.entries[0].value, "\u{fffd}x");
        assert_eq!(f.issues.len(), 1);
        let f = parse_properties(r"k\uZZZZ=v");
        assert_eq!(f.entries[0].key, r"k\uZZZZ");
        assert_eq!(f.entries[0].value, "v");
        assert_eq!(f.issues.len(), 1);
    }

    #[test]
    fn continuation_lines() {
        let src = "a=one, \\\n    two, \\\n\tthree\nb=4";
        let f = parse_properties(src);
        assert_eq!(f.entries.len(), 2);
        assert_eq!(f.entries[0].value, "one, two, three");
        assert_eq!(
            &src[f.entries[0].value_span.range()],
            "one, \\\n    two, \\\n\tthree"
        );
        assert_eq!(f.entries[1].key, "b");
        assert_eq!(&src[f.entries[1].value_span.range()], "4");
    }

    #[test]
    fn continuation_with_crlf_and_lone_cr() {
        let src = "a=x\\\r\n  y\r\nb=z\\\r  w\rc=1\r\n";
        let got = kv(src);
        assert_eq!(
            got,
            vec![
                ("a".into(), "xy".into(), "a".into(), "x\\\r\n  y".into()),
                ("b".into(), "zw".into(), "b".into(), "z\\\r  w".into()),
                ("c".into(), "1".into(), "c".into(), "1".into()),
            ]
        );
    }

    #[test]
    fn continuation_edge_cases() {
        // Even number of backslashes: no continuation.
        check("a=x\\\\", "a", "x\\", "a", "x\\\\");
        assert_eq!(kv("a=x\\\\\nb").len(), 2);
        // Three backslashes: an escaped backslash, then a continuation.
        check("a=x\\\\\\\ny", "a", "x\\y", "a", "x\\\\\\\ny");
        // A key can be continued too.
        check("ke\\\n  y=v", "key", "v", "ke\\\n  y", "v");
        // The separator can be on the next line.
        check("a\\\n  =v", "a", "v", "a", "v");
        // Value starting on the next line.
        check("a=\\\n  v", "a", "v", "a", "v");
        // Trailing backslash at end of input is dropped.
        check("a=x\\", "a", "x", "a", "x");
        // An empty continuation line ends the logical line.
        let f = parse_properties("a=x\\\n\nb=y");
        assert_eq!(kv("a=x\\\n\nb=y")[0].1, "x");
        assert_eq!(f.entries.len(), 2);
        // A whitespace-only continuation line also ends it.
        assert_eq!(kv("a=x\\\n   \nb=y").len(), 2);
        // `#` on a continuation line is value text, not a comment.
        check("a=x\\\n  # y", "a", "x# y", "a", "x\\\n  # y");
        // Value ends before the continuation backslash when nothing follows.
        check("a=x\\\n", "a", "x", "a", "x");
    }

    #[test]
    fn comments() {
        let src = "# first\n  ! second  \n#\na=1\n#no space\\\nb=2";
        let f = parse_properties(src);
        let got: Vec<_> = f
            .comments
            .iter()
            .map(|c| (c.text.as_str(), &src[c.span.range()]))
            .collect();
        assert_eq!(
            got,
            vec![
                ("first", "# first"),
                ("second", "! second  "),
                ("", "#"),
                ("no space\\", "#no space\\"),
            ]
        );
        // A comment line ending in a backslash does not continue.
        assert_eq!(f.entries.len(), 2);
        assert_eq!(f.entries[1].key, "b");
    }

    #[test]
    fn blank_lines_are_ignored() {
        let f = parse_properties("\n\n  \t\n\r\n\ra=1\n\n");
        assert_eq!(f.entries.len(), 1);
        assert!(f.comments.is_empty() && f.issues.is_empty());
        assert!(parse_properties("").entries.is_empty());
    }

    #[test]
    fn unicode_before_the_key_keeps_byte_offsets() {
        let src = "# héllo wörld 😀\nschlüssel = wért 😀\n";
        let e = one(src);
        assert_eq!(e.key, "schlüssel");
        assert_eq!(e.value, "wért 😀");
        assert_eq!(&src[e.key_span.range()], "schlüssel");
        assert_eq!(&src[e.value_span.range()], "wért 😀");
        assert_eq!(e.key_span.start, "# héllo wörld 😀\n".len());
    }

    #[test]
    fn crlf_lines() {
        let src = "a=1\r\n# c\r\nb : 2\r\n";
        let f = parse_properties(src);
        assert_eq!(kv(src)[0].3, "1");
        assert_eq!(kv(src)[1].3, "2");
        assert_eq!(&src[f.comments[0].span.range()], "# c");
    }

    #[test]
    fn bom_is_skipped() {
        let src = "\u{feff}a=1";
        let e = one(src);
        assert_eq!(e.key, "a");
        assert_eq!(e.key_span, Span::new(3, 4));
    }

    #[test]
    fn camunda_example() {
        let src = "camunda.bpm.admin-user.id=demo\n\
                   camunda.bpm.admin-user.password : demo\n\
                   spring.datasource.url jdbc:h2:mem:camunda;DB_CLOSE_DELAY=-1\n";
        let got = kv(src);
        assert_eq!(got[0].0, "camunda.bpm.admin-user.id");
        assert_eq!(got[1].1, "demo");
        assert_eq!(got[2].0, "spring.datasource.url");
        assert_eq!(got[2].1, "jdbc:h2:mem:camunda;DB_CLOSE_DELAY=-1");
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
            assert!(e.key_span.end <= e.value_span.start, "{e:?} in {src:?}");
        }
    }

    fn nasty_char() -> impl Strategy<Value = char> {
        prop_oneof![
            4 => prop::sample::select(vec![
                '\\', '\r', '\n', '=', ':', '#', '!', ' ', '\t', '\x0c', 'u', 'D', '8', '0', 'a',
                '"', '\'', '\0', '\u{feff}', 'é', '😀',
            ]),
            1 => any::<char>(),
        ]
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_are_in_bounds(
            chars in prop::collection::vec(nasty_char(), 0..80)
        ) {
            let src: String = chars.into_iter().collect();
            let f = parse_properties(&src);
            assert_spans_ok(&src, &f);
        }

        #[test]
        fn arbitrary_strings_never_panic(src in any::<String>()) {
            assert_spans_ok(&src, &parse_properties(&src));
        }

        #[test]
        fn simple_lines_round_trip(
            lines in prop::collection::vec(
                (
                    "[A-Za-z0-9][A-Za-z0-9.]{0,10}",
                    "[A-Za-z0-9]{0,10}",
                    prop::sample::select(vec!["=", ":", " = ", " : ", " ", "\t", "="]),
                    prop::sample::select(vec!["\n", "\r\n", "\r"]),
                    prop::sample::select(vec!["", "  ", "\t"]),
                ),
                0..12,
            )
        ) {
            let mut src = String::new();
            for (k, v, sep, nl, indent) in &lines {
                src.push_str(&format!("{indent}{k}{sep}{v}{nl}"));
            }
            let f = parse_properties(&src);
            prop_assert!(f.issues.is_empty());
            prop_assert_eq!(f.entries.len(), lines.len());
            for (e, (k, v, ..)) in f.entries.iter().zip(&lines) {
                prop_assert_eq!(&e.key, k);
                prop_assert_eq!(&e.value, v);
                prop_assert_eq!(&src[e.key_span.range()], k.as_str());
                prop_assert_eq!(&src[e.value_span.range()], v.as_str());
            }
        }
    }
}
