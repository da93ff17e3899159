//! Which versions a component runs: from its container image, from the `Chart.yaml` beside
//! chart values, or from `camunda-version` in the configuration. Unknown stays unknown.

use std::path::Path;

use super::Context;
use crate::model::settings::{Component, Product};
use crate::model::version::{KnownVersion, Version, VersionSource, image_version};
use crate::syntax::yaml::{self, Node};

/// The version an image's tag names, for the product it runs.
pub(crate) fn from_image(c: &mut Component, image: &str) {
    if let Some((product, version)) = image_version(image)
        && c.products.contains(&product)
    {
        c.add_version(KnownVersion {
            product,
            version,
            source: VersionSource::Image(image.trim().to_string()),
        });
    }
}

/// The Camunda release a camunda-platform chart version deploys. Charts 8.0 to 8.3 carry
/// the Camunda version itself; from 8.4 on the chart has its own major: 9 is 8.4, 10 is
/// 8.5, 11 is 8.6, 12 is 8.7, 13 is 8.8, 14 is 8.9, 15 is 8.10 (`charts/camunda-platform-8.*/
/// Chart.yaml` `version` and `appVersion`, camunda/camunda-platform-helm @ b5c494d2).
/// A later major is not guessed.
pub(crate) fn camunda_of_chart(chart: &Version) -> Option<Version> {
    let minor = match chart.major {
        8 => chart.minor?,
        9..=15 => chart.major - 5,
        _ => return None,
    };
    Some(Version {
        major: 8,
        minor: Some(minor),
        patch: None,
        pre: None,
    })
}

/// A chart version constraint of a dependency (`13.12.7`, `13.x`, `^13.1.0`, `~13.1`):
/// the chart major it stays within. Other forms (ranges with `>=`, `||`) are unknown.
fn constraint_chart(text: &str) -> Option<Version> {
    let t = text.trim();
    let caret = t.starts_with('^');
    let t = t.trim_start_matches(['^', '~', '=', 'v']);
    let v = Version::parse(t)?;
    // `^8.2.0` allows any 8.x chart, which spans Camunda minors.
    if caret && v.major == 8 {
        return None;
    }
    Some(v)
}

/// `Chart.yaml` of the chart these values belong to: the camunda-platform chart itself
/// (`appVersion`, else `version`), or an umbrella chart depending on it.
pub(crate) fn chart_yaml(text: &str, path: &str) -> Option<KnownVersion> {
    let parsed = yaml::parse_with(text, false);
    let root: &Node = parsed.docs.first()?;
    let field = |n: &Node, k: &str| n.get(k).and_then(Node::as_str).map(str::to_string);
    let (version, source) = if field(root, "name").as_deref() == Some("camunda-platform") {
        match field(root, "appVersion").and_then(|a| Version::parse(&a).map(|v| (v, a))) {
            Some((v, a)) if v.major == 8 && v.minor.is_some() => (
                Version { patch: None, ..v },
                format!("`{path}` (appVersion {a})"),
            ),
            _ => {
                let chart = field(root, "version")?;
                let v = camunda_of_chart(&Version::parse(&chart)?)?;
                (v, format!("`{path}` (chart version {chart})"))
            }
        }
    } else {
        let dep = root
            .get("dependencies")?
            .as_seq()?
            .iter()
            .find(|d| field(d, "name").as_deref() == Some("camunda-platform"))?;
        let constraint = field(dep, "version")?;
        let v = camunda_of_chart(&constraint_chart(&constraint)?)?;
        (
            v,
            format!("`{path}` (dependency camunda-platform {constraint})"),
        )
    };
    Some(KnownVersion {
        product: Product::CamundaHelm,
        version,
        source: VersionSource::Chart(source),
    })
}

