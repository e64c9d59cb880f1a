//! The audit chain (审计链): every audit event carries the SHA-256 of the event before it (`prev_hash`) and of its
//! own canonical content, which includes `prev_hash` (`hash`). An event that is edited, deleted, inserted or
//! moved afterwards breaks the chain, and [`Store::verify_audit_chain`] names the first one. The format, what is
//! checked and the limits are in `docs/audit.md`; the idea is Certificate Transparency's (RFC 6962 §2.1), the
//! requirement GB/T 22239-2019 二级 7.1.4.3 c) (audit records protected from deletion, modification, overwriting).
//!
//! **Writing.** [`Tx::audit`] only queues an event; [`Tx::commit`] appends the queue under the chain's head row
//! (`audit_chain`, one row): on PostgreSQL `select … for update` makes concurrent writers wait for each other
//! there, and on SQLite every write transaction already holds the database's write lock (`begin immediate`).
//! Taking the head only at commit keeps the wait short and cannot deadlock with the row locks a transaction
//! took before (the head's holder only appends events and commits). Ids are given here, one above both the head
//! and the highest stored id, so id order is chain order on both engines. A transaction that queues more than
//! [`EARLY_FLUSH`] events (a bulk update that audits every row) appends them early, holding the head from then on.
//!
//! **Canonical content** (the same bytes on both engines): the compact JSON array
//! `["plantrack-audit-1", prev_hash, created_at, actor, ip, action, entity, entity_id, before_json, after_json]`
//! — `created_at` as integer Unix milliseconds, the JSON columns as the exact stored text (a JSON string) or
//! null. The stored before/after texts are themselves canonical JSON ([`canonical_json`]: keys sorted, no
//! whitespace), so the same change gives the same text, and the same hash, whichever engine stores it.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::sql::{Stmt, get};
use crate::{Actor, Backend, Store, StoreError, Tx};

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The first element of the canonical array: names this format, so a later one can never collide with it.
pub const FORMAT: &str = "plantrack-audit-1";

/// Queued events above this many are appended before the commit (bounding the memory of a huge transaction).
pub const EARLY_FLUSH: usize = 10_000;

/// The security actions written by the use cases, besides the row changes (`create`, `update`, `delete`,
/// `import`, `restore` …) the store writes itself: a small fixed vocabulary (docs/audit.md).
pub mod actions {
    /// A log-in with a wrong password, an unknown or a disabled user name (entity `app_user`, id = the name
    /// typed).
    pub const LOGIN_FAILED: &str = "login_failed";
    /// A log-in refused without checking the password because the name or the address is locked.
    pub const LOGIN_LOCKED: &str = "login_locked";
    /// A name or an address was locked (entity `login_throttle`, id = `user:NAME` or `ip:ADDR`).
    pub const LOCKOUT: &str = "lockout";
    /// A bearer token was refused: unknown, revoked, expired or of a disabled user (entity `api_token`).
    pub const TOKEN_REFUSED: &str = "token_refused";
    /// A state-changing request was refused: not signed in, not permitted, or a missing CSRF token (entity
    /// `request`, id = `METHOD /path`).
    pub const ACCESS_DENIED: &str = "access_denied";
    /// The chain was checked (entity `audit_chain`, id `1`): the result in the after-JSON.
    pub const CHAIN_CHECK: &str = "chain_check";
    /// Every action above.
    pub const ALL: [&str; 6] = [
        LOGIN_FAILED,
        LOGIN_LOCKED,
        LOCKOUT,
        TOKEN_REFUSED,
        ACCESS_DENIED,
        CHAIN_CHECK,
    ];
}

/// An event as the chain sees it: everything its hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainContent<'a> {
    /// The previous event's hash ([`GENESIS`] for the first).
    pub prev_hash: &'a str,
    /// `created_at`, Unix milliseconds.
    pub at_ms: i64,
    /// Who.
    pub actor: &'a str,
    /// Client address.
    pub ip: Option<&'a str>,
    /// Action.
    pub action: &'a str,
    /// Entity.
    pub entity: &'a str,
    /// Entity id.
    pub entity_id: &'a str,
    /// `before_json` exactly as stored.
    pub before: Option<&'a str>,
    /// `after_json` exactly as stored.
    pub after: Option<&'a str>,
}

