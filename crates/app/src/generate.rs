//! Synthetic data (合成数据), deterministic from a seed: the building blocks of `plantrack demo` (a district
//! tuned to show a living plan) and `plantrack gen` (import files of any size, up to a province).
//!
//! Magnitudes follow the published figures in `reference/statistics.md` (Panjin: GDP ≈ 1 075–1 300 亿元,
//! 规上工业 ≈ 250 units dominated by petrochemicals; Liaoning: R&D intensity 1.8–2.2 %, 技术合同 +15–20 % a
//! year). Every name carries 演示/合成 so that synthetic rows can never pass for real ones.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use jiff::civil::Date;
use plantrack_core::qualify::Uscc;
use plantrack_store::enterprises::{Enterprise, EnterpriseYear, EnterpriseYearRow};
use rust_decimal::Decimal;

pub mod province;

/// A small, fast, seedable generator (SplitMix64): the same seed gives the same data on every platform and
/// with every version of the `rand` crate.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// A generator derived from this seed and a label (independent streams for independent parts).
    pub fn fork(&self, label: u64) -> Rng {
        let mut r = Rng(self.0 ^ label.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next_u64();
        r
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = u64::try_from(hi - lo).unwrap_or(0) + 1;
        lo + i64::try_from(self.below(span)).unwrap_or(0)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        &items[i.min(items.len().saturating_sub(1))]
    }

    /// A factor around 1: uniform in `1 - spread/1000 ..= 1 + spread/1000`, exact.
    pub fn factor(&mut self, spread_permille: i64) -> Decimal {
        Decimal::new(1000 + self.range(-spread_permille, spread_permille), 3)
    }

    /// A day in `from..=to`.
    pub fn day(&mut self, from: Date, to: Date) -> Date {
        let days = (to - from).get_days().max(0);
        from.checked_add(jiff::Span::new().days(self.range(0, i64::from(days))))
            .unwrap_or(from)
    }
}

/// A valid 统一社会信用代码 for a synthetic legal person: `91` (enterprise, 工商) + region + `MA` + a serial in
/// the code alphabet, completed with its GB 32100 check digit.
pub fn synthetic_uscc(region: &str, serial: u64) -> String {
    const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut body = [b'0'; 7];
    let mut n = serial;
    for slot in body.iter_mut().rev() {
        *slot = ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    let first17 = format!("91{region}MA{}", String::from_utf8_lossy(&body));
    Uscc::with_check_digit(&first17)
        .map(|u| u.to_string())
        // Cannot fail for a six-digit region; keep a visible marker rather than panic.
        .unwrap_or(first17)
}

/// Industries of the synthetic enterprises (GB/T 4754-2017 class codes) with a weight (Panjin: petrochemicals
/// and fine chemicals ≈ 74 % of 规上 revenue), a name word and the 高新技术领域 typical of it.
pub const INDUSTRIES: &[(&str, u64, &str, &str)] = &[
    ("C2511", 10, "石化", "新材料"),
    ("C2614", 14, "精细化工", "新材料"),
    ("C2653", 8, "新材料", "新材料"),
    ("C2929", 6, "塑料制品", "新材料"),
    ("C3511", 8, "石油装备", "先进制造与自动化"),
    ("C3499", 6, "机械", "先进制造与自动化"),
    ("C3825", 4, "电气", "新能源与节能"),
    ("C2710", 3, "生物医药", "生物与新医药"),
    ("C1340", 4, "农产品加工", "生物与新医药"),
    ("I6513", 8, "软件", "电子信息"),
    ("I6531", 5, "信息技术", "电子信息"),
    ("M7320", 6, "科技研究", "高技术服务"),
    ("M7540", 4, "科技服务", "高技术服务"),
    ("N7723", 3, "环保", "资源与环境"),
    ("F5162", 5, "商贸", ""),
    ("E4910", 3, "建筑安装", ""),
    ("A0111", 3, "稻米种植", ""),
];

/// Pick an industry by weight.
pub fn pick_industry(rng: &mut Rng) -> &'static (&'static str, u64, &'static str, &'static str) {
    let total: u64 = INDUSTRIES.iter().map(|i| i.1).sum();
    let mut x = rng.below(total);
    for i in INDUSTRIES {
        if x < i.1 {
            return i;
        }
        x -= i.1;
    }
    &INDUSTRIES[0]
}

const BRAND: &[&str] = &[
    "辽河", "红旗", "双台", "渤海", "鼎盛", "华锦", "宏业", "兴海", "北方", "中润", "和运", "恒信", "瑞丰",
    "金海", "天润", "新港", "长城", "海诚", "远东", "富达", "锦程", "智航", "蓝海", "凯旋", "振兴", "华通",
    "宏达", "盛世", "博远", "泰和",
];

/// A synthetic enterprise name, marked 演示.
pub fn enterprise_name(rng: &mut Rng, place: &str, word: &str, serial: u64) -> String {
    let brand = rng.pick(BRAND);
    format!("{place}{brand}{word}有限公司{serial:04}（演示）")
}

const SURNAME: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
];

/// A synthetic person's name, marked 演示 (never a real person's).
pub fn person_name(rng: &mut Rng, serial: u64) -> String {
    format!("{}某{serial:03}（演示）", rng.pick(SURNAME))
}

