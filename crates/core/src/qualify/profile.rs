//! The checked enterprise profile (企业画像) that every rule reads, and the parsing that produces it.
//!
//! Owns the step from the wire form ([`EnterpriseInput`]) to typed values: a valid 统一社会信用代码, real dates, a
//! GB/T 4754 industry code, one of the eight 高新技术领域, non-negative exact amounts, and figures that can exist
//! (科技人员 ≤ 职工, 境内研发 ≤ 研发, 高新收入 ≤ 总收入, 主营 ≤ 销售). Every problem is reported, not just the
//! first, each naming the enterprise, the field and the reason in Chinese and English. Judging is elsewhere: a
//! profile may lack figures a rule needs, and the rule then says so ("cannot judge") instead of guessing.

use std::fmt;

use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::value::RawValue;

use super::industry::{IndustryCode, IndustryCodeError};
use super::input::{
    CertificateInput, EnterpriseInput, ExpertScoresInput, IncidentInput, IpInput, NationalAwardInput, Num,
    RdInstitutionInput, StandardLedInput, YearInput,
};
use super::uscc::{Uscc, UsccError, UsccWarning};

/// 《国家重点支持的高新技术领域》 (国科发火〔2016〕32号 附件): the eight 领域.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HighTechField {
    /// 电子信息
    ElectronicInformation,
    /// 生物与新医药
    BiomedicineAndNewMedicine,
    /// 航空航天
    Aerospace,
    /// 新材料
    NewMaterials,
    /// 高技术服务
    HighTechServices,
    /// 新能源与节能
    NewEnergyAndEnergySaving,
    /// 资源与环境
    ResourcesAndEnvironment,
    /// 先进制造与自动化
    AdvancedManufacturingAndAutomation,
}

impl HighTechField {
    /// All eight, in the order of the catalogue.
    pub const ALL: [HighTechField; 8] = [
        Self::ElectronicInformation,
        Self::BiomedicineAndNewMedicine,
        Self::Aerospace,
        Self::NewMaterials,
        Self::HighTechServices,
        Self::NewEnergyAndEnergySaving,
        Self::ResourcesAndEnvironment,
        Self::AdvancedManufacturingAndAutomation,
    ];

    /// The catalogue's Chinese name, used in the JSON.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::ElectronicInformation => "电子信息",
            Self::BiomedicineAndNewMedicine => "生物与新医药",
            Self::Aerospace => "航空航天",
            Self::NewMaterials => "新材料",
            Self::HighTechServices => "高技术服务",
            Self::NewEnergyAndEnergySaving => "新能源与节能",
            Self::ResourcesAndEnvironment => "资源与环境",
            Self::AdvancedManufacturingAndAutomation => "先进制造与自动化",
        }
    }

    /// A stable ASCII id (also accepted on input).
    pub fn id(self) -> &'static str {
        match self {
            Self::ElectronicInformation => "electronic_information",
            Self::BiomedicineAndNewMedicine => "biomedicine",
            Self::Aerospace => "aerospace",
            Self::NewMaterials => "new_materials",
            Self::HighTechServices => "high_tech_services",
            Self::NewEnergyAndEnergySaving => "new_energy",
            Self::ResourcesAndEnvironment => "resources_environment",
            Self::AdvancedManufacturingAndAutomation => "advanced_manufacturing",
        }
    }

    /// Accepts the Chinese name or the id.
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        Self::ALL.into_iter().find(|f| f.name_zh() == t || f.id() == t)
    }
}

/// Kinds of adverse event that block a qualification for a while.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncidentKind {
    /// 重大安全事故
    MajorSafety,
    /// 重大质量事故
    MajorQuality,
    /// 严重环境违法行为
    EnvironmentalViolation,
    /// 科研严重失信行为
    ResearchMisconduct,
    /// 列入经营异常名录
    AbnormalOperation,
    /// 列入严重违法失信企业名单
    SeriousDishonesty,
    /// 严重弄虚作假 (named from 国科火字〔2022〕67号)
    Fraud,
}

impl IncidentKind {
    const ALL: [IncidentKind; 7] = [
        Self::MajorSafety,
        Self::MajorQuality,
        Self::EnvironmentalViolation,
        Self::ResearchMisconduct,
        Self::AbnormalOperation,
        Self::SeriousDishonesty,
        Self::Fraud,
    ];

    /// Input/JSON id.
    pub fn id(self) -> &'static str {
        match self {
            Self::MajorSafety => "major_safety",
            Self::MajorQuality => "major_quality",
            Self::EnvironmentalViolation => "environmental_violation",
            Self::ResearchMisconduct => "research_misconduct",
            Self::AbnormalOperation => "abnormal_operation",
            Self::SeriousDishonesty => "serious_dishonesty",
            Self::Fraud => "fraud",
        }
    }

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::MajorSafety => "重大安全事故",
            Self::MajorQuality => "重大质量事故",
            Self::EnvironmentalViolation => "严重环境违法行为",
            Self::ResearchMisconduct => "科研严重失信行为",
            Self::AbnormalOperation => "列入经营异常名录",
            Self::SeriousDishonesty => "列入严重违法失信企业名单",
            Self::Fraud => "严重弄虚作假",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        Self::ALL.into_iter().find(|k| k.id() == t || k.name_zh() == t)
    }
}

/// An adverse event on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Incident {
    pub kind: IncidentKind,
    pub on: Date,
}

/// Kinds of certificate the rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateKind {
    /// 高新技术企业证书
    HighTech,
    /// 科技型中小企业入库登记编号 (recorded, not used by the rules: it is valid for its year only)
    TechSme,
}

/// A certificate and its issue date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Certificate {
    pub kind: CertificateKind,
    pub issued_on: Date,
}

impl Certificate {
    /// 高企 certificates are valid three years from the issue date (国科发火〔2016〕32号 第十五条): valid on `day` when
    /// issued_on ≤ day < issued_on + 3 years.
    pub fn valid_on(&self, day: Date) -> bool {
        self.issued_on <= day && day <= self.last_valid_day()
    }

