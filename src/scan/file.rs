//! One file: read, classify, analyse, evaluate every rule, apply its inline
//! suppressions; then slim the result down to what the report keeps.

use crate::model::hashing::FastMap;
use std::sync::Arc;

use super::{ScanOptions, StdinInput};
use crate::analyze::{Context, analyze};
use crate::deploy;
use crate::discover::{self, Candidate};
use crate::model::analysis::Analysis;
use crate::model::file_kind::FileKind;
use crate::model::finding::Finding;
use crate::model::problem::{Problem, ProblemKind};
use crate::model::report::{Report, ScannedFile, Suppressed};
use crate::rules::{RuleSet, Severity, builtin};
use crate::source::{SourceFile, Span, display};
use crate::suppress::Suppressor;

/// Everything one file yields.
pub struct FileOutcome {
    pub analysis: Analysis,
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
}

/// Check one file's text (already read) as a kind.
pub fn check_source(
    file: Arc<SourceFile>,
    kind: FileKind,
    rules: &RuleSet,
    ctx: &Context,
) -> FileOutcome {
    check_analysis(analyze(file, kind, ctx), rules, &deploy::Options::default())
}

/// Check one analysed file that needs no other: the deployments it forms alone, the
/// components no deployment claims, the builtins.
pub(crate) fn check_analysis(
    analysis: Analysis,
    rules: &RuleSet,
    opts: &deploy::Options,
) -> FileOutcome {
    let assembly = deploy::assemble(&[&analysis], opts);
    let mut findings = super::deployments::evaluate(&assembly, &[&analysis], rules, opts);
    findings.extend(builtins(&analysis, rules));
    drop_generic_duplicates(&mut findings);
    FileOutcome {
        analysis,
        findings,
        suppressed: Vec::new(),
    }
}

/// The checks written in Rust, over one analysed file.
pub(super) fn builtins(analysis: &Analysis, rules: &RuleSet) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in &rules.rules {
        let Some(b) = rule.builtin() else { continue };
        let applies = analysis
            .components
            .iter()
            .any(|c| rule.applies_to(&c.products))
            || (analysis.components.is_empty() && rule.applies_to(&[]));
        if applies {
            findings.extend(builtin::run(b, &rule.info, analysis));
        }
    }
    findings
}

