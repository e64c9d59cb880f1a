//! The registries (台账): introduced talents, platforms, technology contracts, IP-pledge financing, fiscal support
//! and achievements — list, read, create, edit with the version check, delete.
//!
//! Input arrives as text fields (a form, or a JSON object whose scalars are read as text) and is parsed here, field
//! by field, into the store's typed record: every problem is reported with its field, in Chinese and English, and
//! nothing is written unless all fields are good. Reading needs [`Permission::ViewInternal`], writing
//! [`Permission::EditRegistries`].

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use plantrack_core::plan::{OrgUnitCode, Plan};
use plantrack_core::qualify::Uscc;
use plantrack_store::registries::{
    Achievement, FiscalSupport, IpPledgeFinancing, Platform, Talent, TechContract,
};
use plantrack_store::{Actor, ListQuery, Record, Store, Stored};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::access::{Permission, Principal};
use crate::error::{AppError, FieldError};

/// One of the six registries, named as in the URL and the API (`/api/v1/{registry}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistryKind {
    /// 引进人才.
    Talents,
    /// 创新平台.
    Platforms,
    /// 技术合同.
    Contracts,
    /// 知识产权质押融资.
    Financing,
    /// 财政科技资金.
    Funding,
    /// 关键技术和新产品.
    Achievements,
}

/// How a field's text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text (at most [`MAX_TEXT_CHARS`] characters).
    Text,
    /// `YYYY-MM-DD`.
    Date,
    /// A decimal amount ≥ 0 (万元).
    Amount,
    /// A whole number ≥ 0.
    Count,
    /// One of fixed codes.
    Choice(&'static [&'static str]),
    /// 统一社会信用代码 (GB 32100 check digit).
    Uscc,
    /// An org unit of the plan (区划代码).
    OrgUnit,
}

/// One field of a registry record. Labels come from the web's catalogs (`field.{registry}.{name}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// Column / JSON key.
    pub name: &'static str,
    /// How it is read.
    pub kind: FieldKind,
    /// Must not be empty.
    pub required: bool,
    /// Shown as a column in the list.
    pub listed: bool,
}

const fn f(name: &'static str, kind: FieldKind, required: bool, listed: bool) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required,
        listed,
    }
}

/// Longest free text accepted in a field.
pub const MAX_TEXT_CHARS: usize = 500;

use FieldKind as K;

const TALENT: &[FieldSpec] = &[
    f("name", K::Text, true, true),
    // Free text: the plan counts 高端创新创业人才; other categories are kept as recorded.
    f("category", K::Text, true, true),
    f("introduced_on", K::Date, true, true),
    f("employer_uscc", K::Uscc, false, true),
    f("org_unit_code", K::OrgUnit, true, true),
    f("note", K::Text, false, false),
];
const PLATFORM: &[FieldSpec] = &[
    f("name", K::Text, true, true),
    f(
        "kind",
        K::Choice(&["industrial_tech_institute", "maker_space", "incubator"]),
        true,
        true,
    ),
    f(
        "level",
        K::Choice(&["国家级", "省级", "市级", "区级"]),
        false,
        true,
    ),
    f("recognised_on", K::Date, true, true),
    f("revoked_on", K::Date, false, true),
    f("org_unit_code", K::OrgUnit, true, true),
    f("host_unit", K::Text, false, true),
    f("host_uscc", K::Uscc, false, false),
];
const CONTRACT: &[FieldSpec] = &[
    f("contract_number", K::Text, true, true),
    f(
        "contract_type",
        K::Choice(&["技术开发", "技术转让", "技术许可", "技术咨询", "技术服务"]),
        true,
        true,
    ),
    f("registered_on", K::Date, true, true),
    f("seller_uscc", K::Uscc, true, true),
    f("buyer_name", K::Text, false, true),
    f("turnover", K::Amount, true, true),
    f("tech_turnover", K::Amount, false, false),
    f("org_unit_code", K::OrgUnit, true, true),
];
const FINANCING: &[FieldSpec] = &[
    f("registration_number", K::Text, true, true),
    f("uscc", K::Uscc, true, true),
    f("pledgee", K::Text, true, true),
    f("amount", K::Amount, true, true),
    f("registered_on", K::Date, true, true),
    f("patent_count", K::Count, false, false),
    f("org_unit_code", K::OrgUnit, true, true),
    f("note", K::Text, false, false),
];
const FUNDING: &[FieldSpec] = &[
    f("program", K::Text, true, true),
    f("recipient_name", K::Text, true, true),
    f("recipient_uscc", K::Uscc, false, false),
    f("amount", K::Amount, true, true),
    f("paid_on", K::Date, true, true),
    f("department_code", K::Text, false, true),
    f("org_unit_code", K::OrgUnit, true, true),
    f("document_number", K::Text, false, false),
];
const ACHIEVEMENT: &[FieldSpec] = &[
    f("kind", K::Choice(&["key_technology", "new_product"]), true, true),
    f("title", K::Text, true, true),
    f("owner_name", K::Text, true, true),
    f("owner_uscc", K::Uscc, false, false),
    f("level", K::Text, false, true),
    f("recognised_on", K::Date, false, true),
    f("evidence", K::Text, false, false),
    f("org_unit_code", K::OrgUnit, true, true),
];

