//! Explanations: turns a verdict into the report of `plantrack evaluate` — every condition with the enterprise's
//! value, the threshold, pass/fail and the rule's source, in Chinese and English.
//!
//! Kept apart from judging so that the rules stay allocation-free; values shown here (ratios, growth rates) are
//! computed by division for display only — the decisions were made by exact cross-multiplication.

use rust_decimal::Decimal;

use super::Evaluation;
use super::check::{Check, Points, percent, ratio};
use super::deduction::DeductionOutcome;
use super::gap::{Change, ChangeKind, GapOption, Gaps};
use super::high_tech::{self, HighTechOutcome, HighTechVerdict, ht_employees, ht_tech_staff};
use super::output::{
    ChangeReport, ConditionReport, DeductionReport, EvaluationReport, GapReport, GapsReport, HighTechReport,
    ScoreRange, TechSmeParts, TechSmeReport,
};
use super::profile::EnterpriseProfile;
use super::rules::Rules;
use super::tech_sme::{self, TechSmeOutcome, TechSmeRoute, TechSmeVerdict, TechSmeWording};

const SME: &str = "国科发政〔2017〕115号";
const HT32: &str = "国科发火〔2016〕32号";
const HT195: &str = "国科发火〔2016〕195号";

/// A decimal without trailing zeros.
pub(crate) fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

fn points_text(p: Points) -> String {
    if p.min == p.max {
        p.min.to_string()
    } else {
        format!("{}–{}", p.min, p.max)
    }
}

struct Cond {
    id: &'static str,
    zh: &'static str,
    en: &'static str,
    value: Option<String>,
    threshold: String,
    threshold_en: String,
    check: Check,
    source: String,
    /// For score items: the points, shown instead of pass/fail.
    points: Option<Points>,
}

impl Cond {
    fn build(self) -> ConditionReport {
        let shown = self.value.clone().unwrap_or_else(|| "—".to_owned());
        let shown_en = self.value.as_deref().map_or_else(|| "—".to_owned(), value_en);
        let (verdict_zh, verdict_en) = match (self.points, self.check) {
            (Some(p), Check::Unknown(m)) => (
                format!("{} 分（{m}）", points_text(p)),
                format!("{} points ({m})", points_text(p)),
            ),
            (Some(p), _) => (
                format!("{} 分", points_text(p)),
                format!("{} points", points_text(p)),
            ),
            (None, Check::Pass) => ("符合".to_owned(), "pass".to_owned()),
            (None, Check::Fail) => ("不符合".to_owned(), "fail".to_owned()),
            (None, Check::Unknown(m)) => (format!("无法判断：{m}"), format!("cannot judge: {m}")),
        };
        ConditionReport {
            id: self.id.to_owned(),
            name_zh: self.zh.to_owned(),
            name_en: self.en.to_owned(),
            explanation_zh: format!(
                "{}：{shown}，要求 {}，{verdict_zh}（{}）",
                self.zh, self.threshold, self.source
            ),
            explanation_en: format!(
                "{}: {shown_en}, required {}, {verdict_en} ({})",
                self.en, self.threshold_en, self.source
            ),
            value_en: self.value.as_deref().map(value_en),
            value: self.value,
            threshold: self.threshold,
            threshold_en: self.threshold_en,
            // Score items have no pass/fail of their own.
            passed: if self.points.is_some() {
                None
            } else {
                self.check.passed()
            },
            source: self.source,
        }
    }
}

