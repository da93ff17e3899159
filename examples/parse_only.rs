//! The parse limit for the benchmark (BENCHMARKS.md): the same discovery, reading, parsing
//! with spans and normalisation into settings as `camguard check`, on the same threads, but
//! no rule is evaluated and nothing is reported. `camguard check`'s throughput is quoted as
//! a fraction of this one's.
//!
//! ```sh
//! cargo build --release --example parse_only
//! target/release/examples/parse_only bench/tree-large
//! ```

use std::path::PathBuf;
use std::sync::Arc;

use camguard::analyze::{Context, analyze};
use camguard::discover::{self, WalkOptions};
use camguard::scan::DEFAULT_MAX_FILE_SIZE;
use camguard::source::SourceFile;
use rayon::prelude::*;

// The same allocator as the camguard binary (src/main.rs), so that the two compare.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let mut problems = Vec::new();
    let candidates = discover::discover(&paths, &WalkOptions::default(), &mut problems);
    let ctx = Context {
        roots: Arc::new(
            paths
                .iter()
                .filter_map(|p| std::fs::canonicalize(p).ok())
                .collect(),
        ),
        ..Context::default()
    };
    // (files parsed, bytes, settings, problems)
    let (files, bytes, settings, bad) = candidates
        .into_par_iter()
        .map(|c| {
            let Ok(text) = discover::read_text(&c.path, DEFAULT_MAX_FILE_SIZE) else {
                return (0, 0, 0, 1);
            };
            let Some(kind) = c.kind.or_else(|| discover::sniff(&text)) else {
                return (0, 0, 0, 0);
            };
            let len = text.len();
            let analysis = analyze(
                SourceFile::new(camguard::source::display(&c.path), text),
                kind,
                &ctx,
            );
            let settings: usize = analysis.components.iter().map(|c| c.settings.len()).sum();
            (1, len, settings, analysis.problems.len())
        })
        .reduce(
            || (0, 0, 0, 0),
            |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2, a.3 + b.3),
        );
    println!(
        "parsed {files} files, {bytes} bytes, {settings} settings, {} problems",
        bad + problems.len()
    );
}
