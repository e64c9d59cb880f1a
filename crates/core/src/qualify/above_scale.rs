//! 规模以上工业企业 (industrial enterprises above designated size): 国家统计局 definition (国统字〔2010〕87号),
//! judged on the fiscal year before the evaluation date.
//!
//! 2011 → : 年主营业务收入 2000万元及以上的工业法人单位 (inclusive); 2007–2010: 500万元; 工业 = GB/T 4754-2017
//! sections B, C, D. (1998–2006 also counted every state-owned unit; ownership is not in the profile, so those years
//! use the 500万 test and can only under-count.)

use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::check::{Check, Field, Missing};
use super::profile::EnterpriseProfile;

/// The 主营业务收入 threshold (万元) for a statistical year.
pub fn threshold_wan(year: i16) -> Decimal {
    if year >= 2011 { dec!(2000) } else { dec!(500) }
}

/// The verdict: pass / fail / cannot judge, with the year used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AboveScaleVerdict {
    pub data_year: i16,
    /// Sections B/C/D.
    pub industrial: Check,
    /// 主营业务收入 ≥ threshold.
    pub revenue: Check,
    pub outcome: Check,
}

/// Evaluates 规上工业 on `as_of` with the preceding fiscal year.
pub fn evaluate(p: &EnterpriseProfile, as_of: Date) -> AboveScaleVerdict {
    let data_year = as_of.year() - 1;
    let industrial = match p.industry {
        Some(code) => Check::from_bool(code.is_industrial()),
        None => Check::Unknown(Missing {
            year: None,
            field: Field::IndustryCode,
        }),
    };
    let revenue = match p.year(data_year).and_then(|y| y.main_business_revenue) {
        Some(r) => Check::from_bool(r >= threshold_wan(data_year)),
        None => Check::Unknown(Missing::of(data_year, Field::MainBusinessRevenue)),
    };
    AboveScaleVerdict {
        data_year,
        industrial,
        revenue,
        outcome: industrial.and(revenue),
    }
}
