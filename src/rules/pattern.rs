//! Key patterns of rules: exact keys and `*`, `[*]`, `**` wildcards, compared the way
//! the product compares keys (relaxed or literal).

use crate::model::keys::match_key;
use crate::model::settings::KeyStyle;

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

/// One step of a wildcard pattern, for one key style. Matching is anchored at both ends and
/// backtracks in the order a regex engine would (greedy wildcards try the longest match
/// first, the relaxed `*` the shortest), so captures are those of the equivalent regex
/// (kept in the tests as the oracle). Rules are loaded on every run and a regex compile per
/// pattern cost most of a one-file check's time.
#[derive(Clone, Debug)]
enum Piece {
    Lit(String),
    /// `[digits]`, capturing the digits.
    Index,
    /// Relaxed `*`: the shortest non-empty run without `[` or `]`.
    LazyOne,
    /// Literal `*`: the longest non-empty run without `.`, `[` or `]`.
    GreedyOne,
    /// `**`: the longest run of anything.
    Any,
    /// Literal `**` before `.x`: optionally the longest run followed by a dot, so that
    /// `**.password` also matches a top-level `password`.
    AnyThenDot,
}

#[derive(Clone, Debug)]
enum Matcher {
    Exact(String),
    /// The pieces, and the literal text every match starts and ends with (a cheap filter:
    /// most settings fail it).
    Wild {
        pieces: Vec<Piece>,
        prefix: String,
        suffix: String,
    },
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

fn build(tokens: &[Token], style: KeyStyle) -> Matcher {
    if let [Token::Lit(l)] = tokens {
        return Matcher::Exact(match_key(l, style));
    }
    let mut pieces = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        let piece = match (t, style) {
            (Token::Lit(l), KeyStyle::Relaxed) => Piece::Lit(match_key(l, style)),
            (Token::Lit(l), KeyStyle::Literal) => {
                let after_any = i > 0 && matches!(tokens[i - 1], Token::Any);
                let l = if after_any {
                    l.strip_prefix('.').unwrap_or(l)
                } else {
                    l
                };
                Piece::Lit(l.to_string())
            }
            (Token::Index, _) => Piece::Index,
            (Token::One, KeyStyle::Relaxed) => Piece::LazyOne,
            (Token::One, KeyStyle::Literal) => Piece::GreedyOne,
            (Token::Any, KeyStyle::Relaxed) => Piece::Any,
            (Token::Any, KeyStyle::Literal) => {
                if matches!(tokens.get(i + 1), Some(Token::Lit(l)) if l.starts_with('.')) {
                    Piece::AnyThenDot
                } else {
                    Piece::Any
                }
            }
        };
        if !matches!(&piece, Piece::Lit(l) if l.is_empty()) {
            pieces.push(piece);
        }
    }
    let lit = |p: Option<&Piece>| match p {
        Some(Piece::Lit(l)) => l.clone(),
        _ => String::new(),
    };
    Matcher::Wild {
        prefix: lit(pieces.first()),
        suffix: lit(pieces.last()),
        pieces,
    }
}

/// The end of the longest run from `pos` whose characters satisfy `ok`.
fn run_limit(s: &str, pos: usize, ok: impl Fn(char) -> bool) -> usize {
    s[pos..]
        .char_indices()
        .find(|(_, c)| !ok(*c))
        .map_or(s.len(), |(i, _)| pos + i)
}

/// Char boundaries from `hi` down to `lo` (both included).
fn boundaries_down(s: &str, lo: usize, hi: usize) -> impl Iterator<Item = usize> + '_ {
    (lo..=hi).rev().filter(|&e| s.is_char_boundary(e))
}