/// The English form of a value: units and the few words values contain (proper names such as the 领域 stay).
fn value_en(zh: &str) -> String {
    const WORDS: [(&str, &str); 24] = [
        ("统一社会信用代码 ", "USCC "),
        ("不属于限制类", "not restricted"),
        ("属于限制类", "restricted"),
        ("，行业 ", ", industry "),
        ("先进程度 ", "advancement "),
        ("核心支持 ", "core support "),
        ("数量 ", "count "),
        ("获得方式 ", "acquisition "),
        ("加分 ", "bonus "),
        ("专家评分 ", "expert score "),
        ("科技人员指标 ", "tech staff "),
        (" 至 ", " to "),
        (" 期间 ", ": "),
        ("Ⅰ类 ", "class I "),
        ("Ⅱ类 ", "class II "),
        (" 万元", " (10k CNY)"),
        (" 人", ""),
        (" 天", " days"),
        (" 分", " points"),
        (" 起", " incidents"),
        (" 项", " items"),
        ("（", " ("),
        ("）", ")"),
        ("，", ", "),
    ];
    let mut s = zh.to_owned();
    for (a, b) in WORDS {
        s = s.replace(a, b);
    }
    if s == "无" { "none".to_owned() } else { s }
}

fn ratio_text(n: Option<Decimal>, d: Option<Decimal>) -> Option<String> {
    let (n, d) = (n?, d?);
    Some(match ratio(n, d) {
        Some(r) => format!("{} ({}/{})", percent(r), num(n), num(d)),
        None => format!("— ({}/{})", num(n), num(d)),
    })
}

