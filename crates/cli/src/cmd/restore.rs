//! `plantrack restore FILE` — replace everything in the store with a backup (a SQLite backup or a logical
//! export, from either engine), in one transaction: on any error nothing changes.

use std::path::PathBuf;
use std::process::ExitCode;

use plantrack_store::Actor;

use super::{BadInput, StoreArgs, cli_principal, runtime};

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup file (`plantrack backup`).
    pub file: PathBuf,
}

pub fn run(args: &RestoreArgs, store: &StoreArgs) -> anyhow::Result<ExitCode> {
    if !args.file.is_file() {
        return Err(BadInput(format!(
            "{}: 没有这个备份文件 / no such backup file",
            args.file.display()
        ))
        .into());
    }
    let summary = runtime()?.block_on(async {
        let store = store.open().await?;
        let r = store
            .restore(&args.file, Actor::user(cli_principal().actor_name()))
            .await;
        store.close().await;
        r.map_err(|e| match e {
            e @ (plantrack_store::StoreError::Invalid { .. } | plantrack_store::StoreError::Io(_)) => {
                anyhow::Error::new(BadInput(format!("{}: {e}", args.file.display())))
            }
            other => anyhow::Error::new(other),
        })
    })?;
    let rows: u64 = summary.rows.values().sum();
    super::note(&format!(
        "已恢复 restored {rows} 行 rows from {} ({} 张表 tables)",
        args.file.display(),
        summary.rows.len()
    ));
    Ok(ExitCode::SUCCESS)
}
