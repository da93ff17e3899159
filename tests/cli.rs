//! The command line as a user runs it: exit codes, formats, stdin, determinism.

mod support;

use support::camguard;

fn stdout(args: &[&str]) -> (String, i32) {
    let out = camguard().args(args).output().expect("runs");
    (
        String::from_utf8(out.stdout).expect("utf-8 output"),
        out.status.code().unwrap_or(-1),
    )
}

const DUP: &str = "fixtures/any/CG001/bad/application.yaml";
const CLEAN: &str = "fixtures/any/CG001/good/application.yaml";
/// Only a duplicate key (low severity), nothing else.
const LOW_ONLY: &str = "tests/data/duplicate/application.yaml";

#[test]
fn exit_codes_follow_fail_on() {
    assert_eq!(stdout(&["check", CLEAN]).1, 0);
    assert_eq!(stdout(&["check", DUP]).1, 1);
    // The duplicate key overrides `unprotected-api` with `true`: critical.
    assert_eq!(stdout(&["check", DUP, "--fail-on", "critical"]).1, 1);
    assert_eq!(stdout(&["check", LOW_ONLY]).1, 1);
    // A lone duplicate key is low severity: a stricter threshold lets it pass.
    assert_eq!(stdout(&["check", LOW_ONLY, "--fail-on", "medium"]).1, 0);
}

