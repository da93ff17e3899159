//! Parsers. Each turns text into a small tree or list whose every part carries its byte
//! span, and knows nothing of settings or rules. YAML goes through [`yaml`], the only
//! module that knows the YAML parser crate.

pub mod dotenv;
pub mod flat;
pub mod properties;
pub mod toml_tree;
pub mod xml;
pub mod yaml;

/// Could the text hold a suppression directive at all? Every directive starts with
/// `camguard:`, so parsers skip collecting comments when it cannot (most files).
pub(crate) fn may_hold_directive(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"camguard:").is_some()
}

/// The start of the first line that is neither blank nor a comment (or 0).
pub(crate) fn first_content_offset(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start_matches('\u{feff}').trim();
        if !(t.is_empty() || t.starts_with('#') || t.starts_with('!') || t.starts_with("<!--")) {
            let lead = line.len() - line.trim_start_matches('\u{feff}').trim_start().len();
            return offset + lead;
        }
        offset += line.len();
    }
    0
}
