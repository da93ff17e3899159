//! Whether the walk that honours `.gitignore` files could set aside anything that the walk
//! without them found.
//!
//! A directory is walked twice (see [`super::walk`]): once without ignore rules, then once
//! with them, to tell what they set aside. When no rule of a `.gitignore` file that the
//! second walk would read matches a file the first one found, or a directory on its way,
//! the second walk finds the same files and the same problems, and it is not run. On the
//! large benchmark tree it was 8% of the CPU time (BENCHMARKS.md).
//!
//! The test is conservative, never exact: any match, ignore or negation (`!`), of any rule
//! of any `.gitignore` in the tree or above it, whether git would apply that file or not,
//! and any `.gitignore` that cannot be read as a small regular file, mean the second walk
//! runs as before. So a shortcut can only be taken where the second walk would have set
//! nothing aside.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use ignore::gitignore::Gitignore;

/// A `.gitignore` larger than this is left to the walk with ignore rules (which reads it
/// whole): deciding the shortcut never reads more than this of one file.
const MAX_GITIGNORE_BYTES: u64 = 1 << 20;

/// With more `.gitignore` files than this in the tree, the walk with ignore rules runs: each
/// path found is asked of every file's rules here, where that walk asks only the files on
/// its way.
pub(super) const MAX_GITIGNORE_FILES: usize = 64;

/// The rules of one `.gitignore` file, and where they apply.
struct Rules {
    matcher: Gitignore,
    /// `None` for a file above the walked root: the ignore crate matches those against the
    /// canonical root joined with the path below the root (`Ignore::matched_ignore`). For a
    /// file in the tree, its directory as walked: its rules apply to the paths below it.
    within: Option<PathBuf>,
}

enum Read {
    Absent,
    Rules(Gitignore),
    /// Present but not a small regular file, or not parsed without an error: the walk
    /// with ignore rules must run (and report what it reports).
    Unsure,
}

fn read(path: &Path) -> Read {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Read::Absent,
        Err(_) => return Read::Unsure,
    };
    if !meta.file_type().is_file() || meta.len() > MAX_GITIGNORE_BYTES {
        return Read::Unsure;
    }
    match Gitignore::new(path) {
        (matcher, None) => Read::Rules(matcher),
        (_, Some(_)) => Read::Unsure,
    }
}

