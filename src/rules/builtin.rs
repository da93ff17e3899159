//! Checks that need code rather than a declarative condition. They are declared in a
//! rule file like every other rule (`builtin = "duplicate-key"`), so they are
//! documented, selected and suppressed the same way.

use std::sync::Arc;

use super::{Rule, Severity};
use crate::analyze::Analysis;
use crate::finding::{Finding, Related, stable_hash};
use crate::settings::{Component, Product};

/// The builtin checks a rule file may name.
pub const NAMES: &[&str] = &[
    "duplicate-key",
    "rest-auth-filter",
    "tomcat-tls",
    "published-port",
    "suppressions",
    "well-known-credential",
    "hard-coded-secret",
];

/// Run a builtin rule over one analysed file.
pub fn run(rule: &Arc<Rule>, analysis: &Analysis) -> Vec<Finding> {
    match rule.builtin.as_deref() {
        Some("duplicate-key") => duplicate_keys(rule, analysis),
        Some("rest-auth-filter") => rest_auth_filter(rule, analysis),
        Some("tomcat-tls") => tomcat_tls(rule, analysis),
        Some("published-port") => published_ports(rule, analysis),
        Some("well-known-credential") => super::credentials::well_known(rule, analysis),
        Some("hard-coded-secret") => super::credentials::hard_coded(rule, analysis),
        // Reported by the suppression pass (crate::suppress), which sees every finding.
        Some("suppressions") => Vec::new(),
        _ => Vec::new(),
    }
}

fn duplicate_keys(rule: &Arc<Rule>, a: &Analysis) -> Vec<Finding> {
    let product = a.components.first().and_then(|c| c.primary_product());
    a.duplicates
        .iter()
        .map(|d| Finding {
            rule: rule.clone(),
            severity: rule.severity,
            message: format!(
                "`{}` is defined twice in the same mapping; only the last value takes effect, \
                 so the earlier one is silently ignored",
                d.key
            ),
            file: a.file.clone(),
            span: d.span,
            label: "this definition wins".into(),
            key: d.key.clone(),
            value_hash: stable_hash(&d.key),
            product,
            component: None,
            related: vec![Related {
                file: a.file.clone(),
                span: d.first,
                label: "first definition, ignored".into(),
            }],
        })
        .collect()
}

fn simple(
    rule: &Arc<Rule>,
    a: &Analysis,
    span: crate::source::Span,
    key: &str,
    message: String,
    label: &str,
) -> Finding {
    Finding {
        rule: rule.clone(),
        severity: rule.severity,
        message,
        file: a.file.clone(),
        span,
        label: label.into(),
        key: key.into(),
        value_hash: stable_hash(key),
        product: Some(Product::Camunda7),
        component: None,
        related: Vec::new(),
    }
}

/// The engine REST API's web.xml must declare ProcessEngineAuthenticationFilter.
fn rest_auth_filter(rule: &Arc<Rule>, a: &Analysis) -> Vec<Finding> {
    let Some(x) = &a.xml else { return Vec::new() };
    if !x.engine_rest || x.rest_auth_filter {
        return Vec::new();
    }
    let (span, label, how) = match x.rest_auth_filter_comment {
        Some(s) => (
            s,
            "the authentication filter is commented out",
            "is only present inside a comment",
        ),
        None => (
            x.root,
            "no authentication filter in this web.xml",
            "is not declared",
        ),
    };
    vec![simple(
        rule,
        a,
        span,
        "web-app.filter.ProcessEngineAuthenticationFilter",
        format!(
            "the REST API's `ProcessEngineAuthenticationFilter` {how}: every REST request is served without authentication"
        ),
        label,
    )]
}

/// A Tomcat server.xml whose active connectors are all plain HTTP.
fn tomcat_tls(rule: &Arc<Rule>, a: &Analysis) -> Vec<Finding> {
    let Some(x) = &a.xml else { return Vec::new() };
    if !x.server_xml || x.connectors.is_empty() || x.connectors.iter().any(|(_, tls, _)| *tls) {
        return Vec::new();
    }
    x.connectors
        .iter()
        .map(|(span, _, port)| {
            simple(
                rule,
                a,
                *span,
                "Server.Service.Connector",
                format!("Tomcat serves only plain HTTP (connector on port {port}); no TLS connector is enabled"),
                "plain HTTP connector",
            )
        })
        .collect()
}

