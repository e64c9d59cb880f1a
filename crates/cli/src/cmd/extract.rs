//! `plantrack extract` — draft a plan from a policy text.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {}

pub fn run(_args: ExtractArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("extract: not built yet (issue 7)")
}
