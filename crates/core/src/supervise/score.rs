//! Department scoring (考核计分) as an append-only ledger.
//!
//! 考评分 = 基础分 + 加分 − 减分 (a county 政务督查考评 scheme, anchors.md §5.3). Scoring events are *derived* from
//! the items' workflow history ([`derive_entries`]); each has a deterministic key, so deriving again — the same day
//! or a year later, from the same history — yields the same entries, and [`Ledger::record`] appends only keys it
//! does not hold yet. Rules may change between derivations: an entry keeps the points it was recorded with.
//! A department appeals a deduction (申诉); an admin accepts it, which appends a reversal entry, or rejects it.
//! The ledger keeps the deduction, the appeal and the reversal.
//!
//! Each entry has the day the fact happened (`effective_on`: it counts in the period containing that day) and
//! the day it became known (`recorded_on`): a scoreboard "as of" a date leaves out what was recorded later, so a
//! past 通报 can be reproduced next to today's corrected figures.
//!
//! Derived events (one per key):
//!
//! | kind | key | day | default | source |
//! |---|---|---|---|---|
//! | closed on time (按期办结) | `closed_on_time/ITEM` | closure | +1 | 佳木斯 +1 per task done on time |
//! | leader commendation (领导肯定性批示) | `leader_commendation/ITEM/STEP` | step | +1 | 佳木斯 +1 for a 肯定性批示 |
//! | late report (迟报/未报) | `late_report/ITEM/PERIOD` | due + 1 | −1 | 佳木斯 −1 per late reply |
//! | returned report (退回) | `returned_report/ITEM/STEP` | step | −2 | 佳木斯 −2 if returned |
//! | overdue item (超期未办结) | `overdue_item/ITEM` | first overdue day | −2 | ours |
//! | rectification overdue (整改超期) | `rectification_overdue/ITEM` | first overdue day | −3 | ours |
//!
//! A late slot is one whose first report came after its due date or has not come by then: it costs once,
//! whether the report comes late or never. Events are charged to the item's lead department (牵头单位).

use std::collections::{BTreeMap, BTreeSet};

use jiff::ToSpan;
use jiff::civil::{Date, DateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::cycle::{Period, period_label_zh};
use super::error::SuperviseError;
use super::ids::{Actor, DepartmentId, ItemId, Role};
use super::item::{Action, ItemKind, Outcome, SupervisedItem};
use super::rules::{Points, SupervisionRules};

/// Bonus points (`[supervision.scoring.bonus]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Bonuses {
    /// Per item closed by its deadline, never overdue. Default 1 (佳木斯).
    pub closed_on_time: Points,
    /// Per leader commendation (肯定性批示). Default 1 (佳木斯).
    pub leader_commendation: Points,
}

impl Default for Bonuses {
    fn default() -> Self {
        Self {
            closed_on_time: Points::whole(1),
            leader_commendation: Points::whole(1),
        }
    }
}

/// Deductions, as positive numbers that are subtracted (`[supervision.scoring.deduction]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Deductions {
    /// Per reporting slot reported late or not at all. Default 1 (佳木斯 −1 per late reply).
    pub late_report: Points,
    /// Per return (退回) of a progress report or closure request. Default 2 (佳木斯 −2 if returned).
    pub returned_report: Points,
    /// Per item that passes its deadline unclosed. Default 2 (ours).
    pub overdue_item: Points,
    /// Per rectification item (整改) that passes its deadline unclosed, instead of `overdue_item`. Default 3
    /// (ours: an unrectified finding weighs more than an ordinary delay).
    pub rectification_overdue: Points,
}

impl Default for Deductions {
    fn default() -> Self {
        Self {
            late_report: Points::whole(1),
            returned_report: Points::whole(2),
            overdue_item: Points::whole(2),
            rectification_overdue: Points::whole(3),
        }
    }
}

/// Scoring rules (`[supervision.scoring]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoringRules {
    /// Base score per department and period (基础分). Default 100 (anchors.md §5.3).
    pub base: Points,
    /// Bonuses (加分).
    pub bonus: Bonuses,
    /// Deductions (减分).
    pub deduction: Deductions,
}

