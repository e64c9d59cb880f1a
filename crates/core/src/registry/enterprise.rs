//! Enterprises (企业): master data, yearly figures (年报), qualifications (高新技术企业 certificates and
//! 科技型中小企业 registrations) and dated records (R&D institutions, incidents, awards, standards) — the rows
//! the qualification profile and the registry-derived data elements are made of.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::code::code_enum;
use super::vocab::{ENTERPRISE_RECORD_KINDS, QUALIFICATION_KINDS};
use crate::qualify::{Certificate, CertificateKind};

/// Enterprise master data (企业基本信息).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enterprise {
    /// 统一社会信用代码 (18 characters, checked by the caller).
    pub uscc: String,
    /// 企业名称.
    pub name: String,
    /// 成立日期.
    pub founded_on: Option<Date>,
    /// 所在区划代码.
    pub org_unit_code: Option<String>,
    /// 行业代码 (GB/T 4754).
    pub industry_code: Option<String>,
    /// 高新技术领域.
    pub high_tech_field: Option<String>,
    /// The annual report year these master data were taken from; an import of an older year does not
    /// overwrite them.
    pub reported_year: Option<i32>,
}

impl Enterprise {
    /// Whether these master data may replace `existing`: master data are taken from the latest annual report,
    /// so a report of an older year (or one that names no year) never overwrites a newer one's.
    pub fn replaces_master_of(&self, existing: &Enterprise) -> bool {
        match (self.reported_year, existing.reported_year) {
            (Some(new), Some(old)) => new >= old,
            (None, Some(_)) => false,
            _ => true,
        }
    }
}

/// One year's figures of an enterprise (年度数据); money in 万元.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EnterpriseYear {
    /// 统一社会信用代码.
    pub uscc: String,
    /// 年度.
    pub year: i32,
    /// 所在区划代码 that year.
    pub org_unit_code: Option<String>,
    /// 职工总数.
    pub employees: Option<i64>,
    /// 科技人员数.
    pub tech_staff: Option<i64>,
    /// 销售收入.
    pub sales_revenue: Option<Decimal>,
    /// 主营业务收入.
    pub main_business_revenue: Option<Decimal>,
    /// 总收入.
    pub total_revenue: Option<Decimal>,
    /// 高新技术产品(服务)收入.
    pub high_tech_revenue: Option<Decimal>,
    /// 资产总额.
    pub total_assets: Option<Decimal>,
    /// 负债总额.
    pub total_liabilities: Option<Decimal>,
    /// 成本费用支出总额.
    pub total_cost: Option<Decimal>,
    /// 研发费用.
    pub rd_expense: Option<Decimal>,
    /// 境内研发费用.
    pub domestic_rd_expense: Option<Decimal>,
    /// Ⅰ类知识产权数.
    pub ip_class1: Option<i64>,
    /// Ⅱ类知识产权数.
    pub ip_class2: Option<i64>,
    /// 研发机构级别 (国家级, 省级, 市级, 区级); `None` = no R&D institution.
    pub rd_institution_level: Option<String>,
    /// 科技成果转化数.
    pub achievements_transformed: Option<i64>,
    /// 规模以上工业企业 as designated by the statistics bureau; `None` = not stated (derive it by rule).
    pub above_scale_industrial: Option<bool>,
}

code_enum! {
    /// Kind of qualification (资质类型).
    pub enum QualificationKind in QUALIFICATION_KINDS {
        /// 高新技术企业 certificate.
        HighTech = "high_tech",
        /// 科技型中小企业 registration (入库登记).
        TechSme = "tech_sme",
    }
}

/// A qualification: a 高新技术企业 certificate or a 科技型中小企业 registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualification {
    /// 统一社会信用代码.
    pub uscc: String,
    /// Certificate or registration.
    pub kind: QualificationKind,
    /// 证书编号 / 登记编号.
    pub number: String,
    /// 发证日期 / 入库日期.
    pub issued_on: Date,
    /// The year it counts for (registration year; certificate's issue year).
    pub year: i32,
    /// Last day of validity.
    pub valid_until: Date,
    /// 撤销/取消 date, if revoked.
    pub revoked_on: Option<Date>,
}

impl Qualification {
    /// A 高新技术企业 certificate: valid for three years from the issue date
    /// (《高新技术企业认定管理办法》国科发火〔2016〕32号 第十五条), i.e. through the day before the third anniversary.
    /// The validity rule is [`Certificate::last_valid_day`].
    pub fn high_tech(uscc: impl Into<String>, number: impl Into<String>, issued_on: Date) -> Qualification {
        let valid_until = Certificate {
            kind: CertificateKind::HighTech,
            issued_on,
        }
        .last_valid_day();
        Qualification {
            uscc: uscc.into(),
            kind: QualificationKind::HighTech,
            number: number.into(),
            issued_on,
            year: i32::from(issued_on.year()),
            valid_until,
            revoked_on: None,
        }
    }

    /// A 科技型中小企业 registration for `year`: the 登记编号 is valid for that year only
    /// (国科火字〔2019〕87号: 登记编号当年有效).
    pub fn tech_sme(
        uscc: impl Into<String>,
        number: impl Into<String>,
        issued_on: Date,
        year: i16,
    ) -> Qualification {
        Qualification {
            uscc: uscc.into(),
            kind: QualificationKind::TechSme,
            number: number.into(),
            issued_on,
            year: i32::from(year),
            valid_until: Date::new(year, 12, 31).unwrap_or(Date::MAX),
            revoked_on: None,
        }
    }

    /// Valid on `day` (issued, not expired, not revoked).
    pub fn valid_on(&self, day: Date) -> bool {
        self.issued_on <= day && day <= self.valid_until && self.revoked_on.is_none_or(|r| day < r)
    }
}

code_enum! {
    /// Kind of dated enterprise record.
    pub enum EnterpriseRecordKind in ENTERPRISE_RECORD_KINDS {
        /// 研发机构 (`level`: national | provincial | municipal | enterprise, or 国家级 …; `ended_on` when
        /// dissolved).
        RdInstitution = "rd_institution",
        /// An adverse event (`level` holds the kind: major_safety, major_quality, environmental_violation,
        /// research_misconduct, abnormal_operation, serious_dishonesty, fraud — `core::qualify` ids or names).
        Incident = "incident",
        /// 国家级科技奖励 (`rank` = place among the winning units).
        Award = "award",
        /// 主导制定的标准 (`level`: international | national | industry, or 国际标准 …).
        Standard = "standard",
        /// 科研严重失信 / 经营异常名录 / 严重违法失信企业名单 (`level` as for incidents).
        Dishonesty = "dishonesty",
    }
}

/// A dated fact about an enterprise that a qualification rule looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseRecord {
    /// 统一社会信用代码.
    pub uscc: String,
    /// What kind of fact.
    pub kind: EnterpriseRecordKind,
    /// Name of the institution, award, standard or incident.
    pub title: String,
    /// Level (国家级, 省级, 国际标准, 行业标准 …).
    pub level: Option<String>,
    /// When it happened or was recognised.
    pub occurred_on: Date,
    /// When it ended (institution dissolved, listing lifted).
    pub ended_on: Option<Date>,
    /// Free text.
    pub detail: Option<String>,
    /// For an award: the enterprise's rank among the winning units (1 = first).
    pub rank: Option<i64>,
}

/// One row of an enterprise annual-figures import: master data and that year's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseYearRow {
    /// Master data (with `reported_year` = the figures' year).
    pub enterprise: Enterprise,
    /// The year's figures.
    pub figures: EnterpriseYear,
}
