//! Writing use cases of the workflow: register the plan's tasks (立项, optionally 交办), add an item (交办事项),
//! take a workflow step, and file a progress report (反馈) with evidence files.
//!
//! Every step runs in one transaction: the step (and any attachment) is stored, and the ledger entries the
//! engine derives from the new history are appended in the same transaction, so a score never lags the
//! workflow and a refused step leaves nothing behind.

use jiff::civil::{Date, DateTime};
use plantrack_core::period::Period;
use plantrack_core::plan::{ReportingCycle, TargetId};
use plantrack_core::supervise::{
    Action, ActionKind, Command, DepartmentId, ItemId, ItemKind, ItemSpec, Milestone, Percent, ProgressInput,
    SupervisedItem, Transition,
};
use plantrack_store::Actor as StoreActor;
use plantrack_store::supervision::{Attachment, AttachmentMeta, NewAttachment};
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Ctx, actor_of, engine_error, load_items, scoring};
use crate::{AppError, FieldError, Permission, Principal};

/// What happened: the item's key, its new version and the step recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepDone {
    /// The item.
    pub item: String,
    /// The stored version after the step.
    pub version: i64,
    /// The step.
    pub step: Transition,
    /// Ledger entries appended with it.
    pub scored: usize,
}

fn store_actor(principal: &Principal) -> StoreActor {
    principal.actor()
}

/// The permission the app requires for an action on an item led by `lead` with co-departments `co`; the engine
/// checks the same matrix again (`ActionKind::permitted`).
fn required(principal: &Principal, kind: ActionKind, lead: &DepartmentId, co: &[DepartmentId]) -> bool {
    match kind {
        ActionKind::Register | ActionKind::Assign | ActionKind::StartReview => {
            principal.can(&Permission::ManageSupervision)
        }
        ActionKind::Accept
        | ActionKind::ReportProgress
        | ActionKind::RequestClosure
        | ActionKind::RequestExtension => principal.can(&Permission::ActForDepartment(lead.as_str())),
        ActionKind::ApproveClosure
        | ActionKind::Return
        | ActionKind::ApproveExtension
        | ActionKind::RefuseExtension
        | ActionKind::Commend => principal.can(&Permission::CommentAndApprove),
        ActionKind::Comment => {
            principal.can(&Permission::CommentAndApprove)
                || principal.can(&Permission::ActForDepartment(lead.as_str()))
                || co
                    .iter()
                    .any(|d| principal.can(&Permission::ActForDepartment(d.as_str())))
        }
    }
}

/// Checks the caller may take `command` on `item` (app permission and the engine's matrix), with the engine's
/// reason when not.
fn check_permission(principal: &Principal, item: &SupervisedItem, command: &Command) -> Result<(), AppError> {
    let spec = item.spec();
    let kind = command.action.kind();
    let engine = kind.permitted(&command.actor.role, &spec.lead_department, &spec.co_departments);
    if required(principal, kind, &spec.lead_department, &spec.co_departments) && engine.is_ok() {
        return Ok(());
    }
    let reason = engine
        .err()
        .unwrap_or(plantrack_core::supervise::ForbiddenReason::RoleNotAllowed);
    Err(engine_error(
        &plantrack_core::supervise::SuperviseError::Forbidden {
            item: spec.id.clone(),
            state: Some(item.state()),
            action: kind,
            actor: command.actor.clone(),
            reason,
        },
    ))
}

