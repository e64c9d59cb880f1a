//! Generic persistence for every editable registry row: one `Record` trait (table, columns, natural key) and
//! the operations all registries share — get, get by natural key, list with search and paging, create,
//! update and delete with the optimistic version check, and the batched upsert used by imports.
//!
//! Every write goes through [`Tx`], which appends the audit event in the same transaction.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use plantrack_sqlite_rows::PackedRows;

use crate::sql::{Param, Stmt, ToParam, get, pack_param};
use crate::{Backend, StoreError, Tx};

/// A row type stored in one table with an `<table>_id` key, a `version` column, `created_at`/`updated_at`
/// and a natural key. Implemented with the `record!` macro; column names are the field names.
pub trait Record: Serialize + Clone + PartialEq + Send + Sync + Sized + 'static {
    /// Table name, also the audit log's entity name.
    const ENTITY: &'static str;
    /// Primary key column (`<table>_id`).
    const ID: &'static str;
    /// Data columns, in the order of [`Record::values`].
    const COLUMNS: &'static [&'static str];
    /// Natural key columns (a unique index in both schemas).
    const KEY: &'static [&'static str];
    /// Columns a free-text search looks into.
    const SEARCH: &'static [&'static str];
    /// Default listing order (SQL, constant).
    const ORDER: &'static str;

    /// Data column values, in the order of [`Record::COLUMNS`].
    fn values(&self) -> Vec<Param>;

    /// Append the data column values, in the order of [`Record::COLUMNS`], to rows packed for SQLite's bulk
    /// path: the same values as [`Record::values`], without a `Param` per value.
    fn pack(&self, out: &mut PackedRows) {
        for v in self.values() {
            pack_param(&v, out);
        }
    }

    /// Read the data columns of a row.
    fn from_row(row: &AnyRow) -> Result<Self, StoreError>;

    /// Invariants the store itself guards (callers validate input fully before).
    fn check(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// What the audit log records of this row (users override it to leave out the password hash).
    fn audit_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// In a bulk upsert, whether this incoming row may replace `existing` (enterprise master data only
    /// replaces master data taken from an older annual report).
    fn supersedes(&self, _existing: &Self) -> bool {
        true
    }

    /// The natural key's values.
    fn key(&self) -> Vec<Param> {
        let values = self.values();
        Self::KEY
            .iter()
            .filter_map(|k| Self::COLUMNS.iter().position(|c| c == k))
            .filter_map(|i| values.get(i).cloned())
            .collect()
    }
}

/// Implement [`Record`] for a struct whose field names are its column names.
macro_rules! record {
    ($ty:ident, $table:literal, key($($key:ident),+), search($($search:ident),*), order $order:literal,
     { $($field:ident),+ $(,)? } $(, $($extra:item)*)?) => {
        impl $crate::record::Record for $ty {
            const ENTITY: &'static str = $table;
            const ID: &'static str = concat!($table, "_id");
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),+];
            const KEY: &'static [&'static str] = &[$(stringify!($key)),+];
            const SEARCH: &'static [&'static str] = &[$(stringify!($search)),*];
            const ORDER: &'static str = $order;

            fn values(&self) -> Vec<$crate::sql::Param> {
                vec![$($crate::sql::ToParam::to_param(&self.$field)),+]
            }

            fn pack(&self, out: &mut plantrack_sqlite_rows::PackedRows) {
                $($crate::sql::ToParam::pack(&self.$field, out);)+
            }

            fn key(&self) -> Vec<$crate::sql::Param> {
                vec![$($crate::sql::ToParam::to_param(&self.$key)),+]
            }

            fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, $crate::StoreError> {
                Ok($ty { $($field: $crate::sql::FromColumn::from_column(row, stringify!($field))
                    .map_err(|e| e.on($table))?),+ })
            }

            $($($extra)*)?
        }

        // Bulk writes on SQLite carry a row in one packed value per column (plantrack_rows: at most 64).
        const _: () = assert!(
            <$ty as $crate::record::Record>::COLUMNS.len() <= plantrack_sqlite_rows::MAX_COLUMNS,
            "too many columns for plantrack_rows"
        );
    };
}
pub(crate) use record;

/// A stored row: its id, version and timestamps beside the record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stored<T> {
    /// Primary key.
    pub id: i64,
    /// Optimistic-concurrency version, 1 on insert, +1 on every change.
    pub version: i64,
    /// When inserted.
    pub created_at: Timestamp,
    /// When last changed.
    pub updated_at: Timestamp,
    /// The data.
    #[serde(flatten)]
    pub record: T,
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Rows matching the query in total.
    pub total: i64,
    /// Rows skipped.
    pub offset: i64,
    /// Page size asked for.
    pub limit: i64,
}

/// A condition on one column in a listing.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `column = value`
    Eq(&'static str, Param),
    /// `column >= value` (dates and codes compare as text)
    Ge(&'static str, Param),
    /// `column <= value`
    Le(&'static str, Param),
    /// `column IS NULL`
    IsNull(&'static str),
}

impl Filter {
    fn column(&self) -> &'static str {
        match self {
            Filter::Eq(c, _) | Filter::Ge(c, _) | Filter::Le(c, _) | Filter::IsNull(c) => c,
        }
    }
}

/// A listing request: free-text search, column filters, paging.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    /// Case-insensitive substring looked for in the record's search columns.
    pub search: Option<String>,
    /// Column conditions, all of which must hold.
    pub filters: Vec<Filter>,
    /// Rows to skip.
    pub offset: i64,
    /// Page size (at most 10 000).
    pub limit: i64,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            search: None,
            filters: Vec::new(),
            offset: 0,
            limit: 50,
        }
    }
}

