//! The worked examples of criteria.md (SME-1…7, HT-1…9, RD-1…5), every threshold on both sides, the explanations,
//! the gaps and the property tests (monotone scores; an applied gap qualifies).

use jiff::civil::Date;
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};

use super::check::{Check, Field, Missing, Points};
use super::deduction::{self, DeductionOutcome, EnterpriseKinds};
use super::high_tech::{self, HighTechOutcome};
use super::tech_sme::{self, DirectRoute, TechSmeOutcome, TechSmeRoute, TechSmeWording};
use super::*;

const CODE: &str = "91350100M000100Y43";

fn d(y: i16, m: i8, day: i8) -> Date {
    Date::constant(y, m, day)
}

fn profile(v: &Value) -> EnterpriseProfile {
    parse_profiles_json(&format!("[{v}]")).unwrap().remove(0)
}

/// SME-1 of criteria.md §1.7, data year 2017 (evaluated on 2018-06-30).
fn sme1() -> Value {
    json!({
        "uscc": CODE, "name": "SME-1", "registered_on": "2010-01-01", "industry_code": "C3511",
        "ip": {"class_i": 0, "class_ii": 3},
        "years": [{"year": 2017, "employees": 120, "tech_staff": 30, "sales_revenue": "3000",
                   "rd_expense": "150", "cost_expense_total": "2600", "total_assets": "5000"}]
    })
}

fn set(v: &mut Value, path: &[&str], x: Value) {
    let mut cur = v;
    for (i, k) in path.iter().enumerate() {
        if i + 1 == path.len() {
            cur[*k] = x;
            return;
        }
        cur = if let Ok(n) = k.parse::<usize>() {
            &mut cur[n]
        } else {
            &mut cur[*k]
        };
    }
}

const SME_DAY: Date = Date::constant(2018, 6, 30);

fn sme(v: &Value) -> tech_sme::TechSmeVerdict {
    tech_sme::evaluate(&profile(v), SME_DAY, &Rules::default())
}

// ---------------------------------------------------------------- 科技型中小企业

#[test]
fn sme_1_scores_74_and_qualifies_by_score() {
    let v = sme(&sme1());
    assert_eq!(v.staff_points.value(), Some(16));
    assert_eq!(v.rd_sales_points.value(), Some(40));
    assert_eq!(v.rd_cost_points.value(), Some(0));
    assert_eq!(v.ip_points, 18);
    assert_eq!(v.score().value(), Some(74));
    assert_eq!(v.outcome, TechSmeOutcome::Qualified(TechSmeRoute::Score));
    assert_eq!(v.data_year, 2017);
}

fn sme2() -> Value {
    json!({
        "uscc": CODE, "name": "SME-2", "industry_code": "C3511", "ip": {"class_i": 1},
        "years": [{"year": 2017, "employees": 100, "tech_staff": 9, "sales_revenue": "1000",
                   "rd_expense": "80", "cost_expense_total": "900", "total_assets": "800"}]
    })
}

#[test]
fn sme_2_scores_80_but_fails_because_tech_staff_points_are_zero() {
    let v = sme(&sme2());
    assert_eq!(v.score().value(), Some(80));
    assert_eq!(v.staff_points.value(), Some(0));
    assert_eq!(v.score_check(), Check::Fail);
    assert_eq!(v.outcome, TechSmeOutcome::NotQualified);
}

#[test]
fn sme_3_qualifies_directly_with_a_valid_high_tech_certificate() {
    let mut x = sme2();
    set(
        &mut x,
        &["certificates"],
        json!([{"kind": "high_tech", "issued_on": "2016-11-30"}]),
    );
    let v = sme(&x);
    assert_eq!(
        v.outcome,
        TechSmeOutcome::Qualified(TechSmeRoute::Direct(DirectRoute::ValidHighTechCertificate))
    );
    // An expired certificate (issued more than three years before) does not.
    set(
        &mut x,
        &["certificates"],
        json!([{"kind": "high_tech", "issued_on": "2015-06-30"}]),
    );
    assert_eq!(sme(&x).outcome, TechSmeOutcome::NotQualified);
    set(
        &mut x,
        &["certificates"],
        json!([{"kind": "high_tech", "issued_on": "2015-07-01"}]),
    );
    assert!(matches!(sme(&x).outcome, TechSmeOutcome::Qualified(_)));
}

#[test]
fn sme_4_with_501_employees_fails_condition_two_regardless_of_score() {
    let mut x = sme1();
    set(&mut x, &["years", "0", "employees"], json!(501));
    let v = sme(&x);
    assert_eq!(v.employees, Check::Fail);
    assert_eq!(v.outcome, TechSmeOutcome::NotQualified);
    // Even with a direct route.
    set(
        &mut x,
        &["certificates"],
        json!([{"kind": "high_tech", "issued_on": "2017-01-01"}]),
    );
    assert_eq!(sme(&x).outcome, TechSmeOutcome::NotQualified);
    set(&mut x, &["years", "0", "employees"], json!(500));
    assert_eq!(sme(&x).employees, Check::Pass);
}

#[test]
fn sme_5_thirty_percent_tech_staff_gives_20_inclusive() {
    assert_eq!(tech_sme::staff_points(dec!(30), dec!(100)), 20);
    assert_eq!(tech_sme::staff_points(dec!(29.99), dec!(100)), 16);
}

#[test]
fn sme_6_six_percent_rd_gives_50_inclusive() {
    assert_eq!(tech_sme::rd_sales_points(dec!(60), dec!(1000)), 50);
    assert_eq!(tech_sme::rd_sales_points(dec!(59.99), dec!(1000)), 40);
}

#[test]
fn sme_7_sales_of_exactly_two_hundred_million_are_allowed() {
    let mut x = sme1();
    set(&mut x, &["years", "0", "sales_revenue"], json!("20000"));
    assert_eq!(sme(&x).sales, Check::Pass);
    set(&mut x, &["years", "0", "sales_revenue"], json!("20000.0001"));
    assert_eq!(sme(&x).sales, Check::Fail);
    set(&mut x, &["years", "0", "total_assets"], json!("20000"));
    assert_eq!(sme(&x).assets, Check::Pass);
    set(&mut x, &["years", "0", "total_assets"], json!("20000.01"));
    assert_eq!(sme(&x).assets, Check::Fail);
}

