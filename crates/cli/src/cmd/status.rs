//! `plantrack status` — every target of the plan with its value, status, method, forecast and reason, for one
//! org unit and period.
//!
//! Without `--data` the observations come from the store (`--db PATH` / `--database URL`), with the derived
//! elements computed from its registries (`plantrack_app::status`).
//!
//! With `--data FILE.csv` the observations come from the file (header `org_unit,period,data_element,value`;
//! every data element in it is taken as given, derived ones included). The file is read completely and checked
//! before anything is computed: any bad row → every bad row reported (file, line, field, reason), exit 2.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use owo_colors::OwoColorize;
use plantrack_core::indicator::Observations;
use plantrack_core::period::Period;
use plantrack_core::plan::{DataElementId, OrgUnitCode, Plan};
use plantrack_core::progress::{Status, StatusReport, plan_status};
use rust_decimal::{Decimal, RoundingStrategy};
use unicode_width::UnicodeWidthStr;

use super::BadInput;

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Observations CSV (header `org_unit,period,data_element,value`; periods `2019`, `2019Q3`, `2019-07`).
    #[arg(long, value_name = "FILE.csv")]
    pub data: Option<PathBuf>,
    /// Plan file; default: the embedded Shuangtaizi plan.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Org unit (区划代码, GB/T 2260); default: the plan's own.
    #[arg(long, value_name = "CODE")]
    pub org_unit: Option<String>,
    /// Period (统计期) `2019`, `2019Q3` or `2019-07`; default: the latest with data.
    #[arg(long, value_name = "P")]
    pub period: Option<String>,
    /// Output format (the table is coloured on a terminal, plain when piped).
    #[arg(long, value_enum, default_value_t = StatusFormat::Table)]
    pub format: StatusFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    /// Aligned table with the reasons below it.
    Table,
    /// `{"plan", "org_unit", "period", "targets": [...]}`, numbers as decimal strings.
    Json,
}

/// Most problems listed before the rest are summarised (a wrong file can have thousands).
const MAX_LISTED: usize = 50;

pub fn run(args: StatusArgs, store: &super::StoreArgs) -> anyhow::Result<ExitCode> {
    let StatusArgs {
        data,
        plan,
        org_unit,
        period,
        format,
    } = args;
    let Some(data_path) = data.as_deref() else {
        // No file: the store, with derived elements computed from its registries.
        let plan = plan.as_deref().map(|p| super::plan::load(Some(p))).transpose()?;
        return from_store(plan, org_unit, period, format, store);
    };
    let plan = super::plan::load(plan.as_deref())?;
    let data = read_observations(data_path, &plan)?;
    let org = match &org_unit {
        None => plan.meta().org_unit.clone(),
        Some(text) => {
            let code = OrgUnitCode::parse(text).map_err(|e| BadInput(format!("--org-unit: {e}")))?;
            if plan.org_unit(&code).is_none() {
                return Err(BadInput(format!(
                    "--org-unit: 计划中没有区划 {code} / org unit {code} is not in the plan"
                ))
                .into());
            }
            code
        }
    };
    let period = match &period {
        Some(text) => Period::parse(text).map_err(|e| BadInput(format!("--period: {e}")))?,
        None => data.latest_period().ok_or_else(|| {
            BadInput(format!(
                "{}: 文件中没有数据 / the file holds no observations",
                data_path.display()
            ))
        })?,
    };
    let report = plan_status(&plan, &data, &org, period);
    print(format, &plan, &report)
}

/// Status from the store (`--db` / `--database`): the same report as from a CSV.
fn from_store(
    plan: Option<Plan>,
    org_unit: Option<String>,
    period: Option<String>,
    format: StatusFormat,
    store: &super::StoreArgs,
) -> anyhow::Result<ExitCode> {
    use plantrack_app::status::{PlanData, StatusQuery};
    let (plan, report) = super::runtime()?.block_on(async {
        let store = store.open_read_only().await?;
        let loaded = match plan {
            Some(p) => PlanData::load_for(&store, p).await,
            None => PlanData::load(&store).await,
        };
        store.close().await;
        let data = loaded.map_err(super::app_error)?;
        let (org, period) = data
            .resolve(&StatusQuery { org_unit, period })
            .map_err(super::app_error)?;
        let report = data.status(&org, period);
        Ok::<_, anyhow::Error>((data.plan().clone(), report))
    })?;
    print(format, &plan, &report)
}

