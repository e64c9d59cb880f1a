//! From read values to registry records: the checks between fields (科技人员 ≤ 职工, 境内研发 ≤ 研发,
//! 技术交易额 ≤ 成交额, a revocation after the recognition …) and the records they make. One builder per kind,
//! used by file import, web forms and the API alike.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::code::Code;
use super::enterprise::{Enterprise, EnterpriseYear, EnterpriseYearRow, Qualification};
use super::field::{Field, index};
use super::ledger::{
    Achievement, AchievementKind, FiscalSupport, IpPledgeFinancing, Platform, PlatformKind, Talent,
    TechContract,
};
use super::observation::Observation;
use super::org::OrgUnit;
use super::parse::{Lookup, Value, read};
use super::spec::{
    ACHIEVEMENTS, CONTRACTS, ENTERPRISES, FINANCING, FUNDING, Kind, OBSERVATIONS, ORG_UNITS, PLATFORMS,
    QUALIFICATIONS, TALENTS,
};
use crate::Text;
use crate::period::Period;

/// A problem with one field of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field's position in its kind's [`Kind::fields`].
    pub field: usize,
    /// Why.
    pub reason: Text,
}

impl Problem {
    fn new(field: usize, zh: impl Into<String>, en: impl Into<String>) -> Problem {
        Problem {
            field,
            reason: Text::new(zh, en),
        }
    }
}

/// One row's values, by field position; `None` = blank.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    values: Vec<Option<Value>>,
}

impl Row {
    /// An empty row of `kind`.
    pub fn new(kind: Kind) -> Row {
        Row {
            values: vec![None; kind.fields().len()],
        }
    }

    /// Set the value of the field at `i`.
    pub fn set(&mut self, i: usize, v: Option<Value>) {
        if let Some(slot) = self.values.get_mut(i) {
            *slot = v;
        }
    }

    /// The value at `i`.
    pub fn get(&self, i: usize) -> Option<&Value> {
        self.values.get(i).and_then(Option::as_ref)
    }

    fn take(&mut self, i: usize) -> Option<Value> {
        self.values.get_mut(i).and_then(Option::take)
    }

    fn text(&mut self, i: usize) -> Option<String> {
        match self.take(i) {
            Some(Value::Text(s)) => Some(s),
            _ => None,
        }
    }

    fn date(&self, i: usize) -> Option<Date> {
        match self.get(i) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        }
    }

    fn decimal(&self, i: usize) -> Option<Decimal> {
        match self.get(i) {
            Some(Value::Decimal(d)) => Some(*d),
            _ => None,
        }
    }

    fn int(&self, i: usize) -> Option<i64> {
        match self.get(i) {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        }
    }

    fn code(&self, i: usize) -> Option<&'static str> {
        match self.get(i) {
            Some(Value::Term(t)) => Some(t.code),
            _ => None,
        }
    }

    fn period(&self, i: usize) -> Option<Period> {
        match self.get(i) {
            Some(Value::Period(p)) => Some(*p),
            _ => None,
        }
    }
}

/// A record of any kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Built {
    /// 企业年报 row: master data and one year's figures.
    Enterprise(Box<EnterpriseYearRow>),
    /// A certificate or registration.
    Qualification(Qualification),
    /// A technology contract.
    Contract(TechContract),
    /// An introduced talent.
    Talent(Talent),
    /// A platform.
    Platform(Platform),
    /// An observation.
    Observation(Observation),
    /// An IP-pledge financing.
    Financing(IpPledgeFinancing),
    /// Fiscal support paid out.
    Funding(FiscalSupport),
    /// A key technology or new product.
    Achievement(Achievement),
    /// An org unit version.
    OrgUnit(OrgUnit),
}

/// Reads a row of `kind` from text (a form, a JSON object's scalars): `get` gives each field's text, blank or
/// absent = no value. Every field's problem is collected.
pub fn read_row<'a>(
    kind: Kind,
    get: impl Fn(&Field) -> Option<&'a str>,
    lookup: &dyn Lookup,
) -> (Row, Vec<Problem>) {
    let mut row = Row::new(kind);
    let mut problems = Vec::new();
    for (i, f) in kind.fields().iter().enumerate() {
        match get(f).map(|raw| read(f, raw, lookup)) {
            None | Some(Ok(None)) => {}
            Some(Ok(v)) => row.set(i, v),
            Some(Err(reason)) => problems.push(Problem { field: i, reason }),
        }
    }
    (row, problems)
}

