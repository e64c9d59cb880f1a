//! What each import file looks like: the kinds of file (one per registry), their columns in order — Chinese
//! header, English aliases, whether required, what a cell holds, the note a template shows — and the header
//! matching that maps a file's header row onto them.
//!
//! The enterprise, qualification, contract, talent, platform and observation headers are those of issue 4;
//! financing, funding, achievements and org units follow the same style. Templates, exports and `plantrack gen`
//! write exactly these headers, so every file plantrack writes reads back.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// A kind of import file (导入类型) — one per registry, plus the statistics (observations) and org units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 企业年报 (master data + one year's figures per row).
    Enterprises,
    /// 企业资质: 高新技术企业 certificates and 科技型中小企业 registrations.
    Qualifications,
    /// 技术合同 (registered technology contracts).
    Contracts,
    /// 引进人才.
    Talents,
    /// 创新平台 (产业技术研究院, 众创空间, 孵化器).
    Platforms,
    /// 统计数据 (observations of the plan's observed data elements).
    Observations,
    /// 知识产权质押融资.
    Financing,
    /// 财政科技资金拨付 (fiscal support).
    Funding,
    /// 关键技术与新产品 (the qualitative goals' records).
    Achievements,
    /// 区划 (org units with validity), so that a province's districts are known before their data.
    OrgUnits,
}

impl Kind {
    /// Every kind, in the order the CLI lists them.
    pub const ALL: [Kind; 10] = [
        Kind::Enterprises,
        Kind::Qualifications,
        Kind::Contracts,
        Kind::Talents,
        Kind::Platforms,
        Kind::Observations,
        Kind::Financing,
        Kind::Funding,
        Kind::Achievements,
        Kind::OrgUnits,
    ];

    /// The CLI / API name (`enterprises`, `org_units` …).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Enterprises => "enterprises",
            Kind::Qualifications => "qualifications",
            Kind::Contracts => "contracts",
            Kind::Talents => "talents",
            Kind::Platforms => "platforms",
            Kind::Observations => "observations",
            Kind::Financing => "financing",
            Kind::Funding => "funding",
            Kind::Achievements => "achievements",
            Kind::OrgUnits => "org_units",
        }
    }

    /// Chinese name (also the sheet name of templates and exports).
    pub fn name_zh(self) -> &'static str {
        match self {
            Kind::Enterprises => "企业年报",
            Kind::Qualifications => "企业资质",
            Kind::Contracts => "技术合同",
            Kind::Talents => "引进人才",
            Kind::Platforms => "创新平台",
            Kind::Observations => "统计数据",
            Kind::Financing => "知识产权质押融资",
            Kind::Funding => "财政科技资金",
            Kind::Achievements => "关键技术与新产品",
            Kind::OrgUnits => "区划",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Kind::Enterprises => "enterprise annual figures",
            Kind::Qualifications => "enterprise qualifications",
            Kind::Contracts => "technology contracts",
            Kind::Talents => "introduced talents",
            Kind::Platforms => "innovation platforms",
            Kind::Observations => "statistics (observations)",
            Kind::Financing => "IP-pledge financing",
            Kind::Funding => "fiscal support",
            Kind::Achievements => "key technologies and new products",
            Kind::OrgUnits => "org units",
        }
    }

    /// The columns of this kind's files, in template order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Enterprises => ENTERPRISES,
            Kind::Qualifications => QUALIFICATIONS,
            Kind::Contracts => CONTRACTS,
            Kind::Talents => TALENTS,
            Kind::Platforms => PLATFORMS,
            Kind::Observations => OBSERVATIONS,
            Kind::Financing => FINANCING,
            Kind::Funding => FUNDING,
            Kind::Achievements => ACHIEVEMENTS,
            Kind::OrgUnits => ORG_UNITS,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown kind name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知的导入类型 {0:?}(可用: {list}) / unknown kind {0:?} (one of {list})", list = kind_list())]
