//! `plantrack`, the binary: parses the command line once into a typed command, then hands it to one
//! module of `cmd/`. Exit codes: 0 ok, 1 unexpected failure, 2 bad input (nothing was changed).

mod cmd;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: an import allocates and frees millions of small strings and
/// decimals on three threads, and glibc's malloc spent a sixth of the import's time in its own bookkeeping
/// (`malloc_consolidate`, `_int_free`; measured with `perf record` on `plantrack import enterprises`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => cmd::report_error(&err),
    }
}
