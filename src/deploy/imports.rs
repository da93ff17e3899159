//! `spring.config.import` of files of the scan (docs/deployments.md §1.2, [SB]
//! "Importing Additional Data").
//!
//! A location is read only when it names a file of the scan: an *import relative* location
//! (no `/` and no URL prefix, [SB] L308-L309) resolved lexically against the directory of
//! the declaring file ([SB] L306). `classpath:`, `file:` (a fixed location: a relative one
//! is relative to the process's working directory, which camguard does not know, [SB] L293),
//! absolute paths and other prefixes (`configtree:`, `env:` …) stay notes, as does a path
//! that is no file of the scan.

use std::path::{Path, PathBuf};

use super::mounts::normal;

/// The most locations one value is read for; more are a note.
pub const MAX_LOCATIONS: usize = 64;

/// One location of a `spring.config.import` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location<'a> {
    /// As written, trimmed (for notes).
    pub text: &'a str,
    /// With `optional:` removed ([SB] L311: not considered for fixed or relative).
    pub optional: bool,
    pub kind: LocationKind<'a>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocationKind<'a> {
    /// Import relative: a path against the declaring file's directory; a trailing `/`
    /// is a directory.
    Relative(&'a str),
    /// Fixed and not in the tree, with the reason in words.
    Fixed(&'static str),
}

/// Split one value (`a, optional:b`) into its locations ([SB] L361-L362: several
/// locations under one key, processed in order). Empty items are skipped.
pub fn split(value: &str) -> Vec<Location<'_>> {
    value
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(location)
        .collect()
}

/// Read one location.
pub fn location(text: &str) -> Location<'_> {
    let (optional, rest) = match text.strip_prefix("optional:") {
        Some(r) => (true, r),
        None => (false, text),
    };
    // An extension hint (`file[.yaml]`, [SB] "Importing Extensionless Files") names how to
    // read the file; the file of the scan keeps its own name.
    let rest = match rest.rfind("[.") {
        Some(i) if rest.ends_with(']') => &rest[..i],
        _ => rest,
    };
    let kind = if rest.starts_with("classpath:") || rest.starts_with("classpath*:") {
        LocationKind::Fixed("a classpath resource, not a file of the scan")
    } else if let Some(p) = rest.strip_prefix("file:") {
        if p.starts_with('/') || windows_absolute(p) {
            LocationKind::Fixed("an absolute path of the machine that runs the application")
        } else {
            LocationKind::Fixed(
                "a `file:` location relative to the working directory of the process, which camguard does not know",
            )
        }
    } else if rest.starts_with('/') || rest.starts_with('\\') || windows_absolute(rest) {
        LocationKind::Fixed("an absolute path of the machine that runs the application")
    } else if has_prefix(rest) {
        LocationKind::Fixed("not a file location (`configtree:`, `env:` or a third-party source)")
    } else if rest.is_empty() {
        LocationKind::Fixed("empty")
    } else {
        LocationKind::Relative(rest)
    };
    Location {
        text,
        optional,
        kind,
    }
}

fn windows_absolute(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// A URL-style prefix: `word:` before any `/` ([SB] L308 "a URL style prefix").
fn has_prefix(p: &str) -> bool {
    match p.find(':') {
        Some(i) => !p[..i].contains('/') && !p[..i].contains('\\'),
        None => false,
    }
}

/// The candidate paths of a relative location declared in `declaring`, lowest precedence
/// first: the file itself, or for a directory (`dir/`) its `application.yaml`,
/// `application.yml`, `application.properties` ([SB-LOC] `isDirectory`,
/// `getReferencesForDirectory` with the default config name `application`; `.properties`
/// above YAML in one location, [SB] L42).
pub fn candidates(declaring: &Path, rel: &str) -> Vec<PathBuf> {
    let dir = declaring.parent().unwrap_or(Path::new(""));
    let base = dir.join(rel);
    if rel.ends_with('/') || rel.ends_with('\\') {
        [
            "application.yaml",
            "application.yml",
            "application.properties",
        ]
        .iter()
        .map(|n| normal(&base.join(n)))
        .collect()
    } else {
        vec![normal(&base)]
    }
}

/// The layers (path, description; lowest first) and notes of one application.
pub type Application = (Vec<(PathBuf, String)>, Vec<String>);

/// The Spring Boot applications these files assemble into: for each, the path and
/// description of its layers (lowest first) and its notes (for the fuzz target
/// `spring_imports`).
pub fn application_layers(analyses: &[&crate::model::analysis::Analysis]) -> Vec<Application> {
    super::assemble(analyses, &super::Options::default())
        .deployments
        .into_iter()
        .filter(|d| d.kind == crate::model::deployment::DeploymentKind::SpringApp)
        .map(|d| {
            (
                d.layers
                    .iter()
                    .map(|l| (l.file.path.clone(), l.what.clone()))
                    .collect(),
                d.notes,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(v: &str) -> Vec<LocationKind<'_>> {
        split(v).into_iter().map(|l| l.kind).collect()
    }

    #[test]
    fn locations_are_read_as_the_reference_describes() {
        assert_eq!(
            kinds("optional:core/core.properties, extra.yaml"),
            vec![
                LocationKind::Relative("core/core.properties"),
                LocationKind::Relative("extra.yaml")
            ]
        );
        assert!(split("optional:a.yaml")[0].optional);
        assert!(!split("a.yaml")[0].optional);
        for fixed in [
            "classpath:x.yaml",
            "optional:file:./dev.properties",
            "file:/etc/x.yaml",
            "/etc/x.yaml",
            "configtree:/etc/config/",
            "optional:env:MY_CONFIGURATION",
            "C:/x.yaml",
        ] {
            assert!(
                matches!(location(fixed).kind, LocationKind::Fixed(_)),
                "{fixed}"
            );
        }
        assert_eq!(
            location("extra/myconfig[.yaml]").kind,
            LocationKind::Relative("extra/myconfig")
        );
        assert!(split(" , ,").is_empty());
    }

    #[test]
    fn relative_paths_resolve_against_the_declaring_file() {
        assert_eq!(
            candidates(
                Path::new("demo/application.properties"),
                "core/core.properties"
            ),
            vec![PathBuf::from("demo/core/core.properties")]
        );
        assert_eq!(
            candidates(Path::new("demo/core/core.properties"), "../x/./y.yaml"),
            vec![PathBuf::from("demo/x/y.yaml")]
        );
        assert_eq!(
            candidates(Path::new("a/application.yaml"), "conf/"),
            vec![
                PathBuf::from("a/conf/application.yaml"),
                PathBuf::from("a/conf/application.yml"),
                PathBuf::from("a/conf/application.properties"),
            ]
        );
        // Climbing above the scan stays a path no file of the scan has.
        assert_eq!(
            candidates(Path::new("application.yaml"), "../../etc/x.yaml"),
            vec![PathBuf::from("../../etc/x.yaml")]
        );
    }
}
