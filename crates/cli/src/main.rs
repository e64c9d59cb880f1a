//! `plantrack`, the binary: parses the command line once into a typed command, then hands it to one
//! module of `cmd/`. Exit codes: 0 ok, 1 unexpected failure, 2 bad input (nothing was changed).

mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => cmd::report_error(&err),
    }
}
