//! The orchestration: discover -> read -> analyze -> evaluate -> suppress, in parallel
//! over files, into one sorted [`Report`]. [`setup`] prepares what a scan needs (the
//! configuration, the rules, the baseline); [`file`] checks one file.

pub mod charts;
pub mod configs;
pub mod deployments;
pub mod file;
pub mod setup;

use crate::model::hashing::FastMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::analyze::Context;
use crate::config::Config;
use crate::discover::{self, WalkOptions};
use crate::model::file_kind::FileKind;
use crate::model::report::Report;
use crate::rules::RuleSet;
use crate::suppress::Suppressor;
use crate::suppress::baseline::Baseline;
use configs::{Configs, Scope};

pub use crate::discover::DEFAULT_MAX_FILE_SIZE;
pub use file::{FileOutcome, check_source};

/// Text given on standard input.
#[derive(Clone, Debug)]
pub struct StdinInput {
    pub name: PathBuf,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub stdin: Option<StdinInput>,
    pub max_file_size: u64,
    /// Force this kind for every file (`--kind`).
    pub kind: Option<FileKind>,
    pub follow_links: bool,
    /// Do not honour `.gitignore` files (see `discover::walk` for the policy).
    pub no_ignore_files: bool,
    /// The project configuration (defaults when there is none).
    pub config: Arc<Config>,
    /// Disable every suppression (inline and configured) for an audit run.
    pub no_ignores: bool,
    /// Report only findings that are not in this baseline (read from the path).
    pub baseline: Option<(Arc<Baseline>, PathBuf)>,
    /// `--force-exclude`: the configuration's `exclude` applies to files named on the
    /// command line too.
    pub force_exclude: bool,
    /// Rules the configuration's `select` / `ignore` disabled (for the report).
    pub disabled_rules: Vec<String>,
}

impl ScanOptions {
    /// What the deployments stage needs from the configuration.
    pub(crate) fn deploy_options(&self) -> crate::deploy::Options {
        crate::deploy::Options {
            environments: crate::deploy::Environments {
                entries: self.config.environments.clone(),
                base: self.config.base_dir_abs(),
            },
            compose_sets: self.config.compose_sets.clone(),
        }
    }
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            paths: vec![PathBuf::from(".")],
            stdin: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            kind: None,
            follow_links: false,
            no_ignore_files: false,
            config: Arc::new(Config::defaults()),
            no_ignores: false,
            baseline: None,
            force_exclude: false,
            disabled_rules: Vec::new(),
        }
    }
}

/// The canonical directories being scanned (a file's parent for explicit files; the
/// working directory for stdin). With `--follow-links` anything may be read.
fn scan_roots(opts: &ScanOptions) -> Vec<PathBuf> {
    if opts.follow_links {
        return Vec::new();
    }
    let mut roots: Vec<PathBuf> = opts
        .paths
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .map(|p| {
            if p.is_dir() {
                p
            } else {
                p.parent().map(PathBuf::from).unwrap_or(p)
            }
        })
        .collect();
    if opts.stdin.is_some()
        && let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize)
    {
        roots.push(cwd);
    }
    roots
}

/// Scan everything the options name with these (enabled) rules and `opts.config`.
pub fn scan(opts: &ScanOptions, rules: &RuleSet) -> Report {
    let fail_on = opts
        .config
        .fail_on
        .unwrap_or(crate::model::rule::Severity::Low);
    let scope = Scope::new(
        opts.config.clone(),
        rules.clone(),
        fail_on,
        opts.max_file_size,
    );
    match scan_with(opts, &Configs::fixed(scope)) {
        Ok(r) => r.report,
        Err(_) => unreachable!("a fixed configuration has no configuration errors"),
    }
}

/// A scan and, per file, the gate of the configuration that applied to it.
pub(crate) struct Scanned {
    pub report: Report,
    /// Display path -> the `fail-on` of its configuration, for the files whose
    /// configuration gates differently from the first scope (`Configs::scopes`: the
    /// fixed one, or the defaults); every other file gates as the first scope does.
    pub fail_on: std::collections::HashMap<String, crate::model::rule::Severity>,
}