#[test]
fn every_sme_band_is_inclusive_at_its_lower_bound() {
    for (pct, pts) in tech_sme::STAFF_BANDS {
        assert_eq!(tech_sme::staff_points(pct, dec!(100)), pts, "staff {pct}");
        assert!(
            tech_sme::staff_points(pct - dec!(0.01), dec!(100)) < pts,
            "staff below {pct}"
        );
    }
    for (pct, pts) in tech_sme::RD_SALES_BANDS {
        assert_eq!(
            tech_sme::rd_sales_points(pct * dec!(10), dec!(1000)),
            pts,
            "B1 {pct}"
        );
        assert!(tech_sme::rd_sales_points(pct * dec!(10) - dec!(0.01), dec!(1000)) < pts);
    }
    for (pct, pts) in tech_sme::RD_COST_BANDS {
        assert_eq!(
            tech_sme::rd_cost_points(pct * dec!(10), dec!(1000)),
            pts,
            "B2 {pct}"
        );
        assert!(tech_sme::rd_cost_points(pct * dec!(10) - dec!(0.01), dec!(1000)) < pts);
    }
    let ip = |class_i, class_ii| tech_sme::ip_points(IpHoldings { class_i, class_ii });
    assert_eq!(
        [
            ip(0, 0),
            ip(0, 1),
            ip(0, 2),
            ip(0, 3),
            ip(0, 4),
            ip(0, 9),
            ip(1, 0)
        ],
        [0, 6, 12, 18, 24, 24, 30]
    );
}

#[test]
fn sme_score_of_exactly_60_passes_and_59_fails() {
    // 16 (25 %) + 20 (3 % B1) + 24 (4 Ⅱ类) = 60.
    let mut x = sme1();
    set(&mut x, &["years", "0", "rd_expense"], json!("90"));
    set(&mut x, &["ip"], json!({"class_ii": 4}));
    let v = sme(&x);
    assert_eq!(v.score().value(), Some(60));
    assert_eq!(v.outcome, TechSmeOutcome::Qualified(TechSmeRoute::Score));
    // 12 (20 %) + 20 + 24 = 56: fails. (No band gives exactly 59; 56 is the nearest below.)
    set(&mut x, &["years", "0", "tech_staff"], json!(24));
    let v = sme(&x);
    assert_eq!(v.score().value(), Some(56));
    assert_eq!(v.outcome, TechSmeOutcome::NotQualified);
}

#[test]
fn sme_missing_sales_cannot_be_judged_and_says_so() {
    let mut x = sme1();
    set(&mut x, &["years", "0", "sales_revenue"], Value::Null);
    let v = sme(&x);
    assert_eq!(
        v.outcome,
        TechSmeOutcome::CannotJudge(Missing {
            year: Some(2017),
            field: Field::SalesRevenue
        })
    );
    let p = profile(&x);
    let r = report(
        &p,
        &evaluate(&p, SME_DAY, &Rules::default()),
        None,
        &Rules::default(),
    );
    assert_eq!(r.tech_sme.qualified, None);
    assert_eq!(
        r.tech_sme.missing.as_deref(),
        Some("缺少 2017 年销售收入 / missing 2017 sales revenue")
    );
}

#[test]
fn sme_missing_figures_do_not_block_a_decided_outcome() {
    // No cost total: B2 unknown, but B1 already gives 40 and the total 74 passes whatever B2 is.
    let mut x = sme1();
    set(&mut x, &["years", "0", "cost_expense_total"], Value::Null);
    assert_eq!(sme(&x).outcome, TechSmeOutcome::Qualified(TechSmeRoute::Score));
    // No year at all but a failing condition (restricted industry) decides.
    let x = json!({"uscc": CODE, "restricted_industry": true});
    assert_eq!(sme(&x).outcome, TechSmeOutcome::NotQualified);
}

#[test]
fn sme_wording_follows_the_evaluation_date() {
    let p = profile(&sme1());
    let rules = Rules::default();
    assert_eq!(
        tech_sme::evaluate(&p, d(2021, 12, 31), &rules).wording,
        TechSmeWording::V2017
    );
    assert_eq!(
        tech_sme::evaluate(&p, d(2022, 1, 1), &rules).wording,
        TechSmeWording::V2022
    );
    // 严重弄虚作假 is a ground for refusal only in the 2022 wording.
    let mut x = sme1();
    set(&mut x, &["years", "0", "year"], json!(2021));
    set(
        &mut x,
        &["incidents"],
        json!([{"kind": "fraud", "on": "2021-05-01"}]),
    );
    let p = profile(&x);
    assert_eq!(
        tech_sme::evaluate(&p, d(2021, 12, 31), &rules).record,
        Check::Pass
    );
    let mut x2 = x.clone();
    set(&mut x2, &["years", "0", "year"], json!(2022));
    set(
        &mut x2,
        &["incidents"],
        json!([{"kind": "fraud", "on": "2022-05-01"}]),
    );
    assert_eq!(
        tech_sme::evaluate(&profile(&x2), d(2023, 1, 1), &rules).record,
        Check::Fail
    );
    // The 2022 wording also excludes negative-list industries (批发和零售业).
    set(&mut x2, &["industry_code"], json!("F5123"));
    set(&mut x2, &["incidents"], json!([]));
    assert_eq!(
        tech_sme::evaluate(&profile(&x2), d(2023, 1, 1), &rules).industry,
        Check::Fail
    );
    set(&mut x, &["industry_code"], json!("F5123"));
    set(&mut x, &["incidents"], json!([]));
    assert_eq!(
        tech_sme::evaluate(&profile(&x), d(2021, 12, 31), &rules).industry,
        Check::Pass
    );
}

