//! Every output format: schema validity, columns, escaping, and no secret leaks.

mod support;

use std::path::Path;

use support::camguard;

fn run(args: &[&str]) -> (String, i32) {
    let out = camguard().args(args).output().expect("runs");
    (
        String::from_utf8(out.stdout).expect("utf-8"),
        out.status.code().unwrap_or(-1),
    )
}

fn validate_sarif(text: &str) -> serde_json::Value {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
        )
        .expect("schema is in the repository"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    let log: serde_json::Value = serde_json::from_str(text).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
    log
}

#[test]
fn sarif_of_real_scans_is_valid() {
    for target in ["tests/corpus", "fixtures"] {
        let (out, _) = run(&[
            "check",
            target,
            "--format",
            "sarif",
            "--sarif-category",
            "camguard",
        ]);
        let log = validate_sarif(&out);
        let run = &log["runs"][0];
        assert_eq!(run["columnKind"], "utf16CodeUnits");
        assert_eq!(run["automationDetails"]["id"], "camguard/");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert!(!rules.is_empty());
        for r in rules {
            assert!(r["properties"]["tags"].as_array().unwrap().len() <= 10);
            assert!(r["properties"]["security-severity"].is_string());
            assert!(r["help"]["markdown"].is_string());
        }
        for res in run["results"].as_array().unwrap() {
            let idx = res["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[idx]["id"], res["ruleId"]);
            let loc = &res["locations"][0]["physicalLocation"];
            let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
            assert!(!uri.starts_with('/') && !uri.contains("://"), "{uri}");
            assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            for f in ["startLine", "startColumn", "endLine", "endColumn"] {
                assert!(loc["region"][f].as_u64().unwrap() >= 1, "{f}");
            }
            assert!(res["partialFingerprints"]["camguard/v1"].is_string());
            assert!(
                res.get("partialFingerprints")
                    .unwrap()
                    .get("primaryLocationLineHash")
                    .is_none()
            );
        }
    }
}

#[test]
fn sarif_columns_count_utf16_units_on_non_ascii_lines() {
    let dir = tempfile::tempdir().unwrap();
    // The duplicate `k` follows an emoji (two UTF-16 units, one character).
    std::fs::write(
        dir.path().join("application.yaml"),
        "m: {\"é😀\": 1, k: 1, k: 2}\n",
    )
    .unwrap();
    let out = camguard()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "sarif"])
        .output()
        .unwrap();
    let log = validate_sarif(&String::from_utf8(out.stdout).unwrap());
    let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    // m : space { " é 😀 " : space 1 , space k : space 1 , space k -> the second k.
    let line = "m: {\"é😀\": 1, k: 1, ";
    let utf16 = line.encode_utf16().count() as u64 + 1;
    assert_eq!(region["startColumn"], utf16);
    assert_eq!(region["endColumn"], utf16 + 1);
    // JSON output counts characters.
    let out = camguard()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["findings"][0]["location"]["start_column"],
        line.chars().count() as u64 + 1
    );
}

