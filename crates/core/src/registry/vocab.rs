//! Controlled vocabularies (代码表) of the registries: each list once, with the code that is stored, the
//! Chinese and English labels people see, and the other spellings accepted on input. Files, forms, the API,
//! exports and pages all read these lists, so they accept, store and show the same terms.

/// One term of a vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Term {
    /// What is stored (stable; existing stores hold these codes).
    pub code: &'static str,
    /// Chinese label (templates, exports, pages).
    pub zh: &'static str,
    /// English label.
    pub en: &'static str,
    /// Other spellings accepted on input.
    pub aliases: &'static [&'static str],
}

/// A named list of terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Vocabulary {
    /// Stable id (`platform_kind` …).
    pub id: &'static str,
    /// Chinese name of the list.
    pub zh: &'static str,
    /// English name.
    pub en: &'static str,
    /// The terms, in the order lists show them.
    pub terms: &'static [Term],
}

const fn t(code: &'static str, zh: &'static str, en: &'static str, aliases: &'static [&'static str]) -> Term {
    Term {
        code,
        zh,
        en,
        aliases,
    }
}

impl Vocabulary {
    /// The term a user's text names: its Chinese label, its code, its English label or an alias (case and
    /// surrounding white space ignored).
    pub fn find(&self, text: &str) -> Option<&'static Term> {
        let s = text.trim();
        self.terms.iter().find(|t| {
            t.zh == s
                || t.code.eq_ignore_ascii_case(s)
                || t.en.eq_ignore_ascii_case(s)
                || t.aliases.iter().any(|a| a.eq_ignore_ascii_case(s))
        })
    }

    /// The term stored as `code`.
    pub fn term(&self, code: &str) -> Option<&'static Term> {
        self.terms.iter().find(|t| t.code == code)
    }

    /// The Chinese label of a stored code (the code itself when unknown, so nothing is hidden).
    pub fn zh<'a>(&self, code: &'a str) -> &'a str {
        self.term(code).map_or(code, |t| t.zh)
    }

    /// The English label of a stored code.
    pub fn en<'a>(&self, code: &'a str) -> &'a str {
        self.term(code).map_or(code, |t| t.en)
    }

    /// The Chinese labels, `、`-separated (for messages).
    pub fn list_zh(&self) -> String {
        self.terms.iter().map(|t| t.zh).collect::<Vec<_>>().join("、")
    }

    /// The English labels, comma-separated.
    pub fn list_en(&self) -> String {
        self.terms.iter().map(|t| t.en).collect::<Vec<_>>().join(", ")
    }
}

/// 国家重点支持的高新技术领域 (国科发火〔2016〕32号 附件): stored by their Chinese names.
pub const HIGH_TECH_FIELDS: Vocabulary = Vocabulary {
    id: "high_tech_field",
    zh: "高新技术领域",
    en: "high-tech field",
    terms: &[
        t(
            "电子信息",
            "电子信息",
            "electronic information",
            &["electronic_information"],
        ),
        t("生物与新医药", "生物与新医药", "biomedicine", &["biomedicine"]),
        t("航空航天", "航空航天", "aerospace", &["aerospace"]),
        t("新材料", "新材料", "new materials", &["new_materials"]),
        t(
            "高技术服务",
            "高技术服务",
            "high-tech services",
            &["high_tech_services"],
        ),
        t(
            "新能源与节能",
            "新能源与节能",
            "new energy and energy saving",
            &["new_energy"],
        ),
        t(
            "资源与环境",
            "资源与环境",
            "resources and environment",
            &["resources_environment"],
        ),
        t(
            "先进制造与自动化",
            "先进制造与自动化",
            "advanced manufacturing and automation",
            &["advanced_manufacturing"],
        ),
    ],
};

/// 研发机构级别 of an enterprise's yearly report; the empty code means "none".
pub const RD_LEVELS: Vocabulary = Vocabulary {
    id: "rd_level",
    zh: "研发机构级别",
    en: "R&D institution level",
    terms: &[
        t("国家级", "国家级", "national", &[]),
        t("省级", "省级", "provincial", &["省部级"]),
        t("市级", "市级", "municipal", &[]),
        t("区级", "区级", "district", &["县级"]),
        t("企业级", "企业级", "enterprise", &["企业自建"]),
        t("", "无", "none", &["没有", "-", "—", "/"]),
    ],
};

/// 是/否.
pub const YES_NO: Vocabulary = Vocabulary {
    id: "yes_no",
    zh: "是否",
    en: "yes or no",
    terms: &[
        t("1", "是", "yes", &["true", "y", "√"]),
        t("0", "否", "no", &["false", "n", "×"]),
    ],
};

/// 资质类型.
pub const QUALIFICATION_KINDS: Vocabulary = Vocabulary {
    id: "qualification_kind",
    zh: "资质类型",
    en: "qualification",
    terms: &[
        t(
            "high_tech",
            "高新技术企业",
            "high-tech enterprise",
            &["高企", "high-tech"],
        ),
        t(
            "tech_sme",
            "科技型中小企业",
            "tech-based SME",
            &["科小", "科技型中小企业入库", "tech-sme", "tech SME"],
        ),
    ],
};

