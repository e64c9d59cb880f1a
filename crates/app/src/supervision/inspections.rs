//! Inspections (督查): rounds with a scope, findings (发现问题) and rectification orders (整改). Each rectification
//! order becomes a supervised item of kind 整改事项, registered and assigned (立项 + 交办) to its owner when the
//! finding is recorded, and then runs the ordinary workflow until 办结 (the closed loop of anchors.md §5.2).

use jiff::civil::{Date, DateTime};
use plantrack_core::supervise::{
    Action, Command, Finding, InspectionDraft, InspectionRound, InspectionSummary, ItemId, SupervisedItem,
};
use plantrack_store::supervision::StoredInspection;
use serde::Serialize;

use super::{Ctx, actor_of, engine_error, load_items};
use crate::{AppError, FieldError, Permission, Principal};

/// A round with where its rectification stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InspectionView {
    /// The stored version (for adding findings).
    pub version: i64,
    /// The round.
    pub round: InspectionRound,
    /// Its rectification status as of the day asked.
    pub summary: InspectionSummary,
}

/// Checks the ids a round refers to exist: scope departments and targets in the plan, scope items and finding
/// items among the supervised items, finding departments and rectification owners in the plan.
fn check_references(ctx: Ctx<'_>, round: &InspectionDraft, items: &[ItemId]) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let dept_ok = |d: &plantrack_core::supervise::DepartmentId| ctx.plan.department(d).is_some();
    for d in &round.scope.departments {
        if !dept_ok(d) {
            problems.push(FieldError::new(
                "scope.departments",
                format!("计划中没有部门 {d}"),
                format!("no department {d} in the plan"),
            ));
        }
    }
    for t in &round.scope.targets {
        if ctx.plan.target(t).is_none() {
            problems.push(FieldError::new(
                "scope.targets",
                format!("计划中没有目标 {t}"),
                format!("no target {t} in the plan"),
            ));
        }
    }
    for i in round
        .scope
        .items
        .iter()
        .chain(round.findings.iter().filter_map(|f| f.item.as_ref()))
    {
        if !items.contains(i) {
            problems.push(FieldError::new(
                "scope.items",
                format!("没有督办事项 {i}"),
                format!("no supervised item {i}"),
            ));
        }
    }
    for f in &round.findings {
        if !dept_ok(&f.department) {
            problems.push(FieldError::new(
                "findings.department",
                format!("问题 {} 的部门 {} 不在计划中", f.id, f.department),
                format!("finding {}: no department {} in the plan", f.id, f.department),
            ));
        }
        for r in &f.rectifications {
            if !dept_ok(&r.owner) {
                problems.push(FieldError::new(
                    "findings.rectifications.owner",
                    format!("整改事项 {} 的责任单位 {} 不在计划中", r.id, r.owner),
                    format!(
                        "rectification item {}: no department {} in the plan",
                        r.id, r.owner
                    ),
                ));
            }
            if items.contains(&r.id) {
                problems.push(FieldError::new(
                    "findings.rectifications.id",
                    format!("整改事项编号 {} 已被使用", r.id),
                    format!("rectification item id {} is taken", r.id),
                ));
            }
        }
    }
    problems
}

/// Registers and assigns the rectification items of `findings` (立项 + 交办 at `at`).
fn rectification_items(
    ctx: Ctx<'_>,
    round: &InspectionRound,
    only: &[Finding],
    actor: &plantrack_core::supervise::Actor,
    at: DateTime,
) -> Result<Vec<SupervisedItem>, AppError> {
    let wanted: Vec<&ItemId> = only
        .iter()
        .flat_map(|f| f.rectifications.iter().map(|r| &r.id))
        .collect();
    round
        .rectification_specs()
        .into_iter()
        .filter(|s| wanted.contains(&&s.id))
        .map(|spec| {
            let mut item = SupervisedItem::register(spec, actor.clone(), at, "督查发现问题，整改立项")
                .map_err(|e| engine_error(&e))?;
            item.apply(
                &Command::new(actor.clone(), at, Action::Assign),
                &ctx.rules().reporting,
            )
            .map_err(|e| engine_error(&e))?;
            Ok(item)
        })
        .collect()
}

