//! Docker Compose projects: one deployment per service (docs/deployments.md §4).
//!
//! A project is the base file of a directory (`compose.yaml`, `compose.yml`,
//! `docker-compose.yml`, `docker-compose.yaml`: the first found) with its override file
//! (`compose.override.yml`, ...: the first found), merged service by service ([CGO]
//! `cli/options.go`, [DD-MERGE]); every other compose file of the directory is a project
//! of its own (it is used with `-f`). The `.env` beside the compose files feeds `${VAR}`
//! interpolation only (§4.3); the container's environment is, lowest first, each
//! `env_file` (the last file wins, §4.4), then `environment` (§4.5: it wins even when
//! empty or unresolved), and `-D` options of `JAVA_TOOL_OPTIONS` / `JAVA_OPTS` beat both
//! (Java system properties are above OS environment variables, §1.1). Inline `configs`
//! mounted as an `application.yaml` are config data, below all of them.

use std::path::Path;
use std::sync::Arc;

use super::interpolate::{Interpolated, interpolate};
use super::merge::{Candidate, merge};
use super::mounts::{Mounted, Tree};
use crate::analyze::collect::{Collector, spring_products};
use crate::analyze::env::{EnvReader, push_env, reader_for, style_for};
use crate::model::MASK;
use crate::model::analysis::Analysis;
use crate::model::deployment::{Deployment, DeploymentKind, Layer};
use crate::model::settings::{Component, Form, KeyStyle, Placeholders, Related, Setting, Value};
use crate::source::{FileRef, Span, SpanMap};

