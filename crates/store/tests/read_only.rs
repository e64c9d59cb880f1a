//! A store on a read-only file, directory or mount: a command that writes is refused at once with a clear message
//! (not after the pool's 30-second timeout), one that reads opens it read-only — creating nothing, migrating
//! nothing — and an older schema is refused when it cannot be upgraded.
//!
//! Tests run as root in CI, and root ignores permission bits; a file and directory marked immutable
//! (`chattr +i`, ext4 and most Linux file systems) refuse root as a read-only mount does. Without `chattr` (or as
//! a user who may not use it) the permission bits are used instead, which refuse everyone but root.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use plantrack_store::{Store, StoreError, sqlite_url};

/// Makes a file and its directory read-only for as long as it lives.
struct ReadOnly {
    paths: Vec<PathBuf>,
    chattr: bool,
}

impl ReadOnly {
    fn new(file: &Path) -> ReadOnly {
        let dir = file.parent().unwrap().to_path_buf();
        let paths = vec![file.to_path_buf(), dir];
        let chattr = paths.iter().all(|p| {
            Command::new("chattr")
                .arg("+i")
                .arg(p)
                .status()
                .is_ok_and(|s| s.success())
        });
        if !chattr {
            use std::os::unix::fs::PermissionsExt;
            for p in &paths {
                let mode = if p.is_dir() { 0o555 } else { 0o444 };
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
            }
        }
        let guard = ReadOnly { paths, chattr };
        // As root without chattr nothing is read-only: say so rather than pass for the wrong reason.
        assert!(
            std::fs::OpenOptions::new().append(true).open(file).is_err(),
            "could not make {} read-only (chattr: {chattr})",
            file.display()
        );
        guard
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        for p in &self.paths {
            if self.chattr {
                let _ = Command::new("chattr").arg("-i").arg(p).status();
            } else {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755));
            }
        }
    }
}

/// A store with the full schema and some data, in a WAL database, closed.
async fn made_store(dir: &Path) -> PathBuf {
    let file = dir.join("s.sqlite3");
    let store = Store::open(&sqlite_url(&file)).await.unwrap();
    sqlx::query("create table extra(a integer)")
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("insert into extra(a) values (42)")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    file
}

#[tokio::test]
async fn a_read_only_store_is_refused_at_once_for_writing_and_read_for_reading() {
    let tmp = tempfile::tempdir().unwrap();
    let sub = tmp.path().join("ro");
    std::fs::create_dir(&sub).unwrap();
    let file = made_store(&sub).await;
    let url = sqlite_url(&file);
    {
        let _ro = ReadOnly::new(&file);
        let started = Instant::now();
        let Err(err) = Store::open(&url).await else {
            panic!("a read-only store opened for writing");
        };
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
        assert!(matches!(err, StoreError::ReadOnly { .. }), "{err}");
        assert!(err.to_string().contains("read-only"), "{err}");

        let started = Instant::now();
        let store = Store::open_read_only(&url).await.unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
        let row = sqlx::query("select a from extra")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let a: i64 = sqlx::Row::get(&row, "a");
        assert_eq!(a, 42);
        assert!(!store.tables().await.unwrap().is_empty());
        assert!(
            sqlx::query("insert into extra(a) values (1)")
                .execute(store.pool())
                .await
                .is_err()
        );
        store.close().await;
    }
    // Nothing was left behind in the directory but the store itself (and SQLite's companions, if any).
    let names: Vec<String> = std::fs::read_dir(&sub)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| n.starts_with("s.sqlite3")), "{names:?}");
}

#[tokio::test]
async fn a_store_opened_read_only_cannot_be_written_even_when_the_file_could() {
    let tmp = tempfile::tempdir().unwrap();
    let file = made_store(tmp.path()).await;
    let store = Store::open_read_only(&sqlite_url(&file)).await.unwrap();
    let err = sqlx::query("insert into extra(a) values (1)")
        .execute(store.pool())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("readonly") || err.to_string().contains("query_only"),
        "{err}"
    );
    store.close().await;
}

#[tokio::test]
async fn a_missing_store_is_not_created_when_opened_for_reading() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("typo").join("nope.sqlite3");
    let err = Store::open_read_only(&sqlite_url(&file)).await.err().unwrap();
    assert!(matches!(err, StoreError::Missing(_)), "{err}");
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(!file.exists() && !file.parent().unwrap().exists());
}

#[tokio::test]
async fn an_older_schema_is_refused_when_opened_read_only() {
    let tmp = tempfile::tempdir().unwrap();
    let file = made_store(tmp.path()).await;
    let store = Store::open(&sqlite_url(&file)).await.unwrap();
    sqlx::query("delete from _sqlx_migrations where version = (select max(version) from _sqlx_migrations)")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let err = Store::open_read_only(&sqlite_url(&file)).await.err().unwrap();
    match err {
        StoreError::SchemaOutdated { found, needed } => assert!(found < needed && found > 0),
        other => panic!("{other}"),
    }
    // An empty file is no store at all.
    let empty = tmp.path().join("empty.sqlite3");
    std::fs::write(&empty, b"").unwrap();
    let err = Store::open_read_only(&sqlite_url(&empty)).await.err().unwrap();
    assert!(
        matches!(err, StoreError::SchemaOutdated { found: 0, .. }),
        "{err}"
    );
}
