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
