//! Supervision (督导检查): the supervised-item workflow, progress reports and their due dates, warning lights,
//! reminders, inspections and department scoring — pure functions over plain data (no IO, no async, no
//! database). The store persists [`ItemRecord`]s, [`InspectionRound`]s and the [`Ledger`]; the web and report
//! crates render what these functions return; the rules come from the plan file's `[supervision]` table
//! ([`SupervisionRules`]).
//!
//! Layout:
//! - [`ids`]: ids, roles and the [`Actor`] recorded on every step;
//! - [`workflow`]: the state machine — [`State`], [`ActionKind`], who may do what, from which state;
//! - [`item`]: [`SupervisedItem`], which applies [`Command`]s and records [`Transition`]s;
//! - [`cycle`]: reporting cycles, calendar periods and the due-date rule ([`DueDateRule`]);
//! - [`report`]: progress reports, [`Percent`] and the status of each reporting slot;
//! - [`light`]: the explained schedule light ([`assess_schedule`]) and data freshness ([`department_freshness`]);
//! - [`remind`]: inboxes ([`inbox`]) and the daily digest ([`daily_digest`]);
//! - [`inspect`]: inspection rounds, findings and rectification items;
//! - [`score`]: scoring rules, the append-only [`Ledger`], appeals and the [`Scoreboard`];
//! - [`rules`]: [`SupervisionRules`], the `[supervision]` table.
//!
//! Dates and times are civil (local to the plan's jurisdiction): a command's date is "today" for every date rule,
//! and every evaluation takes the date explicitly, so results never depend on the clock.

pub mod cycle;
pub mod error;
pub mod ids;
pub mod inspect;
pub mod item;
pub mod light;
pub mod remind;
pub mod report;
pub mod rules;
pub mod score;
pub mod workflow;

#[cfg(test)]
mod tests;

pub use cycle::{DueDateRule, Period, ReportingCycle, ReportingSlot, period_containing, period_label_zh};
pub use error::{ForbiddenReason, SuperviseError};
pub use ids::{Actor, DepartmentId, FindingId, InspectionId, ItemId, Role, TargetId, TaskId, UserId};
pub use inspect::{
    Finding, InspectionDraft, InspectionRound, InspectionScope, InspectionSummary, RectificationLine,
    RectificationSpec,
};
pub use item::{
    Action, Command, ExtensionRequest, ItemKind, ItemRecord, ItemSpec, Milestone, Outcome, ReturnedWhat,
    SupervisedItem, Transition,
};
pub use light::{
    DepartmentFreshness, ExpectationBasis, ExpectationMethod, ExpectedProgress, Freshness, LightAssessment,
    LightInputs, LightRule, LightRules, OwedReport, SCHEDULE_LIGHT_VERSION, ScheduleLight, assess_schedule,
    department_freshness, expected_progress, freshness_by_department,
};
pub use remind::{DailyDigest, DepartmentDigest, InboxEntry, Reminder, ReminderRules, daily_digest, inbox};
pub use report::{Percent, ProgressInput, ProgressReport, ReturnNote, SlotState, SlotStatus};
pub use rules::{Points, SupervisionRules};
pub use score::{
    Appeal, AppealDecision, Bonuses, Deductions, Ledger, LedgerEntry, ScoreEventKind, ScoreRow, Scoreboard,
    ScoringRules, derive_entries,
};
pub use workflow::{ActionKind, State};
