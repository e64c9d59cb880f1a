//! Known science-and-technology indicators (常用科技指标): recognises an extracted indicator phrase as one of
//! the indicators district and city plans keep using, and proposes the plan's target id and data elements for it.
//! Anything else is left as a new indicator for a person to define (`None`).
//!
//! The ids for the Shuangtaizi plan's eight targets are those of the plan file (issue 2 §4); the others follow the
//! same naming. Data elements are the inputs the plan's indicator expressions read (amounts in 万元).

use serde::Serialize;

use crate::Comparator;

/// A known indicator the phrase was recognised as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownIndicator {
    /// Target id proposed for the plan file (`rd_intensity`).
    pub target_id: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// Data elements the indicator is computed from.
    pub data_elements: &'static [&'static str],
}

const fn known(
    target_id: &'static str,
    name_en: &'static str,
    data_elements: &'static [&'static str],
) -> KnownIndicator {
    KnownIndicator {
        target_id,
        name_en,
        data_elements,
    }
}

/// Strips the words that only say "count of" (总数, 数量, 数) and the leading scope (全区, 全省, 全市) off a phrase.
pub(crate) fn core_phrase(phrase: &str) -> &str {
    let mut p = phrase.trim();
    for prefix in ["全区", "全省", "全市", "全县", "全社会", "区域内", "全国"] {
        if let Some(r) = p.strip_prefix(prefix) {
            p = r;
        }
    }
    for suffix in [
        "总数",
        "数量",
        "总量",
        "数",
        "的",
        "(每年)",
        "(年均)",
        "入库",
        "评价入库",
        "登记入库",
    ] {
        if let Some(r) = p.strip_suffix(suffix) {
            p = r;
        }
    }
    // 入库数量 → 入库 after 数量 went.
    for suffix in ["评价入库", "登记入库", "入库"] {
        if let Some(r) = p.strip_suffix(suffix) {
            p = r;
        }
    }
    p
}

/// Is the phrase a count of `entity` — nothing measured about it (营业收入, 研发经费, 专利, 税收 …)?
fn is_count_of(phrase: &str, entities: &[&str]) -> bool {
    let core = core_phrase(phrase);
    entities.iter().any(|e| {
        core.ends_with(e)
            && !core.contains("收入")
            && !core.contains("经费")
            && !core.contains("专利")
            && !core.contains("税")
            && !core.contains("产值")
            && !core.contains("研发机构")
    })
}