impl ChainContent<'_> {
    /// The canonical text the hash is taken of (see the module doc).
    pub fn canonical(&self) -> String {
        let tuple = (
            FORMAT,
            self.prev_hash,
            self.at_ms,
            self.actor,
            self.ip,
            self.action,
            self.entity,
            self.entity_id,
            self.before,
            self.after,
        );
        // Serialising strings, integers and nulls cannot fail.
        serde_json::to_string(&tuple).unwrap_or_default()
    }

    /// Lower-case hex SHA-256 of [`ChainContent::canonical`].
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical().as_bytes()))
    }
}

/// JSON in canonical form: object keys sorted by code point, no insignificant whitespace, strings and numbers as
/// serde_json writes them. Independent of serde_json's `preserve_order` feature.
pub fn canonical_json(v: &serde_json::Value) -> String {
    fn write(v: &serde_json::Value, out: &mut String) {
        use serde_json::Value;
        match v {
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                out.push('{');
                for (i, (k, item)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(k).unwrap_or_default());
                    out.push(':');
                    write(item, out);
                }
                out.push('}');
            }
            scalar => out.push_str(&scalar.to_string()),
        }
    }
    let mut out = String::new();
    write(v, &mut out);
    out
}

/// An event queued by [`Tx::audit`], appended at commit.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub at_ms: i64,
    pub actor: String,
    pub ip: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The head row: the newest chained event and how far the events older than the chain reach.
#[derive(Debug, Clone)]
struct Head {
    id: i64,
    hash: String,
    legacy_until: i64,
}

const EVENT_COLUMNS: &str = "audit_event_id, created_at, actor, ip, action, entity, entity_id, before_json, after_json, prev_hash, hash";

/// One stored event with its chain columns.
#[derive(Debug, Clone)]
struct Row {
    id: i64,
    at_ms: i64,
    actor: String,
    ip: Option<String>,
    action: String,
    entity: String,
    entity_id: String,
    before: Option<String>,
    after: Option<String>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl Row {
    fn read(r: &sqlx::any::AnyRow) -> Result<Row, StoreError> {
        Ok(Row {
            id: get(r, "audit_event_id")?,
            at_ms: get(r, "created_at")?,
            actor: get(r, "actor")?,
            ip: get(r, "ip")?,
            action: get(r, "action")?,
            entity: get(r, "entity")?,
            entity_id: get(r, "entity_id")?,
            before: get(r, "before_json")?,
            after: get(r, "after_json")?,
            prev_hash: get(r, "prev_hash")?,
            hash: get(r, "hash")?,
        })
    }

    /// The hash of this row's content chained after `prev`.
    fn hash_after(&self, prev: &str) -> String {
        ChainContent {
            prev_hash: prev,
            at_ms: self.at_ms,
            actor: &self.actor,
            ip: self.ip.as_deref(),
            action: &self.action,
            entity: &self.entity,
            entity_id: &self.entity_id,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
        }
        .hash()
    }
}

impl Tx {
    /// The head row, locked until this transaction ends (PostgreSQL; SQLite's writer holds the database lock).
    /// A missing row (deleted by hand) is put back from the newest event, so that writing goes on; verify then
    /// still compares the chain event by event.
    async fn lock_head(&mut self) -> Result<Head, StoreError> {
        let mut st =
            Stmt::new("select head_id, head_hash, legacy_until from audit_chain where audit_chain_id = 1");
        if self.backend() == Backend::Postgres {
            st.push(" for update");
        }
        if let Some(r) = st.query(self.backend()).fetch_optional(self.conn()).await? {
            return Ok(Head {
                id: get(&r, "head_id")?,
                hash: get(&r, "head_hash")?,
                legacy_until: get(&r, "legacy_until")?,
            });
        }
        tracing::warn!("the audit chain's head row is missing; putting it back from the newest event");
        let newest =
            Stmt::new("select audit_event_id, hash from audit_event order by audit_event_id desc limit 1")
                .query(self.backend())
                .fetch_optional(self.conn())
                .await?;
        let (id, hash) = match newest {
            Some(r) => (
                get::<i64>(&r, "audit_event_id")?,
                get::<Option<String>>(&r, "hash")?.unwrap_or_else(|| GENESIS.to_owned()),
            ),
            None => (0, GENESIS.to_owned()),
        };
        let now = self.now();
        let mut ins = Stmt::new(
            "insert into audit_chain (audit_chain_id, head_id, head_hash, legacy_until, created_at, updated_at) values (1, ",
        );
        ins.bind(id)
            .push(", ")
            .bind(hash.as_str())
            .push(", 0, ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(")");
        ins.query(self.backend()).execute(self.conn()).await?;
        // Lock it like any other writer would.
        Box::pin(self.lock_head()).await
    }

