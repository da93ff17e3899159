//! The files people and CI run before camguard itself: `action.yml`, `.pre-commit-hooks.yaml`,
//! the GitHub workflows and the README's commands and `camguard.toml` examples.
//!
//! YAML is parsed with `serde_yaml_ng`, which is libyaml (the YAML 1.1 parser behind PyYAML)
//! translated to Rust: like GitHub it rejects a plain scalar holding `: ` and a mapping with a
//! duplicate key. camguard's own YAML parser is deliberately lenient and is not used here.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use regex::Regex;
use serde_yaml_ng::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

fn parse_yaml(name: &str, text: &str) -> Result<Value, String> {
    serde_yaml_ng::from_str::<Value>(text).map_err(|e| format!("{name}: {e}"))
}

fn load_yaml(rel: &str) -> Value {
    parse_yaml(rel, &read(rel)).unwrap_or_else(|e| panic!("{e}"))
}

/// `.github/workflows/*.yml` and `*.yaml`, relative to the repository root, sorted.
fn workflows() -> Vec<String> {
    let dir = root().join(".github/workflows");
    let mut out: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yml") || n.ends_with(".yaml"))
        .map(|n| format!(".github/workflows/{n}"))
        .collect();
    out.sort();
    out
}

/// The files whose `uses:` and `run:` GitHub executes.
fn action_and_workflows() -> Vec<String> {
    let mut files = vec!["action.yml".to_string()];
    files.extend(workflows());
    files
}

