//! Camunda 7 XML: engine-rest / webapp `web.xml`, `bpm-platform.xml` / `processes.xml`
//! engine properties, and Tomcat `server.xml` connectors.
//!
//! XML is parsed without DTD processing (roxmltree rejects DTDs, so entity bombs are
//! refused with a diagnostic), and walked iteratively.

use roxmltree::{Node, NodeType};

use super::collect::Collector;
use crate::model::analysis::{AjpConnector, Analysis, CommentSpan, Connector, XmlFacts};
use crate::model::problem::{Problem, ProblemKind};
use crate::model::settings::{Component, Form, KeyStyle, Placeholders, Product, Section, Value};
use crate::source::{Span, SpanMap};
use crate::syntax::xml;

const AUTH_FILTER: &str = "ProcessEngineAuthenticationFilter";

fn span(r: std::ops::Range<usize>) -> Span {
    Span::new(r.start, r.end)
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The text of an element, decoded and trimmed, and its span in `body` computed on the
/// raw text: entities (`&amp;`) make the decoded text shorter than what it covers, and a
/// mask computed from the decoded length would leave the end of a secret visible.
fn text_of<'a>(body: &str, n: Node<'a, '_>) -> Option<(&'a str, Span)> {
    let t = n.children().find(|c| c.is_text())?;
    let decoded = t.text()?.trim();
    let r = t.range();
    let raw = body.get(r.clone()).unwrap_or("");
    let lead = raw.len() - raw.trim_start().len();
    let start = r.start + lead;
    Some((decoded, Span::new(start, start + raw.trim().len())))
}

/// Engine properties in bpm-platform.xml / processes.xml, and the Spring key they
/// correspond to (so the same rules apply).
fn engine_property_key(name: &str) -> String {
    match name {
        "authorizationEnabled" => "camunda.bpm.authorization.enabled".into(),
        "tenantCheckEnabled" => "camunda.bpm.authorization.tenant-check-enabled".into(),
        _ => format!("camunda.bpm.generic-properties.properties.{name}"),
    }
}

/// The LDAP identity provider plugin (`camunda-identity-ldap`). Its `<property>`
/// elements are the plugin's own bean properties (`serverUrl`, `useSsl`, ...; the class
/// extends `LdapConfiguration`); they have no Spring key outside Camunda Run, so they
/// are keyed `LdapIdentityProviderPlugin.<property>`.
const LDAP_PLUGIN: &str = "LdapIdentityProviderPlugin";

/// Init params of the webapps' security filters, and their Spring Boot keys.
fn filter_param_key(filter_class: &str, param: &str) -> Option<&'static str> {
    let class = filter_class.rsplit('.').next().unwrap_or(filter_class);
    Some(match (class, param) {
        ("HttpHeaderSecurityFilter", "hstsDisabled") => {
            "camunda.bpm.webapp.header-security.hsts-disabled"
        }
        ("HttpHeaderSecurityFilter", "hstsMaxAge") => {
            "camunda.bpm.webapp.header-security.hsts-max-age"
        }
        ("HttpHeaderSecurityFilter", "xssProtectionDisabled") => {
            "camunda.bpm.webapp.header-security.xss-protection-disabled"
        }
        ("HttpHeaderSecurityFilter", "contentSecurityPolicyDisabled") => {
            "camunda.bpm.webapp.header-security.content-security-policy-disabled"
        }
        ("HttpHeaderSecurityFilter", "contentSecurityPolicyValue") => {
            "camunda.bpm.webapp.header-security.content-security-policy-value"
        }
        ("HttpHeaderSecurityFilter", "contentTypeOptionsDisabled") => {
            "camunda.bpm.webapp.header-security.content-type-options-disabled"
        }
        // An empty value keeps the cache for the whole HTTP session, as `ttl-enabled: false` does.
        ("AuthenticationFilter", "cacheTimeToLive") => "camunda.bpm.webapp.auth.cache.time-to-live",
        ("CsrfPreventionFilter", "targetOrigin") => "camunda.bpm.webapp.csrf.target-origin",
        ("CsrfPreventionFilter", "enableSecureCookie") => {
            "camunda.bpm.webapp.csrf.enable-secure-cookie"
        }
        ("CsrfPreventionFilter", "enableSameSiteCookie") => {
            "camunda.bpm.webapp.csrf.enable-same-site-cookie"
        }
        ("SessionCookieFilter", "enableSecureCookie") => {
            "camunda.bpm.webapp.session-cookie.enable-secure-cookie"
        }
        ("SessionCookieFilter", "enableSameSiteCookie") => {
            "camunda.bpm.webapp.session-cookie.enable-same-site-cookie"
        }
        _ => return None,
    })
}