/// Reads and builds a row of `kind` from text fields by key.
pub fn build_from_text(
    kind: Kind,
    fields: &BTreeMap<String, String>,
    lookup: &dyn Lookup,
) -> Result<Built, Vec<Problem>> {
    let (row, mut problems) = read_row(kind, |f| fields.get(f.key).map(String::as_str), lookup);
    match build(kind, row) {
        Ok(b) if problems.is_empty() => Ok(b),
        Ok(_) => Err(problems),
        Err(more) => {
            let more: Vec<Problem> = more
                .into_iter()
                .filter(|p| !problems_has(&problems, p.field))
                .collect();
            problems.extend(more);
            problems.sort_by_key(|p| p.field);
            Err(problems)
        }
    }
}

fn problems_has(problems: &[Problem], field: usize) -> bool {
    problems.iter().any(|p| p.field == field)
}

/// Builds the record of a row of `kind`: a required field without a value and every failed check between
/// fields is a problem.
pub fn build(kind: Kind, mut row: Row) -> Result<Built, Vec<Problem>> {
    let mut problems: Vec<Problem> = kind
        .fields()
        .iter()
        .enumerate()
        .filter(|(i, f)| f.required && row.get(*i).is_none())
        .map(|(i, _)| Problem::new(i, "必填项为空", "required value missing"))
        .collect();
    let built = match kind {
        Kind::Enterprises => enterprise(&mut row, &mut problems).map(|r| Built::Enterprise(Box::new(r))),
        Kind::Qualifications => qualification(&mut row, &mut problems).map(Built::Qualification),
        Kind::Contracts => contract(&mut row, &mut problems).map(Built::Contract),
        Kind::Talents => talent(&mut row).map(Built::Talent),
        Kind::Platforms => platform(&mut row, &mut problems).map(Built::Platform),
        Kind::Observations => observation(&mut row).map(Built::Observation),
        Kind::Financing => financing(&mut row).map(Built::Financing),
        Kind::Funding => funding(&mut row).map(Built::Funding),
        Kind::Achievements => achievement(&mut row).map(Built::Achievement),
        Kind::OrgUnits => org_unit(&mut row, &mut problems).map(Built::OrgUnit),
    };
    match built {
        Some(b) if problems.is_empty() => Ok(b),
        _ => {
            if problems.is_empty() {
                // Unreachable: every required field is reported above; kept so no input can panic here.
                problems.push(Problem::new(0, "数据不完整", "incomplete row"));
            }
            Err(problems)
        }
    }
}

fn check(problems: &mut Vec<Problem>, ok: bool, field: usize, message: impl FnOnce() -> (String, String)) {
    if !ok {
        let (zh, en) = message();
        problems.push(Problem::new(field, zh, en));
    }
}

fn i32_of(n: i64) -> Option<i32> {
    i32::try_from(n).ok()
}

mod e {
    use super::{ENTERPRISES as F, index};
    pub const USCC: usize = index(F, "uscc");
    pub const NAME: usize = index(F, "name");
    pub const FOUNDED_ON: usize = index(F, "founded_on");
    pub const ORG: usize = index(F, "org_unit_code");
    pub const INDUSTRY: usize = index(F, "industry_code");
    pub const FIELD: usize = index(F, "high_tech_field");
    pub const YEAR: usize = index(F, "year");
    pub const EMPLOYEES: usize = index(F, "employees");
    pub const TECH_STAFF: usize = index(F, "tech_staff");
    pub const SALES: usize = index(F, "sales_revenue");
    pub const MAIN: usize = index(F, "main_business_revenue");
    pub const TOTAL: usize = index(F, "total_revenue");
    pub const HIGH_TECH: usize = index(F, "high_tech_revenue");
    pub const ASSETS: usize = index(F, "total_assets");
    pub const LIABILITIES: usize = index(F, "total_liabilities");
    pub const COST: usize = index(F, "total_cost");
    pub const RD: usize = index(F, "rd_expense");
    pub const RD_DOMESTIC: usize = index(F, "domestic_rd_expense");
    pub const IP1: usize = index(F, "ip_class1");
    pub const IP2: usize = index(F, "ip_class2");
    pub const RD_LEVEL: usize = index(F, "rd_institution_level");
    pub const TRANSFORMED: usize = index(F, "achievements_transformed");
    pub const ABOVE_SCALE: usize = index(F, "above_scale_industrial");
}

