//! Evaluating declarative checks against a component's settings.

use crate::model::hashing::FastMap;
use std::sync::Arc;

use super::well_known::is_well_known;
use super::{
    Check, Condition, IfVersionUnknown, KeyPattern, Literal, Rule, RuleSet, SpanTarget,
    VersionedDefault, When,
};
use crate::model::MASK;
use crate::model::finding::{Finding, FindingBuilder};
use crate::model::keys::is_secret_key;
use crate::model::settings::Product;
use crate::model::settings::{Component, KeyStyle, Setting};
use crate::model::value::{Effective, is_null_text, parse_bool, parse_number};
use crate::model::version::{KnownVersion, Range, Triple};
use crate::source::Span;

/// Settings of a component indexed by match key.
struct Index<'a> {
    component: &'a Component,
    /// The first and last setting with each match key; `next` chains the others in order.
    /// (A `Vec` per key was an allocation per setting of every component judged: most
    /// keys are set once.)
    by_key: FastMap<&'a str, (usize, usize)>,
    next: Vec<usize>,
}

/// The end of a chain in [`Index::next`].
const LAST: usize = usize::MAX;

impl<'a> Index<'a> {
    fn new(component: &'a Component) -> Self {
        use std::collections::hash_map::Entry;
        let n = component.settings.len();
        let mut by_key: FastMap<&str, (usize, usize)> =
            FastMap::with_capacity_and_hasher(n, Default::default());
        let mut next = vec![LAST; n];
        for (i, s) in component.settings.iter().enumerate() {
            match by_key.entry(s.match_key.as_str()) {
                Entry::Occupied(mut e) => {
                    let (first, last) = *e.get();
                    next[last] = i;
                    e.insert((first, i));
                }
                Entry::Vacant(e) => {
                    e.insert((i, i));
                }
            }
        }
        Index {
            component,
            by_key,
            next,
        }
    }

    /// The settings with this match key, in order.
    fn with_key(&self, key: &str) -> impl Iterator<Item = &'a Setting> + '_ {
        let settings = &self.component.settings;
        let mut at = self.by_key.get(key).map_or(LAST, |&(first, _)| first);
        std::iter::from_fn(move || {
            let s = settings.get(at)?;
            at = self.next[at];
            Some(s)
        })
    }

    fn style(&self) -> KeyStyle {
        self.component.style
    }

    /// Settings matching a pattern, with what its wildcards matched.
    fn find(&self, pattern: &KeyPattern) -> Vec<(&'a Setting, Vec<String>)> {
        let settings = &self.component.settings;
        if let Some(k) = pattern.exact(self.style()) {
            return self.with_key(k).map(|s| (s, Vec::new())).collect();
        }
        settings
            .iter()
            .filter(|s| pattern.may_match(&s.match_key, self.style()))
            .filter(|s| pattern.on_segment_boundary(&s.key, self.style()))
            .filter_map(|s| pattern.captures(&s.match_key, self.style()).map(|c| (s, c)))
            .collect()
    }
}

/// What made a condition hold.
#[derive(Default)]
struct Hit {
    /// A list item rather than the whole value.
    span: Option<Span>,
    from_placeholder_default: bool,
    other: Option<(String, Span, crate::source::FileRef)>,
    /// The value is unknown and the condition holds for the default: what it depends on.
    unknown: Option<String>,
}