/// The Spring Boot section a webapp security filter's init-params correspond to: the
/// filter's whole configuration, so a parameter it does not set has its default.
fn filter_section(filter_class: &str) -> Option<&'static str> {
    Some(
        match filter_class.rsplit('.').next().unwrap_or(filter_class) {
            "HttpHeaderSecurityFilter" => "camunda.bpm.webapp.header-security",
            "CsrfPreventionFilter" => "camunda.bpm.webapp.csrf",
            "SessionCookieFilter" => "camunda.bpm.webapp.session-cookie",
            _ => return None,
        },
    )
}

fn push(col: &mut Collector<'_>, key: &str, value: &str, key_span: Span, value_span: Span) {
    let mk = crate::model::keys::match_key_of(key, KeyStyle::Relaxed);
    let v = if value.is_empty() {
        Value::Null
    } else {
        Value::text(value)
    };
    col.push_raw(key.into(), mk, v, key_span, value_span, Form::Xml);
}

/// A parsed document with its offset in the file, and helpers that map its ranges.
struct Doc<'a, 'i> {
    root: Node<'a, 'i>,
    body: &'a str,
    bom: usize,
}

impl<'a, 'i> Doc<'a, 'i> {
    fn shift(&self, r: std::ops::Range<usize>) -> Span {
        span(r).offset(self.bom)
    }

    /// The element name in its start tag (`<Connector` -> `Connector`).
    fn tag(&self, n: Node<'_, '_>) -> Span {
        let start = n.range().start + 1;
        let len = self.body.get(start..).map_or(0, |t| {
            t.find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(t.len())
        });
        Span::new(start, start + len).offset(self.bom)
    }
}

pub fn analyze(a: &mut Analysis) {
    let file = a.file.clone();
    let text = file.text.text();
    let parsed = match xml::parse(text) {
        Ok(p) => p,
        Err(issue) => {
            a.problems.push(Problem::at(
                ProblemKind::Syntax,
                &file,
                issue.span,
                issue.message,
            ));
            return;
        }
    };
    let doc = Doc {
        root: parsed.doc.root_element(),
        body: &text[parsed.bom..],
        bom: parsed.bom,
    };
    let mut facts = XmlFacts {
        root: doc.tag(doc.root),
        ..XmlFacts::default()
    };
    comments(a, &parsed.doc, &doc, &mut facts);
    let mut c = Component::new(file.clone(), vec![Product::Camunda7], facts.root);
    c.style = KeyStyle::Relaxed;
    c.partial = true;
    let mut col = Collector {
        component: &mut c,
        form: Form::Xml,
        placeholders: Placeholders::Spring,
        file: file.clone(),
        map: SpanMap::Identity,
    };
    match doc.root.tag_name().name() {
        "web-app" => web_xml(&doc, &mut col, &mut facts),
        "bpm-platform" | "process-application" => engine_properties(&doc, &mut col),
        "Server" => server_xml(&doc, &mut facts),
        _ => {}
    }
    attribute_credentials(&doc, &mut col);
    a.components.push(c);
    a.xml = Some(facts);
}

/// Comments (for suppressions), and the authentication filter if it is commented out.
fn comments(
    a: &mut Analysis,
    parsed: &roxmltree::Document<'_>,
    doc: &Doc<'_, '_>,
    facts: &mut XmlFacts,
) {
    for n in parsed.descendants() {
        if n.node_type() != NodeType::Comment {
            continue;
        }
        let body = n.text().unwrap_or("");
        a.comments.push(CommentSpan {
            span: doc.shift(n.range()),
            text: body.trim().to_string(),
        });
        if let Some(i) = body.find(AUTH_FILTER)
            && facts.rest_auth_filter_comment.is_none()
        {
            // Underline the fully qualified class name inside the comment.
            let start = body[..i]
                .rfind(|c: char| c.is_whitespace() || c == '>')
                .map_or(0, |j| j + 1);
            let s = n.range().start + 4 + start;
            let e = n.range().start + 4 + i + AUTH_FILTER.len();
            facts.rest_auth_filter_comment = Some(Span::new(s, e).offset(doc.bom));
        }
    }
}

