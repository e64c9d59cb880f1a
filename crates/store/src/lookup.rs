//! Small lookups that imports need before they write: which of a file's USCCs name stored enterprises (a
//! qualification refers to its enterprise), and the codes of every stored org unit.

use std::collections::HashSet;

use crate::sql::{Stmt, get};
use crate::{Store, StoreError};

/// How many values one `in (…)` list binds (well under both engines' limits).
const CHUNK: usize = 1_000;

impl Store {
    /// Those of `usccs` that are stored enterprises.
    pub async fn known_usccs(&self, usccs: &[String]) -> Result<HashSet<String>, StoreError> {
        let mut out = HashSet::new();
        let mut conn = self.pool.acquire().await?;
        for part in usccs.chunks(CHUNK) {
            let mut st = Stmt::new("select uscc from enterprise where uscc in (");
            for (i, u) in part.iter().enumerate() {
                if i > 0 {
                    st.push(", ");
                }
                st.bind(u);
            }
            st.push(")");
            for r in st.query(self.backend()).fetch_all(&mut *conn).await? {
                out.insert(get::<String>(&r, "uscc")?);
            }
        }
        Ok(out)
    }

    /// The codes of every stored org unit (any validity).
    pub async fn org_unit_codes(&self) -> Result<HashSet<String>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let st = Stmt::new("select distinct code from org_unit");
        st.query(self.backend())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| get::<String>(r, "code"))
            .collect()
    }
}
