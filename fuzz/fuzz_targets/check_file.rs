#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/fuzzing.rs"]
mod fuzzing;

// The first byte picks the file kind; the rest is the file's bytes.
fuzz_target!(|data: &[u8]| {
    fuzzing::check_file(data);
});
