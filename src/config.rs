//! `camguard.toml` / `.camguard.toml`: project configuration. Every error points at
//! the offending key or value in the file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobMatcher};

use crate::model::deployment::Environment;
use crate::model::file_kind::FileKind;
pub(crate) use crate::model::rule::Selector;
use crate::model::rule::{RuleInfo, Severity};
use crate::model::settings::Product;
use crate::source::Span;
use crate::syntax::toml_tree::{self, Kind, Toml};

pub(crate) const FILE_NAMES: [&str; 2] = ["camguard.toml", ".camguard.toml"];

/// An error in the configuration file.
pub(crate) type ConfigError = crate::model::problem::SourceError;

/// `[[ignore]]`: findings of some rules, in some files, optionally for one key.
#[derive(Clone, Debug)]
pub struct PathIgnore {
    pub rules: Vec<Selector>,
    pub path: GlobMatcher,
    pub path_text: String,
    pub key: Option<String>,
    pub reason: String,
    /// `YYYY-MM-DD`; after it the ignore stops applying and says so.
    pub expires: Option<String>,
    pub span: Span,
}

/// `[[kind]]`: a glob to a file kind, or an image pattern to a product.
#[derive(Clone, Debug)]
pub enum KindMapping {
    Glob(GlobMatcher, FileKind),
    Image(GlobMatcher, Product),
}

#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where it was read from (`None`: defaults).
    pub path: Option<PathBuf>,
    pub select: Vec<Selector>,
    pub ignore: Vec<Selector>,
    pub severity: Vec<(Selector, Severity)>,
    pub fail_on: Option<Severity>,
    pub exclude: Vec<(GlobMatcher, String)>,
    pub kinds: Vec<KindMapping>,
    pub ignores: Vec<PathIgnore>,
    pub require_reason: bool,
    pub rules_dirs: Vec<PathBuf>,
    pub max_file_size: Option<u64>,
    /// `[[environment]]`: path globs (relative to the file) and the environment of the
    /// deployments whose files they match.
    pub environments: Vec<(GlobMatcher, Environment)>,
    /// `camunda-version`: the Camunda version of what is checked, when images and charts
    /// do not say.
    pub camunda_version: Option<crate::model::version::Version>,
    /// `[[compose]] files = [...]`: the `-f` sets the project is run with, in order, each a
    /// list of paths relative to the configuration file's directory, all in one directory.
    pub compose_sets: Vec<Vec<String>>,
    /// Every rule selector written, with its span, checked once all rules are loaded.
    pub selector_spans: Vec<(String, Span)>,
    pub source: Option<Arc<str>>,
}

impl Config {
    pub(crate) fn defaults() -> Config {
        Config {
            require_reason: true,
            ..Config::default()
        }
    }

    /// Selectors that match no loaded rule (typos), as errors pointing into the file.
    pub(crate) fn unknown_selectors(&self, rules: &[Arc<RuleInfo>]) -> Vec<ConfigError> {
        let (Some(path), Some(source)) = (&self.path, &self.source) else {
            return Vec::new();
        };
        self.selector_spans
            .iter()
            .filter(|(s, _)| {
                let sel = Selector(s.clone());
                !rules.iter().any(|r| sel.matches(&r.code, &r.name))
            })
            .map(|(s, span)| ConfigError {
                path: path.clone(),
                source: source.clone(),
                span: *span,
                message: format!("`{s}` matches no rule (see `camguard rules`)"),
            })
            .collect()
    }

    #[cfg(test)]
    /// Is this rule enabled by `select` / `ignore`?
    pub(crate) fn enabled(&self, code: &str, name: &str) -> bool {
        let selected = self.select.is_empty() || self.select.iter().any(|s| s.matches(code, name));
        selected && !self.ignore.iter().any(|s| s.matches(code, name))
    }

    pub(crate) fn severity_for(&self, code: &str, name: &str) -> Option<Severity> {
        self.severity
            .iter()
            .rev()
            .find(|(s, _)| s.matches(code, name))
            .map(|(_, sev)| *sev)
    }

    pub fn excluded(&self, rel_path: &str) -> bool {
        self.exclude.iter().any(|(g, _)| g.is_match(rel_path))
    }

