//! A tiny spanned view of a TOML document, so that rule files and camguard.toml can be
//! validated with errors that point at the offending key or value.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::source::Span;

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Array(Vec<Toml>),
    /// Entries in file order: key, key span, value.
    Table(Vec<(String, Span, Toml)>),
    /// Dates and other values camguard has no use for, kept as their text.
    Other(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Toml {
    pub kind: Kind,
    pub span: Span,
}

/// A TOML error with the span it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TomlIssue {
    pub message: String,
    pub span: Span,
}

pub fn parse(text: &str) -> Result<Toml, TomlIssue> {
    // toml's `DeTable` keeps spans without toml_edit's formatting model: rule files are
    // parsed on every run, and this cut their parsing by a quarter (instruction counts).
    let doc = DeTable::parse(text).map_err(|e| TomlIssue {
        message: e.message().trim_end().to_string(),
        span: e.span().map(span_of).unwrap_or_default(),
    })?;
    Ok(from_table(doc.get_ref(), Span::new(0, text.len())))
}

/// Decode a tree encoded by the build script (`build.rs`, for the embedded rules).
/// `None` for anything malformed: the caller then parses the text.
pub fn decode(bytes: &[u8]) -> Option<Toml> {
    let mut r = Reader { bytes, at: 0 };
    let t = r.node(0)?;
    (r.at == bytes.len()).then_some(t)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let s = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    fn u32(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn string(&mut self) -> Option<String> {
        let n = self.u32()?;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }

    fn node(&mut self, depth: usize) -> Option<Toml> {
        if depth > 64 {
            return None;
        }
        let tag = *self.take(1)?.first()?;
        let span = Span::new(self.u32()?, self.u32()?);
        let kind = match tag {
            b'S' => Kind::Str(self.string()?),
            b'O' => Kind::Other(self.string()?),
            b'I' => Kind::Int(self.u64()? as i64),
            b'F' => Kind::Float(f64::from_bits(self.u64()?)),
            b'B' => Kind::Bool(*self.take(1)?.first()? != 0),
            b'A' => {
                let n = self.u32()?;
                let mut items = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    items.push(self.node(depth + 1)?);
                }
                Kind::Array(items)
            }
            b'T' => {
                let n = self.u32()?;
                let mut entries = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    let k = self.string()?;
                    let kspan = Span::new(self.u32()?, self.u32()?);
                    entries.push((k, kspan, self.node(depth + 1)?));
                }
                Kind::Table(entries)
            }
            _ => return None,
        };
        Some(Toml { kind, span })
    }
}

fn span_of(r: std::ops::Range<usize>) -> Span {
    Span::new(r.start, r.end)
}

fn from_table(t: &DeTable<'_>, span: Span) -> Toml {
    let entries = t
        .iter()
        .map(|(k, v)| {
            let kspan = span_of(k.span());
            (k.get_ref().to_string(), kspan, from_value(v))
        })
        .collect();
    Toml {
        kind: Kind::Table(entries),
        span,
    }
}

fn from_value(v: &Spanned<DeValue<'_>>) -> Toml {
    let span = span_of(v.span());
    let kind = match v.get_ref() {
        DeValue::String(s) => Kind::Str(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Kind::Int(n),
            Err(_) => Kind::Other(i.to_string()),
        },
        DeValue::Float(f) => match f.as_str().parse::<f64>() {
            Ok(x) => Kind::Float(x),
            Err(_) => Kind::Other(f.to_string()),
        },
        DeValue::Boolean(b) => Kind::Bool(*b),
        DeValue::Datetime(d) => Kind::Other(d.to_string()),
        DeValue::Array(a) => Kind::Array(a.iter().map(from_value).collect()),
        DeValue::Table(t) => return from_table(t, span),
    };
    Toml { kind, span }
}

impl Toml {
    pub(crate) fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Str(_) => "a string",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a float",
            Kind::Bool(_) => "a boolean",
            Kind::Array(_) => "an array",
            Kind::Table(_) => "a table",
            Kind::Other(_) => "a date",
        }
    }

    pub(crate) fn entries(&self) -> &[(String, Span, Toml)] {
        match &self.kind {
            Kind::Table(e) => e,
            _ => &[],
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Toml> {
        self.entries()
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, v)| v)
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The decoder reads only the build script's output, but must still refuse anything
        /// else without panicking (nesting, lengths and counts are checked).
        #[test]
        fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = decode(&bytes);
        }

        /// Mutating a real encoding gives `None` or some tree, never a panic.
        #[test]
        fn decode_of_a_mutated_encoding_never_panics(at in 0usize..4096, byte in any::<u8>()) {
            let mut bytes = crate::rules::load::embedded_tree(0).to_vec();
            let i = at % bytes.len();
            bytes[i] = byte;
            let _ = decode(&bytes);
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut bytes = Vec::new();
        for _ in 0..100 {
            bytes.push(b'A');
            bytes.extend_from_slice(&[0; 8]);
            bytes.extend_from_slice(&1u32.to_le_bytes());
        }
        assert!(decode(&bytes).is_none());
    }
}
