//! Observations (观测值): the value of one data element for one org unit and period, entered or imported,
//! with its source and who entered it — the rows the indicator engine's observation table is filled from.

use jiff::civil::Date;
use plantrack_core::period::Period;

use crate::record::{Stored, record, select_list, stored_from_row};
use crate::sql::Stmt;
use crate::{Store, StoreError};

pub use plantrack_core::registry::Observation;

record!(Observation, "observation", key(org_unit_code, period, data_element), search(data_element, source),
order "period_start, org_unit_code, data_element",
{ org_unit_code, period, period_start, period_end, data_element, value, source, entered_by },
fn check(&self) -> Result<(), StoreError> {
    if period_bounds(&self.period)? != (self.period_start, self.period_end) {
        return Err(StoreError::invalid("observation", "period_start",
            "期间起止日期与期间代码不符 / period bounds do not match the period code"));
    }
    Ok(())
});

/// First and last day of a period code (`2019`, `2019Q3`, `2019-07`: `core::period::Period`).
pub fn period_bounds(period: &str) -> Result<(Date, Date), StoreError> {
    let p = Period::parse(period).map_err(|e| StoreError::invalid("observation", "period", e.to_string()))?;
    Ok((p.start(), p.end()))
}

impl Store {
    /// Observations of the org units in the subtree of `root` (as the tree was on `tree_on`) whose periods lie
    /// within `from..=to`, optionally only for some data elements. Ordered by element, org unit, period.
    pub async fn observations_in(
        &self,
        root: &str,
        tree_on: Date,
        from: Date,
        to: Date,
        data_elements: Option<&[String]>,
    ) -> Result<Vec<Stored<Observation>>, StoreError> {
        let mut st = crate::org::subtree_cte(root, tree_on, "");
        st.push(&select_list::<Observation>());
        st.push(" where org_unit_code in (select code from subtree) and period_start >= ")
            .bind(from);
        st.push(" and period_end <= ").bind(to);
        if let Some(elements) = data_elements {
            if elements.is_empty() {
                return Ok(Vec::new());
            }
            st.push(" and data_element in (");
            for (i, e) in elements.iter().enumerate() {
                if i > 0 {
                    st.push(", ");
                }
                st.bind(e);
            }
            st.push(")");
        }
        st.push(" order by data_element, org_unit_code, period_start, period");
        let mut conn = self.pool.acquire().await?;
        let rows = st.query(self.backend()).fetch_all(&mut *conn).await?;
        rows.iter().map(stored_from_row::<Observation>).collect()
    }

    /// Every observation in `from..=to`, for all org units (the province-wide indicator table).
    pub async fn observations_between(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<Stored<Observation>>, StoreError> {
        let mut st = Stmt::new(select_list::<Observation>());
        st.push(" where period_start >= ")
            .bind(from)
            .push(" and period_end <= ")
            .bind(to);
        st.push(" order by data_element, org_unit_code, period_start, period");
        let mut conn = self.pool.acquire().await?;
        let rows = st.query(self.backend()).fetch_all(&mut *conn).await?;
        rows.iter().map(stored_from_row::<Observation>).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_period_bounds_follow_core_periods() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(
            period_bounds("2019Q4").unwrap(),
            (d("2019-10-01"), d("2019-12-31"))
        );
        assert_eq!(
            period_bounds("2020-02").unwrap(),
            (d("2020-02-01"), d("2020-02-29"))
        );
        assert!(period_bounds("2019H1").is_err());
    }
}
