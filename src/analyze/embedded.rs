//! Documents embedded in YAML scalars (compose `configs.*.content`, ConfigMap `data`,
//! Helm `configuration` blocks): their text, and how their spans map back.

use crate::source::Span;
use crate::source::SpanMap;
use crate::syntax::yaml::{Node, Style};

/// The embedded text of a scalar node and the map from its offsets to the file's.
pub fn embedded(src: &str, node: &Node) -> Option<(String, SpanMap)> {
    let s = node.as_scalar()?;
    let value = s.value.clone();
    let raw = src.get(node.span.range())?;
    let map = match s.style {
        Style::Literal => {
            literal_block(src, node.span, &value).unwrap_or(SpanMap::Fixed(node.span))
        }
        Style::Plain if raw == value => SpanMap::Lines(vec![(0, node.span.start)]),
        Style::SingleQuoted | Style::DoubleQuoted
            if raw.len() >= 2 && raw[1..raw.len() - 1] == value =>
        {
            SpanMap::Lines(vec![(0, node.span.start + 1)])
        }
        _ => SpanMap::Fixed(node.span),
    };
    Some((value, map))
}

/// Map a `|` block scalar line by line, verifying the reconstruction against the
/// parser's value so that a wrong guess can never produce a wrong span.
fn literal_block(src: &str, span: Span, value: &str) -> Option<SpanMap> {
    // The parser's span may start at the `|` header or at the first content line.
    let body = src.get(span.range())?;
    let content_start = if body.starts_with(['|', '>']) {
        span.start + body.find('\n')? + 1
    } else {
        src[..span.start].rfind('\n').map_or(0, |i| i + 1)
    };
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut at = content_start;
    for line in src
        .get(content_start..span.end.max(content_start))?
        .split_inclusive('\n')
    {
        let content = line.trim_end_matches(['\n', '\r']);
        lines.push((at, content));
        at += line.len();
    }
    let indent = lines
        .iter()
        .find(|(_, l)| !l.trim().is_empty())
        .map(|(_, l)| l.len() - l.trim_start_matches(' ').len())?;
    let mut map = Vec::new();
    let mut rebuilt = String::new();
    for (start, l) in &lines {
        map.push((rebuilt.len(), start + indent.min(l.len())));
        rebuilt.push_str(l.get(indent..).unwrap_or(""));
        rebuilt.push('\n');
    }
    (rebuilt.trim_end() == value.trim_end()).then_some(SpanMap::Lines(map))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::yaml;

    #[test]
    fn block_scalar_spans_map_back() {
        let src = "configs:\n  app:\n    content: |\n      camunda:\n        security: true\n";
        let y = yaml::parse(src);
        let node = y.docs[0]
            .get("configs")
            .unwrap()
            .get("app")
            .unwrap()
            .get("content")
            .unwrap();
        let (text, map) = embedded(src, node).unwrap();
        let inner = text.find("true").unwrap();
        let mapped = map.span(Span::new(inner, inner + 4));
        assert_eq!(&src[mapped.range()], "true");
    }

    #[test]
    fn mismatching_reconstruction_falls_back_to_the_node() {
        let src = "c: >\n  folded\n  text\n";
        let y = yaml::parse(src);
        let node = y.docs[0].get("c").unwrap();
        let (_, map) = embedded(src, node).unwrap();
        assert!(matches!(map, SpanMap::Fixed(_)));
    }
}