/// Checks between an enterprise's fields that hold in every year.
fn enterprise_checks(row: &Row, problems: &mut Vec<Problem>) {
    if let (Some(all), Some(tech)) = (row.int(e::EMPLOYEES), row.int(e::TECH_STAFF)) {
        check(problems, tech <= all, e::TECH_STAFF, || {
            (
                format!("科技人员数 {tech} 大于职工总数 {all}"),
                format!("tech staff {tech} exceeds employees {all}"),
            )
        });
    }
    if let (Some(all), Some(dom)) = (row.decimal(e::RD), row.decimal(e::RD_DOMESTIC)) {
        check(problems, dom <= all, e::RD_DOMESTIC, || {
            (
                format!("境内研发费用 {dom} 大于研发费用 {all}"),
                format!("domestic R&D expense {dom} exceeds the R&D expense {all}"),
            )
        });
    }
    if let (Some(f), Some(y)) = (row.date(e::FOUNDED_ON), row.int(e::YEAR)) {
        check(problems, i64::from(f.year()) <= y, e::YEAR, || {
            (
                format!("年度 {y} 早于成立日期 {f}"),
                format!("year {y} is before the founding date {f}"),
            )
        });
    }
}

fn enterprise(row: &mut Row, problems: &mut Vec<Problem>) -> Option<EnterpriseYearRow> {
    enterprise_checks(row, problems);
    let year = row.int(e::YEAR).and_then(i32_of)?;
    let master = enterprise_master(row, Some(year))?;
    let figures = EnterpriseYear {
        uscc: master.uscc.clone(),
        year,
        org_unit_code: master.org_unit_code.clone(),
        employees: row.int(e::EMPLOYEES),
        tech_staff: row.int(e::TECH_STAFF),
        sales_revenue: row.decimal(e::SALES),
        main_business_revenue: row.decimal(e::MAIN),
        total_revenue: row.decimal(e::TOTAL),
        high_tech_revenue: row.decimal(e::HIGH_TECH),
        total_assets: row.decimal(e::ASSETS),
        total_liabilities: row.decimal(e::LIABILITIES),
        total_cost: row.decimal(e::COST),
        rd_expense: row.decimal(e::RD),
        domestic_rd_expense: row.decimal(e::RD_DOMESTIC),
        ip_class1: row.int(e::IP1),
        ip_class2: row.int(e::IP2),
        rd_institution_level: row.code(e::RD_LEVEL).filter(|c| !c.is_empty()).map(str::to_owned),
        achievements_transformed: row.int(e::TRANSFORMED),
        above_scale_industrial: row.code(e::ABOVE_SCALE).map(|c| c == "1"),
    };
    Some(EnterpriseYearRow {
        enterprise: master,
        figures,
    })
}

fn enterprise_master(row: &mut Row, reported_year: Option<i32>) -> Option<Enterprise> {
    Some(Enterprise {
        uscc: row.text(e::USCC)?,
        name: row.text(e::NAME)?,
        founded_on: row.date(e::FOUNDED_ON),
        org_unit_code: row.text(e::ORG),
        industry_code: row.text(e::INDUSTRY),
        high_tech_field: row.code(e::FIELD).map(str::to_owned),
        reported_year,
    })
}

/// The fields of an enterprise row that are master data (企业基本信息), not one year's figures.
pub const ENTERPRISE_MASTER_KEYS: [&str; 6] = [
    "uscc",
    "name",
    "founded_on",
    "org_unit_code",
    "industry_code",
    "high_tech_field",
];

/// Builds an enterprise's master data alone (no year's figures) from an enterprise row whose master fields are
/// read: the same fields and checks as a full row.
pub fn build_enterprise_master(mut row: Row) -> Result<Enterprise, Vec<Problem>> {
    let mut problems: Vec<Problem> = ENTERPRISE_MASTER_KEYS
        .iter()
        .filter_map(|k| ENTERPRISES.iter().position(|f| f.key == *k))
        .filter(|i| ENTERPRISES.get(*i).is_some_and(|f| f.required) && row.get(*i).is_none())
        .map(|i| Problem::new(i, "必填项为空", "required value missing"))
        .collect();
    enterprise_checks(&row, &mut problems);
    match enterprise_master(&mut row, None) {
        Some(m) if problems.is_empty() => Ok(m),
        _ => Err(problems),
    }
}

