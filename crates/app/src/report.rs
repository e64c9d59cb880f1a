//! The periodic supervision report (督导检查通报, issue 6 items 7–8): assembling its figures for a period from
//! the targets' statuses, the supervised items, inspections and the scoring ledger ([`build_bulletin`]),
//! rendering it as DOCX or XLSX ([`render`]), issuing it — which freezes the figures as a snapshot in the store
//! ([`issue_report`]) — and showing an issued report next to today's figures for the same period with the
//! differences marked ([`as_reported`]).
//!
//! Target statuses: the caller may pass a `StatusReport` (the CLI's `--data FILE.csv`); otherwise
//! [`target_statuses`] evaluates the plan on the store's data (`crate::status`).

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime};
use plantrack_core::period::{Granularity, Period};
use plantrack_core::plan::Comparator;
use plantrack_core::progress::{Status, StatusReport};
use plantrack_core::supervise::{Action, ScheduleLight, ScoreEventKind, State};
use plantrack_report::bulletin::{
    AttentionLine, BULLETIN_FORMAT, Bulletin, DepartmentLine, Difference, InspectionLine, RectificationRow,
    ScoreLine, TargetLine, TaskLine, compare,
};
use plantrack_report::png::Rasterizer;
use plantrack_store::supervision::IssuedReport;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::supervision::{Ctx, inspections, load_items, refresh_ledger};
use crate::{AppError, Permission, Principal};

/// The report's file format, from the output file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Official document.
    Docx,
    /// Workbook of the tables.
    Xlsx,
}

impl ReportFormat {
    /// The format of a file name (`.docx` or `.xlsx`, any case); refused otherwise.
    pub fn from_file_name(name: &str) -> Result<Self, AppError> {
        let lower = name.to_lowercase();
        if lower.ends_with(".docx") {
            Ok(ReportFormat::Docx)
        } else if lower.ends_with(".xlsx") {
            Ok(ReportFormat::Xlsx)
        } else {
            Err(AppError::invalid(
                "output",
                format!("输出文件 {name} 的扩展名应为 .docx 或 .xlsx"),
                format!("the output file {name} must end in .docx or .xlsx"),
            ))
        }
    }

    /// Media type.
    pub fn media_type(self) -> &'static str {
        match self {
            ReportFormat::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ReportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// Extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Docx => "docx",
            ReportFormat::Xlsx => "xlsx",
        }
    }
}

/// The document's particulars (文头、主送、落款).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BulletinOptions {
    /// 发文字号 (e.g. 双科督〔2020〕1号).
    pub number_line: Option<String>,
    /// 发文机关; default: the plan's issuing body.
    pub issuer: Option<String>,
    /// 主送机关; default 区直各有关部门：
    pub recipients: Option<String>,
}

const QUARTERS_ZH: [&str; 4] = ["一", "二", "三", "四"];

/// The period in the words of a 通报: 2019年第四季度, 2019年11月, 2019年度.
pub fn period_words(period: Period) -> String {
    match period.granularity() {
        Granularity::Year => format!("{}年度", period.year()),
        Granularity::Quarter => {
            let q = period.quarter().unwrap_or(1).clamp(1, 4) as usize;
            format!("{}年第{}季度", period.year(), QUARTERS_ZH[q - 1])
        }
        Granularity::Month => format!("{}年{}月", period.year(), period.month().unwrap_or(1)),
    }
}

/// The targets' statuses for `period`, for the plan's own org unit, from the store (observations and the
/// data elements the registries derive: [`crate::status::PlanData`]).
pub async fn target_statuses(ctx: Ctx<'_>, period: Period) -> Result<StatusReport, AppError> {
    let data = crate::status::PlanData::load_for(ctx.store, ctx.plan.clone()).await?;
    Ok(data.status(&ctx.plan.meta().org_unit, period))
}

fn status_light(status: Status) -> &'static str {
    match status {
        Status::Met => "blue",
        Status::OnTrack => "green",
        Status::AtRisk => "yellow",
        Status::OffTrack => "red",
        Status::NotAssessable => "grey",
    }
}

fn light_key(light: ScheduleLight) -> &'static str {
    match light {
        ScheduleLight::Green => "green",
        ScheduleLight::Blue => "blue",
        ScheduleLight::Yellow => "yellow",
        ScheduleLight::Red => "red",
    }
}