    /// `[[kind]] glob = ...`: file globs (relative to [`Config::base_dir_abs`]) and kinds.
    pub(crate) fn kind_globs(&self) -> Vec<(GlobMatcher, FileKind)> {
        self.kinds
            .iter()
            .filter_map(|k| match k {
                KindMapping::Glob(g, kind) => Some((g.clone(), *kind)),
                KindMapping::Image(..) => None,
            })
            .collect()
    }

    /// `[[kind]] image = ...`: image patterns and the products they stand for.
    pub(crate) fn image_products(&self) -> Vec<(GlobMatcher, Product)> {
        self.kinds
            .iter()
            .filter_map(|k| match k {
                KindMapping::Image(g, p) => Some((g.clone(), *p)),
                KindMapping::Glob(..) => None,
            })
            .collect()
    }

    /// The directory paths in the configuration are relative to, absolute.
    pub(crate) fn base_dir_abs(&self) -> PathBuf {
        let base = self.base_dir();
        if base.is_absolute() {
            base
        } else {
            std::env::current_dir()
                .map(|d| d.join(&base))
                .unwrap_or(base)
        }
    }

    /// The directory paths in the configuration are relative to.
    pub(crate) fn base_dir(&self) -> PathBuf {
        self.path
            .as_ref()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    }
}

/// The absolute, lexically normalised form of a path.
fn absolute(p: &Path) -> Option<PathBuf> {
    Some(crate::source::absolute(p))
}

/// The repository a directory belongs to: the closest directory at or above it that
/// holds `.git` (a directory, or the file of a worktree or submodule).
pub(crate) fn repository_root(dir: &Path) -> Option<PathBuf> {
    let abs = absolute(dir)?;
    abs.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Find the configuration for a path: the closest `camguard.toml` / `.camguard.toml`
/// walking up from it, stopping at the repository root (a directory holding `.git`).
/// Outside a repository the walk stops at the scan root, or at the working directory
/// when the scan root is below it: a `camguard.toml` in a shared parent directory
/// (`/tmp`, a runner's home) never applies.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let abs = absolute(start)?;
    let dir = if abs.is_dir() {
        abs
    } else {
        abs.parent()?.to_path_buf()
    };
    let stop = repository_root(&dir).or_else(|| {
        let cwd = absolute(Path::new("."))?;
        Some(if dir.starts_with(&cwd) {
            cwd
        } else {
            dir.clone()
        })
    });
    for d in dir.ancestors() {
        for name in FILE_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        match &stop {
            Some(root) if d != root.as_path() => {}
            _ => return None,
        }
    }
    None
}

/// The directory a configuration may reach: its repository, or without one the
/// directory holding it.
pub(crate) fn confinement_root(config_path: &Path) -> Option<PathBuf> {
    let dir = absolute(config_path)?.parent()?.to_path_buf();
    Some(repository_root(&dir).unwrap_or(dir))
}

fn glob(text: &str) -> Result<GlobMatcher, String> {
    let pattern = text.strip_prefix("./").unwrap_or(text);
    Glob::new(pattern)
        .map(|g| g.compile_matcher())
        .map_err(|e| e.to_string())
}

struct Reader<'a> {
    errors: Vec<(Span, String)>,
    selectors: Vec<(String, Span)>,
    _src: &'a str,
}