enum Subject<'a> {
    Present(&'a Setting),
    Default(&'a Literal),
}

fn lit_eq(l: &Literal, text: &str, lenient: bool) -> bool {
    match l {
        Literal::Bool(b) => parse_bool(text, lenient) == Some(*b),
        Literal::Number(n) => parse_number(text) == Some(*n),
        Literal::Str(s) => text.trim().eq_ignore_ascii_case(s.trim()),
        Literal::Null => is_null_text(text.trim()),
    }
}

fn lit_ne(l: &Literal, text: &str, lenient: bool) -> bool {
    match l {
        Literal::Bool(b) => parse_bool(text, lenient) == Some(!*b),
        Literal::Number(n) => parse_number(text).is_some_and(|v| v != *n),
        _ => !lit_eq(l, text, lenient),
    }
}

/// Is `text` an http:// URL (or a comma-separated list holding one) to a host that
/// is not loopback?
pub(crate) fn is_plain_http(text: &str) -> bool {
    text.split(',').any(|part| {
        let p = part.trim();
        let lower = p.to_ascii_lowercase();
        // `grpc://` is the Camunda clients' plaintext gRPC scheme (`http` and `grpc` mean
        // plaintext, `https` and `grpcs` TLS).
        let Some(rest) = lower
            .strip_prefix("http://")
            .or_else(|| lower.strip_prefix("grpc://"))
        else {
            return false;
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host_port = authority.rsplit('@').next().unwrap_or("");
        let host = if let Some(v6) = host_port.strip_prefix('[') {
            v6.split(']').next().unwrap_or("")
        } else {
            host_port.split(':').next().unwrap_or("")
        };
        !(host.is_empty()
            || host == "localhost"
            || host.ends_with(".localhost")
            || host.starts_with("127.")
            || host == "::1")
    })
}

fn test_text(cond: &Condition, text: &str, lenient: bool) -> bool {
    match cond {
        Condition::Is(l) => lit_eq(l, text, lenient),
        Condition::IsNot(l) => lit_ne(l, text, lenient),
        Condition::OneOf(ls) => ls.iter().any(|l| lit_eq(l, text, lenient)),
        Condition::NotOneOf(ls) => {
            !text.trim().is_empty() && !ls.iter().any(|l| lit_eq(l, text, lenient))
        }
        Condition::Matches(re) => re.is_match(text),
        Condition::LessThan(n) => parse_number(text).is_some_and(|v| v < *n),
        Condition::AtMost(n) => parse_number(text).is_some_and(|v| v <= *n),
        Condition::GreaterThan(n) => parse_number(text).is_some_and(|v| v > *n),
        Condition::AtLeast(n) => parse_number(text).is_some_and(|v| v >= *n),
        Condition::ShorterThan(n) => text.chars().count() < *n,
        Condition::PlainHttp => is_plain_http(text),
        Condition::WellKnownSecret => is_well_known(text),
        Condition::Contains(xs) => text
            .split(',')
            .any(|p| xs.iter().any(|x| p.trim().eq_ignore_ascii_case(x))),
        Condition::Empty => text.trim().is_empty(),
        Condition::Present => true,
        Condition::Absent | Condition::Literal | Condition::SameAs(_) => false,
    }
}

fn holds(
    cond: &Condition,
    subject: &Subject<'_>,
    default: Option<&Literal>,
    caps: &[String],
    index: &Index<'_>,
) -> Option<Hit> {
    let lenient = index.style() == KeyStyle::Relaxed;
    if let Subject::Present(s) = subject
        && let Some(depends) = s.unknown()
    {
        // A value the deployment could not resolve never passes a check that the
        // default would fail (docs/deployments.md, issue 14).
        return match cond {
            Condition::Present => Some(Hit::default()),
            Condition::Absent | Condition::Literal | Condition::SameAs(_) => None,
            _ => {
                let d = default?;
                holds(cond, &Subject::Default(d), None, caps, index).map(|h| Hit {
                    unknown: Some(depends.to_string()),
                    ..h
                })
            }
        };
    }
    match subject {
        Subject::Default(l) => {
            let text = l.to_string();
            match cond {
                Condition::Absent | Condition::Literal | Condition::SameAs(_) => None,
                Condition::Empty => matches!(l, Literal::Null).then(Hit::default).or_else(|| {
                    matches!(l, Literal::Str(s) if s.trim().is_empty()).then(Hit::default)
                }),
                _ => test_text(cond, &text, lenient).then(Hit::default),
            }
        }
        Subject::Present(s) => {
            match cond {
                Condition::Present => return Some(Hit::default()),
                Condition::Absent => return None,
                Condition::Literal => {
                    let literal = match &s.value {
                        crate::model::settings::Value::Text { text, .. } => {
                            !text.trim().is_empty()
                                && !s.value.has_placeholder()
                                && !crate::model::value::is_placeholder_text(text)
                        }
                        _ => false,
                    };
                    return literal.then(Hit::default);
                }
                _ => {}
            }
            match s.value.effective(s.placeholders) {
                Effective::Indirect => None,
                Effective::Null => matches!(cond, Condition::Empty).then(Hit::default),
                Effective::Text { text, from_default } => {
                    let mut hit = Hit {
                        from_placeholder_default: from_default,
                        ..Hit::default()
                    };
                    if let Condition::SameAs(other) = cond {
                        let bound = other.bound(caps);
                        let o = index.find(&bound).into_iter().find(|(o, _)| {
                            !std::ptr::eq(*o, *s)
                                && matches!(o.value.effective(o.placeholders),
                                    Effective::Text { text: ref t, .. } if t == &text)
                        })?;
                        hit.other = Some((bound.raw.clone(), o.0.primary_span(), o.0.file.clone()));
                        return Some(hit);
                    }
                    test_text(cond, &text, lenient).then_some(hit)
                }
                Effective::List(items) => {
                    if matches!(cond, Condition::Empty) {
                        return items.is_empty().then(Hit::default);
                    }
                    items
                        .iter()
                        .find(|(t, _)| test_text(cond, t, lenient))
                        .map(|(_, span)| Hit {
                            span: Some(*span),
                            ..Hit::default()
                        })
                }
            }
        }
    }
}

fn when_holds(w: &When, at: Scenario<'_>, caps: &[String], index: &Index<'_>) -> bool {
    let key = w.key.bound(caps);
    let found = index.find(&key);
    let default = at.default(&w.default, &w.defaults_for);
    if found.is_empty() {
        return match (&w.condition, default) {
            (Condition::Absent, _) => true,
            (c, Some(d)) => holds(c, &Subject::Default(d), None, caps, index).is_some(),
            _ => false,
        };
    }
    found
        .iter()
        .any(|(s, c)| holds(&w.condition, &Subject::Present(s), default, c, index).is_some())
}

struct Ctx<'a, 'b> {
    rule: &'a Arc<Rule>,
    check: &'a Check,
    /// The check's default in the version range evaluated.
    default: Option<&'a Literal>,
    index: &'a Index<'b>,
}

impl Ctx<'_, '_> {
    fn display_key(&self, setting: Option<&Setting>, caps: &[String]) -> String {
        match setting {
            Some(s) if self.check.key.has_any() || self.index.style() == KeyStyle::Literal => {
                s.key.as_str().to_owned()
            }
            _ => self.check.key.bound(caps).raw.clone(),
        }
    }

    fn message(&self, key: &str, value: &str, other: Option<&str>) -> String {
        let default = self.default.map(|d| d.to_string()).unwrap_or_default();
        fill(
            &self.check.message,
            key,
            value,
            &default,
            other.unwrap_or(""),
        )
    }

    fn finding(
        &self,
        file: &crate::source::FileRef,
        key: String,
        message: String,
        span: Span,
        label: String,
        value_norm: &str,
    ) -> FindingBuilder {
        let component = self.index.component;
        let product = component
            .products
            .iter()
            .copied()
            .find(|p| self.rule.applies_to(&[*p]))
            .or(component.primary_product());
        Finding::builder(&self.rule.info, file, span)
            .severity(self.check.severity.unwrap_or(self.rule.severity))
            .message(message)
            .label(label)
            .key(key)
            .value(value_norm)
            .product(product)
            .component(component.name.clone())
    }

    fn present(&self, s: &Setting, caps: &[String], hit: Hit) -> Finding {
        let key = self.display_key(Some(s), caps);
        let secret = s.is_secret() || is_secret_key(&self.check.key.raw);
        let shown = if secret {
            MASK.to_string()
        } else {
            s.value.display()
        };
        let other = hit.other.as_ref().map(|(k, _, _)| k.as_str());
        if let Some(depends) = &hit.unknown {
            // The default is the rule's, not the value: masked only for a secret key.
            let secret_key = is_secret_key(&s.key) || is_secret_key(&self.check.key.raw);
            return self.unknown(s, key, secret_key, depends);
        }
        let mut message = self.message(&key, &shown, other);
        let default_of = s.via.as_ref().and_then(|v| v.default_of.as_deref());
        if let Some(d) = default_of {
            message.push_str(&format!(" ({d}, which no values file overrides)"));
        }
        let implied = s.via.as_ref().and_then(|v| v.implied.as_deref());
        if let Some(i) = implied {
            message.push_str(&format!(" ({i})"));
        }
        let span = match self.check.span {
            SpanTarget::Key => s.key_span,
            SpanTarget::Value => hit.span.unwrap_or_else(|| s.primary_span()),
        };
        let note = s.via.as_ref().and_then(|v| v.note.clone());
        let label = if let Some(note) = note.filter(|_| self.check.span == SpanTarget::Value) {
            note
        } else if let Some(d) = default_of {
            format!("`{key}` is not set here, so {d} applies: `{shown}`")
        } else if implied.is_some() {
            format!("this image runs with `{key}: {shown}`")
        } else if hit.from_placeholder_default {
            format!("`{shown}` is the placeholder's default")
        } else if self.check.span == SpanTarget::Key {
            format!("`{key}` set here")
        } else {
            format!("set to `{shown}`")
        };
        let mut f = self.finding(
            &s.file,
            key,
            message,
            span,
            label,
            &s.value.display().trim().to_lowercase(),
        );
        if let Some((other_key, other_span, other_file)) = hit.other {
            f = f.related(
                &other_file,
                other_span,
                format!("same value as `{other_key}`"),
            );
        }
        with_layers(f, s).build()
    }

    /// A setting whose value is unknown, judged by the default the check assumes.
    fn unknown(&self, s: &Setting, key: String, secret: bool, depends: &str) -> Finding {
        let default = self.default.map(|d| d.to_string()).unwrap_or_default();
        let shown = if secret { MASK.to_string() } else { default };
        let message = format!(
            "{} (the value depends on {depends}; camguard cannot resolve it and assumes the default `{shown}`)",
            self.message(&key, &shown, None)
        );
        let span = match self.check.span {
            SpanTarget::Key => s.key_span,
            SpanTarget::Value => s.primary_span(),
        };
        let label = format!("the value is unknown, so the default `{shown}` is assumed");
        let f = self.finding(&s.file, key, message, span, label, "<unknown>");
        with_layers(f, s).build()
    }

    fn absent(&self, caps: &[String], file: &crate::source::FileRef, anchor: Span) -> Finding {
        let key = self.check.key.bound(caps).raw.clone();
        let default = self.default.map(|d| d.to_string());
        let shown = match (&default, is_secret_key(&key)) {
            (Some(_), true) => MASK.to_string(),
            (Some(d), false) => d.clone(),
            (None, _) => "(unset)".to_string(),
        };
        let message = self.message(&key, &shown, None);
        let label = match &default {
            Some(_) => format!("`{key}` is not set here, so it defaults to `{shown}`"),
            None => format!("`{key}` is not set here"),
        };
        self.finding(file, key, message, anchor, label, "<absent>")
            .build()
    }
}

fn run_check(
    rule: &Arc<Rule>,
    check: &Check,
    at: Scenario<'_>,
    index: &Index<'_>,
    out: &mut Vec<Finding>,
) {
    let default = at.default(&check.default, &check.defaults_for);
    let ctx = Ctx {
        rule,
        check,
        default,
        index,
    };
    let matches = index.find(&check.key);
    for (s, caps) in &matches {
        if !check.when.iter().all(|w| when_holds(w, at, caps, index)) {
            continue;
        }
        if let Some(hit) = holds(&check.condition, &Subject::Present(s), default, caps, index) {
            out.push(ctx.present(s, caps, hit));
        }
    }
    let absent_capable = matches!(check.condition, Condition::Absent) || default.is_some();
    if !absent_capable || (index.component.partial && !in_complete_section(check, index)) {
        return;
    }
    // Where could the key be absent? Once per binding of its wildcards, or once.
    let component = index.component;
    let places: Vec<(Vec<String>, &crate::source::FileRef, Span)> = if check.key.has_wildcards() {
        let Some(parent) = check.key.parent() else {
            return;
        };
        index
            .component
            .sections
            .iter()
            .filter_map(|sec| {
                parent
                    .captures(&sec.match_key, index.style())
                    .map(|c| (c, sec.file.as_ref().unwrap_or(&component.file), sec.span))
            })
            .collect()
    } else if matches.is_empty() {
        let mk = check.key.match_form(index.style());
        let (file, span) = component.anchor_at(&mk);
        vec![(Vec::new(), file, span)]
    } else {
        Vec::new()
    };
    for (caps, file, anchor) in places {
        let concrete = check.key.bound(&caps);
        if !index.find(&concrete).is_empty() {
            continue;
        }
        if !check.when.iter().all(|w| when_holds(w, at, &caps, index)) {
            continue;
        }
        let fires = match (&check.condition, default) {
            (Condition::Absent, _) => true,
            (c, Some(d)) => holds(c, &Subject::Default(d), None, &caps, index).is_some(),
            _ => false,
        };
        if fires {
            out.push(ctx.absent(&caps, file, anchor));
        }
    }
}

/// Is the check's key (without wildcards) below a section of a partial component whose
/// settings are all in view ([`crate::model::settings::Component::complete`])?
fn in_complete_section(check: &Check, index: &Index<'_>) -> bool {
    let complete = &index.component.complete;
    if complete.is_empty() || check.key.has_wildcards() {
        return false;
    }
    let mk = check.key.match_form(index.style());
    complete
        .iter()
        .any(|p| crate::model::keys::is_prefix(p, &mk, index.style()))
}

/// The layers a deployment's setting overrode or that fed it, as related locations.
fn with_layers(mut f: FindingBuilder, s: &Setting) -> FindingBuilder {
    if let Some(via) = &s.via {
        for r in &via.related {
            f = f.related(&r.file, r.span, r.label.clone());
        }
    }
    f
}

/// The version range a check is evaluated in, which picks its defaults. Passed beside the
/// check rather than written into a copy of it: copying a check per range (its key
/// patterns above all) was 1.4% of a finding-dense tree's instructions (BENCHMARKS.md).
#[derive(Clone, Copy)]
enum Scenario<'a> {
    /// Not by version: `default` holds.
    Any,
    In(&'a Range),
}

impl Scenario<'_> {
    /// The default of the scenario: the `default-for` that holds its range, else `default`.
    fn default<'c>(
        self,
        fallback: &'c Option<Literal>,
        per: &'c [VersionedDefault],
    ) -> Option<&'c Literal> {
        match self {
            Scenario::Any => fallback.as_ref(),
            Scenario::In(at) => per
                .iter()
                .find(|d| d.versions.range.contains(at))
                .map(|d| &d.value)
                .or(fallback.as_ref()),
        }
    }
}

