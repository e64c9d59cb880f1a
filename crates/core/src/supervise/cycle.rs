//! Reporting cycles (报送周期) and their calendar periods, and the due-date rule that turns a cycle into the
//! reporting slots (报送期次) an item owes between its assignment (交办) and its deadline.
//!
//! The rule, after DHIS2's "days after period to qualify for timely submission" (anchors.md §1.1): the report on
//! a cycle period is due `N` days after the period ends — by default 5 days for a month and 10 days for a quarter
//! (ours: the "每月5日前报送上月进展" / "季后10日内" habit of 督办 notices; the anchors give no number).
//! A report submitted on the due date itself is on time.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::period::Granularity;
pub use crate::period::Period;
pub use crate::plan::ReportingCycle;

/// The period of `cycle` that contains `date` (a month or a quarter), or `None` for a date outside the years a
/// [`Period`] allows.
pub fn period_containing(cycle: ReportingCycle, date: Date) -> Option<Period> {
    let year = i32::from(date.year());
    let month = u32::try_from(date.month()).ok()?;
    match cycle {
        ReportingCycle::Monthly => Period::month_of(year, month).ok(),
        ReportingCycle::Quarterly => Period::quarter_of(year, (month - 1) / 3 + 1).ok(),
    }
}

/// Chinese label of a period: `2019年3月`, `2019年第4季度`, `2019年`.
pub fn period_label_zh(period: Period) -> String {
    match period.granularity() {
        Granularity::Year => format!("{}年", period.year()),
        Granularity::Quarter => format!("{}年第{}季度", period.year(), period.quarter().unwrap_or(0)),
        Granularity::Month => format!("{}年{}月", period.year(), period.month().unwrap_or(0)),
    }
}

/// When a cycle's report is due (报送时限): `N` days after the cycle period ends. Lives in the plan file as
/// `[supervision.reporting]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DueDateRule {
    /// Days after a month ends by which its report is due (default 5: "每月5日前报送上月进展").
    pub monthly_days_after_end: u16,
    /// Days after a quarter ends by which its report is due (default 10: "季后10日内").
    pub quarterly_days_after_end: u16,
}

impl Default for DueDateRule {
    fn default() -> Self {
        Self {
            monthly_days_after_end: 5,
            quarterly_days_after_end: 10,
        }
    }
}

impl DueDateRule {
    /// Days of grace after a period of `cycle` ends.
    pub fn days_after_end(&self, cycle: ReportingCycle) -> u16 {
        match cycle {
            ReportingCycle::Monthly => self.monthly_days_after_end,
            ReportingCycle::Quarterly => self.quarterly_days_after_end,
        }
    }

    /// Due date of the report on `period` (a month or quarter of `cycle`).
    pub fn due_date(&self, cycle: ReportingCycle, period: Period) -> Date {
        let end = period.end();
        end.checked_add(i64::from(self.days_after_end(cycle)).days())
            .unwrap_or(Date::MAX)
    }

    /// The reporting slots of a cycle from `from` (the assignment date) through `until` (the deadline, or
    /// later while an item stays open): one slot per cycle period that overlaps `[from, until]`, in order.
    /// The period that contains `from` counts even when it is partly before the assignment.
    pub fn slots(&self, cycle: ReportingCycle, from: Date, until: Date) -> Vec<ReportingSlot> {
        let mut slots = Vec::new();
        if until < from {
            return slots;
        }
        let mut period = period_containing(cycle, from);
        while let Some(p) = period {
            if p.start() > until {
                break;
            }
            slots.push(ReportingSlot {
                period: p,
                due: self.due_date(cycle, p),
            });
            period = p.shift(1);
        }
        slots
    }
}

