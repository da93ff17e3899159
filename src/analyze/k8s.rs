//! Kubernetes manifests (and `helm template` output): one component per container,
//! holding its literal `env` values, and one per ConfigMap entry that holds a
//! configuration file.

use std::path::Path;

use super::config_component;
use super::embedded::embedded;
use super::env::{reader_for, style_for};
use super::helm::container_env;
use crate::analyze::collect::Collector;
use crate::discover::classify_name;
use crate::model::analysis::Analysis;
use crate::model::settings::{Component, Form, KeyStyle, Placeholders, Product};
use crate::source::SpanMap;
use crate::syntax::yaml::Node;

/// Where the pod spec sits in each workload kind.
fn pod_spec<'a, 't>(kind: &str, doc: &'a Node<'t>) -> Option<&'a Node<'t>> {
    let spec = doc.get("spec")?;
    match kind {
        "Pod" => Some(spec),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "Job"
        | "ReplicationController" => spec.get("template")?.get("spec"),
        "CronJob" => spec
            .get("jobTemplate")?
            .get("spec")?
            .get("template")?
            .get("spec"),
        _ => None,
    }
}

pub fn analyze(a: &mut Analysis, doc: &Node, ctx: &super::Context) {
    let Some(kind) = doc.get("kind").and_then(Node::as_str) else {
        return;
    };
    let name = doc
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .unwrap_or("?")
        .to_string();
    if kind == "List" {
        if let Some(items) = doc.get("items").and_then(Node::as_seq) {
            for i in items {
                analyze(a, i, ctx);
            }
        }
        return;
    }
    a.objects.extend(super::wiring::k8s_object(kind, doc));
    if kind == "ConfigMap" {
        config_files(a, "ConfigMap", &name, doc.get("data"));
        return;
    }
    if kind == "Elasticsearch"
        && doc
            .get("apiVersion")
            .and_then(Node::as_str)
            .is_some_and(|v| v.starts_with("elasticsearch.k8s.elastic.co/"))
    {
        eck_elasticsearch(a, &name, doc);
        return;
    }
    if kind == "Secret" {
        // Only `stringData` is text in the file; a base64 `data` entry has no span to point
        // at inside it, so a Secret volume of one stays unknown (deploy/mounts.rs).
        config_files(a, "Secret", &name, doc.get("stringData"));
        return;
    }
    let Some(spec) = pod_spec(kind, doc) else {
        return;
    };
    let file = a.file.clone();
    for list in ["initContainers", "containers"] {
        let Some(containers) = spec.get(list).and_then(Node::as_seq) else {
            continue;
        };
        for container in containers {
            let image = container.get("image").and_then(Node::as_str).unwrap_or("");
            let products = ctx.image_products(image);
            let reader = reader_for(&products);
            let cname = container.get("name").and_then(Node::as_str).unwrap_or("?");
            let anchor = container.get("name").map_or(container.span, |n| n.span);
            let mut c = Component::new(file.clone(), products, anchor);
            super::versions::from_image(&mut c, image);
            c.name = Some(format!("{kind}/{name}/{cname}"));
            c.style = style_for(reader);
            c.partial = true;
            c.wiring = super::wiring::k8s_container(doc, container).map(Box::new);
            let mounts = super::mounts::k8s(spec, container);
            if !mounts.is_empty() {
                let w = c.wiring.get_or_insert_with(|| {
                    Box::new(super::wiring::k8s_container_bare(doc, container))
                });
                w.mounts = mounts;
                w.run_production = ["command", "args"]
                    .iter()
                    .any(|k| super::mounts::passes_production(container.get(k)));
            }
            if let Some(env) = container.get("env") {
                let mut col = Collector {
                    component: &mut c,
                    form: Form::EnvVar,
                    placeholders: Placeholders::Spring,
                    file: file.clone(),
                    map: SpanMap::Identity,
                };
                container_env(&mut col, reader, env);
            }
            if let Some(i) = container.get("image") {
                let command = container.get("command").is_some() || container.get("args").is_some();
                super::image_defaults::apply(&mut c, image, i.span, command);
            }
            if !c.settings.is_empty() || c.wiring.is_some() {
                if c.style == crate::model::settings::KeyStyle::Relaxed {
                    let mut ps = crate::analyze::collect::spring_products(&c, false);
                    ps.retain(|p| !c.products.contains(p));
                    c.products.extend(ps);
                }
                a.components.push(c);
            }
        }
    }
}

