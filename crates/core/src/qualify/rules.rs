//! The adjustable parts of the rules ([`Rules`]): facts that criteria.md marks as unverified ([M]) or only
//! corroborated ([C]), readings of unclear text, and the planning weights of the gap. Everything verified ([V]) is a
//! constant in its rule's module; everything here has a default equal to criteria.md and can be overridden by the
//! caller (e.g. a bureau that re-checks a document).

use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// Who a 加计扣除 rate applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeductionScope {
    /// Every eligible enterprise (负面清单行业除外).
    All,
    /// 科技型中小企业 (入库 in the tax year).
    TechSme,
    /// 制造业企业 (主营业务为制造业).
    Manufacturing,
    /// Listed 集成电路 / 工业母机 enterprises.
    IcOrMachineTool,
}

impl DeductionScope {
    /// More specific scopes win over general ones (criteria.md §3.1: "the most specific applicable row wins").
    pub(crate) fn specificity(self) -> u8 {
        match self {
            DeductionScope::All => 0,
            DeductionScope::TechSme | DeductionScope::Manufacturing => 1,
            DeductionScope::IcOrMachineTool => 2,
        }
    }
}

/// One row of the 加计扣除 rate table (criteria.md §3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeductionRule {
    /// First tax year.
    pub from_year: i16,
    /// Last tax year (inclusive); None = no end date.
    pub to_year: Option<i16>,
    pub scope: DeductionScope,
    /// 加计比例 on expensed R&D (and on amortisation of R&D intangibles).
    pub rate: Decimal,
    /// The document.
    pub source: String,
}

impl DeductionRule {
    fn new(from_year: i16, to_year: Option<i16>, scope: DeductionScope, rate: Decimal, source: &str) -> Self {
        DeductionRule {
            from_year,
            to_year,
            scope,
            rate,
            source: source.to_owned(),
        }
    }

    pub(crate) fn covers(&self, year: i16) -> bool {
        year >= self.from_year && self.to_year.is_none_or(|t| year <= t)
    }
}

/// An industry excluded from 加计扣除: a whole section (门类) or one division (大类).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndustryScope {
    pub section: char,
    /// None = the whole section.
    pub division: Option<u8>,
    pub name_zh: &'static str,
}

/// How to read 195号's "第一年末净资产或销售收入为 0 的，按后两年计算".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstYearZeroGrowth {
    /// rate = 第三年 ÷ 第二年 − 1 (criteria.md's reading; default).
    LastTwoYearsRatio,
    /// rate = ½ × (第三年 ÷ 第二年) − 1 (the formula with the undefined term dropped) — a stricter reading.
    HalfOfLastRatio,
}

/// One band of the 企业成长性 tables: rate ≥ `at_least` (or > 0 for the lowest band) gives [min, max] points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrowthBand {
    /// Lower bound in percent, inclusive; the last band is "> 0".
    pub at_least_pct: Decimal,
    pub min: u8,
    pub max: u8,
}

/// Planning weights that put different changes on one scale (万元-equivalents), to order gaps by size.
/// These are not rules: adjust them to the bureau's experience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GapCosts {
    /// One more 科技人员 hired for a year.
    pub per_tech_staff: Decimal,
    /// One more Ⅰ类知识产权 (e.g. an invention patent, bought or filed).
    pub per_class_i_ip: Decimal,
    /// One more Ⅱ类知识产权 (utility model, design, software copyright).
    pub per_class_ii_ip: Decimal,
    /// 1 万元 of 研发费用.
    pub per_rd_wan: Decimal,
    /// 1 万元 of revenue moved into 高新技术产品(服务)收入.
    pub per_high_tech_revenue_wan: Decimal,
}

