//! Product versions: what a component is known to run, and the version ranges rules
//! declare.
//!
//! A [`Version`] may be partial (`8.8` from the tag `camunda/camunda:8.8`, `8.8.x` from a
//! chart's `appVersion`): it then stands for every release it covers (8.8.0, 8.8.1, ...).
//! Pre-release and build suffixes (`8.8.0-alpha4`, `8.15.0-debian-12-r0`) are kept for
//! display but compare as the release they belong to: a rule about 8.8 applies to 8.8's
//! alphas as well.

use std::cmp::Ordering;
use std::fmt;

use super::settings::Product;

/// `major[.minor[.patch]][-suffix]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: Option<u64>,
    pub patch: Option<u64>,
    /// Pre-release or build suffix after `-` (or `+`), as written.
    pub pre: Option<String>,
}

/// A release triple, the unit ranges are made of.
pub(crate) type Triple = (u64, u64, u64);

impl Version {
    pub fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            major,
            minor: Some(minor),
            patch: Some(patch),
            pre: None,
        }
    }

    /// Parse `8`, `8.8`, `8.8.x`, `8.8.1`, `v8.8.1`, `8.8.0-alpha4`, `8.8.1+build`.
    /// Anything else (`latest`, `SNAPSHOT`, `8.x.y`, `1.2.3.4`) is `None`.
    pub fn parse(text: &str) -> Option<Version> {
        let t = text.trim();
        let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
        let (core, pre) = match t.find(['-', '+']) {
            Some(i) => (&t[..i], Some(&t[i + 1..])),
            None => (t, None),
        };
        if pre.is_some_and(|p| {
            p.is_empty()
                || !p
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'))
        }) {
            return None;
        }
        let mut parts = core.split('.');
        let number = |s: &str| -> Option<u64> {
            if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        };
        let major = number(parts.next()?)?;
        let mut minor = None;
        let mut patch = None;
        if let Some(m) = parts.next() {
            if m.eq_ignore_ascii_case("x") || m == "*" {
                // `8.x`: the whole major.
                if parts
                    .next()
                    .is_some_and(|p| !(p.eq_ignore_ascii_case("x") || p == "*"))
                {
                    return None;
                }
            } else {
                minor = Some(number(m)?);
                if let Some(p) = parts.next()
                    && !(p.eq_ignore_ascii_case("x") || p == "*")
                {
                    patch = Some(number(p)?);
                }
            }
        }
        if parts.next().is_some() {
            return None;
        }
        Some(Version {
            major,
            minor,
            patch,
            pre: pre.map(String::from),
        })
    }

    /// The first release this version covers.
    pub(crate) fn lower(&self) -> Triple {
        (self.major, self.minor.unwrap_or(0), self.patch.unwrap_or(0))
    }

    /// The first release after those this version covers.
    pub(crate) fn upper(&self) -> Triple {
        match (self.minor, self.patch) {
            (Some(m), Some(p)) => (self.major, m, p + 1),
            (Some(m), None) => (self.major, m + 1, 0),
            _ => (self.major + 1, 0, 0),
        }
    }

    /// The releases this version stands for.
    pub(crate) fn range(&self) -> Range {
        Range {
            lo: Some(self.lower()),
            hi: Some(self.upper()),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.major)?;
        match (self.minor, self.patch) {
            (Some(m), Some(p)) => write!(f, ".{m}.{p}")?,
            (Some(m), None) => write!(f, ".{m}")?,
            _ => f.write_str(".x")?,
        }
        if let Some(p) = &self.pre {
            write!(f, "-{p}")?;
        }
        Ok(())
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    /// Releases by number; a pre-release before its release; a partial version
    /// (`8.8`) where its first release is.
    fn cmp(&self, other: &Self) -> Ordering {
        self.lower()
            .cmp(&other.lower())
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(a), Some(b)) => a.cmp(b),
            })
            .then_with(|| self.upper().cmp(&other.upper()))
    }
}

/// A half-open interval of releases, `[lo, hi)`; `None` is unbounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Range {
    pub lo: Option<Triple>,
    pub hi: Option<Triple>,
}

impl Range {
    pub const ALL: Range = Range { lo: None, hi: None };

    pub(crate) fn is_empty(&self) -> bool {
        matches!((self.lo, self.hi), (Some(l), Some(h)) if l >= h)
    }