#[test]
fn usage_errors_exit_2() {
    let out = camguard()
        .args(["check", "does/not/exist"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does/not/exist"));
    let out = camguard()
        .args(["check", "--fail-on", "urgent"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = camguard().args(["explain", "NOPE999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn human_output_has_no_escape_codes_in_pipes() {
    let (out, _) = stdout(&["check", LOW_ONLY]);
    assert!(!out.contains('\u{1b}'), "{out}");
    assert!(out.contains("CG001"));
    assert!(out.contains("Scanned 1 file: 1 finding (1 low)."), "{out}");
    let (forced, _) = stdout(&["check", DUP, "--color", "always"]);
    assert!(forced.contains('\u{1b}'));
}

#[test]
fn human_output_snapshot() {
    let (out, _) = stdout(&["check", DUP]);
    insta::assert_snapshot!(out);
}

#[test]
fn json_output_snapshot() {
    let (out, code) = stdout(&["check", DUP, "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["version"], 1);
    insta::assert_snapshot!(out);
}

#[test]
fn stdin_with_a_name_is_classified_by_it() {
    let input = "a: 1\na: 2\n";
    let out = camguard()
        .args([
            "check",
            "-",
            "--stdin-filename",
            "application.yaml",
            "--format",
            "json",
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["code"], "CG001");
    assert_eq!(v["findings"][0]["path"], "application.yaml");
    assert_eq!(v["findings"][0]["location"]["start_line"], 2);
}

#[test]
fn unrecognised_stdin_is_reported_not_silently_passed() {
    let out = camguard()
        .args(["check", "-"])
        .write_stdin("hello: world\n")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("not a configuration file camguard recognises"),
        "{text}"
    );
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let run = |threads: &str| {
        camguard()
            .env("RAYON_NUM_THREADS", threads)
            .args(["check", "tests/corpus", "fixtures", "--format", "json"])
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("2"));
    assert_eq!(one, run("8"));
}

#[test]
fn rules_and_explain() {
    let (list, code) = stdout(&["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert!(v.as_array().is_some_and(|a| !a.is_empty()));
    let (text, code) = stdout(&["explain", "duplicate-key"]);
    assert_eq!(code, 0);
    assert!(text.contains("CG001 duplicate-key (low)"));
    assert!(text.contains("## How to fix"));
}

#[test]
fn rendered_manifests_on_stdin_with_a_forced_kind() {
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  application.yaml: |\n    a: 1\n    a: 2\n";
    let out = camguard()
        .args(["check", "-", "--kind", "k8s", "--format", "json"])
        .write_stdin(manifest)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["code"], "CG001");
    assert_eq!(v["findings"][0]["path"], "<stdin>");
    // The span maps back into the manifest: line 8, after the block indentation.
    assert_eq!(v["findings"][0]["location"]["start_line"], 8);
    assert_eq!(v["findings"][0]["location"]["start_column"], 5);
    let out = camguard()
        .args(["check", "-", "--kind", "web-xml"])
        .write_stdin("<web-app/>")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

fn run_in(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut c = support::camguard_in(dir);
    c.args(args);
    if let Some(s) = stdin {
        c.write_stdin(s);
    }
    c.output().unwrap()
}

fn json_codes(out: &[u8]) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(out).expect("JSON");
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn rule_selection_on_the_command_line() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let codes = |extra: &[&str]| {
        let mut args = vec!["check", DUP, "--format", "json"];
        args.extend_from_slice(extra);
        json_codes(&run_in(repo, &args, None).stdout)
    };
    assert_eq!(codes(&[]), ["CG001", "C8001"]);
    assert_eq!(codes(&["--select", "CG001"]), ["CG001"]);
    assert_eq!(codes(&["--ignore", "CG"]), ["C8001"]);
    assert_eq!(
        codes(&["--select", "C8", "--extend-select", "duplicate-key"]),
        ["CG001", "C8001"]
    );
    assert_eq!(
        codes(&["--select", "ALL", "--ignore", "C8001,CG001"]),
        Vec::<String>::new()
    );
    let out = run_in(repo, &["check", DUP, "--select", "NOPE9"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOPE9"));
}

#[test]
fn min_severity_hides_findings_but_not_from_the_gate() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = run_in(
        repo,
        &[
            "check",
            LOW_ONLY,
            "--min-severity",
            "high",
            "--format",
            "json",
        ],
        None,
    );
    assert!(json_codes(&out.stdout).is_empty());
    assert_eq!(
        out.status.code(),
        Some(1),
        "--fail-on low still sees the low finding"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 finding below high not shown"));
    let out = run_in(
        repo,
        &[
            "check",
            DUP,
            "--min-severity",
            "critical",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(json_codes(&out.stdout), ["C8001"]);
}

#[test]
fn gitignore_flag_is_renamed_and_the_old_name_still_works() {
    let (help, _) = stdout(&["check", "--help"]);
    assert!(help.contains("--no-ignore-files"), "{help}");
    assert!(!help.contains("--no-ignore "), "{help}");
    for flag in ["--no-ignore-files", "--no-ignore", "--no-respect-gitignore"] {
        assert_eq!(stdout(&["check", CLEAN, flag]).1, 0, "{flag}");
    }
}

#[test]
fn concise_statistics_and_quiet() {
    let (out, code) = stdout(&["check", DUP, "--format", "concise"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].starts_with(
            "fixtures/any/CG001/bad/application.yaml:7:7: CG001 `unprotected-api` is defined twice"
        ),
        "{out}"
    );
    assert!(lines[0].ends_with("(low)"), "{out}");
    assert!(
        lines[1].starts_with("fixtures/any/CG001/bad/application.yaml:7:24: C8001 "),
        "{out}"
    );
    assert!(lines[2].starts_with("Scanned 1 file: 2 findings"), "{out}");
    let (out, _) = stdout(&["check", DUP, "--format", "concise", "-q"]);
    assert_eq!(out.lines().count(), 2, "{out}");
    let (out, _) = stdout(&["check", DUP, "--quiet"]);
    assert!(!out.contains("Scanned"), "{out}");
    let (out, _) = stdout(&["check", "tests/corpus", "--statistics"]);
    let first = out.lines().next().unwrap();
    let n: usize = first.split_whitespace().next().unwrap().parse().unwrap();
    assert!(n > 1, "{out}");
    assert!(!out.contains('│'), "statistics replace the findings: {out}");
    let (out, _) = stdout(&["check", DUP, "--statistics", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["count"], 1);
}

#[test]
fn human_output_follows_columns_and_never_breaks_urls() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let url = "https://docs.camunda.io/docs/8.8/self-managed/concepts/authentication/authentication-to-orchestration-cluster/";
    let narrow = support::camguard()
        .env("COLUMNS", "60")
        .args(["check", DUP])
        .output()
        .unwrap();
    let text = String::from_utf8(narrow.stdout).unwrap();
    assert!(text.contains(url), "{text}");
    for line in text
        .lines()
        .filter(|l| !l.contains("https://") && !l.contains('│'))
    {
        assert!(
            line.chars().count() <= 60,
            "wider than COLUMNS=60: {line:?}"
        );
    }
    let wide = run_in(repo, &["check", DUP], None);
    let wide = String::from_utf8(wide.stdout).unwrap();
    assert!(wide.lines().any(|l| l.chars().count() > 60), "{wide}");
}

#[test]
fn rule_codes_link_to_their_docs_on_terminals_with_hyperlinks() {
    let osc8 = "\u{1b}]8;;https://";
    let out = support::camguard()
        .env("FORCE_HYPERLINK", "1")
        .args(["check", DUP, "--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(osc8));
    let out = support::camguard()
        .env("FORCE_HYPERLINK", "1")
        .args(["check", DUP, "--color", "never"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains(osc8));
}

#[test]
fn standard_input_never_passes_silently() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (args, input) in [
        (vec!["check", "-", "--kind", "k8s"], ""),
        (vec!["check", "-"], "\n  \n"),
    ] {
        let out = run_in(repo, &args, Some(input));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("standard input is empty"));
    }
    // --stdin-filename alone reads standard input, as ruff does.
    let out = run_in(
        repo,
        &[
            "check",
            "--stdin-filename",
            "application.yaml",
            "--format",
            "json",
        ],
        Some("a: 1\na: 2\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_codes(&out.stdout), ["CG001"]);
    // With paths but no `-`, it is a usage error rather than a silent scan of the paths.
    let out = run_in(
        repo,
        &["check", CLEAN, "--stdin-filename", "application.yaml"],
        Some("a: 1\na: 2\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no `-`"));
}

#[test]
fn max_file_size_takes_units_and_output_dash_is_stdout() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("application.yaml"),
        format!("a: 1\na: 2\n#{}\n", "x".repeat(2000)),
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &["check", ".", "--max-file-size", "1KiB", "--format", "json"],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["problems"][0]["kind"], "too-large", "{v:#}");
    assert_eq!(out.status.code(), Some(1));
    for size in ["10MiB", "10MB", "512KiB", "10485760"] {
        let out = run_in(
            dir.path(),
            &["check", ".", "--max-file-size", size, "--format", "json"],
            None,
        );
        assert_eq!(json_codes(&out.stdout), ["CG001"], "{size}");
    }
    let out = run_in(
        dir.path(),
        &["check", ".", "--max-file-size", "10 parsecs"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let out = run_in(
        dir.path(),
        &["check", ".", "--format", "concise", "--output", "sarif=-"],
        None,
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"version\": \"2.1.0\""), "{text}");
    assert!(
        !dir.path().join("-").exists(),
        "`-` is standard output, not a file"
    );
}