/// The inputs of a scan with the configuration scope of each (walked, classified, chart
/// templates set aside, configured exclusions applied), which of them wait for others
/// (`deploy::Plan`), and how many files exclusions set aside.
fn collect_inputs(
    opts: &ScanOptions,
    configs: &Configs,
    report: &mut Report,
) -> (Vec<(file::Input, Arc<Scope>)>, crate::deploy::Plan, usize) {
    let walk = WalkOptions {
        follow_links: opts.follow_links,
        no_ignore: opts.no_ignore_files,
        by_config: Some(Arc::new(|p: &std::path::Path| {
            configs.for_file(p).kind_of(p)
        })),
        ..WalkOptions::default()
    };
    let walked = if configs.discovering() {
        // Walked first without asking each file's configuration for a kind, noting what
        // the directories hold; then the configuration of every directory is looked up
        // from those notes, not the file system. Only when one of them has `[[kind]]`
        // globs is the tree walked again, with them.
        let listing = Arc::new(std::sync::Mutex::new(discover::Listing {
            names: crate::config::FILE_NAMES
                .into_iter()
                .chain([".git"])
                .collect(),
            ..Default::default()
        }));
        let first = WalkOptions {
            follow_links: opts.follow_links,
            no_ignore: opts.no_ignore_files,
            listing: Some(listing.clone()),
            ..WalkOptions::default()
        };
        let mut problems = Vec::new();
        let walked = discover::walk(&opts.paths, &first, &mut problems);
        let listing = std::mem::take(&mut *listing.lock().unwrap_or_else(|e| e.into_inner()));
        if configs.learn(&listing) {
            discover::walk(&opts.paths, &walk, &mut report.problems)
        } else {
            report.problems.extend(problems);
            walked
        }
    } else {
        discover::walk(&opts.paths, &walk, &mut report.problems)
    };
    report.ignored_files = walked.ignored;
    let found = walked.candidates;
    let plan = crate::deploy::Plan::new(found.iter().map(|c| (c.path.as_path(), c.kind)));
    let (found, template_notes) = charts::skip_templates(found, opts.kind.is_some());
    report.notes.extend(template_notes);
    // (room for every file at once: grown by doubling, the buffer of a large tree's
    // inputs was up to twice its size through the whole first stage)
    let mut inputs: Vec<(file::Input, Arc<Scope>)> = Vec::with_capacity(found.len() + 1);
    let mut excluded = 0;
    // (looked up on the worker threads: a lookup per directory of the tree)
    let scopes: Vec<Arc<Scope>> = found
        .par_iter()
        .map(|c| configs.for_file(&c.path))
        .collect();
    for (c, scope) in found.into_iter().zip(scopes) {
        if (!c.explicit || opts.force_exclude) && scope.excluded(&c.path) {
            excluded += 1;
            continue;
        }
        inputs.push((file::Input::File(c), scope));
    }
    if let Some(s) = &opts.stdin {
        inputs.push((file::Input::Stdin(s.clone()), configs.for_path(&s.name)));
    }
    (inputs, plan, excluded)
}

/// Per configuration scope: the options and the analysis context its files are checked
/// with.
fn scope_options(opts: &ScanOptions, scopes: &[Arc<Scope>]) -> Vec<(ScanOptions, Context)> {
    let roots = Arc::new(scan_roots(opts));
    scopes
        .iter()
        .map(|s| {
            let o = ScanOptions {
                paths: Vec::new(),
                stdin: None,
                max_file_size: s.max_file_size,
                config: s.config.clone(),
                baseline: None,
                ..opts.clone()
            };
            let ctx = Context {
                max_file_size: s.max_file_size,
                images: s.images.clone(),
                roots: roots.clone(),
                camunda_version: s.camunda_version.clone(),
            };
            (o, ctx)
        })
        .collect()
}

