//! Parse one file by its kind and normalise it into components: syntax trees in,
//! [`Analysis`] (the model) out.

pub mod collect;
pub mod compose;
pub mod embedded;
pub mod env;
pub mod helm;
pub mod image_defaults;
pub mod k8s;
pub mod mounts;
pub mod versions;
pub mod wiring;
pub mod xml;

use std::path::Path;
use std::sync::Arc;

use globset::GlobMatcher;

use crate::discover::is_camunda_run_config;
use crate::model::analysis::{Analysis, CommentSpan, Duplicate};
use crate::model::file_kind::FileKind;
use crate::model::problem::{Problem, ProblemKind};
use crate::model::settings::{Component, Form, KeyStyle, Placeholders, Product};
use crate::source::{FileRef, Span, SpanMap};
use crate::syntax::yaml::{self, IssueKind};
use crate::syntax::{dotenv, first_content_offset, may_hold_directive, properties};
use collect::{Collector, spring_products};

/// Where findings about absent keys point when nothing encloses them: the first line
/// of content.
pub(crate) fn anchor(file: &FileRef) -> Span {
    Span::empty(first_content_offset(file.text.text()))
}

/// Parse YAML text (the file, or a document embedded in it) and record its issues and
/// comments with spans mapped into the file.
pub(crate) fn parse_yaml_text<'t>(
    a: &mut Analysis,
    text: &'t str,
    map: &SpanMap,
) -> Vec<yaml::Node<'t>> {
    let parsed = yaml::parse_with(text, may_hold_directive(text));
    let embedded = !matches!(map, SpanMap::Identity);
    let what = if embedded {
        "invalid YAML in embedded document"
    } else {
        "invalid YAML"
    };
    for issue in parsed.issues {
        let span = map.span(issue.span);
        match issue.kind {
            IssueKind::DuplicateKey => {
                let key = text.get(issue.span.range()).unwrap_or("").to_string();
                a.duplicates.push(Duplicate {
                    key,
                    span,
                    first: map.span(issue.related.unwrap_or(issue.span)),
                });
            }
            IssueKind::Syntax => a.problems.push(Problem::at(
                ProblemKind::Syntax,
                &a.file,
                span,
                format!(
                    "{what}: {}; only the part before this point was checked",
                    issue.message
                ),
            )),
            IssueKind::Limit => a.problems.push(Problem::at(
                ProblemKind::Limit,
                &a.file,
                span,
                issue.message,
            )),
            // The file was read as the product reads it, but what a reviewer sees differs:
            // a gate must not pass it.
            IssueKind::UnicodeLineBreak => a.problems.push(Problem::at(
                ProblemKind::Syntax,
                &a.file,
                span,
                issue.message,
            )),
        }
    }
    a.comments
        .extend(parsed.comments.into_iter().map(|c| CommentSpan {
            span: map.span(c.span),
            text: c.text,
        }));
    parsed.docs
}

/// (the nodes borrow from `file`'s text, which `a` holds too)
fn parse_yaml<'t>(a: &mut Analysis, file: &'t crate::source::SourceFile) -> Vec<yaml::Node<'t>> {
    parse_yaml_text(a, file.text.text(), &SpanMap::Identity)
}

fn flat_comments(a: &mut Analysis, flat: &crate::syntax::flat::FlatFile, map: &SpanMap) {
    a.comments.extend(flat.comments.iter().map(|c| CommentSpan {
        span: map.span(c.span),
        text: c.text.clone(),
    }));
    for issue in &flat.issues {
        a.problems.push(Problem::at(
            ProblemKind::Syntax,
            &a.file,
            map.span(issue.span),
            issue.message.clone(),
        ));
    }
}

