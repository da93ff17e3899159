//! `camguard check`: arguments into scan options and the configurations of the run, the
//! scan, the outputs, the exit code.

use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::args::{CheckArgs, Color, FailOn};
use super::{exit, report_setup_error, write};
use crate::config::Selector;
use crate::model::report::Report;
use crate::model::rule::Severity;
use crate::report::{self, Format, RenderOptions};
use crate::rules::RuleSet;
use crate::scan::configs::{self, Configs, Overrides};
use crate::scan::setup::{self, SetupError};
use crate::scan::{self, DEFAULT_MAX_FILE_SIZE, ScanOptions, StdinInput};
use crate::source::display;

/// [`fails`], with each file's threshold taken from the configuration that applied to it
/// (`default` for files not in the map).
pub(crate) fn fails_per_file(
    report: &Report,
    fail_on: &HashMap<String, Severity>,
    default: Severity,
) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.severity >= fail_on.get(&f.path()).copied().unwrap_or(default))
        || report.problems.iter().any(|p| p.kind.is_error())
}

fn use_color(c: Color) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// The width human output wraps its text at: `COLUMNS` when set, else the terminal's
/// width (read with the `terminal_size` crate, which clap and miette already depend on:
/// it asks the terminal through `ioctl`/the console API, with no unsafe code of ours),
/// else 100 for pipes and files.
fn width(to_terminal: bool) -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n >= 20)
    {
        return n;
    }
    if to_terminal
        && std::io::stdout().is_terminal()
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size()
        && w >= 20
    {
        return usize::from(w);
    }
    100
}

/// The paths to walk and standard input (for `-`, or `--stdin-filename` alone, as
/// ruff reads it), or an error message.
fn inputs(args: &CheckArgs) -> Result<(Vec<PathBuf>, Option<StdinInput>), String> {
    let dash = args.paths.iter().any(|p| p.as_os_str() == "-");
    if args.stdin_filename.is_some() && !dash && !args.paths.is_empty() {
        return Err(
            "`--stdin-filename` names standard input, but no `-` is among the paths: add `-` to check standard input"
                .into(),
        );
    }
    let read_stdin = dash || args.stdin_filename.is_some();
    let mut paths = Vec::new();
    for p in &args.paths {
        if p.as_os_str() == "-" {
            continue;
        } else if let Err(e) = std::fs::metadata(p) {
            return Err(format!("cannot read `{}`: {e}", display(p)));
        } else {
            paths.push(p.clone());
        }
    }
    if !read_stdin && paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let stdin = if read_stdin {
        let limit = args.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE);
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(
                "standard input is empty, so there is nothing to check (did the command before the pipe fail?)"
                    .into(),
            );
        }
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("<stdin>"));
        Some(StdinInput { name, bytes })
    } else {
        None
    };
    Ok((paths, stdin))
}

fn selectors(v: &[String]) -> Vec<Selector> {
    v.iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| Selector(s.to_string()))
        .collect()
}

/// The configurations of the run: discovered per file, given, or none; with the command
/// line's selection and thresholds on top.
pub(crate) fn configurations(
    config: Option<&Path>,
    isolated: bool,
    overrides: Overrides,
    shipped: &RuleSet,
) -> Result<Configs, SetupError> {
    match (config, isolated) {
        (_, true) => Configs::single(None, shipped, overrides),
        (Some(p), false) => Configs::single(Some(p), shipped, overrides),
        (None, false) => Configs::discover(shipped, overrides),
    }
}

pub(crate) fn run(args: CheckArgs, shipped: &RuleSet) -> u8 {
    let (paths, stdin) = match inputs(&args) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let overrides = Overrides {
        select: args.select.as_deref().map(selectors),
        extend_select: selectors(&args.extend_select),
        ignore: selectors(&args.ignore),
        fail_on: args.fail_on.map(FailOn::severity),
        max_file_size: args.max_file_size,
        rules_dirs: args.rules_dirs.clone(),
        camunda_version: args.camunda_version.clone(),
    };
    let configs = match configurations(args.config.as_deref(), args.isolated, overrides, shipped) {
        Ok(c) => c,
        Err(e) => return report_setup_error(&e),
    };
    if args.show_config {
        // The configuration of the first path (or of standard input's name).
        let start = paths
            .first()
            .cloned()
            .or_else(|| stdin.as_ref().map(|s| s.name.clone()))
            .unwrap_or_else(|| PathBuf::from("."));
        let scope = configs.for_path(&start);
        if let Some(e) = configs.take_errors().first() {
            return report_setup_error(e);
        }
        write::stdout(&super::show_config::render(
            &scope.config,
            &scope.rules,
            scope.fail_on,
            scope.max_file_size,
        ));
        return exit::CLEAN;
    }
    let baseline = match &args.baseline {
        Some(p) => match setup::load_baseline(p) {
            Ok(b) => Some((Arc::new(b), p.clone())),
            Err(e) => return report_setup_error(&e),
        },
        None => None,
    };
    let opts = ScanOptions {
        paths,
        stdin,
        max_file_size: args.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
        kind: args.kind,
        follow_links: args.follow_links,
        no_ignore_files: args.no_ignore_files,
        config: Arc::new(crate::config::Config::defaults()),
        no_ignores: args.no_ignores,
        baseline,
        force_exclude: args.force_exclude,
        disabled_rules: Vec::new(),
    };
    let scanned = match scan::scan_with(&opts, &configs) {
        Ok(s) => s,
        Err(e) => return report_setup_error(&e),
    };
    let default_fail_on = configs
        .scopes()
        .first()
        .map_or(Severity::Low, |s| s.fail_on);
    emit(&args, scanned, default_fail_on)
}

