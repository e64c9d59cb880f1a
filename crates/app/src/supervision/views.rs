//! Read models of supervision: the board (by area, department, light), an item's page with its timeline and the
//! actions the caller may take, a department's to-do view, the inbox (待办/催办) with read marks, and the daily
//! digest. Everything is computed by the engine from the stored items on the day asked.

use std::collections::BTreeMap;

use jiff::civil::Date;
use plantrack_core::plan::TargetId;
use plantrack_core::supervise::{
    ActionKind, DailyDigest, DepartmentFreshness, DepartmentId, ExtensionRequest, InboxEntry, ItemKind,
    LightAssessment, ProgressReport, Reminder, ScheduleLight, SlotStatus, State, SupervisedItem, Transition,
    assess_schedule, freshness_by_department,
};
use plantrack_store::supervision::AttachmentMeta;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Area, Ctx, LoadedItem, actor_of, area_of, load_item, load_items};
use crate::{AppError, Permission, Principal, Role};

/// One item on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardRow {
    /// Item key.
    pub key: String,
    /// Title.
    pub title: String,
    /// `task`, `adhoc` or `rectification`.
    pub kind: &'static str,
    /// Its area.
    pub area: Area,
    /// Lead department.
    pub lead: DepartmentId,
    /// Lead department's short name.
    pub lead_name: String,
    /// State.
    pub state: State,
    /// Deadline in force.
    pub deadline: Date,
    /// Schedule light.
    pub light: ScheduleLight,
    /// Why, Chinese.
    pub explanation_zh: String,
    /// Why, English.
    pub explanation_en: String,
    /// Percent of the latest report not returned.
    pub percent: Option<Decimal>,
    /// Targets it serves.
    pub targets: Vec<TargetId>,
    /// Stored version.
    pub version: i64,
}

/// Counts of a group of items (an area or a department) by light.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LightCount {
    /// Group key (area key or department id).
    pub key: String,
    /// Name, Chinese.
    pub name_zh: String,
    /// Name, English.
    pub name_en: String,
    /// Items.
    pub total: usize,
    /// Closed items.
    pub closed: usize,
    /// Items by light (closed items count as green).
    pub lights: BTreeMap<ScheduleLight, usize>,
}

impl LightCount {
    fn new(key: String, name_zh: String, name_en: String) -> Self {
        LightCount {
            key,
            name_zh,
            name_en,
            total: 0,
            closed: 0,
            lights: BTreeMap::new(),
        }
    }

    fn add(&mut self, row: &BoardRow) {
        self.total += 1;
        if row.state.is_closed() {
            self.closed += 1;
        }
        *self.lights.entry(row.light).or_default() += 1;
    }
}

/// The supervision board (督办看板) on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Board {
    /// The day.
    pub today: Date,
    /// Every item registered by then, by area then key.
    pub rows: Vec<BoardRow>,
    /// By area, in plan order.
    pub by_area: Vec<LightCount>,
    /// By lead department, in plan order.
    pub by_department: Vec<LightCount>,
    /// All items by light.
    pub by_light: BTreeMap<ScheduleLight, usize>,
    /// Each department's data-freshness signal.
    pub freshness: Vec<DepartmentFreshness>,
}

impl Board {
    /// The rows of one area, department and/or light.
    pub fn filter(
        &self,
        area: Option<&str>,
        department: Option<&str>,
        light: Option<ScheduleLight>,
    ) -> Vec<&BoardRow> {
        self.rows
            .iter()
            .filter(|r| area.is_none_or(|a| r.area.key == a))
            .filter(|r| department.is_none_or(|d| r.lead.as_str() == d))
            .filter(|r| light.is_none_or(|l| r.light == l))
            .collect()
    }
}

fn kind_name(kind: &ItemKind) -> &'static str {
    match kind {
        ItemKind::Task { .. } => "task",
        ItemKind::Adhoc => "adhoc",
        ItemKind::Rectification { .. } => "rectification",
    }
}

fn row_of(ctx: Ctx<'_>, loaded: &LoadedItem, today: Date) -> Option<(BoardRow, LightAssessment)> {
    let item = loaded.item.as_of(today)?;
    let light = assess_schedule(&item, ctx.rules(), today)?;
    let spec = item.spec();
    let row = BoardRow {
        key: spec.id.to_string(),
        title: spec.title.clone(),
        kind: kind_name(&spec.kind),
        area: area_of(ctx.plan, &item),
        lead: spec.lead_department.clone(),
        lead_name: ctx.department_name(&spec.lead_department),
        state: item.state(),
        deadline: item.deadline(),
        light: light.light,
        explanation_zh: light.explain_zh(),
        explanation_en: light.explain_en(),
        percent: item.latest_accepted_report().map(|r| r.percent.value()),
        targets: spec.targets.clone(),
        version: loaded.version,
    };
    Some((row, light))
}

