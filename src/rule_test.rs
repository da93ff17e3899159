//! Rule tests driven by expectation comments in fixture files, the way semgrep and
//! KICS test their rules: `# expect: CODE` on the line above each line that must be
//! flagged. Used by the test suite and by `camguard test-rules`.

use std::path::{Path, PathBuf};

use crate::rules::RuleSet;
use crate::scan::setup::{self, SetupError};
use crate::scan::{self, ScanOptions};

/// (1-based line that must be flagged, rule code)
pub(crate) type Expected = (usize, String);

/// `# expect: A, B` or `# expect: A B` (must fire) or `# ok: A` (must not fire) on the next content line.
fn annotation(line: &str) -> Option<(bool, Vec<String>)> {
    let t = line.trim();
    let body = t
        .strip_prefix('#')
        .or_else(|| t.strip_prefix("<!--").map(|b| b.trim_end_matches("-->")))?
        .trim();
    let (must_fire, rest) = match body.strip_prefix("expect:") {
        Some(r) => (true, r),
        None => (false, body.strip_prefix("ok:")?),
    };
    Some((
        must_fire,
        // Codes never hold spaces: `A B` is two codes, as `A, B` is, not one that matches nothing.
        rest.split(|c: char| c == ',' || c.is_whitespace())
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect(),
    ))
}

/// Annotations attached to the next line that is not itself an annotation.
fn annotations(text: &str, must_fire: bool) -> Vec<Expected> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some((fire, codes)) = annotation(line)
            && fire == must_fire
        {
            let target = (i + 1..lines.len())
                .find(|j| annotation(lines[*j]).is_none())
                .map_or(i + 1, |j| j + 1);
            out.extend(codes.into_iter().map(|c| (target, c)));
        }
    }
    out.sort();
    out
}

/// Every `# expect:` in a fixture, attached to the next line that is not an annotation.
pub fn expectations(text: &str) -> Vec<Expected> {
    annotations(text, true)
}

/// Every `# ok:` in a fixture: lines where the rule must not fire.
pub fn oks(text: &str) -> Vec<Expected> {
    annotations(text, false)
}

/// The outcome of one fixture file for one rule.
#[derive(Debug, Default)]
pub struct FixtureOutcome {
    pub path: PathBuf,
    pub code: String,
    pub expected: Vec<Expected>,
    /// Lines marked `# ok: CODE`.
    pub ok: Vec<Expected>,
    pub actual: Vec<Expected>,
    /// Problems camguard reported while reading the fixture.
    pub problems: Vec<String>,
}

impl FixtureOutcome {
    pub(crate) fn missing(&self) -> Vec<&Expected> {
        self.expected
            .iter()
            .filter(|e| !self.actual.contains(e))
            .collect()
    }

    pub(crate) fn unexpected(&self) -> Vec<&Expected> {
        self.actual
            .iter()
            .filter(|a| !self.expected.contains(a))
            .collect()
    }

    pub fn passed(&self) -> bool {
        self.missing().is_empty() && self.unexpected().is_empty() && self.problems.is_empty()
    }

    pub fn describe(&self) -> String {
        let mut s = format!("{} ({}):", self.path.display(), self.code);
        for (l, c) in self.missing() {
            s.push_str(&format!(" expected {c} on line {l} but it did not fire;"));
        }
        for (l, c) in self.unexpected() {
            if self.ok.contains(&(*l, c.clone())) {
                s.push_str(&format!(" {c} fired on line {l}, marked `ok`;"));
            } else {
                s.push_str(&format!(" {c} fired on line {l} without an expectation;"));
            }
        }
        for p in &self.problems {
            s.push_str(&format!(" problem: {p};"));
        }
        s
    }
}

/// Check one fixture file: the findings of `code` must match its expectations exactly.
pub fn check_fixture(path: &Path, code: &str, rules: &RuleSet) -> FixtureOutcome {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let expected = expectations(&text)
        .into_iter()
        .filter(|(_, c)| c == code)
        .collect();
    let ok = oks(&text).into_iter().filter(|(_, c)| c == code).collect();
    let mut problems: Vec<String> = Vec::new();
    let mut opts = ScanOptions {
        paths: vec![path.to_path_buf()],
        ..ScanOptions::default()
    };
    // A `camguard.toml` beside the fixture gives it a configuration (`camunda-version`).
    let config = path.parent().unwrap_or(Path::new("")).join("camguard.toml");
    if let Ok(t) = std::fs::read_to_string(&config) {
        match crate::config::parse(&config, &t) {
            Ok(c) => opts.config = std::sync::Arc::new(c),
            Err(errs) => problems.extend(errs.into_iter().map(|e| e.message)),
        }
    }
    let report = scan::scan(&opts, rules);
    problems.extend(
        report
            .problems
            .iter()
            .filter(|p| p.kind.is_error())
            .map(|p| p.message.clone()),
    );
    // A fixture that annotates a rule whose product camguard does not see in it tests
    // nothing: the rule never ran. That fails, instead of passing vacuously.
    let annotated = !expected_is_empty(&text, code);
    if annotated
        && let Some(rule) = rules.find(code)
        && !rule.applies_to(&[])
    {
        let detected = detected_products(path);
        if !rule.applies_to(&detected) {
            let seen: Vec<&str> = detected.iter().map(|p| p.id()).collect();
            problems.push(format!(
                "{code} applies to {}, but camguard detected {} in this fixture, so the rule never ran (add the keys that identify the product, or force a kind with a `[[kind]]` glob)",
                rule.product_ids().join(", "),
                if seen.is_empty() {
                    "no product".to_string()
                } else {
                    seen.join(", ")
                }
            ));
        }
    }
    let mut actual: Vec<Expected> = report
        .findings
        .iter()
        .filter(|f| f.rule.code == code)
        .map(|f| (f.file.text.position(f.span.start).line, f.rule.code.clone()))
        .collect();
    actual.sort();
    actual.dedup();
    FixtureOutcome {
        path: path.to_path_buf(),
        code: code.to_string(),
        expected,
        ok,
        actual,
        problems,
    }
}

