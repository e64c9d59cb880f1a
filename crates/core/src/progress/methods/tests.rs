//! Each method on the worked examples of anchors.md §3.6 (base 2017, latest 2019, target 2020), the
//! not-assessable cases, met / missed, direction, and a monotonicity property.

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::plan::{Comparator, IndicatorId, TargetId};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}
fn per(s: &str) -> Period {
    Period::parse(s).unwrap()
}

fn target(value: &str, kind: TargetKind, ceiling: Option<&str>, direction: Direction) -> Target {
    Target {
        id: TargetId::parse("t").unwrap(),
        name_zh: "目标".into(),
        name_en: "target".into(),
        text_zh: String::new(),
        indicator: IndicatorId::parse("i").unwrap(),
        comparator: match direction {
            Direction::HigherIsBetter => Comparator::AtLeast,
            Direction::LowerIsBetter => Comparator::AtMost,
        },
        value: d(value),
        unit: "%".into(),
        deadline: per("2020"),
        direction,
        kind,
        ceiling: ceiling.map(d),
        baseline: per("2017"),
        method: MethodId::GrowthRatioV1,
        also: vec![],
    }
}

fn level(value: &str) -> Target {
    target(value, TargetKind::Level, None, Direction::HigherIsBetter)
}

fn facts(base: &str, current: &str, at: &str) -> Facts {
    Facts {
        current: Ok(Point {
            period: per(at),
            value: d(current),
        }),
        base: Ok(Point {
            period: per("2017"),
            value: d(base),
        }),
        rates: vec![],
        decimals: 2,
    }
}

fn close(a: Decimal, b: &str, tol: &str) -> bool {
    (a - d(b)).abs() <= d(tol)
}

// ---- §3.6 row 1: R&D/GDP 2.0 → 2.3 → 2.5 ----------------------------------------------------------------

#[test]
fn rd_intensity_example_growth_ratio_is_moderate_progress() {
    let a = assess(
        &level("2.5"),
        MethodId::GrowthRatioV1,
        &facts("2.0", "2.3", "2019"),
    );
    assert!(
        close(a.inputs.cagr_actual.unwrap(), "0.0724", "0.0001"),
        "{:?}",
        a.inputs
    );
    assert!(close(a.inputs.cagr_required.unwrap(), "0.0772", "0.0001"));
    assert!(close(a.ratio.unwrap(), "0.937", "0.001"), "{:?}", a.ratio);
    assert_eq!((a.status, a.band), (Status::AtRisk, Some(Band::ModerateProgress)));
    // UNSD's expected 2020 value: 2.3 × 1.0724 = 2.466.
    let f = a.forecast.unwrap();
    assert!(close(f.value, "2.466", "0.001"), "{f:?}");
    assert_eq!(f.method, "cagr_extrapolation@1");
    assert!(
        a.explanation_en.contains("7.24 %") && a.explanation_zh.contains("7.72%"),
        "{}",
        a.explanation_en
    );
}

#[test]
fn rd_intensity_example_schedule_is_behind() {
    let a = assess(&level("2.5"), MethodId::ScheduleV1, &facts("2.0", "2.3", "2019"));
    // 60 % of the way in 66.7 % of the time: 90 % (Cascade "Behind").
    assert!(close(a.ratio.unwrap(), "0.90", "0.0001"));
    assert!(close(a.inputs.expected_value.unwrap(), "2.3333", "0.0001"));
    assert_eq!((a.status, a.band), (Status::AtRisk, Some(Band::Behind)));
    assert_eq!(a.forecast.unwrap().value, d("2.45"));
}

// ---- §3.6 row 2: certified high-tech firms 100 → 150 → 200 --------------------------------------------

#[test]
fn high_tech_firms_example_growth_ratio_is_moderate_progress() {
    let a = assess(
        &level("200"),
        MethodId::GrowthRatioV1,
        &facts("100", "150", "2019"),
    );
    assert!(close(a.inputs.cagr_actual.unwrap(), "0.2247", "0.0001"));
    assert!(close(a.inputs.cagr_required.unwrap(), "0.2599", "0.0001"));
    assert!(close(a.ratio.unwrap(), "0.865", "0.001"));
    assert_eq!(a.status, Status::AtRisk);
    assert!(close(a.forecast.unwrap().value, "183.7", "0.1"));
}

#[test]
fn high_tech_firms_example_schedule_is_off_track() {
    // 50 % / 66.7 % = 75 %: below Cascade's 85 %, so the two methods disagree near the boundary (lesson (a)).
    let a = assess(&level("200"), MethodId::ScheduleV1, &facts("100", "150", "2019"));
    assert!(close(a.ratio.unwrap(), "0.75", "0.0001"));
    assert_eq!((a.status, a.band), (Status::OffTrack, Some(Band::FarBehind)));
}

// ---- §3.6 row 3: coverage 80 → 95 → 100, natural ceiling 100 ------------------------------------------

