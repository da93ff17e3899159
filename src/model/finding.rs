//! Findings: what a rule found, where, and how to describe it without leaking secrets.

use std::sync::Arc;

use super::hashing::{FastMap, FastSet};
use super::keys;
use super::rule::{RuleInfo, Severity};
use super::settings::Product;
use crate::source::{FileRef, Span};

/// A secondary location (the other half of demo/demo, the first of two duplicate keys).
#[derive(Clone, Debug)]
pub struct Related {
    pub file: FileRef,
    pub span: Span,
    pub label: String,
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: Arc<RuleInfo>,
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
    /// Never derived from a secret: for a secret key it hashes the key alone, and a value
    /// holding a secret (a URL with a password) is hashed masked, so the baseline, which
    /// is committed, allows no offline check of a guessed secret.
    pub value_hash: String,
    pub product: Option<Product>,
    /// Compose service, container or chart section.
    pub component: Option<String>,
    pub related: Vec<Related>,
}

impl Finding {
    /// Start a finding of `rule` at `span` of `file`, at the rule's severity.
    pub(crate) fn builder(rule: &Arc<RuleInfo>, file: &FileRef, span: Span) -> FindingBuilder {
        FindingBuilder {
            finding: Finding {
                rule: rule.clone(),
                severity: rule.severity,
                message: String::new(),
                file: file.clone(),
                span,
                label: String::new(),
                key: String::new(),
                value_hash: String::new(),
                product: None,
                component: None,
                related: Vec::new(),
            },
            value: None,
        }
    }

    pub fn path(&self) -> String {
        self.file.display_path()
    }

    /// Sort key: file, position, rule, key. Output order never depends on threads.
    pub(crate) fn sort_key(&self) -> (String, usize, usize, String, String) {
        (
            self.path(),
            self.span.start,
            self.span.end,
            self.rule.code.clone(),
            self.key.clone(),
        )
    }

    /// What identifies the finding across runs: rule, file (relative to `root`, so not
    /// to the working directory), key and value, but no line numbers, so that edits
    /// elsewhere in the file keep it. Every format uses its hash ([`Self::identity_hash`]).
    #[cfg(test)]
    fn identity(&self, root: &std::path::Path) -> String {
        format!(
            "{}|{}|{}|{}",
            self.rule.code,
            crate::source::relative_to_base(root, &self.file.path),
            self.key,
            self.value_hash
        )
    }

    /// The FNV-1a hash of [`Self::identity`], its file's relative path given, without
    /// building the text: the hash runs over the same bytes, piece by piece.
    fn identity_hash(&self, relative: &str) -> u64 {
        [
            self.rule.code.as_str(),
            "|",
            relative,
            "|",
            &self.key,
            "|",
            &self.value_hash,
        ]
        .into_iter()
        .fold(FNV_OFFSET, fnv)
    }
}

/// Builds a [`Finding`]; the only way rules and suppressions make one. Messages and
/// labels are masked here ([`keys::mask_secrets`]: URL user information, secret query
/// parameters), whatever the rule put in them.
#[must_use]
pub(crate) struct FindingBuilder {
    finding: Finding,
    /// What the value hash is computed from, once the key is known.
    value: Option<String>,
}

impl FindingBuilder {
    pub(crate) fn severity(mut self, s: Severity) -> Self {
        self.finding.severity = s;
        self
    }

    /// The message; secrets in it are masked.
    pub(crate) fn message(mut self, m: impl Into<String>) -> Self {
        let m = m.into();
        self.finding.message = keys::mask_secrets(&m).into_owned();
        self
    }

    pub(crate) fn label(mut self, l: impl Into<String>) -> Self {
        let l = l.into();
        self.finding.label = keys::mask_secrets(&l).into_owned();
        self
    }

    /// The canonical key; the value hash defaults to the key's.
    pub(crate) fn key(mut self, k: impl Into<String>) -> Self {
        self.finding.key = k.into();
        self
    }

    /// What the value hash is computed from (never stored as such).
    pub(crate) fn value(mut self, v: &str) -> Self {
        self.value = Some(v.to_string());
        self
    }

    pub(crate) fn product(mut self, p: Option<Product>) -> Self {
        self.finding.product = p;
        self
    }

    pub(crate) fn component(mut self, c: Option<String>) -> Self {
        self.finding.component = c;
        self
    }

    pub(crate) fn related(mut self, file: &FileRef, span: Span, label: impl Into<String>) -> Self {
        self.finding.related.push(Related {
            file: file.clone(),
            span,
            label: keys::mask_secrets(&label.into()).into_owned(),
        });
        self
    }

    pub(crate) fn build(mut self) -> Finding {
        let f = &mut self.finding;
        f.value_hash = match self.value {
            Some(_) if keys::is_secret_key(&f.key) => stable_hash(&format!("{}|secret", f.key)),
            Some(v) => stable_hash(&keys::mask_secrets(&v)),
            None => stable_hash(&f.key),
        };
        self.finding
    }
}

