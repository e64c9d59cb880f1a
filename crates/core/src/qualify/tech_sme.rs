//! 科技型中小企业 (technology-based SMEs): 国科发政〔2017〕115号《科技型中小企业评价办法》 第六条 conditions
//! (一)–(五), 第七条 score, 第八条 direct confirmation; the wording of 国科火字〔2022〕67号 from 2022.
//!
//! The data year is the fiscal year before the evaluation date (上一会计年度, criteria.md §1.5 [C]). Pure and
//! allocation-free: the verdict holds only `Copy` values; explanations are built separately by `explain`.

use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::check::{Check, Field, Missing, Points, band_points};
use super::profile::date_key;
use super::profile::{
    CertificateKind, EnterpriseProfile, FiscalYear, IncidentKind, IpHoldings, RdInstitutionLevel,
};
use super::rules::Rules;

/// 115号 第六条(二): 职工总数不超过500人.
pub const MAX_EMPLOYEES: Decimal = dec!(500);
/// 115号 第六条(二): 年销售收入不超过2亿元 (万元).
pub const MAX_SALES_WAN: Decimal = dec!(20000);
/// 115号 第六条(二): 资产总额不超过2亿元 (万元).
pub const MAX_ASSETS_WAN: Decimal = dec!(20000);
/// 115号 第六条(五): 综合评价得分不低于60分.
pub const PASS_SCORE: u8 = 60;

/// 115号 第七条 A: 科技人员数 / 职工总数 bands (lower bound inclusive).
pub const STAFF_BANDS: [(Decimal, u8); 5] = [
    (dec!(30), 20),
    (dec!(25), 16),
    (dec!(20), 12),
    (dec!(15), 8),
    (dec!(10), 4),
];
/// 115号 第七条 B(1): 研发费用总额 / 销售收入总额.
pub const RD_SALES_BANDS: [(Decimal, u8); 5] = [
    (dec!(6), 50),
    (dec!(5), 40),
    (dec!(4), 30),
    (dec!(3), 20),
    (dec!(2), 10),
];
/// 115号 第七条 B(2): 研发费用总额 / 成本费用支出总额.
pub const RD_COST_BANDS: [(Decimal, u8); 5] = [
    (dec!(30), 50),
    (dec!(25), 40),
    (dec!(20), 30),
    (dec!(15), 20),
    (dec!(10), 10),
];

/// Which texts govern, by evaluation date (criteria.md §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TechSmeWording {
    /// 国科发政〔2017〕115号 + 国科火字〔2017〕144号.
    V2017,
    /// 国科发政〔2017〕115号 + 国科火字〔2022〕67号.
    V2022,
}

impl TechSmeWording {
    /// The documents, for reports.
    pub fn documents(self) -> &'static str {
        match self {
            TechSmeWording::V2017 => "国科发政〔2017〕115号；国科火字〔2017〕144号",
            TechSmeWording::V2022 => "国科发政〔2017〕115号；国科火字〔2022〕67号",
        }
    }
}

/// 115号 第八条: the four direct-confirmation routes, in the article's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectRoute {
    /// (一) 拥有有效期内高新技术企业资格证书.
    ValidHighTechCertificate,
    /// (二) 近五年内获得过国家级科技奖励，并在获奖单位中排在前三名.
    NationalAward,
    /// (三) 拥有经认定的省部级以上研发机构.
    ProvincialRdInstitution,
    /// (四) 近五年内主导制定过国际标准、国家标准或行业标准.
    LedStandard,
}

impl DirectRoute {
    /// JSON id.
    pub fn id(self) -> &'static str {
        match self {
            DirectRoute::ValidHighTechCertificate => "valid_high_tech_certificate",
            DirectRoute::NationalAward => "national_award_top3",
            DirectRoute::ProvincialRdInstitution => "provincial_rd_institution",
            DirectRoute::LedStandard => "led_standard",
        }
    }
}

/// How an enterprise qualified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TechSmeRoute {
    /// 第六条(五): by the score.
    Score,
    /// 第八条: directly.
    Direct(DirectRoute),
}

/// The outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TechSmeOutcome {
    Qualified(TechSmeRoute),
    NotQualified,
    CannotJudge(Missing),
}

