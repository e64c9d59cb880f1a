//! `plantrack import KIND FILE [--dry-run]` — import an XLSX or CSV file into the store, all or nothing: every
//! row is checked; one bad row and nothing is imported, and every bad row is listed with its row number, column
//! and reason in Chinese and English (exit code 2). Re-importing the same file changes nothing. A progress bar
//! shows on a terminal.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use plantrack_app::import::{ImportReport, ImportRequest, import};
use plantrack_exchange::Kind;

use super::{BadInput, StoreArgs, app_error, cli_principal, runtime};

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// What the file holds: enterprises (企业年报), qualifications (资质), contracts (技术合同), talents (人才),
    /// platforms (平台), observations (统计数据), financing (质押融资), funding (财政资金), achievements
    /// (关键技术与新产品), org_units (区划).
    #[arg(value_parser = parse_kind)]
    pub kind: Kind,
    /// The file: .xlsx/.xls/.ods or .csv (UTF-8 or GBK).
    pub file: PathBuf,
    /// Check every row and count what would change, but import nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Largest file accepted, in MB (the file is held in memory while it is read; a CSV is parsed as a stream).
    #[arg(long, env = "PLANTRACK_IMPORT_MAX_MB", value_name = "MB", default_value_t = DEFAULT_MAX_MB)]
    pub max_size: u64,
}

/// The default size limit: the use case's own ([`plantrack_app::import::MAX_FILE_BYTES`]).
const DEFAULT_MAX_MB: u64 = (plantrack_app::import::MAX_FILE_BYTES / (1024 * 1024)) as u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Lines for people.
    Text,
    /// The report as JSON (what the web API returns).
    Json,
}

pub fn parse_kind(s: &str) -> Result<Kind, String> {
    s.parse::<Kind>().map_err(|e| e.to_string())
}

/// Problems printed in text form before the rest are summarised.
const MAX_PRINTED: usize = 200;

pub fn run(args: &ImportArgs, store: &StoreArgs) -> anyhow::Result<ExitCode> {
    // Refused before it is read, so that a huge file costs no memory.
    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    let limit = args.max_size.min(DEFAULT_MAX_MB).saturating_mul(1024 * 1024);
    if size > limit {
        let (mb, max) = (size.div_ceil(1024 * 1024), limit / (1024 * 1024));
        return Err(BadInput(format!(
            "{}: 文件过大({mb} MB,上限 {max} MB),未导入;请拆分文件后分批导入 / the file is too large ({mb} MB, \
             limit {max} MB); nothing was imported — split it and import the parts",
            args.file.display()
        ))
        .into());
    }
    let bytes = std::fs::read(&args.file).map_err(|e| {
        BadInput(format!(
            "{}: 无法读取文件 / cannot read the file: {e}",
            args.file.display()
        ))
    })?;
    let file_name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} 导入 importing {msg} [{bar:30}] {percent}% {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(file_name.clone());
        bar
    } else {
        ProgressBar::hidden()
    };
    let progress_bar = bar.clone();
    let progress: plantrack_app::import::Progress = Arc::new(move |done, total| {
        progress_bar.set_length(total);
        progress_bar.set_position(done);
    });
    let request = ImportRequest {
        kind: args.kind,
        file_name,
        bytes,
        dry_run: args.dry_run,
        expect_sha256: None,
    };
    let report = runtime()?.block_on(async {
        let store = store.open().await?;
        let r = import(&store, &cli_principal(), request, Some(progress))
            .await
            .map_err(app_error);
        store.close().await;
        r
    });
    bar.finish_and_clear();
    let report = report?;
    let mut out = anstream::stdout().lock();
    match args.format {
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        ReportFormat::Text => print_text(&report, &args.file, &mut out)?,
    }
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn print_text(report: &ImportReport, file: &std::path::Path, out: &mut impl Write) -> std::io::Result<()> {
    let shown = file.display();
    for w in &report.warnings {
        writeln!(out, "注意 note: {w}")?;
    }
    if !report.is_clean() {
        // Problems go to stdout with the report; the summary line to stderr, so scripts see both.
        writeln!(
            out,
            "{shown}: 发现 {} 处错误,未导入任何数据 / {} problems found; nothing was imported",
            report.problems_total, report.problems_total
        )?;
        for p in report.problems.iter().take(MAX_PRINTED) {
            writeln!(out, "  {p}")?;
        }
        if report.problems_total as usize > MAX_PRINTED {
            writeln!(
                out,
                "  … 另有 {} 处 / {} more",
                report.problems_total as usize - MAX_PRINTED,
                report.problems_total as usize - MAX_PRINTED
            )?;
        }
        super::note(&format!(
            "plantrack: {shown}: {} 处错误,未导入 / {} problems, nothing imported",
            report.problems_total, report.problems_total
        ));
        return Ok(());
    }
    let verb = if report.dry_run {
        "检查通过(未导入,--dry-run)/ checked, nothing imported (--dry-run); would be"
    } else {
        "已导入 / imported"
    };
    writeln!(out, "{shown}: {} 行 rows, {verb}:", report.rows_total)?;
    for (table, c) in &report.counts {
        writeln!(
            out,
            "  {table:<18} 新增 inserted {:>8}  更新 updated {:>8}  未变 unchanged {:>8}",
            c.inserted, c.updated, c.unchanged
        )?;
    }
    if let Some(id) = report.batch_id {
        writeln!(out, "  导入批次 import batch #{id}, sha256 {}", report.sha256)?;
    }
    Ok(())
}
