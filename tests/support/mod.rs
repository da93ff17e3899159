//! What the integration tests share. Each test binary includes this module and uses
//! part of it, so unused items are expected here.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

/// The camguard binary, run in `dir`, with a time limit that no test input should reach.
pub fn camguard_in(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("camguard").expect("binary builds");
    c.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("FORCE_HYPERLINK")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_ACTIONS")
        .timeout(Duration::from_secs(120));
    c
}

/// The camguard binary, run in the repository.
pub fn camguard() -> Command {
    camguard_in(Path::new(env!("CARGO_MANIFEST_DIR")))
}
