//! Discovery: walking the tree, classifying files into kinds, reading them safely.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::GlobMatcher;

pub use crate::model::file_kind::FileKind;
use crate::model::problem::{Problem, ProblemKind};
use crate::source::{display, relative_to_base};

mod ignore_rules;

/// Files larger than this are reported, not read (`--max-file-size`).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

fn has_ext(name: &str, exts: &[&str]) -> bool {
    exts.iter().any(|e| {
        name.len() > e.len()
            && name.ends_with(e)
            && name.as_bytes()[name.len() - e.len() - 1] == b'.'
    })
}

/// Classify by file name (and parent directory where the name alone is ambiguous).
pub fn classify_name(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let yaml = has_ext(&name, &["yaml", "yml"]);
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    if yaml {
        match stem {
            "environment-config" => return Some(FileKind::Optimize),
            "elasticsearch" => return Some(FileKind::Elasticsearch),
            "opensearch" => return Some(FileKind::Opensearch),
            _ => {}
        }
        if stem == "application" || stem.starts_with("application-") {
            return Some(FileKind::SpringYaml);
        }
        if stem == "docker-compose"
            || stem.starts_with("docker-compose.")
            || stem.starts_with("docker-compose-")
            || stem == "compose"
            || stem.starts_with("compose.")
            || stem.starts_with("compose-")
        {
            return Some(FileKind::Compose);
        }
        if is_camunda_run_config(path) {
            return Some(FileKind::SpringYaml);
        }
        if stem == "values" || stem.starts_with("values-") || stem.starts_with("values.") {
            return Some(FileKind::HelmValues);
        }
        if stem == "config" && is_opensearch_security_dir(path) {
            return Some(FileKind::Opensearch);
        }
        return None;
    }
    if has_ext(&name, &["properties"])
        && (stem == "application" || stem.starts_with("application-"))
    {
        return Some(FileKind::SpringProperties);
    }
    if matches!(
        name.as_str(),
        "web.xml" | "bpm-platform.xml" | "processes.xml" | "server.xml"
    ) {
        return Some(FileKind::Xml);
    }
    if name == ".env" || has_ext(&name, &["env"]) {
        return Some(FileKind::Env);
    }
    if let Some(suffix) = name.strip_prefix(".env.")
        && !matches!(suffix, "example" | "sample" | "template" | "dist")
    {
        return Some(FileKind::Env);
    }
    None
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// The OpenSearch Security plugin reads its `config.yml` from `config/opensearch-security/`
/// (2.x: `ConfigurationRepository.resolveConfigDir` in opensearch-project/security) or,
/// in 1.x, `plugins/opensearch-security/securityconfig/` (OpenSearch 1.2 docs, "Apply
/// changes using securityadmin.sh").
fn is_opensearch_security_dir(path: &Path) -> bool {
    path.parent()
        .and_then(|p| p.file_name())
        .and_then(|p| p.to_str())
        .is_some_and(|p| {
            p.eq_ignore_ascii_case("opensearch-security")
                || p.eq_ignore_ascii_case("securityconfig")
        })
}

/// Camunda Run reads `configuration/default.yml` and `configuration/production.yml`.
pub(crate) fn is_camunda_run_config(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    let run_name = matches!(
        name.as_str(),
        "default.yml" | "default.yaml" | "production.yml" | "production.yaml"
    );
    let parent_is_configuration = path.parent().and_then(|p| p.file_name()).is_some_and(|p| {
        p.eq_ignore_ascii_case("configuration") || p.eq_ignore_ascii_case("resources")
    });
    run_name && parent_is_configuration
}

/// Top-level sections of the camunda-platform chart's values.
pub(crate) const HELM_SECTIONS: [&str; 12] = [
    "orchestration",
    "zeebe",
    "zeebeGateway",
    "operate",
    "tasklist",
    "identity",
    "optimize",
    "connectors",
    "identityKeycloak",
    "webModeler",
    "console",
    "global",
];

/// Classify by content when the name says nothing (explicit paths, stdin, and YAML
/// files with other names found while walking): a quick look at the unindented keys of
/// the first lines. `crate::analyze::sniff_parsed` looks at the parsed document when
/// this says nothing (quoted keys, JSON syntax, long comment headers).
pub fn sniff(text: &str) -> Option<FileKind> {
    let mut keys = Vec::new();
    // Inside a top-level `_meta:` block, and whether it said `type: "config"`.
    let mut in_meta = false;
    let mut security_config = false;
    for line in crate::source::lines(text).take(5000) {
        let t = match line.as_bytes().first() {
            Some(b' ' | b'\t') => line,
            _ => line.trim_start_matches('\u{feff}'),
        };
        if t.starts_with(' ') || t.starts_with('\t') {
            if in_meta && let Some(v) = t.trim().strip_prefix("type:") {
                security_config |= is_security_config_type(v);
            }
            continue;
        }
        if t.starts_with('#') || t.starts_with('-') {
            continue;
        }
        let key = memchr::memchr(b':', t.as_bytes())
            .map_or(t, |i| &t[..i])
            .trim();
        in_meta = key == "_meta";
        keys.push(key);
    }
    if security_config {
        return Some(FileKind::Opensearch);
    }
    classify_keys(keys, text.contains("image:"))
}

/// Whether the text is surely no configuration camguard recognises, without parsing it: every
/// line at the left margin is a comment, a document marker, a sequence entry or a plain
/// `key:` whose key is letters, digits and `_.-/`; every document starts at the left margin;
/// and those keys classify as nothing. Then the parsed document has exactly those top-level
/// keys, so [`crate::analyze::sniff_parsed`] would say nothing either (the `yaml` fuzz target
/// checks this), and the YAML noise of a monorepo (workflows, OpenAPI, catalog files) is not
/// parsed only to be skipped: that parse was a fifth of a finding-dense scan's instructions
/// (BENCHMARKS.md).
///
/// Anything else leaves the parse to decide: quoted or flow keys, anchors, tags, merges,
/// directives, an indented document, `services` (whose images the parse checks) and `_meta`,
/// and a line break other than `\n` and `\r\n` (YAML also breaks at a lone `\r`, and
/// camguard at U+0085, U+2028 and U+2029, which `str::lines` does not).
pub fn plainly_unrecognised(text: &str) -> bool {
    let b = text.as_bytes();
    if memchr::memchr2(0xC2, 0xE2, b).is_some() && has_unicode_breaks(b) {
        return false;
    }
    if memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n')) {
        return false;
    }
    let mut keys = Vec::new();
    // At the start of a document: its first content line must be at the left margin.
    let mut document_start = true;
    for line in crate::source::lines(text) {
        // An indented line inside a document says nothing whatever it holds (the next
        // test but faster: most lines of the files this skips are indented).
        if !document_start && line.as_bytes().first() == Some(&b' ') {
            continue;
        }
        let t = line.trim_start_matches('\u{feff}');
        let content = t.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if content.len() != t.len() {
            if document_start {
                return false;
            }
            continue;
        }
        document_start = false;
        if let Some(rest) = t.strip_prefix("---").or_else(|| t.strip_prefix("...")) {
            if !ends_line(rest) {
                return false;
            }
            document_start = true;
            continue;
        }
        if let Some(rest) = t.strip_prefix('-') {
            if rest.is_empty() || rest.starts_with(' ') {
                continue;
            }
            return false;
        }
        let Some(colon) = memchr::memchr(b':', t.as_bytes()) else {
            return false;
        };
        let (key, rest) = (&t[..colon], &t[colon + 1..]);
        let plain = key.bytes().enumerate().all(|(i, c)| {
            c.is_ascii_alphanumeric() || c == b'_' || (i > 0 && matches!(c, b'.' | b'-' | b'/'))
        });
        if key.is_empty() || !plain || !(rest.is_empty() || rest.starts_with(' ')) {
            return false;
        }
        if key == "services" || key == "_meta" {
            return false;
        }
        keys.push(key);
    }
    classify_keys(keys, false).is_none()
}

