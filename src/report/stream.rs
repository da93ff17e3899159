//! Writing a report as it is rendered. Findings are rendered on the worker threads a
//! chunk at a time and written in order, so that memory follows one chunk of output, not
//! the document; JSON documents are written piece by piece with exactly the layout of
//! `serde_json::to_string_pretty`, so that no tree of the whole document is ever built.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

/// Findings rendered at once: enough to keep every thread busy, few enough that the
/// pending output stays small.
const CHUNK: usize = 1024;

/// Render every item on the worker threads and hand the results to `sink` in order.
pub(crate) fn in_order<T: Sync, R: Send>(
    items: &[T],
    render: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(R) -> io::Result<()>,
) -> io::Result<()> {
    for chunk in items.chunks(CHUNK) {
        let done: Vec<R> = chunk.par_iter().map(&render).collect();
        for r in done {
            sink(r)?;
        }
    }
    Ok(())
}

/// `v` as `serde_json::to_string_pretty` writes it nested `indent` spaces deep (every
/// line after the first indented; JSON strings hold no raw line break), made inert
/// ([`super::escape::json_document`]).
pub(crate) fn pretty_at(v: &impl Serialize, indent: usize) -> String {
    let mut buf = Vec::with_capacity(512);
    let mut ser = serde_json::Serializer::with_formatter(
        &mut buf,
        Indented {
            base: indent,
            depth: 0,
            has_value: false,
        },
    );
    if v.serialize(&mut ser).is_err() {
        return "null".into();
    }
    // (serde_json writes UTF-8 only)
    let s = String::from_utf8(buf).unwrap_or_else(|_| "null".into());
    super::escape::json_document(s)
}

/// serde_json's `PrettyFormatter` (two spaces a level) for a value that starts `base`
/// spaces deep: the layout of `to_string_pretty` with every line after the first moved
/// right, written once. (Indenting the pretty text afterwards copied every result again,
/// a tenth of a SARIF result's cost.)
struct Indented {
    base: usize,
    depth: usize,
    has_value: bool,
}

impl Indented {
    fn newline<W: ?Sized + Write>(&self, w: &mut W, comma: bool) -> io::Result<()> {
        w.write_all(if comma { b",\n" } else { b"\n" })?;
        pad(w, self.base + 2 * self.depth)
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w, false)?;
        }
        w.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline(w, !first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline(w, !first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

fn pad<W: ?Sized + Write>(out: &mut W, n: usize) -> io::Result<()> {
    const SPACES: &[u8] = &[b' '; 64];
    let mut n = n;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.write_all(&SPACES[..k])?;
        n -= k;
    }
    Ok(())
}

/// A JSON object or array being written at a nesting depth of `indent` spaces, laid out
/// as serde_json's pretty printer lays it out.
pub(crate) struct Nested {
    indent: usize,
    close: u8,
    empty: bool,
}

impl Nested {
    pub(crate) fn object(out: &mut dyn Write, indent: usize) -> io::Result<Self> {
        out.write_all(b"{")?;
        Ok(Nested {
            indent,
            close: b'}',
            empty: true,
        })
    }

    pub(crate) fn array(out: &mut dyn Write, indent: usize) -> io::Result<Self> {
        out.write_all(b"[")?;
        Ok(Nested {
            indent,
            close: b']',
            empty: true,
        })
    }

    /// The depth of this container's entries (what their values are rendered at).
    pub(crate) fn inner(&self) -> usize {
        self.indent + 2
    }

    fn next(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.empty { b"\n" } else { b",\n" })?;
        self.empty = false;
        pad(out, self.inner())
    }

    /// Start an object's entry: what follows is its value.
    pub(crate) fn key(&mut self, out: &mut dyn Write, key: &str) -> io::Result<()> {
        self.next(out)?;
        out.write_all(pretty_at(&key, 0).as_bytes())?;
        out.write_all(b": ")
    }

    /// An object's entry.
    pub(crate) fn entry(
        &mut self,
        out: &mut dyn Write,
        key: &str,
        value: &impl Serialize,
    ) -> io::Result<()> {
        self.key(out, key)?;
        out.write_all(pretty_at(value, self.inner()).as_bytes())
    }

    /// Start an array's element that is written next (an object or array).
    pub(crate) fn start_element(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.next(out)
    }

    /// An array's element, already rendered at [`Self::inner`].
    pub(crate) fn element(&mut self, out: &mut dyn Write, rendered: &str) -> io::Result<()> {
        self.next(out)?;
        out.write_all(rendered.as_bytes())
    }

    pub(crate) fn end(self, out: &mut dyn Write) -> io::Result<()> {
        if !self.empty {
            out.write_all(b"\n")?;
            pad(out, self.indent)?;
        }
        out.write_all(&[self.close])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_writing_matches_serde_json_pretty() {
        let inner = json!({"a": [1, {"b": "x\u{202e}y"}], "c": {}, "d": []});
        let whole =
            json!({"k": "v", "list": [inner.clone(), inner.clone()], "empty": [], "o": {"p": 1}});
        let mut out: Vec<u8> = Vec::new();
        let mut top = Nested::object(&mut out, 0).unwrap();
        top.entry(&mut out, "k", &"v").unwrap();
        top.key(&mut out, "list").unwrap();
        let mut list = Nested::array(&mut out, top.inner()).unwrap();
        for _ in 0..2 {
            let s = pretty_at(&inner, list.inner());
            list.element(&mut out, &s).unwrap();
        }
        list.end(&mut out).unwrap();
        top.key(&mut out, "empty").unwrap();
        Nested::array(&mut out, top.inner())
            .unwrap()
            .end(&mut out)
            .unwrap();
        top.entry(&mut out, "o", &json!({"p": 1})).unwrap();
        top.end(&mut out).unwrap();
        let expected =
            super::super::escape::json_document(serde_json::to_string_pretty(&whole).unwrap());
        assert_eq!(String::from_utf8(out).unwrap(), expected);
        assert!(!expected.contains('\u{202e}'));
    }

    #[test]
    fn pretty_at_is_serde_json_pretty_moved_right() {
        let values = [
            json!({"a": [1, {"b": "x\ny"}, [], {}], "c": {"d": [[]], "e": null}}),
            json!([]),
            json!({}),
            json!("plain"),
            json!([{"k": [1, 2]}, "s", 3.5, true]),
        ];
        for v in &values {
            for indent in [0, 2, 6, 100] {
                let pad = format!("\n{}", " ".repeat(indent));
                let expected = serde_json::to_string_pretty(v).unwrap().replace('\n', &pad);
                assert_eq!(pretty_at(v, indent), expected, "{v} at {indent}");
            }
        }
    }

    #[test]
    fn items_come_out_in_order() {
        let items: Vec<usize> = (0..5000).collect();
        let mut seen = Vec::new();
        in_order(
            &items,
            |i| i * 2,
            |r| {
                seen.push(r);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }
}
