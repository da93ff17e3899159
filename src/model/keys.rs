//! Key normalisation: Spring relaxed binding, env var names and secret detection.

use super::settings::{KeyStyle, SharedStr};
use crate::model::hashing::FastMap;

/// The form a key is compared in.
///
/// Relaxed (Spring): lowercase, without `-`, `_` and `.`, keeping list indices, so
/// `unprotectedApi`, `unprotected-api`, `UNPROTECTED_API` and `UNPROTECTEDAPI` agree.
/// Literal: the dotted key exactly as written.
pub(crate) fn match_key(key: &str, style: KeyStyle) -> String {
    match style {
        KeyStyle::Literal => key.to_string(),
        KeyStyle::Relaxed => {
            // Runs for every setting and pattern: one allocation of the right size, on bytes
            // (only ASCII bytes are dropped or changed, so the rest stays UTF-8; decoding
            // and re-encoding each char cost three times as much).
            let mut out = Vec::with_capacity(key.len());
            out.extend(
                key.bytes()
                    .filter(|b| !matches!(b, b'-' | b'_' | b'.'))
                    .map(|b| b.to_ascii_lowercase()),
            );
            String::from_utf8(out)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        }
    }
}

/// [`match_key`] as a shared key: `key` itself where the style compares keys as written.
pub(crate) fn shared_match_key(key: &SharedStr, style: KeyStyle) -> SharedStr {
    match style {
        KeyStyle::Literal => key.clone(),
        KeyStyle::Relaxed => relaxed_key(key),
    }
}

/// [`match_key`] in a style, as a shared key.
pub(crate) fn match_key_of(key: &str, style: KeyStyle) -> SharedStr {
    match style {
        KeyStyle::Literal => SharedStr::from(key),
        KeyStyle::Relaxed => relaxed_key(key),
    }
}

/// The relaxed form of `key`, built on the stack for the usual short key and then
/// allocated once as a shared key (a `String` first would be a second allocation).
fn relaxed_key(key: &str) -> SharedStr {
    const ON_STACK: usize = 256;
    if key.len() > ON_STACK {
        return SharedStr::from(match_key(key, KeyStyle::Relaxed));
    }
    let mut buf = [0u8; ON_STACK];
    let mut n = 0;
    for b in key.bytes().filter(|b| !matches!(b, b'-' | b'_' | b'.')) {
        buf[n] = b.to_ascii_lowercase();
        n += 1;
    }
    // Only ASCII bytes were dropped or changed, so this is UTF-8; the fallback keeps the
    // result `match_key`'s whatever happens.
    match std::str::from_utf8(&buf[..n]) {
        Ok(s) => SharedStr::from(s),
        Err(_) => SharedStr::from(match_key(key, KeyStyle::Relaxed)),
    }
}

