//! 高新技术企业 (high-tech enterprises): the eight conditions of 国科发火〔2016〕32号《高新技术企业认定管理办法》
//! 第十一条 and the time, staff, money and scoring definitions of 国科发火〔2016〕195号《…工作指引》.
//!
//! `as_of` is the application date: the data are the three fiscal years before the application year (近三个会计
//! 年度, 不含申报年; fewer when the enterprise is younger), "最近一年" is the year before it. Expert-scored items
//! of the innovation score come from the input when given, otherwise as their [min, max] range; the verdict is
//! `needs_expert_review` when the hard conditions pass and that range straddles 71. Allocation-free.

use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::check::{Check, Field, Missing, Points, at_most, day_number, positive, ratio_at_least};
use super::profile::{EnterpriseProfile, FiscalYear, IncidentKind, IpHoldings};
use super::rules::{FirstYearZeroGrowth, GrowthBand, Rules};

/// 195号: "注册成立一年以上" = 365 个日历天数以上.
pub const MIN_AGE_DAYS: i32 = 365;
/// 32号 第十一条(四): 科技人员占当年职工总数的比例不低于10%.
pub const MIN_TECH_STAFF_PCT: Decimal = dec!(10);
/// 32号 第十一条(五): 境内研发费用占全部研发费用的比例不低于60%.
pub const MIN_DOMESTIC_RD_PCT: Decimal = dec!(60);
/// 32号 第十一条(六): 高新技术产品(服务)收入占同期总收入的比例不低于60%.
pub const MIN_HIGH_TECH_REVENUE_PCT: Decimal = dec!(60);
/// 32号 第十一条(七) and 195号: 综合得分达到70分以上（不含70分）; integer points, so ≥ 71.
pub const PASS_SCORE: u8 = 71;
/// 32号 第十一条(五): R&D bands by the latest year's 销售收入 (万元), tops inclusive.
pub const BAND_SMALL_TOP_WAN: Decimal = dec!(5000);
pub const BAND_MEDIUM_TOP_WAN: Decimal = dec!(20000);

/// The R&D ratio required for the latest year's sales: ≤5,000万 → 5 %; ≤2亿 → 4 %; above → 3 %.
pub fn required_rd_pct(latest_sales: Decimal) -> Decimal {
    if at_most(latest_sales, BAND_SMALL_TOP_WAN) {
        dec!(5)
    } else if at_most(latest_sales, BAND_MEDIUM_TOP_WAN) {
        dec!(4)
    } else {
        dec!(3)
    }
}

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HighTechOutcome {
    Eligible,
    NotEligible,
    /// Hard conditions pass; the score range straddles 71: an expert must score. `points_needed` = 71 − min.
    NeedsExpertReview {
        points_needed: u8,
    },
    CannotJudge(Missing),
}

impl HighTechOutcome {
    /// JSON id.
    pub fn id(self) -> &'static str {
        match self {
            HighTechOutcome::Eligible => "eligible",
            HighTechOutcome::NotEligible => "not_eligible",
            HighTechOutcome::NeedsExpertReview { .. } => "needs_expert_review",
            HighTechOutcome::CannotJudge(_) => "cannot_judge",
        }
    }
}

/// 195号 innovation score, item by item, as ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InnovationScore {
    /// 技术的先进程度 (≤8, expert).
    pub tech_advancement: Points,
    /// 核心支持作用 (≤8, expert).
    pub core_support: Points,
    /// 知识产权数量 (≤8, by band).
    pub ip_count: Points,
    /// 知识产权获得方式 (≤6, expert within A 1–6 / B 1–3).
    pub ip_acquisition: Points,
    /// 加分: 参与编制标准 (≤2).
    pub standards_bonus: Points,
    /// 科技成果转化能力 (≤30).
    pub conversion: Points,
    /// 研究开发组织管理水平 (≤20, expert).
    pub rd_management: Points,
    /// 净资产增长率 (≤10).
    pub net_asset_growth: Points,
    /// 销售收入增长率 (≤10).
    pub sales_growth: Points,
}

