//! `plantrack report`: the supervision report of a period from the store, as DOCX or XLSX by extension; a bad
//! extension or period exits 2 and writes nothing.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use predicates::prelude::*;

fn plantrack(db: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("plantrack").unwrap();
    cmd.arg("--db").arg(db);
    cmd
}

#[test]
fn the_demo_store_gives_a_docx_and_an_xlsx_and_issuing_freezes_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.sqlite3");
    plantrack(&db).arg("demo").assert().success();

    let docx = dir.path().join("督导检查通报-2019Q4.docx");
    plantrack(&db)
        .args(["report", "--period", "2019Q4", "--as-of", "2020-01-15", "-o"])
        .arg(&docx)
        .assert()
        .success()
        .stderr(predicate::str::contains("written"));
    let bytes = std::fs::read(&docx).unwrap();
    assert!(bytes.starts_with(b"PK"));
    // The document's XML holds the title (stored uncompressed names are not guaranteed; look for the media).
    assert!(
        bytes.windows(10).any(|w| w == b"word/media"),
        "no images in the docx"
    );

    let xlsx = dir.path().join("通报.xlsx");
    plantrack(&db)
        .args([
            "report",
            "--period",
            "2019Q4",
            "--as-of",
            "2020-01-15",
            "--output",
        ])
        .arg(&xlsx)
        .assert()
        .success();
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));

    plantrack(&db)
        .args([
            "report",
            "--period",
            "2019Q4",
            "--issue",
            "--number",
            "双科督〔2020〕1号",
            "-o",
        ])
        .arg(dir.path().join("issued.docx"))
        .assert()
        .success()
        .stderr(predicate::str::contains("issued report no. 1"));
}

/// The text of a DOCX's body.
fn docx_text(path: &std::path::Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    xml
}

#[test]
fn without_as_of_a_past_period_is_reported_as_it_stood_at_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.sqlite3");
    plantrack(&db).arg("demo").assert().success();
    let docx = dir.path().join("2019Q4.docx");
    plantrack(&db)
        .args(["report", "--period", "2019Q4", "-o"])
        .arg(&docx)
        .assert()
        .success();
    let xml = docx_text(&docx);
    assert!(
        xml.contains("数据截至2019年12月31日"),
        "the figures describe the period's end"
    );
    // On the period's last day the plan's tasks (due 2020-12-31) are not overdue.
    assert!(!xml.contains("超过办结时限"), "no task is overdue on 2019-12-31");
    // A day named explicitly still wins.
    let later = dir.path().join("later.docx");
    plantrack(&db)
        .args(["report", "--period", "2019Q4", "--as-of", "2021-03-01", "-o"])
        .arg(&later)
        .assert()
        .success();
    let xml = docx_text(&later);
    assert!(xml.contains("数据截至2021年3月1日"));
    assert!(xml.contains("超过办结时限"));
}

#[test]
fn a_bad_extension_or_period_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.sqlite3");
    let out = dir.path().join("report.pdf");
    plantrack(&db)
        .args(["report", "--period", "2019Q4", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".docx"));
    assert!(!out.exists());
    let out = dir.path().join("report.docx");
    plantrack(&db)
        .args(["report", "--period", "2019Q9", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--period"));
    assert!(!out.exists());
}

#[test]
fn remind_is_off_unless_enabled_and_refuses_bad_settings() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.sqlite3");
    let off = dir.path().join("mail.toml");
    std::fs::write(
        &off,
        "[mail]\nhost = \"127.0.0.1\"\n[mail.recipients]\njx = \"jx@example.gov.cn\"\n",
    )
    .unwrap();
    plantrack(&db)
        .args(["remind", "--mail-config"])
        .arg(&off)
        .assert()
        .success()
        .stderr(predicate::str::contains("off"));
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[mail]\nhots = \"x\"\n").unwrap();
    plantrack(&db)
        .args(["remind", "--mail-config"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("hots"));
}
