//! The property sources of a Spring Boot process above its environment variables, shared
//! by compose services and Kubernetes containers (docs/deployments.md §1.1): `-D` options
//! of a `java` command line (after those of the JVM option variables, §2), then
//! `SPRING_APPLICATION_JSON` (§1.6), then `--key=value` command-line arguments (§1.7).

use super::args::{Parsed, Word};
use super::merge::{Candidate, SectionCandidate};
use super::spring_json;
use crate::model::deployment::Layer;
use crate::model::keys::{is_secret_key, shared_match_key};
use crate::model::settings::{Component, Form, KeyStyle, Placeholders, Setting, SharedStr, Value};
use crate::source::{FileRef, Span};

/// The `source` numbers (property sources, for list replacement) of a deployment.
pub(crate) struct Sources {
    pub system: usize,
    pub json: usize,
    pub args: usize,
}

/// A container's command line: its words (already interpolated or expanded, with why a
/// word is unknown), what reaches Spring, and the file it is written in.
pub(crate) struct CommandLine {
    pub words: Vec<Word>,
    pub unknown: Vec<Option<String>>,
    pub parsed: Parsed,
    /// The file each word is written in (an override file may set `command` and the base
    /// file `entrypoint`).
    pub files: Vec<FileRef>,
}

/// A `--key=value` or `-Dkey=value` word as a setting, spans inside the word when it is
/// written verbatim.
fn word_setting(
    cl: &CommandLine,
    (i, key, value): &(usize, String, String),
    prefix: usize,
    form: Form,
    style: KeyStyle,
) -> Setting {
    let w = &cl.words[*i];
    let (ks, vs) = if w.verbatim && w.span.len() == w.text.len() {
        let k0 = w.span.start + prefix;
        let v0 = (k0 + key.len() + 1).min(w.span.end);
        (Span::new(k0, k0 + key.len()), Span::new(v0, w.span.end))
    } else {
        (w.span, w.span)
    };
    let shared = SharedStr::from(key.as_str());
    let mut s = Setting {
        secret: is_secret_key(key),
        match_key: shared_match_key(&shared, style),
        key: shared,
        value: if value.is_empty() {
            Value::Null
        } else {
            Value::text(value.as_str())
        },
        key_span: ks,
        value_span: vs,
        form,
        placeholders: Placeholders::Spring,
        file: cl.files[*i].clone(),
        via: None,
    };
    if let Some(Some(why)) = cl.unknown.get(*i) {
        s.via_mut().unknown = Some(why.clone());
    }
    s
}

fn push_layer(layers: &mut Vec<Layer>, file: FileRef, what: String) -> usize {
    let precedence = layers.iter().filter(|l| l.precedence > 0).count() as u32 + 1;
    layers.push(Layer {
        file,
        what,
        precedence,
    });
    layers.len() - 1
}

/// Add the layers above the environment to a deployment's candidates.
#[allow(clippy::too_many_arguments)]
pub(crate) fn add_layers(
    layers: &mut Vec<Layer>,
    candidates: &mut Vec<Candidate>,
    sections: &mut Vec<SectionCandidate>,
    notes: &mut Vec<String>,
    template: &Component,
    command: Option<&CommandLine>,
    src: &Sources,
    who: &str,
) {
    if template.style != KeyStyle::Relaxed {
        return;
    }
    notes.extend(config_location_notes(
        candidates.iter().map(|c| &c.setting),
        who,
    ));
    let style = template.style;
    if let Some(cl) = command {
        if let Some(n) = &cl.parsed.note {
            notes.push(format!("{who}: {n}"));
        }
        if let Some(&(first, ..)) = cl.parsed.system.first() {
            let file = cl.files[first].clone();
            let layer = push_layer(
                layers,
                file.clone(),
                format!(
                    "-D options of the `java` command of {who} in {}",
                    file.display_path()
                ),
            );
            for p in &cl.parsed.system {
                candidates.push(Candidate {
                    layer,
                    source: src.system,
                    setting: word_setting(cl, p, 2, Form::SystemProperty, style),
                });
            }
        }
    }
    let args: Vec<Setting> = command
        .map(|cl| {
            cl.parsed
                .args
                .iter()
                .map(|p| word_setting(cl, p, 2, Form::CommandLine, style))
                .collect()
        })
        .unwrap_or_default();
    notes.extend(config_location_notes(&args, who));
    // SPRING_APPLICATION_JSON: the highest property source that has one (§1.6).
    let hosts = candidates
        .iter()
        .map(|c| ((c.source, c.layer), &c.setting))
        .chain(args.iter().map(|s| ((src.args, usize::MAX), s)));
    if let Some(host) = spring_json::winner(hosts).cloned() {
        let from = format!("`{}` of {who}", host.key);
        if let Some(why) = host.unknown() {
            notes.push(format!(
                "{from} depends on {why}: the settings it may set are unknown"
            ));
        } else {
            match spring_json::settings(&host, template) {
                Ok((settings, secs)) => {
                    let layer = push_layer(
                        layers,
                        host.file.clone(),
                        format!(
                            "SPRING_APPLICATION_JSON ({from}, {})",
                            host.file.display_path()
                        ),
                    );
                    candidates.extend(settings.into_iter().map(|setting| Candidate {
                        layer,
                        source: src.json,
                        setting,
                    }));
                    sections.extend(secs.into_iter().map(|section| SectionCandidate {
                        layer,
                        source: src.json,
                        section,
                    }));
                }
                Err(e) => notes.push(format!("{from} is not read: {e}")),
            }
        }
    }
    if let Some(cl) = command
        && let Some(&(first, ..)) = cl.parsed.args.first()
    {
        let file = cl.files[first].clone();
        let layer = push_layer(
            layers,
            file.clone(),
            format!("command-line arguments of {who} in {}", file.display_path()),
        );
        candidates.extend(args.into_iter().map(|setting| Candidate {
            layer,
            source: src.args,
            setting,
        }));
    }
}

/// The config data locations a deployment names (`spring.config.import`,
/// `spring.config.location`, `spring.config.additional-location`, docs/deployments.md
/// §1.2). camguard does not read the files they name yet: each is recorded as a note, so
/// that a reader knows the settings they may set are unknown. In a config data file,
/// `spring.config.location` and `additional-location` have no effect ([SB] L149-L150).
pub(crate) fn config_location_notes<'a>(
    settings: impl IntoIterator<Item = &'a Setting>,
    who: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    for s in settings {
        let what = match s.match_key.as_str() {
            "springconfigimport" => "imports",
            "springconfiglocation" => "replaces the config locations by",
            "springconfigadditionallocation" => "adds the config locations",
            _ => continue,
        };
        let in_file = matches!(s.form, Form::Yaml | Form::Properties);
        if in_file && s.match_key != "springconfigimport" {
            out.push(format!(
                "{who}: `{}` in {} line {} has no effect in a config data file (Spring Boot reads it only from the environment, system properties or the command line)",
                s.key,
                s.file.display_path(),
                s.file.text.position(s.key_span.start).line
            ));
            continue;
        }
        let value: String = s.value.display().chars().take(200).collect();
        out.push(format!(
            "{who}: `{}` in {} line {} {what} `{value}`; camguard does not read those files yet: the settings they may set are unknown",
            s.key,
            s.file.display_path(),
            s.file.text.position(s.key_span.start).line
        ));
    }
    out
}
