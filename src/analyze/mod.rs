//! Parse one file by its kind and normalise it into components.

pub mod compose;
pub mod embedded;
pub mod env;

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
}

impl Analysis {
    fn new(file: FileRef, kind: FileKind) -> Self {
        Analysis {
            file,
            kind,
            components: Vec::new(),
            problems: Vec::new(),
            comments: Vec::new(),
            duplicates: Vec::new(),
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

fn parse_yaml(a: &mut Analysis) -> Vec<yaml::Node> {
    let parsed = yaml::parse(a.file.text.text());
    for issue in parsed.issues {
        match issue.kind {
            IssueKind::DuplicateKey => {
                let key = a.file.text.slice(issue.span).to_string();
                a.duplicates.push(Duplicate {
                    key,
                    span: issue.span,
                    first: issue.related.unwrap_or(issue.span),
                });
            }
            IssueKind::Syntax => a.problems.push(Problem::at(
                ProblemKind::Syntax,
                &a.file,
                issue.span,
                format!(
                    "invalid YAML: {}; only the part before this point was checked",
                    issue.message
                ),
            )),
            IssueKind::Limit => a.problems.push(Problem::at(
                ProblemKind::Limit,
                &a.file,
                issue.span,
                issue.message,
            )),
        }
    }
    a.comments
        .extend(parsed.comments.into_iter().map(|c| CommentSpan {
            span: c.span,
            text: c.text,
        }));
    parsed.docs
}

fn flat_comments(a: &mut Analysis, flat: &crate::formats::FlatFile) {
    a.comments.extend(flat.comments.iter().map(|c| CommentSpan {
        span: c.span,
        text: c.text.clone(),
    }));
    for issue in &flat.issues {
        a.problems.push(Problem::at(
            ProblemKind::Syntax,
            &a.file,
            issue.span,
            issue.message.clone(),
        ));
    }
}

fn spring_component(file: &FileRef) -> Component {
    let mut c = Component::new(file.clone(), Vec::new(), anchor(file));
    c.style = KeyStyle::Relaxed;
    c
}

/// What analysis may need beyond the file itself.
#[derive(Clone, Copy, Debug)]
pub struct Context {
    pub max_file_size: u64,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            max_file_size: crate::check::DEFAULT_MAX_FILE_SIZE,
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
                compose::analyze(&mut a, d, &|p| ctx.read_related(p));
            }
        }
        FileKind::SpringYaml => {
            let docs = parse_yaml(&mut a);
            let mut c = spring_component(&file);
            let mut col = Collector {
                component: &mut c,
                form: Form::Yaml,
                placeholders: Placeholders::Spring,
                file: file.clone(),
                map: SpanMap::Identity,
            };
            for d in &docs {
                col.yaml("", d);
            }
            c.products = spring_products(&c, is_camunda_run_config(&file.path));
            a.components.push(c);
        }
        FileKind::SpringProperties => {
            let flat = properties::parse_properties(file.text.text());
            flat_comments(&mut a, &flat);
            let mut c = spring_component(&file);
            Collector {
                component: &mut c,
                form: Form::Properties,
                placeholders: Placeholders::Spring,
                file: file.clone(),
                map: SpanMap::Identity,
            }
            .properties(&flat);
            c.products = spring_products(&c, false);
            a.components.push(c);
        }
        FileKind::Optimize | FileKind::Elasticsearch | FileKind::Opensearch => {
            let (product, placeholders) = match kind {
                FileKind::Optimize => (Product::Optimize, Placeholders::Spring),
                FileKind::Elasticsearch => (Product::Elasticsearch, Placeholders::None),
                _ => (Product::Opensearch, Placeholders::None),
            };
            let docs = parse_yaml(&mut a);
            let mut c = Component::new(file.clone(), vec![product], anchor(&file));
            let mut col = Collector {
                component: &mut c,
                form: Form::Yaml,
                placeholders,
                file: file.clone(),
                map: SpanMap::Identity,
            };
            for d in &docs {
                col.yaml("", d);
            }
            a.components.push(c);
        }
        FileKind::Env => {
            let flat = dotenv::parse_dotenv(file.text.text());
            flat_comments(&mut a, &flat);
            let mut c = Component::new(file.clone(), Vec::new(), anchor(&file));
            c.style = KeyStyle::Relaxed;
            Collector {
                component: &mut c,
                form: Form::EnvVar,
                placeholders: Placeholders::Compose,
                file: file.clone(),
                map: SpanMap::Identity,
            }
            .dotenv(&flat);
            a.components.push(c);
        }
    }
    a
}
