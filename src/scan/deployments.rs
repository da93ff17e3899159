//! The second pass of a scan: files whose deployments span several files (a Spring Boot
//! profile file and its base, a compose file and its `.env`, a container and the Secret
//! it reads) are assembled together once every file is analysed, then checked, and their
//! findings go to the files they point at, each with that file's inline suppressions.

use std::collections::HashMap;

use rayon::prelude::*;

use super::file::{Checked, FileOutcome, builtins, drop_generic_duplicates};
use crate::deploy::{self, Assembly};
use crate::model::analysis::Analysis;
use crate::model::deployment::Deployment;
use crate::model::finding::Finding;
use crate::rules::{RuleSet, eval};
use crate::suppress::Suppressor;

/// The findings of the declarative rules over an assembly: each deployment's effective
/// component and each component no deployment claims.
pub fn evaluate(assembly: &Assembly, analyses: &[&Analysis], rules: &RuleSet) -> Vec<Finding> {
    let mut findings: Vec<Finding> = assembly
        .deployments
        .iter()
        .flat_map(|d| deployment(d, rules))
        .collect();
    for &(a, c) in &assembly.unclaimed {
        findings.extend(eval::evaluate(rules, &analyses[a].components[c]));
    }
    findings
}

/// The findings of one deployment.
pub fn deployment(d: &Deployment, rules: &RuleSet) -> Vec<Finding> {
    eval::evaluate(rules, &d.effective)
}

/// Assemble, check and suppress the held files; one [`Checked`] per file.
pub(super) fn check_held(
    mut held: Vec<Analysis>,
    rules: &RuleSet,
    opts: &deploy::Options,
    suppressor: &Suppressor<'_>,
) -> Vec<Checked> {
    if held.is_empty() {
        return Vec::new();
    }
    held.sort_by(|a, b| a.file.path.cmp(&b.file.path));
    let refs: Vec<&Analysis> = held.iter().collect();
    let assembly = deploy::assemble(&refs, opts);
    // (the file a finding belongs to when its own file is not one of the held ones)
    let mut found: Vec<(String, Vec<Finding>)> = assembly
        .deployments
        .par_iter()
        .map(|d| (d.effective.file.display_path(), deployment(d, rules)))
        .collect();
    found.extend(
        assembly
            .unclaimed
            .par_iter()
            .map(|&(a, c)| {
                let a = refs[a];
                (
                    a.file.display_path(),
                    eval::evaluate(rules, &a.components[c]),
                )
            })
            .collect::<Vec<_>>(),
    );
    found.extend(
        refs.par_iter()
            .map(|a| (a.file.display_path(), builtins(a, rules)))
            .collect::<Vec<_>>(),
    );
    let index: HashMap<String, usize> = refs
        .iter()
        .enumerate()
        .map(|(i, a)| (a.file.display_path(), i))
        .collect();
    let mut per_file: Vec<Vec<Finding>> = vec![Vec::new(); refs.len()];
    for (owner, findings) in found {
        for f in findings {
            let i = index
                .get(&f.path())
                .or_else(|| index.get(&owner))
                .copied()
                .unwrap_or(0);
            per_file[i].push(f);
        }
    }
    drop(refs);
    held.into_par_iter()
        .zip(per_file)
        .map(|(analysis, mut findings)| {
            drop_generic_duplicates(&mut findings);
            let (kept, suppressed) = suppressor.file(&analysis, findings);
            Checked::from_outcome(FileOutcome {
                analysis,
                findings: kept,
                suppressed,
            })
        })
        .collect()
}