/// Scan everything the options name, each file with the configuration that applies to it.
/// Fails when a configuration file found on the way does not load.
pub(crate) fn scan_with(
    opts: &ScanOptions,
    configs: &Configs,
) -> Result<Scanned, setup::SetupError> {
    let mut report = Report::default();
    let (inputs, mut plan, excluded) = collect_inputs(opts, configs, &mut report);
    configs.forget_directories();
    if let Some(e) = configs.take_errors().into_iter().next() {
        return Err(e);
    }
    let scopes = configs.scopes();
    let per_scope = scope_options(opts, &scopes);
    let suppressors: Vec<Suppressor<'_>> = scopes
        .iter()
        .map(|s| Suppressor {
            disabled: opts.no_ignores,
            config: &s.config,
            rules: &s.rules,
        })
        .collect();
    let index = |s: &Arc<Scope>| scopes.iter().position(|x| Arc::ptr_eq(x, s)).unwrap_or(0);
    // Once per scope, not per file: the base directory takes a `getcwd` (BENCHMARKS.md).
    let dopts: Vec<crate::deploy::Options> =
        per_scope.iter().map(|(o, _)| o.deploy_options()).collect();
    // Phase 1, every file in parallel; files whose deployments span others are held, and a
    // directory's group is judged as soon as its last file is analysed. It runs in two
    // stages (unless `--kind` makes every file one kind): first the files that may name
    // others (compose files, Spring Boot files that may import, files known by their
    // content only, Kubernetes among them), then the rest, of which only those named wait
    // for the end (`deploy::references`). Kubernetes files are judged between the two.
    let waiting: Vec<deployments::Waiting> = scopes.iter().map(|_| Default::default()).collect();
    let stages = opts.kind.is_none();
    // `clusters`: the named files' stage, where a held file completes its cluster
    // (`deployments::Clusters`) instead of waiting.
    let run = |inputs: Vec<(file::Input, Arc<Scope>)>,
               plan: &crate::deploy::Plan,
               first: bool,
               clusters: Option<&[deployments::Clusters]>| {
        let steps: Vec<Step> = inputs
            .into_par_iter()
            .filter_map(|(i, scope)| {
                let n = index(&scope);
                let (o, ctx) = &per_scope[n];
                let i = if first {
                    match file::first_look(i, o) {
                        Ok(Ok(i)) => i,
                        Ok(Err(later)) => return Some(Step::Later(later, scope)),
                        Err(p) => return Some(Step::Done(n, vec![Err(p)])),
                    }
                } else {
                    i
                };
                let rules = &scopes[n].rules;
                let judge = |group: Vec<crate::model::analysis::Analysis>| {
                    deployments::check_held(group, rules, &dopts[n], &suppressors[n])
                        .into_iter()
                        .map(Ok)
                };
                // (the named files' stage holds only files: `later` is made of them)
                if let (Some(clusters), file::Input::File(c)) = (clusters, &i) {
                    let path = c.path.clone();
                    let (mut out, held) =
                        match file::process(i, o, rules, ctx, &suppressors[n], plan, &dopts[n]) {
                            Some(Ok(file::Processed::Held(a))) => (Vec::new(), Some(a)),
                            Some(Ok(file::Processed::Checked(out))) => (vec![Ok(out)], None),
                            Some(Err(p)) => (vec![Err(p)], None),
                            None => (Vec::new(), None),
                        };
                    if let Some(group) = clusters[n].arrive(&path, held) {
                        out.extend(judge(group));
                    }
                    return Some(Step::Done(n, out));
                }
                let out = match file::process(i, o, rules, ctx, &suppressors[n], plan, &dopts[n])? {
                    Ok(file::Processed::Checked(out)) => vec![Ok(out)],
                    Ok(file::Processed::Held(a)) => judge(waiting[n].offer(a, plan)?).collect(),
                    Err(p) => vec![Err(p)],
                };
                Some(Step::Done(n, out))
            })
            .collect();
        let mut done = Vec::new();
        let mut later = Vec::new();
        for s in steps {
            match s {
                Step::Done(n, out) => done.push((n, out)),
                Step::Later(i, scope) => later.push((i, scope)),
            }
        }
        (done, later)
    };
    let (mut outcomes, later) = run(inputs, &plan, stages, None);
    if stages {
        deployments::Waiting::with_held(&waiting, |held| plan.set_references(held));
        let judge = |n: usize, held: Vec<crate::model::analysis::Analysis>| {
            let out = deployments::check_held(held, &scopes[n].rules, &dopts[n], &suppressors[n]);
            (n, out.into_iter().map(Ok).collect::<Vec<_>>())
        };
        for (n, w) in waiting.iter().enumerate() {
            outcomes.push(judge(n, w.take_kubernetes()));
        }
        // The files a held one names: everything held is judged by clusters, each as
        // soon as its named files are analysed. What is left afterwards waits for
        // nothing but its directory's group.
        // (on the worker threads: a mount's path is normalised per file and per mount)
        let (named, later): (Vec<_>, Vec<_>) = later.into_par_iter().partition(|(i, _)| match i {
            file::Input::File(c) => c.kind.is_some_and(|k| plan.named(&c.path, k)),
            _ => false,
        });
        let mut named_paths: Vec<Vec<std::path::PathBuf>> = vec![Vec::new(); scopes.len()];
        for (i, scope) in &named {
            if let file::Input::File(c) = i {
                named_paths[index(scope)].push(c.path.clone());
            }
        }
        let mut clusters = Vec::with_capacity(scopes.len());
        for (n, w) in waiting.iter().enumerate() {
            let (c, ready) = deployments::Clusters::new(w.take_whole_scan(), &named_paths[n]);
            let judged: Vec<_> = ready.into_par_iter().map(|g| judge(n, g)).collect();
            outcomes.extend(judged);
            clusters.push(c);
        }
        outcomes.extend(run(named, &plan, false, Some(&clusters)).0);
        for (n, c) in clusters.into_iter().enumerate() {
            for group in c.rest() {
                outcomes.push(judge(n, group));
            }
        }
        outcomes.extend(run(later, &plan, false, None).0);
    }
    let mut files_of: Vec<Vec<String>> = vec![Vec::new(); scopes.len()];
    let mut fail_on = std::collections::HashMap::new();
    let mut scope_of = FastMap::default();
    let mut checked = Vec::with_capacity(outcomes.iter().map(|(_, outs)| outs.len()).sum());
    for (n, outs) in outcomes {
        for o in outs {
            match o {
                Ok(out) => checked.push((n, out)),
                Err(p) => report.problems.push(p),
            }
        }
    }
    // Phase 2, the deployments across what is still held (Kubernetes objects and groups),
    // within one configuration scope.
    for (n, w) in waiting.into_iter().enumerate() {
        let out = deployments::check_held(w.rest(), &scopes[n].rules, &dopts[n], &suppressors[n]);
        checked.extend(out.into_iter().map(|c| (n, c)));
    }
    file::Checked::reserve(&mut report, checked.iter().map(|(_, c)| c));
    // (one path string per file kept, not three: on a large tree these were megabytes at
    // the end of the scan, its peak)
    let first_fail_on = scopes.first().map(|s| s.fail_on);
    for (n, out) in checked {
        let path = out.path().to_string();
        if Some(scopes[n].fail_on) != first_fail_on {
            fail_on.insert(path.clone(), scopes[n].fail_on);
        }
        if scopes.len() > 1 {
            scope_of.insert(path.clone(), n);
        }
        files_of[n].push(path);
        out.add_to(&mut report);
    }
    for f in report.findings.iter_mut() {
        // (one configuration: no path to look up)
        let n = if scopes.len() == 1 {
            0
        } else {
            scope_of.get(&f.path()).copied().unwrap_or(0)
        };
        if let Some(s) = scopes[n].config.severity_for(&f.rule.code, &f.rule.name) {
            f.severity = s;
        }
    }
    report.rules = union_of_rules(&scopes);
    sort_and_dedup(&mut report);
    for files in files_of.iter_mut() {
        files.sort();
    }
    let per_config: Vec<(&Config, &[String])> = scopes
        .iter()
        .zip(&files_of)
        .map(|(s, f)| (s.config.as_ref(), f.as_slice()))
        .collect();
    let baseline = opts
        .baseline
        .as_ref()
        .map(|(b, p)| (b.as_ref(), p.as_path()));
    crate::suppress::finish(&mut report, &per_config, baseline, opts.no_ignores);
    sort_and_dedup(&mut report);
    report.switched_off.excluded_files = excluded;
    let main = (0..scopes.len()).max_by_key(|&n| (files_of[n].len(), std::cmp::Reverse(n)));
    if let Some(s) = main.map(|n| &scopes[n]) {
        // What the configuration switched off: each file has its own configuration; the
        // report names the one most files share.
        let o = ScanOptions {
            config: s.config.clone(),
            disabled_rules: s.disabled_rules.clone(),
            ..opts.clone()
        };
        setup::switched_off(&mut report, &o, &s.rules);
    }
    Ok(Scanned { report, fail_on })
}