/// One report an item owes (报送期次): the cycle period it covers and its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingSlot {
    /// The month or quarter reported on.
    pub period: Period,
    /// Last day on which the report is on time.
    pub due: Date,
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn rule() -> DueDateRule {
        DueDateRule::default()
    }

    fn p(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    #[test]
    fn due_dates_are_n_days_after_the_period_end() {
        let m = ReportingCycle::Monthly;
        let q = ReportingCycle::Quarterly;
        // February of a leap year ends on the 29th: due 5 March.
        assert_eq!(rule().due_date(m, p("2020-02")), date(2020, 3, 5));
        // February of a common year ends on the 28th: 28 + 5 days is 5 March as well.
        assert_eq!(rule().due_date(m, p("2019-02")), date(2019, 3, 5));
        // 30- and 31-day months.
        assert_eq!(rule().due_date(m, p("2019-04")), date(2019, 5, 5));
        assert_eq!(rule().due_date(m, p("2019-01")), date(2019, 2, 5));
        // December's report crosses the year.
        assert_eq!(rule().due_date(m, p("2019-12")), date(2020, 1, 5));
        // Quarter ends, the last one crossing the year.
        assert_eq!(rule().due_date(q, p("2019Q1")), date(2019, 4, 10));
        assert_eq!(rule().due_date(q, p("2019Q2")), date(2019, 7, 10));
        assert_eq!(rule().due_date(q, p("2019Q3")), date(2019, 10, 10));
        assert_eq!(rule().due_date(q, p("2019Q4")), date(2020, 1, 10));
        // A custom rule: due on the last day itself, or 25 days after a quarter (crossing Feb 29 of 2020).
        let custom = DueDateRule {
            monthly_days_after_end: 0,
            quarterly_days_after_end: 60,
        };
        assert_eq!(custom.due_date(m, p("2020-02")), date(2020, 2, 29));
        assert_eq!(custom.due_date(q, p("2019Q4")), date(2020, 2, 29));
        assert_eq!(custom.due_date(q, p("2018Q4")), date(2019, 3, 1));
    }

    #[test]
    fn slots_cover_every_period_between_assignment_and_deadline() {
        let monthly = rule().slots(ReportingCycle::Monthly, date(2019, 11, 20), date(2020, 2, 29));
        let periods: Vec<String> = monthly.iter().map(|s| s.period.to_string()).collect();
        assert_eq!(periods, ["2019-11", "2019-12", "2020-01", "2020-02"]);
        assert_eq!(monthly[3].due, date(2020, 3, 5));

        let quarterly = rule().slots(ReportingCycle::Quarterly, date(2018, 9, 30), date(2019, 10, 1));
        let periods: Vec<String> = quarterly.iter().map(|s| s.period.to_string()).collect();
        assert_eq!(
            periods,
            ["2018Q3", "2018Q4", "2019Q1", "2019Q2", "2019Q3", "2019Q4"]
        );

        // Assigned and due within one month: one slot; deadline before assignment: none.
        assert_eq!(
            rule()
                .slots(ReportingCycle::Monthly, date(2019, 5, 2), date(2019, 5, 30))
                .len(),
            1
        );
        assert!(
            rule()
                .slots(ReportingCycle::Monthly, date(2019, 5, 2), date(2019, 5, 1))
                .is_empty()
        );
        // A deadline on a period's first day still owes that period.
        let q = rule().slots(ReportingCycle::Quarterly, date(2019, 1, 1), date(2019, 4, 1));
        assert_eq!(
            q.iter().map(|s| s.period.to_string()).collect::<Vec<_>>(),
            ["2019Q1", "2019Q2"]
        );
    }

    #[test]
    fn the_period_of_a_date_follows_quarter_and_month_boundaries() {
        let q = ReportingCycle::Quarterly;
        assert_eq!(period_containing(q, date(2019, 6, 30)), Some(p("2019Q2")));
        assert_eq!(period_containing(q, date(2019, 7, 1)), Some(p("2019Q3")));
        assert_eq!(period_containing(q, date(2020, 12, 31)), Some(p("2020Q4")));
        assert_eq!(
            period_containing(ReportingCycle::Monthly, date(2020, 2, 29)),
            Some(p("2020-02"))
        );
        assert_eq!(period_containing(ReportingCycle::Monthly, date(1000, 1, 1)), None);
        assert_eq!(period_label_zh(p("2019Q4")), "2019年第4季度");
        assert_eq!(period_label_zh(p("2019-03")), "2019年3月");
    }
}