/// A document marker's rest of line: nothing, or blanks and a comment.
fn ends_line(rest: &str) -> bool {
    let r = rest.trim_start_matches(' ');
    r.is_empty() || (r.len() < rest.len() && r.starts_with('#'))
}

/// The line breaks camguard's YAML reading adds (U+0085, U+2028, U+2029).
fn has_unicode_breaks(b: &[u8]) -> bool {
    b.windows(2).any(|w| w == [0xC2, 0x85])
        || b.windows(3)
            .any(|w| w == [0xE2, 0x80, 0xA8] || w == [0xE2, 0x80, 0xA9])
}

/// The `_meta.type` of the OpenSearch Security plugin's main configuration file
/// (`_meta: {type: "config", config_version: 2}`; the other files of the plugin say
/// `internalusers`, `roles`, ...).
pub(crate) fn is_security_config_type(value: &str) -> bool {
    let v = value.split(" #").next().unwrap_or("").trim();
    v.trim_matches(|c| c == '"' || c == '\'') == "config"
}

/// The kind of a document from its top-level keys (of every document of the file), and
/// whether a compose service names an image.
pub(crate) fn classify_keys<'a>(
    keys: impl IntoIterator<Item = &'a str>,
    has_image: bool,
) -> Option<FileKind> {
    let mut spring = false;
    let mut api_version = false;
    let mut kind = false;
    let mut services = false;
    let mut helm_sections = 0;
    let mut global = false;
    for key in keys {
        match key {
            "camunda" | "zeebe" => spring = true,
            "apiVersion" => api_version = true,
            "kind" => kind = true,
            "services" => services = true,
            "global" => global = true,
            _ => {}
        }
        if key.starts_with("camunda.bpm") || key.starts_with("camunda.security") {
            spring = true;
        }
        if HELM_SECTIONS.contains(&key) && key != "global" && key != "zeebe" {
            helm_sections += 1;
        }
        if key.starts_with("xpack.") {
            return Some(FileKind::Elasticsearch);
        }
        if key.starts_with("plugins.security") {
            return Some(FileKind::Opensearch);
        }
    }
    if api_version && kind {
        Some(FileKind::K8s)
    } else if services && has_image {
        Some(FileKind::Compose)
    } else if helm_sections > 0 || (global && spring) {
        Some(FileKind::HelmValues)
    } else if spring {
        Some(FileKind::SpringYaml)
    } else {
        None
    }
}

/// A file to scan.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// The path as found (a symbolic link keeps its own name).
    pub path: PathBuf,
    /// Named on the command line (always scanned).
    pub explicit: bool,
    pub kind: Option<FileKind>,
    /// For a symbolic link that stays inside the scanned root: its resolved target, the
    /// file that is read.
    pub target: Option<PathBuf>,
}

impl Candidate {
    /// The file to read: the link's target for links inside the root, else the path.
    pub(crate) fn read_path(&self) -> &Path {
        self.target.as_deref().unwrap_or(&self.path)
    }
}

/// A file's kind by the configuration that applies to it (`[[kind]]` globs).
pub(crate) type KindByConfig<'a> =
    std::sync::Arc<dyn Fn(&Path) -> Option<FileKind> + Send + Sync + 'a>;

