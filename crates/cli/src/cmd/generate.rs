//! `plantrack gen --enterprises N --seed S -o DIR` — write a synthetic province (合成数据: 辽宁省, 14 cities,
//! 100 county-level units) as import files, one CSV per kind with the import templates' headers, deterministic
//! from the seed. Import them in the order printed (org units first).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use plantrack_app::generate::province::{GEN_YEARS, GenOptions, write_csv_dir};

use super::BadInput;

#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// Enterprises to generate (each with one row of figures per year 2017–2020).
    #[arg(long, default_value_t = 1_000)]
    pub enterprises: u64,
    /// Seed (the same seed gives byte-identical files).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Directory to write the files into (created if missing).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: &GenArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let summary = write_csv_dir(
        &args.out,
        GenOptions {
            enterprises: args.enterprises,
            seed: args.seed,
        },
    )
    .map_err(|e| BadInput(format!("{}: 无法写入 / cannot write: {e}", args.out.display())))?;
    let mut out = anstream::stdout().lock();
    writeln!(
        out,
        "已生成合成数据(非真实统计)/ synthetic data written (not real statistics), seed {}, {} enterprises × {} years, {:.1} s:",
        summary.seed,
        args.enterprises,
        GEN_YEARS.count(),
        started.elapsed().as_secs_f64()
    )?;
    for f in &summary.files {
        writeln!(
            out,
            "  {:<15} {:>9} 行 rows {:>8.1} MB  {}",
            f.kind.name(),
            f.rows,
            f.bytes as f64 / 1e6,
            f.path.display()
        )?;
    }
    writeln!(out, "导入 import, in this order:")?;
    for f in &summary.files {
        writeln!(out, "  plantrack import {} {}", f.kind.name(), f.path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