    /// The last day of validity: the day before the third anniversary of the issue date; a certificate issued on
    /// 29 February has its anniversary on 1 March. The one place this rule is written: the registries' stored
    /// `valid_until` and the store's derived counts use it.
    pub fn last_valid_day(&self) -> Date {
        let year = self.issued_on.year().saturating_add(3);
        Date::new(year, self.issued_on.month(), self.issued_on.day())
            .or_else(|_| Date::new(year, 3, 1))
            .ok()
            .and_then(|anniversary| anniversary.yesterday().ok())
            .unwrap_or(Date::MAX)
    }

    /// Tax years in which a 高企 certificate gives the 15 % rate: from the year of issue, three years [C].
    pub fn covers_tax_year(&self, year: i16) -> bool {
        (self.issued_on.year()..=self.issued_on.year() + 2).contains(&year)
    }
}

/// yyyymmdd as an integer: compares like the date, and adding 10_000·n moves n years (Feb 29 then sorts before
/// Mar 1 of the target year, i.e. the period ends on Feb 28).
pub(crate) fn date_key(d: Date) -> i32 {
    i32::from(d.year()) * 10_000 + i32::from(d.month()) * 100 + i32::from(d.day())
}

/// Levels of a recognised R&D institution (研发机构).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RdInstitutionLevel {
    /// 国家级
    National,
    /// 省部级
    Provincial,
    /// 市级
    Municipal,
    /// 企业自办
    Enterprise,
}

/// A recognised R&D institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RdInstitution {
    pub level: RdInstitutionLevel,
    pub recognized_on: Date,
}

/// A national science-and-technology award (国家级科技奖励) and the enterprise's rank among the winning units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NationalAward {
    pub on: Date,
    pub rank: u32,
}

/// Levels of a standard the enterprise led (主导制定).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StandardLevel {
    /// 国际标准
    International,
    /// 国家标准
    National,
    /// 行业标准
    Industry,
}

/// A standard led by the enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardLed {
    pub on: Date,
    pub level: StandardLevel,
}

/// Valid intellectual property (有效知识产权) by class (195号; same classes for 科小).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IpHoldings {
    /// Ⅰ类: 发明专利、植物新品种、国家级农作物品种、国家新药、国家一级中药保护品种、集成电路布图设计专有权.
    pub class_i: u32,
    /// Ⅱ类: 实用新型、外观设计、软件著作权 (不含商标).
    pub class_ii: u32,
}

/// Expert-scored items of the 高企 innovation score (195号), each when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExpertScores {
    pub tech_advancement: Option<u8>,
    pub core_support: Option<u8>,
    pub ip_acquisition: Option<u8>,
    pub standards_bonus: Option<u8>,
    pub conversion: Option<u8>,
    pub rd_management: Option<u8>,
}

/// One fiscal year's figures (会计年度). Amounts in 万元, non-negative; headcounts in persons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FiscalYear {
    pub(crate) year: i16,
    pub(crate) employees: Option<Decimal>,
    pub(crate) tech_staff: Option<Decimal>,
    pub(crate) employees_monthly_avg: Option<Decimal>,
    pub(crate) tech_staff_monthly_avg: Option<Decimal>,
    pub(crate) sales_revenue: Option<Decimal>,
    pub(crate) main_business_revenue: Option<Decimal>,
    pub(crate) total_revenue: Option<Decimal>,
    pub(crate) high_tech_revenue: Option<Decimal>,
    pub(crate) total_assets: Option<Decimal>,
    pub(crate) total_liabilities: Option<Decimal>,
    pub(crate) cost_expense_total: Option<Decimal>,
    pub(crate) rd_expense: Option<Decimal>,
    pub(crate) rd_expense_domestic: Option<Decimal>,
    pub(crate) conversions: Option<u32>,
}

impl FiscalYear {
    /// The year.
    pub fn year(&self) -> i16 {
        self.year
    }
    /// 职工总数 as reported for the year.
    pub fn employees(&self) -> Option<Decimal> {
        self.employees
    }
    /// 科技人员数 as reported for the year.
    pub fn tech_staff(&self) -> Option<Decimal> {
        self.tech_staff
    }
    /// 职工全年月平均数 (195号), when monthly figures were given.
    pub fn employees_monthly_avg(&self) -> Option<Decimal> {
        self.employees_monthly_avg
    }
    /// 科技人员全年月平均数 (195号), when monthly figures were given.
    pub fn tech_staff_monthly_avg(&self) -> Option<Decimal> {
        self.tech_staff_monthly_avg
    }
    /// 销售收入.
    pub fn sales_revenue(&self) -> Option<Decimal> {
        self.sales_revenue
    }
    /// 主营业务收入.
    pub fn main_business_revenue(&self) -> Option<Decimal> {
        self.main_business_revenue
    }
    /// 总收入.
    pub fn total_revenue(&self) -> Option<Decimal> {
        self.total_revenue
    }
    /// 高新技术产品(服务)收入.
    pub fn high_tech_revenue(&self) -> Option<Decimal> {
        self.high_tech_revenue
    }
    /// 资产总额.
    pub fn total_assets(&self) -> Option<Decimal> {
        self.total_assets
    }
    /// 负债总额.
    pub fn total_liabilities(&self) -> Option<Decimal> {
        self.total_liabilities
    }
    /// 成本费用支出总额.
    pub fn cost_expense_total(&self) -> Option<Decimal> {
        self.cost_expense_total
    }
    /// 研发费用总额.
    pub fn rd_expense(&self) -> Option<Decimal> {
        self.rd_expense
    }
    /// 境内研发费用.
    pub fn rd_expense_domestic(&self) -> Option<Decimal> {
        self.rd_expense_domestic
    }
    /// 科技成果转化 count.
    pub fn conversions(&self) -> Option<u32> {
        self.conversions
    }
}

