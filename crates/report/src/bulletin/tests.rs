//! Bulletin tests: the DOCX unzips into well-formed XML parts and holds the eight targets and the three chart
//! images; its text matches a golden snapshot; the XLSX opens with its six sheets; the comparison marks exactly
//! the changed figures.

use std::io::{Cursor, Read};

use calamine::Reader;
use jiff::civil::date;
use rust_decimal_macros::dec;

use super::*;

const TARGETS: [(&str, &str, &str, &str); 8] = [
    ("rd_intensity", "全社会研究与开发经费占GDP比重", "%", "≥ 2.5"),
    ("high_end_talents", "引进高端创新创业人才", "人", "≥ 15"),
    ("tech_smes", "科技型中小企业总数", "家", "≥ 50"),
    ("high_tech_enterprises", "高新技术企业", "家", "≥ 20"),
    (
        "rd_institution_coverage",
        "规模以上科技型工业企业建有研发机构",
        "%",
        "≥ 100",
    ),
    (
        "high_tech_value_added_growth",
        "全社会高新技术产品增加值增速",
        "%",
        "≥ 25",
    ),
    ("tech_contract_growth", "技术合同成交额增速", "%", "≥ 15"),
    ("industrial_tech_institutes", "做实产业技术研究院", "家", "≥ 5"),
];

pub(super) fn sample() -> Bulletin {
    let statuses = [
        ("已完成", "blue"),
        ("进度正常", "green"),
        ("有风险", "yellow"),
        ("滞后", "red"),
        ("进度正常", "green"),
        ("无法评估", "grey"),
        ("已完成", "blue"),
        ("有风险", "yellow"),
    ];
    let targets = TARGETS
        .iter()
        .zip(statuses)
        .enumerate()
        .map(|(i, ((id, name, unit, target), (status, light)))| {
            let target_value = Decimal::from(10 * (i + 1));
            let value = (light != "grey").then(|| Decimal::from(9 * (i + 1)));
            TargetLine {
                id: (*id).into(),
                name: (*name).into(),
                unit: (*unit).into(),
                target: (*target).into(),
                target_value,
                value,
                completion: value.map(|v| v * Decimal::ONE_HUNDRED / target_value),
                status: status.into(),
                light: light.into(),
                explanation: format!("{name}：{status}的依据"),
            }
        })
        .collect();
    let task = |key: &str, title: &str, lead: &str, state: &str, light: &str, percent| TaskLine {
        key: key.into(),
        title: title.into(),
        area: "一是分类别抓培育".into(),
        lead: lead.into(),
        state: state.into(),
        deadline: date(2020, 12, 31),
        light: light.into(),
        percent,
        explanation: format!("{light}的说明"),
    };
    Bulletin {
        format: BULLETIN_FORMAT,
        title: "关于2019年第四季度重点任务督导检查情况的通报".into(),
        number_line: Some("双科督〔2020〕1号".into()),
        recipients: "区直各有关部门：".into(),
        issuer: "双台子区科技工作领导小组办公室".into(),
        issued_on: date(2020, 1, 15),
        plan_title: "双台子区科技三年行动计划".into(),
        period: "2019Q4".into(),
        period_label: "2019年第四季度".into(),
        as_of: date(2020, 1, 12),
        targets,
        tasks: vec![
            task(
                "t1",
                "高新技术企业培育",
                "区经信局",
                "办理",
                "green",
                Some(dec!(50)),
            ),
            task("t2", "孵化器建设", "区经信局", "退回", "yellow", Some(dec!(25))),
            task("t3", "知识产权保护", "区市场监管局", "办理", "red", None),
        ],
        departments: vec![DepartmentLine {
            department: "区经信局".into(),
            items: 2,
            closed: 0,
            lights: [("green".to_owned(), 1), ("yellow".to_owned(), 1)]
                .into_iter()
                .collect(),
            overdue: 0,
            returned: 1,
            late_reports: 0,
        }],
        attention: vec![AttentionLine {
            department: "区经信局".into(),
            item: "t2".into(),
            title: "孵化器建设".into(),
            kind: "被退回".into(),
            detail: "2019-11-09 退回：未附佐证材料".into(),
        }],
        inspections: vec![InspectionLine {
            title: "2019年第三季度重点任务督查".into(),
            started_on: date(2019, 9, 16),
            ended_on: Some(date(2019, 9, 20)),
            findings: 2,
            rectifications: 1,
            closed: 1,
            overdue: 0,
            lines: vec![RectificationRow {
                item: "rect-1".into(),
                title: "补齐培育台账".into(),
                owner: "区经信局".into(),
                deadline: date(2019, 10, 31),
                state: "办结（2019-10-25）".into(),
            }],
        }],
        scores: vec![
            ScoreLine {
                rank: 1,
                department: "区科协".into(),
                base: dec!(100),
                bonus: dec!(1),
                deductions: dec!(0),
                reversals: dec!(0),
                score: dec!(101),
            },
            ScoreLine {
                rank: 2,
                department: "区经信局".into(),
                base: dec!(100),
                bonus: dec!(1),
                deductions: dec!(-3),
                reversals: dec!(1),
                score: dec!(99),
            },
        ],
    }
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut parts = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        parts.insert(f.name().to_owned(), buf);
    }
    parts
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// One line per paragraph, table rows as `cell | cell`, images as `[图像]`.
pub(super) fn document_text(docx: &[u8]) -> String {
    let parts = unzip(docx);
    let xml = String::from_utf8(parts["word/document.xml"].clone()).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let para = |p: roxmltree::Node<'_, '_>| -> String {
        let mut s = String::new();
        for n in p.descendants() {
            if n.has_tag_name((W, "t")) {
                s.push_str(n.text().unwrap_or(""));
            } else if n.tag_name().name() == "blip" {
                s.push_str("[图像]");
            }
        }
        s
    };
    let body = doc.descendants().find(|n| n.has_tag_name((W, "body"))).unwrap();
    let mut lines = Vec::new();
    for child in body.children().filter(roxmltree::Node::is_element) {
        if child.has_tag_name((W, "p")) {
            lines.push(para(child));
        } else if child.has_tag_name((W, "tbl")) {
            for row in child.children().filter(|n| n.has_tag_name((W, "tr"))) {
                let cells: Vec<String> = row
                    .children()
                    .filter(|n| n.has_tag_name((W, "tc")))
                    .map(para)
                    .collect();
                lines.push(cells.join(" | "));
            }
        }
    }
    lines.retain(|l| !l.trim().is_empty());
    lines.join("\n")
}

