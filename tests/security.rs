//! Safe on a stranger's pull request (issue 12): camguard itself must not be the weak link.
//!
//! Each test stands for one class of attack a pull request can mount against a CI run of
//! camguard: reading or writing outside the repository, hiding files from the gate,
//! injecting commands or lies into the log, leaking secrets, exhausting resources, or
//! making camguard read a file differently from the product. Every test failed on the
//! code before the fix it proves.

mod support;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use support::camguard_in as camguard;

/// A finding camguard always reports: the unprotected API of Camunda 8.
const UNPROTECTED: &str =
    "camunda:\n  security:\n    authentication:\n      unprotected-api: true\n";

fn run(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = camguard(dir).args(args).output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_ne!(code, 3, "internal error:\n{stdout}\n{stderr}");
    (stdout, stderr, code)
}

/// The paths of a JSON report's findings, in order.
fn finding_paths(v: &serde_json::Value) -> Vec<&str> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect()
}

fn json(dir: &Path, args: &[&str]) -> (serde_json::Value, String, i32) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let (out, err, code) = run(dir, &all);
    let v = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}\nstderr:\n{err}"));
    (v, err, code)
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn git_repo(dir: &Path) {
    fs::create_dir_all(dir.join(".git")).unwrap();
}

// ---------------------------------------------------------------------------------------
// 1. Nothing outside the repository is read or printed because configuration says so.
// ---------------------------------------------------------------------------------------

/// `rules-dir` may not leave the repository, in any spelling: `..`, an absolute path, or
/// a symbolic link inside the repository that points out of it. The outside rule file is
/// never read, so its text (a runner's credentials) never reaches the log.
#[cfg(unix)]
#[test]
fn rules_dir_from_configuration_is_confined_to_the_repository() {
    let d = tempfile::tempdir().unwrap();
    let outside = d.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    let secret = "runner-credential-5d1e";
    fs::write(
        outside.join("creds.toml"),
        format!("[auth]\ntoken = \"{secret}\"\nthis is not toml {secret}\n"),
    )
    .unwrap();
    let repo = d.path().join("repo");
    fs::create_dir_all(&repo).unwrap();
    git_repo(&repo);
    fs::write(repo.join("application.yaml"), UNPROTECTED).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("linked-rules")).unwrap();
    let spellings = [
        format!("{}", outside.display()),
        "../outside".to_string(),
        "linked-rules".to_string(),
    ];
    for dir in spellings {
        fs::write(
            repo.join("camguard.toml"),
            format!("rules-dir = [{:?}]\n", dir),
        )
        .unwrap();
        let (out, err, code) = run(&repo, &["check", "."]);
        assert!(
            !out.contains(secret) && !err.contains(secret),
            "rules-dir {dir} read a file outside the repository:\n{out}\n{err}"
        );
        assert_eq!(code, 2, "rules-dir {dir} must be refused:\n{out}\n{err}");
        assert!(err.contains("outside the repository"), "{dir}: {err}");
    }
    // Inside the repository it still works.
    fs::create_dir_all(repo.join("rules")).unwrap();
    fs::write(repo.join("camguard.toml"), "rules-dir = [\"rules\"]\n").unwrap();
    let (_, err, code) = run(&repo, &["check", "."]);
    assert_eq!(code, 1, "{err}");
}

/// A rule file is small: a huge one is refused before it is read.
#[test]
fn rule_files_are_capped_in_size() {
    let d = tempfile::tempdir().unwrap();
    git_repo(d.path());
    fs::create_dir_all(d.path().join("rules")).unwrap();
    let mut big = String::from("# ");
    big.push_str(&"x".repeat(3 * 1024 * 1024));
    fs::write(d.path().join("rules/big.toml"), big).unwrap();
    fs::write(d.path().join("camguard.toml"), "rules-dir = [\"rules\"]\n").unwrap();
    let (_, err, code) = run(d.path(), &["check", "."]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("big.toml") && err.contains("limit"), "{err}");
}

/// An error in a rule file shows the offending line only, with secrets masked, even when
/// the error spans the whole file.
#[test]
fn rule_file_errors_show_one_masked_line() {
    let d = tempfile::tempdir().unwrap();
    git_repo(d.path());
    fs::create_dir_all(d.path().join("rules")).unwrap();
    let mut text = String::from("code = \"X9001\"\n");
    for i in 0..50 {
        text.push_str(&format!("filler{i} = \"line {i} of the file\"\n"));
    }
    text.push_str("password = \"rule-file-secret-91\"\n");
    fs::write(d.path().join("rules/broken.toml"), &text).unwrap();
    // The same secret on an offending line.
    fs::write(
        d.path().join("rules/bad-line.toml"),
        "code = \"X9002\"\nname = \"x\"\nseverity = \"urgent\" # password = \"rule-file-secret-92\"\n",
    )
    .unwrap();
    fs::write(d.path().join("camguard.toml"), "rules-dir = [\"rules\"]\n").unwrap();
    let (_, err, code) = run(d.path(), &["check", "."]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("rule-file-secret"), "{err}");
    assert!(
        !err.contains("line 30 of the file"),
        "more than one line shown:\n{err}"
    );
    assert!(err.contains("broken.toml"), "{err}");
}

/// Without a `.git`, the configuration is looked for in the scan root only: a
/// `camguard.toml` in a shared parent directory (`/tmp`) is not applied. With a `.git`,
/// discovery stops at the repository root.
#[test]
fn configuration_discovery_stops_at_the_repository_or_scan_root() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("camguard.toml"), "ignore = [\"ALL\"]\n").unwrap();
    let scan = d.path().join("rendered");
    fs::create_dir_all(&scan).unwrap();
    fs::write(scan.join("application.yaml"), UNPROTECTED).unwrap();
    let (v, err, code) = json(&scan, &["."]);
    assert_eq!(code, 1, "a parent's camguard.toml applied: {v}\n{err}");
    assert!(codes(&v).contains(&"C8001".to_string()), "{v}");
    // Explicit files and stdin too.
    let (v, _, code) = json(&scan, &["application.yaml"]);
    assert_eq!(code, 1, "{v}");
    // Inside a repository, a configuration in the repository root applies to a subdirectory.
    let repo = d.path().join("repo");
    fs::create_dir_all(repo.join("sub")).unwrap();
    git_repo(&repo);
    fs::write(repo.join("camguard.toml"), "ignore = [\"C8001\"]\n").unwrap();
    fs::write(repo.join("sub/application.yaml"), UNPROTECTED).unwrap();
    let (v, _, code) = json(&repo.join("sub"), &["."]);
    assert_eq!(code, 0, "{v}");
}

