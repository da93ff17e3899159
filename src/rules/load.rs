//! Loading and validating rule files. Every error points into the TOML.

use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::builtin::Builtin;
use super::{
    Applies, Check, Condition, IfVersionUnknown, KeyPattern, LazyRegex, Literal, Logic, Rule,
    RuleInfo, RuleSet, RuleVersions, Severity, SpanTarget, VersionedDefault, When,
};
use crate::model::deployment::Environment;
use crate::model::rule::Coverage;
use crate::model::settings::Product;
use crate::model::version::{Range, VersionReq, version_line};
use crate::source::Span;
use crate::syntax::toml_tree::{self, Kind, Toml};

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// An error in a rule file.
pub(crate) type RuleError = crate::model::problem::SourceError;

/// The build-time encoding of the `i`-th embedded rule file (for tests of the decoder).
#[doc(hidden)]
#[cfg(test)]
pub(crate) fn embedded_tree(i: usize) -> &'static [u8] {
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
pub(crate) fn load_with_embedded(
    custom: impl IntoIterator<Item = (PathBuf, Arc<str>)>,
) -> (RuleSet, Vec<RuleError>) {
    let mut files = embedded();
    files.extend(custom.into_iter().map(|(p, t)| (p, t, None)));
    load_with_trees(files)
}

