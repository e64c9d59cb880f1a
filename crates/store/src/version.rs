//! The data version (数据版本): a value that changes whenever committed data change, read in one cheap query,
//! so that several server instances on one database can cache computed results (target statuses, the
//! cultivation pool) and still never serve a result older than the data a request could see.
//!
//! - **SQLite**: writers are serialised (`begin immediate`) and every write appends to `audit_event` in the
//!   same transaction, whose key is `autoincrement` (never reused). So `max(audit_event_id)` grows exactly in
//!   commit order: equal maxima mean equal committed data (the chain gives each event the next id under the
//!   head's lock, crate::chain). Events of accounts (`app_user`: sign-in, sign-out, failed log-ins, user changes;
//!   `api_token`; `login_throttle`), refused requests (`request`) and chain checks (`audit_chain`) are left out: nothing cached depends on them, and on a province-sized store
//!   every sign-in would otherwise throw away a status table that takes seconds to rebuild. The newest other
//!   event is found by walking the key downwards (`order by … desc limit 1`), which stops at once unless a long
//!   run of account events came last.
//! - **PostgreSQL**: identity values are handed out at insert time, and transactions may commit out of that
//!   order, so the maximum alone could miss a late commit of a lower id. The current MVCC snapshot
//!   (`pg_current_snapshot()`: xmin, xmax and the in-progress list) changes whenever any transaction with an
//!   xid starts or ends, and committed data can only change by such a transaction ending; so an unchanged
//!   snapshot text means unchanged committed data. It changes on more than data writes (session touches,
//!   throttling counters), which only costs a recomputation.

use crate::sql::{Stmt, get};
use crate::{Backend, Store, StoreError};

impl Store {
    /// The current data version: equal values mean no committed change in between, accounts aside (see the
    /// module doc).
    pub async fn data_version(&self) -> Result<String, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "select cast(coalesce((select audit_event_id from audit_event \
                 where entity not in ('app_user', 'api_token', 'login_throttle', 'request', 'audit_chain') \
                 order by audit_event_id desc limit 1), 0) as text) as v"
            }
            Backend::Postgres => "select cast(pg_current_snapshot() as text) as v",
        };
        let row = Stmt::new(sql).query(self.backend).fetch_one(&self.pool).await?;
        get(&row, "v")
    }
}
