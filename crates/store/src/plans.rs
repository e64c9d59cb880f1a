//! Stored plan files (计划文件), versioned: saving a plan adds a revision; the highest revision is current.
//! The store keeps the text as uploaded; parsing and validation are `core::plan`'s job.
//!
//! Several plans may be stored side by side (each under its own key). A plan drafted from a policy text is stored
//! with `draft` set (migration 5): it is kept, listed and downloadable, but never taken for the plan in force.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::record::{Stored, record, select_list, stored_from_row};
use crate::sql::{Stmt, get};
use crate::{Store, StoreError, Tx};

/// One revision of a plan file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFile {
    /// The plan's id, e.g. `shuangtaizi-2018-2020`.
    pub plan_key: String,
    /// 1, 2, … per plan.
    pub revision: i64,
    /// The file's text (TOML).
    pub content: String,
    /// Hex SHA-256 of `content`.
    pub sha256: String,
    /// Why this revision (修订说明).
    pub note: Option<String>,
    /// A draft (草稿) drafted from a policy text: stored and listed, never the plan in force.
    pub draft: bool,
}
record!(PlanFile, "plan_file", key(plan_key, revision), search(plan_key, note), order "plan_key, revision desc",
    { plan_key, revision, content, sha256, note, draft });

impl Tx {
    /// Save `content` as the next revision of `plan_key`, unless it equals the current revision's text
    /// (then the current revision is returned and nothing is written).
    pub async fn save_plan_file(
        &mut self,
        plan_key: &str,
        content: &str,
        note: Option<&str>,
    ) -> Result<Stored<PlanFile>, StoreError> {
        self.save_plan_revision(plan_key, content, note, false).await
    }

    /// Store `content` as a new draft plan under `plan_key`, which must not be taken by any stored plan (a draft
    /// never adds a revision to another plan, least of all to the plan in force).
    pub async fn save_draft_plan_file(
        &mut self,
        plan_key: &str,
        content: &str,
        note: Option<&str>,
    ) -> Result<Stored<PlanFile>, StoreError> {
        if self.plan_key_taken(plan_key).await? {
            return Err(StoreError::Conflict {
                kind: crate::error::ConflictKind::Duplicate,
                entity: "plan_file".into(),
            });
        }
        self.save_plan_revision(plan_key, content, note, true).await
    }

    /// Whether any revision of a plan is stored under `plan_key` (read inside the unit of work, so that the key a
    /// draft is given is checked in the same transaction that writes it).
    pub async fn plan_key_taken(&mut self, plan_key: &str) -> Result<bool, StoreError> {
        Ok(current_plan(self.conn(), plan_key).await?.is_some())
    }

    async fn save_plan_revision(
        &mut self,
        plan_key: &str,
        content: &str,
        note: Option<&str>,
        draft: bool,
    ) -> Result<Stored<PlanFile>, StoreError> {
        let current = current_plan(self.conn(), plan_key).await?;
        let sha256 = hex::encode(Sha256::digest(content.as_bytes()));
        if let Some(cur) = current.filter(|c| c.record.sha256 == sha256) {
            return Ok(cur);
        }
        let mut st = Stmt::new("select coalesce(max(revision), 0) as r from plan_file where plan_key = ");
        st.bind(plan_key);
        let last: i64 = get(&st.query(self.backend()).fetch_one(self.conn()).await?, "r")?;
        let file = PlanFile {
            plan_key: plan_key.to_owned(),
            revision: last + 1,
            content: content.to_owned(),
            sha256,
            note: note.map(str::to_owned),
            draft,
        };
        self.insert(&file).await
    }
}

async fn current_plan(
    conn: &mut sqlx::AnyConnection,
    plan_key: &str,
) -> Result<Option<Stored<PlanFile>>, StoreError> {
    let mut st = Stmt::new(select_list::<PlanFile>());
    st.push(" where plan_key = ")
        .bind(plan_key)
        .push(" order by revision desc limit 1");
    let row = st.query(crate::backend_of(conn)).fetch_optional(conn).await?;
    row.as_ref().map(stored_from_row::<PlanFile>).transpose()
}

impl Store {
    /// The current (highest) revision of a plan.
    pub async fn current_plan_file(&self, plan_key: &str) -> Result<Option<Stored<PlanFile>>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        current_plan(&mut conn, plan_key).await
    }

    /// The plans stored, each with its current revision.
    pub async fn plan_files(&self) -> Result<Vec<Stored<PlanFile>>, StoreError> {
        let st = Stmt::new(format!(
            "{} p where revision = (select max(revision) from plan_file q where q.plan_key = p.plan_key) order by plan_key",
            select_list::<PlanFile>()
        ));
        let mut conn = self.pool.acquire().await?;
        let rows = st.query(self.backend()).fetch_all(&mut *conn).await?;
        rows.iter().map(stored_from_row::<PlanFile>).collect()
    }
}