impl Default for ScoringRules {
    fn default() -> Self {
        Self {
            base: Points::whole(100),
            bonus: Bonuses::default(),
            deduction: Deductions::default(),
        }
    }
}

/// What a ledger entry is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreEventKind {
    /// 按期办结.
    ClosedOnTime,
    /// 领导肯定性批示.
    LeaderCommendation,
    /// 迟报或未报.
    LateReport,
    /// 退回.
    ReturnedReport,
    /// 超期未办结.
    OverdueItem,
    /// 整改超期.
    RectificationOverdue,
    /// 申诉成立，撤销扣分.
    Reversal,
}

impl ScoreEventKind {
    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            ScoreEventKind::ClosedOnTime => "按期办结",
            ScoreEventKind::LeaderCommendation => "领导肯定性批示",
            ScoreEventKind::LateReport => "迟报或未报",
            ScoreEventKind::ReturnedReport => "退回",
            ScoreEventKind::OverdueItem => "超期未办结",
            ScoreEventKind::RectificationOverdue => "整改超期",
            ScoreEventKind::Reversal => "申诉成立撤销扣分",
        }
    }

    /// The key prefix (also the rule's name in `[supervision.scoring]`).
    pub fn code(self) -> &'static str {
        match self {
            ScoreEventKind::ClosedOnTime => "closed_on_time",
            ScoreEventKind::LeaderCommendation => "leader_commendation",
            ScoreEventKind::LateReport => "late_report",
            ScoreEventKind::ReturnedReport => "returned_report",
            ScoreEventKind::OverdueItem => "overdue_item",
            ScoreEventKind::RectificationOverdue => "rectification_overdue",
            ScoreEventKind::Reversal => "reversal",
        }
    }
}

/// One ledger entry (考核台账记录). Never changed or removed once recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// Deterministic key, unique in the ledger.
    pub key: String,
    /// The department charged or credited.
    pub department: DepartmentId,
    /// What for.
    pub kind: ScoreEventKind,
    /// Signed points: + bonus, − deduction.
    pub points: Decimal,
    /// The day the fact happened (the period it counts in).
    pub effective_on: Date,
    /// The day it became known.
    pub recorded_on: Date,
    /// The item it comes from.
    pub item: Option<ItemId>,
    /// For a reversal: the key of the entry reversed.
    pub reverses: Option<String>,
    /// For a reversal: the appeal that caused it.
    pub appeal: Option<String>,
    /// What happened, in Chinese (for the 台账 and the report).
    pub detail: String,
}