/// A checked enterprise profile. The only way in is [`EnterpriseProfile::from_input`] (or [`parse_profiles_json`]).
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseProfile {
    pub(crate) uscc: Uscc,
    pub(crate) name: String,
    pub(crate) registered_on: Option<Date>,
    pub(crate) industry: Option<IndustryCode>,
    pub(crate) high_tech_field: Option<HighTechField>,
    pub(crate) restricted_industry: bool,
    pub(crate) incidents: Vec<Incident>,
    pub(crate) certificates: Vec<Certificate>,
    pub(crate) rd_institutions: Vec<RdInstitution>,
    pub(crate) national_awards: Vec<NationalAward>,
    pub(crate) standards_led: Vec<StandardLed>,
    pub(crate) ip: IpHoldings,
    pub(crate) ip_self_developed: bool,
    /// Sorted by year, one entry per year.
    pub(crate) years: Vec<FiscalYear>,
    pub(crate) expert_scores: ExpertScores,
    pub(crate) warnings: Vec<UsccWarning>,
    /// Monthly headcounts as given (rare; kept so that [`EnterpriseProfile::to_input`] round-trips).
    pub(crate) monthly: Vec<MonthlyHeadcounts>,
}

/// The monthly figures of one year, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyHeadcounts {
    pub year: i16,
    pub employees: Option<Vec<Decimal>>,
    pub tech_staff: Option<Vec<Decimal>>,
}

impl EnterpriseProfile {
    /// 统一社会信用代码.
    pub fn uscc(&self) -> Uscc {
        self.uscc
    }
    /// 企业名称.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// 注册成立日期.
    pub fn registered_on(&self) -> Option<Date> {
        self.registered_on
    }
    /// 行业代码.
    pub fn industry(&self) -> Option<IndustryCode> {
        self.industry
    }
    /// 高新技术领域.
    pub fn high_tech_field(&self) -> Option<HighTechField> {
        self.high_tech_field
    }
    /// 产品属于禁止、限制和淘汰类.
    pub fn restricted_industry(&self) -> bool {
        self.restricted_industry
    }
    /// Adverse events.
    pub fn incidents(&self) -> &[Incident] {
        &self.incidents
    }
    /// Certificates held.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }
    /// Recognised R&D institutions.
    pub fn rd_institutions(&self) -> &[RdInstitution] {
        &self.rd_institutions
    }
    /// National S&T awards.
    pub fn national_awards(&self) -> &[NationalAward] {
        &self.national_awards
    }
    /// Standards led.
    pub fn standards_led(&self) -> &[StandardLed] {
        &self.standards_led
    }
    /// Valid IP counts.
    pub fn ip(&self) -> IpHoldings {
        self.ip
    }
    /// IP obtained (also) by own R&D.
    pub fn ip_self_developed(&self) -> bool {
        self.ip_self_developed
    }
    /// Fiscal years, ascending.
    pub fn years(&self) -> &[FiscalYear] {
        &self.years
    }
    /// The figures of one fiscal year.
    pub fn year(&self, year: i16) -> Option<&FiscalYear> {
        self.years.iter().find(|y| y.year == year)
    }
    /// Expert scores given.
    pub fn expert_scores(&self) -> ExpertScores {
        self.expert_scores
    }
    /// Doubts that do not stop evaluation (e.g. the organisation code's GB 11714 check).
    pub fn warnings(&self) -> &[UsccWarning] {
        &self.warnings
    }
    /// The wire form of this profile (for storage, forms and applying gaps): `from_input(p.to_input()) == p`.
    pub fn to_input(&self) -> EnterpriseInput {
        let date = |d: Date| d.to_string();
        let num = |d: Option<Decimal>| d.map(Num);
        let monthly = |year: i16, pick: fn(&MonthlyHeadcounts) -> &Option<Vec<Decimal>>| {
            self.monthly
                .iter()
                .find(|m| m.year == year)
                .and_then(|m| pick(m).as_ref())
                .map(|v| v.iter().copied().map(Num).collect())
        };
        let e = self.expert_scores;
        let score = |s: Option<u8>| s.map(|s| Num(Decimal::from(s)));
        EnterpriseInput {
            uscc: self.uscc.to_string(),
            name: self.name.clone(),
            registered_on: self.registered_on.map(date),
            industry_code: self.industry.map(|c| c.to_string()),
            high_tech_field: self.high_tech_field.map(|f| f.name_zh().to_owned()),
            restricted_industry: Some(self.restricted_industry),
            incidents: self
                .incidents
                .iter()
                .map(|i| IncidentInput {
                    kind: i.kind.id().to_owned(),
                    on: date(i.on),
                })
                .collect(),
            certificates: self
                .certificates
                .iter()
                .map(|c| CertificateInput {
                    kind: match c.kind {
                        CertificateKind::HighTech => "high_tech",
                        CertificateKind::TechSme => "tech_sme",
                    }
                    .to_owned(),
                    issued_on: date(c.issued_on),
                })
                .collect(),
            rd_institutions: self
                .rd_institutions
                .iter()
                .map(|r| RdInstitutionInput {
                    level: match r.level {
                        RdInstitutionLevel::National => "national",
                        RdInstitutionLevel::Provincial => "provincial",
                        RdInstitutionLevel::Municipal => "municipal",
                        RdInstitutionLevel::Enterprise => "enterprise",
                    }
                    .to_owned(),
                    recognized_on: date(r.recognized_on),
                })
                .collect(),
            national_awards: self
                .national_awards
                .iter()
                .map(|a| NationalAwardInput {
                    on: date(a.on),
                    rank: Num(Decimal::from(a.rank)),
                })
                .collect(),
            standards_led: self
                .standards_led
                .iter()
                .map(|s| StandardLedInput {
                    on: date(s.on),
                    level: match s.level {
                        StandardLevel::International => "international",
                        StandardLevel::National => "national",
                        StandardLevel::Industry => "industry",
                    }
                    .to_owned(),
                })
                .collect(),
            ip: Some(IpInput {
                class_i: Some(Num(Decimal::from(self.ip.class_i))),
                class_ii: Some(Num(Decimal::from(self.ip.class_ii))),
            }),
            ip_self_developed: Some(self.ip_self_developed),
            years: self
                .years
                .iter()
                .map(|y| YearInput {
                    year: Num(Decimal::from(y.year)),
                    employees: num(y.employees),
                    tech_staff: num(y.tech_staff),
                    employees_monthly: monthly(y.year, |m| &m.employees),
                    tech_staff_monthly: monthly(y.year, |m| &m.tech_staff),
                    sales_revenue: num(y.sales_revenue),
                    main_business_revenue: num(y.main_business_revenue),
                    total_revenue: num(y.total_revenue),
                    high_tech_revenue: num(y.high_tech_revenue),
                    total_assets: num(y.total_assets),
                    total_liabilities: num(y.total_liabilities),
                    cost_expense_total: num(y.cost_expense_total),
                    rd_expense: num(y.rd_expense),
                    rd_expense_domestic: num(y.rd_expense_domestic),
                    conversions: y.conversions.map(|c| Num(Decimal::from(c))),
                })
                .collect(),
            expert_scores: (e != ExpertScores::default()).then(|| ExpertScoresInput {
                tech_advancement: score(e.tech_advancement),
                core_support: score(e.core_support),
                ip_acquisition: score(e.ip_acquisition),
                standards_bonus: score(e.standards_bonus),
                conversion: score(e.conversion),
                rd_management: score(e.rd_management),
            }),
        }
    }
    /// A short label for messages: `名称 (代码)`.
    pub fn label(&self) -> String {
        label(&self.name, self.uscc.as_str())
    }

