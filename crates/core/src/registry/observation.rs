//! Observations (观测值): the value of one data element for one org unit and period, entered or imported,
//! with its source and who entered it — the rows the indicator engine's observation table is filled from.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::period::Period;

/// One observed value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// 区划代码.
    pub org_unit_code: String,
    /// Period code ([`Period`]'s text): `2019`, `2019Q3`, `2019-06`.
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

impl Observation {
    /// An observation, with the period's first and last day.
    pub fn new(
        org_unit_code: impl Into<String>,
        period: Period,
        data_element: impl Into<String>,
        value: Decimal,
        source: Option<String>,
        entered_by: Option<String>,
    ) -> Observation {
        Observation {
            org_unit_code: org_unit_code.into(),
            period: period.to_string(),
            period_start: period.start(),
            period_end: period.end(),
            data_element: data_element.into(),
            value,
            source,
            entered_by,
        }
    }
}
