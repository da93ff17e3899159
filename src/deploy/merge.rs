//! The effective settings of a deployment: of the settings its layers give for one key,
//! the highest layer's wins (and within a layer the last one, as in a YAML mapping), with
//! the overridden ones as related locations. A list given by several property sources is
//! replaced as a whole by the highest one ([SB] L1083, docs/deployments.md §1.5).

use crate::model::MASK;
use crate::model::deployment::Layer;
use crate::model::hashing::FastMap;
use crate::model::settings::{Component, Related, Section, Setting, Value};

/// A setting offered by one layer.
pub struct Candidate {
    /// Index into the deployment's layers (their order is the precedence).
    pub layer: usize,
    /// The property source for list replacement: a Spring document, the container's
    /// environment as a whole (compose `env_file` and `environment` are one source),
    /// the JVM's system properties.
    pub source: usize,
    pub setting: Setting,
}

/// A section offered by one layer.
pub(crate) struct SectionCandidate {
    pub layer: usize,
    pub source: usize,
    pub section: Section,
}

/// The root of the list a key belongs to (`users` for `users[0].password` and for a
/// list value `users`), in match form.
fn list_root(s: &Setting) -> Option<&str> {
    if let Some(i) = memchr::memchr(b'[', s.match_key.as_bytes()) {
        return Some(&s.match_key[..i]);
    }
    matches!(s.value, Value::List(_)).then_some(s.match_key.as_str())
}

fn section_root(s: &Section) -> Option<&str> {
    memchr::memchr(b'[', s.match_key.as_bytes()).map(|i| &s.match_key[..i])
}

/// What a related location says about a value that another layer overrode.
fn overridden_label(old: &Setting, by: &str) -> String {
    let shown = if old.is_secret() {
        MASK.to_string()
    } else {
        crate::model::settings::Value::display(&old.value)
    };
    let shown: String = shown.chars().take(60).collect();
    format!("`{shown}` here is overridden by {by}")
}

/// How a label names the layer that overrides: its description, the file named by its
/// file name (the snippet shows the paths).
fn overriding(by: &Layer) -> String {
    let path = by.file.display_path();
    let name = by
        .file
        .path
        .file_name()
        .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
    by.what.replace(&path, &name)
}