/// Could the walk of `root` with `.gitignore` rules miss one of `found` (the files and the
/// problem entries the walk without them found, as walked)? `gitignores` are the entries
/// named `.gitignore` that walk listed, each with whether it is a regular file.
pub(super) fn may_set_aside<'a>(
    root: &Path,
    gitignores: &[(PathBuf, bool)],
    found: impl IntoIterator<Item = &'a Path>,
) -> bool {
    if gitignores.len() > MAX_GITIGNORE_FILES {
        return true;
    }
    let Ok(canonical_root) = fs::canonicalize(root) else {
        return true;
    };
    let mut rules = Vec::new();
    // The files of the root's parents, which the ignore crate reads (`parents(true)`).
    for dir in canonical_root.ancestors().skip(1) {
        match read(&dir.join(".gitignore")) {
            Read::Absent => {}
            Read::Rules(matcher) => rules.push(Rules {
                matcher,
                within: None,
            }),
            Read::Unsure => return true,
        }
    }
    for (path, is_file) in gitignores {
        let (true, Some(dir)) = (*is_file, path.parent()) else {
            return true;
        };
        match read(path) {
            Read::Rules(matcher) => rules.push(Rules {
                matcher,
                within: Some(dir.to_path_buf()),
            }),
            // (listed by the walk, gone or changed since: unsure)
            Read::Absent | Read::Unsure => return true,
        }
    }
    rules.retain(|r| !r.matcher.is_empty());
    if rules.is_empty() {
        return false;
    }
    let matches = |path: &Path, is_dir: bool| {
        rules.iter().any(|r| match &r.within {
            Some(dir) => {
                path.starts_with(dir) && path != dir && !r.matcher.matched(path, is_dir).is_none()
            }
            None => path.strip_prefix(root).is_ok_and(|below| {
                !r.matcher
                    .matched(canonical_root.join(below), is_dir)
                    .is_none()
            }),
        })
    };
    // Each directory is asked about once: files of one directory share all of theirs.
    let mut dirs: HashSet<&Path> = HashSet::new();
    for path in found {
        if path == root {
            continue;
        }
        if !path.starts_with(root) {
            return true;
        }
        // (a problem entry may be a directory, a file is not: both are asked)
        if matches(path, false) || matches(path, true) {
            return true;
        }
        for dir in path.ancestors().skip(1) {
            if dir == root || !dir.starts_with(root) || !dirs.insert(dir) {
                break;
            }
            if matches(dir, true) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::{Path, PathBuf};

    use proptest::prelude::*;

    use super::super::{Listed, WalkOptions, walk_dir};
    use super::may_set_aside;

    /// A repository in `base/repo` with an index that tracks nothing, so that the
    /// `.gitignore` files there apply (the ignore crate requires a `.git`).
    fn repository(base: &Path) -> PathBuf {
        let repo = base.join("repo");
        fs::create_dir_all(repo.join(".git")).unwrap();
        let mut index = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        index.extend([0; 20]);
        fs::write(repo.join(".git/index"), index).unwrap();
        repo
    }

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn paths(listed: &Listed) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let mut files: Vec<PathBuf> = listed.candidates.iter().map(|c| c.path.clone()).collect();
        let mut problems: Vec<PathBuf> = listed.problems.iter().map(|p| p.path.clone()).collect();
        files.sort();
        problems.sort();
        (files, problems)
    }

    /// What the walk without ignore rules found, and whether a walk with them could differ.
    fn decide(root: &Path) -> (Listed, bool) {
        let all = walk_dir(root, &WalkOptions::default(), false);
        let found = all
            .candidates
            .iter()
            .map(|c| c.path.as_path())
            .chain(all.problems.iter().map(|p| p.path.as_path()));
        let may = may_set_aside(root, &all.gitignores, found);
        (all, may)
    }

    const FILES: [&str; 8] = [
        "application.yaml",
        "a/application.yaml",
        "a/b/values.yaml",
        "b/x.yml",
        "c/application.properties",
        "d/e/f/camunda.yaml",
        "sub/a/application-prod.yaml",
        "n/readme.txt",
    ];
    const PATTERNS: [&str; 18] = [
        "*.yaml",
        "a/",
        "/b",
        "!application.yaml",
        "c/**",
        "*.yml",
        "application*",
        "**/e",
        "# a comment",
        "",
        "nothing-here",
        "*.txt",
        "target/",
        "/sub/a",
        "f",
        "b/",
        "!*.yml",
        "values.yaml",
    ];
    /// Where a `.gitignore` may be: above the repository, at its root, deeper.
    const PLACES: [&str; 5] = ["", "repo/", "repo/a/", "repo/sub/", "repo/d/e/"];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        /// Whenever the shortcut is taken, the walk with ignore rules finds exactly what the
        /// walk without them found.
        #[test]
        fn the_shortcut_is_taken_only_where_ignore_rules_set_nothing_aside(
            files in prop::collection::vec(0..FILES.len(), 0..6),
            ignores in prop::collection::vec(
                (0..PLACES.len(), prop::collection::vec(0..PATTERNS.len(), 1..4)),
                0..3,
            ),
            from_sub in any::<bool>(),
        ) {
            let d = tempfile::tempdir().unwrap();
            let repo = repository(d.path());
            for f in &files {
                write(&repo.join(FILES[*f]), "server:\n  port: 8080\n");
            }
            for (place, patterns) in &ignores {
                let text: String = patterns.iter().map(|p| format!("{}\n", PATTERNS[*p])).collect();
                write(&d.path().join(PLACES[*place]).join(".gitignore"), &text);
            }
            let root = if from_sub { repo.join("sub") } else { repo };
            fs::create_dir_all(&root).unwrap();
            let (all, may) = decide(&root);
            if !may {
                let kept = walk_dir(&root, &WalkOptions::default(), true);
                prop_assert_eq!(paths(&kept), paths(&all));
            }
        }
    }

    #[test]
    fn rules_that_match_no_configuration_file_leave_one_walk() {
        let d = tempfile::tempdir().unwrap();
        let repo = repository(d.path());
        write(&repo.join("deploy/application.yaml"), "a: 1\n");
        write(&repo.join("target/classes/app.class"), "");
        write(&repo.join(".gitignore"), "*.class\n/build/\n.idea/\n");
        write(&repo.join("deploy/.gitignore"), "# nothing\n\n");
        assert!(!decide(&repo).1);
        // No ignore file at all.
        let d = tempfile::tempdir().unwrap();
        let repo = repository(d.path());
        write(&repo.join("application.yaml"), "a: 1\n");
        assert!(!decide(&repo).1);
    }

    #[test]
    fn any_match_or_an_unreadable_rule_file_walks_again() {
        let cases: [(&str, &str); 5] = [
            // a directory on the way
            ("deploy/\n", ""),
            // the file itself
            ("application.yaml\n", ""),
            // a negation is a match too
            ("!deploy/application.yaml\n", ""),
            // a rule above the scanned directory, matched below it
            ("", "deploy/\n"),
            // not a valid glob: the walk with ignore rules reports it
            ("{a\n", ""),
        ];
        for (in_repo, above) in cases {
            let d = tempfile::tempdir().unwrap();
            let repo = repository(d.path());
            write(&repo.join("deploy/application.yaml"), "a: 1\n");
            if !in_repo.is_empty() {
                write(&repo.join(".gitignore"), in_repo);
            }
            if !above.is_empty() {
                write(&d.path().join(".gitignore"), above);
            }
            assert!(decide(&repo).1, "{in_repo:?} {above:?}");
        }
        // Too large to read for the decision.
        let d = tempfile::tempdir().unwrap();
        let repo = repository(d.path());
        write(&repo.join("application.yaml"), "a: 1\n");
        write(&repo.join(".gitignore"), &"# x\n".repeat(300_000));
        assert!(decide(&repo).1);
        // More rule files than are worth asking one by one.
        let d = tempfile::tempdir().unwrap();
        let repo = repository(d.path());
        write(&repo.join("application.yaml"), "a: 1\n");
        for i in 0..=super::MAX_GITIGNORE_FILES {
            write(&repo.join(format!("d{i}/.gitignore")), "*.class\n");
        }
        assert!(decide(&repo).1);
        fs::remove_dir_all(repo.join("d0")).unwrap();
        assert!(!decide(&repo).1);
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_rule_file_walks_again() {
        let d = tempfile::tempdir().unwrap();
        let repo = repository(d.path());
        write(&repo.join("application.yaml"), "a: 1\n");
        write(&d.path().join("rules"), "# none\n");
        std::os::unix::fs::symlink("../rules", repo.join(".gitignore")).unwrap();
        assert!(decide(&repo).1);
    }
}
