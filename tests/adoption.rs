//! Adoption features: configuration discovery, suppressions in every format, expiring
//! ignores, baselines, custom rules and `test-rules`.

mod support;

use std::fs;
use std::path::Path;

use support::camguard_in as camguard;

fn json(dir: &Path, args: &[&str]) -> (serde_json::Value, i32, String) {
    let out = camguard(dir)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        v,
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn codes(v: &serde_json::Value) -> Vec<(String, String, u64)> {
    v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["code"].as_str().unwrap_or("").to_string(),
                        f["path"].as_str().unwrap_or("").to_string(),
                        f["location"]["start_line"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A custom rule that flags any `flag` setting set to true, in every format.
const FLAG_RULE: &str = r###"
code = "TST001"
name = "test-flag"
severity = "high"
products = ["any"]
summary = "A test flag is on"
docs = "https://example.org/test-flag"
explanation = "## How to fix\nTurn it off."
[[check]]
key = "**.flag"
is = true
message = "`{key}` is on"
"###;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn project() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    fs::create_dir(d.path().join(".git")).unwrap();
    write(d.path(), "rules/flag.toml", FLAG_RULE);
    d
}

#[test]
fn custom_rules_fire_in_every_format_and_inline_suppressions_work_in_each() {
    let d = project();
    let p = d.path();
    write(p, "camguard.toml", "rules-dir = [\"rules\"]\n");
    write(p, "a/application.yaml", "x:\n  flag: true\n");
    write(
        p,
        "b/application.yaml",
        "x:\n  # camguard: ignore[TST001] demo only\n  flag: true\n",
    );
    write(
        p,
        "c/application.yaml",
        "x:\n  flag: true # camguard: ignore[test-flag] demo only\n",
    );
    write(
        p,
        "d/application.properties",
        "# camguard: ignore[TST001] demo only\nx.flag=true\ny.flag=true\n",
    );
    write(
        p,
        "e/.env",
        "# camguard: ignore[TST] demo only\nFLAG=true\n",
    );
    write(
        p,
        "f/bpm-platform.xml",
        "<bpm-platform><process-engine name=\"default\"><properties>\n<!-- camguard: ignore[TST001] demo only -->\n<property name=\"flag\">true</property>\n</properties></process-engine></bpm-platform>\n",
    );
    write(
        p,
        "g/application.yaml",
        "# camguard: ignore-file[ALL] generated for the demo\nx:\n  flag: true\n",
    );
    let (v, code, _) = json(p, &["check", "."]);
    let got = codes(&v);
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            ("TST001".to_string(), "a/application.yaml".to_string(), 2),
            (
                "TST001".to_string(),
                "d/application.properties".to_string(),
                3
            ),
        ],
        "{v:#}"
    );
    // The human summary counts what was suppressed.
    let out = camguard(p).args(["check", "."]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("2 findings (2 high), 6 suppressed."),
        "{text}"
    );
    // --no-ignores brings every one back.
    let (v, _, _) = json(p, &["check", ".", "--no-ignores"]);
    assert_eq!(codes(&v).len(), 8, "{v:#}");
}

#[test]
fn closest_configuration_wins_and_stops_at_the_repository_root() {
    let d = project();
    let p = d.path();
    write(p, "camguard.toml", "rules-dir = [\"rules\"]\n");
    write(
        p,
        "sub/.camguard.toml",
        "rules-dir = [\"../rules\"]\nignore = [\"TST001\"]\n",
    );
    write(p, "sub/application.yaml", "x:\n  flag: true\n");
    let (v, _, _) = json(p, &["check", "sub"]);
    assert!(
        codes(&v).is_empty(),
        "sub/.camguard.toml ignores TST001: {v:#}"
    );
    let (v, _, _) = json(p, &["check", "sub", "--isolated", "--rules", "rules"]);
    assert_eq!(codes(&v).len(), 1);
    let (v, _, _) = json(p, &["check", "sub", "--config", "camguard.toml"]);
    assert_eq!(codes(&v).len(), 1);
    // Above the repository root nothing is read.
    let inner = project();
    write(inner.path(), "application.yaml", "a: 1\na: 2\n");
    let (v, _, _) = json(inner.path(), &["check", "."]);
    assert_eq!(codes(&v).len(), 1);
}