impl RegistryKind {
    /// Every registry, in menu order.
    pub const ALL: [RegistryKind; 6] = [
        RegistryKind::Talents,
        RegistryKind::Platforms,
        RegistryKind::Contracts,
        RegistryKind::Financing,
        RegistryKind::Funding,
        RegistryKind::Achievements,
    ];

    /// The URL / API segment.
    pub fn slug(self) -> &'static str {
        match self {
            RegistryKind::Talents => "talents",
            RegistryKind::Platforms => "platforms",
            RegistryKind::Contracts => "contracts",
            RegistryKind::Financing => "financing",
            RegistryKind::Funding => "funding",
            RegistryKind::Achievements => "achievements",
        }
    }

    /// Reads a URL segment.
    pub fn parse(slug: &str) -> Option<RegistryKind> {
        RegistryKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// The store table (also the audit log's entity name).
    pub fn entity(self) -> &'static str {
        match self {
            RegistryKind::Talents => Talent::ENTITY,
            RegistryKind::Platforms => Platform::ENTITY,
            RegistryKind::Contracts => TechContract::ENTITY,
            RegistryKind::Financing => IpPledgeFinancing::ENTITY,
            RegistryKind::Funding => FiscalSupport::ENTITY,
            RegistryKind::Achievements => Achievement::ENTITY,
        }
    }

    /// The fields, in form order.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            RegistryKind::Talents => TALENT,
            RegistryKind::Platforms => PLATFORM,
            RegistryKind::Contracts => CONTRACT,
            RegistryKind::Financing => FINANCING,
            RegistryKind::Funding => FUNDING,
            RegistryKind::Achievements => ACHIEVEMENT,
        }
    }
}

/// A registry row with its id, version and timestamps; `values` holds every field as text (empty = none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryRow {
    /// Id.
    pub id: i64,
    /// Version for the optimistic check.
    pub version: i64,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
    /// Field name → text.
    pub values: BTreeMap<String, String>,
}

/// One page of rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryPage {
    /// Rows.
    pub items: Vec<RegistryRow>,
    /// Matching rows in all.
    pub total: i64,
    /// Skipped.
    pub offset: i64,
    /// Page size.
    pub limit: i64,
}

/// Text fields as submitted (form fields, or a JSON object's scalars).
pub type Fields = BTreeMap<String, String>;

