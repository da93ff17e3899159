//! A small span-preserving YAML tree built from granit-parser events.
//!
//! This module is the only place that knows the YAML parser crate, so it can be
//! swapped. It builds the tree iteratively (no recursion on input depth), resolves
//! aliases and `<<` merge keys under a node budget (billion-laughs inputs are cut
//! off with a diagnostic), keeps comments for suppressions, and reports duplicate
//! keys with both spans instead of failing.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

// foldhash, seeded per process, for the keys of one mapping: several times cheaper than
// SipHash for short keys, and keys a pull request chose cannot be made to collide in
// advance (as `model::hashing`, which this layer may not import).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
type FastSet<K> = HashSet<K, foldhash::fast::RandomState>;

use granit_parser::{Event, Options, Parser, Placement, ScalarStyle};

use crate::source::Span;

mod input;

/// Maximum nesting of collections, as written or after alias expansion.
pub(crate) const MAX_DEPTH: usize = 200;
/// Maximum number of nodes that alias expansion may copy in one file.
pub(crate) const ALIAS_NODE_BUDGET: usize = 200_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Node<'a> {
    pub kind: NodeKind<'a>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind<'a> {
    Scalar(Scalar<'a>),
    Seq(Vec<Node<'a>>),
    Map(Vec<(Node<'a>, Node<'a>)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar<'a> {
    /// Borrowed from the text where the parser could (a plain or quoted scalar on one
    /// line): most keys and values are never copied here.
    pub value: Cow<'a, str>,
    pub style: Style,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl<'a> Node<'a> {
    pub(crate) fn as_scalar(&self) -> Option<&Scalar<'a>> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| &*s.value)
    }

    pub(crate) fn as_map(&self) -> Option<&[(Node<'a>, Node<'a>)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub(crate) fn as_seq(&self) -> Option<&[Node<'a>]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The value of a scalar key in a mapping (the last one wins, as in most loaders).
    pub(crate) fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.get_entry(key).map(|(_, v)| v)
    }

    pub(crate) fn get_entry(&self, key: &str) -> Option<(&Node<'a>, &Node<'a>)> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// True for `~`, `null`, `Null`, `NULL` and the empty plain scalar.
    pub(crate) fn is_null(&self) -> bool {
        match &self.kind {
            NodeKind::Scalar(s) => s.style == Style::Plain && is_null_literal(&s.value),
            _ => false,
        }
    }
}

pub(crate) fn is_null_literal(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Text after `#`.
    pub text: String,
    /// The whole comment including `#`.
    pub span: Span,
    /// The comment follows content on the same line.
    pub trailing: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueKind {
    /// The text is not valid YAML; the tree holds what was read before the error.
    Syntax,
    /// U+0085, U+2028 or U+2029: a line break for the YAML 1.1 parsers products use
    /// (SnakeYAML in Spring, libyaml ports) that editors and reviewers do not show as one.
    /// The text is read with the break, as the product reads it.
    UnicodeLineBreak,
    /// A resource limit was hit (depth, alias expansion budget).
    Limit,
    /// A mapping repeats a key; `related` is the first occurrence.
    DuplicateKey,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub kind: IssueKind,
    pub message: String,
    pub span: Span,
    pub related: Option<Span>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct YamlFile<'a> {
    /// One root node per document of the stream.
    pub docs: Vec<Node<'a>>,
    pub comments: Vec<Comment>,
    pub issues: Vec<Issue>,
}

impl YamlFile<'_> {
    /// The same tree with every scalar owned.
    fn into_owned(self) -> YamlFile<'static> {
        YamlFile {
            docs: self.docs.into_iter().map(Node::into_owned).collect(),
            comments: self.comments,
            issues: self.issues,
        }
    }
}

impl Node<'_> {
    /// (recursive: trees are at most [`MAX_DEPTH`] deep, aliases expanded)
    fn into_owned(self) -> Node<'static> {
        let kind = match self.kind {
            NodeKind::Scalar(s) => NodeKind::Scalar(Scalar {
                value: Cow::Owned(s.value.into_owned()),
                style: s.style,
            }),
            NodeKind::Seq(items) => {
                NodeKind::Seq(items.into_iter().map(Node::into_owned).collect())
            }
            NodeKind::Map(entries) => NodeKind::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
            ),
        };
        Node {
            kind,
            span: self.span,
        }
    }
}