/// Applies `command` to the stored item `key` and stores the step with its ledger entries, in one transaction.
/// `before_apply` runs inside the transaction first (attachments), and may rewrite the command.
async fn apply_step(
    ctx: Ctx<'_>,
    principal: &Principal,
    key: &str,
    expected_version: Option<i64>,
    mut command: Command,
    uploads: &[(String, String, Vec<u8>)],
) -> Result<StepDone, AppError> {
    let mut others = load_items(ctx).await?;
    let mut tx = ctx.store.begin(store_actor(principal)).await?;
    let stored = tx
        .supervised_item(ctx.plan_key(), key)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "supervised_item".into(),
            id: key.to_owned(),
        })?;
    let version = stored.version;
    if let Some(expected) = expected_version
        && expected != version
    {
        return Err(AppError::Stale {
            entity: "supervised_item".into(),
            id: stored.id,
            expected,
            actual: version,
        });
    }
    let mut item = SupervisedItem::restore(stored.record).map_err(|e| engine_error(&e))?;
    check_permission(principal, &item, &command)?;
    // Check the step before storing attachments, so a refused report stores nothing even inside the transaction.
    item.check(&command, &ctx.rules().reporting)
        .map_err(|e| engine_error(&e))?;
    if let Action::ReportProgress(input) = &mut command.action {
        for (name, media_type, content) in uploads {
            let meta = tx
                .add_attachment(&NewAttachment {
                    plan_key: ctx.plan_key().to_owned(),
                    item_key: key.to_owned(),
                    file_name: name.clone(),
                    media_type: media_type.clone(),
                    content: content.clone(),
                })
                .await?;
            input.evidence.push(meta.id.to_string());
        }
    }
    let step = item
        .apply(&command, &ctx.rules().reporting)
        .map_err(|e| engine_error(&e))?;
    let saved = tx.record_steps(ctx.plan_key(), &item, version).await?;
    others.retain(|l| l.item.id() != item.id());
    let mut all: Vec<SupervisedItem> = others.into_iter().map(|l| l.item).collect();
    all.push(item);
    let scored = scoring::append_derived(&mut tx, ctx, &all, command.at.date()).await?;
    tx.commit().await?;
    Ok(StepDone {
        item: key.to_owned(),
        version: saved.version,
        step,
        scored,
    })
}

/// A workflow step other than a progress report: 交办, 签收, 申请办结, 开始复核, 批准办结, 退回, 延期申请/批准/不予,
/// 批示意见, 肯定性批示.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRequest {
    /// The action.
    pub action: ActionKind,
    /// Why (required for 退回, 延期申请, 不予延期 and the comments).
    pub reason: String,
    /// For 延期申请: the deadline asked for.
    pub new_deadline: Option<Date>,
    /// The version the caller saw (refused as stale if the item moved since); `None` = the current one.
    pub expected_version: Option<i64>,
}

/// Takes a workflow step on item `key` as `principal` at `at`.
pub async fn act(
    ctx: Ctx<'_>,
    principal: &Principal,
    key: &str,
    request: StepRequest,
    at: DateTime,
) -> Result<StepDone, AppError> {
    let actor = actor_of(principal)?;
    let action = match request.action {
        ActionKind::Assign => Action::Assign,
        ActionKind::Accept => Action::Accept,
        ActionKind::RequestClosure => Action::RequestClosure,
        ActionKind::StartReview => Action::StartReview,
        ActionKind::ApproveClosure => Action::ApproveClosure,
        ActionKind::Return => Action::Return,
        ActionKind::ApproveExtension => Action::ApproveExtension,
        ActionKind::RefuseExtension => Action::RefuseExtension,
        ActionKind::Comment => Action::Comment,
        ActionKind::Commend => Action::Commend,
        ActionKind::RequestExtension => {
            let Some(new_deadline) = request.new_deadline else {
                return Err(AppError::invalid(
                    "new_deadline",
                    "申请延期须填写新的办结时限",
                    "an extension request needs the new deadline",
                ));
            };
            Action::RequestExtension { new_deadline }
        }
        ActionKind::Register | ActionKind::ReportProgress => {
            return Err(AppError::invalid(
                "action",
                format!("「{}」不能在此操作", request.action.name_zh()),
                format!("{} is not a step taken here", request.action.name_en()),
            ));
        }
    };
    let command = Command::new(actor, at, action).because(request.reason);
    apply_step(ctx, principal, key, request.expected_version, command, &[]).await
}

/// An uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// File name as sent by the browser (directories are dropped).
    pub file_name: String,
    /// The bytes.
    pub content: Vec<u8>,
}

/// Which evidence files are accepted (佐证材料): size and count limits, and types recognised by both their
/// extension and their first bytes (a renamed executable is refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentPolicy {
    /// Largest file, in bytes (default 10 MiB).
    pub max_bytes: usize,
    /// Most files per report (default 10).
    pub max_files: usize,
}

impl Default for AttachmentPolicy {
    fn default() -> Self {
        AttachmentPolicy {
            max_bytes: 10 * 1024 * 1024,
            max_files: 10,
        }
    }
}

