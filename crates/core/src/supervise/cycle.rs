//! Reporting cycles (报送周期) and their calendar periods, and the due-date rule that turns a cycle into the
//! reporting slots (报送期次) an item owes between its assignment (交办) and its deadline.
//!
//! The rule, after DHIS2's "days after period to qualify for timely submission" (anchors.md §1.1): the report on
//! a cycle period is due `N` days after the period ends — by default 5 days for a month and 10 days for a quarter
//! (ours: the "每月5日前报送上月进展" / "季后10日内" habit of 督办 notices; the anchors give no number).
//! A report submitted on the due date itself is on time.

use std::fmt;
use std::str::FromStr;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::error::SuperviseError;

/// How often a supervised item reports progress (报送周期).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportingCycle {
    /// 按月报送.
    Monthly,
    /// 按季度报送.
    Quarterly,
}

impl ReportingCycle {
    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            ReportingCycle::Monthly => "按月",
            ReportingCycle::Quarterly => "按季度",
        }
    }
}

/// A calendar period: a month (`2019-03`), a quarter (`2019Q4`) or a year (`2019`). Cycles use months and
/// quarters; scoreboards also use years. The text forms match the plan engine's period syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum CalendarPeriod {
    /// A whole year.
    Year(i16),
    /// Quarter 1–4 of a year.
    Quarter(i16, i8),
    /// Month 1–12 of a year.
    Month(i16, i8),
}

impl CalendarPeriod {
    /// The period of `cycle` that contains `date`.
    pub fn containing(cycle: ReportingCycle, date: Date) -> Self {
        match cycle {
            ReportingCycle::Monthly => CalendarPeriod::Month(date.year(), date.month()),
            ReportingCycle::Quarterly => CalendarPeriod::Quarter(date.year(), (date.month() - 1) / 3 + 1),
        }
    }

    /// First day of the period.
    pub fn start(self) -> Date {
        let (year, month) = match self {
            CalendarPeriod::Year(y) => (y, 1),
            CalendarPeriod::Quarter(y, q) => (y, (q - 1) * 3 + 1),
            CalendarPeriod::Month(y, m) => (y, m),
        };
        // Constructed only from valid parts (parse and `containing` check them), so day 1 always exists.
        Date::new(year, month, 1).unwrap_or(Date::MIN)
    }

    /// Last day of the period (month ends and leap years follow the calendar).
    pub fn end(self) -> Date {
        let (year, month) = match self {
            CalendarPeriod::Year(y) => (y, 12),
            CalendarPeriod::Quarter(y, q) => (y, q * 3),
            CalendarPeriod::Month(y, m) => (y, m),
        };
        Date::new(year, month, 1)
            .map(Date::last_of_month)
            .unwrap_or(Date::MAX)
    }

    /// Whether `date` falls inside the period.
    pub fn contains(self, date: Date) -> bool {
        self.start() <= date && date <= self.end()
    }

    /// The period that follows (same kind), or `None` past the calendar's end.
    pub fn next(self) -> Option<Self> {
        let after = self.end().tomorrow().ok()?;
        Some(match self {
            CalendarPeriod::Year(_) => CalendarPeriod::Year(after.year()),
            CalendarPeriod::Quarter(..) => CalendarPeriod::containing(ReportingCycle::Quarterly, after),
            CalendarPeriod::Month(..) => CalendarPeriod::containing(ReportingCycle::Monthly, after),
        })
    }

    /// Chinese label: `2019年3月`, `2019年第4季度`, `2019年`.
    pub fn label_zh(self) -> String {
        match self {
            CalendarPeriod::Year(y) => format!("{y}年"),
            CalendarPeriod::Quarter(y, q) => format!("{y}年第{q}季度"),
            CalendarPeriod::Month(y, m) => format!("{y}年{m}月"),
        }
    }

    /// Parses `2019`, `2019Q4` (or `2019q4`) and `2019-03`.
    pub fn parse(raw: &str) -> Result<Self, SuperviseError> {
        let text = raw.trim();
        let bad = || SuperviseError::BadPeriod { text: raw.to_owned() };
        let year_of = |s: &str| -> Result<i16, SuperviseError> {
            if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse::<i16>().map_err(|_| bad())
        };
        if let Some((y, q)) = text.split_once(['Q', 'q']) {
            let quarter: i8 = q.parse().map_err(|_| bad())?;
            if !(1..=4).contains(&quarter) || q.len() != 1 {
                return Err(bad());
            }
            return Ok(CalendarPeriod::Quarter(year_of(y)?, quarter));
        }
        if let Some((y, m)) = text.split_once('-') {
            let month: i8 = m.parse().map_err(|_| bad())?;
            if !(1..=12).contains(&month) || m.len() != 2 {
                return Err(bad());
            }
            return Ok(CalendarPeriod::Month(year_of(y)?, month));
        }
        Ok(CalendarPeriod::Year(year_of(text)?))
    }
}

/// Chronological order: by first day, then by last day (so a year sorts before its first quarter and month).
impl Ord for CalendarPeriod {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.start(), other.end()).cmp(&(other.start(), self.end()))
    }
}

