//! Compose `extends` and `include` (docs/deployments.md §4.6): a service that extends another is the
//! other's definition with its own merged over it. camguard assembles a service from
//! *parts* in precedence order (`compose.rs`: base file, override file); the service a part
//! extends, and what that one extends in turn, come before the part.
//!
//! [DD-SVC] `extends`: "`file` value can be: Not present. This indicates that another
//! service within the same Compose file is being referenced. [Or a] Relative path. This
//! path is considered as relative to the location of the main Compose file." Merging:
//! "Keys in mappings of the main service definition override keys in mappings of the
//! referenced service definition" (`environment` is a mapping; `volumes` a mapping by
//! target), sequences (`ports`, `configs`, `env_file` in list syntax) have "the referenced
//! items coming first and main items after", and "Circular references with `extends` are
//! not supported".

use std::path::Path;
use std::sync::Arc;

use super::mounts::Tree;
use crate::model::analysis::Analysis;
use crate::model::settings::Component;

/// How deep a chain of `extends` is followed (Compose has no limit; a cycle is an error).
const MAX_DEPTH: usize = 32;

/// The parts of one service with what each extends before it; `owners[i]` is the file of
/// `parts[i]`, `dir` the project directory. Notes say what could not be followed.
pub(crate) fn with_extends<'a>(
    parts: &[(&'a Component, &'a Analysis)],
    dir: &Path,
    tree: &Tree<'a>,
    notes: &mut Vec<String>,
) -> Vec<&'a Component> {
    let mut out = Vec::new();
    for &(c, a) in parts {
        let mut seen = Vec::new();
        chain(c, a, dir, tree, &mut seen, &mut out, notes);
    }
    out
}

fn chain<'a>(
    c: &'a Component,
    a: &'a Analysis,
    dir: &Path,
    tree: &Tree<'a>,
    seen: &mut Vec<(usize, String)>,
    out: &mut Vec<&'a Component>,
    notes: &mut Vec<String>,
) {
    let name = c.name.clone().unwrap_or_default();
    seen.push((Arc::as_ptr(&a.file) as usize, name.clone()));
    if let Some(ext) = c.wiring.as_ref().and_then(|w| w.extends.as_ref()) {
        let what = match &ext.file {
            Some(f) => format!(
                "`extends: {{service: {}, file: {f}}}` of service `{name}`",
                ext.service
            ),
            None => format!(
                "`extends: {{service: {}}}` of service `{name}`",
                ext.service
            ),
        };
        let file: Option<&'a Analysis> = match &ext.file {
            None => Some(a),
            Some(f) if f.contains('$') || Path::new(f).is_absolute() || f.starts_with('~') => {
                notes.push(format!(
                    "{what} is not followed (an absolute, home or interpolated path): what the service inherits is unknown"
                ));
                None
            }
            Some(f) => {
                let found = tree.compose_file(&dir.join(f));
                if found.is_none() {
                    notes.push(format!(
                        "{what}: the file is no compose file of the scan; what the service inherits is unknown"
                    ));
                }
                found
            }
        };
        if let Some(file) = file {
            let key = (Arc::as_ptr(&file.file) as usize, ext.service.clone());
            let base = file
                .components
                .iter()
                .find(|b| b.wiring.is_some() && b.name.as_deref() == Some(ext.service.as_str()));
            match base {
                _ if seen.contains(&key) => notes.push(format!(
                    "{what} is circular (Compose refuses it); not followed"
                )),
                _ if seen.len() >= MAX_DEPTH => notes.push(format!(
                    "{what}: chains of `extends` deeper than {MAX_DEPTH} are not followed"
                )),
                None => notes.push(format!(
                    "{what}: no such service in {}; what the service inherits is unknown",
                    file.file.display_path()
                )),
                Some(b) => chain(b, file, dir, tree, seen, out, notes),
            }
        }
    }
    out.push(c);
}

/// Services that a service of another compose file extends with `file:`, in a file that
/// Compose does not pick up by itself (not `compose.yaml`, `docker-compose.override.yml`,
/// ...): such a file is a library of definitions, and the services taken from it are judged
/// in the services that extend them, not on their own. (path, service name)
pub(crate) fn library_services(analyses: &[&Analysis], tree: &Tree<'_>) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for a in analyses
        .iter()
        .filter(|a| a.kind == crate::model::file_kind::FileKind::Compose)
    {
        let dir = a.file.path.parent().unwrap_or(Path::new(""));
        for c in &a.components {
            let Some(ext) = c.wiring.as_ref().and_then(|w| w.extends.as_ref()) else {
                continue;
            };
            let Some(f) = &ext.file else { continue };
            if f.contains('$') || Path::new(f).is_absolute() {
                continue;
            }
            let Some(target) = tree.compose_file(&dir.join(f)) else {
                continue;
            };
            let name = target
                .file
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            let default = super::compose::BASE.contains(&name.as_str())
                || super::compose::OVERRIDE.contains(&name.as_str());
            if !default && !Arc::ptr_eq(&target.file, &a.file) {
                out.push((Arc::as_ptr(&target.file) as usize, ext.service.clone()));
            }
        }
    }
    out
}

/// A compose project that another compose file `include`s ([DD-INC]): "Each path listed in
/// the `include` section is loaded as an individual Compose application model, with its own
/// project directory"; its variables come from "the optional `.env` file in same folder and
/// are overridden by the local project's environment".
pub(crate) struct Included<'a> {
    /// The included files, merged in order (long syntax `path` list).
    pub files: Vec<&'a Analysis>,
    /// The including compose file.
    pub by: &'a Analysis,
}

/// The included projects of the scan; notes per including file (by pointer) for what could
/// not be followed. Paths are relative to the including file; only compose files of the scan
/// are used (the tree confines them).
pub(crate) fn includes<'a>(
    analyses: &[&'a Analysis],
    tree: &Tree<'a>,
) -> (Vec<Included<'a>>, Vec<(usize, String)>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for &a in analyses.iter().filter(|a| !a.includes.is_empty()) {
        let dir = a.file.path.parent().unwrap_or(Path::new(""));
        let by = Arc::as_ptr(&a.file) as usize;
        for inc in &a.includes {
            let shown = inc.paths.join(", ");
            if let Some(field) = inc.unsupported {
                notes.push((
                    by,
                    format!("`include` of {shown} with `{field}` is not followed: the services it adds are unknown"),
                ));
                continue;
            }
            let mut files = Vec::new();
            for p in &inc.paths {
                let target = (!p.contains('$') && !p.starts_with('~'))
                    .then(|| tree.compose_file(&dir.join(p)))
                    .flatten();
                match target {
                    Some(t) if !Arc::ptr_eq(&t.file, &a.file) => files.push(t),
                    _ => notes.push((
                        by,
                        format!("`include` of `{p}`: no compose file of the scan (outside the scanned tree, absolute or interpolated); the services it adds are unknown"),
                    )),
                }
            }
            if !files.is_empty() && files.len() == inc.paths.len() {
                out.push(Included { files, by: a });
            }
        }
    }
    (out, notes)
}

/// Is this compose file picked up by Compose by itself (`compose.yaml`, an override file)?
pub(crate) fn default_name(a: &Analysis) -> bool {
    let name = a
        .file
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    super::compose::BASE.contains(&name.as_str())
        || super::compose::OVERRIDE.contains(&name.as_str())
}
