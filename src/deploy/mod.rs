//! The deployments stage: from per-file components to the processes that really run
//! (issue 14; the precedence rules and their sources are in docs/deployments.md).
//!
//! [`assemble`] groups the analysed files into [`Deployment`]s: a Spring Boot application
//! directory (`application.*` and its profile files), each service of a Docker Compose
//! project (override file, `.env` interpolation, `env_file`s), each Kubernetes container
//! with `envFrom` / `valueFrom` (ConfigMaps and Secrets of any file). Rules then evaluate
//! each deployment's effective component; components no deployment claims are checked on
//! their own, as before.
//!
//! [`Plan`] tells the scan, from the paths alone (and for Kubernetes from the analysis),
//! which files need another file to be judged: only those are kept until every file is
//! analysed, the others are assembled and checked on their own worker thread.

pub mod args;
pub mod compose;
pub mod compose_merge;
pub mod environment;
pub mod expand;
pub mod helm;
pub mod imports;
pub mod interpolate;
pub mod k8s;
pub mod merge;
pub mod mounts;
mod process;
pub mod references;
pub mod spring;
pub mod spring_json;

use crate::model::hashing::{FastMap, FastSet};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// A component claimed by a deployment: (index of its analysis, index of the component).
type Claim = (usize, usize);

use crate::model::analysis::Analysis;
use crate::model::deployment::Deployment;
use crate::model::file_kind::FileKind;
use crate::model::settings::Component;
use crate::model::wiring::EnvSource;

pub(crate) use environment::Environments;

/// What the stage needs besides the files.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `[[environment]]` of the configuration.
    pub environments: Environments,
    /// `[[compose]]` sets of the configuration, paths relative to `environments.base`.
    pub compose_sets: Vec<Vec<String>>,
}

/// The deployments of some files, and the components no deployment claims.
#[derive(Debug, Default)]
pub struct Assembly {
    pub deployments: Vec<Deployment>,
    /// (index of the analysis, index of the component) of every component judged alone.
    pub unclaimed: Vec<(usize, usize)>,
}

/// The families of files that form deployments together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Family {
    Spring,
    Compose,
    Helm,
}

fn is_dotenv(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == ".env")
}

/// The family and directory of a file, from its path and kind.
fn family(path: &Path, kind: Option<FileKind>) -> Option<(Family, PathBuf)> {
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    match kind? {
        FileKind::SpringYaml | FileKind::SpringProperties => {
            spring::name_parts(path).map(|_| (Family::Spring, dir))
        }
        FileKind::Compose => Some((Family::Compose, dir)),
        FileKind::Env if is_dotenv(path) => Some((Family::Compose, dir)),
        FileKind::HelmValues => Some((Family::Helm, dir)),
        _ => None,
    }
}

/// Which files must wait for others before they can be judged.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Members per (family, directory), and whether a compose file is among them.
    groups: FastMap<(Family, PathBuf), (usize, bool)>,
    /// A compose file is among the paths: configuration files may be mounted into its
    /// services (`mounts.rs`) and a service may extend one of another compose file
    /// (`compose_merge.rs`), so these wait for the whole scan.
    any_compose: bool,
    /// Files named `application*.{yaml,yml,properties}`: when there are two or more, one
    /// may import another (`spring.config.import`, `imports.rs`), so they wait for the
    /// whole scan.
    spring_named: usize,
    /// What the referring files name, once the scan's first stage has analysed them
    /// (`references.rs`): then a file waits for the whole scan only if one names it.
    references: Option<references::References>,
}

/// Configuration files a container may read when mounted (`mounts.rs`).
fn mountable_kind(kind: FileKind) -> bool {
    matches!(
        kind,
        FileKind::SpringYaml
            | FileKind::SpringProperties
            | FileKind::Optimize
            | FileKind::Elasticsearch
            | FileKind::Opensearch
    )
}

/// Does a file declare `spring.config.import` (in any of its components)?
pub fn declares_import(a: &Analysis) -> bool {
    a.components.iter().any(|c| {
        c.settings
            .iter()
            .any(|s| s.match_key == "springconfigimport")
    })
}

/// Does a component mount files into its container?
fn mounts_files(a: &Analysis) -> bool {
    a.components
        .iter()
        .any(|c| c.wiring.as_ref().is_some_and(|w| !w.mounts.is_empty()))
}

