//! Loading and validating rule files. Every error points into the TOML.

use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::builtin::Builtin;
use super::{
    Applies, Check, Condition, KeyPattern, LazyRegex, Literal, Logic, Rule, RuleInfo, RuleSet,
    Severity, SpanTarget, When,
};
use crate::model::deployment::Environment;
use crate::model::settings::Product;
use crate::source::Span;
use crate::syntax::toml_tree::{self, Kind, Toml};

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// An error in a rule file.
pub type RuleError = crate::model::problem::SourceError;

/// The rule files compiled into the binary: (path relative to the crate, contents).
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    EMBEDDED_RULES
}

/// The build-time encoding of the `i`-th embedded rule file (for tests of the decoder).
#[doc(hidden)]
pub fn embedded_tree(i: usize) -> &'static [u8] {
    EMBEDDED_TREES[i % EMBEDDED_TREES.len()]
}

fn embedded() -> Vec<RuleFile> {
    EMBEDDED_RULES
        .iter()
        .zip(EMBEDDED_TREES)
        .map(|((p, s), t)| (PathBuf::from(p), Arc::<str>::from(*s), Some(*t)))
        .collect()
}

pub fn load_embedded() -> (RuleSet, Vec<RuleError>) {
    load_with_trees(embedded())
}

/// The embedded rules (from their build-time trees) and more rule files; codes and
/// names must be unique across all of them.
pub fn load_with_embedded(
    custom: impl IntoIterator<Item = (PathBuf, Arc<str>)>,
) -> (RuleSet, Vec<RuleError>) {
    let mut files = embedded();
    files.extend(custom.into_iter().map(|(p, t)| (p, t, None)));
    load_with_trees(files)
}

/// Load every `*.toml` below a directory (sorted, for stable output).
pub fn read_dir_files(dir: &Path) -> std::io::Result<Vec<(PathBuf, Arc<str>)>> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let path = entry.path();
            let ft = entry.file_type()?;
            if ft.is_dir() {
                todo.push(path);
            } else if ft.is_file() && path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path)?;
                out.push((path, Arc::from(text)));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Parse and validate rule files; codes and names must be unique across them.
pub fn load_files(
    files: impl IntoIterator<Item = (PathBuf, Arc<str>)>,
) -> (RuleSet, Vec<RuleError>) {
    load_with_trees(files.into_iter().map(|(p, t)| (p, t, None)).collect())
}

