//! Hostile input and a hostile environment at the command line: a period cut inside a character, a plan whose
//! expression nests 10,000 deep, an unknown province prefix, a mistyped `--db`, a period after the plan's end, a
//! read-only store. Each gives a clear message and exit 2 (or works), never a panic (exit 101), an abort, a
//! 30-second wait or a store created by mistake.
#![allow(clippy::unwrap_used)] // tests may unwrap (conventions)

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;

fn plantrack(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("plantrack").unwrap();
    cmd.env_remove("PLANTRACK_DB")
        .env_remove("PLANTRACK_DATABASE_URL")
        .arg("--db")
        .arg(db);
    cmd
}

fn observations() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../plans/shuangtaizi-demo-observations.csv")
}

fn demo_store(dir: &Path) -> PathBuf {
    let db = dir.join("demo.sqlite3");
    plantrack(&db).arg("demo").assert().success();
    db
}

#[test]
fn a_period_cut_inside_a_character_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.sqlite3");
    plantrack(&db)
        .args(["status", "--data"])
        .arg(observations())
        .args(["--period", "20一8"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a period"));
    plantrack(&db)
        .args(["report", "--period", "20一8", "-o"])
        .arg(dir.path().join("r.docx"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a period"));
}

#[test]
fn a_plan_nested_too_deeply_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../plans/shuangtaizi-2018-2020.toml"),
    )
    .unwrap();
    let line = plan
        .lines()
        .find(|l| l.trim_start().starts_with("expression ="))
        .unwrap()
        .to_owned();
    for nested in [
        format!("{}gdp{}", "(".repeat(10_000), ")".repeat(10_000)),
        format!("{}gdp", "-".repeat(30_000)),
        format!("{}gdp{}", "yoy(".repeat(30_000), ")".repeat(30_000)),
    ] {
        let file = dir.path().join("deep.toml");
        std::fs::write(
            &file,
            plan.replacen(&line, &format!("expression = \"{nested}\""), 1),
        )
        .unwrap();
        plantrack(&dir.path().join("x.sqlite3"))
            .args(["plan", "check"])
            .arg(&file)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("nested too deeply").and(predicate::str::contains("嵌套过深")));
    }
}

#[test]
fn misleading_messages_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    // A mistyped --db: a read command says the store does not exist, exit 2, and creates nothing.
    let typo = dir.path().join("tpyo").join("store.sqlite3");
    plantrack(&typo)
        .args(["status", "--period", "2019"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
    assert!(!typo.exists() && !typo.parent().unwrap().exists());
    plantrack(&typo)
        .args(["export", "talents", "-o"])
        .arg(dir.path().join("t.csv"))
        .assert()
        .code(2);
    assert!(!typo.exists());

    let db = demo_store(dir.path());
    // Six digits with an unknown province prefix: say so, not "must be 6 digits".
    plantrack(&db)
        .args(["status", "--org-unit", "999999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("province prefix").and(predicate::str::contains("6 digits").not()));
    // A period after the plan's end: say that the plan ended and which period is shown.
    plantrack(&db)
        .args(["status", "--period", "2021"])
        .assert()
        .success()
        .stdout(predicate::str::contains("the plan ended in 2020").and(predicate::str::contains("for 2020")));
    plantrack(&db)
        .args(["status", "--period", "2019"])
        .assert()
        .success()
        .stdout(predicate::str::contains("the plan ended").not());
}

/// Makes the store's file and directory read-only (immutable: refuses root too), undone on drop.
struct ReadOnly(Vec<PathBuf>);

impl ReadOnly {
    fn new(file: &Path) -> Option<ReadOnly> {
        let paths = vec![file.to_path_buf(), file.parent().unwrap().to_path_buf()];
        for p in &paths {
            let ok = StdCommand::new("chattr")
                .arg("+i")
                .arg(p)
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                use std::os::unix::fs::PermissionsExt;
                let mode = if p.is_dir() { 0o555 } else { 0o444 };
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
            }
        }
        let guard = ReadOnly(paths);
        // As root without chattr nothing is read-only: then this test cannot say anything.
        std::fs::OpenOptions::new()
            .append(true)
            .open(file)
            .is_err()
            .then_some(guard)
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        for p in &self.0 {
            let _ = StdCommand::new("chattr").arg("-i").arg(p).status();
            let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755));
        }
    }
}

#[test]
fn read_commands_work_on_a_read_only_store_and_writes_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("ro");
    std::fs::create_dir(&sub).unwrap();
    let db = demo_store(&sub);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let Some(_ro) = ReadOnly::new(&db) else {
        eprintln!("skipped: cannot make a file read-only here (root without chattr)");
        return;
    };
    let started = Instant::now();
    plantrack(&db)
        .args(["status", "--period", "2019"])
        .timeout(Duration::from_secs(20))
        .assert()
        .success()
        .stdout(predicate::str::contains("rd_intensity").or(predicate::str::contains("目标")));
    plantrack(&db)
        .args(["export", "talents", "-o"])
        .arg(out.join("t.csv"))
        .timeout(Duration::from_secs(20))
        .assert()
        .success();
    plantrack(&db)
        .args(["report", "--period", "2019Q4", "--as-of", "2020-01-15", "-o"])
        .arg(out.join("r.docx"))
        .timeout(Duration::from_secs(20))
        .assert()
        .success();
    plantrack(&db)
        .args(["demo", "--force"])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("read-only"));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}
