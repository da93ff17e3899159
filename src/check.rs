//! The pipeline: discover -> read -> parse with spans -> settings -> rules -> findings.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::analyze::{Analysis, Context, analyze};
use crate::discover::{self, Candidate, FileKind, WalkOptions};
use crate::finding::Finding;
use crate::problem::{Problem, ProblemKind};
use crate::rules::{RuleSet, builtin, eval};
use crate::settings::SourceFile;
use crate::source::Span;

pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

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
    pub no_ignore: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            paths: vec![PathBuf::from(".")],
            stdin: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            kind: None,
            follow_links: false,
            no_ignore: false,
        }
    }
}

/// A scanned file and its kind (for `--show-files` and summaries).
#[derive(Clone, Debug, serde::Serialize)]
pub struct ScannedFile {
    pub path: String,
    pub kind: FileKind,
}

#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub problems: Vec<Problem>,
    pub files: Vec<ScannedFile>,
    /// Per file, the spans of secret values, masked in every snippet.
    pub secret_spans: BTreeMap<String, Vec<Span>>,
}

/// Everything one file yields.
pub struct FileOutcome {
    pub analysis: Analysis,
    pub findings: Vec<Finding>,
}

/// Check one file's text (already read) as a kind.
pub fn check_source(
    file: std::sync::Arc<SourceFile>,
    kind: FileKind,
    rules: &RuleSet,
    ctx: &Context,
) -> FileOutcome {
    let analysis = analyze(file, kind, ctx);
    let mut findings = Vec::new();
    for c in &analysis.components {
        findings.extend(eval::evaluate(rules, c));
    }
    for rule in &rules.rules {
        let applies = analysis
            .components
            .iter()
            .any(|c| rule.applies_to(&c.products))
            || (analysis.components.is_empty() && rule.applies_to(&[]));
        if rule.builtin.is_some() && applies {
            findings.extend(builtin::run(rule, &analysis));
        }
    }
    FileOutcome { analysis, findings }
}

enum Input {
    File(Candidate),
    Stdin(StdinInput),
}

fn process(
    input: Input,
    opts: &ScanOptions,
    rules: &RuleSet,
) -> Option<Result<FileOutcome, Problem>> {
    let (path, text, kind_by_name, explicit) = match input {
        Input::File(c) => {
            let text = match discover::read_text(&c.path, opts.max_file_size) {
                Ok(t) => t,
                Err(p) => return Some(Err(p)),
            };
            (c.path, text, c.kind, c.explicit)
        }
        Input::Stdin(s) => {
            let shown = discover::display(&s.name);
            if s.bytes.len() as u64 > opts.max_file_size {
                return Some(Err(Problem::new(
                    ProblemKind::TooLarge,
                    shown,
                    format!(
                        "standard input is over the limit of {} bytes",
                        opts.max_file_size
                    ),
                )));
            }
            let text = match discover::decode(s.bytes, &shown) {
                Ok(t) => t,
                Err(p) => return Some(Err(p)),
            };
            let kind = discover::classify_name(&s.name);
            (s.name, text, kind, true)
        }
    };
    let kind = opts
        .kind
        .or(kind_by_name)
        .or_else(|| discover::sniff(&text));
    let Some(kind) = kind else {
        if explicit {
            return Some(Err(Problem::new(
                ProblemKind::Unrecognized,
                discover::display(&path),
                "not a configuration file camguard recognises; skipped (force a kind with --kind)",
            )));
        }
        return None;
    };
    let file = SourceFile::new(discover::display(&path), text);
    let ctx = Context {
        max_file_size: opts.max_file_size,
    };
    Some(Ok(check_source(file, kind, rules, &ctx)))
}

/// Scan everything the options name.
pub fn scan(opts: &ScanOptions, rules: &RuleSet) -> Report {
    let mut report = Report::default();
    let walk = WalkOptions {
        follow_links: opts.follow_links,
        no_ignore: opts.no_ignore,
    };
    let mut inputs: Vec<Input> = discover::discover(&opts.paths, &walk, &mut report.problems)
        .into_iter()
        .map(Input::File)
        .collect();
    if let Some(s) = &opts.stdin {
        inputs.push(Input::Stdin(s.clone()));
    }
    let outcomes: Vec<_> = inputs
        .into_par_iter()
        .filter_map(|i| process(i, opts, rules))
        .collect();
    for o in outcomes {
        match o {
            Ok(out) => {
                let path = out.analysis.file.display_path();
                for (p, span) in out.analysis.secret_spans() {
                    report.secret_spans.entry(p).or_default().push(span);
                }
                report.files.push(ScannedFile {
                    path,
                    kind: out.analysis.kind,
                });
                report.problems.extend(out.analysis.problems);
                report.findings.extend(out.findings);
            }
            Err(p) => report.problems.push(p),
        }
    }
    report.findings.sort_by_cached_key(|f| f.sort_key());
    report
        .findings
        .dedup_by(|a, b| a.sort_key() == b.sort_key());
    report.problems.sort_by_cached_key(|p| p.sort_key());
    for spans in report.secret_spans.values_mut() {
        spans.sort();
        spans.dedup();
    }
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    report
}
