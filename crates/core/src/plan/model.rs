//! The plan as typed data: metadata, org units, departments, data elements, indicators, targets, qualitative
//! goals, key-task areas with their tasks, and safeguard measures with their standing tasks.
//!
//! A [`Plan`] is only built by the plan-file reader ([`super::Plan::from_toml`]) or by code that checks the
//! same invariants, so every id it refers to exists in it: a task's departments, a target's indicator, an
//! indicator's data elements, an org unit's parent.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::ids::{
    DataElementId, DepartmentId, GoalId, IndicatorId, OrgUnitCode, PlanId, SafeguardId, TargetId, TaskAreaId,
    TaskId,
};
use crate::indicator::Expr;
use crate::period::Period;
use crate::progress::MethodId;

/// Plan metadata (计划基本信息).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanMeta {
    /// Stable id of the plan.
    pub id: PlanId,
    /// Full title (标题), Chinese.
    pub title_zh: String,
    /// Title, English.
    pub title_en: String,
    /// The body that drafted and issues it (起草/发文单位), e.g. 区经信局.
    pub issuing_body_zh: String,
    /// Issuing body, English.
    pub issuing_body_en: String,
    /// The body that adopts it (审议/印发单位), e.g. the district government's standing meeting.
    pub adopting_body_zh: String,
    /// Adopting body, English.
    pub adopting_body_en: String,
    /// First year of the plan period (2018).
    pub first_year: i32,
    /// Last year of the plan period (2020).
    pub last_year: i32,
    /// The period whose values are the base of every progress assessment (基期), e.g. 2017.
    pub baseline: Period,
    /// The org unit the plan is for (the plan's own unit, default of `status`).
    pub org_unit: OrgUnitCode,
    /// Plans this one implements (上位规划), by title.
    pub parents: Vec<ParentPlan>,
    /// Where the plan text comes from (document, date, URL).
    pub source: Option<String>,
}

/// A higher-level plan that this plan implements (上位规划), named by title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParentPlan {
    /// Title, Chinese (《…》 without the brackets).
    pub title_zh: String,
    /// Title, English.
    pub title_en: String,
    /// Issuing level, e.g. `province`, `city`.
    pub level: String,
}

/// An administrative unit (行政区划) that data are reported for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgUnit {
    /// GB/T 2260 code.
    pub code: OrgUnitCode,
    /// Name, Chinese (双台子区).
    pub name_zh: String,
    /// Name, English (Shuangtaizi District).
    pub name_en: String,
    /// The unit it belongs to; `None` for the root of the plan's tree.
    pub parent: Option<OrgUnitCode>,
}

/// A department or agency (部门/单位) that leads or helps with tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Department {
    /// Stable id.
    pub id: DepartmentId,
    /// Full name, Chinese (双台子区经济和信息化局).
    pub name_zh: String,
    /// Short name as used in documents (区经信局).
    pub short_zh: String,
    /// Name, English.
    pub name_en: String,
    /// Whether the plan text names this department; `false` marks a proposal (assumption).
    pub named_in_text: bool,
}

/// How a data element aggregates over time (DHIS2's aggregation type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElementKind {
    /// 流量: summed over periods (expenditure, turnover, value added, people introduced).
    Flow,
    /// 存量: the value at the end of the period (counts of enterprises, institutes).
    Stock,
}

/// A registry rule that derives a data element (issue 4 §3). The store computes these; the indicator engine
/// treats derived and observed values alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DerivationRule {
    /// Enterprises with a 科技型中小企业 registration (入库登记) for the year.
    TechSmeRegistrations,
    /// Enterprises holding a 高新技术企业 certificate valid on 31 December (three years from issue).
    HighTechCertificatesValidAtYearEnd,
    /// 规上工业 enterprises that are 科技型 (a 科技型中小企业 registration that year or a valid 高企 certificate).
    AboveScaleTechIndustrial,
    /// Those of [`DerivationRule::AboveScaleTechIndustrial`] with an R&D institution (研发机构).
    AboveScaleTechIndustrialWithRd,
    /// Talents of category 高端创新创业人才 introduced in the period.
    HighEndTalentsIntroduced,
    /// Σ 成交额 of technology contracts registered in the period whose seller is in the org unit.
    TechContractTurnover,
    /// 产业技术研究院 recognised and not revoked at the period's end.
    IndustrialTechInstitutesRecognised,
}