/// Findings of catch-all rules give way to a specific rule's finding on the same span,
/// unless the specific one is less severe.
pub(super) fn drop_generic_duplicates(findings: &mut Vec<Finding>) {
    if !findings.iter().any(|f| f.rule.generic) {
        return;
    }
    let mut specific: FastMap<(String, usize, usize), Severity> = FastMap::default();
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
pub(super) struct Checked {
    file: ScannedFile,
    findings: Vec<Finding>,
    suppressed: Vec<Suppressed>,
    problems: Vec<Problem>,
    /// Only for files with something to show (snippets are masked with them), by display
    /// path: one entry of the report's map per file, not per secret.
    secret_spans: Vec<(String, Vec<Span>)>,
}

impl Checked {
    /// The display path of the file.
    pub(super) fn path(&self) -> &str {
        &self.file.path
    }

    /// Move what the report keeps into it.
    /// Make room in the report for every one of `all` at once: growing the report's
    /// vectors by doubling held the old and the new buffer of every finding together, the
    /// peak of a large scan's memory (BENCHMARKS.md).
    pub(super) fn reserve<'a>(report: &mut Report, all: impl Iterator<Item = &'a Checked> + Clone) {
        report.files.reserve_exact(all.clone().count());
        report
            .problems
            .reserve_exact(all.clone().map(|c| c.problems.len()).sum());
        report
            .findings
            .reserve_exact(all.clone().map(|c| c.findings.len()).sum());
        report
            .suppressed
            .reserve_exact(all.map(|c| c.suppressed.len()).sum());
    }

    pub(super) fn add_to(self, report: &mut Report) {
        for (p, spans) in self.secret_spans {
            report.secret_spans.entry(p).or_default().extend(spans);
        }
        report.files.push(self.file);
        report.problems.extend(self.problems);
        report.findings.extend(self.findings);
        report.suppressed.extend(self.suppressed);
    }

    pub(super) fn from_outcome(out: FileOutcome) -> Self {
        let FileOutcome {
            mut analysis,
            mut findings,
            mut suppressed,
        } = out;
        // The report keeps the lines it shows of the file, not the file.
        crate::model::shown::keep_shown_lines(
            &mut findings,
            &mut suppressed,
            &mut analysis.problems,
        );
        let shows_text =
            !findings.is_empty() || !suppressed.is_empty() || !analysis.problems.is_empty();
        let mut secret_spans: Vec<(String, Vec<Span>)> = Vec::new();
        if shows_text {
            // (sorted by path: the spans of a path are one run)
            for (path, span) in analysis.secret_spans() {
                match secret_spans.last_mut() {
                    Some((p, spans)) if *p == path => spans.push(span),
                    _ => secret_spans.push((path, vec![span])),
                }
            }
        }
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

/// Findings reported per file at most. A file with more (generated, or hostile) is not
/// fully checked, which fails the gate like any file camguard could not read, and every
/// later stage (suppressions, sorting, renderers) stays bounded.
pub(crate) const MAX_FINDINGS_PER_FILE: usize = 1000;

pub(super) fn cap_findings(out: &mut FileOutcome) {
    let n = out.findings.len();
    if n <= MAX_FINDINGS_PER_FILE {
        return;
    }
    out.findings.sort_by_cached_key(Finding::sort_key);
    let first_dropped = out.findings[MAX_FINDINGS_PER_FILE].span;
    out.findings.truncate(MAX_FINDINGS_PER_FILE);
    let file = out.analysis.file.clone();
    out.analysis.problems.push(Problem::at(
        ProblemKind::Limit,
        &file,
        Span::empty(first_dropped.start),
        format!(
            "{n} findings; only the first {MAX_FINDINGS_PER_FILE} are reported, so this file was not fully checked"
        ),
    ));
}

pub(super) enum Input {
    File(Candidate),
    /// A file whose text the scan's first stage read already (`first_look`).
    Read(Candidate, String),
    Stdin(StdinInput),
}

/// The first stage's look at an input: a Spring Boot file is analysed in the first stage
/// only if its text may declare an import (it may name other files); otherwise it goes
/// back, unread, for the second stage. `Err` for a file that could not be read.
pub(super) fn first_look(
    input: Input,
    opts: &ScanOptions,
) -> Result<Result<Input, Input>, Problem> {
    let Input::File(c) = input else {
        return Ok(Ok(input));
    };
    if crate::deploy::Plan::first_stage(c.kind) {
        return Ok(Ok(Input::File(c)));
    }
    if !matches!(
        c.kind,
        Some(FileKind::SpringYaml | FileKind::SpringProperties)
    ) {
        return Ok(Err(Input::File(c)));
    }
    let text = discover::read_text_as(c.read_path(), &c.path, opts.max_file_size)?;
    if crate::deploy::references::may_declare_import(text.as_bytes()) {
        Ok(Ok(Input::Read(c, text)))
    } else {
        Ok(Err(Input::File(c)))
    }
}

/// What the first pass over one input yields.
pub(super) enum Processed {
    Checked(Checked),
    /// Analysed, but its deployments need other files (`deploy::Plan`).
    Held(Analysis),
}

/// Check one input, or hold it for the deployments that span files; `None` for a walked
/// file camguard does not recognise.
pub(super) fn process(
    input: Input,
    opts: &ScanOptions,
    rules: &RuleSet,
    ctx: &Context,
    suppressor: &Suppressor<'_>,
    plan: &deploy::Plan,
    dopts: &deploy::Options,
) -> Option<Result<Processed, Problem>> {
    let analysis = match analyze_input(input, opts, ctx)? {
        Ok(a) => a,
        Err(p) => return Some(Err(p)),
    };
    if plan.holds(&analysis) {
        let mut analysis = analysis;
        analysis.shrink_to_fit();
        return Some(Ok(Processed::Held(analysis)));
    }
    let mut out = check_analysis(analysis, rules, dopts);
    let findings = std::mem::take(&mut out.findings);
    let (kept, suppressed) = suppressor.file(&out.analysis, findings);
    out.findings = kept;
    out.suppressed = suppressed;
    cap_findings(&mut out);
    Some(Ok(Processed::Checked(Checked::from_outcome(out))))
}

/// Read, classify and analyse one input; `None` for a walked file camguard does not
/// recognise.
pub(super) fn analyze_input(
    input: Input,
    opts: &ScanOptions,
    ctx: &Context,
) -> Option<Result<Analysis, Problem>> {
    let (path, text, kind_by_name, explicit) = match input {
        Input::File(c) => {
            let text = match discover::read_text_as(c.read_path(), &c.path, opts.max_file_size) {
                Ok(t) => t,
                Err(p) => return Some(Err(p)),
            };
            (c.path, text, c.kind, c.explicit)
        }
        Input::Read(c, text) => (c.path, text, c.kind, c.explicit),
        Input::Stdin(s) => {
            let shown = display(&s.name);
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
        .or_else(|| crate::analyze::sniff_content(&text));
    let Some(kind) = kind else {
        if explicit {
            return Some(Err(Problem::new(
                ProblemKind::Unrecognized,
                display(&path),
                "not a configuration file camguard recognises; skipped (force a kind with --kind)",
            )));
        }
        return None;
    };
    let file = SourceFile::read_at(&path, text);
    Some(Ok(analyze(file, kind, ctx)))
}