/// The first setting of a component that turns its security off, if any.
fn security_off(c: &Component) -> Option<String> {
    const OFF: &[(&str, &str)] = &[
        ("xpack.security.enabled", "false"),
        ("plugins.security.disabled", "true"),
        ("camundasecurityauthenticationunprotectedapi", "true"),
        ("zeebebrokergatewaysecurityauthenticationmode", "none"),
        ("zeebegatewaysecurityauthenticationmode", "none"),
    ];
    c.settings.iter().find_map(|s| {
        let text = match s.value.effective(s.placeholders) {
            crate::settings::value::Effective::Text { text, .. } => text,
            _ => return None,
        };
        OFF.iter()
            .find(|(k, v)| s.match_key == *k && text.trim().eq_ignore_ascii_case(v))
            .map(|_| format!("`{}={}`", s.key, text.trim()))
    })
}

/// Does the component explicitly run its datastore with security on? (OpenSearch images
/// enable the security plugin unless it is disabled.)
fn security_on(c: &Component) -> bool {
    let es_on = c.settings.iter().any(|s| {
        s.match_key == "xpack.security.enabled"
            && matches!(
                s.value.effective(s.placeholders),
                crate::settings::value::Effective::Text { ref text, .. } if text.trim().eq_ignore_ascii_case("true")
            )
    });
    es_on || c.products.contains(&Product::Opensearch)
}

/// Ports that must never be reachable from other hosts, by product.
fn sensitive_port(products: &[Product], port: u16) -> Option<&'static str> {
    let datastore =
        products.contains(&Product::Elasticsearch) || products.contains(&Product::Opensearch);
    match port {
        9200 if datastore => Some("the datastore's REST API"),
        9300 if datastore => Some("the datastore's transport port"),
        9600 if products.contains(&Product::Opensearch) => Some("the performance analyzer"),
        9600 if products.contains(&Product::Camunda8) => Some("the management API (actuator)"),
        26500 if products.contains(&Product::Camunda8) => Some("the Zeebe gateway (gRPC)"),
        26501 | 26502 if products.contains(&Product::Camunda8) => {
            Some("the Zeebe cluster-internal port")
        }
        _ => None,
    }
}

/// Compose services publishing datastore, gateway or management ports on all interfaces.
fn published_ports(rule: &Arc<Rule>, a: &Analysis) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &a.components {
        let off = security_off(c);
        for p in &c.ports {
            if !p.on_all_interfaces() {
                continue;
            }
            let what = sensitive_port(&c.products, p.container);
            let (what, severity) = match (what, &off) {
                (Some(w), Some(_)) => (w, Severity::Critical),
                // Authentication and TLS are on: exposure may be intended.
                (Some(w), None) if security_on(c) => (w, Severity::Low),
                (Some(w), None) => (w, rule.severity),
                (None, Some(_)) => ("a port", Severity::Critical),
                (None, None) => continue,
            };
            let service = c.name.clone().unwrap_or_default();
            let mut message = format!(
                "service `{service}` publishes {what} (container port {}) on every host interface",
                p.container
            );
            if let Some(off) = &off {
                message.push_str(&format!(" while its security is disabled ({off})"));
            }
            message.push_str(": bind it to 127.0.0.1 or do not publish it");
            out.push(Finding {
                rule: rule.clone(),
                severity,
                message,
                file: a.file.clone(),
                span: p.span,
                label: format!("`{}` listens on 0.0.0.0 of the host", p.text),
                key: format!("services.{service}.ports"),
                value_hash: stable_hash(&p.container.to_string()),
                product: Some(Product::Compose),
                component: c.name.clone(),
                related: Vec::new(),
            });
        }
    }
    out
}
