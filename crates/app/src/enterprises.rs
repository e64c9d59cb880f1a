//! Enterprises (企业): the searchable list, one enterprise's page (yearly figures, qualifications, the verdicts of
//! the national rules with their explanations — the same report as `plantrack evaluate`), the upsert of master
//! data and annual figures, and the cultivation pool (培育库) with the projected counts against the plan's targets.
//!
//! The store keeps enterprises as registry rows; `EnterpriseProfile::to_input` (store) turns them into the
//! qualification engine's input, so that the web, the API and the CLI judge the same profile the same way.

use jiff::civil::Date;
use plantrack_core::period::Period;
use plantrack_core::plan::{DerivationRule, ElementSource, OrgUnitCode, Plan};
use plantrack_core::qualify::{self, EvaluationReport, Programme, Rules, Uscc};
use plantrack_core::registry::{self, Built, ENTERPRISE_MASTER_KEYS, EnterpriseYearRow, Kind};
use plantrack_exchange::Context;
use plantrack_store::enterprises::{Enterprise, EnterpriseProfile as StoredProfile, EnterpriseYear};
use plantrack_store::{ListQuery, Store, Stored, ToParam};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::access::{Permission, Principal};
use crate::error::{AppError, FieldError};
use crate::registries::{self, Fields, Patch, fields_from_json, merge};

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

/// Master data and annual figures as submitted to `POST /api/v1/enterprises`, as a merge patch (RFC 7396): a
/// field that is absent keeps its stored value, `null` clears it, a value (text, or a number exactly as written)
/// sets it — read by the same reader and checked by the same rules as a file's enterprise row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnterprisePatch {
    /// 统一社会信用代码 (required: it names the enterprise).
    pub uscc: String,
    /// Master data fields (`name`, `founded_on`, `org_unit_code`, `industry_code`, `high_tech_field`).
    pub master: Patch,
    /// One patch per year; each has `year` and any of that year's figures.
    pub years: Vec<Patch>,
}

impl EnterprisePatch {
    /// Reads the JSON body: `{"uscc", …master fields, "years": [{"year", …figures}]}`.
    pub fn from_json(body: &str) -> Result<EnterprisePatch, AppError> {
        use serde_json::value::RawValue;
        let map: std::collections::BTreeMap<String, Box<RawValue>> =
            serde_json::from_str(body).map_err(|e| {
                AppError::invalid(
                    "body",
                    format!("请求体应为 JSON 对象：{e}"),
                    format!("the body must be a JSON object: {e}"),
                )
            })?;
        let mut out = EnterprisePatch::default();
        let mut errors = Vec::new();
        let mut top = String::from("{");
        for (k, v) in &map {
            if k == "years" {
                match serde_json::from_str::<Vec<Box<RawValue>>>(v.get()) {
                    Ok(items) => {
                        for (i, item) in items.iter().enumerate() {
                            match fields_from_json(item.get()) {
                                Ok(p) => {
                                    for key in p.keys() {
                                        if key != "year" && !is_year_field(key) {
                                            errors.push(FieldError::new(
                                                format!("years[{i}].{key}"),
                                                "未知字段",
                                                "unknown field",
                                            ));
                                        }
                                    }
                                    out.years.push(p);
                                }
                                Err(AppError::Invalid(e)) => errors.extend(e.into_iter().map(|mut f| {
                                    f.field = format!("years[{i}].{}", f.field);
                                    f
                                })),
                                Err(e) => return Err(e),
                            }
                        }
                    }
                    Err(_) => errors.push(FieldError::new(
                        "years",
                        "应为数组，每项一个年度",
                        "must be an array, one object per year",
                    )),
                }
                continue;
            }
            if top.len() > 1 {
                top.push(',');
            }
            top.push_str(&serde_json::to_string(k).unwrap_or_default());
            top.push(':');
            top.push_str(v.get());
        }
        top.push('}');
        match fields_from_json(&top) {
            Ok(mut p) => {
                match p.remove("uscc") {
                    Some(Some(u)) => out.uscc = u,
                    _ => errors.push(FieldError::new("uscc", "必填", "required")),
                }
                for key in p.keys() {
                    if !ENTERPRISE_MASTER_KEYS.contains(&key.as_str()) {
                        errors.push(FieldError::new(key.clone(), "未知字段", "unknown field"));
                    }
                }
                out.master = p;
            }
            Err(AppError::Invalid(e)) => errors.extend(e),
            Err(e) => return Err(e),
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(AppError::Invalid(errors))
        }
    }
}