// ---------------------------------------------------------------------------------------
// 2. Ignore files cannot make a file of the pull request vanish from the gate.
// ---------------------------------------------------------------------------------------

fn scanned(v: &serde_json::Value) -> u64 {
    v["summary"]["files_scanned"].as_u64().unwrap()
}

fn git(dir: &Path, args: &[&str]) -> bool {
    std::process::Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `.ignore` files, ignore files above the repository root, the runner's global git
/// excludes and, outside a repository, any `.gitignore`: none of them hides a file.
#[test]
fn ignore_sources_outside_the_repository_or_not_gits_do_not_apply() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path().join("home");
    fs::create_dir_all(home.join(".config/git")).unwrap();
    fs::write(home.join(".config/git/ignore"), "*.yaml\n").unwrap();
    fs::write(home.join("global-excludes"), "*.yaml\n").unwrap();
    fs::write(
        home.join(".gitconfig"),
        format!(
            "[core]\n\texcludesFile = {}\n",
            home.join("global-excludes").display()
        ),
    )
    .unwrap();
    // Above the repository root.
    fs::write(d.path().join(".gitignore"), "*\n").unwrap();
    fs::write(d.path().join(".ignore"), "*\n").unwrap();
    let repo = d.path().join("repo");
    fs::create_dir_all(repo.join("cfg")).unwrap();
    git_repo(&repo);
    fs::write(repo.join(".ignore"), "cfg/\n").unwrap();
    fs::write(repo.join("cfg/application.yaml"), UNPROTECTED).unwrap();
    let out = camguard(&repo)
        .args(["check", ".", "--format", "json"])
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(scanned(&v), 1, "{v}");
    assert_eq!(out.status.code(), Some(1));
    // No repository: a .gitignore in the scanned tree does not apply either.
    let plain = d.path().join("plain");
    fs::create_dir_all(&plain).unwrap();
    fs::write(plain.join(".gitignore"), "*.yaml\n").unwrap();
    fs::write(plain.join("application.yaml"), UNPROTECTED).unwrap();
    let (v, _, code) = json(&plain, &["."]);
    assert_eq!((scanned(&v), code), (1, 1), "{v}");
}

/// A file git tracks is checked even when the repository's own `.gitignore` matches it
/// (git ignores only untracked files); untracked configuration files it matches are set
/// aside and counted in every summary.
#[test]
fn tracked_files_are_checked_whatever_gitignore_says() {
    let d = tempfile::tempdir().unwrap();
    let repo = d.path();
    if !git(repo, &["init", "-q", "."]) {
        eprintln!("git is not available; skipped");
        return;
    }
    fs::create_dir_all(repo.join("deploy")).unwrap();
    fs::write(repo.join("deploy/application.yaml"), UNPROTECTED).unwrap();
    assert!(git(repo, &["add", "deploy/application.yaml"]));
    assert!(git(repo, &["commit", "-qm", "x"]));
    // The pull request adds an ignore rule for the tracked file, and an untracked file.
    fs::write(repo.join(".gitignore"), "application*.yaml\nlocal/\n").unwrap();
    fs::create_dir_all(repo.join("local")).unwrap();
    fs::write(repo.join("local/application.yaml"), UNPROTECTED).unwrap();
    let (v, _, code) = json(repo, &["."]);
    assert_eq!(code, 1, "{v}");
    let paths = finding_paths(&v);
    assert_eq!(paths, ["deploy/application.yaml"], "{v}");
    assert_eq!(v["summary"]["ignored_files"], 1, "{v}");
    let (out, _, _) = run(repo, &["check", "."]);
    assert!(
        out.contains("1 configuration file set aside by ignore rules"),
        "{out}"
    );
    // --no-ignore checks it too.
    let (v, _, _) = json(repo, &[".", "--no-ignore"]);
    assert_eq!(v["findings"].as_array().unwrap().len(), 2, "{v}");
}

/// What ignore rules set aside but git tracks is checked with its problems: a tracked link
/// out of the repository, in an ignored directory, is reported; the same link untracked is
/// only set aside.
#[cfg(unix)]
#[test]
fn problems_of_tracked_files_set_aside_by_ignore_rules_are_reported() {
    let d = tempfile::tempdir().unwrap();
    let repo = d.path().join("repo");
    fs::create_dir_all(repo.join("vendor")).unwrap();
    if !git(&repo, &["init", "-q", "."]) {
        eprintln!("git is not available; skipped");
        return;
    }
    fs::write(d.path().join("outside.yaml"), UNPROTECTED).unwrap();
    std::os::unix::fs::symlink("../../outside.yaml", repo.join("vendor/application.yaml")).unwrap();
    std::os::unix::fs::symlink("../../outside.yaml", repo.join("vendor/application-x.yaml"))
        .unwrap();
    assert!(git(&repo, &["add", "vendor/application.yaml"]));
    assert!(git(&repo, &["commit", "-qm", "x"]));
    fs::write(repo.join(".gitignore"), "vendor/\n").unwrap();
    let (v, _, _) = json(&repo, &["."]);
    let problems = v["problems"].to_string();
    assert!(problems.contains("vendor/application.yaml"), "{v}");
    assert!(!problems.contains("application-x.yaml"), "{v}");
    assert_eq!(v["summary"]["ignored_files"], 1, "{v}");
}