    /// Checks the wire form and builds the profile; all problems are reported together.
    pub fn from_input(input: &EnterpriseInput) -> Result<Self, ProfileErrors> {
        let mut c = Checker {
            enterprise: label(&input.name, &input.uscc),
            errors: Vec::new(),
        };
        let uscc = c.check(Uscc::parse(&input.uscc).map_err(Reason::Uscc), "uscc");
        let registered_on = input
            .registered_on
            .as_deref()
            .and_then(|s| c.date(s, "registered_on"));
        let industry = input
            .industry_code
            .as_deref()
            .and_then(|s| c.check(IndustryCode::parse(s).map_err(Reason::Industry), "industry_code"));
        let high_tech_field = input.high_tech_field.as_deref().and_then(|s| {
            c.check(
                HighTechField::parse(s).ok_or_else(|| Reason::UnknownField(s.to_owned())),
                "high_tech_field",
            )
        });
        let incidents = input
            .incidents
            .iter()
            .enumerate()
            .filter_map(|(i, x)| c.incident(i, x))
            .collect();
        let certificates = input
            .certificates
            .iter()
            .enumerate()
            .filter_map(|(i, x)| c.certificate(i, x))
            .collect();
        let rd_institutions = input
            .rd_institutions
            .iter()
            .enumerate()
            .filter_map(|(i, x)| c.institution(i, x))
            .collect();
        let national_awards = input
            .national_awards
            .iter()
            .enumerate()
            .filter_map(|(i, x)| c.award(i, x))
            .collect();
        let standards_led = input
            .standards_led
            .iter()
            .enumerate()
            .filter_map(|(i, x)| c.standard(i, x))
            .collect();
        let ip = input.ip.as_ref().map_or_else(IpHoldings::default, |ip| c.ip(ip));
        let mut years: Vec<FiscalYear> = input
            .years
            .iter()
            .enumerate()
            .filter_map(|(i, y)| c.year(i, y))
            .collect();
        years.sort_by_key(|y| y.year);
        for w in years.windows(2) {
            if w[0].year == w[1].year {
                c.push(format!("years[{}]", w[0].year), Reason::DuplicateYear(w[0].year));
            }
        }
        let expert_scores = input
            .expert_scores
            .as_ref()
            .map_or_else(ExpertScores::default, |e| c.expert(e));
        match uscc {
            Some(uscc) if c.errors.is_empty() => Ok(EnterpriseProfile {
                uscc,
                name: input.name.trim().to_owned(),
                registered_on,
                industry,
                high_tech_field,
                restricted_industry: input.restricted_industry.unwrap_or(false),
                incidents,
                certificates,
                rd_institutions,
                national_awards,
                standards_led,
                ip,
                ip_self_developed: input.ip_self_developed.unwrap_or(false),
                years,
                expert_scores,
                warnings: uscc.warnings().into_iter().collect(),
                monthly: input
                    .years
                    .iter()
                    .filter(|y| y.employees_monthly.is_some() || y.tech_staff_monthly.is_some())
                    .filter_map(|y| {
                        let values =
                            |v: &Option<Vec<Num>>| v.as_ref().map(|v| v.iter().map(|n| n.0).collect());
                        Some(MonthlyHeadcounts {
                            year: y.year.0.to_i16()?,
                            employees: values(&y.employees_monthly),
                            tech_staff: values(&y.tech_staff_monthly),
                        })
                    })
                    .collect(),
            }),
            _ => Err(ProfileErrors(c.errors)),
        }
    }
}

impl TryFrom<EnterpriseInput> for EnterpriseProfile {
    type Error = ProfileErrors;
    fn try_from(input: EnterpriseInput) -> Result<Self, Self::Error> {
        Self::from_input(&input)
    }
}

fn label(name: &str, uscc: &str) -> String {
    match (name.trim(), uscc.trim()) {
        ("", "") => "(未命名 / unnamed)".to_owned(),
        ("", u) => u.to_owned(),
        (n, "") => n.to_owned(),
        (n, u) => format!("{n} ({u})"),
    }
}