/// Everything the 科小 rule decided, condition by condition. `Copy`, no heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TechSmeVerdict {
    pub as_of: Date,
    pub data_year: i16,
    pub wording: TechSmeWording,
    /// (一) 境内注册的居民企业 — taken from a valid 统一社会信用代码.
    pub resident: Check,
    /// (二) 职工总数 ≤ 500.
    pub employees: Check,
    /// (二) 年销售收入 ≤ 2亿元.
    pub sales: Check,
    /// (二) 资产总额 ≤ 2亿元.
    pub assets: Check,
    /// (三) 产品和服务不属于禁止、限制和淘汰类 (2022: 行业也不属于负面清单).
    pub industry: Check,
    /// (四) 上一年及当年内无重大事故、严重违法失信等.
    pub record: Check,
    /// A: 科技人员指标 (0–20).
    pub staff_points: Points,
    /// B(1): 研发费用 / 销售收入 (0–50).
    pub rd_sales_points: Points,
    /// B(2): 研发费用 / 成本费用 (0–50).
    pub rd_cost_points: Points,
    /// C: 科技成果指标 (0–30).
    pub ip_points: u8,
    /// The first 第八条 route that holds.
    pub direct: Option<DirectRoute>,
    pub outcome: TechSmeOutcome,
}

impl TechSmeVerdict {
    /// B: the better of B1 and B2 (the enterprise chooses one; criteria.md §1.3 — an inference).
    pub fn rd_points(&self) -> Points {
        self.rd_sales_points.best_of(self.rd_cost_points)
    }

    /// The total as a range (exact when every figure is there).
    pub fn score(&self) -> Points {
        self.staff_points
            .plus(self.rd_points())
            .plus(Points::exact(self.ip_points))
    }

    /// (五): score ≥ 60 and 科技人员指标 ≠ 0.
    pub fn score_check(&self) -> Check {
        let total = self.score();
        if total.max < PASS_SCORE || self.staff_points.max == 0 {
            Check::Fail
        } else if total.min >= PASS_SCORE && self.staff_points.min > 0 {
            Check::Pass
        } else {
            // Undecided only because a figure is absent.
            Check::Unknown(total.missing.or(self.staff_points.missing).unwrap_or(Missing {
                year: Some(self.data_year),
                field: Field::SalesRevenue,
            }))
        }
    }

    /// (一)–(四) together.
    pub fn eligibility(&self) -> Check {
        Check::all(&[
            self.resident,
            self.employees,
            self.sales,
            self.assets,
            self.industry,
            self.record,
        ])
    }

    /// Qualified?
    pub fn qualified(&self) -> Option<bool> {
        match self.outcome {
            TechSmeOutcome::Qualified(_) => Some(true),
            TechSmeOutcome::NotQualified => Some(false),
            TechSmeOutcome::CannotJudge(_) => None,
        }
    }
}

/// A: points for 科技人员 / 职工.
pub fn staff_points(tech_staff: Decimal, employees: Decimal) -> u8 {
    band_points(tech_staff, employees, &STAFF_BANDS)
}

/// B(1): points for 研发费用 / 销售收入 (no sales: the measure cannot be used, 0).
pub fn rd_sales_points(rd: Decimal, sales: Decimal) -> u8 {
    band_points(rd, sales, &RD_SALES_BANDS)
}

/// B(2): points for 研发费用 / 成本费用支出总额.
pub fn rd_cost_points(rd: Decimal, cost: Decimal) -> u8 {
    band_points(rd, cost, &RD_COST_BANDS)
}

/// C: 科技成果指标 — ≥1 Ⅰ类 30; Ⅱ类 ≥4 24, 3 18, 2 12, 1 6; none 0.
pub fn ip_points(ip: IpHoldings) -> u8 {
    if ip.class_i >= 1 {
        30
    } else {
        match ip.class_ii {
            0 => 0,
            1 => 6,
            2 => 12,
            3 => 18,
            _ => 24,
        }
    }
}

fn year_value(
    y: Option<&FiscalYear>,
    year: i16,
    field: Field,
    get: fn(&FiscalYear) -> Option<Decimal>,
) -> Result<Decimal, Missing> {
    y.and_then(get).ok_or(Missing::of(year, field))
}

/// 科小 职工总数: the year's count, or the monthly average when only that was given.
pub(crate) fn sme_employees(y: &FiscalYear) -> Option<Decimal> {
    y.employees.or(y.employees_monthly_avg)
}

/// 科小 科技人员数: the year's count, or the monthly average when only that was given.
pub(crate) fn sme_tech_staff(y: &FiscalYear) -> Option<Decimal> {
    y.tech_staff.or(y.tech_staff_monthly_avg)
}

fn at_most(v: Result<Decimal, Missing>, max: Decimal) -> Check {
    match v {
        Ok(v) => Check::from_bool(super::check::at_most(v, max)),
        Err(m) => Check::Unknown(m),
    }
}

/// "近五年内": after the same day five years earlier, up to the evaluation date.
fn within_five_years(on: Date, as_of: Date) -> bool {
    on <= as_of && date_key(on) > date_key(as_of) - 5 * 10_000
}

