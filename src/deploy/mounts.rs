//! Configuration files of the tree mounted into a container at the path where its image
//! reads its configuration (docs/deployments.md §4.7, §5, §7): such a file is a layer of the
//! container's deployment instead of a deployment of its own.
//!
//! Only files of the scan are used: a mount source that is no scanned file (outside the
//! scanned tree, absolute, in the home directory, interpolated, or not a configuration file
//! camguard reads) is never read; when it lands on a configuration path the deployment
//! notes say that what it configures is unknown.

use crate::model::hashing::FastMap;
use std::path::{Component as PathPart, Path, PathBuf};
use std::sync::Arc;

use super::k8s::Objects;
use super::merge::{Candidate, SectionCandidate};
use crate::model::analysis::Analysis;
use crate::model::deployment::Layer;
use crate::model::file_kind::FileKind;
use crate::model::settings::{Component, Related};
use crate::model::wiring::{Mount, MountSource, ObjectKind, Wiring};

/// Where an image reads its configuration files (§7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ImageConfig {
    /// For people: `camunda/camunda`.
    pub image: &'static str,
    /// The directory, without a trailing slash.
    pub dir: &'static str,
    /// The file names read there.
    pub files: &'static [&'static str],
    /// The file overrides the container's environment for its keys (Optimize's
    /// `environment-config.yaml` over the placeholders of `service-config.yaml`); otherwise
    /// the environment is above the file (Spring Boot, §1.1 rows 2 and 3).
    pub above_env: bool,
}

/// Spring Boot reads `application.{properties,yaml,yml}` in `file:./config/` ([SB]
/// L114-L124; the default `spring.config.name` is `application`).
const SPRING: &[&str] = &[
    "application.yaml",
    "application.yml",
    "application.properties",
];

/// `owner`, `name` and tag of an image reference, lower-cased
/// (`docker.elastic.co/elasticsearch/elasticsearch:8.17` -> `elasticsearch`, `elasticsearch`).
fn repository(image: &str) -> (String, String, String) {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    let repo_end = no_digest[last_slash..]
        .find(':')
        .map_or(no_digest.len(), |i| last_slash + i);
    let repo = no_digest[..repo_end].to_ascii_lowercase();
    let tag = no_digest[repo_end..]
        .trim_start_matches(':')
        .to_ascii_lowercase();
    let mut parts = repo.rsplit('/');
    let name = parts.next().unwrap_or("").to_string();
    let owner = parts.next().unwrap_or("").to_string();
    (owner, name, tag)
}

/// The configuration paths of an image, from the table of §7. Images whose path no
/// primary source gives (Connectors, Identity, Bitnami and Docker Hub Elasticsearch) are
/// not in it.
pub(crate) fn image_config(image: &str, run_production: bool) -> Option<ImageConfig> {
    let (owner, name, tag) = repository(image);
    let c = |image, dir, files, above_env| {
        Some(ImageConfig {
            image,
            dir,
            files,
            above_env,
        })
    };
    match (owner.as_str(), name.as_str()) {
        // [CAM-DF] `WORKDIR ${CAMUNDA_HOME}` with `CAMUNDA_HOME=/usr/local/camunda`.
        ("camunda", "camunda") => c(
            "camunda/camunda",
            "/usr/local/camunda/config",
            SPRING,
            false,
        ),
        // [ZB-DF] `ZB_HOME=/usr/local/zeebe`, `WORKDIR ${ZB_HOME}`.
        ("camunda", "zeebe") => c("camunda/zeebe", "/usr/local/zeebe/config", SPRING, false),
        // [HELM-CH] 8.6 `operate/deployment.yaml` L85, `tasklist/deployment.yaml` L222.
        ("camunda", "operate") => c(
            "camunda/operate",
            "/usr/local/operate/config",
            SPRING,
            false,
        ),
        ("camunda", "tasklist") => c(
            "camunda/tasklist",
            "/usr/local/tasklist/config",
            SPRING,
            false,
        ),
        // [OPT-DF]: the image deletes its own environment-config.yaml so that the
        // placeholders of service-config.yaml apply; a mounted one overrides them.
        ("camunda", "optimize") => c(
            "camunda/optimize",
            "/optimize/config",
            &["environment-config.yaml"],
            true,
        ),
        // [DCBP], [RUN-SH]: `--spring.config.location=file:` one of the two files (§3).
        ("camunda", "camunda-bpm-platform") if tag.starts_with("run") => {
            let files: &[&str] = if run_production {
                &["production.yml"]
            } else {
                &["default.yml"]
            };
            c(
                "camunda/camunda-bpm-platform:run",
                "/camunda/configuration",
                files,
                false,
            )
        }
        // [ES-DOCKER] "the Elasticsearch configuration files are loaded from
        // /usr/share/elasticsearch/config/".
        ("elasticsearch", "elasticsearch") => c(
            "docker.elastic.co/elasticsearch/elasticsearch",
            "/usr/share/elasticsearch/config",
            &["elasticsearch.yml"],
            false,
        ),
        // [OS-DF] `OPENSEARCH_PATH_CONF=$OPENSEARCH_HOME/config`, home /usr/share/opensearch.
        ("opensearchproject", "opensearch") => c(
            "opensearchproject/opensearch",
            "/usr/share/opensearch/config",
            &["opensearch.yml"],
            false,
        ),
        _ => None,
    }
}

