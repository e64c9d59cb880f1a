//! Precision and recall of target extraction against the development set's hand-made answer key
//! (`fixtures/policy-texts/answer_key.tsv`, conventions in its README), per file and overall.
//!
//! A row is found when an extracted target of the same file has the same comparator, value, unit, deadline year
//! and range end, and one of its evidence spans (mapped back to the original text) overlaps the row's evidence
//! substring. Firmness and recurrence are reported and must agree on found rows.
//! Run with `cargo test -p plantrack-text --test answer_key -- --nocapture` to see the per-file report.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::collections::BTreeMap;
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
    soft: bool,
    recurring: bool,
    high: Option<Decimal>,
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
            let col = |i: usize| c.get(i).copied().unwrap_or("");
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
                soft: col(10) == "soft",
                recurring: col(11) == "yes",
                high: (!col(12).is_empty()).then(|| col(12).parse().unwrap()),
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
        && t.range.map(|r| r.high) == row.high
        && t.evidences
            .iter()
            .any(|e| e.original_start < ev_end && ev < e.original_end)
}

#[derive(Default)]
struct Score {
    key_rows: usize,
    found: usize,
    extracted: usize,
    correct: usize,
    firmness_wrong: Vec<String>,
    recurring_wrong: Vec<String>,
}

fn score() -> Score {
    let key = key();
    let mut s = Score {
        key_rows: key.len(),
        ..Score::default()
    };
    let mut table = BTreeMap::new();
    for file in files() {
        let original = std::fs::read_to_string(fixtures().join(&file)).unwrap();
        let e = extract(&original);
        let rows: Vec<&KeyRow> = key.iter().filter(|r| r.file == file).collect();
        println!(
            "== {file}: {} extracted, {} in the key",
            e.targets.len(),
            rows.len()
        );
        let (mut found, mut correct) = (0, 0);
        for r in &rows {
            let hit = e.targets.iter().find(|t| matches(r, &original, t));
            found += usize::from(hit.is_some());
            if let Some(t) = hit {
                let soft = t.firmness == plantrack_text::Firmness::Soft;
                if soft != r.soft {
                    s.firmness_wrong.push(format!("{file} #{}", r.n));
                }
                if t.recurring.is_some() != r.recurring {
                    s.recurring_wrong.push(format!("{file} #{}", r.n));
                }
            }
            println!(
                "  key #{} {} {} {} {} {:?}: {}",
                r.n,
                r.indicator,
                r.cmp,
                r.value,
                r.unit,
                r.deadline,
                if hit.is_some() { "found" } else { "MISSED" }
            );
        }
        for t in &e.targets {
            let ok = rows.iter().any(|r| matches(r, &original, t));
            correct += usize::from(ok);
            println!(
                "  got {} {} {}{} {} {:?} {:?}{} [{}] conf {}: {}",
                t.indicator,
                t.comparator.as_str(),
                t.value,
                t.range.map(|r| format!("~{}", r.high)).unwrap_or_default(),
                t.unit,
                t.deadline,
                t.firmness,
                if t.recurring.is_some() { " yearly" } else { "" },
                t.target_id.as_deref().unwrap_or("-"),
                t.confidence,
                if ok { "correct" } else { "FALSE POSITIVE" }
            );
        }
        s.found += found;
        s.extracted += e.targets.len();
        s.correct += correct;
        table.insert(file, (rows.len(), found, e.targets.len(), correct));
    }
    println!("\nper file: key found/rows (recall) · correct/extracted (precision)");
    for (file, (rows, found, extracted, correct)) in &table {
        let r = if *rows == 0 {
            1.0
        } else {
            *found as f64 / *rows as f64
        };
        let p = if *extracted == 0 {
            1.0
        } else {
            *correct as f64 / *extracted as f64
        };
        println!(
            "  {file:<70} recall {found:>2}/{rows:<2} = {r:.2}  precision {correct:>2}/{extracted:<2} = {p:.2}"
        );
    }
    s
}

#[test]
fn the_development_texts_reach_the_answer_key() {
    let s = score();
    let precision = s.correct as f64 / s.extracted.max(1) as f64;
    let recall = s.found as f64 / s.key_rows.max(1) as f64;
    println!(
        "overall: precision {}/{} = {precision:.3}, recall {}/{} = {recall:.3}",
        s.correct, s.extracted, s.found, s.key_rows
    );
    println!("firmness disagreements: {:?}", s.firmness_wrong);
    println!("recurrence disagreements: {:?}", s.recurring_wrong);
    // The floors of the development set (issue: ≥ 0.98 on our own texts); raise them, never lower them silently.
    assert!(precision >= 0.98, "precision {precision:.3}");
    assert!(recall >= 0.98, "recall {recall:.3}");
    assert!(
        s.firmness_wrong.len() * 20 <= s.found,
        "firmness {:?}",
        s.firmness_wrong
    );
    assert!(s.recurring_wrong.is_empty(), "recurrence {:?}", s.recurring_wrong);
}

#[test]
fn texts_without_targets_yield_none() {
    for file in files()
        .into_iter()
        .filter(|f| f.starts_with("20_") || f.contains("no_targets"))
    {
        let original = std::fs::read_to_string(fixtures().join(&file)).unwrap();
        let e = extract(&original);
        let got: Vec<String> = e.targets.iter().map(|t| t.evidence.clone()).collect();
        assert!(got.is_empty(), "{file} states no targets, got {got:?}");
    }
}
