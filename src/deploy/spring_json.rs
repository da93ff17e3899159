//! `SPRING_APPLICATION_JSON`: inline JSON in an environment variable, a `-D` system
//! property or a command-line argument, flattened into a property source of its own
//! (docs/deployments.md §1.6).
//!
//! Spring Boot takes the first property source (highest precedence first) whose
//! `spring.application.json` or `SPRING_APPLICATION_JSON` is a non-empty string, parses it
//! as a JSON object and flattens it: nested objects join their keys with `.`, arrays give
//! `[i]` ([SB-JSON] `postProcessEnvironment`, `flatten`, `extract`). The source is added
//! above Java system properties, so it beats environment variables, `-D` options and config
//! files and loses to command-line arguments ([SB] L26-L27). `null` cannot override
//! ([SB] L106-L107), so null members are left out. Config data files are not a source:
//! the JSON post-processor runs before they are loaded ([SB-JSON] `DEFAULT_ORDER =
//! HIGHEST_PRECEDENCE + 5`, `ConfigDataEnvironmentPostProcessor.ORDER = HIGHEST_PRECEDENCE
//! + 10`).
//!
//! Hostile input is bounded: at most [`MAX_LEN`] bytes, nesting at most [`MAX_DEPTH`]
//! (serde_json's own recursion limit is 128), at most [`MAX_ENTRIES`] settings.

use crate::analyze::collect::Collector;
use crate::model::settings::{Component, Form, Placeholders, Setting, Value};
use crate::source::{FileRef, LineMap, Span, SpanMap};

/// Longer JSON is not read (a note says so).
pub const MAX_LEN: usize = 256 * 1024;
/// Deeper nesting is not read.
pub const MAX_DEPTH: usize = 64;
/// More settings are not read.
pub const MAX_ENTRIES: usize = 10_000;

/// The match key of `spring.application.json` / `SPRING_APPLICATION_JSON` (relaxed form).
pub(crate) const MATCH_KEY: &str = "springapplicationjson";

/// One flattened member: its dotted key, its value and the byte ranges of its key and value
/// in the JSON text.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    /// `Value::List` items carry their spans within the JSON text.
    pub value: Value,
    pub key_span: Span,
    pub value_span: Span,
    /// A map key: an enclosing key of other entries (for findings about absent keys).
    pub section: bool,
}

/// Flatten a JSON object as Spring Boot does. `Err` says why Spring would not start
/// (it fails on JSON it cannot parse as an object) or why camguard does not read it.
pub fn flatten(text: &str) -> Result<Vec<Entry>, String> {
    if text.len() > MAX_LEN {
        return Err(format!(
            "it is longer than {MAX_LEN} bytes, more than camguard reads"
        ));
    }
    // serde_json validates (and bounds its recursion); the walk below only finds spans.
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(_)) => {}
        Ok(_) => return Err("it is not a JSON object; Spring Boot refuses to start".into()),
        Err(e) => {
            return Err(format!(
                "it is not valid JSON ({e}); Spring Boot refuses to start"
            ));
        }
    }
    let mut w = Walker {
        t: text,
        pos: 0,
        out: Vec::new(),
    };
    w.ws();
    w.value(String::new(), Span::empty(0), 0)?;
    Ok(w.out)
}

struct Walker<'a> {
    t: &'a str,
    pos: usize,
    out: Vec<Entry>,
}