impl ImageConfig {
    /// The container paths of the files the image reads.
    fn paths(&self) -> impl Iterator<Item = String> + '_ {
        self.files.iter().map(|f| format!("{}/{f}", self.dir))
    }

    /// Does a mount at `target` put anything where the image reads its configuration?
    fn covers(&self, target: &str) -> bool {
        let t = target.trim_end_matches('/');
        self.paths().any(|p| within(&p, t).is_some())
    }
}

/// `path` relative to `mount` when it is the mount itself (`""`) or below it.
fn within<'p>(path: &'p str, mount: &str) -> Option<&'p str> {
    let mount = mount.trim_end_matches('/');
    let rest = path.strip_prefix(mount)?;
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_prefix('/')
    }
}

/// A path with `.` removed and `..` applied, lexically (`a/./b/../c` -> `a/c`); `..` that
/// climbs above the start is kept.
pub fn normal(p: &Path) -> PathBuf {
    // Most paths are normal already (those of the walk are): copied as they are, without
    // taking them apart and joining the parts again, a tenth of the cost.
    if crate::source::is_normal_path(p) {
        return p.to_path_buf();
    }
    lexically_normal(p)
}

fn lexically_normal(p: &Path) -> PathBuf {
    let mut out: Vec<PathPart<'_>> = Vec::new();
    for part in p.components() {
        match part {
            PathPart::CurDir => {}
            PathPart::ParentDir => match out.last() {
                Some(PathPart::Normal(_)) => {
                    out.pop();
                }
                Some(PathPart::RootDir | PathPart::Prefix(_)) => {}
                _ => out.push(part),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// The configuration files of the scan, by path.
pub(crate) struct Tree<'a> {
    analyses: &'a [&'a Analysis],
    by_path: FastMap<PathBuf, usize>,
    /// Compose files, for `extends: {file}` (`compose_merge.rs`).
    compose: FastMap<PathBuf, usize>,
    /// The inline configs of compose files (`configs/<name>` components): (analysis, name)
    /// -> component.
    inline: FastMap<(usize, &'a str), usize>,
}

/// Is this a configuration file a container may read (one component, of a config kind)?
fn mountable(a: &Analysis) -> bool {
    matches!(
        a.kind,
        FileKind::SpringYaml
            | FileKind::SpringProperties
            | FileKind::Optimize
            | FileKind::Elasticsearch
            | FileKind::Opensearch
    ) && a.components.len() == 1
        && a.components[0].name.is_none()
}

impl<'a> Tree<'a> {
    pub fn new(analyses: &'a [&'a Analysis]) -> Self {
        let by_path = analyses
            .iter()
            .enumerate()
            .filter(|(_, a)| mountable(a))
            .map(|(i, a)| (normal(&a.file.path), i))
            .collect();
        let compose = analyses
            .iter()
            .enumerate()
            .filter(|(_, a)| a.kind == FileKind::Compose)
            .map(|(i, a)| (normal(&a.file.path), i))
            .collect();
        let inline = analyses
            .iter()
            .enumerate()
            .filter(|(_, a)| a.kind == FileKind::Compose)
            .flat_map(|(i, a)| {
                a.components.iter().enumerate().filter_map(move |(ci, c)| {
                    let name = c.name.as_deref()?.strip_prefix("configs/")?;
                    c.wiring.is_none().then_some(((i, name), ci))
                })
            })
            .collect();
        Tree {
            analyses,
            by_path,
            compose,
            inline,
        }
    }

    /// The Spring Boot config file of the scan at this (lexically normalised) path, with
    /// its index in the assembly's input (`imports.rs`).
    pub fn spring_file(&self, path: &Path) -> Option<(usize, &'a Analysis)> {
        let &i = self.by_path.get(&normal(path))?;
        let a = self.analyses[i];
        matches!(a.kind, FileKind::SpringYaml | FileKind::SpringProperties).then_some((i, a))
    }

    /// The compose file of the scan at this (lexically normalised) path.
    pub fn compose_file(&self, path: &Path) -> Option<&'a Analysis> {
        self.compose.get(&normal(path)).map(|&i| self.analyses[i])
    }
}

/// A configuration file mounted where the image reads it.
pub(crate) struct MountedFile<'a> {
    /// (index of the analysis, index of the component) it claims.
    pub claim: (usize, usize),
    pub component: &'a Component,
    /// For people: `config/application.yaml mounted at /usr/local/camunda/config/application.yaml`.
    pub what: String,
    pub above_env: bool,
    /// The mount entry, for every setting of the file.
    pub related: Related,
}

