//! plantrack-store — persistence for plantrack: one code path over SQLite (the default, an embedded file) and
//! PostgreSQL (production), through sqlx's `Any` driver (stack.md §2).
//!
//! This crate is the only place with SQL. It owns the schema (`migrations/sqlite` and `migrations/postgres`,
//! applied at start-up), the registries' row types, the audit log written in the same transaction as every
//! change, optimistic concurrency (`version` columns), the bulk upsert used by imports, the queries the
//! indicator engine and the web need, and backup/restore. It depends on no other crate of ours except `core`
//! for domain types, and knows nothing of HTTP or files other than backups.
//!
//! Use: [`Store::open`] (`sqlite:PATH` or `postgres://…`), read with `Store` methods, write in a unit of work
//! ([`Store::begin`] → [`Tx`] → [`Tx::commit`]); dropping a `Tx` without committing rolls everything back.

#![warn(missing_docs)]

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod chain;
pub mod derive;
pub mod enterprises;
mod error;
pub mod facts;
pub mod lookup;
pub mod observations;
pub mod org;
pub mod plans;
pub mod record;
pub mod registries;
pub mod sql;
pub mod supervision;
#[cfg(feature = "testing")]
pub mod testing;
mod tx;
mod version;

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, AssertSqlSafe, Connection, Executor};

pub use error::{ConflictKind, StoreError};
pub use record::{Filter, ListQuery, Page, Record, Stored, UpsertCounts};
pub use sql::{CodeEnum, Param, ToParam};
pub use tx::{Actor, Tx};

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file (default).
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// The store: a connection pool plus the engine it talks to. Cheap to clone (the pool is shared).
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Opened by [`Store::open_read_only`]: nothing may be written.
    read_only: bool,
}

/// File name of the default SQLite store inside the user's data directory.
pub const DEFAULT_DB_FILE: &str = "plantrack.sqlite3";

/// The default SQLite store path: `<data dir>/plantrack/plantrack.sqlite3` (e.g.
/// `~/.local/share/plantrack/plantrack.sqlite3` on Linux), or the working directory if there is no data dir.
pub fn default_sqlite_path() -> PathBuf {
    dirs::data_dir()
        .map(|d| d.join("plantrack"))
        .unwrap_or_else(|| PathBuf::from("."))
        .join(DEFAULT_DB_FILE)
}