pub struct UnknownKind(pub String);

fn kind_list() -> String {
    Kind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")
}

impl FromStr for Kind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Kind, UnknownKind> {
        let t = s.trim().replace('-', "_").to_lowercase();
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == t || k.name_zh() == s.trim())
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// What a column's cells hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// Free text.
    Text,
    /// A code kept as text (certificate and contract numbers): never a number.
    Code,
    /// 统一社会信用代码 (GB 32100 check digit).
    Uscc,
    /// A known org unit's code.
    OrgUnit,
    /// A date.
    Date,
    /// An amount in 万元 ≥ 0.
    Amount,
    /// A whole number ≥ 0.
    Count,
    /// A four-digit year.
    Year,
    /// A reporting period (`2019`, `2019Q3`, `2019-07`).
    Period,
    /// A number ≥ 0 in the data element's own unit.
    Number,
    /// One of a fixed list.
    Choice(&'static [Choice]),
    /// GB/T 4754 industry code.
    Industry,
    /// A plan data element, by id or Chinese name.
    Element,
    /// A plan department, by id or name.
    Department,
}

/// One allowed value of a choice column: its label in files, its stored code and other accepted spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// The label written in templates and exports.
    pub label: &'static str,
    /// What is stored.
    pub code: &'static str,
    /// Other spellings accepted on import.
    pub aliases: &'static [&'static str],
}

const fn choice(label: &'static str, code: &'static str, aliases: &'static [&'static str]) -> Choice {
    Choice { label, code, aliases }
}

impl Value {
    /// The choice for a cell's text, if this is a choice column and the text names one.
    pub fn choose(self, text: &str) -> Option<&'static Choice> {
        let Value::Choice(list) = self else {
            return None;
        };
        let t = text.trim();
        list.iter().find(|c| {
            c.label == t
                || c.code.eq_ignore_ascii_case(t)
                || c.aliases.iter().any(|a| a.eq_ignore_ascii_case(t))
        })
    }
}

/// One column of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Stable id (also accepted as an English header).
    pub id: &'static str,
    /// The Chinese header as templates write it.
    pub header: &'static str,
    /// Other headers accepted (English).
    pub aliases: &'static [&'static str],
    /// Whether every row must have a value.
    pub required: bool,
    /// What the cells hold.
    pub value: Value,
    /// The template's note on the header: what to enter, unit, example.
    pub note: &'static str,
    /// Written by templates (false: accepted on import and written by exports only).
    pub in_template: bool,
}

const fn col(
    id: &'static str,
    header: &'static str,
    aliases: &'static [&'static str],
    required: bool,
    value: Value,
    note: &'static str,
) -> Column {
    Column {
        id,
        header,
        aliases,
        required,
        value,
        note,
        in_template: true,
    }
}

const fn extra(mut c: Column) -> Column {
    c.in_template = false;
    c
}

/// 高新技术领域 (国科发火〔2016〕32号 附件), by their Chinese names.
pub const HIGH_TECH_FIELDS: &[Choice] = &[
    choice("电子信息", "电子信息", &["electronic_information"]),
    choice("生物与新医药", "生物与新医药", &["biomedicine"]),
    choice("航空航天", "航空航天", &["aerospace"]),
    choice("新材料", "新材料", &["new_materials"]),
    choice("高技术服务", "高技术服务", &["high_tech_services"]),
    choice("新能源与节能", "新能源与节能", &["new_energy"]),
    choice("资源与环境", "资源与环境", &["resources_environment"]),
    choice(
        "先进制造与自动化",
        "先进制造与自动化",
        &["advanced_manufacturing"],
    ),
];

/// 研发机构级别; `无` means none.
pub const RD_LEVELS: &[Choice] = &[
    choice("国家级", "国家级", &["national"]),
    choice("省级", "省级", &["省部级", "provincial"]),
    choice("市级", "市级", &["municipal"]),
    choice("区级", "区级", &["县级", "district"]),
    choice("企业级", "企业级", &["企业自建", "enterprise"]),
    choice("无", "", &["没有", "none", "-", "—", "/"]),
];