/// A rule file: its path, its text and, for embedded rules, its tree encoded at build time.
type RuleFile = (PathBuf, Arc<str>, Option<&'static [u8]>);

/// [`load_files`], with the parsed tree of some files already at hand.
fn load_with_trees(files: Vec<RuleFile>) -> (RuleSet, Vec<RuleError>) {
    let mut rules: Vec<Arc<Rule>> = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    // Parsing is most of the start-up cost of a one-file check: do it on every core, then
    // validate in file order so that errors and duplicates are reported deterministically.
    let parsed: Vec<_> = files
        .par_iter()
        .map(|(_, text, tree)| match tree.and_then(toml_tree::decode) {
            Some(doc) => rule_from_doc(&doc),
            None => parse_rule(text),
        })
        .collect();
    for ((path, text, _), parsed) in files.into_iter().zip(parsed) {
        match parsed {
            Ok((rule, code_span, name_span)) => {
                let mut dup = false;
                for (id, span) in [(&rule.code, code_span), (&rule.name, name_span)] {
                    if let Some(first) = seen.get(id) {
                        errors.push(RuleError {
                            path: path.clone(),
                            source: text.clone(),
                            span,
                            message: format!("`{id}` is already used by {}", first.display()),
                        });
                        dup = true;
                    }
                }
                if !dup {
                    seen.insert(rule.code.clone(), path.clone());
                    seen.insert(rule.name.clone(), path.clone());
                    rules.push(Arc::new(rule));
                }
            }
            Err(errs) => errors.extend(errs.into_iter().map(|(span, message)| RuleError {
                path: path.clone(),
                source: text.clone(),
                span,
                message,
            })),
        }
    }
    rules.sort_by(|a, b| a.code.cmp(&b.code));
    (RuleSet { rules }, errors)
}

type Errors = Vec<(Span, String)>;

struct Fields<'a, 'e> {
    table: &'a Toml,
    errors: &'e mut Errors,
    used: Vec<&'static str>,
}

impl<'a, 'e> Fields<'a, 'e> {
    fn new(table: &'a Toml, errors: &'e mut Errors) -> Self {
        Fields {
            table,
            errors,
            used: Vec::new(),
        }
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Toml> {
        self.used.push(key);
        self.table.get(key)
    }

    fn err(&mut self, span: Span, msg: impl Into<String>) {
        self.errors.push((span, msg.into()));
    }

    fn string(&mut self, key: &'static str, required: bool) -> Option<(String, Span)> {
        match self.get(key) {
            Some(v) => match &v.kind {
                Kind::Str(s) if !s.trim().is_empty() => Some((s.clone(), v.span)),
                _ => {
                    self.err(v.span, format!("`{key}` must be a non-empty string"));
                    None
                }
            },
            None if required => {
                self.err(self.table.span, format!("missing required field `{key}`"));
                None
            }
            None => None,
        }
    }

    fn flag(&mut self, key: &'static str) -> bool {
        match self.get(key) {
            None => false,
            Some(v) => match v.kind {
                Kind::Bool(b) => b,
                _ => {
                    self.err(v.span, format!("`{key}` must be true or false"));
                    false
                }
            },
        }
    }

    fn strings(&mut self, key: &'static str) -> Vec<(String, Span)> {
        match self.get(key) {
            None => Vec::new(),
            Some(v) => match &v.kind {
                Kind::Array(items) => items
                    .iter()
                    .filter_map(|i| match &i.kind {
                        Kind::Str(s) => Some((s.clone(), i.span)),
                        _ => {
                            self.errors
                                .push((i.span, format!("`{key}` must hold strings")));
                            None
                        }
                    })
                    .collect(),
                _ => {
                    self.err(v.span, format!("`{key}` must be an array of strings"));
                    Vec::new()
                }
            },
        }
    }

    /// Report keys that are not part of the format.
    fn finish(self, what: &str) {
        for (k, span, _) in self.table.entries() {
            if !self.used.contains(&k.as_str()) {
                let known = self.used.join("`, `");
                self.errors.push((
                    *span,
                    format!("unknown {what} field `{k}` (known: `{known}`)"),
                ));
            }
        }
    }
}

fn literal(v: &Toml) -> Option<Literal> {
    match &v.kind {
        Kind::Bool(b) => Some(Literal::Bool(*b)),
        Kind::Int(i) => Some(Literal::Number(*i as f64)),
        Kind::Float(f) => Some(Literal::Number(*f)),
        Kind::Str(s) => Some(Literal::Str(s.clone())),
        _ => None,
    }
}

fn number(v: &Toml) -> Option<f64> {
    match v.kind {
        Kind::Int(i) => Some(i as f64),
        Kind::Float(f) => Some(f),
        _ => None,
    }
}

const CONDITIONS: [&str; 19] = [
    "is",
    "is-not",
    "one-of",
    "not-one-of",
    "matches",
    "less-than",
    "at-most",
    "greater-than",
    "at-least",
    "shorter-than",
    "empty",
    "present",
    "absent",
    "literal",
    "plain-http",
    "well-known-secret",
    "contains",
    "contains-any",
    "same-as",
];

/// Read exactly one condition from a check or `when` table.
fn read_condition(f: &mut Fields<'_, '_>) -> Option<Condition> {
    let mut found: Vec<(&'static str, &Toml)> = Vec::new();
    for name in CONDITIONS {
        if let Some(v) = f.get(name) {
            found.push((name, v));
        }
    }
    let (name, v) = match found.as_slice() {
        [] => {
            let span = f.table.span;
            f.err(
                span,
                format!(
                    "a condition is required, one of `{}`",
                    CONDITIONS.join("`, `")
                ),
            );
            return None;
        }
        [one] => *one,
        [_, second, ..] => {
            f.err(
                second.1.span,
                "only one condition is allowed per check or `when`",
            );
            return None;
        }
    };
    let bad = |f: &mut Fields<'_, '_>, what: &str| {
        f.err(
            v.span,
            format!("`{name}` takes {what}, found {}", v.type_name()),
        );
        None
    };
    let list = |v: &Toml| -> Option<Vec<Literal>> {
        match &v.kind {
            Kind::Array(items) => items.iter().map(literal).collect(),
            _ => None,
        }
    };
    match name {
        "is" => literal(v)
            .map(Condition::Is)
            .or_else(|| bad(f, "a string, number or boolean")),
        "is-not" => literal(v)
            .map(Condition::IsNot)
            .or_else(|| bad(f, "a string, number or boolean")),
        "one-of" => list(v)
            .map(Condition::OneOf)
            .or_else(|| bad(f, "an array of values")),
        "not-one-of" => list(v)
            .map(Condition::NotOneOf)
            .or_else(|| bad(f, "an array of values")),
        "matches" => match v.as_str() {
            Some(re) => match LazyRegex::new(re) {
                Ok(r) => Some(Condition::Matches(r)),
                Err(e) => {
                    f.err(v.span, format!("invalid regex: {e}"));
                    None
                }
            },
            None => bad(f, "a regex string"),
        },
        "less-than" | "at-most" | "greater-than" | "at-least" => match number(v) {
            Some(n) => Some(match name {
                "less-than" => Condition::LessThan(n),
                "at-most" => Condition::AtMost(n),
                "greater-than" => Condition::GreaterThan(n),
                _ => Condition::AtLeast(n),
            }),
            None => bad(f, "a number"),
        },
        "shorter-than" => match v.kind {
            Kind::Int(i) if i > 0 => Some(Condition::ShorterThan(i as usize)),
            _ => bad(f, "a positive integer"),
        },
        "empty" | "present" | "absent" | "literal" | "plain-http" | "well-known-secret" => {
            match v.kind {
                Kind::Bool(true) => Some(match name {
                    "empty" => Condition::Empty,
                    "present" => Condition::Present,
                    "absent" => Condition::Absent,
                    "literal" => Condition::Literal,
                    "plain-http" => Condition::PlainHttp,
                    _ => Condition::WellKnownSecret,
                }),
                _ => bad(f, "`true`"),
            }
        }
        "contains" => match v.as_str() {
            Some(s) => Some(Condition::Contains(vec![s.to_string()])),
            None => bad(f, "a string"),
        },
        "contains-any" => match &v.kind {
            Kind::Array(items) if items.iter().all(|i| i.as_str().is_some()) => {
                Some(Condition::Contains(
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(String::from))
                        .collect(),
                ))
            }
            _ => bad(f, "an array of strings"),
        },
        _ => match v.as_str().map(KeyPattern::new) {
            Some(Ok(p)) => Some(Condition::SameAs(p)),
            Some(Err(e)) => {
                f.err(v.span, e);
                None
            }
            None => bad(f, "a key"),
        },
    }
}

fn key_pattern(f: &mut Fields<'_, '_>) -> Option<KeyPattern> {
    let (k, span) = f.string("key", true)?;
    match KeyPattern::new(&k) {
        Ok(p) => Some(p),
        Err(e) => {
            f.err(span, e);
            None
        }
    }
}

fn read_default(f: &mut Fields<'_, '_>) -> Option<Literal> {
    let v = f.get("default")?;
    let l = literal(v);
    if l.is_none() {
        f.err(v.span, "`default` must be a string, number or boolean");
    }
    l
}

fn tables<'a>(f: &mut Fields<'a, '_>, key: &'static str) -> Vec<&'a Toml> {
    match f.get(key) {
        None => Vec::new(),
        Some(v) => match &v.kind {
            Kind::Array(items) if items.iter().all(|i| matches!(i.kind, Kind::Table(_))) => {
                items.iter().collect()
            }
            Kind::Table(_) => vec![v],
            _ => {
                f.err(
                    v.span,
                    format!("`{key}` must be an array of tables (`[[{key}]]`)"),
                );
                Vec::new()
            }
        },
    }
}