/// Why a field is wrong. Each message is given in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Not a 统一社会信用代码.
    Uscc(UsccError),
    /// Not a `YYYY-MM-DD` date.
    Date(String),
    /// Not a GB/T 4754 code.
    Industry(IndustryCodeError),
    /// Not one of the eight 领域.
    UnknownField(String),
    /// A kind/level outside the listed values.
    UnknownValue { value: String, expected: &'static str },
    /// Amounts and counts cannot be negative.
    Negative(Decimal),
    /// Counts must be whole numbers.
    NotWhole(Decimal),
    /// A number outside its allowed range.
    OutOfRange {
        value: Decimal,
        min: Decimal,
        max: Decimal,
    },
    /// 科技人员 > 职工总数.
    TechStaffExceedsEmployees { tech_staff: Decimal, employees: Decimal },
    /// 境内研发 > 研发.
    DomesticExceedsTotal { domestic: Decimal, total: Decimal },
    /// 高新收入 > 总收入.
    HighTechExceedsTotal { high_tech: Decimal, total: Decimal },
    /// 主营业务收入 > 销售收入.
    MainExceedsSales { main: Decimal, sales: Decimal },
    /// The same year twice.
    DuplicateYear(i16),
    /// 1–12 monthly figures expected.
    MonthCount(usize),
    /// The JSON itself is malformed or has a wrong type.
    Json(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Uscc(e) => write!(f, "{e}"),
            Reason::Date(s) => write!(
                f,
                "'{s}' 不是日期（应为 YYYY-MM-DD） / '{s}' is not a date (YYYY-MM-DD)"
            ),
            Reason::Industry(e) => write!(f, "{e}"),
            Reason::UnknownField(s) => write!(
                f,
                "'{s}' 不是《国家重点支持的高新技术领域》的八个领域之一（{}） / '{s}' is not one of the eight high-tech fields",
                HighTechField::ALL.map(HighTechField::name_zh).join("、")
            ),
            Reason::UnknownValue { value, expected } => {
                write!(
                    f,
                    "'{value}' 不是可用的取值（{expected}） / '{value}' is not one of: {expected}"
                )
            }
            Reason::Negative(v) => write!(f, "不能为负数：{v} / must not be negative: {v}"),
            Reason::NotWhole(v) => write!(f, "应为整数：{v} / must be a whole number: {v}"),
            Reason::OutOfRange { value, min, max } => {
                write!(f, "{value} 超出范围 {min}–{max} / {value} is outside {min}–{max}")
            }
            Reason::TechStaffExceedsEmployees {
                tech_staff,
                employees,
            } => write!(
                f,
                "科技人员 ({tech_staff}) 多于职工总数 ({employees}) / tech staff ({tech_staff}) exceed employees ({employees})"
            ),
            Reason::DomesticExceedsTotal { domestic, total } => write!(
                f,
                "境内研发费用 ({domestic}) 大于研发费用总额 ({total}) / domestic R&D expense ({domestic}) exceeds total \
                 R&D expense ({total})"
            ),
            Reason::HighTechExceedsTotal { high_tech, total } => write!(
                f,
                "高新技术产品(服务)收入 ({high_tech}) 大于总收入 ({total}) / high-tech revenue ({high_tech}) exceeds total \
                 revenue ({total})"
            ),
            Reason::MainExceedsSales { main, sales } => write!(
                f,
                "主营业务收入 ({main}) 大于销售收入 ({sales}) / main-business revenue ({main}) exceeds sales revenue ({sales})"
            ),
            Reason::DuplicateYear(y) => write!(f, "{y} 年出现多次 / year {y} appears more than once"),
            Reason::MonthCount(n) => {
                write!(
                    f,
                    "应有 1–12 个月度数，实有 {n} 个 / expected 1–12 monthly figures, found {n}"
                )
            }
            Reason::Json(m) => write!(f, "JSON 格式错误 / malformed JSON: {m}"),
        }
    }
}

/// One problem in one enterprise's input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("企业 {enterprise} 字段 {field}：{reason}")]
pub struct ProfileError {
    /// `名称 (代码)` as given, or `#n` (1-based position in the file) when neither is readable.
    pub enterprise: String,
    /// Field path, e.g. `years[2017].tech_staff`.
    pub field: String,
    pub reason: Reason,
}

/// All problems of one or more enterprises.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ProfileErrors(pub Vec<ProfileError>);

impl fmt::Display for ProfileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

struct Checker {
    enterprise: String,
    errors: Vec<ProfileError>,
}

impl Checker {
    fn push(&mut self, field: impl Into<String>, reason: Reason) {
        self.errors.push(ProfileError {
            enterprise: self.enterprise.clone(),
            field: field.into(),
            reason,
        });
    }

    fn check<T>(&mut self, r: Result<T, Reason>, field: &str) -> Option<T> {
        r.map_err(|reason| self.push(field, reason)).ok()
    }

    fn date(&mut self, s: &str, field: &str) -> Option<Date> {
        self.check(
            s.trim().parse::<Date>().map_err(|_| Reason::Date(s.to_owned())),
            field,
        )
    }

    fn amount(&mut self, n: Option<Num>, field: impl Fn() -> String) -> Option<Decimal> {
        let v = n?.0;
        if v.is_sign_negative() && !v.is_zero() {
            self.push(field(), Reason::Negative(v));
            return None;
        }
        Some(v)
    }

    fn count(&mut self, n: Option<Num>, field: impl Fn() -> String) -> Option<u32> {
        let v = self.amount(n, &field)?;
        if !v.fract().is_zero() {
            self.push(field(), Reason::NotWhole(v));
            return None;
        }
        match u32::try_from(v) {
            Ok(c) => Some(c),
            Err(_) => {
                self.push(
                    field(),
                    Reason::OutOfRange {
                        value: v,
                        min: Decimal::ZERO,
                        max: Decimal::from(u32::MAX),
                    },
                );
                None
            }
        }
    }

    fn score(&mut self, n: Option<Num>, max: u8, field: &str) -> Option<u8> {
        let v = self.count(n, || format!("expert_scores.{field}"))?;
        if v > u32::from(max) {
            self.push(
                format!("expert_scores.{field}"),
                Reason::OutOfRange {
                    value: v.into(),
                    min: Decimal::ZERO,
                    max: max.into(),
                },
            );
            return None;
        }
        u8::try_from(v).ok()
    }

