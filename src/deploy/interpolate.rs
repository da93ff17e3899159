//! Docker Compose interpolation of `${VAR}` in values (docs/deployments.md §4.2, [CS-INT],
//! [DD-INT], [CGO] `template/template.go`).
//!
//! `$$` is a literal `$`; `$NAME` and `${NAME}` are the variable; `${NAME:-d}` / `${NAME-d}`
//! give `d` when the variable is unset or empty / unset; `${NAME:?e}` / `${NAME?e}` are errors
//! when it is unset or empty / unset; `${NAME:+r}` / `${NAME+r}` give `r` when it is set and
//! not empty / set. Defaults, messages and replacements are themselves interpolated. Of the
//! operators in a braced body the one that occurs first applies (compose-go sorts them by
//! position). Anything else after `$` makes Compose reject the file.

/// What interpolating one value found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Interpolated {
    /// The value after substitution (unset variables without a default give nothing).
    pub text: String,
    /// Every variable looked up, in order, with whether it was found.
    pub refs: Vec<Ref>,
    /// Variables that were needed but not found: Compose substitutes an empty string with a
    /// warning, but the shell of whoever runs `docker compose` may set them.
    pub unset: Vec<String>,
    /// A default (`:-`, `-`) or replacement (`:+`, `+`) was used.
    pub used_default: bool,
    /// Compose refuses the value: a required variable is missing (`:?`, `?`), or the syntax
    /// is invalid. The text says why.
    pub error: Option<String>,
}

/// A variable looked up while interpolating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    pub name: String,
    pub found: bool,
}

/// Nesting deeper than this is refused (hostile input).
const MAX_DEPTH: usize = 16;

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Interpolate `text`; `lookup` gives a variable's value (`None`: unset).
pub fn interpolate<'a>(text: &str, lookup: &dyn Fn(&str) -> Option<&'a str>) -> Interpolated {
    let mut out = Interpolated::default();
    out.text = run(text, lookup, &mut out, 0);
    out
}

/// The byte index of the `}` that closes a `${` whose body starts at `s[0]`.
fn closing_brace(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 1usize;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'}' {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        } else if b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
            depth += 1;
            i += 1;
        }
        i += 1;
    }
    None
}

fn fail(out: &mut Interpolated, why: String) {
    if out.error.is_none() {
        out.error = Some(why);
    }
}

fn run<'a>(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<&'a str>,
    out: &mut Interpolated,
    depth: usize,
) -> String {
    if depth > MAX_DEPTH {
        fail(out, "interpolation nested too deeply".into());
        return String::new();
    }
    let mut buf = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        buf.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix('$') {
            buf.push('$');
            rest = r;
        } else if let Some(body_start) = after.strip_prefix('{') {
            let Some(end) = closing_brace(body_start) else {
                let unclosed = &rest[i..];
                fail(out, format!("`{unclosed}` has no closing `}}`"));
                buf.push_str(unclosed);
                return buf;
            };
            let body = &body_start[..end];
            buf.push_str(&braced(body, lookup, out, depth));
            rest = &body_start[end + 1..];
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let name = &after[..len];
            if !is_name(name) {
                fail(
                    out,
                    "a `$` that starts no variable (write `$$` for a literal `$`)".into(),
                );
                buf.push('$');
                rest = after;
                continue;
            }
            buf.push_str(variable(name, lookup, out).unwrap_or_else(|| {
                out.unset.push(name.to_string());
                ""
            }));
            rest = &after[len..];
        }
    }
    buf.push_str(rest);
    buf
}

fn variable<'a>(
    name: &str,
    lookup: &dyn Fn(&str) -> Option<&'a str>,
    out: &mut Interpolated,
) -> Option<&'a str> {
    let v = lookup(name);
    out.refs.push(Ref {
        name: name.to_string(),
        found: v.is_some(),
    });
    v
}

const OPERATORS: [&str; 6] = [":?", "?", ":-", "-", ":+", "+"];