impl DerivationRule {
    /// Every rule, for messages that list the allowed names.
    pub const ALL: [DerivationRule; 7] = [
        DerivationRule::TechSmeRegistrations,
        DerivationRule::HighTechCertificatesValidAtYearEnd,
        DerivationRule::AboveScaleTechIndustrial,
        DerivationRule::AboveScaleTechIndustrialWithRd,
        DerivationRule::HighEndTalentsIntroduced,
        DerivationRule::TechContractTurnover,
        DerivationRule::IndustrialTechInstitutesRecognised,
    ];

    /// The rule's name in plan files.
    pub fn name(self) -> &'static str {
        match self {
            DerivationRule::TechSmeRegistrations => "tech_sme_registrations",
            DerivationRule::HighTechCertificatesValidAtYearEnd => "high_tech_certificates_valid_at_year_end",
            DerivationRule::AboveScaleTechIndustrial => "above_scale_tech_industrial",
            DerivationRule::AboveScaleTechIndustrialWithRd => "above_scale_tech_industrial_with_rd",
            DerivationRule::HighEndTalentsIntroduced => "high_end_talents_introduced",
            DerivationRule::TechContractTurnover => "tech_contract_turnover",
            DerivationRule::IndustrialTechInstitutesRecognised => "industrial_tech_institutes_recognised",
        }
    }

    /// Reads a rule name.
    pub fn parse(name: &str) -> Option<DerivationRule> {
        DerivationRule::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// Where a data element's values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "rule")]
pub enum ElementSource {
    /// Entered or imported (statistics bureau figures: GDP, R&D expenditure …).
    Observed,
    /// Computed from registries by the named rule.
    Derived(DerivationRule),
}

/// A data element (数据项): one number per org unit and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataElement {
    /// Stable id, also its name in expressions.
    pub id: DataElementId,
    /// Name, Chinese.
    pub name_zh: String,
    /// Name, English.
    pub name_en: String,
    /// Flow or stock.
    pub kind: ElementKind,
    /// Unit, e.g. `万元`, `家`, `人`.
    pub unit: String,
    /// Observed or derived (and by which rule).
    pub source: ElementSource,
}

/// An indicator (指标): an expression over data elements, evaluated per org unit and period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    /// Stable id.
    pub id: IndicatorId,
    /// Name, Chinese.
    pub name_zh: String,
    /// Name, English.
    pub name_en: String,
    /// Unit of the value (`%`, `家`, `人`).
    pub unit: String,
    /// The formula, parsed.
    pub expression: Expr,
    /// Decimal places to show (the engine computes exactly and rounds only for display).
    pub decimals: u32,
}

/// How a target's value compares with the indicator (the plan's wording: 达到, 以上, 不超过).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Comparator {
    /// `>=`: at least (达到, 以上).
    #[serde(rename = ">=")]
    AtLeast,
    /// `<=`: at most (不超过, 控制在…以内).
    #[serde(rename = "<=")]
    AtMost,
}

impl Comparator {
    /// `>=` or `<=`.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => ">=",
            Comparator::AtMost => "<=",
        }
    }

    /// Whether `value` satisfies the comparison with `target`.
    pub fn holds(self, value: Decimal, target: Decimal) -> bool {
        match self {
            Comparator::AtLeast => value >= target,
            Comparator::AtMost => value <= target,
        }
    }
}

/// Which way is progress. Required on every target: Open SDG's default is "negative", which is wrong for every
/// target of this plan (anchors.md §9), so plantrack never assumes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// 越高越好
    HigherIsBetter,
    /// 越低越好
    LowerIsBetter,
}

/// What a target's number means over time; decides when it counts as met and which methods make sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A level to reach by the deadline (a ratio or a stock): met as soon as the value satisfies the target.
    Level,
    /// A total summed over the plan period (引进人才15人以上, 2018–2020): met once the running total satisfies it.
    Cumulative,
    /// A growth rate per year (增速达25%): each year's rate is judged as a rate; met when the deadline year's
    /// rate satisfies it.
    RatePerYear,
}