/// The conditions of the 科小 verdict.
pub fn tech_sme_conditions(p: &EnterpriseProfile, v: &TechSmeVerdict) -> Vec<ConditionReport> {
    let y = p.year(v.data_year);
    let get = |f: fn(&super::FiscalYear) -> Option<Decimal>| y.and_then(f);
    let employees = get(tech_sme::sme_employees);
    let tech = get(tech_sme::sme_tech_staff);
    let sales = get(|y| y.sales_revenue);
    let cost = get(|y| y.cost_expense_total);
    let rd = get(|y| y.rd_expense);
    let s2 = format!("{SME} 第六条(二)");
    let v22 = v.wording == TechSmeWording::V2022;
    let score = v.score();
    let conds = [
        Cond {
            id: "tech_sme.resident",
            zh: "(一) 境内注册的居民企业",
            en: "(1) resident enterprise registered in China",
            value: Some(format!("统一社会信用代码 {}", p.uscc)),
            threshold: if v22 {
                "境内注册、查账征收的居民企业"
            } else {
                "境内注册的居民企业"
            }
            .to_owned(),
            threshold_en: if v22 { "resident enterprise registered in China, taxed on audited accounts" } else { "resident enterprise registered in China" }.to_owned(),
            check: v.resident,
            source: format!("{SME} 第六条(一)"),
            points: None,
        },
        Cond {
            id: "tech_sme.employees",
            zh: "(二) 职工总数",
            en: "(2) employees",
            value: employees.map(|e| format!("{} 人", num(e))),
            threshold: "≤ 500 人".to_owned(),
            threshold_en: "≤ 500".to_owned(),
            check: v.employees,
            source: s2.clone(),
            points: None,
        },
        Cond {
            id: "tech_sme.sales",
            zh: "(二) 年销售收入",
            en: "(2) annual sales revenue",
            value: sales.map(|s| format!("{} 万元", num(s))),
            threshold: "≤ 20000 万元".to_owned(),
            threshold_en: "≤ 20000 (10k CNY)".to_owned(),
            check: v.sales,
            source: s2.clone(),
            points: None,
        },
        Cond {
            id: "tech_sme.assets",
            zh: "(二) 资产总额",
            en: "(2) total assets",
            value: get(|y| y.total_assets).map(|s| format!("{} 万元", num(s))),
            threshold: "≤ 20000 万元".to_owned(),
            threshold_en: "≤ 20000 (10k CNY)".to_owned(),
            check: v.assets,
            source: s2,
            points: None,
        },
        Cond {
            id: "tech_sme.industry",
            zh: "(三) 不属于禁止、限制和淘汰类",
            en: "(3) not a prohibited, restricted or obsolete industry",
            value: Some(format!(
                "{}{}",
                if p.restricted_industry {
                    "属于限制类"
                } else {
                    "不属于限制类"
                },
                p.industry
                    .map(|c| format!("，行业 {c} {}", c.section_name()))
                    .unwrap_or_default()
            )),
            threshold: if v22 {
                "产品及所在行业均不属于（含加计扣除负面清单行业）"
            } else {
                "产品和服务不属于"
            }
            .to_owned(),
            threshold_en: if v22 { "neither products nor industry listed (incl. the super-deduction negative list)" } else { "products and services not listed" }.to_owned(),
            check: v.industry,
            source: format!(
                "{SME} 第六条(三){}",
                if v22 { "；国科火字〔2022〕67号" } else { "" }
            ),
            points: None,
        },
        Cond {
            id: "tech_sme.record",
            zh: "(四) 无重大事故、严重违法失信",
            en: "(4) no major accident, serious violation or dishonesty",
            value: Some(format!(
                "{}-01-01 至 {} 期间 {} 起",
                v.data_year,
                v.as_of,
                p.incidents
                    .iter()
                    .filter(|i| i.on.year() >= v.data_year && i.on <= v.as_of)
                    .count()
            )),
            threshold: "上一年及当年内 0 起".to_owned(),
            threshold_en: "none in the previous and current year".to_owned(),
            check: v.record,
            source: format!("{SME} 第六条(四)"),
            points: None,
        },
        Cond {
            id: "tech_sme.score.tech_staff",
            zh: "A 科技人员指标 (≤20)",
            en: "A tech-staff share (≤20)",
            value: ratio_text(tech, employees),
            threshold: "≥30 % 20; ≥25 % 16; ≥20 % 12; ≥15 % 8; ≥10 % 4; 否则 0（不得为 0）".to_owned(),
            threshold_en: "≥30 % 20; ≥25 % 16; ≥20 % 12; ≥15 % 8; ≥10 % 4; else 0 (must not be 0)".to_owned(),
            check: v.staff_points.missing.map_or(Check::Pass, Check::Unknown),
            source: format!("{SME} 第七条"),
            points: Some(v.staff_points),
        },
        Cond {
            id: "tech_sme.score.rd_sales",
            zh: "B1 研发费用/销售收入 (≤50)",
            en: "B1 R&D / sales (≤50)",
            value: ratio_text(rd, sales),
            threshold: "≥6 % 50; ≥5 % 40; ≥4 % 30; ≥3 % 20; ≥2 % 10".to_owned(),
            threshold_en: "≥6 % 50; ≥5 % 40; ≥4 % 30; ≥3 % 20; ≥2 % 10".to_owned(),
            check: v.rd_sales_points.missing.map_or(Check::Pass, Check::Unknown),
            source: format!("{SME} 第七条"),
            points: Some(v.rd_sales_points),
        },
        Cond {
            id: "tech_sme.score.rd_cost",
            zh: "B2 研发费用/成本费用支出 (≤50)",
            en: "B2 R&D / total costs (≤50)",
            value: ratio_text(rd, cost),
            threshold: "≥30 % 50; ≥25 % 40; ≥20 % 30; ≥15 % 20; ≥10 % 10（B 取 B1、B2 较高者）".to_owned(),
            threshold_en: "≥30 % 50; ≥25 % 40; ≥20 % 30; ≥15 % 20; ≥10 % 10 (B is the better of B1, B2)".to_owned(),
            check: v.rd_cost_points.missing.map_or(Check::Pass, Check::Unknown),
            source: format!("{SME} 第七条"),
            points: Some(v.rd_cost_points),
        },
        Cond {
            id: "tech_sme.score.ip",
            zh: "C 科技成果指标 (≤30)",
            en: "C intellectual property (≤30)",
            value: Some(format!("Ⅰ类 {}，Ⅱ类 {}", p.ip.class_i, p.ip.class_ii)),
            threshold: "≥1 Ⅰ类 30; Ⅱ类 ≥4 24, 3 18, 2 12, 1 6".to_owned(),
            threshold_en: "≥1 class I 30; class II ≥4 24, 3 18, 2 12, 1 6".to_owned(),
            check: Check::Pass,
            source: format!("{SME} 第七条"),
            points: Some(Points::exact(v.ip_points)),
        },
        Cond {
            id: "tech_sme.score",
            zh: "(五) 综合评价得分",
            en: "(5) overall score",
            value: Some(format!(
                "{} 分（科技人员指标 {} 分）",
                points_text(score),
                points_text(v.staff_points)
            )),
            threshold: "≥ 60 分，且科技人员指标不为 0".to_owned(),
            threshold_en: "≥ 60 points, tech-staff points not 0".to_owned(),
            check: v.score_check(),
            source: format!("{SME} 第六条(五)"),
            points: None,
        },
        Cond {
            id: "tech_sme.direct",
            zh: "第八条 直接确认",
            en: "Art. 8 direct confirmation",
            value: Some(v.direct.map_or("无".to_owned(), |d| d.id().to_owned())),
            threshold: "有效高企证书；近五年国家级科技奖前三；省部级以上研发机构；近五年主导制定标准（任一）"
                .to_owned(),
            threshold_en: "valid high-tech certificate; national S&T award in top 3 within 5 years; provincial or national R&D institution; led a standard within 5 years (any one)".to_owned(),
            check: Check::from_bool(v.direct.is_some()),
            source: format!("{SME} 第八条"),
            points: None,
        },
    ];
    conds.into_iter().map(Cond::build).collect()
}

