//! Precision and recall of target extraction against the development set's hand-made answer key
//! (`fixtures/policy-texts/answer_key.tsv`, conventions in its README).
//!
//! A row is found when an extracted target of the same file has the same comparator, value, unit and deadline
//! year, and its evidence span (mapped back to the original text) overlaps the row's evidence substring.
//! Run with `cargo test -p plantrack-text --test answer_key -- --nocapture` to see the per-file report.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::path::Path;

use plantrack_text::{ExtractedTarget, extract};
use rust_decimal::Decimal;

struct KeyRow {
    file: String,
    n: u32,
    indicator: String,
    cmp: String,
    value: Decimal,
    unit: String,
    deadline: Option<i32>,
    evidence: String,
}

fn fixtures() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/policy-texts"
    ))
}

fn key() -> Vec<KeyRow> {
    let tsv = std::fs::read_to_string(fixtures().join("answer_key.tsv")).unwrap();
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            // deadline: "2020" or "(implicit … 2020 …)": the first four-digit number.
            let deadline = c[7]
                .as_bytes()
                .windows(4)
                .position(|w| w.iter().all(u8::is_ascii_digit))
                .and_then(|p| c[7][p..p + 4].parse().ok());
            KeyRow {
                file: c[0].to_owned(),
                n: c[1].parse().unwrap(),
                indicator: c[2].to_owned(),
                cmp: c[4].to_owned(),
                value: c[5].parse().unwrap(),
                unit: c[6].to_owned(),
                deadline,
                evidence: c[8].to_owned(),
            }
        })
        .collect()
}

fn files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    v.sort();
    v
}

fn matches(row: &KeyRow, original: &str, t: &ExtractedTarget) -> bool {
    let Some(ev) = original.find(&row.evidence) else {
        panic!("evidence of {} #{} not in its file", row.file, row.n);
    };
    let ev_end = ev + row.evidence.len();
    t.comparator.as_str() == row.cmp
        && t.value == row.value
        && t.unit == row.unit
        && t.deadline == row.deadline
        && t.original_start < ev_end
        && ev < t.original_end
}

struct Score {
    key_rows: usize,
    found: usize,
    extracted: usize,
    correct: usize,
}

fn score() -> Score {
    let key = key();
    let mut s = Score {
        key_rows: key.len(),
        found: 0,
        extracted: 0,
        correct: 0,
    };
    for file in files() {
        let original = std::fs::read_to_string(fixtures().join(&file)).unwrap();
        let e = extract(&original);
        let rows: Vec<&KeyRow> = key.iter().filter(|r| r.file == file).collect();
        println!(
            "== {file}: {} extracted, {} in the key",
            e.targets.len(),
            rows.len()
        );
        for r in &rows {
            let hit = e.targets.iter().any(|t| matches(r, &original, t));
            s.found += usize::from(hit);
            println!(
                "  key #{} {} {} {} {} {:?}: {}",
                r.n,
                r.indicator,
                r.cmp,
                r.value,
                r.unit,
                r.deadline,
                if hit { "found" } else { "MISSED" }
            );
        }
        for t in &e.targets {
            let ok = rows.iter().any(|r| matches(r, &original, t));
            s.extracted += 1;
            s.correct += usize::from(ok);
            println!(
                "  got {} {} {} {} {:?} [{}] conf {}: {}",
                t.indicator,
                t.comparator.as_str(),
                t.value,
                t.unit,
                t.deadline,
                t.target_id.as_deref().unwrap_or("-"),
                t.confidence,
                if ok { "correct" } else { "FALSE POSITIVE" }
            );
        }
    }
    s
}

#[test]
fn the_development_texts_reach_the_answer_key() {
    let s = score();
    let precision = s.correct as f64 / s.extracted.max(1) as f64;
    let recall = s.found as f64 / s.key_rows.max(1) as f64;
    println!(
        "precision {}/{} = {precision:.3}, recall {}/{} = {recall:.3}",
        s.correct, s.extracted, s.found, s.key_rows
    );
    // Floors we reach today; raise them as the extractor improves, never lower them silently.
    assert!(s.found >= s.key_rows, "recall {}/{}", s.found, s.key_rows);
    assert!(
        s.correct >= s.extracted,
        "precision {}/{}",
        s.correct,
        s.extracted
    );
}

#[test]
fn the_summary_of_achievements_yields_no_targets() {
    let original =
        std::fs::read_to_string(fixtures().join("20_shenyang_kjj_2019_summary_stats_only.txt")).unwrap();
    let e = extract(&original);
    assert_eq!(e.targets, vec![], "text 20 states no targets");
}
