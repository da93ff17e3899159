//! Severities the client, Helm and compose rules of issue 15 decide per check, which the
//! fixture expectations (codes only) do not cover.

mod support;

/// `camguard check PATH --format concise`, the finding lines only.
fn concise(path: &str) -> Vec<String> {
    let out = support::camguard()
        .args(["check", path, "--format", "concise"])
        .output()
        .expect("camguard runs");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .filter(|l| !l.starts_with("Scanned"))
        .map(String::from)
        .collect()
}

/// The severity camguard printed for `code` on `line` of the file.
fn severity(lines: &[String], code: &str, line: usize) -> String {
    let found: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(&format!(":{line}:")) && l.contains(&format!(" {code} ")))
        .collect();
    assert_eq!(found.len(), 1, "one {code} on line {line}: {lines:#?}");
    let l = found[0];
    let open = l.rfind('(').expect("severity");
    l[open + 1..l.len() - 1].to_string()
}

#[test]
fn oidc_endpoints_over_http_are_high_except_the_browser_redirect() {
    let l = concise("fixtures/camunda8/C8015/bad/browser-endpoint/application.yaml");
    assert_eq!(severity(&l, "C8015", 11), "medium", "authorization-uri");
    assert_eq!(severity(&l, "C8015", 13), "high", "token-uri");
    assert_eq!(severity(&l, "C8015", 15), "high", "jwk-set-uri");
    let clients = concise("fixtures/camunda8/C8015/bad/client-discovery/application.yaml");
    assert_eq!(severity(&clients, "C8015", 14), "high", "client issuer-url");
}

#[test]
fn rest_server_without_tls_is_low_unless_tls_is_switched_off() {
    let absent = concise("fixtures/camunda8/C8022/bad/absent/application.yaml");
    assert_eq!(severity(&absent, "C8022", 11), "low");
    let off = concise("fixtures/camunda8/C8022/bad/explicit/application.yaml");
    assert_eq!(severity(&off, "C8022", 12), "medium");
}

#[test]
fn keycloak_development_mode_is_medium_and_single_flags_low() {
    let dev = concise("fixtures/compose/DC002/bad/start-dev/docker-compose.yaml");
    assert_eq!(severity(&dev, "DC002", 10), "medium");
    let flags = concise("fixtures/compose/DC002/bad/flags/docker-compose.yaml");
    assert_eq!(severity(&flags, "DC002", 13), "low");
}
