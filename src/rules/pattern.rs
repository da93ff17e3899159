//! Key patterns of rules: exact keys and `*`, `[*]`, `**` wildcards, compared the way
//! the product compares keys (relaxed or literal).

use regex::Regex;

use crate::settings::KeyStyle;
use crate::settings::keys::match_key;

#[derive(Clone, Debug)]
enum Token {
    Lit(String),
    /// `[*]`: a list index.
    Index,
    /// `*`: one map key.
    One,
    /// `**`: any number of segments.
    Any,
}

#[derive(Clone, Debug)]
enum Matcher {
    Exact(String),
    Regex(Regex),
}

#[derive(Clone, Debug)]
pub struct KeyPattern {
    /// As written in the rule.
    pub raw: String,
    tokens: Vec<Token>,
    relaxed: Matcher,
    literal: Matcher,
}

fn tokenize(raw: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut lit = String::new();
    let mut rest = raw;
    while !rest.is_empty() {
        let (tok, len) = if rest.starts_with("[*]") {
            (Some(Token::Index), 3)
        } else if rest.starts_with("**") {
            (Some(Token::Any), 2)
        } else if rest.starts_with('*') {
            (Some(Token::One), 1)
        } else {
            (None, rest.chars().next().map_or(1, char::len_utf8))
        };
        match tok {
            Some(t) => {
                if !lit.is_empty() {
                    tokens.push(Token::Lit(std::mem::take(&mut lit)));
                }
                tokens.push(t);
            }
            None => lit.push_str(&rest[..len]),
        }
        rest = &rest[len..];
    }
    if !lit.is_empty() {
        tokens.push(Token::Lit(lit));
    }
    tokens
}

fn build(tokens: &[Token], style: KeyStyle) -> Result<Matcher, regex::Error> {
    if let [Token::Lit(l)] = tokens {
        return Ok(Matcher::Exact(match_key(l, style)));
    }
    let mut re = String::from("^");
    for (i, t) in tokens.iter().enumerate() {
        match (t, style) {
            (Token::Lit(l), KeyStyle::Relaxed) => re.push_str(&regex::escape(&match_key(l, style))),
            (Token::Lit(l), KeyStyle::Literal) => {
                // `**.password` must also match a top-level `password`.
                let l = if matches!(tokens.get(i.wrapping_sub(1)), Some(Token::Any)) && i > 0 {
                    l.strip_prefix('.').unwrap_or(l)
                } else {
                    l
                };
                re.push_str(&regex::escape(l))
            }
            (Token::Index, _) => re.push_str(r"\[(\d+)\]"),
            (Token::One, KeyStyle::Relaxed) => re.push_str(r"([^\[\]]+?)"),
            (Token::One, KeyStyle::Literal) => re.push_str(r"([^.\[\]]+)"),
            (Token::Any, KeyStyle::Relaxed) => re.push_str("(.*)"),
            (Token::Any, KeyStyle::Literal) => {
                let next_is_dot =
                    matches!(tokens.get(i + 1), Some(Token::Lit(l)) if l.starts_with('.'));
                if next_is_dot {
                    re.push_str(r"(?:(.*)\.)?");
                } else {
                    re.push_str("(.*)");
                }
            }
        }
    }
    re.push('$');
    Regex::new(&re).map(Matcher::Regex)
}