/// What the first pass did with one input.
enum Step {
    Done(
        usize,
        Vec<Result<file::Checked, crate::model::problem::Problem>>,
    ),
    /// Left for the second stage.
    Later(file::Input, Arc<Scope>),
}

/// The rules any scope enabled, by code (SARIF's rule table).
fn union_of_rules(scopes: &[Arc<Scope>]) -> Vec<Arc<crate::model::rule::RuleInfo>> {
    let mut seen = std::collections::BTreeMap::new();
    for s in scopes {
        for r in &s.rules.rules {
            seen.entry(r.code.clone()).or_insert_with(|| r.info.clone());
        }
    }
    seen.into_values().collect()
}

/// The inputs (walked, classified by name, configured exclusions applied), which of them
/// wait for others (`deploy::Plan`), and what analysis needs.
fn prepare(
    opts: &ScanOptions,
    problems: &mut Vec<crate::model::problem::Problem>,
) -> (Vec<file::Input>, crate::deploy::Plan, Context) {
    let base = opts.config.base_dir_abs();
    let walk = WalkOptions {
        follow_links: opts.follow_links,
        no_ignore: opts.no_ignore_files,
        kinds: opts.config.kind_globs(),
        base: base.clone(),
        by_config: None,
        listing: None,
    };
    let found = discover::discover(&opts.paths, &walk, problems);
    let (found, _) = charts::skip_templates(found, opts.kind.is_some());
    let candidates: Vec<discover::Candidate> = found
        .into_iter()
        .filter(|c| {
            c.explicit
                || !opts
                    .config
                    .excluded(&crate::source::relative_to_base(&base, &c.path))
        })
        .collect();
    let plan = crate::deploy::Plan::new(candidates.iter().map(|c| (c.path.as_path(), c.kind)));
    let mut inputs: Vec<file::Input> = candidates.into_iter().map(file::Input::File).collect();
    if let Some(s) = &opts.stdin {
        inputs.push(file::Input::Stdin(s.clone()));
    }
    let ctx = Context {
        max_file_size: opts.max_file_size,
        images: Arc::new(opts.config.image_products()),
        roots: Arc::new(scan_roots(opts)),
        camunda_version: opts.config.camunda_version.clone(),
    };
    (inputs, plan, ctx)
}

