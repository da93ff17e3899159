//! Checks that need code rather than a declarative condition. They are declared in a
//! rule file like every other rule (`builtin = "duplicate-key"`), so they are
//! documented, selected and suppressed the same way.

use std::sync::Arc;

use super::Rule;
use crate::analyze::Analysis;
use crate::finding::{Finding, Related, stable_hash};

/// The builtin checks a rule file may name.
pub const NAMES: &[&str] = &["duplicate-key"];

/// Run a builtin rule over one analysed file.
pub fn run(rule: &Arc<Rule>, analysis: &Analysis) -> Vec<Finding> {
    match rule.builtin.as_deref() {
        Some("duplicate-key") => duplicate_keys(rule, analysis),
        _ => Vec::new(),
    }
}

fn duplicate_keys(rule: &Arc<Rule>, a: &Analysis) -> Vec<Finding> {
    let product = a.components.first().and_then(|c| c.primary_product());
    a.duplicates
        .iter()
        .map(|d| Finding {
            rule: rule.clone(),
            severity: rule.severity,
            message: format!(
                "`{}` is defined twice in the same mapping; only the last value takes effect, \
                 so the earlier one is silently ignored",
                d.key
            ),
            file: a.file.clone(),
            span: d.span,
            label: "this definition wins".into(),
            key: d.key.clone(),
            value_hash: stable_hash(&d.key),
            product,
            component: None,
            related: vec![Related {
                file: a.file.clone(),
                span: d.first,
                label: "first definition, ignored".into(),
            }],
        })
        .collect()
}
