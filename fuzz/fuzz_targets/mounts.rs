#![no_main]
use libfuzzer_sys::fuzz_target;

// Each target uses one entry point of the shared module.
#[allow(dead_code)]
#[path = "../../tests/support/fuzzing.rs"]
mod fuzzing;

// A compose file whose volumes and configs are resolved against a fixed set of files.
fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        fuzzing::mounts(text);
    }
});
