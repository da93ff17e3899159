//! Credential checks over every setting whose key names a secret (password, secret,
//! token, API key, ...), whatever the product: a well-known default value (CRED001) and a
//! secret written literally into a configuration file (CRED002).

use std::sync::Arc;

use crate::model::MASK;
use crate::model::analysis::Analysis;
use crate::model::file_kind::FileKind;
use crate::model::finding::Finding;
use crate::model::rule::RuleInfo;
use crate::model::settings::{Component, Form, Product, Setting};
use crate::model::value::Effective;
use crate::rules::well_known::is_well_known;

/// A secret setting's value as the product would read it.
struct SecretValue {
    text: String,
    from_default: bool,
}

fn secret_value(s: &Setting) -> Option<SecretValue> {
    if !s.is_secret() {
        return None;
    }
    match s.value.effective(s.placeholders) {
        Effective::Text { text, from_default } => {
            let text = text.trim().to_string();
            (!text.is_empty()).then_some(SecretValue { text, from_default })
        }
        _ => None,
    }
}

/// Components whose secrets other rules already judge with more context: the chart's
/// own values are covered by HELM001 (inline secrets) and HELM002 (demo users).
fn covered_elsewhere(c: &Component) -> bool {
    c.has_product(Product::CamundaHelm)
}

/// Looks like a reference resolved elsewhere rather than the secret itself.
fn is_reference(text: &str) -> bool {
    // A URL names where a token comes from; it is not the token.
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return true;
    }
    // A file holding the secret (a key or keystore path) is not the secret.
    const FILES: [&str; 7] = [".pem", ".key", ".p12", ".pfx", ".jks", ".crt", ".keystore"];
    if text.starts_with('/')
        || lower.starts_with("classpath:")
        || FILES.iter().any(|e| lower.ends_with(e))
    {
        return true;
    }
    text.starts_with('$')
        || text.starts_with("{{")
        || text.starts_with("{cipher}")
        || text.starts_with("ENC(")
        || text.starts_with("vault:")
        || text.starts_with("file:")
}

/// Prose that says what belongs there ("base64 encoded HMAC key or public RSA/ECDSA pem
/// key", shipped as `signing_key` in the OpenSearch Security plugin's config.yml; "your
/// password here"): at least four words of letters, one of them naming a secret or
/// addressing the reader. A passphrase of plain words ("correct horse battery staple")
/// names neither and stays a finding.
fn is_description(text: &str) -> bool {
    const WORDS: [&str; 9] = [
        "key",
        "keys",
        "password",
        "passphrase",
        "secret",
        "token",
        "your",
        "here",
        "encoded",
    ];
    let words: Vec<&str> = text.split_whitespace().collect();
    words.len() >= 4
        && words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphanumeric() || "/-,.()".contains(c))
        })
        && words.iter().any(|w| {
            WORDS.contains(
                &w.to_lowercase()
                    .trim_matches(|c: char| !c.is_alphanumeric()),
            )
        })
}

fn finding(
    rule: &Arc<RuleInfo>,
    c: &Component,
    s: &Setting,
    message: String,
    label: String,
) -> Finding {
    Finding::builder(rule, &s.file, s.primary_span())
        .message(message)
        .label(label)
        .key(s.key.as_str())
        .value(&s.value.display().trim().to_lowercase())
        .product(c.primary_product())
        .component(c.name.clone())
        .build()
}

/// CRED001 for one setting: a password, secret or token set to a published default.
fn well_known_setting(rule: &Arc<RuleInfo>, c: &Component, s: &Setting) -> Option<Finding> {
    let v = secret_value(s)?;
    if !is_well_known(&v.text) {
        return None;
    }
    let how = if v.from_default {
        "the placeholder's default is"
    } else {
        "is"
    };
    Some(finding(
        rule,
        c,
        s,
        format!(
            "`{}` {how} a well-known default credential, the first value an attacker \
             tries; use a unique random value from a secret store",
            s.key
        ),
        format!("`{MASK}` is a published default"),
    ))
}

/// CRED002 for one setting: a secret written literally into a committed file.
fn hard_coded_setting(rule: &Arc<RuleInfo>, c: &Component, s: &Setting) -> Option<Finding> {
    let v = secret_value(s)?;
    if is_well_known(&v.text) || is_reference(&v.text) || is_description(&v.text) {
        return None;
    }
    if matches!(
        v.text.to_ascii_lowercase().as_str(),
        "true" | "false" | "null"
    ) {
        return None;
    }
    let (what, label) = if v.from_default {
        (
            "has a literal secret as its placeholder default",
            "literal default",
        )
    } else {
        ("holds a literal secret", "secret written in the file")
    };
    Some(finding(
        rule,
        c,
        s,
        format!(
            "`{}` {what}: it spreads with every copy of the repository, image and backup; \
             reference it through a placeholder filled from a secret store, then rotate it",
            s.key
        ),
        label.to_string(),
    ))
}

/// CRED001: a password, secret or token set to a published default.
pub(crate) fn well_known(rule: &Arc<RuleInfo>, a: &Analysis) -> Vec<Finding> {
    a.components
        .iter()
        .filter(|c| !covered_elsewhere(c))
        .flat_map(|c| {
            c.settings
                .iter()
                .filter_map(|s| well_known_setting(rule, c, s))
        })
        .collect()
}

/// CRED002: a secret written literally into a committed configuration file.
pub(crate) fn hard_coded(rule: &Arc<RuleInfo>, a: &Analysis) -> Vec<Finding> {
    // `.env` files exist to keep secrets out of the configuration (and out of git).
    if a.kind == FileKind::Env {
        return Vec::new();
    }
    a.components
        .iter()
        .filter(|c| !covered_elsewhere(c))
        .flat_map(|c| {
            c.settings
                .iter()
                .filter_map(|s| hard_coded_setting(rule, c, s))
        })
        .collect()
}

/// CRED001 and CRED002 over the settings only a deployment has: the members of a
/// `SPRING_APPLICATION_JSON` and command-line arguments (`deploy/process.rs`), which no file
/// component holds. Not when the host value was written in a `.env` file (see
/// [`hard_coded`]).
pub(crate) fn of_deployment(rule: &Arc<RuleInfo>, hard: bool, c: &Component) -> Vec<Finding> {
    if covered_elsewhere(c) {
        return Vec::new();
    }
    c.settings
        .iter()
        .filter(|s| matches!(s.form, Form::ApplicationJson | Form::CommandLine))
        .filter(|s| !(hard && s.file.path.file_name().is_some_and(|n| n == ".env")))
        .filter_map(|s| {
            if hard {
                hard_coded_setting(rule, c, s)
            } else {
                well_known_setting(rule, c, s)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::is_description;

    #[test]
    fn prose_describing_a_secret_is_not_one() {
        for t in [
            "base64 encoded HMAC key or public RSA/ECDSA pem key",
            "put your password here",
            "the client secret of the app",
        ] {
            assert!(is_description(t), "{t}");
        }
        for t in [
            "correct horse battery staple",
            "key",
            "s3cr3t-key-2024",
            "my key is K9#x!",
            "hunter2 hunter2 hunter2 secret!",
        ] {
            assert!(!is_description(t), "{t}");
        }
    }
}
