//! `plantrack user add`, `plantrack token create` and `plantrack serve`: the real binary on a temporary store —
//! the password from stdin, the token printed once, bad input exits 2; the server answers, loads the demo on first
//! run, and stops gracefully on SIGTERM.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;

fn plantrack(db: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("plantrack").unwrap();
    c.arg("--db").arg(db);
    c
}

#[test]
fn users_are_added_with_the_password_from_stdin_and_tokens_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.sqlite3");
    plantrack(&db)
        .args([
            "user",
            "add",
            "zhang",
            "--role",
            "department",
            "--department",
            "tongji",
        ])
        .write_stdin("a long password\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("zhang (department)"));
    // The token is 64 hex digits on one line.
    let out = plantrack(&db)
        .args(["token", "create", "zhang"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let token = String::from_utf8(out).unwrap();
    let token = token.trim();
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    // The same name again, a short password, a department user without a department, an unknown role: exit 2.
    plantrack(&db)
        .args(["user", "add", "zhang", "--role", "leader"])
        .write_stdin("another long one\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("已存在"));
    plantrack(&db)
        .args(["user", "add", "li", "--role", "leader"])
        .write_stdin("short\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least 8"));
    plantrack(&db)
        .args(["user", "add", "wang", "--role", "department"])
        .write_stdin("a long password\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a department"));
    plantrack(&db)
        .args(["user", "add", "zhao", "--role", "boss"])
        .write_stdin("a long password\n")
        .assert()
        .code(2);
    plantrack(&db)
        .args(["token", "create", "nobody"])
        .assert()
        .code(2);
}

#[test]
fn serve_answers_with_the_demo_on_first_run_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.sqlite3");
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("plantrack"))
        .arg("--db")
        .arg(&db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut url = None;
    let mut demo = false;
    while let Some(Ok(line)) = lines.next() {
        demo |= line.contains("demo data loaded");
        if let Some(i) = line.find("http://") {
            url = Some(
                line[i..]
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .trim_end_matches('/')
                    .to_owned(),
            );
            break;
        }
        assert!(Instant::now() < deadline, "no address printed");
    }
    let url = url.unwrap();
    assert!(demo, "the demo is loaded into an empty store");
    let addr = url.trim_start_matches("http://");
    let get = |path: &str| {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    assert!(get("/healthz").starts_with("HTTP/1.1 200"));
    let page = get("/");
    assert!(page.starts_with("HTTP/1.1 200"));
    assert_eq!(page.matches("class=\"card target-card\"").count(), 8);
    // The demo store is seen on the day its supervision history ends, and every page says so.
    assert!(
        page.contains("演示数据：督办记录截至 2020-01-12"),
        "the demo clock is shown"
    );
    let status = StdCommand::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
    let code = child.wait().unwrap();
    assert!(code.success(), "graceful stop exits 0: {code:?}");
}
