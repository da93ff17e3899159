//! Docker Compose files: one component per service.

use std::path::Path;

use super::embedded::embedded;
use super::env::{EnvReader, push_env, reader_for, style_for};
use crate::analyze::collect::{Collector, spring_products};
use crate::model::analysis::Analysis;
use crate::model::problem::{Problem, ProblemKind};
use crate::model::settings::{
    Component, Form, KeyStyle, Placeholders, Product, PublishedPort, Value,
};
use crate::source::Span;
use crate::source::SpanMap;
use crate::syntax::dotenv;
use crate::syntax::yaml::{Node, NodeKind, Style};

/// Split `KEY=value` of a list-form environment entry into spans.
fn split_list_entry(src: &str, node: &Node) -> Option<(String, Value, Span, Span)> {
    let s = node.as_scalar()?;
    let text = &s.value;
    let (name, val) = match text.split_once('=') {
        Some((n, v)) => (n.trim(), Some(v)),
        None => (text.trim(), None),
    };
    // `- KEY` alone passes the host's value through: nothing to check.
    let val = val?;
    let raw = src.get(node.span.range()).unwrap_or("");
    let inner_start = match s.style {
        Style::SingleQuoted | Style::DoubleQuoted => node.span.start + 1,
        _ => node.span.start,
    };
    let verbatim = match s.style {
        Style::Plain => raw == text,
        Style::SingleQuoted | Style::DoubleQuoted => {
            raw.len() >= 2 && &raw[1..raw.len() - 1] == text
        }
        _ => false,
    };
    let (ks, vs) = if verbatim {
        let name_off = text.find(name).unwrap_or(0);
        let v_off = text.find('=').map_or(text.len(), |i| i + 1);
        (
            Span::new(inner_start + name_off, inner_start + name_off + name.len()),
            Span::new(inner_start + v_off, inner_start + text.len()),
        )
    } else {
        (node.span, node.span)
    };
    let value = Value::Text {
        text: val.to_string(),
        quoted: false,
    };
    Some((name.to_string(), value, ks, vs))
}

fn map_entry_value(v: &Node) -> Option<Value> {
    match &v.kind {
        // `KEY:` without a value passes the host's value through: nothing to check.
        NodeKind::Scalar(_) if v.is_null() => None,
        NodeKind::Scalar(s) => Some(Value::Text {
            text: s.value.clone(),
            quoted: s.style != Style::Plain,
        }),
        _ => None,
    }
}

/// The environment of a service, in list or map form.
fn environment(col: &mut Collector<'_>, reader: EnvReader, src: &str, env: &Node) {
    match &env.kind {
        NodeKind::Seq(items) => {
            for item in items {
                if let Some((name, value, ks, vs)) = split_list_entry(src, item) {
                    push_env(col, reader, &name, value, ks, vs);
                }
            }
        }
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                let (Some(name), Some(value)) = (k.as_str(), map_entry_value(v)) else {
                    continue;
                };
                push_env(col, reader, name, value, k.span, v.span);
            }
        }
        NodeKind::Scalar(_) => {}
    }
}

fn env_file_paths(node: &Node) -> Vec<(String, Span, bool)> {
    let one = |n: &Node| -> Option<(String, Span, bool)> {
        if let Some(s) = n.as_str() {
            return Some((s.to_string(), n.span, true));
        }
        let path = n.get("path")?;
        let required = n.get("required").and_then(Node::as_str) != Some("false");
        Some((path.as_str()?.to_string(), path.span, required))
    };
    match &node.kind {
        NodeKind::Seq(items) => items.iter().filter_map(one).collect(),
        _ => one(node).into_iter().collect(),
    }
}

fn port_number(s: &str) -> Option<u16> {
    s.split('-').next()?.trim().parse().ok()
}

/// Parse `ports:` entries: `"9200:9200"`, `"127.0.0.1:9200:9200"`, `9200`, long syntax.
fn ports(node: &Node) -> Vec<PublishedPort> {
    let mut out = Vec::new();
    let Some(items) = node.as_seq() else {
        return out;
    };
    for item in items {
        if let Some(text) = item.as_str() {
            let t = text.split('/').next().unwrap_or(text);
            // IPv6 host IPs come in brackets.
            let (host_ip, rest) = if let Some(r) = t.strip_prefix('[') {
                match r.split_once("]:") {
                    Some((ip, rest)) => (Some(format!("[{ip}]")), rest),
                    None => (None, t),
                }
            } else {
                (None, t)
            };
            let parts: Vec<&str> = rest.split(':').collect();
            let (host_ip, container) = match (host_ip, parts.as_slice()) {
                (Some(ip), [_, c]) => (Some(ip), *c),
                (None, [ip, _, c]) => (Some((*ip).to_string()), *c),
                (None, [_, c]) => (None, *c),
                (None, [c]) => (None, *c),
                _ => continue,
            };
            if let Some(container) = port_number(container) {
                out.push(PublishedPort {
                    container,
                    host_ip,
                    text: text.to_string(),
                    span: item.span,
                });
            }
        } else if item.as_map().is_some() {
            let Some(container) = item
                .get("target")
                .and_then(Node::as_str)
                .and_then(port_number)
            else {
                continue;
            };
            if item.get("published").is_none() {
                continue;
            }
            out.push(PublishedPort {
                container,
                host_ip: item.get("host_ip").and_then(Node::as_str).map(String::from),
                text: format!("target: {container}"),
                span: item.get("published").map_or(item.span, |n| n.span),
            });
        }
    }
    out
}