const PLACEHOLDERS: [&str; 4] = ["{key}", "{value}", "{default}", "{other}"];

fn parse_check(t: &Toml, errors: &mut Errors) -> Option<Check> {
    let mut f = Fields::new(t, errors);
    let key = key_pattern(&mut f);
    let condition = read_condition(&mut f);
    let message = f.string("message", true);
    if let Some((m, span)) = &message {
        let mut rest = m.as_str();
        while let Some(i) = rest.find('{') {
            let tail = &rest[i..];
            let end = tail.find('}').map_or(tail.len(), |e| e + 1);
            let ph = &tail[..end];
            if !PLACEHOLDERS.contains(&ph) {
                f.err(
                    *span,
                    format!(
                        "unknown placeholder `{ph}` (known: {})",
                        PLACEHOLDERS.join(", ")
                    ),
                );
            }
            rest = &tail[end..];
        }
    }
    let default = read_default(&mut f);
    let severity = match f.string("severity", false) {
        Some((s, span)) => match Severity::parse(&s) {
            Some(s) => Some(s),
            None => {
                f.err(span, "severity must be one of critical, high, medium, low");
                None
            }
        },
        None => None,
    };
    let span = match f.string("span", false) {
        None => SpanTarget::Value,
        Some((s, _)) if s == "value" => SpanTarget::Value,
        Some((s, _)) if s == "key" => SpanTarget::Key,
        Some((_, sp)) => {
            f.err(sp, "`span` must be \"value\" or \"key\"");
            SpanTarget::Value
        }
    };
    let mut when = Vec::new();
    for w in tables(&mut f, "when") {
        let mut wf = Fields::new(w, f.errors);
        let k = key_pattern(&mut wf);
        let c = read_condition(&mut wf);
        let d = read_default(&mut wf);
        wf.finish("`when`");
        if let (Some(key), Some(condition)) = (k, c) {
            when.push(When {
                key,
                condition,
                default: d,
            });
        }
    }
    f.finish("check");
    Some(Check {
        key: key?,
        condition: condition?,
        message: message?.0,
        default,
        severity,
        span,
        when,
    })
}