/// The chart version of a values file, from the `Chart.yaml` in its directory. The path
/// comes from the scanned file's own (never from file content); like every referenced file
/// it must stay inside the scanned tree and under the size limit.
pub(crate) fn chart_beside(values: &Path, ctx: &Context) -> Option<KnownVersion> {
    let chart = values.parent().unwrap_or(Path::new("")).join("Chart.yaml");
    if !chart.is_file() {
        return None;
    }
    if !ctx.roots.is_empty() {
        let real = std::fs::canonicalize(&chart).ok()?;
        if !ctx.roots.iter().any(|r| real.starts_with(r)) {
            return None;
        }
    }
    let text = crate::discover::read_text(&chart, ctx.max_file_size).ok()?;
    chart_yaml(&text, &crate::source::display(&chart))
}

/// Give the components of chart values the Camunda version of their chart.
pub(crate) fn apply_chart(components: &mut [Component], chart: &KnownVersion) {
    for c in components {
        for p in [Product::CamundaHelm, Product::Camunda8, Product::Optimize] {
            if c.products.contains(&p) {
                c.add_version(KnownVersion {
                    product: p,
                    ..chart.clone()
                });
            }
        }
    }
}

/// `camunda-version` (configuration or command line) for components whose version is not
/// known otherwise: an 8.x version for Camunda 8, its charts and Optimize 8.x; a 7.x
/// version for Camunda 7.
pub(crate) fn apply_configured(components: &mut [Component], configured: &Version) {
    for c in components {
        let products = c.products.clone();
        for p in products {
            let fits = match p {
                Product::Camunda8 | Product::CamundaHelm | Product::Optimize => {
                    configured.major == 8
                }
                Product::Camunda7 | Product::Camunda7Run => configured.major == 7,
                _ => false,
            };
            if fits {
                c.add_version(KnownVersion {
                    product: p,
                    version: configured.clone(),
                    source: VersionSource::Configured,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn camunda(chart: &str) -> Option<String> {
        camunda_of_chart(&Version::parse(chart).unwrap()).map(|v| v.to_string())
    }

    #[test]
    fn chart_versions_map_to_camunda_releases() {
        assert_eq!(camunda("8.3.26").as_deref(), Some("8.3"));
        assert_eq!(camunda("9.7.0").as_deref(), Some("8.4"));
        assert_eq!(camunda("11.12.3").as_deref(), Some("8.6"));
        assert_eq!(camunda("12.13.3").as_deref(), Some("8.7"));
        assert_eq!(camunda("13.12.7").as_deref(), Some("8.8"));
        assert_eq!(camunda("14.8.4").as_deref(), Some("8.9"));
        assert_eq!(camunda("15.0.0-alpha4").as_deref(), Some("8.10"));
        assert_eq!(camunda("16.0.0"), None);
        assert_eq!(camunda("8"), None);
    }

    #[test]
    fn chart_yaml_gives_the_camunda_version() {
        let own = "apiVersion: v2\nname: camunda-platform\nversion: 13.12.7\nappVersion: 8.8.x\n";
        let k = chart_yaml(own, "Chart.yaml").unwrap();
        assert_eq!(k.version.to_string(), "8.8");
        assert_eq!(k.product, Product::CamundaHelm);
        let no_app = "name: camunda-platform\nversion: 12.1.0\n";
        assert_eq!(
            chart_yaml(no_app, "Chart.yaml")
                .unwrap()
                .version
                .to_string(),
            "8.7"
        );
        let umbrella = "name: my-platform\nversion: 1.0.0\ndependencies:\n  - name: camunda-platform\n    version: \"^11.0.0\"\n    repository: https://helm.camunda.io\n";
        assert_eq!(
            chart_yaml(umbrella, "Chart.yaml")
                .unwrap()
                .version
                .to_string(),
            "8.6"
        );
        for unknown in [
            "name: other\nversion: 13.0.0\n",
            "name: my\ndependencies:\n  - name: camunda-platform\n    version: \">=12.0.0 <14\"\n",
            "name: my\ndependencies:\n  - name: camunda-platform\n    version: \"^8.2.0\"\n",
            "name: camunda-platform\nversion: latest\n",
            "- not a map\n",
        ] {
            assert_eq!(chart_yaml(unknown, "Chart.yaml"), None, "{unknown}");
        }
    }
}
