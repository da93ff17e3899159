//! JUnit XML: one test case per rule and file with findings (failures), one passing
//! case per clean file, and an error case per file that could not be checked.

use std::collections::BTreeMap;

use crate::model::report::Report;

/// One field as XML 1.0 text, always well-formed, control characters visible.
pub fn escape(s: &str) -> String {
    super::escape::xml(s)
}

pub fn render(report: &Report) -> String {
    let mut groups: BTreeMap<(String, String), Vec<&crate::model::finding::Finding>> =
        BTreeMap::new();
    for f in &report.findings {
        groups
            .entry((f.path(), f.rule.code.clone()))
            .or_default()
            .push(f);
    }
    let mut cases = String::new();
    let mut failures = 0;
    for ((path, _), fs) in &groups {
        failures += 1;
        let rule = &fs[0].rule;
        let details: Vec<String> = fs
            .iter()
            .map(|f| {
                let at = f.file.text.position(f.span.start);
                format!(
                    "{path}:{}:{}: [{}] {}",
                    at.line, at.column, f.severity, f.message
                )
            })
            .collect();
        cases.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{} {}\">\n      <failure message=\"{}\" type=\"{}\">{}\n{}</failure>\n    </testcase>\n",
            escape(path),
            escape(&rule.code),
            escape(&rule.name),
            escape(&fs[0].message),
            fs.iter().map(|f| f.severity).max().map_or("low", |s| s.as_str()),
            details.iter().map(|d| escape(d)).collect::<Vec<_>>().join("\n"),
            escape(&rule.docs),
        ));
    }
    let mut errors = 0;
    for p in report.problems.iter().filter(|p| p.kind.is_error()) {
        errors += 1;
        cases.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"camguard {}\">\n      <error message=\"{}\" type=\"{}\"/>\n    </testcase>\n",
            escape(&p.path),
            p.kind.as_str(),
            escape(&p.message),
            p.kind.as_str(),
        ));
    }
    let mut passed = 0;
    for f in &report.files {
        if !groups.keys().any(|(p, _)| p == &f.path)
            && !report.problems.iter().any(|p| p.path == f.path)
        {
            passed += 1;
            cases.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"camguard\"/>\n",
                escape(&f.path)
            ));
        }
    }
    let tests = failures + errors + passed;
    let properties = if report.switched_off.any() {
        format!(
            "    <properties>\n      <property name=\"camguard.switched-off\" value=\"{}\"/>\n    </properties>\n",
            escape(&report.switched_off.describe())
        )
    } else {
        String::new()
    };
    let cases = format!("{properties}{cases}");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"camguard\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n  <testsuite name=\"camguard\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{cases}  </testsuite>\n</testsuites>\n"
    )
}
