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
