//! The subcommands other than `check`.

use std::path::{Path, PathBuf};

use super::args::CustomRules;
use super::{exit, report_setup_error, write};
use crate::analyze::{Context, analyze};
use crate::discover::{self, DEFAULT_MAX_FILE_SIZE};
use crate::model::MASK;
use crate::model::file_kind::FileKind;
use crate::model::rule::Severity;
use crate::report::one_line;
use crate::rules::RuleSet;
use crate::scan::setup::{self, ConfigSource, SetupError};
use crate::source::{SourceFile, display};

/// The shipped rules plus the custom ones `rules` and `explain` should see: the
/// `rules-dir` of the configuration (the closest camguard.toml above the working
/// directory, or `--config`) and `--rules`.
pub(crate) fn with_custom(custom: &CustomRules, shipped: &RuleSet) -> Result<RuleSet, SetupError> {
    let source = match (&custom.config, custom.isolated) {
        (_, true) => ConfigSource::None,
        (Some(p), false) => ConfigSource::File(p),
        (None, false) => ConfigSource::Discover(Path::new(".")),
    };
    let config = setup::load_config(source)?;
    setup::load_rules(shipped, &config, &custom.rules_dirs)
}

/// `camguard rules`.
pub(crate) fn rules(
    format: super::args::ListFormat,
    custom: &CustomRules,
    shipped: &RuleSet,
) -> u8 {
    use super::args::ListFormat;
    let rules = match with_custom(custom, shipped) {
        Ok(r) => r,
        Err(e) => return report_setup_error(&e),
    };
    let infos = rules.infos();
    let text = match format {
        ListFormat::Human => crate::report::rules::list_human(&infos),
        ListFormat::Json => crate::report::rules::list_json(&infos),
        ListFormat::Markdown => crate::report::rules::markdown(&infos),
    };
    write::stdout(&text);
    exit::CLEAN
}

/// `camguard explain CODE_OR_NAME`.
pub(crate) fn explain(id: &str, custom: &CustomRules, shipped: &RuleSet) -> u8 {
    let rules = match with_custom(custom, shipped) {
        Ok(r) => r,
        Err(e) => return report_setup_error(&e),
    };
    match rules.find(id) {
        Some(r) => {
            let mut checks: Vec<Severity> = r
                .checks()
                .iter()
                .filter_map(|c| c.severity)
                .filter(|s| *s != r.severity)
                .collect();
            checks.sort_by(|a, b| b.cmp(a));
            checks.dedup();
            write::stdout(&crate::report::rules::explain(&r.info, &checks));
            exit::CLEAN
        }
        None => {
            eprintln!("error: no rule with code or name `{id}` (see `camguard rules`)");
            exit::USAGE
        }
    }
}

/// `camguard test-rules DIR`.
pub(crate) fn test_rules(dir: &Path) -> u8 {
    match crate::rule_test::test_dir(dir) {
        Ok(run) => {
            write::stdout(&crate::report::escape::lines(&run.text));
            if run.failed == 0 {
                exit::CLEAN
            } else {
                exit::FINDINGS
            }
        }
        Err(e) => report_setup_error(&e),
    }
}

/// `camguard settings`: the components and settings camguard reads from files.
pub(crate) fn settings(paths: &[PathBuf], kind: Option<FileKind>) -> u8 {
    let mut out = String::new();
    for p in paths {
        let text = match discover::read_text(p, DEFAULT_MAX_FILE_SIZE) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {}: {}", e.path, one_line(&e.message));
                return exit::USAGE;
            }
        };
        let Some(kind) = kind
            .or_else(|| discover::classify_name(p))
            .or_else(|| crate::analyze::sniff_content(&text))
        else {
            out.push_str(&format!("{}: not recognised\n", display(p)));
            continue;
        };
        let file = SourceFile::read_at(p, text);
        let a = analyze(file, kind, &Context::default());
        out.push_str(&format!("{} ({})\n", a.file.display_path(), kind.id()));
        for c in &a.components {
            let products: Vec<_> = c.products.iter().map(|p| p.id()).collect();
            out.push_str(&format!(
                "  component {} [{}]{}\n",
                one_line(c.name.as_deref().unwrap_or("-")),
                products.join(", "),
                if c.partial { " partial" } else { "" }
            ));
            for s in &c.settings {
                let at = s.file.text.position(s.primary_span().start);
                let v = if s.is_secret() {
                    MASK.to_string()
                } else {
                    crate::model::keys::mask_secrets(&s.value.display()).into_owned()
                };
                out.push_str(&format!(
                    "    {}:{}:{}  {} = {}  ({:?})\n",
                    s.file.display_path(),
                    at.line,
                    at.column,
                    one_line(&s.key),
                    one_line(&v),
                    s.form
                ));
            }
        }
        for p in &a.problems {
            out.push_str(&format!("  problem: {}\n", one_line(&p.message)));
        }
    }
    write::stdout(&out);
    exit::CLEAN
}

/// `camguard deployments`: the deployments of the paths, with the configuration found as
/// `check` finds it.
pub(crate) fn deployments(
    paths: &[PathBuf],
    format: crate::report::deployments::DeploymentsFormat,
    rules: &RuleSet,
) -> u8 {
    use crate::report::deployments::{DeploymentsFormat, human, json};
    use crate::scan::setup::{ConfigSource, load_config};
    let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let config = match load_config(ConfigSource::Discover(&start)) {
        Ok(c) => c,
        Err(e) => return report_setup_error(&e),
    };
    let opts = crate::scan::ScanOptions {
        paths: paths.to_vec(),
        config: std::sync::Arc::new(config),
        ..crate::scan::ScanOptions::default()
    };
    let (deployments, problems) = crate::scan::deployments(&opts);
    let relevant = |d: &crate::model::deployment::Deployment,
                    s: &crate::model::settings::Setting| {
        s.is_secret() || s.unknown().is_some() || rules.mentions(&s.match_key, d.effective.style)
    };
    let text = match format {
        DeploymentsFormat::Human => human(&deployments, &problems, &relevant),
        DeploymentsFormat::Json => json(&deployments, &problems, &relevant),
    };
    write::stdout(&text);
    exit::CLEAN
}