/// Records an inspection round; its rectification orders become supervised items at once. Admins only.
pub async fn create_inspection(
    ctx: Ctx<'_>,
    principal: &Principal,
    draft: InspectionDraft,
    at: DateTime,
) -> Result<InspectionView, AppError> {
    principal.require(&Permission::ManageSupervision)?;
    let actor = actor_of(principal)?;
    let items: Vec<ItemId> = load_items(ctx)
        .await?
        .iter()
        .map(|l| l.item.id().clone())
        .collect();
    let problems = check_references(ctx, &draft, &items);
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let round = InspectionRound::new(draft).map_err(|e| engine_error(&e))?;
    let new_items = rectification_items(ctx, &round, round.findings(), &actor, at)?;
    let mut tx = ctx.store.begin(principal.actor()).await?;
    let stored = tx.insert_inspection(ctx.plan_key(), &round).await?;
    for item in &new_items {
        tx.register_item(ctx.plan_key(), item).await?;
    }
    tx.commit().await?;
    view(ctx, stored, at.date()).await
}

/// Adds a finding (with its rectification orders) to a round. Admins only.
pub async fn add_finding(
    ctx: Ctx<'_>,
    principal: &Principal,
    inspection: &str,
    finding: Finding,
    expected_version: i64,
    at: DateTime,
) -> Result<InspectionView, AppError> {
    principal.require(&Permission::ManageSupervision)?;
    let actor = actor_of(principal)?;
    let stored = ctx
        .store
        .inspection(ctx.plan_key(), inspection)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "inspection".into(),
            id: inspection.to_owned(),
        })?;
    let mut draft: InspectionDraft = stored.round.clone().into();
    draft.findings.push(finding.clone());
    let items: Vec<ItemId> = load_items(ctx)
        .await?
        .iter()
        .map(|l| l.item.id().clone())
        .collect();
    let problems = check_references(ctx, &draft, &items);
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let round = InspectionRound::new(draft).map_err(|e| engine_error(&e))?;
    let new_items = rectification_items(ctx, &round, std::slice::from_ref(&finding), &actor, at)?;
    let mut tx = ctx.store.begin(principal.actor()).await?;
    let stored = tx
        .update_inspection(ctx.plan_key(), &round, expected_version)
        .await?;
    for item in &new_items {
        tx.register_item(ctx.plan_key(), item).await?;
    }
    tx.commit().await?;
    view(ctx, stored, at.date()).await
}

async fn view(ctx: Ctx<'_>, stored: StoredInspection, today: Date) -> Result<InspectionView, AppError> {
    let items: Vec<SupervisedItem> = load_items(ctx).await?.into_iter().map(|l| l.item).collect();
    let summary = stored.round.summary(&items, ctx.rules(), today);
    Ok(InspectionView {
        version: stored.version,
        round: stored.round,
        summary,
    })
}

/// Every round with its rectification status on `today`.
pub async fn inspections(
    ctx: Ctx<'_>,
    principal: &Principal,
    today: Date,
) -> Result<Vec<InspectionView>, AppError> {
    principal.require(&Permission::ViewInternal)?;
    let items: Vec<SupervisedItem> = load_items(ctx).await?.into_iter().map(|l| l.item).collect();
    Ok(ctx
        .store
        .inspections(ctx.plan_key())
        .await?
        .into_iter()
        .map(|s| InspectionView {
            version: s.version,
            summary: s.round.summary(&items, ctx.rules(), today),
            round: s.round,
        })
        .collect())
}

/// One round with its rectification status on `today`.
pub async fn inspection_view(
    ctx: Ctx<'_>,
    principal: &Principal,
    inspection: &str,
    today: Date,
) -> Result<InspectionView, AppError> {
    principal.require(&Permission::ViewInternal)?;
    let stored = ctx
        .store
        .inspection(ctx.plan_key(), inspection)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "inspection".into(),
            id: inspection.to_owned(),
        })?;
    view(ctx, stored, today).await
}
