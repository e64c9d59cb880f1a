//! Reminders (催办): a user's inbox and the daily digest, computed from the items and the date — the
//! 临近提醒 / 到期催办 nodes of the 督办 chains (anchors.md §5.1). Pure: the web shows them, an optional mail
//! hook may send them, nothing here sends anything.
//!
//! Who sees what:
//! - a department: the open items it leads — not yet signed for, reports due soon or missing, deadline soon or
//!   passed, returned;
//! - an admin: every item's deadline soon or passed, closure requests to review, reviews and extension requests
//!   to decide;
//! - a leader: every item's deadline soon or passed (西安 pushes near-deadline items to all users so that leaders
//!   see them, anchors.md §5.2), reviews and extension requests to decide.

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};

use super::cycle::Period;
use super::ids::{Actor, DepartmentId, ItemId, Role};
use super::item::{ReturnedWhat, SupervisedItem};
use super::light::{DepartmentFreshness, ScheduleLight, assess_schedule, days_between, department_freshness};
use super::report::SlotState;
use super::rules::SupervisionRules;
use super::workflow::State;

/// Reminder rules (`[supervision.reminders]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReminderRules {
    /// A report or deadline this many days away or fewer is "due soon". Default 3 (西安's 限时办结提醒,
    /// anchors.md §5.2).
    pub due_soon_days: u16,
}

impl Default for ReminderRules {
    fn default() -> Self {
        Self { due_soon_days: 3 }
    }
}

/// Why an item is in an inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reminder", rename_all = "snake_case")]
pub enum Reminder {
    /// Assigned and not yet signed for (待签收).
    AwaitingAcceptance {
        /// Assignment date.
        assigned_on: Date,
    },
    /// A progress report due soon (临近报送).
    ReportDueSoon {
        /// Period to report on.
        period: Period,
        /// Due date.
        due: Date,
        /// Days left (0 = today).
        days_left: i32,
    },
    /// A progress report past its due date and not sent (逾期未报).
    ReportOverdue {
        /// Period not reported.
        period: Period,
        /// Due date.
        due: Date,
        /// Days past it.
        days_overdue: i32,
    },
    /// The deadline is near (临近办结时限).
    DeadlineSoon {
        /// Deadline.
        deadline: Date,
        /// Days left (0 = today).
        days_left: i32,
    },
    /// The deadline has passed and the item is not closed (超期未办结).
    DeadlineOverdue {
        /// Deadline.
        deadline: Date,
        /// Days past it.
        days_overdue: i32,
    },
    /// Returned for rework (被退回).
    Returned {
        /// What was returned.
        what: ReturnedWhat,
        /// When.
        at: DateTime,
        /// Why.
        reason: String,
    },
    /// A closure request waits for the review to start (待复核).
    AwaitingReview,
    /// A review waits for the decision (待审批办结).
    AwaitingClosureDecision,
    /// An extension request waits for the decision (待审批延期).
    AwaitingExtensionDecision {
        /// The deadline asked for.
        requested: Date,
    },
}

impl Reminder {
    /// How urgent the reminder is, as a light (red: overdue; yellow: returned or waiting for someone; blue: due
    /// soon).
    pub fn urgency(&self) -> ScheduleLight {
        match self {
            Reminder::ReportOverdue { .. } | Reminder::DeadlineOverdue { .. } => ScheduleLight::Red,
            Reminder::Returned { .. }
            | Reminder::AwaitingAcceptance { .. }
            | Reminder::AwaitingReview
            | Reminder::AwaitingClosureDecision
            | Reminder::AwaitingExtensionDecision { .. } => ScheduleLight::Yellow,
            Reminder::ReportDueSoon { .. } | Reminder::DeadlineSoon { .. } => ScheduleLight::Blue,
        }
    }
}

/// One inbox line (待办).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InboxEntry {
    /// The item.
    pub item: ItemId,
    /// Its title.
    pub title: String,
    /// Its lead department.
    pub department: DepartmentId,
    /// Why it is here.
    #[serde(flatten)]
    pub reminder: Reminder,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Audience {
    LeadDepartment,
    Admin,
    Leader,
    Everything,
}

fn entries_for(
    view: &SupervisedItem,
    audience: Audience,
    rules: &SupervisionRules,
    today: Date,
) -> Vec<Reminder> {
    let mut out = Vec::new();
    let state = view.state();
    if state.is_closed() {
        return out;
    }
    let soon = i32::from(rules.reminders.due_soon_days);
    let department_side = matches!(audience, Audience::LeadDepartment | Audience::Everything);
    let office_side = matches!(audience, Audience::Admin | Audience::Everything);
    let decider_side = audience != Audience::LeadDepartment;

    if department_side && state == State::Assigned {
        out.push(Reminder::AwaitingAcceptance {
            assigned_on: view.assigned_on().unwrap_or(today),
        });
    }
    if department_side && !state.awaits_closure_decision() {
        for status in view.slot_statuses(&rules.reporting, today) {
            let (period, due) = (status.slot.period, status.slot.due);
            match status.state {
                SlotState::Missing => {
                    out.push(Reminder::ReportOverdue {
                        period,
                        due,
                        days_overdue: days_between(due, today),
                    });
                }
                SlotState::NotDueYet if period.start() <= today && days_between(today, due) <= soon => {
                    out.push(Reminder::ReportDueSoon {
                        period,
                        due,
                        days_left: days_between(today, due),
                    });
                }
                _ => {}
            }
        }
    }
    let days_left = days_between(today, view.deadline());
    if days_left < 0 {
        out.push(Reminder::DeadlineOverdue {
            deadline: view.deadline(),
            days_overdue: -days_left,
        });
    } else if days_left <= soon {
        out.push(Reminder::DeadlineSoon {
            deadline: view.deadline(),
            days_left,
        });
    }
    if department_side && let Some((t, what)) = view.current_return() {
        out.push(Reminder::Returned {
            what,
            at: t.at,
            reason: t.reason.clone(),
        });
    }
    if office_side && state == State::ClosureRequested {
        out.push(Reminder::AwaitingReview);
    }
    if decider_side && state == State::UnderReview {
        out.push(Reminder::AwaitingClosureDecision);
    }
    if decider_side && let Some(pending) = view.pending_extension() {
        out.push(Reminder::AwaitingExtensionDecision {
            requested: pending.requested,
        });
    }
    out
}

