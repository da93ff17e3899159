//! What analysis learned from one file: the data that rules read. How it is computed
//! lives in `crate::analyze`.

use std::sync::Arc;

use super::file_kind::FileKind;
use super::problem::Problem;
use super::settings::Component;
use super::wiring::{K8sObject, ObjectKind};
use crate::source::{FileRef, Span};

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
    pub xml: Option<XmlFacts>,
    /// Kubernetes ConfigMaps and Secrets, which containers of any file may reference.
    pub objects: Vec<K8sObject>,
    /// Compose: the compose files of the top-level `include` (§4.6).
    pub includes: Vec<crate::model::wiring::Include>,
}

impl Analysis {
    pub fn new(file: FileRef, kind: FileKind) -> Self {
        Analysis {
            file,
            kind,
            components: Vec::new(),
            problems: Vec::new(),
            comments: Vec::new(),
            duplicates: Vec::new(),
            xml: None,
            objects: Vec::new(),
            includes: Vec::new(),
        }
    }

    /// Give back what the vectors grew beyond their length: an analysis held for the
    /// deployments stage waits with every other held file (the peak of a large scan,
    /// BENCHMARKS.md), and vectors that grew by doubling were up to twice their size.
    /// Small vectors count too: the first push gives a vector room for four, so a
    /// component's one published port or one known version held four times its size.
    pub fn shrink_to_fit(&mut self) {
        for c in &mut self.components {
            c.shrink_to_fit();
        }
        self.components.shrink_to_fit();
        self.comments.shrink_to_fit();
        self.problems.shrink_to_fit();
        self.duplicates.shrink_to_fit();
        self.objects.shrink_to_fit();
        self.includes.shrink_to_fit();
    }

    /// Spans of every literal secret value, by file, to be masked in snippets.
    pub(crate) fn secret_spans(&self) -> Vec<(String, Span)> {
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
        // Every value of a Secret is one, whatever its key is called.
        for o in self.objects.iter().filter(|o| o.kind == ObjectKind::Secret) {
            for e in o.entries.iter().filter(|e| !e.value_span.is_empty()) {
                spans.push((self.file.display_path(), e.value_span));
            }
        }
        spans.sort();
        spans.dedup();
        spans
    }
}

/// What the XML builtins need to know.
#[derive(Clone, Debug, Default)]
pub struct XmlFacts {
    /// A `web.xml` of the engine REST API.
    pub engine_rest: bool,
    /// `ProcessEngineAuthenticationFilter` is declared (not inside a comment).
    pub rest_auth_filter: bool,
    /// A comment that holds the filter declaration (commented out).
    pub rest_auth_filter_comment: Option<Span>,
    /// The root element's start.
    pub root: Span,
    /// A Tomcat `server.xml`.
    pub server_xml: bool,
    /// Active `<Connector>` elements.
    pub connectors: Vec<Connector>,
    /// Active AJP `<Connector>` elements (not in `connectors`: they are not web listeners).
    pub ajp_connectors: Vec<AjpConnector>,
}

/// An active Tomcat AJP `<Connector protocol="AJP/1.3">`.
#[derive(Clone, Debug)]
pub struct AjpConnector {
    pub span: Span,
    /// The `port` attribute as written.
    pub port: String,
    /// `secret` (or its pre-9.0.31 name `requiredSecret`) is set to a non-empty value.
    pub secret: bool,
    /// The `secretRequired` attribute as written, with its span.
    pub secret_required: Option<(String, Span)>,
    /// The `address` attribute as written.
    pub address: Option<String>,
}

/// An active Tomcat `<Connector>`.
#[derive(Clone, Debug)]
pub struct Connector {
    pub span: Span,
    /// It serves TLS (`SSLEnabled="true"` or a TLS protocol).
    pub tls: bool,
    /// The `port` attribute as written.
    pub port: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::settings::{Component, PublishedPort};
    use crate::model::wiring::{Mount, MountSource, Wiring};
    use crate::source::{SourceFile, Span};

    /// A held analysis keeps no room beyond what it holds, down to a component's one port
    /// and its wiring's one mount (vectors start with room for four).
    #[test]
    fn held_analyses_give_back_their_vectors_room() {
        let file = SourceFile::new("compose.yaml", "services: {}\n");
        let mut a = Analysis::new(file.clone(), FileKind::Compose);
        let mut c = Component::new(file.clone(), Vec::new(), Span::new(0, 1));
        c.ports.push(PublishedPort {
            file: file.clone(),
            container: 8080,
            host_ip: None,
            text: "8080:8080".into(),
            span: Span::new(0, 1),
        });
        let mut w = Wiring::default();
        w.mounts.push(Mount {
            source: MountSource::Host("./application.yaml".into()),
            target: "/config/application.yaml".into(),
            span: Span::new(0, 1),
        });
        c.wiring = Some(Box::new(w));
        a.components.push(c);
        a.shrink_to_fit();
        let c = &a.components[0];
        assert_eq!(a.components.capacity(), 1);
        assert_eq!(c.ports.capacity(), 1);
        assert_eq!(c.wiring.as_ref().unwrap().mounts.capacity(), 1);
    }
}