/// Is `prefix` an enclosing key of `key` (both in match form)?
pub(crate) fn is_prefix(prefix: &str, key: &str, style: KeyStyle) -> bool {
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
pub(crate) fn env_to_dotted(name: &str) -> String {
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
pub(crate) fn secret_value_start(line: &str) -> Option<usize> {
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

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Does a value end here (in free text, a URL query or a connection string)?
fn ends_value(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'&' | b';' | b',' | b'"' | b'\'' | b'`' | b'<' | b'>' | b')' | b']' | b'}'
        )
}

/// Byte ranges of secrets inside free text (a message, a value, a line of any file):
/// the user information of URLs (`scheme://user:pass@host`, all of it: a lone
/// `scheme://token@host` is the token), Oracle's `jdbc:oracle:thin:user/pass@host`,
/// and values of `name=value` pairs whose name is a secret key ([`is_secret_key`]):
/// query parameters (`?password=x&`), connection strings (`;AccountKey=...;`), JVM
/// options (`-Dx.password=...`).
pub(crate) fn secret_ranges_in_text(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (urls, thin) = url_and_thin_starts(b);
    for i in urls {
        let start = i + 3;
        let end = b[start..]
            .iter()
            .position(|&c| matches!(c, b'/' | b'?' | b'#') || ends_value(c))
            .map_or(b.len(), |p| start + p);
        if let Some(at) = b[start..end].iter().rposition(|&c| c == b'@')
            && at > 0
        {
            out.push(start..start + at);
        }
    }
    for i in thin {
        let start = i + ":thin:".len();
        let end = b[start..]
            .iter()
            .position(|&c| ends_value(c))
            .map_or(b.len(), |p| start + p);
        let part = &b[start..end];
        if let (Some(slash), Some(at)) = (
            part.iter().position(|&c| c == b'/'),
            part.iter().rposition(|&c| c == b'@'),
        ) && slash < at
        {
            out.push(start + slash + 1..start + at);
        }
    }
    for i in memchr::memchr_iter(b'=', b) {
        let mut n = i;
        while n > 0 && b[n - 1] == b' ' {
            n -= 1;
        }
        let name_end = n;
        while n > 0 && is_name_byte(b[n - 1]) {
            n -= 1;
        }
        if n == name_end || !is_secret_key(&text[n..name_end]) {
            continue;
        }
        let mut v = i + 1;
        while v < b.len() && b[v] == b' ' {
            v += 1;
        }
        if v < b.len() && matches!(b[v], b'"' | b'\'') {
            v += 1;
        }
        let end = b[v..]
            .iter()
            .position(|&c| ends_value(c))
            .map_or(b.len(), |p| v + p);
        if end > v {
            out.push(v..end);
        }
    }
    out
}

/// Where `://` and `:thin:` start, without overlaps (as `str::match_indices` finds them),
/// from one pass over the colons: this runs on every line a report shows, and setting up
/// a substring search twice per line cost more than the searches.
fn url_and_thin_starts(b: &[u8]) -> (Vec<usize>, Vec<usize>) {
    let (mut urls, mut thin) = (Vec::new(), Vec::new());
    let mut thin_from = 0;
    for i in memchr::memchr_iter(b':', b) {
        if b[i + 1..].starts_with(b"//") {
            urls.push(i);
        }
        if i >= thin_from && b[i..].starts_with(b":thin:") {
            thin.push(i);
            thin_from = i + ":thin:".len();
        }
    }
    (urls, thin)
}

/// Byte ranges to mask on one line of any configuration file, whether or not a setting
/// was read from it (comments, keys no rule models, lines that did not parse): the
/// ranges of [`secret_ranges_in_text`], everything after a secret key and its separator
/// ([`secret_value_start`]: `# password: x`, `DB_PASSWORD=x`, `"secret": "x"`), and
/// the text of XML elements a secret key names (`<password>x</password>`,
/// `<property name="jdbcPassword">x</property>`).
pub(crate) fn secret_ranges_in_line(line: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = secret_ranges_in_text(line);
    if let Some(start) = secret_value_start(line) {
        out.push(start..line.len());
    }
    let b = line.as_bytes();
    // The text of an element from the end of its start tag at or after `from`.
    let element_text = |from: usize, out: &mut Vec<std::ops::Range<usize>>| {
        let Some(gt) = b[from..].iter().position(|&c| c == b'>').map(|p| from + p) else {
            return;
        };
        if gt > 0 && b[gt - 1] == b'/' {
            return;
        }
        let end = b[gt + 1..]
            .iter()
            .position(|&c| c == b'<')
            .map_or(b.len(), |p| gt + 1 + p);
        if end > gt + 1 {
            out.push(gt + 1..end);
        }
    };
    // `<password>x</password>`, `<jdbc:password>x</...>`.
    for (i, _) in line.match_indices('<') {
        let n = b[i + 1..]
            .iter()
            .position(|&c| !(is_name_byte(c) || c == b':'))
            .map_or(b.len(), |p| i + 1 + p);
        let name = &line[i + 1..n];
        // (after the last `:`; memrchr, as `rsplit` sets up a searcher per call)
        let local = memchr::memrchr(b':', name.as_bytes()).map_or(name, |p| &name[p + 1..]);
        if !local.is_empty() && is_secret_key(local) {
            element_text(n, &mut out);
        }
    }
    // `<property name="jdbcPassword">x</property>`, `<entry key="secretKey" value="x"/>`.
    for (i, _) in line.match_indices('=') {
        let Some(&q) = b.get(i + 1).filter(|q| matches!(q, b'"' | b'\'')) else {
            continue;
        };
        let vs = i + 2;
        let Some(ve) = b[vs..].iter().position(|&c| c == q).map(|p| vs + p) else {
            continue;
        };
        if !is_secret_key(&line[vs..ve]) {
            continue;
        }
        let tag_end = b[ve..]
            .iter()
            .position(|&c| c == b'>')
            .map_or(b.len(), |p| ve + p);
        if let Some(v) = line[ve..tag_end].find("value=").map(|p| ve + p)
            && let Some(&vq) = b.get(v + 6).filter(|q| matches!(q, b'"' | b'\''))
        {
            let start = v + 7;
            let end = b[start..]
                .iter()
                .position(|&c| c == vq)
                .map_or(b.len(), |p| start + p);
            out.push(start..end);
        }
        element_text(ve, &mut out);
    }
    out
}

/// The text with every secret of [`secret_ranges_in_text`] replaced by [`super::MASK`]:
/// for messages, labels and values shown anywhere.
pub(crate) fn mask_secrets(text: &str) -> std::borrow::Cow<'_, str> {
    let mut ranges = secret_ranges_in_text(text);
    if ranges.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    ranges.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in ranges {
        if r.start < at {
            at = at.max(r.end);
            continue;
        }
        out.push_str(&text[at..r.start]);
        out.push_str(super::MASK);
        at = r.end;
    }
    out.push_str(&text[at.min(text.len())..]);
    std::borrow::Cow::Owned(out)
}

/// Markers of secret keys, in the normalised form of [`is_secret_key`] (the tests compare
/// the search with a plain scan of the list).
const SECRET_MARKER_LIST: [&str; 16] = [
    "password",
    "passwd",
    "privatekey",
    "passphrase",
    "pwd",
    "secret",
    "secretkey",
    "signingkey",
    "token",
    "credential",
    "connectionstring",
    "apikey",
    "accesskey",
    "accountkey",
    "encryptionkey",
    "inlinesecret",
];

/// Every occurrence of every marker in one pass (this runs for every setting).
static SECRET_MARKERS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(SECRET_MARKER_LIST).expect("fixed, valid patterns")
    });

