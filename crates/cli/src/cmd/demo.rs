//! `plantrack demo` — fill the store with the synthetic demo district (演示数据): about 300 enterprises over
//! 2017–2020 with their qualifications, talents, contracts, platforms, financing, fiscal support, achievements
//! and statistics, as of 2020-09-30, deterministic from `--seed`. Every name says 演示 and every source 合成.

use std::io::Write;
use std::process::ExitCode;

use plantrack_app::demo::{DEMO_SEED, load_demo};

use super::{StoreArgs, app_error, cli_principal, runtime};

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Seed of the synthetic data (the same seed gives the same data).
    #[arg(long, default_value_t = DEMO_SEED)]
    pub seed: u64,
    /// Write the demo data even if the store already holds data (rows are upserted by natural key).
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: &DemoArgs, store: &StoreArgs) -> anyhow::Result<ExitCode> {
    let summary = runtime()?.block_on(async {
        let store = store.open().await?;
        let out = load_demo(&store, &cli_principal(), args.seed, args.force)
            .await
            .map_err(app_error);
        store.close().await;
        out
    })?;
    let mut out = anstream::stdout().lock();
    writeln!(
        out,
        "已写入演示数据(合成,非真实统计)/ demo data written (synthetic, not real statistics), seed {}:",
        summary.seed
    )?;
    for (kind, c) in &summary.counts {
        writeln!(
            out,
            "  {kind:<18} 新增 inserted {:>6}  更新 updated {:>4}  未变 unchanged {:>6}",
            c.inserted, c.updated, c.unchanged
        )?;
    }
    writeln!(out, "下一步 next: plantrack status")?;
    Ok(ExitCode::SUCCESS)
}
