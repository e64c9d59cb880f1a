//! The progress methods. Each is a pure function of a [`Target`] and its [`Facts`] and returns an
//! [`Assessment`]: status, method, thresholds, the inputs it used, a forecast of the deadline value, and an
//! explanation in Chinese and English.
//!
//! * `growth_ratio@1` — Open SDG / Statistics Canada "method 2" (open-sdg/sdg-build `sdg/ProgressMeasure.py`,
//!   anchors.md §2.1): `P = sign · dir · CAGR_actual / |CAGR_required|`, bands 0.95 / 0.60 / 0. Unlike Open SDG
//!   a zero base is refused (not replaced by 0.001, which swings results 1000×) and there is no default
//!   direction.
//! * `schedule@1` — 序时进度: `(v − v₀) / ((target − v₀) · elapsed share)`, the share of the plan period elapsed
//!   at the end of the period assessed. Because the expectation is taken at the end of the data's period it is
//!   linear over the plan and step-wise with the data (annual data → steps at year ends), so a quarter without a
//!   report never shows a false "behind" (Cascade's gotcha, anchors.md §9). Bands after Cascade's health
//!   (support.cascade.app): ≥ 0.95 on track, 0.85–0.95 behind (at risk), < 0.85 off track.
//! * `rate_per_year@1` — growth-rate targets judged as rates: the mean annual rate achieved so far (geometric
//!   mean of `1 + rᵢ`) ÷ the required rate, bands 0.95 / 0.60 / 0. This equals `growth_ratio` applied to the
//!   level series the rates imply (anchors.md §3.6 (c)) — never a CAGR of the rate itself.
//!
//! All comparisons with thresholds are in `Decimal`.

use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};
use serde::Serialize;

use super::{MethodId, Status};
use crate::indicator::NoValue;
use crate::period::Period;
use crate::plan::{Direction, Target, TargetKind};

/// An indicator value at a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Point {
    /// The period.
    pub period: Period,
    /// The value (exact).
    pub value: Decimal,
}

/// What the methods know about a target: the indicator's values, already computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// At the period assessed.
    pub current: Result<Point, NoValue>,
    /// At the target's base period.
    pub base: Result<Point, NoValue>,
    /// Rate targets: the rate of every plan year before the period assessed, then of the period assessed.
    pub rates: Vec<(Period, Result<Decimal, NoValue>)>,
    /// Published decimals of the indicator (for "met" and the explanation).
    pub decimals: u32,
}

/// Why a method cannot give a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum NotAssessable {
    /// An input value is missing (or could not be computed).
    MissingData {
        /// Which, and why.
        detail: NoValue,
    },
    /// The base value is zero: growth from zero is undefined.
    ZeroBase,
    /// Base, current or target differ in sign: growth across zero is undefined.
    SignChange,
    /// The period assessed is not after the base period: there is no trend yet.
    TooFewPoints,
    /// The value is beyond the target's natural ceiling (e.g. a coverage above 100 %): the data are wrong.
    AboveCeiling {
        /// The ceiling.
        ceiling: Decimal,
    },
}

impl NotAssessable {
    fn text(&self) -> (String, String) {
        match self {
            NotAssessable::MissingData { detail } => {
                let s = detail.to_string();
                match s.split_once(" / ") {
                    Some((zh, en)) => (zh.to_string(), en.to_string()),
                    None => (s.clone(), s),
                }
            }
            NotAssessable::ZeroBase => (
                "基期值为零,无法计算增速".into(),
                "the base value is zero, so growth is undefined".into(),
            ),
            NotAssessable::SignChange => (
                "数值跨越零(正负号变化),无法计算增速".into(),
                "the values change sign, so growth is undefined".into(),
            ),
            NotAssessable::TooFewPoints => (
                "评估期不晚于基期,尚无趋势".into(),
                "the period assessed is not after the base period: no trend yet".into(),
            ),
            NotAssessable::AboveCeiling { ceiling } => (
                format!("数值超过自然上限 {ceiling},请核查数据"),
                format!("the value is above its natural ceiling {ceiling}: check the data"),
            ),
        }
    }
}