/// Every string value of `key`, anywhere in the document.
fn strings_of(v: &Value, key: &str, out: &mut Vec<String>) {
    match v {
        Value::Mapping(m) => {
            for (k, val) in m {
                if k.as_str() == Some(key)
                    && let Some(s) = val.as_str()
                {
                    out.push(s.to_string());
                }
                strings_of(val, key, out);
            }
        }
        Value::Sequence(items) => items.iter().for_each(|i| strings_of(i, key, out)),
        Value::Tagged(t) => strings_of(&t.value, key, out),
        _ => {}
    }
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_mapping()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn steps(v: &Value) -> Vec<&Value> {
    v.get("steps")
        .and_then(Value::as_sequence)
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

#[test]
fn the_yaml_parser_rejects_what_github_rejects() {
    // The line that made action.yml unloadable (newcomer report, B1).
    let colon =
        "inputs:\n  upload:\n    description: Upload the SARIF (needs `security-events: write`).\n";
    assert!(parse_yaml("colon", colon).is_err());
    let duplicate = "on: push\njobs: {}\njobs: {}\n";
    assert!(parse_yaml("duplicate", duplicate).is_err());
    let tab = "jobs:\n\tbuild: {}\n";
    assert!(parse_yaml("tab", tab).is_err());
}

#[test]
fn action_hooks_and_workflows_are_valid_yaml() {
    let flows = workflows();
    assert!(
        flows.contains(&".github/workflows/ci.yml".to_string())
            && flows.contains(&".github/workflows/release.yml".to_string()),
        "{flows:?}"
    );
    let mut files = action_and_workflows();
    files.push(".pre-commit-hooks.yaml".into());
    for f in &files {
        load_yaml(f);
    }
}

#[test]
fn action_yml_has_the_shape_github_loads() {
    let a = load_yaml("action.yml");
    let allowed: BTreeSet<String> = [
        "name",
        "author",
        "description",
        "inputs",
        "outputs",
        "runs",
        "branding",
    ]
    .map(String::from)
    .into();
    let top = keys(&a);
    assert!(top.is_subset(&allowed), "unknown top-level keys: {top:?}");
    for k in ["name", "description", "runs"] {
        assert!(top.contains(k), "action.yml needs `{k}`");
    }
    let runs = &a["runs"];
    assert_eq!(runs["using"].as_str(), Some("composite"));
    let inputs = keys(&a["inputs"]);
    for i in &inputs {
        assert!(
            a["inputs"][i.as_str()]["description"].as_str().is_some(),
            "input `{i}` has no description"
        );
    }
    let step_list = steps(runs);
    assert!(!step_list.is_empty());
    let ids: BTreeSet<&str> = step_list.iter().filter_map(|s| s["id"].as_str()).collect();
    for s in &step_list {
        if s.get("run").is_some() {
            assert!(
                s["shell"].as_str().is_some(),
                "a composite `run:` step needs `shell`: {s:?}"
            );
        }
    }
    let text = read("action.yml");
    // Every `inputs.X` names a declared input, every `steps.ID.outputs.NAME` a step that writes NAME.
    let input_ref = Regex::new(r"inputs\.([A-Za-z0-9_-]+)").unwrap();
    for c in input_ref.captures_iter(&text) {
        assert!(inputs.contains(&c[1]), "`inputs.{}` is not declared", &c[1]);
    }
    let output_ref = Regex::new(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)").unwrap();
    let mut seen = 0;
    for c in output_ref.captures_iter(&text) {
        seen += 1;
        assert!(ids.contains(&c[1]), "no step with id `{}`", &c[1]);
        let step = step_list
            .iter()
            .find(|s| s["id"].as_str() == Some(&c[1]))
            .unwrap();
        let run = step["run"].as_str().unwrap_or("");
        assert!(
            run.contains(&format!("echo \"{}=", &c[2])),
            "step `{}` never writes output `{}`",
            &c[1],
            &c[2]
        );
    }
    assert!(seen > 0);
}

#[test]
fn workflows_have_the_shape_github_loads_and_least_privilege() {
    let allowed: BTreeSet<String> = [
        "name",
        "run-name",
        "on",
        "permissions",
        "env",
        "defaults",
        "concurrency",
        "jobs",
    ]
    .map(String::from)
    .into();
    for f in workflows() {
        let w = load_yaml(&f);
        let top = keys(&w);
        assert!(
            top.is_subset(&allowed),
            "{f}: unknown top-level keys {top:?}"
        );
        assert!(
            top.contains("on") && top.contains("jobs"),
            "{f}: needs `on` and `jobs`"
        );
        // Nothing by default; each job asks for what it needs.
        let perms = w.get("permissions").and_then(Value::as_mapping);
        assert!(
            perms.is_some_and(|m| m.is_empty()),
            "{f}: top-level `permissions: {{}}` expected"
        );
        let jobs = w["jobs"].as_mapping().expect("jobs is a mapping");
        assert!(!jobs.is_empty());
        for (name, job) in jobs {
            let name = name.as_str().unwrap_or("?");
            assert!(
                job.get("runs-on").is_some() || job.get("uses").is_some(),
                "{f}: job `{name}` has no runs-on"
            );
            assert!(
                job.get("permissions").and_then(Value::as_mapping).is_some(),
                "{f}: job `{name}` does not declare its permissions"
            );
            for s in steps(job) {
                if s["uses"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("actions/checkout@"))
                {
                    assert_eq!(
                        s["with"]["persist-credentials"].as_bool(),
                        Some(false),
                        "{f}: job `{name}` leaves the token in .git/config"
                    );
                }
            }
        }
    }
}

#[test]
fn every_action_is_pinned_to_a_commit_with_its_version() {
    let pinned = Regex::new(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$").unwrap();
    let line_re = Regex::new(r"^\s*(?:-\s+)?uses:\s*(\S+)\s*(?:#\s*(\S+))?").unwrap();
    let version = Regex::new(r"^v\d+(\.\d+)*$").unwrap();
    let mut count = 0;
    for f in action_and_workflows() {
        let doc = load_yaml(&f);
        let mut uses = Vec::new();
        strings_of(&doc, "uses", &mut uses);
        for u in &uses {
            count += 1;
            assert!(
                pinned.is_match(u),
                "{f}: `uses: {u}` is not pinned to a full commit SHA"
            );
        }
        let text = read(&f);
        let mut on_lines = 0;
        for line in text.lines() {
            if let Some(c) = line_re.captures(line) {
                on_lines += 1;
                let comment = c.get(2).map_or("", |m| m.as_str());
                assert!(
                    version.is_match(comment),
                    "{f}: `{line}` has no `# vX.Y.Z` comment naming the pinned release"
                );
            }
        }
        assert_eq!(
            on_lines,
            uses.len(),
            "{f}: write each `uses:` on its own line"
        );
    }
    assert!(
        count >= 4,
        "expected checkout, upload-sarif and the artifact actions"
    );
}

#[test]
fn no_expression_is_expanded_inside_a_script() {
    // Inputs and event data reach scripts through `env:`; an expression in `run:` is pasted into
    // the script before bash sees it (template injection).
    let mut count = 0;
    for f in action_and_workflows() {
        let mut runs = Vec::new();
        strings_of(&load_yaml(&f), "run", &mut runs);
        for r in &runs {
            count += 1;
            for bad in ["${{ inputs.", "${{ github.event", "${{"] {
                assert!(!r.contains(bad), "{f}: a `run:` contains `{bad}`:\n{r}");
            }
        }
    }
    assert!(count >= 6);
}

/// The target triples named in a text.
fn triples(text: &str) -> BTreeSet<String> {
    let re = Regex::new(r"\b(?:x86_64|aarch64)-[a-z]+-[a-z]+(?:-[a-z]+)?\b").unwrap();
    re.find_iter(text).map(|m| m.as_str().to_string()).collect()
}

#[test]
fn the_action_downloads_what_the_release_builds() {
    let release = load_yaml(".github/workflows/release.yml");
    let include = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .expect("release.yml: jobs.build.strategy.matrix.include");
    let built: BTreeSet<String> = include
        .iter()
        .map(|e| e["target"].as_str().expect("target").to_string())
        .collect();
    let expected: BTreeSet<String> = [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ]
    .map(String::from)
    .into();
    assert_eq!(built, expected);
    let action = load_yaml("action.yml");
    let install = steps(&action["runs"])
        .into_iter()
        .find(|s| s["id"].as_str() == Some("install"))
        .and_then(|s| s["run"].as_str())
        .expect("action.yml: the install step")
        .to_string();
    let wanted = triples(&install);
    assert!(!wanted.is_empty());
    assert!(
        wanted.is_subset(&built),
        "the action downloads targets the release does not build: {:?}",
        wanted.difference(&built).collect::<Vec<_>>()
    );
    // One naming scheme on both sides: camguard-v<version>-<target>.<tar.gz|zip>, with the tag
    // checked against Cargo.toml's version before anything is built.
    let package = read(".github/workflows/release.yml");
    assert!(package.contains(r#"stem="camguard-$TAG-$TARGET""#));
    assert!(package.contains(r#"[ "$TAG" != "v$version" ]"#));
    assert!(package.contains(r#"tar -czf "$stem.tar.gz""#) && package.contains("$env:STEM.zip"));
    assert!(package.contains("sha256sum camguard-* > SHA256SUMS"));
    // The binary packaged is the one built: the profile's output directory.
    let profile = package
        .split("cargo build --profile ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("release.yml builds with --profile");
    assert!(
        package.contains(&format!(r#"cp "target/$TARGET/{profile}/camguard$exe""#)),
        "release.yml packages a binary from another profile than `{profile}`"
    );
    let manifest = read("Cargo.toml");
    assert!(
        profile == "release" || manifest.contains(&format!("[profile.{profile}]")),
        "Cargo.toml has no [profile.{profile}]"
    );
    assert!(install.contains(r#"stem="camguard-v$version-$target""#));
    assert!(install.contains("ext=tar.gz") && install.contains("ext=zip"));
    assert!(install.contains("SHA256SUMS"));
}

#[test]
fn the_action_passes_fail_on_only_when_given() {
    let action = load_yaml("action.yml");
    assert_eq!(action["inputs"]["fail-on"]["default"].as_str(), Some(""));
    let run = steps(&action["runs"])
        .into_iter()
        .find(|s| s["id"].as_str() == Some("run"))
        .and_then(|s| s["run"].as_str())
        .expect("action.yml: the run step");
    assert!(run.contains(r#"if [ -n "$CG_FAIL_ON" ]; then args+=(--fail-on "$CG_FAIL_ON"); fi"#));
    assert_eq!(run.matches("--fail-on").count(), 1, "{run}");
    assert!(run.contains("--format github") && run.contains("sarif=$sarif"));
}

/// Fenced code blocks of a markdown text: (info string, content), indentation removed.
fn fenced_blocks(md: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = md.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let Some(info) = trimmed.strip_prefix("```") else {
            continue;
        };
        let indent = line.len() - trimmed.len();
        let mut body = String::new();
        for l in lines.by_ref() {
            if l.trim_start().starts_with("```") {
                break;
            }
            body.push_str(l.get(indent..).unwrap_or(l.trim_start()));
            body.push('\n');
        }
        out.push((info.trim().to_string(), body));
    }
    out
}

fn readme_blocks(lang: &[&str]) -> Vec<String> {
    fenced_blocks(&read("README.md"))
        .into_iter()
        .filter(|(info, _)| lang.contains(&info.as_str()))
        .map(|(_, body)| body)
        .collect()
}

/// TOML 1.0 (Python's tomllib, taplo, most editors) keeps an inline table on one line; the toml
/// crate also reads TOML 1.1, which does not.
fn inline_tables_on_one_line(text: &str) -> Result<(), String> {
    for (n, line) in text.lines().enumerate() {
        let mut depth = 0i32;
        let mut quote: Option<char> = None;
        for ch in line.chars() {
            match (quote, ch) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(ch),
                (None, '#') => break,
                (None, '{') => depth += 1,
                (None, '}') => depth -= 1,
                _ => {}
            }
        }
        if depth != 0 {
            return Err(format!(
                "line {}: an inline table spans lines: {line}",
                n + 1
            ));
        }
    }
    Ok(())
}

fn toml_accepted(text: &str) -> Result<(), String> {
    toml::de::DeTable::parse(text).map_err(|e| format!("not TOML: {e}"))?;
    inline_tables_on_one_line(text)?;
    camguard::config::parse(Path::new("camguard.toml"), text).map_err(|errs| {
        let msgs: Vec<String> = errs.iter().map(|e| e.message.clone()).collect();
        format!("rejected by camguard's configuration parser: {msgs:?}")
    })?;
    Ok(())
}

#[test]
fn the_old_readme_configuration_is_rejected() {
    // Newcomer report B2: an inline `ignore` array extended with `[[ignore]]` tables.
    let old = "ignore = [\"C8003\"]\n\n[[ignore]]\nrules = [\"C8001\"]\npath = \"local-dev/**\"\nreason = \"dev\"\n";
    assert!(toml_accepted(old).is_err());
    let multi_line = "ignore = [{ rules = [\"C8001\"],\n  reason = \"dev\" }]\n";
    assert!(toml_accepted(multi_line).is_err());
    assert!(toml_accepted("fail-on = \"urgent\"\n").is_err());
}

#[test]
fn every_toml_block_of_the_readme_is_a_configuration_camguard_accepts() {
    let blocks = readme_blocks(&["toml"]);
    assert!(!blocks.is_empty());
    for (i, block) in blocks.iter().enumerate() {
        toml_accepted(block)
            .unwrap_or_else(|e| panic!("README toml block {}: {e}\n{block}", i + 1));
        // And through the command line, which also checks the rule selectors and loads `rules-dir`.
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("camguard.toml"), block).unwrap();
        let doc = toml::de::DeTable::parse(block).unwrap();
        if let Some(dirs) = doc.get_ref().get("rules-dir")
            && let Some(dirs) = dirs.get_ref().as_array()
        {
            for d in dirs {
                fs::create_dir_all(dir.path().join(d.get_ref().as_str().unwrap())).unwrap();
            }
        }
        let out = Command::cargo_bin("camguard")
            .unwrap()
            .current_dir(dir.path())
            .args(["check", "--config", "camguard.toml", "--show-config"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README toml block {}: camguard check --config exits {:?}\n{}",
            i + 1,
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn every_yaml_block_of_the_readme_parses() {
    let blocks = readme_blocks(&["yaml", "yml"]);
    assert!(!blocks.is_empty());
    for b in blocks {
        parse_yaml("README yaml block", &b).unwrap_or_else(|e| panic!("{e}\n{b}"));
    }
}

#[test]
fn the_readme_first_command_runs_on_the_repository() {
    let md = read("README.md");
    let first_block = fenced_blocks(&md)
        .into_iter()
        .find(|(info, _)| matches!(info.as_str(), "sh" | "bash" | "shell" | "console"))
        .expect("a shell block in README.md")
        .1;
    let command = first_block
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .expect("a command")
        .to_string();
    assert!(
        !command.contains("../"),
        "{command}: outside the repository"
    );
    let words: Vec<&str> = command.split_whitespace().collect();
    let args: Vec<&str> = match words.iter().position(|w| *w == "--") {
        Some(i) if words.starts_with(&["cargo", "run"]) => words[i + 1..].to_vec(),
        _ if words.first() == Some(&"camguard") => words[1..].to_vec(),
        _ => panic!("{command}: expected `cargo run ... -- check PATH` or `camguard check PATH`"),
    };
    assert_eq!(args.first(), Some(&"check"), "{command}");
    let paths: Vec<&str> = args[1..]
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    assert!(!paths.is_empty(), "{command}: names no path");
    for p in &paths {
        assert!(
            root().join(p).exists(),
            "{command}: `{p}` is not in the repository"
        );
    }
    let out = Command::cargo_bin("camguard")
        .unwrap()
        .current_dir(root())
        .args(&args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "{command} exits {code:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string();
    // The README quotes the summary the command prints.
    let quoted = Regex::new(r"`(Scanned [^`]+)`").unwrap();
    let after = &md[md.find(&command).unwrap()..];
    let claim = quoted
        .captures(after)
        .map(|c| c[1].to_string())
        .expect("README quotes the first command's summary line");
    // Finding counts move with every rule change; the README promises the shape of the
    // line and the number of files, which only change when the corpus does.
    let shape = Regex::new(r"^Scanned (\d+) files: \d+ findings \(.*\)\.$").unwrap();
    let files = |line: &str| {
        shape
            .captures(line)
            .map(|c| c[1].to_string())
            .unwrap_or_else(|| panic!("not a summary line: {line}"))
    };
    assert_eq!(
        files(&claim),
        files(&summary),
        "README.md quotes a summary for another number of files: {claim} / {summary}"
    );
    assert!(!summary.starts_with("Scanned 0 files"), "{summary}");
    if code == Some(1) {
        assert!(after[..after.find("## ").unwrap_or(after.len())].contains("exits with `1`"));
    }
}

#[test]
fn every_cargo_install_uses_the_lock_file() {
    let mut count = 0;
    for f in ["README.md", "action.yml", ".ci/run"] {
        for line in read(f).lines().filter(|l| l.contains("cargo install")) {
            count += 1;
            assert!(
                line.contains("--locked"),
                "{f}: `{}` ignores Cargo.lock",
                line.trim()
            );
        }
    }
    assert!(count >= 3, "{count}");
}

#[test]
fn the_pre_commit_hook_is_valid_and_sees_every_file_camguard_checks() {
    let hooks = load_yaml(".pre-commit-hooks.yaml");
    let list = hooks.as_sequence().expect("a list of hooks");
    assert!(!list.is_empty());
    let known: BTreeSet<String> = [
        "id",
        "name",
        "entry",
        "language",
        "files",
        "exclude",
        "types",
        "types_or",
        "exclude_types",
        "always_run",
        "fail_fast",
        "verbose",
        "pass_filenames",
        "require_serial",
        "description",
        "language_version",
        "minimum_pre_commit_version",
        "args",
        "stages",
        "additional_dependencies",
    ]
    .map(String::from)
    .into();
    let hook = list
        .iter()
        .find(|h| h["id"].as_str() == Some("camguard"))
        .expect("hook id camguard");
    for h in list {
        let k = keys(h);
        assert!(k.is_subset(&known), "unknown hook keys {k:?}");
        for required in ["id", "name", "entry", "language"] {
            assert!(h[required].as_str().is_some(), "hook without `{required}`");
        }
    }
    assert!(
        hook["entry"]
            .as_str()
            .unwrap()
            .starts_with("camguard check")
    );
    // --force-exclude makes camguard.toml's `exclude` apply to the files pre-commit passes; pass it
    // as soon as camguard has it.
    let help = Command::cargo_bin("camguard")
        .unwrap()
        .args(["check", "--help"])
        .output()
        .unwrap();
    if String::from_utf8_lossy(&help.stdout).contains("--force-exclude") {
        let args: Vec<&str> = hook["args"]
            .as_sequence()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert!(
            args.contains(&"--force-exclude"),
            "the hook should pass --force-exclude"
        );
    }

    // pre-commit's patterns are Python regexes searched in the path; these use only syntax that
    // Rust's regex crate reads the same way.
    let files = Regex::new(hook["files"].as_str().expect("files")).unwrap();
    let exclude = hook["exclude"].as_str().map(|e| Regex::new(e).unwrap());
    let passed = |p: &str| files.is_match(p) && !exclude.as_ref().is_some_and(|e| e.is_match(p));
    let out = Command::cargo_bin("camguard")
        .unwrap()
        .current_dir(root())
        .args([
            "check",
            "--show-files",
            "--isolated",
            "tests/corpus",
            "fixtures",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let listed = String::from_utf8_lossy(&out.stdout);
    let mut kinds = BTreeSet::new();
    let mut n = 0;
    for line in listed.lines() {
        let Some((path, kind)) = line.split_once('\t') else {
            continue;
        };
        n += 1;
        kinds.insert(kind.to_string());
        assert!(
            passed(path),
            "the hook would not pass `{path}` ({kind}) to camguard"
        );
    }
    assert!(
        n > 100 && kinds.contains("k8s") && kinds.contains("env"),
        "{kinds:?}"
    );
    for p in [
        "k8s/manifest.yaml",
        "deploy/Compose.YML",
        "config/.env.production",
        "prod.env",
    ] {
        assert!(passed(p), "{p}");
    }
    // Chart templates are passed: camguard itself skips them beside a Chart.yaml (with a
    // note), and checks a Kubernetes manifest in any other folder named `templates`.
    for p in ["src/main.rs", "Cargo.toml", "README.md"] {
        assert!(!passed(p), "{p}");
    }
}