struct Frame<'a> {
    kind: FrameKind<'a>,
    start: usize,
    anchor: usize,
}

enum FrameKind<'a> {
    Seq(Vec<Node<'a>>),
    Map {
        entries: Vec<(Node<'a>, Node<'a>)>,
        key: Option<Node<'a>>,
    },
}

struct Anchored<'a> {
    node: Node<'a>,
    size: usize,
    height: usize,
}

struct Builder<'a> {
    stack: Vec<Frame<'a>>,
    docs: Vec<Node<'a>>,
    anchors: HashMap<usize, Anchored<'a>>,
    issues: Vec<Issue>,
    alias_budget: usize,
    budget_reported: bool,
}

fn to_span(s: &granit_parser::Span, len: usize) -> Span {
    let start = s.start.byte_offset().unwrap_or(0).min(len);
    let end = s.end.byte_offset().unwrap_or(start).clamp(start, len);
    Span::new(start, end)
}

fn node_size_and_height(node: &Node) -> (usize, usize) {
    // Iterative, so hostile nesting cannot overflow the stack here either.
    let mut size = 0;
    let mut height = 0;
    let mut todo = vec![(node, 1usize)];
    while let Some((n, depth)) = todo.pop() {
        size += 1;
        height = height.max(depth);
        match &n.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Seq(items) => todo.extend(items.iter().map(|i| (i, depth + 1))),
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    todo.push((k, depth + 1));
                    todo.push((v, depth + 1));
                }
            }
        }
    }
    (size, height)
}