/// A check's message with its placeholders filled, in one pass: a value that holds the text
/// of another placeholder (`{default}` in a hostile key) stays as written.
fn fill(template: &str, key: &str, value: &str, default: &str, other: &str) -> String {
    let mut out = String::with_capacity(template.len() + key.len() + value.len());
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let (with, len) = [
            ("{key}", key),
            ("{value}", value),
            ("{default}", default),
            ("{other}", other),
        ]
        .into_iter()
        .find(|(p, _)| tail.starts_with(p))
        .map_or(("{", 1), |(p, w)| (w, p.len()));
        out.push_str(with);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

/// How a product and a version (or range) read in a message.
fn product_phrase(p: Product, what: &str) -> String {
    match p {
        Product::CamundaHelm => format!("a chart for Camunda {what}"),
        Product::Camunda8 | Product::Camunda7 | Product::Camunda7Run => format!("Camunda {what}"),
        Product::Optimize => format!("Optimize {what}"),
        Product::Elasticsearch => format!("Elasticsearch {what}"),
        Product::Opensearch => format!("OpenSearch {what}"),
        Product::Compose => format!("compose {what}"),
    }
}

/// Cut the version line at every bound the check mentions: in each piece, every part of
/// the check either applies or does not, and each default is one value.
fn scenarios(rule: &Rule, check: &Check, known: Option<&KnownVersion>) -> Vec<Range> {
    let mut bounds: Vec<Triple> = Vec::new();
    let mut add = |r: &Range| bounds.extend(r.lo.into_iter().chain(r.hi));
    if let Some(v) = &rule.versions.versions {
        add(&v.range);
    }
    if let Some(v) = &check.versions {
        add(&v.range);
    }
    for d in check
        .defaults_for
        .iter()
        .chain(check.when.iter().flat_map(|w| w.defaults_for.iter()))
    {
        add(&d.versions.range);
    }
    bounds.sort();
    bounds.dedup();
    let mut pieces = Vec::with_capacity(bounds.len() + 1);
    let mut lo = None;
    for b in bounds {
        pieces.push(Range { lo, hi: Some(b) });
        lo = Some(b);
    }
    pieces.push(Range { lo, hi: None });
    match known {
        Some(k) => pieces
            .iter()
            .map(|p| p.intersect(&k.version.range()))
            .filter(|p| !p.is_empty())
            .collect(),
        None => pieces,
    }
}

/// Adjacent pieces merged, for the message.
fn describe_pieces(pieces: &[Range]) -> String {
    let mut merged: Vec<Range> = Vec::new();
    for p in pieces {
        match merged.last_mut() {
            Some(last) if last.hi.is_some() && last.hi == p.lo => last.hi = p.hi,
            _ => merged.push(*p),
        }
    }
    let d: Vec<String> = merged.iter().map(|r| r.describe()).collect();
    d.join(" or ")
}

/// A check whose keys, conditions or defaults depend on the version: evaluated once per
/// version range that the known version leaves open. A finding that holds in every range
/// is reported as is; one that holds in some ranges only says which it assumed (or is
/// dropped, for rules with `if-version-unknown = "skip"`).
fn run_versioned(rule: &Arc<Rule>, check: &Check, index: &Index<'_>, out: &mut Vec<Finding>) {
    let Some(product) = rule.versions.product else {
        return run_check(rule, check, Scenario::Any, index, out);
    };
    let known = index.component.version_of(product);
    let pieces = scenarios(rule, check, known);
    let mut applies = rule
        .versions
        .versions
        .as_ref()
        .map_or(Range::ALL, |v| v.range);
    if let Some(v) = &check.versions {
        applies = applies.intersect(&v.range);
    }
    // (finding, indices of the pieces it holds in)
    let mut found: Vec<(Finding, Vec<usize>)> = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        if !applies.contains(piece) {
            continue;
        }
        let mut here = Vec::new();
        run_check(rule, check, Scenario::In(piece), index, &mut here);
        for f in here {
            let same = found
                .iter_mut()
                .find(|(g, _)| g.span == f.span && g.key == f.key && Arc::ptr_eq(&g.file, &f.file));
            match same {
                Some((_, at)) => at.push(i),
                None => found.push((f, vec![i])),
            }
        }
    }
    for (mut f, at) in found {
        if at.len() == pieces.len() {
            if let Some(k) = known {
                f.message.push_str(&format!(
                    " (on {}, from {})",
                    product_phrase(product, &k.version.to_string()),
                    k.source
                ));
            }
        } else {
            if rule.versions.if_unknown == IfVersionUnknown::Skip {
                continue;
            }
            let held: Vec<Range> = at.iter().map(|i| pieces[*i]).collect();
            let why = match known {
                None => "the version is not known".to_string(),
                Some(k) => format!("{} gives only {}", k.source, k.version),
            };
            f.message.push_str(&format!(
                " (assuming {}; {why})",
                product_phrase(product, &describe_pieces(&held))
            ));
        }
        out.push(f);
    }
}