    /// Append the queued events to the chain (called by [`Tx::commit`], and early by a large queue).
    pub(crate) async fn flush_audit(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let events = std::mem::take(&mut self.pending);
        let head = self.lock_head().await?;
        let max = Stmt::new("select max(audit_event_id) as m from audit_event")
            .query(self.backend())
            .fetch_one(self.conn())
            .await?;
        let max: Option<i64> = get(&max, "m")?;
        let mut id = head.id.max(max.unwrap_or(0));
        let mut prev = head.hash;
        // 11 values a row: 500 rows stay far below SQLite's 32,766 bound parameters.
        for chunk in events.chunks(500) {
            let mut st = Stmt::new(format!("insert into audit_event ({EVENT_COLUMNS}) values "));
            for (i, e) in chunk.iter().enumerate() {
                id += 1;
                let hash = ChainContent {
                    prev_hash: &prev,
                    at_ms: e.at_ms,
                    actor: &e.actor,
                    ip: e.ip.as_deref(),
                    action: &e.action,
                    entity: &e.entity,
                    entity_id: &e.entity_id,
                    before: e.before.as_deref(),
                    after: e.after.as_deref(),
                }
                .hash();
                st.push(if i == 0 { "(" } else { ", (" });
                st.bind(id).push(", ").bind(e.at_ms).push(", ");
                st.bind(e.actor.as_str()).push(", ").bind(e.ip.clone()).push(", ");
                st.bind(e.action.as_str())
                    .push(", ")
                    .bind(e.entity.as_str())
                    .push(", ");
                st.bind(e.entity_id.as_str())
                    .push(", ")
                    .bind(e.before.clone())
                    .push(", ");
                st.bind(e.after.clone()).push(", ").bind(prev.as_str()).push(", ");
                st.bind(hash.as_str()).push(")");
                prev = hash;
            }
            st.into_query(self.backend())
                .execute(self.conn())
                .await
                .map_err(|e| StoreError::from(e).on("audit_event"))?;
        }
        let mut st = Stmt::new("update audit_chain set head_id = ");
        st.bind(id).push(", head_hash = ").bind(prev.as_str());
        st.push(", updated_at = ")
            .bind(self.now())
            .push(" where audit_chain_id = 1");
        st.query(self.backend()).execute(self.conn()).await?;
        if self.backend() == Backend::Postgres {
            // The ids were given here; keep the identity ahead of them for anyone inserting without one.
            let mut st = Stmt::new("select setval(pg_get_serial_sequence('audit_event', 'audit_event_id'), ");
            st.bind(id).push(")");
            st.query(self.backend()).execute(self.conn()).await?;
        }
        Ok(())
    }
}

/// Chain the events that were stored before the chain existed (migration 6 counted them in `legacy_until`), in
/// id order from the genesis, once: on the first open after the migration. Returns how many were chained.
pub(crate) async fn chain_legacy(store: &Store) -> Result<u64, StoreError> {
    let probe = Stmt::new("select legacy_until from audit_chain where audit_chain_id = 1")
        .query(store.backend())
        .fetch_optional(store.pool())
        .await?;
    let pending: i64 = match probe {
        Some(r) => get(&r, "legacy_until")?,
        None => 0,
    };
    if pending <= 0 {
        return Ok(0);
    }
    let started = std::time::Instant::now();
    let mut tx = store.begin(Actor::system()).await?;
    // Re-read under the lock: another instance may have chained them meanwhile.
    let head = tx.lock_head().await?;
    if head.legacy_until <= 0 {
        return Ok(0);
    }
    if head.id != 0 {
        // Something was chained before the old events: leave them for verify to report rather than guess.
        tracing::error!(
            head = head.id,
            "audit chain: events older than the chain were found after it started; not chaining them"
        );
        return Ok(0);
    }
    let mut prev = head.hash;
    let mut last_id = 0_i64;
    let mut n = 0_u64;
    loop {
        let mut st = Stmt::new(format!(
            "select {EVENT_COLUMNS} from audit_event where audit_event_id > "
        ));
        st.bind(last_id)
            .push(" and audit_event_id <= ")
            .bind(head.legacy_until)
            .push(" order by audit_event_id limit 5000");
        let rows = st.query(tx.backend()).fetch_all(tx.conn()).await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let row = Row::read(r)?;
            let hash = row.hash_after(&prev);
            let mut up = Stmt::new("update audit_event set prev_hash = ");
            up.bind(prev.as_str())
                .push(", hash = ")
                .bind(hash.as_str())
                .push(" where audit_event_id = ")
                .bind(row.id);
            up.query(tx.backend()).execute(tx.conn()).await?;
            prev = hash;
            last_id = row.id;
            n += 1;
        }
    }
    let mut st = Stmt::new("update audit_chain set head_id = ");
    st.bind(last_id)
        .push(", head_hash = ")
        .bind(prev.as_str())
        .push(", legacy_until = 0, updated_at = ")
        .bind(tx.now())
        .push(" where audit_chain_id = 1");
    st.query(tx.backend()).execute(tx.conn()).await?;
    tx.commit().await?;
    tracing::info!(
        events = n,
        ms = started.elapsed().as_millis(),
        "audit chain: chained the events stored before it"
    );
    Ok(n)
}

