//! JUnit XML: one failing test case per finding (named by rule and position, so that a
//! CI's test history follows each one), one passing case per clean file, and an error
//! case per file that could not be checked.

use crate::model::report::Report;

/// One field as XML 1.0 text, always well-formed, control characters visible.
pub(crate) fn escape(s: &str) -> String {
    super::escape::xml(s)
}

/// The counts come first, so the cases are written after them as they are rendered.
pub(crate) fn render(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let failures = report.findings.len();
    let failing_files: std::collections::BTreeSet<String> =
        report.findings.iter().map(|f| f.path()).collect();
    let problem_files: std::collections::HashSet<&str> =
        report.problems.iter().map(|p| p.path.as_str()).collect();
    let errors = report.problems.iter().filter(|p| p.kind.is_error()).count();
    let passing: Vec<&crate::model::report::ScannedFile> = report
        .files
        .iter()
        .filter(|f| !failing_files.contains(&f.path) && !problem_files.contains(f.path.as_str()))
        .collect();
    let tests = failures + errors + passing.len();
    let properties = if report.switched_off.any() {
        format!(
            "    <properties>\n      <property name=\"camguard.switched-off\" value=\"{}\"/>\n    </properties>\n",
            escape(&report.switched_off.describe())
        )
    } else {
        String::new()
    };
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"camguard\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n  <testsuite name=\"camguard\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{properties}"
    )?;
    super::stream::in_order(
        &report.findings,
        |f| {
            let path = f.path();
            let at = f.file.text.position(f.span.start);
            let detail = format!(
                "{path}:{}:{}: [{}] {}",
                at.line, at.column, f.severity, f.message
            );
            format!(
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
            )
        },
        |case| out.write_all(case.as_bytes()),
    )?;
    for p in report.problems.iter().filter(|p| p.kind.is_error()) {
        write!(
            out,
            "    <testcase classname=\"{}\" name=\"camguard {}\">\n      <error message=\"{}\" type=\"{}\"/>\n    </testcase>\n",
            escape(&p.path),
            p.kind.as_str(),
            escape(&p.message),
            p.kind.as_str(),
        )?;
    }
    for f in passing {
        writeln!(
            out,
            "    <testcase classname=\"{}\" name=\"camguard\"/>",
            escape(&f.path)
        )?;
    }
    out.write_all(b"  </testsuite>\n</testsuites>\n")
}
