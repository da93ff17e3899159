//! Kubernetes containers: `envFrom` and `valueFrom` resolved against the ConfigMaps and
//! Secrets of every file of the scan, `$(VAR)` expanded (docs/deployments.md §5).
//!
//! The environment is built as kubelet builds it ([KUBELET] `makeEnvironmentVariables`):
//! every `envFrom` source in order (a later source wins for the same key, `prefix`
//! prepended, keys that are no variable name skipped), then `env` in order, each `value`
//! expanded from what is defined so far; `env` wins over `envFrom` ([K8S-API]). A
//! reference to an object or key that is not in the scanned tree is unknown, never absent.

use std::collections::HashMap;

use super::expand::expand;
use super::merge::{Candidate, merge};
use crate::analyze::collect::{Collector, spring_products};
use crate::analyze::env::{push_env, reader_for};
use crate::model::analysis::Analysis;
use crate::model::deployment::{Deployment, DeploymentKind, Layer};
use crate::model::settings::{Component, Form, KeyStyle, Placeholders, Related, Value};
use crate::model::wiring::{EnvSource, K8sObject, ObjectKind, Wiring};
use crate::source::{FileRef, Span, SpanMap};

/// Every ConfigMap and Secret of the scan, by kind and name.
#[derive(Default)]
pub(crate) struct Objects<'a> {
    by_name: HashMap<(ObjectKind, &'a str), Vec<(&'a K8sObject, &'a FileRef)>>,
}

impl<'a> Objects<'a> {
    pub fn new(analyses: &[&'a Analysis]) -> Self {
        let mut o = Objects::default();
        for a in analyses {
            for obj in &a.objects {
                o.by_name
                    .entry((obj.kind, obj.name.as_str()))
                    .or_default()
                    .push((obj, &a.file));
            }
        }
        o
    }

    /// The object a reference names: in the workload's namespace, else one without a
    /// namespace (or any, when the workload names none). The first in path order.
    pub(crate) fn find(
        &self,
        kind: ObjectKind,
        name: &str,
        ns: Option<&str>,
    ) -> Option<(&'a K8sObject, &'a FileRef)> {
        let all = self.by_name.get(&(kind, name))?;
        all.iter()
            .find(|(o, _)| o.namespace.as_deref() == ns)
            .or_else(|| {
                all.iter()
                    .find(|(o, _)| o.namespace.is_none() || ns.is_none())
            })
            .copied()
    }
}

/// A variable of the container's environment, as far as it is known.
#[derive(Clone)]
struct Var {
    name: String,
    /// `None`: unknown.
    value: Option<String>,
    file: FileRef,
    key_span: Span,
    value_span: Span,
    layer: usize,
    related: Vec<Related>,
    unknown: Option<String>,
    secret: bool,
}

/// Kubernetes accepts these as variable names ([K8S-CM]: keys that are not are skipped).
fn valid_name(n: &str) -> bool {
    let mut chars = n.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '-' || c == '.')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The container's environment as kubelet builds it.
struct Env<'a, 'o> {
    a: &'a Analysis,
    objects: &'a Objects<'o>,
    ns: Option<&'a str>,
    layers: Vec<Layer>,
    notes: Vec<String>,
    vars: Vec<Var>,
}

impl Env<'_, '_> {
    /// A variable defined again replaces the earlier one.
    fn set(&mut self, v: Var) {
        self.vars.retain(|x| x.name != v.name);
        self.vars.push(v);
    }

    fn get(&self, name: &str) -> Option<&Var> {
        self.vars.iter().find(|v| v.name == name)
    }

