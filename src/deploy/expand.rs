//! Kubernetes `$(VAR)` expansion in `env[].value`, `command` and `args`
//! (docs/deployments.md §5, [K8S-API]: "Variable references $(VAR_NAME) are expanded using
//! the previously defined environment variables in the container ... If a variable cannot
//! be resolved, the reference in the input string will be unchanged. Double $$ are reduced
//! to a single $"). The algorithm is kubelet's (`third_party/forked/golang/expansion`):
//! `$$` gives `$`, `$(NAME)` the variable or, when unknown, `$(NAME)` unchanged, an
//! unclosed `$(` and a `$` before any other character stay as written, a final `$` too.

/// What expanding one value found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expanded {
    pub text: String,
    /// The names referenced, in order, with whether each was defined.
    pub refs: Vec<(String, bool)>,
}

/// Expand `$(NAME)` references in `input`; `lookup` gives a defined variable's value.
pub fn expand<'a>(input: &str, lookup: &dyn Fn(&str) -> Option<&'a str>) -> Expanded {
    let mut out = Expanded {
        text: String::with_capacity(input.len()),
        refs: Vec::new(),
    };
    let mut rest = input;
    while let Some(i) = rest.find('$') {
        let after = &rest[i + 1..];
        if after.is_empty() {
            // A final `$` is copied as it is.
            break;
        }
        out.text.push_str(&rest[..i]);
        if let Some(r) = after.strip_prefix('$') {
            out.text.push('$');
            rest = r;
        } else if let Some(body) = after.strip_prefix('(') {
            match body.find(')') {
                Some(end) => {
                    let name = &body[..end];
                    match lookup(name) {
                        Some(v) => {
                            out.refs.push((name.to_string(), true));
                            out.text.push_str(v);
                        }
                        None => {
                            out.refs.push((name.to_string(), false));
                            out.text.push_str("$(");
                            out.text.push_str(name);
                            out.text.push(')');
                        }
                    }
                    rest = &body[end + 1..];
                }
                None => {
                    out.text.push_str("$(");
                    rest = body;
                }
            }
        } else {
            // `$` and the next character are copied; scanning resumes after them.
            let c = after.chars().next().map_or(0, char::len_utf8);
            out.text.push('$');
            out.text.push_str(&after[..c]);
            rest = &after[c..];
        }
    }
    out.text.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ex(s: &str) -> String {
        let vars = [("A", "x"), ("EMPTY", "")];
        expand(s, &|n| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| *v)).text
    }

    #[test]
    fn kubelet_semantics() {
        // The cases of kubelet's expansion tests that matter for configuration values.
        assert_eq!(ex("$(A)"), "x");
        assert_eq!(ex("pre-$(A)-post"), "pre-x-post");
        assert_eq!(ex("$(B)"), "$(B)");
        assert_eq!(ex("$$(A)"), "$(A)");
        assert_eq!(ex("$$$(A)"), "$x");
        assert_eq!(ex("$(EMPTY)"), "");
        assert_eq!(ex("$(A"), "$(A");
        assert_eq!(ex("$A"), "$A");
        assert_eq!(ex("a$"), "a$");
        assert_eq!(ex("$é$(A)"), "$éx");
        assert_eq!(ex("$()"), "$()");
    }

    #[test]
    fn refs_record_what_was_defined() {
        let e = expand("$(A)$(B)", &|n| (n == "A").then_some("1"));
        assert_eq!(e.refs, vec![("A".into(), true), ("B".into(), false)]);
    }

    proptest! {
        #[test]
        fn text_without_dollar_is_unchanged(s in "[^$]{0,64}") {
            prop_assert_eq!(ex(&s), s);
        }

        #[test]
        fn unknown_references_stay_literal(name in "[B-Z_]{1,8}") {
            let t = format!("$({name})");
            prop_assert_eq!(ex(&t), t);
        }

        #[test]
        fn never_longer_than_input_without_definitions(s in "[$()a-zé]{0,64}") {
            let e = expand(&s, &|_| None);
            prop_assert!(e.text.len() <= s.len());
        }
    }
}
