//! What an Elasticsearch image does with its security when the container's configuration does
//! not say: settings the image itself implies, anchored at the `image:` value, so that the
//! Elasticsearch rules (ES001, ES002, ES004) and DC001's escalation judge them.
//!
//! * `elasticsearch-oss` (docker.elastic.co/elasticsearch/elasticsearch-oss, 6.x and 7.x until
//!   7.10): "The oss flavor does not include X-Pack, and contains only open-source
//!   Elasticsearch." ([ES-DOCKER-62] elastic.co/guide/en/elasticsearch/reference/6.2/docker.html);
//!   X-Pack is what provides security, so the node has none whatever its configuration says.
//! * Bitnami (`bitnami/elasticsearch`, `bitnamilegacy/elasticsearch`): the entrypoint writes the
//!   security settings into its `elasticsearch.yml` from its own variables ([BN-LIB]
//!   bitnami/containers@6cbbf0cd bitnami/elasticsearch/9/debian-12/rootfs/opt/bitnami/scripts/
//!   libelasticsearch.sh: `elasticsearch_conf_set xpack.security.enabled "$(is_boolean_yes
//!   "$DB_ENABLE_SECURITY" && echo "true" || echo "false")"`; `elasticsearch_tls_configuration`:
//!   `xpack.security.http.ssl.enabled "$ELASTICSEARCH_ENABLE_REST_TLS"`,
//!   `xpack.security.transport.ssl.verification_mode "$ELASTICSEARCH_TLS_VERIFICATION_MODE"`),
//!   with defaults ([BN-ENV] bitnami/containers@ec1651ce .../scripts/elasticsearch-env.sh:
//!   `ELASTICSEARCH_ENABLE_SECURITY="${ELASTICSEARCH_ENABLE_SECURITY:-false}"`,
//!   `ELASTICSEARCH_ENABLE_REST_TLS="${ELASTICSEARCH_ENABLE_REST_TLS:-true}"`,
//!   `ELASTICSEARCH_TLS_VERIFICATION_MODE="${ELASTICSEARCH_TLS_VERIFICATION_MODE:-full}"`): security
//!   is off unless `ELASTICSEARCH_ENABLE_SECURITY` is yes.
//! * The official image (`docker.elastic.co/elasticsearch/elasticsearch`, Docker Hub
//!   `elasticsearch`) ships an `elasticsearch.yml` without security settings ([ES-DOCKER-YML]
//!   elastic/elasticsearch@22433af6 distribution/docker/src/docker/config/elasticsearch.yml:
//!   `cluster.name: "docker-cluster"`, `network.host: 0.0.0.0`). When nothing else can set
//!   `xpack.security.enabled` (no env file, `envFrom`, variable taken from the shell, command,
//!   or mount over its configuration directory), the key is in view: absent means absent, and a
//!   rule whose default depends on the version (ES001 before 8.0) may judge it.

use crate::model::keys::is_secret_key;
use crate::model::settings::{Component, Form, Placeholders, Setting, SharedStr, Value};
use crate::source::{FileRef, Span};

/// The Elasticsearch image flavours whose security this module knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavour {
    Oss,
    Bitnami,
    Official,
}

/// The flavour of an image reference (`docker.elastic.co/elasticsearch/elasticsearch-oss:7.10.2`,
/// `bitnamilegacy/elasticsearch:8.17.0`), if it is one of them.
pub(crate) fn flavour(image: &str) -> Option<Flavour> {
    let no_digest = image.split('@').next().unwrap_or(image).trim();
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    let end = no_digest[last_slash..]
        .find(':')
        .map_or(no_digest.len(), |i| last_slash + i);
    let repo = no_digest[..end].to_ascii_lowercase();
    let mut parts = repo.rsplit('/');
    let name = parts.next().unwrap_or("");
    let owner = parts.next().unwrap_or("");
    match (owner, name) {
        (_, "elasticsearch-oss") => Some(Flavour::Oss),
        ("bitnami" | "bitnamilegacy", "elasticsearch") => Some(Flavour::Bitnami),
        ("" | "library" | "elasticsearch", "elasticsearch") => Some(Flavour::Official),
        _ => None,
    }
}

