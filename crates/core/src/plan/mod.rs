//! Plans as data (规划/行动计划): the typed model ([`model`]), its ids ([`ids`]), the TOML plan-file reader
//! ([`file`]) and the embedded default plan ([`embedded`]).
//!
//! Nothing about one particular plan is written in Rust: the Shuangtaizi plan is a plan file like any other,
//! compiled into the binary as the default.

pub mod embedded;
pub mod file;
pub mod ids;
pub mod model;

pub use file::{PlanError, PlanErrors};
pub use ids::{
    DataElementId, DepartmentId, GoalId, IdError, IndicatorId, OrgUnitCode, OrgUnitLevel, PlanId,
    SafeguardId, TargetId, TaskAreaId, TaskId,
};
pub use model::{
    Comparator, DataElement, Department, DerivationRule, Direction, ElementKind, ElementSource, Goal,
    Indicator, Milestone, OrgUnit, ParentPlan, PlanMeta, ReportingCycle, SafeguardMeasure, Target,
    TargetKind, Task, TaskArea,
};

use serde::Serialize;

/// A whole plan: every part refers only to ids that exist in it (checked when it is read).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub(crate) meta: PlanMeta,
    pub(crate) org_units: Vec<OrgUnit>,
    pub(crate) departments: Vec<Department>,
    pub(crate) data_elements: Vec<DataElement>,
    pub(crate) indicators: Vec<Indicator>,
    pub(crate) targets: Vec<Target>,
    pub(crate) goals: Vec<Goal>,
    pub(crate) task_areas: Vec<TaskArea>,
    pub(crate) safeguards: Vec<SafeguardMeasure>,
    /// The supervision rules (`[supervision]`); the defaults when the file has none.
    pub(crate) supervision: crate::supervise::SupervisionRules,
}

impl Plan {
    /// Reads and checks a plan file. `origin` names the file in error messages.
    pub fn from_toml(text: &str, origin: &str) -> Result<Plan, PlanErrors> {
        file::read(text, origin)
    }

    /// Title, bodies, period, baseline, the plan's own org unit.
    pub fn meta(&self) -> &PlanMeta {
        &self.meta
    }

    /// Org units, parents before children.
    pub fn org_units(&self) -> &[OrgUnit] {
        &self.org_units
    }

    /// The org unit with this code.
    pub fn org_unit(&self, code: &OrgUnitCode) -> Option<&OrgUnit> {
        self.org_units.iter().find(|u| &u.code == code)
    }

    /// The units whose parent is `code`.
    pub fn children<'a>(&'a self, code: &'a OrgUnitCode) -> impl Iterator<Item = &'a OrgUnit> + 'a {
        self.org_units
            .iter()
            .filter(move |u| u.parent.as_ref() == Some(code))
    }

    /// Departments.
    pub fn departments(&self) -> &[Department] {
        &self.departments
    }

    /// The department with this id.
    pub fn department(&self, id: &DepartmentId) -> Option<&Department> {
        self.departments.iter().find(|d| &d.id == id)
    }

    /// Data elements.
    pub fn data_elements(&self) -> &[DataElement] {
        &self.data_elements
    }

    /// The data element with this id.
    pub fn data_element(&self, id: &DataElementId) -> Option<&DataElement> {
        self.data_elements.iter().find(|d| &d.id == id)
    }

    /// Indicators.
    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    /// The indicator with this id.
    pub fn indicator(&self, id: &IndicatorId) -> Option<&Indicator> {
        self.indicators.iter().find(|i| &i.id == id)
    }

    /// Quantitative targets, in plan order.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// The target with this id.
    pub fn target(&self, id: &TargetId) -> Option<&Target> {
        self.targets.iter().find(|t| &t.id == id)
    }

    /// Qualitative goals.
    pub fn goals(&self) -> &[Goal] {
        &self.goals
    }

    /// Key-task areas (重点任务), in plan order.
    pub fn task_areas(&self) -> &[TaskArea] {
        &self.task_areas
    }

    /// Safeguard measures (保障措施), in plan order.
    pub fn safeguards(&self) -> &[SafeguardMeasure] {
        &self.safeguards
    }

    /// Every task: those of the task areas, then the standing tasks of the safeguards.
    pub fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.task_areas
            .iter()
            .flat_map(|a| a.tasks.iter())
            .chain(self.safeguards.iter().flat_map(|s| s.tasks.iter()))
    }

    /// The task with this id.
    pub fn task(&self, id: &TaskId) -> Option<&Task> {
        self.tasks().find(|t| &t.id == id)
    }

    /// The supervision rules of the plan file's `[supervision]` table (due dates, warning lights, reminders,
    /// scoring), with the documented defaults for whatever it leaves out.
    pub fn supervision(&self) -> &crate::supervise::SupervisionRules {
        &self.supervision
    }
}