/// Parse one rule file. Returns the rule and the spans of its code and name.
pub fn parse_rule(text: &str) -> Result<(Rule, Span, Span), Errors> {
    let doc = toml_tree::parse(text).map_err(|e| vec![(e.span, e.message)])?;
    rule_from_doc(&doc)
}

/// A string field and its span, if present.
type Located = Option<(String, Span)>;

/// `code` and `name`, checked for their shape.
fn identity(f: &mut Fields<'_, '_>) -> (Located, Located) {
    let code = f.string("code", true);
    if let Some((c, span)) = &code {
        // ^[A-Z][A-Z0-9]*[0-9]{3}$
        let b = c.as_bytes();
        let ok = b.len() >= 4
            && b[0].is_ascii_uppercase()
            && b[1..]
                .iter()
                .all(|x| x.is_ascii_uppercase() || x.is_ascii_digit())
            && b[b.len() - 3..].iter().all(u8::is_ascii_digit);
        if !ok {
            f.err(
                *span,
                "code must be an upper-case product prefix and three digits, e.g. `C8001`",
            );
        }
    }
    let name = f.string("name", true);
    if let Some((n, span)) = &name {
        let ok = n.split('-').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if !ok {
            f.err(*span, "name must be kebab-case, e.g. `unprotected-api`");
        }
    }
    (code, name)
}

/// `products`: `any` or camguard product ids.
fn products(f: &mut Fields<'_, '_>) -> Vec<Applies> {
    let mut applies = Vec::new();
    for (p, span) in f.strings("products") {
        if p == "any" {
            applies.push(Applies::Any);
        } else if let Some(prod) = Product::from_id(&p) {
            applies.push(Applies::Product(prod));
        } else {
            let known: Vec<_> = Product::ALL.iter().map(|p| p.id()).collect();
            f.err(
                span,
                format!("unknown product `{p}` (known: any, {})", known.join(", ")),
            );
        }
    }
    if applies.is_empty() && f.table.get("products").is_none() {
        let span = f.table.span;
        f.err(span, "missing required field `products`");
    }
    applies
}

/// `cwe`: positive integers.
fn cwe(f: &mut Fields<'_, '_>) -> Vec<u32> {
    let mut cwe = Vec::new();
    if let Some(v) = f.get("cwe") {
        match &v.kind {
            Kind::Array(items) => {
                for i in items {
                    match i.kind {
                        Kind::Int(n) if n > 0 => cwe.push(n as u32),
                        _ => f.err(i.span, "`cwe` holds positive integers"),
                    }
                }
            }
            _ => f.err(v.span, "`cwe` must be an array of integers"),
        }
    }
    cwe
}

/// `[environments]`: `development = "low"` (a severity, never above the rule's) or
/// `"off"`. Production cannot be listed: its findings are never lowered.
fn environments(f: &mut Fields<'_, '_>) -> Vec<(Environment, Option<Severity>)> {
    let mut out = Vec::new();
    let Some(t) = f.get("environments") else {
        return out;
    };
    if !matches!(t.kind, Kind::Table(_)) {
        f.err(
            t.span,
            "`environments` must be a table of ENVIRONMENT = \"severity\" or \"off\"",
        );
        return out;
    }
    for (k, kspan, v) in t.entries() {
        let env = match Environment::from_id(k) {
            Some(Environment::Production) => {
                f.err(
                    *kspan,
                    "production findings are never lowered: list only other environments",
                );
                continue;
            }
            Some(e) => e,
            None => {
                let known: Vec<_> = Environment::ALL[1..].iter().map(|e| e.id()).collect();
                f.err(
                    *kspan,
                    format!("unknown environment `{k}` (known: {})", known.join(", ")),
                );
                continue;
            }
        };
        match &v.kind {
            Kind::Str(s) if s == "off" => out.push((env, None)),
            Kind::Str(s) => match Severity::parse(s) {
                Some(sev) => out.push((env, Some(sev))),
                None => f.err(v.span, "must be one of critical, high, medium, low, off"),
            },
            _ => f.err(v.span, "must be a severity or \"off\""),
        }
    }
    out
}