#[test]
fn no_format_leaks_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "Zq8-UNIQUE-SECRET-VALUE-41";
    std::fs::write(
        dir.path().join("application.yaml"),
        format!("spring:\n  datasource:\n    password: {secret}\n    password: {secret}\n"),
    )
    .unwrap();
    for format in ["human", "json", "sarif", "github", "gitlab", "junit"] {
        let out = camguard()
            .current_dir(dir.path())
            .args(["check", ".", "--format", format, "--color", "always"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{format}: {text}");
        assert!(text.contains("CG001"), "{format} has the finding: {text}");
        assert!(!text.contains(secret), "{format} leaks the secret:\n{text}");
    }
}

#[test]
fn github_annotations_escape_and_use_columns_on_one_line() {
    let (out, _) = run(&[
        "check",
        "fixtures/any/CG001/bad/application.yaml",
        "--format",
        "github",
    ]);
    let line = out
        .lines()
        .find(|l| l.starts_with("::notice "))
        .expect("an annotation");
    assert!(
        line.contains("file=fixtures/any/CG001/bad/application.yaml,line=7,col=7,endColumn=22"),
        "{line}"
    );
    assert!(line.contains("title=CG001 duplicate-key (low)"), "{line}");
    // The message's newline (before the doc link) is escaped, not literal.
    assert!(
        line.contains("%0Ahttps%3A//") || line.contains("%0Ahttps://"),
        "{line}"
    );
}

#[test]
fn gitlab_fingerprints_are_unique() {
    let (out, _) = run(&["check", "tests/corpus", "fixtures", "--format", "gitlab"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let fps: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    let mut unique = fps.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(fps.len(), unique.len());
    assert!(!fps.is_empty());
}

#[test]
fn junit_is_well_formed() {
    let (out, _) = run(&["check", "tests/corpus", "fixtures", "--format", "junit"]);
    let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert!(failures > 0);
}

#[test]
fn several_outputs_from_one_scan_and_exit_codes_independent_of_format() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let json = dir.path().join("out.json");
    let out = camguard()
        .args([
            "check",
            "fixtures/any/CG001/bad/application.yaml",
            "--output",
            &format!("sarif={}", sarif.display()),
            "--output",
            &format!("json={}", json.display()),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    validate_sarif(&std::fs::read_to_string(&sarif).unwrap());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["findings"][0]["code"], "CG001");
    // No temporary files are left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    for format in ["human", "json", "sarif", "github", "gitlab", "junit"] {
        let (_, code) = run(&[
            "check",
            "fixtures/any/CG001/bad/application.yaml",
            "--format",
            format,
        ]);
        assert_eq!(code, 1, "{format}");
        let (_, code) = run(&[
            "check",
            "fixtures/any/CG001/bad/application.yaml",
            "--format",
            format,
            "--exit-zero",
        ]);
        assert_eq!(code, 0, "{format}");
    }
}

#[test]
fn rule_docs_are_generated_from_the_rules() {
    let (generated, code) = run(&["rules", "--format", "markdown"]);
    assert_eq!(code, 0);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        generated == checked_in,
        "docs/rules.md is stale: run `cargo run -- rules --format markdown > docs/rules.md`"
    );
}

#[test]
fn completions_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (out, code) = run(&["completions", shell]);
        assert_eq!(code, 0);
        assert!(out.contains("camguard"), "{shell}");
    }
}

/// A file with a low (duplicate key) and a critical (unprotected API) finding.
const SNAP: &str = "fixtures/any/CG001/bad/application.yaml";

#[test]
fn github_output_snapshot() {
    let (out, _) = run(&["check", SNAP, "--format", "github"]);
    insta::assert_snapshot!(out);
}

#[test]
fn gitlab_output_snapshot() {
    let (out, _) = run(&["check", SNAP, "--format", "gitlab"]);
    insta::assert_snapshot!(out);
}

#[test]
fn junit_output_snapshot() {
    let (out, _) = run(&["check", SNAP, "--format", "junit"]);
    insta::assert_snapshot!(out);
}

#[test]
fn sarif_results_snapshot() {
    let (out, _) = run(&["check", SNAP, "--format", "sarif"]);
    let log = validate_sarif(&out);
    let run = &log["runs"][0];
    // The driver's rules[] holds every rule's documentation (checked by the schema test and
    // generated from the same source as docs/rules.md); snapshot what a scan adds.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let used: Vec<&serde_json::Value> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &rules[r["ruleIndex"].as_u64().unwrap() as usize])
        .collect();
    let view = serde_json::json!({
        "results": run["results"],
        "rules_used": used.iter().map(|r| serde_json::json!({
            "id": r["id"],
            "name": r["name"],
            "defaultConfiguration": r["defaultConfiguration"],
            "properties": r["properties"],
        })).collect::<Vec<_>>(),
    });
    // %SRCROOT% is the absolute directory the scan ran in, which differs between checkouts:
    // check it against the working directory instead of snapshotting it.
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    let cwd = std::env::current_dir().unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );
    assert!(
        root.trim_end_matches('/')
            .ends_with(cwd.file_name().unwrap().to_str().unwrap()),
        "{root} is not {}",
        cwd.display()
    );
    insta::assert_snapshot!(serde_json::to_string_pretty(&view).unwrap());
}