impl InnovationScore {
    /// 知识产权 sub-total, capped at 30 even with the bonus (195号).
    pub fn ip_total(&self) -> Points {
        self.tech_advancement
            .plus(self.core_support)
            .plus(self.ip_count)
            .plus(self.ip_acquisition)
            .plus(self.standards_bonus)
            .cap(30)
    }

    /// The total range.
    pub fn total(&self) -> Points {
        self.ip_total()
            .plus(self.conversion)
            .plus(self.rd_management)
            .plus(self.net_asset_growth)
            .plus(self.sales_growth)
    }
}

/// Everything the 高企 rule decided. `Copy`, no heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HighTechVerdict {
    pub as_of: Date,
    /// First and last fiscal year of the 近三个会计年度 window actually used.
    pub first_year: i16,
    pub last_year: i16,
    /// (一) 注册成立 365 天以上; days registered when known.
    pub age: Check,
    pub age_days: Option<i32>,
    /// (二) 拥有核心知识产权所有权.
    pub ip_owned: Check,
    /// (三) 属于八大领域.
    pub field: Check,
    /// (四) 科技人员 ≥ 10 %.
    pub tech_staff: Check,
    /// (五) 研发费用比例 by band.
    pub rd_ratio: Check,
    /// (五) 境内研发 ≥ 60 %.
    pub domestic_rd: Check,
    /// (六) 高新收入 ≥ 60 %.
    pub high_tech_revenue: Check,
    /// (七) 创新能力评价 > 70.
    pub score: InnovationScore,
    /// (八) 申请前 365 天内无重大安全、质量事故或严重环境违法.
    pub record: Check,
    /// Three-year sums and the latest year's sales, when complete.
    pub rd_total: Option<Decimal>,
    pub sales_total: Option<Decimal>,
    pub domestic_total: Option<Decimal>,
    pub latest_sales: Option<Decimal>,
    pub outcome: HighTechOutcome,
}

impl HighTechVerdict {
    /// The hard conditions (all but the score) together.
    pub fn hard(&self) -> Check {
        Check::all(&[
            self.age,
            self.ip_owned,
            self.field,
            self.tech_staff,
            self.rd_ratio,
            self.domestic_rd,
            self.high_tech_revenue,
            self.record,
        ])
    }

    /// The required R&D ratio in percent, when the latest year's sales are known.
    pub fn required_rd_pct(&self) -> Option<Decimal> {
        self.latest_sales.map(required_rd_pct)
    }
}

/// 195号 IP-count band: ≥1 Ⅰ类 A 7–8; ≥5 Ⅱ类 B 5–6; 3–4 Ⅱ类 C 3–4; 1–2 Ⅱ类 D 1–2; none 0.
pub fn ip_count_points(ip: IpHoldings) -> Points {
    if ip.class_i >= 1 {
        Points::range(7, 8)
    } else {
        match ip.class_ii {
            0 => Points::exact(0),
            1..=2 => Points::range(1, 2),
            3..=4 => Points::range(3, 4),
            _ => Points::range(5, 6),
        }
    }
}

/// 195号 科技成果转化能力 band on the annual average over the years: A ≥5 25–30 … E ≥1 1–6, F 0.
pub fn conversion_points(total: u32, years: u32) -> Points {
    let bands: [(u32, u8, u8); 5] = [(5, 25, 30), (4, 19, 24), (3, 13, 18), (2, 7, 12), (1, 1, 6)];
    let years = years.max(1);
    bands
        .iter()
        .find(|(k, ..)| total >= k * years)
        .map_or(Points::exact(0), |(_, lo, hi)| Points::range(*lo, *hi))
}

/// A growth rate's band: `reaches(t)` says whether the rate is ≥ t %; the lowest band is "> 0", strict.
fn growth_band(bands: &[GrowthBand; 5], reaches: impl Fn(Decimal) -> bool, positive: bool) -> Points {
    for b in bands.iter().take(4) {
        if reaches(b.at_least_pct) {
            return Points::range(b.min, b.max);
        }
    }
    if positive {
        Points::range(bands[4].min, bands[4].max)
    } else {
        Points::exact(0)
    }
}

