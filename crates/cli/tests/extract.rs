//! `plantrack extract`: the real binary on the seed, the development texts and bad input.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../text/tests/fixtures")
        .join(rel)
}

fn plantrack() -> Command {
    Command::cargo_bin("plantrack").unwrap()
}

fn extract_json(path: &std::path::Path) -> Value {
    let out = plantrack()
        .arg("extract")
        .arg(path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn the_seed_yields_its_eight_targets_as_json() {
    let v = extract_json(&fixture("seed/plan-explanation.original.txt"));
    let targets = v["targets"].as_array().unwrap();
    let ids: Vec<&str> = targets.iter().map(|t| t["target_id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "rd_intensity",
            "high_end_talents",
            "tech_smes",
            "high_tech_enterprises",
            "rd_institution_coverage",
            "high_tech_value_added_growth",
            "tech_contract_growth",
            "industrial_tech_institutes"
        ]
    );
    let rd = &targets[0];
    assert_eq!(rd["value"], "2.5", "values are decimal strings");
    assert_eq!(rd["comparator"], ">=");
    assert_eq!(rd["unit"], "%");
    assert_eq!(rd["deadline"], 2020);
    for key in [
        "indicator",
        "evidence",
        "start",
        "end",
        "lead_department",
        "confidence",
    ] {
        assert!(rd.get(key).is_some(), "missing {key}");
    }
    let text = v["normalized_text"].as_str().unwrap();
    let (s, e) = (
        rd["start"].as_u64().unwrap() as usize,
        rd["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], rd["evidence"].as_str().unwrap());
    assert!(v["title"].as_str().unwrap().contains("三年行动计划"));
    let tasks = v["tasks"].as_array().unwrap();
    assert!(!tasks.is_empty());
}

#[test]
fn a_text_without_targets_gives_an_empty_list() {
    let v = extract_json(&fixture(
        "policy-texts/20_shenyang_kjj_2019_summary_stats_only.txt",
    ));
    assert_eq!(v["targets"], serde_json::json!([]));
}

#[test]
fn a_gbk_file_is_detected_and_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gbk.txt");
    // GBK bytes of "到2020年,高新技术企业达到20家。"
    let text = "到2020年,高新技术企业达到20家。";
    let gbk = gbk_encode(text);
    std::fs::write(&path, gbk).unwrap();
    let v = extract_json(&path);
    assert_eq!(v["targets"][0]["target_id"], "high_tech_enterprises");
    assert_eq!(v["targets"][0]["value"], "20");
}

/// GBK encoding of a few characters, from a table (the test crate does not depend on encoding_rs).
fn gbk_encode(s: &str) -> Vec<u8> {
    let table: &[(char, [u8; 2])] = &[
        ('到', [0xB5, 0xBD]),
        ('年', [0xC4, 0xEA]),
        ('高', [0xB8, 0xDF]),
        ('新', [0xD0, 0xC2]),
        ('技', [0xBC, 0xBC]),
        ('术', [0xCA, 0xF5]),
        ('企', [0xC6, 0xF3]),
        ('业', [0xD2, 0xB5]),
        ('达', [0xB4, 0xEF]),
        ('家', [0xBC, 0xD2]),
        ('。', [0xA1, 0xA3]),
    ];
    let mut out = Vec::new();
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c as u8);
        } else {
            let (_, b) = table.iter().find(|(k, _)| *k == c).unwrap();
            out.extend_from_slice(b);
        }
    }
    out
}

fn refused(bytes: &[u8], chinese: &str, english: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.txt");
    std::fs::write(&path, bytes).unwrap();
    plantrack()
        .arg("extract")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(chinese).and(predicate::str::contains(english)));
}

#[test]
fn an_empty_file_is_refused_with_exit_code_2() {
    refused(b"", "文件为空", "empty");
}

#[test]
fn a_blank_file_is_refused_with_exit_code_2() {
    refused(b" \n\n\t", "空白", "whitespace");
}

