#![no_main]
use libfuzzer_sys::fuzz_target;

// Each target uses one entry point of the shared module.
#[allow(dead_code)]
#[path = "../../tests/support/fuzzing.rs"]
mod fuzzing;

// An application.yaml whose `spring.config.import` is resolved against files that import
// each other.
fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        fuzzing::spring_imports(text);
    }
});