fn print(format: StatusFormat, plan: &Plan, report: &StatusReport) -> anyhow::Result<ExitCode> {
    let mut out = anstream::stdout().lock();
    match format {
        StatusFormat::Json => {
            serde_json::to_writer_pretty(&mut out, report).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        StatusFormat::Table => table(plan, report, &mut out)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the whole CSV into observations, checking every row against the plan; all problems or nothing.
pub fn read_observations(path: &Path, plan: &Plan) -> anyhow::Result<Observations> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| BadInput(format!("{shown}: 无法读取文件 / cannot read the file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        BadInput(format!(
            "{shown}: 文件不是 UTF-8 编码(可另存为 UTF-8 CSV) / the file is not UTF-8 (save it as UTF-8 CSV); first bad byte at {}",
            e.utf8_error().valid_up_to()
        ))
    })?;
    parse_observations(&text, &shown, plan).map_err(|problems| {
        let total = problems.len();
        let mut msg = problems
            .into_iter()
            .take(MAX_LISTED)
            .collect::<Vec<_>>()
            .join("\n");
        if total > MAX_LISTED {
            msg.push_str(&format!("\n… 共 {total} 处错误 / {total} problems in all"));
        }
        msg.push_str("\n未计算任何结果 / nothing was computed");
        BadInput(msg).into()
    })
}

const HEADER: [&str; 4] = ["org_unit", "period", "data_element", "value"];

