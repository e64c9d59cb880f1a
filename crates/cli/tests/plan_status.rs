//! CLI tests of `plantrack plan show|check` and `plantrack status`: the real binary on the repository's plan and
//! demo data, and one test per kind of bad input (each its own message, exit code 2, nothing printed on stdout).

#![allow(clippy::unwrap_used)] // tests may unwrap (conventions)

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

fn plantrack() -> Command {
    let mut cmd = Command::cargo_bin("plantrack").unwrap();
    cmd.env_remove("PLANTRACK_DB")
        .env_remove("PLANTRACK_DATABASE_URL");
    cmd
}

const DEMO: &str = "plans/shuangtaizi-demo-observations.csv";
const TARGETS: [&str; 8] = [
    "rd_intensity",
    "high_end_talents",
    "tech_smes",
    "high_tech_enterprises",
    "rd_institution_coverage",
    "high_tech_value_added_growth",
    "tech_contract_growth",
    "industrial_tech_institutes",
];

fn status_json(extra: &[&str]) -> Value {
    let out = plantrack()
        .args(["status", "--data"])
        .arg(repo(DEMO))
        .args(["--format", "json"])
        .args(extra)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn plan_show_lists_the_eight_targets_and_the_five_areas() {
    let out = plantrack()
        .args(["plan", "show"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for id in TARGETS {
        assert!(text.contains(id), "{id} missing");
    }
    for area in [
        "一是 分类别抓培育",
        "二是 产学研抓合作",
        "三是 多举措抓创新",
        "四是 重质量抓招引",
        "五是 务实效抓环境",
    ] {
        assert!(text.contains(area), "{area} missing");
    }
    // Piped output carries no colour codes.
    assert!(!text.contains('\u{1b}'));
}

#[test]
fn plan_show_json_is_the_whole_plan() {
    let out = plantrack()
        .args(["plan", "show", "--format", "json", "--plan"])
        .arg(repo("plans/shuangtaizi-2018-2020.toml"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["targets"].as_array().unwrap().len(), 8);
    assert_eq!(v["targets"][0]["value"], "2.5");
    assert_eq!(v["meta"]["org_unit"], "211102");
    assert_eq!(v["task_areas"].as_array().unwrap().len(), 5);
}

#[test]
fn plan_check_accepts_the_repository_plan() {
    plantrack()
        .args(["plan", "check"])
        .arg(repo("plans/shuangtaizi-2018-2020.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("8 targets"));
}

fn bad_plan(from: &str, to: &str) -> tempfile::NamedTempFile {
    let text = std::fs::read_to_string(repo("plans/shuangtaizi-2018-2020.toml")).unwrap();
    assert!(text.contains(from));
    let file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    std::fs::write(file.path(), text.replacen(from, to, 1)).unwrap();
    file
}

#[test]
fn plan_check_names_file_line_field_and_reason() {
    let f = bad_plan("lead = \"renshe\"", "lead = \"renshi\"");
    let name = f.path().display().to_string();
    plantrack()
        .args(["plan", "check"])
        .arg(f.path())
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::is_match(format!(r"{}:\d+: 字段 field `tasks\[t4_high_level_talents\]\.lead`: 未知的部门 renshi / unknown department renshi", regex_escape(&name))).unwrap());
}

#[test]
fn plan_check_of_a_missing_file_is_bad_input() {
    plantrack()
        .args(["plan", "check", "no/such/plan.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read the plan file"));
}

#[test]
fn status_shows_every_target_with_value_status_and_reason() {
    let out = plantrack()
        .args(["status", "--data"])
        .arg(repo(DEMO))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for id in TARGETS {
        assert!(text.contains(id), "{id} missing");
    }
    assert!(text.contains("期间 period: 2020Q3"));
    assert!(text.contains("说明 explanation"));
    assert!(!text.contains('\u{1b}'), "colour codes in piped output");
}

#[test]
fn status_json_has_the_contracted_shape_and_a_mix_of_statuses() {
    let v = status_json(&[]);
    assert_eq!(v["plan"], "shuangtaizi_2018_2020");
    assert_eq!(v["org_unit"], "211102");
    assert_eq!(v["period"], "2020Q3");
    let targets = v["targets"].as_array().unwrap();
    let ids: Vec<_> = targets.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, TARGETS);
    for t in targets {
        for key in [
            "name_zh",
            "name_en",
            "unit",
            "comparator",
            "deadline",
            "method",
            "explanation",
        ] {
            assert!(t[key].is_string(), "{key} in {t}");
        }
        assert!(
            t["value"].is_string() && t["target"].is_string(),
            "numbers are decimal strings: {t}"
        );
        assert!(t["forecast"].is_object() || t["forecast"].is_null());
    }
    let statuses: std::collections::HashSet<_> =
        targets.iter().map(|t| t["status"].as_str().unwrap()).collect();
    for s in ["met", "on_track", "at_risk"] {
        assert!(statuses.contains(s), "no {s} in the demo: {statuses:?}");
    }
}

#[test]
fn status_rolls_up_to_the_city() {
    let district = status_json(&["--period", "2019"]);
    let city = status_json(&["--org-unit", "211100", "--period", "2019"]);
    assert_eq!(city["org_unit"], "211100");
    let rd = |v: &Value| {
        v["targets"][0]["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["value"].as_str().unwrap().parse::<f64>().unwrap())
            .collect::<Vec<_>>()
    };
    // The city's R&D and GDP are sums over its four districts, hence larger than the district's own.
    let (d, c) = (rd(&district), rd(&city));
    assert!(c[0] > d[0] && c[1] > d[1]);
}

// ---- bad CSV input: each its own message ------------------------------------------------------------------

fn csv_file(body: &str) -> tempfile::NamedTempFile {
    let file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    std::fs::write(file.path(), body).unwrap();
    file
}

fn bad_status(body: &str, expected: &[&str]) {
    let f = csv_file(body);
    let assert = plantrack()
        .args(["status", "--data"])
        .arg(f.path())
        .assert()
        .code(2)
        .stdout("");
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains(&f.path().display().to_string()),
        "file not named: {err}"
    );
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
    assert!(err.contains("nothing was computed"), "{err}");
}

const H: &str = "org_unit,period,data_element,value\n";

#[test]
fn unknown_org_unit_is_refused() {
    bad_status(
        &format!("{H}211102,2019,gdp,100\n211199,2019,gdp,5\n"),
        &[
            ":3:",
            "`org_unit`",
            "计划中没有区划 211199",
            "unknown org unit 211199",
        ],
    );
}

#[test]
fn unknown_data_element_is_refused() {
    bad_status(
        &format!("{H}211102,2019,GDP_total,100\n"),
        &[
            ":2:",
            "`data_element`",
            "计划中没有数据项",
            "unknown data element \"GDP_total\"",
        ],
    );
}

#[test]
fn duplicate_observation_is_refused() {
    bad_status(
        &format!("{H}211102,2019,gdp,100\n211102,2019,gdp,101\n"),
        &[
            ":3:",
            "重复的数据",
            "duplicate observation: 211102 2019 gdp already has 100",
        ],
    );
}

#[test]
fn a_value_that_is_not_a_number_is_refused() {
    bad_status(
        &format!("{H}211102,2019,gdp,\"1,200\"\n211102,2018,gdp,12万\n"),
        &[
            ":2:",
            ":3:",
            "`value`",
            "不是数字",
            "not a number: \"1,200\"",
            "not a number: \"12万\"",
        ],
    );
}

#[test]
fn a_period_in_the_wrong_form_is_refused() {
    bad_status(
        &format!("{H}211102,2019年,gdp,100\n211102,2019Q5,gdp,100\n"),
        &[
            ":2:",
            ":3:",
            "`period`",
            "期间格式不对",
            "not a period: \"2019年\"",
            "\"2019Q5\"",
        ],
    );
}

#[test]
fn a_wrong_header_is_refused() {
    bad_status(
        "区划代码,期间,指标,数值\n211102,2019,gdp,1\n",
        &[
            ":1:",
            "`header`",
            "the header must be org_unit,period,data_element,value",
        ],
    );
}

#[test]
fn an_empty_file_is_refused() {
    bad_status("", &["the file is empty"]);
}

#[test]
fn a_missing_column_is_refused() {
    bad_status(
        &format!("{H}211102,2019,gdp\n"),
        &[":2:", "expected 4 columns, found 3"],
    );
}

#[test]
fn bad_options_are_bad_input() {
    plantrack()
        .args(["status", "--data"])
        .arg(repo(DEMO))
        .args(["--org-unit", "999999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--org-unit"));
    plantrack()
        .args(["status", "--data"])
        .arg(repo(DEMO))
        .args(["--org-unit", "211199"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("org unit 211199 is not in the plan"));
    plantrack()
        .args(["status", "--data"])
        .arg(repo(DEMO))
        .args(["--period", "2019-13"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--period").and(predicate::str::contains("month must be 1–12")));
    plantrack()
        .args(["status", "--data", "no/such.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read the file"));
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if "\\.+*?()|[]{}^$".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}
