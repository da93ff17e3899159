//! The one model rules see: components holding settings with spans.
//!
//! A parsed file is turned into one or more [`Component`]s (one Spring application,
//! one compose service, one container). Each component holds [`Setting`]s: a key as
//! the product reads it, a value, and the spans the user wrote.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

pub(crate) use super::finding::Related;
use super::keys;
pub(crate) use super::value::{Placeholders, Value};
use super::version::{KnownVersion, version_line};
pub(crate) use super::wiring::Wiring;
use crate::source::Span;

pub(crate) use crate::source::FileRef;

/// The products camguard knows. A component may be several at once (a Camunda Run
/// config is both `camunda7` and `camunda7-run`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Product {
    Optimize,
    Camunda7,
    Camunda7Run,
    Camunda8,
    CamundaHelm,
    Compose,
    Elasticsearch,
    Opensearch,
}

impl Product {
    pub const ALL: [Product; 8] = [
        Product::Optimize,
        Product::Camunda7,
        Product::Camunda7Run,
        Product::Camunda8,
        Product::CamundaHelm,
        Product::Compose,
        Product::Elasticsearch,
        Product::Opensearch,
    ];

    pub(crate) fn id(self) -> &'static str {
        match self {
            Product::Optimize => "optimize",
            Product::Camunda7 => "camunda7",
            Product::Camunda7Run => "camunda7-run",
            Product::Camunda8 => "camunda8",
            Product::CamundaHelm => "camunda-helm",
            Product::Compose => "compose",
            Product::Elasticsearch => "elasticsearch",
            Product::Opensearch => "opensearch",
        }
    }

    pub(crate) fn from_id(id: &str) -> Option<Product> {
        Product::ALL.into_iter().find(|p| p.id() == id)
    }

    /// How the product reads its keys.
    pub(crate) fn key_style(self) -> KeyStyle {
        match self {
            Product::Camunda7 | Product::Camunda7Run | Product::Camunda8 => KeyStyle::Relaxed,
            _ => KeyStyle::Literal,
        }
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Spring relaxed binding, or exact keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyStyle {
    Relaxed,
    Literal,
}

/// Where a setting was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    Yaml,
    Properties,
    EnvVar,
    SystemProperty,
    Xml,
    /// A member of `SPRING_APPLICATION_JSON` (docs/deployments.md §1.6).
    ApplicationJson,
    /// A `--key=value` command-line argument of a Spring Boot process (§1.7).
    CommandLine,
}