/// The accepted types: extension, media type, and the signature the file must start with.
const ACCEPTED: [(&str, &str, &[u8]); 7] = [
    ("pdf", "application/pdf", b"%PDF-"),
    ("png", "image/png", b"\x89PNG\r\n\x1a\n"),
    ("jpg", "image/jpeg", b"\xff\xd8\xff"),
    ("jpeg", "image/jpeg", b"\xff\xd8\xff"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04",
    ),
    // OFD (GB/T 33190, the Chinese e-document format) is a ZIP package too.
    ("ofd", "application/ofd", b"PK\x03\x04"),
];

impl AttachmentPolicy {
    /// The accepted extensions, for messages and the form's `accept` attribute.
    pub fn accepted_extensions() -> Vec<&'static str> {
        ACCEPTED.iter().map(|(ext, _, _)| *ext).collect()
    }

    /// Checks one file; returns its clean name and media type, or the field error.
    pub fn check(&self, upload: &Upload) -> Result<(String, String), FieldError> {
        let name = upload
            .file_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .trim()
            .to_owned();
        let field = |zh: String, en: String| FieldError::new("attachments", zh, en);
        if name.is_empty() {
            return Err(field(
                "附件没有文件名".into(),
                "an attachment has no file name".into(),
            ));
        }
        if upload.content.is_empty() {
            return Err(field(
                format!("附件 {name} 是空文件"),
                format!("attachment {name} is empty"),
            ));
        }
        if upload.content.len() > self.max_bytes {
            return Err(field(
                format!(
                    "附件 {name} 大小 {} 字节，超过上限 {} 字节",
                    upload.content.len(),
                    self.max_bytes
                ),
                format!(
                    "attachment {name} is {} bytes, over the limit of {} bytes",
                    upload.content.len(),
                    self.max_bytes
                ),
            ));
        }
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let allowed = Self::accepted_extensions().join(", ");
        let Some((_, media_type, signature)) = ACCEPTED.iter().find(|(e, _, _)| *e == ext) else {
            return Err(field(
                format!("附件 {name} 的类型不允许（允许：{allowed}）"),
                format!("attachment {name}: type not allowed (allowed: {allowed})"),
            ));
        };
        if !upload.content.starts_with(signature) {
            return Err(field(
                format!("附件 {name} 的内容不是 .{ext} 文件"),
                format!("attachment {name}: the content is not a .{ext} file"),
            ));
        }
        Ok((name, (*media_type).to_owned()))
    }
}

/// A progress report (反馈) as submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressRequest {
    /// The month or quarter reported on; `None` lets the engine choose (the returned report's period, else the
    /// current one).
    pub period: Option<Period>,
    /// Percent complete, 0–100.
    pub percent: Decimal,
    /// The report's text.
    pub text: String,
    /// Links to the data behind it: target or indicator ids of the plan, or http(s) URLs.
    pub data_links: Vec<String>,
    /// Evidence files.
    pub attachments: Vec<Upload>,
    /// The version the caller saw.
    pub expected_version: Option<i64>,
}

/// Files a progress report with its evidence on item `key`. Every input problem is reported at once and nothing
/// is stored: a file too large or of a forbidden type, a percent outside 0–100, empty text, a data link that is
/// neither a plan id nor a URL, a report on a closed item, a report by anyone but the lead department.
pub async fn report_progress(
    ctx: Ctx<'_>,
    principal: &Principal,
    key: &str,
    request: ProgressRequest,
    policy: &AttachmentPolicy,
    at: DateTime,
) -> Result<StepDone, AppError> {
    let actor = actor_of(principal)?;
    let mut problems = Vec::new();
    let percent = match Percent::new(request.percent) {
        Ok(p) => Some(p),
        Err(e) => {
            if let AppError::Invalid(mut v) = engine_error(&e) {
                problems.append(&mut v);
            }
            None
        }
    };
    let text = request.text.trim().to_owned();
    if text.is_empty() {
        problems.push(FieldError::new(
            "text",
            "进展情况不能为空",
            "the report's text is empty",
        ));
    }
    let mut links = Vec::new();
    for link in &request.data_links {
        let link = link.trim();
        if link.is_empty() {
            continue;
        }
        let known = ctx.plan.targets().iter().any(|t| t.id.as_str() == link)
            || ctx.plan.indicators().iter().any(|i| i.id.as_str() == link);
        if known || link.starts_with("https://") || link.starts_with("http://") {
            links.push(link.to_owned());
        } else {
            problems.push(FieldError::new(
                "data_links",
                format!("数据链接 {link} 既不是计划中的目标或指标，也不是网址"),
                format!("data link {link} is neither a target or indicator of the plan nor a URL"),
            ));
        }
    }
    if request.attachments.len() > policy.max_files {
        problems.push(FieldError::new(
            "attachments",
            format!("附件最多 {} 个", policy.max_files),
            format!("at most {} attachments", policy.max_files),
        ));
    }
    let mut uploads = Vec::new();
    for upload in &request.attachments {
        match policy.check(upload) {
            Ok((name, media_type)) => uploads.push((name, media_type, upload.content.clone())),
            Err(e) => problems.push(e),
        }
    }
    let Some(percent) = percent.filter(|_| problems.is_empty()) else {
        return Err(AppError::Invalid(problems));
    };
    let input = ProgressInput {
        period: request.period,
        percent,
        text,
        evidence: Vec::new(),
        data_links: links,
    };
    let command = Command::new(actor, at, Action::ReportProgress(input));
    apply_step(ctx, principal, key, request.expected_version, command, &uploads).await
}

