//! `check --show-config`: the configuration in effect and the rules it enables.

use crate::config::Config;
use crate::model::rule::Severity;
use crate::report::escape::line;
use crate::rules::RuleSet;
use crate::source::display;

/// `--show-config`: the effective configuration.
pub fn render(config: &Config, rules: &RuleSet, fail_on: Severity) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "# configuration: {}\n",
        config
            .path
            .as_ref()
            .map_or("(none: defaults)".to_string(), |p| display(p))
    ));
    s.push_str(&format!("fail-on = \"{fail_on}\"\n"));
    s.push_str(&format!("require-reason = {}\n", config.require_reason));
    let sel: Vec<String> = config
        .select
        .iter()
        .map(|x| format!("\"{}\"", line(&x.0)))
        .collect();
    let ign: Vec<String> = config
        .ignore
        .iter()
        .map(|x| format!("\"{}\"", line(&x.0)))
        .collect();
    s.push_str(&format!(
        "select = [{}]\nignore = [{}]\n",
        sel.join(", "),
        ign.join(", ")
    ));
    let ex: Vec<String> = config
        .exclude
        .iter()
        .map(|(_, g)| format!("\"{}\"", line(g)))
        .collect();
    s.push_str(&format!("exclude = [{}]\n", ex.join(", ")));
    if let Some(m) = config.max_file_size {
        s.push_str(&format!("max-file-size = {m}\n"));
    }
    for ig in &config.ignores {
        let rules: Vec<String> = ig
            .rules
            .iter()
            .map(|x| format!("\"{}\"", line(&x.0)))
            .collect();
        s.push_str(&format!(
            "[[ignore]] rules = [{}], path = \"{}\"{}, reason = \"{}\"{}\n",
            rules.join(", "),
            line(&ig.path_text),
            ig.key
                .as_ref()
                .map_or(String::new(), |k| format!(", key = \"{}\"", line(k))),
            line(&ig.reason),
            ig.expires
                .as_ref()
                .map_or(String::new(), |e| format!(", expires = {e}")),
        ));
    }
    s.push_str("\n# enabled rules (severity after overrides)\n");
    for r in &rules.rules {
        let sev = config.severity_for(&r.code, &r.name).unwrap_or(r.severity);
        s.push_str(&format!(
            "{:<8} {:<9} {}\n",
            line(&r.code),
            sev.as_str(),
            line(&r.name)
        ));
    }
    s
}