pub(crate) const BASE: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];
pub(crate) const OVERRIDE: [&str; 4] = [
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// A variable of the project's `.env`, resolved.
pub(crate) struct Var {
    pub name: String,
    /// `None` when it depends on a variable of the shell.
    pub value: Option<String>,
    pub file: FileRef,
    pub key_span: Span,
    pub value_span: Span,
    pub secret: bool,
}

/// The variables of a `.env` file, each interpolated from the ones before it
/// (single-quoted values are literal; §4.4, [CGO] `dotenv/godotenv.go`).
pub(crate) fn dotenv_vars(a: &Analysis) -> Vec<Var> {
    let mut vars: Vec<Var> = Vec::new();
    let Some(c) = a.components.first() else {
        return vars;
    };
    let src = a.file.text.text();
    for s in &c.settings {
        let raw = match &s.value {
            Value::Text { text, .. } => text.as_str().to_owned(),
            _ => String::new(),
        };
        let literal =
            s.value_span.start > 0 && src.as_bytes().get(s.value_span.start - 1) == Some(&b'\'');
        let value = if literal || !raw.contains('$') {
            Some(raw)
        } else {
            let i = interpolate(&raw, &|n| {
                vars.iter()
                    .rev()
                    .find(|v| v.name == n)
                    .and_then(|v| v.value.as_deref())
            });
            (i.unset.is_empty() && i.error.is_none()).then_some(i.text)
        };
        vars.retain(|v| v.name != s.key);
        vars.push(Var {
            name: s.key.as_str().to_owned(),
            value,
            file: s.file.clone(),
            key_span: s.key_span,
            value_span: s.value_span,
            secret: s.secret,
        });
    }
    vars
}

fn file_name(a: &Analysis) -> String {
    a.file
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The projects of a directory: lists of indices into `files` (base first).
///
/// `names` are the files' paths relative to the configuration's directory and `sets` the
/// `[[compose]]` sets of the configuration: a set whose files are all here is a project of
/// its own, in the order written (`docker compose -f a -f b`: later files override earlier
/// ones, and no override file is added, [DD-MERGE]). A set that takes the base file
/// replaces the default project (base and override file): the configuration says the
/// project runs with `-f`. Files of no project are each a project of their own.
pub(crate) fn projects(
    files: &[&Analysis],
    names: &[String],
    sets: &[Vec<String>],
) -> Vec<Vec<usize>> {
    let file_names: Vec<String> = files.iter().map(|a| file_name(a)).collect();
    let find = |set: &[&str]| {
        set.iter()
            .find_map(|n| file_names.iter().position(|x| x == n))
    };
    let mut out = Vec::new();
    let mut used = vec![false; files.len()];
    let base = find(&BASE);
    let mut base_in_set = false;
    for set in sets {
        let members: Option<Vec<usize>> = set
            .iter()
            .map(|f| names.iter().position(|n| n == f))
            .collect();
        let Some(members) = members else {
            continue;
        };
        for &m in &members {
            used[m] = true;
            base_in_set |= Some(m) == base;
        }
        out.push(members);
    }
    if let Some(b) = base.filter(|_| !base_in_set) {
        let mut p = vec![b];
        used[b] = true;
        if let Some(o) = find(&OVERRIDE) {
            p.push(o);
            used[o] = true;
        }
        out.push(p);
    }
    for (i, u) in used.iter().enumerate() {
        if !u {
            out.push(vec![i]);
        }
    }
    out
}

/// Which bucket of a service's configuration a setting belongs to.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Bucket {
    Config,
    EnvFile,
    Environment,
    SystemProperties,
}

fn bucket(c: &Component, s: &Setting) -> Bucket {
    match s.form {
        Form::Yaml | Form::Properties | Form::Xml => Bucket::Config,
        Form::SystemProperty | Form::ApplicationJson | Form::CommandLine => {
            Bucket::SystemProperties
        }
        Form::EnvVar if Arc::ptr_eq(&s.file, &c.file) => Bucket::Environment,
        Form::EnvVar => Bucket::EnvFile,
    }
}

/// The deployments of one project; the files of `tree` its services mount where their
/// image reads its configuration are layers of them (`mounts.rs`), their components added
/// to `claimed`.
///
/// `overlay` is the `.env` of a project that `include`s this one: its variables override
/// those of this project's `.env` (`compose_merge.rs`, [DD-INC]).
pub(crate) fn deployments<'a>(
    files: &[&'a Analysis],
    dotenv: Option<&Analysis>,
    tree: &Tree<'a>,
    claimed: &mut Vec<(usize, usize)>,
    overlay: Option<&Analysis>,
) -> Vec<Deployment> {
    let mut vars = dotenv.map(dotenv_vars).unwrap_or_default();
    for v in overlay.map(dotenv_vars).unwrap_or_default() {
        vars.retain(|x| x.name != v.name);
        vars.push(v);
    }
    // The services (the components with wiring; an inline config `configs/<name>` is none),
    // in the order the files first name them, and each file's service of a name (the first),
    // looked up by hash: a hostile file may hold many services.
    let mut names: Vec<&str> = Vec::new();
    let mut seen: crate::model::hashing::FastSet<&str> = Default::default();
    let mut by_name: Vec<crate::model::hashing::FastMap<&str, &'a Component>> = Vec::new();
    for a in files {
        let mut own = crate::model::hashing::FastMap::default();
        for c in a.components.iter().filter(|c| c.wiring.is_some()) {
            if let Some(n) = c.name.as_deref() {
                own.entry(n).or_insert(c);
                if seen.insert(n) {
                    names.push(n);
                }
            }
        }
        by_name.push(own);
    }
    let project = files
        .iter()
        .map(|a| a.file.display_path())
        .collect::<Vec<_>>()
        .join(" + ");
    names
        .into_iter()
        .map(|name| {
            let own: Vec<(&'a Component, &'a Analysis)> = files
                .iter()
                .zip(&by_name)
                .filter_map(|(a, own)| own.get(name).map(|c| (*c, *a)))
                .collect();
            let dir = files[0].file.path.parent().unwrap_or(Path::new(""));
            let mut notes = Vec::new();
            let parts = super::compose_merge::with_extends(&own, dir, tree, &mut notes);
            let mounted = super::mounts::compose_service(&parts, dir, tree);
            claimed.extend(mounted.claims());
            let mut d = service(&project, name, &parts, dotenv, &vars, mounted);
            if parts.len() > own.len() {
                // The service itself, not the one it extends, is the defining place.
                let c = own[0].0;
                d.effective.file = c.file.clone();
                d.effective.anchor = c.anchor;
                d.effective.name = c.name.clone();
                if !c.versions.is_empty() {
                    d.effective.versions = c.versions.clone();
                }
            }
            d.notes.extend(notes);
            if let Some(o) = overlay {
                let at = usize::from(dotenv.is_some());
                d.layers.insert(
                    at,
                    Layer {
                        file: o.file.clone(),
                        what: format!(
                            "{} (variables of the including project, over those of the included one; reaches no container by itself)",
                            o.file.display_path()
                        ),
                        precedence: 0,
                    },
                );
            }
            d
        })
        .collect()
}

struct Ctx<'a> {
    vars: &'a [Var],
    dotenv: Option<&'a Analysis>,
    relaxed: bool,
}