fn sort_entries(entries: &mut [InboxEntry]) {
    // Most urgent first; then by item id for a stable order.
    entries.sort_by(|a, b| {
        b.reminder
            .urgency()
            .cmp(&a.reminder.urgency())
            .then_with(|| a.item.cmp(&b.item))
    });
}

/// The inbox (待办) of `actor` at the end of `today`, most urgent first.
pub fn inbox(
    actor: &Actor,
    items: &[SupervisedItem],
    rules: &SupervisionRules,
    today: Date,
) -> Vec<InboxEntry> {
    let mut entries = Vec::new();
    for item in items {
        let audience = match &actor.role {
            Role::Department { department } if item.lead_department() == department => {
                Audience::LeadDepartment
            }
            Role::Department { .. } => continue,
            Role::Admin => Audience::Admin,
            Role::Leader => Audience::Leader,
        };
        let Some(view) = item.as_of(today) else { continue };
        for reminder in entries_for(&view, audience, rules, today) {
            entries.push(InboxEntry {
                item: view.id().clone(),
                title: view.spec().title.clone(),
                department: view.lead_department().clone(),
                reminder,
            });
        }
    }
    sort_entries(&mut entries);
    entries
}

/// One department's line of the digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepartmentDigest {
    /// The department.
    pub department: DepartmentId,
    /// Open items it leads, by light.
    pub lights: BTreeMap<ScheduleLight, usize>,
    /// Reports past due and not sent.
    pub reports_missing: usize,
    /// Items returned.
    pub returned: usize,
    /// Items past their deadline.
    pub overdue: usize,
    /// Its freshness signal.
    pub freshness: DepartmentFreshness,
}

/// The daily digest (每日督办摘要): lights of all items, every reminder of every open item, and a line per
/// department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DailyDigest {
    /// The date.
    pub date: Date,
    /// Items registered by that date, by light (closed items count as green).
    pub lights: BTreeMap<ScheduleLight, usize>,
    /// Closed items.
    pub closed: usize,
    /// Every reminder of every open item, most urgent first.
    pub entries: Vec<InboxEntry>,
    /// One line per department: the departments given, then any other lead department, in id order.
    pub by_department: Vec<DepartmentDigest>,
}

/// The daily digest at the end of `today`.
pub fn daily_digest(
    departments: &[DepartmentId],
    items: &[SupervisedItem],
    rules: &SupervisionRules,
    today: Date,
) -> DailyDigest {
    let mut lights: BTreeMap<ScheduleLight, usize> = BTreeMap::new();
    let mut closed = 0;
    let mut entries = Vec::new();
    let mut per_dept: BTreeMap<DepartmentId, (BTreeMap<ScheduleLight, usize>, usize, usize, usize)> =
        BTreeMap::new();
    for item in items {
        let Some(view) = item.as_of(today) else { continue };
        let dept = per_dept.entry(view.lead_department().clone()).or_default();
        if view.state().is_closed() {
            closed += 1;
        }
        if let Some(assessment) = assess_schedule(&view, rules, today) {
            *lights.entry(assessment.light).or_default() += 1;
            if !view.state().is_closed() {
                *dept.0.entry(assessment.light).or_default() += 1;
            }
        }
        for reminder in entries_for(&view, Audience::Everything, rules, today) {
            match reminder {
                Reminder::ReportOverdue { .. } => dept.1 += 1,
                Reminder::Returned { .. } => dept.2 += 1,
                Reminder::DeadlineOverdue { .. } => dept.3 += 1,
                _ => {}
            }
            entries.push(InboxEntry {
                item: view.id().clone(),
                title: view.spec().title.clone(),
                department: view.lead_department().clone(),
                reminder,
            });
        }
    }
    sort_entries(&mut entries);
    let mut order: Vec<DepartmentId> = departments.to_vec();
    order.extend(per_dept.keys().filter(|d| !departments.contains(d)).cloned());
    let by_department = order
        .into_iter()
        .map(|department| {
            let (dept_lights, reports_missing, returned, overdue) =
                per_dept.get(&department).cloned().unwrap_or_default();
            let freshness = department_freshness(&department, items, rules, today);
            DepartmentDigest {
                department,
                lights: dept_lights,
                reports_missing,
                returned,
                overdue,
                freshness,
            }
        })
        .collect();
    DailyDigest {
        date: today,
        lights,
        closed,
        entries,
        by_department,
    }
}
