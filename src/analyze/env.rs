//! Environment variables of containers (compose, Kubernetes, Helm `env:`), read the way
//! each product reads them.

use crate::analyze::collect::Collector;
use crate::model::keys;
use crate::model::settings::{Form, KeyStyle, Product, Value};
use crate::source::Span;

/// Optimize reads env vars only through `${NAME}` placeholders of its default
/// configuration; these are the names the research confirmed, with their keys.
const OPTIMIZE_ENV: &[(&str, &str)] = &[
    (
        "CAMUNDA_OPTIMIZE_CONTAINER_PORTS_HTTP",
        "container.ports.http",
    ),
    (
        "CAMUNDA_OPTIMIZE_CONTAINER_PORTS_HTTPS",
        "container.ports.https",
    ),
    (
        "CAMUNDA_OPTIMIZE_CONTAINER_KEYSTORE_LOCATION",
        "container.keystore.location",
    ),
    (
        "CAMUNDA_OPTIMIZE_CONTAINER_KEYSTORE_PASSWORD",
        "container.keystore.password",
    ),
    (
        "CAMUNDA_OPTIMIZE_CONTAINER_ENABLE_SNI_CHECK",
        "container.enableSniCheck",
    ),
    ("CONTAINER_HOST", "container.host"),
    ("CONTAINER_ACCESS_URL", "container.accessUrl"),
    (
        "CAMUNDA_OPTIMIZE_SECURITY_AUTH_COOKIE_SAME_SITE_ENABLED",
        "security.auth.cookie.same-site.enabled",
    ),
    (
        "CAMUNDA_OPTIMIZE_SECURITY_AUTH_TOKEN_SECRET",
        "security.auth.token.secret",
    ),
    (
        "CAMUNDA_OPTIMIZE_SECURITY_RESPONSE_HEADERS_HSTS_MAX_AGE",
        "security.responseHeaders.HSTS.max-age",
    ),
    ("OPTIMIZE_API_ACCESS_TOKEN", "api.accessToken"),
    (
        "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI",
        "api.jwtSetUri",
    ),
    ("OPTIMIZE_SUPER_USER_IDS", "security.auth.superUserIds"),
    ("OPTIMIZE_SUPER_GROUP_IDS", "security.auth.superGroupIds"),
    ("OPTIMIZE_CAMUNDABPM_REST_URL", "engines.camunda-bpm.rest"),
    (
        "OPTIMIZE_CAMUNDABPM_WEBAPPS_URL",
        "engines.camunda-bpm.webapps.endpoint",
    ),
    (
        "CAMUNDA_OPTIMIZE_ELASTICSEARCH_SECURITY_USERNAME",
        "es.security.username",
    ),
    (
        "CAMUNDA_OPTIMIZE_ELASTICSEARCH_SECURITY_PASSWORD",
        "es.security.password",
    ),
    (
        "CAMUNDA_OPTIMIZE_ELASTICSEARCH_SSL_ENABLED",
        "es.security.ssl.enabled",
    ),
    (
        "CAMUNDA_OPTIMIZE_ELASTICSEARCH_SECURITY_SSL_SELF_SIGNED",
        "es.security.ssl.selfSigned",
    ),
    (
        "CAMUNDA_OPTIMIZE_ELASTICSEARCH_CONNECTION_SKIP_HOSTNAME_VERIFICATION",
        "es.connection.skipHostnameVerification",
    ),
    (
        "CAMUNDA_OPTIMIZE_OPENSEARCH_SECURITY_USERNAME",
        "opensearch.security.username",
    ),
    (
        "CAMUNDA_OPTIMIZE_OPENSEARCH_SECURITY_PASSWORD",
        "opensearch.security.password",
    ),
    (
        "CAMUNDA_OPTIMIZE_OPENSEARCH_SSL_ENABLED",
        "opensearch.security.ssl.enabled",
    ),
    ("CAMUNDA_OPTIMIZE_SHARING_ENABLED", "sharing.enabled"),
    (
        "CAMUNDA_OPTIMIZE_SECURITY_AUTH_CCSM_ENTRA_TOKEN_VERSION_CHECK_ENABLED",
        "security.auth.ccsm.entraTokenVersionCheckEnabled",
    ),
];

/// How a container reads its environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EnvReader {
    /// Spring Boot relaxed binding (Camunda 7, Camunda 8, unknown images).
    Spring,
    Optimize,
    Elasticsearch,
    Opensearch,
}