// ---------------------------------------------------------------------------------------
// 4. Symbolic links that stay inside the root are checked, under their own name.
// ---------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn links_inside_the_root_are_checked_under_the_links_name() {
    let d = tempfile::tempdir().unwrap();
    fs::create_dir_all(d.path().join("shared")).unwrap();
    fs::write(d.path().join("shared/base-config.yml"), UNPROTECTED).unwrap();
    fs::create_dir_all(d.path().join("svc")).unwrap();
    std::os::unix::fs::symlink(
        "../shared/base-config.yml",
        d.path().join("svc/application.yaml"),
    )
    .unwrap();
    let (v, _, code) = json(d.path(), &["."]);
    assert_eq!(code, 1, "{v}");
    let paths = finding_paths(&v);
    assert!(paths.contains(&"svc/application.yaml"), "{v}");
    assert!(
        !v["problems"].to_string().contains("svc/application.yaml"),
        "{v}"
    );
}

// ---------------------------------------------------------------------------------------
// 3. `--output` writes the file it names and nothing else.
// ---------------------------------------------------------------------------------------

/// A symbolic link planted at the output path, or an output directory that is a link
/// out of the checkout, is refused; the file outside is never written.
#[cfg(unix)]
#[test]
fn output_never_follows_a_planted_link() {
    use std::os::unix::fs::symlink;
    let d = tempfile::tempdir().unwrap();
    let victim = d.path().join("victim.txt");
    fs::write(&victim, "precious\n").unwrap();
    let repo = d.path().join("repo");
    fs::create_dir_all(&repo).unwrap();
    fs::write(repo.join("application.yaml"), UNPROTECTED).unwrap();
    symlink(&victim, repo.join("camguard.sarif")).unwrap();
    symlink(d.path(), repo.join("reports")).unwrap();
    for (spec, why) in [
        ("sarif=camguard.sarif", "symbolic link"),
        ("sarif=reports/victim.txt", "outside the working directory"),
    ] {
        let (_, err, code) = run(&repo, &["check", ".", "--output", spec]);
        assert_eq!(code, 2, "{spec}: {err}");
        assert!(err.contains(why), "{spec}: {err}");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n", "{spec}");
    }
    let (_, err, code) = run(&repo, &["check", ".", "--write-baseline", "camguard.sarif"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    // A plain path works, and so does a link that stays inside.
    fs::create_dir_all(repo.join("out")).unwrap();
    symlink("out", repo.join("out-link")).unwrap();
    let (_, err, code) = run(&repo, &["check", ".", "--output", "sarif=out-link/c.sarif"]);
    assert_eq!(code, 1, "{err}");
    assert!(repo.join("out/c.sarif").is_file());
}

/// The temporary file has an unpredictable name and is created exclusively: symbolic
/// links planted for every name a process id would give are never written through.
#[cfg(unix)]
#[test]
fn output_temporary_files_are_not_predictable() {
    use std::os::unix::fs::symlink;
    let d = tempfile::tempdir().unwrap();
    let victim = d.path().join("victim.txt");
    fs::write(&victim, "precious\n").unwrap();
    let repo = d.path().join("repo");
    fs::create_dir_all(&repo).unwrap();
    fs::write(repo.join("application.yaml"), UNPROTECTED).unwrap();
    // Process ids are handed out in order: the next ones are near a fresh process's.
    let next = std::process::Command::new("true").spawn().unwrap().id();
    for pid in next..next + 3000 {
        symlink(&victim, repo.join(format!(".out.sarif.camguard-{pid}.tmp"))).unwrap();
    }
    let (_, err, code) = run(&repo, &["check", ".", "--output", "sarif=out.sarif"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(
        fs::read_to_string(repo.join("out.sarif"))
            .unwrap()
            .contains("\"version\": \"2.1.0\"")
    );
}

// ---------------------------------------------------------------------------------------
// 5. Nothing a pull request writes becomes a command, an escape or a lie in the log.
// ---------------------------------------------------------------------------------------

/// Characters that must never reach a log raw (LF only as camguard's own line break).
fn raw_unsafe(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c != '\n' && c != '\t' && (c as u32) < 0x20)
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{61c}' | '\u{200e}' | '\u{200f}'
            )
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

/// A tree whose names, keys, values, ignore paths and baseline entries carry line
/// breaks, workflow commands, ANSI/OSC escapes and bidirectional overrides.
#[cfg(unix)]
fn hostile_tree(root: &Path) {
    let dir = root.join("evil\n::error file=README.md::forged\u{1b}]52;c;cHduZWQ=\u{7}\u{202e}");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("application.yaml"),
        "camunda:\n  security:\n    authentication:\n      unprotected-api: true\n\
         \"k\\u001b[2Kx\\u202e\\u0085\": \"v\\r::warning::cr\\u001b]8;;http://x\\u0007\"\n\
         bpm:\n  admin-user:\n    password: \"d\\u001b[31m\\u2028::error::in-value\"\n",
    )
    .unwrap();
    fs::write(
        root.join("camguard.toml"),
        "[[ignore]]\nrules = [\"C8001\"]\npath = \"nothing/\\n::error::from-ignore\\u001bc/**\"\nreason = \"r\\u202e\"\n",
    )
    .unwrap();
    fs::write(
        root.join("baseline.json"),
        r#"{"version": 1, "findings": [{"code": "C8001", "path": "x\n::error::from-baseline", "key": "k\u001b[2J", "value_hash": "0"}]}"#,
    )
    .unwrap();
    // A broken file whose error line carries escapes too.
    fs::write(
        root.join("values.yaml"),
        "global:\n  x: [\u{1b}[2J\u{202e}\n",
    )
    .unwrap();
}

#[cfg(unix)]
#[test]
fn no_output_lets_control_characters_through() {
    let d = tempfile::tempdir().unwrap();
    hostile_tree(d.path());
    for format in ["human", "json", "sarif", "github", "gitlab", "junit"] {
        let (out, err, code) = run(
            d.path(),
            &[
                "check",
                ".",
                "--format",
                format,
                "--baseline",
                "baseline.json",
            ],
        );
        assert_eq!(code, 1, "{format}:\n{out}\n{err}");
        for (what, text) in [("stdout", &out), ("stderr", &err)] {
            if let Some(c) = raw_unsafe(text) {
                panic!("{format} {what} holds raw {c:?}:\n{text}");
            }
            for line in text.lines() {
                let command = line.starts_with("::");
                let ours = format == "github"
                    && what == "stdout"
                    && [
                        "::error file=",
                        "::warning file=",
                        "::notice file=",
                        "::warning title=camguard configuration::",
                    ]
                    .iter()
                    .any(|p| line.starts_with(p));
                assert!(
                    !command || ours,
                    "{format} {what}: forged command line {line:?}"
                );
            }
        }
        assert!(
            out.contains("\\u{1b}")
                || out.contains("\\u001b")
                || out.contains("%1B")
                || out.contains("\\u{a}"),
            "{format}: escapes must be visible:\n{out}"
        );
    }
}

/// JUnit output is well-formed XML whatever the names and messages hold.
#[cfg(unix)]
#[test]
fn junit_is_well_formed_for_any_input() {
    let d = tempfile::tempdir().unwrap();
    hostile_tree(d.path());
    let odd = d.path().join("x\u{1}\u{fffe}<&\"");
    fs::create_dir_all(&odd).unwrap();
    fs::write(odd.join("application.yaml"), UNPROTECTED).unwrap();
    let (out, err, _) = run(d.path(), &["check", ".", "--format", "junit"]);
    if let Err(e) = roxmltree::Document::parse(&out) {
        panic!("not well-formed ({e}):\n{out}\n{err}");
    }
}

/// Two file names that differ only in bytes that are not UTF-8 keep apart: each finding
/// names its own file and is drawn on its own text.
#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_keep_their_identity() {
    use std::os::unix::ffi::OsStrExt;
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join(std::ffi::OsStr::from_bytes(b"app-\xff.yaml"));
    let b = d.path().join(std::ffi::OsStr::from_bytes(b"app-\xfe.yaml"));
    fs::write(&a, format!("# file A\n{UNPROTECTED}")).unwrap();
    fs::write(
        &b,
        "# file B\n\n\n\ncamunda:\n  security:\n    authentication:\n      unprotected-api: true\n",
    )
    .unwrap();
    let (v, _, _) = json(d.path(), &["."]);
    let mut paths: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    assert_eq!(paths, ["app-\\x{fe}.yaml", "app-\\x{ff}.yaml"], "{v}");
    let (out, _, _) = run(d.path(), &["check", ".", "--color", "never"]);
    for (name, line) in [("app-\\x{ff}.yaml", 5), ("app-\\x{fe}.yaml", 8)] {
        assert!(out.contains(&format!("[{name}:{line}:")), "{name}:\n{out}");
    }
}

// ---------------------------------------------------------------------------------------
// 6. Secrets never leak: not in messages, snippets, the settings command or the baseline.
// ---------------------------------------------------------------------------------------

const FORMATS: [&str; 6] = ["human", "json", "sarif", "github", "gitlab", "junit"];

/// Every output of `args` in every format, stdout and stderr.
fn every_output(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    FORMATS
        .iter()
        .map(|f| {
            let mut all = vec!["check"];
            all.extend_from_slice(args);
            all.extend_from_slice(&["--format", f, "--color", "never"]);
            let (out, err, _) = run(dir, &all);
            (f.to_string(), format!("{out}\n{err}"))
        })
        .collect()
}

fn assert_hidden(outputs: &[(String, String)], secrets: &[&str]) {
    for (format, text) in outputs {
        for s in secrets {
            assert!(!text.contains(s), "{format} shows `{s}`:\n{text}");
        }
    }
}

/// A name, key or value of the pull request never becomes a GitHub Actions workflow
/// command in the log: the runner obeys a line that starts with `::` after blanks, and the
/// legacy `##[command]` form anywhere in a line (actions/runner `ActionCommand`). A directory
/// named `::error::x` started the concise and `deployments` lines, and a `##[stop-commands]`
/// directory, key or value reached every format as it was.
#[cfg(unix)]
#[test]
fn nothing_scanned_becomes_a_workflow_command() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("::error::forged");
    let b = d.path().join("##[stop-commands]token");
    fs::create_dir_all(&a).unwrap();
    fs::create_dir_all(&b).unwrap();
    fs::write(a.join("application.yaml"), UNPROTECTED).unwrap();
    fs::write(
        b.join("application.yaml"),
        format!("{UNPROTECTED}\"::warning::key\": 1\nvalue: \"##[add-mask]x\"\n"),
    )
    .unwrap();
    let mut outputs = every_output(d.path(), &["."]);
    let (out, err, _) = run(d.path(), &["check", ".", "--format", "concise"]);
    outputs.push(("concise".into(), format!("{out}\n{err}")));
    let (out, err, _) = run(d.path(), &["deployments", "."]);
    outputs.push(("deployments".into(), format!("{out}\n{err}")));
    for (format, text) in &outputs {
        for line in text.lines() {
            let own = format == "github"
                && ["::error ", "::warning ", "::notice "]
                    .iter()
                    .any(|c| line.starts_with(c));
            if own {
                // camguard's own command: the runner parses it as one (the data after
                // the second `::` is its message), so the legacy form is not tried.
                continue;
            }
            assert!(
                !line.trim_start().starts_with("::"),
                "{format}: a line reads as a workflow command: {line}"
            );
            assert!(!line.contains("##["), "{format}: `##[` in: {line}");
        }
    }
    // The findings are still there, under names one can recognise.
    let (v, _, code) = json(d.path(), &["."]);
    assert_eq!(code, 1);
    let paths = finding_paths(&v);
    assert!(
        paths.contains(&"\\u{3a}:error::forged/application.yaml"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"#\\u{23}[stop-commands]token/application.yaml"),
        "{paths:?}"
    );
}

