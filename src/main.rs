#![forbid(unsafe_code)]

// mimalloc instead of the system allocator: camguard allocates many small strings per
// setting and finding on every worker thread, where glibc's malloc/free were a fifth of the
// instructions and contend between threads (BENCHMARKS.md, "Allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    camguard::cli::main()
}
