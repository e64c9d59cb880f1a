//! A draft plan file (规划草稿) from an extraction: the plan-file format of `plantrack_core::plan` (TOML,
//! `schema = 1`), filled with what the text says and with placeholders for what it does not. Every guess carries
//! a `# REVIEW` comment, so a person goes through the draft before `plantrack plan check` and use.
//!
//! What is drafted: plan metadata (title, period, issuing body when the text names it), the org unit when a
//! province or one of the seed plan's units is named, one department per lead department the text names, data
//! elements and indicators (the known ones with their real expressions, new ones as one observed element each),
//! the targets, the qualitative goals of the targets section, and task areas and safeguards from the task tree.
//! Relative targets (`multiple`, 翻一番) are listed in comments only: their base has to be defined by hand.

use std::collections::HashSet;
use std::fmt::Write as _;

use plantrack_core::plan::DerivationRule;
use rust_decimal::Decimal;

use crate::extract::{Comparator, DeadlineSource, ExtractedTarget, Extraction, Firmness};
use crate::structure::{NodeKind, SectionKind, TaskNode};

/// A TOML string literal (basic string, escaped by the toml crate).
fn q(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// What plantrack knows about a known indicator beyond its id: how to compute it.
struct Recipe {
    expression: &'static str,
    unit: &'static str,
    decimals: u32,
    elements: Vec<Element>,
    kind: &'static str,
    method: &'static str,
    also: &'static [&'static str],
}

struct Element {
    id: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    kind: &'static str,
    unit: &'static str,
    derived_from: Option<DerivationRule>,
}

const fn el(
    id: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    kind: &'static str,
    unit: &'static str,
    derived_from: Option<DerivationRule>,
) -> Element {
    Element {
        id,
        name_zh,
        name_en,
        kind,
        unit,
        derived_from,
    }
}

const GDP: Element = el(
    "gdp",
    "地区生产总值",
    "Gross domestic product",
    "flow",
    "万元",
    None,
);
const RD: Element = el(
    "rd_expenditure",
    "全社会研究与试验发展(R&D)经费支出",
    "Gross expenditure on R&D",
    "flow",
    "万元",
    None,
);
const HT_VA: Element = el(
    "high_tech_value_added",
    "高新技术产品增加值",
    "Value added of high-tech products",
    "flow",
    "万元",
    None,
);
const CONTRACTS: Element = el(
    "tech_contract_turnover",
    "技术合同成交额",
    "Technology contract turnover",
    "flow",
    "万元",
    Some(DerivationRule::TechContractTurnover),
);