#[test]
fn coverage_example_is_on_track_and_its_forecast_stops_at_the_ceiling() {
    let t = target("100", TargetKind::Level, Some("100"), Direction::HigherIsBetter);
    let a = assess(&t, MethodId::GrowthRatioV1, &facts("80", "95", "2019"));
    assert!(close(a.ratio.unwrap(), "1.162", "0.001"));
    assert_eq!(a.status, Status::OnTrack);
    // CAGR extrapolation gives 103.5 (lesson (b)); the ceiling cuts it to 100.
    let f = a.forecast.unwrap();
    assert_eq!(f.value, d("100"));
    assert!(f.capped_at_ceiling);
    let s = assess(&t, MethodId::ScheduleV1, &facts("80", "95", "2019"));
    assert!(close(s.ratio.unwrap(), "1.125", "0.0001"));
    assert_eq!(s.status, Status::OnTrack);
}

#[test]
fn a_value_above_the_ceiling_is_not_assessable() {
    let t = target("100", TargetKind::Level, Some("100"), Direction::HigherIsBetter);
    let a = assess(&t, MethodId::ScheduleV1, &facts("80", "104", "2019"));
    assert_eq!(a.status, Status::NotAssessable);
    assert_eq!(a.reason, Some(NotAssessable::AboveCeiling { ceiling: d("100") }));
}

// ---- not assessable: each reason ------------------------------------------------------------------------

#[test]
fn a_zero_base_is_refused_not_replaced_by_a_small_number() {
    let a = assess(&level("5"), MethodId::GrowthRatioV1, &facts("0", "3", "2019"));
    assert_eq!(
        (a.status, a.reason.clone()),
        (Status::NotAssessable, Some(NotAssessable::ZeroBase))
    );
    assert!(a.explanation_en.contains("base value is zero"));
    // The schedule method has no such problem with a zero base.
    let s = assess(&level("5"), MethodId::ScheduleV1, &facts("0", "3", "2019"));
    assert!(close(s.ratio.unwrap(), "0.9", "0.0001"));
}

#[test]
fn a_sign_change_is_not_assessable() {
    let a = assess(&level("5"), MethodId::GrowthRatioV1, &facts("-2", "3", "2019"));
    assert_eq!(a.reason, Some(NotAssessable::SignChange));
}

#[test]
fn the_base_period_itself_gives_too_few_points() {
    let mut f = facts("2", "2", "2017");
    f.current = Ok(Point {
        period: per("2017"),
        value: d("2"),
    });
    let a = assess(&level("5"), MethodId::GrowthRatioV1, &f);
    assert_eq!(a.reason, Some(NotAssessable::TooFewPoints));
}

#[test]
fn missing_data_is_not_assessable_with_the_reason() {
    let mut f = facts("2", "2.3", "2019");
    f.base = Err(NoValue::DivisionByZero {
        divisor: "gdp".into(),
    });
    let a = assess(&level("5"), MethodId::GrowthRatioV1, &f);
    assert_eq!(a.status, Status::NotAssessable);
    assert!(
        a.explanation_en.contains("division by zero: gdp"),
        "{}",
        a.explanation_en
    );
}

// ---- met and missed ---------------------------------------------------------------------------------------

#[test]
fn a_level_reached_early_is_met() {
    let a = assess(&level("50"), MethodId::GrowthRatioV1, &facts("30", "52", "2019"));
    assert_eq!((a.status, a.band), (Status::Met, Some(Band::TargetAchieved)));
    assert!(a.explanation_en.contains("ahead of the deadline"));
}

#[test]
fn met_is_judged_on_the_published_figure() {
    // 2.496 rounds to 2.50 with two decimals.
    let a = assess(
        &level("2.5"),
        MethodId::GrowthRatioV1,
        &facts("2.0", "2.496", "2019"),
    );
    assert_eq!(a.status, Status::Met);
    let a = assess(
        &level("2.5"),
        MethodId::GrowthRatioV1,
        &facts("2.0", "2.494", "2019"),
    );
    assert_ne!(a.status, Status::Met);
}

#[test]
fn a_target_not_met_at_the_deadline_is_missed_whatever_the_trend() {
    // 2.49 in 2020 has a growth ratio above 0.95 but the deadline has come.
    let a = assess(
        &level("2.5"),
        MethodId::GrowthRatioV1,
        &facts("2.0", "2.49", "2020"),
    );
    assert_eq!((a.status, a.band), (Status::OffTrack, Some(Band::DeadlineMissed)));
    assert!(a.ratio.unwrap() > d("0.95"));
}