/// The deployments of everything the options name, for `camguard deployments`: every file
/// analysed and assembled together (no rules run), sorted by name.
pub(crate) fn deployments(
    opts: &ScanOptions,
) -> (
    Vec<crate::model::deployment::Deployment>,
    Vec<crate::model::problem::Problem>,
) {
    let mut problems = Vec::new();
    let (inputs, _, ctx) = prepare(opts, &mut problems);
    let mut analyses = Vec::new();
    let outcomes: Vec<_> = inputs
        .into_par_iter()
        .filter_map(|i| file::analyze_input(i, opts, &ctx))
        .collect();
    for o in outcomes {
        match o {
            Ok(a) => {
                problems.extend(a.problems.iter().cloned());
                analyses.push(a);
            }
            Err(p) => problems.push(p),
        }
    }
    let refs: Vec<&crate::model::analysis::Analysis> = analyses.iter().collect();
    let mut out = crate::deploy::assemble(&refs, &opts.deploy_options()).deployments;
    out.sort_by(|a, b| (&a.name, a.kind).cmp(&(&b.name, b.kind)));
    problems.sort_by_cached_key(|p| p.sort_key());
    (out, problems)
}

/// Display paths by file, for [`finding_order`].
type Paths = FastMap<usize, String>;

/// The display path of every file that findings and their related locations point into.
fn display_paths<'a>(all: impl Iterator<Item = &'a crate::model::finding::Finding>) -> Paths {
    let mut paths = Paths::default();
    for f in all {
        for file in std::iter::once(&f.file).chain(f.related.iter().map(|r| &r.file)) {
            paths
                .entry(Arc::as_ptr(file) as usize)
                .or_insert_with(|| file.display_path());
        }
    }
    paths
}

