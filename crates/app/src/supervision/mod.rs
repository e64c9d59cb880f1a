//! Supervision use cases (督导检查, issue 6): supervised items from the plan and added by admins, the workflow
//! steps (交办 → 签收 → 反馈 → 申请办结 → 复核 → 办结, 退回, 延期), progress reports with evidence files, inspections
//! with rectification items, the scoring ledger with appeals, and the read models of the board, task pages,
//! inboxes and the daily digest.
//!
//! Each use case: the caller's permission ([`Principal`]) → one store transaction (audited) → the pure engine of
//! `core::supervise`, which decides every rule. Nothing here re-implements a rule: the app maps the principal to
//! the engine's [`Actor`], loads the items, applies the engine's commands, stores the steps it recorded and
//! appends the ledger entries the engine derives. On any refusal nothing is written.
//!
//! Time: every use case takes the civil date-time of the step (`at`, the jurisdiction's local time); the web and
//! the CLI pass [`local_now`], tests and the demo pass fixed dates.
//!
//! - [`actions`]: register plan tasks, add items, workflow steps, progress reports with attachments;
//! - [`inspections`]: inspection rounds, findings and rectification items;
//! - [`scoring`]: ledger refresh, appeals, scoreboard;
//! - [`views`]: board, item page with timeline, to-do, inbox, daily digest;
//! - [`mail`]: the optional SMTP hook for reminders;
//! - [`demo`]: a year of supervision history for the demo data.

pub mod actions;
pub mod demo;
pub mod inspections;
pub mod mail;
pub mod scoring;
pub mod views;

pub use actions::{
    AttachmentPolicy, NewItem, ProgressRequest, StepDone, StepRequest, Upload, act, add_item, attachment,
    register_plan_tasks, report_progress,
};
pub use demo::seed_demo_history;
pub use inspections::{InspectionView, add_finding, create_inspection, inspection_view, inspections};
pub use scoring::{decide_appeal, file_appeal, ledger_view, refresh_ledger, scoreboard};
pub use views::{
    Board, BoardRow, InboxLine, ItemPage, LightCount, board, daily_digest, inbox, item_page, todo,
};

use jiff::civil::DateTime;
use jiff::tz::Offset;
use plantrack_core::plan::Plan;
use plantrack_core::supervise::{
    Actor, DepartmentId, ItemKind, SuperviseError, SupervisedItem, SupervisionRules, UserId,
};
use plantrack_store::Store;
use plantrack_store::supervision::StoredItem;

use crate::{AppError, FieldError, Principal, Role};

/// The jurisdiction's civil time now: China Standard Time (UTC+8, no daylight saving since 1991), to the second.
pub fn local_now() -> DateTime {
    let now = Offset::constant(8).to_datetime(jiff::Timestamp::now());
    now.with().subsec_nanosecond(0).build().unwrap_or(now)
}

/// What every supervision use case works on: the store and the plan (whose id keys the stored items and whose
/// `[supervision]` table holds the rules).
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The store.
    pub store: &'a Store,
    /// The plan.
    pub plan: &'a Plan,
}

impl<'a> Ctx<'a> {
    /// A context.
    pub fn new(store: &'a Store, plan: &'a Plan) -> Self {
        Ctx { store, plan }
    }

    /// The plan's key in the store.
    pub fn plan_key(&self) -> &str {
        self.plan.meta().id.as_str()
    }

    /// The plan's supervision rules.
    pub fn rules(&self) -> &SupervisionRules {
        self.plan.supervision()
    }

    /// The departments of the plan, in plan order.
    pub fn departments(&self) -> Vec<DepartmentId> {
        self.plan.departments().iter().map(|d| d.id.clone()).collect()
    }

    /// A department's short name (区经信局), or its id when the plan does not know it.
    pub fn department_name(&self, id: &DepartmentId) -> String {
        self.plan
            .department(id)
            .map_or_else(|| id.to_string(), |d| d.short_zh.clone())
    }
}

/// The engine's actor for a signed-in user: admins and leaders by role, department users with their department.
/// The public and enterprise users take no part in supervision.
pub fn actor_of(principal: &Principal) -> Result<Actor, AppError> {
    let Principal::User {
        username,
        role,
        department,
        ..
    } = principal
    else {
        return Err(AppError::Unauthenticated);
    };
    let user = UserId::parse(username).map_err(|e| engine_error(&e))?;
    match role {
        Role::Admin => Ok(Actor::admin(user)),
        Role::Leader => Ok(Actor::leader(user)),
        Role::Department => {
            let Some(dept) = department.as_deref() else {
                return Err(AppError::Denied {
                    message: "该部门账户未指定所属部门 / this department account has no department".into(),
                });
            };
            let dept = DepartmentId::parse(dept)
                .map_err(|e| AppError::invalid("department", e.to_string(), e.to_string()))?;
            Ok(Actor::department(user, dept))
        }
        Role::Enterprise => Err(AppError::Forbidden),
    }
}

