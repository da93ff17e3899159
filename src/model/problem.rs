//! Problems with input files: what could not be read or parsed, and where.
//!
//! A file with an error-level problem was not (fully) checked, so by default it fails
//! the gate: a security tool must never pass a file it could not read.

use serde::Serialize;

use crate::source::FileRef;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// The file could not be read (permissions, vanished, not a regular file).
    Io,
    /// Larger than `--max-file-size`.
    TooLarge,
    /// NUL bytes: not a text file.
    Binary,
    /// Not UTF-8.
    Encoding,
    /// Not valid YAML / XML / TOML; the part before the error was still checked.
    Syntax,
    /// A resource limit (nesting depth, alias expansion) was hit.
    Limit,
    /// An explicitly named file camguard does not know how to check.
    Unrecognized,
    /// A symlink that leaves the scanned root, or a loop.
    Link,
    /// A file a configuration refers to (a compose `env_file`) could not be checked: it
    /// is not there, lies outside the scanned tree, or is named with interpolation.
    MissingReference,
}

impl ProblemKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Io => "io-error",
            ProblemKind::TooLarge => "too-large",
            ProblemKind::Binary => "binary",
            ProblemKind::Encoding => "encoding",
            ProblemKind::Syntax => "syntax-error",
            ProblemKind::Limit => "limit",
            ProblemKind::Unrecognized => "unrecognized",
            ProblemKind::Link => "link",
            ProblemKind::MissingReference => "missing-reference",
        }
    }

    /// Does the problem mean the file was not fully checked? (A reference camguard could
    /// not check leaves its file not fully checked too.)
    pub fn is_error(self) -> bool {
        !matches!(self, ProblemKind::Unrecognized | ProblemKind::Link)
    }
}

#[derive(Clone, Debug)]
pub struct Problem {
    pub kind: ProblemKind,
    /// Display path of the file.
    pub path: String,
    /// The file's text, when it was read (for a snippet).
    pub file: Option<FileRef>,
    pub span: Option<Span>,
    pub message: String,
}

impl Problem {
    pub fn new(kind: ProblemKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            kind,
            path: path.into(),
            file: None,
            span: None,
            message: message.into(),
        }
    }

    pub(crate) fn at(
        kind: ProblemKind,
        file: &FileRef,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            kind,
            path: file.display_path(),
            file: Some(file.clone()),
            span: Some(span),
            message: message.into(),
        }
    }

    pub(crate) fn sort_key(&self) -> (String, usize, ProblemKind, String) {
        (
            self.path.clone(),
            self.span.map_or(0, |s| s.start),
            self.kind,
            self.message.clone(),
        )
    }
}

/// An error that points into a TOML file camguard reads (the configuration or a rule
/// file), rendered with the offending line by `crate::report::source_error`.
#[derive(Clone, Debug)]
pub struct SourceError {
    pub path: std::path::PathBuf,
    pub source: std::sync::Arc<str>,
    pub span: Span,
    pub message: String,
}