fn qualification(row: &mut Row, problems: &mut Vec<Problem>) -> Option<Qualification> {
    const F: &[Field] = QUALIFICATIONS;
    const USCC: usize = index(F, "uscc");
    const KIND: usize = index(F, "kind");
    const NUMBER: usize = index(F, "number");
    const ISSUED: usize = index(F, "issued_on");
    const YEAR: usize = index(F, "year");
    const REVOKED: usize = index(F, "revoked_on");
    let issued_on = row.date(ISSUED)?;
    let revoked_on = row.date(REVOKED);
    if let Some(rv) = revoked_on {
        check(problems, rv >= issued_on, REVOKED, || {
            (
                format!("撤销日期 {rv} 早于发证日期 {issued_on}"),
                format!("revoked {rv} before it was issued {issued_on}"),
            )
        });
    }
    let year = row.int(YEAR).and_then(i32_of);
    let kind = super::enterprise::QualificationKind::from_code(row.code(KIND)?)?;
    let (uscc, number) = (row.text(USCC)?, row.text(NUMBER)?);
    let mut q = match kind {
        super::enterprise::QualificationKind::HighTech => {
            let mut q = Qualification::high_tech(uscc, number, issued_on);
            if let Some(y) = year {
                q.year = y;
            }
            q
        }
        super::enterprise::QualificationKind::TechSme => {
            let y = year
                .and_then(|y| i16::try_from(y).ok())
                .unwrap_or(issued_on.year());
            Qualification::tech_sme(uscc, number, issued_on, y)
        }
    };
    q.revoked_on = revoked_on;
    Some(q)
}

fn contract(row: &mut Row, problems: &mut Vec<Problem>) -> Option<TechContract> {
    const F: &[Field] = CONTRACTS;
    const NUMBER: usize = index(F, "contract_number");
    const TYPE: usize = index(F, "contract_type");
    const ON: usize = index(F, "registered_on");
    const SELLER: usize = index(F, "seller_uscc");
    const BUYER: usize = index(F, "buyer_name");
    const TURNOVER: usize = index(F, "turnover");
    const TECH: usize = index(F, "tech_turnover");
    const ORG: usize = index(F, "org_unit_code");
    if let (Some(all), Some(tech)) = (row.decimal(TURNOVER), row.decimal(TECH)) {
        check(problems, tech <= all, TECH, || {
            (
                format!("技术交易额 {tech} 大于成交额 {all}"),
                format!("technology turnover {tech} exceeds the turnover {all}"),
            )
        });
    }
    Some(TechContract {
        contract_number: row.text(NUMBER)?,
        contract_type: row.code(TYPE)?.to_owned(),
        registered_on: row.date(ON)?,
        seller_uscc: row.text(SELLER)?,
        buyer_name: row.text(BUYER),
        turnover: row.decimal(TURNOVER)?,
        tech_turnover: row.decimal(TECH),
        org_unit_code: row.text(ORG)?,
    })
}

fn talent(row: &mut Row) -> Option<Talent> {
    const F: &[Field] = TALENTS;
    Some(Talent {
        name: row.text(index(F, "name"))?,
        category: row.text(index(F, "category"))?,
        introduced_on: row.date(index(F, "introduced_on"))?,
        employer_uscc: row.text(index(F, "employer_uscc")),
        org_unit_code: row.text(index(F, "org_unit_code"))?,
        note: row.text(index(F, "note")),
    })
}

fn platform(row: &mut Row, problems: &mut Vec<Problem>) -> Option<Platform> {
    const F: &[Field] = PLATFORMS;
    const RECOGNISED: usize = index(F, "recognised_on");
    const REVOKED: usize = index(F, "revoked_on");
    let recognised_on = row.date(RECOGNISED)?;
    let revoked_on = row.date(REVOKED);
    if let Some(b) = revoked_on {
        check(problems, b >= recognised_on, REVOKED, || {
            (
                format!("撤销日期 {b} 早于认定日期 {recognised_on}"),
                format!("revoked {b} before it was recognised {recognised_on}"),
            )
        });
    }
    Some(Platform {
        name: row.text(index(F, "name"))?,
        kind: PlatformKind::from_code(row.code(index(F, "kind"))?)?,
        level: row.code(index(F, "level")).map(str::to_owned),
        recognised_on,
        revoked_on,
        org_unit_code: row.text(index(F, "org_unit_code"))?,
        host_unit: row.text(index(F, "host_unit")),
        host_uscc: row.text(index(F, "host_uscc")),
    })
}

fn observation(row: &mut Row) -> Option<Observation> {
    const F: &[Field] = OBSERVATIONS;
    let period = row.period(index(F, "period"))?;
    let value = row.decimal(index(F, "value"))?;
    Some(Observation::new(
        row.text(index(F, "org_unit_code"))?,
        period,
        row.text(index(F, "data_element"))?,
        value,
        row.text(index(F, "source")),
        row.text(index(F, "entered_by")),
    ))
}