/// 是/否.
pub const YES_NO: &[Choice] = &[
    choice("是", "1", &["yes", "true", "y", "√"]),
    choice("否", "0", &["no", "false", "n", "×"]),
];

/// 资质类型.
pub const QUALIFICATION_KINDS: &[Choice] = &[
    choice("高新技术企业", "high_tech", &["高企", "high-tech"]),
    choice(
        "科技型中小企业",
        "tech_sme",
        &["科小", "科技型中小企业入库", "tech-sme"],
    ),
];

/// 技术合同类型.
pub const CONTRACT_TYPES: &[Choice] = &[
    choice("技术开发", "技术开发", &["development"]),
    choice("技术转让", "技术转让", &["transfer"]),
    choice("技术许可", "技术许可", &["licence", "license"]),
    choice("技术咨询", "技术咨询", &["consulting"]),
    choice("技术服务", "技术服务", &["service"]),
];

/// 平台类型.
pub const PLATFORM_KINDS: &[Choice] = &[
    choice("产业技术研究院", "industrial_tech_institute", &["研究院"]),
    choice("众创空间", "maker_space", &[]),
    choice("孵化器", "incubator", &["科技企业孵化器"]),
];

/// 平台级别.
pub const PLATFORM_LEVELS: &[Choice] = &[
    choice("国家级", "国家级", &["national"]),
    choice("省级", "省级", &["provincial"]),
    choice("市级", "市级", &["municipal"]),
    choice("区级", "区级", &["县级", "district"]),
];

/// 成果类型.
pub const ACHIEVEMENT_KINDS: &[Choice] = &[
    choice("关键核心技术", "key_technology", &["关键技术", "key technology"]),
    choice("新产品", "new_product", &["new product"]),
];

/// 区划级别.
pub const ORG_LEVELS: &[Choice] = &[
    choice("省", "province", &["省级"]),
    choice("市", "city", &["地级", "市级"]),
    choice("区县", "district", &["区", "县", "县级"]),
    choice("街道乡镇", "street", &["街道", "乡镇", "乡", "镇"]),
    choice("园区", "park", &["开发区", "高新区"]),
];

const USCC_NOTE: &str = "18位统一社会信用代码,末位为校验码 / 18-character unified social credit code";
const ORG_NOTE: &str = "6位行政区划代码(GB/T 2260),如 211102 双台子区 / org-unit code, e.g. 211102";
const DATE_NOTE: &str = "日期,如 2019-12-31 / a date, e.g. 2019-12-31";
const WAN_NOTE: &str = "单位:万元,不小于0 / in 万元 (10 000 yuan), ≥ 0";
const COUNT_NOTE: &str = "整数,不小于0 / a whole number ≥ 0";

