//! What can be typed: the clap definitions of every subcommand and flag.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::model::file_kind::FileKind;
use crate::model::rule::Severity;
pub(crate) use crate::report::Format;

#[derive(Parser, Debug)]
#[command(
    name = "camguard",
    version,
    about = "Security auditor for Camunda, Optimize, Elasticsearch and OpenSearch configuration"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Check configuration files and report deviations from the hardening guidance.
    Check(Box<CheckArgs>),
    /// List every rule (shipped, and those of `rules-dir` and `--rules`).
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        #[command(flatten)]
        custom: CustomRules,
    },
    /// Print the components and settings camguard reads from files (for rule authors).
    Settings {
        /// Files to read.
        paths: Vec<PathBuf>,
        /// Treat every input as this kind of file.
        #[arg(long, value_parser = parse_kind)]
        kind: Option<FileKind>,
    },
    /// Print each deployment (the processes the files configure), its layers in precedence
    /// order, and each security-relevant setting with where it comes from.
    Deployments {
        /// Files or directories to read.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = crate::report::deployments::DeploymentsFormat::Human)]
        format: crate::report::deployments::DeploymentsFormat,
    },
    /// Print the full explanation of a rule.
    Explain {
        /// Rule code (C8001) or name (unprotected-api).
        rule: String,
        #[command(flatten)]
        custom: CustomRules,
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

/// Where `rules` and `explain` find custom rules: the configuration's `rules-dir` (the
/// closest camguard.toml above the working directory, or `--config`) and `--rules`.
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct CustomRules {
    /// Also load the rule files of this directory (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rules_dirs: Vec<PathBuf>,
    /// Read `rules-dir` from this configuration file instead of discovering camguard.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub(crate) enum ListFormat {
    Human,
    Json,
    /// The rule reference page (docs/rules.md).
    Markdown,
}

/// `--output FORMAT=PATH` (`-` is standard output).
#[derive(Clone, Debug)]
pub(crate) struct OutputSpec {
    pub format: Format,
    pub path: PathBuf,
}

impl OutputSpec {
    pub(crate) fn is_stdout(&self) -> bool {
        self.path.as_os_str() == "-"
    }
}

fn parse_output(s: &str) -> Result<OutputSpec, String> {
    let (f, p) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=PATH, got `{s}`"))?;
    let format = Format::from_str(f, true).map_err(|_| {
        let known: Vec<_> = Format::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect();
        format!("unknown format `{f}` (known: {})", known.join(", "))
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
pub(crate) enum FailOn {
    Critical,
    High,
    Medium,
    Low,
}

impl FailOn {
    pub(crate) fn severity(self) -> Severity {
        match self {
            FailOn::Critical => Severity::Critical,
            FailOn::High => Severity::High,
            FailOn::Medium => Severity::Medium,
            FailOn::Low => Severity::Low,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub(crate) struct CheckArgs {
    /// Files or directories to check (`-` reads standard input) [default: .].
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, alias = "output-format", value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when a finding of this severity or higher is reported [default: low].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Show only findings of this severity or higher (the gate still sees every finding).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<FailOn>,
    /// Enable only these rules: codes, names, code prefixes or ALL (replaces `select`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,
    /// Also enable these rules, even where the configuration ignores them.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,
    /// Disable these rules (on top of the configuration's `ignore`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Skip files larger than this (reported as a problem): bytes, or with a unit
    /// (`512KiB`, `10MiB`, `10MB`) [default: 10MiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// The Camunda version of what is checked (`8.7`, `8.8.2`, `7.22`), for files whose
    /// images or chart do not say; replaces `camunda-version` of the configuration.
    #[arg(long, value_name = "VERSION", value_parser = crate::config::parse_camunda_version)]
    pub camunda_version: Option<crate::model::version::Version>,
    /// Use this configuration file instead of discovering camguard.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file (`--no-config`): with `--no-ignores`, an audit
    /// run that nothing in the repository can switch off.
    #[arg(long, visible_alias = "no-config", conflicts_with = "config")]
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
    /// Do not honour .gitignore files (they only ever set aside files git does not track).
    #[arg(long, alias = "no-ignore", alias = "no-respect-gitignore")]
    pub no_ignore_files: bool,
    /// Apply the configuration's `exclude` to files named on the command line too (for
    /// pre-commit, which names every file).
    #[arg(long)]
    pub force_exclude: bool,
    /// Print how many findings each rule has, instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Print the findings only: no summary line, no notes.
    #[arg(short, long)]
    pub quiet: bool,
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

fn parse_size(s: &str) -> Result<u64, String> {
    crate::config::parse_size(s)
}

fn parse_kind(s: &str) -> Result<FileKind, String> {
    FileKind::from_id(s).ok_or_else(|| {
        let known: Vec<_> = FileKind::ALL.iter().map(|k| k.id()).collect();
        format!("unknown kind `{s}` (known: {})", known.join(", "))
    })
}