impl Ctx<'_> {
    fn lookup(&self, name: &str) -> Option<&Var> {
        self.vars.iter().find(|v| v.name == name)
    }

    fn nowhere(&self) -> String {
        match self.dotenv {
            Some(a) => format!(
                "not set in {} nor anywhere else in the scanned tree",
                a.file.display_path()
            ),
            None => "no .env beside the compose file in the scanned tree sets it".to_string(),
        }
    }

    /// Interpolate one setting's value from the `.env`, pointing the setting at the `.env`
    /// line when the whole value is one variable from it.
    fn resolve(&self, s: &mut Setting, env_file: bool) {
        if s.placeholders != Placeholders::Compose {
            return;
        }
        let Value::Text { text, quoted } = &s.value else {
            return;
        };
        // In an env_file, a single-quoted value is literal (§4.4).
        let single_quoted = env_file
            && s.value_span.start > 0
            && s.file.text.text().as_bytes().get(s.value_span.start - 1) == Some(&b'\'');
        if !text.contains('$') || single_quoted {
            s.placeholders = self.placeholders();
            return;
        }
        let raw = text.clone();
        let quoted = *quoted;
        let i = interpolate(&raw, &|n| self.lookup(n).and_then(|v| v.value.as_deref()));
        if let Some(why) = self.unknown(&i) {
            s.via_mut().unknown = Some(why);
            return;
        }
        let origin = Related {
            file: s.file.clone(),
            span: s.primary_span(),
            label: String::new(),
        };
        let found: Vec<&Var> = i
            .refs
            .iter()
            .filter(|r| r.found)
            .filter_map(|r| self.lookup(&r.name))
            .collect();
        let trimmed = raw.trim();
        // The whole value is the variable's (`${V}`, `${V:-d}` with V set, ...).
        let whole = found.len() == 1
            && !i.used_default
            && found[0].value.as_deref() == Some(i.text.as_str());
        s.value = Value::Text {
            text: i.text.as_str().into(),
            quoted,
        };
        s.placeholders = self.placeholders();
        if whole {
            let v = found[0];
            s.file = v.file.clone();
            s.key_span = v.key_span;
            s.value_span = v.value_span;
            s.secret |= v.secret;
            let label = format!("`{}` takes `{trimmed}` from {}", s.key, short(&v.file));
            s.via_mut().related.push(Related { label, ..origin });
            return;
        }
        for v in &found {
            s.via_mut().related.push(Related {
                file: v.file.clone(),
                span: v.value_span,
                label: format!("`${{{}}}` is read from here", v.name),
            });
        }
        if i.used_default {
            let missing: Vec<&str> = i
                .refs
                .iter()
                .filter(|r| !r.found)
                .map(|r| r.name.as_str())
                .collect();
            let shown = if s.secret { MASK.to_string() } else { i.text };
            let why = if missing.is_empty() {
                String::new()
            } else {
                format!(": `{}` is {}", missing.join("`, `"), self.nowhere())
            };
            s.via_mut().note = Some(format!(
                "`{shown}` comes from the placeholder's default{why}"
            ));
        }
    }

    fn placeholders(&self) -> Placeholders {
        if self.relaxed {
            Placeholders::Spring
        } else {
            Placeholders::None
        }
    }

    fn unknown(&self, i: &Interpolated) -> Option<String> {
        if let Some(e) = &i.error {
            let shell = if i.unset.is_empty() {
                String::new()
            } else {
                format!(" ({})", self.nowhere())
            };
            return Some(format!(
                "Compose does not accept the value as written: {e}{shell}"
            ));
        }
        if i.unset.is_empty() {
            return None;
        }
        Some(format!(
            "`${{{}}}`, which the shell running `docker compose` would have to set ({})",
            i.unset.join("}`, `${"),
            self.nowhere()
        ))
    }
}

