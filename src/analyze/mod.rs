//! Parse one file by its kind and normalise it into components.

pub mod compose;
pub mod embedded;
pub mod env;
pub mod helm;
pub mod k8s;
pub mod xml;

use std::path::Path;
use std::sync::Arc;

use crate::discover::{FileKind, is_camunda_run_config};
use crate::formats::{dotenv, properties};
use crate::problem::{Problem, ProblemKind};
use crate::settings::normalize::{Collector, SpanMap, spring_products};
use crate::settings::{
    Component, FileRef, Form, KeyStyle, Placeholders, Product, first_content_offset,
};
use crate::source::Span;
use crate::yaml::{self, IssueKind};

/// A comment, kept for inline suppressions.
#[derive(Clone, Debug)]
pub struct CommentSpan {
    pub span: Span,
    pub text: String,
}

/// A key written twice in one mapping.
#[derive(Clone, Debug)]
pub struct Duplicate {
    pub key: String,
    pub span: Span,
    pub first: Span,
}

/// Everything camguard learned from one file.
#[derive(Debug)]
pub struct Analysis {
    pub file: FileRef,
    pub kind: FileKind,
    pub components: Vec<Component>,
    pub problems: Vec<Problem>,
    pub comments: Vec<CommentSpan>,
    pub duplicates: Vec<Duplicate>,
    /// Facts about XML files, for the XML builtins.
    pub xml: Option<xml::XmlFacts>,
}

impl Analysis {
    /// Where findings about absent keys point when nothing encloses them.
    pub fn file_anchor(&self) -> Span {
        anchor(&self.file)
    }

    fn new(file: FileRef, kind: FileKind) -> Self {
        Analysis {
            file,
            kind,
            components: Vec::new(),
            problems: Vec::new(),
            comments: Vec::new(),
            duplicates: Vec::new(),
            xml: None,
        }
    }

    /// Spans of every literal secret value, by file, to be masked in snippets.
    pub fn secret_spans(&self) -> Vec<(String, Span)> {
        let mut spans: Vec<(String, Span)> = self
            .components
            .iter()
            .flat_map(|c| c.settings.iter())
            .filter(|s| s.is_secret() && !s.value_span.is_empty())
            .map(|s| {
                let path = if Arc::ptr_eq(&s.file, &self.file) {
                    self.file.display_path()
                } else {
                    s.file.display_path()
                };
                (path, s.value_span)
            })
            .collect();
        spans.sort();
        spans.dedup();
        spans
    }
}

fn anchor(file: &FileRef) -> Span {
    Span::empty(first_content_offset(file.text.text()))
}

/// Parse YAML text (the file, or a document embedded in it) and record its issues and
/// comments with spans mapped into the file.
pub fn parse_yaml_text(a: &mut Analysis, text: &str, map: &SpanMap) -> Vec<yaml::Node> {
    let parsed = yaml::parse_with(text, crate::suppress::may_have_directives(text));
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
        }
    }
    a.comments
        .extend(parsed.comments.into_iter().map(|c| CommentSpan {
            span: map.span(c.span),
            text: c.text,
        }));
    parsed.docs
}

fn parse_yaml(a: &mut Analysis) -> Vec<yaml::Node> {
    let file = a.file.clone();
    parse_yaml_text(a, file.text.text(), &SpanMap::Identity)
}

fn flat_comments(a: &mut Analysis, flat: &crate::formats::FlatFile, map: &SpanMap) {
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
pub fn config_component(
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
                col.yaml("", d);
            }
        }
    }
    if style == KeyStyle::Relaxed && kind != FileKind::Env {
        c.products = spring_products(&c, is_camunda_run_config(name_hint));
    }
    Some(c)
}

/// What analysis may need beyond the file itself.
#[derive(Clone, Debug)]
pub struct Context {
    pub max_file_size: u64,
    /// For image -> product mappings.
    pub config: Arc<crate::config::Config>,
    /// Canonical scan roots: referenced files (compose `env_file`) must stay inside them.
    pub roots: Arc<Vec<std::path::PathBuf>>,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            max_file_size: crate::check::DEFAULT_MAX_FILE_SIZE,
            config: Arc::new(crate::config::Config::defaults()),
            roots: Arc::new(Vec::new()),
        }
    }
}

impl Context {
    /// Products of a container image: the configuration's mapping first.
    pub fn image_products(&self, image: &str) -> Vec<Product> {
        match self.config.product_for_image(image) {
            Some(p @ Product::Camunda7Run) => vec![Product::Camunda7, p],
            Some(p) => vec![p],
            None => env::image_products(image),
        }
    }
}

impl Context {
    /// Read a file a configuration refers to (a compose `env_file`).
    pub fn read_related(&self, path: &Path) -> Result<FileRef, Problem> {
        if path.is_absolute() {
            return Err(Problem::new(
                ProblemKind::Io,
                crate::discover::display(path),
                "absolute paths are not followed",
            ));
        }
        if !self.roots.is_empty()
            && let Ok(real) = std::fs::canonicalize(path)
            && !self.roots.iter().any(|r| real.starts_with(r))
        {
            return Err(Problem::new(
                ProblemKind::Link,
                crate::discover::display(path),
                "resolves outside the scanned tree; not read",
            ));
        }
        let text = crate::discover::read_text(path, self.max_file_size)?;
        Ok(crate::settings::SourceFile::new(
            crate::discover::display(path),
            text,
        ))
    }
}

/// Parse and normalise a file of a known kind.
pub fn analyze(file: FileRef, kind: FileKind, ctx: &Context) -> Analysis {
    let mut a = Analysis::new(file.clone(), kind);
    match kind {
        FileKind::Compose => {
            let docs = parse_yaml(&mut a);
            for d in &docs {
                compose::analyze(&mut a, d, ctx);
            }
        }
        FileKind::HelmValues => {
            let docs = parse_yaml(&mut a);
            for d in &docs {
                helm::analyze(&mut a, d);
            }
        }
        FileKind::Xml => xml::analyze(&mut a),
        FileKind::K8s => {
            let docs = parse_yaml(&mut a);
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
    a
}