/// Scoring entries derived from the items' histories as of the end of `as_of`, in (day, key) order. Rules with
/// zero points produce no entries.
pub fn derive_entries(items: &[SupervisedItem], rules: &SupervisionRules, as_of: Date) -> Vec<LedgerEntry> {
    let s = &rules.scoring;
    let mut out = Vec::new();
    for item in items {
        let Some(view) = item.as_of(as_of) else { continue };
        let id = view.id();
        let mut push =
            |kind: ScoreEventKind, key: String, points: Points, sign: i8, on: Date, detail: String| {
                if points.value().is_zero() {
                    return;
                }
                let value = if sign < 0 { -points.value() } else { points.value() };
                out.push(LedgerEntry {
                    key,
                    department: view.lead_department().clone(),
                    kind,
                    points: value,
                    effective_on: on,
                    recorded_on: on,
                    item: Some(id.clone()),
                    reverses: None,
                    appeal: None,
                    detail,
                });
            };

        for status in view.slot_statuses(&rules.reporting, as_of) {
            if status.state.is_late() {
                let slot = status.slot;
                let Ok(day) = slot.due.checked_add(1.day()) else {
                    continue;
                };
                push(
                    ScoreEventKind::LateReport,
                    format!("late_report/{id}/{}", slot.period),
                    s.deduction.late_report,
                    -1,
                    day,
                    format!(
                        "{}：{} 进展反馈应于 {} 前报送，迟报或未报",
                        view.spec().title,
                        period_label_zh(slot.period),
                        slot.due
                    ),
                );
            }
        }
        for t in view.history() {
            match (&t.action, t.outcome) {
                (Action::Return, Outcome::Returned { .. }) => push(
                    ScoreEventKind::ReturnedReport,
                    format!("returned_report/{id}/{}", t.seq),
                    s.deduction.returned_report,
                    -1,
                    t.at.date(),
                    format!("{}：被退回（{}）", view.spec().title, t.reason),
                ),
                (Action::Commend, _) => push(
                    ScoreEventKind::LeaderCommendation,
                    format!("leader_commendation/{id}/{}", t.seq),
                    s.bonus.leader_commendation,
                    1,
                    t.at.date(),
                    format!("{}：领导肯定性批示（{}）", view.spec().title, t.reason),
                ),
                _ => {}
            }
        }
        let overdue_since = view.first_overdue_day(as_of);
        if let Some(day) = overdue_since {
            let (kind, points) = match view.spec().kind {
                ItemKind::Rectification { .. } => (
                    ScoreEventKind::RectificationOverdue,
                    s.deduction.rectification_overdue,
                ),
                _ => (ScoreEventKind::OverdueItem, s.deduction.overdue_item),
            };
            push(
                kind,
                format!("{}/{id}", kind.code()),
                points,
                -1,
                day,
                format!("{}：超过办结时限未办结", view.spec().title),
            );
        }
        if let Some(closed) = view.closed_on()
            && overdue_since.is_none()
        {
            push(
                ScoreEventKind::ClosedOnTime,
                format!("closed_on_time/{id}"),
                s.bonus.closed_on_time,
                1,
                closed,
                format!("{}：按期办结", view.spec().title),
            );
        }
    }
    out.sort_by(|a, b| (a.effective_on, &a.key).cmp(&(b.effective_on, &b.key)));
    out
}

/// An appeal's decision (申诉裁决).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealDecision {
    /// Accepted (申诉成立) or rejected (驳回).
    pub accepted: bool,
    /// The admin who decided.
    pub by: Actor,
    /// When.
    pub at: DateTime,
    /// Why.
    pub reason: String,
    /// The reversal entry's key, when accepted.
    pub reversal: Option<String>,
}

/// An appeal against a deduction (扣分申诉).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    /// `appeal/N`, N counting from 1 in the ledger.
    pub id: String,
    /// The entry appealed.
    pub entry: String,
    /// The department charged.
    pub department: DepartmentId,
    /// Who filed it.
    pub filed_by: Actor,
    /// When.
    pub filed_at: DateTime,
    /// Why.
    pub reason: String,
    /// The decision, once made.
    pub decision: Option<AppealDecision>,
}

/// The scoring ledger (考核台账): entries and appeals, append-only.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ledger {
    entries: Vec<LedgerEntry>,
    appeals: Vec<Appeal>,
}