/// The settings of a service's parts, grouped by (bucket, part, file), in precedence order.
type Groups = Vec<((Bucket, usize, FileRef), Vec<Setting>)>;

fn groups(parts: &[&Component], ctx: &Ctx<'_>, template: &Component) -> Groups {
    let reader = reader_for(&template.products);
    let mut groups: Groups = Vec::new();
    let mut add = |key: (Bucket, usize, FileRef), settings: Vec<Setting>| match groups
        .iter_mut()
        .find(|(k, _)| k.0 == key.0 && k.1 == key.1 && Arc::ptr_eq(&k.2, &key.2))
    {
        Some((_, v)) => v.extend(settings),
        None => groups.push((key, settings)),
    };
    for (pi, p) in parts.iter().enumerate() {
        let reread = reader_for(&p.products) != reader;
        for s in &p.settings {
            let settings = if reread && s.form == Form::EnvVar {
                read_again(s, reader, template)
            } else {
                vec![s.clone()]
            };
            add((bucket(p, s), pi, s.file.clone()), settings);
        }
        let passed = pass_through(p, ctx, template);
        if !passed.is_empty() {
            add((Bucket::Environment, pi, p.file.clone()), passed);
        }
    }
    groups.sort_by_key(|((b, pi, _), _)| (*b, *pi));
    groups
}

/// Compose interpolates the `content` of an inline config before the container reads it
/// ([DD-CFG] Example 3: "Compose infers variables when creating the config"): the settings
/// of a mounted inline config (compose placeholders, `analyze::compose`) take their
/// variables from the `.env` as the environment does. Files of the tree keep theirs.
fn resolve_inline(ctx: &Ctx<'_>, candidates: &mut [Candidate]) {
    for c in candidates {
        ctx.resolve(&mut c.setting, false);
    }
}

fn service(
    project: &str,
    name: &str,
    parts: &[&Component],
    dotenv: Option<&Analysis>,
    vars: &[Var],
    mounted: Mounted<'_>,
) -> Deployment {
    let first = parts[0];
    let mut template = Component::new(first.file.clone(), Vec::new(), first.anchor);
    // The versions its image, chart or configuration name.
    template.versions = first.versions.clone();
    // Keys every part's analysis knows are in view (analyze/image_defaults.rs).
    template.complete = first
        .complete
        .iter()
        .filter(|k| parts.iter().all(|p| p.complete.contains(k)))
        .cloned()
        .collect();
    template.name = first.name.clone();
    template.partial = true;
    for p in parts {
        for pr in &p.products {
            if !template.products.contains(pr) {
                template.products.push(*pr);
            }
        }
        template.ports.extend(p.ports.iter().cloned());
    }
    // The image (usually in the base file only) decides how the environment is read.
    template.style = style_for(reader_for(&template.products));
    let ctx = Ctx {
        vars,
        dotenv,
        relaxed: template.style == KeyStyle::Relaxed,
    };
    let mut layers: Vec<Layer> = Vec::new();
    if let Some(d) = dotenv {
        layers.push(Layer {
            file: d.file.clone(),
            what: format!(
                "{} (variables for `${{...}}` in the compose file; reaches no container by itself)",
                d.file.display_path()
            ),
            precedence: 0,
        });
    }
    let mut candidates = Vec::new();
    let mut sections = Vec::new();
    template.partial = !mounted.complete();
    let (above, below): (Vec<_>, Vec<_>) = mounted.files.into_iter().partition(|m| m.above_env);
    for m in below {
        let from = candidates.len();
        super::mounts::add_layer(m, &mut layers, &mut candidates, &mut sections, 0);
        resolve_inline(&ctx, &mut candidates[from..]);
    }
    for ((b, pi, file), settings) in groups(parts, &ctx, &template) {
        let path = file.display_path();
        let what = match b {
            Bucket::Config => format!("inline config of service `{name}` in {path}"),
            Bucket::EnvFile => format!("env_file {path}"),
            Bucket::Environment => format!("environment of service `{name}` in {path}"),
            Bucket::SystemProperties => format!(
                "-D options (JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS, JAVA_OPTS) of service `{name}` in {}",
                parts[pi].file.display_path()
            ),
        };
        let layer = layers.len();
        let precedence = layers.iter().filter(|l| l.precedence > 0).count() as u32 + 1;
        layers.push(Layer {
            file,
            what,
            precedence,
        });
        let source = match b {
            Bucket::Config => layer,
            Bucket::EnvFile | Bucket::Environment => 1_000_000,
            Bucket::SystemProperties => 2_000_000,
        };
        for mut s in settings {
            if b != Bucket::Config {
                ctx.resolve(&mut s, b == Bucket::EnvFile);
            }
            candidates.push(Candidate {
                layer,
                source,
                setting: s,
            });
        }
    }
    // Files mounted above the environment (Optimize's environment-config.yaml, §7).
    for m in above {
        let from = candidates.len();
        super::mounts::add_layer(m, &mut layers, &mut candidates, &mut sections, 2_500_000);
        resolve_inline(&ctx, &mut candidates[from..]);
    }
    // -D options of a `java` command, SPRING_APPLICATION_JSON, command-line arguments.
    let mut notes = mounted.notes;
    let command = command_line(parts, &ctx, &template);
    let sources = super::process::Sources {
        system: 2_000_000,
        json: 3_000_000,
        args: 4_000_000,
    };
    super::process::add_layers(
        &mut layers,
        &mut candidates,
        &mut sections,
        &mut notes,
        &template,
        command.as_ref(),
        &sources,
        &format!("service `{name}`"),
    );
    let mut effective = merge(template, candidates, sections, &layers);
    if effective.style == KeyStyle::Relaxed {
        let mut ps = spring_products(&effective, false);
        ps.retain(|p| !effective.products.contains(p));
        effective.products.extend(ps);
    }
    Deployment {
        name: format!("{project} service {name}"),
        kind: DeploymentKind::ComposeService,
        products: effective.products.clone(),
        version: version(parts, &ctx),
        environment: Default::default(),
        environment_reason: None,
        layers,
        effective,
        notes,
    }
}

