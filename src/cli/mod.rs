//! The face: parse arguments, build options, call the scan and a renderer, map the
//! exit code. Nothing below imports it.

mod args;
mod check;
mod commands;
mod show_config;
mod write;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use args::{Cli, Command};

use crate::rules::RuleSet;
use crate::scan::setup::SetupError;

/// Exit codes (documented in README.md).
pub mod exit {
    pub(crate) const CLEAN: u8 = 0;
    pub(crate) const FINDINGS: u8 = 1;
    pub(crate) const USAGE: u8 = 2;
    pub(crate) const INTERNAL: u8 = 3;
}

/// Print why a scan could not start; the exit code for it.
fn report_setup_error(e: &SetupError) -> u8 {
    match e {
        SetupError::Source(errors) => {
            eprint!("{}", crate::report::source_error::render_all(errors))
        }
        SetupError::Message(m) => eprintln!("error: {}", crate::report::escape::line(m)),
    }
    exit::USAGE
}

pub(crate) fn run(cli: Cli) -> u8 {
    let rules = RuleSet::shipped();
    match cli.command {
        Command::Check(args) => check::run(*args, &rules),
        Command::Rules { format, custom } => commands::rules(format, &custom, &rules),
        Command::Explain { rule, custom } => commands::explain(&rule, &custom, &rules),
        Command::Settings { paths, kind } => commands::settings(&paths, kind),
        Command::Deployments { paths, format } => commands::deployments(&paths, format, &rules),
        Command::TestRules { dir } => commands::test_rules(&dir),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "camguard", &mut buf);
            write::stdout(&String::from_utf8_lossy(&buf));
            exit::CLEAN
        }
    }
}

/// Entry point used by `main`: parse arguments, run, map panics to exit code 3.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::CLEAN
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(_) => {
            eprintln!(
                "error: internal error in camguard; please report it with the input that caused it"
            );
            ExitCode::from(exit::INTERNAL)
        }
    }
}