/// 195号 growth rate of three year-end values (净资产 or 销售收入) as points, with its edge rules:
/// negative → 0; first year 0 → "按后两年计算"; second year 0 → 0; negative bases → undefined (expert range).
/// `values` holds the years actually operated (1–3). Every comparison is a cross-multiplication: a rate
/// `x / y − 1 ≥ t %` is `x / y ≥ (100 + t) %`.
pub fn growth_points(values: &[Decimal], rules: &Rules) -> Points {
    let bands = &rules.growth_bands;
    let hundred = Decimal::ONE_HUNDRED;
    let at_least = |x: Decimal, y: Decimal| move |t: Decimal| ratio_at_least(x, y, hundred + t);
    match *values {
        [a, b, c] => {
            if a.is_sign_negative() || b.is_sign_negative() {
                // Not addressed by the text (criteria.md §2.7): leave it to the expert.
                return Points::range(0, bands[0].max);
            }
            if b.is_zero() {
                return Points::exact(0);
            }
            if a.is_zero() {
                return match rules.first_year_zero_growth {
                    // c / b − 1 ≥ t
                    FirstYearZeroGrowth::LastTwoYearsRatio => growth_band(bands, at_least(c, b), c > b),
                    // ½·c / b − 1 ≥ t  ⇔  c / 2b ≥ 1 + t
                    FirstYearZeroGrowth::HalfOfLastRatio => {
                        let two_b = b + b;
                        growth_band(bands, at_least(c, two_b), c > two_b)
                    }
                };
            }
            // ½(b/a + c/b) − 1 ≥ t  ⇔  (b² + a·c) / 2ab ≥ 1 + t   (a, b > 0)
            let (Some(bb), Some(ac), Some(ab)) = (b.checked_mul(b), a.checked_mul(c), a.checked_mul(b))
            else {
                return Points::range(0, bands[0].max);
            };
            let (lhs, two_ab) = (bb + ac, ab + ab);
            growth_band(bands, at_least(lhs, two_ab), lhs > two_ab)
        }
        // 实际经营期不满三年按实际经营时间计算: two years → b / a − 1.
        [a, b] => {
            if !positive(a) {
                Points::exact(0)
            } else {
                growth_band(bands, at_least(b, a), b > a)
            }
        }
        _ => Points::exact(0),
    }
}

/// 高企 职工总数 (195号: 全年月平均数 when monthly figures are given).
pub(crate) fn ht_employees(y: &FiscalYear) -> Option<Decimal> {
    y.employees_monthly_avg.or(y.employees)
}

/// 高企 科技人员数 (195号: 全年月平均数 when monthly figures are given).
pub(crate) fn ht_tech_staff(y: &FiscalYear) -> Option<Decimal> {
    y.tech_staff_monthly_avg.or(y.tech_staff)
}

fn expert(given: Option<u8>, max: u8) -> Points {
    given.map_or(Points::range(0, max), Points::exact)
}

/// The window of fiscal years: the three before the application year, or from the year of registration.
pub fn year_window(p: &EnterpriseProfile, as_of: Date) -> (i16, i16) {
    let last = as_of.year() - 1;
    let first = (last - 2).max(p.registered_on.map_or(last - 2, Date::year));
    (first.min(last), last)
}

