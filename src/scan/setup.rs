//! What a scan needs before it starts: the configuration (given, discovered or
//! none), the rules (shipped plus rule directories), and the baseline. Every failure
//! is a [`SetupError`] the face renders; nothing here prints.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{self, Config};
use crate::model::problem::SourceError;
use crate::model::report::Report;
use crate::rules::RuleSet;
use crate::rules::load;
use crate::suppress::baseline::{self, Baseline};

/// Why a scan could not start.
#[derive(Debug)]
pub(crate) enum SetupError {
    /// Errors that point into a TOML file (configuration or rule file).
    Source(Vec<SourceError>),
    /// Anything else, already worded.
    Message(String),
}

/// Where the configuration comes from.
pub(crate) enum ConfigSource<'a> {
    /// `--isolated`: none.
    None,
    /// `--config FILE`.
    File(&'a Path),
    /// The closest `camguard.toml` above this path.
    Discover(&'a Path),
}

/// Read and validate the configuration.
pub(crate) fn load_config(source: ConfigSource<'_>) -> Result<Config, SetupError> {
    let path = match source {
        ConfigSource::None => return Ok(Config::defaults()),
        ConfigSource::File(p) => p.to_path_buf(),
        ConfigSource::Discover(start) => match config::discover(start) {
            Some(p) => p,
            None => return Ok(Config::defaults()),
        },
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        SetupError::Message(format!(
            "cannot read `{}`: {e}",
            crate::source::display(&path)
        ))
    })?;
    config::parse(&path, &text).map_err(SetupError::Source)
}

/// A rule file larger than this is refused unread: rules are small, and a directory a
/// configuration names must not make camguard read (and quote) anything large.
pub(crate) const MAX_RULE_FILE_SIZE: u64 = 1024 * 1024;
/// At most this many rule files are read from the rule directories together.
pub(crate) const MAX_RULE_FILES: usize = 10_000;

/// A `rules-dir` of the configuration, resolved (symbolic links included) and confined
/// to the repository the configuration belongs to (its directory outside a repository):
/// a pull request's `camguard.toml` must not make camguard read, and print in errors,
/// files of the runner.
pub(crate) fn confined_rules_dir(config: &Config, dir: &Path) -> Result<PathBuf, SetupError> {
    let cfg = config.path.as_deref().unwrap_or(Path::new("camguard.toml"));
    let shown = || crate::source::display(dir);
    let joined = config.base_dir().join(dir);
    let root = config::confinement_root(cfg)
        .and_then(|r| std::fs::canonicalize(r).ok())
        .ok_or_else(|| {
            SetupError::Message(format!(
                "cannot resolve the repository of `{}`",
                crate::source::display(cfg)
            ))
        })?;
    let real = std::fs::canonicalize(&joined).map_err(|e| {
        SetupError::Message(format!(
            "cannot read rules directory `{}` of `{}`: {e}",
            shown(),
            crate::source::display(cfg)
        ))
    })?;
    if !real.starts_with(&root) {
        return Err(SetupError::Message(format!(
            "rules-dir `{}` of `{}` resolves outside the repository; refused (configuration may only name rule directories inside the repository; use --rules DIR on the command line for others)",
            shown(),
            crate::source::display(cfg)
        )));
    }
    Ok(real)
}

/// The shipped rules plus the rule files in `dirs` (the configuration's `rules-dir`,
/// relative to the configuration file and confined to its repository, then those named
/// on the command line).
pub(crate) fn load_rules(
    shipped: &RuleSet,
    config: &Config,
    extra: &[PathBuf],
) -> Result<RuleSet, SetupError> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for d in &config.rules_dirs {
        dirs.push(confined_rules_dir(config, d)?);
    }
    dirs.extend(extra.iter().cloned());
    // The same directory named twice (`rules-dir` and `--rules`) is read once.
    let mut seen = Vec::new();
    dirs.retain(|d| {
        let id = std::fs::canonicalize(d).unwrap_or_else(|_| d.clone());
        let new = !seen.contains(&id);
        seen.push(id);
        new
    });
    if dirs.is_empty() {
        return Ok(shipped.clone());
    }
    let mut files = Vec::new();
    for d in &dirs {
        files.extend(read_rules_dir(d)?);
        if files.len() > MAX_RULE_FILES {
            return Err(SetupError::Message(format!(
                "more than {MAX_RULE_FILES} rule files in the rule directories; refused"
            )));
        }
    }
    with_custom(files)
}

