//! Evidence on real published configuration files (tests/corpus, a copy of the shared
//! corpus; see tests/corpus/SOURCES.md): camguard reports what Camunda's hardening guidance
//! says is wrong in them, at the right place, and stays quiet on the hardened templates.

mod support;

use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Debug)]
struct Hit {
    code: String,
    severity: String,
    key: String,
    line: u64,
}

/// Findings on the whole corpus, by path relative to tests/corpus.
fn corpus() -> &'static BTreeMap<String, Vec<Hit>> {
    static CORPUS: OnceLock<BTreeMap<String, Vec<Hit>>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let out = support::camguard()
            .args(["check", "tests/corpus", "--format", "json", "--exit-zero"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
        let mut by: BTreeMap<String, Vec<Hit>> = BTreeMap::new();
        for f in v["findings"].as_array().unwrap() {
            let path = f["path"].as_str().unwrap();
            let rel = path
                .strip_prefix("tests/corpus/")
                .unwrap_or(path)
                .to_string();
            by.entry(rel).or_default().push(Hit {
                code: f["code"].as_str().unwrap().into(),
                severity: f["severity"].as_str().unwrap().into(),
                key: f["key"].as_str().unwrap_or_default().into(),
                line: f["location"]["start_line"].as_u64().unwrap_or(0),
            });
        }
        by
    })
}

fn hits(file: &str) -> &'static [Hit] {
    corpus().get(file).map(Vec::as_slice).unwrap_or(&[])
}

#[track_caller]
fn expect(file: &str, code: &str, key_contains: &str) {
    let found = hits(file)
        .iter()
        .any(|h| h.code == code && h.key.contains(key_contains));
    assert!(
        found,
        "{file}: expected {code} on a key containing `{key_contains}`; got {:#?}",
        hits(file)
    );
}

#[track_caller]
fn expect_none_at_or_above(file: &str, severities: &[&str]) {
    let bad: Vec<&Hit> = hits(file)
        .iter()
        .filter(|h| severities.contains(&h.severity.as_str()))
        .collect();
    assert!(bad.is_empty(), "{file}: unexpected findings {bad:#?}");
}

const RUN: &str = "camunda/camunda-bpm-platform/distro/run/assembly/resources/";

#[test]
fn camunda_run_default_template_is_flagged_for_what_the_guide_warns_about() {
    let f = &format!("{RUN}default.yml");
    expect(f, "C7002", "camunda.bpm.run.auth.enabled");
    expect(f, "C7001", "camunda.bpm.admin-user.password");
    expect(f, "C7005", "camunda.bpm.run.cors.allowed-origins");
    expect(f, "C7006", "camunda.bpm.run.example.enabled");
    expect(f, "C7003", "camunda.bpm.authorization.enabled");
    // The demo admin's finding points at the password line.
    let admin = hits(f).iter().find(|h| h.code == "C7001").unwrap();
    assert_eq!(admin.severity, "critical");
    assert!(admin.line > 1);
}

#[test]
fn camunda_run_production_template_is_much_quieter() {
    let f = &format!("{RUN}production.yml");
    // Only the bundled demo keystore and its published password remain, and three low
    // hardening items of the security instructions the template leaves at the engine
    // defaults (expressions in stored queries, no query result limit, web app log-ins not
    // logged).
    expect(f, "C7011", "server.ssl.key-store");
    expect_none_at_or_above(f, &["critical"]);
    for h in hits(f) {
        assert!(
            ["C7011", "CRED001"].contains(&h.code.as_str())
                || (["C7020", "C7021", "C7023"].contains(&h.code.as_str()) && h.severity == "low"),
            "unexpected {h:?}"
        );
    }
    assert!(hits(f).len() < hits(&format!("{RUN}default.yml")).len());
}

#[test]
fn engine_rest_web_xml_without_the_authentication_filter() {
    expect(
        "camunda/camunda-bpm-platform/engine-rest/assembly-jakarta/src/main/runtime/tomcat/webapp/WEB-INF/web.xml",
        "C7101",
        "ProcessEngineAuthenticationFilter",
    );
    expect(
        "camunda/camunda-bpm-platform/distro/tomcat/assembly/src/conf/server.xml",
        "C7102",
        "Connector",
    );
}

