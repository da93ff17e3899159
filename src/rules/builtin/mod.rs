//! Checks that need code rather than a declarative condition. They are declared in a
//! rule file like every other rule (`builtin = "duplicate-key"`), so they are
//! documented, selected and suppressed the same way.

use std::sync::Arc;

use crate::model::analysis::Analysis;
use crate::model::finding::Finding;
use crate::model::rule::{RuleInfo, Severity};
use crate::model::settings::{Component, Product};
use crate::model::value::Effective;

pub mod credentials;
pub mod keycloak;

/// The checks written in Rust that a rule file may name (`builtin = "duplicate-key"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    DuplicateKey,
    RestAuthFilter,
    TomcatTls,
    TomcatAjpSecret,
    PublishedPort,
    /// Reported by the suppression stage, which sees every directive.
    SuppressionWithoutReason,
    /// Reported by the suppression stage, which knows which directives were used.
    UnusedSuppression,
    WellKnownCredential,
    HardCodedSecret,
    KeycloakDevMode,
}

impl Builtin {
    pub const ALL: [Builtin; 10] = [
        Builtin::DuplicateKey,
        Builtin::RestAuthFilter,
        Builtin::TomcatTls,
        Builtin::TomcatAjpSecret,
        Builtin::PublishedPort,
        Builtin::SuppressionWithoutReason,
        Builtin::UnusedSuppression,
        Builtin::WellKnownCredential,
        Builtin::HardCodedSecret,
        Builtin::KeycloakDevMode,
    ];

    /// The name a rule file uses.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Builtin::DuplicateKey => "duplicate-key",
            Builtin::RestAuthFilter => "rest-auth-filter",
            Builtin::TomcatTls => "tomcat-tls",
            Builtin::TomcatAjpSecret => "tomcat-ajp-secret",
            Builtin::PublishedPort => "published-port",
            Builtin::SuppressionWithoutReason => "suppression-without-reason",
            Builtin::UnusedSuppression => "unused-suppression",
            Builtin::WellKnownCredential => "well-known-credential",
            Builtin::HardCodedSecret => "hard-coded-secret",
            Builtin::KeycloakDevMode => "keycloak-dev-mode",
        }
    }

    pub(crate) fn from_id(id: &str) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| b.id() == id)
    }
}

/// Run a builtin check over one analysed file.
pub(crate) fn run(b: Builtin, rule: &Arc<RuleInfo>, analysis: &Analysis) -> Vec<Finding> {
    match b {
        Builtin::DuplicateKey => duplicate_keys(rule, analysis),
        Builtin::RestAuthFilter => rest_auth_filter(rule, analysis),
        Builtin::TomcatTls => tomcat_tls(rule, analysis),
        Builtin::TomcatAjpSecret => tomcat_ajp_secret(rule, analysis),
        Builtin::PublishedPort => published_ports(rule, analysis),
        Builtin::WellKnownCredential => credentials::well_known(rule, analysis),
        Builtin::HardCodedSecret => credentials::hard_coded(rule, analysis),
        Builtin::KeycloakDevMode => keycloak::dev_mode(rule, analysis),
        Builtin::SuppressionWithoutReason | Builtin::UnusedSuppression => Vec::new(),
    }
}

fn duplicate_keys(rule: &Arc<RuleInfo>, a: &Analysis) -> Vec<Finding> {
    let product = a.components.first().and_then(|c| c.primary_product());
    a.duplicates
        .iter()
        .map(|d| {
            Finding::builder(rule, &a.file, d.span)
                .message(format!(
                    "`{}` is defined twice in the same mapping; only the last value takes effect, \
                     so the earlier one is silently ignored",
                    d.key
                ))
                .label("this definition wins")
                .key(d.key.clone())
                .product(product)
                .related(&a.file, d.first, "first definition, ignored")
                .build()
        })
        .collect()
}

/// A Camunda 7 XML finding (the XML builtins check only Camunda 7 files).
fn xml_finding(
    rule: &Arc<RuleInfo>,
    a: &Analysis,
    span: crate::source::Span,
    key: &str,
    message: String,
    label: &str,
) -> Finding {
    Finding::builder(rule, &a.file, span)
        .message(message)
        .label(label)
        .key(key)
        .product(Some(Product::Camunda7))
        .build()
}

