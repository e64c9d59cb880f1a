//! CLI tests of the store-backed commands: `plantrack demo`, `plantrack status` without `--data`, and (below)
//! import, export, template, backup, restore and gen — the real binary on temporary SQLite files.

#![allow(clippy::unwrap_used)] // tests may unwrap (conventions)

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

fn plantrack(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("plantrack").unwrap();
    cmd.env_remove("PLANTRACK_DB")
        .env_remove("PLANTRACK_DATABASE_URL")
        .arg("--db")
        .arg(db);
    cmd
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn demo_then_status_shows_a_living_plan_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("plantrack.sqlite3");
    plantrack(&db)
        .arg("demo")
        .assert()
        .success()
        .stdout(predicate::str::contains("enterprise_years").and(predicate::str::contains("1200")));
    let report = json(plantrack(&db).args(["status", "--format", "json"]));
    assert_eq!(report["org_unit"], "211102");
    assert_eq!(report["period"], "2020Q3");
    let statuses: Vec<&str> = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.len(), 8);
    for s in ["met", "on_track", "at_risk"] {
        assert!(statuses.contains(&s), "{statuses:?}");
    }
    // A second `demo` refuses to write into a store with data (exit 2), and changes nothing.
    plantrack(&db)
        .arg("demo")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already holds data"));
    assert_eq!(json(plantrack(&db).args(["status", "--format", "json"])), report);
}

#[test]
fn status_from_the_demo_store_equals_status_from_the_demo_csv() {
    // The demo registries are built to the derived figures of the plan's demo CSV for 双台子区, and its
    // statistics are the CSV's observed rows: both paths must give the same report, inputs included.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.sqlite3");
    plantrack(&db).arg("demo").assert().success();
    let from_store = json(plantrack(&db).args(["status", "--format", "json", "--period", "2020Q3"]));
    let from_csv = json(
        plantrack(&db)
            .args(["status", "--format", "json", "--period", "2020Q3", "--data"])
            .arg(repo("plans/shuangtaizi-demo-observations.csv")),
    );
    let (a, b) = (
        from_store["targets"].as_array().unwrap(),
        from_csv["targets"].as_array().unwrap(),
    );
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x, y, "{}", x["id"]);
    }
    assert_eq!(from_store, from_csv);
}

#[test]
fn status_on_an_empty_store_says_there_is_no_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.sqlite3");
    plantrack(&db)
        .arg("status")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("plantrack demo"));
    plantrack(&db)
        .args(["status", "--org-unit", "999999"])
        .assert()
        .code(2);
}
