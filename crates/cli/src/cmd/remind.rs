//! `plantrack remind --mail-config FILE.toml [--on YYYY-MM-DD]` — mails every configured user the reminders (催办)
//! of their inbox not yet mailed that day, through the SMTP relay of the mail settings (`[mail]` table: `enabled`,
//! `host`, `port`, `from`, `helo`, `timeout_secs`, `[mail.recipients]` user = address). Run it daily from cron, or
//! let `plantrack serve --mail-config FILE` do it every hour. Off unless `enabled = true`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiff::civil::Date;
use plantrack_app::supervision::mail::{MailSettings, send_reminders};
use plantrack_app::supervision::{Ctx, local_now};

use super::{BadInput, StoreArgs, app_error, runtime};

#[derive(Debug, clap::Args)]
pub struct RemindArgs {
    /// Mail settings (TOML with a `[mail]` table).
    #[arg(long, env = "PLANTRACK_MAIL_CONFIG", value_name = "FILE.toml")]
    pub mail_config: PathBuf,
    /// The day whose reminders are sent (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub on: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MailFile {
    #[serde(default)]
    mail: MailSettings,
}

/// Reads the mail settings; every problem names the file.
pub fn load_mail_settings(path: &Path) -> anyhow::Result<MailSettings> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| BadInput(format!("{shown}: 无法读取 / cannot read: {e}")))?;
    let file: MailFile = toml::from_str(&text)
        .map_err(|e| BadInput(format!("{shown}: 邮件设置有误 / bad mail settings: {e}")))?;
    Ok(file.mail)
}

pub fn run(args: &RemindArgs, store_args: &StoreArgs) -> anyhow::Result<ExitCode> {
    let settings = load_mail_settings(&args.mail_config)?;
    let on = match &args.on {
        Some(text) => text
            .parse::<Date>()
            .map_err(|e| BadInput(format!("--on: 日期应为 YYYY-MM-DD / a date is YYYY-MM-DD: {e}")))?,
        None => local_now().date(),
    };
    let summary = runtime()?.block_on(async {
        let store = store_args.open().await?;
        let plan = plantrack_app::plan::current_plan(&store)
            .await
            .map_err(app_error)?;
        let out = send_reminders(Ctx::new(&store, &plan), &settings, on)
            .await
            .map_err(app_error);
        store.close().await;
        out
    })?;
    if !settings.enabled {
        super::note("邮件提醒未启用（enabled = false）/ mail reminders are off (enabled = false)");
    }
    super::note(&format!(
        "已发送 {} 封，{} 条提醒 / sent {} mails with {} reminders",
        summary.mails, summary.reminders, summary.mails, summary.reminders
    ));
    for (user, why) in &summary.failed {
        super::note(&format!("  {user}: {why}"));
    }
    Ok(if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
