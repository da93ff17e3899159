#![no_main]
use libfuzzer_sys::fuzz_target;

// Each target uses one entry point of the shared module.
#[allow(dead_code)]
#[path = "../../tests/support/fuzzing.rs"]
mod fuzzing;

// A values file merged over the embedded defaults of chart 13.12.7.
fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        fuzzing::helm_merge(text);
    }
});