/// Shared text, for a setting's keys and text value. A copy of a setting (deployments copy
/// most settings of their layers into a merge) counts references instead of allocating,
/// and a match key equal to its key is the same allocation. Compares, hashes and reads as
/// `str`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<&String> for SharedStr {
    fn from(s: &String) -> Self {
        SharedStr(Arc::from(s.as_str()))
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == *other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // (`pad`, as `str` does: widths and precision apply)
        f.pad(&self.0)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[derive(Clone, Debug)]
pub struct Setting {
    /// Dotted key as written (nested YAML joined with `.`, list indices as `[n]`).
    /// For env vars, the variable's name as written (the match key is made from its
    /// dotted form, `CAMUNDA_X_Y` -> `camunda.x.y`).
    /// Shared, with `match_key` too: a deployment copies most settings of its layers into
    /// its merge, and a copy of a shared key is a count, not an allocation.
    pub key: SharedStr,
    /// The key in the form the product compares (see [`keys::match_key`]); where the two
    /// are equal (a literal key style), the collectors make it the same allocation.
    pub match_key: SharedStr,
    pub value: Value,
    pub key_span: Span,
    pub value_span: Span,
    pub form: Form,
    /// How `${...}` in the value is read.
    pub placeholders: Placeholders,
    /// The file the setting was written in (an env_file may differ from the component's file).
    pub file: FileRef,
    /// [`keys::is_secret_key`] of the key, computed once.
    pub secret: bool,
    /// Where the value came from when a deployment assembled it from several layers
    /// (`None` for a setting as one file wrote it).
    pub via: Option<Box<Via>>,
}

/// How the deployments stage arrived at a setting's value: the layers it overrode or
/// that fed it, and what it depends on when it could not be resolved.
#[derive(Clone, Debug, Default)]
pub struct Via {
    /// Secondary locations (the compose line behind a `.env` value, an overridden layer).
    pub related: Vec<Related>,
    /// The value could not be resolved: what it depends on (a `${VAR}` defined nowhere in
    /// the scanned tree, a ConfigMap that is not in it). Checks treat it as unknown.
    pub unknown: Option<String>,
    /// Replaces the label of a finding on the value (already masked).
    pub note: Option<String>,
    /// The value is a default no layer overrides, and whose: `the default of chart
    /// camunda-platform 13.12.7 (charts/camunda-platform-8.8/values.yaml line 168)`.
    pub default_of: Option<std::sync::Arc<str>>,
    /// The value is what the container's image does when nothing sets the key, and why:
    /// `image `bitnami/elasticsearch:8` writes `xpack.security.enabled: false` unless ...`.
    pub implied: Option<String>,
}

impl Setting {
    pub(crate) fn is_secret(&self) -> bool {
        self.secret
    }

    /// What an unresolved value depends on, if it is one.
    pub(crate) fn unknown(&self) -> Option<&str> {
        self.via.as_ref().and_then(|v| v.unknown.as_deref())
    }

    /// The deployments stage's record of this setting, created on first use.
    pub(crate) fn via_mut(&mut self) -> &mut Via {
        self.via.get_or_insert_with(Box::default)
    }

    /// The span a finding on this setting underlines.
    pub(crate) fn primary_span(&self) -> Span {
        if self.value_span.is_empty() {
            self.key_span
        } else {
            self.value_span
        }
    }
}

/// A key that encloses other keys (a YAML mapping key), used to anchor findings about
/// absent keys at the closest place the user would add them.
#[derive(Clone, Debug)]
pub struct Section {
    pub match_key: String,
    pub span: Span,
    /// The file of the span when it is not the component's (a deployment's layer).
    pub file: Option<FileRef>,
}

/// The settings one running process sees.
#[derive(Clone, Debug)]
pub struct Component {
    /// Compose service, container or chart section name; `None` for a plain config file.
    pub name: Option<String>,
    pub products: Vec<Product>,
    pub style: KeyStyle,
    pub file: FileRef,
    pub settings: Vec<Setting>,
    pub sections: Vec<Section>,
    /// Where findings about absent keys point when no enclosing key exists.
    pub anchor: Span,
    /// The settings are overrides (container env, chart values): other configuration may
    /// exist that camguard cannot see, so checks about absent keys are skipped.
    pub partial: bool,
    /// Sections (match keys) of a partial component whose settings are all in view, so
    /// checks about absent keys below them still run: the init-params of a `web.xml`
    /// filter are the filter's whole configuration.
    pub complete: Vec<String>,
    /// Ports a compose service publishes on the host.
    pub ports: Vec<PublishedPort>,
    /// Ranges of `settings` that came from each YAML document of a multi-document file
    /// (empty for a file of one document).
    pub documents: Vec<std::ops::Range<usize>>,
    /// What the component takes from other files (compose `env_file`, Kubernetes
    /// `envFrom`), for the deployments stage.
    pub wiring: Option<Box<Wiring>>,
    /// The versions it is known to run, per product (from its image, its chart or the
    /// configuration); a product missing here has an unknown version.
    pub versions: Vec<KnownVersion>,
}

/// A port published by a compose service.
#[derive(Clone, Debug)]
pub struct PublishedPort {
    /// The compose file that publishes it (a deployment's ports come from several).
    pub file: FileRef,
    /// The container port (first of a range).
    pub container: u16,
    /// The host interface, when given (`127.0.0.1`).
    pub host_ip: Option<String>,
    /// As written, for messages.
    pub text: String,
    pub span: Span,
}

impl PublishedPort {
    /// Published on every host interface (no loopback host IP)?
    pub(crate) fn on_all_interfaces(&self) -> bool {
        match self.host_ip.as_deref() {
            None | Some("") | Some("0.0.0.0") | Some("::") | Some("[::]") => true,
            Some(ip) => {
                !(ip.starts_with("127.") || ip == "::1" || ip == "[::1]" || ip == "localhost")
            }
        }
    }
}

impl Component {
    /// Give back the vectors' room beyond their length (see `Analysis::shrink_to_fit`).
    pub fn shrink_to_fit(&mut self) {
        self.products.shrink_to_fit();
        self.settings.shrink_to_fit();
        self.sections.shrink_to_fit();
        self.complete.shrink_to_fit();
        self.ports.shrink_to_fit();
        self.documents.shrink_to_fit();
        self.versions.shrink_to_fit();
        if let Some(w) = &mut self.wiring {
            w.shrink_to_fit();
        }
    }

    pub fn new(file: FileRef, products: Vec<Product>, anchor: Span) -> Self {
        let style = products
            .first()
            .map(|p| p.key_style())
            .unwrap_or(KeyStyle::Literal);
        Component {
            name: None,
            products,
            style,
            file,
            settings: Vec::new(),
            sections: Vec::new(),
            anchor,
            partial: false,
            complete: Vec::new(),
            ports: Vec::new(),
            documents: Vec::new(),
            wiring: None,
            versions: Vec::new(),
        }
    }

    /// The version of a product this component is known to run.
    pub(crate) fn version_of(&self, p: Product) -> Option<&KnownVersion> {
        let line = version_line(p);
        self.versions
            .iter()
            .find(|v| version_line(v.product) == line)
    }

    /// Record a version unless one is already known for its product.
    pub(crate) fn add_version(&mut self, v: KnownVersion) {
        if self.version_of(v.product).is_none() {
            self.versions.push(v);
        }
    }

    pub(crate) fn has_product(&self, p: Product) -> bool {
        self.products.contains(&p)
    }

    pub(crate) fn primary_product(&self) -> Option<Product> {
        self.products.first().copied()
    }

    /// The file and span of the closest enclosing section of an absent key, or the anchor
    /// (a deployment's sections may lie in any of its layers).
    pub(crate) fn anchor_at(&self, match_key: &str) -> (&FileRef, Span) {
        let mut best: Option<&Section> = None;
        for s in &self.sections {
            if keys::is_prefix(&s.match_key, match_key, self.style)
                && best.is_none_or(|b| s.match_key.len() > b.match_key.len())
            {
                best = Some(s);
            }
        }
        match best {
            Some(s) => (s.file.as_ref().unwrap_or(&self.file), s.span),
            None => (&self.file, self.anchor),
        }
    }
}
