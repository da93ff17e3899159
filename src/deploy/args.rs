//! Command lines of containers: which words reach a Spring Boot `main` as command-line
//! properties (`--key=value`, the highest property source, docs/deployments.md §1.1, §1.7)
//! and which are `-D` system properties of a `java` command (§2).
//!
//! Conservative by design: arguments count only where a primary source shows that they
//! reach Spring. The images whose entrypoint forwards its arguments ("args forwarded" in
//! §7): `camunda/camunda` (`ENTRYPOINT ["/usr/local/camunda/bin/camunda"]`), and
//! `camunda/operate` and `camunda/tasklist` (`bin/operate`, `bin/tasklist`, appassembler
//! scripts ending in `"$@"`, [CAM-BIN]). `camunda/zeebe` (8.6/8.7 `startup.sh`), Connectors
//! (`start.sh`), Optimize and Camunda Run drop or refuse them; `camunda/identity` is
//! unconfirmed: none of these take command-line properties. An entrypoint replaced by a
//! `java` command reads the words after the main class or `-jar` file as program
//! arguments and the `-D` words before it as system properties; one replaced by the
//! distribution's own launcher (`bin/camunda`, `bin/broker`, `bin/gateway`, `bin/operate`,
//! `bin/tasklist`) forwards them; any other entrypoint (`sh -c …`, a custom script) is not
//! read, and a note says so.

use crate::model::settings::Product;
use crate::model::wiring::Command;
use crate::source::Span;

/// Longer command strings are not split (a note says so).
pub const MAX_LEN: usize = 64 * 1024;

/// One word of a command line, with the byte range it was written in (relative to the
/// string for a shell string, the scalar's span for a list item).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: Span,
    /// The word's text is the source text at `span` (no quotes or escapes inside it), so
    /// offsets within the word are offsets within the source.
    pub verbatim: bool,
}

/// Split a command string as Compose does (shell-like words: blanks separate, `'…'` is
/// literal, `"…"` keeps blanks and takes `\` escapes of `"`, `\`, `$`, backquote; `\`
/// escapes outside quotes). `None` when a quote is not closed (Compose rejects it).
pub fn split(text: &str) -> Option<Vec<Word>> {
    if text.len() > MAX_LEN {
        return None;
    }
    let mut words = Vec::new();
    let mut cur: Option<(String, usize, bool)> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if let Some((t, start, verbatim)) = cur.take() {
                    words.push(Word {
                        text: t,
                        span: Span::new(start, i),
                        verbatim,
                    });
                }
            }
            '\'' => {
                let w = cur.get_or_insert_with(|| (String::new(), i, true));
                w.2 = false;
                loop {
                    match chars.next() {
                        Some((_, '\'')) => break,
                        Some((_, ch)) => w.0.push(ch),
                        None => return None,
                    }
                }
            }
            '"' => {
                let w = cur.get_or_insert_with(|| (String::new(), i, true));
                w.2 = false;
                loop {
                    match chars.next() {
                        Some((_, '"')) => break,
                        Some((_, '\\')) => match chars.peek() {
                            Some(&(_, e @ ('"' | '\\' | '$' | '`'))) => {
                                w.0.push(e);
                                chars.next();
                            }
                            _ => w.0.push('\\'),
                        },
                        Some((_, ch)) => w.0.push(ch),
                        None => return None,
                    }
                }
            }
            '\\' => {
                let w = cur.get_or_insert_with(|| (String::new(), i, true));
                w.2 = false;
                if let Some((_, e)) = chars.next() {
                    w.0.push(e);
                }
            }
            c => {
                cur.get_or_insert_with(|| (String::new(), i, true))
                    .0
                    .push(c);
            }
        }
    }
    if let Some((t, start, verbatim)) = cur.take() {
        words.push(Word {
            text: t,
            span: Span::new(start, text.len()),
            verbatim,
        });
    }
    Some(words)
}

/// The words of a command as written, spans in the file. `None`: a shell string that
/// cannot be split.
pub(crate) fn words(c: &Command, src: &str) -> Option<Vec<Word>> {
    match c {
        Command::List(items) => Some(
            items
                .iter()
                .map(|(t, s)| {
                    let raw = src.get(s.range()).unwrap_or("");
                    let (span, verbatim) = if raw == t {
                        (*s, true)
                    } else if raw.len() == t.len() + 2 && raw.get(1..raw.len() - 1) == Some(t) {
                        (Span::new(s.start + 1, s.end - 1), true)
                    } else {
                        (*s, false)
                    };
                    Word {
                        text: t.clone(),
                        span,
                        verbatim,
                    }
                })
                .collect(),
        ),
        Command::Shell(text, span) => {
            let raw = src.get(span.range()).unwrap_or("");
            // Offsets map into the file when the scalar is written verbatim (plain or quoted
            // without escapes).
            let offset = if raw == text {
                Some(span.start)
            } else if raw.len() == text.len() + 2 && raw.get(1..raw.len() - 1) == Some(text) {
                Some(span.start + 1)
            } else {
                None
            };
            let words = split(text)?;
            Some(
                words
                    .into_iter()
                    .map(|w| match offset {
                        Some(o) => Word {
                            span: Span::new(o + w.span.start, o + w.span.end),
                            ..w
                        },
                        None => Word {
                            span: *span,
                            verbatim: false,
                            ..w
                        },
                    })
                    .collect(),
            )
        }
    }
}

