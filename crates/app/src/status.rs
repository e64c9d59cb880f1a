//! Plan status from the store (目标完成情况): the observation table filled from the stored observations and from
//! the data elements the registries derive, then core's indicator engine and progress methods — the same
//! [`StatusReport`] (the JSON of `plantrack status`) whether the data come from a CSV or from the store.
//!
//! [`PlanData`] is everything one evaluation needs, loaded in a few queries for the whole org-unit tree; the web
//! keeps one per [`data_stamp`] and answers status, series and drill-down requests from memory. The data behind
//! each figure (the observations or registry rows) come from [`evidence`].
//!
//! Derived elements (issue 4 §3) are computed for every org unit of the plan's tree — a unit's value counts the
//! registry rows of its whole subtree, zero when there are none (a count of nothing is 0, not missing) — for
//! every year and quarter (and month, when monthly data exist) that has ended by the data's as-of date.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use jiff::civil::Date;
use plantrack_core::indicator::{Evaluator, Input, Observations, Window};
use plantrack_core::period::{Granularity, Period};
use plantrack_core::plan::embedded::{SHUANGTAIZI_PATH, SHUANGTAIZI_TOML};
use plantrack_core::plan::{DataElementId, DerivationRule, ElementSource, OrgUnitCode, Plan, TargetId};
use plantrack_core::progress::{StatusReport, plan_status};
use plantrack_store::audit::AuditQuery;
use plantrack_store::derive::Evidence;
use plantrack_store::facts::RegistryFacts;
use plantrack_store::observations::Observation;
use plantrack_store::org::OrgUnit as StoredOrgUnit;
use plantrack_store::plans::PlanFile;
use plantrack_store::{ListQuery, Store, Stored};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::{AppError, Permission, Principal};

/// The plan the store works with, with its text and where it came from.
#[derive(Debug, Clone)]
pub struct CurrentPlan {
    /// The plan, its org-unit tree extended with the store's org units.
    pub plan: Plan,
    /// The plan file's text as stored (or embedded).
    pub text: String,
    /// Where it came from (`store:KEY@REVISION` or the embedded path), for messages.
    pub origin: String,
}

/// The id of the embedded default plan (the key it is stored under).
pub fn embedded_plan_key() -> Result<String, AppError> {
    let plan = Plan::from_toml(SHUANGTAIZI_TOML, SHUANGTAIZI_PATH).map_err(AppError::unexpected)?;
    Ok(plan.meta().id.to_string())
}

/// The stored plan file in force: the latest revision of the embedded plan's key, else the first stored plan that
/// is not a draft; `None` when the embedded plan file is in force. Drafts (issue 7) are never in force.
pub async fn plan_file_in_force(store: &Store) -> Result<Option<Stored<PlanFile>>, AppError> {
    let key = embedded_plan_key()?;
    Ok(match store.current_plan_file(&key).await? {
        Some(f) => Some(f),
        None => store.plan_files().await?.into_iter().find(|f| !f.record.draft),
    })
}

/// The current plan: [`plan_file_in_force`], else the embedded plan file; its org units extended with every org
/// unit of the store (so that a province's districts roll up although the plan file names only its own city).
pub async fn current_plan(store: &Store) -> Result<CurrentPlan, AppError> {
    let stored = plan_file_in_force(store).await?;
    let (text, origin) = match stored {
        Some(f) => (
            f.record.content.clone(),
            format!("store:{}@{}", f.record.plan_key, f.record.revision),
        ),
        None => (SHUANGTAIZI_TOML.to_owned(), SHUANGTAIZI_PATH.to_owned()),
    };
    let units = store.list::<StoredOrgUnit>(&ListQuery::all()).await?.items;
    let plan = plan_with_org_units(&text, &origin, units.iter().map(|u| &u.record))?;
    Ok(CurrentPlan { plan, text, origin })
}