/// The engine REST API's web.xml must declare ProcessEngineAuthenticationFilter.
fn rest_auth_filter(rule: &Arc<RuleInfo>, a: &Analysis) -> Vec<Finding> {
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
    vec![xml_finding(
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
fn tomcat_tls(rule: &Arc<RuleInfo>, a: &Analysis) -> Vec<Finding> {
    let Some(x) = &a.xml else { return Vec::new() };
    if !x.server_xml || x.connectors.is_empty() || x.connectors.iter().any(|c| c.tls) {
        return Vec::new();
    }
    x.connectors
        .iter()
        .map(|c| {
            let port = &c.port;
            xml_finding(
                rule,
                a,
                c.span,
                "Server.Service.Connector",
                format!("Tomcat serves only plain HTTP (connector on port {port}); no TLS connector is enabled"),
                "plain HTTP connector",
            )
        })
        .collect()
}

/// Tomcat AJP connectors that accept requests without a shared secret.
///
/// Since Tomcat 9.0.31, 8.5.51 and 7.0.100, `secretRequired` defaults to `true` and a
/// connector without `secret` refuses to start; older releases had no such check
/// (CVE-2020-1938, Ghostcat). `address` defaults to the loopback address since then, to
/// every address before.
fn tomcat_ajp_secret(rule: &Arc<RuleInfo>, a: &Analysis) -> Vec<Finding> {
    let Some(x) = &a.xml else { return Vec::new() };
    if !x.server_xml {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in x.ajp_connectors.iter().filter(|c| !c.secret) {
        let port = &c.port;
        let finding = match &c.secret_required {
            Some((v, span)) if v.trim().eq_ignore_ascii_case("false") => {
                let (severity, where_) = match c.address.as_deref().map(str::trim) {
                    Some(addr) if is_loopback(addr) => (
                        Severity::Medium,
                        format!("on the loopback address `{addr}`, so from this host only"),
                    ),
                    Some(addr) => (Severity::Critical, format!("on `{addr}`")),
                    None => (
                        Severity::High,
                        "on the loopback address by default since Tomcat 9.0.31, 8.5.51 and 7.0.100 (on every address before)".to_string(),
                    ),
                };
                Finding::builder(rule, &a.file, *span)
                    .severity(severity)
                    .message(format!(
                        "the AJP connector on port {port} has `secretRequired` set to `false` and no `secret`: it accepts AJP requests from anyone who reaches it, {where_}; Tomcat trusts the request attributes an AJP peer sends (CVE-2020-1938, Ghostcat)"
                    ))
                    .label("no secret required")
                    .key("Server.Service.Connector.secretRequired")
                    .product(Some(Product::Camunda7))
                    .build()
            }
            Some(_) => continue, // `true` (it does not start without a secret) or a ${property}
            None => Finding::builder(rule, &a.file, c.span)
                .severity(Severity::Medium)
                .message(format!(
                    "the AJP connector on port {port} has no `secret`: Tomcat before 9.0.31, 8.5.51 and 7.0.100 accepts AJP requests from anyone on every address (CVE-2020-1938, Ghostcat); later releases refuse to start it (`secretRequired` defaults to `true`)"
                ))
                .label("AJP connector without a secret")
                .key("Server.Service.Connector.secret")
                .product(Some(Product::Camunda7))
                .build(),
        };
        out.push(finding);
    }
    out
}

fn is_loopback(addr: &str) -> bool {
    let a = addr.trim_start_matches('[').trim_end_matches(']');
    a.eq_ignore_ascii_case("localhost") || a.starts_with("127.") || a == "::1"
}

/// The first setting of a component that turns its security off, if any.
fn security_off(c: &Component) -> Option<String> {
    const OFF: &[(&str, &str)] = &[
        ("xpack.security.enabled", "false"),
        ("plugins.security.disabled", "true"),
        ("camundasecurityauthenticationunprotectedapi", "true"),
        ("zeebebrokergatewaysecurityauthenticationmode", "none"),
        ("zeebegatewaysecurityauthenticationmode", "none"),
        // Camunda Run serves its REST API without authentication (C7002).
        ("camundabpmrunauthenabled", "false"),
    ];
    c.settings
        .iter()
        .find_map(|s| {
            let text = match s.value.effective(s.placeholders) {
                Effective::Text { text, .. } => text,
                _ => return None,
            };
            OFF.iter()
                .find(|(k, v)| s.match_key == *k && text.trim().eq_ignore_ascii_case(v))
                .map(|_| format!("`{}={}`", s.key, text.trim()))
        })
        .or_else(|| es_security_off_by_default(c))
}

/// Elasticsearch 6.3 to 7.x runs without security on its default basic licence unless
/// `xpack.security.enabled` is `true` (ES001's versioned check): when the version is known and
/// every place that could set the key is in view (`analyze/image_defaults.rs`).
fn es_security_off_by_default(c: &Component) -> Option<String> {
    const KEY: &str = "xpack.security.enabled";
    if !c.products.contains(&Product::Elasticsearch)
        || c.settings.iter().any(|s| s.match_key == KEY)
        || (c.partial && !c.complete.iter().any(|k| k == KEY))
    {
        return None;
    }
    let v = c.version_of(Product::Elasticsearch)?;
    let before_8 = match (v.version.major, v.version.minor) {
        (6, Some(minor)) => minor >= 3,
        (7, _) => true,
        _ => false,
    };
    before_8.then(|| format!("`{KEY}` unset on Elasticsearch {}", v.version))
}

/// Does the component explicitly run its datastore with security on? (OpenSearch images
/// enable the security plugin unless it is disabled.)
fn security_on(c: &Component) -> bool {
    let es_on = c.settings.iter().any(|s| {
        s.match_key == "xpack.security.enabled"
            && matches!(
                s.value.effective(s.placeholders),
                Effective::Text { ref text, .. } if text.trim().eq_ignore_ascii_case("true")
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
/// A compose file's services are deployments: the scan runs [`published_ports_of`] on each
/// one's effective component instead (`scan::deployments`), so that the security settings
/// of its `.env`, env_files, override files and mounted files count.
fn published_ports(rule: &Arc<RuleInfo>, a: &Analysis) -> Vec<Finding> {
    if a.kind == crate::model::file_kind::FileKind::Compose {
        return Vec::new();
    }
    a.components
        .iter()
        .flat_map(|c| published_ports_of(rule, c))
        .collect()
}

/// [`published_ports`] of one component (a compose deployment's effective settings).
pub(crate) use credentials::of_deployment as credentials_of_deployment;

pub(crate) fn published_ports_of(rule: &Arc<RuleInfo>, c: &Component) -> Vec<Finding> {
    let mut out = Vec::new();
    {
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
            out.push(
                Finding::builder(rule, &p.file, p.span)
                    .severity(severity)
                    .message(message)
                    .label(format!("`{}` listens on 0.0.0.0 of the host", p.text))
                    .key(format!("services.{service}.ports"))
                    .value(&p.container.to_string())
                    .product(Some(Product::Compose))
                    .component(c.name.clone())
                    .build(),
            );
        }
    }
    out
}
