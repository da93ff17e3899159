//! Entry points shared by the fuzz targets (`fuzz/`, which include this file with
//! `#[path]`) and the stable regression tests (`tests/fuzz_regressions.rs`). Each one runs a parser on arbitrary input and checks
//! invariants: no panic, and every span inside the text on character boundaries.

use std::path::Path;
use std::sync::Arc;

use camguard::analyze::{Context, analyze};
use camguard::discover::FileKind;
use camguard::rules::RuleSet;
use camguard::source::SourceFile;
use camguard::source::Span;

fn assert_span(text: &str, s: Span, what: &str) {
    assert!(
        s.start <= s.end && s.end <= text.len(),
        "{what}: span {s:?} outside 0..{}",
        text.len()
    );
    assert!(
        text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
        "{what}: span {s:?} not on character boundaries"
    );
}

pub fn yaml(text: &str) {
    // What the quick look rules out without parsing, the parse finds nothing in either.
    assert!(
        !camguard::discover::plainly_unrecognised(text)
            || camguard::analyze::sniff_parsed(text).is_none(),
        "a recognised file the quick look rules out"
    );
    let y = camguard::syntax::yaml::parse(text);
    for i in &y.issues {
        assert_span(text, i.span, "yaml issue");
    }
    for c in &y.comments {
        assert_span(text, c.span, "yaml comment");
    }
    analyzed(text, FileKind::SpringYaml);
}

pub fn properties(text: &str) {
    let f = camguard::syntax::properties::parse_properties(text);
    for e in &f.entries {
        assert_span(text, e.key_span, "properties key");
        assert_span(text, e.value_span, "properties value");
    }
    analyzed(text, FileKind::SpringProperties);
}

pub fn dotenv(text: &str) {
    let f = camguard::syntax::dotenv::parse_dotenv(text);
    for e in &f.entries {
        assert_span(text, e.key_span, "env key");
        assert_span(text, e.value_span, "env value");
    }
    analyzed(text, FileKind::Env);
}

pub fn xml(text: &str) {
    analyzed(text, FileKind::Xml);
}

pub fn toml_config(text: &str) {
    if let Err(errs) = camguard::config::parse(Path::new("camguard.toml"), text) {
        for e in errs {
            assert_span(text, e.span, "config error");
        }
    }
}

pub fn rule_file(text: &str) {
    if let Err(errs) = camguard::rules::load::parse_rule(text) {
        for (span, _) in errs {
            assert_span(text, span, "rule error");
        }
    }
}

fn rules() -> &'static RuleSet {
    use std::sync::OnceLock;
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(RuleSet::shipped)
}

/// Analyse and check `text` as `kind`, checking every span that comes out.
fn analyzed(text: &str, kind: FileKind) {
    let name = match kind {
        FileKind::Xml => "web.xml",
        FileKind::Env => ".env",
        FileKind::SpringProperties => "application.properties",
        FileKind::Optimize => "environment-config.yaml",
        _ => "application.yaml",
    };
    let file = SourceFile::new(name, text.to_string());
    let out = camguard::scan::check_source(file.clone(), kind, rules(), &Context::default());
    for c in &out.analysis.components {
        for s in &c.settings {
            if Arc::ptr_eq(&s.file, &file) {
                assert_span(text, s.key_span, "setting key");
                assert_span(text, s.value_span, "setting value");
            }
        }
    }
    for f in &out.findings {
        if Arc::ptr_eq(&f.file, &file) {
            assert_span(text, f.span, "finding");
        }
    }
    for p in &out.analysis.problems {
        if let Some(s) = p.span {
            assert_span(text, s, "problem");
        }
    }
    // What a report keeps of the file (`model::shown`): the cut text gives every position
    // a renderer asks for as the whole text does.
    let mut cut = out.findings.clone();
    camguard::model::shown::keep_shown_lines(&mut cut, &mut [], &mut []);
    for (c, w) in cut.iter().zip(&out.findings) {
        let (ct, wt) = (&c.file.text, &w.file.text);
        let (s, e) = (wt.position(w.span.start), wt.position(w.span.end));
        assert_eq!(ct.position(w.span.start), s, "cut: finding start");
        assert_eq!(ct.position(w.span.end), e, "cut: finding end");
        if s.line == e.line {
            assert_eq!(ct.slice(w.span), wt.slice(w.span), "cut: finding text");
        }
        for (rc, rw) in c.related.iter().zip(&w.related) {
            for o in [rw.span.start, rw.span.end] {
                assert_eq!(
                    rc.file.text.position(o),
                    rw.file.text.position(o),
                    "cut: related"
                );
            }
        }
    }
    let _ = analyze(file, kind, &Context::default());
}