/// Reads a plan file with `units` added to its org-unit tree (units the file already names keep the file's
/// names; codes that are not GB/T 2260 county-level or above, such as streets, stay out of the tree — their rows
/// count towards their nearest ancestor in it).
pub fn plan_with_org_units<'a>(
    text: &str,
    origin: &str,
    units: impl IntoIterator<Item = &'a StoredOrgUnit>,
) -> Result<Plan, AppError> {
    let mut doc: toml::Table = toml::from_str(text).map_err(AppError::unexpected)?;
    let mut known: HashSet<String> = HashSet::new();
    if let Some(toml::Value::Array(list)) = doc.get("org_units") {
        for u in list {
            if let Some(code) = u.get("code").and_then(toml::Value::as_str) {
                known.insert(code.to_owned());
            }
        }
    }
    // The latest version of each code (a boundary change keeps the old row with a valid_to).
    let mut latest: BTreeMap<&str, &StoredOrgUnit> = BTreeMap::new();
    for u in units {
        if OrgUnitCode::parse(&u.code).is_err() || known.contains(&u.code) {
            continue;
        }
        match latest.get(u.code.as_str()) {
            Some(prev) if prev.valid_from >= u.valid_from => {}
            _ => {
                latest.insert(&u.code, u);
            }
        }
    }
    if latest.is_empty() {
        return Plan::from_toml(text, origin).map_err(AppError::unexpected);
    }
    let all: HashSet<&str> = known
        .iter()
        .map(String::as_str)
        .chain(latest.keys().copied())
        .collect();
    let mut added = Vec::new();
    for u in latest.values() {
        let mut t = toml::Table::new();
        t.insert("code".into(), u.code.clone().into());
        t.insert("name_zh".into(), u.name.clone().into());
        t.insert("name_en".into(), u.name.clone().into());
        if let Some(p) = u.parent_code.as_deref().filter(|p| all.contains(p)) {
            t.insert("parent".into(), p.to_owned().into());
        }
        added.push(toml::Value::Table(t));
    }
    match doc.get_mut("org_units") {
        Some(toml::Value::Array(list)) => list.extend(added),
        _ => {
            doc.insert("org_units".into(), toml::Value::Array(added));
        }
    }
    let merged = toml::to_string(&doc).map_err(AppError::unexpected)?;
    Plan::from_toml(&merged, origin).map_err(AppError::unexpected)
}

/// One plan with its observation table: observed values from the store and derived values from the registries,
/// for every org unit of the plan's tree.
#[derive(Debug, Clone)]
pub struct PlanData {
    plan: Plan,
    data: Observations,
    observed_latest: Option<Period>,
    as_of: Option<Date>,
    ignored_observations: usize,
}

/// Where each org unit's rows count: itself (when in the plan's tree) and every plan ancestor.
struct Rollup {
    chains: HashMap<String, Vec<OrgUnitCode>>,
}

impl Rollup {
    fn new(plan: &Plan, stored: &[Stored<StoredOrgUnit>]) -> Rollup {
        let plan_parent: HashMap<&str, Option<&OrgUnitCode>> = plan
            .org_units()
            .iter()
            .map(|u| (u.code.as_str(), u.parent.as_ref()))
            .collect();
        let store_parent: HashMap<&str, Option<&str>> = stored
            .iter()
            .map(|u| (u.record.code.as_str(), u.record.parent_code.as_deref()))
            .collect();
        let mut chains = HashMap::new();
        let codes: BTreeSet<&str> = plan_parent.keys().chain(store_parent.keys()).copied().collect();
        for code in codes {
            // Walk the store's tree up to the first unit in the plan, then the plan's tree to its root.
            let mut at = Some(code);
            let mut steps = 0;
            while let Some(c) = at {
                if plan_parent.contains_key(c) || steps > 64 {
                    break;
                }
                at = store_parent.get(c).copied().flatten();
                steps += 1;
            }
            let mut chain = Vec::new();
            let mut cur = at.and_then(|c| plan.org_units().iter().find(|u| u.code.as_str() == c));
            while let Some(u) = cur {
                chain.push(u.code.clone());
                cur = u.parent.as_ref().and_then(|p| plan.org_unit(p));
                if chain.len() > 64 {
                    break;
                }
            }
            chains.insert(code.to_owned(), chain);
        }
        Rollup { chains }
    }

    fn chain(&self, code: &str) -> &[OrgUnitCode] {
        self.chains.get(code).map_or(&[], Vec::as_slice)
    }
}