/// One evidence file with its bytes, for a download (anyone who may see the board may read the evidence).
pub async fn attachment(ctx: Ctx<'_>, principal: &Principal, id: i64) -> Result<Attachment, AppError> {
    principal.require(&Permission::ViewInternal)?;
    ctx.store
        .attachment(id)
        .await?
        .filter(|a| a.meta.plan_key == ctx.plan_key())
        .ok_or_else(|| AppError::NotFound {
            entity: "supervision_attachment".into(),
            id: id.to_string(),
        })
}

/// The attachments of an item (without bytes).
pub async fn attachments_of(
    ctx: Ctx<'_>,
    principal: &Principal,
    key: &str,
) -> Result<Vec<AttachmentMeta>, AppError> {
    principal.require(&Permission::ViewInternal)?;
    Ok(ctx.store.attachments_of(ctx.plan_key(), key).await?)
}

/// What [`register_plan_tasks`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegisterSummary {
    /// Items registered now (立项).
    pub registered: Vec<String>,
    /// Of those, assigned now (交办).
    pub assigned: Vec<String>,
    /// Tasks already supervised (left alone).
    pub already: usize,
}

/// 立项 (and, with `assign`, 交办) every task of the plan that is not supervised yet. Admins only.
pub async fn register_plan_tasks(
    ctx: Ctx<'_>,
    principal: &Principal,
    assign: bool,
    at: DateTime,
) -> Result<RegisterSummary, AppError> {
    principal.require(&Permission::ManageSupervision)?;
    let actor = actor_of(principal)?;
    let existing = load_items(ctx).await?;
    let mut summary = RegisterSummary::default();
    let mut tx = ctx.store.begin(store_actor(principal)).await?;
    for task in ctx.plan.tasks() {
        let id = ItemId::from(&task.id);
        if existing.iter().any(|l| l.item.id() == &id) {
            summary.already += 1;
            continue;
        }
        let mut item =
            SupervisedItem::register(ItemSpec::for_plan_task(task), actor.clone(), at, "计划任务立项")
                .map_err(|e| engine_error(&e))?;
        if assign {
            item.apply(
                &Command::new(actor.clone(), at, Action::Assign),
                &ctx.rules().reporting,
            )
            .map_err(|e| engine_error(&e))?;
            summary.assigned.push(id.to_string());
        }
        tx.register_item(ctx.plan_key(), &item).await?;
        summary.registered.push(id.to_string());
    }
    tx.commit().await?;
    Ok(summary)
}

/// An item an admin adds (交办事项: 会议确定事项, 领导批示交办事项 …), as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    /// Id; generated (`adhoc-N`) when absent.
    pub id: Option<String>,
    /// Title.
    pub title: String,
    /// Lead department (plan department id).
    pub lead: String,
    /// Co-departments.
    pub co: Vec<String>,
    /// 主要领导.
    pub responsible_leader: Option<String>,
    /// 分管领导.
    pub leader_in_charge: Option<String>,
    /// Deadline.
    pub deadline: Date,
    /// Reporting cycle.
    pub cycle: ReportingCycle,
    /// Targets it serves (plan target ids).
    pub targets: Vec<String>,
    /// Milestones.
    pub milestones: Vec<Milestone>,
    /// Assign (交办) at once.
    pub assign: bool,
}

