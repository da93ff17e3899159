//! `check --show-config`: the configuration in effect, as a `camguard.toml` camguard reads
//! back, with the rules it enables as comments.

use crate::config::{Config, KindMapping};
use crate::model::rule::Severity;
use crate::rules::RuleSet;
use crate::source::display;

/// A TOML basic string.
fn string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Control, line-separator and bidi characters: visible, never raw in a log.
            c if c.is_control() || crate::source::is_unsafe_char(c) => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let v: Vec<String> = items.into_iter().map(string).collect();
    format!("[{}]", v.join(", "))
}

/// A bare key where TOML allows one, a quoted key otherwise.
fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        string(k)
    }
}

/// `--show-config`: the effective configuration (`fail_on` and `max_file_size` after the
/// command line), then the enabled rules.
pub(crate) fn render(
    config: &Config,
    rules: &RuleSet,
    fail_on: Severity,
    max_file_size: u64,
) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "# configuration: {}\n",
        config
            .path
            .as_ref()
            .map_or("(none: defaults)".to_string(), |p| display(p))
    ));
    s.push_str(&format!("fail-on = {}\n", string(fail_on.as_str())));
    s.push_str(&format!("require-reason = {}\n", config.require_reason));
    s.push_str(&format!(
        "select = {}\n",
        array(config.select.iter().map(|x| x.0.as_str()))
    ));
    s.push_str(&format!(
        "exclude = {}\n",
        array(config.exclude.iter().map(|(_, g)| g.as_str()))
    ));
    s.push_str(&format!("max-file-size = {max_file_size}\n"));
    let dirs: Vec<String> = config.rules_dirs.iter().map(|d| display(d)).collect();
    if !dirs.is_empty() {
        s.push_str(&format!(
            "rules-dir = {}\n",
            array(dirs.iter().map(String::as_str))
        ));
    }
    // `ignore` holds plain selectors and scoped exceptions in one array: TOML cannot
    // extend an inline array with `[[ignore]]` tables, so both are written inline.
    let mut ignore: Vec<String> = config.ignore.iter().map(|x| string(&x.0)).collect();
    for ig in &config.ignores {
        let mut fields = vec![
            format!("rules = {}", array(ig.rules.iter().map(|x| x.0.as_str()))),
            format!("path = {}", string(&ig.path_text)),
        ];
        if let Some(k) = &ig.key {
            fields.push(format!("key = {}", string(k)));
        }
        fields.push(format!("reason = {}", string(&ig.reason)));
        if let Some(e) = &ig.expires {
            fields.push(format!("expires = {e}"));
        }
        ignore.push(format!("{{ {} }}", fields.join(", ")));
    }
    if ignore.is_empty() {
        s.push_str("ignore = []\n");
    } else {
        s.push_str("ignore = [\n");
        for i in ignore {
            s.push_str(&format!("  {i},\n"));
        }
        s.push_str("]\n");
    }
    if !config.severity.is_empty() {
        s.push_str("\n[severity]\n");
        for (sel, sev) in &config.severity {
            s.push_str(&format!("{} = {}\n", key(&sel.0), string(sev.as_str())));
        }
    }
    for k in &config.kinds {
        s.push_str("\n[[kind]]\n");
        match k {
            KindMapping::Glob(g, kind) => s.push_str(&format!(
                "glob = {}\nkind = {}\n",
                string(g.glob().glob()),
                string(kind.id())
            )),
            KindMapping::Image(g, p) => s.push_str(&format!(
                "image = {}\nproduct = {}\n",
                string(g.glob().glob()),
                string(p.id())
            )),
        }
    }
    s.push_str("\n# enabled rules (severity after overrides)\n");
    for r in &rules.rules {
        let sev = config.severity_for(&r.code, &r.name).unwrap_or(r.severity);
        s.push_str(&format!("# {:<8} {:<9} {}\n", r.code, sev.as_str(), r.name));
    }
    s
}