impl Reader<'_> {
    fn err(&mut self, span: Span, msg: impl Into<String>) {
        self.errors.push((span, msg.into()));
    }

    fn strings(&mut self, v: &Toml, what: &str) -> Vec<(String, Span)> {
        match &v.kind {
            Kind::Array(items) => items
                .iter()
                .filter_map(|i| match &i.kind {
                    Kind::Str(s) => Some((s.clone(), i.span)),
                    _ => {
                        self.err(i.span, format!("`{what}` holds strings"));
                        None
                    }
                })
                .collect(),
            Kind::Str(s) => vec![(s.clone(), v.span)],
            _ => {
                self.err(v.span, format!("`{what}` must be an array of strings"));
                Vec::new()
            }
        }
    }

    fn selectors(&mut self, v: &Toml, what: &str) -> Vec<Selector> {
        let mut out = Vec::new();
        for (s, span) in self.strings(v, what) {
            self.selectors.push((s.clone(), span));
            out.push(Selector(s));
        }
        out
    }

    fn severity(&mut self, v: &Toml) -> Option<Severity> {
        match v.as_str().and_then(Severity::parse) {
            Some(s) => Some(s),
            None => {
                self.err(
                    v.span,
                    "expected one of \"critical\", \"high\", \"medium\", \"low\"",
                );
                None
            }
        }
    }

    fn path_ignore(&mut self, t: &Toml) -> Option<PathIgnore> {
        let mut sel = Vec::new();
        let mut path = None;
        let mut key = None;
        let mut reason = None;
        let mut expires = None;
        for (k, kspan, v) in t.entries() {
            match k.as_str() {
                "rules" | "rule" => sel = self.selectors(v, "rules"),
                "path" => match v.as_str().map(glob) {
                    Some(Ok(g)) => path = Some((g, v.as_str().unwrap_or("").to_string())),
                    Some(Err(e)) => self.err(v.span, format!("invalid glob: {e}")),
                    None => self.err(v.span, "`path` must be a glob string"),
                },
                "key" => key = v.as_str().map(String::from),
                "reason" => match v.as_str() {
                    Some(r) if !r.trim().is_empty() => reason = Some(r.to_string()),
                    _ => self.err(v.span, "`reason` must be a non-empty string"),
                },
                "expires" => {
                    let text = match &v.kind {
                        Kind::Str(s) | Kind::Other(s) => s.clone(),
                        _ => String::new(),
                    };
                    let ok = text.len() == 10
                        && text.as_bytes().iter().enumerate().all(|(i, b)| {
                            if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() }
                        });
                    if ok {
                        expires = Some(text);
                    } else {
                        self.err(v.span, "`expires` must be a date, YYYY-MM-DD");
                    }
                }
                _ => self.err(*kspan, format!("unknown `[[ignore]]` field `{k}` (known: rules, path, key, reason, expires)")),
            }
        }
        if sel.is_empty() {
            self.err(t.span, "`[[ignore]]` needs `rules`");
        }
        let Some(reason) = reason else {
            self.err(t.span, "`[[ignore]]` needs a `reason`");
            return None;
        };
        let (path, path_text) =
            path.unwrap_or_else(|| (glob("**").expect("valid glob"), "**".into()));
        Some(PathIgnore {
            rules: sel,
            path,
            path_text,
            key,
            reason,
            expires,
            span: t.span,
        })
    }
}