/// A field of one year's figures (not master data, not the year itself).
fn is_year_field(key: &str) -> bool {
    key != "year" && !ENTERPRISE_MASTER_KEYS.contains(&key) && Kind::Enterprises.field(key).is_some()
}

/// The master fields of stored master data, as text.
fn master_texts(e: &Enterprise) -> Fields {
    registry::texts_of(Kind::Enterprises, e)
        .into_iter()
        .filter(|(k, _)| ENTERPRISE_MASTER_KEYS.contains(&k.as_str()))
        .collect()
}

/// Where a field of the request is: a master field at the top, a year's figure in `years[i]`.
fn located(i: usize, key: &str) -> String {
    if ENTERPRISE_MASTER_KEYS.contains(&key) {
        key.to_owned()
    } else {
        format!("years[{i}].{key}")
    }
}

/// What an upsert did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpsertOutcome {
    /// The stored master data.
    #[serde(flatten)]
    pub enterprise: EnterpriseSummary,
    /// Whether the request's master data were stored; false when they came with figures of a year older than
    /// the report the stored master data were taken from (a newer report's master data are kept).
    pub master_updated: bool,
    /// The years whose figures were written.
    pub years_written: Vec<i32>,
}

/// Creates or updates an enterprise's master data and annual figures (admins; an enterprise user for itself),
/// merging the request into what is stored (see [`EnterprisePatch`]). Master data carried by figures of a year
/// older than the stored master data's report never overwrite them (the rule `import` follows).
pub async fn upsert(
    store: &Store,
    who: &Principal,
    plan: &Plan,
    input: &EnterprisePatch,
) -> Result<UpsertOutcome, AppError> {
    let uscc = Uscc::parse(&input.uscc)
        .map(|u| u.as_str().to_owned())
        .unwrap_or_default();
    // The scope check comes before validation, so a caller learns nothing about data it may not touch.
    if !(who.can(&Permission::EditRegistries) || who.can(&Permission::EditEnterprise(&uscc))) {
        who.require(&Permission::EditRegistries)?;
    }
    if uscc.is_empty() {
        let why = registry::parse::uscc(&input.uscc)
            .err()
            .unwrap_or_else(|| plantrack_core::Text::new("无效", "invalid"));
        return Err(AppError::Invalid(vec![FieldError::new("uscc", why.zh, why.en)]));
    }
    let codes = store.org_unit_codes().await?;
    let cx = Context::for_plan(plan, codes, Some(who.actor_name().to_owned()));
    let mut tx = store.begin(who.actor()).await?;
    let existing = tx.find_by_key::<Enterprise>(&[uscc.to_param()]).await?;
    let mut base = existing
        .as_ref()
        .map(|e| master_texts(&e.record))
        .unwrap_or_default();
    base.insert("uscc".into(), uscc.clone());
    let master_fields = merge(base, &input.master);
    let mut errors = Vec::new();
    let mut rows: Vec<EnterpriseYearRow> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, y) in input.years.iter().enumerate() {
        let year = match y.get("year") {
            Some(Some(t)) => match registry::parse::year(t) {
                Ok(year) => year,
                Err(why) => {
                    errors.push(FieldError::new(format!("years[{i}].year"), why.zh, why.en));
                    continue;
                }
            },
            _ => {
                errors.push(FieldError::new(format!("years[{i}].year"), "必填", "required"));
                continue;
            }
        };
        if !seen.insert(year) {
            errors.push(FieldError::new(
                format!("years[{i}].year"),
                "年度重复",
                "duplicate year",
            ));
            continue;
        }
        // What that year holds now: master data, then the year's stored figures (and its org unit), then the
        // request's master fields, then the request's figures for the year.
        let mut fields = existing
            .as_ref()
            .map(|e| master_texts(&e.record))
            .unwrap_or_default();
        if let Some(stored) = tx
            .find_by_key::<EnterpriseYear>(&[uscc.to_param(), year.to_param()])
            .await?
        {
            fields.extend(registry::texts_of(Kind::Enterprises, &stored.record));
        }
        fields.extend(master_fields.clone());
        if let Some(Some(org)) = input.master.get("org_unit_code") {
            fields.insert("org_unit_code".into(), org.clone());
        }
        let fields = merge(fields, y);
        match registry::build_from_text(Kind::Enterprises, &fields, &cx) {
            Ok(Built::Enterprise(row)) => rows.push(*row),
            Ok(_) => {}
            Err(problems) => errors.extend(problems.into_iter().map(|p| {
                let key = Kind::Enterprises.fields().get(p.field).map_or("", |f| f.key);
                FieldError::new(located(i, key), p.reason.zh, p.reason.en)
            })),
        }
    }
    let master = if rows.is_empty() {
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        // Master data alone: they are the current master data (they keep the report year they had).
        let (row, problems) = registry::read_row(
            Kind::Enterprises,
            |f| master_fields.get(f.key).map(String::as_str),
            &cx,
        );
        let mut m = match (problems.is_empty(), registry::build_enterprise_master(row)) {
            (true, Ok(m)) => m,
            (_, built) => {
                let mut all = problems;
                all.extend(built.err().unwrap_or_default());
                return Err(AppError::Invalid(registries::field_errors(
                    Kind::Enterprises,
                    all,
                )));
            }
        };
        m.reported_year = existing.as_ref().and_then(|e| e.record.reported_year);
        m
    } else {
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        rows.iter()
            .map(|r| r.enterprise.clone())
            .max_by_key(|e| e.reported_year)
            .unwrap_or_else(|| rows[0].enterprise.clone())
    };
    let (stored, master_updated) = match existing {
        Some(e) if master.replaces_master_of(&e.record) || master.reported_year.is_none() => {
            (tx.update(e.id, e.version, &master).await?, true)
        }
        Some(e) => (e, false),
        None => (tx.insert(&master).await?, true),
    };
    let years: Vec<EnterpriseYear> = rows.into_iter().map(|r| r.figures).collect();
    tx.upsert_many(&years).await?;
    tx.commit().await?;
    Ok(UpsertOutcome {
        enterprise: summary(&stored),
        master_updated,
        years_written: years.iter().map(|y| y.year).collect(),
    })
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
    fn a_request_is_read_as_a_merge_patch() {
        let p = EnterprisePatch::from_json(
            r#"{"uscc": "91350100M000100Y43", "name": "甲", "industry_code": null,
                "years": [{"year": 2019, "employees": 150, "rd_expense": "1,200.5"}]}"#,
        )
        .unwrap();
        assert_eq!(p.uscc, "91350100M000100Y43");
        assert_eq!(p.master.get("name"), Some(&Some("甲".to_owned())));
        assert_eq!(p.master.get("industry_code"), Some(&None));
        assert!(!p.master.contains_key("founded_on"));
        assert_eq!(p.years[0].get("employees"), Some(&Some("150".to_owned())));
        assert_eq!(p.years[0].get("rd_expense"), Some(&Some("1,200.5".to_owned())));
    }

    #[test]
    fn unknown_fields_and_a_missing_uscc_are_named() {
        let Err(AppError::Invalid(errs)) =
            EnterprisePatch::from_json(r#"{"colour": "red", "years": [{"year": 2019, "profit": 1}]}"#)
        else {
            panic!("invalid expected")
        };
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        for f in ["uscc", "colour", "years[0].profit"] {
            assert!(fields.contains(&f), "{f} not in {fields:?}");
        }
        assert!(EnterprisePatch::from_json(r#"{"uscc": "x", "years": {"year": 1}}"#).is_err());
    }
}
