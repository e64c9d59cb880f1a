//! The unit of work: one database transaction, the actor it acts for and the instant it started. Every write
//! method of the store lives on [`Tx`], and appends its audit event in the same transaction, so a change and
//! its audit record are committed or rolled back together.

use jiff::Timestamp;
use sqlx::{Any, AnyConnection, Transaction};

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
    /// Audit events queued for the chain, appended at commit (crate::chain).
    pub(crate) pending: Vec<crate::chain::Pending>,
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
            pending: Vec::new(),
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

    /// Make every write of this unit visible at once, its audit events appended to the chain first.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        self.flush_audit().await?;
        self.inner.commit().await?;
        Ok(())
    }

    /// Undo every write of this unit.
    pub async fn rollback(self) -> Result<(), StoreError> {
        self.inner.rollback().await?;
        Ok(())
    }

    /// Append an audit event (who = this unit's actor, when = its instant) to the chain, at commit. Store writes
    /// call this themselves; use cases call it for actions that are not row changes (log-in, report issued …).
    /// The JSON is stored in canonical form (crate::chain::canonical_json).
    pub async fn audit(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: &str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<(), StoreError> {
        self.pending.push(crate::chain::Pending {
            at_ms: self.now.as_millisecond(),
            actor: self.actor.name.clone(),
            ip: self.actor.ip.clone(),
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: entity_id.to_owned(),
            before: before.as_ref().map(crate::chain::canonical_json),
            after: after.as_ref().map(crate::chain::canonical_json),
        });
        if self.pending.len() > crate::chain::EARLY_FLUSH {
            self.flush_audit().await?;
        }
        Ok(())
    }
}