fn build_board(ctx: Ctx<'_>, loaded: &[LoadedItem], today: Date) -> Board {
    let mut rows: Vec<BoardRow> = loaded
        .iter()
        .filter_map(|l| row_of(ctx, l, today).map(|(r, _)| r))
        .collect();
    rows.sort_by(|a, b| (a.area.order, &a.area.key, &a.key).cmp(&(b.area.order, &b.area.key, &b.key)));
    let mut by_area: Vec<LightCount> = Vec::new();
    for row in &rows {
        if by_area.last().is_none_or(|g| g.key != row.area.key) {
            by_area.push(LightCount::new(
                row.area.key.clone(),
                row.area.name_zh.clone(),
                row.area.name_en.clone(),
            ));
        }
        if let Some(g) = by_area.last_mut() {
            g.add(row);
        }
    }
    let mut by_department: Vec<LightCount> = ctx
        .plan
        .departments()
        .iter()
        .map(|d| LightCount::new(d.id.to_string(), d.short_zh.clone(), d.name_en.clone()))
        .collect();
    let mut by_light = BTreeMap::new();
    for row in &rows {
        *by_light.entry(row.light).or_insert(0) += 1;
        match by_department.iter_mut().find(|g| g.key == row.lead.as_str()) {
            Some(g) => g.add(row),
            None => {
                let mut g =
                    LightCount::new(row.lead.to_string(), row.lead_name.clone(), row.lead.to_string());
                g.add(row);
                by_department.push(g);
            }
        }
    }
    by_department.retain(|g| g.total > 0);
    let items: Vec<SupervisedItem> = loaded.iter().map(|l| l.item.clone()).collect();
    let freshness = freshness_by_department(
        &by_department
            .iter()
            .filter_map(|g| DepartmentId::parse(&g.key).ok())
            .collect::<Vec<_>>(),
        &items,
        ctx.rules(),
        today,
    );
    Board {
        today,
        rows,
        by_area,
        by_department,
        by_light,
        freshness,
    }
}

/// The board on `today`.
pub async fn board(ctx: Ctx<'_>, principal: &Principal, today: Date) -> Result<Board, AppError> {
    principal.require(&Permission::ViewInternal)?;
    let loaded = load_items(ctx).await?;
    Ok(build_board(ctx, &loaded, today))
}

/// An item's page: the row, the explained light, the timeline, the reports and their slots, the evidence, and
/// the actions the caller may take now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemPage {
    /// The board row.
    pub row: BoardRow,
    /// The explained light.
    pub light: LightAssessment,
    /// Co-departments.
    pub co_departments: Vec<DepartmentId>,
    /// 主要领导.
    pub responsible_leader: Option<String>,
    /// 分管领导.
    pub leader_in_charge: Option<String>,
    /// Every step (the timeline: who, when, what, why), oldest first.
    pub timeline: Vec<Transition>,
    /// Progress reports, oldest first.
    pub reports: Vec<ProgressReport>,
    /// Reporting slots with their status.
    pub slots: Vec<SlotStatus>,
    /// The pending extension request.
    pub pending_extension: Option<ExtensionRequest>,
    /// Evidence files.
    pub attachments: Vec<AttachmentMeta>,
    /// What the caller may do now (buttons; every action is checked again when taken).
    pub allowed: Vec<ActionKind>,
}

/// The page of item `key` on `today`.
pub async fn item_page(
    ctx: Ctx<'_>,
    principal: &Principal,
    key: &str,
    today: Date,
) -> Result<ItemPage, AppError> {
    principal.require(&Permission::ViewInternal)?;
    let loaded = load_item(ctx, key).await?;
    let not_yet = || AppError::NotFound {
        entity: "supervised_item".into(),
        id: key.to_owned(),
    };
    let (row, light) = row_of(ctx, &loaded, today).ok_or_else(not_yet)?;
    let item = loaded.item.as_of(today).ok_or_else(not_yet)?;
    let allowed = match actor_of(principal) {
        Ok(actor) => item
            .allowed_actions(&actor)
            .into_iter()
            .filter(|k| *k != ActionKind::Register)
            .collect(),
        Err(_) => Vec::new(),
    };
    let spec = item.spec();
    Ok(ItemPage {
        co_departments: spec.co_departments.clone(),
        responsible_leader: spec.responsible_leader.clone(),
        leader_in_charge: spec.leader_in_charge.clone(),
        timeline: item.history().to_vec(),
        reports: item.reports().to_vec(),
        slots: item.slot_statuses(&ctx.rules().reporting, today),
        pending_extension: item.pending_extension().cloned(),
        attachments: ctx.store.attachments_of(ctx.plan_key(), key).await?,
        allowed,
        row,
        light,
    })
}