    fn incident(&mut self, i: usize, x: &IncidentInput) -> Option<Incident> {
        let kind = IncidentKind::parse(&x.kind).ok_or_else(|| Reason::UnknownValue {
            value: x.kind.clone(),
            expected: "major_safety, major_quality, environmental_violation, research_misconduct, \
                       abnormal_operation, serious_dishonesty, fraud",
        });
        let kind = self.check(kind, &format!("incidents[{i}].kind"));
        let on = self.date(&x.on, &format!("incidents[{i}].on"));
        Some(Incident { kind: kind?, on: on? })
    }

    fn certificate(&mut self, i: usize, x: &CertificateInput) -> Option<Certificate> {
        let kind = match x.kind.trim() {
            "high_tech" | "高新技术企业" => Ok(CertificateKind::HighTech),
            "tech_sme" | "科技型中小企业" => Ok(CertificateKind::TechSme),
            _ => Err(Reason::UnknownValue {
                value: x.kind.clone(),
                expected: "high_tech, tech_sme",
            }),
        };
        let kind = self.check(kind, &format!("certificates[{i}].kind"));
        let issued_on = self.date(&x.issued_on, &format!("certificates[{i}].issued_on"));
        Some(Certificate {
            kind: kind?,
            issued_on: issued_on?,
        })
    }

    fn institution(&mut self, i: usize, x: &RdInstitutionInput) -> Option<RdInstitution> {
        let level = match x.level.trim() {
            "national" | "国家级" => Ok(RdInstitutionLevel::National),
            "provincial" | "省级" | "省部级" => Ok(RdInstitutionLevel::Provincial),
            "municipal" | "市级" => Ok(RdInstitutionLevel::Municipal),
            "enterprise" | "企业级" => Ok(RdInstitutionLevel::Enterprise),
            _ => Err(Reason::UnknownValue {
                value: x.level.clone(),
                expected: "national, provincial, municipal, enterprise",
            }),
        };
        let level = self.check(level, &format!("rd_institutions[{i}].level"));
        let on = self.date(&x.recognized_on, &format!("rd_institutions[{i}].recognized_on"));
        Some(RdInstitution {
            level: level?,
            recognized_on: on?,
        })
    }

    fn award(&mut self, i: usize, x: &NationalAwardInput) -> Option<NationalAward> {
        let on = self.date(&x.on, &format!("national_awards[{i}].on"));
        let rank = self.count(Some(x.rank), || format!("national_awards[{i}].rank"));
        if rank == Some(0) {
            self.push(
                format!("national_awards[{i}].rank"),
                Reason::OutOfRange {
                    value: Decimal::ZERO,
                    min: Decimal::ONE,
                    max: Decimal::from(u32::MAX),
                },
            );
            return None;
        }
        Some(NationalAward { on: on?, rank: rank? })
    }

    fn standard(&mut self, i: usize, x: &StandardLedInput) -> Option<StandardLed> {
        let level = match x.level.trim() {
            "international" | "国际标准" => Ok(StandardLevel::International),
            "national" | "国家标准" => Ok(StandardLevel::National),
            "industry" | "行业标准" => Ok(StandardLevel::Industry),
            _ => Err(Reason::UnknownValue {
                value: x.level.clone(),
                expected: "international, national, industry",
            }),
        };
        let level = self.check(level, &format!("standards_led[{i}].level"));
        let on = self.date(&x.on, &format!("standards_led[{i}].on"));
        Some(StandardLed {
            on: on?,
            level: level?,
        })
    }

    fn ip(&mut self, ip: &IpInput) -> IpHoldings {
        IpHoldings {
            class_i: self.count(ip.class_i, || "ip.class_i".to_owned()).unwrap_or(0),
            class_ii: self.count(ip.class_ii, || "ip.class_ii".to_owned()).unwrap_or(0),
        }
    }

    fn expert(&mut self, e: &ExpertScoresInput) -> ExpertScores {
        ExpertScores {
            tech_advancement: self.score(e.tech_advancement, 8, "tech_advancement"),
            core_support: self.score(e.core_support, 8, "core_support"),
            ip_acquisition: self.score(e.ip_acquisition, 6, "ip_acquisition"),
            standards_bonus: self.score(e.standards_bonus, 2, "standards_bonus"),
            conversion: self.score(e.conversion, 30, "conversion"),
            rd_management: self.score(e.rd_management, 20, "rd_management"),
        }
    }

    fn monthly(&mut self, months: Option<&Vec<Num>>, field: &str) -> Option<Decimal> {
        let months = months?;
        if months.is_empty() || months.len() > 12 {
            self.push(field.to_owned(), Reason::MonthCount(months.len()));
            return None;
        }
        let mut sum = Decimal::ZERO;
        for (i, m) in months.iter().enumerate() {
            sum += self.amount(Some(*m), || format!("{field}[{i}]"))?;
        }
        // 195号: 全年月平均数 = Σ 各月平均数 ÷ 12; mid-year start/stop counts the months operated.
        Some(sum / Decimal::from(months.len() as u32))
    }

