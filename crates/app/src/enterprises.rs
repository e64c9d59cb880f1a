//! Enterprises (企业): the searchable list, one enterprise's page (yearly figures, qualifications, the verdicts of
//! the national rules with their explanations — the same report as `plantrack evaluate`), the upsert of master
//! data and annual figures, and the cultivation pool (培育库) with the projected counts against the plan's targets.
//!
//! The store keeps enterprises as registry rows; `EnterpriseProfile::to_input` (store) turns them into the
//! qualification engine's input, so that the web, the API and the CLI judge the same profile the same way.

use jiff::civil::Date;
use plantrack_core::period::Period;
use plantrack_core::plan::{DerivationRule, ElementSource, OrgUnitCode, Plan};
use plantrack_core::qualify::{self, EvaluationReport, Num, Programme, Rules, Uscc};
use plantrack_store::enterprises::{Enterprise, EnterpriseProfile as StoredProfile, EnterpriseYear};
use plantrack_store::{ListQuery, Store, Stored, ToParam};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::access::{Permission, Principal};
use crate::error::{AppError, FieldError};

/// A row of the enterprise list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnterpriseSummary {
    /// 统一社会信用代码.
    pub uscc: String,
    /// 企业名称.
    pub name: String,
    /// 所在区划代码.
    pub org_unit_code: Option<String>,
    /// 行业代码.
    pub industry_code: Option<String>,
    /// Latest annual report year.
    pub reported_year: Option<i32>,
}

/// One page of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnterprisePage {
    /// Rows.
    pub items: Vec<EnterpriseSummary>,
    /// Matching in all.
    pub total: i64,
    /// Skipped.
    pub offset: i64,
    /// Page size.
    pub limit: i64,
}

fn summary(e: &Stored<Enterprise>) -> EnterpriseSummary {
    EnterpriseSummary {
        uscc: e.record.uscc.clone(),
        name: e.record.name.clone(),
        org_unit_code: e.record.org_unit_code.clone(),
        industry_code: e.record.industry_code.clone(),
        reported_year: e.record.reported_year,
    }
}

/// Searches enterprises by name or USCC (internal users).
pub async fn search(
    store: &Store,
    who: &Principal,
    text: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<EnterprisePage, AppError> {
    who.require(&Permission::ViewInternal)?;
    let limit = if limit <= 0 { 50 } else { limit.min(500) };
    let mut q = ListQuery::default().page(offset.max(0), limit);
    if let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) {
        q = q.search(t.chars().take(100).collect::<String>());
    }
    let page = store.list::<Enterprise>(&q).await?;
    Ok(EnterprisePage {
        items: page.items.iter().map(summary).collect(),
        total: page.total,
        offset: page.offset,
        limit: page.limit,
    })
}

/// Everything one enterprise page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseView {
    /// The stored profile (master data, years, qualifications, records).
    pub profile: StoredProfile,
    /// The verdicts, or why the profile cannot be judged (incomplete or inconsistent data).
    pub evaluation: Result<EvaluationReport, String>,
}

/// The default evaluation date: 30 June of the year after the latest annual report (科技型中小企业 are registered
/// in spring on the previous year's figures), never later than `today`.
pub fn default_as_of(p: &StoredProfile, today: Date) -> Date {
    p.years
        .last()
        .and_then(|y| i16::try_from(y.record.year + 1).ok())
        .and_then(|y| Date::new(y, 6, 30).ok())
        .map_or(today, |d| d.min(today))
}

fn judge(p: &StoredProfile, as_of: Date) -> Result<EvaluationReport, String> {
    let profile = qualify::EnterpriseProfile::from_input(&p.to_input()).map_err(|e| e.to_string())?;
    let rules = Rules::default();
    let e = qualify::evaluate(&profile, as_of, &rules);
    let g = qualify::gaps(&profile, &e, &rules);
    Ok(qualify::report(&profile, &e, Some(&g), &rules))
}

fn parse_uscc(uscc: &str) -> Result<String, AppError> {
    Uscc::parse(uscc)
        .map(|u| u.as_str().to_owned())
        .map_err(|e| AppError::NotFound {
            entity: "enterprise".into(),
            id: format!("{uscc} ({e})"),
        })
}

