//! What a compose service or a Kubernetes container takes from other files, and the
//! ConfigMaps and Secrets that containers of any file may reference: recorded here as
//! [`Wiring`] and [`K8sObject`], resolved by the deployments stage (docs/deployments.md
//! §4.5 and §5).

use base64::Engine;

use crate::model::wiring::{
    ChartRef, Command, EnvEntry, EnvFrom, EnvSource, K8sObject, ObjectEntry, ObjectKind, Wiring,
};
use crate::source::FileRef;
use crate::syntax::yaml::{self, Node, NodeKind};

fn image(node: &Node) -> Option<(String, crate::source::Span)> {
    let i = node.get("image")?;
    Some((i.as_str()?.to_string(), i.span))
}

/// A command line: a list of scalars, or (Compose only) one string.
fn command(node: Option<&Node>, shell: bool) -> Option<Command> {
    let node = node?;
    if let Some(items) = node.as_seq() {
        let words = items
            .iter()
            .filter_map(|i| i.as_str().map(|t| (t.to_string(), i.span)))
            .collect();
        return Some(Command::List(words));
    }
    let text = node.as_str().filter(|_| shell && !node.is_null())?;
    Some(Command::Shell(text.to_string(), node.span))
}

/// A compose service: its image, the `environment` entries without a value (taken from
/// the shell or `.env`), its `env_file` paths and its `entrypoint` / `command`.
pub(crate) fn compose_service(svc: &Node) -> Wiring {
    let mut w = Wiring {
        image: image(svc),
        entrypoint: command(svc.get("entrypoint"), true),
        command: command(svc.get("command"), true),
        ..Wiring::default()
    };
    match svc.get("environment").map(|e| &e.kind) {
        Some(NodeKind::Seq(items)) => {
            for i in items {
                if let Some(t) = i.as_str()
                    && !t.contains('=')
                    && !t.trim().is_empty()
                {
                    w.pass_through.push((t.trim().to_string(), i.span));
                }
            }
        }
        Some(NodeKind::Map(entries)) => {
            for (k, v) in entries {
                if let Some(name) = k.as_str()
                    && v.as_scalar().is_some()
                    && v.is_null()
                {
                    w.pass_through.push((name.to_string(), k.span));
                }
            }
        }
        _ => {}
    }
    if let Some(ef) = svc.get("env_file") {
        let items: Vec<&Node> = match &ef.kind {
            NodeKind::Seq(items) => items.iter().collect(),
            _ => vec![ef],
        };
        for i in items {
            let p = i.get("path").unwrap_or(i);
            if let Some(s) = p.as_str() {
                w.env_files.push((s.to_string(), p.span));
            }
        }
    }
    w
}

fn optional(n: &Node) -> bool {
    n.get("optional").and_then(Node::as_str) == Some("true")
}

fn key_ref(n: &Node) -> Option<EnvSource> {
    for (field, kind) in [
        ("configMapKeyRef", ObjectKind::ConfigMap),
        ("secretKeyRef", ObjectKind::Secret),
    ] {
        if let Some(r) = n.get(field) {
            return Some(EnvSource::Key {
                kind,
                name: r.get("name").and_then(Node::as_str)?.to_string(),
                key: r.get("key").and_then(Node::as_str)?.to_string(),
                optional: optional(r),
            });
        }
    }
    (n.get("fieldRef").is_some() || n.get("resourceFieldRef").is_some())
        .then_some(EnvSource::Platform)
}

/// A Kubernetes container's image and namespace, without environment.
pub(crate) fn k8s_container_bare(doc: &Node, container: &Node) -> Wiring {
    Wiring {
        image: image(container),
        namespace: doc
            .get("metadata")
            .and_then(|m| m.get("namespace"))
            .and_then(Node::as_str)
            .map(String::from),
        ..Wiring::default()
    }
}

