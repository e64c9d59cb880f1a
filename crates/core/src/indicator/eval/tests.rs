//! Evaluator tests: aggregation over periods (flows vs stocks), over the org-unit tree, the functions, and the
//! typed "no value" reasons; proptest for the roll-up invariants.

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::testing::{data, mini_plan};

fn org(s: &str) -> OrgUnitCode {
    OrgUnitCode::parse(s).unwrap()
}
fn per(s: &str) -> Period {
    Period::parse(s).unwrap()
}
fn ind(s: &str) -> IndicatorId {
    IndicatorId::parse(s).unwrap()
}
fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}
fn value(plan: &Plan, obs: &Observations, indicator: &str, o: &str, p: &str) -> Result<Decimal, NoValue> {
    Evaluator::new(plan, obs)
        .indicator(&ind(indicator), &org(o), per(p))
        .value
}

#[test]
fn city_ratio_is_the_sum_of_numerators_over_the_sum_of_denominators() {
    let plan = mini_plan("");
    // District one: 1 / 100 = 1 %; district two: 30 / 1000 = 3 %. Mean of ratios would be 2 %.
    let obs = data(&[
        ("211102", "2019", "num", "1"),
        ("211102", "2019", "den", "100"),
        ("211103", "2019", "num", "30"),
        ("211103", "2019", "den", "1000"),
    ]);
    let city = value(&plan, &obs, "ratio", "211100", "2019").unwrap();
    assert_eq!(city, d("31") / d("1100") * d("100"));
    assert_ne!(city, d("2"));
    // And one level further up, through the city.
    assert_eq!(value(&plan, &obs, "ratio", "210000", "2019").unwrap(), city);
}

#[test]
fn a_unit_with_its_own_figure_is_not_summed_from_its_children() {
    let plan = mini_plan("");
    let obs = data(&[
        ("211100", "2019", "num", "50"),
        ("211102", "2019", "num", "1"),
        ("211103", "2019", "num", "2"),
    ]);
    let e = Evaluator::new(&plan, &obs);
    let w = Window::of(per("2019"));
    let el = DataElementId::parse("num").unwrap();
    assert_eq!(e.element(&el, &org("211100"), w).unwrap(), d("50"));
    // The province has no figure of its own: it takes the city's.
    assert_eq!(e.element(&el, &org("210000"), w).unwrap(), d("50"));
}

#[test]
fn a_missing_child_leaves_the_parent_without_value_and_says_which() {
    let plan = mini_plan("");
    let obs = data(&[("211102", "2019", "num", "1"), ("211102", "2019", "den", "10")]);
    let err = value(&plan, &obs, "ratio", "211100", "2019").unwrap_err();
    assert_eq!(
        err,
        NoValue::Missing {
            element: DataElementId::parse("num").unwrap(),
            org_unit: org("211103"),
            period: per("2019")
        }
    );
    assert!(err.to_string().contains("missing data: num for 211103 in 2019"));
}

#[test]
fn flows_sum_quarters_and_stocks_take_the_period_end() {
    let plan = mini_plan("");
    let obs = data(&[
        ("211102", "2019Q1", "num", "1"),
        ("211102", "2019Q2", "num", "2"),
        ("211102", "2019Q3", "num", "3"),
        ("211102", "2019Q4", "num", "4"),
        ("211102", "2019Q1", "count", "7"),
        ("211102", "2019Q2", "count", "8"),
        ("211102", "2019Q3", "count", "9"),
        ("211102", "2019Q4", "count", "12"),
    ]);
    let e = Evaluator::new(&plan, &obs);
    let num = DataElementId::parse("num").unwrap();
    let count = DataElementId::parse("count").unwrap();
    let o = org("211102");
    assert_eq!(e.element(&num, &o, Window::of(per("2019"))).unwrap(), d("10"));
    assert_eq!(e.element(&count, &o, Window::of(per("2019"))).unwrap(), d("12"));
    assert_eq!(e.element(&count, &o, Window::of(per("2019Q2"))).unwrap(), d("8"));
    // Year to date at Q3: flows 1+2+3, a stock still its Q3 value.
    assert_eq!(
        e.element(
            &num,
            &o,
            Window {
                start: per("2019Q1").first_month_index(),
                end: per("2019Q3").last_month_index()
            }
        )
        .unwrap(),
        d("6")
    );
    // A stock is not summed over the window, and a month inside a quarter has no stock value.
    assert!(matches!(
        e.element(&count, &o, Window::of(per("2019-08"))),
        Err(NoValue::Missing { .. })
    ));
}

