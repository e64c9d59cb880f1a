//! The periodic supervision report (督导检查通报): its figures as plain data ([`Bulletin`], which is also the
//! snapshot stored when a report is issued), its rendering as an official document ([`Bulletin::to_docx`],
//! GB/T 9704 layout, charts embedded as PNG) and as a workbook of the underlying tables
//! ([`Bulletin::to_xlsx`]), and the comparison of a report as issued with today's figures ([`compare`]).
//!
//! Like the rest of this crate it knows nothing of the domain: the app fills a [`Bulletin`] with labels,
//! decimals and dates (target statuses, task lights, scores …), and the same data always renders the same
//! document, so a stored snapshot reproduces the issued report exactly.
//!
//! Sections (the order of a 通报): 一、主要目标完成情况 (targets, with a completion chart); 二、重点任务推进情况
//! (tasks by light, with a chart, and per department); 三、超期和退回事项 (by department); 四、督查整改情况
//! (inspections and rectification); 五、部门考核得分 (the scoreboard, with a chart).

use std::collections::BTreeMap;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::chart::{BarChart, Light, Orientation, StatusMark, format_value};
use crate::docx::{CellAlign, DocTable, DocxError, Figure, OfficialDocument, Section};
use crate::png::{PngError, Rasterizer};
use crate::xlsx::{Cell, Column, NumFmt, Sheet, SheetChart, Workbook, XlsxError};

/// The snapshot's format version; bump it when a field changes meaning.
pub const BULLETIN_FORMAT: u32 = 1;

/// A light as stored in a snapshot: `blue`, `green`, `yellow`, `red` or `grey`.
pub fn light_of(key: &str) -> Light {
    match key {
        "blue" => Light::Blue,
        "green" => Light::Green,
        "yellow" => Light::Yellow,
        "red" => Light::Red,
        _ => Light::Grey,
    }
}

/// One target (主要目标) with its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetLine {
    /// Target id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// The target as the plan states it (`≥ 2.5`).
    pub target: String,
    /// The target value.
    pub target_value: Decimal,
    /// The value for the period, if any.
    pub value: Option<Decimal>,
    /// Value ÷ target × 100 (完成度), if both are known.
    pub completion: Option<Decimal>,
    /// Status label (已完成, 进度正常, 有风险, 滞后, 无法评估).
    pub status: String,
    /// The status's light (`blue` for met, `green`, `yellow`, `red`, `grey` when not assessable).
    pub light: String,
    /// Why.
    pub explanation: String,
}

/// One supervised item with its light.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskLine {
    /// Item key.
    pub key: String,
    /// Title.
    pub title: String,
    /// Area (重点任务方面).
    pub area: String,
    /// Lead department.
    pub lead: String,
    /// Workflow state (办理, 办结 …).
    pub state: String,
    /// Deadline in force.
    pub deadline: Date,
    /// Light key.
    pub light: String,
    /// Reported percent complete.
    pub percent: Option<Decimal>,
    /// Why the light.
    pub explanation: String,
}

/// One department's items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentLine {
    /// Department.
    pub department: String,
    /// Items it leads.
    pub items: u32,
    /// Closed.
    pub closed: u32,
    /// By light key.
    pub lights: BTreeMap<String, u32>,
    /// Past their deadline and not closed.
    pub overdue: u32,
    /// Returned in the period.
    pub returned: u32,
    /// Reports late or missing in the period.
    pub late_reports: u32,
}

/// An overdue or returned item (超期、退回事项).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttentionLine {
    /// Department.
    pub department: String,
    /// Item key.
    pub item: String,
    /// Title.
    pub title: String,
    /// 超期未办结, 被退回, 迟报, 未报.
    pub kind: String,
    /// Detail (dates, reason).
    pub detail: String,
}

/// A rectification item of an inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectificationRow {
    /// Item key.
    pub item: String,
    /// What is rectified.
    pub title: String,
    /// Owner.
    pub owner: String,
    /// Deadline.
    pub deadline: Date,
    /// State (办结 on date, 办理 …).
    pub state: String,
}