#[test]
fn configured_ignores_apply_until_they_expire() {
    let d = project();
    let p = d.path();
    write(p, "dev/application.yaml", "x:\n  flag: true\n");
    write(p, "prod/application.yaml", "x:\n  flag: true\n");
    write(
        p,
        "camguard.toml",
        "rules-dir = [\"rules\"]\n[[ignore]]\nrules = [\"TST001\"]\npath = \"dev/**\"\nreason = \"dev stack\"\n",
    );
    let (v, _, stderr) = json(p, &["check", "."]);
    assert_eq!(
        codes(&v),
        vec![("TST001".into(), "prod/application.yaml".into(), 2)]
    );
    assert!(stderr.is_empty(), "{stderr}");
    write(
        p,
        "camguard.toml",
        "rules-dir = [\"rules\"]\n[[ignore]]\nrules = [\"TST001\"]\npath = \"dev/**\"\nreason = \"dev stack\"\nexpires = 2001-01-01\n",
    );
    let (v, _, stderr) = json(p, &["check", "."]);
    assert_eq!(codes(&v).len(), 2, "an expired ignore no longer applies");
    assert!(stderr.contains("expired on 2001-01-01"), "{stderr}");
    // SARIF carries suppressed findings only on request, marked as external.
    write(
        p,
        "camguard.toml",
        "rules-dir = [\"rules\"]\n[[ignore]]\nrules = [\"TST001\"]\npath = \"dev/**\"\nreason = \"dev stack\"\n",
    );
    let out = camguard(p)
        .args(["check", ".", "--format", "sarif", "--include-suppressed"])
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let sup: Vec<_> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(sup.len(), 1);
    assert_eq!(sup[0]["suppressions"][0]["kind"], "external");
    assert_eq!(sup[0]["suppressions"][0]["justification"], "dev stack");
}

#[test]
fn unused_and_reasonless_suppressions_are_reported() {
    let d = project();
    let p = d.path();
    write(
        p,
        "application.yaml",
        "x:\n  # camguard: ignore[CG001] nothing is duplicated here\n  a: 1\n  b: 1\n  # camguard: ignore[CG001]\n  b: 2\n",
    );
    let (v, _, _) = json(p, &["check", "."]);
    let got: Vec<(String, u64)> = codes(&v).into_iter().map(|(c, _, l)| (c, l)).collect();
    assert_eq!(
        got,
        vec![
            ("CG003".into(), 2),
            ("CG002".into(), 5),
            ("CG001".into(), 6)
        ],
        "{v:#}"
    );
    write(p, "camguard.toml", "require-reason = false\n");
    let (v, _, _) = json(p, &["check", "."]);
    let got: Vec<String> = codes(&v).into_iter().map(|(c, _, _)| c).collect();
    assert_eq!(got, vec!["CG003".to_string()]);
}

