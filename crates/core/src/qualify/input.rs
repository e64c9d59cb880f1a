//! The wire form of an enterprise profile (企业画像): exactly the JSON of issue 3, before any checking.
//!
//! Owns the serde shapes only. Every field that a rule does not strictly need is optional, and an absent optional
//! field means "none". Amounts are in 万元 and may be JSON numbers or decimal strings; they become
//! [`rust_decimal::Decimal`] from their text, never through `f64`. Turning this into a checked
//! [`EnterpriseProfile`](super::EnterpriseProfile) is [`EnterpriseProfile::from_input`](super::EnterpriseProfile::from_input).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// A number as written in the input: a JSON number or a decimal string, kept exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Num(pub Decimal);

/// Why a JSON value is not a number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' 不是数字 / '{0}' is not a number")]
pub struct NumError(pub String);

impl Num {
    /// Parses number text: `35.2`, `-1`, `1e3`, `" 2000.00 "`. No thousands separators, no units.
    pub fn parse(text: &str) -> Result<Self, NumError> {
        let t = text.trim();
        let d = if t.contains(['e', 'E']) {
            Decimal::from_scientific(t)
        } else {
            Decimal::from_str(t)
        };
        d.map(Num).map_err(|_| NumError(text.to_owned()))
    }
}

impl From<Decimal> for Num {
    fn from(d: Decimal) -> Self {
        Num(d)
    }
}

impl From<u32> for Num {
    fn from(n: u32) -> Self {
        Num(Decimal::from(n))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Strings keep the exact value for any reader (JavaScript numbers are doubles).
        serializer.collect_str(&self.0.normalize())
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The raw JSON text of the value: a number's digits as written, or a quoted string.
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        let text = if text.starts_with('"') {
            serde_json::from_str::<String>(text).map_err(serde::de::Error::custom)?
        } else {
            text.to_owned()
        };
        Num::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// One enterprise as submitted (issue 3 §8).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseInput {
    /// 统一社会信用代码.
    pub uscc: String,
    /// 企业名称.
    #[serde(default)]
    pub name: String,
    /// 注册成立日期, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_on: Option<String>,
    /// 国民经济行业代码 (GB/T 4754-2017), e.g. `C3511`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry_code: Option<String>,
    /// 《国家重点支持的高新技术领域》: one of the eight 领域, or null.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_tech_field: Option<String>,
    /// 产品/服务属于国家规定的禁止、限制和淘汰类.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted_industry: Option<bool>,
    /// 重大安全/质量事故、严重环境违法、科研严重失信、经营异常名录 … with their date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<IncidentInput>,
    /// Certificates held (only `high_tech` matters here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<CertificateInput>,
    /// 经认定的研发机构.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rd_institutions: Vec<RdInstitutionInput>,
    /// 国家级科技奖励 with the enterprise's rank among the winning units.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub national_awards: Vec<NationalAwardInput>,
    /// 主导制定的标准.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standards_led: Vec<StandardLedInput>,
    /// 有效知识产权 counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpInput>,
    /// 知识产权有自主研发 (otherwise only 受让、受赠、并购).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_self_developed: Option<bool>,
    /// Fiscal-year figures (会计年度), any order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub years: Vec<YearInput>,
    /// 专家评分 of the 高企 innovation score, when an expert has scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expert_scores: Option<ExpertScoresInput>,
}

/// `{"kind", "on"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentInput {
    pub kind: String,
    pub on: String,
}

/// `{"kind": "high_tech", "issued_on"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateInput {
    pub kind: String,
    pub issued_on: String,
}

/// `{"level": "national|provincial|municipal|enterprise", "recognized_on"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdInstitutionInput {
    pub level: String,
    pub recognized_on: String,
}

/// `{"on", "rank"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NationalAwardInput {
    pub on: String,
    pub rank: Num,
}

/// `{"on", "level": "international|national|industry"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandardLedInput {
    pub on: String,
    pub level: String,
}