/// The mounted files of one container and what could not be taken into account.
#[derive(Default)]
pub(crate) struct Mounted<'a> {
    pub files: Vec<MountedFile<'a>>,
    pub notes: Vec<String>,
}

impl Mounted<'_> {
    /// Does a mounted file give the whole configuration (a base config file, not an
    /// overlay)? Then the deployment is complete: a key no layer sets is absent.
    pub fn complete(&self) -> bool {
        self.files.iter().any(|f| !f.component.partial)
    }

    /// The claims of its files.
    pub fn claims(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.files.iter().map(|f| f.claim)
    }
}

/// The image of a container, from the last of its parts that names one.
fn image_of<'w>(wirings: &[&'w Wiring]) -> Option<&'w str> {
    wirings
        .iter()
        .rev()
        .find_map(|w| w.image.as_ref().map(|(i, _)| i.as_str()))
}

/// The mounts of a compose service's parts (base file first): a later file's mount at the
/// same target replaces the earlier one ([CS-MERGE] volumes and configs are merged by
/// target).
fn merged_mounts<'w>(wirings: &[&'w Wiring]) -> Vec<(&'w Mount, usize)> {
    let mut out: Vec<(&Mount, usize)> = Vec::new();
    for (pi, w) in wirings.iter().enumerate() {
        for m in &w.mounts {
            let t = m.target.trim_end_matches('/');
            out.retain(|(o, _)| o.target.trim_end_matches('/') != t);
            out.push((m, pi));
        }
    }
    out
}