fn write_file(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn in_dir(dir: &Path, args: &[&str]) -> String {
    let out = support::camguard_in(dir).args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn sarif_fingerprints_tell_two_services_with_the_same_setting_apart() {
    let dir = tempfile::tempdir().unwrap();
    write_file(
        dir.path(),
        "docker-compose.yaml",
        "services:\n  es1:\n    image: elasticsearch:8.15.0\n    environment:\n      - xpack.security.enabled=false\n  es2:\n    image: elasticsearch:8.15.0\n    environment:\n      - xpack.security.enabled=false\n",
    );
    let log = validate_sarif(&in_dir(dir.path(), &["check", ".", "--format", "sarif"]));
    let results = log["runs"][0]["results"].as_array().unwrap();
    let es001: Vec<&serde_json::Value> =
        results.iter().filter(|r| r["ruleId"] == "ES001").collect();
    assert_eq!(es001.len(), 2, "{results:#?}");
    assert_ne!(
        es001[0]["partialFingerprints"]["camguard/v1"],
        es001[1]["partialFingerprints"]["camguard/v1"]
    );
}

#[test]
fn sarif_descriptors_carry_each_results_severity_and_the_driver_its_full_name() {
    let (out, _) = run(&["check", "tests/corpus", "--format", "sarif"]);
    let log = validate_sarif(&out);
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(
        driver["fullName"],
        format!("camguard {}", env!("CARGO_PKG_VERSION"))
    );
    let rules = driver["rules"].as_array().unwrap();
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    ids.sort();
    let n = ids.len();
    ids.dedup();
    assert_eq!(n, ids.len(), "descriptor ids are unique");
    let mut variants = 0;
    for r in log["runs"][0]["results"].as_array().unwrap() {
        let d = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(d["id"], r["ruleId"]);
        // GitHub reads the severity from the descriptor: it must be the result's.
        assert_eq!(
            d["properties"]["security-severity"], r["properties"]["security-severity"],
            "{r:#}"
        );
        assert_eq!(d["defaultConfiguration"]["level"], r["level"]);
        if r["ruleId"].as_str().unwrap().contains('/') {
            variants += 1;
            let sev = r["properties"]["severity"].as_str().unwrap();
            assert!(r["ruleId"].as_str().unwrap().ends_with(&format!("/{sev}")));
        }
    }
    assert!(variants > 0, "the corpus has per-check severities");
}

#[test]
fn sarif_suppressed_results_are_sorted_in() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join(".git")).unwrap();
    let dup = "a: 1\na: 2\n";
    write_file(p, "a/application.yaml", dup);
    write_file(
        p,
        "b/application.yaml",
        "a: 1\n# camguard: ignore[CG001] reviewed\na: 2\n",
    );
    write_file(p, "c/application.yaml", dup);
    let log = validate_sarif(&in_dir(
        p,
        &["check", ".", "--format", "sarif", "--include-suppressed"],
    ));
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        uris,
        [
            "a/application.yaml",
            "b/application.yaml",
            "c/application.yaml"
        ]
    );
}

