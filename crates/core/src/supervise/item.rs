//! The supervised item (督办事项): what it is ([`ItemSpec`]), the commands that move it through the workflow
//! ([`Command`], [`Action`]) and the item itself ([`SupervisedItem`]), which refuses illegal steps and records
//! every legal one as a [`Transition`] (who, when, why, and what it changed — 网上留痕, anchors.md §5.1).
//!
//! The item is event-sourced: its state, deadline, pending extension and progress reports are a fold over its
//! history, so the store keeps only the spec and the transitions ([`ItemRecord`]) and [`SupervisedItem::restore`]
//! replays them, refusing a history that does not replay to what was recorded. [`SupervisedItem::as_of`] gives
//! the item as it stood at the end of any past day, which makes every light and score reproducible.

use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};

use super::cycle::{DueDateRule, Period, ReportingCycle, ReportingSlot};
use super::error::SuperviseError;
use super::ids::{Actor, DepartmentId, FindingId, InspectionId, ItemId, TargetId, TaskId};
use super::report::{Percent, ProgressInput, ProgressReport, ReturnNote, SlotState, SlotStatus};
use super::workflow::{ActionKind, State};

/// Where a supervised item comes from (事项来源).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemKind {
    /// A task (重点任务) of the plan.
    Task {
        /// The plan task.
        task: TaskId,
    },
    /// A task an admin added (交办事项 not in the plan: 会议确定事项, 领导批示交办事项 …).
    Adhoc,
    /// A rectification item (整改事项) from an inspection finding; supervised until closed.
    Rectification {
        /// The inspection round.
        inspection: InspectionId,
        /// The finding it rectifies.
        finding: FindingId,
    },
}

/// A milestone (节点) of an item, optionally with the percent complete expected by its date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// What is to be done by then.
    pub title: String,
    /// The milestone date.
    pub due: Date,
    /// Percent complete expected by `due`; when any milestone has one, 序时进度 steps along the milestones.
    #[serde(default)]
    pub expected_percent: Option<Percent>,
}

/// What is supervised (督办事项要素): the item's fixed description, given at registration (立项).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemSpec {
    /// Item id.
    pub id: ItemId,
    /// Where the item comes from.
    #[serde(flatten)]
    pub kind: ItemKind,
    /// Title (事项名称).
    pub title: String,
    /// Lead department (牵头单位): the only department that acts on the item.
    pub lead_department: DepartmentId,
    /// Co-departments (配合单位): may comment.
    #[serde(default)]
    pub co_departments: Vec<DepartmentId>,
    /// Responsible leader (主要领导), by name or post.
    #[serde(default)]
    pub responsible_leader: Option<String>,
    /// Leader in charge (分管领导), by name or post.
    #[serde(default)]
    pub leader_in_charge: Option<String>,
    /// Deadline (办结时限) at registration; extensions move the item's current deadline.
    pub deadline: Date,
    /// Milestones (节点).
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// Targets the item serves.
    #[serde(default)]
    pub targets: Vec<TargetId>,
    /// Reporting cycle (报送周期).
    pub cycle: ReportingCycle,
}

impl ItemSpec {
    fn invalid(&self, zh: impl Into<String>, en: impl Into<String>) -> SuperviseError {
        SuperviseError::InvalidItem {
            item: self.id.clone(),
            reason_zh: zh.into(),
            reason_en: en.into(),
        }
    }

    /// The spec of a plan task (重点任务 or standing safeguard task) as the plan file states it: its id, lead and
    /// co-departments, leaders, deadline, milestones (without expected percents: the plan gives none), targets
    /// and reporting cycle.
    pub fn for_plan_task(task: &crate::plan::Task) -> Self {
        let leader = |text: &str| (!text.trim().is_empty()).then(|| text.trim().to_owned());
        ItemSpec {
            id: ItemId::from(&task.id),
            kind: ItemKind::Task {
                task: task.id.clone(),
            },
            title: task.title_zh.clone(),
            lead_department: task.lead.clone(),
            co_departments: task.co.clone(),
            responsible_leader: leader(&task.principal_leader),
            leader_in_charge: leader(&task.leader_in_charge),
            deadline: task.deadline,
            milestones: task
                .milestones
                .iter()
                .map(|m| Milestone {
                    title: m.text_zh.clone(),
                    due: m.due,
                    expected_percent: None,
                })
                .collect(),
            targets: task.serves.clone(),
            cycle: task.cycle,
        }
    }