/// 企业年报 (issue 4 §4 headers, in order; 规模以上工业企业 is an optional extra written by exports).
pub const ENTERPRISES: &[Column] = &[
    col(
        "uscc",
        "统一社会信用代码",
        &["unified social credit code", "credit code"],
        true,
        Value::Uscc,
        USCC_NOTE,
    ),
    col(
        "name",
        "企业名称",
        &["enterprise name", "enterprise"],
        true,
        Value::Text,
        "营业执照上的全称 / full registered name",
    ),
    col(
        "founded_on",
        "成立日期",
        &["founded", "date founded"],
        false,
        Value::Date,
        DATE_NOTE,
    ),
    col(
        "org_unit",
        "所在区划代码",
        &["org_unit_code", "org unit"],
        true,
        Value::OrgUnit,
        ORG_NOTE,
    ),
    col(
        "industry_code",
        "行业代码",
        &["industry"],
        false,
        Value::Industry,
        "GB/T 4754-2017 行业代码,如 C2614 / industry code, e.g. C2614",
    ),
    col(
        "high_tech_field",
        "高新技术领域",
        &["high-tech field"],
        false,
        Value::Choice(HIGH_TECH_FIELDS),
        "国家重点支持的高新技术领域,从下拉列表选择 / choose from the list",
    ),
    col(
        "year",
        "年度",
        &["year"],
        true,
        Value::Year,
        "数据所属年度,如 2019 / the year of the figures",
    ),
    col(
        "employees",
        "职工总数",
        &["employees"],
        false,
        Value::Count,
        COUNT_NOTE,
    ),
    col(
        "tech_staff",
        "科技人员数",
        &["tech staff", "r&d staff"],
        false,
        Value::Count,
        "整数,不大于职工总数 / whole number, not above employees",
    ),
    col(
        "sales_revenue",
        "销售收入(万元)",
        &["sales revenue"],
        false,
        Value::Amount,
        WAN_NOTE,
    ),
    col(
        "main_business_revenue",
        "主营业务收入(万元)",
        &["main business revenue"],
        false,
        Value::Amount,
        WAN_NOTE,
    ),
    col(
        "total_revenue",
        "总收入(万元)",
        &["total revenue"],
        false,
        Value::Amount,
        WAN_NOTE,
    ),
    col(
        "high_tech_revenue",
        "高新技术产品(服务)收入(万元)",
        &["high-tech revenue"],
        false,
        Value::Amount,
        WAN_NOTE,
    ),
    col(
        "total_assets",
        "资产总额(万元)",
        &["total assets"],
        false,
        Value::Amount,
        WAN_NOTE,
    ),
    col(
        "total_liabilities",
        "负债总额(万元)",
        &["total liabilities"],
        false,
        Value::Amount,
        WAN_NOTE,
    ),
    col(
        "total_cost",
        "成本费用支出总额(万元)",
        &["total cost"],
        false,
        Value::Amount,
        WAN_NOTE,
    ),
    col(
        "rd_expense",
        "研发费用(万元)",
        &["r&d expense", "rd expense"],
        false,
        Value::Amount,
        WAN_NOTE,
    ),
    col(
        "domestic_rd_expense",
        "境内研发费用(万元)",
        &["domestic r&d expense"],
        false,
        Value::Amount,
        "单位:万元,不大于研发费用 / in 万元, not above the R&D expense",
    ),
    col(
        "ip_class1",
        "Ⅰ类知识产权数",
        &["I类知识产权数", "一类知识产权数", "class I ip"],
        false,
        Value::Count,
        "发明专利等Ⅰ类知识产权件数 / class I IP (patents for invention …)",
    ),
    col(
        "ip_class2",
        "Ⅱ类知识产权数",
        &["II类知识产权数", "二类知识产权数", "class II ip"],
        false,
        Value::Count,
        "实用新型、外观设计、软件著作权等件数 / class II IP",
    ),
    col(
        "rd_institution_level",
        "研发机构级别",
        &["r&d institution level"],
        false,
        Value::Choice(RD_LEVELS),
        "没有研发机构填「无」/ 无 when there is none",
    ),
    col(
        "achievements_transformed",
        "科技成果转化数",
        &["achievements transformed"],
        false,
        Value::Count,
        COUNT_NOTE,
    ),
    extra(col(
        "above_scale_industrial",
        "规模以上工业企业",
        &["above-scale industrial"],
        false,
        Value::Choice(YES_NO),
        "统计部门认定的规上工业企业填「是」;不填则按主营业务收入判定 / as designated by the statistics bureau; blank = by revenue",
    )),
];

