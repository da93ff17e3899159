//! Key normalisation: Spring relaxed binding, env var names and secret detection.

use super::settings::KeyStyle;

/// The form a key is compared in.
///
/// Relaxed (Spring): lowercase, without `-`, `_` and `.`, keeping list indices, so
/// `unprotectedApi`, `unprotected-api`, `UNPROTECTED_API` and `UNPROTECTEDAPI` agree.
/// Literal: the dotted key exactly as written.
pub fn match_key(key: &str, style: KeyStyle) -> String {
    match style {
        KeyStyle::Literal => key.to_string(),
        KeyStyle::Relaxed => key
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | '.'))
            .map(|c| c.to_ascii_lowercase())
            .collect(),
    }
}

/// Is `prefix` an enclosing key of `key` (both in match form)?
pub fn is_prefix(prefix: &str, key: &str, style: KeyStyle) -> bool {
    if prefix.is_empty() || !key.starts_with(prefix) {
        return false;
    }
    match style {
        KeyStyle::Relaxed => true,
        KeyStyle::Literal => {
            key.len() == prefix.len() || matches!(key.as_bytes()[prefix.len()], b'.' | b'[')
        }
    }
}

/// Convert a Spring-style environment variable name into a dotted key:
/// `CAMUNDA_SECURITY_INITIALIZATION_USERS_0_PASSWORD` ->
/// `camunda.security.initialization.users[0].password`.
pub fn env_to_dotted(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for part in name.split('_').filter(|p| !p.is_empty()) {
        if part.bytes().all(|b| b.is_ascii_digit()) && !out.is_empty() {
            out.push('[');
            out.push_str(part);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&part.to_ascii_lowercase());
        }
    }
    out
}

const NOT_A_VALUE: [&str; 24] = [
    "url",
    // LDAP `user-password-attribute`: the name of a directory attribute.
    "attribute",
    "uri",
    "path",
    "file",
    "location",
    "enabled",
    "lifemin",
    "claim",
    "name",
    "type",
    "method",
    "header",
    "key",
    "ref",
    "audience",
    "scope",
    "level",
    "ttl",
    "timeout",
    "expiry",
    "expiration",
    "provider",
    "endpoint",
];

/// Where the secret value of a `key: value` / `key=value` line of any format starts,
/// if a key before a separator names a secret (by [`is_secret_key`], the one vocabulary
/// every masker uses): a snippet line is masked from there to its end, whether or not a
/// setting was modelled from it (comments, unknown keys, lines that did not parse).
pub fn secret_value_start(line: &str) -> Option<usize> {
    for (i, sep) in line.char_indices() {
        if sep != ':' && sep != '=' {
            continue;
        }
        let before = line[..i].trim_end();
        let token = before
            .rsplit(|c: char| c.is_whitespace() || matches!(c, '<' | '{' | ',' | '(' | '#'))
            .next()
            .unwrap_or("")
            .trim_matches(['"', '\'', '-']);
        if !token.is_empty() && is_secret_key(token) {
            let rest = &line[i + 1..];
            let lead = rest.len() - rest.trim_start().len();
            let start = i + 1 + lead;
            return (start < line.len()).then_some(start);
        }
    }
    None
}