#[test]
fn sme_incidents_count_from_the_start_of_the_data_year_to_the_evaluation_date() {
    let mut x = sme1();
    set(
        &mut x,
        &["incidents"],
        json!([{"kind": "major_safety", "on": "2016-12-31"}]),
    );
    assert_eq!(sme(&x).record, Check::Pass);
    set(
        &mut x,
        &["incidents"],
        json!([{"kind": "major_safety", "on": "2017-01-01"}]),
    );
    assert_eq!(sme(&x).record, Check::Fail);
    set(
        &mut x,
        &["incidents"],
        json!([{"kind": "abnormal_operation", "on": "2018-06-30"}]),
    );
    assert_eq!(sme(&x).record, Check::Fail);
    set(
        &mut x,
        &["incidents"],
        json!([{"kind": "abnormal_operation", "on": "2018-07-01"}]),
    );
    assert_eq!(sme(&x).record, Check::Pass);
}

#[test]
fn sme_direct_routes_of_article_eight() {
    let mut x = sme2();
    // (二) award in the last five years, rank ≤ 3.
    set(
        &mut x,
        &["national_awards"],
        json!([{"on": "2013-07-01", "rank": 3}]),
    );
    assert_eq!(sme(&x).direct, Some(DirectRoute::NationalAward));
    set(
        &mut x,
        &["national_awards"],
        json!([{"on": "2013-06-30", "rank": 3}]),
    );
    assert_eq!(sme(&x).direct, None);
    set(
        &mut x,
        &["national_awards"],
        json!([{"on": "2017-06-30", "rank": 4}]),
    );
    assert_eq!(sme(&x).direct, None);
    // (三) provincial or national R&D institution; municipal does not count.
    set(
        &mut x,
        &["rd_institutions"],
        json!([{"level": "municipal", "recognized_on": "2010-01-01"}]),
    );
    assert_eq!(sme(&x).direct, None);
    set(
        &mut x,
        &["rd_institutions"],
        json!([{"level": "provincial", "recognized_on": "2018-06-30"}]),
    );
    assert_eq!(sme(&x).direct, Some(DirectRoute::ProvincialRdInstitution));
    // (四) standard led in the last five years.
    set(&mut x, &["rd_institutions"], json!([]));
    set(
        &mut x,
        &["standards_led"],
        json!([{"on": "2014-01-01", "level": "industry"}]),
    );
    let v = sme(&x);
    assert_eq!(v.direct, Some(DirectRoute::LedStandard));
    assert_eq!(
        v.outcome,
        TechSmeOutcome::Qualified(TechSmeRoute::Direct(DirectRoute::LedStandard))
    );
}

// ---------------------------------------------------------------- 高新技术企业

/// HT-1 / HT-4 / HT-5 / HT-6 figures, applying on 2018-06-30 (years 2015–2017).
fn ht1() -> Value {
    json!({
        "uscc": CODE, "name": "HT-1", "registered_on": "2010-01-01", "industry_code": "C3911",
        "high_tech_field": "电子信息", "ip": {"class_i": 1, "class_ii": 4}, "ip_self_developed": true,
        "years": [
            {"year": 2015, "employees": 100, "tech_staff": 20, "sales_revenue": "3500", "rd_expense": "180",
             "rd_expense_domestic": "170", "total_assets": "3000", "total_liabilities": "1000", "conversions": 4},
            {"year": 2016, "employees": 100, "tech_staff": 20, "sales_revenue": "4200", "rd_expense": "210",
             "rd_expense_domestic": "200", "total_assets": "3600", "total_liabilities": "1000", "conversions": 4},
            {"year": 2017, "employees": 110, "tech_staff": 22, "sales_revenue": "4800", "rd_expense": "250",
             "rd_expense_domestic": "230", "total_assets": "4250", "total_liabilities": "1000", "conversions": 4,
             "total_revenue": "4800", "high_tech_revenue": "3000"}
        ],
        "expert_scores": {"tech_advancement": 6, "core_support": 6, "ip_acquisition": 5, "standards_bonus": 0,
                          "conversion": 21, "rd_management": 16}
    })
}

const HT_DAY: Date = Date::constant(2018, 6, 30);

fn ht(v: &Value) -> high_tech::HighTechVerdict {
    high_tech::evaluate(&profile(v), HT_DAY, &Rules::default())
}

#[test]
fn ht_1_rd_ratio_uses_three_year_totals_and_the_latest_years_band() {
    let v = ht(&ht1());
    assert_eq!((v.first_year, v.last_year), (2015, 2017));
    assert_eq!(v.rd_total, Some(dec!(640)));
    assert_eq!(v.sales_total, Some(dec!(12500)));
    assert_eq!(v.required_rd_pct(), Some(dec!(5)));
    assert_eq!(v.rd_ratio, Check::Pass);
    assert_eq!(v.domestic_total, Some(dec!(600)));
    assert_eq!(v.domestic_rd, Check::Pass);
    let p = profile(&ht1());
    let r = report(
        &p,
        &evaluate(&p, HT_DAY, &Rules::default()),
        None,
        &Rules::default(),
    );
    assert_eq!(r.high_tech.rd_ratio, Some(dec!(0.0512)));
    assert_eq!(r.high_tech.required_rd_ratio, Some(dec!(0.05)));
    let c = r
        .high_tech
        .conditions
        .iter()
        .find(|c| c.id == "high_tech.domestic_rd")
        .unwrap();
    assert!(
        c.value.as_deref().unwrap().starts_with("93.75 %"),
        "{:?}",
        c.value
    );
}

#[test]
fn ht_2_band_tops_are_inclusive() {
    assert_eq!(high_tech::required_rd_pct(dec!(5000)), dec!(5));
    assert_eq!(high_tech::required_rd_pct(dec!(5000.01)), dec!(4));
    assert_eq!(high_tech::required_rd_pct(dec!(20000)), dec!(4));
    assert_eq!(high_tech::required_rd_pct(dec!(20000.0001)), dec!(3));
}

#[test]
fn ht_rd_ratio_at_exactly_the_required_share_passes() {
    let mut x = ht1();
    // 625 / 12500 = 5.00 % exactly.
    set(&mut x, &["years", "2", "rd_expense"], json!("235"));
    set(&mut x, &["years", "2", "rd_expense_domestic"], json!("230"));
    assert_eq!(ht(&x).rd_ratio, Check::Pass);
    set(&mut x, &["years", "2", "rd_expense"], json!("234.99"));
    assert_eq!(ht(&x).rd_ratio, Check::Fail);
}

