//! The result of a scan, as every renderer reads it.

use std::collections::BTreeMap;

use super::file_kind::FileKind;
use super::finding::Finding;
use super::problem::Problem;
use crate::source::Span;

/// How a finding was suppressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SuppressionKind {
    /// By a comment in the file.
    InSource,
    /// By the configuration file.
    External,
    /// By the baseline.
    Baseline,
}

#[derive(Clone, Debug)]
pub struct Suppressed {
    pub finding: Finding,
    pub kind: SuppressionKind,
    pub justification: String,
}

/// A scanned file and its kind (for `--show-files` and summaries).
#[derive(Clone, Debug, serde::Serialize)]
pub struct ScannedFile {
    pub path: String,
    pub kind: FileKind,
}

#[derive(Debug, Default)]
pub struct Report {
    /// The rules that were enabled, in the order they were loaded (SARIF's rule table).
    pub rules: Vec<std::sync::Arc<super::rule::RuleInfo>>,
    pub findings: Vec<Finding>,
    pub problems: Vec<Problem>,
    pub files: Vec<ScannedFile>,
    /// Per file, the spans of secret values, masked in every snippet.
    pub secret_spans: BTreeMap<String, Vec<Span>>,
    /// Findings that suppressions or the baseline set aside.
    pub suppressed: Vec<Suppressed>,
    /// Notes about the configuration (expired or unused ignores).
    pub notes: Vec<String>,
    /// Configuration files that ignore rules (`.gitignore`) set aside: untracked files
    /// the repository's ignore files match (tracked files are always checked).
    pub ignored_files: usize,
}
