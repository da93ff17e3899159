//! Deployments, not files (issue 14): camguard judges the configuration each process really
//! gets. Every layering rule of docs/deployments.md has a pair of fixtures under
//! `fixtures/deployments/`: insecure only through the layering (a scan of each file on its
//! own misses the finding) and secure only through the layering (a scan of each file on its
//! own reports one that the deployment does not). Expected findings are the `# expect:` /
//! `# ok:` annotations of the fixtures, as for the rule fixtures.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use camguard::analyze::{Context, analyze};
use camguard::discover;
use camguard::model::finding::Finding;
use camguard::model::problem::ProblemKind;
use camguard::rule_test::{expectations, files_below, oks};
use camguard::rules::RuleSet;
use camguard::rules::eval;
use camguard::scan::{ScanOptions, scan};
use camguard::source::SourceFile;

/// Relative to the package root, where cargo runs integration tests (env_file paths of
/// compose files are not followed when absolute).
fn root() -> PathBuf {
    PathBuf::from("fixtures/deployments")
}

fn rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(RuleSet::shipped)
}

fn findings(paths: Vec<PathBuf>) -> Vec<Finding> {
    findings_allowing(paths, &[])
}

/// The findings; every file problem fails the test except those of `allowed` kinds.
fn findings_allowing(paths: Vec<PathBuf>, allowed: &[ProblemKind]) -> Vec<Finding> {
    let opts = ScanOptions {
        paths,
        ..ScanOptions::default()
    };
    let report = scan(&opts, rules());
    let errors: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.kind.is_error() && !allowed.contains(&p.kind))
        .map(|p| format!("{}: {}", p.path, p.message))
        .collect();
    assert!(errors.is_empty(), "problems: {errors:#?}");
    report.findings
}

/// The findings of each component of one file, evaluated on its own.
fn components_alone(path: &Path) -> Vec<Finding> {
    let text = std::fs::read_to_string(path).unwrap();
    let Some(kind) = discover::classify_name(path).or_else(|| discover::sniff(&text)) else {
        return Vec::new();
    };
    let file = SourceFile::new(path.to_path_buf(), text);
    let a = analyze(file, kind, &Context::default());
    a.components
        .iter()
        .flat_map(|c| eval::evaluate(rules(), c))
        .collect()
}

/// (file name, line, code)
type Hit = (String, usize, String);

fn hit(f: &Finding) -> Hit {
    let name = f
        .file
        .path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    (
        name,
        f.file.text.position(f.span.start).line,
        f.rule.code.clone(),
    )
}

fn hits(found: &[Finding], codes: &[&str]) -> BTreeSet<Hit> {
    found
        .iter()
        .filter(|f| codes.contains(&f.rule.code.as_str()))
        .map(hit)
        .collect()
}

