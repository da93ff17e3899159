//! Spring Boot application directories: `application.{yaml,yml,properties}` and the
//! profile files `application-{profile}.*` beside them (docs/deployments.md §1.2, §1.3).
//!
//! One deployment runs the profiles the base files activate (`spring.profiles.active`,
//! after `spring.profiles.include`), or `default` when they activate none. Every other
//! profile file is judged as one more deployment: the base files with that profile active
//! (a profile given on the command line replaces the declared ones, [PR] L56-L58). A
//! directory with profile files and no base file gives one deployment per profile, judged
//! only on what it sets (`partial`: no findings about absent keys).
//!
//! Within one deployment, lowest first: each base file (`.yaml`, `.yml`, then `.properties`,
//! which takes precedence in the same location, [SB] L42), document by document (a
//! `spring.config.activate.on-profile` document only when its profiles are active, [SB]
//! L617-L618), then the files of each active profile in order (the last profile wins, [SB]
//! L235-L237). The files of the scan a document imports (`spring.config.import`,
//! `imports.rs`) follow that document immediately ([SB] L280, L294).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::imports::{self, LocationKind};
use super::merge::{Candidate, SectionCandidate, merge};
use super::mounts::{Tree, normal};
use crate::analyze::collect::spring_products;
use crate::model::analysis::Analysis;
use crate::model::deployment::{Deployment, DeploymentKind, Environment, Layer};
use crate::model::file_kind::FileKind;
use crate::model::settings::{Component, Form, KeyStyle, Setting};
use crate::model::value::Effective;
use crate::source::display;

const ON_PROFILE: &str = "springconfigactivateonprofile";
const ACTIVE: &str = "springprofilesactive";
const INCLUDE: &str = "springprofilesinclude";
pub(super) const IMPORT: &str = "springconfigimport";
/// How deep imports of imports are followed; deeper ones are a note.
const MAX_IMPORT_DEPTH: usize = 8;

/// A Spring Boot config data file of an application directory.
pub(crate) struct SpringFile<'a> {
    /// Index of the analysis in the assembly's input.
    pub index: usize,
    pub analysis: &'a Analysis,
    /// `None` for `application.*`.
    pub profile: Option<String>,
    /// 0 `.yaml`, 1 `.yml`, 2 `.properties` (lowest precedence first).
    pub rank: u8,
}

impl SpringFile<'_> {
    fn component(&self) -> &Component {
        &self.analysis.components[0]
    }
}

/// The setting ranges of a component's documents.
fn documents(c: &Component) -> Vec<Range<usize>> {
    if c.documents.is_empty() {
        std::iter::once(0..c.settings.len()).collect()
    } else {
        c.documents.clone()
    }
}

/// A `spring.config.import` written in a config data file (one from the environment or the
/// command line is a note of `process.rs`).
fn is_file_import(s: &Setting) -> bool {
    s.match_key == IMPORT && matches!(s.form, Form::Yaml | Form::Properties)
}

/// The files of the scan that the applications of these files (index, analysis) import,
/// transitively and whatever the profiles (`imports.rs`): they are layers of the importing
/// application, not applications of their own. Files no other file imports start an
/// application; of files that import each other in a cycle, the first in path order does.
pub(crate) fn imported_files(files: &[(usize, &Analysis)], tree: &Tree<'_>) -> BTreeSet<usize> {
    let reach = |from: &[(usize, &Analysis)]| {
        let mut out = BTreeSet::new();
        let mut todo: Vec<(usize, &Analysis, usize)> =
            from.iter().map(|&(i, a)| (i, a, 0)).collect();
        while let Some((ai, a, depth)) = todo.pop() {
            if depth >= MAX_IMPORT_DEPTH || a.components.len() != 1 {
                continue;
            }
            let c = &a.components[0];
            for s in c.settings.iter().filter(|s| is_file_import(s)) {
                for item in names(s).unwrap_or_default() {
                    for loc in imports::split(&item)
                        .into_iter()
                        .take(imports::MAX_LOCATIONS)
                    {
                        let LocationKind::Relative(rel) = loc.kind else {
                            continue;
                        };
                        for path in imports::candidates(&c.file.path, rel) {
                            if let Some((i, b)) = tree.spring_file(&path)
                                && i != ai
                                && out.insert(i)
                            {
                                todo.push((i, b, depth + 1));
                            }
                        }
                    }
                }
            }
        }
        out
    };
    let all = reach(files);
    let mut roots: Vec<(usize, &Analysis)> = files
        .iter()
        .filter(|(i, _)| !all.contains(i))
        .copied()
        .collect();
    loop {
        let mut got = reach(&roots);
        got.retain(|i| !roots.iter().any(|r| r.0 == *i));
        // A file that only files of a cycle import: the first of them (in path order)
        // starts an application.
        match files
            .iter()
            .find(|(i, _)| !got.contains(i) && !roots.iter().any(|r| r.0 == *i))
        {
            Some(&f) => roots.push(f),
            None => return got,
        }
    }
}

