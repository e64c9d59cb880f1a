//! Reporting periods (统计期): a calendar year (`2019`), a quarter (`2019Q3`) or a month (`2019-07`).
//!
//! This module owns the period value, its text form, its calendar dates, and the month arithmetic that the
//! indicator engine uses to aggregate flows and stocks. It knows nothing about plans or data.
//!
//! Periods are ordered by the day they end; a period that ends on the same day as one of its parts comes after
//! it (`2019-12 < 2019Q4 < 2019`). So the greatest period of a set is the most recent one, and a whole year is
//! preferred to its last quarter when both are available.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The earliest and latest year a period may have. Plans and statistics live well inside this range, and it
/// keeps every period's dates valid for `jiff` and its month index inside `i32`.
pub const MIN_YEAR: i16 = 1900;
/// See [`MIN_YEAR`].
pub const MAX_YEAR: i16 = 2999;

/// How long a period is (期间类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// 年度
    Year,
    /// 季度
    Quarter,
    /// 月度
    Month,
}

impl Granularity {
    /// Number of months in one period of this granularity.
    pub fn months(self) -> i32 {
        match self {
            Granularity::Year => 12,
            Granularity::Quarter => 3,
            Granularity::Month => 1,
        }
    }
}

/// A reporting period (统计期): year, quarter or month. Built only through [`Period::parse`] or the checked
/// constructors, so every value is a real calendar period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    year: i16,
    granularity: Granularity,
    /// 1-based quarter or month; 0 for a year.
    index: u8,
}

/// Why a text is not a period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// Not of the form `2019`, `2019Q3` or `2019-07`.
    #[error("期间格式不对 / not a period: {0:?} (应为 expected `2019`, `2019Q3` or `2019-07`)")]
    Malformed(String),
    /// The year is outside [`MIN_YEAR`]..=[`MAX_YEAR`].
    #[error("年份超出范围 / year out of range: {0} (allowed {MIN_YEAR}–{MAX_YEAR})")]
    YearOutOfRange(i32),
    /// Quarter not in 1..=4.
    #[error("季度应为1–4 / quarter must be 1–4: {0}")]
    Quarter(u32),
    /// Month not in 1..=12.
    #[error("月份应为1–12 / month must be 1–12: {0}")]
    Month(u32),
}

fn check_year(year: i32) -> Result<i16, PeriodError> {
    if (i32::from(MIN_YEAR)..=i32::from(MAX_YEAR)).contains(&year) {
        Ok(year as i16)
    } else {
        Err(PeriodError::YearOutOfRange(year))
    }
}

impl Period {
    /// The calendar year `year`.
    pub fn year_of(year: i32) -> Result<Period, PeriodError> {
        Ok(Period {
            year: check_year(year)?,
            granularity: Granularity::Year,
            index: 0,
        })
    }

    /// Quarter `quarter` (1–4) of `year`.
    pub fn quarter_of(year: i32, quarter: u32) -> Result<Period, PeriodError> {
        if !(1..=4).contains(&quarter) {
            return Err(PeriodError::Quarter(quarter));
        }
        Ok(Period {
            year: check_year(year)?,
            granularity: Granularity::Quarter,
            index: quarter as u8,
        })
    }

    /// Month `month` (1–12) of `year`.
    pub fn month_of(year: i32, month: u32) -> Result<Period, PeriodError> {
        if !(1..=12).contains(&month) {
            return Err(PeriodError::Month(month));
        }
        Ok(Period {
            year: check_year(year)?,
            granularity: Granularity::Month,
            index: month as u8,
        })
    }