/// Parse a configuration file. Selectors are checked against the rules afterwards
/// ([`Config::unknown_selectors`]), once the configured rule directories are loaded.
pub fn parse(path: &Path, text: &str) -> Result<Config, Vec<ConfigError>> {
    let source: Arc<str> = Arc::from(text);
    let wrap = |errs: Vec<(Span, String)>| -> Vec<ConfigError> {
        errs.into_iter()
            .map(|(span, message)| ConfigError {
                path: path.to_path_buf(),
                source: source.clone(),
                span,
                message,
            })
            .collect()
    };
    let doc = toml_tree::parse(text).map_err(|e| wrap(vec![(e.span, e.message)]))?;
    let mut r = Reader {
        errors: Vec::new(),
        selectors: Vec::new(),
        _src: text,
    };
    let mut c = Config::defaults();
    c.path = Some(path.to_path_buf());
    for (k, kspan, v) in doc.entries() {
        match k.as_str() {
            "select" => c.select = r.selectors(v, "select"),
            "ignore" => match &v.kind {
                // Plain codes, or `[[ignore]]` tables (TOML allows both in one array).
                Kind::Array(items) => {
                    for i in items {
                        match &i.kind {
                            Kind::Str(_) => c.ignore.extend(r.selectors(i, "ignore")),
                            Kind::Table(_) => c.ignores.extend(r.path_ignore(i)),
                            _ => r.err(i.span, "`ignore` holds rule selectors or `[[ignore]]` tables"),
                        }
                    }
                }
                _ => r.err(v.span, "`ignore` must be an array"),
            },
            "severity" => {
                for (code, cspan, sev) in v.entries() {
                    let sel = Selector(code.clone());
                    r.selectors.push((code.clone(), *cspan));
                    if let Some(s) = r.severity(sev) {
                        c.severity.push((sel, s));
                    }
                }
                if !matches!(v.kind, Kind::Table(_)) {
                    r.err(v.span, "`severity` must be a table of RULE = \"severity\"");
                }
            }
            "fail-on" => c.fail_on = r.severity(v),
            "exclude" => {
                for (g, span) in r.strings(v, "exclude") {
                    match glob(&g) {
                        Ok(m) => c.exclude.push((m, g)),
                        Err(e) => r.err(span, format!("invalid glob: {e}")),
                    }
                }
            }
            "require-reason" => match v.kind {
                Kind::Bool(b) => c.require_reason = b,
                _ => r.err(v.span, "`require-reason` must be true or false"),
            },
            "rules-dir" => {
                for (d, _) in r.strings(v, "rules-dir") {
                    c.rules_dirs.push(PathBuf::from(d));
                }
            }
            "max-file-size" => match &v.kind {
                Kind::Int(n) if *n > 0 => c.max_file_size = Some(*n as u64),
                Kind::Str(t) => match parse_size(t) {
                    Ok(n) => c.max_file_size = Some(n),
                    Err(e) => r.err(v.span, e),
                },
                _ => r.err(
                    v.span,
                    "`max-file-size` must be a positive number of bytes, or a size such as \"10MiB\"",
                ),
            },
            "kind" => kind_mappings(&mut r, v, &mut c),
            "environment" => environments(&mut r, v, &mut c),
            "compose" => compose_sets(&mut r, v, &mut c),
            "camunda-version" => match v.as_str().map(parse_camunda_version) {
                Some(Ok(ver)) => c.camunda_version = Some(ver),
                Some(Err(e)) => r.err(v.span, e),
                None => r.err(v.span, "`camunda-version` must be a string such as \"8.7\" or \"8.8.2\""),
            },
            _ => r.err(
                *kspan,
                format!(
                    "unknown key `{k}` (known: select, ignore, severity, fail-on, exclude, kind, environment, compose, require-reason, rules-dir, max-file-size, camunda-version)"
                ),
            ),
        }
    }
    c.selector_spans = r.selectors;
    c.source = Some(source.clone());
    if r.errors.is_empty() {
        Ok(c)
    } else {
        Err(wrap(r.errors))
    }
}

/// `[[compose]]` tables: `files`, the compose files of one `docker compose -f a -f b` run,
/// lowest first. The paths are compared with the scanned files only (never read from here),
/// relative to the configuration file; they must stay below it and share one directory,
/// where camguard assembles compose projects.
fn compose_sets(r: &mut Reader<'_>, v: &Toml, c: &mut Config) {
    let tables: Vec<&Toml> = match &v.kind {
        Kind::Array(items) => items.iter().collect(),
        _ => vec![v],
    };
    for t in tables {
        for (k, kspan, _) in t.entries() {
            if k != "files" {
                r.err(
                    *kspan,
                    format!("unknown `[[compose]]` field `{k}` (known: files)"),
                );
            }
        }
        let Some(files) = t.get("files") else {
            r.err(
                t.span,
                "`[[compose]]` needs `files`, the compose files of one `-f` set in order",
            );
            continue;
        };
        let mut set: Vec<String> = Vec::new();
        let mut dir: Option<String> = None;
        let mut ok = true;
        for (f, span) in r.strings(files, "files") {
            let clean = f.trim_start_matches("./").to_string();
            let path = Path::new(&clean);
            let below = !clean.is_empty()
                && !path.is_absolute()
                && path
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !below {
                r.err(
                    span,
                    "a compose file of `[[compose]]` must be a relative path below the configuration file, without `..`",
                );
                ok = false;
                continue;
            }
            let parent = path
                .parent()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            if dir.get_or_insert_with(|| parent.clone()) != &parent {
                r.err(
                    span,
                    "the files of one `[[compose]]` set must be in one directory (the project directory)",
                );
                ok = false;
                continue;
            }
            set.push(clean);
        }
        if ok && !set.is_empty() {
            c.compose_sets.push(set);
        } else if ok {
            r.err(files.span, "`files` must name at least one compose file");
        }
    }
}