/// Reads a JSON object's scalars as text fields: numbers exactly as written (never through `f64`), `null` as
/// empty. Arrays and objects are an error for their field.
pub fn fields_from_json(body: &str) -> Result<Fields, AppError> {
    use serde_json::value::RawValue;
    let map: BTreeMap<String, Box<RawValue>> = serde_json::from_str(body).map_err(|e| {
        AppError::invalid(
            "body",
            format!("请求体应为 JSON 对象：{e}"),
            format!("the body must be a JSON object: {e}"),
        )
    })?;
    let mut out = Fields::new();
    let mut errors = Vec::new();
    for (k, v) in map {
        let raw = v.get().trim();
        if raw == "null" {
            out.insert(k, String::new());
        } else if raw.starts_with('"') {
            match serde_json::from_str::<String>(raw) {
                Ok(s) => {
                    out.insert(k, s);
                }
                Err(e) => errors.push(FieldError::new(k, e.to_string(), e.to_string())),
            }
        } else if raw.starts_with('{') || raw.starts_with('[') {
            errors.push(FieldError::new(k, "应为文字或数字", "must be text or a number"));
        } else {
            out.insert(k, raw.to_owned());
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Invalid(errors))
    }
}

fn text_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn row_of<T: Record>(kind: RegistryKind, s: &Stored<T>) -> RegistryRow {
    let json = serde_json::to_value(&s.record).unwrap_or_default();
    let values = kind
        .fields()
        .iter()
        .map(|f| {
            (
                f.name.to_owned(),
                json.get(f.name).map(text_of).unwrap_or_default(),
            )
        })
        .collect();
    RegistryRow {
        id: s.id,
        version: s.version,
        created_at: s.created_at,
        updated_at: s.updated_at,
        values,
    }
}

/// Parses text fields into the JSON the record deserialises from, collecting every field's problem.
fn parse_fields(
    kind: RegistryKind,
    plan: &Plan,
    input: &Fields,
) -> Result<serde_json::Value, Vec<FieldError>> {
    use serde_json::Value;
    let mut obj = serde_json::Map::new();
    let mut errors = Vec::new();
    for spec in kind.fields() {
        let raw = input.get(spec.name).map(|s| s.trim()).unwrap_or("");
        if raw.is_empty() {
            if spec.required {
                errors.push(FieldError::new(spec.name, "必填", "required"));
            }
            obj.insert(spec.name.into(), Value::Null);
            continue;
        }
        let parsed: Result<Value, FieldError> = match spec.kind {
            K::Text => {
                if raw.chars().count() > MAX_TEXT_CHARS {
                    Err(FieldError::new(
                        spec.name,
                        format!("最多 {MAX_TEXT_CHARS} 个字符"),
                        format!("at most {MAX_TEXT_CHARS} characters"),
                    ))
                } else if raw.chars().any(char::is_control) {
                    Err(FieldError::new(
                        spec.name,
                        "含有控制字符",
                        "contains control characters",
                    ))
                } else {
                    Ok(Value::String(raw.to_owned()))
                }
            }
            K::Date => raw
                .parse::<Date>()
                .map(|d| Value::String(d.to_string()))
                .map_err(|_| {
                    FieldError::new(
                        spec.name,
                        format!("日期应为 YYYY-MM-DD：“{raw}”"),
                        format!("a date is YYYY-MM-DD: “{raw}”"),
                    )
                }),
            K::Amount => match raw.parse::<Decimal>() {
                Ok(d) if d.is_sign_negative() && !d.is_zero() => Err(FieldError::new(
                    spec.name,
                    "金额不能为负",
                    "an amount cannot be negative",
                )),
                Ok(d) => Ok(Value::String(d.normalize().to_string())),
                Err(_) => Err(FieldError::new(
                    spec.name,
                    format!("不是数字：“{raw}”（单位为万元，不写单位和千位分隔符）"),
                    format!("not a number: “{raw}” (in 万元, no unit, no thousands separators)"),
                )),
            },
            K::Count => match raw.parse::<i64>() {
                Ok(n) if n >= 0 => Ok(Value::from(n)),
                _ => Err(FieldError::new(
                    spec.name,
                    format!("应为非负整数：“{raw}”"),
                    format!("must be a whole number ≥ 0: “{raw}”"),
                )),
            },
            K::Choice(options) => {
                if options.contains(&raw) {
                    Ok(Value::String(raw.to_owned()))
                } else {
                    Err(FieldError::new(
                        spec.name,
                        format!("“{raw}” 不是可选值（{}）", options.join("、")),
                        format!("“{raw}” is not one of {}", options.join(", ")),
                    ))
                }
            }
            K::Uscc => Uscc::parse(raw)
                .map(|u| Value::String(u.as_str().to_owned()))
                .map_err(|e| FieldError::new(spec.name, e.to_string(), e.to_string())),
            K::OrgUnit => match OrgUnitCode::parse(raw) {
                Ok(code) if plan.org_unit(&code).is_some() => Ok(Value::String(code.as_str().to_owned())),
                _ => Err(FieldError::new(
                    spec.name,
                    format!("计划中没有区划 “{raw}”"),
                    format!("no org unit “{raw}” in the plan"),
                )),
            },
        };
        match parsed {
            Ok(v) => {
                obj.insert(spec.name.into(), v);
            }
            Err(e) => {
                errors.push(e);
                obj.insert(spec.name.into(), Value::Null);
            }
        }
    }
    for name in input.keys() {
        if !kind.fields().iter().any(|f| f.name == name)
            && !matches!(name.as_str(), "version" | "id" | "_csrf")
        {
            errors.push(FieldError::new(name.clone(), "未知字段", "unknown field"));
        }
    }
    cross_checks(kind, &obj, &mut errors);
    if errors.is_empty() {
        Ok(Value::Object(obj))
    } else {
        Err(errors)
    }
}