    pub(crate) fn intersect(&self, other: &Range) -> Range {
        let lo = match (self.lo, other.lo) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let hi = match (self.hi, other.hi) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Range { lo, hi }
    }

    pub(crate) fn overlaps(&self, other: &Range) -> bool {
        !self.intersect(other).is_empty()
    }

    /// Does this range hold every release of `other`?
    pub(crate) fn contains(&self, other: &Range) -> bool {
        let lo_ok = match (self.lo, other.lo) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) => a <= b,
        };
        let hi_ok = match (self.hi, other.hi) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) => b <= a,
        };
        lo_ok && hi_ok
    }

    #[cfg(test)]
    pub(crate) fn contains_version(&self, v: &Version) -> bool {
        self.contains(&v.range())
    }

    /// For people: `8.8 or later`, `before 8.8`, `8.6 to 8.7`, `8.7`,
    /// `8.8.2 or later, before 8.9`.
    pub fn describe(&self) -> String {
        fn minor_end(hi: Triple) -> Option<(u64, u64)> {
            // `[.., 8.8.0)` ends with the 8.7 releases.
            (hi.2 == 0 && hi.1 > 0).then(|| (hi.0, hi.1 - 1))
        }
        let show = |t: Triple| {
            if t.2 == 0 {
                format!("{}.{}", t.0, t.1)
            } else {
                format!("{}.{}.{}", t.0, t.1, t.2)
            }
        };
        match (self.lo, self.hi) {
            (None, None) => "every version".into(),
            (Some(lo), None) => format!("{} or later", show(lo)),
            (None, Some(hi)) => format!("before {}", show(hi)),
            (Some(lo), Some(hi)) => match minor_end(hi) {
                Some((maj, min)) if lo.2 == 0 && lo.0 == maj && lo.1 == min => {
                    format!("{maj}.{min}")
                }
                Some((maj, min)) if lo.2 == 0 => format!("{} to {maj}.{min}", show(lo)),
                _ => format!("{} or later, before {}", show(lo), show(hi)),
            },
        }
    }
}

/// A version requirement of a rule: comparators joined by `,`, all of which must hold
/// (`">=8.6, <8.8"`). A comparator is `>=`, `>`, `<`, `<=` or `=` and a version; a bare
/// version means `=`. A partial version covers all its releases: `<=8.7` holds for 8.7.5,
/// `>8.7` starts at 8.8.0, `=8.7` is every 8.7 release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionReq {
    pub text: String,
    pub range: Range,
}

impl VersionReq {
    pub fn parse(text: &str) -> Result<VersionReq, String> {
        let mut range = Range::ALL;
        if text.trim().is_empty() {
            return Err("a version requirement is empty".into());
        }
        for part in text.split(',') {
            let p = part.trim();
            let (op, rest) = ["<=", ">=", "<", ">", "="]
                .iter()
                .find_map(|op| p.strip_prefix(op).map(|r| (*op, r)))
                .unwrap_or(("=", p));
            let v = Version::parse(rest).ok_or_else(|| {
                format!(
                    "`{p}` is not a version comparator (write e.g. `>=8.8`, `<8.8`, `=8.7`, `>=8.6, <8.8`)"
                )
            })?;
            if v.pre.is_some() {
                return Err(format!(
                    "`{p}`: pre-release versions compare as their release; write `{}`",
                    Version { pre: None, ..v }
                ));
            }
            let c = match op {
                ">=" => Range {
                    lo: Some(v.lower()),
                    hi: None,
                },
                ">" => Range {
                    lo: Some(v.upper()),
                    hi: None,
                },
                "<" => Range {
                    lo: None,
                    hi: Some(v.lower()),
                },
                "<=" => Range {
                    lo: None,
                    hi: Some(v.upper()),
                },
                _ => v.range(),
            };
            range = range.intersect(&c);
        }
        if range.is_empty() {
            return Err(format!("`{text}` holds no version"));
        }
        Ok(VersionReq {
            text: text.trim().to_string(),
            range,
        })
    }

    #[cfg(test)]
    pub(crate) fn matches(&self, v: &Version) -> bool {
        self.range.contains_version(v)
    }
}

impl fmt::Display for VersionReq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Where camguard learned a version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionSource {
    /// A container image reference, as written.
    Image(String),
    /// A Helm chart: the `Chart.yaml` path and what it said.
    Chart(String),
    /// `camunda-version` in camguard.toml or `--camunda-version`.
    Configured,
    /// A field of the resource that runs it, for people: `` `spec.version: 8.17.0` of
    /// Elasticsearch/quickstart `` (an ECK resource).
    Field(String),
}

