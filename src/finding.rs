//! Findings: what a rule found, where, and how to describe it without leaking secrets.

use std::sync::Arc;

use crate::rules::{Rule, Severity};
use crate::settings::{FileRef, Product};
use crate::source::Span;

/// A secondary location (the other half of demo/demo, the first of two duplicate keys).
#[derive(Clone, Debug)]
pub struct Related {
    pub file: FileRef,
    pub span: Span,
    pub label: String,
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: Arc<Rule>,
    pub severity: Severity,
    /// Already masked: never contains a secret value.
    pub message: String,
    pub file: FileRef,
    pub span: Span,
    /// Text under the underlined span.
    pub label: String,
    /// The canonical setting key (`camunda.security.authentication.unprotected-api`).
    pub key: String,
    /// A short, stable hash of the normalised value (for fingerprints and baselines).
    pub value_hash: String,
    pub product: Option<Product>,
    /// Compose service, container or chart section.
    pub component: Option<String>,
    pub related: Vec<Related>,
}

impl Finding {
    pub fn path(&self) -> String {
        self.file.display_path()
    }

    /// Sort key: file, position, rule, key. Output order never depends on threads.
    pub fn sort_key(&self) -> (String, usize, usize, String, String) {
        (
            self.path(),
            self.span.start,
            self.span.end,
            self.rule.code.clone(),
            self.key.clone(),
        )
    }
}

/// FNV-1a, 64 bit: stable across runs and platforms (std's hasher is not).
pub fn stable_hash(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}