/// An inspection round (督查) and its rectification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionLine {
    /// Title.
    pub title: String,
    /// First day.
    pub started_on: Date,
    /// Last day.
    pub ended_on: Option<Date>,
    /// Findings.
    pub findings: u32,
    /// Rectification items.
    pub rectifications: u32,
    /// Closed.
    pub closed: u32,
    /// Past their deadline and not closed.
    pub overdue: u32,
    /// Each rectification item.
    pub lines: Vec<RectificationRow>,
}

/// One row of the scoreboard (考核得分).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreLine {
    /// Rank.
    pub rank: u32,
    /// Department.
    pub department: String,
    /// Base score.
    pub base: Decimal,
    /// Bonuses.
    pub bonus: Decimal,
    /// Deductions (≤ 0).
    pub deductions: Decimal,
    /// Reversed by accepted appeals (≥ 0).
    pub reversals: Decimal,
    /// Score.
    pub score: Decimal,
}

/// Every figure of one supervision report: what is rendered and what is frozen when it is issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bulletin {
    /// [`BULLETIN_FORMAT`].
    pub format: u32,
    /// Title (关于2019年第四季度重点任务督导检查情况的通报).
    pub title: String,
    /// 发文字号, e.g. 双科督〔2020〕1号.
    pub number_line: Option<String>,
    /// 主送机关.
    pub recipients: String,
    /// Issuing body (发文机关署名).
    pub issuer: String,
    /// Date of the document (成文日期).
    pub issued_on: Date,
    /// The plan's title.
    pub plan_title: String,
    /// Period code (`2019Q4`).
    pub period: String,
    /// Period in words (2019年第四季度).
    pub period_label: String,
    /// The figures are as of the end of this day.
    pub as_of: Date,
    /// Targets, in plan order.
    pub targets: Vec<TargetLine>,
    /// Supervised items, by area.
    pub tasks: Vec<TaskLine>,
    /// Per department.
    pub departments: Vec<DepartmentLine>,
    /// Overdue and returned items, by department.
    pub attention: Vec<AttentionLine>,
    /// Inspection rounds of the period.
    pub inspections: Vec<InspectionLine>,
    /// The period's scoreboard, best first.
    pub scores: Vec<ScoreLine>,
}

/// Why a bulletin could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum BulletinError {
    /// The document builder refused.
    #[error(transparent)]
    Docx(#[from] DocxError),
    /// The workbook builder refused.
    #[error(transparent)]
    Xlsx(#[from] XlsxError),
    /// A chart could not be rasterised.
    #[error(transparent)]
    Png(#[from] PngError),
}

fn num(value: Option<Decimal>, decimals: u32) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format_value(v, decimals))
}

fn light_name(key: &str) -> &'static str {
    light_of(key).label_zh()
}

const LIGHT_ORDER: [&str; 4] = ["red", "yellow", "blue", "green"];

impl Bulletin {
    fn light_counts(&self) -> BTreeMap<&str, u32> {
        let mut counts = BTreeMap::new();
        for t in &self.tasks {
            *counts.entry(t.light.as_str()).or_insert(0) += 1;
        }
        counts
    }

