//! What can be typed: the clap definitions of every subcommand and flag.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::model::file_kind::FileKind;
use crate::model::rule::Severity;
pub use crate::report::Format;

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
