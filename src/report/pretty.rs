//! A JSON value written straight into text, for the records a report writes thousands of
//! times (SARIF results, JSON findings): exactly the layout of `serde_json::to_string_pretty` nested in
//! a document ([`super::stream::pretty_at`]) and exactly the text
//! [`super::escape::json_document`] makes of it, in one pass.
//!
//! Why not serde_json for these: it escapes every string byte by byte, field names
//! included, behind a serializer call per value, then the document is scanned again to be
//! made inert. That was about three fifths of what the SARIF report cost on a finding-dense
//! tree (BENCHMARKS.md). Here a string is checked for anything to escape with a comparison the
//! compiler vectorises, and copied as it is when there is nothing, which is nearly always;
//! field names are constants. The tests below hold the output to serde_json's and to
//! `json_document`'s for any text.

use std::fmt::Write;

use crate::source::{holds_legacy_command, is_unsafe_char};

/// A JSON value being written, whose first line continues a line of the document and
/// whose later lines are indented from `base` spaces on.
pub(crate) struct Pretty {
    out: String,
    /// Spaces before an entry of the innermost open object or array.
    indent: usize,
    /// Whether the innermost open object or array has an entry yet.
    has_entry: bool,
}

impl Pretty {
    pub(crate) fn at(base: usize) -> Self {
        Pretty {
            out: String::with_capacity(1024),
            indent: base,
            has_entry: false,
        }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    /// An object whose entries `body` writes with [`Pretty::key`].
    pub(crate) fn object(&mut self, body: impl FnOnce(&mut Self)) {
        self.nested(b'{', b'}', body);
    }

    /// An array whose elements `body` writes, each after [`Pretty::element`].
    pub(crate) fn array(&mut self, body: impl FnOnce(&mut Self)) {
        self.nested(b'[', b']', body);
    }

    fn nested(&mut self, open: u8, close: u8, body: impl FnOnce(&mut Self)) {
        self.out.push(open as char);
        let outer = std::mem::replace(&mut self.has_entry, false);
        self.indent += 2;
        body(self);
        self.indent -= 2;
        if self.has_entry {
            self.break_line(false);
        }
        self.out.push(close as char);
        self.has_entry = outer;
    }

    /// Start an entry of the open object: its value is written next. The name is a
    /// constant of camguard's, with nothing to escape.
    pub(crate) fn key(&mut self, name: &'static str) -> &mut Self {
        debug_assert!(
            name.bytes()
                .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
        );
        self.element();
        self.out.push('"');
        self.out.push_str(name);
        self.out.push_str("\": ");
        self
    }

    /// Start an element of the open array: it is written next.
    pub(crate) fn element(&mut self) -> &mut Self {
        let comma = std::mem::replace(&mut self.has_entry, true);
        self.break_line(comma);
        self
    }

    /// A comma if asked, a line break and the indent, in one copy up to 128 spaces.
    fn break_line(&mut self, comma: bool) {
        const BREAKS: &str = concat!(
            ",\n",
            "                                                                ",
            "                                                                "
        );
        const MOST: usize = BREAKS.len() - 2;
        let mut n = self.indent;
        let first = n.min(MOST);
        self.out.push_str(&BREAKS[usize::from(!comma)..2 + first]);
        n -= first;
        while n > 0 {
            let k = n.min(MOST);
            self.out.push_str(&BREAKS[2..2 + k]);
            n -= k;
        }
    }

    pub(crate) fn str(&mut self, s: &str) {
        push_string(&mut self.out, s);
    }

    pub(crate) fn null(&mut self) {
        self.out.push_str("null");
    }

    pub(crate) fn uint(&mut self, n: usize) {
        self.out.push_str(itoa::Buffer::new().format(n));
    }

    /// `{"text": s}`, SARIF's message object.
    pub(crate) fn text(&mut self, s: &str) {
        self.object(|w| w.key("text").str(s));
    }
}

/// `s` as a JSON string: escaped as serde_json escapes it, then with every unsafe
/// character still raw written `\uXXXX` and each `##[` as `#\u0023[`, as
/// [`super::escape::json_document`] writes them (escaping never makes or breaks a `##[`,
/// so one string at a time gives what the whole document gave).
fn push_string(out: &mut String, s: &str) {
    out.push('"');
    if plain(s.as_bytes()) {
        out.push_str(s);
    } else {
        let start = out.len();
        escape_into(out, s);
        if holds_legacy_command(s) {
            let escaped = out.split_off(start);
            out.push_str(&escaped.replace("##[", "#\\u0023["));
        }
    }
    out.push('"');
}

/// Whether no byte needs a second look: printable ASCII but `"`, `\` and `#` (which may
/// start a `##[`). (No early exit: the loop is vectorised, and the strings are short.)
fn plain(b: &[u8]) -> bool {
    b.iter().fold(true, |ok, &c| {
        ok & (0x20..0x7f).contains(&c) & (c != b'"') & (c != b'\\') & (c != b'#')
    })
}

/// The slow way, for a string [`plain`] did not pass: runs that need nothing are copied
/// as they are.
fn escape_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    // (`i` and `run` stay on character boundaries: ASCII steps one byte, others a character)
    let (mut i, mut run) = (0, 0);
    while i < b.len() {
        let c = b[i];
        if c >= 0x80 {
            let Some(ch) = s[i..].chars().next() else {
                break;
            };
            let next = i + ch.len_utf8();
            if is_unsafe_char(ch) {
                out.push_str(&s[run..i]);
                // (every unsafe character is in the Basic Multilingual Plane)
                let _ = write!(out, "\\u{:04x}", ch as u32);
                run = next;
            }
            i = next;
            continue;
        }
        let escape = match c {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0c => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x7f => "\\u007f",
            0x00..=0x1f => "",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[run..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[usize::from(c >> 4)] as char);
            out.push(HEX[usize::from(c & 0xf)] as char);
        } else {
            out.push_str(escape);
        }
        i += 1;
        run = i;
    }
    out.push_str(&s[run..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// What the serde_json path writes for `v` nested `indent` deep.
    fn oracle(v: &serde_json::Value, indent: usize) -> String {
        super::super::stream::pretty_at(v, indent)
    }

    fn written(indent: usize, f: impl FnOnce(&mut Pretty)) -> String {
        let mut w = Pretty::at(indent);
        f(&mut w);
        w.finish()
    }

    #[test]
    fn layout_matches_serde_json_pretty_at_any_depth() {
        // (past 128, an indent takes more than one copy of the spaces)
        for indent in [0, 2, 6, 70, 130, 300] {
            let got = written(indent, |w| {
                w.object(|w| {
                    w.key("a").str("x");
                    w.key("n").uint(12_345);
                    w.key("none").null();
                    w.key("empty_list").array(|_| {});
                    w.key("empty_object").object(|_| {});
                    w.key("list").array(|w| {
                        w.element().text("t");
                        w.element().uint(0);
                        w.element().array(|w| {
                            w.element().str("deep");
                        });
                    });
                    w.key("last").object(|w| {
                        w.key("x").uint(usize::MAX);
                    });
                })
            });
            let want = oracle(
                &json!({
                    "a": "x",
                    "n": 12_345,
                    "none": null,
                    "empty_list": [],
                    "empty_object": {},
                    "list": [{"text": "t"}, 0, ["deep"]],
                    "last": {"x": usize::MAX},
                }),
                indent,
            );
            assert_eq!(got, want, "at {indent}");
        }
    }

    #[test]
    fn strings_are_escaped_and_made_inert() {
        for s in [
            "",
            "plain text: `a.b` is `c`",
            "quote \" backslash \\ slash /",
            "\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1b}[31m\u{1f} \u{7f}\u{80}\u{9f}\u{a0}",
            "bidi \u{202e}evil\u{2066}\u{200f}\u{61c} breaks \u{2028}\u{2029}\u{85}",
            "##[group]x ###[ ##[##[ #[ ##",
            "café ☕ 𝄞 \u{ffff}",
            "::error::forged",
        ] {
            let got = written(0, |w| w.str(s));
            assert_eq!(got, oracle(&json!(s), 0), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn any_string_is_written_as_serde_json_and_json_document_write_it(
            s in "\\PC*|[\\x00-\\x{a0}\\x{2028}\\x{2029}\\x{202a}-\\x{202e}\\x{2066}-\\x{2069}\\x{61c}\\x{200e}\\x{200f}#\\[a\"\\\\é]{0,40}|[#\\[\\x00\\x1b\\x7f\\x{85}\\x{2028}\\x{202e}\\x{200f}é\"\\\\ ]{0,40}|[#\\[a ]{0,40}"
        ) {
            let got = written(4, |w| w.object(|w| w.key("k").str(&s)));
            prop_assert_eq!(&got, &oracle(&json!({"k": s}), 4));
            let back: serde_json::Value = serde_json::from_str(&got).unwrap();
            prop_assert_eq!(back["k"].as_str().unwrap(), s.as_str());
            // Inert whatever the oracle does: no workflow command, no raw unsafe
            // character but the layout's line breaks.
            prop_assert!(!got.contains("##["), "{:?}", got);
            prop_assert!(!got.chars().any(|c| is_unsafe_char(c) && c != '\n'), "{:?}", got);
        }
    }
}