    fn year(&mut self, i: usize, y: &YearInput) -> Option<FiscalYear> {
        let year = self.count(Some(y.year), || format!("years[{i}].year"))?;
        if !(1949..=2200).contains(&year) {
            self.push(
                format!("years[{i}].year"),
                Reason::OutOfRange {
                    value: year.into(),
                    min: 1949.into(),
                    max: 2200.into(),
                },
            );
            return None;
        }
        let year = i16::try_from(year).ok()?;
        let before = self.errors.len();
        let f = |name: &'static str| move || format!("years[{year}].{name}");
        let fy = FiscalYear {
            year,
            employees: self.amount(y.employees, f("employees")),
            tech_staff: self.amount(y.tech_staff, f("tech_staff")),
            employees_monthly_avg: self.monthly(y.employees_monthly.as_ref(), &f("employees_monthly")()),
            tech_staff_monthly_avg: self.monthly(y.tech_staff_monthly.as_ref(), &f("tech_staff_monthly")()),
            sales_revenue: self.amount(y.sales_revenue, f("sales_revenue")),
            main_business_revenue: self.amount(y.main_business_revenue, f("main_business_revenue")),
            total_revenue: self.amount(y.total_revenue, f("total_revenue")),
            high_tech_revenue: self.amount(y.high_tech_revenue, f("high_tech_revenue")),
            total_assets: self.amount(y.total_assets, f("total_assets")),
            total_liabilities: self.amount(y.total_liabilities, f("total_liabilities")),
            cost_expense_total: self.amount(y.cost_expense_total, f("cost_expense_total")),
            rd_expense: self.amount(y.rd_expense, f("rd_expense")),
            rd_expense_domestic: self.amount(y.rd_expense_domestic, f("rd_expense_domestic")),
            conversions: self.count(y.conversions, f("conversions")),
        };
        if let (Some(t), Some(e)) = (fy.tech_staff, fy.employees)
            && t > e
        {
            self.push(
                f("tech_staff")(),
                Reason::TechStaffExceedsEmployees {
                    tech_staff: t,
                    employees: e,
                },
            );
        }
        if let (Some(t), Some(e)) = (fy.tech_staff_monthly_avg, fy.employees_monthly_avg)
            && t > e
        {
            self.push(
                f("tech_staff_monthly")(),
                Reason::TechStaffExceedsEmployees {
                    tech_staff: t,
                    employees: e,
                },
            );
        }
        if let (Some(d), Some(t)) = (fy.rd_expense_domestic, fy.rd_expense)
            && d > t
        {
            self.push(
                f("rd_expense_domestic")(),
                Reason::DomesticExceedsTotal {
                    domestic: d,
                    total: t,
                },
            );
        }
        if let (Some(h), Some(t)) = (fy.high_tech_revenue, fy.total_revenue)
            && h > t
        {
            self.push(
                f("high_tech_revenue")(),
                Reason::HighTechExceedsTotal {
                    high_tech: h,
                    total: t,
                },
            );
        }
        if let (Some(m), Some(s)) = (fy.main_business_revenue, fy.sales_revenue)
            && m > s
        {
            self.push(
                f("main_business_revenue")(),
                Reason::MainExceedsSales { main: m, sales: s },
            );
        }
        (self.errors.len() == before).then_some(fy)
    }
}