/// Normalise text of a configuration-file kind into one component. `map` places the
/// text in the file (identity for the file itself); `name_hint` is the file name the
/// text has (for Camunda Run detection).
pub(crate) fn config_component(
    a: &mut Analysis,
    kind: FileKind,
    text: &str,
    map: SpanMap,
    name_hint: &Path,
) -> Option<Component> {
    let file = a.file.clone();
    let anchor = match &map {
        SpanMap::Identity => anchor(&file),
        m => Span::empty(m.offset(first_content_offset(text))),
    };
    let (products, style, placeholders, form) = match kind {
        FileKind::SpringYaml => (
            Vec::new(),
            KeyStyle::Relaxed,
            Placeholders::Spring,
            Form::Yaml,
        ),
        FileKind::SpringProperties => (
            Vec::new(),
            KeyStyle::Relaxed,
            Placeholders::Spring,
            Form::Properties,
        ),
        FileKind::Optimize => (
            vec![Product::Optimize],
            KeyStyle::Literal,
            Placeholders::Spring,
            Form::Yaml,
        ),
        FileKind::Elasticsearch => (
            vec![Product::Elasticsearch],
            KeyStyle::Literal,
            Placeholders::None,
            Form::Yaml,
        ),
        FileKind::Opensearch => (
            vec![Product::Opensearch],
            KeyStyle::Literal,
            Placeholders::None,
            Form::Yaml,
        ),
        FileKind::Env => (
            Vec::new(),
            KeyStyle::Relaxed,
            Placeholders::Compose,
            Form::EnvVar,
        ),
        _ => return None,
    };
    let mut c = Component::new(file.clone(), products, anchor);
    c.style = style;
    match form {
        Form::Properties | Form::EnvVar => {
            let flat = if form == Form::Properties {
                properties::parse_properties(text)
            } else {
                dotenv::parse_dotenv(text)
            };
            flat_comments(a, &flat, &map);
            let mut col = Collector {
                component: &mut c,
                form,
                placeholders,
                file,
                map,
            };
            if form == Form::Properties {
                col.properties(&flat);
            } else {
                col.dotenv(&flat);
            }
        }
        _ => {
            let docs = parse_yaml_text(a, text, &map);
            let mut col = Collector {
                component: &mut c,
                form,
                placeholders,
                file,
                map,
            };
            for d in &docs {
                let start = col.component.settings.len();
                col.yaml("", d);
                if docs.len() > 1 {
                    let end = col.component.settings.len();
                    col.component.documents.push(start..end);
                }
            }
        }
    }
    if style == KeyStyle::Relaxed && kind != FileKind::Env {
        c.products = spring_products(&c, is_camunda_run_config(name_hint));
    }
    Some(c)
}

/// A file's kind by its content, for a file its name says nothing about: a quick look at
/// its lines, then its parsed document, unless the lines show it is plainly nothing
/// camguard recognises (the parse would say the same: [`crate::discover::plainly_unrecognised`]).
pub fn sniff_content(text: &str) -> Option<FileKind> {
    crate::discover::sniff(text).or_else(|| {
        if crate::discover::plainly_unrecognised(text) {
            None
        } else {
            sniff_parsed(text)
        }
    })
}

/// Classify YAML (or JSON) text by its parsed content: the top-level keys of each
/// document, whatever their quoting or syntax and however long the comments before them
/// (what [`crate::discover::sniff`] misses). For a Kubernetes document every document of
/// the file counts; a compose file needs a service with an `image`.
pub fn sniff_parsed(text: &str) -> Option<FileKind> {
    let parsed = yaml::parse_with(text, false);
    let mut keys: Vec<&str> = Vec::new();
    let mut has_image = false;
    for doc in &parsed.docs {
        let Some(entries) = doc.as_map() else {
            continue;
        };
        for (k, v) in entries {
            let Some(key) = k.as_str() else { continue };
            keys.push(key);
            if key == "_meta"
                && v.get("type")
                    .and_then(|t| t.as_str())
                    .is_some_and(crate::discover::is_security_config_type)
            {
                return Some(FileKind::Opensearch);
            }
            if key == "services"
                && let Some(services) = v.as_map()
            {
                has_image |= services.iter().any(|(_, svc)| svc.get("image").is_some());
            }
        }
    }
    crate::discover::classify_keys(keys, has_image)
}

