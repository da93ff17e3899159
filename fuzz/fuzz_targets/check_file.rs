#![no_main]
use libfuzzer_sys::fuzz_target;

// Each target uses one entry point of the shared module.
#[allow(dead_code)]
#[path = "../../tests/support/fuzzing.rs"]
mod fuzzing;

// The first byte picks the file kind; the rest is the file's bytes.
fuzz_target!(|data: &[u8]| {
    fuzzing::check_file(data);
});
