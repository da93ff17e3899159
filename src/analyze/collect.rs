//! Turning parsed trees into settings: the [`Collector`] flattens YAML, properties
//! and .env entries into a component's settings, spans mapped into the file.

use crate::model::keys::{env_to_dotted, is_secret_key, match_key, match_key_of, shared_match_key};
use crate::model::settings::{
    Component, Form, Placeholders, Product, Section, Setting, SharedStr, Value,
};
use crate::source::Span;
use crate::source::{FileRef, SpanMap};
use crate::syntax::flat::FlatFile;
use crate::syntax::yaml::{Node, NodeKind, Style};

/// Collects settings (and the enclosing sections) of one component.
pub(crate) struct Collector<'a> {
    pub component: &'a mut Component,
    pub form: Form,
    pub placeholders: Placeholders,
    /// The file the settings are written in (may differ from the component's).
    pub file: FileRef,
    /// Maps spans of an embedded document back into the file (identity otherwise).
    pub map: SpanMap,
}

impl Collector<'_> {
    pub(crate) fn push(&mut self, key: &str, value: Value, key_span: Span, value_span: Span) {
        let key = SharedStr::from(key);
        let match_key = shared_match_key(&key, self.component.style);
        self.push_raw(key, match_key, value, key_span, value_span, self.form);
    }

    /// A setting whose match key is already known.
    pub(crate) fn push_raw(
        &mut self,
        key: SharedStr,
        match_key: SharedStr,
        value: Value,
        key_span: Span,
        value_span: Span,
        form: Form,
    ) {
        let value = map_value(value, &self.map);
        self.component.settings.push(Setting {
            secret: is_secret_key(&key),
            key,
            match_key,
            value,
            key_span: self.map.span(key_span),
            value_span: self.map.span(value_span),
            form,
            placeholders: self.placeholders,
            file: self.file.clone(),
            via: None,
        });
    }

    /// An environment variable: the key is converted to its dotted form for matching
    /// (Spring relaxed binding) but displayed as written.
    pub(crate) fn push_env(&mut self, name: &str, value: Value, key_span: Span, value_span: Span) {
        let dotted = env_to_dotted(name);
        let match_key = match_key_of(&dotted, self.component.style);
        self.push_raw(
            SharedStr::from(name),
            match_key,
            value,
            key_span,
            value_span,
            Form::EnvVar,
        );
    }

    fn section(&mut self, key: &str, span: Span) {
        let match_key = match_key(key, self.component.style);
        self.component.sections.push(Section {
            match_key,
            span: self.map.span(span),
            file: None,
        });
    }

    /// Flatten a YAML node into dotted keys: maps join with `.`, lists of maps get
    /// `[n]`, lists of scalars become one list value.
    pub(crate) fn yaml(&mut self, prefix: &str, node: &Node) {
        // The settings and sections are counted first and room made once: growing the
        // vectors of large settings by doubling copied them again and touched fresh memory
        // (a third of the page faults of a check).
        let (settings, sections) = counted(node);
        self.component.settings.reserve(settings);
        self.component.sections.reserve(sections);
        // One buffer holds the key of the node being read, grown and cut back as the walk
        // goes down and up: a key is allocated only as the setting's own.
        let mut key = String::with_capacity(prefix.len() + 64);
        key.push_str(prefix);
        self.yaml_node(&mut key, node);
    }

    fn yaml_node(&mut self, key: &mut String, node: &Node) {
        // Depth is bounded by the YAML parser's limits, so recursion is safe here.
        let len = key.len();
        match &node.kind {
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    let Some(name) = k.as_str() else { continue };
                    join(key, name);
                    self.yaml_entry(key, k.span, v);
                    key.truncate(len);
                }
            }
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    indexed(key, i);
                    self.yaml_entry(key, item.span, item);
                    key.truncate(len);
                }
            }
            NodeKind::Scalar(_) => {}
        }
    }

    fn yaml_entry(&mut self, key: &mut String, key_span: Span, v: &Node) {
        match &v.kind {
            NodeKind::Map(_) => {
                self.section(key, key_span);
                self.yaml_node(key, v);
            }
            NodeKind::Seq(items) if items.iter().all(|i| i.as_scalar().is_some()) => {
                let list = items
                    .iter()
                    .filter_map(|i| i.as_str().map(|s| (s.to_string(), i.span)))
                    .collect();
                self.push(key, Value::List(list), key_span, v.span);
            }
            NodeKind::Seq(_) => {
                self.section(key, key_span);
                self.yaml_node(key, v);
            }
            NodeKind::Scalar(s) => {
                let value = if v.is_null() {
                    Value::Null
                } else {
                    Value::Text {
                        text: (&*s.value).into(),
                        quoted: s.style != Style::Plain,
                    }
                };
                self.push(key, value, key_span, v.span);
            }
        }
    }

    /// Entries of a .properties file.
    pub(crate) fn properties(&mut self, flat: &FlatFile) {
        for e in &flat.entries {
            let value = if e.value.is_empty() {
                Value::Null
            } else {
                Value::text(e.value.as_str())
            };
            self.push(&e.key, value, e.key_span, e.value_span);
        }
    }

    /// Entries of a .env file.
    pub(crate) fn dotenv(&mut self, flat: &FlatFile) {
        for e in &flat.entries {
            let value = if e.value.is_empty() && !e.quoted {
                Value::Null
            } else {
                Value::Text {
                    text: e.value.as_str().into(),
                    quoted: e.quoted,
                }
            };
            self.push_env(&e.key, value, e.key_span, e.value_span);
        }
    }
}

