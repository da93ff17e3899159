//! Camunda 7 XML: engine-rest / webapp `web.xml`, `bpm-platform.xml` / `processes.xml`
//! engine properties, and Tomcat `server.xml` connectors.
//!
//! XML is parsed without DTD processing (roxmltree rejects DTDs, so entity bombs are
//! refused with a diagnostic), and walked iteratively.

use roxmltree::{Document, Node, NodeType, ParsingOptions};

use super::{Analysis, CommentSpan};
use crate::problem::{Problem, ProblemKind};
use crate::settings::normalize::{Collector, SpanMap};
use crate::settings::{Component, Form, KeyStyle, Placeholders, Product, Value};
use crate::source::Span;

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
    /// Active `<Connector>` elements: their span and whether they serve TLS.
    pub connectors: Vec<(Span, bool, String)>,
}

const AUTH_FILTER: &str = "ProcessEngineAuthenticationFilter";

fn span(r: std::ops::Range<usize>) -> Span {
    Span::new(r.start, r.end)
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn text_of<'a>(n: Node<'a, '_>) -> Option<(&'a str, Span)> {
    let t = n.children().find(|c| c.is_text())?;
    let raw = t.text()?;
    let trimmed = raw.trim();
    let lead = raw.len() - raw.trim_start().len();
    let start = t.range().start + lead;
    Some((trimmed, Span::new(start, start + trimmed.len())))
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

fn push(col: &mut Collector<'_>, key: &str, value: &str, key_span: Span, value_span: Span) {
    let mk = crate::settings::keys::match_key(key, KeyStyle::Relaxed);
    let v = if value.is_empty() {
        Value::Null
    } else {
        Value::text(value)
    };
    col.push_raw(key.to_string(), mk, v, key_span, value_span, Form::Xml);
}

fn position_offset(text: &str, row: u32, col: u32) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(row.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let line = text[line_start.min(text.len())..]
        .lines()
        .next()
        .unwrap_or("");
    let col_bytes: usize = line
        .chars()
        .take(col.saturating_sub(1) as usize)
        .map(char::len_utf8)
        .sum();
    (line_start + col_bytes).min(text.len())
}

pub fn analyze(a: &mut Analysis) {
    let file = a.file.clone();
    let text = file.text.text();
    // A BOM is not part of the document for roxmltree.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: 1_000_000,
        ..ParsingOptions::default()
    };
    let doc = match Document::parse_with_options(&text[bom..], opts) {
        Ok(d) => d,
        Err(e) => {
            let pos = e.pos();
            let at = bom + position_offset(&text[bom..], pos.row, pos.col);
            let msg = match e {
                roxmltree::Error::DtdDetected => {
                    "the document has a DTD; camguard does not process DTDs (entity expansion is refused)".to_string()
                }
                other => format!("invalid XML: {other}"),
            };
            a.problems.push(Problem::at(
                ProblemKind::Syntax,
                &file,
                Span::empty(at),
                msg,
            ));
            return;
        }
    };
    let shift = |r: std::ops::Range<usize>| span(r).offset(bom);
    let body = &text[bom..];
    // The element name in its start tag (`<Connector` -> `Connector`).
    let tag = |n: Node<'_, '_>| {
        let start = n.range().start + 1;
        let len = body.get(start..).map_or(0, |t| {
            t.find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(t.len())
        });
        Span::new(start, start + len).offset(bom)
    };
    let root = doc.root_element();
    let mut facts = XmlFacts {
        root: tag(root),
        ..XmlFacts::default()
    };
    for n in doc.descendants() {
        if n.node_type() == NodeType::Comment {
            let body = n.text().unwrap_or("");
            a.comments.push(CommentSpan {
                span: shift(n.range()),
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
                facts.rest_auth_filter_comment = Some(Span::new(s, e).offset(bom));
            }
        }
    }
    let root_name = root.tag_name().name();
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
    match root_name {
        "web-app" => {
            // The webapps protect their embedded REST API with their own authentication.
            let mut webapp = false;
            for n in root.descendants().filter(|n| n.is_element()) {
                match n.tag_name().name() {
                    "filter-class" | "servlet-class" | "param-value" | "listener-class" => {
                        if let Some((t, _)) = text_of(n) {
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
                    "filter" => {
                        let name = child(n, "filter-name")
                            .and_then(text_of)
                            .map(|(t, _)| t.to_string());
                        let class = child(n, "filter-class")
                            .and_then(text_of)
                            .map(|(t, _)| t.to_string());
                        if let (Some(name), Some(class)) = (name, class) {
                            let _ = name;
                            for p in n.children().filter(|c| c.tag_name().name() == "init-param") {
                                let (Some((pn, pspan)), Some((pv, vspan))) = (
                                    child(p, "param-name").and_then(text_of),
                                    child(p, "param-value").and_then(text_of),
                                ) else {
                                    continue;
                                };
                                if let Some(key) = filter_param_key(&class, pn) {
                                    push(&mut col, key, pv, pspan.offset(bom), vspan.offset(bom));
                                }
                            }
                        }
                    }
                    "cookie-config" => {
                        if let Some((v, vspan)) = child(n, "secure").and_then(text_of) {
                            let kspan = child(n, "secure").map_or(vspan, |s| shift(s.range()));
                            push(
                                &mut col,
                                "server.servlet.session.cookie.secure",
                                v,
                                kspan,
                                vspan.offset(bom),
                            );
                        }
                        if let Some((v, vspan)) = child(n, "http-only").and_then(text_of) {
                            let kspan = child(n, "http-only").map_or(vspan, |s| shift(s.range()));
                            push(
                                &mut col,
                                "server.servlet.session.cookie.http-only",
                                v,
                                kspan,
                                vspan.offset(bom),
                            );
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
        "bpm-platform" | "process-application" => {
            for engine in root
                .descendants()
                .filter(|n| n.tag_name().name() == "process-engine")
            {
                let Some(props) = child(engine, "properties") else {
                    continue;
                };
                for p in props
                    .children()
                    .filter(|c| c.tag_name().name() == "property")
                {
                    let Some(attr) = p.attribute_node("name") else {
                        continue;
                    };
                    let (value, vspan) = text_of(p).unwrap_or(("", shift(p.range())));
                    push(
                        &mut col,
                        &engine_property_key(attr.value()),
                        value,
                        shift(attr.range_value()),
                        vspan.offset(bom),
                    );
                }
            }
        }
        "Server" => {
            facts.server_xml = true;
            for n in root
                .descendants()
                .filter(|n| n.tag_name().name() == "Connector")
            {
                let attr = |name: &str| n.attribute(name).unwrap_or("");
                let tls = attr("SSLEnabled").eq_ignore_ascii_case("true")
                    || attr("secure").eq_ignore_ascii_case("true")
                    || attr("scheme").eq_ignore_ascii_case("https");
                let protocol = attr("protocol");
                if protocol.to_ascii_uppercase().starts_with("AJP") {
                    continue;
                }
                facts
                    .connectors
                    .push((tag(n), tls, attr("port").to_string()));
            }
        }
        _ => {}
    }
    // Credentials written as attributes (a JDBC <Resource password="...">).
    for n in root.descendants().filter(|n| n.is_element()) {
        for attr in n.attributes() {
            let name = attr.name();
            if crate::settings::keys::is_secret_key(name) {
                let key = format!("{}.{}", n.tag_name().name(), name);
                push(
                    &mut col,
                    &key,
                    attr.value(),
                    shift(attr.range_qname()),
                    shift(attr.range_value()),
                );
            }
        }
    }
    a.components.push(c);
    a.xml = Some(facts);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Context, analyze as run};
    use crate::discover::FileKind;
    use crate::settings::SourceFile;

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
