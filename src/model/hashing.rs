//! The hash maps of the hot paths. std's SipHash costs more than the lookups around it
//! for the short keys camguard hashes (setting keys, paths, indices); foldhash (what
//! hashbrown uses by default) is several times cheaper and, seeded per process, keeps
//! keys an attacker chose (file names, setting keys of a pull request) from being made to
//! collide in advance. Nothing iterates these maps to produce output: every output is
//! sorted, so the order they would give does not matter.

pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub(crate) type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