/// One enterprise with its verdicts (internal users, and the enterprise itself).
pub async fn view(
    store: &Store,
    who: &Principal,
    uscc: &str,
    as_of: Option<Date>,
    today: Date,
) -> Result<EnterpriseView, AppError> {
    let uscc = parse_uscc(uscc)?;
    who.require(&Permission::ViewEnterprise(&uscc))?;
    let profile = store.enterprise_profile(&uscc).await?;
    let as_of = as_of.unwrap_or_else(|| default_as_of(&profile, today));
    let evaluation = judge(&profile, as_of);
    Ok(EnterpriseView { profile, evaluation })
}

/// The evaluation report of one enterprise — the element `plantrack evaluate` prints for it.
pub async fn evaluation(
    store: &Store,
    who: &Principal,
    uscc: &str,
    as_of: Option<Date>,
    today: Date,
) -> Result<EvaluationReport, AppError> {
    let v = view(store, who, uscc, as_of, today).await?;
    v.evaluation.map_err(|reason| {
        AppError::invalid(
            "profile",
            format!("企业数据不完整或有误，无法评价：{reason}"),
            format!("the enterprise's data are incomplete or inconsistent: {reason}"),
        )
    })
}

/// Master data and annual figures as submitted (`POST /api/v1/enterprises`); amounts in 万元 as text or numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseUpsert {
    /// 统一社会信用代码.
    pub uscc: String,
    /// 企业名称.
    pub name: String,
    /// 成立日期.
    #[serde(default)]
    pub founded_on: Option<String>,
    /// 所在区划代码.
    #[serde(default)]
    pub org_unit_code: Option<String>,
    /// 行业代码 (GB/T 4754).
    #[serde(default)]
    pub industry_code: Option<String>,
    /// 高新技术领域.
    #[serde(default)]
    pub high_tech_field: Option<String>,
    /// Annual figures.
    #[serde(default)]
    pub years: Vec<YearFigures>,
}

/// One year's figures as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct YearFigures {
    /// 年度.
    pub year: i32,
    /// 职工总数.
    #[serde(default)]
    pub employees: Option<Num>,
    /// 科技人员数.
    #[serde(default)]
    pub tech_staff: Option<Num>,
    /// 销售收入.
    #[serde(default)]
    pub sales_revenue: Option<Num>,
    /// 主营业务收入.
    #[serde(default)]
    pub main_business_revenue: Option<Num>,
    /// 总收入.
    #[serde(default)]
    pub total_revenue: Option<Num>,
    /// 高新技术产品(服务)收入.
    #[serde(default)]
    pub high_tech_revenue: Option<Num>,
    /// 资产总额.
    #[serde(default)]
    pub total_assets: Option<Num>,
    /// 负债总额.
    #[serde(default)]
    pub total_liabilities: Option<Num>,
    /// 成本费用支出总额.
    #[serde(default)]
    pub total_cost: Option<Num>,
    /// 研发费用.
    #[serde(default)]
    pub rd_expense: Option<Num>,
    /// 境内研发费用.
    #[serde(default)]
    pub domestic_rd_expense: Option<Num>,
    /// Ⅰ类知识产权数.
    #[serde(default)]
    pub ip_class1: Option<Num>,
    /// Ⅱ类知识产权数.
    #[serde(default)]
    pub ip_class2: Option<Num>,
    /// 研发机构级别.
    #[serde(default)]
    pub rd_institution_level: Option<String>,
    /// 科技成果转化数.
    #[serde(default)]
    pub achievements_transformed: Option<Num>,
}

