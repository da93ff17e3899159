//! Command-line interface.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::check::{self, DEFAULT_MAX_FILE_SIZE, Report, ScanOptions, StdinInput};
use crate::config::Config;
use crate::discover::FileKind;
use crate::report::{self, human};
use crate::rules::{RuleSet, Severity};

/// Exit codes (documented in README.md).
pub mod exit {
    pub const CLEAN: u8 = 0;
    pub const FINDINGS: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INTERNAL: u8 = 3;
}

#[derive(Parser, Debug)]
#[command(
    name = "camguard",
    version,
    about = "Security auditor for Camunda, Optimize, Elasticsearch and OpenSearch configuration"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check configuration files and report deviations from the hardening guidance.
    Check(CheckArgs),
    /// List every rule.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Print the components and settings camguard reads from files (for rule authors).
    Settings {
        /// Files to read.
        paths: Vec<PathBuf>,
        /// Treat every input as this kind of file.
        #[arg(long, value_parser = parse_kind)]
        kind: Option<FileKind>,
    },
    /// Print the full explanation of a rule.
    Explain {
        /// Rule code (C8001) or name (unprotected-api).
        rule: String,
    },
    /// Test rule files against fixtures annotated with `# expect: CODE` comments.
    TestRules {
        /// A directory with rule files (`*.toml`) and fixture files (anything else).
        dir: PathBuf,
    },
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ListFormat {
    Human,
    Json,
    /// The rule reference page (docs/rules.md).
    Markdown,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
}

/// `--output FORMAT=PATH`.
#[derive(Clone, Debug)]
pub struct OutputSpec {
    pub format: Format,
    pub path: PathBuf,
}

fn parse_output(s: &str) -> Result<OutputSpec, String> {
    let (f, p) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=PATH, got `{s}`"))?;
    let format = Format::from_str(f, true).map_err(|_| {
        format!("unknown format `{f}` (known: human, json, sarif, github, gitlab, junit)")
    })?;
    if p.is_empty() {
        return Err("the output path is empty".into());
    }
    Ok(OutputSpec {
        format,
        path: PathBuf::from(p),
    })
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
}