impl KeyPattern {
    pub fn new(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("a key must not be empty".into());
        }
        let tokens = tokenize(raw);
        let relaxed = build(&tokens, KeyStyle::Relaxed).map_err(|e| e.to_string())?;
        let literal = build(&tokens, KeyStyle::Literal).map_err(|e| e.to_string())?;
        Ok(KeyPattern {
            raw: raw.to_string(),
            tokens,
            relaxed,
            literal,
        })
    }

    pub fn has_wildcards(&self) -> bool {
        self.tokens.iter().any(|t| !matches!(t, Token::Lit(_)))
    }

    pub fn has_any(&self) -> bool {
        self.tokens.iter().any(|t| matches!(t, Token::Any))
    }

    /// The exact match key, when the pattern has no wildcard.
    pub fn exact(&self, style: KeyStyle) -> Option<&str> {
        match self.matcher(style) {
            Matcher::Exact(k) => Some(k),
            Matcher::Regex(_) => None,
        }
    }

    fn matcher(&self, style: KeyStyle) -> &Matcher {
        match style {
            KeyStyle::Relaxed => &self.relaxed,
            KeyStyle::Literal => &self.literal,
        }
    }

    /// Match a setting's match key; returns what the wildcards matched.
    pub fn captures(&self, match_key: &str, style: KeyStyle) -> Option<Vec<String>> {
        match self.matcher(style) {
            Matcher::Exact(k) => (k == match_key).then(Vec::new),
            Matcher::Regex(re) => {
                let caps = re.captures(match_key)?;
                Some(
                    caps.iter()
                        .skip(1)
                        .map(|m| m.map(|m| m.as_str().to_string()).unwrap_or_default())
                        .collect(),
                )
            }
        }
    }

    /// Fill the wildcards with captures (in order); wildcards left over stay.
    pub fn bind(&self, captures: &[String]) -> KeyPattern {
        let mut raw = String::new();
        let mut caps = captures.iter();
        for t in &self.tokens {
            match t {
                Token::Lit(l) => raw.push_str(l),
                Token::Index => match caps.next() {
                    Some(c) => {
                        raw.push('[');
                        raw.push_str(c);
                        raw.push(']');
                    }
                    None => raw.push_str("[*]"),
                },
                Token::One => raw.push_str(caps.next().map_or("*", String::as_str)),
                Token::Any => raw.push_str(caps.next().map_or("**", String::as_str)),
            }
        }
        // A pattern made only of literals cannot fail to compile.
        KeyPattern::new(&raw).unwrap_or_else(|_| self.clone())
    }

    /// The pattern up to its last wildcard (`engines.*.rest` -> `engines.*`), for
    /// finding the places where a wildcard key could be absent.
    pub fn parent(&self) -> Option<KeyPattern> {
        let last = self
            .tokens
            .iter()
            .rposition(|t| !matches!(t, Token::Lit(_)))?;
        if last + 1 == self.tokens.len() {
            return None;
        }
        let mut raw = String::new();
        for t in &self.tokens[..=last] {
            match t {
                Token::Lit(l) => raw.push_str(l),
                Token::Index => raw.push_str("[*]"),
                Token::One => raw.push('*'),
                Token::Any => raw.push_str("**"),
            }
        }
        KeyPattern::new(&raw).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mk(k: &str, style: KeyStyle) -> String {
        match_key(k, style)
    }

    #[test]
    fn relaxed_exact_and_indexed() {
        let p = KeyPattern::new("camunda.security.initialization.users[*].password").unwrap();
        let k = mk(
            "CAMUNDA.SECURITY.INITIALIZATION.USERS[3].PASSWORD",
            KeyStyle::Relaxed,
        );
        assert_eq!(
            p.captures(&k, KeyStyle::Relaxed),
            Some(vec!["3".to_string()])
        );
        let other = KeyPattern::new("camunda.security.initialization.users[*].username").unwrap();
        let bound = other.bind(&["3".to_string()]);
        assert_eq!(
            bound.raw,
            "camunda.security.initialization.users[3].username"
        );
        assert!(!bound.has_wildcards());
    }

    #[test]
    fn literal_wildcards() {
        let p = KeyPattern::new("engines.*.rest").unwrap();
        assert_eq!(
            p.captures("engines.camunda-bpm.rest", KeyStyle::Literal),
            Some(vec!["camunda-bpm".into()])
        );
        assert_eq!(p.captures("engines.a.b.rest", KeyStyle::Literal), None);
        assert_eq!(p.parent().unwrap().raw, "engines.*");
        let any = KeyPattern::new("**.password").unwrap();
        assert!(
            any.captures("es.security.password", KeyStyle::Literal)
                .is_some()
        );
        assert!(any.captures("password", KeyStyle::Literal).is_some());
        assert!(
            any.captures("es.security.passwordx", KeyStyle::Literal)
                .is_none()
        );
        assert!(
            any.captures(
                &mk("spring.datasource.password", KeyStyle::Relaxed),
                KeyStyle::Relaxed
            )
            .is_some()
        );
    }

    #[test]
    fn literal_is_case_sensitive_relaxed_is_not() {
        let p = KeyPattern::new("security.responseHeaders.HSTS.max-age").unwrap();
        assert!(
            p.captures("security.responseHeaders.HSTS.max-age", KeyStyle::Literal)
                .is_some()
        );
        assert!(
            p.captures("security.responseheaders.hsts.max-age", KeyStyle::Literal)
                .is_none()
        );
        let p = KeyPattern::new("camunda.bpm.run.auth.enabled").unwrap();
        assert_eq!(p.exact(KeyStyle::Relaxed), Some("camundabpmrunauthenabled"));
    }
}