#[test]
fn a_binary_file_is_refused_with_exit_code_2() {
    refused(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", "不是文本", "not text");
}

#[test]
fn undecodable_bytes_are_refused_with_exit_code_2() {
    refused(
        b"\xFF\xFE\xFF\xFF\xFF abc \xFF",
        "无法识别文件编码",
        "unknown encoding",
    );
    refused(b"abc \xFF\xFF def", "无法识别文件编码", "unknown encoding");
}

#[test]
fn a_missing_file_or_a_directory_is_refused_with_exit_code_2() {
    plantrack()
        .args(["extract", "/nonexistent/plan.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("无法读取").and(predicate::str::contains("cannot read")));
    let dir = tempfile::tempdir().unwrap();
    plantrack()
        .arg("extract")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("目录").and(predicate::str::contains("directory")));
}

#[test]
fn an_enormous_file_is_refused_without_reading_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    let f = std::fs::File::create(&path).unwrap();
    // Sparse: 200 MB of zeros costs no disk; we must refuse it by size, not by scanning it.
    f.set_len(200 * 1024 * 1024).unwrap();
    let started = std::time::Instant::now();
    plantrack()
        .arg("extract")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("文件过大").and(predicate::str::contains("too large")));
    assert!(started.elapsed().as_secs() < 30);
}

#[test]
fn a_large_policy_text_repeating_its_targets_merges_them() {
    // About 2 MB: the seed repeated. The same eight statements, made every time again, stay eight targets, each
    // with one evidence per copy (output proportional to what is found; its speed is measured by
    // scripts/bench-extract.sh, not here).
    let seed = std::fs::read_to_string(fixture("seed/plan-explanation.original.txt")).unwrap();
    let copies = 2_000_000 / seed.len();
    let big = format!("{seed}\n").repeat(copies);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.txt");
    std::fs::write(&path, &big).unwrap();
    let v = extract_json(&path);
    let targets = v["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 8);
    for t in targets {
        assert_eq!(
            t["evidences"].as_array().unwrap().len(),
            copies,
            "{}",
            t["indicator"]
        );
    }
}

#[test]
fn the_toml_draft_of_the_seed_passes_plan_check() {
    let out = plantrack()
        .args(["extract", "--format", "toml"])
        .arg(fixture("seed/plan-explanation.original.txt"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let draft = String::from_utf8(out).unwrap();
    assert!(draft.contains("# REVIEW"), "guesses are marked for review");
    assert!(draft.contains("id = \"rd_intensity\""));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.toml");
    std::fs::write(&path, &draft).unwrap();
    plantrack().args(["plan", "check"]).arg(&path).assert().success();
}

#[test]
fn the_toml_drafts_of_the_development_texts_pass_plan_check() {
    for name in [
        "01_hainan_keji_fanshenzhang_2021-2023.txt",
        "09_jiangsu_kjt_2020_qiye_jiqun.txt",
        "14_panjin_yanhai_jingjidai_2018_gongzuo_fangan.txt",
        "20_shenyang_kjj_2019_summary_stats_only.txt",
    ] {
        let out = plantrack()
            .args(["extract", "--format", "toml"])
            .arg(fixture(&format!("policy-texts/{name}")))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft.toml");
        std::fs::write(&path, out).unwrap();
        plantrack().args(["plan", "check"]).arg(&path).assert().success();
    }
}

#[test]
fn documents_are_read_by_content_and_old_word_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (file, value) in [
        ("plan.docx", "50"),
        ("plan.pdf", "50"),
        ("dongtou-plan.ofd", "160"),
        ("dongtou-page.html", "160"),
    ] {
        // A misleading name: the content decides.
        let path = dir.path().join(format!("{file}.txt"));
        std::fs::copy(fixture(&format!("documents/{file}")), &path).unwrap();
        let v = extract_json(&path);
        let targets = v["targets"].as_array().unwrap();
        assert!(targets.iter().any(|t| t["value"] == value), "{file}: {v}");
    }
    for (file, chinese, english) in [
        ("plan.doc", "另存为 .docx", "save it as .docx"),
        ("scan.pdf", "需要OCR", "would need OCR"),
    ] {
        plantrack()
            .arg("extract")
            .arg(fixture(&format!("documents/{file}")))
            .assert()
            .code(2)
            .stderr(predicates::str::contains(chinese).and(predicates::str::contains(english)));
    }
}