/// The fingerprint of each finding, in order: its identity hashed, and where two findings
/// share an identity (the same setting in two services of one file), an occurrence number,
/// so that every fingerprint is unique and stays stable when lines move.
/// Paths are taken relative to `root` (the repository root).
///
/// The identities and their hashes are computed on the worker threads; only the
/// occurrence numbers, which depend on every earlier finding, are counted in order, on
/// compact keys (64-bit hashes and one identity string per finding).
pub(crate) fn fingerprints<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    root: &std::path::Path,
) -> Vec<String> {
    use rayon::prelude::*;
    let findings: Vec<&Finding> = findings.into_iter().collect();
    // Only the identities' hashes are kept, not the identities: the strings (one per
    // finding, 45,461 on the large benchmark tree) and a map keyed by them were held at the
    // end of the run, where its memory peaks.
    // Each file's relative path once (a file holds three findings on average on a
    // finding-dense tree), on the worker threads.
    let mut files: FastMap<usize, &std::path::Path> = FastMap::default();
    for f in &findings {
        files
            .entry(Arc::as_ptr(&f.file) as usize)
            .or_insert(&f.file.path);
    }
    let relative: FastMap<usize, String> = files
        .into_par_iter()
        .map(|(at, path)| (at, crate::source::relative_to_base(root, path)))
        .collect();
    let hashes: Vec<u64> = findings
        .par_iter()
        .map(|f| {
            let at = Arc::as_ptr(&f.file) as usize;
            match relative.get(&at) {
                Some(r) => f.identity_hash(r),
                None => f.identity_hash(&crate::source::relative_to_base(root, &f.file.path)),
            }
        })
        .collect();
    let mut seen = FastSet::with_capacity_and_hasher(hashes.len(), Default::default());
    // The occurrence to try next per identity hash: many findings sharing one identity cost
    // their number, not its square. Keyed by the hash rather than the identity, two
    // identities of one hash share a count; their fingerprints do not change, because every
    // number below the count was taken or found taken, and the loop below skips those.
    let mut next: FastMap<u64, usize> = FastMap::default();
    // `stable_hash(format!("{base}|{n}"))`, continued from the hash of `base`.
    let numbered = |h: u64, n: usize| fnv(h, &format!("|{n}"));
    let numbered: Vec<u64> = hashes
        .into_iter()
        .map(|h| {
            let n = next.entry(h).or_insert(1);
            let mut fp = if *n == 1 { h } else { numbered(h, *n) };
            while !seen.insert(fp) {
                *n += 1;
                fp = numbered(h, *n);
            }
            *n += 1;
            fp
        })
        .collect();
    // (the text of each, like the identities, on the worker threads)
    numbered.par_iter().map(|fp| format!("{fp:016x}")).collect()
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a, 64 bit, continued from `h` over the bytes of `s`.
fn fnv(mut h: u64, s: &str) -> u64 {
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// FNV-1a, 64 bit: stable across runs and platforms (std's hasher is not).
pub(crate) fn stable_hash(s: &str) -> String {
    format!("{:016x}", fnv(FNV_OFFSET, s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn rule() -> Arc<RuleInfo> {
        RuleInfo::for_tests("T001", Severity::High)
    }

    #[test]
    fn fingerprints_are_unique_and_ignore_positions() {
        let file = SourceFile::new("a.yaml", "k: v\nk: v\n");
        let f = |at| {
            Finding::builder(&rule(), &file, Span::new(at, at + 1))
                .key("k")
                .value("v")
                .build()
        };
        let (a, b) = (f(0), f(5));
        let root = std::path::Path::new("/repo");
        let fps = fingerprints([&a, &b], root);
        assert_ne!(fps[0], fps[1]);
        // The first occurrence does not depend on where it is.
        assert_eq!(fingerprints([&b], root)[0], fps[0]);
    }

    #[test]
    fn numbered_fingerprints_hash_the_identity_with_its_number() {
        // The occurrence hash continues the identity's hash: it must equal the hash of
        // `identity|n` written out, as it always did.
        let file = SourceFile::new("a.yaml", "k: v\nk: v\nk: v\n");
        let fs: Vec<Finding> = [0, 5, 10]
            .into_iter()
            .map(|at| {
                Finding::builder(&rule(), &file, Span::new(at, at + 1))
                    .key("k")
                    .value("v")
                    .build()
            })
            .collect();
        let root = std::path::Path::new("/repo");
        let base = fs[0].identity(root);
        let fps = fingerprints(&fs, root);
        assert_eq!(fps[0], stable_hash(&base));
        assert_eq!(fps[1], stable_hash(&format!("{base}|2")));
        assert_eq!(fps[2], stable_hash(&format!("{base}|3")));
        assert_eq!(stable_hash(""), "cbf29ce484222325");
    }

    #[test]
    fn nothing_derived_from_a_secret_is_kept() {
        let file = SourceFile::new("a.yaml", "k: v\n");
        let f = |key: &str, value: &str| {
            Finding::builder(&rule(), &file, Span::new(0, 1))
                .key(key)
                .value(value)
                .message(format!("`{key}` is `{value}`"))
                .build()
        };
        // Two secrets of one key cannot be told apart, so neither can be guessed.
        let (a, b) = (f("db.password", "hunter2"), f("db.password", "letmein"));
        assert_eq!(a.value_hash, b.value_hash);
        assert_ne!(a.value_hash, stable_hash("hunter2"));
        let url = f("spring.datasource.url", "jdbc:postgresql://u:hunter2@db/x");
        assert_eq!(
            url.value_hash,
            f("spring.datasource.url", "jdbc:postgresql://u:other@db/x").value_hash
        );
        assert!(!url.message.contains("hunter2"), "{}", url.message);
        // Other values still tell findings apart.
        assert_ne!(
            f("a.enabled", "true").value_hash,
            f("a.enabled", "false").value_hash
        );
    }
}