/// User information of URLs and secret query parameters, in messages and snippets.
#[test]
fn passwords_in_urls_are_masked_everywhere() {
    let d = tempfile::tempdir().unwrap();
    fs::write(
        d.path().join("application.yaml"),
        "camunda:\n  data:\n    secondary-storage:\n      elasticsearch:\n        url: http://elastic:urlpass-1a@es:9200/?token=urltoken-2b&x=1\n\
         zeebe:\n  broker:\n    exporters:\n      e:\n        args:\n          url: http://ghp_urlbare-3c@es:9200\n\
         spring:\n  datasource:\n    url: jdbc:postgresql://db/x?user=a&password=jdbcpass-4d\n",
    )
    .unwrap();
    let outputs = every_output(d.path(), &["."]);
    assert!(outputs[1].1.contains("C8009"), "{}", outputs[1].1);
    assert_hidden(
        &outputs,
        &["urlpass-1a", "urltoken-2b", "urlbare-3c", "jdbcpass-4d"],
    );
    let (out, _, _) = run(d.path(), &["settings", "application.yaml"]);
    assert!(out.contains("datasource.url"), "{out}");
    for s in ["urlpass-1a", "urltoken-2b", "urlbare-3c", "jdbcpass-4d"] {
        assert!(!out.contains(s), "settings shows {s}:\n{out}");
    }
}