impl ListQuery {
    /// Everything (paged by 10 000 at most).
    pub fn all() -> Self {
        ListQuery {
            limit: MAX_PAGE,
            ..ListQuery::default()
        }
    }

    /// Add `column = value`.
    pub fn eq(mut self, column: &'static str, value: impl ToParam) -> Self {
        self.filters.push(Filter::Eq(column, value.to_param()));
        self
    }

    /// Set the search text.
    pub fn search(mut self, text: impl Into<String>) -> Self {
        self.search = Some(text.into());
        self
    }

    /// Set the page.
    pub fn page(mut self, offset: i64, limit: i64) -> Self {
        self.offset = offset;
        self.limit = limit;
        self
    }
}

const MAX_PAGE: i64 = 10_000;

/// Counts of a bulk upsert.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UpsertCounts {
    /// New rows.
    pub inserted: u64,
    /// Existing rows whose data changed.
    pub updated: u64,
    /// Existing rows identical to the incoming ones (nothing written, nothing audited).
    pub unchanged: u64,
}

impl std::ops::AddAssign for UpsertCounts {
    fn add_assign(&mut self, rhs: Self) {
        self.inserted += rhs.inserted;
        self.updated += rhs.updated;
        self.unchanged += rhs.unchanged;
    }
}

pub(crate) fn select_list<T: Record>() -> String {
    format!(
        "select {id}, version, created_at, updated_at, {cols} from {table}",
        id = T::ID,
        cols = T::COLUMNS.join(", "),
        table = T::ENTITY
    )
}

pub(crate) fn stored_from_row<T: Record>(row: &AnyRow) -> Result<Stored<T>, StoreError> {
    Ok(Stored {
        id: get(row, T::ID)?,
        version: get(row, "version")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
        record: T::from_row(row)?,
    })
}