/// The adjustable rule parameters. `Rules::default()` is criteria.md as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// From this evaluation date the 科技型中小企业 conditions use the wording of 国科火字〔2022〕67号
    /// (before: 国科发政〔2017〕115号 with 国科火字〔2017〕144号). criteria.md §1.1 gives "2022 →".
    pub tech_sme_2022_wording_from: Date,
    /// 加计扣除 rate table; overlapping rows: the most specific scope wins, then the higher rate.
    pub deduction_rules: Vec<DeductionRule>,
    /// Industries with no 加计扣除 (财税〔2015〕119号 负面清单).
    pub deduction_negative_list: Vec<IndustryScope>,
    /// 企业所得税 standard rate (企业所得税法 第四条) [M for the article].
    pub standard_tax_rate: Decimal,
    /// 高新技术企业 rate (企业所得税法 第二十八条) [C].
    pub high_tech_tax_rate: Decimal,
    /// 高企 growth-rate bands, highest first [C: points per band corroborated by third parties only].
    pub growth_bands: [GrowthBand; 5],
    /// Reading of the first-year-zero edge rule.
    pub first_year_zero_growth: FirstYearZeroGrowth,
    /// Gap ordering weights.
    pub gap_costs: GapCosts,
}

impl Default for Rules {
    fn default() -> Self {
        use DeductionScope::*;
        Rules {
            tech_sme_2022_wording_from: Date::constant(2022, 1, 1),
            deduction_rules: vec![
                DeductionRule::new(2016, Some(2017), All, dec!(0.50), "财税〔2015〕119号"),
                DeductionRule::new(2017, Some(2019), TechSme, dec!(0.75), "财税〔2017〕34号"),
                DeductionRule::new(
                    2018,
                    Some(2023),
                    All,
                    dec!(0.75),
                    "财税〔2018〕99号；财政部 税务总局公告2021年第6号（延期）",
                ),
                DeductionRule::new(
                    2021,
                    None,
                    Manufacturing,
                    dec!(1.00),
                    "财政部 税务总局公告2021年第13号",
                ),
                DeductionRule::new(
                    2022,
                    None,
                    TechSme,
                    dec!(1.00),
                    "财政部 税务总局 科技部公告2022年第16号",
                ),
                DeductionRule::new(2023, None, All, dec!(1.00), "财政部 税务总局公告2023年第7号"),
                DeductionRule::new(
                    2023,
                    Some(2027),
                    IcOrMachineTool,
                    dec!(1.20),
                    "财政部 税务总局 发展改革委 工业和信息化部公告2023年第44号",
                ),
            ],
            deduction_negative_list: vec![
                IndustryScope {
                    section: 'C',
                    division: Some(16),
                    name_zh: "烟草制造业",
                },
                IndustryScope {
                    section: 'H',
                    division: None,
                    name_zh: "住宿和餐饮业",
                },
                IndustryScope {
                    section: 'F',
                    division: None,
                    name_zh: "批发和零售业",
                },
                IndustryScope {
                    section: 'K',
                    division: None,
                    name_zh: "房地产业",
                },
                IndustryScope {
                    section: 'L',
                    division: None,
                    name_zh: "租赁和商务服务业",
                },
                IndustryScope {
                    section: 'R',
                    division: Some(90),
                    name_zh: "娱乐业",
                },
            ],
            standard_tax_rate: dec!(0.25),
            high_tech_tax_rate: dec!(0.15),
            growth_bands: [
                GrowthBand {
                    at_least_pct: dec!(35),
                    min: 9,
                    max: 10,
                },
                GrowthBand {
                    at_least_pct: dec!(25),
                    min: 7,
                    max: 8,
                },
                GrowthBand {
                    at_least_pct: dec!(15),
                    min: 5,
                    max: 6,
                },
                GrowthBand {
                    at_least_pct: dec!(5),
                    min: 3,
                    max: 4,
                },
                GrowthBand {
                    at_least_pct: dec!(0),
                    min: 1,
                    max: 2,
                },
            ],
            first_year_zero_growth: FirstYearZeroGrowth::LastTwoYearsRatio,
            gap_costs: GapCosts {
                per_tech_staff: dec!(15),
                per_class_i_ip: dec!(10),
                per_class_ii_ip: dec!(2),
                per_rd_wan: dec!(1),
                per_high_tech_revenue_wan: dec!(0.1),
            },
        }
    }
}