/// The whole check of one file: the first byte picks the kind.
pub fn check_file(data: &[u8]) {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let kind = FileKind::ALL[*first as usize % FileKind::ALL.len()];
    if let Ok(text) = camguard::discover::decode(rest.to_vec(), "fuzz") {
        analyzed(&text, kind);
    }
}

/// Variables from the first line (`A=1;B=`) and the value from the rest of the input.
fn vars_and_value(text: &str) -> (Vec<(&str, &str)>, &str) {
    let (vars, value) = text.split_once('\n').unwrap_or(("", text));
    let vars = vars
        .split(';')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    (vars, value)
}

/// Compose `${VAR}` interpolation (`deploy::interpolate`): never panics, leaves text
/// without `$` alone, and each `$` adds at most one variable's value.
pub fn interpolate(text: &str) {
    let (vars, value) = vars_and_value(text);
    let lookup = |n: &str| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
    let i = camguard::deploy::interpolate::interpolate(value, &lookup);
    let longest = vars.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    assert!(
        i.text.len() <= value.len() + value.matches('$').count() * longest,
        "interpolation grew beyond its variables"
    );
    if !value.contains('$') {
        assert_eq!(i.text, value);
        assert!(i.refs.is_empty() && i.error.is_none());
    }
}

/// Kubernetes `$(VAR)` expansion (`deploy::expand`): never panics, leaves text without `$`
/// alone, keeps unknown references, and each `$(` adds at most one variable's value.
pub fn expand(text: &str) {
    let (vars, value) = vars_and_value(text);
    let lookup = |n: &str| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
    let e = camguard::deploy::expand::expand(value, &lookup);
    let longest = vars.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    assert!(e.text.len() <= value.len() + value.matches("$(").count() * longest);
    if !value.contains('$') {
        assert_eq!(e.text, value);
    }
    let none = camguard::deploy::expand::expand(value, &|_| None);
    assert!(
        none.text.len() <= value.len(),
        "expansion without variables grew"
    );
}

/// Helm value merging (`deploy::helm`): the chart defaults that survive a values file never
/// collide with a key the file sets (or a key above or below it), and every span they get
/// lies in the file.
pub fn helm_merge(text: &str) {
    let file = SourceFile::new("values.yaml", text.to_string());
    let a = analyze(file.clone(), FileKind::HelmValues, &Context::default());
    let Some(user) = a.components.first() else {
        return;
    };
    let (defaults, _) = camguard::deploy::helm::defaults_for("13.12.7").expect("embedded");
    let kept = camguard::deploy::helm::surviving_defaults(defaults, &user.settings, user);
    let within = |inner: &str, outer: &str| {
        inner == outer
            || (inner.starts_with(outer) && matches!(inner.as_bytes()[outer.len()], b'.' | b'['))
    };
    for d in &kept {
        assert_span(text, d.key_span, "default anchor");
        for u in &user.settings {
            let u_list = u.key.split('[').next().unwrap_or(&u.key);
            assert!(
                !within(&d.key, &u.key) && !within(&u.key, &d.key) && !within(&d.key, u_list),
                "default `{}` survives the values key `{}`",
                d.key,
                u.key
            );
        }
    }
}

