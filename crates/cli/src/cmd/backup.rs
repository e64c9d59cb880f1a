//! `plantrack backup FILE` — a consistent copy of the store while it runs: on SQLite a database file (online
//! backup), on PostgreSQL a logical export (JSON lines) that restores into either engine.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{BadInput, StoreArgs, runtime};

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The backup file to write (must not exist).
    pub file: PathBuf,
}

pub fn run(args: &BackupArgs, store: &StoreArgs) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async {
        let store = store.open().await?;
        let r = store.backup(&args.file).await;
        store.close().await;
        r.map_err(|e| match e {
            plantrack_store::StoreError::Invalid { reason, .. } => {
                anyhow::Error::new(BadInput(format!("{}: {reason}", args.file.display())))
            }
            other => anyhow::Error::new(other),
        })
    })?;
    super::note(&format!("已备份 backup written: {}", args.file.display()));
    Ok(ExitCode::SUCCESS)
}