/// The Bitnami variables that become Elasticsearch settings, as written by the entrypoint
/// ([BN-LIB]); booleans go through `is_boolean_yes` (`1`, `yes`, `true`, any case).
const BITNAMI: &[(&str, &str, bool)] = &[
    (
        "ELASTICSEARCH_ENABLE_SECURITY",
        "xpack.security.enabled",
        true,
    ),
    (
        "ELASTICSEARCH_ENABLE_REST_TLS",
        "xpack.security.http.ssl.enabled",
        true,
    ),
    (
        "ELASTICSEARCH_TLS_VERIFICATION_MODE",
        "xpack.security.transport.ssl.verification_mode",
        false,
    ),
    // `elasticsearch_set_key_value "bootstrap.password" "$DB_PASSWORD"`: the `elastic` user's
    // password ([BN-ENV] `ELASTICSEARCH_USERNAME="elastic"`).
    ("ELASTICSEARCH_PASSWORD", "bootstrap.password", false),
];

fn is_boolean_yes(v: &str) -> bool {
    let v = v.trim();
    v == "1" || v.eq_ignore_ascii_case("yes") || v.eq_ignore_ascii_case("true")
}

/// A setting that no file writes but that the image (or operator) gives the process: `why`
/// says who sets it, and findings on it say so ([`crate::model::settings::Via::implied`]).
pub(crate) fn implied_setting(
    file: &FileRef,
    key: &str,
    value: &str,
    span: Span,
    form: Form,
    why: String,
) -> Setting {
    let shared = SharedStr::from(key);
    let mut s = Setting {
        secret: is_secret_key(key),
        key: shared.clone(),
        match_key: shared,
        value: Value::text(value),
        key_span: span,
        value_span: span,
        form,
        placeholders: Placeholders::None,
        file: file.clone(),
        via: None,
    };
    s.via_mut().implied = Some(why);
    s
}

/// Where the Bitnami image reads its configuration ([BN-ENV] `ELASTICSEARCH_CONF_DIR`).
const BITNAMI_CONFIG: &str = "/opt/bitnami/elasticsearch/config";

/// The key every rule about Elasticsearch security being on or off reads.
const SECURITY: &str = "xpack.security.enabled";

