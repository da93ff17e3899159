//! A tiny spanned view of a TOML document, so that rule files and camguard.toml can be
//! validated with errors that point at the offending key or value.

use toml_edit::{Document, Item, Value as TValue};

use crate::source::Span;

#[derive(Clone, Debug)]
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

#[derive(Clone, Debug)]
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
    let doc = Document::parse(text).map_err(|e| {
        let span = e
            .span()
            .map(|r| Span::new(r.start, r.end))
            .unwrap_or_default();
        TomlIssue {
            message: e.message().to_string(),
            span,
        }
    })?;
    Ok(from_item(doc.as_item(), Span::new(0, text.len())))
}

fn span_of(r: Option<std::ops::Range<usize>>, fallback: Span) -> Span {
    r.map(|r| Span::new(r.start, r.end)).unwrap_or(fallback)
}

fn from_item(item: &Item, fallback: Span) -> Toml {
    let span = span_of(item.span(), fallback);
    match item {
        Item::None => Toml {
            kind: Kind::Other(String::new()),
            span,
        },
        Item::Value(v) => from_value(v, span),
        Item::Table(t) => {
            let mut entries = Vec::new();
            for (k, v) in t.iter() {
                let kspan = span_of(t.key(k).and_then(|k| k.span()), span);
                entries.push((k.to_string(), kspan, from_item(v, kspan)));
            }
            Toml {
                kind: Kind::Table(entries),
                span,
            }
        }
        Item::ArrayOfTables(a) => {
            let items = a
                .iter()
                .map(|t| from_item(&Item::Table(t.clone()), span_of(t.span(), span)))
                .collect();
            Toml {
                kind: Kind::Array(items),
                span: span_of(a.span(), span),
            }
        }
    }
}

fn from_value(v: &TValue, fallback: Span) -> Toml {
    let span = span_of(v.span(), fallback);
    let kind = match v {
        TValue::String(s) => Kind::Str(s.value().clone()),
        TValue::Integer(i) => Kind::Int(*i.value()),
        TValue::Float(f) => Kind::Float(*f.value()),
        TValue::Boolean(b) => Kind::Bool(*b.value()),
        TValue::Datetime(d) => Kind::Other(d.value().to_string()),
        TValue::Array(a) => Kind::Array(a.iter().map(|x| from_value(x, span)).collect()),
        TValue::InlineTable(t) => {
            let mut entries = Vec::new();
            for (k, v) in t.iter() {
                let kspan = span_of(t.key(k).and_then(|k| k.span()), span);
                entries.push((k.to_string(), kspan, from_value(v, kspan)));
            }
            Kind::Table(entries)
        }
    };
    Toml { kind, span }
}

impl Toml {
    pub fn type_name(&self) -> &'static str {
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

    pub fn entries(&self) -> &[(String, Span, Toml)] {
        match &self.kind {
            Kind::Table(e) => e,
            _ => &[],
        }
    }

    pub fn get(&self, key: &str) -> Option<&Toml> {
        self.entries()
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, v)| v)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }
}