/// The day a report of `period` describes when the caller names none: the period's last day, or today while the
/// period still runs. A 2019Q4 bulletin read years later shows 2019Q4 as it stood, not every task overdue since.
pub fn default_as_of(period: Period, today: Date) -> Date {
    period.end().min(today)
}

/// The report's figures for `period` as they stand at the end of `as_of` (the ledger is brought up to that day
/// first). Anyone who may see the board may build it.
pub async fn build_bulletin(
    ctx: Ctx<'_>,
    principal: &Principal,
    period: Period,
    as_of: Date,
    issued_on: Date,
    options: &BulletinOptions,
    statuses: Option<StatusReport>,
) -> Result<Bulletin, AppError> {
    principal.require(&Permission::ViewInternal)?;
    refresh_ledger(ctx, as_of).await?;
    let plan = ctx.plan;
    let statuses = match statuses {
        Some(s) => s,
        None => target_statuses(ctx, period).await?,
    };
    let targets = statuses
        .targets
        .iter()
        .map(|t| {
            let symbol = match t.comparator {
                Comparator::AtLeast => "≥",
                Comparator::AtMost => "≤",
            };
            let completion = t
                .value
                .filter(|_| !t.target.is_zero())
                .map(|v| v * Decimal::ONE_HUNDRED / t.target);
            TargetLine {
                id: t.id.to_string(),
                name: t.name_zh.clone(),
                unit: t.unit.clone(),
                target: format!("{symbol} {}", t.target.normalize()),
                target_value: t.target,
                value: t.value,
                completion: completion.map(|c| c.round_dp(4)),
                status: t.status.label_zh().to_owned(),
                light: status_light(t.status).to_owned(),
                explanation: t.explanation_zh.clone(),
            }
        })
        .collect();

    let loaded = load_items(ctx).await?;
    let board = crate::supervision::board(ctx, principal, as_of).await?;
    let tasks: Vec<TaskLine> = board
        .rows
        .iter()
        .map(|r| TaskLine {
            key: r.key.clone(),
            title: r.title.clone(),
            area: r.area.name_zh.clone(),
            lead: r.lead_name.clone(),
            state: r.state.name_zh().to_owned(),
            deadline: r.deadline,
            light: light_key(r.light).to_owned(),
            percent: r.percent,
            explanation: r.explanation_zh.clone(),
        })
        .collect();

    let entries = ctx.store.score_entries(ctx.plan_key()).await?;
    let in_period = |d: Date| period.contains_date(d) && d <= as_of;
    let mut attention = Vec::new();
    let mut returned: BTreeMap<String, u32> = BTreeMap::new();
    let mut late: BTreeMap<String, u32> = BTreeMap::new();
    let mut overdue: BTreeMap<String, u32> = BTreeMap::new();
    for l in &loaded {
        let Some(item) = l.item.as_of(as_of) else { continue };
        let dept = item.lead_department().to_string();
        let name = ctx.department_name(item.lead_department());
        if !item.state().is_closed() && as_of > item.deadline() {
            *overdue.entry(dept.clone()).or_default() += 1;
            attention.push((
                dept.clone(),
                AttentionLine {
                    department: name.clone(),
                    item: item.id().to_string(),
                    title: item.spec().title.clone(),
                    kind: "超期未办结".into(),
                    detail: format!(
                        "办结时限 {}，已超期 {} 天",
                        item.deadline(),
                        (as_of - item.deadline()).get_days()
                    ),
                },
            ));
        }
        for t in item.history() {
            if t.action == Action::Return && in_period(t.at.date()) {
                *returned.entry(dept.clone()).or_default() += 1;
                attention.push((
                    dept.clone(),
                    AttentionLine {
                        department: name.clone(),
                        item: item.id().to_string(),
                        title: item.spec().title.clone(),
                        kind: "被退回".into(),
                        detail: format!("{} 退回：{}", t.at.date(), t.reason),
                    },
                ));
            }
        }
    }
    for e in entries.iter().filter(|e| {
        e.kind == ScoreEventKind::LateReport && in_period(e.effective_on) && e.recorded_on <= as_of
    }) {
        let dept = e.department.to_string();
        *late.entry(dept.clone()).or_default() += 1;
        let title = e
            .item
            .as_ref()
            .and_then(|i| loaded.iter().find(|l| l.item.id() == i))
            .map_or_else(String::new, |l| l.item.spec().title.clone());
        attention.push((
            dept,
            AttentionLine {
                department: ctx.department_name(&e.department),
                item: e.item.as_ref().map(ToString::to_string).unwrap_or_default(),
                title,
                kind: "迟报或未报".into(),
                detail: e
                    .detail
                    .rsplit_once('：')
                    .map_or(e.detail.clone(), |(_, d)| d.to_owned()),
            },
        ));
    }
    // By department in plan order, then item.
    let order: Vec<String> = plan.departments().iter().map(|d| d.id.to_string()).collect();
    let rank = |d: &str| order.iter().position(|o| o == d).unwrap_or(usize::MAX);
    attention.sort_by(|(da, a), (db, b)| rank(da).cmp(&rank(db)).then_with(|| a.item.cmp(&b.item)));
    let attention = attention.into_iter().map(|(_, a)| a).collect();

    let departments = board
        .by_department
        .iter()
        .map(|g| DepartmentLine {
            department: g.name_zh.clone(),
            items: u32::try_from(g.total).unwrap_or(u32::MAX),
            closed: u32::try_from(g.closed).unwrap_or(u32::MAX),
            lights: g
                .lights
                .iter()
                .map(|(l, n)| (light_key(*l).to_owned(), u32::try_from(*n).unwrap_or(u32::MAX)))
                .collect(),
            overdue: overdue.get(&g.key).copied().unwrap_or(0),
            returned: returned.get(&g.key).copied().unwrap_or(0),
            late_reports: late.get(&g.key).copied().unwrap_or(0),
        })
        .collect();

    let before_period = period.start().yesterday().unwrap_or(period.start());
    let all_items: Vec<_> = loaded.iter().map(|l| l.item.clone()).collect();
    let inspections = inspections(ctx, principal, as_of)
        .await?
        .into_iter()
        .filter(|v| {
            let started = v.round.started_on();
            (period.contains_date(started) && started <= as_of)
                || (started < period.start()
                    && !v.round.summary(&all_items, ctx.rules(), before_period).complete)
        })
        .map(|v| InspectionLine {
            title: v.round.title().to_owned(),
            started_on: v.round.started_on(),
            ended_on: v.round.ended_on(),
            findings: u32::try_from(v.summary.findings).unwrap_or(u32::MAX),
            rectifications: u32::try_from(v.summary.rectifications).unwrap_or(u32::MAX),
            closed: u32::try_from(v.summary.closed).unwrap_or(u32::MAX),
            overdue: u32::try_from(v.summary.overdue).unwrap_or(u32::MAX),
            lines: v
                .summary
                .lines
                .iter()
                .map(|line| RectificationRow {
                    item: line.item.to_string(),
                    title: loaded
                        .iter()
                        .find(|l| l.item.id() == &line.item)
                        .map_or_else(|| line.item.to_string(), |l| l.item.spec().title.clone()),
                    owner: ctx.department_name(&line.owner),
                    deadline: line.deadline,
                    state: match (line.state, line.closed_on) {
                        (Some(State::Closed), Some(on)) => format!("办结（{on}）"),
                        (Some(s), _) => s.name_zh().to_owned(),
                        (None, _) => "未立项".into(),
                    },
                })
                .collect(),
        })
        .collect();

    let ledger = plantrack_core::supervise::Ledger::from_parts(
        entries,
        ctx.store
            .appeals(ctx.plan_key())
            .await?
            .into_iter()
            .map(|a| a.appeal)
            .collect(),
    )
    .map_err(|e| crate::supervision::engine_error(&e))?;
    let scoreboard = ledger.scoreboard(period, &ctx.departments(), &ctx.rules().scoring, Some(as_of));
    let scores = scoreboard
        .rows
        .iter()
        .map(|r| ScoreLine {
            rank: r.rank,
            department: ctx.department_name(&r.department),
            base: r.base,
            bonus: r.bonus,
            deductions: r.deductions,
            reversals: r.reversals,
            score: r.score,
        })
        .collect();

    let period_label = period_words(period);
    Ok(Bulletin {
        format: BULLETIN_FORMAT,
        title: format!("关于{period_label}重点任务督导检查情况的通报"),
        number_line: options.number_line.clone(),
        recipients: options
            .recipients
            .clone()
            .unwrap_or_else(|| "区直各有关部门：".into()),
        issuer: options
            .issuer
            .clone()
            .unwrap_or_else(|| plan.meta().issuing_body_zh.clone()),
        issued_on,
        plan_title: plan.meta().title_zh.clone(),
        period: period.to_string(),
        period_label,
        as_of,
        targets,
        tasks,
        departments,
        attention,
        inspections,
        scores,
    })
}

