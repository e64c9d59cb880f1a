//! `plantrack`, the binary: parses the command line once into a typed command, then hands it to one
//! module of `cmd/`. Exit codes: 0 ok, 1 unexpected failure, 2 bad input (nothing was changed).

// Output goes through `cmd::print_out` and `cmd::note`: `println!`/`eprintln!` panic on a closed or full stream
// (exit 101, after the work was committed).
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod cmd;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: an import allocates and frees millions of small strings and
/// decimals on three threads, and glibc's malloc spent a sixth of the import's time in its own bookkeeping
/// (`malloc_consolidate`, `_int_free`; measured with `perf record` on `plantrack import enterprises`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Transparent huge pages off for this process, as database servers advise: a bulk import allocates and frees
    // tens of megabytes per batch, and the kernel's compaction to find huge pages for them cost up to a second
    // of system time when other work had fragmented memory (1,000,000-row import, interleaved with sqlite3:
    // 4.57–5.13 s with them, 4.39–4.49 s without). Not fatal if the kernel refuses.
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_thp_disable(true);
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => cmd::report_error(&err),
    }
}