    /// Checks what registration needs: a title, co-departments distinct from the lead and from each other,
    /// milestones with titles, not after the deadline, and expected percents that never fall as dates advance.
    pub fn validate(&self) -> Result<(), SuperviseError> {
        if self.title.trim().is_empty() {
            return Err(self.invalid("事项名称为空", "the title is empty"));
        }
        for (i, co) in self.co_departments.iter().enumerate() {
            if co == &self.lead_department {
                return Err(self.invalid(
                    format!("配合单位 {co} 同时是牵头单位"),
                    format!("co-department {co} is also the lead department"),
                ));
            }
            if self.co_departments[..i].contains(co) {
                return Err(self.invalid(
                    format!("配合单位 {co} 重复"),
                    format!("co-department {co} is listed twice"),
                ));
            }
        }
        let mut milestones: Vec<&Milestone> = self.milestones.iter().collect();
        milestones.sort_by_key(|m| m.due);
        let mut expected_so_far: Option<Percent> = None;
        for m in milestones {
            if m.title.trim().is_empty() {
                return Err(self.invalid(
                    format!("{} 的节点没有名称", m.due),
                    format!("the milestone of {} has no title", m.due),
                ));
            }
            if m.due > self.deadline {
                return Err(self.invalid(
                    format!("节点「{}」（{}）晚于办结时限 {}", m.title, m.due, self.deadline),
                    format!(
                        "milestone '{}' ({}) is after the deadline {}",
                        m.title, m.due, self.deadline
                    ),
                ));
            }
            if let Some(p) = m.expected_percent {
                if expected_so_far.is_some_and(|before| p < before) {
                    return Err(self.invalid(
                        format!("节点「{}」的预期进度 {p} 低于更早的节点", m.title),
                        format!(
                            "milestone '{}' expects {p}, less than an earlier milestone",
                            m.title
                        ),
                    ));
                }
                expected_so_far = Some(p);
            }
        }
        Ok(())
    }
}

/// What an actor does, with its payload (操作内容).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// 立项 (only through [`SupervisedItem::register`]).
    Register,
    /// 交办: the assignment date starts the reporting cycle.
    Assign,
    /// 签收.
    Accept,
    /// 反馈: a progress report.
    ReportProgress(ProgressInput),
    /// 申请办结.
    RequestClosure,
    /// 开始复核.
    StartReview,
    /// 批准办结.
    ApproveClosure,
    /// 退回: from 办理 returns the latest progress report; from 申请办结/复核 returns the closure request.
    Return,
    /// 延期申请.
    RequestExtension {
        /// The deadline asked for.
        new_deadline: Date,
    },
    /// 批准延期.
    ApproveExtension,
    /// 不予延期.
    RefuseExtension,
    /// 批示意见 (the text is the command's reason).
    Comment,
    /// 肯定性批示 (the text is the command's reason).
    Commend,
}

impl Action {
    /// The action without its payload.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Register => ActionKind::Register,
            Action::Assign => ActionKind::Assign,
            Action::Accept => ActionKind::Accept,
            Action::ReportProgress(_) => ActionKind::ReportProgress,
            Action::RequestClosure => ActionKind::RequestClosure,
            Action::StartReview => ActionKind::StartReview,
            Action::ApproveClosure => ActionKind::ApproveClosure,
            Action::Return => ActionKind::Return,
            Action::RequestExtension { .. } => ActionKind::RequestExtension,
            Action::ApproveExtension => ActionKind::ApproveExtension,
            Action::RefuseExtension => ActionKind::RefuseExtension,
            Action::Comment => ActionKind::Comment,
            Action::Commend => ActionKind::Commend,
        }
    }
}

/// A request to move an item: who, when, what and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// Who acts.
    pub actor: Actor,
    /// When (local civil time of the plan's jurisdiction; its date is "today" for every date rule).
    pub at: DateTime,
    /// What.
    #[serde(flatten)]
    pub action: Action,
    /// Why (required for 退回, 延期申请, 不予延期, 批示意见, 肯定性批示).
    #[serde(default)]
    pub reason: String,
}