impl<'a> Builder<'a> {
    fn push_node(&mut self, node: Node<'a>, anchor: usize) {
        if anchor != 0 {
            let (size, height) = node_size_and_height(&node);
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    size,
                    height,
                },
            );
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame {
                kind: FrameKind::Seq(items),
                ..
            }) => items.push(node),
            Some(Frame {
                kind: FrameKind::Map { entries, key },
                ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }

    fn alias(&mut self, id: usize, span: Span) {
        let depth = self.stack.len();
        let replacement = match self.anchors.get(&id) {
            None => Err("alias refers to an unknown anchor".to_string()),
            Some(a) if depth + a.height > MAX_DEPTH => Err(format!(
                "alias expansion would nest deeper than {MAX_DEPTH} levels; alias ignored"
            )),
            Some(a) if a.size > self.alias_budget => Err(format!(
                "alias expansion exceeds the budget of {ALIAS_NODE_BUDGET} copied nodes \
                 (an alias bomb?); remaining aliases are ignored"
            )),
            Some(a) => {
                self.alias_budget -= a.size;
                Ok(a.node.clone())
            }
        };
        match replacement {
            Ok(node) => self.push_node(node, 0),
            Err(message) => {
                if !self.budget_reported {
                    self.issues.push(Issue {
                        kind: IssueKind::Limit,
                        message,
                        span,
                        related: None,
                    });
                    self.budget_reported = true;
                }
                self.push_node(null_at(span), 0);
            }
        }
    }

    fn close(&mut self, end: usize) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let span = Span::new(frame.start, end.max(frame.start));
        let node = match frame.kind {
            FrameKind::Seq(items) => Node {
                kind: NodeKind::Seq(items),
                span,
            },
            FrameKind::Map { mut entries, key } => {
                if let Some(k) = key {
                    // A key without a value (only when the stream broke off).
                    let at = Span::empty(k.span.end);
                    entries.push((k, null_at(at)));
                }
                let entries = self.merge_and_check(entries);
                Node {
                    kind: NodeKind::Map(entries),
                    span,
                }
            }
        };
        self.push_node(node, frame.anchor);
    }

    /// Report explicit keys written twice in one mapping (both spans). Most mappings are
    /// small: compare with the earlier keys directly; hash only the large ones.
    fn report_duplicates(&mut self, entries: &[(Node<'a>, Node<'a>)]) {
        let keys = entries
            .iter()
            .filter(|(k, _)| !is_merge_key(k))
            .filter_map(|(k, _)| k.as_str().map(|t| (t, k.span)));
        let mut dup = |text: &str, span: Span, first: Span| {
            self.issues.push(Issue {
                kind: IssueKind::DuplicateKey,
                message: format!("duplicate key `{text}`; the last occurrence wins"),
                span,
                related: Some(first),
            });
        };
        if entries.len() <= 16 {
            let keys: Vec<(&str, Span)> = keys.collect();
            for (i, (text, span)) in keys.iter().enumerate() {
                if let Some((_, first)) = keys[..i].iter().find(|(t, _)| t == text) {
                    dup(text, *span, *first);
                }
            }
        } else {
            let mut first_seen: FastMap<&str, Span> =
                FastMap::with_capacity_and_hasher(entries.len(), Default::default());
            for (text, span) in keys {
                match first_seen.get(text) {
                    Some(first) => dup(text, span, *first),
                    None => {
                        first_seen.insert(text, span);
                    }
                }
            }
        }
    }

    /// Apply `<<` merge keys (explicit keys win, earlier merge sources win) and report
    /// duplicate explicit keys. Keys are looked up in hash sets: a merge of many keys
    /// next to many explicit keys costs their number, not its square.
    fn merge_and_check(&mut self, entries: Vec<(Node<'a>, Node<'a>)>) -> Vec<(Node<'a>, Node<'a>)> {
        self.report_duplicates(&entries);
        if !entries.iter().any(|(k, _)| is_merge_key(k)) {
            return entries;
        }
        let explicit_keys: FastSet<String> = entries
            .iter()
            .filter(|(k, _)| !is_merge_key(k))
            .filter_map(|(k, _)| k.as_str().map(str::to_string))
            .collect();
        let mut seen: FastSet<String> = FastSet::default();
        let mut explicit: Vec<(Node<'a>, Node<'a>)> = Vec::with_capacity(entries.len());
        let mut merged: Vec<(Node<'a>, Node<'a>)> = Vec::new();
        for (k, v) in entries {
            if !is_merge_key(&k) {
                explicit.push((k, v));
                continue;
            }
            let sources: Vec<Node<'a>> = match v.kind {
                NodeKind::Map(_) => vec![v],
                NodeKind::Seq(items) => items,
                _ => Vec::new(),
            };
            for src in sources {
                if let NodeKind::Map(src_entries) = src.kind {
                    for (mk, mv) in src_entries {
                        // Keys that are not scalars never equal another key.
                        let keep = match mk.as_str() {
                            Some(t) => !explicit_keys.contains(t) && seen.insert(t.to_string()),
                            None => true,
                        };
                        if keep {
                            merged.push((mk, mv));
                        }
                    }
                }
            }
        }
        merged.extend(explicit);
        merged
    }
}

/// A plain `<<` key: a merge, not an entry.
fn is_merge_key(k: &Node) -> bool {
    matches!(&k.kind, NodeKind::Scalar(s) if s.value == "<<" && s.style == Style::Plain)
}

fn null_at<'a>(span: Span) -> Node<'a> {
    Node {
        kind: NodeKind::Scalar(Scalar {
            value: Cow::Borrowed(""),
            style: Style::Plain,
        }),
        span: Span::empty(span.start),
    }
}

fn style_of(s: ScalarStyle) -> Style {
    match s {
        ScalarStyle::Plain => Style::Plain,
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        _ => Style::Folded,
    }
}

/// Parse a YAML stream. Never panics; problems are returned in `issues`.
pub fn parse(text: &str) -> YamlFile<'_> {
    parse_with(text, true)
}

