//! Shared pieces of every rule: three-valued condition results (pass / fail / cannot judge, with the missing
//! figure), score ranges, and exact ratio comparisons by cross-multiplication.
//!
//! A condition whose figure is absent is `Unknown`, never guessed; a verdict is reached only when the missing
//! figures could not change it (Kleene logic: one failing condition decides, all passing decide).

use std::fmt;

use rust_decimal::Decimal;

/// A figure the rules read, for "missing …" messages and explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    RegisteredOn,
    IndustryCode,
    Employees,
    TechStaff,
    SalesRevenue,
    MainBusinessRevenue,
    TotalRevenue,
    HighTechRevenue,
    TotalAssets,
    TotalLiabilities,
    CostExpenseTotal,
    RdExpense,
    RdExpenseDomestic,
    Conversions,
}

impl Field {
    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Field::RegisteredOn => "注册成立日期",
            Field::IndustryCode => "行业代码",
            Field::Employees => "职工总数",
            Field::TechStaff => "科技人员数",
            Field::SalesRevenue => "销售收入",
            Field::MainBusinessRevenue => "主营业务收入",
            Field::TotalRevenue => "总收入",
            Field::HighTechRevenue => "高新技术产品(服务)收入",
            Field::TotalAssets => "资产总额",
            Field::TotalLiabilities => "负债总额",
            Field::CostExpenseTotal => "成本费用支出总额",
            Field::RdExpense => "研发费用",
            Field::RdExpenseDomestic => "境内研发费用",
            Field::Conversions => "科技成果转化数",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Field::RegisteredOn => "registration date",
            Field::IndustryCode => "industry code",
            Field::Employees => "employees",
            Field::TechStaff => "tech staff",
            Field::SalesRevenue => "sales revenue",
            Field::MainBusinessRevenue => "main-business revenue",
            Field::TotalRevenue => "total revenue",
            Field::HighTechRevenue => "high-tech revenue",
            Field::TotalAssets => "total assets",
            Field::TotalLiabilities => "total liabilities",
            Field::CostExpenseTotal => "total costs and expenses",
            Field::RdExpense => "R&D expense",
            Field::RdExpenseDomestic => "domestic R&D expense",
            Field::Conversions => "technology conversions",
        }
    }
}

/// A figure that a rule needed and the input lacked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Missing {
    /// The fiscal year, for yearly figures.
    pub year: Option<i16>,
    pub field: Field,
}

impl Missing {
    pub(crate) fn of(year: i16, field: Field) -> Self {
        Missing {
            year: Some(year),
            field,
        }
    }
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(y) => write!(
                f,
                "缺少 {y} 年{} / missing {y} {}",
                self.field.name_zh(),
                self.field.name_en()
            ),
            None => write!(
                f,
                "缺少{} / missing {}",
                self.field.name_zh(),
                self.field.name_en()
            ),
        }
    }
}

/// The result of one condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Pass,
    Fail,
    /// The input lacks a figure the condition needs.
    Unknown(Missing),
}

impl Check {
    pub(crate) fn from_bool(ok: bool) -> Self {
        if ok { Check::Pass } else { Check::Fail }
    }

    /// Kleene AND: a failure decides, then the first unknown, else pass.
    pub(crate) fn and(self, other: Check) -> Check {
        match (self, other) {
            (Check::Fail, _) | (_, Check::Fail) => Check::Fail,
            (Check::Unknown(m), _) | (_, Check::Unknown(m)) => Check::Unknown(m),
            _ => Check::Pass,
        }
    }

    /// Kleene AND over many.
    pub(crate) fn all(checks: &[Check]) -> Check {
        checks.iter().fold(Check::Pass, |acc, c| acc.and(*c))
    }

    /// true / false / None, for the JSON.
    pub fn passed(self) -> Option<bool> {
        match self {
            Check::Pass => Some(true),
            Check::Fail => Some(false),
            Check::Unknown(_) => None,
        }
    }
}

/// An integer score known to lie in [min, max]; `missing` says when the width comes from absent data rather than
/// from expert judgement or a band's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Points {
    pub min: u8,
    pub max: u8,
    pub missing: Option<Missing>,
}