#[test]
fn github_step_summary_is_written_in_github_actions() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = camguard()
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", SNAP, "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("earlier step\n## camguard\n"),
        "appended: {md}"
    );
    assert!(md.contains("| critical | 1 |"), "{md}");
    assert!(md.contains("[C8001](https://"), "{md}");
    assert!(
        md.contains("| fixtures/any/CG001/bad/application.yaml | critical | 2 |"),
        "{md}"
    );
    // In GitHub Actions any format writes it; elsewhere only --format github does.
    std::fs::remove_file(&summary).unwrap();
    camguard()
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", SNAP, "--format", "json"])
        .output()
        .unwrap();
    assert!(!summary.exists());
    camguard()
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_ACTIONS", "true")
        .args(["check", SNAP, "--format", "json"])
        .output()
        .unwrap();
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap()
            .contains("## camguard")
    );
}

#[test]
fn columns_agree_across_formats() {
    let dir = tempfile::tempdir().unwrap();
    let line = "{\"😀😀é\": 1, xpack.security.enabled: false}\n";
    write_file(dir.path(), "elasticsearch.yml", line);
    let prefix = &line[..line.find("false").unwrap()];
    let chars = prefix.chars().count() + 1;
    let utf16 = prefix.encode_utf16().count() + 1;
    let human = in_dir(dir.path(), &["check", "."]);
    assert!(
        human.contains(&format!("elasticsearch.yml:1:{chars}]")),
        "{human}"
    );
    let concise = in_dir(dir.path(), &["check", ".", "--format", "concise"]);
    assert!(
        concise.contains(&format!("elasticsearch.yml:1:{chars}: ES001")),
        "{concise}"
    );
    let github = in_dir(dir.path(), &["check", ".", "--format", "github"]);
    assert!(github.contains(&format!(",col={chars},")), "{github}");
    let v: serde_json::Value =
        serde_json::from_str(&in_dir(dir.path(), &["check", ".", "--format", "json"])).unwrap();
    assert_eq!(v["findings"][0]["location"]["start_column"], chars);
    let v: serde_json::Value =
        serde_json::from_str(&in_dir(dir.path(), &["check", ".", "--format", "gitlab"])).unwrap();
    assert_eq!(v[0]["location"]["positions"]["begin"]["column"], chars);
    let log = validate_sarif(&in_dir(dir.path(), &["check", ".", "--format", "sarif"]));
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"],
        utf16
    );
}

#[test]
fn junit_has_one_test_case_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "application.yaml", "a: 1\na: 2\nb: 1\nb: 2\n");
    let out = in_dir(dir.path(), &["check", ".", "--format", "junit"]);
    let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 2, "{out}");
    assert!(
        cases
            .iter()
            .all(|c| c.children().any(|n| n.has_tag_name("failure")))
    );
    assert_eq!(doc.root_element().attribute("tests"), Some("2"));
}

#[test]
fn platform_paths_are_relative_to_the_repository_root_from_any_directory() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sub = repo.join("fixtures/any");
    let full = "fixtures/any/CG001/bad/application.yaml";
    let gitlab: serde_json::Value = serde_json::from_str(&in_dir(
        &sub,
        &["check", "CG001/bad/application.yaml", "--format", "gitlab"],
    ))
    .unwrap();
    assert_eq!(gitlab[0]["location"]["path"], full);
    let github = in_dir(
        &sub,
        &["check", "CG001/bad/application.yaml", "--format", "github"],
    );
    assert!(github.contains(&format!("file={full},")), "{github}");
    let log = validate_sarif(&in_dir(
        &sub,
        &["check", "CG001/bad/application.yaml", "--format", "sarif"],
    ));
    let run = &log["runs"][0];
    assert_eq!(
        run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        full
    );
    // Fingerprints do not depend on the working directory either.
    let (from_root, _) = run_fp(repo, full);
    let (from_sub, _) = run_fp(&sub, "CG001/bad/application.yaml");
    assert_eq!(from_root, from_sub);
}

fn run_fp(dir: &Path, path: &str) -> (Vec<String>, ()) {
    let v: serde_json::Value =
        serde_json::from_str(&in_dir(dir, &["check", path, "--format", "json"])).unwrap();
    (
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_string())
            .collect(),
        (),
    )
}