/// Rules between fields.
fn cross_checks(
    kind: RegistryKind,
    obj: &serde_json::Map<String, serde_json::Value>,
    errors: &mut Vec<FieldError>,
) {
    let text = |k: &str| obj.get(k).and_then(|v| v.as_str());
    match kind {
        RegistryKind::Platforms => {
            if let (Some(from), Some(to)) = (text("recognised_on"), text("revoked_on"))
                && to < from
            {
                errors.push(FieldError::new(
                    "revoked_on",
                    "撤销日期不能早于认定日期",
                    "the revocation date cannot be before the recognition date",
                ));
            }
        }
        RegistryKind::Contracts => {
            let dec = |k: &str| text(k).and_then(|s| s.parse::<Decimal>().ok());
            if let (Some(total), Some(tech)) = (dec("turnover"), dec("tech_turnover"))
                && tech > total
            {
                errors.push(FieldError::new(
                    "tech_turnover",
                    "技术交易额不能大于成交额",
                    "the technology part cannot exceed the turnover",
                ));
            }
        }
        _ => {}
    }
}

fn decode<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_json::from_value(value).map_err(|e| AppError::invalid("body", e.to_string(), e.to_string()))
}

/// Listing parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListParams {
    /// Free-text search.
    pub search: Option<String>,
    /// Rows to skip.
    pub offset: i64,
    /// Page size (1–500, default 50).
    pub limit: i64,
}

fn actor(p: &Principal) -> Actor {
    p.actor()
}

async fn list_t<T: Record>(
    store: &Store,
    kind: RegistryKind,
    p: &ListParams,
) -> Result<RegistryPage, AppError> {
    let limit = if p.limit <= 0 { 50 } else { p.limit.min(500) };
    let mut q = ListQuery::default().page(p.offset.max(0), limit);
    if let Some(s) = p.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.search(s.chars().take(100).collect::<String>());
    }
    let page = store.list::<T>(&q).await?;
    Ok(RegistryPage {
        items: page.items.iter().map(|s| row_of(kind, s)).collect(),
        total: page.total,
        offset: page.offset,
        limit: page.limit,
    })
}

async fn get_t<T: Record>(store: &Store, kind: RegistryKind, id: i64) -> Result<RegistryRow, AppError> {
    Ok(row_of(kind, &store.get::<T>(id).await?))
}

