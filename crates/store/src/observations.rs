//! Observations (观测值): the value of one data element for one org unit and period, entered or imported,
//! with its source and who entered it — the rows the indicator engine's observation table is filled from.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::record::{Stored, record, select_list, stored_from_row};
use crate::sql::Stmt;
use crate::{Store, StoreError};

/// One observed value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// 区划代码.
    pub org_unit_code: String,
    /// Period code: `2019`, `2019Q3`, `2019H1`, `2019-06`.
    pub period: String,
    /// First day of the period (derived from `period`).
    pub period_start: Date,
    /// Last day of the period (derived from `period`).
    pub period_end: Date,
    /// Data element id, e.g. `gdp`.
    pub data_element: String,
    /// The value, exact.
    pub value: Decimal,
    /// Where it comes from (区统计局, an import file …).
    pub source: Option<String>,
    /// Who entered it.
    pub entered_by: Option<String>,
}
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

impl Observation {
    /// An observation, with the period's first and last day worked out from its code.
    pub fn new(
        org_unit_code: impl Into<String>,
        period: &str,
        data_element: impl Into<String>,
        value: Decimal,
        source: Option<String>,
        entered_by: Option<String>,
    ) -> Result<Observation, StoreError> {
        let (period_start, period_end) = period_bounds(period)?;
        Ok(Observation {
            org_unit_code: org_unit_code.into(),
            period: period.to_owned(),
            period_start,
            period_end,
            data_element: data_element.into(),
            value,
            source,
            entered_by,
        })
    }
}

/// First and last day of a period code: `YYYY`, `YYYYQn`, `YYYYHn`, `YYYY-MM` or `YYYYMmm`.
pub fn period_bounds(period: &str) -> Result<(Date, Date), StoreError> {
    let bad = || {
        StoreError::invalid(
            "observation",
            "period",
            format!("无法识别的期间 / unknown period {period:?} (2019, 2019Q3, 2019H1, 2019-06)"),
        )
    };
    let p = period.trim();
    let year: i16 = p.get(..4).and_then(|y| y.parse().ok()).ok_or_else(bad)?;
    let rest = p.get(4..).unwrap_or("");
    let (first_month, months): (i8, i8) = match rest {
        "" => (1, 12),
        "Q1" | "q1" => (1, 3),
        "Q2" | "q2" => (4, 3),
        "Q3" | "q3" => (7, 3),
        "Q4" | "q4" => (10, 3),
        "H1" | "h1" => (1, 6),
        "H2" | "h2" => (7, 6),
        _ => {
            let m = rest
                .strip_prefix('-')
                .or_else(|| rest.strip_prefix('M'))
                .ok_or_else(bad)?;
            let m: i8 = m.parse().map_err(|_| bad())?;
            if !(1..=12).contains(&m) || m.to_string().len() > 2 {
                return Err(bad());
            }
            (m, 1)
        }
    };
    let start = Date::new(year, first_month, 1).map_err(|_| bad())?;
    let end = start
        .checked_add(jiff::Span::new().months(months))
        .and_then(|d| d.checked_sub(jiff::Span::new().days(1)))
        .map_err(|_| bad())?;
    Ok((start, end))
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
        let rows = st.query().fetch_all(&mut *conn).await?;
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
        let rows = st.query().fetch_all(&mut *conn).await?;
        rows.iter().map(stored_from_row::<Observation>).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn period_codes_give_first_and_last_day() {
        assert_eq!(period_bounds("2019").unwrap(), (d("2019-01-01"), d("2019-12-31")));
        assert_eq!(
            period_bounds("2019Q4").unwrap(),
            (d("2019-10-01"), d("2019-12-31"))
        );
        assert_eq!(
            period_bounds("2020H1").unwrap(),
            (d("2020-01-01"), d("2020-06-30"))
        );
        assert_eq!(
            period_bounds("2020-02").unwrap(),
            (d("2020-02-01"), d("2020-02-29"))
        );
        assert_eq!(
            period_bounds("2019M11").unwrap(),
            (d("2019-11-01"), d("2019-11-30"))
        );
    }

    #[test]
    fn unknown_period_codes_are_refused() {
        for bad in ["", "19", "2019Q5", "2019-13", "2019-00", "abcd", "2019X"] {
            assert!(period_bounds(bad).is_err(), "{bad}");
        }
    }
}