#[test]
fn human_output_wraps_at_spaces_and_keeps_urls_and_keys_whole() {
    let dir = tempfile::tempdir().unwrap();
    let url =
        "http://keycloak-with-a-long-host.example-namespace.svc:18080/auth/realms/camunda-platform";
    write_file(
        dir.path(),
        "application.yaml",
        &format!("camunda:\n  identity:\n    issuer-backend-url: {url}\n"),
    );
    let out = support::camguard_in(dir.path())
        .env("COLUMNS", "60")
        .args(["check", ".", "--color", "never"])
        .output()
        .unwrap();
    let human = String::from_utf8(out.stdout).unwrap();
    // The message wraps (it is longer than 60 columns), but only at spaces: the URL,
    // which a UAX #14 line breaker cut after `http://` and at slashes, stays on one line.
    let message: Vec<&str> = human
        .lines()
        .skip_while(|l| !l.contains('×'))
        .take_while(|l| !l.contains("╭─"))
        .collect();
    assert!(message.len() >= 3, "{human}");
    assert!(
        message.iter().any(|l| l.contains(&format!("`{url}`"))),
        "{human}"
    );
    assert!(
        message
            .iter()
            .all(|l| !l.ends_with('-') && !l.ends_with('/')),
        "{human}"
    );
}

/// The JSON documents camguard writes piece by piece (`report/stream.rs`) and the records it
/// writes straight into text (`report/pretty.rs`) are laid out exactly as serde_json's
/// pretty printer lays out the same data: suppressions of both kinds, related locations,
/// a component quoted or not, `null` fields, escaped strings.
#[test]
fn json_and_sarif_are_laid_out_as_serde_json_pretty() {
    let d = tempfile::tempdir().unwrap();
    let app = d.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("application.yaml"),
        "camunda:\n  security:\n    authentication:\n      unprotected-api: true # camguard: ignore[C8001] a \"quoted\" \\ reason\n\
         spring:\n  datasource:\n    password: \"tab\\there é ☕ /slash\"\n",
    )
    .unwrap();
    std::fs::write(
        app.join("docker-compose.yaml"),
        "services:\n  zeebe:\n    image: camunda/zeebe:8.7.0\n    ports: [\"26500:26500\"]\n    \
         environment:\n      ZEEBE_BROKER_GATEWAY_SECURITY_ENABLED: \"false\"\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("camguard.toml"),
        "[[ignore]]\nrules = [\"DC001\"]\npath = \"app/**\"\nreason = \"ports \\\"published\\\" on purpose\"\n",
    )
    .unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let fixtures = format!("{root}/fixtures");
    let tmp = d.path().to_str().unwrap().to_string();
    for (format, extra, must_hold) in [
        (
            "sarif",
            &["--include-suppressed"][..],
            &[
                "\"inSource\"",
                "\"external\"",
                "\"relatedLocations\"",
                "\\\"",
            ][..],
        ),
        (
            "json",
            &[][..],
            &["\"component\": null", "\"related\": []", "\"product\": \""][..],
        ),
    ] {
        for target in [&fixtures, &tmp] {
            let out = camguard()
                .current_dir(d.path())
                .args(["check", target, "--format", format, "--exit-zero"])
                .args(extra)
                .output()
                .unwrap();
            let text = String::from_utf8(out.stdout).unwrap();
            let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            assert_eq!(
                text,
                serde_json::to_string_pretty(&v).unwrap() + "\n",
                "{format} of {target}"
            );
        }
        // What the runs above must have written for the comparison to mean anything.
        let out = camguard()
            .current_dir(d.path())
            .args(["check", ".", &fixtures, "--format", format, "--exit-zero"])
            .args(extra)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        for s in must_hold {
            assert!(text.contains(s), "{format}: no {s} in\n{text}");
        }
    }
}
