#![forbid(unsafe_code)]
//! camguard: a security auditor for Camunda, Optimize, Elasticsearch and OpenSearch configuration.

pub mod formats;
pub mod source;
pub mod yaml;