/// The body of `${...}`.
fn braced<'a>(
    body: &str,
    lookup: &dyn Fn(&str) -> Option<&'a str>,
    out: &mut Interpolated,
    depth: usize,
) -> String {
    // The operator that occurs first; at the same position the two-character one.
    let op = OPERATORS
        .iter()
        .filter_map(|op| body.find(op).map(|i| (i, *op)))
        .min_by_key(|(i, op)| (*i, std::cmp::Reverse(op.len())));
    let (name, op, arg) = match op {
        Some((i, op)) => (&body[..i], Some(op), &body[i + op.len()..]),
        None => (body, None, ""),
    };
    if !is_name(name) {
        fail(out, format!("`${{{body}}}` is not a valid interpolation"));
        return String::new();
    }
    let value = variable(name, lookup, out);
    let set = value.is_some();
    let non_empty = value.is_some_and(|v| !v.is_empty());
    match op {
        None => value.map(str::to_string).unwrap_or_else(|| {
            out.unset.push(name.to_string());
            String::new()
        }),
        Some(":-") | Some("-") => {
            let use_value = if op == Some(":-") { non_empty } else { set };
            if use_value {
                value.unwrap_or_default().to_string()
            } else {
                out.used_default = true;
                run(arg, lookup, out, depth + 1)
            }
        }
        Some(":+") | Some("+") => {
            let replace = if op == Some(":+") { non_empty } else { set };
            if replace {
                out.used_default = true;
                run(arg, lookup, out, depth + 1)
            } else {
                String::new()
            }
        }
        Some(op) => {
            let ok = if op == ":?" { non_empty } else { set };
            if ok {
                value.unwrap_or_default().to_string()
            } else {
                let msg = run(arg, lookup, out, depth + 1);
                let why = if msg.is_empty() {
                    format!("`{name}` is required")
                } else {
                    format!("`{name}` is required: {msg}")
                };
                out.unset.push(name.to_string());
                fail(out, why);
                String::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn env(text: &str) -> Interpolated {
        let vars = [("SET", "v"), ("EMPTY", ""), ("T", "true")];
        interpolate(text, &|n| {
            vars.iter().find(|(k, _)| *k == n).map(|(_, v)| *v)
        })
    }

    #[test]
    fn each_form_as_the_compose_specification_states() {
        // docs/deployments.md §4.2
        assert_eq!(env("${SET}").text, "v");
        assert_eq!(env("$SET/x").text, "v/x");
        assert_eq!(env("${UNSET}").text, "");
        assert_eq!(env("${UNSET}").unset, ["UNSET"]);
        assert_eq!(env("${EMPTY:-d}").text, "d");
        assert_eq!(env("${EMPTY-d}").text, "");
        assert_eq!(env("${UNSET-d}").text, "d");
        assert!(env("${UNSET-d}").used_default);
        assert!(env("${EMPTY:?boom}").error.is_some());
        assert!(env("${EMPTY?boom}").error.is_none());
        assert!(env("${UNSET?boom}").error.unwrap().contains("boom"));
        assert_eq!(env("${SET:+r}").text, "r");
        assert_eq!(env("${EMPTY:+r}").text, "");
        assert_eq!(env("${EMPTY+r}").text, "r");
        assert_eq!(env("${UNSET+r}").text, "");
        assert_eq!(env("a$$b").text, "a$b");
        assert_eq!(env("$${SET}").text, "${SET}");
        assert_eq!(env("${UNSET:-${T}}").text, "true");
        assert_eq!(env("${UNSET:-${ALSO:-x}}").text, "x");
        assert_eq!(env("http://${SET}:9200").text, "http://v:9200");
    }

    #[test]
    fn the_first_operator_applies() {
        assert_eq!(env("${UNSET:-a-b}").text, "a-b");
        assert_eq!(env("${UNSET-a:-b}").text, "a:-b");
    }

    #[test]
    fn invalid_forms_are_errors() {
        for t in ["${}", "${1A}", "${A/b/c}", "$1", "pa$", "${A"] {
            assert!(env(t).error.is_some(), "{t}");
        }
    }

    #[test]
    fn an_unclosed_brace_keeps_the_text_once() {
        // Found by the `interpolate` fuzz target: the text before the `${` was copied twice.
        let i = env("a/c}${");
        assert_eq!(i.text, "a/c}${");
        assert!(i.error.is_some());
    }

    #[test]
    fn refs_record_lookups() {
        let i = env("${SET}${UNSET:-x}");
        assert_eq!(
            i.refs,
            vec![
                Ref {
                    name: "SET".into(),
                    found: true
                },
                Ref {
                    name: "UNSET".into(),
                    found: false
                }
            ]
        );
        assert!(i.unset.is_empty());
    }

    proptest! {
        #[test]
        fn text_without_dollar_is_unchanged(s in "[^$]{0,64}") {
            prop_assert_eq!(env(&s).text, s);
        }

        #[test]
        fn escaped_dollars_are_literal(s in "[a-z ]{0,16}") {
            let t = format!("$${s}$$");
            prop_assert_eq!(env(&t).text, format!("${s}$"));
        }

        #[test]
        fn any_input_terminates_without_panic(s in "[${}:?+\\-a-zA-Z_0-9]{0,80}") {
            let i = env(&s);
            prop_assert!(i.text.len() <= s.len() * 4 + 16);
        }
    }
}
