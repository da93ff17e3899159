//! Every way a finding is set aside, as one stage: inline `camguard: ignore[...]`
//! comments (per file, on the worker thread that checked it), `[[ignore]]` entries of the
//! configuration, and the baseline (both once every file is checked).

pub mod baseline;
pub mod ignores;
pub mod inline;

use crate::config::Config;
use crate::model::analysis::Analysis;
use crate::model::finding::Finding;
use crate::model::report::{Report, Suppressed, SuppressionKind};
use crate::rules::RuleSet;
use crate::source::display;

/// What may set findings aside in one scan.
pub(crate) struct Suppressor<'a> {
    /// `--no-ignores`: an audit run in which nothing is set aside.
    pub disabled: bool,
    pub config: &'a Config,
    pub rules: &'a RuleSet,
}

/// The whole report, once every file is checked: the `[[ignore]]` entries of each
/// configuration for the files it applied to (unless `disabled`, `--no-ignores`), then the
/// baseline (always: it was asked for on the command line).
pub(crate) fn finish(
    report: &mut Report,
    configs: &[(&Config, &[String])],
    baseline: Option<(&baseline::Baseline, &std::path::Path)>,
    disabled: bool,
) {
    if !disabled {
        for (config, files) in configs {
            ignores::apply(report, config, files);
        }
    }
    if let Some((b, path)) = baseline {
        apply_baseline(report, b, path);
    }
}

impl Suppressor<'_> {
    /// One file's findings: those its inline directives suppress are set aside, and
    /// invalid or unused directives become findings themselves.
    pub(crate) fn file(
        &self,
        a: &Analysis,
        findings: Vec<Finding>,
    ) -> (Vec<Finding>, Vec<Suppressed>) {
        if self.disabled {
            return (findings, Vec::new());
        }
        inline::apply(a, findings, self.rules, self.config.require_reason)
    }
}

/// Set aside the findings the baseline at `path` knows; note its entries that match
/// nothing although their file was scanned (fixed). Entry paths are relative to the
/// baseline's repository ([`baseline::root_for`]), wherever camguard runs.
pub(crate) fn apply_baseline(report: &mut Report, b: &baseline::Baseline, path: &std::path::Path) {
    let shown = display(path);
    let root = baseline::root_for(path);
    let scanned: std::collections::HashSet<String> = report
        .files
        .iter()
        .map(|f| baseline::relative(&root, &f.path))
        .collect();
    let findings = std::mem::take(&mut report.findings);
    let (new, known, fixed) = baseline::apply_at(b, findings, &root);
    let fixed: Vec<baseline::Entry> = fixed
        .into_iter()
        .filter(|e| scanned.contains(&e.path))
        .collect();
    report.findings = new;
    report
        .suppressed
        .extend(known.into_iter().map(|f| Suppressed {
            finding: f,
            kind: SuppressionKind::Baseline,
            justification: format!("in the baseline {shown}"),
        }));
    for e in fixed {
        report.notes.push(format!(
            "baseline entry {} {} `{}` no longer matches (fixed): remove it from {shown}",
            e.code, e.path, e.key,
        ));
    }
}