pub(crate) fn reader_for(products: &[Product]) -> EnvReader {
    if products.contains(&Product::Optimize) {
        EnvReader::Optimize
    } else if products.contains(&Product::Elasticsearch) {
        EnvReader::Elasticsearch
    } else if products.contains(&Product::Opensearch) {
        EnvReader::Opensearch
    } else {
        EnvReader::Spring
    }
}

pub(crate) fn style_for(reader: EnvReader) -> KeyStyle {
    match reader {
        EnvReader::Spring => KeyStyle::Relaxed,
        _ => KeyStyle::Literal,
    }
}

/// `ES_SETTING_BOOTSTRAP_MEMORY__LOCK` -> `bootstrap.memory_lock`.
fn es_setting_name(name: &str) -> Option<String> {
    let rest = name.strip_prefix("ES_SETTING_")?;
    Some(
        rest.to_ascii_lowercase()
            .replace("__", "\u{0}")
            .replace('_', ".")
            .replace('\u{0}', "_"),
    )
}

/// Add one environment variable to a component.
pub(crate) fn push_env(
    col: &mut Collector<'_>,
    reader: EnvReader,
    name: &str,
    value: Value,
    name_span: Span,
    value_span: Span,
) {
    // The JVM reads JAVA_TOOL_OPTIONS, the `java` launcher JDK_JAVA_OPTIONS; JAVA_OPTS only
    // the start scripts that expand it, which Optimize's does not: it reads
    // OPTIMIZE_JAVA_OPTS (docs/deployments.md §2, [OPT-START]).
    let script = if reader == EnvReader::Optimize {
        "OPTIMIZE_JAVA_OPTS"
    } else {
        "JAVA_OPTS"
    };
    if (matches!(
        name,
        "JAVA_TOOL_OPTIONS" | "CATALINA_OPTS" | "JDK_JAVA_OPTIONS"
    ) || name == script)
        && let Value::Text { text, .. } = &value
    {
        let text = text.clone();
        push_system_properties(col, reader, &text, value_span);
        return;
    }
    let literal = |col: &mut Collector<'_>, key: &str, value: Value| {
        let key = crate::model::settings::SharedStr::from(key);
        col.push_raw(key.clone(), key, value, name_span, value_span, Form::EnvVar);
    };
    match reader {
        EnvReader::Spring => col.push_env(name, value, name_span, value_span),
        EnvReader::Optimize => match OPTIMIZE_ENV.iter().find(|(n, _)| *n == name) {
            Some((_, key)) => literal(col, key, value),
            None => col.push_env(name, value, name_span, value_span),
        },
        EnvReader::Elasticsearch | EnvReader::Opensearch => {
            if name.contains('.') {
                literal(col, name, value);
            } else if let Some(key) =
                es_setting_name(name).filter(|_| reader == EnvReader::Elasticsearch)
            {
                literal(col, &key, value);
            } else if name == "DISABLE_SECURITY_PLUGIN" && reader == EnvReader::Opensearch {
                // The image's entrypoint turns it into `-Eplugins.security.disabled=true`.
                literal(col, "plugins.security.disabled", value);
            } else {
                col.push_env(name, value, name_span, value_span);
            }
        }
    }
}

/// `-Dkey=value` tokens of JVM options are settings too.
fn push_system_properties(
    col: &mut Collector<'_>,
    reader: EnvReader,
    text: &str,
    value_span: Span,
) {
    let mut pos = 0;
    for token in text.split_whitespace() {
        let start = text[pos..].find(token).map_or(pos, |i| pos + i);
        pos = start + token.len();
        let Some(prop) = token.strip_prefix("-D") else {
            continue;
        };
        let (key, val) = prop.split_once('=').unwrap_or((prop, ""));
        if key.is_empty() {
            continue;
        }
        // Spans inside the value are exact only when the value is written verbatim.
        let exact = value_span.len() == text.len();
        let (ks, vs) = if exact {
            let k0 = value_span.start + start + 2;
            let v0 = k0 + key.len() + 1;
            (
                Span::new(k0, k0 + key.len()),
                Span::new(v0.min(value_span.end), (v0 + val.len()).min(value_span.end)),
            )
        } else {
            (value_span, value_span)
        };
        let value = if val.is_empty() {
            Value::Null
        } else {
            Value::text(val)
        };
        let key = crate::model::settings::SharedStr::from(key);
        let mk = keys::shared_match_key(&key, style_for(reader));
        col.push_raw(key, mk, value, ks, vs, Form::SystemProperty);
    }
}

