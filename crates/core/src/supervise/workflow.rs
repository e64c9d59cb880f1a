//! The supervised-item workflow (督办流程) as a state machine: its states, its actions, which role may perform
//! which action, and from which state each action is legal. The item itself (which applies these rules and
//! records every step) is in [`super::item`].
//!
//! The chain follows the 宜昌 and 工作督办系统 node chains (anchors.md §5.1):
//!
//! | from | action | to |
//! |---|---|---|
//! | — | 立项 register | 立项 Registered |
//! | 立项 | 交办 assign | 交办 Assigned |
//! | 交办 | 签收 accept | 签收 Accepted |
//! | 签收, 办理, 退回 | 反馈 report progress | 办理 InProgress |
//! | 签收, 办理, 退回 | 申请办结 request closure | 申请办结 ClosureRequested |
//! | 申请办结 | 开始复核 start review | 复核 UnderReview |
//! | 复核 | 批准办结 approve closure | 办结 Closed |
//! | 办理 (returns the latest report), 申请办结, 复核 | 退回 return | 退回 Returned |
//!
//! Side steps that keep the state: 延期申请 / 批准延期 / 不予延期 (extension request and decision), 批示意见
//! (comment) and 肯定性批示 (commendation, which scores a bonus).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::ForbiddenReason;
use super::ids::{DepartmentId, Role};

/// Where a supervised item stands (办理状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 立项: registered, not yet handed to the department.
    Registered,
    /// 交办: handed to the lead department, awaiting its acknowledgement.
    Assigned,
    /// 签收: acknowledged by the lead department.
    Accepted,
    /// 办理: being worked on; progress reports (反馈) arrive.
    InProgress,
    /// 退回: a progress report or the closure request was returned for rework.
    Returned,
    /// 申请办结: the department asks to close the item.
    ClosureRequested,
    /// 复核: the supervision office (督查室) is checking the closure request.
    UnderReview,
    /// 办结: closed (销号).
    Closed,
}

impl State {
    /// Every state, in workflow order.
    pub const ALL: [State; 8] = [
        State::Registered,
        State::Assigned,
        State::Accepted,
        State::InProgress,
        State::Returned,
        State::ClosureRequested,
        State::UnderReview,
        State::Closed,
    ];

    /// Chinese name (立项, 交办 …).
    pub fn name_zh(self) -> &'static str {
        match self {
            State::Registered => "立项",
            State::Assigned => "交办",
            State::Accepted => "签收",
            State::InProgress => "办理",
            State::Returned => "退回",
            State::ClosureRequested => "申请办结",
            State::UnderReview => "复核",
            State::Closed => "办结",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            State::Registered => "registered",
            State::Assigned => "assigned",
            State::Accepted => "accepted",
            State::InProgress => "in progress",
            State::Returned => "returned for rework",
            State::ClosureRequested => "closure requested",
            State::UnderReview => "under review",
            State::Closed => "closed",
        }
    }

    /// Whether the item is done (办结).
    pub fn is_closed(self) -> bool {
        self == State::Closed
    }

    /// Whether the department is waiting for the office's decision on closure (no progress reports are owed).
    pub fn awaits_closure_decision(self) -> bool {
        matches!(self, State::ClosureRequested | State::UnderReview)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name_zh(), self.name_en())
    }
}

/// What someone does to an item (操作), without its payload. The payload-carrying form is
/// [`super::item::Action`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// 立项.
    Register,
    /// 交办.
    Assign,
    /// 签收.
    Accept,
    /// 反馈: a progress report.
    ReportProgress,
    /// 申请办结.
    RequestClosure,
    /// 开始复核.
    StartReview,
    /// 办结 (批准办结).
    ApproveClosure,
    /// 退回.
    Return,
    /// 延期申请.
    RequestExtension,
    /// 批准延期.
    ApproveExtension,
    /// 不予延期.
    RefuseExtension,
    /// 批示意见: a comment on the timeline.
    Comment,
    /// 肯定性批示: a leader's commendation (scores a bonus).
    Commend,
}

