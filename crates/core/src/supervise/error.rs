//! The supervision engine's error: every refusal names the item, its state and the attempted action, in
//! Chinese and English (Chinese first), and carries a stable code for i18n and the JSON API.

use jiff::civil::{Date, DateTime};
use rust_decimal::Decimal;
use thiserror::Error;

use super::cycle::Period;
use super::ids::{Actor, DepartmentId, InspectionId, ItemId};
use super::workflow::{ActionKind, State};

/// Why an actor may not perform an action (权限不足).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForbiddenReason {
    /// The action is not open to the actor's role at all.
    RoleNotAllowed,
    /// A department user acted on an item its department does not lead.
    NotOwnDepartment {
        /// The item's lead department (牵头单位).
        lead: DepartmentId,
    },
}

/// Everything the supervision engine refuses. Nothing is changed when an error is returned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SuperviseError {
    /// An empty id.
    #[error("{what_zh}不能为空 / {what_en} must not be empty")]
    EmptyId {
        /// Chinese name of the id.
        what_zh: &'static str,
        /// English name of the id.
        what_en: &'static str,
    },

    /// A percentage outside 0–100.
    #[error("完成进度 {value}% 超出 0–100 的范围 / percent complete {value} is outside 0–100")]
    PercentOutOfRange {
        /// The value given.
        value: Decimal,
    },

    /// A negative number where only points or counts ≥ 0 make sense.
    #[error("{field} 不能为负数（{value}）/ {field} must not be negative (got {value})")]
    Negative {
        /// The rule field.
        field: &'static str,
        /// The value given.
        value: Decimal,
    },

    /// An item specification that cannot be registered.
    #[error("督办事项 {item} 无法立项：{reason_zh} / item {item} cannot be registered: {reason_en}")]
    InvalidItem {
        /// The item.
        item: ItemId,
        /// Why, in Chinese.
        reason_zh: String,
        /// Why, in English.
        reason_en: String,
    },

    /// The action does not exist from the item's current state (非法流转).
    #[error(
        "督办事项 {item} 当前为「{state_zh}」，不能「{action_zh}」 / item {item} is {state_en}: cannot {action_en}",
        state_zh = state.name_zh(), state_en = state.name_en(),
        action_zh = action.name_zh(), action_en = action.name_en()
    )]
    IllegalTransition {
        /// The item.
        item: ItemId,
        /// Its state.
        state: State,
        /// The refused action.
        action: ActionKind,
    },

    /// The actor's role or department may not perform the action (权限不足).
    #[error(
        "督办事项 {item}（{state_zh}）：{actor_zh}无权「{action_zh}」{why_zh} / item {item} ({state_en}): {actor_en} may not {action_en}{why_en}",
        state_zh = state.map_or("未立项", State::name_zh), state_en = state.map_or("not registered", State::name_en),
        action_zh = action.name_zh(), action_en = action.name_en(),
        actor_zh = actor.role.name_zh(), actor_en = actor.role.name_en(),
        why_zh = forbidden_zh(reason), why_en = forbidden_en(reason)
    )]
    Forbidden {
        /// The item.
        item: ItemId,
        /// Its state (`None` before registration).
        state: Option<State>,
        /// The refused action.
        action: ActionKind,
        /// Who tried.
        actor: Actor,
        /// Why it is refused.
        reason: ForbiddenReason,
    },

    /// A progress report on a closed item (已办结事项不再接受反馈).
    #[error(
        "督办事项 {item} 已办结，不再接受进展反馈 / item {item} is closed: progress reports are no longer accepted"
    )]
    ReportOnClosedItem {
        /// The item.
        item: ItemId,
    },

    /// The action needs a written reason (退回理由、延期理由、批示内容 …).
    #[error(
        "督办事项 {item}：「{action_zh}」须填写理由 / item {item}: {action_en} needs a reason",
        action_zh = action.name_zh(), action_en = action.name_en()
    )]
    ReasonRequired {
        /// The item.
        item: ItemId,
        /// The action.
        action: ActionKind,
    },

    /// A step dated before the item's last recorded step.
    #[error(
        "督办事项 {item}：操作时间 {at} 早于上一步 {last} / item {item}: step time {at} is before the previous step at {last}"
    )]
    TimeGoesBackwards {
        /// The item.
        item: ItemId,
        /// The step's time.
        at: DateTime,
        /// The previous step's time.
        last: DateTime,
    },

    /// An extension to a date that has already passed (延期至过去的日期).
    #[error(
        "督办事项 {item}：申请延期至 {requested} 早于今天 {today}，不予受理 / item {item}: the requested new deadline {requested} is before today ({today})"
    )]
    ExtensionInPast {
        /// The item.
        item: ItemId,
        /// Requested new deadline.
        requested: Date,
        /// The day of the step.
        today: Date,
    },

    /// An "extension" that does not move the deadline later.
    #[error(
        "督办事项 {item}：申请的新期限 {requested} 不晚于现期限 {current} / item {item}: the requested deadline {requested} is not after the current deadline {current}"
    )]
    ExtensionNotLater {
        /// The item.
        item: ItemId,
        /// Requested new deadline.
        requested: Date,
        /// The deadline in force.
        current: Date,
    },

    /// A second extension request while one is pending.
    #[error("督办事项 {item} 已有待审批的延期申请 / item {item} already has a pending extension request")]
    ExtensionAlreadyPending {
        /// The item.
        item: ItemId,
    },

    /// A decision on an extension when none is pending.
    #[error("督办事项 {item} 没有待审批的延期申请 / item {item} has no pending extension request")]
    NoPendingExtension {
        /// The item.
        item: ItemId,
    },

    /// A report on a period that is not one of the item's reporting slots.
    #[error("督办事项 {item} 没有 {period} 这一报送期次 / item {item} has no reporting slot for {period}")]
    UnknownReportingSlot {
        /// The item.
        item: ItemId,
        /// The period given.
        period: Period,
    },

    /// A report period whose cycle has not started yet.
    #[error("督办事项 {item}：{period} 尚未开始，不能提前反馈 / item {item}: {period} has not started yet")]
    ReportForFuturePeriod {
        /// The item.
        item: ItemId,
        /// The period given.
        period: Period,
    },

    /// A stored history that does not replay to the recorded states.
    #[error(
        "督办事项 {item} 的第 {seq} 步记录与重放结果不一致 / item {item}: recorded step {seq} does not match its replay"
    )]
    HistoryMismatch {
        /// The item.
        item: ItemId,
        /// The step number.
        seq: u32,
    },

    /// A stored history that does not start with 立项.
    #[error("督办事项 {item} 的记录不是从立项开始 / item {item}: history does not start with registration")]
    HistoryWithoutRegistration {
        /// The item.
        item: ItemId,
    },

    /// An inspection round that cannot be recorded.
    #[error("督查 {inspection}：{reason_zh} / inspection {inspection}: {reason_en}")]
    InvalidInspection {
        /// The round.
        inspection: InspectionId,
        /// Why, in Chinese.
        reason_zh: String,
        /// Why, in English.
        reason_en: String,
    },

    /// A scoring entry that does not exist.
    #[error("考核台账中没有记录 {entry} / scoring ledger has no entry {entry}")]
    UnknownLedgerEntry {
        /// The entry key.
        entry: String,
    },

    /// An appeal that does not exist.
    #[error("没有申诉 {appeal} / no appeal {appeal}")]
    UnknownAppeal {
        /// The appeal id.
        appeal: String,
    },

    /// An appeal that cannot be filed or decided.
    #[error("申诉（台账记录 {entry}）：{reason_zh} / appeal on ledger entry {entry}: {reason_en}")]
    AppealRefused {
        /// The entry appealed.
        entry: String,
        /// Why, in Chinese.
        reason_zh: &'static str,
        /// Why, in English.
        reason_en: &'static str,
    },
}