    /// One `envFrom` source: a layer of its own.
    fn env_from(&mut self, ef: &crate::model::wiring::EnvFrom) {
        let what = format!("envFrom {} `{}`", ef.kind.id(), ef.name);
        let Some((obj, file)) = self.objects.find(ef.kind, &ef.name, self.ns) else {
            self.notes.push(if ef.optional {
                format!("{what} (optional) is not in the scanned tree: the variables it may set are unknown")
            } else {
                format!("{what} is not in the scanned tree: the variables it sets are unknown")
            });
            return;
        };
        let layer = self.layers.len();
        self.layers.push(Layer {
            file: file.clone(),
            what: format!("{what} ({})", file.display_path()),
            precedence: layer as u32 + 1,
        });
        for e in &obj.entries {
            let name = format!("{}{}", ef.prefix, e.key);
            if !valid_name(&name) {
                continue;
            }
            let unknown = e
                .value
                .is_none()
                .then(|| format!("key `{}` of {what}, which is not valid base64 text", e.key));
            self.set(Var {
                name,
                value: e.value.clone(),
                file: file.clone(),
                key_span: e.key_span,
                value_span: e.value_span,
                layer,
                related: vec![Related {
                    file: self.a.file.clone(),
                    span: ef.span,
                    label: format!("`envFrom` reads {} `{}`", ef.kind.id(), ef.name),
                }],
                unknown,
                secret: ef.kind == ObjectKind::Secret,
            });
        }
    }

    /// `value:` with `$(VAR)` expanded from what is defined so far.
    fn value(&self, text: &str, base: Var) -> Var {
        let ex = expand(text, &|n| self.get(n).and_then(|v| v.value.as_deref()));
        let mut v = Var {
            value: Some(ex.text),
            ..base
        };
        for (name, defined) in &ex.refs {
            let Some(src) = self.get(name) else {
                continue;
            };
            if !defined {
                v.unknown = Some(format!(
                    "`$({name})`, whose value is {}",
                    src.unknown.as_deref().unwrap_or("unknown")
                ));
            }
            v.secret |= src.secret;
            v.related.push(Related {
                file: src.file.clone(),
                span: src.value_span,
                label: format!("`$({name})` is read from here"),
            });
        }
        v
    }

    /// `valueFrom` a key of a ConfigMap or Secret; `None` when the variable is not set.
    fn key(&mut self, e: &crate::model::wiring::EnvEntry, base: Var) -> Option<Var> {
        let EnvSource::Key {
            kind,
            name,
            key,
            optional,
        } = &e.source
        else {
            return None;
        };
        let what = format!("key `{key}` of {} `{name}`", kind.id());
        let secret = *kind == ObjectKind::Secret;
        let Some((obj, file)) = self.objects.find(*kind, name, self.ns) else {
            return Some(Var {
                unknown: Some(format!("{what}, which is not in the scanned tree")),
                secret,
                ..base
            });
        };
        let Some(entry) = obj.entries.iter().rfind(|x| &x.key == key) else {
            if !optional {
                self.notes.push(format!(
                    "{what} is missing in {}: the pod does not start without it",
                    file.display_path()
                ));
            }
            return None;
        };
        Some(Var {
            value: entry.value.clone(),
            file: file.clone(),
            key_span: entry.key_span,
            value_span: entry.value_span,
            related: vec![Related {
                file: self.a.file.clone(),
                span: e.span,
                label: format!("`{}` reads {what}", e.name),
            }],
            unknown: entry
                .value
                .is_none()
                .then(|| format!("{what}, which is not valid base64 text")),
            secret,
            ..base
        })
    }
}

/// The deployment of one container component with wiring; the ConfigMaps it mounts where
/// its image reads its configuration are layers of it (`mounts.rs`), their components
/// added to `claimed`.
pub(crate) fn container<'a>(
    a: &Analysis,
    c: &Component,
    w: &Wiring,
    objects: &Objects<'a>,
    analyses: &'a [&'a Analysis],
    claimed: &mut Vec<(usize, usize)>,
) -> Deployment {
    let mounted = super::mounts::k8s_container(w, a, objects, analyses);
    claimed.extend(mounted.claims());
    let complete = mounted.complete();
    let mut env = Env {
        a,
        objects,
        ns: w.namespace.as_deref(),
        layers: Vec::new(),
        notes: mounted.notes,
        vars: Vec::new(),
    };
    let mut mount_candidates = Vec::new();
    let mut sections = Vec::new();
    let (above, below): (Vec<_>, Vec<_>) = mounted.files.into_iter().partition(|m| m.above_env);
    for m in below {
        super::mounts::add_layer(m, &mut env.layers, &mut mount_candidates, &mut sections, 0);
    }
    for ef in &w.env_from {
        env.env_from(ef);
    }
    let env_layer = env.layers.len();
    env.layers.push(Layer {
        file: a.file.clone(),
        what: format!(
            "env of container `{}` in {}",
            c.name.as_deref().unwrap_or("?"),
            a.file.display_path()
        ),
        precedence: env_layer as u32 + 1,
    });
    for e in &w.env {
        let base = Var {
            name: e.name.clone(),
            value: None,
            file: a.file.clone(),
            key_span: e.name_span,
            value_span: e.span,
            layer: env_layer,
            related: Vec::new(),
            unknown: None,
            secret: false,
        };
        let v = match &e.source {
            EnvSource::Platform => None,
            EnvSource::Value(text) => Some(env.value(text, base)),
            EnvSource::Key { .. } => env.key(e, base),
        };
        if let Some(v) = v {
            env.set(v);
        }
    }
    for m in above {
        super::mounts::add_layer(
            m,
            &mut env.layers,
            &mut mount_candidates,
            &mut sections,
            // Between the `-D` options and SPRING_APPLICATION_JSON of `process.rs`.
            2_500_000,
        );
    }
    let mounted = Mounts {
        candidates: mount_candidates,
        sections,
        complete,
    };
    effective(c, w, env.layers, env.vars, env.notes, mounted)
}