/// One inbox line with its stable key and whether the user marked it read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InboxLine {
    /// Stable key of the reminder (`ITEM/kind/period-or-date`).
    pub key: String,
    /// Whether the user marked it read.
    pub read: bool,
    /// The engine's entry.
    #[serde(flatten)]
    pub entry: InboxEntry,
    /// Its urgency.
    pub urgency: ScheduleLight,
}

/// The stable key of a reminder: the same fact gives the same key every day (so a read mark sticks and a mail is
/// sent once), a new fact (another period, a new return) a new key.
pub fn reminder_key(entry: &InboxEntry) -> String {
    let item = &entry.item;
    match &entry.reminder {
        Reminder::AwaitingAcceptance { assigned_on } => format!("{item}/awaiting_acceptance/{assigned_on}"),
        Reminder::ReportDueSoon { period, .. } => format!("{item}/report_due_soon/{period}"),
        Reminder::ReportOverdue { period, .. } => format!("{item}/report_overdue/{period}"),
        Reminder::DeadlineSoon { deadline, .. } => format!("{item}/deadline_soon/{deadline}"),
        Reminder::DeadlineOverdue { deadline, .. } => format!("{item}/deadline_overdue/{deadline}"),
        Reminder::Returned { at, .. } => format!("{item}/returned/{at}"),
        Reminder::AwaitingReview => format!("{item}/awaiting_review"),
        Reminder::AwaitingClosureDecision => format!("{item}/awaiting_closure_decision"),
        Reminder::AwaitingExtensionDecision { requested } => {
            format!("{item}/awaiting_extension_decision/{requested}")
        }
    }
}

pub(crate) async fn inbox_lines(
    ctx: Ctx<'_>,
    principal: &Principal,
    items: &[SupervisedItem],
    today: Date,
) -> Result<Vec<InboxLine>, AppError> {
    let actor = actor_of(principal)?;
    let receipts = ctx.store.reminder_receipts(principal.actor_name()).await?;
    Ok(
        plantrack_core::supervise::inbox(&actor, items, ctx.rules(), today)
            .into_iter()
            .map(|entry| {
                let key = reminder_key(&entry);
                InboxLine {
                    read: receipts.get(&key).is_some_and(|r| r.read_at.is_some()),
                    urgency: entry.reminder.urgency(),
                    key,
                    entry,
                }
            })
            .collect(),
    )
}

/// The caller's inbox (待办) on `today`, most urgent first.
pub async fn inbox(ctx: Ctx<'_>, principal: &Principal, today: Date) -> Result<Vec<InboxLine>, AppError> {
    principal.require(&Permission::ViewInternal)?;
    let items: Vec<SupervisedItem> = load_items(ctx).await?.into_iter().map(|l| l.item).collect();
    inbox_lines(ctx, principal, &items, today).await
}

/// Marks inbox lines read for the caller.
pub async fn mark_read(ctx: Ctx<'_>, principal: &Principal, keys: &[String]) -> Result<(), AppError> {
    principal.require(&Permission::ViewInternal)?;
    let mut tx = ctx.store.begin(principal.actor()).await?;
    tx.mark_reminders_read(principal.actor_name(), keys).await?;
    tx.commit().await?;
    Ok(())
}

/// A department's own to-do view (本单位待办): the items it leads and its inbox. For admins and leaders: the items
/// waiting for their decision and their inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Todo {
    /// The items concerned.
    pub rows: Vec<BoardRow>,
    /// The inbox.
    pub inbox: Vec<InboxLine>,
}

/// The caller's to-do view on `today`.
pub async fn todo(ctx: Ctx<'_>, principal: &Principal, today: Date) -> Result<Todo, AppError> {
    principal.require(&Permission::ViewInternal)?;
    let loaded = load_items(ctx).await?;
    let items: Vec<SupervisedItem> = loaded.iter().map(|l| l.item.clone()).collect();
    let inbox = inbox_lines(ctx, principal, &items, today).await?;
    let board = build_board(ctx, &loaded, today);
    let own_department = match principal {
        Principal::User {
            role: Role::Department,
            department,
            ..
        } => department.clone(),
        _ => None,
    };
    let rows = board
        .rows
        .into_iter()
        .filter(|r| match &own_department {
            Some(d) => r.lead.as_str() == d,
            None => inbox.iter().any(|l| l.entry.item.as_str() == r.key),
        })
        .collect();
    Ok(Todo { rows, inbox })
}

/// The daily digest (每日督办摘要) on `today`.
pub async fn daily_digest(ctx: Ctx<'_>, principal: &Principal, today: Date) -> Result<DailyDigest, AppError> {
    principal.require(&Permission::ViewInternal)?;
    let items: Vec<SupervisedItem> = load_items(ctx).await?.into_iter().map(|l| l.item).collect();
    Ok(plantrack_core::supervise::daily_digest(
        &ctx.departments(),
        &items,
        ctx.rules(),
        today,
    ))
}
