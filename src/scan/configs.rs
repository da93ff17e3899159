//! Which configuration applies to each file. Like ruff, camguard does not merge
//! configuration files: each file is checked with the closest `camguard.toml` /
//! `.camguard.toml` above it (up to the repository root), so that `check a b` and
//! `check b a` give the same result in a monorepo. `--config FILE` applies one file to
//! everything, `--isolated` none. The command line's rule selection, thresholds and
//! rule directories apply on top of whichever configuration a file gets.

use crate::model::hashing::FastMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::GlobMatcher;
use rayon::prelude::*;

use super::setup::{self, SetupError};
use crate::config::{self, Config, Selector};
use crate::model::rule::Severity;
use crate::model::settings::Product;
use crate::rules::RuleSet;
use crate::source::relative_to_base;

/// What the command line sets for every configuration.
#[derive(Clone, Debug, Default)]
pub(crate) struct Overrides {
    /// `--select`: replaces the configuration's `select`.
    pub select: Option<Vec<Selector>>,
    /// `--extend-select`: enabled on top of the selection, even if the configuration
    /// ignores them.
    pub extend_select: Vec<Selector>,
    /// `--ignore`: disabled on top of the configuration's `ignore`.
    pub ignore: Vec<Selector>,
    /// `--fail-on`.
    pub fail_on: Option<Severity>,
    /// `--max-file-size`.
    pub max_file_size: Option<u64>,
    /// `--rules DIR`.
    pub rules_dirs: Vec<PathBuf>,
    /// `--camunda-version`: replaces the configuration's `camunda-version`.
    pub camunda_version: Option<crate::model::version::Version>,
}

impl Overrides {
    /// Selectors written on the command line, for the check that each matches a rule.
    fn selectors(&self) -> impl Iterator<Item = &Selector> {
        self.select
            .iter()
            .flatten()
            .chain(&self.extend_select)
            .chain(&self.ignore)
    }
}

/// One configuration as it applies: the file, the rules it enables, its thresholds.
#[derive(Debug)]
pub(crate) struct Scope {
    pub config: Arc<Config>,
    /// The enabled rules.
    pub rules: RuleSet,
    /// The rules its `select` / `ignore` (and the command line's) disabled, for the report.
    pub disabled_rules: Vec<String>,
    /// The absolute directory the configuration's paths are relative to.
    pub base: PathBuf,
    pub fail_on: Severity,
    pub max_file_size: u64,
    pub images: Arc<Vec<(GlobMatcher, Product)>>,
    /// The Camunda version of components nothing else gives a version.
    pub camunda_version: Option<crate::model::version::Version>,
    kinds: Vec<(GlobMatcher, crate::model::file_kind::FileKind)>,
}

impl Scope {
    /// A scope for a configuration and the rules it enables.
    pub fn new(config: Arc<Config>, rules: RuleSet, fail_on: Severity, max: u64) -> Scope {
        Scope {
            base: config.base_dir_abs(),
            images: Arc::new(config.image_products()),
            camunda_version: config.camunda_version.clone(),
            kinds: config.kind_globs(),
            config,
            rules,
            disabled_rules: Vec::new(),
            fail_on,
            max_file_size: max,
        }
    }

    /// The path relative to the configuration's directory, as its globs see it.
    pub(crate) fn relative(&self, path: &Path) -> String {
        relative_to_base(&self.base, path)
    }

    pub fn excluded(&self, path: &Path) -> bool {
        !self.config.exclude.is_empty() && self.config.excluded(&self.relative(path))
    }

    /// The kind `[[kind]] glob` entries give this file.
    pub(crate) fn kind_of(&self, path: &Path) -> Option<crate::model::file_kind::FileKind> {
        if self.kinds.is_empty() {
            return None;
        }
        let rel = self.relative(path);
        self.kinds
            .iter()
            .find(|(g, _)| g.is_match(&rel))
            .map(|(_, k)| *k)
    }
}