impl Command {
    /// A command without a reason.
    pub fn new(actor: Actor, at: DateTime, action: Action) -> Self {
        Self {
            actor,
            at,
            action,
            reason: String::new(),
        }
    }

    /// The same command with a reason.
    pub fn because(mut self, reason: impl Into<String>) -> Self {
        self.reason = reason.into();
        self
    }
}

/// What a return (退回) sent back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "returned", rename_all = "snake_case")]
pub enum ReturnedWhat {
    /// A progress report, by number.
    ProgressReport {
        /// The report's number within the item.
        report: u32,
    },
    /// The closure request (办结申请).
    ClosureRequest,
}

/// What a step changed besides the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing besides the state.
    None,
    /// A progress report was filed.
    ReportFiled {
        /// Its number within the item.
        report: u32,
    },
    /// Something was returned.
    Returned {
        /// What.
        #[serde(flatten)]
        what: ReturnedWhat,
    },
    /// An extension was requested.
    ExtensionRequested {
        /// The deadline in force.
        current: Date,
        /// The deadline asked for.
        requested: Date,
    },
    /// The deadline moved.
    DeadlineExtended {
        /// Old deadline.
        from: Date,
        /// New deadline.
        to: Date,
    },
    /// An extension was refused.
    ExtensionRefused {
        /// The deadline that was asked for.
        requested: Date,
    },
}

/// One recorded step (流转记录): who, when, what, why, and its effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// 1-based step number; 1 is the registration.
    pub seq: u32,
    /// When.
    pub at: DateTime,
    /// Who.
    pub actor: Actor,
    /// What, normalised (a progress report always names its period).
    #[serde(flatten)]
    pub action: Action,
    /// Why.
    pub reason: String,
    /// State before (`None` for the registration).
    pub from: Option<State>,
    /// State after.
    pub to: State,
    /// Effect besides the state (a nested object: its fields would clash with the step's own).
    pub outcome: Outcome,
}

/// A pending extension request (待审批的延期申请).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionRequest {
    /// The step that filed it.
    pub step: u32,
    /// When.
    pub at: DateTime,
    /// Who asked.
    pub by: Actor,
    /// The deadline in force when asked.
    pub current: Date,
    /// The deadline asked for.
    pub requested: Date,
    /// Why.
    pub reason: String,
}

/// What the store keeps of an item: its spec and its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRecord {
    /// The spec.
    pub spec: ItemSpec,
    /// Every step, in order.
    pub history: Vec<Transition>,
}

/// A supervised item (督办事项) with its history. Change it only through [`SupervisedItem::apply`]; read it
/// through the accessors. Serialises with the derived fields (for the API); deserialises by replaying
/// `spec` + `history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ItemRecord")]
pub struct SupervisedItem {
    spec: ItemSpec,
    history: Vec<Transition>,
    state: State,
    deadline: Date,
    assigned_on: Option<Date>,
    closed_on: Option<Date>,
    pending_extension: Option<ExtensionRequest>,
    reports: Vec<ProgressReport>,
}

impl TryFrom<ItemRecord> for SupervisedItem {
    type Error = SuperviseError;
    fn try_from(record: ItemRecord) -> Result<Self, Self::Error> {
        SupervisedItem::restore(record)
    }
}

impl SupervisedItem {
    /// 立项: registers an item. Only an admin registers; the spec must pass [`ItemSpec::validate`].
    pub fn register(
        spec: ItemSpec,
        actor: Actor,
        at: DateTime,
        reason: impl Into<String>,
    ) -> Result<Self, SuperviseError> {
        ActionKind::Register
            .permitted(&actor.role, &spec.lead_department, &spec.co_departments)
            .map_err(|reason| SuperviseError::Forbidden {
                item: spec.id.clone(),
                state: None,
                action: ActionKind::Register,
                actor: actor.clone(),
                reason,
            })?;
        spec.validate()?;
        let transition = Transition {
            seq: 1,
            at,
            actor,
            action: Action::Register,
            reason: reason.into().trim().to_owned(),
            from: None,
            to: State::Registered,
            outcome: Outcome::None,
        };
        let mut item = Self::unregistered(spec);
        item.fold(transition);
        Ok(item)
    }