/// The recipe of a known target id (see `indicators::recognise`).
fn recipe(target_id: &str) -> Option<Recipe> {
    use DerivationRule as R;
    const LEVEL: &str = "level";
    let counts = |elements: Vec<Element>, expression: &'static str| Recipe {
        expression,
        unit: "家",
        decimals: 0,
        elements,
        kind: LEVEL,
        method: "growth_ratio@1",
        also: &["schedule@1"],
    };
    Some(match target_id {
        "rd_intensity" => Recipe {
            expression: "rd_expenditure / gdp * 100",
            unit: "%",
            decimals: 2,
            elements: vec![RD, GDP],
            kind: LEVEL,
            method: "growth_ratio@1",
            also: &["schedule@1"],
        },
        "high_end_talents" | "talents_introduced" => Recipe {
            expression: "cum(talents_introduced)",
            unit: "人",
            decimals: 0,
            elements: if target_id == "high_end_talents" {
                vec![el(
                    "talents_introduced",
                    "引进高端创新创业人才数",
                    "High-end innovation and entrepreneurship talents introduced",
                    "flow",
                    "人",
                    Some(R::HighEndTalentsIntroduced),
                )]
            } else {
                vec![el(
                    "talents_introduced",
                    "引进人才数",
                    "Talents introduced",
                    "flow",
                    "人",
                    None,
                )]
            },
            kind: "cumulative",
            method: "schedule@1",
            also: &[],
        },
        "tech_smes" => counts(
            vec![el(
                "tech_sme_count",
                "科技型中小企业数(入库登记)",
                "Technology-based SMEs (registered)",
                "stock",
                "家",
                Some(R::TechSmeRegistrations),
            )],
            "tech_sme_count",
        ),
        "high_tech_enterprises" => counts(
            vec![el(
                "high_tech_enterprise_count",
                "高新技术企业数(年末有效证书)",
                "High-tech enterprises (certificate valid on 31 December)",
                "stock",
                "家",
                Some(R::HighTechCertificatesValidAtYearEnd),
            )],
            "high_tech_enterprise_count",
        ),
        "rd_institution_coverage" => Recipe {
            expression: "above_scale_tech_industrial_with_rd / above_scale_tech_industrial * 100",
            unit: "%",
            decimals: 1,
            elements: vec![
                el(
                    "above_scale_tech_industrial_with_rd",
                    "建有研发机构的规模以上科技型工业企业数",
                    "Above-scale technology-based industrial enterprises with an R&D institution",
                    "stock",
                    "家",
                    Some(R::AboveScaleTechIndustrialWithRd),
                ),
                el(
                    "above_scale_tech_industrial",
                    "规模以上科技型工业企业数",
                    "Above-scale technology-based industrial enterprises",
                    "stock",
                    "家",
                    Some(R::AboveScaleTechIndustrial),
                ),
            ],
            kind: LEVEL,
            method: "schedule@1",
            also: &["growth_ratio@1"],
        },
        "high_tech_value_added_growth" => Recipe {
            expression: "yoy(ytd(high_tech_value_added))",
            unit: "%",
            decimals: 1,
            elements: vec![HT_VA],
            kind: "rate_per_year",
            method: "rate_per_year@1",
            also: &[],
        },
        "high_tech_value_added" => Recipe {
            expression: "high_tech_value_added",
            unit: "万元",
            decimals: 0,
            elements: vec![HT_VA],
            kind: LEVEL,
            method: "growth_ratio@1",
            also: &["schedule@1"],
        },
        "high_tech_value_added_share" => Recipe {
            expression: "high_tech_value_added / industrial_value_added * 100",
            unit: "%",
            decimals: 1,
            elements: vec![
                HT_VA,
                el(
                    "industrial_value_added",
                    "工业增加值",
                    "Industrial value added",
                    "flow",
                    "万元",
                    None,
                ),
            ],
            kind: LEVEL,
            method: "growth_ratio@1",
            also: &["schedule@1"],
        },
        "tech_contract_growth" => Recipe {
            expression: "yoy(ytd(tech_contract_turnover))",
            unit: "%",
            decimals: 1,
            elements: vec![CONTRACTS],
            kind: "rate_per_year",
            method: "rate_per_year@1",
            also: &[],
        },
        "tech_contract_turnover" => Recipe {
            expression: "tech_contract_turnover",
            unit: "万元",
            decimals: 0,
            elements: vec![CONTRACTS],
            kind: LEVEL,
            method: "growth_ratio@1",
            also: &["schedule@1"],
        },
        "invention_patents_per_10k" => Recipe {
            expression: "invention_patents_valid / population * 10000",
            unit: "件",
            decimals: 2,
            elements: vec![
                el(
                    "invention_patents_valid",
                    "有效发明专利数",
                    "Valid invention patents",
                    "stock",
                    "件",
                    None,
                ),
                el(
                    "population",
                    "常住人口",
                    "Resident population",
                    "stock",
                    "人",
                    None,
                ),
            ],
            kind: LEVEL,
            method: "growth_ratio@1",
            also: &["schedule@1"],
        },
        "industrial_tech_institutes" => Recipe {
            method: "schedule@1",
            also: &["growth_ratio@1"],
            ..counts(
                vec![el(
                    "industrial_tech_institute_count",
                    "产业技术研究院数(已认定且未撤销)",
                    "Industrial technology research institutes (recognised, not revoked)",
                    "stock",
                    "家",
                    Some(R::IndustrialTechInstitutesRecognised),
                )],
                "industrial_tech_institute_count",
            )
        },
        "incubators" => counts(
            vec![el(
                "incubator_count",
                "科技企业孵化器数",
                "Technology business incubators",
                "stock",
                "家",
                None,
            )],
            "incubator_count",
        ),
        "maker_spaces" => counts(
            vec![el(
                "maker_space_count",
                "众创空间数",
                "Maker spaces",
                "stock",
                "家",
                None,
            )],
            "maker_space_count",
        ),
        _ => return None,
    })
}

/// Province-level units (GB/T 2260) and the units of the seed plan, longest name first within each, to propose
/// the plan's org unit from the title and the text.
const ORG_UNITS: [(&str, &str, Option<&str>); 40] = [
    ("双台子区", "211102", Some("211100")),
    ("兴隆台区", "211103", Some("211100")),
    ("大洼区", "211104", Some("211100")),
    ("盘山县", "211122", Some("211100")),
    ("盘锦市", "211100", Some("210000")),
    ("沈阳市", "210100", Some("210000")),
    ("北京市", "110000", None),
    ("天津市", "120000", None),
    ("河北省", "130000", None),
    ("山西省", "140000", None),
    ("内蒙古自治区", "150000", None),
    ("辽宁省", "210000", None),
    ("吉林省", "220000", None),
    ("黑龙江省", "230000", None),
    ("上海市", "310000", None),
    ("江苏省", "320000", None),
    ("浙江省", "330000", None),
    ("安徽省", "340000", None),
    ("福建省", "350000", None),
    ("江西省", "360000", None),
    ("山东省", "370000", None),
    ("河南省", "410000", None),
    ("湖北省", "420000", None),
    ("湖南省", "430000", None),
    ("广东省", "440000", None),
    ("广西壮族自治区", "450000", None),
    ("海南省", "460000", None),
    ("重庆市", "500000", None),
    ("四川省", "510000", None),
    ("贵州省", "520000", None),
    ("云南省", "530000", None),
    ("西藏自治区", "540000", None),
    ("陕西省", "610000", None),
    ("甘肃省", "620000", None),
    ("青海省", "630000", None),
    ("宁夏回族自治区", "640000", None),
    ("新疆维吾尔自治区", "650000", None),
    ("江苏", "320000", None),
    ("海南", "460000", None),
    ("辽宁", "210000", None),
];

