//! DC002: a Keycloak container (compose service or Kubernetes container) started in
//! development mode, or with the development defaults set one by one: the HTTP listener
//! on and strict hostname resolution off.

use std::sync::Arc;

use crate::model::analysis::Analysis;
use crate::model::file_kind::FileKind;
use crate::model::finding::Finding;
use crate::model::rule::{RuleInfo, Severity};
use crate::model::settings::{Component, Product};
use crate::model::value::Effective;
use crate::model::wiring::Command;
use crate::source::Span;

/// Does the image run Keycloak? `quay.io/keycloak/keycloak`, `keycloak/keycloak`,
/// `bitnami/keycloak`, `camunda/keycloak` (the image the camunda-platform charts use), ...:
/// the repository's last path segment is `keycloak`.
pub(crate) fn is_keycloak_image(image: &str) -> bool {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    let name = last.split(':').next().unwrap_or(last);
    name.eq_ignore_ascii_case("keycloak")
}

/// The words of a command with their spans (a shell string is one span for all words).
fn words(c: &Command) -> Vec<(String, Span)> {
    match c {
        Command::List(ws) => ws.clone(),
        Command::Shell(text, span) => text
            .split_whitespace()
            .map(|w| (w.to_string(), *span))
            .collect(),
    }
}

/// A Keycloak option given on the command line, `--name=value` or `--name value`.
fn cli_option(words: &[(String, Span)], name: &str) -> Option<(String, Span)> {
    let flag = format!("--{name}");
    words.iter().enumerate().find_map(|(i, (w, span))| {
        if let Some(v) = w.strip_prefix(&flag).and_then(|r| r.strip_prefix('=')) {
            return Some((v.to_string(), *span));
        }
        if *w == flag {
            return words.get(i + 1).map(|(v, s)| {
                (
                    v.clone(),
                    Span::new(span.start.min(s.start), span.end.max(s.end)),
                )
            });
        }
        None
    })
}

/// An environment setting of the container, by its variable name (`KC_HTTP_ENABLED`).
fn env_option(c: &Component, var: &str) -> Option<(String, Span)> {
    c.settings.iter().find_map(|s| {
        if !s.key.eq_ignore_ascii_case(var) {
            return None;
        }
        match s.value.effective(s.placeholders) {
            Effective::Text { text, .. } => Some((text.trim().to_string(), s.primary_span())),
            _ => None,
        }
    })
}

struct Hit {
    span: Span,
    severity: Severity,
    key: &'static str,
    message: String,
    label: &'static str,
}

fn hits_of(c: &Component) -> Vec<Hit> {
    let Some(w) = c.wiring.as_deref() else {
        return Vec::new();
    };
    if !w
        .image
        .as_ref()
        .is_some_and(|(image, _)| is_keycloak_image(image))
    {
        return Vec::new();
    }
    let mut args: Vec<(String, Span)> = Vec::new();
    for cmd in [&w.entrypoint, &w.command].into_iter().flatten() {
        args.extend(words(cmd));
    }
    // `start-dev` implies both defaults below; report the mode once.
    if let Some((_, span)) = args.iter().find(|(w, _)| w == "start-dev") {
        return vec![Hit {
            span: *span,
            severity: Severity::Medium,
            key: "command",
            message: "Keycloak is started with `start-dev`: development mode enables HTTP and \
                      disables strict hostname resolution; start production mode (`start`) with \
                      a hostname and TLS"
                .into(),
            label: "development mode",
        }];
    }
    let mut out = Vec::new();
    let http = cli_option(&args, "http-enabled").or_else(|| env_option(c, "KC_HTTP_ENABLED"));
    if let Some((v, span)) = http
        && v.eq_ignore_ascii_case("true")
    {
        out.push(Hit {
            span,
            severity: Severity::Low,
            key: "http-enabled",
            message:
                "Keycloak's HTTP listener is enabled (`http-enabled=true`): logins and tokens \
                      travel in clear text unless a TLS-terminating proxy is the only way in"
                    .into(),
            label: "HTTP listener on",
        });
    }
    let strict =
        cli_option(&args, "hostname-strict").or_else(|| env_option(c, "KC_HOSTNAME_STRICT"));
    if let Some((v, span)) = strict
        && v.eq_ignore_ascii_case("false")
    {
        out.push(Hit {
            span,
            severity: Severity::Low,
            key: "hostname-strict",
            message: "Keycloak resolves its hostname from request headers \
                      (`hostname-strict=false`): unless the reverse proxy overwrites the Host \
                      header, clients can make it issue URLs and tokens for a host of their choice"
                .into(),
            label: "hostname from request headers",
        });
    }
    out
}

/// DC002 over the compose services and Kubernetes containers of one file.
pub(crate) fn dev_mode(rule: &Arc<RuleInfo>, a: &Analysis) -> Vec<Finding> {
    if !matches!(a.kind, FileKind::Compose | FileKind::K8s) {
        return Vec::new();
    }
    let product = (a.kind == FileKind::Compose).then_some(Product::Compose);
    a.components
        .iter()
        .flat_map(|c| {
            hits_of(c).into_iter().map(move |h| {
                let name = c.name.clone().unwrap_or_default();
                Finding::builder(rule, &a.file, h.span)
                    .severity(h.severity)
                    .message(format!("`{name}`: {}", h.message))
                    .label(h.label)
                    .key(format!("{name}.{}", h.key))
                    .product(product)
                    .component(c.name.clone())
                    .build()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keycloak_images() {
        for i in [
            "quay.io/keycloak/keycloak:26.0",
            "keycloak/keycloak",
            "bitnami/keycloak:26.3.3",
            "docker.io/camunda/keycloak:26@sha256:abc",
            "KEYCLOAK",
        ] {
            assert!(is_keycloak_image(i), "{i}");
        }
        for i in [
            "camunda/camunda:8.8.1",
            "bitnami/keycloak-config-cli:6",
            "keycloak-gatekeeper",
            "",
        ] {
            assert!(!is_keycloak_image(i), "{i}");
        }
    }

    #[test]
    fn command_line_options() {
        let s = Span::new(0, 1);
        let ws: Vec<(String, Span)> =
            ["start", "--http-enabled=true", "--hostname-strict", "false"]
                .iter()
                .map(|w| (w.to_string(), s))
                .collect();
        assert_eq!(cli_option(&ws, "http-enabled").unwrap().0, "true");
        assert_eq!(cli_option(&ws, "hostname-strict").unwrap().0, "false");
        assert!(cli_option(&ws, "http-port").is_none());
        // `--http-enabled-x=...` is another option.
        let other = vec![("--http-enabledx=true".to_string(), s)];
        assert!(cli_option(&other, "http-enabled").is_none());
    }
}
