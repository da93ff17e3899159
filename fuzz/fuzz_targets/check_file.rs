#![no_main]
use libfuzzer_sys::fuzz_target;

// The first byte picks the file kind; the rest is the file's bytes.
fuzz_target!(|data: &[u8]| {
    camguard::fuzzing::check_file(data);
});