impl Plan {
    /// From every path the scan will read, with its kind by name when known.
    pub fn new<'a>(paths: impl IntoIterator<Item = (&'a Path, Option<FileKind>)>) -> Plan {
        let mut groups: FastMap<(Family, PathBuf), (usize, bool)> = FastMap::default();
        let mut any_compose = false;
        let mut spring_named = 0;
        for (p, kind) in paths {
            any_compose |= kind == Some(FileKind::Compose);
            // As the analysis will name it (`./a` and `a` are one directory; never the
            // escaped display form, which differs for names with control characters).
            let p = match p.strip_prefix(".") {
                Ok(rest) if !rest.as_os_str().is_empty() => rest.to_path_buf(),
                _ => p.to_path_buf(),
            };
            if let Some(key) = family(&p, kind) {
                spring_named += usize::from(key.0 == Family::Spring);
                let e = groups.entry(key).or_default();
                e.0 += 1;
                e.1 |= kind == Some(FileKind::Compose);
            }
        }
        Plan {
            groups,
            any_compose,
            spring_named,
            references: None,
        }
    }

    /// Must this file wait for the whole scan: a compose file (for the files it mounts and
    /// the compose files it extends or that extend it, wherever they are), its `.env`, a
    /// configuration file a service may mount?
    fn waits_for_whole_scan(&self, a: &Analysis) -> bool {
        if self.references.is_some() {
            return match a.kind {
                FileKind::Compose => true,
                // (a Spring Boot file of the second stage that declares an import after
                // all: its file changed since the first stage read it)
                FileKind::SpringYaml | FileKind::SpringProperties if declares_import(a) => true,
                k => self.named(&a.file.path, k),
            };
        }
        match a.kind {
            FileKind::Compose => true,
            FileKind::Env => self.any_compose && is_dotenv(&a.file.path),
            // A Spring Boot file that imports others, or one that an application may
            // import (`imports.rs`): one not named `application*`, or any when the scan
            // has another `application*` file.
            FileKind::SpringYaml | FileKind::SpringProperties
                if declares_import(a)
                    || spring::name_parts(&a.file.path).is_none()
                    || self.spring_named >= 2 =>
            {
                true
            }
            k => self.any_compose && mountable_kind(k),
        }
    }

    /// Must this input be analysed in the first stage (it may name others), going by its
    /// kind by name? Spring Boot files are decided by their text
    /// ([`references::may_declare_import`]).
    pub(crate) fn first_stage(kind: Option<FileKind>) -> bool {
        !matches!(
            kind,
            Some(
                FileKind::SpringYaml
                    | FileKind::SpringProperties
                    | FileKind::Env
                    | FileKind::Optimize
                    | FileKind::Elasticsearch
                    | FileKind::Opensearch
            )
        )
    }

    /// After the first stage: does a file it holds name this one (so that it waits for
    /// the whole scan)?
    pub(crate) fn named(&self, path: &Path, kind: FileKind) -> bool {
        let Some(r) = &self.references else {
            return false;
        };
        let mounted = || self.any_compose && mountable_kind(kind) && r.mounted(path);
        match kind {
            FileKind::Env => self.any_compose && is_dotenv(path) && r.compose_reads_dotenv(path),
            FileKind::SpringYaml | FileKind::SpringProperties => r.imported(path) || mounted(),
            _ => mounted(),
        }
    }

    /// After the first stage: what the files it holds name.
    pub(crate) fn set_references(&mut self, held: &[&Analysis]) {
        self.references = Some(references::References::of(held));
    }

    /// Must this analysed file wait for the others?
    pub(crate) fn holds(&self, a: &Analysis) -> bool {
        if a.kind == FileKind::K8s {
            return !a.objects.is_empty()
                || a.components.iter().any(references_objects)
                || mounts_files(a);
        }
        if self.waits_for_whole_scan(a) {
            return true;
        }
        // Values files form releases together only below an umbrella chart (`helm.rs`);
        // a chart's values.yaml is large, so it is held only then.
        let umbrella = a
            .components
            .first()
            .and_then(chart_of)
            .is_some_and(|c| c.key.is_some());
        if a.kind == FileKind::HelmValues && !umbrella {
            return false;
        }
        let Some(key) = family(&a.file.path, Some(a.kind)) else {
            return false;
        };
        match self.groups.get(&key) {
            Some((n, compose)) => *n >= 2 && (key.0 != Family::Compose || *compose),
            None => false,
        }
    }

    /// The directory group of a held file and how many files the plan expects in it, so
    /// that a group can be judged as soon as its last file is analysed; `None` for a file
    /// that waits for the whole scan (Kubernetes objects are looked up across all files).
    pub(crate) fn group(&self, a: &Analysis) -> Option<(GroupKey, usize)> {
        if a.kind == FileKind::K8s || self.waits_for_whole_scan(a) {
            return None;
        }
        let key = family(&a.file.path, Some(a.kind))?;
        let (n, _) = self.groups.get(&key)?;
        Some((GroupKey(key.0, key.1), *n))
    }
}

