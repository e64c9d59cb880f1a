//! `plantrack evaluate` — enterprise qualification (科技型中小企业, 高新技术企业 …).

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct EvaluateArgs {}

pub fn run(_args: EvaluateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("evaluate: not built yet (issue 3)")
}