#[test]
fn a_year_with_a_missing_quarter_has_no_flow_value() {
    let plan = mini_plan("");
    let obs = data(&[
        ("211102", "2019Q1", "num", "1"),
        ("211102", "2019Q2", "num", "2"),
        ("211102", "2019Q4", "num", "4"),
    ]);
    let e = Evaluator::new(&plan, &obs);
    let num = DataElementId::parse("num").unwrap();
    let err = e
        .element(&num, &org("211102"), Window::of(per("2019")))
        .unwrap_err();
    // The message names the quarter that is missing, not just the year.
    assert!(
        matches!(err, NoValue::Missing { period, .. } if period == per("2019Q3")),
        "{err:?}"
    );
}

#[test]
fn division_by_zero_is_a_typed_no_value() {
    let plan = mini_plan("");
    let obs = data(&[("211102", "2019", "num", "1"), ("211102", "2019", "den", "0")]);
    let ev = Evaluator::new(&plan, &obs).indicator(&ind("ratio"), &org("211102"), per("2019"));
    assert_eq!(
        ev.value,
        Err(NoValue::DivisionByZero {
            divisor: "den".into()
        })
    );
    // Both inputs are still shown.
    assert_eq!(ev.inputs.len(), 2);
    assert_eq!(ev.inputs[1].value, Some(Decimal::ZERO));
}

#[test]
fn year_on_year_growth_is_a_percentage_of_the_previous_year() {
    let plan = mini_plan("");
    let obs = data(&[("211102", "2018", "num", "80"), ("211102", "2019", "num", "100")]);
    assert_eq!(value(&plan, &obs, "growth", "211102", "2019").unwrap(), d("25"));
    // 2018 has no previous year in the data.
    assert!(
        matches!(value(&plan, &obs, "growth", "211102", "2018"), Err(NoValue::Missing { period, .. }) if period == per("2017"))
    );
}

#[test]
fn quarterly_growth_compares_the_year_to_date() {
    let plan = mini_plan("");
    let obs = data(&[
        ("211102", "2018Q1", "num", "10"),
        ("211102", "2018Q2", "num", "10"),
        ("211102", "2019Q1", "num", "12"),
        ("211102", "2019Q2", "num", "13"),
    ]);
    // (12 + 13) / (10 + 10) − 1 = 25 %
    assert_eq!(value(&plan, &obs, "growth", "211102", "2019Q2").unwrap(), d("25"));
}

#[test]
fn cumulative_sums_from_the_plan_start_and_is_zero_before_it() {
    let plan = mini_plan("");
    let obs = data(&[
        ("211102", "2017", "num", "99"),
        ("211102", "2018", "num", "4"),
        ("211102", "2019Q1", "num", "1"),
        ("211102", "2019Q2", "num", "2"),
    ]);
    assert_eq!(value(&plan, &obs, "total", "211102", "2019Q2").unwrap(), d("7"));
    assert_eq!(
        value(&plan, &obs, "total", "211102", "2017").unwrap(),
        Decimal::ZERO
    );
    let ev = Evaluator::new(&plan, &obs).indicator(&ind("total"), &org("211102"), per("2019Q2"));
    assert_eq!(ev.inputs[0].window.to_string(), "2018–2019Q2");
}

#[test]
fn offsets_shift_by_periods_or_years() {
    let plan = mini_plan("");
    let obs = data(&[
        ("211102", "2019Q1", "num", "1"),
        ("211102", "2019Q2", "num", "2"),
        ("211102", "2018Q2", "num", "5"),
    ]);
    let e = Evaluator::new(&plan, &obs);
    let o = org("211102");
    let q2 = per("2019Q2");
    assert_eq!(
        e.expr(&Expr::parse("num - num[-1]").unwrap(), &o, q2)
            .value
            .unwrap(),
        d("1")
    );
    assert_eq!(
        e.expr(&Expr::parse("num[-1y]").unwrap(), &o, q2).value.unwrap(),
        d("5")
    );
    assert_eq!(
        e.expr(&Expr::parse("num[-4]").unwrap(), &o, q2).value.unwrap(),
        d("5")
    );
}