impl Walker<'_> {
    fn peek(&self) -> Option<u8> {
        self.t.as_bytes().get(self.pos).copied()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Result<(), String> {
        self.ws();
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected `{}` at byte {}", b as char, self.pos))
        }
    }

    fn push(&mut self, e: Entry) -> Result<(), String> {
        if self.out.len() >= MAX_ENTRIES {
            return Err(format!(
                "it has more than {MAX_ENTRIES} members, more than camguard reads"
            ));
        }
        self.out.push(e);
        Ok(())
    }

    /// A string token: its decoded text and span (quotes included).
    fn string(&mut self) -> Result<(String, Span), String> {
        self.ws();
        let start = self.pos;
        let bytes = self.t.as_bytes();
        if bytes.get(start) != Some(&b'"') {
            return Err(format!("expected a string at byte {start}"));
        }
        let mut i = start + 1;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        let end = (i + 1).min(bytes.len());
        self.pos = end;
        let raw = self.t.get(start..end).ok_or("a string is cut short")?;
        let s: String = serde_json::from_str(raw).map_err(|e| e.to_string())?;
        Ok((s, Span::new(start, end)))
    }

    /// A number, `true`, `false` or `null` token.
    fn literal(&mut self) -> Result<(&str, Span), String> {
        let start = self.pos;
        let bytes = self.t.as_bytes();
        let mut i = start;
        while bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'))
        {
            i += 1;
        }
        if i == start {
            return Err(format!("unexpected byte at {start}"));
        }
        self.pos = i;
        Ok((&self.t[start..i], Span::new(start, i)))
    }

    fn value(&mut self, key: String, key_span: Span, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "it nests deeper than {MAX_DEPTH} levels, more than camguard reads"
            ));
        }
        self.ws();
        let start = self.pos;
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                let mut members = 0;
                loop {
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        break;
                    }
                    if members > 0 {
                        self.eat(b',')?;
                    }
                    let (name, span) = self.string()?;
                    self.eat(b':')?;
                    let k = if key.is_empty() {
                        name
                    } else {
                        format!("{key}.{name}")
                    };
                    self.value(k, span, depth + 1)?;
                    members += 1;
                }
                if !key.is_empty() && members > 0 {
                    self.push(Entry {
                        key,
                        value: Value::Null,
                        key_span,
                        value_span: Span::new(start, self.pos),
                        section: true,
                    })?;
                }
            }
            Some(b'[') => {
                self.pos += 1;
                // Scan the items first: a list of scalars is one list value (as a YAML
                // list of scalars is), a list of objects or lists gives `[i]` keys.
                let save = self.pos;
                let mut scalars: Vec<(String, Span)> = Vec::new();
                let mut all_scalars = true;
                let mut n = 0;
                loop {
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        break;
                    }
                    if n > 0 {
                        self.eat(b',')?;
                        self.ws();
                    }
                    match self.peek() {
                        Some(b'{' | b'[') => {
                            all_scalars = false;
                            break;
                        }
                        Some(b'"') => scalars.push(self.string()?),
                        _ => {
                            let (lit, span) = self.literal()?;
                            if lit != "null" {
                                scalars.push((lit.to_string(), span));
                            }
                        }
                    }
                    n += 1;
                }
                if all_scalars {
                    if key.is_empty() {
                        return Ok(());
                    }
                    return self.push(Entry {
                        key,
                        value: Value::List(scalars),
                        key_span,
                        value_span: Span::new(start, self.pos),
                        section: false,
                    });
                }
                self.pos = save;
                let mut i = 0;
                loop {
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        break;
                    }
                    if i > 0 {
                        self.eat(b',')?;
                    }
                    self.ws();
                    let item = self.pos;
                    self.value(format!("{key}[{i}]"), Span::new(item, item), depth + 1)?;
                    i += 1;
                }
            }
            Some(b'"') => {
                let (text, span) = self.string()?;
                self.push(Entry {
                    key,
                    value: Value::Text {
                        text: text.into(),
                        quoted: true,
                    },
                    key_span,
                    value_span: span,
                    section: false,
                })?;
            }
            _ => {
                let (lit, span) = self.literal()?;
                // `null` cannot override a lower source ([SB] L106-L107).
                if lit != "null" {
                    let value = Value::text(lit);
                    self.push(Entry {
                        key,
                        value,
                        key_span,
                        value_span: span,
                        section: false,
                    })?;
                }
            }
        }
        Ok(())
    }
}

/// Where the JSON text sits in the host setting's file: at an offset when the value is
/// written verbatim there (plain or quoted), else nowhere precisely.
fn span_map(host: &Setting, json: &str) -> SpanMap {
    let raw = host.file.text.slice(host.value_span);
    let at = |offset: usize| {
        SpanMap::Lines(vec![LineMap {
            text: 0,
            content: offset,
            after_break: offset,
        }])
    };
    if json.contains('\n') {
        return SpanMap::Fixed(host.primary_span());
    }
    if raw == json {
        return at(host.value_span.start);
    }
    match raw.find(json) {
        Some(i) if raw[i + 1..].find(json).is_none() => at(host.value_span.start + i),
        _ => SpanMap::Fixed(host.primary_span()),
    }
}