/// The engine behind a connection.
pub(crate) fn backend_of(conn: &sqlx::AnyConnection) -> Backend {
    if conn.backend_name() == "PostgreSQL" {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// The `sqlite:` URL for a file path, creating it on first open.
pub fn sqlite_url(path: &Path) -> String {
    // `mode=rwc`: create if missing. Percent-encode what the URL parser would take as query or fragment.
    let p = path
        .to_string_lossy()
        .replace('%', "%25")
        .replace('?', "%3F")
        .replace('#', "%23");
    format!("sqlite://{p}?mode=rwc")
}

macro_rules! migrations {
    ($dir:literal: $($version:literal $name:literal),+ $(,)?) => {
        vec![$(Migration::new(
            $version,
            std::borrow::Cow::Borrowed($name),
            MigrationType::Simple,
            AssertSqlSafe(include_str!(concat!("../migrations/", $dir, "/", stringify!($version), "_", $name, ".sql"))).into_sql_str(),
            false,
        )),+]
    };
}

/// The migration sets, one per engine, numbered alike (a test compares their tables and columns).
pub fn migrations(backend: Backend) -> Vec<Migration> {
    use sqlx::SqlSafeStr;
    match backend {
        Backend::Sqlite => {
            migrations!("sqlite": 1 "registries", 2 "supervision", 3 "award_rank", 4 "drop_year_index", 5 "plan_draft", 6 "audit_chain")
        }
        Backend::Postgres => {
            migrations!("postgres": 1 "registries", 2 "supervision", 3 "award_rank", 4 "drop_year_index", 5 "plan_draft", 6 "audit_chain")
        }
    }
}

impl Store {
    /// Open the store at `url` (`sqlite:PATH`, `sqlite://PATH`, or `postgres://…`), creating a SQLite file
    /// if it is missing, and apply pending migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(redact(url)));
        };
        let pool = match backend {
            Backend::Sqlite => {
                // Bulk writes read their rows from one packed BLOB (`plantrack_rows`, see record::bulk_insert).
                plantrack_sqlite_rows::register()?;
                let url = if url.contains('?') {
                    url.to_owned()
                } else {
                    format!("{url}?mode=rwc")
                };
                if let Some(dir) = sqlite_file(&url).and_then(|p| p.parent().map(Path::to_path_buf))
                    && !dir.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(&dir)?;
                }
                if let Some(file) = sqlite_file(&url) {
                    check_writable(&file)?;
                }
                // An in-memory database exists once per connection: keep one, or writes vanish.
                let connections = if url.contains(":memory:") || url.contains("mode=memory") {
                    1
                } else {
                    4
                };
                // One connection first, outside the pool: the pool retries a failing connection set-up until its
                // acquire timeout (30 s) and then reports only "pool timed out"; this says at once what failed.
                let mut probe = sqlx::AnyConnection::connect(&url).await?;
                sqlite_setup(&mut probe, false).await?;
                probe.close().await?;
                AnyPoolOptions::new()
                    .max_connections(connections)
                    .after_connect(|conn, _meta| Box::pin(async move { sqlite_setup(conn, false).await }))
                    .connect(&url)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await?
            }
        };
        let store = Store {
            pool,
            backend,
            read_only: false,
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Whether the store was opened read-only ([`Store::open_read_only`]): what would bring derived records up
    /// to date (the scoring ledger) is then worked out in memory instead of stored.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Open an existing store for reading only: no file is created, no migration applied, nothing written — so
    /// the read-only commands work on a read-only file, directory or mount. A SQLite file is opened with
    /// `mode=ro`; when SQLite cannot even read it that way (a WAL database in a directory where it may not create
    /// its shared-memory file), with `immutable=1` (<https://www.sqlite.org/uri.html>: no locking, no change
    /// detection — right for a read-only medium). A schema older than this program's is refused
    /// ([`StoreError::SchemaOutdated`]): reading it with newer queries could fail halfway or read wrong.
    pub async fn open_read_only(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let store = if url.starts_with("sqlite:") {
            plantrack_sqlite_rows::register()?;
            let Some(file) = sqlite_file(url) else {
                return Err(StoreError::UnsupportedUrl(redact(url)));
            };
            if !file.is_file() {
                return Err(StoreError::Missing(file.display().to_string()));
            }
            let base = url.split('?').next().unwrap_or(url);
            let ro = format!("{base}?mode=ro");
            let url = match probe_read_only(&ro).await {
                Ok(()) => ro,
                Err(first) => {
                    let immutable = format!("{base}?mode=ro&immutable=1");
                    probe_read_only(&immutable).await.map_err(|_| first)?;
                    immutable
                }
            };
            let pool = AnyPoolOptions::new()
                .max_connections(4)
                .after_connect(|conn, _meta| Box::pin(async move { sqlite_setup(conn, true).await }))
                .connect(&url)
                .await?;
            Store {
                pool,
                backend: Backend::Sqlite,
                read_only: true,
            }
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute("set session characteristics as transaction read only")
                            .await?;
                        Ok(())
                    })
                })
                .connect(url)
                .await?;
            Store {
                pool,
                backend: Backend::Postgres,
                read_only: true,
            }
        } else {
            return Err(StoreError::UnsupportedUrl(redact(url)));
        };
        store.check_schema().await?;
        Ok(store)
    }

    /// Refuses a store whose newest applied migration is older than this program's newest.
    async fn check_schema(&self) -> Result<(), StoreError> {
        let needed = migrations(self.backend)
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0);
        let has_table = match self.backend {
            Backend::Sqlite => {
                "select count(*) as n from sqlite_master where type = 'table' and name = '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "select count(*) as n from information_schema.tables where table_schema = current_schema() and table_name = '_sqlx_migrations'"
            }
        };
        let row = sqlx::query(has_table).fetch_one(&self.pool).await?;
        let n: i64 = sql::get(&row, "n")?;
        let found = if n == 0 {
            0
        } else {
            let row =
                sqlx::query("select coalesce(max(version), 0) as v from _sqlx_migrations where success")
                    .fetch_one(&self.pool)
                    .await?;
            sql::get::<i64>(&row, "v")?
        };
        if found < needed {
            return Err(StoreError::SchemaOutdated { found, needed });
        }
        Ok(())
    }

    /// Open the default SQLite store ([`default_sqlite_path`]).
    pub async fn open_default() -> Result<Store, StoreError> {
        Store::open(&sqlite_url(&default_sqlite_path())).await
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = Migrator::with_migrations(migrations(self.backend));
        migrator.run(&self.pool).await?;
        chain::chain_legacy(self).await?;
        Ok(())
    }

    /// The engine.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for crates that need raw access in tests. Production code goes through the methods.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Close the pool (waits for connections to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Start a unit of work on behalf of `actor`. Every write in it is audited as done by `actor` at the
    /// instant the unit started; nothing is visible to others until [`Tx::commit`].
    pub async fn begin(&self, actor: Actor) -> Result<Tx, StoreError> {
        // SQLite: take the write lock at once, so that two writers wait on the busy timeout instead of
        // failing with SQLITE_BUSY when a read lock would have to be upgraded.
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("begin immediate").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(Tx::new(tx, actor, self.backend))
    }

    /// The tables of the schema (without sqlx's bookkeeping), in creation order of the migrations.
    pub async fn tables(&self) -> Result<Vec<String>, StoreError> {
        let mut seen = Vec::new();
        for (t, _) in schema_columns(self).await? {
            if seen.last() != Some(&t) {
                seen.push(t);
            }
        }
        Ok(seen)
    }

    /// Read a row by id.
    pub async fn get<T: Record>(&self, id: i64) -> Result<Stored<T>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        record::fetch_by_id::<T>(&mut conn, id)
            .await?
            .ok_or_else(|| StoreError::not_found(T::ENTITY, id))
    }

    /// Read a row by its natural key (`Record::KEY` order), if present.
    pub async fn find_by_key<T: Record>(&self, key: &[Param]) -> Result<Option<Stored<T>>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        record::fetch_by_key::<T>(&mut conn, key).await
    }

    /// Whether the table of `T` holds any row: one probe, however large the table (a `list` would count and
    /// sort it — half a second on a province's 250,000 enterprises, at every start of the server).
    pub async fn has_rows<T: Record>(&self) -> Result<bool, StoreError> {
        let st = sql::Stmt::new(format!("select 1 as n from {} limit 1", T::ENTITY));
        Ok(st.query(self.backend).fetch_optional(&self.pool).await?.is_some())
    }

    /// List rows with search, filters and paging.
    pub async fn list<T: Record>(&self, q: &ListQuery) -> Result<Page<Stored<T>>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        record::list::<T>(&mut conn, q).await
    }
}