/// Parses observation CSV text. Errors are complete lines `FILE:LINE: 字段 field `F`: 中文 / English`.
pub fn parse_observations(text: &str, file: &str, plan: &Plan) -> Result<Observations, Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let problem = |line: u64, field: &str, zh: &str, en: &str| {
        format!("{file}:{line}: 字段 field `{field}`: {zh} / {en}")
    };
    if text.trim().is_empty() {
        return Err(vec![problem(1, "-", "文件为空", "the file is empty")]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
        Err(e) => {
            return Err(vec![problem(
                1,
                "-",
                "无法读取表头",
                &format!("cannot read the header: {e}"),
            )]);
        }
    };
    if header != HEADER {
        return Err(vec![problem(
            1,
            "header",
            &format!("表头应为 {}", HEADER.join(",")),
            &format!(
                "the header must be {} (found {})",
                HEADER.join(","),
                header.join(",")
            ),
        )]);
    }
    let known_elements: HashSet<&str> = plan.data_elements().iter().map(|e| e.id.as_str()).collect();
    let mut data = Observations::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                problems.push(problem(line, "-", "CSV 格式错误", &format!("malformed CSV: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != HEADER.len() {
            problems.push(problem(
                line,
                "-",
                &format!("应有4列,实有{}列", record.len()),
                &format!("expected 4 columns, found {}", record.len()),
            ));
            continue;
        }
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let before = problems.len();
        let org = match OrgUnitCode::parse(cell(0)) {
            Ok(code) if plan.org_unit(&code).is_some() => Some(code),
            Ok(code) => {
                problems.push(problem(
                    line,
                    "org_unit",
                    &format!("计划中没有区划 {code}"),
                    &format!("unknown org unit {code} (not in the plan)"),
                ));
                None
            }
            Err(_) => {
                problems.push(problem(
                    line,
                    "org_unit",
                    &format!("区划代码应为6位数字(GB/T 2260): {:?}", cell(0)),
                    &format!("an org-unit code is 6 digits (GB/T 2260): {:?}", cell(0)),
                ));
                None
            }
        };
        let period = match Period::parse(cell(1)) {
            Ok(p) => Some(p),
            Err(_) => {
                problems.push(problem(
                    line,
                    "period",
                    &format!("期间格式不对: {:?}(应为 2019、2019Q3 或 2019-07)", cell(1)),
                    &format!("not a period: {:?} (expected 2019, 2019Q3 or 2019-07)", cell(1)),
                ));
                None
            }
        };
        let element = match DataElementId::parse(cell(2)) {
            Ok(id) if known_elements.contains(id.as_str()) => Some(id),
            _ => {
                problems.push(problem(
                    line,
                    "data_element",
                    &format!("计划中没有数据项 {:?}", cell(2)),
                    &format!("unknown data element {:?} (not in the plan)", cell(2)),
                ));
                None
            }
        };
        let value = match cell(3).parse::<Decimal>() {
            Ok(v) if v.is_sign_negative() && !v.is_zero() => {
                problems.push(problem(
                    line,
                    "value",
                    &format!("数值不能为负: {}", cell(3)),
                    &format!("the value must not be negative: {}", cell(3)),
                ));
                None
            }
            Ok(v) => Some(v),
            Err(_) => {
                problems.push(problem(
                    line,
                    "value",
                    &format!("不是数字: {:?}(不要写单位或千位分隔符)", cell(3)),
                    &format!("not a number: {:?} (no units or thousands separators)", cell(3)),
                ));
                None
            }
        };
        if problems.len() > before {
            continue;
        }
        if let (Some(org), Some(period), Some(element), Some(value)) = (org, period, element, value)
            && let Err(dup) = data.insert(org, period, element, value)
        {
            problems.push(problem(
                line,
                "-",
                &format!(
                    "重复的数据: {} {} {} 已有值 {}",
                    dup.org_unit, dup.period, dup.element, dup.existing
                ),
                &format!(
                    "duplicate observation: {} {} {} already has {}",
                    dup.org_unit, dup.period, dup.element, dup.existing
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(data)
    } else {
        Err(problems)
    }
}

// ---- table output -------------------------------------------------------------------------------------------

fn pad(text: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

fn paint(status: Status, text: &str) -> String {
    match status {
        Status::Met => text.green().bold().to_string(),
        Status::OnTrack => text.green().to_string(),
        Status::AtRisk => text.yellow().to_string(),
        Status::OffTrack => text.red().to_string(),
        Status::NotAssessable => text.magenta().to_string(),
    }
}

fn shown(v: Decimal, dp: u32) -> String {
    let v = v.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    let dp = dp as usize;
    format!("{v:.dp$}")
}

/// When the period asked lies after the plan's last year, the targets are assessed at their deadlines: say so,
/// and which periods the figures are for, rather than print them under the period asked.
fn capped_note(plan: &Plan, report: &StatusReport) -> Option<String> {
    let last = plan.meta().last_year;
    if report.period.year() <= last {
        return None;
    }
    let mut shown: Vec<Period> = report.targets.iter().map(|t| t.period).collect();
    shown.sort();
    shown.dedup();
    let shown = shown
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "注意:计划已于 {last} 年结束,{asked} 在计划期之后;所示为 {shown} 的数值 / note: the plan ended in {last}; \
         {asked} is after it, so the figures shown are for {shown}",
        asked = report.period
    ))
}

fn table(plan: &Plan, report: &StatusReport, out: &mut impl Write) -> std::io::Result<()> {
    let org_name = plan
        .org_unit(&report.org_unit)
        .map_or(String::new(), |u| format!("{} {}", u.name_zh, u.name_en));
    writeln!(out, "{}", plan.meta().title_zh.bold())?;
    writeln!(
        out,
        "区划 org unit: {} {}   期间 period: {}\n",
        report.org_unit, org_name, report.period
    )?;
    if let Some(note) = capped_note(plan, report) {
        writeln!(out, "{}\n", note.yellow())?;
    }
    let headers = [
        "目标 target",
        "名称 name",
        "值 value",
        "目标值 target",
        "状态 status",
        "方法 method",
        "预测 forecast",
    ];
    let rows: Vec<(Status, [String; 7])> = report
        .targets
        .iter()
        .map(|t| {
            let dp = plan
                .target(&t.id)
                .and_then(|x| plan.indicator(&x.indicator))
                .map_or(2, |i| i.decimals);
            let unit = &t.unit;
            let sep = if unit == "%" { "" } else { " " };
            let value = match t.value {
                Some(v) => format!("{v}{sep}{unit}"),
                None => "—".to_string(),
            };
            let target = format!(
                "{} {}{sep}{unit} ({})",
                t.comparator.symbol(),
                t.target.normalize(),
                t.deadline
            );
            let forecast = t.forecast.as_ref().map_or("—".to_string(), |f| {
                format!("{}{sep}{unit}", shown(f.value, dp))
            });
            let status = format!("{} {}", t.status.label_zh(), t.status.name());
            (
                t.status,
                [
                    t.id.to_string(),
                    t.name_zh.clone(),
                    value,
                    target,
                    status,
                    t.method.to_string(),
                    forecast,
                ],
            )
        })
        .collect();
    let mut widths = headers.map(UnicodeWidthStr::width);
    for (_, cells) in &rows {
        for (w, c) in widths.iter_mut().zip(cells) {
            *w = (*w).max(UnicodeWidthStr::width(c.as_str()));
        }
    }
    let header_line: Vec<String> = headers
        .iter()
        .zip(widths)
        .map(|(h, w)| pad(h, w).bold().to_string())
        .collect();
    writeln!(out, "{}", header_line.join("  ").trim_end())?;
    for (status, cells) in &rows {
        let line: Vec<String> = cells
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (c, w))| {
                let padded = pad(c, w);
                if i == 4 { paint(*status, &padded) } else { padded }
            })
            .collect();
        writeln!(out, "{}", line.join("  ").trim_end())?;
    }
    writeln!(out, "\n{}", "说明 explanation".bold())?;
    for t in &report.targets {
        writeln!(out, "  {}  {}", paint(t.status, t.id.as_str()), t.explanation_zh)?;
        writeln!(
            out,
            "  {}  {}",
            " ".repeat(UnicodeWidthStr::width(t.id.as_str())),
            t.explanation_en.dimmed()
        )?;
    }
    Ok(())
}
