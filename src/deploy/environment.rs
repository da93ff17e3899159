//! The environment of a deployment: production unless the configuration's
//! `[[environment]]` entries or an unmistakable name say otherwise (issue 14: "no
//! authentication is for local development with C8 Run or Docker Compose only").
//!
//! Unmistakable names are file names whose parts (split at `.`, `-`, `_`) include `local`,
//! `dev` or `development` (`values-local.yaml`, `docker-compose.dev.yml`). Nothing else
//! downgrades a deployment: a configured `production` entry wins over any name, a
//! deployment with a production layer in a configured production path stays production,
//! and what scanned content says (a `spring.profiles.active: dev` line, which a pull
//! request controls) never lowers it. A Spring application's layers are chosen by its
//! content (the active profiles), so only its defining file and the profile files it
//! exists for (the assembler's decision, `spring.rs`) may lower it.

use std::path::{Path, PathBuf};

use globset::GlobMatcher;

use crate::model::deployment::{Deployment, DeploymentKind, Environment};
use crate::source::relative_to_base;

/// `[[environment]]` entries: path globs (relative to `base`) and the environment.
#[derive(Clone, Debug, Default)]
pub struct Environments {
    pub entries: Vec<(GlobMatcher, Environment)>,
    /// The absolute directory the globs are relative to.
    pub base: PathBuf,
}

const DEVELOPMENT_WORDS: [&str; 3] = ["local", "dev", "development"];

/// Does a file name say it is for local development?
pub(crate) fn development_name(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let lower = name.to_ascii_lowercase();
    let stem = lower.rsplit_once('.').map_or(lower.as_str(), |(s, _)| s);
    stem.split(['.', '-', '_'])
        .any(|part| DEVELOPMENT_WORDS.contains(&part))
}

impl Environments {
    /// The configured environment of a path, if an entry matches it (the first one).
    pub(crate) fn configured(&self, path: &Path) -> Option<Environment> {
        if self.entries.is_empty() {
            return None;
        }
        let rel = relative_to_base(&self.base, path);
        self.entries
            .iter()
            .find(|(g, _)| g.is_match(&rel))
            .map(|(_, e)| *e)
    }

    /// The environment of a file judged on its own (no deployment claims it), and why.
    pub(crate) fn of_path(&self, path: &Path) -> (Environment, Option<String>) {
        match self.configured(path) {
            Some(Environment::Production) => (Environment::Production, None),
            Some(e) => (
                e,
                Some(format!(
                    "{} is configured as {} in camguard.toml",
                    crate::source::display(path),
                    e.id()
                )),
            ),
            None if development_name(path) => (
                Environment::Development,
                Some(format!(
                    "the name {} says it is for local development",
                    crate::source::display(path)
                )),
            ),
            None => (Environment::Production, None),
        }
    }

    /// Set the environment of a deployment (and why, when it is not production).
    pub(crate) fn classify(&self, d: &mut Deployment) {
        let files: Vec<&Path> = d.layers.iter().map(|l| l.file.path.as_path()).collect();
        let defining = d.effective.file.path.as_path();
        // The configuration first: any layer in a production path keeps it production.
        let configured: Vec<(Environment, &Path)> = std::iter::once(defining)
            .chain(files.iter().copied())
            .filter_map(|p| self.configured(p).map(|e| (e, p)))
            .collect();
        // Only a configured production path counts among the content-chosen layers of a
        // Spring application; a development path only for its defining file.
        let configured: Vec<(Environment, &Path)> = configured
            .into_iter()
            .filter(|(e, p)| {
                *e == Environment::Production
                    || d.kind != DeploymentKind::SpringApp
                    || *p == defining
            })
            .collect();
        if configured
            .iter()
            .any(|(e, _)| *e == Environment::Production)
        {
            d.environment = Environment::Production;
            d.environment_reason = None;
            return;
        }
        if let Some((e, p)) = configured.first() {
            d.environment = *e;
            d.environment_reason = Some(format!(
                "{} is configured as {} in camguard.toml",
                crate::source::display(p),
                e.id()
            ));
            return;
        }
        if d.environment == Environment::Development {
            // The assembler knew (the name of the profile file a Spring deployment is for).
            return;
        }
        // Only the name of the file that defines the deployment counts: the other layers
        // are files its content names (a Spring profile it activates, an `env_file: local.env`,
        // a ConfigMap, a mounted file), so a pull request could choose them to lower it.
        if development_name(defining) {
            let p = &defining;
            d.environment = Environment::Development;
            d.environment_reason = Some(format!(
                "the name {} says it is for local development",
                crate::source::display(p)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmistakable_names() {
        for n in [
            "values-local.yaml",
            "docker-compose.dev.yml",
            "compose-local.yaml",
            "application-dev.yaml",
            "dev.env",
        ] {
            assert!(development_name(Path::new(n)), "{n}");
        }
        for n in [
            "values.yaml",
            "docker-compose.yml",
            "values-devops.yaml",
            "application-prod.yaml",
            "values-test.yaml",
        ] {
            assert!(!development_name(Path::new(n)), "{n}");
        }
    }
}
