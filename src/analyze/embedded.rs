//! Documents embedded in YAML scalars (compose `configs.*.content`, ConfigMap `data`,
//! Helm `configuration` blocks): their text, and how their spans map back.

use crate::source::{LineMap, Span, SpanMap};
use crate::syntax::yaml::{Node, Style};

/// The embedded text of a scalar node and the map from its offsets to the file's.
pub(crate) fn embedded(src: &str, node: &Node) -> Option<(String, SpanMap)> {
    let s = node.as_scalar()?;
    let value = s.value.to_string();
    let raw = src.get(node.span.range())?;
    let map = match s.style {
        Style::Literal => {
            literal_block(src, node.span, &value).unwrap_or(SpanMap::Fixed(node.span))
        }
        Style::Plain if raw == value => one_line(node.span.start),
        Style::SingleQuoted | Style::DoubleQuoted
            if raw.len() >= 2 && raw[1..raw.len() - 1] == value =>
        {
            one_line(node.span.start + 1)
        }
        _ => SpanMap::Fixed(node.span),
    };
    Some((value, map))
}

/// The embedded text is a copy of the file from `at` on.
fn one_line(at: usize) -> SpanMap {
    SpanMap::Lines(vec![LineMap {
        text: 0,
        content: at,
        after_break: at,
    }])
}