pub(crate) async fn fetch_by_id<T: Record>(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<Stored<T>>, StoreError> {
    let mut st = Stmt::new(select_list::<T>());
    st.push(&format!(" where {} = ", T::ID)).bind(id);
    let row = st.query(crate::backend_of(conn)).fetch_optional(conn).await?;
    row.as_ref().map(stored_from_row::<T>).transpose()
}

fn key_condition<T: Record>(st: &mut Stmt, key: &[Param]) -> Result<(), StoreError> {
    if key.len() != T::KEY.len() {
        return Err(StoreError::invalid(
            T::ENTITY,
            "key",
            format!(
                "自然键应有 {} 个值 / natural key needs {} values",
                T::KEY.len(),
                T::KEY.len()
            ),
        ));
    }
    for (i, (col, v)) in T::KEY.iter().zip(key).enumerate() {
        st.push(if i == 0 { " where " } else { " and " });
        st.push(col).push(" = ").bind_param(v.clone());
    }
    Ok(())
}

pub(crate) async fn fetch_by_key<T: Record>(
    conn: &mut AnyConnection,
    key: &[Param],
) -> Result<Option<Stored<T>>, StoreError> {
    let mut st = Stmt::new(select_list::<T>());
    key_condition::<T>(&mut st, key)?;
    let row = st.query(crate::backend_of(conn)).fetch_optional(conn).await?;
    row.as_ref().map(stored_from_row::<T>).transpose()
}

/// Escape `%`, `_` and `\` for a LIKE pattern with `escape '\'`.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

fn where_clause<T: Record>(st: &mut Stmt, q: &ListQuery) -> Result<(), StoreError> {
    let mut first = true;
    let mut and = |st: &mut Stmt| {
        st.push(if first { " where " } else { " and " });
        first = false;
    };
    for f in &q.filters {
        let col = f.column();
        if !T::COLUMNS.contains(&col) && col != T::ID {
            return Err(StoreError::invalid(
                T::ENTITY,
                col,
                "不能按此列筛选 / cannot filter on this column",
            ));
        }
        and(st);
        match f {
            Filter::Eq(c, v) => st.push(c).push(" = ").bind_param(v.clone()),
            Filter::Ge(c, v) => st.push(c).push(" >= ").bind_param(v.clone()),
            Filter::Le(c, v) => st.push(c).push(" <= ").bind_param(v.clone()),
            Filter::IsNull(c) => st.push(c).push(" is null"),
        };
    }
    if let Some(text) = q.search.as_deref().filter(|s| !s.trim().is_empty())
        && !T::SEARCH.is_empty()
    {
        and(st);
        let pattern = like_pattern(text.trim());
        st.push("(");
        for (i, col) in T::SEARCH.iter().enumerate() {
            if i > 0 {
                st.push(" or ");
            }
            // lower() on both sides: LIKE is case-insensitive on SQLite, case-sensitive on PostgreSQL.
            st.push("lower(")
                .push(col)
                .push(") like ")
                .bind(&pattern)
                .push(" escape '\\'");
        }
        st.push(")");
    }
    Ok(())
}

pub(crate) async fn list<T: Record>(
    conn: &mut AnyConnection,
    q: &ListQuery,
) -> Result<Page<Stored<T>>, StoreError> {
    let limit = q.limit.clamp(1, MAX_PAGE);
    let offset = q.offset.max(0);
    let mut count = Stmt::new(format!("select count(*) as n from {}", T::ENTITY));
    where_clause::<T>(&mut count, q)?;
    let total: i64 = get(
        &count.query(crate::backend_of(conn)).fetch_one(&mut *conn).await?,
        "n",
    )?;
    let mut st = Stmt::new(select_list::<T>());
    where_clause::<T>(&mut st, q)?;
    st.push(&format!(" order by {}, {} ", T::ORDER, T::ID));
    st.push("limit ").bind(limit).push(" offset ").bind(offset);
    let rows = st.query(crate::backend_of(conn)).fetch_all(conn).await?;
    let items = rows.iter().map(stored_from_row::<T>).collect::<Result<_, _>>()?;
    Ok(Page {
        items,
        total,
        offset,
        limit,
    })
}

fn key_text(key: &[Param]) -> String {
    let parts: Vec<String> = key
        .iter()
        .map(|p| match p.to_json() {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        })
        .collect();
    parts.join("/")
}

impl Tx {
    /// Insert a new row (version 1) and audit it.
    pub async fn insert<T: Record>(&mut self, record: &T) -> Result<Stored<T>, StoreError> {
        record.check()?;
        self.fresh.clear();
        let now = self.now();
        let mut st = Stmt::new(format!(
            "insert into {} ({}, version, created_at, updated_at) values (",
            T::ENTITY,
            T::COLUMNS.join(", ")
        ));
        for (i, v) in record.values().into_iter().enumerate() {
            if i > 0 {
                st.push(", ");
            }
            st.bind_param(v);
        }
        st.push(", 1, ").bind(now).push(", ").bind(now);
        st.push(&format!(") returning {}", T::ID));
        let row = st
            .query(self.backend())
            .fetch_one(self.conn())
            .await
            .map_err(|e| StoreError::from(e).on(T::ENTITY))?;
        let id: i64 = get(&row, T::ID)?;
        self.audit(
            "create",
            T::ENTITY,
            &id.to_string(),
            None,
            Some(record.audit_json()),
        )
        .await?;
        Ok(Stored {
            id,
            version: 1,
            created_at: now,
            updated_at: now,
            record: record.clone(),
        })
    }

    /// Replace row `id`'s data if it is still at `expected_version`; otherwise `StaleVersion`.
    /// Writing identical data changes nothing and audits nothing.
    pub async fn update<T: Record>(
        &mut self,
        id: i64,
        expected_version: i64,
        record: &T,
    ) -> Result<Stored<T>, StoreError> {
        record.check()?;
        self.fresh.clear();
        let before = self.current::<T>(id, expected_version).await?;
        if before.record == *record {
            return Ok(before);
        }
        let now = self.now();
        let mut st = Stmt::new(format!("update {} set ", T::ENTITY));
        for (i, (col, v)) in T::COLUMNS.iter().zip(record.values()).enumerate() {
            if i > 0 {
                st.push(", ");
            }
            st.push(col).push(" = ").bind_param(v);
        }
        st.push(", version = version + 1, updated_at = ").bind(now);
        st.push(&format!(" where {} = ", T::ID)).bind(id);
        st.push(" and version = ").bind(expected_version);
        let done = st
            .query(self.backend())
            .execute(self.conn())
            .await
            .map_err(|e| StoreError::from(e).on(T::ENTITY))?;
        if done.rows_affected() != 1 {
            return Err(self.stale::<T>(id, expected_version).await);
        }
        self.audit(
            "update",
            T::ENTITY,
            &id.to_string(),
            Some(before.record.audit_json()),
            Some(record.audit_json()),
        )
        .await?;
        Ok(Stored {
            id,
            version: expected_version + 1,
            created_at: before.created_at,
            updated_at: now,
            record: record.clone(),
        })
    }

    /// Delete row `id` if it is still at `expected_version`.
    pub async fn delete<T: Record>(&mut self, id: i64, expected_version: i64) -> Result<(), StoreError> {
        self.fresh.clear();
        let before = self.current::<T>(id, expected_version).await?;
        let mut st = Stmt::new(format!("delete from {} where {} = ", T::ENTITY, T::ID));
        st.bind(id).push(" and version = ").bind(expected_version);
        let done = st
            .query(self.backend())
            .execute(self.conn())
            .await
            .map_err(|e| StoreError::from(e).on(T::ENTITY))?;
        if done.rows_affected() != 1 {
            return Err(self.stale::<T>(id, expected_version).await);
        }
        self.audit(
            "delete",
            T::ENTITY,
            &id.to_string(),
            Some(before.record.audit_json()),
            None,
        )
        .await
    }

    /// Read row `id` inside this transaction.
    pub async fn get<T: Record>(&mut self, id: i64) -> Result<Stored<T>, StoreError> {
        fetch_by_id::<T>(self.conn(), id)
            .await?
            .ok_or_else(|| StoreError::not_found(T::ENTITY, id))
    }

    /// Read a row by its natural key inside this transaction.
    pub async fn find_by_key<T: Record>(&mut self, key: &[Param]) -> Result<Option<Stored<T>>, StoreError> {
        fetch_by_key::<T>(self.conn(), key).await
    }

    /// List rows inside this transaction.
    pub async fn list<T: Record>(&mut self, q: &ListQuery) -> Result<Page<Stored<T>>, StoreError> {
        list::<T>(self.conn(), q).await
    }

    async fn current<T: Record>(&mut self, id: i64, expected_version: i64) -> Result<Stored<T>, StoreError> {
        let before = self.get::<T>(id).await?;
        if before.version != expected_version {
            return Err(StoreError::StaleVersion {
                entity: T::ENTITY.into(),
                id,
                expected: expected_version,
                actual: before.version,
            });
        }
        Ok(before)
    }

    async fn stale<T: Record>(&mut self, id: i64, expected: i64) -> StoreError {
        match fetch_by_id::<T>(self.conn(), id).await {
            Ok(Some(now)) => StoreError::StaleVersion {
                entity: T::ENTITY.into(),
                id,
                expected,
                actual: now.version,
            },
            Ok(None) => StoreError::not_found(T::ENTITY, id),
            Err(e) => e,
        }
    }

    /// Insert or update rows by natural key, auditing every inserted and changed row. Identical rows are
    /// left alone (no write, no audit). Two rows with the same key in `rows` are refused.
    /// For interactive batches (`POST /api/v1/observations`); imports use [`Tx::import_rows`].
    pub async fn upsert_many<T: Record>(&mut self, rows: &[T]) -> Result<UpsertCounts, StoreError> {
        self.upsert_impl(rows, true).await
    }

    /// Bulk path for imports: like [`Tx::upsert_many`], in batched multi-row statements, but inserted rows are
    /// not audited one by one — the import's summary event ([`Tx::record_import`]) stands for them, and every
    /// row it inserted carries the import's `created_at` instant. Changed rows are audited with before → after.
    pub async fn import_rows<T: Record>(&mut self, rows: &[T]) -> Result<UpsertCounts, StoreError> {
        self.upsert_impl(rows, false).await
    }

    async fn upsert_impl<T: Record>(
        &mut self,
        rows: &[T],
        audit_inserts: bool,
    ) -> Result<UpsertCounts, StoreError> {
        let mut counts = UpsertCounts::default();
        // Each row's natural key once: for the duplicate check here and the new-key check below.
        let keys: Vec<Vec<KeyPart>> = rows.iter().map(|r| key_parts(&r.key())).collect();
        let mut seen: rustc_hash::FxHashSet<&Vec<KeyPart>> = rustc_hash::FxHashSet::default();
        seen.reserve(rows.len());
        for (r, key) in rows.iter().zip(&keys) {
            r.check()?;
            if !seen.insert(key) {
                return Err(StoreError::invalid(
                    T::ENTITY,
                    &T::KEY.join("+"),
                    format!(
                        "同一批次中重复 / duplicate key in one batch: {}",
                        key_text(&r.key())
                    ),
                ));
            }
        }
        drop(seen);
        if audit_inserts {
            self.fresh.clear();
        }
        let mut fresh = match self.fresh.remove(T::ENTITY) {
            Some(keys) => Some(keys),
            None if !audit_inserts => {
                // Into an empty table every row is new: remember the keys written from here on.
                let probe = Stmt::new(format!("select {} from {} limit 1", T::ID, T::ENTITY));
                let empty = probe
                    .query(self.backend())
                    .fetch_optional(self.conn())
                    .await?
                    .is_none();
                empty.then(HashSet::new)
            }
            None => None,
        };
        // Chunks whose keys this import has never written are certainly new: their statement is built while the
        // database runs the previous one (the two halves of a bulk import's work, on two cores).
        let (backend, now) = (self.backend(), self.now());
        let mut pending: Option<Stmt> = None;
        let chunk = upsert_chunk_rows(rows);
        for (part, part_keys) in rows.chunks(chunk).zip(keys.chunks(chunk)) {
            let new_hashes = fresh.as_ref().and_then(|seen| {
                let hashes: Vec<u64> = part_keys.iter().map(key_hash).collect();
                (!hashes.iter().any(|h| seen.contains(h))).then_some(hashes)
            });
            match (new_hashes, fresh.as_mut()) {
                (Some(hashes), Some(seen)) => {
                    let build = || upsert_records_stmt::<T>(backend, part, now);
                    let next = match pending.take() {
                        Some(st) => {
                            let (done, next) = tokio::join!(self.run_bulk::<T>(st), async { build() });
                            done?;
                            next
                        }
                        None => build(),
                    };
                    pending = Some(next);
                    seen.extend(hashes);
                    counts.inserted += part.len() as u64;
                }
                _ => {
                    if let Some(st) = pending.take() {
                        self.run_bulk::<T>(st).await?;
                    }
                    counts += self.upsert_chunk(part, audit_inserts, fresh.as_mut()).await?;
                }
            }
        }
        if let Some(st) = pending.take() {
            self.run_bulk::<T>(st).await?;
        }
        if let Some(keys) = fresh {
            self.fresh.insert(T::ENTITY, keys);
        }
        Ok(counts)
    }

    async fn run_bulk<T: Record>(&mut self, st: Stmt) -> Result<(), StoreError> {
        let backend = self.backend();
        st.into_query(backend)
            .execute(self.conn())
            .await
            .map_err(|e| StoreError::from(e).on(T::ENTITY))?;
        Ok(())
    }

    async fn upsert_chunk<T: Record>(
        &mut self,
        rows: &[T],
        audit_inserts: bool,
        fresh: Option<&mut HashSet<u64>>,
    ) -> Result<UpsertCounts, StoreError> {
        // Each row's values are computed once (decimal formatting is the costliest part of a bulk import).
        let values: Vec<Vec<Param>> = rows.iter().map(Record::values).collect();
        let key_pos = key_positions::<T>();
        let keys: Vec<Vec<KeyPart>> = values.iter().map(|v| key_parts_at(v, &key_pos)).collect();
        let hashes: Vec<u64> = if fresh.is_some() {
            keys.iter().map(key_hash).collect()
        } else {
            Vec::new()
        };
        let existing = match fresh.as_deref() {
            // Only keys this import has written before can exist.
            Some(seen) => {
                let maybe: Vec<Vec<Param>> = hashes
                    .iter()
                    .zip(&values)
                    .filter(|(h, _)| seen.contains(h))
                    .map(|(_, v)| v.clone())
                    .collect();
                if maybe.is_empty() {
                    Existing {
                        by_key: HashMap::new(),
                    }
                } else {
                    self.existing_by_key::<T>(&maybe, &key_pos).await?
                }
            }
            None => self.existing_by_key::<T>(&values, &key_pos).await?,
        };
        let mut counts = UpsertCounts::default();
        let mut write: Vec<usize> = Vec::with_capacity(rows.len());
        let mut changed: Vec<(Stored<T>, usize)> = Vec::new();
        for (i, (r, key)) in rows.iter().zip(&keys).enumerate() {
            match existing.by_key.get(key) {
                None => {
                    counts.inserted += 1;
                    write.push(i);
                }
                // Stored values are canonical, so equal values mean an unchanged row; parse only the others.
                Some((_, old_values)) if old_values.equals(&values[i]) => counts.unchanged += 1,
                Some((id, _)) => {
                    let old = fetch_by_id::<T>(self.conn(), *id)
                        .await?
                        .ok_or_else(|| StoreError::not_found(T::ENTITY, id))?;
                    if old.record == *r || !r.supersedes(&old.record) {
                        counts.unchanged += 1;
                    } else {
                        counts.updated += 1;
                        changed.push((old, i));
                        write.push(i);
                    }
                }
            }
        }
        if let Some(seen) = fresh {
            seen.extend(write.iter().filter_map(|&i| hashes.get(i).copied()));
        }
        if write.is_empty() {
            return Ok(counts);
        }
        let now = self.now();
        let backend = self.backend();
        let mut values: Vec<Option<Vec<Param>>> = values.into_iter().map(Some).collect();
        let picked: Vec<Vec<Param>> = write
            .iter()
            .map(|&i| values[i].take().unwrap_or_default())
            .collect();
        let mut st = upsert_stmt::<T>(backend, picked, now);
        if audit_inserts && counts.inserted > 0 {
            st.push(&format!(" returning {}, {}", T::ID, T::KEY.join(", ")));
            let returned = st
                .into_query(backend)
                .fetch_all(self.conn())
                .await
                .map_err(|e| StoreError::from(e).on(T::ENTITY))?;
            let mut ids = HashMap::with_capacity(returned.len());
            for row in &returned {
                let key = T::KEY
                    .iter()
                    .map(|c| key_part_from_row(row, c))
                    .collect::<Result<Vec<_>, _>>()?;
                ids.insert(key, get::<i64>(row, T::ID)?);
            }
            for &i in write.iter().filter(|&&i| !existing.by_key.contains_key(&keys[i])) {
                let id = ids.get(&keys[i]).copied().unwrap_or_default();
                self.audit(
                    "create",
                    T::ENTITY,
                    &id.to_string(),
                    None,
                    Some(rows[i].audit_json()),
                )
                .await?;
            }
        } else {
            st.into_query(backend)
                .execute(self.conn())
                .await
                .map_err(|e| StoreError::from(e).on(T::ENTITY))?;
        }
        for (old, i) in changed {
            self.audit(
                "update",
                T::ENTITY,
                &old.id.to_string(),
                Some(old.record.audit_json()),
                Some(rows[i].audit_json()),
            )
            .await?;
        }
        Ok(counts)
    }

    /// The stored rows with the keys of `values`, with their raw column values for a cheap comparison.
    async fn existing_by_key<T: Record>(
        &mut self,
        values: &[Vec<Param>],
        key_pos: &[usize],
    ) -> Result<Existing, StoreError> {
        let backend = self.backend();
        let st = bulk_lookup::<T>(backend, values, key_pos);
        let rows = st.into_query(backend).fetch_all(self.conn()).await?;
        // Column kinds from the incoming values (a record type binds each column with one kind).
        let template = values.first().map(Vec::as_slice).unwrap_or_default();
        let mut by_key = HashMap::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = get(row, T::ID)?;
            if has_blob(template) {
                let raw = raw_values(row, template)?;
                by_key.insert(key_parts_at(&raw, key_pos), (id, Raw::Values(raw)));
            } else if backend == Backend::Sqlite {
                // SQLite's json_array writes what json_rows writes for equal values; compare the text.
                let key = key_pos
                    .iter()
                    .enumerate()
                    .map(|(j, &p)| key_part(row, &format!("key{j}"), &template[p]))
                    .collect::<Result<Vec<_>, _>>()?;
                by_key.insert(key, (id, Raw::Json(get(row, "j")?)));
            } else {
                let raw = json_values(row, template)?;
                by_key.insert(key_parts_at(&raw, key_pos), (id, Raw::Values(raw)));
            }
        }
        Ok(Existing { by_key })
    }
}

