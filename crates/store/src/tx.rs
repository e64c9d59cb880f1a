//! The unit of work: one database transaction, the actor it acts for and the instant it started. Every write
//! method of the store lives on [`Tx`], and appends its audit event in the same transaction, so a change and
//! its audit record are committed or rolled back together.

use jiff::Timestamp;
use sqlx::{Any, AnyConnection, Transaction};

use crate::sql::Stmt;
use crate::{Backend, StoreError};

/// Who acts: a user name (or `system`, `import`, `demo`) and, for web requests, the client address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// User name or a system actor's name.
    pub name: String,
    /// Client IP address, when known.
    pub ip: Option<String>,
}

impl Actor {
    /// A named user.
    pub fn user(name: impl Into<String>) -> Actor {
        Actor {
            name: name.into(),
            ip: None,
        }
    }

    /// The system itself (migrations, demo data, maintenance).
    pub fn system() -> Actor {
        Actor::user("system")
    }

    /// With the client's address.
    pub fn with_ip(mut self, ip: impl Into<String>) -> Actor {
        self.ip = Some(ip.into());
        self
    }
}

/// A unit of work. Commit with [`Tx::commit`]; dropping it rolls back.
pub struct Tx {
    inner: Transaction<'static, Any>,
    actor: Actor,
    now: Timestamp,
    backend: Backend,
    /// Tables that were empty when this transaction's bulk import first wrote to them, with a hash of every
    /// natural key imported since: a key whose hash is absent is certainly new, so only the others are looked
    /// up (a first import of a million rows then makes no lookups). Cleared by any other write to a record.
    pub(crate) fresh: std::collections::HashMap<&'static str, std::collections::HashSet<u64>>,
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("actor", &self.actor)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

impl Tx {
    pub(crate) fn new(inner: Transaction<'static, Any>, actor: Actor, backend: Backend) -> Tx {
        // Millisecond precision: instants are stored as unix milliseconds.
        let now =
            Timestamp::from_millisecond(Timestamp::now().as_millisecond()).unwrap_or(Timestamp::UNIX_EPOCH);
        Tx {
            inner,
            actor,
            now,
            backend,
            fresh: std::collections::HashMap::new(),
        }
    }

    /// The instant this unit of work started; every row it writes carries it.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Override the unit's instant (tests, demo data, replaying history).
    pub fn set_now(&mut self, now: Timestamp) {
        self.now = Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now);
    }

    /// Who acts.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The engine.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }

    /// Make every write of this unit visible at once.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.inner.commit().await?;
        Ok(())
    }

    /// Undo every write of this unit.
    pub async fn rollback(self) -> Result<(), StoreError> {
        self.inner.rollback().await?;
        Ok(())
    }

    /// Append an audit event (who = this unit's actor, when = its instant). Store writes call this
    /// themselves; use cases call it for actions that are not row changes (log-in, report issued …).
    pub async fn audit(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: &str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<(), StoreError> {
        let mut st = Stmt::new(
            "insert into audit_event (created_at, actor, ip, action, entity, entity_id, before_json, after_json) values (",
        );
        st.bind(self.now)
            .push(", ")
            .bind(&self.actor.name)
            .push(", ")
            .bind(&self.actor.ip);
        st.push(", ")
            .bind(action)
            .push(", ")
            .bind(entity)
            .push(", ")
            .bind(entity_id);
        st.push(", ").bind(before.map(|v| v.to_string()));
        st.push(", ").bind(after.map(|v| v.to_string())).push(")");
        st.query(self.backend()).execute(self.conn()).await?;
        Ok(())
    }
}
