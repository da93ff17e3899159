//! The imports of `src/` run one way (docs/architecture.md): each top-level module may
//! use only the modules listed for it. Test modules (`#[cfg(test)]`, at the end of a
//! file) may use anything.

use std::collections::BTreeMap;
use std::path::Path;

/// Each layer and what it may import.
const ALLOWED: &[(&str, &[&str])] = &[
    ("source", &[]),
    ("syntax", &["source"]),
    ("model", &["source"]),
    ("discover", &["model", "source"]),
    ("config", &["model", "source", "syntax"]),
    ("analyze", &["discover", "model", "source", "syntax"]),
    // Deployments turn variables of other files into settings with analyze's readers.
    (
        "deploy",
        &["analyze", "discover", "model", "source", "syntax"],
    ),
    // Rule files are TOML: the loader reads them with `syntax::toml_tree`.
    ("rules", &["model", "source", "syntax"]),
    (
        "suppress",
        &["config", "model", "rules", "source", "syntax"],
    ),
    ("report", &["model", "source"]),
    (
        "scan",
        &[
            "analyze", "config", "deploy", "discover", "model", "rules", "source", "suppress",
            "syntax",
        ],
    ),
    (
        "rule_test",
        &[
            "analyze", "config", "deploy", "discover", "model", "rules", "scan", "source",
            "suppress", "syntax",
        ],
    ),
    (
        "cli",
        &[
            "analyze",
            "config",
            "deploy",
            "discover",
            "model",
            "report",
            "rule_test",
            "rules",
            "scan",
            "source",
            "suppress",
            "syntax",
        ],
    ),
];

fn rs_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The layer a file belongs to: its first path component below `src/`.
fn layer(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// `crate::X` paths in the non-test code of a file, with their line numbers.
fn crate_refs(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((i + 1, name));
            }
            rest = after;
        }
    }
    out
}

#[test]
fn imports_run_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut files = Vec::new();
    rs_files(&src, &mut files);
    let mut violations = Vec::new();
    let mut checked = 0;
    for f in &files {
        let l = layer(&src, f);
        if l == "lib" || l == "main" {
            continue;
        }
        let Some(ok) = allowed.get(l.as_str()) else {
            violations.push(format!("{}: layer `{l}` is not in ALLOWED", f.display()));
            continue;
        };
        let text = std::fs::read_to_string(f).unwrap();
        for (line, target) in crate_refs(&text) {
            checked += 1;
            if target != l && !ok.contains(&target.as_str()) {
                violations.push(format!(
                    "{}:{line}: `{l}` imports `crate::{target}`",
                    f.strip_prefix(&src).unwrap().display()
                ));
            }
        }
    }
    assert!(checked > 100, "found only {checked} crate:: paths");
    assert!(
        violations.is_empty(),
        "imports that run against the layers:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_checker_sees_an_upward_import() {
    let refs = crate_refs("use crate::cli::exit;\n#[cfg(test)]\nuse crate::scan;\n");
    assert_eq!(refs, vec![(1, "cli".to_string())]);
}