/// A Kubernetes container's `env` and `envFrom`, when it has either.
pub(crate) fn k8s_container(doc: &Node, container: &Node) -> Option<Wiring> {
    let env = container.get("env").and_then(Node::as_seq).unwrap_or(&[]);
    let env_from = container
        .get("envFrom")
        .and_then(Node::as_seq)
        .unwrap_or(&[]);
    let entrypoint = command(container.get("command"), false);
    let args = command(container.get("args"), false);
    // Arguments matter only when they may be Spring properties or JVM options, or start
    // Keycloak in development mode (DC002).
    let options = [&entrypoint, &args].into_iter().flatten().any(|c| match c {
        Command::List(words) => words
            .iter()
            .any(|(w, _)| w.starts_with("--") || w.starts_with("-D") || w == "start-dev"),
        Command::Shell(..) => false,
    });
    if env.is_empty() && env_from.is_empty() && !options {
        return None;
    }
    let mut w = Wiring {
        image: image(container),
        entrypoint,
        command: args,
        namespace: doc
            .get("metadata")
            .and_then(|m| m.get("namespace"))
            .and_then(Node::as_str)
            .map(String::from),
        ..Wiring::default()
    };
    for item in env {
        let Some(name_node) = item.get("name") else {
            continue;
        };
        let Some(name) = name_node.as_str() else {
            continue;
        };
        let (source, span) = if let Some((k, v)) = item.get_entry("valueFrom") {
            match key_ref(v) {
                Some(s) => (s, k.span),
                None => continue,
            }
        } else {
            let text = item
                .get("value")
                .and_then(|v| if v.is_null() { None } else { v.as_str() })
                .unwrap_or("");
            let span = item.get("value").map_or(name_node.span, |v| v.span);
            (EnvSource::Value(text.to_string()), span)
        };
        w.env.push(EnvEntry {
            name: name.to_string(),
            name_span: name_node.span,
            source,
            span,
        });
    }
    for item in env_from {
        for (field, kind) in [
            ("configMapRef", ObjectKind::ConfigMap),
            ("secretRef", ObjectKind::Secret),
        ] {
            let Some(r) = item.get(field) else { continue };
            let Some(name) = r.get("name").and_then(Node::as_str) else {
                continue;
            };
            w.env_from.push(EnvFrom {
                kind,
                name: name.to_string(),
                prefix: item
                    .get("prefix")
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string(),
                optional: optional(r),
                span: r.span,
            });
        }
    }
    Some(w)
}

/// A ConfigMap's `data` or a Secret's `data` (base64) and `stringData`, in that order: for
/// the same key the last entry wins, so `stringData` wins over `data` (K8S-SEC,
/// docs/deployments.md §5).
pub(crate) fn k8s_object(kind: &str, doc: &Node) -> Option<K8sObject> {
    let kind = match kind {
        "ConfigMap" => ObjectKind::ConfigMap,
        "Secret" => ObjectKind::Secret,
        _ => return None,
    };
    let meta = doc.get("metadata")?;
    let name_node = meta.get("name")?;
    let mut o = K8sObject {
        kind,
        name: name_node.as_str()?.to_string(),
        namespace: meta
            .get("namespace")
            .and_then(Node::as_str)
            .map(String::from),
        span: name_node.span,
        entries: Vec::new(),
    };
    let sections: &[(&str, bool)] = match kind {
        ObjectKind::ConfigMap => &[("data", false)],
        ObjectKind::Secret => &[("data", true), ("stringData", false)],
    };
    for (field, encoded) in sections {
        let Some(entries) = doc.get(field).and_then(Node::as_map) else {
            continue;
        };
        for (k, v) in entries {
            let (Some(key), Some(text)) = (k.as_str(), v.as_str()) else {
                continue;
            };
            let value = if *encoded {
                decode_base64(text)
            } else {
                Some(text.to_string())
            };
            // stringData is read after data: the later entry of a key wins (every entry is
            // kept, so that the value of each is masked in output).
            o.entries.push(ObjectEntry {
                key: key.to_string(),
                value,
                key_span: k.span,
                value_span: v.span,
            });
        }
    }
    Some(o)
}

/// The camunda-platform chart a values file is for: its own `Chart.yaml` beside it (the
/// chart's directory), or an umbrella chart's dependency on it, in the values file's
/// directory or the one above; `Chart.lock` gives the exact version of a dependency.
pub(crate) fn helm_chart(values: &FileRef, ctx: &super::Context) -> Option<Wiring> {
    let dir = values.path.parent()?;
    for d in [Some(dir), dir.parent()].into_iter().flatten() {
        let Some(chart) = read_beside(&d.join("Chart.yaml"), ctx) else {
            continue;
        };
        let docs = yaml::parse(chart.text.text()).docs;
        let root = docs.first()?;
        let found = if root.get("name").and_then(Node::as_str) == Some(CHART) {
            let v = root.get("version")?;
            Some(ChartRef {
                version: v.as_str()?.to_string(),
                exact: true,
                key: None,
                file: chart.clone(),
                span: v.span,
            })
        } else {
            dependency(root, &chart, false)
        };
        let Some(mut found) = found else { continue };
        if found.key.is_some()
            && let Some(lock) = read_beside(&d.join("Chart.lock"), ctx)
            && let Some(root) = yaml::parse(lock.text.text()).docs.first()
            && let Some(locked) = dependency(root, &lock, true)
        {
            found.version = locked.version;
            found.exact = true;
            found.file = locked.file;
            found.span = locked.span;
        }
        return Some(Wiring {
            chart: Some(found),
            ..Wiring::default()
        });
    }
    None
}