    /// Rebuilds an item from its stored record, replaying every step through the workflow rules; a history
    /// that does not replay exactly (illegal step, wrong role, edited outcome) is refused.
    pub fn restore(record: ItemRecord) -> Result<Self, SuperviseError> {
        let ItemRecord { spec, history } = record;
        let mut steps = history.into_iter();
        let first = match steps.next() {
            Some(t) if t.action == Action::Register && t.seq == 1 => t,
            _ => {
                return Err(SuperviseError::HistoryWithoutRegistration {
                    item: spec.id.clone(),
                });
            }
        };
        let mut item = Self::register(spec, first.actor.clone(), first.at, first.reason.clone())?;
        if item.history[0] != first {
            return Err(SuperviseError::HistoryMismatch {
                item: item.spec.id.clone(),
                seq: 1,
            });
        }
        // Recorded progress reports name their period, so the due-date rule (used only to choose a period
        // when none is given) plays no part in the replay.
        let rule = DueDateRule::default();
        for recorded in steps {
            let command = Command {
                actor: recorded.actor.clone(),
                at: recorded.at,
                action: recorded.action.clone(),
                reason: recorded.reason.clone(),
            };
            let replayed = item.check(&command, &rule)?;
            if replayed != recorded {
                return Err(SuperviseError::HistoryMismatch {
                    item: item.spec.id.clone(),
                    seq: recorded.seq,
                });
            }
            item.fold(replayed);
        }
        Ok(item)
    }

    /// The record to store.
    pub fn record(&self) -> ItemRecord {
        ItemRecord {
            spec: self.spec.clone(),
            history: self.history.clone(),
        }
    }

    /// Applies a command: checks role, state, reason and payload, then records the step. On error nothing
    /// changes. `rule` is used only to choose the period of a progress report that names none.
    pub fn apply(&mut self, command: &Command, rule: &DueDateRule) -> Result<Transition, SuperviseError> {
        let transition = self.check(command, rule)?;
        self.fold(transition.clone());
        Ok(transition)
    }

    /// Dry run of [`SupervisedItem::apply`]: the step the command would record, or why it is refused.
    pub fn check(&self, command: &Command, rule: &DueDateRule) -> Result<Transition, SuperviseError> {
        let kind = command.action.kind();
        let item = self.spec.id.clone();
        let state = self.state;
        let today = command.at.date();
        if let Some(last) = self.history.last()
            && command.at < last.at
        {
            return Err(SuperviseError::TimeGoesBackwards {
                item,
                at: command.at,
                last: last.at,
            });
        }
        kind.permitted(
            &command.actor.role,
            &self.spec.lead_department,
            &self.spec.co_departments,
        )
        .map_err(|reason| SuperviseError::Forbidden {
            item: item.clone(),
            state: Some(state),
            action: kind,
            actor: command.actor.clone(),
            reason,
        })?;
        if kind == ActionKind::ReportProgress && state.is_closed() {
            return Err(SuperviseError::ReportOnClosedItem { item });
        }
        if !kind.legal_from().contains(&state) {
            return Err(SuperviseError::IllegalTransition {
                item,
                state,
                action: kind,
            });
        }
        let reason = command.reason.trim().to_owned();
        if kind.needs_reason() && reason.is_empty() {
            return Err(SuperviseError::ReasonRequired { item, action: kind });
        }
        let mut action = command.action.clone();
        let outcome = match &mut action {
            Action::ReportProgress(input) => {
                let period = self.resolve_report_period(input.period, today, rule)?;
                input.period = Some(period);
                Outcome::ReportFiled {
                    report: self.next_report_number(),
                }
            }
            Action::Return => {
                let what = if state == State::InProgress {
                    match self.reports.last() {
                        Some(report) if report.returned.is_none() => ReturnedWhat::ProgressReport {
                            report: report.number,
                        },
                        _ => {
                            return Err(SuperviseError::IllegalTransition {
                                item,
                                state,
                                action: kind,
                            });
                        }
                    }
                } else {
                    ReturnedWhat::ClosureRequest
                };
                Outcome::Returned { what }
            }
            Action::RequestExtension { new_deadline } => {
                let requested = *new_deadline;
                if self.pending_extension.is_some() {
                    return Err(SuperviseError::ExtensionAlreadyPending { item });
                }
                if requested < today {
                    return Err(SuperviseError::ExtensionInPast {
                        item,
                        requested,
                        today,
                    });
                }
                if requested <= self.deadline {
                    return Err(SuperviseError::ExtensionNotLater {
                        item,
                        requested,
                        current: self.deadline,
                    });
                }
                Outcome::ExtensionRequested {
                    current: self.deadline,
                    requested,
                }
            }
            Action::ApproveExtension => {
                let Some(pending) = &self.pending_extension else {
                    return Err(SuperviseError::NoPendingExtension { item });
                };
                // Approval on a later day can find the requested date already past: refuse it then too.
                if pending.requested < today {
                    return Err(SuperviseError::ExtensionInPast {
                        item,
                        requested: pending.requested,
                        today,
                    });
                }
                Outcome::DeadlineExtended {
                    from: self.deadline,
                    to: pending.requested,
                }
            }
            Action::RefuseExtension => {
                let Some(pending) = &self.pending_extension else {
                    return Err(SuperviseError::NoPendingExtension { item });
                };
                Outcome::ExtensionRefused {
                    requested: pending.requested,
                }
            }
            Action::Register
            | Action::Assign
            | Action::Accept
            | Action::RequestClosure
            | Action::StartReview
            | Action::ApproveClosure
            | Action::Comment
            | Action::Commend => Outcome::None,
        };
        Ok(Transition {
            seq: self.next_seq(),
            at: command.at,
            actor: command.actor.clone(),
            action,
            reason,
            from: Some(state),
            to: kind.target(state),
            outcome,
        })
    }

