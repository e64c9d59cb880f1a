//! The report of one evaluation: exactly the JSON object of issue 3 §8 (`plantrack evaluate --format json`), plus a
//! few explanatory fields inside the sub-objects (`data_year`, `rules`, `missing`, `points_needed`).
//!
//! Owns the serialisable shapes only; they are built from a verdict by `explain` (which is kept out of the hot path
//! of judging). Decimals are written as strings so that no reader loses precision.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One enterprise's evaluation, as written by `plantrack evaluate --format json` (one element of the array).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationReport {
    /// 统一社会信用代码.
    pub uscc: String,
    /// Evaluation date (for 高企: the application date).
    pub as_of: Date,
    /// 科技型中小企业.
    pub tech_sme: TechSmeReport,
    /// 高新技术企业.
    pub high_tech: HighTechReport,
    /// 规模以上工业企业 in the data year; null when it cannot be judged.
    pub above_scale_industrial: Option<bool>,
    /// 研发费用加计扣除 for the data year; null when it cannot be computed.
    pub rd_deduction: Option<DeductionReport>,
    /// What a failing enterprise lacks (培育), per rule set; empty when it qualifies or nothing can help.
    pub gaps: GapsReport,
}

/// 科技型中小企业 part of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TechSmeReport {
    /// true / false; null when it cannot be judged (see `missing`).
    pub qualified: Option<bool>,
    /// `score` (第七条) or `direct` (第八条); null when not qualified.
    pub route: Option<String>,
    /// Which 第八条 route confirmed it, e.g. `valid_high_tech_certificate`.
    pub direct_reason: Option<String>,
    /// 综合评价得分 (0–100); null when it cannot be computed.
    pub score: Option<u8>,
    /// The three score parts.
    pub parts: Option<TechSmeParts>,
    /// Every condition with value, threshold, pass/fail and source.
    pub conditions: Vec<ConditionReport>,
    /// The fiscal year whose figures were used (the year before `as_of`).
    pub data_year: i16,
    /// The texts applied, chosen by `as_of`.
    pub rules: String,
    /// Why it cannot be judged, e.g. "缺少 2017 年销售收入 / missing 2017 sales revenue".
    pub missing: Option<String>,
}

/// 科技人员 (≤20), 研发投入 (≤50, the better of B1 and B2) and 科技成果 (≤30) points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechSmeParts {
    pub tech_staff: u8,
    pub rd: u8,
    pub ip: u8,
}

/// 高新技术企业 part of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HighTechReport {
    /// `eligible`, `not_eligible`, `needs_expert_review`, or `cannot_judge` when figures are missing.
    pub verdict: String,
    /// The eight conditions of 国科发火〔2016〕32号 第十一条 (some split into their parts).
    pub conditions: Vec<ConditionReport>,
    /// 近三个会计年度研发费用总额 ÷ 同期销售收入总额.
    pub rd_ratio: Option<Decimal>,
    /// 5 %, 4 % or 3 % by the latest year's sales.
    pub required_rd_ratio: Option<Decimal>,
    /// 创新能力评价 range: objective items computed, expert items given or carried as their range.
    pub innovation_score: ScoreRange,
    /// Points still needed to reach 71 in the worst case (needs_expert_review), else null.
    pub points_needed: Option<u8>,
    /// Why it cannot be judged.
    pub missing: Option<String>,
}

/// An integer score range [min, max].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreRange {
    pub min: u8,
    pub max: u8,
}

/// 研发费用加计扣除 for one tax year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeductionReport {
    pub tax_year: i16,
    /// 加计比例, e.g. 0.75.
    pub rate: Decimal,
    /// 加计扣除额 (万元).
    pub extra_deduction: Decimal,
    /// 节税额 (万元) at 25 %, or 15 % for a 高新技术企业.
    pub tax_saving: Decimal,
    /// The rule applied and its document.
    pub source: String,
}

/// One condition of a verdict, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionReport {
    /// Stable id, e.g. `tech_sme.employees`, `high_tech.rd_ratio`.
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    /// The enterprise's value, formatted (null when missing).
    pub value: Option<String>,
    /// The value in English.
    pub value_en: Option<String>,
    /// The threshold, formatted.
    pub threshold: String,
    /// The threshold in English.
    pub threshold_en: String,
    /// true / false; null when the input lacks the figure.
    pub passed: Option<bool>,
    /// The rule's document and article.
    pub source: String,
    pub explanation_zh: String,
    pub explanation_en: String,
}

/// Gaps per rule set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GapsReport {
    pub tech_sme: Vec<GapReport>,
    pub high_tech: Vec<GapReport>,
}

/// One way to qualify: a set of changes applied together, smallest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapReport {
    pub changes: Vec<ChangeReport>,
    /// Estimated effort in 万元-equivalents (the gap cost weights), used for ordering.
    pub size: Decimal,
    pub text_zh: String,
    pub text_en: String,
}

/// One change, e.g. `研发费用 +35.2 万元 → 5.00 %`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeReport {
    /// `rd_expense`, `rd_expense_domestic`, `tech_staff`, `class_i_ip`, `class_ii_ip`, `high_tech_revenue`, `wait`.
    pub kind: String,
    /// The amount added (万元, persons, items or days).
    pub amount: Decimal,
    pub unit: String,
    /// The resulting value, formatted (e.g. `5.00 %`), when the change aims at a ratio.
    pub result: Option<String>,
    pub text_zh: String,
    pub text_en: String,
}