/// Parses a JSON array of enterprise profiles (the `plantrack evaluate` file). Numbers keep their exact text.
/// On failure every problem of every enterprise is returned; an enterprise whose JSON is malformed is named by
/// its `名称 (代码)` when those two fields can still be read, else by its position `#n`.
pub fn parse_profiles_json(text: &str) -> Result<Vec<EnterpriseProfile>, ProfileErrors> {
    let items: Vec<Box<RawValue>> = serde_json::from_str(text).map_err(|e| {
        ProfileErrors(vec![ProfileError {
            enterprise: "(文件 / file)".to_owned(),
            field: "$".to_owned(),
            reason: Reason::Json(format!("应为企业数组 / expected an array of enterprises: {e}")),
        }])
    })?;
    let mut profiles = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, raw) in items.iter().enumerate() {
        match serde_json::from_str::<EnterpriseInput>(raw.get()) {
            Ok(input) => match EnterpriseProfile::from_input(&input) {
                Ok(p) => profiles.push(p),
                Err(ProfileErrors(es)) => errors.extend(es),
            },
            Err(e) => {
                #[derive(serde::Deserialize)]
                struct Names {
                    #[serde(default)]
                    uscc: Option<String>,
                    #[serde(default)]
                    name: Option<String>,
                }
                let names = serde_json::from_str::<Names>(raw.get()).ok();
                let enterprise = names
                    .map(|n| label(n.name.as_deref().unwrap_or(""), n.uscc.as_deref().unwrap_or("")))
                    .filter(|l| !l.starts_with('('))
                    .unwrap_or_else(|| format!("#{}", i + 1));
                errors.push(ProfileError {
                    enterprise,
                    field: "$".to_owned(),
                    reason: Reason::Json(e.to_string()),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(profiles)
    } else {
        Err(ProfileErrors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "91350100M000100Y43";

    fn parse_one(json: &str) -> Result<EnterpriseProfile, ProfileErrors> {
        parse_profiles_json(&format!("[{json}]")).map(|mut v| v.remove(0))
    }

    #[test]
    fn a_full_profile_parses() {
        let p = parse_one(&format!(
            r#"{{"uscc": "{CODE}", "name": "盘锦甲科技有限公司", "registered_on": "2010-05-01",
               "industry_code": "C3511", "high_tech_field": "先进制造与自动化", "restricted_industry": false,
               "incidents": [{{"kind": "major_safety", "on": "2015-01-01"}}],
               "certificates": [{{"kind": "high_tech", "issued_on": "2016-11-30"}}],
               "rd_institutions": [{{"level": "provincial", "recognized_on": "2014-01-01"}}],
               "national_awards": [{{"on": "2015-01-09", "rank": 2}}],
               "standards_led": [{{"on": "2016-06-01", "level": "industry"}}],
               "ip": {{"class_i": 1, "class_ii": "3"}}, "ip_self_developed": true,
               "years": [{{"year": 2017, "employees": 120, "tech_staff": 30, "sales_revenue": "3000",
                           "rd_expense": 150.5, "employees_monthly": [100,100,100,100,100,100,120,120,120,120,120,120]}},
                         {{"year": 2016, "employees": 110}}],
               "expert_scores": {{"tech_advancement": 6, "conversion": 21}}}}"#
        ))
        .unwrap();
        assert_eq!(p.uscc().as_str(), CODE);
        assert_eq!(p.industry().unwrap().section(), 'C');
        assert_eq!(
            p.high_tech_field(),
            Some(HighTechField::AdvancedManufacturingAndAutomation)
        );
        assert_eq!(
            p.years().iter().map(FiscalYear::year).collect::<Vec<_>>(),
            vec![2016, 2017]
        );
        let y = p.year(2017).unwrap();
        assert_eq!(y.employees_monthly_avg(), Some(Decimal::from(110)));
        assert_eq!(y.rd_expense(), Some(Decimal::new(1505, 1)));
        assert_eq!(
            p.ip(),
            IpHoldings {
                class_i: 1,
                class_ii: 3
            }
        );
        assert_eq!(p.expert_scores().conversion, Some(21));
        assert_eq!(p.expert_scores().core_support, None);
        assert!(p.warnings().is_empty());
    }

    fn reasons(json: &str) -> Vec<(String, Reason)> {
        parse_one(json)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| (e.field, e.reason))
            .collect()
    }

    #[test]
    fn impossible_figures_are_refused_naming_field_and_reason() {
        let r = reasons(&format!(
            r#"{{"uscc": "{CODE}", "name": "乙", "years": [{{"year": 2017, "employees": 30, "tech_staff": 35,
               "rd_expense": 10, "rd_expense_domestic": 12, "total_revenue": 100, "high_tech_revenue": 101,
               "sales_revenue": 50, "main_business_revenue": 60, "cost_expense_total": -1}}]}}"#
        ));
        let fields: Vec<&str> = r.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "years[2017].cost_expense_total",
                "years[2017].tech_staff",
                "years[2017].rd_expense_domestic",
                "years[2017].high_tech_revenue",
                "years[2017].main_business_revenue",
            ]
        );
        assert!(matches!(r[1].1, Reason::TechStaffExceedsEmployees { .. }));
    }

    #[test]
    fn the_message_names_enterprise_field_and_reason_in_both_languages() {
        let err = parse_one(&format!(
            r#"{{"uscc": "{CODE}", "name": "乙", "years": [{{"year": 2017, "employees": 30, "tech_staff": 35}}]}}"#
        ))
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("乙 (91350100M000100Y43)"), "{msg}");
        assert!(msg.contains("years[2017].tech_staff"), "{msg}");
        assert!(msg.contains("科技人员 (35) 多于职工总数 (30)"), "{msg}");
        assert!(msg.contains("tech staff (35) exceed employees (30)"), "{msg}");
    }

    #[test]
    fn invalid_code_unknown_field_and_bad_dates_are_all_reported() {
        let r = reasons(
            r#"{"uscc": "91350100M000100Y44", "name": "丙", "high_tech_field": "区块链", "registered_on": "2017-02-30",
                "incidents": [{"kind": "meteor", "on": "2017-01-01"}]}"#,
        );
        assert!(matches!(r[0], (ref f, Reason::Uscc(UsccError::CheckDigit { .. })) if f == "uscc"));
        assert!(
            r.iter()
                .any(|(f, x)| f == "registered_on" && matches!(x, Reason::Date(_)))
        );
        assert!(
            r.iter()
                .any(|(f, x)| f == "high_tech_field" && matches!(x, Reason::UnknownField(_)))
        );
        assert!(
            r.iter()
                .any(|(f, x)| f == "incidents[0].kind" && matches!(x, Reason::UnknownValue { .. }))
        );
    }

    #[test]
    fn expert_scores_beyond_their_item_maximum_are_refused() {
        let r = reasons(&format!(
            r#"{{"uscc": "{CODE}", "expert_scores": {{"core_support": 9}}}}"#
        ));
        assert_eq!(r[0].0, "expert_scores.core_support");
    }

    #[test]
    fn counts_must_be_whole_and_years_unique() {
        let r = reasons(&format!(
            r#"{{"uscc": "{CODE}", "ip": {{"class_i": 1.5}}, "years": [{{"year": 2017}}, {{"year": 2017}}]}}"#
        ));
        assert!(
            r.iter()
                .any(|(f, x)| f == "ip.class_i" && matches!(x, Reason::NotWhole(_)))
        );
        assert!(r.iter().any(|(_, x)| matches!(x, Reason::DuplicateYear(2017))));
    }

    #[test]
    fn malformed_json_names_the_enterprise_when_it_can() {
        let err = parse_profiles_json(&format!(
            r#"[{{"uscc": "{CODE}", "name": "丁", "years": "none"}}, {{"uscc": 5}}]"#
        ))
        .unwrap_err();
        assert_eq!(err.0[0].enterprise, format!("丁 ({CODE})"));
        assert_eq!(err.0[1].enterprise, "#2");
        assert!(parse_profiles_json("{}").is_err());
    }

    #[test]
    fn to_input_round_trips() {
        let p = parse_one(&format!(
            r#"{{"uscc": "{CODE}", "name": "甲", "registered_on": "2010-05-01", "industry_code": "3511",
               "high_tech_field": "new_materials", "incidents": [{{"kind": "重大安全事故", "on": "2015-01-01"}}],
               "certificates": [{{"kind": "high_tech", "issued_on": "2016-11-30"}}],
               "rd_institutions": [{{"level": "省级", "recognized_on": "2014-01-01"}}],
               "national_awards": [{{"on": "2015-01-09", "rank": 2}}],
               "standards_led": [{{"on": "2016-06-01", "level": "national"}}],
               "years": [{{"year": 2017, "employees": 120.5, "tech_staff_monthly": [10, 11, 12]}}],
               "expert_scores": {{"conversion": 21}}}}"#
        ))
        .unwrap();
        let back = EnterpriseProfile::from_input(&p.to_input()).unwrap();
        assert_eq!(back, p);
        assert_eq!(
            back.year(2017).unwrap().tech_staff_monthly_avg(),
            Some(Decimal::from(11))
        );
    }

    #[test]
    fn certificates_are_valid_three_years_from_issue() {
        let c = Certificate {
            kind: CertificateKind::HighTech,
            issued_on: Date::constant(2016, 11, 30),
        };
        assert!(!c.valid_on(Date::constant(2016, 11, 29)));
        assert!(c.valid_on(Date::constant(2016, 11, 30)));
        assert!(c.valid_on(Date::constant(2019, 11, 29)));
        assert!(!c.valid_on(Date::constant(2019, 11, 30)));
        assert!(c.covers_tax_year(2016) && c.covers_tax_year(2018) && !c.covers_tax_year(2019));
    }
}