/// The service's `entrypoint` and `command` (the last file that sets each wins, §4.6),
/// interpolated from the `.env`, and what of them reaches Spring (`args.rs`).
fn command_line(
    parts: &[&Component],
    ctx: &Ctx<'_>,
    template: &Component,
) -> Option<super::process::CommandLine> {
    let wiring = |f: fn(&crate::model::wiring::Wiring) -> bool| {
        parts
            .iter()
            .rev()
            .find(|p| p.wiring.as_ref().is_some_and(|w| f(w)))
    };
    let cmd_part = wiring(|w| w.command.is_some());
    let ep_part = wiring(|w| w.entrypoint.is_some());
    cmd_part.or(ep_part)?;
    let read = |p: &Component, c: &crate::model::wiring::Command| {
        super::args::words(c, p.file.text.text())
    };
    let entrypoint = match ep_part {
        Some(p) => Some(read(p, p.wiring.as_ref()?.entrypoint.as_ref()?)?),
        None => None,
    };
    let command = match cmd_part {
        Some(p) => read(p, p.wiring.as_ref()?.command.as_ref()?)?,
        None => Vec::new(),
    };
    let image = parts
        .iter()
        .rev()
        .find_map(|p| p.wiring.as_ref().and_then(|w| w.image.clone()))
        .map(|(i, _)| {
            let r = interpolate(&i, &|n| ctx.lookup(n).and_then(|v| v.value.as_deref()));
            r.text
        });
    let resolve = |words: Vec<super::args::Word>| -> (Vec<super::args::Word>, Vec<Option<String>>) {
        let mut unknown = Vec::new();
        let words = words
            .into_iter()
            .map(|mut w| {
                let mut why = None;
                if w.text.contains('$') {
                    let i =
                        interpolate(&w.text, &|n| ctx.lookup(n).and_then(|v| v.value.as_deref()));
                    why = ctx.unknown(&i);
                    if i.text != w.text {
                        w.verbatim = false;
                    }
                    w.text = i.text;
                }
                unknown.push(why);
                w
            })
            .collect();
        (words, unknown)
    };
    let (entrypoint, mut unknown) = match entrypoint {
        Some(e) => {
            let (w, u) = resolve(e);
            (Some(w), u)
        }
        None => (None, Vec::new()),
    };
    let (command, u) = resolve(command);
    unknown.extend(u);
    let parsed = super::args::parse(
        image.as_deref(),
        &template.products,
        entrypoint.as_deref(),
        &command,
    );
    let mut words = entrypoint.unwrap_or_default();
    let mut files =
        vec![ep_part.map_or_else(|| parts[0].file.clone(), |p| p.file.clone()); words.len()];
    files.extend(std::iter::repeat_n(
        cmd_part.map_or_else(|| parts[0].file.clone(), |p| p.file.clone()),
        command.len(),
    ));
    words.extend(command);
    Some(super::process::CommandLine {
        words,
        unknown,
        parsed,
        files,
    })
}

