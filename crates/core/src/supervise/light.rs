//! Warning lights (预警灯), explainable like target statuses: the schedule light of an item (蓝/绿/黄/红) and
//! the data-freshness signal of a department. Each assessment returns the light, the rule that decided it, every
//! rule that fired, the thresholds in force and the inputs, so "why was this red on 2019-06-30?" has an answer
//! and past lights recompute exactly (the item is first cut back to the evaluation date).
//!
//! Schedule light, rules checked in this order; the light is the most severe that fired (红 > 黄 > 蓝 > 绿):
//!
//! | rule | light | source |
//! |---|---|---|
//! | closed (办结) | green | — |
//! | overdue: today after the deadline, not closed (超期未办结) | red | 宿迁 "三色督办单", 安丘 红牌 (anchors.md §5.2) |
//! | far behind 序时进度: gap > `red_behind_schedule_points` (off by default) | red | 宜昌 进度落后亮红灯 |
//! | behind 序时进度: gap > `behind_schedule_points` (default 10) | yellow | 宿迁 黄 = behind 序时进度; 10 points is ours |
//! | late report: the latest due report was late or is missing | yellow | 温州 红/黄码 by this cycle's task; 宿迁 |
//! | returned (退回, poor quality) | yellow | 宿迁 黄 = poor quality |
//! | near deadline: 0 ≤ days left ≤ `near_deadline_days` (default 3) | blue | 宿迁 蓝; 西安 3 days |
//! | otherwise | green | — |
//!
//! 序时进度 (expected completion by elapsed time) runs linearly from the assignment to the deadline. By default
//! it is read at the end of the latest cycle whose report is already due (`cycle_step`), not today: with monthly
//! or quarterly reports a daily expectation would show a false "behind" between reports (anchors.md §9, Cascade).
//! When the item's milestones carry expected percents, the expectation steps along them instead.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::cycle::{Period, period_label_zh};
use super::ids::{DepartmentId, ItemId};
use super::item::SupervisedItem;
use super::report::{Percent, SlotState, SlotStatus};
use super::rules::{Points, SupervisionRules};
use super::workflow::State;

/// The version of the schedule-light method; bump it when a rule changes meaning.
pub const SCHEDULE_LIGHT_VERSION: u32 = 1;

/// How 序时进度 is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectationMethod {
    /// At the end of the latest cycle period whose report is already due (step-wise).
    CycleStep,
    /// At today's date (linear per day).
    Linear,
}

/// The schedule-light rules (`[supervision.lights]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LightRules {
    /// Blue when the deadline is at most this many days away (0 = on the deadline day). Default 3: 西安's
    /// 限时办结提醒 three days before the deadline (anchors.md §5.2).
    pub near_deadline_days: u16,
    /// Yellow when the reported percent is behind 序时进度 by more than this many points. Default 10 (ours,
    /// near Cascade's 95 % on-track band, anchors.md §4.3).
    pub behind_schedule_points: Points,
    /// Red when behind 序时进度 by more than this many points (宜昌 style); absent = never red for lag alone.
    pub red_behind_schedule_points: Option<Points>,
    /// Whether a late or missing latest report turns the light yellow. Default true.
    pub late_report_is_yellow: bool,
    /// Whether a returned item is yellow. Default true.
    pub returned_is_yellow: bool,
    /// How 序时进度 is read. Default `cycle_step`.
    pub expectation: ExpectationMethod,
}

impl Default for LightRules {
    fn default() -> Self {
        Self {
            near_deadline_days: 3,
            behind_schedule_points: Points::whole(10),
            red_behind_schedule_points: None,
            late_report_is_yellow: true,
            returned_is_yellow: true,
            expectation: ExpectationMethod::CycleStep,
        }
    }
}

/// A schedule light (督办灯), ordered by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleLight {
    /// 绿: on schedule, or closed.
    Green,
    /// 蓝: approaching the deadline.
    Blue,
    /// 黄: behind 序时进度, a late report, or returned.
    Yellow,
    /// 红: overdue and not closed.
    Red,
}

impl ScheduleLight {
    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            ScheduleLight::Green => "绿灯",
            ScheduleLight::Blue => "蓝灯",
            ScheduleLight::Yellow => "黄灯",
            ScheduleLight::Red => "红灯",
        }
    }
}

/// The rules of the schedule light, in the order they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LightRule {
    /// 已办结.
    Closed,
    /// 超期未办结.
    Overdue,
    /// 严重滞后于序时进度.
    FarBehindSchedule,
    /// 滞后于序时进度.
    BehindSchedule,
    /// 最近一期反馈迟报或未报.
    LateReport,
    /// 被退回.
    Returned,
    /// 临近办结时限.
    NearDeadline,
    /// 进展正常.
    OnSchedule,
}