/// Key names that hold secrets, in every spelling, are secrets to every masker and to
/// the hard-coded-secret rule.
#[test]
fn every_spelling_of_a_secret_key_is_masked_and_flagged() {
    let names = [
        "secretKey",
        "secret-key",
        "accountKey",
        "storage_account_key",
        "keystorePass",
        "truststore-pass",
        "encryptionKey",
        "signing-key",
        "connectionString",
    ];
    let env = [
        "AWS_SECRET_KEY",
        "MINIO_SECRET_KEY",
        "DB_PASS",
        "AZURE_STORAGE_ACCOUNT_KEY",
        "APP_KEYSTORE_PASS",
        "SMTP_CREDENTIAL",
    ];
    let d = tempfile::tempdir().unwrap();
    let mut yaml = String::from("app:\n");
    for (i, n) in names.iter().enumerate() {
        yaml.push_str(&format!("  {n}: spellsecret-y{i}-Zq8\n"));
    }
    fs::write(d.path().join("application.yaml"), &yaml).unwrap();
    let mut compose =
        String::from("services:\n  app:\n    image: camunda/camunda:8.8.0\n    environment:\n");
    for (i, n) in env.iter().enumerate() {
        compose.push_str(&format!("      {n}: spellsecret-e{i}-Zq8\n"));
    }
    fs::write(d.path().join("docker-compose.yml"), &compose).unwrap();
    let (v, _, _) = json(d.path(), &["."]);
    let flagged: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "CRED002")
        .map(|f| f["key"].as_str().unwrap().to_string())
        .collect();
    for n in names.iter().chain(env.iter()) {
        assert!(
            flagged.iter().any(|k| k.ends_with(n)),
            "{n} is not flagged as a hard-coded secret: {flagged:?}"
        );
    }
    let outputs = every_output(d.path(), &["."]);
    assert_hidden(&outputs, &["spellsecret"]);
}

/// Snippets mask every line by key name: commented-out keys, keys no rule models (a
/// ConfigMap's DB_PASSWORD), the offending line of a YAML or XML parse error.
#[test]
fn every_snippet_line_is_masked_by_key_name() {
    let d = tempfile::tempdir().unwrap();
    fs::write(
        d.path().join("application.yaml"),
        "camunda:\n  security:\n    authentication:\n      # password: commented-secret-1\n      unprotected-api: true\n      # client-secret: commented-secret-2\n",
    )
    .unwrap();
    fs::write(
        d.path().join("manifest.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  DB_PASSWORD: configmap-secret-3\n  application.yaml: |\n    camunda.security.authentication.unprotected-api: true\n  API_TOKEN: configmap-secret-4\n",
    )
    .unwrap();
    fs::create_dir_all(d.path().join("broken")).unwrap();
    fs::write(
        d.path().join("broken/application.yaml"),
        "spring:\n  datasource:\n    password: [parse-error-secret-5\n",
    )
    .unwrap();
    fs::write(
        d.path().join("broken/bpm-platform.xml"),
        "<bpm-platform>\n  <jdbcPassword>xml-error-secret-6</jdbcPassword><broken\n",
    )
    .unwrap();
    let outputs = every_output(d.path(), &["."]);
    assert!(outputs[0].1.contains("unprotected-api"), "{}", outputs[0].1);
    assert_hidden(
        &outputs,
        &[
            "commented-secret",
            "configmap-secret",
            "parse-error-secret",
            "xml-error-secret",
        ],
    );
}

/// Masks are computed on the raw text: entities in XML make the decoded value shorter
/// than what it covers, and its end must not show.
#[test]
fn masks_cover_the_raw_text_of_escaped_values() {
    let d = tempfile::tempdir().unwrap();
    fs::write(
        d.path().join("bpm-platform.xml"),
        "<bpm-platform>\n  <process-engine name=\"default\">\n    <properties>\n      <property name=\"jdbcPassword\">\n        p&amp;s&amp;s&amp;w&lt;rd-tail-of-xyz\n      </property>\n    </properties>\n  </process-engine>\n</bpm-platform>\n",
    )
    .unwrap();
    let (v, _, _) = json(d.path(), &["."]);
    assert!(v.to_string().contains("CRED002"), "{v}");
    let outputs = every_output(d.path(), &["."]);
    assert_hidden(&outputs, &["tail-of-xyz", "rd-tail"]);
}

/// The baseline is committed: it must not let anyone check a guessed secret offline. It
/// is the same whatever the secret is.
#[test]
fn the_baseline_holds_nothing_derived_from_a_secret() {
    let d = tempfile::tempdir().unwrap();
    let write = |pw: &str| {
        fs::write(
            d.path().join("application.yaml"),
            format!(
                "camunda:\n  bpm:\n    admin-user:\n      password: {pw}\n  data:\n    secondary-storage:\n      elasticsearch:\n        url: http://u:{pw}@es:9200\n"
            ),
        )
        .unwrap();
        let (_, err, code) = run(d.path(), &["check", ".", "--write-baseline", "b.json"]);
        assert_eq!(code, 0, "{err}");
        fs::read_to_string(d.path().join("b.json")).unwrap()
    };
    let a = write("s3cret-one");
    let b = write("other-value-2");
    assert!(a.contains("CRED002") && a.contains("C8009"), "{a}");
    assert_eq!(
        a, b,
        "the baseline changes with the secret, so it encodes it"
    );
}

// ---------------------------------------------------------------------------------------
// 7. Bounded on any input: time and memory follow the input, findings per file are capped.
// ---------------------------------------------------------------------------------------

/// Run with a time bound (generous: debug builds on a shared machine) and, on Unix, a
/// bound on the address space of 700 MB with two worker threads.
fn bounded(dir: &Path, args: &[&str], secs: u64) -> (String, String, i32) {
    let start = Instant::now();
    let bin = assert_cmd::cargo::cargo_bin("camguard");
    let mut cmd = if cfg!(unix) {
        let mut sh = std::process::Command::new("sh");
        sh.arg("-c")
            .arg("ulimit -v 700000; exec \"$0\" \"$@\"")
            .arg(bin);
        sh
    } else {
        std::process::Command::new(bin)
    };
    cmd.args(args)
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", "2");
    let out = cmd.output().unwrap();
    let took = start.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        took < Duration::from_secs(secs),
        "took {took:?} (bound {secs} s): {args:?}"
    );
    assert!(
        matches!(code, 0..=2),
        "exit {code:?} (killed or out of memory?): {args:?}\n{}",
        &stderr[..stderr.len().min(2000)]
    );
    (stdout, stderr, code)
}

