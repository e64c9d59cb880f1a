//! Backup and restore (备份与恢复).
//!
//! - [`Store::backup`]: on SQLite an online, consistent copy of the database file (`VACUUM INTO`, readers and
//!   writers carry on); on PostgreSQL a logical export.
//! - [`Store::export_logical`]: a logical export on either engine — JSON lines: a header line, then per table a
//!   `{"table", "columns"}` line followed by one JSON array per row.
//! - [`Store::restore`]: replaces every row of this store, in one transaction, from either kind of backup and
//!   from either engine (a SQLite backup restores into PostgreSQL and back). A SQLite backup of an older schema
//!   is migrated first (on a temporary copy); a logical export must match this store's schema version.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

use serde_json::{Value, json};

use crate::sql::{Param, Stmt, get};
use crate::{Actor, Backend, ColumnInfo, ColumnKind, Store, StoreError, schema_info};

const FORMAT: &str = "plantrack-backup";
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PAGE: i64 = 5_000;

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RestoreSummary {
    /// Rows restored per table.
    pub rows: BTreeMap<String, u64>,
}

fn io_invalid(path: &Path, reason: impl Into<String>) -> StoreError {
    StoreError::invalid("backup", &path.display().to_string(), reason)
}

impl Store {
    /// Write a backup to `path` (which must not exist): a SQLite database file on SQLite, a logical export on
    /// PostgreSQL. The file appears complete or not at all.
    pub async fn backup(&self, path: &Path) -> Result<(), StoreError> {
        if path.exists() {
            return Err(io_invalid(path, "文件已存在 / file exists; choose a new name"));
        }
        let tmp = path.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        let result = match self.backend {
            Backend::Sqlite => {
                let target = tmp.to_string_lossy().into_owned();
                // VACUUM INTO takes an expression: the path is bound, not spliced into SQL.
                sqlx::query("vacuum into $1")
                    .bind(target)
                    .execute(&self.pool)
                    .await
                    .map(|_| ())
                    .map_err(StoreError::from)
            }
            Backend::Postgres => self.export_logical(&tmp).await,
        };
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        std::fs::rename(&tmp, path)?;
        Ok(())
    }

    /// Write a logical export (JSON lines) of every table to `path`.
    pub async fn export_logical(&self, path: &Path) -> Result<(), StoreError> {
        let file = std::fs::File::create(path)?;
        let mut out = BufWriter::new(file);
        let schema = schema_info(self).await?;
        let header = json!({
            "format": FORMAT,
            "schema_version": self.schema_version().await?,
            "engine": format!("{:?}", self.backend),
            "exported_at": jiff::Timestamp::now().to_string(),
        });
        writeln!(out, "{header}")?;
        // One transaction, so the export is a consistent snapshot on PostgreSQL too.
        let mut tx = self.pool.begin().await?;
        for (table, columns) in group_by_table(&schema) {
            let names: Vec<&str> = columns.iter().map(|c| c.column.as_str()).collect();
            writeln!(out, "{}", json!({ "table": table, "columns": names }))?;
            // Keyset paging on the first column (every table's primary key comes first).
            let key = names[0];
            let mut last: Option<Param> = None;
            loop {
                let mut st = Stmt::new(format!("select {} from {table}", names.join(", ")));
                if let Some(l) = last.take() {
                    st.push(&format!(" where {key} > ")).bind_param(l);
                }
                st.push(&format!(" order by {key} limit {PAGE}"));
                let rows = st.query(self.backend()).fetch_all(&mut *tx).await?;
                for r in &rows {
                    let mut values = Vec::with_capacity(columns.len());
                    for c in &columns {
                        values.push(read_value(r, c)?.to_json_tagged());
                    }
                    serde_json::to_writer(&mut out, &values).map_err(std::io::Error::other)?;
                    out.write_all(b"\n")?;
                }
                match rows.last() {
                    Some(r) if rows.len() as i64 == PAGE => last = Some(read_value(r, columns[0])?),
                    _ => break,
                }
            }
        }
        tx.commit().await?;
        out.flush()?;
        out.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
            .sync_all()?;
        Ok(())
    }