/// `SPRING_APPLICATION_JSON` flattening (`deploy::spring_json`): never panics on hostile
/// JSON (depth, size and member bounds), every span lies in the text on character
/// boundaries, and a string member's span is the quoted string it was read from.
pub fn spring_json(text: &str) {
    use camguard::deploy::spring_json::{MAX_ENTRIES, flatten};
    use camguard::model::value::Value;
    let Ok(entries) = flatten(text) else {
        return;
    };
    assert!(entries.len() <= MAX_ENTRIES, "too many members");
    for e in &entries {
        assert_span(text, e.key_span, "json key");
        assert_span(text, e.value_span, "json value");
        match &e.value {
            Value::Text { quoted: true, .. } => {
                let raw = &text[e.value_span.start..e.value_span.end];
                assert!(raw.starts_with('"') && raw.ends_with('"'), "{raw}");
            }
            Value::List(items) => {
                for (_, s) in items {
                    assert_span(text, *s, "json list item");
                }
            }
            _ => {}
        }
    }
}

/// Command lines (`deploy::args`): splitting never panics, each word's span lies in the
/// text, a verbatim word is its span's text, and what reaches Spring names words that exist.
pub fn command_line(text: &str) {
    use camguard::deploy::args::{parse, split};
    use camguard::model::settings::Product;
    let Some(words) = split(text) else {
        return;
    };
    for w in &words {
        assert_span(text, w.span, "word");
        if w.verbatim {
            assert_eq!(&text[w.span.start..w.span.end], w.text, "verbatim word");
        }
    }
    let n = words.len();
    let (ep, cmd) = words.split_at(n.min(1));
    for entrypoint in [None, Some(ep)] {
        let p = parse(
            Some("camunda/camunda:8.8.0"),
            &[Product::Camunda8],
            entrypoint,
            if entrypoint.is_some() { cmd } else { &words },
        );
        for (i, k, _) in p.args.iter().chain(&p.system) {
            assert!(*i < n && !k.is_empty(), "word {i} of {n}");
        }
    }
}

/// Mounted config files, `extends` and `include` (`analyze::mounts`, `deploy::mounts`,
/// `deploy::compose_merge`): a compose file whose mounts, extends and includes are arbitrary
/// (cycles through a second file included) resolves, without panicking or looping, only to
/// files of the scan, and a lexically normalised path is normal already and never climbs
/// after a name.
pub fn mounts(text: &str) {
    let compose = analyze(
        SourceFile::new("stack/docker-compose.yml", text.to_string()),
        FileKind::Compose,
        &Context::default(),
    );
    let common = analyze(
        SourceFile::new(
            "stack/common.yml",
            "services:\n  base:\n    image: camunda/camunda:8.8.0\n    extends: {service: base, file: docker-compose.yml}\n".to_string(),
        ),
        FileKind::Compose,
        &Context::default(),
    );
    let files: Vec<_> = [
        ("stack/config/application.yaml", FileKind::SpringYaml),
        ("stack/application.yaml", FileKind::SpringYaml),
        ("config/application.yaml", FileKind::SpringYaml),
        ("stack/es/elasticsearch.yml", FileKind::Elasticsearch),
        ("stack/opt/environment-config.yaml", FileKind::Optimize),
    ]
    .into_iter()
    .map(|(p, k)| {
        analyze(
            SourceFile::new(p, "camunda:\n  x: 1\n".to_string()),
            k,
            &Context::default(),
        )
    })
    .collect();
    let mut refs: Vec<_> = vec![&compose, &common];
    refs.extend(files.iter());
    let (layers, _notes) = camguard::deploy::mounts::compose_layers(&refs);
    // What the scan's first stage learns from the compose files names every mounted file
    // (a file it does not name would be judged before the service that mounts it).
    let named = camguard::deploy::references::References::of(&refs);
    for (path, what) in &layers {
        if path == &compose.file.path {
            // An inline config of the compose file itself (`configs.<name>.content`).
            assert!(what.starts_with("inline config `"), "{what}");
            continue;
        }
        assert!(
            files.iter().any(|f| &f.file.path == path),
            "resolved to {path:?}, which is no file of the scan"
        );
        assert!(named.mounted(path), "{path:?} is mounted but not named");
    }
    for c in &compose.components {
        for m in c.wiring.iter().flat_map(|w| w.mounts.iter()) {
            assert_span(text, m.span, "mount");
            if let camguard::model::wiring::MountSource::Host(h) = &m.source {
                let n = camguard::deploy::mounts::normal(&Path::new("stack").join(h));
                assert_eq!(camguard::deploy::mounts::normal(&n), n, "not idempotent");
                let parts: Vec<_> = n.components().collect();
                for w in parts.windows(2) {
                    assert!(
                        !(matches!(w[0], std::path::Component::Normal(_))
                            && matches!(w[1], std::path::Component::ParentDir)),
                        "{n:?} climbs after a name"
                    );
                }
            }
        }
    }
}

