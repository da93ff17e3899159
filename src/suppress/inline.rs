//! Inline suppressions: `# camguard: ignore[C8001, duplicate-key] reason` on any line of
//! a finding's span or on the line directly above it; `camguard: ignore-file[...]` in
//! the comments before a file's first content line. XML uses `<!-- camguard: ... -->`.

use std::sync::Arc;

use crate::model::analysis::Analysis;
use crate::model::finding::Finding;
use crate::model::report::{Suppressed, SuppressionKind};
use crate::model::rule::{RuleInfo, Selector};
use crate::rules::RuleSet;
use crate::rules::builtin::Builtin;
use crate::source::Span;
use crate::syntax::first_content_offset;

#[derive(Clone, Debug)]
pub(crate) struct Directive {
    pub file_level: bool,
    pub selectors: Vec<String>,
    pub reason: Option<String>,
    pub span: Span,
    pub line: usize,
}

/// Parse the text of a comment (without its marker).
pub(crate) fn parse_directive(text: &str) -> Option<(bool, Vec<String>, Option<String>)> {
    let t = text.trim().trim_end_matches("-->").trim();
    let rest = t.strip_prefix("camguard:")?.trim_start();
    let (file_level, rest) = if let Some(r) = rest.strip_prefix("ignore-file") {
        (true, r)
    } else {
        (false, rest.strip_prefix("ignore")?)
    };
    let rest = rest.trim_start().strip_prefix('[')?;
    let end = rest.find(']')?;
    let selectors: Vec<String> = rest[..end]
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if selectors.is_empty() {
        return None;
    }
    let reason = rest[end + 1..].trim().trim_start_matches(['-', ':']).trim();
    Some((
        file_level,
        selectors,
        (!reason.is_empty()).then(|| reason.to_string()),
    ))
}

/// The directives of an analysed file.
pub(crate) fn directives(a: &Analysis) -> Vec<Directive> {
    let text = &a.file.text;
    let first_content = first_content_offset(text.text());
    let mut out: Vec<Directive> = a
        .comments
        .iter()
        .filter_map(|c| {
            let (file_level, selectors, reason) = parse_directive(&c.text)?;
            Some(Directive {
                // `ignore-file` only counts before the first content line.
                file_level: file_level && c.span.start <= first_content,
                selectors,
                reason,
                span: c.span,
                line: text.position(c.span.start).line,
            })
        })
        .collect();
    out.sort_by_key(|d| d.span.start);
    out
}

fn matches(selectors: &[String], rule: &RuleInfo) -> bool {
    selectors
        .iter()
        .any(|s| Selector(s.clone()).matches(&rule.code, &rule.name))
}

fn meta_finding(
    rule: &Arc<RuleInfo>,
    a: &Analysis,
    d: &Directive,
    message: String,
    label: &str,
) -> Finding {
    Finding::builder(rule, &a.file, d.span)
        .message(message)
        .label(label)
        .key(format!("camguard:ignore[{}]", d.selectors.join(",")))
        .value(&d.selectors.join(","))
        .build()
}

/// Apply a file's inline suppressions. Returns the findings that remain (including
/// reports of invalid and unused suppressions) and those suppressed.
pub(crate) fn apply(
    a: &Analysis,
    findings: Vec<Finding>,
    rules: &RuleSet,
    require_reason: bool,
) -> (Vec<Finding>, Vec<Suppressed>) {
    let dirs = directives(a);
    if dirs.is_empty() {
        return (findings, Vec::new());
    }
    let mut used = vec![false; dirs.len()];
    let mut kept = Vec::new();
    let mut suppressed = Vec::new();
    let valid = |d: &Directive| !require_reason || d.reason.is_some();
    for f in findings {
        let same_file = Arc::ptr_eq(&f.file, &a.file);
        let s = a.file.text.position(f.span.start).line;
        let e = a.file.text.position(f.span.end).line;
        let hit = dirs.iter().enumerate().find(|(_, d)| {
            same_file
                && valid(d)
                && matches(&d.selectors, &f.rule)
                && (d.file_level || (d.line + 1 >= s && d.line <= e))
        });
        match hit {
            Some((i, d)) => {
                used[i] = true;
                suppressed.push(Suppressed {
                    finding: f,
                    kind: SuppressionKind::InSource,
                    justification: d.reason.clone().unwrap_or_default(),
                });
            }
            None => kept.push(f),
        }
    }
    let invalid = rules.with_builtin(Builtin::SuppressionWithoutReason);
    let unused = rules.with_builtin(Builtin::UnusedSuppression);
    for (i, d) in dirs.iter().enumerate() {
        if !valid(d) {
            if let Some(rule) = invalid {
                kept.push(meta_finding(
                    &rule.info,
                    a,
                    d,
                    "this suppression has no reason, so it suppresses nothing: add why the finding is accepted after the brackets".into(),
                    "reason missing",
                ));
            }
        } else if !used[i]
            && let Some(rule) = unused
        {
            kept.push(meta_finding(
                &rule.info,
                a,
                d,
                format!(
                    "`camguard: ignore[{}]` suppresses nothing here; remove it",
                    d.selectors.join(", ")
                ),
                "unused suppression",
            ));
        }
    }
    (kept, suppressed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_parse() {
        assert_eq!(
            parse_directive(" camguard: ignore[C8001, duplicate-key] dev only"),
            Some((
                false,
                vec!["C8001".into(), "duplicate-key".into()],
                Some("dev only".into())
            ))
        );
        assert_eq!(
            parse_directive("camguard: ignore-file[ALL] -- generated"),
            Some((true, vec!["ALL".into()], Some("generated".into())))
        );
        assert_eq!(
            parse_directive("camguard: ignore[C8001]"),
            Some((false, vec!["C8001".into()], None))
        );
        assert_eq!(parse_directive("camguard: ignore[]"), None);
        assert_eq!(parse_directive("just a comment"), None);
        assert_eq!(
            parse_directive("camguard: ignore[C7101] commented by design -->"),
            Some((
                false,
                vec!["C7101".into()],
                Some("commented by design".into())
            ))
        );
    }
}