#[test]
fn baseline_round_trip() {
    let d = project();
    let p = d.path();
    write(p, "camguard.toml", "rules-dir = [\"rules\"]\n");
    write(
        p,
        "application.yaml",
        "x:\n  flag: true\ny:\n  flag: true\n",
    );
    let out = camguard(p)
        .args(["check", ".", "--write-baseline", "baseline.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let baseline = fs::read_to_string(p.join("baseline.json")).unwrap();
    assert!(
        !baseline.contains("\"line"),
        "no line numbers in a baseline: {baseline}"
    );
    // Edit unrelated lines: still nothing new.
    write(
        p,
        "application.yaml",
        "# a comment\nother: 1\nx:\n  flag: true\ny:\n  flag: true\n",
    );
    let (v, code, _) = json(p, &["check", ".", "--baseline", "baseline.json"]);
    assert!(codes(&v).is_empty(), "{v:#}");
    assert_eq!(code, 0);
    // A new insecure setting: exactly one new finding.
    write(
        p,
        "application.yaml",
        "# a comment\nother: 1\nx:\n  flag: true\ny:\n  flag: true\nz:\n  flag: true\n",
    );
    let (v, code, _) = json(p, &["check", ".", "--baseline", "baseline.json"]);
    assert_eq!(
        codes(&v),
        vec![("TST001".into(), "application.yaml".into(), 8)]
    );
    assert_eq!(code, 1);
    // A fixed one is reported so the baseline can shrink.
    write(p, "application.yaml", "x:\n  flag: true\n");
    let (_, _, stderr) = json(p, &["check", ".", "--baseline", "baseline.json"]);
    assert!(stderr.contains("no longer matches (fixed)"), "{stderr}");
}

#[test]
fn test_rules_runs_custom_rules_against_annotated_fixtures() {
    let d = project();
    let p = d.path();
    write(
        p,
        "rules/fixtures/application.yaml",
        "x:\n  # expect: TST001\n  flag: true\n  other: false\n",
    );
    let out = camguard(p).args(["test-rules", "rules"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("1 passed, 0 failed"), "{text}");
    write(
        p,
        "rules/fixtures/application.yaml",
        "x:\n  flag: true\n  # expect: TST001\n  other: false\n",
    );
    let out = camguard(p).args(["test-rules", "rules"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("expected TST001 on line 4"), "{text}");
}

#[test]
fn errors_in_configuration_and_rule_files_point_at_the_span() {
    let d = project();
    let p = d.path();
    write(p, "camguard.toml", "fail-on = \"urgent\"\n");
    let out = camguard(p).args(["check", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("camguard.toml:1:11"), "{err}");
    assert!(err.contains("expected one of"), "{err}");
    write(p, "camguard.toml", "rules-dir = [\"rules\"]\n");
    write(
        p,
        "rules/flag.toml",
        &FLAG_RULE.replace("is = true", "is = true\nmatches = \"x\""),
    );
    let out = camguard(p).args(["check", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("flag.toml:12:11"), "{err}");
    assert!(err.contains("only one condition"), "{err}");
}

#[test]
fn show_config_and_show_files() {
    let d = project();
    let p = d.path();
    write(
        p,
        "camguard.toml",
        "fail-on = \"high\"\nexclude = [\"skip/**\"]\n[[kind]]\nglob = \"deploy/*.yml\"\nkind = \"compose\"\n",
    );
    write(
        p,
        "deploy/stack.yml",
        "services:\n  es:\n    image: elasticsearch:8\n",
    );
    write(p, "skip/application.yaml", "a: 1\n");
    write(p, "application.yaml", "a: 1\n");
    let out = camguard(p)
        .args(["check", ".", "--show-config"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("fail-on = \"high\""), "{text}");
    assert!(text.contains("exclude = [\"skip/**\"]"), "{text}");
    let out = camguard(p)
        .args(["check", ".", "--show-files"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text,
        "application.yaml\tspring\ndeploy/stack.yml\tcompose\n"
    );
}

#[test]
fn kind_globs_classify_files_whatever_their_name() {
    let d = project();
    let p = d.path();
    // Neither name nor content makes these configuration files camguard would read.
    write(
        p,
        "ops/orchestration.conf",
        "camunda.security.authentication.unprotected-api=true\n",
    );
    write(
        p,
        "ops/gateway.txt",
        "camunda:\n  security:\n    authentication:\n      unprotected-api: true\n",
    );
    let unmapped = camguard(p)
        .args(["check", ".", "--show-files"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&unmapped.stdout), "");
    write(
        p,
        "camguard.toml",
        "[[kind]]\nglob = \"ops/*.conf\"\nkind = \"properties\"\n\n[[kind]]\nglob = \"ops/*.txt\"\nkind = \"spring\"\n",
    );
    let files = camguard(p)
        .args(["check", ".", "--show-files"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&files.stdout),
        "ops/gateway.txt\tspring\nops/orchestration.conf\tproperties\n"
    );
    // Relative to the configuration file, wherever camguard is started.
    let out = camguard(&p.join("ops"))
        .args(["check", ".", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["C8001", "C8001"], "{v}");
}
