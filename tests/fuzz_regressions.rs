//! Replays every input under `fuzz/regressions/<target>/` (crashes found by fuzzing,
//! and hand-made hostile inputs) through the same entry points as the fuzz targets,
//! on stable Rust.

use std::path::Path;

#[path = "support/fuzzing.rs"]
mod fuzzing;

#[test]
fn fuzz_regressions_replay_without_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    let mut failed = Vec::new();
    for target in [
        "yaml",
        "properties",
        "dotenv",
        "xml",
        "toml_config",
        "rule_file",
        "check_file",
        "interpolate",
        "expand",
        "helm_merge",
        "spring_json",
        "command_line",
        "mounts",
        "spring_imports",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).unwrap();
            let text = String::from_utf8_lossy(&data);
            let run = std::panic::catch_unwind(|| match target {
                "yaml" => fuzzing::yaml(&text),
                "properties" => fuzzing::properties(&text),
                "dotenv" => fuzzing::dotenv(&text),
                "xml" => fuzzing::xml(&text),
                "toml_config" => fuzzing::toml_config(&text),
                "rule_file" => fuzzing::rule_file(&text),
                "interpolate" => fuzzing::interpolate(&text),
                "expand" => fuzzing::expand(&text),
                "helm_merge" => fuzzing::helm_merge(&text),
                "spring_json" => fuzzing::spring_json(&text),
                "command_line" => fuzzing::command_line(&text),
                "mounts" => fuzzing::mounts(&text),
                "spring_imports" => fuzzing::spring_imports(&text),
                _ => fuzzing::check_file(&data),
            });
            if let Err(e) = run {
                let why = e
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| e.downcast_ref::<&str>().copied())
                    .unwrap_or("panic");
                failed.push(format!("{}: {why}", f.display()));
            }
            replayed += 1;
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {replayed} inputs failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    assert!(
        replayed > 0,
        "no regression inputs found under fuzz/regressions/"
    );
}
