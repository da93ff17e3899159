//! `[[ignore]]` entries of `camguard.toml`: findings of some rules in some files,
//! optionally for one key, until an expiry date.

use crate::config::Config;
use crate::model::report::{Report, Suppressed, SuppressionKind};
use crate::source::{display, relative_to_base};

/// Set aside the findings in `files` (the display paths, sorted, of the scanned files
/// this configuration applies to) that its `[[ignore]]` entries match, and note the
/// entries that expired, or that matched nothing although a file they name was scanned.
pub(crate) fn apply(report: &mut Report, config: &Config, files: &[String]) {
    if config.ignores.is_empty() {
        return;
    }
    let today = crate::config::today();
    let base = config.base_dir_abs();
    let mut used = vec![false; config.ignores.len()];
    let findings = std::mem::take(&mut report.findings);
    for f in findings {
        if files.binary_search(&f.path()).is_err() {
            report.findings.push(f);
            continue;
        }
        let rel = relative_to_base(&base, &f.file.path);
        let hit = config.ignores.iter().enumerate().find(|(_, ig)| {
            ig.expires.as_deref().is_none_or(|e| e >= today.as_str())
                && ig
                    .rules
                    .iter()
                    .any(|s| s.matches(&f.rule.code, &f.rule.name))
                && ig.path.is_match(&rel)
                && ig.key.as_deref().is_none_or(|k| k == f.key)
        });
        match hit {
            Some((i, ig)) => {
                used[i] = true;
                report.suppressed.push(Suppressed {
                    finding: f,
                    kind: SuppressionKind::External,
                    justification: ig.reason.clone(),
                });
            }
            None => report.findings.push(f),
        }
    }
    let cfg = config
        .path
        .as_ref()
        .map_or_else(String::new, |p| display(p));
    for (i, ig) in config.ignores.iter().enumerate() {
        let rules: Vec<&str> = ig.rules.iter().map(|s| s.0.as_str()).collect();
        if let Some(e) = ig.expires.as_deref().filter(|e| *e < today.as_str()) {
            report.notes.push(format!(
                "{cfg}: the ignore of {} in `{}` expired on {e} and no longer applies",
                rules.join(", "),
                ig.path_text
            ));
        } else if !used[i]
            && files.iter().any(|p| {
                ig.path
                    .is_match(relative_to_base(&base, std::path::Path::new(p)))
            })
        {
            report.notes.push(format!(
                "{cfg}: the ignore of {} in `{}` matched no finding; remove it",
                rules.join(", "),
                ig.path_text
            ));
        }
    }
}