/// The repository of an image (`camunda/camunda` of `docker.io/camunda/camunda:8.8.0`).
fn repository(image: &str) -> (String, String) {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    let repo_end = no_digest[last_slash..]
        .find(':')
        .map_or(no_digest.len(), |i| last_slash + i);
    let repo = no_digest[..repo_end].to_ascii_lowercase();
    let mut parts = repo.rsplit('/');
    let name = parts.next().unwrap_or("").to_string();
    let owner = parts.next().unwrap_or("").to_string();
    (owner, name)
}

/// Does the image's own entrypoint pass its arguments on to Spring (§7)?
pub(crate) fn image_forwards(image: &str) -> bool {
    matches!(
        repository(image),
        (o, n) if o == "camunda" && matches!(n.as_str(), "camunda" | "operate" | "tasklist")
    )
}

/// Is the image a Camunda Spring Boot component (a `java` command in it starts Spring)?
fn spring_image(image: &str, products: &[Product]) -> bool {
    let (owner, _) = repository(image);
    owner == "camunda"
        && !products.contains(&Product::Optimize)
        && products
            .iter()
            .any(|p| matches!(p, Product::Camunda8 | Product::Camunda7))
}

/// The Camunda 8 distribution launchers that end in `"$@"` ([CAM-BIN]).
fn launcher(word: &str) -> bool {
    let (dir, name) = word.rsplit_once('/').unwrap_or(("", word));
    (dir.ends_with("bin") || dir.is_empty() && word.starts_with("bin/"))
        && matches!(
            name,
            "camunda" | "broker" | "gateway" | "operate" | "tasklist"
        )
}

/// What a command line gives Spring.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// `--key=value` program arguments (index of the word, key, value).
    pub args: Vec<(usize, String, String)>,
    /// `-Dkey=value` JVM options of a `java` command (index of the word, key, value).
    pub system: Vec<(usize, String, String)>,
    /// Why the words are not read, when they are not.
    pub note: Option<String>,
}

/// JVM options of `java` that take the next word as their value.
const JAVA_WITH_VALUE: [&str; 8] = [
    "-cp",
    "-classpath",
    "--class-path",
    "-p",
    "--module-path",
    "--add-modules",
    "--add-opens",
    "--add-exports",
];

/// `--key=value` words.
fn program_args(words: &[Word], from: usize, out: &mut Parsed) {
    for (i, w) in words.iter().enumerate().skip(from) {
        if w.text == "--" {
            break;
        }
        if let Some(rest) = w.text.strip_prefix("--")
            && let Some((k, v)) = rest.split_once('=')
            && !k.is_empty()
        {
            out.args.push((i, k.to_string(), v.to_string()));
        }
    }
}

/// A `java` command line: `-D` before the main class or jar, program arguments after.
fn java(words: &[Word], out: &mut Parsed) {
    let mut i = 1;
    while i < words.len() {
        let w = &words[i].text;
        if w == "-jar" || w == "-m" || w == "--module" {
            program_args(words, i + 2, out);
            return;
        }
        if JAVA_WITH_VALUE.contains(&w.as_str()) {
            i += 2;
            continue;
        }
        if let Some(p) = w.strip_prefix("-D") {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            if !k.is_empty() {
                out.system.push((i, k.to_string(), v.to_string()));
            }
        } else if !w.starts_with('-') {
            // The main class.
            program_args(words, i + 1, out);
            return;
        }
        i += 1;
    }
}