/// Does the key name a credential whose value must never be printed?
///
/// Remembered per thread: this runs for every setting, and the keys of a tree repeat (the
/// same Spring, Helm and compose keys in file after file), so a lookup replaces most of
/// the work. The memory is bounded: the map is emptied when full, and long keys are not kept.
pub(crate) fn is_secret_key(key: &str) -> bool {
    use std::cell::RefCell;
    const KEPT: usize = 4096;
    const LONGEST: usize = 128;
    thread_local! {
        static JUDGED: RefCell<FastMap<Box<str>, bool>> = RefCell::new(FastMap::default());
    }
    JUDGED.with_borrow_mut(|judged| {
        if let Some(&secret) = judged.get(key) {
            return secret;
        }
        let secret = names_secret(key);
        if key.len() <= LONGEST {
            if judged.len() >= KEPT {
                judged.clear();
            }
            judged.insert(key.into(), secret);
        }
        secret
    })
}

/// [`is_secret_key`], judged.
fn names_secret(key: &str) -> bool {
    // The last segment up to its first `[`, found on bytes (`rsplit` with a char set and
    // `split` cost more than the rest of this function).
    let b = key.as_bytes();
    let start = b
        .iter()
        .rposition(|&c| c == b'.' || c == b'/')
        .map_or(0, |i| i + 1);
    let last = &b[start..];
    let last = last
        .iter()
        .position(|&c| c == b'[')
        .map_or(last, |i| &last[..i]);
    // Lower-cased without `-` and `_`, in a stack buffer: this runs for every setting.
    let mut buf = [0u8; 96];
    let mut long = Vec::new();
    let bytes = last.iter().copied().filter(|b| !matches!(b, b'-' | b'_'));
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
    // The last marker's end (env var names carry the whole path in one segment: what
    // follows the last marker decides).
    let nb = norm.as_bytes();
    let marker_end = SECRET_MARKERS
        .find_overlapping_iter(nb)
        // `existingSecretKey` names the key inside a Kubernetes Secret.
        .filter(|m| {
            SECRET_MARKER_LIST[m.pattern().as_usize()] != "secretkey"
                || !nb[..m.start()].ends_with(b"existing")
        })
        .map(|m| m.end())
        .max()
        .unwrap_or(0);
    let named = if marker_end == 0 {
        // `DB_PASS`, `keystorePass`: `pass` names a password only at the end.
        norm.ends_with("pass") && !norm.ends_with("bypass")
    } else {
        // `client-secret` is a secret; `token-url`, `password-file`, `existing-secret-key` are not.
        let tail = &norm[marker_end..];
        tail.is_empty() || !NOT_A_VALUE.iter().any(|s| tail.ends_with(s))
    };
    // The exceptions below only ever say "not a secret": most keys name no secret and
    // never get here.
    named && !is_secret_name(key, norm)
}