/// Does the key name a credential whose value must never be printed?
pub fn is_secret_key(key: &str) -> bool {
    let last = key.rsplit(['.', '/']).next().unwrap_or(key);
    let last = last.split('[').next().unwrap_or(last);
    // Lower-cased without `-` and `_`, in a stack buffer: this runs for every setting.
    let mut buf = [0u8; 96];
    let mut long = Vec::new();
    let bytes = last.bytes().filter(|b| !matches!(b, b'-' | b'_'));
    let norm_bytes: &[u8] = if last.len() <= buf.len() {
        let mut n = 0;
        for b in bytes {
            buf[n] = b.to_ascii_lowercase();
            n += 1;
        }
        &buf[..n]
    } else {
        long.extend(bytes.map(|b| b.to_ascii_lowercase()));
        &long
    };
    // Only ASCII bytes were removed or changed, so this is still UTF-8.
    let Ok(norm) = std::str::from_utf8(norm_bytes) else {
        return false;
    };
    // The name of a Kubernetes Secret (`existingSecret`, `EXISTING_SECRET`) and the key names
    // inside one (`credentialsSecretKeys.password`, `secretKeys.adminPasswordKey`) are not secrets.
    if norm.starts_with("existing") {
        return false;
    }
    if let Some(parent) = key.rsplit(['.', '/']).nth(1) {
        let p: String = parent
            .split('[')
            .next()
            .unwrap_or(parent)
            .bytes()
            .filter(|b| !matches!(b, b'-' | b'_'))
            .map(|b| (b as char).to_ascii_lowercase())
            .collect();
        if p.ends_with("secretkeys") {
            return false;
        }
    }
    // `logging.level.<logger>`: the last segment is a class name, the value a log level.
    if key
        .get(..14)
        .is_some_and(|p| p.eq_ignore_ascii_case("logging.level."))
    {
        return false;
    }
    // Markers of secret keys, dispatched on their first letter (the tests compare this with
    // a plain scan of the list). Env var names carry the whole path in one segment: look
    // at the end of it.
    let nb = norm.as_bytes();
    let marker_end = (0..nb.len())
        .flat_map(|i| {
            let candidates: &[&str] = match nb[i] {
                b'p' => &["password", "passwd", "privatekey", "passphrase", "pwd"],
                b's' => &["secret"],
                b't' => &["token"],
                b'c' => &["credentials"],
                b'a' => &["apikey", "accesskey"],
                b'i' => &["inlinesecret"],
                _ => &[],
            };
            candidates
                .iter()
                .filter(move |m| nb[i..].starts_with(m.as_bytes()))
                .map(move |m| i + m.len())
        })
        .max()
        .unwrap_or(0);
    if marker_end == 0 {
        // `DB_PASS`, `keystorePass`: `pass` names a password only at the end.
        return norm.ends_with("pass") && !norm.ends_with("bypass");
    }
    // `client-secret` is a secret; `token-url`, `password-file`, `existing-secret-key` are not.
    let tail = &norm[marker_end..];
    tail.is_empty() || !NOT_A_VALUE.iter().any(|s| tail.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MARKERS: [&str; 11] = [
        "password",
        "passwd",
        "secret",
        "token",
        "credentials",
        "apikey",
        "privatekey",
        "passphrase",
        "accesskey",
        "pwd",
        "inlinesecret",
    ];

    /// The implementation before it was made allocation-free: the oracle.
    fn plain_is_secret_key(key: &str) -> bool {
        let last = key.rsplit(['.', '/']).next().unwrap_or(key);
        let last = last.split('[').next().unwrap_or(last);
        let norm: String = last
            .chars()
            .filter(|c| !matches!(c, '-' | '_'))
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if key.to_ascii_lowercase().starts_with("logging.level.") {
            return false;
        }
        if !MARKERS.iter().any(|m| norm.contains(m)) {
            return norm.ends_with("pass") && !norm.ends_with("bypass");
        }
        let end = MARKERS
            .iter()
            .filter_map(|m| norm.rfind(m).map(|i| i + m.len()))
            .max()
            .unwrap_or(0);
        let tail = &norm[end..];
        tail.is_empty() || !NOT_A_VALUE.iter().any(|s| tail.ends_with(s))
    }

    proptest! {
        #[test]
        fn secret_key_detection_equals_the_plain_implementation(
            key in "([a-zA-Z_.\\-\\[\\]0-9/é]|Pass|WORD|secret|token|url|key|logging.level.|api-key){0,60}"
        ) {
            prop_assert_eq!(is_secret_key(&key), plain_is_secret_key(&key), "{}", key);
        }
    }

    #[test]
    fn relaxed_forms_agree() {
        let forms = [
            "camunda.security.authentication.unprotected-api",
            "camunda.security.authentication.unprotectedApi",
            "CAMUNDA_SECURITY_AUTHENTICATION_UNPROTECTED_API",
            "CAMUNDA_SECURITY_AUTHENTICATION_UNPROTECTEDAPI",
        ];
        let want = match_key(forms[0], KeyStyle::Relaxed);
        for f in forms {
            assert_eq!(match_key(f, KeyStyle::Relaxed), want, "{f}");
        }
    }

    #[test]
    fn env_names_keep_list_indices() {
        assert_eq!(
            env_to_dotted("CAMUNDA_SECURITY_INITIALIZATION_USERS_0_PASSWORD"),
            "camunda.security.initialization.users[0].password"
        );
        assert_eq!(
            match_key(
                &env_to_dotted("CAMUNDA_SECURITY_INITIALIZATION_USERS_0_PASSWORD"),
                KeyStyle::Relaxed
            ),
            match_key(
                "camunda.security.initialization.users[0].password",
                KeyStyle::Relaxed
            )
        );
    }

    #[test]
    fn literal_prefixes_respect_segment_boundaries() {
        assert!(is_prefix(
            "es.security",
            "es.security.ssl.enabled",
            KeyStyle::Literal
        ));
        assert!(!is_prefix(
            "es.sec",
            "es.security.ssl.enabled",
            KeyStyle::Literal
        ));
    }

    #[test]
    fn secret_keys() {
        for k in [
            "camunda.bpm.admin-user.password",
            "CAMUNDA_SECURITY_INITIALIZATION_USERS_0_PASSWORD",
            "camunda.security.authentication.oidc.client-secret",
            "security.auth.token.secret",
            "ZEEBE_CLIENT_SECRET",
            "api.accessToken",
            "orchestration.security.authentication.oidc.secret.inlineSecret",
            "KEYCLOAK_ADMIN_PASSWORD",
            "server.ssl.key-store-password",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "camunda.client.auth.token-url",
            "security.auth.token.lifeMin",
            "camunda.bpm.admin-user.id",
            "ELASTIC_PASSWORD_FILE",
            "global.elasticsearch.auth.secret.existingSecretKey",
            "xpack.security.enabled",
            "global.identity.auth.identity.existingSecret",
            "EXISTING_SECRET",
            "elasticsearch.security.credentialsSecretKeys.password",
            "auth.secretKeys.adminPasswordKey",
            "camunda.bpm.run.ldap.user-password-attribute",
            "camunda.bpm.run.ldap.group-member-attribute",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }
}
