//! The smaller registries (台账): introduced talents, platforms, technology contracts, IP-pledge financing,
//! fiscal support paid out, and achievements (the qualitative goals' key technologies and new products).

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::code::code_enum;
use super::vocab::{ACHIEVEMENT_KINDS, PLATFORM_KINDS};

/// An introduced talent (引进人才).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Talent {
    /// 姓名.
    pub name: String,
    /// 人才类别, e.g. 高端创新创业人才.
    pub category: String,
    /// 引进日期.
    pub introduced_on: Date,
    /// 引进单位统一社会信用代码.
    pub employer_uscc: Option<String>,
    /// 所在区划代码.
    pub org_unit_code: String,
    /// 备注.
    pub note: Option<String>,
}

code_enum! {
    /// Kind of innovation platform (平台类型).
    pub enum PlatformKind in PLATFORM_KINDS {
        /// 产业技术研究院.
        IndustrialTechInstitute = "industrial_tech_institute",
        /// 众创空间.
        MakerSpace = "maker_space",
        /// 科技企业孵化器.
        Incubator = "incubator",
    }
}

/// An innovation platform (创新平台).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    /// 名称.
    pub name: String,
    /// 类型.
    pub kind: PlatformKind,
    /// 级别 (国家级, 省级, 市级).
    pub level: Option<String>,
    /// 认定日期.
    pub recognised_on: Date,
    /// 撤销日期.
    pub revoked_on: Option<Date>,
    /// 所在区划代码.
    pub org_unit_code: String,
    /// 依托单位.
    pub host_unit: Option<String>,
    /// 依托单位统一社会信用代码.
    pub host_uscc: Option<String>,
}

/// A registered technology contract (技术合同认定登记); money in 万元.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechContract {
    /// 合同登记编号.
    pub contract_number: String,
    /// 合同类型 (技术开发, 技术转让, 技术许可, 技术咨询, 技术服务).
    pub contract_type: String,
    /// 登记日期.
    pub registered_on: Date,
    /// 卖方统一社会信用代码 (contracts count where the seller is: 按地域一次登记).
    pub seller_uscc: String,
    /// 买方名称.
    pub buyer_name: Option<String>,
    /// 成交额.
    pub turnover: Decimal,
    /// 技术交易额.
    pub tech_turnover: Option<Decimal>,
    /// 所在区划代码 (of the seller).
    pub org_unit_code: String,
}

/// An IP-pledge financing (知识产权质押融资); money in 万元.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpPledgeFinancing {
    /// 质押登记号.
    pub registration_number: String,
    /// 出质企业统一社会信用代码.
    pub uscc: String,
    /// 质权人 (bank).
    pub pledgee: String,
    /// 融资金额.
    pub amount: Decimal,
    /// 登记日期.
    pub registered_on: Date,
    /// 质押专利数.
    pub patent_count: Option<i64>,
    /// 所在区划代码.
    pub org_unit_code: String,
    /// 备注.
    pub note: Option<String>,
}

/// Fiscal support paid out (财政科技资金拨付); money in 万元.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalSupport {
    /// 项目/资金名称.
    pub program: String,
    /// 受助单位名称.
    pub recipient_name: String,
    /// 受助单位统一社会信用代码.
    pub recipient_uscc: Option<String>,
    /// 金额.
    pub amount: Decimal,
    /// 拨付日期.
    pub paid_on: Date,
    /// 拨付部门.
    pub department_code: Option<String>,
    /// 所在区划代码.
    pub org_unit_code: String,
    /// 文号.
    pub document_number: Option<String>,
}

code_enum! {
    /// Kind of achievement (成果类型).
    pub enum AchievementKind in ACHIEVEMENT_KINDS {
        /// 关键核心技术.
        KeyTechnology = "key_technology",
        /// 新产品 (填补国内空白 …).
        NewProduct = "new_product",
    }
}

/// A key technology or new product (the plan's qualitative goals).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Achievement {
    /// Technology or product.
    pub kind: AchievementKind,
    /// 名称.
    pub title: String,
    /// 完成单位.
    pub owner_name: String,
    /// 完成单位统一社会信用代码.
    pub owner_uscc: Option<String>,
    /// 水平 (国际领先, 国际先进, 填补国内空白 …).
    pub level: Option<String>,
    /// 鉴定/评价日期.
    pub recognised_on: Option<Date>,
    /// 鉴定/评价文件.
    pub evidence: Option<String>,
    /// 所在区划代码.
    pub org_unit_code: String,
}