/// Keys that look like secrets but name one: the name of a Kubernetes Secret, a key inside
/// one, a logger.
fn is_secret_name(key: &str, norm: &str) -> bool {
    // The name of a Kubernetes Secret (`existingSecret`, `EXISTING_SECRET`) and the key names
    // inside one (`credentialsSecretKeys.password`, `secretKeys.adminPasswordKey`) are not secrets.
    if norm.starts_with("existing") {
        return true;
    }
    if let Some(parent) = key.rsplit(['.', '/']).nth(1) {
        let p = parent.split('[').next().unwrap_or(parent);
        let mut rev = p
            .bytes()
            .rev()
            .filter(|b| !matches!(b, b'-' | b'_'))
            .map(|b| b.to_ascii_lowercase());
        if b"secretkeys".iter().rev().all(|&m| rev.next() == Some(m)) {
            return true;
        }
    }
    // `logging.level.<logger>`: the last segment is a class name, the value a log level.
    if key
        .get(..14)
        .is_some_and(|p| p.eq_ignore_ascii_case("logging.level."))
    {
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MARKERS: [&str; 15] = [
        "password",
        "passwd",
        "secret",
        "secretkey",
        "signingkey",
        "token",
        "credential",
        "connectionstring",
        "apikey",
        "privatekey",
        "passphrase",
        "accesskey",
        "accountkey",
        "encryptionkey",
        "pwd",
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
        // Names of Kubernetes Secrets and of the keys inside one.
        if norm.starts_with("existing") {
            return false;
        }
        let parent: Option<String> = key.rsplit(['.', '/']).nth(1).map(|p| {
            p.split('[')
                .next()
                .unwrap_or(p)
                .chars()
                .filter(|c| !matches!(c, '-' | '_'))
                .map(|c| c.to_ascii_lowercase())
                .collect()
        });
        if parent.is_some_and(|p| p.ends_with("secretkeys")) {
            return false;
        }
        if !MARKERS.iter().any(|m| norm.contains(m)) {
            return norm.ends_with("pass") && !norm.ends_with("bypass");
        }
        let end = MARKERS
            .iter()
            .flat_map(|m| norm.match_indices(m).map(move |(i, _)| (i, *m)))
            .filter(|(i, m)| *m != "secretkey" || !norm[..*i].ends_with("existing"))
            .map(|(i, m)| i + m.len())
            .max()
            .unwrap_or(0);
        let tail = &norm[end..];
        tail.is_empty() || !NOT_A_VALUE.iter().any(|s| tail.ends_with(s))
    }

    proptest! {
        #[test]
        fn relaxed_match_keys_are_those_of_the_char_filter(key in "(a|Z|-|_|\\.|é|İ|ß|\\[0\\]|K){0,30}") {
            let by_chars: String = key
                .chars()
                .filter(|c| !matches!(c, '-' | '_' | '.'))
                .map(|c| c.to_ascii_lowercase())
                .collect();
            prop_assert_eq!(match_key(&key, KeyStyle::Relaxed), by_chars);
        }

        /// The shared match keys equal `match_key`'s, on the stack and past it (the
        /// repetition reaches over 256 bytes), and share the key where the style is literal.
        #[test]
        fn shared_match_keys_are_those_of_match_key(
            part in "(a|Z|-|_|\\.|é|İ|ß|\\[0\\]|K){0,30}",
            times in 1usize..40,
        ) {
            let key = part.repeat(times);
            let shared = SharedStr::from(key.as_str());
            for style in [KeyStyle::Relaxed, KeyStyle::Literal] {
                let want = match_key(&key, style);
                let (a, b) = (shared_match_key(&shared, style), match_key_of(&key, style));
                prop_assert_eq!(a.as_str(), want.as_str());
                prop_assert_eq!(b.as_str(), want.as_str());
            }
            let literal = shared_match_key(&shared, KeyStyle::Literal);
            prop_assert!(std::ptr::eq(literal.as_str(), shared.as_str()));
        }

        #[test]
        fn url_and_thin_starts_are_those_of_match_indices(text in "(:|/|thin|:thin:|a|://|é){0,30}") {
            let (urls, thin) = url_and_thin_starts(text.as_bytes());
            let want_urls: Vec<usize> = text.match_indices("://").map(|(i, _)| i).collect();
            let want_thin: Vec<usize> = text.match_indices(":thin:").map(|(i, _)| i).collect();
            prop_assert_eq!(urls, want_urls);
            prop_assert_eq!(thin, want_thin);
        }

        #[test]
        fn secret_key_detection_equals_the_plain_implementation(
            key in "([a-zA-Z_.\\-\\[\\]0-9/é]|Pass|WORD|secret|Secret|existing|token|url|key|Key|account|logging.level.|api-key|ref){0,60}"
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

    /// Every spelling of every secret name: as written, kebab, snake, upper snake (an
    /// environment variable), all lower case, under a prefix, in a list.
    #[test]
    fn every_spelling_of_a_secret_name_is_secret() {
        let names: &[&[&str]] = &[
            &["password"],
            &["passwd"],
            &["pwd"],
            &["passphrase"],
            &["secret"],
            &["client", "secret"],
            &["secret", "key"],
            &["aws", "secret", "key"],
            &["secret", "access", "key"],
            &["account", "key"],
            &["storage", "account", "key"],
            &["access", "key"],
            &["api", "key"],
            &["private", "key"],
            &["signing", "key"],
            &["encryption", "key"],
            &["token"],
            &["access", "token"],
            &["auth", "token"],
            &["credentials"],
            &["credential"],
            &["connection", "string"],
            &["keystore", "pass"],
            &["truststore", "pass"],
            &["db", "pass"],
            &["key", "store", "password"],
            &["inline", "secret"],
        ];
        for words in names {
            let camel: String = words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if i == 0 {
                        w.to_string()
                    } else {
                        w[..1].to_uppercase() + &w[1..]
                    }
                })
                .collect();
            let kebab = words.join("-");
            let snake = words.join("_");
            let upper = snake.to_uppercase();
            let flat = words.concat();
            let pascal = camel[..1].to_uppercase() + &camel[1..];
            for form in [
                camel.clone(),
                pascal.clone(),
                kebab.clone(),
                snake.clone(),
                upper.clone(),
                flat.clone(),
                format!("spring.app.{kebab}"),
                format!("my-app.{camel}"),
                format!("APP_{upper}"),
                format!("MY_SERVICE_{upper}"),
                format!("users[0].{camel}"),
                format!("xpack.security.{snake}"),
            ] {
                assert!(is_secret_key(&form), "{form} must be a secret key");
                assert_eq!(is_secret_key(&form), plain_is_secret_key(&form), "{form}");
            }
        }
    }

    #[test]
    fn references_to_secrets_are_not_secrets() {
        for k in [
            "global.elasticsearch.auth.secret.existingSecretKey",
            "identity.firstUser.existingSecretKey",
            "valueFrom.secretKeyRef",
            "SECRET_KEY_REF",
            "passwordKey",
            "client-secret-file",
            "secret-key-path",
            "ACCOUNT_KEY_FILE",
            "token-uri",
            "api-key-header",
            "bypass",
        ] {
            assert!(!is_secret_key(k), "{k}");
            assert_eq!(is_secret_key(k), plain_is_secret_key(k), "{k}");
        }
    }

    fn masked_line(line: &str) -> String {
        let mut b = line.as_bytes().to_vec();
        for r in secret_ranges_in_line(line) {
            for x in &mut b[r] {
                *x = b'*';
            }
        }
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn secrets_in_free_text_are_masked() {
        let cases = [
            ("url `postgres://admin:hunter2@db:5432/x` is", "hunter2"),
            ("https://ghp_token123@github.com/org/repo", "ghp_token123"),
            (
                "jdbc:postgresql://db/x?user=a&password=hunter2&ssl=true",
                "hunter2",
            ),
            (
                "jdbc:sqlserver://db;user=a;password=hunter2;encrypt=true",
                "hunter2",
            ),
            ("jdbc:oracle:thin:scott/hunter2@db:1521/x", "hunter2"),
            ("https://x.test/cb?access_token=hunter2", "hunter2"),
            (
                "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=hunter2==;",
                "hunter2",
            ),
            ("-Djavax.net.ssl.keyStorePassword=hunter2 -Dx=1", "hunter2"),
            ("`a` is `amqp://user:hunter2@mq`", "hunter2"),
        ];
        for (text, secret) in cases {
            let m = mask_secrets(text);
            assert!(!m.contains(secret), "{text} -> {m}");
            assert!(m.contains(crate::model::MASK), "{text} -> {m}");
        }
        for plain in [
            "`camunda.security.authentication.unprotected-api` is `true`",
            "https://docs.camunda.io/docs/self-managed/",
            "user@example.com wrote a=b",
        ] {
            assert_eq!(mask_secrets(plain), plain);
        }
        assert_eq!(
            mask_secrets("https://user:pw@h/?token=t&x=1"),
            "https://********@h/?token=********&x=1"
        );
    }

    #[test]
    fn every_line_of_a_snippet_is_masked_by_key_name() {
        for (line, secret) in [
            ("# password: hunter2", "hunter2"),
            ("  DB_PASSWORD: hunter2", "hunter2"),
            ("- DB_PASSWORD=hunter2", "hunter2"),
            ("{\"clientSecret\": \"hunter2\"}", "hunter2"),
            ("<password>hunter2</password>", "hunter2"),
            (
                "  <property name=\"jdbcPassword\">hunter2</property>",
                "hunter2",
            ),
            ("<entry key=\"secretKey\" value=\"hunter2\"/>", "hunter2"),
            (
                "<Connector keystorePass=\"hunter2\" port=\"8443\"/>",
                "hunter2",
            ),
            ("url: jdbc:mysql://root:hunter2@db/x", "hunter2"),
            ("AWS_SECRET_KEY=hunter2", "hunter2"),
        ] {
            let m = masked_line(line);
            assert!(!m.contains(secret), "{line} -> {m}");
        }
        assert_eq!(
            masked_line("unprotected-api: true"),
            "unprotected-api: true"
        );
        assert_eq!(masked_line("<name>demo</name>"), "<name>demo</name>");
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