/// The org unit the text is about: the first of [`ORG_UNITS`] named in the title, else in the text.
fn guess_org_unit(title: &str, text: &str) -> Option<(&'static str, &'static str, Option<&'static str>)> {
    for hay in [title, text] {
        if let Some(&u) = ORG_UNITS.iter().find(|(name, _, _)| hay.contains(name)) {
            return Some(u);
        }
    }
    None
}

fn name_of(code: &str) -> &'static str {
    ORG_UNITS
        .iter()
        .find(|(n, c, _)| *c == code && n.ends_with(['省', '市', '区', '县']))
        .map_or("", |(n, _, _)| n)
}

/// The issuing body named near the top (`(区经信局)`, `来源: 沈阳市科学技术局`, `（江苏省科学技术厅，2020-01-20）`).
fn guess_issuer(e: &Extraction) -> Option<String> {
    const ORG_ENDINGS: [&str; 8] = ["局", "厅", "委", "办", "政府", "办公室", "委员会", "部"];
    let text = e.normalized_text();
    let head: String = text.lines().take(8).collect::<Vec<_>>().join("\n");
    if let Some(p) = head.find("来源:") {
        let rest = head[p + "来源:".len()..].trim_start();
        let name: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
        if ORG_ENDINGS.iter().any(|w| name.ends_with(w)) {
            return Some(name);
        }
    }
    for (i, _) in head.match_indices('(') {
        let inner = &head[i + 1..];
        let end = inner.find(')').unwrap_or(inner.len());
        let inner = inner[..end].split(',').next().unwrap_or("").trim();
        if !inner.is_empty() && inner.chars().count() <= 30 && ORG_ENDINGS.iter().any(|w| inner.ends_with(w))
        {
            return Some(inner.to_owned());
        }
    }
    None
}

/// The plan's value and unit for a target: the normalised value, with 元 amounts in 万元 (the plan's money unit).
fn plan_value(t: &ExtractedTarget) -> (Decimal, String) {
    if t.normalized_unit == "元" {
        (
            (t.normalized_value / Decimal::from(10_000)).normalize(),
            "万元".to_owned(),
        )
    } else {
        (t.normalized_value.normalize(), t.normalized_unit.clone())
    }
}

/// The comparator a plan file can hold (`>=` or `<=`) for an extracted one.
fn plan_comparator(c: Comparator) -> (&'static str, &'static str) {
    match c {
        Comparator::AtMost | Comparator::RankAtMost => ("<=", "lower_is_better"),
        _ => (">=", "higher_is_better"),
    }
}

struct Years {
    first: i32,
    last: i32,
}

fn plan_years(e: &Extraction) -> Years {
    let deadlines: Vec<i32> = e.targets.iter().filter_map(|t| t.deadline).collect();
    let first = e
        .plan_period
        .map(|(s, _)| s)
        .or(e.document_year)
        .or_else(|| deadlines.iter().min().copied())
        .unwrap_or(2025);
    let last = e
        .plan_period
        .map(|(_, l)| l)
        .or_else(|| deadlines.iter().max().copied())
        .unwrap_or(first)
        .max(first);
    Years { first, last }
}

/// What a reviewer decided before drafting (the web's review step): the plan's id and which targets go in.
#[derive(Debug, Clone, Copy, Default)]
pub struct DraftOptions<'a> {
    /// `[plan] id`; by default [`default_plan_id`].
    pub plan_id: Option<&'a str>,
    /// Indexes into [`Extraction::targets`] of the accepted targets; `None` drafts them all. Target ids of new
    /// indicators keep their number in the whole extraction (`target_3` stays `target_3`), so that a draft of a
    /// subset reads like the full one.
    pub targets: Option<&'a [usize]>,
}

/// The id a draft gets unless told otherwise: `draft_FIRST_LAST` (the plan period's years).
pub fn default_plan_id(e: &Extraction) -> String {
    let years = plan_years(e);
    format!("draft_{}_{}", years.first, years.last)
}

/// Writes the draft plan file for an extraction. `source` names the text it came from (for the header).
pub fn draft_plan_toml(e: &Extraction, source: &str) -> String {
    draft_plan_toml_with(e, source, DraftOptions::default())
}

