//! Files mounted into containers, and the service a compose service `extends`, as written: compose `volumes:` bind mounts (short
//! `./x:/path[:mode]` and long `type: bind` forms) and `configs:` whose top-level entry has
//! a `file:`; Kubernetes `volumeMounts` of ConfigMap and Secret volumes. The deployments
//! stage (`deploy::mounts`) resolves them against the files of the scan and the image's
//! configuration paths (docs/deployments.md §4.7, §5, §7).

use crate::model::wiring::{Extends, Include, Mount, MountSource, ObjectKind};
use crate::syntax::yaml::{Node, NodeKind};

/// A short-syntax volume `SOURCE:TARGET[:MODE]` that binds a host path: the source
/// starts with `.`, `/` or `~` (a bare name is a named volume; [DD-SVC] "relative paths
/// should always begin with `.` or `..`").
fn short_volume(text: &str) -> Option<(String, String)> {
    let (source, rest) = text.split_once(':')?;
    let target = rest.split(':').next().unwrap_or(rest);
    let host = source.starts_with('.') || source.starts_with('/') || source.starts_with('~');
    (host && !target.is_empty()).then(|| (source.to_string(), target.to_string()))
}

/// The top-level `configs:` of a compose document by name, looked up once per reference
/// (a hostile file may have many configs and many services): the last of duplicate keys,
/// as [`Node::get`] takes it.
#[derive(Default)]
pub(crate) struct Configs<'a>(
    crate::model::hashing::FastMap<&'a str, (&'a Node<'a>, &'a Node<'a>)>,
);

impl<'a> Configs<'a> {
    pub(crate) fn new(configs: Option<&'a Node>) -> Self {
        let mut map = crate::model::hashing::FastMap::default();
        for (k, v) in configs.and_then(Node::as_map).unwrap_or(&[]) {
            if let Some(name) = k.as_str() {
                map.insert(name, (k, v));
            }
        }
        Configs(map)
    }

    /// The entry's value.
    pub(crate) fn get(&self, name: &str) -> Option<&'a Node<'_>> {
        self.0.get(name).map(|&(_, v)| v)
    }

    /// The entry's key.
    pub(crate) fn key(&self, name: &str) -> Option<&'a Node<'_>> {
        self.0.get(name).map(|&(k, _)| k)
    }
}

/// Where a compose service's `configs` entry puts its config: `target`, or `/<source>`
/// ([DD-SVC] configs: "Defaults to `/<source>` if not specified").
pub(crate) fn config_target(name: &str, target: Option<&str>) -> String {
    target.map_or_else(|| format!("/{name}"), str::to_string)
}

/// The bind mounts, file configs and inline configs of a compose service; `configs` is the document's
/// top-level `configs:`.
pub(crate) fn compose(svc: &Node, configs: &Configs<'_>) -> Vec<Mount> {
    let mut out = Vec::new();
    for v in svc.get("volumes").and_then(Node::as_seq).unwrap_or(&[]) {
        if let Some(text) = v.as_str() {
            if let Some((source, target)) = short_volume(text) {
                out.push(Mount {
                    source: MountSource::Host(source),
                    target,
                    span: v.span,
                });
            }
        } else if v.get("type").and_then(Node::as_str) == Some("bind")
            && let (Some(source), Some(target)) = (
                v.get("source").and_then(Node::as_str),
                v.get("target").and_then(Node::as_str),
            )
        {
            out.push(Mount {
                source: MountSource::Host(source.to_string()),
                target: target.to_string(),
                span: v.span,
            });
        }
    }
    for r in svc.get("configs").and_then(Node::as_seq).unwrap_or(&[]) {
        let (name, target) = match r.as_str() {
            Some(s) => (s, None),
            None => match r.get("source").and_then(Node::as_str) {
                Some(s) => (s, r.get("target").and_then(Node::as_str)),
                None => continue,
            },
        };
        let entry = configs.get(name);
        // [DD-CFG] top-level configs: "`file`: The config is created with the contents of
        // the file at the specified path"; "`content`: The content is created with the
        // inlined value".
        let source = if let Some(file) = entry.and_then(|c| c.get("file")).and_then(Node::as_str) {
            MountSource::Host(file.to_string())
        } else if entry.and_then(|c| c.get("content")).is_some() {
            MountSource::Inline(name.to_string())
        } else {
            continue;
        };
        // [DD-SVC] configs: "`target`: The path and name of the file to be mounted in the
        // service's task containers. Defaults to `/<source>` if not specified."
        let target = config_target(name, target);
        out.push(Mount {
            source,
            target,
            span: r.span,
        });
    }
    out
}