    /// The highest migration applied.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("select max(version) as v from _sqlx_migrations")
            .fetch_one(&self.pool)
            .await?;
        Ok(get::<Option<i64>>(&row, "v")?.unwrap_or(0))
    }

    /// Replace all data with the backup at `path` (a SQLite file or a logical export), in one transaction,
    /// and audit it. On any error nothing changes.
    pub async fn restore(&self, path: &Path, actor: Actor) -> Result<RestoreSummary, StoreError> {
        let mut magic = [0u8; 16];
        let n = std::fs::File::open(path)?.read(&mut magic)?;
        if n == 16 && magic == SQLITE_MAGIC {
            // Work on a copy: opening migrates it to this version's schema.
            let dir = std::env::temp_dir().join(format!("plantrack-restore-{}", rand::random::<u64>()));
            std::fs::create_dir_all(&dir)?;
            let copy = dir.join("backup.sqlite3");
            std::fs::copy(path, &copy)?;
            let result = async {
                let source = Store::open(&crate::sqlite_url(&copy)).await?;
                let r = self.restore_from(Source::Store(&source), path, actor).await;
                source.close().await;
                r
            }
            .await;
            let _ = std::fs::remove_dir_all(&dir);
            result
        } else {
            let file = std::fs::File::open(path)?;
            self.restore_from(Source::Lines(BufReader::new(file)), path, actor)
                .await
        }
    }

    async fn restore_from(
        &self,
        source: Source<'_>,
        path: &Path,
        actor: Actor,
    ) -> Result<RestoreSummary, StoreError> {
        let schema = schema_info(self).await?;
        let tables = group_by_table(&schema);
        let order = self
            .insert_order(tables.keys().map(ToString::to_string).collect())
            .await?;
        let mut tx = self.begin(actor).await?;
        for t in order.iter().rev() {
            Stmt::new(format!("delete from {t}"))
                .query(self.backend())
                .execute(tx.conn())
                .await?;
        }
        let mut summary = RestoreSummary {
            rows: BTreeMap::new(),
        };
        match source {
            Source::Store(src) => {
                for t in &order {
                    let columns = &tables[t.as_str()];
                    let n = copy_table(src, &mut tx, t, columns).await?;
                    summary.rows.insert(t.clone(), n);
                }
            }
            Source::Lines(reader) => {
                let data = read_lines(reader, path, self.schema_version().await?, &tables)?;
                for t in &order {
                    let rows = data.get(t.as_str()).map(Vec::as_slice).unwrap_or_default();
                    insert_rows(&mut tx, t, &tables[t.as_str()], rows).await?;
                    summary.rows.insert(t.clone(), rows.len() as u64);
                }
            }
        }
        if self.backend == Backend::Postgres {
            // Explicit ids were inserted: move each identity past the highest one.
            for t in &order {
                let id = format!("{t}_id");
                if tables[t.as_str()]
                    .iter()
                    .any(|c| c.column == id && c.kind == ColumnKind::Int)
                {
                    let sql = format!(
                        "select setval(pg_get_serial_sequence('{t}', '{id}'), coalesce(max({id}), 0) + 1, false) from {t}"
                    );
                    Stmt::new(sql).query(self.backend()).execute(tx.conn()).await?;
                }
            }
        }
        let after = json!({ "source": path.display().to_string(), "rows": summary.rows });
        tx.audit("restore", "store", "*", None, Some(after)).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Tables ordered so that every table comes after the tables its foreign keys refer to.
    async fn insert_order(&self, tables: Vec<String>) -> Result<Vec<String>, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "select m.name as t, f.\"table\" as r from sqlite_master m join pragma_foreign_key_list(m.name) f \
                 where m.type = 'table'"
            }
            Backend::Postgres => {
                "select cast(tc.table_name as text) as t, cast(ccu.table_name as text) as r \
                 from information_schema.table_constraints tc join information_schema.constraint_column_usage ccu \
                 on tc.constraint_name = ccu.constraint_name and tc.table_schema = ccu.table_schema \
                 where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()"
            }
        };
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        let mut deps: HashMap<String, BTreeSet<String>> = HashMap::new();
        for r in &rows {
            let (t, referenced): (String, String) = (get(r, "t")?, get(r, "r")?);
            if t != referenced {
                deps.entry(t).or_default().insert(referenced);
            }
        }
        let mut order: Vec<String> = Vec::new();
        let mut left: Vec<String> = tables;
        while !left.is_empty() {
            let pending: BTreeSet<String> = left.iter().cloned().collect();
            let (ready, blocked): (Vec<String>, Vec<String>) = left.into_iter().partition(|t| {
                deps.get(t)
                    .is_none_or(|ds| ds.iter().all(|d| !pending.contains(d)))
            });
            if ready.is_empty() {
                // A cycle (none in our schema): keep the rest in name order.
                order.extend(blocked);
                break;
            }
            order.extend(ready);
            left = blocked;
        }
        Ok(order)
    }
}