/// [`draft_plan_toml`] with a chosen id and only the accepted targets (indexes out of range are ignored).
pub fn draft_plan_toml_with(e: &Extraction, source: &str, options: DraftOptions<'_>) -> String {
    let accepted = |n: usize| options.targets.is_none_or(|list| list.contains(&n));
    let mut out = String::new();
    // `write!` into a String cannot fail; the results are ignored on purpose.
    let years = plan_years(e);
    let org = guess_org_unit(&e.title, e.normalized_text());
    let issuer = guess_issuer(e);
    let title = if e.title.is_empty() {
        "(无标题)"
    } else {
        e.title.as_str()
    };

    let _ = writeln!(
        out,
        "# DRAFT plan file drafted by `plantrack extract --format toml` from {source}"
    );
    let _ = writeln!(out, "# {title}");
    let _ = writeln!(out, "#");
    let _ = writeln!(
        out,
        "# Every line marked REVIEW is a guess: check it against the text, fill in what the text does not say,"
    );
    let _ = writeln!(
        out,
        "# then run `plantrack plan check` on this file. 标注 REVIEW 的内容均为推测,请逐项核对。"
    );
    let _ = writeln!(out, "\nschema = 1\n");

    // [plan]
    let _ = writeln!(out, "[plan]");
    let _ = writeln!(out, "# REVIEW: id, English title and bodies.");
    let _ = writeln!(
        out,
        "id = {}",
        q(&options.plan_id.map_or_else(|| default_plan_id(e), str::to_owned))
    );
    let _ = writeln!(out, "title_zh = {}", q(&plan_title(title)));
    let _ = writeln!(out, "title_en = {}", q("REVIEW: English title"));
    match &issuer {
        Some(name) => {
            let _ = writeln!(out, "issuing_body_zh = {}", q(name));
        }
        None => {
            let _ = writeln!(out, "issuing_body_zh = {}", q("待定 REVIEW"));
        }
    }
    let _ = writeln!(out, "issuing_body_en = {}", q("REVIEW"));
    let _ = writeln!(out, "adopting_body_zh = {}", q("待定 REVIEW"));
    let _ = writeln!(out, "adopting_body_en = {}", q("REVIEW"));
    let period_note = if e.plan_period.is_some() {
        "from the title"
    } else {
        "REVIEW: no period in the title; from the document's year and the deadlines"
    };
    let _ = writeln!(out, "# {period_note}");
    let _ = writeln!(out, "first_year = {}", years.first);
    let _ = writeln!(out, "last_year = {}", years.last);
    let _ = writeln!(
        out,
        "# REVIEW: base period of the assessments (the year before the plan starts)."
    );
    let _ = writeln!(out, "baseline = {}", q(&(years.first - 1).to_string()));
    let (org_code, org_parent) = match org {
        Some((_, code, parent)) => {
            let _ = writeln!(out, "# REVIEW: org unit guessed from the names in the text.");
            (code, parent)
        }
        None => {
            let _ = writeln!(
                out,
                "# REVIEW: no known place name in the text: replace with the plan's GB/T 2260 code."
            );
            ("110000", None)
        }
    };
    let _ = writeln!(out, "org_unit = {}", q(org_code));
    let _ = writeln!(out, "source = {}", q(source));
    let _ = writeln!(out);

    // Org units: the plan's own and the chain of its parents that we know.
    let mut chain = vec![(org_code, org_parent)];
    while let Some(&(_, Some(parent))) = chain.last() {
        let next = ORG_UNITS
            .iter()
            .find(|(_, c, _)| *c == parent)
            .map(|&(_, c, p)| (c, p));
        match next {
            Some(n) if !chain.contains(&n) => chain.push(n),
            _ => break,
        }
    }
    for (code, parent) in chain.iter().rev() {
        let name = name_of(code);
        let _ = writeln!(out, "[[org_units]]");
        let _ = writeln!(out, "code = {}", q(code));
        let _ = writeln!(
            out,
            "name_zh = {}",
            q(if name.is_empty() { "待定 REVIEW" } else { name })
        );
        let _ = writeln!(out, "name_en = {}", q("REVIEW"));
        if let Some(p) = parent {
            let _ = writeln!(out, "parent = {}", q(p));
        }
        let _ = writeln!(out);
    }

    // Departments: the issuer, the lead departments named with targets, and a placeholder for tasks.
    let mut departments: Vec<(String, String, bool)> = Vec::new();
    if let Some(name) = &issuer {
        departments.push(("issuer".to_owned(), name.clone(), true));
    }
    for (_, t) in e.targets.iter().enumerate().filter(|(n, _)| accepted(*n)) {
        if let Some(lead) = &t.lead_department
            && !departments.iter().any(|(_, n, _)| n == lead)
        {
            departments.push((format!("dept_{}", departments.len() + 1), lead.clone(), true));
        }
    }
    let task_lead = if issuer.is_some() {
        "issuer".to_owned()
    } else {
        departments.push(("to_assign".to_owned(), "待定牵头单位".to_owned(), false));
        "to_assign".to_owned()
    };
    for (id, name, named) in &departments {
        let _ = writeln!(out, "[[departments]]");
        if !named {
            let _ = writeln!(out, "# REVIEW: the text names no lead department: assign one.");
        }
        let _ = writeln!(out, "id = {}", q(id));
        let _ = writeln!(out, "name_zh = {}", q(name));
        let _ = writeln!(out, "short_zh = {}", q(name));
        let _ = writeln!(out, "name_en = {}", q("REVIEW"));
        let _ = writeln!(out, "named_in_text = {named}");
        let _ = writeln!(out);
    }

    // Targets, with their data elements and indicators.
    let mut element_ids: HashSet<String> = HashSet::new();
    let mut elements_out = String::new();
    let mut indicators_out = String::new();
    let mut targets_out = String::new();
    let mut not_drafted = String::new();
    let mut target_ids: Vec<String> = Vec::new();
    for (n, t) in e.targets.iter().enumerate().filter(|(n, _)| accepted(*n)) {
        if matches!(
            t.comparator,
            Comparator::Multiple | Comparator::Decrease | Comparator::DecreaseAtLeast
        ) {
            let _ = writeln!(
                not_drafted,
                "# REVIEW: not drafted, relative to a base (a multiple or a decrease: define the base by hand): {} {} {}{} — 「{}」",
                t.indicator,
                t.comparator.as_str(),
                t.value,
                t.unit,
                t.evidence
            );
            continue;
        }
        let base_id = t.target_id.clone().unwrap_or_else(|| format!("target_{}", n + 1));
        let mut id = base_id.clone();
        let mut k = 2;
        while target_ids.contains(&id) {
            id = format!("{base_id}_{k}");
            k += 1;
        }
        target_ids.push(id.clone());
        let known = t.target_id.as_deref().and_then(recipe);
        let (value, unit) = plan_value(t);
        let (comparator, direction) = plan_comparator(t.comparator);
        let (kind, method, also, indicator_unit): (&str, &str, Vec<&str>, String) = match &known {
            Some(r) => (r.kind, r.method, r.also.to_vec(), r.unit.to_owned()),
            None if t.comparator.is_growth() => ("rate_per_year", "rate_per_year@1", vec![], unit.clone()),
            None if t.comparator == Comparator::Add => ("cumulative", "schedule@1", vec![], unit.clone()),
            None => ("level", "growth_ratio@1", vec!["schedule@1"], unit.clone()),
        };
        // Elements and indicator.
        match &known {
            Some(r) => {
                for el in &r.elements {
                    if element_ids.insert(el.id.to_owned()) {
                        let _ = writeln!(elements_out, "[[data_elements]]");
                        let _ = writeln!(elements_out, "id = {}", q(el.id));
                        let _ = writeln!(elements_out, "name_zh = {}", q(el.name_zh));
                        let _ = writeln!(elements_out, "name_en = {}", q(el.name_en));
                        let _ = writeln!(elements_out, "kind = {}", q(el.kind));
                        let _ = writeln!(elements_out, "unit = {}", q(el.unit));
                        if let Some(rule) = el.derived_from {
                            let _ = writeln!(elements_out, "derived_from = {}", q(rule.name()));
                        }
                        let _ = writeln!(elements_out);
                    }
                }
                let _ = writeln!(indicators_out, "[[indicators]]");
                let _ = writeln!(indicators_out, "id = {}", q(&id));
                let _ = writeln!(indicators_out, "name_zh = {}", q(&t.indicator));
                let _ = writeln!(indicators_out, "name_en = {}", q(known_name_en(t)));
                let _ = writeln!(indicators_out, "unit = {}", q(r.unit));
                let _ = writeln!(indicators_out, "expression = {}", q(r.expression));
                let _ = writeln!(indicators_out, "decimals = {}", r.decimals);
                let _ = writeln!(indicators_out);
            }
            None => {
                let element = format!("{id}_value");
                let growth = t.comparator.is_growth();
                let (el_kind, el_unit) = if growth {
                    ("flow", "REVIEW")
                } else if matches!(unit.as_str(), "万元" | "美元") {
                    ("flow", unit.as_str())
                } else {
                    ("stock", unit.as_str())
                };
                let expression = if growth {
                    format!("yoy(ytd({element}))")
                } else if t.comparator == Comparator::Add {
                    format!("cum({element})")
                } else {
                    element.clone()
                };
                element_ids.insert(element.clone());
                let _ = writeln!(elements_out, "[[data_elements]]");
                let _ = writeln!(
                    elements_out,
                    "# REVIEW: a new indicator; one observed element stands for it (split into numerator and denominator if it is a ratio)."
                );
                let _ = writeln!(elements_out, "id = {}", q(&element));
                let _ = writeln!(elements_out, "name_zh = {}", q(&t.indicator));
                let _ = writeln!(elements_out, "name_en = {}", q("REVIEW"));
                let _ = writeln!(elements_out, "kind = {}", q(el_kind));
                let _ = writeln!(elements_out, "unit = {}", q(el_unit));
                let _ = writeln!(elements_out);
                let _ = writeln!(indicators_out, "[[indicators]]");
                let _ = writeln!(indicators_out, "# REVIEW: a new indicator.");
                let _ = writeln!(indicators_out, "id = {}", q(&id));
                let _ = writeln!(indicators_out, "name_zh = {}", q(&t.indicator));
                let _ = writeln!(indicators_out, "name_en = {}", q("REVIEW"));
                let _ = writeln!(indicators_out, "unit = {}", q(&indicator_unit));
                let _ = writeln!(indicators_out, "expression = {}", q(&expression));
                let _ = writeln!(indicators_out);
            }
        }
        let deadline = t.deadline.unwrap_or(years.last).max(years.first);
        let _ = writeln!(targets_out, "[[targets]]");
        let _ = writeln!(
            targets_out,
            "# From 「{}」: {} {} {} (as written), deadline {}, confidence {}.",
            t.evidence.replace('\n', " "),
            t.comparator.as_str(),
            t.value,
            t.unit,
            match (t.deadline, t.deadline_source) {
                (Some(y), Some(src)) => format!("{y} ({})", source_word(src)),
                _ => format!("{deadline} (REVIEW: none in the text; the plan's last year)"),
            },
            t.confidence
        );
        if known.is_none() {
            let _ = writeln!(targets_out, "# REVIEW: a new indicator, not one plantrack knows.");
        }
        write_statement_notes(&mut targets_out, t, &years);
        if !matches!(
            t.comparator,
            Comparator::AtLeast | Comparator::GrowthAtLeast | Comparator::AtMost
        ) {
            let _ = writeln!(
                targets_out,
                "# REVIEW: the text's comparator is `{}`, a plan file holds `>=` or `<=`.",
                t.comparator.as_str()
            );
        }
        if t.unit != unit {
            let _ = writeln!(
                targets_out,
                "# Value converted from {}{} to {} {}.",
                t.value, t.unit, value, unit
            );
        }
        let _ = writeln!(targets_out, "id = {}", q(&id));
        let _ = writeln!(targets_out, "name_zh = {}", q(&t.indicator));
        let _ = writeln!(targets_out, "name_en = {}", q(known_name_en(t)));
        let _ = writeln!(targets_out, "text_zh = {}", q(&t.evidence));
        let _ = writeln!(targets_out, "indicator = {}", q(&id));
        let _ = writeln!(targets_out, "comparator = {}", q(comparator));
        let _ = writeln!(targets_out, "value = {}", q(&value.to_string()));
        let _ = writeln!(targets_out, "unit = {}", q(&unit));
        let _ = writeln!(targets_out, "deadline = {}", q(&deadline.to_string()));
        let _ = writeln!(targets_out, "direction = {}", q(direction));
        let _ = writeln!(
            targets_out,
            "# REVIEW: kind and method follow the indicator's kind."
        );
        let _ = writeln!(targets_out, "kind = {}", q(kind));
        if unit == "%"
            && (t.target_id.as_deref() == Some("rd_institution_coverage") || is_coverage(&t.indicator))
        {
            let _ = writeln!(targets_out, "ceiling = \"100\"");
        }
        let _ = writeln!(targets_out, "method = {}", q(method));
        if !also.is_empty() {
            let list: Vec<String> = also.iter().map(|m| q(m)).collect();
            let _ = writeln!(targets_out, "also = [{}]", list.join(", "));
        }
        if let Some(lead) = &t.lead_department {
            let _ = writeln!(targets_out, "# Lead department named in the text: {lead}");
        }
        let _ = writeln!(targets_out);
    }
    // Empty arrays must come before the first table of the file.
    if elements_out.is_empty() {
        out = out.replacen(
            "schema = 1\n",
            "schema = 1\ndata_elements = []\nindicators = []\n",
            1,
        );
    }
    out.push_str(&elements_out);
    out.push_str(&indicators_out);
    out.push_str(&targets_out);
    out.push_str(&not_drafted);
    if !not_drafted.is_empty() {
        out.push('\n');
    }

    // Goals: the qualitative statements of the targets section.
    for (n, goal) in qualitative_goals(e).into_iter().enumerate() {
        let _ = writeln!(out, "[[goals]]");
        let _ = writeln!(
            out,
            "# REVIEW: a qualitative goal read from the targets section; say how it is evidenced."
        );
        let _ = writeln!(out, "id = {}", q(&format!("goal_{}", n + 1)));
        let _ = writeln!(out, "name_zh = {}", q(&goal));
        let _ = writeln!(out, "name_en = {}", q("REVIEW"));
        let _ = writeln!(out, "text_zh = {}", q(&goal));
        let _ = writeln!(out, "tracked_by = {}", q("record"));
        let _ = writeln!(out);
    }

    // Task areas and safeguards from the task tree.
    let deadline = format!("{}-12-31", years.last);
    for (section, table, prefix, standing) in [
        (SectionKind::Tasks, "task_areas", "area", false),
        (SectionKind::Safeguards, "safeguards", "safeguard", true),
    ] {
        for (n, area) in areas(&e.tasks, section).into_iter().enumerate() {
            let number = n + 1;
            let _ = writeln!(out, "[[{table}]]");
            let _ = writeln!(out, "id = {}", q(&format!("{prefix}_{number}")));
            let _ = writeln!(out, "number = {number}");
            let _ = writeln!(out, "title_zh = {}", q(&area.title));
            let _ = writeln!(out, "title_en = {}", q("REVIEW"));
            let _ = writeln!(out, "text_zh = {}", q(&node_text(e, area)));
            let _ = writeln!(out);
            let tasks: Vec<&TaskNode> = if area.children.is_empty() {
                vec![area]
            } else {
                area.children.iter().collect()
            };
            for (k, task) in tasks.into_iter().enumerate() {
                let _ = writeln!(out, "[[{table}.tasks]]");
                let _ = writeln!(
                    out,
                    "# REVIEW: lead, leaders, deadline, reporting cycle and the targets it serves are not in the text."
                );
                let _ = writeln!(
                    out,
                    "id = {}",
                    q(&format!("{}{}_{}", &prefix[..1], number, k + 1))
                );
                let _ = writeln!(out, "title_zh = {}", q(&task.title));
                let _ = writeln!(out, "title_en = {}", q("REVIEW"));
                let _ = writeln!(out, "text_zh = {}", q(&node_text(e, task)));
                let _ = writeln!(out, "lead = {}", q(&task_lead));
                let _ = writeln!(out, "principal_leader = {}", q("待定 REVIEW"));
                let _ = writeln!(out, "leader_in_charge = {}", q("待定 REVIEW"));
                let _ = writeln!(out, "deadline = {deadline}");
                let _ = writeln!(out, "cycle = \"quarterly\"");
                if standing {
                    let _ = writeln!(out, "standing = true");
                }
                let _ = writeln!(out);
            }
        }
    }
    out
}

