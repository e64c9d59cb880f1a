//! Org units (行政区划 / 园区: province → city → district → street) with validity ranges, so that a boundary
//! change adds a row and keeps the old tree for past periods; and departments (部门).

use jiff::civil::Date;

use crate::record::{Stored, record};
use crate::sql::{Stmt, ToParam};
use crate::{Store, StoreError};

pub use plantrack_core::registry::{Department, OrgUnit};

record!(OrgUnit, "org_unit", key(code, valid_from), search(code, name), order "code, valid_from",
    { code, name, parent_code, level, valid_from, valid_to });

record!(Department, "department", key(code), search(code, name), order "code",
    { code, name, org_unit_code });

impl Store {
    /// Org units valid on `on` (one version per code).
    pub async fn org_units_on(&self, on: Date) -> Result<Vec<Stored<OrgUnit>>, StoreError> {
        let mut st = Stmt::new(crate::record::select_list::<OrgUnit>());
        st.push(" where valid_from <= ").bind(on);
        st.push(" and (valid_to is null or valid_to >= ")
            .bind(on)
            .push(") order by code");
        let mut conn = self.pool.acquire().await?;
        let rows = st.query(self.backend()).fetch_all(&mut *conn).await?;
        rows.iter()
            .map(crate::record::stored_from_row::<OrgUnit>)
            .collect()
    }

    /// The org unit `code` as valid on `on`.
    pub async fn org_unit_on(&self, code: &str, on: Date) -> Result<Option<Stored<OrgUnit>>, StoreError> {
        let mut st = Stmt::new(crate::record::select_list::<OrgUnit>());
        st.push(" where code = ")
            .bind(code)
            .push(" and valid_from <= ")
            .bind(on);
        st.push(" and (valid_to is null or valid_to >= ")
            .bind(on)
            .push(")");
        let mut conn = self.pool.acquire().await?;
        let row = st.query(self.backend()).fetch_optional(&mut *conn).await?;
        row.as_ref()
            .map(crate::record::stored_from_row::<OrgUnit>)
            .transpose()
    }

    /// Codes of `root` and every org unit below it, in the tree valid on `on`.
    pub async fn org_subtree_codes(&self, root: &str, on: Date) -> Result<Vec<String>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let st = subtree_cte(root, on, "select code from subtree order by code");
        let rows = st.query(self.backend()).fetch_all(&mut *conn).await?;
        rows.iter()
            .map(|r| crate::sql::get::<String>(r, "code"))
            .collect()
    }
}

/// `with recursive subtree(code) as (…) <tail>`: `root` and its descendants valid on `on`. The tail selects
/// from `subtree`. Placeholders $1 (root), $2 (on) are bound here.
pub(crate) fn subtree_cte(root: &str, on: Date, tail: &str) -> Stmt {
    let mut st = Stmt::new("with recursive subtree(code) as (select ");
    st.bind(root);
    st.push(" union select o.code from org_unit o join subtree s on o.parent_code = s.code where o.valid_from <= ");
    st.bind(on.to_param());
    st.push(" and (o.valid_to is null or o.valid_to >= $2)) ")
        .push(tail);
    st
}