/// A `web.xml`: which application it is, its security filters' parameters and its
/// session cookie configuration.
fn web_xml(doc: &Doc<'_, '_>, col: &mut Collector<'_>, facts: &mut XmlFacts) {
    // The webapps protect their embedded REST API with their own authentication.
    let mut webapp = false;
    for n in doc.root.descendants().filter(|n| n.is_element()) {
        match n.tag_name().name() {
            "filter-class" | "servlet-class" | "param-value" | "listener-class" => {
                if let Some((t, _)) = text_of(doc.body, n) {
                    if t.contains(AUTH_FILTER) && n.tag_name().name() == "filter-class" {
                        facts.rest_auth_filter = true;
                    }
                    if t.contains("org.camunda.bpm.engine.rest.impl") {
                        facts.engine_rest = true;
                    }
                    if t.contains("org.camunda.bpm.webapp") {
                        webapp = true;
                    }
                }
            }
            "filter" => filter_params(doc, n, col),
            "cookie-config" => {
                for (element, key) in [
                    ("secure", "server.servlet.session.cookie.secure"),
                    ("http-only", "server.servlet.session.cookie.http-only"),
                ] {
                    if let Some((v, vspan)) = child(n, element).and_then(|c| text_of(doc.body, c)) {
                        let kspan = child(n, element).map_or(vspan, |s| doc.shift(s.range()));
                        push(col, key, v, kspan, vspan.offset(doc.bom));
                    }
                }
            }
            _ => {}
        }
    }
    // The engine-rest web.xml names its application class; the commented-out
    // filter also marks it.
    facts.engine_rest |= facts.rest_auth_filter_comment.is_some();
    facts.engine_rest &= !webapp;
}

/// The `init-param`s of a `<filter>` whose class camguard models.
fn filter_params(doc: &Doc<'_, '_>, filter: Node<'_, '_>, col: &mut Collector<'_>) {
    let Some((class, class_span)) =
        child(filter, "filter-class").and_then(|c| text_of(doc.body, c))
    else {
        return;
    };
    if let Some(section) = filter_section(class) {
        let mk = crate::model::keys::match_key(section, KeyStyle::Relaxed);
        col.component.sections.push(Section {
            match_key: mk.clone(),
            span: class_span.offset(doc.bom),
            file: None,
        });
        col.component.complete.push(mk);
    }
    for p in filter
        .children()
        .filter(|c| c.tag_name().name() == "init-param")
    {
        let Some((pn, pspan)) = child(p, "param-name").and_then(|c| text_of(doc.body, c)) else {
            continue;
        };
        // `<param-value/>` is an empty value too; it matters for the auth cache's time to
        // live (the cache is then kept for the whole HTTP session).
        let Some((pv, vspan)) = child(p, "param-value").and_then(|c| {
            text_of(doc.body, c)
                .or_else(|| (pn == "cacheTimeToLive").then(|| ("", span(c.range()))))
        }) else {
            continue;
        };
        if let Some(key) = filter_param_key(class, pn) {
            push(col, key, pv, pspan.offset(doc.bom), vspan.offset(doc.bom));
        }
    }
}

/// Engine `<property>` elements of bpm-platform.xml / processes.xml.
fn engine_properties(doc: &Doc<'_, '_>, col: &mut Collector<'_>) {
    for engine in doc
        .root
        .descendants()
        .filter(|n| n.tag_name().name() == "process-engine")
    {
        if let Some(props) = child(engine, "properties") {
            property_elements(doc, props, col, &engine_property_key);
        }
        for plugin in child(engine, "plugins")
            .into_iter()
            .flat_map(|p| p.children())
            .filter(|c| c.tag_name().name() == "plugin")
        {
            let Some((class, _)) = child(plugin, "class").and_then(|c| text_of(doc.body, c)) else {
                continue;
            };
            if class.rsplit('.').next() != Some(LDAP_PLUGIN) {
                continue;
            }
            if let Some(props) = child(plugin, "properties") {
                property_elements(doc, props, col, &|name| format!("{LDAP_PLUGIN}.{name}"));
            }
        }
    }
}

/// The `<property name="...">value</property>` children of a `<properties>` element.
fn property_elements(
    doc: &Doc<'_, '_>,
    props: Node<'_, '_>,
    col: &mut Collector<'_>,
    key_of: &dyn Fn(&str) -> String,
) {
    for p in props
        .children()
        .filter(|c| c.tag_name().name() == "property")
    {
        let Some(attr) = p.attribute_node("name") else {
            continue;
        };
        let (value, vspan) = text_of(doc.body, p).unwrap_or(("", doc.shift(p.range())));
        push(
            col,
            &key_of(attr.value()),
            value,
            doc.shift(attr.range_value()),
            vspan.offset(doc.bom),
        );
    }
}