/// The settings and sections [`Collector::yaml`] makes of a node, counted the same way.
fn counted(node: &Node) -> (usize, usize) {
    let entry = |v: &Node| match &v.kind {
        NodeKind::Scalar(_) => (1, 0),
        NodeKind::Seq(items) if items.iter().all(|i| i.as_scalar().is_some()) => (1, 0),
        NodeKind::Map(_) | NodeKind::Seq(_) => {
            let (settings, sections) = counted(v);
            (settings, sections + 1)
        }
    };
    let sum = |acc: (usize, usize), n: (usize, usize)| (acc.0 + n.0, acc.1 + n.1);
    match &node.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .filter(|(k, _)| k.as_str().is_some())
            .map(|(_, v)| entry(v))
            .fold((0, 0), sum),
        NodeKind::Seq(items) => items.iter().map(entry).fold((0, 0), sum),
        NodeKind::Scalar(_) => (0, 0),
    }
}

fn map_value(value: Value, map: &SpanMap) -> Value {
    match value {
        Value::List(items) if !matches!(map, SpanMap::Identity) => {
            Value::List(items.into_iter().map(|(t, s)| (t, map.span(s))).collect())
        }
        v => v,
    }
}

// `join` and `indexed` run once per YAML node, on the walk's one key buffer.
/// `key.name` (`name` alone at the top).
fn join(key: &mut String, name: &str) {
    if !key.is_empty() {
        key.push('.');
    }
    key.push_str(name);
}

/// `key[i]`.
fn indexed(key: &mut String, i: usize) {
    use std::fmt::Write as _;
    key.push('[');
    let _ = write!(key, "{i}");
    key.push(']');
}