/// The settings and sections of the config files mounted into a container.
struct Mounts {
    candidates: Vec<Candidate>,
    sections: Vec<super::merge::SectionCandidate>,
    /// A mounted file is a whole configuration, not an overlay.
    complete: bool,
}

fn effective(
    c: &Component,
    w: &Wiring,
    mut layers: Vec<Layer>,
    env: Vec<Var>,
    mut notes: Vec<String>,
    mounted: Mounts,
) -> Deployment {
    let mut candidates = mounted.candidates;
    let reader = reader_for(&c.products);
    let mut scratch = Component::new(c.file.clone(), Vec::new(), c.anchor);
    scratch.style = c.style;
    // `-D` options of the JVM option variables: Java system properties, a property source
    // above the environment (§1.1), one layer per file they are written in.
    let mut system: Vec<Candidate> = Vec::new();
    let command = command_line(c, w, &env);
    for v in env {
        let before = scratch.settings.len();
        let mut col = Collector {
            component: &mut scratch,
            form: Form::EnvVar,
            placeholders: Placeholders::Spring,
            file: v.file.clone(),
            map: SpanMap::Identity,
        };
        let value = Value::text(v.value.as_deref().unwrap_or(""));
        push_env(&mut col, reader, &v.name, value, v.key_span, v.value_span);
        for mut s in scratch.settings.drain(before..) {
            s.secret |= v.secret;
            if !v.related.is_empty() || v.unknown.is_some() {
                let via = s.via_mut();
                via.related.extend(v.related.iter().cloned());
                via.unknown.clone_from(&v.unknown);
            }
            // Above the mounted config files (property sources 0..) of `mounts.rs`.
            let system_property = s.form == Form::SystemProperty;
            let candidate = Candidate {
                layer: v.layer,
                source: if system_property {
                    2_000_000
                } else {
                    1_000_000
                },
                setting: s,
            };
            if system_property {
                system.push(candidate);
            } else {
                candidates.push(candidate);
            }
        }
    }
    system.sort_by_key(|s| s.layer);
    let name = c.name.as_deref().unwrap_or("?");
    let mut by_origin: Vec<(usize, usize)> = Vec::new();
    for mut s in system {
        let layer = match by_origin.iter().find(|(o, _)| *o == s.layer) {
            Some((_, l)) => *l,
            None => {
                let l = layers.len();
                layers.push(Layer {
                    file: s.setting.file.clone(),
                    what: format!(
                        "-D options (JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS, JAVA_OPTS) of {}",
                        layers[s.layer].what
                    ),
                    precedence: l as u32 + 1,
                });
                by_origin.push((s.layer, l));
                l
            }
        };
        s.layer = layer;
        candidates.push(s);
    }
    // -D options of a `java` command, SPRING_APPLICATION_JSON, command-line arguments.
    let mut sections = Vec::new();
    let sources = super::process::Sources {
        system: 2_000_000,
        json: 3_000_000,
        args: 4_000_000,
    };
    let mut template = Component::new(c.file.clone(), c.products.clone(), c.anchor);
    template.style = c.style;
    super::process::add_layers(
        &mut layers,
        &mut candidates,
        &mut sections,
        &mut notes,
        &template,
        command.as_ref(),
        &sources,
        &format!("container `{name}`"),
    );
    let mut template = Component::new(c.file.clone(), c.products.clone(), c.anchor);
    // The versions its image, chart or configuration name.
    template.versions = c.versions.clone();
    // Keys the container's analysis knows are in view (analyze/image_defaults.rs); a
    // ConfigMap or Secret the container takes its environment from makes none so.
    template.complete = c.complete.clone();
    template.name = c.name.clone();
    template.style = c.style;
    template.partial = !mounted.complete;
    let mut all_sections = mounted.sections;
    all_sections.extend(sections);
    let mut eff = merge(template, candidates, all_sections, &layers);
    if eff.style == KeyStyle::Relaxed {
        let mut ps = spring_products(&eff, false);
        ps.retain(|p| !eff.products.contains(p));
        eff.products.extend(ps);
    }
    Deployment {
        name: format!(
            "{} container {}",
            c.file.display_path(),
            c.name.as_deref().unwrap_or("?")
        ),
        kind: DeploymentKind::K8sContainer,
        products: eff.products.clone(),
        version: w.image.as_ref().and_then(|(i, _)| super::image_tag(i)),
        environment: Default::default(),
        environment_reason: None,
        layers,
        effective: eff,
        notes,
    }
}

