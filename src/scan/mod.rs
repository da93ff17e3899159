//! The orchestration: discover -> read -> analyze -> evaluate -> suppress, in parallel
//! over files, into one sorted [`Report`]. [`setup`] prepares what a scan needs (the
//! configuration, the rules, the baseline); [`file`] checks one file.

pub mod deployments;
pub mod file;
pub mod setup;

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::analyze::Context;
use crate::config::Config;
use crate::discover::{self, WalkOptions};
use crate::model::file_kind::FileKind;
use crate::model::report::Report;
use crate::rules::RuleSet;
use crate::source::relative_to_base;
use crate::suppress::Suppressor;
use crate::suppress::baseline::Baseline;

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
    /// Do not honour `.gitignore` / `.ignore` files.
    pub no_ignore_files: bool,
    /// The project configuration (defaults when there is none).
    pub config: Arc<Config>,
    /// Disable every suppression (inline and configured) for an audit run.
    pub no_ignores: bool,
    /// Report only findings that are not in this baseline (read from the path).
    pub baseline: Option<(Arc<Baseline>, PathBuf)>,
}

impl ScanOptions {
    /// What the deployments stage needs from the configuration.
    pub fn deploy_options(&self) -> crate::deploy::Options {
        crate::deploy::Options {
            environments: crate::deploy::Environments {
                entries: self.config.environments.clone(),
                base: self.config.base_dir_abs(),
            },
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

/// Scan everything the options name with these (enabled) rules.
pub fn scan(opts: &ScanOptions, rules: &RuleSet) -> Report {
    let mut report = Report {
        rules: rules.infos(),
        ..Report::default()
    };
    let (inputs, plan, ctx) = prepare(opts, &mut report.problems);
    let suppressor = Suppressor {
        disabled: opts.no_ignores,
        config: &opts.config,
        rules,
        baseline: opts.baseline.as_ref().map(|(b, p)| (b.as_ref(), p.clone())),
    };
    // Phase 1, every file in parallel; files whose deployments span others are held, and a
    // directory's group is judged as soon as its last file is analysed.
    let dopts = opts.deploy_options();
    let waiting = deployments::Waiting::default();
    let outcomes: Vec<Vec<Result<file::Checked, _>>> = inputs
        .into_par_iter()
        .filter_map(
            |i| match file::process(i, opts, rules, &ctx, &suppressor, &plan)? {
                Ok(file::Processed::Checked(out)) => Some(vec![Ok(out)]),
                Ok(file::Processed::Held(a)) => waiting.offer(a, &plan).map(|group| {
                    deployments::check_held(group, rules, &dopts, &suppressor)
                        .into_iter()
                        .map(Ok)
                        .collect()
                }),
                Err(p) => Some(vec![Err(p)]),
            },
        )
        .collect();
    for o in outcomes.into_iter().flatten() {
        match o {
            Ok(out) => out.add_to(&mut report),
            Err(p) => report.problems.push(p),
        }
    }
    // Phase 2, the deployments across what is still held (Kubernetes objects and groups).
    for out in deployments::check_held(waiting.rest(), rules, &dopts, &suppressor) {
        out.add_to(&mut report);
    }
    for f in report.findings.iter_mut() {
        if let Some(s) = opts.config.severity_for(&f.rule.code, &f.rule.name) {
            f.severity = s;
        }
    }
    sort_and_dedup(&mut report);
    suppressor.report(&mut report);
    sort_and_dedup(&mut report);
    report
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
    };
    let candidates: Vec<discover::Candidate> = discover::discover(&opts.paths, &walk, problems)
        .into_iter()
        .filter(|c| c.explicit || !opts.config.excluded(&relative_to_base(&base, &c.path)))
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
    };
    (inputs, plan, ctx)
}

/// The deployments of everything the options name, for `camguard deployments`: every file
/// analysed and assembled together (no rules run), sorted by name.
pub fn deployments(
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

/// What else tells two findings of one place apart (a deployment's component and related
/// layers): groups of files are judged in the order their files finish, so the order before
/// sorting depends on threads.
fn tie_break(
    f: &crate::model::finding::Finding,
) -> (Option<String>, String, Vec<(String, usize, String)>) {
    let related = f
        .related
        .iter()
        .map(|r| (r.file.display_path(), r.span.start, r.label.clone()))
        .collect();
    (f.component.clone(), f.label.clone(), related)
}

/// Sort everything by position so that output never depends on threads; of equal
/// findings keep the most severe.
fn sort_and_dedup(report: &mut Report) {
    report.findings.sort_by_cached_key(|f| {
        (
            f.sort_key(),
            std::cmp::Reverse(f.severity),
            f.message.clone(),
            tie_break(f),
        )
    });
    report
        .findings
        .dedup_by(|a, b| a.sort_key() == b.sort_key());
    report.suppressed.sort_by_cached_key(|s| {
        (
            s.finding.sort_key(),
            std::cmp::Reverse(s.finding.severity),
            s.finding.message.clone(),
            tie_break(&s.finding),
        )
    });
    report
        .suppressed
        .dedup_by(|a, b| a.finding.sort_key() == b.finding.sort_key());
    report.problems.sort_by_cached_key(|p| p.sort_key());
    for spans in report.secret_spans.values_mut() {
        spans.sort();
        spans.dedup();
    }
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
}