/// The files of the tree a compose service mounts where its image reads them; `dir` is
/// the project directory (relative host paths resolve against it, §4.1).
pub(crate) fn compose_service<'a>(
    parts: &[&'a Component],
    dir: &Path,
    tree: &Tree<'a>,
) -> Mounted<'a> {
    let mut out = Mounted::default();
    let wirings: Vec<&Wiring> = parts.iter().filter_map(|p| p.wiring.as_deref()).collect();
    let owners: Vec<&Component> = parts
        .iter()
        .filter(|p| p.wiring.is_some())
        .copied()
        .collect();
    let run_production = wirings.iter().any(|w| w.run_production);
    let Some(cfg) = image_of(&wirings).and_then(|i| image_config(i, run_production)) else {
        return out;
    };
    for (m, pi) in merged_mounts(&wirings) {
        if !cfg.covers(&m.target) {
            continue;
        }
        let by = &owners[pi].file;
        let source = match &m.source {
            MountSource::Host(source) => source,
            MountSource::Inline(config) => {
                match inline_file(config, m, by, &cfg, tree) {
                    Ok(f) => out.files.push(f),
                    Err(Some(note)) => out.notes.push(note),
                    Err(None) => {}
                }
                continue;
            }
            MountSource::Object { .. } => continue,
        };
        if source.contains('$') || source.starts_with('/') || source.starts_with('~') {
            out.notes.push(format!(
                "`{source}` mounted at `{}` is not read (an absolute, home or interpolated host path): the configuration it gives {} is unknown",
                m.target, cfg.image
            ));
            continue;
        }
        let host = dir.join(source);
        let mut found = false;
        for path in cfg.paths() {
            let Some(rest) = within(&path, &m.target) else {
                continue;
            };
            let file = if rest.is_empty() {
                normal(&host)
            } else {
                normal(&host.join(rest))
            };
            let Some(&i) = tree.by_path.get(&file) else {
                continue;
            };
            found = true;
            let a = tree.analyses[i];
            out.files.push(MountedFile {
                claim: (i, 0),
                component: &a.components[0],
                what: format!(
                    "{} mounted at {path} (where {} reads its configuration)",
                    a.file.display_path(),
                    cfg.image
                ),
                above_env: cfg.above_env,
                related: Related {
                    file: by.clone(),
                    span: m.span,
                    label: format!("mounted at `{path}` here"),
                },
            });
        }
        if !found {
            out.notes.push(format!(
                "`{source}` mounted at `{}` is no configuration file of the scan (outside the scanned tree, or a file camguard does not read): the configuration it gives {} is unknown",
                m.target, cfg.image
            ));
        }
    }
    out
}

/// The inline config `config` of the compose file `by` (its component `configs/<config>`,
/// `analyze::compose`) mounted by `m` where the image reads its configuration. `Err` with
/// a note when what it gives is unknown; `Err(None)` for a Spring Boot `application.yaml`,
/// which was read into the service itself.
fn inline_file<'a>(
    config: &str,
    m: &Mount,
    by: &crate::source::FileRef,
    cfg: &ImageConfig,
    tree: &Tree<'a>,
) -> Result<MountedFile<'a>, Option<String>> {
    let target = m.target.as_str();
    let unknown = || {
        Some(format!(
            "inline config `{config}` mounted at `{target}` is not read as a configuration file: the configuration it gives {} is unknown",
            cfg.image
        ))
    };
    // A config is one file: only a target that is the very path the image reads puts it there.
    let Some(path) = cfg.paths().find(|p| within(p, target) == Some("")) else {
        return Err(unknown());
    };
    let found = tree
        .compose
        .get(&normal(&by.path))
        .and_then(|&i| Some((i, *tree.inline.get(&(i, config))?)));
    let Some((i, ci)) = found else {
        let file = path.rsplit('/').next().unwrap_or("");
        let spring =
            file.starts_with("application") && (file.ends_with(".yaml") || file.ends_with(".yml"));
        return Err(if spring { None } else { unknown() });
    };
    Ok(MountedFile {
        claim: (i, ci),
        component: &tree.analyses[i].components[ci],
        what: format!(
            "inline config `{config}` of {} mounted at {path} (where {} reads its configuration)",
            by.display_path(),
            cfg.image
        ),
        above_env: cfg.above_env,
        related: Related {
            file: by.clone(),
            span: m.span,
            label: format!("mounted at `{path}` here"),
        },
    })
}

/// The (key, container path) pairs of a ConfigMap or Secret volume mount, for the keys
/// that land on one of `paths`; `keys` are the object's keys when it is in the tree.
fn object_files(
    m: &Mount,
    items: &[(String, String)],
    sub_path: Option<&str>,
    keys: &[String],
    paths: &[String],
) -> Vec<(String, String)> {
    // [K8S-CM]: every key becomes a file named after it; with `items` only the listed keys
    // appear, at their `path`.
    let in_volume: Vec<(String, String)> = if items.is_empty() {
        keys.iter().map(|k| (k.clone(), k.clone())).collect()
    } else {
        items.to_vec()
    };
    let mut out = Vec::new();
    for (key, vpath) in in_volume {
        // [K8S-API] `subPath`: "Path within the volume from which the container's volume
        // should be mounted."
        let container = match sub_path {
            Some(s) => match within(&vpath, s) {
                Some("") => m.target.trim_end_matches('/').to_string(),
                Some(rest) => format!("{}/{rest}", m.target.trim_end_matches('/')),
                None => continue,
            },
            None => format!("{}/{vpath}", m.target.trim_end_matches('/')),
        };
        if paths.contains(&container) {
            out.push((key, container));
        }
    }
    out
}