#[test]
fn ht_domestic_share_boundary_is_sixty_percent_inclusive() {
    let mut x = ht1();
    // rd total 640; domestic 384 = 60 %.
    for (i, dom) in ["100", "100", "184"].iter().enumerate() {
        set(
            &mut x,
            &["years", &i.to_string(), "rd_expense_domestic"],
            json!(dom),
        );
    }
    assert_eq!(ht(&x).domestic_rd, Check::Pass);
    set(&mut x, &["years", "2", "rd_expense_domestic"], json!("183.99"));
    assert_eq!(ht(&x).domestic_rd, Check::Fail);
}

#[test]
fn ht_3_monthly_averages_give_ten_percent_inclusive() {
    let mut x = ht1();
    let months = |a: u32, b: u32| json!([a, a, a, a, a, a, b, b, b, b, b, b]);
    set(&mut x, &["years", "2", "employees_monthly"], months(100, 120));
    set(&mut x, &["years", "2", "tech_staff_monthly"], months(11, 11));
    let v = ht(&x);
    assert_eq!(v.tech_staff, Check::Pass);
    assert_eq!(
        profile(&x).year(2017).unwrap().employees_monthly_avg(),
        Some(dec!(110))
    );
    // The monthly figures win over the year-end counts (22 / 110 would also pass; 10 / 110 must fail).
    set(&mut x, &["years", "2", "tech_staff_monthly"], months(10, 11));
    assert_eq!(ht(&x).tech_staff, Check::Fail);
}

#[test]
fn ht_tech_staff_boundary_is_ten_percent_inclusive() {
    let mut x = ht1();
    set(&mut x, &["years", "2", "employees"], json!(100));
    set(&mut x, &["years", "2", "tech_staff"], json!(10));
    assert_eq!(ht(&x).tech_staff, Check::Pass);
    set(&mut x, &["years", "2", "tech_staff"], json!("9.99"));
    assert_eq!(ht(&x).tech_staff, Check::Fail);
}

#[test]
fn ht_4_high_tech_revenue_share_and_its_boundary() {
    let v = ht(&ht1());
    assert_eq!(v.high_tech_revenue, Check::Pass); // 3000 / 4800 = 62.5 %
    let mut x = ht1();
    set(&mut x, &["years", "2", "high_tech_revenue"], json!("2880"));
    assert_eq!(ht(&x).high_tech_revenue, Check::Pass); // exactly 60 %
    set(&mut x, &["years", "2", "high_tech_revenue"], json!("2879.99"));
    assert_eq!(ht(&x).high_tech_revenue, Check::Fail);
}

#[test]
fn ht_5_net_asset_growth_of_27_5_percent_is_band_b() {
    let r = Rules::default();
    assert_eq!(
        high_tech::growth_points(&[dec!(2000), dec!(2600), dec!(3250)], &r),
        Points::range(7, 8)
    );
    assert_eq!(ht(&ht1()).score.net_asset_growth, Points::range(7, 8));
}

#[test]
fn ht_6_sales_growth_of_17_14_percent_is_band_c() {
    let r = Rules::default();
    assert_eq!(
        high_tech::growth_points(&[dec!(3500), dec!(4200), dec!(4800)], &r),
        Points::range(5, 6)
    );
    assert_eq!(ht(&ht1()).score.sales_growth, Points::range(5, 6));
}

#[test]
fn ht_7_first_and_second_year_zero_edge_rules() {
    let r = Rules::default();
    assert_eq!(
        high_tech::growth_points(&[dec!(0), dec!(1000), dec!(1500)], &r),
        Points::range(9, 10)
    );
    assert_eq!(
        high_tech::growth_points(&[dec!(1000), dec!(0), dec!(1500)], &r),
        Points::exact(0)
    );
    // The stricter reading halves the last ratio: ½ × 1.5 − 1 < 0.
    let strict = Rules {
        first_year_zero_growth: rules::FirstYearZeroGrowth::HalfOfLastRatio,
        ..Rules::default()
    };
    assert_eq!(
        high_tech::growth_points(&[dec!(0), dec!(1000), dec!(1500)], &strict),
        Points::exact(0)
    );
    // Negative growth scores 0; negative bases go to the expert.
    assert_eq!(
        high_tech::growth_points(&[dec!(1000), dec!(900), dec!(800)], &r),
        Points::exact(0)
    );
    assert_eq!(
        high_tech::growth_points(&[dec!(-10), dec!(900), dec!(800)], &r),
        Points::range(0, 10)
    );
}

#[test]
fn growth_bands_are_inclusive_at_their_lower_bounds_and_zero_growth_scores_nothing() {
    let r = Rules::default();
    // Two equal ratios b/a = c/b = 1 + t make the rate exactly t.
    for (t, lo) in [(dec!(35), 9), (dec!(25), 7), (dec!(15), 5), (dec!(5), 3)] {
        let g = Decimal::ONE + t / dec!(100);
        let vals = [dec!(10000), dec!(10000) * g, dec!(10000) * g * g];
        assert_eq!(high_tech::growth_points(&vals, &r).min, lo, "at {t} %");
        let below = [dec!(10000), dec!(10000) * g, dec!(10000) * g * g - dec!(0.0001)];
        assert!(high_tech::growth_points(&below, &r).min < lo, "below {t} %");
    }
    assert_eq!(
        high_tech::growth_points(&[dec!(100), dec!(100), dec!(100)], &r),
        Points::exact(0)
    );
    assert_eq!(
        high_tech::growth_points(&[dec!(100), dec!(100), dec!(100.01)], &r),
        Points::range(1, 2)
    );
}