/// The order of findings: file, position, rule, key, the most severe first, then message,
/// component, label and related locations, so that equal findings from different threads
/// come out the same way. Display paths are made once per file (sorting used to build
/// every finding's key, some 600 bytes each: the peak of a scan with many findings).
fn finding_order(
    paths: &Paths,
    a: &crate::model::finding::Finding,
    b: &crate::model::finding::Finding,
) -> std::cmp::Ordering {
    let path = |f: &crate::source::FileRef| {
        paths
            .get(&(Arc::as_ptr(f) as usize))
            .map_or("", String::as_str)
    };
    path(&a.file)
        .cmp(path(&b.file))
        .then(a.span.start.cmp(&b.span.start))
        .then(a.span.end.cmp(&b.span.end))
        .then_with(|| a.rule.code.cmp(&b.rule.code))
        .then_with(|| a.key.cmp(&b.key))
        .then(b.severity.cmp(&a.severity))
        .then_with(|| a.message.cmp(&b.message))
        .then_with(|| a.component.cmp(&b.component))
        .then_with(|| a.label.cmp(&b.label))
        .then_with(|| {
            let key = |r: &crate::model::finding::Related| (path(&r.file), r.span.start);
            a.related
                .iter()
                .zip(&b.related)
                .map(|(x, y)| key(x).cmp(&key(y)).then_with(|| x.label.cmp(&y.label)))
                .find(|o| o.is_ne())
                .unwrap_or_else(|| a.related.len().cmp(&b.related.len()))
        })
}

/// Sort findings, or what holds them, in [`finding_order`], by compact records first: the
/// rank of the file's display path and the span, made once (32 bytes a finding). They settle
/// almost every comparison without a lookup or a string comparison; sorting was a quarter of
/// the main thread's work on a finding-dense tree. The order is exactly `finding_order`'s:
/// the records hold its first keys, runs of equal records are sorted by it, and both sorts
/// are stable.
fn sort_in_finding_order<T: Send>(
    items: &mut [T],
    finding: impl Fn(&T) -> &crate::model::finding::Finding + Sync,
) {
    let paths = display_paths(items.iter().map(&finding));
    // The second sort of a scan (after the baseline and the configuration's ignores) finds
    // the findings in order: both sorts below are stable, so they would leave them as they
    // are, and a pass that checks is a tenth of their cost.
    if items.is_sorted_by(|a, b| finding_order(&paths, finding(a), finding(b)).is_le()) {
        return;
    }
    // `finding_order` takes a file it has no path for as "", which sorts first.
    let mut names: Vec<&str> = paths.values().map(String::as_str).collect();
    names.push("");
    names.sort_unstable();
    names.dedup();
    let ranks: FastMap<usize, usize> = paths
        .iter()
        .map(|(&file, p)| (file, names.binary_search(&p.as_str()).unwrap_or(0)))
        .collect();
    let rank =
        |f: &crate::source::FileRef| ranks.get(&(Arc::as_ptr(f) as usize)).copied().unwrap_or(0);
    let record = |item: &T| {
        let f = finding(item);
        (rank(&f.file), f.span.start, f.span.end)
    };
    // Stable, and it moves the items in place; the keys are made and sorted on the worker
    // threads (this runs on the main thread after the scan, while they wait).
    items.par_sort_by_cached_key(record);
    for run in items.chunk_by_mut(|a, b| record(a) == record(b)) {
        if run.len() > 1 {
            run.sort_by(|a, b| finding_order(&paths, finding(a), finding(b)));
        }
    }
}