/// Every `*.toml` below a rules directory (sorted). Symbolic links inside it are not
/// followed, and files over [`MAX_RULE_FILE_SIZE`] are refused before they are read.
pub(crate) fn read_rules_dir(dir: &Path) -> Result<Vec<(PathBuf, Arc<str>)>, SetupError> {
    let fail = |what: &Path, e: &dyn std::fmt::Display| {
        SetupError::Message(format!(
            "cannot read rules directory `{}`: `{}`: {e}",
            crate::source::display(dir),
            crate::source::display(what)
        ))
    };
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| fail(&d, &e))?;
        for entry in entries {
            let entry = entry.map_err(|e| fail(&d, &e))?;
            let path = entry.path();
            // The entry's own type: a symbolic link is neither a directory nor a file here.
            let ft = entry.file_type().map_err(|e| fail(&path, &e))?;
            if ft.is_dir() {
                todo.push(path);
            } else if ft.is_file() && path.extension().is_some_and(|e| e == "toml") {
                let text = crate::discover::read_text(&path, MAX_RULE_FILE_SIZE).map_err(|p| {
                    SetupError::Message(format!(
                        "rule file `{}`: {} (rule files are limited to {MAX_RULE_FILE_SIZE} bytes)",
                        crate::source::display(&path),
                        p.message
                    ))
                })?;
                out.push((path, Arc::from(text)));
                if out.len() > MAX_RULE_FILES {
                    return Err(SetupError::Message(format!(
                        "more than {MAX_RULE_FILES} rule files below `{}`; refused",
                        crate::source::display(dir)
                    )));
                }
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The shipped rules plus these custom rule files.
pub(crate) fn with_custom(custom: Vec<(PathBuf, Arc<str>)>) -> Result<RuleSet, SetupError> {
    let (set, errors) = load::load_with_embedded(custom);
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(SetupError::Source(errors))
    }
}

/// Record in the report what the configuration and the suppressions switched off.
pub(crate) fn switched_off(report: &mut Report, opts: &super::ScanOptions, rules: &RuleSet) {
    use crate::model::report::{SeverityOverride, SuppressionKind};
    let config = &opts.config;
    let s = &mut report.switched_off;
    s.config = config.path.as_deref().map(|p| {
        let cwd = std::env::current_dir().unwrap_or_default();
        crate::source::relative_to_base(&cwd, p)
    });
    s.rules_disabled = opts.disabled_rules.clone();
    s.severity_overrides = rules
        .rules
        .iter()
        .filter_map(|r| {
            let to = config.severity_for(&r.code, &r.name)?;
            (to != r.severity).then(|| SeverityOverride {
                rule: r.code.clone(),
                from: r.severity,
                to,
            })
        })
        .collect();
    s.fail_on = config.fail_on;
    s.reasons_not_required = config.path.is_some() && !config.require_reason;
    for sup in &report.suppressed {
        match sup.kind {
            SuppressionKind::InSource => s.suppressed_inline += 1,
            SuppressionKind::External => s.suppressed_by_config += 1,
            SuppressionKind::Baseline => s.suppressed_by_baseline += 1,
        }
    }
}

/// Read a baseline file.
pub(crate) fn load_baseline(path: &Path) -> Result<Baseline, SetupError> {
    baseline::load(path).map_err(SetupError::Message)
}
