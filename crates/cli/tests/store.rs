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
fn status_on_a_store_that_does_not_exist_says_how_to_fill_one() {
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

const HEADER: &str = "统一社会信用代码,企业名称,成立日期,所在区划代码,行业代码,高新技术领域,年度,职工总数,科技人员数,销售收入(万元),主营业务收入(万元),总收入(万元),高新技术产品(服务)收入(万元),资产总额(万元),负债总额(万元),成本费用支出总额(万元),研发费用(万元),境内研发费用(万元),Ⅰ类知识产权数,Ⅱ类知识产权数,研发机构级别,科技成果转化数";

/// A valid USCC for tests (check digit computed as GB 32100 does).
fn uscc(n: u32) -> String {
    plantrack_core::qualify::Uscc::with_check_digit(&format!("91211102MA{n:07}"))
        .unwrap()
        .to_string()
}

#[test]
fn import_is_all_or_nothing_and_lists_every_bad_row_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("i.sqlite3");
    let file = dir.path().join("企业年报.csv");
    let good = |i: u32| {
        format!(
            "{},企业{i}（演示）,2010-01-01,211102,C2614,,2019,10,5,100,100,100,10,100,10,90,5,5,0,1,,0\n",
            uscc(i)
        )
    };
    let mut text = format!("{HEADER}\n{}{}", good(1), good(2));
    text.push_str(&format!(
        "{},坏,2010-01-01,211102,C2614,,2019,10,50,100,100,100,10,100,10,90,5,6,0,1,,0\n",
        uscc(3)
    ));
    // GBK, as Excel on Chinese Windows saves it.
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    std::fs::write(&file, gbk).unwrap();
    plantrack(&db)
        .args(["import", "enterprises"])
        .arg(&file)
        .assert()
        .code(2)
        .stdout(
            predicate::str::contains("第4行「科技人员数」")
                .and(predicate::str::contains("row 4, column 境内研发费用(万元)"))
                .and(predicate::str::contains("nothing was imported")),
        );
    plantrack(&db)
        .args(["export", "enterprises", "-o"])
        .arg(dir.path().join("empty.csv"))
        .assert()
        .success();
    let exported = std::fs::read_to_string(dir.path().join("empty.csv")).unwrap();
    assert_eq!(exported.lines().count(), 1, "{exported}");
    // Fixed, the file imports; imported twice, nothing changes.
    let fixed = text
        .replace(",10,50,100,", ",10,5,100,")
        .replace(",5,6,0,1,,0", ",5,5,0,1,,0");
    std::fs::write(&file, fixed).unwrap();
    plantrack(&db)
        .args(["import", "enterprises"])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("inserted        3"));
    let again = json(
        plantrack(&db)
            .args(["import", "enterprises", "--format", "json"])
            .arg(&file),
    );
    assert_eq!(again["imported"], true);
    assert_eq!(again["counts"][1][1]["unchanged"], 3);
    assert_eq!(again["counts"][1][1]["inserted"], 0);
}

#[test]
fn templates_exports_backup_and_restore_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite3");
    let t = dir.path().join("企业年报模板.xlsx");
    plantrack(&db)
        .args(["template", "enterprises", "-o"])
        .arg(&t)
        .assert()
        .success();
    assert!(std::fs::read(&t).unwrap().starts_with(b"PK"));
    plantrack(&db)
        .args(["import", "enterprises"])
        .arg(&t)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("no data rows"));
    plantrack(&db).arg("demo").assert().success();
    let before = json(plantrack(&db).args(["status", "--format", "json"]));
    let backup = dir.path().join("backup.sqlite3");
    plantrack(&db).arg("backup").arg(&backup).assert().success();
    // A second backup to the same name is refused rather than overwritten.
    plantrack(&db).arg("backup").arg(&backup).assert().code(2);
    // Change the store, then restore: the status is as before.
    let talents = dir.path().join("talents.csv");
    std::fs::write(&talents, "姓名,人才类别,引进日期,引进单位统一社会信用代码,所在区划代码\n某某（演示）,高端创新创业人才,2020-09-01,,211102\n").unwrap();
    plantrack(&db)
        .args(["import", "talents"])
        .arg(&talents)
        .assert()
        .success();
    assert_ne!(json(plantrack(&db).args(["status", "--format", "json"])), before);
    plantrack(&db).arg("restore").arg(&backup).assert().success();
    assert_eq!(json(plantrack(&db).args(["status", "--format", "json"])), before);
    plantrack(&db)
        .arg("restore")
        .arg(dir.path().join("missing.sqlite3"))
        .assert()
        .code(2);
    // The indicator table is the CSV `status --data` reads: same report.
    let table = dir.path().join("indicators.csv");
    plantrack(&db)
        .args(["export", "indicators", "-o"])
        .arg(&table)
        .assert()
        .success();
    let from_csv = json(
        plantrack(&db)
            .args(["status", "--format", "json", "--period", "2020Q3", "--data"])
            .arg(&table),
    );
    assert_eq!(from_csv, before);
    plantrack(&db)
        .args(["export", "nonsense", "-o", "x.xlsx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("indicators"));
}