/// ConfigMap `data` and Secret `stringData` entries named like a configuration file are
/// that file (a volume of the object mounts it under the key's name).
fn config_files(a: &mut Analysis, object: &str, name: &str, data: Option<&Node>) {
    let Some(data) = data.and_then(Node::as_map) else {
        return;
    };
    let src = a.file.text.text().to_string();
    for (k, v) in data {
        let Some(key) = k.as_str() else { continue };
        let Some(kind) = classify_name(Path::new(key)) else {
            continue;
        };
        let Some((text, map)) = embedded(&src, v) else {
            continue;
        };
        if let Some(mut c) = config_component(a, kind, &text, map, Path::new(key)) {
            c.name = Some(format!("{object}/{name}/{key}"));
            c.anchor = k.span;
            a.components.push(c);
        }
    }
}

/// An ECK `Elasticsearch` resource (`elasticsearch.k8s.elastic.co/v1`): one component for its
/// `spec.http` (the operator's TLS switches) and one per `spec.nodeSets[].config`, which is
/// that node set's `elasticsearch.yml`. The operator merges the user's `config` over its own
/// settings, so the user's values win ([ECK] `pkg/controller/elasticsearch/settings/
/// merged_config.go`: "The user provided config overrides have precedence over the ECK
/// config"). Both are partial: the operator sets keys that are not in the file (security, TLS),
/// so a key absent here is not at its Elasticsearch default.
fn eck_elasticsearch(a: &mut Analysis, name: &str, doc: &Node) {
    let Some(spec) = doc.get("spec") else {
        return;
    };
    let file = a.file.clone();
    // `spec.version` is required by the CRD and names the Elasticsearch release.
    let version = spec.get("version").and_then(|v| {
        let text = v.as_str()?;
        let parsed = crate::model::version::Version::parse(text.trim())?;
        Some(crate::model::version::KnownVersion {
            product: Product::Elasticsearch,
            version: parsed,
            source: crate::model::version::VersionSource::Field(format!(
                "`spec.version: {}` of Elasticsearch/{name}",
                text.trim()
            )),
        })
    });
    let new = |anchor| {
        let mut c = Component::new(file.clone(), vec![Product::Elasticsearch], anchor);
        c.style = KeyStyle::Literal;
        c.partial = true;
        if let Some(v) = &version {
            c.add_version(v.clone());
        }
        c
    };
    if let Some((k, http)) = spec
        .as_map()
        .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some("http")))
    {
        let mut c = new(k.span);
        c.name = Some(format!("Elasticsearch/{name}"));
        let mut col = Collector {
            component: &mut c,
            form: Form::Yaml,
            placeholders: Placeholders::None,
            file: file.clone(),
            map: SpanMap::Identity,
        };
        col.yaml("spec.http", http);
        if !c.settings.is_empty() {
            a.components.push(c);
        }
    }
    // [ECK] pkg/apis/common/v1/common.go `TLSOptions.Enabled()`: `selfSigned == nil ||
    // !selfSigned.Disabled || tls.Certificate.SecretName != ""`.
    let tls = spec.get("http").and_then(|h| h.get("tls"));
    let self_signed_disabled = tls
        .and_then(|t| t.get("selfSignedCertificate"))
        .and_then(|s| s.get("disabled"))
        .and_then(Node::as_str)
        .is_some_and(|d| d.trim().eq_ignore_ascii_case("true"));
    let own_certificate = tls
        .and_then(|t| t.get("certificate"))
        .and_then(|c| c.get("secretName"))
        .and_then(Node::as_str)
        .is_some_and(|n| !n.trim().is_empty());
    let http_tls = !self_signed_disabled || own_certificate;
    let Some(sets) = spec.get("nodeSets").and_then(Node::as_seq) else {
        return;
    };
    for (i, set) in sets.iter().enumerate() {
        let Some((k, config)) = set
            .as_map()
            .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some("config")))
        else {
            continue;
        };
        let set_name = set.get("name").and_then(Node::as_str).unwrap_or("?");
        let mut c = new(k.span);
        c.name = Some(format!(
            "Elasticsearch/{name}/nodeSets[{i}]/{set_name}/config"
        ));
        let mut col = Collector {
            component: &mut c,
            form: Form::Yaml,
            placeholders: Placeholders::None,
            file: file.clone(),
            map: SpanMap::Identity,
        };
        col.yaml("", config);
        // The operator writes `xpack.security.http.ssl.enabled` from `spec.http.tls` below
        // the user's config ([ECK] merged_config.go `xpackConfig`: `httpCfg.TLS.Enabled()`);
        // with TLS on, rules that ask whether HTTPS is on (ES007, ES010) see it.
        if http_tls
            && !c
                .settings
                .iter()
                .any(|s| s.match_key == "xpack.security.http.ssl.enabled")
        {
            c.settings.push(super::image_defaults::implied_setting(
                &file,
                "xpack.security.http.ssl.enabled",
                "true",
                k.span,
                Form::Yaml,
                format!("ECK enables it for Elasticsearch/{name}: `spec.http.tls` keeps TLS on"),
            ));
        }
        if !c.settings.is_empty() {
            a.components.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::{Context, analyze};
    use crate::model::file_kind::FileKind;
    use crate::model::version::VersionSource;
    use crate::source::SourceFile;

    /// An ECK node set's `config` is read in place: its settings' spans are the manifest's
    /// text of the key and the value, flattened or nested, and the version is `spec.version`.
    #[test]
    fn eck_node_set_config_keeps_manifest_spans_and_version() {
        let src = "apiVersion: elasticsearch.k8s.elastic.co/v1\nkind: Elasticsearch\nmetadata:\n  name: qs\nspec:\n  version: 7.17.3\n  http:\n    tls:\n      selfSignedCertificate:\n        disabled: true\n  nodeSets:\n    - name: a\n      config:\n        xpack.security.enabled: false\n    - name: b\n      config:\n        xpack:\n          security:\n            transport.ssl.verification_mode: none\n";
        let file = SourceFile::new("es.yaml", src.to_string());
        let a = analyze(file, FileKind::K8s, &Context::default());
        let names: Vec<_> = a.components.iter().filter_map(|c| c.name.clone()).collect();
        assert_eq!(
            names,
            [
                "Elasticsearch/qs",
                "Elasticsearch/qs/nodeSets[0]/a/config",
                "Elasticsearch/qs/nodeSets[1]/b/config"
            ]
        );
        let text = |key: &str| {
            let s = a
                .components
                .iter()
                .flat_map(|c| &c.settings)
                .find(|s| s.key == key)
                .unwrap_or_else(|| panic!("no {key}"));
            (
                src[s.key_span.range()].to_string(),
                src[s.value_span.range()].to_string(),
            )
        };
        assert_eq!(
            text("xpack.security.enabled"),
            ("xpack.security.enabled".into(), "false".into())
        );
        assert_eq!(
            text("xpack.security.transport.ssl.verification_mode"),
            ("transport.ssl.verification_mode".into(), "none".into())
        );
        assert_eq!(
            text("spec.http.tls.selfSignedCertificate.disabled"),
            ("disabled".into(), "true".into())
        );
        for c in &a.components {
            assert!(c.partial, "{:?}", c.name);
            let v = &c.versions[0];
            assert_eq!(v.version.to_string(), "7.17.3");
            assert!(matches!(&v.source, VersionSource::Field(f) if f.contains("spec.version")));
        }
        // TLS is disabled: the operator writes no `xpack.security.http.ssl.enabled: true`.
        assert!(
            a.components
                .iter()
                .flat_map(|c| &c.settings)
                .all(|s| s.key != "xpack.security.http.ssl.enabled")
        );
    }
}
