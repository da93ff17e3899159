//! What a rule is to the rest of camguard: its identity, severity and documentation.
//! The logic that finds things lives in `crate::rules`; findings and renderers only need
//! this.

use std::fmt;

use serde::Serialize;

use super::settings::Product;

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

/// A rule's identity and documentation, shared by every finding it produces.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub applies: Vec<Applies>,
    pub summary: String,
    pub docs: String,
    pub cwe: Vec<u32>,
    pub tags: Vec<String>,
    pub explanation: String,
    /// A catch-all rule: its findings give way to a more specific rule's finding on the
    /// same span (CRED001 yields to the rule about demo users, for example).
    pub generic: bool,
}

impl RuleInfo {
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

/// A rule selector: a code (`C8001`), a name (`unprotected-api`), a code prefix
/// (`C8`), or `ALL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector(pub String);

impl Selector {
    pub fn matches(&self, code: &str, name: &str) -> bool {
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
