//! What a scan needs before it starts: the configuration (given, discovered or
//! none), the rules (shipped plus rule directories), and the baseline. Every failure
//! is a [`SetupError`] the face renders; nothing here prints.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{self, Config};
use crate::model::problem::SourceError;
use crate::rules::RuleSet;
use crate::rules::load;
use crate::suppress::baseline::{self, Baseline};

/// Why a scan could not start.
#[derive(Debug)]
pub enum SetupError {
    /// Errors that point into a TOML file (configuration or rule file).
    Source(Vec<SourceError>),
    /// Anything else, already worded.
    Message(String),
}

/// Where the configuration comes from.
pub enum ConfigSource<'a> {
    /// `--isolated`: none.
    None,
    /// `--config FILE`.
    File(&'a Path),
    /// The closest `camguard.toml` above this path.
    Discover(&'a Path),
}

/// Read and validate the configuration.
pub fn load_config(source: ConfigSource<'_>) -> Result<Config, SetupError> {
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

/// The shipped rules plus the rule files in `dirs` (the configuration's `rules-dir`,
/// relative to the configuration file, then those named on the command line).
pub fn load_rules(
    shipped: &RuleSet,
    config: &Config,
    extra: &[PathBuf],
) -> Result<RuleSet, SetupError> {
    let mut dirs: Vec<PathBuf> = config
        .rules_dirs
        .iter()
        .map(|d| config.base_dir().join(d))
        .collect();
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
    }
    with_custom(files)
}

/// Every `*.toml` below a rules directory.
pub fn read_rules_dir(dir: &Path) -> Result<Vec<(PathBuf, Arc<str>)>, SetupError> {
    load::read_dir_files(dir).map_err(|e| {
        SetupError::Message(format!(
            "cannot read rules directory `{}`: {e}",
            crate::source::display(dir)
        ))
    })
}

/// The shipped rules plus these custom rule files.
pub fn with_custom(custom: Vec<(PathBuf, Arc<str>)>) -> Result<RuleSet, SetupError> {
    let (set, errors) = load::load_with_embedded(custom);
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(SetupError::Source(errors))
    }
}

/// The rules that `select` / `ignore` of the configuration enable; selectors that
/// match no rule at all are errors.
pub fn enabled_rules(all: &RuleSet, config: &Config) -> Result<RuleSet, SetupError> {
    let unknown = config.unknown_selectors(&all.infos());
    if !unknown.is_empty() {
        return Err(SetupError::Source(unknown));
    }
    Ok(RuleSet {
        rules: all
            .rules
            .iter()
            .filter(|r| config.enabled(&r.code, &r.name))
            .cloned()
            .collect(),
    })
}

/// Read a baseline file.
pub fn load_baseline(path: &Path) -> Result<Baseline, SetupError> {
    baseline::load(path).map_err(SetupError::Message)
}