/// 企业资质 (年度 and 撤销日期 are optional extras).
pub const QUALIFICATIONS: &[Column] = &[
    col(
        "uscc",
        "统一社会信用代码",
        &["unified social credit code"],
        true,
        Value::Uscc,
        USCC_NOTE,
    ),
    col(
        "kind",
        "资质类型",
        &["qualification", "type"],
        true,
        Value::Choice(QUALIFICATION_KINDS),
        "高新技术企业 或 科技型中小企业 / high-tech enterprise or tech SME",
    ),
    col(
        "number",
        "证书编号",
        &["登记编号", "入库登记编号", "certificate number"],
        true,
        Value::Code,
        "高企证书编号或科小入库登记编号 / certificate or registration number",
    ),
    col(
        "issued_on",
        "发证日期",
        &["入库日期", "登记日期", "issued on"],
        true,
        Value::Date,
        "高企证书有效期三年 / a 高企 certificate is valid three years",
    ),
    extra(col(
        "year",
        "年度",
        &["year"],
        false,
        Value::Year,
        "科小入库年度,不填则为发证年份 / registration year; default: year of issue",
    )),
    extra(col(
        "revoked_on",
        "撤销日期",
        &["revoked on"],
        false,
        Value::Date,
        "被取消资格的日期 / date revoked",
    )),
];

/// 技术合同.
pub const CONTRACTS: &[Column] = &[
    col(
        "contract_number",
        "合同登记编号",
        &["contract number"],
        true,
        Value::Code,
        "技术合同认定登记编号 / registration number",
    ),
    col(
        "contract_type",
        "合同类型",
        &["contract type"],
        true,
        Value::Choice(CONTRACT_TYPES),
        "技术开发、转让、许可、咨询、服务 / development, transfer, licence, consulting, service",
    ),
    col(
        "registered_on",
        "登记日期",
        &["registered on"],
        true,
        Value::Date,
        DATE_NOTE,
    ),
    col(
        "seller_uscc",
        "卖方统一社会信用代码",
        &["seller uscc"],
        true,
        Value::Uscc,
        USCC_NOTE,
    ),
    col(
        "buyer_name",
        "买方名称",
        &["buyer"],
        false,
        Value::Text,
        "买方单位名称 / buyer",
    ),
    col(
        "turnover",
        "成交额(万元)",
        &["turnover"],
        true,
        Value::Amount,
        WAN_NOTE,
    ),
    col(
        "tech_turnover",
        "技术交易额(万元)",
        &["tech turnover"],
        false,
        Value::Amount,
        "单位:万元,不大于成交额 / in 万元, not above the turnover",
    ),
    col(
        "org_unit",
        "所在区划代码",
        &["org_unit_code", "org unit"],
        true,
        Value::OrgUnit,
        "卖方所在区划 / the seller's org unit",
    ),
];

/// 引进人才 (备注 optional extra).
pub const TALENTS: &[Column] = &[
    col("name", "姓名", &["name"], true, Value::Text, "姓名 / name"),
    col(
        "category",
        "人才类别",
        &["category"],
        true,
        Value::Text,
        "计划统计「高端创新创业人才」/ the plan counts 高端创新创业人才",
    ),
    col(
        "introduced_on",
        "引进日期",
        &["introduced on"],
        true,
        Value::Date,
        DATE_NOTE,
    ),
    col(
        "employer_uscc",
        "引进单位统一社会信用代码",
        &["employer uscc"],
        false,
        Value::Uscc,
        USCC_NOTE,
    ),
    col(
        "org_unit",
        "所在区划代码",
        &["org_unit_code", "org unit"],
        true,
        Value::OrgUnit,
        ORG_NOTE,
    ),
    extra(col("note", "备注", &["note"], false, Value::Text, "")),
];

