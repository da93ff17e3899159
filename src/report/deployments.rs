//! `camguard deployments`: each deployment, its layers in precedence order, and each
//! effective security-relevant setting with its origin and what it overrode or read.
//! Secret values are masked.

use serde_json::{Value as Json, json};

use super::one_line;
use crate::model::MASK;
use crate::model::deployment::Deployment;
use crate::model::problem::Problem;
use crate::model::settings::Setting;
use crate::source::{FileRef, Span};

/// The formats of `camguard deployments`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DeploymentsFormat {
    Human,
    Json,
}

/// Which settings to show: those a rule reads and secrets.
pub(crate) type Relevant<'a> = &'a dyn Fn(&Deployment, &Setting) -> bool;

fn at(file: &FileRef, span: Span) -> (String, usize, usize) {
    let p = file.text.position(span.start);
    (file.display_path(), p.line, p.column)
}

fn shown_value(s: &Setting) -> Option<String> {
    if s.unknown().is_some() {
        None
    } else if s.is_secret() {
        Some(MASK.to_string())
    } else {
        Some(one_line(&s.value.display()))
    }
}

/// The human listing.
pub(crate) fn human(
    deployments: &[Deployment],
    problems: &[Problem],
    relevant: Relevant<'_>,
) -> String {
    let mut out = String::new();
    for d in deployments {
        let products: Vec<&str> = d.products.iter().map(|p| p.id()).collect();
        out.push_str(&format!("{} ({}", d.name, d.kind.id()));
        if !products.is_empty() {
            out.push_str(&format!(", {}", products.join(", ")));
        }
        if let Some(v) = &d.version {
            out.push_str(&format!(", version {v}"));
        }
        out.push_str(&format!(", {}", d.environment.id()));
        if let Some(r) = &d.environment_reason {
            out.push_str(&format!(": {r}"));
        }
        out.push_str(")\n  layers, lowest precedence first:\n");
        for l in &d.layers {
            out.push_str(&format!("    {:>2}  {}\n", l.precedence, l.what));
        }
        let settings: Vec<&Setting> = d
            .effective
            .settings
            .iter()
            .filter(|s| relevant(d, s))
            .collect();
        if settings.is_empty() {
            out.push_str("  no security-relevant settings\n");
        } else {
            out.push_str("  security-relevant settings:\n");
        }
        for s in settings {
            let (path, line, col) = at(&s.file, s.primary_span());
            let value = shown_value(s).unwrap_or_else(|| "(unknown)".to_string());
            out.push_str(&format!("    {} = {value}    {path}:{line}:{col}\n", s.key));
            if let Some(u) = s.unknown() {
                out.push_str(&format!("      depends on {u}\n"));
            }
            for r in s.via.iter().flat_map(|v| v.related.iter()) {
                let (p, l, _) = at(&r.file, r.span);
                out.push_str(&format!("      {p}:{l}: {}\n", r.label));
            }
        }
        for n in &d.notes {
            out.push_str(&format!("  note: {n}\n"));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "{} deployment{}",
        deployments.len(),
        if deployments.len() == 1 { "" } else { "s" }
    ));
    if !problems.is_empty() {
        out.push_str(&format!(
            "; {} problem{} (run `camguard check` for details)",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        ));
    }
    out.push('\n');
    // Names, layer descriptions, keys, values and notes come from scanned files (a command
    // word, a mount source): no control character reaches the terminal or the CI log.
    super::escape::lines(&out).into_owned()
}

/// The JSON document.
pub(crate) fn json(
    deployments: &[Deployment],
    problems: &[Problem],
    relevant: Relevant<'_>,
) -> String {
    let list: Vec<Json> = deployments
        .iter()
        .map(|d| {
            let settings: Vec<Json> = d
                .effective
                .settings
                .iter()
                .filter(|s| relevant(d, s))
                .map(|s| {
                    let (path, line, column) = at(&s.file, s.primary_span());
                    let related: Vec<Json> = s
                        .via
                        .iter()
                        .flat_map(|v| v.related.iter())
                        .map(|r| {
                            let (p, l, c) = at(&r.file, r.span);
                            json!({"path": p, "line": l, "column": c, "label": r.label})
                        })
                        .collect();
                    json!({
                        "key": s.key,
                        "value": shown_value(s),
                        "unknown": s.unknown(),
                        "path": path,
                        "line": line,
                        "column": column,
                        "related": related,
                    })
                })
                .collect();
            let layers: Vec<Json> = d
                .layers
                .iter()
                .map(|l| json!({"precedence": l.precedence, "path": l.file.display_path(), "what": l.what}))
                .collect();
            json!({
                "name": d.name,
                "kind": d.kind.id(),
                "products": d.products,
                "version": d.version,
                "environment": d.environment.id(),
                "environment_reason": d.environment_reason,
                "path": d.effective.file.display_path(),
                "layers": layers,
                "settings": settings,
                "notes": d.notes,
            })
        })
        .collect();
    let problems: Vec<Json> = problems
        .iter()
        .map(|p| json!({"path": p.path, "kind": p.kind.as_str(), "message": p.message}))
        .collect();
    let doc = json!({"version": 1, "deployments": list, "problems": problems});
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