    fn count_zh(counts: &BTreeMap<&str, u32>) -> String {
        LIGHT_ORDER
            .iter()
            .map(|k| format!("{}{}项", light_name(k), counts.get(k).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join("、")
    }

    /// The targets' completion chart (完成度 %, bars coloured by status).
    pub fn target_chart(&self) -> BarChart {
        let mut chart = BarChart::new(
            format!("{}主要目标完成度", self.period_label),
            Orientation::Horizontal,
        )
        .unit("%")
        .target(Decimal::ONE_HUNDRED, Some("目标".into()))
        .id("bulletin-targets");
        for t in &self.targets {
            chart = chart.bar_with_status(
                t.name.clone(),
                t.completion.map(|c| c.round_dp(1)),
                StatusMark::new(light_of(&t.light), t.status.clone()),
            );
        }
        chart
    }

    /// The tasks-by-light chart.
    pub fn light_chart(&self) -> BarChart {
        let counts = self.light_counts();
        let mut chart = BarChart::new(
            format!("{}重点任务督办灯分布", self.period_label),
            Orientation::Vertical,
        )
        .unit("项")
        .id("bulletin-lights");
        for k in LIGHT_ORDER {
            let light = light_of(k);
            chart = chart.bar_with_status(
                light.label_zh(),
                Some(Decimal::from(counts.get(k).copied().unwrap_or(0))),
                StatusMark::new(light, light.label_zh()),
            );
        }
        chart
    }

    /// The scoreboard chart.
    pub fn score_chart(&self) -> BarChart {
        let mut chart = BarChart::new(
            format!("{}部门考核得分", self.period_label),
            Orientation::Horizontal,
        )
        .unit("分")
        .id("bulletin-scores");
        for s in &self.scores {
            chart = chart.bar(s.department.clone(), Some(s.score));
        }
        chart
    }

    /// The report as an official document (DOCX), charts rasterised by `rasterizer`.
    pub fn to_docx(&self, rasterizer: &Rasterizer) -> Result<Vec<u8>, BulletinError> {
        let figure = |chart: &BarChart, caption: String| -> Result<Figure, BulletinError> {
            Ok(Figure::from_svg(&chart.to_svg(), rasterizer)?.caption(caption))
        };
        let counts = self.light_counts();
        let met = self.targets.iter().filter(|t| t.light == "blue").count();
        let on_track = self.targets.iter().filter(|t| t.light == "green").count();
        let behind = self
            .targets
            .iter()
            .filter(|t| t.light == "yellow" || t.light == "red")
            .count();
        let mut doc = OfficialDocument::new(self.title.clone())
            .recipients(self.recipients.clone())
            .paragraph(format!(
                "按照《{}》常态化督导检查的要求，现将{}主要目标和重点任务督导检查情况通报如下（数据截至{}）。",
                self.plan_title,
                self.period_label,
                crate::docx::chinese_date(self.as_of)
            ));
        if let Some(n) = &self.number_line {
            doc = doc.number_line(n.clone());
        }

        let mut targets = DocTable::new(["目标", "目标值", "完成值", "完成度（%）", "状态"])
            .widths([36, 16, 16, 16, 16])
            .align([
                CellAlign::Left,
                CellAlign::Center,
                CellAlign::Right,
                CellAlign::Right,
                CellAlign::Center,
            ]);
        for t in &self.targets {
            targets = targets.row([
                format!("{}（{}）", t.name, t.unit),
                t.target.clone(),
                num(t.value, 2),
                num(t.completion, 1),
                t.status.clone(),
            ]);
        }
        let mut s1 = Section::new("主要目标完成情况")
            .paragraph(format!(
                "{}项主要目标中，已完成{met}项，进度正常{on_track}项，有风险或滞后{behind}项，其余暂无法评估。",
                self.targets.len()
            ))
            .table(targets.caption("主要目标完成情况表"))
            .figure(figure(&self.target_chart(), "图1 主要目标完成度".into())?);
        for t in self
            .targets
            .iter()
            .filter(|t| t.light == "yellow" || t.light == "red")
        {
            s1 = s1.paragraph(format!("{}：{}", t.name, t.explanation));
        }
        doc = doc.section(s1);

        let mut tasks = DocTable::new(["事项", "牵头单位", "办理状态", "完成进度（%）", "督办灯"])
            .widths([40, 16, 14, 16, 14])
            .align([
                CellAlign::Left,
                CellAlign::Center,
                CellAlign::Center,
                CellAlign::Right,
                CellAlign::Center,
            ]);
        for t in &self.tasks {
            tasks = tasks.row([
                t.title.clone(),
                t.lead.clone(),
                t.state.clone(),
                num(t.percent, 1),
                light_name(&t.light).to_owned(),
            ]);
        }
        let mut depts = DocTable::new(["单位", "事项", "办结", "红灯", "黄灯", "超期", "退回", "迟报"])
            .widths([22, 11, 11, 11, 11, 11, 11, 12]);
        for d in &self.departments {
            let l = |k: &str| d.lights.get(k).copied().unwrap_or(0).to_string();
            depts = depts.row([
                d.department.clone(),
                d.items.to_string(),
                d.closed.to_string(),
                l("red"),
                l("yellow"),
                d.overdue.to_string(),
                d.returned.to_string(),
                d.late_reports.to_string(),
            ]);
        }
        let mut s2 = Section::new("重点任务推进情况")
            .paragraph(format!(
                "纳入督办的{}项事项中，{}。",
                self.tasks.len(),
                Self::count_zh(&counts)
            ))
            .figure(figure(&self.light_chart(), "图2 督办事项督办灯分布".into())?)
            .table(tasks.caption("督办事项推进情况表"))
            .table(depts.caption("各单位督办事项情况表"));
        for t in self.tasks.iter().filter(|t| t.light == "red") {
            s2 = s2.paragraph(format!("{}（{}）：{}", t.title, t.lead, t.explanation));
        }
        doc = doc.section(s2);

        let mut s3 = Section::new("超期和退回事项");
        if self.attention.is_empty() {
            s3 = s3.paragraph("本期无超期未办结、被退回或迟报事项。");
        } else {
            let mut table = DocTable::new(["单位", "事项", "情形", "说明"]).widths([16, 34, 14, 36]);
            for a in &self.attention {
                table = table.row([
                    a.department.clone(),
                    a.title.clone(),
                    a.kind.clone(),
                    a.detail.clone(),
                ]);
            }
            s3 = s3
                .paragraph(format!(
                    "本期共有{}项次超期、退回或迟报情形，按单位列示如下，请有关单位抓紧整改。",
                    self.attention.len()
                ))
                .table(table.caption("超期和退回事项表"));
        }
        doc = doc.section(s3);

        let mut s4 = Section::new("督查整改情况");
        if self.inspections.is_empty() {
            s4 = s4.paragraph("本期未开展专项督查。");
        }
        for i in &self.inspections {
            s4 = s4.paragraph(format!(
                "{}（{}至{}）共发现问题{}个，交办整改事项{}项，已办结{}项，超期未办结{}项。",
                i.title,
                crate::docx::chinese_date(i.started_on),
                i.ended_on
                    .map_or_else(|| "今".to_owned(), crate::docx::chinese_date),
                i.findings,
                i.rectifications,
                i.closed,
                i.overdue
            ));
            if !i.lines.is_empty() {
                let mut table =
                    DocTable::new(["整改事项", "责任单位", "整改时限", "办理情况"]).widths([40, 18, 18, 24]);
                for r in &i.lines {
                    table = table.row([
                        r.title.clone(),
                        r.owner.clone(),
                        r.deadline.to_string(),
                        r.state.clone(),
                    ]);
                }
                s4 = s4.table(table.caption(format!("{}整改情况表", i.title)));
            }
        }
        doc = doc.section(s4);

        let mut scores = DocTable::new(["名次", "单位", "基础分", "加分", "减分", "申诉撤销", "得分"])
            .widths([10, 22, 13, 13, 13, 15, 14])
            .align([
                CellAlign::Center,
                CellAlign::Left,
                CellAlign::Right,
                CellAlign::Right,
                CellAlign::Right,
                CellAlign::Right,
                CellAlign::Right,
            ]);
        for s in &self.scores {
            scores = scores.row([
                s.rank.to_string(),
                s.department.clone(),
                format_value(s.base, 2),
                format_value(s.bonus, 2),
                format_value(s.deductions, 2),
                format_value(s.reversals, 2),
                format_value(s.score, 2),
            ]);
        }
        doc = doc.section(
            Section::new("部门考核得分")
                .paragraph(
                    "考评分 = 基础分 + 加分 − 减分；申诉成立的扣分予以撤销，原扣分记录保留在考核台账中。",
                )
                .table(scores.caption("部门考核得分表"))
                .figure(figure(&self.score_chart(), "图3 部门考核得分".into())?),
        );
        let doc = doc.issuer(self.issuer.clone()).date(self.issued_on);
        Ok(doc.to_docx()?)
    }

    /// The underlying tables as a workbook (XLSX), one sheet per section.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, BulletinError> {
        let title = |what: &str| format!("{}{}（数据截至 {}）", self.period_label, what, self.as_of);
        let mut targets = Sheet::new("主要目标")
            .title(title("主要目标完成情况"))
            .columns([
                Column::text("目标").width(30),
                Column::text("单位"),
                Column::text("目标值"),
                Column::number("完成值", NumFmt::fixed(2)),
                Column::number("完成度（%）", NumFmt::fixed(1)),
                Column::text("状态"),
                Column::text("说明").width(60),
            ])
            .chart(SheetChart::column("主要目标完成度（%）", 0, [4]));
        for t in &self.targets {
            targets = targets.row([
                Cell::from(t.name.clone()),
                t.unit.clone().into(),
                t.target.clone().into(),
                t.value.into(),
                t.completion.map(|c| c.round_dp(1)).into(),
                t.status.clone().into(),
                t.explanation.clone().into(),
            ]);
        }
        let mut tasks = Sheet::new("督办事项").title(title("督办事项推进情况")).columns([
            Column::text("编号"),
            Column::text("事项").width(40),
            Column::text("方面").width(24),
            Column::text("牵头单位"),
            Column::text("办理状态"),
            Column::date("办结时限"),
            Column::number("完成进度（%）", NumFmt::fixed(1)),
            Column::text("督办灯"),
            Column::text("说明").width(50),
        ]);
        for t in &self.tasks {
            tasks = tasks.row([
                Cell::from(t.key.clone()),
                t.title.clone().into(),
                t.area.clone().into(),
                t.lead.clone().into(),
                t.state.clone().into(),
                t.deadline.into(),
                t.percent.into(),
                light_name(&t.light).into(),
                t.explanation.clone().into(),
            ]);
        }
        let mut depts = Sheet::new("各单位").title(title("各单位督办事项情况")).columns([
            Column::text("单位"),
            Column::number("事项", NumFmt::integer()),
            Column::number("办结", NumFmt::integer()),
            Column::number("红灯", NumFmt::integer()),
            Column::number("黄灯", NumFmt::integer()),
            Column::number("蓝灯", NumFmt::integer()),
            Column::number("绿灯", NumFmt::integer()),
            Column::number("超期", NumFmt::integer()),
            Column::number("退回", NumFmt::integer()),
            Column::number("迟报", NumFmt::integer()),
        ]);
        for d in &self.departments {
            let l = |k: &str| Cell::from(i64::from(d.lights.get(k).copied().unwrap_or(0)));
            depts = depts.row([
                Cell::from(d.department.clone()),
                i64::from(d.items).into(),
                i64::from(d.closed).into(),
                l("red"),
                l("yellow"),
                l("blue"),
                l("green"),
                i64::from(d.overdue).into(),
                i64::from(d.returned).into(),
                i64::from(d.late_reports).into(),
            ]);
        }
        let mut attention = Sheet::new("超期退回").title(title("超期和退回事项")).columns([
            Column::text("单位"),
            Column::text("编号"),
            Column::text("事项").width(40),
            Column::text("情形"),
            Column::text("说明").width(50),
        ]);
        for a in &self.attention {
            attention = attention.row([
                Cell::from(a.department.clone()),
                a.item.clone().into(),
                a.title.clone().into(),
                a.kind.clone().into(),
                a.detail.clone().into(),
            ]);
        }
        let mut rect = Sheet::new("督查整改").title(title("督查整改情况")).columns([
            Column::text("督查").width(30),
            Column::text("整改事项编号"),
            Column::text("整改事项").width(40),
            Column::text("责任单位"),
            Column::date("整改时限"),
            Column::text("办理情况"),
        ]);
        for i in &self.inspections {
            for r in &i.lines {
                rect = rect.row([
                    Cell::from(i.title.clone()),
                    r.item.clone().into(),
                    r.title.clone().into(),
                    r.owner.clone().into(),
                    r.deadline.into(),
                    r.state.clone().into(),
                ]);
            }
        }
        let mut scores = Sheet::new("考核得分")
            .title(title("部门考核得分"))
            .columns([
                Column::number("名次", NumFmt::integer()),
                Column::text("单位"),
                Column::number("基础分", NumFmt::fixed(2)),
                Column::number("加分", NumFmt::fixed(2)),
                Column::number("减分", NumFmt::fixed(2)),
                Column::number("申诉撤销", NumFmt::fixed(2)),
                Column::number("得分", NumFmt::fixed(2)),
            ])
            .chart(SheetChart::column("部门考核得分", 1, [6]));
        for s in &self.scores {
            scores = scores.row([
                Cell::from(i64::from(s.rank)),
                s.department.clone().into(),
                s.base.into(),
                s.bonus.into(),
                s.deductions.into(),
                s.reversals.into(),
                s.score.into(),
            ]);
        }
        let workbook = Workbook::new()
            .author(self.issuer.clone())
            .sheet(targets)
            .sheet(tasks)
            .sheet(depts)
            .sheet(attention)
            .sheet(rect)
            .sheet(scores);
        Ok(workbook.to_xlsx()?)
    }
}

/// One figure that differs between a report as issued and today's figures for the same period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// Section: `targets`, `tasks`, `departments`, `scores`, `inspections`.
    pub section: String,
    /// The row (target id, item key, department, inspection title).
    pub row: String,
    /// What the row is called.
    pub label: String,
    /// The field (`value`, `status`, `light`, `score` …).
    pub field: String,
    /// As issued (`—` when the row did not exist).
    pub issued: String,
    /// Today (`—` when the row no longer exists).
    pub current: String,
}