/// Renders a bulletin (off the async runtime: rasterising charts and zipping take CPU).
pub async fn render(bulletin: Bulletin, format: ReportFormat) -> Result<Vec<u8>, AppError> {
    tokio::task::spawn_blocking(move || match format {
        ReportFormat::Docx => bulletin.to_docx(Rasterizer::shared()),
        ReportFormat::Xlsx => bulletin.to_xlsx(),
    })
    .await
    .map_err(AppError::unexpected)?
    .map_err(AppError::unexpected)
}

/// An issued report with its frozen figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuedBulletin {
    /// 1, 2, … per plan.
    pub report_no: i64,
    /// Who issued it.
    pub issued_by: String,
    /// Hex SHA-256 of the snapshot as stored.
    pub sha256: String,
    /// The figures as issued.
    pub bulletin: Bulletin,
}

fn read_snapshot(stored: IssuedReport) -> Result<IssuedBulletin, AppError> {
    let bulletin: Bulletin = serde_json::from_str(&stored.snapshot_json).map_err(AppError::unexpected)?;
    Ok(IssuedBulletin {
        report_no: stored.report_no,
        issued_by: stored.issued_by,
        sha256: stored.sha256,
        bulletin,
    })
}

/// 印发: builds the report of `period` as of `at`'s day and freezes its figures in the store. Admins only.
pub async fn issue_report(
    ctx: Ctx<'_>,
    principal: &Principal,
    period: Period,
    options: &BulletinOptions,
    statuses: Option<StatusReport>,
    at: DateTime,
) -> Result<IssuedBulletin, AppError> {
    principal.require(&Permission::ManageSupervision)?;
    let today = at.date();
    if period.start() > today {
        return Err(AppError::invalid(
            "period",
            format!("{} 尚未开始，不能通报", period_words(period)),
            format!("{period} has not started yet"),
        ));
    }
    let bulletin = build_bulletin(ctx, principal, period, today, today, options, statuses).await?;
    let snapshot = serde_json::to_string(&bulletin).map_err(AppError::unexpected)?;
    let mut tx = ctx.store.begin(principal.actor()).await?;
    let stored = tx
        .issue_report(
            ctx.plan_key(),
            &bulletin.period,
            today,
            &bulletin.title,
            &snapshot,
        )
        .await?;
    tx.commit().await?;
    read_snapshot(stored)
}