#[test]
fn ht_8_a_score_of_75_passes_and_exactly_70_fails_while_71_passes() {
    let v = ht(&ht1());
    // 6+6+[7,8]+5+0 = [24,25]; 21; 16; [7,8]+[5,6] → [73,76], which contains the example's 75.
    let t = v.score.total();
    assert_eq!((t.min, t.max), (73, 76));
    assert_eq!(v.outcome, HighTechOutcome::Eligible);
    // Flat years make both growth items exactly 0; the IP sub-total is 6+6+[7,8]+5+0 = [24,25].
    let mut x = ht1();
    for i in 0..3 {
        set(&mut x, &["years", &i.to_string(), "sales_revenue"], json!("4200"));
        set(&mut x, &["years", &i.to_string(), "total_assets"], json!("3000"));
    }
    // Best case 25 + 25 + 20 = 70: not above 70.
    set(
        &mut x,
        &["expert_scores"],
        json!({"tech_advancement": 6, "core_support": 6, "ip_acquisition": 5,
        "standards_bonus": 0, "conversion": 25, "rd_management": 20}),
    );
    let v = ht(&x);
    assert_eq!(v.score.total().max, 70);
    assert_eq!(v.outcome, HighTechOutcome::NotEligible);
    // Worst case 24 + 27 + 20 = 71.
    set(&mut x, &["expert_scores", "conversion"], json!(27));
    let v = ht(&x);
    assert_eq!(v.score.total().min, 71);
    assert_eq!(v.outcome, HighTechOutcome::Eligible);
}

#[test]
fn ht_without_expert_scores_needs_expert_review_with_points_needed() {
    let mut x = ht1();
    set(&mut x, &["expert_scores"], Value::Null);
    let v = ht(&x);
    let t = v.score.total();
    // Objective: IP count [7,8], acquisition (self-developed) [1,6], conversion (4/yr) [19,24], growth [7,8]+[5,6].
    assert_eq!(t.min, 7 + 1 + 19 + 7 + 5);
    assert_eq!(
        v.outcome,
        HighTechOutcome::NeedsExpertReview {
            points_needed: 71 - t.min
        }
    );
}

#[test]
fn ht_9_age_of_364_days_fails_and_365_passes() {
    let mut x = ht1();
    set(&mut x, &["registered_on"], json!("2017-03-01"));
    let p = profile(&x);
    let r = Rules::default();
    let v = high_tech::evaluate(&p, d(2018, 2, 28), &r);
    assert_eq!((v.age_days, v.age), (Some(364), Check::Fail));
    let v = high_tech::evaluate(&p, d(2018, 3, 1), &r);
    assert_eq!((v.age_days, v.age), (Some(365), Check::Pass));
}

#[test]
fn ht_young_enterprise_uses_the_years_it_operated() {
    let mut x = ht1();
    set(&mut x, &["registered_on"], json!("2016-03-01"));
    let v = ht(&x);
    assert_eq!((v.first_year, v.last_year), (2016, 2017));
    assert_eq!(v.rd_total, Some(dec!(460)));
    // Two years: growth is b / a − 1 (4800/4200 − 1 = 14.3 % → D).
    assert_eq!(v.score.sales_growth, Points::range(3, 4));
}

#[test]
fn ht_missing_sales_of_a_window_year_cannot_be_judged() {
    let mut x = ht1();
    set(&mut x, &["years", "0", "sales_revenue"], Value::Null);
    let v = ht(&x);
    assert_eq!(
        v.rd_ratio,
        Check::Unknown(Missing {
            year: Some(2015),
            field: Field::SalesRevenue
        })
    );
    assert!(matches!(v.outcome, HighTechOutcome::CannotJudge(_)));
    // A failing hard condition still decides.
    set(&mut x, &["high_tech_field"], Value::Null);
    assert_eq!(ht(&x).outcome, HighTechOutcome::NotEligible);
}

#[test]
fn ht_incidents_within_365_days_before_applying_block() {
    let mut x = ht1();
    set(
        &mut x,
        &["incidents"],
        json!([{"kind": "environmental_violation", "on": "2017-06-30"}]),
    );
    assert_eq!(ht(&x).record, Check::Pass); // 365 days before
    set(
        &mut x,
        &["incidents"],
        json!([{"kind": "environmental_violation", "on": "2017-07-01"}]),
    );
    assert_eq!(ht(&x).record, Check::Fail);
    // Kinds outside 第十一条(八) do not count.
    set(
        &mut x,
        &["incidents"],
        json!([{"kind": "abnormal_operation", "on": "2018-01-01"}]),
    );
    assert_eq!(ht(&x).record, Check::Pass);
}

#[test]
fn ht_conversion_and_ip_count_bands() {
    assert_eq!(high_tech::conversion_points(15, 3), Points::range(25, 30));
    assert_eq!(high_tech::conversion_points(14, 3), Points::range(19, 24));
    assert_eq!(high_tech::conversion_points(12, 3), Points::range(19, 24)); // HT-8: 4.0 per year → B
    assert_eq!(high_tech::conversion_points(3, 3), Points::range(1, 6));
    assert_eq!(high_tech::conversion_points(2, 3), Points::exact(0));
    let ip = |class_i, class_ii| high_tech::ip_count_points(IpHoldings { class_i, class_ii });
    assert_eq!(ip(1, 0), Points::range(7, 8));
    assert_eq!(ip(0, 5), Points::range(5, 6));
    assert_eq!(ip(0, 4), Points::range(3, 4));
    assert_eq!(ip(0, 3), Points::range(3, 4));
    assert_eq!(ip(0, 2), Points::range(1, 2));
    assert_eq!(ip(0, 0), Points::exact(0));
}

#[test]
fn ht_ip_subtotal_is_capped_at_30() {
    let mut x = ht1();
    set(
        &mut x,
        &["expert_scores"],
        json!({"tech_advancement": 8, "core_support": 8, "ip_acquisition": 6,
        "standards_bonus": 2}),
    );
    assert_eq!(ht(&x).score.ip_total().max, 30);
}

// ---------------------------------------------------------------- 规上工业

