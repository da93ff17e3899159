//! The second pass of a scan: files whose deployments span several files (a Spring Boot
//! profile file and its base, a compose file and its `.env`, a container and the Secret
//! it reads) are assembled together once every file is analysed, then checked, and their
//! findings go to the files they point at, each with that file's inline suppressions.

use crate::model::hashing::FastMap;
use std::path::{Path, PathBuf};
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
    groups: Mutex<FastMap<GroupKey, Vec<Analysis>>>,
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
    let index: FastMap<String, usize> = refs
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

/// The files that wait for the whole scan once the first stage is done, in clusters that
/// cannot affect each other's deployments, each judged as soon as the named files it waits
/// for (`deploy::Plan::named`) have been analysed: memory follows the clusters in flight,
/// not every compose project of the tree at once.
///
/// Files are in one cluster when they share a directory (compose projects and their
/// `.env`, Spring Boot applications and their profiles, Helm values), when one mounts the
/// other or a directory above it, or imports from its directory; every compose file is
/// in one cluster when any of them extends a service of another file or includes one,
/// and every Kubernetes file still waiting is (their objects are looked up across files).
/// Each rule is a superset of what the assembly follows (`deploy::references`).
pub(super) struct Clusters {
    slots: Vec<Mutex<Slot>>,
    /// The cluster of each named file, by lexically normalised path.
    of_path: FastMap<PathBuf, usize>,
}

#[derive(Default)]
struct Slot {
    held: Vec<Analysis>,
    /// Named files not analysed yet.
    missing: usize,
    judged: bool,
}

