//! What a rule is to the rest of camguard: its identity, severity and documentation.
//! The logic that finds things lives in `crate::rules`; findings and renderers only need
//! this.

use std::fmt;

use serde::Serialize;

use super::settings::Product;
use super::version::Range;

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

    pub(crate) fn as_str(self) -> &'static str {
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
    pub(crate) fn id(self) -> &'static str {
        match self {
            Applies::Any => "any",
            Applies::Product(p) => p.id(),
        }
    }
}

/// A rule's identity and documentation, shared by every finding it produces.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub applies: Vec<Applies>,
    /// Products the rule never applies to, even when `applies` matches (`not-products`:
    /// a Spring Boot starter rule that Camunda Run, also `camunda7`, must not get).
    pub excludes: Vec<Product>,
    pub summary: String,
    pub docs: String,
    pub cwe: Vec<u32>,
    pub tags: Vec<String>,
    pub explanation: String,
    /// A catch-all rule: its findings give way to a more specific rule's finding on the
    /// same span (CRED001 yields to the rule about demo users, for example).
    pub generic: bool,
    /// The versions the rule covers, when it declares any.
    pub versions: Option<Coverage>,
}

/// What to do when a version-dependent check meets a component of unknown version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum IfVersionUnknown {
    /// Report what holds for some version, and say which version the finding assumed.
    #[default]
    Assume,
    /// Report only what holds whatever the version is.
    Skip,
}

/// Which versions of which product a rule covers (for its documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    /// The product whose version the rule compares.
    pub product: Product,
    /// The releases some check of the rule applies to, merged, in order.
    pub ranges: Vec<Range>,
    /// Narrower ranges of single checks (distinct, in order), when they differ from `ranges`.
    pub checks: Vec<Range>,
    /// Some check's default depends on the version.
    pub per_version_defaults: bool,
    pub if_unknown: IfVersionUnknown,
}

impl Coverage {
    /// `8.8 or later`, `before 8.8`, `every version`, joined by `; `, then the narrower
    /// ranges of some checks: `every version (some checks: before 8.8)`.
    pub fn describe(&self) -> String {
        let d: Vec<String> = self.ranges.iter().map(|r| r.describe()).collect();
        let mut s = d.join("; ");
        if !self.checks.is_empty() {
            let c: Vec<String> = self.checks.iter().map(|r| r.describe()).collect();
            s.push_str(&format!(" (some checks: {})", c.join("; ")));
        }
        s
    }
}

impl RuleInfo {
    /// A rule with only a code and a severity, for tests that build findings by hand.
    #[cfg(test)]
    pub(crate) fn for_tests(code: &str, severity: Severity) -> std::sync::Arc<Self> {
        std::sync::Arc::new(RuleInfo {
            code: code.into(),
            name: "t".into(),
            severity,
            applies: vec![Applies::Any],
            excludes: Vec::new(),
            summary: String::new(),
            docs: String::new(),
            cwe: Vec::new(),
            tags: Vec::new(),
            explanation: String::new(),
            generic: false,
            versions: None,
        })
    }

    pub(crate) fn applies_to(&self, products: &[Product]) -> bool {
        if self.excludes.iter().any(|p| products.contains(p)) {
            return false;
        }
        self.applies.iter().any(|a| match a {
            Applies::Any => true,
            Applies::Product(p) => products.contains(p),
        })
    }

    pub(crate) fn product_ids(&self) -> Vec<&'static str> {
        self.applies.iter().map(|a| a.id()).collect()
    }
}

/// A rule selector: a code (`C8001`), a name (`unprotected-api`), a code prefix
/// (`C8`), or `ALL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector(pub String);

impl Selector {
    pub(crate) fn matches(&self, code: &str, name: &str) -> bool {
        let s = self.0.as_str();
        s.eq_ignore_ascii_case("ALL")
            || s.eq_ignore_ascii_case(code)
            || s == name
            || (code.len() > s.len()
                && code
                    .to_ascii_uppercase()
                    .starts_with(&s.to_ascii_uppercase()))
    }
}