/// `{"class_i", "class_ii"}`: Ⅰ类 and Ⅱ类 知识产权 counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_i: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_ii: Option<Num>,
}

/// One fiscal year (会计年度). Amounts in 万元; headcounts in persons.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearInput {
    pub year: Num,
    /// 职工总数.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employees: Option<Num>,
    /// 科技人员数.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tech_staff: Option<Num>,
    /// 职工月平均数 for each month operated (195号: 全年月平均数 = Σ 月平均数 ÷ months). Optional extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employees_monthly: Option<Vec<Num>>,
    /// 科技人员月平均数 for each month operated. Optional extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tech_staff_monthly: Option<Vec<Num>>,
    /// 销售收入 (主营业务收入 + 其他业务收入).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_revenue: Option<Num>,
    /// 主营业务收入.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_business_revenue: Option<Num>,
    /// 总收入 (收入总额 − 不征税收入).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_revenue: Option<Num>,
    /// 高新技术产品(服务)收入.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_tech_revenue: Option<Num>,
    /// 资产总额 (year end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_assets: Option<Num>,
    /// 负债总额 (year end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_liabilities: Option<Num>,
    /// 成本费用支出总额.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_expense_total: Option<Num>,
    /// 研发费用总额.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rd_expense: Option<Num>,
    /// 境内研发费用.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rd_expense_domestic: Option<Num>,
    /// 科技成果转化 count in the year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversions: Option<Num>,
}

/// Expert-scored items of the 高企 innovation score (195号), each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpertScoresInput {
    /// 技术的先进程度, 0–8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tech_advancement: Option<Num>,
    /// 对主要产品(服务)在技术上发挥核心支持作用, 0–8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core_support: Option<Num>,
    /// 知识产权获得方式, 0–6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_acquisition: Option<Num>,
    /// 加分: 参与编制标准, 0–2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standards_bonus: Option<Num>,
    /// 科技成果转化能力, 0–30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion: Option<Num>,
    /// 研究开发组织管理水平, 0–20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rd_management: Option<Num>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_become_exact_decimals() {
        let y: YearInput = serde_json::from_str(
            r#"{"year": 2017, "rd_expense": 35.2, "sales_revenue": "3000.10", "employees": 1e2}"#,
        )
        .unwrap();
        assert_eq!(y.year.0, Decimal::from(2017));
        assert_eq!(y.rd_expense.unwrap().0, Decimal::from_str("35.2").unwrap());
        assert_eq!(y.sales_revenue.unwrap().0, Decimal::from_str("3000.10").unwrap());
        assert_eq!(y.employees.unwrap().0, Decimal::from(100));
        assert_eq!(y.tech_staff, None);
    }

    #[test]
    fn digits_beyond_f64_precision_survive() {
        // 17 significant digits: an f64 would round the last one.
        let y: YearInput =
            serde_json::from_str(r#"{"year": 2017, "rd_expense": 1234567.8901234567}"#).unwrap();
        assert_eq!(y.rd_expense.unwrap().0.to_string(), "1234567.8901234567");
    }

    #[test]
    fn null_means_absent_and_words_are_not_numbers() {
        let y: YearInput = serde_json::from_str(r#"{"year": 2017, "rd_expense": null}"#).unwrap();
        assert_eq!(y.rd_expense, None);
        let err = serde_json::from_str::<YearInput>(r#"{"year": 2017, "rd_expense": "很多"}"#).unwrap_err();
        assert!(err.to_string().contains("不是数字"), "{err}");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<YearInput>(r#"{"year": 2017, "rd_expence": 1}"#).unwrap_err();
        assert!(err.to_string().contains("rd_expence"), "{err}");
    }

    #[test]
    fn a_minimal_enterprise_deserialises_and_round_trips() {
        let e: EnterpriseInput =
            serde_json::from_str(r#"{"uscc": "91350100M000100Y43", "name": "甲"}"#).unwrap();
        assert!(e.years.is_empty() && e.ip.is_none() && e.expert_scores.is_none());
        let back: EnterpriseInput = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(back, e);
    }
}
