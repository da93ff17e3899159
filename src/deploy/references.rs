//! What the files that read others name: the host paths compose services mount, the
//! directories of compose files (whose `.env` they read) and the files
//! `spring.config.import` names. A scan analyses these referring files first; afterwards a
//! configuration file none of them names need not wait for the whole scan (issue 16: in a
//! tree with a compose file and two Spring Boot applications, every such file waited, and
//! the scan held all of them until its end).
//!
//! Every set here is a superset of what the assembly follows (`mounts.rs`,
//! `compose_merge.rs`, `spring.rs`): a file held needlessly costs memory, one released
//! wrongly would change a finding.

use crate::model::hashing::FastSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::imports::{self, LocationKind};
use super::mounts::normal;
use crate::model::analysis::Analysis;
use crate::model::file_kind::FileKind;
use crate::model::wiring::MountSource;

/// What the referring files name, by lexically normalised path. The sets hold the paths'
/// bytes: both sides are normalised the same way (`normal`), so equal bytes are equal
/// paths, and bytes hash in one call where a `Path` hashes component by component (the
/// lookups for every held file's ancestors were 20 M instructions on the benchmark tree).
#[derive(Debug, Default)]
pub struct References {
    /// Directories of compose files: their `.env` is a layer.
    compose_dirs: FastSet<OsString>,
    /// Host paths that services mount, as a file or a directory.
    mounted: FastSet<OsString>,
    /// Directories of files that an import names: the file and its profile variants.
    import_dirs: FastSet<OsString>,
    /// Every mountable file counts as mounted ([`Referral::MountsAnything`]).
    mounts_anything: bool,
}

pub fn dir_of(p: &Path) -> PathBuf {
    normal(p.parent().unwrap_or(Path::new("")))
}

/// Could this text declare `spring.config.import`? The key's letters in order, in any
/// case, with only the separators that relaxed binding ignores between them
/// (`keys::match_key`), or any backslash (an escape in a quoted YAML key, a `\uXXXX` or a
/// line continuation in a properties key). A file for which this is false declares no
/// import, whatever its syntax.
pub fn may_declare_import(text: &[u8]) -> bool {
    const WORD: &[u8] = b"import";
    if memchr::memchr(b'\\', text).is_some() {
        return true;
    }
    for start in memchr::memchr2_iter(b'i', b'I', text) {
        let mut n = 1;
        for &b in &text[start + 1..] {
            if n == WORD.len() {
                break;
            }
            if matches!(b, b'-' | b'_' | b'.') {
                continue;
            }
            if b.to_ascii_lowercase() != WORD[n] {
                break;
            }
            n += 1;
        }
        if n == WORD.len() {
            return true;
        }
    }
    false
}

/// One thing a held file names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Referral {
    /// The directory of a compose file (its `.env`).
    ComposeDir(PathBuf),
    /// A host path a service mounts (a file, or a directory and all below it).
    Mounted(PathBuf),
    /// A directory an import names (its files).
    ImportDir(PathBuf),
    /// The mounts could name any file: more projects use other files' services than
    /// [`MAX_PROJECT_DIRS`], and resolving every mount against each of them would cost
    /// their product.
    MountsAnything,
}

/// The most project directories every compose file's mounts are resolved against; with
/// more, every mountable file counts as named (what the scan did before it had stages).
pub const MAX_PROJECT_DIRS: usize = 16;