#[test]
fn above_scale_threshold_is_2000_inclusive_since_2011_for_sections_b_c_d() {
    let p = |rev: &str, code: &str, year: i16| {
        profile(
            &json!({"uscc": CODE, "industry_code": code, "years": [{"year": year, "main_business_revenue": rev}]}),
        )
    };
    let judge = |rev, code, year: i16| above_scale::evaluate(&p(rev, code, year), d(year + 1, 3, 1)).outcome;
    assert_eq!(judge("2000", "C3511", 2017), Check::Pass);
    assert_eq!(judge("1999.99", "C3511", 2017), Check::Fail);
    assert_eq!(judge("5000", "B0610", 2017), Check::Pass);
    assert_eq!(judge("5000", "D4411", 2017), Check::Pass);
    assert_eq!(judge("5000", "E4710", 2017), Check::Fail);
    assert_eq!(judge("500", "C3511", 2010), Check::Pass);
    assert_eq!(judge("499.99", "C3511", 2010), Check::Fail);
    let none = profile(&json!({"uscc": CODE, "industry_code": "C3511"}));
    assert!(matches!(
        above_scale::evaluate(&none, d(2018, 1, 1)).outcome,
        Check::Unknown(_)
    ));
}

// ---------------------------------------------------------------- 加计扣除

fn deduct(year: i16, kinds: EnterpriseKinds, high_tech: bool, code: &str) -> DeductionOutcome {
    let code = IndustryCode::parse(code).unwrap();
    deduction::compute(
        year,
        dec!(1000),
        dec!(60),
        kinds,
        high_tech,
        Some(code),
        &Rules::default(),
    )
}

fn extra_and_saving(o: DeductionOutcome) -> (Decimal, Decimal) {
    match o {
        DeductionOutcome::Deduction {
            extra, tax_saving, ..
        } => (extra, tax_saving),
        other => panic!("no deduction: {other:?}"),
    }
}

#[test]
fn rd_1_2019_is_75_percent_and_saves_198_75_or_119_25() {
    let general = EnterpriseKinds::default();
    assert_eq!(
        extra_and_saving(deduct(2019, general, false, "I6510")),
        (dec!(795), dec!(198.75))
    );
    assert_eq!(
        extra_and_saving(deduct(2019, general, true, "I6510")),
        (dec!(795), dec!(119.25))
    );
}

#[test]
fn rd_2_2021_manufacturer_100_percent_others_75() {
    let mfg = EnterpriseKinds {
        manufacturing: true,
        ..EnterpriseKinds::default()
    };
    assert_eq!(extra_and_saving(deduct(2021, mfg, false, "C3511")).0, dec!(1060));
    assert_eq!(
        extra_and_saving(deduct(2021, EnterpriseKinds::default(), false, "I6510")).0,
        dec!(795)
    );
}

#[test]
fn rd_3_2023_every_eligible_enterprise_100_percent() {
    assert_eq!(
        extra_and_saving(deduct(2023, EnterpriseKinds::default(), false, "I6510")),
        (dec!(1060), dec!(265))
    );
}

#[test]
fn rd_4_other_expenses_are_capped_at_ten_ninths_of_first_five() {
    assert_eq!(deduction::other_expense_cap(dec!(900)), dec!(100));
    assert_eq!(deduction::deductible_base(dec!(900), dec!(120)), dec!(1000));
    assert_eq!(deduction::deductible_base(dec!(900), dec!(80)), dec!(980));
}

#[test]
fn rd_5_negative_list_industry_gets_nothing() {
    assert_eq!(
        deduct(2019, EnterpriseKinds::default(), false, "F5123"),
        DeductionOutcome::NegativeList
    );
    assert_eq!(
        deduct(2019, EnterpriseKinds::default(), false, "C1610"),
        DeductionOutcome::NegativeList
    );
    assert_eq!(
        deduct(2019, EnterpriseKinds::default(), false, "R9011"),
        DeductionOutcome::NegativeList
    );
    // 文化、体育 (R 86–89) are not 娱乐业.
    assert!(matches!(
        deduct(2019, EnterpriseKinds::default(), false, "R8710"),
        DeductionOutcome::Deduction { .. }
    ));
}

#[test]
fn most_specific_deduction_rule_wins() {
    let rules = Rules::default();
    let rate = |y, k| deduction::applicable_rule(y, k, &rules).map(|r| r.rate);
    let sme = EnterpriseKinds {
        tech_sme: true,
        ..EnterpriseKinds::default()
    };
    let ic = EnterpriseKinds {
        ic_or_machine_tool: true,
        ..EnterpriseKinds::default()
    };
    assert_eq!(rate(2017, EnterpriseKinds::default()), Some(dec!(0.5)));
    assert_eq!(rate(2017, sme), Some(dec!(0.75)));
    assert_eq!(rate(2018, EnterpriseKinds::default()), Some(dec!(0.75)));
    assert_eq!(rate(2022, EnterpriseKinds::default()), Some(dec!(0.75)));
    assert_eq!(rate(2022, sme), Some(dec!(1)));
    assert_eq!(rate(2024, ic), Some(dec!(1.2)));
    assert_eq!(rate(2028, ic), Some(dec!(1)));
    assert_eq!(rate(2015, EnterpriseKinds::default()), None);
}

#[test]
fn profile_deduction_uses_the_data_year_and_the_high_tech_rate() {
    let mut x = ht1();
    set(
        &mut x,
        &["certificates"],
        json!([{"kind": "high_tech", "issued_on": "2015-10-01"}]),
    );
    let p = profile(&x);
    let e = evaluate(&p, HT_DAY, &Rules::default());
    assert_eq!(e.rd_deduction.tax_year, 2017);
    assert!(e.rd_deduction.high_tech);
    // 2017: general 50 %, but the enterprise is a 科技型中小企业 in 2017 (2016 figures, and a valid certificate),
    // so 财税〔2017〕34号 gives 75 %; the certificate covers 2017, so the tax rate is 15 %.
    let r = report(&p, &e, None, &Rules::default());
    let rd = r.rd_deduction.unwrap();
    assert_eq!(rd.tax_year, 2017);
    assert_eq!(rd.rate, dec!(0.75));
    assert_eq!(rd.extra_deduction, dec!(187.5));
    assert_eq!(rd.tax_saving, dec!(28.125));
}

