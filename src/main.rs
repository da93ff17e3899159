#![forbid(unsafe_code)]

// mimalloc instead of the system allocator: camguard allocates many small strings per
// setting and finding on every worker thread, where glibc's malloc/free were a fifth of the
// instructions (BENCHMARKS.md, "Allocation, build profile and per-finding work"). Its 2.x
// line without transparent huge pages (Cargo.toml features): 3.x and huge pages held up to
// 155 MB at the peak where glibc held 94 MB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    camguard::cli::main()
}