/// Where the line holding `at` starts.
fn line_start(src: &str, at: usize) -> usize {
    src[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Map a `|` block scalar line by line, verifying the reconstruction against the
/// parser's value so that a wrong guess can never produce a wrong span.
///
/// The parser ends the value with a line break unless chomping strips it (`|-`), even
/// where the file has none: when the file ends inside the block's last line. So the end
/// of the value maps to the end of the file's line break after the last line, or to the
/// end of the file if there is none, never past it.
fn literal_block(src: &str, span: Span, value: &str) -> Option<SpanMap> {
    let body = src.get(span.range())?;
    let (content_start, indent) = if body.starts_with(['|', '>']) {
        // The span starts at the header: the content starts on the next line, indented
        // like its first non-empty line.
        (span.start + body.find('\n')? + 1, None)
    } else {
        // The span starts at the first content (after the indentation, which also
        // covers an explicit indentation indicator). Empty lines before it are in
        // the value but not in the span.
        let mut first = line_start(src, span.start);
        while first > 0 {
            let prev = line_start(src, first - 1);
            if !src[prev..first]
                .trim_end_matches(['\n', '\r'])
                .bytes()
                .all(|b| b == b' ')
            {
                break;
            }
            first = prev;
        }
        (first, Some(span.start - line_start(src, span.start)))
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
    let indent = match indent {
        Some(i) => i,
        None => lines
            .iter()
            .find(|(_, l)| !l.trim().is_empty())
            .map(|(_, l)| l.len() - l.trim_start_matches(' ').len())?,
    };
    let mut map = Vec::new();
    let mut rebuilt = String::new();
    let mut content_end = content_start;
    for &(start, l) in &lines {
        map.push(LineMap {
            text: rebuilt.len(),
            content: start + indent.min(l.len()),
            after_break: start,
        });
        rebuilt.push_str(l.get(indent..).unwrap_or(""));
        rebuilt.push('\n');
        content_end = start + l.len();
    }
    // The rebuilt text ends with a line break; the file may not (it ends right here).
    let rest = &src[content_end..];
    let break_len = if rest.starts_with("\r\n") {
        2
    } else {
        usize::from(rest.starts_with('\n'))
    };
    let end = content_end + break_len;
    map.push(LineMap {
        text: rebuilt.len(),
        content: end,
        after_break: end,
    });
    // The value is the rebuilt text with chomping applied: it may lack trailing line
    // breaks, nothing else.
    let exact = rebuilt
        .strip_prefix(value)
        .is_some_and(|rest| rest.bytes().all(|b| b == b'\n'));
    exact.then_some(SpanMap::Lines(map))
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

    use std::sync::Arc;

    use proptest::prelude::*;

    use crate::analyze::{Context, analyze};
    use crate::discover::FileKind;
    use crate::source::SourceFile;

    /// The three hosts that embed a document in a `|` block scalar: (kind, file name,
    /// lines before the block, indentation of the block's content).
    const HOSTS: [(FileKind, &str, &[&str], usize); 3] = [
        (
            FileKind::K8s,
            "configmap.yaml",
            &[
                "apiVersion: v1",
                "kind: ConfigMap",
                "metadata:",
                "  name: app",
                "data:",
                "  application.yaml: |",
            ],
            4,
        ),
        (
            FileKind::HelmValues,
            "values.yaml",
            &["orchestration:", "  configuration: |"],
            4,
        ),
        (
            FileKind::Compose,
            "docker-compose.yaml",
            &[
                "services:",
                "  app:",
                "    image: camunda/camunda-bpm-platform:run-7.23.0",
                "    configs:",
                "      - application",
                "configs:",
                "  application:",
                "    content: |",
            ],
            6,
        ),
    ];

    /// A host file whose block scalar (header `|` + `chomp`) holds `doc` and ends the
    /// file: lines joined with `eol`, the last one followed by `end` (`""`: the file
    /// ends inside the last line).
    fn host(host: usize, chomp: &str, doc: &[&str], eol: &str, end: &str) -> String {
        let (_, _, head, indent) = HOSTS[host];
        let mut lines: Vec<String> = head.iter().map(|l| l.to_string()).collect();
        lines.last_mut().unwrap().push_str(chomp);
        lines.extend(doc.iter().map(|l| format!("{:indent$}{l}", "")));
        lines.join(eol) + end
    }

    /// The source text under the key and value spans of the setting `key` (`None` for
    /// a span outside the text).
    fn setting_text(host: usize, src: &str, key: &str) -> (Option<String>, Option<String>) {
        let (kind, name, _, _) = HOSTS[host];
        let file = SourceFile::new(name, src.to_string());
        let a = analyze(file.clone(), kind, &Context::default());
        let s = a
            .components
            .iter()
            .flat_map(|c| &c.settings)
            .find(|s| s.key == key && Arc::ptr_eq(&s.file, &file))
            .unwrap_or_else(|| panic!("no setting {key} in {src:?}"));
        let text = |sp: Span| src.get(sp.range()).map(str::to_string);
        (text(s.key_span), text(s.value_span))
    }

    /// Every host, every chomping indicator, LF and CRLF, with and without a final line
    /// break: the spans of a setting value that ends the embedded document (a nested block
    /// scalar, a list, a plain scalar) cover exactly its text in the host file.
    #[test]
    fn values_ending_the_host_file_keep_exact_spans() {
        // (embedded document, key, where the value starts, whether its span takes the
        // document's final line break)
        let tails: [(&[&str], &str, &str, bool); 3] = [
            (
                &[
                    "spring:",
                    "  datasource:",
                    "    password: |",
                    "      geheim",
                ],
                "spring.datasource.password",
                "geheim",
                true,
            ),
            (
                &[
                    "spring:",
                    "  profiles:",
                    "    include:",
                    "    - dev",
                    "    - local",
                ],
                "spring.profiles.include",
                "dev",
                true,
            ),
            (
                &["spring:", "  datasource:", "    password: geheim"],
                "spring.datasource.password",
                "geheim",
                false,
            ),
        ];
        let mut checked = 0;
        let mut wrong = Vec::new();
        for h in 0..HOSTS.len() {
            for chomp in ["", "-", "+"] {
                for (eol, end) in [("\n", ""), ("\n", "\n"), ("\r\n", ""), ("\r\n", "\r\n")] {
                    for (doc, key, start, takes_break) in tails {
                        let src = host(h, chomp, doc, eol, end);
                        let from = src.rfind(start).unwrap();
                        // The embedded text has the final line break unless it is
                        // stripped (`|-`); the value's span covers it if it is there.
                        let to = if takes_break && chomp != "-" {
                            src.len()
                        } else {
                            src.len() - end.len()
                        };
                        let leaf = key.rsplit('.').next().unwrap();
                        let (k, v) = setting_text(h, &src, key);
                        if k.as_deref() != Some(leaf) || v.as_deref() != Some(&src[from..to]) {
                            wrong.push(format!("{key} in {src:?}: key {k:?}, value {v:?}"));
                        }
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 3 * 3 * 4 * 3);
        assert!(
            wrong.is_empty(),
            "{} wrong spans:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }

    /// Inside the embedded document too, a span ending at a line start ends right after
    /// the file's line break, not after the next line's indentation; empty first lines
    /// and an indentation indicator still map line by line.
    #[test]
    fn block_boundaries_inside_the_host_map_exactly() {
        let doc = [
            "spring:",
            "  datasource:",
            "    url: jdbc:h2:mem:test",
            "  profiles:",
            "    include:",
            "    - dev",
            "    - local",
            "logging:",
            "  level:",
            "    root: info",
        ];
        let mut wrong = Vec::new();
        for h in 0..HOSTS.len() {
            for eol in ["\n", "\r\n"] {
                // The list ends where the next line of the embedded document starts.
                let src = host(h, "", &doc, eol, eol);
                let from = src.find("dev").unwrap();
                let to = src.rfind("local").unwrap() + "local".len() + eol.len();
                let (_, v) = setting_text(h, &src, "spring.profiles.include");
                if v.as_deref() != Some(&src[from..to]) {
                    wrong.push(format!("include in {src:?}: {v:?}"));
                }
                // An empty line first, and an indentation indicator (relative to the
                // key's indentation: 2 in every host) with a more indented first line.
                for (chomp, first) in [("", ""), ("2", "  # more indented")] {
                    let mut lines = vec![first];
                    lines.extend(doc);
                    let src = host(h, chomp, &lines, eol, eol);
                    let (k, v) = setting_text(h, &src, "spring.datasource.url");
                    if k.as_deref() != Some("url") || v.as_deref() != Some("jdbc:h2:mem:test") {
                        wrong.push(format!("url in {src:?}: key {k:?}, value {v:?}"));
                    }
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{} wrong spans:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }

    /// A valid host file with non-ASCII text, comments, quoting, lists and a nested
    /// block scalar in its embedded document.
    fn full_host(host_index: usize, chomp: &str, eol: &str) -> String {
        let doc = [
            "spring:",
            "  application:",
            "    name: \"kassé-☕\"",
            "  datasource:",
            "    url: jdbc:h2:mem:tëst   # Kommentar ü",
            "    password: |",
            "      geheim€",
            "",
            "      zwei",
            "  profiles:",
            "    include:",
            "    - dev",
            "    - prüf",
            "camunda:",
            "  bpm:",
            "    admin-user:",
            "      id: démo",
            "      password: 'dé''mo'",
            "    run:",
            "      cors:",
            "        allowed-origins: [ \"https://ä.example\", \"*\" ]",
        ];
        host(host_index, chomp, &doc, eol, eol)
    }

    #[test]
    fn full_hosts_yield_their_embedded_settings() {
        for h in 0..HOSTS.len() {
            let src = full_host(h, "", "\n");
            let (_, v) = setting_text(h, &src, "camunda.bpm.admin-user.id");
            assert_eq!(v.as_deref(), Some("démo"));
            let (_, v) = setting_text(h, &src, "camunda.bpm.run.cors.allowed-origins");
            assert_eq!(v.as_deref(), Some("[ \"https://ä.example\", \"*\" ]"));
        }
    }

    proptest! {
        /// Cut a valid host file anywhere (on a character boundary): every span of every
        /// setting, list item, problem and comment still lies inside the text, on
        /// character boundaries.
        #[test]
        fn truncated_hosts_keep_spans_inside_the_text(
            h in 0..HOSTS.len(),
            chomp in prop::sample::select(vec!["", "-", "+"]),
            eol in prop::sample::select(vec!["\n", "\r\n"]),
            cut in any::<prop::sample::Index>(),
        ) {
            let full = full_host(h, chomp, eol);
            let bounds: Vec<usize> = full
                .char_indices()
                .map(|(i, _)| i)
                .chain([full.len()])
                .collect();
            let text = &full[..bounds[cut.index(bounds.len())]];
            let (kind, name, _, _) = HOSTS[h];
            let file = SourceFile::new(name, text.to_string());
            let a = analyze(file.clone(), kind, &Context::default());
            let inside = |s: Span| {
                s.start <= s.end
                    && s.end <= text.len()
                    && text.is_char_boundary(s.start)
                    && text.is_char_boundary(s.end)
            };
            let mut spans: Vec<(String, Span)> = Vec::new();
            for s in a.components.iter().flat_map(|c| &c.settings) {
                if !Arc::ptr_eq(&s.file, &file) {
                    continue;
                }
                spans.push((format!("key of {}", s.key), s.key_span));
                spans.push((format!("value of {}", s.key), s.value_span));
                if let crate::model::settings::Value::List(items) = &s.value {
                    spans.extend(items.iter().map(|(t, sp)| (format!("item {t} of {}", s.key), *sp)));
                }
            }
            spans.extend(a.problems.iter().filter_map(|p| p.span.map(|s| (p.message.clone(), s))));
            spans.extend(a.comments.iter().map(|c| (format!("comment {}", c.text), c.span)));
            for d in &a.duplicates {
                spans.push((format!("duplicate {}", d.key), d.span));
                spans.push((format!("first {}", d.key), d.first));
            }
            for (what, s) in spans {
                prop_assert!(inside(s), "{what}: {s:?} outside 0..{} of {text:?}", text.len());
            }
        }
    }
}