/// A named field of a row, as text.
type Field<'a, T> = (&'a str, &'a dyn Fn(&T) -> String);

fn diff_rows<T>(
    out: &mut Vec<Difference>,
    section: &str,
    issued: &[T],
    current: &[T],
    key: impl Fn(&T) -> String,
    label: impl Fn(&T) -> String,
    fields: &[Field<'_, T>],
) {
    let dash = || "—".to_owned();
    for i in issued {
        let k = key(i);
        let now = current.iter().find(|c| key(c) == k);
        for (name, get) in fields {
            let before = get(i);
            let after = now.map_or_else(dash, get);
            if before != after {
                out.push(Difference {
                    section: section.into(),
                    row: k.clone(),
                    label: label(i),
                    field: (*name).into(),
                    issued: before,
                    current: after,
                });
            }
        }
    }
    for c in current {
        let k = key(c);
        if !issued.iter().any(|i| key(i) == k) {
            for (name, get) in fields {
                out.push(Difference {
                    section: section.into(),
                    row: k.clone(),
                    label: label(c),
                    field: (*name).into(),
                    issued: dash(),
                    current: get(c),
                });
            }
        }
    }
}

/// The figures of `issued` that differ in `current` (the same period recomputed today): target values and
/// statuses, item states, lights and percents, department counts, inspection closures, scores and ranks.
pub fn compare(issued: &Bulletin, current: &Bulletin) -> Vec<Difference> {
    let mut out = Vec::new();
    let opt = |v: Option<Decimal>| num(v, 4);
    diff_rows(
        &mut out,
        "targets",
        &issued.targets,
        &current.targets,
        |t| t.id.clone(),
        |t| t.name.clone(),
        &[
            ("value", &|t: &TargetLine| opt(t.value)),
            ("status", &|t: &TargetLine| t.status.clone()),
        ],
    );
    diff_rows(
        &mut out,
        "tasks",
        &issued.tasks,
        &current.tasks,
        |t| t.key.clone(),
        |t| t.title.clone(),
        &[
            ("state", &|t: &TaskLine| t.state.clone()),
            ("light", &|t: &TaskLine| light_name(&t.light).to_owned()),
            ("percent", &|t: &TaskLine| opt(t.percent)),
        ],
    );
    diff_rows(
        &mut out,
        "departments",
        &issued.departments,
        &current.departments,
        |d| d.department.clone(),
        |d| d.department.clone(),
        &[
            ("overdue", &|d: &DepartmentLine| d.overdue.to_string()),
            ("returned", &|d: &DepartmentLine| d.returned.to_string()),
            ("late_reports", &|d: &DepartmentLine| d.late_reports.to_string()),
        ],
    );
    diff_rows(
        &mut out,
        "inspections",
        &issued.inspections,
        &current.inspections,
        |i| i.title.clone(),
        |i| i.title.clone(),
        &[
            ("closed", &|i: &InspectionLine| i.closed.to_string()),
            ("overdue", &|i: &InspectionLine| i.overdue.to_string()),
        ],
    );
    diff_rows(
        &mut out,
        "scores",
        &issued.scores,
        &current.scores,
        |s| s.department.clone(),
        |s| s.department.clone(),
        &[
            ("score", &|s: &ScoreLine| format_value(s.score, 2)),
            ("rank", &|s: &ScoreLine| s.rank.to_string()),
        ],
    );
    out
}

#[cfg(test)]
mod tests;