/// The annotations of every file of a case: (expected, marked ok).
fn annotated(dir: &Path, codes: &[&str]) -> (BTreeSet<Hit>, BTreeSet<Hit>) {
    let mut expect = BTreeSet::new();
    let mut ok = BTreeSet::new();
    for f in files_below(dir) {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        for (line, code) in expectations(&text) {
            if codes.contains(&code.as_str()) {
                expect.insert((name.clone(), line, code));
            }
        }
        for (line, code) in oks(&text) {
            ok.insert((name.clone(), line, code));
        }
    }
    (expect, ok)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layering {
    /// Insecure only through the layering: file by file, an expected finding is missed.
    Insecure,
    /// Secure only through the layering: file by file, a finding of the code is reported.
    Secure,
    /// Evaluating each component on its own, as camguard did before deployments, misses an
    /// expected finding; the layering is within one file (Kubernetes `$(VAR)`, Spring
    /// documents) or with a file that is read, not scanned (a chart's defaults).
    InsecureBefore,
    /// Evaluating each component on its own, as before deployments, reports a finding.
    SecureBefore,
    /// Neither: the case shows where a finding points or that none is invented.
    Placement,
}

/// Check one case directory for these rule codes.
#[track_caller]
fn case(rel: &str, codes: &[&str], layering: Layering) {
    let dir = root().join(rel);
    let (expect, ok) = annotated(&dir, codes);
    let together = findings(vec![dir.clone()]);
    let got = hits(&together, codes);
    assert_eq!(
        got, expect,
        "{rel}: findings of {codes:?} (left) differ from the annotations (right)"
    );
    for h in &ok {
        assert!(!got.contains(h), "{rel}: {h:?} is marked ok but fired");
    }
    // File by file: each component of each file evaluated as camguard did before it
    // assembled deployments, and (across files) each file scanned alone.
    let before: BTreeSet<Hit> = files_below(&dir)
        .into_iter()
        .flat_map(|f| hits(&components_alone(&f), codes))
        .collect();
    let mut alone = before.clone();
    for f in files_below(&dir) {
        alone.extend(hits(&findings(vec![f]), codes));
    }
    match layering {
        Layering::InsecureBefore => {
            assert!(
                !expect.is_empty(),
                "{rel}: an insecure case needs an expectation"
            );
            assert!(
                !expect.is_subset(&before),
                "{rel}: found before deployments too: {before:?}"
            );
        }
        Layering::SecureBefore => {
            assert!(expect.is_empty(), "{rel}: a secure case expects nothing");
            assert!(
                !before.is_empty(),
                "{rel}: nothing found before deployments either"
            );
        }
        Layering::Insecure => {
            assert!(
                !expect.is_empty(),
                "{rel}: an insecure case needs an expectation"
            );
            assert!(
                !expect.is_subset(&alone),
                "{rel}: file by file finds {alone:?} already; the case does not need the layering"
            );
        }
        Layering::Secure => {
            assert!(expect.is_empty(), "{rel}: a secure case expects nothing");
            assert!(
                !alone.is_empty(),
                "{rel}: file by file finds nothing either; the case does not need the layering"
            );
        }
        Layering::Placement => {}
    }
}

#[test]
fn spring_properties_take_precedence_over_yaml() {
    case(
        "spring/properties-over-yaml-insecure",
        &["C7001"],
        Layering::Insecure,
    );
    case(
        "spring/properties-over-yaml-secure",
        &["C8001"],
        Layering::Secure,
    );
}

#[test]
fn spring_profile_files_override_the_base() {
    case("spring/profile-insecure", &["C7001"], Layering::Insecure);
    case("spring/profile-secure", &["C8001"], Layering::Secure);
}

#[test]
fn spring_on_profile_documents_apply_only_with_their_profile() {
    // One file: the pair shows the document rules rather than a layering of files.
    case(
        "spring/on-profile-insecure",
        &["C8001"],
        Layering::Placement,
    );
    case("spring/on-profile-secure", &["C8001"], Layering::Placement);
}

#[test]
fn an_overlay_is_judged_only_on_what_it_sets() {
    let absent = ["C7003", "C7007", "C7013", "C7017"];
    case("spring/overlay-complete-base", &absent, Layering::Placement);
    case(
        "spring/overlay-incomplete-base",
        &["C7003"],
        Layering::Placement,
    );
    case(
        "spring/overlay-without-base",
        &["C7001", "C7003", "C7013", "C7017"],
        Layering::Placement,
    );
}

/// Is this a Spring Boot profile file (`application-{profile}.*`)?
fn is_overlay(f: &Finding) -> bool {
    let name = f
        .file
        .path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_ascii_lowercase();
    name.starts_with("application-")
        && [".yaml", ".yml", ".properties"]
            .iter()
            .any(|e| name.ends_with(e))
}

#[test]
fn no_absent_key_finding_on_an_overlay_in_the_corpus_or_the_fixtures() {
    // The published compose files name env_files their repositories do not publish.
    let found = findings_allowing(
        vec![PathBuf::from("tests/corpus"), PathBuf::from("fixtures")],
        &[ProblemKind::MissingReference],
    );
    assert!(
        found.iter().any(|f| f.label.contains("is not set here")),
        "no absent-key finding at all"
    );
    let on_overlays: Vec<String> = found
        .iter()
        .filter(|f| f.label.contains("is not set here") && is_overlay(f))
        .map(|f| format!("{} {}: {}", f.rule.code, f.path(), f.message))
        .collect();
    assert!(
        on_overlays.is_empty(),
        "absent-key findings on profile overlays:\n{}",
        on_overlays.join("\n")
    );
}

#[test]
fn compose_interpolation_from_the_env_file_beside_it() {
    use Layering::*;
    for (dir, code, l) in [
        ("var-insecure", "C8001", Insecure),
        ("var-secure", "C7002", Secure),
        ("default-empty-insecure", "C8001", Insecure),
        ("default-empty-secure", "C8001", Secure),
        ("default-unset-insecure", "C7002", Insecure),
        ("default-unset-secure", "C8001", Secure),
        ("required-insecure", "C8001", Insecure),
        ("required-secure", "C7002", Secure),
        ("required-unset-insecure", "C8001", Insecure),
        ("required-unset-secure", "C7002", Secure),
        ("replace-insecure", "C8001", Insecure),
        ("replace-secure", "C8011", Secure),
        ("escaped-dollar", "C8001", Placement),
        ("dotenv-unused", "C8001", Placement),
        ("pass-through-insecure", "C8001", Insecure),
    ] {
        case(&format!("compose/{dir}"), &[code], l);
    }
}

#[test]
fn compose_env_files_environment_and_override_files() {
    case(
        "compose/env-file-order-secure",
        &["C8001"],
        Layering::Secure,
    );
    // File by file flags the winning value too, and the overridden one as well (see the
    // secure case): here the deployment reports the winner only.
    case(
        "compose/env-file-order-insecure",
        &["C8001"],
        Layering::Placement,
    );
    case(
        "compose/environment-over-env-file-secure",
        &["C7001"],
        Layering::Secure,
    );
    case("compose/override-insecure", &["ES001"], Layering::Insecure);
    case("compose/override-secure", &["C8001"], Layering::Secure);
}

#[test]
fn a_value_from_env_points_at_the_env_line_and_relates_the_compose_line() {
    let found = findings(vec![root().join("compose/var-insecure")]);
    let f = found
        .iter()
        .find(|f| f.rule.code == "C8001")
        .expect("C8001");
    assert_eq!(f.file.path.file_name().unwrap(), ".env");
    assert_eq!(f.file.text.slice(f.span), "true");
    let r = &f.related[0];
    assert!(r.file.display_path().ends_with("docker-compose.yaml"));
    assert_eq!(r.file.text.slice(r.span), "${UNPROT}");
    assert!(
        r.label.contains("takes `${UNPROT}` from .env"),
        "{}",
        r.label
    );
}

#[test]
fn an_unresolved_variable_is_judged_by_the_default_and_says_what_it_depends_on() {
    case("compose/unknown-variable", &["C7002"], Layering::Placement);
    let found = findings(vec![root().join("compose/unknown-variable")]);
    let f = found
        .iter()
        .find(|f| f.rule.code == "C7002")
        .expect("C7002");
    assert!(
        f.message.contains("depends on `${RUN_AUTH}`"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("assumes the default `false`"),
        "{}",
        f.message
    );
}

#[test]
fn kubernetes_env_from_value_from_and_expansion() {
    use Layering::*;
    for (dir, code, l) in [
        ("env-from-insecure", "C8001", Insecure),
        ("env-from-prefix-insecure", "C8001", Insecure),
        ("env-over-env-from", "C8001", Placement),
        ("env-over-env-from", "C8002", Placement),
        ("config-map-key-insecure", "C8001", Insecure),
        ("secret-key-insecure", "C8004", Insecure),
        ("secret-key-secure", "C7002", Secure),
        ("string-data-insecure", "C8004", InsecureBefore),
        ("string-data-secure", "C8004", Placement),
        ("expansion-insecure", "C8001", InsecureBefore),
        ("expansion-secure", "C8009", SecureBefore),
        ("expansion-literal", "C8001", Placement),
        ("expansion-literal", "C8002", Placement),
        ("missing-secret", "C7002", Placement),
    ] {
        case(&format!("k8s/{dir}"), &[code], l);
    }
}

#[test]
fn a_secret_value_is_masked_and_an_absent_secret_is_named() {
    let found = findings(vec![root().join("k8s/missing-secret")]);
    let f = found
        .iter()
        .find(|f| f.rule.code == "C7002")
        .expect("C7002");
    assert!(
        f.message
            .contains("key `auth` of Secret `not-in-the-tree`, which is not in the scanned tree"),
        "{}",
        f.message
    );
    let out = support::camguard()
        .args([
            "check",
            "fixtures/deployments/k8s/secret-key-insecure",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("C8004"), "{text}");
    assert!(
        !text.contains("ZGVtbw=="),
        "the Secret's data reached the output:\n{text}"
    );
    // Also the value that stringData overrides.
    let out = support::camguard()
        .args([
            "check",
            "fixtures/deployments/k8s/string-data-insecure",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("C8004"), "{text}");
    assert!(
        !text.contains("UTd2IXBMMiN6Ujl4"),
        "overridden Secret data in the output:\n{text}"
    );
}

fn deployments_json(path: &str) -> serde_json::Value {
    let out = support::camguard()
        .args(["deployments", path, "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn the_deployments_command_shows_layers_origins_and_what_was_overridden() {
    let v = deployments_json("fixtures/deployments/compose/var-insecure");
    let ds = v["deployments"].as_array().unwrap();
    assert_eq!(ds.len(), 1, "{v:#}");
    let d = &ds[0];
    assert_eq!(d["kind"], "compose-service");
    assert_eq!(d["version"], "8.8.0");
    assert_eq!(d["environment"], "production");
    let layers: Vec<(u64, String)> = d["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["precedence"].as_u64().unwrap(),
                l["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        layers,
        [
            (
                0,
                "fixtures/deployments/compose/var-insecure/.env".to_string()
            ),
            (
                1,
                "fixtures/deployments/compose/var-insecure/docker-compose.yaml".to_string()
            )
        ]
    );
    let s = d["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "CAMUNDA_SECURITY_AUTHENTICATION_UNPROTECTEDAPI")
        .expect("the setting");
    assert_eq!(s["value"], "true");
    assert_eq!(s["path"], "fixtures/deployments/compose/var-insecure/.env");
    assert_eq!(s["line"], 3);
    assert_eq!(s["related"][0]["line"], 7);

    // What a profile file overrode, in precedence order.
    let v = deployments_json("fixtures/deployments/spring/profile-secure");
    let d = &v["deployments"][0];
    assert_eq!(d["kind"], "spring-app");
    assert!(
        d["name"].as_str().unwrap().ends_with("(profiles prod)"),
        "{d:#}"
    );
    let whats: Vec<&str> = d["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["what"].as_str().unwrap())
        .collect();
    assert!(
        whats[0].ends_with("application.yaml") && whats[1].ends_with("(profile prod)"),
        "{whats:?}"
    );
    let s = d["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "camunda.security.authentication.unprotected-api")
        .expect("the setting");
    assert_eq!(s["value"], "false");
    assert!(
        s["path"]
            .as_str()
            .unwrap()
            .ends_with("application-prod.yaml")
    );
    let label = s["related"][0]["label"].as_str().unwrap();
    assert!(
        label.contains("`true` here is overridden by application-prod.yaml"),
        "{label}"
    );
}

#[test]
fn the_deployments_command_masks_secrets_and_names_unknowns() {
    let out = support::camguard()
        .args([
            "deployments",
            "fixtures/deployments/k8s",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for secret in ["Q7v!pL2#zR9x", "ZGVtbw==", "UTd2IXBMMiN6Ujl4"] {
        assert!(!text.contains(secret), "`{secret}` leaked:\n{text}");
    }
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let missing = v["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"].as_str().unwrap().contains("missing-secret"))
        .unwrap();
    let s = &missing["settings"][0];
    assert_eq!(s["value"], serde_json::Value::Null);
    assert!(
        s["unknown"]
            .as_str()
            .unwrap()
            .contains("Secret `not-in-the-tree`"),
        "{s:#}"
    );
    let human = support::camguard()
        .args(["deployments", "fixtures/deployments/k8s/missing-secret"])
        .output()
        .unwrap();
    let h = String::from_utf8_lossy(&human.stdout);
    assert!(
        h.contains("CAMUNDA_BPM_RUN_AUTH_ENABLED = (unknown)"),
        "{h}"
    );
    assert!(
        h.contains("depends on key `auth` of Secret `not-in-the-tree`"),
        "{h}"
    );
    assert!(h.ends_with("1 deployment\n"), "{h}");
}

#[test]
fn helm_values_over_the_chart_defaults_of_their_version() {
    use Layering::*;
    for (dir, code, l) in [
        ("demo-users-insecure", "HELM002", InsecureBefore),
        ("users-replaced", "HELM002", Placement),
        ("users-null", "HELM002", Placement),
        ("ingress-tls-insecure", "HELM003", InsecureBefore),
        ("ingress-tls-secure", "HELM003", Placement),
        ("elasticsearch-8.8", "HELM007", InsecureBefore),
        ("elasticsearch-8.9", "HELM007", Placement),
        ("overlay-f", "HELM003", Placement),
    ] {
        case(&format!("helm/{dir}"), &[code], l);
    }
    // A finding on a default says whose default it is.
    let found = findings(vec![root().join("helm/ingress-tls-insecure")]);
    let f = found.iter().find(|f| f.rule.code == "HELM003").unwrap();
    assert!(
        f.message.contains("the default of chart camunda-platform 13.12.7 (charts/camunda-platform-8.8/values.yaml line 168)"),
        "{}",
        f.message
    );
}

#[test]
fn the_chart_version_comes_from_chart_lock_or_the_nearest_generated_one() {
    let locked = deployments_json("fixtures/deployments/helm/chart-lock");
    let d = &locked["deployments"][0];
    assert_eq!(d["kind"], "helm-release");
    assert_eq!(d["version"], "13.12.7");
    assert_eq!(d["notes"].as_array().unwrap().len(), 0, "{d:#}");
    assert!(
        d["layers"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("Chart.lock")
    );
    let constraint = deployments_json("fixtures/deployments/helm/constraint");
    let d = &constraint["deployments"][0];
    assert_eq!(d["version"], "13.1.x");
    let notes = d["notes"].to_string();
    assert!(
        notes.contains("the defaults of 13.12.7, the generated version of the same line"),
        "{notes}"
    );
}

/// (file name, line, code, severity) of a `camguard check` run (configuration discovered).
fn checked(path: &str) -> BTreeSet<(String, u64, String, String)> {
    let out = support::camguard()
        .args(["check", path, "--format", "json", "--exit-zero"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = f["path"].as_str().unwrap();
            (
                p.rsplit('/').next().unwrap().to_string(),
                f["location"]["start_line"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn development_deployments_follow_the_rules_environment_policy() {
    let e = "fixtures/deployments/environments";
    let by_name = checked(&format!("{e}/dev-name"));
    assert!(
        by_name.contains(&(
            "docker-compose.dev.yml".into(),
            9,
            "C8001".into(),
            "low".into()
        )),
        "{by_name:?}"
    );
    let prod = checked(&format!("{e}/prod-name"));
    assert!(
        prod.contains(&(
            "docker-compose.yml".into(),
            7,
            "C8001".into(),
            "critical".into()
        )),
        "{prod:?}"
    );
    // Configured paths: development, and production winning over a development name.
    let configured = checked(&format!("{e}/configured"));
    assert!(
        configured.contains(&("docker-compose.yml".into(), 7, "C8001".into(), "low".into())),
        "{configured:?}"
    );
    assert!(
        configured.contains(&(
            "docker-compose.dev.yml".into(),
            7,
            "C8001".into(),
            "critical".into()
        )),
        "{configured:?}"
    );
    let profile = checked(&format!("{e}/spring-profile"));
    assert!(
        profile.contains(&(
            "application-dev.yaml".into(),
            6,
            "C8001".into(),
            "low".into()
        )),
        "{profile:?}"
    );
    // A profile activated by scanned content (a pull request controls the line) keeps
    // production: the severity stays critical.
    let content = checked(&format!("{e}/profile-in-content"));
    assert!(
        content.contains(&(
            "application.yaml".into(),
            12,
            "C8001".into(),
            "critical".into()
        )),
        "{content:?}"
    );
    // So does a file the content names: `env_file: local.env` was development before.
    let env_file = checked(&format!("{e}/env-file-name"));
    assert!(
        env_file.contains(&("local.env".into(), 1, "C8001".into(), "critical".into())),
        "{env_file:?}"
    );
    // A lowered finding says so.
    let out = support::camguard()
        .args([
            "check",
            &format!("{e}/dev-name"),
            "--format",
            "json",
            "--exit-zero",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[development deployment, the name"), "{text}");
    assert!(
        text.contains("critical lowered to low by the rule]"),
        "{text}"
    );
}

#[test]
fn a_rule_cannot_lower_production() {
    let rule = r#"
code = "T001"
name = "t"
severity = "high"
products = ["camunda8"]
summary = "s"
docs = "https://docs.camunda.io/"
explanation = "e"
[environments]
production = "low"
[[check]]
key = "a"
is = true
message = "m"
"#;
    let errors = camguard::rules::load::parse_rule(rule).expect_err("refused");
    assert!(
        errors
            .iter()
            .any(|(_, m)| m.contains("production findings are never lowered")),
        "{errors:?}"
    );
    let ok = rule.replace("production = \"low\"", "development = \"off\"");
    let (r, _, _) = camguard::rules::load::parse_rule(&ok).unwrap();
    use camguard::model::deployment::Environment;
    use camguard::model::rule::Severity;
    assert_eq!(
        r.severity_in(Environment::Development, Severity::High),
        None
    );
    assert_eq!(
        r.severity_in(Environment::Production, Severity::High),
        Some(Severity::High)
    );
}

#[test]
fn deployments_form_whatever_the_spelling_of_the_path() {
    // `./dir` and `dir` are one directory for the plan; an absolute path reads Chart.yaml too.
    let plain = checked("fixtures/deployments/compose/var-insecure");
    assert!(
        plain.contains(&(".env".into(), 3, "C8001".into(), "critical".into())),
        "{plain:?}"
    );
    assert_eq!(
        checked("./fixtures/deployments/compose/var-insecure"),
        plain
    );
    let abs = std::fs::canonicalize("fixtures/deployments/helm/ingress-tls-insecure").unwrap();
    let helm = checked(abs.to_str().unwrap());
    assert!(helm.iter().any(|h| h.2 == "HELM003"), "{helm:?}");
}

#[test]
fn spring_application_json_is_a_layer_above_system_properties() {
    use Layering::*;
    for (dir, l) in [
        ("compose-dotenv-insecure", Insecure),
        ("k8s-config-map-insecure", Insecure),
        ("over-system-properties-secure", SecureBefore),
        ("first-source-only-secure", SecureBefore),
        ("first-source-only-insecure", InsecureBefore),
    ] {
        case(&format!("json/{dir}"), &["C8001"], l);
    }
    // Credentials inside the JSON are judged like any other (only the deployment has them).
    case(
        "json/secrets-insecure",
        &["C8004", "CRED002"],
        Layering::InsecureBefore,
    );
    // The finding points at the member inside the JSON, in the file the JSON is written in.
    for dir in [
        "compose-dotenv-insecure",
        "k8s-config-map-insecure",
        "first-source-only-insecure",
    ] {
        let found = findings(vec![root().join("json").join(dir)]);
        let f = found.iter().find(|f| f.rule.code == "C8001").expect(dir);
        assert_eq!(f.file.text.slice(f.span), "true", "{dir}");
    }
}

#[test]
fn system_properties_beat_the_environment_in_kubernetes_too() {
    case(
        "jvm/k8s-system-over-env-insecure",
        &["C8001"],
        Layering::Insecure,
    );
    case(
        "jvm/k8s-system-over-env-secure",
        &["C8001"],
        Layering::Secure,
    );
    let v = deployments_json("fixtures/deployments/jvm/k8s-system-over-env-secure");
    let layers = v["deployments"][0]["layers"].to_string();
    assert!(
        layers.contains(
            "-D options (JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS, JAVA_OPTS) of envFrom ConfigMap `jvm`"
        ),
        "{layers}"
    );
}

#[test]
fn command_line_arguments_only_where_the_image_forwards_them() {
    use Layering::*;
    for (dir, l) in [
        ("compose-insecure", InsecureBefore),
        ("compose-secure", SecureBefore),
        ("k8s-args-insecure", InsecureBefore),
        ("k8s-java-command-secure", SecureBefore),
        ("not-forwarded", Placement),
    ] {
        case(&format!("args/{dir}"), &["C8001"], l);
    }
    // A word of a command string is pointed at inside the word.
    let found = findings(vec![root().join("args/compose-insecure")]);
    let f = found.iter().find(|f| f.rule.code == "C8001").unwrap();
    assert_eq!(f.file.text.slice(f.span), "true");
    let v = deployments_json("fixtures/deployments/args/not-forwarded");
    let notes = v["deployments"][0]["notes"].to_string();
    assert!(
        notes.contains("does not pass its arguments on to Spring Boot"),
        "{notes}"
    );
}

#[test]
fn config_imports_are_named_as_unknown_in_the_notes() {
    let v = deployments_json("fixtures/deployments/spring/import-noted");
    let notes = v["deployments"][0]["notes"].to_string();
    assert!(
        notes.contains("imports `optional:file:./extra.yaml`")
            && notes.contains("the settings they may set are unknown"),
        "{notes}"
    );
}

#[test]
fn spring_config_imports_of_files_of_the_scan_are_layers() {
    // docs/deployments.md §1.2, Spring Boot reference "Importing Additional Data": the
    // imported file takes precedence over the file that imports it; an import relative path
    // resolves against the importing file, a directory imports its `application.*`.
    case("spring/import-insecure", &["C7001"], Layering::Insecure);
    case("spring/import-secure", &["C8001"], Layering::Secure);
    // The imported file is read after the one that names it (it names nothing itself):
    // it must still wait for it.
    case("spring/import-from-sibling", &["C8001"], Layering::Secure);
    case(
        "spring/import-from-sibling-properties",
        &["C8001"],
        Layering::Secure,
    );
    let v = deployments_json("fixtures/deployments/spring/import-secure");
    let ds = v["deployments"].as_array().unwrap();
    assert_eq!(
        ds.len(),
        1,
        "the imported file is no application of its own: {v:#}"
    );
    let layers: Vec<&str> = ds[0]["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        layers,
        [
            "fixtures/deployments/spring/import-secure/application.yaml",
            "fixtures/deployments/spring/import-secure/conf/application.yaml"
        ],
        "lowest first, the import above its importer"
    );
}

#[test]
fn files_that_import_each_other_form_one_application() {
    let v = deployments_json("fixtures/deployments/spring/import-cycle");
    let ds = v["deployments"].as_array().unwrap();
    assert_eq!(ds.len(), 1, "{v:#}");
    let layers: Vec<&str> = ds[0]["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        layers,
        [
            "fixtures/deployments/spring/import-cycle/a/application.yaml",
            "fixtures/deployments/spring/import-cycle/b/application.yaml"
        ]
    );
}

#[test]
fn a_file_imported_only_by_an_inactive_document_is_judged_alone() {
    case("spring/import-inactive", &["C8001"], Layering::Placement);
    let v = deployments_json("fixtures/deployments/spring/import-inactive");
    let ds = v["deployments"].as_array().unwrap();
    assert_eq!(ds.len(), 1, "{v:#}");
    assert_eq!(ds[0]["layers"].as_array().unwrap().len(), 1, "{v:#}");
}

#[test]
fn imports_that_name_no_file_of_the_scan_stay_notes() {
    // `classpath:` and a relative path outside the scanned directory (§1.2).
    let v = deployments_json("fixtures/deployments/spring/import-not-in-scan");
    let d = &v["deployments"][0];
    assert_eq!(d["layers"].as_array().unwrap().len(), 1, "{v:#}");
    let notes = d["notes"].to_string();
    assert!(
        notes.contains("imports `classpath:camunda-extra.yaml`, a classpath resource")
            && notes.contains(
                "imports `optional:../import-secure/conf/application.yaml`, which names no configuration file of the scan"
            ),
        "{notes}"
    );
}

#[test]
fn config_files_mounted_where_the_image_reads_them_are_layers() {
    // Compose bind mounts (short and long syntax, file and directory) and `configs:` with
    // `file:` (docs/deployments.md §4.7, §7).
    case(
        "compose/mount-file-insecure",
        &["C8007"],
        Layering::Insecure,
    );
    case("compose/mount-file-secure", &["C8001"], Layering::Secure);
    case("compose/mount-dir-insecure", &["C8007"], Layering::Insecure);
    case("compose/configs-file-secure", &["C8001"], Layering::Secure);
    // Kubernetes ConfigMap volumes: `subPath`, `items` key -> path (§5, §7).
    case("k8s/mount-subpath-insecure", &["C8007"], Layering::Insecure);
    case("k8s/mount-items-secure", &["C8001"], Layering::Secure);
    // Secret volumes the same way, from `stringData` (base64 `data` stays unknown).
    case("k8s/secret-mount-insecure", &["C8007"], Layering::Insecure);
    case("k8s/secret-mount-secure", &["C8001"], Layering::Secure);
}

#[test]
fn a_mounted_file_is_listed_as_a_layer_below_the_environment() {
    let v = deployments_json("fixtures/deployments/compose/mount-file-secure");
    let ds = v["deployments"].as_array().unwrap();
    assert_eq!(
        ds.len(),
        1,
        "the mounted file is no deployment of its own: {v:#}"
    );
    let layers: Vec<&str> = ds[0]["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        layers,
        [
            "fixtures/deployments/compose/mount-file-secure/config/application.yaml",
            "fixtures/deployments/compose/mount-file-secure/docker-compose.yaml",
        ],
        "{v:#}"
    );
}

#[test]
fn a_mount_source_outside_the_scanned_tree_is_unknown_and_never_read() {
    let v = deployments_json("fixtures/deployments/compose/mount-outside-root");
    let d = &v["deployments"][0];
    let notes: Vec<&str> = d["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 2, "{v:#}");
    assert!(notes.iter().all(|n| n.contains("is unknown")), "{notes:?}");
    assert!(notes[0].contains("../../../../etc/camunda/application.yaml"));
    assert!(notes[1].contains("/etc/camunda/extra"));
    assert_eq!(d["layers"].as_array().unwrap().len(), 0, "{v:#}");
}

#[test]
fn env_files_are_read_when_camguard_is_given_an_absolute_path() {
    let rel = "fixtures/deployments/compose/env-file-order-insecure";
    let abs = std::fs::canonicalize(rel).unwrap();
    let out = support::camguard()
        .args(["check", abs.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["problems"].as_array().unwrap().len(), 0, "{v:#}");
    let found = checked(abs.to_str().unwrap());
    assert_eq!(found, checked(rel), "absolute and relative scans differ");
    assert!(
        found.iter().any(|h| h.0 == "second.env" && h.2 == "C8001"),
        "{found:?}"
    );
}

#[test]
fn compose_extends_in_the_same_file_and_from_another_file() {
    // docs/deployments.md §4.6 ([DD-SVC] extends).
    case(
        "compose/extends-insecure",
        &["ES001"],
        Layering::InsecureBefore,
    );
    case(
        "compose/extends-file-insecure",
        &["ES001"],
        Layering::Insecure,
    );
    case("compose/extends-file-secure", &["C8001"], Layering::Secure);
}

#[test]
fn published_ports_are_judged_with_the_deployments_effective_settings() {
    // DC001 (rules/compose/DC001-published-sensitive-port.toml) per deployment: the `.env`
    // decides whether the datastore behind the published port runs with security off
    // (critical), on (low) or unknown (the rule's high).
    let dc001 = |path: &str| -> Vec<(String, u64, String)> {
        checked(path)
            .into_iter()
            .filter(|h| h.2 == "DC001")
            .map(|h| (h.0, h.1, h.3))
            .collect()
    };
    for (case, together) in [
        ("published-port-insecure", "critical"),
        ("published-port-secure", "low"),
    ] {
        let dir = format!("fixtures/deployments/compose/{case}");
        assert_eq!(
            dc001(&dir),
            [("docker-compose.yaml".to_string(), 11, together.to_string())],
            "{case}"
        );
        assert_eq!(
            dc001(&format!("{dir}/docker-compose.yaml")),
            [("docker-compose.yaml".to_string(), 11, "high".to_string())],
            "{case}: the compose file alone"
        );
    }
}

#[test]
fn compose_include_takes_variables_from_the_including_project() {
    // docs/deployments.md §4.6 ([DD-INC]).
    case("compose/include-insecure", &["ES001"], Layering::Insecure);
    case("compose/include-secure", &["ES001"], Layering::Secure);
}

#[test]
fn a_circular_extends_is_a_note_not_a_hang() {
    let v = deployments_json("fixtures/deployments/compose/extends-cycle");
    let ds = v["deployments"].as_array().unwrap();
    assert_eq!(ds.len(), 2, "{v:#}");
    for d in ds {
        let notes = d["notes"].as_array().unwrap();
        assert!(
            notes
                .iter()
                .any(|n| n.as_str().unwrap().contains("is circular")),
            "{v:#}"
        );
    }
}

#[test]
fn compose_file_sets_of_the_configuration_are_projects() {
    // `[[compose]] files` (docs/deployments.md §4.6): the set replaces the default project
    // (base and override file), its files merged in the order written.
    // The library scan reads no camguard.toml; the command does.
    let c8001 = |p: &str| {
        checked(p)
            .into_iter()
            .filter(|f| f.2 == "C8001")
            .map(|f| (f.0, f.1))
            .collect::<Vec<_>>()
    };
    let d = "fixtures/deployments/compose";
    assert_eq!(
        c8001(&format!("{d}/file-set-insecure")),
        [("docker-compose.yml".to_string(), 8)]
    );
    assert_eq!(c8001(&format!("{d}/file-set-secure")), []);
    // Without the configuration the same files judge the other way: the set decides.
    for (dir, without) in [("file-set-insecure", 0), ("file-set-secure", 1)] {
        let d = tempfile::tempdir().unwrap();
        for e in std::fs::read_dir(root().join("compose").join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().unwrap() != "camguard.toml" {
                std::fs::copy(&p, d.path().join(p.file_name().unwrap())).unwrap();
            }
        }
        let found = findings(vec![d.path().to_path_buf()]);
        let c8001 = found.iter().filter(|f| f.rule.code == "C8001").count();
        assert_eq!(c8001, without, "{dir} without its [[compose]] set");
    }
}

#[test]
fn compose_file_sets_must_stay_below_the_configuration_in_one_directory() {
    for (files, error) in [
        (r#"["../docker-compose.yml"]"#, "without `..`"),
        (r#"["/etc/docker-compose.yml"]"#, "relative path"),
        (
            r#"["a/docker-compose.yml", "b/docker-compose.yml"]"#,
            "one directory",
        ),
        ("[]", "at least one"),
    ] {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("camguard.toml"),
            format!("[[compose]]\nfiles = {files}\n"),
        )
        .unwrap();
        std::fs::write(d.path().join("docker-compose.yml"), "services: {}\n").unwrap();
        let out = support::camguard_in(d.path())
            .args(["check", "."])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{files}: {stderr}");
        assert!(stderr.contains(error), "{files}: {stderr}");
    }
}

#[test]
fn inline_configs_are_the_files_they_are_mounted_as() {
    // docs/deployments.md §4.7: `configs.<name>.content` mounted where the image reads its
    // configuration is a layer of the service, interpolated from the `.env`, below the
    // environment.
    case(
        "compose/configs-content-insecure",
        &["ES001"],
        Layering::Insecure,
    );
    case(
        "compose/configs-content-secure",
        &["ES001"],
        Layering::Secure,
    );
    let v = deployments_json("fixtures/deployments/compose/configs-content-insecure");
    let ds = v["deployments"].as_array().unwrap();
    assert_eq!(
        ds.len(),
        1,
        "the inline config is no deployment nor service of its own: {v:#}"
    );
    let layers: Vec<&str> = ds[0]["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["what"].as_str().unwrap())
        .collect();
    assert!(
        layers
            .iter()
            .any(|l| l.starts_with("inline config `es_config` of")
                && l.contains("mounted at /usr/share/elasticsearch/config/elasticsearch.yml")),
        "{layers:?}"
    );
    // A directory target is unknown; a Camunda Run default.yml is a layer; a config that no
    // service mounts is not read.
    let v = deployments_json("fixtures/deployments/compose/configs-content-unknown");
    let ds = v["deployments"].as_array().unwrap();
    assert_eq!(ds.len(), 2, "{v:#}");
    let es = ds
        .iter()
        .find(|d| {
            d["name"]
                .as_str()
                .unwrap()
                .ends_with("service elasticsearch")
        })
        .unwrap();
    let notes: Vec<&str> = es["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("inline config `es_config` mounted at `/usr/share/elasticsearch/config`")
            && notes[0].contains("is unknown"),
        "{notes:?}"
    );
    let found = checked("fixtures/deployments/compose/configs-content-unknown");
    assert!(
        found.iter().any(|h| h.2 == "C7001"),
        "the Run default.yml given inline is read: {found:?}"
    );
    assert!(
        !found.iter().any(|h| h.2 == "ES001"),
        "neither the config over the directory nor the unused one is read: {found:?}"
    );
}