/// A quantitative target (量化目标).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// Stable id.
    pub id: TargetId,
    /// Name, Chinese (全社会研究与开发经费占GDP比重).
    pub name_zh: String,
    /// Name, English.
    pub name_en: String,
    /// The words of the plan that set it.
    pub text_zh: String,
    /// The indicator whose value is compared.
    pub indicator: IndicatorId,
    /// `>=` or `<=`.
    pub comparator: Comparator,
    /// The target value.
    pub value: Decimal,
    /// Unit of the target value (same as the indicator's).
    pub unit: String,
    /// The period by which it is due (2020).
    pub deadline: Period,
    /// Which way is progress.
    pub direction: Direction,
    /// Level, cumulative total, or rate per year.
    pub kind: TargetKind,
    /// A natural bound the value cannot pass (coverage: 100 %).
    pub ceiling: Option<Decimal>,
    /// Base period of the assessment (基期); defaults to the plan's.
    pub baseline: Period,
    /// The official progress method for this target.
    pub method: MethodId,
    /// Other methods shown beside the official one.
    pub also: Vec<MethodId>,
}

/// A qualitative goal (定性目标) tracked by records (key technologies, new products …), not by a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Goal {
    /// Stable id.
    pub id: GoalId,
    /// Name, Chinese.
    pub name_zh: String,
    /// Name, English.
    pub name_en: String,
    /// The words of the plan.
    pub text_zh: String,
    /// The kind of record that evidences it (e.g. `key_technology`, `new_product`).
    pub tracked_by: String,
    /// Targets whose progress also speaks for it.
    pub related_targets: Vec<TargetId>,
}

/// How often a task's lead department reports progress (报送周期).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportingCycle {
    /// 每月
    Monthly,
    /// 每季度
    Quarterly,
}

/// A dated step of a task (节点).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Milestone {
    /// Due date.
    pub due: Date,
    /// What is due, Chinese.
    pub text_zh: String,
    /// What is due, English.
    pub text_en: String,
}

/// A task (任务/督办事项): the unit of supervision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Task {
    /// Stable id.
    pub id: TaskId,
    /// Title, Chinese.
    pub title_zh: String,
    /// Title, English.
    pub title_en: String,
    /// The words of the plan it comes from.
    pub text_zh: String,
    /// Lead department (牵头单位).
    pub lead: DepartmentId,
    /// Co-operating departments (配合单位).
    pub co: Vec<DepartmentId>,
    /// The responsible leader (主要领导), as a role, e.g. 区经信局局长.
    pub principal_leader: String,
    /// The leader in charge (分管领导), as a role.
    pub leader_in_charge: String,
    /// Final deadline.
    pub deadline: Date,
    /// Dated steps, in date order.
    pub milestones: Vec<Milestone>,
    /// Targets it serves.
    pub serves: Vec<TargetId>,
    /// Qualitative goals it serves.
    pub serves_goals: Vec<GoalId>,
    /// Reporting cycle.
    pub cycle: ReportingCycle,
    /// A standing task (常态化): runs for the whole plan period rather than towards one deliverable.
    pub standing: bool,
}

/// A key-task area (重点任务方面), e.g. 一是分类别抓培育,促进主体活跃.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskArea {
    /// Stable id.
    pub id: TaskAreaId,
    /// Its number in the text (一是 = 1).
    pub number: u32,
    /// Title, Chinese.
    pub title_zh: String,
    /// Title, English.
    pub title_en: String,
    /// The words of the plan.
    pub text_zh: String,
    /// Its tasks.
    pub tasks: Vec<Task>,
}

/// A safeguard measure (保障措施), carried out through standing tasks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SafeguardMeasure {
    /// Stable id.
    pub id: SafeguardId,
    /// Its number in the text.
    pub number: u32,
    /// Title, Chinese.
    pub title_zh: String,
    /// Title, English.
    pub title_en: String,
    /// The words of the plan.
    pub text_zh: String,
    /// The standing tasks that carry it out.
    pub tasks: Vec<Task>,
}
