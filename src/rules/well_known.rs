//! Well-known default credentials: values published in Camunda, Elastic and OpenSearch
//! samples and documentation, or guessed first by anyone.

/// Exact values (compared case-insensitively).
const WELL_KNOWN: &[&str] = &[
    // The task text and Camunda guidance: demo/demo, admin/admin, changeme, changeit...
    "demo",
    "admin",
    "changeme",
    "changeit",
    "camunda",
    "optimize",
    "secret",
    "password",
    "sa",
    "connector",
    "connectors",
    "john",
    "mary",
    "peter",
    "act",
    "view",
    // Published Camunda docker-compose sample secrets (camunda-distributions).
    "zecret",
    "XALaRPl5qwTEItdwCMiPS62nVpKs7dL7",
    "demo-postgres-password",
    "demo-webmodeler-password",
    "web-modeler-db-password",
    "web-modeler-app-secret",
    "#3]O?4RGj)DE7Z!9SA5",
    // Elastic / OpenSearch examples.
    "elastic",
    "kibana",
    "kibanaserver",
];

/// Is this value a well-known default credential?
pub(crate) fn is_well_known(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return false;
    }
    if WELL_KNOWN.iter().any(|w| w.eq_ignore_ascii_case(v)) {
        return true;
    }
    // `demo-identity-secret`, `demo-connectors-secret`, ... from the 8.8 compose `.env`.
    let lower = v.to_ascii_lowercase();
    lower.starts_with("demo-") && (lower.ends_with("-secret") || lower.ends_with("-password"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_values() {
        for v in [
            "demo",
            "DEMO",
            " changeme ",
            "demo-identity-secret",
            "zecret",
        ] {
            assert!(is_well_known(v), "{v}");
        }
        for v in ["", "Zr8#kq2!xPq0", "demonstration"] {
            assert!(!is_well_known(v), "{v}");
        }
    }
}
