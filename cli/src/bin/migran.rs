//! The `migran` command; everything but the entry lives in the library (`cli/src/lib.rs`),
//! which fuzz/ also reaches to drive the argument parser with arbitrary words.

fn main() -> std::process::ExitCode {
    migran_cli::main()
}
