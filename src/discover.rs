//! Discovery: walking the tree, classifying files into kinds, reading them safely.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use globset::GlobMatcher;

pub use crate::model::file_kind::FileKind;
use crate::model::problem::{Problem, ProblemKind};
use crate::source::{display, relative_to_base};

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

/// Camunda Run reads `configuration/default.yml` and `configuration/production.yml`.
pub fn is_camunda_run_config(path: &Path) -> bool {
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
pub const HELM_SECTIONS: [&str; 12] = [
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
/// files with other names found while walking).
pub fn sniff(text: &str) -> Option<FileKind> {
    let mut spring = false;
    let mut api_version = false;
    let mut kind = false;
    let mut services = false;
    let mut helm_sections = 0;
    let mut global = false;
    for line in text.lines().take(5000) {
        let t = line.trim_start_matches('\u{feff}');
        if t.starts_with(' ') || t.starts_with('\t') || t.starts_with('#') || t.starts_with('-') {
            continue;
        }
        let key = t.split(':').next().unwrap_or("").trim();
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
    } else if services && text.contains("image:") {
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
    pub path: PathBuf,
    /// Named on the command line (always scanned).
    pub explicit: bool,
    pub kind: Option<FileKind>,
}

/// A file's kind by the configuration that applies to it (`[[kind]]` globs).
pub type KindByConfig<'a> = std::sync::Arc<dyn Fn(&Path) -> Option<FileKind> + Send + Sync + 'a>;

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
}

impl WalkOptions<'_> {
    /// The kind of a file: by the configuration's globs, then by its name.
    pub fn classify(&self, path: &Path) -> Option<FileKind> {
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

/// Walk the given paths. Directories are walked gitignore-aware, seeing dotfiles but
/// skipping `.git/`; files named explicitly are always returned.
pub fn discover(
    paths: &[PathBuf],
    opts: &WalkOptions<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<Candidate> {
    let mut out = Vec::new();
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
            out.push(Candidate {
                path: root.clone(),
                explicit: true,
                kind: opts.classify(root),
            });
            continue;
        }
        let mut builder = ignore::WalkBuilder::new(root);
        builder
            .hidden(false)
            .require_git(false)
            .follow_links(opts.follow_links)
            .filter_entry(|e| e.file_name() != ".git");
        if opts.no_ignore {
            builder.standard_filters(false).hidden(false);
        }
        for entry in builder.build() {
            match entry {
                Ok(e) => {
                    let kind = opts.classify(e.path());
                    let is_symlink = e.path_is_symlink() && !opts.follow_links;
                    if is_symlink && (kind.is_some() || is_yaml(e.path())) {
                        // A hostile repository could link application.yaml to a host file
                        // and have it echoed into a CI log: links are not followed.
                        problems.push(Problem::new(
                            ProblemKind::Link,
                            display(e.path()),
                            "symbolic link not followed (use --follow-links to check its target)",
                        ));
                        continue;
                    }
                    let is_file = e.file_type().is_some_and(|t| t.is_file());
                    let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                    // FIFOs, sockets and devices named like a configuration file are
                    // reported by `read_text` (never opened).
                    if is_dir || (!is_file && kind.is_none()) {
                        continue;
                    }
                    // Other YAML files are read and classified by content.
                    if kind.is_some() || is_yaml(e.path()) {
                        out.push(Candidate {
                            path: e.path().to_path_buf(),
                            explicit: false,
                            kind,
                        });
                    }
                }
                Err(err) => {
                    let kind = if err.is_io() {
                        ProblemKind::Io
                    } else {
                        ProblemKind::Link
                    };
                    let path = err_path(&err)
                        .map(|p| display(&p))
                        .unwrap_or_else(|| display(root));
                    problems.push(Problem::new(kind, path, err.to_string()));
                }
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    out
}

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
    let shown = display(path);
    let meta = fs::metadata(path)
        .map_err(|e| Problem::new(ProblemKind::Io, &shown, format!("cannot read: {e}")))?;
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
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    let file = fs::File::open(path)
        .map_err(|e| Problem::new(ProblemKind::Io, &shown, format!("cannot read: {e}")))?;
    // Never read more than the limit, even if the file grows meanwhile.
    file.take(max_size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Problem::new(ProblemKind::Io, &shown, format!("cannot read: {e}")))?;
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
}