/// Which products an image runs, from its repository name.
pub(crate) fn image_products(image: &str) -> Vec<Product> {
    let no_digest = image.split('@').next().unwrap_or(image);
    // Drop the tag (a colon after the last slash) and a registry host.
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    let repo_end = no_digest[last_slash..]
        .find(':')
        .map_or(no_digest.len(), |i| last_slash + i);
    let repo = no_digest[..repo_end].to_ascii_lowercase();
    let tag = no_digest[repo_end..]
        .trim_start_matches(':')
        .to_ascii_lowercase();
    let parts: Vec<&str> = repo.split('/').collect();
    let name = parts.last().copied().unwrap_or("");
    let owner = if parts.len() >= 2 {
        parts[parts.len() - 2]
    } else {
        ""
    };
    match (owner, name) {
        (
            "camunda",
            "camunda" | "zeebe" | "operate" | "tasklist" | "identity" | "connectors"
            | "connectors-bundle",
        ) => {
            vec![Product::Camunda8]
        }
        ("camunda", "optimize") => vec![Product::Optimize],
        ("camunda", "camunda-bpm-platform") => {
            if tag.starts_with("run") {
                vec![Product::Camunda7, Product::Camunda7Run]
            } else {
                vec![Product::Camunda7]
            }
        }
        // [ES-DOCKER-62]: the OSS flavour of the same image (analyze/image_defaults.rs).
        (_, "elasticsearch" | "elasticsearch-oss") => vec![Product::Elasticsearch],
        (_, "opensearch") => vec![Product::Opensearch],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images() {
        assert_eq!(
            image_products("camunda/camunda:8.8.0"),
            vec![Product::Camunda8]
        );
        assert_eq!(
            image_products("docker.io/camunda/zeebe:${CAMUNDA_VERSION}"),
            vec![Product::Camunda8]
        );
        assert_eq!(
            image_products("docker.elastic.co/elasticsearch/elasticsearch:8.17.10"),
            vec![Product::Elasticsearch]
        );
        assert_eq!(
            image_products("bitnami/elasticsearch:8"),
            vec![Product::Elasticsearch]
        );
        assert_eq!(
            image_products("opensearchproject/opensearch:latest"),
            vec![Product::Opensearch]
        );
        assert_eq!(
            image_products("camunda/camunda-bpm-platform:run-7.23.0"),
            vec![Product::Camunda7, Product::Camunda7Run]
        );
        assert_eq!(
            image_products("registry:5000/camunda/optimize:8.7"),
            vec![Product::Optimize]
        );
        assert!(image_products("postgres:16").is_empty());
    }

    /// The `-D` settings each variable gives a container read by `reader`.
    fn system_properties(reader: EnvReader, name: &str) -> usize {
        let file = crate::source::SourceFile::new("docker-compose.yml", "");
        let mut c =
            crate::model::settings::Component::new(file.clone(), Vec::new(), Span::empty(0));
        let mut col = Collector {
            component: &mut c,
            form: Form::EnvVar,
            placeholders: crate::model::settings::Placeholders::None,
            file,
            map: crate::source::SpanMap::Identity,
        };
        let value = Value::text("-Xmx1g -Dsecurity.auth.token.secret=x");
        push_env(
            &mut col,
            reader,
            name,
            value,
            Span::empty(0),
            Span::empty(0),
        );
        c.settings
            .iter()
            .filter(|s| s.form == Form::SystemProperty)
            .count()
    }

    #[test]
    fn jvm_option_variables_per_launcher() {
        // docs/deployments.md §2: the JVM reads JAVA_TOOL_OPTIONS, the launcher
        // JDK_JAVA_OPTIONS; JAVA_OPTS only scripts that expand it, not Optimize's.
        for name in ["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS"] {
            assert_eq!(system_properties(EnvReader::Spring, name), 1, "{name}");
        }
        assert_eq!(
            system_properties(EnvReader::Spring, "OPTIMIZE_JAVA_OPTS"),
            0
        );
        assert_eq!(system_properties(EnvReader::Optimize, "JAVA_OPTS"), 0);
        for name in [
            "JAVA_TOOL_OPTIONS",
            "JDK_JAVA_OPTIONS",
            "OPTIMIZE_JAVA_OPTS",
        ] {
            assert_eq!(system_properties(EnvReader::Optimize, name), 1, "{name}");
        }
    }

    #[test]
    fn es_setting_names() {
        assert_eq!(
            es_setting_name("ES_SETTING_BOOTSTRAP_MEMORY__LOCK").as_deref(),
            Some("bootstrap.memory_lock")
        );
        assert_eq!(
            es_setting_name("ES_SETTING_XPACK_SECURITY_ENABLED").as_deref(),
            Some("xpack.security.enabled")
        );
    }
}
