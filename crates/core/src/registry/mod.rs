//! The registries (台账) as data: the record of each kind (enterprises and their yearly figures,
//! qualifications, contracts, talents, platforms, financing, fiscal support, achievements, observations, org
//! units), the vocabularies their coded fields take, and one field list per kind with one reader and one builder
//! — so that a file, a web form and the API accept and refuse exactly the same values, and every page, template
//! and export labels a field and a code the same way.

mod build;
mod code;
mod enterprise;
pub mod field;
mod ledger;
mod observation;
mod org;
pub mod parse;
pub mod spec;
pub mod vocab;

pub use build::{
    Built, ENTERPRISE_MASTER_KEYS, Problem, Row, build, build_enterprise_master, build_from_text, read_row,
    texts_of,
};
pub use code::{Code, UnknownCode};
pub use enterprise::{
    Enterprise, EnterpriseRecord, EnterpriseRecordKind, EnterpriseYear, EnterpriseYearRow, Qualification,
    QualificationKind,
};
pub use field::{Field, FieldType};
pub use ledger::{
    Achievement, AchievementKind, FiscalSupport, IpPledgeFinancing, Platform, PlatformKind, Talent,
    TechContract,
};
pub use observation::Observation;
pub use org::{Department, OrgUnit};
pub use parse::{Lookup, Value};
pub use spec::{Kind, UnknownKind};
pub use vocab::{Term, Vocabulary};

#[cfg(test)]
mod tests;
