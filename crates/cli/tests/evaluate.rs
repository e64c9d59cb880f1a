//! `plantrack evaluate`: spawns the real binary on the fixtures and checks the JSON of issue 3, the table, and
//! exit code 2 with a clear message on bad input.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn plantrack() -> Command {
    Command::cargo_bin("plantrack").unwrap()
}

fn evaluate_json(as_of: &str) -> Vec<Value> {
    let out = plantrack()
        .args([
            "evaluate",
            &fixture("enterprises.json"),
            "--as-of",
            as_of,
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice::<Vec<Value>>(&out).unwrap()
}

#[test]
fn json_output_has_one_object_per_enterprise_in_the_issue_shape() {
    let reports = evaluate_json("2018-06-30");
    assert_eq!(reports.len(), 3);
    for r in &reports {
        let mut keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut expected = [
            "uscc",
            "as_of",
            "tech_sme",
            "high_tech",
            "above_scale_industrial",
            "rd_deduction",
            "gaps",
        ];
        expected.sort_unstable();
        assert_eq!(keys, expected, "top-level keys");
        assert_eq!(r["as_of"], "2018-06-30");
        for k in [
            "qualified",
            "route",
            "direct_reason",
            "score",
            "parts",
            "conditions",
        ] {
            assert!(r["tech_sme"].get(k).is_some(), "tech_sme.{k}");
        }
        for k in [
            "verdict",
            "conditions",
            "rd_ratio",
            "required_rd_ratio",
            "innovation_score",
        ] {
            assert!(r["high_tech"].get(k).is_some(), "high_tech.{k}");
        }
        assert!(r["gaps"]["tech_sme"].is_array() && r["gaps"]["high_tech"].is_array());
    }
}

#[test]
fn the_high_tech_example_is_eligible_and_qualifies_directly_as_an_sme() {
    let r = &evaluate_json("2018-06-30")[0];
    assert_eq!(r["uscc"], "91350100M000100Y43");
    assert_eq!(r["high_tech"]["verdict"], "eligible");
    assert_eq!(r["high_tech"]["rd_ratio"], "0.0512");
    assert_eq!(r["high_tech"]["required_rd_ratio"], "0.05");
    assert_eq!(
        r["high_tech"]["innovation_score"],
        serde_json::json!({"min": 73, "max": 76})
    );
    // 2017: 科小 by score (2016 figures), so 财税〔2017〕34号 75 %; no certificate → 25 %.
    assert_eq!(r["tech_sme"]["qualified"], true);
    assert_eq!(r["above_scale_industrial"], true);
    assert_eq!(r["rd_deduction"]["tax_year"], 2017);
    assert_eq!(r["rd_deduction"]["rate"], "0.75");
    assert_eq!(r["rd_deduction"]["extra_deduction"], "187.5");
    assert_eq!(r["rd_deduction"]["tax_saving"], "46.875");
    let c = &r["high_tech"]["conditions"][0];
    assert_eq!(c["id"], "high_tech.age");
    assert_eq!(c["passed"], true);
    assert!(c["source"].as_str().unwrap().contains("国科发火〔2016〕32号"));
}

#[test]
fn a_failing_enterprise_gets_its_gaps_smallest_first() {
    let r = &evaluate_json("2018-06-30")[1];
    // 16 (25 %) + 30 (4 %) + 12 (2 Ⅱ类) = 58.
    assert_eq!(r["tech_sme"]["qualified"], false);
    assert_eq!(r["tech_sme"]["score"], 58);
    let gaps = r["gaps"]["tech_sme"].as_array().unwrap();
    assert_eq!(gaps[0]["text_zh"], "+1 Ⅱ类知识产权");
    assert_eq!(gaps[1]["text_zh"], "2017 年研发费用 +30 万元 → 5.00 %");
    assert_eq!(gaps[1]["changes"][0]["amount"], "30");
    assert_eq!(gaps[1]["changes"][0]["unit"], "万元");
    // 主营业务收入 1999.99 万元 < 2000: not 规上.
    assert_eq!(r["above_scale_industrial"], false);
    assert_eq!(r["high_tech"]["verdict"], "not_eligible");
}

#[test]
fn missing_figures_are_an_explained_outcome_not_a_guess() {
    let r = &evaluate_json("2018-06-30")[2];
    assert_eq!(r["tech_sme"]["qualified"], Value::Null);
    assert_eq!(
        r["tech_sme"]["missing"],
        "缺少 2017 年销售收入 / missing 2017 sales revenue"
    );
    assert_eq!(r["high_tech"]["verdict"], "not_eligible"); // no 领域: a hard condition fails regardless
    assert_eq!(r["above_scale_industrial"], false); // section I is not industry
}

#[test]
fn the_table_lists_every_enterprise_with_its_gaps() {
    plantrack()
        .args(["evaluate", &fixture("enterprises.json"), "--as-of", "2018-06-30"])
        .assert()
        .success()
        .stdout(predicate::str::contains("统一社会信用代码"))
        .stdout(predicate::str::contains("盘锦甲科技有限公司"))
        .stdout(predicate::str::contains("科小培育：+1 Ⅱ类知识产权"))
        .stdout(predicate::str::contains("missing 2017 sales revenue"));
}

#[test]
fn bad_input_exits_2_naming_enterprise_field_and_reason() {
    plantrack()
        .args(["evaluate", &fixture("bad.json"), "--as-of", "2018-06-30"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "错误甲公司 (91211102MA0Q1A2B6Y) 字段 uscc",
        ))
        .stderr(predicate::str::contains(
            "check digit at position 18 should be 'X'",
        ))
        .stderr(predicate::str::contains("字段 high_tech_field"))
        .stderr(predicate::str::contains(
            "字段 years[2017].tech_staff：科技人员 (35) 多于职工总数 (30)",
        ))
        .stderr(predicate::str::contains(
            "domestic R&D expense (12) exceeds total R&D expense (10)",
        ))
        .stderr(predicate::str::contains("years[2017].sales_revenue：不能为负数"));
}

#[test]
fn unreadable_files_and_bad_dates_exit_2() {
    plantrack()
        .args(["evaluate", "/nonexistent/x.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
    plantrack()
        .args(["evaluate", &fixture("enterprises.json"), "--as-of", "2018-02-30"])
        .assert()
        .code(2);
}