/// The issued reports, newest first.
pub async fn issued_reports(ctx: Ctx<'_>, principal: &Principal) -> Result<Vec<IssuedBulletin>, AppError> {
    principal.require(&Permission::ViewInternal)?;
    ctx.store
        .issued_reports(ctx.plan_key())
        .await?
        .into_iter()
        .map(read_snapshot)
        .collect()
}

/// An issued report next to today's figures for the same period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AsReported {
    /// As issued (the frozen snapshot).
    pub issued: IssuedBulletin,
    /// The same period recomputed as of today.
    pub current: Bulletin,
    /// Every figure that differs.
    pub differences: Vec<Difference>,
}

/// Report `report_no` exactly as issued, today's figures for its period, and their differences.
pub async fn as_reported(
    ctx: Ctx<'_>,
    principal: &Principal,
    report_no: i64,
    today: Date,
    statuses: Option<StatusReport>,
) -> Result<AsReported, AppError> {
    principal.require(&Permission::ViewInternal)?;
    let stored = ctx
        .store
        .issued_report(ctx.plan_key(), report_no)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "supervision_report".into(),
            id: report_no.to_string(),
        })?;
    let issued = read_snapshot(stored)?;
    let period = Period::parse(&issued.bulletin.period).map_err(AppError::unexpected)?;
    let options = BulletinOptions {
        number_line: issued.bulletin.number_line.clone(),
        issuer: Some(issued.bulletin.issuer.clone()),
        recipients: Some(issued.bulletin.recipients.clone()),
    };
    let current = build_bulletin(
        ctx,
        principal,
        period,
        today,
        issued.bulletin.issued_on,
        &options,
        statuses,
    )
    .await?;
    let differences = compare(&issued.bulletin, &current);
    Ok(AsReported {
        issued,
        current,
        differences,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use jiff::civil::date;
    use plantrack_core::plan::Plan;
    use plantrack_core::supervise::ActionKind;
    use plantrack_store::for_each_backend;

    use super::*;
    use crate::supervision::demo::{DEMO_HISTORY_ENDS, demo_admin, demo_department_user, demo_leader};
    use crate::supervision::{StepRequest, act, seed_demo_history};

    fn plan() -> Plan {
        plantrack_core::plan::embedded::shuangtaizi().unwrap()
    }

    #[tokio::test]
    async fn the_demo_report_has_every_section_and_an_issued_report_stays_as_issued() {
        let plan = plan();
        for_each_backend!(|db| {
            let ctx = Ctx::new(&db.store, &plan);
            seed_demo_history(&db.store, &plan).await.unwrap();
            let q4 = Period::parse("2019Q4").unwrap();
            let at = date(2020, 1, 15).at(9, 0, 0, 0);
            // A department may read reports but not issue them.
            assert!(matches!(
                issue_report(
                    ctx,
                    &demo_department_user("jingxin"),
                    q4,
                    &BulletinOptions::default(),
                    None,
                    at
                )
                .await,
                Err(AppError::Forbidden)
            ));
            let issued = issue_report(ctx, &demo_admin(), q4, &BulletinOptions::default(), None, at)
                .await
                .unwrap();
            let b = &issued.bulletin;
            assert_eq!(b.title, "关于2019年第四季度重点任务督导检查情况的通报");
            assert_eq!(b.targets.len(), 8);
            assert_eq!(b.tasks.len(), plan.tasks().count() + 3);
            assert!(
                b.attention.iter().any(|a| a.kind == "迟报或未报"),
                "{:?}",
                b.attention
            );
            assert_eq!(
                b.inspections.len(),
                1,
                "the Q3 round had open rectification at the start of Q4"
            );
            assert!(!b.scores.is_empty());
            let docx = render(b.clone(), ReportFormat::Docx).await.unwrap();
            assert!(docx.starts_with(b"PK"));

            // Today's figures differ after a later step; the issued snapshot does not move.
            act(
                ctx,
                &demo_leader(),
                "t1_tech_smes",
                StepRequest {
                    action: ActionKind::Return,
                    reason: "数据与统计局不一致".into(),
                    new_deadline: None,
                    expected_version: None,
                },
                date(2020, 1, 16).at(9, 0, 0, 0),
            )
            .await
            .unwrap();
            let view = as_reported(ctx, &demo_leader(), issued.report_no, date(2020, 1, 16), None)
                .await
                .unwrap();
            assert_eq!(view.issued, issued);
            assert!(
                view.differences
                    .iter()
                    .any(|d| d.section == "tasks" && d.row == "t1_tech_smes" && d.field == "state"),
                "{:?}",
                view.differences
            );
            let listed = issued_reports(ctx, &demo_leader()).await.unwrap();
            assert_eq!(listed.len(), 1);
            assert!(DEMO_HISTORY_ENDS < date(2020, 1, 15));
        });
    }

    #[test]
    fn the_format_follows_the_extension() {
        assert_eq!(
            ReportFormat::from_file_name("督导检查通报-2019Q4.DOCX").unwrap(),
            ReportFormat::Docx
        );
        assert_eq!(
            ReportFormat::from_file_name("a.xlsx").unwrap(),
            ReportFormat::Xlsx
        );
        assert!(ReportFormat::from_file_name("a.pdf").is_err());
        assert_eq!(period_words(Period::parse("2019Q4").unwrap()), "2019年第四季度");
        assert_eq!(period_words(Period::parse("2019-11").unwrap()), "2019年11月");
        assert_eq!(period_words(Period::parse("2019").unwrap()), "2019年度");
    }
}