impl LightRule {
    /// The light the rule gives.
    pub fn light(self) -> ScheduleLight {
        match self {
            LightRule::Closed | LightRule::OnSchedule => ScheduleLight::Green,
            LightRule::Overdue | LightRule::FarBehindSchedule => ScheduleLight::Red,
            LightRule::BehindSchedule | LightRule::LateReport | LightRule::Returned => ScheduleLight::Yellow,
            LightRule::NearDeadline => ScheduleLight::Blue,
        }
    }
}

/// Where 序时进度 came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectationBasis {
    /// Linear from assignment to deadline, read at the reference date.
    Linear,
    /// The highest expected percent among milestones due by the reference date.
    Milestones,
}

/// 序时进度 with how it was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedProgress {
    /// Expected percent complete (exact; not rounded).
    pub percent: Decimal,
    /// Linear or milestone steps.
    pub basis: ExpectationBasis,
    /// The date at which it was read.
    pub reference_date: Date,
}

/// Everything the schedule light looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LightInputs {
    /// Evaluation date.
    pub today: Date,
    /// State at the end of that day.
    pub state: State,
    /// Deadline in force.
    pub deadline: Date,
    /// Deadline − today, in days (negative once overdue).
    pub days_left: i32,
    /// Assignment date.
    pub assigned_on: Option<Date>,
    /// Closure date.
    pub closed_on: Option<Date>,
    /// 序时进度, when there is one.
    pub expected: Option<ExpectedProgress>,
    /// Percent of the latest report not returned (none reported: absent, counted as 0).
    pub reported_percent: Option<Percent>,
    /// Date of that report.
    pub reported_on: Option<Date>,
    /// Expected − reported, in points (positive = behind).
    pub gap_points: Option<Decimal>,
    /// The latest reporting slot whose due date has passed, with its status.
    pub latest_due_slot: Option<SlotStatus>,
}

/// An explained schedule light (督办灯及其依据).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LightAssessment {
    /// The item.
    pub item: ItemId,
    /// The light.
    pub light: ScheduleLight,
    /// The rule that decided it (the first in check order among the most severe).
    pub rule: LightRule,
    /// Every rule that fired, in check order.
    pub fired: Vec<LightRule>,
    /// Method name, `schedule_light`.
    pub method: &'static str,
    /// Method version.
    pub version: u32,
    /// The thresholds in force.
    pub thresholds: LightRules,
    /// The inputs.
    pub inputs: LightInputs,
}

impl LightAssessment {
    /// One-sentence explanation in Chinese.
    pub fn explain_zh(&self) -> String {
        let i = &self.inputs;
        let why = match self.rule {
            LightRule::Closed => format!("已于 {} 办结", opt_date(i.closed_on)),
            LightRule::Overdue => format!(
                "已超过办结时限 {}（超期 {} 天），尚未办结",
                i.deadline, -i.days_left
            ),
            LightRule::FarBehindSchedule | LightRule::BehindSchedule => format!(
                "序时进度 {}%，已报进度 {}，落后 {} 个百分点（阈值 {}）",
                opt_round(i.expected.map(|e| e.percent)),
                i.reported_percent.map_or("0%".to_owned(), |p| p.to_string()),
                opt_round(i.gap_points),
                if self.rule == LightRule::FarBehindSchedule {
                    self.thresholds.red_behind_schedule_points.unwrap_or(Points::ZERO)
                } else {
                    self.thresholds.behind_schedule_points
                }
            ),
            LightRule::LateReport => match i.latest_due_slot {
                Some(SlotStatus {
                    slot,
                    state: SlotState::Late { submitted_on },
                }) => format!(
                    "{} 的进展反馈应于 {} 前报送，{} 才报送（迟报）",
                    period_label_zh(slot.period),
                    slot.due,
                    submitted_on
                ),
                Some(SlotStatus { slot, .. }) => {
                    format!(
                        "{} 的进展反馈应于 {} 前报送，至今未报",
                        period_label_zh(slot.period),
                        slot.due
                    )
                }
                None => "最近一期反馈迟报".to_owned(),
            },
            LightRule::Returned => "反馈或办结申请被退回，正在整改".to_owned(),
            LightRule::NearDeadline => format!("距办结时限 {} 还有 {} 天", i.deadline, i.days_left),
            LightRule::OnSchedule => "进展正常".to_owned(),
        };
        format!("{}：{}", self.light.name_zh(), why)
    }

