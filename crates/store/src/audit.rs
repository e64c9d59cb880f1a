//! The audit log (审计日志): append-only, one event per change, written by [`Tx`](crate::Tx) in the same
//! transaction as the change; and the import batches whose summary event stands for the rows they inserted.

use jiff::Timestamp;
use serde::Serialize;

use crate::record::{Page, UpsertCounts};
use crate::sql::{Stmt, get};
use crate::{Store, StoreError, Tx};

/// One audit event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    /// Sequence number (ascending in commit order per engine).
    pub id: i64,
    /// When the unit of work started.
    pub at: Timestamp,
    /// Who.
    pub actor: String,
    /// Client address, for web requests.
    pub ip: Option<String>,
    /// create | update | delete | import | login | logout | …
    pub action: String,
    /// Table / entity name.
    pub entity: String,
    /// Row id (or an import batch id, a user name …).
    pub entity_id: String,
    /// The row before (JSON), for update and delete.
    pub before: Option<serde_json::Value>,
    /// The row after (JSON), for create and update.
    pub after: Option<serde_json::Value>,
}

/// Which audit events to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only this entity (table).
    pub entity: Option<String>,
    /// Only this row.
    pub entity_id: Option<String>,
    /// Only this actor.
    pub actor: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// At or after.
    pub from: Option<Timestamp>,
    /// Before.
    pub until: Option<Timestamp>,
    /// Rows to skip (newest first).
    pub offset: i64,
    /// Page size (default 50, at most 1 000).
    pub limit: i64,
}

/// What an import did, recorded as one `import_batch` row and one audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Registry kind (`enterprises`, `contracts`, …).
    pub kind: String,
    /// The file's name as uploaded.
    pub file_name: Option<String>,
    /// Hex SHA-256 of the file.
    pub sha256: Option<String>,
    /// Data rows in the file.
    pub rows_total: u64,
    /// What the upserts did.
    pub counts: UpsertCounts,
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Tx {
    /// Record a finished import (inside the import's own unit of work): an `import_batch` row and an
    /// `import` audit event whose after-JSON holds the summary. Returns the batch id.
    pub async fn record_import(&mut self, summary: &ImportSummary) -> Result<i64, StoreError> {
        let now = self.now();
        let mut st = Stmt::new(
            "insert into import_batch (kind, file_name, sha256, actor, rows_total, inserted, updated, unchanged, created_at, updated_at) values (",
        );
        st.bind(&summary.kind)
            .push(", ")
            .bind(&summary.file_name)
            .push(", ")
            .bind(&summary.sha256);
        st.push(", ")
            .bind(self.actor().name.clone())
            .push(", ")
            .bind(to_i64(summary.rows_total));
        st.push(", ")
            .bind(to_i64(summary.counts.inserted))
            .push(", ")
            .bind(to_i64(summary.counts.updated));
        st.push(", ")
            .bind(to_i64(summary.counts.unchanged))
            .push(", ")
            .bind(now)
            .push(", ")
            .bind(now);
        st.push(") returning import_batch_id");
        let id: i64 = get(
            &st.query(self.backend()).fetch_one(self.conn()).await?,
            "import_batch_id",
        )?;
        let after = serde_json::to_value(summary).unwrap_or(serde_json::Value::Null);
        self.audit("import", "import_batch", &id.to_string(), None, Some(after))
            .await?;
        Ok(id)
    }
}

impl Store {
    /// Whether an import of `kind` (`demo`, `enterprises` …) was ever recorded.
    pub async fn has_import_of_kind(&self, kind: &str) -> Result<bool, StoreError> {
        let mut st = Stmt::new("select import_batch_id from import_batch where kind = ");
        st.bind(kind).push(" limit 1");
        Ok(st.query(self.backend).fetch_optional(&self.pool).await?.is_some())
    }

    /// Audit events, newest first.
    pub async fn audit_events(&self, q: &AuditQuery) -> Result<Page<AuditEvent>, StoreError> {
        let mut cond = Stmt::new("");
        let mut first = true;
        let mut and = |st: &mut Stmt| {
            st.push(if first { " where " } else { " and " });
            first = false;
        };
        for (col, v) in [
            ("entity", &q.entity),
            ("entity_id", &q.entity_id),
            ("actor", &q.actor),
            ("action", &q.action),
        ] {
            if let Some(v) = v {
                and(&mut cond);
                cond.push(col).push(" = ").bind(v);
            }
        }
        if let Some(from) = q.from {
            and(&mut cond);
            cond.push("created_at >= ").bind(from);
        }
        if let Some(until) = q.until {
            and(&mut cond);
            cond.push("created_at < ").bind(until);
        }
        let limit = if q.limit <= 0 { 50 } else { q.limit.min(1000) };
        let offset = q.offset.max(0);
        let mut conn = self.pool.acquire().await?;
        let mut count = Stmt::new("select count(*) as n from audit_event");
        count.push(&cond.sql);
        count.params.clone_from(&cond.params);
        let total: i64 = get(&count.query(self.backend()).fetch_one(&mut *conn).await?, "n")?;
        let mut st = Stmt::new(
            "select audit_event_id, created_at, actor, ip, action, entity, entity_id, before_json, after_json from audit_event",
        );
        st.push(&cond.sql);
        st.params = cond.params;
        st.push(" order by audit_event_id desc limit ")
            .bind(limit)
            .push(" offset ")
            .bind(offset);
        let rows = st.query(self.backend()).fetch_all(&mut *conn).await?;
        let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        let items = rows
            .iter()
            .map(|r| {
                Ok(AuditEvent {
                    id: get(r, "audit_event_id")?,
                    at: get(r, "created_at")?,
                    actor: get(r, "actor")?,
                    ip: get(r, "ip")?,
                    action: get(r, "action")?,
                    entity: get(r, "entity")?,
                    entity_id: get(r, "entity_id")?,
                    before: json(get(r, "before_json")?),
                    after: json(get(r, "after_json")?),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Page {
            items,
            total,
            offset,
            limit,
        })
    }
}