fn refused(entry: &str, zh: &'static str, en: &'static str) -> SuperviseError {
    SuperviseError::AppealRefused {
        entry: entry.to_owned(),
        reason_zh: zh,
        reason_en: en,
    }
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// A ledger from stored entries and appeals (in recording order); refuses duplicate keys and appeals or
    /// reversals that point at nothing.
    pub fn from_parts(entries: Vec<LedgerEntry>, appeals: Vec<Appeal>) -> Result<Self, SuperviseError> {
        let mut keys = BTreeSet::new();
        for e in &entries {
            if !keys.insert(e.key.as_str()) {
                return Err(refused(&e.key, "台账记录重复", "duplicate ledger entry"));
            }
            if let Some(target) = &e.reverses
                && !keys.contains(target.as_str())
            {
                return Err(SuperviseError::UnknownLedgerEntry {
                    entry: target.clone(),
                });
            }
        }
        for a in &appeals {
            if !keys.contains(a.entry.as_str()) {
                return Err(SuperviseError::UnknownLedgerEntry {
                    entry: a.entry.clone(),
                });
            }
        }
        Ok(Self { entries, appeals })
    }

    /// Entries in recording order.
    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }

    /// Appeals in filing order.
    pub fn appeals(&self) -> &[Appeal] {
        &self.appeals
    }

    /// The entry with `key`.
    pub fn entry(&self, key: &str) -> Option<&LedgerEntry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// Appends the derived entries whose keys the ledger does not hold; returns those appended.
    pub fn record(&mut self, derived: Vec<LedgerEntry>) -> Vec<LedgerEntry> {
        let held: BTreeSet<String> = self.entries.iter().map(|e| e.key.clone()).collect();
        let mut fresh = Vec::new();
        let mut seen = BTreeSet::new();
        for entry in derived {
            if !held.contains(&entry.key) && seen.insert(entry.key.clone()) {
                fresh.push(entry);
            }
        }
        self.entries.extend(fresh.iter().cloned());
        fresh
    }

    /// Derives the entries as of `as_of` and records the new ones ([`derive_entries`] + [`Ledger::record`]).
    pub fn update(
        &mut self,
        items: &[SupervisedItem],
        rules: &SupervisionRules,
        as_of: Date,
    ) -> Vec<LedgerEntry> {
        self.record(derive_entries(items, rules, as_of))
    }

    /// 申诉: the charged department (or an admin on its behalf) appeals a deduction, once per entry.
    pub fn file_appeal(
        &mut self,
        entry: &str,
        by: &Actor,
        at: DateTime,
        reason: &str,
    ) -> Result<Appeal, SuperviseError> {
        let target = self
            .entry(entry)
            .ok_or_else(|| SuperviseError::UnknownLedgerEntry {
                entry: entry.to_owned(),
            })?;
        if target.points >= Decimal::ZERO || target.kind == ScoreEventKind::Reversal {
            return Err(refused(
                entry,
                "只能对扣分记录申诉",
                "only a deduction can be appealed",
            ));
        }
        let allowed = match &by.role {
            Role::Admin => true,
            Role::Department { department } => department == &target.department,
            Role::Leader => false,
        };
        if !allowed {
            return Err(refused(
                entry,
                "只有被扣分的部门或管理员可以申诉",
                "only the department charged, or an admin, may appeal",
            ));
        }
        if self.appeals.iter().any(|a| a.entry == entry) {
            return Err(refused(
                entry,
                "该扣分已申诉过，每项扣分只能申诉一次",
                "this deduction has already been appealed",
            ));
        }
        if reason.trim().is_empty() {
            return Err(refused(entry, "申诉须填写理由", "an appeal needs a reason"));
        }
        let appeal = Appeal {
            id: format!("appeal/{}", self.appeals.len() + 1),
            entry: entry.to_owned(),
            department: target.department.clone(),
            filed_by: by.clone(),
            filed_at: at,
            reason: reason.trim().to_owned(),
            decision: None,
        };
        self.appeals.push(appeal.clone());
        Ok(appeal)
    }

    /// 裁决: an admin accepts (appends a reversal entry, returned) or rejects (a reason is required) an appeal.
    pub fn decide_appeal(
        &mut self,
        appeal: &str,
        by: &Actor,
        at: DateTime,
        accept: bool,
        reason: &str,
    ) -> Result<Option<LedgerEntry>, SuperviseError> {
        let index = self.appeals.iter().position(|a| a.id == appeal).ok_or_else(|| {
            SuperviseError::UnknownAppeal {
                appeal: appeal.to_owned(),
            }
        })?;
        let entry_key = self.appeals[index].entry.clone();
        if by.role != Role::Admin {
            return Err(refused(
                &entry_key,
                "只有管理员可以裁决申诉",
                "only an admin may decide an appeal",
            ));
        }
        if self.appeals[index].decision.is_some() {
            return Err(refused(
                &entry_key,
                "该申诉已裁决",
                "the appeal has already been decided",
            ));
        }
        if at < self.appeals[index].filed_at {
            return Err(refused(
                &entry_key,
                "裁决时间早于申诉时间",
                "the decision is dated before the appeal",
            ));
        }
        if !accept && reason.trim().is_empty() {
            return Err(refused(
                &entry_key,
                "驳回申诉须填写理由",
                "rejecting an appeal needs a reason",
            ));
        }
        let target = self
            .entry(&entry_key)
            .ok_or_else(|| SuperviseError::UnknownLedgerEntry {
                entry: entry_key.clone(),
            })?;
        let reversal = accept.then(|| LedgerEntry {
            key: format!("reversal/{appeal}"),
            department: target.department.clone(),
            kind: ScoreEventKind::Reversal,
            points: -target.points,
            effective_on: target.effective_on,
            recorded_on: at.date(),
            item: target.item.clone(),
            reverses: Some(target.key.clone()),
            appeal: Some(appeal.to_owned()),
            detail: format!("申诉成立，撤销「{}」扣分：{}", target.detail, reason.trim()),
        });
        if let Some(r) = &reversal {
            self.entries.push(r.clone());
        }
        self.appeals[index].decision = Some(AppealDecision {
            accepted: accept,
            by: by.clone(),
            at,
            reason: reason.trim().to_owned(),
            reversal: reversal.as_ref().map(|r| r.key.clone()),
        });
        Ok(reversal)
    }

    /// The scoreboard (考核得分表) for `period`: per department, base + Σ points of the entries whose
    /// `effective_on` falls in the period, counting only entries recorded by `as_of` when given. Departments listed
    /// appear even without entries; others with entries are added. Ranked by score, ties share a rank.
    pub fn scoreboard(
        &self,
        period: Period,
        departments: &[DepartmentId],
        rules: &ScoringRules,
        as_of: Option<Date>,
    ) -> Scoreboard {
        let base = rules.base.value();
        let mut rows: BTreeMap<DepartmentId, ScoreRow> = departments
            .iter()
            .map(|d| (d.clone(), ScoreRow::empty(d.clone(), base)))
            .collect();
        for e in &self.entries {
            if !period.contains_date(e.effective_on) || as_of.is_some_and(|cut| e.recorded_on > cut) {
                continue;
            }
            let row = rows
                .entry(e.department.clone())
                .or_insert_with(|| ScoreRow::empty(e.department.clone(), base));
            match e.kind {
                ScoreEventKind::Reversal => row.reversals += e.points,
                _ if e.points >= Decimal::ZERO => row.bonus += e.points,
                _ => row.deductions += e.points,
            }
            row.score += e.points;
            *row.counts.entry(e.kind).or_default() += 1;
        }
        let mut rows: Vec<ScoreRow> = rows.into_values().collect();
        rows.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| a.department.cmp(&b.department))
        });
        let mut previous: Option<(Decimal, u32)> = None;
        for (i, row) in rows.iter_mut().enumerate() {
            let position = u32::try_from(i + 1).unwrap_or(u32::MAX);
            row.rank = match previous {
                Some((score, rank)) if score == row.score => rank,
                _ => position,
            };
            previous = Some((row.score, row.rank));
        }
        Scoreboard {
            period,
            as_of,
            base,
            rows,
        }
    }
}