/// The ConfigMaps of the scan mounted where a Kubernetes container's image reads its
/// configuration: the ConfigMap entry's component (`ConfigMap/<name>/<key>`).
pub(crate) fn k8s_container<'a>(
    w: &Wiring,
    a: &Analysis,
    objects: &Objects<'a>,
    analyses: &'a [&'a Analysis],
) -> Mounted<'a> {
    let mut out = Mounted::default();
    let Some(cfg) = w
        .image
        .as_ref()
        .and_then(|(i, _)| image_config(i, w.run_production))
    else {
        return out;
    };
    let paths: Vec<String> = cfg.paths().collect();
    for m in &w.mounts {
        let MountSource::Object {
            kind,
            name,
            items,
            sub_path,
            optional,
        } = &m.source
        else {
            continue;
        };
        if !cfg.covers(&m.target) {
            continue;
        }
        let what = format!("{} `{name}`", kind.id());
        let Some((obj, file)) = objects.find(*kind, name, w.namespace.as_deref()) else {
            let opt = if *optional { " (optional)" } else { "" };
            out.notes.push(format!(
                "{what}{opt} mounted at `{}` is not in the scanned tree: the configuration it gives {} is unknown",
                m.target, cfg.image
            ));
            continue;
        };
        let keys: Vec<String> = obj.entries.iter().map(|e| e.key.clone()).collect();
        for (key, path) in object_files(m, items, sub_path.as_deref(), &keys, &paths) {
            let found = matches!(kind, ObjectKind::ConfigMap | ObjectKind::Secret)
                .then(|| {
                    let object = if *kind == ObjectKind::ConfigMap {
                        "ConfigMap"
                    } else {
                        "Secret"
                    };
                    let component_name = format!("{object}/{name}/{key}");
                    analyses
                        .iter()
                        .enumerate()
                        .filter(|(_, x)| Arc::ptr_eq(&x.file, file))
                        .find_map(|(i, x)| {
                            x.components
                                .iter()
                                .position(|c| c.name.as_deref() == Some(component_name.as_str()))
                                .map(|ci| (i, ci))
                        })
                })
                .flatten();
            let Some((i, ci)) = found else {
                out.notes.push(format!(
                    "key `{key}` of {what} mounted at `{path}` is not read as a configuration file (base64 `data` of a Secret, or a key not named like one): the configuration it gives {} is unknown",
                    cfg.image
                ));
                continue;
            };
            out.files.push(MountedFile {
                claim: (i, ci),
                component: &analyses[i].components[ci],
                what: format!(
                    "key `{key}` of {what} ({}) mounted at {path} (where {} reads its configuration)",
                    file.display_path(),
                    cfg.image
                ),
                above_env: cfg.above_env,
                related: Related {
                    file: a.file.clone(),
                    span: m.span,
                    label: format!("mounted at `{path}` here"),
                },
            });
        }
    }
    out
}

/// For tests and fuzzing: what the services of `files[0]` (a compose file) mount from
/// `files` where their image reads its configuration, with the services they extend (the
/// mounted file's path and the layer's text), and the notes of what is unknown (`extends`,
/// `include` and mounts not followed).
pub fn compose_layers(files: &[&Analysis]) -> (Vec<(PathBuf, String)>, Vec<String>) {
    let tree = Tree::new(files);
    let compose = files[0];
    let dir = compose.file.path.parent().unwrap_or(Path::new(""));
    let mut layers = Vec::new();
    let (_, include_notes) = super::compose_merge::includes(files, &tree);
    let mut notes: Vec<String> = include_notes.into_iter().map(|(_, n)| n).collect();
    for c in compose.components.iter().filter(|c| c.wiring.is_some()) {
        let parts = super::compose_merge::with_extends(&[(c, compose)], dir, &tree, &mut notes);
        let m = compose_service(&parts, dir, &tree);
        layers.extend(
            m.files
                .into_iter()
                .map(|f| (f.component.file.path.clone(), f.what)),
        );
        notes.extend(m.notes);
    }
    (layers, notes)
}