/// Equal sort keys ([`Finding::sort_key`](crate::model::finding::Finding::sort_key)),
/// compared without building them: the display paths last, and only when all else is equal.
fn same_place(a: &crate::model::finding::Finding, b: &crate::model::finding::Finding) -> bool {
    a.span.start == b.span.start
        && a.span.end == b.span.end
        && a.rule.code == b.rule.code
        && a.key == b.key
        && a.path() == b.path()
}

/// Sort everything by position so that output never depends on threads; of equal
/// findings keep the most severe.
fn sort_and_dedup(report: &mut Report) {
    sort_in_finding_order(&mut report.findings, |f| f);
    report.findings.dedup_by(|a, b| same_place(a, b));
    sort_in_finding_order(&mut report.suppressed, |s| &s.finding);
    report
        .suppressed
        .dedup_by(|a, b| same_place(&a.finding, &b.finding));
    report.problems.sort_by_cached_key(|p| p.sort_key());
    for spans in report.secret_spans.values_mut() {
        // Sorted and merged where they overlap: renderers look masks up by position.
        spans.sort();
        let mut merged: Vec<crate::source::Span> = Vec::with_capacity(spans.len());
        for s in spans.drain(..) {
            match merged.last_mut() {
                Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
                _ => merged.push(s),
            }
        }
        *spans = merged;
    }
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
}

#[cfg(test)]
mod sort_tests {
    use super::*;
    use crate::model::finding::Finding;
    use crate::model::rule::{RuleInfo, Severity};
    use crate::source::{SourceFile, Span};
    use proptest::prelude::*;

    fn rule(code: &str, severity: Severity) -> Arc<RuleInfo> {
        RuleInfo::for_tests(code, severity)
    }

    proptest! {
        /// The compact records give exactly the order of sorting by `finding_order`, ties
        /// and equal display paths of different files included.
        #[test]
        fn compact_records_sort_as_finding_order(
            picks in prop::collection::vec((0usize..4, 0usize..3, 0usize..2, 0usize..4, 0usize..2, 0usize..3), 0..60)
        ) {
            // Two files share a display path; "" sorts before every other.
            let files = [
                SourceFile::new("b/c.yaml", "k: v\nj: w\n"),
                SourceFile::new("a.yaml", "k: v\nj: w\n"),
                SourceFile::new("a.yaml", "k: v\nj: w\n"),
                SourceFile::new("", "k: v\nj: w\n"),
            ];
            let rules = [rule("T002", Severity::High), rule("T001", Severity::Low)];
            let findings: Vec<Finding> = picks
                .iter()
                .enumerate()
                .map(|(i, &(file, at, len, r, msg, related))| {
                    let mut b = Finding::builder(&rules[r % 2], &files[file], Span::new(at, at + len))
                        .key(if r < 2 { "k" } else { "j" })
                        .message(if msg == 0 { "m" } else { "n" })
                        // Not compared by the order: tells equal findings apart.
                        .value(&i.to_string());
                    if related > 0 {
                        b = b.related(&files[related], Span::new(related, related + 1), "r");
                    }
                    b.build()
                })
                .collect();
            let paths = display_paths(findings.iter());
            let mut plain = findings.clone();
            plain.sort_by(|a, b| finding_order(&paths, a, b));
            let mut compact = findings;
            sort_in_finding_order(&mut compact, |f| f);
            let id = |f: &Finding| (Arc::as_ptr(&f.file) as usize, f.value_hash.clone());
            prop_assert_eq!(
                plain.iter().map(id).collect::<Vec<_>>(),
                compact.iter().map(id).collect::<Vec<_>>()
            );
        }
    }
}