fn check_upsert(
    plan: &Plan,
    u: &EnterpriseUpsert,
) -> Result<(Enterprise, Vec<EnterpriseYear>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let uscc = match Uscc::parse(&u.uscc) {
        Ok(c) => c.as_str().to_owned(),
        Err(e) => {
            errors.push(FieldError::new("uscc", e.to_string(), e.to_string()));
            String::new()
        }
    };
    let name = u.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(FieldError::new(
            "name",
            "企业名称必填，最多 200 个字符",
            "the name is required (at most 200 characters)",
        ));
    }
    let founded_on = match u.founded_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match s.parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new(
                    "founded_on",
                    "日期应为 YYYY-MM-DD",
                    "a date is YYYY-MM-DD",
                ));
                None
            }
        },
    };
    let org_ok = |field: &str, code: Option<&str>, errors: &mut Vec<FieldError>| -> Option<String> {
        let code = code.map(str::trim).filter(|s| !s.is_empty())?;
        match OrgUnitCode::parse(code) {
            Ok(c) if plan.org_unit(&c).is_some() => Some(c.as_str().to_owned()),
            _ => {
                errors.push(FieldError::new(
                    field,
                    format!("计划中没有区划 “{code}”"),
                    format!("no org unit “{code}” in the plan"),
                ));
                None
            }
        }
    };
    let org_unit_code = org_ok("org_unit_code", u.org_unit_code.as_deref(), &mut errors);
    let industry_code = match u
        .industry_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => match qualify::IndustryCode::parse(s) {
            Ok(_) => Some(s.to_owned()),
            Err(e) => {
                errors.push(FieldError::new("industry_code", e.to_string(), e.to_string()));
                None
            }
        },
    };
    let high_tech_field = u
        .high_tech_field
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let latest = u.years.iter().map(|y| y.year).max();
    let mut years = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, y) in u.years.iter().enumerate() {
        let row = u64::try_from(i + 1).unwrap_or(u64::MAX);
        let f = |name: &str| format!("years[{i}].{name}");
        if !(1990..=2100).contains(&y.year) {
            errors.push(
                FieldError::new(f("year"), "年度应在 1990–2100 之间", "the year must be 1990–2100")
                    .at_row(row),
            );
        }
        if !seen.insert(y.year) {
            errors.push(FieldError::new(f("year"), "年度重复", "duplicate year").at_row(row));
        }
        let amounts = [
            ("sales_revenue", y.sales_revenue),
            ("main_business_revenue", y.main_business_revenue),
            ("total_revenue", y.total_revenue),
            ("high_tech_revenue", y.high_tech_revenue),
            ("total_assets", y.total_assets),
            ("total_liabilities", y.total_liabilities),
            ("total_cost", y.total_cost),
            ("rd_expense", y.rd_expense),
            ("domestic_rd_expense", y.domestic_rd_expense),
        ];
        for (name, v) in amounts {
            if v.is_some_and(|v| v.0.is_sign_negative() && !v.0.is_zero()) {
                errors.push(FieldError::new(f(name), "不能为负", "cannot be negative").at_row(row));
            }
        }
        let mut whole = |name: &str, v: Option<Num>| -> Option<i64> {
            let v = v?;
            if v.0.fract().is_zero() && !v.0.is_sign_negative() {
                i64::try_from(v.0.mantissa() / 10i128.pow(v.0.scale())).ok()
            } else {
                errors
                    .push(FieldError::new(f(name), "应为非负整数", "must be a whole number ≥ 0").at_row(row));
                None
            }
        };
        let employees = whole("employees", y.employees);
        let tech_staff = whole("tech_staff", y.tech_staff);
        let ip_class1 = whole("ip_class1", y.ip_class1);
        let ip_class2 = whole("ip_class2", y.ip_class2);
        let achievements_transformed = whole("achievements_transformed", y.achievements_transformed);
        if let (Some(e), Some(t)) = (employees, tech_staff)
            && t > e
        {
            errors.push(
                FieldError::new(
                    f("tech_staff"),
                    "科技人员数不能大于职工总数",
                    "tech staff cannot exceed employees",
                )
                .at_row(row),
            );
        }
        if let (Some(rd), Some(dom)) = (y.rd_expense, y.domestic_rd_expense)
            && dom.0 > rd.0
        {
            errors.push(
                FieldError::new(
                    f("domestic_rd_expense"),
                    "境内研发费用不能大于研发费用",
                    "domestic R&D cannot exceed R&D",
                )
                .at_row(row),
            );
        }
        years.push(EnterpriseYear {
            uscc: uscc.clone(),
            year: y.year,
            org_unit_code: org_unit_code.clone(),
            employees,
            tech_staff,
            sales_revenue: y.sales_revenue.map(|n| n.0),
            main_business_revenue: y.main_business_revenue.map(|n| n.0),
            total_revenue: y.total_revenue.map(|n| n.0),
            high_tech_revenue: y.high_tech_revenue.map(|n| n.0),
            total_assets: y.total_assets.map(|n| n.0),
            total_liabilities: y.total_liabilities.map(|n| n.0),
            total_cost: y.total_cost.map(|n| n.0),
            rd_expense: y.rd_expense.map(|n| n.0),
            domestic_rd_expense: y.domestic_rd_expense.map(|n| n.0),
            ip_class1,
            ip_class2,
            rd_institution_level: y
                .rd_institution_level
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            achievements_transformed,
            above_scale_industrial: None,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((
        Enterprise {
            uscc,
            name: name.to_owned(),
            founded_on,
            org_unit_code,
            industry_code,
            high_tech_field,
            reported_year: latest,
        },
        years,
    ))
}

/// Creates or updates an enterprise's master data and annual figures (admins; an enterprise user for itself).
/// Returns the stored master data.
pub async fn upsert(
    store: &Store,
    who: &Principal,
    plan: &Plan,
    input: &EnterpriseUpsert,
) -> Result<EnterpriseSummary, AppError> {
    let uscc = Uscc::parse(&input.uscc)
        .map(|u| u.as_str().to_owned())
        .unwrap_or_default();
    // The scope check comes before validation, so a caller learns nothing about data it may not touch.
    if !(who.can(&Permission::EditRegistries) || who.can(&Permission::EditEnterprise(&uscc))) {
        who.require(&Permission::EditRegistries)?;
    }
    let (master, years) = check_upsert(plan, input).map_err(AppError::Invalid)?;
    let mut tx = store.begin(who.actor()).await?;
    let stored = match tx.find_by_key::<Enterprise>(&[master.uscc.to_param()]).await? {
        Some(existing) => {
            let mut m = master.clone();
            // Master data from an older report never overwrite a newer one.
            if existing.record.reported_year > m.reported_year {
                m.reported_year = existing.record.reported_year;
            }
            tx.update(existing.id, existing.version, &m).await?
        }
        None => tx.insert(&master).await?,
    };
    tx.upsert_many(&years).await?;
    tx.commit().await?;
    Ok(summary(&stored))
}

/// One candidate of the cultivation pool, for display.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolEntry {
    /// 统一社会信用代码.
    pub uscc: String,
    /// 企业名称.
    pub name: String,
    /// `tech_sme` or `high_tech`.
    pub programme: &'static str,
    /// What it lacks, Chinese.
    pub lacks_zh: String,
    /// What it lacks, English.
    pub lacks_en: String,
    /// Size of the gap (万元-equivalents).
    pub size: Decimal,
}

/// The cultivation pool of the plan's org unit, with the counts against the targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolView {
    /// Evaluation date.
    pub as_of: Date,
    /// The year the official counts are for.
    pub year: i32,
    /// Candidates, closest first.
    pub candidates: Vec<PoolEntry>,
    /// Official 科技型中小企业 count (registrations).
    pub tech_sme_now: Decimal,
    /// Official 高新技术企业 count (valid certificates at year end).
    pub high_tech_now: Decimal,
    /// Counts if every candidate succeeds.
    pub tech_sme_projected: Decimal,
    /// Counts if every candidate succeeds.
    pub high_tech_projected: Decimal,
    /// The plan's target for 科技型中小企业 (50 in the Shuangtaizi plan), if it has one.
    pub tech_sme_target: Option<Decimal>,
    /// The plan's target for 高新技术企业 (20), if it has one.
    pub high_tech_target: Option<Decimal>,
    /// Enterprises whose data could not be judged.
    pub not_judged: usize,
}

