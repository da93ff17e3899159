//! Setting values: text as written, null-ness, lists, placeholders and typed readings.

use super::settings::SharedStr;
use crate::source::Span;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `~`, `null` or nothing.
    Null,
    /// A scalar; `quoted` when the user quoted it (still read as a boolean by Spring).
    /// The text is shared ([`SharedStr`]): deployments copy values into their merges.
    Text { text: SharedStr, quoted: bool },
    /// A list of scalars, each with its own span.
    List(Vec<(String, Span)>),
}

/// Which placeholder dialect applies to a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placeholders {
    /// Spring / Optimize: `${NAME}` and `${NAME:default}`.
    Spring,
    /// Compose and .env: `${NAME}`, `$NAME`, `${NAME:-default}`, `${NAME-default}`.
    Compose,
    /// No interpolation (Elasticsearch reads `${VAR}` itself, from its own environment).
    None,
}

/// The value a check looks at after placeholders.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Effective {
    /// Nothing can be said: the value comes from elsewhere (`${VAR}` without default).
    Indirect,
    Null,
    Text {
        text: String,
        /// Some part came from a placeholder's default.
        from_default: bool,
    },
    List(Vec<(String, Span)>),
}

impl Value {
    pub(crate) fn text(s: impl Into<SharedStr>) -> Self {
        Value::Text {
            text: s.into(),
            quoted: false,
        }
    }

