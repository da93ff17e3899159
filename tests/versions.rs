//! Versions end to end: where camguard learns a version (image tags, `Chart.yaml`,
//! `camunda-version`, `--camunda-version`), and how version-dependent checks report: as is
//! when the version settles them, with the assumption they made when it does not, and not at
//! all outside their versions.

mod support;

use std::path::Path;

/// A custom rule whose checks depend on the Camunda 8 version: the key `x.mode` defaults to
/// `none` before 8.8, and is only a finding on 8.6 and later.
const RULE: &str = r#"
code = "T001"
name = "test-versioned"
severity = "high"
products = ["camunda8"]
versions = ">=8.6"
summary = "test"
docs = "https://docs.camunda.io/"
explanation = "test"

[[check]]
key = "zeebe.x.mode"
is = "none"
message = "`{key}` is `{value}`"
[[check.default-for]]
versions = "<8.8"
value = "none"

[[check]]
key = "zeebe.x.legacy"
present = true
versions = ">=8.8"
message = "`{key}` is not read"
"#;

/// Same rule, reporting only what holds whatever the version.
fn skip_rule() -> String {
    RULE.replace(
        "versions = \">=8.6\"",
        "versions = \">=8.6\"\nif-version-unknown = \"skip\"",
    )
}

fn project(rule: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("rules")).unwrap();
    std::fs::write(d.path().join("rules/T001-test-versioned.toml"), rule).unwrap();
    std::fs::create_dir(d.path().join(".git")).unwrap();
    for (name, text) in files {
        let p = d.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    d
}

/// Messages of T001 findings, sorted.
fn messages(dir: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "check",
        ".",
        "--rules",
        "rules",
        "--select",
        "T001",
        "--format",
        "json",
        "--exit-zero",
    ];
    args.extend_from_slice(extra);
    let out = support::camguard_in(dir).args(&args).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut m: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    m.sort();
    m
}

const APP: &str = "zeebe:\n  x:\n    other: 1\n    legacy: true\n";

#[test]
fn an_unknown_version_reports_with_the_assumption() {
    let d = project(RULE, &[("application.yaml", APP)]);
    assert_eq!(
        messages(d.path(), &[]),
        [
            "`zeebe.x.legacy` is not read (assuming Camunda 8.8 or later; the version is not known)",
            "`zeebe.x.mode` is `none` (assuming Camunda 8.6 to 8.7; the version is not known)",
        ]
    );
}

#[test]
fn skip_reports_only_what_holds_for_every_version() {
    let d = project(&skip_rule(), &[("application.yaml", APP)]);
    assert!(messages(d.path(), &[]).is_empty());
    // An explicit `none` holds whatever the version, within the rule's versions... except
    // that before 8.6 the rule does not apply, so it still depends on the version.
    let d = project(
        &skip_rule(),
        &[("application.yaml", "zeebe:\n  x:\n    mode: none\n")],
    );
    assert!(messages(d.path(), &[]).is_empty());
    assert_eq!(
        messages(d.path(), &["--camunda-version", "8.8"]),
        ["`zeebe.x.mode` is `none` (on Camunda 8.8, from camunda-version)"]
    );
}

#[test]
fn the_configured_version_settles_it() {
    let d = project(RULE, &[("application.yaml", APP)]);
    assert_eq!(
        messages(d.path(), &["--camunda-version", "8.7"]),
        ["`zeebe.x.mode` is `none` (on Camunda 8.7, from camunda-version)"]
    );
    assert_eq!(
        messages(d.path(), &["--camunda-version", "8.8.2"]),
        ["`zeebe.x.legacy` is not read (on Camunda 8.8.2, from camunda-version)"]
    );
    // Outside the rule's versions: nothing.
    assert!(messages(d.path(), &["--camunda-version", "8.5"]).is_empty());

    std::fs::write(
        d.path().join("camguard.toml"),
        "camunda-version = \"8.6\"\n",
    )
    .unwrap();
    assert_eq!(
        messages(d.path(), &[]),
        ["`zeebe.x.mode` is `none` (on Camunda 8.6, from camunda-version)"]
    );
    // The command line replaces the configuration.
    assert_eq!(
        messages(d.path(), &["--camunda-version", "8.9"]),
        ["`zeebe.x.legacy` is not read (on Camunda 8.9, from camunda-version)"]
    );
}

#[test]
fn a_bad_camunda_version_is_refused_where_it_is_written() {
    let d = project(RULE, &[("application.yaml", APP)]);
    let out = support::camguard_in(d.path())
        .args(["check", ".", "--camunda-version", "latest"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("camunda-version"));
    std::fs::write(
        d.path().join("camguard.toml"),
        "camunda-version = \"9.1\"\n",
    )
    .unwrap();
    let out = support::camguard_in(d.path())
        .args(["check", "."])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("camguard.toml:1"), "{err}");
    assert!(err.contains("invalid camunda-version `9.1`"), "{err}");
}