/// Evaluate every declarative rule that applies to the component.
pub fn evaluate(rules: &RuleSet, component: &Component) -> Vec<Finding> {
    let index = Index::new(component);
    let mut out = Vec::new();
    for rule in &rules.rules {
        if !rule.applies_to(&component.products) {
            continue;
        }
        let rule_versioned = rule.versions.versions.is_some();
        for check in rule.checks() {
            if rule_versioned || check.is_versioned() {
                run_versioned(rule, check, &index, &mut out);
            } else {
                run_check(rule, check, Scenario::Any, &index, &mut out);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_fill_each_placeholder_once() {
        assert_eq!(
            fill(
                "`{key}` is `{value}` (default `{default}`, like {other})",
                "a.b",
                "x",
                "y",
                "c"
            ),
            "`a.b` is `x` (default `y`, like c)"
        );
        // A value holding a placeholder's text is not filled again, and braces that are not
        // a placeholder stay.
        assert_eq!(
            fill("{key}={value} {x} {", "{value}", "{default}", "d", ""),
            "{value}={default} {x} {"
        );
        assert_eq!(fill("{value}{value}", "", "é", "", ""), "éé");
    }

    #[test]
    fn the_index_finds_every_setting_of_a_key_in_order() {
        use crate::model::settings::{Form, Placeholders, Value};
        use crate::source::SourceFile;
        let file = SourceFile::new("application.properties", "");
        let setting = |key: &str, value: &str| Setting {
            key: key.into(),
            match_key: crate::model::keys::match_key(key, KeyStyle::Relaxed).into(),
            value: Value::text(value),
            key_span: Span::default(),
            value_span: Span::default(),
            form: Form::Properties,
            placeholders: Placeholders::Spring,
            file: file.clone(),
            secret: false,
            via: None,
        };
        let mut c = Component::new(file.clone(), Vec::new(), Span::default());
        c.style = KeyStyle::Relaxed;
        c.settings = vec![
            setting("a.b", "1"),
            setting("x", "-"),
            setting("a.b", "2"),
            setting("A_B", "3"),
            setting("y", "-"),
            setting("a.b", "4"),
        ];
        let index = Index::new(&c);
        let values = |key: &str| -> Vec<String> {
            index
                .find(&KeyPattern::new(key).unwrap())
                .iter()
                .map(|(s, _)| s.value.display())
                .collect()
        };
        assert_eq!(values("a.b"), ["1", "2", "3", "4"]);
        assert_eq!(values("x"), ["-"]);
        assert!(values("z").is_empty());
    }

    #[test]
    fn plain_http_hosts() {
        assert!(is_plain_http("http://elasticsearch:9200"));
        assert!(is_plain_http("HTTP://10.0.0.1/x"));
        assert!(is_plain_http("https://a:1,http://b:2"));
        assert!(!is_plain_http("http://localhost:8080/engine-rest"));
        assert!(!is_plain_http("http://127.0.0.1:9200"));
        assert!(!is_plain_http("http://[::1]:9200"));
        assert!(!is_plain_http("https://es:9200"));
        assert!(!is_plain_http("http://user:pw@localhost"));
        assert!(is_plain_http("grpc://zeebe-gateway:26500"));
        assert!(!is_plain_http("grpc://localhost:26500"));
        assert!(!is_plain_http("grpcs://zeebe-gateway:26500"));
    }
}