impl Points {
    pub(crate) const fn exact(p: u8) -> Self {
        Points {
            min: p,
            max: p,
            missing: None,
        }
    }
    pub(crate) const fn range(min: u8, max: u8) -> Self {
        Points {
            min,
            max,
            missing: None,
        }
    }
    pub(crate) const fn unknown(max: u8, m: Missing) -> Self {
        Points {
            min: 0,
            max,
            missing: Some(m),
        }
    }
    /// The exact value, when known.
    pub fn value(self) -> Option<u8> {
        (self.min == self.max && self.missing.is_none()).then_some(self.min)
    }
    pub(crate) fn plus(self, o: Points) -> Points {
        Points {
            min: self.min + o.min,
            max: self.max + o.max,
            missing: self.missing.or(o.missing),
        }
    }
    /// The better of two alternative measures (the enterprise chooses).
    pub(crate) fn best_of(self, o: Points) -> Points {
        Points {
            min: self.min.max(o.min),
            max: self.max.max(o.max),
            // Missing data only matters if it could raise the result.
            missing: if self.max > o.min { self.missing } else { None }.or(if o.max > self.min {
                o.missing
            } else {
                None
            }),
        }
    }
    pub(crate) fn cap(self, cap: u8) -> Points {
        Points {
            min: self.min.min(cap),
            max: self.max.min(cap),
            missing: self.missing,
        }
    }
}

