//! `plantrack serve [--addr 127.0.0.1:8080] [--db PATH | --database URL] [--demo]` — the main job: the web
//! application and its JSON API on one address, the embedded SQLite store by default.
//!
//! On first run (an empty store) or with `--demo` the synthetic demo district is loaded, so a new user sees a
//! living plan at once. SIGINT (Ctrl-C) or SIGTERM stop it gracefully: requests in flight finish first.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use plantrack_web::{AppState, WebConfig};

use super::{BadInput, StoreArgs};

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (use 0.0.0.0:8080 to serve the local network).
    #[arg(long, default_value = "127.0.0.1:8080", env = "PLANTRACK_ADDR")]
    pub addr: SocketAddr,
    /// Load the demo district (synthetic, labelled) even if the store is not empty.
    #[arg(long)]
    pub demo: bool,
    /// Mark cookies `Secure` (when a TLS proxy is in front; otherwise `X-Forwarded-Proto: https` does it).
    #[arg(long, env = "PLANTRACK_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you trust) for login throttling.
    #[arg(long)]
    pub trust_forwarded_for: bool,
    /// Largest upload in MB (import files).
    #[arg(long, default_value_t = 20, value_name = "MB")]
    pub max_upload_mb: usize,
    /// Mail settings for reminder mails (催办邮件; `[mail]` table, see `plantrack remind`): checked every hour,
    /// each reminder mailed at most once a day. Off unless the file says `enabled = true`.
    #[arg(long, env = "PLANTRACK_MAIL_CONFIG", value_name = "FILE.toml")]
    pub mail_config: Option<std::path::PathBuf>,
    /// The day the supervision pages take as today (业务日期, YYYY-MM-DD). Default: today in China Standard
    /// Time — except on a store holding the demo, which is seen on the day its supervision history ends.
    #[arg(long, env = "PLANTRACK_TODAY", value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

pub fn run(args: &ServeArgs, store: &StoreArgs) -> anyhow::Result<ExitCode> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PLANTRACK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    let mail = args
        .mail_config
        .as_deref()
        .map(super::remind::load_mail_settings)
        .transpose()?
        .filter(|m| m.enabled);
    let today = super::parse_day("--today", args.today.as_deref())?;
    rt.block_on(async move {
        let store = store.open().await?;
        if let Some(settings) = mail {
            tokio::spawn(mail_reminders(store.clone(), settings));
        }
        tokio::spawn(chain_checks(store.clone()));
        if args.demo {
            tracing::info!("--demo: loading the demo district");
        }
        demo_on_first_run(&store, args.demo).await?;
        let listener = tokio::net::TcpListener::bind(args.addr).await.map_err(|e| {
            BadInput(format!(
                "无法监听 {} / cannot listen on {}: {e}",
                args.addr, args.addr
            ))
        })?;
        let local = listener.local_addr()?;
        super::note(&format!("plantrack: http://{local}/  (Ctrl-C 停止 / to stop)"));
        let clock = plantrack_app::clock::Clock::for_store(&store, today).await?;
        if let Some(day) = clock.fixed_day() {
            super::note(&format!(
                "plantrack: 督办页面按 {day} 显示 / supervision pages show {day} (--today to change)"
            ));
        }
        let config = WebConfig {
            clock,
            secure_cookies: args.secure_cookies,
            trust_forwarded_for: args.trust_forwarded_for,
            max_upload_bytes: args.max_upload_mb.saturating_mul(1024 * 1024),
            ..WebConfig::default()
        };
        plantrack_web::serve(
            AppState::new(store.clone(), config),
            listener,
            plantrack_web::shutdown_signal(),
        )
        .await
        .context("serving")?;
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}

/// Loads the demo district into an empty store (or always with `--demo`: rows are upserted by natural key, so
/// loading it again changes nothing).
async fn demo_on_first_run(store: &plantrack_store::Store, force: bool) -> anyhow::Result<()> {
    let summary = if force {
        Some(
            plantrack_app::demo::load_demo(
                store,
                &super::cli_principal(),
                plantrack_app::demo::DEMO_SEED,
                true,
            )
            .await
            .map_err(super::app_error)?,
        )
    } else {
        plantrack_app::demo::ensure_demo(store)
            .await
            .map_err(super::app_error)?
    };
    if let Some(s) = summary {
        let rows: u64 = s.counts.iter().map(|(_, c)| c.inserted + c.updated).sum();
        super::note(&format!(
            "plantrack: 已写入演示数据（合成，非真实统计）/ demo data loaded (synthetic): {rows} rows"
        ));
    }
    Ok(())
}

/// At start and then every day: check the audit chain and record the result (`chain_check`), which the admins'
/// pages show when the chain is broken; a broken chain or a failed check is logged as an error.
async fn chain_checks(store: plantrack_store::Store) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
    loop {
        tick.tick().await;
        if let Err(e) = plantrack_app::audit::check_and_record(&store).await {
            tracing::error!(error = %e, "the daily audit chain check failed");
        }
    }
}

/// Every hour: mail the day's reminders not mailed yet (the receipts in the store keep it to once a day).
async fn mail_reminders(
    store: plantrack_store::Store,
    settings: plantrack_app::supervision::mail::MailSettings,
) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let plan = match plantrack_app::plan::current_plan(&store).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "reminder mails: no plan");
                continue;
            }
        };
        let ctx = plantrack_app::supervision::Ctx::new(&store, &plan);
        let today = plantrack_app::supervision::local_now().date();
        match plantrack_app::supervision::mail::send_reminders(ctx, &settings, today).await {
            Ok(s) => tracing::info!(
                mails = s.mails,
                reminders = s.reminders,
                failed = s.failed.len(),
                "reminder mails"
            ),
            Err(e) => tracing::error!(error = %e, "reminder mails failed"),
        }
    }
}