/// How the chain is broken at an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// The event's content no longer matches its hash, or the event was rewritten with a recomputed hash (then the
    /// next event's link shows it).
    Edited,
    /// Events before this one are missing.
    Deleted,
    /// This event was not written by plantrack's chain (no hash, or it links to an event that links on past it).
    Inserted,
    /// This event's predecessor is another event than the one before it.
    Reordered,
    /// The newest events were deleted: the head records a newer event than the newest stored.
    Truncated,
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    /// The first event found broken (for [`BreakKind::Truncated`], the newest event left).
    pub id: i64,
    /// What happened to it.
    pub kind: BreakKind,
    /// The event it links to instead ([`BreakKind::Reordered`]), or the newest event the head records
    /// ([`BreakKind::Truncated`]), or the first missing id ([`BreakKind::Deleted`]).
    pub other: Option<i64>,
}

impl ChainBreak {
    /// What happened, in Chinese.
    pub fn message_zh(&self) -> String {
        let id = self.id;
        match (self.kind, self.other) {
            (BreakKind::Edited, _) => format!("审计事件 #{id} 被修改（内容与其哈希不符，或哈希被重新计算）"),
            (BreakKind::Deleted, Some(m)) => format!("审计事件 #{id} 之前的事件被删除（自 #{m} 起缺失）"),
            (BreakKind::Deleted, None) => format!("审计事件 #{id} 之前的事件被删除"),
            (BreakKind::Inserted, _) => format!("审计事件 #{id} 是插入的（不属于审计链）"),
            (BreakKind::Reordered, Some(j)) => {
                format!("审计事件 #{id} 的顺序被调换（它链接到事件 #{j} 之后）")
            }
            (BreakKind::Reordered, None) => format!("审计事件 #{id} 的顺序被调换"),
            (BreakKind::Truncated, Some(h)) => {
                format!("审计事件 #{id} 之后的事件被删除（链头记录的最新事件是 #{h}）")
            }
            (BreakKind::Truncated, None) => format!("审计事件 #{id} 之后的链头记录被改动"),
        }
    }

    /// What happened, in English.
    pub fn message_en(&self) -> String {
        let id = self.id;
        match (self.kind, self.other) {
            (BreakKind::Edited, _) => format!(
                "audit event #{id} was edited (its content does not match its hash, or its hash was recomputed)"
            ),
            (BreakKind::Deleted, Some(m)) => {
                format!("events before audit event #{id} were deleted (missing from #{m})")
            }
            (BreakKind::Deleted, None) => format!("events before audit event #{id} were deleted"),
            (BreakKind::Inserted, _) => {
                format!("audit event #{id} was inserted (it is not part of the chain)")
            }
            (BreakKind::Reordered, Some(j)) => {
                format!("audit event #{id} was reordered (it links after event #{j})")
            }
            (BreakKind::Reordered, None) => format!("audit event #{id} was reordered"),
            (BreakKind::Truncated, Some(h)) => {
                format!("events after audit event #{id} were deleted (the chain head records event #{h})")
            }
            (BreakKind::Truncated, None) => {
                format!("the chain head after audit event #{id} was altered")
            }
        }
    }
}

