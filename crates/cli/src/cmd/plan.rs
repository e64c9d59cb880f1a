//! `plantrack plan show|check`.

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum PlanCommand {
    /// Print the plan (default: the embedded Shuangtaizi plan).
    Show,
}

pub fn run(_cmd: PlanCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("plan show: not built yet (issue 2)")
}