/// What each of the held files names (index into `held`, what). A compose file that
/// extends a service of another file or includes one makes every compose file's mounts
/// be read against its project's directory too ([`couples_projects`] tells).
pub fn referrals(held: &[&Analysis]) -> Vec<(usize, Referral)> {
    // A service that extends one of another file, and an included file, are resolved
    // in the directory of the project that uses them: with either in the scan, every
    // compose file's mounts are also read against those projects' directories.
    let mut projects: Vec<PathBuf> = Vec::new();
    for a in held.iter().filter(|a| a.kind == FileKind::Compose) {
        let dir = dir_of(&a.file.path);
        if couples_projects(a) {
            projects.push(dir.clone());
        }
        for inc in &a.includes {
            if let Some(first) = inc.paths.first() {
                projects.push(dir_of(&dir.join(first)));
            }
        }
    }
    projects.sort();
    projects.dedup();
    let anything = projects.len() > MAX_PROJECT_DIRS;
    if anything {
        projects.clear();
    }
    // Each referral once (a hostile file may repeat one mount a hundred thousand times).
    let mut seen: FastSet<(usize, Referral)> = FastSet::default();
    let mut out = Vec::new();
    let mut push = |i: usize, r: Referral| {
        if !seen.contains(&(i, r.clone())) {
            seen.insert((i, r.clone()));
            out.push((i, r));
        }
    };
    for (i, a) in held.iter().enumerate() {
        if a.kind == FileKind::Compose {
            let own = dir_of(&a.file.path);
            push(i, Referral::ComposeDir(own.clone()));
            if anything {
                push(i, Referral::MountsAnything);
            }
            let mounts = a
                .components
                .iter()
                .filter_map(|c| c.wiring.as_ref())
                .flat_map(|w| w.mounts.iter());
            for m in mounts {
                let MountSource::Host(source) = &m.source else {
                    continue;
                };
                // (`mounts.rs` does not read these)
                if source.contains('$') || source.starts_with('/') || source.starts_with('~') {
                    continue;
                }
                for dir in std::iter::once(&own).chain(&projects) {
                    push(i, Referral::Mounted(normal(&dir.join(source))));
                }
            }
        }
        for c in &a.components {
            let imports = c
                .settings
                .iter()
                .filter(|s| s.match_key == super::spring::IMPORT);
            for s in imports {
                for item in super::spring::names(s).unwrap_or_default() {
                    let locations = imports::split(&item)
                        .into_iter()
                        .take(imports::MAX_LOCATIONS);
                    for loc in locations {
                        if let LocationKind::Relative(rel) = loc.kind {
                            for p in imports::candidates(&c.file.path, rel) {
                                push(i, Referral::ImportDir(dir_of(&p)));
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// Does this compose file tie its project to files of other directories (an `extends`
/// with `file`, an `include`)?
pub fn couples_projects(a: &Analysis) -> bool {
    a.kind == FileKind::Compose
        && (!a.includes.is_empty()
            || a.components.iter().any(|c| {
                c.wiring
                    .as_ref()
                    .and_then(|w| w.extends.as_ref())
                    .is_some_and(|e| e.file.is_some())
            }))
}

impl References {
    /// From the referring files: every compose file and every file that imports others
    /// the scan holds after its first stage.
    pub fn of(held: &[&Analysis]) -> Self {
        let mut r = References::default();
        for (_, what) in referrals(held) {
            match what {
                Referral::ComposeDir(d) => r.compose_dirs.insert(d.into_os_string()),
                Referral::Mounted(p) => r.mounted.insert(p.into_os_string()),
                Referral::ImportDir(d) => r.import_dirs.insert(d.into_os_string()),
                Referral::MountsAnything => {
                    r.mounts_anything = true;
                    true
                }
            };
        }
        r
    }

    /// Is `.env` in this directory read by a compose project?
    pub fn compose_reads_dotenv(&self, path: &Path) -> bool {
        self.compose_dirs.contains(dir_of(path).as_os_str())
    }

    /// Is this file (or a directory above it) mounted into a service?
    pub fn mounted(&self, path: &Path) -> bool {
        let path = normal(path);
        self.mounts_anything
            || path
                .ancestors()
                .any(|p| self.mounted.contains(p.as_os_str()))
    }

    /// Could an import name this file or make it a profile variant of one?
    pub fn imported(&self, path: &Path) -> bool {
        self.import_dirs.contains(dir_of(path).as_os_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_import_prefilter_finds_every_spelling_of_the_key() {
        for yes in [
            "spring.config.import=x",
            "spring:\n  config:\n    import: a.yaml\n",
            "SPRING_CONFIG_IMPORT=x",
            "spring.config.IM-PORT=x",
            "spring.config.im_port: x",
            "spring.config.i.m.p.o.r.t=x",
            "spring.config.\\u0069mport=x",
            "spring.config.im\\\n  port=x",
            "\"spring.config.\\x69mport\": x",
        ] {
            assert!(may_declare_import(yes.as_bytes()), "{yes}");
        }
        for no in [
            "spring.datasource.url=x",
            "improvement: 1",
            "impo rt: x",
            "im port: x",
            "impor: t",
            "",
        ] {
            assert!(!may_declare_import(no.as_bytes()), "{no}");
        }
    }

    fn compose(path: &str, text: &str) -> Analysis {
        crate::analyze::analyze(
            crate::source::SourceFile::new(path, text),
            FileKind::Compose,
            &crate::analyze::Context::default(),
        )
    }

    /// A mount repeated many times is one referral; with more coupled projects than
    /// [`MAX_PROJECT_DIRS`], mounts name anything instead of costing their product.
    #[test]
    fn referrals_stay_bounded() {
        let mut text =
            "services:\n  zeebe:\n    image: camunda/zeebe:8.7.0\n    volumes:\n".to_string();
        for _ in 0..5000 {
            text.push_str("      - ./conf:/usr/local/zeebe/config\n");
        }
        let a = compose("d/docker-compose.yml", &text);
        let r = referrals(&[&a]);
        assert_eq!(r.len(), 2, "{r:?}");
        assert!(References::of(&[&a]).mounted(Path::new("d/conf/application.yaml")));
        assert!(!References::of(&[&a]).mounted(Path::new("e/application.yaml")));
        let coupled: Vec<Analysis> = (0..=MAX_PROJECT_DIRS)
            .map(|i| {
                compose(
                    &format!("p{i}/compose.yaml"),
                    "include:\n  - ../lib/compose.yaml\nservices: {}\n",
                )
            })
            .collect();
        let mut all: Vec<&Analysis> = coupled.iter().collect();
        all.push(&a);
        let r = referrals(&all);
        assert!(r.iter().any(|(_, x)| *x == Referral::MountsAnything));
        assert!(r.len() < 3 * all.len(), "{}", r.len());
        assert!(References::of(&all).mounted(Path::new("e/application.yaml")));
    }
}