impl PlanData {
    /// Load the current plan and its data from the store (a few queries for the whole tree).
    pub async fn load(store: &Store) -> Result<PlanData, AppError> {
        let current = current_plan(store).await?;
        PlanData::load_for(store, current.plan).await
    }

    /// Load the data of `plan` from the store.
    pub async fn load_for(store: &Store, plan: Plan) -> Result<PlanData, AppError> {
        let units = store.list::<StoredOrgUnit>(&ListQuery::all()).await?.items;
        let (from, to) = year_range(&plan);
        let observations = store
            .observations_between(first_day(from), last_day(to + 1))
            .await?;
        let facts = store.registry_facts().await?;
        Ok(PlanData::build(plan, &units, &observations, &facts))
    }

    /// Fill the table from loaded rows (pure; what [`PlanData::load_for`] does after its queries).
    pub fn build(
        plan: Plan,
        units: &[Stored<StoredOrgUnit>],
        observations: &[Stored<Observation>],
        facts: &RegistryFacts,
    ) -> PlanData {
        let rollup = Rollup::new(&plan, units);
        let derived: HashMap<DataElementId, DerivationRule> = plan
            .data_elements()
            .iter()
            .filter_map(|e| match e.source {
                ElementSource::Derived(rule) => Some((e.id.clone(), rule)),
                ElementSource::Observed => None,
            })
            .collect();
        let known_elements: HashSet<&str> = plan.data_elements().iter().map(|e| e.id.as_str()).collect();
        let mut data = Observations::new();
        let mut observed_latest: Option<Period> = None;
        let mut ignored = 0;
        let mut monthly = false;
        for o in observations {
            let o = &o.record;
            let (Ok(org), Ok(period), Ok(element)) = (
                OrgUnitCode::parse(&o.org_unit_code),
                Period::parse(&o.period),
                DataElementId::parse(&o.data_element),
            ) else {
                ignored += 1;
                continue;
            };
            // Derived elements come from the registries only; org units outside the plan's tree cannot roll up.
            if derived.contains_key(&element)
                || !known_elements.contains(element.as_str())
                || plan.org_unit(&org).is_none()
            {
                ignored += 1;
                continue;
            }
            monthly |= period.granularity() == Granularity::Month;
            observed_latest = observed_latest.max(Some(period));
            data.replace(org, period, element, o.value);
        }
        // As of: the end of the latest observed period, or the end of the month of the latest registry event.
        let registry_as_of = facts.latest_date().map(Date::last_of_month);
        let as_of = match (observed_latest.map(Period::end), registry_as_of) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if let Some(as_of) = as_of.filter(|_| !derived.is_empty()) {
            let (from, _) = year_range(&plan);
            let mut periods = Vec::new();
            for y in from..=i32::from(as_of.year()) {
                let mut parts: Vec<Period> = Period::year_of(y).into_iter().collect();
                parts.extend((1..=4).filter_map(|q| Period::quarter_of(y, q).ok()));
                if monthly {
                    parts.extend((1..=12).filter_map(|m| Period::month_of(y, m).ok()));
                }
                periods.extend(parts.into_iter().filter(|p| p.end() <= as_of));
            }
            for (element, rule) in &derived {
                for p in &periods {
                    let mut sums: HashMap<&OrgUnitCode, Decimal> = plan
                        .org_units()
                        .iter()
                        .map(|u| (&u.code, Decimal::ZERO))
                        .collect();
                    for v in facts.derive(*rule, *p) {
                        for code in rollup.chain(&v.org_unit_code) {
                            if let Some(s) = sums.get_mut(code) {
                                *s += v.value;
                            }
                        }
                    }
                    for (code, value) in sums {
                        // Canonical scale, as stored values are (6826.00 and 6826 read alike).
                        data.replace(code.clone(), *p, element.clone(), value.normalize());
                    }
                }
            }
        }
        PlanData {
            plan,
            data,
            observed_latest,
            as_of,
            ignored_observations: ignored,
        }
    }

    /// The plan (its org-unit tree extended with the store's).
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The filled observation table.
    pub fn observations(&self) -> &Observations {
        &self.data
    }