/// 创新平台 (依托单位统一社会信用代码 optional extra).
pub const PLATFORMS: &[Column] = &[
    col(
        "name",
        "名称",
        &["name"],
        true,
        Value::Text,
        "平台全称 / full name",
    ),
    col(
        "kind",
        "类型",
        &["type", "kind"],
        true,
        Value::Choice(PLATFORM_KINDS),
        "产业技术研究院、众创空间、孵化器 / institute, maker space, incubator",
    ),
    col(
        "level",
        "级别",
        &["level"],
        false,
        Value::Choice(PLATFORM_LEVELS),
        "国家级、省级、市级、区级 / level",
    ),
    col(
        "recognised_on",
        "认定日期",
        &["recognised on", "recognized on"],
        true,
        Value::Date,
        DATE_NOTE,
    ),
    col(
        "revoked_on",
        "撤销日期",
        &["revoked on"],
        false,
        Value::Date,
        "未撤销的不填 / blank unless revoked",
    ),
    col(
        "org_unit",
        "所在区划代码",
        &["org_unit_code", "org unit"],
        true,
        Value::OrgUnit,
        ORG_NOTE,
    ),
    col(
        "host_unit",
        "依托单位",
        &["host unit"],
        false,
        Value::Text,
        "依托单位名称 / host organisation",
    ),
    extra(col(
        "host_uscc",
        "依托单位统一社会信用代码",
        &["host uscc"],
        false,
        Value::Uscc,
        USCC_NOTE,
    )),
];

/// 统计数据.
pub const OBSERVATIONS: &[Column] = &[
    col(
        "org_unit",
        "区划代码",
        &["org_unit_code", "org unit"],
        true,
        Value::OrgUnit,
        ORG_NOTE,
    ),
    col(
        "period",
        "期间",
        &["period"],
        true,
        Value::Period,
        "2019、2019Q3 或 2019-07 / 2019, 2019Q3 or 2019-07",
    ),
    col(
        "element",
        "指标",
        &["data_element", "data element"],
        true,
        Value::Element,
        "数据项标识或中文名,如 gdp / data element id or Chinese name",
    ),
    col(
        "value",
        "数值",
        &["value"],
        true,
        Value::Number,
        "按数据项的单位(金额为万元)/ in the element's unit (money in 万元)",
    ),
    col(
        "source",
        "来源",
        &["source"],
        false,
        Value::Text,
        "如 区统计局 / e.g. the statistics bureau",
    ),
    extra(col(
        "entered_by",
        "录入人",
        &["entered by"],
        false,
        Value::Text,
        "不填则为导入人 / blank: who imports",
    )),
];

/// 知识产权质押融资.
pub const FINANCING: &[Column] = &[
    col(
        "registration_number",
        "质押登记号",
        &["registration number"],
        true,
        Value::Code,
        "质押登记编号 / pledge registration number",
    ),
    col(
        "uscc",
        "出质企业统一社会信用代码",
        &["uscc"],
        true,
        Value::Uscc,
        USCC_NOTE,
    ),
    col(
        "pledgee",
        "质权人",
        &["pledgee", "bank"],
        true,
        Value::Text,
        "银行等质权人 / lender",
    ),
    col(
        "amount",
        "融资金额(万元)",
        &["amount"],
        true,
        Value::Amount,
        WAN_NOTE,
    ),
    col(
        "registered_on",
        "登记日期",
        &["registered on"],
        true,
        Value::Date,
        DATE_NOTE,
    ),
    col(
        "patent_count",
        "质押专利数",
        &["patent count"],
        false,
        Value::Count,
        COUNT_NOTE,
    ),
    col(
        "org_unit",
        "所在区划代码",
        &["org_unit_code", "org unit"],
        true,
        Value::OrgUnit,
        ORG_NOTE,
    ),
    col("note", "备注", &["note"], false, Value::Text, ""),
];