/// The multi-row upsert of records: on SQLite packed straight from the records (the bulk import's path), on
/// PostgreSQL through their values.
fn upsert_records_stmt<T: Record>(backend: Backend, rows: &[T], now: Timestamp) -> Stmt {
    match backend {
        Backend::Sqlite => {
            let mut packed = PackedRows::new(T::COLUMNS.len());
            if let Some((first, rest)) = rows.split_first() {
                first.pack(&mut packed);
                // Sized from the first row (with a margin) rather than grown by doubling.
                packed.reserve(packed.byte_len() * rest.len() * 5 / 4);
                for r in rest {
                    r.pack(&mut packed);
                }
            }
            let mut st = packed_insert::<T>(packed.into_bytes(), T::COLUMNS.len(), now);
            on_conflict_update::<T>(&mut st);
            st
        }
        Backend::Postgres => upsert_stmt::<T>(backend, rows.iter().map(Record::values).collect(), now),
    }
}

/// The multi-row upsert of rows' values: insert, or update every non-key column on a key conflict.
fn upsert_stmt<T: Record>(backend: Backend, rows: Vec<Vec<Param>>, now: Timestamp) -> Stmt {
    let mut st = bulk_insert::<T>(backend, rows, now);
    on_conflict_update::<T>(&mut st);
    st
}