// (one per run: the size of the larger variant costs nothing)
#[allow(clippy::large_enum_variant)]
enum Mode {
    /// One scope for every file (`--config`, `--isolated`, or a library caller).
    Fixed(Arc<Scope>),
    /// The closest configuration file above each file.
    Discover {
        /// Per directory: the configuration file that applies there.
        dirs: Mutex<DirMap>,
        /// Per configuration file: its scope, or `None` when it failed to load.
        scopes: Mutex<FastMap<PathBuf, Option<Arc<Scope>>>>,
        /// For files with no configuration above them.
        defaults: Arc<Scope>,
        /// Per directory as given (the bytes of a file's parent, not made absolute): its
        /// files' scope. A directory's files need one lookup between them, and the walk
        /// returns to a directory after each of its subdirectories.
        given: Mutex<FastMap<OsString, Arc<Scope>>>,
        /// Per directory: its repository root (walking up once per directory, not once
        /// per directory and ancestor).
        roots: Mutex<DirMap>,
        /// What the walk listed ([`Configs::learn`]): the directories it answers for
        /// without a file system call.
        facts: std::sync::RwLock<Option<Arc<Facts>>>,
    },
}

/// The directories a walk listed (absolute) and, among their entries, those named like a
/// configuration file or `.git`: inside a listed root, a directory holds one of these
/// names only if its listing did.
#[derive(Debug, Default)]
struct Facts {
    roots: Vec<PathBuf>,
    /// Directory -> the names among [`config::FILE_NAMES`] and `.git` its listing holds.
    marked: FastMap<OsString, Vec<OsString>>,
    /// Below the roots, what the walk did not list (links not followed, entries it could
    /// not read, `.git`): a lookup from inside one (a file named on the command line, a
    /// `--stdin-filename`) asks the file system.
    unlisted: crate::model::hashing::FastSet<OsString>,
}

impl Facts {
    fn new(listing: &crate::discover::Listing) -> Facts {
        let mut marked: FastMap<OsString, Vec<OsString>> = FastMap::default();
        for m in &listing.marked {
            let (Some(dir), Some(name)) = (m.parent(), m.file_name()) else {
                continue;
            };
            marked
                .entry(absolute(dir).into_os_string())
                .or_default()
                .push(name.to_os_string());
        }
        let unlisted = listing
            .unlisted
            .iter()
            .chain(
                listing
                    .marked
                    .iter()
                    .filter(|m| m.file_name().is_some_and(|n| n == ".git")),
            )
            .map(|p| absolute(p).into_os_string())
            .collect();
        Facts {
            unlisted,
            // A root holding `..` is left to the file system: `absolute` removes `..`
            // by the letters, and through a link the walk may have listed elsewhere.
            roots: listing
                .roots
                .iter()
                .filter(|r| {
                    !r.components()
                        .any(|c| matches!(c, std::path::Component::ParentDir))
                })
                .map(|r| absolute(r))
                .collect(),
            marked,
        }
    }

    /// Whether the walk listed this absolute directory: it lies below a root, and neither
    /// it nor a directory between it and the root went unlisted.
    fn knows(&self, dir: &Path) -> bool {
        let Some(root) = self.roots.iter().find(|r| lies_below(dir, r)) else {
            return false;
        };
        if self.unlisted.is_empty() {
            return true;
        }
        // Each ancestor has one component fewer, so the ones at or below the root are the
        // first this many: counted once, not by comparing every ancestor with the root
        // (which made this quadratic in the depth).
        let below = dir
            .components()
            .count()
            .saturating_sub(root.components().count());
        dir.ancestors()
            .take(below + 1)
            .all(|d| !self.unlisted.contains(d.as_os_str()))
    }

    /// For a directory the walk listed: whether its listing held `name`.
    fn holds(&self, dir: &Path, name: &str) -> bool {
        self.marked
            .get(dir.as_os_str())
            .is_some_and(|names| names.iter().any(|n| n == name))
    }
}

