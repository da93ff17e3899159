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
    /// What the configuration and suppressions switched off, for every format to show.
    pub switched_off: SwitchedOff,
}

/// What the repository's own configuration and suppressions turned off in a run: a pull
/// request can change all of it, so every format reports it.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct SwitchedOff {
    /// The configuration file that applied (display path).
    pub config: Option<String>,
    /// Rules that `select` / `ignore` disabled (codes).
    pub rules_disabled: Vec<String>,
    /// Files that `exclude` set aside.
    pub excluded_files: usize,
    /// `[severity]` overrides of enabled rules that differ from the rule's own.
    pub severity_overrides: Vec<SeverityOverride>,
    /// `fail-on` set by the configuration.
    pub fail_on: Option<super::rule::Severity>,
    /// `require-reason = false`: inline suppressions need no reason.
    pub reasons_not_required: bool,
    /// Suppressed findings by kind.
    pub suppressed_inline: usize,
    pub suppressed_by_config: usize,
    pub suppressed_by_baseline: usize,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct SeverityOverride {
    pub rule: String,
    pub from: super::rule::Severity,
    pub to: super::rule::Severity,
}

impl SwitchedOff {
    /// Did the configuration or a suppression turn anything off?
    pub(crate) fn any(&self) -> bool {
        !self.rules_disabled.is_empty()
            || self.excluded_files > 0
            || !self.severity_overrides.is_empty()
            || self.fail_on.is_some()
            || self.reasons_not_required
            || self.suppressed_inline + self.suppressed_by_config + self.suppressed_by_baseline > 0
    }

    /// One line of plain text (not escaped: renderers escape it).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.rules_disabled.is_empty() {
            const SHOWN: usize = 20;
            let mut list = self.rules_disabled[..self.rules_disabled.len().min(SHOWN)].join(", ");
            if self.rules_disabled.len() > SHOWN {
                list.push_str(&format!(", and {} more", self.rules_disabled.len() - SHOWN));
            }
            parts.push(format!(
                "{} rule{} disabled ({list})",
                self.rules_disabled.len(),
                if self.rules_disabled.len() == 1 {
                    ""
                } else {
                    "s"
                }
            ));
        }
        if self.excluded_files > 0 {
            parts.push(format!(
                "{} file{} excluded",
                self.excluded_files,
                if self.excluded_files == 1 { "" } else { "s" }
            ));
        }
        if !self.severity_overrides.is_empty() {
            let list: Vec<String> = self
                .severity_overrides
                .iter()
                .map(|o| format!("{} {} -> {}", o.rule, o.from, o.to))
                .collect();
            parts.push(format!("severity changed: {}", list.join(", ")));
        }
        if let Some(f) = self.fail_on {
            parts.push(format!("fail-on = {f}"));
        }
        if self.reasons_not_required {
            parts.push("suppressions need no reason".to_string());
        }
        let suppressed =
            self.suppressed_inline + self.suppressed_by_config + self.suppressed_by_baseline;
        if suppressed > 0 {
            parts.push(format!(
                "{suppressed} finding{} suppressed ({} inline, {} by the configuration, {} by the baseline)",
                if suppressed == 1 { "" } else { "s" },
                self.suppressed_inline,
                self.suppressed_by_config,
                self.suppressed_by_baseline
            ));
        }
        let by = self
            .config
            .as_deref()
            .map_or("Suppressions".to_string(), |c| {
                format!("The configuration {c} and suppressions")
            });
        format!("{by} switched off: {}.", parts.join("; "))
    }
}