/// The upsert clause: update every non-key column of the row with the same natural key.
fn on_conflict_update<T: Record>(st: &mut Stmt) {
    st.push(&format!(" on conflict ({}) do update set ", T::KEY.join(", ")));
    for col in T::COLUMNS.iter().filter(|c| !T::KEY.contains(c)) {
        st.push(col).push(" = excluded.").push(col).push(", ");
    }
    st.push(&format!(
        "version = {}.version + 1, updated_at = excluded.updated_at",
        T::ENTITY
    ));
}

/// The multi-row insert of a bulk upsert (without its `on conflict` clause).
///
/// The rows travel as one parameter that the database unpacks: on SQLite a packed BLOB read by
/// `plantrack_rows` (crate `plantrack-sqlite-rows`), on PostgreSQL a JSON text (`json_array_elements`). Binding
/// every value separately costs sqlx's Any driver several allocations per value, which made a bulk import 3×
/// slower than SQLite's own CSV import; JSON on SQLite spent a third of the database's time decoding it. Only
/// the bulk statements (this one, [`upsert_records_stmt`], [`bulk_lookup`]) are written per engine.
fn bulk_insert<T: Record>(backend: Backend, rows: Vec<Vec<Param>>, now: Timestamp) -> Stmt {
    if backend == Backend::Sqlite {
        return packed_insert::<T>(packed_rows(&rows, T::COLUMNS.len()), T::COLUMNS.len(), now);
    }
    let kinds: Vec<&Param> = rows.first().map(|r| r.iter().collect()).unwrap_or_default();
    if kinds.iter().any(|k| matches!(k, Param::Blob(_))) {
        return values_insert::<T>(rows, now);
    }
    let mut st = Stmt::new(format!(
        "insert into {} ({}, version, created_at, updated_at) select ",
        T::ENTITY,
        T::COLUMNS.join(", ")
    ));
    for (i, kind) in kinds.iter().enumerate() {
        st.push(&row_field(backend, "e", i, kind));
        st.push(", ");
    }
    st.push("1, ").bind(now).push(", ").bind(now);
    st.push(" from json_array_elements(cast(")
        .bind(json_rows(rows.iter().map(Vec::as_slice)))
        .push(" as json)) e");
    st
}

