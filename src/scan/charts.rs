//! Helm charts: the files under a chart's `templates/` are Go templates that render to
//! Kubernetes manifests, not YAML camguard can read. They are skipped, with one note per
//! chart that says how to check what they render to. The chart's `values.yaml` is read as
//! chart values (by its name).

use std::path::{Path, PathBuf};

use crate::discover::Candidate;
use crate::source::display;

/// The chart directory whose `templates/` holds this file, if any: an ancestor named
/// `templates` beside a `Chart.yaml`.
pub(crate) fn chart_of_template(path: &Path) -> Option<PathBuf> {
    // No directory can be `templates` without the bytes: most paths leave here, before
    // every ancestor is parsed (20 M instructions of the serial part on the medium
    // benchmark tree).
    memchr::memmem::find(path.as_os_str().as_encoded_bytes(), b"templates")?;
    path.ancestors().skip(1).find_map(|a| {
        let chart = a.parent()?;
        (a.file_name()? == "templates" && chart.join("Chart.yaml").is_file())
            .then(|| chart.to_path_buf())
    })
}

/// Drop chart templates (unless a kind is forced: then the user said what they are);
/// return the files kept and, per chart, how many were skipped.
pub(crate) fn skip_templates(
    found: Vec<Candidate>,
    kind_forced: bool,
) -> (Vec<Candidate>, Vec<String>) {
    if kind_forced {
        return (found, Vec::new());
    }
    let mut skipped: std::collections::BTreeMap<String, usize> = Default::default();
    let kept = found
        .into_iter()
        .filter(|c| match chart_of_template(&c.path) {
            Some(chart) => {
                *skipped.entry(display(&chart)).or_default() += 1;
                false
            }
            None => true,
        })
        .collect();
    let notes = skipped
        .into_iter()
        .map(|(chart, n)| {
            let shown = if chart.is_empty() { ".".to_string() } else { chart };
            format!(
                "{shown}/templates: {n} Helm template file{} skipped (Go templates, not YAML); check what they render to with `helm template {shown} | camguard check - --kind k8s`",
                if n == 1 { "" } else { "s" }
            )
        })
        .collect();
    (kept, notes)
}