/// The result of [`Store::verify_audit_chain`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Events checked and found intact (up to the break, if any).
    pub verified: u64,
    /// The first event checked, if any.
    pub first_id: Option<i64>,
    /// The newest event found intact and its hash: recorded elsewhere, it lets a later check notice a chain
    /// rewritten from some point on (docs/audit.md, "Limits").
    pub head_id: Option<i64>,
    /// Its hash.
    pub head_hash: Option<String>,
    /// The first break, if any.
    pub broken: Option<ChainBreak>,
}

impl ChainReport {
    /// Whether the chain is intact.
    pub fn intact(&self) -> bool {
        self.broken.is_none()
    }
}

const VERIFY_PAGE: i64 = 5_000;

impl Store {
    /// Check the audit chain from event `from` (default: the first) to the newest, in one consistent snapshot:
    /// each event's hash against its content, each link against the event before, and the head row against the
    /// newest event. Stops at the first break. With `from`, the event before it is trusted.
    pub async fn verify_audit_chain(&self, from: Option<i64>) -> Result<ChainReport, StoreError> {
        // One snapshot: a deferred transaction reads one WAL snapshot on SQLite; REPEATABLE READ on PostgreSQL.
        let mut tx = match self.backend {
            Backend::Sqlite => self.pool.begin().await?,
            Backend::Postgres => {
                self.pool
                    .begin_with("begin isolation level repeatable read read only")
                    .await?
            }
        };
        let conn: &mut sqlx::AnyConnection = &mut tx;
        let backend = self.backend;
        let from = from.unwrap_or(i64::MIN);
        // The two events before the start: the link of the first checked event is compared with them.
        let mut st = Stmt::new("select audit_event_id, hash from audit_event where audit_event_id < ");
        st.bind(from).push(" order by audit_event_id desc limit 2");
        let before = st.query(backend).fetch_all(&mut *conn).await?;
        let mut recent: Vec<(i64, String)> = Vec::with_capacity(2);
        for r in before.iter().rev() {
            let hash: Option<String> = get(r, "hash")?;
            recent.push((get(r, "audit_event_id")?, hash.unwrap_or_default()));
        }
        let mut report = ChainReport {
            verified: 0,
            first_id: None,
            head_id: None,
            head_hash: None,
            broken: None,
        };
        let mut last_id = from.saturating_sub(1);
        'pages: loop {
            let mut st = Stmt::new(format!(
                "select {EVENT_COLUMNS} from audit_event where audit_event_id > "
            ));
            st.bind(last_id)
                .push(" order by audit_event_id limit ")
                .bind(VERIFY_PAGE);
            let rows = st.query(backend).fetch_all(&mut *conn).await?;
            for r in &rows {
                let row = Row::read(r)?;
                report.first_id.get_or_insert(row.id);
                if let Some(b) = check_row(&row, &recent, &mut *conn, backend).await? {
                    report.broken = Some(b);
                    break 'pages;
                }
                report.verified += 1;
                report.head_id = Some(row.id);
                report.head_hash.clone_from(&row.hash);
                if recent.len() == 2 {
                    recent.remove(0);
                }
                recent.push((row.id, row.hash.unwrap_or_default()));
                last_id = row.id;
            }
            if (rows.len() as i64) < VERIFY_PAGE {
                break;
            }
        }
        if report.broken.is_none() {
            report.broken = check_head(&recent, &mut *conn, backend).await?;
        }
        tx.rollback().await?;
        Ok(report)
    }
}