/// `dir.starts_with(root)` for lexically normalised paths (`absolute`: no `.`, no doubled
/// or trailing separator), compared as bytes: `Path::starts_with` parses both paths into
/// components, and this runs for every probe of every directory of the walk (22 M
/// instructions on the medium benchmark tree).
fn lies_below(dir: &Path, root: &Path) -> bool {
    let (d, r) = (
        dir.as_os_str().as_encoded_bytes(),
        root.as_os_str().as_encoded_bytes(),
    );
    let separator = |b: u8| std::path::is_separator(char::from(b));
    d.starts_with(r)
        && (r.is_empty()
            || d.len() == r.len()
            || r.last().is_some_and(|&b| separator(b))
            || separator(d[r.len()]))
}

/// Whether `dir` holds an entry `name` for which `test` holds, asking the file system only
/// when the walk did not list `dir` or its listing held the name.
fn probe(facts: Option<&Facts>, dir: &Path, name: &str, test: impl Fn(&Path) -> bool) -> bool {
    if let Some(f) = facts
        && f.knows(dir)
        && !f.holds(dir, name)
    {
        return false;
    }
    test(&dir.join(name))
}

/// Per absolute directory (its bytes: every key is made by [`absolute`] or is one of its
/// ancestors, so equal directories have equal bytes), what a walk up from it found. Bytes
/// hash in a few instructions where a `Path` hashes and compares component by component:
/// on a tree of one file per directory the `Path` keys were most of the lookup's cost
/// (BENCHMARKS.md).
type DirMap = FastMap<OsString, Option<PathBuf>>;

/// The configurations of one run.
pub(crate) struct Configs {
    mode: Mode,
    shipped: RuleSet,
    overrides: Overrides,
    /// Per configuration file that failed to load: its error.
    errors: Mutex<Vec<(PathBuf, SetupError)>>,
}

impl Configs {
    /// One scope for everything.
    pub(crate) fn fixed(scope: Scope) -> Configs {
        Configs {
            mode: Mode::Fixed(Arc::new(scope)),
            shipped: RuleSet::default(),
            overrides: Overrides::default(),
            errors: Mutex::new(Vec::new()),
        }
    }

    /// `--config FILE` (`Some`) or `--isolated` (`None`) for every file.
    pub(crate) fn single(
        path: Option<&Path>,
        shipped: &RuleSet,
        overrides: Overrides,
    ) -> Result<Configs, SetupError> {
        let config = match path {
            Some(p) => setup::load_config(setup::ConfigSource::File(p))?,
            None => Config::defaults(),
        };
        let scope = scope_for(config, shipped, &overrides)?;
        Ok(Configs {
            mode: Mode::Fixed(Arc::new(scope)),
            shipped: shipped.clone(),
            overrides,
            errors: Mutex::new(Vec::new()),
        })
    }

    /// The closest configuration file above each file.
    pub fn discover(shipped: &RuleSet, overrides: Overrides) -> Result<Configs, SetupError> {
        let defaults = Arc::new(scope_for(Config::defaults(), shipped, &overrides)?);
        Ok(Configs {
            mode: Mode::Discover {
                dirs: Mutex::new(FastMap::default()),
                scopes: Mutex::new(FastMap::default()),
                defaults,
                given: Mutex::new(FastMap::default()),
                roots: Mutex::new(FastMap::default()),
                facts: Default::default(),
            },
            shipped: shipped.clone(),
            overrides,
            errors: Mutex::new(Vec::new()),
        })
    }