enum Source<'a> {
    Store(&'a Store),
    Lines(BufReader<std::fs::File>),
}

fn group_by_table(schema: &[ColumnInfo]) -> BTreeMap<&str, Vec<&ColumnInfo>> {
    let mut m: BTreeMap<&str, Vec<&ColumnInfo>> = BTreeMap::new();
    for c in schema {
        m.entry(c.table.as_str()).or_default().push(c);
    }
    m
}

fn read_value(r: &sqlx::any::AnyRow, c: &ColumnInfo) -> Result<Param, StoreError> {
    Ok(match c.kind {
        ColumnKind::Int => Param::Int(get(r, &c.column)?),
        ColumnKind::Text => Param::Text(get(r, &c.column)?),
        ColumnKind::Blob => Param::Blob(get::<Option<Vec<u8>>>(r, &c.column)?),
    })
}

impl Param {
    /// JSON for the logical export: integers as numbers, text as strings, bytes as `{"hex": …}`.
    fn to_json_tagged(&self) -> Value {
        match self {
            Param::Blob(Some(b)) => json!({ "hex": hex::encode(b) }),
            other => other.to_json(),
        }
    }
}

fn from_json(v: &Value, kind: ColumnKind) -> Option<Param> {
    Some(match (kind, v) {
        (ColumnKind::Int, Value::Null) => Param::Int(None),
        (ColumnKind::Text, Value::Null) => Param::Text(None),
        (ColumnKind::Blob, Value::Null) => Param::Blob(None),
        (ColumnKind::Int, Value::Number(n)) => Param::Int(Some(n.as_i64()?)),
        (ColumnKind::Text, Value::String(s)) => Param::Text(Some(s.clone())),
        (ColumnKind::Blob, Value::Object(o)) => Param::Blob(Some(hex::decode(o.get("hex")?.as_str()?).ok()?)),
        _ => return None,
    })
}