/// 技术合同类型 (《技术合同认定登记管理办法》): stored by their Chinese names.
pub const CONTRACT_TYPES: Vocabulary = Vocabulary {
    id: "contract_type",
    zh: "合同类型",
    en: "contract type",
    terms: &[
        t("技术开发", "技术开发", "development", &[]),
        t("技术转让", "技术转让", "transfer", &[]),
        t("技术许可", "技术许可", "licence", &["license"]),
        t("技术咨询", "技术咨询", "consulting", &[]),
        t("技术服务", "技术服务", "service", &[]),
    ],
};

/// 平台类型.
pub const PLATFORM_KINDS: Vocabulary = Vocabulary {
    id: "platform_kind",
    zh: "平台类型",
    en: "platform kind",
    terms: &[
        t(
            "industrial_tech_institute",
            "产业技术研究院",
            "industrial technology institute",
            &["研究院"],
        ),
        t("maker_space", "众创空间", "maker space", &[]),
        t("incubator", "孵化器", "incubator", &["科技企业孵化器"]),
    ],
};

/// 平台级别.
pub const PLATFORM_LEVELS: Vocabulary = Vocabulary {
    id: "platform_level",
    zh: "平台级别",
    en: "platform level",
    terms: &[
        t("国家级", "国家级", "national", &[]),
        t("省级", "省级", "provincial", &[]),
        t("市级", "市级", "municipal", &[]),
        t("区级", "区级", "district", &["县级"]),
    ],
};

/// 成果类型.
pub const ACHIEVEMENT_KINDS: Vocabulary = Vocabulary {
    id: "achievement_kind",
    zh: "成果类型",
    en: "achievement kind",
    terms: &[
        t("key_technology", "关键核心技术", "key technology", &["关键技术"]),
        t("new_product", "新产品", "new product", &[]),
    ],
};

/// 区划级别.
pub const ORG_LEVELS: Vocabulary = Vocabulary {
    id: "org_level",
    zh: "区划级别",
    en: "org-unit level",
    terms: &[
        t("province", "省", "province", &["省级"]),
        t("city", "市", "city", &["地级", "市级"]),
        t("district", "区县", "district", &["区", "县", "县级"]),
        t("street", "街道乡镇", "street", &["街道", "乡镇", "乡", "镇"]),
        t("park", "园区", "park", &["开发区", "高新区"]),
    ],
};

/// Kinds of dated enterprise record.
pub const ENTERPRISE_RECORD_KINDS: Vocabulary = Vocabulary {
    id: "enterprise_record_kind",
    zh: "企业记录类型",
    en: "enterprise record kind",
    terms: &[
        t("rd_institution", "研发机构", "R&D institution", &[]),
        t("incident", "不良事件", "adverse event", &[]),
        t("award", "国家级科技奖励", "national S&T award", &[]),
        t("standard", "主导制定标准", "standard led", &[]),
        t("dishonesty", "失信记录", "dishonesty listing", &[]),
    ],
};

/// Every vocabulary, for tests and documentation.
pub const ALL: [&Vocabulary; 10] = [
    &ENTERPRISE_RECORD_KINDS,
    &HIGH_TECH_FIELDS,
    &RD_LEVELS,
    &YES_NO,
    &QUALIFICATION_KINDS,
    &CONTRACT_TYPES,
    &PLATFORM_KINDS,
    &PLATFORM_LEVELS,
    &ACHIEVEMENT_KINDS,
    &ORG_LEVELS,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_spelling_names_two_terms_of_one_list() {
        for v in ALL {
            for a in v.terms {
                for spelling in [a.zh, a.code, a.en].into_iter().chain(a.aliases.iter().copied()) {
                    if spelling.is_empty() {
                        continue;
                    }
                    let found = v.find(spelling).map(|t| t.code);
                    assert_eq!(found, Some(a.code), "{}: {spelling:?}", v.id);
                }
            }
        }
    }

    #[test]
    fn terms_are_found_by_label_code_and_alias() {
        assert_eq!(PLATFORM_KINDS.find(" 孵化器 ").map(|t| t.code), Some("incubator"));
        assert_eq!(
            PLATFORM_KINDS.find("INCUBATOR").map(|t| t.code),
            Some("incubator")
        );
        assert_eq!(
            PLATFORM_KINDS.find("科技企业孵化器").map(|t| t.code),
            Some("incubator")
        );
        assert_eq!(PLATFORM_KINDS.find("实验室"), None);
        assert_eq!(RD_LEVELS.find("无").map(|t| t.code), Some(""));
        assert_eq!(CONTRACT_TYPES.zh("技术开发"), "技术开发");
        assert_eq!(PLATFORM_KINDS.zh("maker_space"), "众创空间");
        assert_eq!(PLATFORM_KINDS.zh("unknown"), "unknown");
    }

    #[test]
    fn the_high_tech_fields_are_the_qualification_rules_fields() {
        use crate::qualify::HighTechField;
        assert_eq!(HIGH_TECH_FIELDS.terms.len(), HighTechField::ALL.len());
        for f in HighTechField::ALL {
            let term = HIGH_TECH_FIELDS.find(f.id()).map(|t| t.code);
            assert_eq!(term, Some(f.name_zh()));
        }
    }
}
