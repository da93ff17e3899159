//! Embeds every rule file under `rules/` into the binary, with its parsed TOML tree
//! pre-encoded (see `tomltree::decode`): parsing 80-odd rule files on every run was most of
//! a one-file check's time.

use std::fs;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

fn put_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(
        &u32::try_from(n)
            .expect("rule files are small")
            .to_le_bytes(),
    );
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn put_head(out: &mut Vec<u8>, tag: u8, span: std::ops::Range<usize>) {
    out.push(tag);
    put_u32(out, span.start);
    put_u32(out, span.end);
}

/// The same conversion as `tomltree::from_table`, written in the encoding `tomltree::decode`
/// reads: a tag, the span, then the payload.
fn encode_table(out: &mut Vec<u8>, t: &DeTable<'_>, span: std::ops::Range<usize>) {
    put_head(out, b'T', span);
    put_u32(out, t.len());
    for (k, v) in t.iter() {
        put_str(out, k.get_ref());
        put_u32(out, k.span().start);
        put_u32(out, k.span().end);
        encode_value(out, v);
    }
}

fn encode_value(out: &mut Vec<u8>, v: &Spanned<DeValue<'_>>) {
    let span = v.span();
    match v.get_ref() {
        DeValue::String(s) => {
            put_head(out, b'S', span);
            put_str(out, s);
        }
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => {
                put_head(out, b'I', span);
                out.extend_from_slice(&n.to_le_bytes());
            }
            Err(_) => {
                put_head(out, b'O', span);
                put_str(out, &i.to_string());
            }
        },
        DeValue::Float(f) => match f.as_str().parse::<f64>() {
            Ok(x) => {
                put_head(out, b'F', span);
                out.extend_from_slice(&x.to_bits().to_le_bytes());
            }
            Err(_) => {
                put_head(out, b'O', span);
                put_str(out, &f.to_string());
            }
        },
        DeValue::Boolean(b) => {
            put_head(out, b'B', span);
            out.push(u8::from(*b));
        }
        DeValue::Datetime(d) => {
            put_head(out, b'O', span);
            put_str(out, &d.to_string());
        }
        DeValue::Array(a) => {
            put_head(out, b'A', span);
            put_u32(out, a.len());
            for x in a.iter() {
                encode_value(out, x);
            }
        }
        DeValue::Table(t) => encode_table(out, t, span),
    }
}

/// The encoded tree. A shipped rule file that is not TOML, or that declares both a
/// `builtin` and `[[check]]` tables, fails the build: it is known now, not at start-up.
/// (What each field means is checked by the loader, and every shipped rule by
/// `tests/rule_fixtures.rs`.)
fn encode(path: &Path, text: &str) -> Vec<u8> {
    let doc = match DeTable::parse(text) {
        Ok(d) => d,
        Err(e) => panic!("{}: not valid TOML: {e}", path.display()),
    };
    let table = doc.get_ref();
    for field in [
        "code",
        "name",
        "severity",
        "products",
        "summary",
        "docs",
        "explanation",
    ] {
        assert!(
            table.get(field).is_some(),
            "{}: missing required field `{field}`",
            path.display()
        );
    }
    assert!(
        !(table.get("builtin").is_some() && table.get("check").is_some()),
        "{}: a rule has either a `builtin` or `[[check]]` tables, not both",
        path.display()
    );
    let mut out = Vec::new();
    encode_table(&mut out, table, 0..text.len());
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&rules, &mut files);
    files.sort();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets this"));
    let mut code = String::from(
        "/// Rule files compiled into the binary.\npub static EMBEDDED_RULES: &[(&str, &str)] = &[\n",
    );
    let mut trees = String::from(
        "/// Their parsed trees, encoded (same order).\npub static EMBEDDED_TREES: &[&[u8]] = &[\n",
    );
    for (n, f) in files.iter().enumerate() {
        let text =
            fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: cannot read: {e}", f.display()));
        let bin = out_dir.join(format!("rule-{n}.bin"));
        fs::write(&bin, encode(f, &text)).expect("OUT_DIR is writable");
        trees.push_str(&format!(
            "    include_bytes!({:?}),\n",
            bin.display().to_string()
        ));
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&root)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    code.push_str("];\n");
    trees.push_str("];\n");
    code.push_str(&trees);
    fs::write(out_dir.join("embedded_rules.rs"), code).expect("OUT_DIR is writable");
}
