#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    camguard::cli::main()
}