/// An AJP connector's `protocol`: `AJP/1.3`, or a handler class of `org.apache.coyote.ajp`
/// (`AjpNioProtocol`, `AjpNio2Protocol`, `AjpAprProtocol`), which Tomcat accepts as well.
fn is_ajp(protocol: &str) -> bool {
    let class = protocol.rsplit('.').next().unwrap_or(protocol);
    protocol.to_ascii_uppercase().starts_with("AJP")
        || class
            .get(..3)
            .is_some_and(|p| p.eq_ignore_ascii_case("ajp"))
}

/// Tomcat's active HTTP connectors (AJP connectors are not web listeners).
fn server_xml(doc: &Doc<'_, '_>, facts: &mut XmlFacts) {
    facts.server_xml = true;
    for n in doc
        .root
        .descendants()
        .filter(|n| n.tag_name().name() == "Connector")
    {
        let attr = |name: &str| n.attribute(name).unwrap_or("");
        let tls = attr("SSLEnabled").eq_ignore_ascii_case("true")
            || attr("secure").eq_ignore_ascii_case("true")
            || attr("scheme").eq_ignore_ascii_case("https");
        if is_ajp(attr("protocol")) {
            let secret = ["secret", "requiredSecret"]
                .iter()
                .any(|a| !attr(a).trim().is_empty());
            facts.ajp_connectors.push(AjpConnector {
                span: doc.tag(n),
                port: attr("port").to_string(),
                secret,
                secret_required: n
                    .attribute_node("secretRequired")
                    .map(|a| (a.value().to_string(), doc.shift(a.range_value()))),
                address: n.attribute("address").map(str::to_string),
            });
            continue;
        }
        facts.connectors.push(Connector {
            span: doc.tag(n),
            tls,
            port: attr("port").to_string(),
        });
    }
}

/// Credentials written as attributes (a JDBC `<Resource password="...">`).
fn attribute_credentials(doc: &Doc<'_, '_>, col: &mut Collector<'_>) {
    for n in doc.root.descendants().filter(|n| n.is_element()) {
        for attr in n.attributes() {
            let name = attr.name();
            if crate::model::keys::is_secret_key(name) {
                let key = format!("{}.{}", n.tag_name().name(), name);
                push(
                    col,
                    &key,
                    attr.value(),
                    doc.shift(attr.range_qname()),
                    doc.shift(attr.range_value()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Context, analyze as run};
    use crate::model::file_kind::FileKind;
    use crate::source::SourceFile;

    fn facts(src: &str) -> (XmlFacts, Vec<Problem>) {
        let a = run(
            SourceFile::new("web.xml", src),
            FileKind::Xml,
            &Context::default(),
        );
        (a.xml.clone().unwrap_or_default(), a.problems)
    }

    #[test]
    fn commented_out_auth_filter_is_seen_as_missing() {
        let src = "<web-app><servlet><servlet-class>org.camunda.bpm.engine.rest.impl.web.bootstrap.RestContainerBootstrap</servlet-class></servlet>\n<!-- <filter><filter-class>org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter</filter-class></filter> -->\n</web-app>";
        let (f, _) = facts(src);
        assert!(f.engine_rest);
        assert!(!f.rest_auth_filter);
        assert!(f.rest_auth_filter_comment.is_some());
    }

    #[test]
    fn an_empty_param_value_is_kept_only_for_the_auth_cache_time_to_live() {
        let src = "<web-app><filter><filter-class>org.camunda.bpm.webapp.impl.security.auth.AuthenticationFilter</filter-class><init-param><param-name>cacheTimeToLive</param-name><param-value/></init-param></filter>\n<filter><filter-class>org.camunda.bpm.webapp.impl.security.filter.headersec.HttpHeaderSecurityFilter</filter-class><init-param><param-name>hstsDisabled</param-name><param-value/></init-param></filter></web-app>";
        let a = run(
            SourceFile::new("web.xml", src),
            FileKind::Xml,
            &Context::default(),
        );
        let keys: Vec<(&str, bool)> = a.components[0]
            .settings
            .iter()
            .map(|s| (s.key.as_str(), matches!(s.value, Value::Null)))
            .collect();
        assert_eq!(
            keys,
            vec![("camunda.bpm.webapp.auth.cache.time-to-live", true)]
        );
    }

    #[test]
    fn dtd_and_entity_bombs_are_refused() {
        let src = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><web-app>&lol2;</web-app>";
        let (_, problems) = facts(src);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("DTD"));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let src = format!(
            "<web-app>{}{}</web-app>",
            "<a>".repeat(100_000),
            "</a>".repeat(100_000)
        );
        let _ = facts(&src);
    }
}