/// The container's `command` and `args` with `$(VAR)` expanded from its environment
/// ([K8S-API]: "Variable references $(VAR_NAME) are expanded using the container's
/// environment"), and what of them reaches Spring (`args.rs`).
fn command_line(c: &Component, w: &Wiring, env: &[Var]) -> Option<super::process::CommandLine> {
    if w.entrypoint.is_none() && w.command.is_none() {
        return None;
    }
    let src = c.file.text.text();
    let lookup = |n: &str| {
        env.iter()
            .find(|v| v.name == n)
            .and_then(|v| v.value.as_deref())
    };
    let mut unknown = Vec::new();
    let mut resolve = |words: Vec<super::args::Word>| -> Vec<super::args::Word> {
        words
            .into_iter()
            .map(|mut word| {
                let ex = expand(&word.text, &lookup);
                let why = ex.refs.iter().find(|(n, defined)| {
                    !defined || env.iter().any(|v| &v.name == n && v.unknown.is_some())
                });
                unknown.push(why.and_then(|(n, _)| {
                    let v = env.iter().find(|v| &v.name == n)?;
                    Some(format!(
                        "`$({n})`, whose value is {}",
                        v.unknown.as_deref().unwrap_or("unknown")
                    ))
                }));
                if ex.text != word.text {
                    word.verbatim = false;
                    word.text = ex.text;
                }
                word
            })
            .collect()
    };
    let entrypoint = match &w.entrypoint {
        Some(e) => Some(resolve(super::args::words(e, src)?)),
        None => None,
    };
    let command = match &w.command {
        Some(a) => resolve(super::args::words(a, src)?),
        None => Vec::new(),
    };
    let image = w.image.as_ref().map(|(i, _)| i.as_str());
    let parsed = super::args::parse(image, &c.products, entrypoint.as_deref(), &command);
    let mut words = entrypoint.unwrap_or_default();
    words.extend(command);
    Some(super::process::CommandLine {
        files: vec![c.file.clone(); words.len()],
        words,
        unknown,
        parsed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names() {
        assert!(valid_name("CAMUNDA_X"));
        assert!(valid_name("a.b-c"));
        assert!(!valid_name("1A"));
        assert!(!valid_name("A=B"));
        assert!(!valid_name(""));
    }
}
