//! Org units as registry rows (行政区划 / 园区: province → city → district → street) with validity ranges, so
//! that a boundary change adds a row and keeps the old tree for past periods; and departments (部门).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// An org unit version valid from `valid_from` to `valid_to` (inclusive; `None` = still valid) — 区划.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    /// 区划代码, e.g. `211102` (双台子区).
    pub code: String,
    /// Name, e.g. 双台子区.
    pub name: String,
    /// Parent's code; `None` for the root.
    pub parent_code: Option<String>,
    /// province | city | district | street | park (the codes of [`super::vocab::ORG_LEVELS`]).
    pub level: String,
    /// First day this version is valid.
    pub valid_from: Date,
    /// Last day this version is valid, `None` while current.
    pub valid_to: Option<Date>,
}

/// A department (部门): lead or co-department of tasks, owner of data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    /// The plan file's department id, e.g. `kjj`.
    pub code: String,
    /// Name, e.g. 区科技局.
    pub name: String,
    /// The org unit it belongs to.
    pub org_unit_code: Option<String>,
}