/// The extraction's firmness, recurrence, range and further statements of a target, as comments a reviewer reads
/// (the plan file has no fields for them): `# firmness: soft`, `# recurring: yearly`, `# range: 3–5`,
/// `# also stated: 「…」`.
fn write_statement_notes(out: &mut String, t: &ExtractedTarget, years: &Years) {
    if t.firmness == Firmness::Soft {
        let _ = writeln!(
            out,
            "# firmness: soft (力争/争取 in the text) — REVIEW: track it as a stretch goal or as a firm one."
        );
    }
    if t.recurring.is_some() {
        let _ = writeln!(
            out,
            "# recurring: yearly — holds for every year {}–{}, not only at the deadline. REVIEW: one target per year, or a yearly level.",
            years.first, years.last
        );
    }
    if let Some(r) = t.range {
        let _ = writeln!(
            out,
            "# range: {}–{} {} as written; the value below is its low end. REVIEW.",
            r.low, r.high, t.unit
        );
    }
    for e in t.evidences.iter().skip(1) {
        let _ = writeln!(
            out,
            "# also stated: 「{}」 ({})",
            e.text.replace('\n', " "),
            e.comparator.as_str()
        );
    }
    if let Some(note) = &t.note {
        let _ = writeln!(
            out,
            "# REVIEW: the statements differ: {}",
            note.replace('\n', " ")
        );
    }
}

