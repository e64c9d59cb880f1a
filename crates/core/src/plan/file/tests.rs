//! Tests of the plan-file reader: the embedded plan (golden) and one test per kind of bad input.

use rust_decimal::Decimal;

use super::*;
use crate::plan::embedded;

fn plan() -> Plan {
    embedded::shuangtaizi().unwrap_or_else(|e| panic!("embedded plan does not read:\n{e}"))
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn embedded_plan_holds_exactly_the_eight_targets_of_the_seed() {
    let p = plan();
    let got: Vec<(String, String, Decimal, String, String)> = p
        .targets()
        .iter()
        .map(|t| {
            (
                t.id.to_string(),
                t.comparator.symbol().to_string(),
                t.value,
                t.deadline.to_string(),
                p.indicator(&t.indicator).unwrap().expression.source().to_string(),
            )
        })
        .collect();
    let want = [
        ("rd_intensity", "2.5", "rd_expenditure / gdp * 100"),
        ("high_end_talents", "15", "cum(talents_introduced)"),
        ("tech_smes", "50", "tech_sme_count"),
        ("high_tech_enterprises", "20", "high_tech_enterprise_count"),
        (
            "rd_institution_coverage",
            "100",
            "above_scale_tech_industrial_with_rd / above_scale_tech_industrial * 100",
        ),
        (
            "high_tech_value_added_growth",
            "25",
            "yoy(ytd(high_tech_value_added))",
        ),
        ("tech_contract_growth", "15", "yoy(ytd(tech_contract_turnover))"),
        (
            "industrial_tech_institutes",
            "5",
            "industrial_tech_institute_count",
        ),
    ];
    assert_eq!(got.len(), 8);
    for ((id, cmp, value, deadline, expr), (wid, wvalue, wexpr)) in got.iter().zip(want) {
        assert_eq!(id, wid);
        assert_eq!(cmp, ">=", "{id}");
        assert_eq!(*value, d(wvalue), "{id}");
        assert_eq!(deadline, "2020", "{id}");
        assert_eq!(expr, wexpr, "{id}");
    }
    // Every target says its direction, and all eight are "higher is better" (anchors.md §9).
    assert!(
        p.targets()
            .iter()
            .all(|t| t.direction == Direction::HigherIsBetter)
    );
    let coverage = p
        .target(&TargetId::parse("rd_institution_coverage").unwrap())
        .unwrap();
    assert_eq!(coverage.ceiling, Some(d("100")));
}

#[test]
fn embedded_plan_holds_every_task_area_and_sub_task_of_the_seed() {
    let p = plan();
    // The five areas (一是 … 五是) and the sub-tasks the text lists in each, in the seed's words.
    let seed: [(&str, &[&str]); 5] = [
        (
            "分类别抓培育,促进主体活跃",
            &["高新技术企业", "科技型中小企业", "小巨人企业"],
        ),
        (
            "产学研抓合作,打造高端平台",
            &["产业技术研究院", "众创空间、孵化器等双创载体"],
        ),
        (
            "多举措抓创新,加强研发能力",
            &["创建研发机构", "科技成果转移转化", "研发投入", "知识产权保护"],
        ),
        (
            "重质量抓招引,促进要素流动",
            &["高层次人才", "企业家创新素质", "知识产权质押融资"],
        ),
        (
            "务实效抓环境,完善系统配套",
            &["科技创新舆论氛围", "政策扶持", "职能部门能力建设"],
        ),
    ];
    assert_eq!(p.task_areas().len(), 5);
    for (area, (title, subtasks)) in p.task_areas().iter().zip(seed) {
        assert_eq!(area.title_zh, title);
        assert_eq!(area.tasks.len(), subtasks.len(), "{title}");
        for (task, sub) in area.tasks.iter().zip(subtasks) {
            assert!(task.title_zh.contains(sub), "{} lacks {sub}", task.title_zh);
        }
    }
    let safeguards: Vec<_> = p.safeguards().iter().map(|s| s.title_zh.as_str()).collect();
    assert_eq!(
        safeguards,
        [
            "加强多方联动,确保任务落地落实",
            "加强投入保障,提升金融创新能力",
            "加强督导检查,助推工作取得实效"
        ]
    );
    for s in p.safeguards() {
        assert!(!s.tasks.is_empty(), "{} has no standing task", s.title_zh);
        assert!(s.tasks.iter().all(|t| t.standing));
    }
    // The qualitative goals of 主要目标.
    let goals: Vec<_> = p.goals().iter().map(|g| g.text_zh.as_str()).collect();
    for phrase in [
        "体制机制不断完善",
        "国际先进水平的关键技术",
        "填补国内空白的创新产品",
        "企业自主创新能力明显提升",
    ] {
        assert!(goals.iter().any(|g| g.contains(phrase)), "goal {phrase} missing");
    }
}

#[test]
fn embedded_plan_metadata_and_org_tree_are_as_the_issue_says() {
    let p = plan();
    let m = p.meta();
    assert_eq!((m.first_year, m.last_year), (2018, 2020));
    assert_eq!(m.org_unit.as_str(), "211102");
    assert!(m.issuing_body_zh.contains("区经信局"));
    assert_eq!(m.parents.len(), 3);
    let city = OrgUnitCode::parse("211100").unwrap();
    let mut kids: Vec<_> = p.children(&city).map(|u| u.code.to_string()).collect();
    kids.sort();
    assert_eq!(kids, ["211102", "211103", "211104", "211122"]);
    // Every task has a lead department, both leaders and a cycle; all task ids are distinct.
    let mut ids = HashSet::new();
    for t in p.tasks() {
        assert!(ids.insert(t.id.clone()));
        assert!(p.department(&t.lead).is_some());
        assert!(!t.principal_leader.is_empty() && !t.leader_in_charge.is_empty());
    }
    // The plan file spells out the supervision defaults in comments only.
    assert_eq!(p.supervision(), &crate::supervise::SupervisionRules::default());
}

// ---- bad input: each its own message with file, line, field and reason ----------------------------------

/// The embedded plan with one textual replacement.
fn variant(from: &str, to: &str) -> String {
    let text = embedded::SHUANGTAIZI_TOML;
    assert!(text.contains(from), "fixture text {from:?} not in the plan");
    text.replacen(from, to, 1)
}

fn errors_of(text: &str) -> Vec<PlanError> {
    match Plan::from_toml(text, "bad.toml") {
        Ok(_) => panic!("bad plan accepted"),
        Err(PlanErrors(v)) => v,
    }
}

fn line_containing(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn unknown_org_unit_names_its_line() {
    let text = variant("parent = \"211100\"", "parent = \"211199\"");
    let e = &errors_of(&text)[0];
    assert_eq!(e.file, "bad.toml");
    assert_eq!(e.line, Some(line_containing(&text, "211199")));
    assert!(e.field.contains("parent"), "{e}");
    assert!(e.reason_en.contains("unknown parent org unit 211199"), "{e}");
    assert!(e.reason_zh.contains("未知"), "{e}");
}

#[test]
fn unknown_department_target_and_element_name_their_lines() {
    let text = variant("lead = \"renshe\"", "lead = \"renshi\"");
    let e = &errors_of(&text)[0];
    assert_eq!(e.line, Some(line_containing(&text, "renshi")));
    assert_eq!(e.field, "tasks[t4_high_level_talents].lead");
    assert!(e.reason_en.contains("unknown department renshi"));

    let text = variant(
        "serves = [\"rd_institution_coverage\"]",
        "serves = [\"rd_coverage\"]",
    );
    let e = &errors_of(&text)[0];
    assert_eq!(e.line, Some(line_containing(&text, "[\"rd_coverage\"]")));
    assert!(e.reason_en.contains("unknown target rd_coverage"), "{e}");

    let text = variant(
        "expression = \"tech_sme_count\"",
        "expression = \"tech_sme_total\"",
    );
    let e = &errors_of(&text)[0];
    assert_eq!(e.line, Some(line_containing(&text, "tech_sme_total")));
    assert_eq!(e.field, "indicators[tech_smes].expression");
    assert!(e.reason_en.contains("unknown data element tech_sme_total"));

    let text = variant("indicator = \"tech_smes\"", "indicator = \"sme\"");
    let e = &errors_of(&text)[0];
    assert!(e.reason_en.contains("unknown indicator sme"), "{e}");
}

#[test]
fn duplicate_ids_are_refused() {
    let text = variant("id = \"t1_tech_smes\"", "id = \"t1_high_tech_enterprises\"");
    let e = &errors_of(&text)[0];
    assert!(
        e.reason_en.contains("duplicate id t1_high_tech_enterprises"),
        "{e}"
    );
    assert_eq!(
        e.line,
        Some(
            text.lines()
                .enumerate()
                .filter(|(_, l)| l.contains("id = \"t1_high_tech_enterprises\""))
                .nth(1)
                .unwrap()
                .0
                + 1
        )
    );
}

#[test]
fn serde_level_errors_name_line_and_field() {
    // a period in the wrong form
    let text = variant("deadline = \"2020\"", "deadline = \"2020年\"");
    let e = &errors_of(&text)[0];
    assert_eq!(e.line, Some(line_containing(&text, "2020年\"")));
    assert!(e.field.ends_with("deadline"), "{e}");
    assert!(e.reason_en.contains("not a period"), "{e}");
    // a missing field
    let text = variant("kind = \"flow\"\n", "");
    let e = &errors_of(&text)[0];
    assert!(e.reason_en.contains("missing field `kind`"), "{e}");
    assert!(e.reason_zh.contains("缺少字段 kind"), "{e}");
    assert!(e.line.is_some());
    // an unknown field (typo)
    let text = variant("comparator = \">=\"", "comparater = \">=\"");
    let e = &errors_of(&text)[0];
    assert!(e.reason_zh.contains("未知字段 comparater"), "{e}");
    assert_eq!(e.line, Some(line_containing(&text, "comparater")));
    // a value that is not a number
    let text = variant("value = \"2.5\"", "value = \"two and a half\"");
    let e = &errors_of(&text)[0];
    assert_eq!(e.field, "targets[rd_intensity].value");
    assert!(e.reason_en.contains("expected a number"), "{e}");
    // bad org-unit code
    let text = variant("code = \"211104\"", "code = \"21110\"");
    let e = &errors_of(&text)[0];
    assert!(e.reason_en.contains("GB/T 2260"), "{e}");
    assert_eq!(e.line, Some(line_containing(&text, "\"21110\"")));
}

#[test]
fn direction_and_method_must_fit_the_target() {
    let text = variant(
        "kind = \"rate_per_year\"\nmethod = \"rate_per_year@1\"",
        "kind = \"rate_per_year\"\nmethod = \"growth_ratio@1\"",
    );
    let e = &errors_of(&text)[0];
    assert!(e.reason_en.contains("no CAGR of a rate"), "{e}");
    let text = variant(
        "direction = \"higher_is_better\"",
        "direction = \"lower_is_better\"",
    );
    let e = &errors_of(&text)[0];
    assert!(e.reason_en.contains("contradicts the comparator"), "{e}");
    let text = variant("method = \"schedule@1\"", "method = \"schedule@9\"");
    let e = &errors_of(&text)[0];
    assert!(e.reason_en.contains("unknown progress method schedule@9"), "{e}");
}

#[test]
fn schema_is_checked_first() {
    let text = variant("schema = 1", "schema = 2");
    let e = &errors_of(&text)[0];
    assert_eq!(e.field, "schema");
    assert!(e.reason_en.contains("unsupported schema 2"), "{e}");
    let e = &errors_of("title = 'x'\n")[0];
    assert!(e.reason_en.contains("missing `schema = 1`"));
    let e = &errors_of("schema = 1\n[plan\n")[0];
    assert_eq!(e.line, Some(2));
}

#[test]
fn several_problems_are_reported_together_in_line_order() {
    let text = variant("lead = \"renshe\"", "lead = \"renshi\"");
    let text = text.replacen("parent = \"211100\"", "parent = \"211199\"", 1);
    let errs = errors_of(&text);
    assert_eq!(errs.len(), 2);
    assert!(errs[0].line < errs[1].line);
    let shown = PlanErrors(errs).to_string();
    assert!(
        shown.lines().count() == 2 && shown.starts_with("bad.toml:"),
        "{shown}"
    );
}

#[test]
fn supervision_rules_are_read_typed_and_a_bad_rule_is_reported_at_its_line() {
    let p = Plan::from_toml(
        &variant(
            "[supervision.lights]\n",
            "[supervision.lights]\nnear_deadline_days = 7\n",
        ),
        "x.toml",
    )
    .unwrap();
    assert_eq!(p.supervision().lights.near_deadline_days, 7);
    assert_eq!(p.supervision().scoring, crate::supervise::ScoringRules::default());

    let text = variant(
        "[supervision.lights]\n",
        "[supervision.lights]\nnear_deadline_dayz = 7\n",
    );
    let errs = Plan::from_toml(&text, "x.toml").unwrap_err().0;
    let line = text
        .lines()
        .position(|l| l.starts_with("near_deadline_dayz"))
        .unwrap()
        + 1;
    assert_eq!(errs[0].line, Some(line), "{}", errs[0]);
    assert!(errs[0].to_string().contains("near_deadline_dayz"), "{}", errs[0]);
}

#[test]
fn the_commented_supervision_defaults_in_the_plan_file_are_the_defaults() {
    // Uncommenting every `# key = value` line of the [supervision] section must give exactly the defaults, and
    // every default must be spelled out there.
    let text = embedded::SHUANGTAIZI_TOML;
    let section = &text[text.find("\n[supervision]").unwrap()..];
    let uncommented: String = section
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            // A commented setting is a line that is itself valid TOML; prose is not.
            Some(rest) if toml::from_str::<toml::Table>(rest).is_ok_and(|t| !t.is_empty()) => rest,
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let rules: crate::supervise::SupervisionRules = toml::from_str(&uncommented)
        .map(|t: toml::Table| {
            crate::supervise::SupervisionRules::from_toml_table(t["supervision"].as_table().unwrap().clone())
                .unwrap()
        })
        .unwrap();
    assert_eq!(rules, crate::supervise::SupervisionRules::default());
    let spelled: toml::Table = toml::from_str(&uncommented).unwrap();
    let defaults = toml::Value::try_from(crate::supervise::SupervisionRules::default()).unwrap();
    let keys = |v: &toml::Value| -> Vec<String> {
        fn walk(prefix: &str, v: &toml::Value, out: &mut Vec<String>) {
            if let Some(t) = v.as_table() {
                for (k, v) in t {
                    walk(&format!("{prefix}.{k}"), v, out);
                }
            } else {
                out.push(prefix.to_string());
            }
        }
        let mut out = Vec::new();
        walk("", v, &mut out);
        out.sort();
        out
    };
    assert_eq!(keys(&spelled["supervision"]), keys(&defaults));
}