/// Which words of an entrypoint + command reach Spring, for a container of `image`
/// (`None`: not known) running `products`. `entrypoint` replaces the image's ENTRYPOINT,
/// `command` its CMD (both already joined: the entrypoint's words first).
pub fn parse(
    image: Option<&str>,
    products: &[Product],
    entrypoint: Option<&[Word]>,
    command: &[Word],
) -> Parsed {
    let mut out = Parsed::default();
    let image_name = image.unwrap_or("");
    let all: Vec<Word> = entrypoint
        .unwrap_or(&[])
        .iter()
        .chain(command)
        .cloned()
        .collect();
    let first = entrypoint.and_then(|e| e.first()).map(|w| w.text.as_str());
    match first {
        Some(f) if f.rsplit('/').next() == Some("java") => {
            if spring_image(image_name, products) {
                java(&all, &mut out);
            } else {
                out.note = Some(format!(
                    "`{f}` is started in an image camguard does not know as a Camunda Spring Boot component: its arguments are not read"
                ));
            }
        }
        Some(f) if launcher(f) => {
            if spring_image(image_name, products) {
                program_args(&all, 1, &mut out);
            }
        }
        Some(f) => {
            if has_options(&all) {
                out.note = Some(format!(
                    "the entrypoint `{f}` is not a Java launcher camguard knows: its `--`/`-D` arguments are not read as Spring properties"
                ));
            }
        }
        None if image.is_some_and(image_forwards) => program_args(command, 0, &mut out),
        None => {
            if has_options(command) && image.is_some_and(|i| spring_image(i, products)) {
                out.note = Some(format!(
                    "the entrypoint of `{image_name}` does not pass its arguments on to Spring Boot (docs/deployments.md §7): its `--key=value` arguments are not a layer"
                ));
            }
        }
    }
    out
}

fn has_options(words: &[Word]) -> bool {
    words
        .iter()
        .any(|w| w.text.starts_with("--") && w.text.contains('='))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        split(s).unwrap().into_iter().map(|w| w.text).collect()
    }

    fn list(words: &[&str]) -> Vec<Word> {
        words
            .iter()
            .map(|w| Word {
                text: (*w).to_string(),
                span: Span::empty(0),
                verbatim: false,
            })
            .collect()
    }

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(texts("a  b\tc"), ["a", "b", "c"]);
        assert_eq!(texts(r#"--a="x y" 'b c' d\ e"#), ["--a=x y", "b c", "d e"]);
        assert_eq!(texts(r#""\"\\\$\n""#), ["\"\\$\\n"]);
        assert_eq!(split("'open"), None);
        assert_eq!(split("\"open"), None);
        let w = split("java  --k=v").unwrap();
        assert_eq!(w[1].span, Span::new(6, 11));
        assert!(w[1].verbatim);
        assert!(!split("'--k=v'").unwrap()[0].verbatim);
    }

    #[test]
    fn only_images_that_forward_take_arguments() {
        let c8 = [Product::Camunda8];
        let cmd = list(&["--a.b=true", "--flag", "x"]);
        let p = parse(Some("camunda/camunda:8.8.0"), &c8, None, &cmd);
        assert_eq!(p.args, [(0, "a.b".to_string(), "true".to_string())]);
        for image in [
            "camunda/zeebe:8.7.0",
            "camunda/connectors-bundle:8.8.0",
            "camunda/identity:8.7.0",
        ] {
            let p = parse(Some(image), &c8, None, &cmd);
            assert!(p.args.is_empty(), "{image}");
            assert!(p.note.is_some(), "{image}");
        }
        assert!(parse(None, &c8, None, &cmd).args.is_empty());
        assert!(parse(Some("example/app"), &[], None, &cmd).args.is_empty());
    }

    #[test]
    fn java_command_lines() {
        let c8 = [Product::Camunda8];
        let ep = list(&[
            "java",
            "-Dx.y=1",
            "-cp",
            "/a",
            "--add-opens",
            "m/p=ALL",
            "io.camunda.Main",
        ]);
        let cmd = list(&["--a=1", "-Dnot=sys"]);
        let p = parse(Some("camunda/zeebe:8.7.0"), &c8, Some(&ep), &cmd);
        assert_eq!(p.system, [(1, "x.y".to_string(), "1".to_string())]);
        assert_eq!(p.args, [(7, "a".to_string(), "1".to_string())]);
        let ep = list(&["/usr/bin/java", "-jar", "app.jar", "--b=2"]);
        let p = parse(Some("camunda/camunda:8.8.0"), &c8, Some(&ep), &[]);
        assert_eq!(p.args, [(3, "b".to_string(), "2".to_string())]);
        // A shell is not read.
        let ep = list(&["sh", "-c", "java -jar app.jar --c=3"]);
        let p = parse(
            Some("camunda/camunda:8.8.0"),
            &c8,
            Some(&ep),
            &list(&["--d=4"]),
        );
        assert!(p.args.is_empty() && p.note.is_some());
        // The distribution's launcher forwards.
        let ep = list(&["/usr/local/camunda/bin/camunda", "--e=5"]);
        let p = parse(Some("camunda/camunda:8.8.0"), &c8, Some(&ep), &[]);
        assert_eq!(p.args, [(1, "e".to_string(), "5".to_string())]);
    }
}
