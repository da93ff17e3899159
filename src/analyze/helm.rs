//! Values of the camunda-platform Helm chart, checked as written (never rendered).
//!
//! The whole file is one `camunda-helm` component with the chart's literal keys. Each
//! chart section that configures an application (`orchestration`, `zeebe`, `optimize`,
//! ...) also becomes a component of that product, holding its `env:` list, `javaOpts`,
//! and the application configuration embedded in `configuration` /
//! `extraConfiguration`.

use std::path::Path;

use super::config_component;
use super::embedded::embedded;
use super::env::{EnvReader, push_env, reader_for, style_for};
use crate::analyze::collect::Collector;
use crate::discover::{FileKind, classify_name};
use crate::model::analysis::Analysis;
use crate::model::settings::{Component, Form, KeyStyle, Placeholders, Product, Value};
use crate::source::SpanMap;
use crate::syntax::yaml::{Node, NodeKind, Style};

/// Sections that run a Camunda application, with the product they run.
const APP_SECTIONS: &[(&str, Product)] = &[
    ("orchestration", Product::Camunda8),
    ("zeebe", Product::Camunda8),
    ("zeebeGateway", Product::Camunda8),
    ("operate", Product::Camunda8),
    ("tasklist", Product::Camunda8),
    ("identity", Product::Camunda8),
    ("connectors", Product::Camunda8),
    ("optimize", Product::Optimize),
];

/// Does the root look like camunda-platform chart values: a chart section, or a
/// `global:` block with the chart's global settings?
pub(crate) fn is_camunda_chart(root: &Node) -> bool {
    const GLOBAL_KEYS: [&str; 6] = [
        "identity",
        "security",
        "elasticsearch",
        "opensearch",
        "zeebeClusterName",
        "multitenancy",
    ];
    let section = root.as_map().is_some_and(|m| {
        m.iter().any(|(k, _)| {
            k.as_str()
                .is_some_and(|k| crate::discover::HELM_SECTIONS.contains(&k) && k != "global")
        })
    });
    let global = root.get("global").and_then(Node::as_map).is_some_and(|g| {
        g.iter()
            .any(|(k, _)| k.as_str().is_some_and(|k| GLOBAL_KEYS.contains(&k)))
    });
    section || global
}

/// `env:` entries of a Kubernetes container spec: `- name: X` / `value: Y`.
/// `valueFrom` entries are indirect (a Secret or ConfigMap) and skipped.
pub(crate) fn container_env(col: &mut Collector<'_>, reader: EnvReader, env: &Node) {
    let Some(items) = env.as_seq() else { return };
    for item in items {
        let (Some(name_node), Some(value_node)) = (item.get("name"), item.get("value")) else {
            continue;
        };
        let Some(name) = name_node.as_str() else {
            continue;
        };
        let value = match &value_node.kind {
            NodeKind::Scalar(_) if value_node.is_null() => Value::Null,
            NodeKind::Scalar(s) => Value::Text {
                text: (&*s.value).into(),
                quoted: s.style != Style::Plain,
            },
            _ => continue,
        };
        push_env(col, reader, name, value, name_node.span, value_node.span);
    }
}

fn embedded_config(
    a: &mut Analysis,
    c: &mut Component,
    product: Product,
    file_name: &str,
    node: &Node,
) {
    // The file, not a copy of its text: a values file can hold many embedded configs.
    let file = a.file.clone();
    let Some((text, map)) = embedded(file.text.text(), node) else {
        return;
    };
    if text.trim().is_empty() {
        return;
    }
    let kind = classify_name(Path::new(file_name)).unwrap_or(match product {
        Product::Optimize => FileKind::Optimize,
        _ => FileKind::SpringYaml,
    });
    if let Some(inner) = config_component(a, kind, &text, map, Path::new(file_name)) {
        // Same process: the embedded file's settings belong to the section.
        c.settings.extend(inner.settings);
        c.sections.extend(inner.sections);
        for p in inner.products {
            if !c.products.contains(&p) {
                c.products.push(p);
            }
        }
    }
}

pub fn analyze(a: &mut Analysis, root: &Node) {
    let file = a.file.clone();
    let chart = is_camunda_chart(root);
    let products = if chart {
        vec![Product::CamundaHelm]
    } else {
        Vec::new()
    };
    let mut whole = Component::new(file.clone(), products, super::anchor(&a.file));
    whole.style = KeyStyle::Literal;
    whole.partial = true;
    Collector {
        component: &mut whole,
        form: Form::Yaml,
        placeholders: Placeholders::None,
        file: file.clone(),
        map: SpanMap::Identity,
    }
    .yaml("", root);
    a.components.push(whole);
    if !chart {
        return;
    }
    for (name, product) in APP_SECTIONS {
        let Some((key, section)) = root.get_entry(name) else {
            continue;
        };
        if section.as_map().is_none() {
            continue;
        }
        let reader = reader_for(&[*product]);
        let mut c = Component::new(file.clone(), vec![*product], key.span);
        c.name = Some((*name).to_string());
        c.style = style_for(reader);
        c.partial = true;
        {
            let mut col = Collector {
                component: &mut c,
                form: Form::EnvVar,
                placeholders: Placeholders::Spring,
                file: file.clone(),
                map: SpanMap::Identity,
            };
            if let Some(env) = section.get("env") {
                container_env(&mut col, reader, env);
            }
            if let Some(opts) = section.get("javaOpts")
                && let Some(text) = opts.as_str()
            {
                push_env(
                    &mut col,
                    reader,
                    "JAVA_TOOL_OPTIONS",
                    Value::text(text),
                    opts.span,
                    opts.span,
                );
            }
        }
        if let Some(conf) = section.get("configuration")
            && conf.as_scalar().is_some()
        {
            let file_name = if *product == Product::Optimize {
                "environment-config.yaml"
            } else {
                "application.yaml"
            };
            embedded_config(a, &mut c, *product, file_name, conf);
        }
        if let Some(extra) = section.get("extraConfiguration") {
            // 8.6-8.8: a map of file name -> content (older charts: a list of {file, content}).
            let entries: Vec<(String, &Node)> = match &extra.kind {
                NodeKind::Map(m) => m
                    .iter()
                    .filter_map(|(k, v)| k.as_str().map(|k| (k.to_string(), v)))
                    .collect(),
                NodeKind::Seq(items) => items
                    .iter()
                    .filter_map(|i| Some((i.get("file")?.as_str()?.to_string(), i.get("content")?)))
                    .collect(),
                NodeKind::Scalar(_) => Vec::new(),
            };
            for (file_name, content) in entries {
                if classify_name(Path::new(&file_name)).is_some() {
                    embedded_config(a, &mut c, *product, &file_name, content);
                }
            }
        }
        if !c.settings.is_empty() {
            a.components.push(c);
        }
    }
}
