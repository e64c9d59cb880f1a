//! The command tree. Each subcommand lives in its own module, which owns its `Args` and its `run`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Global options shared by every subcommand that touches the store.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    /// SQLite file of the embedded store (default: in the user's data directory).
    #[arg(long, global = true, env = "PLANTRACK_DB", value_name = "PATH")]
    pub db: Option<std::path::PathBuf>,
    /// Database URL instead of the embedded file, e.g. `postgres://user@host/plantrack`.
    #[arg(
        long,
        global = true,
        env = "PLANTRACK_DATABASE_URL",
        value_name = "URL",
        conflicts_with = "db"
    )]
    pub database: Option<String>,
}

impl StoreArgs {
    /// The store's URL: `--database`, else the SQLite file `--db`, else the default file in the data directory.
    pub fn url(&self) -> String {
        match (&self.database, &self.db) {
            (Some(url), _) => url.clone(),
            (None, Some(path)) => plantrack_store::sqlite_url(path),
            (None, None) => plantrack_store::sqlite_url(&plantrack_store::default_sqlite_path()),
        }
    }

    /// Open (and migrate) the store, creating a SQLite file that does not exist yet: for commands that write.
    pub async fn open(&self) -> anyhow::Result<plantrack_store::Store> {
        let url = self.url();
        let opened = plantrack_store::Store::open(&url).await;
        opened.map_err(|e| store_error(e, &url))
    }

    /// Open an existing store for reading only (no file created, no migration, works on a read-only file or
    /// mount): for commands that only read. A store that does not exist is the user's mistake (a mistyped
    /// `--db`), exit 2 — answering from an empty store would look like a plan with no data.
    pub async fn open_read_only(&self) -> anyhow::Result<plantrack_store::Store> {
        let url = self.url();
        let opened = plantrack_store::Store::open_read_only(&url).await;
        opened.map_err(|e| store_error(e, &url))
    }
}

/// A store that cannot be opened, with its (redacted) address; the problems the user can fix exit 2.
fn store_error(e: plantrack_store::StoreError, url: &str) -> anyhow::Error {
    use plantrack_store::StoreError as E;
    let context = format!(
        "无法打开数据库 / cannot open the store {}",
        plantrack_store::redact(url)
    );
    match e {
        E::Missing(_) | E::ReadOnly { .. } | E::SchemaOutdated { .. } => {
            anyhow::Error::new(BadInput(e.to_string())).context(context)
        }
        other => anyhow::anyhow!(other).context(context),
    }
}

/// A single-threaded runtime for the commands that use the store (the CLI runs one command at a time).
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Who acts on the command line: whoever may open the store file acts as its administrator; the audit log
/// records `cli:<login name>`.
pub fn cli_principal() -> plantrack_app::Principal {
    let login = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "local".into());
    plantrack_app::Principal::User {
        id: 0,
        username: format!("cli:{login}"),
        role: plantrack_app::Role::Admin,
        department: None,
        enterprise: None,
        ip: None,
    }
}

/// A use case's error for the CLI: the user's input (invalid, unknown, conflicting) exits 2, the rest 1.
pub fn app_error(err: plantrack_app::AppError) -> anyhow::Error {
    use plantrack_app::AppError as E;
    match err {
        E::Invalid(_) | E::NotFound { .. } | E::Conflict(_) | E::Stale { .. } | E::TooLarge { .. } => {
            BadInput(err.to_string()).into()
        }
        other => anyhow::Error::new(other),
    }
}