/// Apply the image's implied settings to a container's component (its environment already
/// collected). `image_span` is where the image is named; `command` is whether the container
/// sets a command or arguments (which may pass `-E` settings).
pub(crate) fn apply(c: &mut Component, image: &str, image_span: Span, command: bool) {
    let Some(flavour) = flavour(image) else {
        return;
    };
    let implied = |c: &Component, key: &str, value: &str, why: String| {
        implied_setting(&c.file, key, value, image_span, Form::EnvVar, why)
    };
    match flavour {
        Flavour::Official => {
            let set_elsewhere = command
                || c.settings.iter().any(|s| s.match_key == SECURITY)
                || c.wiring.as_ref().is_some_and(|w| {
                    !w.env_files.is_empty()
                        || !w.env_from.is_empty()
                        || w.pass_through
                            .iter()
                            .any(|(p, _)| p == SECURITY || p == "ES_SETTING_XPACK_SECURITY_ENABLED")
                        || w.env.iter().any(|e| {
                            e.name == SECURITY || e.name == "ES_SETTING_XPACK_SECURITY_ENABLED"
                        })
                        || w.mounts.iter().any(|m| {
                            let t = m.target.trim_end_matches('/');
                            "/usr/share/elasticsearch/config/elasticsearch.yml".starts_with(t)
                        })
                });
            if !set_elsewhere {
                c.complete.push(SECURITY.to_string());
            }
        }
        Flavour::Oss => {
            // Whatever the configuration says: the distribution has no security to enable.
            let why = format!(
                "image `{}` is the OSS distribution, which does not include X-Pack security",
                image.trim()
            );
            c.settings
                .retain(|s| s.match_key != "xpack.security.enabled");
            let s = implied(c, "xpack.security.enabled", "false", why);
            c.settings.push(s);
        }
        Flavour::Bitnami => {
            // [BN-LIB] `if [[ -f "$DB_CONF_FILE" ]]; then info "Custom configuration file
            // detected, using it..."`: a mounted elasticsearch.yml replaces everything the
            // variables would write ([BN-README] bitnami/containers@c0e60faa
            // bitnami/elasticsearch/README.md "Configuration file"), and `my_elasticsearch.yml`
            // beside it extends it. Either way the variables no longer decide.
            let config_mounted = c.wiring.as_ref().is_some_and(|w| {
                w.mounts.iter().any(|m| {
                    let t = m.target.trim_end_matches('/');
                    BITNAMI_CONFIG.starts_with(t) || t.starts_with(BITNAMI_CONFIG)
                })
            });
            if config_mounted {
                return;
            }
            for s in &mut c.settings {
                let Some(&(_, key, boolean)) = BITNAMI.iter().find(|(n, _, _)| *n == s.key) else {
                    continue;
                };
                let Value::Text { text, .. } = &s.value else {
                    continue;
                };
                if text.contains('$') {
                    // An interpolation: its value is decided elsewhere.
                    s.match_key = key.into();
                    continue;
                }
                if boolean {
                    let b = if is_boolean_yes(text) {
                        "true"
                    } else {
                        "false"
                    };
                    s.value = Value::text(b);
                }
                s.match_key = key.into();
            }
            let named = |c: &Component, n: &str| {
                c.settings.iter().any(|s| s.key == n)
                    || c.wiring.as_ref().is_some_and(|w| {
                        !w.env_files.is_empty()
                            || !w.env_from.is_empty()
                            || w.pass_through.iter().any(|(p, _)| p == n)
                            || w.env.iter().any(|e| e.name == n)
                    })
            };
            let security = c.settings.iter().find(|s| s.match_key == SECURITY);
            let on = security
                .is_some_and(|s| matches!(&s.value, Value::Text { text, .. } if text == "true"));
            if security.is_none() && !named(c, "ELASTICSEARCH_ENABLE_SECURITY") {
                let why = format!(
                    "image `{}` writes `xpack.security.enabled: false` unless `ELASTICSEARCH_ENABLE_SECURITY` is yes",
                    image.trim()
                );
                let s = implied(c, SECURITY, "false", why);
                c.settings.push(s);
            }
            if on && !named(c, "ELASTICSEARCH_PASSWORD") && !named(c, "ELASTICSEARCH_PASSWORD_FILE")
            {
                // [BN-ENV] `ELASTICSEARCH_PASSWORD="${ELASTICSEARCH_PASSWORD:-bitnami}"`.
                let why = format!(
                    "image `{}` sets the `elastic` user's password to `bitnami` when `ELASTICSEARCH_PASSWORD` is not set",
                    image.trim()
                );
                let mut s = implied(c, "ELASTICSEARCH_PASSWORD", "bitnami", why);
                s.match_key = "bootstrap.password".into();
                // A published default, not a secret of this file (CRED002 is not about it).
                s.secret = false;
                c.settings.push(s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flavours() {
        assert_eq!(
            flavour("docker.elastic.co/elasticsearch/elasticsearch-oss:7.10.2"),
            Some(Flavour::Oss)
        );
        assert_eq!(flavour("bitnami/elasticsearch:8"), Some(Flavour::Bitnami));
        assert_eq!(
            flavour("docker.io/bitnamilegacy/elasticsearch:8.17.0@sha256:ab"),
            Some(Flavour::Bitnami)
        );
        assert_eq!(
            flavour("docker.elastic.co/elasticsearch/elasticsearch:7.17.0"),
            Some(Flavour::Official)
        );
        assert_eq!(flavour("elasticsearch:7.17.9"), Some(Flavour::Official));
        assert_eq!(flavour("someone/elasticsearch:8"), None);
    }

    #[test]
    fn bitnami_booleans_as_the_entrypoint_reads_them() {
        for yes in ["1", "yes", "TRUE", "Yes"] {
            assert!(is_boolean_yes(yes), "{yes}");
        }
        for no in ["0", "no", "false", "on", ""] {
            assert!(!is_boolean_yes(no), "{no}");
        }
    }
}