/// The tag of the service's image, interpolated from the `.env`.
fn version(parts: &[&Component], ctx: &Ctx<'_>) -> Option<String> {
    let (image, _) = parts
        .iter()
        .rev()
        .find_map(|p| p.wiring.as_ref().and_then(|w| w.image.clone()))?;
    let i = interpolate(&image, &|n| ctx.lookup(n).and_then(|v| v.value.as_deref()));
    (i.unset.is_empty() && i.error.is_none())
        .then_some(i.text)
        .and_then(|t| super::image_tag(&t))
}

/// An environment variable read again by the deployment's reader: an override file's service
/// without `image:` was read as a Spring application's (`analyze::env`).
fn read_again(s: &Setting, reader: EnvReader, template: &Component) -> Vec<Setting> {
    let mut scratch = Component::new(s.file.clone(), Vec::new(), template.anchor);
    scratch.style = template.style;
    let mut col = Collector {
        component: &mut scratch,
        form: Form::EnvVar,
        placeholders: s.placeholders,
        file: s.file.clone(),
        map: SpanMap::Identity,
    };
    push_env(
        &mut col,
        reader,
        &s.key,
        s.value.clone(),
        s.key_span,
        s.value_span,
    );
    scratch.settings
}

/// `environment` entries without a value: the `.env` variable of that name, or unknown.
fn pass_through(c: &Component, ctx: &Ctx<'_>, template: &Component) -> Vec<Setting> {
    let Some(w) = &c.wiring else {
        return Vec::new();
    };
    let reader = reader_for(&template.products);
    let mut scratch = Component::new(c.file.clone(), Vec::new(), c.anchor);
    scratch.style = template.style;
    for (name, span) in &w.pass_through {
        let before = scratch.settings.len();
        match ctx.lookup(name) {
            Some(v) if v.value.is_some() => {
                let mut col = Collector {
                    component: &mut scratch,
                    form: Form::EnvVar,
                    placeholders: ctx.placeholders(),
                    file: v.file.clone(),
                    map: SpanMap::Identity,
                };
                let value = Value::text(v.value.as_deref().unwrap_or(""));
                push_env(&mut col, reader, name, value, v.key_span, v.value_span);
                for s in &mut scratch.settings[before..] {
                    s.secret |= v.secret;
                    s.via_mut().related.push(Related {
                        file: c.file.clone(),
                        span: *span,
                        label: format!("`{name}` is passed through from {}", short(&v.file)),
                    });
                }
            }
            _ => {
                let mut col = Collector {
                    component: &mut scratch,
                    form: Form::EnvVar,
                    placeholders: Placeholders::Compose,
                    file: c.file.clone(),
                    map: SpanMap::Identity,
                };
                push_env(
                    &mut col,
                    reader,
                    name,
                    Value::text(format!("${{{name}}}")),
                    *span,
                    *span,
                );
                for s in &mut scratch.settings[before..] {
                    s.via_mut().unknown = Some(format!(
                        "`{name}`, passed through from the shell running `docker compose` ({})",
                        ctx.nowhere()
                    ));
                }
            }
        }
    }
    scratch.settings
}

/// A file's name, for labels next to a snippet that already shows the path.
fn short(f: &FileRef) -> String {
    f.path
        .file_name()
        .map_or_else(|| f.display_path(), |n| n.to_string_lossy().into_owned())
}