/// The directory, profile and rank of a Spring Boot config file named `application*`.
pub(crate) fn classify(a: &Analysis) -> Option<(PathBuf, Option<String>, u8)> {
    if !matches!(a.kind, FileKind::SpringYaml | FileKind::SpringProperties) {
        return None;
    }
    if a.components.len() != 1 || a.components[0].name.is_some() {
        return None;
    }
    let (dir, profile, rank) = name_parts(&a.file.path)?;
    Some((dir, profile, rank))
}

/// `dir/application-prod.yml` -> (`dir`, `Some("prod")`, 1).
pub(crate) fn name_parts(path: &Path) -> Option<(PathBuf, Option<String>, u8)> {
    let name = path.file_name()?.to_str()?;
    let (stem, ext) = name.rsplit_once('.')?;
    let rank = match ext.to_ascii_lowercase().as_str() {
        "yaml" => 0,
        "yml" => 1,
        "properties" => 2,
        _ => return None,
    };
    let profile = if stem.eq_ignore_ascii_case("application") {
        None
    } else {
        let p = stem.get(..12)?;
        if !p.eq_ignore_ascii_case("application-") || stem.len() == 12 {
            return None;
        }
        Some(stem[12..].to_string())
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Some((dir, profile, rank))
}

/// The profile names a value lists (`a, b` or a YAML list).
pub(super) fn names(s: &Setting) -> Option<Vec<String>> {
    let items: Vec<String> = match s.value.effective(s.placeholders) {
        Effective::Text { text, .. } => text.split(',').map(|p| p.trim().to_string()).collect(),
        Effective::List(items) => items
            .into_iter()
            .map(|(t, _)| t.trim().to_string())
            .collect(),
        Effective::Null => Vec::new(),
        Effective::Indirect => return None,
    };
    Some(items.into_iter().filter(|p| !p.is_empty()).collect())
}

/// Does a profile expression (`prod`, `!dev`, `prod & cloud`, `(a | b) & !c`) hold?
pub(crate) fn profile_matches(expr: &str, active: &[String]) -> bool {
    let tokens: Vec<String> = tokenize(expr);
    let mut pos = 0;
    let v = or_expr(&tokens, &mut pos, active, 0);
    v && pos == tokens.len()
}

fn tokenize(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in expr.chars() {
        if matches!(c, '!' | '&' | '|' | '(' | ')') || c.is_whitespace() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn or_expr(t: &[String], pos: &mut usize, active: &[String], depth: usize) -> bool {
    let mut v = and_expr(t, pos, active, depth);
    while t.get(*pos).is_some_and(|x| x == "|") {
        *pos += 1;
        v |= and_expr(t, pos, active, depth);
    }
    v
}

fn and_expr(t: &[String], pos: &mut usize, active: &[String], depth: usize) -> bool {
    let mut v = unary(t, pos, active, depth);
    while t.get(*pos).is_some_and(|x| x == "&") {
        *pos += 1;
        v &= unary(t, pos, active, depth);
    }
    v
}

fn unary(t: &[String], pos: &mut usize, active: &[String], depth: usize) -> bool {
    if depth > 32 {
        *pos = t.len() + 1;
        return false;
    }
    match t.get(*pos).map(String::as_str) {
        Some("!") => {
            *pos += 1;
            !unary(t, pos, active, depth + 1)
        }
        Some("(") => {
            *pos += 1;
            let v = or_expr(t, pos, active, depth + 1);
            if t.get(*pos).is_some_and(|x| x == ")") {
                *pos += 1;
            } else {
                *pos = t.len() + 1;
            }
            v
        }
        Some(name) if !matches!(name, "&" | "|" | ")") => {
            *pos += 1;
            active.iter().any(|a| a == name)
        }
        _ => {
            *pos = t.len() + 1;
            false
        }
    }
}

/// The `spring.config.activate.on-profile` of a document, if it has one.
fn on_profile<'a>(c: &'a Component, doc: &Range<usize>) -> Option<&'a Setting> {
    c.settings[doc.clone()]
        .iter()
        .find(|s| s.match_key == ON_PROFILE)
}

/// Is a document active with these profiles?
fn document_active(c: &Component, doc: &Range<usize>, profiles: &[String]) -> bool {
    match on_profile(c, doc) {
        None => true,
        Some(s) => match names(s) {
            Some(exprs) => exprs.iter().any(|e| profile_matches(e, profiles)),
            None => false,
        },
    }
}

/// The profiles the base files activate: `spring.profiles.include`, then
/// `spring.profiles.active` (highest source wins for each), from documents that are not
/// profile-specific ([PR] L35-L36, L99).
fn declared_profiles(bases: &[&SpringFile<'_>]) -> Option<Vec<String>> {
    let mut active: Option<Vec<String>> = None;
    let mut include: Vec<String> = Vec::new();
    for f in bases {
        let c = f.component();
        for doc in documents(c) {
            if on_profile(c, &doc).is_some() {
                continue;
            }
            for s in &c.settings[doc] {
                if s.match_key == ACTIVE {
                    active = names(s).or(active);
                } else if s.match_key == INCLUDE {
                    include = names(s).unwrap_or(include);
                }
            }
        }
    }
    if active.is_none() && include.is_empty() {
        return None;
    }
    let mut out = include;
    for p in active.unwrap_or_default() {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Some(out)
}

/// The deployments of one application directory.
/// `tree` gives the files `spring.config.import` names; `used` collects the index of each
/// file that became a layer that way.
pub(crate) fn deployments(
    dir: &Path,
    files: &mut [SpringFile<'_>],
    tree: &Tree<'_>,
    used: &mut BTreeSet<usize>,
) -> Vec<Deployment> {
    files.sort_by(|a, b| (&a.profile, a.rank).cmp(&(&b.profile, b.rank)));
    let bases: Vec<&SpringFile<'_>> = files.iter().filter(|f| f.profile.is_none()).collect();
    let mut profiles: BTreeMap<&str, Vec<&SpringFile<'_>>> = BTreeMap::new();
    for f in files.iter() {
        if let Some(p) = &f.profile {
            profiles.entry(p.as_str()).or_default().push(f);
        }
    }
    let mut out = Vec::new();
    let mut judged: Vec<String> = Vec::new();
    if !bases.is_empty() {
        let declared = declared_profiles(&bases);
        let active = declared
            .clone()
            .unwrap_or_else(|| vec!["default".to_string()]);
        out.push(app(
            dir,
            &bases,
            &profiles,
            &active,
            declared.is_some(),
            None,
            (tree, used),
        ));
        judged = active;
    }
    for p in profiles.keys() {
        if !judged.iter().any(|j| j == p) {
            out.push(app(
                dir,
                &bases,
                &profiles,
                &[(*p).to_string()],
                true,
                Some(p),
                (tree, used),
            ));
        }
    }
    out
}

/// The layers of one deployment as they are read: each file document by document, the
/// files a document imports immediately above it ([SB] L280, L294).
struct Build<'b, 't> {
    active: &'b [String],
    defining: std::sync::Arc<crate::source::SourceFile>,
    tree: &'b Tree<'t>,
    used: &'b mut BTreeSet<usize>,
    layers: Vec<Layer>,
    candidates: Vec<Candidate>,
    sections: Vec<SectionCandidate>,
    notes: Vec<String>,
    /// Files already read (normalised paths): an import is read once ([SB] L297).
    seen: Vec<PathBuf>,
}

impl Build<'_, '_> {
    /// The active documents of a file, each followed by what it imports.
    fn file(&mut self, c: &Component, profile: Option<&str>, by: Option<&str>, depth: usize) {
        let docs = documents(c);
        let first_layer = self.layers.len();
        for (n, doc) in docs.iter().enumerate() {
            if !document_active(c, doc, self.active) {
                continue;
            }
            let path = c.file.display_path();
            let mut what = match (profile, docs.len(), on_profile(c, doc)) {
                (Some(p), 1, _) => format!("{path} (profile {p})"),
                (_, 1, _) => path,
                (_, _, Some(s)) => format!(
                    "{path} (document {}, on-profile {})",
                    n + 1,
                    s.value.display()
                ),
                (_, _, None) => format!("{path} (document {})", n + 1),
            };
            if let Some(by) = by {
                what.push_str(&format!(", imported by {by}"));
            }
            let layer = self.layers.len();
            self.layers.push(Layer {
                file: c.file.clone(),
                what,
                precedence: layer as u32 + 1,
            });
            self.candidates
                .extend(c.settings[doc.clone()].iter().map(|s| Candidate {
                    layer,
                    source: layer,
                    setting: s.clone(),
                }));
            self.imports(c, doc, depth);
        }
        if self.layers.len() > first_layer {
            let foreign = !std::sync::Arc::ptr_eq(&c.file, &self.defining);
            self.sections.extend(c.sections.iter().map(|s| {
                let mut section = s.clone();
                if foreign {
                    section.file = Some(c.file.clone());
                }
                SectionCandidate {
                    layer: first_layer,
                    source: first_layer,
                    section,
                }
            }));
        }
    }

    /// The files of the scan one document imports, in the order written (later ones win,
    /// [SB] L362); every other location is a note.
    fn imports(&mut self, c: &Component, doc: &Range<usize>, depth: usize) {
        for s in c.settings[doc.clone()].iter().filter(|s| is_file_import(s)) {
            let at = format!(
                "the application: `{}` in {} line {}",
                s.key,
                s.file.display_path(),
                s.file.text.position(s.key_span.start).line
            );
            let unknown = |what: &str, why: &str| {
                format!("{at} imports `{what}`, {why}: the settings they may set are unknown")
            };
            let shown: String = s.value.display().chars().take(200).collect();
            if let Some(why) = s.unknown() {
                self.notes
                    .push(unknown(&shown, &format!("which depends on {why}")));
                continue;
            }
            let Some(items) = names(s) else {
                self.notes
                    .push(unknown(&shown, "a value camguard cannot read"));
                continue;
            };
            if depth >= MAX_IMPORT_DEPTH {
                self.notes.push(unknown(
                    &shown,
                    &format!("more than {MAX_IMPORT_DEPTH} imports deep"),
                ));
                continue;
            }
            let mut count = 0;
            for item in &items {
                for loc in imports::split(item) {
                    count += 1;
                    if count > imports::MAX_LOCATIONS {
                        self.notes.push(unknown(
                            loc.text,
                            &format!("beyond the first {} locations", imports::MAX_LOCATIONS),
                        ));
                        return;
                    }
                    if loc.text.contains("${") {
                        self.notes
                            .push(unknown(loc.text, "a location with a placeholder"));
                        continue;
                    }
                    let rel = match loc.kind {
                        LocationKind::Fixed(why) => {
                            self.notes.push(unknown(loc.text, why));
                            continue;
                        }
                        LocationKind::Relative(rel) => rel,
                    };
                    let found: Vec<(usize, &Analysis)> = imports::candidates(&c.file.path, rel)
                        .iter()
                        .filter_map(|p| self.tree.spring_file(p))
                        .collect();
                    if found.is_empty() {
                        self.notes.push(unknown(
                            loc.text,
                            "which names no configuration file of the scan",
                        ));
                        continue;
                    }
                    let by = c.file.display_path();
                    for (i, a) in found {
                        let path = normal(&a.file.path);
                        if self.seen.contains(&path) || a.components.len() != 1 {
                            continue;
                        }
                        self.seen.push(path.clone());
                        self.used.insert(i);
                        self.variant_notes(&path, &at);
                        self.file(&a.components[0], None, Some(&by), depth + 1);
                    }
                }
            }
        }
    }

    /// Profile variants of an import (`x-{profile}.yaml`, [SB] L364-L365) are not read yet:
    /// a note when the scan has one for an active profile.
    fn variant_notes(&mut self, path: &Path, at: &str) {
        let (Some(stem), Some(ext)) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|s| s.to_str()),
        ) else {
            return;
        };
        for p in self.active {
            let variant = path.with_file_name(format!("{stem}-{p}.{ext}"));
            if let Some((_, v)) = self.tree.spring_file(&variant) {
                self.notes.push(format!(
                    "{at} imports {}, whose profile variant {} camguard does not read yet: the settings it may set are unknown",
                    display(path),
                    v.file.display_path()
                ));
            }
        }
    }
}

fn app(
    dir: &Path,
    bases: &[&SpringFile<'_>],
    profiles: &BTreeMap<&str, Vec<&SpringFile<'_>>>,
    active: &[String],
    declared: bool,
    // The profile whose files this deployment exists for (not one the content activates).
    named: Option<&str>,
    imports_of: (&Tree<'_>, &mut BTreeSet<usize>),
) -> Deployment {
    let mut files: Vec<(&SpringFile<'_>, Option<&str>)> =
        bases.iter().map(|f| (*f, None)).collect();
    for p in active {
        for f in profiles.get(p.as_str()).into_iter().flatten() {
            files.push((*f, Some(p.as_str())));
        }
    }
    let defining = files[0].0;
    let mut build = Build {
        active,
        defining: defining.component().file.clone(),
        tree: imports_of.0,
        used: imports_of.1,
        layers: Vec::new(),
        candidates: Vec::new(),
        sections: Vec::new(),
        notes: Vec::new(),
        seen: files
            .iter()
            .map(|(f, _)| normal(&f.analysis.file.path))
            .collect(),
    };
    for (f, profile) in &files {
        build.file(f.component(), *profile, None, 0);
    }
    let Build {
        layers,
        candidates,
        sections,
        notes: import_notes,
        ..
    } = build;
    let dc = defining.component();
    let mut template = Component::new(dc.file.clone(), Vec::new(), dc.anchor);
    // The versions its image, chart or configuration name.
    template.versions = dc.versions.clone();
    template.style = KeyStyle::Relaxed;
    template.partial = bases.is_empty();
    let mut notes = super::process::config_location_notes(
        candidates
            .iter()
            .map(|c| &c.setting)
            .filter(|s| !is_file_import(s)),
        "the application",
    );
    notes.extend(import_notes);
    let mut effective = merge(template, candidates, sections, &layers);
    effective.products = spring_products(&effective, false);
    let shown_dir = match display(dir).as_str() {
        "" => ".".to_string(),
        d => d.to_string(),
    };
    let which = if bases.is_empty() {
        format!("profile {}, without a base file", active.join(", "))
    } else if !declared && active == ["default"] {
        "no profile active".to_string()
    } else {
        format!("profiles {}", active.join(", "))
    };
    // Only a file's name may lower the environment, never a profile written in scanned
    // content (a pull request controls `spring.profiles.active`; issue 14: "without
    // camguard ever silently downgrading production"). The files of a profile judged
    // because they exist count; profiles the base files activate do not.
    let dev = named
        .and_then(|p| profiles.get(p))
        .into_iter()
        .flatten()
        .map(|f| &f.analysis.file.path)
        .find(|path| super::environment::development_name(path));
    Deployment {
        name: format!("{shown_dir}/application ({which})"),
        kind: DeploymentKind::SpringApp,
        products: effective.products.clone(),
        version: None,
        environment: if dev.is_some() {
            Environment::Development
        } else {
            Environment::Production
        },
        environment_reason: dev.map(|p| {
            format!(
                "the name {} says it is for local development",
                crate::source::display(p)
            )
        }),
        layers,
        effective,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_expressions() {
        let active = vec!["prod".to_string(), "cloud".to_string()];
        assert!(profile_matches("prod", &active));
        assert!(!profile_matches("dev", &active));
        assert!(profile_matches("!dev", &active));
        assert!(profile_matches("prod & cloud", &active));
        assert!(!profile_matches("prod & !cloud", &active));
        assert!(profile_matches("(dev | prod) & cloud", &active));
        assert!(!profile_matches("prod &", &active));
        assert!(!profile_matches("((((", &active));
    }

    #[test]
    fn file_names() {
        assert_eq!(
            name_parts(Path::new("a/application-Prod.yml")),
            Some((PathBuf::from("a"), Some("Prod".into()), 1))
        );
        assert_eq!(
            name_parts(Path::new("application.properties")),
            Some((PathBuf::new(), None, 2))
        );
        assert_eq!(name_parts(Path::new("application-.yaml")), None);
        assert_eq!(name_parts(Path::new("applications.yaml")), None);
    }
}