impl Clusters {
    /// The clusters of `held` and of the files `named` (paths) that are still to come,
    /// and the clusters that wait for none of them (to judge now).
    pub(super) fn new(held: Vec<Analysis>, named: &[PathBuf]) -> (Self, Vec<Vec<Analysis>>) {
        use crate::deploy::mounts::normal;
        use crate::deploy::references::{Referral, couples_projects, dir_of, referrals};
        let n = held.len() + named.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
            let (ra, rb) = (find(parent, a), find(parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        };
        let paths: Vec<PathBuf> = held
            .iter()
            .map(|a| normal(&a.file.path))
            .chain(named.iter().map(|p| normal(p)))
            .collect();
        let by_path: std::collections::BTreeMap<&Path, Vec<usize>> =
            paths
                .iter()
                .enumerate()
                .fold(Default::default(), |mut m, (i, p)| {
                    m.entry(p.as_path()).or_insert_with(Vec::new).push(i);
                    m
                });
        let mut by_dir: FastMap<PathBuf, Vec<usize>> = FastMap::default();
        for (i, p) in paths.iter().enumerate() {
            by_dir.entry(dir_of(p)).or_default().push(i);
        }
        for nodes in by_dir.values() {
            for &x in &nodes[1..] {
                union(&mut parent, nodes[0], x);
            }
        }
        let refs: Vec<&Analysis> = held.iter().collect();
        let mut anything = false;
        for (i, what) in referrals(&refs) {
            match what {
                Referral::ComposeDir(_) => {}
                Referral::Mounted(p) => {
                    let below = by_path
                        .range(p.as_path()..)
                        .take_while(|(q, _)| q.starts_with(&p))
                        .flat_map(|(_, v)| v.iter().copied());
                    for x in below.collect::<Vec<_>>() {
                        union(&mut parent, i, x);
                    }
                }
                // Once: every compose file is in one cluster then (`couples_projects`).
                Referral::MountsAnything if !anything => {
                    anything = true;
                    for x in 0..n {
                        union(&mut parent, i, x);
                    }
                }
                Referral::MountsAnything => {}
                Referral::ImportDir(d) => {
                    for &x in by_dir.get(&d).map(Vec::as_slice).unwrap_or_default() {
                        union(&mut parent, i, x);
                    }
                }
            }
        }
        let all_of = |kind_test: &dyn Fn(&Analysis) -> bool| -> Vec<usize> {
            held.iter()
                .enumerate()
                .filter(|(_, a)| kind_test(a))
                .map(|(i, _)| i)
                .collect()
        };
        let mut together = Vec::new();
        if held.iter().any(couples_projects) {
            together.push(all_of(&|a: &Analysis| a.kind == FileKind::Compose));
        }
        together.push(all_of(&|a: &Analysis| a.kind == FileKind::K8s));
        for nodes in together.iter().filter(|v| !v.is_empty()) {
            for &x in &nodes[1..] {
                union(&mut parent, nodes[0], x);
            }
        }
        // One slot per root, in order of first appearance.
        let mut slot_of: FastMap<usize, usize> = FastMap::default();
        let mut slots: Vec<Slot> = Vec::new();
        let mut id = |parent: &mut Vec<usize>, x: usize, slots: &mut Vec<Slot>| {
            let r = find(parent, x);
            *slot_of.entry(r).or_insert_with(|| {
                slots.push(Slot::default());
                slots.len() - 1
            })
        };
        let held_len = held.len();
        for (i, a) in held.into_iter().enumerate() {
            let s = id(&mut parent, i, &mut slots);
            slots[s].held.push(a);
        }
        let mut of_path = FastMap::default();
        for (j, p) in named.iter().enumerate() {
            let s = id(&mut parent, held_len + j, &mut slots);
            slots[s].missing += 1;
            of_path.insert(normal(p), s);
        }
        let mut ready = Vec::new();
        for slot in slots.iter_mut().filter(|s| s.missing == 0) {
            slot.judged = true;
            ready.push(std::mem::take(&mut slot.held));
        }
        (
            Clusters {
                slots: slots.into_iter().map(Mutex::new).collect(),
                of_path,
            },
            ready,
        )
    }

    /// A named file has been analysed (`None`: it could not be, or was not held); its
    /// cluster when that was the last it waited for.
    pub(super) fn arrive(&self, path: &Path, a: Option<Analysis>) -> Option<Vec<Analysis>> {
        let s = *self.of_path.get(&crate::deploy::mounts::normal(path))?;
        let mut slot = lock(&self.slots[s]);
        slot.held.extend(a);
        slot.missing = slot.missing.saturating_sub(1);
        if slot.missing == 0 && !slot.judged {
            slot.judged = true;
            return Some(std::mem::take(&mut slot.held));
        }
        None
    }

    /// The clusters that are still waiting (a named file that never arrived).
    pub(super) fn rest(self) -> Vec<Vec<Analysis>> {
        self.slots
            .into_iter()
            .map(into_inner)
            .filter(|s| !s.judged && !s.held.is_empty())
            .map(|s| s.held)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Context, analyze};
    use crate::source::SourceFile;

    fn analysed(path: &str, kind: FileKind, text: &str) -> Analysis {
        analyze(SourceFile::new(path, text), kind, &Context::default())
    }

    /// A cluster is judged when the last named file it waits for arrives, with the held
    /// files that name it; clusters that wait for nothing are judged at once.
    #[test]
    fn clusters_complete_with_their_named_files() {
        let compose = "services:\n  zeebe:\n    image: camunda/zeebe:8.7.0\n    volumes:\n      - ../conf:/usr/local/zeebe/config\n";
        let held = vec![
            analysed("d/docker-compose.yml", FileKind::Compose, compose),
            analysed(
                "lone/docker-compose.yml",
                FileKind::Compose,
                "services: {}\n",
            ),
        ];
        let named: Vec<PathBuf> = ["d/.env", "conf/application.yaml", "other/application.yaml"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let (clusters, ready) = Clusters::new(held, &named);
        let paths = |g: &[Analysis]| -> Vec<String> {
            let mut v: Vec<String> = g.iter().map(|a| a.file.display_path()).collect();
            v.sort();
            v
        };
        assert_eq!(ready.len(), 1);
        assert_eq!(paths(&ready[0]), ["lone/docker-compose.yml"]);
        let file = |p: &str| Some(analysed(p, FileKind::SpringYaml, "a: 1\n"));
        // A named file no held file shares a cluster with is judged alone.
        let g = clusters.arrive(
            Path::new("./other/application.yaml"),
            file("other/application.yaml"),
        );
        assert_eq!(paths(&g.unwrap()), ["other/application.yaml"]);
        // The mounted directory is in the compose file's cluster, and so is its `.env`.
        assert!(clusters.arrive(Path::new("d/.env"), None).is_none());
        let g = clusters.arrive(
            Path::new("conf/application.yaml"),
            file("conf/application.yaml"),
        );
        assert_eq!(
            paths(&g.unwrap()),
            ["conf/application.yaml", "d/docker-compose.yml"]
        );
        assert!(clusters.rest().is_empty());
    }
}
