//! Every rule is tested against its fixtures: it must fire exactly on the lines marked
//! `# expect: CODE` in `fixtures/<product>/<CODE>/bad/`, and never in `good/`.

use std::path::Path;

use camguard::rule_test::{check_fixture, expectations, fixtures_for};
use camguard::rules::RuleSet;
use camguard::rules::load::load_embedded;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
}

#[test]
fn all_rule_files_are_valid() {
    let (set, errors) = load_embedded();
    let msgs: Vec<String> = errors
        .iter()
        .map(|e| {
            let at = camguard::source::SourceText::new(e.source.to_string()).position(e.span.start);
            format!(
                "{}:{}:{}: {}",
                e.path.display(),
                at.line,
                at.column,
                e.message
            )
        })
        .collect();
    assert!(msgs.is_empty(), "invalid rule files:\n{}", msgs.join("\n"));
    assert!(!set.rules.is_empty());
}

#[test]
fn every_rule_has_violating_and_clean_fixtures() {
    let rules = RuleSet::shipped();
    let mut missing = Vec::new();
    for r in &rules.rules {
        let fx = fixtures_for(root(), &r.code);
        if fx.good.is_empty() {
            missing.push(format!(
                "{}: no clean fixture in fixtures/*/{}/good/",
                r.code, r.code
            ));
        }
        if fx.bad.is_empty() {
            missing.push(format!(
                "{}: no violating fixture in fixtures/*/{}/bad/",
                r.code, r.code
            ));
        }
        for b in &fx.bad {
            let text = std::fs::read_to_string(b).unwrap_or_default();
            if !expectations(&text).iter().any(|(_, c)| c == &r.code) {
                missing.push(format!(
                    "{}: {} has no `expect: {}`",
                    r.code,
                    b.display(),
                    r.code
                ));
            }
        }
        for g in &fx.good {
            let text = std::fs::read_to_string(g).unwrap_or_default();
            if expectations(&text).iter().any(|(_, c)| c == &r.code) {
                missing.push(format!(
                    "{}: clean fixture {} expects a finding",
                    r.code,
                    g.display()
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn rules_fire_exactly_where_fixtures_expect() {
    let rules = RuleSet::shipped();
    let mut failures = Vec::new();
    let mut checked = 0;
    for r in &rules.rules {
        let fx = fixtures_for(root(), &r.code);
        for f in fx.bad.iter().chain(fx.good.iter()) {
            let outcome = check_fixture(f, &r.code, &rules);
            checked += 1;
            if !outcome.passed() {
                failures.push(outcome.describe());
            }
        }
    }
    assert!(checked > 0);
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
