//! The second pass of a scan: files whose deployments span several files (a Spring Boot
//! profile file and its base, a compose file and its `.env`, a container and the Secret
//! it reads) are assembled together once every file is analysed, then checked, and their
//! findings go to the files they point at, each with that file's inline suppressions.

use std::collections::HashMap;
use std::sync::Mutex;

use rayon::prelude::*;

use super::file::{Checked, FileOutcome, builtins, drop_generic_duplicates};
use crate::deploy::{self, Assembly, GroupKey, Plan};
use crate::model::analysis::Analysis;
use crate::model::deployment::{Deployment, DeploymentKind, Environment};
use crate::model::file_kind::FileKind;
use crate::model::finding::Finding;
use crate::rules::builtin::{Builtin, credentials_of_deployment, published_ports_of};
use crate::rules::{RuleSet, eval};
use crate::suppress::Suppressor;

/// The findings of the declarative rules over an assembly: each deployment's effective
/// component and each component no deployment claims.
pub fn evaluate(
    assembly: &Assembly,
    analyses: &[&Analysis],
    rules: &RuleSet,
    opts: &deploy::Options,
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = assembly
        .deployments
        .iter()
        .flat_map(|d| deployment(d, rules))
        .collect();
    for &(a, c) in &assembly.unclaimed {
        findings.extend(unclaimed(analyses[a], c, rules, opts));
    }
    findings
}

/// The findings of one deployment, in its environment. A compose service's published
/// ports (DC001) are judged with its effective settings.
pub(crate) fn deployment(d: &Deployment, rules: &RuleSet) -> Vec<Finding> {
    let mut found = eval::evaluate(rules, &d.effective);
    for rule in &rules.rules {
        let hard = match rule.builtin() {
            Some(Builtin::HardCodedSecret) => true,
            Some(Builtin::WellKnownCredential) => false,
            _ => continue,
        };
        if rule.applies_to(&d.effective.products) {
            found.extend(credentials_of_deployment(&rule.info, hard, &d.effective));
        }
    }
    if d.kind == DeploymentKind::ComposeService {
        for rule in &rules.rules {
            if rule.builtin() == Some(Builtin::PublishedPort)
                && rule.applies_to(&d.effective.products)
            {
                found.extend(published_ports_of(&rule.info, &d.effective));
            }
        }
    }
    in_environment(found, d.environment, d.environment_reason.as_deref(), rules)
}

/// The findings of a component judged on its own, in the environment of its file.
fn unclaimed(a: &Analysis, c: usize, rules: &RuleSet, opts: &deploy::Options) -> Vec<Finding> {
    let found = eval::evaluate(rules, &a.components[c]);
    let (env, why) = opts.environments.of_path(&a.file.path);
    in_environment(found, env, why.as_deref(), rules)
}

/// Apply the rules' `[environments]` policies to findings of a deployment that is not
/// production. A lowered finding says so; production findings are never touched.
fn in_environment(
    findings: Vec<Finding>,
    env: Environment,
    why: Option<&str>,
    rules: &RuleSet,
) -> Vec<Finding> {
    if env == Environment::Production {
        return findings;
    }
    findings
        .into_iter()
        .filter_map(|mut f| {
            let Some(rule) = rules.rules.iter().find(|r| r.code == f.rule.code) else {
                return Some(f);
            };
            let lowered = rule.severity_in(env, f.severity)?;
            if lowered < f.severity {
                f.message.push_str(&format!(
                    " [{} deployment, {}: {} lowered to {} by the rule]",
                    env.id(),
                    why.unwrap_or("configured"),
                    f.severity,
                    lowered
                ));
                f.severity = lowered;
            }
            Some(f)
        })
        .collect()
}

/// Held files waiting for the rest of their group. A directory group (Spring, compose,
/// Helm values) is judged as soon as its last file is analysed, so that memory follows the
/// groups in flight; Kubernetes files and groups that never complete (a file that could
/// not be read) wait for the end of the scan.
#[derive(Default)]
pub(super) struct Waiting {
    groups: Mutex<HashMap<GroupKey, Vec<Analysis>>>,
    whole_scan: Mutex<Vec<Analysis>>,
}

impl Waiting {
    /// Hold a file; the files of its group when it completes the group.
    pub(super) fn offer(&self, a: Analysis, plan: &Plan) -> Option<Vec<Analysis>> {
        let Some((key, expected)) = plan.group(&a) else {
            lock(&self.whole_scan).push(a);
            return None;
        };
        let mut groups = lock(&self.groups);
        let members = groups.entry(key.clone()).or_default();
        members.push(a);
        if members.len() >= expected {
            groups.remove(&key)
        } else {
            None
        }
    }

    /// Run `f` on the files that wait for the whole scan, of every scope.
    pub(super) fn with_held<R>(all: &[Waiting], f: impl FnOnce(&[&Analysis]) -> R) -> R {
        let guards: Vec<_> = all.iter().map(|w| lock(&w.whole_scan)).collect();
        let held: Vec<&Analysis> = guards.iter().flat_map(|g| g.iter()).collect();
        f(&held)
    }

    /// The Kubernetes files waiting for the whole scan, taken out, once every file that
    /// could be one has been analysed (the scan's first stage): their containers look up
    /// objects of Kubernetes files only, so they can be judged without the rest. Unless
    /// one of them imports files (a mounted Spring Boot configuration with
    /// `spring.config.import`), which may be any file of the scan: then none is taken.
    pub(super) fn take_kubernetes(&self) -> Vec<Analysis> {
        let mut held = lock(&self.whole_scan);
        let k8s = |a: &Analysis| a.kind == FileKind::K8s;
        if held
            .iter()
            .filter(|a| k8s(a))
            .any(crate::deploy::declares_import)
        {
            return Vec::new();
        }
        let (taken, rest): (Vec<Analysis>, Vec<Analysis>) =
            std::mem::take(&mut *held).into_iter().partition(|a| k8s(a));
        *held = rest;
        taken
    }

    /// The files waiting for the whole scan, taken out (once every file that could be
    /// named by one of them has been analysed).
    pub(super) fn take_whole_scan(&self) -> Vec<Analysis> {
        std::mem::take(&mut *lock(&self.whole_scan))
    }

    /// Everything still waiting.
    pub(super) fn rest(self) -> Vec<Analysis> {
        let mut out = into_inner(self.whole_scan);
        for (_, g) in into_inner(self.groups) {
            out.extend(g);
        }
        out
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn into_inner<T>(m: Mutex<T>) -> T {
    m.into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
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
                (a.file.display_path(), unclaimed(a, c, rules, opts))
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
            let mut out = FileOutcome {
                analysis,
                findings: kept,
                suppressed,
            };
            super::file::cap_findings(&mut out);
            Checked::from_outcome(out)
        })
        .collect()
}
