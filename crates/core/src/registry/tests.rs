use std::collections::{BTreeMap, HashMap};

use super::*;
use crate::Text;

/// A lookup that knows 211102 and 211103, the department `kjj` (区科技局) and the observed element `gdp`.
struct Known;

impl Lookup for Known {
    fn has_org_unit(&self, code: &str) -> bool {
        matches!(code, "211102" | "211103")
    }
    fn department(&self, text: &str) -> Option<String> {
        matches!(text, "kjj" | "区科技局").then(|| "kjj".to_owned())
    }
    fn element(&self, text: &str) -> Result<String, Text> {
        match text {
            "gdp" | "地区生产总值" => Ok("gdp".into()),
            _ => Err(Text::new("没有", "none")),
        }
    }
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

const USCC: &str = "91211100MA0XXXXXXA";

fn valid_uscc() -> String {
    // The first USCC with a valid check digit after the prefix.
    for c in "0123456789ABCDEFGHJKLMNPQRTUWXY".chars() {
        let s = format!("{}{c}", &USCC[..17]);
        if crate::qualify::Uscc::parse(&s).is_ok() {
            return s;
        }
    }
    unreachable!("some check digit fits")
}

#[test]
fn every_code_enum_value_is_in_its_vocabulary() {
    fn walk<C: Code + std::fmt::Debug>() {
        for v in C::ALL {
            assert!(v.term().is_some(), "{v:?} has no term in {}", C::VOCABULARY.id);
        }
    }
    walk::<PlatformKind>();
    walk::<AchievementKind>();
    walk::<QualificationKind>();
    walk::<EnterpriseRecordKind>();
}

#[test]
fn every_field_key_is_unique_and_every_spelling_names_one_field() {
    for kind in Kind::ALL {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for f in kind.fields() {
            for name in [f.key, f.zh, f.en].into_iter().chain(f.aliases.iter().copied()) {
                let n = name.to_lowercase();
                if let Some(other) = seen.insert(n.clone(), f.key) {
                    assert_eq!(other, f.key, "{kind}: {n} names {other} and {}", f.key);
                }
            }
        }
        assert_eq!(kind.name().parse::<Kind>().ok(), Some(kind));
    }
}

#[test]
fn registry_fields_are_the_records_columns() {
    // The key of every field is a property of the record it builds, so texts_of and the store agree.
    let t = Talent {
        name: "张三".into(),
        category: "高端创新创业人才".into(),
        introduced_on: jiff::civil::date(2019, 5, 1),
        employer_uscc: None,
        org_unit_code: "211102".into(),
        note: Some("备注".into()),
    };
    let texts = texts_of(Kind::Talents, &t);
    assert_eq!(texts.get("introduced_on").map(String::as_str), Some("2019-05-01"));
    assert_eq!(texts.get("org_unit_code").map(String::as_str), Some("211102"));
    assert!(!texts.contains_key("employer_uscc"));
    let again = build_from_text(Kind::Talents, &texts, &Known);
    assert_eq!(again, Ok(Built::Talent(t)));
}

#[test]
fn a_platform_kind_that_names_nothing_is_refused_not_taken_for_an_incubator() {
    let r = build_from_text(
        Kind::Platforms,
        &fields(&[
            ("name", "某研究院"),
            ("kind", "实验室"),
            ("recognised_on", "2019-01-01"),
            ("org_unit_code", "211102"),
        ]),
        &Known,
    );
    let problems = r.unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(Kind::Platforms.fields()[problems[0].field].key, "kind");
    assert!(problems[0].reason.zh.contains("产业技术研究院"));
}

#[test]
fn an_enterprise_row_is_checked_between_fields() {
    let uscc = valid_uscc();
    let r = build_from_text(
        Kind::Enterprises,
        &fields(&[
            ("uscc", &uscc),
            ("name", "盘锦某科技有限公司"),
            ("org_unit_code", "211102"),
            ("year", "2019"),
            ("founded_on", "2020/1/5"),
            ("employees", "1,200"),
            ("tech_staff", "１３００"),
            ("rd_expense", "100"),
            ("domestic_rd_expense", "150万元"),
        ]),
        &Known,
    );
    let keys: Vec<&str> = r
        .unwrap_err()
        .iter()
        .map(|p| Kind::Enterprises.fields()[p.field].key)
        .collect();
    assert_eq!(keys, ["year", "tech_staff", "domestic_rd_expense"]);
}

#[test]
fn a_full_enterprise_row_builds_master_data_and_figures() {
    let uscc = valid_uscc();
    let r = build_from_text(
        Kind::Enterprises,
        &fields(&[
            ("uscc", &uscc.to_lowercase()),
            ("name", "盘锦某科技有限公司"),
            ("org_unit_code", "211102"),
            ("high_tech_field", "new_materials"),
            ("year", "2019年"),
            ("employees", "120"),
            ("sales_revenue", "1.2亿元"),
            ("rd_institution_level", "无"),
            ("above_scale_industrial", "是"),
        ]),
        &Known,
    );
    let Ok(Built::Enterprise(row)) = r else {
        panic!("{r:?}")
    };
    assert_eq!(row.enterprise.uscc, uscc);
    assert_eq!(row.enterprise.high_tech_field.as_deref(), Some("新材料"));
    assert_eq!(row.enterprise.reported_year, Some(2019));
    assert_eq!(
        row.figures.sales_revenue.map(|d| d.to_string()).as_deref(),
        Some("12000")
    );
    assert_eq!(row.figures.rd_institution_level, None);
    assert_eq!(row.figures.above_scale_industrial, Some(true));
    assert_eq!(row.figures.org_unit_code.as_deref(), Some("211102"));
}

#[test]
fn texts_longer_than_their_field_are_refused_on_every_kind() {
    for kind in Kind::ALL {
        for (i, f) in kind.fields().iter().enumerate() {
            let (FieldType::Text { max_chars, .. } | FieldType::Code { max_chars }) = f.ty else {
                continue;
            };
            let long = "企".repeat(max_chars + 1);
            let (_, problems) = read_row(kind, |g| (g.key == f.key).then_some(long.as_str()), &Known);
            assert_eq!(problems.len(), 1, "{kind}.{}", f.key);
            assert_eq!(problems[0].field, i);
            let fits = "企".repeat(max_chars);
            let (_, problems) = read_row(kind, |g| (g.key == f.key).then_some(fits.as_str()), &Known);
            assert!(problems.is_empty(), "{kind}.{}: {problems:?}", f.key);
        }
    }
}

#[test]
fn unknown_org_units_say_why() {
    let f = Kind::Talents
        .field("org_unit_code")
        .copied()
        .unwrap_or_else(|| panic!("field"));
    let e = parse::read(&f, "999999", &Known).unwrap_err();
    assert!(e.zh.contains("省级前两位"), "{e}");
    let e = parse::read(&f, "211199", &Known).unwrap_err();
    assert!(e.zh.contains("未知的区划代码"), "{e}");
    let e = parse::read(&f, "21一102", &Known).unwrap_err();
    assert!(e.zh.contains("6位数字"), "{e}");
}

#[test]
fn the_template_headers_are_the_bureaus_headers_in_order() {
    let headers = |k: Kind| -> Vec<&str> {
        k.fields()
            .iter()
            .filter(|c| c.in_template)
            .map(|c| c.zh)
            .collect()
    };
    assert_eq!(
        headers(Kind::Enterprises).join(", "),
        "统一社会信用代码, 企业名称, 成立日期, 所在区划代码, 行业代码, 高新技术领域, 年度, 职工总数, 科技人员数, \
         销售收入(万元), 主营业务收入(万元), 总收入(万元), 高新技术产品(服务)收入(万元), 资产总额(万元), 负债总额(万元), \
         成本费用支出总额(万元), 研发费用(万元), 境内研发费用(万元), Ⅰ类知识产权数, Ⅱ类知识产权数, 研发机构级别, 科技成果转化数"
    );
    assert_eq!(
        headers(Kind::Qualifications),
        ["统一社会信用代码", "资质类型", "证书编号", "发证日期"]
    );
    assert_eq!(
        headers(Kind::Observations),
        ["区划代码", "期间", "指标", "数值", "来源"]
    );
}
