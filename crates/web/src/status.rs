//! Target statuses from the store, for the pages and the API: `app::status::PlanData` (observed values and the
//! values the registries derive, for the whole org-unit tree) loaded once per data version, from which any org
//! unit and period is computed in memory by `core::progress`.

use jiff::civil::Date;
use plantrack_app::AppError;
use plantrack_app::status::PlanData;
use plantrack_core::period::Period;
use plantrack_core::plan::{OrgUnitCode, Plan};
use plantrack_core::progress::StatusReport;
use plantrack_store::Store;

/// Everything needed to compute statuses for any org unit and period of one data version.
#[derive(Debug)]
pub struct StatusSource {
    data: PlanData,
}

impl StatusSource {
    /// Loads the data of `plan` from the store (a few queries for the whole tree).
    pub async fn load(store: &Store, plan: Plan) -> Result<StatusSource, AppError> {
        Ok(StatusSource {
            data: PlanData::load_for(store, plan).await?,
        })
    }

    /// The period shown when none is asked for: the latest with data, else the plan's last year.
    pub fn default_period(&self) -> Period {
        self.data
            .default_period()
            .or_else(|| Period::year_of(self.data.plan().meta().last_year).ok())
            .unwrap_or(self.data.plan().meta().baseline)
    }

    /// The periods offered and charted: the baseline year, then each plan year (the latest sub-year period in
    /// place of a year not yet over).
    pub fn periods(&self) -> Vec<Period> {
        let base = Period::year_of(self.data.plan().meta().baseline.year()).ok();
        let mut out: Vec<Period> = base.into_iter().collect();
        for p in self.data.series_periods() {
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    /// The date the data run to.
    pub fn as_of(&self) -> Option<Date> {
        self.data.as_of()
    }

    /// The status report of every target for `org` in `period`.
    pub fn report(&self, org: &OrgUnitCode, period: Period) -> StatusReport {
        self.data.status(org, period)
    }
}