fn financing(row: &mut Row) -> Option<IpPledgeFinancing> {
    const F: &[Field] = FINANCING;
    Some(IpPledgeFinancing {
        registration_number: row.text(index(F, "registration_number"))?,
        uscc: row.text(index(F, "uscc"))?,
        pledgee: row.text(index(F, "pledgee"))?,
        amount: row.decimal(index(F, "amount"))?,
        registered_on: row.date(index(F, "registered_on"))?,
        patent_count: row.int(index(F, "patent_count")),
        org_unit_code: row.text(index(F, "org_unit_code"))?,
        note: row.text(index(F, "note")),
    })
}

fn funding(row: &mut Row) -> Option<FiscalSupport> {
    const F: &[Field] = FUNDING;
    Some(FiscalSupport {
        program: row.text(index(F, "program"))?,
        recipient_name: row.text(index(F, "recipient_name"))?,
        recipient_uscc: row.text(index(F, "recipient_uscc")),
        amount: row.decimal(index(F, "amount"))?,
        paid_on: row.date(index(F, "paid_on"))?,
        department_code: row.text(index(F, "department_code")),
        org_unit_code: row.text(index(F, "org_unit_code"))?,
        document_number: row.text(index(F, "document_number")),
    })
}

fn achievement(row: &mut Row) -> Option<Achievement> {
    const F: &[Field] = ACHIEVEMENTS;
    Some(Achievement {
        kind: AchievementKind::from_code(row.code(index(F, "kind"))?)?,
        title: row.text(index(F, "title"))?,
        owner_name: row.text(index(F, "owner_name"))?,
        owner_uscc: row.text(index(F, "owner_uscc")),
        level: row.text(index(F, "level")),
        recognised_on: row.date(index(F, "recognised_on")),
        evidence: row.text(index(F, "evidence")),
        org_unit_code: row.text(index(F, "org_unit_code"))?,
    })
}

/// Since ever, for an org unit without a start date.
const SINCE_EVER: Date = Date::constant(1900, 1, 1);

fn org_unit(row: &mut Row, problems: &mut Vec<Problem>) -> Option<OrgUnit> {
    const F: &[Field] = ORG_UNITS;
    const CODE: usize = index(F, "code");
    const PARENT: usize = index(F, "parent_code");
    const FROM: usize = index(F, "valid_from");
    const TO: usize = index(F, "valid_to");
    let code = row.text(CODE);
    let parent = row.text(PARENT);
    let code_ok = |c: &str| (6..=12).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit());
    if let Some(c) = &code {
        check(problems, code_ok(c), CODE, || {
            (
                "区划代码应为6位（街道9位或12位）数字".into(),
                "an org-unit code has 6 digits (9 or 12 for a street)".into(),
            )
        });
    }
    if let Some(p) = &parent {
        check(problems, code_ok(p), PARENT, || {
            (
                "上级区划代码应为数字代码".into(),
                "the parent is an org-unit code (digits)".into(),
            )
        });
        if let Some(c) = &code {
            check(problems, p != c, PARENT, || {
                (
                    "上级区划不能是自己".into(),
                    "an org unit cannot be its own parent".into(),
                )
            });
        }
    }
    let (valid_from, valid_to) = (row.date(FROM), row.date(TO));
    if let (Some(a), Some(b)) = (valid_from, valid_to) {
        check(problems, b >= a, TO, || {
            (
                format!("终止日期 {b} 早于起始日期 {a}"),
                format!("valid to {b} is before valid from {a}"),
            )
        });
    }
    Some(OrgUnit {
        code: code?,
        name: row.text(index(F, "name"))?,
        parent_code: parent,
        level: row.code(index(F, "level"))?.to_owned(),
        valid_from: valid_from.unwrap_or(SINCE_EVER),
        valid_to,
    })
}

/// A stored record's fields as text by key — what a form shows and what a partial update starts from (every
/// text reads back as the same value). `record` is any of the registry records.
pub fn texts_of<T: serde::Serialize>(kind: Kind, record: &T) -> BTreeMap<String, String> {
    let json = serde_json::to_value(record).unwrap_or_default();
    kind.fields()
        .iter()
        .filter_map(|f| {
            let v = json.get(f.key)?;
            let text = match v {
                serde_json::Value::Null => return None,
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
                other => other.to_string(),
            };
            Some((f.key.to_owned(), text))
        })
        .collect()
}