/// A `<<` merge of many keys next to many explicit keys is linear, not quadratic.
#[test]
fn merge_keys_next_to_many_explicit_keys_are_linear() {
    let d = tempfile::tempdir().unwrap();
    let n = 20_000;
    let mut s = String::from("base: &b\n");
    for i in 0..n {
        s.push_str(&format!("  a{i}: 1\n"));
    }
    s.push_str("m:\n  <<: *b\n");
    for i in 0..n {
        s.push_str(&format!("  e{i}: 2\n"));
    }
    fs::write(d.path().join("application.yaml"), s).unwrap();
    bounded(d.path(), &["check", ".", "--format", "json"], 8);
}

/// Many compose services sharing one large env_file: it is read once, and the settings
/// it adds are capped (the file is then not fully checked and fails the gate).
#[test]
fn many_services_sharing_a_large_env_file_are_bounded() {
    let d = tempfile::tempdir().unwrap();
    let mut env = String::new();
    for i in 0..20_000 {
        env.push_str(&format!("VAR_{i}=value{i}\n"));
    }
    fs::write(d.path().join("big.env"), env).unwrap();
    let mut compose = String::from("services:\n");
    for i in 0..1000 {
        compose.push_str(&format!(
            "  s{i}:\n    image: camunda/camunda:8.8.0\n    env_file: big.env\n"
        ));
    }
    fs::write(d.path().join("docker-compose.yml"), compose).unwrap();
    let (out, _, code) = bounded(d.path(), &["check", ".", "--format", "json"], 30);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["kind"] == "limit" && p["error"] == true),
        "{}",
        v["problems"]
    );
}

/// A file with 100k findings: at most 1000 are reported, the file is said to be not
/// fully checked (an error), and every format renders in bounded time.
#[test]
fn findings_per_file_are_capped_and_the_file_fails_the_gate() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("application.yaml"), "a: 1\n".repeat(100_000)).unwrap();
    for format in FORMATS {
        let (out, _, code) = bounded(d.path(), &["check", ".", "--format", format], 60);
        assert_eq!(code, 1, "{format}");
        if format == "json" {
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["findings"].as_array().unwrap().len(), 1000);
            let p = &v["problems"][0];
            assert_eq!(
                (p["kind"].as_str(), p["error"].as_bool()),
                (Some("limit"), Some(true)),
                "{p}"
            );
            assert!(
                p["message"].as_str().unwrap().contains("not fully checked"),
                "{p}"
            );
        }
    }
}

/// 100k findings over 100 files: the human output costs what the findings cost (each is
/// drawn from its own lines, not from a copy of its file), and the JSON output of many
/// findings stays within the memory bound.
#[test]
fn many_findings_render_in_linear_time_and_bounded_memory() {
    // 20,000 findings: a renderer quadratic in the number of findings (4e8 steps) or one
    // holding a tree of the whole document per finding blows the bounds, a linear one in
    // a debug build takes a few seconds even on a loaded machine.
    let d = tempfile::tempdir().unwrap();
    let body = "a: 1\n".repeat(1001);
    for i in 0..20 {
        fs::write(d.path().join(format!("application-{i}.yaml")), &body).unwrap();
    }
    for format in ["json", "sarif"] {
        let (out, _, code) = bounded(d.path(), &["check", ".", "--format", format], 60);
        assert_eq!(code, 1);
        assert!(
            out.contains("\"findings\": 20000") || out.matches("\"ruleId\"").count() == 20000,
            "{format}: {}",
            &out[..out.len().min(500)]
        );
    }
    bounded(
        d.path(),
        &["check", ".", "--format", "human", "--color", "never"],
        60,
    );
}