fn growth_text(values: &[Option<Decimal>]) -> Option<String> {
    let vals: Option<Vec<Decimal>> = values.iter().copied().collect();
    let vals = vals?;
    let list = vals.iter().map(|v| num(*v)).collect::<Vec<_>>().join(" / ");
    let rate = match vals.as_slice() {
        [a, b, c] if !a.is_zero() && !b.is_zero() => {
            Some((b.checked_div(*a)? + c.checked_div(*b)?) / Decimal::TWO - Decimal::ONE)
        }
        [_, b, c] if !b.is_zero() => Some(c.checked_div(*b)? - Decimal::ONE),
        [a, b] if !a.is_zero() => Some(b.checked_div(*a)? - Decimal::ONE),
        _ => None,
    };
    Some(match rate {
        Some(r) => format!("{list} → {}", percent(r)),
        None => list,
    })
}

/// The conditions of the 高企 verdict.
pub fn high_tech_conditions(p: &EnterpriseProfile, v: &HighTechVerdict) -> Vec<ConditionReport> {
    let latest = p.year(v.last_year);
    let years: Vec<Option<&super::FiscalYear>> = (v.first_year..=v.last_year).map(|y| p.year(y)).collect();
    let s = v.score;
    let window = if v.first_year == v.last_year {
        v.first_year.to_string()
    } else {
        format!("{}–{}", v.first_year, v.last_year)
    };
    let required = v.required_rd_pct();
    let conds = [
        Cond {
            id: "high_tech.age",
            zh: "(一) 注册成立一年以上",
            en: "(1) registered at least one year",
            value: v.age_days.map(|d| format!("{d} 天")),
            threshold: "≥ 365 天".to_owned(),
            threshold_en: "≥ 365 days".to_owned(),
            check: v.age,
            source: format!("{HT32} 第十一条(一)；{HT195}"),
            points: None,
        },
        Cond {
            id: "high_tech.ip_owned",
            zh: "(二) 拥有核心知识产权所有权",
            en: "(2) owns core intellectual property",
            value: Some(format!("Ⅰ类 {}，Ⅱ类 {}", p.ip.class_i, p.ip.class_ii)),
            threshold: "≥ 1 项".to_owned(),
            threshold_en: "≥ 1 item".to_owned(),
            check: v.ip_owned,
            source: format!("{HT32} 第十一条(二)"),
            points: None,
        },
        Cond {
            id: "high_tech.field",
            zh: "(三) 属于国家重点支持的高新技术领域",
            en: "(3) in a nationally supported high-tech field",
            value: Some(
                p.high_tech_field
                    .map_or("无".to_owned(), |f| f.name_zh().to_owned()),
            ),
            threshold: "八大领域之一".to_owned(),
            threshold_en: "one of the eight fields".to_owned(),
            check: v.field,
            source: format!("{HT32} 第十一条(三)"),
            points: None,
        },
        Cond {
            id: "high_tech.tech_staff",
            zh: "(四) 科技人员占职工总数比例",
            en: "(4) tech staff share of employees",
            value: ratio_text(latest.and_then(ht_tech_staff), latest.and_then(ht_employees)),
            threshold: format!("≥ 10 %（{} 年；有月度数时用全年月平均数）", v.last_year),
            threshold_en: format!("≥ 10 % ({}; monthly averages when given)", v.last_year),
            check: v.tech_staff,
            source: format!("{HT32} 第十一条(四)；{HT195}"),
            points: None,
        },
        Cond {
            id: "high_tech.rd_ratio",
            zh: "(五) 近三个会计年度研发费用占销售收入比例",
            en: "(5) R&D / sales over the last three fiscal years",
            value: ratio_text(v.rd_total, v.sales_total).map(|t| format!("{t}，{window}")),
            threshold: match (required, v.latest_sales) {
                (Some(r), Some(ls)) => format!("≥ {r} %（最近一年销售收入 {} 万元）", num(ls)),
                _ => "≤5000万 5 %；≤2亿 4 %；>2亿 3 %（按最近一年销售收入）".to_owned(),
            },
            threshold_en: match (required, v.latest_sales) {
                (Some(r), Some(ls)) => format!("≥ {r} % (latest-year sales {} 10k CNY)", num(ls)),
                _ => "≤50 M CNY 5 %; ≤200 M 4 %; >200 M 3 % (by latest-year sales)".to_owned(),
            },
            check: v.rd_ratio,
            source: format!("{HT32} 第十一条(五)；{HT195}"),
            points: None,
        },
        Cond {
            id: "high_tech.domestic_rd",
            zh: "(五) 境内研发费用占全部研发费用比例",
            en: "(5) domestic share of R&D expense",
            value: ratio_text(v.domestic_total, v.rd_total),
            threshold: "≥ 60 %".to_owned(),
            threshold_en: "≥ 60 %".to_owned(),
            check: v.domestic_rd,
            source: format!("{HT32} 第十一条(五)"),
            points: None,
        },
        Cond {
            id: "high_tech.high_tech_revenue",
            zh: "(六) 高新技术产品(服务)收入占总收入比例",
            en: "(6) high-tech revenue share of total revenue",
            value: ratio_text(
                latest.and_then(|y| y.high_tech_revenue),
                latest.and_then(|y| y.total_revenue),
            ),
            threshold: format!("≥ 60 %（{} 年）", v.last_year),
            threshold_en: format!("≥ 60 % ({})", v.last_year),
            check: v.high_tech_revenue,
            source: format!("{HT32} 第十一条(六)"),
            points: None,
        },
        Cond {
            id: "high_tech.score.ip",
            zh: "知识产权 (≤30)",
            en: "intellectual property (≤30)",
            value: Some(format!(
                "先进程度 {}，核心支持 {}，数量 {}，获得方式 {}，加分 {}",
                points_text(s.tech_advancement),
                points_text(s.core_support),
                points_text(s.ip_count),
                points_text(s.ip_acquisition),
                points_text(s.standards_bonus)
            )),
            threshold: "Ⅰ类 ≥1 7–8；Ⅱ类 ≥5 5–6，3–4 项 3–4，1–2 项 1–2；小计不超过 30".to_owned(),
            threshold_en: "class I ≥1 7–8; class II ≥5 5–6, 3–4 items 3–4, 1–2 items 1–2; sub-total ≤ 30"
                .to_owned(),
            check: Check::Pass,
            source: HT195.to_owned(),
            points: Some(s.ip_total()),
        },
        Cond {
            id: "high_tech.score.conversion",
            zh: "科技成果转化能力 (≤30)",
            en: "technology conversion (≤30)",
            value: years
                .iter()
                .map(|y| y.and_then(|y| y.conversions))
                .collect::<Option<Vec<u32>>>()
                .map(|c| format!("{} 项（{window}）", c.iter().sum::<u32>())),
            threshold: "年均 ≥5 25–30；≥4 19–24；≥3 13–18；≥2 7–12；≥1 1–6".to_owned(),
            threshold_en: "yearly average ≥5 25–30; ≥4 19–24; ≥3 13–18; ≥2 7–12; ≥1 1–6".to_owned(),
            check: s.conversion.missing.map_or(Check::Pass, Check::Unknown),
            source: HT195.to_owned(),
            points: Some(s.conversion),
        },
        Cond {
            id: "high_tech.score.rd_management",
            zh: "研究开发组织管理水平 (≤20)",
            en: "R&D organisation and management (≤20)",
            value: p.expert_scores.rd_management.map(|s| format!("专家评分 {s}")),
            threshold: "专家评分".to_owned(),
            threshold_en: "expert score".to_owned(),
            check: Check::Pass,
            source: HT195.to_owned(),
            points: Some(s.rd_management),
        },
        Cond {
            id: "high_tech.score.net_asset_growth",
            zh: "净资产增长率 (≤10)",
            en: "net-asset growth (≤10)",
            value: growth_text(
                &years
                    .iter()
                    .map(|y| y.and_then(|y| Some(y.total_assets? - y.total_liabilities?)))
                    .collect::<Vec<_>>(),
            ),
            threshold: "≥35 % 9–10；≥25 % 7–8；≥15 % 5–6；≥5 % 3–4；>0 1–2".to_owned(),
            threshold_en: "≥35 % 9–10; ≥25 % 7–8; ≥15 % 5–6; ≥5 % 3–4; >0 1–2".to_owned(),
            check: s.net_asset_growth.missing.map_or(Check::Pass, Check::Unknown),
            source: HT195.to_owned(),
            points: Some(s.net_asset_growth),
        },
        Cond {
            id: "high_tech.score.sales_growth",
            zh: "销售收入增长率 (≤10)",
            en: "sales growth (≤10)",
            value: growth_text(
                &years
                    .iter()
                    .map(|y| y.and_then(|y| y.sales_revenue))
                    .collect::<Vec<_>>(),
            ),
            threshold: "≥35 % 9–10；≥25 % 7–8；≥15 % 5–6；≥5 % 3–4；>0 1–2".to_owned(),
            threshold_en: "≥35 % 9–10; ≥25 % 7–8; ≥15 % 5–6; ≥5 % 3–4; >0 1–2".to_owned(),
            check: s.sales_growth.missing.map_or(Check::Pass, Check::Unknown),
            source: HT195.to_owned(),
            points: Some(s.sales_growth),
        },
        Cond {
            id: "high_tech.innovation_score",
            zh: "(七) 企业创新能力评价",
            en: "(7) innovation-ability score",
            value: Some(format!("{} 分", points_text(s.total()))),
            threshold: "> 70 分（整数分，即 ≥ 71）".to_owned(),
            threshold_en: "> 70 points (integers, so ≥ 71)".to_owned(),
            check: {
                let t = s.total();
                if t.min >= high_tech::PASS_SCORE {
                    Check::Pass
                } else if t.max < high_tech::PASS_SCORE {
                    Check::Fail
                } else {
                    t.missing.map_or(Check::Pass, Check::Unknown).and(Check::Pass)
                }
            },
            source: format!("{HT32} 第十一条(七)；{HT195}"),
            points: None,
        },
        Cond {
            id: "high_tech.record",
            zh: "(八) 申请前一年内无重大安全、质量事故或严重环境违法",
            en: "(8) no major safety or quality accident or serious environmental violation in the past year",
            value: Some(format!(
                "{} 起",
                p.incidents
                    .iter()
                    .filter(|i| matches!(
                        i.kind,
                        super::IncidentKind::MajorSafety
                            | super::IncidentKind::MajorQuality
                            | super::IncidentKind::EnvironmentalViolation
                    ) && i.on <= v.as_of
                        && super::check::day_number(v.as_of) - super::check::day_number(i.on) < 365)
                    .count()
            )),
            threshold: "申请前 365 天内 0 起".to_owned(),
            threshold_en: "none within 365 days before applying".to_owned(),
            check: v.record,
            source: format!("{HT32} 第十一条(八)；{HT195}"),
            points: None,
        },
    ];
    let mut out: Vec<ConditionReport> = conds.into_iter().map(Cond::build).collect();
    // The score condition straddling 71 without missing data is for the expert, not a pass.
    if let Some(c) = out.iter_mut().find(|c| c.id == "high_tech.innovation_score") {
        let t = s.total();
        if t.min < high_tech::PASS_SCORE && t.max >= high_tech::PASS_SCORE && t.missing.is_none() {
            c.passed = None;
            c.explanation_zh = format!(
                "{}（需专家评审，至少还差 {} 分）",
                c.explanation_zh,
                high_tech::PASS_SCORE - t.min
            );
            c.explanation_en = format!(
                "{} (needs expert review, at least {} points short)",
                c.explanation_en,
                high_tech::PASS_SCORE - t.min
            );
        }
    }
    out
}

