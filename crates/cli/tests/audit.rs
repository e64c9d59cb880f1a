//! `plantrack audit verify` and the commands that must show something before keeping it, on the real binary:
//! an intact chain exits 0 with the count and the newest hash, a tampered one exits 2 naming the event; a token
//! or a user whose confirmation cannot be written (stdout on /dev/full) exits 1 and is not kept.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;

fn plantrack(db: &Path) -> Command {
    let mut c = Command::cargo_bin("plantrack").unwrap();
    c.env_remove("PLANTRACK_DB")
        .env_remove("PLANTRACK_DATABASE_URL")
        .arg("--db")
        .arg(db);
    c
}

fn add_user(db: &Path, name: &str) {
    plantrack(db)
        .args(["user", "add", name, "--role", "leader"])
        .write_stdin("a long password\n")
        .assert()
        .success();
}

/// Run SQL on the store as someone with access to the database file would.
fn tamper(db: &Path, sql: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = plantrack_store::Store::open(&plantrack_store::sqlite_url(db))
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(store.pool())
            .await
            .unwrap();
        store.close().await;
    });
}

#[test]
fn audit_verify_exits_0_on_an_intact_chain_and_2_naming_a_tampered_event() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.sqlite3");
    for name in ["zhang", "li", "wang"] {
        add_user(&db, name);
    }
    plantrack(&db)
        .args(["audit", "verify"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("审计链完整")
                .and(predicate::str::contains("3 events verified"))
                .and(predicate::str::is_match("newest event: #3 sha256 [0-9a-f]{64}").unwrap()),
        );
    let json = plantrack(&db)
        .args(["audit", "verify", "--from", "2", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        (v["verified"].as_u64(), v["first_id"].as_i64()),
        (Some(2), Some(2))
    );
    assert!(v["broken"].is_null());

    tamper(
        &db,
        "update audit_event set actor = 'admin' where audit_event_id = 2",
    );
    plantrack(&db).args(["audit", "verify"]).assert().code(2).stdout(
        predicate::str::contains("审计事件 #2 被修改")
            .and(predicate::str::contains("audit event #2 was edited"))
            .and(predicate::str::contains("1 events verified before it")),
    );
    tamper(
        &db,
        "update audit_event set actor = 'system' where audit_event_id = 2",
    );
    tamper(&db, "delete from audit_event where audit_event_id = 2");
    plantrack(&db)
        .args(["audit", "verify", "--format", "json"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("\"kind\": \"deleted\""));
}

#[cfg(target_os = "linux")]
fn run_to_dev_full(db: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("plantrack"))
        .env_remove("PLANTRACK_DB")
        .env_remove("PLANTRACK_DATABASE_URL")
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::from(full))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn a_token_or_user_that_cannot_be_shown_is_not_kept_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.sqlite3");
    add_user(&db, "zhang");
    let out = run_to_dev_full(&db, &["token", "create", "zhang"], "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("令牌无法写到标准输出，未保存") && stderr.contains("the token could not be written"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // No token was kept: the audit log has the user's creation only, and the chain is intact.
    plantrack(&db)
        .args(["audit", "verify"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 events verified"));

    let out = run_to_dev_full(
        &db,
        &["user", "add", "li", "--role", "leader"],
        "a long password\n",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the new user could not be written"), "{stderr}");
    // Not kept: the same name can be added now.
    add_user(&db, "li");
    // Listings still end quietly when their reader goes away, and other output errors are errors, not panics.
    let out = run_to_dev_full(&db, &["audit", "verify"], "");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_to_dev_full(&db, &["plan", "show"], "");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