/// Parse and validate rule files; codes and names must be unique across them.
pub(crate) fn load_files(
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

/// `versions = ">=8.8"`: a version requirement, with its span.
fn read_versions(f: &mut Fields<'_, '_>) -> Option<(VersionReq, Span)> {
    let (text, span) = f.string("versions", false)?;
    match VersionReq::parse(&text) {
        Ok(r) => Some((r, span)),
        Err(e) => {
            f.err(span, format!("invalid `versions`: {e}"));
            None
        }
    }
}

/// `[[....default-for]]` tables: a default per version range. Ranges must not overlap,
/// and each must lie (at least partly) within `within`.
fn read_defaults_for(f: &mut Fields<'_, '_>, within: Range, what: &str) -> Vec<VersionedDefault> {
    let mut out: Vec<(VersionedDefault, Span)> = Vec::new();
    for t in tables(f, "default-for") {
        let mut df = Fields::new(t, f.errors);
        let versions = read_versions(&mut df);
        let value = match df.get("value") {
            Some(v) => {
                let l = literal(v);
                if l.is_none() {
                    df.err(v.span, "`value` must be a string, number or boolean");
                }
                l
            }
            None => {
                df.err(t.span, "`default-for` needs `value`");
                None
            }
        };
        if versions.is_none() && t.get("versions").is_none() {
            df.err(t.span, "`default-for` needs `versions`");
        }
        df.finish("`default-for`");
        let (Some((req, span)), Some(value)) = (versions, value) else {
            continue;
        };
        if let Some((prev, _)) = out
            .iter()
            .find(|(d, _)| d.versions.range.overlaps(&req.range))
        {
            f.err(
                span,
                format!(
                    "`{}` overlaps `{}` of an earlier `default-for`: a version has one default",
                    req.text, prev.versions.text
                ),
            );
            continue;
        }
        if !req.range.overlaps(&within) {
            f.err(
                span,
                format!(
                    "`{}` is outside the versions the {what} applies to",
                    req.text
                ),
            );
            continue;
        }
        out.push((
            VersionedDefault {
                versions: req,
                value,
            },
            span,
        ));
    }
    out.into_iter().map(|(d, _)| d).collect()
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

fn parse_check(t: &Toml, errors: &mut Errors, rule_range: Range) -> Option<Check> {
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
    let versions = read_versions(&mut f);
    let mut range = rule_range;
    if let Some((req, vspan)) = &versions {
        if !req.range.overlaps(&rule_range) {
            f.err(
                *vspan,
                format!(
                    "`{}` is outside the rule's `versions`: the check would never apply",
                    req.text
                ),
            );
        }
        range = range.intersect(&req.range);
    }
    let defaults_for = read_defaults_for(&mut f, range, "check");
    let mut when = Vec::new();
    for w in tables(&mut f, "when") {
        let mut wf = Fields::new(w, f.errors);
        let k = key_pattern(&mut wf);
        let c = read_condition(&mut wf);
        let d = read_default(&mut wf);
        let dfor = read_defaults_for(&mut wf, range, "check");
        wf.finish("`when`");
        if let (Some(key), Some(condition)) = (k, c) {
            when.push(When {
                key,
                condition,
                default: d,
                defaults_for: dfor,
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
        versions: versions.map(|(r, _)| r),
        defaults_for,
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

/// `not-products`: products the rule never applies to (optional).
fn not_products(f: &mut Fields<'_, '_>) -> Vec<Product> {
    let mut out = Vec::new();
    for (p, span) in f.strings("not-products") {
        match Product::from_id(&p) {
            Some(prod) => out.push(prod),
            None => {
                let known: Vec<_> = Product::ALL.iter().map(|p| p.id()).collect();
                f.err(
                    span,
                    format!("unknown product `{p}` (known: {})", known.join(", ")),
                );
            }
        }
    }
    out
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

/// The product whose version a versioned rule compares: `version-of`, or the one
/// product the rule applies to. `None` when nothing in the rule depends on a version.
fn rule_version_product(
    errors: &mut Errors,
    doc: &Toml,
    applies: &[Applies],
    version_of: Located,
    versioned: bool,
    builtin: bool,
) -> Option<Option<Product>> {
    if let Some((_, span)) = &version_of
        && !versioned
    {
        errors.push((
            *span,
            "`version-of` has no effect: no check depends on the version".into(),
        ));
        return None;
    }
    if !versioned {
        return None;
    }
    if builtin {
        let span = doc.get("versions").map_or(doc.span, |v| v.span);
        errors.push((
            span,
            "`versions` apply to `[[check]]` rules, not to a `builtin`".into(),
        ));
        return None;
    }
    let mut lines: Vec<Product> = Vec::new();
    let mut any = false;
    for a in applies {
        match a {
            Applies::Any => any = true,
            Applies::Product(p) => {
                let l = version_line(*p);
                if !lines.contains(&l) {
                    lines.push(l);
                }
            }
        }
    }
    match version_of {
        Some((p, span)) => match Product::from_id(&p) {
            Some(prod) if any || lines.contains(&version_line(prod)) => {
                Some(Some(version_line(prod)))
            }
            Some(_) => {
                errors.push((
                    span,
                    format!("`version-of = \"{p}\"` is not one of the rule's `products`"),
                ));
                None
            }
            None => {
                let known: Vec<_> = Product::ALL.iter().map(|p| p.id()).collect();
                errors.push((
                    span,
                    format!("unknown product `{p}` (known: {})", known.join(", ")),
                ));
                None
            }
        },
        None if lines.len() == 1 && !any => Some(Some(lines[0])),
        None => {
            let span = doc.get("products").map_or(doc.span, |v| v.span);
            errors.push((
                span,
                "the rule's checks depend on the version and it applies to several products: say whose version with `version-of`".into(),
            ));
            None
        }
    }
}

/// The releases some check of a rule applies to, merged and in order.
fn coverage(rule: Range, checks: &[Check]) -> Vec<Range> {
    let mut ranges: Vec<Range> = checks
        .iter()
        .map(|c| {
            c.versions
                .as_ref()
                .map_or(rule, |v| rule.intersect(&v.range))
        })
        .filter(|r| !r.is_empty())
        .collect();
    ranges.sort_by(|a, b| match (a.lo, b.lo) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, _) => std::cmp::Ordering::Less,
        (_, None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(&y),
    });
    let mut out: Vec<Range> = Vec::new();
    for r in ranges {
        if let Some(last) = out.last_mut() {
            let touches = match (last.hi, r.lo) {
                (None, _) => true,
                (Some(_), None) => true,
                (Some(h), Some(l)) => l <= h,
            };
            if touches {
                last.hi = match (last.hi, r.hi) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
                continue;
            }
        }
        out.push(r);
    }
    out
}

/// The ranges of checks narrower than their rule's, distinct and in order.
fn narrower(rule: Range, checks: &[Check]) -> Vec<Range> {
    let merged = coverage(rule, checks);
    let mut out: Vec<Range> = Vec::new();
    for c in checks {
        if let Some(v) = &c.versions {
            let r = rule.intersect(&v.range);
            if !merged.contains(&r) && !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out.sort_by_key(|r| (r.lo.is_some(), r.lo, r.hi.is_none(), r.hi));
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
    let excludes = not_products(&mut f);
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
    let rule_versions = read_versions(&mut f);
    let version_of = f.string("version-of", false);
    let if_unknown = match f.string("if-version-unknown", false) {
        None => Some((IfVersionUnknown::Assume, None)),
        Some((s, span)) => match s.as_str() {
            "assume" => Some((IfVersionUnknown::Assume, Some(span))),
            "skip" => Some((IfVersionUnknown::Skip, Some(span))),
            _ => {
                f.err(span, "`if-version-unknown` must be \"assume\" or \"skip\"");
                None
            }
        },
    };
    let check_tables = tables(&mut f, "check");
    f.finish("rule");
    let rule_range = rule_versions.as_ref().map_or(Range::ALL, |(r, _)| r.range);
    let mut checks = Vec::new();
    for t in &check_tables {
        if let Some(c) = parse_check(t, &mut errors, rule_range) {
            checks.push(c);
        }
    }
    let versioned = rule_versions.is_some() || checks.iter().any(Check::is_versioned);
    let versions = rule_version_product(
        &mut errors,
        doc,
        &applies,
        version_of,
        versioned,
        builtin_field.is_some(),
    )
    .map(|product| RuleVersions {
        product,
        versions: rule_versions.as_ref().map(|(r, _)| r.clone()),
        if_unknown: if_unknown.map_or(IfVersionUnknown::Assume, |(p, _)| p),
    })
    .unwrap_or_default();
    if !versioned && let Some((_, Some(span))) = if_unknown {
        errors.push((
            span,
            "`if-version-unknown` has no effect: no check depends on the version".into(),
        ));
    }
    let coverage = versions.product.map(|product| Coverage {
        product,
        ranges: coverage(rule_range, &checks),
        checks: narrower(rule_range, &checks),
        per_version_defaults: checks.iter().any(|c| {
            !c.defaults_for.is_empty() || c.when.iter().any(|w| !w.defaults_for.is_empty())
        }),
        if_unknown: versions.if_unknown,
    });
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
                excludes,
                summary: summary.0,
                docs: docs.0,
                cwe,
                tags,
                explanation: explanation.0,
                generic,
                versions: coverage,
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
                    versions,
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
    fn not_products_exclude_a_product_that_products_would_match() {
        let r = GOOD.replace(
            "products = [\"camunda8\"]",
            "products = [\"camunda7\"]\nnot-products = [\"camunda7-run\"]",
        );
        let (rule, _, _) = parse_rule(&r).unwrap();
        assert!(rule.applies_to(&[Product::Camunda7]));
        assert!(!rule.applies_to(&[Product::Camunda7, Product::Camunda7Run]));
        let unknown = r.replace(
            "not-products = [\"camunda7-run\"]",
            "not-products = [\"run\"]",
        );
        let errs = parse_rule(&unknown).unwrap_err();
        assert!(
            errs.iter()
                .any(|(_, m)| m.contains("unknown product `run`")),
            "{errs:?}"
        );
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

    fn error_at<'a>(text: &'a str, errs: &[(Span, String)], needle: &str) -> &'a str {
        let (span, _) = errs
            .iter()
            .find(|(_, m)| m.contains(needle))
            .unwrap_or_else(|| panic!("no error containing `{needle}`: {errs:?}"));
        &text[span.range()]
    }

    #[test]
    fn versions_load_with_per_version_defaults() {
        let r = GOOD
            .replace("[[check]]", "versions = \"<8.8\"\n[[check]]")
            .replace("message =", "versions = \">=8.6\"\nmessage =")
            + "[[check.default-for]]\nversions = \"8.6\"\nvalue = true\n[[check.default-for]]\nversions = \">=8.7\"\nvalue = false\n";
        let (rule, _, _) = parse_rule(&r).unwrap();
        assert_eq!(rule.versions.product, Some(Product::Camunda8));
        let c = &rule.checks()[0];
        assert_eq!(c.defaults_for.len(), 2);
        assert!(c.is_versioned());
        let cov = rule.info.versions.as_ref().unwrap();
        assert_eq!(cov.describe(), "8.6 to 8.7");
        assert!(cov.per_version_defaults);
        // Without versions, a rule has no coverage.
        assert!(parse_rule(GOOD).unwrap().0.info.versions.is_none());
    }

    #[test]
    fn version_errors_point_into_the_toml() {
        let bad = GOOD.replace("[[check]]", "versions = \"~8.8\"\n[[check]]");
        let errs = parse_rule(&bad).unwrap_err();
        assert_eq!(error_at(&bad, &errs, "invalid `versions`"), "\"~8.8\"");

        let empty = GOOD.replace("[[check]]", "versions = \">=8.8, <8.7\"\n[[check]]");
        let errs = parse_rule(&empty).unwrap_err();
        assert!(
            errs.iter().any(|(_, m)| m.contains("holds no version")),
            "{errs:?}"
        );

        let outside = GOOD
            .replace("[[check]]", "versions = \"<8.8\"\n[[check]]")
            .replace("message =", "versions = \">=8.9\"\nmessage =");
        let errs = parse_rule(&outside).unwrap_err();
        assert_eq!(error_at(&outside, &errs, "never apply"), "\">=8.9\"");

        let overlap = GOOD.to_string()
            + "[[check.default-for]]\nversions = \"<8.8\"\nvalue = 1\n[[check.default-for]]\nversions = \">=8.7\"\nvalue = 2\n";
        let errs = parse_rule(&overlap).unwrap_err();
        assert_eq!(error_at(&overlap, &errs, "overlaps"), "\">=8.7\"");

        let no_value = GOOD.to_string() + "[[check.default-for]]\nversions = \"<8.8\"\n";
        let errs = parse_rule(&no_value).unwrap_err();
        assert!(
            errs.iter().any(|(_, m)| m.contains("needs `value`")),
            "{errs:?}"
        );
        let in_when = GOOD.to_string()
            + "[[check.when]]\nkey = \"x\"\nis = 1\n[[check.when.default-for]]\nversions = \"<8.8\"\nvalue = \"a\"\nvalu = 3\n";
        let errs = parse_rule(&in_when).unwrap_err();
        assert_eq!(
            error_at(&in_when, &errs, "unknown `default-for` field"),
            "valu"
        );

        let several = GOOD
            .replace("[\"camunda8\"]", "[\"camunda8\", \"optimize\"]")
            .replace("[[check]]", "versions = \"<8.8\"\n[[check]]");
        let errs = parse_rule(&several).unwrap_err();
        assert_eq!(
            error_at(&several, &errs, "version-of"),
            "[\"camunda8\", \"optimize\"]"
        );
        let named = several.replace("[[check]]", "version-of = \"optimize\"\n[[check]]");
        let (rule, _, _) = parse_rule(&named).unwrap();
        assert_eq!(rule.versions.product, Some(Product::Optimize));
        let foreign = several.replace("[[check]]", "version-of = \"opensearch\"\n[[check]]");
        let errs = parse_rule(&foreign).unwrap_err();
        assert_eq!(error_at(&foreign, &errs, "not one of"), "\"opensearch\"");

        let useless = GOOD.replace("[[check]]", "if-version-unknown = \"skip\"\n[[check]]");
        let errs = parse_rule(&useless).unwrap_err();
        assert_eq!(error_at(&useless, &errs, "no effect"), "\"skip\"");
        let wrong = GOOD.replace(
            "[[check]]",
            "versions = \"<8.8\"\nif-version-unknown = \"maybe\"\n[[check]]",
        );
        let errs = parse_rule(&wrong).unwrap_err();
        assert_eq!(error_at(&wrong, &errs, "assume"), "\"maybe\"");

        let builtin = GOOD.split("[[check]]").next().unwrap().to_string()
            + "builtin = \"duplicate-key\"\nversions = \"<8.8\"\n";
        let errs = parse_rule(&builtin).unwrap_err();
        assert_eq!(error_at(&builtin, &errs, "not to a `builtin`"), "\"<8.8\"");
    }

    #[test]
    fn unknown_placeholders_are_rejected() {
        let bad = GOOD.replace("{value}", "{valeu}");
        assert!(parse_rule(&bad).is_err());
    }
}