/// Add a mounted file as the next layer; `source` offsets its property source (above the
/// environment's for a file that overrides it).
pub(crate) fn add_layer(
    m: MountedFile<'_>,
    layers: &mut Vec<Layer>,
    candidates: &mut Vec<Candidate>,
    sections: &mut Vec<SectionCandidate>,
    source: usize,
) {
    let layer = layers.len();
    let precedence = layers.iter().filter(|l| l.precedence > 0).count() as u32 + 1;
    layers.push(Layer {
        file: m.component.file.clone(),
        what: m.what,
        precedence,
    });
    let c = m.component;
    // Where absent keys of the file's sections are reported (its own spans).
    sections.extend(c.sections.iter().map(|sec| {
        let mut section = sec.clone();
        section.file.get_or_insert_with(|| c.file.clone());
        SectionCandidate {
            layer,
            source: source + layer,
            section,
        }
    }));
    // A `spring.config.activate.on-profile` document applies only with its profile, which
    // the container's environment would have to name: such documents are left out.
    let docs: Vec<std::ops::Range<usize>> = if c.documents.is_empty() {
        std::iter::once(0..c.settings.len()).collect()
    } else {
        c.documents.clone()
    };
    for doc in docs {
        let settings = &c.settings[doc];
        if settings.iter().any(|s| s.match_key == ON_PROFILE) {
            continue;
        }
        for s in settings {
            let mut s = s.clone();
            s.via_mut().related.push(m.related.clone());
            candidates.push(Candidate {
                layer,
                source: source + layer,
                setting: s,
            });
        }
    }
}

const ON_PROFILE: &str = "springconfigactivateonprofile";

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The shortcut for normal paths gives what taking the path apart gives.
        #[test]
        fn normal_paths_are_kept_as_they_are(text in crate::source::path_texts()) {
            let p = Path::new(&text);
            // (as text: paths compare by their parts, so `a//b` equals `a/b` as a path)
            let (fast, slow) = (normal(p), lexically_normal(p));
            prop_assert_eq!(fast.as_os_str(), slow.as_os_str(), "{}", text);
        }
    }

    #[test]
    fn images_and_their_configuration_paths() {
        let c = image_config("camunda/camunda:8.8.0", false).unwrap();
        assert_eq!(c.dir, "/usr/local/camunda/config");
        assert!(c.covers("/usr/local/camunda/config/application.yaml"));
        assert!(c.covers("/usr/local/camunda/config/"));
        assert!(c.covers("/usr/local/camunda"));
        assert!(!c.covers("/usr/local/camunda/data"));
        assert!(!c.covers("/usr/local/camunda/config/other.yaml"));
        let run = image_config("camunda/camunda-bpm-platform:run-7.22.0", false).unwrap();
        assert_eq!(run.files, ["default.yml"]);
        let prod = image_config("camunda/camunda-bpm-platform:run-7.22.0", true).unwrap();
        assert_eq!(prod.files, ["production.yml"]);
        assert!(image_config("camunda/camunda-bpm-platform:7.22.0", false).is_none());
        assert!(
            image_config("camunda/optimize:8.7.0", false)
                .unwrap()
                .above_env
        );
        assert!(
            image_config(
                "docker.elastic.co/elasticsearch/elasticsearch:8.17.0",
                false
            )
            .is_some()
        );
        // No primary source gives these paths.
        assert!(image_config("bitnami/elasticsearch:8", false).is_none());
        assert!(image_config("camunda/connectors-bundle:8.8.0", false).is_none());
    }

    #[test]
    fn paths_are_normalised_lexically() {
        assert_eq!(normal(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normal(Path::new("a/../../c")), PathBuf::from("../c"));
        assert_eq!(normal(Path::new("/a/../../c")), PathBuf::from("/c"));
    }

    #[test]
    fn within_a_mount() {
        assert_eq!(within("/a/b/c.yml", "/a/b"), Some("c.yml"));
        assert_eq!(within("/a/b/c.yml", "/a/b/"), Some("c.yml"));
        assert_eq!(within("/a/b/c.yml", "/a/b/c.yml"), Some(""));
        assert_eq!(within("/a/bc/c.yml", "/a/b"), None);
    }
}