#[test]
fn images_give_their_version_and_other_tags_stay_unknown() {
    let compose = "services:\n  zeebe:\n    image: camunda/zeebe:8.7.2\n    environment:\n      ZEEBE_X_MODE: none\n      ZEEBE_X_LEGACY: 'true'\n  new:\n    image: camunda/camunda:8.8.0-alpha4\n    environment:\n      ZEEBE_X_LEGACY: 'true'\n  latest:\n    image: camunda/camunda:latest\n    environment:\n      ZEEBE_X_MODE: none\n";
    let d = project(RULE, &[("docker-compose.yaml", compose)]);
    assert_eq!(
        messages(d.path(), &[]),
        [
            "`zeebe.x.legacy` is not read (on Camunda 8.8.0-alpha4, from image `camunda/camunda:8.8.0-alpha4`)",
            "`zeebe.x.mode` is `none` (assuming Camunda 8.6 or later; the version is not known)",
            "`zeebe.x.mode` is `none` (on Camunda 8.7.2, from image `camunda/zeebe:8.7.2`)",
        ]
    );
    // The image wins over the configuration.
    assert_eq!(
        messages(d.path(), &["--camunda-version", "8.9"]).len(),
        3,
        "the configured 8.9 only settles the `latest` service"
    );
}

#[test]
fn a_chart_yaml_beside_the_values_gives_the_chart_version() {
    let rule = RULE
        .replace("products = [\"camunda8\"]", "products = [\"camunda-helm\"]")
        .replace("zeebe.x.mode", "global.x.mode")
        .replace("zeebe.x.legacy", "global.x.legacy");
    let values = "global:\n  identity:\n    auth:\n      enabled: true\n  x:\n    legacy: true\n    mode: none\n";
    let chart = "apiVersion: v2\nname: camunda-platform\nversion: 12.13.3\nappVersion: 8.7.x\n";
    let d = project(
        &rule,
        &[
            ("values.yaml", values),
            ("chart/values.yaml", values),
            ("chart/Chart.yaml", chart),
        ],
    );
    let m = messages(d.path(), &[]);
    assert!(
        m.contains(
            &"`global.x.mode` is `none` (on a chart for Camunda 8.7, from `chart/Chart.yaml` (appVersion 8.7.x))"
                .to_string()
        ),
        "{m:#?}"
    );
    assert!(
        m.contains(
            &"`global.x.legacy` is not read (assuming a chart for Camunda 8.8 or later; the version is not known)"
                .to_string()
        ),
        "{m:#?}"
    );
    assert_eq!(m.len(), 3, "{m:#?}");
}

/// ES001's findings (file, line, message) in a project of shipped rules only.
fn es001(dir: &Path) -> Vec<(String, u64, String)> {
    let out = support::camguard_in(dir)
        .args([
            "check",
            ".",
            "--select",
            "ES001",
            "--format",
            "json",
            "--exit-zero",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut m: Vec<(String, u64, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["location"]["start_line"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    m.sort();
    m
}

/// Audit gap G2: before 8.0 security is off with a basic or trial licence unless
/// `xpack.security.enabled: true` ("If you have a basic or trial license, the default value for
/// this setting is false.", elastic-stack-overview/7.3/get-started-enable-security.html). The
/// image's version reaches the elasticsearch.yml mounted into it; an env_file that may set the
/// key, a version that is not known and 8.x keep it quiet.
#[test]
fn an_elasticsearch_yml_mounted_into_a_7x_image_gets_its_version() {
    let compose = |tag: &str, extra: &str| {
        format!(
            "services:\n  es:\n    image: docker.elastic.co/elasticsearch/elasticsearch:{tag}\n    volumes:\n      - ./elasticsearch.yml:/usr/share/elasticsearch/config/elasticsearch.yml\n{extra}"
        )
    };
    let yml = "cluster.name: docker-cluster\nnetwork.host: 0.0.0.0\n";
    let d = project(
        RULE,
        &[
            ("seven/docker-compose.yaml", &compose("7.17.9", "")),
            ("seven/elasticsearch.yml", yml),
            ("on/docker-compose.yaml", &compose("7.17.9", "")),
            ("on/elasticsearch.yml", "xpack.security.enabled: true\n"),
            (
                "envfile/docker-compose.yaml",
                &compose("7.17.9", "    env_file: es.env\n"),
            ),
            ("envfile/elasticsearch.yml", yml),
            ("envfile/es.env", "xpack.security.enabled=true\n"),
            ("eight/docker-compose.yaml", &compose("8.17.0", "")),
            ("eight/elasticsearch.yml", yml),
            ("unknown/docker-compose.yaml", &compose("${TAG}", "")),
            ("unknown/elasticsearch.yml", yml),
            ("alone/elasticsearch.yml", yml),
        ],
    );
    let m = es001(d.path());
    assert_eq!(m.len(), 1, "{m:#?}");
    let (file, line, message) = &m[0];
    assert!(file.ends_with("seven/docker-compose.yaml"), "{m:#?}");
    assert_eq!(*line, 2);
    assert!(
        message.ends_with(
            "(on Elasticsearch 7.17.9, from image `docker.elastic.co/elasticsearch/elasticsearch:7.17.9`)"
        ),
        "{message}"
    );
}