/// Which Camunda products a Spring configuration configures, from its keys.
pub(crate) fn spring_products(component: &Component, run_hint: bool) -> Vec<Product> {
    const C8_PREFIXES: [&str; 17] = [
        "camundasecurity",
        "camundaapi",
        "camundadata",
        "camundadatabase",
        "camundaoperate",
        "camundatasklist",
        "camundaclient",
        "camundaidentity",
        "camundapersistent",
        "camundarest",
        "camundacluster",
        "camundasystem",
        "camundamonitoring",
        "camundaconnector",
        // The Java client's CAMUNDA_GRPC_ADDRESS and CAMUNDA_INSECURE_CONNECTION.
        "camundagrpc",
        "camundainsecure",
        "zeebe",
    ];
    let mut c7 = false;
    let mut run = false;
    let mut c8 = false;
    let keys = component
        .settings
        .iter()
        .map(|s| s.match_key.as_str())
        .chain(component.sections.iter().map(|s| s.match_key.as_str()));
    for k in keys {
        if k.starts_with("camundabpm") {
            c7 = true;
            run |= k.starts_with("camundabpmrun");
        } else if C8_PREFIXES.iter().any(|p| k.starts_with(p)) {
            c8 = true;
        }
    }
    let mut products = Vec::new();
    if c7 {
        products.push(Product::Camunda7);
        if run || run_hint {
            products.push(Product::Camunda7Run);
        }
    }
    if c8 {
        products.push(Product::Camunda8);
    }
    products
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use proptest::prelude::*;

    /// What `Collector::yaml` makes of every document of `text` under `prefix`, and what
    /// `counted` said it would make (settings, sections).
    fn collected(text: &str, prefix: &str) -> (Component, (usize, usize)) {
        let file = SourceFile::new("application.yaml", text);
        let mut c = Component::new(file.clone(), vec![Product::Camunda8], Span::empty(0));
        let y = crate::syntax::yaml::parse(text);
        let mut col = Collector {
            component: &mut c,
            form: Form::Yaml,
            placeholders: Placeholders::Spring,
            file,
            map: SpanMap::Identity,
        };
        let mut counts = (0, 0);
        for d in &y.docs {
            let (settings, sections) = counted(d);
            counts = (counts.0 + settings, counts.1 + sections);
            col.yaml(prefix, d);
        }
        (c, counts)
    }

    /// What `Collector::yaml` adds to an empty component, and what `counted` said it would.
    fn collected_and_counted(text: &str) -> ((usize, usize), (usize, usize)) {
        let (c, counts) = collected(text, "");
        ((c.settings.len(), c.sections.len()), counts)
    }

    /// The keys the walk's one buffer makes: joined with `.`, lists of maps indexed, an
    /// empty name or prefix as the old per-node strings made them, and the prefix given.
    #[test]
    fn flattened_keys_are_dotted_and_indexed() {
        let keys = |text: &str, prefix: &str| -> (Vec<String>, Vec<String>) {
            let (c, _) = collected(text, prefix);
            (
                c.settings
                    .iter()
                    .map(|s| s.key.as_str().to_owned())
                    .collect(),
                c.sections.iter().map(|s| s.match_key.clone()).collect(),
            )
        };
        let text = "a:\n  b: 1\n  l: [x, y]\n  m:\n    - n: 2\n    - [3, 4]\n    - o: {p: 5}\n\"\": {q: 6}\nr: 7\n";
        let (settings, sections) = keys(text, "");
        assert_eq!(
            settings,
            ["a.b", "a.l", "a.m[0].n", "a.m[1]", "a.m[2].o.p", "q", "r"]
        );
        assert_eq!(sections, ["a", "am", "am[0]", "am[2]", "am[2]o", ""]);
        let (settings, _) = keys("- k: 1\n- 2\n", "");
        assert_eq!(settings, ["[0].k", "[1]"]);
        let (settings, _) = keys("http:\n  port: 1\n", "spec");
        assert_eq!(settings, ["spec.http.port"]);
    }

    #[test]
    fn the_count_is_what_is_collected_from_real_files() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut seen = 0;
        for dir in ["fixtures", "tests/corpus"] {
            for entry in ignore::WalkBuilder::new(root.join(dir)).build().flatten() {
                let p = entry.path();
                if !p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(p) else {
                    continue;
                };
                let (collected, counted) = collected_and_counted(&text);
                assert_eq!(collected, counted, "{}", p.display());
                seen += 1;
            }
        }
        assert!(seen > 500, "{seen}");
    }

    proptest! {
        #[test]
        fn the_count_is_what_is_collected(
            text in "([a-z]{1,3}|: |- |\n|  |\\[|\\]|\\{|\\}|, |&a|\\*a|<<|~|'|\")*"
        ) {
            let (collected, counted) = collected_and_counted(&text);
            prop_assert_eq!(collected, counted);
        }
    }
}