/// The multi-row insert of packed rows (SQLite), without its `on conflict` clause.
fn packed_insert<T: Record>(packed: Vec<u8>, columns: usize, now: Timestamp) -> Stmt {
    let mut st = Stmt::new(format!(
        "insert into {} ({}, version, created_at, updated_at) select ",
        T::ENTITY,
        T::COLUMNS.join(", ")
    ));
    for i in 0..columns {
        st.push(&format!("e.c{i}, "));
    }
    // `where true`: SQLite needs it to tell the upsert clause from a join constraint.
    st.push("1, ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(" from plantrack_rows(")
        .bind(packed)
        .push(") e where true");
    st
}

/// Rows packed for `plantrack_rows` (SQLite): one BLOB parameter.
fn packed_rows(rows: &[Vec<Param>], columns: usize) -> Vec<u8> {
    // Sized exactly up front: growing a buffer of megabytes copies it and faults in fresh pages each time.
    let bytes: usize = rows
        .iter()
        .flatten()
        .map(|v| match v {
            Param::Text(Some(s)) => 5 + s.len(),
            Param::Blob(Some(b)) => 5 + b.len(),
            Param::Int(Some(_)) => 9,
            Param::Text(None) | Param::Int(None) | Param::Blob(None) => 1,
        })
        .sum();
    let mut packed = PackedRows::with_capacity(columns, 4 + bytes);
    for v in rows.iter().flatten() {
        pack_param(v, &mut packed);
    }
    packed.into_bytes()
}

/// One field of a row sent as one parameter, as an SQL value of the column's type.
fn row_field(backend: Backend, alias: &str, i: usize, kind: &Param) -> String {
    match (backend, kind) {
        (Backend::Sqlite, _) => format!("{alias}.c{i}"),
        (Backend::Postgres, Param::Int(_)) => format!("cast({alias} ->> {i} as bigint)"),
        (Backend::Postgres, _) => format!("{alias} ->> {i}"),
    }
}

/// `[[v, v, …], …]` with text as JSON strings and integers as numbers.
fn json_rows<'a>(rows: impl Iterator<Item = &'a [Param]>) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    out.push(b'[');
    for (n, row) in rows.enumerate() {
        if n > 0 {
            out.push(b',');
        }
        json_row_into(&mut out, row);
    }
    out.push(b']');
    String::from_utf8(out).unwrap_or_default()
}

/// One row as a JSON array, `[v,v,…]` (compact, as SQLite's `json_array` writes it).
fn json_row(row: &[Param]) -> String {
    let mut out = Vec::with_capacity(row.len() * 8);
    json_row_into(&mut out, row);
    String::from_utf8(out).unwrap_or_default()
}

fn json_row_into(out: &mut Vec<u8>, row: &[Param]) {
    out.push(b'[');
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match v {
            Param::Text(Some(s)) => {
                // Writing a &str into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut *out, s);
            }
            Param::Int(Some(n)) => out.extend_from_slice(n.to_string().as_bytes()),
            _ => out.extend_from_slice(b"null"),
        }
    }
    out.push(b']');
}

/// The multi-row insert with one placeholder per value (tables with BLOB columns).
fn values_insert<T: Record>(rows: Vec<Vec<Param>>, now: Timestamp) -> Stmt {
    let mut st = Stmt::new(format!(
        "insert into {} ({}, version, created_at, updated_at) values ",
        T::ENTITY,
        T::COLUMNS.join(", ")
    ));
    for (n, row) in rows.into_iter().enumerate() {
        st.push(if n == 0 { "(" } else { ", (" });
        for v in row {
            st.bind_param(v).push(", ");
        }
        st.push("1, ").bind(now).push(", ").bind(now).push(")");
    }
    st
}