    /// One-sentence explanation in English.
    pub fn explain_en(&self) -> String {
        let i = &self.inputs;
        let light = match self.light {
            ScheduleLight::Green => "green",
            ScheduleLight::Blue => "blue",
            ScheduleLight::Yellow => "yellow",
            ScheduleLight::Red => "red",
        };
        let why = match self.rule {
            LightRule::Closed => format!("closed on {}", opt_date(i.closed_on)),
            LightRule::Overdue => {
                format!(
                    "past its deadline {} by {} days and not closed",
                    i.deadline, -i.days_left
                )
            }
            LightRule::FarBehindSchedule | LightRule::BehindSchedule => format!(
                "expected {}% by elapsed time, reported {}: {} points behind",
                opt_round(i.expected.map(|e| e.percent)),
                i.reported_percent.map_or("0%".to_owned(), |p| p.to_string()),
                opt_round(i.gap_points)
            ),
            LightRule::LateReport => match i.latest_due_slot {
                Some(SlotStatus {
                    slot,
                    state: SlotState::Late { submitted_on },
                }) => {
                    format!(
                        "the report on {} was due {} and came on {}",
                        slot.period, slot.due, submitted_on
                    )
                }
                Some(SlotStatus { slot, .. }) => {
                    format!(
                        "the report on {} was due {} and is missing",
                        slot.period, slot.due
                    )
                }
                None => "the latest report was late".to_owned(),
            },
            LightRule::Returned => "returned for rework".to_owned(),
            LightRule::NearDeadline => format!("{} days left to the deadline {}", i.days_left, i.deadline),
            LightRule::OnSchedule => "on schedule".to_owned(),
        };
        format!("{light}: {why}")
    }
}

fn opt_date(d: Option<Date>) -> String {
    d.map_or_else(|| "?".to_owned(), |d| d.to_string())
}

fn opt_round(d: Option<Decimal>) -> String {
    d.map_or_else(|| "?".to_owned(), |d| d.round_dp(1).normalize().to_string())
}

/// Days from `from` to `to` (negative when `to` is earlier).
pub(crate) fn days_between(from: Date, to: Date) -> i32 {
    (to - from).get_days()
}

/// 序时进度 of `item` on `today` (the item should already be cut back to `today`), or `None` before the
/// assignment or, for `cycle_step`, before any report is due.
pub fn expected_progress(
    item: &SupervisedItem,
    rules: &SupervisionRules,
    today: Date,
) -> Option<ExpectedProgress> {
    let assigned = item.assigned_on()?;
    let deadline = item.deadline();
    let reference_date = match rules.lights.expectation {
        ExpectationMethod::Linear => today,
        ExpectationMethod::CycleStep => item
            .reporting_slots(&rules.reporting, today)
            .iter()
            .rev()
            .find(|s| s.due < today)
            .map(|s| s.period.end())?,
    };
    let milestone_percents: Vec<(Date, Percent)> = item
        .spec()
        .milestones
        .iter()
        .filter_map(|m| m.expected_percent.map(|p| (m.due, p)))
        .collect();
    if !milestone_percents.is_empty() {
        let percent = milestone_percents
            .iter()
            .filter(|(due, _)| *due <= reference_date)
            .map(|(_, p)| p.value())
            .max()
            .unwrap_or(Decimal::ZERO);
        return Some(ExpectedProgress {
            percent,
            basis: ExpectationBasis::Milestones,
            reference_date,
        });
    }
    let total = days_between(assigned, deadline);
    let percent = if total <= 0 {
        if reference_date >= deadline {
            Decimal::ONE_HUNDRED
        } else {
            Decimal::ZERO
        }
    } else {
        let elapsed = days_between(assigned, reference_date).clamp(0, total);
        Decimal::from(elapsed) * Decimal::ONE_HUNDRED / Decimal::from(total)
    };
    Some(ExpectedProgress {
        percent,
        basis: ExpectationBasis::Linear,
        reference_date,
    })
}