/// `[[environment]]` tables: `name` (`production`, `development`) and `paths` (globs).
fn environments(r: &mut Reader<'_>, v: &Toml, c: &mut Config) {
    let tables: Vec<&Toml> = match &v.kind {
        Kind::Array(items) => items.iter().collect(),
        _ => vec![v],
    };
    for t in tables {
        for (k, kspan, _) in t.entries() {
            if !matches!(k.as_str(), "name" | "paths") {
                r.err(
                    *kspan,
                    format!("unknown `[[environment]]` field `{k}` (known: name, paths)"),
                );
            }
        }
        let name = t.get("name");
        let Some(env) = name.and_then(|n| n.as_str()).and_then(Environment::from_id) else {
            let known: Vec<_> = Environment::ALL.iter().map(|e| e.id()).collect();
            r.err(
                name.map_or(t.span, |n| n.span),
                format!("`name` must be one of {}", known.join(", ")),
            );
            continue;
        };
        let Some(paths) = t.get("paths") else {
            r.err(t.span, "`[[environment]]` needs `paths`, a list of globs");
            continue;
        };
        for (g, span) in r.strings(paths, "paths") {
            match glob(&g) {
                Ok(m) => c.environments.push((m, env)),
                Err(e) => r.err(span, format!("invalid glob: {e}")),
            }
        }
    }
}

/// `[[kind]]` tables: a file glob to a kind, or an image pattern to a product.
fn kind_mappings(r: &mut Reader<'_>, v: &Toml, c: &mut Config) {
    let tables: Vec<&Toml> = match &v.kind {
        Kind::Array(items) => items.iter().collect(),
        _ => vec![v],
    };
    for t in tables {
        let glob_v = t.get("glob");
        let image_v = t.get("image");
        for (k, kspan, _) in t.entries() {
            if !matches!(k.as_str(), "glob" | "kind" | "image" | "product") {
                r.err(
                    *kspan,
                    format!("unknown `[[kind]]` field `{k}` (known: glob, kind, image, product)"),
                );
            }
        }
        match (glob_v, image_v) {
            (Some(g), None) => {
                let kind = t.get("kind");
                let parsed = kind.and_then(|k| k.as_str()).and_then(FileKind::from_id);
                match (g.as_str().map(glob), parsed) {
                    (Some(Ok(m)), Some(kind)) => c.kinds.push(KindMapping::Glob(m, kind)),
                    (Some(Err(e)), _) => r.err(g.span, format!("invalid glob: {e}")),
                    (_, None) => {
                        let known: Vec<_> = FileKind::ALL.iter().map(|k| k.id()).collect();
                        r.err(
                            kind.map_or(t.span, |k| k.span),
                            format!("`kind` must be one of {}", known.join(", ")),
                        )
                    }
                    (None, _) => r.err(g.span, "`glob` must be a string"),
                }
            }
            (None, Some(i)) => {
                let product = t.get("product");
                let parsed = product.and_then(|p| p.as_str()).and_then(Product::from_id);
                match (i.as_str().map(glob), parsed) {
                    (Some(Ok(m)), Some(p)) => c.kinds.push(KindMapping::Image(m, p)),
                    (Some(Err(e)), _) => r.err(i.span, format!("invalid image pattern: {e}")),
                    (_, None) => r.err(product.map_or(t.span, |p| p.span), {
                        let known: Vec<_> = Product::ALL.iter().map(|p| p.id()).collect();
                        format!("`product` must be one of {}", known.join(", "))
                    }),
                    (None, _) => r.err(i.span, "`image` must be a string"),
                }
            }
            _ => r.err(
                t.span,
                "`[[kind]]` needs either `glob` and `kind`, or `image` and `product`",
            ),
        }
    }
}

/// `camunda-version` / `--camunda-version`: a Camunda 7 or 8 version (`8.7`, `8.8.2`, `7.22`).
pub(crate) fn parse_camunda_version(text: &str) -> Result<crate::model::version::Version, String> {
    match crate::model::version::Version::parse(text) {
        Some(v) if (v.major == 7 || v.major == 8) && v.minor.is_some() => Ok(v),
        _ => Err(format!(
            "invalid camunda-version `{text}`: expected a Camunda 7 or 8 version with its minor, e.g. 8.7 or 8.8.2"
        )),
    }
}

