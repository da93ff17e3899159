//! Rules: declared as data in `rules/<product>/*.toml`, embedded at build time.

pub mod builtin;
pub mod credentials;
pub mod eval;
pub mod load;
pub mod pattern;
pub mod secrets;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

use crate::settings::Product;
pub use pattern::KeyPattern;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    Any,
    Product(Product),
}

impl Applies {
    pub fn id(self) -> &'static str {
        match self {
            Applies::Any => "any",
            Applies::Product(p) => p.id(),
        }
    }
}

/// A constant in a rule: a default or a value to compare with.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Bool(bool),
    Number(f64),
    Str(String),
    Null,
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Number(n) => write!(f, "{n}"),
            Literal::Str(s) => f.write_str(s),
            Literal::Null => f.write_str("null"),
        }
    }
}

/// A rule's value regex: checked for syntax when the rule loads, compiled the first time a
/// value is tested (compiling every rule's regexes up front was a large part of a one-file
/// check).
#[derive(Clone, Debug)]
pub struct LazyRegex {
    source: String,
    compiled: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    /// Validate the pattern's syntax (cheap: no automaton is built).
    pub fn new(source: &str) -> Result<Self, String> {
        regex_syntax::Parser::new()
            .parse(source)
            .map_err(|e| e.to_string())?;
        Ok(LazyRegex {
            source: source.to_string(),
            compiled: OnceLock::new(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// A pattern that parses but does not compile (over the size limit) matches nothing.
    pub fn is_match(&self, text: &str) -> bool {
        self.compiled
            .get_or_init(|| Regex::new(&self.source).ok())
            .as_ref()
            .is_some_and(|r| r.is_match(text))
    }
}

#[derive(Clone, Debug)]
pub enum Condition {
    Is(Literal),
    IsNot(Literal),
    OneOf(Vec<Literal>),
    NotOneOf(Vec<Literal>),
    Matches(LazyRegex),
    LessThan(f64),
    AtMost(f64),
    GreaterThan(f64),
    AtLeast(f64),
    ShorterThan(usize),
    Empty,
    Present,
    Absent,
    Literal,
    PlainHttp,
    WellKnownSecret,
    Contains(Vec<String>),
    SameAs(KeyPattern),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanTarget {
    Value,
    Key,
}

#[derive(Clone, Debug)]
pub struct When {
    pub key: KeyPattern,
    pub condition: Condition,
    pub default: Option<Literal>,
}

#[derive(Clone, Debug)]
pub struct Check {
    pub key: KeyPattern,
    pub condition: Condition,
    pub message: String,
    pub default: Option<Literal>,
    pub severity: Option<Severity>,
    pub span: SpanTarget,
    pub when: Vec<When>,
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub applies: Vec<Applies>,
    pub summary: String,
    pub docs: String,
    pub cwe: Vec<u32>,
    pub tags: Vec<String>,
    pub explanation: String,
    pub checks: Vec<Check>,
    /// A check implemented in Rust (see [`builtin`]).
    pub builtin: Option<String>,
    /// A catch-all rule: its findings give way to a more specific rule's finding on the
    /// same span (CRED001 yields to the rule about demo users, for example).
    pub generic: bool,
    /// Where the rule was loaded from (`rules/camunda8/C8001-unprotected-api.toml`).
    pub origin: PathBuf,
}

impl Rule {
    pub fn applies_to(&self, products: &[Product]) -> bool {
        self.applies.iter().any(|a| match a {
            Applies::Any => true,
            Applies::Product(p) => products.contains(p),
        })
    }

    pub fn product_ids(&self) -> Vec<&'static str> {
        self.applies.iter().map(|a| a.id()).collect()
    }
}

/// The loaded rule set.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Arc<Rule>>,
}

impl RuleSet {
    /// The rules shipped in the binary. Invalid built-in rules are a bug caught by the
    /// test suite; here they are skipped.
    pub fn builtin() -> RuleSet {
        let (set, _errors) = load::load_embedded();
        set
    }

    pub fn find(&self, code_or_name: &str) -> Option<&Arc<Rule>> {
        self.rules
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
    }
}
