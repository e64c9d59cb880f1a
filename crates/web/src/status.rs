//! Target statuses from the store, for the pages and the API: one observation table per data version (observed
//! values plus the values derived from the registries for every plan year), from which any org unit and period is
//! computed in memory by `core::progress`.
//!
//! Interim adapter: the data helper's `app::status` will own this use case (derived elements, series, the data
//! behind each figure); the web calls it through [`StatusSource`] so that only this module changes.

use std::collections::BTreeSet;

use plantrack_app::AppError;
use plantrack_core::indicator::Observations;
use plantrack_core::period::Period;
use plantrack_core::plan::{DataElementId, ElementSource, OrgUnitCode, Plan};
use plantrack_core::progress::{StatusReport, plan_status};
use plantrack_store::Store;

/// Everything needed to compute statuses for any org unit and period of one data version.
#[derive(Debug, Default)]
pub struct StatusSource {
    /// Observed and derived values.
    pub data: Observations,
    /// Periods that have any value.
    pub periods: BTreeSet<Period>,
}

impl StatusSource {
    /// Loads the observed values of the plan's years and derives the registry-based elements for each year.
    pub async fn load(store: &Store, plan: &Plan) -> Result<StatusSource, AppError> {
        let first = plan.meta().baseline.year().min(plan.meta().first_year - 1);
        let last = plan.meta().last_year;
        let (Ok(p0), Ok(p1)) = (Period::year_of(first), Period::year_of(last)) else {
            return Ok(StatusSource::default());
        };
        let mut data = Observations::new();
        let mut periods = BTreeSet::new();
        for o in store.observations_between(p0.start(), p1.end()).await? {
            let o = o.record;
            let (Ok(org), Ok(period), Ok(el)) = (
                OrgUnitCode::parse(&o.org_unit_code),
                Period::parse(&o.period),
                DataElementId::parse(&o.data_element),
            ) else {
                continue;
            };
            periods.insert(period);
            data.replace(org, period, el, o.value);
        }
        for year in first..=last {
            let Ok(period) = Period::year_of(year) else {
                continue;
            };
            for e in plan.data_elements() {
                let ElementSource::Derived(rule) = e.source else {
                    continue;
                };
                for v in store.derive(rule, period).await? {
                    if let Ok(org) = OrgUnitCode::parse(&v.org_unit_code) {
                        periods.insert(period);
                        data.replace(org, period, e.id.clone(), v.value);
                    }
                }
            }
        }
        Ok(StatusSource { data, periods })
    }

    /// The latest year with any value, capped at the plan's last year.
    pub fn latest_year(&self, plan: &Plan) -> i32 {
        self.periods
            .iter()
            .map(|p| p.year())
            .filter(|y| *y <= plan.meta().last_year)
            .max()
            .unwrap_or(plan.meta().last_year)
    }

    /// The status report of every target for `org` in `period`.
    pub fn report(&self, plan: &Plan, org: &OrgUnitCode, period: Period) -> StatusReport {
        plan_status(plan, &self.data, org, period)
    }
}
