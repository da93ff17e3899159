#![forbid(unsafe_code)]
//! camguard: a security auditor for Camunda, Optimize, Elasticsearch and OpenSearch configuration.
//!
//! The pipeline runs in one direction, and so do the imports (`tests/layers.rs` checks it);
//! `docs/architecture.md` draws it:
//!
//! - [`source`]: text, byte spans, positions, paths. Imports nothing of camguard.
//! - [`syntax`]: parsers (YAML, properties, .env, XML, TOML trees) with spans.
//! - [`model`]: what flows between stages: settings, rule identities, findings, problems,
//!   the report.
//! - [`discover`]: walk, classify and read files. [`config`]: `camguard.toml`.
//! - [`analyze`]: syntax trees into the model's components and settings.
//! - [`deploy`]: components of several files into the deployments that really run,
//!   with the effective settings of each.
//! - [`rules`]: load rule files and evaluate them into findings.
//! - [`suppress`]: every way a finding is set aside (inline comments, configured ignores,
//!   the baseline).
//! - [`report`]: renderers; they know findings and source text, never a parser.
//! - [`scan`]: the orchestration of the stages above. [`rule_test`]: `camguard test-rules`.
//! - [`cli`]: the face: arguments in, exit code out.

pub mod analyze;
pub mod cli;
pub mod config;
pub mod deploy;
pub mod discover;
pub mod model;
pub mod report;
pub mod rule_test;
pub mod rules;
pub mod scan;
pub mod source;
pub mod suppress;
pub mod syntax;