    /// The date the data run to: the end of the latest observed period or the month of the latest registry event.
    pub fn as_of(&self) -> Option<Date> {
        self.as_of
    }

    /// Stored observations left out (derived elements, unknown elements or org units outside the tree).
    pub fn ignored_observations(&self) -> usize {
        self.ignored_observations
    }

    /// The period `status` uses when none is given: the latest observed period, else the latest year or quarter
    /// with derived values.
    pub fn default_period(&self) -> Option<Period> {
        self.observed_latest.or_else(|| {
            self.data
                .periods()
                .into_iter()
                .rfind(|p| p.granularity() != Granularity::Month)
        })
    }

    /// Every target for `org` in `period` (the JSON of `plantrack status`).
    pub fn status(&self, org: &OrgUnitCode, period: Period) -> StatusReport {
        plan_status(&self.plan, &self.data, org, period)
    }

    /// The periods of a yearly series: each plan year from the earliest baseline, the latest sub-year period in
    /// place of a year that has not ended by the as-of date.
    pub fn series_periods(&self) -> Vec<Period> {
        let (from, _) = year_range(&self.plan);
        let last = self.plan.meta().last_year;
        let latest = self.default_period();
        (from + 1..=last)
            .filter_map(|y| Period::year_of(y).ok())
            .filter_map(|p| match latest {
                Some(l) if l.year() == p.year() && l.granularity() != Granularity::Year => Some(l),
                Some(l) if l.year() < p.year() => None,
                _ => Some(p),
            })
            .collect()
    }

    /// A target's indicator value by period for `org` and each of its children (drill-down), with the unit.
    pub fn series(&self, target: &TargetId, org: &OrgUnitCode) -> Result<TargetSeries, AppError> {
        let t = self.plan.target(target).ok_or_else(|| AppError::NotFound {
            entity: "target".into(),
            id: target.to_string(),
        })?;
        let decimals = self.plan.indicator(&t.indicator).map_or(2, |i| i.decimals);
        let ev = Evaluator::new(&self.plan, &self.data);
        let periods = self.series_periods();
        let units: Vec<&plantrack_core::plan::OrgUnit> = self
            .plan
            .org_unit(org)
            .into_iter()
            .chain(self.plan.children(org))
            .collect();
        let lines = units
            .into_iter()
            .map(|u| SeriesLine {
                org_unit: u.code.clone(),
                name_zh: u.name_zh.clone(),
                name_en: u.name_en.clone(),
                points: periods
                    .iter()
                    .map(|p| {
                        let e = ev.indicator(&t.indicator, &u.code, *p);
                        SeriesPoint {
                            period: *p,
                            value: e.value.ok().map(|v| {
                                v.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
                            }),
                        }
                    })
                    .collect(),
            })
            .collect();
        Ok(TargetSeries {
            target: t.id.clone(),
            unit: t.unit.clone(),
            target_value: t.value,
            deadline: t.deadline,
            lines,
        })
    }
}

/// A target's values over time for an org unit and its children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetSeries {
    /// Target id.
    pub target: TargetId,
    /// Unit of the values.
    pub unit: String,
    /// The target value.
    pub target_value: Decimal,
    /// The deadline.
    pub deadline: Period,
    /// The org unit asked for first, then its children.
    pub lines: Vec<SeriesLine>,
}

/// One org unit's values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeriesLine {
    /// Org unit.
    pub org_unit: OrgUnitCode,
    /// Name, Chinese.
    pub name_zh: String,
    /// Name, English.
    pub name_en: String,
    /// One point per period.
    pub points: Vec<SeriesPoint>,
}

/// One value of a series (`null` when there is none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeriesPoint {
    /// Period.
    pub period: Period,
    /// The indicator value rounded to its decimals.
    pub value: Option<Decimal>,
}

/// The years the table covers: from the year before the earliest baseline (for year-on-year rates) to the
/// plan's last year.
fn year_range(plan: &Plan) -> (i32, i32) {
    let earliest = plan
        .targets()
        .iter()
        .map(|t| t.baseline.year())
        .chain(std::iter::once(plan.meta().baseline.year()))
        .min()
        .unwrap_or(plan.meta().first_year);
    (earliest - 1, plan.meta().last_year)
}