fn read_lines(
    reader: BufReader<std::fs::File>,
    path: &Path,
    version: i64,
    tables: &BTreeMap<&str, Vec<&ColumnInfo>>,
) -> Result<HashMap<String, Vec<Vec<Param>>>, StoreError> {
    let mut lines = reader.lines();
    let bad = |line: usize, why: &str| io_invalid(path, format!("第 {line} 行 / line {line}: {why}"));
    let header: Value = match lines.next() {
        Some(l) => serde_json::from_str(&l?).map_err(|_| bad(1, "不是备份文件 / not a plantrack backup"))?,
        None => return Err(bad(1, "空文件 / empty file")),
    };
    if header["format"] != FORMAT {
        return Err(bad(1, "不是备份文件 / not a plantrack backup"));
    }
    if header["schema_version"].as_i64() != Some(version) {
        return Err(bad(
            1,
            &format!(
                "备份的数据库版本 {} 与当前版本 {version} 不同 / backup schema version {} differs from {version}",
                header["schema_version"], header["schema_version"]
            ),
        ));
    }
    let mut data: HashMap<String, Vec<Vec<Param>>> = HashMap::new();
    // For the current table: its name and, per backup column, the column's kind in this schema.
    let mut current: Option<(String, Vec<ColumnKind>)> = None;
    for (i, line) in lines.enumerate() {
        let n = i + 2;
        let line = line?;
        let v: Value = serde_json::from_str(&line).map_err(|_| bad(n, "JSON 无效 / invalid JSON"))?;
        if let Some(table) = v.get("table").and_then(Value::as_str) {
            let ours = tables
                .get(table)
                .ok_or_else(|| bad(n, &format!("未知的表 / unknown table {table}")))?;
            let cols: Vec<&str> = v["columns"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let theirs: Vec<&str> = ours.iter().map(|c| c.column.as_str()).collect();
            if cols != theirs {
                return Err(bad(
                    n,
                    &format!("表 {table} 的列不同 / columns of {table} differ"),
                ));
            }
            current = Some((table.to_owned(), ours.iter().map(|c| c.kind).collect()));
            data.entry(table.to_owned()).or_default();
            continue;
        }
        let (table, kinds) = current
            .as_ref()
            .ok_or_else(|| bad(n, "缺少表头 / row before a table line"))?;
        let values = v
            .as_array()
            .filter(|a| a.len() == kinds.len())
            .ok_or_else(|| bad(n, "列数不符 / wrong number of values"))?;
        let row = values
            .iter()
            .zip(kinds)
            .map(|(v, k)| from_json(v, *k))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad(n, "值的类型不符 / value of the wrong type"))?;
        data.entry(table.clone()).or_default().push(row);
    }
    Ok(data)
}

async fn insert_rows(
    tx: &mut crate::Tx,
    table: &str,
    columns: &[&ColumnInfo],
    rows: &[Vec<Param>],
) -> Result<(), StoreError> {
    let names: Vec<&str> = columns.iter().map(|c| c.column.as_str()).collect();
    let per = (30_000 / names.len().max(1)).clamp(1, 500);
    for chunk in rows.chunks(per) {
        let mut st = Stmt::new(format!("insert into {table} ({}) values ", names.join(", ")));
        for (i, row) in chunk.iter().enumerate() {
            st.push(if i == 0 { "(" } else { ", (" });
            for (j, v) in row.iter().enumerate() {
                if j > 0 {
                    st.push(", ");
                }
                st.bind_param(v.clone());
            }
            st.push(")");
        }
        st.query(tx.backend())
            .execute(tx.conn())
            .await
            .map_err(|e| StoreError::from(e).on(table))?;
    }
    Ok(())
}

async fn copy_table(
    src: &Store,
    tx: &mut crate::Tx,
    table: &str,
    columns: &[&ColumnInfo],
) -> Result<u64, StoreError> {
    let names: Vec<&str> = columns.iter().map(|c| c.column.as_str()).collect();
    let key = names[0];
    let mut last: Option<Param> = None;
    let mut n = 0u64;
    loop {
        let mut st = Stmt::new(format!("select {} from {table}", names.join(", ")));
        if let Some(l) = last.take() {
            st.push(&format!(" where {key} > ")).bind_param(l);
        }
        st.push(&format!(" order by {key} limit {PAGE}"));
        let rows = st.query(src.backend()).fetch_all(&src.pool).await?;
        let values = rows
            .iter()
            .map(|r| {
                columns
                    .iter()
                    .map(|c| read_value(r, c))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        insert_rows(tx, table, columns, &values).await?;
        n += values.len() as u64;
        match values.last() {
            Some(v) if values.len() as i64 == PAGE => last = v.first().cloned(),
            _ => break,
        }
    }
    Ok(n)
}