/// Anchored backtracking match of `pieces` against `s[pos..]`; `caps` receives one
/// (start, end) per wildcard.
fn match_at(pieces: &[Piece], s: &str, pos: usize, caps: &mut Vec<(usize, usize)>) -> bool {
    let Some((piece, rest)) = pieces.split_first() else {
        return pos == s.len();
    };
    let try_end = |caps: &mut Vec<(usize, usize)>, start: usize, end: usize, next: usize| {
        caps.push((start, end));
        if match_at(rest, s, next, caps) {
            return true;
        }
        caps.pop();
        false
    };
    match piece {
        Piece::Lit(l) => s[pos..].starts_with(l.as_str()) && match_at(rest, s, pos + l.len(), caps),
        Piece::Index => {
            let Some(after) = s[pos..].strip_prefix('[') else {
                return false;
            };
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0
                && after[digits..].starts_with(']')
                && try_end(caps, pos + 1, pos + 1 + digits, pos + digits + 2)
        }
        Piece::LazyOne => s[pos..]
            .char_indices()
            .take_while(|(_, c)| *c != '[' && *c != ']')
            .any(|(i, c)| {
                let e = pos + i + c.len_utf8();
                try_end(caps, pos, e, e)
            }),
        Piece::GreedyOne => {
            let limit = run_limit(s, pos, |c| !matches!(c, '.' | '[' | ']'));
            limit > pos && boundaries_down(s, pos + 1, limit).any(|e| try_end(caps, pos, e, e))
        }
        Piece::Any => {
            let limit = run_limit(s, pos, |c| c != '\n');
            boundaries_down(s, pos, limit).any(|e| try_end(caps, pos, e, e))
        }
        Piece::AnyThenDot => {
            let limit = run_limit(s, pos, |c| c != '\n');
            let dotted = (pos..=limit)
                .rev()
                .filter(|&e| s.as_bytes().get(e) == Some(&b'.'))
                .any(|e| try_end(caps, pos, e, e + 1));
            // The optional group not taken: an empty capture.
            dotted || try_end(caps, pos, pos, pos)
        }
    }
}

impl KeyPattern {
    pub fn new(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("a key must not be empty".into());
        }
        let tokens = tokenize(raw);
        let relaxed = build(&tokens, KeyStyle::Relaxed);
        let literal = build(&tokens, KeyStyle::Literal);
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

    pub(crate) fn has_any(&self) -> bool {
        self.tokens.iter().any(|t| matches!(t, Token::Any))
    }

    /// The exact match key, when the pattern has no wildcard.
    pub(crate) fn exact(&self, style: KeyStyle) -> Option<&str> {
        match self.matcher(style) {
            Matcher::Exact(k) => Some(k),
            Matcher::Wild { .. } => None,
        }
    }