/// Recognises an indicator phrase (as extracted, with its comparator and unit).
pub fn recognise(phrase: &str, comparator: Comparator, unit: &str) -> Option<KnownIndicator> {
    let has = |w: &str| phrase.contains(w);
    let any = |ws: &[&str]| ws.iter().any(|w| phrase.contains(w));
    let growth = comparator.is_growth() || any(&["增速", "增长率", "增幅"]);
    let percent = unit == "%";

    // R&D expenditure over GDP (研发投入强度).
    if any(&[
        "研发投入强度",
        "研发经费投入强度",
        "R&D经费投入强度",
        "研究与试验发展经费投入强度",
    ]) || (any(&["研究与开发", "研究与试验发展", "研发", "R&D"])
        && any(&["生产总值", "GDP"])
        && percent
        && !growth)
    {
        return Some(known(
            "rd_intensity",
            "R&D expenditure as a share of GDP",
            &["rd_expenditure", "gdp"],
        ));
    }
    // Share of (above-scale) enterprises with an R&D institution (研发机构覆盖率 / 建有率).
    if has("研发机构") && percent && !growth {
        return Some(known(
            "rd_institution_coverage",
            "Share of above-scale tech industrial enterprises with an R&D institution",
            &[
                "above_scale_tech_industrial_with_rd",
                "above_scale_tech_industrial",
            ],
        ));
    }
    // High-tech industry / product value added: growth, share or level.
    if has("高新技术") && has("增加值") {
        if growth {
            return Some(known(
                "high_tech_value_added_growth",
                "Growth of high-tech value added",
                &["high_tech_value_added"],
            ));
        }
        if percent && any(&["占", "比重"]) {
            return Some(known(
                "high_tech_value_added_share",
                "High-tech value added as a share of industrial value added",
                &["high_tech_value_added", "industrial_value_added"],
            ));
        }
        return Some(known(
            "high_tech_value_added",
            "High-tech value added",
            &["high_tech_value_added"],
        ));
    }
    // Technology contract turnover (技术合同成交额): growth or level.
    if has("技术合同") && any(&["成交额", "交易额", "成交金额"]) {
        if growth {
            return Some(known(
                "tech_contract_growth",
                "Growth of technology contract turnover",
                &["tech_contract_turnover"],
            ));
        }
        return Some(known(
            "tech_contract_turnover",
            "Technology contract turnover",
            &["tech_contract_turnover"],
        ));
    }
    // Invention patents per 10,000 people (每万人发明专利拥有量).
    if any(&["每万人", "万人发明专利"]) && has("发明专利") {
        return Some(known(
            "invention_patents_per_10k",
            "Invention patents per 10,000 residents",
            &["invention_patents_valid", "population"],
        ));
    }
    if growth {
        return None;
    }
    if is_count_of(phrase, &["高新技术企业", "高企"]) {
        return Some(known(
            "high_tech_enterprises",
            "High-tech enterprises (certified)",
            &["high_tech_enterprise_count"],
        ));
    }
    if is_count_of(phrase, &["科技型中小企业"]) {
        return Some(known(
            "tech_smes",
            "Technology-based SMEs (registered)",
            &["tech_sme_count"],
        ));
    }
    if is_count_of(phrase, &["产业技术研究院", "技术研究院", "研究院"]) {
        return Some(known(
            "industrial_tech_institutes",
            "Industrial technology research institutes",
            &["industrial_tech_institute_count"],
        ));
    }
    if is_count_of(phrase, &["孵化器"]) {
        return Some(known(
            "incubators",
            "Technology business incubators",
            &["incubator_count"],
        ));
    }
    if is_count_of(phrase, &["众创空间"]) {
        return Some(known("maker_spaces", "Maker spaces", &["maker_space_count"]));
    }
    if has("人才") && matches!(unit, "人" | "名" | "位" | "万人") {
        if any(&["高端", "高层次", "领军", "创新创业"]) {
            return Some(known(
                "high_end_talents",
                "High-end innovation and entrepreneurship talents introduced",
                &["talents_introduced"],
            ));
        }
        return Some(known(
            "talents_introduced",
            "Talents introduced",
            &["talents_introduced"],
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(phrase: &str, cmp: Comparator, unit: &str) -> Option<&'static str> {
        recognise(phrase, cmp, unit).map(|k| k.target_id)
    }

    #[test]
    fn the_seed_phrases_map_to_the_plan_ids() {
        use Comparator::*;
        assert_eq!(
            id("全社会研究与开发经费占国内生产总值(GDP)比重", AtLeast, "%"),
            Some("rd_intensity")
        );
        assert_eq!(
            id("引进高端创新创业人才", AtLeast, "人"),
            Some("high_end_talents")
        );
        assert_eq!(id("全区科技型中小企业总数", AtLeast, "家"), Some("tech_smes"));
        assert_eq!(id("高新技术企业", AtLeast, "家"), Some("high_tech_enterprises"));
        assert_eq!(
            id("规模以上科技型工业企业建有研发机构", Equal, "%"),
            Some("rd_institution_coverage")
        );
        assert_eq!(
            id("全社会高新技术产品增加值增速", GrowthAtLeast, "%"),
            Some("high_tech_value_added_growth")
        );
        assert_eq!(
            id("技术合同成交额增速", GrowthAtLeast, "%"),
            Some("tech_contract_growth")
        );
        assert_eq!(
            id("产业技术研究院", AtLeast, "家"),
            Some("industrial_tech_institutes")
        );
    }

    #[test]
    fn look_alikes_stay_new_indicators() {
        use Comparator::*;
        // Not over GDP: not R&D intensity.
        assert_eq!(
            id("高企研发经费投入占全省企业研发经费投入的比重", AtLeast, "%"),
            None
        );
        // Revenue and patents of high-tech enterprises are not their count.
        assert_eq!(id("高新技术企业营业收入", AtLeast, "亿元"), None);
        assert_eq!(id("高企有效发明专利拥有量", MoreThan, "万件"), None);
        assert_eq!(id("地区生产总值", Growth, "%"), None);
        assert_eq!(
            id("全省高新技术企业总数", MoreThan, "万家"),
            Some("high_tech_enterprises")
        );
        assert_eq!(
            id("每万人发明专利拥有量", AtLeast, "件"),
            Some("invention_patents_per_10k")
        );
        assert_eq!(
            id("技术合同成交额", AtLeast, "亿元"),
            Some("tech_contract_turnover")
        );
    }
}