/// The settings of the JSON a host setting carries, in its file (spans inside the host
/// value when it is written verbatim, else the host value's span). `Err`: why it is not read.
pub(crate) fn settings(
    host: &Setting,
    template: &Component,
) -> Result<(Vec<Setting>, Vec<crate::model::settings::Section>), String> {
    let json = match &host.value {
        Value::Text { text, .. } => text.as_str(),
        _ => return Ok((Vec::new(), Vec::new())),
    };
    let entries = flatten(json)?;
    let mut scratch = Component::new(host.file.clone(), Vec::new(), template.anchor);
    scratch.style = template.style;
    let file: FileRef = host.file.clone();
    let mut col = Collector {
        component: &mut scratch,
        form: Form::ApplicationJson,
        placeholders: Placeholders::Spring,
        file,
        map: span_map(host, json),
    };
    let mut sections = Vec::new();
    for e in entries {
        if e.section {
            sections.push(crate::model::settings::Section {
                match_key: crate::model::keys::match_key(&e.key, template.style),
                span: col.map.span(e.key_span),
                file: Some(host.file.clone()),
            });
            continue;
        }
        let (ks, vs) = (e.key_span, e.value_span);
        col.push(&e.key, e.value, ks, vs);
    }
    let mut out = scratch.settings;
    for s in &mut out {
        s.secret |= host.secret;
        if let Some(v) = &host.via {
            let via = s.via_mut();
            via.related.extend(v.related.iter().cloned());
            via.unknown.clone_from(&v.unknown);
        }
    }
    Ok((out, sections))
}

/// Of the candidate hosts (`spring.application.json` / `SPRING_APPLICATION_JSON` settings,
/// each with the rank of its property source, higher first in Spring's order), the one
/// Spring reads: the highest source with a non-empty value.
pub(crate) fn winner<'a, R: Ord>(
    hosts: impl IntoIterator<Item = (R, &'a Setting)>,
) -> Option<&'a Setting> {
    hosts
        .into_iter()
        .filter(|(_, s)| s.match_key == MATCH_KEY)
        .filter(|(_, s)| matches!(&s.value, Value::Text { text, .. } if !text.is_empty()))
        // Within one source the last one written wins: `max_by_key` keeps the last maximum.
        .max_by(|(a, _), (b, _)| a.cmp(b))
        .map(|(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(String, String)> {
        flatten(text)
            .unwrap()
            .into_iter()
            .filter(|e| !e.section)
            .map(|e| (e.key, e.value.display()))
            .collect()
    }

    #[test]
    fn flattens_as_spring_does() {
        let k = keys(
            r#"{"camunda":{"security":{"authentication":{"unprotected-api":true}}},
               "a.b":"x","users":[{"name":"demo","password":"demo"}],"origins":["*", null, 1],"n":null,"e":{}}"#,
        );
        assert_eq!(
            k,
            [
                (
                    "camunda.security.authentication.unprotected-api".into(),
                    "true".into()
                ),
                ("a.b".into(), "x".into()),
                ("users[0].name".into(), "demo".into()),
                ("users[0].password".into(), "demo".into()),
                ("origins".into(), "*, 1".into()),
            ]
        );
    }

    #[test]
    fn spans_point_into_the_text() {
        let t = r#"{"a": {"b": "v\"w"}, "c": [ {"d": false} ]}"#;
        let e = flatten(t).unwrap();
        let b = e.iter().find(|e| e.key == "a.b").unwrap();
        assert_eq!(&t[b.value_span.range()], r#""v\"w""#);
        assert_eq!(&t[b.key_span.range()], r#""b""#);
        assert_eq!(
            b.value,
            Value::Text {
                text: "v\"w".into(),
                quoted: true
            }
        );
        let d = e.iter().find(|e| e.key == "c[0].d").unwrap();
        assert_eq!(&t[d.value_span.range()], "false");
    }

    #[test]
    fn hostile_json_is_refused_not_fatal() {
        assert!(flatten("[1]").is_err());
        assert!(flatten("{\"a\":").is_err());
        assert!(flatten("").is_err());
        let deep = format!(
            "{}{}",
            "{\"a\":".repeat(100),
            "1".to_string() + &"}".repeat(100)
        );
        assert!(flatten(&deep).is_err());
        let deep_lists = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(flatten(&deep_lists).is_err());
        let many = format!(
            "{{{}}}",
            (0..MAX_ENTRIES + 1)
                .map(|i| format!("\"k{i}\":1"))
                .collect::<Vec<_>>()
                .join(",")
        );
        assert!(flatten(&many).is_err());
        assert!(flatten(&"x".repeat(MAX_LEN + 1)).is_err());
        // Duplicate keys: both kept in order, the later wins in the merge.
        assert_eq!(keys(r#"{"a":1,"a":2}"#).len(), 2);
    }
}