/// A size: bytes (`1048576`), or a number with a unit: `B`, `KB`/`MB`/`GB` (powers of
/// 1000) or `KiB`/`MiB`/`GiB` (powers of 1024), in any case, with or without a space.
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let bad = || {
        format!(
            "invalid size `{text}`: expected bytes or a number with a unit (KB, KiB, MB, MiB, GB, GiB), e.g. 10MiB"
        )
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1000,
        "kib" => 1 << 10,
        "mb" => 1000 * 1000,
        "mib" => 1 << 20,
        "gb" => 1000 * 1000 * 1000,
        "gib" => 1 << 30,
        _ => return Err(bad()),
    };
    match n.checked_mul(factor) {
        Some(0) => Err(format!("invalid size `{text}`: must be more than 0 bytes")),
        Some(v) => Ok(v),
        None => Err(format!("invalid size `{text}`: too large")),
    }
}

/// Today's date as `YYYY-MM-DD` (UTC), for expiring ignores.
pub(crate) fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::rules::RuleSet;

    fn rules() -> RuleSet {
        RuleSet::shipped()
    }

    fn parse_checked(path: &Path, text: &str, rules: &RuleSet) -> Result<Config, Vec<ConfigError>> {
        let c = parse(path, text)?;
        let errs = c.unknown_selectors(&rules.infos());
        if errs.is_empty() { Ok(c) } else { Err(errs) }
    }

    #[test]
    fn a_full_config_parses() {
        let text = r#"
select = ["ALL"]
ignore = ["DC001", { rules = ["CG001"], path = "dev/**", reason = "dev only", expires = "2099-01-01" }]
fail-on = "high"
exclude = ["tests/**"]
require-reason = false
[severity]
CG001 = "medium"
[[kind]]
glob = "deploy/*.yml"
kind = "compose"
[[kind]]
image = "registry.local/camunda-*"
product = "camunda8"
"#;
        let c = parse_checked(Path::new("camguard.toml"), text, &rules()).unwrap();
        assert!(!c.enabled("DC001", "published-sensitive-port"));
        assert!(c.enabled("CG001", "duplicate-key"));
        assert_eq!(c.ignores.len(), 1);
        assert_eq!(c.fail_on, Some(Severity::High));
        assert!(c.excluded("tests/x.yaml"));
        let kinds = c.kind_globs();
        assert!(
            kinds
                .iter()
                .any(|(g, k)| g.is_match("deploy/a.yml") && *k == FileKind::Compose)
        );
        let images = c.image_products();
        assert!(
            images
                .iter()
                .any(|(g, p)| g.is_match("registry.local/camunda-zeebe:1")
                    && *p == Product::Camunda8)
        );
        assert_eq!(
            c.severity_for("CG001", "duplicate-key"),
            Some(Severity::Medium)
        );
    }

    #[test]
    fn errors_point_at_the_offending_span() {
        let text = "fail-on = \"urgent\"\nselct = []\nignore = [{ rules = [\"CG001\"] }]\n";
        let errs = parse(Path::new("camguard.toml"), text).unwrap_err();
        assert!(
            parse_checked(
                Path::new("camguard.toml"),
                "select = [\"NOPE1\"]\n",
                &rules()
            )
            .is_err()
        );
        let at: Vec<&str> = errs.iter().map(|e| &text[e.span.range()]).collect();
        assert!(at.contains(&"\"urgent\""), "{at:?}");
        assert!(at.contains(&"selct"), "{at:?}");
        assert!(errs.iter().any(|e| e.message.contains("reason")));
    }

    #[test]
    fn selectors() {
        assert!(Selector("C8".into()).matches("C8001", "x"));
        assert!(!Selector("C8".into()).matches("C7001", "x"));
        assert!(Selector("unprotected-api".into()).matches("C8001", "unprotected-api"));
    }

    #[test]
    fn sizes_take_units() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("10MiB"), Ok(10 << 20));
        assert_eq!(parse_size("10MB"), Ok(10_000_000));
        assert_eq!(parse_size("512KiB"), Ok(512 << 10));
        assert_eq!(parse_size("1 kb"), Ok(1000));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert!(parse_size("10 MiBs").is_err());
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("0").is_err());
        let c = parse(Path::new("camguard.toml"), "max-file-size = \"1MiB\"\n").unwrap();
        assert_eq!(c.max_file_size, Some(1 << 20));
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(t.as_str() > "2024-01-01");
    }
}