fn first_day(year: i32) -> Date {
    Period::year_of(year).map_or(Date::MIN, Period::start)
}

fn last_day(year: i32) -> Date {
    Period::year_of(year).map_or(Date::MAX, Period::end)
}

/// What `status` is asked for: an org unit and a period, both optional (the plan's own unit; the latest period).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusQuery {
    /// 区划代码; default: the plan's own.
    pub org_unit: Option<String>,
    /// `2019`, `2019Q3` or `2019-07`; default: the latest with data.
    pub period: Option<String>,
}

impl PlanData {
    /// Resolve a query against this data: checked org unit and period (defaults filled in).
    pub fn resolve(&self, query: &StatusQuery) -> Result<(OrgUnitCode, Period), AppError> {
        let org = match query.org_unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => self.plan.meta().org_unit.clone(),
            Some(text) => {
                // The code's own error ("中文 / English: …") says which part is wrong (length, province prefix,
                // county pair).
                let code = OrgUnitCode::parse(text).map_err(|e| {
                    let text = e.to_string();
                    match text.split_once(" / ") {
                        Some((zh, en)) => AppError::invalid("org_unit", zh, en),
                        None => AppError::invalid("org_unit", text.clone(), text),
                    }
                })?;
                if self.plan.org_unit(&code).is_none() {
                    return Err(AppError::invalid(
                        "org_unit",
                        format!("没有区划 {code}"),
                        format!("unknown org unit {code}"),
                    ));
                }
                code
            }
        };
        let period = match query.period.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(text) if !text.is_ascii() => {
                return Err(AppError::invalid(
                    "period",
                    format!("期间格式不对: {text:?}(应为 2019、2019Q3 或 2019-07)"),
                    format!("not a period (2019, 2019Q3, 2019-07): {text:?}"),
                ));
            }
            Some(text) => Period::parse(text).map_err(|e| {
                AppError::invalid(
                    "period",
                    e.to_string(),
                    format!("not a period (2019, 2019Q3, 2019-07): {text:?}"),
                )
            })?,
            None => self.default_period().ok_or_else(|| {
                AppError::invalid(
                    "period",
                    "数据库中还没有数据(可运行 plantrack demo 或导入数据)",
                    "the store holds no data yet (run `plantrack demo` or import files)",
                )
            })?,
        };
        Ok((org, period))
    }
}

/// `plantrack status` / `GET /api/v1/status`: every target of the current plan for an org unit and period, from
/// the store. Public (the 政务公开 dashboard).
pub async fn status(
    store: &Store,
    principal: &Principal,
    query: &StatusQuery,
) -> Result<StatusReport, AppError> {
    principal.require(&Permission::ViewPublic)?;
    let data = PlanData::load(store).await?;
    let (org, period) = data.resolve(query)?;
    Ok(data.status(&org, period))
}

/// A number that changes whenever anything in the store changes (the latest audit event's id): the key under
/// which a cached [`PlanData`] stays valid.
pub async fn data_stamp(store: &Store) -> Result<i64, AppError> {
    let page = store
        .audit_events(&AuditQuery {
            limit: 1,
            ..AuditQuery::default()
        })
        .await?;
    Ok(page.items.first().map_or(0, |e| e.id))
}

/// The data behind one target's figure for an org unit and period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetEvidence {
    /// Target id.
    pub target: TargetId,
    /// Org unit.
    pub org_unit: OrgUnitCode,
    /// The period assessed (capped at the deadline).
    pub period: Period,
    /// One entry per aggregated input of the value.
    pub inputs: Vec<InputEvidence>,
}

/// One input of a figure and the rows it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputEvidence {
    /// The input as the engine used it (element, window, value).
    pub input: Input,
    /// The registry rule, for a derived element.
    pub rule: Option<DerivationRule>,
    /// Stored observations in the window for the org unit's subtree (observed elements).
    pub observations: Vec<Stored<Observation>>,
    /// Registry rows that make up the value (derived elements): for a stock those valid at the window's end,
    /// for a flow those in the window.
    pub registry_rows: Vec<Evidence>,
}