/// Merge the candidates (in any order) into `template`'s settings.
pub(crate) fn merge(
    mut template: Component,
    mut candidates: Vec<Candidate>,
    mut sections: Vec<SectionCandidate>,
    layers: &[Layer],
) -> Component {
    // Precedence order without moving the (large) candidates: usually they come in order.
    if !candidates.is_sorted_by_key(|c| c.layer) {
        candidates.sort_by_key(|c| c.layer);
    }
    sections.sort_by_key(|s| s.layer);
    // Which property source owns each list: the highest one that sets any of it.
    let mut owner: FastMap<&str, usize> = FastMap::default();
    let roots: Vec<Option<&str>> = candidates.iter().map(|c| list_root(&c.setting)).collect();
    for (c, root) in candidates.iter().zip(&roots) {
        if let Some(r) = root {
            let e = owner.entry(r).or_insert(c.source);
            *e = (*e).max(c.source);
        }
    }
    let replaced = |root: Option<&str>, source: usize| {
        root.and_then(|r| owner.get(r)).is_some_and(|&o| o > source)
    };
    // The candidates of each key, in precedence order (a linked list through `next`), the
    // keys in order of first appearance.
    const NONE: usize = usize::MAX;
    let mut slot: FastMap<&str, (usize, usize)> = FastMap::default();
    slot.reserve(candidates.len());
    let mut heads: Vec<usize> = Vec::with_capacity(candidates.len());
    let mut next = vec![NONE; candidates.len()];
    for (i, (c, root)) in candidates.iter().zip(&roots).enumerate() {
        if replaced(*root, c.source) {
            continue;
        }
        match slot.get_mut(c.setting.match_key.as_str()) {
            Some((_, last)) => {
                next[*last] = i;
                *last = i;
            }
            None => {
                slot.insert(&c.setting.match_key, (i, i));
                heads.push(i);
            }
        }
    }
    let kept_sections: Vec<bool> = sections
        .iter()
        .map(|s| !replaced(section_root(&s.section), s.source))
        .collect();
    drop(slot);
    drop(owner);
    drop(roots);
    let mut taken: Vec<Option<Candidate>> = candidates.into_iter().map(Some).collect();
    // Each overriding layer's name, made once (made per overridden setting, it was most of
    // a Helm release's merge: a substring search and three strings each time).
    let mut overriders: Vec<Option<String>> = vec![None; layers.len()];
    // (one setting per key at most: sized once, where collecting grew the large settings
    // by doubling, two thirds of a Helm release's merge copies)
    let mut settings = Vec::with_capacity(heads.len());
    settings.extend(heads.into_iter().filter_map(|head| {
        let mut current = taken[head].take()?;
        let mut i = next[head];
        while i != NONE {
            let follow = next[i];
            let Some(mut newer) = taken[i].take() else {
                break;
            };
            i = follow;
            if current.layer != newer.layer {
                // The overridden value, and what it had overridden in turn.
                let old = &current.setting;
                let mut related = vec![Related {
                    file: old.file.clone(),
                    span: old.primary_span(),
                    label: overridden_label(
                        old,
                        overriders[newer.layer]
                            .get_or_insert_with(|| overriding(&layers[newer.layer])),
                    ),
                }];
                if let Some(v) = &old.via {
                    related.extend(
                        v.related
                            .iter()
                            .filter(|r| r.label.contains("is overridden by"))
                            .cloned(),
                    );
                }
                newer.setting.via_mut().related.extend(related);
            }
            current = newer;
        }
        Some(current.setting)
    }));
    template.settings = settings;
    template.sections = sections
        .into_iter()
        .zip(kept_sections)
        .filter_map(|(s, keep)| keep.then_some(s.section))
        .collect();
    template
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::keys::match_key;
    use crate::model::settings::{Form, KeyStyle, Placeholders};
    use crate::source::{SourceFile, Span};

    fn setting(file: &crate::source::FileRef, key: &str, value: &str) -> Setting {
        Setting {
            key: key.into(),
            match_key: match_key(key, KeyStyle::Relaxed).into(),
            value: Value::text(value),
            key_span: Span::new(0, 1),
            value_span: Span::new(1, 2),
            form: Form::Yaml,
            placeholders: Placeholders::Spring,
            file: file.clone(),
            secret: crate::model::keys::is_secret_key(key),
            via: None,
        }
    }

    fn layer(file: &crate::source::FileRef, what: &str, p: u32) -> Layer {
        Layer {
            file: file.clone(),
            what: what.into(),
            precedence: p,
        }
    }

    #[test]
    fn the_highest_layer_wins_and_relates_the_overridden() {
        let base = SourceFile::new("application.yaml", "ab");
        let prof = SourceFile::new("application-prod.yaml", "ab");
        let layers = [layer(&base, "application.yaml", 1), layer(&prof, "prod", 2)];
        let c = Component::new(base.clone(), Vec::new(), Span::empty(0));
        let cands = vec![
            Candidate {
                layer: 1,
                source: 1,
                setting: setting(&prof, "a.unprotected-api", "true"),
            },
            Candidate {
                layer: 0,
                source: 0,
                setting: setting(&base, "a.unprotectedApi", "false"),
            },
            Candidate {
                layer: 0,
                source: 0,
                setting: setting(&base, "a.password", "secret-value"),
            },
            Candidate {
                layer: 1,
                source: 1,
                setting: setting(&prof, "a.password", "other"),
            },
        ];
        let m = merge(c, cands, Vec::new(), &layers);
        assert_eq!(m.settings.len(), 2);
        let api = &m.settings[0];
        assert_eq!(api.value.display(), "true");
        let rel = &api.via.as_ref().unwrap().related[0];
        assert_eq!(rel.file.display_path(), "application.yaml");
        assert!(rel.label.contains("`false` here is overridden by prod"));
        // A secret never reaches a label.
        let pw = &m.settings[1].via.as_ref().unwrap().related[0];
        assert!(!pw.label.contains("secret-value"), "{}", pw.label);
    }

    #[test]
    fn lists_are_replaced_as_a_whole() {
        let f = SourceFile::new("a", "ab");
        let layers = [layer(&f, "base", 1), layer(&f, "overlay", 2)];
        let c = Component::new(f.clone(), Vec::new(), Span::empty(0));
        let cands = vec![
            Candidate {
                layer: 0,
                source: 0,
                setting: setting(&f, "users[0].username", "demo"),
            },
            Candidate {
                layer: 0,
                source: 0,
                setting: setting(&f, "users[1].password", "demo"),
            },
            Candidate {
                layer: 1,
                source: 1,
                setting: setting(&f, "users[0].password", "Str0ng!"),
            },
        ];
        let m = merge(c, cands, Vec::new(), &layers);
        let keys: Vec<_> = m.settings.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["users[0].password"]);
    }

    #[test]
    fn one_source_keeps_all_items() {
        // env_file and environment are one environment: no list replacement between them.
        let f = SourceFile::new("a", "ab");
        let layers = [layer(&f, "env_file", 1), layer(&f, "environment", 2)];
        let c = Component::new(f.clone(), Vec::new(), Span::empty(0));
        let cands = vec![
            Candidate {
                layer: 0,
                source: 0,
                setting: setting(&f, "users[0].username", "demo"),
            },
            Candidate {
                layer: 1,
                source: 0,
                setting: setting(&f, "users[0].password", "demo"),
            },
        ];
        assert_eq!(merge(c, cands, Vec::new(), &layers).settings.len(), 2);
    }
}
