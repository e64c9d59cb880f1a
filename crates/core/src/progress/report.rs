//! The status report of a plan for an org unit and period: for every target, the indicator value, the official
//! method's status and forecast, the other methods beside it, and the inputs — what `plantrack status` prints
//! and `/api/v1` returns.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::methods::{Assessment, Facts, Forecast, Point, assess};
use super::{MethodId, Status};
use crate::indicator::{Evaluator, Input, NoValue, Observations};
use crate::period::Period;
use crate::plan::{Comparator, OrgUnitCode, Plan, PlanId, Target, TargetId, TargetKind};

/// Status of every target of a plan for one org unit and period (the JSON of `plantrack status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusReport {
    /// Plan id.
    pub plan: PlanId,
    /// Org unit.
    pub org_unit: OrgUnitCode,
    /// Period asked.
    pub period: Period,
    /// One entry per target, in plan order.
    pub targets: Vec<TargetStatus>,
}

/// One target's value and status. The fields up to `explanation` are the contract of issue 2; the rest add
/// the detail behind them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetStatus {
    /// Target id.
    pub id: TargetId,
    /// Name, Chinese.
    pub name_zh: String,
    /// Name, English.
    pub name_en: String,
    /// The indicator value for the period assessed, rounded to the indicator's decimals; `null` without one.
    pub value: Option<Decimal>,
    /// Unit.
    pub unit: String,
    /// Target value.
    pub target: Decimal,
    /// `>=` or `<=`.
    pub comparator: Comparator,
    /// Deadline.
    pub deadline: Period,
    /// Status by the official method.
    pub status: Status,
    /// The official method.
    pub method: MethodId,
    /// Deadline value forecast by the official method.
    pub forecast: Option<Forecast>,
    /// Why, Chinese then English (`中文 / English`).
    pub explanation: String,
    /// Why, Chinese.
    pub explanation_zh: String,
    /// Why, English.
    pub explanation_en: String,
    /// The period whose value is assessed (the period asked, capped at the deadline).
    pub period: Period,
    /// Why `value` is null.
    pub no_value: Option<NoValue>,
    /// The aggregated data-element inputs of the value.
    pub inputs: Vec<Input>,
    /// The official assessment in full (thresholds, inputs, ratio, band).
    pub assessment: Assessment,
    /// The other methods the plan shows beside the official one.
    pub other_methods: Vec<Assessment>,
}

/// Computes every target of `plan` for `org` in `period`.
pub fn plan_status(plan: &Plan, data: &Observations, org: &OrgUnitCode, period: Period) -> StatusReport {
    let ev = Evaluator::new(plan, data);
    StatusReport {
        plan: plan.meta().id.clone(),
        org_unit: org.clone(),
        period,
        targets: plan
            .targets()
            .iter()
            .map(|t| target_status(&ev, t, org, period))
            .collect(),
    }
}

/// Computes one target for `org` in `period`.
pub fn target_status(ev: &Evaluator<'_>, target: &Target, org: &OrgUnitCode, period: Period) -> TargetStatus {
    let plan = ev.plan();
    let decimals = plan.indicator(&target.indicator).map_or(2, |i| i.decimals);
    // Data after the deadline do not change whether the target was met by it.
    let assessed = if period.last_month_index() > target.deadline.last_month_index() {
        target.deadline
    } else {
        period
    };
    let point = |p: Period| {
        let e = ev.indicator(&target.indicator, org, p);
        (e.value.map(|value| Point { period: p, value }), e.inputs)
    };
    let (current, inputs) = point(assessed);
    let (base, _) = point(target.baseline);
    let needs_rates = target.kind == TargetKind::RatePerYear
        || std::iter::once(target.method)
            .chain(target.also.iter().copied())
            .any(|m| m == MethodId::RatePerYearV1);
    let rates = if needs_rates {
        rate_periods(plan, target, assessed)
            .into_iter()
            .map(|p| (p, point(p).0.map(|pt| pt.value)))
            .collect()
    } else {
        Vec::new()
    };
    let facts = Facts {
        current: current.clone(),
        base,
        rates,
        decimals,
    };
    let official = assess(target, target.method, &facts);
    let others = target.also.iter().map(|m| assess(target, *m, &facts)).collect();
    TargetStatus {
        id: target.id.clone(),
        name_zh: target.name_zh.clone(),
        name_en: target.name_en.clone(),
        value: current.as_ref().ok().map(|p| {
            p.value
                .round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
        }),
        unit: target.unit.clone(),
        target: target.value,
        comparator: target.comparator,
        deadline: target.deadline,
        status: official.status,
        method: official.method,
        forecast: official.forecast.clone(),
        explanation: format!("{} / {}", official.explanation_zh, official.explanation_en),
        explanation_zh: official.explanation_zh.clone(),
        explanation_en: official.explanation_en.clone(),
        period: assessed,
        no_value: current.err(),
        inputs,
        assessment: official,
        other_methods: others,
    }
}

