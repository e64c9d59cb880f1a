//! `plantrack audit verify [--from ID] [--format text|json]` — checks the audit log's hash chain (审计链核验,
//! docs/audit.md): each event's hash against its content, each link against the event before, the chain's head
//! against the newest event. Exit 0 with the count verified and the newest event's hash (record it elsewhere: a
//! later check can then notice a chain rewritten from some point on); exit 2 naming the first event that was
//! edited, deleted, inserted or reordered.

use std::process::ExitCode;

use plantrack_app::audit;

use super::{StoreArgs, app_error, cli_principal, print_out, runtime};

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain of the audit log; exit 2 if an event was edited, deleted, inserted or reordered.
    Verify(VerifyArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Sentences in Chinese and English.
    Text,
    /// The report as JSON (`verified`, `first_id`, `head_id`, `head_hash`, `broken`).
    Json,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Start at this event (the event before it is trusted), e.g. the newest one a previous check verified.
    #[arg(long, value_name = "ID")]
    pub from: Option<i64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

pub fn run(cmd: &AuditCommand, store: &StoreArgs) -> anyhow::Result<ExitCode> {
    let AuditCommand::Verify(a) = cmd;
    let report = runtime()?.block_on(async {
        let store = store.open().await?;
        let r = audit::verify(&store, &cli_principal(), a.from).await;
        store.close().await;
        r.map_err(app_error)
    })?;
    let text = match a.format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(&report)?),
        Format::Text => text(&report),
    };
    print_out(&text)?;
    Ok(if report.intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn text(r: &audit::ChainReport) -> String {
    let n = r.verified;
    match (&r.broken, r.head_id, &r.head_hash) {
        (Some(b), _, _) => format!(
            "审计链已被破坏 / the audit chain is broken\n{}\n{}\n此前已核验 {n} 条 / {n} events verified before it\n",
            b.message_zh(),
            b.message_en()
        ),
        (None, Some(head), Some(hash)) => format!(
            "审计链完整 / audit chain intact: 已核验 {n} 条事件 / {n} events verified\n\
             最新事件 / newest event: #{head} sha256 {hash}\n"
        ),
        _ => "审计链完整 / audit chain intact: 没有事件 / no events\n".to_owned(),
    }
}