#[test]
fn c8run_and_the_lightweight_compose_open_the_api() {
    let c8run = "camunda/camunda/c8run/configuration/application.yaml";
    expect(c8run, "C8001", "unprotected-api");
    expect(c8run, "C8002", "authorizations.enabled");
    expect(c8run, "C8004", "users[0].password");
    let compose =
        "camunda/camunda-distributions/docker-compose/versions/camunda-8.8/docker-compose.yaml";
    expect(compose, "C8001", "unprotected");
    expect(compose, "C8004", "password");
    expect(compose, "C8009", "secondary-storage.elasticsearch.url");
    expect(compose, "DC001", "services.elasticsearch.ports");
    let critical_port = hits(compose)
        .iter()
        .any(|h| h.code == "DC001" && h.severity == "critical");
    assert!(
        critical_port,
        "ES is published with security off: {:#?}",
        hits(compose)
    );
}

#[test]
fn compose_87_literal_client_secrets_and_disabled_csrf() {
    let full =
        "camunda/camunda-distributions/docker-compose/versions/camunda-8.7/docker-compose.yaml";
    expect(full, "CRED001", "CAMUNDA_OPERATE_IDENTITY_CLIENTSECRET");
    expect(full, "C8007", "show-values");
    let core = "camunda/camunda-distributions/docker-compose/versions/camunda-8.7/docker-compose-core.yaml";
    expect(core, "C8005", "csrf-prevention-enabled");
    expect(
        "camunda/camunda-distributions/docker-compose/versions/camunda-8.8/.env",
        "CRED001",
        "ORCHESTRATION_CLIENT_SECRET",
    );
}

#[test]
fn helm_values_demo_users_and_inline_secrets() {
    let v88 = "camunda/camunda-platform-helm/charts/camunda-platform-8.8/values.yaml";
    expect(
        v88,
        "HELM002",
        "orchestration.security.initialization.users",
    );
    expect(
        "camunda/camunda-platform-helm/charts/camunda-platform-8.7/test/integration/scenarios/chart-full-setup/values/persistence/elasticsearch-self-signed.yaml",
        "HELM001",
        "inlineSecret",
    );
    // `global.identity.auth.enabled: false` on the 8.8 chart (its Chart.yaml, copied beside the
    // values, says 8.8.x) only concerns Management Identity: HELM005 is for 8.6/8.7 charts.
    let local88 = "camunda/camunda-platform-helm/charts/camunda-platform-8.8/values-local.yaml";
    assert!(
        !hits(local88).iter().any(|h| h.code == "HELM005"),
        "{local88}: {:#?}",
        hits(local88)
    );
    // The bundled Elasticsearch of the 8.8 chart is reported on that chart's version.
    expect(v88, "HELM007", "elasticsearch.enabled");
}

#[test]
fn optimize_examples() {
    let old = "camunda/camunda-optimize-examples/sso-plugin/optimize-sso-keycloak/optimize/environment-config.yaml";
    expect(old, "OPT001", "container.ports.http");
    expect(old, "OPT003", "authentication.enabled");
    expect(old, "OPT005", "es.security.ssl.enabled");
}

#[test]
fn secure_reference_files_get_no_high_findings() {
    expect_none_at_or_above(
        "elastic/elasticsearch/docs/reference/setup/install/docker/docker-compose.yml",
        &["critical", "high", "medium"],
    );
    expect_none_at_or_above(
        "opensearch-project/opensearch-build/docker/release/dockercomposefiles/docker-compose-2.x.yml",
        &["critical", "high", "medium"],
    );
    expect_none_at_or_above(
        "camunda/camunda-platform-helm/charts/camunda-platform-8.8/test/integration/scenarios/chart-full-setup/values/identity/keycloak.yaml",
        &["critical", "high"],
    );
}

/// Audit E11: the Security plugin's own `config.yml` (top-level `_meta: {type: "config"}`)
/// is read as OpenSearch configuration, so OS007 sees `config.dynamic.http.anonymous_auth_enabled`
/// where the plugin reads it; the shipped file keeps it `false`.
#[test]
fn opensearch_security_config_is_read_and_anonymous_auth_stays_off() {
    let f = "opensearch-project/security/config/config.yml";
    let out = support::camguard()
        .args(["settings", &format!("tests/corpus/{f}")])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(opensearch)"), "{text}");
    assert!(
        text.contains("config.dynamic.http.anonymous_auth_enabled = false"),
        "{text}"
    );
    assert!(!hits(f).iter().any(|h| h.code == "OS007"), "{:#?}", hits(f));
    expect_none_at_or_above(f, &["critical", "high"]);
}

#[test]
fn no_secret_value_of_the_corpus_reaches_the_output() {
    let out = support::camguard()
        .args(["check", "tests/corpus", "--exit-zero", "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for secret in [
        "XALaRPl5qwTEItdwCMiPS62nVpKs7dL7",
        "demo-identity-secret",
        "#3]O?4RGj)DE7Z!9SA5",
        "demo-postgres-password",
    ] {
        assert!(!text.contains(secret), "`{secret}` leaked into the output");
    }
}
