//! Baselines: record today's findings, report only new ones afterwards.
//!
//! Entries are keyed by rule, relative path, canonical setting key and a hash of the
//! value: no line numbers, so edits elsewhere in a file keep them matching.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::finding::Finding;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub code: String,
    pub path: String,
    pub key: String,
    pub value_hash: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

fn normalize_path(p: &str) -> String {
    let p = p.replace('\\', "/");
    p.strip_prefix("./").map(str::to_string).unwrap_or(p)
}

pub(crate) fn entry(f: &Finding) -> Entry {
    Entry {
        code: f.rule.code.clone(),
        path: normalize_path(&f.path()),
        key: f.key.clone(),
        value_hash: f.value_hash.clone(),
    }
}

/// The directory a baseline's paths are relative to: the repository (the closest
/// directory holding `.git`) above the baseline file, or the file's own directory.
pub(crate) fn root_for(baseline: &Path) -> std::path::PathBuf {
    let abs = if baseline.is_absolute() {
        baseline.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(baseline))
            .unwrap_or_else(|_| baseline.to_path_buf())
    };
    let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
        .unwrap_or(dir)
}

/// A display path (relative to the working directory, or absolute) relative to `root`.
pub(crate) fn relative(root: &Path, display: &str) -> String {
    crate::source::relative_to_base(root, Path::new(display))
}

/// The entry of a finding, its path relative to `root`.
pub(crate) fn entry_at(f: &Finding, root: &Path) -> Entry {
    Entry {
        path: relative(root, &f.path()),
        ..entry(f)
    }
}

/// The baseline document for these findings, paths relative to `root` (sorted, one
/// entry per finding).
pub(crate) fn render_at(findings: &[Finding], root: &Path) -> String {
    let mut entries: Vec<Entry> = findings.iter().map(|f| entry_at(f, root)).collect();
    entries.sort();
    let b = Baseline {
        version: 1,
        findings: entries,
    };
    let mut s = serde_json::to_string_pretty(&b).unwrap_or_default();
    s.push('\n');
    s
}

pub(crate) fn load(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline `{}`: {e}", path.display()))?;
    let b: Baseline = serde_json::from_str(&text).map_err(|e| {
        format!(
            "`{}` is not a camguard baseline: {e} (line {}, column {})",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if b.version != 1 {
        return Err(format!(
            "`{}`: unsupported baseline version {}",
            path.display(),
            b.version
        ));
    }
    Ok(b)
}

/// [`apply`], with entry paths relative to `root`.
pub(crate) fn apply_at(
    b: &Baseline,
    findings: Vec<Finding>,
    root: &Path,
) -> (Vec<Finding>, Vec<Finding>, Vec<Entry>) {
    split(b, findings, |f| entry_at(f, root))
}

fn split(
    b: &Baseline,
    findings: Vec<Finding>,
    entry: impl Fn(&Finding) -> Entry,
) -> (Vec<Finding>, Vec<Finding>, Vec<Entry>) {
    let mut counts: BTreeMap<&Entry, usize> = BTreeMap::new();
    for e in &b.findings {
        *counts.entry(e).or_default() += 1;
    }
    let mut new = Vec::new();
    let mut known = Vec::new();
    for f in findings {
        let e = entry(&f);
        match counts.get_mut(&e) {
            Some(n) if *n > 0 => {
                *n -= 1;
                known.push(f);
            }
            _ => new.push(f),
        }
    }
    let fixed = counts
        .into_iter()
        .flat_map(|(e, n)| std::iter::repeat_n(e.clone(), n))
        .collect();
    (new, known, fixed)
}