/// One department's score for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreRow {
    /// The department.
    pub department: DepartmentId,
    /// Base score (基础分).
    pub base: Decimal,
    /// Sum of bonuses (加分, ≥ 0).
    pub bonus: Decimal,
    /// Sum of deductions (减分, ≤ 0).
    pub deductions: Decimal,
    /// Sum of reversals from accepted appeals (≥ 0).
    pub reversals: Decimal,
    /// base + bonus + deductions + reversals.
    pub score: Decimal,
    /// Entries by kind.
    pub counts: BTreeMap<ScoreEventKind, usize>,
    /// Rank (1 = best; ties share a rank).
    pub rank: u32,
}

impl ScoreRow {
    fn empty(department: DepartmentId, base: Decimal) -> Self {
        Self {
            department,
            base,
            bonus: Decimal::ZERO,
            deductions: Decimal::ZERO,
            reversals: Decimal::ZERO,
            score: base,
            counts: BTreeMap::new(),
            rank: 0,
        }
    }
}

/// A scoreboard for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scoreboard {
    /// The period.
    pub period: Period,
    /// Recording cut-off, if any.
    pub as_of: Option<Date>,
    /// Base score.
    pub base: Decimal,
    /// Rows, best first.
    pub rows: Vec<ScoreRow>,
}

impl Scoreboard {
    /// The row of `department`.
    pub fn row(&self, department: &DepartmentId) -> Option<&ScoreRow> {
        self.rows.iter().find(|r| &r.department == department)
    }
}
