//! JUnit XML: one failing test case per finding (named by rule and position, so that a
//! CI's test history follows each one), one passing case per clean file, and an error
//! case per file that could not be checked.

use crate::model::report::Report;

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even as references.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

pub fn render(report: &Report) -> String {
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
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"camguard\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n  <testsuite name=\"camguard\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{cases}  </testsuite>\n</testsuites>\n"
    )
}