/// A sparse file larger than the limit allows, with the limit raised: at most 4 MiB is
/// set aside for it whatever it claims (64 GiB here, more than a machine would give), and
/// reading stops at its first (NUL) byte.
#[cfg(unix)]
#[test]
fn a_huge_sparse_file_is_not_allocated_by_its_claimed_size() {
    let d = tempfile::tempdir().unwrap();
    let f = fs::File::create(d.path().join("application.yaml")).unwrap();
    if f.set_len(64 * 1024 * 1024 * 1024).is_err() {
        eprintln!("sparse files are not supported here; skipped");
        return;
    }
    let (v, _, code) = json(d.path(), &[".", "--max-file-size", "100000000000"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["problems"][0]["kind"], "binary", "{v}");
}

/// An explicit key (`? ...`) of 100 KB with many children parses in bounded time.
#[test]
fn a_huge_explicit_key_is_bounded() {
    let d = tempfile::tempdir().unwrap();
    let mut s = String::from("x:\n  ?\n");
    for i in 0..6000 {
        s.push_str(&format!("    k{i}: [0, 1, 2, 3, 4]\n"));
    }
    s.push_str("  : value\n");
    assert!(s.len() > 100_000);
    fs::write(d.path().join("application.yaml"), &s).unwrap();
    fs::write(d.path().join("values.yaml"), &s).unwrap();
    for format in FORMATS {
        bounded(d.path(), &["check", ".", "--format", format], 20);
    }
}

// ---------------------------------------------------------------------------------------
// 8. YAML is read the way Spring (SnakeYAML, YAML 1.1) reads it.
// ---------------------------------------------------------------------------------------

/// U+2028, U+2029 and U+0085 are line breaks for SnakeYAML: a comment ends there and
/// the key behind it is applied. camguard sees the key, and flags the character.
#[test]
fn unicode_line_breaks_cannot_hide_a_key_in_a_comment() {
    let d = tempfile::tempdir().unwrap();
    for (i, brk) in ['\u{2028}', '\u{2029}', '\u{85}'].iter().enumerate() {
        let dir = d.path().join(format!("c{i}"));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("application.yaml"),
            format!(
                "camunda:\n  security:\n    authentication:\n      # hardened, see the wiki{brk}      unprotected-api: true\n"
            ),
        )
        .unwrap();
    }
    let (v, _, code) = json(d.path(), &["."]);
    assert_eq!(code, 1, "{v}");
    let c8001 = codes(&v).iter().filter(|c| *c == "C8001").count();
    assert_eq!(c8001, 3, "{v}");
    let flagged = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["error"] == true && p["message"].as_str().unwrap().contains("line break"))
        .count();
    assert_eq!(flagged, 3, "{}", v["problems"]);
}

// ---------------------------------------------------------------------------------------
// 9. What the product reads is what camguard checks, or the gate fails.
// ---------------------------------------------------------------------------------------