fn forbidden_zh(reason: &ForbiddenReason) -> String {
    match reason {
        ForbiddenReason::RoleNotAllowed => String::new(),
        ForbiddenReason::NotOwnDepartment { lead } => format!("（该事项牵头单位为 {lead}）"),
    }
}

fn forbidden_en(reason: &ForbiddenReason) -> String {
    match reason {
        ForbiddenReason::RoleNotAllowed => String::new(),
        ForbiddenReason::NotOwnDepartment { lead } => format!(" (the item is led by {lead})"),
    }
}

impl SuperviseError {
    /// Stable code for i18n keys and the JSON API (`supervise.illegal_transition` …).
    pub fn code(&self) -> &'static str {
        match self {
            SuperviseError::EmptyId { .. } => "supervise.empty_id",
            SuperviseError::PercentOutOfRange { .. } => "supervise.percent_out_of_range",
            SuperviseError::Negative { .. } => "supervise.negative",
            SuperviseError::InvalidItem { .. } => "supervise.invalid_item",
            SuperviseError::IllegalTransition { .. } => "supervise.illegal_transition",
            SuperviseError::Forbidden { .. } => "supervise.forbidden",
            SuperviseError::ReportOnClosedItem { .. } => "supervise.report_on_closed_item",
            SuperviseError::ReasonRequired { .. } => "supervise.reason_required",
            SuperviseError::TimeGoesBackwards { .. } => "supervise.time_goes_backwards",
            SuperviseError::ExtensionInPast { .. } => "supervise.extension_in_past",
            SuperviseError::ExtensionNotLater { .. } => "supervise.extension_not_later",
            SuperviseError::ExtensionAlreadyPending { .. } => "supervise.extension_already_pending",
            SuperviseError::NoPendingExtension { .. } => "supervise.no_pending_extension",
            SuperviseError::UnknownReportingSlot { .. } => "supervise.unknown_reporting_slot",
            SuperviseError::ReportForFuturePeriod { .. } => "supervise.report_for_future_period",
            SuperviseError::HistoryMismatch { .. } => "supervise.history_mismatch",
            SuperviseError::HistoryWithoutRegistration { .. } => "supervise.history_without_registration",
            SuperviseError::InvalidInspection { .. } => "supervise.invalid_inspection",
            SuperviseError::UnknownLedgerEntry { .. } => "supervise.unknown_ledger_entry",
            SuperviseError::UnknownAppeal { .. } => "supervise.unknown_appeal",
            SuperviseError::AppealRefused { .. } => "supervise.appeal_refused",
        }
    }

    /// Whether the error is a permission refusal (HTTP 403) rather than bad input or an illegal step.
    pub fn is_forbidden(&self) -> bool {
        matches!(self, SuperviseError::Forbidden { .. })
    }
}