/// One change as text, e.g. "研发费用 +35.2 万元 → 5.00 %".
pub fn change_report(c: &Change) -> ChangeReport {
    let amount = num(c.amount);
    let result = c.result.map(percent).unwrap_or_default();
    let result_field = c.result.map(percent);
    let arrow = |s: &str| {
        if s.is_empty() {
            String::new()
        } else {
            format!(" → {s}")
        }
    };
    let (unit, zh, en) = match c.kind {
        ChangeKind::RdExpense => (
            "万元",
            format!("{} 年研发费用 +{amount} 万元{}", c.year, arrow(&result)),
            format!("R&D expense {} +{amount} (10k CNY){}", c.year, arrow(&result)),
        ),
        ChangeKind::TechStaff => (
            "人",
            format!("+{amount} 科技人员（{} 年）{}", c.year, arrow(&result)),
            format!("+{amount} tech staff ({}){}", c.year, arrow(&result)),
        ),
        ChangeKind::ClassIIp => (
            "项",
            format!("+{amount} Ⅰ类知识产权"),
            format!("+{amount} class-I IP"),
        ),
        ChangeKind::ClassIIIp => (
            "项",
            format!("+{amount} Ⅱ类知识产权"),
            format!("+{amount} class-II IP"),
        ),
        ChangeKind::HighTechRevenue => (
            "万元",
            format!(
                "{} 年高新技术产品(服务)收入 +{amount} 万元{}",
                c.year,
                arrow(&result)
            ),
            format!(
                "high-tech revenue {} +{amount} (10k CNY){}",
                c.year,
                arrow(&result)
            ),
        ),
        ChangeKind::Wait => (
            "天",
            format!("等待 {amount} 天后申报"),
            format!("apply {amount} days later"),
        ),
    };
    ChangeReport {
        kind: c.kind.id().to_owned(),
        amount: c.amount.normalize(),
        unit: unit.to_owned(),
        result: result_field,
        text_zh: zh,
        text_en: en,
    }
}

