//! Inspections (督查): rounds with a scope (items, targets, departments), findings (发现问题), and rectification
//! items (整改事项) with an owner and a deadline. A rectification item is registered as a [`SupervisedItem`] of
//! kind [`ItemKind::Rectification`] and runs the same workflow until 办结 — the closed loop 发现问题 → 交办问题 →
//! 跟踪整改 → 落实反馈 of 宿迁 (anchors.md §5.2).

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::cycle::ReportingCycle;
use super::error::SuperviseError;
use super::ids::{DepartmentId, FindingId, InspectionId, ItemId, TargetId};
use super::item::{ItemKind, ItemSpec, SupervisedItem};
use super::light::{ScheduleLight, assess_schedule};
use super::rules::SupervisionRules;
use super::workflow::State;

/// What a round inspects (督查范围). Empty lists mean "not restricted on that axis"; at least one must be given.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InspectionScope {
    /// Supervised items inspected.
    #[serde(default)]
    pub items: Vec<ItemId>,
    /// Targets inspected.
    #[serde(default)]
    pub targets: Vec<TargetId>,
    /// Departments inspected.
    #[serde(default)]
    pub departments: Vec<DepartmentId>,
}

fn monthly() -> ReportingCycle {
    ReportingCycle::Monthly
}

/// A rectification item to be supervised (整改事项).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectificationSpec {
    /// The supervised item's id.
    pub id: ItemId,
    /// What is to be rectified.
    pub title: String,
    /// Owner (整改责任单位): the item's lead department.
    pub owner: DepartmentId,
    /// Deadline (整改时限).
    pub deadline: Date,
    /// Reporting cycle; monthly unless given.
    #[serde(default = "monthly")]
    pub cycle: ReportingCycle,
}

/// A finding of a round (发现问题).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Finding id, unique in the round.
    pub id: FindingId,
    /// What was found.
    pub description: String,
    /// The department concerned.
    pub department: DepartmentId,
    /// The supervised item it concerns, if any.
    #[serde(default)]
    pub item: Option<ItemId>,
    /// Rectification items ordered.
    #[serde(default)]
    pub rectifications: Vec<RectificationSpec>,
}

/// An inspection round as entered (unchecked); [`InspectionRound::new`] checks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionDraft {
    /// Round id.
    pub id: InspectionId,
    /// Title (e.g. 2019年第四季度重点任务督查).
    pub title: String,
    /// First day of the inspection.
    pub started_on: Date,
    /// Last day, once finished.
    #[serde(default)]
    pub ended_on: Option<Date>,
    /// What it inspects.
    #[serde(default)]
    pub scope: InspectionScope,
    /// What it found.
    #[serde(default)]
    pub findings: Vec<Finding>,
}

/// A checked inspection round (督查轮次).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "InspectionDraft", into = "InspectionDraft")]
pub struct InspectionRound(InspectionDraft);

impl TryFrom<InspectionDraft> for InspectionRound {
    type Error = SuperviseError;
    fn try_from(draft: InspectionDraft) -> Result<Self, Self::Error> {
        InspectionRound::new(draft)
    }
}

impl From<InspectionRound> for InspectionDraft {
    fn from(round: InspectionRound) -> Self {
        round.0
    }
}

impl InspectionRound {
    /// Checks a round: a title; an end not before the start; a non-empty scope; unique finding and
    /// rectification ids; findings and their items within the scope's departments and items when those are
    /// listed; rectification items with a title and a deadline not before the round started.
    pub fn new(draft: InspectionDraft) -> Result<Self, SuperviseError> {
        let bad = |zh: String, en: String| SuperviseError::InvalidInspection {
            inspection: draft.id.clone(),
            reason_zh: zh,
            reason_en: en,
        };
        if draft.title.trim().is_empty() {
            return Err(bad("标题为空".into(), "the title is empty".into()));
        }
        if let Some(end) = draft.ended_on
            && end < draft.started_on
        {
            return Err(bad(
                format!("结束日期 {end} 早于开始日期 {}", draft.started_on),
                format!("ends on {end}, before it starts on {}", draft.started_on),
            ));
        }
        let scope = &draft.scope;
        if scope.items.is_empty() && scope.targets.is_empty() && scope.departments.is_empty() {
            return Err(bad("督查范围为空".into(), "the scope is empty".into()));
        }
        let mut finding_ids = BTreeSet::new();
        let mut item_ids = BTreeSet::new();
        for f in &draft.findings {
            if !finding_ids.insert(&f.id) {
                return Err(bad(
                    format!("问题编号 {} 重复", f.id),
                    format!("finding {} is listed twice", f.id),
                ));
            }
            if f.description.trim().is_empty() {
                return Err(bad(
                    format!("问题 {} 没有描述", f.id),
                    format!("finding {} has no description", f.id),
                ));
            }
            if !scope.departments.is_empty() && !scope.departments.contains(&f.department) {
                return Err(bad(
                    format!("问题 {} 涉及的部门 {} 不在督查范围内", f.id, f.department),
                    format!(
                        "finding {} concerns department {}, outside the scope",
                        f.id, f.department
                    ),
                ));
            }
            if let Some(item) = &f.item
                && !scope.items.is_empty()
                && !scope.items.contains(item)
            {
                return Err(bad(
                    format!("问题 {} 涉及的事项 {item} 不在督查范围内", f.id),
                    format!("finding {} concerns item {item}, outside the scope", f.id),
                ));
            }
            for r in &f.rectifications {
                if !item_ids.insert(&r.id) {
                    return Err(bad(
                        format!("整改事项 {} 重复", r.id),
                        format!("rectification item {} is listed twice", r.id),
                    ));
                }
                if r.title.trim().is_empty() {
                    return Err(bad(
                        format!("整改事项 {} 没有名称", r.id),
                        format!("rectification item {} has no title", r.id),
                    ));
                }
                if r.deadline < draft.started_on {
                    return Err(bad(
                        format!(
                            "整改事项 {} 的时限 {} 早于督查开始 {}",
                            r.id, r.deadline, draft.started_on
                        ),
                        format!(
                            "rectification item {} is due {}, before the round started on {}",
                            r.id, r.deadline, draft.started_on
                        ),
                    ));
                }
            }
        }
        Ok(InspectionRound(draft))
    }