/// The directory SARIF, GitHub and GitLab paths are relative to: the repository root
/// above the working directory (what those platforms resolve paths against), or the
/// working directory outside a repository.
fn report_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    configs::repository_root(&cwd).unwrap_or(cwd)
}

/// Should a GitHub step summary be written, and where?
fn step_summary_path(args: &CheckArgs) -> Option<PathBuf> {
    let path = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty())?;
    let github = args.format == Format::Github
        || args.output.iter().any(|o| o.format == Format::Github)
        || std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    github.then(|| PathBuf::from(path))
}

/// Print or write what the report should become, and say how the gate went.
fn emit(args: &CheckArgs, scanned: scan::Scanned, default_fail_on: Severity) -> u8 {
    // Not freed: the process exits once the report is written, and freeing every finding,
    // file and text one by one was 4% of the main thread's work on a finding-dense tree.
    let mut scanned = std::mem::ManuallyDrop::new(scanned);
    let scan::Scanned { report, fail_on } = &mut *scanned;
    if args.show_files {
        let mut s = String::new();
        for f in &report.files {
            s.push_str(&format!("{}\t{}\n", f.path, f.kind.id()));
        }
        write::stdout(&s);
        return exit::CLEAN;
    }
    if let Some(path) = &args.write_baseline {
        let root = crate::suppress::baseline::root_for(path);
        let doc = crate::suppress::baseline::render_at(&report.findings, &root);
        if let Err(e) = write::atomic(path, &doc) {
            eprintln!("error: cannot write `{}`: {e}", display(path));
            return exit::USAGE;
        }
        eprintln!(
            "wrote {} finding(s) to the baseline `{}`",
            report.findings.len(),
            display(path)
        );
        return exit::CLEAN;
    }
    // The gate sees every finding; --min-severity only hides some from the outputs.
    let failed = fails_per_file(report, fail_on, default_fail_on);
    if let Some(min) = args.min_severity.map(FailOn::severity) {
        let before = report.findings.len();
        report.findings.retain(|f| f.severity >= min);
        report.suppressed.retain(|s| s.finding.severity >= min);
        let hidden = before - report.findings.len();
        if hidden > 0 {
            report.notes.push(format!(
                "{hidden} finding{} below {min} not shown (--min-severity); the gate (--fail-on) still counts {}",
                if hidden == 1 { "" } else { "s" },
                if hidden == 1 { "it" } else { "them" },
            ));
        }
    }
    let color = use_color(args.color);
    let root = report_root();
    let options = |to_terminal: bool| RenderOptions {
        color: to_terminal && color,
        width: width(to_terminal),
        links: to_terminal && color && supports_hyperlinks::on(supports_hyperlinks::Stream::Stdout),
        sarif_category: args.sarif_category.clone(),
        root: root.clone(),
        include_suppressed: args.include_suppressed,
        summary: !args.quiet,
    };
    if args.statistics {
        write::stdout(&report::statistics(args.format, report));
    } else {
        write::stdout_with(|w| report::render_to(args.format, report, &options(true), w));
    }
    if !args.quiet {
        for note in &report.notes {
            eprintln!("note: {}", report::escape::line(note));
        }
    }
    for out in &args.output {
        let text = report::render(out.format, report, &options(false));
        if out.is_stdout() {
            write::stdout(&text);
        } else if let Err(e) = write::atomic(&out.path, &text) {
            eprintln!("error: cannot write `{}`: {e}", display(&out.path));
            return exit::USAGE;
        }
    }
    if let Some(path) = step_summary_path(args) {
        let md = report::github::step_summary(report, &root);
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(md.as_bytes()));
        if let Err(e) = appended {
            eprintln!(
                "warning: cannot write the step summary `{}`: {e}",
                display(&path)
            );
        }
    }
    if !args.exit_zero && failed {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}