    /// The value as written, for messages (lists joined with `, `).
    pub fn display(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Text { text, .. } => text.as_str().to_owned(),
            Value::List(items) => items
                .iter()
                .map(|(t, _)| t.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    pub(crate) fn has_placeholder(&self) -> bool {
        match self {
            Value::Text { text, .. } => text.contains("${"),
            _ => false,
        }
    }

    pub(crate) fn effective(&self, syntax: Placeholders) -> Effective {
        match self {
            Value::Null => Effective::Null,
            Value::List(items) => Effective::List(items.clone()),
            Value::Text { text, .. } => match resolve(text, syntax) {
                None => Effective::Indirect,
                // A stand-in for a value given elsewhere is not the value.
                Some((text, _)) if is_placeholder_text(&text) => Effective::Indirect,
                Some((text, from_default)) => Effective::Text { text, from_default },
            },
        }
    }
}

/// Text that stands for a value given somewhere else, in any dialect: a whole `$NAME`,
/// `${...}` or `$(NAME)` (shell, compose, Kubernetes, Helm), a `{{ ... }}` template (Helm
/// `tpl`, Connectors secrets), a `<...>` placeholder of documentation, or `XXX` / `***`.
/// Checks never read such a value as the setting's value.
pub(crate) fn is_placeholder_text(text: &str) -> bool {
    let t = text.trim();
    let var = |rest: &str| {
        let mut cs = rest.chars();
        cs.next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if let Some(rest) = t.strip_prefix('$') {
        return var(rest)
            || (rest.starts_with('{') && rest.ends_with('}') && rest.len() > 2)
            || (rest.starts_with('(') && rest.ends_with(')') && var(&rest[1..rest.len() - 1]));
    }
    (t.starts_with("{{") && t.ends_with("}}"))
        || (t.len() > 2 && t.starts_with('<') && t.ends_with('>') && !t.contains('\n'))
        || (t.len() >= 3 && t.chars().all(|c| c == 'x' || c == 'X' || c == '*'))
}

/// Replace each placeholder by its default. `None` when one has no default.
fn resolve(text: &str, syntax: Placeholders) -> Option<(String, bool)> {
    if syntax == Placeholders::None || !text.contains('$') {
        return Some((text.to_string(), false));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut from_default = false;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if syntax == Placeholders::Compose && after.starts_with('$') {
            // `$$` is a literal dollar in compose.
            out.push('$');
            rest = &after[1..];
            continue;
        }
        if let Some(body_start) = after.strip_prefix('{') {
            let end = matching_brace(body_start)?;
            let body = &body_start[..end];
            let default = split_default(body, syntax)?;
            let (resolved, _) = resolve(default, syntax)?;
            out.push_str(&resolved);
            from_default = true;
            rest = &body_start[end + 1..];
        } else if syntax == Placeholders::Compose
            && after
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        {
            return None; // `$NAME` comes from the environment.
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Some((out, from_default))
}

fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The default part of a placeholder body, or `None` when it has none.
fn split_default(body: &str, syntax: Placeholders) -> Option<&str> {
    match syntax {
        Placeholders::Spring => body.find(':').map(|i| &body[i + 1..]),
        Placeholders::Compose => {
            let name_end = body
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(body.len());
            let op = &body[name_end..];
            if let Some(d) = op.strip_prefix(":-") {
                Some(d)
            } else {
                op.strip_prefix('-')
            }
        }
        Placeholders::None => None,
    }
}

/// Read a boolean as the product would. Lenient = Spring (`true/on/yes/1`, any case).
/// Is this text a null (the YAML forms, which Spring reads too)?
pub(crate) fn is_null_text(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

pub(crate) fn parse_bool(s: &str, lenient: bool) -> Option<bool> {
    let t = s.trim();
    if lenient {
        match t.to_ascii_lowercase().as_str() {
            "true" | "on" | "yes" | "1" => Some(true),
            "false" | "off" | "no" | "0" => Some(false),
            _ => None,
        }
    } else {
        match t {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }
}

pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim().replace('_', "");
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eff(s: &str, syn: Placeholders) -> Effective {
        Value::text(s).effective(syn)
    }

    #[test]
    fn stand_ins_are_not_values() {
        for p in [
            "$ES_PASSWORD",
            "${OPS_PASSWORD}",
            "$(SECRET)",
            "{{ .Values.x }}",
            "{{secrets.TOKEN}}",
            "<client-secret>",
            "<Client secret from Step 3>",
            "XXX",
            "xxx",
            "******",
            " $VAR ",
        ] {
            assert!(is_placeholder_text(p), "{p}");
        }
        for v in [
            "$ecretP@ss",
            "$2a$10$abcdefghijklmnopqrstuv",
            "p$ssword",
            "x",
            "xx",
            "changeit",
            "<",
            "<>",
            "demo",
            "xxxy",
            "{{not closed",
        ] {
            assert!(!is_placeholder_text(v), "{v}");
        }
        let v = Value::text("<your-smtp-password>");
        assert_eq!(v.effective(Placeholders::None), Effective::Indirect);
        assert_eq!(
            Value::text("changeit").effective(Placeholders::None),
            Effective::Text {
                text: "changeit".into(),
                from_default: false
            }
        );
    }

    #[test]
    fn spring_placeholders() {
        assert_eq!(
            eff("${ADMIN_PASSWORD}", Placeholders::Spring),
            Effective::Indirect
        );
        assert_eq!(
            eff("${ADMIN_PASSWORD:demo}", Placeholders::Spring),
            Effective::Text {
                text: "demo".into(),
                from_default: true
            }
        );
        assert_eq!(
            eff("http://${HOST:localhost}:8080", Placeholders::Spring),
            Effective::Text {
                text: "http://localhost:8080".into(),
                from_default: true
            }
        );
        assert_eq!(eff("${a.b-c}", Placeholders::Spring), Effective::Indirect);
    }

    #[test]
    fn compose_placeholders() {
        assert_eq!(eff("${X}", Placeholders::Compose), Effective::Indirect);
        assert_eq!(eff("$X", Placeholders::Compose), Effective::Indirect);
        assert_eq!(
            eff("${X:-none}", Placeholders::Compose),
            Effective::Text {
                text: "none".into(),
                from_default: true
            }
        );
        assert_eq!(
            eff("a$$b", Placeholders::Compose),
            Effective::Text {
                text: "a$b".into(),
                from_default: false
            }
        );
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("TRUE", true), Some(true));
        assert_eq!(parse_bool("off", true), Some(false));
        assert_eq!(parse_bool("off", false), None);
        assert_eq!(parse_bool("false", false), Some(false));
    }
}