/// 财政科技资金拨付.
pub const FUNDING: &[Column] = &[
    col(
        "program",
        "项目名称",
        &["program", "programme"],
        true,
        Value::Text,
        "资金/项目名称,如 高新技术企业认定奖励 / programme",
    ),
    col(
        "recipient_name",
        "受助单位名称",
        &["recipient"],
        true,
        Value::Text,
        "受助单位或个人 / recipient",
    ),
    col(
        "recipient_uscc",
        "受助单位统一社会信用代码",
        &["recipient uscc"],
        false,
        Value::Uscc,
        USCC_NOTE,
    ),
    col("amount", "金额(万元)", &["amount"], true, Value::Amount, WAN_NOTE),
    col("paid_on", "拨付日期", &["paid on"], true, Value::Date, DATE_NOTE),
    col(
        "department",
        "拨付部门",
        &["department"],
        false,
        Value::Department,
        "计划中的部门,如 caizheng 或 区财政局 / a department of the plan",
    ),
    col(
        "org_unit",
        "所在区划代码",
        &["org_unit_code", "org unit"],
        true,
        Value::OrgUnit,
        ORG_NOTE,
    ),
    col(
        "document_number",
        "文号",
        &["document number"],
        false,
        Value::Code,
        "拨付文件文号 / document number",
    ),
];

/// 关键技术与新产品.
pub const ACHIEVEMENTS: &[Column] = &[
    col(
        "kind",
        "成果类型",
        &["kind", "type"],
        true,
        Value::Choice(ACHIEVEMENT_KINDS),
        "关键核心技术 或 新产品 / key technology or new product",
    ),
    col(
        "title",
        "名称",
        &["title", "name"],
        true,
        Value::Text,
        "技术或产品名称 / title",
    ),
    col(
        "owner_name",
        "完成单位",
        &["owner"],
        true,
        Value::Text,
        "完成单位名称 / owner",
    ),
    col(
        "owner_uscc",
        "完成单位统一社会信用代码",
        &["owner uscc"],
        false,
        Value::Uscc,
        USCC_NOTE,
    ),
    col(
        "level",
        "水平",
        &["level"],
        false,
        Value::Text,
        "如 国际先进、国内领先、填补国内空白 / e.g. international advanced",
    ),
    col(
        "recognised_on",
        "鉴定日期",
        &["recognised on", "recognized on"],
        false,
        Value::Date,
        DATE_NOTE,
    ),
    col(
        "evidence",
        "鉴定文件",
        &["evidence"],
        false,
        Value::Text,
        "评价/鉴定报告 / evaluation report",
    ),
    col(
        "org_unit",
        "所在区划代码",
        &["org_unit_code", "org unit"],
        true,
        Value::OrgUnit,
        ORG_NOTE,
    ),
];

/// 区划.
pub const ORG_UNITS: &[Column] = &[
    col(
        "code",
        "区划代码",
        &["code", "org_unit_code"],
        true,
        Value::Code,
        "GB/T 2260 代码(街道可用9位)/ GB/T 2260 code (9 digits for a street)",
    ),
    col("name", "名称", &["name"], true, Value::Text, "如 双台子区 / name"),
    col(
        "parent",
        "上级区划代码",
        &["parent", "parent_code"],
        false,
        Value::Code,
        "省级不填 / blank for the root",
    ),
    col(
        "level",
        "级别",
        &["level"],
        true,
        Value::Choice(ORG_LEVELS),
        "省、市、区县、街道乡镇、园区 / province, city, district, street, park",
    ),
    col(
        "valid_from",
        "起始日期",
        &["valid from"],
        false,
        Value::Date,
        "不填为一直有效 / blank = since ever",
    ),
    col(
        "valid_to",
        "终止日期",
        &["valid to"],
        false,
        Value::Date,
        "区划调整后停用的日期 / last day, after a boundary change",
    ),
];

/// Normalise a header for matching: no spaces, ASCII parentheses, lower case, no trailing `*` (required
/// markers some offices add).
pub fn normalize_header(h: &str) -> String {
    h.chars()
        .filter(|c| !crate::cell::is_space(*c))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            _ => c,
        })
        .collect::<String>()
        .trim_end_matches('*')
        .trim_start_matches('*')
        .to_lowercase()
}

