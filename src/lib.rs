#![forbid(unsafe_code)]
//! camguard: a security auditor for Camunda, Optimize, Elasticsearch and OpenSearch configuration.
//!
//! The pipeline runs in one direction:
//! [`discover`] (walk and classify) -> [`analyze`] (parse with spans, normalise into
//! [`settings`]) -> [`rules`] (evaluate) -> [`finding`]s -> [`report`].

pub mod analyze;
pub mod baseline;
pub mod check;
pub mod cli;
pub mod config;
pub mod discover;
pub mod docs;
pub mod finding;
pub mod formats;
#[doc(hidden)]
pub mod fuzzing;
pub mod problem;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod testing;
pub mod tomltree;
pub mod yaml;