fn problem_kinds(v: &serde_json::Value) -> Vec<(String, bool, String)> {
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap().to_string(),
                p["error"].as_bool().unwrap(),
                p["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// env_file lines in compose's `KEY: value` form are read; an env_file camguard cannot
/// check (named with `${...}`, outside the scanned tree, missing) fails the gate unless
/// it is `required: false`.
#[test]
fn env_files_are_read_as_compose_reads_them_or_fail_the_gate() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("stack");
    fs::create_dir_all(&p).unwrap();
    fs::write(
        p.join("camunda.env"),
        "CAMUNDA_SECURITY_AUTHENTICATION_UNPROTECTEDAPI: true\n",
    )
    .unwrap();
    fs::write(d.path().join("outside.env"), "X=1\n").unwrap();
    let compose = |env_file: &str| {
        fs::write(
            p.join("docker-compose.yml"),
            format!("services:\n  camunda:\n    image: camunda/camunda:8.8.0\n    env_file: {env_file}\n"),
        )
        .unwrap();
        json(&p, &["."])
    };
    let (v, _, code) = compose("camunda.env");
    assert_eq!(code, 1);
    assert!(codes(&v).contains(&"C8001".to_string()), "{v}");
    assert!(problem_kinds(&v).is_empty(), "{v}");
    for bad in [
        "${ENV_DIR}/camunda.env",
        "../outside.env",
        "missing.env",
        "[{path: \"${X}.env\", required: true}]",
    ] {
        let (v, _, code) = compose(bad);
        let ps = problem_kinds(&v);
        assert_eq!(code, 1, "{bad}: {v}");
        assert!(ps.iter().any(|(_, error, _)| *error), "{bad}: {ps:?}");
    }
    for optional in [
        "[{path: missing.env, required: false}]",
        "[{path: \"${X}.env\", required: false}]",
    ] {
        let (v, _, code) = compose(optional);
        assert_eq!(code, 0, "{optional}: {v}");
    }
}

/// Kubernetes and compose files are recognised by their parsed content: quoted keys,
/// JSON syntax, a comment header longer than a quick look reads. A file named on the
/// command line is checked or reported as not checked.
#[test]
fn manifests_are_recognised_by_parsed_content() {
    let d = tempfile::tempdir().unwrap();
    let container = r#"{"name": "c", "image": "camunda/camunda:8.8.0", "env": [{"name": "CAMUNDA_SECURITY_AUTHENTICATION_UNPROTECTEDAPI", "value": "true"}]}"#;
    fs::write(
        d.path().join("deploy.yaml"),
        format!(r#"{{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {{"name": "x"}}, "spec": {{"template": {{"spec": {{"containers": [{container}]}}}}}}}}"#),
    )
    .unwrap();
    fs::write(
        d.path().join("quoted.yaml"),
        "\"apiVersion\": v1\n'kind': Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: camunda/camunda:8.8.0\n      env:\n        - name: CAMUNDA_SECURITY_AUTHENTICATION_UNPROTECTEDAPI\n          value: \"true\"\n",
    )
    .unwrap();
    let mut header = "# generated\n".repeat(6000);
    header.push_str("services:\n  camunda:\n    image: camunda/camunda:8.8.0\n    environment:\n      CAMUNDA_SECURITY_AUTHENTICATION_UNPROTECTEDAPI: \"true\"\n");
    fs::write(d.path().join("stack.yml"), header).unwrap();
    let (v, _, _) = json(d.path(), &["."]);
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "C8001")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    for p in ["deploy.yaml", "quoted.yaml", "stack.yml"] {
        assert!(paths.contains(&p), "{p} not checked: {v}");
    }
    // Explicitly named, with another extension.
    fs::copy(d.path().join("deploy.yaml"), d.path().join("deploy.json")).unwrap();
    let (v, _, code) = json(d.path(), &["deploy.json"]);
    assert_eq!(code, 1, "{v}");
    fs::write(d.path().join("notes.txt"), "hello\n").unwrap();
    let (v, _, _) = json(d.path(), &["notes.txt"]);
    assert_eq!(v["problems"][0]["kind"], "unrecognized", "{v}");
}

// ---------------------------------------------------------------------------------------
// 10. What the repository's own configuration turned off is visible, and can be undone.
// ---------------------------------------------------------------------------------------

/// A pull request that disables rules, excludes paths, lowers severities, raises
/// fail-on and suppresses findings still passes the gate, but every format says so; and
/// `--no-config --no-ignores` is an audit run nothing in the repository can change.
#[test]
fn every_format_reports_what_the_configuration_switched_off() {
    let d = tempfile::tempdir().unwrap();
    git_repo(d.path());
    fs::write(
        d.path().join("camguard.toml"),
        "ignore = [\"C8001\"]\nexclude = [\"legacy/**\"]\nfail-on = \"critical\"\n[severity]\nCRED002 = \"low\"\n",
    )
    .unwrap();
    fs::create_dir_all(d.path().join("legacy")).unwrap();
    fs::write(d.path().join("legacy/application.yaml"), UNPROTECTED).unwrap();
    fs::write(d.path().join("application.yaml"), UNPROTECTED).unwrap();
    fs::write(
        d.path().join("application-dev.yaml"),
        "# camguard: ignore-file[ALL] nothing to see here\ncamunda:\n  bpm:\n    admin-user:\n      password: literal-pw\n",
    )
    .unwrap();
    fs::write(
        d.path().join("application-prod.yaml"),
        "camunda:\n  bpm:\n    admin-user:\n      password: other-literal-pw\n",
    )
    .unwrap();
    for format in FORMATS {
        let (out, err, code) = run(d.path(), &["check", ".", "--format", format]);
        assert_eq!(
            code, 0,
            "{format}: the configuration lets it pass\n{out}{err}"
        );
        // JSON says it in fields, checked below.
        let phrases: &[&str] = if format == "json" {
            &["switched_off", "C8001", "excluded_files", "CRED002"]
        } else {
            &["C8001", "1 file", "CRED002", "critical", " inline"]
        };
        for what in phrases {
            assert!(
                out.contains(what),
                "{format} does not report `{what}`:\n{out}"
            );
        }
    }
    let (v, _, _) = json(d.path(), &["."]);
    let s = &v["summary"]["switched_off"];
    assert_eq!(s["rules_disabled"], serde_json::json!(["C8001"]), "{s}");
    assert_eq!(s["excluded_files"], 1, "{s}");
    assert!(s["suppressed_inline"].as_u64().unwrap() > 0, "{s}");
    assert_eq!(s["config"], "camguard.toml", "{s}");
    assert_eq!(s["fail_on"], "critical", "{s}");
    assert_eq!(s["severity_overrides"][0]["rule"], "CRED002", "{s}");
    // The audit run.
    let (v, _, code) = json(d.path(), &[".", "--no-config", "--no-ignores"]);
    assert_eq!(code, 1, "{v}");
    let c = codes(&v);
    assert_eq!(c.iter().filter(|x| *x == "C8001").count(), 2, "{v}");
    assert!(c.iter().filter(|x| *x == "CRED002").count() >= 2, "{v}");
    assert!(
        !v["summary"]["switched_off"]["rules_disabled"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == "C8001")
    );
}

/// A minified file (one long line) with more than 1000 findings: every format draws each
/// finding from a window of the line, never the whole line, in time and memory bounds.
#[test]
fn findings_on_one_long_line_render_from_a_window() {
    let d = tempfile::tempdir().unwrap();
    let mut s = String::from("{");
    s.push_str(&"a: 1, ".repeat(1200));
    for i in 0..200_000 {
        s.push_str(&format!("k{i}: v, "));
    }
    s.push_str("z: 1}\n");
    fs::write(d.path().join("application.yaml"), &s).unwrap();
    for format in FORMATS {
        let (out, _, code) = bounded(d.path(), &["check", ".", "--format", format], 60);
        assert_eq!(code, 1, "{format}");
        assert!(
            out.len() < 20_000_000,
            "{format}: {} bytes of output",
            out.len()
        );
    }
}

/// A directory name with characters that are escaped for display (ESC, LF, a backslash)
/// must not change what is found: files are identified by their path, never by its
/// escaped display form (which once split a compose file from the `.env` beside it, and
/// the finding, and the failing gate, disappeared).
#[test]
fn hostile_directory_names_do_not_hide_findings() {
    for name in ["a\u{1b}[31mb", "a\nb", "a\\b", "plain"] {
        let d = tempfile::tempdir().unwrap();
        git_repo(d.path());
        let dir = d.path().join(name);
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("docker-compose.yaml"),
            "services:\n  orchestration:\n    image: camunda/camunda:8.8.1\n    environment:\n      - CAMUNDA_SECURITY_AUTHENTICATION_UNPROTECTEDAPI=${X}\n",
        )
        .unwrap();
        fs::write(dir.join(".env"), "X=true\n").unwrap();
        let (v, err, code) = json(d.path(), &["."]);
        assert_eq!(code, 1, "{name:?}: {v}\n{err}");
        assert!(codes(&v).contains(&"C8001".to_string()), "{name:?}: {v}");
    }
}

/// `camguard deployments` prints names, notes and layers taken from scanned files (a
/// command word here): a control character in them is shown escaped, never raw.
#[test]
fn deployments_output_escapes_control_characters() {
    let d = tempfile::tempdir().unwrap();
    fs::write(
        d.path().join("docker-compose.yml"),
        "services:\n  c:\n    image: camunda/camunda:8.8.0\n    command: [\"--spring.config.import=/etc/\\u001b]8;;x\\u0007\"]\n",
    )
    .unwrap();
    let out = support::camguard_in(d.path())
        .args(["deployments", "."])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\\u{1b}]8;;x\\u{7}"), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
}