/// The header without a trailing unit in parentheses (`销售收入(万元)` → `销售收入`).
fn without_unit(h: &str) -> &str {
    match h.rfind('(') {
        Some(i) if h.ends_with(')') && i > 0 => &h[..i],
        _ => h,
    }
}

/// Lookup from every accepted header spelling to its column.
#[derive(Debug, Clone)]
pub struct HeaderIndex {
    by_name: HashMap<String, usize>,
}

impl HeaderIndex {
    /// The index of `kind`'s columns.
    pub fn new(kind: Kind) -> HeaderIndex {
        let mut by_name = HashMap::new();
        for (i, c) in kind.columns().iter().enumerate() {
            let h = normalize_header(c.header);
            by_name.insert(without_unit(&h).to_owned(), i);
            by_name.insert(h, i);
            by_name.insert(c.id.to_owned(), i);
            for a in c.aliases {
                by_name.insert(normalize_header(a), i);
            }
        }
        HeaderIndex { by_name }
    }

    /// The column a header names, if any.
    pub fn find(&self, header: &str) -> Option<usize> {
        let h = normalize_header(header);
        self.by_name
            .get(&h)
            .or_else(|| self.by_name.get(without_unit(&h)))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_chinese_with_full_width_parentheses_and_in_english() {
        let idx = HeaderIndex::new(Kind::Enterprises);
        let cols = Kind::Enterprises.columns();
        let at = |h: &str| idx.find(h).map(|i| cols[i].id);
        assert_eq!(at("销售收入(万元)"), Some("sales_revenue"));
        assert_eq!(at(" 销售收入（万元） "), Some("sales_revenue"));
        assert_eq!(at("销售收入"), Some("sales_revenue"));
        assert_eq!(at("*统一社会信用代码"), Some("uscc"));
        assert_eq!(at("USCC"), Some("uscc"));
        assert_eq!(at("Main Business Revenue"), Some("main_business_revenue"));
        assert_eq!(at("I类知识产权数"), Some("ip_class1"));
        assert_eq!(at("利润"), None);
    }

    #[test]
    fn the_issue_headers_are_the_template_headers_in_order() {
        let headers = |k: Kind| -> Vec<&str> {
            k.columns()
                .iter()
                .filter(|c| c.in_template)
                .map(|c| c.header)
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
            headers(Kind::Contracts),
            [
                "合同登记编号",
                "合同类型",
                "登记日期",
                "卖方统一社会信用代码",
                "买方名称",
                "成交额(万元)",
                "技术交易额(万元)",
                "所在区划代码"
            ]
        );
        assert_eq!(
            headers(Kind::Talents),
            [
                "姓名",
                "人才类别",
                "引进日期",
                "引进单位统一社会信用代码",
                "所在区划代码"
            ]
        );
        assert_eq!(
            headers(Kind::Platforms),
            [
                "名称",
                "类型",
                "级别",
                "认定日期",
                "撤销日期",
                "所在区划代码",
                "依托单位"
            ]
        );
        assert_eq!(
            headers(Kind::Observations),
            ["区划代码", "期间", "指标", "数值", "来源"]
        );
    }

    #[test]
    fn every_accepted_spelling_names_one_column_only() {
        for kind in Kind::ALL {
            let mut seen: HashMap<String, &str> = HashMap::new();
            for c in kind.columns() {
                let h = normalize_header(c.header);
                for name in [h.clone(), without_unit(&h).to_owned(), c.id.to_owned()]
                    .into_iter()
                    .chain(c.aliases.iter().map(|a| normalize_header(a)))
                {
                    if let Some(other) = seen.insert(name.clone(), c.id) {
                        assert_eq!(other, c.id, "{kind}: {name} names {other} and {}", c.id);
                    }
                }
            }
            assert_eq!(kind.name().parse::<Kind>().unwrap(), kind);
        }
        assert!(
            "firms"
                .parse::<Kind>()
                .unwrap_err()
                .to_string()
                .contains("enterprises")
        );
    }
}