#[test]
fn deduction_is_not_guessed_when_the_sme_status_matters_and_is_unknown() {
    // 2017: 科小 75 % against 50 % in general, and no 2016 figures to judge 科小 in 2017.
    let x = json!({"uscc": CODE, "industry_code": "I6510", "years": [{"year": 2017, "rd_expense": "90"}]});
    let e = evaluate(&profile(&x), d(2018, 6, 30), &Rules::default());
    assert_eq!(
        e.rd_deduction.outcome,
        DeductionOutcome::CannotJudge(Missing {
            year: Some(2016),
            field: Field::Employees
        })
    );
    // 2019: 75 % for everyone, so the status does not matter.
    let x = json!({"uscc": CODE, "industry_code": "I6510", "years": [{"year": 2019, "rd_expense": "90"}]});
    let e = evaluate(&profile(&x), d(2020, 6, 30), &Rules::default());
    assert!(
        matches!(e.rd_deduction.outcome, DeductionOutcome::Deduction { extra, .. } if extra == dec!(67.5))
    );
}

// ---------------------------------------------------------------- explanations and the report

#[test]
fn every_condition_is_explained_in_both_languages_with_its_source() {
    let p = profile(&ht1());
    let rules = Rules::default();
    let e = evaluate(&p, HT_DAY, &rules);
    let r = report(&p, &e, None, &rules);
    assert_eq!(r.tech_sme.conditions.len(), 12);
    assert_eq!(r.high_tech.conditions.len(), 14);
    for c in r.tech_sme.conditions.iter().chain(&r.high_tech.conditions) {
        assert!(c.source.contains('号'), "{c:?}");
        assert!(!c.threshold.is_empty() && !c.explanation_zh.is_empty() && !c.explanation_en.is_empty());
    }
    let age = r
        .high_tech
        .conditions
        .iter()
        .find(|c| c.id == "high_tech.age")
        .unwrap();
    assert_eq!(age.passed, Some(true));
    assert!(
        age.explanation_zh.contains("要求 ≥ 365 天，符合"),
        "{}",
        age.explanation_zh
    );
    assert!(age.explanation_en.contains("pass"), "{}", age.explanation_en);
}

#[test]
fn the_report_serialises_to_the_issue_shape() {
    // With 2016 figures the 2017 科小 status (which sets the 2017 deduction rate) can be judged.
    let mut x = sme1();
    x["years"]
        .as_array_mut()
        .unwrap()
        .push(json!({"year": 2016, "employees": 100, "tech_staff": 30,
        "sales_revenue": "2000", "rd_expense": "100", "cost_expense_total": "1800", "total_assets": "4000"}));
    let p = profile(&x);
    let rules = Rules::default();
    let e = evaluate(&p, SME_DAY, &rules);
    let g = gaps(&p, &e, &rules);
    let v = serde_json::to_value(report(&p, &e, Some(&g), &rules)).unwrap();
    for k in [
        "uscc",
        "as_of",
        "tech_sme",
        "high_tech",
        "above_scale_industrial",
        "rd_deduction",
        "gaps",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["as_of"], "2018-06-30");
    assert_eq!(v["tech_sme"]["qualified"], true);
    assert_eq!(v["tech_sme"]["route"], "score");
    assert_eq!(v["tech_sme"]["score"], 74);
    assert_eq!(
        v["tech_sme"]["parts"],
        json!({"tech_staff": 16, "rd": 40, "ip": 18})
    );
    for k in [
        "verdict",
        "conditions",
        "rd_ratio",
        "required_rd_ratio",
        "innovation_score",
    ] {
        assert!(v["high_tech"].get(k).is_some(), "missing high_tech.{k}");
    }
    for k in ["tax_year", "rate", "extra_deduction", "tax_saving"] {
        assert!(v["rd_deduction"].get(k).is_some(), "missing rd_deduction.{k}");
    }
    assert!(v["gaps"]["tech_sme"].as_array().unwrap().is_empty());
}

// ---------------------------------------------------------------- gaps