const CHART: &str = "camunda-platform";

/// A file beside a scanned one (its path comes from the scanned file's, not from what a file
/// says, so it may be absolute), if it exists inside the scanned tree.
fn read_beside(path: &std::path::Path, ctx: &super::Context) -> Option<FileRef> {
    if !path.is_file() {
        return None;
    }
    if !ctx.roots.is_empty() {
        let real = std::fs::canonicalize(path).ok()?;
        if !ctx.roots.iter().any(|r| real.starts_with(r)) {
            return None;
        }
    }
    let text = crate::discover::read_text(path, ctx.max_file_size).ok()?;
    Some(crate::source::SourceFile::read_at(path, text))
}

/// The camunda-platform entry of a `dependencies:` list.
fn dependency(root: &Node, file: &FileRef, exact: bool) -> Option<ChartRef> {
    let deps = root.get("dependencies")?.as_seq()?;
    let dep = deps
        .iter()
        .find(|d| d.get("name").and_then(Node::as_str) == Some(CHART))?;
    let v = dep.get("version")?;
    let key = dep
        .get("alias")
        .and_then(Node::as_str)
        .unwrap_or(CHART)
        .to_string();
    Some(ChartRef {
        version: v.as_str()?.to_string(),
        exact,
        key: Some(key),
        file: file.clone(),
        span: v.span,
    })
}

/// Standard base64 (whitespace ignored) into UTF-8 text.
pub(crate) fn decode_base64(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Node<'_> {
        yaml::parse(text).docs.remove(0)
    }

    #[test]
    fn secret_string_data_wins_over_data() {
        // "c3Ryb25n" is base64 of "strong".
        let d = doc(
            "kind: Secret\nmetadata:\n  name: s\ndata:\n  pw: c3Ryb25n\n  other: b2s=\nstringData:\n  pw: demo\n",
        );
        let o = k8s_object("Secret", &d).unwrap();
        let pw = o.entries.iter().rfind(|e| e.key == "pw").unwrap();
        assert_eq!(pw.value.as_deref(), Some("demo"));
        let other = o.entries.iter().find(|e| e.key == "other").unwrap();
        assert_eq!(other.value.as_deref(), Some("ok"));
    }

    #[test]
    fn invalid_base64_is_unknown() {
        assert_eq!(decode_base64("not base64!"), None);
        assert_eq!(decode_base64("dHJ1\nZQ=="), Some("true".into()));
    }

    #[test]
    fn container_references() {
        let d = doc(
            "kind: Pod\nmetadata:\n  namespace: n\nspec:\n  containers:\n  - name: c\n    env:\n    - name: A\n      value: $(B)\n    - name: P\n      valueFrom:\n        secretKeyRef: {name: s, key: pw, optional: true}\n    envFrom:\n    - prefix: X_\n      configMapRef: {name: cm}\n",
        );
        let c = &d
            .get("spec")
            .unwrap()
            .get("containers")
            .unwrap()
            .as_seq()
            .unwrap()[0];
        let w = k8s_container(&d, c).unwrap();
        assert_eq!(w.namespace.as_deref(), Some("n"));
        assert!(matches!(&w.env[0].source, EnvSource::Value(v) if v == "$(B)"));
        assert!(matches!(
            &w.env[1].source,
            EnvSource::Key { kind: ObjectKind::Secret, key, optional: true, .. } if key == "pw"
        ));
        assert_eq!(w.env_from[0].prefix, "X_");
        assert_eq!(w.env_from[0].kind, ObjectKind::ConfigMap);
    }

    #[test]
    fn compose_pass_through_entries() {
        let d = doc(
            "environment:\n  - A\n  - B=1\nenv_file: [a.env, {path: b.env, required: false}]\n",
        );
        let w = compose_service(&d);
        assert_eq!(w.pass_through.len(), 1);
        assert_eq!(w.pass_through[0].0, "A");
        let files: Vec<_> = w.env_files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(files, ["a.env", "b.env"]);
        let m = doc("environment:\n  A:\n  B: 1\n");
        assert_eq!(compose_service(&m).pass_through[0].0, "A");
    }
}