/// The plan's own title: the 《…》 a drafting explanation (起草说明) or a notice (通知) names, else the title.
fn plan_title(title: &str) -> String {
    if let Some(open) = title.find('《')
        && let Some(close) = title[open..].find('》')
    {
        let inner = &title[open + '《'.len_utf8()..open + close];
        if inner.chars().count() >= 4 {
            return inner.to_owned();
        }
    }
    title.to_owned()
}

fn source_word(s: DeadlineSource) -> &'static str {
    match s {
        DeadlineSource::Written => "written with the target",
        DeadlineSource::Context => "from an earlier sentence",
        DeadlineSource::Term => "from a plan term or 今年",
        DeadlineSource::PlanPeriod => "REVIEW: the end of the plan period",
    }
}

fn known_name_en(t: &ExtractedTarget) -> &'static str {
    t.target_id
        .as_deref()
        .and_then(|id| {
            crate::indicators::recognise(&t.indicator, t.comparator, &t.unit).filter(|k| k.target_id == id)
        })
        .map_or("REVIEW", |k| k.name_en)
}

fn is_coverage(indicator: &str) -> bool {
    ["覆盖率", "建有率", "建有", "覆盖"]
        .iter()
        .any(|w| indicator.contains(w))
}

/// The text of a node (its span in the normalised text), on one line, at most 500 characters.
fn node_text(e: &Extraction, node: &TaskNode) -> String {
    let text = e.normalized_text();
    let s = text.get(node.start..node.end).unwrap_or("");
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(500).collect()
}