    /// The actions `actor` may take now (for the buttons of a task page). Templates may hide buttons with
    /// this; [`SupervisedItem::apply`] still enforces everything.
    pub fn allowed_actions(&self, actor: &Actor) -> Vec<ActionKind> {
        ActionKind::ALL
            .into_iter()
            .filter(|kind| {
                kind.permitted(&actor.role, &self.spec.lead_department, &self.spec.co_departments)
                    .is_ok()
                    && kind.legal_from().contains(&self.state)
                    && match kind {
                        ActionKind::RequestExtension => self.pending_extension.is_none(),
                        ActionKind::ApproveExtension | ActionKind::RefuseExtension => {
                            self.pending_extension.is_some()
                        }
                        ActionKind::Return if self.state == State::InProgress => {
                            self.reports.last().is_some_and(|r| r.returned.is_none())
                        }
                        _ => true,
                    }
            })
            .collect()
    }

    /// The item as it stood at the end of `date` (only steps dated on or before it), or `None` if it was not
    /// registered yet.
    pub fn as_of(&self, date: Date) -> Option<SupervisedItem> {
        if self.history.last().is_some_and(|t| t.at.date() <= date) {
            return Some(self.clone());
        }
        let mut view = Self::unregistered(self.spec.clone());
        for transition in self.history.iter().take_while(|t| t.at.date() <= date) {
            view.fold(transition.clone());
        }
        (!view.history.is_empty()).then_some(view)
    }

    /// The item's id.
    pub fn id(&self) -> &ItemId {
        &self.spec.id
    }

    /// The spec given at registration.
    pub fn spec(&self) -> &ItemSpec {
        &self.spec
    }

    /// The lead department (牵头单位).
    pub fn lead_department(&self) -> &DepartmentId {
        &self.spec.lead_department
    }

    /// Current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// Current deadline (after approved extensions).
    pub fn deadline(&self) -> Date {
        self.deadline
    }

    /// Date of the assignment (交办), which starts the reporting cycle.
    pub fn assigned_on(&self) -> Option<Date> {
        self.assigned_on
    }

    /// Date of the closure (办结).
    pub fn closed_on(&self) -> Option<Date> {
        self.closed_on
    }

    /// The pending extension request, if any.
    pub fn pending_extension(&self) -> Option<&ExtensionRequest> {
        self.pending_extension.as_ref()
    }