/// A directory's files of one family (Spring, compose, Helm values).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct GroupKey(Family, PathBuf);

impl Plan {}

/// Does a container take variables from ConfigMaps or Secrets?
fn references_objects(c: &Component) -> bool {
    c.wiring.as_ref().is_some_and(|w| {
        !w.env_from.is_empty()
            || w.env
                .iter()
                .any(|e| matches!(e.source, EnvSource::Key { .. }))
    })
}

fn chart_of(c: &Component) -> Option<&crate::model::wiring::ChartRef> {
    c.wiring.as_ref().and_then(|w| w.chart.as_ref())
}

fn is_values_yaml(a: &Analysis) -> bool {
    a.file
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| {
            n.eq_ignore_ascii_case("values.yaml") || n.eq_ignore_ascii_case("values.yml")
        })
}

/// The releases of the values files of one directory, each lowest first. An umbrella
/// chart's `values.yaml` is always applied (it is the parent chart's values), each other
/// file is one `-f` over it. In the chart's own directory `values.yaml` is the defaults
/// themselves: each other file is one release over the embedded defaults.
fn helm_releases(files: &[&Analysis]) -> Vec<Vec<usize>> {
    let umbrella = files[0]
        .components
        .first()
        .and_then(chart_of)
        .is_some_and(|c| c.key.is_some());
    let base = (0..files.len()).find(|&i| is_values_yaml(files[i]));
    let others = (0..files.len()).filter(|&i| Some(i) != base);
    match (umbrella, base) {
        (true, Some(b)) => std::iter::once(vec![b])
            .chain(others.map(|o| vec![b, o]))
            .collect(),
        _ => others.map(|o| vec![o]).collect(),
    }
}

/// The tag of an image reference (`camunda/camunda:8.8.0` -> `8.8.0`).
pub(crate) fn image_tag(image: &str) -> Option<String> {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    let (_, tag) = last.split_once(':')?;
    (!tag.is_empty()).then(|| tag.to_string())
}

