//! JUnit XML: one failing test case per finding (named by rule and position, so that a
//! CI's test history follows each one), one passing case per clean file, and an error
//! case per file that could not be checked.

use crate::model::report::Report;

/// One field as XML 1.0 text, always well-formed, control characters visible.
pub(crate) fn escape(s: &str) -> String {
    super::escape::xml(s)
}

pub(crate) fn render(report: &Report) -> String {
    let mut cases = String::new();
    let mut failures = 0;
    let mut failing_files = std::collections::BTreeSet::new();
    for f in &report.findings {
        failures += 1;
        let path = f.path();
        let at = f.file.text.position(f.span.start);
        let detail = format!(
            "{path}:{}:{}: [{}] {}",
            at.line, at.column, f.severity, f.message
        );
        cases.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{} {} at {}:{}\">\n      <failure message=\"{}\" type=\"{}\">{}\n{}</failure>\n    </testcase>\n",
            escape(&path),
            escape(&f.rule.code),
            escape(&f.rule.name),
            at.line,
            at.column,
            escape(&f.message),
            f.severity.as_str(),
            escape(&detail),
            escape(&f.rule.docs),
        ));
        failing_files.insert(path);
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
        if !failing_files.contains(&f.path) && !report.problems.iter().any(|p| p.path == f.path) {
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