#[derive(Default)]
pub struct WalkOptions<'a> {
    pub follow_links: bool,
    pub no_ignore: bool,
    /// `[[kind]] glob = ...` of the configuration: globs relative to `base`, tried before
    /// the file name.
    pub kinds: Vec<(GlobMatcher, FileKind)>,
    /// The absolute directory the globs are relative to.
    pub base: PathBuf,
    /// The kind the configuration that applies to a file gives it, tried first.
    pub by_config: Option<KindByConfig<'a>>,
    /// Where the walk without ignore rules notes what the configuration lookup needs of
    /// the directories it lists ([`Listing`]).
    pub(crate) listing: Option<Arc<Mutex<Listing>>>,
}

/// What a walk saw of the directories it listed, so that the configuration that applies
/// to each file can be found afterwards without asking the file system about every
/// directory (`scan::configs`; three `statx` calls per directory were 12% of a scan of a
/// tree with one file per directory, BENCHMARKS.md). Paths are as walked.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    /// The names of entries to note (given by the caller: configuration file names and
    /// `.git`).
    pub names: Vec<&'static str>,
    /// The directories walked, every one of whose directories was listed.
    pub roots: Vec<PathBuf>,
    /// The entries with one of the `names`, whatever their type.
    pub marked: Vec<PathBuf>,
    /// The directories holding an entry that is classified (anything but a directory, or
    /// an entry that could not be read), and the parents of files named on the command
    /// line: the directories whose configuration a walk with `by_config` looks up. A
    /// directory may appear more than once.
    pub with_files: Vec<PathBuf>,
    /// Entries below the roots that the walk did not list although they may be
    /// directories: links it did not follow and entries it could not read (`.git`, never
    /// entered, is among `marked`).
    pub unlisted: Vec<PathBuf>,
}

/// One walking thread's part of a [`Listing`], added to it when the thread is done: the
/// directories of its entries, each noted once per run of entries in it.
struct LocalListing {
    shared: Arc<Mutex<Listing>>,
    dirs: Vec<PathBuf>,
    unlisted: Vec<PathBuf>,
}

impl LocalListing {
    fn note(&mut self, dir: &Path) {
        if self
            .dirs
            .last()
            .is_none_or(|d| d.as_os_str() != dir.as_os_str())
        {
            self.dirs.push(dir.to_path_buf());
        }
    }
}

impl Drop for LocalListing {
    fn drop(&mut self) {
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.with_files.append(&mut self.dirs);
        shared.unlisted.append(&mut self.unlisted);
    }
}

impl WalkOptions<'_> {
    /// The kind of a file: by the configuration's globs, then by its name.
    pub(crate) fn classify(&self, path: &Path) -> Option<FileKind> {
        if let Some(k) = self.by_config.as_ref().and_then(|f| f(path)) {
            return Some(k);
        }
        if !self.kinds.is_empty() {
            let rel = relative_to_base(&self.base, path);
            if let Some((_, k)) = self.kinds.iter().find(|(g, _)| g.is_match(&rel)) {
                return Some(*k);
            }
        }
        classify_name(path)
    }
}

/// What a walk found.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    pub candidates: Vec<Candidate>,
    /// Configuration files (recognised by name or `[[kind]]` glob) that ignore rules set
    /// aside: untracked files a `.gitignore` of the repository matches.
    pub ignored: usize,
}