/// One gap option as report.
pub fn gap_report(g: &GapOption) -> GapReport {
    let changes: Vec<ChangeReport> = g.changes.iter().map(change_report).collect();
    GapReport {
        text_zh: changes
            .iter()
            .map(|c| c.text_zh.as_str())
            .collect::<Vec<_>>()
            .join("；"),
        text_en: changes
            .iter()
            .map(|c| c.text_en.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        changes,
        size: g.size.normalize(),
    }
}

/// The full report of one evaluation, with the gaps when given.
pub fn report(p: &EnterpriseProfile, e: &Evaluation, gaps: Option<&Gaps>, rules: &Rules) -> EvaluationReport {
    let t = &e.tech_sme;
    let score = t.score();
    let (route, direct_reason) = match t.outcome {
        TechSmeOutcome::Qualified(TechSmeRoute::Score) => (Some("score".to_owned()), None),
        TechSmeOutcome::Qualified(TechSmeRoute::Direct(d)) => {
            (Some("direct".to_owned()), Some(d.id().to_owned()))
        }
        _ => (None, None),
    };
    let tech_sme = TechSmeReport {
        qualified: t.qualified(),
        route,
        direct_reason,
        score: score.value(),
        parts: match (t.staff_points.value(), t.rd_points().value()) {
            (Some(a), Some(b)) => Some(TechSmeParts {
                tech_staff: a,
                rd: b,
                ip: t.ip_points,
            }),
            _ => None,
        },
        conditions: tech_sme_conditions(p, t),
        data_year: t.data_year,
        rules: t.wording.documents().to_owned(),
        missing: match t.outcome {
            TechSmeOutcome::CannotJudge(m) => Some(m.to_string()),
            _ => None,
        },
    };
    let h = &e.high_tech;
    let total = h.score.total();
    let high_tech = HighTechReport {
        verdict: h.outcome.id().to_owned(),
        conditions: high_tech_conditions(p, h),
        rd_ratio: match (h.rd_total, h.sales_total) {
            (Some(r), Some(s)) => ratio(r, s),
            _ => None,
        },
        required_rd_ratio: h
            .required_rd_pct()
            .map(|r| (r / Decimal::ONE_HUNDRED).normalize()),
        innovation_score: ScoreRange {
            min: total.min,
            max: total.max,
        },
        points_needed: match h.outcome {
            HighTechOutcome::NeedsExpertReview { points_needed } => Some(points_needed),
            _ => None,
        },
        missing: match h.outcome {
            HighTechOutcome::CannotJudge(m) => Some(m.to_string()),
            _ => None,
        },
    };
    let rd_deduction = match e.rd_deduction.outcome {
        DeductionOutcome::Deduction {
            rule,
            rate,
            extra,
            tax_rate,
            tax_saving,
        } => Some(DeductionReport {
            tax_year: e.rd_deduction.tax_year,
            rate: rate.normalize(),
            extra_deduction: extra.normalize(),
            tax_saving: tax_saving.normalize(),
            source: format!(
                "{}；税率 {}{}",
                rules.deduction_rules.get(rule).map_or("", |r| r.source.as_str()),
                percent(tax_rate),
                if e.rd_deduction.high_tech {
                    "（高新技术企业）"
                } else {
                    ""
                }
            ),
        }),
        DeductionOutcome::NegativeList => Some(DeductionReport {
            tax_year: e.rd_deduction.tax_year,
            rate: Decimal::ZERO,
            extra_deduction: Decimal::ZERO,
            tax_saving: Decimal::ZERO,
            source: "财税〔2015〕119号 负面清单行业，不适用加计扣除".to_owned(),
        }),
        DeductionOutcome::NoRule | DeductionOutcome::CannotJudge(_) => None,
    };
    EvaluationReport {
        uscc: p.uscc.to_string(),
        as_of: e.as_of,
        tech_sme,
        high_tech,
        above_scale_industrial: e.above_scale.outcome.passed(),
        rd_deduction,
        gaps: gaps.map_or_else(GapsReport::default, |g| GapsReport {
            tech_sme: g.tech_sme.iter().map(gap_report).collect(),
            high_tech: g.high_tech.iter().map(gap_report).collect(),
        }),
    }
}