    /// Every step, in order (the timeline).
    pub fn history(&self) -> &[Transition] {
        &self.history
    }

    /// Every progress report, in order of submission.
    pub fn reports(&self) -> &[ProgressReport] {
        &self.reports
    }

    /// The latest progress report that was not returned: the item's reported percent complete.
    pub fn latest_accepted_report(&self) -> Option<&ProgressReport> {
        self.reports.iter().rev().find(|r| r.returned.is_none())
    }

    /// The last return (退回) if the item is in the 退回 state: what was returned, when, by whom, why.
    pub fn current_return(&self) -> Option<(&Transition, ReturnedWhat)> {
        if self.state != State::Returned {
            return None;
        }
        self.history.iter().rev().find_map(|t| match t.outcome {
            Outcome::Returned { what } => Some((t, what)),
            _ => None,
        })
    }

    /// The deadline in force at the end of each day a deadline took effect: `(from, deadline)` pairs, starting
    /// with the registration date and the spec's deadline.
    pub fn deadline_changes(&self) -> Vec<(Date, Date)> {
        let mut changes = Vec::new();
        for t in &self.history {
            match (&t.action, t.outcome) {
                (Action::Register, _) => changes.push((t.at.date(), self.spec.deadline)),
                (_, Outcome::DeadlineExtended { to, .. }) => changes.push((t.at.date(), to)),
                _ => {}
            }
        }
        changes
    }

    /// The first day the item was overdue (超期: a day after the deadline in force that day, not yet closed
    /// before it), counting only days from the assignment through `as_of`.
    pub fn first_overdue_day(&self, as_of: Date) -> Option<Date> {
        let assigned = self.assigned_on?;
        let changes = self.deadline_changes();
        let mut first: Option<Date> = None;
        for (i, &(from, deadline)) in changes.iter().enumerate() {
            let until = changes.get(i + 1).map(|&(next_from, _)| next_from);
            let Ok(after_deadline) = deadline.tomorrow() else {
                continue;
            };
            let candidate = after_deadline.max(from).max(assigned);
            let in_segment = until.is_none_or(|next| candidate < next);
            let not_closed_before = self.closed_on.is_none_or(|closed| closed >= candidate);
            if in_segment && not_closed_before && candidate <= as_of {
                first = Some(first.map_or(candidate, |f| f.min(candidate)));
            }
        }
        first
    }

    /// The reporting slots the item owes as of `as_of`: one per cycle period from the assignment through the
    /// deadline, continued while the item stays open past it (re-issued until 办结, 宿迁 in anchors.md §5.2),
    /// and ending at the closure. Empty before the assignment.
    pub fn reporting_slots(&self, rule: &DueDateRule, as_of: Date) -> Vec<ReportingSlot> {
        let Some(assigned) = self.assigned_on else {
            return Vec::new();
        };
        let until = self.closed_on.unwrap_or(self.deadline.max(as_of));
        rule.slots(self.spec.cycle, assigned, until)
    }

    /// Each reporting slot with its status at the end of `as_of` (only steps up to that day count).
    pub fn slot_statuses(&self, rule: &DueDateRule, as_of: Date) -> Vec<SlotStatus> {
        let Some(view) = self.as_of(as_of) else {
            return Vec::new();
        };
        view.reporting_slots(rule, as_of)
            .into_iter()
            .map(|slot| {
                let first = view.reports.iter().find(|r| r.period == slot.period);
                let submitted = first.map(|r| r.submitted_at.date());
                let state = match submitted {
                    Some(on) if on <= slot.due => SlotState::OnTime { submitted_on: on },
                    // On its due date a slot can still be reported on time.
                    _ if slot.due >= as_of => SlotState::NotDueYet,
                    _ if view.exempt_on(slot.due) => SlotState::Exempt,
                    Some(on) => SlotState::Late { submitted_on: on },
                    None => SlotState::Missing,
                };
                SlotStatus { slot, state }
            })
            .collect()
    }

    /// Whether no progress report was owed at the end of `date`: the item was closed or awaiting the closure
    /// decision then.
    fn exempt_on(&self, date: Date) -> bool {
        self.as_of(date)
            .is_some_and(|v| v.state.is_closed() || v.state.awaits_closure_decision())
    }