    /// The scope that applies to a file (not a directory: see [`Configs::for_path`]).
    pub(crate) fn for_file(&self, path: &Path) -> Arc<Scope> {
        let Mode::Discover { given, .. } = &self.mode else {
            return self.for_path(path);
        };
        // The same bytes give the same absolute directory: the working directory does not
        // change during a run.
        let dir = path.parent().unwrap_or(Path::new("")).as_os_str();
        if let Some(s) = given.lock().unwrap_or_else(|e| e.into_inner()).get(dir) {
            return s.clone();
        }
        let scope = self.lookup(path, false);
        given
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dir.to_os_string(), scope.clone());
        scope
    }

    /// The scope that applies to a file (or, for a directory, to the files in it).
    pub(crate) fn for_path(&self, path: &Path) -> Arc<Scope> {
        self.lookup(path, true)
    }

    /// `maybe_dir`: whether the path may be a directory (asks the file system).
    fn lookup(&self, path: &Path, maybe_dir: bool) -> Arc<Scope> {
        if let Mode::Fixed(s) = &self.mode {
            return s.clone();
        }
        let abs = absolute(path);
        let start = if maybe_dir && abs.is_dir() {
            Some(abs)
        } else {
            abs.parent().map(Path::to_path_buf)
        };
        self.scope_at(start)
    }

    /// The scope of the files in an absolute directory (`None`: a path with no parent).
    fn scope_at(&self, start: Option<PathBuf>) -> Arc<Scope> {
        match &self.mode {
            Mode::Fixed(s) => s.clone(),
            Mode::Discover {
                dirs,
                scopes,
                defaults,
                roots,
                facts,
                ..
            } => {
                let facts = facts.read().unwrap_or_else(|e| e.into_inner()).clone();
                let file =
                    start.and_then(|start| config_file(dirs, roots, start, facts.as_deref()));
                let Some(file) = file else {
                    return defaults.clone();
                };
                let mut scopes = scopes.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(s) = scopes.get(&file) {
                    return s.clone().unwrap_or_else(|| defaults.clone());
                }
                let loaded = setup::load_config(setup::ConfigSource::File(&file))
                    .and_then(|c| scope_for(c, &self.shipped, &self.overrides));
                let scope = match loaded {
                    Ok(s) => Some(Arc::new(s)),
                    Err(e) => {
                        locked(&self.errors).push((file.clone(), e));
                        None
                    }
                };
                scopes.insert(file, scope.clone());
                scope.unwrap_or_else(|| defaults.clone())
            }
        }
    }

    /// Whether the configurations are looked up per file (not `--config`, `--isolated`).
    pub(crate) fn discovering(&self) -> bool {
        matches!(self.mode, Mode::Discover { .. })
    }

    /// Take in what a walk without `by_config` listed, and look up the configuration of
    /// every directory whose entries such a walk would have classified: the same
    /// configuration files are loaded (and fail) as in a walk with `by_config`. Whether
    /// one of them gives files a kind by `[[kind]]` globs, so that the walk must be done
    /// again with `by_config`.
    pub(crate) fn learn(&self, listing: &crate::discover::Listing) -> bool {
        let Mode::Discover { facts, .. } = &self.mode else {
            return false;
        };
        *facts.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(Facts::new(listing)));
        let mut seen: crate::model::hashing::FastSet<&std::ffi::OsStr> = Default::default();
        let dirs: Vec<&Path> = listing
            .with_files
            .iter()
            .filter(|d| seen.insert(d.as_os_str()))
            .map(PathBuf::as_path)
            .collect();
        // (on the worker threads: one lookup per directory of the tree)
        dirs.par_iter()
            .map(|d| !self.scope_at(Some(absolute(d))).kinds.is_empty())
            .reduce(|| false, |a, b| a || b)
    }

    /// Forget the directories looked up (not the scopes): once the walk is done no file
    /// is looked up again, and on a large tree these caches held megabytes through the
    /// peak of the scan (BENCHMARKS.md). A later lookup would still be answered, anew.
    pub(crate) fn forget_directories(&self) {
        if let Mode::Discover {
            dirs,
            given,
            roots,
            facts,
            ..
        } = &self.mode
        {
            *dirs.lock().unwrap_or_else(|e| e.into_inner()) = FastMap::default();
            *given.lock().unwrap_or_else(|e| e.into_inner()) = FastMap::default();
            *roots.lock().unwrap_or_else(|e| e.into_inner()) = FastMap::default();
            *facts.write().unwrap_or_else(|e| e.into_inner()) = None;
        }
    }

    /// Every scope used so far (the fixed one, or the defaults and each configuration
    /// file that loaded), sorted by configuration path.
    pub(crate) fn scopes(&self) -> Vec<Arc<Scope>> {
        match &self.mode {
            Mode::Fixed(s) => vec![s.clone()],
            Mode::Discover {
                scopes, defaults, ..
            } => {
                let scopes = scopes.lock().unwrap_or_else(|e| e.into_inner());
                let mut out: Vec<(PathBuf, Arc<Scope>)> = scopes
                    .iter()
                    .filter_map(|(p, s)| Some((p.clone(), s.clone()?)))
                    .collect();
                out.sort_by(|a, b| a.0.cmp(&b.0));
                let mut v = vec![defaults.clone()];
                v.extend(out.into_iter().map(|(_, s)| s));
                v
            }
        }
    }

    /// The errors of configuration files found while walking, in the order of their paths
    /// (they were loaded on several threads; the caller reports the first only, as later
    /// ones are often the same mistake).
    pub(crate) fn take_errors(&self) -> Vec<SetupError> {
        let mut errors = std::mem::take(&mut *locked(&self.errors));
        errors.sort_by(|a, b| a.0.cmp(&b.0));
        errors.into_iter().map(|(_, e)| e).collect()
    }
}