/// Where U+0085 (NEL), U+2028 (LINE SEPARATOR) and U+2029 (PARAGRAPH SEPARATOR) are,
/// with their names.
fn unicode_breaks(text: &str) -> Vec<(Span, &'static str)> {
    let b = text.as_bytes();
    memchr::memchr2_iter(0xC2, 0xE2, b)
        .filter_map(|i| match (b[i], b.get(i + 1), b.get(i + 2)) {
            (0xC2, Some(0x85), _) => Some((Span::new(i, i + 2), "U+0085 (next line)")),
            (0xE2, Some(0x80), Some(0xA8)) => {
                Some((Span::new(i, i + 3), "U+2028 (line separator)"))
            }
            (0xE2, Some(0x80), Some(0xA9)) => {
                Some((Span::new(i, i + 3), "U+2029 (paragraph separator)"))
            }
            _ => None,
        })
        .collect()
}

/// Issues reported at most for Unicode line breaks in one text.
const MAX_BREAK_ISSUES: usize = 20;

/// [`parse`], keeping comments only when asked: collecting them costs a noticeable share of
/// parsing heavily commented files (Helm values), and camguard only reads comments that
/// are suppression directives.
///
/// The text is read the way Spring reads it: SnakeYAML (YAML 1.1) takes U+0085, U+2028
/// and U+2029 as line breaks (`Constant.LINEBR` in snakeyaml/snakeyaml 67006a5c), so a
/// comment can end at one and hide a key behind it on what looks like the same line.
/// Each is replaced by spaces and a line feed of the same byte length before parsing
/// (spans stay valid), and reported.
pub(crate) fn parse_with(text: &str, keep_comments: bool) -> YamlFile<'_> {
    let breaks = unicode_breaks(text);
    if breaks.is_empty() {
        return parse_text(text, keep_comments);
    }
    let mut bytes = text.as_bytes().to_vec();
    for (span, _) in &breaks {
        for b in &mut bytes[span.start..span.end - 1] {
            *b = b' ';
        }
        bytes[span.end - 1] = b'\n';
    }
    let normalised = String::from_utf8(bytes).unwrap_or_else(|_| text.to_string());
    // (rare: the tree then owns its scalars, as it cannot borrow from this copy)
    let mut parsed = parse_text(&normalised, keep_comments).into_owned();
    for (span, name) in breaks.iter().take(MAX_BREAK_ISSUES) {
        parsed.issues.push(Issue {
            kind: IssueKind::UnicodeLineBreak,
            message: format!(
                "{name} is a line break for Spring's YAML parser (SnakeYAML) and most others, but editors and reviews show the text after it on the same line; camguard reads it as a line break too: replace it with a plain line break, or remove it"
            ),
            span: *span,
            related: None,
        });
    }
    parsed
}

