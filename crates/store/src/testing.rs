//! Test support (feature `testing`): a fresh, migrated store per test — a SQLite temp file always, and a
//! PostgreSQL database created for the test (and dropped after) when `PLANTRACK_TEST_PG_URL` is set.
//!
//! ```ignore
//! for db in plantrack_store::testing::TestDb::all().await { let store = &db.store; … db.finish().await; }
//! ```

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{AssertSqlSafe, Connection};

use crate::{Backend, Store, StoreError};

/// The environment variable naming the PostgreSQL server's `test` database.
pub const PG_URL_VAR: &str = "PLANTRACK_TEST_PG_URL";

static SEQ: AtomicU64 = AtomicU64::new(0);

/// A store for one test. Call [`TestDb::finish`] at the end to drop a PostgreSQL database (a leftover is
/// harmless: its name says `plantrack_t_`).
#[derive(Debug)]
pub struct TestDb {
    /// The store.
    pub store: Store,
    /// Its URL (to open a second store on the same database, as a second server instance would).
    pub url: String,
    dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    /// A SQLite store in a fresh temp file.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let url = crate::sqlite_url(&dir.path().join("test.sqlite3"));
        let store = Store::open(&url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
        TestDb {
            store,
            url,
            dir: Some(dir),
            pg: None,
        }
    }

    /// A PostgreSQL store in a freshly created database, if `PLANTRACK_TEST_PG_URL` is set.
    pub async fn postgres() -> Option<TestDb> {
        let admin = std::env::var(PG_URL_VAR).ok().filter(|s| !s.is_empty())?;
        let name = format!(
            "plantrack_t_{}_{}_{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed),
            rand::random::<u32>()
        );
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("connect {admin}: {e}"));
        sqlx::query(AssertSqlSafe(format!("create database {name}")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("create database {name}: {e}"));
        let _ = conn.close().await;
        let url = replace_db_name(&admin, &name);
        let store = Store::open(&url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
        Some(TestDb {
            store,
            url,
            dir: None,
            pg: Some((admin, name)),
        })
    }

    /// SQLite, then PostgreSQL when configured.
    pub async fn all() -> Vec<TestDb> {
        let mut v = vec![TestDb::sqlite().await];
        v.extend(TestDb::postgres().await);
        v
    }

    /// The engine.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// A second store on the same database.
    pub async fn reopen(&self) -> Result<Store, StoreError> {
        Store::open(&self.url).await
    }

    /// Close the store and remove the database.
    pub async fn finish(mut self) {
        self.store.close().await;
        if let Some((admin, name)) = self.pg.take()
            && let Ok(mut conn) = sqlx::AnyConnection::connect(&admin).await
        {
            let _ = sqlx::query(AssertSqlSafe(format!(
                "drop database if exists {name} with (force)"
            )))
            .execute(&mut conn)
            .await;
            let _ = conn.close().await;
        }
        drop(self.dir.take());
    }
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Run `body` once per configured backend with a fresh store, then clean up.
#[macro_export]
macro_rules! for_each_backend {
    (|$db:ident| $body:block) => {{
        for $db in $crate::testing::TestDb::all().await {
            $body
            $db.finish().await;
        }
    }};
}
