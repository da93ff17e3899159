//! The kinds of file camguard reads.

use serde::Serialize;

/// What a file is, which decides how it is parsed and normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// Spring Boot `application*.yaml` (Camunda 7 starter / Run, Camunda 8).
    SpringYaml,
    /// Spring Boot `application*.properties`.
    SpringProperties,
    /// Optimize `environment-config.yaml`.
    Optimize,
    Elasticsearch,
    Opensearch,
    /// `.env` files.
    Env,
    /// Docker Compose files.
    Compose,
    /// Values of the camunda-platform Helm chart.
    HelmValues,
    /// Kubernetes manifests (also `helm template` output).
    K8s,
    /// Camunda 7 XML: web.xml, bpm-platform.xml, processes.xml, Tomcat server.xml.
    Xml,
}

impl FileKind {
    pub const ALL: [FileKind; 10] = [
        FileKind::SpringYaml,
        FileKind::SpringProperties,
        FileKind::Optimize,
        FileKind::Elasticsearch,
        FileKind::Opensearch,
        FileKind::Env,
        FileKind::Compose,
        FileKind::HelmValues,
        FileKind::K8s,
        FileKind::Xml,
    ];

    /// The name used by `--kind`.
    pub(crate) fn id(self) -> &'static str {
        match self {
            FileKind::SpringYaml => "spring",
            FileKind::SpringProperties => "properties",
            FileKind::Optimize => "optimize",
            FileKind::Elasticsearch => "elasticsearch",
            FileKind::Opensearch => "opensearch",
            FileKind::Env => "env",
            FileKind::Compose => "compose",
            FileKind::HelmValues => "helm-values",
            FileKind::K8s => "k8s",
            FileKind::Xml => "xml",
        }
    }

    pub(crate) fn from_id(id: &str) -> Option<FileKind> {
        let id = match id {
            "web-xml" | "bpm-platform-xml" | "server-xml" | "processes-xml" => "xml",
            "application-yaml" | "yaml" => "spring",
            "docker-compose" => "compose",
            "helm" | "values" => "helm-values",
            "kubernetes" => "k8s",
            "dotenv" => "env",
            other => other,
        };
        FileKind::ALL.into_iter().find(|k| k.id() == id)
    }
}
