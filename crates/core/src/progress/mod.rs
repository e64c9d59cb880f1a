//! Progress assessment (进度评估): named, versioned methods that turn a target and the indicator's values into a
//! status with its method, thresholds and inputs, and a forecast of the deadline value.
//!
//! * [`methods`] — the methods themselves, pure functions of a target and its [`Facts`] (values at the base
//!   period, at the period assessed, and yearly rates);
//! * [`report`] — gathers those facts with the indicator evaluator and builds the status report of a plan for
//!   an org unit and period (what `plantrack status` prints and the API returns).
//!
//! Rules shared by every method (anchors.md §9 — each choice made explicit):
//! * **Met** is judged on the value rounded to the indicator's published decimals (四舍五入), as a published
//!   figure would be. A level or cumulative target is met as soon as the latest value satisfies it (Open SDG and
//!   UNSD do the same); a rate-per-year target only when the deadline year's rate does.
//! * **At or after the deadline** a target that is not met is `off_track` (missed), whatever its trend.
//! * **Never a default direction**: every target carries its own.
//! * Values after the deadline are not used: the period assessed is capped at the deadline.

pub mod methods;
pub mod report;

pub use methods::{Assessment, Band, Facts, Forecast, MethodInputs, NotAssessable, Point, Threshold, assess};
pub use report::{StatusReport, TargetStatus, plan_status, target_status};

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::plan::TargetKind;

/// A progress method with its version. The plan file names the official one per target (`method =
/// "growth_ratio@1"`); a changed rule gets a new version so past statuses can be reproduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MethodId {
    /// Open SDG / Statistics Canada "method 2": actual CAGR ÷ required CAGR, thresholds 0.95 / 0.60 / 0.
    GrowthRatioV1,
    /// 序时进度: progress made ÷ progress expected by the elapsed share of the plan period.
    ScheduleV1,
    /// Growth-rate targets judged as rates per year (never CAGR of a rate).
    RatePerYearV1,
}

impl MethodId {
    /// Every method.
    pub const ALL: [MethodId; 3] = [
        MethodId::GrowthRatioV1,
        MethodId::ScheduleV1,
        MethodId::RatePerYearV1,
    ];

    /// Name with version, as written in plan files and JSON.
    pub fn name(self) -> &'static str {
        match self {
            MethodId::GrowthRatioV1 => "growth_ratio@1",
            MethodId::ScheduleV1 => "schedule@1",
            MethodId::RatePerYearV1 => "rate_per_year@1",
        }
    }

    /// Reads a method name.
    pub fn parse(name: &str) -> Option<MethodId> {
        MethodId::ALL.into_iter().find(|m| m.name() == name.trim())
    }

    /// Whether the method makes sense for a kind of target; the reason in Chinese and English if not.
    /// A rate-per-year target must not be judged by growth of a rate (anchors.md §3.6 (c)), and the rate
    /// method needs a rate.
    pub fn fits(self, kind: TargetKind) -> Result<(), (String, String)> {
        match (self, kind) {
            (MethodId::RatePerYearV1, TargetKind::RatePerYear) => Ok(()),
            (MethodId::RatePerYearV1, _) => Err((
                "rate_per_year@1 只适用于增速类目标(kind = \"rate_per_year\")".into(),
                "rate_per_year@1 only fits growth-rate targets (kind = \"rate_per_year\")".into(),
            )),
            (_, TargetKind::RatePerYear) => Err((
                format!(
                    "增速类目标不能用 {} 评估(不能对增速再求复合增长率),请用 rate_per_year@1",
                    self.name()
                ),
                format!(
                    "a growth-rate target cannot be assessed with {} (no CAGR of a rate); use rate_per_year@1",
                    self.name()
                ),
            )),
            _ => Ok(()),
        }
    }
}

impl fmt::Display for MethodId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for MethodId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for MethodId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        MethodId::parse(&text).ok_or_else(|| {
            let known: Vec<_> = MethodId::ALL.iter().map(|m| m.name()).collect();
            serde::de::Error::custom(format!(
                "未知的评估方法 {text}(可用: {k}) / unknown progress method {text} (known: {k})",
                k = known.join(", ")
            ))
        })
    }
}

/// The status of a target (目标状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 已完成: the value satisfies the target.
    Met,
    /// 进度正常
    OnTrack,
    /// 有风险: progress made, acceleration needed.
    AtRisk,
    /// 滞后: limited progress or moving away.
    OffTrack,
    /// 无法评估 (the reason says why).
    NotAssessable,
}

impl Status {
    /// The JSON name.
    pub fn name(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::OffTrack => "off_track",
            Status::NotAssessable => "not_assessable",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Met => "已完成",
            Status::OnTrack => "进度正常",
            Status::AtRisk => "有风险",
            Status::OffTrack => "滞后",
            Status::NotAssessable => "无法评估",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