/// Validate a parsed rule file.
fn rule_from_doc(doc: &toml_tree::Toml) -> Result<(Rule, Span, Span), Errors> {
    let mut errors = Errors::new();
    let mut f = Fields::new(doc, &mut errors);
    let (code, name) = identity(&mut f);
    let severity = match f.string("severity", true) {
        Some((s, span)) => Severity::parse(&s).or_else(|| {
            f.err(span, "severity must be one of critical, high, medium, low");
            None
        }),
        None => None,
    };
    let applies = products(&mut f);
    let summary = f.string("summary", true);
    let docs = f.string("docs", true);
    if let Some((d, span)) = &docs
        && !d.starts_with("https://")
    {
        f.err(*span, "`docs` must be an https:// URL");
    }
    let explanation = f.string("explanation", true);
    let cwe = cwe(&mut f);
    let tags = f.strings("tags").into_iter().map(|(t, _)| t).collect();
    let builtin_field = f.string("builtin", false);
    let builtin = builtin_field.as_ref().and_then(|(b, span)| {
        Builtin::from_id(b).or_else(|| {
            let known: Vec<_> = Builtin::ALL.iter().map(|b| b.id()).collect();
            f.err(
                *span,
                format!("unknown builtin `{b}` (known: {})", known.join(", ")),
            );
            None
        })
    });
    let generic = f.flag("generic");
    let environments = environments(&mut f);
    let check_tables = tables(&mut f, "check");
    f.finish("rule");
    let mut checks = Vec::new();
    for t in &check_tables {
        if let Some(c) = parse_check(t, &mut errors) {
            checks.push(c);
        }
    }
    let has_checks = !check_tables.is_empty();
    match (&builtin_field, has_checks) {
        (None, false) => errors.push((
            doc.span,
            "a rule needs at least one `[[check]]` (or a `builtin`)".into(),
        )),
        // Both would leave one half silently unused.
        (Some((_, span)), true) => errors.push((
            *span,
            "a rule has either a `builtin` or `[[check]]` tables, not both".into(),
        )),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    match (code, name, severity, summary, docs, explanation) {
        (Some(code), Some(name), Some(severity), Some(summary), Some(docs), Some(explanation)) => {
            let info = RuleInfo {
                code: code.0,
                name: name.0,
                severity,
                applies,
                summary: summary.0,
                docs: docs.0,
                cwe,
                tags,
                explanation: explanation.0,
                generic,
            };
            let logic = match builtin {
                Some(b) => Logic::Builtin(b),
                None => Logic::Checks(checks),
            };
            Ok((
                Rule {
                    info: Arc::new(info),
                    logic,
                    environments,
                },
                code.1,
                name.1,
            ))
        }
        _ => Err(vec![(doc.span, "incomplete rule".into())]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
code = "T001"
name = "test-rule"
severity = "high"
products = ["camunda8"]
summary = "s"
docs = "https://docs.camunda.io/"
explanation = "e"
[[check]]
key = "a.b"
is = true
message = "`{key}` is `{value}`"
"#;

    #[test]
    fn a_valid_rule_loads() {
        let (rule, _, _) = parse_rule(GOOD).unwrap();
        assert_eq!(rule.code, "T001");
        assert_eq!(rule.checks().len(), 1);
    }

    #[test]
    fn a_rule_with_a_builtin_and_checks_is_refused() {
        let both = GOOD.replace("[[check]]", "builtin = \"duplicate-key\"\n[[check]]");
        let errs = parse_rule(&both).unwrap_err();
        assert!(errs.iter().any(|(_, m)| m.contains("not both")), "{errs:?}");
        let builtin_only =
            GOOD.split("[[check]]").next().unwrap().to_string() + "builtin = \"duplicate-key\"\n";
        let (rule, _, _) = parse_rule(&builtin_only).unwrap();
        assert_eq!(rule.builtin(), Some(Builtin::DuplicateKey));
        let unknown = builtin_only.replace("duplicate-key", "no-such-check");
        assert!(parse_rule(&unknown).is_err());
    }

    #[test]
    fn every_builtin_name_round_trips() {
        for b in Builtin::ALL {
            assert_eq!(Builtin::from_id(b.id()), Some(b));
        }
    }

    #[test]
    fn embedded_trees_equal_the_parsed_text() {
        assert_eq!(EMBEDDED_RULES.len(), EMBEDDED_TREES.len());
        for ((path, text), tree) in EMBEDDED_RULES.iter().zip(EMBEDDED_TREES) {
            let decoded = toml_tree::decode(tree).unwrap_or_else(|| panic!("{path}: no tree"));
            assert_eq!(decoded, toml_tree::parse(text).unwrap(), "{path}");
        }
        // Truncated or corrupt encodings are refused, never misread.
        let tree = EMBEDDED_TREES[0];
        for cut in [0, 1, 9, tree.len() / 2, tree.len() - 1] {
            assert!(toml_tree::decode(&tree[..cut]).is_none(), "cut at {cut}");
        }
        let mut bad = tree.to_vec();
        bad[0] = b'?';
        assert!(toml_tree::decode(&bad).is_none());
    }

    #[test]
    fn every_embedded_value_regex_compiles() {
        let (set, errors) = load_embedded();
        assert!(errors.is_empty());
        let mut n = 0;
        for rule in &set.rules {
            for check in rule.checks() {
                let whens = check.when.iter().map(|w| &w.condition);
                for c in std::iter::once(&check.condition).chain(whens) {
                    if let Condition::Matches(re) = c {
                        regex::Regex::new(re.as_str()).unwrap();
                        n += 1;
                    }
                }
            }
        }
        assert!(n >= 6, "{n} regexes");
    }

    #[test]
    fn a_bad_regex_is_refused_at_load() {
        let r = GOOD.replace("is = true", "matches = \"(unclosed\"");
        let errs = parse_rule(&r).unwrap_err();
        assert!(
            errs.iter().any(|(_, m)| m.contains("invalid regex")),
            "{errs:?}"
        );
    }

    #[test]
    fn codes_are_a_product_prefix_and_three_digits() {
        for ok in ["T001", "C8001", "HELM007", "OS009", "AB1001"] {
            let r = GOOD.replace("T001", ok);
            assert!(parse_rule(&r).is_ok(), "{ok}");
        }
        for bad in [
            "t001", "001", "T01", "T", "TX01", "T-001", "T001a", "1T001", "É001",
        ] {
            let r = GOOD.replace("T001", bad);
            let errs = parse_rule(&r).unwrap_err();
            assert!(
                errs.iter().any(|(_, m)| m.contains("three digits")),
                "{bad}: {errs:?}"
            );
        }
    }

    #[test]
    fn errors_point_at_the_offending_value() {
        let bad = GOOD
            .replace("is = true", "is = true\nlikes = 3")
            .replace("\"high\"", "\"urgent\"");
        let errs = parse_rule(&bad).unwrap_err();
        let texts: Vec<_> = errs
            .iter()
            .map(|(s, m)| (&bad[s.range()], m.as_str()))
            .collect();
        assert!(
            texts
                .iter()
                .any(|(t, m)| *t == "\"urgent\"" && m.contains("severity")),
            "{texts:?}"
        );
        assert!(
            texts
                .iter()
                .any(|(t, m)| *t == "likes" && m.contains("unknown check field")),
            "{texts:?}"
        );
    }

    #[test]
    fn two_conditions_and_bad_regex_are_rejected() {
        let bad = GOOD.replace("is = true", "is = true\nmatches = \"(\"");
        assert!(parse_rule(&bad).is_err());
        let bad = GOOD.replace("is = true", "matches = \"(\"");
        let errs = parse_rule(&bad).unwrap_err();
        assert!(errs[0].1.contains("invalid regex"));
    }

    #[test]
    fn toml_syntax_errors_have_spans() {
        let errs = parse_rule("code = \n").unwrap_err();
        assert_eq!(errs.len(), 1);
    }

    #[test]
    fn unknown_placeholders_are_rejected() {
        let bad = GOOD.replace("{value}", "{valeu}");
        assert!(parse_rule(&bad).is_err());
    }
}