    fn resolve_report_period(
        &self,
        asked: Option<Period>,
        today: Date,
        rule: &DueDateRule,
    ) -> Result<Period, SuperviseError> {
        let slots = self.reporting_slots(rule, today);
        if let Some(period) = asked {
            if !slots.iter().any(|s| s.period == period) {
                return Err(SuperviseError::UnknownReportingSlot {
                    item: self.spec.id.clone(),
                    period,
                });
            }
            if period.start() > today {
                return Err(SuperviseError::ReportForFuturePeriod {
                    item: self.spec.id.clone(),
                    period,
                });
            }
            return Ok(period);
        }
        if let Some((_, ReturnedWhat::ProgressReport { report })) = self.current_return()
            && let Some(returned) = self.reports.iter().find(|r| r.number == report)
        {
            return Ok(returned.period);
        }
        let started: Vec<&ReportingSlot> = slots.iter().filter(|s| s.period.start() <= today).collect();
        let unreported = |s: &&&ReportingSlot| !self.reports.iter().any(|r| r.period == s.period);
        started
            .iter()
            .find(|s| unreported(s) && s.due >= today)
            .or_else(|| started.iter().rev().find(unreported))
            .or_else(|| started.last())
            .map(|s| s.period)
            .ok_or(SuperviseError::IllegalTransition {
                item: self.spec.id.clone(),
                state: self.state,
                action: ActionKind::ReportProgress,
            })
    }

    fn next_seq(&self) -> u32 {
        u32::try_from(self.history.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1)
    }

    fn next_report_number(&self) -> u32 {
        u32::try_from(self.reports.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1)
    }

    fn unregistered(spec: ItemSpec) -> Self {
        let deadline = spec.deadline;
        Self {
            spec,
            history: Vec::new(),
            state: State::Registered,
            deadline,
            assigned_on: None,
            closed_on: None,
            pending_extension: None,
            reports: Vec::new(),
        }
    }

    /// Applies a checked transition. Infallible: everything was checked by [`SupervisedItem::check`].
    fn fold(&mut self, t: Transition) {
        let day = t.at.date();
        match (&t.action, t.outcome) {
            (Action::Register, _) => self.deadline = self.spec.deadline,
            (Action::Assign, _) => self.assigned_on = Some(day),
            (Action::ReportProgress(input), Outcome::ReportFiled { report }) => {
                // `check` always records the period; a step without one is not a report.
                if let Some(period) = input.period {
                    let resubmission = self.reports.iter().any(|r| r.period == period);
                    self.reports.push(ProgressReport {
                        number: report,
                        step: t.seq,
                        period,
                        submitted_at: t.at,
                        by: t.actor.clone(),
                        percent: input.percent,
                        text: input.text.clone(),
                        evidence: input.evidence.clone(),
                        data_links: input.data_links.clone(),
                        resubmission,
                        returned: None,
                    });
                }
            }
            (
                Action::Return,
                Outcome::Returned {
                    what: ReturnedWhat::ProgressReport { report },
                },
            ) => {
                if let Some(r) = self.reports.iter_mut().find(|r| r.number == report) {
                    r.returned = Some(ReturnNote {
                        at: t.at,
                        by: t.actor.clone(),
                        reason: t.reason.clone(),
                    });
                }
            }
            (Action::RequestExtension { .. }, Outcome::ExtensionRequested { current, requested }) => {
                self.pending_extension = Some(ExtensionRequest {
                    step: t.seq,
                    at: t.at,
                    by: t.actor.clone(),
                    current,
                    requested,
                    reason: t.reason.clone(),
                });
            }
            (Action::ApproveExtension, Outcome::DeadlineExtended { to, .. }) => {
                self.deadline = to;
                self.pending_extension = None;
            }
            (Action::RefuseExtension, _) => self.pending_extension = None,
            (Action::ApproveClosure, _) => {
                self.closed_on = Some(day);
                // A closed item needs no extension: a request still pending lapses.
                self.pending_extension = None;
            }
            _ => {}
        }
        self.state = t.to;
        self.history.push(t);
    }
}