/// Evaluates 高新技术企业 for an application on `as_of`.
pub fn evaluate(p: &EnterpriseProfile, as_of: Date, rules: &Rules) -> HighTechVerdict {
    let (first, last) = year_window(p, as_of);
    let latest = p.year(last);

    // (一) 365 days.
    let age_days = p.registered_on.map(|r| day_number(as_of) - day_number(r));
    let age = match age_days {
        Some(d) => Check::from_bool(d >= MIN_AGE_DAYS),
        None => Check::Unknown(Missing {
            year: None,
            field: Field::RegisteredOn,
        }),
    };

    // (四) staff of the latest year.
    let tech_staff = match (latest.and_then(ht_tech_staff), latest.and_then(ht_employees)) {
        (Some(t), Some(e)) => Check::from_bool(positive(e) && ratio_at_least(t, e, MIN_TECH_STAFF_PCT)),
        (None, _) => Check::Unknown(Missing::of(last, Field::TechStaff)),
        (_, None) => Check::Unknown(Missing::of(last, Field::Employees)),
    };

    // (五) three-year totals; band by the latest year's sales.
    let mut rd_total = Some(Decimal::ZERO);
    let mut sales_total = Some(Decimal::ZERO);
    let mut domestic_total = Some(Decimal::ZERO);
    let mut rd_missing = None;
    let mut domestic_missing = None;
    for year in first..=last {
        let y = p.year(year);
        match y.and_then(|y| y.sales_revenue) {
            Some(s) => sales_total = sales_total.map(|t| t + s),
            None => {
                sales_total = None;
                rd_missing = rd_missing.or(Some(Missing::of(year, Field::SalesRevenue)));
            }
        }
        match y.and_then(|y| y.rd_expense) {
            Some(r) => rd_total = rd_total.map(|t| t + r),
            None => {
                rd_total = None;
                rd_missing = rd_missing.or(Some(Missing::of(year, Field::RdExpense)));
            }
        }
        match y.and_then(|y| y.rd_expense_domestic) {
            Some(d) => domestic_total = domestic_total.map(|t| t + d),
            None => {
                domestic_total = None;
                domestic_missing = domestic_missing.or(Some(Missing::of(year, Field::RdExpenseDomestic)));
            }
        }
    }
    let latest_sales = latest.and_then(|y| y.sales_revenue);
    let rd_ratio = match (rd_total, sales_total, latest_sales) {
        (Some(r), Some(s), Some(ls)) => {
            Check::from_bool(positive(s) && ratio_at_least(r, s, required_rd_pct(ls)))
        }
        _ => Check::Unknown(rd_missing.unwrap_or(Missing::of(last, Field::SalesRevenue))),
    };
    let domestic_rd = match (domestic_total, rd_total) {
        (Some(d), Some(r)) => Check::from_bool(positive(r) && ratio_at_least(d, r, MIN_DOMESTIC_RD_PCT)),
        _ => Check::Unknown(
            domestic_missing
                .or(rd_missing)
                .unwrap_or(Missing::of(last, Field::RdExpenseDomestic)),
        ),
    };

    // (六) latest year.
    let high_tech_revenue = match (
        latest.and_then(|y| y.high_tech_revenue),
        latest.and_then(|y| y.total_revenue),
    ) {
        (Some(h), Some(t)) => {
            Check::from_bool(positive(t) && ratio_at_least(h, t, MIN_HIGH_TECH_REVENUE_PCT))
        }
        (None, _) => Check::Unknown(Missing::of(last, Field::HighTechRevenue)),
        (_, None) => Check::Unknown(Missing::of(last, Field::TotalRevenue)),
    };

    // (八) "申请认定前一年内" = 申请前 365 天之内（含申报年）.
    let today = day_number(as_of);
    let record = Check::from_bool(!p.incidents.iter().any(|i| {
        matches!(
            i.kind,
            IncidentKind::MajorSafety | IncidentKind::MajorQuality | IncidentKind::EnvironmentalViolation
        ) && i.on <= as_of
            && today - day_number(i.on) < 365
    }));

    let score = innovation_score(p, first, last, rules);

    let mut v = HighTechVerdict {
        as_of,
        first_year: first,
        last_year: last,
        age,
        age_days,
        ip_owned: Check::from_bool(p.ip.class_i + p.ip.class_ii >= 1),
        field: Check::from_bool(p.high_tech_field.is_some()),
        tech_staff,
        rd_ratio,
        domestic_rd,
        high_tech_revenue,
        score,
        record,
        rd_total,
        sales_total,
        domestic_total,
        latest_sales,
        outcome: HighTechOutcome::NotEligible,
    };
    let total = score.total();
    v.outcome = match v.hard() {
        Check::Fail => HighTechOutcome::NotEligible,
        _ if total.max < PASS_SCORE => HighTechOutcome::NotEligible,
        Check::Unknown(m) => HighTechOutcome::CannotJudge(m),
        Check::Pass if total.min >= PASS_SCORE => HighTechOutcome::Eligible,
        Check::Pass => match total.missing {
            // The range is wide because objective figures are absent, not because an expert must judge.
            Some(m) => HighTechOutcome::CannotJudge(m),
            None => HighTechOutcome::NeedsExpertReview {
                points_needed: PASS_SCORE - total.min,
            },
        },
    };
    v
}