/// Areas of a section: the children of its top nodes (headings or items), or the top nodes themselves.
fn areas(tree: &[TaskNode], section: SectionKind) -> Vec<&TaskNode> {
    let mut tops = Vec::new();
    collect_tops(tree, section, &mut tops);
    let mut out = Vec::new();
    for top in tops {
        let children: Vec<&TaskNode> = top
            .children
            .iter()
            .filter(|c| matches!(c.kind, NodeKind::Heading | NodeKind::Item))
            .collect();
        if children.is_empty() {
            out.push(top);
        } else {
            out.extend(children);
        }
    }
    out
}

fn collect_tops<'a>(nodes: &'a [TaskNode], section: SectionKind, out: &mut Vec<&'a TaskNode>) {
    for n in nodes {
        if n.section == section && n.kind == NodeKind::Heading {
            out.push(n);
        } else {
            collect_tops(&n.children, section, out);
        }
    }
}

/// Clauses of the targets section that state a qualitative aim (显著增强, 不断完善, 攻克一批 …) and no target.
fn qualitative_goals(e: &Extraction) -> Vec<String> {
    const AIM_WORDS: [&str; 10] = [
        "增强", "完善", "提升", "提高", "攻克", "形成", "显著", "明显", "突破", "健全",
    ];
    let text = e.normalized_text();
    let mut goals = Vec::new();
    let mut tops = Vec::new();
    collect_tops(&e.tasks, SectionKind::Targets, &mut tops);
    for top in tops {
        let Some(body) = text.get(top.start..top.end) else {
            continue;
        };
        for sentence in body.split(['。', ';', '\n']) {
            for clause in sentence.split(',') {
                let clause = clause.trim();
                if clause.is_empty() || !AIM_WORDS.iter().any(|w| clause.contains(w)) {
                    continue;
                }
                let overlaps_target = e
                    .targets
                    .iter()
                    .any(|t| t.evidence.contains(clause) || clause.contains(&t.evidence));
                if overlaps_target || clause.chars().any(|c| c.is_ascii_digit()) && clause.contains('%') {
                    continue;
                }
                if clause.chars().count() >= 6 && !goals.iter().any(|g: &String| g == clause) {
                    goals.push(clause.to_owned());
                }
            }
        }
    }
    goals
}