/// Splits an engine message `中文 / English` into its two languages.
fn split_message(message: &str) -> (String, String) {
    match message.split_once(" / ") {
        Some((zh, en)) => (zh.to_owned(), en.to_owned()),
        None => (message.to_owned(), message.to_owned()),
    }
}

/// The app error for an engine refusal: permission refusals are `Denied` (403) with the engine's reason, unknown
/// ledger entries and appeals `NotFound`, a corrupt stored history `Unexpected`, everything else `Invalid` (422)
/// on the field the refusal is about.
pub fn engine_error(err: &SuperviseError) -> AppError {
    use SuperviseError as E;
    let field = match err {
        E::Forbidden { .. } => {
            return AppError::Denied {
                message: err.to_string(),
            };
        }
        E::UnknownLedgerEntry { entry } => {
            return AppError::NotFound {
                entity: "score_entry".into(),
                id: entry.clone(),
            };
        }
        E::UnknownAppeal { appeal } => {
            return AppError::NotFound {
                entity: "score_appeal".into(),
                id: appeal.clone(),
            };
        }
        E::HistoryMismatch { .. } | E::HistoryWithoutRegistration { .. } => {
            return AppError::unexpected(err.clone());
        }
        E::EmptyId { .. } => "id",
        E::PercentOutOfRange { .. } => "percent",
        E::Negative { .. } => "points",
        E::InvalidItem { .. } => "item",
        E::ReasonRequired { .. } => "reason",
        E::ExtensionInPast { .. } | E::ExtensionNotLater { .. } => "new_deadline",
        E::UnknownReportingSlot { .. } | E::ReportForFuturePeriod { .. } => "period",
        E::InvalidInspection { .. } => "inspection",
        E::AppealRefused { .. } => "appeal",
        E::IllegalTransition { .. }
        | E::ReportOnClosedItem { .. }
        | E::TimeGoesBackwards { .. }
        | E::ExtensionAlreadyPending { .. }
        | E::NoPendingExtension { .. } => "action",
    };
    let (zh, en) = split_message(&err.to_string());
    AppError::Invalid(vec![FieldError::new(field, zh, en)])
}

/// An item as loaded: the engine's item and the stored row's version (for the optimistic check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedItem {
    /// The item, replayed through the workflow rules.
    pub item: SupervisedItem,
    /// The stored version.
    pub version: i64,
}

fn restore(stored: StoredItem) -> Result<LoadedItem, AppError> {
    let version = stored.version;
    let item = SupervisedItem::restore(stored.record).map_err(|e| engine_error(&e))?;
    Ok(LoadedItem { item, version })
}

/// Every supervised item of the plan, replayed.
pub async fn load_items(ctx: Ctx<'_>) -> Result<Vec<LoadedItem>, AppError> {
    ctx.store
        .supervised_items(ctx.plan_key())
        .await?
        .into_iter()
        .map(restore)
        .collect()
}

/// One supervised item, replayed; `NotFound` if the plan has no such item.
pub async fn load_item(ctx: Ctx<'_>, key: &str) -> Result<LoadedItem, AppError> {
    let stored = ctx
        .store
        .supervised_item(ctx.plan_key(), key)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "supervised_item".into(),
            id: key.to_owned(),
        })?;
    restore(stored)
}

/// The area an item belongs to on the board: the plan's task area (重点任务 一是 …) or safeguard measure for a
/// plan task, 交办事项 for admin-added items, 整改事项 for rectification items.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Area {
    /// Stable key: the task area's or safeguard's id, `adhoc` or `rectification`.
    pub key: String,
    /// Name, Chinese.
    pub name_zh: String,
    /// Name, English.
    pub name_en: String,
    /// Position on the board (plan order first).
    pub order: usize,
}

/// The area of an item.
pub fn area_of(plan: &Plan, item: &SupervisedItem) -> Area {
    match &item.spec().kind {
        ItemKind::Task { task } => {
            for (i, a) in plan.task_areas().iter().enumerate() {
                if a.tasks.iter().any(|t| &t.id == task) {
                    return Area {
                        key: a.id.to_string(),
                        name_zh: a.title_zh.clone(),
                        name_en: a.title_en.clone(),
                        order: i,
                    };
                }
            }
            let base = plan.task_areas().len();
            for (i, s) in plan.safeguards().iter().enumerate() {
                if s.tasks.iter().any(|t| &t.id == task) {
                    return Area {
                        key: s.id.to_string(),
                        name_zh: s.title_zh.clone(),
                        name_en: s.title_en.clone(),
                        order: base + i,
                    };
                }
            }
            Area {
                key: "task".into(),
                name_zh: "计划任务".into(),
                name_en: "plan tasks".into(),
                order: base + plan.safeguards().len(),
            }
        }
        ItemKind::Adhoc => Area {
            key: "adhoc".into(),
            name_zh: "交办事项".into(),
            name_en: "assigned items".into(),
            order: usize::MAX - 1,
        },
        ItemKind::Rectification { .. } => Area {
            key: "rectification".into(),
            name_zh: "整改事项".into(),
            name_en: "rectification items".into(),
            order: usize::MAX,
        },
    }
}

#[cfg(test)]
mod tests;