fn looks_like_application_config(name: &str, target: Option<&str>) -> bool {
    let t = target.unwrap_or("").to_ascii_lowercase();
    let n = name.to_ascii_lowercase();
    let file = t.rsplit('/').next().unwrap_or("");
    (file.starts_with("application") && (file.ends_with(".yaml") || file.ends_with(".yml")))
        || (t.is_empty() && n.contains("application"))
}

/// Normalise a compose document into one component per service.
pub fn analyze(a: &mut Analysis, root: &Node, ctx: &super::Context) {
    let file = a.file.clone();
    let src = file.text.text();
    let Some(services) = root.get("services").and_then(Node::as_map) else {
        return;
    };
    let configs = root.get("configs");
    for (svc_key, svc) in services {
        let Some(name) = svc_key.as_str() else {
            continue;
        };
        let image = svc.get("image").and_then(Node::as_str).unwrap_or("");
        let mut products = ctx.image_products(image);
        let reader = reader_for(&products);
        products.push(Product::Compose);
        let mut c = Component::new(file.clone(), products, svc_key.span);
        super::versions::from_image(&mut c, image);
        c.name = Some(name.to_string());
        c.style = style_for(reader);
        c.partial = true;
        c.anchor = svc_key.span;
        if let Some(p) = svc.get("ports") {
            c.ports = ports(p);
        }
        c.wiring = Some(Box::new(super::wiring::compose_service(svc)));
        {
            let mut col = Collector {
                component: &mut c,
                form: Form::EnvVar,
                placeholders: Placeholders::Compose,
                file: file.clone(),
                map: SpanMap::Identity,
            };
            if let Some(env) = svc.get("environment") {
                environment(&mut col, reader, src, env);
            }
        }
        if let Some(ef) = svc.get("env_file") {
            for (rel, span, required) in env_file_paths(ef) {
                let base = file.path.parent().unwrap_or(Path::new(""));
                let path = base.join(&rel);
                match ctx.read_related(&path) {
                    Ok(env_file) => {
                        let flat = dotenv::parse_dotenv(env_file.text.text());
                        let mut col = Collector {
                            component: &mut c,
                            form: Form::EnvVar,
                            placeholders: Placeholders::Compose,
                            file: env_file.clone(),
                            map: SpanMap::Identity,
                        };
                        for e in &flat.entries {
                            let value = Value::Text {
                                text: e.value.clone(),
                                quoted: e.quoted,
                            };
                            push_env(&mut col, reader, &e.key, value, e.key_span, e.value_span);
                        }
                    }
                    Err(p) if required && !rel.contains('$') => {
                        let (kind, why) = if p.kind == ProblemKind::Io && !path.exists() {
                            (
                                ProblemKind::MissingReference,
                                "is not in the scanned tree".to_string(),
                            )
                        } else {
                            (p.kind, format!("could not be read: {}", p.message))
                        };
                        a.problems.push(Problem::at(
                            kind,
                            &file,
                            span,
                            format!("env_file `{rel}` of service `{name}` {why}; its variables were not checked"),
                        ))
                    }
                    Err(_) => {}
                }
            }
        }
        // Inline configs mounted as an application.yaml are that file's settings.
        if let (Some(refs), Some(configs)) = (svc.get("configs").and_then(Node::as_seq), configs) {
            for r in refs {
                let (source, target) = match r.as_str() {
                    Some(s) => (s, None),
                    None => (
                        r.get("source").and_then(Node::as_str).unwrap_or(""),
                        r.get("target").and_then(Node::as_str),
                    ),
                };
                let Some(content) = configs.get(source).and_then(|c| c.get("content")) else {
                    continue;
                };
                if !looks_like_application_config(source, target) || reader != EnvReader::Spring {
                    continue;
                }
                embed_spring(a, &mut c, src, content);
            }
        }
        if c.style == KeyStyle::Relaxed {
            let mut ps = spring_products(&c, false);
            ps.retain(|p| !c.products.contains(p));
            c.products.extend(ps);
        }
        a.components.push(c);
    }
}

/// Parse an embedded application.yaml into a component, spans mapped back (its
/// duplicate keys, syntax errors and comments count as the file's own).
pub fn embed_spring(a: &mut Analysis, c: &mut Component, src: &str, content: &Node) {
    let Some((text, map)) = embedded(src, content) else {
        return;
    };
    let docs = super::parse_yaml_text(a, &text, &map);
    let mut col = Collector {
        component: c,
        form: Form::Yaml,
        placeholders: Placeholders::Spring,
        file: a.file.clone(),
        map,
    };
    for d in &docs {
        col.yaml("", d);
    }
}