/// Assemble the deployments of these analysed files. The output does not depend on the
/// order of the input (files are grouped by path).
pub(crate) fn assemble<'a>(analyses: &'a [&'a Analysis], opts: &Options) -> Assembly {
    let mut order: Vec<usize> = (0..analyses.len()).collect();
    order.sort_by(|&a, &b| analyses[a].file.path.cmp(&analyses[b].file.path));
    let mut claimed: FastSet<(usize, usize)> = FastSet::default();
    let mut out = Assembly::default();

    // Spring Boot application directories.
    let mut apps: BTreeMap<PathBuf, Vec<spring::SpringFile<'_>>> = BTreeMap::new();
    // Compose directories: compose files and the `.env`.
    let mut compose_dirs: BTreeMap<PathBuf, (Vec<usize>, Option<usize>)> = BTreeMap::new();
    for &i in &order {
        let a = analyses[i];
        if let Some((dir, profile, rank)) = spring::classify(a) {
            apps.entry(dir).or_default().push(spring::SpringFile {
                index: i,
                analysis: a,
                profile,
                rank,
            });
            continue;
        }
        let dir = a
            .file
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        match a.kind {
            FileKind::Compose => compose_dirs.entry(dir).or_default().0.push(i),
            FileKind::Env if is_dotenv(&a.file.path) => {
                compose_dirs.entry(dir).or_default().1 = Some(i);
            }
            _ => {}
        }
    }
    // Compose services and Kubernetes containers first: the config files they mount where
    // their image reads them are layers of theirs, not deployments of their own.
    let tree = mounts::Tree::new(analyses);
    let mut mounted: Vec<(usize, usize)> = Vec::new();
    let mut compose_out: Vec<Deployment> = Vec::new();
    let dotenvs: FastMap<PathBuf, usize> = compose_dirs
        .iter()
        .filter_map(|(dir, (_, d))| d.map(|d| (mounts::normal(dir), d)))
        .collect();
    // The projects first, then their deployments in parallel (a scan that holds mountable
    // files assembles them on one thread: BENCHMARKS.md), in the order of the projects.
    let mut projects: Vec<(Vec<&Analysis>, Option<&Analysis>)> = Vec::new();
    for (files, dotenv) in compose_dirs.into_values() {
        if files.is_empty() {
            continue;
        }
        let dotenv = dotenv.map(|i| {
            claimed.insert((i, 0));
            analyses[i]
        });
        let refs: Vec<&Analysis> = files.iter().map(|&i| analyses[i]).collect();
        let names: Vec<String> = refs
            .iter()
            .map(|a| crate::source::relative_to_base(&opts.environments.base, &a.file.path))
            .collect();
        for project in compose::projects(&refs, &names, &opts.compose_sets) {
            projects.push((project.iter().map(|&p| refs[p]).collect(), dotenv));
        }
        for &i in &files {
            for (ci, c) in analyses[i].components.iter().enumerate() {
                // Its services; its inline configs go with the services that mount them
                // where their image reads them, or are judged as the files they are.
                if c.wiring.is_some() {
                    claimed.insert((i, ci));
                }
            }
        }
    }
    let built: Vec<(Vec<Deployment>, Vec<Claim>)> = projects
        .par_iter()
        .map(|(members, dotenv)| {
            let mut claims = Vec::new();
            let d = compose::deployments(members, *dotenv, &tree, &mut claims, None);
            (d, claims)
        })
        .collect();
    for (d, claims) in built {
        compose_out.extend(d);
        mounted.extend(claims);
    }
    let mut library = compose_merge::library_services(analyses, &tree);
    let (included, include_notes) = compose_merge::includes(analyses, &tree);
    // An included file that Compose does not pick up by itself runs only in the project
    // that includes it.
    for inc in &included {
        for f in inc.files.iter().filter(|f| !compose_merge::default_name(f)) {
            let ptr = std::sync::Arc::as_ptr(&f.file) as usize;
            library.extend(
                f.components
                    .iter()
                    .filter(|c| c.wiring.is_some())
                    .filter_map(|c| Some((ptr, c.name.clone()?))),
            );
        }
    }
    compose_out.retain(|d| {
        let key = (
            std::sync::Arc::as_ptr(&d.effective.file) as usize,
            d.effective.name.clone().unwrap_or_default(),
        );
        !library.contains(&key)
    });
    for (by, note) in include_notes {
        for d in &mut compose_out {
            if std::sync::Arc::as_ptr(&d.effective.file) as usize == by {
                d.notes.push(note.clone());
            }
        }
    }
    for inc in included {
        let env_of = |a: &Analysis| {
            let dir = a
                .file
                .path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            dotenvs.get(&mounts::normal(&dir)).map(|&i| analyses[i])
        };
        let dotenv = env_of(inc.files[0]);
        let overlay = env_of(inc.by).filter(|o| dotenv.is_none_or(|d| !std::ptr::eq(*o, d)));
        for mut d in compose::deployments(&inc.files, dotenv, &tree, &mut mounted, overlay) {
            d.name = format!("{} (included by {})", d.name, inc.by.file.display_path());
            compose_out.push(d);
        }
    }
    // Kubernetes containers, against the objects of every file.
    let objects = k8s::Objects::new(analyses);
    let mut containers = Vec::new();
    for &i in &order {
        let a = analyses[i];
        if a.kind != FileKind::K8s {
            continue;
        }
        for (ci, c) in a.components.iter().enumerate() {
            if let Some(w) = &c.wiring {
                claimed.insert((i, ci));
                containers.push((a, c, w));
            }
        }
    }
    let built: Vec<(Deployment, Vec<Claim>)> = containers
        .par_iter()
        .map(|&(a, c, w)| {
            let mut claims = Vec::new();
            let d = k8s::container(a, c, w, &objects, analyses, &mut claims);
            (d, claims)
        })
        .collect();
    let mut k8s_out: Vec<Deployment> = Vec::with_capacity(built.len());
    for (d, claims) in built {
        k8s_out.push(d);
        mounted.extend(claims);
    }
    claimed.extend(mounted.iter().copied());
    // Files an application imports are layers of it, not applications of their own
    // (`spring.config.import`, `imports.rs`).
    let app_files: Vec<(usize, &Analysis)> = apps
        .values()
        .flatten()
        .filter(|f| !mounted.contains(&(f.index, 0)))
        .map(|f| (f.index, f.analysis))
        .collect();
    let imported = spring::imported_files(&app_files, &tree);
    let mut used: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
    let mut app_dirs = Vec::new();
    for (dir, mut files) in apps {
        files.retain(|f| !mounted.contains(&(f.index, 0)) && !imported.contains(&f.index));
        if files.is_empty() {
            continue;
        }
        for f in &files {
            claimed.insert((f.index, 0));
        }
        app_dirs.push((dir, files));
    }
    let built: Vec<(Vec<Deployment>, std::collections::BTreeSet<usize>)> = app_dirs
        .into_par_iter()
        .map(|(dir, mut files)| {
            let mut layers = std::collections::BTreeSet::new();
            let d = spring::deployments(&dir, &mut files, &tree, &mut layers);
            (d, layers)
        })
        .collect();
    for (d, layers) in built {
        out.deployments.extend(d);
        used.extend(layers);
    }
    claimed.extend(used.into_iter().map(|i| (i, 0)));
    out.deployments.extend(compose_out);
    // Helm releases: values files of one directory with the chart they are for.
    let mut charts: BTreeMap<(PathBuf, String), Vec<usize>> = BTreeMap::new();
    for &i in &order {
        let a = analyses[i];
        if a.kind != FileKind::HelmValues {
            continue;
        }
        if let Some(chart) = a.components.first().and_then(chart_of) {
            let dir = a
                .file
                .path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            charts
                .entry((dir, chart.file.display_path()))
                .or_default()
                .push(i);
        }
    }
    for files in charts.into_values() {
        let members: Vec<&Analysis> = files.iter().map(|&i| analyses[i]).collect();
        let Some(chart) = members[0].components.first().and_then(chart_of) else {
            continue;
        };
        let sets = helm_releases(&members);
        for (set, d) in helm::releases(&members, &sets, chart) {
            claimed.extend(set.iter().map(|&m| (files[m], 0)));
            out.deployments.push(d);
        }
    }
    out.deployments.extend(k8s_out);
    for d in &mut out.deployments {
        opts.environments.classify(d);
    }
    for &i in &order {
        for ci in 0..analyses[i].components.len() {
            if !claimed.contains(&(i, ci)) {
                out.unclaimed.push((i, ci));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tags() {
        assert_eq!(image_tag("camunda/camunda:8.8.0").as_deref(), Some("8.8.0"));
        assert_eq!(image_tag("registry:5000/camunda/zeebe").as_deref(), None);
        assert_eq!(
            image_tag("registry:5000/a/b:1.2@sha256:00").as_deref(),
            Some("1.2")
        );
    }

    #[test]
    fn plan_groups_by_directory() {
        let plan = Plan::new([
            (Path::new("a/application.yaml"), Some(FileKind::SpringYaml)),
            (
                Path::new("a/application-dev.yaml"),
                Some(FileKind::SpringYaml),
            ),
            (Path::new("b/application.yaml"), Some(FileKind::SpringYaml)),
            (Path::new("c/.env"), Some(FileKind::Env)),
            (Path::new("d/.env"), Some(FileKind::Env)),
            (Path::new("d/docker-compose.yml"), Some(FileKind::Compose)),
        ]);
        let held = |plan: &Plan, p: &str, k| {
            let a = Analysis::new(crate::source::SourceFile::new(p, ""), k);
            plan.holds(&a)
        };
        // With a compose file in the scan, config files and `.env`s wait for the whole
        // scan (a service may mount them), wherever they are.
        assert!(held(&plan, "a/application.yaml", FileKind::SpringYaml));
        assert!(held(&plan, "b/application.yaml", FileKind::SpringYaml));
        assert!(held(&plan, "c/.env", FileKind::Env));
        assert!(held(&plan, "d/.env", FileKind::Env));
        assert!(held(&plan, "d/docker-compose.yml", FileKind::Compose));
        let a = Analysis::new(
            crate::source::SourceFile::new("b/application.yaml", ""),
            FileKind::SpringYaml,
        );
        assert!(plan.group(&a).is_none());
        let spring = Plan::new([
            (Path::new("a/application.yaml"), Some(FileKind::SpringYaml)),
            (
                Path::new("a/application-dev.yaml"),
                Some(FileKind::SpringYaml),
            ),
            (Path::new("b/application.yaml"), Some(FileKind::SpringYaml)),
            (Path::new("c/.env"), Some(FileKind::Env)),
        ]);
        assert!(held(&spring, "a/application.yaml", FileKind::SpringYaml));
        // a/application.yaml may import b/application.yaml (`spring.config.import`).
        assert!(held(&spring, "b/application.yaml", FileKind::SpringYaml));
        assert!(!held(&spring, "c/.env", FileKind::Env));
        let lone = Plan::new([
            (Path::new("b/application.yaml"), Some(FileKind::SpringYaml)),
            (Path::new("c/.env"), Some(FileKind::Env)),
        ]);
        assert!(!held(&lone, "b/application.yaml", FileKind::SpringYaml));
        // A Spring Boot file known by its content may be imported by an application.
        assert!(held(&lone, "b/extra.yaml", FileKind::SpringYaml));
    }

    /// After the first stage, a file waits for the whole scan only if a held file names
    /// it: a compose service's mount (a file, or a directory above it), the `.env` beside
    /// a compose file, a directory an import names.
    #[test]
    fn after_the_first_stage_only_named_files_wait() {
        use crate::analyze::{Context, analyze};
        let files = [
            (
                "d/docker-compose.yml",
                FileKind::Compose,
                "services:\n  zeebe:\n    image: camunda/zeebe:8.7.0\n    volumes:\n      - ./conf:/usr/local/zeebe/config\n",
            ),
            (
                "app/application.yaml",
                FileKind::SpringYaml,
                "spring:\n  config:\n    import: ../common/\n",
            ),
        ];
        let held: Vec<Analysis> = files
            .iter()
            .map(|(p, k, t)| {
                analyze(
                    crate::source::SourceFile::new(*p, *t),
                    *k,
                    &Context::default(),
                )
            })
            .collect();
        let mut plan = Plan::new(files.iter().map(|(p, k, _)| (Path::new(*p), Some(*k))));
        let named = |plan: &Plan, p: &str, k| plan.named(Path::new(p), k);
        assert!(!named(
            &plan,
            "d/conf/application.yaml",
            FileKind::SpringYaml
        ));
        plan.set_references(&held.iter().collect::<Vec<_>>());
        assert!(named(
            &plan,
            "d/conf/application.yaml",
            FileKind::SpringYaml
        ));
        assert!(named(
            &plan,
            "./d/conf/x/../application.yaml",
            FileKind::SpringYaml
        ));
        assert!(named(&plan, "d/.env", FileKind::Env));
        assert!(named(
            &plan,
            "common/application.yaml",
            FileKind::SpringYaml
        ));
        assert!(named(
            &plan,
            "common/application-prod.yaml",
            FileKind::SpringYaml
        ));
        assert!(!named(&plan, "d/application.yaml", FileKind::SpringYaml));
        assert!(!named(
            &plan,
            "other/application.yaml",
            FileKind::SpringYaml
        ));
        assert!(!named(&plan, "other/.env", FileKind::Env));
        assert!(!named(&plan, "d/conf.yaml", FileKind::Elasticsearch));
        let a = Analysis::new(
            crate::source::SourceFile::new("other/application.yaml", ""),
            FileKind::SpringYaml,
        );
        assert!(!plan.waits_for_whole_scan(&a));
    }
}
