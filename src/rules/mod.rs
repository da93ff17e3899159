//! Rules: declared as data in `rules/<product>/*.toml`, embedded at build time.

pub mod builtin;
pub mod eval;
pub mod load;
pub mod pattern;
pub mod well_known;

use std::fmt;
use std::sync::Arc;

use regex::Regex;
use std::sync::OnceLock;

pub(crate) use crate::model::deployment::Environment;
pub use crate::model::rule::{Applies, IfVersionUnknown, RuleInfo, Severity};
use crate::model::settings::Product;
use crate::model::version::VersionReq;
pub(crate) use pattern::KeyPattern;

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

    #[cfg(test)]
    pub(crate) fn as_str(&self) -> &str {
        &self.source
    }

    /// A pattern that parses but does not compile (over the size limit) matches nothing.
    pub(crate) fn is_match(&self, text: &str) -> bool {
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

/// A default that holds for some versions only (`[[check.default-for]]`).
#[derive(Clone, Debug)]
pub struct VersionedDefault {
    pub versions: VersionReq,
    pub value: Literal,
}

#[derive(Clone, Debug)]
pub struct When {
    pub key: KeyPattern,
    pub condition: Condition,
    pub default: Option<Literal>,
    /// Defaults of some versions; `default` holds for the others.
    pub defaults_for: Vec<VersionedDefault>,
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
    /// The versions this check applies to (within the rule's).
    pub versions: Option<VersionReq>,
    /// Defaults of some versions; `default` holds for the others.
    pub defaults_for: Vec<VersionedDefault>,
}

impl Check {
    /// Does anything in the check depend on the version?
    pub(crate) fn is_versioned(&self) -> bool {
        self.versions.is_some()
            || !self.defaults_for.is_empty()
            || self.when.iter().any(|w| !w.defaults_for.is_empty())
    }
}

/// How a rule's checks depend on the version.
#[derive(Clone, Debug, Default)]
pub struct RuleVersions {
    /// The product whose version the checks compare (`version-of`, or the rule's one product).
    pub product: Option<Product>,
    /// `versions` of the rule.
    pub versions: Option<VersionReq>,
    pub if_unknown: IfVersionUnknown,
}

/// What a rule does: declarative checks, or one check written in Rust. A rule cannot
/// have both (the loader refuses such a file).
#[derive(Clone, Debug)]
pub enum Logic {
    Checks(Vec<Check>),
    Builtin(builtin::Builtin),
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub info: Arc<RuleInfo>,
    pub logic: Logic,
    /// `[environments]`: how findings on a deployment of another environment than
    /// production fire (`None`: not at all). Production always gets the rule's severity.
    pub environments: Vec<(Environment, Option<Severity>)>,
    pub versions: RuleVersions,
}

impl std::ops::Deref for Rule {
    type Target = RuleInfo;

    fn deref(&self) -> &RuleInfo {
        &self.info
    }
}

impl Rule {
    /// The severity of this rule's finding of `severity` on a deployment of `env`: `None`
    /// when the rule does not fire there. Never lower for production.
    pub fn severity_in(&self, env: Environment, severity: Severity) -> Option<Severity> {
        if env == Environment::Production {
            return Some(severity);
        }
        match self.environments.iter().find(|(e, _)| *e == env) {
            Some((_, s)) => s.map(|s| s.min(severity)),
            None => Some(severity),
        }
    }

    pub fn checks(&self) -> &[Check] {
        match &self.logic {
            Logic::Checks(c) => c,
            Logic::Builtin(_) => &[],
        }
    }

    pub(crate) fn builtin(&self) -> Option<builtin::Builtin> {
        match self.logic {
            Logic::Builtin(b) => Some(b),
            Logic::Checks(_) => None,
        }
    }
}

/// The loaded rule set.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Arc<Rule>>,
}

impl RuleSet {
    /// The rules shipped in the binary. Their TOML is checked when the binary is built
    /// (`build.rs`) and their meaning by the test suite (`tests/rule_fixtures.rs`).
    pub fn shipped() -> RuleSet {
        let (set, _errors) = load::load_embedded();
        set
    }

    /// Rule identities, for selectors and the SARIF rule table.
    pub(crate) fn infos(&self) -> Vec<Arc<RuleInfo>> {
        self.rules.iter().map(|r| r.info.clone()).collect()
    }

    /// The first rule implemented by this builtin.
    pub(crate) fn with_builtin(&self, b: builtin::Builtin) -> Option<&Arc<Rule>> {
        self.rules.iter().find(|r| r.builtin() == Some(b))
    }

    /// Does a check of some rule read this key (its key or a `when` key)? What
    /// `camguard deployments` calls security-relevant.
    pub(crate) fn mentions(
        &self,
        match_key: &str,
        style: crate::model::settings::KeyStyle,
    ) -> bool {
        self.rules.iter().flat_map(|r| r.checks()).any(|c| {
            c.key.captures(match_key, style).is_some()
                || c.when
                    .iter()
                    .any(|w| w.key.captures(match_key, style).is_some())
        })
    }

    pub(crate) fn find(&self, code_or_name: &str) -> Option<&Arc<Rule>> {
        self.rules
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
    }
}