/// The periods whose rates a rate-per-year target is judged on: every whole plan year after the base and before
/// the period assessed, then the period assessed (a year, or the year to date).
fn rate_periods(plan: &Plan, target: &Target, assessed: Period) -> Vec<Period> {
    let first = plan.meta().first_year.max(target.baseline.year() + 1);
    let mut out: Vec<Period> = (first..assessed.year())
        .filter_map(|y| Period::year_of(y).ok())
        .collect();
    if assessed.year() >= first {
        out.push(assessed);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{data, mini_plan};

    const TARGETS: &str = r#"
[[targets]]
id = "ratio"
name_zh = "比重"
name_en = "ratio"
text_zh = "比重达到2.5%"
indicator = "ratio"
comparator = ">="
value = "2.5"
unit = "%"
deadline = "2020"
direction = "higher_is_better"
kind = "level"
method = "growth_ratio@1"
also = ["schedule@1"]

[[targets]]
id = "growth"
name_zh = "增速"
name_en = "growth"
text_zh = "增速达25%"
indicator = "growth"
comparator = ">="
value = "25"
unit = "%"
deadline = "2020"
direction = "higher_is_better"
kind = "rate_per_year"
method = "rate_per_year@1"
"#;

    fn org(s: &str) -> OrgUnitCode {
        OrgUnitCode::parse(s).unwrap()
    }

    fn sample() -> Observations {
        let mut rows = Vec::new();
        // District one: ratio 2.0 % (2017) → 2.3 % (2019); num grows 10 %, 20 % a year.
        for (y, num, den) in [
            ("2017", "20", "1000"),
            ("2018", "22", "1000"),
            ("2019", "26.4", "1147.826086956521739130434783"),
        ] {
            rows.push(("211102", y, "num", num));
            rows.push(("211102", y, "den", den));
        }
        data(&rows)
    }

    #[test]
    fn the_report_has_the_contracted_json_shape() {
        let plan = mini_plan(TARGETS);
        let report = plan_status(&plan, &sample(), &org("211102"), Period::parse("2019").unwrap());
        let json = serde_json::to_value(&report).unwrap();
        for key in ["plan", "org_unit", "period", "targets"] {
            assert!(json.get(key).is_some(), "{key}");
        }
        let t = &json["targets"][0];
        for key in [
            "id",
            "name_zh",
            "name_en",
            "value",
            "unit",
            "target",
            "comparator",
            "deadline",
            "status",
            "method",
            "forecast",
            "explanation",
        ] {
            assert!(t.get(key).is_some(), "{key}");
        }
        // Numbers are decimal strings.
        assert_eq!(t["value"], "2.30");
        assert_eq!(t["target"], "2.5");
        assert_eq!(t["comparator"], ">=");
        assert_eq!(t["status"], "at_risk");
        assert_eq!(t["method"], "growth_ratio@1");
        assert!(t["forecast"]["value"].is_string());
        assert_eq!(t["other_methods"][0]["method"], "schedule@1");
    }

    #[test]
    fn a_growth_target_is_judged_on_each_plan_years_rate() {
        let plan = mini_plan(TARGETS);
        let report = plan_status(&plan, &sample(), &org("211102"), Period::parse("2019").unwrap());
        let g = &report.targets[1];
        let rates: Vec<String> = g
            .assessment
            .inputs
            .rates
            .iter()
            .map(|p| format!("{} {}", p.period, p.value.normalize()))
            .collect();
        assert_eq!(rates, ["2018 10", "2019 20"]);
        assert_eq!(g.value, Some("20.0".parse().unwrap()));
        // √(1.10 × 1.20) − 1 = 14.9 % a year against 25 %: ratio 0.596, just under 0.60.
        assert_eq!(g.status, Status::OffTrack);
        assert_eq!(g.assessment.band, Some(crate::progress::Band::LimitedProgress));
    }

    #[test]
    fn periods_after_the_deadline_are_capped_and_missing_data_explained() {
        let plan = mini_plan(TARGETS);
        let report = plan_status(&plan, &sample(), &org("211102"), Period::parse("2021").unwrap());
        let t = &report.targets[0];
        assert_eq!(t.period, Period::parse("2020").unwrap());
        assert_eq!(t.value, None);
        assert_eq!(t.status, Status::NotAssessable);
        assert!(matches!(t.no_value, Some(NoValue::Missing { .. })));
        assert!(t.explanation.contains("missing data"), "{}", t.explanation);
    }
}
