//! What the flat formats (.properties and .env) parse into.

use crate::source::Span;

/// One `key = value` entry of a flat file (.properties or .env).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key after unescaping.
    pub key: String,
    /// Bytes of the key as written.
    pub key_span: Span,
    /// The value after unescaping / unquoting (continuation lines joined).
    pub value: String,
    /// Bytes of the value as written, without surrounding quotes; empty span at the
    /// position after the separator when the value is empty.
    pub value_span: Span,
    /// True when the value was quoted (.env) — quoted values are always strings.
    pub quoted: bool,
}

/// A comment line (or trailing comment) with its text after the marker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

/// A problem found while parsing; parsing always continues.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseIssue {
    pub message: String,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlatFile {
    pub entries: Vec<Entry>,
    pub comments: Vec<Comment>,
    pub issues: Vec<ParseIssue>,
}
