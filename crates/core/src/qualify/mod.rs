//! Enterprise qualification (企业资格认定): judges an enterprise profile against the national rules that the
//! plan's targets count — 科技型中小企业, 高新技术企业, 规模以上工业企业, 研发费用加计扣除 — explains every
//! verdict condition by condition, and says what a failing enterprise lacks (培育).
//!
//! Layout: [`uscc`] (统一社会信用代码), [`industry`] (GB/T 4754 sections), [`input`] (the wire JSON) →
//! [`profile`] (checked, typed profile; parsing is separate from judging) → the rules → [`output`] (the JSON
//! report of `plantrack evaluate`). Pure: no IO, exact decimals only. Rules are chosen by the evaluation date.

pub mod industry;
pub mod input;
pub mod output;
pub mod profile;
pub mod uscc;

pub use industry::{IndustryCode, IndustryCodeError};
pub use input::{EnterpriseInput, Num, YearInput};
pub use profile::{
    Certificate, CertificateKind, EnterpriseProfile, ExpertScores, FiscalYear, HighTechField, Incident,
    IncidentKind, IpHoldings, NationalAward, ProfileError, ProfileErrors, RdInstitution, RdInstitutionLevel,
    Reason, StandardLed, StandardLevel, parse_profiles_json,
};
pub use uscc::{Uscc, UsccError, UsccWarning};
