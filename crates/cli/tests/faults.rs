//! Bad input and faults at the command line (issue 4): `plantrack gen` files import back and the province's
//! status computes; bad files exit 2 with a message naming the file and the reason in Chinese and English; a
//! file above the size limit is refused before it is read; killing an import midway leaves the store as it was.

#![allow(clippy::unwrap_used)] // tests may unwrap (conventions)

use std::path::Path;
use std::time::Instant;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn plantrack(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("plantrack").unwrap();
    cmd.env_remove("PLANTRACK_DB")
        .env_remove("PLANTRACK_DATABASE_URL")
        .env_remove("PLANTRACK_IMPORT_MAX_MB")
        .arg("--db")
        .arg(db);
    cmd
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

/// The store's enterprise rows, as `plantrack export` writes them.
fn exported(db: &Path, dir: &Path, kind: &str) -> String {
    let out = dir.join(format!("export-{kind}.csv"));
    plantrack(db)
        .args(["export", kind, "-o"])
        .arg(&out)
        .assert()
        .success();
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn gen_files_import_in_the_printed_order_and_the_province_status_computes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.sqlite3");
    let out = dir.path().join("gen");
    plantrack(&db)
        .args(["gen", "--enterprises", "60", "--seed", "4", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("enterprises").and(predicate::str::contains("240 行 rows")));
    for kind in [
        "org_units",
        "enterprises",
        "qualifications",
        "contracts",
        "talents",
        "platforms",
        "financing",
        "funding",
        "achievements",
        "observations",
    ] {
        let f = out.join(format!("{kind}.csv"));
        if f.exists() {
            plantrack(&db).args(["import", kind]).arg(&f).assert().success();
        }
    }
    let status = json(plantrack(&db).args(["status", "--format", "json", "--org-unit", "210000"]));
    assert_eq!(status["org_unit"], "210000");
    assert_eq!(status["period"], "2020");
    assert_eq!(status["targets"].as_array().unwrap().len(), 8, "{status}");
}

#[test]
fn bad_files_exit_2_with_the_file_and_the_reason_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.sqlite3");
    let cases: [(&str, &[u8], &str, &str); 4] = [
        ("空.csv", b"", "文件为空", "the file is empty"),
        (
            "表头错.csv",
            "名称,数量\n甲,1\n".as_bytes(),
            "找不到表头",
            "no header row found",
        ),
        (
            "改名.xlsx",
            b"just text, renamed",
            "不是有效的 Excel 文件",
            "not a valid workbook",
        ),
        (
            "截断.xlsx",
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
            "无法读取",
            "cannot be read",
        ),
    ];
    for (name, bytes, zh, en) in cases {
        let f = dir.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        plantrack(&db)
            .args(["import", "enterprises"])
            .arg(&f)
            .assert()
            .code(2)
            .stdout(
                predicate::str::contains(name)
                    .and(predicate::str::contains(zh))
                    .and(predicate::str::contains(en)),
            );
    }
}

#[test]
fn a_file_above_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.sqlite3");
    // 100 MB (sparse: the test writes no data); the limit is set below it.
    let big = dir.path().join("大文件.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    plantrack(&db)
        .args(["import", "enterprises", "--max-size", "64"])
        .arg(&big)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("大文件.csv")
                .and(predicate::str::contains("文件过大(100 MB,上限 64 MB)"))
                .and(predicate::str::contains("too large (100 MB, limit 64 MB)")),
        );
    // The limit also comes from the environment.
    plantrack(&db)
        .env("PLANTRACK_IMPORT_MAX_MB", "10")
        .args(["import", "enterprises"])
        .arg(&big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("limit 10 MB"));
}

#[test]
fn killing_an_import_midway_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite3");
    let small = dir.path().join("small");
    let big = dir.path().join("big");
    plantrack(&db)
        .args(["gen", "--enterprises", "20", "--seed", "1", "-o"])
        .arg(&small)
        .assert()
        .success();
    plantrack(&db)
        .args(["gen", "--enterprises", "40000", "--seed", "2", "-o"])
        .arg(&big)
        .assert()
        .success();
    for kind in ["org_units", "enterprises"] {
        plantrack(&db)
            .args(["import", kind])
            .arg(small.join(format!("{kind}.csv")))
            .assert()
            .success();
    }
    let before = exported(&db, dir.path(), "enterprises");

    // How long the whole import takes here, on a copy of the store (debug builds and loaded machines vary).
    let copy = dir.path().join("copy.sqlite3");
    std::fs::copy(&db, &copy).unwrap();
    let wal = dir.path().join("k.sqlite3-wal");
    if wal.exists() {
        std::fs::copy(&wal, dir.path().join("copy.sqlite3-wal")).unwrap();
    }
    let started = Instant::now();
    plantrack(&copy)
        .args(["import", "enterprises"])
        .arg(big.join("enterprises.csv"))
        .assert()
        .success();
    let full = started.elapsed();

    // The same import on the store, killed (SIGKILL: no clean-up) halfway through its one transaction.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("plantrack"))
        .env_remove("PLANTRACK_DB")
        .env_remove("PLANTRACK_DATABASE_URL")
        .arg("--db")
        .arg(&db)
        .args(["import", "enterprises"])
        .arg(big.join("enterprises.csv"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(full / 2);
    assert!(
        child.try_wait().unwrap().is_none(),
        "the import finished before it was killed"
    );
    child.kill().unwrap();
    child.wait().unwrap();

    // Same rows as before, and the store works: a status, then the same big import to the end.
    assert_eq!(exported(&db, dir.path(), "enterprises"), before);
    plantrack(&db)
        .args(["status", "--format", "json"])
        .assert()
        .success();
    let report = json(
        plantrack(&db)
            .args(["import", "enterprises", "--format", "json"])
            .arg(small.join("enterprises.csv")),
    );
    assert_eq!(report["counts"][1][1]["unchanged"], 80, "{report}");
}
