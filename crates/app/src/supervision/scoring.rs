//! Department scoring (考核): the ledger is appended from the engine's derivation ([`derive_entries`]) after
//! every step and on [`refresh_ledger`] (the due dates of reports pass without anyone acting); appeals are filed
//! by the department charged and decided by an admin; the scoreboard is the engine's, per period.

use jiff::civil::{Date, DateTime};
use plantrack_core::period::Period;
use plantrack_core::supervise::{Appeal, Ledger, LedgerEntry, Scoreboard, SupervisedItem, derive_entries};
use plantrack_store::{Actor as StoreActor, StoreError, Tx};
use serde::Serialize;

use super::{Ctx, actor_of, engine_error, load_items};
use crate::{AppError, Permission, Principal};

/// Appends, inside `tx`, the entries derived from `items` as of `today` that the ledger does not hold.
pub(crate) async fn append_derived(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    items: &[SupervisedItem],
    today: Date,
) -> Result<usize, AppError> {
    let derived = derive_entries(items, ctx.rules(), today);
    Ok(tx.append_score_entries(ctx.plan_key(), &derived).await?.len())
}

/// Brings the ledger up to `today` (late reports whose due date passed, items that became overdue): appends
/// the new entries as the system. Idempotent; safe to run from several places (a concurrent refresh that
/// appended the same keys first is simply retried once). On a read-only store nothing is appended: the
/// scoreboard adds the same derived entries in memory ([`scoreboard`]).
pub async fn refresh_ledger(ctx: Ctx<'_>, today: Date) -> Result<usize, AppError> {
    if ctx.store.is_read_only() {
        return Ok(0);
    }
    let items: Vec<SupervisedItem> = load_items(ctx).await?.into_iter().map(|l| l.item).collect();
    for attempt in 0..2 {
        let mut tx = ctx.store.begin(StoreActor::system()).await?;
        match append_derived(&mut tx, ctx, &items, today).await {
            Ok(n) => {
                tx.commit().await?;
                return Ok(n);
            }
            Err(AppError::Conflict(_)) if attempt == 0 => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(0)
}

async fn ledger(ctx: Ctx<'_>) -> Result<(Ledger, Vec<i64>), AppError> {
    let entries = ctx.store.score_entries(ctx.plan_key()).await?;
    ledger_of(ctx, entries).await
}

/// The ledger as [`refresh_ledger`] would leave it on `today`: on a writable store, as stored (it was just
/// refreshed); on a read-only one, the stored entries and, after them, the derived entries it does not hold yet
/// — the same figures either way.
async fn ledger_up_to(ctx: Ctx<'_>, today: Date) -> Result<(Ledger, Vec<i64>), AppError> {
    let mut entries = ctx.store.score_entries(ctx.plan_key()).await?;
    if ctx.store.is_read_only() {
        let items: Vec<SupervisedItem> = load_items(ctx).await?.into_iter().map(|l| l.item).collect();
        let held: std::collections::HashSet<String> = entries.iter().map(|e| e.key.clone()).collect();
        let new = derive_entries(&items, ctx.rules(), today);
        entries.extend(new.into_iter().filter(|e| !held.contains(&e.key)));
    }
    ledger_of(ctx, entries).await
}

async fn ledger_of(ctx: Ctx<'_>, entries: Vec<LedgerEntry>) -> Result<(Ledger, Vec<i64>), AppError> {
    let stored = ctx.store.appeals(ctx.plan_key()).await?;
    let versions = stored.iter().map(|a| a.version).collect();
    let ledger = Ledger::from_parts(entries, stored.into_iter().map(|a| a.appeal).collect())
        .map_err(|e| engine_error(&e))?;
    Ok((ledger, versions))
}

/// The scoreboard (考核得分表) of `period`, after bringing the ledger up to `today`; with `as_of`, only what was
/// recorded by then counts (the board as it stood on that day).
pub async fn scoreboard(
    ctx: Ctx<'_>,
    principal: &Principal,
    period: Period,
    today: Date,
    as_of: Option<Date>,
) -> Result<Scoreboard, AppError> {
    principal.require(&Permission::ViewInternal)?;
    refresh_ledger(ctx, today).await?;
    let (ledger, _) = ledger_up_to(ctx, today).await?;
    Ok(ledger.scoreboard(period, &ctx.departments(), &ctx.rules().scoring, as_of))
}

/// The ledger (考核台账) as the scoring page lists it: entries (of one department for a department user) and
/// appeals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerView {
    /// Entries in recording order.
    pub entries: Vec<LedgerEntry>,
    /// Appeals in filing order.
    pub appeals: Vec<Appeal>,
}

/// The ledger; a department user sees its own department's entries and appeals.
pub async fn ledger_view(ctx: Ctx<'_>, principal: &Principal) -> Result<LedgerView, AppError> {
    principal.require(&Permission::ViewInternal)?;
    let (ledger, _) = ledger(ctx).await?;
    let own = |d: &str| match principal {
        Principal::User {
            role: crate::Role::Department,
            department,
            ..
        } => department.as_deref() == Some(d),
        _ => true,
    };
    Ok(LedgerView {
        entries: ledger
            .entries()
            .iter()
            .filter(|e| own(e.department.as_str()))
            .cloned()
            .collect(),
        appeals: ledger
            .appeals()
            .iter()
            .filter(|a| own(a.department.as_str()))
            .cloned()
            .collect(),
    })
}

fn conflict_as_taken(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { .. } => AppError::Conflict(
            "申诉已由他人同时提交，请刷新 / an appeal was filed at the same time; reload".into(),
        ),
        other => other.into(),
    }
}

/// 申诉: the department charged (or an admin) appeals a deduction, once per entry, with a reason.
pub async fn file_appeal(
    ctx: Ctx<'_>,
    principal: &Principal,
    entry: &str,
    reason: &str,
    at: DateTime,
) -> Result<Appeal, AppError> {
    let actor = actor_of(principal)?;
    let (mut ledger, _) = ledger(ctx).await?;
    let appeal = ledger
        .file_appeal(entry, &actor, at, reason)
        .map_err(|e| engine_error(&e))?;
    let mut tx = ctx.store.begin(principal.actor()).await?;
    tx.insert_appeal(ctx.plan_key(), &appeal)
        .await
        .map_err(conflict_as_taken)?;
    tx.commit().await?;
    Ok(appeal)
}

/// 裁决: an admin accepts an appeal (a reversal entry is appended; the deduction stays in the ledger) or rejects it
/// with a reason. Decided once.
pub async fn decide_appeal(
    ctx: Ctx<'_>,
    principal: &Principal,
    appeal: &str,
    accept: bool,
    reason: &str,
    at: DateTime,
) -> Result<Appeal, AppError> {
    principal.require(&Permission::ManageSupervision)?;
    let actor = actor_of(principal)?;
    let (mut ledger, versions) = ledger(ctx).await?;
    let index = ledger
        .appeals()
        .iter()
        .position(|a| a.id == appeal)
        .ok_or_else(|| AppError::NotFound {
            entity: "score_appeal".into(),
            id: appeal.to_owned(),
        })?;
    let reversal = ledger
        .decide_appeal(appeal, &actor, at, accept, reason)
        .map_err(|e| engine_error(&e))?;
    let decided = ledger.appeals()[index].clone();
    let mut tx = ctx.store.begin(principal.actor()).await?;
    if let Some(r) = reversal {
        tx.append_score_entries(ctx.plan_key(), &[r]).await?;
    }
    tx.decide_appeal(ctx.plan_key(), &decided, versions[index])
        .await?;
    tx.commit().await?;
    Ok(decided)
}