#[test]
fn lower_is_better_mirrors_the_ratio() {
    let t = target("5", TargetKind::Level, None, Direction::LowerIsBetter);
    // 10 → 6.2 in two years: −21.3 % a year against −20.6 % needed to reach 5.
    let good = assess(&t, MethodId::GrowthRatioV1, &facts("10", "6.2", "2019"));
    assert_eq!(good.status, Status::OnTrack, "{:?}", good.ratio);
    let bad = assess(&t, MethodId::GrowthRatioV1, &facts("10", "11", "2019"));
    assert_eq!(
        (bad.status, bad.band),
        (Status::OffTrack, Some(Band::Deterioration))
    );
    let s = assess(&t, MethodId::ScheduleV1, &facts("10", "6.2", "2019"));
    assert!(close(s.ratio.unwrap(), "1.14", "0.0001"));
}

// ---- rate per year ----------------------------------------------------------------------------------------

fn rate_facts(rates: &[(&str, &str)]) -> Facts {
    let last = rates.last().unwrap();
    Facts {
        current: Ok(Point {
            period: per(last.0),
            value: d(last.1),
        }),
        base: Err(NoValue::PeriodOutOfRange),
        rates: rates.iter().map(|(p, r)| (per(p), Ok(d(r)))).collect(),
        decimals: 1,
    }
}

fn rate_target() -> Target {
    target("25", TargetKind::RatePerYear, None, Direction::HigherIsBetter)
}

#[test]
fn rates_are_judged_as_rates_per_year() {
    let a = assess(
        &rate_target(),
        MethodId::RatePerYearV1,
        &rate_facts(&[("2018", "18"), ("2019", "22")]),
    );
    // √(1.18 × 1.22) − 1 = 19.98 %; 19.98 / 25 = 0.80.
    assert!(
        close(a.inputs.achieved_rate.unwrap(), "19.98", "0.01"),
        "{:?}",
        a.inputs.achieved_rate
    );
    assert!(close(a.ratio.unwrap(), "0.799", "0.001"));
    assert_eq!(a.status, Status::AtRisk);
    assert_eq!(a.forecast.as_ref().unwrap().method, "mean_rate@1");
}

#[test]
fn a_rate_target_is_met_only_by_the_deadline_years_rate() {
    let early = assess(
        &rate_target(),
        MethodId::RatePerYearV1,
        &rate_facts(&[("2018", "30"), ("2019", "28")]),
    );
    assert_eq!(early.status, Status::OnTrack);
    let final_year = assess(
        &rate_target(),
        MethodId::RatePerYearV1,
        &rate_facts(&[("2018", "20"), ("2019", "20"), ("2020", "26")]),
    );
    assert_eq!(final_year.status, Status::Met);
    let missed = assess(
        &rate_target(),
        MethodId::RatePerYearV1,
        &rate_facts(&[("2018", "30"), ("2019", "30"), ("2020", "24")]),
    );
    assert_eq!(missed.band, Some(Band::DeadlineMissed));
}

#[test]
fn a_missing_year_makes_a_rate_target_not_assessable() {
    let mut f = rate_facts(&[("2018", "18"), ("2019", "22")]);
    f.rates[0].1 = Err(NoValue::DivisionByZero {
        divisor: "x[-1y]".into(),
    });
    let a = assess(&rate_target(), MethodId::RatePerYearV1, &f);
    assert_eq!(a.status, Status::NotAssessable);
}

#[test]
fn thresholds_are_reported_with_the_method() {
    let a = assess(
        &level("2.5"),
        MethodId::GrowthRatioV1,
        &facts("2.0", "2.3", "2019"),
    );
    let t: Vec<_> = a.thresholds.iter().map(|t| (t.status, t.from)).collect();
    assert_eq!(
        t,
        [
            (Status::OnTrack, d("0.95")),
            (Status::AtRisk, d("0.60")),
            (Status::OffTrack, d("0"))
        ]
    );
    let s = assess(&level("2.5"), MethodId::ScheduleV1, &facts("2.0", "2.3", "2019"));
    assert_eq!(s.thresholds.len(), 2);
}

fn rank(s: Status) -> u8 {
    match s {
        Status::NotAssessable => 0,
        Status::OffTrack => 1,
        Status::AtRisk => 2,
        Status::OnTrack => 3,
        Status::Met => 4,
    }
}

proptest! {
    /// For a higher-is-better target, a higher current value never gives a worse status, under either method.
    #[test]
    fn more_progress_never_lowers_the_status(base in 1u32..1000, a in 1u32..3000, b in 1u32..3000, tgt in 1u32..3000) {
        let (lo, hi) = (a.min(b), a.max(b));
        let t = level(&tgt.to_string());
        for m in [MethodId::GrowthRatioV1, MethodId::ScheduleV1] {
            let s_lo = assess(&t, m, &facts(&base.to_string(), &lo.to_string(), "2019")).status;
            let s_hi = assess(&t, m, &facts(&base.to_string(), &hi.to_string(), "2019")).status;
            prop_assert!(rank(s_hi) >= rank(s_lo) || s_lo == Status::NotAssessable, "{m}: {lo}→{s_lo:?}, {hi}→{s_hi:?}");
        }
    }
}
