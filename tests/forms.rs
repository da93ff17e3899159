//! A rule fires on one canonical key whatever form wrote it. For every declarative check
//! with a plain key and an `is` / `one-of` condition, this test writes the violating
//! value in several forms (nested YAML, a flattened dotted key, `.properties`, a compose
//! environment variable, a Kubernetes container env entry, ...) and requires a finding
//! of the rule in each.

use std::path::Path;

use camguard::model::settings::Product;
use camguard::rules::{Condition, Literal, RuleSet};
use camguard::scan::{ScanOptions, scan};

fn literal_text(l: &Literal) -> String {
    match l {
        Literal::Bool(b) => b.to_string(),
        Literal::Number(n) if n.fract() == 0.0 => format!("{}", *n as i64),
        Literal::Number(n) => n.to_string(),
        Literal::Str(s) => s.clone(),
        Literal::Null => String::new(),
    }
}

/// Nested YAML for a dotted key.
fn nested_yaml(key: &str, value: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        out.push_str(&"  ".repeat(i));
        out.push_str(p);
        out.push(':');
        if i + 1 == parts.len() {
            out.push_str(&format!(" \"{value}\"\n"));
        } else {
            out.push('\n');
        }
    }
    out
}

fn env_name(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '-')
        .map(|c| {
            if c == '.' {
                '_'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

fn fires(dir: &Path, rel: &str, text: &str, code: &str, rules: &RuleSet) -> bool {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    let report = scan(
        &ScanOptions {
            paths: vec![path.clone()],
            ..ScanOptions::default()
        },
        rules,
    );
    std::fs::remove_file(&path).unwrap();
    report.findings.iter().any(|f| f.rule.code == code)
}

#[test]
fn every_plain_check_fires_in_every_form() {
    let rules = RuleSet::shipped();
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut tested = 0;
    for rule in &rules.rules {
        for check in rule.checks() {
            if check.key.has_wildcards() || !check.when.is_empty() {
                continue;
            }
            let value = match &check.condition {
                Condition::Is(l) => literal_text(l),
                Condition::OneOf(ls) if !ls.is_empty() => literal_text(&ls[0]),
                _ => continue,
            };
            let key = check.key.raw.as_str();
            let mut forms: Vec<(String, String)> = Vec::new();
            let applies = |p: Product| {
                rule.applies
                    .iter()
                    .any(|a| matches!(a, camguard::rules::Applies::Product(x) if *x == p))
            };
            if applies(Product::Camunda8)
                || applies(Product::Camunda7)
                || applies(Product::Camunda7Run)
            {
                let run = applies(Product::Camunda7Run);
                let (marker, image) = if applies(Product::Camunda8) {
                    ("camunda.system.cpu-thread-count", "camunda/camunda:8.8.0")
                } else if run {
                    (
                        "camunda.bpm.run.deployment.deploy-changed-only",
                        "camunda/camunda-bpm-platform:run-7.23.0",
                    )
                } else {
                    (
                        "camunda.bpm.job-execution.enabled",
                        "camunda/camunda-bpm-platform:run-7.23.0",
                    )
                };
                let yaml_name = if run {
                    "configuration/default.yml"
                } else {
                    "application.yaml"
                };
                forms.push((
                    yaml_name.into(),
                    format!(
                        "{}{}",
                        nested_yaml(marker, "true"),
                        nested_yaml(key, &value)
                    ),
                ));
                forms.push((
                    yaml_name.into(),
                    format!("{marker}: true\n{key}: \"{value}\"\n"),
                ));
                if !run {
                    forms.push((
                        "application.properties".into(),
                        format!("{marker}=true\n{key}={value}\n"),
                    ));
                }
                forms.push((
                    "docker-compose.yml".into(),
                    format!("services:\n  app:\n    image: {image}\n    environment:\n      - {}={value}\n", env_name(key)),
                ));
                forms.push((
                    "deploy.yaml".into(),
                    format!(
                        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: {image}\n          env:\n            - name: {}\n              value: \"{value}\"\n",
                        env_name(key)
                    ),
                ));
            } else if applies(Product::Elasticsearch) || applies(Product::Opensearch) {
                let (file, image) = if applies(Product::Elasticsearch) {
                    (
                        "elasticsearch.yml",
                        "docker.elastic.co/elasticsearch/elasticsearch:8.17.10",
                    )
                } else {
                    ("opensearch.yml", "opensearchproject/opensearch:2")
                };
                forms.push((file.into(), nested_yaml(key, &value)));
                forms.push((file.into(), format!("{key}: {value}\n")));
                forms.push((
                    "docker-compose.yml".into(),
                    format!("services:\n  store:\n    image: {image}\n    environment:\n      - {key}={value}\n"),
                ));
            } else if applies(Product::Optimize) {
                forms.push(("environment-config.yaml".into(), nested_yaml(key, &value)));
                forms.push((
                    "environment-config.yaml".into(),
                    format!(
                        "{}\n",
                        nested_yaml(key, &value)
                            .replace(": \"", ": ")
                            .replace("\"\n", "\n")
                    ),
                ));
            } else if applies(Product::CamundaHelm) {
                forms.push((
                    "values.yaml".into(),
                    format!("global:\n  identity: {{}}\n{}", nested_yaml(key, &value)),
                ));
            } else {
                continue;
            }
            for (rel, text) in forms {
                tested += 1;
                if !fires(dir.path(), &rel, &text, &rule.code, &rules) {
                    failures.push(format!(
                        "{} `{key}` = {value:?} did not fire in {rel}:\n{text}",
                        rule.code
                    ));
                }
            }
        }
    }
    assert!(tested > 0);
    assert!(
        failures.is_empty(),
        "{} form(s) missed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