async fn create_t<T: Record + DeserializeOwned>(
    store: &Store,
    who: &Principal,
    kind: RegistryKind,
    value: serde_json::Value,
) -> Result<RegistryRow, AppError> {
    let record: T = decode(value)?;
    let mut tx = store.begin(actor(who)).await?;
    if tx.find_by_key::<T>(&record.key()).await?.is_some() {
        return Err(duplicate(kind));
    }
    let stored = tx.insert(&record).await?;
    tx.commit().await?;
    Ok(row_of(kind, &stored))
}

fn duplicate(kind: RegistryKind) -> AppError {
    AppError::Conflict(format!(
        "已有相同的记录（{}）/ a row with the same key already exists in {}",
        kind.slug(),
        kind.slug()
    ))
}

async fn update_t<T: Record + DeserializeOwned>(
    store: &Store,
    who: &Principal,
    kind: RegistryKind,
    id: i64,
    version: i64,
    value: serde_json::Value,
) -> Result<RegistryRow, AppError> {
    let record: T = decode(value)?;
    let mut tx = store.begin(actor(who)).await?;
    if let Some(other) = tx.find_by_key::<T>(&record.key()).await?
        && other.id != id
    {
        return Err(duplicate(kind));
    }
    let stored = tx.update(id, version, &record).await?;
    tx.commit().await?;
    Ok(row_of(kind, &stored))
}

async fn delete_t<T: Record>(store: &Store, who: &Principal, id: i64, version: i64) -> Result<(), AppError> {
    let mut tx = store.begin(actor(who)).await?;
    tx.delete::<T>(id, version).await?;
    tx.commit().await?;
    Ok(())
}

/// Calls a generic function with the record type of a registry kind.
macro_rules! dispatch {
    ($kind:expr, $f:ident, $($arg:expr),*) => {
        match $kind {
            RegistryKind::Talents => $f::<Talent>($($arg),*).await,
            RegistryKind::Platforms => $f::<Platform>($($arg),*).await,
            RegistryKind::Contracts => $f::<TechContract>($($arg),*).await,
            RegistryKind::Financing => $f::<IpPledgeFinancing>($($arg),*).await,
            RegistryKind::Funding => $f::<FiscalSupport>($($arg),*).await,
            RegistryKind::Achievements => $f::<Achievement>($($arg),*).await,
        }
    };
}

/// Lists a registry (internal users).
pub async fn list(
    store: &Store,
    who: &Principal,
    kind: RegistryKind,
    params: &ListParams,
) -> Result<RegistryPage, AppError> {
    who.require(&Permission::ViewInternal)?;
    dispatch!(kind, list_t, store, kind, params)
}

/// Reads one row (internal users).
pub async fn get(
    store: &Store,
    who: &Principal,
    kind: RegistryKind,
    id: i64,
) -> Result<RegistryRow, AppError> {
    who.require(&Permission::ViewInternal)?;
    dispatch!(kind, get_t, store, kind, id)
}

/// Checks fields without writing (for a form preview); the errors are what [`create`] would return.
pub fn check(kind: RegistryKind, plan: &Plan, fields: &Fields) -> Result<(), AppError> {
    parse_fields(kind, plan, fields)
        .map(|_| ())
        .map_err(AppError::Invalid)
}

/// Creates a row (registry editors). A row with the same natural key is a conflict.
pub async fn create(
    store: &Store,
    who: &Principal,
    plan: &Plan,
    kind: RegistryKind,
    fields: &Fields,
) -> Result<RegistryRow, AppError> {
    who.require(&Permission::EditRegistries)?;
    let value = parse_fields(kind, plan, fields).map_err(AppError::Invalid)?;
    dispatch!(kind, create_t, store, who, kind, value)
}