impl ActionKind {
    /// Every action.
    pub const ALL: [ActionKind; 13] = [
        ActionKind::Register,
        ActionKind::Assign,
        ActionKind::Accept,
        ActionKind::ReportProgress,
        ActionKind::RequestClosure,
        ActionKind::StartReview,
        ActionKind::ApproveClosure,
        ActionKind::Return,
        ActionKind::RequestExtension,
        ActionKind::ApproveExtension,
        ActionKind::RefuseExtension,
        ActionKind::Comment,
        ActionKind::Commend,
    ];

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            ActionKind::Register => "立项",
            ActionKind::Assign => "交办",
            ActionKind::Accept => "签收",
            ActionKind::ReportProgress => "反馈进展",
            ActionKind::RequestClosure => "申请办结",
            ActionKind::StartReview => "开始复核",
            ActionKind::ApproveClosure => "批准办结",
            ActionKind::Return => "退回",
            ActionKind::RequestExtension => "申请延期",
            ActionKind::ApproveExtension => "批准延期",
            ActionKind::RefuseExtension => "不予延期",
            ActionKind::Comment => "批示意见",
            ActionKind::Commend => "肯定性批示",
        }
    }

    /// English name (a verb phrase).
    pub fn name_en(self) -> &'static str {
        match self {
            ActionKind::Register => "register",
            ActionKind::Assign => "assign",
            ActionKind::Accept => "accept",
            ActionKind::ReportProgress => "report progress",
            ActionKind::RequestClosure => "request closure",
            ActionKind::StartReview => "start the review",
            ActionKind::ApproveClosure => "approve closure",
            ActionKind::Return => "return for rework",
            ActionKind::RequestExtension => "request an extension",
            ActionKind::ApproveExtension => "approve the extension",
            ActionKind::RefuseExtension => "refuse the extension",
            ActionKind::Comment => "comment",
            ActionKind::Commend => "commend",
        }
    }

    /// The states from which the action is legal. Extension decisions also need a pending request, and
    /// returning from 办理 needs a progress report to return; [`super::item::SupervisedItem::apply`] checks those.
    pub fn legal_from(self) -> &'static [State] {
        use State::*;
        match self {
            ActionKind::Register => &[],
            ActionKind::Assign => &[Registered],
            ActionKind::Accept => &[Assigned],
            ActionKind::ReportProgress => &[Accepted, InProgress, Returned],
            ActionKind::RequestClosure => &[Accepted, InProgress, Returned],
            ActionKind::StartReview => &[ClosureRequested],
            ActionKind::ApproveClosure => &[UnderReview],
            ActionKind::Return => &[InProgress, ClosureRequested, UnderReview],
            ActionKind::RequestExtension => &[Assigned, Accepted, InProgress, Returned],
            ActionKind::ApproveExtension | ActionKind::RefuseExtension => &[
                Registered,
                Assigned,
                Accepted,
                InProgress,
                Returned,
                ClosureRequested,
                UnderReview,
            ],
            ActionKind::Comment | ActionKind::Commend => &State::ALL,
        }
    }

    /// The state after the action, from `from` (only meaningful when the action is legal there).
    pub fn target(self, from: State) -> State {
        match self {
            ActionKind::Register => State::Registered,
            ActionKind::Assign => State::Assigned,
            ActionKind::Accept => State::Accepted,
            ActionKind::ReportProgress => State::InProgress,
            ActionKind::RequestClosure => State::ClosureRequested,
            ActionKind::StartReview => State::UnderReview,
            ActionKind::ApproveClosure => State::Closed,
            ActionKind::Return => State::Returned,
            ActionKind::RequestExtension
            | ActionKind::ApproveExtension
            | ActionKind::RefuseExtension
            | ActionKind::Comment
            | ActionKind::Commend => from,
        }
    }

    /// Whether the action needs a written reason (退回理由, 延期理由, 不予延期理由, 批示内容).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            ActionKind::Return
                | ActionKind::RequestExtension
                | ActionKind::RefuseExtension
                | ActionKind::Comment
                | ActionKind::Commend
        )
    }

    /// Who may perform the action on an item led by `lead` with co-departments `co` (配合单位):
    ///
    /// | action | admin | lead department | co-department | leader |
    /// |---|---|---|---|---|
    /// | 立项, 交办, 开始复核 | ✓ | | | |
    /// | 签收, 反馈, 申请办结, 申请延期 | ✓ | ✓ | | |
    /// | 批准办结, 退回, 批准/不予延期, 肯定性批示 | ✓ | | | ✓ |
    /// | 批示意见 | ✓ | ✓ | ✓ | ✓ |
    ///
    /// Admins (督查室) do everything; a department acts only on items it leads; leaders comment and decide.
    pub fn permitted(
        self,
        role: &Role,
        lead: &DepartmentId,
        co: &[DepartmentId],
    ) -> Result<(), ForbiddenReason> {
        enum Who {
            AdminOnly,
            LeadDepartment,
            Deciders,
            Everyone,
        }
        let who = match self {
            ActionKind::Register | ActionKind::Assign | ActionKind::StartReview => Who::AdminOnly,
            ActionKind::Accept
            | ActionKind::ReportProgress
            | ActionKind::RequestClosure
            | ActionKind::RequestExtension => Who::LeadDepartment,
            ActionKind::ApproveClosure
            | ActionKind::Return
            | ActionKind::ApproveExtension
            | ActionKind::RefuseExtension
            | ActionKind::Commend => Who::Deciders,
            ActionKind::Comment => Who::Everyone,
        };
        match (role, who) {
            (Role::Admin, _) => Ok(()),
            (Role::Leader, Who::Deciders | Who::Everyone) => Ok(()),
            (Role::Department { department }, Who::LeadDepartment) if department == lead => Ok(()),
            (Role::Department { department }, Who::Everyone)
                if department == lead || co.contains(department) =>
            {
                Ok(())
            }
            (Role::Department { .. }, Who::LeadDepartment | Who::Everyone) => {
                Err(ForbiddenReason::NotOwnDepartment { lead: lead.clone() })
            }
            _ => Err(ForbiddenReason::RoleNotAllowed),
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name_zh(), self.name_en())
    }
}