/// Every (table, column) of the schema, ordered by table name and column position — the same list on both
/// engines (a test compares them).
pub async fn schema_columns(store: &Store) -> Result<Vec<(String, String)>, StoreError> {
    Ok(schema_info(store)
        .await?
        .into_iter()
        .map(|c| (c.table, c.column))
        .collect())
}

/// What kind of value a column holds, as far as the Any driver is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnKind {
    Int,
    Text,
    Blob,
}

#[derive(Debug, Clone)]
pub(crate) struct ColumnInfo {
    pub table: String,
    pub column: String,
    pub kind: ColumnKind,
}

pub(crate) async fn schema_info(store: &Store) -> Result<Vec<ColumnInfo>, StoreError> {
    let sql = match store.backend {
        Backend::Sqlite => {
            "select m.name as t, p.name as c, lower(p.type) as ty from sqlite_master m join pragma_table_info(m.name) p \
             where m.type = 'table' and m.name not like 'sqlite_%' and m.name <> '_sqlx_migrations' \
             order by m.name, p.cid"
        }
        Backend::Postgres => {
            "select cast(table_name as text) as t, cast(column_name as text) as c, cast(data_type as text) as ty \
             from information_schema.columns \
             where table_schema = current_schema() and table_name <> '_sqlx_migrations' \
             order by table_name, ordinal_position"
        }
    };
    let rows = sqlx::query(sql).fetch_all(&store.pool).await?;
    rows.iter()
        .map(|r| {
            let ty: String = sql::get(r, "ty")?;
            let kind = if ty.contains("int") {
                ColumnKind::Int
            } else if ty.contains("blob") || ty.contains("bytea") {
                ColumnKind::Blob
            } else {
                ColumnKind::Text
            };
            Ok(ColumnInfo {
                table: sql::get(r, "t")?,
                column: sql::get(r, "c")?,
                kind,
            })
        })
        .collect()
}

