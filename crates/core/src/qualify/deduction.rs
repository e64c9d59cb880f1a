//! 研发费用加计扣除 (R&D super-deduction): the rate by tax year and kind of enterprise (criteria.md §3.1, the table
//! in [`Rules::deduction_rules`]), the negative-list industries of 财税〔2015〕119号, and the computation
//! 加计扣除额 = 费用化研发费用 × 加计比例 + 本年无形资产摊销额 × 加计比例; 节税额 = 加计扣除额 × 税率.
//!
//! For an enterprise profile the tax year is the fiscal year before the evaluation date, all 研发费用 of that year are
//! taken as expensed, and the 15 % rate applies when a 高企 certificate covers the tax year.

use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::check::{Field, Missing};
use super::industry::IndustryCode;
use super::profile::{CertificateKind, EnterpriseProfile};
use super::rules::{DeductionRule, DeductionScope, Rules};

/// What kind of enterprise, for choosing the rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EnterpriseKinds {
    /// 科技型中小企业 in the tax year.
    pub tech_sme: bool,
    /// 制造业企业 (主营业务为制造业 [M: ≥ 50 % of 收入总额]).
    pub manufacturing: bool,
    /// Listed 集成电路 / 工业母机 enterprise.
    pub ic_or_machine_tool: bool,
}

impl EnterpriseKinds {
    fn has(self, scope: DeductionScope) -> bool {
        match scope {
            DeductionScope::All => true,
            DeductionScope::TechSme => self.tech_sme,
            DeductionScope::Manufacturing => self.manufacturing,
            DeductionScope::IcOrMachineTool => self.ic_or_machine_tool,
        }
    }
}

/// Whether an industry is on the 加计扣除 negative list.
pub fn in_negative_list(code: IndustryCode, rules: &Rules) -> bool {
    rules
        .deduction_negative_list
        .iter()
        .any(|s| s.section == code.section() && s.division.is_none_or(|d| d == code.division()))
}

/// The rule that applies: the most specific scope, then the higher rate (criteria.md §3.1). None before 2016 or
/// when no row covers the year.
pub fn applicable_rule(tax_year: i16, kinds: EnterpriseKinds, rules: &Rules) -> Option<&DeductionRule> {
    rules
        .deduction_rules
        .iter()
        .filter(|r| r.covers(tax_year) && kinds.has(r.scope))
        .max_by(|a, b| (a.scope.specificity(), a.rate).cmp(&(b.scope.specificity(), b.rate)))
}

/// 加计扣除额 = (expensed + amortised) × rate.
pub fn extra_deduction(expensed: Decimal, amortisation: Decimal, rate: Decimal) -> Decimal {
    (expensed + amortisation) * rate
}

/// 其他相关费用 limit since 国家税务总局公告2021年第28号: 前五类费用合计 × 10% ÷ (1 − 10%).
pub fn other_expense_cap(first_five: Decimal) -> Decimal {
    first_five * dec!(0.1) / dec!(0.9)
}

/// The deductible base: the first five categories plus 其他相关费用 up to its cap.
pub fn deductible_base(first_five: Decimal, other: Decimal) -> Decimal {
    first_five + other.min(other_expense_cap(first_five))
}

/// The outcome for one tax year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeductionOutcome {
    /// A rate applies. `rule` indexes [`Rules::deduction_rules`].
    Deduction {
        rule: usize,
        rate: Decimal,
        extra: Decimal,
        tax_rate: Decimal,
        tax_saving: Decimal,
    },
    /// 负面清单行业: no 加计扣除.
    NegativeList,
    /// No rule covers the year.
    NoRule,
    CannotJudge(Missing),
}

/// The verdict with its tax year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeductionVerdict {
    pub tax_year: i16,
    pub high_tech: bool,
    pub outcome: DeductionOutcome,
}

/// Computes the deduction for given figures (the worked examples RD-1…5 use this directly).
pub fn compute(
    tax_year: i16,
    expensed: Decimal,
    amortisation: Decimal,
    kinds: EnterpriseKinds,
    high_tech: bool,
    industry: Option<IndustryCode>,
    rules: &Rules,
) -> DeductionOutcome {
    if industry.is_some_and(|c| in_negative_list(c, rules)) {
        return DeductionOutcome::NegativeList;
    }
    let Some(rule) = applicable_rule(tax_year, kinds, rules) else {
        return DeductionOutcome::NoRule;
    };
    let index = rules
        .deduction_rules
        .iter()
        .position(|r| std::ptr::eq(r, rule))
        .unwrap_or(0);
    let extra = extra_deduction(expensed, amortisation, rule.rate);
    let tax_rate = if high_tech {
        rules.high_tech_tax_rate
    } else {
        rules.standard_tax_rate
    };
    DeductionOutcome::Deduction {
        rule: index,
        rate: rule.rate,
        extra,
        tax_rate,
        tax_saving: extra * tax_rate,
    }
}

/// Evaluates the profile's deduction for the tax year before `as_of`. `tech_sme_in_tax_year` is asked only when
/// the 科小 row would change the rate (it costs a second 科小 evaluation); when that cannot be judged, neither can
/// the deduction.
pub fn evaluate(
    p: &EnterpriseProfile,
    as_of: Date,
    rules: &Rules,
    tech_sme_in_tax_year: impl FnOnce() -> Result<bool, Missing>,
) -> DeductionVerdict {
    let tax_year = as_of.year() - 1;
    let high_tech = p
        .certificates
        .iter()
        .any(|c| c.kind == CertificateKind::HighTech && c.covers_tax_year(tax_year));
    let outcome = match (p.industry, p.year(tax_year).and_then(|y| y.rd_expense)) {
        (None, _) => DeductionOutcome::CannotJudge(Missing {
            year: None,
            field: Field::IndustryCode,
        }),
        (_, None) => DeductionOutcome::CannotJudge(Missing::of(tax_year, Field::RdExpense)),
        (Some(code), Some(rd)) => {
            let mut kinds = EnterpriseKinds {
                manufacturing: code.is_manufacturing(),
                ..EnterpriseKinds::default()
            };
            let without = applicable_rule(tax_year, kinds, rules).map(|r| r.rate);
            let with = applicable_rule(
                tax_year,
                EnterpriseKinds {
                    tech_sme: true,
                    ..kinds
                },
                rules,
            )
            .map(|r| r.rate);
            let status = if with != without {
                tech_sme_in_tax_year()
            } else {
                Ok(false)
            };
            match status {
                Ok(tech_sme) => {
                    kinds.tech_sme = tech_sme;
                    compute(tax_year, rd, Decimal::ZERO, kinds, high_tech, Some(code), rules)
                }
                Err(m) => DeductionOutcome::CannotJudge(m),
            }
        }
    };
    DeductionVerdict {
        tax_year,
        high_tech,
        outcome,
    }
}