/// The observations or registry rows behind each input of a target's value (the dashboard's "data behind each
/// figure"). Public, like the figure itself: registry rows carry the USCC or name, as the published lists do.
pub async fn evidence(
    store: &Store,
    principal: &Principal,
    target: &str,
    query: &StatusQuery,
) -> Result<TargetEvidence, AppError> {
    principal.require(&Permission::ViewPublic)?;
    let data = PlanData::load(store).await?;
    let (org, period) = data.resolve(query)?;
    let target_id = TargetId::parse(target)
        .map_err(|e| AppError::invalid("target", e.to_string(), format!("not a target id: {target:?}")))?;
    let report = data.status(&org, period);
    let status = report
        .targets
        .into_iter()
        .find(|t| t.id == target_id)
        .ok_or_else(|| AppError::NotFound {
            entity: "target".into(),
            id: target.to_owned(),
        })?;
    let tree_on = status.period.end();
    let mut subtree: HashSet<String> = store
        .org_subtree_codes(org.as_str(), tree_on)
        .await?
        .into_iter()
        .collect();
    subtree.insert(org.to_string());
    for u in plan_subtree(data.plan(), &org) {
        subtree.insert(u);
    }
    let mut inputs = Vec::new();
    for input in status.inputs {
        let element = data.plan().data_element(&input.element);
        let rule = element.and_then(|e| match e.source {
            ElementSource::Derived(r) => Some(r),
            ElementSource::Observed => None,
        });
        let (observations, registry_rows) = match rule {
            Some(rule) => {
                let stock = element.is_some_and(|e| e.kind == plantrack_core::plan::ElementKind::Stock);
                let periods = window_periods(input.window, stock);
                let mut rows = Vec::new();
                for p in periods {
                    rows.extend(
                        store
                            .derive_evidence(rule, p)
                            .await?
                            .into_iter()
                            .filter(|e| subtree.contains(&e.org_unit_code)),
                    );
                }
                (Vec::new(), rows)
            }
            None => {
                let (from, to) = window_dates(input.window);
                let obs = store
                    .observations_in(
                        org.as_str(),
                        tree_on,
                        from,
                        to,
                        Some(&[input.element.to_string()]),
                    )
                    .await?;
                (obs, Vec::new())
            }
        };
        inputs.push(InputEvidence {
            input,
            rule,
            observations,
            registry_rows,
        });
    }
    Ok(TargetEvidence {
        target: target_id,
        org_unit: org,
        period: status.period,
        inputs,
    })
}

fn plan_subtree(plan: &Plan, root: &OrgUnitCode) -> Vec<String> {
    let mut out = vec![root.to_string()];
    let mut stack = vec![root.clone()];
    while let Some(c) = stack.pop() {
        for child in plan.children(&c) {
            out.push(child.code.to_string());
            stack.push(child.code.clone());
        }
    }
    out
}

/// The calendar periods of a window: for a stock only the one ending with it.
fn window_periods(window: Window, stock: bool) -> Vec<Period> {
    let parts = window.periods();
    if stock {
        parts.last().copied().into_iter().collect()
    } else {
        parts
    }
}

