//! The orchestration: discover -> read -> analyze -> evaluate -> suppress, in parallel
//! over files, into one sorted [`Report`]. [`setup`] prepares what a scan needs (the
//! configuration, the rules, the baseline); [`file`] checks one file.

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
    /// Do not honour `.gitignore` files (see `discover::walk` for the policy).
    pub no_ignore_files: bool,
    /// The project configuration (defaults when there is none).
    pub config: Arc<Config>,
    /// Disable every suppression (inline and configured) for an audit run.
    pub no_ignores: bool,
    /// Report only findings that are not in this baseline (read from the path).
    pub baseline: Option<(Arc<Baseline>, PathBuf)>,
    /// Rules the configuration's `select` / `ignore` disabled (for the report).
    pub disabled_rules: Vec<String>,
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

/// Scan everything the options name with these (enabled) rules.
pub fn scan(opts: &ScanOptions, rules: &RuleSet) -> Report {
    let mut report = Report {
        rules: rules.infos(),
        ..Report::default()
    };
    let base = opts.config.base_dir_abs();
    let walk = WalkOptions {
        follow_links: opts.follow_links,
        no_ignore: opts.no_ignore_files,
        kinds: opts.config.kind_globs(),
        base: base.clone(),
    };
    let walked = discover::walk(&opts.paths, &walk, &mut report.problems);
    report.ignored_files = walked.ignored;
    let before = walked.candidates.len();
    let mut inputs: Vec<file::Input> = walked
        .candidates
        .into_iter()
        .filter(|c| c.explicit || !opts.config.excluded(&relative_to_base(&base, &c.path)))
        .map(file::Input::File)
        .collect();
    report.switched_off.excluded_files = before - inputs.len();
    if let Some(s) = &opts.stdin {
        inputs.push(file::Input::Stdin(s.clone()));
    }
    let ctx = Context {
        max_file_size: opts.max_file_size,
        images: Arc::new(opts.config.image_products()),
        roots: Arc::new(scan_roots(opts)),
    };
    let suppressor = Suppressor {
        disabled: opts.no_ignores,
        config: &opts.config,
        rules,
        baseline: opts.baseline.as_ref().map(|(b, p)| (b.as_ref(), p.clone())),
    };
    let outcomes: Vec<_> = inputs
        .into_par_iter()
        .filter_map(|i| file::process(i, opts, rules, &ctx, &suppressor))
        .collect();
    for o in outcomes {
        match o {
            Ok(out) => out.add_to(&mut report),
            Err(p) => report.problems.push(p),
        }
    }
    for f in report.findings.iter_mut() {
        if let Some(s) = opts.config.severity_for(&f.rule.code, &f.rule.name) {
            f.severity = s;
        }
    }
    sort_and_dedup(&mut report);
    suppressor.report(&mut report);
    sort_and_dedup(&mut report);
    setup::switched_off(&mut report, opts, rules);
    report
}

/// Sort everything by position so that output never depends on threads; of equal
/// findings keep the most severe.
fn sort_and_dedup(report: &mut Report) {
    report.findings.sort_by_cached_key(|f| {
        (
            f.sort_key(),
            std::cmp::Reverse(f.severity),
            f.message.clone(),
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
        )
    });
    report
        .suppressed
        .dedup_by(|a, b| a.finding.sort_key() == b.finding.sort_key());
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