fn parse_text(text: &str, keep_comments: bool) -> YamlFile<'_> {
    let len = text.len();
    let mut options = Options::default();
    options.emit_comments = keep_comments;
    options.flow_nesting_limit = MAX_DEPTH;
    options.block_nesting_limit = MAX_DEPTH;
    options.max_buffered_comment_events = 1 << 20;
    let parser = Parser::with_options(input::CommentSkippingInput::new(text), options);
    let mut b = Builder {
        stack: Vec::new(),
        docs: Vec::new(),
        anchors: HashMap::new(),
        issues: Vec::new(),
        alias_budget: ALIAS_NODE_BUDGET,
        budget_reported: false,
    };
    let mut comments = Vec::new();
    for item in parser {
        let (event, gspan) = match item {
            Ok(ok) => ok,
            Err(err) => {
                let at = err.marker().byte_offset().unwrap_or(len).min(len);
                b.issues.push(Issue {
                    kind: IssueKind::Syntax,
                    message: err.info(),
                    span: Span::empty(at),
                    related: None,
                });
                break;
            }
        };
        let span = to_span(&gspan, len);
        match event {
            Event::DocumentStart(..) => b.anchors.clear(),
            Event::DocumentEnd => {
                while !b.stack.is_empty() {
                    b.close(span.start);
                }
            }
            Event::Comment(body, placement) => comments.push(Comment {
                text: body.into_owned(),
                span,
                trailing: placement == Placement::Right,
            }),
            Event::Scalar(value, style, anchor, _) => {
                let node = Node {
                    kind: NodeKind::Scalar(Scalar {
                        value,
                        style: style_of(style),
                    }),
                    span,
                };
                b.push_node(node, anchor);
            }
            Event::SequenceStart(_, anchor, _) => b.stack.push(Frame {
                kind: FrameKind::Seq(Vec::new()),
                start: span.start,
                anchor,
            }),
            Event::MappingStart(_, anchor, _) => b.stack.push(Frame {
                kind: FrameKind::Map {
                    entries: Vec::new(),
                    key: None,
                },
                start: span.start,
                anchor,
            }),
            Event::SequenceEnd | Event::MappingEnd => b.close(span.end.max(span.start)),
            Event::Alias(id) => b.alias(id, span),
            _ => {}
        }
    }
    // A syntax error leaves collections open: keep what was read.
    while !b.stack.is_empty() {
        b.close(len);
    }
    YamlFile {
        docs: b.docs,
        comments,
        issues: b.issues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What a parse yields apart from comments.
    fn without_comments(y: YamlFile) -> (Vec<Node>, Vec<Issue>) {
        (y.docs, y.issues)
    }

    fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                yaml_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push(p);
            }
        }
    }

    /// Comments are skipped when a file holds no directive: that must never change the
    /// trees or the issues, on every YAML file of the fixtures and the test corpus.
    #[test]
    fn dropping_comments_never_changes_the_parse_of_real_files() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        yaml_files(&root.join("fixtures"), &mut files);
        yaml_files(&root.join("tests/corpus"), &mut files);
        assert!(files.len() > 100, "{}", files.len());
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            assert_eq!(
                without_comments(parse_with(&text, false)),
                without_comments(parse_with(&text, true)),
                "{}",
                f.display()
            );
        }
    }

    proptest! {
        #[test]
        fn dropping_comments_never_changes_the_parse(
            text in "([a-z]{1,3}|: |- |#|# c|\\n|  |\\[|\\]|\\{|\\}|, |\\||>|&a|\\*a|<<|'|\")*"
        ) {
            prop_assert_eq!(
                without_comments(parse_with(&text, false)),
                without_comments(parse_with(&text, true))
            );
        }
    }

    fn slice(src: &str, span: Span) -> &str {
        &src[span.range()]
    }

    #[test]
    fn spans_point_at_keys_and_values_after_non_ascii_text() {
        let src = "wéb: café ☕\nsec:\n  flag: \"false\"   # why\n";
        let y = parse(src);
        assert!(y.issues.is_empty(), "{:?}", y.issues);
        let root = &y.docs[0];
        let (k, v) = root.get("sec").unwrap().get_entry("flag").unwrap();
        assert_eq!(slice(src, k.span), "flag");
        assert_eq!(slice(src, v.span), "\"false\"");
        assert_eq!(v.as_scalar().unwrap().style, Style::DoubleQuoted);
        assert_eq!(y.comments.len(), 1);
        assert!(y.comments[0].trailing);
        assert_eq!(slice(src, y.comments[0].span), "# why");
    }

    #[test]
    fn multi_document_streams() {
        let y = parse("a: 1\n---\nb: 2\n---\n- x\n");
        assert_eq!(y.docs.len(), 3);
        assert_eq!(y.docs[1].get("b").unwrap().as_str(), Some("2"));
        assert!(y.docs[2].as_seq().is_some());
    }

    #[test]
    fn aliases_and_merge_keys_resolve_with_origin_spans() {
        let src = "x-env: &env\n  A: \"1\"\n  B: two\nsvc:\n  <<: *env\n  B: three\n  C: *env\n";
        let y = parse(src);
        assert!(y.issues.is_empty(), "{:?}", y.issues);
        let svc = y.docs[0].get("svc").unwrap();
        let a = svc.get("A").unwrap();
        assert_eq!(a.as_str(), Some("1"));
        // Merged values keep the span of the anchor definition.
        assert_eq!(slice(src, a.span), "\"1\"");
        assert_eq!(svc.get("B").unwrap().as_str(), Some("three"));
        assert_eq!(
            svc.get("C").unwrap().get("B").unwrap().as_str(),
            Some("two")
        );
        let keys: Vec<_> = svc
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, _)| k.as_str().unwrap())
            .collect();
        assert_eq!(keys, ["A", "B", "C"]);
    }

    #[test]
    fn merge_key_with_a_sequence_of_maps_prefers_earlier_sources() {
        let y = parse("a: &a {k: 1}\nb: &b {k: 2, j: 3}\nc:\n  <<: [*a, *b]\n");
        let c = y.docs[0].get("c").unwrap();
        assert_eq!(c.get("k").unwrap().as_str(), Some("1"));
        assert_eq!(c.get("j").unwrap().as_str(), Some("3"));
    }

    #[test]
    fn flow_style_and_null_values() {
        let y = parse("m: {a: 1, b: [x, y], c: ~, d: }\n");
        let m = y.docs[0].get("m").unwrap();
        assert_eq!(m.get("b").unwrap().as_seq().unwrap().len(), 2);
        assert!(m.get("c").unwrap().is_null());
        assert!(m.get("d").unwrap().is_null());
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_spans() {
        let src = "a: 1\nb: 2\na: 3\n";
        let y = parse(src);
        assert_eq!(y.issues.len(), 1);
        let issue = &y.issues[0];
        assert_eq!(issue.kind, IssueKind::DuplicateKey);
        assert_eq!(issue.span.start, 10);
        assert_eq!(issue.related, Some(Span::new(0, 1)));
        assert_eq!(y.docs[0].get("a").unwrap().as_str(), Some("3"));
    }

    #[test]
    fn billion_laughs_is_cut_off_by_the_budget() {
        let mut src = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let p = i - 1;
            src.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let y = parse(&src);
        assert!(y.issues.iter().any(|i| i.kind == IssueKind::Limit));
    }

    #[test]
    fn deep_nesting_is_rejected_not_overflowing() {
        for src in [
            "[".repeat(100_000),
            "{a: ".repeat(100_000),
            format!("{}x\n", "- ".repeat(100_000)),
        ] {
            let y = parse(&src);
            assert!(!y.issues.is_empty());
        }
        let mut nested = String::new();
        for i in 0..1000 {
            nested.push_str(&" ".repeat(i));
            nested.push_str("k:\n");
        }
        let y = parse(&nested);
        assert!(y.issues.iter().any(|i| i.kind == IssueKind::Syntax));
    }

    #[test]
    fn alias_chains_cannot_build_deep_trees() {
        let mut src = String::from("a0: &a0 [x]\n");
        for i in 1..400 {
            src.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
        }
        let y = parse(&src);
        assert!(y.issues.iter().any(|i| i.kind == IssueKind::Limit));
        let (_, height) = node_size_and_height(&y.docs[0]);
        assert!(height <= MAX_DEPTH + 2);
    }

    #[test]
    fn unicode_line_breaks_break_lines_as_in_snakeyaml() {
        let src = "a:\n  # hardened\u{2028}  b: true\nc: 1\u{85}d: 2\n";
        let y = parse(src);
        let a = y.docs[0].get("a").unwrap();
        assert_eq!(a.get("b").unwrap().as_str(), Some("true"), "{:?}", y.docs);
        assert_eq!(slice(src, a.get_entry("b").unwrap().0.span), "b");
        assert_eq!(y.docs[0].get("d").unwrap().as_str(), Some("2"));
        let breaks: Vec<_> = y
            .issues
            .iter()
            .filter(|i| i.kind == IssueKind::UnicodeLineBreak)
            .collect();
        assert_eq!(breaks.len(), 2, "{:?}", y.issues);
        assert_eq!(slice(src, breaks[0].span), "\u{2028}");
    }

    #[test]
    fn syntax_errors_keep_what_was_read() {
        let y = parse("a: 1\nb: [unclosed\n");
        assert!(y.issues.iter().any(|i| i.kind == IssueKind::Syntax));
        assert_eq!(y.docs.len(), 1);
        assert_eq!(y.docs[0].get("a").unwrap().as_str(), Some("1"));
    }
}