impl PartialOrd for CalendarPeriod {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for CalendarPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarPeriod::Year(y) => write!(f, "{y:04}"),
            CalendarPeriod::Quarter(y, q) => write!(f, "{y:04}Q{q}"),
            CalendarPeriod::Month(y, m) => write!(f, "{y:04}-{m:02}"),
        }
    }
}

impl FromStr for CalendarPeriod {
    type Err = SuperviseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CalendarPeriod {
    type Error = SuperviseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CalendarPeriod> for String {
    fn from(p: CalendarPeriod) -> String {
        p.to_string()
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
    pub fn due_date(&self, cycle: ReportingCycle, period: CalendarPeriod) -> Date {
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
        let mut period = Some(CalendarPeriod::containing(cycle, from));
        while let Some(p) = period {
            if p.start() > until {
                break;
            }
            slots.push(ReportingSlot {
                period: p,
                due: self.due_date(cycle, p),
            });
            period = p.next();
        }
        slots
    }
}

/// One report an item owes (报送期次): the cycle period it covers and its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingSlot {
    /// The month or quarter reported on.
    pub period: CalendarPeriod,
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

    #[test]
    fn periods_parse_and_print_in_the_plan_syntax() {
        for text in ["2019", "2019Q4", "2019-03", "2020-12", "2020Q1"] {
            assert_eq!(CalendarPeriod::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(
            CalendarPeriod::parse("2019q2").unwrap(),
            CalendarPeriod::Quarter(2019, 2)
        );
        for bad in [
            "", "19", "2019Q5", "2019Q0", "2019-13", "2019-3", "2019-00", "abcd", "2019Q12",
        ] {
            assert!(CalendarPeriod::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn month_ends_follow_the_calendar_including_leap_years() {
        assert_eq!(CalendarPeriod::Month(2019, 2).end(), date(2019, 2, 28));
        assert_eq!(CalendarPeriod::Month(2020, 2).end(), date(2020, 2, 29));
        assert_eq!(CalendarPeriod::Month(2018, 4).end(), date(2018, 4, 30));
        assert_eq!(CalendarPeriod::Month(2018, 12).end(), date(2018, 12, 31));
        assert_eq!(CalendarPeriod::Quarter(2019, 1).end(), date(2019, 3, 31));
        assert_eq!(CalendarPeriod::Quarter(2019, 2).end(), date(2019, 6, 30));
        assert_eq!(CalendarPeriod::Quarter(2019, 3).end(), date(2019, 9, 30));
        assert_eq!(CalendarPeriod::Quarter(2019, 4).start(), date(2019, 10, 1));
        assert_eq!(CalendarPeriod::Year(2020).end(), date(2020, 12, 31));
    }

    #[test]
    fn due_dates_are_n_days_after_the_period_end() {
        // February of a leap year ends on the 29th: due 5 March.
        assert_eq!(
            rule().due_date(ReportingCycle::Monthly, CalendarPeriod::Month(2020, 2)),
            date(2020, 3, 5)
        );
        // February of a common year ends on the 28th: due 5 March as well (28 + 5 days).
        assert_eq!(
            rule().due_date(ReportingCycle::Monthly, CalendarPeriod::Month(2019, 2)),
            date(2019, 3, 5)
        );
        // A 31-day month.
        assert_eq!(
            rule().due_date(ReportingCycle::Monthly, CalendarPeriod::Month(2019, 1)),
            date(2019, 2, 5)
        );
        // December's report crosses the year.
        assert_eq!(
            rule().due_date(ReportingCycle::Monthly, CalendarPeriod::Month(2019, 12)),
            date(2020, 1, 5)
        );
        // Quarter ends.
        assert_eq!(
            rule().due_date(ReportingCycle::Quarterly, CalendarPeriod::Quarter(2019, 4)),
            date(2020, 1, 10)
        );
        assert_eq!(
            rule().due_date(ReportingCycle::Quarterly, CalendarPeriod::Quarter(2020, 1)),
            date(2020, 4, 10)
        );
        let custom = DueDateRule {
            monthly_days_after_end: 0,
            quarterly_days_after_end: 15,
        };
        assert_eq!(
            custom.due_date(ReportingCycle::Monthly, CalendarPeriod::Month(2020, 2)),
            date(2020, 2, 29)
        );
        assert_eq!(
            custom.due_date(ReportingCycle::Quarterly, CalendarPeriod::Quarter(2018, 3)),
            date(2018, 10, 15)
        );
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
    }

    #[test]
    fn periods_step_over_year_ends() {
        assert_eq!(
            CalendarPeriod::Month(2019, 12).next(),
            Some(CalendarPeriod::Month(2020, 1))
        );
        assert_eq!(
            CalendarPeriod::Quarter(2019, 4).next(),
            Some(CalendarPeriod::Quarter(2020, 1))
        );
        assert_eq!(
            CalendarPeriod::Year(2019).next(),
            Some(CalendarPeriod::Year(2020))
        );
        assert_eq!(
            CalendarPeriod::containing(ReportingCycle::Quarterly, date(2019, 6, 30)),
            CalendarPeriod::Quarter(2019, 2)
        );
        assert_eq!(
            CalendarPeriod::containing(ReportingCycle::Quarterly, date(2019, 7, 1)),
            CalendarPeriod::Quarter(2019, 3)
        );
    }
}