/// The schedule light of `item` at the end of `today`, or `None` if the item was not registered by then.
pub fn assess_schedule(
    item: &SupervisedItem,
    rules: &SupervisionRules,
    today: Date,
) -> Option<LightAssessment> {
    let view = item.as_of(today)?;
    let lr = &rules.lights;
    let report = view.latest_accepted_report();
    let expected = expected_progress(&view, rules, today);
    let reported = report.map_or(Decimal::ZERO, |r| r.percent.value());
    let gap_points = expected.map(|e| e.percent - reported);
    let latest_due_slot = view
        .slot_statuses(&rules.reporting, today)
        .into_iter()
        .rev()
        .find(|s| s.slot.due < today && s.state != SlotState::Exempt);
    let days_left = days_between(today, view.deadline());
    let inputs = LightInputs {
        today,
        state: view.state(),
        deadline: view.deadline(),
        days_left,
        assigned_on: view.assigned_on(),
        closed_on: view.closed_on(),
        expected,
        reported_percent: report.map(|r| r.percent),
        reported_on: report.map(|r| r.submitted_at.date()),
        gap_points,
        latest_due_slot,
    };

    let mut fired = Vec::new();
    if view.state().is_closed() {
        fired.push(LightRule::Closed);
    } else {
        if today > view.deadline() {
            fired.push(LightRule::Overdue);
        }
        if let (Some(gap), Some(red)) = (gap_points, lr.red_behind_schedule_points)
            && gap > red.value()
        {
            fired.push(LightRule::FarBehindSchedule);
        }
        if gap_points.is_some_and(|gap| gap > lr.behind_schedule_points.value()) {
            fired.push(LightRule::BehindSchedule);
        }
        if lr.late_report_is_yellow && latest_due_slot.is_some_and(|s| s.state.is_late()) {
            fired.push(LightRule::LateReport);
        }
        if lr.returned_is_yellow && view.state() == State::Returned {
            fired.push(LightRule::Returned);
        }
        if (0..=i32::from(lr.near_deadline_days)).contains(&days_left) {
            fired.push(LightRule::NearDeadline);
        }
        if fired.is_empty() {
            fired.push(LightRule::OnSchedule);
        }
    }
    // `fired` is in check order, so the first rule with the most severe light decides.
    let light = fired
        .iter()
        .map(|r| r.light())
        .max()
        .unwrap_or(ScheduleLight::Green);
    let rule = fired
        .iter()
        .copied()
        .find(|r| r.light() == light)
        .unwrap_or(LightRule::OnSchedule);
    Some(LightAssessment {
        item: view.id().clone(),
        light,
        rule,
        fired,
        method: "schedule_light",
        version: SCHEDULE_LIGHT_VERSION,
        thresholds: lr.clone(),
        inputs,
    })
}

/// The data-freshness signal of a department (数据时效).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Freshness {
    /// Every open item it leads has a report for its latest due cycle.
    Current,
    /// Some open item it leads has no report for its latest due cycle (本期未报).
    Stale,
    /// No report of an open item it leads is due yet.
    NothingDue,
}

/// A report a department owes for the current cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwedReport {
    /// The item.
    pub item: ItemId,
    /// The period not reported.
    pub period: Period,
    /// Its due date.
    pub due: Date,
    /// Days past the due date.
    pub days_overdue: i32,
}

/// A department's freshness signal with its inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepartmentFreshness {
    /// The department.
    pub department: DepartmentId,
    /// The signal.
    pub signal: Freshness,
    /// Reports owed for the latest due cycle of each open item (empty unless stale).
    pub owed: Vec<OwedReport>,
    /// Date of the department's latest progress report on any item it leads.
    pub last_report_on: Option<Date>,
    /// Open items it leads (assigned, not closed).
    pub open_items: usize,
    /// Evaluation date.
    pub today: Date,
}

/// The freshness signal of `department` at the end of `today`: stale when, for some open item it leads, the
/// latest cycle whose report is due (due date before today) has no report at all. Older gaps are lateness (scored
/// by the ledger), not staleness.
pub fn department_freshness(
    department: &DepartmentId,
    items: &[SupervisedItem],
    rules: &SupervisionRules,
    today: Date,
) -> DepartmentFreshness {
    let mut owed = Vec::new();
    let mut last_report_on: Option<Date> = None;
    let mut open_items = 0;
    let mut anything_due = false;
    for view in items
        .iter()
        .filter(|i| i.lead_department() == department)
        .filter_map(|i| i.as_of(today))
    {
        if let Some(last) = view.reports().last() {
            let on = last.submitted_at.date();
            last_report_on = Some(last_report_on.map_or(on, |d| d.max(on)));
        }
        if view.state().is_closed() || view.assigned_on().is_none() {
            continue;
        }
        open_items += 1;
        let latest_due = view
            .slot_statuses(&rules.reporting, today)
            .into_iter()
            .rev()
            .find(|s| s.slot.due < today && s.state != SlotState::Exempt);
        if let Some(status) = latest_due {
            anything_due = true;
            if status.state == SlotState::Missing {
                owed.push(OwedReport {
                    item: view.id().clone(),
                    period: status.slot.period,
                    due: status.slot.due,
                    days_overdue: days_between(status.slot.due, today),
                });
            }
        }
    }
    let signal = if !owed.is_empty() {
        Freshness::Stale
    } else if anything_due {
        Freshness::Current
    } else {
        Freshness::NothingDue
    };
    DepartmentFreshness {
        department: department.clone(),
        signal,
        owed,
        last_report_on,
        open_items,
        today,
    }
}

/// [`department_freshness`] for each department, in the order given.
pub fn freshness_by_department(
    departments: &[DepartmentId],
    items: &[SupervisedItem],
    rules: &SupervisionRules,
    today: Date,
) -> Vec<DepartmentFreshness> {
    departments
        .iter()
        .map(|d| department_freshness(d, items, rules, today))
        .collect()
}
