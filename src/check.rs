//! The pipeline: discover -> read -> parse with spans -> settings -> rules -> findings.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;

use std::sync::Arc;

use crate::analyze::{Analysis, Context, analyze};
use crate::config::Config;
use crate::discover::{self, Candidate, FileKind, WalkOptions};
use crate::finding::Finding;
use crate::problem::{Problem, ProblemKind};
use crate::report::sarif::relative_path;
use crate::rules::{RuleSet, builtin, eval};
use crate::settings::SourceFile;
use crate::source::Span;
use crate::suppress::{self, Suppressed, SuppressionKind};

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
    /// The project configuration (defaults when there is none).
    pub config: Arc<Config>,
    /// Disable every suppression (inline and configured) for an audit run.
    pub no_ignores: bool,
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
            config: Arc::new(Config::defaults()),
            no_ignores: false,
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
    /// Findings that suppressions or the baseline set aside.
    pub suppressed: Vec<Suppressed>,
    /// Notes about the configuration (expired or unused ignores).
    pub notes: Vec<String>,
}

/// Everything one file yields.
pub struct FileOutcome {
    pub analysis: Analysis,
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
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
    drop_generic_duplicates(&mut findings);
    FileOutcome {
        analysis,
        findings,
        suppressed: Vec::new(),
    }
}

/// Findings of catch-all rules give way to a specific rule's finding on the same span,
/// unless the specific one is less severe.
fn drop_generic_duplicates(findings: &mut Vec<Finding>) {
    if !findings.iter().any(|f| f.rule.generic) {
        return;
    }
    let mut specific: std::collections::HashMap<(String, usize, usize), crate::rules::Severity> =
        std::collections::HashMap::new();
    for f in findings.iter().filter(|f| !f.rule.generic) {
        let e = specific
            .entry((f.path(), f.span.start, f.span.end))
            .or_insert(f.severity);
        *e = (*e).max(f.severity);
    }
    findings.retain(|f| {
        !f.rule.generic
            || specific
                .get(&(f.path(), f.span.start, f.span.end))
                .is_none_or(|s| *s < f.severity)
    });
}

/// What the report keeps of one file: the parsed trees and settings are dropped on the
/// worker thread as soon as the file is checked, so memory follows the files in flight,
/// not the tree.
struct Checked {
    file: ScannedFile,
    findings: Vec<Finding>,
    suppressed: Vec<Suppressed>,
    problems: Vec<Problem>,
    /// Only for files with something to show (snippets are masked with them).
    secret_spans: Vec<(String, Span)>,
}

impl Checked {
    fn from_outcome(out: FileOutcome) -> Self {
        let FileOutcome {
            analysis,
            findings,
            suppressed,
        } = out;
        let shows_text =
            !findings.is_empty() || !suppressed.is_empty() || !analysis.problems.is_empty();
        let secret_spans = if shows_text {
            analysis.secret_spans()
        } else {
            Vec::new()
        };
        Checked {
            file: ScannedFile {
                path: analysis.file.display_path(),
                kind: analysis.kind,
            },
            findings,
            suppressed,
            secret_spans,
            problems: analysis.problems,
        }
    }
}

enum Input {
    File(Candidate),
    Stdin(StdinInput),
}

fn process(
    input: Input,
    opts: &ScanOptions,
    rules: &RuleSet,
    ctx: &Context,
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
    let mut out = check_source(file, kind, rules, ctx);
    if !opts.no_ignores {
        let findings = std::mem::take(&mut out.findings);
        let (kept, suppressed) =
            suppress::apply(&out.analysis, findings, rules, opts.config.require_reason);
        out.findings = kept;
        out.suppressed = suppressed;
    }
    Some(Ok(out))
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

/// Severity overrides and `[[ignore]]` entries of the configuration.
fn apply_config(report: &mut Report, config: &Config, no_ignores: bool) {
    for f in report.findings.iter_mut() {
        if let Some(s) = config.severity_for(&f.rule.code, &f.rule.name) {
            f.severity = s;
        }
    }
    if no_ignores || config.ignores.is_empty() {
        return;
    }
    let today = crate::config::today();
    let base = config.base_dir_abs();
    let mut used = vec![false; config.ignores.len()];
    let findings = std::mem::take(&mut report.findings);
    for f in findings {
        let rel = relative_path(&base, &f.path());
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
        .map_or_else(String::new, |p| discover::display(p));
    for (i, ig) in config.ignores.iter().enumerate() {
        let rules: Vec<&str> = ig.rules.iter().map(|s| s.0.as_str()).collect();
        if let Some(e) = ig.expires.as_deref().filter(|e| *e < today.as_str()) {
            report.notes.push(format!(
                "{cfg}: the ignore of {} in `{}` expired on {e} and no longer applies",
                rules.join(", "),
                ig.path_text
            ));
        } else if !used[i] {
            report.notes.push(format!(
                "{cfg}: the ignore of {} in `{}` matched no finding; remove it",
                rules.join(", "),
                ig.path_text
            ));
        }
    }
}

/// Scan everything the options name.
pub fn scan(opts: &ScanOptions, rules: &RuleSet) -> Report {
    let mut report = Report::default();
    let walk = WalkOptions {
        follow_links: opts.follow_links,
        no_ignore: opts.no_ignore,
    };
    let base = opts.config.base_dir_abs();
    let mut inputs: Vec<Input> = discover::discover(&opts.paths, &walk, &mut report.problems)
        .into_iter()
        .filter(|c| {
            c.explicit
                || !opts
                    .config
                    .excluded(&relative_path(&base, &discover::display(&c.path)))
        })
        .map(Input::File)
        .collect();
    if let Some(s) = &opts.stdin {
        inputs.push(Input::Stdin(s.clone()));
    }
    let ctx = Context {
        max_file_size: opts.max_file_size,
        config: opts.config.clone(),
        roots: Arc::new(scan_roots(opts)),
    };
    let outcomes: Vec<_> = inputs
        .into_par_iter()
        .filter_map(|i| process(i, opts, rules, &ctx).map(|r| r.map(Checked::from_outcome)))
        .collect();
    for o in outcomes {
        match o {
            Ok(out) => {
                for (p, span) in out.secret_spans {
                    report.secret_spans.entry(p).or_default().push(span);
                }
                report.files.push(out.file);
                report.problems.extend(out.problems);
                report.findings.extend(out.findings);
                report.suppressed.extend(out.suppressed);
            }
            Err(p) => report.problems.push(p),
        }
    }
    apply_config(&mut report, &opts.config, opts.no_ignores);
    // Equal keys: the most severe first, so that deduplication keeps it.
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
        spans.sort();
        spans.dedup();
    }
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    report
}
