//! Enterprise qualification (企业资格认定): judges an enterprise profile against the national rules that the
//! plan's targets count — 科技型中小企业, 高新技术企业, 规模以上工业企业, 研发费用加计扣除 — explains every
//! verdict condition by condition, and says what a failing enterprise lacks (培育).
//!
//! Layout: [`uscc`] (统一社会信用代码), [`industry`] (GB/T 4754 sections), [`input`] (the wire JSON) →
//! [`profile`] (checked, typed profile; parsing is separate from judging) → the rules ([`tech_sme`],
//! [`high_tech`], [`above_scale`], [`deduction`], adjustable parts in [`rules`]) → [`evaluate`] (a `Copy` verdict,
//! no heap) → [`explain`] (conditions in Chinese and English, the JSON [`output`]) and [`gap`] (the smallest
//! changes that qualify, and the 培育库 ranking). Pure: no IO, exact decimals only. Rules follow the evaluation date.

pub mod above_scale;
pub mod check;
pub mod deduction;
pub mod explain;
pub mod gap;
pub mod high_tech;
pub mod industry;
pub mod input;
pub mod output;
pub mod profile;
pub mod rules;
pub mod tech_sme;
pub mod uscc;

#[cfg(test)]
mod tests;

use jiff::civil::Date;

pub use above_scale::AboveScaleVerdict;
pub use check::{Check, Field, Missing, Points};
pub use deduction::{DeductionOutcome, DeductionVerdict, EnterpriseKinds};
pub use explain::report;
pub use gap::{Candidate, Change, ChangeKind, GapOption, Gaps, Programme, apply_gap, cultivation_pool, gaps};
pub use high_tech::{HighTechOutcome, HighTechVerdict, InnovationScore};
pub use industry::{IndustryCode, IndustryCodeError};
pub use input::{EnterpriseInput, Num, YearInput};
pub use output::EvaluationReport;
pub use profile::{
    Certificate, CertificateKind, EnterpriseProfile, ExpertScores, FiscalYear, HighTechField, Incident,
    IncidentKind, IpHoldings, MonthlyHeadcounts, NationalAward, ProfileError, ProfileErrors, RdInstitution,
    RdInstitutionLevel, Reason, StandardLed, StandardLevel, parse_profiles_json,
};
pub use rules::{DeductionRule, DeductionScope, GapCosts, Rules};
pub use tech_sme::{DirectRoute, TechSmeOutcome, TechSmeRoute, TechSmeVerdict, TechSmeWording};
pub use uscc::{Uscc, UsccError, UsccWarning};

/// All verdicts for one enterprise on one date. `Copy`, built without touching the heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evaluation {
    pub uscc: Uscc,
    /// Evaluation date; for 高企 the application date.
    pub as_of: Date,
    pub tech_sme: TechSmeVerdict,
    pub high_tech: HighTechVerdict,
    pub above_scale: AboveScaleVerdict,
    pub rd_deduction: DeductionVerdict,
}

/// Judges one enterprise on `as_of` under `rules` (use `Rules::default()` for criteria.md as written).
pub fn evaluate(p: &EnterpriseProfile, as_of: Date, rules: &Rules) -> Evaluation {
    let tech_sme = tech_sme::evaluate(p, as_of, rules);
    let high_tech = high_tech::evaluate(p, as_of, rules);
    let above_scale = above_scale::evaluate(p, as_of);
    let rd_deduction = deduction::evaluate(p, as_of, rules, || {
        // 科小 in the tax year T: 入库 during T (evaluated on T−1 figures), or a 登记编号 issued in T.
        let t = as_of.year() - 1;
        if p.certificates
            .iter()
            .any(|c| c.kind == CertificateKind::TechSme && c.issued_on.year() == t)
        {
            return Ok(true);
        }
        match tech_sme::evaluate(p, Date::constant(t, 12, 31), rules).outcome {
            TechSmeOutcome::Qualified(_) => Ok(true),
            TechSmeOutcome::NotQualified => Ok(false),
            TechSmeOutcome::CannotJudge(m) => Err(m),
        }
    });
    Evaluation {
        uscc: p.uscc,
        as_of,
        tech_sme,
        high_tech,
        above_scale,
        rd_deduction,
    }
}