/// `spring.config.import` (`deploy::imports`, `deploy::spring`): an `application.yaml`
/// with arbitrary content among files that import each other in a cycle resolves, without
/// panicking or looping, only to files of the scan, each at most once per application;
/// every location of the split value is a trimmed, non-empty piece of it.
pub fn spring_imports(text: &str) {
    use camguard::deploy::imports::{LocationKind, application_layers, candidates, split};
    for loc in split(text) {
        assert!(!loc.text.is_empty() && loc.text.trim() == loc.text && !loc.text.contains(','));
        assert!(
            text.contains(loc.text),
            "{:?} is no piece of the value",
            loc.text
        );
        if let LocationKind::Relative(rel) = loc.kind {
            assert!(!rel.starts_with('/'), "{rel:?} is fixed");
            for c in candidates(Path::new("app/application.yaml"), rel) {
                assert_eq!(camguard::deploy::mounts::normal(&c), c, "not normalised");
            }
        }
    }
    let app = analyze(
        SourceFile::new("app/application.yaml", text.to_string()),
        FileKind::SpringYaml,
        &Context::default(),
    );
    let files: Vec<_> = [
        (
            "app/conf/application.yaml",
            "spring.config.import: ../application.yaml, ./, ../extra.yaml\ncamunda:\n  x: 1\n",
        ),
        (
            "app/extra.yaml",
            "spring:\n  config:\n    import: [extra.yaml, conf/]\ncamunda:\n  y: 2\n",
        ),
        ("other/application.yaml", "camunda:\n  z: 3\n"),
    ]
    .into_iter()
    .map(|(p, t)| {
        analyze(
            SourceFile::new(p, t.to_string()),
            FileKind::SpringYaml,
            &Context::default(),
        )
    })
    .collect();
    let mut refs: Vec<_> = vec![&app];
    refs.extend(files.iter());
    // The scan's first stage reads a file only if its text may declare an import.
    assert!(
        !camguard::deploy::declares_import(&app)
            || camguard::deploy::references::may_declare_import(text.as_bytes()),
        "an import the first stage would miss"
    );
    // ... and what it learns names every imported file.
    let importers: Vec<_> = refs
        .iter()
        .copied()
        .filter(|a| camguard::deploy::declares_import(a))
        .collect();
    let named = camguard::deploy::references::References::of(&importers);
    for (layers, _notes) in application_layers(&refs) {
        for (path, _) in layers.iter().skip(1) {
            assert!(named.imported(path), "{path:?} is imported but not named");
        }
        for (n, (path, what)) in layers.iter().enumerate() {
            assert!(
                refs.iter().any(|f| &f.file.path == path),
                "resolved to {path:?}, which is no file of the scan"
            );
            // Each document of each file is read once (an import is imported once).
            assert!(
                !layers[..n].iter().any(|(_, w)| w == what),
                "read twice: {what}"
            );
        }
    }
}
