//! The observation table (数据表): one value per org unit × period × data element, observed or derived.
//!
//! The store fills it (observed values and the values its registry rules derive); the `status --data` path
//! fills it from a CSV. The evaluator only reads it. A value may be stored at any granularity (year, quarter,
//! month); aggregation over periods and org units happens in [`super::eval`], never here.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rust_decimal::Decimal;

use crate::period::Period;
use crate::plan::{DataElementId, OrgUnitCode};

/// A second value for the same org unit, period and data element.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "重复的数据: {org_unit} {period} {element} 已有值 {existing} / duplicate observation: {org_unit} {period} {element} already has {existing}"
)]
pub struct DuplicateObservation {
    /// Org unit.
    pub org_unit: OrgUnitCode,
    /// Period.
    pub period: Period,
    /// Data element.
    pub element: DataElementId,
    /// The value already stored.
    pub existing: Decimal,
}

/// Values per org unit × data element × period.
#[derive(Debug, Clone, Default)]
pub struct Observations {
    values: HashMap<OrgUnitCode, HashMap<DataElementId, BTreeMap<Period, Decimal>>>,
    len: usize,
}

/// One stored value, as [`Observations::iter`] yields it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation<'a> {
    /// Org unit.
    pub org_unit: &'a OrgUnitCode,
    /// Period.
    pub period: Period,
    /// Data element.
    pub element: &'a DataElementId,
    /// Value.
    pub value: Decimal,
}

impl Observations {
    /// An empty table.
    pub fn new() -> Observations {
        Observations::default()
    }

    /// Stores a value; a second value for the same key is refused (and the first kept).
    pub fn insert(
        &mut self,
        org_unit: OrgUnitCode,
        period: Period,
        element: DataElementId,
        value: Decimal,
    ) -> Result<(), DuplicateObservation> {
        let by_period = self
            .values
            .entry(org_unit.clone())
            .or_default()
            .entry(element.clone())
            .or_default();
        if let Some(existing) = by_period.get(&period) {
            return Err(DuplicateObservation {
                org_unit,
                period,
                element,
                existing: *existing,
            });
        }
        by_period.insert(period, value);
        self.len += 1;
        Ok(())
    }

    /// Stores a value, replacing any value already there (for corrections); returns the old value.
    pub fn replace(
        &mut self,
        org_unit: OrgUnitCode,
        period: Period,
        element: DataElementId,
        value: Decimal,
    ) -> Option<Decimal> {
        let old = self
            .values
            .entry(org_unit)
            .or_default()
            .entry(element)
            .or_default()
            .insert(period, value);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// The value stored for exactly this org unit, data element and period (no aggregation).
    pub fn get(&self, org_unit: &OrgUnitCode, element: &DataElementId, period: Period) -> Option<Decimal> {
        self.values.get(org_unit)?.get(element)?.get(&period).copied()
    }

    /// Whether the org unit has any value of the data element stored.
    pub fn has_any(&self, org_unit: &OrgUnitCode, element: &DataElementId) -> bool {
        self.values
            .get(org_unit)
            .and_then(|m| m.get(element))
            .is_some_and(|m| !m.is_empty())
    }

    /// Number of stored values.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every stored value, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = Observation<'_>> {
        self.values.iter().flat_map(|(org_unit, by_el)| {
            by_el.iter().flat_map(move |(element, by_p)| {
                by_p.iter().map(move |(period, value)| Observation {
                    org_unit,
                    period: *period,
                    element,
                    value: *value,
                })
            })
        })
    }

    /// Every period that has at least one value, in period order.
    pub fn periods(&self) -> BTreeSet<Period> {
        self.iter().map(|o| o.period).collect()
    }

    /// The most recent period with data (see the ordering of [`Period`]: a whole year wins over its last
    /// quarter).
    pub fn latest_period(&self) -> Option<Period> {
        self.periods().into_iter().next_back()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> (OrgUnitCode, Period, DataElementId) {
        (
            OrgUnitCode::parse("211102").unwrap(),
            Period::parse("2019").unwrap(),
            DataElementId::parse("gdp").unwrap(),
        )
    }

    #[test]
    fn a_second_value_for_the_same_key_is_refused_and_the_first_kept() {
        let mut t = Observations::new();
        let (o, p, e) = key();
        t.insert(o.clone(), p, e.clone(), Decimal::from(5)).unwrap();
        let err = t.insert(o.clone(), p, e.clone(), Decimal::from(6)).unwrap_err();
        assert_eq!(err.existing, Decimal::from(5));
        assert!(err.to_string().contains("duplicate observation"));
        assert_eq!(t.get(&o, &e, p), Some(Decimal::from(5)));
        assert_eq!(t.len(), 1);
        assert_eq!(
            t.replace(o.clone(), p, e.clone(), Decimal::from(7)),
            Some(Decimal::from(5))
        );
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn latest_period_prefers_the_whole_year() {
        let mut t = Observations::new();
        let (o, _, e) = key();
        for p in ["2018", "2019Q3", "2019Q4", "2019"] {
            t.insert(o.clone(), Period::parse(p).unwrap(), e.clone(), Decimal::ONE)
                .unwrap();
        }
        assert_eq!(t.latest_period(), Some(Period::parse("2019").unwrap()));
        assert_eq!(t.periods().len(), 4);
    }
}
