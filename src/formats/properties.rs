//! Java .properties parser (temporary minimal version; replaced by the full parser).
use super::{Entry, FlatFile};
use crate::source::Span;

pub fn parse_properties(src: &str) -> FlatFile {
    let mut out = FlatFile::default();
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let t = line.trim_end_matches(['\n', '\r']);
        let lead = t.len() - t.trim_start().len();
        let body = t.trim_start();
        if !(body.is_empty() || body.starts_with('#') || body.starts_with('!'))
            && let Some(i) = body.find(['=', ':'])
        {
            {
                let k = body[..i].trim_end();
                let v = body[i + 1..].trim_start();
                let vs = offset + lead + (body.len() - v.len());
                out.entries.push(Entry {
                    key: k.to_string(),
                    key_span: Span::new(offset + lead, offset + lead + k.len()),
                    value: v.to_string(),
                    value_span: Span::new(vs, vs + v.len()),
                    quoted: false,
                });
            }
        }
        offset += line.len();
    }
    out
}
