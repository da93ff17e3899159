//! `camguard check`: arguments and configuration into scan options, the scan, the
//! outputs, the exit code.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::sync::Arc;

use super::args::{CheckArgs, Color, FailOn};
use super::{exit, report_setup_error, write};
use crate::config::Config;
use crate::model::report::Report;
use crate::model::rule::Severity;
use crate::report::{self, RenderOptions};
use crate::rules::RuleSet;
use crate::scan::setup::{self, ConfigSource};
use crate::scan::{self, DEFAULT_MAX_FILE_SIZE, ScanOptions, StdinInput};
use crate::source::display;

/// Does the report fail the gate? Any finding at or above `fail_on`, and any file that
/// could not be fully checked.
pub fn fails(report: &Report, fail_on: Severity) -> bool {
    report.findings.iter().any(|f| f.severity >= fail_on)
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

/// The paths to walk and standard input (for `-`), or an error message.
fn inputs(args: &CheckArgs) -> Result<(Vec<PathBuf>, Option<StdinInput>), String> {
    let mut paths = Vec::new();
    let mut stdin = None;
    for p in &args.paths {
        if p.as_os_str() == "-" {
            let limit = args.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE);
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(limit + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            let name = args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("<stdin>"));
            stdin = Some(StdinInput { name, bytes });
        } else if let Err(e) = std::fs::metadata(p) {
            return Err(format!("cannot read `{}`: {e}", display(p)));
        } else {
            paths.push(p.clone());
        }
    }
    Ok((paths, stdin))
}

/// The configuration, the enabled rules and the baseline.
fn prepare(
    args: &CheckArgs,
    start: &std::path::Path,
    shipped: &RuleSet,
) -> Result<(Config, RuleSet, Vec<String>), setup::SetupError> {
    let source = match (&args.config, args.isolated) {
        (_, true) => ConfigSource::None,
        (Some(p), false) => ConfigSource::File(p),
        (None, false) => ConfigSource::Discover(start),
    };
    let config = setup::load_config(source)?;
    let all = setup::load_rules(shipped, &config, &args.rules_dirs)?;
    let rules = setup::enabled_rules(&all, &config)?;
    let disabled = setup::disabled_rules(&all, &config);
    Ok((config, rules, disabled))
}

pub fn run(args: CheckArgs, shipped: &RuleSet) -> u8 {
    let (paths, stdin) = match inputs(&args) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    // One configuration per run: the one closest to the first path (or given).
    let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let (config, rules, disabled_rules) = match prepare(&args, &start, shipped) {
        Ok(p) => p,
        Err(e) => return report_setup_error(&e),
    };
    let fail_on = args
        .fail_on
        .map(FailOn::severity)
        .or(config.fail_on)
        .unwrap_or(Severity::Low);
    if args.show_config {
        write::stdout(&super::show_config::render(&config, &rules, fail_on));
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
        max_file_size: args
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(DEFAULT_MAX_FILE_SIZE),
        kind: args.kind,
        follow_links: args.follow_links,
        no_ignore_files: args.no_ignore,
        config: Arc::new(config),
        no_ignores: args.no_ignores,
        baseline,
        disabled_rules,
    };
    let report = scan::scan(&opts, &rules);
    emit(&args, &report, fail_on)
}

/// Print or write what the report should become, and say how the gate went.
fn emit(args: &CheckArgs, report: &Report, fail_on: Severity) -> u8 {
    if args.show_files {
        let mut s = String::new();
        for f in &report.files {
            s.push_str(&format!("{}\t{}\n", f.path, f.kind.id()));
        }
        write::stdout(&s);
        return exit::CLEAN;
    }
    if let Some(path) = &args.write_baseline {
        let doc = crate::suppress::baseline::render(&report.findings);
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
    let color = use_color(args.color);
    let options = |to_terminal: bool| RenderOptions {
        color: to_terminal && color,
        width: if to_terminal && color { 120 } else { 100 },
        sarif_category: args.sarif_category.clone(),
        root: std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")),
        include_suppressed: args.include_suppressed,
    };
    write::stdout(&report::render(args.format, report, &options(true)));
    for note in &report.notes {
        eprintln!("note: {}", report::escape::line(note));
    }
    for out in &args.output {
        let text = report::render(out.format, report, &options(false));
        if let Err(e) = write::atomic(&out.path, &text) {
            eprintln!("error: cannot write `{}`: {e}", display(&out.path));
            return exit::USAGE;
        }
    }
    if !args.exit_zero && fails(report, fail_on) {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}