/// Walk the given paths (see [`walk`]); only the files to scan.
pub fn discover(
    paths: &[PathBuf],
    opts: &WalkOptions<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<Candidate> {
    walk(paths, opts, problems).candidates
}

/// Walk the given paths. Directories are walked seeing dotfiles but skipping `.git/`;
/// files named explicitly are always returned.
///
/// Ignore files follow one policy, because a security gate must not lose a file of the
/// pull request to an ignore rule: `.gitignore` files apply only inside a git repository
/// and only to files git does not track (as in git itself; the index says which files
/// are tracked, and when it cannot be read every file counts as tracked). `.ignore`
/// files, `.git/info/exclude` and the user's global excludes are never read, and outside
/// a repository no ignore file applies. `--no-ignore` (`no_ignore`) sets nothing aside.
///
/// A directory is walked without ignore rules, then with them to tell what they set aside;
/// the second walk is left out when no rule could match anything the first found
/// ([`ignore_rules`]).
pub(crate) fn walk(paths: &[PathBuf], opts: &WalkOptions, problems: &mut Vec<Problem>) -> Walk {
    let mut out = Walk::default();
    for root in paths {
        let meta = match fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                problems.push(Problem::new(
                    ProblemKind::Io,
                    display(root),
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        if !meta.is_dir() {
            if let Some(l) = &opts.listing {
                let dir = root.parent().unwrap_or(Path::new("")).to_path_buf();
                l.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .with_files
                    .push(dir);
            }
            out.candidates.push(Candidate {
                path: root.clone(),
                explicit: true,
                kind: opts.classify(root),
                target: None,
            });
            continue;
        }
        // Everything without ignore rules first: what they set aside is checked anyway
        // when git tracks it, and counted otherwise. The same goes for the problems of what
        // they set aside (a tracked link out of the repository in an ignored directory).
        let all = walk_dir(root, opts, false);
        if opts.no_ignore
            || !ignore_rules::may_set_aside(
                root,
                &all.gitignores,
                all.candidates
                    .iter()
                    .map(|c| c.path.as_path())
                    .chain(all.problems.iter().map(|p| p.path.as_path())),
            )
        {
            // (no rule matches any of it: the walk with them would find the same)
            out.candidates.extend(all.candidates);
            problems.extend(all.problems.into_iter().map(|p| p.problem));
            continue;
        }
        let kept = walk_dir(root, opts, true);
        let seen: std::collections::HashSet<&Path> = kept
            .candidates
            .iter()
            .map(|c| c.path.as_path())
            .chain(kept.problems.iter().map(|p| p.path.as_path()))
            .collect();
        let index = GitIndex::for_dir(root);
        let tracked = |path: &Path| index.as_ref().is_none_or(|i| i.tracks(path));
        let (back, n) = brought_back(all.candidates, &seen, tracked, |c| (&c.path, c.kind));
        out.ignored += n;
        let (back_problems, n) = brought_back(all.problems, &seen, tracked, |p| (&p.path, p.kind));
        out.ignored += n;
        out.candidates.extend(kept.candidates);
        out.candidates.extend(back);
        problems.extend(kept.problems.into_iter().map(|p| p.problem));
        problems.extend(back_problems.into_iter().map(|p| p.problem));
    }
    // A stable sort, so that of two equal paths the one named on the command line stays.
    out.candidates
        .sort_by_cached_key(|c| path_order_key(&c.path));
    out.candidates.dedup_by(|a, b| a.path == b.path);
    out
}

/// Of what the walk without ignore rules found and the one with them did not (`seen`):
/// what git tracks, to check anyway, and how many of the rest are configuration files by
/// their name (set aside, and counted).
fn brought_back<T>(
    found: Vec<T>,
    seen: &std::collections::HashSet<&Path>,
    tracked: impl Fn(&Path) -> bool,
    entry: impl Fn(&T) -> (&Path, Option<FileKind>),
) -> (Vec<T>, usize) {
    let mut back = Vec::new();
    let mut ignored = 0;
    for item in found {
        let (path, kind) = entry(&item);
        if seen.contains(path) {
            continue;
        }
        if tracked(path) {
            back.push(item);
        } else if kind.is_some() {
            ignored += 1;
        }
    }
    (back, ignored)
}

/// Bytes that sort as paths do (`Path::cmp`, component by component), compared faster
/// than paths: each component is a tag in the order of `Component`'s variants, then for a
/// normal one its bytes, then a 0 (no path component holds one). On the 4,000 candidates of
/// the medium benchmark tree, `Path::cmp` was 30 M instructions of the serial part.
fn path_order_key(path: &Path) -> Vec<u8> {
    use std::path::Component;
    let mut key = Vec::with_capacity(path.as_os_str().len() + 8);
    for c in path.components() {
        match c {
            Component::Prefix(p) => {
                key.push(1);
                key.extend_from_slice(p.as_os_str().as_encoded_bytes());
            }
            Component::RootDir => key.push(2),
            Component::CurDir => key.push(3),
            Component::ParentDir => key.push(4),
            Component::Normal(n) => {
                key.push(5);
                key.extend_from_slice(n.as_encoded_bytes());
            }
        }
        key.push(0);
    }
    key
}

/// Walk one directory, with the `.gitignore` files of its repository or without any.
///
/// The walk runs on as many threads as the scan (rayon's pool: `RAYON_NUM_THREADS=1` walks
/// on one); only the candidates and problems it finds are kept, never every entry it lists.
/// Their order depends on the threads: [`walk`] sorts the candidates and the report sorts
/// the problems.
fn walk_dir(root: &Path, opts: &WalkOptions, gitignore: bool) -> Listed {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .standard_filters(false)
        .hidden(false)
        .git_ignore(gitignore)
        .parents(gitignore)
        .require_git(true)
        .ignore(false)
        .git_global(false)
        .git_exclude(false)
        .follow_links(opts.follow_links)
        .threads(rayon::current_num_threads());
    // (the walk without ignore rules lists every entry of every directory it enters)
    let listing = opts.listing.clone().filter(|_| !gitignore);
    if let Some(l) = &listing {
        l.lock()
            .unwrap_or_else(|e| e.into_inner())
            .roots
            .push(root.to_path_buf());
    }
    let marks = listing.clone();
    let names = listing.as_ref().map_or_else(Vec::new, |l| {
        l.lock().unwrap_or_else(|e| e.into_inner()).names.clone()
    });
    builder.filter_entry(move |e| {
        let name = e.file_name();
        if let Some(l) = &marks
            && names.iter().any(|n| name == *n)
        {
            let mut l = l.lock().unwrap_or_else(|e| e.into_inner());
            l.marked.push(e.path().to_path_buf());
        }
        name != ".git"
    });
    let canonical_root = fs::canonicalize(root).ok();
    let found: std::sync::Mutex<Listed> = Default::default();
    builder.build_parallel().run(|| {
        let (found, canonical_root) = (&found, canonical_root.as_deref());
        let mut local = listing.clone().map(|shared| LocalListing {
            shared,
            dirs: Vec::new(),
            unlisted: Vec::new(),
        });
        Box::new(move |entry| {
            if let Some(local) = &mut local {
                note_directory(local, &entry, root, opts.follow_links);
            }
            if let Ok(e) = &entry
                && !gitignore
                && e.file_name() == ".gitignore"
            {
                let is_file = e.file_type().is_some_and(|t| t.is_file());
                let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
                // (one past the limit is enough to know both walks run: a tree of a
                // million rule files is not held as a million paths)
                if found.gitignores.len() <= ignore_rules::MAX_GITIGNORE_FILES {
                    found.gitignores.push((e.path().to_path_buf(), is_file));
                }
            }
            if let Some(seen) = visit(entry, root, opts, canonical_root) {
                let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
                match seen {
                    Ok(c) => found.candidates.push(c),
                    Err(p) => found.problems.push(p),
                }
            }
            ignore::WalkState::Continue
        })
    });
    found.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Note the directory of an entry that [`visit`] classifies: anything but a directory
/// that is not a link, and the entries that could not be read.
fn note_directory(
    local: &mut LocalListing,
    entry: &Result<ignore::DirEntry, ignore::Error>,
    root: &Path,
    follow_links: bool,
) {
    let path = match entry {
        Ok(e) => {
            // (as `visit` tells a directory from a link)
            let is_symlink = e.path_is_symlink() && !follow_links;
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if is_dir && !is_symlink {
                return;
            }
            if is_symlink {
                local.unlisted.push(e.path().to_path_buf());
            }
            e.path().to_path_buf()
        }
        Err(err) => {
            let path = err_path(err).unwrap_or_else(|| root.to_path_buf());
            local.unlisted.push(path.clone());
            path
        }
    };
    local.note(path.parent().unwrap_or(Path::new("")));
}

/// What one walk of a directory found.
#[derive(Default)]
struct Listed {
    candidates: Vec<Candidate>,
    problems: Vec<EntryProblem>,
    /// Of the walk without ignore rules: the entries named `.gitignore`, each with whether
    /// it is a regular file; at most one more than [`ignore_rules::MAX_GITIGNORE_FILES`].
    gitignores: Vec<(PathBuf, bool)>,
}

/// A problem of a walk, with the entry it is about (the walked directory when the error
/// names none) and the kind the entry's name gives it.
struct EntryProblem {
    path: PathBuf,
    kind: Option<FileKind>,
    problem: Problem,
}

/// What one entry of a walk gives: a file to scan, a problem, or nothing.
fn visit(
    entry: Result<ignore::DirEntry, ignore::Error>,
    root: &Path,
    opts: &WalkOptions,
    canonical_root: Option<&Path>,
) -> Option<Result<Candidate, EntryProblem>> {
    let e = match entry {
        Ok(e) => e,
        Err(err) => {
            let kind = if err.is_io() {
                ProblemKind::Io
            } else {
                ProblemKind::Link
            };
            let path = err_path(&err).unwrap_or_else(|| root.to_path_buf());
            let problem = Problem::new(kind, display(&path), err.to_string());
            return Some(Err(EntryProblem {
                kind: opts.classify(&path),
                path,
                problem,
            }));
        }
    };
    let is_symlink = e.path_is_symlink() && !opts.follow_links;
    let is_dir = e.file_type().is_some_and(|t| t.is_dir());
    // Directories are walked, not classified (classifying looks up the configuration that
    // applies to the path).
    if is_dir && !is_symlink {
        return None;
    }
    let kind = opts.classify(e.path());
    if is_symlink && (kind.is_some() || is_yaml(e.path())) {
        return Some(match link_inside(e.path(), canonical_root) {
            Some(target) => Ok(Candidate {
                path: e.path().to_path_buf(),
                explicit: false,
                kind,
                target: Some(target),
            }),
            // A hostile repository could link application.yaml to a host file and have it
            // echoed into a CI log: links out of the root are not followed.
            None => Err(EntryProblem {
                path: e.path().to_path_buf(),
                kind,
                problem: Problem::new(
                    ProblemKind::Link,
                    display(e.path()),
                    "symbolic link not followed: it leaves the scanned directory or is broken (use --follow-links to check its target)",
                ),
            }),
        });
    }
    let is_file = e.file_type().is_some_and(|t| t.is_file());
    // FIFOs, sockets and devices named like a configuration file are reported by
    // `read_text` (never opened).
    if is_dir || (!is_file && kind.is_none()) {
        return None;
    }
    // Other YAML files are read and classified by content.
    (kind.is_some() || is_yaml(e.path())).then(|| {
        Ok(Candidate {
            path: e.path().to_path_buf(),
            explicit: false,
            kind,
            target: None,
        })
    })
}

/// The target of a symbolic link when it is a regular file inside `root` (canonical).
fn link_inside(link: &Path, root: Option<&Path>) -> Option<PathBuf> {
    let root = root?;
    let target = fs::canonicalize(link).ok()?;
    (target.starts_with(root) && target.is_file()).then_some(target)
}

/// The paths git tracks in a repository, read from its index (`.git/index`, versions 2
/// to 4, SHA-1 or SHA-256 object names; a sparse index's directories track everything
/// below them).
struct GitIndex {
    /// The repository's work tree, canonical.
    root: PathBuf,
    files: std::collections::HashSet<Vec<u8>>,
    /// Directories of a sparse index (with a trailing `/`).
    dirs: Vec<Vec<u8>>,
}

impl GitIndex {
    /// The index of the repository holding `dir`, if there is one and it can be read.
    fn for_dir(dir: &Path) -> Option<GitIndex> {
        let start = fs::canonicalize(dir).ok()?;
        let root = start.ancestors().find(|d| d.join(".git").exists())?;
        let dot_git = root.join(".git");
        let git_dir = if dot_git.is_dir() {
            dot_git
        } else {
            // A worktree or submodule: `gitdir: <path>`.
            let text = fs::read_to_string(&dot_git).ok()?;
            let rel = text.lines().next()?.strip_prefix("gitdir:")?.trim();
            root.join(rel)
        };
        let bytes = fs::read(git_dir.join("index")).ok()?;
        let (files, dirs) = parse_index(&bytes, 20).or_else(|| parse_index(&bytes, 32))?;
        Some(GitIndex {
            root: root.to_path_buf(),
            files,
            dirs,
        })
    }

    /// Does git track this file (found below the directory the index was read for)?
    fn tracks(&self, path: &Path) -> bool {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return true;
        };
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        let Ok(dir) = fs::canonicalize(parent) else {
            return true;
        };
        let Ok(rel) = dir
            .join(name)
            .strip_prefix(&self.root)
            .map(Path::to_path_buf)
        else {
            return true;
        };
        let rel: Vec<u8> = rel.to_string_lossy().replace('\\', "/").into_bytes();
        self.files.contains(&rel) || self.dirs.iter().any(|d| rel.starts_with(d))
    }
}

/// The paths of a git index (<https://git-scm.com/docs/index-format>) with object names
/// of `hash` bytes, or `None` when the bytes are not such an index.
fn parse_index(b: &[u8], hash: usize) -> Option<IndexPaths> {
    let be32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
    };
    if b.get(..4)? != b"DIRC" {
        return None;
    }
    let version = be32(4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = be32(8)? as usize;
    let mut files = std::collections::HashSet::with_capacity(count.min(1 << 20));
    let mut dirs = Vec::new();
    let mut at = 12;
    let mut prev: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = at;
        let mode = be32(at + 24)?;
        let flags_at = at + 40 + hash;
        let flags = u16::from_be_bytes(b.get(flags_at..flags_at + 2)?.try_into().ok()?);
        at = flags_at + 2;
        if version >= 3 && flags & 0x4000 != 0 {
            at += 2;
        }
        let path = if version == 4 {
            // Prefix compression: drop `n` bytes of the previous path, add a suffix.
            let mut n: usize = 0;
            loop {
                let c = *b.get(at)?;
                at += 1;
                n = (n << 7) | usize::from(c & 0x7f);
                if c & 0x80 == 0 {
                    break;
                }
                n += 1;
                if n > 1 << 24 {
                    return None;
                }
            }
            let nul = b.get(at..)?.iter().position(|&c| c == 0)?;
            let keep = prev.len().checked_sub(n)?;
            let mut p = prev[..keep].to_vec();
            p.extend_from_slice(&b[at..at + nul]);
            at += nul + 1;
            p
        } else {
            let nul = b.get(at..)?.iter().position(|&c| c == 0)?;
            let p = b[at..at + nul].to_vec();
            // NUL padding to a multiple of 8 bytes (at least one).
            at = start + (at + nul - start + 8) / 8 * 8;
            p
        };
        if mode & 0o170000 == 0o040000 {
            let mut d = path.clone();
            if !d.ends_with(b"/") {
                d.push(b'/');
            }
            dirs.push(d);
        } else {
            files.insert(path.clone());
        }
        prev = path;
    }
    // What follows is extensions and the checksum: at least the checksum fits.
    (b.len() >= at + hash).then_some((files, dirs))
}

type IndexPaths = (std::collections::HashSet<Vec<u8>>, Vec<Vec<u8>>);

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

/// Read a file as UTF-8 text, refusing what is not a regular text file.
pub fn read_text(path: &Path, max_size: u64) -> Result<String, Problem> {
    read_text_as(path, path, max_size)
}

/// [`read_text`] of `path`, reported as `shown` (a symbolic link read through its
/// target keeps its own name).
///
/// Memory is bounded whatever the file claims: the buffer is sized by the size the
/// metadata reports only up to 4 MiB (and only under the limit), it grows with what is
/// read beyond that, and reading stops at the first piece with a NUL byte, so a sparse
/// file of any size is read one 64 KiB piece.
pub(crate) fn read_text_as(path: &Path, shown: &Path, max_size: u64) -> Result<String, Problem> {
    let shown = display(shown);
    let io = |e: std::io::Error| Problem::new(ProblemKind::Io, &shown, format!("cannot read: {e}"));
    let meta = fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(Problem::new(
            ProblemKind::Io,
            &shown,
            "is a directory, not a file",
        ));
    }
    if !meta.is_file() {
        // FIFOs, sockets, devices: opening them may block forever.
        return Err(Problem::new(
            ProblemKind::Io,
            &shown,
            "not a regular file; not read",
        ));
    }
    if meta.len() > max_size {
        return Err(Problem::new(
            ProblemKind::TooLarge,
            &shown,
            format!(
                "{} bytes is over the limit of {max_size} bytes (raise it with --max-file-size)",
                meta.len()
            ),
        ));
    }
    let file = fs::File::open(path).map_err(io)?;
    // Never read more than the limit, even if the file grows meanwhile.
    let mut reader = file.take(max_size.saturating_add(1));
    // Read straight into the text's buffer, 64 KiB at a time (no zeroed scratch buffer per
    // file), stopping after the first piece with a NUL byte: a sparse file that claims a
    // huge size is not read by its size. `take` bounds the whole read whatever the file
    // does meanwhile. The buffer is sized by the claimed size up to `PREALLOCATED` (a
    // bounded, untouched allocation whatever the file claims): sized by one piece, every
    // file over 64 KiB was copied as it grew, a probe read and a reallocation a time.
    const PIECE: u64 = 64 * 1024;
    const PREALLOCATED: u64 = 4 * 1024 * 1024;
    let mut bytes = Vec::with_capacity(
        usize::try_from(meta.len().min(PREALLOCATED))
            .unwrap_or(0)
            .saturating_add(1),
    );
    loop {
        let before = bytes.len();
        let n = (&mut reader)
            .take(PIECE)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        // Fewer bytes than a piece: `read_to_end` met the end of the file (asking again
        // would only cost one more `read` per file).
        if (n as u64) < PIECE || memchr::memchr(0, &bytes[before..]).is_some() {
            break;
        }
    }
    if bytes.len() as u64 > max_size {
        return Err(Problem::new(
            ProblemKind::TooLarge,
            &shown,
            format!("over the limit of {max_size} bytes"),
        ));
    }
    decode(bytes, &shown)
}

/// Bytes to text, with a located diagnostic for what is not UTF-8 text.
pub fn decode(bytes: Vec<u8>, shown: &str) -> Result<String, Problem> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Problem::new(
            ProblemKind::Encoding,
            shown,
            "UTF-16 encoded (byte order mark); camguard reads UTF-8: convert the file (e.g. `iconv -f UTF-16 -t UTF-8`)",
        ));
    }
    if let Some(at) = memchr::memchr(0, &bytes) {
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(Problem::new(
            ProblemKind::Binary,
            shown,
            format!("contains a NUL byte at offset {at} (line {line}): not a text file"),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let b = e.as_bytes();
        let line = b[..at].iter().filter(|&&c| c == b'\n').count() + 1;
        let col = at
            - b[..at]
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(0, |p| p + 1)
            + 1;
        Problem::new(
            ProblemKind::Encoding,
            shown,
            format!("invalid UTF-8 at line {line}, byte column {col} (offset {at})"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let k = |p: &str| classify_name(Path::new(p));
        assert_eq!(k("a/environment-config.yaml"), Some(FileKind::Optimize));
        assert_eq!(
            k("src/main/resources/application-prod.yml"),
            Some(FileKind::SpringYaml)
        );
        assert_eq!(
            k("application.properties"),
            Some(FileKind::SpringProperties)
        );
        assert_eq!(k("config/elasticsearch.yml"), Some(FileKind::Elasticsearch));
        assert_eq!(k("opensearch.yml"), Some(FileKind::Opensearch));
        assert_eq!(k("x/.env"), Some(FileKind::Env));
        assert_eq!(k("x/.env.production"), Some(FileKind::Env));
        assert_eq!(k("x/.env.example"), None);
        assert_eq!(k("configuration/default.yml"), Some(FileKind::SpringYaml));
        assert_eq!(k("other/default.yml"), None);
        assert_eq!(k("values.yaml"), Some(FileKind::HelmValues));
        assert_eq!(k("deploy/docker-compose.prod.yml"), Some(FileKind::Compose));
        assert_eq!(k("applications.yaml"), None);
        assert_eq!(
            k("config/opensearch-security/config.yml"),
            Some(FileKind::Opensearch)
        );
        assert_eq!(
            k("plugins/opensearch-security/securityconfig/config.yml"),
            Some(FileKind::Opensearch)
        );
        assert_eq!(k("config/config.yml"), None);
        assert_eq!(k("opensearch-security/roles.yml"), None);
    }

    #[test]
    fn opensearch_security_config_is_recognised_by_its_meta_type() {
        let cfg = "---\n# header\n_meta:\n  type: \"config\"\n  config_version: 2\nconfig:\n  dynamic:\n    http:\n      anonymous_auth_enabled: true\n";
        assert_eq!(sniff(cfg), Some(FileKind::Opensearch));
        let users = "_meta:\n  type: \"internalusers\"\n  config_version: 2\nadmin:\n  hash: x\n";
        assert_eq!(sniff(users), None);
        // `type: config` outside `_meta` says nothing.
        assert_eq!(sniff("other:\n  type: config\n"), None);
    }

    #[test]
    fn decoding_problems_are_located() {
        let e = decode(b"a: 1\nb: \xff\n".to_vec(), "f").unwrap_err();
        assert_eq!(e.kind, ProblemKind::Encoding);
        assert!(e.message.contains("line 2"), "{}", e.message);
        let e = decode(b"a\0b".to_vec(), "f").unwrap_err();
        assert_eq!(e.kind, ProblemKind::Binary);
        let e = decode(vec![0xFF, 0xFE, b'a', 0], "f").unwrap_err();
        assert_eq!(e.kind, ProblemKind::Encoding);
        assert_eq!(decode("é".as_bytes().to_vec(), "f").unwrap(), "é");
    }

    /// Files around the 64 KiB pieces of `read_text` are read whole, a NUL in a later piece
    /// is still found, and the size limit holds at its edge.
    #[test]
    fn texts_are_read_whole_across_pieces() {
        let d = tempfile::tempdir().unwrap();
        let piece = 64 * 1024;
        // (and around the preallocated size, past which the buffer grows)
        let pre = 4 * 1024 * 1024;
        for len in [
            0,
            1,
            piece - 1,
            piece,
            piece + 1,
            2 * piece,
            3 * piece + 5,
            pre - 1,
            pre,
            pre + 1,
            pre + piece + 7,
        ] {
            let text: String = (0..len).map(|i| (b'a' + (i % 26) as u8) as char).collect();
            let p = d.path().join(format!("f{len}"));
            fs::write(&p, &text).unwrap();
            assert_eq!(read_text(&p, u64::MAX).unwrap(), text, "{len} bytes");
            assert_eq!(
                read_text(&p, len as u64).map(|t| t.len()).ok(),
                Some(len),
                "{len} bytes at a limit of {len}"
            );
            if len > 0 {
                let e = read_text(&p, len as u64 - 1).unwrap_err();
                assert_eq!(e.kind, ProblemKind::TooLarge, "{len} bytes");
            }
        }
        let mut late_nul = vec![b'a'; 2 * piece + 10];
        late_nul[piece + 3] = 0;
        let p = d.path().join("late-nul");
        fs::write(&p, &late_nul).unwrap();
        assert_eq!(
            read_text(&p, u64::MAX).unwrap_err().kind,
            ProblemKind::Binary
        );
    }
}

#[cfg(test)]
mod plainly_unrecognised_tests {
    use super::plainly_unrecognised;
    use crate::analyze::sniff_parsed;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn path_order_keys_sort_as_paths_do(
            a in "(/|\\./|\\.\\./)?((a|b|ab|a-b|\\.|\\.\\.|é|a\\.b|\u{1}|a\u{1}|)/){0,4}(a|b|ab|-|\u{1}|)",
            b in "(/|\\./|\\.\\./)?((a|b|ab|a-b|\\.|\\.\\.|é|a\\.b|\u{1}|a\u{1}|)/){0,4}(a|b|ab|-|\u{1}|)",
        ) {
            let (pa, pb) = (std::path::Path::new(&a), std::path::Path::new(&b));
            prop_assert_eq!(
                super::path_order_key(pa).cmp(&super::path_order_key(pb)),
                pa.cmp(pb),
                "{:?} {:?}", a, b
            );
        }
    }

    #[test]
    fn noise_is_plainly_unrecognised() {
        for yes in [
            "name: ci\non:\n  push:\njobs:\n  build:\n    runs-on: ubuntu-latest\n",
            "# header\nopenapi: 3.0.0\ninfo:\n  title: x\npaths: {}\n",
            "---\na: 1\n--- # two\nb: 2\n...\n",
            "\u{feff}a: 1\r\nb:\r\n  - x\n",
            "- a\n- b: 1\n",
            "",
        ] {
            assert!(plainly_unrecognised(yes), "{yes:?}");
            assert_eq!(sniff_parsed(yes), None, "{yes:?}");
        }
    }

    #[test]
    fn anything_else_is_left_to_the_parse() {
        for (no, parsed) in [
            ("\"camunda\": {x: 1}\n", true),
            ("'zeebe': 1\n", true),
            ("{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\"}\n", true),
            ("  camunda:\n    x: 1\n", true),
            ("a: 1\n---\n  camunda:\n    x: 1\n", true),
            // (indented lines skipped early inside a document, never after its marker)
            (
                "jobs:\n  a:\n    runs-on: x\n---\n  camunda:\n    x: 1\n",
                true,
            ),
            ("jobs:\n  a:\n    runs-on: x\n---\n\"camunda\": 1\n", true),
            ("base: &b\n  camunda: 1\n<<: *b\n", true),
            ("a: 1\rcamunda: 2\n", true),
            ("a: 1\u{2028}camunda: 2\n", true),
            ("a: 1\u{85}camunda: 2\n", true),
            ("? camunda\n: 1\n", true),
            ("&a camunda: 1\n", true),
            ("!!map\ncamunda: 1\n", true),
            ("services:\n  web:\n    \"image\": x\n", true),
            ("_meta: {type: config}\n", true),
            ("%YAML 1.2\n---\na: 1\n", false),
            ("--- {camunda: 1}\n", true),
            ("camunda: 1\n", true),
            ("a:b: 1\n", false),
        ] {
            assert!(!plainly_unrecognised(no), "{no:?}");
            assert_eq!(sniff_parsed(no).is_some(), parsed, "{no:?}");
        }
    }

    /// Every YAML file of the fixtures and the test corpus, whatever its name.
    #[test]
    fn real_files_ruled_out_parse_as_nothing() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        let mut ruled_out = 0;
        for dir in ["fixtures", "tests/corpus"] {
            let mut pending = vec![root.join(dir)];
            while let Some(d) = pending.pop() {
                for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        pending.push(p);
                        continue;
                    }
                    if !p
                        .extension()
                        .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
                    {
                        continue;
                    }
                    let Ok(text) = std::fs::read_to_string(&p) else {
                        continue;
                    };
                    checked += 1;
                    if plainly_unrecognised(&text) {
                        ruled_out += 1;
                        assert_eq!(sniff_parsed(&text), None, "{}", p.display());
                    }
                }
            }
        }
        assert!(
            checked > 100 && ruled_out > 0,
            "{checked} files, {ruled_out} ruled out"
        );
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "camunda",
            "zeebe",
            "apiVersion",
            "kind",
            "services",
            "global",
            "orchestration",
            "xpack.security.enabled",
            "plugins.security.ssl",
            "camunda.bpm.admin-user",
            "name",
            "image",
            "_meta",
            "type",
            "web",
            "a",
            "\"",
            "'",
            "? ",
            "&a ",
            "*a",
            "!!str ",
            "<<",
            "- ",
            "---",
            "...",
            "{",
            "}",
            "[",
            "]",
            ",",
            ": ",
            ":",
            " : ",
            ":\t",
            " ",
            "  ",
            "\t",
            "#",
            " #",
            "|",
            ">",
            "config",
            "\n",
            "\n",
            "\n",
            "\r\n",
            "\r",
            "\u{85}",
            "\u{2028}",
            "\u{feff}",
            "%YAML 1.2",
        ])
    }

    proptest! {
        /// What the quick look rules out, the parse finds nothing in either.
        #[test]
        fn what_is_ruled_out_parses_as_nothing(pieces in prop::collection::vec(piece(), 0..40)) {
            let text = pieces.concat();
            if plainly_unrecognised(&text) {
                prop_assert_eq!(sniff_parsed(&text), None, "{:?}", text);
            }
        }
    }
}
