//! Text made safe for a CI log, a terminal and an XML parser.
//!
//! Everything camguard prints may come from a pull request: file and directory names,
//! keys, values, snippets, rule texts of custom rules, notes about the configuration. A
//! raw LF starts a new log line (a forged `::error::` workflow command or a fake "0
//! findings" summary), CR and ANSI/OSC escapes rewrite or hide what was printed, write to
//! the clipboard or plant hyperlinks, and bidirectional controls reorder what a reader
//! sees. [`line`] makes any text one inert line: every character of
//! [`crate::source::is_unsafe_char`] becomes a visible `\u{1b}`-style escape. [`xml`]
//! does the same for XML 1.0 and is always well-formed, and [`json_document`] keeps a
//! JSON document's data exact while no unsafe character appears in it raw.

use std::borrow::Cow;
use std::fmt::Write;

use crate::source::{holds_legacy_command, is_unsafe_char};

fn escape_char(out: &mut String, c: char) {
    let _ = write!(out, "\\u{{{:x}}}", c as u32);
}

fn escape_with(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe_char(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe_char(c) && !keep(c) {
            escape_char(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One field of a log line (a path, key, value, message): every control character,
/// line break (CR, LF, U+0085, U+2028, U+2029) and bidirectional control becomes a
/// visible escape such as `\u{1b}`; nothing else changes.
/// Nor does it read as a CI workflow command ([`crate::source::defuse_commands`]).
pub(crate) fn line(s: &str) -> Cow<'_, str> {
    defused(escape_with(s, |_| false), false)
}

/// Text that may span lines (a source excerpt): like [`line`], but LF and tab stay.
pub(crate) fn lines(s: &str) -> Cow<'_, str> {
    defused(escape_with(s, |c| c == '\n' || c == '\t'), true)
}

fn defused(s: Cow<'_, str>, multiline: bool) -> Cow<'_, str> {
    match crate::source::defuse_commands(&s, multiline) {
        Cow::Borrowed(_) => s,
        Cow::Owned(d) => Cow::Owned(d),
    }
}

/// May this character appear in an XML 1.0 document at all (even as a reference)?
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// Text for an XML 1.0 attribute value or element content: markup characters as
/// entities, every unsafe character and every character XML forbids as a visible escape.
/// The result is well-formed for any input.
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if is_unsafe_char(c) || !xml_char(c) => escape_char(&mut out, c),
            c => out.push(c),
        }
    }
    // `##[` is a legacy workflow command anywhere in a log line: a character reference
    // keeps the text the same for an XML reader.
    if holds_legacy_command(&out) {
        out = out.replace("##[", "#&#x23;[");
    }
    out
}

/// A serialised JSON document with every unsafe character that is still raw (JSON
/// serialisers escape C0 controls but not DEL, C1, U+2028/U+2029 or bidirectional
/// controls) written as a `\uXXXX` escape: the data stays the same, the text is inert.
/// Outside strings JSON is ASCII, so only string contents change.
pub(crate) fn json_document(doc: String) -> String {
    // C0 controls appear raw only as the document's own whitespace (strings hold them
    // escaped), and that must stay.
    let raw = |c: char| is_unsafe_char(c) && c >= '\u{20}';
    // Every unsafe character from U+0020 up is DEL or outside ASCII: an ASCII document
    // without DEL is inert as it is (a byte scan, much faster than decoding characters).
    // `##[` is a legacy workflow command anywhere in a log line; outside strings JSON has
    // no `#`, so the escape keeps the data the same.
    let doc = if holds_legacy_command(&doc) {
        doc.replace("##[", "#\\u0023[")
    } else {
        doc
    };
    if doc.is_ascii() && memchr::memchr(0x7f, doc.as_bytes()).is_none() {
        return doc;
    }
    if !doc.chars().any(raw) {
        return doc;
    }
    let mut out = String::with_capacity(doc.len() + 16);
    for c in doc.chars() {
        if raw(c) {
            // Every unsafe character is in the Basic Multilingual Plane.
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unsafe_characters_become_visible_escapes() {
        assert_eq!(line("a\nb"), "a\\u{a}b");
        assert_eq!(line("x\r::error::y"), "x\\u{d}::error::y");
        assert_eq!(line("\u{1b}]52;c;Zm9v\u{7}"), "\\u{1b}]52;c;Zm9v\\u{7}");
        assert_eq!(line("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(
            line("a\u{2028}b\u{2029}c\u{85}"),
            "a\\u{2028}b\\u{2029}c\\u{85}"
        );
        assert_eq!(
            line("\u{202e}abc\u{2066}\u{200f}\u{61c}"),
            "\\u{202e}abc\\u{2066}\\u{200f}\\u{61c}"
        );
        assert_eq!(line("\u{7f}"), "\\u{7f}");
        assert_eq!(line("plain: café ☕"), "plain: café ☕");
        assert!(matches!(line("plain"), Cow::Borrowed(_)));
        assert_eq!(lines("a\n\tb\r"), "a\n\tb\\u{d}");
    }

    proptest! {
        #[test]
        fn a_line_has_no_unsafe_character_left(s in "\\PC*|[\\x00-\\x{9f}\\x{2028}\\x{2029}\\x{202a}-\\x{202e}\\x{2066}-\\x{2069}a ]{0,40}") {
            let l = line(&s);
            prop_assert!(!l.chars().any(is_unsafe_char), "{:?}", l);
            prop_assert!(!l.contains('\n') && !l.contains('\r'));
        }

        #[test]
        fn xml_is_always_well_formed(s in "\\PC*|[\\x00-\\x{9f}\\x{fffe}\\x{ffff}<>&\"'\\x{202e}a]{0,40}") {
            let doc = format!("<a b=\"{}\">{}</a>", xml(&s), xml(&s));
            prop_assert!(roxmltree::Document::parse(&doc).is_ok(), "{:?}", doc);
        }

        #[test]
        fn json_documents_keep_their_data(s in "[\\x00-\\x{9f}\\x{2028}\\x{202e}a\"\\\\]{0,40}") {
            let doc = serde_json::to_string_pretty(&serde_json::json!({"k": s})).unwrap();
            let safe = json_document(doc);
            prop_assert!(!safe.chars().any(|c| is_unsafe_char(c) && c != '\n'));
            let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
            prop_assert_eq!(back["k"].as_str().unwrap(), s.as_str());
        }
    }
}