/// Does the fixture have no `# expect:` or `# ok:` annotation for this code?
fn expected_is_empty(text: &str, code: &str) -> bool {
    !expectations(text)
        .iter()
        .chain(oks(text).iter())
        .any(|(_, c)| c == code)
}

/// The products camguard recognises in a file (of every component).
pub(crate) fn detected_products(path: &Path) -> Vec<crate::model::settings::Product> {
    use crate::discover;
    let Ok(text) = discover::read_text(path, discover::DEFAULT_MAX_FILE_SIZE) else {
        return Vec::new();
    };
    let Some(kind) = discover::classify_name(path).or_else(|| discover::sniff(&text)) else {
        return Vec::new();
    };
    let file = crate::source::SourceFile::new(crate::source::display(path), text);
    let a = crate::analyze::analyze(file, kind, &crate::analyze::Context::default());
    let mut out = Vec::new();
    for c in &a.components {
        for p in &c.products {
            if !out.contains(p) {
                out.push(*p);
            }
        }
    }
    out
}

/// Every file below a directory, sorted.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Files beside fixtures that give them context and are not fixtures themselves: the
/// configuration (`camunda-version`) and a chart's `Chart.yaml` (its version).
pub(crate) fn is_fixture_support(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n == "camguard.toml" || n == "Chart.yaml")
}

/// A rule's fixtures: `<root>/<product>/<CODE>/{bad,good}/...`.
#[derive(Debug, Default)]
pub struct RuleFixtures {
    pub bad: Vec<PathBuf>,
    pub good: Vec<PathBuf>,
}

pub fn fixtures_for(root: &Path, code: &str) -> RuleFixtures {
    let mut out = RuleFixtures::default();
    let Ok(products) = std::fs::read_dir(root) else {
        return out;
    };
    for p in products.flatten() {
        let dir = p.path().join(code);
        out.bad.extend(files_below(&dir.join("bad")));
        out.good.extend(files_below(&dir.join("good")));
    }
    out.bad.retain(|p| !is_fixture_support(p));
    out.good.retain(|p| !is_fixture_support(p));
    out.bad.sort();
    out.good.sort();
    out
}

/// The outcome of `camguard test-rules DIR`.
pub(crate) struct DirRun {
    /// One `FAIL ...` line per failure, then `N passed, N failed`.
    pub text: String,
    pub failed: usize,
}

/// Test the rule files of `dir` against the fixtures beside them: every fixture for every
/// rule of the directory, and every rule must be expected by some fixture.
pub(crate) fn test_dir(dir: &Path) -> Result<DirRun, SetupError> {
    let custom = setup::read_rules_dir(dir)?;
    if custom.is_empty() {
        return Err(SetupError::Message(format!(
            "no rule files (*.toml) in `{}`",
            crate::source::display(dir)
        )));
    }
    let (own, errors) = crate::rules::load::load_files(custom.clone());
    if !errors.is_empty() {
        return Err(SetupError::Source(errors));
    }
    let codes: Vec<String> = own.rules.iter().map(|r| r.code.clone()).collect();
    let rules = setup::with_custom(custom)?;
    let fixtures: Vec<PathBuf> = files_below(dir)
        .into_iter()
        .filter(|p| p.extension().is_none_or(|e| e != "toml") && !is_fixture_support(p))
        .collect();
    let mut text = String::new();
    let (mut passed, mut failed) = (0, 0);
    let mut exercised = std::collections::BTreeSet::new();
    for f in &fixtures {
        for code in &codes {
            let o = check_fixture(f, code, &rules);
            if !o.expected.is_empty() || !o.actual.is_empty() {
                exercised.insert(code.clone());
            }
            if o.passed() {
                passed += 1;
            } else {
                failed += 1;
                text.push_str(&format!("FAIL {}\n", o.describe()));
            }
        }
    }
    for code in &codes {
        if !exercised.contains(code) {
            failed += 1;
            text.push_str(&format!(
                "FAIL {code}: no fixture in `{}` expects it\n",
                crate::source::display(dir)
            ));
        }
    }
    text.push_str(&format!("{passed} passed, {failed} failed\n"));
    Ok(DirRun { text, failed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_separated_by_commas_or_spaces() {
        let want = vec![(2, "C8004".to_string()), (2, "CRED002".to_string())];
        for line in [
            "# expect: C8004, CRED002",
            "# expect: C8004 CRED002",
            "# expect:C8004,CRED002",
        ] {
            assert_eq!(expectations(&format!("{line}\nx: 1\n")), want, "{line}");
        }
    }

    #[test]
    fn expectations_attach_to_the_next_content_line() {
        let text = "a:\n  # expect: C8001, CRED001\n  # expect: C8002\n  b: true\n<!-- expect: C7010 -->\n<x/>\n";
        assert_eq!(
            expectations(text),
            vec![
                (4, "C8001".to_string()),
                (4, "C8002".to_string()),
                (4, "CRED001".to_string()),
                (6, "C7010".to_string())
            ]
        );
    }

    #[test]
    fn ok_marks_lines_that_must_stay_clean() {
        let text = "a:\n  # ok: C8001\n  # expect: C8002\n  b: true\n";
        assert_eq!(oks(text), vec![(4, "C8001".to_string())]);
        assert_eq!(expectations(text), vec![(4, "C8002".to_string())]);
    }
}