/// Select the stored rows whose natural keys are those of `values`, joining the table with the keys sent
/// as one JSON parameter (the index on the key is used on both engines).
fn bulk_lookup<T: Record>(backend: Backend, values: &[Vec<Param>], key_pos: &[usize]) -> Stmt {
    let kinds: Vec<&Param> = values
        .first()
        .map(|r| key_pos.iter().filter_map(|&p| r.get(p)).collect())
        .unwrap_or_default();
    let keys: Vec<Vec<Param>> = values
        .iter()
        .map(|v| key_pos.iter().filter_map(|&p| v.get(p).cloned()).collect())
        .collect();
    let cols = T::COLUMNS
        .iter()
        .map(|c| format!("t.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    // The row's columns come back as one JSON array: one value to decode instead of one per column.
    let row = match backend {
        _ if kinds.iter().any(|k| matches!(k, Param::Blob(_))) => cols,
        Backend::Sqlite => {
            let keys: Vec<String> = T::KEY
                .iter()
                .enumerate()
                .map(|(j, c)| format!("t.{c} as key{j}"))
                .collect();
            format!("{}, json_array({cols}) as j", keys.join(", "))
        }
        Backend::Postgres => format!("cast(json_build_array({cols}) as text) as j"),
    };
    let mut st = Stmt::new(format!("select t.{id}, {row} from ", id = T::ID));
    match backend {
        Backend::Sqlite => st
            .push("plantrack_rows(")
            .bind(packed_rows(&keys, kinds.len()))
            .push(")"),
        Backend::Postgres => st
            .push("json_array_elements(cast(")
            .bind(json_rows(keys.iter().map(Vec::as_slice)))
            .push(" as json))"),
    };
    st.push(&format!(" k join {} t on ", T::ENTITY));
    for (j, (col, kind)) in T::KEY.iter().zip(&kinds).enumerate() {
        if j > 0 {
            st.push(" and ");
        }
        st.push(&format!("t.{col} = {}", row_field(backend, "k", j, kind)));
    }
    st
}

/// Rows per multi-row statement in a bulk upsert.
fn upsert_chunk_rows<T: Record>(rows: &[T]) -> usize {
    // A record type binds each column with one kind: its first row tells whether the JSON path is taken.
    if rows.first().is_some_and(|r| has_blob(&r.values())) {
        // One placeholder per value: SQLite accepts 32 766 bound values per statement, PostgreSQL 65 535.
        let ncols = T::COLUMNS.len() + 3;
        (30_000 / ncols).clamp(1, PARAM_ROWS)
    } else {
        PARAM_ROWS
    }
}

/// Rows per bulk statement when the rows travel as one parameter (packed on SQLite, JSON on PostgreSQL). Measured
/// with `plantrack import enterprises` of 1,000,000 generated rows into SQLite (scripts/bench-import.sh): with
/// JSON, 1,000 rows per statement 17.8 s, 4,000 13.8 s, 10,000 13.3 s, 25,000 16.2 s (the text outgrows the
/// caches); packed, 4,000 5.0 s, 8,000 4.8 s, 16,000 5.0 s (differences within the noise).
const PARAM_ROWS: usize = 8_000;

/// A hash of a natural key (equal keys, equal hashes; a collision only costs a lookup).
fn key_hash(key: &Vec<KeyPart>) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(key)
}

/// Stored rows matching a chunk's keys: per key, the row id and its raw column values.
struct Existing {
    by_key: HashMap<Vec<KeyPart>, (i64, Raw)>,
}

/// A stored row's column values as read for comparison.
enum Raw {
    /// As bound values.
    Values(Vec<Param>),
    /// As the JSON array text SQLite's `json_array` makes of them.
    Json(String),
}

impl Raw {
    /// Whether the stored values equal `values`. Stored values are canonical, so equality of the raw forms is
    /// equality of the records; a difference in form only (never expected) costs a full comparison later.
    fn equals(&self, values: &[Param]) -> bool {
        match self {
            Raw::Values(v) => v == values,
            Raw::Json(text) => *text == json_row(values),
        }
    }
}

fn key_part(row: &AnyRow, col: &str, kind: &Param) -> Result<KeyPart, StoreError> {
    Ok(match kind {
        Param::Int(_) => KeyPart::Int(get(row, col)?),
        Param::Blob(_) => KeyPart::Blob(get(row, col)?),
        Param::Text(_) => KeyPart::Text(get(row, col)?),
    })
}

fn key_positions<T: Record>() -> Vec<usize> {
    T::KEY
        .iter()
        .filter_map(|k| T::COLUMNS.iter().position(|c| c == k))
        .collect()
}

fn key_parts_at(values: &[Param], pos: &[usize]) -> Vec<KeyPart> {
    key_parts(
        &pos.iter()
            .filter_map(|&p| values.get(p).cloned())
            .collect::<Vec<_>>(),
    )
}

fn has_blob(template: &[Param]) -> bool {
    template.iter().any(|k| matches!(k, Param::Blob(_)))
}

/// The data columns of a [`bulk_lookup`] row from its JSON array `j`, as the kinds of `template`.
fn json_values(row: &AnyRow, template: &[Param]) -> Result<Vec<Param>, StoreError> {
    let text: String = get(row, "j")?;
    let bad = || StoreError::invalid("", "j", "存储值无法读取 / stored row unreadable");
    let values: Vec<serde_json::Value> = serde_json::from_str(&text).map_err(|_| bad())?;
    if values.len() != template.len() {
        return Err(bad());
    }
    values
        .into_iter()
        .zip(template)
        .map(|(v, kind)| {
            Ok(match (kind, v) {
                (Param::Text(_), serde_json::Value::Null) => Param::Text(None),
                (Param::Int(_), serde_json::Value::Null) => Param::Int(None),
                (Param::Text(_), serde_json::Value::String(s)) => Param::Text(Some(s)),
                (Param::Int(_), serde_json::Value::Number(n)) => {
                    Param::Int(Some(n.as_i64().ok_or_else(bad)?))
                }
                // A value of another type than the record binds: certainly not equal, compare in full.
                (Param::Text(_), other) => Param::Text(Some(other.to_string())),
                _ => Param::Blob(None),
            })
        })
        .collect()
}

/// The data columns of a [`bulk_lookup`] row (id first), read as the kinds of `template` (text, integer, bytes).
fn raw_values(row: &AnyRow, template: &[Param]) -> Result<Vec<Param>, StoreError> {
    use sqlx::Row;
    template
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let idx = i + 1; // after the id
            Ok(match kind {
                Param::Text(_) => Param::Text(row.try_get::<Option<String>, _>(idx)?),
                Param::Int(_) => Param::Int(row.try_get::<Option<i64>, _>(idx)?),
                Param::Blob(_) => Param::Blob(row.try_get::<Option<Vec<u8>>, _>(idx)?),
            })
        })
        .collect()
}