/// 195号 创新能力评价, objective items computed, expert items from the input or as ranges.
pub fn innovation_score(p: &EnterpriseProfile, first: i16, last: i16, rules: &Rules) -> InnovationScore {
    let e = p.expert_scores;
    let has_ip = p.ip.class_i + p.ip.class_ii > 0;
    // 知识产权获得方式: A 有自主研发 1–6; B 仅有受让、受赠和并购等 1–3; no IP, nothing to score.
    let acquisition_range = if !has_ip {
        Points::exact(0)
    } else if p.ip_self_developed {
        Points::range(1, 6)
    } else {
        Points::range(1, 3)
    };
    let ip_acquisition = match e.ip_acquisition {
        Some(s) => Points::exact(s),
        None => acquisition_range,
    };
    // 加分: a national or industry standard led certainly counts as 参与编制 (A 1–2); otherwise unknown (0–2).
    let led_standard = p.standards_led.iter().any(|s| s.on.year() <= last);
    let standards_bonus = match e.standards_bonus {
        Some(s) => Points::exact(s),
        None if led_standard => Points::range(1, 2),
        None => Points::range(0, 2),
    };

    let years = u32::try_from(last - first + 1).unwrap_or(1);
    let conversion = match e.conversion {
        Some(s) => Points::exact(s),
        None => {
            let mut total = Some(0u32);
            let mut missing = None;
            for year in first..=last {
                match p.year(year).and_then(|y| y.conversions) {
                    Some(c) => total = total.map(|t| t + c),
                    None => {
                        total = None;
                        missing = missing.or(Some(Missing::of(year, Field::Conversions)));
                    }
                }
            }
            match total {
                Some(t) => conversion_points(t, years),
                None => Points::unknown(30, missing.unwrap_or(Missing::of(last, Field::Conversions))),
            }
        }
    };

    InnovationScore {
        tech_advancement: expert(e.tech_advancement, 8),
        core_support: expert(e.core_support, 8),
        ip_count: ip_count_points(p.ip),
        ip_acquisition,
        standards_bonus,
        conversion,
        rd_management: expert(e.rd_management, 20),
        net_asset_growth: growth_of(
            p,
            first,
            last,
            rules,
            |y| Some(y.total_assets? - y.total_liabilities?),
            |y| {
                if y.total_assets.is_none() {
                    Field::TotalAssets
                } else {
                    Field::TotalLiabilities
                }
            },
        ),
        sales_growth: growth_of(
            p,
            first,
            last,
            rules,
            |y| y.sales_revenue,
            |_| Field::SalesRevenue,
        ),
    }
}

fn growth_of(
    p: &EnterpriseProfile,
    first: i16,
    last: i16,
    rules: &Rules,
    value: impl Fn(&FiscalYear) -> Option<Decimal>,
    missing_field: impl Fn(&FiscalYear) -> Field,
) -> Points {
    let mut vals = [Decimal::ZERO; 3];
    let n = usize::try_from(last - first + 1).unwrap_or(0).min(3);
    for (i, year) in (last + 1 - n as i16..=last).enumerate() {
        match p.year(year) {
            Some(y) => match value(y) {
                Some(v) => vals[i] = v,
                None => return Points::unknown(10, Missing::of(year, missing_field(y))),
            },
            None => return Points::unknown(10, Missing::of(year, missing_field(&FiscalYear::default()))),
        }
    }
    growth_points(&vals[..n], rules)
}