#[test]
fn a_failing_sme_gets_its_cheapest_options_first() {
    // SME-1 with R&D 120 (4 % → 30) and 2 Ⅱ类 (12): 16 + 30 + 12 = 58, two points short.
    let mut x = sme1();
    set(&mut x, &["years", "0", "rd_expense"], json!("120"));
    set(&mut x, &["ip"], json!({"class_ii": 2}));
    let p = profile(&x);
    let rules = Rules::default();
    let e = evaluate(&p, SME_DAY, &rules);
    assert_eq!(e.tech_sme.outcome, TechSmeOutcome::NotQualified);
    let g = gaps(&p, &e, &rules);
    let texts: Vec<String> = g
        .tech_sme
        .iter()
        .map(|o| explain::gap_report(o).text_zh)
        .collect();
    // +1 Ⅱ类 (size 2) first; +30 万元 R&D → 5.00 % (size 30) next; +9 科技人员 → 30 % band (size 135) last.
    assert_eq!(texts[0], "+1 Ⅱ类知识产权");
    assert_eq!(texts[1], "2017 年研发费用 +30 万元 → 5.00 %");
    assert_eq!(texts[2], "+9 科技人员（2017 年） → 30.23 %");
    assert_eq!(texts.len(), 3);
    let sizes: Vec<Decimal> = g.tech_sme.iter().map(|o| o.size).collect();
    assert!(sizes.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn a_failing_high_tech_applicant_gets_every_needed_fix() {
    let mut x = ht1();
    set(&mut x, &["years", "2", "tech_staff"], json!(10)); // 10 / 110 < 10 %
    set(&mut x, &["years", "2", "rd_expense"], json!("200")); // 590 / 12500 = 4.72 %
    set(&mut x, &["years", "2", "rd_expense_domestic"], json!("200"));
    let p = profile(&x);
    let rules = Rules::default();
    let e = evaluate(&p, HT_DAY, &rules);
    assert_eq!(e.high_tech.outcome, HighTechOutcome::NotEligible);
    let g = gaps(&p, &e, &rules);
    let first = &g.high_tech[0];
    let kinds: Vec<ChangeKind> = first.changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, vec![ChangeKind::TechStaff, ChangeKind::RdExpense]);
    assert_eq!(first.changes[0].amount, dec!(2)); // (10 + 2) / (110 + 2) ≥ 10 %
    assert_eq!(first.changes[1].amount, dec!(35)); // 625 − 590
    let q = apply_gap(&p, first);
    assert_eq!(
        high_tech::evaluate(&q, HT_DAY, &rules).outcome,
        HighTechOutcome::Eligible
    );
}

#[test]
fn no_gap_when_only_a_field_could_help_or_the_enterprise_is_too_big() {
    let rules = Rules::default();
    let mut x = ht1();
    set(&mut x, &["high_tech_field"], Value::Null);
    let p = profile(&x);
    assert!(
        gaps(&p, &evaluate(&p, HT_DAY, &rules), &rules)
            .high_tech
            .is_empty()
    );
    let mut x = sme1();
    set(&mut x, &["years", "0", "employees"], json!(501));
    let p = profile(&x);
    assert!(
        gaps(&p, &evaluate(&p, SME_DAY, &rules), &rules)
            .tech_sme
            .is_empty()
    );
}

#[test]
fn the_cultivation_pool_ranks_the_closest_first() {
    let rules = Rules::default();
    let close = {
        let mut x = sme1();
        set(&mut x, &["ip"], json!({"class_ii": 2})); // 16 + 40 + 12 = 68 → qualifies; make it fail by staff
        set(&mut x, &["years", "0", "tech_staff"], json!(11)); // 9.2 % → 0
        x
    };
    let far = {
        let mut x = sme1();
        set(&mut x, &["ip"], json!({}));
        set(&mut x, &["years", "0", "rd_expense"], json!("10"));
        x
    };
    let qualified = sme1();
    let profiles = vec![profile(&far), profile(&qualified), profile(&close)];
    let pool = cultivation_pool(&profiles, SME_DAY, &rules);
    let sme_pool: Vec<usize> = pool
        .iter()
        .filter(|c| c.programme == Programme::TechSme)
        .map(|c| c.index)
        .collect();
    assert_eq!(sme_pool, vec![2, 0]);
    assert!(pool.windows(2).all(|w| w[0].gap.size <= w[1].gap.size));
}

// ---------------------------------------------------------------- properties

fn arb_sme() -> impl Strategy<Value = Value> {
    (
        1u32..=450,
        0u32..=100,
        1u32..=20000,
        0u32..=2000,
        0u32..=30000,
        0u32..=2,
        0u32..=6,
    )
        .prop_map(|(employees, tech_pct, sales, rd, cost_extra, class_i, class_ii)| {
            let tech = employees * tech_pct / 100;
            let years: Vec<Value> = [2015, 2016, 2017]
                .iter()
                .map(|y| {
                    json!({
                        "year": y, "employees": employees, "tech_staff": tech, "sales_revenue": sales.to_string(),
                        "main_business_revenue": sales.to_string(), "total_revenue": sales.to_string(),
                        "high_tech_revenue": (sales * 7 / 10).to_string(),
                        "rd_expense": rd.to_string(), "rd_expense_domestic": rd.to_string(),
                        "cost_expense_total": (rd + cost_extra).to_string(), "total_assets": "8000",
                        "total_liabilities": "2000", "conversions": 2
                    })
                })
                .collect();
            json!({
                "uscc": CODE, "name": "P", "registered_on": "2005-01-01", "industry_code": "C3511",
                "high_tech_field": "新材料",
                "ip": {"class_i": class_i, "class_ii": class_ii}, "ip_self_developed": true,
                "years": years,
                "expert_scores": {"tech_advancement": 5, "core_support": 5, "ip_acquisition": 4,
                                  "standards_bonus": 0, "conversion": 10, "rd_management": 12}
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn more_rd_staff_or_ip_never_lowers_a_score(x in arb_sme(), add_rd in 0u32..500, hire in 0u32..40,
                                                 add_ii in 0u32..5, add_i in 0u32..2) {
        let rules = Rules::default();
        let p = profile(&x);
        let before = evaluate(&p, SME_DAY, &rules);
        let year = 2017;
        let option = GapOption {
            changes: vec![
                Change { kind: ChangeKind::RdExpense, year, amount: add_rd.into(), result: None },
                Change { kind: ChangeKind::TechStaff, year, amount: hire.into(), result: None },
                Change { kind: ChangeKind::ClassIIIp, year, amount: add_ii.into(), result: None },
                Change { kind: ChangeKind::ClassIIp, year, amount: add_i.into(), result: None },
            ],
            size: Decimal::ZERO,
        };
        let q = apply_gap(&p, &option);
        let after = evaluate(&q, SME_DAY, &rules);
        prop_assert!(after.tech_sme.staff_points.min >= before.tech_sme.staff_points.min);
        prop_assert!(after.tech_sme.rd_points().min >= before.tech_sme.rd_points().min);
        prop_assert!(after.tech_sme.ip_points >= before.tech_sme.ip_points);
        prop_assert!(after.tech_sme.score().min >= before.tech_sme.score().min);
        let (b, a) = (before.high_tech.score.total(), after.high_tech.score.total());
        prop_assert!(a.min >= b.min && a.max >= b.max);
    }

    #[test]
    fn applying_a_gap_makes_the_enterprise_qualify(x in arb_sme()) {
        let rules = Rules::default();
        let p = profile(&x);
        let e = evaluate(&p, SME_DAY, &rules);
        let g = gaps(&p, &e, &rules);
        if e.tech_sme.outcome == TechSmeOutcome::NotQualified && e.tech_sme.eligibility() == Check::Pass {
            // Every score below 60 can be lifted unless hiring would pass 500 employees.
            prop_assert!(!g.tech_sme.is_empty() || tech_sme::sme_employees(p.year(2017).unwrap()).unwrap() > dec!(440));
        }
        for o in &g.tech_sme {
            let q = apply_gap(&p, o);
            prop_assert_eq!(evaluate(&q, SME_DAY, &rules).tech_sme.qualified(), Some(true));
        }
        for o in &g.high_tech {
            let q = apply_gap(&p, o);
            prop_assert_ne!(evaluate(&q, HT_DAY, &rules).high_tech.outcome, HighTechOutcome::NotEligible);
        }
        let sizes: Vec<Decimal> = g.tech_sme.iter().map(|o| o.size).collect();
        prop_assert!(sizes.windows(2).all(|w| w[0] <= w[1]));
    }
}