/// The settings of every SQLite connection; `read_only` leaves out what writes (the page size and journal mode
/// of a new database) and forbids writing (`query_only`).
async fn sqlite_setup(conn: &mut sqlx::AnyConnection, read_only: bool) -> Result<(), sqlx::Error> {
    if read_only {
        conn.execute("pragma query_only = on").await?;
    } else {
        // WAL: readers do not block the writer. synchronous=NORMAL is durable in WAL mode except for the last
        // transactions on power loss (never corrupt).
        // 16 KiB pages for a new database (an existing one keeps its size): a bulk import writes and checkpoints
        // a quarter of the pages (1 M annual figures: the commit's checkpoint 0.55 → 0.4 s); lookups read
        // through the memory map either way.
        conn.execute("pragma page_size = 16384").await?;
        conn.execute("pragma journal_mode = wal").await?;
        conn.execute("pragma synchronous = normal").await?;
    }
    // Foreign keys and the busy timeout are sqlx's defaults for SQLite (ON, 5 s).
    conn.execute("pragma foreign_keys = on").await?;
    conn.execute("pragma busy_timeout = 5000").await?;
    // A 64 MB page cache per connection (default 2 MB): a bulk import into a large store otherwise re-reads index
    // pages it has just written (1 M rows: 4× slower).
    conn.execute("pragma cache_size = -65536").await?;
    conn.execute("pragma temp_store = memory").await?;
    // Read the database file through a memory map (up to 1 GiB) instead of a read() call per page: scanning a
    // province's registries spent a third of its time in the kernel copying pages. The WAL is still read and
    // written with system calls.
    conn.execute("pragma mmap_size = 1073741824").await?;
    Ok(())
}

/// Opens one read-only connection and reads the schema through it (SQLite opens files lazily: only a read shows
/// whether the file can be read this way).
async fn probe_read_only(url: &str) -> Result<(), StoreError> {
    let mut conn = sqlx::AnyConnection::connect(url).await?;
    sqlite_setup(&mut conn, true).await?;
    sqlx::query("select count(*) as n from sqlite_master")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

/// Whether the SQLite file (if it exists) and its directory can be written — SQLite needs both, for the file and
/// its `-wal`/`-shm` companions. Checked before connecting, so that a read-only file, directory or mount gives
/// a clear error at once. Opening for append changes nothing; the probe file in the directory is removed at
/// once. Unlike permission bits, a read-only mount or an immutable file refuses root too.
fn check_writable(file: &Path) -> Result<(), StoreError> {
    let read_only = |path: &Path, e: std::io::Error| StoreError::ReadOnly {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let refused = |e: &std::io::Error| {
        matches!(
            e.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
        )
    };
    if file.exists()
        && let Err(e) = std::fs::OpenOptions::new().append(true).open(file)
    {
        return Err(if refused(&e) { read_only(file, e) } else { e.into() });
    }
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let probe = dir.join(format!(".plantrack-write-check-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            std::fs::remove_file(&probe)?;
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) if refused(&e) => Err(read_only(&dir, e)),
        Err(e) => Err(e.into()),
    }
}

fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Some(PathBuf::from(
        path.replace("%3F", "?").replace("%23", "#").replace("%25", "%"),
    ))
}

/// A URL with its password masked, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let cred = &url[s + 3..at];
            match cred.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &cred[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_in_urls() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }

    #[test]
    fn sqlite_url_round_trips_odd_paths() {
        let p = Path::new("/tmp/a b/x?y#z%.db");
        assert_eq!(sqlite_file(&sqlite_url(p)).unwrap(), p);
    }
}