/// Powers of ten that fit an i128 (10^0 … 10^38).
const POW10: [i128; 39] = {
    let mut t = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// `m · 10^(exp)` in i128, or None on overflow.
#[inline]
fn scaled(m: i128, exp: u32) -> Option<i128> {
    m.checked_mul(*POW10.get(exp as usize)?)
}

/// A decimal as (mantissa, scale) when both are small enough that the products below cannot overflow an i128:
/// |mantissa| < 2^53 and scale ≤ 8 — every realistic amount in 万元, count or percentage.
#[inline]
fn small(d: Decimal) -> Option<(i128, usize)> {
    let (m, s) = (d.mantissa(), d.scale());
    (s <= 8 && m.unsigned_abs() < (1u128 << 53)).then_some((m, s as usize))
}

/// `num / den ≥ pct / 100` exactly, without dividing. `den` must be positive.
///
/// Hot path of every rule: for small decimals it compares num·100·10^(s_den+s_pct) with pct·den·10^s_num on the
/// integer mantissas — exact, and bounded (< 2^115) so plain i128 products cannot overflow. Larger values take
/// checked i128 arithmetic, then `Decimal` arithmetic.
#[inline]
pub(crate) fn ratio_at_least(num: Decimal, den: Decimal, pct: Decimal) -> bool {
    if let (Some((nm, ns)), Some((dm, ds)), Some((pm, ps))) = (small(num), small(den), small(pct)) {
        return nm * 100 * POW10[ds + ps] >= pm * dm * POW10[ns];
    }
    let lhs = num
        .mantissa()
        .checked_mul(100)
        .and_then(|l| scaled(l, den.scale() + pct.scale()));
    let rhs = pct
        .mantissa()
        .checked_mul(den.mantissa())
        .and_then(|r| scaled(r, num.scale()));
    match (lhs, rhs) {
        (Some(l), Some(r)) => l >= r,
        _ => decimal_ratio_at_least(num, den, pct),
    }
}

#[cold]
fn decimal_ratio_at_least(num: Decimal, den: Decimal, pct: Decimal) -> bool {
    match (num.checked_mul(Decimal::ONE_HUNDRED), pct.checked_mul(den)) {
        (Some(l), Some(r)) => l >= r,
        // Beyond 96 bits: divide instead (both sides are then far from any threshold's rounding error).
        _ => num.checked_div(den).is_some_and(|q| {
            q.checked_mul(Decimal::ONE_HUNDRED)
                .map_or(q.is_sign_positive(), |v| v >= pct)
        }),
    }
}

/// `a ≤ b` on the mantissas (fast path of `Decimal`'s comparison when scales differ).
#[inline]
pub(crate) fn at_most(a: Decimal, b: Decimal) -> bool {
    if let (Some((am, sa)), Some((bm, sb))) = (small(a), small(b)) {
        return am * POW10[sb] <= bm * POW10[sa];
    }
    a <= b
}

/// `d > 0`, without a comparison.
#[inline]
pub(crate) fn positive(d: Decimal) -> bool {
    d.is_sign_positive() && !d.is_zero()
}

/// Points of a "≥ threshold %" band table (thresholds descending; lower bound inclusive, 115号 第七条 "(含)").
pub(crate) fn band_points(num: Decimal, den: Decimal, bands: &[(Decimal, u8)]) -> u8 {
    if !positive(den) {
        return 0;
    }
    if let (Some((nm, ns)), Some((dm, ds))) = (small(num), small(den)) {
        // The two sides once, then one product per band: num·100·10^s_den·10^s_pct ≥ pct·den·10^s_num.
        let (l, r) = (nm * 100 * POW10[ds], dm * POW10[ns]);
        for (pct, points) in bands {
            match small(*pct) {
                Some((pm, ps)) if l * POW10[ps] >= pm * r => return *points,
                Some(_) => {}
                None if ratio_at_least(num, den, *pct) => return *points,
                None => {}
            }
        }
        return 0;
    }
    bands
        .iter()
        .find(|(pct, _)| ratio_at_least(num, den, *pct))
        .map_or(0, |(_, p)| *p)
}

/// `num / den` for display, rounded to 6 places; None when den is zero.
pub fn ratio(num: Decimal, den: Decimal) -> Option<Decimal> {
    if den.is_zero() {
        None
    } else {
        num.checked_div(den).map(|q| q.round_dp(6).normalize())
    }
}

/// Formats a fraction as a percentage with two decimals, e.g. `5.12 %`.
pub fn percent(fraction: Decimal) -> String {
    format!("{:.2} %", (fraction * Decimal::ONE_HUNDRED).round_dp(2))
}

/// Days since 0000-03-01 of the proleptic Gregorian calendar (H. Hinnant's days_from_civil), for exact day counts
/// without allocating or going through a time-zone library in the hot path.
pub(crate) fn day_number(d: jiff::civil::Date) -> i32 {
    let (y, m, dd) = (i32::from(d.year()), i32::from(d.month()), i32::from(d.day()));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Date;
    use rust_decimal_macros::dec;

    #[test]
    fn ratio_comparison_is_exact_at_the_boundary() {
        // f64 would say 0.1 * 3 = 0.30000000000000004.
        assert!(ratio_at_least(dec!(0.3), dec!(1), dec!(30)));
        assert!(ratio_at_least(dec!(30), dec!(100), dec!(30)));
        assert!(!ratio_at_least(dec!(29.99), dec!(100), dec!(30)));
    }

    #[test]
    fn the_integer_fast_path_agrees_with_decimal_arithmetic() {
        let cases = [
            (dec!(640), dec!(12500), dec!(5)),
            (dec!(639.99), dec!(12500), dec!(5)),
            (dec!(11), dec!(110), dec!(10)),
            (dec!(2879.99), dec!(4800), dec!(60)),
            (dec!(1.0000000001), dec!(3), dec!(33.333333334)),
            (Decimal::MAX, dec!(1), dec!(100)),
            (dec!(1), Decimal::MAX, dec!(0.0000001)),
        ];
        for (n, d, p) in cases {
            assert_eq!(
                ratio_at_least(n, d, p),
                decimal_ratio_at_least(n, d, p),
                "{n} / {d} ≥ {p} %"
            );
        }
        assert!(
            at_most(dec!(500), dec!(500.00))
                && !at_most(dec!(500.01), dec!(500))
                && at_most(dec!(-1), dec!(0))
        );
        assert!(at_most(Decimal::MAX, Decimal::MAX) && !at_most(Decimal::MAX, dec!(0.5)));
        // Both paths of the band table agree.
        let bands = [(dec!(6), 50), (dec!(5.5), 45), (dec!(2), 10)];
        for (n, d) in [
            (dec!(60), dec!(1000)),
            (dec!(55), dec!(1000)),
            (dec!(54.99), dec!(1000)),
            (dec!(1e20), dec!(3)),
        ] {
            let slow = bands
                .iter()
                .find(|(p, _)| decimal_ratio_at_least(n, d, *p))
                .map_or(0, |b| b.1);
            assert_eq!(band_points(n, d, &bands), slow, "{n} / {d}");
        }
    }

    #[test]
    fn day_numbers_match_jiff() {
        for (a, b) in [
            ((2017, 3, 1), (2018, 2, 28)),
            ((2016, 2, 29), (2017, 3, 1)),
            ((1999, 12, 31), (2000, 1, 1)),
        ] {
            let (a, b) = (Date::constant(a.0, a.1, a.2), Date::constant(b.0, b.1, b.2));
            let jiff_days = a.until(b).unwrap().get_days();
            assert_eq!(day_number(b) - day_number(a), jiff_days);
        }
    }

    #[test]
    fn kleene_and_lets_a_failure_decide() {
        let m = Missing::of(2017, Field::SalesRevenue);
        assert_eq!(Check::Unknown(m).and(Check::Fail), Check::Fail);
        assert_eq!(Check::Pass.and(Check::Unknown(m)), Check::Unknown(m));
        assert_eq!(Check::all(&[Check::Pass, Check::Pass]), Check::Pass);
        assert_eq!(m.to_string(), "缺少 2017 年销售收入 / missing 2017 sales revenue");
    }
}