    /// `match_key` of the pattern as written: the exact match key made when the pattern
    /// was, where it has one (made per check and component, it was 1% of a finding-dense
    /// tree's evaluation).
    pub(crate) fn match_form(&self, style: KeyStyle) -> std::borrow::Cow<'_, str> {
        match self.exact(style) {
            Some(k) => std::borrow::Cow::Borrowed(k),
            None => std::borrow::Cow::Owned(match_key(&self.raw, style)),
        }
    }

    fn matcher(&self, style: KeyStyle) -> &Matcher {
        match style {
            KeyStyle::Relaxed => &self.relaxed,
            KeyStyle::Literal => &self.literal,
        }
    }

    /// For a relaxed `prefix.**` pattern: does the setting's dotted key start with the
    /// prefix's segments? The relaxed match key drops every separator (so that the legacy
    /// environment form `SECRET_PROVIDER` still binds `secret-provider`), which would let
    /// `camunda.connector.**` match `camunda.connectors.version` (from the variable
    /// `CAMUNDA_CONNECTORS_VERSION`). Spring never binds across a segment boundary, so the
    /// prefix must end where a segment of the dotted key ends.
    pub(crate) fn on_segment_boundary(&self, key: &str, style: KeyStyle) -> bool {
        let (KeyStyle::Relaxed, [Token::Lit(lit), Token::Any]) = (style, self.tokens.as_slice())
        else {
            return true;
        };
        let Some(prefix) = lit.strip_suffix('.') else {
            return true;
        };
        let want = match_key(prefix, style).len();
        // The length of the match key so far, compared at every boundary (linear in the key).
        let mut len = 0;
        for c in key.chars() {
            // `_` separates the segments of an environment variable (the setting's key is
            // the variable's name there).
            if matches!(c, '.' | '[' | '_') {
                if len == want {
                    return true;
                }
                if len > want {
                    return false;
                }
            }
            if !matches!(c, '-' | '_' | '.') {
                len += c.len_utf8();
            }
        }
        len == want
    }

    /// The cheap test of [`KeyPattern::captures`]: whether a match key starts and ends with
    /// the literal text every match does. Most settings fail it, so it goes first.
    pub(crate) fn may_match(&self, match_key: &str, style: KeyStyle) -> bool {
        match self.matcher(style) {
            Matcher::Exact(k) => k == match_key,
            Matcher::Wild { prefix, suffix, .. } => {
                match_key.starts_with(prefix.as_str()) && match_key.ends_with(suffix.as_str())
            }
        }
    }

    /// Match a setting's match key; returns what the wildcards matched.
    pub(crate) fn captures(&self, match_key: &str, style: KeyStyle) -> Option<Vec<String>> {
        match self.matcher(style) {
            Matcher::Exact(k) => (k == match_key).then(Vec::new),
            Matcher::Wild {
                pieces,
                prefix,
                suffix,
            } => {
                if !match_key.starts_with(prefix.as_str()) || !match_key.ends_with(suffix.as_str())
                {
                    return None;
                }
                let mut caps = Vec::with_capacity(pieces.len());
                match_at(pieces, match_key, 0, &mut caps).then(|| {
                    caps.iter()
                        .map(|&(a, b)| match_key[a..b].to_string())
                        .collect()
                })
            }
        }
    }

    /// Fill the wildcards with captures (in order); wildcards left over stay.
    /// Without a copy when nothing is bound (no capture, or no wildcard to bind it to):
    /// how most conditions are evaluated, once per setting.
    pub(crate) fn bound(&self, captures: &[String]) -> std::borrow::Cow<'_, KeyPattern> {
        if captures.is_empty() || !self.has_wildcards() {
            return std::borrow::Cow::Borrowed(self);
        }
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
        // Only an empty pattern is refused, and a bound pattern is never empty.
        std::borrow::Cow::Owned(KeyPattern::new(&raw).unwrap_or_else(|_| self.clone()))
    }

    /// The pattern up to its last wildcard (`engines.*.rest` -> `engines.*`), for
    /// finding the places where a wildcard key could be absent.
    pub(crate) fn parent(&self) -> Option<KeyPattern> {
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
    use proptest::prelude::*;

    /// The regex the matcher replaced: the oracle for its matches and captures.
    fn oracle(tokens: &[Token], style: KeyStyle) -> regex::Regex {
        let mut re = String::from("^");
        for (i, t) in tokens.iter().enumerate() {
            match (t, style) {
                (Token::Lit(l), KeyStyle::Relaxed) => {
                    re.push_str(&regex::escape(&match_key(l, style)))
                }
                (Token::Lit(l), KeyStyle::Literal) => {
                    let l = if i > 0 && matches!(tokens[i - 1], Token::Any) {
                        l.strip_prefix('.').unwrap_or(l)
                    } else {
                        l
                    };
                    re.push_str(&regex::escape(l))
                }
                (Token::Index, _) => re.push_str(r"\[([0-9]+)\]"),
                (Token::One, KeyStyle::Relaxed) => re.push_str(r"([^\[\]]+?)"),
                (Token::One, KeyStyle::Literal) => re.push_str(r"([^.\[\]]+)"),
                (Token::Any, KeyStyle::Relaxed) => re.push_str("(.*)"),
                (Token::Any, KeyStyle::Literal) => {
                    if matches!(tokens.get(i + 1), Some(Token::Lit(l)) if l.starts_with('.')) {
                        re.push_str(r"(?:(.*)\.)?");
                    } else {
                        re.push_str("(.*)");
                    }
                }
            }
        }
        re.push('$');
        regex::Regex::new(&re).unwrap()
    }

    fn oracle_captures(p: &KeyPattern, key: &str, style: KeyStyle) -> Option<Vec<String>> {
        let caps = oracle(&p.tokens, style).captures(key)?;
        Some(
            caps.iter()
                .skip(1)
                .map(|m| m.map(|m| m.as_str().to_string()).unwrap_or_default())
                .collect(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Patterns and keys over a small alphabet rich in separators and wildcards, so that
        /// the backtracking paths are exercised, agree with the regex on match and captures.
        #[test]
        fn wildcard_matcher_agrees_with_the_regex(
            raw in "[a.\\[\\]0*_A-]{1,12}",
            key in "[a.\\[\\]0_A-]{0,14}",
        ) {
            if let Ok(p) = KeyPattern::new(&raw) {
                for style in [KeyStyle::Literal, KeyStyle::Relaxed] {
                    let k = match_key(&key, style);
                    prop_assert_eq!(
                        p.captures(&k, style),
                        oracle_captures(&p, &k, style),
                        "pattern {:?} key {:?} {:?}", raw, k, style
                    );
                }
            }
        }
    }

    proptest! {
        /// The match form of a pattern is `match_key` of what was written, with or without
        /// wildcards, in both styles.
        #[test]
        fn the_match_form_is_the_match_key_of_the_pattern(raw in "[a.\\[\\]0*_A-]{1,16}") {
            if let Ok(p) = KeyPattern::new(&raw) {
                for style in [KeyStyle::Literal, KeyStyle::Relaxed] {
                    let want = match_key(raw.trim(), style);
                    let form = p.match_form(style);
                    prop_assert_eq!(form.as_ref(), want.as_str(), "{:?} {:?}", raw, style);
                }
            }
        }
    }

    #[test]
    fn wildcard_matcher_agrees_with_the_regex_on_real_rule_keys() {
        let keys = [
            "camunda.security.initialization.users[0].password",
            "camunda.security.initialization.users[12].username",
            "engines.camunda-bpm.rest.enabled",
            "es.security.password",
            "password",
            "a.b.c.d.e.password.password",
            "zeebe.broker.exporters.elasticsearch.args.url",
            "security.responseHeaders.HSTS.max-age",
        ];
        let patterns = [
            "camunda.security.initialization.users[*].password",
            "engines.*.rest.enabled",
            "engines.*",
            "**.password",
            "**password",
            "zeebe.broker.exporters.*.args.url",
            "*.*.*",
            "**.*.password",
            "**.users[*].*",
        ];
        for raw in patterns {
            let p = KeyPattern::new(raw).unwrap();
            for key in keys {
                for style in [KeyStyle::Literal, KeyStyle::Relaxed] {
                    let k = match_key(key, style);
                    assert_eq!(
                        p.captures(&k, style),
                        oracle_captures(&p, &k, style),
                        "{raw} {k} {style:?}"
                    );
                }
            }
        }
    }

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
        let bound = other.bound(&["3".to_string()]);
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
    fn relaxed_prefix_patterns_stop_at_segment_boundaries() {
        let p = KeyPattern::new("camunda.connector.**").unwrap();
        let r = KeyStyle::Relaxed;
        assert!(p.on_segment_boundary("camunda.connector.secretprovider.environment.prefix", r));
        assert!(p.on_segment_boundary("camunda.connector.secret.provider.x", r));
        assert!(p.on_segment_boundary("camunda.Connector[0]", r));
        let listed = KeyPattern::new("a.users[0].**").unwrap();
        assert!(listed.on_segment_boundary("a.users[0].password", r));
        assert!(!listed.on_segment_boundary("a.users[0]x.password", r));
        assert!(!p.on_segment_boundary("camunda.connectors.version", r));
        assert!(!p.on_segment_boundary("CAMUNDA_CONNECTORS_VERSION", r));
        assert!(p.on_segment_boundary("CAMUNDA_CONNECTOR_SECRETPROVIDER_ENVIRONMENT_PREFIX", r));
        assert!(!p.on_segment_boundary("camundaconnectorx.y", r));
        let dashed = KeyPattern::new("camunda.connector.secret-provider.**").unwrap();
        assert!(dashed.on_segment_boundary("camunda.connector.secret.provider.environment", r));
        assert!(!dashed.on_segment_boundary("camunda.connector.secretproviders.x", r));
        // Only relaxed prefix patterns are restricted.
        assert!(p.on_segment_boundary("camunda.connectors.version", KeyStyle::Literal));
        assert!(
            KeyPattern::new("**.password")
                .unwrap()
                .on_segment_boundary("xpassword", r)
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