fn window_dates(window: Window) -> (Date, Date) {
    let from = Period::from_month_index(window.start).map_or(Date::MIN, Period::start);
    let to = Period::from_month_index(window.end).map_or(Date::MAX, Period::end);
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use plantrack_store::enterprises::{Enterprise, EnterpriseYear, EnterpriseYearRow, Qualification};
    use plantrack_store::registries::Talent;
    use plantrack_store::{Actor, for_each_backend};

    fn code(s: &str) -> OrgUnitCode {
        OrgUnitCode::parse(s).unwrap()
    }

    fn value(data: &PlanData, org: &str, element: &str, period: &str) -> Option<Decimal> {
        data.observations().get(
            &code(org),
            &DataElementId::parse(element).unwrap(),
            Period::parse(period).unwrap(),
        )
    }

    async fn seed(store: &Store) {
        crate::demo::ensure_plan(store).await.unwrap();
        let uscc = crate::generate::synthetic_uscc("211102", 1);
        let mut tx = store.begin(Actor::system()).await.unwrap();
        tx.import_rows(&[StoredOrgUnit {
            code: "211102001".into(),
            name: "红旗街道".into(),
            parent_code: Some("211102".into()),
            level: "street".into(),
            valid_from: date(1900, 1, 1),
            valid_to: None,
        }])
        .await
        .unwrap();
        tx.import_enterprise_years(&[EnterpriseYearRow {
            enterprise: Enterprise {
                uscc: uscc.clone(),
                name: "甲（演示）".into(),
                founded_on: None,
                org_unit_code: Some("211102".into()),
                industry_code: Some("C2614".into()),
                high_tech_field: None,
                reported_year: Some(2018),
            },
            figures: EnterpriseYear {
                uscc: uscc.clone(),
                year: 2018,
                ..EnterpriseYear::default()
            },
        }])
        .await
        .unwrap();
        // 国科发火〔2016〕32号 第十五条: valid three years from the issue date, i.e. through 2020-11-30.
        tx.import_rows(&[Qualification::high_tech(
            uscc,
            "GR201721000001",
            date(2017, 12, 1),
        )])
        .await
        .unwrap();
        tx.import_rows(&[Talent {
            name: "乙（演示）".into(),
            category: plantrack_store::derive::HIGH_END_TALENT.into(),
            introduced_on: date(2020, 12, 31),
            employer_uscc: None,
            org_unit_code: "211102001".into(),
            note: None,
        }])
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn a_certificate_issued_on_1_december_2017_counts_at_the_end_of_2018_and_2019_but_not_2020() {
        for_each_backend!(|db| {
            seed(&db.store).await;
            let data = PlanData::load(&db.store).await.unwrap();
            let ht = "high_tech_enterprise_count";
            assert_eq!(value(&data, "211102", ht, "2017"), Some(Decimal::ONE));
            assert_eq!(value(&data, "211102", ht, "2018"), Some(Decimal::ONE));
            assert_eq!(value(&data, "211102", ht, "2019"), Some(Decimal::ONE));
            assert_eq!(value(&data, "211102", ht, "2020Q3"), Some(Decimal::ONE));
            assert_eq!(value(&data, "211102", ht, "2020"), Some(Decimal::ZERO));
            // Up the tree, and zero (not missing) where there are no rows.
            assert_eq!(value(&data, "211100", ht, "2019"), Some(Decimal::ONE));
            assert_eq!(value(&data, "210000", ht, "2019"), Some(Decimal::ONE));
            assert_eq!(value(&data, "211103", ht, "2019"), Some(Decimal::ZERO));
        });
    }

    #[tokio::test]
    async fn rows_of_a_street_count_for_its_district_and_above() {
        for_each_backend!(|db| {
            seed(&db.store).await;
            let data = PlanData::load(&db.store).await.unwrap();
            let t = "talents_introduced";
            assert_eq!(value(&data, "211102", t, "2020"), Some(Decimal::ONE));
            assert_eq!(value(&data, "211100", t, "2020"), Some(Decimal::ONE));
            assert_eq!(value(&data, "211102", t, "2020Q3"), Some(Decimal::ZERO));
            // No observations: the default period is the latest year with derived values.
            assert_eq!(data.default_period(), Some(Period::parse("2020").unwrap()));
        });
    }

    #[test]
    fn store_org_units_join_the_plan_tree() {
        let unit = |c: &str, p: &str| StoredOrgUnit {
            code: c.into(),
            name: format!("区{c}"),
            parent_code: Some(p.into()),
            level: "district".into(),
            valid_from: date(1900, 1, 1),
            valid_to: None,
        };
        let units = [
            unit("210100", "210000"),
            unit("210102", "210100"),
            unit("211102001", "211102"),
        ];
        let plan = plan_with_org_units(SHUANGTAIZI_TOML, SHUANGTAIZI_PATH, units.iter()).unwrap();
        let d = plan.org_unit(&code("210102")).unwrap();
        assert_eq!(d.parent, Some(code("210100")));
        assert_eq!(plan.children(&code("210000")).count(), 2);
        assert_eq!(plan.org_units().len(), 8);
    }
}