/// The configuration file for the files of an absolute directory: the closest one walking
/// up from it, stopping at the repository root (a directory holding `.git`), or outside a
/// repository at the working directory (for paths below it) or the directory itself: a
/// `camguard.toml` in a shared parent (`/tmp`, a home directory) never applies.
fn config_file(
    dirs: &Mutex<DirMap>,
    roots: &Mutex<DirMap>,
    start: PathBuf,
    facts: Option<&Facts>,
) -> Option<PathBuf> {
    // A directory seen before (every file of a directory but its first): what the walk
    // below would find at once, without looking for the repository root again.
    if let Some(hit) = locked(dirs).get(start.as_os_str()) {
        return hit.clone();
    }
    let stop = cached_root(roots, &start, facts).unwrap_or_else(|| {
        let cwd = absolute(Path::new("."));
        if start.starts_with(&cwd) {
            cwd
        } else {
            start.clone()
        }
    });
    walk_up(dirs, &start, Some(&stop), |d| {
        config::FILE_NAMES
            .iter()
            .find(|n| probe(facts, d, n, Path::is_file))
            .map(|n| d.join(n))
    })
}

/// [`crate::config::repository_root`] of an absolute directory, with every directory
/// passed on the way up remembered.
fn cached_root(roots: &Mutex<DirMap>, start: &Path, facts: Option<&Facts>) -> Option<PathBuf> {
    walk_up(roots, start, None, |d| {
        probe(facts, d, ".git", Path::exists).then(|| d.to_path_buf())
    })
}

/// Walk up from the absolute directory `start` to the first directory the cache knows,
/// where `probe` finds something, or `stop`; every directory passed is remembered with
/// the answer. The cache is locked only to look up and to remember, never across a probe
/// (file system calls): held across them, the walk's threads waited for each other, with
/// some 3,400 `futex` calls on the medium benchmark tree (BENCHMARKS.md). Two threads may
/// then probe the same directory; they find the same answer.
fn walk_up(
    cache: &Mutex<DirMap>,
    start: &Path,
    stop: Option<&Path>,
    probe: impl Fn(&Path) -> Option<PathBuf>,
) -> Option<PathBuf> {
    let mut visited = Vec::new();
    let mut found = None;
    for d in start.ancestors() {
        if let Some(hit) = locked(cache).get(d.as_os_str()) {
            found = hit.clone();
            break;
        }
        visited.push(d.as_os_str().to_os_string());
        if let Some(f) = probe(d) {
            found = Some(f);
            break;
        }
        // (below `stop`, the repository root or the working directory, nothing applies)
        if stop == Some(d) {
            break;
        }
    }
    let mut cache = locked(cache);
    for v in visited {
        cache.insert(v, found.clone());
    }
    found
}