#[cfg(test)]
mod tests {
    use plantrack_core::plan::Plan;

    use super::*;
    use crate::extract::extract;

    const SEED: &str = include_str!("../tests/fixtures/seed/plan-explanation.original.txt");

    fn check(draft: &str) -> Plan {
        match Plan::from_toml(draft, "draft.toml") {
            Ok(p) => p,
            Err(e) => panic!("draft does not read:\n{e}\n---\n{draft}"),
        }
    }

    #[test]
    fn the_seed_drafts_a_plan_the_plan_reader_accepts() {
        let e = extract(SEED);
        let draft = draft_plan_toml(&e, "plan-explanation.original.txt");
        let plan = check(&draft);
        let ids: Vec<&str> = plan.targets().iter().map(|t| t.id.as_str()).collect();
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
        assert_eq!(plan.meta().org_unit.as_str(), "211102");
        assert_eq!((plan.meta().first_year, plan.meta().last_year), (2018, 2020));
        assert_eq!(plan.task_areas().len(), 5);
        assert_eq!(plan.safeguards().len(), 3);
        assert!(
            plan.safeguards()
                .iter()
                .all(|s| s.tasks.iter().all(|t| t.standing))
        );
        assert!(!plan.goals().is_empty());
        assert!(draft.contains("# REVIEW"));
    }

    #[test]
    fn every_development_text_drafts_a_readable_plan() {
        let dir = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/policy-texts"
        ));
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|x| x != "txt") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let e = extract(&text);
            let name = path.display().to_string();
            let plan = check(&draft_plan_toml(&e, &name));
            let relative = e
                .targets
                .iter()
                .filter(|t| {
                    matches!(
                        t.comparator,
                        Comparator::Multiple | Comparator::Decrease | Comparator::DecreaseAtLeast
                    )
                })
                .count();
            assert_eq!(plan.targets().len(), e.targets.len() - relative, "{name}");
            n += 1;
        }
        assert!(n >= 27, "all fixtures read ({n})");
    }

    #[test]
    fn soft_recurring_ranged_and_restated_targets_say_so_in_the_draft() {
        let e = extract(
            "title: 某区科技创新行动方案(2021—2025年)\n二、主要目标\n到2025年,高新技术企业达到500家,\
             力争新建3—5个孵化器,每年安排科技专项资金不少于2亿元。高新技术企业总数突破500家。\n",
        );
        let draft = draft_plan_toml(&e, "t");
        check(&draft);
        assert!(draft.contains("# firmness: soft"), "{draft}");
        assert!(
            draft.contains("# recurring: yearly — holds for every year 2021–2025"),
            "{draft}"
        );
        assert!(draft.contains("# range: 3–5 个"), "{draft}");
        assert!(
            draft.contains("# also stated: 「高新技术企业总数突破500家」 (>)"),
            "{draft}"
        );
        assert!(draft.contains("# REVIEW: the statements differ"), "{draft}");
    }

    #[test]
    fn money_is_drafted_in_wan_yuan_and_lead_departments_become_departments() {
        let e = extract("(二)主要目标\n到2020年底:\n——企业科技税收减免额超520亿元;(牵头部门:市税务局)\n");
        let draft = draft_plan_toml(&e, "t");
        let plan = check(&draft);
        let t = &plan.targets()[0];
        assert_eq!((t.value, t.unit.as_str()), (Decimal::from(5_200_000), "万元"));
        assert!(plan.departments().iter().any(|d| d.name_zh == "市税务局"));
    }

    #[test]
    fn a_reviewed_subset_drafts_only_the_accepted_targets_under_the_chosen_id() {
        let e = extract(SEED);
        assert_eq!(default_plan_id(&e), "draft_2018_2020");
        let draft = draft_plan_toml_with(
            &e,
            "seed",
            DraftOptions {
                plan_id: Some("draft_2018_2020_2"),
                targets: Some(&[0, 3, 7, 99]),
            },
        );
        let plan = check(&draft);
        assert_eq!(plan.meta().id.to_string(), "draft_2018_2020_2");
        let ids: Vec<String> = plan.targets().iter().map(|t| t.id.to_string()).collect();
        assert_eq!(
            ids,
            [
                "rd_intensity",
                "high_tech_enterprises",
                "industrial_tech_institutes"
            ]
        );
        // Nothing accepted: still a readable plan (the task tree), with no targets.
        let none = check(&draft_plan_toml_with(
            &e,
            "seed",
            DraftOptions {
                plan_id: None,
                targets: Some(&[]),
            },
        ));
        assert!(none.targets().is_empty() && !none.task_areas().is_empty());
    }

    #[test]
    fn a_text_without_anything_still_drafts_a_readable_plan() {
        let e = extract("加强组织领导。");
        let plan = check(&draft_plan_toml(&e, "t"));
        assert!(plan.targets().is_empty());
    }
}