/// What analysis may need beyond the file itself.
#[derive(Clone, Debug)]
pub struct Context {
    pub max_file_size: u64,
    /// The configuration's image patterns and the products they stand for (`[[kind]]`).
    pub images: Arc<Vec<(GlobMatcher, Product)>>,
    /// Canonical scan roots: referenced files (compose `env_file`) must stay inside them.
    pub roots: Arc<Vec<std::path::PathBuf>>,
    /// `camunda-version` / `--camunda-version`: for components whose version nothing else gives.
    pub camunda_version: Option<crate::model::version::Version>,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            max_file_size: crate::discover::DEFAULT_MAX_FILE_SIZE,
            images: Arc::new(Vec::new()),
            roots: Arc::new(Vec::new()),
            camunda_version: None,
        }
    }
}

impl Context {
    /// Products of a container image: the configuration's mapping first.
    pub(crate) fn image_products(&self, image: &str) -> Vec<Product> {
        let mapped = self
            .images
            .iter()
            .find_map(|(g, p)| g.is_match(image).then_some(*p));
        match mapped {
            Some(p @ Product::Camunda7Run) => vec![Product::Camunda7, p],
            Some(p) => vec![p],
            None => env::image_products(image),
        }
    }
}

impl Context {
    /// Read a file a configuration refers to (a compose `env_file`): `rel` as written,
    /// relative to `dir`, the referring file's directory. An absolute path as written is not
    /// followed; the referring file's own path may be absolute (camguard given an absolute
    /// path), and the file must stay inside the scan roots either way.
    pub(crate) fn read_related(&self, dir: &Path, rel: &str) -> Result<FileRef, Problem> {
        let path = dir.join(rel);
        let path = path.as_path();
        if Path::new(rel).is_absolute() {
            return Err(Problem::new(
                ProblemKind::Io,
                crate::source::display(path),
                "absolute paths are not followed",
            ));
        }
        if !self.roots.is_empty()
            && let Ok(real) = std::fs::canonicalize(path)
            && !self.roots.iter().any(|r| real.starts_with(r))
        {
            return Err(Problem::new(
                ProblemKind::MissingReference,
                crate::source::display(path),
                "resolves outside the scanned tree; not read",
            ));
        }
        let text = crate::discover::read_text(path, self.max_file_size)?;
        Ok(crate::source::SourceFile::read_at(path, text))
    }
}

/// Parse and normalise a file of a known kind.
pub fn analyze(file: FileRef, kind: FileKind, ctx: &Context) -> Analysis {
    let mut a = Analysis::new(file.clone(), kind);
    match kind {
        FileKind::Compose => {
            let docs = parse_yaml(&mut a, &file);
            for d in &docs {
                compose::analyze(&mut a, d, ctx);
            }
        }
        FileKind::HelmValues => {
            let docs = parse_yaml(&mut a, &file);
            for d in &docs {
                helm::analyze(&mut a, d);
            }
            if let Some(chart) = wiring::helm_chart(&a.file, ctx)
                && let Some(whole) = a.components.first_mut()
            {
                whole.wiring = Some(Box::new(chart));
            }
            if let Some(v) = versions::chart_beside(&file.path, ctx) {
                versions::apply_chart(&mut a.components, &v);
            }
        }
        FileKind::Xml => xml::analyze(&mut a),
        FileKind::K8s => {
            let docs = parse_yaml(&mut a, &file);
            for d in &docs {
                k8s::analyze(&mut a, d, ctx);
            }
        }
        _ => {
            if let Some(c) = config_component(
                &mut a,
                kind,
                file.text.text(),
                SpanMap::Identity,
                &file.path,
            ) {
                a.components.push(c);
            }
        }
    }
    if let Some(v) = &ctx.camunda_version {
        versions::apply_configured(&mut a.components, v);
    }
    a
}