/// The first break at `row`, given the (up to two) events before it.
async fn check_row(
    row: &Row,
    recent: &[(i64, String)],
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
) -> Result<Option<ChainBreak>, StoreError> {
    let brk = |id: i64, kind: BreakKind, other: Option<i64>| Ok(Some(ChainBreak { id, kind, other }));
    let (Some(prev_hash), Some(hash)) = (&row.prev_hash, &row.hash) else {
        return brk(row.id, BreakKind::Inserted, None);
    };
    if row.hash_after(prev_hash) != *hash {
        return brk(row.id, BreakKind::Edited, None);
    }
    let last = recent.last();
    let expected = last.map_or(GENESIS, |(_, h)| h.as_str());
    if prev_hash == expected {
        return Ok(None);
    }
    // The link is wrong. The one before the last event links where this one does: the last was inserted.
    if recent.len() == 2 && *prev_hash == recent[0].1 {
        return brk(recent[1].0, BreakKind::Inserted, None);
    }
    // The next event links to the last one: this one was inserted.
    let mut st = Stmt::new("select prev_hash from audit_event where audit_event_id > ");
    st.bind(row.id).push(" order by audit_event_id limit 1");
    if let Some(next) = st.query(backend).fetch_optional(&mut *conn).await?
        && get::<Option<String>>(&next, "prev_hash")?.as_deref() == Some(expected)
    {
        return brk(row.id, BreakKind::Inserted, None);
    }
    // It links to an event elsewhere: moved.
    let mut st = Stmt::new("select audit_event_id from audit_event where hash = ");
    st.bind(prev_hash.as_str())
        .push(" and audit_event_id <> ")
        .bind(row.id)
        .push(" limit 1");
    if let Some(other) = st.query(backend).fetch_optional(&mut *conn).await? {
        return brk(row.id, BreakKind::Reordered, Some(get(&other, "audit_event_id")?));
    }
    match last {
        // Ids are given one after the other; a gap is where events were deleted.
        Some((last_id, _)) if row.id - last_id > 1 => brk(row.id, BreakKind::Deleted, Some(last_id + 1)),
        // No gap: the event before was rewritten and re-hashed so that its own hash fits again.
        Some((last_id, _)) => brk(*last_id, BreakKind::Edited, None),
        None => brk(row.id, BreakKind::Deleted, None),
    }
}

/// Compare the head row with the newest event checked.
async fn check_head(
    recent: &[(i64, String)],
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
) -> Result<Option<ChainBreak>, StoreError> {
    let row = Stmt::new("select head_id, head_hash from audit_chain where audit_chain_id = 1")
        .query(backend)
        .fetch_optional(&mut *conn)
        .await?;
    let (last_id, last_hash) = recent.last().map_or((0, GENESIS), |(id, h)| (*id, h.as_str()));
    let Some(row) = row else {
        return Ok(Some(ChainBreak {
            id: last_id,
            kind: BreakKind::Truncated,
            other: None,
        }));
    };
    let head_id: i64 = get(&row, "head_id")?;
    let head_hash: String = get(&row, "head_hash")?;
    if head_id == last_id && head_hash == last_hash {
        return Ok(None);
    }
    Ok(Some(match head_id.cmp(&last_id) {
        std::cmp::Ordering::Greater => ChainBreak {
            id: last_id,
            kind: BreakKind::Truncated,
            other: Some(head_id),
        },
        // Newer events than the head: appended past the chain's writer.
        std::cmp::Ordering::Less => {
            let mut st = Stmt::new("select audit_event_id from audit_event where audit_event_id > ");
            st.bind(head_id).push(" order by audit_event_id limit 1");
            let first = st.query(backend).fetch_optional(&mut *conn).await?;
            ChainBreak {
                id: match first {
                    Some(r) => get(&r, "audit_event_id")?,
                    None => last_id,
                },
                kind: BreakKind::Inserted,
                other: None,
            }
        }
        std::cmp::Ordering::Equal => ChainBreak {
            id: last_id,
            kind: BreakKind::Edited,
            other: None,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_form_is_fixed() {
        // A fixed vector: if this changes, every stored chain stops verifying (docs/audit.md).
        let c = ChainContent {
            prev_hash: GENESIS,
            at_ms: 1_700_000_000_123,
            actor: "张三",
            ip: Some("10.0.0.1"),
            action: "update",
            entity: "talent",
            entity_id: "7",
            before: Some(r#"{"a":1}"#),
            after: None,
        };
        assert_eq!(
            c.canonical(),
            r#"["plantrack-audit-1","0000000000000000000000000000000000000000000000000000000000000000",1700000000123,"张三","10.0.0.1","update","talent","7","{\"a\":1}",null]"#
        );
        assert_eq!(c.hash(), hex::encode(Sha256::digest(c.canonical().as_bytes())));
        assert_eq!(c.hash().len(), 64);
        let other = ChainContent {
            actor: "admin",
            ..c.clone()
        };
        assert_ne!(c.hash(), other.hash());
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_level_and_drops_whitespace() {
        let v: serde_json::Value =
            serde_json::from_str(r#"{ "b": [ {"z": 1, "a": "x\ny"} ], "a": null, "中": 1.5 }"#).unwrap();
        assert_eq!(
            canonical_json(&v),
            r#"{"a":null,"b":[{"a":"x\ny","z":1}],"中":1.5}"#
        );
    }
}