#[test]
fn unknown_indicator_is_reported() {
    let plan = mini_plan("");
    let obs = Observations::new();
    assert!(matches!(
        value(&plan, &obs, "nope", "211102", "2019"),
        Err(NoValue::UnknownIndicator(_))
    ));
}

#[test]
fn windows_are_tiled_by_the_fewest_periods() {
    let w = Window {
        start: per("2018").first_month_index(),
        end: per("2019-08").last_month_index(),
    };
    let got: Vec<String> = w.periods().iter().map(ToString::to_string).collect();
    assert_eq!(got, ["2018", "2019Q1", "2019Q2", "2019-07", "2019-08"]);
    assert_eq!(w.to_string(), "2018–2019-08");
}

fn amount() -> impl Strategy<Value = Decimal> {
    (0i64..10_000_000, 0u32..3).prop_map(|(n, scale)| Decimal::new(n, scale))
}

proptest! {
    /// The city's flow is the sum of its districts' flows, whatever the values.
    #[test]
    fn roll_up_of_a_flow_is_the_sum_of_the_children(a in amount(), b in amount()) {
        let plan = mini_plan("");
        let obs = data(&[
            ("211102", "2019", "num", &a.to_string()),
            ("211103", "2019", "num", &b.to_string()),
        ]);
        let e = Evaluator::new(&plan, &obs);
        let num = DataElementId::parse("num").unwrap();
        prop_assert_eq!(e.element(&num, &org("211100"), Window::of(per("2019"))).unwrap(), a + b);
    }

    /// A rolled-up ratio is Σnum/Σden; it lies between the children's ratios (a mediant), and does not depend
    /// on which child is which.
    #[test]
    fn rolled_up_ratio_is_the_mediant_of_the_childrens(
        n1 in amount(), d1 in amount(), n2 in amount(), d2 in amount()
    ) {
        prop_assume!(!d1.is_zero() && !d2.is_zero());
        let plan = mini_plan("");
        let rows = |a: (Decimal, Decimal), b: (Decimal, Decimal)| {
            let s = [a.0.to_string(), a.1.to_string(), b.0.to_string(), b.1.to_string()];
            data(&[
                ("211102", "2019", "num", &s[0]),
                ("211102", "2019", "den", &s[1]),
                ("211103", "2019", "num", &s[2]),
                ("211103", "2019", "den", &s[3]),
            ])
        };
        let obs = rows((n1, d1), (n2, d2));
        let city = value(&plan, &obs, "ratio", "211100", "2019").unwrap();
        let r1 = value(&plan, &obs, "ratio", "211102", "2019").unwrap();
        let r2 = value(&plan, &obs, "ratio", "211103", "2019").unwrap();
        let expected = (n1 + n2) / (d1 + d2) * Decimal::ONE_HUNDRED;
        prop_assert_eq!(city, expected);
        // 1e-20 slack for the 28-digit rounding of the divisions.
        let eps = Decimal::new(1, 20);
        prop_assert!(city >= r1.min(r2) - eps && city <= r1.max(r2) + eps);
        let swapped = rows((n2, d2), (n1, d1));
        prop_assert_eq!(value(&plan, &swapped, "ratio", "211100", "2019").unwrap(), city);
    }

    /// Quarterly flows add up to the year, whichever way they are stored.
    #[test]
    fn a_year_of_quarters_equals_the_year(q in proptest::array::uniform4(amount())) {
        let plan = mini_plan("");
        let s: Vec<String> = q.iter().map(ToString::to_string).collect();
        let obs = data(&[
            ("211102", "2019Q1", "num", &s[0]),
            ("211102", "2019Q2", "num", &s[1]),
            ("211102", "2019Q3", "num", &s[2]),
            ("211102", "2019Q4", "num", &s[3]),
        ]);
        let total: Decimal = q.iter().sum();
        let e = Evaluator::new(&plan, &obs);
        let num = Expr::parse("num").unwrap();
        prop_assert_eq!(e.expr(&num, &org("211102"), per("2019")).value.unwrap(), total);
    }
}