#[test]
fn the_docx_opens_and_holds_the_eight_targets_and_the_chart_images() {
    let docx = sample().to_docx(Rasterizer::shared()).unwrap();
    let parts = unzip(&docx);
    for (name, bytes) in &parts {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let text = std::str::from_utf8(bytes).unwrap();
            roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
    let images: Vec<&String> = parts
        .keys()
        .filter(|k| k.starts_with("word/media/") && k.ends_with(".png"))
        .collect();
    assert_eq!(images.len(), 3, "{images:?}");
    for image in images {
        assert!(parts[image].starts_with(b"\x89PNG"), "{image} is not a PNG");
    }
    let text = document_text(&docx);
    for (_, name, _, _) in TARGETS {
        assert!(text.contains(name), "{name} missing");
    }
    assert_eq!(text.matches("[图像]").count(), 3);
}

#[test]
fn golden_text() {
    let docx = sample().to_docx(Rasterizer::shared()).unwrap();
    insta::assert_snapshot!(document_text(&docx));
}

#[test]
fn the_workbook_has_a_sheet_per_section_with_the_rows() {
    let bytes = sample().to_xlsx().unwrap();
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "主要目标",
            "督办事项",
            "各单位",
            "超期退回",
            "督查整改",
            "考核得分"
        ]
    );
    let targets = book.worksheet_range("主要目标").unwrap();
    let names: Vec<String> = targets.rows().map(|r| r[0].to_string()).collect();
    for (_, name, _, _) in TARGETS {
        assert!(names.iter().any(|n| n == name), "{name} missing in {names:?}");
    }
    let scores = book.worksheet_range("考核得分").unwrap();
    assert!(scores.rows().any(|r| r[1] == "区经信局" && r[6] == 99.0));
}

#[test]
fn the_comparison_marks_exactly_what_changed() {
    let issued = sample();
    assert!(compare(&issued, &issued).is_empty());
    let mut current = sample();
    current.targets[0].value = Some(dec!(8.5));
    current.tasks[2].light = "green".into();
    current.scores[1].score = dec!(101);
    current.scores.push(ScoreLine {
        department: "区财政局".into(),
        ..current.scores[0].clone()
    });
    let diffs = compare(&issued, &current);
    let keys: Vec<(&str, &str, &str)> = diffs
        .iter()
        .map(|d| (d.section.as_str(), d.row.as_str(), d.field.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("targets", "rd_intensity", "value"),
            ("tasks", "t3", "light"),
            ("scores", "区经信局", "score"),
            ("scores", "区财政局", "score"),
            ("scores", "区财政局", "rank"),
        ]
    );
    assert_eq!(diffs[1].issued, "红灯");
    assert_eq!(diffs[1].current, "绿灯");
    assert_eq!(diffs[3].issued, "—");
}

#[test]
fn the_snapshot_round_trips_through_json() {
    let b = sample();
    let json = serde_json::to_string(&b).unwrap();
    assert_eq!(serde_json::from_str::<Bulletin>(&json).unwrap(), b);
}