/// The target value of the plan's target whose indicator uses the element derived by `rule`.
fn target_for(plan: &Plan, rule: DerivationRule) -> Option<Decimal> {
    let element = plan
        .data_elements()
        .iter()
        .find(|e| e.source == ElementSource::Derived(rule))?;
    plan.targets()
        .iter()
        .find(|t| {
            plan.indicator(&t.indicator)
                .is_some_and(|i| i.expression.elements().contains(&&element.id))
        })
        .map(|t| t.value)
}

/// The codes of the plan's org unit and the plan's units below it.
fn plan_subtree(plan: &Plan) -> Vec<String> {
    let root = plan.meta().org_unit.clone();
    let mut out = vec![root.as_str().to_owned()];
    let mut i = 0;
    while i < out.len() {
        let code = out[i].clone();
        if let Ok(c) = OrgUnitCode::parse(&code) {
            for child in plan.children(&c) {
                out.push(child.code.as_str().to_owned());
            }
        }
        i += 1;
    }
    out
}

/// The cultivation pool (internal users): every enterprise of the plan's org unit that does not qualify as
/// 科技型中小企业 or 高新技术企业 yet but can be brought over the line, with what it lacks, and the official counts
/// now and if every candidate succeeds, beside the plan's targets.
pub async fn cultivation_pool(
    store: &Store,
    who: &Principal,
    plan: &Plan,
    as_of: Option<Date>,
    today: Date,
) -> Result<PoolView, AppError> {
    who.require(&Permission::ViewInternal)?;
    let units = plan_subtree(plan);
    let mut enterprises = Vec::new();
    for code in &units {
        let page = store
            .list::<Enterprise>(&ListQuery::all().eq("org_unit_code", code.as_str()))
            .await?;
        enterprises.extend(page.items);
    }
    let latest_year = enterprises.iter().filter_map(|e| e.record.reported_year).max();
    let as_of = as_of.unwrap_or_else(|| {
        latest_year
            .and_then(|y| i16::try_from(y + 1).ok())
            .and_then(|y| Date::new(y, 6, 30).ok())
            .map_or(today, |d| d.min(today))
    });
    let mut profiles = Vec::new();
    let mut names = Vec::new();
    let mut not_judged = 0;
    for e in &enterprises {
        let stored = store.enterprise_profile(&e.record.uscc).await?;
        match qualify::EnterpriseProfile::from_input(&stored.to_input()) {
            Ok(p) => {
                profiles.push(p);
                names.push(e.record.name.clone());
            }
            Err(_) => not_judged += 1,
        }
    }
    let rules = Rules::default();
    let pool = qualify::cultivation_pool(&profiles, as_of, &rules);
    let candidates: Vec<PoolEntry> = pool
        .iter()
        .map(|c| {
            let g = qualify::explain::gap_report(&c.gap);
            PoolEntry {
                uscc: c.uscc.as_str().to_owned(),
                name: names.get(c.index).cloned().unwrap_or_default(),
                programme: match c.programme {
                    Programme::TechSme => "tech_sme",
                    Programme::HighTech => "high_tech",
                },
                lacks_zh: g.text_zh,
                lacks_en: g.text_en,
                size: c.gap.size,
            }
        })
        .collect();
    let year = i32::from(as_of.year());
    let period = Period::year_of(year).map_err(|e| AppError::Unexpected(e.to_string().into()))?;
    let count_in = |values: Vec<plantrack_store::derive::DerivedValue>| -> Decimal {
        values
            .into_iter()
            .filter(|v| units.contains(&v.org_unit_code))
            .map(|v| v.value)
            .sum()
    };
    let tech_sme_now = count_in(store.derive(DerivationRule::TechSmeRegistrations, period).await?);
    let high_tech_now = count_in(
        store
            .derive(DerivationRule::HighTechCertificatesValidAtYearEnd, period)
            .await?,
    );
    let n = |p: &str| Decimal::from(candidates.iter().filter(|c| c.programme == p).count());
    Ok(PoolView {
        as_of,
        year,
        tech_sme_projected: tech_sme_now + n("tech_sme"),
        high_tech_projected: high_tech_now + n("high_tech"),
        candidates,
        tech_sme_now,
        high_tech_now,
        tech_sme_target: target_for(plan, DerivationRule::TechSmeRegistrations),
        high_tech_target: target_for(plan, DerivationRule::HighTechCertificatesValidAtYearEnd),
        not_judged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_targets_are_50_tech_smes_and_20_high_tech_enterprises() {
        let plan = plantrack_core::plan::embedded::shuangtaizi().unwrap();
        assert_eq!(
            target_for(&plan, DerivationRule::TechSmeRegistrations),
            Some(Decimal::from(50))
        );
        assert_eq!(
            target_for(&plan, DerivationRule::HighTechCertificatesValidAtYearEnd),
            Some(Decimal::from(20))
        );
    }

    #[test]
    fn an_upsert_is_checked_field_by_field() {
        let plan = plantrack_core::plan::embedded::shuangtaizi().unwrap();
        let bad = EnterpriseUpsert {
            uscc: "91350100M000100Y44".into(),
            name: String::new(),
            org_unit_code: Some("999999".into()),
            years: vec![YearFigures {
                year: 2019,
                employees: Some(Num(Decimal::from(10))),
                tech_staff: Some(Num(Decimal::from(11))),
                rd_expense: Some(Num(Decimal::from(5))),
                domestic_rd_expense: Some(Num(Decimal::from(6))),
                ..YearFigures::default()
            }],
            ..EnterpriseUpsert::default()
        };
        let errs = check_upsert(&plan, &bad).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "uscc",
            "name",
            "org_unit_code",
            "years[0].tech_staff",
            "years[0].domestic_rd_expense",
        ] {
            assert!(fields.contains(&f), "{f} not in {fields:?}");
        }
    }
}