/// A hashable natural-key component.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum KeyPart {
    Text(Option<String>),
    Int(Option<i64>),
    Blob(Option<Vec<u8>>),
}

pub(crate) fn key_parts(key: &[Param]) -> Vec<KeyPart> {
    key.iter()
        .map(|p| match p {
            Param::Text(v) => KeyPart::Text(v.clone()),
            Param::Int(v) => KeyPart::Int(*v),
            Param::Blob(v) => KeyPart::Blob(v.clone()),
        })
        .collect()
}

fn key_part_from_row(row: &AnyRow, col: &str) -> Result<KeyPart, StoreError> {
    use sqlx::Row;
    // Key columns are text or integers; try the integer decode first only when text fails.
    if let Ok(v) = row.try_get::<Option<String>, _>(col) {
        return Ok(KeyPart::Text(v));
    }
    Ok(KeyPart::Int(row.try_get::<Option<i64>, _>(col)?))
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;

    fn packed_by_values<T: Record>(rows: &[T]) -> Vec<u8> {
        packed_rows(
            &rows.iter().map(Record::values).collect::<Vec<_>>(),
            T::COLUMNS.len(),
        )
    }

    fn packed_directly<T: Record>(rows: &[T]) -> Vec<u8> {
        let mut packed = PackedRows::new(T::COLUMNS.len());
        for r in rows {
            r.pack(&mut packed);
        }
        packed.into_bytes()
    }

    /// The bulk import packs records directly; what it packs is what their bound values are.
    #[test]
    fn records_pack_as_their_values() {
        use crate::enterprises::{Enterprise, EnterpriseYear};
        use rust_decimal::Decimal;
        let enterprises = [
            Enterprise {
                uscc: "91211100MA0TEST01X".into(),
                name: "盘锦某科技有限公司".into(),
                founded_on: Some(jiff::civil::date(2015, 3, 9)),
                org_unit_code: Some("211102".into()),
                industry_code: None,
                high_tech_field: Some("电子信息".into()),
                reported_year: Some(2020),
            },
            Enterprise {
                uscc: "91211100MA0TEST02X".into(),
                name: String::new(),
                founded_on: None,
                org_unit_code: None,
                industry_code: Some("C26".into()),
                high_tech_field: None,
                reported_year: None,
            },
        ];
        assert_eq!(packed_directly(&enterprises), packed_by_values(&enterprises));
        let years = [
            EnterpriseYear {
                uscc: "91211100MA0TEST01X".into(),
                year: 2020,
                employees: Some(120),
                sales_revenue: Some(Decimal::new(1_234_500, 2)),
                main_business_revenue: Some(Decimal::new(-5, 3)),
                total_revenue: Some(Decimal::new(0, 4)),
                high_tech_revenue: Some(Decimal::MAX),
                rd_expense: Some(Decimal::new(7, 28)),
                above_scale_industrial: Some(true),
                ..EnterpriseYear::default()
            },
            EnterpriseYear::default(),
        ];
        assert_eq!(packed_directly(&years), packed_by_values(&years));
    }

    /// The re-import fast path compares our JSON text with SQLite's: they must agree on every string.
    #[tokio::test]
    async fn our_json_rows_match_sqlites_json_array() {
        let db = crate::testing::TestDb::sqlite().await;
        let samples = [
            "plain",
            "引号\"和\\反斜杠",
            "tab\tnew\nline\r",
            "\u{1}\u{1f}\u{7f}",
            "emoji 😀 and \u{202e}",
            "",
            "1.50",
            "null",
        ];
        for s in samples {
            let row = [
                Param::Text(Some(s.to_owned())),
                Param::Int(Some(-42)),
                Param::Text(None),
                Param::Int(None),
            ];
            let mut st = Stmt::new("select json_array(");
            for (i, p) in row.iter().enumerate() {
                if i > 0 {
                    st.push(", ");
                }
                st.bind_param(p.clone());
            }
            st.push(") as j");
            let got: String = get(
                &st.query(Backend::Sqlite)
                    .fetch_one(db.store.pool())
                    .await
                    .unwrap(),
                "j",
            )
            .unwrap();
            assert_eq!(got, json_row(&row), "{s:?}");
        }
        db.finish().await;
    }
}
