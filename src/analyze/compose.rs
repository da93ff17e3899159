//! Docker Compose files: one component per service.

use std::path::Path;

use super::embedded::embedded;
use super::env::{EnvReader, push_env, reader_for, style_for};
use crate::analyze::collect::{Collector, spring_products};
use crate::model::analysis::Analysis;
use crate::model::file_kind::FileKind;
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
        text: val.into(),
        quoted: false,
    };
    Some((name.to_string(), value, ks, vs))
}

fn map_entry_value(v: &Node) -> Option<Value> {
    match &v.kind {
        // `KEY:` without a value passes the host's value through: nothing to check.
        NodeKind::Scalar(_) if v.is_null() => None,
        NodeKind::Scalar(s) => Some(Value::Text {
            text: (&*s.value).into(),
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
fn ports(node: &Node, file: &FileRef) -> Vec<PublishedPort> {
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
                    file: file.clone(),
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
                file: file.clone(),
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

/// Settings that `env_file`s may add to the services of one compose file: each service
/// gets every variable of its env_files, so many services sharing a large one would
/// multiply them without bound.
pub(crate) const MAX_ENV_FILE_SETTINGS: usize = 200_000;

/// The env_files of one compose document: each read and parsed once, however many
/// services name it.
#[derive(Default)]
struct EnvFiles {
    read: std::collections::HashMap<std::path::PathBuf, Option<(FileRef, dotenv_flat::FlatFile)>>,
    added: usize,
    limit_reported: bool,
}

use crate::source::FileRef;
use crate::syntax::flat as dotenv_flat;

impl EnvFiles {
    /// The variables of a service's `env_file` entries, or a problem that fails the gate
    /// for each one camguard could not check: missing, outside the scanned tree, or named
    /// with `${...}` interpolation (compose resolves it from the host's environment,
    /// which camguard never reads). An entry with `required: false` may be absent.
    fn add(
        &mut self,
        a: &mut Analysis,
        c: &mut Component,
        reader: EnvReader,
        service: &str,
        node: &Node,
        ctx: &super::Context,
    ) {
        let file = a.file.clone();
        for (rel, span, required) in env_file_paths(node) {
            let unchecked = |why: String| {
                Problem::at(
                    ProblemKind::MissingReference,
                    &file,
                    span,
                    format!(
                        "env_file `{rel}` of service `{service}` {why}; its variables were not checked"
                    ),
                )
            };
            if rel.contains('$') {
                if required {
                    a.problems.push(unchecked(
                        "is named with interpolation, which camguard does not resolve (compose takes it from the environment)".into(),
                    ));
                }
                continue;
            }
            let base = file.path.parent().unwrap_or(Path::new(""));
            let path = base.join(&rel);
            if !self.read.contains_key(&path) {
                let entry = match ctx.read_related(base, &rel) {
                    Ok(env_file) => {
                        let flat = dotenv::parse_dotenv(env_file.text.text());
                        for issue in &flat.issues {
                            a.problems.push(Problem::at(
                                ProblemKind::Syntax,
                                &env_file,
                                issue.span,
                                format!("env_file of service `{service}`: {}", issue.message),
                            ));
                        }
                        Some((env_file, flat))
                    }
                    Err(p) if !required && p.kind == ProblemKind::Io && !path.exists() => None,
                    Err(p) => {
                        let why = if p.kind == ProblemKind::Io && !path.exists() {
                            "is not in the scanned tree".to_string()
                        } else {
                            format!("could not be read: {}", p.message)
                        };
                        a.problems.push(unchecked(why));
                        None
                    }
                };
                self.read.insert(path.clone(), entry);
            }
            let Some((env_file, flat)) = self.read.get(&path).and_then(Option::as_ref) else {
                continue;
            };
            if self.added + flat.entries.len() > MAX_ENV_FILE_SETTINGS {
                if !self.limit_reported {
                    self.limit_reported = true;
                    a.problems.push(Problem::at(
                        ProblemKind::Limit,
                        &file,
                        span,
                        format!(
                            "the env_files of this file's services add more than {MAX_ENV_FILE_SETTINGS} settings; those of service `{service}` and later ones were not checked"
                        ),
                    ));
                }
                continue;
            }
            self.added += flat.entries.len();
            let mut col = Collector {
                component: c,
                form: Form::EnvVar,
                placeholders: Placeholders::Compose,
                file: env_file.clone(),
                map: SpanMap::Identity,
            };
            for e in &flat.entries {
                let value = Value::Text {
                    text: e.value.as_str().into(),
                    quoted: e.quoted,
                };
                push_env(&mut col, reader, &e.key, value, e.key_span, e.value_span);
            }
        }
    }
}

/// Normalise a compose document into one component per service.
pub fn analyze(a: &mut Analysis, root: &Node, ctx: &super::Context) {
    let file = a.file.clone();
    let src = file.text.text();
    a.includes.extend(super::mounts::includes(root));
    let Some(services) = root.get("services").and_then(Node::as_map) else {
        return;
    };
    let configs = super::mounts::Configs::new(root.get("configs"));
    let mut env_files = EnvFiles::default();
    // Inline configs read as files of their own: (name, kind, the first target that gives
    // the kind, content).
    let mut inline: Vec<(&str, FileKind, String, &Node)> = Vec::new();
    // (a set: a hostile file may mount many configs in many services)
    let mut inline_names: crate::model::hashing::FastSet<&str> = Default::default();
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
            c.ports = ports(p, &file);
        }
        let mut w = super::wiring::compose_service(svc);
        w.mounts = super::mounts::compose(svc, &configs);
        w.run_production = super::mounts::passes_production(svc.get("command"));
        w.extends = super::mounts::extends(svc);
        c.wiring = Some(Box::new(w));
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
            env_files.add(a, &mut c, reader, name, ef, ctx);
        }
        if let Some(i) = svc.get("image") {
            let command = svc.get("command").is_some() || svc.get("entrypoint").is_some();
            super::image_defaults::apply(&mut c, image, i.span, command);
        }
        // Inline configs mounted as an application.yaml are that file's settings; other
        // configuration files given inline are components of their own (below).
        if let Some(refs) = svc.get("configs").and_then(Node::as_seq) {
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
                if looks_like_application_config(source, target) && reader == EnvReader::Spring {
                    embed_spring(a, &mut c, src, content);
                } else if let Some((kind, path)) = inline_file_kind(source, target)
                    && inline_names.insert(source)
                {
                    inline.push((source, kind, path, content));
                }
            }
        }
        if c.style == KeyStyle::Relaxed {
            let mut ps = spring_products(&c, false);
            ps.retain(|p| !c.products.contains(p));
            c.products.extend(ps);
        }
        a.components.push(c);
    }
    for (name, kind, path, content) in inline {
        inline_config(a, src, &configs, name, kind, &path, content);
    }
}

/// The kind of configuration file an inline config is when a service mounts it at
/// `target` (or at `/<name>`), with that path, if it is a file camguard reads as one: an
/// `application.yaml` a Spring Boot service mounts is read into the service instead
/// (`embed_spring`).
fn inline_file_kind(name: &str, target: Option<&str>) -> Option<(FileKind, String)> {
    let target = super::mounts::config_target(name, target);
    match crate::discover::classify_name(Path::new(&target))? {
        k @ (FileKind::SpringYaml
        | FileKind::SpringProperties
        | FileKind::Elasticsearch
        | FileKind::Opensearch
        | FileKind::Optimize) => Some((k, target)),
        _ => None,
    }
}

/// An inline config read as the file a service mounts it as: the component `configs/<name>`,
/// judged as that file unless a service's deployment takes it as a layer (`deploy::mounts`),
/// as a ConfigMap entry is. Compose interpolates `${...}` in `content` before the container
/// reads it ([DD-CFG] Example 3: "Compose infers variables when creating the config"), so its
/// values take compose placeholders: one without a default is decided elsewhere.
fn inline_config(
    a: &mut Analysis,
    src: &str,
    configs: &super::mounts::Configs<'_>,
    name: &str,
    kind: FileKind,
    path: &str,
    content: &Node,
) {
    let Some((text, map)) = embedded(src, content) else {
        return;
    };
    let Some(mut c) = super::config_component(a, kind, &text, map, Path::new(path)) else {
        return;
    };
    for s in &mut c.settings {
        s.placeholders = Placeholders::Compose;
    }
    c.name = Some(format!("configs/{name}"));
    if let Some(k) = configs.key(name) {
        c.anchor = k.span;
    }
    a.components.push(c);
}

/// Parse an embedded application.yaml into a component, spans mapped back (its
/// duplicate keys, syntax errors and comments count as the file's own).
pub(crate) fn embed_spring(a: &mut Analysis, c: &mut Component, src: &str, content: &Node) {
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
