//! Deployments: the running processes camguard assembles from several files (issue 14,
//! docs/deployments.md). A deployment's `effective` component holds one setting per key,
//! the value of the layer that wins, with the layers it overrode or that fed it.

use serde::Serialize;

use super::settings::{Component, Product};
use crate::source::FileRef;

/// What kind of process a deployment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeploymentKind {
    /// A Spring Boot application directory: `application.*` and its profile files.
    SpringApp,
    /// A Camunda Run installation's `configuration/default.yml` or `production.yml`.
    CamundaRun,
    /// A service of a Docker Compose project.
    ComposeService,
    /// A container of a Kubernetes workload.
    K8sContainer,
    /// A component of a Helm release of the camunda-platform chart.
    HelmRelease,
}

impl DeploymentKind {
    pub(crate) fn id(self) -> &'static str {
        match self {
            DeploymentKind::SpringApp => "spring-app",
            DeploymentKind::CamundaRun => "camunda-run",
            DeploymentKind::ComposeService => "compose-service",
            DeploymentKind::K8sContainer => "k8s-container",
            DeploymentKind::HelmRelease => "helm-release",
        }
    }
}

/// Where a deployment runs. Production unless the configuration or an unmistakable
/// name (`values-local.yaml`, `docker-compose.dev.yml`) says otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Environment {
    #[default]
    Production,
    Development,
}

impl Environment {
    pub const ALL: [Environment; 2] = [Environment::Production, Environment::Development];

    pub(crate) fn id(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Development => "development",
        }
    }

    pub(crate) fn from_id(id: &str) -> Option<Environment> {
        Environment::ALL.into_iter().find(|e| e.id() == id)
    }
}

/// One source of configuration of a deployment.
#[derive(Clone, Debug)]
pub struct Layer {
    pub file: FileRef,
    /// What the layer is, for people: `application-prod.yaml (profile prod)`, `.env
    /// (interpolation only)`, `env_file a.env`.
    pub what: String,
    /// Higher wins. Layers that only feed interpolation (a compose `.env`) have 0.
    pub precedence: u32,
}

/// One running process and the configuration it really gets.
#[derive(Clone, Debug)]
pub struct Deployment {
    /// For people: `docker-compose.yaml service zeebe`, `src/main/resources (profile dev)`.
    pub name: String,
    pub kind: DeploymentKind,
    pub products: Vec<Product>,
    /// The version it runs, when known (image tag, chart version).
    pub version: Option<String>,
    pub environment: Environment,
    /// Why the environment is what it is (`docker-compose.dev.yml` says so), when it is
    /// not the default.
    pub environment_reason: Option<String>,
    /// In precedence order, lowest first.
    pub layers: Vec<Layer>,
    /// The settings the process sees. Its file and anchor are the deployment's defining
    /// place (the base config file, the service, the container), where findings about
    /// absent keys point.
    pub effective: Component,
    /// What camguard could not take into account (an `include`, a ConfigMap not in the
    /// tree), for people.
    pub notes: Vec<String>,
}