/// Adds an item (立项, and 交办 when asked). Admins only. Refused: unknown departments or targets, a deadline
/// before today, an id already used, anything the engine refuses at registration.
pub async fn add_item(
    ctx: Ctx<'_>,
    principal: &Principal,
    new: NewItem,
    at: DateTime,
) -> Result<StepDone, AppError> {
    principal.require(&Permission::ManageSupervision)?;
    let actor = actor_of(principal)?;
    let mut problems = Vec::new();
    let dept = |field: &str, raw: &str, problems: &mut Vec<FieldError>| -> Option<DepartmentId> {
        match DepartmentId::parse(raw.trim()) {
            Ok(d) if ctx.plan.department(&d).is_some() => Some(d),
            _ => {
                problems.push(FieldError::new(
                    field,
                    format!("计划中没有部门 {raw:?}"),
                    format!("no department {raw:?} in the plan"),
                ));
                None
            }
        }
    };
    let lead = dept("lead", &new.lead, &mut problems);
    let co: Vec<DepartmentId> = new
        .co
        .iter()
        .filter(|c| !c.trim().is_empty())
        .filter_map(|c| dept("co", c, &mut problems))
        .collect();
    let mut targets = Vec::new();
    for t in new.targets.iter().filter(|t| !t.trim().is_empty()) {
        match TargetId::parse(t.trim()) {
            Ok(id) if ctx.plan.target(&id).is_some() => targets.push(id),
            _ => problems.push(FieldError::new(
                "targets",
                format!("计划中没有目标 {t:?}"),
                format!("no target {t:?} in the plan"),
            )),
        }
    }
    if new.deadline < at.date() {
        problems.push(FieldError::new(
            "deadline",
            format!("办结时限 {} 早于今天 {}", new.deadline, at.date()),
            format!("the deadline {} is before today ({})", new.deadline, at.date()),
        ));
    }
    let existing = load_items(ctx).await?;
    let id = match new.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => match ItemId::parse(raw) {
            Ok(id) if existing.iter().any(|l| l.item.id() == &id) => {
                problems.push(FieldError::new(
                    "id",
                    format!("编号 {id} 已被使用"),
                    format!("id {id} is taken"),
                ));
                None
            }
            Ok(id) => Some(id),
            Err(e) => {
                problems.push(FieldError::new("id", e.to_string(), e.to_string()));
                None
            }
        },
        None => {
            let n = (1..)
                .find(|n| {
                    !existing
                        .iter()
                        .any(|l| l.item.id().as_str() == format!("adhoc-{n}"))
                })
                .unwrap_or(1);
            ItemId::parse(format!("adhoc-{n}")).ok()
        }
    };
    let (Some(lead), Some(id), true) = (lead, id, problems.is_empty()) else {
        return Err(AppError::Invalid(problems));
    };
    let text = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let spec = ItemSpec {
        id: id.clone(),
        kind: ItemKind::Adhoc,
        title: new.title.trim().to_owned(),
        lead_department: lead,
        co_departments: co,
        responsible_leader: text(new.responsible_leader),
        leader_in_charge: text(new.leader_in_charge),
        deadline: new.deadline,
        milestones: new.milestones,
        targets,
        cycle: new.cycle,
    };
    let mut item =
        SupervisedItem::register(spec, actor.clone(), at, "交办事项立项").map_err(|e| engine_error(&e))?;
    if new.assign {
        item.apply(&Command::new(actor, at, Action::Assign), &ctx.rules().reporting)
            .map_err(|e| engine_error(&e))?;
    }
    let mut tx = ctx.store.begin(store_actor(principal)).await?;
    let stored = tx.register_item(ctx.plan_key(), &item).await?;
    tx.commit().await?;
    let step = item.history().last().cloned().ok_or_else(|| {
        AppError::unexpected(
            plantrack_core::supervise::SuperviseError::HistoryWithoutRegistration { item: id.clone() },
        )
    })?;
    Ok(StepDone {
        item: id.to_string(),
        version: stored.version,
        step,
        scored: 0,
    })
}