    /// Reads `2019`, `2019Q3` (or `2019q3`) and `2019-07`. Surrounding spaces are ignored.
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let s = text.trim();
        let malformed = || PeriodError::Malformed(text.to_string());
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        // The year is the first four characters, which must be ASCII digits; `split_at_checked` refuses a cut
        // inside a multi-byte character (`20一8`) instead of panicking.
        let Some((year_text, rest)) = s.split_at_checked(4) else {
            return Err(malformed());
        };
        if !digits(year_text) {
            return Err(malformed());
        }
        let year: i32 = year_text.parse().map_err(|_| malformed())?;
        if rest.is_empty() {
            return Period::year_of(year);
        }
        if let Some(q) = rest.strip_prefix(['Q', 'q']) {
            if q.len() != 1 || !digits(q) {
                return Err(malformed());
            }
            let q: u32 = q.parse().map_err(|_| malformed())?;
            return Period::quarter_of(year, q);
        }
        if let Some(m) = rest.strip_prefix('-') {
            if m.len() != 2 || !digits(m) {
                return Err(malformed());
            }
            let m: u32 = m.parse().map_err(|_| malformed())?;
            return Period::month_of(year, m);
        }
        Err(malformed())
    }

    /// The calendar year the period lies in.
    pub fn year(self) -> i32 {
        i32::from(self.year)
    }

    /// Year, quarter or month.
    pub fn granularity(self) -> Granularity {
        self.granularity
    }

    /// The quarter (1–4) of a quarterly period.
    pub fn quarter(self) -> Option<u32> {
        (self.granularity == Granularity::Quarter).then_some(u32::from(self.index))
    }

    /// The month (1–12) of a monthly period.
    pub fn month(self) -> Option<u32> {
        (self.granularity == Granularity::Month).then_some(u32::from(self.index))
    }

    /// Months since January of year 0 of the first month of the period (a dense index, used to do period
    /// arithmetic without dates).
    pub fn first_month_index(self) -> i32 {
        let first = match self.granularity {
            Granularity::Year => 1,
            Granularity::Quarter => (i32::from(self.index) - 1) * 3 + 1,
            Granularity::Month => i32::from(self.index),
        };
        self.year() * 12 + first - 1
    }

    /// Month index (see [`Period::first_month_index`]) of the last month of the period.
    pub fn last_month_index(self) -> i32 {
        self.first_month_index() + self.granularity.months() - 1
    }

    /// The month whose [`Period::first_month_index`] is `index`, if its year is in range.
    pub fn from_month_index(index: i32) -> Option<Period> {
        Period::month_of(index.div_euclid(12), (index.rem_euclid(12) + 1) as u32).ok()
    }

    /// First day of the period.
    pub fn start(self) -> Date {
        let m = self.first_month_index().rem_euclid(12) + 1;
        // Years are limited to MIN_YEAR..=MAX_YEAR, so the date always exists.
        Date::new(self.year, m as i8, 1).unwrap_or(Date::MIN)
    }

    /// Last day of the period (inclusive).
    pub fn end(self) -> Date {
        let m = self.last_month_index().rem_euclid(12) + 1;
        Date::new(self.year, m as i8, 1)
            .map(Date::last_of_month)
            .unwrap_or(Date::MAX)
    }

    /// Whether `other` lies entirely within this period (a period contains itself).
    pub fn contains(self, other: Period) -> bool {
        self.first_month_index() <= other.first_month_index()
            && other.last_month_index() <= self.last_month_index()
    }

    /// Whether the day lies within this period.
    pub fn contains_date(self, day: Date) -> bool {
        self.start() <= day && day <= self.end()
    }

    /// The period `n` periods of the same granularity later (earlier when `n` is negative): `2019Q1.shift(-1)`
    /// is `2018Q4`. `None` when the result leaves the allowed years.
    pub fn shift(self, n: i32) -> Option<Period> {
        let months = n.checked_mul(self.granularity.months())?;
        self.shift_months(months)
    }

    /// The same period `n` years later (earlier when negative): `2019Q3.shift_years(-1)` is `2018Q3`.
    pub fn shift_years(self, n: i32) -> Option<Period> {
        self.shift_months(n.checked_mul(12)?)
    }

    /// The period of the same granularity whose first month is `months` months later (earlier when negative).
    /// Quarters and years stay aligned when `months` is a multiple of their length.
    pub fn shift_months(self, months: i32) -> Option<Period> {
        let first = self.first_month_index().checked_add(months)?;
        let year = first.div_euclid(12);
        let month0 = first.rem_euclid(12);
        match self.granularity {
            Granularity::Year => Period::year_of(year).ok(),
            Granularity::Quarter => Period::quarter_of(year, (month0 / 3 + 1) as u32).ok(),
            Granularity::Month => Period::month_of(year, (month0 + 1) as u32).ok(),
        }
    }

    /// The periods one level finer that make up this one: a year's four quarters, a quarter's three months.
    /// A month has no parts.
    pub fn parts(self) -> Vec<Period> {
        match self.granularity {
            Granularity::Year => (1..=4)
                .filter_map(|q| Period::quarter_of(self.year(), q).ok())
                .collect(),
            Granularity::Quarter => {
                let first = (u32::from(self.index) - 1) * 3 + 1;
                (first..first + 3)
                    .filter_map(|m| Period::month_of(self.year(), m).ok())
                    .collect()
            }
            Granularity::Month => Vec::new(),
        }
    }

    /// The period one level coarser that contains this one (month → quarter → year); `None` for a year.
    pub fn parent(self) -> Option<Period> {
        match self.granularity {
            Granularity::Year => None,
            Granularity::Quarter => Period::year_of(self.year()).ok(),
            Granularity::Month => Period::quarter_of(self.year(), (u32::from(self.index) - 1) / 3 + 1).ok(),
        }
    }

    /// The calendar year containing this period.
    pub fn whole_year(self) -> Period {
        Period {
            year: self.year,
            granularity: Granularity::Year,
            index: 0,
        }
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> Ordering {
        // By end; among periods ending together, the longer one (earlier start) comes last.
        self.last_month_index()
            .cmp(&other.last_month_index())
            .then_with(|| other.first_month_index().cmp(&self.first_month_index()))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.granularity {
            Granularity::Year => write!(f, "{}", self.year),
            Granularity::Quarter => write!(f, "{}Q{}", self.year, self.index),
            Granularity::Month => write!(f, "{}-{:02}", self.year, self.index),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Accept a bare integer year too (`deadline = 2020` in TOML).
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Int(y) => {
                let y = i32::try_from(y)
                    .map_err(|_| serde::de::Error::custom(PeriodError::YearOutOfRange(i32::MAX)))?;
                Period::year_of(y).map_err(serde::de::Error::custom)
            }
            Raw::Text(t) => Period::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn the_three_forms_parse_and_print_back() {
        for s in ["2019", "2019Q3", "2019-07", "2020-12", "2018Q1"] {
            assert_eq!(p(s).to_string(), s);
        }
        assert_eq!(p("2019q3"), p("2019Q3"));
        assert_eq!(p(" 2019 "), p("2019"));
    }

    #[test]
    fn malformed_periods_are_rejected_with_the_reason() {
        assert!(matches!(Period::parse("19"), Err(PeriodError::Malformed(_))));
        assert!(matches!(Period::parse("2019Q5"), Err(PeriodError::Quarter(5))));
        assert!(matches!(Period::parse("2019-13"), Err(PeriodError::Month(13))));
        assert!(matches!(Period::parse("2019-7"), Err(PeriodError::Malformed(_))));
        assert!(matches!(Period::parse("2019年"), Err(PeriodError::Malformed(_))));
        assert!(matches!(
            Period::parse("0999"),
            Err(PeriodError::YearOutOfRange(999))
        ));
        assert!(matches!(Period::parse(""), Err(PeriodError::Malformed(_))));
    }

    #[test]
    fn dates_cover_the_calendar_period() {
        assert_eq!(p("2019").start(), date(2019, 1, 1));
        assert_eq!(p("2019").end(), date(2019, 12, 31));
        assert_eq!(p("2019Q3").start(), date(2019, 7, 1));
        assert_eq!(p("2019Q3").end(), date(2019, 9, 30));
        assert_eq!(p("2020-02").end(), date(2020, 2, 29));
        assert_eq!(p("2019-02").end(), date(2019, 2, 28));
        assert!(p("2019Q3").contains_date(date(2019, 8, 15)));
        assert!(!p("2019Q3").contains_date(date(2019, 10, 1)));
    }

    #[test]
    fn containment_follows_the_calendar() {
        assert!(p("2019").contains(p("2019Q3")));
        assert!(p("2019").contains(p("2019-07")));
        assert!(p("2019Q3").contains(p("2019-07")));
        assert!(!p("2019Q3").contains(p("2019-10")));
        assert!(!p("2019Q3").contains(p("2019")));
        assert!(p("2019").contains(p("2019")));
    }

    #[test]
    fn periods_sort_by_end_with_wholes_after_their_parts() {
        let mut v = [p("2019"), p("2019Q4"), p("2019-12"), p("2018"), p("2019Q1")];
        v.sort();
        assert_eq!(
            v.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["2018", "2019Q1", "2019-12", "2019Q4", "2019"]
        );
    }

    #[test]
    fn shifting_keeps_the_granularity() {
        assert_eq!(p("2019Q1").shift(-1), Some(p("2018Q4")));
        assert_eq!(p("2019-01").shift(-1), Some(p("2018-12")));
        assert_eq!(p("2019").shift(1), Some(p("2020")));
        assert_eq!(p("2019Q3").shift_years(-1), Some(p("2018Q3")));
        assert_eq!(p("1900").shift(-1), None);
    }

    #[test]
    fn parts_and_parent_are_inverse() {
        assert_eq!(p("2019").parts().len(), 4);
        assert_eq!(
            p("2019Q2").parts(),
            vec![p("2019-04"), p("2019-05"), p("2019-06")]
        );
        for q in p("2019").parts() {
            assert_eq!(q.parent(), Some(p("2019")));
        }
        assert_eq!(p("2019-11").parent(), Some(p("2019Q4")));
        assert_eq!(p("2019").parent(), None);
        assert!(p("2019-11").parts().is_empty());
    }

    #[test]
    fn a_multi_byte_character_across_the_year_is_malformed_not_a_panic() {
        for text in ["20一8", "201一", "一2018", "2\u{301}018", "2018Q一", "2018-一"] {
            assert!(
                matches!(Period::parse(text), Err(PeriodError::Malformed(_))),
                "{text:?}"
            );
        }
    }

    #[test]
    fn serde_uses_the_text_form_and_accepts_integer_years() {
        assert_eq!(serde_json::to_string(&p("2019Q3")).unwrap(), "\"2019Q3\"");
        let y: Period = serde_json::from_str("2020").unwrap();
        assert_eq!(y, p("2020"));
        assert!(serde_json::from_str::<Period>("\"2020Q9\"").is_err());
    }

    proptest! {
        #[test]
        fn text_form_round_trips(year in MIN_YEAR..=MAX_YEAR, kind in 0u8..3, idx in 1u32..=12) {
            let period = match kind {
                0 => Period::year_of(year.into()).unwrap(),
                1 => Period::quarter_of(year.into(), (idx - 1) / 3 + 1).unwrap(),
                _ => Period::month_of(year.into(), idx).unwrap(),
            };
            prop_assert_eq!(Period::parse(&period.to_string()).unwrap(), period);
            prop_assert!(period.start() <= period.end());
            prop_assert!(period.whole_year().contains(period));
        }

        #[test]
        fn order_agrees_with_end_dates(a in 0i32..1200, b in 0i32..1200) {
            let (pa, pb) = (Period::from_month_index(24000 + a).unwrap(), Period::from_month_index(24000 + b).unwrap());
            prop_assert_eq!(pa.cmp(&pb), pa.end().cmp(&pb.end()));
        }
    }
}