    /// Round id.
    pub fn id(&self) -> &InspectionId {
        &self.0.id
    }

    /// Title.
    pub fn title(&self) -> &str {
        &self.0.title
    }

    /// First day.
    pub fn started_on(&self) -> Date {
        self.0.started_on
    }

    /// Last day, once finished.
    pub fn ended_on(&self) -> Option<Date> {
        self.0.ended_on
    }

    /// Scope.
    pub fn scope(&self) -> &InspectionScope {
        &self.0.scope
    }

    /// Findings.
    pub fn findings(&self) -> &[Finding] {
        &self.0.findings
    }

    /// The specs to register (立项) for every rectification item of the round. Each serves the targets of nothing
    /// by itself; link targets on the spec before registering if the finding concerns one.
    pub fn rectification_specs(&self) -> Vec<ItemSpec> {
        self.0
            .findings
            .iter()
            .flat_map(|f| {
                f.rectifications.iter().map(move |r| ItemSpec {
                    id: r.id.clone(),
                    kind: ItemKind::Rectification {
                        inspection: self.0.id.clone(),
                        finding: f.id.clone(),
                    },
                    title: r.title.clone(),
                    lead_department: r.owner.clone(),
                    co_departments: Vec::new(),
                    responsible_leader: None,
                    leader_in_charge: None,
                    deadline: r.deadline,
                    milestones: Vec::new(),
                    targets: Vec::new(),
                    cycle: r.cycle,
                })
            })
            .collect()
    }

    /// Where the round's rectification stands at the end of `today` (整改情况).
    pub fn summary(
        &self,
        items: &[SupervisedItem],
        rules: &SupervisionRules,
        today: Date,
    ) -> InspectionSummary {
        let mut lines = Vec::new();
        for f in &self.0.findings {
            for r in &f.rectifications {
                let view = items
                    .iter()
                    .find(|i| i.id() == &r.id)
                    .and_then(|i| i.as_of(today));
                let light = view
                    .as_ref()
                    .and_then(|v| assess_schedule(v, rules, today))
                    .map(|a| a.light);
                lines.push(RectificationLine {
                    item: r.id.clone(),
                    finding: f.id.clone(),
                    owner: r.owner.clone(),
                    deadline: view.as_ref().map_or(r.deadline, SupervisedItem::deadline),
                    state: view.as_ref().map(SupervisedItem::state),
                    closed_on: view.as_ref().and_then(SupervisedItem::closed_on),
                    light,
                });
            }
        }
        let closed = lines.iter().filter(|l| l.state == Some(State::Closed)).count();
        let not_registered = lines.iter().filter(|l| l.state.is_none()).count();
        let overdue = lines
            .iter()
            .filter(|l| l.state != Some(State::Closed) && today > l.deadline)
            .count();
        InspectionSummary {
            inspection: self.0.id.clone(),
            title: self.0.title.clone(),
            findings: self.0.findings.len(),
            rectifications: lines.len(),
            closed,
            open: lines.len() - closed,
            overdue,
            not_registered,
            complete: closed == lines.len(),
            lines,
        }
    }
}

/// One rectification item in a round's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RectificationLine {
    /// The item.
    pub item: ItemId,
    /// The finding.
    pub finding: FindingId,
    /// Owner.
    pub owner: DepartmentId,
    /// Deadline in force.
    pub deadline: Date,
    /// State (`None`: not registered yet).
    pub state: Option<State>,
    /// Closure date.
    pub closed_on: Option<Date>,
    /// Schedule light.
    pub light: Option<ScheduleLight>,
}

/// A round's rectification status (整改落实情况).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InspectionSummary {
    /// Round id.
    pub inspection: InspectionId,
    /// Title.
    pub title: String,
    /// Findings.
    pub findings: usize,
    /// Rectification items.
    pub rectifications: usize,
    /// Closed.
    pub closed: usize,
    /// Not closed (including not registered).
    pub open: usize,
    /// Past their deadline and not closed.
    pub overdue: usize,
    /// Ordered but not registered as supervised items yet.
    pub not_registered: usize,
    /// Whether every rectification item is closed (整改完成).
    pub complete: bool,
    /// One line per rectification item.
    pub lines: Vec<RectificationLine>,
}
