//! `plantrack export KIND -o FILE.xlsx|FILE.csv` — a registry with its import headers (the file imports back
//! unchanged), or `indicators`: every observed and derived data-element value per org unit and period (its CSV
//! is the file `plantrack status --data` reads).

use std::path::PathBuf;
use std::process::ExitCode;

use plantrack_app::export::{ExportFormat, ExportWhat, export};

use super::{BadInput, StoreArgs, app_error, cli_principal, runtime};

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// A registry (enterprises, qualifications, contracts, talents, platforms, observations, financing, funding,
    /// achievements, org_units) or `indicators` (the indicator table).
    pub kind: String,
    /// Where to write: `.csv` gives CSV (UTF-8), anything else XLSX.
    #[arg(short, long, value_name = "FILE.xlsx")]
    pub output: PathBuf,
}

pub fn run(args: &ExportArgs, store: &StoreArgs) -> anyhow::Result<ExitCode> {
    let what: ExportWhat = args.kind.parse().map_err(app_error)?;
    let format = ExportFormat::for_file(&args.output.to_string_lossy());
    let bytes = runtime()?.block_on(async {
        let store = store.open_read_only().await?;
        let r = export(&store, &cli_principal(), what, format)
            .await
            .map_err(app_error);
        store.close().await;
        r
    })?;
    std::fs::write(&args.output, bytes)
        .map_err(|e| BadInput(format!("{}: 无法写入 / cannot write: {e}", args.output.display())))?;
    super::note(&format!("已导出 exported: {}", args.output.display()));
    Ok(ExitCode::SUCCESS)
}