/// plantrack — tracks a science-and-technology action plan (科技行动计划): its targets (主要目标),
/// key tasks (重点任务) and safeguards (保障措施), for a district, city or province.
#[derive(Debug, Parser)]
#[command(name = "plantrack", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show or check a plan file (规划/行动计划).
    #[command(subcommand)]
    Plan(plan::PlanCommand),
    /// Targets with value, status and reason (目标完成情况) for an org unit and period.
    Status(status::StatusArgs),
    /// Judge enterprises against the national rules (科技型中小企业, 高新技术企业, 规上, 加计扣除) and show the gap.
    Evaluate(evaluate::EvaluateArgs),
    /// Draft a plan from a policy text (政策文本): targets, tasks, departments.
    Extract(extract::ExtractArgs),
    /// Fill the store with a synthetic demo district (演示数据, clearly labelled) to see a living plan.
    Demo(demo::DemoArgs),
    /// Write a synthetic province (合成数据: 1 province, 14 cities, 100 districts) as import files (CSV).
    #[command(name = "gen")]
    Gen(generate::GenArgs),
    /// Serve the web application and the JSON API (the main job).
    Serve(serve::ServeArgs),
    /// Manage users (用户).
    #[command(subcommand)]
    User(user::UserCommand),
    /// Manage API tokens (接口令牌).
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Import an XLSX/CSV file into a registry (导入), all or nothing; bad rows are listed (exit 2).
    Import(import::ImportArgs),
    /// Write the import template of a registry (导入模板) with notes and drop-down lists.
    Template(template::TemplateArgs),
    /// Export a registry or the indicator table (导出) to XLSX or CSV.
    Export(export::ExportArgs),
    /// Back up the store to a file (备份) while it runs.
    Backup(backup::BackupArgs),
    /// Replace the store's data with a backup (恢复).
    Restore(restore::RestoreArgs),
    /// The periodic supervision report (督导检查通报) of a period, as .docx or .xlsx.
    Report(report::ReportArgs),
    /// Check the audit log's hash chain (审计链核验).
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Mail the day's reminders (催办) to the configured users (off unless the mail settings enable it).
    Remind(remind::RemindArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Plan(c) => plan::run(c),
        Command::Status(a) => status::run(a, &cli.store),
        Command::Evaluate(a) => evaluate::run(a),
        Command::Extract(a) => extract::run(&a),
        Command::Report(a) => report::run(&a, &cli.store),
        Command::Remind(a) => remind::run(&a, &cli.store),
        Command::Audit(c) => audit::run(&c, &cli.store),
        Command::Demo(a) => demo::run(&a, &cli.store),
        Command::Gen(a) => generate::run(&a),
        Command::Serve(a) => serve::run(&a, &cli.store),
        Command::User(c) => user::run(c, &cli.store),
        Command::Token(c) => token::run(c, &cli.store),
        Command::Import(a) => import::run(&a, &cli.store),
        Command::Template(a) => template::run(&a),
        Command::Export(a) => export::run(&a, &cli.store),
        Command::Backup(a) => backup::run(&a, &cli.store),
        Command::Restore(a) => restore::run(&a, &cli.store),
    }
}

/// Write `text` to standard output and flush it. A closed pipe or a full disk is an error returned to the caller
/// (`println!` would panic, exit 101, after the command's work was committed).
pub fn print_out(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// A diagnostic line on standard error. If standard error itself cannot be written there is nowhere left to
/// report that, and the command's result must not change because of it (`eprintln!` would panic).
pub fn note(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// What a command must show before its work is committed (a new token, the user it created) could not be
/// written: the work is rolled back. Deliberately no `source`: a closed pipe here is a failure, not the quiet
/// end of a listing piped into `head` (see [`report_error`]).
#[derive(Debug, thiserror::Error)]
#[error(
    "{what}无法写到标准输出，未保存 / {what_en} could not be written to standard output and was not kept: {reason}"
)]
pub struct NotShown {
    /// What, in Chinese.
    pub what: &'static str,
    /// What, in English.
    pub what_en: &'static str,
    /// The output error.
    pub reason: String,
}

/// [`print_out`] for a use case that shows something before committing: an output error becomes [`NotShown`].
pub fn show_before_commit(
    text: &str,
    what: &'static str,
    what_en: &'static str,
) -> Result<(), plantrack_app::AppError> {
    print_out(text).map_err(|e| {
        plantrack_app::AppError::Unexpected(Box::new(NotShown {
            what,
            what_en,
            reason: e.to_string(),
        }))
    })
}

/// Errors that are the user's input, not our fault: reported without a backtrace, exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// A `YYYY-MM-DD` option's value.
pub fn parse_day(flag: &str, text: Option<&str>) -> Result<Option<jiff::civil::Date>, BadInput> {
    text.map(|t| {
        t.trim().parse().map_err(|e| {
            BadInput(format!(
                "{flag}: 日期应为 YYYY-MM-DD / a date is YYYY-MM-DD: {t:?} ({e})"
            ))
        })
    })
    .transpose()
}

pub fn report_error(err: &anyhow::Error) -> ExitCode {
    // A closed pipe (`plantrack plan show | head`) is not a failure.
    if err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    }) {
        return ExitCode::SUCCESS;
    }
    note(&format!("plantrack: {err:#}"));
    if err.chain().any(|c| c.downcast_ref::<BadInput>().is_some()) {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

pub mod audit;
pub mod backup;
pub mod demo;
pub mod evaluate;
pub mod export;
pub mod extract;
pub mod generate;
pub mod import;
pub mod plan;
pub mod remind;
pub mod report;
pub mod restore;
pub mod serve;
pub mod status;
pub mod template;
pub mod token;
pub mod user;