/// 第八条 routes that hold on `as_of`.
pub fn direct_route(p: &EnterpriseProfile, as_of: Date) -> Option<DirectRoute> {
    if p.certificates
        .iter()
        .any(|c| c.kind == CertificateKind::HighTech && c.valid_on(as_of))
    {
        return Some(DirectRoute::ValidHighTechCertificate);
    }
    if p.national_awards
        .iter()
        .any(|a| a.rank <= 3 && within_five_years(a.on, as_of))
    {
        return Some(DirectRoute::NationalAward);
    }
    if p.rd_institutions.iter().any(|r| {
        matches!(
            r.level,
            RdInstitutionLevel::National | RdInstitutionLevel::Provincial
        ) && r.recognized_on <= as_of
    }) {
        return Some(DirectRoute::ProvincialRdInstitution);
    }
    if p.standards_led.iter().any(|s| within_five_years(s.on, as_of)) {
        return Some(DirectRoute::LedStandard);
    }
    None
}

/// Evaluates 科技型中小企业 on `as_of` with the figures of the preceding fiscal year.
pub fn evaluate(p: &EnterpriseProfile, as_of: Date, rules: &Rules) -> TechSmeVerdict {
    let data_year = as_of.year() - 1;
    let wording = if as_of >= rules.tech_sme_2022_wording_from {
        TechSmeWording::V2022
    } else {
        TechSmeWording::V2017
    };
    let y = p.year(data_year);

    let employees = year_value(y, data_year, Field::Employees, sme_employees);
    let tech = year_value(y, data_year, Field::TechStaff, sme_tech_staff);
    let sales = year_value(y, data_year, Field::SalesRevenue, |y| y.sales_revenue);
    let assets = year_value(y, data_year, Field::TotalAssets, |y| y.total_assets);
    let cost = year_value(y, data_year, Field::CostExpenseTotal, |y| y.cost_expense_total);
    let rd = year_value(y, data_year, Field::RdExpense, |y| y.rd_expense);

    // (三): 2022 指引 adds the industry itself (third-party reading: the 加计扣除 negative list) [C].
    let industry = if p.restricted_industry {
        Check::Fail
    } else if wording == TechSmeWording::V2022 {
        match p.industry {
            Some(code) => Check::from_bool(!super::deduction::in_negative_list(code, rules)),
            None => Check::Unknown(Missing {
                year: None,
                field: Field::IndustryCode,
            }),
        }
    } else {
        Check::Pass
    };

    // (四): "上一年及当年内" (2022: "上一会计年度及当年") — from 1 January of the data year to the evaluation date.
    let from = Date::constant(data_year, 1, 1);
    let record = Check::from_bool(!p.incidents.iter().any(|i| {
        i.on >= from && i.on <= as_of && (i.kind != IncidentKind::Fraud || wording == TechSmeWording::V2022)
    }));

    let staff_points = match (tech, employees) {
        (Ok(t), Ok(e)) => Points::exact(staff_points(t, e)),
        (Err(m), _) | (_, Err(m)) => Points::unknown(20, m),
    };
    let rd_sales_points = match (rd, sales) {
        (Ok(r), Ok(s)) => Points::exact(rd_sales_points(r, s)),
        (Err(m), _) | (_, Err(m)) => Points::unknown(50, m),
    };
    let rd_cost_points = match (rd, cost) {
        (Ok(r), Ok(c)) => Points::exact(rd_cost_points(r, c)),
        (Err(m), _) | (_, Err(m)) => Points::unknown(50, m),
    };

    let mut v = TechSmeVerdict {
        as_of,
        data_year,
        wording,
        resident: Check::Pass,
        employees: at_most(employees, MAX_EMPLOYEES),
        sales: at_most(sales, MAX_SALES_WAN),
        assets: at_most(assets, MAX_ASSETS_WAN),
        industry,
        record,
        staff_points,
        rd_sales_points,
        rd_cost_points,
        ip_points: ip_points(p.ip),
        direct: direct_route(p, as_of),
        outcome: TechSmeOutcome::NotQualified,
    };
    v.outcome = match (v.eligibility(), v.direct) {
        (Check::Fail, _) => TechSmeOutcome::NotQualified,
        (Check::Unknown(m), _) => match v.score_check() {
            // Eligibility is open, but without a direct route a failing score already decides.
            Check::Fail if v.direct.is_none() => TechSmeOutcome::NotQualified,
            _ => TechSmeOutcome::CannotJudge(m),
        },
        // 第八条: (一)–(四) hold and a direct route exists — the score is not needed.
        (Check::Pass, Some(route)) => TechSmeOutcome::Qualified(TechSmeRoute::Direct(route)),
        (Check::Pass, None) => match v.score_check() {
            Check::Pass => TechSmeOutcome::Qualified(TechSmeRoute::Score),
            Check::Fail => TechSmeOutcome::NotQualified,
            Check::Unknown(m) => TechSmeOutcome::CannotJudge(m),
        },
    };
    v
}