/// A compose service's `extends`: a mapping with a required `service` and an optional
/// `file` ([DD-SVC] `extends`).
pub(crate) fn extends(svc: &Node) -> Option<Extends> {
    let e = svc.get("extends")?;
    let service = e.get("service")?.as_str()?.to_string();
    Some(Extends {
        service,
        file: e.get("file").and_then(Node::as_str).map(str::to_string),
        span: e.span,
    })
}

/// The top-level `include` of a compose document ([DD-INC]).
pub(crate) fn includes(root: &Node) -> Vec<Include> {
    let strings = |n: &Node| -> Vec<String> {
        match n.as_seq() {
            Some(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            None => n.as_str().map(|s| vec![s.to_string()]).unwrap_or_default(),
        }
    };
    let Some(items) = root.get("include").and_then(Node::as_seq) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|i| {
            if let Some(p) = i.as_str() {
                return Some(Include {
                    paths: vec![p.to_string()],
                    unsupported: None,
                    span: i.span,
                });
            }
            let unsupported = if i.get("env_file").is_some() {
                Some("env_file")
            } else if i.get("project_directory").is_some() {
                Some("project_directory")
            } else {
                None
            };
            Some(Include {
                paths: strings(i.get("path")?),
                unsupported,
                span: i.span,
            })
        })
        .collect()
}

/// Does a compose `command` or Kubernetes `args`/`command` pass `--production`?
pub(crate) fn passes_production(node: Option<&Node>) -> bool {
    match node.map(|n| &n.kind) {
        Some(NodeKind::Seq(items)) => items.iter().any(|i| i.as_str() == Some("--production")),
        Some(NodeKind::Scalar(_)) => node
            .and_then(Node::as_str)
            .is_some_and(|s| s.split_whitespace().any(|w| w == "--production")),
        _ => false,
    }
}

/// The ConfigMap and Secret volumes a Kubernetes container mounts; `spec` is the pod spec.
pub(crate) fn k8s(spec: &Node, container: &Node) -> Vec<Mount> {
    let volumes = spec.get("volumes").and_then(Node::as_seq).unwrap_or(&[]);
    let mut out = Vec::new();
    for m in container
        .get("volumeMounts")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
    {
        let (Some(name), Some(target)) = (
            m.get("name").and_then(Node::as_str),
            m.get("mountPath").and_then(Node::as_str),
        ) else {
            continue;
        };
        let Some(volume) = volumes
            .iter()
            .find(|v| v.get("name").and_then(Node::as_str) == Some(name))
        else {
            continue;
        };
        let (kind, source, name_field) = if let Some(c) = volume.get("configMap") {
            (ObjectKind::ConfigMap, c, "name")
        } else if let Some(s) = volume.get("secret") {
            (ObjectKind::Secret, s, "secretName")
        } else {
            continue;
        };
        let Some(object) = source.get(name_field).and_then(Node::as_str) else {
            continue;
        };
        let items = source
            .get("items")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|i| {
                Some((
                    i.get("key")?.as_str()?.to_string(),
                    i.get("path")?.as_str()?.to_string(),
                ))
            })
            .collect();
        out.push(Mount {
            source: MountSource::Object {
                kind,
                name: object.to_string(),
                items,
                sub_path: m
                    .get("subPath")
                    .and_then(Node::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                optional: source.get("optional").and_then(Node::as_str) == Some("true"),
            },
            target: target.to_string(),
            span: m.span,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_volumes_bind_host_paths_only() {
        assert_eq!(
            short_volume("./conf/application.yaml:/usr/local/camunda/config/application.yaml:ro"),
            Some((
                "./conf/application.yaml".into(),
                "/usr/local/camunda/config/application.yaml".into()
            ))
        );
        assert_eq!(short_volume("data:/usr/local/camunda/data"), None);
        assert_eq!(
            short_volume("/etc/x:/y"),
            Some(("/etc/x".into(), "/y".into()))
        );
        assert_eq!(short_volume("./x"), None);
    }
}
