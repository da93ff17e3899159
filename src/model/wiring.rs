//! What a component takes from other files: recorded by analysis (compose `env_file` and
//! pass-through variables, Kubernetes `envFrom` / `valueFrom`), resolved by the
//! deployments stage (`crate::deploy`). See docs/deployments.md §4 and §5.

use crate::source::Span;

/// A component's references to configuration outside itself.
#[derive(Clone, Debug, Default)]
pub struct Wiring {
    /// The container image as written (compose or Kubernetes `image:`), with its span.
    pub image: Option<(String, Span)>,
    /// Compose: `environment` entries without a value (`- KEY`, `KEY:`), which take the
    /// value from the shell or the project's `.env` (§4.5).
    pub pass_through: Vec<(String, Span)>,
    /// Compose: the `env_file` paths as written, in order.
    pub env_files: Vec<(String, Span)>,
    /// Kubernetes: the namespace of the workload, when written.
    pub namespace: Option<String>,
    /// Kubernetes: `envFrom` sources, in order (§5).
    pub env_from: Vec<EnvFrom>,
    /// Kubernetes: the `env` list in order, literal values and references (§5).
    pub env: Vec<EnvEntry>,
    /// Compose `entrypoint` / Kubernetes `command`: replaces the image's ENTRYPOINT (§4.7, §5).
    pub entrypoint: Option<Command>,
    /// Compose `command` / Kubernetes `args`: replaces the image's CMD (§4.7, §5).
    pub command: Option<Command>,
    /// Helm values: the camunda-platform chart they are for, from `Chart.yaml` /
    /// `Chart.lock` beside them (§6).
    pub chart: Option<ChartRef>,
    /// Files mounted into the container: compose `volumes:` bind mounts and `configs:`
    /// with `file:`, Kubernetes ConfigMap and Secret volumes (§4.7, §5, §7).
    pub mounts: Vec<Mount>,
    /// Compose: the service it `extends` (§4.6).
    pub extends: Option<Extends>,
    /// The container's `command` / `args` pass `--production` (Camunda Run then reads
    /// `configuration/production.yml`, §3).
    pub run_production: bool,
}

impl Wiring {
    /// Give back the vectors' room beyond their length (see `Analysis::shrink_to_fit`).
    pub fn shrink_to_fit(&mut self) {
        self.pass_through.shrink_to_fit();
        self.env_files.shrink_to_fit();
        self.env_from.shrink_to_fit();
        self.env.shrink_to_fit();
        self.mounts.shrink_to_fit();
    }
}

/// One entry of a compose file's top-level `include`: short syntax (a path) or long
/// syntax (`path`, a string or a list merged in order; `env_file`; `project_directory`).
#[derive(Clone, Debug)]
pub struct Include {
    pub paths: Vec<String>,
    /// Long syntax `env_file` / `project_directory`, which camguard does not follow.
    pub unsupported: Option<&'static str>,
    pub span: Span,
}

/// A compose service's `extends: {service, file}`.
#[derive(Clone, Debug)]
pub struct Extends {
    pub service: String,
    /// The compose file that defines it, as written; `None`: the same file.
    pub file: Option<String>,
    pub span: Span,
}

/// A file or directory mounted into a container.
#[derive(Clone, Debug)]
pub struct Mount {
    pub source: MountSource,
    /// The path in the container, as written.
    pub target: String,
    /// The span of the entry that mounts it (the volume mount, the `configs` entry).
    pub span: Span,
}

/// What a mount puts into the container.
#[derive(Clone, Debug)]
pub enum MountSource {
    /// Compose: a host path as written (relative to the compose file's directory).
    Host(String),
    /// Compose: a top-level `configs` entry of the same file whose `content` is the file's
    /// text, by the entry's name (its component is `configs/<name>` when the text is a
    /// configuration file camguard reads, `analyze::compose`).
    Inline(String),
    /// Kubernetes: the keys of a ConfigMap or Secret volume. `items` (key, path) when
    /// listed (only those keys appear); `sub_path` when one path of the volume is mounted
    /// at the target.
    Object {
        kind: ObjectKind,
        name: String,
        items: Vec<(String, String)>,
        sub_path: Option<String>,
        optional: bool,
    },
}

/// A command line as written: a list of words, or one string Compose splits like a shell.
#[derive(Clone, Debug)]
pub enum Command {
    /// Each word with its span.
    List(Vec<(String, Span)>),
    /// The string and its span.
    Shell(String, Span),
}

/// The camunda-platform chart a values file configures.
#[derive(Clone, Debug)]
pub struct ChartRef {
    /// As written: an exact version (`Chart.lock`, the chart's own `Chart.yaml`) or a
    /// constraint (`13.x.x`, `~13.1.0`) of a dependency.
    pub version: String,
    /// From `Chart.lock` or the chart itself: exact.
    pub exact: bool,
    /// Umbrella chart: the key its values for camunda-platform are under (the dependency's
    /// alias or name). `None` for the chart's own directory.
    pub key: Option<String>,
    /// Where the version is written.
    pub file: crate::source::FileRef,
    pub span: Span,
}

/// A Kubernetes object that holds configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectKind {
    ConfigMap,
    Secret,
}

impl ObjectKind {
    pub(crate) fn id(self) -> &'static str {
        match self {
            ObjectKind::ConfigMap => "ConfigMap",
            ObjectKind::Secret => "Secret",
        }
    }
}

/// One `envFrom` source.
#[derive(Clone, Debug)]
pub struct EnvFrom {
    pub kind: ObjectKind,
    pub name: String,
    /// `prefix`, prepended to every key of the source.
    pub prefix: String,
    pub optional: bool,
    pub span: Span,
}

/// Where an `env` entry's value comes from.
#[derive(Clone, Debug)]
pub enum EnvSource {
    /// `value:`, as written (may hold `$(VAR)` references).
    Value(String),
    /// `valueFrom.configMapKeyRef` / `secretKeyRef`.
    Key {
        kind: ObjectKind,
        name: String,
        key: String,
        optional: bool,
    },
    /// `fieldRef`, `resourceFieldRef`: set by the platform, not by configuration.
    Platform,
}

/// One entry of a container's `env` list.
#[derive(Clone, Debug)]
pub struct EnvEntry {
    pub name: String,
    pub name_span: Span,
    pub source: EnvSource,
    /// The span of `value` or `valueFrom`.
    pub span: Span,
}

/// A ConfigMap or Secret of a manifest, its entries decoded.
#[derive(Clone, Debug)]
pub struct K8sObject {
    pub kind: ObjectKind,
    pub name: String,
    pub namespace: Option<String>,
    /// The span of the object's name.
    pub span: Span,
    /// In order; for the same key the last one wins (a Secret's `stringData` after `data`).
    pub entries: Vec<ObjectEntry>,
}

/// One key of a ConfigMap's `data` or a Secret's `data` / `stringData`.
#[derive(Clone, Debug)]
pub struct ObjectEntry {
    pub key: String,
    /// The value (base64 `data` decoded); `None` when it is not valid base64 or UTF-8.
    pub value: Option<String>,
    pub key_span: Span,
    pub value_span: Span,
}
