//! What flows through the pipeline: settings, rule identities, findings, problems and
//! the report. The model imports nothing of camguard but `crate::source`, so every stage
//! and every renderer can use it.

pub mod analysis;
pub mod deployment;
pub mod file_kind;
pub mod finding;
pub(crate) mod hashing;
pub mod keys;
pub mod problem;
pub mod report;
pub mod rule;
pub mod settings;
pub mod shown;
pub mod value;
pub mod version;
pub mod wiring;

/// The text shown instead of a secret value, in every output.
pub(crate) const MASK: &str = "********";

/// Does the text show a [`MASK`]? With one searcher made for the whole run (`str::contains`
/// builds one per call, and this runs on every finding a report writes).
pub(crate) fn shows_mask(s: &str) -> bool {
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(MASK));
    FINDER.find(s.as_bytes()).is_some()
}