/// An amount in 万元 with two decimals from a whole number of 元-cents.
pub fn wan(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// Round to two decimals (万元 to the 100 元).
pub fn round2(d: Decimal) -> Decimal {
    d.round_dp(2)
}

/// One synthetic enterprise (of the demo or of `plantrack gen`), before its rows are written.
#[derive(Debug, Clone)]
pub struct Firm {
    /// 统一社会信用代码.
    pub uscc: String,
    /// Name (marked 演示).
    pub name: String,
    /// Org-unit code.
    pub org: &'static str,
    /// GB/T 4754 class code.
    pub industry: &'static str,
    /// 高新技术领域 (empty: none).
    pub field: &'static str,
    /// 成立日期.
    pub founded: Date,
    /// 规上工业: a manufacturing firm with ≥ 2000 万元 main-business revenue every year.
    pub above_scale: bool,
    /// Base-year (2017) main-business revenue in 万元.
    pub revenue: Decimal,
    /// Base-year employees.
    pub employees: i64,
    /// Years with an R&D institution (研发机构级别 in that year's figures).
    pub rd_years: BTreeSet<i32>,
    /// Years with a 科技型中小企业 registration (for the tech-SME profile of the figures).
    pub sme_years: BTreeSet<i32>,
    /// Holds (or held) a 高新技术企业 certificate.
    pub high_tech: bool,
}

/// Yearly figures of `years` (the demo's 2020: the year's estimate as reported in the autumn), one row per year
/// from the founding year on, handed to `emit`.
pub fn figures(rng: &mut Rng, f: &Firm, years: RangeInclusive<i32>, mut emit: impl FnMut(EnterpriseYearRow)) {
    let first = *years.start();
    let mut revenue = f.revenue;
    let mut employees = f.employees;
    for year in years {
        if i32::from(f.founded.year()) > year {
            continue;
        }
        if year > first {
            revenue = round2(revenue * rng.factor(120) * Decimal::new(106, 2));
            employees = (employees * rng.range(95, 112) / 100).max(5);
        }
        if f.above_scale && revenue < Decimal::from(2_200) {
            revenue = Decimal::from(2_200);
        }
        let tech = f.high_tech || f.sme_years.contains(&year);
        let tech_share = if tech { rng.range(15, 40) } else { rng.range(2, 12) };
        let tech_staff = (employees * tech_share / 100).max(1);
        let rd_share = if tech { rng.range(35, 80) } else { rng.range(0, 25) };
        let rd = round2(revenue * Decimal::new(rd_share, 3));
        let domestic = round2(rd * Decimal::new(rng.range(850, 1000), 3));
        let main = revenue;
        let total = round2(revenue * Decimal::new(rng.range(1000, 1080), 3));
        let high_tech_revenue = if f.high_tech {
            round2(total * Decimal::new(rng.range(620, 900), 3))
        } else if tech {
            round2(total * Decimal::new(rng.range(100, 500), 3))
        } else {
            Decimal::ZERO
        };
        let assets = round2(revenue * Decimal::new(rng.range(800, 1600), 3));
        let liabilities = round2(assets * Decimal::new(rng.range(300, 700), 3));
        let cost = round2(total * Decimal::new(rng.range(820, 960), 3));
        let rd_level = if f.rd_years.contains(&year) {
            Some((*rng.pick(&["市级", "市级", "省级", "国家级"])).to_owned())
        } else {
            None
        };
        emit(EnterpriseYearRow {
            enterprise: Enterprise {
                uscc: f.uscc.clone(),
                name: f.name.clone(),
                founded_on: Some(f.founded),
                org_unit_code: Some(f.org.to_owned()),
                industry_code: Some(f.industry.to_owned()),
                high_tech_field: (!f.field.is_empty() && tech).then(|| f.field.to_owned()),
                reported_year: Some(year),
            },
            figures: EnterpriseYear {
                uscc: f.uscc.clone(),
                year,
                org_unit_code: Some(f.org.to_owned()),
                employees: Some(employees),
                tech_staff: Some(tech_staff),
                sales_revenue: Some(main),
                main_business_revenue: Some(main),
                total_revenue: Some(total),
                high_tech_revenue: Some(high_tech_revenue),
                total_assets: Some(assets),
                total_liabilities: Some(liabilities),
                total_cost: Some(cost),
                rd_expense: Some(rd),
                domestic_rd_expense: Some(domestic),
                ip_class1: Some(if tech { rng.range(0, 4) } else { 0 }),
                ip_class2: Some(if tech { rng.range(2, 15) } else { rng.range(0, 3) }),
                rd_institution_level: rd_level,
                achievements_transformed: Some(if tech { rng.range(0, 5) } else { 0 }),
                above_scale_industrial: None,
            },
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_forks_are_independent() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        let mut f1 = Rng::new(7).fork(1);
        let mut f2 = Rng::new(7).fork(2);
        assert_ne!(f1.next_u64(), f2.next_u64());
    }

    #[test]
    fn synthetic_codes_are_valid_and_distinct() {
        let a = synthetic_uscc("211102", 1);
        let b = synthetic_uscc("211102", 2);
        assert_ne!(a, b);
        for c in [&a, &b, &synthetic_uscc("210000", 29_791 * 31)] {
            assert!(Uscc::parse(c).is_ok(), "{c}");
        }
    }

    #[test]
    fn ranges_stay_inside_their_bounds() {
        let mut r = Rng::new(1);
        for _ in 0..1000 {
            let v = r.range(-3, 5);
            assert!((-3..=5).contains(&v));
            let d = r.day(Date::constant(2019, 1, 1), Date::constant(2019, 1, 31));
            assert!(d >= Date::constant(2019, 1, 1) && d <= Date::constant(2019, 1, 31));
        }
    }
}
