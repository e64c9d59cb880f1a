//! `plantrack status`.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct StatusArgs {}

pub fn run(_args: StatusArgs, _store: &super::StoreArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("status: not built yet (issue 2)")
}
