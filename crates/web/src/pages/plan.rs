//! The plan page (规划/行动计划): the targets, the qualitative goals, the five task areas with their tasks and owners
//! (lead and co-departments, the responsible leaders, deadline, milestones), and the safeguard measures. Public.

use askama::Template;
use axum::extract::State;
use plantrack_core::plan::{Plan, Task};

use super::{OrPage, PageResult};
use crate::AppState;
use crate::ctx::Ctx;
use crate::i18n::Tr;
use crate::layout::{Chrome, render};

/// A task for display.
pub struct TaskView {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Text of the plan.
    pub text: String,
    /// Lead department.
    pub lead: String,
    /// Co-departments.
    pub co: String,
    /// 主要领导 / 分管领导.
    pub leaders: String,
    /// Deadline.
    pub deadline: String,
    /// Milestones "date: text".
    pub milestones: Vec<String>,
    /// Targets served (id, name).
    pub serves: Vec<(String, String)>,
}

/// A task area or safeguard.
pub struct Section {
    /// Number (一、二 …).
    pub number: u32,
    /// Title.
    pub title: String,
    /// Text.
    pub text: String,
    /// Tasks.
    pub tasks: Vec<TaskView>,
}

/// What the page says about a stored plan shown at `/plans/{key}` (the plan in force at `/plan` has none).
pub struct StoredInfo {
    /// The plan's key.
    pub key: String,
    /// Current revision.
    pub revision: i64,
    /// A draft (never in force).
    pub draft: bool,
    /// The plan the dashboard tracks.
    pub in_force: bool,
    /// Why this revision.
    pub note: String,
}

#[derive(Template)]
#[template(path = "plan.html")]
pub(crate) struct PlanPage {
    c: Chrome,
    /// Target pages show the plan in force: only its targets link to them.
    link_targets: bool,
    stored: Option<StoredInfo>,
    title: String,
    bodies: String,
    period: String,
    targets: Vec<(String, String, String)>,
    goals: Vec<(String, String)>,
    areas: Vec<Section>,
    safeguards: Vec<Section>,
}

fn dept_name(plan: &Plan, tr: Tr, id: &plantrack_core::plan::DepartmentId) -> String {
    plan.department(id)
        .map_or_else(|| id.to_string(), |d| tr.pick(&d.name_zh, &d.name_en).to_owned())
}

fn task_view(plan: &Plan, tr: Tr, t: &Task) -> TaskView {
    TaskView {
        id: t.id.to_string(),
        title: tr.pick(&t.title_zh, &t.title_en).to_owned(),
        text: t.text_zh.clone(),
        lead: dept_name(plan, tr, &t.lead),
        co: t
            .co
            .iter()
            .map(|d| dept_name(plan, tr, d))
            .collect::<Vec<_>>()
            .join("、"),
        leaders: format!("{} / {}", t.principal_leader, t.leader_in_charge),
        deadline: t.deadline.to_string(),
        milestones: t
            .milestones
            .iter()
            .map(|m| format!("{}：{}", m.due, tr.pick(&m.text_zh, &m.text_en)))
            .collect(),
        serves: t
            .serves
            .iter()
            .map(|id| {
                let name = plan
                    .target(id)
                    .map_or_else(|| id.to_string(), |x| tr.pick(&x.name_zh, &x.name_en).to_owned());
                (id.to_string(), name)
            })
            .collect(),
    }
}

/// `GET /plan`.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let g = state.generation().await.or_page(&ctx)?;
    let plan = plantrack_app::plan::view_plan(&ctx.principal, &g.plan).or_page(&ctx)?;
    Ok(render(&plan_page(
        Chrome::new(&ctx, "plan.title", "plan"),
        Tr::new(ctx.lang),
        plan,
        None,
    )))
}

/// The plan page of `plan`, with what is known about it as a stored plan.
pub(crate) fn plan_page(c: Chrome, tr: Tr, plan: &Plan, stored: Option<StoredInfo>) -> PlanPage {
    let m = plan.meta();
    PlanPage {
        c,
        link_targets: stored.as_ref().is_none_or(|s| s.in_force),
        stored,
        title: tr.pick(&m.title_zh, &m.title_en).to_owned(),
        bodies: format!(
            "{} · {}",
            tr.pick(&m.issuing_body_zh, &m.issuing_body_en),
            tr.pick(&m.adopting_body_zh, &m.adopting_body_en)
        ),
        period: format!("{}–{}", m.first_year, m.last_year),
        targets: plan
            .targets()
            .iter()
            .map(|t| {
                (
                    t.id.to_string(),
                    tr.pick(&t.name_zh, &t.name_en).to_owned(),
                    super::dashboard::target_text(tr, t.comparator, &t.value, &t.unit, t.deadline),
                )
            })
            .collect(),
        goals: plan
            .goals()
            .iter()
            .map(|goal| {
                (
                    tr.pick(&goal.name_zh, &goal.name_en).to_owned(),
                    goal.text_zh.clone(),
                )
            })
            .collect(),
        areas: plan
            .task_areas()
            .iter()
            .map(|a| Section {
                number: a.number,
                title: tr.pick(&a.title_zh, &a.title_en).to_owned(),
                text: a.text_zh.clone(),
                tasks: a.tasks.iter().map(|t| task_view(plan, tr, t)).collect(),
            })
            .collect(),
        safeguards: plan
            .safeguards()
            .iter()
            .map(|s| Section {
                number: s.number,
                title: tr.pick(&s.title_zh, &s.title_en).to_owned(),
                text: s.text_zh.clone(),
                tasks: s.tasks.iter().map(|t| task_view(plan, tr, t)).collect(),
            })
            .collect(),
    }
}
