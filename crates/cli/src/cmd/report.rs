//! `plantrack report` — the periodic supervision report (督导检查通报) of a period from the store, as DOCX or
//! XLSX (the format follows the output file's extension). With `--issue` the report is also issued: its figures
//! are frozen in the store, to be shown later exactly as issued.
//!
//! The CLI acts as the operator on the server, with the administrator's rights (`cli:<login>` in the audit log).

use std::path::PathBuf;
use std::process::ExitCode;

use jiff::civil::Date;
use plantrack_app::clock::Clock;
use plantrack_app::report::{
    BulletinOptions, ReportFormat, build_bulletin, default_as_of, issue_report, render,
};
use plantrack_app::supervision::Ctx;
use plantrack_core::period::Period;

use super::{BadInput, StoreArgs, app_error, cli_principal, runtime};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Period reported on: `2019Q4`, `2019-11` or `2019`.
    #[arg(long, value_name = "P")]
    pub period: String,
    /// Output file; `.docx` (official document) or `.xlsx` (the tables).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Plan file; default: the embedded Shuangtaizi plan.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Observations CSV for the targets' statuses instead of the store's (header
    /// `org_unit,period,data_element,value`).
    #[arg(long, value_name = "FILE.csv")]
    pub data: Option<PathBuf>,
    /// Figures as of the end of this day (default: the period's last day, or today while the period runs).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Issue the report: freeze its figures in the store (as of today).
    #[arg(long)]
    pub issue: bool,
    /// 发文字号, e.g. 双科督〔2020〕1号.
    #[arg(long, value_name = "TEXT")]
    pub number: Option<String>,
    /// 发文机关 (default: the plan's issuing body).
    #[arg(long, value_name = "TEXT")]
    pub issuer: Option<String>,
}

pub fn run(args: &ReportArgs, store_args: &StoreArgs) -> anyhow::Result<ExitCode> {
    let format = ReportFormat::from_file_name(&args.output.to_string_lossy()).map_err(app_error)?;
    let period = Period::parse(&args.period).map_err(|e| BadInput(format!("--period: {e}")))?;
    let as_of = match &args.as_of {
        Some(text) => Some(text.parse::<Date>().map_err(|e| {
            BadInput(format!(
                "--as-of: 日期应为 YYYY-MM-DD / a date is YYYY-MM-DD: {text:?} ({e})"
            ))
        })?),
        None => None,
    };
    if args.issue && args.as_of.is_some() {
        return Err(BadInput(
            "--issue 与 --as-of 不能同时使用：通报按印发当日的数据冻结 / --issue freezes today's figures; drop --as-of"
                .into(),
        )
        .into());
    }
    let plan = super::plan::load(args.plan.as_deref())?;
    let statuses = match &args.data {
        Some(path) => {
            let data = super::status::read_observations(path, &plan)?;
            Some(plantrack_core::progress::plan_status(
                &plan,
                &data,
                &plan.meta().org_unit,
                period,
            ))
        }
        None => None,
    };
    let options = BulletinOptions {
        number_line: args.number.clone(),
        issuer: args.issuer.clone(),
        recipients: None,
    };
    let bytes = runtime()?.block_on(async {
        // Only issuing writes (the frozen figures); a preview reads, so it works on a read-only store.
        let store = if args.issue {
            store_args.open().await?
        } else {
            store_args.open_read_only().await?
        };
        let plan = match args.plan.as_deref() {
            Some(_) => plan,
            None => {
                plantrack_app::status::current_plan(&store)
                    .await
                    .map_err(app_error)?
                    .plan
            }
        };
        let ctx = Ctx::new(&store, &plan);
        let operator = cli_principal();
        let clock = Clock::for_store(&store, None).await.map_err(app_error)?;
        let today = clock.today();
        let as_of = as_of.unwrap_or_else(|| default_as_of(period, today));
        let bulletin = if args.issue {
            let issued = issue_report(ctx, &operator, period, &options, statuses, clock.now())
                .await
                .map_err(app_error)?;
            super::note(&format!(
                "已印发第 {} 号通报，数据已冻结 / issued report no. {}, figures frozen (sha256 {})",
                issued.report_no, issued.report_no, issued.sha256
            ));
            issued.bulletin
        } else {
            build_bulletin(
                ctx,
                &operator,
                period,
                as_of,
                today.max(as_of),
                &options,
                statuses,
            )
            .await
            .map_err(app_error)?
        };
        let bytes = render(bulletin, format).await.map_err(app_error)?;
        store.close().await;
        anyhow::Ok(bytes)
    })?;
    std::fs::write(&args.output, &bytes)
        .map_err(|e| BadInput(format!("{}: 无法写入 / cannot write: {e}", args.output.display())))?;
    super::note(&format!(
        "已生成 / written: {} ({} bytes)",
        args.output.display(),
        bytes.len()
    ));
    Ok(ExitCode::SUCCESS)
}