impl FailOn {
    pub fn severity(self) -> Severity {
        match self {
            FailOn::Critical => Severity::Critical,
            FailOn::High => Severity::High,
            FailOn::Medium => Severity::Medium,
            FailOn::Low => Severity::Low,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check (`-` reads standard input).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when a finding of this severity or higher is reported [default: low].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Skip files larger than this many bytes (reported as a problem) [default: 10 MiB].
    #[arg(long)]
    pub max_file_size: Option<u64>,
    /// Use this configuration file instead of discovering camguard.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Load more rule files from this directory (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rules_dirs: Vec<PathBuf>,
    /// Disable all suppressions (inline comments and configured ignores), for an audit.
    #[arg(long)]
    pub no_ignores: bool,
    /// Emit suppressed findings in SARIF, marked with their suppression.
    #[arg(long)]
    pub include_suppressed: bool,
    /// Record the current findings in FILE and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings that are not in the baseline FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Print the effective configuration and exit.
    #[arg(long)]
    pub show_config: bool,
    /// Print the files that would be checked, with their kind, and exit.
    #[arg(long)]
    pub show_files: bool,
    /// Treat every input as this kind of file.
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<FileKind>,
    /// Name standard input for classification and reports.
    #[arg(long)]
    pub stdin_filename: Option<PathBuf>,
    /// Follow symbolic links while walking directories.
    #[arg(long)]
    pub follow_links: bool,
    /// Do not honour .gitignore / .ignore files.
    #[arg(long)]
    pub no_ignore: bool,
    /// When to use colour in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Also write FORMAT to PATH (repeatable), e.g. `--output sarif=camguard.sarif`.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub output: Vec<OutputSpec>,
    /// Always exit 0 when the scan ran (for upload-only jobs).
    #[arg(long)]
    pub exit_zero: bool,
    /// SARIF `automationDetails.id`, to keep several uploads apart in code scanning.
    #[arg(long, value_name = "NAME")]
    pub sarif_category: Option<String>,
}

fn parse_kind(s: &str) -> Result<FileKind, String> {
    FileKind::from_id(s).ok_or_else(|| {
        let known: Vec<_> = FileKind::ALL.iter().map(|k| k.id()).collect();
        format!("unknown kind `{s}` (known: {})", known.join(", "))
    })
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

fn write_stdout(s: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`camguard check | head`) is not an error worth a panic.
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

/// Does the report fail the gate?
pub fn fails(report: &Report, fail_on: Severity) -> bool {
    report.findings.iter().any(|f| f.severity >= fail_on)
        || report.problems.iter().any(|p| p.kind.is_error())
}

/// Render an error that points into a TOML file (configuration or rule file).
pub fn render_source_error(
    path: &std::path::Path,
    source: &str,
    span: crate::source::Span,
    message: &str,
) -> String {
    use miette::{
        GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource,
    };
    let diag = MietteDiagnostic::new(message.to_string())
        .with_severity(miette::Severity::Error)
        .with_label(LabeledSpan::new_primary_with_span(
            Some("here".into()),
            (span.start, span.len()),
        ));
    let report = miette::Report::new(diag).with_source_code(NamedSource::new(
        crate::discover::display(path),
        source.to_string(),
    ));
    let mut out = String::new();
    let _ = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_links(false)
        .render_report(&mut out, report.as_ref());
    out
}

/// Load the configuration for a set of paths.
fn load_config(args: &CheckArgs, start: &std::path::Path) -> Result<Config, String> {
    if args.isolated {
        return Ok(Config::defaults());
    }
    let path = match &args.config {
        Some(p) => p.clone(),
        None => match crate::config::discover(start) {
            Some(p) => p,
            None => return Ok(Config::defaults()),
        },
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("error: cannot read `{}`: {e}\n", path.display()))?;
    crate::config::parse(&path, &text).map_err(|errs| {
        errs.iter()
            .map(|e| render_source_error(&e.path, &e.source, e.span, &e.message))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// Built-in rules plus rule directories from the configuration and the command line.
fn load_rules(builtin: &RuleSet, config: &Config, extra: &[PathBuf]) -> Result<RuleSet, String> {
    let mut dirs: Vec<PathBuf> = config
        .rules_dirs
        .iter()
        .map(|d| config.base_dir().join(d))
        .collect();
    dirs.extend(extra.iter().cloned());
    if dirs.is_empty() {
        return Ok(builtin.clone());
    }
    let mut files: Vec<(PathBuf, std::sync::Arc<str>)> = crate::rules::load::embedded_files()
        .iter()
        .map(|(p, t)| (PathBuf::from(p), std::sync::Arc::<str>::from(*t)))
        .collect();
    for d in &dirs {
        let more = crate::rules::load::read_dir_files(d).map_err(|e| {
            format!(
                "error: cannot read rules directory `{}`: {e}\n",
                d.display()
            )
        })?;
        files.extend(more);
    }
    let (set, errors) = crate::rules::load::load_files(files);
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(errors
            .iter()
            .map(|e| render_source_error(&e.path, &e.source, e.span, &e.message))
            .collect::<Vec<_>>()
            .join("\n"))
    }
}

fn show_config(config: &Config, rules: &RuleSet, fail_on: Severity) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "# configuration: {}\n",
        config.path.as_ref().map_or(
            "(none: defaults)".to_string(),
            |p| crate::discover::display(p)
        )
    ));
    s.push_str(&format!("fail-on = \"{fail_on}\"\n"));
    s.push_str(&format!("require-reason = {}\n", config.require_reason));
    let sel: Vec<String> = config
        .select
        .iter()
        .map(|x| format!("\"{}\"", x.0))
        .collect();
    let ign: Vec<String> = config
        .ignore
        .iter()
        .map(|x| format!("\"{}\"", x.0))
        .collect();
    s.push_str(&format!(
        "select = [{}]\nignore = [{}]\n",
        sel.join(", "),
        ign.join(", ")
    ));
    let ex: Vec<String> = config
        .exclude
        .iter()
        .map(|(_, g)| format!("\"{g}\""))
        .collect();
    s.push_str(&format!("exclude = [{}]\n", ex.join(", ")));
    if let Some(m) = config.max_file_size {
        s.push_str(&format!("max-file-size = {m}\n"));
    }
    for ig in &config.ignores {
        let rules: Vec<String> = ig.rules.iter().map(|x| format!("\"{}\"", x.0)).collect();
        s.push_str(&format!(
            "[[ignore]] rules = [{}], path = \"{}\"{}, reason = {:?}{}\n",
            rules.join(", "),
            ig.path_text,
            ig.key
                .as_ref()
                .map_or(String::new(), |k| format!(", key = \"{k}\"")),
            ig.reason,
            ig.expires
                .as_ref()
                .map_or(String::new(), |e| format!(", expires = {e}")),
        ));
    }
    s.push_str("\n# enabled rules (severity after overrides)\n");
    for r in &rules.rules {
        let sev = config.severity_for(&r.code, &r.name).unwrap_or(r.severity);
        s.push_str(&format!("{:<8} {:<9} {}\n", r.code, sev.as_str(), r.name));
    }
    s
}

fn run_check(args: CheckArgs, builtin: &RuleSet) -> u8 {
    let mut paths = Vec::new();
    let mut stdin = None;
    for p in &args.paths {
        if p.as_os_str() == "-" {
            let limit = args.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE);
            let mut bytes = Vec::new();
            if let Err(e) = std::io::stdin()
                .lock()
                .take(limit + 1)
                .read_to_end(&mut bytes)
            {
                eprintln!("error: cannot read standard input: {e}");
                return exit::USAGE;
            }
            let name = args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("<stdin>"));
            stdin = Some(StdinInput { name, bytes });
        } else if let Err(e) = std::fs::metadata(p) {
            eprintln!("error: cannot read `{}`: {e}", p.display());
            return exit::USAGE;
        } else {
            paths.push(p.clone());
        }
    }
    // One configuration per run: the one closest to the first path (or given).
    let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let config = match load_config(&args, &start) {
        Ok(c) => c,
        Err(e) => {
            eprint!("{e}");
            return exit::USAGE;
        }
    };
    let all_rules = match load_rules(builtin, &config, &args.rules_dirs) {
        Ok(r) => r,
        Err(e) => {
            eprint!("{e}");
            return exit::USAGE;
        }
    };
    let unknown = config.unknown_selectors(&all_rules);
    if !unknown.is_empty() {
        for e in unknown {
            eprint!(
                "{}",
                render_source_error(&e.path, &e.source, e.span, &e.message)
            );
        }
        return exit::USAGE;
    }
    let rules = RuleSet {
        rules: all_rules
            .rules
            .iter()
            .filter(|r| config.enabled(&r.code, &r.name))
            .cloned()
            .collect(),
    };
    let fail_on = args
        .fail_on
        .map(FailOn::severity)
        .or(config.fail_on)
        .unwrap_or(Severity::Low);
    if args.show_config {
        write_stdout(&show_config(&config, &rules, fail_on));
        return exit::CLEAN;
    }
    let opts = ScanOptions {
        paths,
        stdin,
        max_file_size: args
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(DEFAULT_MAX_FILE_SIZE),
        kind: args.kind,
        follow_links: args.follow_links,
        no_ignore: args.no_ignore,
        config: std::sync::Arc::new(config),
        no_ignores: args.no_ignores,
    };
    let mut report = check::scan(&opts, &rules);
    if args.show_files {
        let mut s = String::new();
        for f in &report.files {
            s.push_str(&format!("{}\t{}\n", f.path, f.kind.id()));
        }
        write_stdout(&s);
        return exit::CLEAN;
    }
    if let Some(path) = &args.write_baseline {
        if let Err(e) = write_atomic(path, &crate::baseline::render(&report.findings)) {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return exit::USAGE;
        }
        eprintln!(
            "wrote {} finding(s) to the baseline `{}`",
            report.findings.len(),
            path.display()
        );
        return exit::CLEAN;
    }
    if let Some(path) = &args.baseline {
        let b = match crate::baseline::load(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        };
        let findings = std::mem::take(&mut report.findings);
        let (new, known, fixed) = crate::baseline::apply(&b, findings);
        report.findings = new;
        report
            .suppressed
            .extend(known.into_iter().map(|f| crate::suppress::Suppressed {
                finding: f,
                kind: crate::suppress::SuppressionKind::Baseline,
                justification: format!("in the baseline {}", crate::discover::display(path)),
            }));
        for e in fixed {
            report.notes.push(format!(
                "baseline entry {} {} `{}` no longer matches (fixed): remove it from {}",
                e.code,
                e.path,
                e.key,
                crate::discover::display(path)
            ));
        }
    }
    let color = use_color(args.color);
    let render = |format: Format, to_terminal: bool| -> String {
        match format {
            Format::Human => human::render(
                &report,
                human::Style {
                    color: to_terminal && color,
                    width: if to_terminal && color { 120 } else { 100 },
                },
                report.suppressed.len(),
            ),
            Format::Json => report::json::render(&report),
            Format::Sarif => report::sarif::render(
                &report,
                &rules,
                &report::sarif::SarifOptions {
                    category: args.sarif_category.as_deref(),
                    root: std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")),
                    include_suppressed: args.include_suppressed,
                },
            ),
            Format::Github => report::github::render(&report),
            Format::Gitlab => report::gitlab::render(&report),
            Format::Junit => report::junit::render(&report),
        }
    };
    write_stdout(&render(args.format, true));
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    for out in &args.output {
        if let Err(e) = write_atomic(&out.path, &render(out.format, false)) {
            eprintln!("error: cannot write `{}`: {e}", out.path.display());
            return exit::USAGE;
        }
    }
    if !args.exit_zero && fails(&report, fail_on) {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}

/// Write a file so that readers never see it half-written: a temporary file in the same
/// directory, then a rename over the target.
pub fn write_atomic(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.camguard-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(content.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn run_rules(format: ListFormat, rules: &RuleSet) -> u8 {
    match format {
        ListFormat::Json => {
            let list: Vec<_> = rules
                .rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code,
                        "name": r.name,
                        "severity": r.severity,
                        "products": r.product_ids(),
                        "summary": r.summary,
                        "docs": r.docs,
                        "cwe": r.cwe,
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            write_stdout(&s);
        }
        ListFormat::Markdown => write_stdout(&crate::docs::rules_markdown(rules)),
        ListFormat::Human => {
            let mut s = String::new();
            for r in &rules.rules {
                s.push_str(&format!(
                    "{:<8} {:<9} {:<44} {}\n",
                    r.code,
                    r.severity.as_str(),
                    r.name,
                    r.summary
                ));
            }
            write_stdout(&s);
        }
    }
    exit::CLEAN
}

fn run_settings(paths: &[PathBuf], kind: Option<FileKind>) -> u8 {
    use crate::rules::secrets::MASK;
    let mut out = String::new();
    for p in paths {
        let text = match crate::discover::read_text(p, DEFAULT_MAX_FILE_SIZE) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {}: {}", e.path, e.message);
                return exit::USAGE;
            }
        };
        let Some(kind) = kind
            .or_else(|| crate::discover::classify_name(p))
            .or_else(|| crate::discover::sniff(&text))
        else {
            out.push_str(&format!("{}: not recognised\n", p.display()));
            continue;
        };
        let file = crate::settings::SourceFile::new(crate::discover::display(p), text);
        let a = crate::analyze::analyze(file, kind, &crate::analyze::Context::default());
        out.push_str(&format!("{} ({})\n", a.file.display_path(), kind.id()));
        for c in &a.components {
            let products: Vec<_> = c.products.iter().map(|p| p.id()).collect();
            out.push_str(&format!(
                "  component {} [{}]{}\n",
                c.name.as_deref().unwrap_or("-"),
                products.join(", "),
                if c.partial { " partial" } else { "" }
            ));
            for s in &c.settings {
                let at = s.file.text.position(s.primary_span().start);
                let v = if s.is_secret() {
                    MASK.to_string()
                } else {
                    s.value.display()
                };
                out.push_str(&format!(
                    "    {}:{}:{}  {} = {}  ({:?})\n",
                    s.file.display_path(),
                    at.line,
                    at.column,
                    s.key,
                    crate::report::one_line(&v),
                    s.form
                ));
            }
        }
        for p in &a.problems {
            out.push_str(&format!("  problem: {}\n", p.message));
        }
    }
    write_stdout(&out);
    exit::CLEAN
}

fn run_test_rules(dir: &std::path::Path, builtin: &RuleSet) -> u8 {
    let custom = match crate::rules::load::read_dir_files(dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", dir.display());
            return exit::USAGE;
        }
    };
    if custom.is_empty() {
        eprintln!("error: no rule files (*.toml) in `{}`", dir.display());
        return exit::USAGE;
    }
    let custom_codes: Vec<String> = match crate::rules::load::load_files(custom.clone()) {
        (set, errs) if errs.is_empty() => set.rules.iter().map(|r| r.code.clone()).collect(),
        (_, errs) => {
            for e in errs {
                eprint!(
                    "{}",
                    render_source_error(&e.path, &e.source, e.span, &e.message)
                );
            }
            return exit::USAGE;
        }
    };
    let mut files: Vec<(PathBuf, std::sync::Arc<str>)> = crate::rules::load::embedded_files()
        .iter()
        .map(|(p, t)| (PathBuf::from(p), std::sync::Arc::<str>::from(*t)))
        .collect();
    files.extend(custom);
    let (rules, errors) = crate::rules::load::load_files(files);
    if !errors.is_empty() {
        for e in errors {
            eprint!(
                "{}",
                render_source_error(&e.path, &e.source, e.span, &e.message)
            );
        }
        return exit::USAGE;
    }
    let _ = builtin;
    let fixtures: Vec<PathBuf> = crate::testing::files_below(dir)
        .into_iter()
        .filter(|p| p.extension().is_none_or(|e| e != "toml"))
        .collect();
    let mut out = String::new();
    let (mut passed, mut failed) = (0, 0);
    let mut exercised = std::collections::BTreeSet::new();
    for f in &fixtures {
        for code in &custom_codes {
            let o = crate::testing::check_fixture(f, code, &rules);
            if !o.expected.is_empty() || !o.actual.is_empty() {
                exercised.insert(code.clone());
            }
            if o.passed() {
                passed += 1;
            } else {
                failed += 1;
                out.push_str(&format!("FAIL {}\n", o.describe()));
            }
        }
    }
    for code in &custom_codes {
        if !exercised.contains(code) {
            failed += 1;
            out.push_str(&format!(
                "FAIL {code}: no fixture in `{}` expects it\n",
                dir.display()
            ));
        }
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    write_stdout(&out);
    if failed == 0 {
        exit::CLEAN
    } else {
        exit::FINDINGS
    }
}

fn run_explain(id: &str, rules: &RuleSet) -> u8 {
    match rules.find(id) {
        Some(r) => {
            let products = r.product_ids().join(", ");
            let cwe: Vec<String> = r.cwe.iter().map(|c| format!("CWE-{c}")).collect();
            write_stdout(&format!(
                "{} {} ({})\n{}\n\nProducts: {}\nCWE: {}\nDocs: {}\n\n{}\n",
                r.code,
                r.name,
                r.severity,
                r.summary,
                products,
                if cwe.is_empty() {
                    "-".into()
                } else {
                    cwe.join(", ")
                },
                r.docs,
                r.explanation.trim()
            ));
            exit::CLEAN
        }
        None => {
            eprintln!("error: no rule with code or name `{id}` (see `camguard rules`)");
            exit::USAGE
        }
    }
}

pub fn run(cli: Cli) -> u8 {
    let rules = RuleSet::builtin();
    match cli.command {
        Command::Check(args) => run_check(args, &rules),
        Command::Rules { format } => run_rules(format, &rules),
        Command::Explain { rule } => run_explain(&rule, &rules),
        Command::Settings { paths, kind } => run_settings(&paths, kind),
        Command::TestRules { dir } => run_test_rules(&dir, &rules),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "camguard", &mut buf);
            write_stdout(&String::from_utf8_lossy(&buf));
            exit::CLEAN
        }
    }
}

/// Entry point used by `main`: parse arguments, run, map panics to exit code 3.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::CLEAN
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(_) => {
            eprintln!(
                "error: internal error in camguard; please report it with the input that caused it"
            );
            ExitCode::from(exit::INTERNAL)
        }
    }
}