/// Replaces a row's fields if it is still at `version`; otherwise [`AppError::Stale`].
pub async fn update(
    store: &Store,
    who: &Principal,
    plan: &Plan,
    kind: RegistryKind,
    id: i64,
    version: i64,
    fields: &Fields,
) -> Result<RegistryRow, AppError> {
    who.require(&Permission::EditRegistries)?;
    let value = parse_fields(kind, plan, fields).map_err(AppError::Invalid)?;
    dispatch!(kind, update_t, store, who, kind, id, version, value)
}

/// Deletes a row if it is still at `version`.
pub async fn delete(
    store: &Store,
    who: &Principal,
    kind: RegistryKind,
    id: i64,
    version: i64,
) -> Result<(), AppError> {
    who.require(&Permission::EditRegistries)?;
    dispatch!(kind, delete_t, store, who, id, version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        plantrack_core::plan::embedded::shuangtaizi().unwrap()
    }

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_good_contract_parses_into_the_store_record() {
        let v = parse_fields(
            RegistryKind::Contracts,
            &plan(),
            &fields(&[
                ("contract_number", "2019210011000123"),
                ("contract_type", "技术开发"),
                ("registered_on", "2019-05-06"),
                ("seller_uscc", "91350100M000100Y43"),
                ("turnover", "120.5"),
                ("org_unit_code", "211102"),
            ]),
        )
        .unwrap();
        let c: TechContract = decode(v).unwrap();
        assert_eq!(c.turnover, "120.5".parse::<Decimal>().unwrap());
        assert_eq!(c.buyer_name, None);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let errs = parse_fields(
            RegistryKind::Contracts,
            &plan(),
            &fields(&[
                ("contract_type", "卖菜"),
                ("registered_on", "2019-13-01"),
                ("seller_uscc", "91350100M000100Y44"),
                ("turnover", "-1"),
                ("org_unit_code", "999999"),
                ("colour", "red"),
            ]),
        )
        .unwrap_err();
        let named: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "contract_number",
            "contract_type",
            "registered_on",
            "seller_uscc",
            "turnover",
            "org_unit_code",
            "colour",
        ] {
            assert!(named.contains(&f), "{f} missing from {named:?}");
        }
    }

    #[test]
    fn a_platform_cannot_be_revoked_before_it_was_recognised() {
        let errs = parse_fields(
            RegistryKind::Platforms,
            &plan(),
            &fields(&[
                ("name", "盘锦石化产业技术研究院"),
                ("kind", "industrial_tech_institute"),
                ("recognised_on", "2019-05-06"),
                ("revoked_on", "2019-01-01"),
                ("org_unit_code", "211102"),
            ]),
        )
        .unwrap_err();
        assert_eq!(errs[0].field, "revoked_on");
    }

    #[test]
    fn json_scalars_become_fields_and_objects_are_refused() {
        let f =
            fields_from_json(r#"{"turnover": 1234567.8901234567, "buyer_name": null, "n": "甲"}"#).unwrap();
        assert_eq!(f["turnover"], "1234567.8901234567");
        assert_eq!(f["buyer_name"], "");
        assert_eq!(f["n"], "甲");
        assert!(fields_from_json(r#"{"x": {"y": 1}}"#).is_err());
        assert!(fields_from_json("[1]").is_err());
    }

    #[test]
    fn every_field_spec_names_a_column_of_its_record() {
        for kind in RegistryKind::ALL {
            let cols: &[&str] = match kind {
                RegistryKind::Talents => Talent::COLUMNS,
                RegistryKind::Platforms => Platform::COLUMNS,
                RegistryKind::Contracts => TechContract::COLUMNS,
                RegistryKind::Financing => IpPledgeFinancing::COLUMNS,
                RegistryKind::Funding => FiscalSupport::COLUMNS,
                RegistryKind::Achievements => Achievement::COLUMNS,
            };
            let names: Vec<&str> = kind.fields().iter().map(|f| f.name).collect();
            assert_eq!(names, cols, "{kind:?}");
            assert_eq!(RegistryKind::parse(kind.slug()), Some(kind));
        }
    }
}