impl fmt::Display for VersionSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionSource::Image(i) => write!(f, "image `{i}`"),
            VersionSource::Chart(c) => f.write_str(c),
            VersionSource::Configured => f.write_str("camunda-version"),
            VersionSource::Field(what) => f.write_str(what),
        }
    }
}

/// A version a component is known to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownVersion {
    pub product: Product,
    pub version: Version,
    pub source: VersionSource,
}

/// The product whose version a product's rules compare: Camunda Run is Camunda 7.
pub(crate) fn version_line(p: Product) -> Product {
    match p {
        Product::Camunda7Run => Product::Camunda7,
        p => p,
    }
}

/// The product and version an image reference names, when its tag is a version.
/// `latest`, digests without a tag, variables and other tags are unknown (`None`).
pub(crate) fn image_version(image: &str) -> Option<(Product, Version)> {
    let no_digest = image.split('@').next().unwrap_or(image).trim();
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    let colon = no_digest[last_slash..].find(':')? + last_slash;
    let repo = no_digest[..colon].to_ascii_lowercase();
    let tag = &no_digest[colon + 1..];
    let parts: Vec<&str> = repo.split('/').collect();
    let name = parts.last().copied().unwrap_or("");
    let owner = if parts.len() >= 2 {
        parts[parts.len() - 2]
    } else {
        ""
    };
    let product = match (owner, name) {
        (
            "camunda",
            "camunda" | "zeebe" | "operate" | "tasklist" | "identity" | "connectors"
            | "connectors-bundle",
        ) => Product::Camunda8,
        ("camunda", "optimize") => Product::Optimize,
        ("camunda", "camunda-bpm-platform") => Product::Camunda7,
        (_, "elasticsearch" | "elasticsearch-oss") => Product::Elasticsearch,
        (_, "opensearch") => Product::Opensearch,
        _ => return None,
    };
    let tag = match product {
        // `run-7.23.0`, `tomcat-7.23.0`, `wildfly-7.23.0`, `7.23.0`.
        Product::Camunda7 => ["run-", "tomcat-", "wildfly-"]
            .iter()
            .find_map(|p| tag.strip_prefix(p))
            .unwrap_or(tag),
        _ => tag,
    };
    let v = Version::parse(tag)?;
    // A tag that is only a major (`camunda/zeebe:8`) still says something; `SNAPSHOT`
    // suffixes are pre-releases of their line.
    let plausible = match product {
        Product::Camunda8 => v.major == 8,
        Product::Camunda7 => v.major == 7,
        Product::Optimize => v.major == 3 || v.major == 8,
        _ => v.major > 0,
    };
    plausible.then_some((product, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn versions_parse_partial_and_suffixed_forms() {
        assert_eq!(v("8.8.1"), Version::new(8, 8, 1));
        assert_eq!(v("v8.8.1"), Version::new(8, 8, 1));
        assert_eq!(v("8.8").patch, None);
        assert_eq!(v("8.8.x").patch, None);
        assert_eq!(v("8.8.x").minor, Some(8));
        assert_eq!(v("8.x").minor, None);
        assert_eq!(v("8.8.0-alpha4").pre.as_deref(), Some("alpha4"));
        assert_eq!(
            v("8.15.0-debian-12-r0").pre.as_deref(),
            Some("debian-12-r0")
        );
        for bad in [
            "", "latest", "SNAPSHOT", "8.x.1", "1.2.3.4", "8..1", "a.b", "8.8.1-", "8.8.1 x", "-1",
            "8.8-$X",
        ] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn versions_order_by_release_then_pre_release() {
        let mut vs = [
            v("8.10.0"),
            v("8.8.1"),
            v("8.8.0"),
            v("8.8.0-alpha4"),
            v("8.9"),
        ];
        vs.sort();
        let shown: Vec<String> = vs.iter().map(|v| v.to_string()).collect();
        assert_eq!(shown, ["8.8.0-alpha4", "8.8.0", "8.8.1", "8.9", "8.10.0"]);
        assert!(v("8.10.0") > v("8.9.9"));
    }

    #[test]
    fn requirements_cover_whole_partial_versions() {
        let r = |s: &str| VersionReq::parse(s).unwrap();
        assert!(r("<8.8").matches(&v("8.7.5")));
        assert!(!r("<8.8").matches(&v("8.8.0")));
        assert!(
            r(">=8.8").matches(&v("8.8.0-alpha1")),
            "pre-releases are their line"
        );
        assert!(r(">=8.8").matches(&v("8.10")));
        assert!(r("<=8.7").matches(&v("8.7.99")));
        assert!(r(">8.7").matches(&v("8.8")));
        assert!(!r(">8.7").matches(&v("8.7.1")));
        assert!(r("8.7").matches(&v("8.7.3")));
        assert!(r(">=8.6, <8.8").matches(&v("8.6")));
        assert!(!r(">=8.6, <8.8").matches(&v("8.8.0")));
        // A partial version straddling a bound is not matched either way.
        assert!(!r("<8.8.3").matches(&v("8.8")));
        assert!(!r(">=8.8.3").matches(&v("8.8")));
        assert!(!r(">=8.8").matches(&v("8")));
        for bad in [
            "",
            ">=",
            "8.8 <9",
            ">=8.8, <8.8",
            "~8.8",
            ">=8.8.0-alpha1",
            "latest",
        ] {
            assert!(VersionReq::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges_describe_themselves() {
        let d = |s: &str| VersionReq::parse(s).unwrap().range.describe();
        assert_eq!(d(">=8.8"), "8.8 or later");
        assert_eq!(d("<8.8"), "before 8.8");
        assert_eq!(d(">=8.6, <8.8"), "8.6 to 8.7");
        assert_eq!(d("8.7"), "8.7");
        assert_eq!(d(">=8.8.2, <8.9"), "8.8.2 or later, before 8.9");
        assert_eq!(d(">=7.20, <7.20.3"), "7.20 or later, before 7.20.3");
    }

    #[test]
    fn images_name_their_product_and_version() {
        let iv = |s: &str| image_version(s).map(|(p, v)| (p, v.to_string()));
        assert_eq!(
            iv("camunda/camunda:8.8.1"),
            Some((Product::Camunda8, "8.8.1".into()))
        );
        assert_eq!(
            iv("docker.io/camunda/zeebe:8.6.3"),
            Some((Product::Camunda8, "8.6.3".into()))
        );
        assert_eq!(
            iv("camunda/operate:8.7"),
            Some((Product::Camunda8, "8.7".into()))
        );
        assert_eq!(
            iv("camunda/tasklist:8.7.2@sha256:abc"),
            Some((Product::Camunda8, "8.7.2".into()))
        );
        assert_eq!(
            iv("camunda/optimize:8.7.0"),
            Some((Product::Optimize, "8.7.0".into()))
        );
        assert_eq!(
            iv("registry:5000/camunda/optimize:3.14.0"),
            Some((Product::Optimize, "3.14.0".into()))
        );
        assert_eq!(
            iv("camunda/camunda-bpm-platform:run-7.23.0"),
            Some((Product::Camunda7, "7.23.0".into()))
        );
        assert_eq!(
            iv("camunda/camunda-bpm-platform:tomcat-7.22.0"),
            Some((Product::Camunda7, "7.22.0".into()))
        );
        assert_eq!(
            iv("docker.elastic.co/elasticsearch/elasticsearch:8.17.10"),
            Some((Product::Elasticsearch, "8.17.10".into()))
        );
        assert_eq!(
            iv("elasticsearch:7.17.9"),
            Some((Product::Elasticsearch, "7.17.9".into()))
        );
        assert_eq!(
            iv("bitnami/elasticsearch:8.15.0-debian-12-r0"),
            Some((Product::Elasticsearch, "8.15.0-debian-12-r0".into()))
        );
        assert_eq!(
            iv("opensearchproject/opensearch:2.11.1"),
            Some((Product::Opensearch, "2.11.1".into()))
        );
        for unknown in [
            "camunda/camunda:latest",
            "camunda/camunda",
            "camunda/camunda@sha256:0123",
            "camunda/zeebe:${CAMUNDA_VERSION}",
            "camunda/camunda:SNAPSHOT",
            "camunda/camunda-bpm-platform:run-latest",
            "camunda/zeebe:7.0.0",
            "postgres:16.1",
            "registry:5000/camunda",
        ] {
            assert_eq!(image_version(unknown), None, "{unknown}");
        }
    }
}