/// The method-specific band a ratio falls in (Open SDG's names for the growth methods, Cascade's for the
/// schedule), before it is mapped to a [`Status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// The value satisfies the target.
    TargetAchieved,
    /// The deadline has passed and the target is not met.
    DeadlineMissed,
    /// Open SDG "substantial progress" (P ≥ 0.95) → on track.
    SubstantialProgress,
    /// Open SDG "moderate progress, acceleration needed" (0.60 ≤ P < 0.95) → at risk.
    ModerateProgress,
    /// Open SDG "limited progress" (0 ≤ P < 0.60) → off track.
    LimitedProgress,
    /// Open SDG "deterioration" (P < 0) → off track.
    Deterioration,
    /// 序时进度 kept (ratio ≥ 0.95) → on track.
    OnSchedule,
    /// Behind schedule (0.85 ≤ ratio < 0.95) → at risk.
    Behind,
    /// Far behind schedule (ratio < 0.85) → off track.
    FarBehind,
}

/// A threshold of a method: the lowest ratio for a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Threshold {
    /// The status reached from this value up.
    pub status: Status,
    /// The lowest ratio for it.
    pub from: Decimal,
}

/// A forecast of the value at the deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forecast {
    /// The forecast value (rounded to 4 decimals).
    pub value: Decimal,
    /// The period it is for (the deadline).
    pub period: Period,
    /// How: `cagr_extrapolation@1`, `linear_extrapolation@1` or `mean_rate@1`.
    pub method: &'static str,
    /// Whether the extrapolation passed the natural ceiling and was cut to it.
    pub capped_at_ceiling: bool,
}

/// The inputs a method used (only those it used are set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MethodInputs {
    /// Base period and value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<Point>,
    /// Period assessed and value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<Point>,
    /// Target value.
    pub target: Decimal,
    /// Deadline.
    pub deadline: Period,
    /// Years from base to the period assessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_years: Option<Decimal>,
    /// Years from base to the deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_years: Option<Decimal>,
    /// Actual compound annual growth (fraction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cagr_actual: Option<Decimal>,
    /// Required compound annual growth (fraction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cagr_required: Option<Decimal>,
    /// Share of the plan period elapsed (schedule).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_share: Option<Decimal>,
    /// Value expected by now on a straight line from base to target (schedule).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_value: Option<Decimal>,
    /// Yearly rates used (rate per year).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rates: Vec<Point>,
    /// Mean annual rate achieved, % (rate per year).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achieved_rate: Option<Decimal>,
}

/// The result of one method on one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// The method.
    pub method: MethodId,
    /// The status.
    pub status: Status,
    /// The band behind the status, when a ratio was computed or the target is met or missed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<Band>,
    /// Why there is no status (only with `not_assessable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<NotAssessable>,
    /// The method's ratio (P), rounded to 4 decimals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratio: Option<Decimal>,
    /// The method's thresholds.
    pub thresholds: Vec<Threshold>,
    /// The inputs used.
    pub inputs: MethodInputs,
    /// Deadline value forecast from the trend.
    pub forecast: Option<Forecast>,
    /// Why this status, Chinese.
    pub explanation_zh: String,
    /// Why this status, English.
    pub explanation_en: String,
}

const OPEN_SDG: [(Status, &str); 3] = [
    (Status::OnTrack, "0.95"),
    (Status::AtRisk, "0.60"),
    (Status::OffTrack, "0"),
];
const SCHEDULE: [(Status, &str); 2] = [(Status::OnTrack, "0.95"), (Status::AtRisk, "0.85")];

fn thresholds(method: MethodId) -> Vec<Threshold> {
    let table: &[(Status, &str)] = match method {
        MethodId::ScheduleV1 => &SCHEDULE,
        MethodId::GrowthRatioV1 | MethodId::RatePerYearV1 => &OPEN_SDG,
    };
    table
        .iter()
        .filter_map(|(status, from)| {
            Some(Threshold {
                status: *status,
                from: from.parse().ok()?,
            })
        })
        .collect()
}

