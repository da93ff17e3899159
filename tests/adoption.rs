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
fn a_nested_repository_is_outside_the_outer_configuration() {
    let d = project();
    let p = d.path();
    write(p, "camguard.toml", "ignore = [\"CG001\"]\n");
    write(p, "app/deep/application.yaml", "a: 1\na: 2\n");
    // A vendored repository: the outer configuration stops at its `.git`, however deep
    // the file below it.
    fs::create_dir_all(p.join("vendor/lib/.git")).unwrap();
    write(p, "vendor/lib/app/deep/application.yaml", "a: 1\na: 2\n");
    write(p, "vendor/lib/application.yaml", "a: 1\na: 2\n");
    let (v, _, _) = json(p, &["check", "."]);
    assert_eq!(
        codes(&v),
        vec![
            (
                "CG001".into(),
                "vendor/lib/app/deep/application.yaml".into(),
                2
            ),
            ("CG001".into(), "vendor/lib/application.yaml".into(), 2),
        ],
        "{v:#}"
    );
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

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn configuration_paths_and_unused_ignores_do_not_depend_on_where_camguard_starts() {
    let d = project();
    let p = d.path();
    write(
        p,
        "camguard.toml",
        "rules-dir = [\"rules\"]\nexclude = [\"vendor/**\"]\n\n[[ignore]]\nrules = [\"TST001\"]\npath = \"deploy/**\"\nreason = \"reviewed\"\n\n[[ignore]]\nrules = [\"TST001\"]\npath = \"legacy/**\"\nreason = \"reviewed\"\n",
    );
    for dir in ["deploy", "legacy", "vendor", "prod"] {
        write(p, &format!("{dir}/application.yaml"), "x:\n  flag: true\n");
    }
    // From the root: deploy/ and legacy/ are ignored, vendor/ excluded.
    let (v, _, stderr) = json(p, &["check", "."]);
    assert_eq!(
        codes(&v),
        vec![("TST001".into(), "prod/application.yaml".into(), 2)]
    );
    assert!(stderr.is_empty(), "{stderr}");
    // From a subdirectory, and from outside the repository: the same files are set
    // aside, and the ignore of legacy/** is not called unused, since legacy/ was not
    // scanned.
    let (v, _, stderr) = json(&p.join("deploy"), &["check", "."]);
    assert!(codes(&v).is_empty(), "{v:#}");
    assert!(!stderr.contains("matched no finding"), "{stderr}");
    let parent = p.parent().unwrap();
    let name = p.file_name().unwrap().to_str().unwrap();
    let (v, _, stderr) = json(parent, &["check", &format!("{name}/deploy"), name]);
    assert_eq!(
        codes(&v),
        vec![("TST001".into(), format!("{name}/prod/application.yaml"), 2)]
    );
    assert!(!stderr.contains("matched no finding"), "{stderr}");
    // An ignore whose files were scanned but matched nothing is still reported.
    fs::remove_file(p.join("legacy/application.yaml")).unwrap();
    write(p, "legacy/application.yaml", "x:\n  flag: false\n");
    let (_, _, stderr) = json(&p.join("legacy"), &["check", "."]);
    assert!(
        stderr.contains("the ignore of TST001 in `legacy/**` matched no finding"),
        "{stderr}"
    );
}

#[test]
fn baseline_entries_are_relative_to_the_repository_and_fixed_only_when_scanned() {
    let d = project();
    let p = d.path();
    write(p, "camguard.toml", "rules-dir = [\"rules\"]\n");
    write(p, "a/application.yaml", "x:\n  flag: true\n");
    write(p, "b/application.yaml", "x:\n  flag: true\n");
    let out = camguard(&p.join("a"))
        .args([
            "check",
            "..",
            "--write-baseline",
            "../camguard-baseline.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let baseline = fs::read_to_string(p.join("camguard-baseline.json")).unwrap();
    assert!(baseline.contains("\"a/application.yaml\""), "{baseline}");
    // From the root, a subdirectory and outside the repository: nothing new.
    let parent = p.parent().unwrap();
    let name = p.file_name().unwrap().to_str().unwrap();
    let base_from_parent = format!("{name}/camguard-baseline.json");
    for (dir, args) in [
        (
            p.to_path_buf(),
            vec!["check", ".", "--baseline", "camguard-baseline.json"],
        ),
        (
            p.join("b"),
            vec!["check", ".", "--baseline", "../camguard-baseline.json"],
        ),
        (
            parent.to_path_buf(),
            vec!["check", name, "--baseline", &base_from_parent],
        ),
    ] {
        let (v, code, stderr) = json(&dir, &args);
        assert!(codes(&v).is_empty(), "{}: {v:#}", dir.display());
        assert_eq!(code, 0);
        // Scanning b/ alone does not call a/'s entry fixed.
        assert!(!stderr.contains("fixed"), "{}: {stderr}", dir.display());
    }
    // A fixed entry of a scanned file is reported.
    write(p, "b/application.yaml", "x:\n  flag: false\n");
    let (_, _, stderr) = json(
        &p.join("b"),
        &["check", ".", "--baseline", "../camguard-baseline.json"],
    );
    assert!(
        stderr.contains("TST001 b/application.yaml `x.flag` no longer matches (fixed)"),
        "{stderr}"
    );
}

#[test]
fn the_closest_configuration_applies_to_each_file_whatever_the_argument_order() {
    let d = project();
    let p = d.path();
    write(
        p,
        "a/camguard.toml",
        "rules-dir = [\"../rules\"]\nignore = [\"TST001\"]\n",
    );
    write(
        p,
        "b/camguard.toml",
        "rules-dir = [\"../rules\"]\nfail-on = \"critical\"\n",
    );
    write(p, "a/application.yaml", "x:\n  flag: true\n");
    write(p, "b/application.yaml", "x:\n  flag: true\n");
    let expected = vec![("TST001".to_string(), "b/application.yaml".to_string(), 2)];
    for args in [
        vec!["check", "a", "b"],
        vec!["check", "b", "a"],
        vec!["check", "b/application.yaml", "a/application.yaml"],
    ] {
        let (v, code, stderr) = json(p, &args);
        assert_eq!(codes(&v), expected, "{args:?}: {v:#} {stderr}");
        // b's gate is critical: its high finding does not fail the run.
        assert_eq!(code, 0, "{args:?}");
    }
    // From the root, which has no configuration of its own, TST001 is unknown: a's and
    // b's configurations still apply to their files.
    let (v, code, _) = json(p, &["check", "."]);
    assert_eq!(codes(&v), expected);
    assert_eq!(code, 0);
    // --fail-on on the command line applies to every file.
    let (_, code, _) = json(p, &["check", ".", "--fail-on", "high"]);
    assert_eq!(code, 1);
}

#[test]
fn force_exclude_applies_excludes_to_named_files() {
    let d = project();
    let p = d.path();
    write(p, "camguard.toml", "exclude = [\"tests/**\"]\n");
    write(p, "tests/application.yaml", "a: 1\na: 2\n");
    let (v, code, _) = json(p, &["check", "tests/application.yaml"]);
    assert_eq!(codes(&v).len(), 1, "named files are scanned by default");
    assert_eq!(code, 1);
    let (v, code, _) = json(p, &["check", "--force-exclude", "tests/application.yaml"]);
    assert!(codes(&v).is_empty(), "{v:#}");
    assert_eq!(code, 0);
    // The pre-commit hook, which names every file, passes it.
    let hooks =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"))
            .unwrap();
    assert!(
        hooks.lines().any(|l| l.trim() == "args: [--force-exclude]"),
        "{hooks}"
    );
}

#[test]
fn helm_chart_templates_are_skipped_with_one_note_and_values_are_chart_values() {
    let d = project();
    let p = d.path();
    write(
        p,
        "chart/Chart.yaml",
        "apiVersion: v2\nname: mychart\nversion: 0.1.0\n",
    );
    write(
        p,
        "chart/values.yaml",
        "identity:\n  enabled: true\n  firstUser:\n    password: demo\n",
    );
    let template = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    {{- include \"mychart.labels\" . | nindent 4 }}\n";
    write(p, "chart/templates/deployment.yaml", template);
    write(p, "chart/templates/sub/service.yaml", template);
    let out = camguard(p)
        .args(["check", ".", "--show-files"])
        .output()
        .unwrap();
    let files = String::from_utf8_lossy(&out.stdout);
    assert_eq!(files, "chart/values.yaml\thelm-values\n");
    let out = camguard(p)
        .args(["check", ".", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v:#}");
    let stderr = stderr_of(&out);
    assert_eq!(stderr.matches("note:").count(), 1, "{stderr}");
    assert!(
        stderr.contains("chart/templates: 2 Helm template files skipped")
            && stderr.contains("helm template chart | camguard check - --kind k8s"),
        "{stderr}"
    );
    // Named on the command line (as pre-commit does), a template is skipped too.
    let out = camguard(p)
        .args(["check", "chart/templates/deployment.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

#[test]
fn rules_and_explain_see_custom_rules_and_a_directory_named_twice_is_one() {
    let d = project();
    let p = d.path();
    write(p, "camguard.toml", "rules-dir = [\"rules\"]\n");
    let out = camguard(p).args(["rules"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("TST001"));
    let out = camguard(p).args(["explain", "TST001"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("TST001 test-flag (high)"));
    let out = camguard(p)
        .args(["explain", "test-flag", "--isolated", "--rules", "rules"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let out = camguard(p)
        .args(["explain", "TST001", "--isolated"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    write(p, "application.yaml", "x:\n  flag: true\n");
    let (v, code, stderr) = json(
        p,
        &[
            "check",
            "application.yaml",
            "--rules",
            "rules",
            "--rules",
            "./rules/",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(codes(&v).len(), 1, "{v:#}");
}

#[test]
fn test_rules_fails_a_fixture_whose_product_is_not_detected() {
    let d = project();
    let p = d.path();
    write(
        p,
        "rules/c7.toml",
        &FLAG_RULE
            .replace("TST001", "TST007")
            .replace("test-flag", "test-c7-flag")
            .replace("products = [\"any\"]", "products = [\"camunda7\"]"),
    );
    write(
        p,
        "rules/fixtures/application.yaml",
        "x:\n  # expect: TST001\n  flag: true\n",
    );
    write(
        p,
        "rules/fixtures/c7/application.yaml",
        "camunda.bpm:\n  # expect: TST001, TST007\n  flag: true\n",
    );
    let out = camguard(p).args(["test-rules", "rules"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // `root: trace` is not Camunda 7 configuration: the rule never runs there, so an
    // `ok` annotation for it proves nothing and fails.
    write(
        p,
        "rules/fixtures/vacuous/application.yaml",
        "root:\n  # ok: TST007\n  flag: trace\n",
    );
    let out = camguard(p).args(["test-rules", "rules"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("TST007 applies to camunda7, but camguard detected no product"),
        "{text}"
    );
}

#[test]
fn show_config_prints_toml_that_camguard_reads_back() {
    let d = project();
    let p = d.path();
    let text = "select = [\"ALL\"]\nignore = [\"C8003\"]\nfail-on = \"high\"\nexclude = [\"tests/**\"]\nrules-dir = [\"rules\"]\nmax-file-size = \"1MiB\"\n\n[severity]\nCG001 = \"medium\"\n\n[[kind]]\nglob = \"deploy/*.yml\"\nkind = \"compose\"\n\n[[kind]]\nimage = \"registry.local/camunda-*\"\nproduct = \"camunda8\"\n";
    write(p, "camguard.toml", text);
    // A configuration may hold only one form of `ignore`: check the tables separately.
    write(
        p,
        "tables/camguard.toml",
        "[[ignore]]\nrules = [\"C8001\"]\npath = \"local-dev/**\"\nkey = \"camunda.security.authentication.unprotected-api\"\nreason = \"local \\\"dev\\\" stack\"\nexpires = 2027-03-31\n",
    );
    for (dir, ignores) in [(p.to_path_buf(), 0), (p.join("tables"), 1)] {
        let out = camguard(&dir)
            .args(["check", "--show-config"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        let shown = String::from_utf8(out.stdout).unwrap();
        let c = camguard::config::parse(Path::new("shown.toml"), &shown)
            .unwrap_or_else(|e| panic!("--show-config is not accepted back: {e:?}\n{shown}"));
        assert_eq!(c.ignores.len(), ignores, "{shown}");
        if ignores == 0 {
            assert_eq!(c.fail_on, Some(camguard::model::rule::Severity::High));
            assert_eq!(c.ignore.len(), 1);
            assert_eq!(c.kinds.len(), 2);
            assert_eq!(c.severity.len(), 1);
            assert_eq!(c.max_file_size, Some(1 << 20));
            assert!(c.excluded("tests/a.yaml"));
        } else {
            assert_eq!(c.ignores[0].reason, "local \"dev\" stack");
            assert_eq!(c.ignores[0].expires.as_deref(), Some("2027-03-31"));
        }
    }
}