/// A lock, even if a thread panicked holding it (the maps stay consistent: each entry is
/// written whole).
fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) use crate::config::repository_root;
pub(crate) use crate::source::absolute;

/// Is a rule enabled, given the configuration's selection and then the command line's?
/// Within one level `ignore` wins over `select`; the command line comes after the
/// configuration, so `--extend-select` enables a rule the configuration ignores.
pub(crate) fn enabled(config: &Config, o: &Overrides, code: &str, name: &str) -> bool {
    let m = |sels: &[Selector]| sels.iter().any(|s| s.matches(code, name));
    let select = o.select.as_deref().unwrap_or(&config.select);
    let mut on = select.is_empty() || m(select);
    if o.select.is_none() {
        on = on && !m(&config.ignore);
    }
    on = on || m(&o.extend_select);
    on && !m(&o.ignore)
}

/// Load the rules a configuration names and build its scope.
fn scope_for(config: Config, shipped: &RuleSet, o: &Overrides) -> Result<Scope, SetupError> {
    let all = setup::load_rules(shipped, &config, &o.rules_dirs)?;
    let infos = all.infos();
    let mut unknown = config.unknown_selectors(&infos);
    for s in o.selectors() {
        if !infos.iter().any(|r| s.matches(&r.code, &r.name)) {
            return Err(SetupError::Message(format!(
                "`{}` matches no rule (see `camguard rules`)",
                s.0
            )));
        }
    }
    if !unknown.is_empty() {
        unknown.truncate(20);
        return Err(SetupError::Source(unknown));
    }
    let rules = RuleSet {
        rules: all
            .rules
            .iter()
            .filter(|r| enabled(&config, o, &r.code, &r.name))
            .cloned()
            .collect(),
    };
    let fail_on = o.fail_on.or(config.fail_on).unwrap_or(Severity::Low);
    let max = o
        .max_file_size
        .or(config.max_file_size)
        .unwrap_or(crate::discover::DEFAULT_MAX_FILE_SIZE);
    let disabled = all
        .rules
        .iter()
        .filter(|r| !enabled(&config, o, &r.code, &r.name))
        .map(|r| r.code.clone())
        .collect();
    let mut scope = Scope::new(Arc::new(config), rules, fail_on, max);
    scope.disabled_rules = disabled;
    if o.camunda_version.is_some() {
        scope.camunda_version = o.camunda_version.clone();
    }
    Ok(scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> Config {
        config::parse(Path::new("camguard.toml"), text).unwrap()
    }

    #[test]
    fn the_command_line_selects_after_the_configuration() {
        let c = cfg("select = [\"C8\"]\nignore = [\"C8001\"]\n");
        let none = Overrides::default();
        assert!(enabled(&c, &none, "C8002", "x"));
        assert!(!enabled(&c, &none, "C8001", "x"));
        assert!(!enabled(&c, &none, "ES001", "x"));
        let extend = Overrides {
            extend_select: vec![Selector("C8001".into()), Selector("ES".into())],
            ..Overrides::default()
        };
        assert!(enabled(&c, &extend, "C8001", "x"));
        assert!(enabled(&c, &extend, "ES001", "x"));
        let select = Overrides {
            select: Some(vec![Selector("ES001".into())]),
            ignore: vec![Selector("C8002".into())],
            ..Overrides::default()
        };
        assert!(enabled(&c, &select, "ES001", "x"));
        assert!(!enabled(&c, &select, "C8002", "x"));
        assert!(!enabled(&c, &select, "C8003", "x"));
        let all = Overrides {
            select: Some(vec![Selector("ALL".into())]),
            ..Overrides::default()
        };
        assert!(
            enabled(&c, &all, "C8001", "x"),
            "--select replaces the level"
        );
    }

    #[test]
    fn forgotten_directories_are_looked_up_anew() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
        std::fs::write(root.join("sub/camguard.toml"), "max-file-size = 1234\n").unwrap();
        let configs = Configs::discover(&RuleSet::default(), Overrides::default()).unwrap();
        let file = root.join("sub/deeper/application.yaml");
        let outside = root.join("other.yaml");
        let first = configs.for_file(&file);
        assert_eq!(first.config.max_file_size, Some(1234));
        let plain = configs.for_file(&outside);
        assert_eq!(plain.config.max_file_size, None);
        configs.forget_directories();
        assert!(Arc::ptr_eq(&configs.for_file(&file), &first));
        assert!(Arc::ptr_eq(&configs.for_file(&outside), &plain));
        assert!(configs.take_errors().is_empty());
    }

    /// A tree where each way a configuration can apply shows: nested configurations, a
    /// nested repository, both file names in one directory, a directory named like a
    /// configuration file, and a directory with no configuration above it in its
    /// repository.
    fn layered_tree(root: &Path) -> Vec<PathBuf> {
        let w = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        std::fs::create_dir_all(root.join(".git")).unwrap();
        w("camguard.toml", "max-file-size = 1\n");
        w("a/b/camguard.toml", "max-file-size = 2\n");
        w("a/b/.camguard.toml", "max-file-size = 3\n");
        w("a/c/.camguard.toml", "max-file-size = 4\n");
        std::fs::create_dir_all(root.join("a/d/camguard.toml")).unwrap();
        std::fs::create_dir_all(root.join("nested/.git")).unwrap();
        w("nested/deep/x/README.md", "");
        let files = [
            "application.yaml",
            "a/app.yaml",
            "a/b/app.yaml",
            "a/b/e/f/app.yaml",
            "a/c/app.yaml",
            "a/d/app.yaml",
            "a/d/camguard.toml/app.yaml",
            "nested/app.yaml",
            "nested/deep/x/app.yaml",
        ];
        for f in files {
            w(f, "a: 1\n");
        }
        files.iter().map(|f| root.join(f)).collect()
    }

    fn learned(root: &Path) -> Configs {
        let configs = Configs::discover(&RuleSet::default(), Overrides::default()).unwrap();
        let listing = Arc::new(Mutex::new(crate::discover::Listing {
            names: config::FILE_NAMES.into_iter().chain([".git"]).collect(),
            ..Default::default()
        }));
        let opts = crate::discover::WalkOptions {
            no_ignore: true,
            listing: Some(listing.clone()),
            ..Default::default()
        };
        crate::discover::walk(&[root.to_path_buf()], &opts, &mut Vec::new());
        let listing = std::mem::take(&mut *listing.lock().unwrap());
        assert!(
            !configs.learn(&listing),
            "no configuration has [[kind]] globs"
        );
        configs
    }

    #[test]
    fn a_walks_listing_gives_each_file_the_configuration_the_file_system_gives() {
        let dir = tempfile::tempdir().unwrap();
        let files = layered_tree(dir.path());
        let from_listing = learned(dir.path());
        let from_disk = Configs::discover(&RuleSet::default(), Overrides::default()).unwrap();
        let size = |c: &Configs, f: &Path| c.for_file(f).config.max_file_size;
        let got: Vec<Option<u64>> = files.iter().map(|f| size(&from_listing, f)).collect();
        let want: Vec<Option<u64>> = files.iter().map(|f| size(&from_disk, f)).collect();
        assert_eq!(got, want);
        // (and the tree shows each case: `camguard.toml` before `.camguard.toml`, a
        // directory named `camguard.toml` is none, a nested repository stops the way up)
        let one = |n| Some(n);
        assert_eq!(
            got,
            [
                one(1),
                one(1),
                one(2),
                one(2),
                one(4),
                one(1),
                one(1),
                None,
                None
            ]
        );
        assert!(from_listing.take_errors().is_empty());
    }

    #[test]
    fn a_listed_directory_is_answered_from_its_listing_not_the_file_system() {
        let dir = tempfile::tempdir().unwrap();
        let files = layered_tree(dir.path());
        let from_listing = learned(dir.path());
        // A configuration file that the walk did not list: the lookup does not see it,
        // so it asked the listing, not the file system.
        std::fs::write(dir.path().join("a/camguard.toml"), "max-file-size = 9\n").unwrap();
        let a = &files[1];
        assert_eq!(from_listing.for_file(a).config.max_file_size, Some(1));
        let from_disk = Configs::discover(&RuleSet::default(), Overrides::default()).unwrap();
        assert_eq!(from_disk.for_file(a).config.max_file_size, Some(9));
    }

    #[test]
    fn a_listing_loads_the_configuration_of_every_directory_with_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::create_dir_all(root.join("empty/inner")).unwrap();
        // Broken, and applying to itself and a README only: learning the listing fails on
        // it as a lookup per walked file did.
        std::fs::write(root.join("docs/camguard.toml"), "select = 1\n").unwrap();
        std::fs::write(root.join("docs/README.md"), "").unwrap();
        std::fs::write(root.join("empty/inner/.camguard.toml"), "").unwrap();
        let configs = learned(root);
        assert_eq!(configs.take_errors().len(), 1);
        let paths: Vec<PathBuf> = configs
            .scopes()
            .iter()
            .filter_map(|s| s.config.path.clone())
            .collect();
        assert_eq!(paths, [absolute(&root.join("empty/inner/.camguard.toml"))]);
    }

    #[test]
    fn load_errors_come_in_the_order_of_their_files_whatever_the_order_of_loading() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        for d in ["a", "b"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
            std::fs::write(root.join(d).join("camguard.toml"), "select = 1\n").unwrap();
        }
        let configs = Configs::discover(&RuleSet::default(), Overrides::default()).unwrap();
        configs.for_file(&root.join("b/app.yaml"));
        configs.for_file(&root.join("a/app.yaml"));
        let dirs: Vec<String> = configs
            .take_errors()
            .iter()
            .map(|e| match e {
                SetupError::Source(errs) => errs[0].path.parent().unwrap().display().to_string(),
                SetupError::Message(m) => m.clone(),
            })
            .collect();
        let want: Vec<String> = ["a", "b"]
            .iter()
            .map(|d| root.join(d).display().to_string())
            .collect();
        assert_eq!(dirs, want);
    }

    #[test]
    fn lies_below_is_starts_with_for_normalised_paths() {
        let paths = [
            "/", "/a", "/a/b", "/ab", "/a/bc", "/a/b/c", "/b", "/a/b/", "a", "a/b", "ab", "",
        ];
        for d in paths {
            for r in paths {
                let (d, r) = (Path::new(d), Path::new(r));
                if r.as_os_str().len() > 1 && r.as_os_str().as_encoded_bytes().ends_with(b"/") {
                    continue; // (not normalised)
                }
                assert_eq!(lies_below(d, r), d.starts_with(r), "{d:?} {r:?}");
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_the_walk_did_not_follow_is_asked_of_the_file_system() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(root.join("camguard.toml"), "max-file-size = 1\n").unwrap();
        std::fs::write(elsewhere.join("camguard.toml"), "max-file-size = 5\n").unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join("link")).unwrap();
        let from_listing = learned(&root);
        // (a file named on the command line below the link: its directory was not listed)
        let file = root.join("link/app.yaml");
        let from_disk = Configs::discover(&RuleSet::default(), Overrides::default()).unwrap();
        assert_eq!(from_disk.for_file(&file).config.max_file_size, Some(5));
        assert_eq!(from_listing.for_file(&file).config.max_file_size, Some(5));
        // Deeper below the link, where the link is an ancestor of the file's directory and
        // not the directory itself: that directory is asked of the file system too.
        std::fs::create_dir_all(elsewhere.join("sub/deeper")).unwrap();
        std::fs::write(
            elsewhere.join("sub/deeper/camguard.toml"),
            "max-file-size = 7\n",
        )
        .unwrap();
        let file = root.join("link/sub/deeper/app.yaml");
        assert_eq!(from_listing.for_file(&file).config.max_file_size, Some(7));
    }
}