fn band_of(method: MethodId, ratio: Decimal) -> (Status, Band) {
    let t = thresholds(method);
    let at = |i: usize| t.get(i).map_or(Decimal::ZERO, |x| x.from);
    match method {
        MethodId::ScheduleV1 => {
            if ratio >= at(0) {
                (Status::OnTrack, Band::OnSchedule)
            } else if ratio >= at(1) {
                (Status::AtRisk, Band::Behind)
            } else {
                (Status::OffTrack, Band::FarBehind)
            }
        }
        _ => {
            if ratio >= at(0) {
                (Status::OnTrack, Band::SubstantialProgress)
            } else if ratio >= at(1) {
                (Status::AtRisk, Band::ModerateProgress)
            } else if ratio >= at(2) {
                (Status::OffTrack, Band::LimitedProgress)
            } else {
                (Status::OffTrack, Band::Deterioration)
            }
        }
    }
}

fn round(v: Decimal, dp: u32) -> Decimal {
    v.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// A value as published: rounded to `dp` decimals, all of them shown.
pub(crate) fn shown(v: Decimal, dp: u32) -> String {
    let dp = dp as usize;
    format!("{:.dp$}", round(v, dp as u32))
}

fn pct(fraction: Decimal) -> String {
    shown(fraction * Decimal::ONE_HUNDRED, 2)
}

fn years_between(from: Period, to: Period) -> Decimal {
    Decimal::from(to.last_month_index() - from.last_month_index()) / Decimal::from(12)
}

fn dir_sign(d: Direction) -> Decimal {
    match d {
        Direction::HigherIsBetter => Decimal::ONE,
        Direction::LowerIsBetter => Decimal::NEGATIVE_ONE,
    }
}

/// Compound annual growth `(to / from)^(1/years) − 1`; `None` when undefined.
fn cagr(from: Decimal, to: Decimal, years: Decimal) -> Option<Decimal> {
    let ratio = to.checked_div(from)?;
    if ratio.is_sign_negative() || years <= Decimal::ZERO {
        return None;
    }
    if ratio.is_zero() {
        return Some(Decimal::NEGATIVE_ONE);
    }
    let exp = Decimal::ONE.checked_div(years)?;
    Some(ratio.checked_powd(exp)? - Decimal::ONE)
}

struct Outcome {
    status: Status,
    band: Option<Band>,
    reason: Option<NotAssessable>,
    ratio: Option<Decimal>,
    forecast: Option<Forecast>,
    zh: String,
    en: String,
}

impl Outcome {
    fn not_assessable(reason: NotAssessable) -> Outcome {
        let (zh, en) = reason.text();
        Outcome {
            status: Status::NotAssessable,
            band: None,
            reason: Some(reason),
            ratio: None,
            forecast: None,
            zh,
            en,
        }
    }
}

fn forecast(target: &Target, value: Decimal, method: &'static str) -> Forecast {
    let (value, capped) = match target.ceiling {
        Some(c) if value > c => (c, true),
        _ => (value, false),
    };
    Forecast {
        value: round(value, 4),
        period: target.deadline,
        method,
        capped_at_ceiling: capped,
    }
}

/// Assesses `target` with `method` from `facts`. See the module documentation for each method and
/// [`super`] for the rules shared by all.
pub fn assess(target: &Target, method: MethodId, facts: &Facts) -> Assessment {
    let mut inputs = MethodInputs {
        base: None,
        current: None,
        target: target.value,
        deadline: target.deadline,
        elapsed_years: None,
        total_years: None,
        cagr_actual: None,
        cagr_required: None,
        elapsed_share: None,
        expected_value: None,
        rates: Vec::new(),
        achieved_rate: None,
    };
    let outcome = outcome(target, method, facts, &mut inputs);
    Assessment {
        method,
        status: outcome.status,
        band: outcome.band,
        reason: outcome.reason,
        ratio: outcome.ratio.map(|r| round(r, 4)),
        thresholds: thresholds(method),
        inputs,
        forecast: outcome.forecast,
        explanation_zh: outcome.zh,
        explanation_en: outcome.en,
    }
}

fn outcome(target: &Target, method: MethodId, facts: &Facts, inputs: &mut MethodInputs) -> Outcome {
    let dp = facts.decimals;
    let current = match &facts.current {
        Ok(p) => *p,
        Err(e) => return Outcome::not_assessable(NotAssessable::MissingData { detail: e.clone() }),
    };
    inputs.current = Some(current);
    if let Some(c) = target.ceiling
        && current.value > c
    {
        return Outcome::not_assessable(NotAssessable::AboveCeiling { ceiling: c });
    }
    let mut out = match method {
        MethodId::GrowthRatioV1 => growth_ratio(target, facts, current, inputs),
        MethodId::ScheduleV1 => schedule(target, facts, current, inputs),
        MethodId::RatePerYearV1 => rate_per_year(target, facts, inputs),
    };
    // Met and missed override the trend (the ratio and forecast stay for reference).
    let published = round(current.value, dp);
    let at_deadline = current.period.last_month_index() >= target.deadline.last_month_index();
    let satisfied = target.comparator.holds(published, target.value);
    let met = satisfied && (target.kind != TargetKind::RatePerYear || at_deadline);
    let v = shown(current.value, dp);
    let tv = target.value.normalize();
    let cmp = target.comparator.symbol();
    if met {
        let early = if at_deadline { "" } else { ",提前完成" };
        let early_en = if at_deadline { "" } else { " ahead of the deadline" };
        out = Outcome {
            status: Status::Met,
            band: Some(Band::TargetAchieved),
            reason: None,
            zh: format!("{}值 {v} {cmp} {tv},已达到目标{early}", current.period),
            en: format!("{v} {cmp} {tv} in {}: target reached{early_en}", current.period),
            ..out
        };
    } else if at_deadline {
        out = Outcome {
            status: Status::OffTrack,
            band: Some(Band::DeadlineMissed),
            reason: None,
            zh: format!("截止期 {} 值 {v},未达到 {cmp} {tv},目标未完成", current.period),
            en: format!(
                "{v} in {}, the deadline: short of {cmp} {tv}, target missed",
                current.period
            ),
            ..out
        };
    }
    out
}

fn base_point(
    facts: &Facts,
    inputs: &mut MethodInputs,
    current: Point,
) -> Result<(Point, Decimal), NotAssessable> {
    let base = match &facts.base {
        Ok(b) => *b,
        Err(e) => return Err(NotAssessable::MissingData { detail: e.clone() }),
    };
    inputs.base = Some(base);
    let elapsed = years_between(base.period, current.period);
    if elapsed <= Decimal::ZERO {
        return Err(NotAssessable::TooFewPoints);
    }
    inputs.elapsed_years = Some(round(elapsed, 4));
    Ok((base, elapsed))
}

fn growth_ratio(target: &Target, facts: &Facts, current: Point, inputs: &mut MethodInputs) -> Outcome {
    let method = MethodId::GrowthRatioV1;
    let (base, elapsed) = match base_point(facts, inputs, current) {
        Ok(x) => x,
        Err(reason) => return Outcome::not_assessable(reason),
    };
    let total = years_between(base.period, target.deadline);
    inputs.total_years = Some(round(total, 4));
    let (v0, v, tv) = (base.value, current.value, target.value);
    if v0.is_zero() {
        return Outcome::not_assessable(NotAssessable::ZeroBase);
    }
    let (Some(ca), Some(cr)) = (cagr(v0, v, elapsed), cagr(v0, tv, total)) else {
        return Outcome::not_assessable(NotAssessable::SignChange);
    };
    inputs.cagr_actual = Some(round(ca, 6));
    inputs.cagr_required = Some(round(cr, 6));
    let remaining = total - elapsed;
    let projected = (Decimal::ONE + ca)
        .checked_powd(remaining)
        .and_then(|g| v.checked_mul(g));
    let fc = projected.map(|p| forecast(target, p, "cagr_extrapolation@1"));
    let dp = facts.decimals;
    let (b, c) = (shown(v0, dp), shown(v, dp));
    if cr.is_zero() {
        // Target equal to the base: not met means the value moved away from it.
        return Outcome {
            status: Status::OffTrack,
            band: Some(Band::Deterioration),
            reason: None,
            ratio: None,
            forecast: fc,
            zh: format!("目标值等于基期值 {b},现值 {c} 已偏离"),
            en: format!("the target equals the base value {b}; the value {c} has moved away"),
        };
    }
    let sign = if v0.is_sign_negative() {
        Decimal::NEGATIVE_ONE
    } else {
        Decimal::ONE
    };
    let ratio = sign * dir_sign(target.direction) * ca / cr.abs();
    let (status, band) = band_of(method, ratio);
    let r = shown(ratio, 2);
    Outcome {
        status,
        band: Some(band),
        reason: None,
        ratio: Some(ratio),
        forecast: fc,
        zh: format!(
            "{}→{} 实际年均增速 {}%,需年均增速 {}% 才能在{}达到 {};比值 {r}({})",
            base.period,
            current.period,
            pct(ca),
            pct(cr),
            target.deadline,
            tv.normalize(),
            band_zh(band)
        ),
        en: format!(
            "actual growth {} % a year {}→{} vs {} % a year needed to reach {} by {}: ratio {r} ({})",
            pct(ca),
            base.period,
            current.period,
            pct(cr),
            tv.normalize(),
            target.deadline,
            band_en(band)
        ),
    }
}

fn schedule(target: &Target, facts: &Facts, current: Point, inputs: &mut MethodInputs) -> Outcome {
    let method = MethodId::ScheduleV1;
    let (base, elapsed) = match base_point(facts, inputs, current) {
        Ok(x) => x,
        Err(reason) => return Outcome::not_assessable(reason),
    };
    let total = years_between(base.period, target.deadline);
    inputs.total_years = Some(round(total, 4));
    let share = elapsed / total;
    inputs.elapsed_share = Some(round(share, 4));
    let (v0, v, tv) = (base.value, current.value, target.value);
    let required = tv - v0;
    let expected = v0 + required * share;
    inputs.expected_value = Some(round(expected, 4));
    let made = v - v0;
    // Straight line through base and current, continued to the deadline.
    let projected = made
        .checked_mul(total)
        .and_then(|m| m.checked_div(elapsed))
        .map(|slope_total| v0 + slope_total);
    let fc = projected.map(|p| forecast(target, p, "linear_extrapolation@1"));
    let dp = facts.decimals;
    if (required * dir_sign(target.direction)) <= Decimal::ZERO {
        return Outcome {
            status: Status::OffTrack,
            band: Some(Band::Deterioration),
            reason: None,
            ratio: None,
            forecast: fc,
            zh: format!(
                "基期值 {} 已达目标,现值 {} 又回落到目标以下",
                shown(v0, dp),
                shown(v, dp)
            ),
            en: format!(
                "the base value {} already met the target, and the value {} fell back below it",
                shown(v0, dp),
                shown(v, dp)
            ),
        };
    }
    let ratio = made / (required * share);
    let (status, band) = band_of(method, ratio);
    let r = shown(ratio, 2);
    Outcome {
        status,
        band: Some(band),
        reason: None,
        ratio: Some(ratio),
        forecast: fc,
        zh: format!(
            "时间过去 {}%,应达 {},实际 {}(基期{} {});序时进度比 {r}({})",
            pct(share),
            shown(expected, dp),
            shown(v, dp),
            base.period,
            shown(v0, dp),
            band_zh(band)
        ),
        en: format!(
            "{} % of the time gone, {} expected by now, {} reached (base {} {}): schedule ratio {r} ({})",
            pct(share),
            shown(expected, dp),
            shown(v, dp),
            base.period,
            shown(v0, dp),
            band_en(band)
        ),
    }
}

fn rate_per_year(target: &Target, facts: &Facts, inputs: &mut MethodInputs) -> Outcome {
    let method = MethodId::RatePerYearV1;
    let mut rates = Vec::new();
    for (period, r) in &facts.rates {
        match r {
            Ok(v) => rates.push(Point {
                period: *period,
                value: *v,
            }),
            Err(e) => return Outcome::not_assessable(NotAssessable::MissingData { detail: e.clone() }),
        }
    }
    if rates.is_empty() {
        return Outcome::not_assessable(NotAssessable::TooFewPoints);
    }
    inputs.rates = rates.clone();
    let mut product = Decimal::ONE;
    for r in &rates {
        let factor = Decimal::ONE + r.value / Decimal::ONE_HUNDRED;
        if factor.is_sign_negative() {
            return Outcome::not_assessable(NotAssessable::SignChange);
        }
        product = match product.checked_mul(factor) {
            Some(p) => p,
            None => return Outcome::not_assessable(NotAssessable::SignChange),
        };
    }
    let n = Decimal::from(rates.len() as u64);
    let mean = if product.is_zero() {
        Decimal::NEGATIVE_ONE
    } else {
        match product.checked_powd(Decimal::ONE / n) {
            Some(g) => g - Decimal::ONE,
            None => return Outcome::not_assessable(NotAssessable::SignChange),
        }
    } * Decimal::ONE_HUNDRED;
    inputs.achieved_rate = Some(round(mean, 4));
    let fc = Some(forecast(target, mean, "mean_rate@1"));
    let dp = facts.decimals;
    let list = rates
        .iter()
        .map(|p| format!("{} {}%", p.period, shown(p.value, dp)))
        .collect::<Vec<_>>()
        .join(", ");
    let tv = target.value;
    if tv.is_zero() {
        let ok = dir_sign(target.direction) * mean >= Decimal::ZERO;
        return Outcome {
            status: if ok { Status::OnTrack } else { Status::OffTrack },
            band: None,
            reason: None,
            ratio: None,
            forecast: fc,
            zh: format!("各年增速 {list};年均 {}%", shown(mean, 2)),
            en: format!("rates {list}; mean {} % a year", shown(mean, 2)),
        };
    }
    let ratio = dir_sign(target.direction) * mean / tv.abs();
    let (status, band) = band_of(method, ratio);
    let r = shown(ratio, 2);
    Outcome {
        status,
        band: Some(band),
        reason: None,
        ratio: Some(ratio),
        forecast: fc,
        zh: format!(
            "各年增速 {list};年均 {}%,目标每年 {}%;比值 {r}({})",
            shown(mean, 2),
            tv.normalize(),
            band_zh(band)
        ),
        en: format!(
            "rates {list}; mean {} % a year vs {} % a year required: ratio {r} ({})",
            shown(mean, 2),
            tv.normalize(),
            band_en(band)
        ),
    }
}

fn band_zh(b: Band) -> &'static str {
    match b {
        Band::TargetAchieved => "已达到目标",
        Band::DeadlineMissed => "到期未完成",
        Band::SubstantialProgress => "进展显著",
        Band::ModerateProgress => "有进展但需加快",
        Band::LimitedProgress => "进展有限",
        Band::Deterioration => "出现倒退",
        Band::OnSchedule => "符合序时进度",
        Band::Behind => "略落后于序时进度",
        Band::FarBehind => "明显落后于序时进度",
    }
}

fn band_en(b: Band) -> &'static str {
    match b {
        Band::TargetAchieved => "target achieved",
        Band::DeadlineMissed => "deadline missed",
        Band::SubstantialProgress => "substantial progress",
        Band::ModerateProgress => "moderate progress, acceleration needed",
        Band::LimitedProgress => "limited progress",
        Band::Deterioration => "moving away from the target",
        Band::OnSchedule => "on schedule",
        Band::Behind => "behind schedule",
        Band::FarBehind => "far behind schedule",
    }
}

#[cfg(test)]
mod tests;
